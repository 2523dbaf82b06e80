//! The localStorage schema, version 1.
//!
//! | key                                       | value                                                                 |
//! |-------------------------------------------|-----------------------------------------------------------------------|
//! | `span-annotator/v1/labels`                | `{"version": 1, "labels": [Label…]}`                                  |
//! | `span-annotator/v1/doc/<document id>/<b>` | `{"version": 1, "document_id": "…", "bucket": b, "annotations": […]}` |
//!
//! A document's annotations are spread over [`BUCKETS`] keys by a hash of
//! their id, so an edit rewrites one bucket, about a 64th of one document's
//! annotations, however many there are. Annotations have the export's shape.
//!
//! Decoding a bucket keeps every annotation it can read and lists the ones
//! it could not, so one damaged entry costs that entry only; the caller keeps
//! the original text under a backup key before anything is written again.

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

pub fn bucket_key(document_id: &str, bucket: u32) -> String {
    format!("{PREFIX}doc/{document_id}/{bucket}")
}

/// The bucket an annotation is stored in: its id's 32-bit FNV-1a hash
/// modulo [`BUCKETS`]. Stored data depends on it, so it never changes.
pub fn bucket_of(annotation_id: &str) -> u32 {
    let hash = annotation_id.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash % BUCKETS
}

/// Where the original of an unreadable `key` is kept, `stamp` making each
/// backup distinct.
pub fn backup_key(key: &str, stamp: &str) -> String {
    format!("span-annotator/backup/{stamp}/{key}")
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

#[derive(Serialize, Deserialize)]
struct LabelsRecord<L> {
    version: u64,
    labels: L,
}

#[derive(Serialize)]
struct BucketRecord<'a> {
    version: u64,
    document_id: &'a str,
    bucket: u32,
    annotations: Vec<&'a Annotation>,
}

