//! The exports as readers that are not this app see them: each export of
//! the samples is written to a temporary folder, next to the native export
//! of the same workspace, and checked by the Python scripts in
//! `tests/readers/`, sharing no code with the app. Two kinds:
//!
//! - our own readers (`check_<format>.py`), standard library only, run
//!   with `python3`;
//! - other tools' own readers: the W3C test suite's schemas
//!   (`check_w3c_schemas.py`), brat's `annotation.py` and
//!   `verify_annotations.py` (`check_brat_reader.py`, vendored, standard
//!   library), `spacy convert` (`check_conll_spacy.py`). Those that need
//!   PyPI packages run with the readers' virtualenv, which `scripts/setup
//!   test` makes ([`Python::Readers`]).
//!
//! A test fails with the script's report when the script finds a problem,
//! or when its Python cannot be run at all: a missing virtualenv is a
//! failure that says to run the setup, never a skipped test.
//!
//! Each script is also given exports spoiled on purpose, to show that it
//! does fail then.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::native::NativeExport;
use super::registry::{self, Format};
use super::samples::{self, TRICKY};
use super::{brat, conll, doccano, labelstudio, spacy, zip};
use crate::model::offset_unit::OffsetUnit;
use crate::model::Workspace;

/// A fresh folder under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "span-annotator-readers-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        Self(dir)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("writes");
        path
    }

    /// The native export of `ws`, the ground truth the scripts compare with.
    fn native(&self, ws: &Workspace) -> PathBuf {
        self.write("native.json", NativeExport::of(ws).to_json())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The Python a script runs with.
#[derive(Clone, Copy)]
enum Python {
    /// `python3` from `PATH`, for scripts that need only its standard library.
    System,
    /// The readers' virtualenv, with the PyPI packages pinned in
    /// `tests/readers/requirements.txt`: its interpreter is
    /// `$SPAN_READERS_PYTHON` (`scripts/test` sets it), or else
    /// `bin/python` in the folder `scripts/setup test` makes,
    /// `$XDG_CACHE_HOME/span-annotator/readers-venv` (`~/.cache` without
    /// `XDG_CACHE_HOME`).
    Readers,
}

impl Python {
    fn program(self) -> PathBuf {
        match self {
            Python::System => PathBuf::from("python3"),
            Python::Readers => {
                let python = std::env::var_os("SPAN_READERS_PYTHON")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| {
                        std::env::var_os("XDG_CACHE_HOME")
                            .map(PathBuf::from)
                            .or_else(|| {
                                std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache"))
                            })
                            .unwrap_or_default()
                            .join("span-annotator/readers-venv/bin/python")
                    });
                assert!(
                    python.is_file(),
                    "the readers' virtualenv is missing ({} is no file): \
                     run `scripts/setup test` (`make test` does) to make it",
                    python.display()
                );
                python
            }
        }
    }
}

