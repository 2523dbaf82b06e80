//! Keeping the workspace in localStorage: loading it at start, saving each
//! document's annotations after every change, and never overwriting stored
//! data that could not be read until a copy of it is safe under a backup key.

use std::collections::HashSet;

use crate::browser::{stamp, storage};
use crate::format::stored;
use crate::model::{Change, Workspace};

use super::{Notice, SaveState};

/// How many problems a notice lists before it says "and N more".
const PROBLEMS_SHOWN: usize = 3;

pub struct Persistence {
    /// Why nothing can be saved, if storage is unusable.
    unavailable: Option<String>,
    /// Keys holding unreadable data that could not be backed up: writing
    /// them would destroy the only copy, so they are left alone.
    protected: HashSet<String>,
}

impl Persistence {
    /// Loads the label set and every document's annotations into
    /// `workspace`, returning what the user should be told.
    pub fn load(workspace: &mut Workspace) -> (Self, Vec<Notice>) {
        let mut persistence = Self {
            unavailable: storage::check_available().err().map(|e| e.to_string()),
            protected: HashSet::new(),
        };
        let mut notices = Vec::new();
        if let Some(why) = &persistence.unavailable {
            notices.push(Notice::error(format!(
                "Your work cannot be saved: {why}. It lasts until this tab closes; use Export to keep it."
            )));
            return (persistence, notices);
        }
        let label_key = stored::labels_key();
        if let Some(raw) = persistence.read(&label_key, &mut notices) {
            match stored::decode_labels(&raw) {
                Ok(labels) => workspace.set_labels(labels),
                Err(e) => {
                    let what = format!(
                        "The saved label set could not be read ({e}); the default labels are used"
                    );
                    notices.push(persistence.back_up(&label_key, &raw, &what));
                }
            }
        }
        let count = workspace.documents().len();
        for doc in 0..count {
            persistence.load_document(workspace, doc, &mut notices);
        }
        (persistence, notices)
    }

    /// What to say about saving before anything has changed.
    pub fn initial_state(&self) -> SaveState {
        match &self.unavailable {
            Some(why) => SaveState::NotSaved(why.clone()),
            None => SaveState::Loaded,
        }
    }

    /// Reads every bucket of document `doc`. A damaged bucket is backed up
    /// and reported; the others, and its readable annotations, are kept.
    fn load_document(&mut self, workspace: &mut Workspace, doc: usize, notices: &mut Vec<Notice>) {
        let Some(document) = workspace.document(doc) else {
            return;
        };
        let (id, title) = (document.id.clone(), document.title.clone());
        for bucket in 0..stored::BUCKETS {
            let key = stored::bucket_key(&id, bucket);
            let Some(raw) = self.read(&key, notices) else {
                continue;
            };
            let problems = match stored::decode_bucket(&raw, &id, bucket) {
                Ok(salvaged) => {
                    let refused = workspace.restore(doc, salvaged.value);
                    let mut problems = salvaged.problems;
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

    /// Writes the bucket of document `change.document` that holds the
    /// changed annotation, saying whether that worked.
    pub fn save(&self, workspace: &Workspace, change: &Change) -> SaveState {
        let (Some(document), Some(annotations)) = (
            workspace.document(change.document),
            workspace.annotations(change.document),
        ) else {
            return SaveState::NotSaved(format!("there is no document number {}", change.document));
        };
        let bucket = stored::bucket_of(&change.annotation);
        let key = stored::bucket_key(&document.id, bucket);
        self.write(
            &key,
            &stored::encode_bucket(&document.id, bucket, annotations.iter()),
        )
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

fn summarise(problems: &[String]) -> String {
    let shown = problems[..problems.len().min(PROBLEMS_SHOWN)].join("; ");
    match problems.len().saturating_sub(PROBLEMS_SHOWN) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}
