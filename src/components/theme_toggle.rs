//! The light/dark switch. The page follows the system's colour scheme until
//! the switch (or Alt+K) picks one, which this browser then remembers.

use leptos::prelude::*;

use crate::browser::theme;
use crate::state::{Notice, View};

/// Whether the page is dark now, for the switch and the shortcut to share.
pub fn dark_now() -> RwSignal<bool> {
    RwSignal::new(theme::is_dark())
}

/// Turns the dark scheme on or off, and remembers the choice.
pub fn toggle(view: View, dark: RwSignal<bool>) {
    let wanted = !dark.get_untracked();
    dark.set(wanted);
    let scheme = if wanted { "dark" } else { "light" };
    if let Err(e) = theme::pick(wanted) {
        view.store.tell(Notice::error(format!(
            "The {scheme} scheme is on for this visit only: it could not be remembered ({e:?})."
        )));
    }
}

#[component]
pub fn ThemeToggle(dark: RwSignal<bool>) -> impl IntoView {
    let view = expect_context::<View>();
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            aria-pressed=move || dark.get().to_string()
            aria-keyshortcuts="Alt+K"
            title="Dark scheme on or off (Alt+K)"
            on:click=move |_| toggle(view, dark)
        >
            <span aria-hidden="true">{move || if dark.get() { "☾" } else { "☀" }}</span>
            " Dark"
        </button>
    }
}
