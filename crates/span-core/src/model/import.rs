//! Importing: what a file holds, in no format's terms ([`Incoming`]), and
//! the [`plan`] that brings it into the workspace as one [`Action`], merged
//! with what is there or replacing it, with a [`Preview`] of what it will
//! do. Because it is one action, an import applies whole or not at all and
//! is undone as a whole.
//!
//! Reading a format is not done here: each parser (`format::native`, and the
//! W3C and doccano readers) builds an [`Incoming`], which checks everything
//! that can be checked in the file alone; [`plan`] checks the rest against
//! the workspace.

use std::collections::{HashMap, HashSet};
use std::fmt;

use thiserror::Error;

use super::color::hex_color;
use super::rules::{
    check_text, hotkey, is_blank, label_name, normalize_name, span_text, HotkeyError,
};
use super::text::CharIndex;
use super::{
    entity_name, Action, Annotation, ColorPicker, Document, DocumentStatus, DocumentStep, Label,
    Relation, RelationStep, RelationType, SpanIndex, Step, Workspace,
};

/// Why a file cannot be imported: where in it, and what is wrong there.
/// `place` reads as the subject of `reason`: “annotations[3].end” “= 5012 is
/// past the end of …”.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{place} {reason}")]
pub struct ImportError {
    pub place: String,
    pub reason: String,
}

impl ImportError {
    pub fn new(place: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            place: place.into(),
            reason: reason.into(),
        }
    }
}

/// A label the file defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingLabel {
    /// Normalised by [`Incoming::new`], as the label editor normalises what
    /// a person types ([`label_name`]).
    pub name: String,
    /// `#rrggbb`; without one the label gets a colour from the palette.
    pub color: Option<String>,
    pub hotkey: Option<char>,
}

/// A document the file holds, or only refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingDocument {
    /// Where the file has it, for messages: `documents[2]`, `line 3`.
    pub place: String,
    /// Matched against the ids of the workspace's documents.
    pub id: Option<String>,
    /// Without one, a document added gets `<id>.txt`.
    pub file_name: Option<String>,
    /// Without one, a document added is titled after its first line.
    pub title: Option<String>,
    /// Kept exactly as given, since offsets point into it. A file that only
    /// refers to a document (by `id`) leaves it out.
    pub text: Option<String>,
    /// Given to a document the import adds; one already here keeps its own.
    pub status: Option<DocumentStatus>,
}

impl IncomingDocument {
    /// What messages call it.
    pub(crate) fn name(&self) -> &str {
        self.title
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or(&self.place)
    }
}

/// An annotation the file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingAnnotation {
    /// Where the file has it, for messages: `annotations[3]`.
    pub place: String,
    /// The index of its document in [`Incoming`]'s documents.
    pub document: usize,
    /// Without one, it gets a new id.
    pub id: Option<String>,
    /// Code points, half-open.
    pub start: usize,
    pub end: usize,
    /// If given, it must equal the text at `start..end`.
    pub quote: Option<String>,
    /// Normalised by [`Incoming::new`], as label names are.
    pub label: String,
    /// Without one, it is stamped with the time of the import.
    pub created: Option<String>,
    pub note: Option<String>,
    /// Kept as [`entity_name`] makes it.
    pub entity: Option<String>,
}

/// A relation the file holds, between two of its annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingRelation {
    /// Where the file has it, for messages: `relations[3]`.
    pub place: String,
    /// Without one, it gets a new id.
    pub id: Option<String>,
    /// The indexes of its ends in [`Incoming`]'s annotations.
    pub from: usize,
    pub to: usize,
    /// A relation type's name, normalised as label names are.
    pub kind: String,
    pub created: Option<String>,
    pub note: Option<String>,
}

/// Everything a file holds, checked for what the file alone can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    labels: Vec<IncomingLabel>,
    documents: Vec<IncomingDocument>,
    annotations: Vec<IncomingAnnotation>,
    relation_types: Vec<RelationType>,
    relations: Vec<IncomingRelation>,
}

