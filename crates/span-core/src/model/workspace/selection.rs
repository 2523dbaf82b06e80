//! Reading a document's text in code points: the text at a span, the
//! length, and where a selection snaps to or a caret steps to, looking only
//! at the paragraphs around it. It changes nothing; checking a stored or
//! planned span is [`span_text`](crate::model::span_text)'s.

use std::ops::Range;

use super::{EditError, Workspace};
use crate::model::snap;

impl Workspace {
    /// The text of document `doc` at the code points `start..end`.
    pub fn quote(&self, doc: usize, start: usize, end: usize) -> Result<&str, EditError> {
        self.documents
            .get(doc)
            .ok_or(EditError::UnknownDocument(doc))?
            .quote(start, end, None)
    }

    /// `span` of document `doc` snapped to whole words, or if `words` is
    /// false to whole grapheme clusters (see [`snap`]). Only
    /// the paragraphs the span touches are looked at.
    pub fn snap(&self, doc: usize, span: Range<usize>, words: bool) -> Range<usize> {
        let Ok(entry) = self.entry(doc) else {
            return span;
        };
        let touched = entry.paragraphs.touching(span.start, span.end);
        let paragraphs = entry.paragraphs.as_slice();
        let (Some(first), Some(last)) = (
            paragraphs.get(touched.start),
            touched.end.checked_sub(1).and_then(|i| paragraphs.get(i)),
        ) else {
            return span;
        };
        let window = &entry.document.text[first.bytes.start..last.bytes.end];
        let local = span.start - first.start..span.end - first.start;
        let snapped = if words {
            snap::to_words(window, local)
        } else {
            snap::to_graphemes(window, local)
        };
        snapped.start + first.start..snapped.end + first.start
    }

    /// The next `unit` boundary after (or before) `offset` in document
    /// `doc`, looking at its paragraph and the ones on either side.
    pub fn step(&self, doc: usize, offset: usize, forward: bool, unit: snap::Unit) -> usize {
        let Ok(entry) = self.entry(doc) else {
            return offset;
        };
        let paragraphs = entry.paragraphs.as_slice();
        let around = entry
            .paragraphs
            .touching(offset.saturating_sub(1), offset + 1);
        let first = around.start.saturating_sub(1);
        let last = (around.end + 1).min(paragraphs.len());
        let (Some(first), Some(last)) = (
            paragraphs.get(first),
            last.checked_sub(1).and_then(|i| paragraphs.get(i)),
        ) else {
            return offset;
        };
        let window = &entry.document.text[first.bytes.start..last.bytes.end];
        let local = offset
            .saturating_sub(first.start)
            .min(last.end - first.start);
        first.start + snap::step(window, local, forward, unit)
    }

    /// The length of document `doc` in code points.
    pub fn char_len(&self, doc: usize) -> usize {
        self.documents.get(doc).map_or(0, |d| d.chars.len())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{offsets_of, workspace, ARTICLE_001};

    #[test]
    fn snapping_looks_only_at_the_touched_paragraphs() {
        let ws = workspace();
        let span = offsets_of(&ws, ARTICLE_001, "avrentiev sa");
        let words = ws.snap(ARTICLE_001, span.clone(), true);
        assert_eq!(
            ws.quote(ARTICLE_001, words.start, words.end),
            Ok("Lavrentiev said")
        );
        assert_eq!(ws.snap(ARTICLE_001, span.clone(), false), span);
        let across = offsets_of(&ws, ARTICLE_001, "ovinces.\u{a0}\n“The str");
        let snapped = ws.snap(ARTICLE_001, across, true);
        assert_eq!(
            ws.quote(ARTICLE_001, snapped.start, snapped.end),
            Ok("provinces.\u{a0}\n“The strikes")
        );
    }
}
