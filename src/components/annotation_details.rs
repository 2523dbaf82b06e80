//! The details of the highlight last clicked: label, text, and the controls
//! to change the label or delete it. Where spans overlap, every span under
//! the click is listed.

use leptos::{either::Either, prelude::*};

use crate::model::Annotation;
use crate::state::Annotator;

#[component]
pub fn AnnotationDetails() -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let shown = move || {
        annotator.track_document(annotator.current.get());
        annotator.current_annotations(&annotator.inspected.get())
    };
    view! {
        <aside class="details" data-testid="annotation-details" aria-label="Selected annotations">
            {move || {
                let annotations = shown();
                if annotations.is_empty() {
                    Either::Left(view! {
                        <p class="hint">
                            "Select text, then press a number key or click a label. Click a highlight to change or delete it."
                        </p>
                    })
                } else {
                    Either::Right(
                        annotations
                            .into_iter()
                            .map(|annotation| view! { <AnnotationCard annotation /> })
                            .collect_view(),
                    )
                }
            }}
        </aside>
    }
}

#[component]
fn AnnotationCard(annotation: Annotation) -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let id = StoredValue::new(annotation.id.clone());
    let retag = move |event| id.with_value(|id| annotator.retag(id, &event_target_value(&event)));
    let delete = move |_| id.with_value(|id| annotator.delete(id));
    let select_id = format!("label-of-{}", annotation.id);
    view! {
        <section class="annotation-card" data-ann-id=annotation.id.clone()>
            <blockquote class="quote">{annotation.quote.clone()}</blockquote>
            <p class="offsets">{format!("Code points {}–{}", annotation.start, annotation.end)}</p>
            <label for=select_id.clone()>"Label"</label>
            <select id=select_id on:change=retag>
                {annotator
                    .labels()
                    .into_iter()
                    .map(|label| {
                        let selected = label.name == annotation.label;
                        let value = label.name.clone();
                        view! {
                            <option value=value selected=selected>
                                {label.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button class="delete" on:click=delete>
                "Delete"
            </button>
        </section>
    }
}
