//! What an export makes: one file, with its name, media type and bytes, and
//! what the format could not hold and why, so that the app's download and
//! the command-line tool say the same.

use std::fmt;

use thiserror::Error;

/// An exported file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// The name it is saved under (`annotations.json`).
    pub name: &'static str,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    /// The spans the format could not hold, if any.
    pub left_out: Option<LeftOut>,
}

/// Spans an export left out, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeftOut {
    pub spans: usize,
    /// Which spans, as the format sees them: "spans of only white space,
    /// which brat cannot show".
    pub why: &'static str,
}

/// A reason an export could not be made at all.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ExportError(pub String);

impl ExportFile {
    /// A text file with nothing left out.
    pub(super) fn text(name: &'static str, media_type: &'static str, text: String) -> Self {
        Self {
            name,
            media_type,
            bytes: text.into_bytes(),
            left_out: None,
        }
    }

    /// Records that `spans` spans were left out (nothing, when 0).
    pub(super) fn leaving_out(mut self, spans: usize, why: &'static str) -> Self {
        self.left_out = (spans > 0).then_some(LeftOut { spans, why });
        self
    }

    /// How many spans were left out.
    #[cfg(test)]
    pub(super) fn left_out_spans(&self) -> usize {
        self.left_out.map_or(0, |left_out| left_out.spans)
    }

    /// The file's text, for tests of text formats.
    #[cfg(test)]
    pub(super) fn into_text(self) -> String {
        String::from_utf8(self.bytes).expect("a text format")
    }

    /// What the app says once the file is made: "Exported annotations.json."
    pub fn summary(&self) -> String {
        match self.left_out {
            None => format!("Exported {}.", self.name),
            Some(left_out) => format!("Exported {}; {left_out}.", self.name),
        }
    }
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.spans {
            1 => write!(f, "1 span could not be represented in it and was left out"),
            n => write!(
                f,
                "{n} spans could not be represented in it and were left out"
            ),
        }?;
        write!(f, " ({})", self.why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_what_was_left_out_and_says_why() {
        let file = ExportFile::text("a.conll", "text/plain", "x".into());
        assert_eq!(file.summary(), "Exported a.conll.");
        assert_eq!(
            file.clone().leaving_out(0, "none").summary(),
            "Exported a.conll."
        );
        assert_eq!(
            file.clone()
                .leaving_out(1, "spans of only white space")
                .summary(),
            "Exported a.conll; 1 span could not be represented in it and was left out \
             (spans of only white space)."
        );
        assert_eq!(file.leaving_out(6, "overlaps").left_out_spans(), 6);
    }
}
