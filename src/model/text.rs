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

/// The byte index of code point `offset` in `text`, or `None` past the end.
/// `offset == char_len(text)` maps to `text.len()`.
pub fn byte_index(text: &str, offset: usize) -> Option<usize> {
    text.char_indices()
        .map(|(byte, _)| byte)
        .chain(std::iter::once(text.len()))
        .nth(offset)
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
    }

    #[test]
    fn slice_is_python_slicing_in_code_points() {
        assert_eq!(slice(MIXED, 1, 4), Some("“b😀"));
        assert_eq!(slice(MIXED, 4, 6), Some("c\u{301}"));
        assert_eq!(slice(MIXED, 6, 6), Some(""));
        assert_eq!(slice(MIXED, 3, 2), None);
        assert_eq!(slice(MIXED, 2, 7), None);
    }
}
