//! The key-value store the workspace is kept in, as a small trait: the
//! browser's localStorage implements it in `browser::storage`, and
//! `MemoryStore` (in tests) implements it in memory, with faults
//! that tests switch on. Everything that guards data (saving, merging,
//! salvaging, recovering) is written against this trait, so it runs in
//! native tests as well as in the browser.
//!
//! Sizes are counted as browsers count their quota: in UTF-16 code units of
//! keys and values.

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
    /// How much of the quota `key` and its value take ([`units`]), if it
    /// is stored. A store that can measure a value without handing it over
    /// (localStorage's strings know their length) does so.
    fn units(&self, key: &str) -> Result<Option<usize>, StoreError> {
        Ok(self.read(key)?.map(|value| units(key, &value)))
    }
}

/// How much of the quota a key and its value take: UTF-16 code units.
pub fn units(key: &str, value: &str) -> usize {
    utf16_len(key) + utf16_len(value)
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

/// What `units` UTF-16 code units take in bytes: browsers keep
/// localStorage strings as UTF-16, two bytes a unit.
pub fn bytes(units: usize) -> usize {
    units * 2
}

#[cfg(test)]
mod tests {
    use super::utf16_len;

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
}
