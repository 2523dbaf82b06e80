//! Relation types edited in the label editor, end to end: a type added
//! with a hotkey and moved up (the focus following it), a used type renamed (its relation's arc and card show
//! the new name), the new type's hotkey picking it in the relation form,
//! a used type deleted (asked first, naming how many relations go with
//! it, then gone with them) and brought back by Ctrl+Z; a reload keeps
//! all of it.

use std::collections::BTreeSet;

use fantoccini::key::Key;
use fantoccini::Client;
use serde::Deserialize;

use crate::keyboard::chord;
use crate::label_editor::{retype, undo};
use crate::relations::{tag, wait_for_card, wait_for_drawn};
use crate::support::app::{open_document, open_seed, wait_for_app, wait_for_highlights};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure_eq, in_every_browser};

const DOC: &str = "002_851cd8e497878d71";

in_every_browser!(
    chromium_relation_types,
    firefox_relation_types,
    webkit_relation_types,
    relation_types
);

/// One relation type's row in the editor as its fields show it.
#[derive(Debug, Deserialize, PartialEq)]
struct Row {
    kind: String,
    name: String,
    hotkey: String,
}

fn in_row(kind: &str, control: &str) -> String {
    format!(
        "{}[data-relation-type=\"{kind}\"] {}",
        testid("relation-type-row"),
        testid(control)
    )
}

/// Waits until the editor lists exactly these types, as (name, hotkey),
/// in order.
async fn wait_for_types(client: &Client, expected: &[(&str, &str)]) -> Res<()> {
    wait_until(
        &format!("the editor to list the types {expected:?}"),
        STEP_TIMEOUT,
        || async {
            let rows: Vec<Row> = page::eval(
                client,
                r#"return [...document.querySelectorAll('[data-testid="relation-type-row"]')]
                    .map(row => ({
                        kind: row.getAttribute("data-relation-type"),
                        name: row.querySelector('[data-testid="relation-type-name"]').value,
                        hotkey: row.querySelector('[data-testid="relation-type-hotkey"]').value,
                    }));"#,
                vec![],
            )
            .await?;
            let shown: Vec<(&str, &str)> = rows
                .iter()
                .filter(|r| r.kind == r.name)
                .map(|r| (r.name.as_str(), r.hotkey.as_str()))
                .collect();
            if shown == expected {
                Ok(Some(()))
            } else {
                Err(Failure(format!("rows {rows:?}")))
            }
        },
    )
    .await
}

/// Links annotation `from` to `to` with the mouse (its card's Link, a
/// click on the target) and picks the type by its hotkey `key` in the
/// relation form, then Enter.
async fn link(client: &Client, from: &str, to: &str, key: char) -> Res<()> {
    page::click(client, &format!("mark[data-ann-id=\"{from}\"]")).await?;
    page::click(
        client,
        &format!(
            "{} section[data-ann-id=\"{from}\"] {}",
            testid("annotation-details"),
            testid("relation-start")
        ),
    )
    .await?;
    page::click(client, &format!("mark[data-ann-id=\"{to}\"]")).await?;
    page::wait_for_focus(client, &testid("relation-type")).await?;
    chord(client, &[], key).await?;
    chord(client, &[], Key::Enter).await
}

async fn wait_for_editor_closed(client: &Client) -> Res<()> {
    wait_until("the editor to close", STEP_TIMEOUT, || async {
        let open = page::text_content(client, &testid("label-editor")).await?;
        Ok(open.is_none().then_some(()))
    })
    .await
}

