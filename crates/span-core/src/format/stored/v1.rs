//! The localStorage schema of version 1, read once to move its data to the
//! current schema (see [`super`]); nothing writes it any more.
//!
//! | key                                       | value                                                                      |
//! |-------------------------------------------|----------------------------------------------------------------------------|
//! | `span-annotator/v1/labels`                | `{"version": 1, "labels": [{"name", "color", "hotkey"}…]}`                 |
//! | `span-annotator/v1/documents`             | `{"version": 1, "documents": [{"id", "file_name", "title", "seed"?}…]}`    |
//! | `span-annotator/v1/text/<document id>`    | `{"version": 1, "document_id": "…", "text": "…"}`                          |
//! | `span-annotator/v1/doc/<document id>/<b>` | `{"version": 1, "document_id", "bucket", "text_hash", "annotations": [[id, start, end, label, created, note?]…]}` |
//!
//! Decoding a bucket keeps every annotation it can read and lists the ones
//! it could not.

use serde::Deserialize;
use serde_json::Value;

use super::v2::bucket_of;
use super::{Key, Salvaged, StoredError};
use crate::model::Label;

pub const VERSION: u64 = 1;
pub const PREFIX: &str = "span-annotator/v1/";

/// Which key of version 1 `key` is.
pub fn parse_key(key: &str) -> Option<Key> {
    Key::parse_in(key, PREFIX, super::v2::BUCKETS)
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

/// An annotation as version 1 stored it: `[id, start, end, label, created]`
/// and its note as a sixth element when it had one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub created: String,
    pub note: Option<String>,
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        type Tuple = (String, usize, usize, String, String);
        type Noted = (String, usize, usize, String, String, Option<String>);
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Plain(Tuple),
            Noted(Noted),
        }
        let (id, start, end, label, created, note) = match Either::deserialize(deserializer)? {
            Either::Plain((id, start, end, label, created)) => {
                (id, start, end, label, created, None)
            }
            Either::Noted(noted) => noted,
        };
        Ok(Span {
            id,
            start,
            end,
            label,
            created,
            note,
        })
    }
}

/// A document as version 1 listed it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct DocumentEntry {
    pub id: String,
    pub file_name: String,
    pub title: String,
    #[serde(default)]
    pub seed: bool,
}

#[derive(Deserialize)]
struct LabelsRecord {
    labels: Vec<Label>,
}

#[derive(Deserialize)]
struct DocumentsRecord {
    documents: Vec<DocumentEntry>,
}

#[derive(Deserialize)]
struct TextRecord {
    document_id: String,
    text: String,
}

pub fn decode_labels(raw: &str) -> Result<Vec<Label>, StoredError> {
    let record: LabelsRecord = typed(versioned(raw)?)?;
    Ok(record.labels)
}

pub fn decode_documents(raw: &str) -> Result<Vec<DocumentEntry>, StoredError> {
    let record: DocumentsRecord = typed(versioned(raw)?)?;
    Ok(record.documents)
}

pub fn decode_text(raw: &str, document_id: &str) -> Result<String, StoredError> {
    let record: TextRecord = typed(versioned(raw)?)?;
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
/// belongs in this bucket.
pub fn decode_bucket(
    raw: &str,
    document_id: &str,
    text_hash: &str,
    bucket: u32,
) -> Result<Salvaged<Vec<Span>>, StoredError> {
    let value = versioned(raw)?;
    super::v2::check_bucket_head(&value, document_id, text_hash, bucket)?;
    let Some(entries) = value.get("annotations").and_then(Value::as_array) else {
        return Err(StoredError::Shape(
            "annotations is missing or not a list".into(),
        ));
    };
    let mut salvaged: Salvaged<Vec<Span>> = Salvaged::default();
    for (at, entry) in entries.iter().enumerate() {
        match Span::deserialize(entry) {
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

fn versioned(raw: &str) -> Result<Value, StoredError> {
    super::versioned(raw, VERSION)
}

fn typed<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, StoredError> {
    serde_json::from_value(value).map_err(|e| StoredError::Shape(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789abcdef";

    #[test]
    fn keys_are_those_version_1_wrote() {
        assert_eq!(labels_key(), "span-annotator/v1/labels");
        assert_eq!(documents_key(), "span-annotator/v1/documents");
        assert_eq!(text_key("mine"), "span-annotator/v1/text/mine");
        assert_eq!(bucket_key("001", 7), "span-annotator/v1/doc/001/7");
    }

    #[test]
    fn buckets_keep_each_readable_annotation_with_its_note() {
        let bucket = bucket_of("a");
        let elsewhere = (0..)
            .map(|i| format!("x{i}"))
            .find(|id| bucket_of(id) != bucket)
            .unwrap();
        let noted = (0..)
            .map(|i| format!("n{i}"))
            .find(|id| bucket_of(id) == bucket)
            .unwrap();
        let raw = format!(
            r#"{{"version":1,"document_id":"doc","bucket":{bucket},"text_hash":"{HASH}","annotations":[
            ["a",1,3,"Person","t"], ["{noted}",1,3,"Person","t","check “this” 😀"], ["b","1",3,"Person","t"],
            ["c",1,"Person","t"], 7, ["{elsewhere}",1,3,"Person","t"]]}}"#
        );
        let back = decode_bucket(&raw, "doc", HASH, bucket).unwrap();
        assert_eq!(back.value.len(), 2, "{back:?}");
        assert_eq!(back.value[0].id, "a");
        assert_eq!(back.value[1].note.as_deref(), Some("check “this” 😀"));
        assert_eq!(back.problems.len(), 4, "{:?}", back.problems);
        assert!(back.problems[3].contains("belongs in bucket"));
    }

    #[test]
    fn unreadable_buckets_say_why() {
        let ok = format!(r#""document_id":"doc","bucket":3,"text_hash":"{HASH}""#);
        let cases = [
            ("{not json".to_string(), "not valid JSON"),
            (format!(r#"{{"version":2,{ok},"annotations":[]}}"#), "schema version 2"),
            (
                r#"{"version":1,"document_id":"doc","bucket":3,"text_hash":"ffffffffffffffff","annotations":[]}"#.to_string(),
                "another version of the document's text",
            ),
            (format!(r#"{{"version":1,{ok},"annotations":{{}}}}"#), "annotations is missing or not a list"),
        ];
        for (raw, reason) in cases {
            let error = decode_bucket(&raw, "doc", HASH, 3).unwrap_err().to_string();
            assert!(error.contains(reason), "{raw}: {error}");
        }
    }

    #[test]
    fn documents_labels_and_texts_decode() {
        let list = r#"{"version":1,"documents":[{"id":"001","file_name":"001.txt","title":"Talks","seed":true},{"id":"mine","file_name":"mine.txt","title":"Mine"}]}"#;
        let entries = decode_documents(list).unwrap();
        assert!(entries[0].seed && !entries[1].seed);
        let text = r#"{"version":1,"document_id":"mine","text":"a\r\nb 😀"}"#;
        assert_eq!(decode_text(text, "mine").unwrap(), "a\r\nb 😀");
        assert!(decode_text(text, "other").is_err());
        let labels = r##"{"version":1,"labels":[{"name":"A","color":"#ffffff","hotkey":"1"}]}"##;
        assert_eq!(decode_labels(labels).unwrap()[0].name, "A");
    }
}
