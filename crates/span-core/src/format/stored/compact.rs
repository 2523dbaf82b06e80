//! The compact form of the two large kinds of stored value, a document's
//! text and a bucket of its annotations: bytes, checked by a checksum and
//! [packed](super::packed) into a string after the prefix `v3:`.
//!
//! ```text
//! value   = "v3:" pack(check payload)
//! check   = FNV-1a of (what the value is for, payload), low 32 bits, little-endian
//! text    = 1, commit marker (0, or 1 and a token), codec (0 UTF-8, 1 raw DEFLATE),
//!           the text's UTF-8 length, the bytes
//! spans   = 2, text hash (token), labels (count, strings),
//!           prefixes (count, each 8 bytes),
//!           annotations (count, each: flags, id, start − previous start,
//!             end − start, label index, created (ms − previous ms, or a string), rev,
//!             note?, entity?),
//!           tombstones (count, each: id, rev, day − previous day)
//! ```
//!
//! Numbers are LEB128 varints, differences zigzag-coded; a string is its
//! UTF-8 length and bytes. A *token* is an id or hash: lower-case hex of
//! even length is kept as its bytes (a 128-bit id in 17 bytes), anything
//! else as a string, so every id comes back exactly as it was. `created`
//! is kept as milliseconds when it is exactly a stamp the app writes
//! (`2026-11-22T10:00:00.000Z`), else as the string. Annotations keep their
//! order: written in order of start, as a tab's copy is, the differences
//! are small.
//!
//! **Ids.** The app's ids are a tab's random 64-bit prefix and a counter
//! ([`IdMint`](crate::model::IdMint)), so the ids of a bucket share a few
//! prefixes. Each 64-bit prefix that two or more 32-digit hex ids of the
//! value share is listed once; such an id is then the index of its prefix
//! and its low 64 bits as the difference from the last id of that prefix
//! (from 2⁶³, the UUID variant bit, for the first): 3 or 4 bytes, where a
//! token takes 17. An annotation says which it is by its flag
//! `SHARED_PREFIX`; a tombstone's id starts with a number, 0 for a token
//! and k for the (k − 1)th prefix. Prefixes are listed in increasing order. Format 1, written before, had neither
//! the prefixes nor the flag, and is read as it was.
//!
//! The checksum covers what the value is for (the key's document and
//! bucket), so damage, truncation, and a value copied under another key
//! are all found, and the value is refused whole, never misread.

use super::packed::{pack, packed_len, unpack};
use super::{fnv64, StoredError, StoredSpan, Tombstone};
use crate::model::{entity_name, format_iso_8601, parse_iso_8601};

/// What every compact value starts with.
pub const PREFIX: &str = "v3:";
/// The largest text a stored value may unpack to, in bytes: far beyond
/// what localStorage holds, so that damaged data cannot ask for more.
const MAX_TEXT_BYTES: usize = 64 << 20;

/// The format of a text's value.
const TEXT_FORMAT: u8 = 1;
/// The format of a bucket's value written before ids shared prefixes.
const SPANS_WITHOUT_PREFIXES: u8 = 1;
/// The format of a bucket's value.
const SPANS_FORMAT: u8 = 2;
const HAS_NOTE: u8 = 1;
const HAS_ENTITY: u8 = 2;
const CREATED_AS_TEXT: u8 = 4;
const SHARED_PREFIX: u8 = 8;
/// Where the low 64 bits of each prefix's ids are counted from: the
/// variant bit of a UUID, which every id the app makes has set.
const LOW_ORIGIN: u64 = 1 << 63;
const RAW_TEXT: u8 = 0;
const DEFLATED_TEXT: u8 = 1;

/// A document's text as its value holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub commit: Option<String>,
}

/// A bucket's annotations and tombstones, with the hash of the text they
/// were made on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spans {
    pub text_hash: String,
    pub entries: Vec<StoredSpan>,
    pub deleted: Vec<Tombstone>,
}

