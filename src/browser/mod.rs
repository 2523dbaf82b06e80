//! The thin layer that touches the browser: DOM selections, localStorage,
//! file downloads, clocks and ids, the offline worker, the colour scheme. Everything else stays
//! pure.

pub mod download;
pub mod files;
pub mod focus_trap;
pub mod highlights;
pub mod lifecycle;
pub mod listeners;
pub mod near_viewport;
pub mod offline;
pub mod preference;
pub mod selection;
pub mod slices;
pub mod stamp;
pub mod storage;
pub mod theme;

/// Whether `element` has the keyboard focus.
pub fn is_focused(element: &web_sys::Element) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|active| active == *element)
}

/// Whether `element` is a field that takes text: a text input (not a
/// checkbox, button and the like), a select list, a text area or editable
/// content. Keys typed there, and the focus there, belong to the person.
pub fn takes_text(element: &web_sys::HtmlElement) -> bool {
    use wasm_bindgen::JsCast;
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        return !matches!(
            input.type_().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset" | "range" | "color" | "file"
        );
    }
    matches!(element.tag_name().as_str(), "TEXTAREA" | "SELECT") || element.is_content_editable()
}
