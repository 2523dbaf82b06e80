//! Text being typed into a field that edits stored data (a note, a title, a
//! label's name): kept as it is typed, 300 ms after the last key, and at
//! once when the page is hidden or closed, so that nothing typed is lost
//! because the field never lost focus.

use std::time::Duration;

use leptos::prelude::*;

/// How long typing may pause before what was typed is stored.
const PAUSE: Duration = Duration::from_millis(300);

type Commit = Box<dyn FnOnce()>;

/// The fields with typing not yet stored, each with what stores it.
#[derive(Clone, Copy)]
pub struct Drafts {
    waiting: StoredValue<Vec<(String, Commit, Option<TimeoutHandle>)>, LocalStorage>,
}

impl Default for Drafts {
    fn default() -> Self {
        Self {
            waiting: StoredValue::new_local(Vec::new()),
        }
    }
}

impl Drafts {
    /// Stores what was typed into `field` with `commit` once typing pauses,
    /// replacing what was waiting for that field.
    pub fn keep(&self, field: &str, commit: impl FnOnce() + 'static) {
        let drafts = *self;
        let name = field.to_string();
        let timer = set_timeout_with_handle(move || drafts.commit(&name), PAUSE).ok();
        self.waiting.update_value(|waiting| {
            if let Some(at) = waiting.iter().position(|(f, ..)| f == field) {
                if let Some(timer) = waiting[at].2 {
                    timer.clear();
                }
                drop(waiting.remove(at));
            }
            waiting.push((field.to_string(), Box::new(commit), timer));
        });
    }

    /// Stores what waits for `field` now, as when it loses focus.
    pub fn commit(&self, field: &str) {
        let taken = self.waiting.try_update_value(|waiting| {
            let at = waiting.iter().position(|(f, ..)| f == field)?;
            Some(waiting.remove(at))
        });
        if let Some(Some((_, commit, timer))) = taken {
            if let Some(timer) = timer {
                timer.clear();
            }
            commit();
        }
    }

    /// Forgets what waits for `field`, as when its editing is cancelled.
    pub fn discard(&self, field: &str) {
        self.waiting.update_value(|waiting| {
            waiting.retain(|(f, _, timer)| {
                let keep = f != field;
                if !keep {
                    if let Some(timer) = timer {
                        timer.clear();
                    }
                }
                keep
            });
        });
    }

    /// Stores everything typed, as when the page is hidden.
    pub fn flush(&self) {
        let waiting = self
            .waiting
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for (_, commit, timer) in waiting {
            if let Some(timer) = timer {
                timer.clear();
            }
            commit();
        }
    }

    /// Whether anything typed is not stored yet.
    pub fn any(&self) -> bool {
        self.waiting.with_value(|w| !w.is_empty())
    }
}
