//! The rules every label, document and annotation keeps, each written once,
//! so that the label editor, an import and the data loaded from storage hold
//! values to the same ones: whatever one of them accepts, the others accept
//! too, and an export of whatever loaded imports again.
//!
//! Each rule is a plain check on plain values, cheap on any input (linear in
//! its length at most), and its error says what is wrong in words written
//! here once: every caller shows the same words for the same fault. Where
//! the fault is (an [`ImportError`](super::import::ImportError) naming its
//! place in a file, a [`LabelError`](super::LabelError) in the editor) and
//! what is done about it (refused, or repaired by [`repair`](super::repair))
//! is the caller's business, not this module's. Colours have their own
//! module, [`color`](super::color).

use std::fmt;

use thiserror::Error;

use super::text::CharIndex;

/// How long a label's name may be, in characters, once normalised.
pub const MAX_NAME_CHARS: usize = 40;

/// The largest text a document can have, in UTF-8 bytes. Browsers keep
/// about 5 MB of localStorage per site, shared by every document and
/// annotation.
pub const MAX_TEXT_BYTES: usize = 4_000_000;

/// Why a name cannot be a label's. The message reads after the name or its
/// place: `labels[0].name` “is empty”.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum NameError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
}

/// Why a value cannot be a label's hotkey. A key is written as Rust escapes
/// it, so that white space and control characters show.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum HotkeyError {
    #[error("“{0}” cannot be a hotkey: use one letter, digit or sign")]
    Unusable(String),
    #[error("“{key}” is already the hotkey of {owner}")]
    Taken { key: String, owner: String },
}

impl HotkeyError {
    /// `key` is the hotkey of another label, which `owner` names.
    pub fn taken(key: char, owner: impl fmt::Display) -> Self {
        Self::Taken {
            key: key.escape_default().to_string(),
            owner: owner.to_string(),
        }
    }
}

/// Why an annotation's span cannot be one of its text. Each message reads
/// after the name of what it is about: the span itself, or its
/// [`field`](SpanError::field) (`annotations[3].end` “= 5012 is past the end
/// of …”).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SpanError {
    #[error("is empty: its start and end are both {at}")]
    Empty { at: usize },
    #[error("= {start} is after its end, {end}")]
    Reversed { start: usize, end: usize },
    #[error("= {end} is past the end of document “{document}” ({len} code points)")]
    PastEnd {
        end: usize,
        document: String,
        len: usize,
    },
    /// Both texts [`shortened`].
    #[error("“{quote}” does not match the text at {start}..{end} (“{found}”)")]
    QuoteMismatch {
        start: usize,
        end: usize,
        quote: String,
        found: String,
    },
}

impl SpanError {
    /// What the message is about, to say before it where no place in a
    /// file names it: “the span is empty: …”, “end = 5012 is past …”.
    pub fn subject(&self) -> &'static str {
        match self.field() {
            None => "the span",
            Some("quote") => "the quote",
            Some(field) => field,
        }
    }

    /// The field of an annotation the message is about, or `None` for the
    /// span as a whole.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Empty { .. } => None,
            Self::Reversed { .. } => Some("start"),
            Self::PastEnd { .. } => Some("end"),
            Self::QuoteMismatch { .. } => Some("quote"),
        }
    }
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

/// Whether `key` can be a label's hotkey: a key typed on its own, so not
/// white space (which types a space or moves focus) nor a control
/// character. No two labels of a set have the same hotkey.
fn is_hotkey(key: char) -> bool {
    !key.is_whitespace() && !key.is_control()
}

/// `key` if it can be a label's hotkey ([`is_hotkey`]).
pub fn hotkey(key: char) -> Result<char, HotkeyError> {
    if is_hotkey(key) {
        Ok(key)
    } else {
        Err(HotkeyError::Unusable(key.escape_default().to_string()))
    }
}

/// The character a hotkey is written as in a file, if it is exactly one.
/// Whether that character can be a hotkey is [`hotkey`]'s to say.
pub fn written_hotkey(written: &str) -> Result<char, HotkeyError> {
    let mut chars = written.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(HotkeyError::Unusable(written.to_string())),
    }
}

/// The hotkey typed into a field: none if the field is blank, or else one
/// character that can be a hotkey.
pub fn typed_hotkey(typed: &str) -> Result<Option<char>, HotkeyError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    written_hotkey(typed).and_then(hotkey).map(Some)
}

