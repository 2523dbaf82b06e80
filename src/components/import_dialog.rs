//! Importing a file: choose it, see what it would do in merge or replace
//! mode, and in which unit its offsets count (with the first spans as that
//! unit reads them, and a choice of unit), then apply it as one step that
//! Ctrl+Z takes back. A file with anything wrong in it is refused whole,
//! with the place and the reason.

use leptos::{html, prelude::*, task::spawn_local};
use web_sys::KeyboardEvent;

use crate::browser::files::{self, ChosenFile};
use crate::browser::focus_trap::keep_tab_inside;
use crate::browser::stamp;
use crate::state::{Notice, View};
use span_core::format::registry::{self, Read};
use span_core::model::import::{plan, ImportError, ImportPlan, Mode};
use span_core::model::offset_unit::OffsetUnit;
use span_core::model::parsed::{Resolved, UnitSource};

/// A file read and understood, waiting for the person to confirm.
#[derive(Clone)]
struct Pending {
    file_name: String,
    read: Read,
}

/// The "Import" control; the dialog opens once a file is read.
#[component]
pub fn ImportControl(
    /// The hidden file input, which Alt+I clicks.
    import_input: NodeRef<html::Input>,
) -> impl IntoView {
    let view = expect_context::<View>();
    let pending = RwSignal::new(None::<Pending>);
    let on_change = move |_| {
        let Some(input) = import_input.get_untracked() else {
            return;
        };
        let chosen = files::chosen(input.files());
        input.set_value("");
        if chosen.is_empty() {
            return;
        }
        spawn_local(async move {
            match read(&chosen).await {
                Ok(read) => pending.set(Some(read)),
                Err(why) => view
                    .store
                    .tell(Notice::error(registry::not_imported(&names(&chosen), &why))),
            }
        });
    };
    view! {
        <div class="import-control">
            <label
                class="button"
                title=format!("Import annotations: {} (Alt+I)", registry::readable_names())
            >
                "Import"
                <input
                    type="file"
                    class="visually-hidden"
                    multiple
                    accept=".json,.jsonld,.jsonl,.zip,.txt,.ann,.conf,.conll,.iob,.bio,.tsv,application/json,application/ld+json,application/zip"
                    data-testid="import-file"
                    aria-keyshortcuts="Alt+I"
                    node_ref=import_input
                    on:change=on_change
                />
            </label>
        </div>
        {move || pending.get().map(|read| view! { <ImportDialog read pending /> })}
    }
}

/// Reads the chosen files (one file, or the files of a brat collection)
/// and works out their format and contents.
async fn read(chosen: &[ChosenFile]) -> Result<Pending, String> {
    registry::check_size(chosen.iter().map(|file| file.size).sum())?;
    let mut files = Vec::with_capacity(chosen.len());
    for file in chosen {
        files.push((file.name.clone(), file.bytes().await?));
    }
    Ok(Pending {
        file_name: names(chosen),
        read: registry::read_files(&files)?,
    })
}

