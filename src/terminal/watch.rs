//! Folder watching: file events from the `notify` crate plus a periodic rescan.
//!
//! Events make answers arrive within milliseconds; the rescan is the safety net, because
//! events are lost on network shares (SMB) and under load. Both feed the same callback with a
//! folder index and a file name; the callback must be idempotent (it is called again for a
//! file it has already seen, at every rescan).

use notify::{RecursiveMode, Watcher};
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
    /// How often every folder is listed in full.
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
    /// Starts watching `dirs`; `sink(index, file_name)` is called from a background thread for
    /// every file event and, at every rescan, for every file present. A first rescan runs at
    /// once.
    pub(crate) fn start<F>(dirs: Vec<PathBuf>, config: WatchConfig, mut sink: F) -> DirWatch
    where
        F: FnMut(usize, &str) + Send + 'static,
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
                    .all(|d| w.watch(d, RecursiveMode::NonRecursive).is_ok());
                if ok {
                    watcher = Some(w);
                }
            }
        }
        let events_active = watcher.is_some();
        let interval = config.rescan_interval.max(Duration::from_millis(1));
        let thread = std::thread::Builder::new()
            .name("onshi-watch".into())
            .spawn(move || {
                let mut next_rescan = Instant::now();
                loop {
                    let now = Instant::now();
                    if now >= next_rescan {
                        for (i, d) in dirs.iter().enumerate() {
                            for name in list_files(d) {
                                sink(i, &name);
                            }
                        }
                        next_rescan = Instant::now() + interval;
                    }
                    let wait = next_rescan.saturating_duration_since(Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(Msg::Event(Ok(ev))) => {
                            for p in &ev.paths {
                                if let Some((i, name)) = locate(&dirs, p) {
                                    sink(i, &name);
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

/// The plain files of a folder (names that are not UTF-8 are skipped: no interface file has
/// one). Errors give an empty list; the next rescan tries again.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    out.sort();
    out
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
        let w = DirWatch::start(vec![a, b], config, move |i, n| {
            s2.lock().unwrap().push((i, n.to_string()))
        });
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
        std::fs::write(d.path().join("b").join("new.xml"), b"x").unwrap();
        if w.events_active() {
            // Only events can find it: the next rescan is a minute away.
            assert!(wait_for(&seen, (1, "new.xml"), Duration::from_secs(10)));
        }
    }

    #[test]
    fn rescan_only_finds_new_files() {
        let (d, seen, w) = collect(WatchConfig::rescan_only(Duration::from_millis(20)));
        assert!(!w.events_active());
        std::fs::write(d.path().join("a").join("later.xml"), b"x").unwrap();
        assert!(wait_for(&seen, (0, "later.xml"), Duration::from_secs(10)));
    }
}
