//! Label Studio's JSON: tasks with labelled text spans, as its named-entity
//! template (`<Labels name="label" toName="text">` over `<Text name="text"
//! value="$text">`) makes them. [`export`] writes tasks Label Studio
//! imports as annotated; [`parse`] reads them back, and Label Studio's own
//! JSON and JSON-MIN exports.
//!
//! ```json
//! [{"id": 1,
//!   "data": {"text": "…", "document_id": "001_c07fc3de27d30260", "offset_unit": "codepoint"},
//!   "annotations": [{"result": [{"id": "…", "from_name": "label", "to_name": "text", "type": "labels",
//!                                "value": {"start": 941, "end": 951, "text": "Kazakhstan", "labels": ["Location"]}}]}]}]
//! ```
//!
//! **Offsets.** Label Studio counts `value.start` and `value.end` in code
//! points, as Python does. In HumanSignal/label-studio:
//!
//! - `web/libs/editor/src/utils/selection-tools.js`: `charsToCodePoints`
//!   and `findGlobalOffset` convert the browser's UTF-16 offsets with
//!   `[...text].length` ("In python and other modern tools complex unicode
//!   symbols handled as code points").
//! - `web/libs/editor/tests/integration/e2e/ner/emoji.cy.ts` expects
//!   `start` 21 for "test" in "🐱 Warning: This is a test text" (its data
//!   in `web/libs/editor/tests/integration/data/ner/emoji.ts`), with the
//!   older renderer and the newer one (feature flag `FF_LSDV_4620_3`, its
//!   `domManager.md`; label-studio#6135 fixed its emoji offsets in 2024).
//! - Versions before 2022 counted UTF-16 code units (label-studio#1347,
//!   fixed by label-studio#1559, merged as label-studio-frontend#308).
//!
//! The export writes the unit chosen and says which in `data.offset_unit`;
//! the import reads what a file states, and otherwise the unit in which
//! every `value.text` matches.
//!
//! **Export.** One task per document, numbered from 1, with the text, the
//! document's id and the unit in `data` (Label Studio keeps extra `data`
//! keys with the task); each span is one result of one annotation, sorted
//! by start, then end, its annotation's id as the result's id. A document
//! without spans has no annotation, so Label Studio counts it unlabelled.
//! A span's note is the region's meta text, `"meta": {"text": ["…"]}`,
//! which Label Studio shows and edits in the region's details whatever
//! the labelling configuration (a per-region `<TextArea>` would need one
//! the project may not have). Relations follow the spans in the same `result`, as Label Studio's
//! relation extraction writes them: `{"from_id": "<from's id>", "to_id":
//! "<to's id>", "type": "relation", "direction": "right", "labels":
//! ["member of"]}`, without their note. Label Studio shows their labels
//! when the project's configuration declares them, `<Relations><Relation
//! value="member of"/>…</Relations>` beside the `<Labels>`.
//!
//! **Import.** The file is a list of tasks or one task; a task is either
//! the full export (`data` and `annotations`, also `predictions`) or a
//! JSON-MIN record. The text is `data.text`, or, without it, the `data`
//! field a span's `to_name` names; `data.document_id`, if given, finds the
//! document here by id, and otherwise a document with the identical text.
//!
//! - **Results** of `"type": "labels"` are spans; one with several labels
//!   becomes one annotation per label, as this app gives each span one
//!   label. `value.text` is their quote, except where Label Studio wrote a
//!   line break as the two characters `\n` (`captureSelection` in
//!   `selection-tools.js`; `emoji.cy.ts` expects "Warning:\\n🐱 This is a
//!   test"), which quotes nothing. A region's meta text is its note (its
//!   strings one per line). Every annotation of every annotator is
//!   read; the same span and label twice is imported once.
//! - **Relations** (`"type": "relation"`) between two regions of their
//!   annotation (by the regions' `id`) become relations from `from_id` to
//!   `to_id`, the other way for `"direction": "left"`, one per label (its
//!   type; types the workspace lacks are added). A `"bi"` relation is
//!   imported from `from_id` to `to_id` and counted; one without a label,
//!   or whose end is not a labelled span of its annotation, or that links a
//!   span to itself, is counted and skipped.
//! - **Left out, and counted** in the preview: results of other types
//!   (choices, text areas, ratings…),
//!   annotations skipped in Label Studio (`was_cancelled`), predictions
//!   (a model's suggestions: accept them in Label Studio first) and drafts.
//! - **JSON-MIN** (label-studio-sdk `converter.py`, `convert_to_json_min`)
//!   writes one record per annotation: the task's `data` fields, its `id`,
//!   and for each control tag a list named after it (`"label"` in the
//!   template) of `{start, end, text, labels}`. Any list of objects with
//!   `labels` is read as spans; the tag's name says nothing of the text, so
//!   the text is `text`. Other fields (the annotator, choices written as
//!   plain strings) are not read.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::json::{json, placed, string_at, Fields};
use super::{documents_in_unit, ExportError, ExportFile, UnitSpan};
use crate::model::import::{ImportError, IncomingDocument, IncomingRelation};
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::{Anchor, Parsed, ParsedAnnotation};
use crate::model::Workspace;

