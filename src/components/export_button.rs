//! The control that downloads every document and annotation as JSON.

use leptos::prelude::*;

use crate::browser::download::download;
use crate::format::native;
use crate::state::{Annotator, Notice};

#[component]
pub fn ExportButton() -> impl IntoView {
    let annotator = expect_context::<Annotator>();
    let export = move |_| {
        let json = annotator.export_json();
        match download(native::FILE_NAME, "application/json", &json) {
            Ok(()) => annotator.tell(Notice::info(format!("Exported {}.", native::FILE_NAME))),
            Err(e) => annotator.tell(Notice::error(format!(
                "The export could not be downloaded: {e:?}."
            ))),
        }
    };
    view! {
        <button class="export" data-testid="export-json" on:click=export>
            "Export JSON"
        </button>
    }
}
