//! The brat standoff export (<https://brat.nlpl.eu/standoff.html>): one
//! `.zip` holding a brat collection, the folder [`COLLECTION`] with
//!
//! - `annotation.conf`: one entity type per label, and any overlap allowed
//!   (`<OVERLAP>`), since spans here may nest, cross and coincide;
//! - `visual.conf`: each type's label colour, and its label name where the
//!   type had to change it;
//! - per document, `<stem>.txt`, the text byte for byte, and `<stem>.ann`:
//!
//! ```text
//! T1<TAB>Location 941 951<TAB>“de-facto”
//! #1<TAB>AnnotatorNotes T1<TAB>a note
//! T2<TAB>Event 3593 3608;3610 3614<TAB>Homs provinces. “The
//! ```
//!
//! - **Offsets** count Unicode code points of the text as brat reads it:
//!   brat (Python) opens `.txt` with `codecs.open(…, "utf8")`, which reads
//!   bytes and decodes them with no newline translation, so a `\r` counts as
//!   one, and `text[start:end]` is the span, as in this app.
//! - **Line breaks**: a `.ann` line must hold the whole span text, and brat
//!   reads `.ann` files through `codecs`, whose lines end at every line
//!   break Python knows (see [`fields`](super::fields)), not only `\n`. A
//!   span over line breaks is therefore written as brat itself writes one
//!   it creates over `\n` (`__create_span` in `server/src/annotator.py`):
//!   cut into fragments `start end;start end` at each line break, each
//!   fragment without its leading and trailing white space, empty fragments
//!   dropped, and the fragments' texts joined by one space (the
//!   `Homs provinces.<NBSP>\n“The` above loses its no-break space). A span with no line break is
//!   written exactly as it is. A span of only white space cannot be
//!   written: brat reads an empty text as missing and has no fragment to
//!   keep; such spans are left out and counted in the file's `left_out`.
//! - **Types**: a brat type is one word of `[A-Za-z0-9_-]`. A label becomes
//!   brat's own storage form of its name (`normalize_to_storage_form` in
//!   `projectconfig.py`: every other character, space included, made `_`),
//!   and a name made only of `-` (which brat reads as a separator line) has
//!   them made `_`; when two labels, or a label and one of brat's reserved
//!   words, would get the same type, the later one gets `_2`, `_3`… and
//!   `visual.conf` shows the label's own name.
//! - **Notes** become `AnnotatorNotes`, which must stay on one line: every
//!   run of tabs and line breaks in a note is written as one space.
//! - **File names**: each document's stem is its file name without `.txt`,
//!   with characters that are not safe in a file name made `_`, cut to
//!   [`MAX_STEM_BYTES`] (file systems take names of 255 bytes at most), and
//!   `_2`, `_3`… added when two stems would be the same (ignoring case). A
//!   re-import finds a document by its file name, or by its text, which is
//!   written unchanged.
//!
//! The zip (written with rawzip) stores its entries uncompressed, every one
//! dated 1980-01-01 00:00 UTC, the zip format's earliest date, so the same
//! annotations always make the same bytes. Each entry's sizes and CRC follow
//! its data in a data descriptor, as in zips written as a stream; `unzip`,
//! Python's `zipfile`, 7-Zip and the file managers read these through the
//! central directory.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;

use rawzip::time::UtcDateTime;
use rawzip::DataDescriptorOutput;

use super::split_fields::{fitted_names, is_python_line_break, is_python_space};
use super::{ExportError, ExportFile, LeftSpan};
use crate::model::offset_unit::OffsetUnit;
use crate::model::{Annotation, Label, Numbering, SpanIndex, Workspace};

pub const FILE_NAME: &str = "annotations.brat.zip";
pub const MEDIA_TYPE: &str = "application/zip";
/// The folder the zip holds: a brat collection.
pub const COLLECTION: &str = "span-annotator";

/// Words with a meaning of their own in brat's configuration files.
const RESERVED: [&str; 4] = [
    "SEPARATOR",
    "SPAN_DEFAULT",
    "ARC_DEFAULT",
    "ATTRIBUTE_DEFAULT",
];

