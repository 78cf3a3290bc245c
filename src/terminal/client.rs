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
//!     Err(e) => eprintln!("{}\n({e})", e.message_ja()),
//! }
//! # Ok(()) }
//! ```

use super::AnswerProblem;
use super::atomic::{looks_complete, move_file, write_atomic_with};
use super::cancel::Slot;
use super::cipher::{self, CipherStage, FileCipher};
use super::codec;
use super::face::{self, FaceAck, FaceDesk, FaceEvent, FaceSubscription, SkippedFile};
use super::fsio::{self, Stat, SymlinkPolicy};
use super::journal::{Collected, Journal};
use super::layout::{Layout, ProcessedPolicy, RequestNamer};
use super::outcome::{ConsentRefusal, DocumentKind, NotAnswering, backoff};
use super::ticket::{Ticket, response_key};
use super::watch::{Change, DirWatch, Listing, WatchConfig, list_files};
use super::{Cancel, TerminalError, WaitLimit, now_jst};
use crate::Personal;
use crate::codes::{ConsentFlag, SegmentOfResult};
use crate::ids::MedicalInstitutionCode;
use crate::model::{Consent, MessageHeader, QualificationQuery};
use crate::reception::{Month, Visit};
use crate::xml::Encoding;
use crate::xml::{
    BulkDownloadRequest, Direction, DocumentRequest, DocumentResponse, Extension, Family, FileName,
    Message, Phase, QualificationRequest, QualificationResponse, ReferenceNumberRequest,
    ReferenceNumberResponse,
};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// An answer and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Answer<T> {
    /// The request's ticket.
    pub ticket: Ticket,
    /// The answer file's name in `res/` (`…res_….xml`, `.pdf` or `.zip`): the answer's
    /// identity, e.g. the `result_id` of the history.
    pub file_name: String,
    /// The answer.
    pub value: T,
}

