//! Folder watching: file events from the `notify` crate plus a periodic rescan.
//!
//! Events make answers arrive within milliseconds; the rescan is the safety net, because
//! events are lost on network shares (SMB) and under load. What a rescan costs is chosen per
//! folder ([`Listing`]): the emulator lists `req/` and hears only of names it has not seen
//! before; the client lists nothing itself (a waiter looks at its own answer's path, the face
//! reader keeps its own list) and only hears a [`Change::Tick`] at each rescan. So an idle
//! client over 10,000 kept files does not re-read, re-stat or re-announce them every tick.

use notify::{RecursiveMode, Watcher};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How a folder is watched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchConfig {
    /// Use file-system events (inotify, ReadDirectoryChangesW, FSEvents …). When `false`, or
    /// when events cannot be set up, only the rescan runs.
    pub use_events: bool,
    /// How often every folder is looked at again.
    pub rescan_interval: Duration,
}

impl Default for WatchConfig {
    /// Events on, rescan every second.
    fn default() -> Self {
        WatchConfig {
            use_events: true,
            rescan_interval: Duration::from_secs(1),
        }
    }
}

impl WatchConfig {
    /// Rescan only (no events), every `interval`: what a client sees on a share where events
    /// are lost.
    pub fn rescan_only(interval: Duration) -> WatchConfig {
        WatchConfig {
            use_events: false,
            rescan_interval: interval,
        }
    }
}

/// What a rescan of one folder does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listing {
    /// Nothing: the consumer looks for itself when told [`Change::Tick`].
    None,
    /// List the folder and report the names not seen at the previous rescan.
    New,
}

/// What the watch reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change<'a> {
    /// A file event about this name, or a name new since the last listing.
    File(&'a str),
    /// A rescan is due (also after a lost or failed event).
    Tick,
}

