//! Backups: copies of stored data that could not be read, listed with what
//! they were, when and why they were made and how much storage they take;
//! each can be downloaded exactly as it was stored, and removed.

use leptos::prelude::*;

use super::view_dialog::ViewDialog;
use crate::browser::download::download;
use crate::state::{DocumentStore, Notice};
use span_core::model::megabytes;
use span_core::storage::BackupInfo;

/// The button that opens the list, shown while there are backups.
#[component]
pub fn BackupsButton(open: RwSignal<bool>) -> impl IntoView {
    let store = expect_context::<DocumentStore>();
    let count = move || store.backups.with(Vec::len);
    view! {
        <Show when=move || { count() > 0 }>
            <button
                class="backups-open"
                data-testid="backups-open"
                aria-keyshortcuts="Alt+B"
                title="Backups of data that could not be read (Alt+B)"
                on:click=move |_| open.set(true)
            >
                {move || format!("Backups ({})", count())}
            </button>
        </Show>
    }
}

/// The list of backups, a view over the page.
#[component]
pub fn Backups(open: RwSignal<bool>) -> impl IntoView {
    let store = expect_context::<DocumentStore>();
    view! {
        <ViewDialog
            open
            class="backups-dialog"
            testid="backups"
            title_id="backups-title"
            title="Backups"
        >
            <p>
                "Stored data that could not be read was copied here before the readable "
                "part was kept. Download a backup to keep it or repair it by hand; remove it "
                "to free the storage it takes."
            </p>
            <ul class="backup-list">
                <For each=move || store.backups.get() key=|backup| backup.key.clone() let:backup>
                    <BackupRow backup />
                </For>
            </ul>
            <p class="backups-empty" hidden=move || store.backups.with(|b| !b.is_empty())>
                "No backups."
            </p>
        </ViewDialog>
    }
}

#[component]
fn BackupRow(backup: BackupInfo) -> impl IntoView {
    let store = expect_context::<DocumentStore>();
    let confirming = RwSignal::new(false);
    let key = StoredValue::new(backup.key.clone());
    let save = move |_| {
        let key = key.get_value();
        match store.backup_data(&key) {
            Ok(Some(data)) => {
                let name = file_name(&key);
                if let Err(e) = download(&name, "text/plain", data.as_bytes()) {
                    store.tell(Notice::error(format!(
                        "The backup could not be downloaded: {e:?}."
                    )));
                }
            }
            Ok(None) => store.tell(Notice::error("That backup is gone.")),
            Err(e) => store.tell(Notice::error(format!("The backup could not be read: {e}."))),
        }
    };
    let remove = move |_| match store.remove_backup(&key.get_value()) {
        Ok(()) => store.tell(Notice::info("Backup removed.")),
        Err(e) => store.tell(Notice::error(format!(
            "The backup could not be removed: {e}."
        ))),
    };
    let saved = if backup.saved.is_empty() {
        "at an unknown time".to_string()
    } else {
        backup
            .saved
            .replace('T', " ")
            .trim_end_matches('Z')
            .to_string()
    };
    let charge = store.status.with_untracked(|s| s.storage.charge);
    view! {
        <li class="backup-row" data-testid="backup-row" data-key=backup.key.clone()>
            <p class="backup-what">
                <code>{backup.original.clone()}</code>
                {format!(
                    " — {}, kept {saved}, takes {}",
                    megabytes(charge.bytes(backup.size)),
                    megabytes(charge.bytes(backup.units)),
                )}
            </p>
            <p class="backup-why">{backup.reason.clone()}</p>
            <div class="backup-actions">
                <button data-testid="backup-download" on:click=save>"Download"</button>
                <Show
                    when=move || confirming.get()
                    fallback=move || {
                        view! {
                            <button data-testid="backup-remove" on:click=move |_| confirming.set(true)>
                                "Remove"
                            </button>
                        }
                    }
                >
                    <span>"Remove this copy for good?"</span>
                    <button data-testid="backup-remove-confirm" on:click=remove>"Remove"</button>
                    <button on:click=move |_| confirming.set(false)>"Keep"</button>
                </Show>
            </div>
        </li>
    }
}

/// A file name for backup `key`: its hash, made safe for any file system.
fn file_name(key: &str) -> String {
    let safe: String = key
        .rsplit('/')
        .next()
        .unwrap_or(key)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("span-annotator-backup-{safe}.txt")
}
