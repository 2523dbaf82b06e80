//! The status line: whether work is saved, said plainly (never "saved"
//! while anything is not), how much storage is used, and the latest
//! notice, announced to screen readers.

use leptos::prelude::*;

use super::backups::BackupsButton;
use crate::state::DocumentStore;

#[component]
pub fn StatusLine(
    /// Whether the list of backups is open.
    backups: RwSignal<bool>,
) -> impl IntoView {
    let store = expect_context::<DocumentStore>();
    let status = store.status;
    let notice = move |errors: bool| {
        store
            .notice
            .get()
            .filter(|n| n.is_error == errors)
            .map(|n| n.text)
    };
    let usage = move || status.with(|s| s.usage());
    view! {
        <footer class="status-line">
            <span
                data-testid="status"
                class="save-state"
                class:not-saved=move || status.with(|s| s.is_trouble())
                data-pending=move || status.with(|s| s.pending().to_string())
            >
                {move || status.with(|s| s.text())}
            </span>
            <span
                data-testid="storage-use"
                class="storage-use"
                class:warning=move || usage().1
            >
                {move || usage().0}
            </span>
            <BackupsButton open=backups />
            <span class="notice error" role="alert">
                {move || notice(true)}
            </span>
            <span class="notice" aria-live="polite">
                {move || notice(false)}
            </span>
        </footer>
    }
}
