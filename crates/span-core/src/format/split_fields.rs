//! What the line- and white-space-separated exports (brat standoff, CoNLL)
//! must keep out of a field: the characters their Python readers split at,
//! and label names made into a single field.
//!
//! Both formats are read by Python tools, so "white space" and "line break"
//! here are Python's: `str.split()` and `str.strip()` split at every
//! character for which `str.isspace()` holds, which is Unicode's White_Space
//! plus the four information separators U+001C–U+001F; and reading a file
//! with `codecs` (as brat does) or calling `str.splitlines()` ends a line at
//! `\n`, `\r`, VT, FF, U+001C–U+001E, NEL, U+2028 and U+2029, not only at
//! `\n`. Rust's `char::is_whitespace` lacks the four separators, so it is
//! not enough on its own.
//!
//! It is not responsible for the formats themselves; see
//! [`brat`](super::brat) and [`conll`](super::conll).

use std::collections::{HashMap, HashSet};

use crate::model::{Label, Numbering};

/// Whether Python's `str.isspace()` holds for `c`: where `str.split()`
/// splits and what `str.strip()` strips.
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Whether Python ends a line at `c` when it reads lines with `codecs` or
/// `str.splitlines()`.
pub fn is_python_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A name for each label that fits in one field of a format, keyed by the
/// label's own name.
///
/// `fit` turns a name into one the format accepts; two labels whose fitted
/// names would be the same, or a fitted name listed in `reserved`, get `_2`,
/// `_3`… appended (the first label, in the set's order, keeps the plain
/// one). A label whose name already fits keeps it unchanged, whatever comes
/// before it, so names that were fine are never renamed.
pub fn fitted_names(
    labels: &[Label],
    fit: impl Fn(&str) -> String,
    reserved: &[&str],
) -> HashMap<String, String> {
    let mut taken: HashSet<String> = reserved.iter().map(|r| r.to_string()).collect();
    let mut names = HashMap::new();
    let mut numbers = Numbering::default();
    let (unchanged, changed): (Vec<&Label>, Vec<&Label>) = labels
        .iter()
        .partition(|l| fit(&l.name) == l.name && !taken.contains(&l.name));
    for label in unchanged.into_iter().chain(changed) {
        let base = fit(&label.name);
        let name = if taken.contains(&base) {
            numbers.next(
                &base,
                |n| format!("{base}_{n}"),
                |name| !taken.contains(name),
            )
        } else {
            base
        };
        taken.insert(name.clone());
        names.insert(label.name.clone(), name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(name: &str) -> Label {
        Label {
            name: name.into(),
            color: "#ffffff".into(),
            hotkey: None,
        }
    }

    // The lists Python 3.11 prints for
    // `[c for c in range(0x110000) if chr(c).isspace()]` and
    // `[c for c in range(0x110000) if len(('a' + chr(c) + 'b').splitlines()) > 1]`.
    const PYTHON_SPACE: [u32; 29] = [
        0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
        0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029,
        0x202f, 0x205f, 0x3000,
    ];
    const PYTHON_LINE_BREAK: [u32; 10] =
        [0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029];

    #[test]
    fn white_space_and_line_breaks_are_exactly_pythons() {
        let all = || (0..=0x10ffff_u32).filter_map(char::from_u32);
        let space: Vec<u32> = all()
            .filter(|&c| is_python_space(c))
            .map(u32::from)
            .collect();
        assert_eq!(space, PYTHON_SPACE);
        let breaks: Vec<u32> = all()
            .filter(|&c| is_python_line_break(c))
            .map(u32::from)
            .collect();
        assert_eq!(breaks, PYTHON_LINE_BREAK);
    }

    #[test]
    fn clashing_names_get_numbers_and_fitting_names_are_kept() {
        let labels = [
            label("Armed Group"),
            label("Armed_Group"),
            label("Armed  Group"),
            label("SEPARATOR"),
            label("Person"),
        ];
        let names = fitted_names(&labels, |n| n.replace(' ', "_"), &["SEPARATOR"]);
        assert_eq!(names["Armed_Group"], "Armed_Group", "already fits: kept");
        assert_eq!(names["Armed Group"], "Armed_Group_2");
        assert_eq!(names["Armed  Group"], "Armed__Group");
        assert_eq!(names["SEPARATOR"], "SEPARATOR_2", "reserved");
        assert_eq!(names["Person"], "Person");
        let distinct: HashSet<&String> = names.values().collect();
        assert_eq!(distinct.len(), labels.len());
    }

    /// Issue 10 (no stored or imported value takes more than linear time):
    /// each label fitting to a name already taken counted up from 2, about
    /// 200 million names tried here before the fix.
    #[test]
    fn regression_many_labels_fitting_to_one_name_are_numbered_at_once() {
        let labels: Vec<Label> = (0..20_000).map(|n| label(&format!("l{n}"))).collect();
        let names = fitted_names(&labels, |_| "x".to_string(), &[]);
        assert_eq!(names["l0"], "x");
        assert_eq!(names["l1"], "x_2");
        assert_eq!(names["l19999"], "x_20000");
        let distinct: HashSet<&String> = names.values().collect();
        assert_eq!(distinct.len(), labels.len());
    }
}
