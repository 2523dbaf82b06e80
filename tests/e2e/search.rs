//! Search and tag all (issue 14): `/` focuses the search, a search over
//! every document lists each match with its code points, Enter and
//! Shift+Enter go from match to match across documents (a click too), "Tag
//! all" tags the ticked matches in one undo step and shows those already
//! tagged as such; a gazetteer loaded from a `.tsv` file tags its three
//! terms across the documents, its bad line named; an invalid regular
//! expression says why and lists nothing; matches are marked in the text
//! near the view, and one 600 lines below once it is scrolled to.

use std::collections::BTreeSet;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::support::app::{export_annotations, open_only_document, open_seed, wait_for_app};
use crate::support::browser::Session;
use crate::support::page::{self, testid, STEP_TIMEOUT};
use crate::support::{manifest_dir, wait_until, Context, Failure, Res, ScratchDir};
use crate::{ensure, ensure_eq, in_every_browser};

const DOCS: [&str; 3] = [
    "000_941015829bfed30d",
    "001_c07fc3de27d30260",
    "002_851cd8e497878d71",
];

in_every_browser!(
    chromium_search_tag_all_over_every_document,
    firefox_search_tag_all_over_every_document,
    webkit_search_tag_all_over_every_document,
    search_tag_all_over_every_document
);

in_every_browser!(
    chromium_search_marks_far_matches,
    firefox_search_marks_far_matches,
    webkit_search_marks_far_matches,
    search_marks_far_matches
);

in_every_browser!(
    chromium_search_gazetteer_and_invalid_regex,
    firefox_search_gazetteer_and_invalid_regex,
    webkit_search_gazetteer_and_invalid_regex,
    search_gazetteer_and_invalid_regex
);

fn seed(doc: &str) -> Res<Vec<char>> {
    let text = std::fs::read_to_string(manifest_dir().join(format!("seeds/{doc}.txt")))
        .context(format!("reading seeds/{doc}.txt"))?;
    Ok(text.chars().collect())
}

/// Where `term` (ASCII) occurs in each seed, case aside, in code points,
/// as `(doc, start, end)`; only as a whole word if `whole`.
fn occurrences(term: &str, whole: bool) -> Res<Vec<(String, usize, usize)>> {
    let term: Vec<char> = term.chars().collect();
    let mut found = Vec::new();
    for doc in DOCS {
        let text = seed(doc)?;
        for start in 0..text.len().saturating_sub(term.len() - 1) {
            let end = start + term.len();
            let same = text[start..end]
                .iter()
                .zip(&term)
                .all(|(a, b)| a.eq_ignore_ascii_case(b));
            let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
            let bounded =
                !word(start.checked_sub(1).and_then(|i| text.get(i))) && !word(text.get(end));
            if same && (!whole || bounded) {
                found.push((doc.to_string(), start, end));
            }
        }
    }
    Ok(found)
}

/// The `(doc, start, end)` of every element matching `selector`.
async fn spans_of(client: &Client, selector: &str) -> Res<Vec<(String, usize, usize)>> {
    page::eval(
        client,
        r#"return [...document.querySelectorAll(arguments[0])].map(el => [
            el.getAttribute("data-doc-id"),
            Number(el.getAttribute("data-start")),
            Number(el.getAttribute("data-end")),
        ]);"#,
        vec![json!(selector)],
    )
    .await
}

async fn wait_for_spans(
    client: &Client,
    selector: &str,
    expected: &[(String, usize, usize)],
) -> Res<()> {
    wait_until(
        &format!("{selector} to list the matches"),
        STEP_TIMEOUT,
        || async {
            let shown = spans_of(client, selector).await?;
            if shown == expected {
                Ok(Some(()))
            } else {
                Err(Failure(format!("listed {shown:?}")))
            }
        },
    )
    .await
}

async fn said(client: &Client, selector: &str, expected: &str) -> Res<()> {
    page::wait_for_text(client, selector, expected, expected).await
}

/// The document the reading pane shows, as the list marks it.
async fn open_now(client: &Client) -> Res<Option<String>> {
    page::eval(
        client,
        r#"const item = document.querySelector('[data-testid="doc-item"][aria-current="page"]');
           return item ? item.getAttribute("data-doc-id") : null;"#,
        vec![],
    )
    .await
}

