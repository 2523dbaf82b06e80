//! The `?` overlay: every keyboard shortcut, in one place.

use leptos::prelude::*;

use super::view_dialog::ViewDialog;

/// Each shortcut and what it does, in the order a person learns them.
pub const SHORTCUTS: &[(&str, &str)] = &[
    (
        "1 … 9",
        "Tag the selection with that label (or retag the selected annotation)",
    ),
    (
        "← → ↑ ↓",
        "Move the caret in the article (click it or Tab to it first)",
    ),
    ("Ctrl + ← →", "Move the caret by word"),
    (
        "Shift + arrows",
        "Extend the selection (Ctrl for whole words)",
    ),
    ("Tab / Shift + Tab", "Select the next / previous annotation"),
    ("Enter", "Open the selected annotation's details"),
    (
        "Delete",
        "Delete the selected annotation (when relations use it, asks first: \
         Enter deletes it with them, Esc keeps it)",
    ),
    (
        "Shift + ← →",
        "With an annotation selected: move its end (Ctrl: by word)",
    ),
    (
        "Alt + ← →",
        "With an annotation selected: move its start (Ctrl: by word)",
    ),
    ("Alt + A", "Go to the article (its caret)"),
    ("/", "Search (Enter / Shift + Enter: next / previous match)"),
    ("Alt + O", "Add .txt files as documents"),
    ("Alt + P", "Paste a text as a new document"),
    ("Alt + I", "Import annotations from a file"),
    ("Alt + W", "Snap selections to whole words, or not"),
    ("Alt + K", "Dark scheme on or off (remembered)"),
    (
        "Alt + D",
        "Step the open document's status: to do, in progress, done",
    ),
    (
        "Alt + B",
        "Show the backups of stored data that could not be read",
    ),
    (
        "Alt + E",
        "Entities across documents: each with its mentions",
    ),
    (
        "Alt + C",
        "Coverage at a glance: entities × documents, labels per document",
    ),
    (
        "F2 / Delete",
        "On a document in the list: rename it / remove it",
    ),
    ("Ctrl + Z", "Undo"),
    ("Ctrl + Shift + Z, Ctrl + Y", "Redo"),
    (
        "Esc",
        "Cancel: clear the selection, close details and this help",
    ),
    ("?", "Show or hide this help"),
];

#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <ViewDialog
            open
            class="shortcut-help"
            testid="shortcut-help"
            title_id="shortcut-help-title"
            title="Keyboard shortcuts"
        >
            <table>
                <tbody>
                    {SHORTCUTS
                        .iter()
                        .map(|(keys, action)| {
                            view! {
                                <tr>
                                    <th scope="row"><kbd>{*keys}</kbd></th>
                                    <td>{*action}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </ViewDialog>
    }
}
