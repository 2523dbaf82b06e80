//! Zip archives, with rawzip: the one the brat export writes ([`write`]),
//! and those chosen for import ([`read`]), which other tools usually
//! compress with DEFLATE (inflated by miniz_oxide).
//!
//! A zip read for import is distrusted: every entry's size and CRC are
//! checked against its central directory record, and the entries read may
//! unpack to [`MAX_IMPORT_BYTES`](super::MAX_IMPORT_BYTES) in
//! all, so a zip bomb is refused before it fills the memory. It is not
//! responsible for what the files inside mean.

use std::collections::HashSet;
use std::io::Write as _;

use rawzip::time::UtcDateTime;
use rawzip::{CompressionMethod, DataDescriptorOutput, ZipArchive};

use super::ExportError;
use super::MAX_IMPORT_BYTES;
use crate::model::import::ImportError;
use crate::model::megabytes;

/// Whether `bytes` start as a zip does (a local file header).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A zip of `files` (path, contents), stored uncompressed and dated
/// 1980-01-01 00:00 UTC.
pub(super) fn write(files: &[(String, String)]) -> Result<Vec<u8>, ExportError> {
    const DATED: UtcDateTime = match UtcDateTime::from_components(1980, 1, 1, 0, 0, 0, 0) {
        Some(date) => date,
        None => panic!("a valid date"),
    };
    let error =
        |e: &dyn std::fmt::Display| ExportError(format!("the brat zip could not be written: {e}"));
    let mut archive = rawzip::ZipArchiveWriter::new(Vec::new());
    for (path, contents) in files {
        let (mut entry, _) = archive
            .new_file(path.as_str())
            .compression_method(CompressionMethod::STORE)
            .last_modified(DATED)
            // A regular file, rw-r--r--, made on Unix: in a zip made on
            // MS-DOS, Info-ZIP's unzip reads non-ASCII names in the local
            // headers as code page 437 and warns that they do not match.
            .unix_permissions(0o100_644)
            .start()
            .map_err(|e| error(&e))?;
        // Stored bytes are the file's own, so the CRC and size are known
        // here; rawzip's own CRC would add its 16 KiB of tables to the wasm.
        entry
            .write_all(contents.as_bytes())
            .map_err(|e| error(&e))?;
        let size = u64::try_from(contents.len()).map_err(|e| error(&e))?;
        let descriptor = DataDescriptorOutput::new(crc32(contents.as_bytes()), size);
        entry.finish(descriptor).map_err(|e| error(&e))?;
    }
    archive.finish().map_err(|e| error(&e))
}

