//! Keeping the store in step with storage while the app runs: other tabs'
//! writes are taken in within a frame (a hidden page's on its next timer,
//! and before it closes), what could not be written is tried again on a
//! timer, when the page is hidden and before it closes, closing with
//! unsaved changes asks first, and the browser is asked to keep the site's
//! data once there is something to keep.

use std::time::Duration;

use leptos::prelude::*;

use crate::browser::lifecycle;

use super::{Drafts, View};

/// How often writes that failed are tried again.
const RETRY_EVERY: Duration = Duration::from_secs(5);
/// When keys left by an interrupted change are looked at again: by then a
/// change another tab is writing has finished.
const TIDY_AFTER: Duration = Duration::from_secs(10);

/// Wires the store to the page's life for as long as the app runs.
pub fn keep(view: View, drafts: Drafts) {
    let store = view.store;
    Effect::new(move |_| {
        store.track_documents();
        view.follow();
    });
    // Keys other tabs changed, gathered until they are taken in; `None` once
    // storage was cleared, when everything is read again.
    let changed: StoredValue<Option<Vec<String>>> = StoredValue::new(Some(Vec::new()));
    let scheduled = StoredValue::new(false);
    let take_in = move || {
        scheduled.set_value(false);
        let keys = changed
            .try_update_value(|k| k.replace(Vec::new()))
            .flatten();
        if keys.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        store.sync(keys.as_deref());
        view.follow();
    };
    lifecycle::on_storage_change(move |key| {
        changed.update_value(|keys| match (keys.as_mut(), key) {
            (Some(keys), Some(key)) => keys.push(key),
            (_, None) => *keys = None,
            (None, Some(_)) => {}
        });
        if scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        // A hidden page gets no frames: it would not write back what
        // another tab's write lost until shown again, or ever if closed
        // hidden. Its timers still run.
        if lifecycle::is_visible() {
            request_animation_frame(take_in);
        } else {
            set_timeout(take_in, Duration::ZERO);
        }
    });
    lifecycle::on_visibility_change(move |visible| {
        if visible {
            changed.set_value(None);
            take_in();
        } else {
            take_in();
            drafts.flush();
            store.retry();
        }
    });
    lifecycle::on_page_hide(move || {
        take_in();
        drafts.flush();
        store.retry();
    });
    lifecycle::on_page_show(move |restored| {
        if restored {
            store.sync(None);
            view.follow();
        }
    });
    lifecycle::confirm_unload_while(move || drafts.any() || store.has_pending());
    let _ = set_interval_with_handle(
        move || {
            if store.has_pending() {
                store.retry();
            }
        },
        RETRY_EVERY,
    );
    set_timeout(move || store.tidy(), TIDY_AFTER);
    Effect::new(move |asked: Option<bool>| {
        if asked == Some(true) {
            return true;
        }
        let changed = store
            .status
            .with(|s| s.saved_at.is_some() || s.pending() > 0);
        if changed {
            lifecycle::ask_to_persist();
        }
        changed
    });
}
