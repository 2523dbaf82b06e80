//! The list of documents, each with its title, date and annotation count.

use leptos::prelude::*;

use crate::state::Annotator;

#[component]
pub fn DocumentList() -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let count = annotator.with(|w| w.document_count());
    view! {
        <ul class="doc-list" data-testid="doc-list">
            {(0..count).map(|doc| view! { <DocumentItem doc /> }).collect_view()}
        </ul>
    }
}

#[component]
fn DocumentItem(doc: usize) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let (id, title, date) = annotator.with(|w| {
        let d = w.document(doc).expect("the list shows existing documents");
        (d.id.clone(), d.title.clone(), d.date().map(str::to_string))
    });
    let count = move || {
        annotator.track_document(doc);
        annotator.with(|w| w.annotations(doc).map_or(0, |a| a.len()))
    };
    let is_current = move || annotator.current.get() == doc;
    let open = move |_| {
        if annotator.current.get_untracked() != doc {
            annotator.inspected.set(Vec::new());
            annotator.current.set(doc);
        }
    };
    view! {
        <li>
            <button
                class="doc-item"
                class:current=is_current
                aria-current=move || is_current().then_some("page")
                data-testid="doc-item"
                data-doc-id=id
                on:click=open
            >
                <span class="doc-title">{title}</span>
                <span class="doc-meta">
                    {date.map(|d| view! { <time datetime=d.clone()>{d.clone()}</time> })}
                    <span class="doc-count">
                        {move || match count() {
                            1 => "1 annotation".to_string(),
                            n => format!("{n} annotations"),
                        }}
                    </span>
                </span>
            </button>
        </li>
    }
}
