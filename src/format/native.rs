//! The native JSON export: everything the app holds, lossless, in code points.
//!
//! ```json
//! { "format": "span-annotator", "version": 1, "offset_unit": "codepoint",
//!   "labels": [{ "name": "Person", "color": "#fde68a", "hotkey": "1" }],
//!   "documents": [{ "id": "…", "file_name": "….txt", "title": "…", "text": "…" }],
//!   "annotations": [{ "id": "…", "document_id": "…", "start": 941, "end": 951,
//!                     "quote": "“de-facto”", "label": "Location", "created": "…" }] }
//! ```
//! `text[start:end] == quote` holds in Python for every annotation.

use serde::{Deserialize, Serialize};

use crate::model::{Annotation, Document, Label, Workspace};

pub const FORMAT: &str = "span-annotator";
pub const VERSION: u32 = 1;
/// Offsets count Unicode code points, as Python's `str` does.
pub const OFFSET_UNIT: &str = "codepoint";
pub const FILE_NAME: &str = "annotations.json";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeExport {
    pub format: String,
    pub version: u32,
    pub offset_unit: String,
    pub labels: Vec<Label>,
    pub documents: Vec<Document>,
    pub annotations: Vec<Annotation>,
}

impl NativeExport {
    pub fn of(workspace: &Workspace) -> Self {
        Self {
            format: FORMAT.to_string(),
            version: VERSION,
            offset_unit: OFFSET_UNIT.to_string(),
            labels: workspace.labels().to_vec(),
            documents: workspace.documents().cloned().collect(),
            annotations: workspace.all_annotations().cloned().collect(),
        }
    }

    /// Pretty-printed JSON, UTF-8, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("plain data always serialises");
        json.push('\n');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, seed_documents, text};

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
