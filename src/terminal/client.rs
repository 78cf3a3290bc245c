//! [`Client`]: the clinic side of the folder protocol.
//!
//! ```no_run
//! use std::time::Duration;
//! use onshi::terminal::{Client, ClientOptions, Layout};
//! use onshi::model::QualificationQuery;
//! # fn main() -> Result<(), onshi::terminal::TerminalError> {
//! let client = Client::open(Layout::new(r"\\OQS-PC\OQS"), ClientOptions::default())?;
//! let query = QualificationQuery::default(); // 保険者番号, 記号・番号, 枝番, 生年月日 …
//! let today = onshi::terminal::now_jst().date();
//! match client.query(query, today, Duration::from_secs(30)) {
//!     Ok(answer) => println!("資格有効性: {:?}", answer.body.qualification_validity),
//!     Err(onshi::terminal::TerminalError::NotAnswering(n)) => eprintln!("{}", n.to_text_ja()),
//!     Err(e) => eprintln!("{e}"),
//! }
//! # Ok(()) }
//! ```

use super::atomic::{looks_complete, move_file, write_atomic_with};
use super::codec::{self, Encoding};
use super::journal::Journal;
use super::layout::{Layout, ProcessedPolicy, RequestNamer};
use super::outcome::{ConsentRefusal, DocumentKind, NotAnswering, backoff};
use super::watch::{DirWatch, WatchConfig, list_files};
use super::{TerminalError, now_jst};
use crate::Personal;
use crate::codes::{ConsentFlag, SegmentOfResult};
use crate::ids::MedicalInstitutionCode;
use crate::model::{Consent, MessageHeader, QualificationQuery};
use crate::xml::{
    BulkDownloadRequest, DocumentRequest, DocumentResponse, FaceFile, Family, FileName, Message,
    Phase, QualificationRequest, QualificationResponse, ReferenceNumberRequest,
    ReferenceNumberResponse,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A submitted request: everything needed to collect its answer, in this process or, through
/// the journal, in the next one. Serializable (JSON) so an EMR can keep it with the visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The request file name in `req/` (e.g. `OQSsiquc01req_20250401093000….xml`).
    pub request_file: String,
    /// The message family.
    pub family: Family,
    /// `01` or `02`.
    pub phase: Phase,
    /// The `ArbitraryFileIdentifier` written into the request (echoed in the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbitrary_file_identifier: Option<String>,
    /// The 受付番号 of a bulk download request (echoed in the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reception_number: Option<String>,
    /// When the request was written (JST).
    pub submitted_at: NaiveDateTime,
}

impl Ticket {
    fn name(&self) -> Result<FileName, TerminalError> {
        FileName::parse(&self.request_file).map_err(|e| TerminalError::InvalidRequest {
            reason: format!("ticket has a bad request file name: {e}"),
        })
    }

    /// The name of the expected answer (`…res_….xml`).
    pub fn response_file(&self) -> String {
        self.name()
            .map(|n| n.response_name().to_string())
            .unwrap_or_default()
    }

    /// The name of the rejection file (`…req_….err`) the terminal writes next to the
    /// request it moves into `res/` when it cannot read it.
    pub fn err_file(&self) -> String {
        self.name()
            .map(|n| n.with_extension(crate::xml::Extension::Err).to_string())
            .unwrap_or_default()
    }

    fn key(&self) -> String {
        self.name().map(|n| response_key(&n)).unwrap_or_default()
    }
}

/// The key every file of one exchange maps to: the response stem without extension.
fn response_key(n: &FileName) -> String {
    let r = n.response_name();
    format!("{}_{}", r.stem_prefix(), r.suffix)
}

/// Options of a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// How `res/` and `face/` are watched (events + rescan by default).
    pub watch: WatchConfig,
    /// What happens to an answer in `res/` once read.
    pub processed: ProcessedPolicy,
    /// What happens to a face file once delivered.
    pub face_processed: ProcessedPolicy,
    /// 医療機関コード written into request headers that lack one.
    pub medical_institution_code: Option<MedicalInstitutionCode>,
    /// Encoding of request files (both are accepted by the terminal).
    pub encoding: Encoding,
    /// How long an answer that is still incomplete or unreadable is retried before it is
    /// reported as broken (another program may still be writing it).
    pub settle_timeout: Duration,
    /// How often a waiter looks at its answer's file by itself, in case both events and the
    /// rescan missed it.
    pub recheck_interval: Duration,
    /// Flush each request file to disk before renaming it into `req/` (protects against a
    /// power cut on this PC, costs a few milliseconds per request). The rename alone already
    /// guarantees that the terminal never sees a partial file.
    pub durable_writes: bool,
    /// Create `req/`, `res/` and `face/` when missing. Off by default: on a real terminal a
    /// missing folder means a wrong root or an unmounted share, which must be reported
    /// ([`TerminalError::MissingFolder`]) rather than papered over.
    pub create_folders: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            watch: WatchConfig::default(),
            processed: ProcessedPolicy::Delete,
            face_processed: ProcessedPolicy::Delete,
            medical_institution_code: None,
            encoding: Encoding::Utf8,
            settle_timeout: Duration::from_secs(5),
            recheck_interval: Duration::from_millis(500),
            durable_writes: false,
            create_folders: false,
        }
    }
}

