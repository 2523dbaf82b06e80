//! Every format the app writes and reads, in one list: the export menu, the
//! import's detection and the command-line tool all go through it.
//!
//! Each format is a module with the same shape: `export(workspace,
//! documents, unit)` makes an [`ExportFile`], and, where the app reads it,
//! `parse(contents)` makes a [`Parsed`] file (brat, a collection of files,
//! has `parse_zip` and `parse_files`). A file to import is told apart by its
//! contents rather than its name (a download is easily renamed); only
//! several files chosen together are told by their names, as a brat
//! collection. This module is not responsible for what any format means.

use serde_json::Value;

use super::file::{ExportError, ExportFile};
use super::{
    brat, conll, doccano, hypothesis, json::json, labelstudio, native, spacy, w3c, zip,
    MAX_IMPORT_BYTES,
};
use crate::model::import::ImportError;
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::{Parsed, Resolved, UnitSource};
use crate::model::{megabytes, Workspace};

/// One format: how the app names it, and its export and import.
#[derive(Debug)]
pub struct Format {
    /// Its short name, as the command-line tool takes it (`--to conll`)
    /// and in the export button's hook (`export-conll`).
    pub id: &'static str,
    /// Its name on the export button.
    pub button: &'static str,
    /// What it holds, for the button's tooltip.
    pub description: &'static str,
    /// How the app names it to the person importing.
    pub name: &'static str,
    /// The name its export is saved under.
    pub file_name: &'static str,
    /// The documents at the given positions of a workspace (positions past
    /// the end are skipped) as a file of this format.
    pub export: Export,
    /// Whether the app imports this format (its module's `parse`), told
    /// apart from the others by [`read`].
    pub reads: bool,
    /// Whether its export writes offsets in the unit chosen (code points or
    /// UTF-16, `export-offset-unit`), rather than always in one unit.
    pub unit_choice: bool,
}

/// A format's export: the documents at the given positions of a workspace.
/// Offsets are written in the unit given, where the format has offsets
/// that other tools may count otherwise ([`Format::unit_choice`]).
pub type Export = fn(&Workspace, &[usize], OffsetUnit) -> Result<ExportFile, ExportError>;

pub const NATIVE: Format = Format {
    id: "json",
    button: "JSON",
    description: "Everything, lossless: labels, documents, annotations, notes (annotations.json)",
    name: "the app’s own JSON",
    file_name: native::FILE_NAME,
    export: native::export,
    reads: true,
    unit_choice: true,
};

pub const W3C: Format = Format {
    id: "w3c",
    button: "W3C",
    description: "W3C Web Annotation JSON-LD with quote and code-point position selectors",
    name: "W3C Web Annotation JSON-LD",
    file_name: w3c::FILE_NAME,
    export: w3c::export,
    reads: true,
    unit_choice: true,
};

pub const DOCCANO: Format = Format {
    id: "doccano",
    button: "doccano",
    description: "doccano JSONL: one line per document with [start, end, label] spans",
    name: "doccano JSONL",
    file_name: doccano::FILE_NAME,
    export: doccano::export,
    reads: true,
    unit_choice: true,
};

pub const LABELSTUDIO: Format = Format {
    id: "labelstudio",
    button: "Label Studio",
    description: "Label Studio JSON tasks with labelled spans, for its named-entity template \
                  (Label Studio counts code points)",
    name: "Label Studio JSON",
    file_name: labelstudio::FILE_NAME,
    export: labelstudio::export,
    reads: true,
    unit_choice: true,
};

pub const SPACY: Format = Format {
    id: "spacy",
    button: "spaCy",
    description: "spaCy / Prodigy JSONL: one line per document with {start, end, label} spans",
    name: "spaCy / Prodigy JSONL",
    file_name: spacy::FILE_NAME,
    export: spacy::export,
    reads: true,
    unit_choice: true,
};

