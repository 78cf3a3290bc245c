//! The client's journal: pending tickets, collected answers and acknowledged face files, kept
//! on disk so that a client restarted after a crash collects the answers that arrived
//! meanwhile, delivers again every face result it had not acknowledged, and none it had.
//!
//! Layout (under [`Layout::state`](super::Layout::state), `<root>/.onshi/` by default;
//! folders `0700`, files `0600` on Unix):
//!
//! ```text
//! pending/<request file name>.json     one ticket per request still waiting for its answer
//! collected/<request file name>.json   where the answer went (kept 30 days)
//! claims/<face file name>              a face file being delivered: locked by its deliverer
//! face/<face file name>                a face file acknowledged: never delivered again
//! visits/<yyyyMM>/<visit key>.json     one reception visit: what the patient presented
//! ```
//!
//! One small file per entry rather than one shared file: a crash can never leave a
//! half-written shared journal behind, and entries work across threads, processes and
//! network shares. A face file is *claimed* by locking its claim file (an OS lock, released
//! by the OS when the process dies, so a crashed deliverer's events are delivered again by
//! the next one) and *acknowledged* by creating its marker. Ticket files are written
//! atomically (temp file + rename).
//!
//! **Visits** ([`Visit`]: the day, the EMR's patient id, what was presented, the result it
//! confirmed) are the per-visit records of the monthly マイナ保険証 利用率 report
//! (`onshi report usage --root DIR --month yyyyMM` reads `DIR/.onshi/visits/<yyyyMM>/`). One
//! file per visit, named by [`Visit::key`] (the result's file name, or date, patient and
//! presentation; other characters than `A–Z a–z 0–9 . _ -` are hex-encoded), so recording
//! the same visit again replaces its entry. They are never pruned: a month's records stay
//! until the clinic removes the folder.

use super::atomic::temp_path;
use super::fsio::{create_private_dir, private_options};
use super::lock::try_lock;
use super::ticket::Ticket;
use crate::reception::{Month, Visit};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long records of collected answers are kept.
const KEEP_COLLECTED: Duration = Duration::from_secs(30 * 24 * 3600);

/// What became of a ticket's answer (kept so that waiting again on a collected ticket says so
/// instead of "not answering").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    /// The request file.
    pub request_file: String,
    /// The answer file (`…res_….xml`, `.pdf`, `.zip`, or the request's `.err`).
    pub answer_file: String,
    /// When it was collected (JST).
    pub collected_at: NaiveDateTime,
    /// `true` when the answer was a rejection (`.err`).
    #[serde(default)]
    pub rejected: bool,
    /// Where the answer file is now when it was archived (name in the archive folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_as: Option<String>,
}

/// A face file claimed for delivery by this process (the claim file stays locked while this
/// value lives).
#[derive(Debug)]
pub struct FaceClaim {
    file: fs::File,
    path: PathBuf,
    /// How many times the file has been handed out, this time included (1 the first time).
    pub delivery: u32,
}

