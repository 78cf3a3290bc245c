//! Zipped bulk results: an `OQSmu…02res_….zip` holding the single `…02res_….xml`
//! (oqs-2026 §1.2 #1; OQSDrug2 waits for "結果ZIP/XML").
//!
//! The archive comes from another machine's folder, so it is read as hostile input. It must
//! hold exactly one entry, named like the download result of its family (a plain file name:
//! no folder, no `..`, no drive or absolute path, no backslash), stored or deflated, not
//! encrypted, not a symbolic link, and its content must stay under the size limit and under
//! a compression ratio no XML reaches ([`MAX_RATIO`] beyond the first [`RATIO_FLOOR`] bytes:
//! a zip bomb is refused while it is being inflated, whatever sizes its headers claim). Each
//! refusal is a [`ZipRefusal`].

use crate::xml::{Direction, Extension, Family, FileName, FileNameError, Phase};
use std::io::{Cursor, Read, Write};

/// Largest ratio of inflated to compressed size accepted (beyond [`RATIO_FLOOR`]).
pub const MAX_RATIO: u64 = 200;

/// Inflated sizes up to this are accepted whatever their ratio.
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// Why a zipped answer was refused. Names come from the archive (interface file names carry
/// no personal data; an unsafe one is shown shortened).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZipRefusal {
    /// Not a readable zip archive (or a damaged one: bad CRC, truncated).
    #[error("not a readable zip archive: {0}")]
    Corrupt(String),
    /// The archive holds no entry.
    #[error("the archive is empty")]
    Empty,
    /// More than the one expected entry (folders and duplicates count).
    #[error("the archive holds {entries} entries; exactly one (the result XML) is expected")]
    ExtraEntries {
        /// How many.
        entries: u64,
    },
    /// An entry name that could escape a folder (`..`, an absolute path, a drive, a
    /// backslash, a control character) or is too long.
    #[error("unsafe entry name {name:?}")]
    UnsafeName {
        /// The name (shortened).
        name: String,
    },
    /// A plain name, but not the download result of the family.
    #[error("entry {name:?} is not a {expected} download result (…02res_….xml)")]
    WrongName {
        /// The name.
        name: String,
        /// The family's prefix.
        expected: &'static str,
    },
    /// The entry is a symbolic link.
    #[error("entry {name:?} is a symbolic link")]
    Symlink {
        /// The name.
        name: String,
    },
    /// The entry is encrypted (a password-protected zip).
    #[error("entry {name:?} is encrypted")]
    Encrypted {
        /// The name.
        name: String,
    },
    /// Compressed with a method other than stored or deflate.
    #[error("entry compressed with an unsupported method ({method})")]
    UnsupportedMethod {
        /// The method.
        method: String,
    },
    /// The entry inflates to more than the size limit.
    #[error("the entry inflates to more than the limit of {max} bytes")]
    TooLarge {
        /// The limit.
        max: u64,
    },
    /// The entry inflates far more than XML does (a zip bomb).
    #[error(
        "the entry inflates more than {MAX_RATIO} times its compressed size of {compressed} bytes"
    )]
    Ratio {
        /// Its compressed size.
        compressed: u64,
    },
}

impl ZipRefusal {
    /// `true` for the size refusals ([`TooLarge`](Self::TooLarge), [`Ratio`](Self::Ratio)).
    pub fn is_size(&self) -> bool {
        matches!(self, ZipRefusal::TooLarge { .. } | ZipRefusal::Ratio { .. })
    }
}

fn shortened(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(80).collect()
}

/// The number of entries the end-of-central-directory record announces (duplicated names,
/// which a reader might fold into one, still count).
fn announced_entries(b: &[u8]) -> Option<u64> {
    let from = b.len().saturating_sub(65_557);
    let at = b[from..].windows(4).rposition(|w| w == b"PK\x05\x06")? + from;
    let rec = b.get(at..at + 22)?;
    Some(u64::from(u16::from_le_bytes([rec[10], rec[11]])))
}

