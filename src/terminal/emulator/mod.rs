//! [`Emulator`]: a stand-in for the 資格確認端末 and its 連携アプリケーション, for tests,
//! demos and vendors' CI.
//!
//! It watches `req/` (events + rescan), takes each complete request away (as the real link
//! program does: by renaming it into its own work folder, so a request it has taken is never
//! lost — after a crash or a full disk it is answered on the next start or try), and after a
//! configurable delay writes the answer into `res/` atomically, under the request's name with
//! `req` → `res`, then removes the taken request. Only regular files are taken (a FIFO or
//! a link named like a request is left alone), and a lock file refuses a second emulator on
//! the same root. Answers come from a [`Dataset`] of
//! fictitious insured persons. Like the real one it answers in UTF-8 or Shift_JIS, scrambles
//! element order and omits empty elements; it rejects a malformed request by moving it into
//! `res/` with a `<basename>.err` next to it; it answers bulk downloads with 処理中 for the
//! first polls; it can push a face result (a patient at the reader); and it can play a
//! terminal that is down.
//!
//! ```no_run
//! use onshi::terminal::{Emulator, EmulatorConfig};
//! let dir = std::env::temp_dir().join("oqs-demo");
//! let emu = Emulator::start(EmulatorConfig::new(&dir)).unwrap();
//! let file = emu.push_face("P01").unwrap(); // 見本　太郎 at the reader
//! println!("pushed {file}");
//! emu.stop();
//! ```

mod respond;
mod shuffle;

pub use shuffle::scramble;

use super::atomic::{looks_complete, move_file, write_atomic_with};
use super::cipher::FileCipher;
use super::codec;
use super::dataset::{Dataset, PersonSummary};
use super::layout::{Layout, random_u32};
use super::watch::{Change, DirWatch, Listing, WatchConfig, list_files};
use super::{TerminalError, now_jst};
use crate::ids::{MedicalInstitutionCode, Mode};
use crate::xml::Encoding;
use crate::xml::{Direction, Extension, FileName, Message, open_regular, read_capped};
use respond::{Outcome, Settings, State};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Largest request the emulator reads.
const MAX_REQUEST_BYTES: u64 = 64 * 1024 * 1024;

/// How long an incomplete request may stay unchanged before it is taken (and rejected).
const INCOMPLETE_GRACE: Duration = Duration::from_secs(2);

/// Wait before writing an answer again after a failed write (a full disk).
const WRITE_RETRY: Duration = Duration::from_millis(500);

/// How the emulated terminal behaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Takes requests and answers them.
    #[default]
    Normal,
    /// The 連携アプリケーション is not running: requests stay in `req/`.
    Down,
    /// Takes requests but never answers (the terminal is offline behind the link program).
    Silent,
}

impl Behaviour {
    fn to_u8(self) -> u8 {
        match self {
            Behaviour::Normal => 0,
            Behaviour::Down => 1,
            Behaviour::Silent => 2,
        }
    }
    fn from_u8(v: u8) -> Behaviour {
        match v {
            1 => Behaviour::Down,
            2 => Behaviour::Silent,
            _ => Behaviour::Normal,
        }
    }
}

