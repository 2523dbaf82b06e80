//! The localStorage schema, version 1.
//!
//! | key                                       | value                                                                                   |
//! |-------------------------------------------|-----------------------------------------------------------------------------------------|
//! | `span-annotator/v1/labels`                | `{"version": 1, "labels": [{"name", "color", "hotkey"}…]}`                              |
//! | `span-annotator/v1/documents`             | `{"version": 1, "documents": [{"id", "file_name", "title", "seed"?}…]}`: every document, in order |
//! | `span-annotator/v1/text/<document id>`    | `{"version": 1, "document_id": "…", "text": "…"}`: the text of a document that is not a seed |
//! | `span-annotator/v1/doc/<document id>/<b>` | `{"version": 1, "document_id": "…", "bucket": b, "text_hash": "…", "annotations": […]}` |
//!
//! A document's annotations are spread over [`BUCKETS`] keys by a hash of
//! their id, so an edit rewrites one bucket, about a 64th of one document's
//! annotations, however many there are. Each is stored compactly as
//! `[id, start, end, label, created]`: browsers give an origin about 5 MB,
//! and a string holding any non-Latin-1 character costs two bytes a
//! character in Chromium, so quotes are not stored; they are rebuilt from the
//! text, and `text_hash` (FNV-1a, 64 bits, of the text's UTF-8) proves the
//! text is the one the offsets were made on.
//!
//! Without a `documents` key the documents are the three seed articles. An
//! entry with `"seed": true` is one of them, its text compiled into the app;
//! every other entry's text is under its `text` key.
//!
//! Decoding a bucket keeps every annotation it can read and lists the ones
//! it could not, so one damaged entry costs that entry only; the caller keeps
//! the original under a backup key before anything is written again.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::model::{Annotation, Label};

pub const VERSION: u64 = 1;
/// How many keys a document's annotations are spread over.
pub const BUCKETS: u32 = 64;
const PREFIX: &str = "span-annotator/v1/";

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

/// Where the original of an unreadable `key` is kept, `stamp` making each
/// backup distinct.
pub fn backup_key(key: &str, stamp: &str) -> String {
    format!("span-annotator/backup/{stamp}/{key}")
}

/// The bucket an annotation is stored in: its id's 32-bit FNV-1a hash
/// modulo [`BUCKETS`]. Stored data depends on it, so it never changes.
pub fn bucket_of(annotation_id: &str) -> u32 {
    let hash = annotation_id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash % BUCKETS
}

/// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes, in 16 hex digits.
pub fn text_hash(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Why a stored value could not be read at all.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StoredError {
    #[error("it is not valid JSON ({0})")]
    NotJson(String),
    #[error("it has schema version {0}, and this app reads version {VERSION}")]
    UnknownVersion(String),
    #[error("{0}")]
    Shape(String),
}

/// What could be read, and what had to be left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Salvaged<T> {
    pub value: T,
    /// One line per left-out entry: where it was and why.
    pub problems: Vec<String>,
}

/// A stored annotation: `[id, start, end, label, created]`, and its note
/// as a sixth element when it has one. Its document is the bucket's, and its
/// quote is the document's text at `start..end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSpan {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub created: String,
    pub note: Option<String>,
}

impl StoredSpan {
    pub fn of(annotation: &Annotation) -> Self {
        Self {
            id: annotation.id.clone(),
            start: annotation.start,
            end: annotation.end,
            label: annotation.label.clone(),
            created: annotation.created.clone(),
            note: annotation.note.clone(),
        }
    }

    /// The annotation, given its document and the quote at its offsets.
    pub fn into_annotation(self, document_id: &str, quote: &str) -> Annotation {
        Annotation {
            id: self.id,
            document_id: document_id.to_string(),
            start: self.start,
            end: self.end,
            quote: quote.to_string(),
            label: self.label,
            created: self.created,
            note: self.note,
        }
    }
}

