//! Fuzzing the import (issue 10): files made from real exports of (part
//! of) the samples' workspace (emoji, ZWJ, combining marks, CJK, right-to-left
//! text, CRLF) in every format that imports (native JSON, W3C, doccano
//! JSONL, Label Studio JSON, spaCy JSONL, CoNLL, and the files of a brat
//! collection) and then damaged, and JSON made up from scratch, each read,
//! planned and applied as the import dialog does, merging and replacing.
//!
//! For every file: nothing panics; a file applied leaves a workspace that
//! would load from storage with nothing to repair, that every format
//! exports (W3C, doccano, Label Studio and spaCy exports read back), whose
//! native export imports again (replacing gives it byte for byte) and whose
//! undo gives back the workspace as it was; a file refused when applied leaves
//! the workspace as it was. (A file refused when read or planned cannot
//! have changed it: [`read`] does not see it and [`plan`] only reads it.)
//! Which message a file gets is not checked here; each format's own tests
//! pin those.
//!
//! Cases: `IMPORT_FUZZ_CASES` (default [`DEFAULT_CASES`]) in all: three
//! tenths damaged native exports, three tenths damaged exports of the other
//! JSON formats, a fifth damaged CoNLL exports and brat collections (one file
//! of it damaged), a fifth made-up JSON. proptest prints the
//! smallest failing file and keeps its seed under `proptest-regressions/`,
//! where the next run tries it first.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

use super::native::NativeExport;
use super::registry::{read, read_files, tests::NOW};
use super::{brat, conll, doccano, labelstudio, samples, spacy, w3c};
use crate::model::import::{plan, Mode};
use crate::model::offset_unit::OffsetUnit;
use crate::model::parsed::Parsed;
use crate::model::{is_blank, repair_document, repair_labels, SpanIndex, Workspace};

/// Cases in all when `IMPORT_FUZZ_CASES` does not say.
const DEFAULT_CASES: u32 = 10_000;

