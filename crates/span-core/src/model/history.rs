//! Undo and redo: every change a person makes is recorded as one
//! [`Action`], which knows how to undo itself.
//!
//! An action holds the before and after of each annotation it touched (and
//! of the label set and the documents, if it changed those), so undoing is
//! applying its inverse, and nothing has to be recomputed or remembered
//! elsewhere.
//!
//! Steps address documents by position. That stays sound because actions
//! are undone strictly last-first: every later action was planned against
//! the positions an earlier one left, and is undone before it.
//!
//! The history is bounded twice: by [`LIMIT`] actions and by [`BUDGET`]
//! bytes of what its actions hold (see [`Action::heap_size`]). A document's
//! text is shared (an `Arc<str>`), so a rename holds no copy of it.

use std::fmt;
use std::mem::size_of;

use super::{Annotation, Document, Label, Relation, RelationType};

/// How many actions can be undone.
const LIMIT: usize = 1_000;

/// How many bytes the actions that can be undone and redone may hold, as
/// [`Action::heap_size`] estimates them.
const BUDGET: usize = 64 << 20;

/// One annotation of one document before and after a change: `before` is
/// `None` for a new annotation, `after` is `None` for a deleted one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub document: usize,
    pub before: Option<Annotation>,
    pub after: Option<Annotation>,
}

