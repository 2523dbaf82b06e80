//! The annotator: the workspace behind a small `Copy` handle that the
//! components share through context.
//!
//! Every edit goes through here. It changes the workspace, saves the one
//! storage bucket it touched, right away and synchronously so that nothing
//! is lost if the tab closes, and wakes only the paragraphs whose highlights changed.
//! The workspace itself is not a signal: fine-grained triggers stand in for
//! it, so adding one span never re-renders the whole document.

use std::ops::Range;

use leptos::prelude::*;

use crate::browser::{stamp, storage};
use crate::model::{
    megabytes, Action, Annotation, Applied, Change, Document, EditError, History, Label, Workspace,
};

use super::persistence::Persistence;
use super::{Notice, SaveState};

#[derive(Clone, Copy)]
pub struct Annotator {
    workspace: StoredValue<Workspace>,
    persistence: StoredValue<Persistence, LocalStorage>,
    /// The list of documents changed: one was added, removed or renamed.
    documents_changed: StoredValue<ArcTrigger>,
    /// Per document: its set of annotations changed.
    document_changed: StoredValue<Vec<ArcTrigger>>,
    /// Per document, per paragraph: that paragraph's highlights changed.
    paragraph_changed: StoredValue<Vec<Vec<ArcTrigger>>>,
    /// Every action, for undo and redo.
    history: StoredValue<History>,
    /// The document in the reading pane.
    pub current: RwSignal<usize>,
    /// Whether new spans snap to whole words.
    pub snap_words: RwSignal<bool>,
    /// The annotations whose details are open, by id.
    pub inspected: RwSignal<Vec<String>>,
    /// The annotation the keyboard acts on (Tab moves it, Enter opens it,
    /// Delete removes it, Shift/Alt+arrows move its ends).
    pub selected: RwSignal<Option<String>>,
    /// The annotation to scroll into view and mark briefly, set by
    /// [`Annotator::reveal`] and acted on by the reading pane.
    pub revealed: RwSignal<Option<String>>,
    /// The label set changed.
    labels_changed: StoredValue<ArcTrigger>,
    pub save_state: RwSignal<SaveState>,
    pub notice: RwSignal<Option<Notice>>,
}

impl Annotator {
    /// Builds the workspace from the seed articles and whatever is stored.
    pub fn load() -> Self {
        let (persistence, workspace, notices) = Persistence::load();
        let (document_changed, paragraph_changed) = triggers(&workspace);
        let notice = (!notices.is_empty()).then(|| Notice {
            is_error: notices.iter().any(|n| n.is_error),
            text: notices
                .into_iter()
                .map(|n| n.text)
                .collect::<Vec<_>>()
                .join(" "),
        });
        let save_state = RwSignal::new(persistence.initial_state());
        Self {
            workspace: StoredValue::new(workspace),
            persistence: StoredValue::new_local(persistence),
            documents_changed: StoredValue::new(ArcTrigger::new()),
            document_changed: StoredValue::new(document_changed),
            paragraph_changed: StoredValue::new(paragraph_changed),
            history: StoredValue::new(History::default()),
            current: RwSignal::new(0),
            snap_words: RwSignal::new(true),
            inspected: RwSignal::new(Vec::new()),
            revealed: RwSignal::new(None),
            selected: RwSignal::new(None),
            labels_changed: StoredValue::new(ArcTrigger::new()),
            save_state,
            notice: RwSignal::new(notice),
        }
    }

    /// Reads the workspace without subscribing to anything; pair it with
    /// [`Annotator::track_document`] or [`Annotator::track_paragraph`].
    pub fn with<R>(&self, f: impl FnOnce(&Workspace) -> R) -> R {
        self.workspace.with_value(f)
    }

    /// Subscribes to documents being added, removed or renamed.
    pub fn track_documents(&self) {
        self.documents_changed.with_value(Track::track);
    }

    pub fn track_document(&self, doc: usize) {
        self.document_changed
            .with_value(|t| t.get(doc).map(Track::track));
    }

    pub fn track_paragraph(&self, doc: usize, paragraph: usize) {
        self.paragraph_changed
            .with_value(|t| t.get(doc).and_then(|p| p.get(paragraph)).map(Track::track));
    }

    /// Redraws one paragraph, e.g. when it comes into view.
    pub fn redraw_paragraph(&self, doc: usize, paragraph: usize) {
        self.paragraph_changed.with_value(|t| {
            t.get(doc)
                .and_then(|p| p.get(paragraph))
                .map(Notify::notify)
        });
    }

    pub fn track_labels(&self) {
        self.labels_changed.with_value(Track::track);
    }

    /// The label set, subscribing to its changes.
    pub fn labels(&self) -> Vec<Label> {
        self.track_labels();
        self.with(|w| w.labels().to_vec())
    }

    /// The annotations of the current document with these ids, in text order.
    pub fn current_annotations(&self, ids: &[String]) -> Vec<Annotation> {
        let doc = self.current.get_untracked();
        self.with(|w| {
            w.annotations(doc)
                .into_iter()
                .flat_map(|a| a.iter())
                .filter(|a| ids.contains(&a.id))
                .cloned()
                .collect()
        })
    }