/// Settings of an [`Emulator`].
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// The folders (the same [`Layout`] the client uses).
    pub layout: Layout,
    /// The insured persons.
    pub dataset: Dataset,
    /// Delay between taking a request and writing its answer.
    pub delay: Duration,
    /// Encoding of answers and face files.
    pub encoding: Encoding,
    /// Scramble element order with this seed (`None`: keep the writer's order). Empty
    /// elements are omitted either way when a seed is set.
    pub shuffle_seed: Option<u64>,
    /// Bulk downloads (02) answer 処理中 this many times before the results.
    pub processing_polls: u32,
    /// How `req/` is watched.
    pub watch: WatchConfig,
    /// Normal, down or silent.
    pub behaviour: Behaviour,
    /// Answer a 照会番号 一括登録 with one `BulkRegistrationUnit` per person (the registration
    /// and its 処理結果 side by side, as newer terminals write it) instead of the outcome inside
    /// each `ReferenceNumberRegistrationInfo`.
    pub registration_units: bool,
    /// "Encrypted" mode: every answer and face file is passed through the cipher's
    /// [`FileCipher::encrypt`] before it is written (the cipher decides per file name, as
    /// `encrypt.conf` does per prefix), and a request that is not XML through its
    /// [`FileCipher::decrypt`]. For tests only, with a scheme of the test's own (the real
    /// terminal's is the vendor's and is never reproduced).
    pub cipher: Option<Arc<dyn FileCipher>>,
    /// Bulk download results (`OQSmu…02res`, once done) are written zipped
    /// (`…02res_….zip` holding the `…02res_….xml`), as some terminals do.
    pub zip_bulk: bool,
    /// Write a rejected request and its `.err` into this subfolder of `res/` (created when
    /// missing) instead of `res/` itself.
    pub err_subfolder: Option<String>,
    /// The raw 処理結果区分 of finished bulk download results instead of `1` (e.g. `3`, which
    /// an old client took for 異常終了), to test clients against values they do not know.
    pub bulk_segment: Option<String>,
    /// How face files are named.
    pub face_names: FaceNames,
}

/// How the emulator names the face files it pushes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceNames {
    /// The terminal's form: `OQSsiquc01res_face_<医療機関コード><20 hex>_<yyyyMMddHHmmss>.xml`.
    #[default]
    Terminal,
    /// `OQSsiquc01res_face_auto_<yyyyMMddHHmmss>.xml` (a converter's form).
    Auto,
    /// `OQSsiquc01res_face_<yyyyMMddHHmmss>.xml` (マイナ資格確認アプリ converters).
    TimeOnly,
}

impl EmulatorConfig {
    /// The defaults for a root folder: the bundled demo dataset, no delay, UTF-8, scrambled
    /// order (seed 1), one 処理中 answer per bulk download, events + rescan every 200 ms.
    pub fn new(root: impl Into<PathBuf>) -> EmulatorConfig {
        EmulatorConfig {
            layout: Layout::new(root),
            dataset: Dataset::demo(),
            delay: Duration::ZERO,
            encoding: Encoding::Utf8,
            shuffle_seed: Some(1),
            processing_polls: 1,
            watch: WatchConfig {
                use_events: true,
                rescan_interval: Duration::from_millis(200),
            },
            behaviour: Behaviour::Normal,
            registration_units: false,
            cipher: None,
            zip_bulk: false,
            err_subfolder: None,
            bulk_segment: None,
            face_names: FaceNames::Terminal,
        }
    }
}

/// Counters of what the emulator did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmulatorStats {
    /// Requests taken from `req/`.
    pub taken: u64,
    /// Answers written into `res/`.
    pub answered: u64,
    /// Requests rejected with `.err`.
    pub rejected: u64,
    /// Face results pushed.
    pub faces: u64,
    /// Answers that could not be written at first (full disk …) and were tried again.
    pub write_failures: u64,
}

struct Shared {
    config: EmulatorConfig,
    settings: Settings,
    state: Mutex<State>,
    behaviour: AtomicU8,
    taken: AtomicU64,
    answered: AtomicU64,
    rejected: AtomicU64,
    faces: AtomicU64,
    write_failures: AtomicU64,
    taken_dir: PathBuf,
    tmp_dir: PathBuf,
}

enum Msg {
    /// A name in `req/` to look at.
    File(String),
    /// A request already in the work folder (taken before a crash) to answer.
    Recover(String),
    Stop,
}

/// The running parts, gone after [`Emulator::shutdown`].
struct Running {
    tx: mpsc::Sender<Msg>,
    worker: Option<JoinHandle<()>>,
    watch: Option<DirWatch>,
    /// Held (locked) while the emulator runs.
    _lock: File,
}

