//! The label buttons, each tagging the current selection as its hotkey
//! does, and the switch for snapping selections to whole words.

use leptos::{html, prelude::*};

use super::reading_pane::tag_selection;
use crate::state::Annotator;

#[component]
pub fn LabelBar(pane: NodeRef<html::Div>) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    view! {
        <div class="label-bar" role="toolbar" aria-label="Labels">
            {annotator
                .labels()
                .into_iter()
                .map(|label| {
                    let name = label.name.clone();
                    let title = format!("Tag the selection as {}", label.name);
                    let test_id = label.test_id();
                    let style = format!("--label-color: {}", label.color);
                    let hint = label.hotkey.map(|k| k.to_string());
                    let shortcut = hint.clone();
                    view! {
                        <button
                            class="label-button"
                            data-testid=test_id
                            style=style
                            aria-keyshortcuts=shortcut
                            title=title
                            // Keep the text selection: a button press would otherwise clear it.
                            on:mousedown=|event| event.prevent_default()
                            on:click=move |_| tag_selection(annotator, pane, &name)
                        >
                            <span class="swatch" aria-hidden="true"></span>
                            {label.name}
                            {hint.map(|k| view! { <kbd>{k}</kbd> })}
                        </button>
                    }
                })
                .collect_view()}
            <label class="snap-toggle" title="Extend selections to whole words">
                <input
                    type="checkbox"
                    data-testid="snap-toggle"
                    prop:checked=move || annotator.snap_words.get()
                    on:change=move |event| annotator.snap_words.set(event_target_checked(&event))
                    // Keep the text selection while toggling.
                    on:mousedown=|event| event.prevent_default()
                />
                "Snap to words"
            </label>
        </div>
    }
}
