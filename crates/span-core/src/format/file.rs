//! What an export makes: one file, with its name, media type and bytes, and
//! what the format could not hold and why, so that the app's download and
//! the command-line tool say the same.

use std::fmt;

use thiserror::Error;

use crate::model::offset_unit::{OffsetUnit, UnitIndex};
use crate::model::{shortened, Annotation, Document, SpanIndex, Workspace};

/// An annotation as an export writes it: its offsets in the export's unit.
pub(super) struct UnitSpan<'a> {
    pub start: usize,
    pub end: usize,
    pub annotation: &'a Annotation,
}

/// The documents at `documents` (positions in `workspace`; positions past
/// the end are skipped), each with its annotations sorted by start, then
/// end, their offsets counted in `unit`: what every export that writes
/// offsets per document goes through.
pub(super) fn documents_in_unit<'a>(
    workspace: &'a Workspace,
    documents: &'a [usize],
    unit: OffsetUnit,
) -> impl Iterator<Item = (&'a Document, Vec<UnitSpan<'a>>)> + 'a {
    documents.iter().filter_map(move |&doc| {
        let document = workspace.document(doc)?;
        let index = UnitIndex::new(&document.text, unit);
        let mut spans: Vec<UnitSpan> = workspace
            .annotations(doc)
            .into_iter()
            .flat_map(SpanIndex::iter)
            .map(|annotation| {
                let (start, end) = index.span(annotation.start, annotation.end);
                UnitSpan {
                    start,
                    end,
                    annotation,
                }
            })
            .collect();
        spans.sort_by_key(|s| (s.start, s.end));
        Some((document, spans))
    })
}

/// An exported file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// The name it is saved under (`annotations.json`).
    pub name: &'static str,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    /// The spans the format could not hold, if any.
    pub left_out: Option<LeftOut>,
    /// How many relations the file does not hold, and why, if any.
    pub relations_left_out: Option<(usize, &'static str)>,
}

/// Spans an export left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// Each span left out, in the order of the documents and the text.
    pub spans: Vec<LeftSpan>,
    /// Which spans, as the format sees them: "spans of only white space,
    /// which brat cannot show".
    pub why: &'static str,
}

/// One span an export left out: where it is, and what it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftSpan {
    /// The title of its document.
    pub document: String,
    /// Code points of the document's text.
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub label: String,
}

impl LeftSpan {
    pub(super) fn of(document: &Document, annotation: &Annotation) -> Self {
        Self {
            document: document.title.clone(),
            start: annotation.start,
            end: annotation.end,
            quote: annotation.quote.clone(),
            label: annotation.label.clone(),
        }
    }
}

/// How many left-out spans a summary names; the rest are counted.
const NAMED: usize = 5;

/// Why an export of a format that could hold relations has none of them.
pub const NO_RELATIONS_YET: &str = "this export does not write relations yet";

/// A reason an export could not be made at all.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ExportError(pub String);

impl ExportFile {
    /// A text file with nothing left out.
    pub(super) fn text(name: &'static str, media_type: &'static str, text: String) -> Self {
        Self {
            name,
            media_type,
            bytes: text.into_bytes(),
            left_out: None,
            relations_left_out: None,
        }
    }

    /// Records that the relations of `documents` (positions in
    /// `workspace`) are not in the file, and why (nothing, when they have
    /// none).
    pub(super) fn leaving_out_relations(
        mut self,
        workspace: &Workspace,
        documents: &[usize],
        why: &'static str,
    ) -> Self {
        let count: usize = documents
            .iter()
            .filter_map(|&doc| workspace.relations(doc))
            .map(<[_]>::len)
            .sum();
        self.relations_left_out = (count > 0).then_some((count, why));
        self
    }

    /// Records the spans that were left out (nothing, when there are none).
    pub(super) fn leaving_out(mut self, spans: Vec<LeftSpan>, why: &'static str) -> Self {
        self.left_out = (!spans.is_empty()).then_some(LeftOut { spans, why });
        self
    }

    /// How many spans were left out.
    #[cfg(test)]
    pub(super) fn left_out_spans(&self) -> usize {
        self.left_out
            .as_ref()
            .map_or(0, |left_out| left_out.spans.len())
    }

