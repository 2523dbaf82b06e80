#![cfg(target_arch = "wasm32")]
//! Ids in the browser: version-8 UUIDs in lower-case hex, under one prefix
//! drawn from the browser's random numbers, counted up.

use std::collections::HashSet;

use span_annotator::browser::stamp::new_id;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn ids_are_distinct_version_8_uuids_counted_under_a_random_prefix() {
    let ids: Vec<String> = (0..1000).map(|_| new_id()).collect();
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "an id came twice");
    for id in &ids {
        assert_eq!(id.len(), 32, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{id}"
        );
        assert_eq!(&id[12..13], "8", "the version of {id}");
        assert!(
            matches!(&id[16..17], "8" | "9" | "a" | "b"),
            "the variant of {id}"
        );
        assert_eq!(id[..16], ids[0][..16], "the prefix of {id}");
    }
    // Random bits were drawn: a prefix left at zero is the one way they
    // were not (one chance in 2⁶⁰ otherwise).
    assert_ne!(&ids[0][..16], "0000000000008000");
    let low = |id: &str| u64::from_str_radix(&id[16..], 16).unwrap();
    for pair in ids.windows(2) {
        assert_eq!(low(&pair[1]), low(&pair[0]) + 1, "{pair:?}");
    }
}
