//! The label-set editor, end to end: renaming a label that annotations
//! carry (they keep it, its button's test id follows the new name),
//! refusing a name another label has, refusing colours whose highlight
//! text would be hard to read in the light or the dark scheme, deleting a
//! used label once moving its annotations to another label and once
//! deleting them, each undone with a real Ctrl+Z (and one redone with Ctrl+Shift+Z), adding a label and
//! tagging with its hotkey, reordering; then a reload keeps the set, and
//! the export's `labels` match the editor field for field.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde::Deserialize;
use serde_json::json;

use crate::support::app::{
    code_points, export_json, open_document, open_seed, wait_for_app, wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "002_851cd8e497878d71";

in_every_browser!(
    chromium_label_editor,
    firefox_label_editor,
    webkit_label_editor,
    label_editor
);

/// One row of the editor as its fields show it.
#[derive(Debug, Deserialize, PartialEq)]
struct Row {
    label: String,
    name: String,
    color: String,
    hotkey: String,
}

/// Selects `needle` with a real drag, presses `key`, and returns the id of
/// the new highlight.
async fn tag(client: &Client, text: &str, needle: &str, key: char) -> Res<String> {
    let before = page::highlighted_texts(client).await?;
    let (start, end) = code_points(text, needle)?;
    page::drag_select(client, text, start, end).await?;
    page::press_key(client, key).await?;
    let after = wait_for_highlights(client, &format!("{needle:?} to be highlighted"), |h| {
        h.len() == before.len() + 1
    })
    .await?;
    let id = after
        .keys()
        .find(|id| !before.contains_key(*id))
        .context("a new highlight id")?
        .clone();
    ensure_eq!(
        after.get(&id).map(String::as_str),
        Some(needle),
        "text of the new highlight"
    );
    Ok(id)
}

fn row(label: &str) -> String {
    format!("{}[data-label=\"{label}\"]", testid("label-row"))
}

fn in_row(label: &str, control: &str) -> String {
    format!("{} {}", row(label), testid(control))
}

async fn rows(client: &Client) -> Res<Vec<Row>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="label-row"]')].map(row => ({
            label: row.getAttribute("data-label"),
            name: row.querySelector('[data-testid="label-name"]').value,
            color: row.querySelector('[data-testid="label-color"]').value,
            hotkey: row.querySelector('[data-testid="label-hotkey"]').value,
        }));"#,
        vec![],
    )
    .await
}

/// Waits until the editor lists exactly `names`, in order, each row's name
/// field agreeing with its `data-label`.
async fn wait_for_rows(client: &Client, names: &[&str]) -> Res<Vec<Row>> {
    wait_until(
        &format!("the editor to list {names:?}"),
        STEP_TIMEOUT,
        || async {
            let rows = rows(client).await?;
            let shown: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
            if shown == names && rows.iter().all(|r| r.label == r.name) {
                Ok(Some(rows))
            } else {
                Err(Failure(format!("rows {rows:?}")))
            }
        },
    )
    .await
}

/// Waits until the label bar holds buttons for exactly `names`, in order,
/// by their test ids.
async fn wait_for_buttons(client: &Client, names: &[&str]) -> Res<()> {
    let expected: Vec<String> = names
        .iter()
        .map(|n| format!("label-{}", n.to_lowercase()))
        .collect();
    wait_until(
        &format!("the label bar to show {expected:?}"),
        STEP_TIMEOUT,
        || async {
            let ids: Vec<String> = page::eval(
                client,
                r#"return [...document.querySelectorAll('.label-bar .label-button')]
                    .map(b => b.getAttribute("data-testid"));"#,
                vec![],
            )
            .await?;
            if ids == expected {
                Ok(Some(()))
            } else {
                Err(Failure(format!("buttons {ids:?}")))
            }
        },
    )
    .await
}