pub const BRAT: Format = Format {
    id: "brat",
    button: "brat",
    description: "brat standoff: a .txt and an .ann per document, in one .zip",
    name: "brat standoff",
    file_name: brat::FILE_NAME,
    export: brat::export,
    reads: true,
    unit_choice: false,
};

pub const CONLL: Format = Format {
    id: "conll",
    button: "CoNLL",
    description: "CoNLL IOB2: one token per line; overlapping spans cannot be kept",
    name: "CoNLL (BIO tags)",
    file_name: conll::FILE_NAME,
    export: conll::export,
    reads: true,
    unit_choice: false,
};

/// Every format, in the order the export menu shows them.
pub const FORMATS: [&Format; 7] = [&NATIVE, &W3C, &DOCCANO, &LABELSTUDIO, &SPACY, &BRAT, &CONLL];

/// The format whose [`Format::id`] is `id`.
pub fn by_id(id: &str) -> Option<&'static Format> {
    FORMATS.into_iter().find(|format| format.id == id)
}

/// The names of the formats the app reads: "a, b or c".
pub fn readable_names() -> String {
    let names: Vec<&str> = FORMATS
        .into_iter()
        .filter(|format| format.reads)
        .map(|format| format.name)
        .collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A file to import, read and understood.
#[derive(Clone, Debug)]
pub struct Read {
    pub format: &'static Format,
    pub parsed: Parsed,
}

/// Whether a file of `size` bytes may be read for import at all: checked
/// before it is read. The error says why, to follow "“name” was not
/// imported: ".
pub fn check_size(size: usize) -> Result<(), String> {
    if size > MAX_IMPORT_BYTES {
        return Err(format!(
            "it is {}, more than the {} an import can be",
            megabytes(size),
            megabytes(MAX_IMPORT_BYTES)
        ));
    }
    Ok(())
}

/// Reads the bytes of a file to import: a zip of a brat collection, or
/// UTF-8 text in one of the formats that [`read`] tells apart. The error
/// says why, as [`check_size`]'s.
pub fn read_bytes(bytes: &[u8]) -> Result<Read, String> {
    if zip::is_zip(bytes) {
        return brat::parse_zip(bytes)
            .map(|parsed| Read {
                format: &BRAT,
                parsed,
            })
            .map_err(|e| e.to_string());
    }
    let contents = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not UTF-8 text (byte {} is 0x{:02X})",
            e.valid_up_to(),
            bytes[e.valid_up_to()]
        )
    })?;
    read(contents)
        .map(|(format, parsed)| Read { format, parsed })
        .map_err(|e| e.to_string())
}

/// Reads the files chosen for one import, as (file name, contents): one
/// file as [`read_bytes`] does, or several that make a brat collection
/// (`.txt` files, their `.ann` files and its `annotation.conf`; other
/// `.conf` files are ignored). The error says why, as [`check_size`]'s.
pub fn read_files(files: &[(String, Vec<u8>)]) -> Result<Read, String> {
    check_size(files.iter().map(|(_, bytes)| bytes.len()).sum())?;
    match files {
        [] => Err("no file was chosen".into()),
        [(_, bytes)] => read_bytes(bytes),
        files => {
            let brat = files
                .iter()
                .all(|(name, _)| brat::is_collection_file(name) || name.ends_with(".conf"));
            if !brat || !files.iter().any(|(name, _)| name.ends_with(".ann")) {
                return Err(
                    "several files are read together only as a brat collection (each \
                            .txt with its .ann, and annotation.conf); choose one file of any \
                            other format"
                        .into(),
                );
            }
            brat::parse_files(files)
                .map(|parsed| Read {
                    format: &BRAT,
                    parsed,
                })
                .map_err(|e| e.to_string())
        }
    }
}

