//! What labels and relation types have in common: each is an entry of an
//! ordered set with a name, a colour and a hotkey, and the set is edited by
//! the same rules. Names are usable ([`label_name`]) and unique in any
//! case; a hotkey is typable ([`hotkey`]) and moves from the entry that had
//! it; a change that changes nothing is refused.
//!
//! The functions here only compute the set after a change; the planners
//! (`label_set`, `relation_types`) wrap it in an [`Action`](super::Action)
//! with what the change does to annotations or relations. What differs is
//! given by [`Entry`]: which colours are allowed (labels must keep their
//! text readable, arcs may be any colour) and the words of the errors.

use super::color::{same_color, ColorError};
use super::rules::{hotkey, label_name, HotkeyError, NameError};

/// A refusal every set can make, in words each set chooses ([`Entry::Error`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Another entry has this name (as it is spelled there).
    Duplicate(String),
    /// No entry has this name.
    Unknown(String),
    /// A move to a place past the end: `position` counts from 1, as the
    /// person does, and the set has `count` entries.
    NoSuchPosition {
        position: usize,
        count: usize,
    },
    Unchanged,
}

/// A named, coloured, hotkeyed entry of a set.
pub trait Entry: Clone {
    type Error: From<NameError> + From<ColorError> + From<HotkeyError> + From<Refusal>;

    fn new(name: String, color: String, hotkey: Option<char>) -> Self;
    fn name(&self) -> &str;
    fn color(&self) -> &str;
    fn hotkey(&self) -> Option<char>;
    fn name_mut(&mut self) -> &mut String;
    fn color_mut(&mut self) -> &mut String;
    fn hotkey_mut(&mut self) -> &mut Option<char>;

    /// A typed colour as the entry keeps it, or why it cannot have it.
    fn checked_color(typed: &str) -> Result<String, ColorError>;
}

/// Implements [`Entry`] for a struct with the fields `name`, `color` and
/// `hotkey`.
macro_rules! entry {
    ($type:ty, $error:ty, $checked_color:expr) => {
        impl $crate::model::entry::Entry for $type {
            type Error = $error;

            fn new(name: String, color: String, hotkey: Option<char>) -> Self {
                Self {
                    name,
                    color,
                    hotkey,
                }
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn color(&self) -> &str {
                &self.color
            }
            fn hotkey(&self) -> Option<char> {
                self.hotkey
            }
            fn name_mut(&mut self) -> &mut String {
                &mut self.name
            }
            fn color_mut(&mut self) -> &mut String {
                &mut self.color
            }
            fn hotkey_mut(&mut self) -> &mut Option<char> {
                &mut self.hotkey
            }
            fn checked_color(typed: &str) -> Result<String, $crate::model::ColorError> {
                $checked_color(typed)
            }
        }
    };
}
pub(crate) use entry;

/// `name` in lower case with its words joined by dashes, as test ids write
/// it: `armed-group` for "Armed Group".
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    words.join("-")
}

/// Where the entry named `name` is.
pub fn position<E: Entry>(entries: &[E], name: &str) -> Result<usize, E::Error> {
    entries
        .iter()
        .position(|e| e.name() == name)
        .ok_or_else(|| Refusal::Unknown(name.to_string()).into())
}

/// The entry other than `name` that has hotkey `key`.
pub fn hotkey_holder<'a, E: Entry>(entries: &'a [E], key: char, name: &str) -> Option<&'a E> {
    entries
        .iter()
        .find(|e| e.hotkey() == Some(key) && e.name() != name)
}

/// `entries` with an entry added at the end; a hotkey another entry has
/// moves to the new one.
pub fn added<E: Entry>(
    entries: &[E],
    name: &str,
    color: &str,
    key: Option<char>,
) -> Result<Vec<E>, E::Error> {
    let name = checked_name(entries, name, None)?;
    let color = E::checked_color(color)?;
    key.map(hotkey).transpose()?;
    let mut after = entries.to_vec();
    take_hotkey(&mut after, key);
    after.push(E::new(name, color, key));
    Ok(after)
}

/// `entries` with `old` renamed, and its new name as kept. Only the case of
/// the name may change, too.
pub fn renamed<E: Entry>(
    entries: &[E],
    old: &str,
    new: &str,
) -> Result<(Vec<E>, String), E::Error> {
    let at = position(entries, old)?;
    let new = checked_name(entries, new, Some(at))?;
    if new == old {
        return Err(Refusal::Unchanged.into());
    }
    let mut after = entries.to_vec();
    after[at].name_mut().clone_from(&new);
    Ok((after, new))
}

/// `entries` with `name` in another colour.
pub fn recolored<E: Entry>(entries: &[E], name: &str, color: &str) -> Result<Vec<E>, E::Error> {
    let at = position(entries, name)?;
    let color = E::checked_color(color)?;
    if same_color(entries[at].color(), &color) {
        return Err(Refusal::Unchanged.into());
    }
    let mut after = entries.to_vec();
    *after[at].color_mut() = color;
    Ok(after)
}

/// `entries` with the hotkey of `name` set or cleared, taken from whichever
/// entry had it.
pub fn with_hotkey<E: Entry>(
    entries: &[E],
    name: &str,
    key: Option<char>,
) -> Result<Vec<E>, E::Error> {
    let at = position(entries, name)?;
    key.map(hotkey).transpose()?;
    if entries[at].hotkey() == key {
        return Err(Refusal::Unchanged.into());
    }
    let mut after = entries.to_vec();
    take_hotkey(&mut after, key);
    *after[at].hotkey_mut() = key;
    Ok(after)
}

/// `entries` with `name` moved to position `to` (from 0).
pub fn moved<E: Entry>(entries: &[E], name: &str, to: usize) -> Result<Vec<E>, E::Error> {
    let at = position(entries, name)?;
    if to >= entries.len() {
        return Err(Refusal::NoSuchPosition {
            position: to + 1,
            count: entries.len(),
        }
        .into());
    }
    if to == at {
        return Err(Refusal::Unchanged.into());
    }
    let mut after = entries.to_vec();
    let entry = after.remove(at);
    after.insert(to, entry);
    Ok(after)
}

/// `entries` without `name`.
pub fn without<E: Entry>(entries: &[E], name: &str) -> Result<Vec<E>, E::Error> {
    let at = position(entries, name)?;
    let mut after = entries.to_vec();
    after.remove(at);
    Ok(after)
}

/// `name` normalised, if it is usable and no entry other than the one at
/// `renaming` has it in any case (nor the same [`slug`]).
fn checked_name<E: Entry>(
    entries: &[E],
    name: &str,
    renaming: Option<usize>,
) -> Result<String, E::Error> {
    let name = label_name(name)?;
    let (lower, slugged) = (name.to_lowercase(), slug(&name));
    let clash = entries.iter().enumerate().find(|(i, e)| {
        Some(*i) != renaming && (e.name().to_lowercase() == lower || slug(e.name()) == slugged)
    });
    match clash {
        Some((_, other)) => Err(Refusal::Duplicate(other.name().to_string()).into()),
        None => Ok(name),
    }
}

/// Takes `key` from whichever entry has it.
fn take_hotkey<E: Entry>(entries: &mut [E], key: Option<char>) {
    if key.is_some() {
        entries
            .iter_mut()
            .map(E::hotkey_mut)
            .filter(|k| **k == key)
            .for_each(|k| *k = None);
    }
}
