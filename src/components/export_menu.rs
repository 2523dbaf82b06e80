//! The export controls: one button for each format of the registry, each
//! downloading every document or only the open one, with offsets in code
//! points or in UTF-16 code units (remembered in this browser) for the
//! formats whose offsets JavaScript tools read.

use leptos::prelude::*;

use crate::browser::download::download;
use crate::browser::preference;
use crate::state::{Notice, View};
use span_core::format::{Format, FORMATS};
use span_core::model::offset_unit::OffsetUnit;

/// The setting that keeps the unit chosen.
const UNIT_SETTING: &str = "export-offset-unit";

#[component]
pub fn ExportMenu() -> impl IntoView {
    let view = expect_context::<View>();
    let only_open = RwSignal::new(false);
    let unit = RwSignal::new(
        preference::get(UNIT_SETTING)
            .and_then(|id| OffsetUnit::from_id(&id))
            .unwrap_or_default(),
    );
    let export = move |format: &Format| {
        let made = view.store.with(|w| {
            let documents: Vec<usize> = if only_open.get_untracked() {
                vec![view.current_untracked()]
            } else {
                (0..w.document_count()).collect()
            };
            (format.export)(w, &documents, unit.get_untracked())
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
            <select
                class="export-unit"
                data-testid="export-offset-unit"
                aria-label="Offsets in"
                title="The unit of the offsets in the JSON, W3C, doccano, Label Studio and spaCy \
                       exports: code points, as Python counts, or UTF-16 code units, as \
                       JavaScript tools (Label Studio, doccano’s page, Recogito, Hypothesis) count"
                prop:value=move || unit.get().id()
                on:change=move |event| {
                    if let Some(chosen) = OffsetUnit::from_id(&event_target_value(&event)) {
                        unit.set(chosen);
                        preference::set(UNIT_SETTING, chosen.id());
                    }
                }
            >
                <option value="codepoint">"offsets in code points"</option>
                <option value="utf16">"offsets in UTF-16 units"</option>
            </select>
        </div>
    }
}
