//! The exports as readers that are not this app see them: each export of
//! the samples is written to a temporary folder, next to the native export
//! of the same workspace, and checked by the Python scripts in
//! `tests/readers/` (standard library only, sharing no code with the app).
//! A test fails with the script's report when the script finds a problem,
//! or when `python3` cannot be run at all.
//!
//! Each script is also given an export spoiled on purpose, to show that it
//! does fail then.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::native::NativeExport;
use super::registry::{self, Format};
use super::samples::{self, TRICKY};
use super::{brat, conll, zip};
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

/// Runs `python3 tests/readers/<script> args…` and returns whether it
/// passed, with what it printed.
fn run(script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> (bool, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/readers")
        .join(script);
    let mut command = Command::new("python3");
    command.arg(&path);
    for arg in args {
        command.arg(arg);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", path.display()));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), report)
}

fn passes(script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let (ok, report) = run(script, args);
    assert!(ok, "{script} failed:\n{report}");
    assert!(report.contains(": OK: "), "{script}:\n{report}");
}

fn fails(script: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let (ok, report) = run(script, args);
    assert!(!ok, "{script} passed a spoiled export:\n{report}");
    assert!(report.contains("MISMATCH"), "{script}:\n{report}");
}

/// Checks `script` on a text export (`format`'s of the samples' documents,
/// all of them and the tricky one alone, in `<name>.<extension>` files),
/// then on the tricky one's export with the first `spoil.0` made
/// `spoil.1`, which it must reject.
fn check_text_export(script: &str, extension: &str, format: &Format, spoil: (&str, &str)) {
    let ws = samples::workspace();
    let dir = Scratch::new(extension);
    let native = dir.native(&ws);
    for (name, documents) in [("all", samples::all(&ws)), ("one", vec![TRICKY])] {
        let export = (format.export)(&ws, &documents, OffsetUnit::CodePoint).expect("a file");
        let file = dir.write(&format!("{name}.{extension}"), export.bytes);
        passes(script, &[&file, &native]);
    }
    let export = (format.export)(&ws, &[TRICKY], OffsetUnit::CodePoint).expect("a file");
    let spoiled = export.into_text().replacen(spoil.0, spoil.1, 1);
    let file = dir.write(&format!("spoiled.{extension}"), spoiled);
    fails(script, &[&file, &native]);
}

#[test]
fn check_w3c_reads_the_w3c_export() {
    check_text_export(
        "check_w3c.py",
        "jsonld",
        &registry::W3C,
        ("\"start\": 5", "\"start\": 4"),
    );
}

#[test]
fn check_doccano_reads_the_doccano_export() {
    check_text_export(
        "check_doccano.py",
        "jsonl",
        &registry::DOCCANO,
        ("[5,7,", "[4,7,"),
    );
}

#[test]
fn check_brat_reads_the_brat_export() {
    let ws = samples::workspace();
    let dir = Scratch::new("brat");
    let native = dir.native(&ws);
    for (name, documents) in [("all.zip", samples::all(&ws)), ("one.zip", vec![TRICKY])] {
        let export = brat::export(&ws, &documents, OffsetUnit::CodePoint).expect("a zip");
        let zip = dir.write(name, &export.bytes);
        passes(
            "check_brat.py",
            &[&zip, &native, &export.left_out_spans().to_string()],
        );
    }
    let (mut files, left_out) = brat::collection(&ws, &[TRICKY]);
    for (path, contents) in &mut files {
        if path.ends_with(".ann") {
            *contents = contents.replacen("Location 5 7", "Location 4 6", 1);
        }
    }
    let zip = dir.write("spoiled.zip", zip::write(&files).expect("a zip"));
    fails(
        "check_brat.py",
        &[&zip, &native, &left_out.len().to_string()],
    );
}

#[test]
fn check_conll_reads_the_conll_export() {
    let ws = samples::workspace();
    let dir = Scratch::new("conll");
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
            "check_conll.py",
            &[&file, &native, &positions.join(","), &left_out],
        );
    }
    let export = conll::export(&ws, &[TRICKY], OffsetUnit::CodePoint).expect("a file");
    let left_out = export.left_out_spans().to_string();
    let spoiled = export.into_text().replacen("I-Event", "I-Location", 1);
    let file = dir.write("spoiled.conll", spoiled);
    fails("check_conll.py", &[&file, &native, &"3", &left_out]);
}
