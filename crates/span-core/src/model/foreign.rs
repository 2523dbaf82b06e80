//! Changes that did not come from this tab: another tab's edits, found in
//! storage, taken into the workspace as they are. They are not this tab's
//! actions, so they never enter its undo history; an undo that would
//! overwrite one of them is refused by [`Workspace::apply`], which checks
//! that what it replaces is still what the action expects.

use std::collections::HashMap;

use super::{
    Action, Annotated, Annotation, Applied, Change, Document, EditError, Label, Labels, Relation,
    RelationType, Workspace,
};

/// What storage holds that this tab does not: a whole label set, a whole
/// list of documents (in order, with their texts), and annotations to put
/// or remove. A put annotation's quote is taken from the text, not trusted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Foreign {
    pub labels: Option<Vec<Label>>,
    pub documents: Option<Vec<Document>>,
    pub annotations: Vec<ForeignChange>,
    pub relation_types: Option<Vec<RelationType>>,
    pub relations: Vec<ForeignRelation>,
}

/// A relation another tab made, changed or deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForeignRelation {
    Put(Relation),
    Remove { document_id: String, id: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForeignChange {
    Put(Annotation),
    Remove { document_id: String, id: String },
}

impl Foreign {
    pub fn is_empty(&self) -> bool {
        self.labels.is_none()
            && self.documents.is_none()
            && self.annotations.is_empty()
            && self.relation_types.is_none()
            && self.relations.is_empty()
    }
}

impl Workspace {
    /// Takes in changes made elsewhere: labels and relation types first,
    /// then documents, then the relations removed, the annotations and the
    /// relations put, each checked as any stored one is. A relation left
    /// without an end (its annotation deleted elsewhere) goes too. Returns what
    /// changed, to redraw, and one line per change that could not be taken.
    pub fn absorb(&mut self, foreign: Foreign) -> (Applied, Vec<String>) {
        let mut applied = Applied::default();
        let mut problems = Vec::new();
        if let Some(labels) = foreign.labels.filter(|l| l != self.labels()) {
            self.labels = Labels::new(labels);
            applied.labels = true;
        }
        if let Some(types) = foreign
            .relation_types
            .filter(|t| t != self.relation_types())
        {
            self.relation_types = types;
            applied.relation_types = true;
        }
        if let Some(documents) = foreign.documents {
            self.take_documents(documents, &mut applied);
        }
        let (removed, put): (Vec<_>, Vec<_>) = foreign
            .relations
            .into_iter()
            .partition(|r| matches!(r, ForeignRelation::Remove { .. }));
        for change in removed {
            if let Err(problem) = self.take_relation(change, &mut applied) {
                problems.push(problem);
            }
        }
        for change in foreign.annotations {
            if let Err(problem) = self.take_annotation(change, &mut applied.changes) {
                problems.push(problem);
            }
        }
        self.drop_dangling_relations(&mut applied, &mut problems);
        for change in put {
            if let Err(problem) = self.take_relation(change, &mut applied) {
                problems.push(problem);
            }
        }
        (applied, problems)
    }

    /// Removes the relations whose end is gone or whose type is, which only
    /// changes made elsewhere can leave.
    fn drop_dangling_relations(&mut self, applied: &mut Applied, problems: &mut Vec<String>) {
        let types: Vec<String> = self.relation_types.iter().map(|t| t.name.clone()).collect();
        for entry in &mut self.documents {
            let annotations = &entry.annotations;
            let before = entry.relations.len();
            entry.relations.retain(|r| {
                let kept = annotations.get(&r.from).is_some()
                    && annotations.get(&r.to).is_some()
                    && types.contains(&r.kind);
                if !kept {
                    problems.push(format!("relation “{}”: an end or its type is gone", r.id));
                }
                kept
            });
            if entry.relations.len() != before && !applied.relations.contains(&entry.document.id) {
                applied.relations.push(entry.document.id.clone());
            }
        }
    }

    fn take_relation(
        &mut self,
        change: ForeignRelation,
        applied: &mut Applied,
    ) -> Result<(), String> {
        let (document_id, id) = match &change {
            ForeignRelation::Put(r) => (r.document_id.clone(), r.id.clone()),
            ForeignRelation::Remove { document_id, id } => (document_id.clone(), id.clone()),
        };
        let Some(doc) = self.position(&document_id) else {
            return Ok(());
        };
        let relations = &mut self.documents[doc].relations;
        let previous = relations
            .iter()
            .position(|r| r.id == id)
            .map(|at| relations.remove(at));
        let result = match change {
            ForeignRelation::Remove { .. } => Ok(()),
            ForeignRelation::Put(relation) => {
                let checked = self.check_relation(doc, &relation).and_then(|()| {
                    if self.relation_ids().contains(relation.id.as_str()) {
                        Err(EditError::DuplicateId(relation.id.clone()))
                    } else {
                        Ok(())
                    }
                });
                match checked {
                    Ok(()) => {
                        self.documents[doc].insert_relation(relation);
                        Ok(())
                    }
                    Err(e) => {
                        if let Some(previous) = previous {
                            self.documents[doc].insert_relation(previous);
                        }
                        Err(format!("relation “{id}”: {e}"))
                    }
                }
            }
        };
        if !applied.relations.contains(&document_id) {
            applied.relations.push(document_id);
        }
        result
    }

    /// Makes the list of documents `documents`, keeping what this tab holds
    /// of each one still in it.
    fn take_documents(&mut self, documents: Vec<Document>, applied: &mut Applied) {
        let same = documents.len() == self.documents.len()
            && documents
                .iter()
                .zip(&self.documents)
                .all(|(d, held)| *d == held.document);
        if same {
            return;
        }
        self.documents_moved();
        let mut held: HashMap<String, Annotated> = self
            .documents
            .drain(..)
            .map(|entry| (entry.document.id.clone(), entry))
            .collect();
        for document in documents {
            match held.remove(&document.id) {
                Some(mut entry) if entry.document.text == document.text => {
                    entry.document = document;
                    self.documents.push(entry);
                }
                Some(entry) => {
                    self.forget(&entry);
                    applied.removed_documents.push(entry.document.id.clone());
                    applied.added_documents.push(document.id.clone());
                    self.documents.push(Annotated::new(document));
                }
                None => {
                    applied.added_documents.push(document.id.clone());
                    self.documents.push(Annotated::new(document));
                }
            }
        }
        for (id, entry) in held {
            self.forget(&entry);
            applied.removed_documents.push(id);
        }
        applied.documents = true;
    }

    fn forget(&mut self, entry: &Annotated) {
        for annotation in entry.annotations.iter() {
            self.ids.remove(&annotation.id);
        }
    }

    fn take_annotation(
        &mut self,
        change: ForeignChange,
        changes: &mut Vec<Change>,
    ) -> Result<(), String> {
        match change {
            ForeignChange::Remove { document_id, id } => {
                let Some(doc) = self.position(&document_id) else {
                    return Ok(());
                };
                if let Some(removed) = self.documents[doc].annotations.remove(&id) {
                    self.ids.remove(&id);
                    changes.push(Change::of(doc, &removed));
                }
                Ok(())
            }
            ForeignChange::Put(mut annotation) => {
                let doc = self.position(&annotation.document_id).ok_or_else(|| {
                    format!(
                        "annotation “{}”: there is no document “{}”",
                        annotation.id, annotation.document_id
                    )
                })?;
                annotation.quote = self.documents[doc]
                    .quote(annotation.start, annotation.end, None)
                    .map_err(|e| format!("annotation “{}”: {e}", annotation.id))?
                    .to_string();
                let previous = self.documents[doc].annotations.remove(&annotation.id);
                if previous.is_some() {
                    self.ids.remove(&annotation.id);
                }
                match self.check(doc, &annotation) {
                    Ok(()) => {
                        changes.extend(previous.map(|p| Change::of(doc, &p)));
                        changes.push(self.insert(doc, annotation));
                        Ok(())
                    }
                    Err(e) => {
                        if let Some(previous) = previous {
                            self.insert(doc, previous);
                        }
                        Err(format!("annotation “{}”: {e}", annotation.id))
                    }
                }
            }
        }
    }
}

impl Action {
    /// This action with its documents found again by id, for a workspace in
    /// which other tabs may have added or removed documents since it was
    /// planned. A step whose document is gone keeps its position and fails
    /// when applied, as it should.
    pub fn relocate(&self, workspace: &Workspace) -> Self {
        let mut action = self.clone();
        for step in &mut action.steps {
            let id = step
                .before
                .as_ref()
                .or(step.after.as_ref())
                .map(|a| a.document_id.as_str());
            if let Some(doc) = id.and_then(|id| workspace.position(id)) {
                step.document = doc;
            }
        }
        for step in &mut action.relations {
            let id = step
                .before
                .as_ref()
                .or(step.after.as_ref())
                .map(|r| r.document_id.as_str());
            if let Some(doc) = id.and_then(|id| workspace.position(id)) {
                step.document = doc;
            }
        }
        for step in &mut action.documents {
            match &step.before {
                Some(before) => {
                    if let Some(at) = workspace.position(&before.id) {
                        step.position = at;
                    }
                }
                None => step.position = step.position.min(workspace.document_count()),
            }
        }
        action
    }
}
