//! Ids and timestamps: the browser's clock and random numbers, read here
//! and made safe by [`Clock`], which is pure and tested natively.

use std::cell::{OnceCell, RefCell};

use span_core::model::{Clock, IdMint};
use span_core::storage::Stamps;

thread_local! {
    /// One clock for the page, so that it remembers its last good reading
    /// and its last unique stamp.
    static CLOCK: RefCell<Clock> = RefCell::new(Clock::default());
}

/// An ISO 8601 UTC timestamp of now, e.g. `2026-11-22T10:00:00.000Z`. A
/// clock that gives no time (NaN) gives the last good time, or the epoch:
/// `Date.toISOString` would throw and stop the app.
pub fn now() -> String {
    CLOCK.with(|clock| clock.borrow_mut().stamp(js_sys::Date::now()))
}

/// [`now`], but later than every stamp it gave before and every one
/// [witnessed](witness), even when the clock is frozen or goes backwards:
/// for stamps that must differ, such as backup keys.
pub fn unique_now() -> String {
    CLOCK.with(|clock| clock.borrow_mut().unique_stamp(js_sys::Date::now()))
}

/// Takes note of a stamp an earlier session left (in a stored key), so
/// that [`unique_now`] comes after it; `false` if it is not a stamp.
pub fn witness(stamp: &str) -> bool {
    CLOCK.with(|clock| clock.borrow_mut().witness(stamp))
}

/// A fresh id: a UUID of this page's random prefix and a counter
/// ([`IdMint`]), in 32 hex digits.
pub fn new_id() -> String {
    MINT.with(|mint| {
        mint.get_or_init(|| RefCell::new(IdMint::new(random_bytes())))
            .borrow_mut()
            .next_id()
    })
}

thread_local! {
    /// The page's ids, drawn at its first.
    static MINT: OnceCell<RefCell<IdMint>> = const { OnceCell::new() };
}

/// Random bytes from `crypto.getRandomValues` (which plain `http://` hosts
/// have too, where `crypto.randomUUID` is missing), or from `Math.random`
/// where there is no `crypto`.
fn random_bytes() -> [u8; 8] {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for chunk in bytes.chunks_mut(4) {
            let word = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
            chunk.copy_from_slice(&word.to_le_bytes()[..chunk.len()]);
        }
    }
    bytes
}

/// The local time as `HH:MM:SS`.
pub fn local_time() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        now.get_hours(),
        now.get_minutes(),
        now.get_seconds()
    )
}

/// The browser's clock and random numbers, for the storage engine.
pub struct BrowserStamps;

impl Stamps for BrowserStamps {
    fn now(&self) -> String {
        now()
    }

    fn new_id(&self) -> String {
        new_id()
    }
}