impl FaceClaim {
    /// Acknowledges the claimed face file: the claim file, still locked, is renamed into
    /// the acknowledgement marker (one rename, no new file), then unlocked. On failure the
    /// claim is given back, still held, with the error.
    pub fn acknowledge(self, journal: &Journal) -> Result<(), (FaceClaim, io::Error)> {
        let Some(name) = self.path.file_name() else {
            return Err((self, io::Error::other("claim without a file name")));
        };
        match fs::rename(&self.path, journal.face.join(name)) {
            Ok(()) => {
                drop(self.file);
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

/// The outcome of [`Journal::claim_face`].
#[derive(Debug)]
pub enum Claim {
    /// Claimed: deliver it, then acknowledge it ([`Journal::ack_face`]).
    Claimed(FaceClaim),
    /// Another deliverer (process, client, thread) holds it right now.
    Busy,
    /// It was acknowledged before.
    Acknowledged,
}

/// The journal of one client root (see the module documentation).
#[derive(Clone, Debug)]
pub struct Journal {
    state: PathBuf,
    pending: PathBuf,
    collected: PathBuf,
    claims: PathBuf,
    face: PathBuf,
    tmp: PathBuf,
    visits: PathBuf,
}

impl Journal {
    /// Opens (and creates) the journal in `state_dir`.
    pub fn open(state_dir: &Path) -> io::Result<Journal> {
        let j = Journal {
            state: state_dir.to_path_buf(),
            pending: state_dir.join("pending"),
            collected: state_dir.join("collected"),
            claims: state_dir.join("claims"),
            face: state_dir.join("face"),
            tmp: state_dir.join("tmp"),
            visits: state_dir.join("visits"),
        };
        create_private_dir(state_dir)?;
        for d in [&j.pending, &j.collected, &j.claims, &j.face, &j.tmp] {
            create_private_dir(d)?;
        }
        Ok(j)
    }

    fn ticket_path(&self, request_file: &str) -> PathBuf {
        self.pending.join(format!("{request_file}.json"))
    }

    fn write_entry(&self, dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
        // Atomic for readers; not flushed: a process crash keeps it (the OS has it), and a
        // power cut loses at most an entry whose request is gone with the machine too.
        let tmp = temp_path(&self.tmp, name);
        let r = (|| {
            let mut f = private_options().write(true).create_new(true).open(&tmp)?;
            f.write_all(bytes)?;
            drop(f);
            fs::rename(&tmp, dir.join(name))
        })();
        if r.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        r
    }

    /// Records a ticket as pending.
    pub fn add_pending(&self, ticket: &Ticket) -> io::Result<()> {
        let json = serde_json::to_vec(ticket).map_err(io::Error::other)?;
        self.write_entry(
            &self.pending,
            &format!("{}.json", ticket.request_file),
            &json,
        )
    }

    /// Forgets a ticket (its answer was collected, or staff gave up on it). Forgetting an
    /// unknown ticket is not an error.
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
            if let Ok(bytes) = read_small(&p)
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

    /// Records where a ticket's answer went; written before the ticket stops being pending.
    pub fn record_collected(&self, c: &Collected) -> io::Result<()> {
        let json = serde_json::to_vec(c).map_err(io::Error::other)?;
        self.write_entry(&self.collected, &format!("{}.json", c.request_file), &json)
    }

    /// Where a ticket's answer went, if it was collected (within the last 30 days).
    pub fn collected(&self, request_file: &str) -> Option<Collected> {
        let bytes = read_small(&self.collected.join(format!("{request_file}.json"))).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Claims a face file for delivery (see [`Claim`]). Across threads, processes and
    /// restarts, one deliverer at a time holds a face file until it acknowledges it; a
    /// deliverer that dies without acknowledging loses its claim to the next one.
    pub fn claim_face(&self, file_name: &str) -> io::Result<Claim> {
        if self.face_delivered(file_name) {
            return Ok(Claim::Acknowledged);
        }
        let path = self.claims.join(file_name);
        let mut file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if !try_lock(&file)? {
            return Ok(Claim::Busy);
        }
        // Acknowledged between the first look and the lock (its claim file is then gone).
        if self.face_delivered(file_name) {
            let _ = fs::remove_file(&path);
            return Ok(Claim::Acknowledged);
        }
        let mut text = String::new();
        let before: u32 = file
            .read_to_string(&mut text)
            .ok()
            .and_then(|_| text.trim().parse().ok())
            .unwrap_or(0);
        let delivery = before.saturating_add(1);
        // The count is informative: failing to store it (a full disk) loses nothing.
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(delivery.to_string().as_bytes()));
        Ok(Claim::Claimed(FaceClaim {
            file,
            path,
            delivery,
        }))
    }

    /// Acknowledges a face file not claimed here (by its name): it will never be delivered
    /// again by any client on this journal. Acknowledging twice is not an error. Fails (and
    /// the file stays unacknowledged) when the marker cannot be written. A claimed file is
    /// acknowledged with [`FaceClaim::acknowledge`].
    pub fn ack_face(&self, file_name: &str) -> io::Result<()> {
        private_options()
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.face.join(file_name))
            .map(|_| ())
    }

    /// `true` when the face file was acknowledged before.
    pub fn face_delivered(&self, file_name: &str) -> bool {
        self.face.join(file_name).exists()
    }

    /// Removes, at most once a day: acknowledgement markers older than `age` whose face file
    /// is no longer in `face_dir` (deleted or archived), claim files of acknowledged faces,
    /// and records of answers collected more than 30 days ago. Returns how many entries
    /// were removed.
    pub fn prune(&self, face_dir: &Path, age: Duration) -> usize {
        let stamp = self.state.join("pruned");
        let recent = fs::metadata(&stamp)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|d| d < Duration::from_secs(24 * 3600));
        if recent {
            return 0;
        }
        let _ = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&stamp);
        self.prune_face(face_dir, age) + self.prune_collected()
    }

    /// Removes acknowledgement markers older than `age` whose face file is no longer in
    /// `face_dir`, so the journal does not grow forever. Returns how many were removed.
    pub fn prune_face(&self, face_dir: &Path, age: Duration) -> usize {
        let mut n = 0;
        if let Ok(rd) = fs::read_dir(&self.face) {
            for e in rd.flatten() {
                if older_than(&e, age)
                    && !face_dir.join(e.file_name()).exists()
                    && fs::remove_file(e.path()).is_ok()
                {
                    n += 1;
                }
            }
        }
        // Claim files left behind by acknowledgements that could not remove them.
        if let Ok(rd) = fs::read_dir(&self.claims) {
            for e in rd.flatten() {
                if self.face.join(e.file_name()).exists()
                    && let Ok(f) = fs::OpenOptions::new().write(true).open(e.path())
                    && try_lock(&f).unwrap_or(false)
                    && fs::remove_file(e.path()).is_ok()
                {
                    n += 1;
                }
            }
        }
        n
    }

    fn prune_collected(&self) -> usize {
        let Ok(rd) = fs::read_dir(&self.collected) else {
            return 0;
        };
        rd.flatten()
            .filter(|e| older_than(e, KEEP_COLLECTED) && fs::remove_file(e.path()).is_ok())
            .count()
    }
}

impl Journal {
    /// Records a visit (see the module documentation): atomically, replacing an entry with
    /// the same [`Visit::key`]. Fails with `InvalidInput` when the visit has neither a result
    /// nor a patient id, or its key is longer than 120 bytes.
    pub fn record_visit(&self, visit: &Visit) -> io::Result<()> {
        let name = visit_file_name(visit)?;
        let dir = self.visits.join(Month::of(visit.date).to_string());
        create_private_dir(&self.visits)?;
        create_private_dir(&dir)?;
        let json = serde_json::to_vec(visit).map_err(io::Error::other)?;
        self.write_entry(&dir, &name, &json)
    }

