//! Ids for what a person makes (annotations, documents, relations): a
//! 128-bit UUID, unique in every browser and tab, that costs 3 or 4 bytes
//! to store rather than 17.
//!
//! A tab draws 64 random bits once, its *prefix*, and counts up in the low
//! 64: `pppppppppppp8ppp 8000000000000001`, `…02`, and so on. The result is
//! an RFC 9562 UUID of version 8 (the layout is the app’s own). Its 60
//! random bits tell tabs apart: two of a million tabs share a prefix with a
//! chance under one in a million. Ids from one tab are counted, not random, so a bucket's ids share a prefix and the stored
//! form ([`compact`](crate::format::stored::compact)) keeps each as the
//! difference from the one before. Ids made before, random version-4
//! UUIDs, stay as they are.
//!
//! It does not draw the random bits: `browser::stamp` does, and passes
//! them in, so the layout is tested natively.

/// Counts ids under one random prefix.
#[derive(Clone, Debug)]
pub struct IdMint {
    prefix: u64,
    count: u64,
}

/// The low 64 bits with only the UUID variant set, `10` in the top bits.
const VARIANT: u64 = 1 << 63;
/// The low 62 bits, which count: the two above them are the variant.
const COUNTER: u64 = (1 << 62) - 1;

impl IdMint {
    /// A mint whose ids start with `random`, with the version bits set.
    pub fn new(random: [u8; 8]) -> Self {
        let prefix = (u64::from_be_bytes(random) & !0xf000) | 0x8000;
        Self { prefix, count: 0 }
    }

    /// The next id: 32 lower-case hex digits.
    pub fn next_id(&mut self) -> String {
        self.count = (self.count + 1) & COUNTER;
        format!("{:016x}{:016x}", self.prefix, VARIANT | self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9562 §4: the 13th hex digit is the version, the 17th one of
    /// `8`, `9`, `a`, `b`.
    fn version_and_variant(id: &str) -> (u8, u8) {
        (id.as_bytes()[12], id.as_bytes()[16])
    }

    #[test]
    fn ids_are_version_8_uuids_that_count_under_the_random_prefix() {
        let mut mint = IdMint::new([0xff; 8]);
        let first = mint.next_id();
        let second = mint.next_id();
        assert_eq!(first, "ffffffffffff8fff8000000000000001");
        assert_eq!(second, "ffffffffffff8fff8000000000000002");
        let mut zero = IdMint::new([0; 8]);
        assert_eq!(zero.next_id(), "00000000000080008000000000000001");
        for id in [&first, &second] {
            assert_eq!(version_and_variant(id), (b'8', b'8'));
        }
    }

    #[test]
    fn mints_with_other_random_bits_make_other_ids() {
        let mut one = IdMint::new(*b"\x01\x23\x45\x67\x89\xab\xcd\xef");
        let mut two = IdMint::new(*b"\x01\x23\x45\x67\x89\xab\xcd\xee");
        let ones: Vec<String> = (0..1000).map(|_| one.next_id()).collect();
        let twos: Vec<String> = (0..1000).map(|_| two.next_id()).collect();
        assert!(ones.iter().all(|id| !twos.contains(id)));
        let mut unique = ones.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ones.len());
        assert!(ones[0].starts_with("0123456789ab8def"), "{}", ones[0]);
    }
}