impl Step {
    fn inverse(&self) -> Self {
        Self {
            document: self.document,
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// One document before and after a change at `position`: `before` is
/// `None` when it is added there, `after` is `None` when it is removed, and
/// both are there when it is renamed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentStep {
    pub position: usize,
    pub before: Option<Document>,
    pub after: Option<Document>,
}

impl DocumentStep {
    fn inverse(&self) -> Self {
        Self {
            position: self.position,
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }

    /// Whether applying this step removes a document. Removals wait until
    /// the document's annotations are gone; everything else happens before
    /// the annotation steps, so those may use the new documents.
    pub fn removes(&self) -> bool {
        self.after.is_none()
    }
}

/// One relation of one document before and after a change, as [`Step`] is
/// for an annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationStep {
    pub document: usize,
    pub before: Option<Relation>,
    pub after: Option<Relation>,
}

impl RelationStep {
    fn inverse(&self) -> Self {
        Self {
            document: self.document,
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }

    /// Whether applying this step removes a relation. Removals come before
    /// the annotation steps, so that an annotation is never removed while
    /// a relation uses it; everything else comes after them, so that a
    /// relation may use an annotation the same action adds.
    pub fn removes(&self) -> bool {
        self.after.is_none()
    }
}

/// Everything one user action changed; undone and redone as a whole.
///
/// It is applied in this order: the label set and the relation types; the
/// document steps that add or rename, in order; the relation steps that
/// remove; the annotation steps; the other relation steps; the document
/// steps that remove, in order (so a planner lists removals last position
/// first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Action {
    /// The label set before and after, if the action changed it.
    pub labels: Option<(Vec<Label>, Vec<Label>)>,
    pub documents: Vec<DocumentStep>,
    pub steps: Vec<Step>,
    /// The relation types before and after, if the action changed them.
    pub relation_types: Option<(Vec<RelationType>, Vec<RelationType>)>,
    pub relations: Vec<RelationStep>,
}

impl Action {
    pub fn step(step: Step) -> Self {
        Self {
            steps: vec![step],
            ..Self::default()
        }
    }

    /// This action followed by `next`, as one action, if `next` starts from
    /// what this one left wherever both touch the same thing: each
    /// annotation, document and the label set going from this action's
    /// before to `next`'s after.
    pub fn then(&self, next: &Action) -> Option<Action> {
        let mut joined = self.clone();
        if let Some((before, after)) = &next.labels {
            match &mut joined.labels {
                Some((_, ours)) if ours == before => *ours = after.clone(),
                Some(_) => return None,
                None => joined.labels = Some((before.clone(), after.clone())),
            }
        }
        for step in &next.steps {
            let id = step.before.as_ref().or(step.after.as_ref()).map(|a| &a.id);
            let mine = joined
                .steps
                .iter_mut()
                .find(|s| s.before.as_ref().or(s.after.as_ref()).map(|a| &a.id) == id);
            match mine {
                Some(mine) if mine.after == step.before => mine.after = step.after.clone(),
                Some(_) => return None,
                None => joined.steps.push(step.clone()),
            }
        }
        if let Some((before, after)) = &next.relation_types {
            match &mut joined.relation_types {
                Some((_, ours)) if ours == before => *ours = after.clone(),
                Some(_) => return None,
                None => joined.relation_types = Some((before.clone(), after.clone())),
            }
        }
        for step in &next.relations {
            let id = step.before.as_ref().or(step.after.as_ref()).map(|r| &r.id);
            let mine = joined
                .relations
                .iter_mut()
                .find(|s| s.before.as_ref().or(s.after.as_ref()).map(|r| &r.id) == id);
            match mine {
                Some(mine) if mine.after == step.before => mine.after = step.after.clone(),
                Some(_) => return None,
                None => joined.relations.push(step.clone()),
            }
        }
        for step in &next.documents {
            let mine = joined
                .documents
                .iter_mut()
                .find(|d| d.position == step.position);
            match mine {
                Some(mine) if mine.after == step.before => mine.after = step.after.clone(),
                Some(_) => return None,
                None => joined.documents.push(step.clone()),
            }
        }
        Some(joined)
    }

    /// About how many bytes this action holds: its strings' lengths and
    /// each item's own size. A text is counted only where a document is
    /// added or removed, as after an undo the history may be all that
    /// holds it; a renamed document shares its text with the workspace.
    pub fn heap_size(&self) -> usize {
        fn annotation(a: &Annotation) -> usize {
            size_of::<Annotation>()
                + a.id.len()
                + a.document_id.len()
                + a.quote.len()
                + a.label.len()
                + a.created.len()
                + a.note.as_ref().map_or(0, String::len)
        }
        fn relation(r: &Relation) -> usize {
            size_of::<Relation>()
                + r.id.len()
                + r.document_id.len()
                + r.from.len()
                + r.to.len()
                + r.kind.len()
                + r.created.len()
                + r.note.as_ref().map_or(0, String::len)
        }
        fn document(d: &Document, with_text: bool) -> usize {
            size_of::<Document>()
                + d.id.len()
                + d.file_name.len()
                + d.title.len()
                + if with_text { d.text.len() } else { 0 }
        }
        fn both<T>(before: &Option<T>, after: &Option<T>, size: impl Fn(&T) -> usize) -> usize {
            before.as_ref().map_or(0, &size) + after.as_ref().map_or(0, &size)
        }
        let labels = self.labels.as_ref().map_or(0, |(before, after)| {
            before
                .iter()
                .chain(after)
                .map(|l| size_of::<Label>() + l.name.len() + l.color.len())
                .sum()
        });
        let relation_types = self.relation_types.as_ref().map_or(0, |(before, after)| {
            before
                .iter()
                .chain(after)
                .map(|t| size_of::<RelationType>() + t.name.len() + t.color.len())
                .sum()
        });
        let documents: usize = self
            .documents
            .iter()
            .map(|d| {
                let with_text = d.before.is_none() || d.after.is_none();
                size_of::<DocumentStep>() + both(&d.before, &d.after, |d| document(d, with_text))
            })
            .sum();
        let steps: usize = self
            .steps
            .iter()
            .map(|s| size_of::<Step>() + both(&s.before, &s.after, annotation))
            .sum();
        let relations: usize = self
            .relations
            .iter()
            .map(|r| size_of::<RelationStep>() + both(&r.before, &r.after, relation))
            .sum();
        size_of::<Action>() + labels + relation_types + documents + steps + relations
    }

    /// Whether applying this action changes nothing.
    pub fn is_noop(&self) -> bool {
        self.labels.as_ref().is_none_or(|(b, a)| b == a)
            && self.steps.iter().all(|s| s.before == s.after)
            && self.documents.iter().all(|d| d.before == d.after)
            && self.relation_types.as_ref().is_none_or(|(b, a)| b == a)
            && self.relations.iter().all(|r| r.before == r.after)
    }

    /// The action that takes its after-state back to its before-state.
    ///
    /// Reversing the document steps keeps the order rule sound: removals
    /// listed last position first come back as additions first position
    /// first, each landing where it was.
    pub fn inverse(&self) -> Self {
        Self {
            labels: self
                .labels
                .as_ref()
                .map(|(before, after)| (after.clone(), before.clone())),
            documents: self
                .documents
                .iter()
                .rev()
                .map(DocumentStep::inverse)
                .collect(),
            steps: self.steps.iter().rev().map(Step::inverse).collect(),
            relation_types: self
                .relation_types
                .as_ref()
                .map(|(before, after)| (after.clone(), before.clone())),
            relations: self
                .relations
                .iter()
                .rev()
                .map(RelationStep::inverse)
                .collect(),
        }
    }
}

/// The actions that can be undone, and those undone that can be redone.
#[derive(Clone, Debug, Default)]
pub struct History {
    done: Vec<Action>,
    undone: Vec<Action>,
    /// What `done` and `undone` hold, by [`Action::heap_size`].
    done_bytes: usize,
    undone_bytes: usize,
    /// The field the latest action was typed into, while typing goes on.
    typing: Option<String>,
    /// Whether the person has been told that old steps were dropped to
    /// stay under the budget: once is enough, as every edit after that
    /// drops one or a few more.
    told_full: bool,
}

/// Old steps dropped from the history to keep it under its memory budget,
/// said the first time it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub dropped: usize,
    /// How many steps can still be undone.
    pub kept: usize,
}

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps = |n: usize| if n == 1 { "step" } else { "steps" };
        write!(
            f,
            "Undo history is full ({} MB): the oldest {} {} {} dropped; {} {} can be undone.",
            BUDGET >> 20,
            self.dropped,
            steps(self.dropped),
            if self.dropped == 1 { "was" } else { "were" },
            self.kept,
            steps(self.kept),
        )
    }
}