/// How many cases a property runs: its `share` of the total.
fn cases(share: f64) -> u32 {
    let total = std::env::var("IMPORT_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ((f64::from(total) * share).round() as u32).max(1)
}

/// The workspace every file is imported into, its export, and the exports
/// the damaged files start from.
struct Base {
    workspace: Workspace,
    export: String,
    /// Native exports, of everything and of the tricky document alone.
    native: [String; 2],
    /// W3C, doccano, Label Studio (in UTF-16 code units) and spaCy
    /// exports, likewise.
    others: [String; 8],
    /// CoNLL exports, likewise.
    conll: [String; 2],
    /// The files of the brat collection of everything, as (path, contents).
    brat: Vec<(String, String)>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        // The first article and the tricky document of the samples, with
        // their annotations and relations: every kind of character and span the samples
        // have, at a third of their text, which each case goes through a
        // dozen times.
        let samples = samples::workspace();
        let kept = [0, samples::TRICKY];
        let documents = kept.iter().filter_map(|&d| samples.document(d).cloned());
        let mut workspace = Workspace::new(documents.collect(), samples.labels().to_vec());
        for (position, &doc) in kept.iter().enumerate() {
            let annotations = samples
                .annotations(doc)
                .into_iter()
                .flat_map(SpanIndex::iter);
            let refused = workspace.restore(position, annotations.cloned().collect());
            assert_eq!(refused, [], "the samples are valid");
        }
        // Their relations, which the native, W3C, doccano, Label Studio
        // and brat files carry, so that damage reaches those too.
        for (n, &(doc, from, to, kind, note)) in samples::RELATIONS.iter().enumerate() {
            let Some(position) = kept.iter().position(|&d| d == doc) else {
                continue;
            };
            let id = format!("r{n}");
            let relate = workspace
                .plan_relate(
                    position,
                    from,
                    to,
                    kind,
                    id.clone(),
                    samples::CREATED.into(),
                )
                .expect("a valid sample relation");
            workspace.apply(&relate).expect("applies");
            if let Some(note) = note {
                let action = workspace
                    .plan_relation_note(position, &id, note)
                    .expect("a sample relation note");
                workspace.apply(&action).expect("applies");
            }
        }
        let all = [0, 1];
        let tricky = [1];
        Base {
            export: NativeExport::of(&workspace).to_json(),
            native: [
                NativeExport::of(&workspace).to_json(),
                NativeExport::of_documents(&workspace, &tricky).to_json(),
            ],
            others: [
                w3c::export(&workspace, &all, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                w3c::export(&workspace, &tricky, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                doccano::export(&workspace, &all, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                doccano::export(&workspace, &tricky, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                labelstudio::export(&workspace, &all, OffsetUnit::Utf16)
                    .unwrap()
                    .into_text(),
                labelstudio::export(&workspace, &tricky, OffsetUnit::Utf16)
                    .unwrap()
                    .into_text(),
                spacy::export(&workspace, &all, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                spacy::export(&workspace, &tricky, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
            ],
            conll: [
                conll::export(&workspace, &all, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
                conll::export(&workspace, &tricky, OffsetUnit::CodePoint)
                    .unwrap()
                    .into_text(),
            ],
            brat: brat::collection(&workspace, &all).0,
            workspace,
        }
    })
}

fn export(workspace: &Workspace) -> String {
    NativeExport::of(workspace).to_json()
}

/// Imports `contents` into the base workspace both ways and checks what
/// the module's documentation promises.
fn check(contents: &str) -> Result<(), TestCaseError> {
    check_parsed(read(contents).ok().map(|(_, parsed)| parsed))
}

/// Imports what a file was read as, if it was, as [`check`] does.
fn check_parsed(parsed: Option<Parsed>) -> Result<(), TestCaseError> {
    let base = base();
    let Some(Ok(incoming)) = parsed.map(|parsed| parsed.resolve(&base.workspace, None)) else {
        return Ok(());
    };
    let incoming = incoming.incoming;
    for mode in [Mode::Merge, Mode::Replace] {
        let mut workspace = base.workspace.clone();
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("fuzz-{n}")
        };
        let Ok(planned) = plan(&workspace, incoming.clone(), mode, &mut new_id, NOW) else {
            continue;
        };
        if workspace.apply(&planned.action).is_err() {
            prop_assert_eq!(&export(&workspace), &base.export, "{:?}: refused", mode);
            continue;
        }
        let after = export(&workspace);
        stored_as_is(&workspace)?;
        if mode == Mode::Replace {
            // Only the file's data is left: what the other formats make of
            // it alone. (Once a case: they are most of its time.)
            other_exports(&workspace)?;
        }
        let again = read(&after).and_then(|(_, parsed)| parsed.resolve(&base.workspace, None));
        prop_assert!(
            again.is_ok(),
            "{:?}: its export is refused: {:?}",
            mode,
            again
        );
        let mut copy = base.workspace.clone();
        let replaced = again
            .map_err(|e| e.to_string())
            .and_then(|again| {
                plan(&copy, again.incoming, Mode::Replace, &mut new_id, NOW)
                    .map_err(|e| e.to_string())
            })
            .and_then(|replan| copy.apply(&replan.action).map_err(|e| e.to_string()));
        prop_assert!(replaced.is_ok(), "{:?}: {:?}", mode, replaced);
        prop_assert_eq!(
            &export(&copy),
            &after,
            "{:?}: replacing with its export",
            mode
        );
        let undone = workspace.apply(&planned.action.inverse());
        prop_assert!(undone.is_ok(), "{:?}: undo {:?}", mode, undone);
        prop_assert_eq!(&export(&workspace), &base.export, "{:?}: undone", mode);
    }
    Ok(())
}

/// Whether what `workspace` holds would load again from storage with
/// nothing to repair: the import and the load keep the same rules.
fn stored_as_is(workspace: &Workspace) -> Result<(), TestCaseError> {
    let labels = repair_labels(workspace.labels().to_vec());
    prop_assert!(labels.problems.is_empty(), "{:?}", labels.problems);
    for document in workspace.documents() {
        let repaired = repair_document(document.clone()).map(|r| r.problems);
        prop_assert_eq!(repaired, Ok(Vec::new()));
    }
    prop_assert!(workspace.all_annotations().all(|a| !is_blank(&a.id)));
    Ok(())
}

/// Every other format exports `workspace`, and the W3C, doccano, Label
/// Studio and spaCy exports read back.
fn other_exports(workspace: &Workspace) -> Result<(), TestCaseError> {
    let all: Vec<usize> = (0..workspace.document_count()).collect();
    for file in [
        w3c::export(workspace, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text(),
        doccano::export(workspace, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text(),
        labelstudio::export(workspace, &all, OffsetUnit::Utf16)
            .unwrap()
            .into_text(),
        spacy::export(workspace, &all, OffsetUnit::CodePoint)
            .unwrap()
            .into_text(),
    ] {
        let read_back = read(&file).map(drop);
        prop_assert!(read_back.is_ok(), "{:?}", read_back);
    }
    let conll = conll::export(workspace, &all, OffsetUnit::CodePoint)
        .unwrap()
        .into_text();
    prop_assert_eq!(conll.matches(conll::DOCUMENT_START).count(), all.len());
    let zipped = brat::export(workspace, &all, OffsetUnit::CodePoint).map(drop);
    prop_assert!(zipped.is_ok(), "{:?}", zipped);
    Ok(())
}

/// One step of a path into a JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    At(usize),
}

/// The path of every value in `value`, itself first, in document order.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    let mut all = Vec::new();
    let mut stack = vec![(Vec::new(), value)];
    while let Some((path, value)) = stack.pop() {
        let children: Vec<(Step, &Value)> = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Step::At(i), v))
                .collect(),
            Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
            _ => Vec::new(),
        };
        for (step, child) in children.into_iter().rev() {
            let mut child_path = path.clone();
            child_path.push(step);
            stack.push((child_path, child));
        }
        all.push(path);
    }
    all
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter()
        .try_fold(value, |value, step| match (value, step) {
            (Value::Array(items), Step::At(i)) => items.get_mut(*i),
            (Value::Object(map), Step::Key(key)) => map.get_mut(key),
            _ => None,
        })
}

fn at<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter()
        .try_fold(value, |value, step| match (value, step) {
            (Value::Array(items), Step::At(i)) => items.get(*i),
            (Value::Object(map), Step::Key(key)) => map.get(key),
            _ => None,
        })
}

/// A change to one JSON value of a file, at a place picked by an [`Index`]
/// into its [`paths`].
#[derive(Clone, Debug)]
enum Edit {
    /// Takes the value out of its list or object.
    Remove(Index),
    /// Puts a second copy of the value next to it (in an object, under a
    /// new key).
    Duplicate(Index),
    /// Puts a copy of one value in place of another: an id where an offset
    /// goes, a label where a document goes.
    Copy(Index, Index),
    /// Swaps two values that are not inside each other.
    Swap(Index, Index),
    /// Puts an odd value in its place.
    Replace(Index, Value),
    /// Puts an odd string in place of a string: the file stays well-typed,
    /// so the checks past the parser see it. The first index picks the
    /// field name (`title`, `id`, `label`…), the second one of its values,
    /// so that a rare field is hit as often as a common one.
    ReplaceString(Index, Index, String),
    /// Puts an odd number in place of a number, picked the same way.
    ReplaceNumber(Index, Index, Value),
    /// Wraps the value in lists, this many deep.
    Nest(Index, usize),
    /// Makes a string this many times as long.
    Lengthen(Index, usize),
}

fn apply_edit(value: &mut Value, edit: &Edit) {
    let all = paths(value);
    let pick = |index: &Index| all[index.index(all.len())].clone();
    // A value of the kind `is` holds for, if the file has one: first a
    // field name, then a value under it.
    let pick_kind = |name: &Index, one: &Index, is: fn(&Value) -> bool| {
        let mut by_name: Vec<(Option<&Step>, Vec<&Vec<Step>>)> = Vec::new();
        for path in all.iter().filter(|p| at(value, p).is_some_and(is)) {
            let last = path.last().filter(|step| matches!(step, Step::Key(_)));
            match by_name.iter_mut().find(|(name, _)| *name == last) {
                Some((_, paths)) => paths.push(path),
                None => by_name.push((last, vec![path])),
            }
        }
        (!by_name.is_empty()).then(|| {
            let (_, paths) = &by_name[name.index(by_name.len())];
            paths[one.index(paths.len())].clone()
        })
    };
    match edit {
        Edit::Remove(i) => {
            let path = pick(i);
            if let Some((last, parent)) = path.split_last() {
                match (at_mut(value, parent), last) {
                    (Some(Value::Array(items)), Step::At(i)) => drop(items.remove(*i)),
                    (Some(Value::Object(map)), Step::Key(key)) => drop(map.remove(key)),
                    _ => {}
                }
            }
        }
        Edit::Duplicate(i) => {
            let path = pick(i);
            if let Some((last, parent)) = path.split_last() {
                let copy = at(value, &path).cloned().unwrap_or_default();
                match (at_mut(value, parent), last) {
                    (Some(Value::Array(items)), Step::At(i)) => items.insert(*i, copy),
                    (Some(Value::Object(map)), Step::Key(key)) => {
                        map.insert(format!("{key}2"), copy);
                    }
                    _ => {}
                }
            }
        }
        Edit::Copy(from, to) => {
            let copy = at(value, &pick(from)).cloned().unwrap_or_default();
            if let Some(target) = at_mut(value, &pick(to)) {
                *target = copy;
            }
        }
        Edit::Swap(a, b) => {
            let (a, b) = (pick(a), pick(b));
            if a.starts_with(&b) || b.starts_with(&a) {
                return;
            }
            let (Some(va), Some(vb)) = (at(value, &a).cloned(), at(value, &b).cloned()) else {
                return;
            };
            if let Some(target) = at_mut(value, &a) {
                *target = vb;
            }
            if let Some(target) = at_mut(value, &b) {
                *target = va;
            }
        }
        Edit::Replace(i, odd) => {
            if let Some(target) = at_mut(value, &pick(i)) {
                *target = odd.clone();
            }
        }
        Edit::ReplaceString(name, one, odd) => {
            if let Some(path) = pick_kind(name, one, Value::is_string) {
                if let Some(target) = at_mut(value, &path) {
                    *target = Value::String(odd.clone());
                }
            }
        }
        Edit::ReplaceNumber(name, one, odd) => {
            if let Some(path) = pick_kind(name, one, Value::is_number) {
                if let Some(target) = at_mut(value, &path) {
                    *target = odd.clone();
                }
            }
        }
        Edit::Nest(i, depth) => {
            if let Some(target) = at_mut(value, &pick(i)) {
                let mut nested = target.take();
                for _ in 0..*depth {
                    nested = Value::Array(vec![nested]);
                }
                *target = nested;
            }
        }
        Edit::Lengthen(i, times) => {
            if let Some(Value::String(s)) = at_mut(value, &pick(i)) {
                *s = s.repeat(*times);
            }
        }
    }
}

/// Strings that have broken text handling elsewhere: the samples'
/// characters one by one and in odd company, white space of every kind,
/// NUL, noncharacters, and the values the formats look for.
const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "\t",
    "\r",
    "\r\n",
    "\0",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{2028}",
    "\u{85}",
    "\u{202e}abc\u{202c}",
    "e\u{301}",
    "\u{301}",
    "👩\u{200d}👩\u{200d}👧",
    "\u{200d}",
    "🇸🇾",
    "🇸",
    "👋🏽",
    "中文",
    "שלום",
    "مرحبا",
    "“de-facto”",
    "\u{a0}",
    "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
    "Person",
    "person",
    "  Person  ",
    "Лицо",
    "#fde68a",
    "#FDE68A",
    "#zzzzzz",
    "1",
    "span-annotator",
    "codepoint",
    "utf16",
    "Annotation",
    "AnnotationCollection",
    "AnnotationPage",
    "TextPositionSelector",
    "TextQuoteSelector",
    "TextualBody",
    "tagging",
    "commenting",
    "http://www.w3.org/ns/anno.jsonld",
    "urn:span-annotator:document:tricky%2F1%20%C3%BC",
    "urn:span-annotator:document:000_941015829bfed30d",
    "urn:span-annotator:document:%ZZ",
    "urn:span-annotator:document:",
    "urn:span-annotator:annotation:legacy%20id%20%231",
    "urn:uuid:00000000-0000-0000-0000-000000000001",
    "urn:uuid:0000000",
    "tricky/1 ü",
    "000_941015829bfed30d",
    "2026-01-02T03:04:05.678Z",
];

