//! Paragraphs: the lines a document is split into for rendering, so that a
//! change to one span re-renders only the lines it touches.

use std::ops::Range;

/// One line of a document including its `\n`, if it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Code-point offset of the first character in the document.
    pub start: usize,
    /// Code-point offset just past the last character (its `\n` included).
    pub end: usize,
    /// Byte range in the document's text.
    pub bytes: Range<usize>,
}

impl Paragraph {
    pub fn text<'a>(&self, document_text: &'a str) -> &'a str {
        &document_text[self.bytes.clone()]
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
                bytes: byte..byte + line.len(),
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
        assert_eq!(p.0[1].bytes, 8..9);
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