/// `payload` as a stored value for `context` (what the value is for).
fn seal(context: &str, payload: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(payload.len() + 4);
    bytes.extend_from_slice(&check(context, payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    let mut value = String::with_capacity(PREFIX.len() + packed_len(bytes.len()) * 3);
    value.push_str(PREFIX);
    pack(&bytes, &mut value);
    value
}

/// The payload of a value [`seal`] made for `context`.
fn open(raw: &str, context: &str) -> Result<Vec<u8>, StoredError> {
    let Some(packed) = raw.strip_prefix(PREFIX) else {
        return Err(StoredError::Damaged(
            "it does not start with “v3:”, as every compact value does".into(),
        ));
    };
    let mut bytes = unpack(packed).map_err(|e| StoredError::Damaged(e.0))?;
    if bytes.len() < 4 {
        return Err(StoredError::Damaged("it is cut short".into()));
    }
    let payload = bytes.split_off(4);
    let stored = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if stored != check(context, &payload) {
        return Err(StoredError::Damaged(
            "its checksum does not match: it was changed, cut short, or belongs under another key"
                .into(),
        ));
    }
    Ok(payload)
}

fn check(context: &str, payload: &[u8]) -> u32 {
    let hash = fnv64(context.bytes().chain([0]).chain(payload.iter().copied()));
    (hash ^ (hash >> 32)) as u32
}

/// The value of a document's text.
pub fn encode_text(context: &str, text: &str, commit: Option<&str>) -> String {
    let mut out = Writer::default();
    out.byte(TEXT_FORMAT);
    match commit {
        None => out.byte(0),
        Some(id) => {
            out.byte(1);
            out.token(id);
        }
    }
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 6);
    let (codec, data) = if deflated.len() < text.len() {
        (DEFLATED_TEXT, deflated.as_slice())
    } else {
        (RAW_TEXT, text.as_bytes())
    };
    out.byte(codec);
    out.number(text.len() as u64);
    out.bytes.extend_from_slice(data);
    seal(context, &out.bytes)
}

pub fn decode_text(raw: &str, context: &str) -> Result<Text, StoredError> {
    let payload = open(raw, context)?;
    let mut input = Reader::new(&payload);
    input.format(&[TEXT_FORMAT])?;
    let commit = match input.byte()? {
        0 => None,
        1 => Some(input.token()?),
        other => return Err(shape(format!("commit marker {other} is unknown"))),
    };
    let codec = input.byte()?;
    let len = input.length(MAX_TEXT_BYTES)?;
    let data = input.rest();
    let bytes = match codec {
        RAW_TEXT => data.to_vec(),
        DEFLATED_TEXT => miniz_oxide::inflate::decompress_to_vec_with_limit(data, len)
            .map_err(|e| shape(format!("its text does not inflate ({:?})", e.status)))?,
        other => return Err(shape(format!("text codec {other} is unknown"))),
    };
    if bytes.len() != len {
        return Err(shape(format!(
            "its text is {} bytes, not the {len} it says",
            bytes.len()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| shape("its text is not UTF-8".into()))?;
    Ok(Text { text, commit })
}

/// The value of a bucket, or of a commit's annotations of one document.
pub fn encode_spans(
    context: &str,
    text_hash: &str,
    entries: &[StoredSpan],
    deleted: &[Tombstone],
) -> String {
    let mut out = Writer::default();
    out.bytes
        .reserve(16 * entries.len() + 20 * deleted.len() + 64);
    out.byte(SPANS_FORMAT);
    out.token(text_hash);
    let mut labels: Vec<&str> = Vec::new();
    let indexes: Vec<usize> = entries
        .iter()
        .map(
            |span| match labels.iter().position(|l| *l == span.label.as_str()) {
                Some(at) => at,
                None => {
                    labels.push(&span.label);
                    labels.len() - 1
                }
            },
        )
        .collect();
    out.number(labels.len() as u64);
    for label in labels {
        out.string(label);
    }
    let mut prefixes = Prefixes::of(
        entries
            .iter()
            .map(|s| s.id.as_str())
            .chain(deleted.iter().map(|t| t.0.as_str())),
    );
    out.number(prefixes.listed.len() as u64);
    for prefix in &prefixes.listed {
        out.bytes.extend_from_slice(&prefix.to_be_bytes());
    }
    out.number(entries.len() as u64);
    let (mut start, mut created) = (0u64, 0i64);
    for (span, label) in entries.iter().zip(indexes) {
        let ms = parse_iso_8601(&span.created);
        let shared = prefixes.find(&span.id);
        let flag = |on: bool, flag: u8| if on { flag } else { 0 };
        let flags = flag(span.note.is_some(), HAS_NOTE)
            | flag(span.entity.is_some(), HAS_ENTITY)
            | flag(ms.is_none(), CREATED_AS_TEXT)
            | flag(shared.is_some(), SHARED_PREFIX);
        out.byte(flags);
        match shared {
            Some((index, low)) => {
                out.number(index as u64);
                prefixes.write(&mut out, index, low);
            }
            None => out.token(&span.id),
        }
        out.signed(span.start as u64, start);
        start = span.start as u64;
        out.signed(span.end as u64, start);
        out.number(label as u64);
        match ms {
            Some(ms) => {
                out.signed(ms as u64, created as u64);
                created = ms;
            }
            None => out.string(&span.created),
        }
        out.number(u64::from(span.rev));
        if let Some(note) = &span.note {
            out.string(note);
        }
        if let Some(entity) = &span.entity {
            out.string(entity);
        }
    }
    out.number(deleted.len() as u64);
    let mut day = 0u64;
    for Tombstone(id, rev, made) in deleted {
        match prefixes.find(id) {
            Some((index, low)) => {
                out.number(index as u64 + 1);
                prefixes.write(&mut out, index, low);
            }
            None => {
                out.number(0);
                out.token(id);
            }
        }
        out.number(u64::from(*rev));
        out.signed(u64::from(*made), day);
        day = u64::from(*made);
    }
    seal(context, &out.bytes)
}

pub fn decode_spans(raw: &str, context: &str) -> Result<Spans, StoredError> {
    let payload = open(raw, context)?;
    let mut input = Reader::new(&payload);
    let format = input.format(&[SPANS_WITHOUT_PREFIXES, SPANS_FORMAT])?;
    let text_hash = input.token()?;
    let label_count = input.count(1)?;
    let labels = (0..label_count)
        .map(|_| input.string())
        .collect::<Result<Vec<_>, _>>()?;
    let mut prefixes = Prefixes::default();
    if format == SPANS_FORMAT {
        let count = input.count(8)?;
        for _ in 0..count {
            let bytes = input.take(8)?.try_into().expect("8 bytes were taken");
            prefixes.listed.push(u64::from_be_bytes(bytes));
        }
        prefixes.last = vec![LOW_ORIGIN; count];
    }
    let span_count = input.count(6)?;
    let mut entries = Vec::with_capacity(span_count);
    let (mut start, mut created) = (0u64, 0u64);
    for at in 0..span_count {
        let flags = input.byte()?;
        let id = match flags & SHARED_PREFIX {
            0 => input.token()?,
            _ => {
                let index = input.length(usize::MAX)?;
                prefixes.read(&mut input, index)?
            }
        };
        start = input.signed(start)?;
        let end = input.signed(start)?;
        let label = labels
            .get(input.length(usize::MAX)?)
            .ok_or_else(|| shape(format!("annotation {at} names a label not listed")))?
            .clone();
        let created = if flags & CREATED_AS_TEXT == 0 {
            created = input.signed(created)?;
            format_iso_8601(created as i64)
        } else {
            input.string()?
        };
        let rev = input.rev()?;
        let note = (flags & HAS_NOTE != 0)
            .then(|| input.string())
            .transpose()?;
        let entity = (flags & HAS_ENTITY != 0)
            .then(|| input.string())
            .transpose()?
            .as_deref()
            .and_then(entity_name);
        entries.push(StoredSpan {
            id,
            start: position(start)?,
            end: position(end)?,
            label,
            created,
            rev,
            note,
            entity,
        });
    }
    let tombstone_count = input.count(3)?;
    let mut deleted = Vec::with_capacity(tombstone_count);
    let mut day = 0u64;
    for _ in 0..tombstone_count {
        let id = match format {
            SPANS_FORMAT => match input.length(usize::MAX)? {
                0 => input.token()?,
                shared => prefixes.read(&mut input, shared - 1)?,
            },
            _ => input.token()?,
        };
        let rev = input.rev()?;
        day = input.signed(day)?;
        let made =
            u32::try_from(day).map_err(|_| shape("a tombstone's day is out of range".into()))?;
        deleted.push(Tombstone(id, rev, made));
    }
    input.end()?;
    Ok(Spans {
        text_hash,
        entries,
        deleted,
    })
}

/// The 64-bit prefixes that ids of a value share, in order, and the low 64
/// bits of the last id written or read under each.
#[derive(Default)]
struct Prefixes {
    listed: Vec<u64>,
    last: Vec<u64>,
}

impl Prefixes {
    /// The prefixes two or more of `ids` share.
    fn of<'a>(ids: impl Iterator<Item = &'a str>) -> Self {
        let mut all: Vec<u64> = ids.filter_map(split_id).map(|(prefix, _)| prefix).collect();
        all.sort();
        let mut listed: Vec<u64> = all
            .windows(2)
            .filter(|pair| pair[0] == pair[1])
            .map(|pair| pair[0])
            .collect();
        listed.dedup();
        Self {
            last: vec![LOW_ORIGIN; listed.len()],
            listed,
        }
    }

    /// The index of `id`'s prefix and its low 64 bits, if its prefix is
    /// listed.
    fn find(&self, id: &str) -> Option<(usize, u64)> {
        let (prefix, low) = split_id(id)?;
        Some((self.listed.binary_search(&prefix).ok()?, low))
    }

    /// Writes the low 64 bits of an id under prefix `index`.
    fn write(&mut self, out: &mut Writer, index: usize, low: u64) {
        out.signed(low, self.last[index]);
        self.last[index] = low;
    }

    /// Reads the low 64 bits of an id under prefix `index`; the id.
    fn read(&mut self, input: &mut Reader, index: usize) -> Result<String, StoredError> {
        let Some(&prefix) = self.listed.get(index) else {
            return Err(shape(format!(
                "an id names prefix {index}, which is not listed"
            )));
        };
        let low = input.signed(self.last[index])?;
        self.last[index] = low;
        Ok(format!("{prefix:016x}{low:016x}"))
    }
}

/// A 32-digit lower-case hex id as its high and low 64 bits.
fn split_id(id: &str) -> Option<(u64, u64)> {
    if id.len() != 32 || !is_lower_hex(id) {
        return None;
    }
    let high = u64::from_str_radix(&id[..16], 16).ok()?;
    let low = u64::from_str_radix(&id[16..], 16).ok()?;
    Some((high, low))
}

/// Whether `text` is lower-case hex digits only.
fn is_lower_hex(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn position(value: u64) -> Result<usize, StoredError> {
    usize::try_from(value).map_err(|_| shape(format!("offset {value} is out of range")))
}

fn shape(why: String) -> StoredError {
    StoredError::Shape(why)
}

/// Bytes being written.
#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn byte(&mut self, byte: u8) {
        self.bytes.push(byte);
    }

    fn number(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    /// `value` as its difference from `previous`, zigzag-coded; the
    /// arithmetic wraps, so any two values round-trip.
    fn signed(&mut self, value: u64, previous: u64) {
        let difference = value.wrapping_sub(previous) as i64;
        self.number(((difference << 1) ^ (difference >> 63)) as u64);
    }

    fn string(&mut self, text: &str) {
        self.number(text.len() as u64);
        self.bytes.extend_from_slice(text.as_bytes());
    }

    /// An id or hash: its bytes if it is lower-case hex of even length,
    /// else the string; the low bit of the length says which.
    fn token(&mut self, token: &str) {
        if !token.is_empty() && token.len().is_multiple_of(2) && is_lower_hex(token) {
            self.number((token.len() / 2) as u64 * 2);
            self.bytes.extend(
                token
                    .as_bytes()
                    .chunks(2)
                    .map(|pair| nibble(pair[0]) << 4 | nibble(pair[1])),
            );
        } else {
            self.number(token.len() as u64 * 2 + 1);
            self.bytes.extend_from_slice(token.as_bytes());
        }
    }
}

fn nibble(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        _ => digit - b'a' + 10,
    }
}

/// Bytes being read; every read says why it failed.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn byte(&mut self) -> Result<u8, StoredError> {
        let byte = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| shape("it ends too soon".into()))?;
        self.at += 1;
        Ok(byte)
    }

    /// The value's format, one of `known`.
    fn format(&mut self, known: &[u8]) -> Result<u8, StoredError> {
        match self.byte()? {
            format if known.contains(&format) => Ok(format),
            other => Err(shape(format!("compact format {other} is unknown"))),
        }
    }

    fn number(&mut self) -> Result<u64, StoredError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(shape("a number is too long".into()))
    }

    fn signed(&mut self, previous: u64) -> Result<u64, StoredError> {
        let coded = self.number()?;
        let difference = (coded >> 1) as i64 ^ -((coded & 1) as i64);
        Ok(previous.wrapping_add(difference as u64))
    }

    /// A length or index of at most `max`.
    fn length(&mut self, max: usize) -> Result<usize, StoredError> {
        let value = self.number()?;
        usize::try_from(value)
            .ok()
            .filter(|v| *v <= max)
            .ok_or_else(|| shape(format!("{value} is out of range")))
    }

    /// A count of items of at least `min_bytes` each, which the bytes left
    /// can hold.
    fn count(&mut self, min_bytes: usize) -> Result<usize, StoredError> {
        let left = self.bytes.len() - self.at;
        self.length(left / min_bytes)
    }

    fn rev(&mut self) -> Result<u32, StoredError> {
        let value = self.number()?;
        u32::try_from(value).map_err(|_| shape(format!("revision {value} is out of range")))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], StoredError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| shape("it ends too soon".into()))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn string(&mut self) -> Result<String, StoredError> {
        let len = self.length(usize::MAX)?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| shape("a string is not UTF-8".into()))
    }

    fn token(&mut self) -> Result<String, StoredError> {
        let coded = self.length(usize::MAX)?;
        let bytes = self.take(coded / 2)?;
        if coded % 2 == 1 {
            return String::from_utf8(bytes.to_vec())
                .map_err(|_| shape("an id is not UTF-8".into()));
        }
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(bytes.len() * 2);
        for byte in bytes {
            hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
            hex.push(char::from(DIGITS[usize::from(byte & 15)]));
        }
        Ok(hex)
    }

    fn rest(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.at..];
        self.at = self.bytes.len();
        rest
    }

    fn end(&self) -> Result<(), StoredError> {
        match self.bytes.len() - self.at {
            0 => Ok(()),
            more => Err(shape(format!("{more} bytes follow its end"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IdMint;
    use crate::storage::utf16_len;

    fn span(id: &str, start: usize, created: &str) -> StoredSpan {
        StoredSpan {
            id: id.into(),
            start,
            end: start + 4,
            label: "Person".into(),
            created: created.into(),
            rev: 1,
            note: None,
            entity: None,
        }
    }

    #[test]
    fn a_hex_id_takes_its_bytes_and_any_other_id_comes_back_as_it_was() {
        let ids = [
            "3f2a9c1e0b7d4e6fa1c2d3e4f5a6b7c8",
            "0000000000000000000000000000000a",
            "3F2A9C1E0B7D4E6FA1C2D3E4F5A6B7C8",
            "abc",
            "",
            "id with spaces 😀",
        ];
        let spans: Vec<StoredSpan> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| span(id, i * 10, "2026-11-22T10:00:00.000Z"))
            .collect();
        let raw = encode_spans("c", "07238738e9e18ef6", &spans, &[]);
        let back = decode_spans(&raw, "c").unwrap();
        assert_eq!(back.entries, spans);
        assert_eq!(back.text_hash, "07238738e9e18ef6");
        let one = encode_spans("c", "", &spans[..1], &[]);
        let none = encode_spans("c", "", &[], &[]);
        // Flags, 17 bytes of id, start, end, label, 6 bytes of time, rev,
        // and the label's name once: 36 bytes, 20 units.
        assert!(utf16_len(&one) - utf16_len(&none) <= 20, "{one}");
    }

    #[test]
    fn ids_the_app_makes_take_a_few_bytes_each() {
        let mut tabs = [
            IdMint::new(*b"\x5e\xed\x00\x00\x00\x00\x00\x01"),
            IdMint::new(*b"\xff\xee\xdd\xcc\xbb\xaa\x99\x88"),
        ];
        let spans: Vec<StoredSpan> = (0..200)
            .map(|i| {
                let id = tabs[i % 2].next_id();
                span(&id, i * 10, "2026-11-22T10:00:00.000Z")
            })
            .collect();
        let deleted = vec![
            Tombstone(tabs[0].next_id(), 2, 20_000),
            Tombstone("0c1d2e3f4a5b4c6d9e7f8091a2b3c4d5".into(), 3, 20_001),
        ];
        let raw = encode_spans("c", "h", &spans, &deleted);
        let back = decode_spans(&raw, "c").unwrap();
        assert_eq!((back.entries, back.deleted), (spans.clone(), deleted));
        // Flags, prefix and difference (1 byte each), start, end, label,
        // time and rev: 8 bytes, where a 17-byte token makes 23.
        let random: Vec<StoredSpan> = spans
            .iter()
            .enumerate()
            .map(|(i, s)| StoredSpan {
                id: format!("{:08x}1a2b4c3d8e4f{i:012x}", i * 7919),
                ..s.clone()
            })
            .collect();
        let bytes = |spans: &[StoredSpan]| utf16_len(&encode_spans("c", "h", spans, &[])) * 15 / 8;
        assert!(bytes(&spans) <= 8 * 200 + 64, "{}", bytes(&spans));
        assert!(bytes(&random) >= 23 * 200, "{}", bytes(&random));
    }

    /// A bucket as storage version 3 wrote it (compact format 1: no
    /// prefixes), with a note, an id that is not hex, and a tombstone.
    #[test]
    fn format_1_is_read_as_it_was_written() {
        let raw = "v3:帠琘吢㑲倹鞧眝ꨁ㜨䵜艭ꫠ䐉㕼䱔늑趦輢矡雓陚鶤䀘㒀繋廰䄀咆ꨝ境锿䲀㒇辛ꊄ㪆忀簰㐀㘈歡鹈刓궈㐉㐰湜獊憦佧菰㴚䦞䝔㬍猂";
        let spans = decode_spans(raw, "doc/x/1").unwrap();
        let noted = |id: &str, start: usize| StoredSpan {
            end: start + 6,
            rev: 2,
            note: Some("né 😀".into()),
            ..span(id, start, "2026-11-22T10:00:00.000Z")
        };
        assert_eq!(
            spans,
            Spans {
                text_hash: "07238738e9e18ef6".into(),
                entries: vec![
                    noted("5f0c2a7e91b34d6c8a1f0e2d3c4b5a69", 3),
                    noted("not hex", 12)
                ],
                deleted: vec![Tombstone(
                    "0c1d2e3f4a5b4c6d9e7f8091a2b3c4d5".into(),
                    3,
                    20419
                )],
            }
        );
    }

    #[test]
    fn created_is_kept_as_written_whether_or_not_it_is_a_stamp() {
        for created in [
            "2026-11-22T10:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
            "+275760-09-13T00:00:00.000Z",
            "2026-11-22T10:00:00Z",
            "2026-02-30T10:00:00.000Z",
            "t",
            "",
        ] {
            let spans = [
                span("a", 1, created),
                span("b", 0, "2026-11-22T10:00:01.000Z"),
            ];
            let back = decode_spans(&encode_spans("c", "h", &spans, &[]), "c").unwrap();
            assert_eq!(back.entries, spans, "{created}");
        }
    }

    #[test]
    fn a_value_under_another_key_or_changed_in_one_unit_is_refused() {
        let spans = [span("a", 1, "2026-11-22T10:00:00.000Z")];
        let raw = encode_spans("doc/x/1", "h", &spans, &[]);
        let elsewhere = decode_spans(&raw, "doc/x/2").unwrap_err();
        assert!(matches!(elsewhere, StoredError::Damaged(_)), "{elsewhere}");
        let units: Vec<char> = raw.chars().collect();
        for at in PREFIX.len()..units.len() {
            let mut changed = units.clone();
            changed[at] = char::from_u32(u32::from(units[at]) ^ 1).unwrap();
            let changed: String = changed.into_iter().collect();
            assert!(decode_spans(&changed, "doc/x/1").is_err(), "unit {at}");
            let cut: String = units[..at].iter().collect();
            assert!(decode_spans(&cut, "doc/x/1").is_err(), "cut at {at}");
        }
        for not_compact in ["", "{}", "v2:\u{3400}", r#"{"version":3}"#] {
            assert!(decode_spans(not_compact, "doc/x/1").is_err());
        }
    }

    #[test]
    fn texts_are_compressed_when_that_is_smaller() {
        let prose = "The talks in Astana went on, and the talks in Astana ended. ".repeat(40);
        let raw = encode_text("text/a", &prose, Some("c0ffee"));
        assert!(utf16_len(&raw) * 10 < prose.len(), "{}", utf16_len(&raw));
        let back = decode_text(&raw, "text/a").unwrap();
        assert_eq!(
            (back.text.as_str(), back.commit.as_deref()),
            (prose.as_str(), Some("c0ffee"))
        );
        let short = "שלום 😀";
        let raw = encode_text("text/a", short, None);
        assert_eq!(decode_text(&raw, "text/a").unwrap().text, short);
        assert!(decode_text(&raw, "text/b").is_err());
    }

    /// Random annotations, tombstones and texts round-trip exactly, and
    /// every value is a string of units in the packed ranges, whose length
    /// the quota check counts right.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Text mixing what is hard for offsets and encodings: emoji with
        /// skin tones and ZWJ sequences, flags, combining marks, CJK, RTL
        /// with its marks, and control characters.
        fn hard_text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                "[a-zA-Z0-9 .,]{0,12}",
                Just("👩‍👩‍👧".to_string()),
                Just("👍🏽".to_string()),
                Just("🇫🇷".to_string()),
                Just("🏳️‍🌈".to_string()),
                Just("e\u{301}\u{308}".to_string()),
                Just("阿斯塔纳会谈".to_string()),
                Just("שָׁלוֹם \u{200f}".to_string()),
                Just("مرحبا بالعالم".to_string()),
                Just("\u{0}\r\n\t".to_string()),
                "\\PC{0,6}",
            ];
            proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
        }

        /// Random ids, ids under a few prefixes with any low bits (as
        /// counted ids are, and beyond), and ids that are not hex.
        fn id() -> impl Strategy<Value = String> {
            const PREFIXES: [u64; 3] = [0x0123_4567_89ab_8def, 0, u64::MAX];
            prop_oneof![
                2 => "[0-9a-f]{32}",
                3 => (0..PREFIXES.len(), any::<u64>())
                    .prop_map(|(p, low)| format!("{:016x}{low:016x}", PREFIXES[p])),
                1 => "[0-9a-fA-F]{0,33}",
                1 => hard_text(),
            ]
        }

        fn created() -> impl Strategy<Value = String> {
            prop_oneof![
                3 => (-8_640_000_000_000_000i64..8_640_000_000_000_000).prop_map(format_iso_8601),
                1 => hard_text(),
            ]
        }

        fn stored_span() -> impl Strategy<Value = StoredSpan> {
            (
                id(),
                (any::<u32>(), any::<u32>()),
                prop_oneof![
                    Just("Person".to_string()),
                    Just("Location".to_string()),
                    hard_text()
                ],
                created(),
                any::<u32>(),
                proptest::option::of(hard_text()),
                proptest::option::of(hard_text()),
            )
                .prop_map(|(id, (start, end), label, created, rev, note, entity)| {
                    StoredSpan {
                        id,
                        start: start as usize,
                        end: end as usize,
                        label,
                        created,
                        rev,
                        note,
                        entity: entity.as_deref().and_then(entity_name),
                    }
                })
        }

        fn tombstone() -> impl Strategy<Value = Tombstone> {
            (id(), any::<u32>(), any::<u32>()).prop_map(|(id, rev, day)| Tombstone(id, rev, day))
        }

        fn well_formed(raw: &str) -> bool {
            raw.starts_with(PREFIX)
                && raw[PREFIX.len()..]
                    .chars()
                    .all(|c| (0x3380..0xb400).contains(&u32::from(c)))
                && raw.encode_utf16().count() == utf16_len(raw)
        }

        proptest! {
            #[test]
            fn annotations_round_trip(
                entries in proptest::collection::vec(stored_span(), 0..40),
                deleted in proptest::collection::vec(tombstone(), 0..10),
                hash in prop_oneof!["[0-9a-f]{16}", hard_text()],
                context in hard_text(),
            ) {
                let raw = encode_spans(&context, &hash, &entries, &deleted);
                prop_assert!(well_formed(&raw));
                let back = decode_spans(&raw, &context).unwrap();
                prop_assert_eq!(back, Spans { text_hash: hash, entries, deleted });
            }

            #[test]
            fn texts_round_trip(text in hard_text(), commit in proptest::option::of(id()), context in hard_text()) {
                let raw = encode_text(&context, &text, commit.as_deref());
                prop_assert!(well_formed(&raw));
                prop_assert_eq!(decode_text(&raw, &context).unwrap(), Text { text, commit });
            }

            #[test]
            fn damage_anywhere_is_found(
                entries in proptest::collection::vec(stored_span(), 1..10),
                at in any::<proptest::sample::Index>(),
                to in 0x3380u32..0xb400,
            ) {
                let raw = encode_spans("doc/x/1", "h", &entries, &[]);
                let mut units: Vec<char> = raw.chars().collect();
                let at = PREFIX.len() + at.index(units.len() - PREFIX.len());
                prop_assume!(u32::from(units[at]) != to);
                units[at] = char::from_u32(to).unwrap();
                let damaged: String = units.into_iter().collect();
                prop_assert!(decode_spans(&damaged, "doc/x/1").is_err());
            }
        }
    }
}