impl Incoming {
    /// What a file holds, if it is consistent: label names (normalised,
    /// see [`label_name`]) and hotkeys usable and unique, colours `#rrggbb`, document and annotation ids
    /// unique, every text one that could be added (not empty, no NUL, not
    /// too large; it is not altered, not even its line endings), every
    /// document findable (an id or a text), every annotation in one of the
    /// documents, non-empty, inside its text and quoting it exactly where
    /// the file has the text, and labelled with one of the file's labels
    /// when it defines any. `labels` is empty for a format that only names
    /// labels on its annotations.
    pub fn new(
        mut labels: Vec<IncomingLabel>,
        documents: Vec<IncomingDocument>,
        mut annotations: Vec<IncomingAnnotation>,
    ) -> Result<Self, ImportError> {
        let mut names = HashMap::new();
        let mut hotkeys = HashMap::new();
        for (i, label) in labels.iter_mut().enumerate() {
            let place = format!("labels[{i}]");
            label.name = checked_name(&field(&place, "name"), &label.name)?;
            if let Some(first) = names.insert(label.name.clone(), i) {
                return Err(ImportError::new(
                    field(&place, "name"),
                    format!("“{}” is already the name of labels[{first}]", label.name),
                ));
            }
            if let Some(color) = &label.color {
                hex_color(color)
                    .map_err(|e| ImportError::new(field(&place, "color"), e.to_string()))?;
            }
            if let Some(key) = label.hotkey {
                let place = field(&place, "hotkey");
                hotkey(key).map_err(|e| ImportError::new(&place, e.to_string()))?;
                if let Some(first) = hotkeys.insert(key, i) {
                    let owner = format!("labels[{first}]");
                    return Err(ImportError::new(
                        place,
                        HotkeyError::taken(key, owner).to_string(),
                    ));
                }
            }
        }

        let mut ids = HashMap::new();
        for document in &documents {
            let place = &document.place;
            for (name, value) in [
                ("id", &document.id),
                ("file_name", &document.file_name),
                ("title", &document.title),
            ] {
                if value.as_deref().is_some_and(is_blank) {
                    return Err(ImportError::new(field(place, name), "is empty"));
                }
            }
            if let Some(id) = &document.id {
                unique_id(&mut ids, id, place)?;
            }
            match &document.text {
                Some(text) => check_text(text).map_err(|e| {
                    ImportError::new(field(place, "text"), format!("cannot be a document: {e}"))
                })?,
                None if document.id.is_none() => {
                    return Err(ImportError::new(
                        place,
                        "has neither an id nor a text, so it can be neither found nor added",
                    ))
                }
                None => {}
            }
        }

        let chars: Vec<Option<CharIndex>> = documents
            .iter()
            .map(|d| d.text.as_deref().map(CharIndex::new))
            .collect();
        let mut ids = HashMap::new();
        let mut label_names = Vec::with_capacity(annotations.len());
        for annotation in &annotations {
            let place = &annotation.place;
            let Some(document) = documents.get(annotation.document) else {
                return Err(ImportError::new(place, "is not in a document of the file"));
            };
            if let Some(id) = &annotation.id {
                if is_blank(id) {
                    return Err(ImportError::new(field(place, "id"), "is empty"));
                }
                unique_id(&mut ids, id, place)?;
            }
            let label = if labels.is_empty() {
                checked_name(&field(place, "label"), &annotation.label)?
            } else {
                let name = normalize_name(&annotation.label);
                if !names.contains_key(&name) {
                    return Err(ImportError::new(
                        field(place, "label"),
                        format!("“{}” is not one of the file’s labels", annotation.label),
                    ));
                }
                name
            };
            label_names.push(label);
            if let (Some(text), Some(chars)) = (&document.text, &chars[annotation.document]) {
                quote_of(annotation, text, chars, document.name())?;
            }
        }
        for (annotation, label) in annotations.iter_mut().zip(label_names) {
            annotation.label = label;
        }
        Ok(Self {
            labels,
            documents,
            annotations,
            relation_types: Vec::new(),
            relations: Vec::new(),
        })
    }

    /// These, with the relation types the file defines (`types`, which may
    /// be empty: a type a relation names is then made) and its relations, if
    /// they are consistent: type names usable and unique, colours `#rrggbb`,
    /// relation ids unique, and each relation between two different
    /// annotations of the file in one document.
    pub fn with_relations(
        mut self,
        types: Vec<RelationType>,
        mut relations: Vec<IncomingRelation>,
    ) -> Result<Self, ImportError> {
        let mut names = HashMap::new();
        let mut checked_types = Vec::with_capacity(types.len());
        for (i, kind) in types.into_iter().enumerate() {
            let place = format!("relation_types[{i}]");
            let name = checked_name(&field(&place, "name"), &kind.name)?;
            if let Some(first) = names.insert(name.clone(), i) {
                return Err(ImportError::new(
                    field(&place, "name"),
                    format!("“{name}” is already the name of relation_types[{first}]"),
                ));
            }
            hex_color(&kind.color)
                .map_err(|e| ImportError::new(field(&place, "color"), e.to_string()))?;
            if let Some(key) = kind.hotkey {
                hotkey(key)
                    .map_err(|e| ImportError::new(field(&place, "hotkey"), e.to_string()))?;
            }
            checked_types.push(RelationType { name, ..kind });
        }
        let mut ids = HashMap::new();
        for relation in &mut relations {
            let place = &relation.place;
            if let Some(id) = &relation.id {
                if is_blank(id) {
                    return Err(ImportError::new(field(place, "id"), "is empty"));
                }
                unique_id(&mut ids, id, place)?;
            }
            relation.kind = checked_name(&field(place, "type"), &relation.kind)?;
            let end = |at: usize, name: &str| {
                self.annotations.get(at).ok_or_else(|| {
                    ImportError::new(field(place, name), "is not an annotation of the file")
                })
            };
            let (from, to) = (end(relation.from, "from")?, end(relation.to, "to")?);
            if relation.from == relation.to {
                return Err(ImportError::new(place, "links an annotation to itself"));
            }
            if from.document != to.document {
                return Err(ImportError::new(
                    place,
                    "links annotations of two different documents",
                ));
            }
        }
        self.relation_types = checked_types;
        self.relations = relations;
        Ok(self)
    }