/// Why spans are left out of the collection.
const LEFT_OUT: &str = "spans of only white space, which brat cannot show";

/// The brat collection of the documents at `documents` (positions in
/// `workspace`; positions past the end are skipped), zipped.
/// Offsets count code points whatever `_unit` asks: brat's own reader is
/// Python, and Python strings count code points.
pub fn export(
    workspace: &Workspace,
    documents: &[usize],
    _unit: OffsetUnit,
) -> Result<ExportFile, ExportError> {
    let (files, left_out) = collection(workspace, documents);
    let file = ExportFile {
        name: FILE_NAME,
        media_type: MEDIA_TYPE,
        bytes: zip(&files)?,
        left_out: None,
    };
    Ok(file.leaving_out(left_out, LEFT_OUT))
}

/// The files of the collection, as (path in the zip, contents), and the
/// spans left out.
pub(super) fn collection(
    workspace: &Workspace,
    documents: &[usize],
) -> (Vec<(String, String)>, Vec<LeftSpan>) {
    let types = fitted_names(workspace.labels(), brat_type, &RESERVED);
    let type_of = |label: &str| {
        types
            .get(label)
            .cloned()
            .unwrap_or_else(|| brat_type(label))
    };
    let mut files = vec![
        (
            format!("{COLLECTION}/annotation.conf"),
            annotation_conf(workspace.labels(), type_of),
        ),
        (
            format!("{COLLECTION}/visual.conf"),
            visual_conf(workspace.labels(), type_of),
        ),
    ];
    let mut stems = HashSet::new();
    let mut numbers = Numbering::default();
    let mut left_out = Vec::new();
    for &doc in documents {
        let Some(document) = workspace.document(doc) else {
            continue;
        };
        let stem = unique_stem(&document.file_name, &mut stems, &mut numbers);
        let annotations = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter);
        let (ann, skipped) = ann_file(annotations, type_of);
        left_out.extend(skipped.into_iter().map(|a| LeftSpan::of(document, a)));
        files.push((format!("{COLLECTION}/{stem}.txt"), document.text.clone()));
        files.push((format!("{COLLECTION}/{stem}.ann"), ann));
    }
    (files, left_out)
}

/// brat's storage form of a label name: every character outside
/// `[A-Za-z0-9_-]` made `_`; a name of only `-` made all `_`.
fn brat_type(name: &str) -> String {
    let form: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if form.chars().all(|c| c == '-') {
        form.replace('-', "_")
    } else {
        form
    }
}

fn annotation_conf(labels: &[Label], type_of: impl Fn(&str) -> String) -> String {
    let mut conf = String::from(
        "# Written by the span annotator: one entity type per label.\n\
         # Offsets in the .ann files count Unicode code points.\n\
         [entities]\n",
    );
    for label in labels {
        conf.push_str(&type_of(&label.name));
        conf.push('\n');
    }
    conf.push_str(
        "\n[relations]\n\
         # Spans may nest, cross and coincide, as they may in the annotator.\n\
         <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
         \n[events]\n\
         \n[attributes]\n",
    );
    conf
}

fn visual_conf(labels: &[Label], type_of: impl Fn(&str) -> String) -> String {
    let mut conf = String::from("[labels]\n");
    for label in labels {
        let kind = type_of(&label.name);
        // brat splits these lines at `|` and expands `<…>` as a macro, so a
        // name holding either keeps showing its type instead.
        let shown = !label
            .name
            .chars()
            .any(|c| matches!(c, '|' | '<' | '>' | '\t') || is_python_line_break(c));
        if kind != label.name && shown {
            let _ = writeln!(conf, "{kind} | {}", label.name);
        }
    }
    conf.push_str(
        "\n[drawing]\n\
         SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken\n\
         ARC_DEFAULT\tcolor:black, arrowHead:triangle-5\n",
    );
    for label in labels.iter().filter(|l| l.has_valid_color()) {
        let _ = writeln!(conf, "{}\tbgColor:{}", type_of(&label.name), label.color);
    }
    conf
}