impl Serialize for StoredSpan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(5 + usize::from(self.note.is_some())))?;
        seq.serialize_element(&self.id)?;
        seq.serialize_element(&self.start)?;
        seq.serialize_element(&self.end)?;
        seq.serialize_element(&self.label)?;
        seq.serialize_element(&self.created)?;
        if let Some(note) = &self.note {
            seq.serialize_element(note)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for StoredSpan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StoredSpan;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "[id, start, end, label, created] or [id, start, end, label, created, note]",
                )
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<StoredSpan, A::Error> {
                use serde::de::Error;
                let missing = |at: usize| A::Error::invalid_length(at, &self);
                let span = StoredSpan {
                    id: seq.next_element()?.ok_or_else(|| missing(0))?,
                    start: seq.next_element()?.ok_or_else(|| missing(1))?,
                    end: seq.next_element()?.ok_or_else(|| missing(2))?,
                    label: seq.next_element()?.ok_or_else(|| missing(3))?,
                    created: seq.next_element()?.ok_or_else(|| missing(4))?,
                    note: seq.next_element()?,
                };
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(7, &self));
                }
                Ok(span)
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

/// A document as listed under [`documents_key`]: a seed article, or one
/// whose text is under [`text_key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub id: String,
    pub file_name: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub seed: bool,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

#[derive(Serialize, Deserialize)]
struct LabelsRecord<L> {
    version: u64,
    labels: L,
}

#[derive(Serialize, Deserialize)]
struct DocumentsRecord<D> {
    version: u64,
    documents: D,
}

#[derive(Serialize, Deserialize)]
struct TextRecord<S> {
    version: u64,
    document_id: S,
    text: S,
}

#[derive(Serialize)]
struct BucketRecord<'a> {
    version: u64,
    document_id: &'a str,
    bucket: u32,
    text_hash: &'a str,
    annotations: Vec<StoredSpan>,
}

