//! Counting a workspace's spans per label and per document, shown as a
//! table for people or as JSON for programs.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{json, Value};
use span_core::format::{registry, Format};
use span_core::model::{SpanIndex, Workspace};

/// The spans of a workspace, counted.
pub struct Counts {
    /// The format the file was read as.
    format: &'static Format,
    /// Each label in the workspace's order, then labels only annotations
    /// name, with its spans.
    labels: Vec<(String, usize)>,
    /// Each document with its spans per label.
    documents: Vec<DocumentCounts>,
}

struct DocumentCounts {
    id: String,
    file_name: String,
    title: String,
    by_label: HashMap<String, usize>,
    spans: usize,
}

impl Counts {
    pub fn of(workspace: &Workspace, format: &'static Format) -> Self {
        let mut labels: Vec<(String, usize)> = workspace
            .labels()
            .iter()
            .map(|label| (label.name.clone(), 0))
            .collect();
        let mut documents = Vec::new();
        for (doc, document) in workspace.documents().enumerate() {
            let mut by_label: HashMap<String, usize> = HashMap::new();
            let annotations = workspace
                .annotations(doc)
                .into_iter()
                .flat_map(SpanIndex::iter);
            for annotation in annotations {
                *by_label.entry(annotation.label.clone()).or_default() += 1;
            }
            for (name, spans) in &by_label {
                match labels.iter_mut().find(|(label, _)| label == name) {
                    Some((_, total)) => *total += spans,
                    None => labels.push((name.clone(), *spans)),
                }
            }
            documents.push(DocumentCounts {
                id: document.id.clone(),
                file_name: document.file_name.clone(),
                title: document.title.clone(),
                spans: by_label.values().sum(),
                by_label,
            });
        }
        Self {
            format,
            labels,
            documents,
        }
    }

    fn spans(&self) -> usize {
        self.documents.iter().map(|d| d.spans).sum()
    }

    /// Two tables, counts first so that names of any script or width never
    /// push a column out of line.
    pub fn table(&self) -> String {
        let width = self.spans().to_string().len().max("spans".len());
        let mut out = format!("{}\n\n", registry::read_as(self.format));
        let _ = writeln!(out, "{:>width$}  label", "spans");
        for (name, spans) in &self.labels {
            let _ = writeln!(out, "{spans:>width$}  {name}");
        }
        let _ = writeln!(out, "\n{:>width$}  document", "spans");
        for document in &self.documents {
            let _ = writeln!(
                out,
                "{:>width$}  {} ({})",
                document.spans, document.title, document.file_name
            );
        }
        let _ = writeln!(
            out,
            "\n{:>width$}  in all, {} documents",
            self.spans(),
            self.documents.len()
        );
        out
    }

    pub fn to_json(&self) -> Value {
        json!({
            "format": self.format.id,
            "spans": self.spans(),
            "labels": self.labels.iter().map(|(name, spans)| json!({"name": name, "spans": spans})).collect::<Vec<_>>(),
            "documents": self.documents.iter().map(|d| json!({
                "id": d.id,
                "file_name": d.file_name,
                "title": d.title,
                "spans": d.spans,
                "labels": self.labels.iter()
                    .filter_map(|(name, _)| d.by_label.get(name).map(|n| (name.clone(), json!(n))))
                    .collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
        })
    }
}
