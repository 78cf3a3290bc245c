//! Face results (a patient used their My Number card at the face-recognition reader): found
//! in `face/`, taken when complete and stable, claimed, delivered, and acknowledged.
//!
//! * **At least once.** An event is delivered until it is acknowledged
//!   ([`Client::ack_face`](super::Client::ack_face), or by returning [`FaceAck::Ack`] from an
//!   [`on_face`](super::Client::on_face) callback). One deliverer at a time holds an event
//!   (an OS lock in the journal); one that dies before acknowledging loses it to the next —
//!   after a restart the event comes again with [`FaceEvent::delivery`] > 1. The file name
//!   is the idempotency key.
//! * **Never lost.** No policy deletes or archives a file before it is acknowledged, and
//!   a file that cannot be read is never deleted or archived at all.
//! * **Complete and stable.** A file is taken when its XML is closed and parses and its size
//!   and modification time have not changed for [`ClientOptions::settle_interval`]
//!   (super::ClientOptions::settle_interval); a file still growing is waited for; one that
//!   stays unreadable for [`settle_timeout`](super::ClientOptions::settle_timeout) after its
//!   last change is delivered as an error event ([`FaceFileError`]) — once, to every
//!   journal — and kept.
//! * **Cheap.** `face/` is listed at most once per rescan interval (plus names from file
//!   events); a file is `stat`ed, and read again only when its size or time changed; known
//!   acknowledged files cost a hash lookup.

use super::client::{Shared, apply_policy};
use super::fsio::{self, Stat, SymlinkPolicy};
use super::journal::{Claim, FaceClaim};
use super::watch::list_files;
use super::{TerminalError, WaitLimit, codec};
use crate::xml::{FaceFile, FileName, Message, QualificationResponse};
use chrono::NaiveDateTime;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Prefix of every face-reader file name.
const FACE_PREFIX: &str = "OQSsiquc01res_face_";

/// At most this many events are handed out by one [`Client::poll_face`] call (each holds an
/// open claim until acknowledged).
///
/// [`Client::poll_face`]: super::Client::poll_face
pub const POLL_BATCH: usize = 64;

/// A result pushed by the face-recognition card reader (a patient at the reader). Deliver it,
/// then acknowledge it ([`Client::ack_face`](super::Client::ack_face)); until then it is
/// delivered again after a restart.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FaceEvent {
    /// The face file's name: the idempotency key (the same file is always the same event).
    pub file_name: String,
    /// The parts of its name (医療機関コード, token, time written) when it has the terminal's
    /// exact form; other `OQSsiquc01res_face_*.xml` names are taken too (`None` here).
    pub face: Option<FaceFile>,
    /// When the file was written (JST): from the last `_yyyyMMddHHmmss` of its name, else its
    /// modification time.
    pub written_at: Option<NaiveDateTime>,
    /// The result, or why the file cannot be read (it stays in `face/` whatever the policy).
    pub result: Result<QualificationResponse, FaceFileError>,
    /// 1 the first time this file is handed out; more when an earlier delivery was not
    /// acknowledged (the deliverer crashed, or released it).
    pub delivery: u32,
}

/// What a [`Client::on_face`](super::Client::on_face) callback wants done with the event it
/// was given. A callback returning `()` acknowledges (`Ack`) when it returns; one returning
/// `bool` acknowledges on `true` and releases on `false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaceAck {
    /// Processed: acknowledge now (never delivered again), then apply the face policy.
    Ack,
    /// Not processed: hand it out again (after a short pause).
    Release,
    /// Keep it claimed; the program acknowledges it later with
    /// [`Client::ack_face`](super::Client::ack_face) (e.g. after an asynchronous save).
    Keep,
}

impl From<()> for FaceAck {
    fn from(_: ()) -> FaceAck {
        FaceAck::Ack
    }
}

impl From<bool> for FaceAck {
    fn from(ok: bool) -> FaceAck {
        if ok { FaceAck::Ack } else { FaceAck::Release }
    }
}

