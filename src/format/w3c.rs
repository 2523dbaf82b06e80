//! The W3C Web Annotation export (<https://www.w3.org/TR/annotation-model/>):
//! one `AnnotationCollection` in JSON-LD.
//!
//! ```json
//! { "@context": "http://www.w3.org/ns/anno.jsonld",
//!   "id": "urn:span-annotator:collection:…", "type": "AnnotationCollection",
//!   "label": "…", "offset_unit": "codepoint", "total": 2,
//!   "documents": [{ "id": "urn:span-annotator:document:001_c07fc3de27d30260",
//!                   "file_name": "001_c07fc3de27d30260.txt", "title": "…" }],
//!   "first": { "id": "urn:span-annotator:collection:…:page:1",
//!              "type": "AnnotationPage", "startIndex": 0, "items": [
//!     { "id": "urn:uuid:0123abcd-…", "type": "Annotation", "created": "…",
//!       "body": [{ "type": "TextualBody", "purpose": "tagging", "value": "Location" },
//!                { "type": "TextualBody", "purpose": "commenting", "value": "a note" }],
//!       "target": { "source": "urn:span-annotator:document:001_c07fc3de27d30260",
//!                   "selector": [
//!         { "type": "TextQuoteSelector", "exact": "“de-facto”",
//!           "prefix": "…32 code points…", "suffix": "…" },
//!         { "type": "TextPositionSelector", "start": 941, "end": 951 }] } }] } }
//! ```
//!
//! - **Offsets** count Unicode code points, as the model's `TextPositionSelector`
//!   does ("characters" in its sense are code points) and as Python's `str`
//!   does: `text[start:end] == exact`. The file says so in `offset_unit`.
//! - **Paging**: the annotations are embedded in the collection's `first`
//!   page, as in the model's own example of a collection with an embedded
//!   page (§5.1): a reader of the model finds them where the model puts
//!   them, and a reader that only wants the annotations takes
//!   `first.items`. A collection with no annotations has no `first`, as the
//!   model says. There is one page; `total` counts its items.
//! - **Ids** are IRIs: an annotation id of 32 hex digits (every id the app
//!   makes) becomes `urn:uuid:` in the 8-4-4-4-12 layout, any other becomes
//!   `urn:span-annotator:annotation:` and the id percent-encoded; a document
//!   is `urn:span-annotator:document:` and its id percent-encoded. Both map
//!   back with [`annotation_id`] and [`document_id`], so a re-import
//!   recognises what it exported. The collection's id is a hash (FNV-1a) of
//!   the exported documents' ids, the same each time they are exported.
//! - **Documents**: `target.source` is the document's IRI, a plain string
//!   as Recogito and Hypothesis write it; the collection's `documents` lists
//!   each exported document's IRI with its file name and title, so an
//!   importer can find the document again by id or by file name.
//!   `offset_unit` and `documents` are this app's additions: plain JSON
//!   readers see them, and JSON-LD processors drop them, as terms outside
//!   the context.
//! - **Prefix and suffix** are up to [`CONTEXT_CHARS`] code points, cut at
//!   the text's ends.
//!
//! It is not responsible for reading annotations back in.

use serde::Serialize;

use crate::format::stored::text_hash;
use crate::model::{text::CharIndex, Annotation, Document, SpanIndex, Workspace};

pub const FILE_NAME: &str = "annotations.jsonld";
/// The media type the model registers for its JSON-LD serialisation.
pub const MEDIA_TYPE: &str = "application/ld+json;profile=\"http://www.w3.org/ns/anno.jsonld\"";
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Offsets count Unicode code points, as Python's `str` does.
pub const OFFSET_UNIT: &str = "codepoint";
/// How many code points of context the quote selector keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

const UUID_PREFIX: &str = "urn:uuid:";
const ANNOTATION_PREFIX: &str = "urn:span-annotator:annotation:";
const DOCUMENT_PREFIX: &str = "urn:span-annotator:document:";
const COLLECTION_PREFIX: &str = "urn:span-annotator:collection:";

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    label: String,
    offset_unit: &'static str,
    total: usize,
    documents: Vec<Source<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<Page<'a>>,
}