/// Whether `value` is empty or only white space. A document's id, file name
/// and title, and an annotation's id, must not be blank.
pub fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// The text an annotation's span points at: the code points `start..end`
/// of `text` (indexed by `chars`), if that range is not empty, lies inside
/// the text, and holds exactly `quote` where one is given. `document` names
/// the text in messages.
pub fn span_text<'t>(
    text: &'t str,
    chars: &CharIndex,
    start: usize,
    end: usize,
    quote: Option<&str>,
    document: &str,
) -> Result<&'t str, SpanError> {
    if start == end {
        return Err(SpanError::Empty { at: start });
    }
    if start > end {
        return Err(SpanError::Reversed { start, end });
    }
    let found = chars
        .slice(text, start, end)
        .ok_or_else(|| SpanError::PastEnd {
            end,
            document: document.to_string(),
            len: chars.len(),
        })?;
    match quote {
        Some(quote) if quote != found => Err(SpanError::QuoteMismatch {
            start,
            end,
            quote: shortened(quote),
            found: shortened(found),
        }),
        _ => Ok(found),
    }
}

/// `value` as a message shows it: cut after 60 code points, with an
/// ellipsis, since a stored or imported value may be a megabyte long.
pub fn shortened(value: &str) -> String {
    const MAX: usize = 60;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
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
    fn hotkeys_are_one_visible_character() {
        for good in ['1', 'a', 'ß', '😀', '-'] {
            assert!(is_hotkey(good), "{good}");
        }
        for bad in [
            ' ', '\t', '\n', '\u{a0}', '\u{2028}', '\0', '\u{7f}', '\u{85}',
        ] {
            assert!(!is_hotkey(bad), "{bad:?}");
        }
        assert_eq!(written_hotkey("a"), Ok('a'));
        assert_eq!(written_hotkey("😀"), Ok('😀'));
        assert_eq!(written_hotkey(""), Err(HotkeyError::Unusable("".into())));
        assert_eq!(
            written_hotkey("ab"),
            Err(HotkeyError::Unusable("ab".into()))
        );
        assert!(written_hotkey("e\u{301}").is_err(), "two code points");
        assert_eq!(written_hotkey(" "), Ok(' '), "one, if not a usable one");
        assert_eq!(hotkey('\t'), Err(HotkeyError::Unusable("\\t".into())));
        assert_eq!(
            hotkey('\n').unwrap_err().to_string(),
            "“\\n” cannot be a hotkey: use one letter, digit or sign"
        );
    }

    #[test]
    fn a_typed_hotkey_is_trimmed_and_may_be_none() {
        assert_eq!(typed_hotkey(" 7 "), Ok(Some('7')));
        assert_eq!(typed_hotkey("  "), Ok(None));
        assert_eq!(typed_hotkey("ab"), Err(HotkeyError::Unusable("ab".into())));
        assert_eq!(
            typed_hotkey("\u{7}"),
            Err(HotkeyError::Unusable("\\u{7}".into()))
        );
        assert_eq!(
            HotkeyError::taken('\t', "labels[0]").to_string(),
            "“\\t” is already the hotkey of labels[0]"
        );
    }

    #[test]
    fn a_span_lies_in_its_text_and_quotes_it() {
        let text = "a“b😀c";
        let chars = CharIndex::new(text);
        let span = |start, end, quote| span_text(text, &chars, start, end, quote, "D");
        assert_eq!(span(1, 4, None), Ok("“b😀"));
        assert_eq!(span(1, 4, Some("“b😀")), Ok("“b😀"));
        assert_eq!(span(2, 2, None), Err(SpanError::Empty { at: 2 }));
        assert_eq!(
            span(3, 2, None),
            Err(SpanError::Reversed { start: 3, end: 2 })
        );
        assert_eq!(
            span(2, 2, None).map_err(|e| format!("{} {e}", e.subject())),
            Err("the span is empty: its start and end are both 2".into())
        );
        let past = span(3, 6, None).unwrap_err();
        assert_eq!(past.field(), Some("end"));
        assert_eq!(
            past.to_string(),
            "= 6 is past the end of document “D” (5 code points)"
        );
        let mismatch = span(0, 1, Some("b")).unwrap_err();
        assert_eq!(mismatch.field(), Some("quote"));
        assert_eq!(
            mismatch.to_string(),
            "“b” does not match the text at 0..1 (“a”)"
        );
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        assert_eq!(shortened("short"), "short");
        let long = "é".repeat(61);
        assert_eq!(shortened(&long), format!("{}…", "é".repeat(60)));
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
