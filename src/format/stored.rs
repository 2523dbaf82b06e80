//! The localStorage schema, version 1.
//!
//! | key                                   | value                                                   |
//! |---------------------------------------|---------------------------------------------------------|
//! | `span-annotator/v1/labels`            | `{"version": 1, "labels": [Label…]}`                    |
//! | `span-annotator/v1/doc/<document id>` | `{"version": 1, "document_id": "…", "annotations": […]}` |
//!
//! Each document has a key of its own, so an edit rewrites one document's
//! annotations, not everything. Annotations have the export's shape.
//!
//! Decoding a document keeps every annotation it can read and lists the ones
//! it could not, so one damaged entry costs that entry only; the caller keeps
//! the original text under a backup key before anything is written again.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crate::model::{Annotation, Label};

pub const VERSION: u64 = 1;
const PREFIX: &str = "span-annotator/v1/";

pub fn labels_key() -> String {
    format!("{PREFIX}labels")
}

pub fn document_key(document_id: &str) -> String {
    format!("{PREFIX}doc/{document_id}")
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
struct DocumentRecord<'a, A> {
    version: u64,
    document_id: &'a str,
    annotations: A,
}

pub fn encode_labels(labels: &[Label]) -> String {
    let record = LabelsRecord {
        version: VERSION,
        labels,
    };
    serde_json::to_string(&record).expect("plain data always serialises")
}

pub fn encode_document<'a>(
    document_id: &str,
    annotations: impl Iterator<Item = &'a Annotation>,
) -> String {
    let annotations: Vec<&Annotation> = annotations.collect();
    let record = DocumentRecord {
        version: VERSION,
        document_id,
        annotations,
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

/// Reads the annotations stored for `document_id`, keeping each one that
/// has the right shape. Whether they fit the text is the workspace's check.
pub fn decode_document(
    raw: &str,
    document_id: &str,
) -> Result<Salvaged<Vec<Annotation>>, StoredError> {
    let value = versioned(raw)?;
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
    let Some(entries) = value.get("annotations").and_then(Value::as_array) else {
        return Err(StoredError::Shape(
            "annotations is missing or not a list".into(),
        ));
    };
    let mut salvaged = Salvaged {
        value: Vec::with_capacity(entries.len()),
        problems: Vec::new(),
    };
    for (at, entry) in entries.iter().enumerate() {
        match Annotation::deserialize(entry) {
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
        assert_eq!(document_key("001"), "span-annotator/v1/doc/001");
        assert_eq!(
            backup_key("span-annotator/v1/labels", "t1"),
            "span-annotator/backup/t1/span-annotator/v1/labels"
        );
    }

    #[test]
    fn documents_round_trip() {
        let annotations = [annotation("a"), annotation("b")];
        let raw = encode_document("doc", annotations.iter());
        assert!(
            raw.starts_with(r#"{"version":1,"document_id":"doc","annotations":["#),
            "{raw}"
        );
        let back = decode_document(&raw, "doc").unwrap();
        assert_eq!(back.value, annotations);
        assert!(back.problems.is_empty());
    }

    #[test]
    fn labels_round_trip() {
        let labels = default_labels();
        assert_eq!(decode_labels(&encode_labels(&labels)), Ok(labels));
    }

    #[test]
    fn one_damaged_annotation_costs_only_itself() {
        let raw = r#"{"version":1,"document_id":"doc","annotations":[
            {"id":"a","document_id":"doc","start":1,"end":3,"quote":"😀é","label":"Person","created":"t"},
            {"id":"b","document_id":"doc","start":"1","end":3,"quote":"x","label":"Person","created":"t"},
            {"id":"c","document_id":"doc","start":1,"quote":"x","label":"Person","created":"t"},
            7]}"#;
        let back = decode_document(raw, "doc").unwrap();
        assert_eq!(back.value.len(), 1);
        assert_eq!(back.problems.len(), 3);
        assert!(
            back.problems[0].starts_with("annotations[1]: invalid type"),
            "{:?}",
            back.problems
        );
        assert!(
            back.problems[1].contains("missing field `end`"),
            "{:?}",
            back.problems
        );
        assert!(
            back.problems[2].starts_with("annotations[3]"),
            "{:?}",
            back.problems
        );
    }

    #[test]
    fn unreadable_records_say_why() {
        let cases = [
            ("{not json", "not valid JSON"),
            ("[1,2]", "not a JSON object"),
            (r#"{"document_id":"doc","annotations":[]}"#, "no version"),
            (
                r#"{"version":2,"document_id":"doc","annotations":[]}"#,
                "schema version 2",
            ),
            (
                r#"{"version":"1","document_id":"doc","annotations":[]}"#,
                "schema version \"1\"",
            ),
            (
                r#"{"version":1,"document_id":"other","annotations":[]}"#,
                "for document “other”",
            ),
            (
                r#"{"version":1,"annotations":[]}"#,
                "document_id is missing",
            ),
            (
                r#"{"version":1,"document_id":"doc","annotations":{}}"#,
                "annotations is missing or not a list",
            ),
        ];
        for (raw, reason) in cases {
            let error = decode_document(raw, "doc").unwrap_err().to_string();
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