/// A running emulator; stops when dropped (or with [`stop`](Self::stop) /
/// [`shutdown`](Self::shutdown)).
pub struct Emulator {
    shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("root", &self.shared.config.layout.root)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Creates the folders, takes the root's lock (a second emulator on the same root is
    /// [`TerminalError::AlreadyRunning`]), answers the requests a previous run had taken but
    /// not answered, and starts watching `req/` in background threads.
    pub fn start(config: EmulatorConfig) -> Result<Emulator, TerminalError> {
        config.dataset.validate()?;
        let l = &config.layout;
        let emu_dir = l.root.join(".oqs-emulator");
        let taken_dir = emu_dir.join("taken");
        let tmp_dir = emu_dir.join("tmp");
        for d in [&l.req, &l.res, &l.face, &taken_dir, &tmp_dir] {
            std::fs::create_dir_all(d).map_err(|e| TerminalError::io("create folder", d, e))?;
        }
        let lock_path = emu_dir.join("lock");
        let lock = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| TerminalError::io("open lock file", &lock_path, e))?;
        match super::lock::try_lock(&lock) {
            Ok(true) => {}
            Ok(false) => {
                return Err(TerminalError::AlreadyRunning {
                    root: l.root.display().to_string(),
                    lock: lock_path.display().to_string(),
                });
            }
            Err(e) => return Err(TerminalError::io("lock", &lock_path, e)),
        }
        let shared = Arc::new(Shared {
            settings: Settings {
                encoding: config.encoding,
                processing_polls: config.processing_polls,
                registration_units: config.registration_units,
            },
            state: Mutex::new(State::default()),
            behaviour: AtomicU8::new(config.behaviour.to_u8()),
            taken: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            faces: AtomicU64::new(0),
            write_failures: AtomicU64::new(0),
            taken_dir,
            tmp_dir,
            config,
        });
        let (tx, rx) = mpsc::channel::<Msg>();
        // Requests taken by a previous run that died before answering them.
        for name in list_files(&shared.taken_dir).unwrap_or_default() {
            let _ = tx.send(Msg::Recover(name));
        }
        let wtx = tx.clone();
        let watch = DirWatch::start(
            vec![(shared.config.layout.req.clone(), Listing::New)],
            shared.config.watch,
            move |_, change| {
                if let Change::File(name) = change {
                    let _ = wtx.send(Msg::File(name.to_string()));
                }
            },
        );
        let s2 = shared.clone();
        let worker = std::thread::Builder::new()
            .name("onshi-emulator".into())
            .spawn(move || worker(s2, rx))
            .map_err(|e| TerminalError::io("start thread", &shared.config.layout.root, e))?;
        Ok(Emulator {
            shared,
            running: Mutex::new(Some(Running {
                tx,
                worker: Some(worker),
                watch: Some(watch),
                _lock: lock,
            })),
        })
    }

    fn send(&self, m: Msg) {
        if let Some(r) = &*self.running.lock().unwrap_or_else(|p| p.into_inner()) {
            let _ = r.tx.send(m);
        }
    }

    /// `false` once the emulator was stopped ([`shutdown`](Self::shutdown)).
    pub fn is_running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Changes the behaviour (e.g. bring a "down" terminal back up).
    pub fn set_behaviour(&self, b: Behaviour) {
        self.shared.behaviour.store(b.to_u8(), Ordering::SeqCst);
        // Look at req/ again at once: requests may be waiting.
        if b == Behaviour::Normal {
            for name in list_files(&self.shared.config.layout.req).unwrap_or_default() {
                self.send(Msg::File(name));
            }
        }
    }

    /// The current behaviour.
    pub fn behaviour(&self) -> Behaviour {
        Behaviour::from_u8(self.shared.behaviour.load(Ordering::SeqCst))
    }

    /// What the emulator did so far.
    pub fn stats(&self) -> EmulatorStats {
        let s = &self.shared;
        EmulatorStats {
            taken: s.taken.load(Ordering::SeqCst),
            answered: s.answered.load(Ordering::SeqCst),
            rejected: s.rejected.load(Ordering::SeqCst),
            faces: s.faces.load(Ordering::SeqCst),
            write_failures: s.write_failures.load(Ordering::SeqCst),
        }
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.shared.config.dataset
    }

    /// The dataset's persons: id, scenario, 資格有効性, face-capable (no personal value).
    pub fn persons(&self) -> Vec<PersonSummary> {
        self.shared.config.dataset.summaries()
    }

    /// Pushes the face-reader result of person `person_id` into `face/` (the patient just
    /// used their My Number card at the reader) and returns the file name.
    /// [`TerminalError::EmulatorStopped`] after [`shutdown`](Self::shutdown).
    pub fn push_face(&self, person_id: &str) -> Result<String, TerminalError> {
        if !self.is_running() {
            return Err(TerminalError::EmulatorStopped);
        }
        let s = &self.shared;
        let mut st = s.state.lock().unwrap_or_else(|e| e.into_inner());
        let name = write_face(&s.config, &s.settings, &mut st, &s.tmp_dir, person_id)?;
        drop(st);
        s.faces.fetch_add(1, Ordering::SeqCst);
        Ok(name)
    }

    /// Stops watching and answering; answers not yet written are written by the next
    /// emulator started on the root (their requests stay in its work folder).
    pub fn stop(self) {
        self.shutdown();
    }

    /// Stops the emulator in place (usable through a shared reference): afterwards
    /// [`push_face`](Self::push_face) is [`TerminalError::EmulatorStopped`], and the root's
    /// lock is released. Stopping twice does nothing.
    pub fn shutdown(&self) {
        let r = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut r) = r {
            r.watch.take();
            let _ = r.tx.send(Msg::Stop);
            if let Some(w) = r.worker.take() {
                let _ = w.join();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Writes the face-reader result of `person_id` into `config`'s `face/` without starting an
/// emulator (one may be running on the root: a face result is the reader's, not the link
/// program's). Returns the file name.
pub fn push_face_into(config: &EmulatorConfig, person_id: &str) -> Result<String, TerminalError> {
    config.dataset.validate()?;
    let tmp_dir = config.layout.root.join(".oqs-emulator").join("tmp");
    for d in [&config.layout.face, &tmp_dir] {
        std::fs::create_dir_all(d).map_err(|e| TerminalError::io("create folder", d, e))?;
    }
    let settings = Settings {
        encoding: config.encoding,
        processing_polls: config.processing_polls,
        registration_units: config.registration_units,
    };
    write_face(
        config,
        &settings,
        &mut State::default(),
        &tmp_dir,
        person_id,
    )
}

fn write_face(
    config: &EmulatorConfig,
    settings: &Settings,
    state: &mut State,
    tmp_dir: &std::path::Path,
    person_id: &str,
) -> Result<String, TerminalError> {
    let p = config
        .dataset
        .person(person_id)
        .filter(|p| p.face)
        .ok_or_else(|| TerminalError::Dataset {
            reason: format!("no person {person_id:?} who can use the face reader"),
        })?;
    let now = now_jst();
    let code = config
        .dataset
        .medical_institution_code
        .clone()
        .unwrap_or_else(|| "1310000003".into());
    let token20 = format!(
        "{:08x}{:08x}{:04x}",
        random_u32(),
        random_u32(),
        random_u32() & 0xffff
    );
    let afi = format!("{:08x}{:08x}", random_u32(), random_u32());
    let msg = respond::face_result(
        p,
        state,
        settings,
        MedicalInstitutionCode::parse(&code, Mode::Lenient).ok(),
        &afi,
        now,
    );
    let stamp = now.format("%Y%m%d%H%M%S");
    let name = match config.face_names {
        FaceNames::Terminal => format!("OQSsiquc01res_face_{code}{token20}_{stamp}.xml"),
        FaceNames::Auto => format!("OQSsiquc01res_face_auto_{stamp}.xml"),
        FaceNames::TimeOnly => format!("OQSsiquc01res_face_{stamp}.xml"),
    };
    let bytes = render(config, &Message::QualificationResponse(msg), &name)?;
    let bytes = seal(config, &name, bytes)?;
    write_atomic_with(tmp_dir, &config.layout.face, &name, &bytes, false)
        .map_err(|e| TerminalError::io("write face file", &config.layout.face, e))?;
    Ok(name)
}

/// The bytes as written: encrypted by the configured cipher (the "encrypted" mode).
fn seal(c: &EmulatorConfig, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, TerminalError> {
    match &c.cipher {
        Some(cipher) => cipher
            .encrypt(name, &bytes)
            .map_err(|e| TerminalError::Hook {
                file: name.to_string(),
                stage: super::CipherStage::Encrypt,
                reason: e.0,
            }),
        None => Ok(bytes),
    }
}

/// Encodes an answer as the real terminal would: scrambled (when a seed is set), in the
/// configured encoding.
fn render(c: &EmulatorConfig, msg: &Message, file: &str) -> Result<Vec<u8>, TerminalError> {
    let enc = c.encoding;
    let Some(seed) = c.shuffle_seed else {
        return codec::encode(msg, enc).map_err(|e| TerminalError::Encode { error: Box::new(e) });
    };
    let utf8 = codec::encode(msg, Encoding::Utf8)
        .map_err(|e| TerminalError::Encode { error: Box::new(e) })?;
    let text = String::from_utf8_lossy(&utf8);
    let mut h = seed;
    for b in file.bytes() {
        h = h.wrapping_mul(31).wrapping_add(u64::from(b));
    }
    let scrambled = scramble(&text, h);
    Ok(codec::reencode(&scrambled, enc))
}

/// A scheduled write.
struct Due {
    request: String,
    outcome: Outcome,
}

fn worker(s: Arc<Shared>, rx: mpsc::Receiver<Msg>) {
    let mut heap: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
    let mut jobs: HashMap<u64, Due> = HashMap::new();
    // Names to look at again (an incomplete request), and when.
    let mut again: HashMap<String, Instant> = HashMap::new();
    let mut seq = 0u64;
    let mut schedule = |heap: &mut BinaryHeap<_>, jobs: &mut HashMap<u64, Due>, at, d| {
        seq += 1;
        heap.push(Reverse((at, seq)));
        jobs.insert(seq, d);
    };
    loop {
        // Write what is due; a failed write (a full disk) is tried again later, its request
        // staying in the work folder meanwhile.
        while let Some(Reverse((at, id))) = heap.peek().copied() {
            if at > Instant::now() {
                break;
            }
            heap.pop();
            if let Some(d) = jobs.remove(&id)
                && !write_outcome(&s, &d.request, &d.outcome)
            {
                s.write_failures.fetch_add(1, Ordering::SeqCst);
                schedule(&mut heap, &mut jobs, Instant::now() + WRITE_RETRY, d);
            }
        }
        let now = Instant::now();
        let due: Vec<String> = again
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(n, _)| n.clone())
            .collect();
        for name in due {
            again.remove(&name);
            handle(&s, &name, &mut again, &mut |d| {
                let at = Instant::now() + s.config.delay;
                schedule(&mut heap, &mut jobs, at, d)
            });
        }
        let next = heap
            .peek()
            .map(|Reverse((at, _))| *at)
            .into_iter()
            .chain(again.values().copied())
            .min();
        let wait = next
            .map(|at| at.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(3600));
        match rx.recv_timeout(wait) {
            Ok(Msg::File(name)) => handle(&s, &name, &mut again, &mut |d| {
                let at = Instant::now() + s.config.delay;
                schedule(&mut heap, &mut jobs, at, d)
            }),
            Ok(Msg::Recover(name)) => {
                if let Some(outcome) = recover(&s, &name) {
                    let at = Instant::now() + s.config.delay;
                    schedule(
                        &mut heap,
                        &mut jobs,
                        at,
                        Due {
                            request: name,
                            outcome,
                        },
                    );
                }
            }
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Looks at a name in `req/`: takes it (and schedules its answer), or notes to look again.
fn handle(
    s: &Shared,
    name: &str,
    again: &mut HashMap<String, Instant>,
    schedule: &mut dyn FnMut(Due),
) {
    match take(s, name) {
        Take::Taken(outcome) => schedule(Due {
            request: name.to_string(),
            outcome: *outcome,
        }),
        Take::Later(after) => {
            again.insert(name.to_string(), Instant::now() + after);
        }
        Take::Skip => {}
    }
}

enum Take {
    Taken(Box<Outcome>),
    /// Not complete yet: look again after this.
    Later(Duration),
    Skip,
}

/// A request file's bytes, if it is a regular file (a FIFO, a link, a folder named like a
/// request is never read nor moved), with its age.
fn read_request(path: &std::path::Path) -> Option<(Vec<u8>, Duration)> {
    let (mut f, m) = open_regular(path, false).ok()?;
    let age = m
        .modified()
        .ok()
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    let bytes = read_capped(&mut f, m.len(), MAX_REQUEST_BYTES, path).ok()?;
    Some((bytes, age))
}

/// Takes a request from `req/` when it is complete (renaming it into the work folder, where
/// it stays until its answer is written) and computes its outcome.
fn take(s: &Shared, name: &str) -> Take {
    let behaviour = Behaviour::from_u8(s.behaviour.load(Ordering::SeqCst));
    if behaviour == Behaviour::Down {
        return Take::Skip;
    }
    let Ok(fname) = FileName::parse(name) else {
        return Take::Skip;
    };
    if fname.direction != Direction::Request || fname.extension != Extension::Xml {
        return Take::Skip;
    }
    let l = &s.config.layout;
    let src = l.req_path(name);
    let Some((bytes, age)) = read_request(&src) else {
        return Take::Skip;
    };
    let complete = looks_complete(&bytes);
    // Maybe still being written by a client that does not write atomically: wait for it
    // unless it has not changed for a while.
    if !complete && age < INCOMPLETE_GRACE {
        return Take::Later(INCOMPLETE_GRACE - age);
    }
    let taken = s.taken_dir.join(name);
    if std::fs::rename(&src, &taken).is_err() {
        return Take::Skip; // Gone (taken already) or locked: a later event or rescan retries.
    }
    s.taken.fetch_add(1, Ordering::SeqCst);
    if behaviour == Behaviour::Silent {
        let _ = std::fs::remove_file(&taken);
        return Take::Skip;
    }
    Take::Taken(Box::new(outcome(s, &fname, &bytes, complete)))
}

/// The outcome for a request taken by a previous run (in the work folder).
fn recover(s: &Shared, name: &str) -> Option<Outcome> {
    let fname = FileName::parse(name).ok()?;
    let (bytes, _) = read_request(&s.taken_dir.join(name))?;
    let complete = looks_complete(&bytes);
    Some(outcome(s, &fname, &bytes, complete))
}

fn outcome(s: &Shared, fname: &FileName, bytes: &[u8], complete: bool) -> Outcome {
    let plain;
    let (bytes, complete) = match &s.config.cipher {
        Some(c) if crate::xml::sniff(bytes) == crate::xml::Sniff::NotXml => {
            match c.decrypt(&fname.to_string(), bytes) {
                Ok(b) => {
                    plain = b;
                    (plain.as_slice(), looks_complete(&plain))
                }
                Err(e) => {
                    return Outcome::Reject {
                        reason: format!("要求ファイルを復号できません: {}", e.0),
                    };
                }
            }
        }
        _ => (bytes, complete),
    };
    let decoded = if complete {
        codec::decode_file(fname, bytes, MAX_REQUEST_BYTES).map_err(|e| e.to_string())
    } else {
        Err("ファイルが途中で切れています".to_string())
    };
    match decoded {
        Err(reason) => Outcome::Reject {
            reason: format!("要求ファイルを読み取れません（XMLの形式に誤りがあります）: {reason}"),
        },
        Ok(msg) => {
            let mut st = s.state.lock().unwrap_or_else(|e| e.into_inner());
            respond::respond(
                &s.config.dataset,
                &mut st,
                &s.settings,
                fname,
                msg,
                now_jst(),
            )
        }
    }
}

/// `true` for a finished bulk download result (`…02res_`, 処理結果区分 not 処理中).
fn is_bulk_result(file: &str, m: &Message) -> bool {
    FileName::parse(file)
        .is_ok_and(|n| n.family.is_bulk() && n.phase == crate::xml::Phase::Download)
        && crate::terminal::client::header(m).segment_of_result
            != Some(crate::codes::SegmentOfResult::Processing)
}

/// A finished bulk result with the configured 処理結果区分 ([`EmulatorConfig::bulk_segment`]).
fn finished_bulk<'m>(
    c: &EmulatorConfig,
    file: &str,
    m: &'m Message,
) -> (String, std::borrow::Cow<'m, Message>) {
    let mut m = std::borrow::Cow::Borrowed(m);
    if let Some(raw) = &c.bulk_segment
        && is_bulk_result(file, &m)
    {
        crate::terminal::client::header_mut(m.to_mut()).segment_of_result =
            Some(<crate::codes::SegmentOfResult as crate::codes::Code>::from_wire(raw));
    }
    (file.to_string(), m)
}

/// Writes an outcome; `false` when it could not be written (the request stays in the work
/// folder and the write is tried again).
fn write_outcome(s: &Shared, request: &str, outcome: &Outcome) -> bool {
    let l = &s.config.layout;
    let taken = s.taken_dir.join(request);
    // Counters move before the file appears, so a client that sees the file also sees the
    // count; a failed write takes it back.
    match outcome {
        Outcome::Answer { file, message } => {
            s.answered.fetch_add(1, Ordering::SeqCst);
            let (file, message) = finished_bulk(&s.config, file, message);
            let bytes = render(&s.config, &message, &file).ok().and_then(|b| {
                if !s.config.zip_bulk || !is_bulk_result(&file, &message) {
                    return Some((file.clone(), b));
                }
                let zipped = FileName::parse(&file)
                    .ok()?
                    .with_extension(Extension::Zip)
                    .to_string();
                let z = super::zipped::zip_result(&file, &b).ok()?;
                Some((zipped, z))
            });
            let ok = bytes.is_some_and(|(name, b)| {
                seal(&s.config, &name, b)
                    .is_ok_and(|b| write_atomic_with(&s.tmp_dir, &l.res, &name, &b, false).is_ok())
            });
            if !ok {
                s.answered.fetch_sub(1, Ordering::SeqCst);
                return false;
            }
            let _ = std::fs::remove_file(&taken);
        }
        Outcome::Pdf { file, bytes } => {
            s.answered.fetch_add(1, Ordering::SeqCst);
            if write_atomic_with(&s.tmp_dir, &l.res, file, bytes, false).is_err() {
                s.answered.fetch_sub(1, Ordering::SeqCst);
                return false;
            }
            let _ = std::fs::remove_file(&taken);
        }
        Outcome::Reject { reason } => {
            // The request goes to res/ first, then its `.err`: a client keyed on the
            // `.err` then finds both. On a retry the request is already there.
            let dir = match &s.config.err_subfolder {
                Some(sub) => {
                    let d = l.res.join(sub);
                    if std::fs::create_dir_all(&d).is_err() {
                        return false;
                    }
                    d
                }
                None => l.res.clone(),
            };
            match move_file(&taken, &dir.join(request)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return false,
                _ => {}
            }
            let err_name = FileName::parse(request)
                .map(|n| n.with_extension(Extension::Err).to_string())
                .unwrap_or_else(|_| format!("{request}.err"));
            let text = format!("{reason}\r\n");
            let bytes = codec::encode_text(&text, s.config.encoding);
            s.rejected.fetch_add(1, Ordering::SeqCst);
            if write_atomic_with(&s.tmp_dir, &dir, &err_name, &bytes, false).is_err() {
                s.rejected.fetch_sub(1, Ordering::SeqCst);
                return false;
            }
        }
    }
    true
}
