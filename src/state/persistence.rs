//! Keeping the workspace in localStorage: loading it at start, saving the
//! one bucket an edit touched, and never overwriting stored data that could
//! not be read until a copy of it is safe under a backup key.

use std::collections::{HashMap, HashSet};

use crate::browser::{stamp, storage};
use crate::format::stored;
use crate::model::{default_labels, seed_documents, Applied, Document, Label, Workspace};

use super::{Notice, SaveState};

/// How many problems a notice lists before it says "and N more".
const PROBLEMS_SHOWN: usize = 3;

pub struct Persistence {
    /// Why nothing can be saved, if storage is unusable.
    unavailable: Option<String>,
    /// Keys holding unreadable data that could not be backed up: writing
    /// them would destroy the only copy, so they are left alone.
    protected: HashSet<String>,
    /// Each document's text hash, by id, stamped on its buckets.
    text_hashes: HashMap<String, String>,
}

impl Persistence {
    /// Builds the workspace from the seed articles and everything stored,
    /// returning what the user should be told.
    pub fn load() -> (Self, Workspace, Vec<Notice>) {
        let mut persistence = Self {
            unavailable: storage::check_available().err().map(|e| e.to_string()),
            protected: HashSet::new(),
            text_hashes: HashMap::new(),
        };
        let mut notices = Vec::new();
        if let Some(why) = &persistence.unavailable {
            notices.push(Notice::error(format!(
                "Your work cannot be saved: {why}. It lasts until this tab closes; use Export to keep it."
            )));
            let workspace = Workspace::new(seed_documents(), default_labels());
            persistence.hash_texts(&workspace);
            return (persistence, workspace, notices);
        }
        let labels = persistence.load_labels(&mut notices);
        let documents = persistence.load_documents(&mut notices);
        let mut workspace = Workspace::new(documents, labels);
        persistence.hash_texts(&workspace);
        for doc in 0..workspace.document_count() {
            persistence.load_annotations(&mut workspace, doc, &mut notices);
        }
        (persistence, workspace, notices)
    }

    /// Whether storage worked when the app started.
    pub fn is_available(&self) -> bool {
        self.unavailable.is_none()
    }

    /// What to say about saving before anything has changed.
    pub fn initial_state(&self) -> SaveState {
        match &self.unavailable {
            Some(why) => SaveState::NotSaved(why.clone()),
            None => SaveState::Loaded,
        }
    }

    /// Writes what `applied` changed, saying whether that all worked: the
    /// label set if it changed; the text and every bucket of each added
    /// document, then the list of documents, if that changed; each bucket
    /// holding a changed annotation, once; and last the keys of removed
    /// documents are deleted, so the list never names a missing text.
    pub fn save(&mut self, workspace: &Workspace, applied: &Applied) -> SaveState {
        let mut state = SaveState::Saved;
        let mut keep_first_failure = |result: SaveState| {
            if state == SaveState::Saved {
                state = result;
            }
        };
        if applied.labels {
            keep_first_failure(self.write(
                &stored::labels_key(),
                &stored::encode_labels(workspace.labels()),
            ));
        }
        if applied.documents {
            self.hash_texts(workspace);
            for id in &applied.added_documents {
                if let Some(doc) = workspace.position(id) {
                    keep_first_failure(self.write_document(workspace, doc));
                }
            }
            keep_first_failure(self.write_document_list(workspace));
        }
        let mut keys = HashSet::new();
        for change in &applied.changes {
            if applied.added_documents.contains(&change.document_id) {
                continue;
            }
            let Some(doc) = workspace.position(&change.document_id) else {
                continue;
            };
            let bucket = stored::bucket_of(&change.annotation);
            if keys.insert((change.document_id.as_str(), bucket)) {
                keep_first_failure(self.write_bucket(workspace, doc, bucket));
            }
        }
        for id in &applied.removed_documents {
            if workspace.position(id).is_none() {
                keep_first_failure(self.delete_document(id));
            }
        }
        state
    }

    /// Writes document `doc`'s text, unless it is a seed, and all of its
    /// buckets, deleting the empty ones so nothing stale is left.
    fn write_document(&self, workspace: &Workspace, doc: usize) -> SaveState {
        let Some(document) = workspace.document(doc) else {
            return SaveState::Saved;
        };
        if !is_seed(document) {
            let written = self.write(
                &stored::text_key(&document.id),
                &stored::encode_text(&document.id, &document.text),
            );
            if written != SaveState::Saved {
                return written;
            }
        }
        let filled: HashSet<u32> = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(|a| a.iter())
            .map(|a| stored::bucket_of(&a.id))
            .collect();
        for bucket in 0..stored::BUCKETS {
            let written = if filled.contains(&bucket) {
                self.write_bucket(workspace, doc, bucket)
            } else {
                self.delete(&stored::bucket_key(&document.id, bucket))
            };
            if written != SaveState::Saved {
                return written;
            }
        }
        SaveState::Saved
    }

