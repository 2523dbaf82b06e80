//! Listeners at the window or the document that last as long as the
//! component that adds them: each is removed when the reactive owner it was
//! added under is cleaned up, as when the component unmounts, so mounting a
//! component again does not leave a second listener behind.
//!
//! Listeners that last as long as the page are `lifecycle`'s business.

use leptos::ev::EventDescriptor;
use leptos::prelude::{
    document, on_cleanup, window, window_event_listener, StoredValue, WindowListenerHandle,
};
use wasm_bindgen::{closure::Closure, JsCast};

/// Calls `f` with each `event` fired at the window while the current owner
/// lives.
pub fn on_window<E>(event: E, f: impl Fn(E::EventType) + 'static)
where
    E: EventDescriptor + 'static,
    E::EventType: JsCast,
{
    remove_on_cleanup(window_event_listener(event, f));
}

fn remove_on_cleanup(handle: WindowListenerHandle) {
    on_cleanup(move || handle.remove());
}

/// Calls `f` each time `event` is fired at the document while the current
/// owner lives: some events, as `selectionchange`, are fired there only.
pub fn on_document(event: &'static str, f: impl Fn() + 'static) {
    listen_at_document(DocumentListener {
        event,
        listener: Closure::new(f),
    });
}

/// Calls `f` each time `event` is fired at the window or anything in the
/// page, heard as it goes down (capturing), while the current owner lives:
/// `scroll` at any scroll container, say, which does not bubble.
pub fn on_window_capture(event: &'static str, f: impl Fn() + 'static) {
    let listener = Closure::<dyn Fn()>::new(f);
    let _ = window().add_event_listener_with_callback_and_bool(
        event,
        listener.as_ref().unchecked_ref(),
        true,
    );
    StoredValue::new_local(CapturingListener { event, listener });
}

/// A capturing listener at the window, removed when dropped.
struct CapturingListener {
    event: &'static str,
    listener: Closure<dyn Fn()>,
}

impl Drop for CapturingListener {
    fn drop(&mut self) {
        let _ = window().remove_event_listener_with_callback_and_bool(
            self.event,
            self.listener.as_ref().unchecked_ref(),
            true,
        );
    }
}

fn listen_at_document(listener: DocumentListener) {
    let _ = document().add_event_listener_with_callback(
        listener.event,
        listener.listener.as_ref().unchecked_ref(),
    );
    // The owner drops what it stores when it is cleaned up.
    StoredValue::new_local(listener);
}

/// A listener at the document, removed when dropped.
struct DocumentListener {
    event: &'static str,
    listener: Closure<dyn Fn()>,
}

impl Drop for DocumentListener {
    fn drop(&mut self) {
        let _ = document().remove_event_listener_with_callback(
            self.event,
            self.listener.as_ref().unchecked_ref(),
        );
    }
}
