//! [`Emulator`]: a stand-in for the 資格確認端末 and its 連携アプリケーション, for tests,
//! demos and vendors' CI.
//!
//! It watches `req/` (events + rescan), takes each complete request away (as the real link
//! program does), and after a configurable delay writes the answer into `res/` atomically,
//! under the request's name with `req` → `res`. Answers come from a [`Dataset`] of
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
use super::codec::{self, Encoding};
use super::dataset::Dataset;
use super::layout::{Layout, random_u32};
use super::watch::{DirWatch, WatchConfig};
use super::{TerminalError, now_jst};
use crate::ids::{MedicalInstitutionCode, Mode};
use crate::xml::{Direction, Extension, FileName, Message};
use respond::{Outcome, Settings, State};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

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
    taken_dir: PathBuf,
    tmp_dir: PathBuf,
}

enum Msg {
    File(String),
    Stop,
}

/// A running emulator; stops when dropped (or with [`stop`](Self::stop)).
pub struct Emulator {
    shared: Arc<Shared>,
    tx: mpsc::Sender<Msg>,
    worker: Option<JoinHandle<()>>,
    watch: Option<DirWatch>,
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
    /// Creates the folders and starts watching `req/` in background threads.
    pub fn start(config: EmulatorConfig) -> Result<Emulator, TerminalError> {
        config.dataset.validate()?;
        let l = &config.layout;
        let emu_dir = l.root.join(".oqs-emulator");
        let taken_dir = emu_dir.join("taken");
        let tmp_dir = emu_dir.join("tmp");
        for d in [&l.req, &l.res, &l.face, &taken_dir, &tmp_dir] {
            std::fs::create_dir_all(d).map_err(|e| TerminalError::io("create folder", d, e))?;
        }
        let shared = Arc::new(Shared {
            settings: Settings {
                encoding: config.encoding,
                processing_polls: config.processing_polls,
            },
            state: Mutex::new(State::default()),
            behaviour: AtomicU8::new(config.behaviour.to_u8()),
            taken: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            faces: AtomicU64::new(0),
            taken_dir,
            tmp_dir,
            config,
        });
        let (tx, rx) = mpsc::channel::<Msg>();
        let wtx = tx.clone();
        let watch = DirWatch::start(
            vec![shared.config.layout.req.clone()],
            shared.config.watch,
            move |_, name| {
                let _ = wtx.send(Msg::File(name.to_string()));
            },
        );
        let s2 = shared.clone();
        let worker = std::thread::Builder::new()
            .name("onshi-emulator".into())
            .spawn(move || worker(s2, rx))
            .map_err(|e| TerminalError::io("start thread", &shared.config.layout.root, e))?;
        Ok(Emulator {
            shared,
            tx,
            worker: Some(worker),
            watch: Some(watch),
        })
    }

