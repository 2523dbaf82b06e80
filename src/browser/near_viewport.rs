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
        Ok(Self {
            observer: observer(root, margin, &on_entries)?,
            _on_entries: on_entries,
        })
    }

    pub fn observe(&self, element: &Element) {
        self.observer.observe(element);
    }

    /// The observer, for a callback of another to observe with: it stops
    /// calling back once this is dropped.
    pub fn observer(&self) -> IntersectionObserver {
        self.observer.clone()
    }
}

impl Drop for NearViewport {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// An observer of elements within `margin` above or below the visible area
/// of `root`, calling `on_entries`.
fn observer(
    root: &Element,
    margin: &str,
    on_entries: &Closure<dyn FnMut(js_sys::Array, IntersectionObserver)>,
) -> Result<IntersectionObserver, JsValue> {
    let options = IntersectionObserverInit::new();
    options.set_root(Some(root));
    options.set_root_margin(&format!("{margin} 0px"));
    IntersectionObserver::new_with_options(on_entries.as_ref().unchecked_ref(), &options)
}

/// Calls `on_far` once for each observed element when it goes farther than
/// `margin` above or below the visible area of `root`, and stops observing
/// it: what was drawn as it came near can be let go of as it goes away.
/// Dropping it stops observing.
pub struct FarFromViewport {
    observer: IntersectionObserver,
    _on_entries: Closure<dyn FnMut(js_sys::Array, IntersectionObserver)>,
}

impl FarFromViewport {
    pub fn new(
        root: &Element,
        margin: &str,
        mut on_far: impl FnMut(Element) + 'static,
    ) -> Result<Self, JsValue> {
        let on_entries = Closure::new(
            move |entries: js_sys::Array, observer: IntersectionObserver| {
                for entry in entries.iter() {
                    let entry: IntersectionObserverEntry = entry.unchecked_into();
                    // The first report of an element says where it is now:
                    // near, since it was just drawn.
                    if !entry.is_intersecting() {
                        let target = entry.target();
                        observer.unobserve(&target);
                        on_far(target);
                    }
                }
            },
        );
        Ok(Self {
            observer: observer(root, margin, &on_entries)?,
            _on_entries: on_entries,
        })
    }

    pub fn observer(&self) -> IntersectionObserver {
        self.observer.clone()
    }
}

impl Drop for FarFromViewport {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
