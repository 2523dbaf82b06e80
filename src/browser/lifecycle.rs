//! The page's life as storage cares about it: another tab writing storage,
//! the page being hidden, shown again or unloaded, and asking the browser
//! to keep the site's data. Each listener lasts as long as the page.

use leptos::ev;
use leptos::prelude::{window_event_listener, window_event_listener_untyped};
use wasm_bindgen::JsCast;

/// Calls `f` with the key another tab (or the browser) changed in
/// localStorage, or `None` when storage was cleared.
pub fn on_storage_change(f: impl Fn(Option<String>) + 'static) {
    let _ = window_event_listener(ev::storage, move |event: web_sys::StorageEvent| {
        let is_local = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .zip(event.storage_area())
            .is_some_and(|(local, area)| local == area);
        if is_local || event.storage_area().is_none() {
            f(event.key());
        }
    });
}

/// Calls `f(true)` when the page is shown again and `f(false)` when it is
/// hidden (another tab, minimised, locked, about to close).
pub fn on_visibility_change(f: impl Fn(bool) + 'static) {
    let _ = window_event_listener_untyped("visibilitychange", move |_| f(is_visible()));
}

/// Whether the page is shown: a hidden page gets no animation frames, and
/// its timers run at most about once a second.
pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Calls `f` when the page is being unloaded or put in the back-forward
/// cache: the last moment to write.
pub fn on_page_hide(f: impl Fn() + 'static) {
    let _ = window_event_listener_untyped("pagehide", move |_| f());
}

/// Calls `f(restored)` when the page is shown, `restored` when it comes back
/// from the back-forward cache, where it missed other tabs' writes.
pub fn on_page_show(f: impl Fn(bool) + 'static) {
    let _ = window_event_listener_untyped("pageshow", move |event| {
        let restored = event
            .dyn_ref::<web_sys::PageTransitionEvent>()
            .is_some_and(web_sys::PageTransitionEvent::persisted);
        f(restored);
    });
}

/// Asks the browser to confirm before the page closes or reloads while
/// `unsaved()` says something would be lost.
pub fn confirm_unload_while(unsaved: impl Fn() -> bool + 'static) {
    let _ = window_event_listener_untyped("beforeunload", move |event| {
        if unsaved() {
            event.prevent_default();
            if let Some(event) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                event.set_return_value("Some changes are not saved yet.");
            }
        }
    });
}

/// Asks the browser to keep this site's storage even when disk space runs
/// low (`navigator.storage.persist()`); browsers that cannot, or decline,
/// keep it as best effort, as before.
pub fn ask_to_persist() {
    let Some(manager) = web_sys::window().map(|w| w.navigator().storage()) else {
        return;
    };
    if let Ok(promise) = manager.persist() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
