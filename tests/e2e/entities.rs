//! Entities across documents and coverage at a glance: two mentions of
//! "Lavrentiev" in two articles linked to one entity through their cards
//! (typed and Enter, then the one-click suggestion), the link undone and
//! taken again; the entities view lists the entity with both mentions and
//! opens one where it is; the coverage matrix counts them, as the native
//! export's `entity` fields and the CSV download do, and opens a cell's
//! mention; the SVG download holds the cells; all of it kept through a
//! reload; both views pass axe-core in the light and the dark scheme. With
//! `E2E_SCREENSHOTS`, Chromium's view of the coverage is saved
//! for the README.

use std::collections::BTreeMap;

use fantoccini::key::Key;
use fantoccini::Client;
use serde_json::Value;

use crate::accessibility::audit;
use crate::keyboard::chord;
use crate::support::app::{
    code_points, detail_card_ids, export_annotations, open_document, open_seed, wait_for_app,
    wait_for_highlights,
};
use crate::support::browser::{BrowserKind, Session};
use crate::support::page::{self, css_string, testid, STEP_TIMEOUT};
use crate::support::{wait_until, Context, Failure, Res};
use crate::{ensure, ensure_eq, in_every_browser};

const FIRST: &str = "000_941015829bfed30d";
const SECOND: &str = "001_c07fc3de27d30260";
const THIRD: &str = "002_851cd8e497878d71";
/// Typed with spaces around and doubled, kept trimmed and collapsed.
const TYPED: &str = "  Alexander   Lavrentiev (Лаврентьев) ";
const ENTITY: &str = "Alexander Lavrentiev (Лаврентьев)";

in_every_browser!(
    chromium_entities,
    firefox_entities,
    webkit_entities,
    entities
);

