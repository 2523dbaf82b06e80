//! The label buttons, each tagging the current selection as its hotkey
//! does and showing the label's tag and underline besides its colour; the
//! button opening the label editor; and the switch for snapping selections
//! to whole words. The buttons follow every change to the label set.

use leptos::{html, prelude::*};

use super::label_editor::{LabelEditor, EDITOR_ID, OPEN_BUTTON_ID};
use super::tagging::{note_pressed, tag_selection};
use crate::state::View;
use span_core::model::cues;

#[component]
pub fn LabelBar(pane: NodeRef<html::Div>) -> impl IntoView {
    let view = expect_context::<View>();
    let editing = RwSignal::new(false);
    let buttons = move || {
        let labels = view.store.labels();
        let cues = cues(&labels);
        labels
            .into_iter()
            .zip(cues)
            .map(|(label, cue)| {
                let name = label.name.clone();
                let title = format!("Tag the selection as {} ({})", label.name, cue.tag);
                let test_id = label.test_id();
                let style = format!("--label-color: {}; --label-line: {}", label.color, cue.line);
                let hint = label.hotkey.map(|k| k.to_string());
                let shortcut = hint.clone();
                view! {
                    <button
                        class="label-button"
                        data-testid=test_id
                        // `prop:style` sets `element.style`, that is its CSS text through the
                        // CSSOM: the page's Content-Security-Policy refuses style attributes.
                        prop:style=style
                        aria-keyshortcuts=shortcut
                        title=title
                        // Keep the text selection: a button press would otherwise clear it.
                        on:mousedown=|event| event.prevent_default()
                        on:pointerdown=move |_| note_pressed(view, pane)
                        on:click=move |_| tag_selection(view, pane, &name)
                    >
                        <span class="swatch" aria-hidden="true"></span>
                        <span class="label-name">{label.name}</span>
                        <span class="label-tag" aria-hidden="true">{cue.tag}</span>
                        {hint.map(|k| view! { <kbd>{k}</kbd> })}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <div class="label-bar" role="toolbar" aria-label="Labels">
            {buttons}
            <button
                type="button"
                class="edit-labels"
                id=OPEN_BUTTON_ID
                data-testid="label-editor-open"
                aria-expanded=move || editing.get().to_string()
                aria-controls=move || editing.get().then_some(EDITOR_ID)
                on:click=move |_| editing.update(|open| *open = !*open)
            >
                "Edit labels"
            </button>
            <label class="snap-toggle" title="Extend selections to whole words (Alt+W)">
                <input
                    type="checkbox"
                    data-testid="snap-toggle"
                    aria-keyshortcuts="Alt+W"
                    prop:checked=move || view.snap_words.get()
                    on:change=move |event| view.snap_words.set(event_target_checked(&event))
                    // Keep the text selection while toggling.
                    on:mousedown=|event| event.prevent_default()
                />
                "Snap to words"
            </label>
        </div>
        <LabelEditor open=editing />
    }
}
