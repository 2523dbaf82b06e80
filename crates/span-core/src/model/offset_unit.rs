//! The units other tools count offsets in, and the conversions between them
//! and ours. The app counts Unicode code points (as Python's `str` does);
//! JavaScript tools (doccano's web page, Label Studio, Recogito, Hypothesis)
//! count UTF-16 code units; some C and Rust tools count UTF-8 bytes. In a
//! text with only ASCII the three agree; after an emoji they do not.

use std::fmt;

/// A unit offsets are counted in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    /// Unicode code points, as Python's `str` counts them: the app's own.
    #[default]
    CodePoint,
    /// UTF-16 code units, as JavaScript's `String` counts them.
    Utf16,
    /// UTF-8 bytes.
    Utf8,
}

impl OffsetUnit {
    /// Every unit, in the order a guess prefers them when they tie.
    pub const ALL: [OffsetUnit; 3] = [Self::CodePoint, Self::Utf16, Self::Utf8];

    /// Its name in files and in the stable hooks: `codepoint`, `utf16`,
    /// `utf8`.
    pub fn id(self) -> &'static str {
        match self {
            Self::CodePoint => "codepoint",
            Self::Utf16 => "utf16",
            Self::Utf8 => "utf8",
        }
    }

    /// The unit named `id` ([`id`](Self::id)), also as other tools spell it
    /// (`utf-16`, `code_point`…).
    pub fn from_id(id: &str) -> Option<Self> {
        let plain: String = id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match plain.as_str() {
            "codepoint" | "codepoints" | "char" | "chars" | "character" | "characters" => {
                Some(Self::CodePoint)
            }
            "utf16" | "utf16codeunit" | "utf16codeunits" | "codeunit" | "codeunits" => {
                Some(Self::Utf16)
            }
            "utf8" | "byte" | "bytes" | "utf8byte" | "utf8bytes" => Some(Self::Utf8),
            _ => None,
        }
    }

    /// How a person reads it: "code points", "UTF-16 code units", "UTF-8
    /// bytes".
    pub fn name(self) -> &'static str {
        match self {
            Self::CodePoint => "code points",
            Self::Utf16 => "UTF-16 code units",
            Self::Utf8 => "UTF-8 bytes",
        }
    }

    /// The size of `c` in this unit.
    fn width(self, c: char) -> usize {
        match self {
            Self::CodePoint => 1,
            Self::Utf16 => c.len_utf16(),
            Self::Utf8 => c.len_utf8(),
        }
    }
}

impl fmt::Display for OffsetUnit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an offset in some unit is no code point offset of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misfit {
    /// It is past the end of the text, which is `len` long in that unit.
    PastEnd { len: usize },
    /// It falls inside one code point: between the two halves of a
    /// surrogate pair, or inside a UTF-8 sequence.
    Splits,
}

/// Where each code point of one text starts, in one unit, for converting
/// offsets both ways in logarithmic time.
#[derive(Clone, Debug)]
pub struct UnitIndex {
    unit: OffsetUnit,
    /// For a unit other than code points: the offset of each code point
    /// and, last, the text's length, in that unit.
    starts: Vec<usize>,
    chars: usize,
}

impl UnitIndex {
    pub fn new(text: &str, unit: OffsetUnit) -> Self {
        let mut starts = Vec::new();
        let mut chars = 0;
        if unit == OffsetUnit::CodePoint {
            chars = text.chars().count();
        } else {
            starts.reserve(text.len() + 1);
            let mut at = 0;
            for c in text.chars() {
                starts.push(at);
                at += unit.width(c);
                chars += 1;
            }
            starts.push(at);
        }
        Self {
            unit,
            starts,
            chars,
        }
    }

    pub fn unit(&self) -> OffsetUnit {
        self.unit
    }

