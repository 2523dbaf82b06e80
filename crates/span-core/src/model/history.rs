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

use super::{Annotation, Document, Label, Relation, RelationType};

/// How many actions can be undone.
const LIMIT: usize = 1_000;

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
    /// The field the latest action was typed into, while typing goes on.
    typing: Option<String>,
}

impl History {
    /// Records a new action; what was undone can no longer be redone.
    pub fn record(&mut self, action: Action) {
        self.typing = None;
        self.undone.clear();
        self.done.push(action);
        if self.done.len() > LIMIT {
            self.done.remove(0);
        }
    }

    /// Records an action typed into `field` (a note, a title): while the
    /// same field is typed into, the actions join into one undo step, and
    /// one that ends where it began leaves none.
    pub fn record_typing(&mut self, action: Action, field: &str) {
        if self.typing.as_deref() == Some(field) {
            if let Some(joined) = self.done.last().and_then(|last| last.then(&action)) {
                self.done.pop();
                if !joined.is_noop() {
                    self.done.push(joined);
                }
                return;
            }
        }
        self.record(action);
        self.typing = Some(field.to_string());
    }

    /// Ends typing into a field: the next action is a step of its own.
    pub fn stop_typing(&mut self) {
        self.typing = None;
    }

    /// The action that undoes the latest one, if any.
    pub fn undo(&mut self) -> Option<Action> {
        self.typing = None;
        let action = self.done.pop()?;
        let inverse = action.inverse();
        self.undone.push(action);
        Some(inverse)
    }

    /// The latest undone action, to apply again, if any.
    pub fn redo(&mut self) -> Option<Action> {
        self.typing = None;
        let action = self.undone.pop()?;
        self.done.push(action.clone());
        Some(action)
    }

    /// Puts back an action whose undo could not be applied.
    pub fn undo_failed(&mut self) {
        if let Some(action) = self.undone.pop() {
            self.done.push(action);
        }
    }

    /// Puts back an action whose redo could not be applied.
    pub fn redo_failed(&mut self) {
        if let Some(action) = self.done.pop() {
            self.undone.push(action);
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
}
