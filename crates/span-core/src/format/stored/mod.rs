//! The localStorage schema, version 3: what each key holds and how it is
//! encoded and decoded. Pure; `crate::storage` decides when to read and
//! write, and `browser::storage` moves the strings.
//!
//! | key                                       | value |
//! |-------------------------------------------|-------|
//! | `span-annotator/v3/meta`                  | `{"version": 4, "epoch": "…"}`: written first; its absence means storage was cleared; 4 is the [`STORAGE_VERSION`], 3 before buckets could be in compact format 2 |
//! | `span-annotator/v3/labels`                | `{"version": 3, "order": r, "labels": [{"name", "color", "hotkey", "rev"}…], "deleted": [[name, rev, day]…]}` |
//! | `span-annotator/v3/documents`             | `{"version": 3, "order": r, "documents": [{"id", "file_name", "title", "seed"?, "status"?, "rev"}…], "deleted": [[id, rev, day]…]}` |
//! | `span-annotator/v3/text/<document id>`    | compact ([`compact`]): the text of a document that is not a seed, DEFLATE-compressed, and the commit that added it, if one did; never changes |
//! | `span-annotator/v3/doc/<document id>/<b>` | compact ([`compact`]): the text hash, then the annotations `[id, start, end, label, created, rev, note?, entity?]` and tombstones `[id, rev, day]` of bucket `b` |
//! | `span-annotator/v3/relation-types`        | `{"version": 3, "order": r, "relation_types": [{"name", "color", "hotkey", "rev"}…], "deleted": [[name, rev, day]…]}`; absent until the types are first changed, which are then the defaults |
//! | `span-annotator/v3/relations/<document id>` | `{"version": 3, "document_id", "relations": [[id, from, to, type, created, rev, note?]…], "deleted": [[id, rev, day]…]}`: `from` and `to` are annotation ids of the document; absent while it has none |
//! | `span-annotator/v3/commit/<id>`           | a change to several keys, written before them and removed after (see [`Commit`]); its annotations compact |
//! | `span-annotator/backup/<hash>`            | `{"version": 3, "key", "saved", "reason", "value"}`: a copy of data that could not be read |
//!
//! **Why two encodings.** Texts and annotations are nearly all of what is
//! stored, so they are kept compact: packed bytes with a checksum, about a
//! sixth of version 2's JSON for annotations, and a text in a third to a
//! half of its length. The small records stay JSON, readable in the
//! browser's tools. Version 2 stored everything as JSON and spread
//! annotations over 64 buckets; its data, and version 1's, is moved to this
//! schema when the app first loads it ([`v1`], [`v2`]).
//!
//! **Merging.** Every annotation, relation, label, relation type and
//! document carries a revision,
//! `rev`, raised by one each time a tab changes it; a deletion leaves a
//! tombstone `[id, rev, day]` with the next revision and the day (since
//! 1970) it was made. Two copies of a key merge entry by entry: the higher
//! revision wins, a tombstone wins a tie with an entry, and two entries of
//! one revision are ordered by their encoding, so every tab merging the same
//! copies gets the same result. An entry missing from a copy is not a
//! deletion: only a tombstone is. The order of labels, of relation types and
//! of documents has a revision of its own, `order`. A relation whose end is
//! missing once merged is not shown, and is deleted by the next load. Tombstones older than [`TOMBSTONE_DAYS`]
//! are dropped.
//!
//! **Buckets.** A document's annotations are spread over [`BUCKETS`] keys by
//! a hash of their id, so an edit rewrites about a 16th of one document's
//! annotations; a corpus of short documents pays a key, and its few dozen
//! units, for each of 16 buckets rather than 64. Quotes are not stored: they are rebuilt from the text, and
//! the text hash (FNV-1a, 64 bits, of the text's UTF-8) proves the text is the
//! one the offsets were made on.
//!
//! Decoding a JSON record keeps every entry it can read and lists the ones
//! it could not, so one damaged entry costs that entry only; a compact
//! value that fails its checksum is refused whole (and backed up by the
//! loader), never misread.

pub mod compact;
mod packed;
pub mod v1;
pub mod v2;

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::model::{DocumentStatus, Label, RelationType};

