//! The latest notice (what an action did, or why it could not), shown at
//! the foot of the article where the user is looking, and announced: an
//! error through `role="alert"`, anything else politely. Both regions are
//! always on the page, as screen readers only announce a change to a
//! region they already know; only the box around them comes and goes.

use leptos::prelude::*;

use crate::state::DocumentStore;

#[component]
pub fn Notices() -> impl IntoView {
    let store = expect_context::<DocumentStore>();
    let notice = move |errors: bool| {
        store
            .notice
            .get()
            .filter(|n| n.is_error == errors)
            .map(|n| n.text)
    };
    view! {
        <div class="notices" class:shown=move || store.notice.with(Option::is_some)>
            <p class="notice error" role="alert">
                {move || notice(true)}
            </p>
            <p class="notice" aria-live="polite">
                {move || notice(false)}
            </p>
            <button
                type="button"
                class="notice-close"
                data-testid="notice-close"
                aria-label="Dismiss the message (Esc)"
                title="Dismiss (Esc)"
                on:click=move |_| store.notice.set(None)
            >
                "×"
            </button>
        </div>
    }
}