enum Msg {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// A running watch over some folders; stops when dropped.
pub(crate) struct DirWatch {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
    events_active: bool,
    // Kept alive for the watch's lifetime.
    _watcher: Option<notify::RecommendedWatcher>,
}

impl DirWatch {
    /// Starts watching `dirs`; `sink(index, change)` is called from a background thread for
    /// every file event and at every rescan (see [`Listing`]). A first rescan runs at once.
    pub(crate) fn start<F>(
        dirs: Vec<(PathBuf, Listing)>,
        config: WatchConfig,
        mut sink: F,
    ) -> DirWatch
    where
        F: FnMut(usize, Change<'_>) + Send + 'static,
    {
        let (tx, rx) = mpsc::channel::<Msg>();
        let mut watcher = None;
        if config.use_events {
            let etx = tx.clone();
            if let Ok(mut w) = notify::recommended_watcher(move |res| {
                let _ = etx.send(Msg::Event(res));
            }) {
                let ok = dirs
                    .iter()
                    .all(|(d, _)| w.watch(d, RecursiveMode::NonRecursive).is_ok());
                if ok {
                    watcher = Some(w);
                }
            }
        }
        let events_active = watcher.is_some();
        let interval = config.rescan_interval.max(Duration::from_millis(1));
        let paths: Vec<PathBuf> = dirs.iter().map(|(d, _)| d.clone()).collect();
        let thread = std::thread::Builder::new()
            .name("onshi-watch".into())
            .spawn(move || {
                let mut seen: Vec<HashSet<String>> = vec![HashSet::new(); dirs.len()];
                let mut next_rescan = Instant::now();
                loop {
                    if Instant::now() >= next_rescan {
                        for (i, (d, listing)) in dirs.iter().enumerate() {
                            match listing {
                                Listing::None => sink(i, Change::Tick),
                                Listing::New => {
                                    // An unreadable folder keeps the names known so far.
                                    let Ok(now) = list_files(d) else { continue };
                                    let now: HashSet<String> = now.into_iter().collect();
                                    for name in now.iter().filter(|n| !seen[i].contains(*n)) {
                                        sink(i, Change::File(name));
                                    }
                                    seen[i] = now;
                                }
                            }
                        }
                        next_rescan = Instant::now() + interval;
                    }
                    let wait = next_rescan.saturating_duration_since(Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(Msg::Event(Ok(ev))) => {
                            for p in &ev.paths {
                                if let Some((i, name)) = locate(&paths, p) {
                                    sink(i, Change::File(&name));
                                }
                            }
                        }
                        // A watch error (overflow …): rescan now.
                        Ok(Msg::Event(Err(_))) => next_rescan = Instant::now(),
                        Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                        Err(RecvTimeoutError::Timeout) => {}
                    }
                }
            })
            .ok();
        DirWatch {
            tx,
            thread,
            events_active,
            _watcher: watcher,
        }
    }

    /// `true` when file-system events are being received (else rescan only).
    pub(crate) fn events_active(&self) -> bool {
        self.events_active
    }
}

impl Drop for DirWatch {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The names of a folder's entries that are not folders (names that are not UTF-8 are
/// skipped: no interface file has one), sorted. Symbolic links, FIFOs and other special
/// files are listed: whoever reads them refuses them and says so. An unreadable folder is an
/// error, never an empty list.
pub(crate) fn list_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            continue;
        }
        if let Ok(name) = e.file_name().into_string() {
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Which watched folder `path` is directly in, and its file name.
fn locate(dirs: &[PathBuf], path: &Path) -> Option<(usize, String)> {
    let parent = path.parent()?;
    let name = path.file_name()?.to_str()?.to_string();
    dirs.iter()
        .position(|d| d == parent || same_dir(d, parent))
        .map(|i| (i, name))
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    type Seen = Arc<Mutex<Vec<(usize, String)>>>;

    fn collect(config: WatchConfig) -> (tempfile::TempDir, Seen, DirWatch) {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a");
        let b = d.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("before.xml"), b"x").unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let w = DirWatch::start(
            vec![(a, Listing::New), (b, Listing::None)],
            config,
            move |i, c| {
                let n = match c {
                    Change::File(n) => n.to_string(),
                    Change::Tick => "<tick>".to_string(),
                };
                s2.lock().unwrap().push((i, n))
            },
        );
        (d, seen, w)
    }

    fn wait_for(seen: &Mutex<Vec<(usize, String)>>, want: (usize, &str), within: Duration) -> bool {
        let end = Instant::now() + within;
        while Instant::now() < end {
            if seen
                .lock()
                .unwrap()
                .iter()
                .any(|(i, n)| *i == want.0 && n == want.1)
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    #[test]
    fn events_and_initial_rescan() {
        let (d, seen, w) = collect(WatchConfig {
            use_events: true,
            rescan_interval: Duration::from_secs(60),
        });
        assert!(wait_for(&seen, (0, "before.xml"), Duration::from_secs(10)));
        assert!(wait_for(&seen, (1, "<tick>"), Duration::from_secs(10)));
        std::fs::write(d.path().join("b").join("new.xml"), b"x").unwrap();
        if w.events_active() {
            // Only events can find it: the next rescan is a minute away.
            assert!(wait_for(&seen, (1, "new.xml"), Duration::from_secs(10)));
        }
    }

    #[test]
    fn rescan_reports_only_new_names() {
        let (d, seen, w) = collect(WatchConfig::rescan_only(Duration::from_millis(20)));
        assert!(!w.events_active());
        std::fs::write(d.path().join("a").join("later.xml"), b"x").unwrap();
        assert!(wait_for(&seen, (0, "later.xml"), Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(200));
        let s = seen.lock().unwrap();
        let before = s
            .iter()
            .filter(|(i, n)| *i == 0 && n == "before.xml")
            .count();
        assert_eq!(before, 1, "a known name is not announced at every rescan");
        assert!(s.iter().filter(|(i, _)| *i == 1).count() > 3, "ticks");
    }

    #[test]
    fn an_unreadable_folder_is_an_error_not_an_empty_list() {
        let d = tempfile::tempdir().unwrap();
        assert!(list_files(&d.path().join("missing")).is_err());
        let f = d.path().join("file");
        std::fs::write(&f, b"x").unwrap();
        assert!(list_files(&f).is_err(), "not a folder");
        std::fs::create_dir(d.path().join("sub")).unwrap();
        assert_eq!(list_files(d.path()).unwrap(), vec!["file".to_string()]);
    }
}
