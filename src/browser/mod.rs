//! The thin layer that touches the browser: DOM selections, localStorage,
//! file downloads, clocks and ids, the offline worker, the colour scheme. Everything else stays
//! pure.

pub mod download;
pub mod files;
pub mod lifecycle;
pub mod listeners;
pub mod near_viewport;
pub mod offline;
pub mod selection;
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
