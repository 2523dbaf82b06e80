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
use super::{documents_in_unit, ExportError, ExportFile};
use crate::model::import::{ImportError, IncomingDocument};
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::{Anchor, Parsed, ParsedAnnotation};
use crate::model::Workspace;

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
    for (document, spans) in documents_in_unit(workspace, documents, unit) {
        let spans = spans
            .iter()
            .map(|s| Span {
                start: s.start,
                end: s.end,
                label: &s.annotation.label,
            })
            .collect();
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
    Ok(
        ExportFile::text(FILE_NAME, MEDIA_TYPE, jsonl).leaving_out_relations(
            workspace,
            documents,
            super::NO_RELATIONS_YET,
        ),
    )
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
                entity: None,
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
        status: None,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::format::registry::tests::{assert_refused, import, spans, unannotated};
    use crate::format::registry::{how_read, read};
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::import::Mode;
    use crate::model::{default_labels, text};

    fn exported(ws: &Workspace, documents: &[usize], unit: OffsetUnit) -> String {
        export(ws, documents, unit).unwrap().into_text()
    }

    /// The export of every sample document in code points, each line's
    /// JSON edited.
    fn edited_lines(edit: impl Fn(&mut Value)) -> String {
        let ws = samples::workspace();
        let mut jsonl = String::new();
        for line in exported(&ws, &samples::all(&ws), OffsetUnit::CodePoint).lines() {
            let mut value: Value = serde_json::from_str(line).unwrap();
            edit(&mut value);
            jsonl.push_str(&format!("{value}\n"));
        }
        jsonl
    }

    #[test]
    fn one_line_per_document_in_prodigys_shape() {
        let ws = samples::workspace();
        let jsonl = exported(&ws, &samples::all(&ws), OffsetUnit::CodePoint);
        assert_eq!(jsonl.lines().count(), 4, "no raw line break inside a line");
        assert!(!jsonl.contains('\u{2028}'));
        let mut count = 0;
        for (doc, line) in jsonl.lines().enumerate() {
            let value: Value = serde_json::from_str(line).unwrap();
            let document = ws.document(doc).unwrap();
            let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["meta", "spans", "text"]);
            assert_eq!(value["text"], &*document.text);
            assert_eq!(
                value["meta"],
                json!({"document_id": document.id, "offset_unit": "codepoint"})
            );
            let mut previous = (0, 0);
            for span in value["spans"].as_array().unwrap() {
                let keys: Vec<&String> = span.as_object().unwrap().keys().collect();
                assert_eq!(keys, ["end", "label", "start"]);
                let (start, end) = (
                    span["start"].as_u64().unwrap() as usize,
                    span["end"].as_u64().unwrap() as usize,
                );
                assert!(previous <= (start, end), "sorted by start, then end");
                previous = (start, end);
                assert!(ws.annotations(doc).unwrap().iter().any(|a| a.start == start
                    && a.end == end
                    && a.label == span["label"].as_str().unwrap()));
                assert!(text::slice(&document.text, start, end).is_some());
                count += 1;
            }
        }
        assert_eq!(count, ws.all_annotations().count());
    }

    #[test]
    fn utf16_offsets_count_the_flag_four_units_and_the_family_eight() {
        let ws = samples::workspace();
        let line: Value =
            serde_json::from_str(exported(&ws, &[TRICKY], OffsetUnit::Utf16).trim_end()).unwrap();
        assert_eq!(line["meta"]["offset_unit"], "utf16");
        assert_eq!(
            line["spans"][0],
            json!({"start": 5, "end": 9, "label": "Location"})
        );
        let family = line["spans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"] == "Person")
            .unwrap();
        assert_eq!(family, &json!({"start": 21, "end": 29, "label": "Person"}));
        let units: Vec<u16> = TRICKY_TEXT.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&units[21..29]).unwrap(),
            "👩\u{200d}👩\u{200d}👧"
        );
    }

    #[test]
    fn an_export_read_back_in_either_unit_gives_the_same_spans_and_the_same_export() {
        let original = samples::workspace();
        for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16] {
            let file = exported(&original, &samples::all(&original), unit);
            let mut ws = unannotated();
            let preview = import(&mut ws, &file, Mode::Merge).unwrap();
            assert_eq!(
                preview.to_string(),
                "4 documents, 26 annotations, 2 new labels",
                "{unit}"
            );
            assert_eq!(spans(&ws), spans(&original), "{unit}");
            assert_eq!(exported(&ws, &samples::all(&ws), unit), file, "{unit}");
            let again = import(&mut ws, &file, Mode::Merge).unwrap();
            assert_eq!(
                again.to_string(),
                "4 documents, 26 annotations; 26 annotations already present"
            );
        }
    }

    #[test]
    fn a_json_list_of_examples_reads_as_the_lines_do() {
        let ws = samples::workspace();
        let jsonl = exported(&ws, &samples::all(&ws), OffsetUnit::CodePoint);
        let list: Vec<Value> = jsonl
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let file = serde_json::to_string_pretty(&list).unwrap();
        let (format, _) = read(&file).unwrap();
        assert_eq!(format.id, "spacy");
        let mut ws = unannotated();
        import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(spans(&ws), spans(&samples::workspace()));
    }

    #[test]
    fn rejected_and_ignored_examples_are_left_out_and_counted() {
        let file = edited_lines(|v| {
            let answer = match v["meta"]["document_id"].as_str().unwrap() {
                "tricky/1 ü" => "reject",
                id if id.starts_with("002") => "ignore",
                _ => "accept",
            };
            v["answer"] = answer.into();
        });
        let (_, parsed) = read(&file).unwrap();
        assert_eq!(parsed.documents.len(), 2);
        let ws = unannotated();
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(
            how_read(&parsed, &resolved),
            [
                "Offsets count code points, as the file states.",
                "Not imported: 1 ignored example (answered “ignore” in Prodigy), 1 rejected \
                 example (answered “reject” in Prodigy)."
            ]
        );
    }

    #[test]
    fn without_a_stated_unit_span_texts_settle_it() {
        let ws = samples::workspace();
        let mut file = String::new();
        for line in exported(&ws, &[TRICKY], OffsetUnit::Utf16).lines() {
            let mut value: Value = serde_json::from_str(line).unwrap();
            value.as_object_mut().unwrap().remove("meta");
            let text = value["text"].as_str().unwrap().to_string();
            let units: Vec<u16> = text.encode_utf16().collect();
            for span in value["spans"].as_array_mut().unwrap() {
                let (start, end) = (
                    span["start"].as_u64().unwrap() as usize,
                    span["end"].as_u64().unwrap() as usize,
                );
                span["text"] = String::from_utf16(&units[start..end]).unwrap().into();
            }
            file.push_str(&format!("{value}\n"));
        }
        let (_, parsed) = read(&file).unwrap();
        let resolved = parsed
            .resolve(&Workspace::new(Vec::new(), default_labels()), None)
            .unwrap();
        assert_eq!(resolved.unit, OffsetUnit::Utf16);
    }

    /// `tests/fixtures/spacy/`: four lines of a Prodigy `ner.manual`
    /// dataset from explosion/projects (see the README there), one with an
    /// emoji before its spans.
    #[test]
    fn prodigys_own_annotations_are_read_in_code_points() {
        let file = include_str!("../../../../tests/fixtures/spacy/fashion_brands_training.jsonl");
        let (format, parsed) = read(file).unwrap();
        assert_eq!(format.id, "spacy");
        let mut ws = Workspace::new(Vec::new(), default_labels());
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(resolved.unit, OffsetUnit::CodePoint);
        assert_eq!(
            resolved.samples,
            ["SLP", "club monaco", "Forever21", "H&amp;M", "Free People"]
        );
        let preview = import(&mut ws, file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents (4 new), 7 annotations, 1 new label"
        );
        let emoji = ws.document(3).unwrap();
        assert!(emoji.text.contains('😂'));
        let mut quotes: Vec<&str> = ws
            .annotations(3)
            .unwrap()
            .iter()
            .map(|a| a.quote.as_str())
            .collect();
        quotes.sort_unstable();
        assert_eq!(quotes, ["Doen", "Free People", "Nuit"]);
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_place_and_reason_and_changes_nothing() {
        let ws = samples::workspace();
        let article = ws.document(0).unwrap();
        let file = exported(&ws, &samples::all(&ws), OffsetUnit::CodePoint);
        let line = |number: usize, contents: &str| {
            let mut lines: Vec<&str> = file.lines().collect();
            lines[number - 1] = contents;
            lines.join("\n")
        };
        let first = |edit: &dyn Fn(&mut Value)| {
            let mut value: Value = serde_json::from_str(file.lines().next().unwrap()).unwrap();
            edit(&mut value);
            line(1, &value.to_string())
        };
        let cases: Vec<(String, String)> = vec![
            (
                line(2, "{\"text\": "),
                "line 2 is not JSON (EOF while parsing a value at column 9)".into(),
            ),
            (
                line(3, "[1, 2]"),
                "line 3 must be a JSON object, not a list".into(),
            ),
            (
                first(&|v| drop(v.as_object_mut().unwrap().remove("text"))),
                "line 1: text is missing".into(),
            ),
            (
                first(&|v| v["spans"] = "ORG".into()),
                "line 1: spans must be a list, not a string".into(),
            ),
            (
                first(&|v| v["spans"][0] = json!([17, 23, "ORG"])),
                "line 1: spans[0] must be a JSON object, not a list".into(),
            ),
            (
                first(&|v| drop(v["spans"][1].as_object_mut().unwrap().remove("label"))),
                "line 1: spans[1].label is missing".into(),
            ),
            (
                first(&|v| v["spans"][0]["start"] = 1.5.into()),
                "line 1: spans[0].start = 1.5 is not a whole number".into(),
            ),
            (
                first(&|v| v["spans"][0]["end"] = 99_999.into()),
                format!(
                    "line 1: spans[0].end = 99999 is past the end of document “{}” ({} code \
                     points)",
                    article.id,
                    article.char_len()
                ),
            ),
            (
                first(&|v| v["spans"][0]["text"] = "Moscow".into()),
                "line 1: spans[0].quote “Moscow” does not match the text".into(),
            ),
            (
                first(&|v| v["meta"] = "news".into()),
                "line 1: meta must be a JSON object, not a string".into(),
            ),
            (
                first(&|v| v["meta"]["offset_unit"] = "furlongs".into()),
                "line 1: meta.offset_unit is “furlongs”; this app reads “codepoint”, “utf16” or \
                 “utf8”"
                    .into(),
            ),
            (
                line(2, &{
                    let mut v: Value = serde_json::from_str(file.lines().nth(1).unwrap()).unwrap();
                    v["meta"]["offset_unit"] = "utf16".into();
                    v.to_string()
                }),
                "line 2: meta.offset_unit differs from the first example’s".into(),
            ),
        ];
        assert_refused(&cases);
    }
}
