//! Ids and timestamps for new annotations.

/// An ISO 8601 UTC timestamp of now, e.g. `2026-11-22T10:00:00.000Z`.
pub fn now() -> String {
    js_sys::Date::new_0().to_iso_string().into()
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