/// Why a face file cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaceFileErrorKind {
    /// Its XML never closed (the writer stopped half-way).
    Incomplete,
    /// It is not well-formed or not a valid terminal file.
    Malformed,
    /// It is a valid file but not a 資格確認結果.
    NotAResult,
    /// Larger than [`ClientOptions::max_bytes`](super::ClientOptions::max_bytes).
    TooLarge,
    /// Not a regular file (a FIFO, a device, a folder).
    NotRegular,
    /// A symbolic link not followed.
    Symlink,
    /// The system refused to read it (permission, sharing violation …).
    Unreadable,
    /// Not XML: the terminal encrypts face files (`encrypt_face.conf`) and no decryption
    /// hook is set.
    Encrypted,
    /// The decryption hook failed on it (error, panic, timeout, or a result that is not
    /// XML).
    DecryptFailed,
}

/// Why a face file cannot be read: the kind and an English detail without personal data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct FaceFileError {
    /// What kind of problem.
    pub kind: FaceFileErrorKind,
    /// The detail (location in the file, limit, OS error; never a value from it).
    pub detail: String,
}

impl FaceFileError {
    fn new(kind: FaceFileErrorKind, detail: impl Into<String>) -> FaceFileError {
        FaceFileError {
            kind,
            detail: detail.into(),
        }
    }

    /// The stable code of the matching [`TerminalError`] (`onshi_status`).
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self.kind {
            FaceFileErrorKind::TooLarge => st::ONSHI_TERMINAL_TOO_LARGE,
            FaceFileErrorKind::NotRegular => st::ONSHI_TERMINAL_NOT_REGULAR_FILE,
            FaceFileErrorKind::Symlink => st::ONSHI_TERMINAL_SYMLINK,
            FaceFileErrorKind::Unreadable => st::ONSHI_TERMINAL_IO,
            FaceFileErrorKind::Encrypted => st::ONSHI_TERMINAL_ENCRYPTED,
            FaceFileErrorKind::DecryptFailed => st::ONSHI_TERMINAL_HOOK_FAILED,
            _ => st::ONSHI_TERMINAL_BAD_ANSWER,
        }
    }

    /// What to tell staff (Japanese).
    pub fn message_ja(&self, file_name: &str) -> String {
        if self.kind == FaceFileErrorKind::Encrypted {
            return format!(
                "{}（{} のファイル {file_name}）。ファイルは face フォルダに残してあります。",
                super::cipher::ENCRYPTED_JA.trim_end_matches('。'),
                super::cipher::prefix_of(file_name)
            );
        }
        format!(
            "顔認証付きカードリーダーの結果ファイル {file_name} を読み取れません（{}）。ファイルは face フォルダに残してあります。資格確認端末の状態を確認し、必要なら再度照会してください。",
            match self.kind {
                FaceFileErrorKind::Incomplete => "書き込みが途中で止まっています",
                FaceFileErrorKind::Malformed => "内容の形式に誤りがあります",
                FaceFileErrorKind::NotAResult => "資格確認結果ではありません",
                FaceFileErrorKind::TooLarge => "大きすぎます",
                FaceFileErrorKind::NotRegular => "通常のファイルではありません",
                FaceFileErrorKind::Symlink => "シンボリックリンクです",
                FaceFileErrorKind::Unreadable => "読み込みが拒否されました",
                FaceFileErrorKind::DecryptFailed => {
                    "復号モジュールで復号できませんでした（設定と動作を確認してください）"
                }
                #[allow(unreachable_patterns)]
                _ => "不明な理由",
            }
        )
    }

    /// `true` when waiting cannot change it (a FIFO stays a FIFO).
    fn is_final(&self) -> bool {
        matches!(
            self.kind,
            FaceFileErrorKind::TooLarge
                | FaceFileErrorKind::NotRegular
                | FaceFileErrorKind::Symlink
                | FaceFileErrorKind::Encrypted
        )
    }
}

/// A file in `face/` that is not a face result, so it is not read: reported once
/// ([`Client::skipped_faces`](super::Client::skipped_faces); `onshi watch` prints it on
/// stderr) — never dropped silently.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SkippedFile {
    /// The file name.
    pub name: String,
    /// Its family when the name is one of the interface (e.g. a PMH face output).
    pub family: Option<crate::xml::Family>,
    /// What to tell staff (Japanese).
    pub message_ja: String,
}