async fn relation_types(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    tag(client, &text, "Kazakhstan", '3').await?;
    tag(client, &text, "Staffan de Mistura", '1').await?;
    tag(client, &text, "Astana", '3').await?;
    let spans = wait_for_highlights(client, "three highlights", |h| h.len() == 3).await?;
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
    link(client, &astana, &kazakhstan, 'l').await?;
    let located = |kind: &str| (astana.clone(), kazakhstan.clone(), kind.to_string());
    wait_for_drawn(client, "Astana located in", &[located("located in")].into()).await?;

    // Add a type with a hotkey a label does not have.
    page::click(client, &testid("label-editor-open")).await?;
    let defaults = [
        ("member of", "m"),
        ("located in", "l"),
        ("takes part in", "t"),
        ("says", "s"),
    ];
    wait_for_types(client, &defaults).await?;
    page::click(client, &testid("relation-type-add-name")).await?;
    page::type_text(client, "opposes").await?;
    page::click(client, &testid("relation-type-add-hotkey")).await?;
    page::type_text(client, "o").await?;
    page::click(client, &testid("relation-type-add")).await?;
    let added = [
        ("member of", "m"),
        ("located in", "l"),
        ("takes part in", "t"),
        ("says", "s"),
        ("opposes", "o"),
    ];
    wait_for_types(client, &added).await?;

    // Moved up one place; the focus stays on its ↑, now in the row above.
    page::click(client, &in_row("opposes", "relation-type-move-up")).await?;
    let moved = [
        ("member of", "m"),
        ("located in", "l"),
        ("takes part in", "t"),
        ("opposes", "o"),
        ("says", "s"),
    ];
    wait_for_types(client, &moved).await?;
    page::wait_for_focus(client, &in_row("opposes", "relation-type-move-up")).await?;

    // A name another type has is refused, in the labels' words.
    retype(client, &in_row("says", "relation-type-name"), "Member Of").await?;
    wait_until("the refusal to be announced", STEP_TIMEOUT, || async {
        match page::text_content(client, "[role=\"alert\"]").await? {
            Some(text) if text.contains("already a relation type “member of”") => Ok(Some(())),
            other => Err(Failure(format!("the alert reads {other:?}"))),
        }
    })
    .await?;

    // Rename the type in use: its relation's arc and card follow.
    retype(
        client,
        &in_row("located in", "relation-type-name"),
        "based in",
    )
    .await?;
    let renamed = [
        ("member of", "m"),
        ("based in", "l"),
        ("takes part in", "t"),
        ("opposes", "o"),
        ("says", "s"),
    ];
    wait_for_types(client, &renamed).await?;
    wait_for_drawn(client, "the arc renamed", &[located("based in")].into()).await?;
    page::click(client, &testid("label-editor-close")).await?;
    wait_for_editor_closed(client).await?;
    page::click(client, &format!("mark[data-ann-id=\"{astana}\"]")).await?;
    wait_for_card(client, &astana, &["→ based in → Kazakhstan"]).await?;

    // The new type's hotkey picks it in the relation form.
    link(client, &staffan, &astana, 'o').await?;
    let opposes = (staffan.clone(), astana.clone(), "opposes".to_string());
    let both: BTreeSet<_> = [located("based in"), opposes].into();
    wait_for_drawn(client, "Staffan opposes Astana", &both).await?;

    // Deleting a used type asks first, naming its relations; then both go.
    page::click(client, &testid("label-editor-open")).await?;
    wait_for_types(client, &renamed).await?;
    page::click(client, &in_row("opposes", "relation-type-delete")).await?;
    page::wait_for_text(
        client,
        &format!(
            "{} legend",
            in_row("opposes", "relation-type-delete-dialog")
        ),
        "“opposes” is used by 1 relation. Delete it and them?",
        "the question before deleting",
    )
    .await?;
    wait_for_types(client, &renamed).await?;
    page::click(client, &in_row("opposes", "relation-type-delete-confirm")).await?;
    let without = [renamed[0], renamed[1], renamed[2], renamed[4]];
    wait_for_types(client, &without).await?;
    wait_for_drawn(client, "its relation gone", &[located("based in")].into()).await?;

    // Ctrl+Z brings the type back with its relation.
    undo(client).await?;
    wait_for_types(client, &renamed).await?;
    wait_for_drawn(client, "its relation back", &both).await?;

    // A reload keeps the types, in their order, and the relations.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_drawn(client, "both relations after the reload", &both).await?;
    page::click(client, &testid("label-editor-open")).await?;
    wait_for_types(client, &renamed).await?;
    ensure_eq!(
        page::text_content(client, &testid("relation-type-delete-dialog")).await?,
        None,
        "no question left open"
    );
    Ok(())
}