pub fn encode_labels(labels: &[Label]) -> String {
    let record = LabelsRecord {
        version: VERSION,
        labels,
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

/// Encodes those of `annotations` that belong in `bucket` of `document_id`.
pub fn encode_bucket<'a>(
    document_id: &str,
    bucket: u32,
    annotations: impl Iterator<Item = &'a Annotation>,
) -> String {
    let record = BucketRecord {
        version: VERSION,
        document_id,
        bucket,
        annotations: annotations.filter(|a| bucket_of(&a.id) == bucket).collect(),
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

/// Reads the label set. A label set is all or nothing: labels give the
/// annotations their meaning, so a partial one would be worse than none.
pub fn decode_labels(raw: &str) -> Result<Vec<Label>, StoredError> {
    let value = versioned(raw)?;
    let record: LabelsRecord<Vec<Label>> =
        serde_json::from_value(value).map_err(|e| StoredError::Shape(e.to_string()))?;
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
    }
    Ok(record.labels)
}

/// Reads the annotations stored in `bucket` of `document_id`, keeping each
/// one that has the right shape and belongs there. Whether they fit the
/// text is the workspace's check.
pub fn decode_bucket(
    raw: &str,
    document_id: &str,
    bucket: u32,
) -> Result<Salvaged<Vec<Annotation>>, StoredError> {
    let value = versioned(raw)?;
    let shape = |why: String| Err(StoredError::Shape(why));
    match value.get("document_id").and_then(Value::as_str) {
        Some(id) if id == document_id => {}
        Some(id) => return shape(format!("it is for document “{id}”, not “{document_id}”")),
        None => return shape("document_id is missing or not a string".into()),
    }
    if value.get("bucket").and_then(Value::as_u64) != Some(u64::from(bucket)) {
        return shape(format!("bucket is missing or not {bucket}"));
    }
    let Some(entries) = value.get("annotations").and_then(Value::as_array) else {
        return shape("annotations is missing or not a list".into());
    };
    let mut salvaged = Salvaged {
        value: Vec::with_capacity(entries.len()),
        problems: Vec::new(),
    };
    for (at, entry) in entries.iter().enumerate() {
        match Annotation::deserialize(entry) {
            Ok(annotation) if bucket_of(&annotation.id) != bucket => {
                salvaged.problems.push(format!(
                    "annotations[{at}]: id “{}” belongs in bucket {}, not {bucket}",
                    annotation.id,
                    bucket_of(&annotation.id)
                ))
            }
            Ok(annotation) => salvaged.value.push(annotation),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_labels;

    fn annotation(id: &str) -> Annotation {
        Annotation {
            id: id.into(),
            document_id: "doc".into(),
            start: 1,
            end: 3,
            quote: "😀é".into(),
            label: "Person".into(),
            created: "2026-11-22T10:00:00.000Z".into(),
        }
    }

    #[test]
    fn keys_are_versioned() {
        assert_eq!(labels_key(), "span-annotator/v1/labels");
        assert_eq!(bucket_key("001", 7), "span-annotator/v1/doc/001/7");
        assert_eq!(
            backup_key("span-annotator/v1/labels", "t1"),
            "span-annotator/backup/t1/span-annotator/v1/labels"
        );
    }

    #[test]
    fn buckets_are_a_fixed_hash_of_the_id() {
        // FNV-1a of "a" is 0xe40c292c and of "" the offset basis: stored
        // data depends on these values, so they must never change.
        assert_eq!(bucket_of("a"), 0xe40c_292c % BUCKETS);
        assert_eq!(bucket_of(""), 0x811c_9dc5 % BUCKETS);
        let mut sizes = [0usize; BUCKETS as usize];
        for i in 0..6400u32 {
            sizes[bucket_of(&format!("{:032x}", i.wrapping_mul(2_654_435_761))) as usize] += 1;
        }
        assert!(
            sizes.iter().all(|&n| (50..=150).contains(&n)),
            "uneven spread: {sizes:?}"
        );
    }

    #[test]
    fn buckets_round_trip_and_hold_only_their_own_annotations() {
        let mut annotations: Vec<Annotation> =
            (0..200).map(|i| annotation(&format!("id{i}"))).collect();
        let mut back = Vec::new();
        for bucket in 0..BUCKETS {
            let raw = encode_bucket("doc", bucket, annotations.iter());
            let head =
                format!(r#"{{"version":1,"document_id":"doc","bucket":{bucket},"annotations":["#);
            assert!(raw.starts_with(&head), "{raw}");
            let salvaged = decode_bucket(&raw, "doc", bucket).unwrap();
            assert!(salvaged.problems.is_empty());
            assert!(salvaged.value.iter().all(|a| bucket_of(&a.id) == bucket));
            back.extend(salvaged.value);
        }
        back.sort_by(|a, b| a.id.cmp(&b.id));
        annotations.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(back, annotations);
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
            r#"{{"version":1,"document_id":"doc","bucket":{bucket},"annotations":[
            {{"id":"a","document_id":"doc","start":1,"end":3,"quote":"😀é","label":"Person","created":"t"}},
            {{"id":"b","document_id":"doc","start":"1","end":3,"quote":"x","label":"Person","created":"t"}},
            {{"id":"c","document_id":"doc","start":1,"quote":"x","label":"Person","created":"t"}},
            7,
            {{"id":"{elsewhere}","document_id":"doc","start":1,"end":3,"quote":"😀é","label":"Person","created":"t"}}]}}"#
        );
        let back = decode_bucket(&raw, "doc", bucket).unwrap();
        assert_eq!(back.value.len(), 1);
        let problems = &back.problems;
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems[0].starts_with("annotations[1]: invalid type"),
            "{problems:?}"
        );
        assert!(problems[1].contains("missing field `end`"), "{problems:?}");
        assert!(problems[2].starts_with("annotations[3]"), "{problems:?}");
        assert!(problems[3].contains("belongs in bucket"), "{problems:?}");
    }

    #[test]
    fn unreadable_records_say_why() {
        let cases = [
            ("{not json", "not valid JSON"),
            ("[1,2]", "not a JSON object"),
            (
                r#"{"document_id":"doc","bucket":3,"annotations":[]}"#,
                "no version",
            ),
            (
                r#"{"version":2,"document_id":"doc","bucket":3,"annotations":[]}"#,
                "schema version 2",
            ),
            (
                r#"{"version":"1","document_id":"doc","bucket":3,"annotations":[]}"#,
                "schema version \"1\"",
            ),
            (
                r#"{"version":1,"document_id":"other","bucket":3,"annotations":[]}"#,
                "for document “other”",
            ),
            (
                r#"{"version":1,"bucket":3,"annotations":[]}"#,
                "document_id is missing",
            ),
            (
                r#"{"version":1,"document_id":"doc","bucket":4,"annotations":[]}"#,
                "bucket is missing or not 3",
            ),
            (
                r#"{"version":1,"document_id":"doc","bucket":3,"annotations":{}}"#,
                "annotations is missing or not a list",
            ),
        ];
        for (raw, reason) in cases {
            let error = decode_bucket(raw, "doc", 3).unwrap_err().to_string();
            assert!(error.contains(reason), "{raw}: {error}");
        }
    }

    #[test]
    fn label_sets_must_be_whole_and_unique() {
        let twice = r##"{"version":1,"labels":[{"name":"A","color":"#fff","hotkey":"1"},{"name":"A","color":"#000","hotkey":null}]}"##;
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
    }
}
