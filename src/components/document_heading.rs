//! The open document's title and date, above the reading pane.

use leptos::prelude::*;

use crate::state::View;

#[component]
pub fn DocumentHeading() -> impl IntoView {
    let view = expect_context::<View>();
    let heading = move || {
        let doc = view.current();
        view.store.with(|w| {
            w.document(doc).map(|d| {
                (
                    d.title.clone(),
                    d.date().map(str::to_string),
                    d.file_name.clone(),
                )
            })
        })
    };
    view! {
        <div class="doc-heading">
            {move || heading().map(|(title, date, file_name)| view! {
                <h2>{title}</h2>
                <p class="doc-meta">
                    {date.map(|d| view! { <time datetime=d.clone()>{d.clone()}</time> " · " })}
                    {file_name}
                </p>
            })}
        </div>
    }
}
