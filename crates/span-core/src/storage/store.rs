//! The key-value store the workspace is kept in, as a small trait: the
//! browser's localStorage implements it in `browser::storage`, and
//! `MemoryStore` (in tests) implements it in memory, with faults
//! that tests switch on. Everything that guards data (saving, merging,
//! salvaging, recovering) is written against this trait, so it runs in
//! native tests as well as in the browser.
//!
//! Sizes are counted as each browser counts its quota ([`Charge`]): UTF-16
//! code units of keys and values in Chromium and Firefox, bytes as WebKit
//! keeps the strings there.

use thiserror::Error;

/// Why the store could not do what was asked.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("browser storage is not available ({0})")]
    Unavailable(String),
    #[error("browser storage is full ({0})")]
    Full(String),
    #[error("browser storage refused the write ({0})")]
    Refused(String),
}

/// A site's key-value storage: string keys and string values, shared by
/// every tab of the site.
pub trait Store {
    fn read(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn write(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// Every key the site has stored, in no particular order.
    fn keys(&self) -> Result<Vec<String>, StoreError>;
    /// How much of the quota `key` and its value take, if it is stored. A
    /// store that can measure a value without handing it over
    /// (localStorage's strings know their length) does so.
    fn units(&self, key: &str) -> Result<Option<usize>, StoreError> {
        Ok(self
            .read(key)?
            .map(|value| self.charge().entry(key, &value)))
    }
    /// How the store counts its quota.
    fn charge(&self) -> Charge {
        Charge::default()
    }
}

/// How a browser charges a key or value to its localStorage quota of
/// [`QUOTA_UNITS`](super::QUOTA_UNITS) (measured in each engine by filling
/// it: 5,242,880 of ASCII, Latin-1 or CJK characters in Chromium and
/// Firefox; in WebKit as many of ASCII or Latin-1, half as many of CJK).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Charge {
    /// Chromium and Firefox: a UTF-16 code unit each.
    #[default]
    Utf16Units,
    /// WebKit: bytes as it keeps the string, one a character when every
    /// character is below U+0100 (Latin-1), two a UTF-16 unit otherwise.
    /// The stored schema's compact values (U+3400 and up) cost twice what
    /// they cost in the other engines.
    Latin1Or16Bit,
}

impl Charge {
    /// What `text` takes of the quota.
    pub fn of(self, text: &str) -> usize {
        // U+0080–U+00FF start with 0xC2 or 0xC3 in UTF-8; continuation
        // bytes are below both.
        self.of_measured(utf16_len(text), || text.bytes().any(|b| b >= 0xC4))
    }

    /// What a string of `units` UTF-16 units takes of the quota; `wide`
    /// says whether it holds a character from U+0100 up, and is asked only
    /// where that counts.
    pub fn of_measured(self, units: usize, wide: impl FnOnce() -> bool) -> usize {
        match self {
            Charge::Latin1Or16Bit if wide() => 2 * units,
            Charge::Latin1Or16Bit | Charge::Utf16Units => units,
        }
    }

    /// What a key and its value take of the quota.
    pub fn entry(self, key: &str, value: &str) -> usize {
        self.of(key) + self.of(value)
    }

    /// What `units` of the quota are in bytes: Chromium and Firefox keep
    /// strings as UTF-16, two bytes a unit; WebKit's are bytes already.
    pub fn bytes(self, units: usize) -> usize {
        match self {
            Charge::Utf16Units => units * 2,
            Charge::Latin1Or16Bit => units,
        }
    }
}

/// The length of `text` in UTF-16 code units, without encoding it: one
/// unit for each byte that starts a character, and another for each
/// character of four bytes (a surrogate pair). Stored values are mostly
/// ASCII, which is checked a word at a time.
pub fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// The store of a tab whose browser storage cannot be used: every call says
/// why.
pub struct NoStore(pub StoreError);

impl Store for NoStore {
    fn read(&self, _: &str) -> Result<Option<String>, StoreError> {
        Err(self.0.clone())
    }

    fn write(&self, _: &str, _: &str) -> Result<(), StoreError> {
        Err(self.0.clone())
    }

    fn remove(&self, _: &str) -> Result<(), StoreError> {
        Err(self.0.clone())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Err(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::{utf16_len, Charge};

    #[test]
    fn utf16_len_counts_as_javascript_does() {
        for text in [
            "",
            "abc",
            "école",
            "e\u{301}",
            "東京",
            "שָׁלוֹם",
            "👨‍👩‍👧",
            "🇫🇷a\u{10FFFF}",
        ] {
            assert_eq!(utf16_len(text), text.encode_utf16().count(), "{text}");
        }
    }

    /// As the engines were measured: WebKit charges a string with any
    /// character from U+0100 up two a unit, the others one.
    #[test]
    fn webkit_charges_wide_strings_twice() {
        for (text, chromium, webkit) in [
            ("", 0, 0),
            ("abc", 3, 3),
            ("café\u{ff}", 5, 5),
            ("\u{100}", 1, 2),
            ("a\u{3400}", 2, 4),
            ("e\u{301}", 2, 4),
            ("“quoted”", 8, 16),
            ("a\u{a0}b", 3, 3),
            ("👍🏽", 4, 8),
        ] {
            assert_eq!(Charge::Utf16Units.of(text), chromium, "{text}");
            assert_eq!(Charge::Latin1Or16Bit.of(text), webkit, "{text}");
        }
        assert_eq!(Charge::Latin1Or16Bit.entry("key", "\u{3400}"), 5);
        assert_eq!(Charge::Utf16Units.bytes(10), 20);
        assert_eq!(Charge::Latin1Or16Bit.bytes(10), 10);
    }
}