    /// The visits recorded for `month`, by date and time of recording. Unreadable entries
    /// are skipped.
    pub fn visits(&self, month: Month) -> io::Result<Vec<Visit>> {
        read_visits(&self.state, month)
    }
}

/// The visits recorded for `month` in the journal of `state_dir` (`<root>/.onshi` by
/// default), without opening (or creating) the journal: what a report reads. A journal
/// without visits gives an empty list; a missing `state_dir` is `NotFound`.
pub fn read_visits(state_dir: &Path, month: Month) -> io::Result<Vec<Visit>> {
    fs::metadata(state_dir)?;
    let dir = state_dir.join("visits").join(month.to_string());
    let rd = match fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out: Vec<Visit> = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        if let Ok(bytes) = read_small(&p)
            && let Ok(v) = serde_json::from_slice::<Visit>(&bytes)
            && month.contains(v.date)
        {
            out.push(v);
        }
    }
    out.sort_by_key(|v| (v.date, v.recorded_at, v.key()));
    Ok(out)
}

/// The file name of a visit's entry: its key when it is made of safe characters, else the
/// key hex-encoded behind an `x`.
fn visit_file_name(visit: &Visit) -> io::Result<String> {
    let key = visit.key().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a visit needs a result id or a patient id",
        )
    })?;
    if key.len() > 120 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a visit's key (result id, or patient id) is longer than 120 bytes",
        ));
    }
    let safe = !key.starts_with('.')
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    Ok(if safe {
        format!("{key}.json")
    } else {
        let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
        format!("x{hex}.json")
    })
}

fn older_than(e: &fs::DirEntry, age: Duration) -> bool {
    e.metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|d| d >= age)
}

