//! Keeping the workspace in the browser's key-value storage, safely: saving
//! each change at once and keeping what could not be saved until it can be,
//! merging with what other tabs stored, writing changes to several keys all
//! or nothing, salvaging damaged data into backups, and noticing storage
//! that was cleared or filled behind the app's back.
//!
//! Pure: the store is the [`Store`] trait (localStorage in
//! `browser::storage`, `MemoryStore` in tests), ids and times come from
//! [`Stamps`], and what each key holds is `format::stored`'s business.

mod ahead;
mod backups;
mod load;
#[cfg(test)]
mod memory;
mod pending;
mod persistence;
mod revisions;
mod store;

pub use ahead::Ahead;
pub use backups::BackupInfo;
pub use load::Loaded;
#[cfg(test)]
pub use memory::*;
pub use persistence::*;
pub use store::*;

/// Where new ids and times come from: the browser's clock and random
/// numbers in the app, fixed ones in tests.
pub trait Stamps {
    /// Now, as an ISO 8601 UTC timestamp (`2026-11-22T10:00:00.000Z`).
    fn now(&self) -> String;
    /// A fresh id, unique in every tab ([`IdMint`](crate::model::IdMint)).
    fn new_id(&self) -> String;
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

/// The day of an ISO 8601 timestamp, counted from 1970-01-01; 0 if it is
/// not one, so that a broken clock never makes tombstones look old.
pub fn day_of(timestamp: &str) -> u32 {
    let date = timestamp.get(..10).unwrap_or_default();
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return 0;
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return 0;
    }
    // Days from civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u32::try_from(era * 146_097 + doe - 719_468).unwrap_or(0)
}

#[cfg(test)]
mod tests;
