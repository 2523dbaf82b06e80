//! A long document the user added, with more spans than are drawn at once,
//! read back from the documented localStorage schema: it is listed with its
//! title, its text is exact, the highlights near the visible area are drawn
//! at once and the far ones only when scrolled to, and tagging still works.
//! A document of 100,000 lines is drawn as it is read (a few thousand
//! elements, not a hundred thousand), and is searched and tagged at its
//! end; a document of one long line is drawn in pieces that read as one
//! line, and is tagged in its middle.

use fantoccini::Client;

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
const LINES: usize = 100_000;

in_every_browser!(
    chromium_hundred_thousand_lines,
    firefox_hundred_thousand_lines,
    webkit_hundred_thousand_lines,
    hundred_thousand_lines
);

in_every_browser!(
    chromium_one_long_line,
    firefox_one_long_line,
    webkit_one_long_line,
    one_long_line
);

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

    scroll_to_end(client).await?;
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

async fn scroll_to_end(client: &Client) -> Res<()> {
    client
        .execute(
            "const main = document.querySelector('.main'); main.scrollTop = main.scrollHeight;",
            vec![],
        )
        .await
        .context("scrolling to the end")?;
    Ok(())
}

/// How many elements the reading pane holds.
async fn pane_elements(client: &Client) -> Res<usize> {
    page::eval(
        client,
        "return document.querySelector('[data-testid=\"doc-text\"]').getElementsByTagName('*').length;",
        vec![],
    )
    .await
}

/// Plants `text` as the only document, `id`, and opens it.
async fn plant_and_open(client: &Client, url: &str, id: &str, text: &str) -> Res<()> {
    client.goto(url).await.context("opening the app")?;
    wait_for_app(client).await?;
    let items = stored_document(Schema::Current, id, &format!("{id}.txt"), id, text, &[]);
    store_and_reload(client, &items).await?;
    open_listed(client, id, text).await
}

/// Waits for document `id` to be listed, and opens it.
async fn open_listed(client: &Client, id: &str, text: &str) -> Res<()> {
    wait_until("the planted document", STEP_TIMEOUT, || async {
        match page::text_content(client, &doc_item(id)).await? {
            Some(_) => Ok(Some(())),
            None => {
                let said: Vec<String> = page::eval(
                    client,
                    r#"return [...document.querySelectorAll('[role=alert], [role=status]')]
                           .map(e => e.textContent).filter(t => t.trim());"#,
                    vec![],
                )
                .await?;
                Err(Failure(format!("not listed; the page says {said:?}")))
            }
        }
    })
    .await?;
    open_document(client, id, text).await
}

/// Selects code points `start..end` of `text` with the mouse, presses `4`
/// (Event), and waits for the highlight reading `quote`.
async fn tag(client: &Client, text: &str, start: usize, end: usize, quote: &str) -> Res<()> {
    page::drag_select(client, text, start, end).await?;
    page::press_key(client, '4').await?;
    wait_for_highlights(client, &format!("{quote:?} highlighted"), |h| {
        h.values().any(|t| t == quote)
    })
    .await?;
    Ok(())
}

/// The code points of the first `word` in `text` at or after code point
/// `from`.
fn find_word(text: &str, word: &str, from: usize) -> Res<(usize, usize)> {
    let skip: usize = text.chars().take(from).map(char::len_utf8).sum();
    let byte = text[skip..]
        .find(word)
        .context(format!("{word:?} in the text"))?
        + skip;
    let start = text[..byte].chars().count();
    Ok((start, start + word.chars().count()))
}

async fn hundred_thousand_lines(session: Session, url: String) -> Res<()> {
    const ID: &str = "lines-test";
    let client = &session.client;
    // Mixed scripts on every line; the last line alone names Kazakhstan.
    let mut text: String = (0..LINES - 1)
        .map(|i| format!("{i}\u{a0}“Ast” 👍🏽 של e\u{301}\n"))
        .collect();
    text.push_str("The envoys met in Kazakhstan 👩‍👩‍👧 at last.");
    plant_and_open(client, &url, ID, &text).await?;
    let elements = pane_elements(client).await?;
    ensure!(
        elements < LINES / 10,
        "{elements} elements in the pane for {LINES} lines: it is not drawn as it is read"
    );

    // The search finds the last line, and going to the match brings it into
    // view, marked.
    page::press_key(client, '/').await?;
    page::type_text(client, "kazakhstan").await?;
    let (start, end) = find_word(&text, "Kazakhstan", 0)?;
    let result =
        format!("[data-testid=\"search-result\"][data-start=\"{start}\"][data-end=\"{end}\"]");
    page::click(client, &result).await?;
    wait_until("the match marked in view", STEP_TIMEOUT, || async {
        let seen: Option<(String, bool)> = page::eval(
            client,
            r#"const h = CSS.highlights && CSS.highlights.get("search-current");
               if (!h || h.size !== 1) return null;
               const range = [...h][0];
               const box = range.getBoundingClientRect();
               return [range.toString(),
                       box.height > 0 && box.top >= 0 && box.bottom <= innerHeight];"#,
            vec![],
        )
        .await?;
        match seen {
            Some((quote, true)) if quote == "Kazakhstan" => Ok(Some(())),
            other => Err(Failure(format!("marked and in view: {other:?}"))),
        }
    })
    .await?;

    // Tagged there, with the mouse, and still there after a reload.
    tag(client, &text, start, end, "Kazakhstan").await?;
    let elements = pane_elements(client).await?;
    ensure!(
        elements < LINES / 10,
        "{elements} elements in the pane after going to its end"
    );
    client.refresh().await.context("reloading")?;
    open_listed(client, ID, &text).await?;
    scroll_to_end(client).await?;
    wait_for_highlights(client, "the span at the end after a reload", |h| {
        h.values().any(|t| t == "Kazakhstan")
    })
    .await?;
    Ok(())
}

async fn one_long_line(session: Session, url: String) -> Res<()> {
    const ID: &str = "line-test";
    let client = &session.client;
    // About 300,000 characters on one line, with a word found once in its
    // middle.
    let words = "Talks in “Astana” 👩‍👩‍👧 went on; Lavrentiev\u{a0}said 中文 עברית e\u{301}. ";
    let half = words.repeat(2_000);
    let text = format!("{half}Kazakhstan {half}");
    plant_and_open(client, &url, ID, &text).await?;
    // Drawn in pieces, each inline, so that they read as one line.
    let (pieces, inline): (usize, usize) = page::eval(
        client,
        r#"const pieces = [...document.querySelectorAll('[data-testid="doc-text"] .para.piece')];
           return [pieces.length, pieces.filter(p => getComputedStyle(p).display === "inline").length];"#,
        vec![],
    )
    .await?;
    ensure!(pieces > 1, "the line is drawn as {pieces} pieces");
    ensure_eq!(inline, pieces, "pieces shown inline");
    let (start, end) = find_word(&text, "Kazakhstan", 0)?;
    tag(client, &text, start, end, "Kazakhstan").await?;
    page::wait_for_text(
        client,
        &page::testid("doc-text"),
        &text,
        "the text after tagging",
    )
    .await?;
    Ok(())
}
