//! Planning edits of the list of documents: adding, renaming and removing
//! one, and the file names that keep exports from writing two files with
//! one name. Plans only read the workspace; [`apply`](super::apply) makes
//! the change.

use std::collections::HashSet;

use super::{EditError, Workspace};
use crate::model::{Action, Document, DocumentStatus, DocumentStep, Numbering, Step};

impl Workspace {
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
        self.plan_document_change(doc, |d| d.title = title.to_string())
    }

    /// The action that gives document `doc` the status `status`: nothing
    /// to do (an action that changes nothing) when it has it already.
    pub fn plan_status(&self, doc: usize, status: DocumentStatus) -> Result<Action, EditError> {
        self.plan_document_change(doc, |d| d.status = status)
    }

    /// The action that changes document `doc` as `change` does, in place.
    fn plan_document_change(
        &self,
        doc: usize,
        change: impl FnOnce(&mut Document),
    ) -> Result<Action, EditError> {
        let before = &self.entry(doc)?.document;
        let mut after = before.clone();
        change(&mut after);
        Ok(Action {
            documents: vec![DocumentStep {
                position: doc,
                before: Some(before.clone()),
                after: Some(after),
            }],
            ..Action::default()
        })
    }

    /// The action that removes document `doc` with all its annotations and
    /// relations.
    pub fn plan_remove_document(&self, doc: usize) -> Result<Action, EditError> {
        let entry = self.entry(doc)?;
        Ok(self.with_relations(Action {
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
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{annotate, documents, state, workspace, ARTICLE_001};
    use super::*;
    use crate::model::seed_documents;

    #[test]
    fn a_status_is_set_undone_and_leaves_text_title_and_annotations_alone() {
        let mut ws = workspace();
        annotate(&mut ws, ARTICLE_001, 1..5, "Person", "a").unwrap();
        let before = (documents(&ws), state(&ws));
        let done = ws.plan_status(ARTICLE_001, DocumentStatus::Done).unwrap();
        let applied = ws.apply(&done).unwrap();
        assert!(applied.documents);
        let document = ws.document(ARTICLE_001).unwrap();
        assert_eq!(document.status, DocumentStatus::Done);
        assert_eq!(document.title, before.0[ARTICLE_001].title);
        assert_eq!(state(&ws), before.1);
        assert!(ws
            .plan_status(ARTICLE_001, DocumentStatus::Done)
            .unwrap()
            .is_noop());
        ws.apply(&done.inverse()).unwrap();
        assert_eq!((documents(&ws), state(&ws)), before);
        assert_eq!(
            ws.document(ARTICLE_001).unwrap().status,
            DocumentStatus::Todo
        );
        assert!(ws.plan_status(99, DocumentStatus::Done).is_err());
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
}