/// What came back for a request.
// Returned once per request, never stored in bulk: boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reply {
    /// An XML answer.
    Message(Message),
    /// A PDF document (薬剤情報 / 特定健診情報 requested as PDF).
    Pdf(Vec<u8>),
    /// A zipped bulk download, as received.
    Zip(Vec<u8>),
}

/// A result pushed by the face-recognition card reader (a patient at the reader).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaceEvent {
    /// The face file's name.
    pub file_name: String,
    /// The parts of its name (医療機関コード, token, time written).
    pub face: Option<FaceFile>,
    /// The result, or why the file could not be read (the file stays available in the
    /// archive when the policy is [`ProcessedPolicy::Archive`]).
    pub result: Result<QualificationResponse, String>,
}

/// The answer to a 薬剤情報 / 特定健診情報 retrieval.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentAnswer {
    /// The XML document (check `result_code` = `1`; else `message_contents` says why).
    Xml(DocumentResponse),
    /// The PDF document.
    Pdf(Vec<u8>),
    /// Not requested: the consent is missing or expired (「情報の提供は同意されていません」).
    NotConsented(ConsentRefusal),
}

// Documents are personal: `Debug` shows the size of a PDF or zip, never its bytes.
impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reply::Message(m) => f.debug_tuple("Message").field(m).finish(),
            Reply::Pdf(b) => write!(f, "Pdf({} bytes)", b.len()),
            Reply::Zip(b) => write!(f, "Zip({} bytes)", b.len()),
        }
    }
}

impl std::fmt::Debug for DocumentAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentAnswer::Xml(d) => f.debug_tuple("Xml").field(d).finish(),
            DocumentAnswer::Pdf(b) => write!(f, "Pdf({} bytes)", b.len()),
            DocumentAnswer::NotConsented(r) => f.debug_tuple("NotConsented").field(r).finish(),
        }
    }
}

/// Options of the bulk two-phase flow.
#[derive(Clone, Copy, Debug)]
pub struct BulkOptions {
    /// Give up when the whole flow takes longer than this.
    pub deadline: Duration,
    /// Wait for each single answer (01 or 02) at most this long.
    pub step_timeout: Duration,
    /// First wait between two 02 polls while the terminal says 処理中.
    pub initial_backoff: Duration,
    /// Longest wait between two polls.
    pub max_backoff: Duration,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            deadline: Duration::from_secs(600),
            step_timeout: Duration::from_secs(60),
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// Where a bulk flow is, for progress displays.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BulkProgress {
    /// The 01 request was written.
    Submitted,
    /// The terminal accepted it and gave a 受付番号.
    Accepted {
        /// 受付番号.
        reception_number: String,
    },
    /// A 02 poll said 処理中; the next poll comes after `next_wait`.
    Processing {
        /// How many polls so far.
        polls: u32,
        /// Wait before the next poll.
        next_wait: Duration,
    },
    /// The results are in.
    Done {
        /// Number of polls it took.
        polls: u32,
    },
}

/// The result of a bulk flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkOutcome {
    /// 受付番号.
    pub reception_number: String,
    /// How many 02 polls it took.
    pub polls: u32,
    /// The download result: a [`crate::xml::BulkQualificationResponse`] or, for
    /// 照会番号一括登録, a [`ReferenceNumberResponse`].
    pub message: Message,
}

/// A wake-up signal: a generation counter and a condition variable.
#[derive(Default)]
struct Slot {
    generation: Mutex<u64>,
    cv: Condvar,
}

impl Slot {
    fn current(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn bump(&self) {
        let mut g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        *g = g.wrapping_add(1);
        self.cv.notify_all();
    }
    fn wait_change(&self, seen: u64, timeout: Duration) {
        let g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        let _ = self
            .cv
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .map_err(|p| p.into_inner());
    }
}

struct Shared {
    layout: Layout,
    options: ClientOptions,
    journal: Journal,
    namer: RequestNamer,
    waiters: Mutex<HashMap<String, Arc<Slot>>>,
    face: Slot,
    /// When each not-yet-complete face file was first seen.
    face_partial: Mutex<HashMap<String, Instant>>,
    /// Serializes face delivery inside this process (claims serialize across processes).
    face_lock: Mutex<()>,
}

/// The clinic-side client of the terminal's req/res/face folders. Cheap to share between
/// threads (`&Client` is enough; every method takes `&self`).
pub struct Client {
    shared: Arc<Shared>,
    watch: DirWatch,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("layout", &self.shared.layout)
            .field("events_active", &self.watch.events_active())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Opens a client over `layout`: checks that `req/`, `res/` and `face/` exist (or
    /// creates them when [`ClientOptions::create_folders`] is set), creates the work and
    /// state folders, opens the journal and starts watching `res/` and `face/`.
    pub fn open(layout: Layout, options: ClientOptions) -> Result<Client, TerminalError> {
        if !options.create_folders {
            // A wrong root must fail loudly, not quietly grow folders nobody reads.
            for (label, dir) in layout.interface_dirs() {
                if !dir.is_dir() {
                    return Err(TerminalError::MissingFolder {
                        folder: label,
                        path: dir.display().to_string(),
                    });
                }
            }
        }
        layout
            .create_all()
            .map_err(|e| TerminalError::io("create folders", &layout.root, e))?;
        let journal = Journal::open(&layout.state)
            .map_err(|e| TerminalError::io("open journal", &layout.state, e))?;
        // Markers of face files that are gone (deleted or archived) for a month can go.
        journal.prune_face(&layout.face, Duration::from_secs(30 * 24 * 3600));
        let shared = Arc::new(Shared {
            journal,
            namer: RequestNamer::new(),
            waiters: Mutex::new(HashMap::new()),
            face: Slot::default(),
            face_partial: Mutex::new(HashMap::new()),
            face_lock: Mutex::new(()),
            options,
            layout,
        });
        let weak = Arc::downgrade(&shared);
        let watch = DirWatch::start(
            vec![shared.layout.res.clone(), shared.layout.face.clone()],
            shared.options.watch,
            move |dir, name| {
                let Some(s) = weak.upgrade() else { return };
                if dir == 1 {
                    s.face.bump();
                    return;
                }
                let Ok(n) = FileName::parse(name) else { return };
                let key = response_key(&n);
                let slot = s
                    .waiters
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&key)
                    .cloned();
                if let Some(slot) = slot {
                    slot.bump();
                }
            },
        );
        Ok(Client { shared, watch })
    }

