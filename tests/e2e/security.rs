//! Hostile text, everywhere the app shows what a person or a file gave it.
//!
//! Thirty-two cross-site scripting vectors (script tags, event-handler
//! attributes, `javascript:` and `data:` URLs, SVG and MathML, `<iframe
//! srcdoc>`, entities, `</textarea>` and `</title>` breakouts, bidi overrides
//! and isolates, template syntax, CSS `expression(`, a NUL byte and an 80 KB
//! string) go into document texts (chosen files and a pasted text), titles
//! (renamed), file names, label names (the label editor), notes (the details
//! card) and imported native, W3C and doccano files. Every vector that ran
//! would set `window.__xss`. The checks do not lean on the page's
//! Content-Security-Policy: each value must be *shown as text*, its
//! `textContent` equal to the input code point for code point, and the page
//! must hold no element or attribute that parsing one as HTML would have
//! made (scripts, images, frames, SVG, `on…` handlers, `javascript:` URLs).
//! The policy is the last line of defence, and the last scenario checks
//! that it holds: script injected into the page is blocked and reported.
//! Where the app refuses a value for a reason of its own (a text with a NUL
//! byte, a duplicate id), the refusal must quote the value literally.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::support::app::{
    cancel_refused_import, choose_import, code_points, doc_item, listed, notices, open_document,
    open_seed, wait_for_app, wait_for_listed, wait_for_notice_within,
};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{csp, wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_every_browser};

in_every_browser!(
    chromium_hostile_documents_titles_and_file_names,
    firefox_hostile_documents_titles_and_file_names,
    webkit_hostile_documents_titles_and_file_names,
    hostile_documents_titles_and_file_names
);
in_every_browser!(
    chromium_hostile_labels_and_notes,
    firefox_hostile_labels_and_notes,
    webkit_hostile_labels_and_notes,
    hostile_labels_and_notes
);
in_every_browser!(
    chromium_hostile_imported_files,
    firefox_hostile_imported_files,
    webkit_hostile_imported_files,
    hostile_imported_files
);
in_every_browser!(
    chromium_the_policy_blocks_injected_script,
    firefox_the_policy_blocks_injected_script,
    webkit_the_policy_blocks_injected_script,
    the_policy_blocks_injected_script
);

const DOC: &str = "002_851cd8e497878d71";

/// Vectors on one line that can be typed: into text fields, as titles, as
/// notes, as the lines of a pasted text. Each sets `window.__xss` if run.
const TYPED: [&str; 30] = [
    r#"<script>window.__xss="script"</script>"#,
    r#"<img src=x onerror="window.__xss='img'">"#,
    r#"<svg onload="window.__xss='svg'">"#,
    r#"<svg><script>window.__xss='svg-script'</script></svg>"#,
    r#"<iframe srcdoc="<script>parent.__xss='srcdoc'</script>"></iframe>"#,
    r#"<a href="javascript:window.__xss='href'">click me</a>"#,
    r#"javascript:window.__xss='url'"#,
    r#"<body onload="window.__xss='body'">"#,
    r#"<details open ontoggle="window.__xss='details'">"#,
    r#""><img src=x onerror=window.__xss='attribute'>"#,
    r#"'><svg onload=window.__xss='quote'>"#,
    r#"</textarea><script>window.__xss='textarea'</script>"#,
    r#"</title><script>window.__xss='title'</script>"#,
    r#"&lt;script&gt;window.__xss='entity'&lt;/script&gt;"#,
    r#"&#60;img src=x onerror=window.__xss='numeric'&#62;"#,
    "\u{202e}txt.exe<img src=x onerror=window.__xss='rlo'>",
    "\u{2066}<b onmouseover=window.__xss='isolate'>isolated</b>\u{2069} after",
    r#"{{constructor.constructor('window.__xss="template"')()}}"#,
    r#"${window.__xss='literal'}"#,
    r#"<div style="width: expression(window.__xss='expression')">css</div>"#,
    r#"<style>*{background:url("javascript:window.__xss='style'")}</style>"#,
    r#"data:text/html,<script>window.__xss='data'</script>"#,
    r#"<math><mtext><table><mglyph><style><img src=x onerror=window.__xss='math'>"#,
    r#"<input autofocus onfocus=window.__xss='autofocus'>"#,
    r#"<object data="javascript:window.__xss='object'"></object>"#,
    r#"<meta http-equiv="refresh" content="0;url=javascript:window.__xss='meta'">"#,
    r#"<!--<img src="--><img src=x onerror=window.__xss='comment'//">"#,
    r#"<noscript><p title="</noscript><img src=x onerror=window.__xss='noscript'>">"#,
    r#"<svg><animate onbegin=window.__xss='animate' attributeName=x dur=1s>"#,
    r#"<template><img src=x onerror=window.__xss='template'></template>"#,
];