    /// Changes the behaviour (e.g. bring a "down" terminal back up).
    pub fn set_behaviour(&self, b: Behaviour) {
        self.shared.behaviour.store(b.to_u8(), Ordering::SeqCst);
        // Look at req/ again at once: requests may be waiting.
        if b == Behaviour::Normal {
            for name in super::watch::list_files(&self.shared.config.layout.req) {
                let _ = self.tx.send(Msg::File(name));
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
        }
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.shared.config.dataset
    }

    /// Pushes the face-reader result of person `person_id` into `face/` (the patient just
    /// used their My Number card at the reader) and returns the file name.
    pub fn push_face(&self, person_id: &str) -> Result<String, TerminalError> {
        let s = &self.shared;
        let p = s
            .config
            .dataset
            .person(person_id)
            .filter(|p| p.face)
            .ok_or_else(|| TerminalError::Dataset {
                reason: format!("no person {person_id:?} who can use the face reader"),
            })?;
        let now = now_jst();
        let code = s
            .config
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
        let msg = {
            let st = s.state.lock().unwrap_or_else(|e| e.into_inner());
            respond::face_result(
                p,
                &st,
                &s.settings,
                MedicalInstitutionCode::parse(&code, Mode::Lenient).ok(),
                &afi,
                now,
            )
        };
        let name = format!(
            "OQSsiquc01res_face_{code}{token20}_{}.xml",
            now.format("%Y%m%d%H%M%S")
        );
        let bytes = render(s, &Message::QualificationResponse(msg), &name)?;
        write_atomic_with(&s.tmp_dir, &s.config.layout.face, &name, &bytes, false)
            .map_err(|e| TerminalError::io("write face file", &s.config.layout.face, e))?;
        s.faces.fetch_add(1, Ordering::SeqCst);
        Ok(name)
    }

    /// Stops watching and answering; answers not yet written are dropped.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.watch.take();
        let _ = self.tx.send(Msg::Stop);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Encodes an answer as the real terminal would: scrambled (when a seed is set), in the
/// configured encoding.
fn render(s: &Shared, msg: &Message, file: &str) -> Result<Vec<u8>, TerminalError> {
    let enc = s.config.encoding;
    let Some(seed) = s.config.shuffle_seed else {
        return codec::encode(msg, enc).map_err(|e| TerminalError::Encode { reason: e.0 });
    };
    let utf8 =
        codec::encode(msg, Encoding::Utf8).map_err(|e| TerminalError::Encode { reason: e.0 })?;
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
    let mut seq = 0u64;
    loop {
        // Write what is due.
        while let Some(Reverse((at, id))) = heap.peek().copied() {
            if at > Instant::now() {
                break;
            }
            heap.pop();
            if let Some(d) = jobs.remove(&id) {
                write_outcome(&s, &d.request, d.outcome);
            }
        }
        let wait = heap
            .peek()
            .map(|Reverse((at, _))| at.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(3600));
        match rx.recv_timeout(wait) {
            Ok(Msg::File(name)) => {
                if let Some(outcome) = take(&s, &name) {
                    if s.config.delay.is_zero() {
                        write_outcome(&s, &name, outcome);
                    } else {
                        seq += 1;
                        heap.push(Reverse((Instant::now() + s.config.delay, seq)));
                        jobs.insert(
                            seq,
                            Due {
                                request: name,
                                outcome,
                            },
                        );
                    }
                }
            }
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Takes a request from `req/` when it is complete and computes its outcome.
fn take(s: &Shared, name: &str) -> Option<Outcome> {
    let behaviour = Behaviour::from_u8(s.behaviour.load(Ordering::SeqCst));
    if behaviour == Behaviour::Down {
        return None;
    }
    let fname = FileName::parse(name).ok()?;
    if fname.direction != Direction::Request || fname.extension != Extension::Xml {
        return None;
    }
    let l = &s.config.layout;
    let src = l.req_path(name);
    let bytes = std::fs::read(&src).ok()?;
    let complete = looks_complete(&bytes);
    if !complete {
        // Maybe still being written by a client that does not write atomically: wait for
        // it unless it has not changed for a while.
        let age = std::fs::metadata(&src)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or_default();
        if age < Duration::from_secs(2) {
            return None;
        }
    }
    let taken = s.taken_dir.join(name);
    if std::fs::rename(&src, &taken).is_err() {
        return None; // Gone (taken already) or locked: a later event or rescan retries.
    }
    s.taken.fetch_add(1, Ordering::SeqCst);
    if behaviour == Behaviour::Silent {
        let _ = std::fs::remove_file(&taken);
        return None;
    }
    let decoded = if complete {
        codec::decode_file(&fname, &bytes).map_err(|e| e.0)
    } else {
        Err("ファイルが途中で切れています".to_string())
    };
    Some(match decoded {
        Err(reason) => Outcome::Reject {
            reason: format!("要求ファイルを読み取れません（XMLの形式に誤りがあります）: {reason}"),
        },
        Ok(msg) => {
            let mut st = s.state.lock().unwrap_or_else(|e| e.into_inner());
            respond::respond(
                &s.config.dataset,
                &mut st,
                &s.settings,
                &fname,
                msg,
                now_jst(),
            )
        }
    })
}

fn write_outcome(s: &Shared, request: &str, outcome: Outcome) {
    let l = &s.config.layout;
    let taken = s.taken_dir.join(request);
    // Counters move before the file appears, so a client that sees the file also sees the
    // count; a failed write takes it back.
    match outcome {
        Outcome::Answer { file, message } => {
            s.answered.fetch_add(1, Ordering::SeqCst);
            let ok = render(s, &message, &file)
                .ok()
                .is_some_and(|b| write_atomic_with(&s.tmp_dir, &l.res, &file, &b, false).is_ok());
            if !ok {
                s.answered.fetch_sub(1, Ordering::SeqCst);
            }
            let _ = std::fs::remove_file(&taken);
        }
        Outcome::Pdf { file, bytes } => {
            s.answered.fetch_add(1, Ordering::SeqCst);
            if write_atomic_with(&s.tmp_dir, &l.res, &file, &bytes, false).is_err() {
                s.answered.fetch_sub(1, Ordering::SeqCst);
            }
            let _ = std::fs::remove_file(&taken);
        }
        Outcome::Reject { reason } => {
            // The request goes to res/ first, then its `.err`: a client keyed on the
            // `.err` then finds both.
            let _ = move_file(&taken, &l.res_path(request));
            let err_name = FileName::parse(request)
                .map(|n| n.with_extension(Extension::Err).to_string())
                .unwrap_or_else(|_| format!("{request}.err"));
            let text = format!("{reason}\r\n");
            let bytes = codec::encode_text(&text, s.config.encoding);
            s.rejected.fetch_add(1, Ordering::SeqCst);
            if write_atomic_with(&s.tmp_dir, &l.res, &err_name, &bytes, false).is_err() {
                s.rejected.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}