impl SkippedFile {
    fn new(name: &str) -> SkippedFile {
        let family = FileName::parse(name).ok().map(|n| n.family);
        let message_ja = match family {
            Some(f) => format!(
                "face フォルダの {name} は {} のファイルです。顔認証の資格確認結果ではないため読み込みません。",
                f.label()
            ),
            None => format!(
                "face フォルダの {name} は顔認証の結果（OQSsiquc01res_face_….xml）ではないため読み込みません。ほかのプログラムのファイルなら移動してください。"
            ),
        };
        SkippedFile {
            name: name.to_string(),
            family,
            message_ja,
        }
    }
}

/// `true` for a name the face reader writes: `OQSsiquc01res_face_*.xml` (the terminal's exact
/// form and the looser ones other converters write).
pub(crate) fn is_face_name(name: &str) -> bool {
    name.len() > FACE_PREFIX.len() + 4
        && name.starts_with(FACE_PREFIX)
        && name.to_ascii_lowercase().ends_with(".xml")
        && !name.contains(['/', '\\'])
}

/// The time in a face file name: its strict form, else the last `_yyyyMMddHHmmss`.
fn name_time(name: &str, face: Option<&FaceFile>) -> Option<NaiveDateTime> {
    if let Some(f) = face {
        return Some(f.timestamp);
    }
    let stem = &name[..name.len().checked_sub(4)?];
    let (_, last) = stem.rsplit_once('_')?;
    (last.len() == 14 && last.bytes().all(|b| b.is_ascii_digit()))
        .then(|| NaiveDateTime::parse_from_str(last, "%Y%m%d%H%M%S").ok())
        .flatten()
}

fn jst(t: std::time::SystemTime) -> NaiveDateTime {
    let utc: chrono::DateTime<chrono::Utc> = t.into();
    utc.naive_utc() + chrono::Duration::hours(9)
}

/// One face file not acknowledged yet.
struct Tracked {
    face: Option<FaceFile>,
    written_at: Option<NaiveDateTime>,
    /// What `stat` said last, and since when it says so.
    stat: Option<Stat>,
    changed_at: Instant,
    /// The content read for `stat` (read again only when `stat` changes).
    content: Option<Result<QualificationResponse, FaceFileError>>,
    /// Not looked at before this (released, or held by another deliverer).
    not_before: Option<Instant>,
    /// Claimed by this client and handed out, not acknowledged yet.
    claim: Option<FaceClaim>,
}

/// Ordered by time written, then name.
type Key = (NaiveDateTime, String);

#[derive(Default)]
struct Desk {
    tracked: BTreeMap<Key, Tracked>,
    index: HashMap<String, Key>,
    acked: HashSet<String>,
    listed_at: Option<Instant>,
    /// Files of `face/` that are not face results, reported already (while present).
    skipped: HashSet<String>,
    /// Not handed out yet by [`FaceDesk::take_skipped`].
    skipped_new: Vec<SkippedFile>,
}

/// The face side of a client: what is in `face/`, what is handed out.
#[derive(Default)]
pub(crate) struct FaceDesk {
    desk: Mutex<Desk>,
    /// Names heard of from file events, not looked at yet.
    inbox: Mutex<Vec<String>>,
}

/// The outcome of one look.
pub(crate) struct Taken {
    pub event: Option<FaceEvent>,
    /// When to look again at the latest (a file is settling).
    pub recheck: Option<Duration>,
    /// When a complete, readable file will have settled (it is only waiting to be stable).
    pub settling: Option<Duration>,
}

enum Ready {
    Now,
    /// Look again after this; `true` when the file is complete and only settling.
    Wait(Duration, bool),
    Gone,
}

impl FaceDesk {
    /// A file event about `name` in `face/`.
    pub(crate) fn heard(&self, name: &str) {
        if is_face_name(name) {
            self.inbox
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(name.to_string());
        }
    }

    /// Adds a name not known yet (one look at the journal; one `stat` when the name has no
    /// time).
    fn learn(s: &Shared, d: &mut Desk, name: &str) {
        if d.index.contains_key(name) || d.acked.contains(name) {
            return;
        }
        if s.journal.face_delivered(name) {
            d.acked.insert(name.to_string());
            return;
        }
        let face = FileName::parse(name).ok().and_then(|n| n.face);
        let written_at = name_time(name, face.as_ref()).or_else(|| {
            std::fs::symlink_metadata(s.layout.face_path(name))
                .and_then(|m| m.modified())
                .ok()
                .map(jst)
        });
        let key = (written_at.unwrap_or(NaiveDateTime::MIN), name.to_string());
        d.index.insert(name.to_string(), key.clone());
        d.tracked.insert(
            key,
            Tracked {
                face,
                written_at,
                stat: None,
                changed_at: Instant::now(),
                content: None,
                not_before: None,
                claim: None,
            },
        );
    }

