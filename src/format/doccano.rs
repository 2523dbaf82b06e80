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
//! - **Lines**: JSON escapes `\n` and `\r` inside strings; this export also
//!   escapes NEL, U+2028 and U+2029, which JSON allows raw but Python's
//!   `str.splitlines()` breaks lines at, so a reader that splits the file
//!   that way still gets one document a line.
//!
//! It is not responsible for reading the file back in.

use serde::Serialize;

use crate::model::{SpanIndex, Workspace};

pub const FILE_NAME: &str = "annotations.jsonl";
pub const MEDIA_TYPE: &str = "application/jsonl";
/// Offsets count Unicode code points, as Python's `str` does.
pub const OFFSET_UNIT: &str = "codepoint";

#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    document_id: &'a str,
    offset_unit: &'static str,
}

/// One JSON line for each document at `documents` (positions in
/// `workspace`; positions past the end are skipped), each line ending in a
/// newline.
pub fn export(workspace: &Workspace, documents: &[usize]) -> String {
    let mut jsonl = String::new();
    for &doc in documents {
        let Some(document) = workspace.document(doc) else {
            continue;
        };
        let mut label: Vec<(usize, usize, &str)> = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter)
            .map(|a| (a.start, a.end, a.label.as_str()))
            .collect();
        label.sort_by_key(|&(start, end, _)| (start, end));
        let line = Line {
            text: &document.text,
            label,
            document_id: &document.id,
            offset_unit: OFFSET_UNIT,
        };
        let json = serde_json::to_string(&line).expect("plain data always serialises");
        for c in json.chars() {
            match c {
                '\u{85}' | '\u{2028}' | '\u{2029}' => {
                    jsonl.push_str(&format!("\\u{:04x}", u32::from(c)));
                }
                c => jsonl.push(c),
            }
        }
        jsonl.push('\n');
    }
    jsonl
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::format::samples::{self, TRICKY, TRICKY_TEXT};
    use crate::model::text;

    #[test]
    fn one_line_per_document_whose_spans_slice_the_text_in_code_points() {
        let ws = samples::workspace();
        let jsonl = export(&ws, &samples::all(&ws));
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
            assert_eq!(value["text"], document.text.as_str());
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
        let jsonl = export(&ws, &[TRICKY]);
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
        let jsonl = export(&ws, &[TRICKY]);
        assert!(!jsonl.contains('\u{2028}'));
        assert!(jsonl.contains("line\\u2028separator"));
        let value: Value = serde_json::from_str(jsonl.trim_end()).unwrap();
        assert_eq!(value["text"], TRICKY_TEXT);
    }

    #[test]
    fn only_existing_documents_are_written() {
        let ws = samples::workspace();
        assert_eq!(export(&ws, &[9]), "");
        assert_eq!(export(&ws, &[2, 9]).lines().count(), 1);
    }
}
