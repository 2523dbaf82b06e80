//! Planning edits of relations (link, retype, reverse, note, delete) and
//! checking a relation against its document: both ends are annotations of
//! that document, two different ones, and its type exists. Removing an
//! annotation takes the relations that use it along in the same action
//! ([`Workspace::with_relations`]), so no relation is ever left with a
//! missing end and one undo brings both back.

use std::collections::HashSet;

use super::{EditError, Workspace};
use crate::model::rules::is_blank;
use crate::model::{Action, Relation, RelationStep, RelationType};

impl Workspace {
    /// The relations of document `doc`, in the order they were made (by
    /// creation time, then id).
    pub fn relations(&self, doc: usize) -> Option<&[Relation]> {
        self.documents.get(doc).map(|d| d.relations.as_slice())
    }

    /// Every relation of every document, documents in order.
    pub fn all_relations(&self) -> impl Iterator<Item = &Relation> {
        self.documents.iter().flat_map(|d| d.relations.iter())
    }

    /// The relations of document `doc` that annotation `id` is an end of.
    pub fn relations_of<'a>(
        &'a self,
        doc: usize,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Relation> + 'a {
        self.relations(doc)
            .into_iter()
            .flatten()
            .filter(move |r| r.uses(id))
    }

    pub fn relation_types(&self) -> &[RelationType] {
        &self.relation_types
    }

    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|t| t.name == name)
    }

    /// Sets the relation types as loaded, before any relation uses them.
    pub fn replace_relation_types(&mut self, types: Vec<RelationType>) {
        self.relation_types = types;
    }

    /// The action that links annotation `from` to annotation `to` of
    /// document `doc` with a relation of type `kind`.
    pub fn plan_relate(
        &self,
        doc: usize,
        from: &str,
        to: &str,
        kind: &str,
        id: String,
        created: String,
    ) -> Result<Action, EditError> {
        let relation = Relation {
            id,
            document_id: self.entry(doc)?.document.id.clone(),
            from: from.to_string(),
            to: to.to_string(),
            kind: kind.to_string(),
            created,
            note: None,
        };
        self.check_relation(doc, &relation)?;
        if self.relation_ids().contains(relation.id.as_str()) {
            return Err(EditError::DuplicateId(relation.id));
        }
        Ok(relation_action(RelationStep {
            document: doc,
            before: None,
            after: Some(relation),
        }))
    }

    /// The action that gives relation `id` of document `doc` type `kind`.
    pub fn plan_retype_relation(
        &self,
        doc: usize,
        id: &str,
        kind: &str,
    ) -> Result<Action, EditError> {
        let before = self.existing_relation(doc, id)?;
        self.changed_relation(
            doc,
            before,
            Relation {
                kind: kind.to_string(),
                ..before.clone()
            },
        )
    }

    /// The action that turns relation `id` of document `doc` around: its
    /// `to` becomes its `from`.
    pub fn plan_reverse_relation(&self, doc: usize, id: &str) -> Result<Action, EditError> {
        let before = self.existing_relation(doc, id)?;
        self.changed_relation(
            doc,
            before,
            Relation {
                from: before.to.clone(),
                to: before.from.clone(),
                ..before.clone()
            },
        )
    }

    /// The action that sets the note of relation `id` of document `doc`; a
    /// note of only white space removes it.
    pub fn plan_relation_note(
        &self,
        doc: usize,
        id: &str,
        note: &str,
    ) -> Result<Action, EditError> {
        let before = self.existing_relation(doc, id)?;
        let note = Some(note.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        Ok(relation_action(RelationStep {
            document: doc,
            before: Some(before.clone()),
            after: Some(Relation {
                note,
                ..before.clone()
            }),
        }))
    }

    /// The action that removes relation `id` of document `doc`.
    pub fn plan_delete_relation(&self, doc: usize, id: &str) -> Result<Action, EditError> {
        Ok(relation_action(RelationStep {
            document: doc,
            before: Some(self.existing_relation(doc, id)?.clone()),
            after: None,
        }))
    }

    /// `action` with a step removing every relation that uses an
    /// annotation it removes, or moves to another document: deleting an
    /// annotation (or a label, or a document, or importing in place of what
    /// is here) takes its relations along, in the same undo step.
    pub fn with_relations(&self, mut action: Action) -> Action {
        let mut going: HashSet<&str> = action
            .relations
            .iter()
            .filter_map(|s| s.before.as_ref())
            .map(|r| r.id.as_str())
            .collect();
        let mut steps = Vec::new();
        for step in &action.steps {
            let Some(before) = &step.before else {
                continue;
            };
            let stays = step
                .after
                .as_ref()
                .is_some_and(|a| a.document_id == before.document_id);
            if stays {
                continue;
            }
            for relation in self.relations_of(step.document, &before.id) {
                if going.insert(&relation.id) {
                    steps.push(RelationStep {
                        document: step.document,
                        before: Some(relation.clone()),
                        after: None,
                    });
                }
            }
        }
        action.relations.extend(steps);
        action
    }

    /// Whether `relation` could be in document `doc` as it is: an id, the
    /// document's, two different annotations of it as ends, a type that
    /// exists, and no other relation of that type between the same ends.
    pub fn check_relation(&self, doc: usize, relation: &Relation) -> Result<(), EditError> {
        if is_blank(&relation.id) {
            return Err(EditError::BlankId);
        }
        let entry = self.entry(doc)?;
        if relation.document_id != entry.document.id {
            return Err(EditError::WrongDocument {
                expected: entry.document.id.clone(),
                found: relation.document_id.clone(),
            });
        }
        let end = |id: &str| {
            entry
                .annotations
                .get(id)
                .ok_or_else(|| EditError::UnknownAnnotation(id.to_string()))
        };
        let from = end(&relation.from)?;
        let to = end(&relation.to)?;
        if relation.from == relation.to {
            return Err(EditError::RelationToItself(from.quote.clone()));
        }
        if self.relation_type(&relation.kind).is_none() {
            return Err(EditError::UnknownRelationType(relation.kind.clone()));
        }
        let twin = entry.relations.iter().any(|r| {
            r.id != relation.id
                && r.from == relation.from
                && r.to == relation.to
                && r.kind == relation.kind
        });
        if twin {
            return Err(EditError::AlreadyRelated {
                from: from.quote.clone(),
                to: to.quote.clone(),
                kind: relation.kind.clone(),
            });
        }
        Ok(())
    }

    /// Adds relations read back from storage or a file, keeping each one
    /// that passes [`Workspace::check_relation`] and has an id no other
    /// relation has, and handing back the others with why.
    pub fn restore_relations(
        &mut self,
        doc: usize,
        relations: Vec<Relation>,
    ) -> Vec<(Relation, EditError)> {
        let mut ids: HashSet<String> = self
            .relation_ids()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut refused = Vec::new();
        for relation in relations {
            let checked = self.check_relation(doc, &relation).and_then(|()| {
                if ids.insert(relation.id.clone()) {
                    Ok(())
                } else {
                    Err(EditError::DuplicateId(relation.id.clone()))
                }
            });
            match checked {
                Ok(()) => self.documents[doc].insert_relation(relation),
                Err(error) => refused.push((relation, error)),
            }
        }
        refused
    }

    /// Every relation id in use: ids are unique across the workspace.
    pub(in crate::model) fn relation_ids(&self) -> HashSet<&str> {
        self.all_relations().map(|r| r.id.as_str()).collect()
    }

    fn existing_relation(&self, doc: usize, id: &str) -> Result<&Relation, EditError> {
        self.entry(doc)?
            .relations
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| EditError::UnknownRelation(id.to_string()))
    }

    fn changed_relation(
        &self,
        doc: usize,
        before: &Relation,
        after: Relation,
    ) -> Result<Action, EditError> {
        self.check_relation(doc, &after)?;
        Ok(relation_action(RelationStep {
            document: doc,
            before: Some(before.clone()),
            after: Some(after),
        }))
    }
}

