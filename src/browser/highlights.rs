//! Marking ranges of the page without touching its elements: the CSS
//! Custom Highlight API (`CSS.highlights`, styled by `::highlight(name)`),
//! which Chromium, Firefox and WebKit draw. Search matches are marked this
//! way, so marking thousands of them adds no element to a long document
//! and never redraws its annotations. Where the API is missing, nothing is
//! marked and nothing fails.
//!
//! web-sys has no binding for the API without unstable flags, hence the
//! calls through `Reflect`.

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Range;

/// The page's highlight registry, if the browser has one.
fn registry() -> Option<JsValue> {
    let css = Reflect::get(&js_sys::global(), &"CSS".into()).ok()?;
    let registry = Reflect::get(&css, &"highlights".into()).ok()?;
    (!registry.is_undefined()).then_some(registry)
}

fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Option<JsValue> {
    let function: Function = Reflect::get(target, &method.into()).ok()?.dyn_into().ok()?;
    let args: Array = args.iter().copied().collect();
    Reflect::apply(&function, target, &args).ok()
}

/// Marks `ranges` as the highlight `name`, in place of what it marked.
pub fn set(name: &str, ranges: &[Range]) {
    let Some(registry) = registry() else {
        return;
    };
    let Some(highlight) = Reflect::get(&js_sys::global(), &"Highlight".into())
        .ok()
        .and_then(|c| c.dyn_into::<Function>().ok())
        .and_then(|c| Reflect::construct(&c, &ranges.iter().collect::<Array>()).ok())
    else {
        return;
    };
    call(&registry, "set", &[&name.into(), &highlight]);
}

/// Takes the highlight `name` away.
pub fn clear(name: &str) {
    if let Some(registry) = registry() {
        call(&registry, "delete", &[&name.into()]);
    }
}
