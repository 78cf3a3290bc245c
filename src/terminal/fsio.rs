//! File access in the shared folders, where anything may appear: only regular files are
//! read, opened without blocking, within a size limit; symbolic links are not followed (or,
//! when allowed, only to files inside the root); a file is looked at with one `stat` and
//! read again only when its size or modification time changed. Files onshi writes that
//! hold personal data (journal, archive) are private to the user: `0600` in `0700` folders.

use super::TerminalError;
use crate::xml::{FileError, open_regular, read_capped};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Whether symbolic links found in `res/` and `face/` are followed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymlinkPolicy {
    /// Never: a link is reported ([`TerminalError::Symlink`]) and not read.
    #[default]
    Never,
    /// Only when it leads to a regular file inside the layout's root (after resolving every
    /// link on the way); a link out of the root is reported and not read.
    WithinRoot,
}

/// What a `stat` says about a file: enough to tell that it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl Stat {
    fn of(m: &std::fs::Metadata) -> Stat {
        Stat {
            len: m.len(),
            modified: m.modified().ok(),
        }
    }

    /// How long ago the file was last modified by the clock of this PC (zero when its time
    /// is in the future, e.g. a share whose clock is ahead).
    pub fn age(&self) -> Duration {
        self.modified
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or_default()
    }
}

/// `stat` without following a link; `None` when there is nothing.
pub(crate) fn stat(path: &Path) -> Result<Option<Stat>, TerminalError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(Stat::of(&m))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TerminalError::io("look at", path, e)),
    }
}

/// The file behind `path` as allowed by `policy`: itself, or the target of a link that stays
/// inside `root`.
fn resolve(path: &Path, root: &Path, policy: SymlinkPolicy) -> Result<PathBuf, TerminalError> {
    let file = || file_label(path);
    let m = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return Err(TerminalError::io("read", path, e)),
    };
    if !m.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    if policy == SymlinkPolicy::Never {
        return Err(TerminalError::Symlink {
            file: file(),
            outside_root: false,
        });
    }
    let target = path
        .canonicalize()
        .map_err(|e| TerminalError::io("resolve link", path, e))?;
    let root = root
        .canonicalize()
        .map_err(|e| TerminalError::io("resolve root", root, e))?;
    if !target.starts_with(&root) {
        return Err(TerminalError::Symlink {
            file: file(),
            outside_root: true,
        });
    }
    Ok(target)
}

/// The file name of `path` for messages (file names in the shared folders hold no personal
/// data).
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file of the shared folders: `Ok(None)` when it is not there, otherwise its bytes
/// and what `stat` said, or a typed error naming it (not a regular file, a link not followed,
/// over `max` bytes, or the OS error).
pub(crate) fn read(
    path: &Path,
    root: &Path,
    policy: SymlinkPolicy,
    max: u64,
) -> Result<Option<(Vec<u8>, Stat)>, TerminalError> {
    let target = match resolve(path, root, policy) {
        Ok(t) => t,
        Err(TerminalError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let (mut f, m) = match open_regular(&target, false) {
        Ok(x) => x,
        Err(FileError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            return Ok(None);
        }
        Err(e) => return Err(from_file_error(path, e)),
    };
    let stat = Stat::of(&m);
    let bytes = read_capped(&mut f, m.len(), max, path).map_err(|e| from_file_error(path, e))?;
    Ok(Some((bytes, stat)))
}

/// A [`FileError`] as a terminal error about `path`.
pub(crate) fn from_file_error(path: &Path, e: FileError) -> TerminalError {
    match e {
        FileError::NotRegular { kind, .. } => TerminalError::NotRegularFile {
            file: file_label(path),
            kind,
        },
        FileError::Symlink { .. } => TerminalError::Symlink {
            file: file_label(path),
            outside_root: false,
        },
        FileError::TooLarge { max, .. } => TerminalError::TooLarge {
            file: file_label(path),
            max,
        },
        FileError::Io { source, .. } => TerminalError::io("read", path, source),
        FileError::Xml { error, .. } => TerminalError::BadAnswer {
            file: file_label(path),
            problem: error.into(),
        },
    }
}

/// Creates `dir` (and its parents) and makes it private (`0700`) on Unix. Making it private
/// is best effort: a folder of another user, or on a share whose modes are fixed, is used
/// as it is.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let _ = make_private(dir, true);
    Ok(())
}

/// `0700` for a folder, `0600` for a file (Unix; elsewhere the folder's ACL applies).
pub(crate) fn make_private(path: &Path, dir: bool) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if dir { 0o700 } else { 0o600 };
        let m = std::fs::metadata(path)?;
        if m.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, dir);
    Ok(())
}

/// Options for a new private file (`0600` on Unix).
pub(crate) fn private_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_regular_and_limits() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.xml");
        assert!(
            read(&p, d.path(), SymlinkPolicy::Never, 100)
                .unwrap()
                .is_none()
        );
        std::fs::write(&p, b"12345").unwrap();
        let (b, s) = read(&p, d.path(), SymlinkPolicy::Never, 100)
            .unwrap()
            .unwrap();
        assert_eq!((b.len(), s.len), (5, 5));
        let e = read(&p, d.path(), SymlinkPolicy::Never, 4).unwrap_err();
        assert!(
            matches!(&e, TerminalError::TooLarge { file, max: 4 } if file == "a.xml"),
            "{e}"
        );
        let e = read(d.path(), d.path(), SymlinkPolicy::Never, 4).unwrap_err();
        assert!(matches!(e, TerminalError::NotRegularFile { .. }), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_and_outside_the_root() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.xml");
        std::fs::write(&secret, b"<XmlMsg/>").unwrap();
        let d = tempfile::tempdir().unwrap();
        let inside = d.path().join("real.xml");
        std::fs::write(&inside, b"<XmlMsg/>").unwrap();
        let l_out = d.path().join("out.xml");
        let l_in = d.path().join("in.xml");
        std::os::unix::fs::symlink(&secret, &l_out).unwrap();
        std::os::unix::fs::symlink(&inside, &l_in).unwrap();
        for l in [&l_out, &l_in] {
            let e = read(l, d.path(), SymlinkPolicy::Never, 100).unwrap_err();
            assert!(
                matches!(
                    e,
                    TerminalError::Symlink {
                        outside_root: false,
                        ..
                    }
                ),
                "{e}"
            );
        }
        let e = read(&l_out, d.path(), SymlinkPolicy::WithinRoot, 100).unwrap_err();
        assert!(
            matches!(
                e,
                TerminalError::Symlink {
                    outside_root: true,
                    ..
                }
            ),
            "{e}"
        );
        assert!(
            read(&l_in, d.path(), SymlinkPolicy::WithinRoot, 100)
                .unwrap()
                .is_some()
        );
        // A dangling link is "not there".
        let dangling = d.path().join("gone.xml");
        std::os::unix::fs::symlink(d.path().join("nothing"), &dangling).unwrap();
        assert!(
            read(&dangling, d.path(), SymlinkPolicy::WithinRoot, 100)
                .unwrap()
                .is_none()
        );
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_and_files() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("a").join("b");
        create_private_dir(&sub).unwrap();
        let mode = std::fs::metadata(&sub).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let f = sub.join("x");
        private_options()
            .write(true)
            .create_new(true)
            .open(&f)
            .unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}
