//! How many annotations each document has of each label: the bar chart of
//! the coverage view, and its CSV.

use super::entity::csv_cell;
use super::Workspace;

/// One label (in the label set's order), its colour, and how many
/// annotations each document (by position) has with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelCounts {
    pub name: String,
    pub color: String,
    pub per_document: Vec<usize>,
}

impl LabelCounts {
    /// Every label of `workspace` with its count in each document.
    pub fn of(workspace: &Workspace) -> Vec<Self> {
        let at: std::collections::HashMap<&str, usize> = workspace
            .labels()
            .iter()
            .enumerate()
            .map(|(at, label)| (label.name.as_str(), at))
            .collect();
        let mut counts: Vec<Self> = workspace
            .labels()
            .iter()
            .map(|label| Self {
                name: label.name.clone(),
                color: label.color.clone(),
                per_document: vec![0; workspace.document_count()],
            })
            .collect();
        for doc in 0..workspace.document_count() {
            for annotation in workspace
                .annotations(doc)
                .into_iter()
                .flat_map(|a| a.iter())
            {
                if let Some(&label) = at.get(annotation.label.as_str()) {
                    counts[label].per_document[doc] += 1;
                }
            }
        }
        counts
    }

    /// `counts` as CSV (RFC 4180, with a header): one row per label and
    /// document, zero counts included, cells quoted and formulas defused as
    /// the entities' CSV does.
    pub fn csv(counts: &[Self], workspace: &Workspace) -> String {
        let mut out = String::from("label,document_id,document_title,annotations\r\n");
        for label in counts {
            for (doc, count) in label.per_document.iter().enumerate() {
                let Some(document) = workspace.document(doc) else {
                    continue;
                };
                let cells = [
                    csv_cell(&label.name),
                    csv_cell(&document.id),
                    csv_cell(&document.title),
                    count.to_string(),
                ];
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, Document};

    fn annotate(ws: &mut Workspace, doc: usize, span: std::ops::Range<usize>, label: &str) {
        let id = format!("{doc}-{}-{label}", span.start);
        let action = ws
            .plan_annotate(doc, span, label, id, "2026-11-28T00:00:00Z".into())
            .unwrap();
        ws.apply(&action).unwrap();
    }

    #[test]
    fn each_label_is_counted_per_document_and_written_as_csv() {
        let documents = vec![
            Document::new("a", "a.txt", "Astana 🙂 Moscow, Tehran"),
            Document::new("b", "b.txt", "=cmd|' /C calc'!A0 and \"Ankara\", Syria"),
        ];
        let mut ws = Workspace::new(documents, default_labels());
        annotate(&mut ws, 0, 0..6, "Location");
        annotate(&mut ws, 0, 9..15, "Location");
        annotate(&mut ws, 0, 0..6, "Event");
        annotate(&mut ws, 1, 24..30, "Location");
        let counts = LabelCounts::of(&ws);
        assert_eq!(counts.len(), ws.labels().len());
        let location = counts.iter().find(|c| c.name == "Location").unwrap();
        assert_eq!(location.per_document, [2, 1]);
        let event = counts.iter().find(|c| c.name == "Event").unwrap();
        assert_eq!(event.per_document, [1, 0]);
        assert!(counts
            .iter()
            .filter(|c| !["Location", "Event"].contains(&c.name.as_str()))
            .all(|c| c.per_document == [0, 0]));

        let csv = LabelCounts::csv(&counts, &ws);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "label,document_id,document_title,annotations");
        assert_eq!(
            lines.len(),
            1 + counts.len() * 2 + 1,
            "a row per label and document"
        );
        assert!(lines.contains(&"Location,a,\"Astana 🙂 Moscow, Tehran\",2"));
        assert!(
            lines.contains(&"Location,b,\"'=cmd|' /C calc'!A0 and \"\"Ankara\"\", Syria\",1"),
            "a title a spreadsheet would run is defused and quoted: {lines:?}"
        );
    }
}
