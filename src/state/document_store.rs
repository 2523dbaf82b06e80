//! The document store: the workspace, its undo history and the engine that
//! keeps it in localStorage, behind a small `Copy` handle that components
//! share through context. What is shown (the open document, selection) is
//! the view's business (`state::view`).
//!
//! Every edit goes through here. It changes the workspace, saves what it
//! touched right away and synchronously, so that nothing is lost if the tab
//! closes, takes in whatever other tabs stored meanwhile, and wakes only the
//! paragraphs whose highlights changed. The workspace itself is not a
//! signal: fine-grained triggers stand in for it, so adding one span never
//! re-renders the whole document.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::browser::stamp::{self, BrowserStamps};
use crate::browser::storage::LocalStore;
use span_core::model::{
    Action, Annotation, Applied, Change, Document, Dropped, EditError, History, Label, Workspace,
};
use span_core::storage::{
    Ahead, BackupInfo, NoStore, Notice, Persistence, Prepared, Room, Saved, StoreError,
};

use super::SaveStatus;

/// An action measured before it is made ([`DocumentStore::measure`]): the
/// workspace it makes, and its save worked out.
pub struct Measured {
    pub room: Room,
    after: Workspace,
    applied: Applied,
    prepared: Prepared,
    /// [`DocumentStore`]'s generation when it was measured.
    generation: u64,
}

#[derive(Clone, Copy)]
pub struct DocumentStore {
    workspace: StoredValue<Workspace>,
    persistence: StoredValue<Persistence, LocalStorage>,
    /// This tab's actions, for undo and redo.
    history: StoredValue<History>,
    /// The list of documents changed: one was added, removed or renamed.
    documents_changed: StoredValue<ArcTrigger>,
    /// Per document, in workspace order: its triggers.
    triggers: StoredValue<Vec<DocumentTriggers>>,
    /// The label set changed.
    labels_changed: StoredValue<ArcTrigger>,
    pub status: RwSignal<SaveStatus>,
    pub notice: RwSignal<Option<Notice>>,
    pub backups: RwSignal<Vec<BackupInfo>>,
    /// Documents another tab removed, by id, with their titles.
    removed_elsewhere: StoredValue<Vec<(String, String)>>,
    /// Counts every change to the workspace or to what storage holds, so
    /// that an action measured before them is known to be stale.
    generation: StoredValue<u64>,
}

impl DocumentStore {
    /// Builds the workspace from the seed articles and whatever is stored.
    pub fn load() -> Self {
        let loaded = match LocalStore::open() {
            Ok(store) => Persistence::load(Box::new(store), &BrowserStamps),
            Err(e) => Persistence::load(Box::new(NoStore(e)), &BrowserStamps),
        };
        let (triggers, _) = triggers(&loaded.workspace, Vec::new());
        let status = SaveStatus::loaded(loaded.persistence.status());
        let backups = loaded.persistence.backups().to_vec();
        let store = Self {
            workspace: StoredValue::new(loaded.workspace),
            persistence: StoredValue::new_local(loaded.persistence),
            history: StoredValue::new(History::default()),
            documents_changed: StoredValue::new(ArcTrigger::new()),
            triggers: StoredValue::new(triggers),
            labels_changed: StoredValue::new(ArcTrigger::new()),
            status: RwSignal::new(status),
            notice: RwSignal::new(None),
            backups: RwSignal::new(backups),
            removed_elsewhere: StoredValue::new(Vec::new()),
            generation: StoredValue::new(0),
        };
        store.tell_all(loaded.notices);
        store
    }

    /// Reads the workspace without subscribing to anything; pair it with
    /// [`DocumentStore::track_document`] or [`DocumentStore::track_paragraph`].
    pub fn with<R>(&self, f: impl FnOnce(&Workspace) -> R) -> R {
        self.workspace.with_value(f)
    }

    /// Subscribes to documents being added, removed or renamed.
    pub fn track_documents(&self) {
        self.documents_changed.with_value(Track::track);
    }

    pub fn track_document(&self, doc: usize) {
        self.triggers
            .with_value(|t| t.get(doc).map(|d| d.annotations.track()));
    }