/// The version of the schema's keys and JSON records.
pub const VERSION: u64 = 3;
/// The version of the storage as a whole, which the meta record carries.
/// Version 4 is version 3's keys and records, with buckets that may be in
/// compact format 2 (ids that share a prefix, see [`compact`]), which an app
/// of version 3 cannot read: finding 4, it stops writing rather than write
/// its own copy over them. This app reads both, and raises the meta record
/// to 4 whenever it checks the record before writing or reading other
/// tabs' changes, and before it first writes ahead of an import.
pub const STORAGE_VERSION: u64 = 4;
/// How many keys a document's annotations are spread over.
pub const BUCKETS: u32 = 16;
/// How long a tombstone is kept: a tab that has not looked at storage for
/// longer may bring a deleted entry back.
pub const TOMBSTONE_DAYS: u32 = 30;
pub const PREFIX: &str = "span-annotator/v3/";
/// Every key of the app starts with this, whatever its version.
pub const APP_PREFIX: &str = "span-annotator/";
pub const BACKUP_PREFIX: &str = "span-annotator/backup/";

pub fn meta_key() -> String {
    format!("{PREFIX}meta")
}

pub fn labels_key() -> String {
    format!("{PREFIX}labels")
}

pub fn documents_key() -> String {
    format!("{PREFIX}documents")
}

pub fn text_key(document_id: &str) -> String {
    format!("{PREFIX}text/{document_id}")
}

pub fn bucket_key(document_id: &str, bucket: u32) -> String {
    format!("{PREFIX}doc/{document_id}/{bucket}")
}

pub fn relation_types_key() -> String {
    format!("{PREFIX}relation-types")
}

pub fn relations_key(document_id: &str) -> String {
    format!("{PREFIX}relations/{document_id}")
}

pub fn commit_key(id: &str) -> String {
    format!("{PREFIX}commit/{id}")
}

/// Where a copy of unreadable data is kept: named by a hash of the key and
/// the data, so the same data is never copied twice.
pub fn backup_key(key: &str, raw: &str) -> String {
    let hash = fnv64(key.bytes().chain([0]).chain(raw.bytes()));
    format!("{BACKUP_PREFIX}{hash:016x}")
}

/// What a key of the current schema is for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Meta,
    Labels,
    Documents,
    Text(String),
    Bucket(String, u32),
    Commit(String),
    RelationTypes,
    Relations(String),
}

impl Key {
    /// Which key `key` is, if it is one of the current schema's.
    pub fn parse(key: &str) -> Option<Self> {
        Self::parse_in(key, PREFIX, BUCKETS)
    }

    /// Which key `key` is in the schema whose keys start with `prefix` and
    /// that has `buckets` buckets.
    pub(super) fn parse_in(key: &str, prefix: &str, buckets: u32) -> Option<Self> {
        let rest = key.strip_prefix(prefix)?;
        match rest {
            "meta" => return Some(Self::Meta),
            "labels" => return Some(Self::Labels),
            "documents" => return Some(Self::Documents),
            "relation-types" => return Some(Self::RelationTypes),
            _ => {}
        }
        if let Some(id) = rest.strip_prefix("relations/") {
            return Some(Self::Relations(id.to_string()));
        }
        if let Some(id) = rest.strip_prefix("text/") {
            return Some(Self::Text(id.to_string()));
        }
        if let Some(id) = rest.strip_prefix("commit/") {
            return Some(Self::Commit(id.to_string()));
        }
        let (id, bucket) = rest.strip_prefix("doc/")?.rsplit_once('/')?;
        let bucket: u32 = bucket.parse().ok().filter(|b| *b < buckets)?;
        (bucket.to_string() == key.rsplit('/').next()?)
            .then(|| Self::Bucket(id.to_string(), bucket))
    }

