//! The doccano export: JSONL for a sequence-labeling project, one line per
//! document.
//!
//! ```json
//! {"text": "…", "label": [[941, 951, "Location"], …], "document_id": "001_c07fc3de27d30260", "offset_unit": "codepoint"}
//! ```
//!
//! - **Offsets** count Unicode code points, so `text[start:end]` in Python is
//!   the span; `label` is sorted by start, then end. Each line says so in
//!   `offset_unit`. doccano's own web page counts UTF-16 code units
//!   (doccano/doccano#2290), so in a text with characters outside the Basic
//!   Multilingual Plane (emoji) the spans after such a character show
//!   shifted there, while Python tools that read the file see them right.
//! - **Extra keys**: `document_id` lets a re-import match the line to its
//!   document; doccano keeps keys other than `text` and `label` as the
//!   example's metadata. Notes are not exported: doccano has no place for a
//!   note on one span.
//! - **Relations and entities**: when the exported documents have a
//!   relation, or an annotation naming an entity, every line takes the
//!   shape of doccano's relation-extraction projects instead of `label`:
//!
//!   ```json
//!   {"text": "…", "entities": [{"id": 1, "start_offset": 0, "end_offset": 20, "label": "Person", "entity": "Alexander Lavrentiev"}, {"id": 2, "start_offset": 64, "end_offset": 70, "label": "Location"}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "member of"}], "document_id": "…", "offset_unit": "codepoint"}
//!   ```
//!
//!   `entities` are the spans, sorted as `label` is, each with an `id` (a
//!   number, unique in the file, as doccano numbers them) and the
//!   annotation's entity name as `entity` if it has one; `relations` go
//!   `from_id` → `to_id` between the entities of the same line, their `id`s
//!   unique in the file too. A relation's note is not exported, as a span's
//!   is not.
//! - **Lines**: JSON escapes `\n` and `\r` inside strings; this export also
//!   escapes NEL, U+2028 and U+2029, which JSON allows raw but Python's
//!   `str.splitlines()` breaks lines at, so a reader that splits the file
//!   that way still gets one document a line.
//!
//! [`parse`] reads such a file back, and what doccano itself writes:
//!
//! - **Files**: JSONL, one JSON object a line (blank lines are skipped, and
//!   a message names the line by its number, counting from 1: `line 3:
//!   label[2]`); or doccano's JSON, a list of such objects (`[2].label[0]`)
//!   or one, pretty-printed ([`from_json`]).
//! - **Text** (required) is taken exactly as written, `\r` included, since
//!   the offsets point into it.
//! - **Spans**: `label` or doccano's newer `entities` (not both), each
//!   entry a `[start, end, "Label"]` triple or a `{"start_offset",
//!   "end_offset", "label"}` object (its `id`, a number within one doccano
//!   project, is not kept; its `entity`, if there is one, is the entity
//!   the span mentions); a record with neither is a document without
//!   spans. Each span gets a new id and the time of the import; labels the
//!   workspace lacks are added.
//! - **Offsets** count the unit `offset_unit` names, if a record states one
//!   (this export does); doccano's own files do not, and leave the unit to
//!   be found ([`Parsed::resolve`]: a guess, shown in the preview, where the
//!   person importing may choose; doccano's web page counts UTF-16 units).
//! - **Relations**: `relations` (`{id, from_id, to_id, type}`, the ends
//!   being the `id`s of the record's `entities`) become relations between
//!   the spans, each with a new id; a type the workspace lacks is added.
//!   One whose end is not an entity of its record with an id is counted,
//!   not imported.
//! - **Counted, not imported**: labels of a whole text, as text
//!   classification writes them (`"label": ["positive"]`, or `cats`).
//! - **Documents**: `document_id`, if given, finds the document here by id;
//!   without one, a document with the identical text. One not found is
//!   added.
//!
//! [`Parsed::resolve`]: crate::model::parsed::Parsed::resolve

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::json::{drop_one, jsonl_line, kind, line_json, offset_at, placed, string_at, Fields};
use super::{documents_in_unit, ExportError, ExportFile};
use crate::model::import::{ImportError, IncomingDocument, IncomingRelation};
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::{Anchor, Dropped, Parsed, ParsedAnnotation};
use crate::model::Workspace;

pub const FILE_NAME: &str = "annotations.jsonl";
pub const MEDIA_TYPE: &str = "application/jsonl";

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    document_id: &'a str,
    offset_unit: &'static str,
}

/// A line in the shape of doccano's relation-extraction projects.
#[derive(Serialize)]
struct RelationLine<'a> {
    text: &'a str,
    entities: Vec<EntityItem<'a>>,
    relations: Vec<RelationItem<'a>>,
    document_id: &'a str,
    offset_unit: &'static str,
}

