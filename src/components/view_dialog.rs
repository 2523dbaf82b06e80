//! A view opened over the page (the entities and the coverage views, the
//! backups, the shortcut help): a modal dialog on a dimmed overlay, titled,
//! closed by Esc, a click outside it or its Close button, which takes the
//! focus when it opens; Tab stays inside it.

use leptos::{html, prelude::*};

use crate::browser::focus_trap::keep_tab_inside;

#[component]
pub fn ViewDialog(
    open: RwSignal<bool>,
    /// The dialog's class, for its own layout.
    class: &'static str,
    testid: &'static str,
    /// The id of its heading, which names the dialog.
    title_id: &'static str,
    title: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let close = NodeRef::<html::Button>::new();
    Effect::new(move || {
        if open.get() {
            if let Some(button) = close.get() {
                let _ = button.focus();
            }
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class="overlay" on:click=move |_| open.set(false)>
                <div
                    class=class
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby=title_id
                    data-testid=testid
                    on:click=|event| event.stop_propagation()
                    on:keydown=move |event| {
                        if event.key() == "Escape" {
                            event.stop_propagation();
                            open.set(false);
                        }
                        keep_tab_inside(&event);
                    }
                >
                    <h2 id=title_id>{title}</h2>
                    {children()}
                    <button class="dialog-close" node_ref=close on:click=move |_| open.set(false)>
                        "Close"
                    </button>
                </div>
            </div>
        </Show>
    }
}