    /// The text's length in this unit.
    pub fn len(&self) -> usize {
        match self.unit {
            OffsetUnit::CodePoint => self.chars,
            _ => self.starts.last().copied().unwrap_or(0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The code point offset at `offset` of this unit.
    pub fn to_code_points(&self, offset: usize) -> Result<usize, Misfit> {
        if offset > self.len() {
            return Err(Misfit::PastEnd { len: self.len() });
        }
        match self.unit {
            OffsetUnit::CodePoint => Ok(offset),
            _ => self
                .starts
                .binary_search(&offset)
                .map_err(|_| Misfit::Splits),
        }
    }

    /// The offset in this unit of code point offset `offset` (clamped to
    /// the text's end).
    pub fn from_code_points(&self, offset: usize) -> usize {
        let offset = offset.min(self.chars);
        match self.unit {
            OffsetUnit::CodePoint => offset,
            _ => self.starts[offset],
        }
    }

    /// A code point span `start..end` in this unit.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.from_code_points(start), self.from_code_points(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A firefighter (four code points joined by a ZWJ, seven UTF-16 units,
    /// fifteen UTF-8 bytes), an e with a combining acute, CJK, Arabic, and
    /// article 001's curly quotes and no-break space.
    const MIXED: &str = "👨🏻\u{200d}🚒 firemen, Café 東京 السلام “a\u{a0}b”";

    fn offsets(text: &str, needle: &str, unit: OffsetUnit) -> (usize, usize) {
        let byte = text.find(needle).unwrap();
        let count = |s: &str| s.chars().map(|c| unit.width(c)).sum::<usize>();
        let start = count(&text[..byte]);
        (start, start + count(needle))
    }

    #[test]
    fn each_unit_maps_back_to_the_same_code_points() {
        for unit in OffsetUnit::ALL {
            let index = UnitIndex::new(MIXED, unit);
            for needle in [
                "firemen",
                "Café",
                "東京",
                "السلام",
                "“a\u{a0}b”",
                "👨🏻\u{200d}🚒",
            ] {
                let (start, end) = offsets(MIXED, needle, unit);
                let cp = offsets(MIXED, needle, OffsetUnit::CodePoint);
                assert_eq!(
                    (
                        index.to_code_points(start).unwrap(),
                        index.to_code_points(end).unwrap()
                    ),
                    cp,
                    "{needle} in {unit}"
                );
                assert_eq!(
                    (index.from_code_points(cp.0), index.from_code_points(cp.1)),
                    (start, end)
                );
            }
        }
    }

    #[test]
    fn the_firefighter_is_counted_as_each_tool_counts_it() {
        assert_eq!(offsets(MIXED, "firemen", OffsetUnit::CodePoint), (5, 12));
        assert_eq!(offsets(MIXED, "firemen", OffsetUnit::Utf16), (8, 15));
        assert_eq!(offsets(MIXED, "firemen", OffsetUnit::Utf8), (16, 23));
        assert_eq!(
            UnitIndex::new(MIXED, OffsetUnit::Utf16).len(),
            MIXED.encode_utf16().count()
        );
        assert_eq!(UnitIndex::new(MIXED, OffsetUnit::Utf8).len(), MIXED.len());
    }

    #[test]
    fn an_offset_inside_a_character_or_past_the_end_is_refused() {
        let utf16 = UnitIndex::new(MIXED, OffsetUnit::Utf16);
        assert_eq!(utf16.to_code_points(1), Err(Misfit::Splits), "inside 👨");
        let utf8 = UnitIndex::new(MIXED, OffsetUnit::Utf8);
        assert_eq!(utf8.to_code_points(2), Err(Misfit::Splits));
        let len = MIXED.chars().count();
        let cp = UnitIndex::new(MIXED, OffsetUnit::CodePoint);
        assert_eq!(cp.to_code_points(len), Ok(len));
        assert_eq!(cp.to_code_points(len + 1), Err(Misfit::PastEnd { len }));
        assert_eq!(
            utf8.to_code_points(MIXED.len() + 1),
            Err(Misfit::PastEnd { len: MIXED.len() })
        );
    }

    #[test]
    fn units_are_named_as_files_and_people_name_them() {
        for unit in OffsetUnit::ALL {
            assert_eq!(OffsetUnit::from_id(unit.id()), Some(unit));
        }
        assert_eq!(OffsetUnit::from_id("UTF-16"), Some(OffsetUnit::Utf16));
        assert_eq!(
            OffsetUnit::from_id("code_point"),
            Some(OffsetUnit::CodePoint)
        );
        assert_eq!(OffsetUnit::from_id("utf-8"), Some(OffsetUnit::Utf8));
        assert_eq!(OffsetUnit::from_id("grapheme"), None);
        assert_eq!(OffsetUnit::Utf16.to_string(), "UTF-16 code units");
    }
}
