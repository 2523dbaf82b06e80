//! Applying a planned [`Action`] whole or not at all, and taking it back
//! when a step fails: the one way the workspace changes. What an action
//! holds and how it is inverted is [`history`](crate::model::history)'s;
//! planning one is the other files'.

use std::collections::HashSet;

use super::{Annotated, Applied, Change, EditError, Labels, Workspace};
use crate::model::{Action, DocumentStep, RelationStep, Step};

/// From how many steps an action that only adds or only removes
/// annotations is applied as a batch ([`Workspace::apply_batch`]).
const BATCH_FROM: usize = 16;

impl Workspace {
    /// Applies `action` whole or not at all.
    pub fn apply(&mut self, action: &Action) -> Result<Applied, EditError> {
        let annotations_only = action.documents.is_empty()
            && action.relations.is_empty()
            && action.relation_types.is_none();
        if annotations_only {
            return self.apply_to_annotations(action);
        }
        // Adding and removing documents is rare and moves positions around,
        // and relations are edited one at a time, so a failure is taken
        // back by restoring a copy.
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
            documents: !action.documents.is_empty(),
            relation_types: action.relation_types.is_some(),
            ..Applied::default()
        };
        if let Some((before, after)) = &action.labels {
            if self.labels.list != *before {
                return Err(EditError::LabelsChangedSince);
            }
            self.labels = Labels::new(after.clone());
        }
        if let Some((before, after)) = &action.relation_types {
            if self.relation_types != *before {
                return Err(EditError::RelationTypesChangedSince);
            }
            self.relation_types = after.clone();
        }
        for step in action.documents.iter().filter(|s| !s.removes()) {
            self.apply_document_step(step, &mut applied)?;
        }
        for step in action.relations.iter().filter(|s| s.removes()) {
            self.apply_relation_step(step, &mut applied)?;
        }
        for step in &action.steps {
            self.apply_step(step, &mut applied.changes)?;
        }
        for step in action.relations.iter().filter(|s| !s.removes()) {
            self.apply_relation_step(step, &mut applied)?;
        }
        for step in action.documents.iter().filter(|s| s.removes()) {
            self.apply_document_step(step, &mut applied)?;
        }
        if let Some(kind) = self
            .all_relations()
            .find(|r| self.relation_type(&r.kind).is_none())
        {
            return Err(EditError::UnknownRelationType(kind.kind.clone()));
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
                self.documents_moved();
                applied.added_documents.push(after.id.clone());
            }
            (Some(before), None) => {
                let entry = &self.documents[at];
                if !entry.annotations.is_empty() || !entry.relations.is_empty() {
                    return Err(EditError::DocumentNotEmpty(before.title.clone()));
                }
                self.documents.remove(at);
                self.documents_moved();
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
        if action.labels.is_none() && action.steps.len() > BATCH_FROM {
            if let Some(applied) = self.apply_batch(&action.steps) {
                return applied;
            }
        }
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

    /// Applies one relation step; a failure leaves the workspace half
    /// changed, for [`Workspace::apply`] to restore from its copy.
    fn apply_relation_step(
        &mut self,
        step: &RelationStep,
        applied: &mut Applied,
    ) -> Result<(), EditError> {
        let doc = step.document;
        if let Some(before) = &step.before {
            let relations = &mut self.entry_mut(doc)?.relations;
            let found = relations
                .iter()
                .position(|r| r.id == before.id)
                .ok_or_else(|| EditError::UnknownRelation(before.id.clone()))?;
            if relations[found] != *before {
                return Err(EditError::ChangedSince(format!(
                    "the relation {}",
                    before.kind
                )));
            }
            relations.remove(found);
        }
        if let Some(after) = &step.after {
            self.check_relation(doc, after)?;
            if self.relation_ids().contains(after.id.as_str()) {
                return Err(EditError::DuplicateId(after.id.clone()));
            }
            self.documents[doc].insert_relation(after.clone());
        }
        let id = &self.documents[doc].document.id;
        if !applied.relations.contains(id) {
            applied.relations.push(id.clone());
        }
        Ok(())
    }

    fn apply_step(&mut self, step: &Step, changes: &mut Vec<Change>) -> Result<(), EditError> {
        let doc = step.document;
        if let Some(before) = &step.before {
            let entry = self.entry_mut(doc)?;
            if step.after.is_none() && entry.relations.iter().any(|r| r.uses(&before.id)) {
                return Err(EditError::UsedByRelation(before.quote.clone()));
            }
            let annotations = &mut entry.annotations;
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

    /// Applies many steps that all add (as "tag all" plans) or all remove
    /// (as its undo) annotations, each document's index changed once: one
    /// at a time, each would move the index after it, and thousands of
    /// them in a document of 20,000 spans take seconds. Everything is
    /// checked before anything changes, so a refusal changes nothing.
    /// `None` for any other mix of steps.
    fn apply_batch(&mut self, steps: &[Step]) -> Option<Result<Applied, EditError>> {
        if steps
            .iter()
            .all(|s| s.before.is_none() && s.after.is_some())
        {
            Some(self.add_all(steps))
        } else if steps
            .iter()
            .all(|s| s.before.is_some() && s.after.is_none())
        {
            Some(self.remove_all(steps))
        } else {
            None
        }
    }

    fn add_all(&mut self, steps: &[Step]) -> Result<Applied, EditError> {
        let mut new_ids = HashSet::new();
        for step in steps {
            let after = step.after.as_ref().expect("only additions");
            self.check(step.document, after)?;
            if !new_ids.insert(after.id.as_str()) {
                return Err(EditError::DuplicateId(after.id.clone()));
            }
        }
        let mut applied = Applied::default();
        let mut by_document: Vec<Vec<_>> = vec![Vec::new(); self.documents.len()];
        for step in steps {
            let after = step.after.clone().expect("only additions");
            applied.changes.push(Change::of(step.document, &after));
            self.ids.insert(after.id.clone());
            by_document[step.document].push(after);
        }
        for (doc, added) in by_document.into_iter().enumerate() {
            if !added.is_empty() {
                self.documents[doc].annotations.extend(added);
            }
        }
        Ok(applied)
    }

    fn remove_all(&mut self, steps: &[Step]) -> Result<Applied, EditError> {
        let mut gone = HashSet::new();
        for step in steps {
            let before = step.before.as_ref().expect("only removals");
            let stored = self.existing(step.document, &before.id)?;
            if stored != before {
                return Err(EditError::ChangedSince(stored.quote.clone()));
            }
            if !gone.insert((step.document, before.id.as_str())) {
                return Err(EditError::UnknownAnnotation(before.id.clone()));
            }
        }
        let mut applied = Applied::default();
        for step in steps {
            let before = step.before.as_ref().expect("only removals");
            applied.changes.push(Change::of(step.document, before));
            self.ids.remove(&before.id);
        }
        for (doc, entry) in self.documents.iter_mut().enumerate() {
            entry
                .annotations
                .remove_where(|a| gone.contains(&(doc, a.id.as_str())));
        }
        Ok(applied)
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
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{annotate, documents, state, workspace};
    use super::*;
    use crate::model::{default_labels, seed_documents, Annotation, Document, History, SpanError};

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
