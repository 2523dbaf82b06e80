//! The workspace: every document with its annotations, and the label set.
//!
//! Every edit goes through here and is checked first, so what the app holds
//! is always consistent: offsets inside the text, quotes equal to the text
//! they point at, labels that exist, ids that are unique. Each edit reports
//! the [`Change`] it made so the view redraws and saves only that.
//!
//! This file holds what the workspace is and the questions asked of it; the
//! other files of the folder each do one kind of thing to it: reading a
//! document's text ([`selection`]), planning edits of annotations
//! ([`annotations`]) and of documents ([`documents`]), and applying and
//! taking back planned actions ([`apply`]), and planning edits of the
//! relations between annotations ([`relations`]). Why an edit is refused is
//! [`EditError`] ([`error`]). Editing the label set is planned by
//! [`label_set`](super::label_set), and imports by [`import`](super::import).

mod annotations;
mod apply;
mod documents;
mod error;
mod relations;
mod selection;
mod tag_all;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::rules::span_text;
use super::{
    default_relation_types, text::CharIndex, Annotation, Document, Label, Paragraphs, Relation,
    RelationType, SpanIndex,
};

pub use error::*;
pub use tag_all::*;

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

/// What applying an [`Action`](crate::model::Action) changed.
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
    /// The ids of the documents whose relations changed, each once.
    pub relations: Vec<String>,
    /// Whether the relation types changed.
    pub relation_types: bool,
}

/// A document with what the app keeps alongside it.
#[derive(Clone, Debug)]
pub(super) struct Annotated {
    pub(super) document: Document,
    chars: CharIndex,
    paragraphs: Paragraphs,
    pub(super) annotations: SpanIndex,
    /// Its relations, in the order they were made: by creation time, then
    /// id, so that one taken out and put back returns to its place.
    pub(super) relations: Vec<Relation>,
}

impl Annotated {
    pub(super) fn new(document: Document) -> Self {
        Self {
            chars: CharIndex::new(&document.text),
            paragraphs: Paragraphs::of(&document.text),
            document,
            annotations: SpanIndex::default(),
            relations: Vec::new(),
        }
    }

    pub(super) fn insert_relation(&mut self, relation: Relation) {
        let key = |r: &Relation| (r.created.clone(), r.id.clone());
        let at = self.relations.partition_point(|r| key(r) < key(&relation));
        self.relations.insert(at, relation);
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
    pub(super) relation_types: Vec<RelationType>,
    /// Each document's position by id, made when first asked for after the
    /// list changed: the document list, storage and imports look documents
    /// up by id once per row, key or step, and 10,000 documents made a
    /// search of the list each time take seconds.
    positions: OnceLock<HashMap<String, usize>>,
}

impl Workspace {
    /// The workspace of these documents and labels, with the
    /// [default relation types](default_relation_types).
    pub fn new(documents: Vec<Document>, labels: Vec<Label>) -> Self {
        Self {
            documents: documents.into_iter().map(Annotated::new).collect(),
            labels: Labels::new(labels),
            ids: HashSet::new(),
            relation_types: default_relation_types(),
            positions: OnceLock::new(),
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
        self.positions
            .get_or_init(|| {
                let mut positions = HashMap::with_capacity(self.documents.len());
                for (at, entry) in self.documents.iter().enumerate() {
                    positions.entry(entry.document.id.clone()).or_insert(at);
                }
                positions
            })
            .get(id)
            .copied()
    }

    /// Forgets the positions by id, after documents were added, removed or
    /// moved.
    pub(super) fn documents_moved(&mut self) {
        self.positions = OnceLock::new();
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

    pub(super) fn insert(&mut self, doc: usize, annotation: Annotation) -> Change {
        let change = Change::of(doc, &annotation);
        self.ids.insert(annotation.id.clone());
        self.documents[doc].annotations.insert(annotation);
        change
    }
}

/// What the tests of every part of the workspace start from.
#[cfg(test)]
mod fixtures {
    use std::ops::Range;

    use super::*;
    use crate::model::{default_labels, seed_documents, text, Action};

    /// The position of article 001 among the seed documents.
    pub(super) const ARTICLE_001: usize = 1;

    pub(super) fn workspace() -> Workspace {
        Workspace::new(seed_documents(), default_labels())
    }

    /// The code points of `needle`'s first occurrence in document `doc`.
    pub(super) fn offsets_of(ws: &Workspace, doc: usize, needle: &str) -> Range<usize> {
        let text = &ws.document(doc).unwrap().text;
        let byte = text.find(needle).unwrap();
        let start = text::char_len(&text[..byte]);
        start..start + text::char_len(needle)
    }

    /// Plans and applies tagging `span` of document `doc` with `label`.
    pub(super) fn annotate(
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
    pub(super) fn state(ws: &Workspace) -> (Vec<Annotation>, Vec<Label>) {
        (
            ws.all_annotations().cloned().collect(),
            ws.labels().to_vec(),
        )
    }

    pub(super) fn documents(ws: &Workspace) -> Vec<Document> {
        ws.documents().cloned().collect()
    }
}
