//! What an action did, in a few words, for the message that says what was
//! undone or redone: "tag “Astana” as Location", "delete “Astana”
//! (Location)", "remove “Talks in Astana”", "3 changes".
//!
//! It describes; it does not decide what an action does (`history`,
//! `workspace`).

use super::{Action, Annotation, DocumentStep, Relation, RelationStep, Step};
use crate::model::shortened;

impl Action {
    /// What this action does, as a phrase to follow "Undid: " or "Redid: ".
    pub fn describe(&self) -> String {
        let changes = usize::from(self.labels.is_some())
            + usize::from(self.relation_types.is_some())
            + self.documents.len()
            + self.steps.len()
            + self.relations.len();
        let only_relations =
            self.labels.is_none() && self.documents.is_empty() && self.steps.is_empty();
        match (&self.relation_types, self.relations.as_slice()) {
            (Some(_), _) if only_relations => return "a change to the relation types".to_string(),
            (None, [relation]) if only_relations => return describe_relation(relation),
            (None, [_, ..]) if self.labels.is_none() && self.documents.is_empty() => {
                if let [step @ Step { after: None, .. }] = self.steps.as_slice() {
                    let relations = match self.relations.len() {
                        1 => "its relation".to_string(),
                        n => format!("its {n} relations"),
                    };
                    return format!("{} with {relations}", describe_step(step));
                }
            }
            _ => {}
        }
        match (
            &self.labels,
            self.documents.as_slice(),
            self.steps.as_slice(),
        ) {
            (Some(_), [], _) => "a change to the labels".to_string(),
            (None, [document], []) => describe_document(document),
            (None, [], [step]) => describe_step(step),
            (None, [], steps)
                if steps
                    .iter()
                    .all(|s| s.before.is_none() && s.after.is_some()) =>
            {
                format!("tag {} spans", steps.len())
            }
            (None, documents, steps) if documents.len() > 1 && steps.is_empty() => {
                format!("{} document changes", documents.len())
            }
            _ => format!("{changes} changes"),
        }
    }
}

fn quote(annotation: &Annotation) -> String {
    format!("“{}”", shortened(&annotation.quote))
}

fn describe_step(step: &Step) -> String {
    match (&step.before, &step.after) {
        (None, Some(after)) => format!("tag {} as {}", quote(after), after.label),
        (Some(before), None) => format!("delete {} ({})", quote(before), before.label),
        (Some(before), Some(after)) if before.label != after.label => {
            format!("retag {} as {}", quote(after), after.label)
        }
        (Some(before), Some(after)) if (before.start, before.end) != (after.start, after.end) => {
            format!("resize {} to {}", quote(before), quote(after))
        }
        (Some(before), Some(after)) if before.entity != after.entity => match &after.entity {
            Some(entity) => format!("link {} to “{}”", quote(after), shortened(entity)),
            None => format!("unlink {}", quote(after)),
        },
        (Some(_), Some(after)) => format!("the note on {}", quote(after)),
        (None, None) => "nothing".to_string(),
    }
}

fn describe_relation(step: &RelationStep) -> String {
    let kind = |r: &Relation| format!("“{}”", shortened(&r.kind));
    match (&step.before, &step.after) {
        (None, Some(after)) => format!("link as {}", kind(after)),
        (Some(before), None) => format!("delete the relation {}", kind(before)),
        (Some(before), Some(after)) if before.kind != after.kind => {
            format!("retype the relation {} as {}", kind(before), kind(after))
        }
        (Some(before), Some(after)) if before.from != after.from => {
            format!("reverse the relation {}", kind(after))
        }
        (Some(_), Some(after)) => format!("the note on the relation {}", kind(after)),
        (None, None) => "nothing".to_string(),
    }
}

fn describe_document(step: &DocumentStep) -> String {
    let title = |d: &super::Document| format!("“{}”", shortened(&d.title));
    match (&step.before, &step.after) {
        (None, Some(after)) => format!("add {}", title(after)),
        (Some(before), None) => format!("remove {}", title(before)),
        (Some(before), Some(after)) if before.title != after.title => {
            format!("rename {} to {}", title(before), title(after))
        }
        (Some(_), Some(after)) => format!("mark {} {}", title(after), after.status.name()),
        (None, None) => "nothing".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, DocumentStatus};

    fn at(quote: &str, start: usize, label: &str) -> Annotation {
        Annotation {
            quote: quote.into(),
            label: label.into(),
            ..Annotation::at("a", start, start + quote.chars().count())
        }
    }

    fn step(before: Option<Annotation>, after: Option<Annotation>) -> Action {
        Action::step(Step {
            document: 0,
            before,
            after,
        })
    }

    #[test]
    fn one_annotation_changed_is_named_by_its_quote() {
        let astana = at("Astana", 10, "Location");
        assert_eq!(
            step(None, Some(astana.clone())).describe(),
            "tag “Astana” as Location"
        );
        assert_eq!(
            step(Some(astana.clone()), None).describe(),
            "delete “Astana” (Location)"
        );
        assert_eq!(
            step(Some(astana.clone()), Some(at("Astana", 10, "Event"))).describe(),
            "retag “Astana” as Event"
        );
        assert_eq!(
            step(Some(astana.clone()), Some(at("Astana.", 10, "Location"))).describe(),
            "resize “Astana” to “Astana.”"
        );
        let linked = Annotation {
            entity: Some("Astana 🏙".into()),
            ..astana.clone()
        };
        assert_eq!(
            step(Some(astana.clone()), Some(linked.clone())).describe(),
            "link “Astana” to “Astana 🏙”"
        );
        assert_eq!(
            step(Some(linked), Some(astana.clone())).describe(),
            "unlink “Astana”"
        );
        let noted = Annotation {
            note: Some("capital".into()),
            ..astana.clone()
        };
        assert_eq!(
            step(Some(astana.clone()), Some(noted)).describe(),
            "the note on “Astana”"
        );
        assert_eq!(
            step(None, Some(astana)).inverse().describe(),
            "delete “Astana” (Location)",
            "an undo describes the step it takes"
        );
    }

    #[test]
    fn documents_labels_and_many_changes() {
        let talks = Document::new("t", "t.txt", "Talks in Astana\nbody");
        let added = Action {
            documents: vec![DocumentStep {
                position: 3,
                before: None,
                after: Some(talks.clone()),
            }],
            ..Action::default()
        };
        assert_eq!(added.describe(), "add “Talks in Astana”");
        assert_eq!(added.inverse().describe(), "remove “Talks in Astana”");
        let both = added
            .then(&step(None, Some(at("Astana", 9, "Location"))))
            .expect("they join");
        assert_eq!(both.describe(), "2 changes");
        let labels = Action {
            labels: Some((Vec::new(), Vec::new())),
            ..Action::default()
        };
        assert_eq!(labels.describe(), "a change to the labels");
        let done = Action {
            documents: vec![DocumentStep {
                position: 0,
                before: Some(talks.clone()),
                after: Some(Document {
                    status: DocumentStatus::Done,
                    ..talks.clone()
                }),
            }],
            ..Action::default()
        };
        assert_eq!(done.describe(), "mark “Talks in Astana” Done");
        assert_eq!(done.inverse().describe(), "mark “Talks in Astana” To do");
    }
}
