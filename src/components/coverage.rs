//! Coverage at a glance (Alt+C): a matrix of entities (rows) × documents
//! (columns), each cell the number of mentions, shaded by it and sortable
//! by total; and a bar chart of label counts per document. Both are SVG the
//! app draws; each cell and bar opens its mentions, both download as SVG
//! and CSV, and a table behind the pictures says the same to a screen
//! reader (it shows itself when the keyboard reaches it).

use leptos::prelude::*;

use super::entities::{track_all, MentionsByDocument};
use super::view_dialog::ViewDialog;
use crate::browser::download::download;
use crate::state::{Notice, View};
use span_core::model::{Entities, Entity, LabelCounts, Mention};

const CELL_W: usize = 56;
const CELL_H: usize = 26;
const NAME_W: usize = 190;
const HEAD_H: usize = 110;
const BAR_W: usize = 14;
const BAR_GAP: usize = 18;
const CHART_H: usize = 160;
const CHART_TOP: usize = 16;
const CHART_FOOT: usize = 60;
const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// How many characters of a name or title the pictures show; the whole
/// text is in the cell's tooltip and in the table.
const SHOWN_CHARS: usize = 24;
/// How many characters of a title fit under a group of bars.
const SHOWN_UNDER_BARS: usize = 14;

fn clip(text: &str) -> String {
    clip_to(text, SHOWN_CHARS)
}

fn clip_to(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_string()
    } else {
        let mut clipped: String = text.chars().take(chars - 1).collect();
        clipped.push('…');
        clipped
    }
}

/// The button that opens the coverage view.
#[component]
pub fn CoverageButton(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="view-open"
            data-testid="view-coverage"
            aria-keyshortcuts="Alt+C"
            title="Coverage at a glance (Alt+C)"
            on:click=move |_| open.set(true)
        >
            "Coverage"
        </button>
    }
}

/// What a click on a cell or a bar opened: its mentions, under a heading.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Opened {
    heading: String,
    mentions: Vec<Mention>,
}

