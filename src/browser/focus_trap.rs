//! Tab inside a modal dialog: the page behind it is out of reach
//! (`aria-modal`), so Tab past the dialog's last control goes round to its
//! first, and Shift+Tab before its first to its last. Between the two the
//! browser moves the focus as usual; what a control does with its keys is
//! its own business.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent};

/// What may take the focus by Tab; [`tab_stops`] keeps those that do.
const FOCUSABLE: &str = "a[href], button, input, select, textarea, [tabindex]";

/// Keeps a Tab or Shift+Tab pressed in a dialog inside it: the dialog is
/// the element listening, `event`'s current target. Any other key is left
/// alone.
pub fn keep_tab_inside(event: &KeyboardEvent) {
    if event.key() != "Tab" || event.alt_key() || event.ctrl_key() || event.meta_key() {
        return;
    }
    let Some(dialog) = event
        .current_target()
        .and_then(|target| target.dyn_into::<Element>().ok())
    else {
        return;
    };
    let stops = tab_stops(&dialog);
    let (Some(first), Some(last)) = (stops.first(), stops.last()) else {
        return;
    };
    let active = dialog.owner_document().and_then(|d| d.active_element());
    let on = |stop: &HtmlElement| active.as_ref() == Some(stop.unchecked_ref::<Element>());
    // The dialog itself may hold the focus (one that focuses its panel
    // when it opens): Tab then goes to its first control.
    let on_a_control = active
        .as_ref()
        .is_some_and(|a| a != &dialog && dialog.contains(Some(a)));
    let to = if event.shift_key() {
        (on(first) || !on_a_control).then_some(last)
    } else {
        (on(last) || !on_a_control).then_some(first)
    };
    if let Some(to) = to {
        event.prevent_default();
        let _ = to.focus();
    }
}

/// The controls of `dialog` that Tab stops on, in document order: shown,
/// enabled, not taken out of the order by `tabindex="-1"`, and of a group
/// of radio buttons only the checked one (or each, when none is).
fn tab_stops(dialog: &Element) -> Vec<HtmlElement> {
    let Ok(found) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    let controls: Vec<HtmlElement> = (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .filter(|el| {
            el.tab_index() >= 0
                && !el.has_attribute("disabled")
                && el.get_client_rects().length() > 0
        })
        .collect();
    let checked_groups: Vec<String> = controls
        .iter()
        .filter_map(|el| radio(el).filter(|r| r.checked()).map(|r| r.name()))
        .collect();
    controls
        .into_iter()
        .filter(|el| radio(el).is_none_or(|r| r.checked() || !checked_groups.contains(&r.name())))
        .collect()
}

/// `el` as a radio button, if it is one.
fn radio(el: &HtmlElement) -> Option<&HtmlInputElement> {
    el.dyn_ref::<HtmlInputElement>()
        .filter(|input| input.type_() == "radio")
}