    pub fn relations(&self) -> &[IncomingRelation] {
        &self.relations
    }

    pub fn labels(&self) -> &[IncomingLabel] {
        &self.labels
    }

    pub fn documents(&self) -> &[IncomingDocument] {
        &self.documents
    }

    pub fn annotations(&self) -> &[IncomingAnnotation] {
        &self.annotations
    }
}

/// Whether an import adds to what is there or takes its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Merge,
    Replace,
}

/// What an import will do, to show before it is applied. Its `Display` is
/// the sentence the app shows, e.g. “3 documents, 214 annotations, 2 new
/// labels; 5 annotations already present”.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Preview {
    /// Documents in the file.
    pub documents: usize,
    /// Of those, how many the workspace does not have yet.
    pub new_documents: usize,
    /// Annotations in the file.
    pub annotations: usize,
    /// Labels the workspace does not have yet.
    pub new_labels: usize,
    /// The file's annotations left out because the workspace (or the file,
    /// earlier) already has them: the same annotation, or another with the
    /// same span and label.
    pub already_present: usize,
    /// The file's annotations that change one of the workspace's with
    /// their id.
    pub updated: usize,
    /// The workspace's documents that a replacing import removes.
    pub replaced_documents: usize,
    /// The workspace's annotations that a replacing import removes.
    pub replaced_annotations: usize,
    /// The file's relations that the import adds or changes.
    pub relations: usize,
    /// Relation types the workspace does not have yet.
    pub new_relation_types: usize,
}

impl fmt::Display for Preview {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", count(self.documents, "document"))?;
        if self.new_documents > 0 {
            write!(f, " ({} new)", self.new_documents)?;
        }
        write!(f, ", {}", count(self.annotations, "annotation"))?;
        if self.new_labels > 0 {
            write!(f, ", {}", count(self.new_labels, "new label"))?;
        }
        if self.relations > 0 {
            write!(f, ", {}", count(self.relations, "relation"))?;
        }
        if self.new_relation_types > 0 {
            write!(
                f,
                ", {}",
                count(self.new_relation_types, "new relation type")
            )?;
        }
        if self.replaced_documents > 0 {
            write!(
                f,
                "; replaces {} and {}",
                count(self.replaced_documents, "document"),
                count(self.replaced_annotations, "annotation")
            )?;
        } else if self.replaced_annotations > 0 {
            write!(
                f,
                "; replaces {}",
                count(self.replaced_annotations, "annotation")
            )?;
        }
        if self.already_present > 0 {
            write!(
                f,
                "; {} already present",
                count(self.already_present, "annotation")
            )?;
        }
        if self.updated > 0 {
            write!(f, "; {} updated", count(self.updated, "annotation"))?;
        }
        Ok(())
    }
}

