//! Relations in the page: making one (`Link` in a card or `R`, then the
//! target by a click on its highlight or by Tab and Enter, then its type),
//! the arcs drawn over the text between the two ends, and each card's list
//! of the relations its annotation is an end of.
//!
//! While a relation is being made, the target is whatever annotation is
//! opened next, by a click or by Enter, so the mouse and the keyboard take
//! the same path the rest of the page uses to open an annotation.

use std::collections::HashMap;

use leptos::{ev, html, prelude::*};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, KeyboardEvent};

use super::reading_pane::geometry::ANNOTATION_IDS;
use crate::browser::{is_focused, stamp};
use crate::state::{Drafts, Notice, View};
use span_core::model::arc_layout::{self, ArcEnds, LabelFont};
use span_core::model::{Relation, RelationType};

/// The relation being made: its source, then its target once picked.
#[derive(Clone, Copy)]
pub struct Linking {
    pub from: RwSignal<Option<String>>,
    pub to: RwSignal<Option<String>>,
}

impl Linking {
    /// Provides the one for the page and lets the next opened annotation
    /// become the target.
    pub fn provide(view: View) -> Self {
        let linking = Self {
            from: RwSignal::new(None),
            to: RwSignal::new(None),
        };
        Effect::new(move |_| {
            let ids = view.inspected.get();
            let Some(from) = linking.from.get_untracked() else {
                return;
            };
            if linking.to.get_untracked().is_some() {
                return;
            }
            // The innermost annotation under a click comes last.
            if let Some(target) = ids.iter().rev().find(|id| **id != from) {
                linking.to.set(Some(target.clone()));
            }
        });
        provide_context(linking);
        linking
    }

    /// Starts a relation from annotation `from` and says what comes next.
    pub fn start(self, view: View, from: String) {
        self.to.set(None);
        self.from.set(Some(from));
        view.store.tell(Notice::info(
            "Pick the target: click its highlight, or Tab to it and press Enter. Esc cancels.",
        ));
    }

    pub fn cancel(self) {
        self.from.set(None);
        self.to.set(None);
    }
}

/// The quote of annotation `id` of the open document, shortened.
fn quote_of(view: View, id: &str) -> String {
    let doc = view.current_untracked();
    view.store
        .annotation(doc, id)
        .map(|a| span_core::model::shortened(&a.quote))
        .unwrap_or_default()
}

