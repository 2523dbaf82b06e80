//! A long document the user added, with more spans than are drawn at once,
//! read back from the documented localStorage schema: it is listed with its
//! title, its text is exact, the highlights near the visible area are drawn
//! at once and the far ones only when scrolled to, and tagging still works.

use crate::support::app::{
    doc_item, open_document, store_and_reload, stored_document, wait_for_app, wait_for_highlights,
    Schema,
};
use crate::support::browser::Session;
use crate::support::page::{self, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const DOC: &str = "long-test";
const SPANS: usize = 3_000;

in_every_browser!(
    chromium_long_document,
    firefox_long_document,
    webkit_long_document,
    long_document
);

/// 400 paragraphs of mixed-script sentences, and `SPANS` one-word spans
/// spread evenly over the whole text, so the last one is near the end.
fn document() -> (String, Vec<(usize, usize)>) {
    let sentences = [
        "Talks in Astana 👩‍👩‍👧 ended on “Friday”.",
        "Lavrentiev said the zones\u{a0}need finalising.",
        "Caf\u{e9} e\u{301}te\u{301} 中文字 and עברית with العربية 👍🏽.",
    ];
    let text: String = (0..400)
        .map(|i| {
            format!(
                "{} {} {}\n",
                sentences[i % 3],
                sentences[(i + 1) % 3],
                sentences[(i + 2) % 3]
            )
        })
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<(usize, usize)> = (1..chars.len())
        .filter(|&i| chars[i - 1] == ' ' && chars[i].is_alphabetic())
        .map(|i| {
            (
                i,
                (i..chars.len())
                    .find(|&j| !chars[j].is_alphanumeric())
                    .unwrap_or(chars.len()),
            )
        })
        .collect();
    let spans = (0..SPANS).map(|k| words[k * words.len() / SPANS]).collect();
    (text, spans)
}

async fn long_document(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let (text, spans) = document();
    ensure_eq!(spans.len(), SPANS, "spans generated");
    let labelled: Vec<(usize, usize, &str)> = spans
        .iter()
        .enumerate()
        .map(|(n, (start, end))| (*start, *end, ["Person", "Location", "Event"][n % 3]))
        .collect();
    let items = stored_document(
        Schema::Current,
        DOC,
        "long.txt",
        "A long test",
        &text,
        &labelled,
    );

    client.goto(&url).await.context("opening the app")?;
    wait_for_app(client).await?;
    store_and_reload(client, &items).await?;
    wait_until("the added document to be listed", STEP_TIMEOUT, || async {
        match page::text_content(client, &doc_item(DOC)).await? {
            Some(item) if item.contains("A long test") && item.contains("3000 annotations") => {
                Ok(Some(()))
            }
            other => Err(Failure(format!("item reads {other:?}"))),
        }
    })
    .await?;
    open_document(client, DOC, &text).await?;

    // Near the top: drawn. Near the end: not yet.
    let first_id = format!("{:032x}", 0);
    let last_id = format!("{:032x}", SPANS - 1);
    let top = wait_for_highlights(client, "the first highlights to be drawn", |h| {
        h.contains_key(&first_id)
    })
    .await?;
    ensure!(
        top.len() < SPANS,
        "all {SPANS} highlights were drawn at once"
    );
    ensure!(
        !top.contains_key(&last_id),
        "the last highlight was drawn before scrolling to it"
    );

    client
        .execute(
            "const main = document.querySelector('.main'); main.scrollTop = main.scrollHeight;",
            vec![],
        )
        .await
        .context("scrolling to the end")?;
    let end = wait_for_highlights(
        client,
        "the last highlight to be drawn after scrolling",
        |h| h.contains_key(&last_id),
    )
    .await?;
    let (last_start, last_end) = spans[SPANS - 1];
    let expected: String = text
        .chars()
        .skip(last_start)
        .take(last_end - last_start)
        .collect();
    ensure_eq!(
        end.get(&last_id),
        Some(&expected),
        "text of the last highlight"
    );

    // Tag a word in the last paragraph that has no span yet.
    let words: Vec<char> = text.chars().collect();
    let free = (spans[SPANS - 1].1..words.len())
        .find(|&i| words[i - 1] == ' ' && words[i].is_alphabetic())
        .context("a word after the last span")?;
    let free_end = (free..words.len())
        .find(|&j| !words[j].is_alphanumeric())
        .unwrap_or(words.len());
    page::drag_select(client, &text, free, free_end).await?;
    page::press_key(client, '4').await?;
    wait_until(
        "the document list to count the new span",
        STEP_TIMEOUT,
        || async {
            match page::text_content(client, &doc_item(DOC)).await? {
                Some(item) if item.contains("3001 annotations") => Ok(Some(())),
                other => Err(Failure(format!("item reads {other:?}"))),
            }
        },
    )
    .await?;
    Ok(())
}
