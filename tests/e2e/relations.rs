//! Relations made in the page: one with the keyboard alone (the new
//! annotation selected, R, Tab to the target, Enter, the type's hotkey,
//! Enter) and one with the mouse (Link in a card, a click on the target's
//! highlight, the type chosen, Link); both drawn over the text between the
//! right ends and listed in both ends' cards; hovering one marks its ends;
//! undo and redo; a note on a relation (Enter keeps it as one undo step,
//! Esc puts the old one back, a reload while typing keeps it); deleting an
//! annotation that relations use asks first (Tab stays in the question, Esc
//! keeps all and gives the focus back, Enter deletes it with them) and undo
//! brings all back; kept
//! through a reload and written by the native export, the W3C export
//! (linking annotations, from then to) and the Label Studio export
//! (relation results). With `E2E_SCREENSHOTS`, Chromium's view of the relations is
//! saved for the README.

use std::collections::BTreeSet;

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;
use span_core::format::registry;
use span_core::format::w3c::annotation_iri;

use crate::keyboard::chord;
use crate::support::app::{
    code_points, detail_card_ids, download_export, export_json, open_document, open_seed,
    wait_for_highlights,
};
use crate::support::browser::{BrowserKind, Session};
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "002_851cd8e497878d71";

in_every_browser!(
    chromium_relations,
    firefox_relations,
    webkit_relations,
    relations
);

/// The drawn relations as `(from, to, type)`, read from the page.
pub(crate) async fn drawn(client: &Client) -> Res<BTreeSet<(String, String, String)>> {
    let found: Vec<(String, String, String)> = page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="relation"]')]
            .map(g => [g.getAttribute("data-from"), g.getAttribute("data-to"),
                       g.querySelector("text").textContent]);"#,
        vec![],
    )
    .await?;
    Ok(found.into_iter().collect())
}

pub(crate) async fn wait_for_drawn(
    client: &Client,
    what: &str,
    expected: &BTreeSet<(String, String, String)>,
) -> Res<()> {
    wait_until(what, STEP_TIMEOUT, || async {
        let now = drawn(client).await?;
        if now == *expected {
            Ok(Some(()))
        } else {
            Err(Failure(format!("drawn relations: {now:?}")))
        }
    })
    .await
}

/// Waits until the card of annotation `id` lists exactly `lines`.
pub(crate) async fn wait_for_card(client: &Client, id: &str, lines: &[&str]) -> Res<()> {
    let script = format!(
        r#"return [...document.querySelectorAll('{} section[data-ann-id="{id}"] .relation-text')]
            .map(el => el.textContent);"#,
        testid("annotation-details")
    );
    wait_until(&format!("the card of {id}"), STEP_TIMEOUT, || async {
        let listed: Vec<String> = page::eval(client, &script, vec![]).await?;
        if listed == lines {
            Ok(Some(()))
        } else {
            Err(Failure(format!("card lists {listed:?}")))
        }
    })
    .await
}

pub(crate) async fn tag(client: &Client, text: &str, quote: &str, key: char) -> Res<()> {
    let (start, end) = code_points(text, quote)?;
    page::drag_select(client, text, start, end).await?;
    page::press_key(client, key).await
}

/// Makes relation `from` → `kind` → `to` with the mouse: `from`'s card,
/// `Link`, a click on `to`'s highlight, the type chosen, `Link`.
pub(crate) async fn link(client: &Client, from: &str, to: &str, kind: &str) -> Res<()> {
    page::click(client, &format!("mark[data-ann-id=\"{from}\"]")).await?;
    wait_until("the source's card", STEP_TIMEOUT, || async {
        let cards = detail_card_ids(client).await?;
        if cards == [from.to_string()] {
            Ok(Some(()))
        } else {
            Err(Failure(format!("cards {cards:?}")))
        }
    })
    .await?;
    page::click(client, &testid("relation-start")).await?;
    page::click(client, &format!("mark[data-ann-id=\"{to}\"]")).await?;
    client
        .wait()
        .for_element(Locator::Css(&testid("relation-type")))
        .await
        .context("the type list")?
        .select_by_value(kind)
        .await
        .context(format!("choosing {kind}"))?;
    page::click(client, &testid("relation-confirm")).await
}

/// The id of the drawn relation from `from` to `to`.
pub(crate) async fn relation_id(client: &Client, from: &str, to: &str) -> Res<String> {
    let id: Option<String> = page::eval(
        client,
        &format!(
            r#"const g = document.querySelector('[data-testid="relation"][data-from="{from}"][data-to="{to}"]');
               return g ? g.getAttribute("data-relation-id") : null;"#
        ),
        vec![],
    )
    .await?;
    id.context(format!("a relation drawn from {from} to {to}"))
}