impl History {
    /// Records a new action; what was undone can no longer be redone.
    /// Returns what was dropped to stay under the memory budget, the first
    /// time anything is; the newest action is always kept.
    pub fn record(&mut self, action: Action) -> Option<Dropped> {
        self.typing = None;
        self.undone.clear();
        self.undone_bytes = 0;
        self.push_done(action);
        if self.done.len() > LIMIT {
            self.drop_oldest(self.done.len() - LIMIT);
        }
        let over = self.over_budget();
        if over == 0 {
            return None;
        }
        self.drop_oldest(over);
        if std::mem::replace(&mut self.told_full, true) {
            return None;
        }
        Some(Dropped {
            dropped: over,
            kept: self.done.len(),
        })
    }

    /// How many of the oldest actions must go for the rest to fit the
    /// budget, keeping at least the newest.
    fn over_budget(&self) -> usize {
        let mut bytes = self.done_bytes;
        let mut over = 0;
        for action in &self.done[..self.done.len().saturating_sub(1)] {
            if bytes <= BUDGET {
                break;
            }
            bytes -= action.heap_size();
            over += 1;
        }
        over
    }

    fn drop_oldest(&mut self, count: usize) {
        for action in self.done.drain(..count) {
            self.done_bytes -= action.heap_size();
        }
    }

    fn push_done(&mut self, action: Action) {
        self.done_bytes += action.heap_size();
        self.done.push(action);
    }

    fn pop_done(&mut self) -> Option<Action> {
        let action = self.done.pop()?;
        self.done_bytes -= action.heap_size();
        Some(action)
    }

    fn push_undone(&mut self, action: Action) {
        self.undone_bytes += action.heap_size();
        self.undone.push(action);
    }

    fn pop_undone(&mut self) -> Option<Action> {
        let action = self.undone.pop()?;
        self.undone_bytes -= action.heap_size();
        Some(action)
    }

    /// About how many bytes the history holds.
    pub fn heap_size(&self) -> usize {
        self.done_bytes + self.undone_bytes
    }

