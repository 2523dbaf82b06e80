//! Code-point offsets over document text.
//!
//! The core counts in Unicode code points, the unit of Python's `str`
//! indices and of the W3C Web Annotation `TextPositionSelector`. Rust strings
//! index by UTF-8 byte, so this module is where code points become byte
//! indices. It knows nothing of UTF-16; only the browser boundary
//! (`browser::selection`) does.

/// The length of `text` in code points.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// The byte index of code point `char_offset` in `text`, or `None` past the
/// end. `char_offset == char_len(text)` maps to `text.len()`.
pub fn byte_index(text: &str, char_offset: usize) -> Option<usize> {
    boundaries(text).nth(char_offset)
}

/// The byte index in `text` of each of the code points `char_offsets`,
/// which are sorted and distinct, found in one walk through the text; an
/// offset past the end maps to `text.len()`.
pub fn byte_indices(text: &str, char_offsets: &[usize]) -> Vec<usize> {
    let mut boundaries = boundaries(text).enumerate();
    char_offsets
        .iter()
        .map(|&wanted| {
            boundaries
                .find(|&(offset, _)| offset == wanted)
                .map_or(text.len(), |(_, byte)| byte)
        })
        .collect()
}

/// The byte index of every code point of `text`, then `text.len()`.
fn boundaries(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.char_indices()
        .map(|(byte, _)| byte)
        .chain(std::iter::once(text.len()))
}

/// The code points `start..end` of `text`, or `None` if the range is reversed
/// or runs past the end.
pub fn slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let from = byte_index(text, start)?;
    let to = from + byte_index(&text[from..], end - start)?;
    Some(&text[from..to])
}

/// How many code points lie between two checkpoints of a [`CharIndex`].
const STRIDE: usize = 64;

/// The byte position of every 64th code point of one text, so that any
/// code-point offset of a long text is found by a jump and a walk of at most
/// 63 characters instead of a walk from the start.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharIndex {
    checkpoints: Vec<usize>,
    len: usize,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut index = Self::default();
        for (offset, (byte, _)) in text.char_indices().enumerate() {
            if offset % STRIDE == 0 {
                index.checkpoints.push(byte);
            }
            index.len = offset + 1;
        }
        index
    }

    /// The length of the indexed text in code points.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// [`byte_index`] for the indexed `text`.
    pub fn byte_index(&self, text: &str, char_offset: usize) -> Option<usize> {
        if char_offset > self.len {
            return None;
        }
        let Some(&from) = self.checkpoints.get(char_offset / STRIDE) else {
            return Some(text.len());
        };
        byte_index(&text[from..], char_offset % STRIDE).map(|byte| from + byte)
    }

    /// [`slice`] for the indexed `text`.
    pub fn slice<'a>(&self, text: &'a str, start: usize, end: usize) -> Option<&'a str> {
        if start > end {
            return None;
        }
        Some(&text[self.byte_index(text, start)?..self.byte_index(text, end)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each character here has a different size in UTF-8 bytes, UTF-16 units
    // and code points: the curly quote is 3/1/1, the emoji 4/2/1.
    const MIXED: &str = "a“b😀c\u{301}";

    #[test]
    fn counts_code_points_not_bytes() {
        assert_eq!(char_len(MIXED), 6);
        assert_eq!(MIXED.len(), 12);
    }

    #[test]
    fn byte_index_covers_every_boundary_and_stops_past_the_end() {
        let expected = [0, 1, 4, 5, 9, 10, 12];
        for (offset, byte) in expected.into_iter().enumerate() {
            assert_eq!(byte_index(MIXED, offset), Some(byte), "offset {offset}");
        }
        assert_eq!(byte_index(MIXED, 7), None);
        assert_eq!(byte_indices(MIXED, &[0, 2, 6, 9]), [0, 4, 12, 12]);
        assert_eq!(byte_indices(MIXED, &[1, 5]), [1, 10]);
    }

    #[test]
    fn slice_is_python_slicing_in_code_points() {
        assert_eq!(slice(MIXED, 1, 4), Some("“b😀"));
        assert_eq!(slice(MIXED, 4, 6), Some("c\u{301}"));
        assert_eq!(slice(MIXED, 6, 6), Some(""));
        assert_eq!(slice(MIXED, 3, 2), None);
        assert_eq!(slice(MIXED, 2, 7), None);
    }

    #[test]
    fn char_index_agrees_with_walking_from_the_start() {
        let text = "a“b😀c\u{301}中文 עברית 👩‍👩‍👧\n".repeat(40);
        let index = CharIndex::new(&text);
        assert_eq!(index.len(), char_len(&text));
        for offset in 0..=index.len() + 2 {
            assert_eq!(
                index.byte_index(&text, offset),
                byte_index(&text, offset),
                "offset {offset}"
            );
        }
        for (start, end) in [
            (0, 0),
            (3, 200),
            (63, 64),
            (64, 65),
            (500, index.len()),
            (9, 8),
        ] {
            assert_eq!(
                index.slice(&text, start, end),
                slice(&text, start, end),
                "{start}..{end}"
            );
        }
        assert_eq!(CharIndex::new("").byte_index("", 0), Some(0));
        assert!(CharIndex::new("").is_empty());
    }
}