/// Waits until every highlight element of each id shows its label.
async fn wait_for_labels(client: &Client, expected: &[(&str, &str)]) -> Res<()> {
    wait_until(
        &format!("highlights to show the labels {expected:?}"),
        STEP_TIMEOUT,
        || async {
            let shown: Vec<Vec<String>> = page::eval(
                client,
                r#"return arguments[0].map(id =>
                    [...document.querySelectorAll('[data-testid="doc-text"] [data-ann-id]')]
                        .filter(el => el.getAttribute("data-ann-id").split(" ").pop() === id)
                        .map(el => el.getAttribute("data-label")));"#,
                vec![json!(expected
                    .iter()
                    .map(|(id, _)| *id)
                    .collect::<Vec<_>>())],
            )
            .await?;
            let ok = shown
                .iter()
                .zip(expected)
                .all(|(labels, (_, want))| !labels.is_empty() && labels.iter().all(|l| l == want));
            if ok {
                Ok(Some(()))
            } else {
                Err(Failure(format!("labels shown: {shown:?}")))
            }
        },
    )
    .await
}

/// Replaces the text of the field `selector` by typing, as a person would:
/// click, select all, type, Enter.
pub(crate) async fn retype(client: &Client, selector: &str, text: &str) -> Res<()> {
    page::click(client, selector).await?;
    page::press_chord(client, &[Key::Control], 'a').await?;
    page::type_text(client, text).await?;
    page::press_chord(client, &[], Key::Enter.into()).await
}

pub(crate) async fn value_of(client: &Client, selector: &str) -> Res<Option<String>> {
    page::eval(
        client,
        "const el = document.querySelector(arguments[0]); return el ? el.value : null;",
        vec![json!(selector)],
    )
    .await
}

/// Asks to delete `label` and waits for the question, which must name its
/// `count` annotations.
async fn ask_to_delete(client: &Client, label: &str, count: usize) -> Res<()> {
    page::click(client, &in_row(label, "label-delete")).await?;
    let legend = format!("{} legend", in_row(label, "label-delete-dialog"));
    wait_until(
        "the editor to ask what becomes of the annotations",
        STEP_TIMEOUT,
        || async {
            match page::text_content(client, &legend).await? {
                Some(text) if text.contains(&format!("{count} annotations")) => Ok(Some(())),
                other => Err(Failure(format!("the question reads {other:?}"))),
            }
        },
    )
    .await
}

pub(crate) async fn undo(client: &Client) -> Res<()> {
    page::press_chord(client, &[Key::Control], 'z').await
}

