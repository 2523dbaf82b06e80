//! Documents: the texts people annotate, and the three seed articles compiled
//! into the app.
//!
//! A document's text is kept exactly as given, except that a text a person
//! adds has its line endings made `\n` and a leading byte-order mark
//! dropped (see [`text_of_file`]). The title and date are derived from it
//! for display only and never change the text or its offsets.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::rules::{check_text, is_blank, TextError};
use super::{text, DocumentStatus};

/// The longest title shown before it is cut at a word boundary.
const TITLE_MAX_CHARS: usize = 90;

/// The text of a file a person adds: UTF-8, without a leading byte-order
/// mark, with `\r\n` and lone `\r` line endings made `\n`.
pub fn text_of_file(bytes: &[u8]) -> Result<String, TextError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        TextError::NotUtf8 {
            at,
            byte: bytes[at],
        }
    })?;
    text_of_input(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// A text a person pasted or added, with its line endings made `\n`,
/// checked to be worth keeping and small enough to store.
pub fn text_of_input(text: &str) -> Result<String, TextError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    check_text(&text)?;
    Ok(text)
}

/// A text to annotate. `id` is stable across sessions and exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub file_name: String,
    pub title: String,
    /// Shared, never changed in place: the workspace, undo history and
    /// exports hold one copy however many steps mention the document.
    pub text: Arc<str>,
    /// Where a person is with it; always written in exports, `todo` when
    /// a file leaves it out.
    #[serde(default)]
    pub status: DocumentStatus,
}

impl Document {
    /// A document whose title is derived from its text.
    pub fn new(
        id: impl Into<String>,
        file_name: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        let text = text.into();
        Self {
            id: id.into(),
            file_name: file_name.into(),
            title: derive_title(&text),
            text: text.into(),
            status: DocumentStatus::Todo,
        }
    }

    /// A document a person added, titled `title` if it is not blank and
    /// otherwise after its first line.
    pub fn added(id: String, file_name: String, text: String, title: &str) -> Self {
        Self {
            id,
            file_name,
            title: if is_blank(title) {
                derive_title(&text)
            } else {
                title.trim().to_string()
            },
            text: text.into(),
            status: DocumentStatus::Todo,
        }
    }

    /// The `date YYYY-MM-DD` that some articles open with, if any.
    pub fn date(&self) -> Option<&str> {
        split_date(&self.text).0
    }

    /// The text's length in code points.
    pub fn char_len(&self) -> usize {
        text::char_len(&self.text)
    }
}

/// The three news reports of the 2017 Astana talks, byte for byte as in
/// `seeds/`, so the built app needs no fetch.
pub fn seed_documents() -> Vec<Document> {
    macro_rules! seed {
        ($stem:literal) => {
            Document::new(
                $stem,
                concat!($stem, ".txt"),
                include_str!(concat!("../../../../seeds/", $stem, ".txt")),
            )
        };
    }
    vec![
        seed!("000_941015829bfed30d"),
        seed!("001_c07fc3de27d30260"),
        seed!("002_851cd8e497878d71"),
    ]
}

/// Splits a leading `date YYYY-MM-DD` (after optional spaces) off `text`.
fn split_date(text: &str) -> (Option<&str>, &str) {
    let rest = text.trim_start();
    let Some(after) = rest.strip_prefix("date ") else {
        return (None, text);
    };
    let candidate = after.get(..10).unwrap_or_default();
    let is_date = candidate.len() == 10
        && candidate.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if is_date {
        (Some(candidate), &after[10..])
    } else {
        (None, text)
    }
}

