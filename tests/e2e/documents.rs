//! Own documents: added by choosing files (a good one with CRLF line endings,
//! a byte-order mark, emoji, ZWJ sequences, combining marks, CJK and Hebrew;
//! one not UTF-8; one empty) and by pasting; renamed; removed and brought
//! back with Ctrl+Z. The text shown, exported and kept across a reload is
//! the file's, with `\n` line endings; bad files change nothing and are named
//! in the alert with what is wrong.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::support::app::{
    code_points, doc_item, export_json, listed, open_document, open_seed, wait_for_app,
    wait_for_highlights, wait_for_listed,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{manifest_dir, random_below, wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_every_browser};

in_every_browser!(
    chromium_adding_files,
    firefox_adding_files,
    webkit_adding_files,
    adding_files
);
in_every_browser!(
    chromium_full_storage_refuses_a_document,
    firefox_full_storage_refuses_a_document,
    webkit_full_storage_refuses_a_document,
    full_storage_refuses_a_document
);
in_every_browser!(
    chromium_pasting_renaming_removing,
    firefox_pasting_renaming_removing,
    webkit_pasting_renaming_removing,
    pasting_renaming_removing
);

in_every_browser!(
    chromium_each_document_keeps_its_place,
    firefox_each_document_keeps_its_place,
    webkit_each_document_keeps_its_place,
    each_document_keeps_its_place
);

/// The reading pane's scroll position, after it has settled: the same on
/// two reads a frame apart.
async fn pane_scroll(client: &Client, what: &str) -> Res<i64> {
    const READ: &str = r#"const c = document.querySelector('[data-testid="doc-text"]').parentElement;
        const first = c.scrollTop;
        return new Promise(done => requestAnimationFrame(() =>
            done(c.scrollTop === first ? Math.round(first) : -1)));"#;
    wait_until(what, STEP_TIMEOUT, || async {
        let top: i64 = page::eval(client, READ, vec![]).await?;
        if top >= 0 {
            Ok(Some(top))
        } else {
            Err(Failure("still scrolling".into()))
        }
    })
    .await
}

/// Regression (issue 12): a document opened for the first time opened at
/// the previous document's scroll position, often the middle.
async fn each_document_keeps_its_place(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let first = "000_941015829bfed30d";
    let second = "001_c07fc3de27d30260";
    let first_text = open_seed(client, &url, first).await?;
    let second_text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{second}.txt")))?;
    let read_to: i64 = page::eval(
        client,
        r#"const c = document.querySelector('[data-testid="doc-text"]').parentElement;
           c.scrollTop = Math.floor((c.scrollHeight - c.clientHeight) / 2);
           return Math.round(c.scrollTop);"#,
        vec![],
    )
    .await?;
    ensure!(read_to > 100, "the article scrolls: {read_to}");
    open_document(client, second, &second_text).await?;
    ensure_eq!(
        pane_scroll(client, "the second article at its top").await?,
        0,
        "a document opened for the first time opens at its top"
    );
    open_document(client, first, &first_text).await?;
    let back = pane_scroll(client, "the first article where it was left").await?;
    ensure!(
        (back - read_to).abs() <= 1,
        "coming back opens where it was left: {back}, left at {read_to}"
    );
    Ok(())
}

/// The good file, as bytes on disk: a BOM, CRLF and lone CR line endings.
const TRICKY_FILE: &str =
    "\u{feff}Zoë met 👩‍👩‍👧 in 東京.\r\nשלום עולם e\u{301}te\u{a0}“quoted”\r\n👍🏽 done\rend\r\n";
/// What the app must show and export for it.
const TRICKY_TEXT: &str = "Zoë met 👩‍👩‍👧 in 東京.\nשלום עולם e\u{301}te\u{a0}“quoted”\n👍🏽 done\nend\n";

async fn alert_text(client: &Client) -> Res<String> {
    Ok(page::text_content(client, "[role=alert]")
        .await?
        .unwrap_or_default())
}

async fn pane_text(client: &Client) -> Res<String> {
    Ok(page::text_content(client, &testid("doc-text"))
        .await?
        .unwrap_or_default())
}

/// The whole native export.
async fn export(session: &Session) -> Res<Value> {
    Ok(export_json(session).await?.1)
}