/// Runs `tests/readers/<script> args…` with `python` and returns whether
/// it passed, with what it printed.
fn run(python: Python, script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> (bool, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/readers")
        .join(script);
    let program = python.program();
    let mut command = Command::new(&program);
    command.arg(&path);
    for arg in args {
        command.arg(arg);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} {}: {e}", program.display(), path.display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}

fn passes(python: Python, script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let (ok, report) = run(python, script, args);
    assert!(ok, "{script} failed:\n{report}");
    assert!(report.contains(": OK: "), "{script}:\n{report}");
}

fn fails(python: Python, script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let (ok, report) = run(python, script, args);
    assert!(!ok, "{script} passed a spoiled export:\n{report}");
    assert!(report.contains("MISMATCH"), "{script}:\n{report}");
}

/// Checks `script` on a text export (`format`'s of the documents of `ws`,
/// all of them and the tricky one alone, in `<name>.<extension>` files),
/// then on the tricky one's export with the first `from` of each spoil
/// made its `to`, one spoil at a time, which it must reject.
fn check_text_export(
    python: Python,
    script: &str,
    (extension, format): (&str, &Format),
    ws: &Workspace,
    spoils: &[(&str, &str)],
) {
    let dir = Scratch::new(&format!("{extension}-{}", script.trim_end_matches(".py")));
    let native = dir.native(ws);
    for (name, documents) in [("all", samples::all(ws)), ("one", vec![TRICKY])] {
        let export = (format.export)(ws, &documents, OffsetUnit::CodePoint).expect("a file");
        let file = dir.write(&format!("{name}.{extension}"), export.bytes);
        passes(python, script, &[&file, &native]);
    }
    for (from, to) in spoils {
        let export = (format.export)(ws, &[TRICKY], OffsetUnit::CodePoint).expect("a file");
        let text = export.into_text();
        assert!(
            text.contains(from),
            "nothing to spoil: no {from:?} in the export"
        );
        let file = dir.write(&format!("spoiled.{extension}"), text.replacen(from, to, 1));
        fails(python, script, &[&file, &native]);
    }
}

/// The W3C export of the samples with entities and relations.
#[test]
fn check_w3c_reads_the_w3c_export() {
    check_text_export(
        Python::System,
        "check_w3c.py",
        ("jsonld", &registry::W3C),
        &samples::with_relations(),
        &[("\"start\": 5", "\"start\": 4")],
    );
}

/// The W3C export's relations, spoiled: a link turned around, its type
/// changed, its note dropped, a link left out.
#[test]
fn check_w3c_reads_the_relations_and_their_direction() {
    let ws = samples::with_relations();
    let dir = Scratch::new("jsonld-relations-check_w3c");
    let native = dir.native(&ws);
    let text = super::w3c::export(&ws, &samples::all(&ws), OffsetUnit::CodePoint)
        .expect("a file")
        .into_text();
    let collection: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let first_link = collection["first"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .position(|i| i["motivation"] == "linking")
        .expect("a link");
    let spoil = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut spoiled = collection.clone();
        edit(&mut spoiled["first"]["items"][first_link]);
        spoiled.to_string()
    };
    for (what, spoiled) in [
        (
            "reversed",
            spoil(&|link| {
                link["target"].as_array_mut().expect("targets").reverse();
                link["body"][2]["source"] = link["target"][1].clone();
            }),
        ),
        (
            "retyped",
            spoil(&|link| link["body"][0]["value"] = "says".into()),
        ),
        (
            "unnoted",
            spoil(&|link| drop(link["body"].as_array_mut().expect("bodies").remove(1))),
        ),
        (
            "left out",
            spoil(&|link| link["motivation"] = "commenting".into()),
        ),
    ] {
        let file = dir.write(&format!("spoiled-{what}.jsonld"), spoiled);
        fails(Python::System, "check_w3c.py", &[&file, &native]);
    }
}

/// The W3C's own test suite: every MUST assertion of web-annotation-tests,
/// on the samples with relations, each a `linking` annotation. The spoils break one each of an annotation's (a negative offset, a
/// `created` that is no date-time, which only a format checker finds) and
/// of the collection's and its page's (the page's type).
#[test]
fn w3c_test_suite_schemas_accept_the_w3c_export() {
    check_text_export(
        Python::Readers,
        "check_w3c_schemas.py",
        ("jsonld", &registry::W3C),
        &samples::with_relations(),
        &[
            ("\"start\": 5", "\"start\": -5"),
            ("\"created\": \"", "\"created\": \"on "),
            ("\"type\": \"AnnotationPage\"", "\"type\": \"Page\""),
        ],
    );
}

#[test]
fn check_doccano_reads_the_doccano_export() {
    check_text_export(
        Python::System,
        "check_doccano.py",
        ("jsonl", &registry::DOCCANO),
        &samples::workspace(),
        &[("[5,7,", "[4,7,")],
    );
}

/// The doccano export in the relation-extraction shape, of the samples
/// with entities and relations; then spoiled: an entity's name changed, a
/// relation turned around, one pointing at an entity of another line.
#[test]
fn check_doccano_reads_entities_and_relations() {
    let ws = samples::with_relations();
    let dir = Scratch::new("jsonl-relations-check_doccano");
    let native = dir.native(&ws);
    for (name, documents) in [("all", samples::all(&ws)), ("one", vec![TRICKY])] {
        let export = doccano::export(&ws, &documents, OffsetUnit::CodePoint).expect("a file");
        let file = dir.write(&format!("{name}.jsonl"), export.bytes);
        passes(Python::System, "check_doccano.py", &[&file, &native]);
    }
    let text = doccano::export(&ws, &samples::all(&ws), OffsetUnit::CodePoint)
        .expect("a file")
        .into_text();
    let first = text.lines().next().expect("a line");
    let relation: serde_json::Value = serde_json::from_str::<serde_json::Value>(first)
        .expect("a line of JSON")["relations"][0]
        .clone();
    let (from, to) = (&relation["from_id"], &relation["to_id"]);
    for (what, spoiled) in [
        (
            "entity",
            text.replacen("\"Alexander Lavrentiev\"", "\"Lavrentiev\"", 1),
        ),
        (
            "reversed",
            text.replacen(
                &format!("\"from_id\":{from},\"to_id\":{to}"),
                &format!("\"from_id\":{to},\"to_id\":{from}"),
                1,
            ),
        ),
        (
            "elsewhere",
            text.replacen(&format!("\"to_id\":{to}"), "\"to_id\":26", 1),
        ),
    ] {
        assert_ne!(spoiled, text, "nothing to spoil for {what}");
        let file = dir.write(&format!("spoiled-{what}.jsonl"), spoiled);
        fails(Python::System, "check_doccano.py", &[&file, &native]);
    }
}

/// Checks `script` on the brat export of the samples' documents (all of
/// them and the tricky one alone), then on the tricky one's with, one at a
/// time, the first `from` of each spoil made its `to` in the file named
/// with the suffix given, which it must reject.
fn check_brat_export(python: Python, script: &str, spoils: &[(&str, &str, &str)]) {
    let ws = samples::with_relations();
    let dir = Scratch::new(script.trim_end_matches(".py"));
    let native = dir.native(&ws);
    for (name, documents) in [("all.zip", samples::all(&ws)), ("one.zip", vec![TRICKY])] {
        let export = brat::export(&ws, &documents, OffsetUnit::CodePoint).expect("a zip");
        let zip = dir.write(name, &export.bytes);
        let left_out = export.left_out_spans().to_string();
        passes(python, script, &[&zip, &native, &left_out]);
    }
    for (suffix, from, to) in spoils {
        let (mut files, left_out, _) = brat::collection(&ws, &[TRICKY]);
        let (_, contents) = files
            .iter_mut()
            .find(|(path, contents)| path.ends_with(suffix) && contents.contains(from))
            .unwrap_or_else(|| panic!("nothing to spoil: no {from:?} in a {suffix} file"));
        *contents = contents.replacen(from, to, 1);
        let zip = dir.write("spoiled.zip", zip::write(&files).expect("a zip"));
        fails(
            python,
            script,
            &[&zip, &native, &left_out.len().to_string()],
        );
    }
}

#[test]
fn check_brat_reads_the_brat_export() {
    check_brat_export(
        Python::System,
        "check_brat.py",
        &[
            (".ann", "Location 5 7", "Location 4 6"),
            ("annotation.conf", "\nsays\t", "\nsaid\t"),
            (
                ".ann",
                "\tsays Arg1:T10 Arg2:T12",
                "\tsays Arg1:T12 Arg2:T10",
            ),
            (".ann", "AnnotatorNotes R1\t家族", "AnnotatorNotes R1\t家"),
        ],
    );
}

/// brat's own reader. The spoils: offsets that do not hold the text, which
/// `TextAnnotations` rejects; an annotation.conf that no longer allows
/// overlaps, against which `verify_annotations` finds the nested spans; one
/// that lacks a relation type used; an `R` line of another type than its
/// relation's; and a relation's note changed.
#[test]
fn brat_reads_and_verifies_the_brat_export() {
    check_brat_export(
        Python::System,
        "check_brat_reader.py",
        &[
            (".ann", "Location 5 7", "Location 4 6"),
            ("annotation.conf", "<OVERLAP>", "# <OVERLAP>"),
            ("annotation.conf", "\nsays\t", "\nsaid\t"),
            (".ann", "\tsays Arg1:", "\tlocated_in Arg1:"),
            (".ann", "AnnotatorNotes R1\t家族", "AnnotatorNotes R1\t家"),
        ],
    );
}

/// Checks `script` (which takes the CoNLL file, the native export, the
/// exported documents' positions and how many spans were left out) on the
/// CoNLL export of the samples' documents (all of them and the tricky one
/// alone), then on the tricky one's with a tag changed, which it must
/// reject.
fn check_conll_export(python: Python, script: &str) {
    let ws = samples::workspace();
    let dir = Scratch::new(script.trim_end_matches(".py"));
    let native = dir.native(&ws);
    for (name, documents) in [
        ("all.conll", samples::all(&ws)),
        ("one.conll", vec![TRICKY]),
    ] {
        let export = conll::export(&ws, &documents, OffsetUnit::CodePoint).expect("a file");
        let file = dir.write(name, &export.bytes);
        let positions: Vec<String> = documents.iter().map(usize::to_string).collect();
        let left_out = export.left_out_spans().to_string();
        passes(
            python,
            script,
            &[&file, &native, &positions.join(","), &left_out],
        );
    }
    let export = conll::export(&ws, &[TRICKY], OffsetUnit::CodePoint).expect("a file");
    let left_out = export.left_out_spans().to_string();
    let spoiled = export.into_text().replacen("I-Event", "I-Location", 1);
    let file = dir.write("spoiled.conll", spoiled);
    fails(
        python,
        script,
        &[&file, &native, &TRICKY.to_string(), &left_out],
    );
}

#[test]
fn check_conll_reads_the_conll_export() {
    check_conll_export(Python::System, "check_conll.py");
}

/// spaCy's own CoNLL reader: `spacy convert --converter ner`, its DocBin
/// loaded with a blank English vocab.
#[test]
fn spacy_converts_the_conll_export() {
    check_conll_export(Python::Readers, "check_conll_spacy.py");
}

/// Label Studio's own validation (label-studio-sdk's `LabelInterface`), in
/// both units the export writes, of the samples with relations. The
/// spoils: an offset off by one, a label the labeling configuration does
/// not have, a region's control renamed, a relation turned around, a
/// relation type the configuration does not declare.
#[test]
fn label_studio_accepts_the_labelstudio_export() {
    let ws = samples::with_relations();
    let dir = Scratch::new("labelstudio");
    let native = dir.native(&ws);
    for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16] {
        for (name, documents) in [("all", samples::all(&ws)), ("one", vec![TRICKY])] {
            let export = labelstudio::export(&ws, &documents, unit).expect("a file");
            let file = dir.write(&format!("{name}-{}.json", unit.id()), export.bytes);
            passes(
                Python::Readers,
                "check_labelstudio.py",
                &[&file, &native, &unit.id()],
            );
        }
    }
    for (from, to) in [
        ("\"start\": 5,", "\"start\": 4,"),
        ("\"Location\"", "\"Place\""),
        ("\"from_name\": \"label\"", "\"from_name\": \"tag\""),
        ("\"direction\": \"right\"", "\"direction\": \"left\""),
        ("\"takes part in\"", "\"takes a part in\""),
    ] {
        let export = labelstudio::export(&ws, &[TRICKY], OffsetUnit::CodePoint).expect("a file");
        let text = export.into_text();
        assert!(
            text.contains(from),
            "nothing to spoil: no {from:?} in the export"
        );
        let file = dir.write("spoiled.json", text.replacen(from, to, 1));
        fails(
            Python::Readers,
            "check_labelstudio.py",
            &[&file, &native, &"codepoint"],
        );
    }
}

/// spaCy reads the spaCy export as span groups of `Doc.char_span`s, in both
/// units the export writes. The spoils: an offset off by one, a span's
/// label changed.
#[test]
fn spacy_reads_the_spacy_export_as_span_groups() {
    let ws = samples::workspace();
    let dir = Scratch::new("spacy");
    let native = dir.native(&ws);
    for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16] {
        for (name, documents) in [("all", samples::all(&ws)), ("one", vec![TRICKY])] {
            let export = spacy::export(&ws, &documents, unit).expect("a file");
            let file = dir.write(&format!("{name}-{}.jsonl", unit.id()), export.bytes);
            passes(Python::Readers, "check_spacy_spans.py", &[&file, &native]);
        }
    }
    for (from, to) in [
        ("\"start\":5,", "\"start\":4,"),
        ("\"label\":\"Location\"", "\"label\":\"Place\""),
    ] {
        let export = spacy::export(&ws, &[TRICKY], OffsetUnit::CodePoint).expect("a file");
        let text = export.into_text();
        assert!(
            text.contains(from),
            "nothing to spoil: no {from:?} in the export"
        );
        let file = dir.write("spoiled.jsonl", text.replacen(from, to, 1));
        fails(Python::Readers, "check_spacy_spans.py", &[&file, &native]);
    }
}
