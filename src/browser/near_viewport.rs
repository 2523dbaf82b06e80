//! Telling when elements come near the visible part of a scroll container,
//! so that costly rendering is done only for what can be seen.

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// Calls `on_near` once for each observed element when it first comes
/// within `margin` (a CSS length, e.g. `"150%"`) above or below the visible
/// area of `root`, its scroll container, and observes the elements it
/// returns in turn: watching a few large containers, then the children of
/// those that come near, keeps the browser's per-frame check short.
/// Dropping it stops observing.
pub struct NearViewport {
    observer: IntersectionObserver,
    // Owns the callback the observer calls; dropping it would leave a
    // dangling function on the JS side.
    _on_entries: Closure<dyn FnMut(js_sys::Array, IntersectionObserver)>,
}

impl NearViewport {
    pub fn new(
        root: &Element,
        margin: &str,
        mut on_near: impl FnMut(Element) -> Vec<Element> + 'static,
    ) -> Result<Self, JsValue> {
        let on_entries = Closure::new(
            move |entries: js_sys::Array, observer: IntersectionObserver| {
                for entry in entries.iter() {
                    let entry: IntersectionObserverEntry = entry.unchecked_into();
                    if entry.is_intersecting() {
                        let target = entry.target();
                        observer.unobserve(&target);
                        for next in on_near(target) {
                            observer.observe(&next);
                        }
                    }
                }
            },
        );
        let options = IntersectionObserverInit::new();
        options.set_root(Some(root));
        options.set_root_margin(&format!("{margin} 0px"));
        let observer =
            IntersectionObserver::new_with_options(on_entries.as_ref().unchecked_ref(), &options)?;
        Ok(Self {
            observer,
            _on_entries: on_entries,
        })
    }

    pub fn observe(&self, element: &Element) {
        self.observer.observe(element);
    }
}

impl Drop for NearViewport {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
