//! Deleting an annotation, from its card or with Delete in the article. One
//! that no relation uses goes at once; one that relations use goes only
//! once a question over the page, naming how many relations go with it, is
//! answered: Enter (or `Delete`) deletes it and them in one undo step, Esc
//! (or `Keep it`) keeps all and puts the focus back where it was; Tab goes
//! between the two and stays in the question.

use leptos::{ev, html, prelude::*};
use web_sys::{HtmlElement, KeyboardEvent};

use super::reading_pane::kept_selection;
use crate::browser::focus_trap::keep_tab_inside;
use crate::state::View;

/// The deletion waiting for an answer.
#[derive(Clone, PartialEq)]
struct Asked {
    id: String,
    quote: String,
    relations: usize,
}

/// The question of the page, and where the focus goes back if it is
/// cancelled.
#[derive(Clone, Copy)]
pub struct Deleting {
    asked: RwSignal<Option<Asked>>,
    back: StoredValue<Option<HtmlElement>, LocalStorage>,
    pane: NodeRef<html::Div>,
}

impl Deleting {
    /// Provides the one for the page; `pane` is the article, where the
    /// focus goes once an annotation is deleted.
    pub fn provide(pane: NodeRef<html::Div>) -> Self {
        let deleting = Self {
            asked: RwSignal::new(None),
            back: StoredValue::new_local(None),
            pane,
        };
        provide_context(deleting);
        deleting
    }

    /// Whether annotation `id` of the open document can go without asking:
    /// no relation uses it. Otherwise asks, and `back` takes the focus
    /// again if the answer is no.
    pub fn at_once_or_ask(self, view: View, id: &str, back: Option<HtmlElement>) -> bool {
        let doc = view.current_untracked();
        let relations = view.store.with(|w| w.relations_of(doc, id).count());
        if relations == 0 {
            return true;
        }
        let quote = view
            .store
            .annotation(doc, id)
            .map(|a| span_core::model::shortened(&a.quote))
            .unwrap_or_default();
        self.back.set_value(back);
        self.asked.set(Some(Asked {
            id: id.to_string(),
            quote,
            relations,
        }));
        false
    }

    /// Deletes annotation `id` of the open document (with the relations
    /// that use it) and puts the focus back in the article, with the caret
    /// where the span began.
    pub fn delete_to_article(self, view: View, id: &str) {
        let start = view
            .store
            .annotation(view.current_untracked(), id)
            .map(|a| a.start);
        view.delete(id);
        if let (Some(start), Some(article)) = (start, self.pane.get_untracked()) {
            let _ = article.focus();
            kept_selection::put_after_redraw(view, self.pane, start, start);
        }
    }

    fn cancel(self) {
        self.asked.set(None);
        let back = self
            .back
            .try_update_value(Option::take)
            .flatten()
            .filter(|el| el.is_connected())
            .or_else(|| self.pane.get_untracked().map(Into::into));
        if let Some(back) = back {
            let _ = back.focus();
        }
    }

    fn confirm(self, view: View) {
        let Some(asked) = self.asked.get_untracked() else {
            return;
        };
        self.asked.set(None);
        self.back.set_value(None);
        self.delete_to_article(view, &asked.id);
    }
}

/// The question asked before deleting an annotation that relations use: a
/// modal alert dialog whose `Delete` has the focus.
#[component]
pub fn DeleteQuestion() -> impl IntoView {
    let view = expect_context::<View>();
    let deleting = expect_context::<Deleting>();
    let confirm = NodeRef::<html::Button>::new();
    let cancel_button = NodeRef::<html::Button>::new();
    Effect::new(move || {
        if deleting.asked.with(Option::is_some) {
            if let Some(button) = confirm.get() {
                let _ = button.focus();
            }
        }
    });
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            event.stop_propagation();
            deleting.cancel();
        }
        // Enter on `Keep it` keeps, as a button does; anywhere else it
        // deletes.
        "Enter" => {
            let on_cancel = cancel_button
                .get_untracked()
                .zip(document().active_element())
                .is_some_and(|(button, active)| active.is_same_node(Some(&button)));
            if !on_cancel {
                event.prevent_default();
                deleting.confirm(view);
            }
        }
        _ => keep_tab_inside(&event),
    };
    let text = move || {
        deleting.asked.with(|asked| {
            asked.as_ref().map_or_else(
                || (String::new(), String::new()),
                |a| {
                    let relations = match a.relations {
                        1 => "the relation that uses it".to_string(),
                        n => format!("the {n} relations that use it"),
                    };
                    (
                        format!("Delete “{}”?", a.quote),
                        format!(
                            "Deleting it also removes {relations}. Ctrl+Z brings them all back."
                        ),
                    )
                },
            )
        })
    };
    view! {
        <Show when=move || deleting.asked.with(Option::is_some)>
            <div class="overlay" on:click=move |_| deleting.cancel()>
                <div
                    class="ask-dialog"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="delete-question"
                    aria-describedby="delete-consequence"
                    data-testid="delete-dialog"
                    on:click=|event: ev::MouseEvent| event.stop_propagation()
                    on:keydown=on_key
                >
                    <h2 id="delete-question">{move || text().0}</h2>
                    <p id="delete-consequence">{move || text().1}</p>
                    <div class="actions">
                        <button
                            type="button"
                            class="danger"
                            data-testid="delete-confirm"
                            node_ref=confirm
                            on:click=move |_| deleting.confirm(view)
                        >
                            "Delete (Enter)"
                        </button>
                        <button
                            type="button"
                            data-testid="delete-cancel"
                            node_ref=cancel_button
                            on:click=move |_| deleting.cancel()
                        >
                            "Keep it (Esc)"
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