    fn forget(d: &mut Desk, name: &str) {
        if let Some(k) = d.index.remove(name) {
            d.tracked.remove(&k);
        }
    }

    /// Lists `face/` again: new names are learnt, vanished ones forgotten.
    fn relist(s: &Shared, d: &mut Desk) -> Result<(), TerminalError> {
        let dir = &s.layout.face;
        let names = list_files(dir).map_err(|e| TerminalError::io("list", dir, e))?;
        let mut others: HashSet<&str> = HashSet::new();
        let present: HashSet<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| {
                let face = is_face_name(n);
                if !face && !n.starts_with(".onshi") {
                    others.insert(n);
                }
                face
            })
            .collect();
        for n in &others {
            if !d.skipped.contains(*n) {
                d.skipped.insert(n.to_string());
                d.skipped_new.push(SkippedFile::new(n));
            }
        }
        d.skipped.retain(|n| others.contains(n.as_str()));
        for n in &present {
            Self::learn(s, d, n);
        }
        let gone: Vec<String> = d
            .index
            .keys()
            .filter(|n| !present.contains(n.as_str()))
            .cloned()
            .collect();
        for n in gone {
            Self::forget(d, &n);
        }
        d.acked.retain(|n| present.contains(n.as_str()));
        d.listed_at = Some(Instant::now());
        Ok(())
    }

    /// Finds the oldest face file that is ready and not acknowledged, claims it and hands it
    /// out. `relist`: list `face/` now even when it was listed recently.
    pub(crate) fn take(&self, s: &Shared, relist: bool) -> Result<Taken, TerminalError> {
        let mut d = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        let due = d
            .listed_at
            .is_none_or(|t| t.elapsed() >= s.options.watch.rescan_interval);
        if relist || due {
            Self::relist(s, &mut d)?;
        }
        let heard = std::mem::take(&mut *self.inbox.lock().unwrap_or_else(|p| p.into_inner()));
        for n in heard {
            Self::learn(s, &mut d, &n);
        }
        let now = Instant::now();
        let mut recheck: Option<Duration> = None;
        let mut soon = |w: Duration| {
            recheck = Some(recheck.map_or(w, |r: Duration| r.min(w)));
        };
        let mut settling: Option<Duration> = None;
        let mut drop_keys: Vec<Key> = Vec::new();
        let mut acked: Vec<String> = Vec::new();
        let mut found: Option<(Key, FaceEvent)> = None;
        for (key, t) in d.tracked.iter_mut() {
            if t.claim.is_some() {
                continue;
            }
            if let Some(nb) = t.not_before {
                if nb > now {
                    soon(nb - now);
                    continue;
                }
                t.not_before = None;
            }
            let name = &key.1;
            match Self::ready(s, name, t)? {
                Ready::Gone => {
                    drop_keys.push(key.clone());
                    continue;
                }
                Ready::Wait(w, complete) => {
                    soon(w);
                    if complete {
                        settling = Some(settling.map_or(w, |x: Duration| x.min(w)));
                    }
                    continue;
                }
                Ready::Now => {}
            }
            let claim = s
                .journal
                .claim_face(name)
                .map_err(|e| TerminalError::io("claim face result in", &s.layout.state, e))?;
            match claim {
                Claim::Acknowledged => {
                    drop_keys.push(key.clone());
                    acked.push(name.clone());
                }
                Claim::Busy => {
                    // Another deliverer has it; look again in a while (it may die).
                    t.not_before = Some(now + s.options.recheck_interval.max(BUSY_PAUSE));
                    soon(BUSY_PAUSE);
                }
                Claim::Claimed(c) => {
                    let event = FaceEvent {
                        file_name: name.clone(),
                        face: t.face.clone(),
                        written_at: t.written_at,
                        result: t.content.clone().unwrap_or_else(|| {
                            Err(FaceFileError::new(
                                FaceFileErrorKind::Unreadable,
                                "not read",
                            ))
                        }),
                        delivery: c.delivery,
                    };
                    t.claim = Some(c);
                    found = Some((key.clone(), event));
                    break;
                }
            }
        }
        for k in drop_keys {
            d.index.remove(&k.1);
            d.tracked.remove(&k);
        }
        for n in acked {
            d.acked.insert(n);
        }
        Ok(Taken {
            event: found.map(|(_, e)| e),
            recheck,
            settling,
        })
    }

    /// Is `t` ready to hand out? Looks with one `stat`; reads only when it changed.
    fn ready(s: &Shared, name: &str, t: &mut Tracked) -> Result<Ready, TerminalError> {
        let o = &s.options;
        let path = s.layout.face_path(name);
        let st = match o.symlinks {
            SymlinkPolicy::Never => fsio::stat(&path)?,
            // Follow the link so that a change of its target is seen.
            SymlinkPolicy::WithinRoot => match std::fs::metadata(&path) {
                Ok(m) => Some(Stat {
                    len: m.len(),
                    modified: m.modified().ok(),
                }),
                Err(_) => fsio::stat(&path)?,
            },
        };
        let Some(st) = st else {
            return Ok(Ready::Gone);
        };
        if t.stat != Some(st) {
            t.stat = Some(st);
            t.changed_at = Instant::now();
            t.content = None;
        }
        if t.content.is_none() {
            t.content = Some(match Self::read(s, &path) {
                Ok(Some(r)) => r,
                Ok(None) => return Ok(Ready::Gone),
                Err(e) => return Err(e),
            });
        }
        // Quiet since: our own observation, or the file's time when it is older (a file
        // found after a restart, or by a `--once` poller, need not be watched again).
        let quiet = t.changed_at.elapsed().max(st.age());
        let need = match &t.content {
            Some(Ok(_)) => o.settle_interval,
            Some(Err(e)) if e.is_final() => Duration::ZERO,
            _ => o.settle_timeout,
        };
        if quiet >= need {
            Ok(Ready::Now)
        } else {
            // Growing or settling: a `stat` now and then, no re-read unless it changed.
            let complete = matches!(&t.content, Some(Ok(_)));
            Ok(Ready::Wait((need - quiet).min(PARTIAL_LOOK), complete))
        }
    }

    /// Reads and decodes a face file: `Ok(None)` when it vanished; an `Err` only for a
    /// fault of the folder, never for the file's content.
    #[allow(clippy::type_complexity)]
    fn read(
        s: &Shared,
        path: &std::path::Path,
    ) -> Result<Option<Result<QualificationResponse, FaceFileError>>, TerminalError> {
        use FaceFileErrorKind as K;
        let o = &s.options;
        let bytes = match fsio::read(path, &s.layout.root, o.symlinks, o.max_bytes) {
            Ok(Some((b, _))) => b,
            Ok(None) => return Ok(None),
            Err(e) => {
                let kind = match &e {
                    TerminalError::TooLarge { .. } => K::TooLarge,
                    TerminalError::NotRegularFile { .. } => K::NotRegular,
                    TerminalError::Symlink { .. } => K::Symlink,
                    _ => K::Unreadable,
                };
                return Ok(Some(Err(FaceFileError::new(kind, e.to_string()))));
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = match super::client::plain_bytes(s, &name, bytes) {
            Ok(b) => b,
            Err(TerminalError::Encrypted { .. }) => {
                return Ok(Some(Err(FaceFileError::new(
                    K::Encrypted,
                    "not XML: the terminal encrypts face files (encrypt_face.conf) and no decryption hook is set",
                ))));
            }
            Err(e) => {
                return Ok(Some(Err(FaceFileError::new(
                    K::DecryptFailed,
                    e.to_string(),
                ))));
            }
        };
        if !super::atomic::looks_complete(&bytes) {
            return Ok(Some(Err(FaceFileError::new(
                K::Incomplete,
                "the XML of the file is not closed (the writer stopped or is still writing)",
            ))));
        }
        Ok(Some(match codec::decode_bounded(&bytes, o.max_bytes) {
            Ok(Message::QualificationResponse(r)) => Ok(r),
            Ok(_) => Err(FaceFileError::new(K::NotAResult, "not a 資格確認結果")),
            Err(e) => Err(FaceFileError::new(K::Malformed, e.to_string())),
        }))
    }

    /// Forgets what was read of the files not handed out (they are read again: the cipher
    /// changed).
    pub(crate) fn forget_contents(&self) {
        let mut d = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        for t in d.tracked.values_mut() {
            if t.claim.is_none() {
                t.content = None;
                t.stat = None;
            }
        }
    }

    /// The files of `face/` found not to be face results since the last call (each reported
    /// once while it stays).
    pub(crate) fn take_skipped(&self) -> Vec<SkippedFile> {
        let mut d = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut d.skipped_new)
    }

    /// Acknowledges `name`: the marker (the claim renamed, or a new one; nothing is released
    /// if it cannot be written), then the face policy (only for a file that was read well).
    pub(crate) fn ack(&self, s: &Shared, name: &str) -> Result<(), TerminalError> {
        check_name(name)?;
        let fail = |e| TerminalError::io("acknowledge face result in", &s.layout.state, e);
        let mut d = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        let key = d.index.get(name).cloned();
        let claim = key
            .as_ref()
            .and_then(|k| d.tracked.get_mut(k))
            .and_then(|t| t.claim.take());
        match claim {
            // Held here: the claim file becomes the marker.
            Some(c) => {
                if let Err((c, e)) = c.acknowledge(&s.journal) {
                    if let Some(t) = key.as_ref().and_then(|k| d.tracked.get_mut(k)) {
                        t.claim = Some(c);
                    }
                    return Err(fail(e));
                }
            }
            None => s.journal.ack_face(name).map_err(fail)?,
        }
        let ok = match key {
            Some(k) => {
                d.index.remove(name);
                d.tracked
                    .remove(&k)
                    .is_some_and(|t| matches!(t.content, Some(Ok(_))))
            }
            None => false,
        };
        d.acked.insert(name.to_string());
        drop(d);
        if ok {
            let path = s.layout.face_path(name);
            apply_policy(s.options.face_processed, &path, &s.layout.archive, name)
                .map_err(|e| TerminalError::io("move face result after acknowledging", &path, e))?;
        }
        Ok(())
    }

    /// Gives `name` back unacknowledged: it is handed out again after `pause`.
    pub(crate) fn release(&self, name: &str, pause: Duration) {
        let mut d = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        let Some(k) = d.index.get(name).cloned() else {
            return;
        };
        if let Some(t) = d.tracked.get_mut(&k) {
            t.claim = None;
            t.not_before = Some(Instant::now() + pause);
        }
    }

    /// The names handed out by this client and not acknowledged yet.
    pub(crate) fn handed_out(&self) -> Vec<String> {
        let d = self.desk.lock().unwrap_or_else(|p| p.into_inner());
        d.tracked
            .iter()
            .filter(|(_, t)| t.claim.is_some())
            .map(|(k, _)| k.1.clone())
            .collect()
    }
}