/// The place of `name` in the thing at `place`: `annotations[3].end`, or
/// `line 3: text` for a whole line of a JSONL file.
fn field(place: &str, name: &str) -> String {
    if place.starts_with("line ") && !place.contains(':') {
        format!("{place}: {name}")
    } else {
        format!("{place}.{name}")
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The action that imports a file, and what it will do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPlan {
    /// Empty when the import would change nothing.
    pub action: Action,
    pub preview: Preview,
}

/// Plans importing `incoming` into `workspace`.
///
/// **Merge** keeps everything here and adds to it: labels the workspace
/// lacks are appended (with the file's colour, or one from the palette, and
/// the file's hotkey if no label has it yet); documents are matched by id
/// (or, without one, by an identical text), and one with the id of a
/// document here but another text is an error; the others are added after
/// ours, their file names made unique. An annotation with the id of one here
/// is left alone if it is the same and updated to the file's if not; one
/// whose span and label are already tagged is left out; the rest are added.
///
/// **Replace** makes the workspace the file's: its labels (if it defines
/// any; if not, ours and the ones its annotations name), its documents in
/// its order (if it holds any text; if not, ours stay), and only its
/// annotations.
///
/// Either way an annotation without an id gets `new_id()`, one without a
/// creation time gets `now` (or, when it updates one here, that one's), and
/// every annotation must lie inside its document's text and quote it: this
/// is where annotations on documents the file only refers to are checked.
pub fn plan(
    workspace: &Workspace,
    incoming: Incoming,
    mode: Mode,
    new_id: &mut dyn FnMut() -> String,
    now: &str,
) -> Result<ImportPlan, ImportError> {
    let ours = workspace.document_count();
    let labels = planned_labels(workspace.labels(), &incoming, mode);
    let mut preview = Preview {
        documents: incoming.documents.len(),
        annotations: incoming.annotations.len(),
        new_labels: labels
            .iter()
            .filter(|l| workspace.label(&l.name).is_none())
            .count(),
        ..Preview::default()
    };

    // Each document of the file becomes one of ours (its position) or one
    // added after ours (`ours` + its index in `added`), which a replacing
    // import then moves up by removing ours.
    let replaces_documents =
        mode == Mode::Replace && incoming.documents.iter().any(|d| d.text.is_some());
    let mut added: Vec<Document> = Vec::new();
    let mut positions = Vec::with_capacity(incoming.documents.len());
    // Ours by id and by text (the first of each), looked up once per
    // document of the file rather than searched for.
    let mut by_id = HashMap::new();
    let mut by_text = HashMap::new();
    for (at, document) in workspace.documents().enumerate() {
        by_id.entry(document.id.as_str()).or_insert(at);
        by_text.entry(&*document.text).or_insert(at);
    }
    for document in incoming.documents {
        let here = match (&document.id, &document.text) {
            (Some(id), _) => by_id.get(id.as_str()).copied(),
            (None, Some(text)) => by_text.get(text.as_str()).copied(),
            (None, None) => None,
        };
        preview.new_documents += usize::from(here.is_none());
        let here = here.and_then(|at| Some((at, workspace.document(at)?)));
        let position = match (here, document.text) {
            (Some((_, here)), Some(text)) if !replaces_documents && *text != *here.text => {
                return Err(ImportError::new(
                    &document.place,
                    format!(
                        "has the id “{}” of the document “{}” here, but another text",
                        here.id, here.title
                    ),
                ));
            }
            (Some((at, _)), _) if !replaces_documents => at,
            (Some((_, here)), None) => {
                added.push(here.clone());
                ours + added.len() - 1
            }
            (_, Some(text)) => {
                let id = document.id.unwrap_or_else(&mut *new_id);
                let file_name = document.file_name.unwrap_or_else(|| format!("{id}.txt"));
                added.push(match document.title {
                    Some(title) => Document {
                        id,
                        file_name,
                        title,
                        text: text.into(),
                        status: document.status.unwrap_or_default(),
                    },
                    None => Document {
                        status: document.status.unwrap_or_default(),
                        ..Document::new(id, file_name, text)
                    },
                });
                ours + added.len() - 1
            }
            (None, None) => {
                return Err(ImportError::new(
                    &document.place,
                    format!(
                        "refers to the document “{}”, which is not here, and the file does not \
                         hold its text",
                        document.id.unwrap_or_default()
                    ),
                ));
            }
        };
        positions.push(position);
    }
    if mode == Mode::Merge {
        let names = workspace.unused_file_names(added.iter().map(|d| d.file_name.as_str()));
        for (document, name) in added.iter_mut().zip(names) {
            document.file_name = name;
        }
    }
    let document_at = |position: usize| {
        workspace
            .document(position)
            .or_else(|| added.get(position - ours))
    };

    let mut steps = Vec::new();
    // Ours by id, and the spans tagged with each label, as (position,
    // start, end, label), to find the file's annotations already here.
    let mut existing: HashMap<&str, (usize, &Annotation)> = HashMap::new();
    let mut tagged: HashMap<(usize, usize, usize, String), String> = HashMap::new();
    for position in 0..ours {
        for annotation in workspace
            .annotations(position)
            .into_iter()
            .flat_map(SpanIndex::iter)
        {
            if mode == Mode::Replace {
                steps.push(Step {
                    document: position,
                    before: Some(annotation.clone()),
                    after: None,
                });
            } else {
                existing.insert(&annotation.id, (position, annotation));
                tagged.insert(key(position, annotation), annotation.id.clone());
            }
        }
    }
    if mode == Mode::Replace {
        preview.replaced_annotations = steps.len();
    }

    let mut chars: Vec<Option<CharIndex>> = vec![None; ours + added.len()];
    // The id each annotation of the file has here, and where, for its
    // relations: its own, or that of the annotation here it is a twin of.
    let mut landed: Vec<Option<(usize, String)>> = Vec::with_capacity(incoming.annotations.len());
    for from_file in incoming.annotations {
        let found = positions
            .get(from_file.document)
            .and_then(|&at| Some((at, document_at(at)?)));
        let Some((position, document)) = found else {
            return Err(ImportError::new(
                &from_file.place,
                "is not in a document of the file",
            ));
        };
        let chars = chars[position].get_or_insert_with(|| CharIndex::new(&document.text));
        let quote = quote_of(&from_file, &document.text, chars, &document.title)?.to_string();
        let old = from_file
            .id
            .as_deref()
            .and_then(|id| existing.get(id))
            .copied();
        let annotation = Annotation {
            id: from_file.id.unwrap_or_else(&mut *new_id),
            document_id: document.id.clone(),
            start: from_file.start,
            end: from_file.end,
            quote,
            label: from_file.label,
            created: from_file
                .created
                .or_else(|| old.map(|(_, o)| o.created.clone()))
                .unwrap_or_else(|| now.to_string()),
            note: from_file.note,
            entity: from_file.entity.as_deref().and_then(entity_name),
        };
        let new_key = key(position, &annotation);
        let old_key = old.map(|(at, o)| key(at, o));
        let twin = tagged
            .get(&new_key)
            .filter(|_| old_key.as_ref() != Some(&new_key));
        if let Some(twin) = twin {
            landed.push(Some((position, twin.clone())));
            preview.already_present += 1;
            continue;
        }
        landed.push(Some((position, annotation.id.clone())));
        if old.is_some_and(|(_, o)| *o == annotation) {
            preview.already_present += 1;
            continue;
        }
        if let Some(old_key) = &old_key {
            tagged.remove(old_key);
        }
        tagged.insert(new_key, annotation.id.clone());
        match old {
            Some((at, before)) if at == position => steps.push(Step {
                document: position,
                before: Some(before.clone()),
                after: Some(annotation),
            }),
            Some((at, before)) => steps.extend([
                Step {
                    document: at,
                    before: Some(before.clone()),
                    after: None,
                },
                Step {
                    document: position,
                    before: None,
                    after: Some(annotation),
                },
            ]),
            None => steps.push(Step {
                document: position,
                before: None,
                after: Some(annotation),
            }),
        }
        preview.updated += usize::from(old.is_some());
    }

    let added_ids: Vec<String> = added.iter().map(|d| d.id.clone()).collect();
    let mut documents: Vec<DocumentStep> = added
        .into_iter()
        .enumerate()
        .map(|(i, document)| DocumentStep {
            position: ours + i,
            before: None,
            after: Some(document),
        })
        .collect();
    if replaces_documents {
        preview.replaced_documents = ours;
        // Last first, so that each position still holds when its turn comes.
        documents.extend((0..ours).rev().map(|position| DocumentStep {
            position,
            before: workspace.document(position).cloned(),
            after: None,
        }));
    }
    let action = workspace.with_relations(Action {
        labels: (labels.as_slice() != workspace.labels())
            .then(|| (workspace.labels().to_vec(), labels)),
        documents,
        steps,
        ..Action::default()
    });
    let mut action = action;
    let types = planned_relation_types(
        workspace.relation_types(),
        &incoming.relation_types,
        &incoming.relations,
    );
    preview.new_relation_types = types.len() - workspace.relation_types().len();
    if preview.new_relation_types > 0 {
        action.relation_types = Some((workspace.relation_types().to_vec(), types));
    }
    let document_ids: Vec<String> = (0..ours + added_ids.len())
        .map(|at| {
            workspace
                .document(at)
                .map(|d| d.id.clone())
                .unwrap_or_else(|| added_ids[at - ours].clone())
        })
        .collect();
    // What is here after the action's removals, to leave out a relation
    // that is already there and update one with the same id.
    let going: HashSet<&str> = action
        .relations
        .iter()
        .filter_map(|s| s.before.as_ref())
        .map(|r| r.id.as_str())
        .collect();
    let mut here: HashMap<String, (usize, Relation)> = HashMap::new();
    for position in 0..ours {
        for relation in workspace.relations(position).into_iter().flatten() {
            if !going.contains(relation.id.as_str()) {
                here.insert(relation.id.clone(), (position, relation.clone()));
            }
        }
    }
    let mut planned_ids: HashSet<String> = HashSet::new();
    let mut added_relations = Vec::new();
    for from_file in incoming.relations {
        let (Some(Some((position, from))), Some(Some((_, to)))) =
            (landed.get(from_file.from), landed.get(from_file.to))
        else {
            continue;
        };
        let relation = Relation {
            id: from_file.id.unwrap_or_else(&mut *new_id),
            document_id: document_ids[*position].clone(),
            from: from.clone(),
            to: to.clone(),
            kind: from_file.kind,
            created: from_file.created.unwrap_or_else(|| now.to_string()),
            note: from_file.note,
        };
        let same_ends = |r: &Relation| {
            r.from == relation.from && r.to == relation.to && r.kind == relation.kind
        };
        let twin = here.values().any(|(_, r)| {
            r.id != relation.id && r.document_id == relation.document_id && same_ends(r)
        }) || added_relations
            .iter()
            .any(|s: &RelationStep| s.after.as_ref().is_some_and(same_ends));
        if twin || !planned_ids.insert(relation.id.clone()) {
            continue;
        }
        let step = match here.get(&relation.id) {
            Some((_, old)) if *old == relation => continue,
            Some((at, old)) if *at == *position => RelationStep {
                document: *at,
                before: Some(old.clone()),
                after: Some(relation),
            },
            Some((at, old)) => {
                added_relations.push(RelationStep {
                    document: *at,
                    before: Some(old.clone()),
                    after: None,
                });
                RelationStep {
                    document: *position,
                    before: None,
                    after: Some(relation),
                }
            }
            None => RelationStep {
                document: *position,
                before: None,
                after: Some(relation),
            },
        };
        preview.relations += 1;
        added_relations.push(step);
    }
    action.relations.extend(added_relations);
    Ok(ImportPlan { action, preview })
}

/// The relation types after the import: ours, then those the file defines
/// that we lack (with its colour, and its hotkey if no type has it), then
/// any other its relations name (with a colour from the palette).
fn planned_relation_types(
    ours: &[RelationType],
    defined: &[RelationType],
    relations: &[IncomingRelation],
) -> Vec<RelationType> {
    let mut types = ours.to_vec();
    for kind in defined {
        if types.iter().any(|t| t.name == kind.name) {
            continue;
        }
        let hotkey = kind
            .hotkey
            .filter(|k| types.iter().all(|t| t.hotkey != Some(*k)));
        types.push(RelationType {
            hotkey,
            ..kind.clone()
        });
    }
    for relation in relations {
        if types.iter().any(|t| t.name == relation.kind) {
            continue;
        }
        let color = ColorPicker::new(types.iter().map(|t| t.color.as_str())).pick();
        types.push(RelationType {
            name: relation.kind.clone(),
            color,
            hotkey: None,
        });
    }
    types
}

/// The label set after the import: see [`plan`].
fn planned_labels(ours: &[Label], incoming: &Incoming, mode: Mode) -> Vec<Label> {
    let mut labels = if mode == Mode::Replace && !incoming.labels.is_empty() {
        Vec::new()
    } else {
        ours.to_vec()
    };
    let defined = incoming
        .labels
        .iter()
        .map(|l| (&l.name, l.color.as_ref(), l.hotkey));
    let named = incoming.annotations.iter().map(|a| (&a.label, None, None));
    // Sets rather than a look through `labels` for each: a file may name
    // thousands of labels on hundreds of thousands of annotations.
    let mut names: HashSet<String> = labels.iter().map(|l| l.name.clone()).collect();
    let mut hotkeys: HashSet<char> = labels.iter().filter_map(|l| l.hotkey).collect();
    let mut colors = ColorPicker::new(labels.iter().map(|l| l.color.as_str()));
    for (name, color, hotkey) in defined.chain(named) {
        if names.contains(name) {
            continue;
        }
        names.insert(name.clone());
        let color = match color {
            Some(color) => {
                colors.add(color);
                color.clone()
            }
            None => colors.pick(),
        };
        labels.push(Label {
            name: name.clone(),
            color,
            hotkey: hotkey.filter(|&k| hotkeys.insert(k)),
        });
    }
    labels
}

/// What tells an annotation's twin: the same span of the same document
/// with the same label.
fn key(position: usize, annotation: &Annotation) -> (usize, usize, usize, String) {
    (
        position,
        annotation.start,
        annotation.end,
        annotation.label.clone(),
    )
}

/// The text `annotation` points at in `text` (indexed by `chars`), if its
/// span keeps the rule of [`span_text`]. `document` names the text in
/// messages.
fn quote_of<'t>(
    annotation: &IncomingAnnotation,
    text: &'t str,
    chars: &CharIndex,
    document: &str,
) -> Result<&'t str, ImportError> {
    let (start, end, quote) = (annotation.start, annotation.end, &annotation.quote);
    span_text(text, chars, start, end, quote.as_deref(), document).map_err(|e| {
        let place = match e.field() {
            Some(name) => field(&annotation.place, name),
            None => annotation.place.clone(),
        };
        ImportError::new(place, e.to_string())
    })
}