    /// The folders.
    pub fn layout(&self) -> &Layout {
        &self.shared.layout
    }

    /// `true` when file-system events are received (else the client relies on the rescan).
    pub fn events_active(&self) -> bool {
        self.watch.events_active()
    }

    /// The journal (pending tickets, delivered face files).
    pub fn journal(&self) -> &Journal {
        &self.shared.journal
    }

    /// Health check of this client's folders ([`super::doctor()`]): is the link program
    /// taking requests, is anything left over, is the share's clock right.
    pub fn doctor(&self, options: &super::DoctorOptions) -> super::DoctorReport {
        super::doctor(&self.shared.layout, options)
    }

    /// Writes a request into `req/` atomically and returns its ticket. The phase comes from
    /// the message (a [`BulkDownloadRequest`] is `02`, anything else `01`); the message must
    /// fit the family (e.g. a [`QualificationRequest`] for [`Family::Individual`] or a bulk
    /// qualification family). A missing 医療機関コード is taken from the options; a missing
    /// `ArbitraryFileIdentifier` is set to the file's unique suffix, so the answer can be
    /// paired by name and by identifier.
    pub fn submit(&self, family: Family, message: &Message) -> Result<Ticket, TerminalError> {
        let phase = check_fits(family, message)?;
        let now = now_jst();
        let suffix = self.shared.namer.next(now);
        let name = FileName::request(family, phase, &suffix).map_err(|e| {
            TerminalError::InvalidRequest {
                reason: e.to_string(),
            }
        })?;
        let mut message = message.clone();
        let mut reception_number = None;
        {
            let header = header_mut(&mut message);
            if header.medical_institution_code.is_none() {
                header.medical_institution_code =
                    self.shared.options.medical_institution_code.clone();
            }
            if phase == Phase::Upload && header.arbitrary_file_identifier.is_none() {
                header.arbitrary_file_identifier = Some(suffix.clone());
            }
        }
        if let Message::BulkDownloadRequest(d) = &message {
            reception_number = Some(d.reception_number.clone());
        }
        let ticket = Ticket {
            request_file: name.to_string(),
            family,
            phase,
            arbitrary_file_identifier: header(&message).arbitrary_file_identifier.clone(),
            reception_number,
            submitted_at: now,
        };
        let bytes = codec::encode(&message, self.shared.options.encoding)
            .map_err(|e| TerminalError::Encode { reason: e.0 })?;
        let l = &self.shared.layout;
        // Journal first: a crash right after the write still knows the ticket.
        self.shared
            .journal
            .add_pending(&ticket)
            .map_err(|e| TerminalError::io("write journal", &l.state, e))?;
        if let Err(e) = write_atomic_with(
            &l.work,
            &l.req,
            &ticket.request_file,
            &bytes,
            self.shared.options.durable_writes,
        ) {
            let _ = self.shared.journal.remove_pending(&ticket);
            return Err(TerminalError::io("write request", &l.req, e));
        }
        Ok(ticket)
    }

    /// Waits up to `timeout` for the XML answer of `ticket`.
    ///
    /// * `Ok(message)` — the answer (whatever it says: 該当資格なし is an answer);
    /// * [`TerminalError::Rejected`] — the terminal rejected the request (`.err`);
    /// * [`TerminalError::NotAnswering`] — no answer in time, with advice for staff; the
    ///   ticket stays pending, so a later `wait` (or a restarted client) can still collect it.
    pub fn wait(&self, ticket: &Ticket, timeout: Duration) -> Result<Message, TerminalError> {
        match self.wait_reply(ticket, timeout)? {
            Reply::Message(m) => Ok(m),
            Reply::Pdf(_) | Reply::Zip(_) => Err(TerminalError::UnexpectedAnswer {
                file: ticket.response_file(),
                expected: "XML",
            }),
        }
    }