async fn label_editor(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;

    let envoy = tag(client, &text, "Staffan de Mistura", '1').await?;
    let country = tag(client, &text, "Kazakhstan", '3').await?;
    let month = tag(client, &text, "January", '4').await?;
    let city = tag(client, &text, "Astana", '3').await?;
    let defaults = [
        "Person",
        "Organization",
        "Location",
        "Date",
        "Quantity",
        "Event",
    ];
    let tag_text = format!("{} .label-tag", testid("label-person"));
    ensure_eq!(
        page::text_content(client, &tag_text).await?,
        Some("PER".to_string()),
        "Person's tag on its button"
    );

    // Regression (issue 12): opened with the article scrolled down, the
    // editor was out of view above it.
    page::eval::<()>(
        client,
        r#"const c = document.querySelector('[data-testid="doc-text"]').parentElement;
           c.scrollTop = c.scrollHeight; return null;"#,
        vec![],
    )
    .await?;
    page::click(client, &testid("label-editor-open")).await?;
    wait_for_rows(client, &defaults).await?;
    wait_until("the editor in view", STEP_TIMEOUT, || async {
        let top: f64 = page::eval(
            client,
            r#"return document.querySelector('[data-testid="label-editor"]').getBoundingClientRect().top;"#,
            vec![],
        )
        .await?;
        let height: f64 = page::eval(client, "return window.innerHeight;", vec![]).await?;
        if (0.0..height).contains(&top) {
            Ok(Some(()))
        } else {
            Err(Failure(format!("the editor's top at {top}, the window {height} high")))
        }
    })
    .await?;
    // A dialog, holding the focus, so Tab and Esc work in it at once.
    let focus_in_dialog: bool = page::eval(
        client,
        r#"const dialog = document.activeElement.closest('[role="dialog"][aria-modal="true"]');
           return !!dialog && dialog.dataset.testid === "label-editor";"#,
        vec![],
    )
    .await?;
    ensure!(
        focus_in_dialog,
        "the label editor is a modal dialog with the focus"
    );
    ensure_eq!(
        page::text_content(client, &in_row("Person", "label-tag")).await?,
        Some("PER".to_string()),
        "Person's tag in the editor"
    );

    // Colours on which highlight text would be hard to read are refused,
    // in either scheme: a mid blue under the light scheme's dark text, and
    // white under the dark scheme's light text; the colour stays as it was.
    for (color, says) in [
        ("#1f6feb", "below the 4.5:1 needed to read it; choose a lighter colour"),
        (
            "#ffffff",
            "4.19:1 in the dark scheme, below the 4.5:1 needed to read it; choose a less light colour",
        ),
    ] {
        page::eval::<()>(
            client,
            r#"const [selector, color] = arguments;
               const input = document.querySelector(selector);
               input.value = color;
               input.dispatchEvent(new Event('change', { bubbles: true }));
               return null;"#,
            vec![in_row("Person", "label-color").into(), color.into()],
        )
        .await?;
        wait_until(&format!("{color} refused"), STEP_TIMEOUT, || async {
            let alert = page::text_content(client, "[role=alert]").await?.unwrap_or_default();
            if alert.contains(says) {
                Ok(Some(()))
            } else {
                Err(Failure(format!("the alert says {alert:?}")))
            }
        })
        .await?;
    }
    ensure_eq!(
        value_of(client, &in_row("Person", "label-color")).await?,
        Some("#fde68a".to_string()),
        "Person's colour after the refusals"
    );

    // Rename Person, which one annotation carries.
    retype(client, &in_row("Person", "label-name"), "Human").await?;
    let renamed = [
        "Human",
        "Organization",
        "Location",
        "Date",
        "Quantity",
        "Event",
    ];
    wait_for_rows(client, &renamed).await?;
    wait_for_buttons(client, &renamed).await?;
    wait_for_labels(client, &[(&envoy, "Human")]).await?;

    // A name another label has, in another case, is refused and put back.
    retype(client, &in_row("Human", "label-name"), "date").await?;
    wait_until("the refusal to be announced", STEP_TIMEOUT, || async {
        match page::text_content(client, "[role=\"alert\"]").await? {
            Some(text) if text.contains("already a label “Date”") => Ok(Some(())),
            other => Err(Failure(format!("the alert reads {other:?}"))),
        }
    })
    .await?;
    ensure_eq!(
        value_of(client, &in_row("Human", "label-name")).await?,
        Some("Human".to_string()),
        "the refused name is put back"
    );
    wait_for_rows(client, &renamed).await?;

    // Delete Location, moving its two annotations to Date; then undo.
    ask_to_delete(client, "Location", 2).await?;
    client
        .find(Locator::Css(&in_row("Location", "label-move-to")))
        .await
        .context("finding the label to move to")?
        .select_by_value("Date")
        .await
        .context("choosing Date")?;
    page::click(client, &in_row("Location", "label-delete-confirm")).await?;
    let without_location = ["Human", "Organization", "Date", "Quantity", "Event"];
    wait_for_rows(client, &without_location).await?;
    wait_for_buttons(client, &without_location).await?;
    wait_for_labels(client, &[(&country, "Date"), (&city, "Date")]).await?;

    undo(client).await?;
    wait_for_rows(client, &renamed).await?;
    wait_for_buttons(client, &renamed).await?;
    wait_for_labels(
        client,
        &[
            (&envoy, "Human"),
            (&country, "Location"),
            (&month, "Date"),
            (&city, "Location"),
        ],
    )
    .await?;

    // Delete Location with its annotations; undo, then redo.
    ask_to_delete(client, "Location", 2).await?;
    page::click(client, &in_row("Location", "label-delete-annotations")).await?;
    page::click(client, &in_row("Location", "label-delete-confirm")).await?;
    wait_for_rows(client, &without_location).await?;
    let left = wait_for_highlights(client, "Location's annotations to go", |h| {
        h.len() == 2 && h.contains_key(&envoy) && h.contains_key(&month)
    })
    .await?;
    ensure!(left.len() == 2, "highlights left: {left:?}");

    undo(client).await?;
    wait_for_rows(client, &renamed).await?;
    wait_for_highlights(client, "Location's annotations to come back", |h| {
        h.len() == 4
    })
    .await?;
    wait_for_labels(client, &[(&country, "Location"), (&city, "Location")]).await?;

    page::press_chord(client, &[Key::Control, Key::Shift], 'z').await?;
    wait_for_rows(client, &without_location).await?;
    wait_for_buttons(client, &without_location).await?;
    wait_for_highlights(client, "the redo to delete them again", |h| h.len() == 2).await?;

    // Add a label: it is offered the first free hotkey, 3, and tags with it.
    ensure_eq!(
        value_of(client, &testid("label-add-hotkey")).await?,
        Some("3".to_string()),
        "hotkey offered to a new label"
    );
    page::click(client, &testid("label-add-name")).await?;
    page::type_text(client, "Weapon").await?;
    page::click(client, &testid("label-add")).await?;
    let added = [
        "Human",
        "Organization",
        "Date",
        "Quantity",
        "Event",
        "Weapon",
    ];
    wait_for_rows(client, &added).await?;
    wait_for_buttons(client, &added).await?;
    // The editor is a dialog over the page: closed to tag, opened again.
    page::click(client, &testid("label-editor-close")).await?;
    let weapon = tag(client, &text, "Kazakhstan", '3').await?;
    wait_for_labels(client, &[(&weapon, "Weapon")]).await?;
    page::click(client, &testid("label-editor-open")).await?;
    wait_for_rows(client, &added).await?;

    // Move it up one place, before Event.
    page::click(client, &in_row("Weapon", "label-move-up")).await?;
    let reordered = [
        "Human",
        "Organization",
        "Date",
        "Quantity",
        "Weapon",
        "Event",
    ];
    let shown = wait_for_rows(client, &reordered).await?;
    wait_for_buttons(client, &reordered).await?;

    // The set is saved: a reload shows it, in the bar and the editor.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_buttons(client, &reordered).await?;
    page::click(client, &testid("label-editor-open")).await?;
    ensure_eq!(
        wait_for_rows(client, &reordered).await?,
        shown,
        "the editor after a reload"
    );
    wait_for_labels(
        client,
        &[(&envoy, "Human"), (&month, "Date"), (&weapon, "Weapon")],
    )
    .await?;

    // The export holds the same label set and the annotations with it.
    page::press_key(client, '\u{E00C}').await?; // Escape closes the dialog
    wait_until("the editor to close", STEP_TIMEOUT, || async {
        let open = page::text_content(client, &testid("label-editor")).await?;
        Ok(open.is_none().then_some(()))
    })
    .await?;
    let (_, export) = export_json(&session).await?;
    let labels: Vec<Row> = export["labels"]
        .as_array()
        .context("labels in the export")?
        .iter()
        .map(|l| Row {
            label: l["name"].as_str().unwrap_or_default().to_string(),
            name: l["name"].as_str().unwrap_or_default().to_string(),
            color: l["color"].as_str().unwrap_or_default().to_string(),
            hotkey: l["hotkey"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    ensure_eq!(labels, shown, "the export's labels and the editor");
    let annotations: Vec<(String, String)> = export["annotations"]
        .as_array()
        .context("annotations in the export")?
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap_or_default().to_string(),
                a["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut expected = vec![
        (envoy, "Human".to_string()),
        (month, "Date".to_string()),
        (weapon, "Weapon".to_string()),
    ];
    let mut exported = annotations.clone();
    expected.sort();
    exported.sort();
    ensure_eq!(exported, expected, "annotations in the export");
    Ok(())
}
