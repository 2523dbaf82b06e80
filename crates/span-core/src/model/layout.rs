//! Highlight layout: how one paragraph's text is cut into segments so that
//! each segment is covered by the same set of spans throughout.
//!
//! Overlapping and nested spans become several segments, each listing every
//! span over it, outermost first, so the view can show all of them and the
//! reading pane's text stays exactly the document's text. Offsets are code
//! points; each segment's bytes come from [`text`](super::text), where
//! code points become bytes.

use std::ops::Range;

use super::{text, Annotation};

/// A run of a paragraph's text covered by the same spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Code-point range in the document.
    pub start: usize,
    pub end: usize,
    /// UTF-8 byte range in the paragraph's text.
    pub byte_range: Range<usize>,
    /// Indices into the spans given to [`segments`], outermost (longest)
    /// first, so the innermost span is last.
    pub covering: Vec<usize>,
}

/// Cuts `paragraph` (starting at code point `paragraph_start` of its
/// document) into segments. Spans may reach outside the paragraph; they are
/// clipped to it.
pub fn segments(paragraph: &str, paragraph_start: usize, spans: &[&Annotation]) -> Vec<Segment> {
    let paragraph_end = paragraph_start + text::char_len(paragraph);
    let clip = |offset: usize| offset.clamp(paragraph_start, paragraph_end);

    let mut cuts = vec![paragraph_start, paragraph_end];
    for span in spans {
        cuts.extend([clip(span.start), clip(span.end)]);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let in_paragraph: Vec<usize> = cuts.iter().map(|cut| cut - paragraph_start).collect();
    let byte_of_cut = text::byte_indices(paragraph, &in_paragraph);
    cuts.windows(2)
        .zip(byte_of_cut.windows(2))
        .map(|(at, bytes)| {
            let (start, end) = (at[0], at[1]);
            let mut covering: Vec<usize> = (0..spans.len())
                .filter(|&i| spans[i].start <= start && spans[i].end >= end)
                .collect();
            covering.sort_by(|&a, &b| {
                let (a, b) = (spans[a], spans[b]);
                (b.end - b.start)
                    .cmp(&(a.end - a.start))
                    .then(a.start.cmp(&b.start))
                    .then(a.id.cmp(&b.id))
            });
            Segment {
                start,
                end,
                byte_range: bytes[0]..bytes[1],
                covering,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(id: &str, start: usize, end: usize) -> Annotation {
        Annotation::at(id, start, end)
    }

    /// Renders segments as `text[ids]` pieces for compact assertions.
    fn render(paragraph: &str, start: usize, spans: &[Annotation]) -> String {
        let refs: Vec<&Annotation> = spans.iter().collect();
        segments(paragraph, start, &refs)
            .iter()
            .map(|s| {
                let ids: Vec<&str> = s.covering.iter().map(|&i| spans[i].id.as_str()).collect();
                format!("{}[{}]", &paragraph[s.byte_range.clone()], ids.join(","))
            })
            .collect()
    }

    #[test]
    fn no_spans_is_one_plain_segment() {
        assert_eq!(render("héllo\n", 10, &[]), "héllo\n[]");
    }

    #[test]
    fn nested_spans_list_the_outer_one_first() {
        let spans = [span("in", 2, 3), span("out", 1, 4)];
        assert_eq!(render("a“b”c", 0, &spans), "a[]“[out]b[out,in]”[out]c[]");
    }

    #[test]
    fn crossing_spans_split_into_three() {
        let spans = [span("x", 0, 3), span("y", 2, 5)];
        assert_eq!(render("😀😀😀😀😀", 0, &spans), "😀😀[x]😀[x,y]😀😀[y]");
    }

    #[test]
    fn spans_reaching_outside_are_clipped_to_the_paragraph() {
        let spans = [
            span("long", 0, 100),
            span("before", 0, 5),
            span("after", 9, 12),
        ];
        assert_eq!(render("ab\n", 5, &spans), "ab\n[long]");
    }

    #[test]
    fn identical_spans_are_both_listed() {
        let spans = [span("b", 1, 2), span("a", 1, 2)];
        assert_eq!(render("xyz", 0, &spans), "x[]y[a,b]z[]");
    }

    #[test]
    fn segments_always_rebuild_the_paragraph() {
        let paragraph = "e\u{301} 中文 עברית 👩‍👩‍👧 “q”\u{a0}\n";
        let len = text::char_len(paragraph);
        let spans: Vec<Annotation> = (0..len)
            .flat_map(|s| (s + 1..=len).step_by(3).map(move |e| (s, e)))
            .enumerate()
            .map(|(i, (s, e))| span(&format!("s{i}"), s + 7, e + 7))
            .collect();
        let refs: Vec<&Annotation> = spans.iter().collect();
        let segs = segments(paragraph, 7, &refs);
        let rebuilt: String = segs
            .iter()
            .map(|s| &paragraph[s.byte_range.clone()])
            .collect();
        assert_eq!(rebuilt, paragraph);
        for s in &segs {
            assert_eq!(
                text::slice(paragraph, s.start - 7, s.end - 7),
                Some(&paragraph[s.byte_range.clone()])
            );
        }
    }
}
