//! The status line: whether work is saved, said plainly (never "saved"
//! while anything is not), and how much storage is used. Notices are shown
//! by the article (`notices`).

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
        </footer>
    }
}
