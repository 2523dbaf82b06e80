//! Helpers that know this app: its hooks (`data-testid`s) and how long it
//! takes to come up, shared by the scenarios.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, Locator};

use super::page::{self, testid, STEP_TIMEOUT};
use serde_json::{json, Value};
use span_core::format::registry::{self, Format};

use super::browser::Session;
use super::{manifest_dir, wait_until, Context, Failure, Res};

/// Loading the wasm bundle can be slow on a busy two-core CI machine.
pub const APP_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// The selector of document `id`'s entry in the list; the id may hold
/// anything (the security scenarios give documents hostile ids).
pub fn doc_item(id: &str) -> String {
    format!(
        "{}[data-doc-id={}]",
        testid("doc-item"),
        page::css_string(id)
    )
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

/// The ids and titles of the documents listed, in order.
pub async fn listed(client: &Client) -> Res<Vec<(String, String)>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="doc-item"]')]
            .map(el => [el.getAttribute("data-doc-id"), el.querySelector(".doc-title").textContent]);"#,
        vec![],
    )
    .await
}

/// Waits until the documents listed satisfy `ok`; returns them.
pub async fn wait_for_listed(
    client: &Client,
    what: &str,
    ok: impl Fn(&[(String, String)]) -> bool,
) -> Res<Vec<(String, String)>> {
    wait_until(what, STEP_TIMEOUT, || async {
        let docs = listed(client).await?;
        if ok(&docs) {
            Ok(Some(docs))
        } else {
            Err(Failure(format!("listed: {docs:?}")))
        }
    })
    .await
}

/// The text of the notices in the status line (errors, then the others).
pub async fn notices(client: &Client) -> Res<String> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[role="alert"], [aria-live="polite"]')]
            .map((el) => el.textContent).join("\n");"#,
        vec![],
    )
    .await
}

/// Waits, for at most `timeout`, until a notice says `expected`; returns
/// the notices then.
pub async fn wait_for_notice_within(
    client: &Client,
    expected: &str,
    timeout: Duration,
) -> Res<String> {
    wait_until(
        &format!("a notice saying {}", page::visible(expected)),
        timeout,
        || async {
            let shown = notices(client).await?;
            if shown.contains(expected) {
                Ok(Some(shown))
            } else {
                Err(Failure(format!("notices: {}", page::visible(&shown))))
            }
        },
    )
    .await
}

/// Chooses `path` in the import control (the dialog, or a refusal, follows).
pub async fn choose_import(client: &Client, path: &std::path::Path) -> Res<()> {
    client
        .find(Locator::Css(&testid("import-file")))
        .await
        .context("finding the import input")?
        .send_keys(&path.display().to_string())
        .await
        .context("choosing the file to import")
}

/// Waits until the import dialog has worked out what the import takes of
/// storage and enabled Import; returns what it says of storage.
pub async fn wait_for_import_room(client: &Client, timeout: Duration) -> Res<String> {
    wait_until("the storage it takes", timeout, || async {
        let (room, enabled): (Option<String>, bool) = page::eval(
            client,
            r#"const room = document.querySelector('[data-testid="import-room"]');
               return [room && room.textContent,
                       !document.querySelector('[data-testid="import-confirm"]').disabled];"#,
            vec![],
        )
        .await?;
        match room {
            Some(room) if enabled && room.starts_with("It takes") => Ok(Some(room)),
            other => Err(Failure(format!(
                "room: {other:?}, Import enabled: {enabled}"
            ))),
        }
    })
    .await
}

/// The status line's count of changes not stored.
pub async fn pending(client: &Client) -> Res<usize> {
    let raw: Option<String> = page::eval(
        client,
        r#"return document.querySelector('[data-testid="status"]')?.getAttribute("data-pending");"#,
        vec![],
    )
    .await?;
    raw.context("data-pending on the status")?
        .parse()
        .context("data-pending is a number")
}

/// Waits until the tab has stored every change.
pub async fn wait_for_nothing_pending(client: &Client, timeout: Duration) -> Res<()> {
    wait_until("nothing pending", timeout, || async {
        match pending(client).await? {
            0 => Ok(Some(())),
            n => Err(Failure(format!("{n} pending"))),
        }
    })
    .await
}

/// How many documents the app has, from the progress line's `data-total`
/// (the list shows them a hundred at a time).
pub async fn document_count(client: &Client) -> Res<usize> {
    let total: Option<String> = page::eval(
        client,
        r#"const p = document.querySelector('[data-testid="progress"]');
           return p && p.getAttribute("data-total");"#,
        vec![],
    )
    .await?;
    total
        .context("the progress line")?
        .parse()
        .map_err(|e| Failure(format!("data-total: {e}")))
}