/// The note field of relation `relation` in the card of annotation `card`.
pub(crate) fn note_field(card: &str, relation: &str) -> String {
    format!(
        "{} section[data-ann-id=\"{card}\"] [data-relation-id=\"{relation}\"] {}",
        testid("annotation-details"),
        testid("relation-note")
    )
}

/// Opens the card of annotation `card` and waits until the note field of
/// relation `relation` there shows `note`.
pub(crate) async fn wait_for_note(
    client: &Client,
    card: &str,
    relation: &str,
    note: &str,
) -> Res<()> {
    page::click(client, &format!("mark[data-ann-id=\"{card}\"]")).await?;
    wait_for_value(client, &note_field(card, relation), note).await
}

/// Waits until the field `selector` holds `value`.
pub(crate) async fn wait_for_value(client: &Client, selector: &str, value: &str) -> Res<()> {
    let script = format!(
        "const f = document.querySelector({}); return f ? f.value : null;",
        serde_json::to_string(selector)?
    );
    wait_until(
        &format!("{selector} to hold {value:?}"),
        STEP_TIMEOUT,
        || async {
            let now: Option<String> = page::eval(client, &script, vec![]).await?;
            if now.as_deref() == Some(value) {
                Ok(Some(()))
            } else {
                Err(Failure(format!("it holds {now:?}")))
            }
        },
    )
    .await
}

/// Waits until the question asked before deleting an annotation is shown,
/// saying `consequence`, with the focus on its `Delete`.
pub(crate) async fn wait_for_question(client: &Client, consequence: &str) -> Res<()> {
    page::wait_for_text(
        client,
        &format!("{} #delete-consequence", testid("delete-dialog")),
        consequence,
        "the question before deleting",
    )
    .await?;
    page::wait_for_focus(client, &testid("delete-confirm")).await
}

/// Waits until the question before deleting is gone.
pub(crate) async fn wait_for_no_question(client: &Client) -> Res<()> {
    let script = format!(
        "return document.querySelector({}) === null;",
        serde_json::to_string(&testid("delete-dialog"))?
    );
    wait_until("the question to close", STEP_TIMEOUT, || async {
        let gone: bool = page::eval(client, &script, vec![]).await?;
        if gone {
            Ok(Some(()))
        } else {
            Err(Failure("the question is still open".into()))
        }
    })
    .await
}