/// The `.ann` file of one document's annotations, and those left out.
fn ann_file<'a>(
    annotations: impl Iterator<Item = &'a Annotation>,
    type_of: impl Fn(&str) -> String,
) -> (String, Vec<&'a Annotation>) {
    let mut ann = String::new();
    let mut left_out = Vec::new();
    let mut number = 0;
    for annotation in annotations {
        let fragments = fragments(annotation);
        if fragments.is_empty() {
            left_out.push(annotation);
            continue;
        }
        number += 1;
        let offsets: Vec<String> = fragments
            .iter()
            .map(|(start, end, _)| format!("{start} {end}"))
            .collect();
        let texts: Vec<&str> = fragments.iter().map(|&(_, _, text)| text).collect();
        let _ = writeln!(
            ann,
            "T{number}\t{} {}\t{}",
            type_of(&annotation.label),
            offsets.join(";"),
            texts.join(" ")
        );
        if let Some(note) = &annotation.note {
            let _ = writeln!(
                ann,
                "#{number}\tAnnotatorNotes T{number}\t{}",
                one_line(note)
            );
        }
    }
    (ann, left_out)
}

/// The fragments brat writes for `annotation`: `(start, end, text)` in code
/// points of the document. Empty for a span of only white space.
fn fragments(annotation: &Annotation) -> Vec<(usize, usize, &str)> {
    let quote = annotation.quote.as_str();
    if quote.chars().all(is_python_space) {
        return Vec::new();
    }
    if !quote.chars().any(is_python_line_break) {
        return vec![(annotation.start, annotation.end, quote)];
    }
    let mut fragments = Vec::new();
    let mut offset = annotation.start;
    for line in quote.split(is_python_line_break) {
        let lead = line.chars().take_while(|&c| is_python_space(c)).count();
        let trimmed = line.trim_matches(is_python_space);
        if !trimmed.is_empty() {
            let start = offset + lead;
            fragments.push((start, start + trimmed.chars().count(), trimmed));
        }
        // The line, and the one line break after it.
        offset += line.chars().count() + 1;
    }
    fragments
}

/// `note` with every run of tabs and line breaks made one space.
fn one_line(note: &str) -> String {
    let mut line = String::with_capacity(note.len());
    let mut in_run = false;
    for c in note.chars() {
        if c == '\t' || is_python_line_break(c) {
            if !in_run {
                line.push(' ');
            }
            in_run = true;
        } else {
            line.push(c);
            in_run = false;
        }
    }
    line
}

/// The longest stem, in UTF-8 bytes: with a number and `.ann` added it is
/// still a file name every common file system takes (255 bytes).
pub const MAX_STEM_BYTES: usize = 200;

/// A stem for `file_name` that no stem in `taken` has, ignoring case, and
/// that is safe as a file name on every common system.
fn unique_stem(file_name: &str, taken: &mut HashSet<String>, numbers: &mut Numbering) -> String {
    let stem = file_name.strip_suffix(".txt").unwrap_or(file_name);
    let mut base: String = stem
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if base.is_empty() || base.starts_with('.') {
        base.insert(0, '_');
    }
    let mut cut = base.len().min(MAX_STEM_BYTES);
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    base.truncate(cut);
    let stem = if taken.contains(&base.to_lowercase()) {
        numbers.next(
            &base.to_lowercase(),
            |n| format!("{base}_{n}"),
            |stem| !taken.contains(&stem.to_lowercase()),
        )
    } else {
        base
    };
    taken.insert(stem.to_lowercase());
    stem
}