/// Takes the result XML out of a zipped bulk answer of `family`, refusing anything but one
/// safe, plain, reasonably sized entry. Returns the entry's name and bytes (at most
/// `max_bytes`).
///
/// ```
/// use onshi::terminal::{unzip_result, zip_result};
/// use onshi::xml::Family;
/// let z = zip_result("OQSmutic02res_1.xml", b"<XmlMsg/>").unwrap();
/// let (name, xml) = unzip_result(&z, Family::BulkMedicalAssistance, 1 << 20).unwrap();
/// assert_eq!((name.as_str(), xml.as_slice()), ("OQSmutic02res_1.xml", &b"<XmlMsg/>"[..]));
/// assert!(unzip_result(&z, Family::BulkOnline, 1 << 20).is_err()); // another family's
/// ```
pub fn unzip_result(
    bytes: &[u8],
    family: Family,
    max_bytes: u64,
) -> Result<(String, Vec<u8>), ZipRefusal> {
    let announced = announced_entries(bytes)
        .ok_or_else(|| ZipRefusal::Corrupt("no end of central directory".into()))?;
    match announced {
        0 => return Err(ZipRefusal::Empty),
        1 => {}
        n => return Err(ZipRefusal::ExtraEntries { entries: n }),
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipRefusal::Corrupt(e.to_string()))?;
    match archive.len() {
        0 => return Err(ZipRefusal::Empty),
        1 => {}
        n => return Err(ZipRefusal::ExtraEntries { entries: n as u64 }),
    }
    let entry = archive
        .by_index_raw(0)
        .map_err(|e| ZipRefusal::Corrupt(e.to_string()))?;
    let raw_name = entry.name_raw().to_vec();
    let name = String::from_utf8_lossy(&raw_name).into_owned();
    if raw_name.contains(&0) || name.starts_with('/') {
        return Err(ZipRefusal::UnsafeName {
            name: shortened(&name),
        });
    }
    if entry.is_symlink() || entry.unix_mode().is_some_and(|m| m & 0o170000 == 0o120000) {
        return Err(ZipRefusal::Symlink {
            name: shortened(&name),
        });
    }
    if entry.is_dir() {
        return Err(ZipRefusal::UnsafeName {
            name: shortened(&name),
        });
    }
    match FileName::parse(&name) {
        Err(FileNameError::Unsafe { .. }) => {
            return Err(ZipRefusal::UnsafeName {
                name: shortened(&name),
            });
        }
        Ok(n)
            if n.family == family
                && n.phase == Phase::Download
                && n.direction == Direction::Response
                && n.extension == Extension::Xml => {}
        _ => {
            return Err(ZipRefusal::WrongName {
                name: shortened(&name),
                expected: family.prefix(),
            });
        }
    }
    if entry.encrypted() {
        return Err(ZipRefusal::Encrypted { name });
    }
    let method = entry.compression();
    if !matches!(
        method,
        zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
    ) {
        return Err(ZipRefusal::UnsupportedMethod {
            method: method.to_string(),
        });
    }
    let compressed = entry.compressed_size();
    let ratio_cap = compressed.saturating_mul(MAX_RATIO).max(RATIO_FLOOR);
    let refuse = |size: u64| {
        if size > max_bytes {
            Some(ZipRefusal::TooLarge { max: max_bytes })
        } else if size > ratio_cap {
            Some(ZipRefusal::Ratio { compressed })
        } else {
            None
        }
    };
    // What the headers claim first, then what really comes out.
    if let Some(r) = refuse(entry.size()) {
        return Err(r);
    }
    drop(entry);
    let mut entry = archive
        .by_index(0)
        .map_err(|e| ZipRefusal::Corrupt(e.to_string()))?;
    let cap = max_bytes.min(ratio_cap);
    let mut out = Vec::with_capacity(usize::try_from(cap.min(1 << 20)).unwrap_or(0));
    (&mut entry)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| ZipRefusal::Corrupt(e.to_string()))?;
    if let Some(r) = refuse(out.len() as u64) {
        return Err(r);
    }
    // Read to the end of the entry so that its CRC is checked.
    let mut probe = [0u8; 1];
    match entry.read(&mut probe) {
        Ok(0) => {}
        Ok(_) => {
            return Err(
                refuse(cap.saturating_add(1)).unwrap_or(ZipRefusal::TooLarge { max: max_bytes })
            );
        }
        Err(e) => return Err(ZipRefusal::Corrupt(e.to_string())),
    }
    Ok((name, out))
}