pub fn encode_documents(entries: &[DocumentEntry]) -> String {
    let record = DocumentsRecord {
        version: VERSION,
        documents: entries,
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

pub fn encode_text(document_id: &str, text: &str) -> String {
    let record = TextRecord {
        version: VERSION,
        document_id,
        text,
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

pub fn encode_labels(labels: &[Label]) -> String {
    let record = LabelsRecord {
        version: VERSION,
        labels,
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

/// Encodes those of `annotations` that belong in `bucket` of the document
/// `document_id`, whose text hashes to `text_hash`.
pub fn encode_bucket<'a>(
    document_id: &str,
    text_hash: &str,
    bucket: u32,
    annotations: impl Iterator<Item = &'a Annotation>,
) -> String {
    let record = BucketRecord {
        version: VERSION,
        document_id,
        bucket,
        text_hash,
        annotations: annotations
            .filter(|a| bucket_of(&a.id) == bucket)
            .map(StoredSpan::of)
            .collect(),
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

/// Reads the label set. A label set is all or nothing: labels give the
/// annotations their meaning, so a partial one would be worse than none.
pub fn decode_labels(raw: &str) -> Result<Vec<Label>, StoredError> {
    let record: LabelsRecord<Vec<Label>> = typed(versioned(raw)?)?;
    if record.labels.is_empty() {
        return Err(StoredError::Shape("the label set is empty".into()));
    }
    for (at, label) in record.labels.iter().enumerate() {
        if record.labels[..at].iter().any(|l| l.name == label.name) {
            return Err(StoredError::Shape(format!(
                "labels[{at}]: the name “{}” is used twice",
                label.name
            )));
        }
        if !label.has_valid_color() {
            return Err(StoredError::Shape(format!(
                "labels[{at}]: the colour “{}” is not of the form #rrggbb",
                label.color
            )));
        }
    }
    Ok(record.labels)
}

/// Reads the list of documents the user added.
pub fn decode_documents(raw: &str) -> Result<Vec<DocumentEntry>, StoredError> {
    let record: DocumentsRecord<Vec<DocumentEntry>> = typed(versioned(raw)?)?;
    Ok(record.documents)
}

/// Reads the text stored for `document_id`.
pub fn decode_text(raw: &str, document_id: &str) -> Result<String, StoredError> {
    let record: TextRecord<String> = typed(versioned(raw)?)?;
    if record.document_id != document_id {
        return Err(StoredError::Shape(format!(
            "it is the text of “{}”, not “{document_id}”",
            record.document_id
        )));
    }
    Ok(record.text)
}

/// Reads the annotations stored in `bucket` of `document_id`, whose text
/// must hash to `text_hash`, keeping each one that has the right shape and
/// belongs in this bucket. Whether they fit the text is the workspace's
/// check.
pub fn decode_bucket(
    raw: &str,
    document_id: &str,
    text_hash: &str,
    bucket: u32,
) -> Result<Salvaged<Vec<StoredSpan>>, StoredError> {
    let value = versioned(raw)?;
    let field = |name: &str| value.get(name);
    let shape = |why: String| Err(StoredError::Shape(why));
    match field("document_id").and_then(Value::as_str) {
        Some(id) if id == document_id => {}
        Some(id) => return shape(format!("it is for document “{id}”, not “{document_id}”")),
        None => return shape("document_id is missing or not a string".into()),
    }
    if field("bucket").and_then(Value::as_u64) != Some(u64::from(bucket)) {
        return shape(format!("bucket is missing or not {bucket}"));
    }
    match field("text_hash").and_then(Value::as_str) {
        Some(hash) if hash == text_hash => {}
        Some(_) => return shape("it was saved for another version of the document's text".into()),
        None => return shape("text_hash is missing or not a string".into()),
    }
    let Some(entries) = field("annotations").and_then(Value::as_array) else {
        return shape("annotations is missing or not a list".into());
    };
    let mut salvaged = Salvaged {
        value: Vec::with_capacity(entries.len()),
        problems: Vec::new(),
    };
    for (at, entry) in entries.iter().enumerate() {
        match StoredSpan::deserialize(entry) {
            Ok(span) if bucket_of(&span.id) != bucket => salvaged.problems.push(format!(
                "annotations[{at}]: id “{}” belongs in bucket {}, not {bucket}",
                span.id,
                bucket_of(&span.id)
            )),
            Ok(span) => salvaged.value.push(span),
            Err(e) => salvaged.problems.push(format!("annotations[{at}]: {e}")),
        }
    }
    Ok(salvaged)
}

/// Parses `raw` as a JSON object of this schema version.
fn versioned(raw: &str) -> Result<Value, StoredError> {
    let value: Value =
        serde_json::from_str(raw).map_err(|e| StoredError::NotJson(e.to_string()))?;
    if !value.is_object() {
        return Err(StoredError::Shape("it is not a JSON object".into()));
    }
    match value.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => Ok(value),
        Some(v) => Err(StoredError::UnknownVersion(v.to_string())),
        None => Err(StoredError::Shape("it has no version".into())),
    }
}

fn typed<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, StoredError> {
    serde_json::from_value(value).map_err(|e| StoredError::Shape(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_labels;

    const HASH: &str = "0123456789abcdef";

    fn annotation(id: &str) -> Annotation {
        Annotation {
            id: id.into(),
            document_id: "doc".into(),
            start: 1,
            end: 3,
            quote: "😀é".into(),
            label: "Person".into(),
            created: "2026-11-22T10:00:00.000Z".into(),
            note: None,
        }
    }

    #[test]
    fn keys_are_versioned() {
        assert_eq!(labels_key(), "span-annotator/v1/labels");
        assert_eq!(documents_key(), "span-annotator/v1/documents");
        assert_eq!(text_key("mine"), "span-annotator/v1/text/mine");
        assert_eq!(bucket_key("001", 7), "span-annotator/v1/doc/001/7");
        assert_eq!(
            backup_key("span-annotator/v1/labels", "t1"),
            "span-annotator/backup/t1/span-annotator/v1/labels"
        );
    }

    #[test]
    fn hashes_are_fixed_fnv_1a() {
        // Stored data depends on these values, so they must never change:
        // FNV-1a of "" is the offset basis, and of "a" the published vector.
        assert_eq!(bucket_of(""), 0x811c_9dc5 % BUCKETS);
        assert_eq!(bucket_of("a"), 0xe40c_292c % BUCKETS);
        assert_eq!(text_hash(""), "cbf29ce484222325");
        assert_eq!(text_hash("a"), "af63dc4c8601ec8c");
        assert_ne!(text_hash("“a”"), text_hash("\"a\""));
    }

    #[test]
    fn ids_spread_evenly_over_buckets() {
        let mut sizes = [0usize; BUCKETS as usize];
        for i in 0..6400u32 {
            let id = format!("{:032x}", i.wrapping_mul(2_654_435_761));
            sizes[bucket_of(&id) as usize] += 1;
        }
        assert!(
            sizes.iter().all(|&n| (50..=150).contains(&n)),
            "uneven: {sizes:?}"
        );
    }

    #[test]
    fn buckets_round_trip_and_hold_only_their_own_annotations() {
        let annotations: Vec<Annotation> =
            (0..200).map(|i| annotation(&format!("id{i}"))).collect();
        let mut back = Vec::new();
        for bucket in 0..BUCKETS {
            let raw = encode_bucket("doc", HASH, bucket, annotations.iter());
            let head = format!(
                r#"{{"version":1,"document_id":"doc","bucket":{bucket},"text_hash":"{HASH}","annotations":["#
            );
            assert!(raw.starts_with(&head), "{raw}");
            let salvaged = decode_bucket(&raw, "doc", HASH, bucket).unwrap();
            assert!(salvaged.problems.is_empty());
            assert!(salvaged.value.iter().all(|s| bucket_of(&s.id) == bucket));
            back.extend(
                salvaged
                    .value
                    .into_iter()
                    .map(|s| s.into_annotation("doc", "😀é")),
            );
        }
        back.sort_by(|a, b| a.id.cmp(&b.id));
        let mut expected = annotations;
        expected.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(back, expected);
    }

    #[test]
    fn stored_annotations_are_compact_tuples() {
        let raw = encode_bucket("doc", HASH, bucket_of("a"), [annotation("a")].iter());
        assert!(
            raw.ends_with(r#""annotations":[["a",1,3,"Person","2026-11-22T10:00:00.000Z"]]}"#),
            "{raw}"
        );
    }

    #[test]
    fn notes_are_a_sixth_element_when_present() {
        let noted = Annotation {
            note: Some("check “source” 😀".into()),
            ..annotation("a")
        };
        let raw = encode_bucket("doc", HASH, bucket_of("a"), [noted.clone()].iter());
        assert!(
            raw.contains(r#"["a",1,3,"Person","2026-11-22T10:00:00.000Z","check “source” 😀"]"#),
            "{raw}"
        );
        let back = decode_bucket(&raw, "doc", HASH, bucket_of("a")).unwrap();
        assert_eq!(back.value[0].clone().into_annotation("doc", "😀é"), noted);
        let seven = format!(
            r#"{{"version":1,"document_id":"doc","bucket":{},"text_hash":"{HASH}","annotations":[["a",1,3,"P","t","n","extra"]]}}"#,
            bucket_of("a")
        );
        let problems = decode_bucket(&seven, "doc", HASH, bucket_of("a"))
            .unwrap()
            .problems;
        assert!(problems[0].contains("invalid length 7"), "{problems:?}");
    }

    #[test]
    fn labels_round_trip() {
        let labels = default_labels();
        assert_eq!(decode_labels(&encode_labels(&labels)), Ok(labels));
    }

    #[test]
    fn one_damaged_annotation_costs_only_itself() {
        let bucket = bucket_of("a");
        let elsewhere = (0..)
            .map(|i| format!("x{i}"))
            .find(|id| bucket_of(id) != bucket)
            .unwrap();
        let raw = format!(
            r#"{{"version":1,"document_id":"doc","bucket":{bucket},"text_hash":"{HASH}","annotations":[
            ["a",1,3,"Person","t"], ["b","1",3,"Person","t"], ["c",1,"Person","t"], 7,
            ["{elsewhere}",1,3,"Person","t"]]}}"#
        );
        let back = decode_bucket(&raw, "doc", HASH, bucket).unwrap();
        assert_eq!(
            back.value,
            [StoredSpan {
                id: "a".into(),
                start: 1,
                end: 3,
                label: "Person".into(),
                created: "t".into(),
                note: None
            }]
        );
        let problems = &back.problems;
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems[0].starts_with("annotations[1]: invalid type"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("annotations[2]: invalid"),
            "{problems:?}"
        );
        assert!(problems[2].starts_with("annotations[3]"), "{problems:?}");
        assert!(problems[3].contains("belongs in bucket"), "{problems:?}");
    }

    #[test]
    fn unreadable_buckets_say_why() {
        let ok = format!(r#""document_id":"doc","bucket":3,"text_hash":"{HASH}""#);
        let cases = [
            ("{not json".to_string(), "not valid JSON"),
            ("[1,2]".to_string(), "not a JSON object"),
            (format!(r#"{{{ok},"annotations":[]}}"#), "no version"),
            (format!(r#"{{"version":2,{ok},"annotations":[]}}"#), "schema version 2"),
            (format!(r#"{{"version":"1",{ok},"annotations":[]}}"#), "schema version \"1\""),
            (
                format!(r#"{{"version":1,"document_id":"other","bucket":3,"text_hash":"{HASH}","annotations":[]}}"#),
                "for document “other”",
            ),
            (
                format!(r#"{{"version":1,"bucket":3,"text_hash":"{HASH}","annotations":[]}}"#),
                "document_id is missing",
            ),
            (
                format!(r#"{{"version":1,"document_id":"doc","bucket":4,"text_hash":"{HASH}","annotations":[]}}"#),
                "bucket is missing or not 3",
            ),
            (
                r#"{"version":1,"document_id":"doc","bucket":3,"text_hash":"ffffffffffffffff","annotations":[]}"#.to_string(),
                "another version of the document's text",
            ),
            (
                r#"{"version":1,"document_id":"doc","bucket":3,"annotations":[]}"#.to_string(),
                "text_hash is missing",
            ),
            (format!(r#"{{"version":1,{ok},"annotations":{{}}}}"#), "annotations is missing or not a list"),
        ];
        for (raw, reason) in cases {
            let error = decode_bucket(&raw, "doc", HASH, 3).unwrap_err().to_string();
            assert!(error.contains(reason), "{raw}: {error}");
        }
    }

    #[test]
    fn documents_and_texts_decode_and_check_their_ids() {
        let entries = vec![
            DocumentEntry {
                id: "001".into(),
                file_name: "001.txt".into(),
                title: "Talks".into(),
                seed: true,
            },
            DocumentEntry {
                id: "mine".into(),
                file_name: "mine.txt".into(),
                title: "Mine".into(),
                seed: false,
            },
        ];
        let list = encode_documents(&entries);
        assert_eq!(
            list,
            r#"{"version":1,"documents":[{"id":"001","file_name":"001.txt","title":"Talks","seed":true},{"id":"mine","file_name":"mine.txt","title":"Mine"}]}"#
        );
        assert_eq!(decode_documents(&list).unwrap(), entries);
        let text = encode_text("mine", "a\r\nb 😀");
        assert_eq!(decode_text(&text, "mine").unwrap(), "a\r\nb 😀");
        assert!(decode_text(&text, "other")
            .unwrap_err()
            .to_string()
            .contains("text of “mine”"));
        assert!(decode_documents(r#"{"version":1,"documents":[{"id":"x"}]}"#).is_err());
        assert!(decode_text(r#"{"version":1,"document_id":"mine"}"#, "mine").is_err());
    }

    #[test]
    fn label_sets_must_be_whole_unique_and_safe_to_style() {
        let twice = r##"{"version":1,"labels":[{"name":"A","color":"#ffffff","hotkey":"1"},{"name":"A","color":"#000000","hotkey":null}]}"##;
        assert!(decode_labels(twice)
            .unwrap_err()
            .to_string()
            .contains("“A” is used twice"));
        assert!(decode_labels(r#"{"version":1,"labels":[]}"#)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(decode_labels(r#"{"version":1,"labels":[{"name":"A"}]}"#)
            .unwrap_err()
            .to_string()
            .contains("color"));
        let css = r##"{"version":1,"labels":[{"name":"A","color":"red; background: url(x)","hotkey":"1"}]}"##;
        assert!(decode_labels(css)
            .unwrap_err()
            .to_string()
            .contains("#rrggbb"));
    }
}
