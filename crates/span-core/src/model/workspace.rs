//! The workspace: every document with its annotations, and the label set.
//!
//! Every edit goes through here and is checked first, so what the app holds
//! is always consistent: offsets inside the text, quotes equal to the text
//! they point at, labels that exist, ids that are unique. Each edit reports
//! the [`Change`] it made so the view redraws and saves only that.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use thiserror::Error;

use super::rules::{is_blank, span_text, SpanError};
use super::{
    megabytes, snap, text::CharIndex, Action, Annotation, Document, DocumentStep, Label, Numbering,
    Paragraphs, SpanIndex, Step,
};

/// A reason an edit, or a stored or imported annotation, is refused. The
/// message is written for the person using the app.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("there is no document number {0}")]
    UnknownDocument(usize),
    #[error("the annotation belongs to document “{found}”, not “{expected}”")]
    WrongDocument { expected: String, found: String },
    #[error("{} {}", .0.subject(), .0)]
    Span(#[from] SpanError),
    #[error("there is no label “{0}”")]
    UnknownLabel(String),
    #[error("there is no annotation “{0}”")]
    UnknownAnnotation(String),
    #[error("the id “{0}” is used twice")]
    DuplicateId(String),
    #[error("the annotation has no id")]
    BlankId,
    #[error("“{quote}” is already tagged {label}")]
    AlreadyTagged { quote: String, label: String },
    #[error("there is already a document with the id “{0}”")]
    DuplicateDocument(String),
    #[error("document {position} is no longer “{title}”")]
    StaleDocument { position: usize, title: String },
    #[error("“{0}” still has annotations")]
    DocumentNotEmpty(String),
    #[error("a document’s text cannot be changed once added")]
    TextChanged,
    #[error("a title cannot be empty")]
    EmptyTitle,
    #[error("“{0}” has been changed since, in another tab")]
    ChangedSince(String),
    #[error("the label set has been changed since, in another tab")]
    LabelsChangedSince,
    #[error("it could not be stored: it needs {} of browser storage and only {} is free; remove documents or backups you no longer need", megabytes(*needed), megabytes(*free))]
    NoRoom { needed: usize, free: usize },
    #[error("the page is closing")]
    Gone,
}

/// What an edit changed: one annotation of one document, and the range of
/// text to redraw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub document: usize,
    pub document_id: String,
    pub annotation: String,
    pub start: usize,
    pub end: usize,
}

impl Change {
    pub(super) fn of(document: usize, annotation: &Annotation) -> Self {
        Self {
            document,
            document_id: annotation.document_id.clone(),
            annotation: annotation.id.clone(),
            start: annotation.start,
            end: annotation.end,
        }
    }
}

/// What applying an [`Action`] changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// One per annotation removed or added, for redrawing and saving.
    pub changes: Vec<Change>,
    /// Whether the label set changed.
    pub labels: bool,
    /// Whether the list of documents changed (added, removed, renamed); if
    /// so, positions in `changes` may no longer hold, and their
    /// `document_id`s say which document each was.
    pub documents: bool,
    /// The ids of the documents removed, then of those added, in order. An
    /// id can be in both when a document is replaced by another with its id.
    pub removed_documents: Vec<String>,
    pub added_documents: Vec<String>,
}

/// A document with what the app keeps alongside it.
#[derive(Clone, Debug)]
pub(super) struct Annotated {
    pub(super) document: Document,
    chars: CharIndex,
    paragraphs: Paragraphs,
    pub(super) annotations: SpanIndex,
}

impl Annotated {
    pub(super) fn new(document: Document) -> Self {
        Self {
            chars: CharIndex::new(&document.text),
            paragraphs: Paragraphs::of(&document.text),
            document,
            annotations: SpanIndex::default(),
        }
    }

    /// The text at the code points `start..end`, if that is a span of it
    /// holding `quote` where one is given ([`span_text`]).
    pub(super) fn quote(
        &self,
        start: usize,
        end: usize,
        quote: Option<&str>,
    ) -> Result<&str, EditError> {
        let document = &self.document;
        Ok(span_text(
            &document.text,
            &self.chars,
            start,
            end,
            quote,
            &document.title,
        )?)
    }
}

/// The label set, with where each name is: every annotation checked looks
/// its label up, and a set may have thousands.
#[derive(Clone, Debug)]
pub(super) struct Labels {
    pub(super) list: Vec<Label>,
    /// The position of the first label of each name.
    by_name: HashMap<String, usize>,
}

impl Labels {
    pub(super) fn new(list: Vec<Label>) -> Self {
        let mut by_name = HashMap::with_capacity(list.len());
        for (at, label) in list.iter().enumerate() {
            by_name.entry(label.name.clone()).or_insert(at);
        }
        Self { list, by_name }
    }

