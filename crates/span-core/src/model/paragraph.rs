//! Paragraphs: the lines a document is split into for rendering, so that a
//! change to one span re-renders only the lines it touches, and the
//! [`Window`] of a few of them that snapping looks through. A line longer
//! than [`MAX_PIECE`] code points is cut into pieces, so that a span in a
//! document of one long line still re-renders a few thousand characters,
//! not the whole line.
//!
//! Each paragraph knows where it is in both units: code points, the core's
//! offsets, and the UTF-8 bytes that slice its text (`byte_range`). Turning
//! one into the other is [`text`](super::text)'s business, not this file's.

use std::ops::Range;

use unicode_segmentation::GraphemeCursor;

/// The most code points a paragraph holds: a longer line is cut into pieces
/// of at most this many, after a white space where there is one in the
/// second half of the piece, and never inside a grapheme cluster.
pub const MAX_PIECE: usize = 2_048;

/// One line of a document including its `\n`, if it has one, or one piece
/// of a line longer than [`MAX_PIECE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Code-point offset of the first character in the document.
    pub start: usize,
    /// Code-point offset just past the last character (its `\n` included).
    pub end: usize,
    /// UTF-8 byte range in the document's text.
    pub byte_range: Range<usize>,
    /// Whether it is one of the pieces of a long line, to be shown inline
    /// with the others rather than on lines of its own.
    pub piece: bool,
}

impl Paragraph {
    pub fn text<'a>(&self, document_text: &'a str) -> &'a str {
        &document_text[self.byte_range.clone()]
    }
}

/// Where the first piece of `line` ends, in bytes: after [`MAX_PIECE`] code
/// points at most, after the last white space of the second half of those
/// if there is one, and always between two grapheme clusters.
fn cut(line: &str) -> usize {
    let Some((limit, _)) = line.char_indices().nth(MAX_PIECE) else {
        return line.len();
    };
    let boundary = |at: usize| {
        matches!(
            GraphemeCursor::new(at, line.len(), true).is_boundary(line, 0),
            Ok(true)
        )
    };
    let half = line.char_indices().nth(MAX_PIECE / 2).map_or(0, |(i, _)| i);
    let after_space = line[half..limit]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(at, space)| half + at + space.len_utf8());
    match after_space {
        // A white space with a combining mark on it is one cluster.
        Some(at) if boundary(at) => at,
        _ if boundary(limit) => limit,
        // The last grapheme boundary before the limit, or, for a cluster
        // longer than a piece, the first one after it.
        _ => {
            let cursor = || GraphemeCursor::new(limit, line.len(), true);
            match cursor().prev_boundary(line, 0) {
                Ok(Some(at)) if at > 0 => at,
                _ => cursor()
                    .next_boundary(line, 0)
                    .ok()
                    .flatten()
                    .unwrap_or(line.len()),
            }
        }
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
            // Short lines, nearly all of them, are counted once.
            let piece = line.len() > MAX_PIECE && line.chars().nth(MAX_PIECE).is_some();
            let mut rest = line;
            while !rest.is_empty() {
                let cut = if piece { cut(rest) } else { rest.len() };
                let len = rest[..cut].chars().count();
                paragraphs.push(Paragraph {
                    start,
                    end: start + len,
                    byte_range: byte..byte + cut,
                    piece,
                });
                start += len;
                byte += cut;
                rest = &rest[cut..];
            }
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

    /// The paragraphs of `text`, each with whether it is a piece.
    fn pieces(text: &str) -> Vec<(&str, bool)> {
        Paragraphs::of(text)
            .0
            .iter()
            .map(|p| (p.text(text), p.piece))
            .collect()
    }

    /// The paragraphs of `text` follow each other with no gap, in both
    /// units, and cover it.
    fn assert_cover(text: &str) {
        let mut at = (0, 0);
        for paragraph in &Paragraphs::of(text).0 {
            assert_eq!((paragraph.start, paragraph.byte_range.start), at);
            let piece = paragraph.text(text);
            assert_eq!(paragraph.end - paragraph.start, piece.chars().count());
            at = (paragraph.end, paragraph.byte_range.end);
        }
        assert_eq!(at, (text.chars().count(), text.len()));
    }

    #[test]
    fn a_line_up_to_a_piece_long_is_one_paragraph() {
        let line = format!("{}\n", "a".repeat(MAX_PIECE - 1));
        assert_eq!(pieces(&line), [(line.as_str(), false)]);
    }

    #[test]
    fn a_long_line_is_cut_after_white_space_into_pieces() {
        let words = "Astana\u{a0}talks 👩‍👩‍👧 “عربية” 中文 ";
        let line = format!(
            "{}end\nnext",
            words.repeat(3 * MAX_PIECE / words.chars().count())
        );
        assert_cover(&line);
        let got = pieces(&line);
        assert!(got.len() >= 4, "{} pieces", got.len());
        let (last, rest) = got.split_last().expect("pieces");
        assert_eq!(*last, ("next", false), "the next line is not cut");
        for (piece, is_piece) in rest {
            assert!(is_piece);
            let len = piece.chars().count();
            assert!(len <= MAX_PIECE);
            if !piece.ends_with('\n') {
                assert!(piece.ends_with(char::is_whitespace), "cut inside a word");
                assert!(len > MAX_PIECE / 2, "a piece of {len}");
            }
        }
        assert!(rest.last().is_some_and(|(p, _)| p.ends_with("end\n")));
    }

    #[test]
    fn a_line_without_white_space_is_cut_between_grapheme_clusters() {
        // A ZWJ family (5 code points), e and a combining acute, a CJK
        // character, an RTL letter.
        for unit in ["👩‍👩‍👧", "e\u{301}", "中", "ع"] {
            let line = unit.repeat(3 * MAX_PIECE / unit.chars().count());
            assert_cover(&line);
            let got = pieces(&line);
            assert!(got.len() >= 3);
            for (piece, is_piece) in got {
                assert!(is_piece);
                assert!(piece.chars().count() <= MAX_PIECE);
                assert_eq!(piece.len() % unit.len(), 0, "a {unit:?} was split");
            }
        }
    }

    #[test]
    fn a_cluster_longer_than_a_piece_stays_whole() {
        let line = format!("a{}b", "\u{301}".repeat(MAX_PIECE + 10));
        assert_cover(&line);
        let got = pieces(&line);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0.chars().count(), MAX_PIECE + 11);
        assert_eq!(got[1], ("b", true));
    }

    #[test]
    fn seed_article_001_has_one_paragraph_per_line() {
        let doc = &crate::model::seed_documents()[1];
        let p = Paragraphs::of(&doc.text);
        assert_eq!(p.0.len(), doc.text.lines().count());
        assert_eq!(p.0.last().unwrap().end, doc.char_len());
    }
}
