#![cfg(target_arch = "wasm32")]
//! Ids from the browser's random numbers, drawn a batch at a time: each is
//! a distinct version-4 UUID in lower-case hex, across the batches.

use std::collections::HashSet;

use span_annotator::browser::stamp::new_id;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn ids_are_distinct_version_4_uuids_across_batches() {
    // 16 bytes each: 1,000 ids draw four batches of random bytes.
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
        assert_eq!(&id[12..13], "4", "the version of {id}");
        assert!(
            matches!(&id[16..17], "8" | "9" | "a" | "b"),
            "the variant of {id}"
        );
    }
}