    /// The keys of the old schemas whose data this key holds once written:
    /// those of versions 1 and 2 of the same name, and for a bucket, the
    /// version-2 buckets it gathers.
    pub fn replaces(&self) -> Vec<String> {
        let same = |key: &Key| {
            let name = key.name();
            let rest = &name[PREFIX.len()..];
            [
                format!("{}{rest}", v1::PREFIX),
                format!("{}{rest}", v2::PREFIX),
            ]
        };
        match self {
            Self::Meta | Self::Commit(_) => Vec::new(),
            Self::Bucket(id, bucket) => (0..v2::BUCKETS / BUCKETS)
                .flat_map(|k| same(&Self::Bucket(id.clone(), bucket + k * BUCKETS)))
                .collect(),
            other => same(other).to_vec(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Self::Meta => meta_key(),
            Self::Labels => labels_key(),
            Self::Documents => documents_key(),
            Self::Text(id) => text_key(id),
            Self::Bucket(id, bucket) => bucket_key(id, *bucket),
            Self::Commit(id) => commit_key(id),
            Self::RelationTypes => relation_types_key(),
            Self::Relations(id) => relations_key(id),
        }
    }
}

/// The bucket an annotation is stored in: its id's 32-bit FNV-1a hash
/// modulo [`BUCKETS`]. Stored data depends on it, so it never changes.
pub fn bucket_of(annotation_id: &str) -> u32 {
    id_hash(annotation_id) % BUCKETS
}

/// The 32-bit FNV-1a hash of an id, which every version buckets by.
fn id_hash(id: &str) -> u32 {
    id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes, in 16 hex digits.
pub fn text_hash(text: &str) -> String {
    format!("{:016x}", fnv64(text.bytes()))
}

fn fnv64(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Why a stored value could not be read at all.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StoredError {
    #[error("it is not valid JSON ({0})")]
    NotJson(String),
    #[error("it has schema version {0}, and this app reads version {VERSION}")]
    UnknownVersion(String),
    #[error("it is damaged: {0}")]
    Damaged(String),
    #[error("{0}")]
    Shape(String),
}

/// What could be read, and what had to be left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Salvaged<T> {
    pub value: T,
    /// One line per left-out entry: where it was and why.
    pub problems: Vec<String>,
}

/// A revision: how many times an entry has been changed, by any tab.
pub type Rev = u32;

/// A deleted entry: its id (or name), the revision of the deletion and the
/// day it was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone(pub String, pub Rev, pub u32);

/// Something kept under a key that merges entry by entry.
pub trait Entry: Clone + PartialEq {
    fn id(&self) -> &str;
    fn rev(&self) -> Rev;
    /// Orders two different entries of one revision, the same way in every
    /// tab.
    fn tie_break(&self, other: &Self) -> Ordering;
}

/// A stored annotation: `[id, start, end, label, created, rev]`, its note
/// when it has one, and the entity it mentions when it names one (see
/// [`compact`]). Its document is the bucket's, and its quote is the
/// document's text at `start..end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSpan {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub created: String,
    pub rev: Rev,
    pub note: Option<String>,
    pub entity: Option<String>,
}

impl Entry for StoredSpan {
    fn id(&self) -> &str {
        &self.id
    }

    fn rev(&self) -> Rev {
        self.rev
    }

    fn tie_break(&self, other: &Self) -> Ordering {
        (
            self.start,
            self.end,
            &self.label,
            &self.note,
            &self.created,
            &self.entity,
        )
            .cmp(&(
                other.start,
                other.end,
                &other.label,
                &other.note,
                &other.created,
                &other.entity,
            ))
    }
}

/// A stored relation: `[id, from, to, type, created, rev]`, and its note as
/// a seventh element when it has one. Its document is the key's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRelation {
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub created: String,
    pub rev: Rev,
    pub note: Option<String>,
}

impl Entry for StoredRelation {
    fn id(&self) -> &str {
        &self.id
    }

    fn rev(&self) -> Rev {
        self.rev
    }

    fn tie_break(&self, other: &Self) -> Ordering {
        (&self.from, &self.to, &self.kind, &self.note, &self.created).cmp(&(
            &other.from,
            &other.to,
            &other.kind,
            &other.note,
            &other.created,
        ))
    }
}

impl Serialize for StoredRelation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(6 + usize::from(self.note.is_some())))?;
        seq.serialize_element(&self.id)?;
        seq.serialize_element(&self.from)?;
        seq.serialize_element(&self.to)?;
        seq.serialize_element(&self.kind)?;
        seq.serialize_element(&self.created)?;
        seq.serialize_element(&self.rev)?;
        if let Some(note) = &self.note {
            seq.serialize_element(note)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for StoredRelation {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        type Row = (String, String, String, String, String, Rev);
        type Noted = (String, String, String, String, String, Rev, String);
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Noted(Noted),
            Row(Row),
        }
        let ((id, from, to, kind, created, rev), note) = match Either::deserialize(deserializer)
            .map_err(|_| {
                serde::de::Error::custom(
                    "expected [id, from, to, type, created, rev] or [id, from, to, type, created, rev, note]",
                )
            })? {
            Either::Row(row) => (row, None),
            Either::Noted((id, from, to, kind, created, rev, note)) => {
                ((id, from, to, kind, created, rev), Some(note))
            }
        };
        Ok(StoredRelation {
            id,
            from,
            to,
            kind,
            created,
            rev,
            note,
        })
    }
}

/// A relation type as stored: the type and its revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRelationType {
    #[serde(flatten)]
    pub kind: RelationType,
    pub rev: Rev,
}

impl Entry for StoredRelationType {
    fn id(&self) -> &str {
        &self.kind.name
    }

    fn rev(&self) -> Rev {
        self.rev
    }

    fn tie_break(&self, other: &Self) -> Ordering {
        (&self.kind.color, self.kind.hotkey).cmp(&(&other.kind.color, other.kind.hotkey))
    }
}

/// A label as stored: the label and its revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLabel {
    #[serde(flatten)]
    pub label: Label,
    pub rev: Rev,
}