/// The format of `contents` and what it holds. The file is parsed as JSON
/// once, both to tell the formats apart and to read it. A refusal of a file
/// read as a format names it: "… (read as doccano JSONL)"; a file that fits
/// none is refused naming those the app reads.
pub fn read(contents: &str) -> Result<(&'static Format, Parsed), ImportError> {
    // Some Windows tools start UTF-8 files with a byte-order mark, which no
    // format counts as content.
    let contents = contents.strip_prefix('\u{feff}').unwrap_or(contents);
    match json(contents) {
        Ok(value) if is_w3c(&value) => taken(&W3C, W3C.name, w3c::from_value(&value)),
        // Hypothesis's API JSON is Web Annotation-shaped, but not JSON-LD.
        Ok(value) if hypothesis::is_hypothesis(&value) => {
            taken(&W3C, hypothesis::NAME, hypothesis::from_value(&value))
        }
        Ok(value) if labelstudio::is_labelstudio(&value) => taken(
            &LABELSTUDIO,
            LABELSTUDIO.name,
            labelstudio::from_value(&value),
        ),
        Ok(value) if spacy::is_spacy(&value) => taken(&SPACY, SPACY.name, spacy::parse(contents)),
        Ok(value) if doccano::is_doccano(&value) => {
            taken(&DOCCANO, DOCCANO.name, doccano::from_json(contents, &value))
        }
        Ok(value) if is_native(&value) => taken(&NATIVE, NATIVE.name, native::from_value(&value)),
        Ok(_) => Err(not_a_format()),
        // JSONL is one JSON value a line, so not one JSON value.
        Err(error) => match serde_json::from_str::<Value>(first_line(contents)) {
            Ok(line) if spacy::is_spacy(&line) => taken(&SPACY, SPACY.name, spacy::parse(contents)),
            Ok(line) if line.is_object() => taken(&DOCCANO, DOCCANO.name, doccano::parse(contents)),
            _ if conll::looks_like(contents) => taken(&CONLL, CONLL.name, conll::parse(contents)),
            _ if is_ann(first_line(contents)) => Err(ImportError::new(
                "the file",
                "is a brat .ann file, whose offsets point into its .txt: choose both together \
                 (with annotation.conf, if there is one), or a zip of the collection",
            )),
            _ => Err(error),
        },
    }
}

/// What `format` read, or its refusal naming what the file was read as:
/// "… (read as doccano JSONL)".
fn taken(
    format: &'static Format,
    read_as: &str,
    read: Result<Parsed, ImportError>,
) -> Result<(&'static Format, Parsed), ImportError> {
    read.map(|parsed| (format, parsed))
        .map_err(|e| ImportError::new(e.place, format!("{} (read as {read_as})", e.reason)))
}

/// Why a JSON file that fits no format is refused.
fn not_a_format() -> ImportError {
    ImportError::new(
        "the file",
        format!("is not in a format this app reads ({})", readable_names()),
    )
}