pub const FILE_NAME: &str = "labelstudio.json";
pub const MEDIA_TYPE: &str = "application/json";

#[derive(Serialize)]
struct Task<'a> {
    id: usize,
    data: Data<'a>,
    annotations: Vec<Submitted<'a>>,
}

#[derive(Serialize)]
struct Data<'a> {
    text: &'a str,
    document_id: &'a str,
    offset_unit: &'static str,
}

#[derive(Serialize)]
struct Submitted<'a> {
    result: Vec<Outcome<'a>>,
}

/// A result: a labelled span, or a relation between two of them.
#[derive(Serialize)]
#[serde(untagged)]
enum Outcome<'a> {
    Region(Region<'a>),
    Relation {
        from_id: &'a str,
        to_id: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
        direction: &'static str,
        labels: [&'a str; 1],
    },
}

#[derive(Serialize)]
struct Region<'a> {
    id: &'a str,
    from_name: &'static str,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: RegionValue<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<Meta<'a>>,
}

/// A region's meta information: its text is the note.
#[derive(Serialize)]
struct Meta<'a> {
    text: [&'a str; 1],
}

#[derive(Serialize)]
struct RegionValue<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    labels: [&'a str; 1],
}

/// The documents at `documents` (positions in `workspace`; positions past
/// the end are skipped) as a list of Label Studio tasks.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let mut tasks = Vec::new();
    for (document, spans) in documents_in_unit(workspace, documents, unit) {
        let mut result: Vec<Outcome> = spans
            .iter()
            .map(
                |&UnitSpan {
                     start,
                     end,
                     annotation: a,
                 }| {
                    Outcome::Region(Region {
                        id: &a.id,
                        from_name: "label",
                        to_name: "text",
                        kind: "labels",
                        value: RegionValue {
                            start,
                            end,
                            text: &a.quote,
                            labels: [&a.label],
                        },
                        meta: a.note.as_deref().map(|note| Meta { text: [note] }),
                    })
                },
            )
            .collect();
        let relations = workspace
            .position(&document.id)
            .and_then(|doc| workspace.relations(doc))
            .unwrap_or_default();
        result.extend(relations.iter().map(|r| Outcome::Relation {
            from_id: &r.from,
            to_id: &r.to,
            kind: "relation",
            direction: "right",
            labels: [&r.kind],
        }));
        tasks.push(Task {
            id: tasks.len() + 1,
            data: Data {
                text: &document.text,
                document_id: &document.id,
                offset_unit: unit.id(),
            },
            annotations: if result.is_empty() {
                Vec::new()
            } else {
                vec![Submitted { result }]
            },
        });
    }
    let mut json = serde_json::to_string_pretty(&tasks).expect("plain data always serialises");
    json.push('\n');
    Ok(ExportFile::text(FILE_NAME, MEDIA_TYPE, json))
}

/// Whether `value` looks like Label Studio's JSON: a task (or a list whose
/// first item is one) with `data` and `annotations` or `predictions`, or a
/// JSON-MIN record, which has a list of spans with `labels`.
pub(super) fn is_labelstudio(value: &Value) -> bool {
    let first = match value {
        Value::Array(items) => items.first(),
        one => Some(one),
    };
    first.is_some_and(|task| {
        let full = task.get("data").is_some()
            && (task.get("annotations").is_some() || task.get("predictions").is_some());
        let min = task.get("format").is_none()
            && task
                .as_object()
                .is_some_and(|fields| fields.values().any(holds_spans));
        full || min
    })
}

/// Whether `value` is a JSON-MIN list of spans: objects with `labels`.
fn holds_spans(value: &Value) -> bool {
    value.as_array().is_some_and(|items| {
        !items.is_empty()
            && items
                .iter()
                .all(|item| item.get("labels").is_some_and(Value::is_array))
    })
}

/// Reads Label Studio JSON (see the module's documentation), refusing it
/// whole, with the place and the reason, at the first thing wrong.
pub fn parse(contents: &str) -> Result<Parsed, ImportError> {
    from_value(&json(contents)?)
}

