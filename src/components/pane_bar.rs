//! The bar that switches panes where the screen has no room for all three:
//! documents, the article, annotations. The stylesheet shows it below
//! 1024 CSS pixels (a tablet, a phone, or a desktop zoomed to 200% and more)
//! at the bottom of the screen, in reach of the thumb, and hides it on wide
//! screens, which show every pane.

use leptos::prelude::*;

use crate::state::{Pane, View};

#[component]
pub fn PaneBar() -> impl IntoView {
    let view = expect_context::<View>();
    let count = move || {
        let doc = view.current();
        view.store.track_document(doc);
        view.store
            .with(|w| w.annotations(doc).map_or(0, |spans| spans.len()))
    };
    let button = move |pane: Pane, test_id: &'static str, text: &'static str| {
        view! {
            <button
                type="button"
                class="pane-button"
                data-testid=test_id
                aria-pressed=move || (view.shown.get() == pane).to_string()
                on:click=move |_| view.shown.set(pane)
            >
                {text}
                {(pane == Pane::Annotations)
                    .then(|| view! { <span class="pane-count">{count}</span> })}
            </button>
        }
    };
    view! {
        <nav class="pane-bar" aria-label="Panes">
            {button(Pane::Documents, "nav-documents", "Documents")}
            {button(Pane::Article, "nav-article", "Article")}
            {button(Pane::Annotations, "nav-annotations", "Annotations")}
        </nav>
    }
}