impl Entry for StoredLabel {
    fn id(&self) -> &str {
        &self.label.name
    }

    fn rev(&self) -> Rev {
        self.rev
    }

    fn tie_break(&self, other: &Self) -> Ordering {
        (&self.label.color, self.label.hotkey).cmp(&(&other.label.color, other.label.hotkey))
    }
}

/// A document as listed: a seed article (its text compiled in), or one
/// whose text is under [`text_key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub id: String,
    pub file_name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub seed: bool,
    /// Left out while it is `todo`, so data written before statuses reads
    /// the same.
    #[serde(default, skip_serializing_if = "DocumentStatus::is_todo")]
    pub status: DocumentStatus,
    pub rev: Rev,
}

impl Entry for DocumentEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn rev(&self) -> Rev {
        self.rev
    }

    fn tie_break(&self, other: &Self) -> Ordering {
        (&self.title, &self.file_name, self.seed, self.status).cmp(&(
            &other.title,
            &other.file_name,
            other.seed,
            other.status,
        ))
    }
}

fn is_false(flag: &bool) -> bool {
    !flag
}

/// Entries that merge by revision, with tombstones, and the revision of
/// their order (which only lists of labels and of documents have).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged<E> {
    pub order: Rev,
    pub entries: Vec<E>,
    pub deleted: Vec<Tombstone>,
}

impl<E> Default for Merged<E> {
    fn default() -> Self {
        Self {
            order: 0,
            entries: Vec::new(),
            deleted: Vec::new(),
        }
    }
}

impl<E: Entry> Merged<E> {
    /// Merges `self` (ours) with `theirs`, entry by entry (see the module
    /// notes), dropping tombstones made before `oldest_day`.
    pub fn merge(&self, theirs: &Self, oldest_day: u32) -> Self {
        let mut winners: HashMap<&str, Winner<'_, E>> = HashMap::new();
        let sides = [self, theirs];
        for side in sides {
            for entry in &side.entries {
                offer(&mut winners, entry.id(), Winner::Entry(entry));
            }
            for tombstone in &side.deleted {
                offer(&mut winners, &tombstone.0, Winner::Deleted(tombstone));
            }
        }
        let (first, second) = match self.order.cmp(&theirs.order) {
            Ordering::Greater => (self, theirs),
            Ordering::Less => (theirs, self),
            Ordering::Equal => {
                let ours = self.entries.iter().map(|e| e.id());
                if ours.cmp(theirs.entries.iter().map(|e| e.id())).is_ge() {
                    (self, theirs)
                } else {
                    (theirs, self)
                }
            }
        };
        let mut entries = Vec::new();
        for entry in first.entries.iter().chain(&second.entries) {
            if let Some(Winner::Entry(won)) = winners.get(entry.id()) {
                entries.push((*won).clone());
                winners.remove(entry.id());
            }
        }
        let mut deleted: Vec<Tombstone> = winners
            .into_values()
            .filter_map(|winner| match winner {
                Winner::Deleted(t) if t.2 >= oldest_day => Some(t.clone()),
                _ => None,
            })
            .collect();
        deleted.sort_by(|a, b| a.0.cmp(&b.0));
        Self {
            order: self.order.max(theirs.order),
            entries,
            deleted,
        }
    }

    /// What merging `self` with nothing gives, without the cost of a merge:
    /// tombstones made before `oldest_day` dropped, and an entry dropped if
    /// a tombstone of its id wins over it (see [`Merged::merge`]). Ids must
    /// be unique among the entries and among the tombstones, as in a tab's
    /// own copy of a key.
    pub fn pruned(&self, oldest_day: u32) -> Self {
        let tombstones: HashMap<&str, &Tombstone> =
            self.deleted.iter().map(|t| (t.0.as_str(), t)).collect();
        let mut beaten: Vec<&str> = Vec::new();
        let entries = self
            .entries
            .iter()
            .filter(|entry| match tombstones.get(entry.id()) {
                Some(t) if t.1 >= entry.rev() => false,
                Some(_) => {
                    beaten.push(entry.id());
                    true
                }
                None => true,
            })
            .cloned()
            .collect();
        let mut deleted: Vec<Tombstone> = self
            .deleted
            .iter()
            .filter(|t| t.2 >= oldest_day && !beaten.contains(&t.0.as_str()))
            .cloned()
            .collect();
        deleted.sort_by(|a, b| a.0.cmp(&b.0));
        Self {
            order: self.order,
            entries,
            deleted,
        }
    }
}

