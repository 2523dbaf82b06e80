//! The native JSON export: everything the app holds, lossless, in code points.
//!
//! ```json
//! { "format": "span-annotator", "version": 1, "offset_unit": "codepoint",
//!   "labels": [{ "name": "Person", "color": "#fde68a", "hotkey": "1" }],
//!   "documents": [{ "id": "…", "file_name": "….txt", "title": "…", "text": "…",
//!                   "status": "todo" }],
//!   "annotations": [{ "id": "…", "document_id": "…", "start": 941, "end": 951,
//!                     "quote": "“de-facto”", "label": "Location", "created": "…",
//!                     "note": "…", "entity": "Astana" }],
//!   "relation_types": [{ "name": "located in", "color": "#047857", "hotkey": "l" }],
//!   "relations": [{ "id": "…", "from": "<annotation id>", "to": "<annotation id>",
//!                   "type": "located in", "created": "…", "note": "…" }] }
//! ```
//! `note` and `entity` are there only when the annotation has them;
//! annotations with the same `entity` are mentions of one entity, across
//! documents. `text[start:end] == quote` holds in Python for every annotation. A
//! relation goes from the annotation `from` to the annotation `to`, both of
//! one document; `relations` and `relation_types` are left out when the
//! exported documents have no relations, so such a file reads as before.
//!
//! [`parse`] reads such a file back as an [`Incoming`], refusing it whole,
//! with the place and the reason, at the first thing wrong. Texts are taken
//! exactly as written, `\r` included: the offsets point into them as they
//! are, and exporting again must give the same bytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::{json, Fields};
use super::OFFSET_UNIT;
use super::{ExportError, ExportFile};
use crate::model::import::{
    ImportError, Incoming, IncomingDocument, IncomingLabel, IncomingRelation,
};
use crate::model::offset_unit::{OffsetUnit, UnitIndex};
use crate::model::parsed::{Anchor, Parsed, ParsedAnnotation};
use crate::model::{
    written_hotkey, Annotation, Document, DocumentStatus, Label, RelationType, SpanIndex, Workspace,
};

pub const FORMAT: &str = "span-annotator";
pub const VERSION: u32 = 1;
pub const FILE_NAME: &str = "annotations.json";
pub const MEDIA_TYPE: &str = "application/json";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeExport {
    pub format: String,
    pub version: u32,
    pub offset_unit: String,
    pub labels: Vec<Label>,
    pub documents: Vec<Document>,
    pub annotations: Vec<Annotation>,
    /// Every relation type, when there are relations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relation_types: Vec<RelationType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<NativeRelation>,
}

/// A relation as the native file writes it: its document is its ends'.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeRelation {
    pub id: String,
    pub from: String,
    pub to: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl NativeExport {
    /// Everything `workspace` holds.
    pub fn of(workspace: &Workspace) -> Self {
        let all: Vec<usize> = (0..workspace.document_count()).collect();
        Self::of_documents(workspace, &all)
    }

    /// The documents at `documents` (positions in `workspace`; positions
    /// past the end are skipped) with their annotations, and every label.
    pub fn of_documents(workspace: &Workspace, documents: &[usize]) -> Self {
        let relations: Vec<NativeRelation> = documents
            .iter()
            .filter_map(|&doc| workspace.relations(doc))
            .flatten()
            .map(|r| NativeRelation {
                id: r.id.clone(),
                from: r.from.clone(),
                to: r.to.clone(),
                kind: r.kind.clone(),
                created: r.created.clone(),
                note: r.note.clone(),
            })
            .collect();
        let relation_types = if relations.is_empty() {
            Vec::new()
        } else {
            workspace.relation_types().to_vec()
        };
        Self {
            format: FORMAT.to_string(),
            version: VERSION,
            offset_unit: OFFSET_UNIT.to_string(),
            labels: workspace.labels().to_vec(),
            documents: documents
                .iter()
                .filter_map(|&doc| workspace.document(doc).cloned())
                .collect(),
            annotations: documents
                .iter()
                .filter_map(|&doc| workspace.annotations(doc))
                .flat_map(SpanIndex::iter)
                .cloned()
                .collect(),
            relation_types,
            relations,
        }
    }

    /// Pretty-printed JSON, UTF-8, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("plain data always serialises");
        json.push('\n');
        json
    }
}