    /// Tags `span` of the current document with `label`, snapped to whole
    /// words if word snapping is on, and to whole characters always;
    /// returns the new annotation.
    pub fn annotate(&self, span: Range<usize>, label: &str) -> Option<Annotation> {
        let doc = self.current.get_untracked();
        let words = self.snap_words.get_untracked();
        let planned = self.with(|w| {
            let span = w.snap(doc, span, words);
            w.plan_annotate(doc, span, label, stamp::new_id(), stamp::now())
        });
        let created = planned
            .as_ref()
            .ok()
            .and_then(|a| a.steps.first()?.after.clone());
        self.perform(planned).then_some(created).flatten()
    }

    pub fn retag(&self, id: &str, label: &str) {
        let doc = self.current.get_untracked();
        self.perform(self.with(|w| w.plan_retag(doc, id, label)));
    }

    /// Moves annotation `id` of the current document to `span`.
    pub fn resize(&self, id: &str, span: Range<usize>) {
        let doc = self.current.get_untracked();
        self.perform(self.with(|w| w.plan_resize(doc, id, span)));
    }

    /// Sets the note of annotation `id` of the current document; an empty
    /// note removes it.
    pub fn set_note(&self, id: &str, note: &str) {
        let doc = self.current.get_untracked();
        self.perform(self.with(|w| w.plan_note(doc, id, note)));
    }

    /// Applies and records an action planned elsewhere, such as a change to
    /// the label set, or says why it was refused.
    pub fn act(&self, planned: Result<Action, EditError>) -> bool {
        self.perform(planned)
    }

    /// Scrolls annotation `id` of the current document into view and marks
    /// it briefly.
    pub fn reveal(&self, id: &str) {
        self.revealed.set(Some(id.to_string()));
    }

    pub fn delete(&self, id: &str) {
        let doc = self.current.get_untracked();
        self.perform(self.with(|w| w.plan_delete(doc, id)));
        self.inspected.update(|ids| ids.retain(|i| i != id));
        if self.selected.get_untracked().as_deref() == Some(id) {
            self.selected.set(None);
        }
    }

    /// The selected annotation of the current document, if it still exists.
    pub fn selected_annotation(&self) -> Option<Annotation> {
        let id = self.selected.get_untracked()?;
        let doc = self.current.get_untracked();
        self.with(|w| w.annotations(doc)?.get(&id).cloned())
    }

    /// Selects the annotation after (or before) the selected one in text
    /// order, or if none is selected, after (or before) the caret at
    /// `caret`; `false` if there is none.
    pub fn select_next(&self, caret: usize, forward: bool) -> bool {
        let doc = self.current.get_untracked();
        let from = self.selected_annotation();
        let next = self.with(|w| {
            let spans = w.annotations(doc)?;
            let from = from
                .as_ref()
                .map_or((caret, caret, ""), |a| (a.start, a.end, a.id.as_str()));
            spans.neighbour(from, forward).map(|a| a.id.clone())
        });
        let found = next.is_some();
        if found {
            self.selected.set(next);
        }
        found
    }

    /// Adds `documents` after the others and opens the first of them.
    pub fn add_documents(&self, documents: Vec<Document>) -> bool {
        let first = self.with(Workspace::document_count);
        let added = self.perform(self.with(|w| w.plan_add_documents(documents)));
        if added {
            self.open(first);
        }
        added
    }

    /// Gives document `doc` the title `title`.
    pub fn rename_document(&self, doc: usize, title: &str) -> bool {
        self.perform(self.with(|w| w.plan_rename(doc, title)))
    }

    /// Removes document `doc` with its annotations; undo brings both back.
    pub fn remove_document(&self, doc: usize) -> bool {
        self.perform(self.with(|w| w.plan_remove_document(doc)))
    }

    /// Shows document `doc` in the reading pane.
    pub fn open(&self, doc: usize) {
        if self.current.get_untracked() != doc {
            self.inspected.set(Vec::new());
            self.selected.set(None);
            self.current.set(doc);
        }
    }

    /// Undoes the latest action, in whichever document it was, and shows
    /// that document.
    pub fn undo(&self) {
        self.replay("undo", History::undo, History::undo_failed);
    }

    /// Redoes the latest undone action.
    pub fn redo(&self) {
        self.replay("redo", History::redo, History::redo_failed);
    }

    /// Takes the next action to `verb` from the history and applies it,
    /// putting it back with `failed` if it cannot be applied.
    fn replay(
        &self,
        verb: &str,
        next: fn(&mut History) -> Option<Action>,
        failed: fn(&mut History),
    ) {
        let Some(action) = self.history.try_update_value(next).flatten() else {
            self.tell(Notice::info(format!("Nothing to {verb}.")));
            return;
        };
        match self.apply(&action) {
            Ok(()) => self.show_document_of(&action),
            Err(e) => {
                self.history.update_value(failed);
                self.tell(Notice::error(format!("Could not {verb}: {e}.")));
            }
        }
    }