enum Winner<'a, E> {
    Entry(&'a E),
    Deleted(&'a Tombstone),
}

impl<E: Entry> Winner<'_, E> {
    fn beats(&self, other: &Self) -> bool {
        match (self, other) {
            (Winner::Entry(a), Winner::Entry(b)) => {
                (a.rev(), a.tie_break(b)) > (b.rev(), Ordering::Equal)
            }
            (Winner::Deleted(a), Winner::Deleted(b)) => (a.1, a.2) > (b.1, b.2),
            (Winner::Deleted(a), Winner::Entry(b)) => a.1 >= b.rev(),
            (Winner::Entry(a), Winner::Deleted(b)) => a.rev() > b.1,
        }
    }
}

fn offer<'a, E: Entry>(
    winners: &mut HashMap<&'a str, Winner<'a, E>>,
    id: &'a str,
    candidate: Winner<'a, E>,
) {
    match winners.get(id) {
        Some(held) if !candidate.beats(held) => {}
        _ => {
            winners.insert(id, candidate);
        }
    }
}

/// The record under [`meta_key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// [`VERSION`] or [`STORAGE_VERSION`].
    pub version: u64,
    /// Made when storage is first written: a different or missing epoch
    /// means storage was cleared since.
    pub epoch: String,
}

pub fn encode_meta(epoch: &str) -> String {
    json(&Meta {
        version: STORAGE_VERSION,
        epoch: epoch.to_string(),
    })
}

/// Reads the meta record; `UnknownVersion` only when a newer app wrote it.
pub fn decode_meta(raw: &str) -> Result<Meta, StoredError> {
    let value: Value =
        serde_json::from_str(raw).map_err(|e| StoredError::NotJson(e.to_string()))?;
    match value.get("version").and_then(Value::as_u64) {
        Some(VERSION | STORAGE_VERSION) => {}
        Some(newer) if newer > STORAGE_VERSION => {
            return Err(StoredError::UnknownVersion(newer.to_string()))
        }
        Some(older) => return Err(StoredError::Shape(format!("it has version {older}"))),
        None => return Err(StoredError::Shape("it has no version".into())),
    }
    typed(value)
}

pub fn encode_labels(labels: &Merged<StoredLabel>) -> String {
    encode_list("labels", labels)
}

pub fn encode_documents(documents: &Merged<DocumentEntry>) -> String {
    encode_list("documents", documents)
}

pub fn encode_relation_types(types: &Merged<StoredRelationType>) -> String {
    encode_list("relation_types", types)
}

fn encode_list<E: Serialize>(field: &str, list: &Merged<E>) -> String {
    let mut record = serde_json::Map::new();
    record.insert("version".into(), VERSION.into());
    record.insert("order".into(), list.order.into());
    record.insert(field.into(), to_value(&list.entries));
    record.insert("deleted".into(), to_value(&list.deleted));
    Value::Object(record).to_string()
}

/// Reads the label set, keeping each label that has the right shape. Whether
/// the labels follow the rules (names, hotkeys, colours) is checked later,
/// with the rules every label follows.
pub fn decode_labels(raw: &str) -> Result<Salvaged<Merged<StoredLabel>>, StoredError> {
    decode_list(raw, "labels", VERSION)
}

pub fn decode_documents(raw: &str) -> Result<Salvaged<Merged<DocumentEntry>>, StoredError> {
    decode_list(raw, "documents", VERSION)
}

/// Reads the relation types, keeping each one that has the right shape;
/// whether they follow the rules is checked with the rules every label
/// follows.
pub fn decode_relation_types(
    raw: &str,
) -> Result<Salvaged<Merged<StoredRelationType>>, StoredError> {
    decode_list(raw, "relation_types", VERSION)
}

#[derive(Serialize)]
struct RelationsRecord<'a> {
    version: u64,
    document_id: &'a str,
    relations: &'a [StoredRelation],
    deleted: &'a [Tombstone],
}

/// Encodes the relations of document `document_id`.
pub fn encode_relations(document_id: &str, relations: &Merged<StoredRelation>) -> String {
    json(&RelationsRecord {
        version: VERSION,
        document_id,
        relations: &relations.entries,
        deleted: &relations.deleted,
    })
}

/// Reads the relations stored for `document_id`, keeping each one that has
/// the right shape and an id not listed before it. Whether their ends are
/// annotations of the document is the workspace's check.
pub fn decode_relations(
    raw: &str,
    document_id: &str,
) -> Result<Salvaged<Merged<StoredRelation>>, StoredError> {
    relations_of(raw, document_id, VERSION)
}

