//! The workspace: every document with its annotations, and the label set.
//!
//! Every edit goes through here and is checked first, so what the app holds
//! is always consistent: offsets inside the text, quotes equal to the text
//! they point at, labels that exist, ids that are unique. Each edit reports
//! the [`Change`] it made so the view redraws and saves only that.

use std::collections::HashMap;
use std::ops::Range;

use thiserror::Error;

use super::{text::CharIndex, Annotation, Document, Label, Paragraphs, SpanIndex};

/// A reason an edit, or a stored or imported annotation, is refused. The
/// message is written for the person using the app.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("there is no document number {0}")]
    UnknownDocument(usize),
    #[error("the annotation belongs to document “{found}”, not “{expected}”")]
    WrongDocument { expected: String, found: String },
    #[error("the selection is empty")]
    Empty,
    #[error("start {start} is after end {end}")]
    Reversed { start: usize, end: usize },
    #[error("end = {end} is past the end of document “{document}” ({len} code points)")]
    PastEnd {
        end: usize,
        document: String,
        len: usize,
    },
    #[error("the quote “{quote}” does not match the text at {start}..{end} (“{found}”)")]
    QuoteMismatch {
        start: usize,
        end: usize,
        quote: String,
        found: String,
    },
    #[error("there is no label “{0}”")]
    UnknownLabel(String),
    #[error("there is no annotation “{0}”")]
    UnknownAnnotation(String),
    #[error("the id “{0}” is used twice")]
    DuplicateId(String),
    #[error("“{quote}” is already tagged {label}")]
    AlreadyTagged { quote: String, label: String },
}

/// What an edit changed: one annotation of one document, and the range of
/// text to redraw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub document: usize,
    pub annotation: String,
    pub start: usize,
    pub end: usize,
}

impl Change {
    fn of(document: usize, annotation: &Annotation) -> Self {
        Self {
            document,
            annotation: annotation.id.clone(),
            start: annotation.start,
            end: annotation.end,
        }
    }
}

/// A document with what the app keeps alongside it.
#[derive(Clone, Debug)]
struct Annotated {
    document: Document,
    chars: CharIndex,
    paragraphs: Paragraphs,
    annotations: SpanIndex,
}

impl Annotated {
    /// The text at `start..end`, if that is a non-empty range inside it.
    fn quote(&self, start: usize, end: usize) -> Result<&str, EditError> {
        if start == end {
            return Err(EditError::Empty);
        }
        if start > end {
            return Err(EditError::Reversed { start, end });
        }
        self.chars
            .slice(&self.document.text, start, end)
            .ok_or_else(|| EditError::PastEnd {
                end,
                document: self.document.title.clone(),
                len: self.chars.len(),
            })
    }
}

#[derive(Clone, Debug)]
pub struct Workspace {
    documents: Vec<Annotated>,
    labels: Vec<Label>,
    /// Which document each annotation id belongs to: ids are unique across
    /// the workspace, and checking that must not scan every annotation.
    owners: HashMap<String, usize>,
}

impl Workspace {
    pub fn new(documents: Vec<Document>, labels: Vec<Label>) -> Self {
        let documents = documents
            .into_iter()
            .map(|document| Annotated {
                chars: CharIndex::new(&document.text),
                paragraphs: Paragraphs::of(&document.text),
                document,
                annotations: SpanIndex::default(),
            })
            .collect();
        Self {
            documents,
            labels,
            owners: HashMap::new(),
        }
    }

    pub fn documents(&self) -> impl ExactSizeIterator<Item = &Document> {
        self.documents.iter().map(|d| &d.document)
    }

    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    pub fn document(&self, doc: usize) -> Option<&Document> {
        self.documents.get(doc).map(|d| &d.document)
    }