    /// The file's text, for tests of text formats.
    #[cfg(test)]
    pub(super) fn into_text(self) -> String {
        String::from_utf8(self.bytes).expect("a text format")
    }

    /// What the app says once the file is made: "Exported annotations.json.",
    /// or which spans it left out and why.
    pub fn summary(&self) -> String {
        let mut said = format!("Exported {}", self.name);
        if let Some(left_out) = &self.left_out {
            said.push_str(&format!("; {left_out}"));
        }
        match self.relations_left_out {
            Some((1, why)) => said.push_str(&format!("; its 1 relation is not in it ({why})")),
            Some((n, why)) => said.push_str(&format!("; its {n} relations are not in it ({why})")),
            None => {}
        }
        said.push('.');
        said
    }
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.spans.len() {
            1 => write!(f, "1 span could not be represented in it and was left out"),
            n => write!(
                f,
                "{n} spans could not be represented in it and were left out"
            ),
        }?;
        write!(f, " ({}): ", self.why)?;
        for (i, span) in self.spans.iter().take(NAMED).enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{span}")?;
        }
        match self.spans.len().saturating_sub(NAMED) {
            0 => Ok(()),
            more => write!(f, "; and {more} more"),
        }
    }
}

impl fmt::Display for LeftSpan {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} “{}” at {}–{} of “{}”",
            self.label,
            shortened(&self.quote),
            self.start,
            self.end,
            shortened(&self.document)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(quote: &str, start: usize) -> LeftSpan {
        LeftSpan {
            document: "Talks in Astana".into(),
            start,
            end: start + quote.chars().count(),
            quote: quote.into(),
            label: "Event".into(),
        }
    }

    #[test]
    fn the_summary_names_what_was_left_out_and_says_why() {
        let file = ExportFile::text("a.conll", "text/plain", "x".into());
        assert_eq!(file.summary(), "Exported a.conll.");
        assert_eq!(
            file.clone().leaving_out(Vec::new(), "none").summary(),
            "Exported a.conll."
        );
        assert_eq!(
            file.clone()
                .leaving_out(vec![left("“de-facto”", 941)], "overlaps")
                .summary(),
            "Exported a.conll; 1 span could not be represented in it and was left out \
             (overlaps): Event ““de-facto”” at 941–951 of “Talks in Astana”."
        );
        let many: Vec<LeftSpan> = (0..7).map(|i| left("Russia", i * 10)).collect();
        let said = file.leaving_out(many, "overlaps").summary();
        assert!(
            said.starts_with(
                "Exported a.conll; 7 spans could not be represented in it and were left out \
                 (overlaps): Event “Russia” at 0–6 of “Talks in Astana”; Event “Russia” at 10–16"
            ),
            "{said}"
        );
        assert!(
            said.ends_with("at 40–46 of “Talks in Astana”; and 2 more."),
            "{said}"
        );
        assert!(!said.contains("at 50–56"), "{said}");
    }

    #[test]
    fn the_summary_says_how_many_relations_the_file_does_not_hold() {
        let mut ws = Workspace::new(
            crate::model::seed_documents(),
            crate::model::default_labels(),
        );
        for (span, id) in [(0..4, "a"), (10..20, "b")] {
            let action = ws
                .plan_annotate(0, span, "Person", id.into(), "t".into())
                .unwrap();
            ws.apply(&action).unwrap();
        }
        let file = || ExportFile::text("a.conll", "text/plain", "x".into());
        let why = "CoNLL cannot hold relations";
        assert_eq!(
            file().leaving_out_relations(&ws, &[0], why).summary(),
            "Exported a.conll."
        );
        let link = ws
            .plan_relate(0, "a", "b", "says", "r".into(), "t".into())
            .unwrap();
        ws.apply(&link).unwrap();
        assert_eq!(
            file().leaving_out_relations(&ws, &[1, 2], why).summary(),
            "Exported a.conll.",
            "the relation is in a document not exported"
        );
        assert_eq!(
            file()
                .leaving_out(vec![left("Russia", 0)], "overlaps")
                .leaving_out_relations(&ws, &[0], why)
                .summary(),
            "Exported a.conll; 1 span could not be represented in it and was left out \
             (overlaps): Event “Russia” at 0–6 of “Talks in Astana”; its 1 relation is not in it \
             (CoNLL cannot hold relations)."
        );
    }
}
