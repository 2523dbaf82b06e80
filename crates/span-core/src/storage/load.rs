//! Loading: the workspace from what is stored, trusting none of it. Keys of
//! the old schemas (versions 1 and 2) are moved to the current one, each
//! removed once what it held is written anew; commit records left by a
//! tab that closed mid-change are merged in; every label, document and
//! annotation is checked with the rules an import follows. What cannot be
//! used is copied once to a backup, and the readable rest is written back at
//! once, so the next load is clean. Keys that nothing names any more are
//! removed, or backed up when they hold anything not stored elsewhere.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::format::stored::{
    self, v1, v2, Commit, DocumentEntry, Entry, Key, Merged, Salvaged, StoredError, StoredLabel,
    StoredRelation, StoredRelationType, StoredSpan, StoredText, Tombstone, APP_PREFIX,
    BACKUP_PREFIX, BUCKETS,
};
use crate::model::{
    default_labels, default_relation_types, hotkey, is_hex_color, label_name, repair_document,
    repair_labels, seed_documents, span_text, suggest_color, text::CharIndex, Annotation, Document,
    DocumentStatus, Label, Relation, RelationType, Workspace,
};

use super::pending::{Item, Pending};
use super::persistence::{part_key, summarise, AnyMerged, Mode, Persistence};
use super::revisions::{Part, Revisions};
use super::store::Store;
use super::{day_of, Notice, Stamps};

/// The workspace as loaded, the engine that keeps it, and what to tell the
/// user about what was found.
pub struct Loaded {
    pub persistence: Persistence,
    pub workspace: Workspace,
    pub notices: Vec<Notice>,
}

/// What to say of a stored list that cannot be read whole: `some` when
/// part of it can, with the problems; `none` when none can, with why, then
/// `instead`, what is done about it.
struct Unreadable<'a> {
    some: &'a str,
    none: &'a str,
    instead: &'a str,
}

/// What a load gathers before the workspace is built.
#[derive(Default)]
struct Found {
    /// Every key of the app, read again when needed rather than held, so
    /// that a load never holds a second copy of all the stored data.
    keys: BTreeSet<String>,
    labels: Merged<StoredLabel>,
    documents: Merged<DocumentEntry>,
    /// Texts of the old schemas, by document id, with the key each was
    /// under.
    legacy_texts: HashMap<String, (String, StoredText)>,
    /// Annotations and tombstones of the old schemas, by document id and
    /// bucket of the current schema.
    legacy_buckets: BTreeMap<(String, u32), Merged<StoredSpan>>,
    /// Relation types of version 2.
    legacy_relation_types: Merged<StoredRelationType>,
    /// Relations of version 2, by document id, with the key they were under.
    legacy_relations: HashMap<String, (String, Merged<StoredRelation>)>,
    commits: Vec<Commit>,
    /// Labels the repair renamed, old name to new.
    labels_renamed: HashMap<String, String>,
    /// Parts whose stored copy must be written again.
    rewrite: HashSet<Part>,
    problems: Vec<Notice>,
}

impl Found {
    /// Adds annotations and tombstones of an old schema's bucket of
    /// document `id` to the buckets of the current schema they belong in.
    fn take_legacy_spans(
        &mut self,
        id: &str,
        spans: impl IntoIterator<Item = StoredSpan>,
        deleted: Vec<Tombstone>,
    ) {
        for span in spans {
            let bucket = stored::bucket_of(&span.id);
            let at = self.legacy_buckets.entry((id.to_string(), bucket));
            at.or_default().entries.push(span);
        }
        for tombstone in deleted {
            let bucket = stored::bucket_of(&tombstone.0);
            let at = self.legacy_buckets.entry((id.to_string(), bucket));
            at.or_default().deleted.push(tombstone);
        }
    }
}

