//! What the status line says: whether work is saved, and the latest notice.

/// Whether the last change reached browser storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing has changed since the page loaded.
    Loaded,
    Saved,
    /// The reason, in the user's words.
    NotSaved(String),
}

/// A message for the user about something that just happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// Errors are announced at once (`role="alert"`), the rest politely.
    pub is_error: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            is_error: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            is_error: true,
        }
    }
}