fn relation_action(step: RelationStep) -> Action {
    Action {
        relations: vec![step],
        ..Action::default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{annotate, documents, offsets_of, state, workspace};
    use super::*;
    use crate::model::{default_labels, default_relation_types, Document, History, Step};

    /// Article 000 with "Lavrentiev" (Person, `p`), "Russian delegation"
    /// (Organization, `o`) and "Astana" (Location, `l`) tagged.
    fn tagged() -> Workspace {
        let mut ws = workspace();
        for (needle, label, id) in [
            ("Lavrentiev", "Person", "p"),
            ("Russian delegation", "Organization", "o"),
            ("Astana", "Location", "l"),
        ] {
            let span = offsets_of(&ws, 0, needle);
            annotate(&mut ws, 0, span, label, id).unwrap();
        }
        ws
    }

    fn relate(ws: &mut Workspace, from: &str, to: &str, kind: &str, id: &str) -> Action {
        let action = ws
            .plan_relate(0, from, to, kind, id.into(), "t".into())
            .unwrap();
        ws.apply(&action).unwrap();
        action
    }

    fn relations(ws: &Workspace) -> Vec<Relation> {
        ws.all_relations().cloned().collect()
    }

    #[test]
    fn a_relation_links_two_annotations_of_one_document_and_reports_its_document() {
        let mut ws = tagged();
        let action = ws
            .plan_relate(0, "p", "o", "member of", "r1".into(), "t".into())
            .unwrap();
        let applied = ws.apply(&action).unwrap();
        assert_eq!(applied.relations, ["000_941015829bfed30d"]);
        assert!(applied.changes.is_empty() && !applied.documents);
        let made = &ws.relations(0).unwrap()[0];
        assert_eq!(
            (made.from.as_str(), made.to.as_str(), made.kind.as_str()),
            ("p", "o", "member of")
        );
        assert_eq!(ws.relations_of(0, "o").count(), 1);
        assert_eq!(ws.relations_of(0, "l").count(), 0);
        assert_eq!(action.describe(), "link as “member of”");
    }

    #[test]
    fn relations_with_a_missing_end_a_loop_an_unknown_type_or_a_twin_are_refused() {
        let mut ws = tagged();
        let plan = |ws: &Workspace, from: &str, to: &str, kind: &str, id: &str| {
            ws.plan_relate(0, from, to, kind, id.into(), "t".into())
        };
        assert_eq!(
            plan(&ws, "p", "x", "says", "r"),
            Err(EditError::UnknownAnnotation("x".into()))
        );
        assert_eq!(
            plan(&ws, "p", "p", "says", "r"),
            Err(EditError::RelationToItself("Lavrentiev".into()))
        );
        assert_eq!(
            plan(&ws, "p", "o", "owns", "r"),
            Err(EditError::UnknownRelationType("owns".into()))
        );
        assert_eq!(plan(&ws, "p", "o", "says", " "), Err(EditError::BlankId));
        // An annotation of another document is not an end here.
        let span = offsets_of(&ws, 1, "Astana");
        annotate(&mut ws, 1, span, "Location", "other").unwrap();
        assert_eq!(
            plan(&ws, "p", "other", "located in", "r"),
            Err(EditError::UnknownAnnotation("other".into()))
        );
        relate(&mut ws, "p", "o", "member of", "r1");
        assert!(matches!(
            plan(&ws, "p", "o", "member of", "r2"),
            Err(EditError::AlreadyRelated { .. })
        ));
        assert_eq!(
            plan(&ws, "p", "l", "located in", "r1"),
            Err(EditError::DuplicateId("r1".into()))
        );
        // The other direction, or another type, is another relation.
        relate(&mut ws, "o", "p", "member of", "r3");
        relate(&mut ws, "p", "o", "says", "r4");
        assert_eq!(relations(&ws).len(), 3);
    }

    #[test]
    fn retype_reverse_note_and_delete_are_each_undone_exactly() {
        let mut ws = tagged();
        let mut history = History::default();
        let first = relate(&mut ws, "p", "l", "member of", "r1");
        history.record(first);
        let mut states = vec![relations(&ws)];
        type Plan = fn(&Workspace) -> Result<Action, EditError>;
        let plans: [Plan; 4] = [
            |ws| ws.plan_retype_relation(0, "r1", "located in"),
            |ws| ws.plan_reverse_relation(0, "r1"),
            |ws| ws.plan_relation_note(0, "r1", "  the venue  "),
            |ws| ws.plan_delete_relation(0, "r1"),
        ];
        for plan in plans {
            let action = plan(&ws).unwrap();
            ws.apply(&action).unwrap();
            history.record(action);
            states.push(relations(&ws));
        }
        let [_, retyped, reversed, noted, deleted] = &states[..] else {
            unreachable!()
        };
        assert_eq!(retyped[0].kind, "located in");
        assert_eq!(
            (reversed[0].from.as_str(), reversed[0].to.as_str()),
            ("l", "p")
        );
        assert_eq!(noted[0].note.as_deref(), Some("the venue"));
        assert!(deleted.is_empty());
        for expected in states.iter().rev().skip(1) {
            ws.apply(&history.undo().unwrap()).unwrap();
            assert_eq!(&relations(&ws), expected);
        }
        ws.apply(&history.undo().unwrap()).unwrap();
        assert!(relations(&ws).is_empty());
        for expected in &states {
            ws.apply(&history.redo().unwrap()).unwrap();
            assert_eq!(&relations(&ws), expected);
        }
        assert_eq!(
            ws.plan_retype_relation(0, "r1", "says"),
            Err(EditError::UnknownRelation("r1".into()))
        );
    }

    #[test]
    fn deleting_an_annotation_takes_its_relations_in_one_undo_step() {
        let mut ws = tagged();
        relate(&mut ws, "p", "o", "member of", "r1");
        relate(&mut ws, "o", "l", "located in", "r2");
        relate(&mut ws, "p", "l", "located in", "r3");
        let before = (state(&ws), relations(&ws));
        let delete = ws.plan_delete(0, "o").unwrap();
        assert_eq!(delete.relations.len(), 2);
        assert_eq!(
            delete.describe(),
            "delete “Russian delegation” (Organization) with its 2 relations"
        );
        ws.apply(&delete).unwrap();
        assert_eq!(
            relations(&ws)
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>(),
            ["r3"]
        );
        ws.apply(&delete.inverse()).unwrap();
        assert_eq!((state(&ws), relations(&ws)), before);
        // An action that would leave a relation without its end fails whole.
        let bare = Action::step(Step {
            document: 0,
            before: Some(ws.annotations(0).unwrap().get("p").unwrap().clone()),
            after: None,
        });
        assert_eq!(
            ws.apply(&bare),
            Err(EditError::UsedByRelation("Lavrentiev".into()))
        );
        assert_eq!((state(&ws), relations(&ws)), before);
    }

    #[test]
    fn deleting_a_label_or_a_document_takes_the_relations_along() {
        let mut ws = tagged();
        relate(&mut ws, "p", "o", "member of", "r1");
        relate(&mut ws, "o", "l", "located in", "r2");
        let before = (documents(&ws), state(&ws), relations(&ws));
        let label = crate::model::plan_delete_label(
            &ws,
            "Person",
            crate::model::Disposal::DeleteAnnotations,
        )
        .unwrap();
        ws.apply(&label).unwrap();
        assert_eq!(relations(&ws)[0].id, "r2");
        ws.apply(&label.inverse()).unwrap();
        let remove = ws.plan_remove_document(0).unwrap();
        ws.apply(&remove).unwrap();
        assert!(relations(&ws).is_empty());
        assert_eq!(ws.document_count(), 2);
        ws.apply(&remove.inverse()).unwrap();
        assert_eq!((documents(&ws), state(&ws), relations(&ws)), before);
    }

    #[test]
    fn an_import_that_replaces_everything_takes_the_relations_too() {
        let mut ws = tagged();
        relate(&mut ws, "p", "o", "member of", "r1");
        let file = crate::format::native::NativeExport::of_documents(&ws, &[0]).to_json();
        let incoming = crate::format::native::parse(&file).unwrap();
        let plan = crate::model::import::plan(
            &ws,
            incoming,
            crate::model::import::Mode::Replace,
            &mut || "n".into(),
            "now",
        )
        .unwrap();
        ws.apply(&plan.action).unwrap();
        assert!(ws.all_relations().all(|r| ws.has_annotation(&r.from)));
    }

    #[test]
    fn an_undo_finds_its_relations_document_again_after_another_tab_moved_it() {
        let mut ws = workspace();
        for (needle, id) in [("Lavrentiev", "p"), ("Astana", "l")] {
            let span = offsets_of(&ws, 1, needle);
            annotate(&mut ws, 1, span, "Person", id).unwrap();
        }
        let relate = ws
            .plan_relate(1, "p", "l", "located in", "r".into(), "t".into())
            .unwrap();
        ws.apply(&relate).unwrap();
        // Another tab removed the first document: article 001 is now at 0.
        let remove = ws.plan_remove_document(0).unwrap();
        ws.apply(&remove).unwrap();
        let undo = relate.inverse();
        assert!(
            ws.apply(&undo).is_err(),
            "position 1 is another document now"
        );
        ws.apply(&undo.relocate(&ws)).unwrap();
        assert_eq!(ws.all_relations().count(), 0);
    }

    #[test]
    fn relations_in_a_text_with_emoji_cjk_and_rtl_keep_their_ends() {
        let text = "🙂 北京 said that שלום came to Astana.";
        let document = Document {
            id: "d".into(),
            file_name: "d.txt".into(),
            title: "Mixed".into(),
            text: text.into(),
            status: Default::default(),
        };
        let mut ws = Workspace::new(vec![document], default_labels());
        let span = offsets_of(&ws, 0, "北京");
        assert_eq!(span, 2..4, "code points, not bytes");
        annotate(&mut ws, 0, span, "Location", "b").unwrap();
        let span = offsets_of(&ws, 0, "שלום");
        annotate(&mut ws, 0, span, "Person", "s").unwrap();
        let action = ws
            .plan_relate(0, "s", "b", "located in", "r".into(), "t".into())
            .unwrap();
        ws.apply(&action).unwrap();
        let resize = ws.plan_resize(0, "b", 0..4).unwrap();
        ws.apply(&resize).unwrap();
        let relation = &ws.relations(0).unwrap()[0];
        assert_eq!((relation.from.as_str(), relation.to.as_str()), ("s", "b"));
        assert_eq!(ws.relation_types(), default_relation_types());
    }
}
