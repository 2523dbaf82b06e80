//! Making the selected annotation's highlights stand out (outlined) and
//! the revealed one's (flashed), by redrawing the paragraphs they were and
//! are in. A page-wide style rule would do it without a redraw, but
//! changing one makes the browser restyle every highlight of a long
//! document.

use leptos::prelude::*;

use super::runs::Emphasis;
use crate::state::View;

/// Per paragraph of the open document: the emphasis it was last drawn with.
pub type DrawnWith = StoredValue<Vec<Emphasis>>;

/// The emphasis a paragraph drawn now shows.
pub fn now(view: View) -> Emphasis {
    Emphasis {
        selected: view.selected.get_untracked(),
        revealed: view.revealed.get_untracked(),
    }
}

/// Redraws, whenever the selected or revealed annotation changes, the
/// paragraphs that showed the old emphasis or must show the new one.
pub fn emphasise(view: View, drawn_with: DrawnWith) {
    // The paragraphs drawn with emphasis, and for what.
    let shown = StoredValue::new((usize::MAX, Emphasis::default(), Vec::<usize>::new()));
    Effect::new(move || {
        let emphasis = Emphasis {
            selected: view.selected.get(),
            revealed: view.revealed.get(),
        };
        let doc = view.current();
        // An edit may move the emphasised annotation into other paragraphs;
        // they are redrawn by the edit, and remembered here.
        view.store.track_document(doc);
        let now = view.store.with(|w| {
            let (Some(spans), Some(paragraphs)) = (w.annotations(doc), w.paragraphs(doc)) else {
                return Vec::new();
            };
            [&emphasis.selected, &emphasis.revealed]
                .into_iter()
                .flatten()
                .filter_map(|id| spans.get(id))
                .flat_map(|a| paragraphs.touching(a.start, a.end))
                .collect::<Vec<_>>()
        });
        shown.update_value(|(shown_doc, shown_for, indices)| {
            if *shown_doc != doc {
                // A newly opened document is drawn with the emphasis of now.
                indices.clear();
            } else if *shown_for != emphasis {
                // Those an edit redrew just now already show it.
                indices
                    .iter()
                    .chain(&now)
                    .filter(|&&index| drawn_with.with_value(|d| d.get(index) != Some(&emphasis)))
                    .for_each(|&index| view.store.redraw_paragraph(doc, index));
                indices.clear();
            }
            indices.extend(now);
            indices.sort_unstable();
            indices.dedup();
            *shown_doc = doc;
            *shown_for = emphasis;
        });
    });
}