/// A NUL byte next to a script: a text holding it is refused.
const NUL_ADJACENT: &str = "a\u{0}<script>window.__xss='nul'</script>";

/// Every vector: the typed ones, the NUL one and a very long one.
fn vectors() -> Vec<String> {
    let long = r#"<img src=x onerror=window.__xss='long'>"#.repeat(2_000);
    TYPED
        .iter()
        .map(|v| v.to_string())
        .chain([NUL_ADJACENT.to_string(), long])
        .collect()
}

/// Vectors short enough for a label's name (40 characters), already in the
/// form the app keeps a name in (no white space at the ends or doubled).
const LABELS: [&str; 21] = [
    "<script>__xss='L1'</script>",
    "<img src=x onerror=__xss='L2'>",
    "<svg onload=__xss='L3'>",
    "\"><b onclick=__xss='L4'>b</b>",
    "'><i onmouseover=__xss='L5'>",
    "javascript:__xss='L6'",
    "&lt;b&gt;L7&lt;/b&gt;",
    "&#60;i&#62;L8",
    "\u{202e}L9 reversed\u{202c}",
    "\u{2066}L10\u{2069}<u>iso</u>",
    "{{__xss='L11'}}",
    "${__xss='L12'}",
    "</option><script>__xss=13</script>",
    "</select><img src=x onerror=__xss=14>",
    "<iframe srcdoc='<b>L15</b>'>",
    "<math><mi>L16</mi></math>",
    "<style>*{color:red}</style>L17",
    "expression(__xss='L18')",
    "data:text/html,<b>L19</b>",
    "<details open ontoggle=__xss=20>",
    "</button><input onfocus=__xss=21>",
];

/// What parsing any of the vectors as HTML, or running it, would leave in
/// the page; it must stay as the app made it.
#[derive(Debug, Deserialize, PartialEq)]
struct Census {
    /// Elements of the kinds the vectors make, by their start.
    elements: Vec<String>,
    /// `on…` attributes: the app never sets one (Leptos listens with
    /// `addEventListener`).
    handlers: Vec<String>,
    /// Links, sources and actions to `javascript:` or `data:`.
    script_urls: Vec<String>,
    /// `window.__xss`, set by any vector that ran.
    xss: Value,
    title: String,
}

const CENSUS_JS: &str = r#"
const kinds = "script, iframe, frame, object, embed, svg, math, img, video, audio, source, style, "
    + "base, meta, template, noscript, details, marquee, [autofocus], [srcdoc]";