    /// Records an action typed into `field` (a note, a title): while the
    /// same field is typed into, the actions join into one undo step, and
    /// one that ends where it began leaves none.
    pub fn record_typing(&mut self, action: Action, field: &str) -> Option<Dropped> {
        if self.typing.as_deref() == Some(field) {
            if let Some(joined) = self.done.last().and_then(|last| last.then(&action)) {
                self.pop_done();
                if !joined.is_noop() {
                    self.push_done(joined);
                }
                return None;
            }
        }
        let dropped = self.record(action);
        self.typing = Some(field.to_string());
        dropped
    }

    /// Ends typing into a field: the next action is a step of its own.
    pub fn stop_typing(&mut self) {
        self.typing = None;
    }

    /// The action that undoes the latest one, if any.
    pub fn undo(&mut self) -> Option<Action> {
        self.typing = None;
        let action = self.pop_done()?;
        let inverse = action.inverse();
        self.push_undone(action);
        Some(inverse)
    }

    /// The latest undone action, to apply again, if any.
    pub fn redo(&mut self) -> Option<Action> {
        self.typing = None;
        let action = self.pop_undone()?;
        self.push_done(action.clone());
        Some(action)
    }

    /// Puts back an action whose undo could not be applied.
    pub fn undo_failed(&mut self) {
        if let Some(action) = self.pop_undone() {
            self.push_done(action);
        }
    }

    /// Puts back an action whose redo could not be applied.
    pub fn redo_failed(&mut self) {
        if let Some(action) = self.pop_done() {
            self.push_undone(action);
        }
    }

