//! Registers the offline worker, `sw.js` next to index.html (its source is
//! `web/sw.js`), which keeps this build's files so that the app loads with
//! no network after a first visit. What the worker caches, and when, is
//! the worker's business; this module only asks the browser to run it.

use leptos::{logging, task::spawn_local};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Asks the browser to install the worker, in the background.
///
/// Where there are no service workers (an insecure context such as a page
/// served over plain HTTP from another machine, or a browser that turns
/// them off) `navigator.serviceWorker` does not exist and the app simply
/// stays online-only; a refused registration (`file://`, private windows)
/// is only logged. Nothing here can stop the app or delay its start.
pub fn register_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false) {
        return;
    }
    // Relative to the page, so that the worker's scope is the folder the app
    // is served from, whatever its path.
    let registering = navigator.service_worker().register("./sw.js");
    spawn_local(async move {
        if let Err(err) = JsFuture::from(registering).await {
            logging::warn!("the app will not work offline: {err:?}");
        }
    });
}