/// Zips one result file (deflate), as a terminal that zips its bulk answers does: the
/// emulator's zipped mode, and tests.
pub fn zip_result(entry_name: &str, content: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    w.start_file(entry_name, options)
        .map_err(std::io::Error::other)?;
    w.write_all(content)?;
    Ok(w.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Family = Family::BulkMedicalAssistance;

    fn zip_of(entries: &[(&str, &[u8])], options: zip::write::SimpleFileOptions) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (n, c) in entries {
            w.start_file(*n, options).unwrap();
            w.write_all(c).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn deflated() -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
    }

    #[test]
    fn the_one_result_is_taken() {
        let z = zip_result("OQSmutic02res_202609290001.xml", b"<XmlMsg/>").unwrap();
        let (n, x) = unzip_result(&z, F, 1 << 20).unwrap();
        assert_eq!(n, "OQSmutic02res_202609290001.xml");
        assert_eq!(x, b"<XmlMsg/>");
        let stored = zip_of(
            &[("OQSmutic02res_1.xml", b"<XmlMsg/>")],
            zip::write::SimpleFileOptions::default(),
        );
        assert!(unzip_result(&stored, F, 1 << 20).is_ok());
    }

    #[test]
    fn everything_else_is_refused() {
        let two = zip_of(
            &[
                ("OQSmutic02res_1.xml", b"<a/>"),
                ("OQSmutic02res_2.xml", b"<a/>"),
            ],
            deflated(),
        );
        assert_eq!(
            unzip_result(&two, F, 1 << 20),
            Err(ZipRefusal::ExtraEntries { entries: 2 })
        );
        for bad in [
            "../OQSmutic02res_1.xml",
            "/etc/OQSmutic02res_1.xml",
            "a\\OQSmutic02res_1.xml",
            "C:OQSmutic02res_1.xml",
            "sub/OQSmutic02res_1.xml",
        ] {
            let z = zip_of(&[(bad, b"<a/>")], deflated());
            assert!(
                matches!(
                    unzip_result(&z, F, 1 << 20),
                    Err(ZipRefusal::UnsafeName { .. })
                ),
                "{bad}"
            );
        }
        for wrong in [
            "OQSmuonq02res_1.xml",
            "OQSmutic01res_1.xml",
            "OQSmutic02req_1.xml",
            "readme.txt",
        ] {
            let z = zip_of(&[(wrong, b"<a/>")], deflated());
            assert!(
                matches!(
                    unzip_result(&z, F, 1 << 20),
                    Err(ZipRefusal::WrongName { .. })
                ),
                "{wrong}"
            );
        }
        assert!(matches!(
            unzip_result(b"PK\x03\x04garbage", F, 1 << 20),
            Err(ZipRefusal::Corrupt(_))
        ));
        assert!(matches!(
            unzip_result(b"", F, 1 << 20),
            Err(ZipRefusal::Corrupt(_))
        ));
        let empty = zip::ZipWriter::new(Cursor::new(Vec::new()))
            .finish()
            .unwrap()
            .into_inner();
        assert_eq!(unzip_result(&empty, F, 1 << 20), Err(ZipRefusal::Empty));
    }

    #[test]
    fn a_symlink_entry_is_refused() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.add_symlink("OQSmutic02res_1.xml", "/etc/passwd", deflated())
            .unwrap();
        let z = w.finish().unwrap().into_inner();
        assert!(matches!(
            unzip_result(&z, F, 1 << 20),
            Err(ZipRefusal::Symlink { .. })
        ));
    }

    #[test]
    fn a_zip_bomb_is_refused_while_inflating() {
        // 64 MiB of zeros deflate to about 64 KiB: a ratio of ~1000.
        let big = vec![b' '; 64 << 20];
        let z = zip_result("OQSmutic02res_1.xml", &big).unwrap();
        assert!(z.len() < 1 << 20);
        let r = unzip_result(&z, F, 1 << 30);
        assert!(matches!(r, Err(ZipRefusal::Ratio { .. })), "{r:?}");
        assert!(r.unwrap_err().is_size());
        // Under the size limit first.
        let r = unzip_result(&z, F, 1 << 20);
        assert!(matches!(r, Err(ZipRefusal::TooLarge { .. })), "{r:?}");
        // Headers that lie about the size: patch the declared sizes to small values.
        let mut lying = z.clone();
        patch_sizes(&mut lying, 10);
        let r = unzip_result(&lying, F, 1 << 30);
        assert!(
            r.as_ref().is_err_and(ZipRefusal::is_size) || matches!(r, Err(ZipRefusal::Corrupt(_))),
            "{r:?}"
        );
    }

    /// Sets the uncompressed size in the local and central headers.
    fn patch_sizes(z: &mut [u8], size: u32) {
        let b = size.to_le_bytes();
        for i in 0..z.len().saturating_sub(30) {
            if &z[i..i + 4] == b"PK\x03\x04" {
                z[i + 22..i + 26].copy_from_slice(&b);
            } else if &z[i..i + 4] == b"PK\x01\x02" {
                z[i + 24..i + 28].copy_from_slice(&b);
            }
        }
    }

    #[test]
    fn an_encrypted_entry_is_refused() {
        // Set the "encrypted" bit (general purpose flag bit 0) in both headers.
        let mut z = zip_result("OQSmutic02res_1.xml", b"<XmlMsg/>").unwrap();
        for i in 0..z.len() - 4 {
            if &z[i..i + 4] == b"PK\x03\x04" {
                z[i + 6] |= 1;
            } else if &z[i..i + 4] == b"PK\x01\x02" {
                z[i + 8] |= 1;
            }
        }
        let r = unzip_result(&z, F, 1 << 20);
        assert!(
            matches!(
                r,
                Err(ZipRefusal::Encrypted { .. }) | Err(ZipRefusal::Corrupt(_))
            ),
            "{r:?}"
        );
    }
}