    /// Like [`wait`](Self::wait), also accepting a PDF or zip answer.
    pub fn wait_reply(&self, ticket: &Ticket, timeout: Duration) -> Result<Reply, TerminalError> {
        let key = ticket.key();
        let slot = {
            let mut w = self
                .shared
                .waiters
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            w.entry(key.clone()).or_default().clone()
        };
        let result = self.wait_on(ticket, &slot, timeout);
        {
            let mut w = self
                .shared
                .waiters
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if w.get(&key).is_some_and(|s| Arc::strong_count(s) <= 2) {
                w.remove(&key);
            }
        }
        drop(slot);
        match &result {
            Err(TerminalError::NotAnswering(_)) => {}
            _ => {
                let _ = self.shared.journal.remove_pending(ticket);
            }
        }
        result
    }

    fn wait_on(
        &self,
        ticket: &Ticket,
        slot: &Slot,
        timeout: Duration,
    ) -> Result<Reply, TerminalError> {
        let start = Instant::now();
        let deadline = start + timeout;
        let mut partial: Option<Instant> = None;
        loop {
            let seen = slot.current();
            if let Some(r) = self.check(ticket, &mut partial)? {
                return Ok(r);
            }
            let now = Instant::now();
            if now >= deadline {
                let still = self.shared.layout.req_path(&ticket.request_file).exists();
                return Err(TerminalError::NotAnswering(Box::new(NotAnswering {
                    request_file: ticket.request_file.clone(),
                    waited: now - start,
                    request_still_in_req: still,
                })));
            }
            let step = if partial.is_some() {
                Duration::from_millis(10)
            } else {
                self.shared.options.recheck_interval
            };
            slot.wait_change(seen, step.min(deadline - now));
        }
    }

    /// Looks once for the answer of `ticket` without waiting: `Ok(None)` when nothing (or
    /// only part of a file) is there yet. Use it to collect the answers of
    /// [`pending`](Self::pending) tickets after a restart.
    pub fn collect(&self, ticket: &Ticket) -> Result<Option<Reply>, TerminalError> {
        let mut partial = None;
        let r = self.check(ticket, &mut partial);
        if matches!(r, Ok(Some(_)) | Err(_)) {
            let _ = self.shared.journal.remove_pending(ticket);
        }
        r
    }

    /// The tickets still waiting for an answer, from the journal (also those of a previous
    /// run of the program), oldest first.
    pub fn pending(&self) -> Result<Vec<Ticket>, TerminalError> {
        self.shared
            .journal
            .pending()
            .map_err(|e| TerminalError::io("read journal", &self.shared.layout.state, e))
    }

    /// Forgets a pending ticket without collecting it (staff gave up on it).
    pub fn forget(&self, ticket: &Ticket) -> Result<(), TerminalError> {
        self.shared
            .journal
            .remove_pending(ticket)
            .map_err(|e| TerminalError::io("write journal", &self.shared.layout.state, e))
    }

