//! The rules every label, document and annotation keeps, each written once,
//! so that the label editor, an import and the data loaded from storage hold
//! values to the same ones: whatever one of them accepts, the others accept
//! too, and an export of whatever loaded imports again.
//!
//! Each rule is a plain check on plain values, cheap on any input (linear in
//! its length at most). What a broken rule is called (an
//! [`ImportError`](super::import::ImportError) naming its place in a file, a
//! [`LabelError`](super::LabelError) in the editor) and what is done about
//! it (refused, or repaired by [`repair`](super::repair)) is the caller's
//! business, not this module's.

use thiserror::Error;

/// How long a label's name may be, in characters, once normalised.
pub const MAX_NAME_CHARS: usize = 40;

/// The largest text a document can have, in UTF-8 bytes. Browsers keep
/// about 5 MB of localStorage per site, shared by every document and
/// annotation.
pub const MAX_TEXT_BYTES: usize = 4_000_000;

/// Why a name cannot be a label's. The message reads after the name or its
/// place: “labels[0].name is empty”.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum NameError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
}

/// Why a text cannot be a document's.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TextError {
    #[error("it is not UTF-8 text (byte {at} is 0x{byte:02X}); save it as UTF-8 and add it again")]
    NotUtf8 { at: usize, byte: u8 },
    #[error("it holds NUL bytes, so it is not a text file")]
    Binary,
    #[error("it is empty")]
    Empty,
    #[error("it is {}, more than the {} a document can have in this browser’s storage", megabytes(*.size), megabytes(MAX_TEXT_BYTES))]
    TooLarge { size: usize },
}