#[derive(Serialize)]
struct EntityItem<'a> {
    id: usize,
    start_offset: usize,
    end_offset: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
}

#[derive(Serialize)]
struct RelationItem<'a> {
    id: usize,
    from_id: usize,
    to_id: usize,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// One JSON line for each document at `documents` (positions in
/// `workspace`; positions past the end are skipped), each line ending in a
/// newline.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let linked = documents.iter().any(|&doc| {
        workspace.relations(doc).is_some_and(|r| !r.is_empty())
            || workspace
                .annotations(doc)
                .is_some_and(|spans| spans.iter().any(|a| a.entity.is_some()))
    });
    let jsonl = if linked {
        relation_jsonl(workspace, documents, unit)
    } else {
        jsonl(workspace, documents, unit)
    };
    Ok(ExportFile::text(FILE_NAME, MEDIA_TYPE, jsonl))
}

/// The lines in the relation-extraction shape: `entities` and `relations`,
/// numbered across the file from 1.
fn relation_jsonl(workspace: &Workspace, documents: &[usize], unit: OffsetUnit) -> String {
    let mut jsonl = String::new();
    let (mut entity_ids, mut relation_ids) = (0, 0);
    for (document, spans) in documents_in_unit(workspace, documents, unit) {
        let mut ids = HashMap::new();
        let entities = spans
            .iter()
            .map(|s| {
                entity_ids += 1;
                ids.insert(s.annotation.id.as_str(), entity_ids);
                EntityItem {
                    id: entity_ids,
                    start_offset: s.start,
                    end_offset: s.end,
                    label: &s.annotation.label,
                    entity: s.annotation.entity.as_deref(),
                }
            })
            .collect();
        let relations = workspace
            .position(&document.id)
            .and_then(|doc| workspace.relations(doc))
            .unwrap_or_default()
            .iter()
            .filter_map(|r| {
                let (from_id, to_id) = (*ids.get(r.from.as_str())?, *ids.get(r.to.as_str())?);
                relation_ids += 1;
                Some(RelationItem {
                    id: relation_ids,
                    from_id,
                    to_id,
                    kind: &r.kind,
                })
            })
            .collect();
        let line = RelationLine {
            text: &document.text,
            entities,
            relations,
            document_id: &document.id,
            offset_unit: unit.id(),
        };
        let json = serde_json::to_string(&line).expect("plain data always serialises");
        jsonl.push_str(&jsonl_line(&json));
    }
    jsonl
}

fn jsonl(workspace: &Workspace, documents: &[usize], unit: OffsetUnit) -> String {
    let mut jsonl = String::new();
    for (document, spans) in documents_in_unit(workspace, documents, unit) {
        let label = spans
            .iter()
            .map(|s| (s.start, s.end, s.annotation.label.as_str()))
            .collect();
        let line = Line {
            text: &document.text,
            label,
            document_id: &document.id,
            offset_unit: unit.id(),
        };
        let json = serde_json::to_string(&line).expect("plain data always serialises");
        jsonl.push_str(&jsonl_line(&json));
    }
    jsonl
}

/// Reads doccano JSONL (see the module's documentation), refusing it whole,
/// with the place and the reason, at the first thing wrong.
pub fn parse(contents: &str) -> Result<Parsed, ImportError> {
    let mut records = Records::default();
    for (number, line) in (1..).zip(contents.lines()) {
        if line.trim().is_empty() {
            continue;
        }
        let value = line_json(line, number)?;
        records.read(&Fields::line(&value, number)?)?;
    }
    Ok(records.parsed)
}

/// Whether `value`, a whole file's JSON, is doccano's: an object with a
/// `text` (and no `format`, which the app's own JSON has), or a list of
/// them.
pub(super) fn is_doccano(value: &Value) -> bool {
    let record = |v: &Value| v.get("text").is_some() && v.get("format").is_none();
    match value {
        Value::Array(items) => items.first().is_some_and(record),
        other => record(other),
    }
}

/// Reads a file that is one JSON value: a line of JSONL, or the JSON
/// doccano's export also writes, a list of records (`[0]: label[2]` in
/// messages) or one record, pretty-printed.
pub(super) fn from_json(contents: &str, value: &Value) -> Result<Parsed, ImportError> {
    if value.is_object() && !contents.trim().contains('\n') {
        return parse(contents);
    }
    let mut records = Records::default();
    match value {
        Value::Array(items) => {
            for (place, item) in placed(items, "") {
                records.read(&Fields::of(item, &place)?)?;
            }
        }
        one => records.read(&Fields::of(one, "")?)?,
    }
    Ok(records.parsed)
}

