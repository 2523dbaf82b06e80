//! The localStorage schema of version 2, read once to move its data to the
//! current schema (see [`super`]); nothing writes it any more, but for a
//! version-3 marker under its `meta` key that tells a tab still running
//! version 2 to stop writing.
//!
//! Its keys are the current schema's under `span-annotator/v2/`, all
//! JSON: labels, documents, relation types and relations as version 3
//! stores them (with `"version": 2`), and
//!
//! | key                                       | value |
//! |-------------------------------------------|-------|
//! | `span-annotator/v2/text/<document id>`    | `{"version": 2, "document_id": "…", "text": "…", "commit"?: "…"}` |
//! | `span-annotator/v2/doc/<document id>/<b>` | `{"version": 2, "document_id", "bucket", "text_hash", "annotations": [[id, start, end, label, created, rev, note?, entity?]…], "deleted": [[id, rev, day]…]}`, over 64 buckets |
//! | `span-annotator/v2/commit/<id>`           | a [`super::Commit`] whose `buckets` hold `{"text_hash", "spans": [annotation…], "deleted"}` |
//!
//! Decoding keeps every entry it can read and lists the ones it could not.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use super::{
    typed, versioned, Commit, CommitBuckets, DocumentEntry, Key, Merged, Salvaged, StoredError,
    StoredLabel, StoredRelation, StoredRelationType, StoredSpan, StoredText, Tombstone,
};
use crate::model::entity_name;

pub const VERSION: u64 = 2;
pub const PREFIX: &str = "span-annotator/v2/";
/// How many buckets version 2 spread a document's annotations over.
pub const BUCKETS: u32 = 64;

/// Which key of version 2 `key` is.
pub fn parse_key(key: &str) -> Option<Key> {
    Key::parse_in(key, PREFIX, BUCKETS)
}

/// `key`'s name in version 2.
pub fn key_name(key: &Key) -> String {
    format!(
        "{PREFIX}{}",
        key.name().strip_prefix(super::PREFIX).unwrap_or_default()
    )
}

pub fn meta_key() -> String {
    format!("{PREFIX}meta")
}

/// The bucket version 2 kept an annotation in.
pub fn bucket_of(annotation_id: &str) -> u32 {
    super::id_hash(annotation_id) % BUCKETS
}

pub fn decode_labels(raw: &str) -> Result<Salvaged<Merged<StoredLabel>>, StoredError> {
    super::decode_list(raw, "labels", VERSION)
}

pub fn decode_documents(raw: &str) -> Result<Salvaged<Merged<DocumentEntry>>, StoredError> {
    super::decode_list(raw, "documents", VERSION)
}

pub fn decode_relation_types(
    raw: &str,
) -> Result<Salvaged<Merged<StoredRelationType>>, StoredError> {
    super::decode_list(raw, "relation_types", VERSION)
}

pub fn decode_relations(
    raw: &str,
    document_id: &str,
) -> Result<Salvaged<Merged<StoredRelation>>, StoredError> {
    super::relations_of(raw, document_id, VERSION)
}

#[derive(Deserialize)]
struct TextRecord {
    document_id: String,
    text: String,
    #[serde(default)]
    commit: Option<String>,
}

pub fn decode_text(raw: &str, document_id: &str) -> Result<StoredText, StoredError> {
    let record: TextRecord = typed(versioned(raw, VERSION)?)?;
    if record.document_id != document_id {
        return Err(StoredError::Shape(format!(
            "it is the text of “{}”, not “{document_id}”",
            record.document_id
        )));
    }
    Ok(StoredText {
        text: record.text,
        commit: record.commit,
    })
}

/// Reads the annotations stored in version 2's `bucket` of `document_id`,
/// whose text must hash to `text_hash`, keeping each one that has the
/// right shape, belongs in this bucket and has an id not listed before it.
pub fn decode_bucket(
    raw: &str,
    document_id: &str,
    text_hash: &str,
    bucket: u32,
) -> Result<Salvaged<Merged<StoredSpan>>, StoredError> {
    let value = versioned(raw, VERSION)?;
    check_bucket_head(&value, document_id, text_hash, bucket)?;
    let Some(items) = value.get("annotations").and_then(Value::as_array) else {
        return Err(StoredError::Shape(
            "annotations is missing or not a list".into(),
        ));
    };
    let mut problems = Vec::new();
    let mut spans = Vec::with_capacity(items.len());
    for (at, item) in items.iter().enumerate() {
        match Span::deserialize(item) {
            Ok(Span(span)) => spans.push(span),
            Err(e) => problems.push(format!("annotations[{at}]: {e}")),
        }
    }
    let deleted = super::tombstones(&value, &mut problems);
    let mut salvaged = super::sorted_into_bucket(spans, deleted, bucket, bucket_of);
    problems.append(&mut salvaged.problems);
    salvaged.problems = problems;
    Ok(salvaged)
}

/// Checks that a JSON bucket record (of version 1 or 2) is the one
/// expected under its key.
pub(super) fn check_bucket_head(
    value: &Value,
    document_id: &str,
    text_hash: &str,
    bucket: u32,
) -> Result<(), StoredError> {
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
        Some(hash) if hash == text_hash => Ok(()),
        Some(_) => shape("it was saved for another version of the document's text".into()),
        None => shape("text_hash is missing or not a string".into()),
    }
}