async fn adding_files(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;

    let dir = ScratchDir::new("upload")?;
    let good = dir.path().join("tricky.txt");
    let latin1 = dir.path().join("latin1.txt");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&good, TRICKY_FILE)?;
    std::fs::write(&latin1, b"caf\xe9 au lait\n")?;
    std::fs::write(&empty, b"")?;
    let paths = [&good, &latin1, &empty]
        .map(|p| p.display().to_string())
        .join("\n");
    client
        .find(Locator::Css(&testid("add-files")))
        .await
        .context("finding the add-files input")?
        .send_keys(&paths)
        .await
        .context("choosing three files")?;

    let docs = wait_for_listed(client, "a fourth document", |d| d.len() == 4).await?;
    let (id, title) = docs[3].clone();
    ensure_eq!(title, "Zoë met 👩‍👩‍👧 in 東京.", "the title is the first line");
    let alert = alert_text(client).await?;
    ensure!(
        alert.contains("“latin1.txt” was not added: it is not UTF-8 text (byte 3 is 0xE9)"),
        "the alert does not explain latin1.txt: {alert}"
    );
    ensure!(
        alert.contains("“empty.txt” was not added: it is empty"),
        "the alert does not explain empty.txt: {alert}"
    );
    ensure!(
        alert.contains("Added “tricky.txt”"),
        "the alert does not say what was added: {alert}"
    );
    page::wait_for_text(
        client,
        &testid("doc-text"),
        TRICKY_TEXT,
        "the new document, opened",
    )
    .await?;

    // Tag words that come after the emoji, the ZWJ sequence, the Hebrew,
    // the combining mark and the no-break space.
    let (start, end) = code_points(TRICKY_TEXT, "東京")?;
    page::drag_select(client, TRICKY_TEXT, start, end).await?;
    page::press_key(client, '3').await?;
    let (start, end) = code_points(TRICKY_TEXT, "“quoted”")?;
    page::drag_select(client, TRICKY_TEXT, start, end).await?;
    page::press_key(client, '1').await?;
    wait_for_highlights(client, "two highlights", |h| h.len() == 2).await?;

    let exported = export(&session).await?;
    let document = exported["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["id"] == id.as_str()))
        .context("the new document is exported")?;
    ensure_eq!(document["text"], TRICKY_TEXT, "the exported text");
    ensure_eq!(document["file_name"], "tricky.txt", "the file name");
    let mut quotes: Vec<(u64, u64, String)> = exported["annotations"]
        .as_array()
        .context("annotations")?
        .iter()
        .filter(|a| a["document_id"] == id.as_str())
        .map(|a| {
            (
                a["start"].as_u64().unwrap_or_default(),
                a["end"].as_u64().unwrap_or_default(),
                a["quote"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    quotes.sort();
    ensure_eq!(
        quotes,
        ["東京", "“quoted”"]
            .iter()
            .map(|q| {
                let (start, end) = code_points(TRICKY_TEXT, q)?;
                Ok((start as u64, end as u64, q.to_string()))
            })
            .collect::<Res<Vec<_>>>()?,
        "code-point offsets and quotes"
    );

    // Everything is still there after a reload.
    client.refresh().await.context("reloading")?;
    wait_for_listed(client, "the added document after a reload", |d| {
        d.len() == 4 && d[3].0 == id
    })
    .await?;
    page::click(client, &doc_item(&id)).await?;
    page::wait_for_text(
        client,
        &testid("doc-text"),
        TRICKY_TEXT,
        "the added document after a reload",
    )
    .await?;
    wait_for_highlights(client, "both highlights after a reload", |h| {
        let mut shown: Vec<&str> = h.values().map(String::as_str).collect();
        shown.sort();
        shown == ["“quoted”", "東京"]
    })
    .await?;
    Ok(())
}

async fn pasting_renaming_removing(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    let before = export(&session).await?;

    // Paste with the keyboard only: Alt+P opens the form with the text area focused.
    page::click(client, &testid("doc-text")).await?;
    page::press_chord(client, &[Key::Alt], 'p').await?;
    let pasted = "Line one: 東京 and שלום, cafe\u{301}.\nSecond line.";
    page::wait_for_focus(client, &testid("paste-text")).await?;
    page::type_text(client, pasted).await?;
    page::click(client, &testid("paste-title")).await?;
    page::type_text(client, "My notes").await?;
    page::click(client, &testid("paste-add")).await?;
    let docs = wait_for_listed(client, "the pasted document", |d| d.len() == 4).await?;
    ensure_eq!(docs[3].1, "My notes", "the title typed");
    page::wait_for_text(client, &testid("doc-text"), pasted, "the pasted text").await?;
    let pasted_id = docs[3].0.clone();

    // Rename it from the keyboard: F2 on its list entry.
    client
        .find(Locator::Css(&doc_item(&pasted_id)))
        .await?
        .send_keys("\u{E032}") // F2
        .await
        .context("pressing F2 on the document")?;
    client
        .wait()
        .for_element(Locator::Css(&testid("doc-title-input")))
        .await
        .context("the title field")?;
    // The field opens with its title selected, so typing replaces it.
    page::type_text(client, "Renamed notes\u{E007}").await?;
    wait_for_listed(client, "the new title", |d| {
        d.get(3).is_some_and(|d| d.1 == "Renamed notes")
    })
    .await?;

    // Tag something in seed 002, remove it (asked first), then undo.
    let seed = "002_851cd8e497878d71";
    page::click(client, &doc_item(seed)).await?;
    let text =
        std::fs::read_to_string(crate::support::manifest_dir().join(format!("seeds/{seed}.txt")))?;
    page::wait_for_text(client, &testid("doc-text"), &text, "seed 002").await?;
    let (start, end) = code_points(&text, "Astana")?;
    page::drag_select(client, &text, start, end).await?;
    page::press_key(client, '3').await?;
    wait_for_highlights(client, "one highlight", |h| h.len() == 1).await?;
    let with_seed = export(&session).await?;

    page::click(
        client,
        &format!(r#"li:has({}) {}"#, doc_item(seed), testid("doc-remove")),
    )
    .await?;
    page::click(client, &testid("doc-remove-confirm")).await?;
    wait_for_listed(client, "seed 002 gone", |d| {
        d.len() == 3 && d.iter().all(|d| d.0 != seed)
    })
    .await?;
    ensure!(
        !pane_text(client).await?.is_empty(),
        "another document should be open"
    );
    page::press_chord(client, &[Key::Control], 'z').await?;
    wait_for_listed(client, "seed 002 back in its place", |d| {
        d.len() == 4 && d[2].0 == seed
    })
    .await?;
    ensure_eq!(
        export(&session).await?,
        with_seed,
        "the export after undoing the removal"
    );

    // Removing the pasted document (no annotations) needs no confirmation
    // and survives a reload; the rest is as it was.
    page::click(
        client,
        &format!(
            r#"li:has({}) {}"#,
            doc_item(&pasted_id),
            testid("doc-remove")
        ),
    )
    .await?;
    wait_for_listed(client, "the pasted document gone", |d| d.len() == 3).await?;
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    let after = export(&session).await?;
    ensure_eq!(
        after["documents"],
        before["documents"],
        "the documents after a reload"
    );
    ensure_eq!(
        after["annotations"].as_array().map(Vec::len),
        Some(1),
        "the one annotation"
    );
    Ok(())
}

/// With the browser's storage all but full, a document whose text does not
/// fit is not added at all (it would be gone after a reload), the alert
/// says why, and nothing of it is left in storage.
async fn full_storage_refuses_a_document(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    // Fill storage with the largest filler it takes, halving the step on
    // each refusal, then free 50,000 characters: room for a label set, not
    // for a 300,000-character text.
    let filled: usize = page::eval(
        client,
        r#"let size = 0, step = 1 << 22, n = 0;
           while (step >= 1024) {
               try { localStorage.setItem("filler-" + n, "x".repeat(step)); size += step; n += 1; }
               catch (e) { step = step >> 1; }
           }
           return size;"#,
        vec![],
    )
    .await?;
    ensure!(filled > 1_000_000, "storage took only {filled} characters");
    client
        .execute(
            r#"const keys = Object.keys(localStorage).filter(k => k.startsWith("filler-"));
               keys.sort((a, b) => localStorage.getItem(a).length - localStorage.getItem(b).length);
               let freed = 0;
               for (const k of keys) { if (freed >= 50000) break; freed += localStorage.getItem(k).length; localStorage.removeItem(k); }"#,
            vec![],
        )
        .await
        .context("freeing a little room")?;

    let dir = ScratchDir::new("upload")?;
    let big = dir.path().join("big.txt");
    // Texts are stored compressed: this one, 300,000 characters drawn at
    // random from 64, keeps about 6 bits each, 120,000 UTF-16 units.
    std::fs::write(&big, incompressible(300_000))?;
    client
        .find(Locator::Css(&testid("add-files")))
        .await?
        .send_keys(&big.display().to_string())
        .await
        .context("choosing a file")?;
    let alert = wait_until("the storage error", STEP_TIMEOUT, || async {
        let alert = alert_text(client).await?;
        if alert.contains("could not be stored") {
            Ok(Some(alert))
        } else {
            Err(Failure(format!("alert: {alert:?}")))
        }
    })
    .await?;
    ensure!(alert.contains("Nothing changed"), "the alert: {alert}");
    ensure_eq!(listed(client).await?.len(), 3, "documents listed");
    let left: Vec<String> = page::eval(
        client,
        r#"return Object.keys(localStorage).filter(k => k.startsWith("span-annotator/v3/text/"));"#,
        vec![],
    )
    .await?;
    ensure!(left.is_empty(), "a text was left in storage: {left:?}");
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await
}

/// `chars` characters drawn from 64 (accented, Cyrillic, CJK and ASCII) by
/// a fixed pseudo-random sequence, in words: a text DEFLATE cannot shrink
/// below about 6 bits a character.
fn incompressible(chars: usize) -> String {
    let alphabet: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzÜïöéàçñßжзнрмдлб中文字东京 ABCDEFGHIJKLMNOP"
            .chars()
            .collect();
    let mut random = random_below(0x9e37_79b9_7f4a_7c15);
    (0..chars)
        .map(|_| alphabet[random(alphabet.len())])
        .collect()
}
