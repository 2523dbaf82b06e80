//! The view: what is shown and picked, apart from the data: the open
//! document, the selected, inspected and revealed annotations, word
//! snapping, and which pane a narrow screen shows. The open document is followed by id, so it stays open when
//! another tab adds or removes documents before it.

use leptos::prelude::*;

use span_core::model::{Annotation, Workspace};
use span_core::storage::Notice;

use super::DocumentStore;

#[derive(Clone, Copy)]
pub struct View {
    pub store: DocumentStore,
    /// The id of the document in the reading pane.
    open: RwSignal<Option<String>>,
    /// Where it was, to open its neighbour if it goes.
    open_at: StoredValue<usize>,
    /// Whether new spans snap to whole words.
    pub snap_words: RwSignal<bool>,
    /// The annotations whose details are open, by id.
    pub inspected: RwSignal<Vec<String>>,
    /// The annotation the keyboard acts on (Tab moves it, Enter opens it,
    /// Delete removes it, Shift/Alt+arrows move its ends).
    pub selected: RwSignal<Option<String>>,
    /// The annotation to scroll into view and mark briefly, set by
    /// [`View::reveal`] and acted on by the reading pane.
    pub revealed: RwSignal<Option<String>>,
    /// The pane shown where the screen has no room for all three (the
    /// stylesheet decides where that is); wide screens show every pane.
    pub shown: RwSignal<Pane>,
}

/// The panes a narrow screen shows one at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pane {
    Documents,
    #[default]
    Article,
    Annotations,
}

impl Pane {
    /// The name the stylesheet knows the pane by (`data-pane`).
    pub fn name(self) -> &'static str {
        match self {
            Pane::Documents => "documents",
            Pane::Article => "article",
            Pane::Annotations => "annotations",
        }
    }
}

impl View {
    pub fn new(store: DocumentStore) -> Self {
        let first = store.with(|w| w.document(0).map(|d| d.id.clone()));
        Self {
            store,
            open: RwSignal::new(first),
            open_at: StoredValue::new(0),
            snap_words: RwSignal::new(true),
            inspected: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            revealed: RwSignal::new(None),
            shown: RwSignal::new(Pane::Article),
        }
    }

    /// The position of the open document, subscribing to it being changed
    /// or moved.
    pub fn current(&self) -> usize {
        self.store.track_documents();
        let open = self.open.get();
        self.store.with(|w| position(w, open.as_deref()))
    }

    pub fn current_untracked(&self) -> usize {
        let open = self.open.get_untracked();
        self.store.with(|w| position(w, open.as_deref()))
    }

    /// After documents were added or removed: if the open one is gone,
    /// opens the one now in its place, saying so if another tab removed it.
    pub fn follow(&self) {
        let open = self.open.get_untracked();
        let (here, count) = self.store.with(|w| {
            (
                open.as_deref().and_then(|id| w.position(id)),
                w.document_count(),
            )
        });
        if let Some(at) = here {
            self.open_at.set_value(at);
            return;
        }
        if let Some(title) = open.and_then(|id| self.store.removed_elsewhere(&id)) {
            self.store.tell(Notice::error(format!(
                "“{title}”, the document open here, was removed in another tab."
            )));
        }
        let doc = self.open_at.get_value().min(count.saturating_sub(1));
        self.inspected.set(Vec::new());
        self.selected.set(None);
        self.open
            .set(self.store.with(|w| w.document(doc).map(|d| d.id.clone())));
    }

    /// Shows document `doc` in the reading pane.
    pub fn open(&self, doc: usize) {
        let id = self.store.with(|w| w.document(doc).map(|d| d.id.clone()));
        self.open_at.set_value(doc);
        if self.open.get_untracked() != id {
            self.inspected.set(Vec::new());
            self.selected.set(None);
            self.open.set(id);
        }
    }

    /// Scrolls annotation `id` of the open document into view and marks it
    /// briefly, showing the article if a narrow screen showed another pane.
    pub fn reveal(&self, id: &str) {
        self.shown.set(Pane::Article);
        self.revealed.set(Some(id.to_string()));
    }

    /// Closes the details of annotation `id` and unselects it, as when it
    /// is deleted.
    pub fn forget(&self, id: &str) {
        self.inspected.update(|ids| ids.retain(|i| i != id));
        if self.selected.get_untracked().as_deref() == Some(id) {
            self.selected.set(None);
        }
    }