async fn relations(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    tag(client, &text, "Kazakhstan", '3').await?;
    wait_for_highlights(client, "Kazakhstan", |h| h.len() == 1).await?;
    tag(client, &text, "Staffan de Mistura", '1').await?;
    wait_for_highlights(client, "Staffan de Mistura", |h| h.len() == 2).await?;
    // Tagged last, Astana is the selected annotation.
    tag(client, &text, "Astana", '3').await?;
    let spans = wait_for_highlights(client, "Astana", |h| h.len() == 3).await?;
    let id_of = |quote: &str| {
        spans
            .iter()
            .find(|(_, q)| q.as_str() == quote)
            .map(|(id, _)| id.clone())
            .context(format!("the id of {quote}"))
    };
    let (astana, kazakhstan, staffan) = (
        id_of("Astana")?,
        id_of("Kazakhstan")?,
        id_of("Staffan de Mistura")?,
    );

    // The keyboard alone: R, Tab to Kazakhstan, Enter, l for "located in",
    // Enter.
    chord(client, &[], 'r').await?;
    page::wait_for_text(
        client,
        &testid("relation-pending"),
        "From “Astana”: pick the target (click its highlight, or Tab to it and press Enter).",
        "the question for the target",
    )
    .await?;
    chord(client, &[], Key::Tab).await?;
    chord(client, &[], Key::Enter).await?;
    page::wait_for_focus(client, &testid("relation-type")).await?;
    chord(client, &[], 'l').await?;
    chord(client, &[], Key::Enter).await?;
    let located = (astana.clone(), kazakhstan.clone(), "located in".to_string());
    wait_for_drawn(client, "the keyboard's relation", &[located.clone()].into()).await?;
    wait_for_card(client, &astana, &["→ located in → Kazakhstan"]).await?;

    // The mouse: Staffan's card, Link, a click on Astana, the type, Link.
    link(client, &staffan, &astana, "takes part in").await?;
    let takes_part = (staffan.clone(), astana.clone(), "takes part in".to_string());
    let both: BTreeSet<_> = [located.clone(), takes_part.clone()].into();
    wait_for_drawn(client, "both relations", &both).await?;
    page::click(client, &format!("[data-ann-id=\"{astana}\"]")).await?;
    wait_for_card(
        client,
        &astana,
        &[
            "→ located in → Kazakhstan",
            "← takes part in ← Staffan de Mistura",
        ],
    )
    .await?;

    // Hovering a relation marks both its ends, and only those.
    let label = client
        .find(Locator::Css(&format!(
            "[data-testid=\"relation\"][data-from=\"{staffan}\"] text"
        )))
        .await
        .context("the relation's name")?;
    // In the middle of the view, clear of the sticky label bar.
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&label)?],
        )
        .await
        .context("scrolling to the relation")?;
    let hover = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
        element: label,
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    client.perform_actions(hover).await.context("hovering")?;
    wait_until("both ends marked", STEP_TIMEOUT, || async {
        let marked: Vec<String> = page::eval(
            client,
            r#"return [...document.querySelectorAll("mark.hl.relation-end")]
                .map(m => m.getAttribute("data-ann-id"));"#,
            vec![],
        )
        .await?;
        let marked: BTreeSet<String> = marked.into_iter().collect();
        if marked == [staffan.clone(), astana.clone()].into() {
            Ok(Some(()))
        } else {
            Err(Failure(format!("marked {marked:?}")))
        }
    })
    .await?;
    client
        .release_actions()
        .await
        .context("releasing the mouse")?;
    screenshot(&session).await?;

    // Undo takes the last relation away, redo brings it back.
    let pane = testid("doc-text");
    client
        .find(Locator::Css(&pane))
        .await
        .context("the article")?
        .click()
        .await
        .context("clicking the article")?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_drawn(client, "undone", &[located.clone()].into()).await?;
    chord(client, &[Key::Control, Key::Shift], 'z').await?;
    wait_for_drawn(client, "redone", &both).await?;

    // A note on "located in", written in Astana's card: Enter keeps it,
    // Kazakhstan's card shows it, and it is one undo step.
    let located_id = relation_id(client, &astana, &kazakhstan).await?;
    let note = "per the ministry";
    page::click(client, &format!("[data-ann-id=\"{astana}\"]")).await?;
    page::click(client, &note_field(&astana, &located_id)).await?;
    page::type_text(client, note).await?;
    wait_for_value(client, &note_field(&astana, &located_id), note).await?;
    chord(client, &[], Key::Enter).await?;
    wait_for_note(client, &kazakhstan, &located_id, note).await?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_note(client, &kazakhstan, &located_id, "").await?;
    chord(client, &[Key::Control, Key::Shift], 'z').await?;
    wait_for_note(client, &kazakhstan, &located_id, note).await?;
    // Esc puts back the note the field had.
    page::click(client, &note_field(&kazakhstan, &located_id)).await?;
    chord(client, &[], Key::End).await?;
    page::type_text(client, " and more").await?;
    wait_for_value(
        client,
        &note_field(&kazakhstan, &located_id),
        &format!("{note} and more"),
    )
    .await?;
    chord(client, &[], Key::Escape).await?;
    wait_for_value(client, &note_field(&kazakhstan, &located_id), note).await?;

    // Deleting Astana, used by both relations, asks first. Tab goes from
    // `Delete` to `Keep it` and back, never behind the question; Esc keeps
    // all and gives the focus back to the button; Enter deletes Astana
    // with both relations; one undo brings all back.
    page::click(client, &format!("[data-ann-id=\"{astana}\"]")).await?;
    let delete_button = format!(
        "{} section[data-ann-id=\"{astana}\"] button.delete",
        testid("annotation-details")
    );
    page::click(client, &delete_button).await?;
    let consequence =
        "Deleting it also removes the 2 relations that use it. Ctrl+Z brings them all back.";
    wait_for_question(client, consequence).await?;
    chord(client, &[], Key::Tab).await?;
    page::wait_for_focus(client, &testid("delete-cancel")).await?;
    chord(client, &[], Key::Tab).await?;
    page::wait_for_focus(client, &testid("delete-confirm")).await?;
    chord(client, &[], Key::Escape).await?;
    wait_for_no_question(client).await?;
    page::wait_for_focus(client, &delete_button).await?;
    wait_for_highlights(client, "Astana kept", |h| h.len() == 3).await?;
    wait_for_drawn(client, "both relations kept", &both).await?;
    page::click(client, &delete_button).await?;
    wait_for_question(client, consequence).await?;
    chord(client, &[], Key::Enter).await?;
    wait_for_no_question(client).await?;
    wait_for_highlights(client, "Astana deleted", |h| h.len() == 2).await?;
    wait_for_drawn(client, "no relation left", &BTreeSet::new()).await?;
    chord(client, &[Key::Control], 'z').await?;
    wait_for_highlights(client, "Astana back", |h| h.len() == 3).await?;
    wait_for_drawn(client, "both relations back", &both).await?;
    wait_for_note(client, &kazakhstan, &located_id, note).await?;

    // A note typed and the page reloaded at once, the field still focused:
    // the page's hide keeps it.
    let takes_part_id = relation_id(client, &staffan, &astana).await?;
    page::click(client, &format!("[data-ann-id=\"{astana}\"]")).await?;
    page::click(client, &note_field(&astana, &takes_part_id)).await?;
    page::type_text(client, "confirmed").await?;
    wait_for_value(client, &note_field(&astana, &takes_part_id), "confirmed").await?;

    // Kept through a reload, and in the native export.
    client.refresh().await.context("reloading")?;
    crate::support::app::wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_drawn(client, "both relations after the reload", &both).await?;
    let (_, export) = export_json(&session).await?;
    let exported: BTreeSet<(String, String, String)> = export["relations"]
        .as_array()
        .context("the export's relations")?
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap_or_default().to_string(),
                r["to"].as_str().unwrap_or_default().to_string(),
                r["type"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    ensure_eq!(exported, both, "the exported relations");
    let notes: BTreeSet<(String, String)> = export["relations"]
        .as_array()
        .context("the export's relations")?
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_string(),
                r["note"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    ensure_eq!(
        notes,
        [
            (located_id, note.to_string()),
            (takes_part_id, "confirmed".to_string())
        ]
        .into(),
        "the exported notes"
    );
    ensure!(
        export["relations"].as_array().is_some_and(|r| r
            .iter()
            .all(|r| r["id"].is_string() && r["created"].is_string())),
        "every exported relation has an id and a time"
    );

    // The W3C export carries them as linking annotations, from then to.
    let (_, bytes) = download_export(&session, &registry::W3C).await?;
    let w3c: Value = serde_json::from_slice(&bytes).context("parsing the W3C export")?;
    let iris: BTreeSet<(String, String, String)> = both
        .iter()
        .map(|(from, to, kind)| (annotation_iri(from), annotation_iri(to), kind.clone()))
        .collect();
    let links: BTreeSet<(String, String, String)> = w3c["first"]["items"]
        .as_array()
        .context("the W3C export's items")?
        .iter()
        .filter(|item| item["motivation"] == "linking")
        .map(|link| {
            let end = |i: usize| link["target"][i].as_str().unwrap_or_default().to_string();
            let kind = link["body"][0]["value"].as_str().unwrap_or_default();
            (end(0), end(1), kind.to_string())
        })
        .collect();
    ensure_eq!(links, iris, "the W3C export's linking annotations");

    // The Label Studio export, as relation results between its regions.
    let (_, bytes) = download_export(&session, &registry::LABELSTUDIO).await?;
    let tasks: Value = serde_json::from_slice(&bytes).context("parsing the Label Studio export")?;
    let results: BTreeSet<(String, String, String)> = tasks
        .as_array()
        .context("the Label Studio tasks")?
        .iter()
        .flat_map(|task| task["annotations"].as_array().into_iter().flatten())
        .flat_map(|annotation| annotation["result"].as_array().into_iter().flatten())
        .filter(|result| result["type"] == "relation" && result["direction"] == "right")
        .map(|r| {
            let field = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                field(&r["from_id"]),
                field(&r["to_id"]),
                field(&r["labels"][0]),
            )
        })
        .collect();
    ensure_eq!(results, both, "the Label Studio export's relation results");
    Ok(())
}

/// With `E2E_SCREENSHOTS=<folder>`, saves the relations in the text as
/// Chromium shows them, as the README shows them (`docs/screenshots/`).
async fn screenshot(session: &Session) -> Res<()> {
    let Some(folder) = std::env::var_os("E2E_SCREENSHOTS") else {
        return Ok(());
    };
    if session.kind != BrowserKind::Chromium {
        return Ok(());
    }
    let png = session
        .client
        .screenshot()
        .await
        .context("taking a screenshot")?;
    let path = std::path::Path::new(&folder).join("relations.png");
    std::fs::write(&path, png).context(format!("writing {}", path.display()))
}