/// The records read so far.
#[derive(Default)]
struct Records {
    parsed: Parsed,
}

impl Records {
    /// Reads one record (a line, or an object of a JSON list): its text, its
    /// spans, and what it holds that the app does not keep.
    fn read(&mut self, record: &Fields) -> Result<(), ImportError> {
        let parsed = &mut self.parsed;
        let text = record.string("text")?;
        let id = record.optional_string("document_id")?;
        if let Some(unit) = record.optional_unit()? {
            if parsed.stated_unit.is_some_and(|first| first != unit) {
                return Err(record.error("offset_unit", "differs from the first record’s"));
            }
            parsed.stated_unit = Some(unit);
        }
        let spans = match (record.value("label"), record.value("entities")) {
            (Some(_), Some(_)) => {
                return Err(ImportError::new(
                    record.place_name(),
                    "has both label and entities; doccano writes one or the other",
                ))
            }
            (Some(_), None) => spans(record, "label", &mut parsed.dropped)?,
            (None, Some(_)) => spans(record, "entities", &mut parsed.dropped)?,
            (None, None) => Vec::new(),
        };
        // The index each entity id of the record will have among the
        // annotations, for its relations' `from_id` and `to_id`.
        let first = parsed.annotations.len();
        let by_id: HashMap<String, usize> = spans
            .iter()
            .enumerate()
            .filter_map(|(at, span)| Some((span.id.clone()?, first + at)))
            .collect();
        if record.value("relations").is_some() {
            for (place, item) in record.items("relations")? {
                let relation = Fields::of(item, &place)?;
                let end = |name: &str| {
                    relation
                        .value(name)
                        .and_then(|id| by_id.get(&id.to_string()).copied())
                };
                let kind = relation.string("type")?;
                match (end("from_id"), end("to_id")) {
                    (Some(from), Some(to)) => parsed.relations.push(IncomingRelation {
                        place,
                        id: None,
                        from,
                        to,
                        kind: kind.to_string(),
                        created: None,
                        note: None,
                    }),
                    _ => drop_one(
                        &mut parsed.dropped,
                        "relation",
                        "an end is not an entity of its record with an id",
                    ),
                }
            }
        }
        let categories = match record.value("cats") {
            Some(Value::Object(cats)) => cats.len(),
            Some(_) => record.items("cats")?.len(),
            None => 0,
        };
        for _ in 0..categories {
            drop_one(&mut parsed.dropped, "document label", DOCUMENT_LABEL);
        }
        let document = parsed.documents.len();
        for Span {
            place,
            start,
            end,
            label,
            entity,
            ..
        } in spans
        {
            parsed.annotations.push(ParsedAnnotation {
                place,
                document,
                id: None,
                anchor: Anchor::Offsets { start, end },
                quote: None,
                label: label.to_string(),
                created: None,
                note: None,
                entity: entity.map(str::to_string),
            });
        }
        parsed.documents.push(IncomingDocument {
            id: id.map(str::to_string),
            file_name: None,
            title: None,
            text: Some(text.to_string()),
            place: record.place_name().to_string(),
            status: None,
        });
        Ok(())
    }
}

/// Why a label on a whole text is not imported.
const DOCUMENT_LABEL: &str = "the app labels spans, not whole texts";

/// A span as a line holds it: its place, start, end and label, its entity
/// id (as JSON) when it has one, and the entity it mentions, if it names
/// one.
struct Span<'a> {
    place: String,
    start: usize,
    end: usize,
    label: &'a str,
    id: Option<String>,
    entity: Option<&'a str>,
}