/// [`decode_relations`] of a record of schema `version`, which stores
/// relations the same way.
fn relations_of(
    raw: &str,
    document_id: &str,
    version: u64,
) -> Result<Salvaged<Merged<StoredRelation>>, StoredError> {
    let value = versioned(raw, version)?;
    match value.get("document_id").and_then(Value::as_str) {
        Some(id) if id == document_id => {}
        Some(id) => {
            return Err(StoredError::Shape(format!(
                "it is for document “{id}”, not “{document_id}”"
            )))
        }
        None => {
            return Err(StoredError::Shape(
                "document_id is missing or not a string".into(),
            ))
        }
    }
    let mut salvaged = decode_list::<StoredRelation>(raw, "relations", version)?;
    salvaged.value.order = 0;
    Ok(salvaged)
}

/// Reads a JSON list of schema `version` (labels, documents, relation
/// types and relations are stored alike in versions 2 and 3).
fn decode_list<E: Entry + for<'de> Deserialize<'de>>(
    raw: &str,
    field: &str,
    version: u64,
) -> Result<Salvaged<Merged<E>>, StoredError> {
    let value = versioned(raw, version)?;
    let order = value.get("order").and_then(Value::as_u64).unwrap_or(0);
    let Some(items) = value.get(field).and_then(Value::as_array) else {
        return Err(StoredError::Shape(format!(
            "{field} is missing or not a list"
        )));
    };
    let mut salvaged: Salvaged<Merged<E>> = Salvaged::default();
    salvaged.value.order = Rev::try_from(order).unwrap_or(Rev::MAX);
    let mut seen = HashSet::new();
    for (at, item) in items.iter().enumerate() {
        match E::deserialize(item) {
            Ok(entry) if !seen.insert(entry.id().to_string()) => salvaged
                .problems
                .push(format!("{field}[{at}]: “{}” is listed twice", entry.id())),
            Ok(entry) => salvaged.value.entries.push(entry),
            Err(e) => salvaged.problems.push(format!("{field}[{at}]: {e}")),
        }
    }
    salvaged.value.deleted = tombstones(&value, &mut salvaged.problems);
    Ok(salvaged)
}

/// Reads `deleted`, keeping each readable tombstone.
fn tombstones(value: &Value, problems: &mut Vec<String>) -> Vec<Tombstone> {
    let Some(items) = value.get("deleted").and_then(Value::as_array) else {
        if value.get("deleted").is_some() {
            problems.push("deleted is not a list".into());
        }
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(at, item)| {
            Tombstone::deserialize(item)
                .map_err(|e| problems.push(format!("deleted[{at}]: {e}")))
                .ok()
        })
        .collect()
}

/// The record of a document's text; `commit` names the change that added
/// it, so that a text left behind by an interrupted change is recognised.
pub fn encode_text(document_id: &str, text: &str, commit: Option<&str>) -> String {
    compact::encode_text(&text_context(document_id), text, commit)
}

/// A stored text, and the change that added it if one did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredText {
    pub text: String,
    pub commit: Option<String>,
}

pub fn decode_text(raw: &str, document_id: &str) -> Result<StoredText, StoredError> {
    let compact::Text { text, commit } = compact::decode_text(raw, &text_context(document_id))?;
    Ok(StoredText { text, commit })
}

/// What a text's checksum covers besides the text: its key, so that a text
/// stored under another document's key is found out.
fn text_context(document_id: &str) -> String {
    format!("text/{document_id}")
}

fn bucket_context(document_id: &str, bucket: u32) -> String {
    format!("doc/{document_id}/{bucket}")
}

/// Encodes one bucket of the document `document_id`, whose text hashes to
/// `text_hash`.
pub fn encode_bucket(
    document_id: &str,
    text_hash: &str,
    bucket: u32,
    spans: &Merged<StoredSpan>,
) -> String {
    compact::encode_spans(
        &bucket_context(document_id, bucket),
        text_hash,
        &spans.entries,
        &spans.deleted,
    )
}

/// Reads the annotations stored in `bucket` of `document_id`, whose text
/// must hash to `text_hash`, keeping each one that belongs in this bucket
/// and whose id is not listed before it. Whether they fit the text is the
/// workspace's check.
pub fn decode_bucket(
    raw: &str,
    document_id: &str,
    text_hash: &str,
    bucket: u32,
) -> Result<Salvaged<Merged<StoredSpan>>, StoredError> {
    let spans = compact::decode_spans(raw, &bucket_context(document_id, bucket))?;
    if spans.text_hash != text_hash {
        return Err(StoredError::Shape(
            "it was saved for another version of the document's text".into(),
        ));
    }
    Ok(sorted_into_bucket(
        spans.entries,
        spans.deleted,
        bucket,
        bucket_of,
    ))
}