/// How messages name the chosen files: “a.json”, or “a.txt, a.ann”.
fn names(chosen: &[ChosenFile]) -> String {
    chosen
        .iter()
        .map(|file| file.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The preview of one file's import, with the choice of mode.
#[component]
fn ImportDialog(read: Pending, pending: RwSignal<Option<Pending>>) -> impl IntoView {
    let view = expect_context::<View>();
    let mode = RwSignal::new(Mode::Merge);
    // The unit the person chose; until then, the file's own or a guess.
    let chosen_unit = RwSignal::new(None::<OffsetUnit>);
    let Pending {
        file_name,
        read: Read { format, parsed },
    } = read;
    let now = stamp::now();
    let unit_matters = view.store.with(|w| parsed.unit_matters(w));
    let resolved: Memo<Result<Resolved, ImportError>> = Memo::new({
        let parsed = parsed.clone();
        move |_| {
            let chosen = chosen_unit.get();
            view.store.with(|w| parsed.resolve(w, chosen))
        }
    });
    let planned: Memo<Result<ImportPlan, ImportError>> = Memo::new(move |_| {
        let mode = mode.get();
        let resolved = resolved.get()?;
        view.store
            .with(|w| plan(w, resolved.incoming, mode, &mut stamp::new_id, &now))
    });
    let how_read = move || {
        resolved.with(|r| match r {
            Ok(resolved) => registry::how_read(&parsed, resolved),
            Err(_) => Vec::new(),
        })
    };
    let close = move || pending.set(None);
    let name = file_name.clone();
    let confirm = move |_| {
        let Ok(plan) = planned.get_untracked() else {
            return;
        };
        close();
        if plan.action == Default::default() {
            view.store.tell(Notice::info(format!(
                "Nothing to import from “{name}”: {}.",
                plan.preview
            )));
        } else if view.store.act(Ok(plan.action)) {
            view.store.tell(Notice::info(format!(
                "Imported “{name}”: {}. Ctrl+Z undoes it.",
                plan.preview
            )));
        }
    };
    let first = NodeRef::<html::Input>::new();
    Effect::new(move || {
        if let Some(radio) = first.get() {
            let _ = radio.focus();
        }
    });
    view! {
        <div class="overlay">
            <div
                class="import-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="import-title"
                data-testid="import-dialog"
                on:keydown=move |event: KeyboardEvent| {
                    if event.key() == "Escape" {
                        event.stop_propagation();
                        close();
                    }
                    keep_tab_inside(&event);
                }
            >
                <h2 id="import-title">"Import “" {file_name} "”"</h2>
                <p class="import-format" data-testid="import-format">
                    {registry::read_as(format)}
                </p>
                {unit_matters.then(|| view! { <UnitChoice resolved chosen_unit /> })}
                <ul class="import-notes" data-testid="import-notes">
                    {move || {
                        how_read()
                            .into_iter()
                            .map(|sentence| view! { <li>{sentence}</li> })
                            .collect_view()
                    }}
                </ul>
                <fieldset>
                    <legend>"How"</legend>
                    <label>
                        <input
                            type="radio"
                            name="import-mode"
                            data-testid="import-mode-merge"
                            node_ref=first
                            prop:checked=move || mode.get() == Mode::Merge
                            on:change=move |_| mode.set(Mode::Merge)
                        />
                        "Merge: add to what is here"
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="import-mode"
                            data-testid="import-mode-replace"
                            prop:checked=move || mode.get() == Mode::Replace
                            on:change=move |_| mode.set(Mode::Replace)
                        />
                        "Replace: make everything as in the file"
                    </label>
                </fieldset>
                {move || match planned.get() {
                    Ok(plan) => view! {
                        <p class="import-preview" data-testid="import-preview" aria-live="polite">
                            {plan.preview.to_string()}
                        </p>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <p class="import-error" data-testid="import-error" role="alert">
                            {registry::cannot_import(&e)}
                        </p>
                    }
                    .into_any(),
                }}
                <div class="form-actions">
                    <button
                        data-testid="import-confirm"
                        disabled=move || planned.with(Result::is_err)
                        on:click=confirm
                    >
                        "Import"
                    </button>
                    <button data-testid="import-cancel" on:click=move |_| close()>
                        "Cancel"
                    </button>
                </div>
            </div>
        </div>
    }
}

/// The unit of the file's offsets, changeable, with the first spans as the
/// unit reads them: the person sees at once whether "firemen" or "emen dr"
/// is tagged.
#[component]
fn UnitChoice(
    resolved: Memo<Result<Resolved, ImportError>>,
    chosen_unit: RwSignal<Option<OffsetUnit>>,
) -> impl IntoView {
    let shown = move || {
        chosen_unit.get().unwrap_or_else(|| {
            resolved.with(|r| r.as_ref().map_or(OffsetUnit::CodePoint, |r| r.unit))
        })
    };
    let samples = move || {
        resolved.with(|r| match r {
            Ok(r) if r.source != UnitSource::Irrelevant => r
                .samples
                .iter()
                .map(|quote| format!("“{quote}”"))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        })
    };
    view! {
        <div class="import-unit">
            <label>
                "Offsets count "
                <select
                    data-testid="import-offset-unit"
                    prop:value=move || shown().id()
                    on:change=move |event| {
                        chosen_unit.set(OffsetUnit::from_id(&event_target_value(&event)));
                    }
                >
                    {OffsetUnit::ALL
                        .into_iter()
                        .map(|unit| view! { <option value=unit.id()>{unit.name()}</option> })
                        .collect_view()}
                </select>
            </label>
            <p class="import-samples" data-testid="import-samples">
                {move || {
                    let samples = samples();
                    (!samples.is_empty()).then(|| format!("First spans: {samples}"))
                }}
            </p>
        </div>
    }
}
