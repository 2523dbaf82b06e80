//! Helpers that know this app: its hooks (`data-testid`s) and how long it
//! takes to come up, shared by the scenarios.

use std::collections::BTreeMap;
use std::time::Duration;

use fantoccini::Client;

use super::page::{self, testid, STEP_TIMEOUT};
use super::{manifest_dir, wait_until, Failure, Res};

/// Loading the wasm bundle can be slow on a busy two-core CI machine.
pub const APP_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

pub fn doc_item(id: &str) -> String {
    format!("{}[data-doc-id=\"{id}\"]", testid("doc-item"))
}

/// Wait until the app has rendered: the document list holds an item per
/// seed file, and the reading pane exists.
pub async fn wait_for_app(client: &Client) -> Res<()> {
    let mut expected: Vec<String> = std::fs::read_dir(manifest_dir().join("seeds"))?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".txt").map(str::to_owned)
        })
        .collect();
    expected.sort();
    wait_until(
        "the app to render the document list and reading pane",
        APP_LOAD_TIMEOUT,
        || async {
            let (mut ids, has_pane): (Vec<String>, bool) = page::eval(
                client,
                r#"return [
                [...document.querySelectorAll('[data-testid="doc-list"] [data-testid="doc-item"]')]
                    .map(el => el.getAttribute("data-doc-id")),
                !!document.querySelector('[data-testid="doc-text"]'),
            ];"#,
                vec![],
            )
            .await?;
            ids.sort();
            if ids == expected && has_pane {
                Ok(Some(()))
            } else {
                Err(Failure(format!(
                    "doc items {ids:?} (want {expected:?}), reading pane present: {has_pane}"
                )))
            }
        },
    )
    .await
}

/// Click a document in the list and wait until the pane shows its text.
pub async fn open_document(client: &Client, id: &str, text: &str) -> Res<()> {
    page::click(client, &doc_item(id)).await?;
    page::wait_for_text(
        client,
        &testid("doc-text"),
        text,
        &format!("the reading pane to show seeds/{id}.txt exactly"),
    )
    .await
}

/// Poll the highlights until `ok` accepts them; on timeout the failure shows
/// the last highlights seen, which is what one needs to see.
pub async fn wait_for_highlights(
    client: &Client,
    what: &str,
    ok: impl Fn(&BTreeMap<String, String>) -> bool,
) -> Res<BTreeMap<String, String>> {
    wait_until(what, STEP_TIMEOUT, || async {
        let highlights = page::highlighted_texts(client).await?;
        if ok(&highlights) {
            Ok(Some(highlights))
        } else {
            Err(Failure(format!(
                "highlighted text per data-ann-id: {}",
                page::visible_map(&highlights)
            )))
        }
    })
    .await
}
