//! Snapping a selection to what a reader means: whole words, or at least
//! whole characters as the reader sees them (grapheme clusters), so a span
//! never ends inside a word by accident, nor ever splits an emoji with its
//! skin tone, a ZWJ family or a letter from its combining accent.
//!
//! Offsets are code points in, code points out.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// The words and the runs between them of `text`, in order: Unicode UAX #29
/// word boundaries, except that an English possessive or contraction `'s`
/// (or `’s`) at a word's end is a word of its own, as spaCy and most NER
/// corpora split it: "Moscow’s" is "Moscow" and "’s".
pub(crate) fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split_word_bounds().flat_map(|piece| {
        let stem = ["'s", "’s", "'S", "’S"]
            .iter()
            .find_map(|suffix| piece.strip_suffix(suffix))
            .filter(|stem| stem.chars().any(char::is_alphanumeric));
        match stem {
            Some(stem) => [Some(stem), Some(&piece[stem.len()..])],
            None => [Some(piece), None],
        }
        .into_iter()
        .flatten()
    })
}

/// Extends `span` of `text` so that it neither starts nor ends inside a word
/// (Unicode UAX #29 word boundaries, a possessive `’s` a word of its own:
/// see [`pieces`]), and drops the white space it starts or ends with.
/// Punctuation the person selected, such as quotes, is kept.
pub fn to_words(text: &str, span: Range<usize>) -> Range<usize> {
    let Range { mut start, mut end } = to_graphemes(text, span);
    let mut offset = 0;
    for piece in pieces(text) {
        let next = offset + piece.chars().count();
        if piece.chars().any(char::is_alphanumeric) {
            if offset < start && start < next {
                start = offset;
            }
            if offset < end && end < next {
                end = next;
            }
        }
        if next >= end {
            break;
        }
        offset = next;
    }
    trim_white_space(text, start..end)
}

/// `span` without the white space at its ends, unless that is all it is.
fn trim_white_space(text: &str, span: Range<usize>) -> Range<usize> {
    let chars: Vec<char> = text.chars().skip(span.start).take(span.len()).collect();
    let Some(first) = chars.iter().position(|c| !c.is_whitespace()) else {
        return span;
    };
    let last = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .unwrap_or(first);
    span.start + first..span.start + last + 1
}

/// Extends `span` of `text` so that it starts and ends on grapheme cluster
/// boundaries.
pub fn to_graphemes(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start;
    let mut end = span.end;
    let mut offset = 0;
    for cluster in text.graphemes(true) {
        let next = offset + cluster.chars().count();
        if offset < span.start && span.start < next {
            start = offset;
        }
        if offset < span.end && span.end < next {
            end = next;
        }
        if next >= span.end {
            break;
        }
        offset = next;
    }
    start..end
}

/// What a keyboard step moves over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// One character as the reader sees it (a grapheme cluster).
    Character,
    /// To the start of a word: where a span's start moves by word.
    WordStart,
    /// To the end of a word: where a span's end moves by word.
    WordEnd,
}