    fn write_bucket(&self, workspace: &Workspace, doc: usize, bucket: u32) -> SaveState {
        let (Some(document), Some(annotations)) =
            (workspace.document(doc), workspace.annotations(doc))
        else {
            return SaveState::NotSaved(format!("there is no document number {doc}"));
        };
        let hash = self
            .text_hashes
            .get(&document.id)
            .cloned()
            .unwrap_or_else(|| stored::text_hash(&document.text));
        self.write(
            &stored::bucket_key(&document.id, bucket),
            &stored::encode_bucket(&document.id, &hash, bucket, annotations.iter()),
        )
    }

    fn write_document_list(&self, workspace: &Workspace) -> SaveState {
        let entries: Vec<stored::DocumentEntry> = workspace
            .documents()
            .map(|d| stored::DocumentEntry {
                id: d.id.clone(),
                file_name: d.file_name.clone(),
                title: d.title.clone(),
                seed: is_seed(d),
            })
            .collect();
        self.write(
            &stored::documents_key(),
            &stored::encode_documents(&entries),
        )
    }

    /// Deletes the text and the buckets of the document `id`.
    fn delete_document(&self, id: &str) -> SaveState {
        std::iter::once(stored::text_key(id))
            .chain((0..stored::BUCKETS).map(|b| stored::bucket_key(id, b)))
            .map(|key| self.delete(&key))
            .find(|state| *state != SaveState::Saved)
            .unwrap_or(SaveState::Saved)
    }

    fn hash_texts(&mut self, workspace: &Workspace) {
        let mut hashes = std::mem::take(&mut self.text_hashes);
        hashes.retain(|id, _| workspace.position(id).is_some());
        for document in workspace.documents() {
            hashes
                .entry(document.id.clone())
                .or_insert_with(|| stored::text_hash(&document.text));
        }
        self.text_hashes = hashes;
    }

    fn load_labels(&mut self, notices: &mut Vec<Notice>) -> Vec<Label> {
        let key = stored::labels_key();
        let Some(raw) = self.read(&key, notices) else {
            return default_labels();
        };
        stored::decode_labels(&raw).unwrap_or_else(|e| {
            let what =
                format!("The saved label set could not be read ({e}); the default labels are used");
            notices.push(self.back_up(&key, &raw, &what));
            default_labels()
        })
    }

