//! Writing ahead: the texts and annotations of the documents a large change
//! adds (an import of thousands), encoded and written a few at a time
//! before the change itself is saved, so that no single task of the page
//! compresses and writes them all. The change is then saved as any other,
//! with those keys already in place.
//!
//! Until that save nothing names the keys written ahead: another tab ignores
//! them, cancelling removes them ([`Ahead::cancel`]), and a tab closed
//! meanwhile leaves texts marked with a change that was never recorded,
//! which the next load takes for an interrupted change and removes with
//! their annotations (`Persistence::tidy`). Only documents that storage
//! knows nothing of are written ahead; the rest of the change (the list of
//! documents, labels, anything of documents already stored) is written when
//! it is saved, all or nothing as usual.
//!
//! Not here: deciding what the change is (`model::import`), and when the
//! page gets to breathe (the app's import dialog).

use std::collections::HashMap;
use std::sync::Arc;

use crate::format::stored::{self, Merged, StoredSpan, BUCKETS};
use crate::model::{Action, Workspace};

use super::persistence::{is_seed, Persistence};
use super::store::{Charge, StoreError};

/// A document written ahead: what its keys will hold.
struct Written {
    id: String,
    text: Arc<str>,
    spans: Vec<StoredSpan>,
}

/// The keys a change writes ahead, encoded a few documents at a time, then
/// written a few at a time.
pub struct Ahead {
    /// The change the texts are marked with, so that a text left by a tab
    /// closed before the change was saved is known for what it is.
    commit: String,
    documents: Vec<Written>,
    /// How many of `documents` are encoded into `writes`.
    encoded: usize,
    /// Each text, then its buckets.
    writes: Vec<(String, String)>,
    /// How many of `writes` are in storage.
    written: usize,
}

impl Ahead {
    /// What adding the documents of `action` to `workspace` (before it is
    /// applied) writes ahead: each document it adds that storage knows
    /// nothing of, and those documents' annotations, with the revisions
    /// saving the action will give them. `commit` marks the texts.
    pub fn of(
        persistence: &Persistence,
        workspace: &Workspace,
        action: &Action,
        commit: String,
    ) -> Self {
        let mut documents: Vec<Written> = action
            .documents
            .iter()
            .filter(|step| step.before.is_none())
            .filter_map(|step| step.after.as_ref())
            .filter(|d| workspace.position(&d.id).is_none() && !is_seed(&persistence.seeds, d))
            .filter(|d| persistence.knows_nothing_of(&d.id))
            .map(|d| Written {
                id: d.id.clone(),
                text: d.text.clone(),
                spans: Vec::new(),
            })
            .collect();
        let at: HashMap<&str, usize> = documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut spans: Vec<Vec<StoredSpan>> = vec![Vec::new(); documents.len()];
        for annotation in action.steps.iter().filter_map(|s| s.after.as_ref()) {
            if let Some(&i) = at.get(annotation.document_id.as_str()) {
                let mut span = persistence.revisions.stored_span(annotation);
                span.rev += 1;
                spans[i].push(span);
            }
        }
        for (document, spans) in documents.iter_mut().zip(spans) {
            document.spans = spans;
        }
        Self {
            commit,
            documents,
            encoded: 0,
            writes: Vec::new(),
            written: 0,
        }
    }

    /// How many documents are written ahead.
    pub fn documents(&self) -> usize {
        self.documents.len()
    }

    /// Encodes the next `count` documents; `true` once all are.
    pub fn encode(&mut self, count: usize) -> bool {
        let end = (self.encoded + count).min(self.documents.len());
        for document in &self.documents[self.encoded..end] {
            let id = &document.id;
            self.writes.push((
                stored::text_key(id),
                stored::encode_text(id, &document.text, Some(&self.commit)),
            ));
            let hash = stored::text_hash(&document.text);
            let mut buckets: Vec<Merged<StoredSpan>> =
                (0..BUCKETS).map(|_| Merged::default()).collect();
            for span in &document.spans {
                buckets[stored::bucket_of(&span.id) as usize]
                    .entries
                    .push(span.clone());
            }
            for (bucket, spans) in (0..BUCKETS).zip(&buckets) {
                if !spans.entries.is_empty() {
                    self.writes.push((
                        stored::bucket_key(id, bucket),
                        stored::encode_bucket(id, &hash, bucket, spans),
                    ));
                }
            }
        }
        self.encoded = end;
        self.is_encoded()
    }

    pub fn is_encoded(&self) -> bool {
        self.encoded == self.documents.len()
    }

    /// The documents encoded so far.
    pub fn encoded(&self) -> usize {
        self.encoded
    }

    /// What the keys encoded so far take of the quota, as `charge` counts.
    pub fn units(&self, charge: Charge) -> usize {
        self.writes.iter().map(|(k, v)| charge.entry(k, v)).sum()
    }

    /// The keys encoded so far.
    pub(super) fn keys(&self) -> impl Iterator<Item = &String> {
        self.writes.iter().map(|(key, _)| key)
    }

    /// Writes the next `count` keys encoded; `true` once every key is
    /// written. A write that fails leaves it to write again.
    pub fn write(
        &mut self,
        persistence: &mut Persistence,
        count: usize,
    ) -> Result<bool, StoreError> {
        if self.written == 0 {
            persistence.raise_stored_meta()?;
        }
        let end = (self.written + count).min(self.writes.len());
        while self.written < end {
            let (key, value) = &self.writes[self.written];
            persistence.write_ahead(key, value)?;
            self.written += 1;
        }
        Ok(self.is_written())
    }

    pub fn is_written(&self) -> bool {
        self.is_encoded() && self.written == self.writes.len()
    }

    /// The keys written so far, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.written, self.writes.len())
    }

    /// Removes every key written ahead, as a change that will not be saved
    /// after all. A key that cannot be removed now is left for the next
    /// load to remove, as after a tab closed: nothing names it.
    pub fn cancel(self, persistence: &mut Persistence) {
        for (key, _) in &self.writes[..self.written] {
            persistence.unwrite_ahead(key);
        }
    }
}