async fn entities(session: Session, url: String) -> Res<()> {
    let client = &session.client;
    let first_text = open_seed(client, &url, FIRST).await?;
    let first = tag_person(client, &first_text).await?;
    page::click(client, &card_field(&first)).await?;
    page::type_text(client, &format!("{TYPED}\n")).await?;
    wait_for_field(client, &first, ENTITY).await?;

    // The second article's "Lavrentiev" is offered for the entity at once.
    let second_text = read_seed(SECOND)?;
    open_document(client, SECOND, &second_text).await?;
    let second = tag_person(client, &second_text).await?;
    let suggestion = format!(
        "{} section[data-ann-id=\"{second}\"] {} button",
        testid("annotation-details"),
        testid("entity-suggestions")
    );
    wait_for_text(
        client,
        &suggestion,
        &format!("Link 1 more mention (Person) to “{ENTITY}”"),
    )
    .await?;
    page::click(client, &suggestion).await?;
    wait_for_field(client, &second, ENTITY).await?;
    // Undo unlinks it, and the suggestion comes back; taking it links again.
    chord(client, &[Key::Control], 'z').await?;
    wait_for_field(client, &second, "").await?;
    page::click(client, &suggestion).await?;
    wait_for_field(client, &second, ENTITY).await?;

    // The entities view lists both mentions, one per article, and opens one.
    page::click(client, &testid("view-entities")).await?;
    let row = format!(
        "{}[data-entity={}]",
        testid("entity-row"),
        css_string(ENTITY)
    );
    let mentions = wait_for_mentions(client, &row, 2).await?;
    audit(client, "the entities view").await?;
    ensure_eq!(
        mentions,
        vec![
            (FIRST.to_string(), first.clone()),
            (SECOND.to_string(), second.clone())
        ],
        "the entity's mentions"
    );
    page::click(
        client,
        &format!(
            "{row} {}[data-ann-id=\"{first}\"]",
            testid("entity-mention")
        ),
    )
    .await?;
    page::wait_for_text(
        client,
        &testid("doc-text"),
        &first_text,
        "the first article to open",
    )
    .await?;
    wait_for_cards(client, &first).await?;

    // The coverage matrix counts them, as the export and the CSV do.
    let exported = export_annotations(&session).await?;
    let expected = counts_in_export(&exported);
    ensure_eq!(
        expected,
        BTreeMap::from([(FIRST.to_string(), 1), (SECOND.to_string(), 1)]),
        "the export's entity fields per document"
    );
    check_coverage(client, &expected).await?;
    audit(client, "the coverage view").await?;
    session.expect_download("coverage.csv").await?;
    page::click(client, &testid("coverage-export-csv")).await?;
    let (_, csv) = session
        .wait_for_download_bytes("coverage.csv", STEP_TIMEOUT, |b| b.ends_with(b"\r\n"))
        .await?;
    let csv = String::from_utf8(csv).context("the CSV is UTF-8")?;
    ensure_eq!(
        csv.lines().next(),
        Some("entity,label,document_id,document_title,mentions"),
        "the CSV's header"
    );
    let from_csv: BTreeMap<String, usize> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells.first() == Some(&ENTITY) && cells.last() != Some(&"0"))
                .then(|| Some((cells[2].to_string(), cells.last()?.parse().ok()?)))
                .flatten()
        })
        .collect();
    ensure_eq!(from_csv, expected, "the CSV's counts");
    ensure_eq!(
        csv.lines().count(),
        1 + 3,
        "one CSV row per entity and document"
    );
    session.expect_download("coverage.svg").await?;
    page::click(client, &testid("coverage-export-svg")).await?;
    let (_, svg) = session
        .wait_for_download_bytes("coverage.svg", STEP_TIMEOUT, |b| b.ends_with(b"</svg>\n"))
        .await?;
    let svg = String::from_utf8(svg).context("the SVG is UTF-8")?;
    ensure!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            && svg.matches("data-testid=\"coverage-cell\"").count() == 3
            && svg.contains("data-testid=\"label-chart\"")
            && svg.contains(ENTITY),
        "the SVG download holds the matrix and the chart: {svg}"
    );

    // The label chart's CSV counts each label in each document as the
    // export does.
    session.expect_download("labels.csv").await?;
    page::click(client, &testid("label-chart-export-csv")).await?;
    let (_, labels_csv) = session
        .wait_for_download_bytes("labels.csv", STEP_TIMEOUT, |b| b.ends_with(b"\r\n"))
        .await?;
    let labels_csv = String::from_utf8(labels_csv).context("the labels CSV is UTF-8")?;
    ensure_eq!(
        labels_csv.lines().next(),
        Some("label,document_id,document_title,annotations"),
        "the labels CSV's header"
    );
    let mut per_label: BTreeMap<(String, String), usize> = BTreeMap::new();
    for annotation in &exported {
        let label = annotation["label"].as_str().unwrap_or_default().to_string();
        let document = annotation["document_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        *per_label.entry((label, document)).or_default() += 1;
    }
    let from_labels_csv: BTreeMap<(String, String), usize> = labels_csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let count: usize = cells.last()?.parse().ok()?;
            (count > 0).then(|| ((cells[0].to_string(), cells[1].to_string()), count))
        })
        .collect();
    ensure_eq!(from_labels_csv, per_label, "the labels CSV's counts");

    // A cell opens its mention.
    let cell = format!(
        "{}[data-entity={}][data-doc-id=\"{SECOND}\"]",
        testid("coverage-cell"),
        css_string(ENTITY)
    );
    page::click(client, &cell).await?;
    let opened = format!(
        "{} {}[data-ann-id=\"{second}\"]",
        testid("coverage-mentions"),
        testid("entity-mention")
    );
    page::click(client, &opened).await?;
    page::wait_for_text(
        client,
        &testid("doc-text"),
        &second_text,
        "the second article to open",
    )
    .await?;
    wait_for_cards(client, &second).await?;

    // Kept through a reload.
    client.refresh().await.context("reloading")?;
    wait_for_app(client).await?;
    check_coverage(client, &expected).await?;
    screenshot(&session).await?;

    // The views hold up in the dark scheme too.
    chord(client, &[], Key::Escape).await?;
    page::click(client, &testid("theme-toggle")).await?;
    check_coverage(client, &expected).await?;
    audit(client, "the coverage view, dark").await?;
    // Alt+E and Alt+C open the views from the keyboard.
    chord(client, &[], Key::Escape).await?;
    chord(client, &[Key::Alt], 'e').await?;
    wait_for_mentions(client, &row, 2).await?;
    audit(client, "the entities view, dark").await?;
    chord(client, &[], Key::Escape).await?;
    chord(client, &[Key::Alt], 'c').await?;
    wait_until("Alt+C to open the coverage view", STEP_TIMEOUT, || async {
        let open: bool = page::eval(
            client,
            r#"return document.querySelector('[data-testid="coverage-view"]') !== null
                && document.querySelector('[data-testid="entities-view"]') === null;"#,
            vec![],
        )
        .await?;
        if open {
            Ok(Some(()))
        } else {
            Err(Failure("the coverage view is not (alone) open".into()))
        }
    })
    .await
}

/// With `E2E_SCREENSHOTS=<folder>`, saves the coverage view as Chromium
/// shows it there, as the README shows it (`docs/screenshots/`).
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
    let path = std::path::Path::new(&folder).join("coverage.png");
    std::fs::write(&path, png).context(format!("writing {}", path.display()))
}

fn read_seed(doc: &str) -> Res<String> {
    std::fs::read_to_string(crate::support::manifest_dir().join(format!("seeds/{doc}.txt")))
        .context(format!("reading seeds/{doc}.txt"))
}

