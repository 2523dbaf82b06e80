//! The colour scheme: the system's (`prefers-color-scheme`) until the user
//! picks one with the switch, then the one picked, remembered in this
//! browser. `web/theme.js` puts a remembered choice on the page before the
//! first paint; this module reads and changes it afterwards.

use wasm_bindgen::JsValue;

/// Where the choice is kept: outside the app's data keys
/// (`span-annotator/…`), so the stored schema never sees it. `web/theme.js`
/// reads the same key.
const KEY: &str = "span-annotator.theme";

/// The attribute of `<html>` the stylesheet follows when the user picked a
/// scheme: `light` or `dark`.
const ATTRIBUTE: &str = "data-theme";

/// Whether the page is in the dark scheme now: the choice on `<html>` if
/// there is one, else the system's preference.
pub fn is_dark() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let picked = window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute(ATTRIBUTE));
    match picked.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => window
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches()),
    }
}

/// Shows the page in the dark scheme or the light one, and remembers the
/// choice. A storage that refuses the write (full, or blocked) only means
/// the choice lasts until the page is closed, which the returned error says.
pub fn pick(dark: bool) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let scheme = if dark { "dark" } else { "light" };
    if let Some(html) = window.document().and_then(|d| d.document_element()) {
        html.set_attribute(ATTRIBUTE, scheme)?;
    }
    window
        .local_storage()?
        .ok_or("no localStorage")?
        .set_item(KEY, scheme)
}