/// A pause before looking again at a file another deliverer holds.
const BUSY_PAUSE: Duration = Duration::from_secs(1);

/// How often a settling or growing file is looked at (`stat` only).
const PARTIAL_LOOK: Duration = Duration::from_millis(100);

fn check_name(name: &str) -> Result<(), TerminalError> {
    if is_face_name(name) && !name.contains("..") {
        return Ok(());
    }
    Err(TerminalError::InvalidRequest {
        reason: format!("{name:?} is not a face file name"),
    })
}

/// Waits for the next face event (see [`Client::next_face`](super::Client::next_face)).
pub(crate) fn next(s: &Shared, limit: WaitLimit) -> Result<Option<FaceEvent>, TerminalError> {
    let deadline = Instant::now() + limit.timeout;
    if let Some(c) = &limit.cancel {
        c.register(&s.face_wake);
    }
    let mut first = true;
    loop {
        if limit.cancelled() {
            return Err(TerminalError::Cancelled {
                what: "face results".into(),
            });
        }
        let seen = s.face_wake.current();
        let t = s.faces.take(s, false)?;
        if let Some(e) = t.event {
            return Ok(Some(e));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        // A file event may have arrived between the look and the wait: it bumped `seen`.
        let step = t
            .recheck
            .unwrap_or(s.options.recheck_interval)
            .min(s.options.recheck_interval)
            .min(deadline - now);
        if !first || step > Duration::ZERO {
            s.face_wake.wait_change(seen, step);
        }
        first = false;
    }
}

/// Stops face delivery when dropped (or with [`stop`](Self::stop)).
pub struct FaceSubscription {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl FaceSubscription {
    /// Stops delivery and waits for the delivery thread (and a callback in progress). Called
    /// from inside the callback, it stops delivery after the callback returns, without
    /// waiting for itself.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.shared.face_wake.bump();
        if let Some(t) = self.thread.take()
            && t.thread().id() != std::thread::current().id()
        {
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

/// How often a fault that persists is reported again to a callback.
const FAULT_REPEAT: Duration = Duration::from_secs(60);

/// Starts a delivery thread (see [`Client::on_face`](super::Client::on_face)).
pub(crate) fn subscribe<F, R>(shared: Arc<Shared>, mut callback: F) -> FaceSubscription
where
    F: FnMut(Result<FaceEvent, TerminalError>) -> R + Send + 'static,
    R: Into<FaceAck>,
{
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let s = shared.clone();
    let thread = std::thread::Builder::new()
        .name("onshi-face".into())
        .spawn(move || {
            let mut last_fault: Option<(String, Instant)> = None;
            let retry = s.options.recheck_interval.max(Duration::from_secs(1));
            while !stop2.load(Ordering::SeqCst) {
                let seen = s.face_wake.current();
                match s.faces.take(&s, false) {
                    Ok(Taken { event: Some(e), .. }) => {
                        last_fault = None;
                        let name = e.file_name.clone();
                        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            callback(Ok(e)).into()
                        }));
                        match r {
                            Ok(FaceAck::Ack) => {
                                if let Err(err) = s.faces.ack(&s, &name) {
                                    s.faces.release(&name, retry);
                                    report(&mut callback, &mut last_fault, err);
                                }
                            }
                            Ok(FaceAck::Keep) => {}
                            Ok(FaceAck::Release) | Err(_) => s.faces.release(&name, retry),
                        }
                    }
                    Ok(Taken {
                        event: None,
                        recheck,
                        ..
                    }) => {
                        let step = recheck
                            .unwrap_or(s.options.recheck_interval)
                            .min(s.options.recheck_interval);
                        s.face_wake.wait_change(seen, step);
                    }
                    Err(err) => {
                        report(&mut callback, &mut last_fault, err);
                        s.face_wake.wait_change(seen, retry);
                    }
                }
            }
        })
        .ok();
    FaceSubscription {
        stop,
        thread,
        shared,
    }
}

/// Tells the callback about a fault once, and again every [`FAULT_REPEAT`] while it lasts.
fn report<F, R>(callback: &mut F, last: &mut Option<(String, Instant)>, err: TerminalError)
where
    F: FnMut(Result<FaceEvent, TerminalError>) -> R,
{
    let text = err.to_string();
    let repeat = match last {
        Some((t, at)) => *t != text || at.elapsed() >= FAULT_REPEAT,
        None => true,
    };
    if repeat {
        *last = Some((text, Instant::now()));
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = callback(Err(err));
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_names_and_times() {
        assert!(is_face_name(
            "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml"
        ));
        assert!(is_face_name("OQSsiquc01res_face_auto_20260929160112.xml"));
        assert!(is_face_name("OQSsiquc01res_face_20260929160112.XML"));
        assert!(!is_face_name("OQSsiquc01res_face_.xml"));
        assert!(!is_face_name("OQSsiquc01res_1.xml"));
        assert!(!is_face_name("notes.txt"));
        let t = name_time("OQSsiquc01res_face_auto_20260929160112.xml", None).unwrap();
        assert_eq!(t.to_string(), "2026-09-29 16:01:12");
        assert!(name_time("OQSsiquc01res_face_auto.xml", None).is_none());
        assert!(check_name("OQSsiquc01res_face_x/../y.xml").is_err());
    }

    #[test]
    fn ack_conversions() {
        assert_eq!(FaceAck::from(()), FaceAck::Ack);
        assert_eq!(FaceAck::from(false), FaceAck::Release);
        let e = FaceFileError::new(FaceFileErrorKind::NotRegular, "fifo");
        assert_eq!(e.code(), 415);
        assert!(e.message_ja("f.xml").contains("f.xml"));
    }
}