/// Tags the first "Lavrentiev" of the open article as Person by a real drag
/// and the hotkey; its id, once its card shows.
async fn tag_person(client: &Client, text: &str) -> Res<String> {
    let (start, end) = code_points(text, "Lavrentiev")?;
    page::drag_select(client, text, start, end).await?;
    page::press_key(client, '1').await?;
    let shown = wait_for_highlights(client, "the new highlight", |h| h.len() == 1).await?;
    let id = shown.keys().next().context("one highlight")?.clone();
    wait_for_cards(client, &id).await?;
    Ok(id)
}

fn card_field(id: &str) -> String {
    format!(
        "{} section[data-ann-id=\"{id}\"] {}",
        testid("annotation-details"),
        testid("entity-input")
    )
}

async fn wait_for_cards(client: &Client, id: &str) -> Res<()> {
    wait_until("the annotation's card", STEP_TIMEOUT, || async {
        let shown = detail_card_ids(client).await?;
        if shown == [id.to_string()] {
            Ok(Some(()))
        } else {
            Err(Failure(format!("cards {shown:?}")))
        }
    })
    .await
}

/// Waits until annotation `id`'s entity field shows `expected`, as stored.
async fn wait_for_field(client: &Client, id: &str, expected: &str) -> Res<()> {
    let selector = card_field(id);
    wait_until(
        &format!("the entity field to read {expected:?}"),
        STEP_TIMEOUT,
        || async {
            let value: Option<String> = page::eval(
                client,
                "const f = document.querySelector(arguments[0]); return f ? f.value : null;",
                vec![Value::from(selector.as_str())],
            )
            .await?;
            if value.as_deref() == Some(expected) {
                Ok(Some(()))
            } else {
                Err(Failure(format!("the field holds {value:?}")))
            }
        },
    )
    .await
}

async fn wait_for_text(client: &Client, selector: &str, expected: &str) -> Res<()> {
    wait_until(expected, STEP_TIMEOUT, || async {
        match page::text_content(client, selector).await? {
            Some(text) if text == expected => Ok(Some(())),
            other => Err(Failure(format!("{selector} reads {other:?}"))),
        }
    })
    .await
}

/// The (document, annotation) of each mention listed in `row`, once there
/// are `count`.
async fn wait_for_mentions(client: &Client, row: &str, count: usize) -> Res<Vec<(String, String)>> {
    wait_until("the entity's mentions", STEP_TIMEOUT, || async {
        let found: Vec<(String, String)> = page::eval(
            client,
            r#"return [...document.querySelectorAll(arguments[0] + ' [data-testid="entity-mention"]')]
                .map(m => [m.getAttribute("data-doc-id"), m.getAttribute("data-ann-id")]);"#,
            vec![Value::from(row)],
        )
        .await?;
        if found.len() == count {
            Ok(Some(found))
        } else {
            Err(Failure(format!("mentions {found:?}")))
        }
    })
    .await
}

/// How many annotations of each document name the entity, in an export.
fn counts_in_export(annotations: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for annotation in annotations {
        if annotation["entity"] == ENTITY {
            let doc = annotation["document_id"].as_str().unwrap_or_default();
            *counts.entry(doc.to_string()).or_default() += 1;
        }
    }
    counts
}

/// Opens the coverage view and checks the entity's row against `expected`
/// (documents left out count zero); leaves the view open.
async fn check_coverage(client: &Client, expected: &BTreeMap<String, usize>) -> Res<()> {
    page::click(client, &testid("view-coverage")).await?;
    let all = [FIRST, SECOND, THIRD];
    wait_until("the coverage matrix", STEP_TIMEOUT, || async {
        let cells: Vec<(String, String, String)> = page::eval(
            client,
            r#"return [...document.querySelectorAll('[data-testid="coverage-cell"]')]
                .map(c => [c.getAttribute("data-entity"), c.getAttribute("data-doc-id"), c.getAttribute("data-count")]);"#,
            vec![],
        )
        .await?;
        let wanted: Vec<(String, String, String)> = all
            .iter()
            .map(|doc| {
                let count = expected.get(*doc).copied().unwrap_or(0);
                (ENTITY.to_string(), doc.to_string(), count.to_string())
            })
            .collect();
        if cells == wanted {
            Ok(Some(()))
        } else {
            Err(Failure(format!("cells {cells:?}")))
        }
    })
    .await?;
    let chart: usize = page::eval(
        client,
        r#"return document.querySelectorAll('[data-testid="label-chart"] [data-testid="label-bar"]').length;"#,
        vec![],
    )
    .await?;
    ensure!(chart > 0, "the label chart has bars");
    Ok(())
}
