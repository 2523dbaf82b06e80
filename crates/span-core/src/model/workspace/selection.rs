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
        let Some(window) = entry.paragraphs.window(&entry.document.text, touched) else {
            return span;
        };
        let local = window.local(span.start)..window.local(span.end);
        let snapped = if words {
            snap::to_words(window.text, local)
        } else {
            snap::to_graphemes(window.text, local)
        };
        window.global(snapped.start)..window.global(snapped.end)
    }

    /// The next `unit` boundary after (or before) `offset` in document
    /// `doc`, looking at its paragraph and the ones on either side.
    pub fn step(&self, doc: usize, offset: usize, forward: bool, unit: snap::Unit) -> usize {
        let Ok(entry) = self.entry(doc) else {
            return offset;
        };
        let paragraphs = &entry.paragraphs;
        let around = paragraphs.touching(offset.saturating_sub(1), offset + 1);
        let with_neighbours =
            around.start.saturating_sub(1)..(around.end + 1).min(paragraphs.as_slice().len());
        let Some(window) = paragraphs.window(&entry.document.text, with_neighbours) else {
            return offset;
        };
        let local = window.local(offset).min(window.char_len());
        window.global(snap::step(window.text, local, forward, unit))
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
