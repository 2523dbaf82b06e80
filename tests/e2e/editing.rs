//! Editing an annotation from its highlight: a click on a highlight opens
//! its details, where the label is changed and the annotation deleted; the
//! page, the count in the document list and the export follow, and a click
//! where two spans overlap lists both.

use fantoccini::{Client, Locator};

use crate::support::app::{
    code_points, detail_card_ids, doc_item, export_json, open_document, open_seed, wait_for_app,
    wait_for_highlights,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "002_851cd8e497878d71";

in_every_browser!(chromium_editing, firefox_editing, webkit_editing, editing);

async fn editing(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;

    // "Staffan de Mistura" as a Person, and "de Mistura" inside it as Location.
    let (outer_start, outer_end) = code_points(&text, "Staffan de Mistura")?;
    page::drag_select(client, &text, outer_start, outer_end).await?;
    page::press_key(client, '1').await?;
    let one = wait_for_highlights(client, "the outer highlight", |h| h.len() == 1).await?;
    let outer = one.keys().next().context("one highlight")?.clone();
    page::drag_select(client, &text, outer_end - 10, outer_end).await?;
    page::press_key(client, '3').await?;
    let two = wait_for_highlights(client, "the nested highlight", |h| h.len() == 2).await?;
    let inner = two
        .keys()
        .find(|id| **id != outer)
        .context("a second id")?
        .clone();
    ensure_eq!(
        two.get(&inner).map(String::as_str),
        Some("de Mistura"),
        "nested highlight text"
    );
    // Regression (issue 12): after tagging, the details panel kept its hint;
    // it shows the new annotation's card.
    wait_until("the new annotation's card", STEP_TIMEOUT, || async {
        let shown = card_ids(client).await?;
        if shown == [inner.clone()] {
            Ok(Some(()))
        } else {
            Err(Failure(format!("cards {shown:?}")))
        }
    })
    .await?;

    // A click on the nested part lists both, outermost first.
    let nested = format!("[data-ann-id=\"{outer} {inner}\"]");
    page::click(client, &nested).await?;
    let listed = card_ids(client).await?;
    ensure_eq!(
        listed,
        vec![outer.clone(), inner.clone()],
        "annotations listed for the click"
    );

    // Retag the outer one to Event from its card.
    let select = format!(
        "{} section[data-ann-id=\"{outer}\"] select",
        testid("annotation-details")
    );
    client
        .find(Locator::Css(&select))
        .await
        .context("finding the label select")?
        .select_by_value("Event")
        .await
        .context("choosing Event")?;
    wait_for_label(client, &outer, "Event").await?;

    // Delete the inner one; the outer stays, whole again.
    let delete = format!(
        "{} section[data-ann-id=\"{inner}\"] button.delete",
        testid("annotation-details")
    );
    page::click(client, &delete).await?;
    let left = wait_for_highlights(client, "the inner highlight to go", |h| h.len() == 1).await?;
    ensure_eq!(
        left.get(&outer).map(String::as_str),
        Some("Staffan de Mistura"),
        "remaining highlight"
    );
    wait_until(
        "the document list to count one annotation",
        STEP_TIMEOUT,
        || async {
            let selector = format!("{} .doc-count", doc_item(DOC));
            match page::text_content(client, &selector).await? {
                Some(count) if count == "1 annotation" => Ok(Some(())),
                other => Err(Failure(format!("count reads {other:?}"))),
            }
        },
    )
    .await?;

    // The reload and the export agree.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    open_document(client, DOC, &text).await?;
    wait_for_label(client, &outer, "Event").await?;
    let (_, export) = export_json(&session).await?;
    let annotations = export["annotations"]
        .as_array()
        .context("annotations list")?;
    ensure_eq!(annotations.len(), 1, "annotations in the export");
    let only = &annotations[0];
    ensure!(
        only["id"] == outer.as_str()
            && only["label"] == "Event"
            && only["start"] == outer_start
            && only["end"] == outer_end
            && only["quote"] == "Staffan de Mistura",
        "exported annotation is {only}"
    );
    Ok(())
}

/// The ids of the annotation cards in the details panel, in order.
async fn card_ids(client: &Client) -> Res<Vec<String>> {
    wait_until(
        "the details panel to list annotations",
        STEP_TIMEOUT,
        || async {
            let ids = detail_card_ids(client).await?;
            if ids.is_empty() {
                Err(Failure("no annotation cards".into()))
            } else {
                Ok(Some(ids))
            }
        },
    )
    .await
}

/// Waits until every highlight element of `id` shows `label`.
async fn wait_for_label(client: &Client, id: &str, label: &str) -> Res<()> {
    wait_until(
        &format!("annotation {id} to be shown as {label}"),
        STEP_TIMEOUT,
        || async {
            let labels: Vec<String> = page::eval(
                client,
                r#"return [...document.querySelectorAll('[data-testid="doc-text"] [data-ann-id]')]
                .filter(el => el.getAttribute("data-ann-id").split(" ").pop() === arguments[0])
                .map(el => el.getAttribute("data-label"));"#,
                vec![serde_json::json!(id)],
            )
            .await?;
            if !labels.is_empty() && labels.iter().all(|l| l == label) {
                Ok(Some(()))
            } else {
                Err(Failure(format!("labels shown: {labels:?}")))
            }
        },
    )
    .await
}