/// Whether `line` is a brat text-bound annotation: `T1<TAB>Label 0 5…`.
fn is_ann(line: &str) -> bool {
    line.split_once('\t').is_some_and(|(id, _)| {
        id.strip_prefix('T')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Whether `value` is meant as the app's own JSON: an object that names a
/// format, or holds documents and annotations.
fn is_native(value: &Value) -> bool {
    value.get("format").is_some()
        || (value.get("documents").is_some() && value.get("annotations").is_some())
}

/// Whether `value` is Web Annotation JSON: it names the model's context or
/// one of its types, or it is a list of such annotations.
fn is_w3c(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(|v| v.is_object() && is_w3c(v)),
        _ => {
            value.get("@context").is_some()
                || matches!(
                    value.get("type").and_then(Value::as_str),
                    Some("AnnotationCollection" | "AnnotationPage" | "Annotation")
                )
        }
    }
}

fn first_line(contents: &str) -> &str {
    contents
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default()
}

/// What the app says of a file it could not read: "“a.json” was not
/// imported: it is empty. Nothing changed."
pub fn not_imported(file_name: &str, why: &str) -> String {
    format!("“{file_name}” was not imported: {why}. Nothing changed.")
}

/// What the import's preview says of the format it read a file as.
pub fn read_as(format: &Format) -> String {
    format!("Read as {}.", format.name)
}

/// What the import's preview says of how a file was read, beyond its
/// format: the unit of its offsets (where it matters) and what may be wrong
/// with it, what the file holds that is not imported, and remarks.
pub fn how_read(parsed: &Parsed, resolved: &Resolved) -> Vec<String> {
    let mut said = Vec::new();
    if resolved.source != UnitSource::Irrelevant {
        said.push(resolved.unit_sentence());
        said.extend(resolved.warnings.iter().cloned());
    }
    if !parsed.dropped.is_empty() {
        let dropped: Vec<String> = parsed.dropped.iter().map(ToString::to_string).collect();
        said.push(format!("Not imported: {}.", dropped.join(", ")));
    }
    said.extend(parsed.remarks.iter().cloned());
    said
}

/// What the import's preview says of a file it read but cannot import.
pub fn cannot_import(error: &ImportError) -> String {
    format!("This cannot be imported: {error}. Nothing will change.")
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::format::native::NativeExport;
    use crate::format::samples;
    use crate::model::import::{plan, Mode, Preview};
    use crate::model::Workspace;

    pub(in crate::format) const NOW: &str = "2026-05-05T05:05:05.000Z";

    /// Reads `contents` and imports it into `ws` as [`plan_and_apply`]
    /// does: the preview, or the message of whichever step refused it.
    pub(in crate::format) fn import(
        ws: &mut Workspace,
        contents: &str,
        mode: Mode,
    ) -> Result<Preview, String> {
        let (_, parsed) = read(contents).map_err(|e| e.to_string())?;
        let resolved = parsed.resolve(ws, None).map_err(|e| e.to_string())?;
        plan_and_apply(ws, resolved.incoming, mode)
    }

    /// Reads the chosen `files` ([`read_files`]) and imports them into `ws`
    /// as [`import`] does.
    pub(in crate::format) fn import_files(
        ws: &mut Workspace,
        files: &[(String, Vec<u8>)],
        mode: Mode,
    ) -> Result<Preview, String> {
        let Read { parsed, .. } = read_files(files)?;
        let resolved = parsed.resolve(ws, None).map_err(|e| e.to_string())?;
        plan_and_apply(ws, resolved.incoming, mode)
    }

    /// Plans importing `incoming` into `ws` (new ids `new-1`, `new-2`…,
    /// stamped [`NOW`]) and applies the plan: the preview, or the message of
    /// whichever step refused it.
    pub(in crate::format) fn plan_and_apply(
        ws: &mut Workspace,
        incoming: crate::model::import::Incoming,
        mode: Mode,
    ) -> Result<Preview, String> {
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("new-{n}")
        };
        let plan = plan(ws, incoming, mode, &mut new_id, NOW).map_err(|e| e.to_string())?;
        ws.apply(&plan.action).map_err(|e| e.to_string())?;
        Ok(plan.preview)
    }

    /// Every span of `ws` as (document, start, end, label), sorted.
    pub(in crate::format) fn spans(ws: &Workspace) -> Vec<(String, usize, usize, String)> {
        let mut spans: Vec<_> = ws
            .all_annotations()
            .map(|a| (a.document_id.clone(), a.start, a.end, a.label.clone()))
            .collect();
        spans.sort();
        spans
    }

    /// The samples' documents, with the default labels and no annotations.
    pub(in crate::format) fn unannotated() -> Workspace {
        let documents = samples::workspace().documents().cloned().collect();
        Workspace::new(documents, crate::model::default_labels())
    }

    /// Asserts that each input is refused with a message containing its
    /// own expected text, merging or replacing, and changes nothing.
    pub(in crate::format) fn assert_refused(cases: &[(String, String)]) {
        let distinct: HashSet<&String> = cases.iter().map(|(_, expected)| expected).collect();
        assert_eq!(distinct.len(), cases.len(), "each case has its own message");
        for (input, expected) in cases {
            for mode in [Mode::Merge, Mode::Replace] {
                let mut ws = unannotated();
                let before = NativeExport::of(&ws).to_json();
                let error = import(&mut ws, input, mode).expect_err(expected);
                assert!(
                    error.contains(expected.as_str()),
                    "{mode:?}: expected “{expected}”, got “{error}”"
                );
                assert_eq!(NativeExport::of(&ws).to_json(), before, "{expected}");
            }
        }
    }

    fn format_of(contents: &str) -> Result<&'static str, String> {
        read(contents)
            .map(|(format, _)| format.id)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_formats_read_are_named_in_the_registrys_order() {
        assert_eq!(
            readable_names(),
            "the app’s own JSON, W3C Web Annotation JSON-LD, doccano JSONL, Label Studio JSON, \
             spaCy / Prodigy JSONL, brat standoff or CoNLL (BIO tags)"
        );
        assert_eq!(by_id("conll").map(|f| f.button), Some("CoNLL"));
        assert!(by_id("xml").is_none());
        let ws = samples::workspace();
        for format in FORMATS {
            let file = (format.export)(&ws, &samples::all(&ws), OffsetUnit::CodePoint).unwrap();
            assert_eq!(file.name, format.file_name);
        }
    }

    #[test]
    fn each_export_is_told_apart_by_its_contents() {
        let ws = samples::workspace();
        let all = samples::all(&ws);
        let w3c = w3c::export(&ws, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let items: Value = serde_json::from_str(&w3c).unwrap();
        let items = &items["first"]["items"];
        let no_annotations = Workspace::new(crate::model::seed_documents(), Vec::new());
        let labelstudio = labelstudio::export(&ws, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        let tasks: Value = serde_json::from_str(&labelstudio).unwrap();
        // JSON-MIN: the data fields and each control tag's spans.
        let json_min: Value = tasks
            .as_array()
            .unwrap()
            .iter()
            .map(|task| {
                let mut record = task["data"].clone();
                record["label"] = task["annotations"][0]["result"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["value"].clone())
                    .collect();
                record
            })
            .collect();
        let spacy = spacy::export(&ws, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text();
        for (contents, format) in [
            (NativeExport::of(&ws).to_json(), "json"),
            (
                format!("\u{feff}{}", NativeExport::of(&ws).to_json()),
                "json",
            ),
            (w3c.clone(), "w3c"),
            (
                w3c::export(&ws, &[samples::TRICKY], OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                "w3c",
            ),
            (
                w3c::export(&no_annotations, &[0], OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                "w3c",
            ),
            (items.to_string(), "w3c"),
            (items[0].to_string(), "w3c"),
            (
                doccano::export(&ws, &all, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                "doccano",
            ),
            (
                doccano::export(&ws, &[0], OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                "doccano",
            ),
            (labelstudio.clone(), "labelstudio"),
            (tasks[0].to_string(), "labelstudio"),
            (
                labelstudio::export(&no_annotations, &[0], OffsetUnit::Utf16)
                    .unwrap()
                    .into_text(),
                "labelstudio",
            ),
            (json_min.to_string(), "labelstudio"),
            (json_min[0].to_string(), "labelstudio"),
            (spacy.clone(), "spacy"),
            (
                spacy::export(&ws, &[0], OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                "spacy",
            ),
            (
                format!("[{}]", spacy.trim_end().replace('\n', ",")),
                "spacy",
            ),
            (
                conll::export(&ws, &all, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                "conll",
            ),
            ("Moscow\tB-LOC\n".into(), "conll"),
        ] {
            assert_eq!(format_of(&contents), Ok(format), "{contents:.60}");
        }
        assert_eq!(
            format_of("{\"format\": \"span-annotator\",\n"),
            Err("the file is not complete JSON (it ends at line 2, column 0)".into())
        );
        for other in ["[1, 2]", "\"span-annotator\"", "{}", "[]"] {
            assert_eq!(
                format_of(other),
                Err(format!(
                    "the file is not in a format this app reads ({})",
                    readable_names()
                )),
                "{other}"
            );
        }
        assert_eq!(
            format_of("Moscow is the capital.\n"),
            Err("the file is not JSON (expected value at line 1 column 1)".into()),
            "text in no format is refused as JSON is"
        );
    }

    #[test]
    fn a_refusal_names_the_format_read_or_those_the_app_reads() {
        // A list of objects no reader takes (one token tagger's output).
        let unknown = serde_json::json!([{ "sentence": "Astana talks", "tags": ["B-LOC", "O"] }]);
        let w3c_without_quote = serde_json::json!([{
            "@context": w3c::CONTEXT,
            "type": "Annotation",
            "body": { "type": "TextualBody", "purpose": "tagging", "value": "Person" },
            "target": { "source": "tricky/1 ü",
                        "selector": { "type": "TextPositionSelector", "start": 9, "end": 7 } }
        }]);
        let cases: Vec<(String, String)> = vec![
            (
                unknown.to_string(),
                format!(
                    "the file is not in a format this app reads ({})",
                    readable_names()
                ),
            ),
            (
                "{\"format\": \"span-annotator\", \"version\": 1}".into(),
                "labels is missing (read as the app’s own JSON)".into(),
            ),
            (
                serde_json::json!({"total": 0, "rows": 3}).to_string(),
                "rows must be a list, not the number 3 (read as Hypothesis API JSON)".into(),
            ),
            (
                "{\"text\": 3}\n".into(),
                "line 1: text must be a string, not the number 3 (read as doccano JSONL)".into(),
            ),
            (
                w3c_without_quote.to_string(),
                "[0].start = 9 is after its end, 7".into(),
            ),
        ];
        assert_refused(&cases);
        let error = import(
            &mut unannotated(),
            &w3c_without_quote.to_string(),
            Mode::Merge,
        )
        .unwrap_err();
        assert!(!error.contains("quote"), "{error}");
    }

    #[test]
    fn files_are_read_one_alone_or_several_as_a_brat_collection() {
        let ws = samples::workspace();
        let zip = brat::export(&ws, &samples::all(&ws), OffsetUnit::CodePoint).unwrap();
        let read = |files: &[(&str, &[u8])]| {
            let files: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
                .collect();
            read_files(&files).map(|r| (r.format.id, r.parsed))
        };
        let (format, zipped) = read(&[("annotations.brat.zip", &zip.bytes)]).unwrap();
        assert_eq!(format, "brat");
        assert_eq!(zipped.documents.len(), 4);
        assert_eq!(read_bytes(&zip.bytes).unwrap().parsed, zipped);
        let native = NativeExport::of(&ws).to_json();
        let (format, parsed) = read(&[("whatever.txt", native.as_bytes())]).unwrap();
        assert_eq!(
            (format, parsed),
            read(&[("a.json", native.as_bytes())]).unwrap()
        );
        let (format, pair) = read(&[
            ("a.ann", b"T1\tCity 0 6\tMoscow\n"),
            ("a.txt", b"Moscow"),
            ("kb_shortcuts.conf", b"P Person\n"),
        ])
        .unwrap();
        assert_eq!((format, pair.annotations.len()), ("brat", 1));
        assert_eq!(read(&[]).map(drop), Err("no file was chosen".into()));
        assert_eq!(
            read(&[("a.txt", b"Moscow"), ("b.txt", b"Astana")]).map(drop),
            Err(
                "several files are read together only as a brat collection (each .txt with \
                 its .ann, and annotation.conf); choose one file of any other format"
                    .into()
            ),
            "texts without annotations are not an import"
        );
        let large = vec![b' '; MAX_IMPORT_BYTES / 2 + 1];
        assert_eq!(
            read(&[("a.txt", &large), ("a.ann", &large)]).map(drop),
            Err("it is 64.0 MB, more than the 64.0 MB an import can be".into())
        );
    }
}