    pub fn tell(&self, notice: Notice) {
        self.notice.set(Some(notice));
    }

    /// Applies and records a planned action, or says why it was refused;
    /// `true` if it was applied.
    fn perform(&self, planned: Result<Action, EditError>) -> bool {
        let action = match planned.and_then(|action| self.apply(&action).map(|()| action)) {
            Ok(action) => action,
            Err(e) => {
                self.tell(Notice::info(format!("Nothing changed: {e}.")));
                return false;
            }
        };
        if let Some(why) = self.unstored_documents(&action) {
            // A document whose text is not stored would be gone after a
            // reload, with everything tagged in it: better to say so now.
            let _ = self.apply(&action.inverse());
            self.tell(Notice::error(format!(
                "Nothing changed: the documents could not be stored ({why}); this site’s storage holds {} of the browser’s 5 MB or so.",
                megabytes(storage::used_units()),
            )));
            return false;
        }
        self.history.update_value(|h| h.record(action));
        true
    }

    /// Why the documents `action` added were not stored, if they were not
    /// although storage works.
    fn unstored_documents(&self, action: &Action) -> Option<String> {
        let adds = action.documents.iter().any(|d| !d.removes());
        match self.save_state.get_untracked() {
            SaveState::NotSaved(why)
                if adds && self.persistence.with_value(Persistence::is_available) =>
            {
                Some(why)
            }
            _ => None,
        }
    }

    /// Applies an action to the workspace, saves what it touched and
    /// redraws it.
    fn apply(&self, action: &Action) -> Result<(), EditError> {
        let current = self.with(|w| {
            w.document(self.current.get_untracked())
                .map(|d| d.id.clone())
        });
        let applied = self
            .workspace
            .try_update_value(|w| w.apply(action))
            .unwrap_or(Err(EditError::UnknownDocument(0)))?;
        let saved = self
            .persistence
            .try_update_value(|p| self.with(|w| p.save(w, &applied)))
            .unwrap_or(SaveState::NotSaved("storage is gone".into()));
        self.save_state.set(saved);
        if applied.documents {
            self.documents_moved(current.as_deref(), &applied);
            return Ok(());
        }
        applied
            .changes
            .iter()
            .for_each(|change| self.notify(change));
        if applied.labels {
            self.labels_changed.with_value(Notify::notify);
            self.paragraph_changed
                .with_value(|docs| docs.iter().flatten().for_each(Notify::notify));
        }
        Ok(())
    }

    /// Rebuilds what follows documents by position after documents were
    /// added, removed or renamed, keeping the document that was open open
    /// if it is still there.
    fn documents_moved(&self, current: Option<&str>, applied: &Applied) {
        let (count, position, fresh) = self.with(|w| {
            (
                w.document_count(),
                current.and_then(|id| w.position(id)),
                triggers(w),
            )
        });
        let (document_changed, paragraph_changed) = fresh;
        self.document_changed.set_value(document_changed);
        self.paragraph_changed.set_value(paragraph_changed);
        let removed_current =
            current.is_some_and(|id| applied.removed_documents.iter().any(|r| r == id));
        let doc =
            position.unwrap_or_else(|| self.current.get_untracked().min(count.saturating_sub(1)));
        if removed_current || position.is_none() {
            self.inspected.set(Vec::new());
            self.selected.set(None);
        }
        // Set even when unchanged: the document at this position may be
        // another one now.
        self.current.set(doc);
        self.documents_changed.with_value(Notify::notify);
        if applied.labels {
            self.labels_changed.with_value(Notify::notify);
        }
    }

    /// Opens the document an undone or redone action changed, unless it
    /// changed the label set, which may touch every document.
    fn show_document_of(&self, action: &Action) {
        if let Some(step) = action.documents.iter().find(|d| !d.removes()) {
            self.open(step.position);
            return;
        }
        if action.labels.is_some() || !action.documents.is_empty() {
            return;
        }
        if let Some(step) = action.steps.first() {
            if step.document != self.current.get_untracked() {
                self.inspected.set(Vec::new());
                self.current.set(step.document);
            }
        }
    }

    fn notify(&self, change: &Change) {
        let touched = self.with(|w| {
            w.paragraphs(change.document)
                .map_or(0..0, |p| p.touching(change.start, change.end))
        });
        self.paragraph_changed.with_value(|docs| {
            if let Some(paragraphs) = docs.get(change.document) {
                paragraphs[touched].iter().for_each(Notify::notify);
            }
        });
        self.document_changed
            .with_value(|t| t.get(change.document).map(Notify::notify));
    }
}

/// A trigger per document, and per paragraph of each document.
fn triggers(workspace: &Workspace) -> (Vec<ArcTrigger>, Vec<Vec<ArcTrigger>>) {
    let documents = workspace.document_count();
    let paragraphs = (0..documents)
        .map(|doc| {
            let count = workspace.paragraphs(doc).map_or(0, |p| p.as_slice().len());
            (0..count).map(|_| ArcTrigger::new()).collect()
        })
        .collect();
    (
        (0..documents).map(|_| ArcTrigger::new()).collect(),
        paragraphs,
    )
}