    fn check(
        &self,
        ticket: &Ticket,
        partial: &mut Option<Instant>,
    ) -> Result<Option<Reply>, TerminalError> {
        let l = &self.shared.layout;
        let settle = self.shared.options.settle_timeout;
        let name = ticket.name()?;
        let res_xml = name.response_name();
        // 1. Rejected: the request moved to res/ with a `.err` next to it.
        let err_name = ticket.err_file();
        let err_path = l.res_path(&err_name);
        match std::fs::read(&err_path) {
            Ok(bytes) => {
                if bytes.is_empty() && !settled(partial, settle) {
                    return Ok(None);
                }
                let text = codec::decode_text(&bytes);
                self.processed(&err_path, &err_name);
                let moved = l.res_path(&ticket.request_file);
                if moved.exists() {
                    self.processed(&moved, &ticket.request_file);
                }
                return Err(TerminalError::Rejected {
                    request_file: ticket.request_file.clone(),
                    content: Personal::new(text.trim().to_string()),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // Locked by its writer (a sharing violation on Windows) or a share hiccup:
            // retry until the settle time, then report.
            Err(e) => {
                if settled(partial, settle) {
                    return Err(TerminalError::io("read", &err_path, e));
                }
                return Ok(None);
            }
        }
        // 2. The XML answer.
        let xml_name = res_xml.to_string();
        let xml_path = l.res_path(&xml_name);
        match std::fs::read(&xml_path) {
            Ok(bytes) => {
                if !looks_complete(&bytes) {
                    if settled(partial, settle) {
                        return Err(TerminalError::BadAnswer {
                            file: xml_name,
                            reason: "the file stayed incomplete".into(),
                        });
                    }
                    return Ok(None);
                }
                let msg = match codec::decode_file(&res_xml, &bytes) {
                    Ok(m) => m,
                    Err(e) => {
                        if settled(partial, settle) {
                            return Err(TerminalError::BadAnswer {
                                file: xml_name,
                                reason: e.0,
                            });
                        }
                        return Ok(None);
                    }
                };
                verify_pairing(ticket, &msg, &xml_name)?;
                self.processed(&xml_path, &xml_name);
                return Ok(Some(Reply::Message(msg)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // Locked by its writer (a sharing violation on Windows) or a share hiccup:
            // retry until the settle time, then report.
            Err(e) => {
                if settled(partial, settle) {
                    return Err(TerminalError::io("read", &xml_path, e));
                }
                return Ok(None);
            }
        }
        // 3. A PDF or a zip.
        for (ext, complete) in [
            (
                crate::xml::Extension::Pdf,
                pdf_complete as fn(&[u8]) -> bool,
            ),
            (crate::xml::Extension::Zip, zip_complete),
        ] {
            let n = res_xml.with_extension(ext).to_string();
            let p = l.res_path(&n);
            if let Ok(bytes) = std::fs::read(&p) {
                if !complete(&bytes) && !settled(partial, settle) {
                    return Ok(None);
                }
                self.processed(&p, &n);
                return Ok(Some(match ext {
                    crate::xml::Extension::Pdf => Reply::Pdf(bytes),
                    _ => Reply::Zip(bytes),
                }));
            }
        }
        Ok(None)
    }

    /// Applies the processed-file policy to a file of `res/`.
    fn processed(&self, path: &Path, name: &str) {
        apply_policy(
            self.shared.options.processed,
            path,
            &self.shared.layout.archive,
            name,
        );
    }

    // ------------------------------------------------------------------ face results

    /// Returns every face result not delivered before (by this or any earlier client on the
    /// same journal), oldest first, and applies the face policy to each file. Each face file
    /// is returned exactly once.
    pub fn poll_face(&self) -> Result<Vec<FaceEvent>, TerminalError> {
        let mut out = Vec::new();
        while let Some(e) = self.take_face(true)? {
            out.push(e);
        }
        Ok(out)
    }

    /// Waits up to `timeout` for the next face result not delivered before.
    pub fn next_face(&self, timeout: Duration) -> Result<Option<FaceEvent>, TerminalError> {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.shared.face.current();
            if let Some(e) = self.take_face(true)? {
                return Ok(Some(e));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let step = if self.has_partial_face() {
                Duration::from_millis(10)
            } else {
                self.shared.options.recheck_interval
            };
            self.shared.face.wait_change(seen, step.min(deadline - now));
        }
    }

    /// Calls `callback` from a background thread for every face result not delivered
    /// before, exactly once each; the face policy is applied after the callback returns.
    /// Delivery stops when the returned subscription is dropped.
    pub fn on_face<F>(&self, mut callback: F) -> FaceSubscription
    where
        F: FnMut(FaceEvent) + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let shared = self.shared.clone();
        let me = FaceTaker { shared };
        let thread = std::thread::Builder::new()
            .name("onshi-face".into())
            .spawn(move || {
                while !stop2.load(Ordering::Relaxed) {
                    let seen = me.shared.face.current();
                    let mut any = false;
                    while let Ok(Some(e)) = me.take(false) {
                        any = true;
                        let name = e.file_name.clone();
                        callback(e);
                        let o = &me.shared.options;
                        let l = &me.shared.layout;
                        apply_policy(o.face_processed, &l.face_path(&name), &l.archive, &name);
                        if stop2.load(Ordering::Relaxed) {
                            return;
                        }
                    }
                    if !any {
                        let partial = !me
                            .shared
                            .face_partial
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .is_empty();
                        let step = if partial {
                            Duration::from_millis(10)
                        } else {
                            me.shared.options.recheck_interval
                        };
                        me.shared.face.wait_change(seen, step);
                    }
                }
            })
            .ok();
        FaceSubscription {
            stop,
            thread,
            shared: self.shared.clone(),
        }
    }

    fn has_partial_face(&self) -> bool {
        !self
            .shared
            .face_partial
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
    }

    fn take_face(&self, apply: bool) -> Result<Option<FaceEvent>, TerminalError> {
        FaceTaker {
            shared: self.shared.clone(),
        }
        .take(apply)
    }

    // ------------------------------------------------------------------ typed helpers

    /// 資格確認（個別照会）: writes an `OQSsiquc01req` for `query` on `date` (資格確認日) and
    /// waits for the 資格確認結果.
    pub fn query(
        &self,
        query: QualificationQuery,
        date: NaiveDate,
        timeout: Duration,
    ) -> Result<QualificationResponse, TerminalError> {
        let msg = Message::QualificationRequest(QualificationRequest {
            header: MessageHeader {
                qualification_confirmation_date: Some(date),
                ..Default::default()
            },
            queries: vec![query],
            ..Default::default()
        });
        let t = self.submit(Family::Individual, &msg)?;
        match self.wait(&t, timeout)? {
            Message::QualificationResponse(r) => Ok(r),
            _ => Err(TerminalError::UnexpectedAnswer {
                file: t.response_file(),
                expected: "資格確認結果",
            }),
        }
    }

    /// 照会番号登録 (single): writes an `OQSsiimm01req` and waits for its result.
    pub fn register_reference_number(
        &self,
        request: ReferenceNumberRequest,
        timeout: Duration,
    ) -> Result<ReferenceNumberResponse, TerminalError> {
        let t = self.submit(
            Family::ReferenceNumber,
            &Message::ReferenceNumberRequest(request),
        )?;
        match self.wait(&t, timeout)? {
            Message::ReferenceNumberResponse(r) => Ok(r),
            _ => Err(TerminalError::UnexpectedAnswer {
                file: t.response_file(),
                expected: "照会番号登録結果",
            }),
        }
    }

    /// The bulk two-phase flow (一括照会, 照会番号一括登録, 医療扶助 / 訪問 / オンライン):
    /// writes the 01 request, reads the 受付番号 from its アップロード結果, then polls with 02
    /// requests while the terminal answers 処理中, waiting [`backoff`] between polls, until the
    /// results come or `options.deadline` passes. `progress` is told about each step.
    pub fn bulk(
        &self,
        family: Family,
        upload: &Message,
        options: &BulkOptions,
        progress: &mut dyn FnMut(BulkProgress),
    ) -> Result<BulkOutcome, TerminalError> {
        if !family.is_bulk() {
            return Err(TerminalError::InvalidRequest {
                reason: format!("{} is not a bulk family", family.label()),
            });
        }
        let start = Instant::now();
        let deadline = start + options.deadline;
        let remaining = |d: Duration| d.min(deadline.saturating_duration_since(Instant::now()));
        let t1 = self.submit(family, upload)?;
        progress(BulkProgress::Submitted);
        let up = self.wait(&t1, remaining(options.step_timeout))?;
        let Message::BulkUploadResponse(up) = up else {
            return Err(TerminalError::UnexpectedAnswer {
                file: t1.response_file(),
                expected: "アップロード結果",
            });
        };
        if up.header.segment_of_result == Some(SegmentOfResult::Abnormal) {
            return Err(TerminalError::BulkFailed {
                reception_number: up.receipt.reception_number.clone().unwrap_or_default(),
                error_code: up.header.error_code.clone(),
                error_message: up.header.error_message.clone().or(up
                    .receipt
                    .outcome
                    .message
                    .clone()),
            });
        }
        let reception_number = up
            .receipt
            .reception_number
            .clone()
            .or(up.header.reception_number.clone())
            .ok_or_else(|| TerminalError::UnexpectedAnswer {
                file: t1.response_file(),
                expected: "受付番号",
            })?;
        progress(BulkProgress::Accepted {
            reception_number: reception_number.clone(),
        });
        let mut polls = 0u32;
        loop {
            let dl = Message::BulkDownloadRequest(BulkDownloadRequest {
                header: MessageHeader {
                    medical_institution_code: upload_header_code(upload),
                    ..Default::default()
                },
                reception_number: reception_number.clone(),
                ..Default::default()
            });
            let t2 = self.submit(family, &dl)?;
            let ans = match self.wait(&t2, remaining(options.step_timeout)) {
                // The deadline ran out while this poll was waiting: that is the deadline,
                // not a silent terminal (earlier polls were answered).
                Err(TerminalError::NotAnswering(_)) if Instant::now() >= deadline && polls > 0 => {
                    let _ = self.forget(&t2);
                    return Err(TerminalError::BulkDeadline {
                        reception_number,
                        polls,
                    });
                }
                other => other?,
            };
            polls += 1;
            let h = header(&ans);
            match h.segment_of_result {
                Some(SegmentOfResult::Processing) => {
                    let wait = backoff(polls - 1, options.initial_backoff, options.max_backoff);
                    if Instant::now() + wait >= deadline {
                        return Err(TerminalError::BulkDeadline {
                            reception_number,
                            polls,
                        });
                    }
                    progress(BulkProgress::Processing {
                        polls,
                        next_wait: wait,
                    });
                    std::thread::sleep(wait);
                }
                Some(SegmentOfResult::Abnormal) => {
                    return Err(TerminalError::BulkFailed {
                        reception_number,
                        error_code: h.error_code.clone(),
                        error_message: h.error_message.clone(),
                    });
                }
                _ => {
                    progress(BulkProgress::Done { polls });
                    return Ok(BulkOutcome {
                        reception_number,
                        polls,
                        message: ans,
                    });
                }
            }
        }
    }

    /// 薬剤情報 / 特定健診情報 retrieval, allowed only while `consent` (the patient's
    /// `PharmacistsInfo` / `SpecificHealthCheckupsInfo` consent from the last result) is valid
    /// at `now`. Otherwise nothing is written and the answer is
    /// [`DocumentAnswer::NotConsented`] (「情報の提供は同意されていません」).
    pub fn document(
        &self,
        kind: DocumentKind,
        consent: &Consent,
        request: DocumentRequest,
        now: NaiveDateTime,
        timeout: Duration,
    ) -> Result<DocumentAnswer, TerminalError> {
        if !consent.is_valid_at(now) {
            let expired = consent.flag == Some(ConsentFlag::Expired)
                || (consent.flag == Some(ConsentFlag::Agreed)
                    && consent.available_time.is_some_and(|t| now > t));
            return Ok(DocumentAnswer::NotConsented(ConsentRefusal {
                kind,
                expired,
            }));
        }
        let t = self.submit(kind.family(), &Message::DocumentRequest(request))?;
        match self.wait_reply(&t, timeout)? {
            Reply::Message(Message::DocumentResponse(d)) => Ok(DocumentAnswer::Xml(d)),
            Reply::Pdf(p) => Ok(DocumentAnswer::Pdf(p)),
            _ => Err(TerminalError::UnexpectedAnswer {
                file: t.response_file(),
                expected: kind.label(),
            }),
        }
    }
}

/// Stops face delivery when dropped (or with [`stop`](Self::stop)).
pub struct FaceSubscription {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl FaceSubscription {
    /// Stops delivery and waits for the delivery thread (and a callback in progress).
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.shared.face.bump();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FaceSubscription {
    fn drop(&mut self) {
        self.halt();
    }
}

impl std::fmt::Debug for FaceSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaceSubscription")
    }
}

struct FaceTaker {
    shared: Arc<Shared>,
}

impl FaceTaker {
    /// Finds the oldest face file not delivered yet that is complete (or broken beyond the
    /// settle time), claims it in the journal and reads it.
    fn take(&self, apply: bool) -> Result<Option<FaceEvent>, TerminalError> {
        let s = &self.shared;
        let _guard = s.face_lock.lock().unwrap_or_else(|p| p.into_inner());
        let l = &s.layout;
        let mut names: Vec<(String, Option<FaceFile>)> = list_files(&l.face)
            .into_iter()
            .filter_map(|n| match FileName::parse(&n) {
                Ok(f) if f.is_face() => Some((n, f.face)),
                _ => None,
            })
            .collect();
        // Oldest first: by the time in the name, then by name.
        names.sort_by(|a, b| {
            let ta = a.1.as_ref().map(|f| f.timestamp);
            let tb = b.1.as_ref().map(|f| f.timestamp);
            ta.cmp(&tb).then_with(|| a.0.cmp(&b.0))
        });
        let mut partial = s.face_partial.lock().unwrap_or_else(|p| p.into_inner());
        partial.retain(|n, _| names.iter().any(|(m, _)| m == n));
        for (name, face) in names {
            if s.journal.face_delivered(&name) {
                continue;
            }
            let path = l.face_path(&name);
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let parsed = if looks_complete(&bytes) {
                codec::decode(&bytes).map_err(|e| e.0)
            } else {
                Err("incomplete file".to_string())
            };
            let result = match parsed {
                Ok(Message::QualificationResponse(r)) => Ok(r),
                Ok(_) => Err("not a 資格確認結果".to_string()),
                Err(e) => {
                    let first = *partial.entry(name.clone()).or_insert_with(Instant::now);
                    if first.elapsed() < s.options.settle_timeout {
                        continue;
                    }
                    Err(e)
                }
            };
            partial.remove(&name);
            let claimed = s
                .journal
                .claim_face(&name)
                .map_err(|e| TerminalError::io("write journal", &l.state, e))?;
            if !claimed {
                continue;
            }
            if apply {
                apply_policy(s.options.face_processed, &path, &l.archive, &name);
            }
            return Ok(Some(FaceEvent {
                file_name: name,
                face,
                result,
            }));
        }
        Ok(None)
    }
}

/// `true` once the first-seen time in `partial` is older than `settle` (recording it now
/// when unset).
fn settled(partial: &mut Option<Instant>, settle: Duration) -> bool {
    partial.get_or_insert_with(Instant::now).elapsed() >= settle
}

fn pdf_complete(b: &[u8]) -> bool {
    let tail = &b[b.len().saturating_sub(64)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

fn zip_complete(b: &[u8]) -> bool {
    let tail = &b[b.len().saturating_sub(65_557)..];
    tail.windows(4).any(|w| w == b"PK\x05\x06")
}

pub(crate) fn apply_policy(policy: ProcessedPolicy, path: &Path, archive: &Path, name: &str) {
    match policy {
        ProcessedPolicy::Leave => {}
        ProcessedPolicy::Delete => {
            let _ = std::fs::remove_file(path);
        }
        ProcessedPolicy::Archive => {
            let _ = std::fs::create_dir_all(archive);
            let mut dest: PathBuf = archive.join(name);
            let mut n = 1;
            while dest.exists() && n < 1000 {
                dest = archive.join(format!("{name}.{n}"));
                n += 1;
            }
            let _ = move_file(path, &dest);
        }
    }
}

/// The phase of `message` if it fits `family`.
pub(crate) fn check_fits(family: Family, message: &Message) -> Result<Phase, TerminalError> {
    use Family::*;
    let ok = match message {
        Message::QualificationRequest(_) => matches!(
            family,
            Individual | BulkQualification | BulkMedicalAssistance | BulkHomeVisit | BulkOnline
        ),
        Message::ReferenceNumberRequest(_) => {
            matches!(family, ReferenceNumber | BulkReferenceNumber)
        }
        Message::BulkDownloadRequest(_) => family.is_bulk(),
        Message::DocumentRequest(_) => matches!(family, DrugInfo | Checkup),
        _ => false,
    };
    if !ok {
        return Err(TerminalError::InvalidRequest {
            reason: format!("this message is not a request of {}", family.label()),
        });
    }
    Ok(match message {
        Message::BulkDownloadRequest(_) => Phase::Download,
        _ => Phase::Upload,
    })
}

fn upload_header_code(m: &Message) -> Option<MedicalInstitutionCode> {
    header(m).medical_institution_code.clone()
}

/// The header of any message.
pub(crate) fn header(m: &Message) -> &MessageHeader {
    match m {
        Message::QualificationRequest(x) => &x.header,
        Message::QualificationResponse(x) => &x.header,
        Message::ReferenceNumberRequest(x) => &x.header,
        Message::ReferenceNumberResponse(x) => &x.header,
        Message::BulkUploadResponse(x) => &x.header,
        Message::BulkDownloadRequest(x) => &x.header,
        Message::BulkQualificationResponse(x) => &x.header,
        Message::DocumentRequest(x) => &x.header,
        Message::DocumentResponse(x) => &x.header,
    }
}

/// The header of any message, mutably.
pub(crate) fn header_mut(m: &mut Message) -> &mut MessageHeader {
    match m {
        Message::QualificationRequest(x) => &mut x.header,
        Message::QualificationResponse(x) => &mut x.header,
        Message::ReferenceNumberRequest(x) => &mut x.header,
        Message::ReferenceNumberResponse(x) => &mut x.header,
        Message::BulkUploadResponse(x) => &mut x.header,
        Message::BulkDownloadRequest(x) => &mut x.header,
        Message::BulkQualificationResponse(x) => &mut x.header,
        Message::DocumentRequest(x) => &mut x.header,
        Message::DocumentResponse(x) => &mut x.header,
    }
}

/// Checks that an answer belongs to the ticket: same `ArbitraryFileIdentifier` (and 受付番号
/// for a bulk download) when both sides have one.
fn verify_pairing(ticket: &Ticket, msg: &Message, file: &str) -> Result<(), TerminalError> {
    let h = header(msg);
    if let (Some(a), Some(b)) = (
        &ticket.arbitrary_file_identifier,
        &h.arbitrary_file_identifier,
    ) && a.trim() != b.trim()
    {
        return Err(TerminalError::Mismatch {
            file: file.to_string(),
            what: "ArbitraryFileIdentifier",
        });
    }
    let rn = match msg {
        Message::BulkUploadResponse(u) => u
            .header
            .reception_number
            .as_ref()
            .or(h.reception_number.as_ref()),
        _ => h.reception_number.as_ref(),
    };
    if ticket.phase == Phase::Download
        && let (Some(a), Some(b)) = (&ticket.reception_number, rn)
        && a.trim() != b.trim()
    {
        return Err(TerminalError::Mismatch {
            file: file.to_string(),
            what: "ReceptionNumber",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_must_fit_family() {
        let q = Message::QualificationRequest(QualificationRequest::default());
        assert_eq!(check_fits(Family::Individual, &q).unwrap(), Phase::Upload);
        assert_eq!(check_fits(Family::BulkOnline, &q).unwrap(), Phase::Upload);
        assert!(check_fits(Family::DrugInfo, &q).is_err());
        let d = Message::BulkDownloadRequest(BulkDownloadRequest::default());
        assert_eq!(
            check_fits(Family::BulkReferenceNumber, &d).unwrap(),
            Phase::Download
        );
        assert!(check_fits(Family::Individual, &d).is_err());
        let r = Message::QualificationResponse(QualificationResponse::default());
        assert!(check_fits(Family::Individual, &r).is_err());
    }

    #[test]
    fn pairing_by_identifier_and_reception_number() {
        let t = Ticket {
            request_file: "OQSmuquc02req_1.xml".into(),
            family: Family::BulkQualification,
            phase: Phase::Download,
            arbitrary_file_identifier: Some("A".into()),
            reception_number: Some("R1".into()),
            submitted_at: now_jst(),
        };
        let mut m = crate::xml::BulkQualificationResponse::default();
        m.header.arbitrary_file_identifier = Some("A".into());
        m.header.reception_number = Some("R1".into());
        assert!(verify_pairing(&t, &Message::BulkQualificationResponse(m.clone()), "f").is_ok());
        m.header.reception_number = Some("R2".into());
        assert!(matches!(
            verify_pairing(&t, &Message::BulkQualificationResponse(m.clone()), "f"),
            Err(TerminalError::Mismatch {
                what: "ReceptionNumber",
                ..
            })
        ));
        m.header.reception_number = None;
        m.header.arbitrary_file_identifier = Some("B".into());
        assert!(verify_pairing(&t, &Message::BulkQualificationResponse(m), "f").is_err());
        assert_eq!(t.response_file(), "OQSmuquc02res_1.xml");
        assert_eq!(t.err_file(), "OQSmuquc02req_1.err");
    }

    #[test]
    fn documents_are_not_in_debug() {
        let r = Reply::Pdf(b"%PDF secret".to_vec());
        assert_eq!(format!("{r:?}"), "Pdf(11 bytes)");
        let d = DocumentAnswer::Pdf(vec![1, 2, 3]);
        assert_eq!(format!("{d:?}"), "Pdf(3 bytes)");
    }

    #[test]
    fn settle_and_completeness_helpers() {
        let mut p = None;
        assert!(!settled(&mut p, Duration::from_secs(60)));
        assert!(settled(&mut p, Duration::ZERO));
        assert!(pdf_complete(b"%PDF-1.4\n...\n%%EOF\n"));
        assert!(!pdf_complete(b"%PDF-1.4\n..."));
        assert!(zip_complete(b"PK\x03\x04....PK\x05\x06\0\0"));
    }
}
