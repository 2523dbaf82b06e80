//! Annotations: a labelled span of one document.

use serde::{Deserialize, Serialize};

/// A labelled span. `start..end` is half-open, in code points, and
/// `quote` is exactly the document's text over that range, so a reader can
/// check `text[start:end] == quote` without trusting us.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: String,
    pub document_id: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub label: String,
    /// When the annotation was made, as an RFC 3339 / ISO 8601 UTC timestamp.
    pub created: String,
    /// A free-text note, left out of the JSON when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The entity this span mentions, by name (see [`entity_name`]): spans
    /// naming the same entity are one entity across all documents. Left out
    /// of the JSON when there is none.
    ///
    /// [`entity_name`]: super::entity_name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

impl Annotation {
    /// Whether this span shares at least one code point with `start..end`.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }

    /// A Person span of document "d" with nothing else set, for tests
    /// that care only where spans are.
    #[cfg(test)]
    pub(crate) fn at(id: &str, start: usize, end: usize) -> Self {
        Self {
            id: id.into(),
            document_id: "d".into(),
            start,
            end,
            quote: String::new(),
            label: "Person".into(),
            created: String::new(),
            note: None,
            entity: None,
        }
    }
}
