//! Planning "tag all": one action that tags many spans at once (the
//! matches of a search or of a gazetteer), undone as one. Spans already
//! tagged with the same label are skipped, not refused, so the rest still
//! go in.

use std::collections::HashSet;

use super::{EditError, Workspace};
use crate::model::{Action, Annotation, Step};

/// What tagging all would do: the action (none if nothing is left to tag)
/// and how many spans it tags and skips.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagAll {
    pub action: Option<Action>,
    pub tagged: usize,
    pub skipped: usize,
}

/// A span to tag: document position, code points, label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ToTag<'a> {
    pub document: usize,
    pub start: usize,
    pub end: usize,
    pub label: &'a str,
}

impl Workspace {
    /// Whether document `doc` has an annotation of exactly `start..end`
    /// with `label`.
    pub fn is_tagged(&self, doc: usize, start: usize, end: usize, label: &str) -> bool {
        self.documents.get(doc).is_some_and(|entry| {
            entry
                .annotations
                .overlapping(start, end)
                .any(|a| a.start == start && a.end == end && a.label == label)
        })
    }

    /// The action that tags every span of `spans`, each with a new id from
    /// `new_id`, except those already tagged with their label (or listed
    /// twice), which are counted as skipped. Any other span the workspace
    /// refuses (an unknown label, a span outside the text) refuses it all.
    pub fn plan_tag_all(
        &self,
        spans: &[ToTag<'_>],
        mut new_id: impl FnMut() -> String,
        created: &str,
    ) -> Result<TagAll, EditError> {
        let mut plan = TagAll::default();
        let mut planned = HashSet::new();
        let mut steps = Vec::new();
        for span in spans {
            if self.is_tagged(span.document, span.start, span.end, span.label)
                || !planned.insert((span.document, span.start, span.end, span.label))
            {
                plan.skipped += 1;
                continue;
            }
            let entry = self.entry(span.document)?;
            let annotation = Annotation {
                id: new_id(),
                document_id: entry.document.id.clone(),
                start: span.start,
                end: span.end,
                quote: entry.quote(span.start, span.end, None)?.to_string(),
                label: span.label.to_string(),
                created: created.to_string(),
                note: None,
                entity: None,
            };
            self.check(span.document, &annotation)?;
            steps.push(Step {
                document: span.document,
                before: None,
                after: Some(annotation),
            });
        }
        plan.tagged = steps.len();
        if !steps.is_empty() {
            plan.action = Some(Action {
                steps,
                ..Action::default()
            });
        }
        Ok(plan)
    }
}