/// The form of the relation being made: the banner asking for the target,
/// then the type and confirm or cancel.
#[component]
pub fn RelationForm(pane: NodeRef<html::Div>) -> impl IntoView {
    let view = expect_context::<View>();
    let linking = expect_context::<Linking>();
    let kind = RwSignal::new(String::new());
    let select = NodeRef::<html::Select>::new();
    let types = move || {
        view.store.track_labels();
        view.store.with(|w| w.relation_types().to_vec())
    };
    // Once the target is picked, the type list takes the focus.
    Effect::new(move |_| {
        if linking.to.get().is_some() {
            if kind.with_untracked(String::is_empty) {
                kind.set(types().first().map(|t| t.name.clone()).unwrap_or_default());
            }
            request_animation_frame(move || {
                if let Some(select) = select.get_untracked() {
                    let _ = select.focus();
                }
            });
        }
    });
    let close = move || {
        linking.cancel();
        if let Some(pane) = pane.get_untracked() {
            let _ = pane.focus();
        }
    };
    let confirm = move || {
        let (Some(from), Some(to)) = (linking.from.get_untracked(), linking.to.get_untracked())
        else {
            return;
        };
        let doc = view.current_untracked();
        let name = kind.get_untracked();
        let planned = view
            .store
            .with(|w| w.plan_relate(doc, &from, &to, &name, stamp::new_id(), stamp::now()));
        if view.store.act(planned) {
            view.store.tell(Notice::info(format!(
                "Linked “{}” → {name} → “{}”.",
                quote_of(view, &from),
                quote_of(view, &to)
            )));
            view.selected.set(Some(from.clone()));
            view.inspected.set(vec![from]);
        }
        close();
    };
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            confirm();
        }
        "Escape" => {
            event.prevent_default();
            event.stop_propagation();
            close();
        }
        key => {
            let mut chars = key.chars();
            let (Some(key), None) = (chars.next(), chars.next()) else {
                return;
            };
            if event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            // A type whose hotkey is the key itself first: `m` and `M` may
            // belong to two types. Otherwise either case picks it.
            let types = types();
            let picked = types
                .iter()
                .find(|t| t.hotkey == Some(key))
                .or_else(|| {
                    types
                        .iter()
                        .find(|t| t.hotkey.is_some_and(|h| h.eq_ignore_ascii_case(&key)))
                })
                .cloned();
            if let Some(t) = picked {
                event.prevent_default();
                kind.set(t.name);
            }
        }
    };
    let options = move || {
        types()
            .into_iter()
            .map(|RelationType { name, hotkey, .. }| {
                let text = match hotkey {
                    Some(key) => format!("{name} ({key})"),
                    None => name.clone(),
                };
                view! { <option value=name>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <Show when=move || linking.from.with(Option::is_some)>
            <div class="relation-form" role="group" aria-label="New relation" on:keydown=on_key>
                {move || {
                    let from = linking.from.get().unwrap_or_default();
                    match linking.to.get() {
                        None => {
                            view! {
                                <p class="relation-pending" data-testid="relation-pending" role="status">
                                    "From “"
                                    {quote_of(view, &from)}
                                    "”: pick the target (click its highlight, or Tab to it and press Enter)."
                                </p>
                            }
                                .into_any()
                        }
                        Some(to) => {
                            view! {
                                <p class="relation-ends">
                                    "“"
                                    {quote_of(view, &from)}
                                    "” → “"
                                    {quote_of(view, &to)}
                                    "”"
                                </p>
                                <label for="relation-type">"Relation type"</label>
                                <select
                                    id="relation-type"
                                    data-testid="relation-type"
                                    node_ref=select
                                    prop:value=move || kind.get()
                                    on:change=move |e| kind.set(event_target_value(&e))
                                >
                                    {options}
                                </select>
                                <button
                                    type="button"
                                    data-testid="relation-confirm"
                                    on:click=move |_| confirm()
                                >
                                    "Link (Enter)"
                                </button>
                            }
                                .into_any()
                        }
                    }
                }}
                <button type="button" data-testid="relation-cancel" on:click=move |_| close()>
                    "Cancel (Esc)"
                </button>
            </div>
        </Show>
    }
}

/// The relations annotation `id` of the open document is an end of, each
/// with its type, reverse and delete.
#[component]
pub fn CardRelations(id: StoredValue<String>) -> impl IntoView {
    let view = expect_context::<View>();
    let linking = expect_context::<Linking>();
    let relations = Memo::new(move |_| {
        let doc = view.current();
        view.store.track_document(doc);
        id.with_value(|id| {
            view.store
                .with(|w| w.relations_of(doc, id).cloned().collect::<Vec<Relation>>())
        })
    });
    let start = move |_| linking.start(view, id.get_value());
    view! {
        <button type="button" class="relation-start" data-testid="relation-start" on:click=start>
            "Link (R)"
        </button>
        <Show when=move || relations.with(|r| !r.is_empty())>
            <ul class="card-relations" data-testid="card-relations" aria-label="Relations">
                <For
                    each=move || relations.get()
                    key=|r| (r.id.clone(), r.from.clone(), r.kind.clone())
                    let:relation
                >
                    <RelationRow relation own=id.get_value() />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn RelationRow(relation: Relation, own: String) -> impl IntoView {
    let view = expect_context::<View>();
    let outgoing = relation.from == own;
    let other = if outgoing {
        &relation.to
    } else {
        &relation.from
    };
    let quote = quote_of(view, other);
    let text = if outgoing {
        format!("→ {} → {quote}", relation.kind)
    } else {
        format!("← {} ← {quote}", relation.kind)
    };
    let rid = StoredValue::new(relation.id.clone());
    let current = relation.kind.clone();
    let retype = move |event: ev::Event| {
        let doc = view.current_untracked();
        let kind = event_target_value(&event);
        rid.with_value(|rid| {
            view.store
                .act(view.store.with(|w| w.plan_retype_relation(doc, rid, &kind)))
        });
    };
    let reverse = move |_| {
        let doc = view.current_untracked();
        rid.with_value(|rid| {
            view.store
                .act(view.store.with(|w| w.plan_reverse_relation(doc, rid)))
        });
    };
    let delete = move |_| {
        let doc = view.current_untracked();
        rid.with_value(|rid| {
            view.store
                .act(view.store.with(|w| w.plan_delete_relation(doc, rid)))
        });
    };
    let types = view.store.with(|w| w.relation_types().to_vec());
    let note_id = format!("note-of-relation-{}", relation.id);
    view! {
        <li class="card-relation" data-testid="card-relation" data-relation-id=relation.id.clone()>
            <span class="relation-text">{text}</span>
            <select aria-label="Relation type" data-testid="card-relation-type" on:change=retype>
                {types
                    .into_iter()
                    .map(|t| {
                        let selected = t.name == current;
                        let value = t.name.clone();
                        view! {
                            <option value=value selected=selected>
                                {t.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="button" data-testid="relation-reverse" on:click=reverse>
                "Reverse"
            </button>
            <button type="button" data-testid="relation-delete" on:click=delete>
                "Remove"
            </button>
            <label class="visually-hidden" for=note_id.clone()>
                "Note on this relation"
            </label>
            <RelationNote id=rid field_id=note_id />
        </li>
    }
}

/// The note on relation `id` of the open document, edited as an
/// annotation's note is: kept as it is typed (300 ms after the last key,
/// and at once when the page hides), all of it one undo step until Enter or
/// leaving the field; Esc puts back the note it had when the field took the
/// focus.
#[component]
fn RelationNote(id: StoredValue<String>, field_id: String) -> impl IntoView {
    let view = expect_context::<View>();
    let drafts = expect_context::<Drafts>();
    let input = NodeRef::<html::Input>::new();
    let field_name = id.with_value(|id| format!("relation-note:{id}"));
    let field_name = StoredValue::new(field_name);
    let stored = move || {
        let doc = view.current();
        view.store.track_document(doc);
        id.with_value(|id| {
            view.store.with(|w| {
                w.relations(doc)
                    .and_then(|r| r.iter().find(|r| r.id == *id))
                    .and_then(|r| r.note.clone())
                    .unwrap_or_default()
            })
        })
    };
    let before = StoredValue::new(String::new());
    let write = move |note: String| {
        let doc = view.current_untracked();
        let field = field_name.get_value();
        id.with_value(|id| {
            view.store.type_into(
                &field,
                view.store.with(|w| w.plan_relation_note(doc, id, &note)),
            )
        });
    };
    let keep = move |event: ev::Event| {
        let note = event_target_value(&event);
        field_name.with_value(|field| drafts.keep(field, move || write(note)));
    };
    let end = move || {
        field_name.with_value(|field| drafts.commit(field));
        view.store.stop_typing();
    };
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            end();
        }
        "Escape" => {
            event.stop_propagation();
            field_name.with_value(|field| drafts.discard(field));
            let old = before.get_value();
            if stored() != old {
                write(old.clone());
            }
            view.store.stop_typing();
            if let Some(input) = input.get_untracked() {
                input.set_value(&old);
            }
        }
        _ => {}
    };
    // While the field is being typed in, it shows what is typed: the stored
    // note follows it, not the other way round.
    let shown = move || {
        let note = stored();
        match input.get() {
            Some(el) if is_focused(&el) => el.value(),
            _ => note,
        }
    };
    view! {
        <input
            type="text"
            id=field_id
            class="relation-note"
            data-testid="relation-note"
            placeholder="A note on this relation"
            autocomplete="off"
            node_ref=input
            prop:value=shown
            on:focus=move |_| before.set_value(stored())
            on:input=keep
            on:keydown=on_key
            on:blur=move |_| end()
        />
    }
}

/// One relation as drawn: where its bracket runs, in the layer's
/// coordinates.
#[derive(Clone, PartialEq)]
struct Arc {
    id: String,
    from: String,
    to: String,
    kind: String,
    color: String,
    path: String,
    head: String,
    label_x: f64,
    label_y: f64,
}

/// The arcs of the open document's relations over its text: a bracket
/// from the top of the source's first line to the target's, higher for
/// each relation it spans over, with an arrow head and the type's name.
/// Placed where the article starts and scrolled with it; measured again,
/// at most once a frame, when the document, its relations or the window
/// change, and not at all in a document without relations.
#[component]
pub fn RelationArcs(pane: NodeRef<html::Div>) -> impl IntoView {
    let view = expect_context::<View>();
    let layer = NodeRef::<leptos::svg::Svg>::new();
    let arcs = RwSignal::new(Vec::<Arc>::new());
    let marked = RwSignal::new(None::<(String, String)>);
    let pending = StoredValue::new(false);
    let schedule = move || {
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        request_animation_frame(move || {
            pending.set_value(false);
            let measured = measure(view, pane, layer);
            if arcs.with_untracked(|a| *a != measured) {
                arcs.set(measured);
            }
        });
    };
    Effect::new(move |_| {
        let doc = view.current();
        view.store.track_document(doc);
        view.store.track_labels();
        schedule();
    });
    let has_relations = move || {
        let doc = view.current_untracked();
        view.store
            .with(|w| w.relations(doc).is_some_and(|r| !r.is_empty()))
    };
    let _ = window_event_listener(ev::resize, move |_| {
        if has_relations() {
            schedule();
        }
    });
    // Highlights far from the viewport of a long document are drawn as it
    // scrolls there; scrolling is heard while it goes down to the article's
    // scroll container.
    let on_scroll = Closure::<dyn Fn()>::new(move || {
        if has_relations() {
            schedule();
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool(
        "scroll",
        on_scroll.as_ref().unchecked_ref(),
        true,
    );
    // The layer lasts as long as the page.
    on_scroll.forget();
    Effect::new(move |_| {
        let ends = marked.get();
        let Some(pane) = pane.get_untracked() else {
            return;
        };
        for_each_highlight(&pane, |mark, ids| {
            let on = ends
                .as_ref()
                .is_some_and(|(from, to)| ids.iter().any(|id| id == from || id == to));
            let _ = mark.class_list().toggle_with_force("relation-end", on);
        });
    });
    view! {
        <svg class="relation-arcs" aria-hidden="false" node_ref=layer>
            <For
                each=move || arcs.get()
                key=|a| (a.id.clone(), a.path.clone(), a.kind.clone(), a.color.clone())
                let:arc
            >
                {
                    let ends = (arc.from.clone(), arc.to.clone());
                    let ends_focus = ends.clone();
                    let name = format!(
                        "{} → {} → {}",
                        quote_of(view, &arc.from),
                        arc.kind,
                        quote_of(view, &arc.to),
                    );
                    view! {
                        <g
                            class="relation"
                            data-testid="relation"
                            data-relation-id=arc.id
                            data-from=arc.from
                            data-to=arc.to
                            style:color=arc.color
                            tabindex="0"
                            role="img"
                            aria-label=name
                            on:mouseenter=move |_| marked.set(Some(ends.clone()))
                            on:mouseleave=move |_| marked.set(None)
                            on:focus=move |_| marked.set(Some(ends_focus.clone()))
                            on:blur=move |_| marked.set(None)
                        >
                            <path class="relation-arc" d=arc.path></path>
                            <path class="relation-head" d=arc.head></path>
                            <text x=arc.label_x y=arc.label_y text-anchor="middle">
                                {arc.kind}
                            </text>
                        </g>
                    }
                }
            </For>
        </svg>
    }
}

/// Calls `each` with every highlight in `pane` and the ids it lists.
fn for_each_highlight(pane: &Element, mut each: impl FnMut(&Element, Vec<String>)) {
    let Ok(marks) = pane.query_selector_all("mark.hl") else {
        return;
    };
    for index in 0..marks.length() {
        let Some(mark) = marks.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let ids = mark
            .get_attribute(ANNOTATION_IDS)
            .map(|a| a.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        each(&mark, ids);
    }
}

/// The arcs of the open document's relations whose both ends are drawn.
fn measure(view: View, pane: NodeRef<html::Div>, layer: NodeRef<leptos::svg::Svg>) -> Vec<Arc> {
    let doc = view.current_untracked();
    let (relations, types, starts) = view.store.with(|w| {
        let relations = w.relations(doc).map(<[_]>::to_vec).unwrap_or_default();
        let starts: HashMap<String, usize> = relations
            .iter()
            .flat_map(|r| [&r.from, &r.to])
            .filter_map(|id| Some((id.clone(), w.annotations(doc)?.get(id)?.start)))
            .collect();
        (relations, w.relation_types().to_vec(), starts)
    });
    if relations.is_empty() {
        return Vec::new();
    }
    let (Some(pane), Some(layer)) = (pane.get_untracked(), layer.get_untracked()) else {
        return Vec::new();
    };
    let origin = layer.get_bounding_client_rect();
    // The top middle of the first line of each end, as first drawn.
    let mut tops: HashMap<String, (f64, f64)> = HashMap::new();
    for_each_highlight(&pane, |mark, ids| {
        for id in ids {
            if starts.contains_key(&id) && !tops.contains_key(&id) {
                if let Some(rect) = mark.get_client_rects().get(0) {
                    let x = rect.left() + rect.width() / 2.0 - origin.left();
                    tops.insert(id, (x, rect.top() - origin.top()));
                }
            }
        }
    });
    let drawn: Vec<(&Relation, ArcEnds)> = relations
        .iter()
        .filter_map(|r| {
            let (a, b) = (*starts.get(&r.from)?, *starts.get(&r.to)?);
            let ends = ArcEnds {
                lo: a.min(b),
                hi: a.max(b),
                from: *tops.get(&r.from)?,
                to: *tops.get(&r.to)?,
                label_width: 0.0,
            };
            Some((r, ends))
        })
        .collect();
    let Some((font, metrics)) = label_font() else {
        return Vec::new();
    };
    let widths: HashMap<&str, f64> = drawn
        .iter()
        .map(|(r, _)| r.kind.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|kind| (kind, label_width(&font, kind)))
        .collect();
    let ends: Vec<ArcEnds> = drawn
        .iter()
        .map(|(r, ends)| ArcEnds {
            label_width: widths[r.kind.as_str()],
            ..ends.clone()
        })
        .collect();
    let places = arc_layout::lay_out(&ends, metrics);
    drawn
        .into_iter()
        .zip(ends.iter().zip(places))
        .map(|((r, _), (ends, place))| {
            let ((x1, y1), (x2, y2)) = (ends.from, ends.to);
            let top = place.top;
            let color = types
                .iter()
                .find(|t| t.name == r.kind)
                .filter(|t| t.has_valid_color())
                .map_or_else(|| "#57606a".to_string(), |t| t.color.clone());
            Arc {
                id: r.id.clone(),
                from: r.from.clone(),
                to: r.to.clone(),
                kind: r.kind.clone(),
                color,
                path: format!("M{x1:.1} {y1:.1}V{top:.1}H{x2:.1}V{:.1}", y2 - 5.0),
                head: format!(
                    "M{:.1} {:.1}L{:.1} {:.1}L{x2:.1} {y2:.1}Z",
                    x2 - 3.5,
                    y2 - 6.0,
                    x2 + 3.5,
                    y2 - 6.0
                ),
                label_x: place.label_x,
                label_y: top - arc_layout::LABEL_GAP,
            }
        })
        .collect()
}

/// The relation names' font, as `.relation text` sets it (600 weight,
/// 0.68 rem), on a canvas kept for measuring them, and how far it reaches
/// above and below the baseline, halo included, as the font itself says
/// (browsers' fonts differ: Chromium's system-ui is some 12 px high there,
/// Firefox's 16).
fn label_font() -> Option<(CanvasRenderingContext2d, LabelFont)> {
    thread_local! {
        static CANVAS: Option<CanvasRenderingContext2d> = document()
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
            .and_then(|c| c.get_context("2d").ok().flatten())
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    }
    let root = document().document_element()?;
    let rem = window()
        .get_computed_style(&root)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|size| size.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(16.0);
    let size = 0.68 * rem;
    let context = CANVAS.with(Clone::clone)?;
    context.set_font(&format!("600 {size}px system-ui, sans-serif"));
    let line = context.measure_text("Hg").ok()?;
    let (ascent, descent) = (
        line.font_bounding_box_ascent(),
        line.font_bounding_box_descent(),
    );
    // A browser without the font's box gives none: the em box then.
    let (ascent, descent) = if ascent.is_finite() && ascent + descent > 0.0 {
        (ascent, descent)
    } else {
        (0.8 * size, 0.2 * size)
    };
    Some((
        context,
        // A halo's width each side: what browsers count as the text's box
        // around the font's differs (Firefox's is some 3 px taller).
        LabelFont {
            ascent: ascent + HALO,
            descent: descent + HALO,
        },
    ))
}

/// The halo's width around a name (its stroke, 3 px, half outside).
const HALO: f64 = 3.0;

/// The width of relation type `kind`'s name as drawn, halo included.
fn label_width(font: &CanvasRenderingContext2d, kind: &str) -> f64 {
    font.measure_text(kind).map_or(0.0, |m| m.width()) + HALO
}

/// Starts a relation from the selected annotation (or the one whose card is
/// open last), as `R` does; `false` if there is none.
pub fn start_from_selected(view: View, linking: Linking) -> bool {
    let from = view
        .selected_annotation()
        .map(|a| a.id)
        .or_else(|| view.inspected.get_untracked().last().cloned());
    match from {
        Some(from) => {
            linking.start(view, from);
            true
        }
        None => false,
    }
}