#[derive(Deserialize)]
struct CommitBucketsRecord {
    text_hash: String,
    spans: Vec<Span>,
    deleted: Vec<Tombstone>,
}

/// Reads a commit record version 2 left: a change a tab did not finish
/// writing, to be merged in as the current version's are.
pub fn decode_commit(raw: &str) -> Result<Commit, StoredError> {
    let mut value = versioned(raw, VERSION)?;
    let buckets = value
        .as_object_mut()
        .and_then(|record| record.remove("buckets"))
        .unwrap_or_else(|| Value::Object(Default::default()));
    let buckets: BTreeMap<String, CommitBucketsRecord> = typed(buckets)?;
    let mut commit: Commit = typed(value)?;
    commit.buckets = buckets
        .into_iter()
        .map(|(id, record)| {
            let buckets = CommitBuckets {
                text_hash: record.text_hash,
                spans: record.spans.into_iter().map(|Span(s)| s).collect(),
                deleted: record.deleted,
            };
            (id, buckets)
        })
        .collect();
    Ok(commit)
}

/// An annotation as version 2 stored it: `[id, start, end, label, created,
/// rev]`, its note as a seventh element when it had one, and its entity as
/// an eighth when it named one (the note then `null` if there was none).
/// Data written before entities existed has no eighth element.
struct Span(StoredSpan);

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Span;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("[id, start, end, label, created, rev, note?, entity?]")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Span, A::Error> {
                use serde::de::Error;
                let missing = |at: usize| A::Error::invalid_length(at, &self);
                let span = StoredSpan {
                    id: seq.next_element()?.ok_or_else(|| missing(0))?,
                    start: seq.next_element()?.ok_or_else(|| missing(1))?,
                    end: seq.next_element()?.ok_or_else(|| missing(2))?,
                    label: seq.next_element()?.ok_or_else(|| missing(3))?,
                    created: seq.next_element()?.ok_or_else(|| missing(4))?,
                    rev: seq.next_element()?.ok_or_else(|| missing(5))?,
                    note: seq.next_element::<Option<String>>()?.flatten(),
                    entity: seq
                        .next_element::<Option<String>>()?
                        .flatten()
                        .as_deref()
                        .and_then(entity_name),
                };
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(9, &self));
                }
                Ok(Span(span))
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::span;
    use super::*;

    const HASH: &str = "0123456789abcdef";

    fn read(json: &str) -> Result<StoredSpan, serde_json::Error> {
        serde_json::from_str::<Span>(json).map(|Span(s)| s)
    }

    #[test]
    fn a_span_is_read_with_its_note_and_its_entity_as_an_eighth_element() {
        let cases = [
            (span(None, None), r#"["a",1,3,"Person","t",2]"#),
            (
                span(Some("n 😀"), None),
                r#"["a",1,3,"Person","t",2,"n 😀"]"#,
            ),
            (
                span(None, Some("阿斯塔纳")),
                r#"["a",1,3,"Person","t",2,null,"阿斯塔纳"]"#,
            ),
            (
                span(Some("n"), Some("שלום")),
                r#"["a",1,3,"Person","t",2,"n","שלום"]"#,
            ),
        ];
        for (stored, json) in cases {
            assert_eq!(read(json).unwrap(), stored);
        }
    }

    #[test]
    fn a_stored_entity_is_read_as_the_app_keeps_names() {
        let read_entity = |json| read(json).unwrap().entity;
        assert_eq!(
            read_entity(r#"["a",1,3,"Person","t",2,null,"  Astana \t City "]"#).as_deref(),
            Some("Astana City")
        );
        assert_eq!(read_entity(r#"["a",1,3,"Person","t",2,null,"  "]"#), None);
        assert!(read(r#"["a",1,3,"Person","t",2,null,7]"#).is_err());
        assert!(read(r#"["a",1,3,"Person","t",2,null,"x","y"]"#).is_err());
    }

    #[test]
    fn buckets_keep_each_readable_annotation_and_their_tombstones() {
        let bucket = bucket_of("a");
        let elsewhere = (0..)
            .map(|i| format!("x{i}"))
            .find(|id| bucket_of(id) != bucket)
            .unwrap();
        let raw = format!(
            r#"{{"version":2,"document_id":"doc","bucket":{bucket},"text_hash":"{HASH}","annotations":[
            ["a",1,3,"Person","t",1], ["b","1",3,"Person","t",1], ["{elsewhere}",1,3,"Person","t",1], ["a",2,3,"Person","t",1]],
            "deleted":[["gone",2,20000], 7]}}"#
        );
        let back = decode_bucket(&raw, "doc", HASH, bucket).unwrap();
        assert_eq!(back.value.entries.len(), 1, "{back:?}");
        assert_eq!(back.value.deleted, [Tombstone("gone".into(), 2, 20000)]);
        assert_eq!(back.problems.len(), 4, "{:?}", back.problems);
        let other = decode_bucket(&raw, "doc", "ffffffffffffffff", bucket).unwrap_err();
        assert!(other.to_string().contains("another version"), "{other}");
    }

    #[test]
    fn keys_are_those_version_2_wrote() {
        assert_eq!(
            parse_key("span-annotator/v2/doc/x/63"),
            Some(Key::Bucket("x".into(), 63))
        );
        assert_eq!(
            key_name(&Key::Bucket("x".into(), 63)),
            "span-annotator/v2/doc/x/63"
        );
        assert_eq!(parse_key("span-annotator/v3/labels"), None);
    }
}
