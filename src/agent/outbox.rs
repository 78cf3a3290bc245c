//! The durable outbox of face events: one file per event, named by its idempotency key
//! (the face file name), written atomically (temporary file, flush, rename, flush of the
//! folder) before the face file leaves `face/`, and removed only when the relay has
//! acknowledged that it stored the event. Whatever happens in between (relay down, network
//! cut, agent killed), the event is sent again from here.

use crate::cloud::protocol::valid_key;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The outbox folder.
#[derive(Clone, Debug)]
pub struct Outbox {
    dir: PathBuf,
}

const SUFFIX: &str = ".json";

impl Outbox {
    /// Opens (creating) the outbox in `dir`, removing temporary files a crash left.
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<Outbox> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        for e in fs::read_dir(&dir)?.flatten() {
            if e.file_name().to_string_lossy().starts_with(".tmp-") {
                let _ = fs::remove_file(e.path());
            }
        }
        Ok(Outbox { dir })
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}{SUFFIX}"))
    }

    /// Stores `frame` (the encoded face frame) under `key`, durably. Storing a key twice
    /// keeps one file.
    pub fn put(&self, key: &str, frame: &[u8]) -> std::io::Result<()> {
        if !valid_key(key) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a safe idempotency key",
            ));
        }
        let tmp = self.dir.join(format!(".tmp-{key}"));
        {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)?;
            f.write_all(frame)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, self.path(key))?;
        sync_dir(&self.dir);
        Ok(())
    }

    /// Removes an acknowledged event (no error when it is already gone).
    pub fn remove(&self, key: &str) -> std::io::Result<()> {
        if !valid_key(key) {
            return Ok(());
        }
        match fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The waiting events' keys, oldest first (by modification time, then name).
    pub fn keys(&self) -> Vec<String> {
        let mut v: Vec<(std::time::SystemTime, String)> = match fs::read_dir(&self.dir) {
            Ok(rd) => rd
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let key = name.strip_suffix(SUFFIX)?.to_string();
                    if !valid_key(&key) || name.starts_with(".tmp-") {
                        return None;
                    }
                    let t = e
                        .metadata()
                        .and_then(|m| m.modified())
                        .unwrap_or(std::time::UNIX_EPOCH);
                    Some((t, key))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        v.sort();
        v.into_iter().map(|(_, k)| k).collect()
    }

    /// Reads one waiting event.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        if !valid_key(key) {
            return None;
        }
        fs::read(self.path(key)).ok()
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.keys().len()
    }

    /// `true` when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Flushes a folder's entries (the rename) to disk, where the platform allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    // Windows cannot open a folder to flush it; NTFS journals the rename itself.
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_list_remove_and_crash_leftovers() {
        let d = tempfile::tempdir().unwrap();
        let o = Outbox::open(d.path()).unwrap();
        o.put("a_1.xml", b"{}").unwrap();
        o.put("b_2.xml", b"{}").unwrap();
        o.put("a_1.xml", b"{\"x\":1}").unwrap();
        assert_eq!(o.len(), 2);
        assert_eq!(o.get("a_1.xml").unwrap(), b"{\"x\":1}");
        assert!(o.put("../evil", b"{}").is_err());
        std::fs::write(d.path().join(".tmp-c"), b"partial").unwrap();
        let o = Outbox::open(d.path()).unwrap();
        assert!(!d.path().join(".tmp-c").exists());
        o.remove("a_1.xml").unwrap();
        o.remove("a_1.xml").unwrap();
        assert_eq!(o.keys(), vec!["b_2.xml".to_string()]);
    }
}