/// Waits until the text's search marks are some, each reading `word` in
/// any case, and, if `last`, one is in the last paragraph holding `word`.
/// Says whether one is there.
async fn wait_for_marks(client: &Client, word: &str, last: bool) -> Res<bool> {
    wait_until(
        &format!("{word:?} marked in the text"),
        STEP_TIMEOUT,
        || async {
            let (texts, in_last): (Vec<String>, bool) = page::eval(
                client,
                r#"const h = CSS.highlights.get("search-match");
                   const ranges = h ? [...h] : [];
                   const blocks = [...document.querySelector('[data-testid="doc-text"]').children];
                   const last = blocks.flatMap(b => [...b.children])
                       .filter(p => p.textContent.toLowerCase().includes(arguments[0])).pop();
                   return [ranges.map(r => r.toString()),
                           ranges.some(r => last && last.contains(r.startContainer))];"#,
                vec![json!(word)],
            )
            .await?;
            let right = !texts.is_empty() && texts.iter().all(|t| t.to_lowercase() == word);
            if right && (in_last || !last) {
                Ok(Some(in_last))
            } else {
                Err(Failure(format!(
                    "marked {texts:?}, in the last paragraph: {in_last}"
                )))
            }
        },
    )
    .await
}

/// Scrolls the article to the last paragraph holding `word`, any case.
async fn scroll_to_last(client: &Client, word: &str) -> Res<()> {
    page::eval::<Value>(
        client,
        r#"const blocks = [...document.querySelector('[data-testid="doc-text"]').children];
           blocks.flatMap(b => [...b.children])
               .filter(p => p.textContent.toLowerCase().includes(arguments[0]))
               .pop()
               .scrollIntoView();
           return null;"#,
        vec![json!(word)],
    )
    .await?;
    Ok(())
}

/// Waits until document `doc` is open and the current match, marked in the
/// text by the Custom Highlight API, reads `quote`.
async fn wait_for_current(client: &Client, doc: &str, quote: &str) -> Res<()> {
    wait_until(
        &format!("{doc} open at {quote:?}"),
        STEP_TIMEOUT,
        || async {
            let open = open_now(client).await?;
            let marked: Option<String> = page::eval(
                client,
                r#"const h = CSS.highlights.get("search-current");
               return h && h.size === 1 ? [...h][0].toString() : null;"#,
                vec![],
            )
            .await?;
            if open.as_deref() == Some(doc) && marked.as_deref() == Some(quote) {
                Ok(Some(()))
            } else {
                Err(Failure(format!("open {open:?}, marked {marked:?}")))
            }
        },
    )
    .await
}

