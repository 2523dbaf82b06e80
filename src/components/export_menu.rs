//! The export controls: one button per format, each downloading every
//! document or only the open one.

use leptos::prelude::*;

use crate::browser::download::download;
use crate::state::{Notice, View};
use span_core::format::{brat, conll, doccano, native, w3c};
use span_core::model::Workspace;

/// The formats offered, in the order shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Native,
    W3c,
    Doccano,
    Brat,
    Conll,
}

impl Format {
    const ALL: [Format; 5] = [
        Format::Native,
        Format::W3c,
        Format::Doccano,
        Format::Brat,
        Format::Conll,
    ];

    /// The button's text, its hook and its tooltip.
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Format::Native => (
                "JSON",
                "export-json",
                "Everything, lossless: labels, documents, annotations, notes (annotations.json)",
            ),
            Format::W3c => (
                "W3C",
                "export-w3c",
                "W3C Web Annotation JSON-LD with quote and code-point position selectors",
            ),
            Format::Doccano => (
                "doccano",
                "export-doccano",
                "doccano JSONL: one line per document with [start, end, label] spans",
            ),
            Format::Brat => (
                "brat",
                "export-brat",
                "brat standoff: a .txt and an .ann per document, in one .zip",
            ),
            Format::Conll => (
                "CoNLL",
                "export-conll",
                "CoNLL IOB2: one token per line; overlapping spans cannot be kept",
            ),
        }
    }

    /// The file: its name, media type and contents, and how many spans
    /// the format could not hold.
    fn file(
        self,
        workspace: &Workspace,
        documents: &[usize],
    ) -> Result<(&'static str, &'static str, Vec<u8>, usize), String> {
        Ok(match self {
            Format::Native => (
                native::FILE_NAME,
                "application/json",
                native::NativeExport::of_documents(workspace, documents)
                    .to_json()
                    .into_bytes(),
                0,
            ),
            Format::W3c => (
                w3c::FILE_NAME,
                w3c::MEDIA_TYPE,
                w3c::export(workspace, documents).into_bytes(),
                0,
            ),
            Format::Doccano => (
                doccano::FILE_NAME,
                doccano::MEDIA_TYPE,
                doccano::export(workspace, documents).into_bytes(),
                0,
            ),
            Format::Brat => {
                let export = brat::export(workspace, documents).map_err(|e| e.to_string())?;
                (
                    brat::FILE_NAME,
                    brat::MEDIA_TYPE,
                    export.zip,
                    export.left_out,
                )
            }
            Format::Conll => {
                let export = conll::export(workspace, documents);
                (
                    conll::FILE_NAME,
                    conll::MEDIA_TYPE,
                    export.text.into_bytes(),
                    export.left_out,
                )
            }
        })
    }
}

#[component]
pub fn ExportMenu() -> impl IntoView {
    let view = expect_context::<View>();
    let only_open = RwSignal::new(false);
    let export = move |format: Format| {
        let made = view.store.with(|w| {
            let documents: Vec<usize> = if only_open.get_untracked() {
                vec![view.current_untracked()]
            } else {
                (0..w.document_count()).collect()
            };
            format.file(w, &documents)
        });
        let notice = match made {
            Ok((name, mime, bytes, left_out)) => match download(name, mime, &bytes) {
                Ok(()) => Notice::info(match left_out {
                    0 => format!("Exported {name}."),
                    1 => format!("Exported {name}; 1 span could not be represented in it and was left out."),
                    n => format!("Exported {name}; {n} spans could not be represented in it and were left out."),
                }),
                Err(e) => Notice::error(format!("The export could not be downloaded: {e:?}.")),
            },
            Err(e) => Notice::error(format!("Nothing was exported: {e}.")),
        };
        view.store.tell(notice);
    };
    view! {
        <div class="export-menu" role="group" aria-label="Export">
            <span class="export-title">"Export"</span>
            {Format::ALL
                .into_iter()
                .map(|format| {
                    let (text, testid, title) = format.describe();
                    view! {
                        <button class="export" data-testid=testid title=title on:click=move |_| export(format)>
                            {text}
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