/// Reads a native export: the format, version and offset unit it states,
/// then every label, document and annotation with the type of each field
/// (see [`Incoming::new`] for what is checked beyond that).
pub fn parse(contents: &str) -> Result<Incoming, ImportError> {
    let alone = Workspace::new(Vec::new(), Vec::new());
    Ok(from_value(&json(contents)?)?
        .resolve(&alone, None)?
        .incoming)
}

/// The documents at `documents` (positions in `workspace`; positions past
/// the end are skipped) with their annotations, and every label.
/// Offsets count `unit`, which the file states.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let mut file = NativeExport::of_documents(workspace, documents);
    if unit != OffsetUnit::CodePoint {
        let indexes: HashMap<&str, UnitIndex> = file
            .documents
            .iter()
            .map(|d| (d.id.as_str(), UnitIndex::new(&d.text, unit)))
            .collect();
        for annotation in &mut file.annotations {
            if let Some(index) = indexes.get(annotation.document_id.as_str()) {
                (annotation.start, annotation.end) = index.span(annotation.start, annotation.end);
            }
        }
        file.offset_unit = unit.id().to_string();
    }
    Ok(ExportFile::text(FILE_NAME, MEDIA_TYPE, file.to_json()))
}

/// [`parse`] for a file already read as JSON.
pub(super) fn from_value(value: &Value) -> Result<Parsed, ImportError> {
    let file = Fields::of(value, "")?;
    let stated = |name: &str, expected: &str| match file.string(name)? {
        found if found == expected => Ok(()),
        found => Err(file.error(name, format!("is “{found}”; this app reads “{expected}”"))),
    };
    stated("format", FORMAT)?;
    let version = file.get("version")?;
    if version.as_u64() != Some(u64::from(VERSION)) {
        return Err(file.error(
            "version",
            format!("{version} is not supported; this app reads version {VERSION}"),
        ));
    }
    let unit = file.optional_unit()?;

    let mut labels = Vec::new();
    for label in file.list("labels")? {
        let hotkey = match label.optional_string("hotkey")? {
            None => None,
            Some(key) => {
                Some(written_hotkey(key).map_err(|e| label.error("hotkey", e.to_string()))?)
            }
        };
        labels.push(IncomingLabel {
            name: label.string("name")?.to_string(),
            color: Some(label.string("color")?.to_string()),
            hotkey,
        });
    }

    let mut documents = Vec::new();
    // Where each id is, for the annotations to refer to.
    let mut positions = HashMap::new();
    for document in file.list("documents")? {
        let id = document.string("id")?;
        if let Some(first) = positions.insert(id, documents.len()) {
            return Err(document.error(
                "id",
                format!("“{id}” is already the id of documents[{first}]"),
            ));
        }
        documents.push(IncomingDocument {
            id: Some(id.to_string()),
            file_name: Some(document.string("file_name")?.to_string()),
            title: Some(document.string("title")?.to_string()),
            text: Some(document.string("text")?.to_string()),
            status: match document.optional_string("status")? {
                None => None,
                Some(id) => Some(DocumentStatus::from_id(id).ok_or_else(|| {
                    document.error(
                        "status",
                        format!("is “{id}”, not one of “todo”, “in-progress”, “done”"),
                    )
                })?),
            },
            place: document.place,
        });
    }

    let mut annotations = Vec::new();
    // Where each annotation id is, for the relations to refer to.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for annotation in file.list("annotations")? {
        by_id.insert(annotation.string("id")?, annotations.len());
        let document_id = annotation.string("document_id")?;
        let Some(&document) = positions.get(document_id) else {
            return Err(annotation.error(
                "document_id",
                format!("“{document_id}” is not a document of the file"),
            ));
        };
        annotations.push(ParsedAnnotation {
            document,
            id: Some(annotation.string("id")?.to_string()),
            anchor: Anchor::Offsets {
                start: annotation.offset("start")?,
                end: annotation.offset("end")?,
            },
            quote: Some(annotation.string("quote")?.to_string()),
            label: annotation.string("label")?.to_string(),
            created: Some(annotation.string("created")?.to_string()),
            note: annotation.optional_string("note")?.map(str::to_string),
            entity: annotation.optional_string("entity")?.map(str::to_string),
            place: annotation.place,
        });
    }

    let mut relation_types = Vec::new();
    if file.value("relation_types").is_some() {
        for kind in file.list("relation_types")? {
            let hotkey = match kind.optional_string("hotkey")? {
                None => None,
                Some(key) => {
                    Some(written_hotkey(key).map_err(|e| kind.error("hotkey", e.to_string()))?)
                }
            };
            relation_types.push(RelationType {
                name: kind.string("name")?.to_string(),
                color: kind.string("color")?.to_string(),
                hotkey,
            });
        }
    }
    let mut relations = Vec::new();
    if file.value("relations").is_some() {
        for relation in file.list("relations")? {
            let end = |name: &str| {
                let id = relation.string(name)?;
                by_id.get(id).copied().ok_or_else(|| {
                    relation.error(name, format!("“{id}” is not an annotation of the file"))
                })
            };
            relations.push(IncomingRelation {
                id: Some(relation.string("id")?.to_string()),
                from: end("from")?,
                to: end("to")?,
                kind: relation.string("type")?.to_string(),
                created: Some(relation.string("created")?.to_string()),
                note: relation.optional_string("note")?.map(str::to_string),
                place: relation.place,
            });
        }
    }

    Ok(Parsed {
        labels,
        documents,
        annotations,
        relation_types,
        relations,
        // The app's own files counted code points before they said so.
        stated_unit: Some(unit.unwrap_or_default()),
        ..Parsed::default()
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use serde_json::json;

    use super::*;
    use crate::format::registry::tests::{plan_and_apply, NOW};
    use crate::format::samples;
    use crate::model::import::{plan, Mode, Preview};
    use crate::model::{
        default_labels, plan_add_label, plan_recolor, seed_documents, text, Action, Workspace,
    };

    fn export(ws: &Workspace) -> String {
        NativeExport::of(ws).to_json()
    }

    /// Parses `contents` as a native export and imports it into `ws`: the
    /// preview, or the message of whichever step refused it.
    fn import(ws: &mut Workspace, contents: &str, mode: Mode) -> Result<Preview, String> {
        let incoming = parse(contents).map_err(|e| e.to_string())?;
        plan_and_apply(ws, incoming, mode)
    }

    /// Unlike [`samples::workspace`] in every part: a document of its own,
    /// a recoloured label and one more, and other annotations.
    fn other_workspace() -> Workspace {
        let mut ws = Workspace::new(seed_documents(), default_labels());
        let mine = Document::added("mine".into(), "mine.txt".into(), "Zoë שלום 中文".into(), "");
        // Each planned on what the one before left, as the app does.
        let add = ws.plan_add_documents(vec![mine]).unwrap();
        ws.apply(&add).unwrap();
        let recolor = plan_recolor(&ws, "Person", "#e7e5e4").unwrap();
        ws.apply(&recolor).unwrap();
        let weapon = plan_add_label(&ws, "Weapon", "#e7e5e4", Some('7')).unwrap();
        ws.apply(&weapon).unwrap();
        for (doc, span, label, id) in [(0, 17..23, "Person", "x1"), (3, 4..8, "Weapon", "x2")] {
            let action = ws
                .plan_annotate(doc, span, label, id.into(), NOW.into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        let note = ws.plan_note(3, "x2", "mine, with a note").unwrap();
        ws.apply(&note).unwrap();
        ws
    }

    /// The samples' export, edited.
    fn edited(edit: impl FnOnce(&mut Value)) -> String {
        let mut value: Value = serde_json::from_str(&export(&samples::workspace())).unwrap();
        edit(&mut value);
        value.to_string()
    }

    #[test]
    fn replacing_with_an_export_reproduces_it_byte_for_byte_and_undoes() {
        let file = export(&samples::workspace());
        let mut ws = other_workspace();
        let before = export(&ws);
        let incoming = parse(&file).unwrap();
        let mut no_id = || panic!("every id is in the file");
        let plan = plan(&ws, incoming, Mode::Replace, &mut no_id, NOW).unwrap();
        assert_eq!(
            plan.preview.to_string(),
            "4 documents (1 new), 26 annotations, 2 new labels; \
             replaces 4 documents and 2 annotations"
        );
        ws.apply(&plan.action).unwrap();
        assert_eq!(export(&ws), file);
        ws.apply(&plan.action.inverse()).unwrap();
        assert_eq!(export(&ws), before);
    }

    #[test]
    fn statuses_are_written_read_back_for_added_documents_and_ours_are_kept_on_merge() {
        let file = export(&samples::workspace());
        let value: Value = serde_json::from_str(&file).unwrap();
        let statuses: Vec<&str> = value["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["done", "todo", "todo", "in-progress"]);

        let mut ws = Workspace::new(seed_documents(), default_labels());
        import(&mut ws, &file, Mode::Merge).unwrap();
        let statuses: Vec<DocumentStatus> = ws.documents().map(|d| d.status).collect();
        assert_eq!(
            statuses,
            [
                DocumentStatus::Todo,
                DocumentStatus::Todo,
                DocumentStatus::Todo,
                DocumentStatus::InProgress
            ],
            "the seeds here keep theirs; the added document takes the file's"
        );

        let without = edited(|v| {
            for document in v["documents"].as_array_mut().unwrap() {
                document.as_object_mut().unwrap().remove("status");
            }
        });
        let incoming = parse(&without).unwrap();
        assert!(incoming.documents().iter().all(|d| d.status.is_none()));
    }

    #[test]
    fn entities_are_exported_on_their_annotations_and_read_back() {
        let ws = samples::with_entities();
        let file = export(&ws);
        let value: Value = serde_json::from_str(&file).unwrap();
        let named: Vec<(&str, &str)> = value["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| Some((a["id"].as_str()?, a.get("entity")?.as_str()?)))
            .collect();
        let expected: Vec<(&str, &str)> = samples::ENTITIES
            .iter()
            .map(|&(_, id, name)| (id, name))
            .collect();
        assert_eq!(named.len(), expected.len());
        for pair in &expected {
            assert!(named.contains(pair), "{pair:?} in {named:?}");
        }
        // Into a workspace without them, and back out byte for byte.
        let mut fresh = samples::workspace();
        let preview = import(&mut fresh, &file, Mode::Replace).unwrap();
        assert!(preview.to_string().contains("26 annotations"), "{preview}");
        assert_eq!(export(&fresh), file);
        // Names are kept as the app keeps them, trimmed and collapsed.
        let spaced = edited(|v| v["annotations"][0]["entity"] = json!("  Russia \n  Federation "));
        let mut ws = Workspace::new(seed_documents(), default_labels());
        import(&mut ws, &spaced, Mode::Replace).unwrap();
        let first = ws.all_annotations().find(|a| a.quote == "Russia").unwrap();
        assert_eq!(first.entity.as_deref(), Some("Russia Federation"));
        // An entity that is not a string is refused with its place.
        let wrong = edited(|v| v["annotations"][0]["entity"] = json!(7));
        let refused = import(&mut ws, &wrong, Mode::Replace).unwrap_err();
        assert!(refused.contains("annotations[0].entity"), "{refused}");
    }

    #[test]
    fn merging_an_export_into_its_own_state_changes_nothing() {
        let ws = samples::workspace();
        let file = export(&ws);
        let mut no_id = || panic!("every id is in the file");
        let plan = plan(&ws, parse(&file).unwrap(), Mode::Merge, &mut no_id, NOW).unwrap();
        assert_eq!(plan.action, Action::default());
        assert_eq!(
            plan.preview.to_string(),
            "4 documents, 26 annotations; 26 annotations already present"
        );
    }

    #[test]
    fn merging_adds_labels_documents_and_annotations_and_keeps_ours() {
        let file = export(&samples::workspace());
        let mut ws = Workspace::new(seed_documents(), default_labels());
        // A label holding the hotkey the file gives “Armed Group”, and the
        // file's first span under another id.
        let weapon = plan_add_label(&ws, "Weapon", "#e7e5e4", Some('7')).unwrap();
        ws.apply(&weapon).unwrap();
        let russia = ws
            .plan_annotate(0, 17..23, "Location", "mine".into(), NOW.into())
            .unwrap();
        ws.apply(&russia).unwrap();

        let preview = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            "4 documents (1 new), 26 annotations, 2 new labels; 1 annotation already present"
        );
        let names: Vec<&str> = ws.labels().iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names[6..], ["Weapon", "Armed Group", "Лицо"]);
        assert_eq!(ws.label("Armed Group").unwrap().color, "#fecaca");
        assert_eq!(ws.label("Armed Group").unwrap().hotkey, None, "7 is taken");
        assert_eq!(ws.label("Лицо").unwrap().hotkey, Some('8'));
        assert_eq!(
            ws.document(samples::TRICKY),
            samples::workspace().document(samples::TRICKY)
        );
        assert_eq!(ws.all_annotations().count(), 26);
        assert!(ws.annotations(0).unwrap().get("mine").is_some());

        let merged = export(&ws);
        let again = import(&mut ws, &file, Mode::Merge).unwrap();
        assert_eq!(
            again.to_string(),
            "4 documents, 26 annotations; 26 annotations already present"
        );
        assert_eq!(export(&ws), merged);
    }

    #[test]
    fn one_document_exported_merges_back_into_its_state_as_already_present() {
        let mut ws = samples::workspace();
        let before = export(&ws);
        let one = NativeExport::of_documents(&ws, &[samples::TRICKY, 99]).to_json();
        let count = ws.annotations(samples::TRICKY).unwrap().len();
        let preview = import(&mut ws, &one, Mode::Merge).unwrap();
        assert_eq!(
            preview.to_string(),
            format!("1 document, {count} annotations; {count} annotations already present")
        );
        assert_eq!(export(&ws), before);
    }

    #[test]
    fn merging_updates_annotations_that_changed_under_their_id() {
        let mut ws = samples::workspace();
        let file = edited(|v| {
            v["annotations"][0]["note"] = "a new note".into();
            v["annotations"][1]["label"] = "Date".into();
        });
        let before = export(&ws);
        let incoming = parse(&file).unwrap();
        let plan = plan(&ws, incoming, Mode::Merge, &mut || panic!(), NOW).unwrap();
        assert_eq!(
            plan.preview.to_string(),
            "4 documents, 26 annotations; 24 annotations already present; 2 annotations updated"
        );
        ws.apply(&plan.action).unwrap();
        let value: Value = serde_json::from_str(&export(&ws)).unwrap();
        assert_eq!(value["annotations"][0]["note"], "a new note");
        assert_eq!(value["annotations"][1]["label"], "Date");
        ws.apply(&plan.action.inverse()).unwrap();
        assert_eq!(export(&ws), before);
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_place_and_reason_and_changes_nothing() {
        let file = export(&samples::workspace());
        let article = &seed_documents()[0];
        let ten_megabytes = "x".repeat(10_000_000);
        let cases: Vec<(String, String)> = vec![
            (
                "hello".into(),
                "the file is not JSON (expected value at line 1 column 1)".into(),
            ),
            (
                file[..file.find("\"annotations\"").unwrap()].into(),
                "the file is not complete JSON (it ends at line".into(),
            ),
            (" \n".into(), "the file is empty".into()),
            (
                "[1, 2]".into(),
                "the file must be a JSON object, not a list".into(),
            ),
            (
                "\"span-annotator\"".into(),
                "the file must be a JSON object, not a string".into(),
            ),
            (
                edited(|v| v["format"] = "doccano".into()),
                "format is “doccano”; this app reads “span-annotator”".into(),
            ),
            (
                edited(|v| drop(v.as_object_mut().unwrap().remove("format"))),
                "format is missing".into(),
            ),
            (
                edited(|v| v["version"] = 2.into()),
                "version 2 is not supported; this app reads version 1".into(),
            ),
            (
                edited(|v| v["version"] = "1".into()),
                "version \"1\" is not supported".into(),
            ),
            (
                edited(|v| v["offset_unit"] = "furlongs".into()),
                "offset_unit is “furlongs”; this app reads “codepoint”, “utf16” or “utf8”".into(),
            ),
            (
                edited(|v| v["labels"] = json!({})),
                "labels must be a list, not an object".into(),
            ),
            (
                edited(|v| v["labels"][0]["name"] = Value::Null),
                "labels[0].name must be a string, not null".into(),
            ),
            (
                edited(|v| v["labels"][0]["name"] = " ".into()),
                "labels[0].name is empty".into(),
            ),
            (
                edited(|v| v["labels"][3]["name"] = "Person".into()),
                "labels[3].name “Person” is already the name of labels[0]".into(),
            ),
            (
                edited(|v| v["labels"][0]["name"] = "L".repeat(41).into()),
                "labels[0].name is longer than 40 characters".into(),
            ),
            (
                edited(|v| v["labels"][1]["color"] = "red".into()),
                "labels[1].color “red” is not a colour of the form #rrggbb".into(),
            ),
            (
                edited(|v| drop(v["labels"][1].as_object_mut().unwrap().remove("color"))),
                "labels[1].color is missing".into(),
            ),
            (
                edited(|v| v["labels"][0]["hotkey"] = "ab".into()),
                "labels[0].hotkey “ab” cannot be a hotkey: use one letter, digit or sign".into(),
            ),
            (
                edited(|v| v["labels"][0]["hotkey"] = "\t".into()),
                "labels[0].hotkey “\\t” cannot be a hotkey".into(),
            ),
            (
                edited(|v| v["labels"][1]["hotkey"] = "1".into()),
                "labels[1].hotkey “1” is already the hotkey of labels[0]".into(),
            ),
            (
                edited(|v| v["labels"][1]["hotkey"] = 2.into()),
                "labels[1].hotkey must be a string, not the number 2".into(),
            ),
            (
                edited(|v| drop(v.as_object_mut().unwrap().remove("documents"))),
                "documents is missing".into(),
            ),
            (
                edited(|v| v["documents"] = json!([1])),
                "documents[0] must be a JSON object, not the number 1".into(),
            ),
            (
                edited(|v| v["documents"][1]["text"] = Value::Null),
                "documents[1].text must be a string, not null".into(),
            ),
            (
                edited(|v| v["documents"][0]["id"] = 5.into()),
                "documents[0].id must be a string, not the number 5".into(),
            ),
            (
                edited(|v| v["documents"][2]["id"] = v["documents"][0]["id"].clone()),
                "documents[2].id “000_941015829bfed30d” is already the id of documents[0]".into(),
            ),
            (
                edited(|v| v["documents"][3]["text"] = ten_megabytes.as_str().into()),
                "documents[3].text cannot be a document: it is 10.0 MB, more than the 4.0 MB"
                    .into(),
            ),
            (
                edited(|v| v["documents"][3]["text"] = "a\0b".into()),
                "documents[3].text cannot be a document: it holds NUL bytes".into(),
            ),
            (
                edited(|v| v["documents"][3]["text"] = " \r\n".into()),
                "documents[3].text cannot be a document: it is empty".into(),
            ),
            (
                edited(|v| v["documents"][0]["title"] = "".into()),
                "documents[0].title is empty".into(),
            ),
            (
                edited(|v| v["documents"][1]["status"] = "finished".into()),
                "documents[1].status is “finished”, not one of “todo”, “in-progress”, “done”"
                    .into(),
            ),
            (
                edited(|v| v["annotations"] = "none".into()),
                "annotations must be a list, not a string".into(),
            ),
            (
                edited(|v| drop(v["annotations"][0].as_object_mut().unwrap().remove("end"))),
                "annotations[0].end is missing".into(),
            ),
            (
                edited(|v| v["annotations"][0]["start"] = (-1).into()),
                "annotations[0].start = -1 is negative".into(),
            ),
            (
                edited(|v| v["annotations"][0]["end"] = 22.5.into()),
                "annotations[0].end = 22.5 is not a whole number".into(),
            ),
            (
                edited(|v| v["annotations"][0]["start"] = "17".into()),
                "annotations[0].start must be a whole number, not a string".into(),
            ),
            (
                edited(|v| v["annotations"][0]["end"] = 99_999.into()),
                format!(
                    "annotations[0].end = 99999 is past the end of document “{}” ({} code points)",
                    article.title,
                    article.char_len()
                ),
            ),
            (
                edited(|v| v["annotations"][0]["start"] = 30.into()),
                "annotations[0].start = 30 is after its end, 23".into(),
            ),
            (
                edited(|v| v["annotations"][0]["end"] = 17.into()),
                "annotations[0] is empty: its start and end are both 17".into(),
            ),
            (
                edited(|v| v["annotations"][0]["quote"] = "Putin".into()),
                "annotations[0].quote “Putin” does not match the text at 17..23 (“Russia”)".into(),
            ),
            (
                edited(|v| v["annotations"][2]["id"] = v["annotations"][0]["id"].clone()),
                format!(
                    "annotations[2].id “{}” is already the id of annotations[0]",
                    samples::workspace().all_annotations().next().unwrap().id
                ),
            ),
            (
                edited(|v| v["annotations"][0]["label"] = "Nope".into()),
                "annotations[0].label “Nope” is not one of the file’s labels".into(),
            ),
            (
                edited(|v| v["annotations"][0]["document_id"] = "nope".into()),
                "annotations[0].document_id “nope” is not a document of the file".into(),
            ),
            (
                edited(|v| v["annotations"][0]["note"] = 1.into()),
                "annotations[0].note must be a string, not the number 1".into(),
            ),
            (
                edited(|v| v["annotations"][0]["created"] = Value::Null),
                "annotations[0].created must be a string, not null".into(),
            ),
            (
                edited(|v| v["annotations"][0]["id"] = "".into()),
                "annotations[0].id is empty".into(),
            ),
        ];
        let distinct: HashSet<&String> = cases.iter().map(|(_, expected)| expected).collect();
        assert_eq!(distinct.len(), cases.len(), "each case has its own message");
        assert!(cases.len() >= 30);
        for (input, expected) in &cases {
            for mode in [Mode::Merge, Mode::Replace] {
                let mut ws = other_workspace();
                let before = export(&ws);
                let error = import(&mut ws, input, mode).expect_err(expected);
                assert!(
                    error.contains(expected.as_str()),
                    "{mode:?}: expected “{expected}”, got “{error}”"
                );
                assert_eq!(export(&ws), before, "{expected}");
            }
        }
    }

    #[test]
    fn merging_a_document_whose_id_is_here_with_another_text_is_refused() {
        let file = edited(|v| {
            let text = v["documents"][0]["text"].as_str().unwrap().to_string();
            v["documents"][0]["text"] = format!("{text} and more").into();
        });
        let mut ws = other_workspace();
        let before = export(&ws);
        let title = ws.document(0).unwrap().title.clone();
        assert_eq!(
            import(&mut ws, &file, Mode::Merge),
            Err(format!(
                "documents[0] has the id “000_941015829bfed30d” of the document “{title}” here, \
                 but another text"
            ))
        );
        assert_eq!(export(&ws), before);
        import(&mut ws, &file, Mode::Replace).expect("replacing takes the file's text");
        assert!(ws.document(0).unwrap().text.ends_with(" and more"));
    }

    #[test]
    fn export_states_its_unit_and_every_quote_matches_its_offsets() {
        let mut ws = Workspace::new(seed_documents(), default_labels());
        for (doc, span, label, id) in [
            (1, 941..951, "Location", "a"),
            (1, 3590..3630, "Event", "b"),
            (0, 0..5, "Date", "c"),
        ] {
            let action = ws
                .plan_annotate(doc, span, label, id.into(), "2026-01-01T00:00:00Z".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }

        let json = NativeExport::of(&ws).to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format"], "span-annotator");
        assert_eq!(value["version"], 1);
        assert_eq!(value["offset_unit"], "codepoint");
        assert_eq!(value["documents"].as_array().unwrap().len(), 3);
        assert_eq!(
            value["labels"][0],
            serde_json::json!({"name": "Person", "color": "#fde68a", "hotkey": "1"})
        );

        let back: NativeExport = serde_json::from_str(&json).unwrap();
        let ids: Vec<&str> = back.annotations.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"], "documents in order, then text order");
        for a in &back.annotations {
            let doc = back
                .documents
                .iter()
                .find(|d| d.id == a.document_id)
                .unwrap();
            assert_eq!(
                text::slice(&doc.text, a.start, a.end),
                Some(a.quote.as_str())
            );
        }
        assert!(
            back.annotations[2].quote.contains("\u{a0}\n“"),
            "{:?}",
            back.annotations[2].quote
        );
    }
}

/// Relations in the native file: written with their ends' ids, read back
/// onto the annotations they land on.
#[cfg(test)]
mod relation_tests {
    use super::*;
    use crate::format::registry::tests::plan_and_apply;
    use crate::model::import::{plan, Mode};
    use crate::model::{default_labels, text, Relation};

    /// A document with emoji, CJK and RTL text, three annotations and two
    /// relations between them.
    fn related() -> Workspace {
        let text = "👨🏻‍🚒 李 of שלום works in 北京 since 2020.";
        let document = Document::added("d1".into(), "d1.txt".into(), text.into(), "");
        let mut ws = Workspace::new(vec![document], default_labels());
        for (needle, label, id) in [
            ("李", "Person", "p"),
            ("שלום", "Organization", "o"),
            ("北京", "Location", "l"),
        ] {
            let byte = text.find(needle).unwrap();
            let start = text::char_len(&text[..byte]);
            let span = start..start + text::char_len(needle);
            let action = ws
                .plan_annotate(0, span, label, id.into(), "t0".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        for (from, to, kind, id) in [
            ("p", "o", "member of", "r1"),
            ("o", "l", "located in", "r2"),
        ] {
            let action = ws
                .plan_relate(0, from, to, kind, id.into(), "t1".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        let note = ws.plan_relation_note(0, "r2", "HQ").unwrap();
        ws.apply(&note).unwrap();
        ws
    }

    fn relations(ws: &Workspace) -> Vec<Relation> {
        ws.all_relations().cloned().collect()
    }

    #[test]
    fn relations_are_written_with_their_ends_and_type_and_read_back_exactly() {
        let ws = related();
        let json = NativeExport::of(&ws).to_json();
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            value["relations"],
            serde_json::json!([
                {"id": "r1", "from": "p", "to": "o", "type": "member of", "created": "t1"},
                {"id": "r2", "from": "o", "to": "l", "type": "located in", "created": "t1", "note": "HQ"}
            ])
        );
        assert_eq!(value["relation_types"][1]["name"], "located in");
        let mut fresh = Workspace::new(Vec::new(), Vec::new());
        let preview = plan_and_apply(&mut fresh, parse(&json).unwrap(), Mode::Replace).unwrap();
        assert_eq!(preview.relations, 2);
        assert!(preview.to_string().contains("2 relations"), "{preview}");
        assert_eq!(relations(&fresh), relations(&ws));
        assert_eq!(NativeExport::of(&fresh).to_json(), json);
    }

    #[test]
    fn a_workspace_without_relations_exports_as_before() {
        let mut ws = related();
        for id in ["r1", "r2"] {
            let delete = ws.plan_delete_relation(0, id).unwrap();
            ws.apply(&delete).unwrap();
        }
        let json = NativeExport::of(&ws).to_json();
        assert!(!json.contains("relation"), "{json}");
    }

    #[test]
    fn merging_the_same_file_again_adds_no_relation_and_a_changed_one_is_updated() {
        let mut ws = related();
        let json = NativeExport::of(&ws).to_json();
        let again = plan(
            &ws,
            parse(&json).unwrap(),
            Mode::Merge,
            &mut || "new".into(),
            "now",
        )
        .unwrap();
        assert_eq!(again.preview.relations, 0);
        assert!(again.action.relations.is_empty());
        let changed = json.replace(r#""type": "member of""#, r#""type": "says""#);
        plan_and_apply(&mut ws, parse(&changed).unwrap(), Mode::Merge).unwrap();
        assert_eq!(ws.relations(0).unwrap()[0].kind, "says");
    }

    #[test]
    fn a_relation_type_the_workspace_lacks_is_added_and_undone_with_the_import() {
        let source = related();
        let json = NativeExport::of(&source)
            .to_json()
            .replace("member of", "heads");
        let mut ws = Workspace::new(Vec::new(), default_labels());
        let planned = plan(
            &ws,
            parse(&json).unwrap(),
            Mode::Merge,
            &mut || "n".into(),
            "now",
        )
        .unwrap();
        assert_eq!(planned.preview.new_relation_types, 1);
        ws.apply(&planned.action).unwrap();
        assert!(ws.relation_type("heads").is_some());
        assert_eq!(ws.relations(0).unwrap()[0].kind, "heads");
        ws.apply(&planned.action.inverse()).unwrap();
        assert!(ws.relation_type("heads").is_none());
        assert_eq!(ws.all_relations().count(), 0);
    }

    #[test]
    fn a_relation_onto_an_annotation_already_here_lands_on_that_one() {
        let source = related();
        let json = NativeExport::of(&source).to_json();
        // Here: the same spans and labels, under other ids.
        let mut ws = related();
        for id in ["r1", "r2"] {
            let delete = ws.plan_delete_relation(0, id).unwrap();
            ws.apply(&delete).unwrap();
        }
        let renamed = json
            .replace(r#""p""#, r#""p2""#)
            .replace(r#""o""#, r#""o2""#);
        let delete = ws.plan_delete(0, "l").unwrap();
        ws.apply(&delete).unwrap();
        let preview = plan_and_apply(&mut ws, parse(&renamed).unwrap(), Mode::Merge).unwrap();
        assert_eq!(preview.relations, 2);
        let ends: Vec<(String, String)> =
            relations(&ws).into_iter().map(|r| (r.from, r.to)).collect();
        assert_eq!(
            ends,
            [("p".into(), "o".into()), ("o".into(), "l".into())],
            "p2 and o2 are twins of p and o; l is added back"
        );
    }

    #[test]
    fn relations_that_do_not_fit_the_file_are_refused_with_their_place() {
        let json = NativeExport::of(&related()).to_json();
        let refused =
            |from: &str, to: &str| parse(&json.replace(from, to)).unwrap_err().to_string();
        assert_eq!(
            refused(r#""from": "p""#, r#""from": "zz""#),
            "relations[0].from “zz” is not an annotation of the file"
        );
        assert_eq!(
            refused(r#""to": "o""#, r#""to": "p""#),
            "relations[0] links an annotation to itself"
        );
        assert_eq!(
            refused(r#""id": "r2""#, r#""id": "r1""#),
            "relations[1].id “r1” is already the id of relations[0]"
        );
    }
}