/// The annotations exported, as `(doc, start, end, label)`.
fn exported(annotations: &[Value]) -> BTreeSet<(String, usize, usize, String)> {
    annotations
        .iter()
        .map(|a| {
            (
                a["document_id"].as_str().unwrap_or_default().to_string(),
                a["start"].as_u64().unwrap_or_default() as usize,
                a["end"].as_u64().unwrap_or_default() as usize,
                a["label"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn match_selector(testid_name: &str, (doc, start, _): &(String, usize, usize)) -> String {
    format!(
        r#"{}[data-doc-id="{doc}"][data-start="{start}"]"#,
        testid(testid_name)
    )
}

/// In a long document, the matches near the view are marked and one far
/// below is not, until the article is scrolled there.
async fn search_marks_far_matches(session: Session, url: String) -> Res<()> {
    const DOC: &str = "long-search";
    let client = &session.client;
    let mut text = String::from("Astana, the first line.\n");
    for n in 0..600 {
        text.push_str(&format!(
            "Line {n} of a long article, with nothing to find.\n"
        ));
    }
    text.push_str("Astana again, the last line.\n");
    open_only_document(client, &url, DOC, &text).await?;
    page::press_key(client, '/').await?;
    page::type_text(client, "astana").await?;
    said(client, &testid("search-summary"), "2 matches.").await?;
    ensure!(
        !wait_for_marks(client, "astana", false).await?,
        "the match 600 lines below the view is marked before it is scrolled to"
    );
    scroll_to_last(client, "astana").await?;
    wait_for_marks(client, "astana", true).await?;
    Ok(())
}

async fn search_tag_all_over_every_document(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    open_seed(client, &url, DOCS[1]).await?;
    let astana = occurrences("astana", false)?;
    ensure_eq!(astana.len(), 13, "Astana in the seeds");

    // `/` from the page focuses the search; the scope goes to every document.
    page::press_key(client, '/').await?;
    let focused: Option<String> = page::eval(
        client,
        "return document.activeElement.getAttribute('data-testid');",
        vec![],
    )
    .await?;
    ensure_eq!(
        focused.as_deref(),
        Some("search-input"),
        "/ focuses the search"
    );
    page::type_text(client, "ASTANA").await?;
    wait_for_spans(
        client,
        &testid("search-result"),
        &astana
            .iter()
            .filter(|m| m.0 == DOCS[1])
            .cloned()
            .collect::<Vec<_>>(),
    )
    .await?;
    // Marked in the text: only matches, and those near the view, then the
    // last paragraph's once it is scrolled to.
    wait_for_marks(client, "astana", false).await?;
    scroll_to_last(client, "astana").await?;
    wait_for_marks(client, "astana", true).await?;
    client
        .find(Locator::Css(&testid("search-scope")))
        .await
        .context("the scope")?
        .select_by_value("all")
        .await
        .context("searching every document")?;
    wait_for_spans(client, &testid("search-result"), &astana).await?;
    said(client, &testid("search-summary"), "13 matches.").await?;

    // Enter and Shift+Enter, typed in the search box, go across documents.
    page::click(client, &testid("search-input")).await?;
    page::press_key(client, Key::Enter.into()).await?;
    said(client, &testid("search-summary"), "Match 1 of 13.").await?;
    wait_for_current(client, DOCS[0], "Astana").await?;
    page::press_key(client, Key::Enter.into()).await?;
    wait_for_current(client, DOCS[1], "Astana").await?;
    page::press_chord(client, &[Key::Shift], Key::Enter.into()).await?;
    page::press_chord(client, &[Key::Shift], Key::Enter.into()).await?;
    said(client, &testid("search-summary"), "Match 13 of 13.").await?;
    wait_for_current(client, DOCS[2], "Astana").await?;
    // A click goes there too.
    page::click(client, &match_selector("search-result", &astana[3])).await?;
    said(client, &testid("search-summary"), "Match 4 of 13.").await?;
    wait_for_current(client, DOCS[1], "Astana").await?;

    // Tag all as Location but the first match of article 001.
    page::click(client, &testid("search-tag-all")).await?;
    wait_for_spans(client, &testid("tag-all-match"), &astana).await?;
    client
        .find(Locator::Css(&testid("tag-all-label")))
        .await
        .context("the label")?
        .select_by_value("Location")
        .await
        .context("choosing Location")?;
    let unticked = astana[1].clone();
    page::click(client, &match_selector("tag-all-match", &unticked)).await?;
    page::click(client, &testid("tag-all-confirm")).await?;
    said(
        client,
        "[aria-live=polite]",
        "Tagged 12 matches; skipped 0 already tagged, 1 left unticked.",
    )
    .await?;
    let expected: BTreeSet<_> = astana
        .iter()
        .filter(|m| **m != unticked)
        .map(|(doc, start, end)| (doc.clone(), *start, *end, "Location".to_string()))
        .collect();
    ensure_eq!(
        exported(&export_annotations(&session).await?),
        expected,
        "the tagged matches, and not the unticked one"
    );

    // Again: the twelve are shown as tagged and cannot be ticked; Esc closes.
    page::click(client, &testid("search-tag-all")).await?;
    client
        .find(Locator::Css(&testid("tag-all-label")))
        .await
        .context("the label")?
        .select_by_value("Location")
        .await
        .context("choosing Location")?;
    let tagged: Vec<(String, usize, usize)> = spans_of(
        client,
        &format!(
            r#"{}[data-tagged="true"]:disabled"#,
            testid("tag-all-match")
        ),
    )
    .await?;
    ensure_eq!(tagged.len(), 12, "already tagged, shown as such");
    ensure!(
        !tagged.contains(&unticked),
        "the unticked one is not tagged"
    );
    page::press_key(client, Key::Escape.into()).await?;
    wait_until("Esc to close the preview", STEP_TIMEOUT, || async {
        let open: bool = page::eval(
            client,
            r#"return !!document.querySelector('[data-testid="tag-all-preview"]');"#,
            vec![],
        )
        .await?;
        Ok((!open).then_some(()))
    })
    .await?;

    // One undo step takes all twelve back.
    page::click(client, &testid("search-summary")).await?;
    page::press_chord(client, &[Key::Control], 'z').await?;
    said(client, "[aria-live=polite]", "Undid: tag 12 spans.").await?;
    ensure_eq!(
        export_annotations(&session).await?.len(),
        0,
        "annotations after the undo"
    );
    Ok(())
}

async fn search_gazetteer_and_invalid_regex(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;

    let list = "Astana\tLocation\nLavrentiev\tPerson\n\nRussia\tLocation\nIran Location\n";
    let scratch = ScratchDir::new("gazetteer")?;
    let file = scratch.path().join("terms.tsv");
    std::fs::write(&file, list)?;
    page::click(client, &testid("tag-from-list")).await?;
    client
        .find(Locator::Css(&testid("tag-list-file")))
        .await
        .context("the list's file input")?
        .send_keys(&file.display().to_string())
        .await
        .context("choosing the list")?;
    wait_until("the list to be loaded", STEP_TIMEOUT, || async {
        let value: Option<String> = page::eval(
            client,
            r#"const t = document.querySelector('[data-testid="tag-list-text"]');
               return t ? t.value : null;"#,
            vec![],
        )
        .await?;
        Ok((value.as_deref() == Some(list)).then_some(()))
    })
    .await?;
    page::click(client, &testid("tag-list-apply")).await?;

    let mut expected = Vec::new();
    for (term, label) in [
        ("Astana", "Location"),
        ("Lavrentiev", "Person"),
        ("Russia", "Location"),
    ] {
        for (doc, start, end) in occurrences(term, true)? {
            expected.push((doc, start, end, label.to_string()));
        }
    }
    let spans: Vec<(String, usize, usize)> = expected
        .iter()
        .map(|(d, s, e, _)| (d.clone(), *s, *e))
        .collect();
    ensure!(
        spans.iter().any(|s| s.0 == DOCS[0]) && spans.iter().any(|s| s.0 == DOCS[2]),
        "the terms occur across documents"
    );
    wait_for_spans(client, &testid("tag-all-match"), &spans).await?;
    said(
        client,
        &format!("{} .warning", testid("tag-all-preview")),
        "Left out: line 5 has no tab between the term and its label.",
    )
    .await?;
    page::click(client, &testid("tag-all-confirm")).await?;
    said(
        client,
        "[aria-live=polite]",
        &format!(
            "Tagged {} matches; skipped 0 already tagged.",
            expected.len()
        ),
    )
    .await?;
    ensure_eq!(
        exported(&export_annotations(&session).await?),
        expected.into_iter().collect::<BTreeSet<_>>(),
        "the gazetteer's annotations"
    );

    // An invalid regular expression says why, and lists nothing.
    page::click(client, &testid("search-regex")).await?;
    page::click(client, &testid("search-input")).await?;
    page::type_text(client, "(Astana").await?;
    said(
        client,
        &testid("search-summary"),
        "Cannot search: “(Astana” is not a valid regular expression: unclosed group.",
    )
    .await?;
    ensure_eq!(
        spans_of(client, &testid("search-result")).await?.len(),
        0,
        "results of an invalid pattern"
    );
    // The app's regex engine is built without Unicode class tables (their
    // size in the wasm): a class says so, and what to use instead.
    page::press_chord(client, &[Key::Control], 'a').await?;
    page::type_text(client, r"\p{Greek}").await?;
    said(
        client,
        &testid("search-summary"),
        "Cannot search: “\\p{Greek}” is not a valid regular expression: Unicode classes \
         (\\p{…}) are not supported; \\w, \\d and \\s match letters, digits and spaces of \
         every script.",
    )
    .await?;
    let disabled: bool = page::eval(
        client,
        r#"return document.querySelector('[data-testid="search-tag-all"]').disabled;"#,
        vec![],
    )
    .await?;
    ensure!(disabled, "nothing to tag");
    Ok(())
}