/// The first non-empty line without its date prefix, cut at a word boundary
/// with an ellipsis when it is longer than a title should be.
fn derive_title(text: &str) -> String {
    let (_, rest) = split_date(text);
    let line = rest
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("Untitled");
    if text::char_len(line) <= TITLE_MAX_CHARS {
        return line.to_string();
    }
    let cut = text::byte_index(line, TITLE_MAX_CHARS).unwrap_or(line.len());
    let head = &line[..cut];
    let head = head.rfind(' ').map_or(head, |space| &head[..space]);
    format!("{}…", head.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MAX_TEXT_BYTES;

    #[test]
    fn seeds_are_the_files_byte_for_byte() {
        let docs = seed_documents();
        assert_eq!(docs.len(), 3);
        for doc in &docs {
            let path = format!(
                "{}/../../seeds/{}",
                env!("CARGO_MANIFEST_DIR"),
                doc.file_name
            );
            assert_eq!(
                &*doc.text,
                std::fs::read_to_string(path).unwrap(),
                "{}",
                doc.id
            );
        }
    }

    #[test]
    fn article_001_differs_in_bytes_and_code_points() {
        let doc = &seed_documents()[1];
        assert_eq!(doc.text.len(), 3812);
        assert_eq!(doc.char_len(), 3769);
    }

    #[test]
    fn date_prefix_gives_a_date_and_is_left_out_of_the_title() {
        let doc = &seed_documents()[0];
        assert_eq!(doc.date(), Some("2017-07-05"));
        assert!(
            doc.title.starts_with("Russia, Turkey and Iran failed"),
            "{}",
            doc.title
        );
        assert!(
            doc.text.starts_with(" date 2017-07-05 Russia"),
            "text must stay untouched"
        );
    }

    #[test]
    fn short_first_line_is_the_title() {
        let doc = &seed_documents()[2];
        assert_eq!(
            doc.title,
            "Guarantor countries set up coordination center for safety zones in Syria"
        );
        assert_eq!(doc.date(), None);
    }

    #[test]
    fn long_first_line_is_cut_at_a_word() {
        let doc = &seed_documents()[1];
        assert!(doc.title.ends_with('…'));
        assert!(text::char_len(&doc.title) <= TITLE_MAX_CHARS + 1);
        let head = doc.title.trim_end_matches('…');
        assert!(doc.text.starts_with(head));
        assert!(
            doc.text[head.len()..].starts_with(' '),
            "cut mid-word: {}",
            doc.title
        );
    }

    #[test]
    fn added_text_keeps_every_character_but_line_endings() {
        let text = "\u{feff}Zoë 👩‍👩‍👧\r\nשלום\u{a0}“x”\rend\r\n";
        assert_eq!(
            text_of_file(text.as_bytes()).unwrap(),
            "Zoë 👩‍👩‍👧\nשלום\u{a0}“x”\nend\n"
        );
        assert_eq!(text_of_input("a\u{feff}b").unwrap(), "a\u{feff}b");
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert_eq!(
            text_of_file(b"caf\xe9 au lait"),
            Err(TextError::NotUtf8 { at: 3, byte: 0xE9 })
        );
        assert_eq!(text_of_file(b"PK\x03\x04\0\0"), Err(TextError::Binary));
        assert_eq!(text_of_file(b""), Err(TextError::Empty));
        assert_eq!(text_of_input(" \r\n\t"), Err(TextError::Empty));
        let big = "a".repeat(MAX_TEXT_BYTES + 1);
        let error = text_of_input(&big).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it is 4.0 MB, more than the 4.0 MB a document can have in this browser’s storage"
        );
        assert!(text_of_input(&big[1..]).is_ok());
    }

    #[test]
    fn an_added_document_is_titled_by_hand_or_by_its_first_line() {
        let doc = Document::added("d".into(), "a.txt".into(), "\nFirst\nrest".into(), "  ");
        assert_eq!(doc.title, "First");
        let doc = Document::added("d".into(), "a.txt".into(), "x".into(), " Mine ");
        assert_eq!(doc.title, "Mine");
    }

    #[test]
    fn odd_texts_still_get_a_title() {
        assert_eq!(derive_title(""), "Untitled");
        assert_eq!(derive_title("\n\n  \n"), "Untitled");
        assert_eq!(
            derive_title("date 2017-07-0x Syria"),
            "date 2017-07-0x Syria"
        );
        assert_eq!(derive_title("date 2017-07-05"), "Untitled");
        let long = "😀".repeat(200);
        assert_eq!(text::char_len(&derive_title(&long)), TITLE_MAX_CHARS + 1);
    }
}