    fn get(&self, name: &str) -> Option<&Label> {
        self.by_name.get(name).and_then(|&at| self.list.get(at))
    }
}

#[derive(Clone, Debug)]
pub struct Workspace {
    pub(super) documents: Vec<Annotated>,
    pub(super) labels: Labels,
    /// Every annotation id: ids are unique across the workspace, and
    /// checking that must not scan every annotation.
    pub(super) ids: HashSet<String>,
}

impl Workspace {
    pub fn new(documents: Vec<Document>, labels: Vec<Label>) -> Self {
        Self {
            documents: documents.into_iter().map(Annotated::new).collect(),
            labels: Labels::new(labels),
            ids: HashSet::new(),
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
            .quote(start, end, None)
    }

    /// `span` of document `doc` snapped to whole words, or if `words` is
    /// false to whole grapheme clusters (see [`snap`](super::snap)). Only
    /// the paragraphs the span touches are looked at.
    pub fn snap(&self, doc: usize, span: Range<usize>, words: bool) -> Range<usize> {
        let Ok(entry) = self.entry(doc) else {
            return span;
        };
        let touched = entry.paragraphs.touching(span.start, span.end);
        let paragraphs = entry.paragraphs.as_slice();
        let (Some(first), Some(last)) = (
            paragraphs.get(touched.start),
            touched.end.checked_sub(1).and_then(|i| paragraphs.get(i)),
        ) else {
            return span;
        };
        let window = &entry.document.text[first.bytes.start..last.bytes.end];
        let local = span.start - first.start..span.end - first.start;
        let snapped = if words {
            snap::to_words(window, local)
        } else {
            snap::to_graphemes(window, local)
        };
        snapped.start + first.start..snapped.end + first.start
    }

    /// The next `unit` boundary after (or before) `offset` in document
    /// `doc`, looking at its paragraph and the ones on either side.
    pub fn step(&self, doc: usize, offset: usize, forward: bool, unit: snap::Unit) -> usize {
        let Ok(entry) = self.entry(doc) else {
            return offset;
        };
        let paragraphs = entry.paragraphs.as_slice();
        let around = entry
            .paragraphs
            .touching(offset.saturating_sub(1), offset + 1);
        let first = around.start.saturating_sub(1);
        let last = (around.end + 1).min(paragraphs.len());
        let (Some(first), Some(last)) = (
            paragraphs.get(first),
            last.checked_sub(1).and_then(|i| paragraphs.get(i)),
        ) else {
            return offset;
        };
        let window = &entry.document.text[first.bytes.start..last.bytes.end];
        let local = offset
            .saturating_sub(first.start)
            .min(last.end - first.start);
        first.start + snap::step(window, local, forward, unit)
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

    /// Whether any document has an annotation with this id.
    pub fn has_annotation(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    pub fn labels(&self) -> &[Label] {
        &self.labels.list
    }

    /// Sets the label set as loaded, before any annotation uses it.
    pub fn replace_labels(&mut self, labels: Vec<Label>) {
        self.labels = Labels::new(labels);
    }

    pub fn label(&self, name: &str) -> Option<&Label> {
        self.labels.get(name)
    }

    pub fn label_for_hotkey(&self, key: char) -> Option<&Label> {
        self.labels.list.iter().find(|l| l.hotkey == Some(key))
    }

    /// The action that tags `span` (code points) of document `doc` with
    /// `label`, if that is a valid new annotation.
    pub fn plan_annotate(
        &self,
        doc: usize,
        span: Range<usize>,
        label: &str,
        id: String,
        created: String,
    ) -> Result<Action, EditError> {
        let entry = self.entry(doc)?;
        let annotation = Annotation {
            id,
            document_id: entry.document.id.clone(),
            start: span.start,
            end: span.end,
            quote: entry.quote(span.start, span.end, None)?.to_string(),
            label: label.to_string(),
            created,
            note: None,
        };
        self.check(doc, &annotation)?;
        self.refuse_twin(doc, &annotation)?;
        Ok(Action::step(Step {
            document: doc,
            before: None,
            after: Some(annotation),
        }))
    }

    /// The action that gives annotation `id` of document `doc` another label.
    pub fn plan_retag(&self, doc: usize, id: &str, label: &str) -> Result<Action, EditError> {
        if self.label(label).is_none() {
            return Err(EditError::UnknownLabel(label.to_string()));
        }
        let before = self.existing(doc, id)?;
        let after = Annotation {
            label: label.to_string(),
            ..before.clone()
        };
        self.refuse_twin(doc, &after)?;
        Ok(self.replace(doc, before, after))
    }

    /// The action that moves annotation `id` of document `doc` to `span`.
    pub fn plan_resize(
        &self,
        doc: usize,
        id: &str,
        span: Range<usize>,
    ) -> Result<Action, EditError> {
        let before = self.existing(doc, id)?;
        let after = Annotation {
            start: span.start,
            end: span.end,
            quote: self
                .entry(doc)?
                .quote(span.start, span.end, None)?
                .to_string(),
            ..before.clone()
        };
        self.refuse_twin(doc, &after)?;
        Ok(self.replace(doc, before, after))
    }

    /// The action that sets the note of annotation `id` of document `doc`;
    /// a note of only white space removes it.
    pub fn plan_note(&self, doc: usize, id: &str, note: &str) -> Result<Action, EditError> {
        let before = self.existing(doc, id)?;
        let note = Some(note.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let after = Annotation {
            note,
            ..before.clone()
        };
        Ok(self.replace(doc, before, after))
    }

    /// The action that removes annotation `id` of document `doc`.
    pub fn plan_delete(&self, doc: usize, id: &str) -> Result<Action, EditError> {
        Ok(Action::step(Step {
            document: doc,
            before: Some(self.existing(doc, id)?.clone()),
            after: None,
        }))
    }

    /// Each of `wanted`, or if a document (or an earlier one of `wanted`)
    /// already has that file name, the first of `stem (2).ext`,
    /// `stem (3).ext`… that is free, so exports that write a file per
    /// document never write two with one name.
    pub fn unused_file_names<'a>(&self, wanted: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut taken: HashSet<String> = self.documents().map(|d| d.file_name.clone()).collect();
        let mut numbers = Numbering::default();
        wanted
            .into_iter()
            .map(|wanted| {
                let (stem, ext) = match wanted.rfind('.') {
                    Some(dot) if dot > 0 => wanted.split_at(dot),
                    _ => (wanted, ""),
                };
                let name = if taken.contains(wanted) {
                    numbers.next(
                        wanted,
                        |n| format!("{stem} ({n}){ext}"),
                        |name| !taken.contains(name),
                    )
                } else {
                    wanted.to_string()
                };
                taken.insert(name.clone());
                name
            })
            .collect()
    }

    /// The action that adds `documents` after the last one.
    pub fn plan_add_documents(&self, documents: Vec<Document>) -> Result<Action, EditError> {
        let mut ids: HashSet<&str> = self.documents().map(|d| d.id.as_str()).collect();
        for document in &documents {
            if !ids.insert(&document.id) {
                return Err(EditError::DuplicateDocument(document.id.clone()));
            }
        }
        let first = self.documents.len();
        Ok(Action {
            documents: documents
                .into_iter()
                .enumerate()
                .map(|(i, document)| DocumentStep {
                    position: first + i,
                    before: None,
                    after: Some(document),
                })
                .collect(),
            ..Action::default()
        })
    }

    /// The action that gives document `doc` the title `title`, trimmed.
    pub fn plan_rename(&self, doc: usize, title: &str) -> Result<Action, EditError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(EditError::EmptyTitle);
        }
        let before = &self.entry(doc)?.document;
        Ok(Action {
            documents: vec![DocumentStep {
                position: doc,
                before: Some(before.clone()),
                after: Some(Document {
                    title: title.to_string(),
                    ..before.clone()
                }),
            }],
            ..Action::default()
        })
    }

    /// The action that removes document `doc` with all its annotations.
    pub fn plan_remove_document(&self, doc: usize) -> Result<Action, EditError> {
        let entry = self.entry(doc)?;
        Ok(Action {
            documents: vec![DocumentStep {
                position: doc,
                before: Some(entry.document.clone()),
                after: None,
            }],
            steps: entry
                .annotations
                .iter()
                .map(|annotation| Step {
                    document: doc,
                    before: Some(annotation.clone()),
                    after: None,
                })
                .collect(),
            ..Action::default()
        })
    }

    /// Applies `action` whole or not at all.
    pub fn apply(&mut self, action: &Action) -> Result<Applied, EditError> {
        if action.documents.is_empty() {
            return self.apply_to_annotations(action);
        }
        // Adding and removing documents is rare and moves positions around,
        // so a failure is taken back by restoring a copy.
        let saved = self.clone();
        let result = self.apply_with_documents(action);
        if result.is_err() {
            *self = saved;
        }
        result
    }

    fn apply_with_documents(&mut self, action: &Action) -> Result<Applied, EditError> {
        let mut applied = Applied {
            labels: action.labels.is_some(),
            documents: true,
            ..Applied::default()
        };
        if let Some((before, after)) = &action.labels {
            if self.labels.list != *before {
                return Err(EditError::LabelsChangedSince);
            }
            self.labels = Labels::new(after.clone());
        }
        for step in action.documents.iter().filter(|s| !s.removes()) {
            self.apply_document_step(step, &mut applied)?;
        }
        for step in &action.steps {
            self.apply_step(step, &mut applied.changes)?;
        }
        for step in action.documents.iter().filter(|s| s.removes()) {
            self.apply_document_step(step, &mut applied)?;
        }
        let mut ids = HashSet::new();
        if let Some(twice) = self.documents().find(|d| !ids.insert(&d.id)) {
            return Err(EditError::DuplicateDocument(twice.id.clone()));
        }
        Ok(applied)
    }

    fn apply_document_step(
        &mut self,
        step: &DocumentStep,
        applied: &mut Applied,
    ) -> Result<(), EditError> {
        let at = step.position;
        if let Some(before) = &step.before {
            let entry = self.entry(at)?;
            if entry.document != *before {
                return Err(EditError::StaleDocument {
                    position: at,
                    title: before.title.clone(),
                });
            }
        }
        match (&step.before, &step.after) {
            (None, None) => {}
            (None, Some(after)) => {
                if at > self.documents.len() {
                    return Err(EditError::UnknownDocument(at));
                }
                self.documents.insert(at, Annotated::new(after.clone()));
                applied.added_documents.push(after.id.clone());
            }
            (Some(before), None) => {
                if !self.documents[at].annotations.is_empty() {
                    return Err(EditError::DocumentNotEmpty(before.title.clone()));
                }
                self.documents.remove(at);
                applied.removed_documents.push(before.id.clone());
            }
            (Some(before), Some(after)) => {
                if after.id != before.id || after.text != before.text {
                    return Err(EditError::TextChanged);
                }
                self.documents[at].document = after.clone();
            }
        }
        Ok(())
    }

    fn apply_to_annotations(&mut self, action: &Action) -> Result<Applied, EditError> {
        let labels_before = self.labels.clone();
        if let Some((before, after)) = &action.labels {
            if self.labels.list != *before {
                return Err(EditError::LabelsChangedSince);
            }
            self.labels = Labels::new(after.clone());
        }
        let mut applied = Applied {
            labels: action.labels.is_some(),
            ..Applied::default()
        };
        for (done, step) in action.steps.iter().enumerate() {
            if let Err(error) = self.apply_step(step, &mut applied.changes) {
                for step in action.steps[..done].iter().rev() {
                    self.undo_step(step);
                }
                self.labels = labels_before;
                return Err(error);
            }
        }
        Ok(applied)
    }

    fn apply_step(&mut self, step: &Step, changes: &mut Vec<Change>) -> Result<(), EditError> {
        let doc = step.document;
        if let Some(before) = &step.before {
            let annotations = &mut self.entry_mut(doc)?.annotations;
            let removed = annotations
                .remove(&before.id)
                .ok_or_else(|| EditError::UnknownAnnotation(before.id.clone()))?;
            if removed != *before {
                // Changed since the action was planned: by another tab.
                let quote = removed.quote.clone();
                annotations.insert(removed);
                return Err(EditError::ChangedSince(quote));
            }
            self.ids.remove(&removed.id);
            changes.push(Change::of(doc, &removed));
        }
        if let Some(after) = &step.after {
            if let Err(error) = self.check(doc, after) {
                if let Some(before) = &step.before {
                    self.insert(doc, before.clone());
                }
                return Err(error);
            }
            changes.push(self.insert(doc, after.clone()));
        }
        Ok(())
    }

    /// Takes back a step this workspace applied a moment ago.
    fn undo_step(&mut self, step: &Step) {
        if let Some(after) = &step.after {
            self.entry_mut(step.document)
                .ok()
                .and_then(|entry| entry.annotations.remove(&after.id));
            self.ids.remove(&after.id);
        }
        if let Some(before) = &step.before {
            self.insert(step.document, before.clone());
        }
    }

    fn entry(&self, doc: usize) -> Result<&Annotated, EditError> {
        self.documents
            .get(doc)
            .ok_or(EditError::UnknownDocument(doc))
    }

    fn entry_mut(&mut self, doc: usize) -> Result<&mut Annotated, EditError> {
        self.documents
            .get_mut(doc)
            .ok_or(EditError::UnknownDocument(doc))
    }

    fn existing(&self, doc: usize, id: &str) -> Result<&Annotation, EditError> {
        self.entry(doc)?
            .annotations
            .get(id)
            .ok_or_else(|| EditError::UnknownAnnotation(id.to_string()))
    }

    fn replace(&self, doc: usize, before: &Annotation, after: Annotation) -> Action {
        Action::step(Step {
            document: doc,
            before: Some(before.clone()),
            after: Some(after),
        })
    }

    /// Refuses a second annotation with the same span and label as another.
    fn refuse_twin(&self, doc: usize, annotation: &Annotation) -> Result<(), EditError> {
        let twin = self
            .entry(doc)?
            .annotations
            .overlapping(annotation.start, annotation.end)
            .find(|a| {
                a.id != annotation.id
                    && a.start == annotation.start
                    && a.end == annotation.end
                    && a.label == annotation.label
            });
        match twin {
            Some(twin) => Err(EditError::AlreadyTagged {
                quote: twin.quote.clone(),
                label: twin.label.clone(),
            }),
            None => Ok(()),
        }
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
                    self.ids.insert(annotation.id.clone());
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

    /// Whether `annotation` could be added to document `doc` as it is: the
    /// rules an import holds it to (see [`rules`](super::rules)) and those
    /// of this workspace.
    pub fn check(&self, doc: usize, annotation: &Annotation) -> Result<(), EditError> {
        if is_blank(&annotation.id) {
            return Err(EditError::BlankId);
        }
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
        entry.quote(annotation.start, annotation.end, Some(&annotation.quote))?;
        if self.label(&annotation.label).is_none() {
            return Err(EditError::UnknownLabel(annotation.label.clone()));
        }
        if self.ids.contains(&annotation.id) {
            return Err(EditError::DuplicateId(annotation.id.clone()));
        }
        Ok(())
    }

    pub(super) fn insert(&mut self, doc: usize, annotation: Annotation) -> Change {
        let change = Change::of(doc, &annotation);
        self.ids.insert(annotation.id.clone());
        self.documents[doc].annotations.insert(annotation);
        change
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_labels, seed_documents, text, History};

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

    fn annotate(
        ws: &mut Workspace,
        doc: usize,
        span: Range<usize>,
        label: &str,
        id: &str,
    ) -> Result<Action, EditError> {
        let action = ws.plan_annotate(doc, span, label, id.into(), "t".into())?;
        ws.apply(&action)?;
        Ok(action)
    }

    /// Everything the workspace holds, for comparing states.
    fn state(ws: &Workspace) -> (Vec<Annotation>, Vec<Label>) {
        (
            ws.all_annotations().cloned().collect(),
            ws.labels().to_vec(),
        )
    }

    #[test]
    fn annotate_takes_the_quote_from_the_text_in_code_points() {
        let mut ws = workspace();
        let span = offsets_of(&ws, ARTICLE_001, "“de-facto”");
        assert_eq!(span, 941..951, "bytes and code points differ here");
        let action = ws
            .plan_annotate(ARTICLE_001, span, "Location", "a1".into(), "t".into())
            .unwrap();
        let applied = ws.apply(&action).unwrap();
        assert_eq!(
            applied.changes,
            [Change {
                document: 1,
                document_id: "001_c07fc3de27d30260".into(),
                annotation: "a1".into(),
                start: 941,
                end: 951
            }]
        );
        let stored = ws.annotations(ARTICLE_001).unwrap().get("a1").unwrap();
        assert_eq!(stored.quote, "“de-facto”");
        assert_eq!(stored.document_id, "001_c07fc3de27d30260");
    }

    #[test]
    fn annotate_refuses_bad_spans_and_labels() {
        let mut ws = workspace();
        let len = ws.char_len(ARTICLE_001);
        let mut refused = |span: Range<usize>, label: &str| {
            annotate(&mut ws, ARTICLE_001, span, label, "x").unwrap_err()
        };
        assert_eq!(
            refused(5..5, "Person").to_string(),
            "the span is empty: its start and end are both 5"
        );
        assert_eq!(
            refused(Range { start: 6, end: 5 }, "Person").to_string(),
            "start = 6 is after its end, 5"
        );
        let past = refused(0..len + 1, "Person").to_string();
        assert!(
            past.starts_with("end = 3770 is past the end of document “")
                && past.ends_with("” (3769 code points)"),
            "{past}"
        );
        assert_eq!(
            refused(0..5, "Nope"),
            EditError::UnknownLabel("Nope".into())
        );
        assert_eq!(
            annotate(&mut ws, 9, 0..1, "Person", "x"),
            Err(EditError::UnknownDocument(9))
        );
        assert!(ws.annotations(ARTICLE_001).unwrap().is_empty());
    }

    #[test]
    fn the_same_span_and_label_twice_is_refused_but_another_label_is_not() {
        let mut ws = workspace();
        annotate(&mut ws, 0, 1..5, "Person", "a").unwrap();
        let again = annotate(&mut ws, 0, 1..5, "Person", "b");
        assert!(matches!(again, Err(EditError::AlreadyTagged { .. })));
        annotate(&mut ws, 0, 1..5, "Event", "c").unwrap();
        assert_eq!(ws.annotations(0).unwrap().len(), 2);
        assert!(matches!(
            ws.plan_retag(0, "c", "Person"),
            Err(EditError::AlreadyTagged { .. })
        ));
        assert_eq!(
            annotate(&mut ws, 0, 1..5, "Date", "a"),
            Err(EditError::DuplicateId("a".into()))
        );
    }

    #[test]
    fn retag_resize_and_delete_report_what_they_changed() {
        let mut ws = workspace();
        annotate(&mut ws, 2, 10..20, "Person", "a").unwrap();
        let retag = ws.plan_retag(2, "a", "Event").unwrap();
        assert_eq!(
            ws.apply(&retag).unwrap().changes.len(),
            2,
            "removed and added back"
        );
        assert_eq!(ws.annotations(2).unwrap().get("a").unwrap().label, "Event");
        assert_eq!(
            ws.plan_retag(2, "a", "Nope"),
            Err(EditError::UnknownLabel("Nope".into()))
        );
        assert_eq!(
            ws.plan_retag(2, "zz", "Event"),
            Err(EditError::UnknownAnnotation("zz".into()))
        );

        let resize = ws.plan_resize(2, "a", 12..25).unwrap();
        let changes = ws.apply(&resize).unwrap().changes;
        assert_eq!(
            changes.iter().map(|c| (c.start, c.end)).collect::<Vec<_>>(),
            [(10, 20), (12, 25)]
        );
        let resized = ws.annotations(2).unwrap().get("a").unwrap();
        assert_eq!(
            resized.quote,
            text::slice(&ws.document(2).unwrap().text, 12, 25).unwrap()
        );
        assert_eq!(
            ws.plan_resize(2, "a", 30..30),
            Err(SpanError::Empty { at: 30 }.into())
        );

        let delete = ws.plan_delete(2, "a").unwrap();
        ws.apply(&delete).unwrap();
        assert!(ws.annotations(2).unwrap().is_empty());
        assert_eq!(
            ws.plan_delete(2, "a"),
            Err(EditError::UnknownAnnotation("a".into()))
        );
    }

    #[test]
    fn a_failing_action_changes_nothing() {
        let mut ws = workspace();
        annotate(&mut ws, 0, 1..5, "Person", "a").unwrap();
        let before = state(&ws);
        let good = ws.plan_delete(0, "a").unwrap().steps.remove(0);
        let bad = Step {
            document: 0,
            before: None,
            after: Some(Annotation {
                quote: "not the text".into(),
                ..ws.annotations(0).unwrap().get("a").unwrap().clone()
            }),
        };
        let action = Action {
            labels: Some((default_labels(), Vec::new())),
            steps: vec![good, bad],
            ..Action::default()
        };
        assert!(matches!(
            ws.apply(&action),
            Err(EditError::Span(SpanError::QuoteMismatch { .. }))
        ));
        assert_eq!(state(&ws), before);
    }

    #[test]
    fn undo_and_redo_of_ten_mixed_changes_restore_each_state_exactly() {
        let mut ws = workspace();
        let mut history = History::default();
        let mut states = vec![state(&ws)];
        let mut record = |ws: &mut Workspace, action: Action, states: &mut Vec<_>| {
            ws.apply(&action).unwrap();
            history.record(action);
            states.push(state(ws));
        };
        for (i, (span, label)) in [
            (0..10, "Person"),
            (5..30, "Event"),
            (40..52, "Date"),
            (6..8, "Quantity"),
        ]
        .into_iter()
        .enumerate()
        {
            let action = ws
                .plan_annotate(1, span, label, format!("a{i}"), "t".into())
                .unwrap();
            record(&mut ws, action, &mut states);
        }
        let plans = [
            ws.plan_retag(1, "a1", "Location").unwrap(),
            ws.plan_resize(1, "a2", 41..60).unwrap(),
            ws.plan_delete(1, "a0").unwrap(),
        ];
        // Made up front: each touches another annotation.
        for action in plans {
            record(&mut ws, action, &mut states);
        }
        let more = ws
            .plan_annotate(0, 3..9, "Organization", "b0".into(), "t".into())
            .unwrap();
        record(&mut ws, more, &mut states);
        let retag = ws.plan_retag(1, "a3", "Person").unwrap();
        record(&mut ws, retag, &mut states);
        let delete = ws.plan_delete(0, "b0").unwrap();
        record(&mut ws, delete, &mut states);
        assert_eq!(states.len(), 11, "ten changes");

        for expected in states.iter().rev().skip(1) {
            let undo = history.undo().unwrap();
            ws.apply(&undo).unwrap();
            assert_eq!(&state(&ws), expected);
        }
        assert!(history.undo().is_none());
        for expected in states.iter().skip(1) {
            let redo = history.redo().unwrap();
            ws.apply(&redo).unwrap();
            assert_eq!(&state(&ws), expected);
        }
        assert!(history.redo().is_none());
    }

    #[test]
    fn a_new_change_after_undo_drops_the_redo() {
        let mut ws = workspace();
        let mut history = History::default();
        let first = annotate(&mut ws, 0, 1..5, "Person", "a").unwrap();
        history.record(first);
        ws.apply(&history.undo().unwrap()).unwrap();
        assert!(history.can_redo());
        history.record(annotate(&mut ws, 0, 7..9, "Date", "b").unwrap());
        assert!(!history.can_redo());
        assert!(history.can_undo());
    }

    #[test]
    fn label_changes_are_undone_with_their_steps() {
        let mut ws = workspace();
        annotate(&mut ws, 0, 1..5, "Person", "a").unwrap();
        let before = state(&ws);
        let mut renamed = default_labels();
        renamed[0].name = "Human".into();
        let a = ws.annotations(0).unwrap().get("a").unwrap().clone();
        let action = Action {
            labels: Some((default_labels(), renamed)),
            steps: vec![Step {
                document: 0,
                before: Some(a.clone()),
                after: Some(Annotation {
                    label: "Human".into(),
                    ..a
                }),
            }],
            ..Action::default()
        };
        let applied = ws.apply(&action).unwrap();
        assert!(applied.labels);
        assert_eq!(ws.annotations(0).unwrap().get("a").unwrap().label, "Human");
        ws.apply(&action.inverse()).unwrap();
        assert_eq!(state(&ws), before);
    }

    #[test]
    fn snapping_looks_only_at_the_touched_paragraphs() {
        let ws = workspace();
        let span = offsets_of(&ws, ARTICLE_001, "avrentiev sa");
        let words = ws.snap(ARTICLE_001, span.clone(), true);
        assert_eq!(
            ws.quote(ARTICLE_001, words.start, words.end),
            Ok("Lavrentiev said")
        );
        assert_eq!(ws.snap(ARTICLE_001, span.clone(), false), span);
        let across = offsets_of(&ws, ARTICLE_001, "ovinces.\u{a0}\n“The str");
        let snapped = ws.snap(ARTICLE_001, across, true);
        assert_eq!(
            ws.quote(ARTICLE_001, snapped.start, snapped.end),
            Ok("provinces.\u{a0}\n“The strikes")
        );
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
            note: None,
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
        // Issue 10: a stored annotation without an id loaded, and then made
        // an export that the import refused.
        let nameless = Annotation {
            id: " ".into(),
            ..good.clone()
        };
        let refused = ws.restore(ARTICLE_001, vec![good, shifted, foreign, twin, nameless]);
        let reasons: Vec<(&str, &str)> = refused
            .iter()
            .map(|(annotation, e)| {
                let kind = match e {
                    EditError::Span(SpanError::QuoteMismatch { .. }) => "quote",
                    EditError::WrongDocument { .. } => "document",
                    EditError::DuplicateId(_) => "duplicate",
                    EditError::BlankId => "no id",
                    _ => "other",
                };
                (annotation.id.as_str(), kind)
            })
            .collect();
        assert_eq!(
            reasons,
            [
                ("s", "quote"),
                ("f", "document"),
                ("g", "duplicate"),
                (" ", "no id")
            ]
        );
        assert_eq!(ws.annotations(ARTICLE_001).unwrap().len(), 1);
    }

    fn documents(ws: &Workspace) -> Vec<Document> {
        ws.documents().cloned().collect()
    }

    #[test]
    fn removing_a_document_takes_its_annotations_and_undo_puts_both_back_in_place() {
        let mut ws = workspace();
        annotate(&mut ws, ARTICLE_001, 1..5, "Person", "a").unwrap();
        annotate(&mut ws, ARTICLE_001, 3..9, "Event", "b").unwrap();
        let before = (documents(&ws), state(&ws));
        let remove = ws.plan_remove_document(ARTICLE_001).unwrap();
        let applied = ws.apply(&remove).unwrap();
        assert!(applied.documents);
        assert_eq!(applied.removed_documents, ["001_c07fc3de27d30260"]);
        assert_eq!(applied.changes.len(), 2);
        assert_eq!(ws.document_count(), 2);
        assert_eq!(ws.all_annotations().count(), 0);
        let undone = ws.apply(&remove.inverse()).unwrap();
        assert_eq!(undone.added_documents, ["001_c07fc3de27d30260"]);
        assert_eq!((documents(&ws), state(&ws)), before);
        annotate(&mut ws, ARTICLE_001, 20..25, "Person", "a2")
            .expect("the ids of removed annotations are free again only once they are gone");
    }

    #[test]
    fn added_documents_go_last_and_refuse_an_id_in_use() {
        let mut ws = workspace();
        let mine = Document::added("mine".into(), "mine.txt".into(), "Zoë 👩‍👩‍👧".into(), "");
        let add = ws.plan_add_documents(vec![mine.clone()]).unwrap();
        let applied = ws.apply(&add).unwrap();
        assert_eq!(applied.added_documents, ["mine"]);
        assert_eq!(ws.position("mine"), Some(3));
        assert_eq!(ws.quote(3, 4, 9).unwrap(), "👩‍👩‍👧");
        assert_eq!(
            ws.plan_add_documents(vec![mine]),
            Err(EditError::DuplicateDocument("mine".into()))
        );
        ws.apply(&add.inverse()).unwrap();
        assert_eq!(documents(&ws), seed_documents());
    }

    #[test]
    fn file_names_are_made_unique() {
        let mut ws = workspace();
        assert_eq!(
            ws.unused_file_names(["mine.txt", "001_c07fc3de27d30260.txt", "mine.txt"]),
            ["mine.txt", "001_c07fc3de27d30260 (2).txt", "mine (2).txt"]
        );
        let twin = Document::added("x".into(), "notes".into(), "a".into(), "");
        ws.apply(&ws.plan_add_documents(vec![twin]).unwrap())
            .unwrap();
        assert_eq!(
            ws.unused_file_names(["notes", ".env"]),
            ["notes (2)", ".env"]
        );
    }

    /// Issue 10 (no stored or imported value takes more than linear time):
    /// each of n documents wanting one file name counted up from 2, about
    /// 200 million names tried here before the fix.
    #[test]
    fn regression_many_documents_wanting_one_file_name_are_numbered_at_once() {
        let ws = workspace();
        let names = ws.unused_file_names(std::iter::repeat_n("a.txt", 20_000));
        assert_eq!(names[..3], ["a.txt", "a (2).txt", "a (3).txt"]);
        assert_eq!(names.last().map(String::as_str), Some("a (20000).txt"));
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
    }

    #[test]
    fn renaming_keeps_the_text_and_can_be_undone() {
        let mut ws = workspace();
        assert_eq!(ws.plan_rename(0, "  "), Err(EditError::EmptyTitle));
        let rename = ws.plan_rename(0, " Talks fail ").unwrap();
        let applied = ws.apply(&rename).unwrap();
        assert!(applied.documents && applied.added_documents.is_empty());
        assert_eq!(ws.document(0).unwrap().title, "Talks fail");
        ws.apply(&rename.inverse()).unwrap();
        assert_eq!(documents(&ws), seed_documents());
    }

    #[test]
    fn documents_can_be_replaced_by_others_with_the_same_ids_in_one_action() {
        let mut ws = workspace();
        annotate(&mut ws, 0, 1..5, "Person", "a").unwrap();
        let before = (documents(&ws), state(&ws));
        let old = ws.annotations(0).unwrap().get("a").unwrap().clone();
        let renamed = Document {
            title: "New".into(),
            ..seed_documents()[0].clone()
        };
        let replace = Action {
            documents: vec![
                DocumentStep {
                    position: 3,
                    before: None,
                    after: Some(renamed.clone()),
                },
                DocumentStep {
                    position: 2,
                    before: Some(seed_documents()[2].clone()),
                    after: None,
                },
                DocumentStep {
                    position: 1,
                    before: Some(seed_documents()[1].clone()),
                    after: None,
                },
                DocumentStep {
                    position: 0,
                    before: Some(seed_documents()[0].clone()),
                    after: None,
                },
            ],
            steps: vec![
                Step {
                    document: 0,
                    before: Some(old.clone()),
                    after: None,
                },
                Step {
                    document: 3,
                    before: None,
                    after: Some(Annotation {
                        label: "Event".into(),
                        ..old
                    }),
                },
            ],
            ..Action::default()
        };
        let applied = ws.apply(&replace).unwrap();
        assert_eq!(documents(&ws), [renamed]);
        assert_eq!(ws.annotations(0).unwrap().get("a").unwrap().label, "Event");
        assert_eq!(applied.removed_documents.len(), 3);
        ws.apply(&replace.inverse()).unwrap();
        assert_eq!((documents(&ws), state(&ws)), before);
    }

    #[test]
    fn a_document_action_that_fails_changes_nothing() {
        let mut ws = workspace();
        annotate(&mut ws, 0, 1..5, "Person", "a").unwrap();
        let before = (documents(&ws), state(&ws));
        let without_its_annotations = Action {
            documents: vec![DocumentStep {
                position: 0,
                before: Some(seed_documents()[0].clone()),
                after: None,
            }],
            ..Action::default()
        };
        assert!(matches!(
            ws.apply(&without_its_annotations),
            Err(EditError::DocumentNotEmpty(_))
        ));
        let twice = Action {
            documents: vec![DocumentStep {
                position: 3,
                before: None,
                after: Some(seed_documents()[0].clone()),
            }],
            ..Action::default()
        };
        assert_eq!(
            ws.apply(&twice),
            Err(EditError::DuplicateDocument("000_941015829bfed30d".into()))
        );
        let mut stale = ws.plan_rename(1, "x").unwrap();
        stale.documents[0].position = 2;
        assert!(matches!(
            ws.apply(&stale),
            Err(EditError::StaleDocument { position: 2, .. })
        ));
        assert_eq!((documents(&ws), state(&ws)), before);
    }
}