    #[cfg(test)]
    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }

    #[cfg(test)]
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noted(note: Option<&str>) -> Annotation {
        Annotation {
            id: "a".into(),
            document_id: "doc".into(),
            start: 0,
            end: 3,
            quote: "abc".into(),
            label: "Person".into(),
            created: "2026-11-27T10:00:00.000Z".into(),
            note: note.map(str::to_string),
            entity: None,
        }
    }

    fn note_change(from: Option<&str>, to: Option<&str>) -> Action {
        Action::step(Step {
            document: 0,
            before: Some(noted(from)),
            after: Some(noted(to)),
        })
    }

    #[test]
    fn typing_into_one_field_is_one_undo_step() {
        let mut history = History::default();
        history.record_typing(note_change(None, Some("c")), "note:a");
        history.record_typing(note_change(Some("c"), Some("ch")), "note:a");
        history.record_typing(note_change(Some("ch"), Some("che")), "note:a");
        let undo = history.undo().unwrap();
        assert_eq!(undo, note_change(Some("che"), None));
        assert!(!history.can_undo());
    }

    #[test]
    fn typing_back_to_the_start_leaves_no_step() {
        let mut history = History::default();
        history.record_typing(note_change(None, Some("c")), "note:a");
        history.record_typing(note_change(Some("c"), None), "note:a");
        assert!(!history.can_undo());
    }

    #[test]
    fn another_field_or_action_starts_a_new_step() {
        let mut history = History::default();
        history.record_typing(note_change(None, Some("c")), "note:a");
        history.stop_typing();
        history.record_typing(note_change(Some("c"), Some("ch")), "note:a");
        history.record(note_change(Some("ch"), Some("chx")));
        history.record_typing(note_change(Some("chx"), Some("chxy")), "note:b");
        let mut steps = 0;
        while history.undo().is_some() {
            steps += 1;
        }
        assert_eq!(steps, 4);
    }

    #[test]
    fn actions_that_do_not_follow_on_are_not_joined() {
        let first = note_change(None, Some("c"));
        assert!(first.then(&note_change(Some("x"), Some("y"))).is_none());
        let joined = first.then(&note_change(Some("c"), Some("cd"))).unwrap();
        assert_eq!(joined, note_change(None, Some("cd")));
    }

    /// A document of `bytes` bytes of lines of text, as the benchmark's.
    fn big_document(id: &str, bytes: usize) -> Document {
        let line = "Astana talks on Syria resumed with Russia, Turkey and Iran.\n";
        Document::new(id, format!("{id}.txt"), line.repeat(bytes / line.len()))
    }

    /// A tag-all of `count` spans, each a new annotation.
    fn tag_all(count: usize) -> Action {
        Action {
            steps: (0..count)
                .map(|i| Step {
                    document: 0,
                    before: None,
                    after: Some(Annotation {
                        id: format!("{i:032x}"),
                        start: i * 10,
                        end: i * 10 + 6,
                        ..noted(None)
                    }),
                })
                .collect(),
            ..Action::default()
        }
    }

    #[test]
    fn big_actions_stay_under_the_budget_and_the_drop_is_told_once() {
        let mut history = History::default();
        let add = Action {
            documents: vec![DocumentStep {
                position: 1,
                before: None,
                after: Some(big_document("big", 4 << 20)),
            }],
            ..Action::default()
        };
        let tag = tag_all(5_000);
        let mut told = Vec::new();
        for i in 0..40 {
            let action = if i % 2 == 0 { add.clone() } else { tag.clone() };
            told.extend(history.record(action));
            assert!(history.heap_size() <= BUDGET, "{}", history.heap_size());
        }
        let [dropped] = told[..] else {
            panic!("told {told:?}")
        };
        // Each 4 MB addition is 2 MB over a sixteenth of the budget.
        assert_eq!((dropped.dropped, dropped.kept), (1, 18));
        assert_eq!(
            dropped.to_string(),
            "Undo history is full (64 MB): the oldest 1 step was dropped; 18 steps can be undone."
        );
        // Undo goes back to the oldest step kept, and redo forward again.
        let kept = history.done.len();
        let mut undone = Vec::new();
        while let Some(inverse) = history.undo() {
            undone.push(inverse);
        }
        assert_eq!(undone.len(), kept);
        assert_eq!(undone[0], tag.inverse());
        for _ in 0..kept {
            history.redo().unwrap();
        }
        assert!(history.redo().is_none());
        assert!(history.heap_size() <= BUDGET);
    }

    #[test]
    fn an_action_over_the_budget_alone_is_still_kept() {
        let mut history = History::default();
        history.record(tag_all(10));
        let huge = Action {
            documents: vec![DocumentStep {
                position: 0,
                before: Some(big_document("huge", BUDGET + 1)),
                after: None,
            }],
            ..Action::default()
        };
        let dropped = history.record(huge.clone()).unwrap();
        assert_eq!((dropped.dropped, dropped.kept), (1, 1));
        assert_eq!(
            dropped.to_string(),
            "Undo history is full (64 MB): the oldest 1 step was dropped; 1 step can be undone."
        );
        assert_eq!(history.undo(), Some(huge.inverse()));
    }

    /// The memory claim, on the history's side: it once kept two
    /// copies of a document's text per rename (3 GB after 400 renames of a
    /// 3.9 MB document in the browser).
    #[test]
    fn renames_and_single_span_edits_hold_little_memory() {
        use crate::model::{default_labels, Workspace};
        let text_bytes = 4_000_000;
        let mut ws = Workspace::new(vec![big_document("big", text_bytes)], default_labels());
        let mut history = History::default();
        for i in 0..400 {
            let action = ws.plan_rename(0, &format!("Title {i}")).unwrap();
            ws.apply(&action).unwrap();
            history.record(action);
        }
        let renames = history.heap_size();
        assert!(renames < 400_000, "400 renames hold {renames} bytes");
        while let Some(inverse) = history.undo() {
            ws.apply(&inverse).unwrap();
        }
        assert_eq!(
            ws.document(0).unwrap().title,
            big_document("big", text_bytes).title
        );

        let mut ws = Workspace::new(vec![big_document("mib", 1 << 20)], default_labels());
        let mut history = History::default();
        for i in 0..1_000 {
            let start = i * 60;
            let action = ws
                .plan_annotate(
                    0,
                    start..start + 6,
                    "Person",
                    format!("{i:032x}"),
                    "2026-11-28T08:00:00.000Z".into(),
                )
                .unwrap();
            ws.apply(&action).unwrap();
            history.record(action);
        }
        let edits = history.heap_size();
        // About 800 bytes an edit: 0.76 of the text's size, which the
        // workspace holds once more with its paragraphs and index.
        assert!(edits < 1 << 20, "1,000 edits hold {edits} bytes");
        eprintln!("history after 400 renames of a 4 MB document: {renames} bytes; after 1,000 single-span edits on 1 MiB: {edits} bytes");
    }
}