const elements = [...document.querySelectorAll(kinds)].map((el) => el.outerHTML.slice(0, 120));
const handlers = [...document.querySelectorAll("*")].flatMap((el) =>
    [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`));
const script_urls = [...document.querySelectorAll("[href], [src], [action], [formaction], [data]")]
    .flatMap((el) => ["href", "src", "action", "formaction", "data"].map((a) => el.getAttribute(a)))
    .filter((v) => v && /^\s*(javascript|data):/i.test(v));
return { elements, handlers, script_urls, xss: window.__xss ?? null, title: document.title };
"#;

async fn census(client: &Client) -> Res<Census> {
    page::eval(client, CENSUS_JS, vec![]).await
}

/// Checks that nothing ran and that no vector became markup: the page's
/// census is the one [`started`] took.
async fn check_nothing_ran(client: &Client, baseline: &Census, after: &str) -> Res<()> {
    let now = census(client).await?;
    ensure_eq!(
        now,
        *baseline,
        "after {after}, the page holds markup or state that a vector made"
    );
    Ok(())
}

/// The app's page once started, checked to be clean.
async fn started(client: &Client) -> Res<Census> {
    let baseline = census(client).await?;
    ensure!(
        baseline.xss.is_null() && baseline.handlers.is_empty() && baseline.script_urls.is_empty(),
        "the page is not clean before any vector went in: {baseline:?}"
    );
    Ok(baseline)
}

/// Waits until `count` documents are listed; returns them.
async fn wait_for_count(client: &Client, count: usize) -> Res<Vec<(String, String)>> {
    wait_for_listed(client, &format!("{count} documents listed"), |d| {
        d.len() == count
    })
    .await
}

async fn wait_for_notice(client: &Client, expected: &str) -> Res<()> {
    wait_for_notice_within(client, expected, STEP_TIMEOUT)
        .await
        .map(drop)
}

/// Waits until the file `name` is refused for `reason`: at once, by a notice
/// (it could not be read), or in the import dialog, whose Import is then
/// disabled (it was read, but what it holds breaks a rule); the dialog is
/// then cancelled.
async fn wait_for_refusal(client: &Client, name: &str, reason: &str) -> Res<()> {
    let in_dialog = wait_until(
        &format!("“{name}” refused for {}", page::visible(reason)),
        STEP_TIMEOUT,
        || async {
            let shown = notices(client).await?;
            if shown.contains(&format!("“{name}” was not imported: {reason}")) {
                return Ok(Some(false));
            }
            match page::text_content(client, &testid("import-error")).await? {
                Some(error) if error.contains(&format!("This cannot be imported: {reason}")) => {
                    Ok(Some(true))
                }
                other => Err(Failure(format!(
                    "notices: {}; dialog: {other:?}",
                    page::visible(&shown)
                ))),
            }
        },
    )
    .await?;
    if in_dialog {
        cancel_refused_import(client).await?;
    }
    Ok(())
}

/// The text of the open document's heading and of its file name line.
async fn heading(client: &Client) -> Res<(String, String)> {
    page::eval(
        client,
        r#"return [document.querySelector(".doc-heading h2")?.textContent ?? null,
                   document.querySelector(".doc-heading .doc-meta")?.textContent ?? null];"#,
        vec![],
    )
    .await
}

/// The title the app derives from a text: its first line, or its start with
/// an ellipsis when that is longer than 90 characters (`None`).
fn derived_title(text: &str) -> Option<&str> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    (line.chars().count() <= 90).then_some(line)
}

/// Opens document `id` and checks that its text, title and file name are
/// shown exactly as given.
async fn check_document(
    client: &Client,
    id: &str,
    text: &str,
    title: &str,
    file_name: &str,
) -> Res<()> {
    open_document(client, id, text).await?;
    ensure_eq!(
        heading(client).await?,
        (title.to_string(), file_name.to_string()),
        "the heading of document {id} shows its title and file name literally"
    );
    Ok(())
}

async fn hostile_documents_titles_and_file_names(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    let baseline = started(client).await?;

    // Files: each vector is a file's text; the file is named after it too
    // where a file name can be (no `/`, no NUL).
    let dir = ScratchDir::new("hostile-files")?;
    let mut files = Vec::new();
    for (i, vector) in vectors().into_iter().enumerate() {
        let name = if vector.contains(['/', '\0']) || vector.len() > 200 {
            format!("vector-{i}.txt")
        } else {
            format!("{vector}.txt")
        };
        let path = dir.path().join(&name);
        std::fs::write(&path, &vector).context(format!("writing {}", path.display()))?;
        files.push((name, path, vector));
    }
    let named_after_vectors = files
        .iter()
        .filter(|(n, ..)| !n.starts_with("vector-"))
        .count();
    ensure!(
        named_after_vectors >= 13,
        "only {named_after_vectors} files are named after a vector"
    );
    let paths: Vec<String> = files
        .iter()
        .map(|(_, p, _)| p.display().to_string())
        .collect();
    client
        .find(Locator::Css(&testid("add-files")))
        .await
        .context("finding the add-files input")?
        .send_keys(&paths.join("\n"))
        .await
        .context("choosing the files")?;
    let added: Vec<&(String, std::path::PathBuf, String)> =
        files.iter().filter(|(_, _, v)| !v.contains('\0')).collect();
    let docs = wait_for_count(client, 3 + added.len()).await?;
    let nul = files
        .iter()
        .find(|(_, _, v)| v.contains('\0'))
        .context("the NUL vector")?;
    wait_for_notice(
        client,
        &format!(
            "“{}” was not added: it holds NUL bytes, so it is not a text file.",
            nul.0
        ),
    )
    .await?;
    let shown = notices(client).await?;
    for (name, ..) in &added {
        ensure!(
            shown.contains(&format!("“{name}”")),
            "the notice does not name {} literally: {}",
            page::visible(name),
            page::visible(&shown)
        );
    }
    for ((id, title), (name, _, text)) in docs[3..].iter().zip(&added) {
        match derived_title(text) {
            Some(expected) => ensure_eq!(title, expected, "the listed title of {name}"),
            None => ensure!(
                title.ends_with('…') && text.starts_with(title.trim_end_matches('…')),
                "the long text's title is not its start: {}",
                page::visible(title)
            ),
        }
        check_document(client, id, text, title, name).await?;
    }
    check_nothing_ran(client, &baseline, "adding files").await?;

    // A pasted text of every typed vector, one a line, under a hostile title.
    page::click(client, &testid("paste-open")).await?;
    let pasted = TYPED.join("\n");
    let title = TYPED[1];
    client
        .wait()
        .for_element(Locator::Css(&testid("paste-text")))
        .await
        .context("the paste form")?
        .send_keys(&page::keys_for(&pasted))
        .await
        .context("typing the text")?;
    client
        .find(Locator::Css(&testid("paste-title")))
        .await?
        .send_keys(title)
        .await
        .context("typing the title")?;
    page::click(client, &testid("paste-add")).await?;
    let docs = wait_for_count(client, 4 + added.len()).await?;
    let (pasted_id, listed_title) = docs.last().context("the pasted document")?.clone();
    ensure_eq!(listed_title, title, "the pasted document's title");
    page::wait_for_text(
        client,
        &testid("doc-text"),
        &pasted,
        "the pasted text, literally",
    )
    .await?;
    check_nothing_ran(client, &baseline, "pasting").await?;

    // Renamed to each typed vector in turn, with the keyboard.
    for vector in TYPED {
        page::click(
            client,
            &format!(
                r#"li:has({}) {}"#,
                doc_item(&pasted_id),
                testid("doc-rename")
            ),
        )
        .await?;
        client
            .wait()
            .for_element(Locator::Css(&testid("doc-title-input")))
            .await
            .context("the title field")?;
        page::type_text(client, &format!("{vector}\u{E007}")).await?;
        wait_until(
            &format!("the title {}", page::visible(vector)),
            STEP_TIMEOUT,
            || async {
                let docs = listed(client).await?;
                let (title, heading) = (
                    docs.iter()
                        .find(|(id, _)| *id == pasted_id)
                        .map(|d| d.1.clone()),
                    heading(client).await?.0,
                );
                if title.as_deref() == Some(vector) && heading == vector {
                    Ok(Some(()))
                } else {
                    Err(Failure(format!("listed {title:?}, heading {heading:?}")))
                }
            },
        )
        .await?;
    }
    check_nothing_ran(client, &baseline, "renaming").await?;

    // All of it survives a reload, still as text.
    client.refresh().await.context("reloading")?;
    wait_for_count(client, 4 + added.len()).await?;
    check_document(
        client,
        &pasted_id,
        &pasted,
        TYPED[TYPED.len() - 1],
        "pasted.txt",
    )
    .await?;
    check_nothing_ran(client, &baseline, "reloading").await
}

/// The text of an element's own text nodes, without its children's.
const OWN_TEXTS_JS: &str = r#"
return [...document.querySelectorAll(arguments[0])].map((el) =>
    [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join(""));
"#;

async fn own_texts(client: &Client, selector: &str) -> Res<Vec<String>> {
    page::eval(client, OWN_TEXTS_JS, vec![json!(selector)]).await
}

/// Checks that the label bar shows the six default labels, then [`LABELS`]
/// as text.
async fn check_label_buttons(client: &Client) -> Res<()> {
    let buttons = own_texts(client, ".label-bar .label-button .label-name").await?;
    ensure_eq!(
        buttons.into_iter().skip(6).collect::<Vec<_>>(),
        LABELS.to_vec(),
        "the label buttons show the names"
    );
    Ok(())
}

async fn hostile_labels_and_notes(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    let baseline = started(client).await?;
    // The span, tagged and opened while the label bar is short: with 27
    // labels, the bar (which sticks to the top of the pane) covers most of
    // the text, and the list's chips most of the list.
    let (start, end) = code_points(&text, "Astana")?;
    page::drag_select(client, &text, start, end).await?;
    page::press_key(client, '1').await?;
    let mark = format!("{} mark[data-label]", testid("doc-text"));
    client
        .wait()
        .for_element(Locator::Css(&mark))
        .await
        .context("the highlight")?;
    page::click(client, &mark).await?;

    // Notes, typed into its details card one after another.
    for note in TYPED {
        page::click(client, &testid("note-input")).await?;
        page::press_chord(client, &[Key::Control], 'a').await?;
        page::type_text(client, &format!("{note}\u{E004}")).await?; // then Tab: saved on change
        wait_for_note(client, &mark, "Person", note).await?;
    }
    check_nothing_ran(client, &baseline, "writing notes").await?;

    // Label names, typed into the editor's form.
    page::click(client, &testid("label-editor-open")).await?;
    for name in LABELS {
        page::click(client, &testid("label-add-name")).await?;
        page::type_text(client, name).await?;
        page::click(client, &testid("label-add")).await?;
        wait_for_notice(client, &format!("Added the label “{name}”.")).await?;
    }
    let rows: Vec<(String, String)> = page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="label-row"]')].map((row) =>
            [row.getAttribute("data-label"), row.querySelector('[data-testid="label-name"]').value]);"#,
        vec![],
    )
    .await?;
    let expected: Vec<(String, String)> = LABELS
        .iter()
        .map(|n| (n.to_string(), n.to_string()))
        .collect();
    ensure_eq!(
        rows.into_iter().skip(6).collect::<Vec<_>>(),
        expected,
        "the editor's rows hold the names"
    );
    page::click(client, &testid("label-editor-close")).await?;
    wait_until("the editor to close", STEP_TIMEOUT, || async {
        let open = page::text_content(client, &testid("label-editor")).await?;
        Ok(open.is_none().then_some(()))
    })
    .await?;
    check_label_buttons(client).await?;
    let chips = own_texts(client, &testid("annotation-filter")).await?;
    ensure_eq!(
        chips.into_iter().skip(6).collect::<Vec<_>>(),
        LABELS.to_vec(),
        "the filter chips show the names"
    );
    let details_select = format!("{} select", testid("annotation-details"));
    let options = own_texts(client, &format!("{details_select} option")).await?;
    ensure_eq!(
        options.into_iter().skip(6).collect::<Vec<_>>(),
        LABELS.to_vec(),
        "the label options show the names"
    );

    // Retagged with a hostile label in the card.
    client
        .find(Locator::Css(&details_select))
        .await?
        // Its option by position: fantoccini's select_by_value would put the
        // value, quotes and all, into a CSS selector.
        .select_by_index(6)
        .await
        .context("retagging with the first new label")?;
    wait_for_note(client, &mark, LABELS[0], TYPED[TYPED.len() - 1]).await?;
    check_nothing_ran(client, &baseline, "adding labels").await
}

/// Waits until the list shows `note` as the one annotation's note and its
/// highlight `mark` is labelled `label` and described with the note.
async fn wait_for_note(client: &Client, mark: &str, label: &str, note: &str) -> Res<()> {
    let described = format!("{label}; note: {note}");
    wait_until(
        &format!(
            "the note {} under {}",
            page::visible(note),
            page::visible(label)
        ),
        STEP_TIMEOUT,
        || async {
            let shown: (Option<String>, Option<String>, Option<String>) = page::eval(
                client,
                r#"const mark = document.querySelector(arguments[0]);
                   return [document.querySelector(".entry-note")?.textContent ?? null,
                           mark?.dataset.label ?? null, mark?.getAttribute("title") ?? null];"#,
                vec![json!(mark)],
            )
            .await?;
            let wanted = (
                Some(note.to_string()),
                Some(label.to_string()),
                Some(described.clone()),
            );
            if shown == wanted {
                Ok(Some(()))
            } else {
                Err(Failure(format!(
                    "note, label and description shown: {shown:?}"
                )))
            }
        },
    )
    .await
}

/// Imports `contents` as a file named `name` in merge mode, through the
/// preview, which names the file literally.
async fn import(client: &Client, dir: &ScratchDir, name: &str, contents: &str) -> Res<()> {
    let path = dir.path().join(name);
    std::fs::write(&path, contents)?;
    choose_import(client, &path).await?;
    client
        .wait()
        .for_element(Locator::Css(&testid("import-preview")))
        .await
        .context(format!("the preview of {}", page::visible(name)))?;
    ensure_eq!(
        page::text_content(client, "#import-title").await?,
        Some(format!("Import “{name}”")),
        "the preview's heading names the file literally"
    );
    page::click(client, &testid("import-confirm")).await?;
    wait_for_notice(client, &format!("Imported “{name}”: ")).await
}

/// The label and note of each entry in the annotation list, in text order.
async fn entries(client: &Client) -> Res<Vec<(String, String)>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll('[data-testid="annotation-entry"]')].map((e) => [
            [...e.querySelector(".entry-label").childNodes]
                .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join(""),
            e.querySelector(".entry-note")?.textContent ?? ""]);"#,
        vec![],
    )
    .await
}

async fn wait_for_entries(client: &Client, expected: &[(String, String)], what: &str) -> Res<()> {
    wait_until(what, STEP_TIMEOUT, || async {
        let shown = entries(client).await?;
        if shown == expected {
            Ok(Some(()))
        } else {
            Err(Failure(format!("entries {shown:?}")))
        }
    })
    .await
}

async fn hostile_imported_files(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let text = open_seed(client, &url, DOC).await?;
    let baseline = started(client).await?;
    let dir = ScratchDir::new("hostile-imports")?;

    // Refused files quote what is wrong literally, and change nothing.
    let refusals = [
        (
            format!("{}.json", TYPED[9]),
            json!({"format": "span-annotator", "version": 1, "offset_unit": "codepoint", "documents": [
                {"id": TYPED[1], "file_name": "a.txt", "title": "A", "text": "a"},
                {"id": TYPED[1], "file_name": "b.txt", "title": "B", "text": "b"}],
                "labels": [], "annotations": []}),
            format!(
                "documents[1].id “{}” is already the id of documents[0]",
                TYPED[1]
            ),
        ),
        (
            "link.jsonld".to_string(),
            json!({"type": "AnnotationCollection", "first": TYPED[5]}),
            format!(
                "first is a link (“{}”) to a page that is not in the file",
                TYPED[5]
            ),
        ),
        (
            "nul.json".to_string(),
            json!({"format": "span-annotator", "version": 1, "offset_unit": "codepoint", "documents": [{"id": "nul", "file_name": "nul.txt", "title": "NUL", "text": NUL_ADJACENT}],
                   "labels": [], "annotations": []}),
            "documents[0].text cannot be a document: it holds NUL bytes".to_string(),
        ),
    ];
    for (name, file, reason) in refusals {
        let path = dir.path().join(&name);
        std::fs::write(&path, file.to_string())?;
        choose_import(client, &path).await?;
        wait_for_refusal(client, &name, &reason).await?;
    }
    ensure_eq!(
        listed(client).await?.len(),
        3,
        "documents after the refused files"
    );
    check_nothing_ran(client, &baseline, "refused imports").await?;

    // W3C: a hostile label (new to the app) and note on spans of a seed.
    let annotations: Vec<Value> = TYPED
        .iter()
        .enumerate()
        .map(|(i, note)| {
            json!({
                "type": "Annotation",
                "id": format!("urn:test:hostile:{i}"),
                "body": [
                    {"type": "TextualBody", "purpose": "tagging", "value": LABELS[i % LABELS.len()]},
                    {"type": "TextualBody", "purpose": "commenting", "value": note},
                ],
                "target": {
                    "source": format!("urn:span-annotator:document:{DOC}"),
                    "selector": {"type": "TextPositionSelector", "start": 10 * i, "end": 10 * i + 4},
                },
            })
        })
        .collect();
    let w3c_name = format!("{}.jsonld", TYPED[2]);
    import(
        client,
        &dir,
        &w3c_name,
        &Value::from(annotations).to_string(),
    )
    .await?;
    let expected: Vec<(String, String)> = TYPED
        .iter()
        .enumerate()
        .map(|(i, note)| (LABELS[i % LABELS.len()].to_string(), note.to_string()))
        .collect();
    wait_for_entries(
        client,
        &expected,
        "the W3C file's labels and notes, literally",
    )
    .await?;
    check_label_buttons(client).await?;
    ensure!(
        text.chars().count() > 10 * TYPED.len(),
        "the seed is long enough"
    );
    check_nothing_ran(client, &baseline, "importing W3C").await?;

    // doccano: hostile texts, each a new document titled by its first line.
    let lines: Vec<String> = vectors()
        .iter()
        .filter(|v| !v.contains('\0'))
        .enumerate()
        .map(|(i, text)| {
            json!({"text": text, "label": [[0, text.chars().count(), LABELS[i % LABELS.len()]]]})
                .to_string()
        })
        .collect();
    let doccano_name = format!("{}.jsonl", TYPED[7]);
    import(client, &dir, &doccano_name, &(lines.join("\n") + "\n")).await?;
    let texts: Vec<String> = vectors()
        .into_iter()
        .filter(|v| !v.contains('\0'))
        .collect();
    let docs = wait_for_count(client, 3 + texts.len()).await?;
    for ((id, title), text) in docs[3..].iter().zip(&texts) {
        if let Some(expected) = derived_title(text) {
            ensure_eq!(title, expected, "the title of a doccano document");
        }
        open_document(client, id, text).await?;
    }
    check_nothing_ran(client, &baseline, "importing doccano").await?;

    // Native: hostile ids, file names, titles, texts, labels and notes.
    let documents: Vec<Value> = TYPED
        .iter()
        .map(|v| json!({"id": format!("id {v}"), "file_name": v, "title": v, "text": format!("{v}\n")}))
        .collect();
    let annotations: Vec<Value> = TYPED
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({
                "id": format!("note {i}"), "document_id": format!("id {v}"),
                "start": 0, "end": v.chars().count(), "quote": v,
                "label": LABELS[(i + 1) % LABELS.len()], "created": "2026-11-22T10:00:00.000Z",
                "note": TYPED[TYPED.len() - 1 - i],
            })
        })
        .collect();
    let labels: Vec<Value> = LABELS
        .iter()
        .map(|name| json!({"name": name, "color": "#e7e5e4", "hotkey": null}))
        .collect();
    let file = json!({
        "format": "span-annotator", "version": 1, "offset_unit": "codepoint",
        "labels": labels, "documents": documents, "annotations": annotations,
    });
    let native_name = format!("{}.json", TYPED[10]);
    import(client, &dir, &native_name, &file.to_string()).await?;
    let docs = wait_for_count(client, 3 + texts.len() + TYPED.len()).await?;
    for (i, ((id, title), v)) in docs[3 + texts.len()..].iter().zip(TYPED).enumerate() {
        ensure_eq!(title, v, "the listed title of a native document");
        ensure_eq!(id, &format!("id {v}"), "the id of a native document");
        check_document(client, id, &format!("{v}\n"), v, v).await?;
        let expected = [(
            LABELS[(i + 1) % LABELS.len()].to_string(),
            TYPED[TYPED.len() - 1 - i].to_string(),
        )];
        wait_for_entries(
            client,
            &expected,
            "the native file's label and note, literally",
        )
        .await?;
    }
    check_nothing_ran(client, &baseline, "importing native JSON").await
}

/// The policy is the last line of defence, not what the scenarios above rely
/// on: script that does get into the page is blocked, and each block is
/// reported (which also proves that the check after every scenario sees
/// violations in this browser).
async fn the_policy_blocks_injected_script(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    ensure!(
        csp::take(client).await?.is_empty(),
        "violations before any injection"
    );
    client
        .execute(
            r#"const script = document.createElement("script");
               script.textContent = "window.__xss = 'inline'";
               document.body.append(script);
               const box = document.createElement("div");
               box.innerHTML = `<img src="x" onerror="window.__xss = 'handler'">`;
               document.body.append(box);
               const sheet = document.createElement("link");
               sheet.rel = "stylesheet";
               sheet.href = "https://example.com/x.css";
               document.head.append(sheet);
               box.setAttribute("style", "color: red");"#,
            vec![],
        )
        .await
        .context("injecting script, a handler, a stylesheet and a style")?;
    let seen = wait_until("the four violations", STEP_TIMEOUT, || async {
        let mut seen: Vec<String> = page::eval(
            client,
            r#"return JSON.parse(sessionStorage.getItem("span-annotator/csp-violations") || "[]")
                .map((v) => `${v.directive} ${v.blocked}`);"#,
            vec![],
        )
        .await?;
        seen.sort();
        if seen.len() >= 4 {
            Ok(Some(seen))
        } else {
            Err(Failure(format!("violations so far: {seen:?}")))
        }
    })
    .await?;
    let violations = csp::take(client).await?;
    for (directive, blocked) in [
        ("script-src-elem", "inline"),
        ("script-src-attr", "inline"),
        ("style-src-elem", "https://example.com/x.css"),
        ("style-src-attr", "inline"),
    ] {
        ensure!(
            violations
                .iter()
                .any(|v| v.directive == directive && v.blocked == blocked),
            "no {directive} violation blocking {blocked:?}; the violations: {seen:?}"
        );
    }
    let ran: Value = page::eval(client, "return window.__xss ?? null;", vec![]).await?;
    ensure_eq!(
        ran,
        Value::Null,
        "injected script ran (violations: {seen:?})"
    );
    Ok(())
}