/// The next boundary of `unit` after `offset` in `text` (or the previous
/// one before it), or `offset` itself if there is none that way.
pub fn step(text: &str, offset: usize, forward: bool, unit: Unit) -> usize {
    let mut boundaries = Vec::new();
    let mut at = 0;
    match unit {
        Unit::Character => {
            boundaries.push(0);
            for cluster in text.graphemes(true) {
                at += cluster.chars().count();
                boundaries.push(at);
            }
        }
        Unit::WordStart | Unit::WordEnd => {
            for piece in pieces(text) {
                let len = piece.chars().count();
                if piece.chars().any(char::is_alphanumeric) {
                    boundaries.push(if unit == Unit::WordStart {
                        at
                    } else {
                        at + len
                    });
                }
                at += len;
            }
        }
    }
    let found = if forward {
        boundaries.into_iter().find(|&b| b > offset)
    } else {
        boundaries.into_iter().rev().find(|&b| b < offset)
    };
    found.unwrap_or(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text;

    /// The code points of `needle`'s first occurrence in `text`.
    fn at(text: &str, needle: &str) -> Range<usize> {
        let start = text::char_len(&text[..text.find(needle).unwrap()]);
        start..start + text::char_len(needle)
    }

    fn snapped(text: &str, span: Range<usize>) -> &str {
        let span = to_words(text, span);
        text::slice(text, span.start, span.end).unwrap()
    }

    const TEXT: &str = "Envoy Staffan de Mistura said “small progress” was made.";

    #[test]
    fn a_selection_inside_words_grows_to_whole_words() {
        let inside = at(TEXT, "taffan de Mis");
        assert_eq!(snapped(TEXT, inside), "Staffan de Mistura");
        let one_letter = at(TEXT, "i");
        assert_eq!(
            snapped(TEXT, one_letter.start..one_letter.start + 1),
            "Mistura"
        );
    }

    #[test]
    fn spaces_at_the_edges_are_dropped_and_punctuation_kept() {
        assert_eq!(snapped(TEXT, at(TEXT, " said ")), "said");
        let quoted = "“small progress”";
        assert_eq!(snapped(TEXT, at(TEXT, quoted)), quoted);
        assert_eq!(snapped(TEXT, at(TEXT, "id “sm")), "said “small");
        assert_eq!(
            snapped("a  b", 1..3),
            "  ",
            "nothing but spaces stays as it is"
        );
    }

    #[test]
    fn whole_words_stay_as_they_are() {
        assert_eq!(snapped(TEXT, at(TEXT, "Envoy")), "Envoy");
        let all = 0..text::char_len(TEXT);
        assert_eq!(to_words(TEXT, all.clone()), all);
    }

    #[test]
    fn non_latin_scripts_snap_on_their_own_boundaries() {
        let text = "Talks in עברית and العربية with 中文 on 2017-07-05.";
        assert_eq!(snapped(text, at(text, "ברי")), "עברית");
        assert_eq!(snapped(text, at(text, "عرب")), "العربية");
        assert_eq!(
            snapped(text, at(text, "17-0")),
            "2017-07",
            "UAX #29 breaks at hyphens"
        );
        let cjk = snapped(text, at(text, "中"));
        assert!(cjk == "中" || cjk == "中文", "{cjk}");
    }

    #[test]
    fn punctuation_only_selections_keep_whole_clusters() {
        let text = "a — b";
        assert_eq!(snapped(text, at(text, "—")), "—");
    }

    #[test]
    fn clusters_are_never_split() {
        let text = "x👍🏽y e\u{301}z 👩‍👩‍👧!";
        let thumb = at(text, "👍🏽");
        assert_eq!(
            to_graphemes(text, thumb.start + 1..thumb.end),
            thumb,
            "skin tone alone"
        );
        assert_eq!(
            to_graphemes(text, thumb.start..thumb.start + 1),
            thumb,
            "thumb without its tone"
        );
        let accented = at(text, "e\u{301}");
        assert_eq!(
            to_graphemes(text, accented.start..accented.start + 1),
            accented
        );
        assert_eq!(
            to_graphemes(text, accented.start + 1..accented.end + 1),
            accented.start..accented.end + 1
        );
        let family = at(text, "👩‍👩‍👧");
        assert_eq!(
            to_graphemes(text, family.start + 2..family.start + 3),
            family
        );
        assert_eq!(to_graphemes(text, 0..1), 0..1);
    }

    #[test]
    fn steps_move_by_cluster_or_to_word_edges() {
        let text = "de Mistura 👍🏽 said";
        let thumb = at(text, "👍🏽");
        assert_eq!(
            step(text, thumb.start, true, Unit::Character),
            thumb.end,
            "an emoji with its tone is one step"
        );
        assert_eq!(step(text, thumb.end, false, Unit::Character), thumb.start);
        assert_eq!(step(text, 0, true, Unit::WordEnd), 2, "to the end of “de”");
        assert_eq!(
            step(text, 2, true, Unit::WordEnd),
            10,
            "to the end of “Mistura”"
        );
        assert_eq!(step(text, 10, false, Unit::WordEnd), 2);
        assert_eq!(
            step(text, 0, true, Unit::WordStart),
            3,
            "to the start of “Mistura”"
        );
        assert_eq!(step(text, 3, false, Unit::WordStart), 0);
        assert_eq!(
            step(text, 0, false, Unit::Character),
            0,
            "nothing before the start"
        );
        let len = text::char_len(text);
        assert_eq!(
            step(text, len, true, Unit::WordEnd),
            len,
            "nothing after the end"
        );
    }

    /// Regression (issue 12): selecting "Moscow" in "Moscow’s" gave
    /// "Moscow’s", and a handle dragged back to "Moscow" snapped forward
    /// again.
    #[test]
    fn a_possessive_is_a_word_of_its_own() {
        let text = "Moscow’s envoy and Ankara's, and Kazakhstan’S view; it's late.";
        assert_eq!(snapped(text, at(text, "oscow")), "Moscow");
        assert_eq!(snapped(text, at(text, "Moscow")), "Moscow");
        assert_eq!(snapped(text, at(text, "Moscow’")), "Moscow’s");
        assert_eq!(snapped(text, at(text, "nkara")), "Ankara");
        assert_eq!(snapped(text, at(text, "Kazakhstan")), "Kazakhstan");
        assert_eq!(snapped(text, at(text, "it")), "it");
        let moscow = at(text, "Moscow");
        assert_eq!(step(text, 0, true, Unit::WordEnd), moscow.end);
        assert_eq!(step(text, moscow.end, true, Unit::WordEnd), moscow.end + 2);
        assert_eq!(
            snapped("’s alone and s's", 0..2),
            "’s",
            "an apostrophe-s with no word before it stays whole"
        );
    }

    #[test]
    fn word_snapping_never_splits_clusters_either() {
        let text = "Caf e\u{301}te\u{301} 👩‍👩‍👧 done";
        assert_eq!(snapped(text, at(text, "te")), "e\u{301}te\u{301}");
        let family = at(text, "👩‍👩‍👧");
        assert_eq!(to_words(text, family.start + 1..family.start + 2), family);
    }
}
