//! What the status line says about saving, in words: pure, so that what the
//! user is told is tested natively and never claims more than is true.

use span_core::model::{megabytes, percent};
use span_core::storage::{Mode, Status, QUOTA_UNITS, WARN_SHARE};

/// Where saving stands, as the status line shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveStatus {
    pub storage: Status,
    /// The local time (`HH:MM:SS`) everything was last stored, if anything
    /// was stored since the page loaded.
    pub saved_at: Option<String>,
}

impl SaveStatus {
    pub fn loaded(storage: Status) -> Self {
        Self {
            storage,
            saved_at: None,
        }
    }

    /// Takes a new reading of storage; `stored_at` is now, if a write was
    /// just attempted.
    pub fn update(&mut self, storage: Status, stored_at: Option<String>) {
        if storage.pending == 0 && stored_at.is_some() {
            self.saved_at = stored_at;
        }
        self.storage = storage;
    }

    /// How many changes are not stored.
    pub fn pending(&self) -> usize {
        self.storage.pending
    }

    /// Whether the status is bad news.
    pub fn is_trouble(&self) -> bool {
        self.storage.pending > 0 || self.storage.mode != Mode::Writable
    }

    /// The sentence the status line shows.
    pub fn text(&self) -> String {
        let pending = self.storage.pending;
        let why = self.storage.why.as_deref();
        match &self.storage.mode {
            Mode::Stopped(why) => format!("Not saving: {why}."),
            Mode::Unavailable(why) if pending == 0 => {
                format!("Your work cannot be saved in this browser: {why}. Export to keep it.")
            }
            _ if pending == 0 => match &self.saved_at {
                Some(at) => format!("Saved at {at}."),
                None => "All work is saved in this browser.".to_string(),
            },
            _ => {
                let changes = if pending == 1 {
                    "1 change".to_string()
                } else {
                    format!("{pending} changes")
                };
                let why = why.unwrap_or("waiting to be written");
                format!("{changes} not saved — {why}. Export to keep your work; saving is tried again after every change.")
            }
        }
    }

    /// How much storage is used, and a warning from [`WARN_SHARE`] of the
    /// quota on, saying how much of it backups take.
    pub fn usage(&self) -> (String, bool) {
        let used = self.storage.used;
        let bytes = |units| self.storage.charge.bytes(units);
        let share = used as f64 / QUOTA_UNITS as f64;
        let mut text = format!(
            "Storage: {} of {} used ({}%)",
            megabytes(bytes(used)),
            megabytes(bytes(QUOTA_UNITS)),
            percent(used, QUOTA_UNITS)
        );
        if self.storage.backups > 0 {
            text.push_str(&format!(
                ", backups {}",
                megabytes(bytes(self.storage.backups))
            ));
        }
        let warn = share >= WARN_SHARE;
        if warn {
            text.push_str(" — almost full: export your work, and remove backups or documents you no longer need");
        }
        (text, warn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use span_core::storage::Charge;

    fn status(pending: usize, why: Option<&str>, mode: Mode) -> SaveStatus {
        SaveStatus::loaded(Status {
            pending,
            why: why.map(str::to_string),
            used: 1_000_000,
            backups: 0,
            mode,
            charge: Charge::default(),
        })
    }

    #[test]
    fn saved_only_when_nothing_is_pending() {
        let mut s = status(0, None, Mode::Writable);
        assert_eq!(s.text(), "All work is saved in this browser.");
        let mut failing = s.storage.clone();
        failing.pending = 3;
        failing.why = Some("browser storage is full (QuotaExceededError)".into());
        s.update(failing.clone(), Some("10:00:00".into()));
        assert!(
            s.text()
                .starts_with("3 changes not saved — browser storage is full"),
            "{}",
            s.text()
        );
        failing.pending = 0;
        failing.why = None;
        s.update(failing, Some("10:00:05".into()));
        assert_eq!(s.text(), "Saved at 10:00:05.");
    }

    #[test]
    fn a_stopped_tab_says_why() {
        let s = status(2, None, Mode::Stopped("reload".into()));
        assert_eq!(s.text(), "Not saving: reload.");
        assert!(s.is_trouble());
        let s = status(0, None, Mode::Unavailable("SecurityError".into()));
        assert!(s.text().contains("cannot be saved"), "{}", s.text());
    }

    #[test]
    fn usage_is_in_bytes_and_warns_from_80_percent() {
        let mut s = status(0, None, Mode::Writable);
        let (text, warn) = s.usage();
        assert!(
            text.starts_with("Storage: 2.0 MB of 10.5 MB used (19%)"),
            "{text}"
        );
        assert!(!warn);
        s.storage.used = QUOTA_UNITS * 9 / 10;
        s.storage.backups = 500_000;
        let (text, warn) = s.usage();
        assert!(warn);
        assert!(
            text.contains("(90%), backups 1.0 MB — almost full"),
            "{text}"
        );
        // WebKit counts bytes, and its quota is half as many.
        s.storage.charge = Charge::Latin1Or16Bit;
        s.storage.used = 1_000_000;
        let (text, _) = s.usage();
        assert!(
            text.starts_with("Storage: 1.0 MB of 5.2 MB used (19%)"),
            "{text}"
        );
    }
}
