//! Reading a file from disk safely: only regular files, opened without blocking, symbolic
//! links refused unless asked for, and never more than a limit of bytes read (the limit is
//! applied while reading, so a file whose size the system does not report — a device, a
//! file still growing — cannot make the reader allocate more).

use super::{Document, FileName, Limits, XmlError};
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// Why a file could not be read (or parsed, for [`parse_path`]). Messages name the file and
/// carry no content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The operating system refused (missing, permission denied, …).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Not a regular file: a FIFO, a device, a socket or a directory is never read.
    #[error("{path}: not a regular file ({kind}); not read")]
    NotRegular {
        /// The file.
        path: String,
        /// What it is (`fifo`, `directory`, `device`, `socket`, `other`).
        kind: &'static str,
    },
    /// A symbolic link, not followed.
    #[error("{path}: a symbolic link; not followed")]
    Symlink {
        /// The link.
        path: String,
    },
    /// More bytes than the limit.
    #[error("{path}: more than the limit of {max} bytes; not read")]
    TooLarge {
        /// The file.
        path: String,
        /// The limit.
        max: u64,
    },
    /// The content is not a valid terminal file ([`parse_path`] only).
    #[error("{path}: {error}")]
    Xml {
        /// The file.
        path: String,
        /// What is wrong, and where.
        #[source]
        error: Box<XmlError>,
    },
}

impl FileError {
    /// Stable numeric code (the C ABI's `onshi_status`): 701 (I/O) for a file that cannot be
    /// opened or is not a regular file, 204 for one over the size limit, the XML error's
    /// code otherwise.
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            FileError::Io { .. } | FileError::NotRegular { .. } | FileError::Symlink { .. } => {
                st::ONSHI_IO
            }
            FileError::TooLarge { .. } => st::ONSHI_XML_TOO_LARGE,
            FileError::Xml { error, .. } => error.code(),
        }
    }
}

/// What a file system entry is, in a word.
pub(crate) fn kind_of(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "directory";
    }
    if t.is_symlink() {
        return "symlink";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "fifo";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_file() { "file" } else { "other" }
}

/// Opens `path` for reading when it is a regular file: without blocking (a FIFO opens at
/// once and is then refused), and without following a symbolic link when `follow` is
/// `false` (the check is made by the open itself, so the link cannot be swapped in between).
/// Returns the open file and its metadata (from the open handle).
pub(crate) fn open_regular(path: &Path, follow: bool) -> Result<(File, Metadata), FileError> {
    let shown = || path.display().to_string();
    let io_err = |source: io::Error| FileError::Io {
        path: shown(),
        source,
    };
    if !follow {
        // A clear error for a link (the open below would refuse it with ELOOP anyway).
        let m = std::fs::symlink_metadata(path).map_err(io_err)?;
        if m.file_type().is_symlink() {
            return Err(FileError::Symlink { path: shown() });
        }
    }
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        o.custom_flags(flags);
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_FLAG_OPEN_REPARSE_POINT: open a link itself, not its target.
        if !follow {
            o.custom_flags(0x0020_0000);
        }
    }
    let f = match o.open(path) {
        Ok(f) => f,
        #[cfg(unix)]
        Err(e) if !follow && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(FileError::Symlink { path: shown() });
        }
        Err(e) => return Err(io_err(e)),
    };
    let m = f.metadata().map_err(io_err)?;
    if !m.file_type().is_file() {
        if m.file_type().is_symlink() {
            return Err(FileError::Symlink { path: shown() });
        }
        return Err(FileError::NotRegular {
            path: shown(),
            kind: kind_of(&m),
        });
    }
    Ok((f, m))
}

/// Reads at most `max` bytes from `f`; more is [`FileError::TooLarge`]. The buffer grows with
/// what is actually read, never beyond `max + 1` bytes, whatever size the file claims.
pub(crate) fn read_capped(
    f: &mut File,
    size_hint: u64,
    max: u64,
    path: &Path,
) -> Result<Vec<u8>, FileError> {
    if size_hint > max {
        return Err(FileError::TooLarge {
            path: path.display().to_string(),
            max,
        });
    }
    // One sized read: the reported size (already checked against the limit) plus one byte to
    // see the end of file; a file still growing reads on, up to the limit.
    let cap = size_hint.min(max).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(cap).unwrap_or(0));
    f.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Io {
            path: path.display().to_string(),
            source,
        })?;
    if bytes.len() as u64 > max {
        return Err(FileError::TooLarge {
            path: path.display().to_string(),
            max,
        });
    }
    Ok(bytes)
}

