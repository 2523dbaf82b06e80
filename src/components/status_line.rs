//! The status line: whether work is saved, said plainly, and the latest
//! notice, announced to screen readers.

use leptos::prelude::*;

use crate::state::{Annotator, SaveState};

#[component]
pub fn StatusLine() -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let saved = move || match annotator.save_state.get() {
        SaveState::Loaded => "All work is saved in this browser.".to_string(),
        SaveState::Saved => format!("Saved at {}.", clock_time()),
        SaveState::NotSaved(why) => format!("Not saved: {why}. Export to keep your work."),
    };
    let not_saved = move || matches!(annotator.save_state.get(), SaveState::NotSaved(_));
    let notice = move |errors: bool| {
        annotator
            .notice
            .get()
            .filter(|n| n.is_error == errors)
            .map(|n| n.text)
    };
    view! {
        <footer class="status-line">
            <span data-testid="status" class="save-state" class:not-saved=not_saved>
                {saved}
            </span>
            <span class="notice error" role="alert">
                {move || notice(true)}
            </span>
            <span class="notice" aria-live="polite">
                {move || notice(false)}
            </span>
        </footer>
    }
}

/// The local time as `HH:MM:SS`.
fn clock_time() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        now.get_hours(),
        now.get_minutes(),
        now.get_seconds()
    )
}
