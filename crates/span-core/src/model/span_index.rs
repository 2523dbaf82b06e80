//! The annotations of one document, ordered by position so that the spans
//! over any range are found without scanning them all.

use std::collections::HashMap;

use super::Annotation;

/// Annotations sorted by `(start, end, id)`.
///
/// A range query binary-searches the first span that could reach the range
/// (no span is longer than `longest`) and walks forward from there, so it
/// costs O(log n + spans near the range) however many spans there are. An
/// annotation is found by id through its span, in O(log n) too: every edit
/// and every redraw of the selected annotation looks one up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanIndex {
    spans: Vec<Annotation>,
    /// Each annotation's `(start, end)`, by id.
    spans_by_id: HashMap<String, (usize, usize)>,
    /// An upper bound on the length of every span. It does not shrink on
    /// removal: an overestimate only widens the walk a little.
    longest: usize,
}

impl SpanIndex {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every annotation in text order.
    pub fn iter(&self) -> impl Iterator<Item = &Annotation> {
        self.spans.iter()
    }

    pub fn get(&self, id: &str) -> Option<&Annotation> {
        self.position(id).map(|at| &self.spans[at])
    }

    /// Where annotation `id` is in `spans`.
    fn position(&self, id: &str) -> Option<usize> {
        let &(start, end) = self.spans_by_id.get(id)?;
        let at = self
            .spans
            .partition_point(|a| sort_key(a) < (start, end, id));
        (self.spans.get(at)?.id == id).then_some(at)
    }

    pub fn insert(&mut self, annotation: Annotation) {
        self.longest = self.longest.max(annotation.end - annotation.start);
        let at = self
            .spans
            .partition_point(|a| sort_key(a) < sort_key(&annotation));
        self.spans_by_id
            .insert(annotation.id.clone(), (annotation.start, annotation.end));
        self.spans.insert(at, annotation);
    }

    /// The first annotation after (`forward`) or the last before the text
    /// position `(start, end, id)`, in text order.
    pub fn neighbour(&self, from: (usize, usize, &str), forward: bool) -> Option<&Annotation> {
        if forward {
            let at = self.spans.partition_point(|a| sort_key(a) <= from);
            self.spans.get(at)
        } else {
            let at = self.spans.partition_point(|a| sort_key(a) < from);
            at.checked_sub(1).and_then(|i| self.spans.get(i))
        }
    }

    /// Adds many annotations with one sort, for loading.
    pub fn extend(&mut self, annotations: Vec<Annotation>) {
        for a in &annotations {
            self.longest = self.longest.max(a.end - a.start);
            self.spans_by_id.insert(a.id.clone(), (a.start, a.end));
        }
        self.spans.extend(annotations);
        self.spans.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    }

    /// Removes every annotation `gone` says, in one pass.
    pub fn remove_where(&mut self, mut gone: impl FnMut(&Annotation) -> bool) {
        let spans_by_id = &mut self.spans_by_id;
        self.spans.retain(|a| {
            let keep = !gone(a);
            if !keep {
                spans_by_id.remove(&a.id);
            }
            keep
        });
    }

    pub fn remove(&mut self, id: &str) -> Option<Annotation> {
        let at = self.position(id)?;
        self.spans_by_id.remove(id);
        Some(self.spans.remove(at))
    }

    /// The annotations sharing a code point with `start..end`, in text
    /// order. An empty range finds the spans over the code point at `start`.
    pub fn overlapping(&self, start: usize, end: usize) -> impl Iterator<Item = &Annotation> {
        let first = self
            .spans
            .partition_point(|a| a.start + self.longest < start);
        self.spans[first..]
            .iter()
            .take_while(move |a| a.start < end.max(start + 1))
            .filter(move |a| a.overlaps(start, end.max(start + 1)))
    }
}