/// The JSON keys the formats read, so that made-up objects look like them.
const KEYS: &[&str] = &[
    "format",
    "version",
    "offset_unit",
    "labels",
    "documents",
    "annotations",
    "name",
    "color",
    "hotkey",
    "id",
    "file_name",
    "title",
    "text",
    "document_id",
    "start",
    "end",
    "quote",
    "label",
    "created",
    "note",
    "@context",
    "type",
    "first",
    "items",
    "next",
    "body",
    "target",
    "source",
    "selector",
    "exact",
    "purpose",
    "value",
    "motivation",
    "entities",
    "start_offset",
    "end_offset",
];

fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u64..200).prop_map(Value::from),
        prop::sample::select(vec![
            u64::MAX.into(),
            i64::MIN.into(),
            (-1).into(),
            0.5.into(),
            1.0.into(),
            (-0.0).into(),
            1e300.into(),
            3769.into(),
            (u64::from(u32::MAX) + 1).into(),
        ]),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
    ]
}

fn odd_string() -> impl Strategy<Value = String> {
    prop_oneof![
        // Blank, which ids, names, titles and texts must not be.
        prop::sample::select(vec!["", " ", "\t", "\r\n", "\u{a0}"]).prop_map(str::to_string),
        prop::sample::select(ODD_STRINGS).prop_map(str::to_string),
        prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        (prop::sample::select(ODD_STRINGS), 1..1_000usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// A value that does not belong where it is put.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        odd_number(),
        odd_string().prop_map(Value::String),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Map::new())),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => any::<Index>().prop_map(Edit::Remove),
        2 => any::<Index>().prop_map(Edit::Duplicate),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Copy(a, b)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        3 => (any::<Index>(), odd_value()).prop_map(|(i, v)| Edit::Replace(i, v)),
        4 => (any::<Index>(), any::<Index>(), odd_string())
            .prop_map(|(name, one, s)| Edit::ReplaceString(name, one, s)),
        2 => (any::<Index>(), any::<Index>(), odd_number())
            .prop_map(|(name, one, n)| Edit::ReplaceNumber(name, one, n)),
        1 => (any::<Index>(), prop_oneof![1..20usize, 120..140usize]).prop_map(|(i, d)| Edit::Nest(i, d)),
        1 => (any::<Index>(), 2..50usize).prop_map(|(i, n)| Edit::Lengthen(i, n)),
    ]
}

