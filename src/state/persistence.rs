//! Keeping the workspace in localStorage: loading it at start, saving the
//! one bucket an edit touched, and never overwriting stored data that could
//! not be read until a copy of it is safe under a backup key.

use std::collections::HashSet;

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
    /// Each document's text hash, by position, stamped on its buckets.
    text_hashes: Vec<String>,
}

impl Persistence {
    /// Builds the workspace from the seed articles and everything stored,
    /// returning what the user should be told.
    pub fn load() -> (Self, Workspace, Vec<Notice>) {
        let mut persistence = Self {
            unavailable: storage::check_available().err().map(|e| e.to_string()),
            protected: HashSet::new(),
            text_hashes: Vec::new(),
        };
        let mut notices = Vec::new();
        if let Some(why) = &persistence.unavailable {
            notices.push(Notice::error(format!(
                "Your work cannot be saved: {why}. It lasts until this tab closes; use Export to keep it."
            )));
            let workspace = Workspace::new(seed_documents(), default_labels());
            persistence.text_hashes = hashes(&workspace);
            return (persistence, workspace, notices);
        }
        let labels = persistence.load_labels(&mut notices);
        let mut documents = seed_documents();
        persistence.load_added_documents(&mut documents, &mut notices);
        let mut workspace = Workspace::new(documents, labels);
        persistence.text_hashes = hashes(&workspace);
        for doc in 0..workspace.document_count() {
            persistence.load_annotations(&mut workspace, doc, &mut notices);
        }
        (persistence, workspace, notices)
    }

    /// What to say about saving before anything has changed.
    pub fn initial_state(&self) -> SaveState {
        match &self.unavailable {
            Some(why) => SaveState::NotSaved(why.clone()),
            None => SaveState::Loaded,
        }
    }

    /// Writes every bucket holding a changed annotation, each once, and
    /// the label set if it changed, saying whether that all worked.
    pub fn save(&self, workspace: &Workspace, applied: &Applied) -> SaveState {
        let mut keys = HashSet::new();
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
        for change in &applied.changes {
            let (Some(document), Some(annotations), Some(hash)) = (
                workspace.document(change.document),
                workspace.annotations(change.document),
                self.text_hashes.get(change.document),
            ) else {
                keep_first_failure(SaveState::NotSaved(format!(
                    "there is no document number {}",
                    change.document
                )));
                continue;
            };
            let bucket = stored::bucket_of(&change.annotation);
            let key = stored::bucket_key(&document.id, bucket);
            if keys.insert(key.clone()) {
                keep_first_failure(self.write(
                    &key,
                    &stored::encode_bucket(&document.id, hash, bucket, annotations.iter()),
                ));
            }
        }
        state
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

    /// Appends the documents the user added, each with its stored text.
    fn load_added_documents(&mut self, documents: &mut Vec<Document>, notices: &mut Vec<Notice>) {
        let key = stored::documents_key();
        let Some(raw) = self.read(&key, notices) else {
            return;
        };
        let entries = match stored::decode_documents(&raw) {
            Ok(entries) => entries,
            Err(e) => {
                let what = format!("The list of your added documents could not be read ({e})");
                notices.push(self.back_up(&key, &raw, &what));
                return;
            }
        };
        let mut problems = Vec::new();
        for (at, entry) in entries.into_iter().enumerate() {
            if documents.iter().any(|d| d.id == entry.id) {
                problems.push(format!(
                    "documents[{at}]: the id “{}” is used twice",
                    entry.id
                ));
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
                "Some of your added documents are not shown ({})",
                summarise(&problems)
            );
            notices.push(self.back_up(&key, &raw, &what));
        }
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
        let hash = self.text_hashes[doc].clone();
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

fn hashes(workspace: &Workspace) -> Vec<String> {
    workspace
        .documents()
        .map(|d| stored::text_hash(&d.text))
        .collect()
}

fn summarise(problems: &[String]) -> String {
    let shown = problems[..problems.len().min(PROBLEMS_SHOWN)].join("; ");
    match problems.len().saturating_sub(PROBLEMS_SHOWN) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}
