//! Paragraphs: the lines a document is split into for rendering, so that a
//! change to one span re-renders only the lines it touches, and the
//! [`Window`] of a few of them that snapping looks through.
//!
//! Each paragraph knows where it is in both units: code points, the core's
//! offsets, and the UTF-8 bytes that slice its text (`byte_range`). Turning
//! one into the other is [`text`](super::text)'s business, not this file's.

use std::ops::Range;

/// One line of a document including its `\n`, if it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Code-point offset of the first character in the document.
    pub start: usize,
    /// Code-point offset just past the last character (its `\n` included).
    pub end: usize,
    /// UTF-8 byte range in the document's text.
    pub byte_range: Range<usize>,
}

impl Paragraph {
    pub fn text<'a>(&self, document_text: &'a str) -> &'a str {
        &document_text[self.byte_range.clone()]
    }
}

/// The text of consecutive paragraphs, and where it lies in its document in
/// code points: offsets in the document and offsets in the window are told
/// apart by going through [`Window::local`] and [`Window::global`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window<'t> {
    pub text: &'t str,
    /// The code points of the document the window covers.
    pub char_start: usize,
    pub char_end: usize,
}

impl Window<'_> {
    /// The code point `char_offset` of the document as an offset in the
    /// window (0 before it).
    pub fn local(&self, char_offset: usize) -> usize {
        char_offset.saturating_sub(self.char_start)
    }

    /// The code point `local` of the window as an offset in the document.
    pub fn global(&self, local: usize) -> usize {
        self.char_start + local
    }

    /// The window's length in code points.
    pub fn char_len(&self) -> usize {
        self.char_end - self.char_start
    }
}

/// A document's paragraphs in order. Together they cover the text exactly,
/// with no gap and no overlap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paragraphs(Vec<Paragraph>);

impl Paragraphs {
    pub fn of(text: &str) -> Self {
        let mut paragraphs = Vec::new();
        let (mut start, mut byte) = (0, 0);
        for line in text.split_inclusive('\n') {
            let len = line.chars().count();
            paragraphs.push(Paragraph {
                start,
                end: start + len,
                byte_range: byte..byte + line.len(),
            });
            start += len;
            byte += line.len();
        }
        Self(paragraphs)
    }

    pub fn as_slice(&self) -> &[Paragraph] {
        &self.0
    }

    /// Indices of the paragraphs sharing a code point with `start..end`. An
    /// empty range touches the paragraph it sits in.
    pub fn touching(&self, start: usize, end: usize) -> Range<usize> {
        let first = self.0.partition_point(|p| p.end <= start);
        let last = self.0.partition_point(|p| p.start < end.max(start + 1));
        first..last.max(first)
    }

    /// The paragraphs at `indices` (as [`Paragraphs::touching`] gives them)
    /// of `document_text`, as one window, unless there are none.
    pub fn window<'t>(&self, document_text: &'t str, indices: Range<usize>) -> Option<Window<'t>> {
        if indices.is_empty() {
            return None;
        }
        let first = self.0.get(indices.start)?;
        let last = self.0.get(indices.end - 1)?;
        Some(Window {
            text: document_text.get(first.byte_range.start..last.byte_range.end)?,
            char_start: first.start,
            char_end: last.end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        Paragraphs::of(text)
            .0
            .iter()
            .map(|p| p.text(text))
            .collect()
    }

    #[test]
    fn lines_keep_their_line_breaks_and_cover_the_text() {
        assert_eq!(texts("a\n\nb😀\nc"), ["a\n", "\n", "b😀\n", "c"]);
        assert_eq!(texts("a\n"), ["a\n"]);
        assert!(texts("").is_empty());
        assert_eq!(texts("a\r\nb").concat(), "a\r\nb");
    }

    #[test]
    fn offsets_are_code_points() {
        let p = Paragraphs::of("“a”\nb");
        assert_eq!(p.0[0].start..p.0[0].end, 0..4);
        assert_eq!(p.0[1].start..p.0[1].end, 4..5);
        assert_eq!(p.0[1].byte_range, 8..9);
    }

    #[test]
    fn a_window_maps_offsets_between_document_and_window() {
        // Paragraphs: 0..2 "a\n", 2..3 "\n", 3..6 "😀c\n", 6..7 "d".
        let text = "a\n\n😀c\nd";
        let p = Paragraphs::of(text);
        let window = p.window(text, 1..3).unwrap();
        assert_eq!(window.text, "\n😀c\n");
        assert_eq!((window.char_start, window.char_end), (2, 6));
        assert_eq!(window.char_len(), 4);
        assert_eq!(window.local(4), 2);
        assert_eq!(window.local(0), 0);
        assert_eq!(window.global(2), 4);
        assert_eq!(p.window(text, 2..2), None);
        assert_eq!(p.window(text, 3..9), None);
    }

    #[test]
    fn touching_finds_every_paragraph_a_range_shares() {
        // Paragraphs: 0..2 "a\n", 2..3 "\n", 3..6 "bc\n", 6..7 "d".
        let p = Paragraphs::of("a\n\nbc\nd");
        assert_eq!(p.touching(0, 1), 0..1);
        assert_eq!(p.touching(1, 2), 0..1);
        assert_eq!(p.touching(1, 4), 0..3);
        assert_eq!(p.touching(3, 7), 2..4);
        assert_eq!(p.touching(2, 2), 1..2);
        assert_eq!(p.touching(7, 7), 4..4);
    }

    #[test]
    fn seed_article_001_has_one_paragraph_per_line() {
        let doc = &crate::model::seed_documents()[1];
        let p = Paragraphs::of(&doc.text);
        assert_eq!(p.0.len(), doc.text.lines().count());
        assert_eq!(p.0.last().unwrap().end, doc.char_len());
    }
}