/// `entries` and `deleted` as one bucket's, each entry that belongs in
/// `bucket` (by `bucket_of`) and has an id not listed before it kept, the
/// others listed as problems.
fn sorted_into_bucket(
    entries: impl IntoIterator<Item = StoredSpan>,
    deleted: Vec<Tombstone>,
    bucket: u32,
    bucket_of: fn(&str) -> u32,
) -> Salvaged<Merged<StoredSpan>> {
    let mut salvaged: Salvaged<Merged<StoredSpan>> = Salvaged::default();
    let mut seen = HashMap::new();
    for (at, span) in entries.into_iter().enumerate() {
        if bucket_of(&span.id) != bucket {
            salvaged.problems.push(format!(
                "annotations[{at}]: id “{}” belongs in bucket {}, not {bucket}",
                span.id,
                bucket_of(&span.id)
            ));
        } else if let Some(first) = seen.insert(span.id.clone(), at) {
            salvaged.problems.push(format!(
                "annotations[{at}]: id “{}” is already the id of annotations[{first}]",
                span.id
            ));
        } else {
            salvaged.value.entries.push(span);
        }
    }
    salvaged.value.deleted = deleted;
    salvaged
}

/// A change to several keys, written under [`commit_key`] before any of
/// them and removed once all are written, so that a tab killed in between
/// leaves a record of the whole change: the next start merges it in again.
/// Merging is by revision, so merging a commit twice, or after newer
/// changes, does no harm. The texts it adds are written before it (they are
/// too large to copy) and named here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub id: String,
    /// Documents whose text this change added, already under their keys.
    #[serde(default)]
    pub texts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<CommitList<StoredLabel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<CommitList<DocumentEntry>>,
    /// Annotations and tombstones by document id, each document's
    /// compact (as a bucket is) under the context `commit/<document id>`.
    #[serde(default, with = "commit_buckets")]
    pub buckets: BTreeMap<String, CommitBuckets>,
    /// Documents removed: their text and buckets are deleted.
    #[serde(default)]
    pub dropped: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_types: Option<CommitList<StoredRelationType>>,
    /// Relations and tombstones by document id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub relations: BTreeMap<String, CommitList<StoredRelation>>,
}

/// The annotations of one document a commit changes, with its text hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommitBuckets {
    pub text_hash: String,
    pub spans: Vec<StoredSpan>,
    pub deleted: Vec<Tombstone>,
}

/// A commit's annotations, by document id: each document's as a compact
/// string, so that a change to many annotations (an import, a migration)
/// needs as little room in its commit record as in its buckets.
mod commit_buckets {
    use std::collections::BTreeMap;

    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{compact, CommitBuckets};

    fn context(document_id: &str) -> String {
        format!("commit/{document_id}")
    }

    pub fn serialize<S: Serializer>(
        buckets: &BTreeMap<String, CommitBuckets>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let packed: BTreeMap<&str, String> = buckets
            .iter()
            .map(|(id, b)| {
                let value = compact::encode_spans(&context(id), &b.text_hash, &b.spans, &b.deleted);
                (id.as_str(), value)
            })
            .collect();
        packed.serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, CommitBuckets>, D::Error> {
        let packed = BTreeMap::<String, String>::deserialize(deserializer)?;
        packed
            .into_iter()
            .map(|(id, raw)| {
                let spans = compact::decode_spans(&raw, &context(&id))
                    .map_err(|e| D::Error::custom(format!("the annotations of “{id}”: {e}")))?;
                let buckets = CommitBuckets {
                    text_hash: spans.text_hash,
                    spans: spans.entries,
                    deleted: spans.deleted,
                };
                Ok((id, buckets))
            })
            .collect()
    }
}

/// A list's entries and tombstones as a commit carries them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitList<E> {
    pub order: Rev,
    pub entries: Vec<E>,
    pub deleted: Vec<Tombstone>,
}

impl<E: Clone> From<&Merged<E>> for CommitList<E> {
    fn from(merged: &Merged<E>) -> Self {
        Self {
            order: merged.order,
            entries: merged.entries.clone(),
            deleted: merged.deleted.clone(),
        }
    }
}

impl<E> From<CommitList<E>> for Merged<E> {
    fn from(list: CommitList<E>) -> Self {
        Self {
            order: list.order,
            entries: list.entries,
            deleted: list.deleted,
        }
    }
}

pub fn encode_commit(commit: &Commit) -> String {
    json(&Versioned::new(commit))
}

pub fn decode_commit(raw: &str) -> Result<Commit, StoredError> {
    typed(versioned(raw, VERSION)?)
}

/// A copy of data that could not be read, under [`backup_key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// The key the data was under.
    pub key: String,
    /// When the copy was made (ISO 8601).
    pub saved: String,
    /// Why, in the user's words.
    pub reason: String,
    /// The data, exactly as it was.
    pub value: String,
}

