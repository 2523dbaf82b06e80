//! Planning edits of annotations (tag, retag, resize, note, delete), and
//! checking an annotation against a document: the rules an import holds it
//! to and those of the workspace (a label that exists, an id used once).
//! Plans only read the workspace; [`apply`](super::apply) makes the change.

use std::ops::Range;

use super::{EditError, Workspace};
use crate::model::rules::is_blank;
use crate::model::{Action, Annotation, Step};

impl Workspace {
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
            entity: None,
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

    /// The action that removes annotation `id` of document `doc`, with the
    /// relations it is an end of.
    pub fn plan_delete(&self, doc: usize, id: &str) -> Result<Action, EditError> {
        Ok(self.with_relations(Action::step(Step {
            document: doc,
            before: Some(self.existing(doc, id)?.clone()),
            after: None,
        })))
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
    /// rules an import holds it to (see [`rules`](crate::model::rules)) and those
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
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::super::fixtures::{annotate, offsets_of, workspace, ARTICLE_001};
    use super::*;
    use crate::model::{text, Change, SpanError};

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
            entity: None,
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
}