    /// The documents as listed in storage, seeds with their compiled-in
    /// text and the others with their stored text; the seed articles if
    /// nothing is listed.
    fn load_documents(&mut self, notices: &mut Vec<Notice>) -> Vec<Document> {
        let key = stored::documents_key();
        let Some(raw) = self.read(&key, notices) else {
            return seed_documents();
        };
        let entries = match stored::decode_documents(&raw) {
            Ok(entries) => entries,
            Err(e) => {
                let what = format!(
                    "The list of your documents could not be read ({e}); the seed articles are shown"
                );
                notices.push(self.back_up(&key, &raw, &what));
                return seed_documents();
            }
        };
        let seeds = seed_documents();
        let mut documents: Vec<Document> = Vec::with_capacity(entries.len());
        let mut problems = Vec::new();
        for (at, entry) in entries.into_iter().enumerate() {
            if documents.iter().any(|d| d.id == entry.id) {
                problems.push(format!(
                    "documents[{at}]: the id “{}” is used twice",
                    entry.id
                ));
                continue;
            }
            if entry.seed {
                match seeds.iter().find(|s| s.id == entry.id) {
                    Some(seed) => documents.push(Document {
                        title: entry.title,
                        ..seed.clone()
                    }),
                    None => problems.push(format!(
                        "documents[{at}]: there is no seed article “{}”",
                        entry.id
                    )),
                }
                continue;
            }
            let text_key = stored::text_key(&entry.id);
            let text = match self.read(&text_key, notices) {
                None => Err(format!(
                    "documents[{at}]: the text of “{}” is missing",
                    entry.title
                )),
                Some(raw) => stored::decode_text(&raw, &entry.id).map_err(|e| {
                    let what = format!("The text of “{}” could not be read ({e})", entry.title);
                    notices.push(self.back_up(&text_key, &raw, &what));
                    format!(
                        "documents[{at}]: the text of “{}” could not be read",
                        entry.title
                    )
                }),
            };
            match text {
                Ok(text) => documents.push(Document {
                    id: entry.id,
                    file_name: entry.file_name,
                    title: entry.title,
                    text,
                }),
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            let what = format!(
                "Some of your documents are not shown ({})",
                summarise(&problems)
            );
            notices.push(self.back_up(&key, &raw, &what));
        }
        documents
    }

    /// Reads every bucket of document `doc`. A damaged bucket is backed up
    /// and reported; the other buckets, and its readable annotations, are
    /// kept.
    fn load_annotations(
        &mut self,
        workspace: &mut Workspace,
        doc: usize,
        notices: &mut Vec<Notice>,
    ) {
        let Some(document) = workspace.document(doc) else {
            return;
        };
        let (id, title) = (document.id.clone(), document.title.clone());
        let hash = self.text_hashes.get(&id).cloned().unwrap_or_default();
        for bucket in 0..stored::BUCKETS {
            let key = stored::bucket_key(&id, bucket);
            let Some(raw) = self.read(&key, notices) else {
                continue;
            };
            let problems = match stored::decode_bucket(&raw, &id, &hash, bucket) {
                Ok(salvaged) => {
                    let mut problems = salvaged.problems;
                    let mut annotations = Vec::with_capacity(salvaged.value.len());
                    for span in salvaged.value {
                        match workspace.quote(doc, span.start, span.end) {
                            Ok(quote) => {
                                let quote = quote.to_string();
                                annotations.push(span.into_annotation(&id, &quote));
                            }
                            Err(e) => problems.push(format!("annotation “{}”: {e}", span.id)),
                        }
                    }
                    let refused = workspace.restore(doc, annotations);
                    problems.extend(
                        refused
                            .iter()
                            .map(|(a, e)| format!("annotation “{}”: {e}", a.id)),
                    );
                    problems
                }
                Err(e) => vec![format!("none of “{key}” could be read: {e}")],
            };
            if !problems.is_empty() {
                let what = format!(
                    "Some saved annotations of “{title}” could not be read and are not shown ({})",
                    summarise(&problems)
                );
                notices.push(self.back_up(&key, &raw, &what));
            }
        }
    }

    fn write(&self, key: &str, value: &str) -> SaveState {
        if let Some(why) = &self.unavailable {
            return SaveState::NotSaved(why.clone());
        }
        if self.protected.contains(key) {
            return SaveState::NotSaved(format!(
                "the unreadable data stored under “{key}” could not be backed up, so it is not overwritten"
            ));
        }
        match storage::write(key, value) {
            Ok(()) => SaveState::Saved,
            Err(e) => SaveState::NotSaved(e.to_string()),
        }
    }

    fn delete(&self, key: &str) -> SaveState {
        if let Some(why) = &self.unavailable {
            return SaveState::NotSaved(why.clone());
        }
        if self.protected.contains(key) {
            return SaveState::NotSaved(format!(
                "the unreadable data stored under “{key}” could not be backed up, so it is not deleted"
            ));
        }
        match storage::remove(key) {
            Ok(()) => SaveState::Saved,
            Err(e) => SaveState::NotSaved(e.to_string()),
        }
    }

    fn read(&mut self, key: &str, notices: &mut Vec<Notice>) -> Option<String> {
        match storage::read(key) {
            Ok(raw) => raw,
            Err(e) => {
                notices.push(Notice::error(format!(
                    "Could not read “{key}”: {e}. It is left as it is."
                )));
                self.protected.insert(key.to_string());
                None
            }
        }
    }

    /// Copies unreadable `raw` from `key` to a backup key before anything
    /// can overwrite it, and says what happened.
    fn back_up(&mut self, key: &str, raw: &str, what: &str) -> Notice {
        let backup = stored::backup_key(key, &stamp::now());
        match storage::write(&backup, raw) {
            Ok(()) => Notice::error(format!(
                "{what}. The original is kept in localStorage under “{backup}”."
            )),
            Err(e) => {
                self.protected.insert(key.to_string());
                Notice::error(format!(
                    "{what}. It could not be backed up ({e}), so “{key}” will not be overwritten; export your work to keep it."
                ))
            }
        }
    }
}

/// Whether `document` is a seed article as compiled in, so its text
/// need not be stored.
fn is_seed(document: &Document) -> bool {
    seed_documents()
        .iter()
        .any(|s| s.id == document.id && s.text == document.text)
}

fn summarise(problems: &[String]) -> String {
    let shown = problems[..problems.len().min(PROBLEMS_SHOWN)].join("; ");
    match problems.len().saturating_sub(PROBLEMS_SHOWN) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}