/// The spans of `record`'s list `name` (`label` or `entities`): each a
/// `[start, end, "Label"]` triple or a `{"start_offset", "end_offset",
/// "label"}` object, which may name the entity the span mentions in an
/// `entity` attribute (doccano keeps an entity's other keys; the app reads
/// this one, as its native export names it), and an `id` that relations
/// name. A string is a label of the whole text, as doccano's
/// text classification writes it (`"label": ["positive"]`): counted in
/// `dropped`.
fn spans<'a>(
    record: &Fields<'a>,
    name: &str,
    dropped: &mut Vec<Dropped>,
) -> Result<Vec<Span<'a>>, ImportError> {
    let mut spans = Vec::new();
    for (place, entry) in record.items(name)? {
        let found = match entry {
            Value::Array(triple) if triple.len() == 3 => {
                let start = offset_at(&triple[0], &format!("{place}[0]"))?;
                let end = offset_at(&triple[1], &format!("{place}[1]"))?;
                let label = string_at(&triple[2], &format!("{place}[2]"))?;
                spans.push(Span {
                    place,
                    start,
                    end,
                    label,
                    id: None,
                    entity: None,
                });
                continue;
            }
            Value::Object(_) => {
                let entity = Fields::of(entry, &place)?;
                let start = entity.offset("start_offset")?;
                let end = entity.offset("end_offset")?;
                let label = entity.string("label")?;
                spans.push(Span {
                    place,
                    start,
                    end,
                    label,
                    id: entity.value("id").map(Value::to_string),
                    entity: entity.optional_string("entity")?,
                });
                continue;
            }
            Value::String(_) => {
                drop_one(dropped, "document label", DOCUMENT_LABEL);
                continue;
            }
            Value::Array(other) => format!("a list of {}", other.len()),
            other => kind(other),
        };
        return Err(ImportError::new(
            place,
            format!(
                "must be [start, end, label] or {{start_offset, end_offset, label}}, not {found}"
            ),
        ));
    }
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::format::native::NativeExport;
    use crate::format::registry;
    use crate::format::registry::tests::{assert_refused, import, unannotated};
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::import::Mode;
    use crate::model::{default_labels, seed_documents, text, SpanIndex};

    /// doccano's own examples (tests/fixtures/doccano, MIT): its relation
    /// extraction import (one pretty-printed record, entities as objects),
    /// its sequence-labeling export, and its intent-detection test data,
    /// whose last line has no text.
    #[test]
    fn an_entity_attribute_of_a_doccano_entity_is_read_as_its_entity() {
        let line = json!({
            "text": "Лаврентьев met Lavrentiev's team in 阿斯塔纳 😀.",
            "entities": [
                { "id": 1, "start_offset": 0, "end_offset": 10, "label": "Person",
                  "entity": "  Alexander   Lavrentiev " },
                { "id": 2, "start_offset": 15, "end_offset": 25, "label": "Person",
                  "entity": "Alexander Lavrentiev" },
                { "id": 3, "start_offset": 36, "end_offset": 40, "label": "Location" }
            ]
        })
        .to_string();
        let (_, parsed) = registry::read(&line).unwrap();
        let entities: Vec<Option<&str>> = parsed
            .annotations
            .iter()
            .map(|a| a.entity.as_deref())
            .collect();
        assert_eq!(
            entities,
            [
                Some("  Alexander   Lavrentiev "),
                Some("Alexander Lavrentiev"),
                None
            ]
        );
        let mut ws = unannotated();
        import(&mut ws, &line, Mode::Merge).unwrap();
        let named: Vec<Option<&str>> = ws.all_annotations().map(|a| a.entity.as_deref()).collect();
        assert_eq!(
            named,
            [
                Some("Alexander Lavrentiev"),
                Some("Alexander Lavrentiev"),
                None
            ]
        );
        let wrong = line.replace("\"Alexander Lavrentiev\"", "7");
        assert!(registry::read(&wrong).is_err());
    }

    #[test]
    fn doccanos_own_examples_read_as_doccano_writes_them() {
        let fixture = |name: &str| {
            let path = format!(
                "{}/../../tests/fixtures/doccano/{name}",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        let relations = fixture("relation_extraction.jsonl");
        let (format, parsed) = registry::read(&relations).unwrap();
        assert_eq!(format.id, "doccano");
        assert!(parsed.dropped.is_empty(), "{:?}", parsed.dropped);
        let mut ws = unannotated();
        let preview = import(&mut ws, &relations, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "1 document (1 new), 4 annotations, 3 new labels, 3 relations, 2 new relation types"
        );
        let doc = ws.document_count() - 1;
        let spans = ws.annotations(doc).unwrap();
        let linked: Vec<(&str, &str, &str)> = ws
            .relations(doc)
            .unwrap()
            .iter()
            .map(|r| {
                let quote = |id: &str| spans.get(id).unwrap().quote.as_str();
                (quote(&r.from), r.kind.as_str(), quote(&r.to))
            })
            .collect();
        assert_eq!(
            linked,
            [
                ("Google", "foundedAt", "September 4, 1998"),
                ("Google", "foundedBy", "Larry Page"),
                ("Google", "foundedBy", "Sergey Brin")
            ]
        );
        let quotes: Vec<&str> = ws
            .annotations(ws.document_count() - 1)
            .into_iter()
            .flat_map(SpanIndex::iter)
            .map(|a| a.quote.as_str())
            .collect();
        assert_eq!(
            quotes,
            ["Google", "September 4, 1998", "Larry Page", "Sergey Brin"]
        );

        let mut ws = unannotated();
        let preview = import(&mut ws, &fixture("sequence_labeling.jsonl"), Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "3 documents (3 new), 4 annotations, 3 new labels"
        );

        let intent = fixture("intent.jsonl");
        assert_eq!(
            import(&mut unannotated(), &intent, Mode::Merge).unwrap_err(),
            "line 5: text is missing (read as doccano JSONL)"
        );
        let without_last: String = intent.lines().take(4).map(|l| format!("{l}\n")).collect();
        let (_, parsed) = registry::read(&without_last).unwrap();
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert!(dropped[0].starts_with("2 "), "the two cats: {dropped:?}");
    }

    #[test]
    fn one_line_per_document_whose_spans_slice_the_text_in_code_points() {
        let ws = samples::workspace();
        let jsonl = export(&ws, &samples::all(&ws), OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert!(jsonl.ends_with('\n'));
        let lines: Vec<&str> = jsonl.split('\n').filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            jsonl.lines().count(),
            4,
            "no raw line break inside a line, in Rust's sense either"
        );
        let mut spans = 0;
        for (doc, line) in lines.iter().enumerate() {
            let value: Value = serde_json::from_str(line).unwrap();
            let document = ws.document(doc).unwrap();
            assert_eq!(value["text"], &*document.text);
            assert_eq!(value["document_id"], document.id.as_str());
            assert_eq!(value["offset_unit"], "codepoint");
            let mut previous = (0, 0);
            for entry in value["label"].as_array().unwrap() {
                let start = entry[0].as_u64().unwrap() as usize;
                let end = entry[1].as_u64().unwrap() as usize;
                assert!(previous <= (start, end), "sorted by start, then end");
                previous = (start, end);
                let label = entry[2].as_str().unwrap();
                let kept = ws
                    .annotations(doc)
                    .unwrap()
                    .iter()
                    .any(|a| a.start == start && a.end == end && a.label == label);
                assert!(kept, "{start}..{end} {label}");
                assert!(text::slice(&document.text, start, end).is_some());
                spans += 1;
            }
        }
        assert_eq!(spans, ws.all_annotations().count());
    }

    #[test]
    fn the_flag_counts_two_code_points_and_the_family_five() {
        let ws = samples::workspace();
        let jsonl = export(&ws, &[TRICKY], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let value: Value = serde_json::from_str(jsonl.trim_end()).unwrap();
        let label = value["label"].as_array().unwrap();
        assert_eq!(label[0], serde_json::json!([5, 7, "Location"]));
        assert_eq!(
            label[1],
            serde_json::json!([5, 7, "Armed Group"]),
            "same span: id order"
        );
        let family = label.iter().find(|l| l[2] == "Person").unwrap();
        assert_eq!(family, &serde_json::json!([19, 24, "Person"]));
        assert_eq!(
            text::slice(TRICKY_TEXT, 19, 24),
            Some("👩\u{200d}👩\u{200d}👧")
        );
    }

    #[test]
    fn python_line_breaks_are_escaped() {
        let ws = samples::workspace();
        let jsonl = export(&ws, &[TRICKY], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert!(!jsonl.contains('\u{2028}'));
        assert!(jsonl.contains("line\\u2028separator"));
        let value: Value = serde_json::from_str(jsonl.trim_end()).unwrap();
        assert_eq!(value["text"], TRICKY_TEXT);
    }

    #[test]
    fn only_existing_documents_are_written() {
        let ws = samples::workspace();
        assert_eq!(
            export(&ws, &[9], OffsetUnit::CodePoint)
                .unwrap()
                .into_text(),
            ""
        );
        assert_eq!(
            export(&ws, &[2, 9], OffsetUnit::CodePoint)
                .unwrap()
                .into_text()
                .lines()
                .count(),
            1
        );
    }

    /// Every span of `ws` as (document, start, end, label), sorted.
    fn spans(ws: &Workspace) -> Vec<(String, usize, usize, String)> {
        let mut spans: Vec<_> = (0..ws.document_count())
            .flat_map(|doc| ws.annotations(doc).unwrap().iter())
            .map(|a| (a.document_id.clone(), a.start, a.end, a.label.clone()))
            .collect();
        spans.sort();
        spans
    }

    /// The export of every sample document, each line's JSON edited.
    fn edited_lines(edit: impl Fn(&mut Value)) -> String {
        let ws = samples::workspace();
        let mut jsonl = String::new();
        for line in export(&ws, &samples::all(&ws), OffsetUnit::CodePoint)
            .unwrap()
            .into_text()
            .lines()
        {
            let mut value: Value = serde_json::from_str(line).unwrap();
            edit(&mut value);
            jsonl.push_str(&format!("{value}\n"));
        }
        jsonl
    }

    #[test]
    fn the_export_reproduces_every_span_and_label_in_the_same_documents() {
        let original = samples::workspace();
        let file = export(&original, &samples::all(&original), OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels"
        );
        assert_eq!(spans(&ws), spans(&original));
        assert!(ws.label("Лицо").is_some());
        let again = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            again.to_string(),
            "4 documents, 26 annotations; 26 annotations already present"
        );
        assert_eq!(spans(&ws), spans(&original));
    }

    #[test]
    fn relations_and_entities_are_written_as_doccanos_relation_extraction_and_come_back() {
        let original = samples::with_relations();
        let file = export(&original, &samples::all(&original), OffsetUnit::CodePoint).unwrap();
        assert_eq!(file.relations_left_out, None, "{}", file.summary());
        let file = file.into_text();
        let lines: Vec<Value> = file
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4);
        let first = &lines[0];
        let at = |key: &str| file.find(&format!("\"{key}\":")).unwrap();
        let keys = [
            "text",
            "entities",
            "relations",
            "document_id",
            "offset_unit",
        ];
        assert!(
            keys.windows(2).all(|pair| at(pair[0]) < at(pair[1])),
            "{file}"
        );
        assert_eq!(first.as_object().unwrap().len(), keys.len());
        // Line 1: Russia (0..6), Alexander Lavrentiev and Lavrentiev.
        let russia = samples::find(&original.document(0).unwrap().text, "Russia");
        let lavrentiev = samples::find(&original.document(0).unwrap().text, "Alexander Lavrentiev");
        let entity = |start: usize, end: usize| {
            first["entities"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["start_offset"] == start && e["end_offset"] == end)
                .cloned()
                .unwrap()
        };
        let from = entity(lavrentiev.start, lavrentiev.end);
        let to = entity(russia.start, russia.end);
        assert_eq!(from["entity"], "Alexander Lavrentiev");
        assert_eq!(from["label"], "Person");
        assert!(to.get("entity").is_none(), "{to}");
        assert_eq!(
            first["relations"],
            json!([{ "id": 1, "from_id": from["id"], "to_id": to["id"], "type": "member of" }])
        );
        // Ids are numbers unique in the file, and ends are of their line.
        let mut entity_ids = Vec::new();
        let mut relation_ids = Vec::new();
        for line in &lines {
            let ids: Vec<u64> = line["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_u64().unwrap())
                .collect();
            for relation in line["relations"].as_array().unwrap() {
                relation_ids.push(relation["id"].as_u64().unwrap());
                assert!(ids.contains(&relation["from_id"].as_u64().unwrap()));
                assert!(ids.contains(&relation["to_id"].as_u64().unwrap()));
            }
            entity_ids.extend(ids);
        }
        assert_eq!(entity_ids, (1..=26).collect::<Vec<u64>>());
        assert_eq!(relation_ids, [1, 2, 3, 4, 5]);

        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels, 5 relations"
        );
        assert_eq!(spans(&ws), spans(&original));
        let without_notes: Vec<samples::SeenRelation> = samples::seen_relations(&original)
            .into_iter()
            .map(|(doc, from, kind, to, _)| (doc, from, kind, to, None))
            .collect();
        assert_eq!(samples::seen_relations(&ws), without_notes);
        let entities = |ws: &Workspace| {
            let mut named: Vec<(String, usize, Option<String>)> = ws
                .all_annotations()
                .map(|a| (a.document_id.clone(), a.start, a.entity.clone()))
                .collect();
            named.sort();
            named
        };
        assert_eq!(entities(&ws), entities(&original));
    }

    #[test]
    fn entities_alone_take_the_relation_extraction_shape_and_plain_spans_keep_triples() {
        let plain = samples::workspace();
        let all = samples::all(&plain);
        let triples = export(&plain, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert!(triples.starts_with("{\"text\":") && triples.contains("\"label\":[["));
        assert!(!triples.contains("\"entities\""));
        let named = samples::with_entities();
        let lines = export(&named, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert!(!lines.contains("\"label\":[["), "{lines}");
        assert!(lines.contains("\"entity\":\"叙利亚 Syria\""), "{lines}");
        assert!(lines.contains("\"relations\":[]"), "{lines}");
        // The plain seed document 1 alone has no entity and no relation.
        let one = export(&named, &[1], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert!(
            one.contains("\"entity\""),
            "document 1 names Kazakhstan 🇰🇿: {one}"
        );
        let none = export(&named, &[TRICKY + 1], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        assert_eq!(none, "");
    }

    #[test]
    fn documents_not_here_are_added_with_their_text_unaltered() {
        let original = samples::workspace();
        let file = export(&original, &[TRICKY], OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let count = original.annotations(TRICKY).unwrap().len();
        let mut ws = Workspace::new(seed_documents(), default_labels());
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            format!("1 document (1 new), {count} annotations, 2 new labels")
        );
        let added = ws.document(TRICKY).unwrap();
        assert_eq!(
            (added.id.as_str(), &*added.text),
            ("tricky/1 ü", TRICKY_TEXT)
        );
        let tricky: Vec<_> = spans(&original)
            .into_iter()
            .filter(|(document, ..)| document == "tricky/1 ü")
            .collect();
        assert_eq!(spans(&ws), tricky);
    }

    #[test]
    fn without_document_ids_lines_find_their_document_by_its_text() {
        let original = samples::workspace();
        let file = edited_lines(|v| drop(v.as_object_mut().unwrap().remove("document_id")));
        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels"
        );
        assert_eq!(spans(&ws), spans(&original));

        let mut fresh = Workspace::new(seed_documents(), default_labels());
        let preview = import(&mut fresh, &file, Mode::Merge).unwrap();
        assert!(preview.to_string().starts_with("4 documents (1 new)"));
        let added = fresh.document(TRICKY).unwrap();
        assert_eq!((added.id.as_str(), &*added.text), ("new-1", TRICKY_TEXT));
    }

    #[test]
    fn doccanos_entities_read_as_label_triples_do() {
        let original = samples::workspace();
        let file = edited_lines(|v| {
            let entities: Vec<Value> = v["label"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(id, l)| {
                    json!({ "id": id, "start_offset": l[0], "end_offset": l[1], "label": l[2] })
                })
                .collect();
            let line = v.as_object_mut().unwrap();
            line.remove("label");
            line.insert("entities".into(), entities.into());
            line.insert("relations".into(), json!([]));
        });
        let mut ws = unannotated();
        import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(spans(&ws), spans(&original));
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_place_and_reason_and_changes_nothing() {
        let ws = samples::workspace();
        let article = ws.document(0).unwrap();
        let file = export(&ws, &samples::all(&ws), OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
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
        let second = file.lines().nth(1).unwrap();
        let cases: Vec<(String, String)> = vec![
            (
                line(2, "hello"),
                "line 2 is not JSON (expected value at column 1)".into(),
            ),
            (
                line(2, &second[..40]),
                "line 2 is not JSON (EOF while parsing a string at column 40)".into(),
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
                first(&|v| v["text"] = 5.into()),
                "line 1: text must be a string, not the number 5".into(),
            ),
            (
                first(&|v| v["label"] = "Location".into()),
                "line 1: label must be a list, not a string".into(),
            ),
            (
                first(&|v| v["label"][0] = json!([17, 23])),
                "line 1: label[0] must be [start, end, label] or {start_offset, end_offset, \
                 label}, not a list of 2 (read as doccano JSONL)"
                    .into(),
            ),
            (
                first(&|v| v["label"][0] = json!({"start": 17})),
                "line 1: label[0].start_offset is missing".into(),
            ),
            (
                first(&|v| v["label"][0] = json!(17)),
                "line 1: label[0] must be [start, end, label] or {start_offset, end_offset, \
                 label}, not the number 17"
                    .into(),
            ),
            (
                first(&|v| v["label"][0][2] = 3.into()),
                "line 1: label[0][2] must be a string, not the number 3".into(),
            ),
            (
                first(&|v| v["label"][0][0] = (-1).into()),
                "line 1: label[0][0] = -1 is negative".into(),
            ),
            (
                first(&|v| v["label"][0][1] = 22.5.into()),
                "line 1: label[0][1] = 22.5 is not a whole number".into(),
            ),
            (
                first(&|v| v["label"][0] = json!([23, 17, "Location"])),
                "line 1: label[0].start = 23 is after its end, 17".into(),
            ),
            (
                first(&|v| v["label"][0][1] = 99_999.into()),
                format!(
                    "line 1: label[0].end = 99999 is past the end of document “{}” ({} code \
                     points)",
                    article.id,
                    article.char_len()
                ),
            ),
            (
                first(&|v| v["label"][0][2] = " ".into()),
                "line 1: label[0].label is empty".into(),
            ),
            (
                first(&|v| v["offset_unit"] = "furlongs".into()),
                "line 1: offset_unit is “furlongs”; this app reads “codepoint”, “utf16” or “utf8”"
                    .into(),
            ),
            (
                first(&|v| v["document_id"] = 7.into()),
                "line 1: document_id must be a string, not the number 7".into(),
            ),
            (
                first(&|v| v["entities"] = json!([])),
                "line 1 has both label and entities; doccano writes one or the other".into(),
            ),
            (
                first(&|v| {
                    drop(v.as_object_mut().unwrap().remove("label"));
                    v["entities"] = json!([{"end_offset": 3, "label": "Date"}]);
                }),
                "line 1: entities[0].start_offset is missing".into(),
            ),
            (
                line(2, file.lines().next().unwrap()),
                format!("line 2: id “{}” is already the id of line 1", article.id),
            ),
        ];
        assert_refused(&cases);
    }

    #[test]
    fn a_line_with_another_text_under_a_document_id_here_is_refused_when_merging() {
        let mut ws = unannotated();
        let before = NativeExport::of(&ws).to_json();
        let file = edited_lines(|v| {
            v["text"] = format!("{} and more", v["text"].as_str().unwrap()).into()
        });
        let error = import(&mut ws, &file, Mode::Merge).unwrap_err();
        assert_eq!(
            error,
            format!(
                "line 1 has the id “{}” of the document “{}” here, but another text",
                ws.document(0).unwrap().id,
                ws.document(0).unwrap().title
            )
        );
        assert_eq!(NativeExport::of(&ws).to_json(), before);
    }

    #[test]
    fn doccanos_json_lists_triples_relations_and_document_labels() {
        let (start, end) = {
            let byte = TRICKY_TEXT.find("cafe\u{301}").unwrap();
            let start = TRICKY_TEXT[..byte].encode_utf16().count();
            (start, start + "cafe\u{301}".encode_utf16().count())
        };
        let family = samples::find(TRICKY_TEXT, "👩\u{200d}👩\u{200d}👧");
        let records = json!([
            {
                "id": 7,
                "text": TRICKY_TEXT,
                "entities": [[start, end, "Location"]],
                "relations": [{ "id": 1, "from_id": 1, "to_id": 2, "type": "near" }],
                "cats": { "news": 1.0, "sport": 0.0 }
            },
            { "text": "Astana talks", "label": ["positive"] },
            { "text": "Kabul talks", "label": [[0, 5, "Location"], "negative"] }
        ]);
        let pretty = serde_json::to_string_pretty(&records).unwrap();
        let (format, parsed) = registry::read(&pretty).unwrap();
        assert_eq!(format.id, "doccano");
        assert_eq!(
            parsed.stated_unit, None,
            "doccano does not say; the preview asks"
        );
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        assert_eq!(
            dropped,
            [
                "1 relation (an end is not an entity of its record with an id)",
                "4 document labels (the app labels spans, not whole texts)"
            ]
        );
        let places: Vec<&str> = parsed
            .annotations
            .iter()
            .map(|a| a.place.as_str())
            .collect();
        assert_eq!(places, ["[0].entities[0]", "[2].label[0]"]);
        let resolved = parsed
            .resolve(&unannotated(), Some(OffsetUnit::Utf16))
            .unwrap();
        let cafe = samples::find(TRICKY_TEXT, "cafe\u{301}");
        let a = &resolved.incoming.annotations()[0];
        assert_eq!((a.start, a.end), (cafe.start, cafe.end));
        assert!(
            family.end <= cafe.start,
            "after the emoji, where the units differ"
        );
        assert_ne!(cafe.start, start);
    }

    #[test]
    fn one_pretty_printed_record_reads_as_a_line_does() {
        let record = json!({
            "text": "Astana talks\nin Kabul",
            "entities": [
                { "id": 1, "start_offset": 0, "end_offset": 6, "label": "Location" },
                [16, 21, "Location"]
            ]
        });
        let pretty = serde_json::to_string_pretty(&record).unwrap();
        let mut ws = Workspace::new(seed_documents(), default_labels());
        let preview = import(&mut ws, &pretty, Mode::Merge).unwrap();
        assert_eq!(preview.to_string(), "1 document (1 new), 2 annotations");
        let quotes: Vec<&str> = ws
            .annotations(3)
            .unwrap()
            .iter()
            .map(|a| a.quote.as_str())
            .collect();
        assert_eq!(quotes, ["Astana", "Kabul"]);
        let cases: Vec<(String, String)> = vec![
            (
                serde_json::to_string_pretty(&json!({"text": "x", "label": [], "entities": []}))
                    .unwrap(),
                "the file has both label and entities; doccano writes one or the other (read as \
                 doccano JSONL)"
                    .into(),
            ),
            (
                serde_json::to_string_pretty(&json!([{"text": "x"}, {"text": 3}])).unwrap(),
                "[1].text must be a string, not the number 3 (read as doccano JSONL)".into(),
            ),
            (
                serde_json::to_string_pretty(&json!([{"text": "x", "relations": 1}])).unwrap(),
                "[0].relations must be a list, not the number 1".into(),
            ),
        ];
        assert_refused(&cases);
    }
}