/// A change to a file's text, after its JSON is written out.
#[derive(Clone, Debug)]
enum Damage {
    /// Cuts the file short.
    Truncate(Index),
    /// Flips bits of one byte. Where that leaves bytes that are not UTF-8
    /// (which the import dialog refuses before reading), the file is read
    /// as a browser decodes it, with U+FFFD in their place.
    Flip(Index, u8),
    /// Puts a character in.
    Insert(Index, char),
    /// Takes one line out (of a JSONL file, one document).
    DropLine(Index),
    /// Writes one line twice.
    DoubleLine(Index),
    /// Swaps two lines.
    SwapLines(Index, Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<Index>().prop_map(Damage::Truncate),
        (any::<Index>(), 1..=255u8).prop_map(|(i, mask)| Damage::Flip(i, mask)),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Damage::Insert(i, c)),
        any::<Index>().prop_map(Damage::DropLine),
        any::<Index>().prop_map(Damage::DoubleLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Damage::SwapLines(a, b)),
    ]
}

/// The character boundary of `text` nearest below the place `index` picks.
fn boundary(text: &str, index: &Index) -> usize {
    let mut at = index.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply_damage(text: String, damage: &Damage) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = |index: &Index, lines: &[&str]| index.index(lines.len().max(1));
    match damage {
        Damage::Truncate(i) => text[..boundary(&text, i)].to_string(),
        Damage::Flip(i, mask) => {
            let mut bytes = text.into_bytes();
            if !bytes.is_empty() {
                let at = i.index(bytes.len());
                bytes[at] ^= mask;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Damage::Insert(i, c) => {
            let mut text = text;
            text.insert(boundary(&text, i), *c);
            text
        }
        Damage::DropLine(i) if !lines.is_empty() => {
            lines.remove(line(i, &lines));
            lines.concat()
        }
        Damage::DoubleLine(i) if !lines.is_empty() => {
            let at = line(i, &lines);
            lines.insert(at, lines[at]);
            lines.concat()
        }
        Damage::SwapLines(a, b) if !lines.is_empty() => {
            let (a, b) = (line(a, &lines), line(b, &lines));
            lines.swap(a, b);
            lines.concat()
        }
        _ => text,
    }
}

/// `file` with `edits` made to its JSON (to each line's, for JSONL; the
/// edits go to the lines in turn) and then `damages` to its text.
fn damaged(file: &str, edits: &[Edit], damages: &[Damage], pretty: bool) -> String {
    let write = |value: &Value| {
        if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .expect("a JSON value always serialises")
    };
    let text = match serde_json::from_str::<Value>(file) {
        Ok(mut value) => {
            edits.iter().for_each(|edit| apply_edit(&mut value, edit));
            write(&value) + "\n"
        }
        Err(_) => {
            let mut lines: Vec<Value> = file
                .lines()
                .map(|line| serde_json::from_str(line).expect("an exported JSONL line"))
                .collect();
            let count = lines.len();
            for (n, edit) in edits.iter().enumerate() {
                apply_edit(&mut lines[n % count], edit);
            }
            lines
                .iter()
                .map(|line| serde_json::to_string(line).expect("serialises") + "\n")
                .collect()
        }
    };
    damages.iter().fold(text, apply_damage)
}

/// A JSON value made up from the formats' keys and odd values, nested.
fn made_up() -> impl Strategy<Value = Value> {
    odd_value().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|fields| {
                Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
}

/// A made-up file: a value alone, one under a native or W3C header (so
/// that it gets past the first checks), or several as JSONL lines.
fn made_up_file() -> impl Strategy<Value = String> {
    let headed = |header: Value| {
        made_up().prop_map(move |value| {
            let mut file = header.clone();
            if let (Some(file), Value::Object(fields)) = (file.as_object_mut(), value) {
                file.extend(fields);
            }
            file.to_string()
        })
    };
    prop_oneof![
        made_up().prop_map(|v| v.to_string()),
        headed(
            serde_json::json!({"format": "span-annotator", "version": 1, "offset_unit": "codepoint"})
        ),
        headed(
            serde_json::json!({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection"})
        ),
        prop::collection::vec(made_up(), 1..5)
            .prop_map(|lines| lines.iter().map(|l| format!("{l}\n")).collect()),
    ]
}

/// How a damaged export is made, for either property that damages them.
fn damaged_export() -> impl Strategy<Value = (Index, Vec<Edit>, Vec<Damage>, bool)> {
    (
        any::<Index>(),
        prop::collection::vec(edit(), 0..4),
        prop::collection::vec(damage(), 0..2),
        any::<bool>(),
    )
}

// Four properties, so that two test threads share the cases evenly.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(0.3)))]

    #[test]
    fn damaged_native_exports_never_panic_and_refused_ones_change_nothing(
        (file, edits, damages, pretty) in damaged_export()
    ) {
        let files = &base().native;
        check(&damaged(&files[file.index(files.len())], &edits, &damages, pretty))?;
    }

    #[test]
    fn damaged_exports_of_other_formats_never_panic_and_refused_ones_change_nothing(
        (file, edits, damages, pretty) in damaged_export()
    ) {
        let files = &base().others;
        check(&damaged(&files[file.index(files.len())], &edits, &damages, pretty))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(0.2)))]

    #[test]
    fn damaged_conll_exports_and_brat_collections_never_panic_and_refused_ones_change_nothing(
        (file, brat_file) in (any::<Index>(), any::<Index>()),
        damages in prop::collection::vec(damage(), 1..3),
    ) {
        let base = base();
        if file.index(2) == 0 {
            let conll = &base.conll[file.index(base.conll.len())];
            check(&damages.iter().fold(conll.clone(), apply_damage))?;
        } else {
            let damaged = brat_file.index(base.brat.len());
            let files: Vec<(String, Vec<u8>)> = base
                .brat
                .iter()
                .enumerate()
                .map(|(at, (path, contents))| {
                    let contents = if at == damaged {
                        damages.iter().fold(contents.clone(), apply_damage)
                    } else {
                        contents.clone()
                    };
                    (path.clone(), contents.into_bytes())
                })
                .collect();
            check_parsed(read_files(&files).ok().map(|read| read.parsed))?;
        }
    }

    #[test]
    fn made_up_json_never_panics_and_refused_files_change_nothing(
        file in made_up_file(),
        damages in prop::collection::vec(damage(), 0..2),
    ) {
        check(&damages.iter().fold(file, apply_damage))?;
    }
}