    pub fn track_paragraph(&self, doc: usize, paragraph: usize) {
        self.triggers.with_value(|t| {
            t.get(doc)
                .and_then(|d| d.paragraphs.get(paragraph))
                .map(Track::track)
        });
    }

    /// Redraws one paragraph, e.g. when it comes into view.
    pub fn redraw_paragraph(&self, doc: usize, paragraph: usize) {
        self.triggers.with_value(|t| {
            t.get(doc)
                .and_then(|d| d.paragraphs.get(paragraph))
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

    /// Annotation `id` of document `doc`, if it exists.
    pub fn annotation(&self, doc: usize, id: &str) -> Option<Annotation> {
        self.with(|w| w.annotations(doc)?.get(id).cloned())
    }

    /// Tags `span` of document `doc` with `label`, snapped to whole words
    /// if `words`, and to whole characters always; returns the new
    /// annotation.
    pub fn annotate(
        &self,
        doc: usize,
        span: Range<usize>,
        label: &str,
        words: bool,
    ) -> Option<Annotation> {
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

    pub fn retag(&self, doc: usize, id: &str, label: &str) {
        self.perform(self.with(|w| w.plan_retag(doc, id, label)));
    }

    /// Moves annotation `id` of document `doc` to `span`.
    pub fn resize(&self, doc: usize, id: &str, span: Range<usize>) {
        self.perform(self.with(|w| w.plan_resize(doc, id, span)));
    }

    /// Sets the note of annotation `id` of document `doc`; an empty note
    /// removes it.
    pub fn set_note(&self, doc: usize, id: &str, note: &str) {
        self.perform(self.with(|w| w.plan_note(doc, id, note)));
    }

    /// Applies an action typed into `field` (a note, a title) as typing
    /// goes on: stored at once like any other, and one undo step with the
    /// others typed into the same field.
    pub fn type_into(&self, field: &str, planned: Result<Action, EditError>) -> bool {
        let Ok(action) = planned.and_then(|action| self.apply(&action).map(|()| action)) else {
            return false;
        };
        let dropped = self
            .history
            .try_update_value(|h| h.record_typing(action, field))
            .flatten();
        self.tell_dropped(dropped);
        true
    }

    /// Ends typing into a field: the next action is an undo step of its own.
    pub fn stop_typing(&self) {
        self.history.update_value(History::stop_typing);
    }

    pub fn delete(&self, doc: usize, id: &str) {
        self.perform(self.with(|w| w.plan_delete(doc, id)));
    }

    /// Applies and records an action planned elsewhere, such as a change to
    /// the label set, or says why it was refused.
    pub fn act(&self, planned: Result<Action, EditError>) -> bool {
        self.perform(planned)
    }

    /// Adds `documents` after the others, if they fit in storage; returns
    /// the position of the first.
    pub fn add_documents(&self, documents: Vec<Document>) -> Option<usize> {
        let first = self.with(Workspace::document_count);
        self.perform(self.with(|w| w.plan_add_documents(documents)))
            .then_some(first)
    }

    /// What `action` (an import, say) writes ahead of itself: the texts and
    /// annotations of the documents it adds that storage knows nothing of.
    pub fn ahead_of(&self, action: &Action) -> Ahead {
        self.persistence
            .with_value(|p| self.with(|w| Ahead::of(p, w, action, stamp::new_id())))
    }

    /// What storing `action`, with `ahead` written for it, would take of
    /// storage, and what is free, with the workspace it makes and its save
    /// worked out; `None` while this tab does not write. Nothing is
    /// written: the action is applied to a copy.
    pub fn measure(&self, action: &Action, ahead: &Ahead) -> Option<Measured> {
        let mut after = self.with(Workspace::clone);
        let applied = after.apply(action).ok()?;
        let prepared = self
            .persistence
            .try_update_value(|p| p.prepare(&after, action, ahead, &BrowserStamps))
            .flatten()?;
        Some(Measured {
            room: prepared.room,
            after,
            applied,
            prepared,
            generation: self.generation.get_value(),
        })
    }

    /// Makes `action`, measured as `measured` once what it writes ahead is
    /// written, as [`DocumentStore::act`] would: the workspace measured
    /// becomes this tab's and the save worked out then is made, unless
    /// anything changed since, when it is made anew.
    pub fn act_measured(&self, action: Action, measured: Measured) -> bool {
        if measured.generation != self.generation.get_value() {
            return self.act(Ok(action));
        }
        let Measured {
            after,
            applied,
            prepared,
            ..
        } = measured;
        let saved = self
            .persistence
            .try_update_value(|p| p.save_prepared(&after, &action, prepared, &BrowserStamps));
        let saved = match saved {
            Some(Ok(saved)) => saved,
            Some(Err(no_room)) => {
                self.refuse(no_room.into());
                return false;
            }
            None => return false,
        };
        self.workspace.set_value(after);
        // Drawn in a task of its own, after the next frame is painted: the
        // list of documents and what else shows them took about as long
        // again as making the change.
        let store = *self;
        request_animation_frame(move || {
            set_timeout(move || store.redraw(&applied), Duration::ZERO);
        });
        self.take(saved);
        self.record(action);
        true
    }

    /// Writes the next `count` keys of `ahead`; `true` once all are.
    pub fn write_ahead(&self, ahead: &mut Ahead, count: usize) -> Result<bool, StoreError> {
        self.persistence
            .try_update_value(|p| ahead.write(p, count))
            .unwrap_or_else(|| Err(StoreError::Unavailable("the page is closing".into())))
    }

    /// Removes what `ahead` wrote, for an action that will not be made.
    pub fn cancel_ahead(&self, ahead: Ahead) {
        self.persistence.update_value(|p| ahead.cancel(p));
        self.refresh_status(false);
    }

    /// Removes document `doc` with its annotations; undo brings both back.
    pub fn remove_document(&self, doc: usize) -> bool {
        self.perform(self.with(|w| w.plan_remove_document(doc)))
    }

    /// Undoes this tab's latest action; returns the action undone, to show
    /// where it was.
    pub fn undo(&self) -> Option<Action> {
        self.replay("undo", History::undo, History::undo_failed)
    }

    /// Redoes this tab's latest undone action.
    pub fn redo(&self) -> Option<Action> {
        self.replay("redo", History::redo, History::redo_failed)
    }

    /// Takes the next action to `verb` from the history and applies it,
    /// putting it back with `failed` if it cannot be applied, as when
    /// another tab has changed what it would overwrite.
    fn replay(
        &self,
        verb: &str,
        next: fn(&mut History) -> Option<Action>,
        failed: fn(&mut History),
    ) -> Option<Action> {
        let Some(action) = self.history.try_update_value(next).flatten() else {
            self.tell(Notice::info(format!("Nothing to {verb}.")));
            return None;
        };
        let action = self.with(|w| action.relocate(w));
        match self.apply(&action) {
            Ok(()) => Some(action),
            Err(e) => {
                self.history.update_value(failed);
                self.tell(Notice::error(format!("Could not {verb}: {e}.")));
                None
            }
        }
    }

    pub fn tell(&self, notice: Notice) {
        self.notice.set(Some(notice));
    }

    /// Shows several notices as one.
    fn tell_all(&self, notices: Vec<Notice>) {
        if notices.is_empty() {
            return;
        }
        self.tell(Notice {
            is_error: notices.iter().any(|n| n.is_error),
            text: notices
                .into_iter()
                .map(|n| n.text)
                .collect::<Vec<_>>()
                .join(" "),
        });
    }

    /// Applies and records a planned action, or says why it was refused;
    /// `true` if it was applied.
    fn perform(&self, planned: Result<Action, EditError>) -> bool {
        let action = match planned.and_then(|action| self.apply(&action).map(|()| action)) {
            Ok(action) => action,
            Err(e) => {
                self.refuse(e);
                return false;
            }
        };
        self.record(action);
        true
    }

    /// Records an action just made as the next undo step.
    fn record(&self, action: Action) {
        let dropped = self
            .history
            .try_update_value(|h| h.record(action))
            .flatten();
        self.tell_dropped(dropped);
    }

    /// Says why an action was refused.
    fn refuse(&self, e: EditError) {
        let text = format!("Nothing changed: {e}.");
        // Running out of storage is news; a refused edit is not.
        self.tell(match e {
            EditError::NoRoom { .. } => Notice::error(text),
            _ => Notice::info(text),
        });
    }

    /// Says how far back undo goes, the first time the history drops old
    /// steps to stay under its memory budget.
    fn tell_dropped(&self, dropped: Option<Dropped>) {
        if let Some(dropped) = dropped {
            self.tell(Notice::info(dropped.to_string()));
        }
    }

    /// Applies an action to the workspace if what it stores fits, saves it
    /// and redraws what it touched.
    fn apply(&self, action: &Action) -> Result<(), EditError> {
        let applied = self
            .workspace
            .try_update_value(|w| w.apply(action))
            .unwrap_or(Err(EditError::Gone))?;
        let adds = action
            .documents
            .iter()
            .any(|d| d.after.is_some() && d.before.is_none());
        let saved = self
            .persistence
            .try_update_value(|p| {
                self.with(|w| match adds {
                    true => p.save_if_fits(w, action, &BrowserStamps),
                    false => Ok(p.save(w, action, &BrowserStamps)),
                })
            })
            .unwrap_or_else(|| Ok(Saved::default()));
        let saved = match saved {
            Ok(saved) => saved,
            Err(no_room) => {
                let _ = self
                    .workspace
                    .try_update_value(|w| w.apply(&action.inverse()));
                return Err(no_room.into());
            }
        };
        self.redraw(&applied);
        self.take(saved);
        Ok(())
    }

    /// Writes whatever is pending again, as after storage was freed.
    pub fn retry(&self) {
        let saved = self
            .persistence
            .try_update_value(|p| self.with(|w| p.flush(w, &BrowserStamps)))
            .unwrap_or_default();
        self.take(saved);
    }

    /// Reads what other tabs changed under `keys` (every key if `None`).
    pub fn sync(&self, keys: Option<&[String]>) {
        let saved = self
            .persistence
            .try_update_value(|p| self.with(|w| p.sync(w, keys, &BrowserStamps)))
            .unwrap_or_default();
        self.take(saved);
        // What this tab holds and storage lacks goes back, now that the
        // workspace holds the rest.
        if self.has_pending() {
            self.retry();
        }
    }

    /// Removes what an interrupted change left behind, once no tab can be
    /// writing it any more.
    pub fn tidy(&self) {
        self.generation.update_value(|n| *n += 1);
        let notices = self
            .persistence
            .try_update_value(Persistence::tidy)
            .unwrap_or_default();
        self.tell_all(notices);
        self.refresh_status(false);
    }

    /// The title of document `id` if another tab removed it.
    pub fn removed_elsewhere(&self, id: &str) -> Option<String> {
        self.removed_elsewhere.with_value(|removed| {
            removed
                .iter()
                .find(|(r, _)| r == id)
                .map(|(_, t)| t.clone())
        })
    }

    /// Whether anything is not stored yet.
    pub fn has_pending(&self) -> bool {
        self.persistence.with_value(|p| p.status().pending > 0)
    }

    /// The data backup `key` holds, exactly as stored.
    pub fn backup_data(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.persistence.with_value(|p| p.backup_data(key))
    }

    pub fn remove_backup(&self, key: &str) -> Result<(), StoreError> {
        self.generation.update_value(|n| *n += 1);
        let removed = self
            .persistence
            .try_update_value(|p| p.remove_backup(key))
            .unwrap_or(Ok(()));
        self.refresh_status(false);
        removed
    }

    /// Takes in what saving or syncing brought: other tabs' changes and
    /// notices; then updates the status.
    fn take(&self, saved: Saved) {
        self.generation.update_value(|n| *n += 1);
        if !saved.foreign.is_empty() {
            let titles: Vec<(String, String)> = self.with(|w| {
                w.documents()
                    .map(|d| (d.id.clone(), d.title.clone()))
                    .collect()
            });
            let taken = self.workspace.try_update_value(|w| w.absorb(saved.foreign));
            if let Some((applied, problems)) = taken {
                self.removed_elsewhere.update_value(|removed| {
                    removed.extend(
                        titles
                            .into_iter()
                            .filter(|(id, _)| applied.removed_documents.contains(id)),
                    );
                });
                self.redraw(&applied);
                if !problems.is_empty() {
                    self.tell(Notice::error(format!(
                        "Some changes from another tab could not be shown: {}.",
                        problems.join("; ")
                    )));
                }
            }
        }
        self.tell_all(saved.notices);
        self.refresh_status(true);
    }

    /// Reads where saving stands; `wrote` if a write was just attempted.
    fn refresh_status(&self, wrote: bool) {
        let (status, backups) = self
            .persistence
            .with_value(|p| (p.status(), p.backups().to_vec()));
        let at = wrote.then(stamp::local_time);
        self.status.update(|s| s.update(status, at));
        if self.backups.with_untracked(|b| *b != backups) {
            self.backups.set(backups);
        }
    }

    /// Wakes what shows the parts of the workspace `applied` changed.
    fn redraw(&self, applied: &Applied) {
        // Documents whose triggers nothing follows yet: those just added.
        let mut fresh = Vec::new();
        if applied.documents {
            let old = self
                .triggers
                .try_update_value(std::mem::take)
                .unwrap_or_default();
            let (made, made_fresh) = self.with(|w| triggers(w, old));
            fresh = made_fresh;
            self.triggers.set_value(made);
            self.documents_changed.with_value(Notify::notify);
        }
        applied
            .changes
            .iter()
            .filter(|change| !fresh.get(change.document).copied().unwrap_or(false))
            .for_each(|change| self.notify(change));
        // Relations are drawn with their document (arcs, cards), and their
        // types with the labels; this tab's changes and another's alike.
        for id in &applied.relations {
            if let Some(doc) = self.with(|w| w.position(id)) {
                self.triggers
                    .with_value(|t| t.get(doc).map(|d| d.annotations.notify()));
            }
        }
        if applied.relation_types {
            self.labels_changed.with_value(Notify::notify);
        }
        if applied.labels {
            self.labels_changed.with_value(Notify::notify);
            self.triggers.with_value(|docs| {
                docs.iter()
                    .flat_map(|d| &d.paragraphs)
                    .for_each(Notify::notify)
            });
        }
    }

    fn notify(&self, change: &Change) {
        let touched = self.with(|w| {
            w.paragraphs(change.document)
                .map_or(0..0, |p| p.touching(change.start, change.end))
        });
        self.triggers.with_value(|docs| {
            if let Some(document) = docs.get(change.document) {
                document.paragraphs[touched].iter().for_each(Notify::notify);
                document.annotations.notify();
            }
        });
    }
}

/// What shows one document subscribes to.
struct DocumentTriggers {
    /// Its set of annotations changed.
    annotations: ArcTrigger,
    /// Per paragraph: that paragraph's highlights changed.
    paragraphs: Vec<ArcTrigger>,
    /// The document's id and text they were made for: a document still
    /// there, with the same text, keeps them when others are added or
    /// removed (and what shows it need not be drawn again).
    id: String,
    text: Arc<str>,
}

/// Triggers for the documents of `workspace`: those of `old` for a
/// document with the same id, text and paragraphs, new ones for the rest;
/// and, per document, whether its are new.
fn triggers(
    workspace: &Workspace,
    old: Vec<DocumentTriggers>,
) -> (Vec<DocumentTriggers>, Vec<bool>) {
    let mut before: HashMap<String, DocumentTriggers> =
        old.into_iter().map(|t| (t.id.clone(), t)).collect();
    let mut made = Vec::with_capacity(workspace.document_count());
    let mut fresh = Vec::with_capacity(workspace.document_count());
    for (doc, document) in workspace.documents().enumerate() {
        let count = workspace.paragraphs(doc).map_or(0, |p| p.as_slice().len());
        let kept = before
            .remove(document.id.as_str())
            .filter(|t| t.text == document.text && t.paragraphs.len() == count);
        fresh.push(kept.is_none());
        made.push(kept.unwrap_or_else(|| DocumentTriggers {
            annotations: ArcTrigger::new(),
            paragraphs: (0..count).map(|_| ArcTrigger::new()).collect(),
            id: document.id.clone(),
            text: Arc::clone(&document.text),
        }));
    }
    (made, fresh)
}
