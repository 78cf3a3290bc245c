//! The client's journal: pending tickets and delivered face files, kept on disk so that a
//! client restarted after a crash collects the answers that arrived meanwhile and delivers no
//! face result twice.
//!
//! Layout (under [`Layout::state`](super::Layout::state), `<root>/.onshi/` by default):
//!
//! ```text
//! pending/<request file name>.json   one ticket per request still waiting for its answer
//! face/<face file name>              a marker per face file already delivered
//! ```
//!
//! One small file per entry rather than one shared file: creating a marker with
//! `create_new` is an atomic claim that works across threads, processes and network shares
//! without locks, and a crash can never leave a half-written shared journal behind. Ticket
//! files are written atomically (temp file + rename).

use super::atomic::write_atomic_with;
use super::client::Ticket;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The journal of one client root (see the module documentation).
#[derive(Clone, Debug)]
pub struct Journal {
    pending: PathBuf,
    face: PathBuf,
    tmp: PathBuf,
}

impl Journal {
    /// Opens (and creates) the journal in `state_dir`.
    pub fn open(state_dir: &Path) -> io::Result<Journal> {
        let j = Journal {
            pending: state_dir.join("pending"),
            face: state_dir.join("face"),
            tmp: state_dir.join("tmp"),
        };
        for d in [&j.pending, &j.face, &j.tmp] {
            fs::create_dir_all(d)?;
        }
        Ok(j)
    }

    fn ticket_path(&self, request_file: &str) -> PathBuf {
        self.pending.join(format!("{request_file}.json"))
    }

    /// Records a ticket as pending.
    pub fn add_pending(&self, ticket: &Ticket) -> io::Result<()> {
        let json = serde_json::to_vec(ticket).map_err(io::Error::other)?;
        // Atomic for readers; not flushed: a process crash keeps it (the OS has it), and
        // a power cut loses at most a ticket whose request is gone with the machine too.
        write_atomic_with(
            &self.tmp,
            &self.pending,
            &format!("{}.json", ticket.request_file),
            &json,
            false,
        )
        .map(|_| ())
    }

    /// Forgets a ticket (its answer was collected). Forgetting an unknown ticket is not an
    /// error.
    pub fn remove_pending(&self, ticket: &Ticket) -> io::Result<()> {
        match fs::remove_file(self.ticket_path(&ticket.request_file)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// `true` when the ticket is still pending.
    pub fn is_pending(&self, ticket: &Ticket) -> bool {
        self.ticket_path(&ticket.request_file).exists()
    }

    /// Every pending ticket, oldest first. Unreadable entries are skipped.
    pub fn pending(&self) -> io::Result<Vec<Ticket>> {
        let mut out: Vec<Ticket> = Vec::new();
        for e in fs::read_dir(&self.pending)? {
            let Ok(e) = e else { continue };
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()) != Some("json") {
                continue;
            }
            if let Ok(bytes) = fs::read(&p)
                && let Ok(t) = serde_json::from_slice::<Ticket>(&bytes)
            {
                out.push(t);
            }
        }
        out.sort_by(|a, b| {
            a.submitted_at
                .cmp(&b.submitted_at)
                .then_with(|| a.request_file.cmp(&b.request_file))
        });
        Ok(out)
    }

    /// Claims a face file for delivery: `Ok(true)` exactly once per file name, across
    /// threads, processes and restarts; `Ok(false)` when it was delivered before.
    pub fn claim_face(&self, file_name: &str) -> io::Result<bool> {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.face.join(file_name))
        {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `true` when the face file was delivered before.
    pub fn face_delivered(&self, file_name: &str) -> bool {
        self.face.join(file_name).exists()
    }

    /// Removes delivery markers older than `age` whose face file is no longer in
    /// `face_dir` (it was deleted or archived), so the journal does not grow forever.
    /// Returns how many were removed.
    pub fn prune_face(&self, face_dir: &Path, age: Duration) -> usize {
        let now = SystemTime::now();
        let mut n = 0;
        let Ok(rd) = fs::read_dir(&self.face) else {
            return 0;
        };
        for e in rd.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|d| d >= age);
            if old && !face_dir.join(e.file_name()).exists() && fs::remove_file(e.path()).is_ok() {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{Family, Phase};

    fn ticket(name: &str) -> Ticket {
        Ticket {
            request_file: name.to_string(),
            family: Family::Individual,
            phase: Phase::Upload,
            arbitrary_file_identifier: Some("x".into()),
            reception_number: None,
            submitted_at: chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        }
    }

    #[test]
    fn pending_round_trip() {
        let d = tempfile::tempdir().unwrap();
        let j = Journal::open(d.path()).unwrap();
        let t = ticket("OQSsiquc01req_1.xml");
        j.add_pending(&t).unwrap();
        j.add_pending(&ticket("OQSsiquc01req_2.xml")).unwrap();
        let j2 = Journal::open(d.path()).unwrap();
        assert_eq!(j2.pending().unwrap().len(), 2);
        assert!(j2.is_pending(&t));
        j2.remove_pending(&t).unwrap();
        j2.remove_pending(&t).unwrap();
        assert_eq!(j.pending().unwrap().len(), 1);
        // Junk in the folder is skipped.
        fs::write(d.path().join("pending").join("junk.json"), b"{").unwrap();
        assert_eq!(j.pending().unwrap().len(), 1);
    }

    #[test]
    fn face_claimed_once_across_instances() {
        let d = tempfile::tempdir().unwrap();
        let a = Journal::open(d.path()).unwrap();
        let b = Journal::open(d.path()).unwrap();
        assert!(a.claim_face("f.xml").unwrap());
        assert!(!b.claim_face("f.xml").unwrap());
        assert!(b.face_delivered("f.xml"));
        let face_dir = d.path().join("facefiles");
        fs::create_dir_all(&face_dir).unwrap();
        assert_eq!(a.prune_face(&face_dir, Duration::ZERO), 1);
        assert!(!a.face_delivered("f.xml"));
    }
}