#[derive(Serialize)]
struct Source<'a> {
    id: String,
    file_name: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: Vec<WebAnnotation<'a>>,
}

#[derive(Serialize)]
struct WebAnnotation<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "str::is_empty")]
    created: &'a str,
    body: Vec<Body<'a>>,
    target: Target<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    purpose: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
struct Target<'a> {
    source: String,
    selector: [Selector<'a>; 2],
}

#[derive(Serialize)]
#[serde(tag = "type")]
enum Selector<'a> {
    TextQuoteSelector {
        exact: &'a str,
        prefix: &'a str,
        suffix: &'a str,
    },
    TextPositionSelector {
        start: usize,
        end: usize,
    },
}

/// The collection of every annotation of the documents at `documents`
/// (positions in `workspace`; positions past the end are skipped), as
/// pretty-printed JSON-LD ending in a newline.
pub fn export(workspace: &Workspace, documents: &[usize]) -> String {
    let exported: Vec<(usize, &Document)> = documents
        .iter()
        .filter_map(|&doc| workspace.document(doc).map(|d| (doc, d)))
        .collect();
    let ids: Vec<&str> = exported.iter().map(|(_, d)| d.id.as_str()).collect();
    let id = format!("{COLLECTION_PREFIX}{}", text_hash(&ids.join("\n")));

    let mut items = Vec::new();
    for &(doc, document) in &exported {
        let chars = CharIndex::new(&document.text);
        let source = document_iri(&document.id);
        for annotation in workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter)
        {
            items.push(web_annotation(annotation, &document.text, &chars, &source));
        }
    }

    let collection = Collection {
        context: CONTEXT,
        label: match exported.as_slice() {
            [(_, only)] => format!("Span annotations of “{}”", only.title),
            all => format!("Span annotations of {} documents", all.len()),
        },
        offset_unit: OFFSET_UNIT,
        total: items.len(),
        documents: exported
            .iter()
            .map(|(_, d)| Source {
                id: document_iri(&d.id),
                file_name: &d.file_name,
                title: &d.title,
            })
            .collect(),
        first: (!items.is_empty()).then(|| Page {
            id: format!("{id}:page:1"),
            kind: "AnnotationPage",
            start_index: 0,
            items,
        }),
        id,
        kind: "AnnotationCollection",
    };
    let mut json = serde_json::to_string_pretty(&collection).expect("plain data always serialises");
    json.push('\n');
    json
}

fn web_annotation<'a>(
    annotation: &'a Annotation,
    text: &'a str,
    chars: &CharIndex,
    source: &str,
) -> WebAnnotation<'a> {
    let (start, end) = (annotation.start, annotation.end);
    let before = start.saturating_sub(CONTEXT_CHARS);
    let after = (end + CONTEXT_CHARS).min(chars.len());
    let mut body = vec![Body {
        kind: "TextualBody",
        purpose: "tagging",
        value: &annotation.label,
    }];
    if let Some(note) = &annotation.note {
        body.push(Body {
            kind: "TextualBody",
            purpose: "commenting",
            value: note,
        });
    }
    WebAnnotation {
        id: annotation_iri(&annotation.id),
        kind: "Annotation",
        created: &annotation.created,
        body,
        target: Target {
            source: source.to_string(),
            selector: [
                Selector::TextQuoteSelector {
                    exact: &annotation.quote,
                    prefix: chars.slice(text, before, start).unwrap_or_default(),
                    suffix: chars.slice(text, end, after).unwrap_or_default(),
                },
                Selector::TextPositionSelector { start, end },
            ],
        },
    }
}

/// The IRI of the annotation with this id.
pub fn annotation_iri(id: &str) -> String {
    if is_uuid_hex(id) {
        format!(
            "{UUID_PREFIX}{}-{}-{}-{}-{}",
            &id[..8],
            &id[8..12],
            &id[12..16],
            &id[16..20],
            &id[20..]
        )
    } else {
        format!("{ANNOTATION_PREFIX}{}", percent_encode(id))
    }
}