/// Notes that the thing at `place` has the id `id`, unless an earlier one
/// (in `seen`, by id) has it already.
fn unique_id<'a>(
    seen: &mut HashMap<&'a str, &'a str>,
    id: &'a str,
    place: &'a str,
) -> Result<(), ImportError> {
    match seen.insert(id, place) {
        Some(first) => Err(ImportError::new(
            field(place, "id"),
            format!("“{id}” is already the id of {first}"),
        )),
        None => Ok(()),
    }
}

/// `name` as the label's name is kept, or why the file's cannot be one.
fn checked_name(place: &str, name: &str) -> Result<String, ImportError> {
    label_name(name).map_err(|e| ImportError::new(place, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{contrast_ratio, default_labels, seed_documents, MIN_CONTRAST, TEXT_COLOR};

    const NOW: &str = "2026-05-05T05:05:05.000Z";
    /// The position of article 001 and the code points of “de-facto” in it.
    const ARTICLE: usize = 1;
    const DE_FACTO: (usize, usize) = (941, 951);

    fn workspace() -> Workspace {
        Workspace::new(seed_documents(), default_labels())
    }

    /// A document the file only refers to by id, as a W3C file does.
    fn reference(id: &str) -> IncomingDocument {
        IncomingDocument {
            place: "documents[0]".into(),
            id: Some(id.into()),
            file_name: None,
            title: None,
            text: None,
            status: None,
        }
    }

    /// A document the file holds only the text of, as a doccano file may.
    fn text(place: &str, text: &str) -> IncomingDocument {
        IncomingDocument {
            place: place.into(),
            id: None,
            file_name: None,
            title: None,
            text: Some(text.into()),
            status: None,
        }
    }

    fn span(document: usize, (start, end): (usize, usize), label: &str) -> IncomingAnnotation {
        IncomingAnnotation {
            place: "annotations[0]".into(),
            document,
            id: None,
            start,
            end,
            quote: None,
            label: label.into(),
            created: None,
            note: None,
            entity: None,
        }
    }

    fn planned(ws: &Workspace, incoming: Incoming, mode: Mode) -> Result<ImportPlan, String> {
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("new-{n}")
        };
        plan(ws, incoming, mode, &mut new_id, NOW).map_err(|e| e.to_string())
    }

    fn incoming(
        documents: Vec<IncomingDocument>,
        annotations: Vec<IncomingAnnotation>,
    ) -> Incoming {
        Incoming::new(Vec::new(), documents, annotations).unwrap()
    }

    #[test]
    fn the_preview_reads_as_a_sentence_in_singular_and_plural() {
        let issue = Preview {
            documents: 3,
            annotations: 214,
            new_labels: 2,
            already_present: 5,
            ..Preview::default()
        };
        assert_eq!(
            issue.to_string(),
            "3 documents, 214 annotations, 2 new labels; 5 annotations already present"
        );
        let ones = Preview {
            documents: 1,
            new_documents: 1,
            annotations: 1,
            new_labels: 1,
            already_present: 1,
            updated: 1,
            replaced_documents: 1,
            replaced_annotations: 1,
            relations: 1,
            new_relation_types: 1,
        };
        assert_eq!(
            ones.to_string(),
            "1 document (1 new), 1 annotation, 1 new label, 1 relation, 1 new relation type; \
             replaces 1 document and 1 annotation; 1 annotation already present; 1 annotation \
             updated"
        );
        let only_annotations = Preview {
            replaced_annotations: 2,
            ..Preview::default()
        };
        assert_eq!(
            only_annotations.to_string(),
            "0 documents, 0 annotations; replaces 2 annotations"
        );
    }

    #[test]
    fn annotations_on_documents_only_referred_to_are_checked_against_ours() {
        let mut ws = workspace();
        let id = ws.document(ARTICLE).unwrap().id.clone();
        let mut tagged = span(0, DE_FACTO, "Stance");
        tagged.id = Some("w1".into());
        tagged.quote = Some("“de-facto”".into());
        tagged.note = Some("a note".into());
        let plan = planned(
            &ws,
            incoming(vec![reference(&id)], vec![tagged.clone()]),
            Mode::Merge,
        )
        .unwrap();
        assert_eq!(
            plan.preview.to_string(),
            "1 document, 1 annotation, 1 new label"
        );
        ws.apply(&plan.action).unwrap();
        let added = ws.annotations(ARTICLE).unwrap().get("w1").unwrap();
        assert_eq!(
            (added.created.as_str(), added.note.as_deref()),
            (NOW, Some("a note"))
        );
        let stance = ws.label("Stance").unwrap();
        assert!(contrast_ratio(TEXT_COLOR, &stance.color).unwrap() >= MIN_CONTRAST);
        assert_eq!(stance.hotkey, None);

        let wrong = IncomingAnnotation {
            start: DE_FACTO.0 + 1,
            end: DE_FACTO.1 + 1,
            ..tagged
        };
        let error = planned(
            &ws,
            incoming(vec![reference(&id)], vec![wrong]),
            Mode::Merge,
        );
        assert!(
            error.as_ref().is_err_and(|e| e.starts_with(
                "annotations[0].quote ““de-facto”” does not match the text at 942..952"
            )),
            "{error:?}"
        );
        let nowhere = planned(
            &ws,
            incoming(vec![reference("nope")], Vec::new()),
            Mode::Merge,
        );
        assert_eq!(
            nowhere.unwrap_err(),
            "documents[0] refers to the document “nope”, which is not here, and the file does \
             not hold its text"
        );
    }

    #[test]
    fn replacing_without_texts_keeps_our_documents_and_replaces_the_annotations() {
        let mut ws = workspace();
        let ours = ws
            .plan_annotate(0, 1..5, "Person", "ours".into(), NOW.into())
            .unwrap();
        ws.apply(&ours).unwrap();
        let id = ws.document(ARTICLE).unwrap().id.clone();
        let file = incoming(vec![reference(&id)], vec![span(0, DE_FACTO, "Location")]);
        let plan = planned(&ws, file, Mode::Replace).unwrap();
        assert_eq!(
            plan.preview.to_string(),
            "1 document, 1 annotation; replaces 1 annotation"
        );
        ws.apply(&plan.action).unwrap();
        assert_eq!(ws.document_count(), 3);
        assert_eq!(ws.labels(), default_labels());
        let all: Vec<&Annotation> = ws.all_annotations().collect();
        assert_eq!(all.len(), 1);
        assert_eq!(
            (all[0].id.as_str(), all[0].quote.as_str()),
            ("new-1", "“de-facto”")
        );
    }

    #[test]
    fn documents_without_ids_are_found_by_their_text_or_added() {
        let mut ws = workspace();
        let seed = ws.document(2).unwrap().text.clone();
        let file = || {
            incoming(
                vec![text("line 1", &seed), text("line 2", "Zoë 👩‍👩‍👧 שלום")],
                vec![span(0, (0, 9), "Event"), span(1, (4, 9), "Person")],
            )
        };
        let plan = planned(&ws, file(), Mode::Merge).unwrap();
        assert_eq!(
            plan.preview.to_string(),
            "2 documents (1 new), 2 annotations"
        );
        ws.apply(&plan.action).unwrap();
        let added = ws.document(3).unwrap();
        assert_eq!(
            (
                added.id.as_str(),
                added.file_name.as_str(),
                added.title.as_str()
            ),
            ("new-1", "new-1.txt", "Zoë 👩‍👩‍👧 שלום")
        );
        assert_eq!(
            ws.annotations(3).unwrap().iter().next().unwrap().quote,
            "👩‍👩‍👧"
        );
        assert_eq!(ws.annotations(2).unwrap().len(), 1);

        let again = planned(&ws, file(), Mode::Merge).unwrap();
        assert_eq!(again.action, Action::default());
        assert_eq!(
            again.preview.to_string(),
            "2 documents, 2 annotations; 2 annotations already present"
        );
    }

    #[test]
    fn an_annotation_updated_into_another_document_moves_there() {
        let mut ws = workspace();
        let ours = ws
            .plan_annotate(0, 1..5, "Person", "a".into(), "then".into())
            .unwrap();
        ws.apply(&ours).unwrap();
        let id = ws.document(ARTICLE).unwrap().id.clone();
        let mut moved = span(0, DE_FACTO, "Location");
        moved.id = Some("a".into());
        let plan = planned(
            &ws,
            incoming(vec![reference(&id)], vec![moved]),
            Mode::Merge,
        )
        .unwrap();
        assert_eq!(
            plan.preview.to_string(),
            "1 document, 1 annotation; 1 annotation updated"
        );
        ws.apply(&plan.action).unwrap();
        assert!(ws.annotations(0).unwrap().is_empty());
        let a = ws.annotations(ARTICLE).unwrap().get("a").unwrap();
        assert_eq!(a.created, "then", "an update keeps the time it was made");
    }

    #[test]
    fn twins_in_the_file_are_left_out() {
        let ws = workspace();
        let id = ws.document(0).unwrap().id.clone();
        let file = incoming(
            vec![reference(&id)],
            vec![span(0, (1, 5), "Person"), span(0, (1, 5), "Person")],
        );
        let plan = planned(&ws, file, Mode::Replace).unwrap();
        assert_eq!(plan.preview.already_present, 1);
        assert_eq!(plan.action.steps.len(), 1);
    }

    #[test]
    fn label_names_are_normalised_as_the_label_editor_normalises_them() {
        let mut ws = workspace();
        let id = ws.document(ARTICLE).unwrap().id.clone();
        let defined = |name: &str| IncomingLabel {
            name: name.into(),
            color: None,
            hotkey: None,
        };
        let file = Incoming::new(
            vec![defined(" Armed \t Group ")],
            vec![reference(&id)],
            vec![span(0, DE_FACTO, "Armed  Group")],
        )
        .unwrap();
        ws.apply(&planned(&ws, file, Mode::Merge).unwrap().action)
            .unwrap();
        assert!(ws.label("Armed Group").is_some());
        let tagged = ws.annotations(ARTICLE).unwrap().iter().next().unwrap();
        assert_eq!(tagged.label, "Armed Group");

        let mut stance = span(0, (1, 5), "  Stance\n");
        stance.id = Some("w2".into());
        let named = incoming(vec![reference(&id)], vec![stance]);
        ws.apply(&planned(&ws, named, Mode::Merge).unwrap().action)
            .unwrap();
        assert_eq!(ws.labels().last().unwrap().name, "Stance");

        let clash = Incoming::new(
            vec![defined("A  B"), defined("A B")],
            vec![reference(&id)],
            Vec::new(),
        );
        assert_eq!(
            clash.unwrap_err().to_string(),
            "labels[1].name “A B” is already the name of labels[0]"
        );
    }

    #[test]
    fn a_document_with_neither_id_nor_text_cannot_be_imported() {
        let nothing = IncomingDocument {
            text: None,
            ..text("line 1", "")
        };
        assert_eq!(
            Incoming::new(Vec::new(), vec![nothing], Vec::new())
                .unwrap_err()
                .to_string(),
            "line 1 has neither an id nor a text, so it can be neither found nor added"
        );
    }
}
