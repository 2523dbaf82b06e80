//! Importing a file: choose it, see what it would do in merge or replace
//! mode, and in which unit its offsets count (with the first spans as that
//! unit reads them, and a choice of unit), and whether it fits in storage,
//! then apply it as one step that Ctrl+Z takes back. A file with anything
//! wrong in it is refused whole, with the place and the reason, and so is
//! one that does not fit, with the sizes.
//!
//! A large import is measured and applied in slices (`browser::slices`):
//! its new documents' texts and annotations are encoded while the preview
//! is shown, written ahead of the change with a progress bar and a Cancel
//! that removes them again (`span_core::storage::Ahead`), and the change
//! itself is then made and saved as one step.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::{html, prelude::*, task::spawn_local};
use web_sys::KeyboardEvent;

use crate::browser::files::{self, ChosenFile};
use crate::browser::focus_trap::keep_tab_inside;
use crate::browser::slices::{self, Step};
use crate::browser::stamp;
use crate::state::{Measured, Notice, View};
use span_core::format::registry::{self, Read};
use span_core::model::import::{plan, ImportError, ImportPlan, Mode};
use span_core::model::offset_unit::OffsetUnit;
use span_core::model::parsed::{Resolved, UnitSource};
use span_core::model::Action;
use span_core::storage::{Ahead, Room};

/// Documents encoded, and keys written, per step of a slice: a step of
/// either takes well under a millisecond.
const DOCUMENTS_PER_STEP: usize = 8;
const KEYS_PER_STEP: usize = 16;