pub(super) fn from_value(value: &Value) -> Result<Parsed, ImportError> {
    let tasks = match value {
        Value::Array(items) => placed(items, ""),
        one => vec![(String::new(), one)],
    };
    let mut parsed = Parsed::default();
    for (place, value) in tasks {
        let task = Fields::of(value, &place)?;
        if task.value("data").is_some() {
            read_task(&task, &mut parsed)?;
        } else {
            read_min(&task, value, &mut parsed)?;
        }
    }
    Ok(parsed)
}

/// A task of the full export: its text, the results of every annotation
/// not skipped, and what is left out.
fn read_task(task: &Fields, parsed: &mut Parsed) -> Result<(), ImportError> {
    let data = Fields::of(task.get("data")?, &task.path("data"))?;
    // The results of each annotation not skipped: a relation's ends are
    // regions of its own annotation.
    let mut submitted = Vec::new();
    if task.value("annotations").is_some() {
        for annotation in task.list("annotations")? {
            if annotation.value("was_cancelled") == Some(&Value::Bool(true)) {
                parsed.leave_out("skipped annotation", "skipped in Label Studio");
            } else if annotation.value("result").is_some() {
                submitted.push(annotation.list("result")?);
            }
        }
    }
    let text = match data.value("text") {
        Some(_) => "text",
        None => submitted
            .iter()
            .flatten()
            .find_map(|r| {
                r.value("to_name")
                    .and_then(Value::as_str)
                    .filter(|name| data.value(name).is_some())
            })
            .ok_or_else(|| data.error("text", "is missing"))?,
    };
    let document = read_document(&data, text, parsed)?;
    for results in submitted {
        // The first annotation each region id made.
        let mut regions = HashMap::new();
        let mut relations = Vec::new();
        for result in results {
            match result.optional_string("type")? {
                Some("labels") => {
                    let value = Fields::of(result.get("value")?, &result.path("value"))?;
                    let first = parsed.annotations.len();
                    read_span(&value, meta_note(&result), document, parsed)?;
                    if let Some(id) = result.value("id") {
                        regions.entry(id.to_string()).or_insert(first);
                    }
                }
                Some("relation") => relations.push(result),
                Some(other) => parsed.leave_out(
                    &format!("“{other}” result"),
                    "the app reads labelled spans and relations only",
                ),
                None => return Err(result.error("type", "is missing")),
            }
        }
        for relation in relations {
            read_relation(&relation, &regions, parsed)?;
        }
    }
    for (name, what, why) in [
        (
            "predictions",
            "prediction",
            "a model’s suggestions; accept them in Label Studio first",
        ),
        ("drafts", "draft", "not submitted in Label Studio"),
    ] {
        if task.value(name).is_some() {
            for _ in task.items(name)? {
                parsed.leave_out(what, why);
            }
        }
    }
    Ok(())
}

/// A relation, `{from_id, to_id, direction, labels}`, between two regions
/// of its annotation (`regions`: the index of the first annotation each
/// region id made): one relation per label, from `from_id` to `to_id`, or
/// the other way for `"direction": "left"`. What cannot be kept (no label,
/// an end that is no region, both ends one region) is counted.
fn read_relation(
    relation: &Fields,
    regions: &HashMap<String, usize>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let end = |name: &str| {
        relation
            .value(name)
            .and_then(|id| regions.get(&id.to_string()).copied())
    };
    let (Some(from), Some(to)) = (end("from_id"), end("to_id")) else {
        parsed.leave_out(
            "relation",
            "an end is not a labelled span of its annotation",
        );
        return Ok(());
    };
    if from == to {
        parsed.leave_out("relation", "it links a span to itself");
        return Ok(());
    }
    let (from, to) = match relation.optional_string("direction")? {
        Some("left") => (to, from),
        Some("bi") => {
            parsed.leave_out(
                "two-way relation",
                "a relation here has one direction; it is imported from from_id to to_id",
            );
            (from, to)
        }
        _ => (from, to),
    };
    let labels = match relation.value("labels") {
        Some(_) => relation.items("labels")?,
        None => Vec::new(),
    };
    if labels.is_empty() {
        parsed.leave_out("relation without a label", "a relation here needs a type");
    }
    for (place, label) in labels {
        parsed.relations.push(IncomingRelation {
            place: relation.place.clone(),
            id: None,
            from,
            to,
            kind: string_at(label, &place)?.to_string(),
            created: None,
            note: None,
        });
    }
    Ok(())
}

/// A JSON-MIN record: its text and every list of spans it holds.
fn read_min(record: &Fields, value: &Value, parsed: &mut Parsed) -> Result<(), ImportError> {
    let document = read_document(record, "text", parsed)?;
    for (name, field) in value.as_object().into_iter().flatten() {
        if holds_spans(field) {
            for span in record.list(name)? {
                read_span(&span, None, document, parsed)?;
            }
        }
    }
    Ok(())
}

