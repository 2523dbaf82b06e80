//! The export controls: one button for each format of the registry, each
//! downloading every document or only the open one.

use leptos::prelude::*;

use crate::browser::download::download;
use crate::state::{Notice, View};
use span_core::format::{Format, FORMATS};
use span_core::model::offset_unit::OffsetUnit;

#[component]
pub fn ExportMenu() -> impl IntoView {
    let view = expect_context::<View>();
    let only_open = RwSignal::new(false);
    let export = move |format: &Format| {
        let made = view.store.with(|w| {
            let documents: Vec<usize> = if only_open.get_untracked() {
                vec![view.current_untracked()]
            } else {
                (0..w.document_count()).collect()
            };
            (format.export)(w, &documents, OffsetUnit::CodePoint)
        });
        let notice = match made {
            Ok(file) => match download(file.name, file.media_type, &file.bytes) {
                Ok(()) => Notice::info(file.summary()),
                Err(e) => Notice::error(format!("The export could not be downloaded: {e:?}.")),
            },
            Err(e) => Notice::error(format!("Nothing was exported: {e}.")),
        };
        view.store.tell(notice);
    };
    view! {
        <div class="export-menu" role="group" aria-label="Export">
            <span class="export-title">"Export"</span>
            {FORMATS
                .into_iter()
                .map(|format| {
                    view! {
                        <button
                            class="export"
                            data-testid=format!("export-{}", format.id)
                            title=format.description
                            on:click=move |_| export(format)
                        >
                            {format.button}
                        </button>
                    }
                })
                .collect_view()}
            <select
                class="export-scope"
                data-testid="export-scope"
                aria-label="What to export"
                on:change=move |event| only_open.set(event_target_value(&event) == "open")
            >
                <option value="all" selected>"all documents"</option>
                <option value="open">"the open document"</option>
            </select>
        </div>
    }
}