impl Persistence {
    /// Builds the workspace from the seed articles and everything stored.
    pub fn load(store: Box<dyn Store>, stamps: &dyn Stamps) -> Loaded {
        let seeds = seed_documents();
        let mut persistence = Persistence {
            store,
            mode: Mode::Writable,
            epoch: None,
            revisions: Revisions::default(),
            pending: Pending::default(),
            open_commits: Vec::new(),
            legacy: Vec::new(),
            suspects: Vec::new(),
            sizes: HashMap::new(),
            sizes_forgotten: 0,
            backups: Vec::new(),
            text_hashes: HashMap::new(),
            seeds: seeds.clone(),
            failure: None,
            own: HashMap::new(),
            moving: false,
            ahead: HashSet::new(),
        };
        let unloaded = |persistence: Persistence, notices| Loaded {
            workspace: Workspace::new(seeds.clone(), default_labels()),
            persistence,
            notices,
        };
        let mut found = Found::default();
        match persistence.read_everything(&mut found) {
            Ok(()) => {}
            Err(why) => {
                persistence.mode = Mode::Unavailable(why.clone());
                let notice = Notice::error(format!(
                    "Your work cannot be saved: {why}. It lasts until this tab closes; use Export to keep it."
                ));
                return unloaded(persistence, vec![notice]);
            }
        }
        if let Some(raw) = persistence.raw(&found, &stored::meta_key()) {
            match stored::decode_meta(&raw) {
                Ok(meta) => persistence.epoch = Some(meta.epoch),
                Err(StoredError::UnknownVersion(version)) => {
                    let why = format!(
                        "the data in this browser was saved by a newer version of this app (storage version {version}); reload the page to get it — until then nothing is saved here"
                    );
                    persistence.mode = Mode::Stopped(why.clone());
                    return unloaded(
                        persistence,
                        vec![Notice::error(format!("Saving stopped: {why}."))],
                    );
                }
                Err(e) => {
                    let raw = raw.clone();
                    let mut notices = Vec::new();
                    let key = stored::meta_key();
                    if persistence.back_up(
                        &key,
                        &raw,
                        &format!("the storage marker could not be read ({e})"),
                        stamps,
                        &mut notices,
                    ) {
                        let epoch = stamps.new_id();
                        if persistence
                            .store
                            .write(&key, &stored::encode_meta(&epoch))
                            .is_ok()
                        {
                            persistence.epoch = Some(epoch);
                        }
                    }
                }
            }
        }
        persistence.refresh_backups();
        persistence.read_legacy(&mut found, stamps);
        persistence.read_version_2(&mut found, stamps);
        persistence.read_commits(&mut found, stamps);
        let day = day_of(&stamps.now());
        let labels = persistence.read_labels(&mut found, stamps);
        let documents = persistence.read_documents(&mut found, stamps, day);
        let mut workspace = Workspace::new(documents, labels);
        let relation_types = persistence.read_relation_types(&mut found, stamps);
        workspace.replace_relation_types(relation_types);
        persistence.read_buckets(&mut found, &mut workspace, stamps, day);
        persistence.read_relations(&mut found, &mut workspace, stamps, day);
        persistence.clear_orphans(&mut found, &workspace, stamps);
        let mut notices = std::mem::take(&mut found.problems);
        for part in found.rewrite {
            persistence.pending.add_item(Item::Part(part));
        }
        persistence.moving = !persistence.legacy.is_empty();
        if persistence.moving {
            persistence.mark_everything(&workspace);
        }
        let saved = persistence.flush(&workspace, stamps);
        persistence.moving = false;
        notices.extend(saved.notices);
        Loaded {
            persistence,
            workspace,
            notices,
        }
    }

    /// The value stored under `key`, one of the app's keys found at start.
    fn raw(&self, found: &Found, key: &str) -> Option<String> {
        if !found.keys.contains(key) {
            return None;
        }
        self.store.read(key).ok().flatten()
    }

    /// Reads every key of the site, noting each one's size.
    fn read_everything(&mut self, found: &mut Found) -> Result<(), String> {
        let keys = self.store.keys().map_err(|e| e.to_string())?;
        for key in keys {
            let Some(value) = self.store.read(&key).map_err(|e| e.to_string())? else {
                continue;
            };
            let size = self.store.charge().entry(&key, &value);
            self.sizes.insert(key.clone(), size);
            if key.starts_with(APP_PREFIX) && !key.starts_with(BACKUP_PREFIX) {
                found.keys.insert(key);
            }
        }
        Ok(())
    }

    /// Reads the old schema's keys, to be written anew and then removed.
    fn read_legacy(&mut self, found: &mut Found, stamps: &dyn Stamps) {
        let mut keys: Vec<String> = found
            .keys
            .iter()
            .filter(|k| k.starts_with(v1::PREFIX))
            .cloned()
            .collect();
        if keys.is_empty() {
            return;
        }
        keys.sort();
        for key in &keys {
            let raw = self.raw(found, key).unwrap_or_default();
            let rest = &key[v1::PREFIX.len()..];
            let result: Result<Vec<String>, StoredError> = if rest == "labels" {
                v1::decode_labels(&raw).map(|labels| {
                    found.labels.order = 1;
                    found.labels.entries = labels
                        .into_iter()
                        .map(|label| StoredLabel { label, rev: 1 })
                        .collect();
                    Vec::new()
                })
            } else if rest == "documents" {
                v1::decode_documents(&raw).map(|entries| {
                    found.documents.order = 1;
                    found.documents.entries = entries
                        .into_iter()
                        .map(|e| DocumentEntry {
                            id: e.id,
                            file_name: e.file_name,
                            title: e.title,
                            seed: e.seed,
                            status: DocumentStatus::Todo,
                            rev: 1,
                        })
                        .collect();
                    Vec::new()
                })
            } else if let Some(id) = rest.strip_prefix("text/") {
                v1::decode_text(&raw, id).map(|text| {
                    let text = StoredText { text, commit: None };
                    found
                        .legacy_texts
                        .insert(id.to_string(), (key.clone(), text));
                    Vec::new()
                })
            } else if let Some((id, bucket)) =
                rest.strip_prefix("doc/").and_then(|r| r.rsplit_once('/'))
            {
                let Ok(bucket) = bucket.parse::<u32>() else {
                    continue;
                };
                let text = self.legacy_text(found, id);
                v1::decode_bucket(&raw, id, &stored::text_hash(&text), bucket).map(|salvaged| {
                    let spans = salvaged.value.into_iter().map(|s| StoredSpan {
                        id: s.id,
                        start: s.start,
                        end: s.end,
                        label: s.label,
                        created: s.created,
                        rev: 1,
                        note: s.note,
                        entity: None,
                    });
                    found.take_legacy_spans(id, spans, Vec::new());
                    salvaged.problems
                })
            } else {
                continue;
            };
            self.retire(found, key, &raw, result, stamps);
        }
    }