    /// The position of the document with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.documents.iter().position(|d| d.document.id == id)
    }

    /// The text of document `doc` at the code points `start..end`.
    pub fn quote(&self, doc: usize, start: usize, end: usize) -> Result<&str, EditError> {
        self.documents
            .get(doc)
            .ok_or(EditError::UnknownDocument(doc))?
            .quote(start, end)
    }

    /// The length of document `doc` in code points.
    pub fn char_len(&self, doc: usize) -> usize {
        self.documents.get(doc).map_or(0, |d| d.chars.len())
    }

    pub fn paragraphs(&self, doc: usize) -> Option<&Paragraphs> {
        self.documents.get(doc).map(|d| &d.paragraphs)
    }

    pub fn annotations(&self, doc: usize) -> Option<&SpanIndex> {
        self.documents.get(doc).map(|d| &d.annotations)
    }

    /// Every annotation of every document, documents in order.
    pub fn all_annotations(&self) -> impl Iterator<Item = &Annotation> {
        self.documents.iter().flat_map(|d| d.annotations.iter())
    }

    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    pub fn label(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }

    pub fn label_for_hotkey(&self, key: char) -> Option<&Label> {
        self.labels.iter().find(|l| l.hotkey == Some(key))
    }

    /// Tags `span` (code points) of document `doc` with `label`.
    pub fn annotate(
        &mut self,
        doc: usize,
        span: Range<usize>,
        label: &str,
        id: String,
        created: String,
    ) -> Result<Change, EditError> {
        let entry = self
            .documents
            .get(doc)
            .ok_or(EditError::UnknownDocument(doc))?;
        let quote = entry.quote(span.start, span.end)?;
        let annotation = Annotation {
            id,
            document_id: entry.document.id.clone(),
            start: span.start,
            end: span.end,
            quote: quote.to_string(),
            label: label.to_string(),
            created,
        };
        self.check(doc, &annotation)?;
        if let Some(same) = entry
            .annotations
            .overlapping(span.start, span.end)
            .find(|a| a.start == span.start && a.end == span.end && a.label == label)
        {
            return Err(EditError::AlreadyTagged {
                quote: same.quote.clone(),
                label: same.label.clone(),
            });
        }
        Ok(self.insert(doc, annotation))
    }

    /// Gives annotation `id` of document `doc` another label.
    pub fn retag(&mut self, doc: usize, id: &str, label: &str) -> Result<Change, EditError> {
        if self.label(label).is_none() {
            return Err(EditError::UnknownLabel(label.to_string()));
        }
        let entry = self
            .documents
            .get_mut(doc)
            .ok_or(EditError::UnknownDocument(doc))?;
        let annotation = entry
            .annotations
            .set_label(id, label)
            .ok_or_else(|| EditError::UnknownAnnotation(id.to_string()))?;
        Ok(Change::of(doc, annotation))
    }

    /// Removes annotation `id` of document `doc`, returning it.
    pub fn delete(&mut self, doc: usize, id: &str) -> Result<(Change, Annotation), EditError> {
        let entry = self
            .documents
            .get_mut(doc)
            .ok_or(EditError::UnknownDocument(doc))?;
        let removed = entry
            .annotations
            .remove(id)
            .ok_or_else(|| EditError::UnknownAnnotation(id.to_string()))?;
        self.owners.remove(id);
        Ok((Change::of(doc, &removed), removed))
    }

    /// Adds annotations read back from storage or a file, keeping each one
    /// that passes [`Workspace::check`] and handing back the others with why.
    pub fn restore(
        &mut self,
        doc: usize,
        annotations: Vec<Annotation>,
    ) -> Vec<(Annotation, EditError)> {
        let mut refused = Vec::new();
        let mut kept = Vec::with_capacity(annotations.len());
        for annotation in annotations {
            match self.check(doc, &annotation) {
                Ok(()) => {
                    self.owners.insert(annotation.id.clone(), doc);
                    kept.push(annotation);
                }
                Err(error) => refused.push((annotation, error)),
            }
        }
        // One sort for the lot: inserting one by one would move the whole
        // index once per annotation.
        self.documents[doc].annotations.extend(kept);
        refused
    }

    /// Whether `annotation` could be added to document `doc` as it is.
    pub fn check(&self, doc: usize, annotation: &Annotation) -> Result<(), EditError> {
        let entry = self
            .documents
            .get(doc)
            .ok_or(EditError::UnknownDocument(doc))?;
        if annotation.document_id != entry.document.id {
            return Err(EditError::WrongDocument {
                expected: entry.document.id.clone(),
                found: annotation.document_id.clone(),
            });
        }
        let found = entry.quote(annotation.start, annotation.end)?;
        if found != annotation.quote {
            return Err(EditError::QuoteMismatch {
                start: annotation.start,
                end: annotation.end,
                quote: annotation.quote.clone(),
                found: found.to_string(),
            });
        }
        if self.label(&annotation.label).is_none() {
            return Err(EditError::UnknownLabel(annotation.label.clone()));
        }
        if self.owners.contains_key(&annotation.id) {
            return Err(EditError::DuplicateId(annotation.id.clone()));
        }
        Ok(())
    }

    fn insert(&mut self, doc: usize, annotation: Annotation) -> Change {
        let change = Change::of(doc, &annotation);
        self.owners.insert(annotation.id.clone(), doc);
        self.documents[doc].annotations.insert(annotation);
        change
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, seed_documents, text};

    const ARTICLE_001: usize = 1;

    fn workspace() -> Workspace {
        Workspace::new(seed_documents(), default_labels())
    }

    fn offsets_of(ws: &Workspace, doc: usize, needle: &str) -> Range<usize> {
        let text = &ws.document(doc).unwrap().text;
        let byte = text.find(needle).unwrap();
        let start = text::char_len(&text[..byte]);
        start..start + text::char_len(needle)
    }

    #[test]
    fn annotate_takes_the_quote_from_the_text_in_code_points() {
        let mut ws = workspace();
        let span = offsets_of(&ws, ARTICLE_001, "“de-facto”");
        assert_eq!(span, 941..951, "bytes and code points differ here");
        let change = ws
            .annotate(
                ARTICLE_001,
                span.clone(),
                "Location",
                "a1".into(),
                "t".into(),
            )
            .unwrap();
        assert_eq!(
            change,
            Change {
                document: 1,
                annotation: "a1".into(),
                start: 941,
                end: 951
            }
        );
        let stored = ws.annotations(ARTICLE_001).unwrap().get("a1").unwrap();
        assert_eq!(stored.quote, "“de-facto”");
        assert_eq!(stored.document_id, "001_c07fc3de27d30260");
    }

    #[test]
    fn annotate_refuses_bad_spans_and_labels() {
        let mut ws = workspace();
        let len = ws.document(ARTICLE_001).unwrap().char_len();
        let mut try_annotate = |span: Range<usize>, label: &str| {
            ws.annotate(ARTICLE_001, span, label, "x".into(), "t".into())
                .unwrap_err()
        };
        assert_eq!(try_annotate(5..5, "Person"), EditError::Empty);
        assert_eq!(
            try_annotate(Range { start: 6, end: 5 }, "Person"),
            EditError::Reversed { start: 6, end: 5 }
        );
        assert!(
            matches!(try_annotate(0..len + 1, "Person"), EditError::PastEnd { end, len: l, .. } if end == len + 1 && l == 3769)
        );
        assert_eq!(
            try_annotate(0..5, "Nope"),
            EditError::UnknownLabel("Nope".into())
        );
        assert_eq!(
            ws.annotate(9, 0..1, "Person", "x".into(), "t".into()),
            Err(EditError::UnknownDocument(9))
        );
        assert!(ws.annotations(ARTICLE_001).unwrap().is_empty());
    }

    #[test]
    fn the_same_span_and_label_twice_is_refused_but_another_label_is_not() {
        let mut ws = workspace();
        ws.annotate(0, 1..5, "Person", "a".into(), "t".into())
            .unwrap();
        let again = ws.annotate(0, 1..5, "Person", "b".into(), "t".into());
        assert!(matches!(again, Err(EditError::AlreadyTagged { .. })));
        ws.annotate(0, 1..5, "Event", "c".into(), "t".into())
            .unwrap();
        assert_eq!(ws.annotations(0).unwrap().len(), 2);
    }

    #[test]
    fn retag_and_delete_report_the_span_they_changed() {
        let mut ws = workspace();
        ws.annotate(2, 10..20, "Person", "a".into(), "t".into())
            .unwrap();
        assert_eq!(
            ws.retag(2, "a", "Event"),
            Ok(Change {
                document: 2,
                annotation: "a".into(),
                start: 10,
                end: 20
            })
        );
        assert_eq!(ws.annotations(2).unwrap().get("a").unwrap().label, "Event");
        assert_eq!(
            ws.retag(2, "a", "Nope"),
            Err(EditError::UnknownLabel("Nope".into()))
        );
        assert_eq!(
            ws.retag(2, "zz", "Event"),
            Err(EditError::UnknownAnnotation("zz".into()))
        );
        let (change, removed) = ws.delete(2, "a").unwrap();
        assert_eq!(
            (change.start, change.end, removed.id.as_str()),
            (10, 20, "a")
        );
        assert!(ws.delete(2, "a").is_err());
    }

    #[test]
    fn restore_keeps_the_valid_and_names_the_rest() {
        let mut ws = workspace();
        let good = Annotation {
            id: "g".into(),
            document_id: "001_c07fc3de27d30260".into(),
            start: 941,
            end: 951,
            quote: "“de-facto”".into(),
            label: "Location".into(),
            created: "t".into(),
        };
        let shifted = Annotation {
            id: "s".into(),
            start: 942,
            end: 952,
            ..good.clone()
        };
        let foreign = Annotation {
            id: "f".into(),
            document_id: "000_941015829bfed30d".into(),
            ..good.clone()
        };
        let twin = good.clone();
        let refused = ws.restore(ARTICLE_001, vec![good, shifted, foreign, twin]);
        let reasons: Vec<(&str, &str)> = refused
            .iter()
            .map(|(annotation, e)| {
                let kind = match e {
                    EditError::QuoteMismatch { .. } => "quote",
                    EditError::WrongDocument { .. } => "document",
                    EditError::DuplicateId(_) => "duplicate",
                    _ => "other",
                };
                (annotation.id.as_str(), kind)
            })
            .collect();
        assert_eq!(
            reasons,
            [("s", "quote"), ("f", "document"), ("g", "duplicate")]
        );
        assert_eq!(ws.annotations(ARTICLE_001).unwrap().len(), 1);
    }
}
