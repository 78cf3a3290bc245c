//! Where the files live: the `req/`, `res/` and `face/` folders, the client's work and state
//! folders, and the names of request files.
//!
//! The terminal's shared folder usually looks like this (names are configurable, and each
//! folder may also live elsewhere, e.g. on a network share `\\OQS-PC\OQS\req`):
//!
//! ```text
//! <root>/req/            requests written by the clinic, taken away by the 連携アプリケーション
//! <root>/res/            answers written by the terminal (same name, req → res)
//! <root>/face/           results pushed by the face-recognition card reader
//! <root>/.onshi-tmp/     where onshi writes a file before renaming it into req/
//! <root>/.onshi/         onshi's journal (pending tickets, processed face files)
//! <root>/.onshi/archive/ processed answers and face files, when the policy is "archive"
//! ```
//!
//! The work folder must be on the same volume as `req/` so that the final rename is atomic;
//! keep it inside the same tree (the default).

use chrono::NaiveDateTime;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The folders of one terminal connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The shared root (informational; every folder below is explicit).
    pub root: PathBuf,
    /// Requests (`req/`).
    pub req: PathBuf,
    /// Answers (`res/`).
    pub res: PathBuf,
    /// Face-reader pushes (`face/`).
    pub face: PathBuf,
    /// Temporary files before the atomic rename (`.onshi-tmp/`); same volume as `req/`.
    pub work: PathBuf,
    /// The journal (`.onshi/`).
    pub state: PathBuf,
    /// Processed files when the policy is [`ProcessedPolicy::Archive`] (`.onshi/archive/`).
    pub archive: PathBuf,
}

impl Layout {
    /// The usual layout: `req`, `res`, `face`, `.onshi-tmp`, `.onshi`, `.onshi/archive` under
    /// `root`. `root` may be any path the OS accepts, including a UNC path on Windows.
    ///
    /// ```
    /// use onshi::terminal::Layout;
    /// let l = Layout::new("/srv/oqs");
    /// assert!(l.req.ends_with("req"));
    /// assert!(l.work.starts_with("/srv/oqs"));
    /// ```
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        let root = root.into();
        Layout {
            req: root.join("req"),
            res: root.join("res"),
            face: root.join("face"),
            work: root.join(".onshi-tmp"),
            state: root.join(".onshi"),
            archive: root.join(".onshi").join("archive"),
            root,
        }
    }

    /// The same layout with other folder names under the root (e.g. SANOX's test copy
    /// `TEST_req`, `TEST_res`, `TEST_face`).
    pub fn with_names(mut self, req: &str, res: &str, face: &str) -> Layout {
        self.req = self.root.join(req);
        self.res = self.root.join(res);
        self.face = self.root.join(face);
        self
    }

    /// Puts the journal (and the archive under it) somewhere else, e.g. on the clinic PC
    /// when the root is a network share.
    pub fn with_state_dir(mut self, state: impl Into<PathBuf>) -> Layout {
        self.state = state.into();
        self.archive = self.state.join("archive");
        self
    }

    /// Creates every folder that does not exist yet. The state and archive folders hold
    /// personal data and are made private to the user (`0700` on Unix).
    pub fn create_all(&self) -> std::io::Result<()> {
        for d in [&self.req, &self.res, &self.face, &self.work] {
            std::fs::create_dir_all(d)?;
        }
        for d in [&self.state, &self.archive] {
            super::fsio::create_private_dir(d)?;
        }
        Ok(())
    }

    /// Path of a file in `req/`.
    pub fn req_path(&self, name: &str) -> PathBuf {
        self.req.join(name)
    }

    /// Path of a file in `res/`.
    pub fn res_path(&self, name: &str) -> PathBuf {
        self.res.join(name)
    }

    /// Path of a file in `face/`.
    pub fn face_path(&self, name: &str) -> PathBuf {
        self.face.join(name)
    }

    /// The three interface folders with a label, for reports.
    pub fn interface_dirs(&self) -> [(&'static str, &Path); 3] {
        [("req", &self.req), ("res", &self.res), ("face", &self.face)]
    }
}