/// A zip of `files` (path, contents), stored uncompressed and dated
/// 1980-01-01 00:00 UTC.
pub(super) fn zip(files: &[(String, String)]) -> Result<Vec<u8>, ExportError> {
    const DATED: UtcDateTime = match UtcDateTime::from_components(1980, 1, 1, 0, 0, 0, 0) {
        Some(date) => date,
        None => panic!("a valid date"),
    };
    let error =
        |e: &dyn std::fmt::Display| ExportError(format!("the brat zip could not be written: {e}"));
    let mut archive = rawzip::ZipArchiveWriter::new(Vec::new());
    for (path, contents) in files {
        let (mut entry, _) = archive
            .new_file(path.as_str())
            .compression_method(rawzip::CompressionMethod::STORE)
            .last_modified(DATED)
            // A regular file, rw-r--r--, made on Unix: in a zip made on
            // MS-DOS, Info-ZIP's unzip reads non-ASCII names in the local
            // headers as code page 437 and warns that they do not match.
            .unix_permissions(0o100_644)
            .start()
            .map_err(|e| error(&e))?;
        // Stored bytes are the file's own, so the CRC and size are known
        // here; rawzip's own CRC would add its 16 KiB of tables to the wasm.
        entry
            .write_all(contents.as_bytes())
            .map_err(|e| error(&e))?;
        let size = u64::try_from(contents.len()).map_err(|e| error(&e))?;
        let descriptor = DataDescriptorOutput::new(crc32(contents.as_bytes()), size);
        entry.finish(descriptor).map_err(|e| error(&e))?;
    }
    archive.finish().map_err(|e| error(&e))
}