#[component]
pub fn CoverageView(open: RwSignal<bool>) -> impl IntoView {
    let view = expect_context::<View>();
    let matrix = NodeRef::<leptos::svg::Svg>::new();
    let chart = NodeRef::<leptos::svg::Svg>::new();
    let by_total = RwSignal::new(true);
    let opened = RwSignal::new(None::<Opened>);
    // What a cell or bar opened is forgotten when the view closes.
    Effect::new(move || {
        if !open.get() {
            opened.set(None);
        }
    });
    let entities = Memo::new(move |_| {
        if !open.get() {
            return Entities::default();
        }
        track_all(view.store);
        view.store.with(Entities::of)
    });
    let rows = Memo::new(move |_| {
        entities.with(|e| {
            if by_total.get() {
                e.by_total().into_iter().cloned().collect::<Vec<Entity>>()
            } else {
                e.list.clone()
            }
        })
    });
    let documents = Memo::new(move |_| {
        view.store.track_documents();
        view.store.with(|w| {
            w.documents()
                .map(|d| (d.id.clone(), d.title.clone()))
                .collect::<Vec<_>>()
        })
    });
    let labels = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        track_all(view.store);
        view.store.track_labels();
        view.store.with(LabelCounts::of)
    });
    let max = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .flat_map(|e| e.per_document.iter().copied())
                .max()
                .unwrap_or(0)
        })
    });
    let open_cell = move |entity: &Entity, doc: usize, title: &str| {
        opened.set(Some(Opened {
            heading: format!("“{}” in “{}”", entity.name, title),
            mentions: entity
                .mentions
                .iter()
                .filter(|m| m.document == doc)
                .cloned()
                .collect(),
        }));
    };
    let open_bar = move |label: &str, doc: usize, title: &str| {
        let mentions = view.store.with(|w| {
            w.annotations(doc)
                .into_iter()
                .flat_map(|a| a.iter())
                .filter(|a| a.label == label)
                .map(|a| Mention {
                    document: doc,
                    id: a.id.clone(),
                    start: a.start,
                    end: a.end,
                    quote: a.quote.clone(),
                    label: a.label.clone(),
                })
                .collect()
        });
        opened.set(Some(Opened {
            heading: format!("{label} in “{title}”"),
            mentions,
        }));
    };
    // The column heads lean right, past the last column.
    let matrix_w = move || NAME_W + documents.with(Vec::len) * CELL_W + HEAD_H + 40;
    let matrix_h = move || HEAD_H + rows.with(Vec::len).max(1) * CELL_H + 4;
    let chart_w =
        move || NAME_W + documents.with(Vec::len) * (labels.with(Vec::len) * BAR_W + BAR_GAP) + 8;
    let chart_h = CHART_TOP + CHART_H + CHART_FOOT;
    let export_csv = move |_| {
        let csv = view.store.with(|w| Entities::of(w).csv(w));
        save(view, "coverage.csv", "text/csv", csv.as_bytes());
    };
    let export_chart_csv = move |_| {
        let csv = view
            .store
            .with(|w| LabelCounts::csv(&LabelCounts::of(w), w));
        save(view, "labels.csv", "text/csv", csv.as_bytes());
    };
    let export_svg = move |_| {
        let (Some(matrix), Some(chart)) = (matrix.get_untracked(), chart.get_untracked()) else {
            return;
        };
        let width = untrack(|| matrix_w().max(chart_w()));
        let height = untrack(matrix_h);
        let svg = standalone_svg(&matrix.outer_html(), &chart.outer_html(), (width, height));
        save(view, "coverage.svg", "image/svg+xml", svg.as_bytes());
    };
    let bar_max = move || {
        labels
            .with(|l| l.iter().flat_map(|l| l.per_document.iter().copied()).max())
            .unwrap_or(0)
            .max(1)
    };
    view! {
        <ViewDialog
            open
            class="coverage-dialog"
            testid="coverage-view"
            title_id="coverage-title"
            title="Coverage at a glance"
        >
                    <div class="coverage-actions">
                        <button
                            type="button"
                            data-testid="coverage-sort"
                            aria-pressed=move || by_total.get().to_string()
                            on:click=move |_| by_total.update(|on| *on = !*on)
                        >
                            {move || if by_total.get() { "Sorted by total" } else { "Sorted by name" }}
                        </button>
                        <button type="button" data-testid="coverage-export-csv" on:click=export_csv>
                            "Download entities CSV"
                        </button>
                        <button
                            type="button"
                            data-testid="label-chart-export-csv"
                            on:click=export_chart_csv
                        >
                            "Download labels CSV"
                        </button>
                        <button type="button" data-testid="coverage-export-svg" on:click=export_svg>
                            "Download SVG"
                        </button>
                    </div>
                    <h3>"Entities × documents"</h3>
                    <div class="coverage-picture">
                        <svg
                            node_ref=matrix
                            xmlns=SVG_NS
                            class="coverage-matrix"
                            aria-hidden="true"
                            width=matrix_w
                            height=matrix_h
                            viewBox=move || format!("0 0 {} {}", matrix_w(), matrix_h())
                            font-family="system-ui, sans-serif"
                            font-size="12"
                        >
                            {move || {
                                documents
                                    .get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(doc, (_, title))| {
                                        let x = NAME_W + doc * CELL_W + CELL_W / 2;
                                        view! {
                                            <text
                                                class="coverage-head"
                                                transform=format!("translate({x} {}) rotate(-35)", HEAD_H - 6)
                                                fill="currentColor"
                                            >
                                                <title>{title.clone()}</title>
                                                {clip(&title)}
                                            </text>
                                        }
                                    })
                                    .collect_view()
                            }}
                            {move || {
                                let max = max.get().max(1);
                                let titles = documents.get();
                                rows.get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(row, entity)| {
                                        let y = HEAD_H + row * CELL_H;
                                        let name = entity.name.clone();
                                        let entity = StoredValue::new(entity);
                                        let cells = titles
                                            .iter()
                                            .enumerate()
                                            .map(|(doc, (doc_id, title))| {
                                                let count = entity.with_value(|e| e.per_document[doc]);
                                                let x = NAME_W + doc * CELL_W;
                                                let shade = if count == 0 {
                                                    0.0
                                                } else {
                                                    0.15 + 0.85 * count as f64 / max as f64
                                                };
                                                let title = title.clone();
                                                let tooltip = format!(
                                                    "{}: {count} in “{title}”",
                                                    entity.with_value(|e| e.name.clone()),
                                                );
                                                view! {
                                                    <g
                                                        class="coverage-cell"
                                                        on:click=move |_| {
                                                            entity.with_value(|e| open_cell(e, doc, &title))
                                                        }
                                                    >
                                                        <title>{tooltip}</title>
                                                        <rect
                                                            data-testid="coverage-cell"
                                                            data-entity=entity.with_value(|e| e.name.clone())
                                                            data-doc-id=doc_id.clone()
                                                            data-count=count
                                                            x=x + 1
                                                            y=y + 1
                                                            width=CELL_W - 2
                                                            height=CELL_H - 2
                                                            rx="3"
                                                            fill="#4493f8"
                                                            fill-opacity=format!("{shade:.3}")
                                                            stroke="#8c959f"
                                                            stroke-opacity="0.5"
                                                        ></rect>
                                                        <text
                                                            x=x + CELL_W / 2
                                                            y=y + CELL_H / 2 + 4
                                                            text-anchor="middle"
                                                            fill="currentColor"
                                                            pointer-events="none"
                                                        >
                                                            {count}
                                                        </text>
                                                    </g>
                                                }
                                            })
                                            .collect_view();
                                        view! {
                                            <g class="coverage-row">
                                                <text
                                                    x=NAME_W - 8
                                                    y=y + CELL_H / 2 + 4
                                                    text-anchor="end"
                                                    fill="currentColor"
                                                >
                                                    <title>{name.clone()}</title>
                                                    {clip(&name)}
                                                </text>
                                                {cells}
                                            </g>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </svg>
                    </div>
                    <h3>"Labels per document"</h3>
                    <div class="coverage-picture">
                        <svg
                            node_ref=chart
                            xmlns=SVG_NS
                            class="label-chart"
                            data-testid="label-chart"
                            aria-hidden="true"
                            width=chart_w
                            height=chart_h
                            viewBox=move || format!("0 0 {} {chart_h}", chart_w())
                            font-family="system-ui, sans-serif"
                            font-size="12"
                        >
                            <line
                                x1=NAME_W - 4
                                x2=chart_w
                                y1=CHART_TOP + CHART_H
                                y2=CHART_TOP + CHART_H
                                stroke="currentColor"
                            ></line>
                            {move || {
                                let top = bar_max();
                                let all = labels.get();
                                let per_group = all.len() * BAR_W + BAR_GAP;
                                let legend = all
                                    .iter()
                                    .enumerate()
                                    .map(|(n, label)| {
                                        let y = CHART_TOP + n * 14;
                                        view! {
                                            <g class="chart-legend">
                                                <rect
                                                    x="4"
                                                    y=y
                                                    width="10"
                                                    height="10"
                                                    fill=label.color.clone()
                                                ></rect>
                                                <text x="18" y=y + 9 fill="currentColor">
                                                    {clip(&label.name)}
                                                </text>
                                            </g>
                                        }
                                    })
                                    .collect_view();
                                let groups = documents
                                    .get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(doc, (doc_id, title))| {
                                        let left = NAME_W + doc * per_group;
                                        let bars = all
                                            .iter()
                                            .enumerate()
                                            .map(|(n, label)| {
                                                let count = label.per_document[doc];
                                                let height = CHART_H * count / top;
                                                let name = label.name.clone();
                                                let title = title.clone();
                                                let tooltip = format!("{name}: {count} in “{title}”");
                                                view! {
                                                    <rect
                                                        class="label-bar"
                                                        data-testid="label-bar"
                                                        data-label=name.clone()
                                                        data-doc-id=doc_id.clone()
                                                        data-count=count
                                                        x=left + n * BAR_W
                                                        y=CHART_TOP + CHART_H - height
                                                        width=BAR_W - 2
                                                        height=height.max(1)
                                                        fill=label.color.clone()
                                                        stroke="currentColor"
                                                        stroke-width="0.5"
                                                        on:click=move |_| open_bar(&name, doc, &title)
                                                    >
                                                        <title>{tooltip}</title>
                                                    </rect>
                                                }
                                            })
                                            .collect_view();
                                        view! {
                                            <g class="chart-document">
                                                {bars}
                                                <text
                                                    x=left
                                                    y=CHART_TOP + CHART_H + 14
                                                    fill="currentColor"
                                                >
                                                    <title>{title.clone()}</title>
                                                    {clip_to(&title, SHOWN_UNDER_BARS)}
                                                </text>
                                            </g>
                                        }
                                    })
                                    .collect_view();
                                (legend, groups)
                            }}
                        </svg>
                    </div>
                    {coverage_tables(rows, documents, labels, open_cell, open_bar)}
                    {move || {
                        opened
                            .get()
                            .map(|Opened { heading, mentions }| {
                                view! {
                                    <section class="coverage-opened" data-testid="coverage-mentions">
                                        <h3>{heading}</h3>
                                        <p class="hint" hidden=!mentions.is_empty()>"No mentions."</p>
                                        <MentionsByDocument mentions titles=documents open />
                                    </section>
                                }
                            })
                    }}
        </ViewDialog>
    }
}

/// The tables behind the pictures: the same counts, each a button that
/// opens its mentions as a click on the picture does.
fn coverage_tables(
    rows: Memo<Vec<Entity>>,
    documents: Memo<Vec<(String, String)>>,
    labels: Memo<Vec<LabelCounts>>,
    open_cell: impl Fn(&Entity, usize, &str) + Copy + Send + Sync + 'static,
    open_bar: impl Fn(&str, usize, &str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let head = move |corner: &'static str| {
        view! {
            <thead>
                <tr>
                    <th scope="col">{corner}</th>
                    {move || {
                        documents
                            .get()
                            .into_iter()
                            .map(|(_, title)| view! { <th scope="col">{title}</th> })
                            .collect_view()
                    }}
                </tr>
            </thead>
        }
    };
    view! {
        <div class="coverage-tables visually-hidden-until-focus">
            <table class="coverage-table" data-testid="coverage-table">
                <caption>"Mentions of each entity in each document"</caption>
                {head("Entity")}
                <tbody>
                    {move || {
                        let titles = documents.get();
                        rows.get()
                            .into_iter()
                            .map(|entity| {
                                let name = entity.name.clone();
                                let entity = StoredValue::new(entity);
                                let cells = titles
                                    .iter()
                                    .enumerate()
                                    .map(|(doc, (_, title))| {
                                        let count = entity.with_value(|e| e.per_document[doc]);
                                        let title = title.clone();
                                        view! {
                                            <td>
                                                <button
                                                    type="button"
                                                    on:click=move |_| {
                                                        entity.with_value(|e| open_cell(e, doc, &title))
                                                    }
                                                >
                                                    {count}
                                                </button>
                                            </td>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <tr>
                                        <th scope="row">{name}</th>
                                        {cells}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <table class="coverage-table">
                <caption>"Annotations of each label in each document"</caption>
                {head("Label")}
                <tbody>
                    {move || {
                        let titles = documents.get();
                        labels
                            .get()
                            .into_iter()
                            .map(|label| {
                                let cells = titles
                                    .iter()
                                    .enumerate()
                                    .map(|(doc, (_, title))| {
                                        let count = label.per_document[doc];
                                        let name = label.name.clone();
                                        let title = title.clone();
                                        view! {
                                            <td>
                                                <button
                                                    type="button"
                                                    on:click=move |_| open_bar(&name, doc, &title)
                                                >
                                                    {count}
                                                </button>
                                            </td>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <tr>
                                        <th scope="row">{label.name.clone()}</th>
                                        {cells}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// One SVG file holding the matrix above the chart, as drawn, with the
/// colours of the light scheme (the page's may be dark); `width` fits both
/// and `height` is the matrix's.
fn standalone_svg(matrix: &str, chart: &str, (width, height): (usize, usize)) -> String {
    let chart_height = CHART_TOP + CHART_H + CHART_FOOT;
    // The page is HTML, whose serialiser writes a no-break space as an
    // entity XML does not know.
    let xml = |part: &str| part.replace("&nbsp;", "&#160;");
    format!(
        "<svg xmlns=\"{SVG_NS}\" width=\"{width}\" height=\"{total}\" color=\"#1f2328\" style=\"background:#ffffff\">\
         {matrix}<g transform=\"translate(0 {height})\">{chart}</g></svg>\n",
        total = height + chart_height,
        matrix = xml(matrix),
        chart = xml(chart),
    )
}

fn save(view: View, name: &str, mime: &str, bytes: &[u8]) {
    if let Err(e) = download(name, mime, bytes) {
        view.store.tell(Notice::error(format!(
            "{name} could not be downloaded: {e:?}."
        )));
    }
}
