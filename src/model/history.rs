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

use super::{Annotation, Document, Label};

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

/// Everything one user action changed; undone and redone as a whole.
///
/// It is applied in this order: the label set; the document steps that add
/// or rename, in order; the annotation steps; the document steps that
/// remove, in order (so a planner lists removals last position first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Action {
    /// The label set before and after, if the action changed it.
    pub labels: Option<(Vec<Label>, Vec<Label>)>,
    pub documents: Vec<DocumentStep>,
    pub steps: Vec<Step>,
}

impl Action {
    pub fn step(step: Step) -> Self {
        Self {
            steps: vec![step],
            ..Self::default()
        }
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
        }
    }
}

/// The actions that can be undone, and those undone that can be redone.
#[derive(Clone, Debug, Default)]
pub struct History {
    done: Vec<Action>,
    undone: Vec<Action>,
}

impl History {
    /// Records a new action; what was undone can no longer be redone.
    pub fn record(&mut self, action: Action) {
        self.undone.clear();
        self.done.push(action);
        if self.done.len() > LIMIT {
            self.done.remove(0);
        }
    }

    /// The action that undoes the latest one, if any.
    pub fn undo(&mut self) -> Option<Action> {
        let action = self.done.pop()?;
        let inverse = action.inverse();
        self.undone.push(action);
        Some(inverse)
    }

    /// The latest undone action, to apply again, if any.
    pub fn redo(&mut self) -> Option<Action> {
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

    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }
}
