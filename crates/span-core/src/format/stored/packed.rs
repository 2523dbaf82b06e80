//! Bytes as a string that localStorage keeps and counts cheaply: 15 bits
//! in every UTF-16 unit. localStorage holds strings, and browsers count its
//! quota in UTF-16 units (Chromium, Firefox) or in bytes of UTF-16
//! (WebKit), so base64's 6 bits a unit would waste more than half of it.
//!
//! Each unit is a code point of U+3400..U+B3FF (15 bits) or, for the last
//! 1 to 7 bits, of U+3380..U+33FF: all in the Basic Multilingual Plane
//! below the surrogates, none a control character or a noncharacter, so
//! every packed string is valid UTF-16 (and a Rust `String`) and survives
//! any storage that keeps strings whole. Which bytes it holds, and whether
//! they are intact, is for the caller to check (see `compact`).
//!
//! It knows nothing of what the bytes mean.

/// The first code point of the 15-bit units.
const WIDE: u32 = 0x3400;
/// The first code point of the final unit that carries 7 bits or fewer.
const TAIL: u32 = 0x3380;

/// The UTF-16 units that `bytes` bytes take once packed.
pub fn packed_len(bytes: usize) -> usize {
    (bytes * 8).div_ceil(15)
}

/// Appends `bytes`, packed, to `out`.
pub fn pack(bytes: &[u8], out: &mut String) {
    out.reserve(packed_len(bytes.len()) * 3);
    let mut held: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        held = (held << 8) | u32::from(byte);
        bits += 8;
        if bits >= 15 {
            bits -= 15;
            out.push(unit(WIDE + (held >> bits)));
            held &= (1 << bits) - 1;
        }
    }
    match bits {
        0 => {}
        1..=7 => out.push(unit(TAIL + (held << (7 - bits)))),
        _ => out.push(unit(WIDE + (held << (15 - bits)))),
    }
}

fn unit(code: u32) -> char {
    char::from_u32(code).expect("packed units are below the surrogates")
}

/// Why a string is not one [`pack`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotPacked(pub String);

/// The bytes `packed` holds, or why it cannot hold any: a character
/// outside the two ranges, a short unit before the end, or padding bits
/// that are not zero.
pub fn unpack(packed: &str) -> Result<Vec<u8>, NotPacked> {
    let mut bytes = Vec::with_capacity(packed.len() / 3 * 15 / 8 + 1);
    let mut held: u32 = 0;
    let mut bits = 0;
    let mut ended = false;
    for (at, c) in packed.chars().enumerate() {
        if ended {
            return Err(NotPacked(format!("a short unit is not last (unit {at})")));
        }
        let code = u32::from(c);
        let (value, width) = match code {
            c if (WIDE..WIDE + 0x8000).contains(&c) => (c - WIDE, 15),
            c if (TAIL..WIDE).contains(&c) => {
                ended = true;
                (c - TAIL, 7)
            }
            _ => {
                return Err(NotPacked(format!(
                    "U+{code:04X} (unit {at}) is not a packed unit"
                )))
            }
        };
        held = (held << width) | value;
        bits += width;
        while bits >= 8 {
            bits -= 8;
            bytes.push((held >> bits) as u8);
            held &= (1 << bits) - 1;
        }
    }
    if held != 0 {
        return Err(NotPacked("its last unit has stray bits".into()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_round_trips_and_takes_the_units_it_says() {
        let bytes: Vec<u8> = (0..200u32).map(|i| (i * 151 + 7) as u8).collect();
        for len in 0..bytes.len() {
            let mut packed = String::new();
            pack(&bytes[..len], &mut packed);
            assert_eq!(packed.encode_utf16().count(), packed_len(len), "{len}");
            assert_eq!(unpack(&packed).unwrap(), &bytes[..len], "{len}");
        }
    }

    #[test]
    fn all_ones_and_all_zeros_stay_in_range() {
        for byte in [0u8, 0xff] {
            let mut packed = String::new();
            pack(&[byte; 31], &mut packed);
            assert!(packed
                .chars()
                .all(|c| (0x3380..0xb400).contains(&u32::from(c))));
            assert_eq!(unpack(&packed).unwrap(), [byte; 31]);
        }
    }

    #[test]
    fn strings_pack_never_writes_are_refused() {
        for bad in ["a", "\u{3400}\u{3380}\u{3400}", "\u{b400}", "\u{3381}"] {
            assert!(unpack(bad).is_err(), "{bad:?}");
        }
    }
}
