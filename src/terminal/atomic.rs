//! Atomic file writes and safe reads of files another program may still be writing.
//!
//! A file is written into a work folder of the same tree, flushed to disk, then renamed into
//! place: the reader sees nothing or the whole file. Files written by others are checked with
//! [`looks_complete`] before they are parsed, and a reader retries until a deadline when the
//! content is not complete yet.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `dest_dir/name` atomically: the bytes go to a unique temporary file in
/// `work_dir` (which must be on the same volume), are flushed, and the file is renamed into
/// `dest_dir`. Returns the final path.
pub fn write_atomic(
    work_dir: &Path,
    dest_dir: &Path,
    name: &str,
    bytes: &[u8],
) -> io::Result<PathBuf> {
    write_atomic_with(work_dir, dest_dir, name, bytes, true)
}

/// [`write_atomic`], choosing whether the data is flushed to disk before the rename
/// (`durable`). Without the flush the rename is still atomic for readers, but a power cut
/// may leave an empty file; the emulator, which plays a program on another machine, skips
/// it.
pub fn write_atomic_with(
    work_dir: &Path,
    dest_dir: &Path,
    name: &str,
    bytes: &[u8],
    durable: bool,
) -> io::Result<PathBuf> {
    let tmp = temp_path(work_dir, name);
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
        drop(f);
        let dest = dest_dir.join(name);
        fs::rename(&tmp, &dest)?;
        Ok(dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A unique temporary path in `work_dir` for a file that will be called `name`.
pub fn temp_path(work_dir: &Path, name: &str) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    work_dir.join(format!(
        "{name}.{}-{:08x}-{n}.tmp",
        std::process::id(),
        super::layout::random_u32()
    ))
}

/// Moves a file, falling back to copy + delete when a rename is not possible (another
/// volume). A missing source is reported as `NotFound`.
pub fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(e),
        Err(_) => {
            fs::copy(from, to)?;
            fs::remove_file(from)
        }
    }
}

/// `true` when `bytes` look like a whole XML document: after the last non-whitespace byte
/// there is the end tag of the first (root) element. A file cut off half-way fails this test
/// even when the part written so far is well-formed. Works for UTF-8 and Shift_JIS (the tags
/// are ASCII).
///
/// ```
/// use onshi::terminal::atomic::looks_complete;
/// assert!(looks_complete(b"<?xml version=\"1.0\"?>\n<XmlMsg><A>1</A></XmlMsg>\r\n"));
/// assert!(!looks_complete(b"<?xml version=\"1.0\"?>\n<XmlMsg><A>1</A>"));
/// assert!(!looks_complete(b""));
/// ```
pub fn looks_complete(bytes: &[u8]) -> bool {
    let Some(root) = root_name(bytes) else {
        return false;
    };
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map(|i| i + 1)
        .unwrap_or(0);
    let body = &bytes[..end];
    if root.self_closing {
        return body.ends_with(b"/>") && body.len() == root.end_of_start_tag;
    }
    let mut tail = Vec::with_capacity(root.name.len() + 3);
    tail.extend_from_slice(b"</");
    tail.extend_from_slice(root.name);
    if body.ends_with(b">") {
        let inner = &body[..body.len() - 1];
        let inner = match inner.iter().rposition(|b| !b.is_ascii_whitespace()) {
            Some(i) => &inner[..=i],
            None => return false,
        };
        return inner.ends_with(&tail);
    }
    false
}

struct Root<'a> {
    name: &'a [u8],
    self_closing: bool,
    end_of_start_tag: usize,
}

/// Finds the first element's name, skipping the declaration, comments, doctype and a BOM.
fn root_name(bytes: &[u8]) -> Option<Root<'_>> {
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!") {
            i += find(rest, b">")? + 1;
        } else if rest.starts_with(b"<") {
            let start = i + 1;
            let len = bytes[start..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')?;
            if len == 0 {
                return None;
            }
            let close = find(&bytes[start..], b">")? + start;
            return Some(Root {
                name: &bytes[start..start + len],
                self_closing: bytes[close - 1] == b'/',
                end_of_start_tag: close + 1,
            });
        } else {
            i += 1;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temp_file() {
        let d = tempfile::tempdir().unwrap();
        let work = d.path().join("w");
        let dest = d.path().join("req");
        fs::create_dir_all(&work).unwrap();
        fs::create_dir_all(&dest).unwrap();
        let p = write_atomic(&work, &dest, "a.xml", b"<X/>").unwrap();
        assert_eq!(fs::read(p).unwrap(), b"<X/>");
        assert_eq!(fs::read_dir(&work).unwrap().count(), 0);
        // A missing destination folder is an error and the temp file is cleaned up.
        assert!(write_atomic(&work, &d.path().join("nope"), "b.xml", b"x").is_err());
        assert_eq!(fs::read_dir(&work).unwrap().count(), 0);
    }

    #[test]
    fn completeness() {
        let full = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<!-- c --><XmlMsg a=\"1\"><MessageHeader><X>見本</X></MessageHeader></XmlMsg >\n";
        assert!(looks_complete(full.as_bytes()));
        for cut in 0..full.len() - 3 {
            assert!(!looks_complete(&full.as_bytes()[..cut]), "{cut}");
        }
        assert!(looks_complete(b"\xEF\xBB\xBF<XmlMsg/>"));
        assert!(!looks_complete(b"<XmlMsg/><x>"));
        assert!(!looks_complete(b"<XmlMsg></Other>"));
        assert!(!looks_complete(b"<"));
        assert!(!looks_complete(b"<>"));
    }

    #[test]
    fn move_falls_back_and_reports_missing() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a");
        fs::write(&a, b"1").unwrap();
        move_file(&a, &d.path().join("b")).unwrap();
        assert!(!a.exists());
        assert_eq!(
            move_file(&a, &d.path().join("c")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = looks_complete(&bytes);
        }

        #[test]
        fn a_cut_document_is_never_complete(body in "[a-zA-Z0-9 ]{0,40}", cut in 1usize..20) {
            let doc = format!("<?xml version=\"1.0\"?><XmlMsg><A>{body}</A></XmlMsg>");
            let end = doc.len().saturating_sub(cut);
            prop_assert!(looks_complete(doc.as_bytes()));
            prop_assert!(!looks_complete(&doc.as_bytes()[..end]));
        }
    }
}