/// The document whose text is the field `text` of `fields`, with the id
/// and unit they state: its position in `parsed`.
fn read_document(fields: &Fields, text: &str, parsed: &mut Parsed) -> Result<usize, ImportError> {
    if let Some(unit) = fields.optional_unit()? {
        if parsed.stated_unit.is_some_and(|first| first != unit) {
            return Err(fields.error("offset_unit", "differs from the first task’s"));
        }
        parsed.stated_unit = Some(unit);
    }
    parsed.documents.push(IncomingDocument {
        id: fields.optional_string("document_id")?.map(str::to_string),
        file_name: None,
        title: None,
        text: Some(fields.string(text)?.to_string()),
        place: if fields.place.is_empty() {
            "the task".into()
        } else {
            fields.place.clone()
        },
        status: None,
    });
    Ok(parsed.documents.len() - 1)
}

/// The note of a region: the strings of its `meta.text`, one per line;
/// none when there are none. Meta information is free-form in Label
/// Studio, so anything else in it is not read.
fn meta_note(result: &Fields) -> Option<String> {
    let lines: Vec<&str> = match result.value("meta")?.get("text")? {
        Value::String(text) => vec![text],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let note = lines.join("\n");
    (!note.trim().is_empty()).then_some(note)
}

/// A span, `{start, end, text, labels}` with its `note`: one annotation
/// per label.
fn read_span(
    value: &Fields,
    note: Option<String>,
    document: usize,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let start = value.offset("start")?;
    let end = value.offset("end")?;
    let labels = value.items("labels")?;
    if labels.is_empty() {
        return Err(value.error("labels", "is empty"));
    }
    // Label Studio writes a line break in a span as the two characters
    // `\n`: such a text is no quote.
    let quote = value
        .optional_string("text")?
        .filter(|text| !text.contains("\\n"));
    for (place, label) in labels {
        parsed.annotations.push(ParsedAnnotation {
            place: value.place.clone(),
            document,
            id: None,
            anchor: Anchor::Offsets { start, end },
            quote: quote.map(str::to_string),
            label: string_at(label, &place)?.to_string(),
            created: None,
            note: note.clone(),
            entity: None,
        });
    }
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

    /// The export of every sample document in `unit`, its JSON edited.
    fn edited(unit: OffsetUnit, edit: impl Fn(&mut Value)) -> String {
        let ws = samples::workspace();
        let mut tasks: Value =
            serde_json::from_str(&exported(&ws, &samples::all(&ws), unit)).unwrap();
        edit(&mut tasks);
        tasks.to_string()
    }

    /// `file`'s tasks with each result's id taken out and the results of
    /// one span sorted by label: what stays when the spans are the same but
    /// their ids new.
    fn without_ids(file: &str) -> Value {
        let mut tasks: Value = serde_json::from_str(file).unwrap();
        for task in tasks.as_array_mut().unwrap() {
            for annotation in task["annotations"].as_array_mut().unwrap() {
                let result = annotation["result"].as_array_mut().unwrap();
                for region in result.iter_mut() {
                    region.as_object_mut().unwrap().remove("id");
                }
                result.sort_by_key(|r| {
                    let v = &r["value"];
                    (
                        v["start"].as_u64(),
                        v["end"].as_u64(),
                        v["labels"][0].to_string(),
                    )
                });
            }
        }
        tasks
    }

    #[test]
    fn one_task_per_document_with_one_labels_result_per_span() {
        let ws = samples::workspace();
        let file = exported(&ws, &samples::all(&ws), OffsetUnit::CodePoint);
        let tasks: Value = serde_json::from_str(&file).unwrap();
        let tasks = tasks.as_array().unwrap();
        assert_eq!(tasks.len(), 4);
        let mut regions = 0;
        for (doc, task) in tasks.iter().enumerate() {
            let document = ws.document(doc).unwrap();
            assert_eq!(task["id"], doc + 1);
            assert_eq!(
                task["data"],
                json!({"text": document.text, "document_id": document.id, "offset_unit": "codepoint"})
            );
            let result = task["annotations"][0]["result"].as_array().unwrap();
            let mut previous = (0, 0);
            for region in result {
                assert_eq!(
                    (&region["from_name"], &region["to_name"], &region["type"]),
                    (&json!("label"), &json!("text"), &json!("labels"))
                );
                let value = &region["value"];
                let (start, end) = (
                    value["start"].as_u64().unwrap() as usize,
                    value["end"].as_u64().unwrap() as usize,
                );
                assert!(previous <= (start, end), "sorted by start, then end");
                previous = (start, end);
                let annotation = ws
                    .annotations(doc)
                    .unwrap()
                    .iter()
                    .find(|a| a.id == region["id"].as_str().unwrap())
                    .unwrap();
                assert_eq!((annotation.start, annotation.end), (start, end));
                assert_eq!(value["labels"], json!([annotation.label]));
                assert_eq!(
                    value["text"],
                    text::slice(&document.text, start, end).unwrap()
                );
                regions += 1;
            }
        }
        assert_eq!(regions, ws.all_annotations().count());
        let unlabelled = Workspace::new(crate::model::seed_documents(), Vec::new());
        let file = exported(&unlabelled, &[0], OffsetUnit::CodePoint);
        let tasks: Value = serde_json::from_str(&file).unwrap();
        assert_eq!(tasks[0]["annotations"], json!([]), "no empty annotation");
    }

    #[test]
    fn utf16_offsets_count_the_flag_four_units_and_the_family_eight() {
        let ws = samples::workspace();
        let file = exported(&ws, &[TRICKY], OffsetUnit::Utf16);
        let tasks: Value = serde_json::from_str(&file).unwrap();
        assert_eq!(tasks[0]["data"]["offset_unit"], "utf16");
        let result = tasks[0]["annotations"][0]["result"].as_array().unwrap();
        let family = result
            .iter()
            .find(|r| r["value"]["labels"][0] == "Person")
            .unwrap();
        assert_eq!(
            family["value"],
            json!({"start": 21, "end": 29, "text": "👩\u{200d}👩\u{200d}👧", "labels": ["Person"]})
        );
        let flag = &result[0]["value"];
        assert_eq!((&flag["start"], &flag["end"]), (&json!(5), &json!(9)));
        assert_eq!(TRICKY_TEXT.encode_utf16().take(9).skip(5).count(), 4);
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
            assert_eq!(
                without_ids(&exported(&ws, &samples::all(&ws), unit)),
                without_ids(&file),
                "{unit}"
            );
            let again = import(&mut ws, &file, Mode::Merge).unwrap();
            assert_eq!(
                again.to_string(),
                "4 documents, 26 annotations; 26 annotations already present"
            );
        }
    }

    /// Notes (tabs, line breaks and all) are the regions' meta text and
    /// come back as they were; a region without one has no `meta`, and
    /// meta text of several strings is one line each.
    #[test]
    fn notes_are_meta_text_and_come_back_whole() {
        let notes = |ws: &Workspace| -> Vec<(String, Option<String>)> {
            let mut all: Vec<_> = ws
                .all_annotations()
                .map(|a| (a.quote.clone(), a.note.clone()))
                .collect();
            all.sort();
            all
        };
        let original = samples::workspace();
        assert!(notes(&original)
            .iter()
            .any(|(_, n)| n.as_deref().is_some_and(|n| n.contains('\n'))));
        let file = exported(&original, &samples::all(&original), OffsetUnit::CodePoint);
        let tasks: Value = serde_json::from_str(&file).unwrap();
        for region in tasks.as_array().unwrap().iter().flat_map(|task| {
            task["annotations"][0]["result"]
                .as_array()
                .into_iter()
                .flatten()
        }) {
            let id = region["id"].as_str().unwrap();
            let note = original
                .all_annotations()
                .find(|a| a.id == id)
                .unwrap()
                .note
                .clone();
            match note {
                Some(note) => assert_eq!(region["meta"], json!({"text": [note]})),
                None => assert_eq!(region.get("meta"), None),
            }
        }
        let mut ws = unannotated();
        import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(notes(&ws), notes(&original));

        let lines = edited(OffsetUnit::CodePoint, |tasks| {
            let results = tasks[0]["annotations"][0]["result"].as_array_mut().unwrap();
            for result in results.iter_mut() {
                result.as_object_mut().unwrap().remove("meta");
            }
            results[0]["meta"] = json!({"text": ["first", "second"], "score": 3});
        });
        let mut ws = unannotated();
        import(&mut ws, &lines, Mode::Merge).unwrap();
        let first = ws.annotations(0).unwrap().iter().find(|a| a.note.is_some());
        assert_eq!(first.and_then(|a| a.note.as_deref()), Some("first\nsecond"));
    }

    #[test]
    fn without_a_stated_unit_the_quotes_show_utf16() {
        let file = edited(OffsetUnit::Utf16, |tasks| {
            for task in tasks.as_array_mut().unwrap() {
                task["data"].as_object_mut().unwrap().remove("offset_unit");
                task["data"].as_object_mut().unwrap().remove("document_id");
            }
        });
        let (format, parsed) = read(&file).unwrap();
        assert_eq!(format.id, "labelstudio");
        let mut ws = unannotated();
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(resolved.unit, OffsetUnit::Utf16);
        assert_eq!(
            resolved.unit_sentence(),
            "Offsets count UTF-16 code units: every quote in the file matches in that unit."
        );
        import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(spans(&ws), spans(&samples::workspace()));
    }

    /// Label Studio's own test of emoji (HumanSignal/label-studio,
    /// `web/libs/editor/tests/integration/e2e/ner/emoji.cy.ts`), as its
    /// export holds it: "test" starts at code point 21; a selection over a
    /// line break has `\n` in its text as two characters.
    #[test]
    fn label_studios_emoji_test_reads_in_code_points() {
        let task = |text: &str, start: usize, end: usize, quote: &str| {
            json!([{"id": 1, "data": {"text": text}, "annotations": [{"id": 1, "result": [
                {"id": "x1", "from_name": "tag", "to_name": "text", "type": "labels",
                 "value": {"start": start, "end": end, "text": quote, "labels": ["region"]}}]}]}])
            .to_string()
        };
        let one = task("🐱 Warning: This is a test text", 21, 25, "test");
        let (_, parsed) = read(&one).unwrap();
        let ws = Workspace::new(Vec::new(), default_labels());
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(
            how_read(&parsed, &resolved),
            ["Offsets count code points: every quote in the file matches in that unit."]
        );
        assert_eq!(resolved.samples, ["test"]);

        let multiline = task(
            "🐱 Warning:\n🐱 This is a test text",
            2,
            27,
            "Warning:\\n🐱 This is a test",
        );
        let (_, parsed) = read(&multiline).unwrap();
        assert_eq!(parsed.annotations[0].quote, None, "`\\n` quotes nothing");
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(resolved.unit, OffsetUnit::CodePoint);
        assert_eq!(resolved.samples, ["Warning:\n🐱 This is a test"]);
    }

    #[test]
    fn json_min_records_read_as_the_full_export_does() {
        // As label-studio-sdk's `convert_to_json_min` writes them: the data
        // fields, the task's id, each control tag's spans under its name.
        let file = edited(OffsetUnit::CodePoint, |tasks| {
            let records: Vec<Value> = tasks
                .as_array()
                .unwrap()
                .iter()
                .map(|task| {
                    let mut record = task["data"].clone();
                    record["id"] = task["id"].clone();
                    let spans: Vec<Value> = task["annotations"][0]["result"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["value"].clone())
                        .collect();
                    record["label"] = spans.into();
                    record["annotator"] = 1.into();
                    record["annotation_id"] = 7.into();
                    record["lead_time"] = 4.2.into();
                    record
                })
                .collect();
            *tasks = records.into();
        });
        let (format, _) = read(&file).unwrap();
        assert_eq!(format.id, "labelstudio");
        let mut ws = unannotated();
        import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(spans(&ws), spans(&samples::workspace()));
    }

    #[test]
    fn every_annotator_is_read_and_several_labels_make_several_annotations() {
        let text = "Astana talks in Kazakhstan";
        let region = |id: &str, start: usize, end: usize, labels: Value| {
            json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": start, "end": end, "labels": labels}})
        };
        let file = json!({"id": 7, "data": {"text": text}, "annotations": [
            {"id": 1, "result": [region("a", 0, 6, json!(["Location", "Event"]))]},
            {"id": 2, "result": [region("a", 0, 6, json!(["Location"])), region("b", 16, 26, json!(["Location"]))]},
        ]})
        .to_string();
        let mut ws = Workspace::new(Vec::new(), default_labels());
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "1 document (1 new), 4 annotations; 1 annotation already present"
        );
        let mut got: Vec<_> = ws
            .all_annotations()
            .map(|a| (a.start, a.end, a.label.as_str()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [(0, 6, "Event"), (0, 6, "Location"), (16, 26, "Location")]
        );
    }

    #[test]
    fn unlabelled_relations_other_results_skipped_annotations_predictions_and_drafts_are_counted() {
        let file = edited(OffsetUnit::CodePoint, |tasks| {
            let task = &mut tasks[0];
            let result = task["annotations"][0]["result"].as_array_mut().unwrap();
            let (from, to) = (result[0]["id"].clone(), result[1]["id"].clone());
            result.push(json!({"type": "relation", "from_id": from, "to_id": to, "direction": "right", "labels": []}));
            result.push(json!({"id": "c", "type": "choices", "from_name": "sentiment", "to_name": "text", "value": {"choices": ["Neutral"]}}));
            result.push(json!({"id": "r", "type": "rating", "from_name": "stars", "to_name": "text", "value": {"rating": 4}}));
            let annotations = task["annotations"].as_array_mut().unwrap();
            annotations.push(json!({"id": 9, "was_cancelled": true, "result": []}));
            task["predictions"] = json!([{"model_version": "one", "result": []}, {"model_version": "two", "result": []}]);
            task["drafts"] = json!([{"result": []}]);
        });
        let (_, parsed) = read(&file).unwrap();
        let ws = unannotated();
        let resolved = parsed.resolve(&ws, None).unwrap();
        assert_eq!(
            how_read(&parsed, &resolved).last().unwrap(),
            "Not imported: 1 skipped annotation (skipped in Label Studio), 1 “choices” result \
             (the app reads labelled spans and relations only), 1 “rating” result (the app reads \
             labelled spans and relations only), 1 relation without a label (a relation here \
             needs a type), 2 predictions (a model’s suggestions; accept them in Label Studio \
             first), 1 draft (not submitted in Label Studio)."
        );
        assert_eq!(resolved.incoming.annotations().len(), 26);
    }

    #[test]
    fn relations_are_relation_results_and_come_back_with_type_and_direction() {
        let original = samples::with_relations();
        let all = samples::all(&original);
        let file = export(&original, &all, OffsetUnit::CodePoint).unwrap();
        assert_eq!(file.relations_left_out, None, "{}", file.summary());
        let file = file.into_text();
        let tasks: Value = serde_json::from_str(&file).unwrap();
        let first = original.all_relations().next().unwrap();
        let result = tasks[0]["annotations"][0]["result"].as_array().unwrap();
        assert_eq!(
            result.last().unwrap(),
            &json!({"from_id": first.from, "to_id": first.to, "type": "relation",
                    "direction": "right", "labels": ["member of"]})
        );
        let mut ws = unannotated();
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents, 26 annotations, 2 new labels, 5 relations"
        );
        // Label Studio's results have no note: the relations come back
        // without theirs.
        let without_notes: Vec<samples::SeenRelation> = samples::seen_relations(&original)
            .into_iter()
            .map(|(doc, from, kind, to, _)| (doc, from, kind, to, None))
            .collect();
        assert_eq!(samples::seen_relations(&ws), without_notes);
        let again = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            again.to_string(),
            "4 documents, 26 annotations; 26 annotations already present"
        );
    }

    #[test]
    fn a_left_relation_turns_around_and_what_cannot_be_kept_is_counted() {
        let text = "Lavrentiev heads the Russian delegation in Astana";
        let region = |id: &str, start: usize, end: usize, label: &str| {
            json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": start, "end": end, "labels": [label]}})
        };
        let relation = |from: &str, to: &str, direction: &str, labels: Value| {
            json!({"from_id": from, "to_id": to, "type": "relation",
                   "direction": direction, "labels": labels})
        };
        let file = json!({"data": {"text": text}, "annotations": [
            {"result": [
                relation("d", "p", "left", json!(["member of"])),
                region("p", 0, 10, "Person"),
                region("d", 21, 39, "Organization"),
                region("a", 43, 49, "Location"),
                relation("d", "a", "bi", json!(["located in", "based in"])),
                relation("p", "x", "right", json!(["says"])),
                relation("p", "p", "right", json!(["says"])),
            ]},
            {"result": [region("a2", 43, 49, "Location"), relation("p", "a2", "right", json!(["says"]))]}
        ]})
        .to_string();
        let (_, parsed) = read(&file).unwrap();
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        assert_eq!(
            dropped,
            [
                "1 two-way relation (a relation here has one direction; it is imported from \
                 from_id to to_id)",
                "2 relations (an end is not a labelled span of its annotation)",
                "1 relation (it links a span to itself)",
            ]
        );
        let mut ws = Workspace::new(Vec::new(), default_labels());
        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "1 document (1 new), 4 annotations, 3 relations, 1 new relation type; 1 annotation \
             already present"
        );
        let quote = |id: &str| {
            ws.all_annotations()
                .find(|a| a.id == id)
                .unwrap()
                .quote
                .clone()
        };
        let mut seen: Vec<(String, String, String)> = ws
            .all_relations()
            .map(|r| (quote(&r.from), r.kind.clone(), quote(&r.to)))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                (
                    "Lavrentiev".into(),
                    "member of".into(),
                    "Russian delegation".into()
                ),
                (
                    "Russian delegation".into(),
                    "based in".into(),
                    "Astana".into()
                ),
                (
                    "Russian delegation".into(),
                    "located in".into(),
                    "Astana".into()
                ),
            ]
        );
    }

    #[test]
    fn without_data_text_the_text_is_the_field_the_spans_name() {
        let file = json!([{"data": {"title": "Talks", "body": "Astana talks"}, "annotations": [{"result": [
            {"from_name": "ner", "to_name": "body", "type": "labels", "value": {"start": 0, "end": 6, "labels": ["Location"]}}]}]}])
        .to_string();
        let mut ws = Workspace::new(Vec::new(), default_labels());
        import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(&*ws.document(0).unwrap().text, "Astana talks");
        assert_eq!(ws.all_annotations().next().unwrap().quote, "Astana");
    }

    /// `tests/fixtures/labelstudio/`: Label Studio's documented example of
    /// pre-annotated named-entity tasks (see the README there).
    #[test]
    fn label_studios_documented_example_is_read_and_its_predictions_counted() {
        let file = include_str!(
            "../../../../tests/fixtures/labelstudio/example_preannotated_ner_tasks.json"
        );
        let (format, parsed) = read(file).unwrap();
        assert_eq!(format.id, "labelstudio");
        assert_eq!(parsed.documents.len(), 2);
        assert!(parsed.documents[0]
            .text
            .as_deref()
            .unwrap()
            .starts_with("All that changed"));
        assert_eq!(parsed.dropped.len(), 1);
        assert_eq!(
            parsed.dropped[0].to_string(),
            "4 predictions (a model’s suggestions; accept them in Label Studio first)"
        );
        let mut ws = Workspace::new(Vec::new(), default_labels());
        let preview = import(&mut ws, file, Mode::Merge).unwrap();
        assert_eq!(preview.to_string(), "2 documents (2 new), 0 annotations");
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_place_and_reason_and_changes_nothing() {
        let ws = samples::workspace();
        let article = ws.document(0).unwrap();
        let first =
            |edit: &dyn Fn(&mut Value)| edited(OffsetUnit::CodePoint, |tasks| edit(&mut tasks[0]));
        let cases: Vec<(String, String)> = vec![
            (
                first(&|t| t["data"] = json!("text")),
                "[0].data must be a JSON object, not a string".into(),
            ),
            (
                first(&|t| drop(t["data"].as_object_mut().unwrap().remove("text"))),
                "[0].data.text is missing".into(),
            ),
            (
                first(&|t| t["data"]["text"] = 5.into()),
                "[0].data.text must be a string, not the number 5".into(),
            ),
            (
                first(&|t| t["annotations"] = json!({})),
                "[0].annotations must be a list, not an object".into(),
            ),
            (
                first(&|t| t["annotations"][0]["result"] = json!("none")),
                "[0].annotations[0].result must be a list, not a string".into(),
            ),
            (
                first(&|t| drop(t["annotations"][0]["result"][0].as_object_mut().unwrap().remove("type"))),
                "[0].annotations[0].result[0].type is missing".into(),
            ),
            (
                first(&|t| t["annotations"][0]["result"][0]["value"]["start"] = (-1).into()),
                "[0].annotations[0].result[0].value.start = -1 is negative".into(),
            ),
            (
                first(&|t| drop(t["annotations"][0]["result"][0]["value"].as_object_mut().unwrap().remove("end"))),
                "[0].annotations[0].result[0].value.end is missing".into(),
            ),
            (
                first(&|t| t["annotations"][0]["result"][0]["value"]["labels"] = json!([])),
                "[0].annotations[0].result[0].value.labels is empty".into(),
            ),
            (
                first(&|t| t["annotations"][0]["result"][0]["value"]["labels"] = json!(["Location", 3])),
                "[0].annotations[0].result[0].value.labels[1] must be a string, not the number 3".into(),
            ),
            (
                first(&|t| t["annotations"][0]["result"][0]["value"]["end"] = 99_999.into()),
                format!(
                    "[0].annotations[0].result[0].value.end = 99999 is past the end of document “{}” \
                     ({} code points)",
                    article.id,
                    article.char_len()
                ),
            ),
            (
                first(&|t| t["annotations"][0]["result"][0]["value"]["text"] = "Moscow".into()),
                "[0].annotations[0].result[0].value.quote “Moscow” does not match the text".into(),
            ),
            (
                edited(OffsetUnit::CodePoint, |tasks| tasks[1]["data"]["offset_unit"] = "utf16".into()),
                "[1].data.offset_unit differs from the first task’s".into(),
            ),
            (
                first(&|t| t["data"]["offset_unit"] = "furlongs".into()),
                "[0].data.offset_unit is “furlongs”; this app reads “codepoint”, “utf16” or “utf8”"
                    .into(),
            ),
        ];
        assert_refused(&cases);
    }
}
