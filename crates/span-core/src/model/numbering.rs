//! Numbered names, for when a name is taken: “a (2).txt”, “PER2”,
//! “Person (3)”, “Armed_Group_2”. Many names wanting one base would each
//! count up from 2, which is quadratic in their number (a file or stored
//! data may bring thousands); here each search goes on from where the last
//! one for that base stopped.
//!
//! It knows neither how a number is written into a name nor what is taken:
//! the caller says both.

use std::collections::HashMap;

/// The next number to try after each base name.
#[derive(Clone, Debug, Default)]
pub struct Numbering(HashMap<String, usize>);

impl Numbering {
    /// The first of `name(2)`, `name(3)`… that is `free`, going on from
    /// the last number tried for `base`. The caller marks the name it takes
    /// as no longer free, so no name is given twice.
    pub fn next(
        &mut self,
        base: &str,
        name: impl Fn(usize) -> String,
        free: impl Fn(&str) -> bool,
    ) -> String {
        let number = self.0.entry(base.to_string()).or_insert(2);
        loop {
            let candidate = name(*number);
            *number += 1;
            if free(&candidate) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn numbers_go_on_per_base_and_skip_what_is_taken() {
        let mut taken: HashSet<String> = ["a (3)".to_string()].into();
        let mut numbering = Numbering::default();
        let mut next = |base: &str| {
            let name = numbering.next(base, |n| format!("{base} ({n})"), |c| !taken.contains(c));
            taken.insert(name.clone());
            name
        };
        assert_eq!(next("a"), "a (2)");
        assert_eq!(next("a"), "a (4)");
        assert_eq!(next("b"), "b (2)");
        assert_eq!(next("a"), "a (5)");
    }
}