    /// Notes that the old schema's `key` is read (what it held that could
    /// not be read, `result`, is backed up and reported): it is removed
    /// once its data is stored anew. A key whose unreadable data could not
    /// be backed up is left as it is.
    fn retire(
        &mut self,
        found: &mut Found,
        key: &str,
        raw: &str,
        result: Result<Vec<String>, StoredError>,
        stamps: &dyn Stamps,
    ) {
        let kept = match result {
            Ok(problems) if problems.is_empty() => true,
            Ok(problems) => self.keep_damaged(
                found,
                key,
                raw,
                &format!(
                    "Some data saved by a previous version under “{key}” could not be read ({})",
                    summarise(&problems)
                ),
                stamps,
            ),
            Err(e) => self.keep_damaged(
                found,
                key,
                raw,
                &format!("Data saved by a previous version under “{key}” could not be read ({e})"),
                stamps,
            ),
        };
        if kept {
            self.legacy.push(key.to_string());
        }
    }

    /// The text of document `id` as the old schemas hold it (read from its
    /// key if it was not read yet), else the current schema's, else a
    /// seed's; empty if there is none.
    fn legacy_text(&self, found: &Found, id: &str) -> String {
        found
            .legacy_texts
            .get(id)
            .map(|(_, t)| t.text.clone())
            .or_else(|| v1::decode_text(&self.raw(found, &v1::text_key(id))?, id).ok())
            .or_else(|| {
                let raw = self.raw(found, &v2::key_name(&Key::Text(id.to_string())))?;
                v2::decode_text(&raw, id).ok().map(|t| t.text)
            })
            .or_else(|| {
                let raw = self.raw(found, &stored::text_key(id))?;
                stored::decode_text(&raw, id).ok().map(|t| t.text)
            })
            .or_else(|| {
                self.seeds
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.text.to_string())
            })
            .unwrap_or_default()
    }

    /// Reads the keys of version 2, to be written anew and then removed.
    /// What they hold is merged with what the current schema holds, by
    /// revision, so a key read twice (a tab closed mid-move) does no harm.
    fn read_version_2(&mut self, found: &mut Found, stamps: &dyn Stamps) {
        let keys: Vec<String> = found
            .keys
            .iter()
            .filter(|k| k.starts_with(v2::PREFIX))
            .cloned()
            .collect();
        for key in keys {
            let Some(parsed) = v2::parse_key(&key) else {
                continue;
            };
            let raw = self.raw(found, &key).unwrap_or_default();
            let result: Result<Vec<String>, StoredError> = match parsed {
                // Written by this version, to stop a tab of version 2.
                Key::Meta if stored::decode_meta(&raw).is_ok() => continue,
                Key::Meta => Ok(Vec::new()),
                Key::Labels => v2::decode_labels(&raw).map(|s| {
                    found.labels = found.labels.merge(&s.value, 0);
                    s.problems
                }),
                Key::Documents => v2::decode_documents(&raw).map(|s| {
                    found.documents = found.documents.merge(&s.value, 0);
                    s.problems
                }),
                Key::RelationTypes => v2::decode_relation_types(&raw).map(|s| {
                    found.legacy_relation_types = found.legacy_relation_types.merge(&s.value, 0);
                    s.problems
                }),
                Key::Relations(id) => v2::decode_relations(&raw, &id).map(|s| {
                    found.legacy_relations.insert(id, (key.clone(), s.value));
                    s.problems
                }),
                Key::Text(id) => v2::decode_text(&raw, &id).map(|text| {
                    found.legacy_texts.insert(id, (key.clone(), text));
                    Vec::new()
                }),
                Key::Bucket(id, bucket) => {
                    let text = self.legacy_text(found, &id);
                    v2::decode_bucket(&raw, &id, &stored::text_hash(&text), bucket).map(|s| {
                        found.take_legacy_spans(&id, s.value.entries, s.value.deleted);
                        s.problems
                    })
                }
                Key::Commit(_) => v2::decode_commit(&raw).map(|commit| {
                    self.take_commit(found, commit);
                    Vec::new()
                }),
            };
            self.retire(found, &key, &raw, result, stamps);
        }
    }

    /// Takes in the commit record of a change a tab did not finish writing:
    /// the parts it names are written again, the documents it dropped are
    /// dropped, and it is merged in with what is stored.
    fn take_commit(&mut self, found: &mut Found, commit: Commit) {
        found
            .rewrite
            .extend(super::persistence::commit_parts(&commit));
        for id in &commit.dropped {
            self.pending.add_item(Item::Drop(id.clone()));
        }
        found.commits.push(commit);
    }

    /// Reads the commit records of changes a tab did not finish writing:
    /// merged in, they complete the change.
    fn read_commits(&mut self, found: &mut Found, stamps: &dyn Stamps) {
        let mut keys: Vec<String> = found
            .keys
            .iter()
            .filter(|k| matches!(Key::parse(k), Some(Key::Commit(_))))
            .cloned()
            .collect();
        keys.sort();
        for key in keys {
            let raw = self.raw(found, &key).unwrap_or_default();
            match stored::decode_commit(&raw) {
                Ok(commit) => self.take_commit(found, commit),
                Err(e) => {
                    self.keep_damaged(
                        found,
                        &key,
                        &raw,
                        &format!(
                            "A change left unfinished when a tab closed could not be read ({e})"
                        ),
                        stamps,
                    );
                }
            }
            self.open_commits.push(key);
        }
    }

    /// The label set: stored, merged with any commit, repaired to follow the
    /// rules of every label set.
    fn read_labels(&mut self, found: &mut Found, stamps: &dyn Stamps) -> Vec<Label> {
        let mut merged = std::mem::take(&mut found.labels);
        let stored_labels = self.read_list(
            found,
            Part::Labels,
            stored::decode_labels,
            Unreadable {
                some: "Some saved labels could not be read",
                none: "The saved label set could not be read",
                instead: "the default labels are used, with any label your annotations name",
            },
            stamps,
        );
        if let Some(Ok(labels)) = stored_labels {
            merged = labels.merge(&merged, 0);
        }
        for commit in &found.commits {
            if let Some(labels) = &commit.labels {
                merged = merged.merge(&labels.clone().into(), 0);
            }
        }
        if merged.entries.is_empty() {
            self.revisions.take_labels(&merged);
            return default_labels();
        }
        self.revisions.take_labels(&merged);
        let labels: Vec<Label> = merged.entries.into_iter().map(|l| l.label).collect();
        let repaired = repair_labels(labels.clone());
        if !repaired.problems.is_empty() {
            found.problems.push(Notice::error(format!(
                "Some saved labels broke the rules every label follows and were fixed ({}).",
                summarise(&repaired.problems)
            )));
            let day = day_of(&stamps.now());
            for (old, new) in &repaired.renamed {
                self.revisions.rename_label(old, new, day);
            }
            // Order and number are kept: a label is touched where its colour
            // or hotkey was fixed.
            for (before, after) in labels.iter().zip(&repaired.value) {
                if before.color != after.color || before.hotkey != after.hotkey {
                    self.revisions.touch_label(&after.name);
                }
            }
            found.rewrite.insert(Part::Labels);
        }
        found.labels_renamed = repaired.renamed.into_iter().collect();
        repaired.value
    }

    /// The documents as listed: stored, merged with the old schema's list
    /// and any commit; seeds with their compiled-in text, the others with
    /// their stored text. A document whose text is missing or breaks the
    /// rules of a text is left out, its data backed up.
    fn read_documents(
        &mut self,
        found: &mut Found,
        stamps: &dyn Stamps,
        day: u32,
    ) -> Vec<Document> {
        let mut merged = std::mem::take(&mut found.documents);
        match self.read_list(
            found,
            Part::Documents,
            stored::decode_documents,
            Unreadable {
                some: "Some entries of your list of documents could not be read",
                none: "The list of your documents could not be read",
                instead: "it was made again from the texts stored",
            },
            stamps,
        ) {
            Some(Ok(documents)) => merged = documents.merge(&merged, 0),
            Some(Err(())) => merged = merged.merge(&self.documents_from_texts(found), 0),
            None => {}
        }
        for commit in &found.commits {
            if let Some(documents) = &commit.documents {
                merged = merged.merge(&documents.clone().into(), 0);
            }
        }
        let listed = !merged.entries.is_empty() || !merged.deleted.is_empty() || merged.order > 0;
        if !listed {
            self.revisions.take_documents(&merged);
            let seeds = self.seeds.clone();
            self.hash_texts(&seeds);
            return seeds;
        }
        self.revisions.take_documents(&merged);
        let mut documents = Vec::with_capacity(merged.entries.len());
        let mut left_out = Vec::new();
        for entry in merged.entries {
            match self.text_of(found, &entry, stamps) {
                Ok(text) => match repair_document(Document {
                    id: entry.id.clone(),
                    file_name: entry.file_name.clone(),
                    title: entry.title.clone(),
                    text: text.into(),
                    status: entry.status,
                }) {
                    Ok(repaired) => {
                        if !repaired.problems.is_empty() {
                            found.problems.push(Notice::error(format!(
                                "A saved document was fixed ({}).",
                                summarise(&repaired.problems)
                            )));
                            self.revisions.touch_document(&entry.id);
                            found.rewrite.insert(Part::Documents);
                        }
                        documents.push(repaired.value);
                    }
                    Err(why) => {
                        let key = stored::text_key(&entry.id);
                        if let Some(raw) = self.raw(found, &key) {
                            self.keep_damaged(
                                found,
                                &key,
                                &raw,
                                &format!("The document “{}” cannot be shown: {why}", entry.title),
                                stamps,
                            );
                        } else {
                            found.problems.push(Notice::error(format!(
                                "The document “{}” cannot be shown: {why}.",
                                entry.title
                            )));
                        }
                        left_out.push(entry);
                    }
                },
                Err(why) => {
                    found.problems.push(Notice::error(format!(
                        "The document “{}” cannot be shown: {why}.",
                        entry.title
                    )));
                    left_out.push(entry);
                }
            }
        }
        for entry in left_out {
            self.revisions.delete_document(&entry.id, entry.rev, day);
            self.pending.add_item(Item::Drop(entry.id));
            found.rewrite.insert(Part::Documents);
        }
        self.hash_texts(&documents);
        documents
    }

    /// The stored list under `part`'s key (labels or documents): `None` if
    /// there is none, what could be read of it, or `Err` if nothing could.
    /// Whatever could not be read is backed up and reported in `words`, and
    /// the key is marked to be written again.
    fn read_list<E: Entry>(
        &mut self,
        found: &mut Found,
        part: Part,
        decode: fn(&str) -> Result<Salvaged<Merged<E>>, StoredError>,
        words: Unreadable,
        stamps: &dyn Stamps,
    ) -> Option<Result<Merged<E>, ()>> {
        let Unreadable {
            some,
            none,
            instead,
        } = words;
        let key = part_key(&part);
        let raw = self.raw(found, &key)?;
        let (read, what) = match decode(&raw) {
            Ok(salvaged) if salvaged.problems.is_empty() => return Some(Ok(salvaged.value)),
            Ok(salvaged) => {
                let what = format!("{some} ({})", summarise(&salvaged.problems));
                (Ok(salvaged.value), what)
            }
            Err(e) => (Err(()), format!("{none} ({e}); {instead}")),
        };
        found.rewrite.insert(part);
        self.keep_damaged(found, &key, &raw, &what, stamps);
        Some(read)
    }

    /// A list of documents made from what is stored when the list itself
    /// cannot be read: the seed articles, then every stored text, titled
    /// after its first line.
    fn documents_from_texts(&self, found: &Found) -> Merged<DocumentEntry> {
        let mut entries: Vec<DocumentEntry> = self
            .seeds
            .iter()
            .map(|s| DocumentEntry {
                id: s.id.clone(),
                file_name: s.file_name.clone(),
                title: s.title.clone(),
                seed: true,
                status: s.status,
                rev: 0,
            })
            .collect();
        // The current schema's texts, then those of an old one not moved yet.
        let mut legacy: Vec<(String, Option<String>)> = found
            .legacy_texts
            .iter()
            .map(|(id, (_, text))| (id.clone(), Some(text.text.clone())))
            .collect();
        legacy.sort();
        let texts = found
            .keys
            .iter()
            .filter_map(|key| match Key::parse(key) {
                Some(Key::Text(id)) => {
                    let text = self
                        .raw(found, key)
                        .and_then(|raw| stored::decode_text(&raw, &id).ok().map(|t| t.text));
                    Some((id, text))
                }
                _ => None,
            })
            .chain(legacy);
        let mut seen = HashSet::new();
        for (id, text) in texts {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(text) = text {
                let document = Document::added(id.clone(), format!("{id}.txt"), text, "");
                entries.push(DocumentEntry {
                    id,
                    file_name: document.file_name,
                    title: document.title,
                    seed: false,
                    status: DocumentStatus::Todo,
                    rev: 0,
                });
            }
        }
        Merged {
            order: 0,
            entries,
            deleted: Vec::new(),
        }
    }

    /// The text of a listed document: compiled in for a seed, else stored,
    /// by the current schema or the old one.
    fn text_of(
        &mut self,
        found: &mut Found,
        entry: &DocumentEntry,
        stamps: &dyn Stamps,
    ) -> Result<String, String> {
        if entry.seed {
            return self
                .seeds
                .iter()
                .find(|s| s.id == entry.id)
                .map(|s| s.text.to_string())
                .ok_or_else(|| format!("there is no built-in article “{}”", entry.id));
        }
        let key = stored::text_key(&entry.id);
        if let Some(raw) = self.raw(found, &key) {
            return match stored::decode_text(&raw, &entry.id) {
                Ok(text) => Ok(text.text),
                Err(e) => {
                    self.keep_damaged(
                        found,
                        &key,
                        &raw,
                        &format!("The text of “{}” could not be read ({e})", entry.title),
                        stamps,
                    );
                    Err("its text could not be read".into())
                }
            };
        }
        if let Some((_, text)) = found.legacy_texts.remove(&entry.id) {
            self.pending.add_item(Item::Text(entry.id.clone()));
            return Ok(text.text);
        }
        Err("its text is missing".into())
    }

    fn hash_texts(&mut self, documents: &[Document]) {
        for document in documents {
            self.text_hashes
                .insert(document.id.clone(), stored::text_hash(&document.text));
        }
    }

    /// Reads every bucket of every document, keeping each annotation that
    /// fits its text, has a known label (a label it names that is missing
    /// is made again) and a unique id.
    fn read_buckets(
        &mut self,
        found: &mut Found,
        workspace: &mut Workspace,
        stamps: &dyn Stamps,
        day: u32,
    ) {
        let mut seen_ids: HashSet<String> = HashSet::new();
        let mut known: HashSet<String> =
            workspace.labels().iter().map(|l| l.name.clone()).collect();
        let mut recovered: Vec<Label> = Vec::new();
        let mut per_document: Vec<Vec<Annotation>> = Vec::with_capacity(workspace.document_count());
        for doc in 0..workspace.document_count() {
            let Some(document) = workspace.document(doc).cloned() else {
                per_document.push(Vec::new());
                continue;
            };
            let hash = self
                .text_hashes
                .get(&document.id)
                .cloned()
                .unwrap_or_default();
            let chars = CharIndex::new(&document.text);
            let mut kept = Vec::new();
            for bucket in 0..BUCKETS {
                let key = stored::bucket_key(&document.id, bucket);
                let part = Part::Bucket(document.id.clone(), bucket);
                let mut merged: Merged<StoredSpan> = Merged::default();
                // The value read, while the workspace takes all of it as is.
                let mut own = None;
                if let Some(raw) = self.raw(found, &key) {
                    match stored::decode_bucket(&raw, &document.id, &hash, bucket) {
                        Ok(salvaged) => {
                            if salvaged.problems.is_empty() {
                                own = Some(raw);
                            } else {
                                self.keep_damaged(found, &key, &raw, &format!("Some saved annotations of “{}” could not be read and are not shown ({})", document.title, summarise(&salvaged.problems)), stamps);
                                found.rewrite.insert(part.clone());
                            }
                            merged = salvaged.value;
                        }
                        Err(e) => {
                            self.keep_damaged(found, &key, &raw, &format!("Some saved annotations of “{}” could not be read and are not shown (none of “{key}” could be read: {e})", document.title), stamps);
                            found.rewrite.insert(part.clone());
                        }
                    }
                }
                if let Some(legacy) = found.legacy_buckets.remove(&(document.id.clone(), bucket)) {
                    merged = merged.merge(&legacy, 0);
                    found.rewrite.insert(part.clone());
                }
                for commit in &found.commits {
                    if let Some(AnyMerged::Bucket(from_commit)) =
                        AnyMerged::from_commit(&part, commit, &hash)
                    {
                        merged = merged.merge(&from_commit, 0);
                        own = None;
                    }
                }
                if merged.entries.is_empty() && merged.deleted.is_empty() {
                    continue;
                }
                self.revisions.take_bucket(&document.id, bucket, &merged);
                let mut problems = Vec::new();
                for mut span in merged.entries {
                    if let Some(new) = found.labels_renamed.get(&span.label) {
                        span.label = new.clone();
                        self.revisions.touch_span(&span.id);
                        found.rewrite.insert(part.clone());
                    }
                    let (text, title) = (&document.text, &document.title);
                    let quote = span_text(text, &chars, span.start, span.end, None, title);
                    let why = match &quote {
                        Err(e) => Some(format!("{} {e}", e.subject())),
                        Ok(_) if !seen_ids.insert(span.id.clone()) => {
                            Some("its id is used twice".to_string())
                        }
                        Ok(_) => None,
                    };
                    if let Some(why) = why {
                        problems.push(format!("annotation “{}”: {why}", span.id));
                        self.revisions
                            .drop_span(&document.id, bucket, &span.id, span.rev, day);
                        continue;
                    }
                    if known.insert(span.label.clone()) {
                        let mut all = workspace.labels().to_vec();
                        all.extend(recovered.iter().cloned());
                        recovered.push(Label {
                            name: span.label.clone(),
                            color: suggest_color(&all),
                            hotkey: None,
                        });
                    }
                    kept.push(Annotation {
                        id: span.id,
                        document_id: document.id.clone(),
                        start: span.start,
                        end: span.end,
                        quote: quote.unwrap_or_default().to_string(),
                        label: span.label,
                        created: span.created,
                        note: span.note,
                        entity: span.entity,
                    });
                }
                if !problems.is_empty() {
                    if let Some(raw) = self.raw(found, &key) {
                        self.keep_damaged(found, &key, &raw, &format!("Some saved annotations of “{}” could not be read and are not shown ({})", document.title, summarise(&problems)), stamps);
                    } else {
                        found.problems.push(Notice::error(format!(
                            "Some annotations of “{}” could not be taken ({}).",
                            document.title,
                            summarise(&problems)
                        )));
                    }
                    found.rewrite.insert(part);
                } else if let Some(raw) = own.filter(|_| !found.rewrite.contains(&part)) {
                    self.own.insert(key, raw);
                }
            }
            per_document.push(kept);
        }
        if !recovered.is_empty() {
            let names: Vec<&str> = recovered.iter().map(|l| l.name.as_str()).collect();
            found.problems.push(Notice::error(format!(
                "Saved annotations use labels that were missing from the label set, so they were added back: {}.",
                names.join(", ")
            )));
            let mut labels = workspace.labels().to_vec();
            for label in &recovered {
                self.revisions.touch_label(&label.name);
            }
            labels.extend(recovered);
            workspace.replace_labels(labels);
            found.rewrite.insert(Part::Labels);
        }
        for (doc, annotations) in per_document.into_iter().enumerate() {
            let refused = workspace.restore(doc, annotations);
            if !refused.is_empty() {
                if let Some(document) = workspace.document(doc) {
                    for bucket in 0..BUCKETS {
                        self.own.remove(&stored::bucket_key(&document.id, bucket));
                    }
                }
                let problems: Vec<String> = refused
                    .iter()
                    .map(|(a, e)| format!("annotation “{}”: {e}", a.id))
                    .collect();
                found.problems.push(Notice::error(format!(
                    "Some saved annotations could not be shown ({}).",
                    summarise(&problems)
                )));
            }
        }
    }

    /// The relation types: stored, merged with any commit; the defaults
    /// while none were ever stored. A type whose name, colour or hotkey
    /// breaks the rules of a label's is left out, and the list written again.
    fn read_relation_types(&mut self, found: &mut Found, stamps: &dyn Stamps) -> Vec<RelationType> {
        let mut merged = Merged::default();
        if let Some(Ok(types)) = self.read_list(
            found,
            Part::RelationTypes,
            stored::decode_relation_types,
            Unreadable {
                some: "Some saved relation types could not be read",
                none: "The saved relation types could not be read",
                instead: "the default relation types are used",
            },
            stamps,
        ) {
            merged = types;
        }
        merged = merged.merge(&std::mem::take(&mut found.legacy_relation_types), 0);
        for commit in &found.commits {
            if let Some(types) = &commit.relation_types {
                merged = merged.merge(&types.clone().into(), 0);
            }
        }
        self.revisions.take_relation_types(&merged);
        if merged.entries.is_empty() && merged.deleted.is_empty() {
            return default_relation_types();
        }
        let mut kept: Vec<RelationType> = Vec::with_capacity(merged.entries.len());
        let mut problems = Vec::new();
        for entry in merged.entries {
            let kind = entry.kind;
            let why = match label_name(&kind.name) {
                Err(e) => Some(format!("its name {e}")),
                Ok(name) if name != kind.name => Some("its name has extra spaces".into()),
                Ok(_)
                    if kept
                        .iter()
                        .any(|k| k.name.to_lowercase() == kind.name.to_lowercase()) =>
                {
                    Some("its name is used twice".into())
                }
                Ok(_) if !is_hex_color(&kind.color) => Some("its colour is not #rrggbb".into()),
                Ok(_) if kind.hotkey.is_some_and(|k| hotkey(k).is_err()) => {
                    Some("its hotkey cannot be typed".into())
                }
                Ok(_) => None,
            };
            match why {
                Some(why) => problems.push(format!("relation type “{}”: {why}", kind.name)),
                None => kept.push(kind),
            }
        }
        if !problems.is_empty() {
            found.problems.push(Notice::error(format!(
                "Some saved relation types broke the rules and were left out ({}).",
                summarise(&problems)
            )));
            found.rewrite.insert(Part::RelationTypes);
        }
        kept
    }

    /// Reads the relations of every document, merged with any commit,
    /// keeping each one whose ends are annotations of its document and whose
    /// type exists; the others are deleted (their tombstone written back)
    /// and reported.
    fn read_relations(
        &mut self,
        found: &mut Found,
        workspace: &mut Workspace,
        stamps: &dyn Stamps,
        day: u32,
    ) {
        for doc in 0..workspace.document_count() {
            let Some(document) = workspace.document(doc).cloned() else {
                continue;
            };
            let key = stored::relations_key(&document.id);
            let part = Part::Relations(document.id.clone());
            let mut merged = Merged::default();
            if let Some(raw) = self.raw(found, &key) {
                match stored::decode_relations(&raw, &document.id) {
                    Ok(salvaged) => {
                        if !salvaged.problems.is_empty() {
                            self.keep_damaged(found, &key, &raw, &format!("Some saved relations of “{}” could not be read and are not shown ({})", document.title, summarise(&salvaged.problems)), stamps);
                            found.rewrite.insert(part.clone());
                        }
                        merged = salvaged.value;
                    }
                    Err(e) => {
                        self.keep_damaged(found, &key, &raw, &format!("The saved relations of “{}” could not be read and are not shown ({e})", document.title), stamps);
                        found.rewrite.insert(part.clone());
                    }
                }
            }
            if let Some((_, legacy)) = found.legacy_relations.remove(&document.id) {
                merged = merged.merge(&legacy, 0);
                found.rewrite.insert(part.clone());
            }
            for commit in &found.commits {
                if let Some(AnyMerged::Relations(from_commit)) =
                    AnyMerged::from_commit(&part, commit, "")
                {
                    merged = merged.merge(&from_commit, 0);
                }
            }
            if merged.entries.is_empty() && merged.deleted.is_empty() {
                continue;
            }
            self.revisions.take_relations(&document.id, &merged);
            let revs: HashMap<String, u32> = merged
                .entries
                .iter()
                .map(|r| (r.id.clone(), r.rev))
                .collect();
            let relations: Vec<Relation> = merged
                .entries
                .into_iter()
                .map(|r| Relation {
                    id: r.id,
                    document_id: document.id.clone(),
                    from: r.from,
                    to: r.to,
                    kind: r.kind,
                    created: r.created,
                    note: r.note,
                })
                .collect();
            self.recover_relation_types(found, workspace, &relations);
            let refused = workspace.restore_relations(doc, relations);
            if refused.is_empty() {
                continue;
            }
            let problems: Vec<String> = refused
                .iter()
                .map(|(r, e)| format!("relation “{}”: {e}", r.id))
                .collect();
            for (relation, _) in &refused {
                let rev = revs.get(&relation.id).copied().unwrap_or(0);
                self.revisions
                    .drop_relation(&document.id, &relation.id, rev + 1, day);
            }
            found.problems.push(Notice::error(format!(
                "Some saved relations of “{}” could not be shown and were removed ({}).",
                document.title,
                summarise(&problems)
            )));
            found.rewrite.insert(part);
        }
    }

    /// Adds back the relation types `relations` name that are missing, as
    /// labels are, so that no saved relation is lost for its type.
    fn recover_relation_types(
        &mut self,
        found: &mut Found,
        workspace: &mut Workspace,
        relations: &[Relation],
    ) {
        let mut types = workspace.relation_types().to_vec();
        let mut recovered = Vec::new();
        for relation in relations {
            if types.iter().any(|t| t.name == relation.kind) || label_name(&relation.kind).is_err()
            {
                continue;
            }
            let colors: Vec<Label> = types
                .iter()
                .map(|t| Label {
                    name: t.name.clone(),
                    color: t.color.clone(),
                    hotkey: None,
                })
                .collect();
            types.push(RelationType {
                name: relation.kind.clone(),
                color: suggest_color(&colors),
                hotkey: None,
            });
            self.revisions.touch_relation_type(&relation.kind);
            recovered.push(relation.kind.clone());
        }
        if recovered.is_empty() {
            return;
        }
        found.problems.push(Notice::error(format!(
            "Saved relations use types that were missing, so they were added back: {}.",
            recovered.join(", ")
        )));
        workspace.replace_relation_types(types);
        found.rewrite.insert(Part::RelationTypes);
    }

    /// Removes keys that nothing names: those of removed documents at once;
    /// those an interrupted change left, a little later (see `tidy`);
    /// anything else once a backup of it is safe.
    fn clear_orphans(&mut self, found: &mut Found, workspace: &Workspace, stamps: &dyn Stamps) {
        let held: HashSet<&str> = workspace.documents().map(|d| d.id.as_str()).collect();
        let commits: HashSet<String> = found.commits.iter().map(|c| c.id.clone()).collect();
        let mut keys: Vec<String> = found.keys.iter().cloned().collect();
        keys.sort();
        let mut interrupted: HashSet<String> = HashSet::new();
        for key in &keys {
            let Some(Key::Text(id)) = Key::parse(key) else {
                continue;
            };
            if held.contains(id.as_str()) || self.revisions.document_deleted(&id) {
                continue;
            }
            let marker = stored::decode_text(&self.raw(found, key).unwrap_or_default(), &id)
                .ok()
                .and_then(|t| t.commit);
            if marker.is_some_and(|c| !commits.contains(&c)) {
                interrupted.insert(id);
            }
        }
        for key in keys {
            let id = match Key::parse(&key) {
                Some(Key::Text(id) | Key::Bucket(id, _) | Key::Relations(id)) => id,
                _ => continue,
            };
            if held.contains(id.as_str()) {
                continue;
            }
            if self.revisions.document_deleted(&id) {
                self.pending.add_item(Item::Drop(id));
            } else if interrupted.contains(&id) {
                self.suspects.push(key);
            } else {
                let raw = self.raw(found, &key).unwrap_or_default();
                let reason =
                    format!("Data for a document that is not in your list (“{id}”) was found");
                if self.keep_damaged(found, &key, &raw, &reason, stamps)
                    && self.store.remove(&key).is_ok()
                {
                    self.forget_size(&key);
                }
            }
        }
        self.clear_legacy_orphans(found, &held, &commits, stamps);
    }

    /// Backs up what the old schemas hold for documents that are not in the
    /// list (nor deleted, nor added by a change that did not finish), before
    /// their keys are removed with the old schema's others.
    fn clear_legacy_orphans(
        &mut self,
        found: &mut Found,
        held: &HashSet<&str>,
        commits: &HashSet<String>,
        stamps: &dyn Stamps,
    ) {
        let mut orphans: BTreeMap<String, String> = BTreeMap::new();
        let mut interrupted = HashSet::new();
        for (id, (key, text)) in std::mem::take(&mut found.legacy_texts) {
            if text.commit.is_some_and(|c| !commits.contains(&c)) {
                interrupted.insert(id);
            } else {
                orphans.insert(key, id);
            }
        }
        for (id, (key, _)) in std::mem::take(&mut found.legacy_relations) {
            orphans.insert(key, id);
        }
        let left: HashSet<String> = std::mem::take(&mut found.legacy_buckets)
            .into_keys()
            .map(|(id, _)| id)
            .collect();
        for key in &found.keys {
            if let Some(Key::Bucket(id, _)) = v2::parse_key(key).or_else(|| v1::parse_key(key)) {
                if left.contains(&id) {
                    orphans.insert(key.clone(), id);
                }
            }
        }
        for (key, id) in orphans {
            let gone = self.revisions.document_deleted(&id) || interrupted.contains(&id);
            if gone || held.contains(id.as_str()) || !self.legacy.contains(&key) {
                continue;
            }
            let raw = self.raw(found, &key).unwrap_or_default();
            let reason = format!("Data for a document that is not in your list (“{id}”) was found");
            if !self.keep_damaged(found, &key, &raw, &reason, stamps) {
                self.legacy.retain(|k| *k != key);
            }
        }
    }

    /// Backs up unreadable `raw` from `key` and says so; `true` if the data
    /// is safe in a backup.
    fn keep_damaged(
        &mut self,
        found: &mut Found,
        key: &str,
        raw: &str,
        what: &str,
        stamps: &dyn Stamps,
    ) -> bool {
        let mut notices = Vec::new();
        let kept = self.back_up(key, raw, what, stamps, &mut notices);
        if kept {
            found.problems.push(Notice::error(format!(
                "{what}. The original is kept as a backup (“{}”; see Backups).",
                stored::backup_key(key, raw)
            )));
        } else {
            found.problems.extend(notices);
            found.problems.push(Notice::error(format!(
                "{what}. Export your work to keep it."
            )));
        }
        kept
    }
}