/// The files of the zip `bytes` whose path `wanted` accepts, as (path,
/// contents), in the zip's order; folders are skipped. A path that is not
/// UTF-8 (old zips write the DOS code page) is read with its other bytes
/// replaced. Refused whole, with the entry's path and the reason, when the
/// zip is damaged, an entry is encrypted or compressed otherwise than
/// stored or DEFLATE, appears twice, or the wanted entries unpack to more
/// than an import may be.
pub(super) fn read(
    bytes: &[u8],
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, ImportError> {
    let damaged = |e: rawzip::Error| ImportError::new("the zip", format!("is damaged ({e})"));
    let too_large = || {
        ImportError::new(
            "the zip",
            format!(
                "unpacks to more than the {} an import can be",
                megabytes(MAX_IMPORT_BYTES)
            ),
        )
    };
    let archive = ZipArchive::from_slice(bytes).map_err(damaged)?;
    let mut files = Vec::new();
    let mut paths = HashSet::new();
    let mut budget = MAX_IMPORT_BYTES;
    for entry in archive.entries() {
        let entry = entry.map_err(damaged)?;
        if entry.is_dir() {
            continue;
        }
        let raw = entry.file_path();
        let path = match raw.try_normalize() {
            Ok(path) => path.as_str().to_string(),
            Err(_) => {
                let lossy = String::from_utf8_lossy(raw.as_bytes());
                rawzip::path::ZipFilePath::from_str(&lossy)
                    .as_str()
                    .to_string()
            }
        };
        if !wanted(&path) {
            continue;
        }
        let place = format!("the zip’s “{path}”");
        if !paths.insert(path.clone()) {
            return Err(ImportError::new(place, "is in it twice"));
        }
        if entry.flags().is_encrypted() {
            return Err(ImportError::new(
                place,
                "is encrypted; unpack it and import the files",
            ));
        }
        // The central directory's size is checked against the data below;
        // no entry unpacks to more than it claims, so a bomb is refused
        // before any of it is unpacked.
        let claimed = usize::try_from(entry.uncompressed_size_hint()).unwrap_or(usize::MAX);
        if claimed > budget {
            return Err(too_large());
        }
        let stored = archive.get_entry(entry.wayfinder()).map_err(damaged)?;
        let mismatch = || ImportError::new(&place, "is damaged (its size or CRC does not match)");
        let contents = match entry.compression_method() {
            CompressionMethod::STORE => stored.data().to_vec(),
            // Never more than the size claimed, which the budget allows.
            CompressionMethod::DEFLATE => {
                miniz_oxide::inflate::decompress_to_vec_with_limit(stored.data(), claimed).map_err(
                    |e| match e.status {
                        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => mismatch(),
                        _ => ImportError::new(&place, "is damaged (its DEFLATE data)"),
                    },
                )?
            }
            other => {
                return Err(ImportError::new(
                    &place,
                    format!(
                        "is compressed with method {other}, which cannot be read here; zip it \
                         again with the usual compression (DEFLATE)"
                    ),
                ))
            }
        };
        if contents.len() != claimed || crc32(&contents) != stored.claim_verifier().crc {
            return Err(mismatch());
        }
        budget -= contents.len();
        files.push((path, contents));
    }
    Ok(files)
}

/// The CRC-32 of zip (IEEE 802.3) of `data`, a byte at a time from a
/// 1 KiB table built at compile time.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0; 256];
        let mut byte = 0;
        while byte < 256 {
            let mut crc = byte as u32;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 1 == 1 {
                    0xedb8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
                bit += 1;
            }
            table[byte] = crc;
            byte += 1;
        }
        table
    };
    !data.iter().fold(!0_u32, |crc, &byte| {
        TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8)
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A zip of `files` (path, contents), each entry compressed with
    /// DEFLATE, as zips made by other tools usually are.
    pub(in crate::format) fn deflated(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut archive = rawzip::ZipArchiveWriter::new(Vec::new());
        for (path, contents) in files {
            let (mut entry, _) = archive
                .new_file(path)
                .compression_method(CompressionMethod::DEFLATE)
                .start()
                .unwrap();
            entry
                .write_all(&miniz_oxide::deflate::compress_to_vec(contents, 6))
                .unwrap();
            let size = u64::try_from(contents.len()).unwrap();
            entry
                .finish(DataDescriptorOutput::new(crc32(contents), size))
                .unwrap();
        }
        archive.finish().unwrap()
    }

    fn everything(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
        read(bytes, |_| true).map_err(|e| e.to_string())
    }

    #[test]
    fn crc32_is_the_zip_one() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32("ü🇸🇾".as_bytes()), 0x3389_e21a, "Python's zlib.crc32");
    }

    #[test]
    fn stored_and_deflated_entries_read_back() {
        let text = "Flag 🇸🇾, family 👩\u{200d}👩\u{200d}👧, cafe\u{301}, 中文, שלום\n".repeat(50);
        let files = vec![
            ("c/a.txt".to_string(), text.clone()),
            ("c/a.ann".to_string(), "T1\tX 0 4\tFlag\n".to_string()),
        ];
        assert!(is_zip(&write(&files).unwrap()));
        let read_back = everything(&write(&files).unwrap()).unwrap();
        let expected: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(path, contents)| (path.clone(), contents.clone().into_bytes()))
            .collect();
        assert!(read_back == expected);
        let zip = deflated(&[("c/a.txt", text.as_bytes())]);
        assert!(zip.len() < text.len() / 4, "compressed");
        // Not assert_eq!, which would print kilobytes of bytes.
        assert!(everything(&zip).unwrap() == [("c/a.txt".to_string(), text.into_bytes())]);
        let only = read(&zip, |path| path.ends_with(".ann")).unwrap();
        assert!(only.is_empty());
    }

    /// `zip` with every 4-byte little-endian `from` made `to`: an entry's
    /// sizes in its data descriptor and the central directory.
    fn patched(mut zip: Vec<u8>, from: u32, to: u32) -> Vec<u8> {
        let mut at = 0;
        while let Some(found) = zip[at..].windows(4).position(|w| w == from.to_le_bytes()) {
            zip[at + found..at + found + 4].copy_from_slice(&to.to_le_bytes());
            at += found + 4;
        }
        zip
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_unpacked() {
        const SIZE: u32 = 1_234_567;
        let zeros = vec![0_u8; SIZE as usize];
        let zip = deflated(&[("bomb.txt", &zeros)]);
        assert!(zip.len() < 5_000, "{} bytes", zip.len());
        assert_eq!(
            everything(&zip).map(|files| files[0].1.len()),
            Ok(zeros.len())
        );
        // A bomb unpacks to what it claims, and claims more than an import
        // can be: refused on the claim (a test zip that large would take
        // seconds to make).
        let over = u32::try_from(MAX_IMPORT_BYTES + 1).unwrap();
        assert_eq!(
            everything(&patched(zip.clone(), SIZE, over)),
            Err("the zip unpacks to more than the 64.0 MB an import can be".into())
        );
        // One that claims less than it holds is unpacked no further.
        assert_eq!(
            everything(&patched(zip, SIZE, 10)),
            Err("the zip’s “bomb.txt” is damaged (its size or CRC does not match)".into())
        );
    }

    #[test]
    fn damaged_zips_are_refused_with_the_entry() {
        let zip = deflated(&[("a.txt", "hello hello hello".as_bytes())]);
        assert!(everything(&zip[..zip.len() - 10])
            .unwrap_err()
            .starts_with("the zip is damaged ("));
        let mut flipped = zip.clone();
        let data = 30 + "a.txt".len();
        flipped[data + 2] ^= 0x55;
        let error = everything(&flipped).unwrap_err();
        assert!(
            error.starts_with("the zip’s “a.txt” is damaged ("),
            "{error}"
        );
        let twice = deflated(&[("a.txt", b"one"), ("a.txt", b"two")]);
        assert_eq!(
            everything(&twice),
            Err("the zip’s “a.txt” is in it twice".into())
        );
    }
}