/// Reads a journal entry (a few hundred bytes; anything over 1 MiB is not one).
fn read_small(p: &Path) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    fs::File::open(p)?.take(1 << 20).read_to_end(&mut out)?;
    Ok(out)
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
    fn a_claim_is_exclusive_until_acknowledged_or_dropped() {
        let d = tempfile::tempdir().unwrap();
        let a = Journal::open(d.path()).unwrap();
        let b = Journal::open(d.path()).unwrap();
        let Claim::Claimed(c) = a.claim_face("f.xml").unwrap() else {
            panic!()
        };
        assert_eq!(c.delivery, 1);
        assert!(matches!(b.claim_face("f.xml").unwrap(), Claim::Busy));
        // Dropped without acknowledgement (a crash): the next deliverer gets it again.
        drop(c);
        let Claim::Claimed(c) = b.claim_face("f.xml").unwrap() else {
            panic!()
        };
        assert_eq!(c.delivery, 2, "a redelivery is counted");
        c.acknowledge(&b).unwrap();
        assert!(matches!(
            a.claim_face("f.xml").unwrap(),
            Claim::Acknowledged
        ));
        assert!(b.face_delivered("f.xml"));
        b.ack_face("f.xml").unwrap();
        assert!(!d.path().join("claims").join("f.xml").exists());
        assert_eq!(
            fs::read_to_string(d.path().join("face").join("f.xml")).unwrap(),
            "2",
            "the marker keeps the delivery count"
        );
        let face_dir = d.path().join("facefiles");
        fs::create_dir_all(&face_dir).unwrap();
        assert_eq!(a.prune_face(&face_dir, Duration::ZERO), 1);
        assert!(!a.face_delivered("f.xml"));
    }

    #[test]
    fn collected_records() {
        let d = tempfile::tempdir().unwrap();
        let j = Journal::open(d.path()).unwrap();
        assert!(j.collected("OQSsiquc01req_1.xml").is_none());
        let c = Collected {
            request_file: "OQSsiquc01req_1.xml".into(),
            answer_file: "OQSsiquc01res_1.xml".into(),
            collected_at: ticket("x").submitted_at,
            rejected: false,
            archived_as: None,
        };
        j.record_collected(&c).unwrap();
        assert_eq!(j.collected("OQSsiquc01req_1.xml"), Some(c));
        assert_eq!(j.prune(d.path(), Duration::ZERO), 0, "nothing old");
        assert_eq!(j.prune(d.path(), Duration::ZERO), 0, "once a day");
    }

    #[test]
    fn visits_are_kept_per_month_and_replaced_by_key() {
        use crate::reception::Presentation;
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join(".onshi");
        assert_eq!(
            read_visits(&state, Month::new(2026, 12).unwrap())
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
        let j = Journal::open(&state).unwrap();
        let m = Month::new(2026, 12).unwrap();
        assert!(j.visits(m).unwrap().is_empty());
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let at = day.and_hms_opt(9, 0, 0).unwrap();
        // A face result first, then staff add the patient id for the same result.
        let face = Visit::face_result(day, "OQSsiquc01res_face_1.xml", None, false, at);
        j.record_visit(&face).unwrap();
        let staff = Visit {
            patient_id: Some("0001".into()),
            ..face.clone()
        };
        j.record_visit(&staff).unwrap();
        // A patient id that is not a safe file name, twice (idempotent).
        let odd = Visit::new(day, "../患者/1", Presentation::QualificationCertificate, at);
        j.record_visit(&odd).unwrap();
        j.record_visit(&odd).unwrap();
        // Another month.
        let nov = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        j.record_visit(&Visit::new(nov, "0002", Presentation::Nothing, at))
            .unwrap();
        let got = j.visits(m).unwrap();
        // Same date and time: by key ("20261207_…" before "OQS…").
        assert_eq!(got, vec![odd.clone(), staff]);
        let names: Vec<String> = fs::read_dir(state.join("visits").join("202612"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2);
        assert!(
            names
                .iter()
                .all(|n| !n.contains('/') && !n.starts_with('.'))
        );
        assert_eq!(j.visits(Month::new(2026, 11).unwrap()).unwrap().len(), 1);
        // Junk and a visit filed under the wrong month are skipped.
        fs::write(state.join("visits").join("202612").join("junk.json"), b"{").unwrap();
        fs::copy(
            state
                .join("visits")
                .join("202611")
                .join("20261130_0002_none.json"),
            state.join("visits").join("202612").join("moved.json"),
        )
        .unwrap();
        assert_eq!(j.visits(m).unwrap().len(), 2);
        // Neither a result nor a patient; an over-long key.
        let anon = Visit {
            patient_id: None,
            ..odd.clone()
        };
        assert_eq!(
            j.record_visit(&anon).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        let long = Visit::new(day, "9".repeat(200), Presentation::Nothing, at);
        assert_eq!(
            j.record_visit(&long).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
    }

    #[cfg(unix)]
    #[test]
    fn journal_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let state = d.path().join(".onshi");
        let j = Journal::open(&state).unwrap();
        j.add_pending(&ticket("OQSsiquc01req_1.xml")).unwrap();
        for p in [state.clone(), state.join("pending"), state.join("face")] {
            let m = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(m, 0o700, "{}", p.display());
        }
        let f = state.join("pending").join("OQSsiquc01req_1.xml.json");
        let m = fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(m & 0o077, 0, "{m:o}");
    }
}