/// Reads a terminal file from disk within `limits.max_bytes`: only a regular file, opened
/// without blocking, a symbolic link not followed. Nothing larger than the limit is read
/// into memory, even when the system does not report the file's size.
///
/// ```
/// let d = tempfile::tempdir().unwrap();
/// let p = d.path().join("a.xml");
/// std::fs::write(&p, b"<XmlMsg/>").unwrap();
/// let limits = onshi::xml::Limits { max_bytes: 4, ..Default::default() };
/// assert!(matches!(onshi::xml::read_file(&p, &limits), Err(onshi::xml::FileError::TooLarge { .. })));
/// assert!(matches!(onshi::xml::read_file(d.path(), &Default::default()), Err(onshi::xml::FileError::NotRegular { .. })));
/// ```
pub fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, FileError> {
    let (mut f, m) = open_regular(path, false)?;
    read_capped(&mut f, m.len(), limits.max_bytes as u64, path)
}

/// Reads and parses a terminal file from disk ([`read_file`], then [`parse_file`](super::parse_file)
/// when its name is an interface file name — the name decides the kind where the content
/// cannot — else [`parse_with`](super::parse_with)).
pub fn parse_path(path: &Path, limits: &Limits) -> Result<Document, FileError> {
    let bytes = read_file(path, limits)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| FileName::parse(n).ok());
    let doc = match &name {
        Some(n) => super::parse_file(n, &bytes, limits),
        None => super::parse_with(&bytes, limits),
    };
    doc.map_err(|error| FileError::Xml {
        path: path.display().to_string(),
        error: Box::new(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_only_and_capped() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.xml");
        std::fs::write(&p, b"<XmlMsg></XmlMsg>").unwrap();
        assert_eq!(read_file(&p, &Limits::default()).unwrap().len(), 17);
        let small = Limits {
            max_bytes: 16,
            ..Limits::default()
        };
        let e = read_file(&p, &small).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { max: 16, .. }), "{e}");
        assert_eq!(e.code(), 204);
        assert!(e.to_string().contains("a.xml"));
        let e = read_file(d.path(), &Limits::default()).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: "directory",
                    ..
                }
            ),
            "{e}"
        );
        let e = read_file(&d.path().join("missing"), &Limits::default()).unwrap_err();
        assert!(matches!(e, FileError::Io { .. }), "{e}");
    }

    #[test]
    fn the_limit_holds_when_the_size_is_unknown() {
        // A file whose size is not reported (a device, a file still growing) is read only
        // up to the limit: the size hint says 0, the reader stops at max + 1 bytes.
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big");
        std::fs::write(&p, vec![b'x'; 100_000]).unwrap();
        let mut f = File::open(&p).unwrap();
        let e = read_capped(&mut f, 0, 10, &p).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { max: 10, .. }), "{e}");
        // A sparse 2 GiB file is refused by its size, before any read.
        let sparse = d.path().join("sparse.xml");
        let f = File::create(&sparse).unwrap();
        f.set_len(2 << 30).unwrap();
        let e = read_file(&sparse, &Limits::default()).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { .. }), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn fifo_symlink_and_device_are_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("OQSsiquc01res_1.xml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string; mkfifo only creates a file system entry.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_file(&fifo, &Limits::default()).unwrap_err();
        assert!(
            matches!(e, FileError::NotRegular { kind: "fifo", .. }),
            "{e}"
        );
        let link = d.path().join("zero.xml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_file(&link, &Limits::default()).unwrap_err();
        assert!(matches!(e, FileError::Symlink { .. }), "{e}");
        // Followed on purpose, /dev/zero is a device: refused, nothing read.
        let e = open_regular(&link, true).unwrap_err();
        assert!(
            matches!(e, FileError::NotRegular { kind: "device", .. }),
            "{e}"
        );
        assert!(matches!(
            parse_path(&fifo, &Limits::default()),
            Err(FileError::NotRegular { .. })
        ));
    }

    #[test]
    fn parse_path_uses_the_file_name() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("OQSmuimm02res_202504010001.xml");
        std::fs::write(
            &p,
            b"<XmlMsg><MessageHeader><SegmentOfResult>2</SegmentOfResult></MessageHeader><MessageBody/></XmlMsg>",
        )
        .unwrap();
        let doc = parse_path(&p, &Limits::default()).unwrap();
        assert!(matches!(
            doc.message,
            super::super::Message::ReferenceNumberResponse(_)
        ));
        std::fs::write(&p, b"<XmlMsg>").unwrap();
        let e = parse_path(&p, &Limits::default()).unwrap_err();
        assert!(matches!(e, FileError::Xml { .. }) && e.code() == 200, "{e}");
    }
}