fn sort_key(a: &Annotation) -> (usize, usize, &str) {
    (a.start, a.end, &a.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: &str, start: usize, end: usize) -> Annotation {
        Annotation::at(id, start, end)
    }

    fn ids<'a>(found: impl Iterator<Item = &'a Annotation>) -> Vec<&'a str> {
        found.map(|a| a.id.as_str()).collect()
    }

    #[test]
    fn keeps_text_order_whatever_the_insertion_order() {
        let mut index = SpanIndex::default();
        for (id, s, e) in [("c", 9, 12), ("a", 0, 20), ("b", 0, 3), ("d", 9, 10)] {
            index.insert(span(id, s, e));
        }
        assert_eq!(ids(index.iter()), ["b", "a", "d", "c"]);
    }

    #[test]
    fn overlapping_matches_a_brute_force_scan() {
        let mut index = SpanIndex::default();
        let mut all = Vec::new();
        // A deterministic spread of short, long, nested and crossing spans.
        for i in 0..300usize {
            let start = (i * 37) % 500;
            let len = 1 + (i * 13) % if i % 10 == 0 { 120 } else { 9 };
            let a = span(&format!("s{i}"), start, start + len);
            all.push(a.clone());
            index.insert(a);
        }
        for (q_start, q_end) in [
            (0, 1),
            (50, 60),
            (130, 131),
            (499, 650),
            (200, 200),
            (0, 700),
        ] {
            let mut expected: Vec<&str> = all
                .iter()
                .filter(|a| a.overlaps(q_start, q_end.max(q_start + 1)))
                .map(|a| a.id.as_str())
                .collect();
            let mut found = ids(index.overlapping(q_start, q_end));
            expected.sort_unstable();
            found.sort_unstable();
            assert_eq!(found, expected, "query {q_start}..{q_end}");
        }
    }

    #[test]
    fn extend_sorts_like_inserting_one_by_one() {
        let spans: Vec<Annotation> = (0..50)
            .map(|i| span(&format!("s{i}"), (i * 7) % 30, (i * 7) % 30 + 1 + i % 4))
            .collect();
        let mut one_by_one = SpanIndex::default();
        spans.iter().cloned().for_each(|a| one_by_one.insert(a));
        let mut at_once = SpanIndex::default();
        at_once.insert(span("first", 3, 4));
        one_by_one.insert(span("first", 3, 4));
        at_once.extend(spans);
        assert_eq!(at_once, one_by_one);
    }

    #[test]
    fn neighbours_follow_text_order_from_a_caret_or_a_span() {
        let mut index = SpanIndex::default();
        for (id, s, e) in [("c", 9, 12), ("a", 0, 20), ("b", 0, 3), ("d", 9, 10)] {
            index.insert(span(id, s, e));
        }
        let id = |a: Option<&Annotation>| a.map(|a| a.id.clone());
        assert_eq!(id(index.neighbour((5, 5, ""), true)), Some("d".into()));
        assert_eq!(id(index.neighbour((5, 5, ""), false)), Some("a".into()));
        assert_eq!(id(index.neighbour((0, 3, "b"), true)), Some("a".into()));
        assert_eq!(id(index.neighbour((9, 10, "d"), true)), Some("c".into()));
        assert_eq!(id(index.neighbour((9, 12, "c"), true)), None);
        assert_eq!(id(index.neighbour((0, 3, "b"), false)), None);
        assert_eq!(id(index.neighbour((0, 0, ""), true)), Some("b".into()));
    }

    #[test]
    fn get_finds_each_annotation_by_id_through_inserts_and_removals() {
        let mut index = SpanIndex::default();
        index.extend(vec![span("a", 5, 9), span("b", 5, 9), span("c", 0, 2)]);
        index.insert(span("d", 5, 9));
        index.insert(span("e", 1, 30));
        assert_eq!(index.remove("b").map(|a| a.id), Some("b".to_string()));
        for (id, start, end) in [("a", 5, 9), ("c", 0, 2), ("d", 5, 9), ("e", 1, 30)] {
            let found = index.get(id).map(|a| (a.id.as_str(), a.start, a.end));
            assert_eq!(found, Some((id, start, end)));
        }
        assert_eq!(index.get("b"), None);
        assert_eq!(index.get("zz"), None);
    }

    #[test]
    fn remove_by_id() {
        let mut index = SpanIndex::default();
        index.insert(span("a", 0, 2));
        index.insert(span("b", 1, 3));
        assert_eq!(index.remove("a").map(|a| a.id), Some("a".to_string()));
        assert_eq!(index.remove("a"), None);
        assert_eq!(ids(index.iter()), ["b"]);
    }
}
