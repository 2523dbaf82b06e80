//! The command-line tool as a pipeline runs it: the built binary, files on
//! disk, exit statuses. What it writes is checked against the core's own
//! export of the same workspace, and what it says against the app's
//! messages; the end-to-end suite checks it against the app's downloads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use span_core::format::registry::{self, FORMATS};
use span_core::model::import::{plan, Mode};
use span_core::model::offset_unit::OffsetUnit;
use span_core::model::{default_labels, seed_documents, Workspace};

/// Text where UTF-8 bytes, UTF-16 units and code points all differ: a
/// skin-toned ZWJ emoji, CJK, Hebrew, a curly quote and a no-break space.
const DOCCANO: &str = concat!(
    r#"{"text": "Lavrentiev met 👨🏻‍🚒 in “Astana”.", "label": [[0, 10, "Person"], [24, 30, "Location"], [15, 19, "Weapon"]], "document_id": "d1"}"#,
    "\n",
    r#"{"text": "中文\u00a0שלום", "label": [[0, 2, "Location"]], "document_id": "d2"}"#,
    "\n",
);

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("span-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        Self(dir)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("writes");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_span-cli"));
    for arg in args {
        command.arg(arg);
    }
    command.output().expect("span-cli runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// The workspace the app holds after importing `contents` in replace mode
/// on a first visit.
fn imported(contents: &str) -> Workspace {
    let fresh = Workspace::new(seed_documents(), default_labels());
    let (_, parsed) = registry::read(contents).expect("reads");
    let incoming = parsed.resolve(&fresh, None).expect("resolves").incoming;
    let mut n = 0;
    let mut new_id = || {
        n += 1;
        format!("id-{n}")
    };
    let plan = plan(
        &fresh,
        incoming,
        Mode::Replace,
        &mut new_id,
        "2026-01-01T00:00:00.000Z",
    )
    .expect("plans");
    let mut workspace = fresh;
    workspace.apply(&plan.action).expect("applies");
    workspace
}

#[test]
fn convert_writes_what_the_core_exports_for_every_format_and_scope() {
    let dir = Scratch::new("convert");
    // A native file carries every id and stamp, so nothing is made up.
    let source = imported(DOCCANO);
    let native =
        (registry::NATIVE.export)(&source, &[0, 1], OffsetUnit::CodePoint).expect("exports");
    let input = dir.write("in.json", &native.bytes);
    let workspace = imported(std::str::from_utf8(&native.bytes).unwrap());
    for format in FORMATS {
        let out = dir.0.join(format!("out.{}", format.id));
        let output = run(&[&"convert", &input, &"--to", &format.id, &"-o", &out]);
        assert!(output.status.success(), "{}: {output:?}", format.id);
        let expected =
            (format.export)(&workspace, &[0, 1], OffsetUnit::CodePoint).expect("exports");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            expected.bytes,
            "{}",
            format.id
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stderr).trim_end(),
            expected.summary(),
            "{}",
            format.id
        );
    }
    let output = run(&[&"convert", &input, &"--to", &"conll", &"--document", &"d2"]);
    let expected = (registry::CONLL.export)(&workspace, &[1], OffsetUnit::CodePoint).unwrap();
    assert_eq!(
        output.stdout, expected.bytes,
        "only the named document, to stdout"
    );
    let output = run(&[&"convert", &input, &"--to", &"conll", &"--document", &"d9"]);
    assert_eq!(output.status.code(), Some(1));
    let output = run(&[&"convert", &input, &"--to", &"xml"]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a format not in the registry"
    );
}

#[test]
fn converting_one_file_twice_gives_the_same_bytes() {
    let dir = Scratch::new("twice");
    let input = dir.write("in.jsonl", DOCCANO);
    let first = run(&[&"convert", &input, &"--to", &"json"]);
    let second = run(&[&"convert", &input, &"--to", &"json"]);
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
    let json: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(json["annotations"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["annotations"][0]["quote"], "Lavrentiev");
}

#[test]
fn validate_says_what_the_import_says_and_fails_on_any_bad_file() {
    let dir = Scratch::new("validate");
    let good = dir.write("good.jsonl", DOCCANO);
    let output = run(&[&"validate", &good]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!(
            "{}: Read as doccano JSONL. Offsets count code points, a guess: the file has no \
             quotes, and this unit puts the most spans on word boundaries. 2 documents (2 new), \
             4 annotations, 1 new label\n",
            good.display()
        )
    );

    let past_end = dir.write(
        "past.jsonl",
        r#"{"text": "👨🏻‍🚒 firemen", "label": [[8, 25, "PER"]]}"#,
    );
    let not_utf8 = dir.write("latin1.json", b"{\"text\": \"caf\xe9\"}");
    let missing = dir.0.join("missing.json");
    let output = run(&[&"validate", &good, &past_end, &not_utf8, &missing]);
    assert_eq!(output.status.code(), Some(1));
    let said = stdout(&output);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 4, "{said}");
    assert_eq!(
        lines[1],
        format!(
            "{}: {}",
            past_end.display(),
            "This cannot be imported: line 1: label[0].end = 25 is past the end of document \
             “line 1” (12 code points). Nothing will change."
        )
    );
    assert!(lines[2].ends_with("“latin1.json” was not imported: it is not UTF-8 text (byte 13 is 0xE9). Nothing changed."), "{}", lines[2]);
    assert!(
        lines[3].contains("“missing.json” was not imported: it could not be read ("),
        "{}",
        lines[3]
    );
}

#[test]
fn stats_counts_spans_per_label_and_per_document() {
    let dir = Scratch::new("stats");
    let input = dir.write("in.jsonl", DOCCANO);
    let output = run(&[&"stats", &input]);
    assert!(output.status.success());
    let table = stdout(&output);
    assert!(table.starts_with("Read as doccano JSONL.\n\nspans  label\n    1  Person\n    0  Organization\n    2  Location\n"), "{table}");
    assert!(table.contains("    1  Weapon\n"), "{table}");
    assert!(
        table.contains("    3  Lavrentiev met 👨🏻\u{200d}🚒 in “Astana”. (d1.txt)\n"),
        "{table}"
    );
    assert!(table.ends_with("    4  in all, 2 documents\n"), "{table}");

    let output = run(&[&"stats", &input, &"--json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["spans"], 4);
    assert_eq!(json["format"], "doccano");
    assert_eq!(json["documents"][0]["labels"]["Location"], 1);
    assert_eq!(json["documents"][1]["labels"]["Location"], 1);
    assert_eq!(
        json["labels"][6],
        serde_json::json!({"name": "Weapon", "spans": 1})
    );
}

#[test]
fn a_file_the_app_refuses_is_refused_by_every_command() {
    let dir = Scratch::new("refused");
    let empty = dir.write("empty.json", "");
    for args in [
        vec!["convert", "--to", "json"],
        vec!["stats"],
        vec!["validate"],
    ] {
        let mut all: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a as _).collect();
        all.push(&empty);
        let output = run(&all);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            said.contains("“empty.json” was not imported: the file is empty. Nothing changed."),
            "{args:?}: {said}"
        );
        assert!(Path::new(&empty).exists());
    }
}