/// What happens to an answer or a face file once it has been processed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessedPolicy {
    /// Leave it where it is (the journal remembers that it was processed).
    Leave,
    /// Move it to [`Layout::archive`].
    Archive,
    /// Delete it.
    #[default]
    Delete,
}

/// Makes request-file suffixes that are unique across threads, processes and restarts.
///
/// A suffix is `yyyyMMddHHmmss` + 4 base-36 characters of the process id + 4 of a random
/// start value + a base-36 counter, ASCII letters and digits only, e.g.
/// `20250401093000k2x1q7zm0`. Two processes differ by pid and random part; one process
/// differs by its counter; a restarted process has a new random part and a later time.
#[derive(Debug)]
pub struct RequestNamer {
    pid: u32,
    nonce: u32,
    counter: AtomicU64,
}

impl RequestNamer {
    /// A namer for this process.
    pub fn new() -> RequestNamer {
        RequestNamer {
            pid: std::process::id(),
            nonce: random_u32(),
            counter: AtomicU64::new(0),
        }
    }

    /// The next suffix, for a request written at `now`.
    pub fn next(&self, now: NaiveDateTime) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        suffix(now, self.pid, self.nonce, n)
    }
}

impl Default for RequestNamer {
    fn default() -> Self {
        RequestNamer::new()
    }
}

/// The suffix for a request written at `now` by process `pid` with random part `nonce` and
/// per-process counter `counter` (pure; see [`RequestNamer`]).
///
/// ```
/// use onshi::terminal::layout::suffix;
/// let t = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap().and_hms_opt(9, 30, 0).unwrap();
/// assert_eq!(suffix(t, 36, 0, 35), "2025040109300000100000z");
/// ```
pub fn suffix(now: NaiveDateTime, pid: u32, nonce: u32, counter: u64) -> String {
    format!(
        "{}{}{}{}",
        now.format("%Y%m%d%H%M%S"),
        base36_fixed(u64::from(pid), 4),
        base36_fixed(u64::from(nonce), 4),
        base36(counter)
    )
}

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn base36(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The low `width` base-36 digits of `n`, zero-padded.
fn base36_fixed(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A random 32-bit value from the standard library's randomly seeded hasher (no extra
/// dependency), mixed with the time and the pid.
pub(crate) fn random_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    let v = h.finish();
    (v ^ (v >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn t() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap()
    }

    #[test]
    fn suffixes_are_ascii_alnum_and_valid_file_names() {
        let n = RequestNamer::new();
        for _ in 0..100 {
            let s = n.next(t());
            assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()), "{s}");
            crate::xml::FileName::request(
                crate::xml::Family::Individual,
                crate::xml::Phase::Upload,
                &s,
            )
            .unwrap();
        }
    }

    #[test]
    fn suffixes_differ_by_counter_pid_and_nonce() {
        let mut seen = HashSet::new();
        for pid in [1, 2] {
            for nonce in [7, 8] {
                for c in 0..50 {
                    assert!(seen.insert(suffix(t(), pid, nonce, c)));
                }
            }
        }
        let n = RequestNamer::new();
        let a: HashSet<String> = (0..1000).map(|_| n.next(t())).collect();
        assert_eq!(a.len(), 1000);
    }

    #[test]
    fn base36_forms() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(36), "10");
        assert_eq!(base36_fixed(u64::from(u32::MAX), 4).len(), 4);
    }

    #[test]
    fn layout_names_and_state_dir() {
        let l = Layout::new("root").with_names("TEST_req", "TEST_res", "TEST_face");
        assert!(l.req.ends_with("TEST_req"));
        let l = l.with_state_dir("elsewhere");
        assert!(l.archive.starts_with("elsewhere"));
    }
}