/// Waits until the app has `want` documents.
pub async fn wait_for_document_count(
    client: &Client,
    want: usize,
    what: &str,
    timeout: Duration,
) -> Res<()> {
    wait_until(what, timeout, || async {
        match document_count(client).await {
            Ok(n) if n == want => Ok(Some(())),
            other => Err(Failure(format!("documents: {other:?}"))),
        }
    })
    .await
}

/// Checks that the import dialog's Import is disabled, as it is for a file
/// refused in its preview, and cancels the dialog.
pub async fn cancel_refused_import(client: &Client) -> Res<()> {
    let disabled: bool = page::eval(
        client,
        r#"return document.querySelector('[data-testid="import-confirm"]').disabled;"#,
        vec![],
    )
    .await?;
    crate::ensure!(disabled, "Import is disabled for a refused file");
    page::click(client, &testid("import-cancel")).await
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

/// The words of four or more letters of `text`, as code-point ranges: spans
/// to tag that never overlap, and that word snapping leaves as they are
/// (a letter run joined to an apostrophe or a digit, as in “zone’s”, is
/// part of a longer word, so it is left out).
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let joins =
        |c: Option<&char>| c.is_some_and(|c| matches!(c, '\'' | '’' | '.') || c.is_numeric());
    let mut found = Vec::new();
    let mut start = None;
    for at in 0..=chars.len() {
        let letter = chars.get(at).is_some_and(|c| c.is_alphabetic());
        match (letter, start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                let whole =
                    !joins(chars.get(at)) && !joins(s.checked_sub(1).and_then(|b| chars.get(b)));
                if at - s >= 4 && whole {
                    found.push((s, at));
                }
                start = None;
            }
            _ => {}
        }
    }
    found
}

/// The code points of the first occurrence of `needle` in `text`.
pub fn code_points(text: &str, needle: &str) -> Res<(usize, usize)> {
    let byte = text
        .find(needle)
        .context(format!("{needle:?} is in the text"))?;
    let start = text[..byte].chars().count();
    Ok((start, start + needle.chars().count()))
}

/// Clicks `format`'s export button and waits for its file to be downloaded
/// whole; the last download of that name is cleared first, so each call
/// reads what the app holds now. Returns the file's path and bytes. (In
/// WebKit, whose WebDriver saves no download, the bytes are read in the
/// page from the Blob the app offers, and the harness writes the file: see
/// [`Session::expect_download`].)
pub async fn download_export(session: &Session, format: &Format) -> Res<(PathBuf, Vec<u8>)> {
    session.expect_download(format.file_name).await?;
    page::click(&session.client, &testid(&format!("export-{}", format.id))).await?;
    session
        .wait_for_download_bytes(format.file_name, STEP_TIMEOUT, |bytes| {
            is_whole(format, bytes)
        })
        .await
}

/// Whether a download of `format` is all there: JSON that parses, a zip with
/// its end record, a text that ends its last line.
fn is_whole(format: &Format, bytes: &[u8]) -> bool {
    if format.id == registry::BRAT.id {
        bytes.len() >= 22 && bytes[bytes.len() - 22..].starts_with(b"PK\x05\x06")
    } else if format.id == registry::NATIVE.id || format.id == registry::W3C.id {
        serde_json::from_slice::<Value>(bytes).is_ok()
    } else {
        bytes.last() == Some(&b'\n')
    }
}

/// A fresh native export, parsed, with its path.
pub async fn export_json(session: &Session) -> Res<(PathBuf, Value)> {
    let (path, bytes) = download_export(session, &registry::NATIVE).await?;
    let export = serde_json::from_slice(&bytes).context("parsing the export")?;
    Ok((path, export))
}

/// The annotations of a fresh export.
pub async fn export_annotations(session: &Session) -> Res<Vec<Value>> {
    let (_, export) = export_json(session).await?;
    Ok(export["annotations"]
        .as_array()
        .context("the export's annotations")?
        .clone())
}

/// The localStorage schema a document is planted in.
#[derive(Clone, Copy)]
pub enum Schema {
    /// The one the app writes now.
    Current,
    /// Version 1, which loading moves on to the current one.
    V1,
}

