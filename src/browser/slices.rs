//! Long work done in slices: each slice runs for a few milliseconds, then
//! the page gets the main thread back (to paint, to take a click on
//! Cancel) before the next. A job that ends within its first slice ends
//! before the call returns, so small jobs behave as if done at once.

use std::time::Duration;

use leptos::prelude::{request_animation_frame, set_timeout};
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use super::lifecycle::is_visible;

/// How long one slice may run: well under a frame's 16 ms plus what the
/// page needs to paint, so no task of a job blocks the page for 50 ms.
const SLICE: Duration = Duration::from_millis(10);

/// What one step of a job says.
pub enum Step {
    /// More to do.
    More,
    /// More to do, in a task of its own that starts once the page has
    /// painted what this step did (a dialog closed and its data freed,
    /// say): the next step has the whole of a frame before the page must
    /// paint again. In the first slice, which runs before the call
    /// returns, the job goes on at once.
    Yield,
    /// Finished: nothing more is asked of it.
    Done,
}

/// Runs `step` over and over, in slices, until it is done, or until
/// `wanted` says the job is no longer wanted (checked before each slice
/// after the first).
pub fn run(mut step: impl FnMut() -> Step + 'static, wanted: impl Fn() -> bool + 'static) {
    if matches!(slice(&mut step, true), Step::Done) {
        return;
    }
    spawn_local(async move {
        let mut after_paint = false;
        loop {
            match after_paint {
                true => next_frame().await,
                false => next_task().await,
            }
            if !wanted() {
                return;
            }
            match slice(&mut step, false) {
                Step::Done => return,
                Step::Yield => after_paint = true,
                Step::More => after_paint = false,
            }
        }
    });
}

/// Steps until done or the slice's time is up (or, after the `first`
/// slice, a step yields).
fn slice(step: &mut impl FnMut() -> Step, first: bool) -> Step {
    let start = js_sys::Date::now();
    loop {
        match step() {
            Step::Done => return Step::Done,
            Step::Yield if !first => return Step::Yield,
            Step::More if js_sys::Date::now() - start >= SLICE.as_millis() as f64 => {
                return Step::More
            }
            Step::More | Step::Yield => {}
        }
    }
}

/// Resolves in a task of its own, after whatever the page has queued (a
/// paint, input): a `setTimeout` of 0, which unlike an animation frame
/// also runs in a tab that is hidden.
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves in a task of its own right after the page's next paint (an
/// animation frame, then a `setTimeout` of 0); in a hidden page, which
/// paints nothing and gets no frames, as [`next_task`] does.
async fn next_frame() {
    if !is_visible() {
        return next_task().await;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        request_animation_frame(move || {
            set_timeout(
                move || {
                    let _ = resolve.call0(&JsValue::NULL);
                },
                Duration::ZERO,
            );
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
