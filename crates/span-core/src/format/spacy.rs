//! spaCy / Prodigy span JSONL: one example a line, a text and its spans,
//! as Prodigy's `ner.manual` and `spans.manual` save them (`prodigy
//! db-out`) and spaCy's training scripts read them.
//!
//! ```json
//! {"text": "…", "spans": [{"start": 941, "end": 951, "label": "Location"}], "meta": {"document_id": "001_c07fc3de27d30260", "offset_unit": "codepoint"}}
//! ```
//!
//! - **Offsets** count what the unit chosen counts, and `meta.offset_unit`
//!   says which. Prodigy and spaCy count code points, as Python's `str`
//!   does (`doc.char_span(start, end)`), so that is what they read.
//! - **Export**: spans sorted by start, then end; `meta`, which Prodigy
//!   shows under each example and keeps, holds the document's id so that a
//!   re-import finds it. Token offsets are not written: Prodigy adds tokens
//!   to an example that has none. Notes are not exported: a span has no
//!   place for one. Lines escape NEL, U+2028 and U+2029 as doccano's do.
//!
//! [`parse`] reads such a file back, and what Prodigy writes:
//!
//! - **Lines**: one JSON object a line (blank lines skipped; a message
//!   names the line, `line 3: spans[2].label`), or one JSON list of them.
//! - **Text** (required) is taken exactly as written. **Spans** need
//!   `start`, `end` and `label`; a span's `text`, which Prodigy writes for
//!   spans a pattern or model suggested, is its quote. `tokens`,
//!   `token_start`, `token_end` and Prodigy's hashes are not read.
//! - **Answers**: an example answered `reject` or `ignore` in Prodigy is
//!   left out, with its text, and counted in the preview.
//! - **Documents**: `meta.document_id`, if given, finds the document here by
//!   id; without one, a document with the identical text. One not found is
//!   added.

use serde::Serialize;
use serde_json::Value;

use super::json::{json, jsonl_line, line_json, placed, Fields};
use super::{ExportError, ExportFile};
use crate::model::import::{ImportError, IncomingDocument};
use crate::model::offset_unit::{OffsetUnit, UnitIndex};
use crate::model::parsed::{Anchor, Parsed, ParsedAnnotation};
use crate::model::{SpanIndex, Workspace};

pub const FILE_NAME: &str = "spans.jsonl";
pub const MEDIA_TYPE: &str = "application/jsonl";

#[derive(Serialize)]
struct Example<'a> {
    text: &'a str,
    spans: Vec<Span<'a>>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Span<'a> {
    start: usize,
    end: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct Meta<'a> {
    document_id: &'a str,
    offset_unit: &'static str,
}

/// One JSON line for each document at `documents` (positions in
/// `workspace`; positions past the end are skipped).
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let mut jsonl = String::new();
    for &doc in documents {
        let Some(document) = workspace.document(doc) else {
            continue;
        };
        let index = UnitIndex::new(&document.text, unit);
        let mut spans: Vec<Span> = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter)
            .map(|a| {
                let (start, end) = index.span(a.start, a.end);
                Span {
                    start,
                    end,
                    label: &a.label,
                }
            })
            .collect();
        spans.sort_by_key(|s| (s.start, s.end));
        let example = Example {
            text: &document.text,
            spans,
            meta: Meta {
                document_id: &document.id,
                offset_unit: unit.id(),
            },
        };
        let json = serde_json::to_string(&example).expect("plain data always serialises");
        jsonl.push_str(&jsonl_line(&json));
    }
    Ok(ExportFile::text(FILE_NAME, MEDIA_TYPE, jsonl))
}

/// Whether `value` is a Prodigy example (an object with `text` and
/// `spans`), or a list whose first item is one.
pub(super) fn is_spacy(value: &Value) -> bool {
    let first = match value {
        Value::Array(items) => items.first(),
        one => Some(one),
    };
    first.is_some_and(|example| example.get("text").is_some() && example.get("spans").is_some())
}

/// Reads spaCy / Prodigy JSONL, or a JSON list of its examples (see the
/// module's documentation), refusing it whole, with the place and the
/// reason, at the first thing wrong.
pub fn parse(contents: &str) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    if contents.trim_start().starts_with('[') {
        let value = json(contents)?;
        let items = value.as_array().map_or(&[][..], Vec::as_slice);
        for (place, example) in placed(items, "") {
            read_example(&Fields::of(example, &place)?, &mut parsed)?;
        }
        return Ok(parsed);
    }
    for (number, line) in (1..).zip(contents.lines()) {
        if line.trim().is_empty() {
            continue;
        }
        let value = line_json(line, number)?;
        read_example(&Fields::line(&value, number)?, &mut parsed)?;
    }
    Ok(parsed)
}

fn read_example(example: &Fields, parsed: &mut Parsed) -> Result<(), ImportError> {
    match example.optional_string("answer")? {
        Some("reject") => {
            parsed.leave_out("rejected example", "answered “reject” in Prodigy");
            return Ok(());
        }
        Some("ignore") => {
            parsed.leave_out("ignored example", "answered “ignore” in Prodigy");
            return Ok(());
        }
        _ => {}
    }
    let text = example.string("text")?;
    let mut id = None;
    if let Some(meta) = example.value("meta") {
        let meta = Fields::of(meta, &example.path("meta"))?;
        id = meta.optional_string("document_id")?;
        if let Some(unit) = meta.optional_unit()? {
            if parsed.stated_unit.is_some_and(|first| first != unit) {
                return Err(meta.error("offset_unit", "differs from the first example’s"));
            }
            parsed.stated_unit = Some(unit);
        }
    }
    let document = parsed.documents.len();
    if example.value("spans").is_some() {
        for span in example.list("spans")? {
            parsed.annotations.push(ParsedAnnotation {
                document,
                id: None,
                anchor: Anchor::Offsets {
                    start: span.offset("start")?,
                    end: span.offset("end")?,
                },
                quote: span.optional_string("text")?.map(str::to_string),
                label: span.string("label")?.to_string(),
                created: None,
                note: None,
                place: span.place,
            });
        }
    }
    parsed.documents.push(IncomingDocument {
        id: id.map(str::to_string),
        file_name: None,
        title: None,
        text: Some(text.to_string()),
        place: example.place.clone(),
    });
    Ok(())
}