/// `bytes` as megabytes with one decimal, rounded half up, e.g. "6.2 MB".
/// In whole numbers: formatting a float would add 11 KB to the wasm.
pub fn megabytes(bytes: usize) -> String {
    let tenths = bytes / 100_000 + usize::from(bytes % 100_000 >= 50_000);
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

/// `x` (from 0) with two decimals, rounded half away from zero: "4.07".
pub fn hundredths(x: f64) -> String {
    let hundredths = (x * 100.0).round() as u64;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// `part` as a whole percentage of `whole`, rounded half up ("0" of none).
pub fn percent(part: usize, whole: usize) -> usize {
    if whole == 0 {
        return 0;
    }
    let (hundredfold, whole) = (part as u128 * 100, whole as u128);
    let rounded = hundredfold / whole + u128::from(hundredfold % whole * 2 >= whole);
    usize::try_from(rounded).unwrap_or(usize::MAX)
}

/// A label's name as it is kept: trimmed, with runs of white space made one
/// space, so that names differing only in spacing are not two labels.
pub fn normalize_name(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `name` as a label's name is kept ([`normalize_name`]), if it is one: not
/// empty and at most [`MAX_NAME_CHARS`] characters long. Names are unique
/// in a label set, compared exactly once normalised.
pub fn label_name(name: &str) -> Result<String, NameError> {
    let name = normalize_name(name);
    if name.is_empty() {
        Err(NameError::Empty)
    } else if name.chars().nth(MAX_NAME_CHARS).is_some() {
        Err(NameError::TooLong)
    } else {
        Ok(name)
    }
}

/// Whether `color` is `#rrggbb`, the only form the app writes into a style,
/// so that no stored or imported value can inject other CSS.
pub fn is_hex_color(color: &str) -> bool {
    let hex = color.strip_prefix('#').unwrap_or_default();
    hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `key` can be a label's hotkey: a key typed on its own, so not
/// white space (which types a space or moves focus) nor a control
/// character. No two labels of a set have the same hotkey.
pub fn is_hotkey(key: char) -> bool {
    !key.is_whitespace() && !key.is_control()
}

/// The character `text` is, if it is exactly one: the form a hotkey is
/// written in, in a file or a field.
pub fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Whether `value` is empty or only white space. A document's id, file name
/// and title, and an annotation's id, must not be blank.
pub fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// Refuses a text that cannot be a document's: larger than
/// [`MAX_TEXT_BYTES`], holding NUL, or blank. The text is checked as it is,
/// not normalised: offsets point into it exactly.
pub fn check_text(text: &str) -> Result<(), TextError> {
    // The size first: it costs nothing, where the others read the text.
    if text.len() > MAX_TEXT_BYTES {
        return Err(TextError::TooLarge { size: text.len() });
    }
    if text.contains('\0') {
        return Err(TextError::Binary);
    }
    if is_blank(text) {
        return Err(TextError::Empty);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_shares_are_written_in_whole_numbers_rounded_half_up() {
        for (bytes, written) in [
            (0, "0.0 MB"),
            (49_999, "0.0 MB"),
            (50_000, "0.1 MB"),
            (1_049_999, "1.0 MB"),
            (1_050_000, "1.1 MB"),
            (10_485_760, "10.5 MB"),
            (64_000_000, "64.0 MB"),
        ] {
            assert_eq!(megabytes(bytes), written, "{bytes}");
        }
        assert_eq!(hundredths(4.5), "4.50");
        assert_eq!(hundredths(3.0749), "3.07");
        assert_eq!(hundredths(3.075_01), "3.08");
        assert_eq!(hundredths(21.0), "21.00");
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 200), 1, "a half rounds up");
        assert_eq!(percent(5_242_880, 5_242_880), 100);
        assert_eq!(percent(usize::MAX, usize::MAX), 100, "no overflow");
    }

    #[test]
    fn names_are_normalised_then_held_to_their_length() {
        assert_eq!(label_name("  Armed \t Group\n"), Ok("Armed Group".into()));
        assert_eq!(label_name(" \u{a0}\t"), Err(NameError::Empty));
        assert_eq!(label_name(""), Err(NameError::Empty));
        let longest = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(label_name(&longest), Ok(longest.clone()));
        assert_eq!(label_name(&format!("{longest}x")), Err(NameError::TooLong));
        // Spaces that normalising removes do not count.
        assert_eq!(
            label_name(&format!("  {}  ", "a ".repeat(20))).map(|n| n.chars().count()),
            Ok(39)
        );
    }

    #[test]
    fn only_hex_colours_are_colours() {
        assert!(is_hex_color("#A5f3fc"));
        for bad in [
            "#fff",
            "red",
            "#12345g",
            "#1234567",
            "#123456;x",
            "",
            "#",
            "ä12345",
        ] {
            assert!(!is_hex_color(bad), "{bad}");
        }
        // Six bytes, but not six hex digits: must not be sliced mid-character.
        assert!(!is_hex_color("#éé12"));
    }

    #[test]
    fn hotkeys_are_one_visible_character() {
        for good in ['1', 'a', 'ß', '😀', '-'] {
            assert!(is_hotkey(good), "{good}");
        }
        for bad in [
            ' ', '\t', '\n', '\u{a0}', '\u{2028}', '\0', '\u{7f}', '\u{85}',
        ] {
            assert!(!is_hotkey(bad), "{bad:?}");
        }
        assert_eq!(single_char("a"), Some('a'));
        assert_eq!(single_char("😀"), Some('😀'));
        assert_eq!(single_char(""), None);
        assert_eq!(single_char("ab"), None);
        assert_eq!(single_char("e\u{301}"), None, "two code points");
    }

    #[test]
    fn texts_must_be_small_visible_and_free_of_nul() {
        assert_eq!(check_text("a\r\n"), Ok(()));
        assert_eq!(check_text(" \r\n\t"), Err(TextError::Empty));
        assert_eq!(check_text(""), Err(TextError::Empty));
        assert_eq!(check_text("a\0b"), Err(TextError::Binary));
        let big = "a".repeat(MAX_TEXT_BYTES + 1);
        assert_eq!(
            check_text(&big),
            Err(TextError::TooLarge {
                size: MAX_TEXT_BYTES + 1
            })
        );
        assert_eq!(check_text(&big[1..]), Ok(()));
        assert!(is_blank(" \u{2003}") && !is_blank(" x "));
    }
}