/// Where an import stands once its preview is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Working out what it takes of storage: documents encoded, of how many.
    Measuring(usize, usize),
    /// What it takes and what is free; `None` when this tab does not write
    /// to storage, so there is nothing to check.
    Measured(Option<Room>),
    /// Being applied: steps done, of how many (each key written ahead, and
    /// the change itself).
    Applying(usize, usize),
}

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
    let file_name_shown = StoredValue::new(file_name.clone());
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
    let stage = RwSignal::new(Stage::Measuring(0, 0));
    // What the import writes ahead, once measured; taken while applying.
    let prepared = StoredValue::new(None::<Ahead>);
    // The import as measured: the workspace it makes and its save.
    let measured = StoredValue::new(None::<Measured>);
    // Bumped by every new plan, Confirm and Cancel: a job in slices goes on
    // only while it is the latest.
    let job = StoredValue::new(0_u64);
    let next_job = move || {
        job.update_value(|n| *n += 1);
        job.get_value()
    };
    let is_job = move |n: u64| job.try_get_value() == Some(n);
    // Measures each plan: encodes what it writes ahead, then works out
    // what that and the rest take of storage.
    Effect::new(move || {
        let planned = planned.get();
        // The import being applied is the one confirmed.
        if matches!(stage.get_untracked(), Stage::Applying(..)) {
            return;
        }
        let n = next_job();
        prepared.set_value(None);
        measured.set_value(None);
        let Ok(plan) = planned else {
            return;
        };
        let mut ahead = Some(view.store.ahead_of(&plan.action));
        let total = ahead.as_ref().map_or(0, Ahead::documents);
        stage.set(Stage::Measuring(0, total));
        let measure = move || {
            let Some(encoding) = ahead.as_mut() else {
                return Step::Done;
            };
            if !encoding.encode(DOCUMENTS_PER_STEP) {
                stage.set(Stage::Measuring(encoding.encoded(), total));
                return Step::More;
            }
            let measure = view.store.measure(&plan.action, encoding);
            let room = measure.as_ref().map(|m| m.room);
            measured.set_value(measure);
            prepared.set_value(ahead.take());
            stage.set(Stage::Measured(room));
            Step::Done
        };
        slices::run(measure, move || is_job(n));
    });
    // A dialog taken away while its import is applied (another file chosen
    // with Alt+I, say) removes what was written ahead, as Cancel does.
    on_cleanup(move || {
        if let Some(ahead) = prepared.try_update_value(Option::take).flatten() {
            view.store.cancel_ahead(ahead);
        }
    });
    let fits =
        move || matches!(stage.get(), Stage::Measured(room) if room.is_none_or(|r| r.fits()));
    let applying = move || matches!(stage.get(), Stage::Applying(..));
    let cancel = {
        let name = file_name.clone();
        move || {
            if applying() {
                next_job();
                if let Some(ahead) = prepared.try_update_value(Option::take).flatten() {
                    view.store.cancel_ahead(ahead);
                }
                view.store.tell(Notice::info(format!(
                    "The import of “{name}” was cancelled; nothing changed."
                )));
            }
            close();
        }
    };
    let cancel_on_escape = cancel.clone();
    let name = file_name.clone();
    let confirm = move |_| {
        let Ok(plan) = planned.get_untracked() else {
            return;
        };
        if plan.action == Default::default() {
            close();
            view.store.tell(Notice::info(format!(
                "Nothing to import from “{name}”: {}.",
                plan.preview
            )));
            return;
        }
        let Some(total) = prepared.with_value(|a| a.as_ref().map(|a| a.progress().1 + 1)) else {
            return;
        };
        let n = next_job();
        stage.set(Stage::Applying(0, total));
        let name = name.clone();
        let mut action = Some(plan.action);
        // Once everything is written ahead: what the change needs, taken
        // out of the dialog, which is closed (freeing the preview of every
        // document) in a task before the one that makes the change.
        let mut finish = None::<(Option<Ahead>, Action, Option<Measured>)>;
        let finishing = Rc::new(Cell::new(false));
        let apply = {
            let finishing = Rc::clone(&finishing);
            move || {
                if let Some((ahead, action, made)) = finish.take() {
                    let acted = match made {
                        Some(made) => view.store.act_measured(action, made),
                        None => view.store.act(Ok(action)),
                    };
                    if acted {
                        view.store.tell(Notice::info(format!(
                            "Imported “{name}”: {}. Ctrl+Z undoes it.",
                            plan.preview
                        )));
                        // Freed in a task of its own: the names of the
                        // 20,000 keys of 10,000 documents took 4 ms.
                        set_timeout(move || drop(ahead), Duration::ZERO);
                    } else if let Some(ahead) = ahead {
                        view.store.cancel_ahead(ahead);
                    }
                    return Step::Done;
                }
                let written = prepared.try_update_value(|ahead| {
                    let ahead = ahead.as_mut()?;
                    Some(
                        view.store
                            .write_ahead(ahead, KEYS_PER_STEP)
                            .map(|done| (done, ahead.progress().0)),
                    )
                });
                match written.flatten() {
                    Some(Ok((false, done))) => {
                        stage.set(Stage::Applying(done, total));
                        return Step::More;
                    }
                    Some(Ok((true, _))) => {}
                    Some(Err(e)) => {
                        if let Some(ahead) = prepared.try_update_value(Option::take).flatten() {
                            view.store.cancel_ahead(ahead);
                        }
                        close();
                        view.store.tell(Notice::error(format!(
                            "“{name}” was not imported: {e}. Nothing changed."
                        )));
                        return Step::Done;
                    }
                    None => return Step::Done,
                }
                finish = Some((
                    prepared.try_update_value(Option::take).flatten(),
                    action.take().unwrap_or_default(),
                    measured.try_update_value(Option::take).flatten(),
                ));
                finishing.set(true);
                close();
                Step::Yield
            }
        };
        slices::run(apply, move || finishing.get() || is_job(n));
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
                        cancel_on_escape();
                    }
                    keep_tab_inside(&event);
                }
            >
                <h2 id="import-title">"Import “" {file_name} "”"</h2>
                <p class="import-format" data-testid="import-format">
                    {registry::read_as(format)}
                </p>
                {unit_matters
                    .then(|| {
                        view! { <UnitChoice resolved chosen_unit busy=Signal::derive(applying) /> }
                    })}
                <ul class="import-notes" data-testid="import-notes">
                    {move || {
                        how_read()
                            .into_iter()
                            .map(|sentence| view! { <li>{sentence}</li> })
                            .collect_view()
                    }}
                </ul>
                <fieldset prop:disabled=applying>
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
                {move || match stage.get() {
                    Stage::Measuring(done, total) => view! {
                        <p class="import-room" data-testid="import-room">
                            {format!("Working out what it takes of storage… ({done} of {total} documents)")}
                        </p>
                    }
                    .into_any(),
                    Stage::Measured(Some(room)) if !room.fits() => view! {
                        <p class="import-error" data-testid="import-error" role="alert">
                            {format!("“{}” cannot be imported. {room} Nothing was written.", file_name_shown.get_value())}
                        </p>
                    }
                    .into_any(),
                    Stage::Measured(Some(room)) => view! {
                        <p class="import-room" data-testid="import-room">{room.to_string()}</p>
                    }
                    .into_any(),
                    Stage::Measured(None) => ().into_any(),
                    Stage::Applying(done, total) => view! {
                        <label class="import-progress">
                            "Importing… "
                            <progress
                                data-testid="import-progress"
                                max=total
                                value=done
                            ></progress>
                        </label>
                    }
                    .into_any(),
                }}
                <div class="form-actions">
                    <button
                        data-testid="import-confirm"
                        disabled=move || planned.with(Result::is_err) || !fits() || applying()
                        on:click=confirm
                    >
                        "Import"
                    </button>
                    <button data-testid="import-cancel" on:click=move |_| cancel()>
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
    /// While the import is applied, the unit stays.
    busy: Signal<bool>,
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
                    prop:disabled=busy
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