/// The CRC-32 of zip (IEEE 802.3) of `data`, a byte at a time from a
/// 1 KiB table built at compile time.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0; 256];
        let mut byte = 0;
        while byte < 256 {
            let mut crc = byte as u32;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 1 == 1 {
                    0xedb8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
                bit += 1;
            }
            table[byte] = crc;
            byte += 1;
        }
        table
    };
    !data.iter().fold(!0_u32, |crc, &byte| {
        TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::text;

    fn annotation(quote: &str, start: usize) -> Annotation {
        Annotation {
            id: "a".into(),
            document_id: "d".into(),
            start,
            end: start + text::char_len(quote),
            quote: quote.into(),
            label: "Event".into(),
            created: String::new(),
            note: None,
        }
    }

    #[test]
    fn a_span_over_line_breaks_is_cut_as_brat_cuts_it() {
        let span = samples::find(TRICKY_TEXT, "\u{a0}then.\r\n\r\nTab");
        let a = annotation("\u{a0}then.\r\n\r\nTab", span.start);
        let cut = fragments(&a);
        assert_eq!(
            cut,
            [
                (span.start + 1, span.start + 6, "then."),
                (span.end - 3, span.end, "Tab")
            ]
        );
        for (start, end, text) in cut {
            assert_eq!(text::slice(TRICKY_TEXT, start, end), Some(text));
        }
        let separator = samples::find(TRICKY_TEXT, "line\u{2028}separator");
        let a = annotation("line\u{2028}separator", separator.start);
        assert_eq!(
            fragments(&a),
            [
                (separator.start, separator.start + 4, "line"),
                (separator.start + 5, separator.end, "separator")
            ]
        );
    }

    #[test]
    fn spans_without_line_breaks_are_kept_exactly_and_white_space_is_left_out() {
        let a = annotation(" tab\there ", 10);
        assert_eq!(fragments(&a), [(10, 20, " tab\there ")]);
        assert!(fragments(&annotation("\r\n\r\n", 3)).is_empty());
        assert!(fragments(&annotation("\u{a0} ", 3)).is_empty());
    }

    #[test]
    fn types_are_brats_storage_form_made_distinct() {
        let mut labels = samples::labels();
        labels.push(Label {
            name: "Armed_Group".into(),
            color: "#ffffff".into(),
            hotkey: None,
        });
        labels.push(Label {
            name: "--".into(),
            color: "#ffffff".into(),
            hotkey: None,
        });
        let types = fitted_names(&labels, brat_type, &RESERVED);
        assert_eq!(types["Person"], "Person");
        assert_eq!(types["Armed_Group"], "Armed_Group");
        assert_eq!(types["Armed Group"], "Armed_Group_2");
        assert_eq!(types["Лицо"], "____");
        assert_eq!(types["--"], "__");
        assert_eq!(brat_type("Geo-political entity!"), "Geo-political_entity_");
    }

    #[test]
    fn crc32_is_the_zip_one() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32("ü🇸🇾".as_bytes()), 0x3389_e21a, "Python's zlib.crc32");
    }

    #[test]
    fn notes_stay_on_one_line() {
        assert_eq!(
            one_line("line one\r\nline two\tand a tab\u{2028}and more"),
            "line one line two and a tab and more"
        );
    }

    #[test]
    fn stems_are_safe_and_distinct() {
        let mut taken = HashSet::new();
        let mut numbers = Numbering::default();
        let mut stem = |name| unique_stem(name, &mut taken, &mut numbers);
        assert_eq!(stem("a.txt"), "a");
        assert_eq!(stem("A.txt"), "A_2");
        assert_eq!(stem("a"), "a_3");
        assert_eq!(stem("../x:y.txt"), "_.._x_y");
        assert_eq!(stem(".txt"), "_");
        // Issue 10 (nothing imported takes more than linear time): each
        // document with a stem already taken counted up from 2.
        let last = (0..20_000).map(|_| stem("a.txt")).last();
        assert_eq!(last.as_deref(), Some("a_20003"));
    }

    /// Found by the import fuzzing: a document imported with a file name of
    /// 42,000 emoji made the brat zip fail (“file name too long”); no file
    /// system would have taken it either.
    #[test]
    fn regression_a_long_file_name_makes_a_stem_a_file_system_takes() {
        let mut taken = HashSet::new();
        let mut numbers = Numbering::default();
        let long = format!("a{}.txt", "😀".repeat(42_000));
        let first = unique_stem(&long, &mut taken, &mut numbers);
        assert_eq!(
            first,
            format!("a{}", "😀".repeat(49)),
            "199 bytes, at a character"
        );
        let second = unique_stem(&long, &mut taken, &mut numbers);
        assert_eq!(second, format!("{first}_2"));
        let mut ws = Workspace::new(Vec::new(), crate::model::default_labels());
        let document = crate::model::Document::added("d".into(), long, "text".into(), "");
        ws.apply(&ws.plan_add_documents(vec![document]).unwrap())
            .unwrap();
        assert!(export(&ws, &[0], OffsetUnit::CodePoint).is_ok());
    }

    #[test]
    fn the_ann_file_of_the_tricky_document() {
        let ws = samples::workspace();
        let types = fitted_names(ws.labels(), brat_type, &RESERVED);
        let type_of = |label: &str| types[label].clone();
        let (ann, left_out) = ann_file(ws.annotations(TRICKY).unwrap().iter(), type_of);
        assert_eq!(left_out.len(), 1, "the span of only CRLFs");
        let lines: Vec<&str> = ann.split('\n').collect();
        assert_eq!(lines[0], "T1\tLocation 5 7\t🇸🇾");
        assert_eq!(lines[1], "T2\tArmed_Group 5 7\t🇸🇾");
        assert_eq!(lines[2], "#2\tAnnotatorNotes T2\tsame span, other label");
        let today = samples::find(TRICKY_TEXT, "today.");
        let line = format!(
            "\tEvent {} {};{} {}\ttoday. 中文\n",
            today.start,
            today.end,
            today.end + 2,
            today.end + 4
        );
        assert!(ann.contains(&line), "{ann}");
        assert!(!ann.contains("\tЛицо") && ann.contains("\t____ "));
        for line in ann.lines() {
            assert!(!line.contains(is_python_line_break), "{line:?}");
        }
    }

    #[test]
    fn the_zip_holds_the_collection() {
        let ws = samples::workspace();
        let export = export(&ws, &samples::all(&ws), OffsetUnit::CodePoint).unwrap();
        assert_eq!(export.left_out_spans(), 1);
        assert!(export.bytes.starts_with(b"PK\x03\x04"));
        let again = super::export(&ws, &samples::all(&ws), OffsetUnit::CodePoint).unwrap();
        assert_eq!(export, again, "the same bytes every time");
        let conf = annotation_conf(ws.labels(), brat_type);
        assert!(conf.contains("[entities]\nPerson\n"));
        assert!(conf.contains("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"));
        let visual = visual_conf(ws.labels(), brat_type);
        assert!(visual.contains("[labels]\nArmed_Group | Armed Group\n____ | Лицо\n"));
        assert!(visual.contains("Person\tbgColor:#fde68a\n"));
    }
}