/// The id of the annotation [`annotation_iri`] made `iri` from.
pub fn annotation_id(iri: &str) -> Option<String> {
    if let Some(uuid) = iri.strip_prefix(UUID_PREFIX) {
        let hex: String = uuid.chars().filter(|&c| c != '-').collect();
        return is_uuid_hex(&hex).then_some(hex);
    }
    percent_decode(iri.strip_prefix(ANNOTATION_PREFIX)?)
}

/// Whether `id` is 32 lower-case hex digits, the ids the app makes, which
/// `urn:uuid:` can carry.
fn is_uuid_hex(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The IRI of the document with this id.
pub fn document_iri(id: &str) -> String {
    format!("{DOCUMENT_PREFIX}{}", percent_encode(id))
}

/// The id of the document [`document_iri`] made `iri` from.
pub fn document_id(iri: &str) -> Option<String> {
    percent_decode(iri.strip_prefix(DOCUMENT_PREFIX)?)
}

/// `id` with every byte of its UTF-8 other than RFC 3986's unreserved
/// characters written `%XX`, so that any id makes a valid URN (and IRI).
fn percent_encode(id: &str) -> String {
    let mut encoded = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// The inverse of [`percent_encode`], or `None` if `encoded` is not
/// well-formed or does not decode to UTF-8.
fn percent_decode(encoded: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::text;

    fn exported(documents: &[usize]) -> Value {
        let ws = samples::workspace();
        serde_json::from_str(&export(&ws, documents)).expect("valid JSON")
    }

    fn items(collection: &Value) -> &Vec<Value> {
        collection["first"]["items"].as_array().expect("items")
    }

    #[test]
    fn a_collection_of_every_annotation_with_its_unit() {
        let ws = samples::workspace();
        let collection = exported(&samples::all(&ws));
        assert_eq!(collection["@context"], CONTEXT);
        assert_eq!(collection["type"], "AnnotationCollection");
        assert_eq!(collection["offset_unit"], "codepoint");
        assert_eq!(collection["first"]["type"], "AnnotationPage");
        assert_eq!(collection["first"]["startIndex"], 0);
        assert_eq!(
            collection["total"].as_u64(),
            Some(ws.all_annotations().count() as u64)
        );
        assert_eq!(items(&collection).len(), ws.all_annotations().count());
        assert!(collection["id"]
            .as_str()
            .unwrap()
            .starts_with(COLLECTION_PREFIX));
        assert_eq!(collection["documents"].as_array().unwrap().len(), 4);
        assert_eq!(
            collection["documents"][3],
            serde_json::json!({
                "id": "urn:span-annotator:document:tricky%2F1%20%C3%BC",
                "file_name": "tricky ü.txt",
                "title": "Flag 🇸🇾 and family 👩\u{200d}👩\u{200d}👧 wave 👋🏽 at cafe\u{301} today."
            })
        );
    }

    #[test]
    fn every_selector_matches_the_text_in_code_points() {
        let ws = samples::workspace();
        let collection = exported(&samples::all(&ws));
        for item in items(&collection) {
            let source = item["target"]["source"].as_str().unwrap();
            let doc = ws.position(&document_id(source).unwrap()).unwrap();
            let text = &ws.document(doc).unwrap().text;
            let [quote, position] = [0, 1].map(|i| &item["target"]["selector"][i]);
            assert_eq!(quote["type"], "TextQuoteSelector");
            assert_eq!(position["type"], "TextPositionSelector");
            let start = position["start"].as_u64().unwrap() as usize;
            let end = position["end"].as_u64().unwrap() as usize;
            let exact = quote["exact"].as_str().unwrap();
            assert_eq!(text::slice(text, start, end), Some(exact));
            let prefix = quote["prefix"].as_str().unwrap();
            let suffix = quote["suffix"].as_str().unwrap();
            assert_eq!(
                text::slice(text, start - text::char_len(prefix), start),
                Some(prefix)
            );
            assert_eq!(
                text::slice(text, end, end + text::char_len(suffix)),
                Some(suffix)
            );
            assert!(text::char_len(prefix) == CONTEXT_CHARS || start - text::char_len(prefix) == 0);
            assert!(
                text::char_len(suffix) == CONTEXT_CHARS
                    || end + text::char_len(suffix) == text::char_len(text)
            );
        }
    }

    #[test]
    fn bodies_carry_the_label_and_the_note() {
        let collection = exported(&[TRICKY]);
        let tagged = items(&collection)
            .iter()
            .find(|item| item["target"]["selector"][0]["exact"] == "He said “de-facto”")
            .unwrap();
        assert_eq!(
            tagged["body"],
            serde_json::json!([
                { "type": "TextualBody", "purpose": "tagging", "value": "Event" },
                { "type": "TextualBody", "purpose": "commenting",
                  "value": "line one\r\nline two\tand a tab\u{2028}and more" }
            ])
        );
        assert_eq!(tagged["type"], "Annotation");
        assert_eq!(tagged["created"], samples::CREATED);
        let untagged = &items(&collection)[0];
        assert_eq!(untagged["body"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn context_is_cut_at_the_texts_ends_and_counts_code_points() {
        let collection = exported(&[TRICKY]);
        let flag = &items(&collection)[0]["target"]["selector"][0];
        assert_eq!(flag["exact"], "🇸🇾");
        assert_eq!(flag["prefix"], "Flag ");
        let suffix = flag["suffix"].as_str().unwrap();
        assert_eq!(text::char_len(suffix), CONTEXT_CHARS);
        assert!(TRICKY_TEXT.starts_with(&format!("Flag 🇸🇾{suffix}")));
        let last = items(&collection).last().unwrap();
        assert_eq!(last["target"]["selector"][0]["suffix"], ", end.");
    }

    #[test]
    fn ids_are_iris_that_map_back() {
        for (id, iri) in [
            (
                "0123456789abcdef0123456789abcdef",
                "urn:uuid:01234567-89ab-cdef-0123-456789abcdef",
            ),
            (
                "legacy id #1",
                "urn:span-annotator:annotation:legacy%20id%20%231",
            ),
            (
                "0123456789ABCDEF0123456789ABCDEF",
                "urn:span-annotator:annotation:0123456789ABCDEF0123456789ABCDEF",
            ),
            ("ü/é", "urn:span-annotator:annotation:%C3%BC%2F%C3%A9"),
        ] {
            assert_eq!(annotation_iri(id), iri);
            assert_eq!(annotation_id(iri).as_deref(), Some(id));
        }
        assert_eq!(
            document_id(&document_iri("tricky/1 ü")).as_deref(),
            Some("tricky/1 ü")
        );
        for bad in [
            "urn:uuid:xyz",
            "urn:span-annotator:annotation:%C3",
            "urn:x:y",
            "%zz",
        ] {
            assert_eq!(annotation_id(bad), None, "{bad}");
        }
        let collection = exported(&[0]);
        let ids: Vec<&str> = items(&collection)
            .iter()
            .map(|item| item["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "urn:uuid:00000000-0000-0000-0000-000000000000",
                "urn:span-annotator:annotation:legacy%20id%20%231",
                "urn:uuid:00000000-0000-0000-0000-000000000002"
            ]
        );
    }

    #[test]
    fn the_current_document_alone_and_no_annotations_at_all() {
        let collection = exported(&[1]);
        assert_eq!(collection["total"], 2);
        assert_eq!(collection["documents"].as_array().unwrap().len(), 1);
        assert!(collection["label"]
            .as_str()
            .unwrap()
            .starts_with("Span annotations of “Powerbrokers Russia"));
        let empty = Workspace::new(crate::model::seed_documents(), vec![]);
        let collection: Value = serde_json::from_str(&export(&empty, &[0, 7])).unwrap();
        assert_eq!(collection["total"], 0);
        assert!(collection.get("first").is_none(), "no page without items");
        assert_eq!(collection["documents"].as_array().unwrap().len(), 1);
    }
}