    /// The selected annotation of the open document, if it still exists.
    pub fn selected_annotation(&self) -> Option<Annotation> {
        let id = self.selected.get_untracked()?;
        self.store.annotation(self.current_untracked(), &id)
    }

    /// The annotations of the open document with these ids, in text order.
    pub fn annotations(&self, ids: &[String]) -> Vec<Annotation> {
        let doc = self.current_untracked();
        self.store.with(|w| {
            w.annotations(doc)
                .into_iter()
                .flat_map(|a| a.iter())
                .filter(|a| ids.contains(&a.id))
                .cloned()
                .collect()
        })
    }

    /// Selects the annotation after (or before) the selected one in text
    /// order, or if none is selected, after (or before) the caret at
    /// `caret`; `false` if there is none.
    pub fn select_next(&self, caret: usize, forward: bool) -> bool {
        let doc = self.current_untracked();
        let from = self.selected_annotation();
        let next = self.store.with(|w| {
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

    /// Tags `span` of the open document with `label`, snapped as the
    /// switch says; the new annotation becomes the selected one.
    pub fn annotate(&self, span: std::ops::Range<usize>, label: &str) -> Option<Annotation> {
        let doc = self.current_untracked();
        let words = self.snap_words.get_untracked();
        self.store.annotate(doc, span, label, words)
    }

    pub fn retag(&self, id: &str, label: &str) {
        self.store.retag(self.current_untracked(), id, label);
    }

    /// Moves annotation `id` of the open document to `span`.
    pub fn resize(&self, id: &str, span: std::ops::Range<usize>) {
        self.store.resize(self.current_untracked(), id, span);
    }

    pub fn set_note(&self, id: &str, note: &str) {
        self.store.set_note(self.current_untracked(), id, note);
    }

    pub fn delete(&self, id: &str) {
        self.store.delete(self.current_untracked(), id);
        self.forget(id);
    }

    /// Gives document `doc` the status `status`, one undo step, and says so.
    pub fn set_status(&self, doc: usize, status: span_core::model::DocumentStatus) {
        let Some(title) = self
            .store
            .with(|w| w.document(doc).map(|d| d.title.clone()))
        else {
            return;
        };
        let planned = self.store.with(|w| w.plan_status(doc, status));
        if planned.as_ref().is_ok_and(|action| action.is_noop()) {
            return;
        }
        if self.store.act(planned) {
            self.store.tell(Notice::info(format!(
                "“{}” is now {}.",
                span_core::model::shortened(&title),
                status.name()
            )));
        }
    }

    /// Adds `documents` after the others and opens the first of them.
    pub fn add_documents(&self, documents: Vec<span_core::model::Document>) -> bool {
        match self.store.add_documents(documents) {
            Some(first) => {
                self.open(first);
                true
            }
            None => false,
        }
    }

    /// Undoes this tab's latest action and shows the document it was in.
    /// Undoes this tab's latest action, shows where, and says what it was.
    pub fn undo(&self) {
        if let Some(action) = self.store.undo() {
            self.show(&action);
            // What was applied is the inverse of what is undone.
            self.store.tell(Notice::info(format!(
                "Undid: {}.",
                action.inverse().describe()
            )));
        }
    }

    /// Redoes this tab's latest undone action, shows where, and says what
    /// it was.
    pub fn redo(&self) {
        if let Some(action) = self.store.redo() {
            self.show(&action);
            self.store
                .tell(Notice::info(format!("Redid: {}.", action.describe())));
        }
    }

    /// Opens the document an undone or redone action changed, unless it
    /// changed the label set, which may touch every document, and brings an
    /// annotation it left there into view.
    fn show(&self, action: &span_core::model::Action) {
        if let [step] = action.steps.as_slice() {
            if let Some(after) = &step.after {
                self.open(step.document);
                self.reveal(&after.id);
                return;
            }
        }
        if let Some(step) = action.documents.iter().find(|d| !d.removes()) {
            self.open(step.position);
            return;
        }
        if action.labels.is_some() || !action.documents.is_empty() {
            return;
        }
        if let Some(step) = action.steps.first() {
            if step.document != self.current_untracked() {
                self.open(step.document);
            }
        }
    }
}

/// The position of document `open`, or if it is gone, the first.
fn position(workspace: &Workspace, open: Option<&str>) -> usize {
    open.and_then(|id| workspace.position(id)).unwrap_or(0)
}