/// What `schema` stores for one added document with `spans`
/// (`(start, end, label)`, ids numbered from 0): the list naming it alone,
/// its text and its buckets, as an earlier session would have left them.
pub fn stored_document(
    schema: Schema,
    id: &str,
    file_name: &str,
    title: &str,
    text: &str,
    spans: &[(usize, usize, &str)],
) -> Vec<(String, String)> {
    use span_core::format::stored::{self, v1, DocumentEntry, Merged, StoredSpan};
    const CREATED: &str = "2026-11-22T10:00:00.000Z";
    let mut buckets: BTreeMap<u32, Vec<(String, usize, usize, &str)>> = BTreeMap::new();
    for (n, &(start, end, label)) in spans.iter().enumerate() {
        let span_id = format!("{n:032x}");
        buckets
            .entry(stored::bucket_of(&span_id))
            .or_default()
            .push((span_id, start, end, label));
    }
    let hash = stored::text_hash(text);
    match schema {
        Schema::Current => {
            let list = Merged {
                order: 1,
                entries: vec![DocumentEntry {
                    id: id.into(),
                    file_name: file_name.into(),
                    title: title.into(),
                    seed: false,
                    status: Default::default(),
                    rev: 1,
                }],
                deleted: Vec::new(),
            };
            let mut items = vec![
                (stored::documents_key(), stored::encode_documents(&list)),
                (stored::text_key(id), stored::encode_text(id, text, None)),
            ];
            items.extend(buckets.into_iter().map(|(bucket, spans)| {
                let spans = Merged {
                    entries: spans
                        .into_iter()
                        .map(|(id, start, end, label)| StoredSpan {
                            id,
                            start,
                            end,
                            label: label.into(),
                            created: CREATED.into(),
                            rev: 1,
                            note: None,
                            entity: None,
                        })
                        .collect(),
                    ..Merged::default()
                };
                (
                    stored::bucket_key(id, bucket),
                    stored::encode_bucket(id, &hash, bucket, &spans),
                )
            }));
            items
        }
        Schema::V1 => {
            let mut items = vec![
                (
                    v1::documents_key(),
                    json!({"version": 1, "documents": [{"id": id, "file_name": file_name, "title": title}]}),
                ),
                (
                    v1::text_key(id),
                    json!({"version": 1, "document_id": id, "text": text}),
                ),
            ];
            items.extend(buckets.into_iter().map(|(bucket, spans)| {
                let annotations: Vec<Value> = spans
                    .into_iter()
                    .map(|(id, start, end, label)| json!([id, start, end, label, CREATED]))
                    .collect();
                (
                    v1::bucket_key(id, bucket),
                    json!({"version": 1, "document_id": id, "bucket": bucket,
                           "text_hash": hash, "annotations": annotations}),
                )
            }));
            items
                .into_iter()
                .map(|(key, value)| (key, value.to_string()))
                .collect()
        }
    }
}

/// Writes `items` (key, value) into the app's localStorage and reloads, as
/// if an earlier session had left them there.
pub async fn store_and_reload(client: &Client, items: &[(String, String)]) -> Res<()> {
    let pairs: Vec<Value> = items
        .iter()
        .map(|(k, v)| Value::from(vec![k.clone(), v.clone()]))
        .collect();
    client
        .execute(
            "for (const [key, value] of arguments[0]) localStorage.setItem(key, value);",
            vec![Value::Array(pairs)],
        )
        .await
        .context("writing to localStorage")?;
    client.refresh().await.context("reloading")?;
    Ok(())
}

/// Opens the app at `url` and seed document `doc`, returning its text as
/// read from `seeds/`, which the reading pane shows exactly.
pub async fn open_seed(client: &Client, url: &str, doc: &str) -> Res<String> {
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{doc}.txt")))
        .context(format!("reading seeds/{doc}.txt"))?;
    client.goto(url).await.context("opening the app")?;
    wait_for_app(client).await?;
    open_document(client, doc, &text).await?;
    Ok(text)
}

/// The ids of the annotation cards in the details panel, in order.
pub async fn detail_card_ids(client: &Client) -> Res<Vec<String>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="annotation-details"] section[data-ann-id]')]
            .map(el => el.getAttribute("data-ann-id"));"#,
        vec![],
    )
    .await
}

/// Runs the independent reader `python3 tests/readers/<script> ARGS…` from
/// the crate root and requires exit status 0.
pub async fn python_reader(script: &str, args: &[&std::ffi::OsStr]) -> Res<()> {
    let output = tokio::process::Command::new("python3")
        .arg(format!("tests/readers/{script}"))
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .await
        .context(format!("running python3 tests/readers/{script}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    if output.status.success() {
        Ok(())
    } else {
        Err(Failure(format!(
            "{script} failed ({}):\n{stdout}{stderr}",
            output.status
        )))
    }
}

/// Opens the app with `text` as its only document, `id`, planted in
/// storage as the previous version stored it, and opens it.
pub async fn open_only_document(client: &Client, url: &str, id: &str, text: &str) -> Res<()> {
    client.goto(url).await.context("opening the app")?;
    wait_for_app(client).await?;
    let items = stored_document(Schema::V1, id, &format!("{id}.txt"), id, text, &[]);
    store_and_reload(client, &items).await?;
    // The seeds are not there: only the planted document is listed.
    wait_until("the planted document", STEP_TIMEOUT, || async {
        match page::text_content(client, &doc_item(id)).await? {
            Some(_) => Ok(Some(())),
            None => Err(Failure("not listed".into())),
        }
    })
    .await?;
    open_document(client, id, text).await
}