/// Options of a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// How `res/` and `face/` are watched (events + rescan by default).
    pub watch: WatchConfig,
    /// What happens to an answer in `res/` once read.
    pub processed: ProcessedPolicy,
    /// What happens to a face file once acknowledged (default: leave it — several programs
    /// may read the same `face/` folder; a file that cannot be read is always left).
    pub face_processed: ProcessedPolicy,
    /// 医療機関コード written into request headers that lack one.
    pub medical_institution_code: Option<MedicalInstitutionCode>,
    /// Encoding of request files (both are accepted by the terminal).
    pub encoding: Encoding,
    /// How long an answer or face file that is incomplete or unreadable may stay unchanged
    /// before it is reported as broken (another program may still be writing it). The clock
    /// starts again whenever the file's size or time changes: a file still growing is waited
    /// for.
    pub settle_timeout: Duration,
    /// How long a face file (and a PDF, zip or `.err` answer) must stay unchanged before it
    /// is taken; an XML answer is taken as soon as its XML is closed and parses.
    pub settle_interval: Duration,
    /// Largest answer or face file read, in bytes (default 64 MiB); a larger one is
    /// [`TerminalError::TooLarge`] and is not read.
    pub max_bytes: u64,
    /// Whether symbolic links in `res/` and `face/` are followed (default: never).
    pub symlinks: SymlinkPolicy,
    /// How often a waiter looks at its answer's file by itself, in case file events were
    /// lost (when events do not work at all, it looks at each rescan interval).
    pub recheck_interval: Duration,
    /// Flush each request file to disk before renaming it into `req/` (protects against a
    /// power cut on this PC, costs a few milliseconds per request). The rename alone already
    /// guarantees that the terminal never sees a partial file.
    pub durable_writes: bool,
    /// Create `req/`, `res/` and `face/` when missing. Off by default: on a real terminal a
    /// missing folder means a wrong root or an unmounted share, which must be reported
    /// ([`TerminalError::MissingFolder`]) rather than papered over.
    pub create_folders: bool,
    /// The vendor's decryption (and encryption) module for a terminal that encrypts its files
    /// (`encrypt.conf`; see [`cipher`](super::cipher)). `None` (the default): a file that is
    /// not XML is [`TerminalError::Encrypted`]; requests are written as they are.
    pub cipher: Option<Arc<dyn FileCipher>>,
    /// How long one call of the cipher may take (default 30 s); longer is
    /// [`TerminalError::Hook`].
    pub hook_timeout: Duration,
    /// How deep below `res/` a rejected request's `.err` is looked for (default 2: `res/`,
    /// its subfolders and theirs; 0: `res/` only).
    pub err_depth: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            watch: WatchConfig::default(),
            processed: ProcessedPolicy::Delete,
            face_processed: ProcessedPolicy::Leave,
            medical_institution_code: None,
            encoding: Encoding::Utf8,
            settle_timeout: Duration::from_secs(5),
            settle_interval: Duration::from_millis(200),
            max_bytes: 64 * 1024 * 1024,
            symlinks: SymlinkPolicy::Never,
            recheck_interval: Duration::from_millis(500),
            durable_writes: false,
            create_folders: false,
            cipher: None,
            hook_timeout: Duration::from_secs(30),
            err_depth: 2,
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
    /// A zip that is not a bulk download result, as received (a zipped bulk download result
    /// is unzipped and read: it comes as [`Reply::Message`]).
    Zip(Vec<u8>),
    /// A PNG image (医療機関アクセスURL取得).
    Png(Vec<u8>),
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
            Reply::Png(b) => write!(f, "Png({} bytes)", b.len()),
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
#[derive(Clone, Debug)]
pub struct BulkOptions {
    /// Give up when the whole flow takes longer than this.
    pub deadline: Duration,
    /// Wait for each single answer (01 or 02) at most this long.
    pub step_timeout: Duration,
    /// First wait between two 02 polls while the terminal says 処理中.
    pub initial_backoff: Duration,
    /// Longest wait between two polls.
    pub max_backoff: Duration,
    /// Ends the flow sooner ([`TerminalError::Cancelled`]) when cancelled, also during a
    /// wait between polls.
    pub cancel: Option<Cancel>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            deadline: Duration::from_secs(600),
            step_timeout: Duration::from_secs(60),
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            cancel: None,
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

pub(crate) struct Shared {
    pub(crate) layout: Layout,
    pub(crate) options: ClientOptions,
    pub(crate) journal: Journal,
    namer: RequestNamer,
    waiters: Mutex<HashMap<String, Arc<Slot>>>,
    /// Bumped by file events in `face/`, by each rescan tick and by a cancellation.
    pub(crate) face_wake: Arc<Slot>,
    pub(crate) faces: FaceDesk,
    events_active: std::sync::atomic::AtomicBool,
    /// The cipher in use (from the options, or [`Client::set_cipher`]).
    cipher: RwLock<Option<Arc<dyn FileCipher>>>,
}

/// The bytes of a file of `res/` or `face/` ready to parse: as they are when they are XML
/// (or empty: a file being created), decrypted by the cipher when they are not; without a
/// cipher, [`TerminalError::Encrypted`].
pub(crate) fn plain_bytes(
    s: &Shared,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, TerminalError> {
    if crate::xml::sniff(&bytes) != crate::xml::Sniff::NotXml {
        return Ok(bytes);
    }
    let c = s.cipher.read().unwrap_or_else(|p| p.into_inner()).clone();
    match c {
        Some(c) => cipher::run(
            &c,
            CipherStage::Decrypt,
            file_name,
            &bytes,
            s.options.hook_timeout,
            s.options.max_bytes,
        ),
        None => Err(TerminalError::Encrypted {
            file: file_name.to_string(),
            prefix: cipher::prefix_of(file_name),
        }),
    }
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

/// What a waiter knows about one candidate answer file.
#[derive(Default)]
struct Seen {
    stat: Option<Stat>,
    changed_at: Option<Instant>,
    /// Why the content read for `stat` was not usable (it is read again only when `stat`
    /// changes).
    unusable: Option<AnswerProblem>,
    /// An encrypted file, or one the cipher failed on: reported once it has been quiet.
    held: Option<TerminalError>,
}

impl Seen {
    /// Notes the file's current `stat`; `true` when it changed (read it again).
    fn changed(&mut self, st: Stat) -> bool {
        if self.stat == Some(st) && self.changed_at.is_some() {
            return false;
        }
        self.stat = Some(st);
        self.changed_at = Some(Instant::now());
        self.unusable = None;
        self.held = None;
        true
    }

    /// How long the file has been quiet: since it last changed under our eyes, or by its
    /// time when that is longer (a file found long after it was written).
    fn quiet(&self) -> Duration {
        let seen = self.changed_at.map(|t| t.elapsed()).unwrap_or_default();
        seen.max(self.stat.map(|s| s.age()).unwrap_or_default())
    }
}

/// A wait in progress: what was seen of each candidate file, and of `req/`.
#[derive(Default)]
struct Waiting {
    err: Seen,
    xml: Seen,
    pdf: Seen,
    zip: Seen,
    png: Seen,
    /// Requests in `req/` when the wait started to look long, and when.
    queue: Option<(HashSet<String>, Instant)>,
    /// Where the `.err` was found below `res/`, and when subfolders were last searched.
    err_path: Option<PathBuf>,
    err_searched: Option<Instant>,
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
        journal.prune(&layout.face, Duration::from_secs(30 * 24 * 3600));
        let shared = Arc::new(Shared {
            journal,
            namer: RequestNamer::new(),
            waiters: Mutex::new(HashMap::new()),
            face_wake: Arc::new(Slot::default()),
            faces: FaceDesk::default(),
            events_active: std::sync::atomic::AtomicBool::new(false),
            cipher: RwLock::new(options.cipher.clone()),
            options,
            layout,
        });
        let weak = Arc::downgrade(&shared);
        // Nothing is listed by the watch: a waiter looks at its own answer's path, the face
        // desk lists `face/` itself at most once per tick.
        let watch = DirWatch::start(
            vec![
                (shared.layout.res.clone(), Listing::None),
                (shared.layout.face.clone(), Listing::None),
            ],
            shared.options.watch,
            move |dir, change| {
                let Some(s) = weak.upgrade() else { return };
                match (dir, change) {
                    (1, Change::File(name)) => {
                        s.faces.heard(name);
                        s.face_wake.bump();
                    }
                    (1, Change::Tick) => s.face_wake.bump(),
                    (_, Change::File(name)) => {
                        let Ok(n) = FileName::parse(name) else { return };
                        let slot = s
                            .waiters
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .get(&response_key(&n))
                            .cloned();
                        if let Some(slot) = slot {
                            slot.bump();
                        }
                    }
                    (_, Change::Tick) => {}
                }
            },
        );
        shared
            .events_active
            .store(watch.events_active(), std::sync::atomic::Ordering::Relaxed);
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

    /// The journal (pending tickets, collected answers, acknowledged face files).
    pub fn journal(&self) -> &Journal {
        &self.shared.journal
    }

    /// Sets (or, with `None`, removes) the cipher: the vendor's module that decrypts files
    /// the terminal encrypted and encrypts requests ([`cipher`](super::cipher)). Takes effect
    /// for the next file read or written.
    pub fn set_cipher(&self, cipher: Option<Arc<dyn FileCipher>>) {
        *self
            .shared
            .cipher
            .write()
            .unwrap_or_else(|p| p.into_inner()) = cipher;
        // Face files read before (perhaps found encrypted) are read again.
        self.shared.faces.forget_contents();
        self.shared.face_wake.bump();
    }

    /// The files of `face/` found not to be face results since the last call, each reported
    /// once while it stays there (a PMH face output, a converter's file, a note …): nothing
    /// in `face/` is dropped silently. Filled by the face calls ([`poll_face`](Self::poll_face),
    /// [`next_face`](Self::next_face), [`on_face`](Self::on_face)).
    pub fn skipped_faces(&self) -> Vec<SkippedFile> {
        self.shared.faces.take_skipped()
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
            .map_err(|e| TerminalError::Encode { error: Box::new(e) })?;
        let c = self
            .shared
            .cipher
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let bytes = match c {
            Some(c) => cipher::run(
                &c,
                CipherStage::Encrypt,
                &ticket.request_file,
                &bytes,
                self.shared.options.hook_timeout,
                u64::MAX,
            )?,
            None => bytes,
        };
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

    /// Waits for the XML answer of `ticket`, up to `limit` (a [`Duration`], or a
    /// [`WaitLimit`] with a [`Cancel`] token).
    ///
    /// * `Ok(message)` — the answer (whatever it says: 該当資格なし is an answer);
    /// * [`TerminalError::Rejected`] — the terminal rejected the request (`.err`);
    /// * [`TerminalError::NotAnswering`] — no answer in time, with advice for staff that
    ///   tells a slow terminal (requests are being taken) from a stopped one; the ticket
    ///   stays pending, so a later `wait` (or a restarted client) can still collect it;
    /// * [`TerminalError::AlreadyCollected`] — the answer was collected before and is gone
    ///   (with the `Archive` or `Leave` policy the answer is returned again instead);
    /// * [`TerminalError::Cancelled`] — the token was cancelled; the ticket stays pending.
    pub fn wait(
        &self,
        ticket: &Ticket,
        limit: impl Into<WaitLimit>,
    ) -> Result<Message, TerminalError> {
        match self.wait_answer(ticket, limit)?.value {
            Reply::Message(m) => Ok(m),
            Reply::Pdf(_) | Reply::Zip(_) | Reply::Png(_) => Err(TerminalError::UnexpectedAnswer {
                file: ticket.response_file(),
                expected: "XML",
            }),
        }
    }

    /// Like [`wait`](Self::wait), also accepting a PDF or zip answer.
    pub fn wait_reply(
        &self,
        ticket: &Ticket,
        limit: impl Into<WaitLimit>,
    ) -> Result<Reply, TerminalError> {
        self.wait_answer(ticket, limit).map(|a| a.value)
    }

    /// Like [`wait_reply`](Self::wait_reply), with the answer file's name.
    pub fn wait_answer(
        &self,
        ticket: &Ticket,
        limit: impl Into<WaitLimit>,
    ) -> Result<Answer<Reply>, TerminalError> {
        let limit = limit.into();
        if let Some(r) = self.collected_before(ticket)? {
            return Ok(r);
        }
        let key = ticket.key();
        let slot = {
            let mut w = self
                .shared
                .waiters
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            w.entry(key.clone()).or_default().clone()
        };
        if let Some(c) = &limit.cancel {
            c.register(&slot);
        }
        let result = self.wait_on(ticket, &slot, &limit);
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
        self.settle_ticket(ticket, &result);
        result
    }

    /// After a wait: a final outcome ends the ticket; no answer yet, a cancellation or a
    /// fault of the folders keeps it pending.
    fn settle_ticket(&self, ticket: &Ticket, result: &Result<Answer<Reply>, TerminalError>) {
        match result {
            Err(
                TerminalError::NotAnswering(_)
                | TerminalError::Cancelled { .. }
                | TerminalError::Io { .. }
                | TerminalError::Encrypted { .. }
                | TerminalError::Hook { .. }
                | TerminalError::AlreadyCollected(_),
            ) => {}
            _ => {
                let _ = self.shared.journal.remove_pending(ticket);
            }
        }
    }

    /// The answer of a ticket collected before (when it is not pending any more): from
    /// `res/` (left there) or the archive, else [`TerminalError::AlreadyCollected`].
    /// `Ok(None)`: not collected before, wait as usual.
    fn collected_before(&self, ticket: &Ticket) -> Result<Option<Answer<Reply>>, TerminalError> {
        let j = &self.shared.journal;
        if j.is_pending(ticket) {
            return Ok(None);
        }
        let Some(c) = j.collected(&ticket.request_file) else {
            return Ok(None);
        };
        let l = &self.shared.layout;
        if fsio::stat(&l.res_path(&c.answer_file))?.is_some() {
            return Ok(None); // Still in res/: read it again below.
        }
        if let Some(a) = &c.archived_as {
            let path = l.archive.join(a);
            let o = &self.shared.options;
            if let Some((bytes, _)) =
                fsio::read(&path, &l.state, SymlinkPolicy::Never, o.max_bytes)?
            {
                let reply = match FileName::parse(&c.answer_file).ok().map(|n| n.extension) {
                    Some(Extension::Pdf) => Reply::Pdf(bytes),
                    Some(Extension::Png) => Reply::Png(bytes),
                    Some(Extension::Zip) => self.zipped(ticket, &c.answer_file, bytes)?,
                    _ if c.rejected => {
                        return Err(TerminalError::Rejected {
                            request_file: ticket.request_file.clone(),
                            content: Personal::new(codec::decode_text(&bytes).trim().to_string()),
                        });
                    }
                    _ => {
                        let name = ticket.name()?.response_name();
                        let bytes = plain_bytes(&self.shared, &c.answer_file, bytes)?;
                        Reply::Message(codec::decode_file(&name, &bytes, o.max_bytes).map_err(
                            |e| TerminalError::BadAnswer {
                                file: a.clone(),
                                problem: e.into(),
                            },
                        )?)
                    }
                };
                return Ok(Some(Answer {
                    ticket: ticket.clone(),
                    file_name: c.answer_file.clone(),
                    value: reply,
                }));
            }
        }
        Err(TerminalError::AlreadyCollected(Box::new(c)))
    }

    fn wait_on(
        &self,
        ticket: &Ticket,
        slot: &Slot,
        limit: &WaitLimit,
    ) -> Result<Answer<Reply>, TerminalError> {
        let start = Instant::now();
        let deadline = start + limit.timeout;
        let mut w = Waiting::default();
        let o = &self.shared.options;
        let step = if self.events_active() {
            o.recheck_interval
        } else {
            // No events: this waiter's own look is the only way to notice its answer.
            o.recheck_interval.min(o.watch.rescan_interval)
        };
        // When a wait starts to look long, note what waits in req/ (to tell slow from
        // stopped when giving up).
        let look_at_queue = (limit.timeout / 4).min(Duration::from_secs(1));
        loop {
            if limit.cancelled() {
                return Err(TerminalError::Cancelled {
                    what: ticket.request_file.clone(),
                });
            }
            let seen = slot.current();
            let (found, soon) = self.check(ticket, &mut w)?;
            if let Some(r) = found {
                return Ok(r);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(self.not_answering(ticket, &w, now - start));
            }
            if w.queue.is_none() && now - start >= look_at_queue {
                w.queue = self.queue_snapshot(ticket);
            }
            let wait = soon.map_or(step, |s| s.min(step)).min(deadline - now);
            slot.wait_change(seen, wait);
        }
    }

    /// The request files in `req/` when ours is still there (`None` when it was taken, or
    /// `req/` cannot be listed).
    fn queue_snapshot(&self, ticket: &Ticket) -> Option<(HashSet<String>, Instant)> {
        let l = &self.shared.layout;
        if !matches!(fsio::stat(&l.req_path(&ticket.request_file)), Ok(Some(_))) {
            return None;
        }
        let names = list_files(&l.req).ok()?;
        Some((
            names.into_iter().filter(|n| is_request(n)).collect(),
            Instant::now(),
        ))
    }

    /// The no-answer outcome, telling a slow link program from a stopped one: if requests
    /// that waited in `req/` were taken meanwhile, it is working through a queue.
    fn not_answering(&self, ticket: &Ticket, w: &Waiting, waited: Duration) -> TerminalError {
        if let Some(c) = self.shared.journal.collected(&ticket.request_file)
            && !self.shared.journal.is_pending(ticket)
        {
            // Collected by someone else while we waited.
            return TerminalError::AlreadyCollected(Box::new(c));
        }
        let l = &self.shared.layout;
        let still = matches!(fsio::stat(&l.req_path(&ticket.request_file)), Ok(Some(_)));
        let mut n = NotAnswering {
            request_file: ticket.request_file.clone(),
            waited,
            request_still_in_req: still,
            ..NotAnswering::default()
        };
        if still && let Ok(now) = list_files(&l.req) {
            let now: HashSet<String> = now.into_iter().filter(|x| is_request(x)).collect();
            n.requests_queued = Some(now.len().saturating_sub(1));
            if let Some((before, since)) = &w.queue {
                let taken = before.iter().any(|x| !now.contains(x));
                n.link_program_active = if taken {
                    Some(true)
                } else if since.elapsed() >= Duration::from_secs(2) {
                    Some(false)
                } else {
                    None
                };
            }
        }
        TerminalError::NotAnswering(Box::new(n))
    }

    /// Looks once for the answer of `ticket` without waiting: `Ok(None)` when nothing (or
    /// only part of a file) is there yet. Use it to collect the answers of
    /// [`pending`](Self::pending) tickets after a restart.
    pub fn collect(&self, ticket: &Ticket) -> Result<Option<Reply>, TerminalError> {
        self.collect_answer(ticket).map(|a| a.map(|a| a.value))
    }

    /// Like [`collect`](Self::collect), with the answer file's name.
    pub fn collect_answer(&self, ticket: &Ticket) -> Result<Option<Answer<Reply>>, TerminalError> {
        let r = match self.collected_before(ticket) {
            Ok(Some(a)) => Ok(Some(a)),
            Ok(None) => self.check(ticket, &mut Waiting::default()).map(|(a, _)| a),
            Err(e) => Err(e),
        };
        match &r {
            Ok(Some(a)) => self.settle_ticket(ticket, &Ok(a.clone())),
            Ok(None) => {}
            Err(e) => {
                if !matches!(
                    e,
                    TerminalError::Io { .. }
                        | TerminalError::AlreadyCollected(_)
                        | TerminalError::Encrypted { .. }
                        | TerminalError::Hook { .. }
                ) {
                    let _ = self.shared.journal.remove_pending(ticket);
                }
            }
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

    /// Forgets a pending ticket without collecting it (staff gave up on it). Its answer, if
    /// it comes, stays in `res/` (and `doctor` names it).
    pub fn forget(&self, ticket: &Ticket) -> Result<(), TerminalError> {
        self.shared
            .journal
            .remove_pending(ticket)
            .map_err(|e| TerminalError::io("write journal", &self.shared.layout.state, e))
    }

    /// Records a reception visit in the journal (`.onshi/visits/<yyyyMM>/`): what the patient
    /// presented, for the monthly マイナ保険証 利用率 (`crate::reception::usage`). Recording
    /// a visit with the same key again (the same result, or the same patient, day and
    /// presentation) replaces it. Fails with [`TerminalError::InvalidRequest`] when the visit
    /// has neither a result id nor a patient id (or its key is over 120 bytes).
    pub fn record_visit(&self, visit: &Visit) -> Result<(), TerminalError> {
        let state = &self.shared.layout.state;
        self.shared.journal.record_visit(visit).map_err(|e| {
            if e.kind() == std::io::ErrorKind::InvalidInput {
                TerminalError::InvalidRequest {
                    reason: e.to_string(),
                }
            } else {
                TerminalError::io("write journal", state, e)
            }
        })
    }

    /// The visits recorded for `month` (see [`record_visit`](Self::record_visit)).
    pub fn visits(&self, month: Month) -> Result<Vec<Visit>, TerminalError> {
        self.shared
            .journal
            .visits(month)
            .map_err(|e| TerminalError::io("read journal", &self.shared.layout.state, e))
    }

    /// One look at the candidate files of `ticket`: the answer if it is there and complete,
    /// and how soon to look again when a file is there but not ready.
    fn check(
        &self,
        ticket: &Ticket,
        w: &mut Waiting,
    ) -> Result<(Option<Answer<Reply>>, Option<Duration>), TerminalError> {
        let l = &self.shared.layout;
        let o = &self.shared.options;
        let name = ticket.name()?;
        let res_xml = name.response_name();
        let mut soon: Option<Duration> = None;
        let mut later = |d: Duration| soon = Some(soon.map_or(d, |s: Duration| s.min(d)));
        // 1. Rejected: the request moved to res/ with a `.err` next to it (in `res/` or, on
        //    some terminals, a subfolder of it). An `.err` has no end marker: it is taken
        //    once it stopped changing for a moment.
        let err_name = ticket.err_file();
        if w.err_path.is_none()
            && o.err_depth > 0
            && w.err_searched
                .is_none_or(|t| t.elapsed() >= o.recheck_interval)
        {
            w.err_searched = Some(Instant::now());
            w.err_path = find_below(&l.res, &err_name, o.err_depth);
        }
        let err_path = w.err_path.clone().unwrap_or_else(|| l.res_path(&err_name));
        let fresh = self.look(&err_path, &mut w.err, &mut later)?;
        if w.err.stat.is_none() && w.err_path.is_some() {
            w.err_path = None; // Gone from the subfolder: look again.
        }
        if w.err.stat.is_some() {
            let quiet = w.err.quiet();
            if quiet < o.settle_interval {
                later(o.settle_interval - quiet);
            } else {
                let bytes = match fresh {
                    Some(b) => Some(b),
                    None => fsio::read(&err_path, &l.root, o.symlinks, o.max_bytes)?.map(|x| x.0),
                };
                if let Some(bytes) = bytes {
                    let text = codec::decode_text(&bytes);
                    let archived = self.processed(&err_path, &err_name);
                    let moved = err_path.with_file_name(&ticket.request_file);
                    if moved.exists() {
                        self.processed(&moved, &ticket.request_file);
                    }
                    self.record(ticket, &err_name, true, archived);
                    return Err(TerminalError::Rejected {
                        request_file: ticket.request_file.clone(),
                        content: Personal::new(text.trim().to_string()),
                    });
                }
            }
        }
        // 2. The XML answer: taken as soon as its XML is closed and it parses. A file that is
        //    not XML is decrypted by the cipher, or reported as encrypted once quiet.
        let xml_name = res_xml.to_string();
        let xml_path = l.res_path(&xml_name);
        if let Some(bytes) = self.look(&xml_path, &mut w.xml, &mut later)? {
            // `Err(None)`: held (encrypted, or the cipher failed), reported once quiet.
            let decoded = match plain_bytes(&self.shared, &xml_name, bytes) {
                Ok(bytes) if looks_complete(&bytes) => {
                    codec::decode_file(&res_xml, &bytes, o.max_bytes).map_err(|e| Some(e.into()))
                }
                Ok(_) => Err(Some(AnswerProblem::NotClosed)),
                Err(e @ (TerminalError::Encrypted { .. } | TerminalError::Hook { .. })) => {
                    w.xml.held = Some(e);
                    Err(None)
                }
                Err(e) => return Err(e),
            };
            match decoded {
                Ok(msg) => {
                    verify_pairing(ticket, &msg, &xml_name)?;
                    let archived = self.processed(&xml_path, &xml_name);
                    self.record(ticket, &xml_name, false, archived);
                    return Ok((
                        Some(Answer {
                            ticket: ticket.clone(),
                            file_name: xml_name,
                            value: Reply::Message(msg),
                        }),
                        None,
                    ));
                }
                Err(problem) => w.xml.unusable = problem,
            }
        }
        if w.xml.held.is_some() {
            // Encrypted stays encrypted: reported once the file is quiet. A cipher that
            // failed may have read a file still being written: given the settle time.
            let need = match &w.xml.held {
                Some(TerminalError::Encrypted { .. }) => o.settle_interval,
                _ => o.settle_timeout,
            };
            let quiet = w.xml.quiet();
            if quiet >= need {
                if let Some(e) = w.xml.held.take() {
                    return Err(e);
                }
            }
            later((need - quiet).min(PARTIAL_LOOK));
        } else if let Some(problem) = &w.xml.unusable {
            let quiet = w.xml.quiet();
            if quiet >= o.settle_timeout {
                return Err(TerminalError::BadAnswer {
                    file: xml_name,
                    problem: problem.clone(),
                });
            }
            later((o.settle_timeout - quiet).min(PARTIAL_LOOK));
        }
        // 3. A PDF, a zip or a PNG: complete by its end marker, and unchanged for a moment.
        for (ext, complete) in [
            (Extension::Pdf, pdf_complete as fn(&[u8]) -> bool),
            (Extension::Zip, zip_complete),
            (Extension::Png, png_complete),
        ] {
            let n = res_xml.with_extension(ext).to_string();
            let p = l.res_path(&n);
            let seen = match ext {
                Extension::Pdf => &mut w.pdf,
                Extension::Zip => &mut w.zip,
                _ => &mut w.png,
            };
            let fresh = self.look(&p, seen, &mut later)?;
            let usable = match fresh {
                Some(bytes) if complete(&bytes) => Some(bytes),
                Some(_) => {
                    seen.unusable = Some(AnswerProblem::NoEndMarker);
                    None
                }
                None if seen.stat.is_some() && seen.unusable.is_none() => {
                    // Complete at the last read and unchanged since: read it once more.
                    fsio::read(&p, &l.root, o.symlinks, o.max_bytes)?.map(|(b, _)| b)
                }
                None => None,
            };
            if seen.stat.is_none() {
                continue;
            }
            let quiet = seen.quiet();
            match usable {
                Some(bytes) if quiet >= o.settle_interval => {
                    let value = match ext {
                        Extension::Pdf => Reply::Pdf(bytes),
                        Extension::Png => Reply::Png(bytes),
                        // Refused before anything is done with the file: it stays in res/.
                        _ => self.zipped(ticket, &n, bytes)?,
                    };
                    let archived = self.processed(&p, &n);
                    self.record(ticket, &n, false, archived);
                    return Ok((
                        Some(Answer {
                            ticket: ticket.clone(),
                            file_name: n,
                            value,
                        }),
                        None,
                    ));
                }
                Some(_) => later(o.settle_interval - quiet),
                None if quiet >= o.settle_timeout => {
                    return Err(TerminalError::BadAnswer {
                        file: n,
                        problem: seen.unusable.clone().unwrap_or(AnswerProblem::NoEndMarker),
                    });
                }
                None => later((o.settle_timeout - quiet).min(PARTIAL_LOOK)),
            }
        }
        Ok((None, soon))
    }

    /// A zip answer: for a bulk download, the one result XML inside it, checked
    /// ([`unzip_result`](super::unzip_result)), decrypted when needed, parsed and paired;
    /// any other zip as it is.
    fn zipped(&self, ticket: &Ticket, file: &str, bytes: Vec<u8>) -> Result<Reply, TerminalError> {
        if !(ticket.family.is_bulk() && ticket.phase == Phase::Download) {
            return Ok(Reply::Zip(bytes));
        }
        let o = &self.shared.options;
        let (entry, xml) = super::zipped::unzip_result(&bytes, ticket.family, o.max_bytes)
            .map_err(|refusal| TerminalError::Zip {
                file: file.to_string(),
                refusal,
            })?;
        let xml = plain_bytes(&self.shared, &entry, xml)?;
        let name = FileName::parse(&entry).map_err(|e| TerminalError::BadAnswer {
            file: file.to_string(),
            problem: crate::xml::XmlError::from(e).into(),
        })?;
        let msg =
            codec::decode_file(&name, &xml, o.max_bytes).map_err(|e| TerminalError::BadAnswer {
                file: file.to_string(),
                problem: e.into(),
            })?;
        verify_pairing(ticket, &msg, file)?;
        Ok(Reply::Message(msg))
    }

    /// Looks at one candidate file: `Ok(Some(bytes))` when it is there and changed since the
    /// last look (read within the limit); `Ok(None)` when it is not there or unchanged.
    /// A file that is not a regular file, a link or too large is an error at once; an OS
    /// error is retried until the settle time (a writer's lock on Windows, a share hiccup).
    fn look(
        &self,
        path: &Path,
        seen: &mut Seen,
        later: &mut impl FnMut(Duration),
    ) -> Result<Option<Vec<u8>>, TerminalError> {
        let o = &self.shared.options;
        let st = match fsio::stat(path) {
            Ok(Some(st)) => st,
            Ok(None) => {
                *seen = Seen::default();
                return Ok(None);
            }
            Err(e) => return self.transient(seen, e, later),
        };
        if !seen.changed(st) {
            return Ok(None);
        }
        match fsio::read(path, &self.shared.layout.root, o.symlinks, o.max_bytes) {
            Ok(Some((bytes, _))) => Ok(Some(bytes)),
            Ok(None) => {
                *seen = Seen::default();
                Ok(None)
            }
            Err(e @ TerminalError::Io { .. }) => self.transient(seen, e, later),
            Err(e) => Err(e),
        }
    }

    fn transient(
        &self,
        seen: &mut Seen,
        e: TerminalError,
        later: &mut impl FnMut(Duration),
    ) -> Result<Option<Vec<u8>>, TerminalError> {
        let settle = self.shared.options.settle_timeout;
        let since = *seen.changed_at.get_or_insert_with(Instant::now);
        if since.elapsed() >= settle {
            return Err(e);
        }
        // Look again (the stat is forgotten so the next look reads).
        seen.stat = None;
        seen.changed_at = Some(since);
        later(PARTIAL_LOOK);
        Ok(None)
    }

    /// Applies the processed-file policy to a file of `res/`; the name in the archive when
    /// archived.
    fn processed(&self, path: &Path, name: &str) -> Option<String> {
        apply_policy(
            self.shared.options.processed,
            path,
            &self.shared.layout.archive,
            name,
        )
        .ok()
        .flatten()
    }

    /// Remembers where a ticket's answer went (before the ticket stops being pending).
    fn record(&self, ticket: &Ticket, answer_file: &str, rejected: bool, archived: Option<String>) {
        let _ = self.shared.journal.record_collected(&Collected {
            request_file: ticket.request_file.clone(),
            answer_file: answer_file.to_string(),
            collected_at: now_jst(),
            rejected,
            archived_as: archived,
        });
    }

    // ------------------------------------------------------------------ face results

    /// Claims every face result ready now (at most [`POLL_BATCH`](super::POLL_BATCH)
    /// per call; call again while it returns a full batch), oldest first. Each must be
    /// acknowledged with [`ack_face`](Self::ack_face) once processed; until then no other
    /// client takes it, and after a restart it is delivered again. A complete file written a moment ago is waited for until it has settled
    /// ([`ClientOptions::settle_interval`]); one still being written is left for a later
    /// call.
    pub fn poll_face(&self) -> Result<Vec<FaceEvent>, TerminalError> {
        let s = &self.shared;
        let mut out = Vec::new();
        let mut relist = true;
        let until = Instant::now() + s.options.settle_interval * 2;
        while out.len() < face::POLL_BATCH {
            match s.faces.take(s, relist) {
                Ok(t) => match (t.event, t.settling) {
                    (Some(e), _) => out.push(e),
                    (None, Some(w)) if Instant::now() < until => {
                        std::thread::sleep(w.max(Duration::from_millis(5)));
                    }
                    (None, _) => break,
                },
                // Events already claimed are handed out; the fault comes again next call.
                Err(_) if !out.is_empty() => break,
                Err(e) => return Err(e),
            }
            relist = false;
        }
        Ok(out)
    }

    /// Waits up to `limit` for the next face result not acknowledged before, and claims it
    /// (see [`poll_face`](Self::poll_face)). `Ok(None)`: none came in time. An error is a
    /// fault of the folders (unreadable `face/`, journal not writable …), reported each
    /// call while it lasts.
    pub fn next_face(
        &self,
        limit: impl Into<WaitLimit>,
    ) -> Result<Option<FaceEvent>, TerminalError> {
        face::next(&self.shared, limit.into())
    }

    /// Acknowledges a face result: it is never delivered again (by any client on this
    /// journal), and the face policy applies to it (never to a file that could not be read).
    /// Idempotent. An error means it was not acknowledged (the journal cannot be written) —
    /// or, when only the policy failed, that the file stays in `face/`.
    pub fn ack_face(&self, event: &FaceEvent) -> Result<(), TerminalError> {
        self.ack_face_file(&event.file_name)
    }

    /// [`ack_face`](Self::ack_face) by file name (the idempotency key), e.g. from a
    /// program that kept only the name.
    pub fn ack_face_file(&self, file_name: &str) -> Result<(), TerminalError> {
        self.shared.faces.ack(&self.shared, file_name)
    }

    /// Gives a face result back without acknowledging it: it is delivered again at once.
    pub fn release_face(&self, event: &FaceEvent) {
        self.shared.faces.release(&event.file_name, Duration::ZERO);
        self.shared.face_wake.bump();
    }

    /// Calls `callback` from a background thread with every face result not acknowledged
    /// before, one at a time, oldest first; what it returns ([`FaceAck`]; `()` means
    /// [`FaceAck::Ack`]) decides whether the event is acknowledged. A fault of the folders
    /// (unreadable `face/`, journal not writable …) is passed as `Err` — once, and again
    /// every minute while it lasts — and delivery goes on when it clears. A callback that
    /// panics releases its event (delivered again). Delivery stops when the returned
    /// subscription is stopped or dropped.
    pub fn on_face<F, R>(&self, callback: F) -> FaceSubscription
    where
        F: FnMut(Result<FaceEvent, TerminalError>) -> R + Send + 'static,
        R: Into<FaceAck>,
    {
        face::subscribe(self.shared.clone(), callback)
    }

    /// The face results this client handed out and that were not acknowledged yet.
    pub fn unacknowledged_faces(&self) -> Vec<String> {
        self.shared.faces.handed_out()
    }

    // ------------------------------------------------------------------ typed helpers

    /// 資格確認（個別照会）: writes an `OQSsiquc01req` for `query` on `date` (資格確認日) and
    /// waits for the 資格確認結果.
    pub fn query(
        &self,
        query: QualificationQuery,
        date: NaiveDate,
        limit: impl Into<WaitLimit>,
    ) -> Result<QualificationResponse, TerminalError> {
        self.query_answer(query, date, limit).map(|a| a.value)
    }

    /// Like [`query`](Self::query), with the ticket and the answer file's name (the
    /// `result_id` to keep with the history).
    pub fn query_answer(
        &self,
        query: QualificationQuery,
        date: NaiveDate,
        limit: impl Into<WaitLimit>,
    ) -> Result<Answer<QualificationResponse>, TerminalError> {
        let msg = Message::QualificationRequest(QualificationRequest {
            header: MessageHeader {
                qualification_confirmation_date: Some(date),
                ..Default::default()
            },
            queries: vec![query],
            ..Default::default()
        });
        let t = self.submit(Family::Individual, &msg)?;
        let a = self.wait_answer(&t, limit)?;
        match a.value {
            Reply::Message(Message::QualificationResponse(r)) => Ok(Answer {
                ticket: a.ticket,
                file_name: a.file_name,
                value: r,
            }),
            _ => Err(TerminalError::UnexpectedAnswer {
                file: a.file_name,
                expected: "資格確認結果",
            }),
        }
    }

    /// 照会番号登録 (single): writes an `OQSsiimm01req` and waits for its result.
    pub fn register_reference_number(
        &self,
        request: ReferenceNumberRequest,
        limit: impl Into<WaitLimit>,
    ) -> Result<ReferenceNumberResponse, TerminalError> {
        let t = self.submit(
            Family::ReferenceNumber,
            &Message::ReferenceNumberRequest(request),
        )?;
        match self.wait(&t, limit)? {
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
        let remaining = |d: Duration| WaitLimit {
            timeout: d.min(deadline.saturating_duration_since(Instant::now())),
            cancel: options.cancel.clone(),
        };
        let pause = Arc::new(Slot::default());
        if let Some(c) = &options.cancel {
            c.register(&pause);
        }
        let cancelled = || {
            options
                .cancel
                .as_ref()
                .is_some_and(Cancel::is_cancelled)
                .then(|| TerminalError::Cancelled {
                    what: format!("{} bulk flow", family.label()),
                })
        };
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
            match &h.segment_of_result {
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
                    // Interrupted at once by a cancellation.
                    let g = pause.current();
                    if let Some(e) = cancelled() {
                        return Err(e);
                    }
                    pause.wait_change(g, wait);
                    if let Some(e) = cancelled() {
                        return Err(e);
                    }
                }
                Some(SegmentOfResult::Abnormal) => {
                    return Err(TerminalError::BulkFailed {
                        reception_number,
                        error_code: h.error_code.clone(),
                        error_message: h.error_message.clone(),
                    });
                }
                // Anything but 1 (an unknown value, or none) is a failure that keeps the raw
                // value: never taken as done (oqs-2026 §1.2 #8).
                Some(SegmentOfResult::Unknown(raw)) => {
                    return Err(TerminalError::UnknownSegment {
                        reception_number,
                        segment: Some(raw.clone()),
                        file: t2.response_file(),
                    });
                }
                None => {
                    return Err(TerminalError::UnknownSegment {
                        reception_number,
                        segment: None,
                        file: t2.response_file(),
                    });
                }
                Some(_) => {
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
        limit: impl Into<WaitLimit>,
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
        match self.wait_reply(&t, limit)? {
            Reply::Message(Message::DocumentResponse(d)) => Ok(DocumentAnswer::Xml(d)),
            Reply::Pdf(p) => Ok(DocumentAnswer::Pdf(p)),
            _ => Err(TerminalError::UnexpectedAnswer {
                file: t.response_file(),
                expected: kind.label(),
            }),
        }
    }
}

fn pdf_complete(b: &[u8]) -> bool {
    let tail = &b[b.len().saturating_sub(64)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

fn png_complete(b: &[u8]) -> bool {
    b.len() >= 12 && b[b.len() - 12..].starts_with(b"\0\0\0\0IEND")
}

/// Looks for `name` in the subfolders of `dir`, `depth` levels deep at most (not following
/// links, at most 1,000 folders looked at).
fn find_below(dir: &Path, name: &str, depth: u32) -> Option<PathBuf> {
    let mut level = vec![dir.to_path_buf()];
    let mut visited = 0usize;
    for _ in 0..depth {
        let mut next = Vec::new();
        for d in &level {
            let Ok(rd) = std::fs::read_dir(d) else {
                continue;
            };
            for e in rd.flatten() {
                if !e.file_type().is_ok_and(|t| t.is_dir())
                    || e.file_name().to_string_lossy().starts_with('.')
                {
                    continue;
                }
                visited += 1;
                if visited > 1_000 {
                    return None;
                }
                let p = e.path();
                if p.join(name).is_file() {
                    return Some(p.join(name));
                }
                next.push(p);
            }
        }
        level = next;
    }
    None
}

fn zip_complete(b: &[u8]) -> bool {
    let tail = &b[b.len().saturating_sub(65_557)..];
    tail.windows(4).any(|w| w == b"PK\x05\x06")
}

/// Applies `policy` to a processed file; with [`ProcessedPolicy::Archive`], returns the
/// name it got in the archive (`0600` in a `0700` folder: answers and face results are
/// personal data). An error leaves the file where it was.
pub(crate) fn apply_policy(
    policy: ProcessedPolicy,
    path: &Path,
    archive: &Path,
    name: &str,
) -> std::io::Result<Option<String>> {
    match policy {
        ProcessedPolicy::Leave => Ok(None),
        ProcessedPolicy::Delete => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(None),
        },
        ProcessedPolicy::Archive => {
            fsio::create_private_dir(archive)?;
            let mut dest_name = name.to_string();
            let mut n = 1;
            while archive.join(&dest_name).exists() && n < 1000 {
                dest_name = format!("{name}.{n}");
                n += 1;
            }
            let dest: PathBuf = archive.join(&dest_name);
            move_file(path, &dest)?;
            // Best effort (a share may not keep modes); the folder is private already.
            let _ = fsio::make_private(&dest, false);
            Ok(Some(dest_name))
        }
    }
}

/// `true` for a request file name.
fn is_request(name: &str) -> bool {
    FileName::parse(name).is_ok_and(|n| n.direction == Direction::Request)
}

/// How often a file that is there but not ready is looked at (`stat` only; it is read again
/// only when it changed).
const PARTIAL_LOOK: Duration = Duration::from_millis(100);

/// The phase of `message` if it fits `family`.
pub(crate) fn check_fits(family: Family, message: &Message) -> Result<Phase, TerminalError> {
    use Family::*;
    let ok = match message {
        Message::QualificationRequest(_) => matches!(
            family,
            Individual
                | HomeVisitQuery
                | OnlineQuery
                | BulkQualification
                | BulkMedicalAssistance
                | BulkHomeVisit
                | BulkOnline
        ),
        // A family whose body is not modelled: the caller builds the body.
        Message::Unmodelled(_) => !family.is_modelled() && family.in_scope(),
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
        Message::Unmodelled(x) => &x.header,
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
        Message::Unmodelled(x) => &mut x.header,
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
    fn completeness_helpers() {
        assert!(pdf_complete(b"%PDF-1.4\n...\n%%EOF\n"));
        assert!(!pdf_complete(b"%PDF-1.4\n..."));
        assert!(zip_complete(b"PK\x03\x04....PK\x05\x06\0\0"));
    }
}