pub fn encode_backup(backup: &Backup) -> String {
    json(&Versioned::new(backup))
}

/// Reads the backup under `key`. Version 1 kept the data alone under
/// `span-annotator/backup/<time>/<key>`, and such a backup is read as that;
/// so is a record that cannot be read, which is then the data itself.
pub fn decode_backup(key: &str, raw: &str) -> Backup {
    let rest = key.strip_prefix(BACKUP_PREFIX).unwrap_or(key);
    if let Some((saved, original)) = rest.split_once('/') {
        return Backup {
            key: original.to_string(),
            saved: saved.to_string(),
            reason: "kept by an earlier version of the app".into(),
            value: raw.to_string(),
        };
    }
    // Version 2 wrote backups as this version does.
    versioned(raw, VERSION)
        .or_else(|e| versioned(raw, v2::VERSION).map_err(|_| e))
        .and_then(typed::<Backup>)
        .unwrap_or_else(|e| Backup {
            key: key.to_string(),
            saved: String::new(),
            reason: format!("this backup's own record could not be read ({e})"),
            value: raw.to_string(),
        })
}

/// Parses `raw` as a JSON object of schema `version`.
fn versioned(raw: &str, version: u64) -> Result<Value, StoredError> {
    let value: Value =
        serde_json::from_str(raw).map_err(|e| StoredError::NotJson(e.to_string()))?;
    if !value.is_object() {
        return Err(StoredError::Shape("it is not a JSON object".into()));
    }
    match value.get("version") {
        Some(v) if v.as_u64() == Some(version) => Ok(value),
        Some(v) => Err(StoredError::UnknownVersion(v.to_string())),
        None => Err(StoredError::Shape("it has no version".into())),
    }
}

fn typed<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, StoredError> {
    serde_json::from_value(value).map_err(|e| StoredError::Shape(e.to_string()))
}

/// A record written with the schema's `version` beside its own fields.
#[derive(Serialize)]
struct Versioned<'a, T> {
    version: u64,
    #[serde(flatten)]
    record: &'a T,
}

impl<'a, T> Versioned<'a, T> {
    fn new(record: &'a T) -> Self {
        Self {
            version: VERSION,
            record,
        }
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data always serialises")
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("plain data always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored span with this note and entity.
    pub(super) fn span(note: Option<&str>, entity: Option<&str>) -> StoredSpan {
        StoredSpan {
            id: "a".into(),
            start: 1,
            end: 3,
            label: "Person".into(),
            created: "t".into(),
            rev: 2,
            note: note.map(str::to_string),
            entity: entity.map(str::to_string),
        }
    }

    #[test]
    fn two_copies_differing_only_in_entity_merge_the_same_way_in_every_tab() {
        let ours = Merged {
            order: 0,
            entries: vec![span(None, Some("A"))],
            deleted: Vec::new(),
        };
        let theirs = Merged {
            order: 0,
            entries: vec![span(None, Some("B"))],
            deleted: Vec::new(),
        };
        assert_eq!(ours.merge(&theirs, 0), theirs.merge(&ours, 0));
    }

    /// A tab's own copy of a bucket pruned gives what merging it with
    /// nothing gives: the shortcut taken when the stored value is this
    /// tab's own.
    #[cfg(not(target_arch = "wasm32"))]
    mod pruned {
        use super::*;
        use proptest::prelude::*;

        fn own_copy() -> impl Strategy<Value = Merged<StoredSpan>> {
            let entry = (0u8..40, 0u32..4);
            let tombstone = (0u8..40, 0u32..4, 0u32..6);
            (
                proptest::collection::btree_map(0u8..40, entry.prop_map(|(_, rev)| rev), 0..20),
                proptest::collection::btree_map(
                    0u8..40,
                    tombstone.prop_map(|(_, rev, day)| (rev, day)),
                    0..20,
                ),
            )
                .prop_map(|(entries, deleted)| Merged {
                    order: 0,
                    entries: entries
                        .into_iter()
                        .rev()
                        .map(|(id, rev)| StoredSpan {
                            id: format!("id-{id}"),
                            start: usize::from(id),
                            end: usize::from(id) + 1,
                            label: "Person".into(),
                            created: "t".into(),
                            rev,
                            note: None,
                            entity: None,
                        })
                        .collect(),
                    deleted: deleted
                        .into_iter()
                        .map(|(id, (rev, day))| Tombstone(format!("id-{id}"), rev, day))
                        .collect(),
                })
        }

        proptest! {
            #[test]
            fn pruning_is_merging_with_nothing(own in own_copy(), oldest in 0u32..6) {
                prop_assert_eq!(own.pruned(oldest), own.merge(&Merged::default(), oldest));
            }
        }
    }
}
