//! Ids and timestamps, from the browser's clock and random numbers.

use crate::storage::Stamps;

/// An ISO 8601 UTC timestamp of now, e.g. `2026-11-22T10:00:00.000Z`. A
/// clock that gives no valid time (NaN, out of range) gives the Unix epoch
/// instead of stopping the app: `toISOString` would throw.
pub fn now() -> String {
    let date = js_sys::Date::new_0();
    if date.get_time().is_finite() && date.get_time().abs() < 8.64e15 {
        date.to_iso_string().into()
    } else {
        "1970-01-01T00:00:00.000Z".to_string()
    }
}

/// A fresh 128-bit random id in hex. `crypto.getRandomValues` works on plain
/// `http://` hosts too, where `crypto.randomUUID` does not.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for chunk in bytes.chunks_mut(4) {
            let word = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
            chunk.copy_from_slice(&word.to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The local time as `HH:MM:SS`.
pub fn local_time() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        now.get_hours(),
        now.get_minutes(),
        now.get_seconds()
    )
}

/// The browser's clock and random numbers, for the storage engine.
pub struct BrowserStamps;

impl Stamps for BrowserStamps {
    fn now(&self) -> String {
        now()
    }

    fn new_id(&self) -> String {
        new_id()
    }
}
