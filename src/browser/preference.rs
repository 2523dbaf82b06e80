//! Small settings remembered in this browser (the export's offset unit):
//! kept outside the app's data keys (`span-annotator/…`), so the stored
//! schema never sees them, and only a convenience: a storage that refuses
//! them means the setting lasts until the page is closed.

/// The key a setting is kept under: `span-annotator.<name>`.
fn key(name: &str) -> String {
    format!("span-annotator.{name}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The remembered value of setting `name`, if any.
pub fn get(name: &str) -> Option<String> {
    storage()?.get_item(&key(name)).ok().flatten()
}

/// Remembers `value` for setting `name`; whether the browser kept it.
pub fn set(name: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(&key(name), value).is_ok())
}
