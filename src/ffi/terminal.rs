//! `onshi_client` and `onshi_emulator`: the req/res/face folder client of the 資格確認端末,
//! and the faithful terminal emulator for vendors' own tests — adapters over
//! [`crate::terminal`]; and `onshi_cancel_token`, which cancels the client's waits.
//!
//! Requests and answers are `onshi_document`s. A ticket (what `onshi_client_submit` gives
//! back) is a JSON text the EMR can keep with the visit and wait on later, even after a
//! restart. Face results arrive by poll (`onshi_client_next_face`) or by callback
//! (`onshi_client_on_face`).
//!
//! **Face results are acknowledged.** A face result handed out (by `onshi_client_next_face`
//! or to the callback) is claimed, not consumed: it is acknowledged with
//! `onshi_client_ack_face` (or by the callback's return value), and one never acknowledged —
//! the program crashed, or released it — is delivered again, to this or the next client. Its
//! file name is the idempotency key.
//!
//! **Threads.** A client is shared by every thread of the EMR: its calls run concurrently
//! (they do not wait for each other), each reports its own outcome in the `onshi_error *`
//! it is given, and `onshi_client_free` while other threads wait on the client cancels their
//! waits (`ONSHI_TERMINAL_CANCELLED`), waits for them to return, and only then frees. A
//! blocking call (`_wait`, `_query`, `_next_face`, `_bulk`, `_document`) takes an optional
//! `onshi_cancel_token`.
//!
//! **Inside the face callback** (on the library's delivery thread) the blocking calls and
//! `_on_face` on the same client return `ONSHI_IN_CALLBACK` at once instead of holding up
//! delivery; `_stop_face` and `_free` work there: delivery stops when the callback returns,
//! and the delivery thread then ends on its own.

use super::document::{DocValue, ENCODING, FAMILY, onshi_document, onshi_encoding, onshi_family};
use super::enums::{PRESENTATION, onshi_presentation};
use super::error::{onshi_error, with_error};
use super::field::{onshi_date, onshi_datetime};
use super::handle::{
    Castable, Out, TextOut, bytes_in, call, free, handle_ref, into_raw, lock, method, read_in,
    text_in,
};
use super::panic::{Failure, guard_or, quietly};
use super::qualification::onshi_qualification;
use super::reception::onshi_report_format;
use super::record::{self, Json};
use super::status::*;
use crate::codes::{FileCategory, MedicalTreatmentFlag};
use crate::ids::{MedicalInstitutionCode, Mode};
use crate::model::{CardKey, DocumentQuery, Qualification};
use crate::reception::usage::UsageReport;
use crate::reception::{Visit, VisitOrigin};
use crate::terminal::{
    Behaviour, BulkOptions, Cancel, CipherError, Client, ClientOptions, CommandLine, Dataset,
    DoctorOptions, DocumentAnswer, DocumentKind, Emulator, EmulatorConfig, ExternalCommand,
    FaceAck, FaceEvent, FaceNames, FaceSubscription, FileCipher, Layout, ProcessedPolicy,
    SkippedFile, TerminalError, Ticket, WaitLimit,
};
use crate::xml::{DocumentRequest, Encoding, Family, Message, MessageKind};
use serde::Deserialize;
use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---- cancellation ----

/// A cancel token: pass it to a blocking client call (`onshi_client_wait`, `_query`,
/// `_next_face`, `_bulk`, `_document`); `onshi_cancel_token_cancel` from any thread makes
/// the calls waiting with it return `ONSHI_TERMINAL_CANCELLED` at once (a bulk flow at its
/// next step). Nothing is lost by cancelling: a submitted request stays pending and can be
/// waited on again.
///
/// Methods: `onshi_cancel_token_new`, `_free`, `_cancel`, `_is_cancelled`, `_reset`.
///
/// Threads: a token may be shared between threads. Freeing it does not cancel the calls
/// using it; they keep it until they return.
pub struct onshi_cancel_token {
    _private: [u8; 0],
}

/// What an `onshi_cancel_token` holds: its state, and the calls waiting with it now (each
/// has a [`Cancel`] of its own, also cancelled when its client is freed).
#[derive(Debug, Default)]
pub(crate) struct CancelValue {
    cancelled: AtomicBool,
    calls: Mutex<HashMap<u64, Cancel>>,
}

impl CancelValue {
    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        for c in lock(&self.calls).values() {
            c.cancel();
        }
    }
}

impl Castable for onshi_cancel_token {
    type Rust = CancelValue;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCNL");
}

/// Creates a cancel token, not cancelled.
///
/// The caller owns the returned handle and must free it with onshi_cancel_token_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_cancel_token_new(out: *mut *mut onshi_cancel_token) -> onshi_status {
    super::panic::guard(|| {
        Out::new(out)?.set(into_raw::<onshi_cancel_token>(CancelValue::default()));
        Ok(())
    })
}

/// Frees a cancel token (calls still waiting with it keep it until they return).
///
/// NULL is accepted. A second free of the same pointer is detected and ignored.
///
/// # Safety
/// `t` is any value; only a live `onshi_cancel_token` is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_cancel_token_free(t: *mut onshi_cancel_token) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(t) })
}

/// Cancels: every call waiting with this token, now or later, returns
/// `ONSHI_TERMINAL_CANCELLED` until `onshi_cancel_token_reset`. Safe from any thread, also
/// from a face callback.
///
/// # Safety
/// `t` is any value; only a live `onshi_cancel_token` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_cancel_token_cancel(t: *const onshi_cancel_token) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(t, |t| {
            t.cancel();
            Ok(())
        })
    }
}

/// Tells whether the token was cancelled.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `t` is any value; only a live `onshi_cancel_token` is read; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_cancel_token_is_cancelled(
    t: *const onshi_cancel_token,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(t, |t| {
            Out::new(out)?.set(t.is_cancelled());
            Ok(())
        })
    }
}

/// Makes the token usable again (not cancelled). Calls that already returned
/// `ONSHI_TERMINAL_CANCELLED` stay cancelled.
///
/// # Safety
/// `t` is any value; only a live `onshi_cancel_token` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_cancel_token_reset(t: *const onshi_cancel_token) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(t, |t| {
            t.cancelled.store(false, Ordering::SeqCst);
            Ok(())
        })
    }
}

/// The token of a call (NULL: none). The call keeps the token's value, not the handle, so
/// freeing the token meanwhile neither waits for the call nor breaks it.
///
/// # Safety
/// `t` is any value; only a live `onshi_cancel_token` is used.
unsafe fn token(t: *const onshi_cancel_token) -> Result<Option<Arc<CancelValue>>, Failure> {
    if t.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    Ok(Some(unsafe { handle_ref(t) }?.value.share()))
}

static CALL_SERIAL: AtomicU64 = AtomicU64::new(1);

/// The cancellation of one blocking call: a [`Cancel`] of its own, cancelled by the
/// caller's token or by `onshi_client_free`; unlinked from both when dropped.
struct CallCancel<'a> {
    id: u64,
    cancel: Cancel,
    client: &'a ClientValue,
    token: Option<Arc<CancelValue>>,
}

impl<'a> CallCancel<'a> {
    fn new(client: &'a ClientValue, token: Option<Arc<CancelValue>>) -> CallCancel<'a> {
        let id = CALL_SERIAL.fetch_add(1, Ordering::Relaxed);
        let cancel = Cancel::new();
        // Linked first, then the flags read: a cancel in between is seen one way or the other.
        lock(&client.calls).insert(id, cancel.clone());
        if let Some(t) = &token {
            lock(&t.calls).insert(id, cancel.clone());
        }
        if client.closing.load(Ordering::SeqCst) || token.as_ref().is_some_and(|t| t.is_cancelled())
        {
            cancel.cancel();
        }
        CallCancel {
            id,
            cancel,
            client,
            token,
        }
    }

    /// A wait of `timeout`, cancelled with this call.
    fn limit(&self, timeout: Duration) -> WaitLimit {
        WaitLimit::new(timeout).with_cancel(&self.cancel)
    }

    /// The failure of a call, saying who cancelled it.
    fn failure(&self, e: TerminalError) -> Failure {
        if !matches!(e, TerminalError::Cancelled { .. }) {
            return e.into();
        }
        let who = if self.client.closing.load(Ordering::SeqCst) {
            "cancelled: another thread freed the client during the call (the ticket stays pending)"
        } else {
            "cancelled by the call's onshi_cancel_token (the ticket stays pending)"
        };
        let staff = crate::Diagnostic::staff_message_ja(&e);
        Failure::new(e.code(), who).with_staff(staff)
    }
}

impl Drop for CallCancel<'_> {
    fn drop(&mut self) {
        lock(&self.client.calls).remove(&self.id);
        if let Some(t) = &self.token {
            lock(&t.calls).remove(&self.id);
        }
    }
}

// ---- client ----

/// A client of the 資格確認端末's shared folders (`req/`, `res/`, `face/` under one root).
///
/// Methods: `onshi_client_open`, `_free`, `_last_error`, `_submit`, `_wait`, `_query`,
/// `_next_face`, `_on_face`, `_stop_face`, `_bulk`, `_document`, `_doctor`, `_doctor_text`.
///
/// Threads: every method may be called from any thread, concurrently on one client; see the
/// module documentation for `_free` while other threads wait, and for calls from inside the
/// face callback.
pub struct onshi_client {
    _private: [u8; 0],
}

/// What an `onshi_client` holds.
pub(crate) struct ClientValue {
    client: Client,
    /// Identifies this client to its face callback (see [`IN_FACE_CALLBACK`]).
    serial: u64,
    face: Mutex<Option<Delivery>>,
    /// Set by `onshi_client_free`: blocking calls in progress return
    /// `ONSHI_TERMINAL_CANCELLED`.
    closing: AtomicBool,
    /// The blocking calls in progress, to cancel on `onshi_client_free`.
    calls: Mutex<HashMap<u64, Cancel>>,
    /// Face results `onshi_client_next_face` handed out and not acknowledged yet, by file
    /// name (for `onshi_client_release_face`).
    handed_out: Mutex<HashMap<String, FaceEvent>>,
    /// Skipped face files not yet handed to the caller by `onshi_client_skipped_faces`.
    skipped: Mutex<Vec<SkippedFile>>,
}

/// Face delivery by callback.
struct Delivery {
    sub: FaceSubscription,
    /// Set when delivery is stopped from inside the callback: no further call of it.
    stopped: Arc<AtomicBool>,
}

static CLIENT_SERIAL: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The serial of the client whose face callback this thread is running (0: none).
    static IN_FACE_CALLBACK: Cell<u64> = const { Cell::new(0) };
}

impl Castable for onshi_client {
    type Rust = ClientValue;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCLI");

    fn close(c: &ClientValue) {
        c.closing.store(true, Ordering::SeqCst);
        for call in lock(&c.calls).values() {
            call.cancel();
        }
        c.stop_face();
    }
}

impl ClientValue {
    fn new(client: Client) -> ClientValue {
        ClientValue {
            client,
            serial: CLIENT_SERIAL.fetch_add(1, Ordering::Relaxed),
            face: Mutex::new(None),
            closing: AtomicBool::new(false),
            calls: Mutex::new(HashMap::new()),
            handed_out: Mutex::new(HashMap::new()),
            skipped: Mutex::new(Vec::new()),
        }
    }

    /// `true` on this client's face delivery thread, during the callback.
    fn in_callback(&self) -> bool {
        IN_FACE_CALLBACK.with(|c| c.get() == self.serial)
    }

    /// Refuses `what` from inside this client's face callback.
    fn not_in_callback(&self, what: &str) -> Result<(), Failure> {
        if self.in_callback() {
            return Err(Failure::new(
                ONSHI_IN_CALLBACK,
                format!(
                    "{what} cannot be called from inside this client's face callback: it would \
                     hold up face delivery; return from the callback first (onshi_client_stop_face \
                     and onshi_client_free are allowed there)"
                ),
            ));
        }
        Ok(())
    }

    /// Stops face delivery by callback, if any. On the delivery thread itself (the callback
    /// stops its own delivery) the thread ends on its own once the callback returns.
    fn stop_face(&self) {
        let Some(d) = lock(&self.face).take() else {
            return;
        };
        d.stopped.store(true, Ordering::SeqCst);
        d.sub.stop();
    }

    /// Waits for a ticket's answer: the document, with the answer file's name.
    fn wait(&self, t: &Ticket, timeout: Duration, call: &CallCancel) -> Result<DocValue, Failure> {
        let a = self
            .client
            .wait_answer(t, call.limit(timeout))
            .map_err(|e| call.failure(e))?;
        match a.value {
            crate::terminal::Reply::Message(m) => Ok(DocValue {
                file_name: Some(a.file_name),
                ..DocValue::new(m)
            }),
            _ => Err(TerminalError::UnexpectedAnswer {
                file: a.file_name,
                expected: "XML",
            }
            .into()),
        }
    }
}

/// A submitted request: everything needed to collect its answer, in this process or after a
/// restart. Keep its JSON (`onshi_ticket_to_json`) with the visit; read it back with
/// `onshi_ticket_from_json`.
///
/// Methods: `onshi_ticket_free`, `_to_json`, `_from_json`, `_last_error`,
/// `_request_file`, `_response_file`; and `onshi_client_submit`, `onshi_client_wait`.
pub struct onshi_ticket {
    _private: [u8; 0],
}

impl Castable for onshi_ticket {
    type Rust = Ticket;
    const TAG: u64 = u64::from_le_bytes(*b"onshiTIC");
}

impl Json for Ticket {
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The terminal emulator: answers requests in `req/` from a dataset, pushes face results.
///
/// Methods: `onshi_emulator_start`, `_free`, `_stop`, `_last_error`, `_push_face`,
/// `_set_behaviour`, `_get_stats`, `_persons_json`.
///
/// Threads: an emulator may be shared between threads.
pub struct onshi_emulator {
    _private: [u8; 0],
}

impl Castable for onshi_emulator {
    type Rust = Emulator;
    const TAG: u64 = u64::from_le_bytes(*b"onshiEMU");

    fn close(e: &Emulator) {
        e.shutdown();
    }
}

/// How the emulated terminal behaves: one of the `ONSHI_BEHAVIOUR_*` values.
#[allow(non_camel_case_types)]
pub type onshi_behaviour = u32;
/// Takes requests and answers them.
pub const ONSHI_BEHAVIOUR_NORMAL: onshi_behaviour = 1;
/// The 連携アプリケーション is not running: requests stay in `req/`.
pub const ONSHI_BEHAVIOUR_DOWN: onshi_behaviour = 2;
/// Takes requests but never answers.
pub const ONSHI_BEHAVIOUR_SILENT: onshi_behaviour = 3;

/// Which consent-gated document `onshi_client_document` retrieves: one of the
/// `ONSHI_DOCUMENT_KIND_*` values.
#[allow(non_camel_case_types)]
pub type onshi_document_kind = u32;
/// 薬剤情報 (`YZKsiquc`), gated by the `PharmacistsInfo` consent.
pub const ONSHI_DOCUMENT_KIND_DRUG_INFO: onshi_document_kind = 1;
/// 特定健診情報 (`TKKsiquc`), gated by the `SpecificHealthCheckupsInfo` consent.
pub const ONSHI_DOCUMENT_KIND_CHECKUP: onshi_document_kind = 2;

fn document_kind(kind: onshi_document_kind) -> Result<DocumentKind, Failure> {
    match kind {
        ONSHI_DOCUMENT_KIND_DRUG_INFO => Ok(DocumentKind::DrugInfo),
        ONSHI_DOCUMENT_KIND_CHECKUP => Ok(DocumentKind::Checkup),
        k => Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            format!("{k} is not an ONSHI_DOCUMENT_KIND_* value"),
        )),
    }
}

/// Options of the bulk two-phase flow (`onshi_client_bulk`); 0 in a field is its default.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct onshi_bulk_options {
    /// Give up when the whole flow takes longer (default 600 000 ms).
    pub deadline_ms: u32,
    /// Wait for each single answer at most this long (default 60 000 ms).
    pub step_timeout_ms: u32,
    /// First wait between two polls while the terminal says 処理中 (default 2 000 ms).
    pub initial_backoff_ms: u32,
    /// Longest wait between two polls (default 60 000 ms).
    pub max_backoff_ms: u32,
}

/// What the emulator did so far (`onshi_emulator_get_stats`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct onshi_emulator_stats {
    /// Requests taken from `req/`.
    pub taken: u64,
    /// Answers written into `res/`.
    pub answered: u64,
    /// Requests rejected with `.err`.
    pub rejected: u64,
    /// Face results pushed.
    pub faces: u64,
}

/// Called for each face result (a patient used their card at the face-recognition reader):
/// `userdata` as given to `onshi_client_on_face`; `doc` the 資格確認結果 (valid only during the
/// call: copy it with `onshi_document_clone` to keep it; its file name is the idempotency
/// key), or NULL when a face file could not be read or the folders fail (unreadable `face/`,
/// journal not writable: reported again every minute while it lasts), then `status` says
/// why (`ONSHI_OK` otherwise).
///
/// It returns what to do with the result (`onshi_face_ack`): `ONSHI_FACE_ACK` (processed:
/// never delivered again), `ONSHI_FACE_RELEASE` (deliver it again shortly; also for any
/// unknown value) or `ONSHI_FACE_KEEP` (acknowledged later with `onshi_client_ack_face`).
/// A result the EMR never acknowledged is delivered again after a restart. With `doc` NULL
/// the return value does not matter.
///
/// It runs on a thread of the library, one result at a time, and must return promptly: on
/// the same client, the blocking calls and `onshi_client_on_face` return `ONSHI_IN_CALLBACK`
/// from inside it; `onshi_client_ack_face`, `onshi_client_stop_face` and `onshi_client_free`
/// may be called (delivery ends when the callback returns). It must not let an exception or a
/// `longjmp` escape.
#[allow(non_camel_case_types)]
pub type onshi_face_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        doc: *const onshi_document,
        status: onshi_status,
    ) -> onshi_face_ack,
>;

/// A program and its arguments, as JSON: `["prog", "arg", …]`.
fn command_line(v: Option<Vec<String>>) -> Result<Option<CommandLine>, Failure> {
    let Some(mut v) = v else { return Ok(None) };
    if v.is_empty() {
        return Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            "a command is a non-empty array: [program, arguments…]",
        ));
    }
    let program = v.remove(0);
    Ok(Some(CommandLine {
        program: program.into(),
        args: v,
    }))
}

/// The external decryption / encryption programs of the options JSON.
fn external(
    decrypt: Option<Vec<String>>,
    encrypt: Option<Vec<String>>,
    timeout_ms: Option<u64>,
) -> Result<Option<Arc<dyn FileCipher>>, Failure> {
    let (decrypt, encrypt) = (command_line(decrypt)?, command_line(encrypt)?);
    if decrypt.is_none() && encrypt.is_none() {
        return Ok(None);
    }
    Ok(Some(Arc::new(ExternalCommand {
        decrypt,
        encrypt,
        timeout: Duration::from_millis(timeout_ms.unwrap_or(20_000)),
    })))
}

/// Client options as JSON.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ClientJson {
    decrypt_command: Option<Vec<String>>,
    encrypt_command: Option<Vec<String>>,
    hook_timeout_ms: Option<u64>,
    err_depth: Option<u32>,
    medical_institution_code: Option<String>,
    encoding: Option<Encoding>,
    create_folders: Option<bool>,
    processed: Option<ProcessedPolicy>,
    face_processed: Option<ProcessedPolicy>,
    settle_timeout_ms: Option<u64>,
    recheck_interval_ms: Option<u64>,
    durable_writes: Option<bool>,
}

fn client_options(json: &str) -> Result<ClientOptions, Failure> {
    let j: ClientJson = if json.trim().is_empty() {
        ClientJson::default()
    } else {
        serde_json::from_str(json)?
    };
    let mut o = ClientOptions::default();
    if let Some(c) = j.medical_institution_code {
        o.medical_institution_code = Some(MedicalInstitutionCode::parse(&c, Mode::Strict)?);
    }
    if let Some(e) = j.encoding {
        o.encoding = e;
    }
    if let Some(b) = j.create_folders {
        o.create_folders = b;
    }
    if let Some(p) = j.processed {
        o.processed = p;
    }
    if let Some(p) = j.face_processed {
        o.face_processed = p;
    }
    if let Some(ms) = j.settle_timeout_ms {
        o.settle_timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = j.recheck_interval_ms {
        o.recheck_interval = Duration::from_millis(ms);
    }
    if let Some(b) = j.durable_writes {
        o.durable_writes = b;
    }
    if let Some(d) = j.err_depth {
        o.err_depth = d;
    }
    if let Some(ms) = j.hook_timeout_ms {
        o.hook_timeout = Duration::from_millis(ms);
    }
    o.cipher = external(j.decrypt_command, j.encrypt_command, j.hook_timeout_ms)?;
    Ok(o)
}

/// Opens a client over the terminal's shared folder `root` (UTF-8 path; UNC paths work).
/// `options_json` `(NULL, 0)` for the defaults, or a JSON object with any of
/// `"medical_institution_code"` (written into requests that lack one), `"encoding"`
/// (`"utf8"`/`"shift_jis"`, of requests), `"create_folders"` (create `req/res/face` when
/// missing; off by default, since a missing folder means a wrong root), `"processed"` and
/// `"face_processed"` (`"delete"`, `"archive"`, `"leave"`), `"settle_timeout_ms"`,
/// `"recheck_interval_ms"`, `"durable_writes"`, `"err_depth"` (how deep below `res/` an
/// `.err` is looked for; default 2), and the vendor's external decryption / encryption
/// programs for a terminal that encrypts its files (`encrypt.conf`): `"decrypt_command"`
/// and `"encrypt_command"` (`["program", "arg", …]`: the file on its stdin, the result on
/// its stdout; `ONSHI_FILE_NAME` names the file), `"hook_timeout_ms"` (default 20 000).
/// `onshi_client_set_cipher` sets a callback instead.
///
/// Returns `ONSHI_TERMINAL_MISSING_FOLDER` when a folder does not exist, `ONSHI_JSON` for bad
/// options.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_client_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; each text is NULL or readable for its length;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_open(
    err: *mut onshi_error,
    root: *const u8,
    root_len: usize,
    options_json: *const u8,
    options_len: usize,
    out: *mut *mut onshi_client,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let root = text_in(root, root_len)?;
            let options = client_options(text_in(options_json, options_len)?)?;
            let client = Client::open(Layout::new(root), options)?;
            out.set(into_raw::<onshi_client>(ClientValue::new(client)));
            Ok(())
        })
    }
}

/// Frees a client: cancels the blocking calls other threads are making on it (they return
/// `ONSHI_TERMINAL_CANCELLED`), stops face delivery (waiting for a callback in progress, unless called
/// from that callback), waits until those calls have returned, and stops the folder watchers.
/// Pending tickets stay in the journal for the next client.
///
/// NULL is accepted. A second free of the same pointer is detected and ignored.
///
/// # Safety
/// `c` is any value; only a live `onshi_client` is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_free(c: *mut onshi_client) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(c) })
}

/// Copies the English detail of the most recent failed call on this client ("" if none
/// failed), UTF-8. With several threads on one client, prefer the `onshi_error *` of each
/// call (this is whichever failed last); `onshi_error_from_handle` gives all three parts.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is any value; only a live `onshi_client` is read; `buf` is NULL or writable for `cap`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_last_error(
    c: *const onshi_client,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(c, buf, cap, out_len) }
}

fn family_for(family: onshi_family, m: &Message) -> Result<Family, Failure> {
    if family != 0 {
        return FAMILY.parse_num(family);
    }
    match m.kind() {
        MessageKind::QualificationRequest => Ok(Family::Individual),
        MessageKind::ReferenceNumberRequest => Ok(Family::ReferenceNumber),
        k => Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            format!("a {} needs its family (ONSHI_FAMILY_*)", k.label()),
        )),
    }
}

/// A method of the client with a per-call error object: the outcome goes to `err` (NULL
/// accepted) and to the client's last error.
///
/// # Safety
/// `c` and `err` are any values; only live handles of their types are used.
unsafe fn client_call(
    c: *const onshi_client,
    err: *mut onshi_error,
    f: impl FnOnce(&ClientValue) -> Result<(), Failure>,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { with_error(err, || call(c, f)) }
}

/// Writes a request into `req/` (atomically: the terminal never sees a partial file) and
/// gives its ticket: wait for the answer with `onshi_client_wait`, now or after a restart
/// (keep `onshi_ticket_to_json`). `family` 0: 個別照会 for a 資格確認要求, 照会番号登録 for a
/// 照会番号登録要求; else an `ONSHI_FAMILY_*` value (bulk uploads, 薬剤情報 …). Allowed in the
/// face callback.
///
/// Returns `ONSHI_TERMINAL_INVALID_REQUEST` for a message that does not fit the family,
/// `ONSHI_TERMINAL_IO` when `req/` cannot be written.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_ticket_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c`, `err` and `request` are any values (only live handles are used); `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_submit(
    c: *const onshi_client,
    err: *mut onshi_error,
    request: *const onshi_document,
    family: onshi_family,
    out: *mut *mut onshi_ticket,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            let out = Out::new(out)?;
            let doc = &handle_ref(request)?.value;
            let family = family_for(family, &doc.message)?;
            let ticket = c.client.submit(family, &doc.message)?;
            out.set(into_raw::<onshi_ticket>(ticket));
            Ok(())
        })
    }
}

/// Frees a ticket (the request stays pending in the client's journal).
///
/// NULL is accepted. A second free of the same pointer is detected and ignored.
///
/// # Safety
/// `t` is any value; only a live `onshi_ticket` is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_ticket_free(t: *mut onshi_ticket) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(t) })
}

/// Copies the ticket as JSON (`{"request_file", "family", "phase",
/// "arbitrary_file_identifier", "submitted_at"}`), UTF-8: store it with the visit.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `t` is any value; only a live `onshi_ticket` is read; `buf` is NULL or writable for `cap`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_ticket_to_json(
    t: *const onshi_ticket,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(t, buf, cap, out_len) }
}

/// Copies the name of the ticket's request file in `req/` (`OQSsiquc01req_….xml`), ASCII.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `t` is any value; only a live `onshi_ticket` is read; `buf` is NULL or writable for `cap`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_ticket_request_file(
    t: *const onshi_ticket,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(t, |t| {
            TextOut::new(buf, cap, out_len)?.write(&t.request_file)
        })
    }
}

/// Copies the name of the answer file the ticket waits for in `res/`
/// (`OQSsiquc01res_….xml`), ASCII: the id of the result to keep with the history
/// (`result_id` of `onshi_history_apply`). The answer document of `onshi_client_wait` carries
/// the same name (`ONSHI_FIELD_DOCUMENT_FILE_NAME`).
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `t` is any value; only a live `onshi_ticket` is read; `buf` is NULL or writable for `cap`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_ticket_response_file(
    t: *const onshi_ticket,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(t, |t| {
            TextOut::new(buf, cap, out_len)?.write(&t.response_file())
        })
    }
}

/// Reads a ticket from its JSON.
///
/// Returns `ONSHI_JSON` when the text is not a ticket.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_ticket_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `json` is NULL or readable for `json_len` bytes;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_ticket_from_json(
    err: *mut onshi_error,
    json: *const u8,
    json_len: usize,
    out: *mut *mut onshi_ticket,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let t: Ticket = serde_json::from_str(text_in(json, json_len)?)?;
            out.set(into_raw::<onshi_ticket>(t));
            Ok(())
        })
    }
}

/// Copies the message of the most recent failed call on this ticket ("" if none failed),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `t` is any value; only a live `onshi_ticket` is read; `buf` is NULL or writable for `cap`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_ticket_last_error(
    t: *const onshi_ticket,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(t, buf, cap, out_len) }
}

fn ms(n: u32) -> Duration {
    Duration::from_millis(u64::from(n))
}

/// Waits up to `timeout_ms` for the answer of a ticket. The answer's file name is the
/// document's `ONSHI_FIELD_DOCUMENT_FILE_NAME`.
///
/// Returns `ONSHI_TERMINAL_NOT_ANSWERING` when no answer came in time (the ticket stays
/// pending; the staff message says what to check), `ONSHI_TERMINAL_REJECTED` when the
/// terminal rejected the request (`.err`), `ONSHI_TERMINAL_BAD_ANSWER` or
/// `ONSHI_TERMINAL_MISMATCH` for an answer that cannot be used, `ONSHI_TERMINAL_CANCELLED` when
/// `cancel` was cancelled or another thread freed the client (the ticket stays pending),
/// `ONSHI_IN_CALLBACK` inside this client's face callback.
/// `err`: NULL is accepted. `cancel`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c`, `err`, `ticket` and `cancel` are any values (only live handles are used); `out` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_wait(
    c: *const onshi_client,
    err: *mut onshi_error,
    ticket: *const onshi_ticket,
    timeout_ms: u32,
    cancel: *const onshi_cancel_token,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            c.not_in_callback("onshi_client_wait")?;
            let out = Out::new(out)?;
            let call = CallCancel::new(c, token(cancel)?);
            let t = &handle_ref(ticket)?.value;
            let d = c.wait(t, ms(timeout_ms), &call)?;
            out.set(into_raw::<onshi_document>(d));
            Ok(())
        })
    }
}

/// Submits a request and waits up to `timeout_ms` for its answer (`onshi_client_submit`
/// then `onshi_client_wait`). `family` as for `onshi_client_submit`. The answer's file name is
/// the document's `ONSHI_FIELD_DOCUMENT_FILE_NAME`.
///
/// Returns the statuses of both. After `ONSHI_TERMINAL_NOT_ANSWERING` or `ONSHI_TERMINAL_CANCELLED`
/// the request stays pending in the journal (`onshi_client_submit` gives a ticket to wait on
/// again).
/// `err`: NULL is accepted. `cancel`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c`, `err`, `request` and `cancel` are any values (only live handles are used); `out` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_query(
    c: *const onshi_client,
    err: *mut onshi_error,
    request: *const onshi_document,
    family: onshi_family,
    timeout_ms: u32,
    cancel: *const onshi_cancel_token,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            c.not_in_callback("onshi_client_query")?;
            let out = Out::new(out)?;
            let call = CallCancel::new(c, token(cancel)?);
            let doc = &handle_ref(request)?.value;
            let family = family_for(family, &doc.message)?;
            if call.cancel.is_cancelled() {
                return Err(call.failure(TerminalError::Cancelled {
                    what: "the query".into(),
                }));
            }
            let ticket = c.client.submit(family, &doc.message)?;
            let d = c.wait(&ticket, ms(timeout_ms), &call)?;
            out.set(into_raw::<onshi_document>(d));
            Ok(())
        })
    }
}

fn face_doc(e: &FaceEvent) -> Result<DocValue, Failure> {
    match &e.result {
        Ok(r) => Ok(DocValue {
            file_name: Some(e.file_name.clone()),
            ..DocValue::new(Message::QualificationResponse(r.clone()))
        }),
        Err(why) => Err(Failure::new(
            why.code(),
            format!("face file {} cannot be read: {why}", e.file_name),
        )
        .with_staff(crate::Diagnostic::staff_message_ja(why))),
    }
}

/// Waits up to `timeout_ms` (0: just look) for the next face result not acknowledged
/// before, and claims it: the document (its file name, the idempotency key, is
/// `ONSHI_FIELD_DOCUMENT_FILE_NAME`). Acknowledge it with `onshi_client_ack_face` once the
/// EMR has processed it; until then no other client takes it, and if the program ends first
/// it is delivered again (to the next client on this folder). `onshi_client_release_face`
/// gives it back at once.
///
/// Returns `ONSHI_NOT_PRESENT` when none came in time; for a face file that cannot be read,
/// its status (`ONSHI_TERMINAL_BAD_ANSWER`, `_TOO_LARGE`, `_NOT_REGULAR_FILE`, `_SYMLINK`;
/// the message names it) — reported once: it counts as acknowledged and stays in `face/`;
/// `ONSHI_TERMINAL_IO` and the like for a fault of the folders (reported each call while it
/// lasts); `ONSHI_TERMINAL_CANCELLED`; `ONSHI_IN_CALLBACK` inside this client's face
/// callback.
/// `err`: NULL is accepted. `cancel`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c`, `err` and `cancel` are any values (only live handles are used); `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_next_face(
    c: *const onshi_client,
    err: *mut onshi_error,
    timeout_ms: u32,
    cancel: *const onshi_cancel_token,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            c.not_in_callback("onshi_client_next_face")?;
            let out = Out::new(out)?;
            let call = CallCancel::new(c, token(cancel)?);
            let e = c
                .client
                .next_face(call.limit(ms(timeout_ms)))
                .map_err(|e| call.failure(e))?
                .ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            match face_doc(&e) {
                Ok(d) => {
                    lock(&c.handed_out).insert(e.file_name.clone(), e);
                    out.set(into_raw::<onshi_document>(d));
                    Ok(())
                }
                Err(f) => {
                    // Reported now, once: the broken file stays in face/ (no policy touches it).
                    c.client.ack_face(&e)?;
                    Err(f)
                }
            }
        })
    }
}

/// Acknowledges the face result with file name `file_name` (`ONSHI_FIELD_DOCUMENT_FILE_NAME`
/// of the document `onshi_client_next_face` gave, or one kept from an earlier run): it is
/// never delivered again, by any client on this folder, and the face policy applies to its
/// file. Idempotent. Allowed in the face callback (for a result it kept with
/// `ONSHI_FACE_KEEP`).
///
/// Returns `ONSHI_TERMINAL_IO` when the acknowledgement cannot be written (it is then not
/// acknowledged: try again), `ONSHI_TERMINAL_INVALID_REQUEST` for a name that is not a face
/// file name.
/// `err`: NULL is accepted.
///
/// # Safety
/// `c` and `err` are any values (only live handles are used); `file_name` is NULL or
/// readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_ack_face(
    c: *const onshi_client,
    err: *mut onshi_error,
    file_name: *const u8,
    len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            let name = text_in(file_name, len)?;
            c.client.ack_face_file(name)?;
            lock(&c.handed_out).remove(name);
            Ok(())
        })
    }
}

/// Gives a face result `onshi_client_next_face` handed out back without acknowledging it
/// (the EMR could not process it now): it is delivered again at once.
///
/// Returns `ONSHI_NOT_PRESENT` when this client did not hand out (or already acknowledged)
/// a result of that name.
/// `err`: NULL is accepted.
///
/// # Safety
/// `c` and `err` are any values (only live handles are used); `file_name` is NULL or
/// readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_release_face(
    c: *const onshi_client,
    err: *mut onshi_error,
    file_name: *const u8,
    len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            let name = text_in(file_name, len)?;
            let e = lock(&c.handed_out).remove(name).ok_or_else(|| {
                Failure::new(
                    ONSHI_NOT_PRESENT,
                    format!("no face result {name} is handed out and unacknowledged here"),
                )
            })?;
            c.client.release_face(&e);
            Ok(())
        })
    }
}

/// What the face callback returns: one of the `ONSHI_FACE_*` values.
#[allow(non_camel_case_types)]
pub type onshi_face_ack = u32;
/// Processed: acknowledge it now (never delivered again), then apply the face policy.
pub const ONSHI_FACE_ACK: onshi_face_ack = 0;
/// Not processed: hand it out again (after a short pause). Any value other than these
/// three counts as this one, so nothing is lost by a wrong return value.
pub const ONSHI_FACE_RELEASE: onshi_face_ack = 1;
/// Keep it claimed: the program acknowledges it later with `onshi_client_ack_face` (e.g.
/// after an asynchronous save); if it never does, it is delivered again after a restart.
pub const ONSHI_FACE_KEEP: onshi_face_ack = 2;

fn face_ack(v: onshi_face_ack) -> FaceAck {
    match v {
        ONSHI_FACE_ACK => FaceAck::Ack,
        ONSHI_FACE_KEEP => FaceAck::Keep,
        _ => FaceAck::Release,
    }
}

/// `void *` moved to the delivery thread.
struct UserData(*mut c_void);
// SAFETY: the pointer is only handed back to the caller's callback, as the documentation of
// `onshi_client_on_face` tells the caller.
unsafe impl Send for UserData {}

/// Marks this thread as running the face callback of a client until dropped.
struct InCallback(u64);

impl InCallback {
    fn enter(serial: u64) -> InCallback {
        InCallback(IN_FACE_CALLBACK.with(|c| c.replace(serial)))
    }
}

impl Drop for InCallback {
    fn drop(&mut self) {
        IN_FACE_CALLBACK.with(|c| c.set(self.0));
    }
}

/// Starts delivering face results to `callback` on a library thread (see
/// `onshi_face_callback`), replacing an earlier callback of this client. `userdata` is passed
/// back unchanged (NULL is accepted); it must stay valid until `onshi_client_stop_face` or
/// `onshi_client_free` returns.
///
/// Returns `ONSHI_NULL_PARAMETER` for a NULL callback, `ONSHI_IN_CALLBACK` inside this
/// client's face callback.
///
/// # Safety
/// `c` is any value (only a live `onshi_client` is used); `callback` is NULL or a function
/// that may be called from another thread with `userdata`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_on_face(
    c: *const onshi_client,
    callback: onshi_face_callback,
    userdata: *mut c_void,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            c.not_in_callback("onshi_client_on_face")?;
            let cb = callback.ok_or(Failure::new(
                ONSHI_NULL_PARAMETER,
                "the face callback is NULL",
            ))?;
            let ud = UserData(userdata);
            let serial = c.serial;
            let stopped = Arc::new(AtomicBool::new(false));
            let stop_seen = stopped.clone();
            // The old delivery is stopped without holding the slot: its callback may be
            // calling onshi_client_stop_face right now.
            c.stop_face();
            let sub = c
                .client
                .on_face(move |r: Result<FaceEvent, TerminalError>| {
                    if stop_seen.load(Ordering::SeqCst) {
                        // Stopped from inside the callback: given back, delivered again later.
                        return FaceAck::Release;
                    }
                    let ud = &ud;
                    // A file that cannot be read, or a fault of the folders, is reported with a
                    // NULL document (and such a file counts as acknowledged).
                    let doc = match r {
                        Ok(e) => face_doc(&e),
                        Err(e) => Err(Failure::from(e)),
                    };
                    let mut ack = FaceAck::Release;
                    quietly(|| {
                        let _inside = InCallback::enter(serial);
                        match doc {
                            Ok(d) => {
                                let h = into_raw::<onshi_document>(d);
                                // SAFETY: the caller's callback, with the caller's userdata; `h`
                                // is a live document for the duration of the call.
                                ack = face_ack(cb(ud.0, h, ONSHI_OK));
                                // SAFETY: `h` was made above; a callback that freed it already
                                // is detected by the registry.
                                free(h);
                            }
                            Err(f) => {
                                // SAFETY: as above, with no document.
                                cb(ud.0, std::ptr::null(), f.status);
                                ack = FaceAck::Ack;
                            }
                        }
                    });
                    ack
                });
            let raced = lock(&c.face).replace(Delivery { sub, stopped });
            if let Some(d) = raced {
                // Another thread started a callback meanwhile: the last one wins.
                d.stopped.store(true, Ordering::SeqCst);
                d.sub.stop();
            }
            Ok(())
        })
    }
}

/// Stops face delivery by callback, waiting for a callback in progress. Nothing happens when
/// none was started. From inside the callback it stops delivery when the callback returns
/// (no further result is delivered to it).
///
/// # Safety
/// `c` is any value; only a live `onshi_client` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_stop_face(c: *const onshi_client) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            c.stop_face();
            Ok(())
        })
    }
}

/// Runs the bulk two-phase flow (一括照会 and the other bulk families): writes the upload
/// `request` (a 資格確認要求 with many search blocks, or a 照会番号登録要求), reads the 受付番号,
/// polls while the terminal answers 処理中, and gives the download result (a bulk answer:
/// `ONSHI_LIST_DOCUMENT_UNITS`). `family` must be a bulk `ONSHI_FAMILY_*` value; `options`
/// NULL for the defaults.
///
/// Returns `ONSHI_TERMINAL_BULK_FAILED` (異常終了), `ONSHI_TERMINAL_BULK_DEADLINE` (still 処理中
/// at the deadline: the message holds the 受付番号), `ONSHI_TERMINAL_INVALID_REQUEST` for a
/// family that is not bulk.
/// `ONSHI_TERMINAL_CANCELLED` when `cancel` was cancelled or the client freed (at the next
/// step of the flow), `ONSHI_IN_CALLBACK` inside this client's face callback.
/// `err`: NULL is accepted. `options`: NULL is accepted. `cancel`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c`, `err`, `request` and `cancel` are any values (only live handles are used); `options`
/// is NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_bulk(
    c: *const onshi_client,
    err: *mut onshi_error,
    family: onshi_family,
    request: *const onshi_document,
    options: *const onshi_bulk_options,
    cancel: *const onshi_cancel_token,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            c.not_in_callback("onshi_client_bulk")?;
            let out = Out::new(out)?;
            let call = CallCancel::new(c, token(cancel)?);
            let doc = &handle_ref(request)?.value;
            let family = FAMILY.parse_num(family)?;
            let o = if options.is_null() {
                onshi_bulk_options::default()
            } else {
                read_in(options)?
            };
            let mut b = BulkOptions::default();
            let set = |v: u32, d: &mut Duration| {
                if v != 0 {
                    *d = ms(v);
                }
            };
            set(o.deadline_ms, &mut b.deadline);
            set(o.step_timeout_ms, &mut b.step_timeout);
            set(o.initial_backoff_ms, &mut b.initial_backoff);
            set(o.max_backoff_ms, &mut b.max_backoff);
            b.cancel = Some(call.cancel.clone());
            let outcome = c
                .client
                .bulk(family, &doc.message, &b, &mut |_| {})
                .map_err(|e| call.failure(e))?;
            out.set(into_raw::<onshi_document>(DocValue::new(outcome.message)));
            Ok(())
        })
    }
}

/// The request of `onshi_client_document`: the patient's card numbers, XML, ordinary care,
/// then the caller's JSON overrides (top-level members of a 薬剤情報 / 特定健診情報 request).
fn document_request(q: &Qualification, json: &str) -> Result<DocumentRequest, Failure> {
    let base = DocumentRequest {
        query: DocumentQuery {
            file_category: Some(FileCategory::Xml),
            medical_treatment_flag: Some(MedicalTreatmentFlag::Ordinary),
            ..Default::default()
        },
        card: CardKey {
            insurer_number: q.card.insurer_number.clone(),
            insured_card_symbol: q.card.insured_card_symbol.clone(),
            insured_identification_number: q.card.insured_identification_number.clone(),
            insured_branch_number: q.card.insured_branch_number.clone(),
        },
        ..Default::default()
    };
    if json.trim().is_empty() {
        return Ok(base);
    }
    let serde_json::Value::Object(overrides) = serde_json::from_str(json)? else {
        return Err(Failure::new(
            ONSHI_JSON,
            "the request overrides must be a JSON object",
        ));
    };
    let mut v = serde_json::to_value(&base)?;
    if let serde_json::Value::Object(m) = &mut v {
        m.extend(overrides);
    }
    Ok(serde_json::from_value(v)?)
}

/// Retrieves 薬剤情報 or 特定健診情報 (`kind`: `ONSHI_DOCUMENT_KIND_*`) of `patient` — a
/// qualification from the last 資格確認結果 — if its consent (`PharmacistsInfo` /
/// `SpecificHealthCheckupsInfo`) is valid at `now` (local time of the terminal), waiting up
/// to `timeout_ms` for the answer: the XML document (check its result code; the message
/// contents say why when it is not `1`).
///
/// The request carries the patient's 保険者番号, 記号, 番号 and 枝番, asks for XML and
/// ordinary care; `request_json` `(NULL, 0)` keeps that, or a JSON object replaces members
/// of the request (`"start_month"`, `"end_month"` as `yyyyMM`, `"pr_di_inf_classification"`,
/// `"medical_treatment_flag"`, `"header"` …).
///
/// Returns `ONSHI_TERMINAL_NOT_CONSENTED` when the consent is missing or expired: nothing is
/// written to `req/`, and the staff message of the error is 「情報の提供は同意されていません」
/// followed by what staff can do. Returns `ONSHI_NOT_SUPPORTED` when the request asks for a
/// PDF (not available through the C ABI yet; nothing is written), `ONSHI_JSON` for bad
/// overrides, and the statuses of `onshi_client_query`.
/// `err`: NULL is accepted. `cancel`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c`, `err`, `patient` and `cancel` are any values (only live handles are used);
/// `request_json` is NULL or readable for `request_len` bytes; `now` is NULL or readable;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_document(
    c: *const onshi_client,
    err: *mut onshi_error,
    kind: onshi_document_kind,
    patient: *const onshi_qualification,
    request_json: *const u8,
    request_len: usize,
    now: *const onshi_datetime,
    timeout_ms: u32,
    cancel: *const onshi_cancel_token,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            c.not_in_callback("onshi_client_document")?;
            let out = Out::new(out)?;
            let call = CallCancel::new(c, token(cancel)?);
            let kind = document_kind(kind)?;
            let q = &handle_ref(patient)?.value;
            let request = document_request(q, text_in(request_json, request_len)?)?;
            let now = read_in(now)?.to_naive()?;
            if matches!(
                request.query.file_category,
                Some(FileCategory::Pdf | FileCategory::PdfWithTreatment)
            ) {
                return Err(Failure::new(
                    ONSHI_NOT_SUPPORTED,
                    "PDF documents are not available through the C ABI yet; request XML",
                ));
            }
            let consent = match kind {
                DocumentKind::DrugInfo => &q.consents.pharmacists,
                DocumentKind::Checkup => &q.consents.specific_health_checkups,
            };
            match c
                .client
                .document(kind, consent, request, now, call.limit(ms(timeout_ms)))
                .map_err(|e| call.failure(e))?
            {
                DocumentAnswer::Xml(d) => {
                    out.set(into_raw::<onshi_document>(DocValue::new(
                        Message::DocumentResponse(d),
                    )));
                    Ok(())
                }
                DocumentAnswer::NotConsented(r) => Err(Failure::new(
                    ONSHI_TERMINAL_NOT_CONSENTED,
                    format!(
                        "{} was not requested: the patient's consent is {}",
                        kind.label(),
                        if r.expired { "expired" } else { "missing" }
                    ),
                )
                .with_staff(format!("{}。{}", r.message_ja(), r.advice_ja()))),
                DocumentAnswer::Pdf(_) => Err(Failure::new(
                    ONSHI_TERMINAL_UNEXPECTED_ANSWER,
                    format!("a PDF answered the XML request for {}", kind.label()),
                )),
            }
        })
    }
}

/// Checks the terminal connection (folders exist and are writable, requests are taken,
/// answers and face files are collected, no leftover temporary files, pending tickets, the
/// share's clock) and copies the report as JSON (`{"checks": [{"id", "severity", …}]}`),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_doctor(
    c: *const onshi_client,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = TextOut::new(buf, cap, out_len)?;
            let r = c.client.doctor(&DoctorOptions::default());
            out.write(&serde_json::to_string(&r)?)
        })
    }
}

/// The same check as `onshi_client_doctor`, as a text for staff in Japanese, UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_doctor_text(
    c: *const onshi_client,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = TextOut::new(buf, cap, out_len)?;
            out.write(&c.client.doctor(&DoctorOptions::default()).to_text_ja())
        })
    }
}

// ---- encrypted files ----

/// Which way a cipher callback works: one of the `ONSHI_CIPHER_*` values.
#[allow(non_camel_case_types)]
pub type onshi_cipher_stage = u32;
/// Decrypt a file the terminal wrote (`res/`, `face/`), which is not XML.
pub const ONSHI_CIPHER_DECRYPT: onshi_cipher_stage = 1;
/// Encrypt a request before it is written into `req/`.
pub const ONSHI_CIPHER_ENCRYPT: onshi_cipher_stage = 2;

/// Where a cipher callback writes its result (`onshi_cipher_output_write`); valid only during
/// the call of the callback.
pub struct onshi_cipher_output {
    _private: [u8; 0],
}

impl Castable for onshi_cipher_output {
    type Rust = Mutex<Vec<u8>>;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCIO");
}

/// The vendor's decryption / encryption module as a callback (oqs-2026 §1.1: the terminal may
/// encrypt its files per prefix; onshi never implements a scheme). Called with `userdata` as
/// given to `onshi_client_set_cipher`, the stage (`ONSHI_CIPHER_DECRYPT` for a file of
/// `res/`/`face/` that is not XML, `ONSHI_CIPHER_ENCRYPT` for a request), the file name
/// (UTF-8) and its bytes. It writes the result with `onshi_cipher_output_write` (for
/// `ONSHI_CIPHER_ENCRYPT`, the bytes to write: the input itself for a prefix it leaves
/// plain) and returns `ONSHI_OK`; any other status is a failure
/// (`ONSHI_TERMINAL_HOOK_FAILED`, the file stays where it is).
///
/// It runs on a thread of the library, possibly on several at once, and is given the
/// client's hook timeout (`"hook_timeout_ms"`, default 30 s) to return; one that does not is
/// reported and left running. It must not let an exception or a `longjmp` escape. The
/// pointers are valid only during the call.
#[allow(non_camel_case_types)]
pub type onshi_cipher_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        stage: onshi_cipher_stage,
        file_name: *const u8,
        file_name_len: usize,
        input: *const u8,
        input_len: usize,
        output: *mut onshi_cipher_output,
    ) -> onshi_status,
>;

/// Appends `len` bytes to a cipher callback's result. Call it from inside the callback only.
/// Out-parameters are written only on success: `output` grows only when this returns
/// `ONSHI_OK`.
///
/// Returns `ONSHI_INVALID_HANDLE` for an output that is not the callback's (or used after the
/// callback returned).
///
/// # Safety
/// `output` is any value (only the live output of a running callback is used); `bytes` is
/// NULL (with `len` 0) or readable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_cipher_output_write(
    output: *mut onshi_cipher_output,
    bytes: *const u8,
    len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(output, |o| {
            let b = bytes_in(bytes, len)?;
            lock(o).extend_from_slice(b);
            Ok(())
        })
    }
}

/// `void *` handed to cipher callbacks on the library's threads.
struct SharedUserData(*mut c_void);
// SAFETY: the pointer is only handed back to the caller's callback, which the documentation
// of `onshi_cipher_callback` says may run on several threads at once.
unsafe impl Send for SharedUserData {}
// SAFETY: as above; the library never reads through it.
unsafe impl Sync for SharedUserData {}

/// A cipher callback as a [`FileCipher`].
struct CallbackCipher {
    callback: unsafe extern "C" fn(
        *mut c_void,
        onshi_cipher_stage,
        *const u8,
        usize,
        *const u8,
        usize,
        *mut onshi_cipher_output,
    ) -> onshi_status,
    userdata: SharedUserData,
}

impl std::fmt::Debug for CallbackCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackCipher")
    }
}

impl CallbackCipher {
    fn run(
        &self,
        stage: onshi_cipher_stage,
        name: &str,
        input: &[u8],
    ) -> Result<Vec<u8>, CipherError> {
        let out = into_raw::<onshi_cipher_output>(Mutex::new(Vec::new()));
        let mut status = ONSHI_PANIC;
        quietly(|| {
            // SAFETY: the caller's callback with the caller's userdata; every pointer is valid
            // for the call (`out` is a live handle until freed below).
            status = unsafe {
                (self.callback)(
                    self.userdata.0,
                    stage,
                    name.as_ptr(),
                    name.len(),
                    input.as_ptr(),
                    input.len(),
                    out,
                )
            };
        });
        // SAFETY: `out` was made above (a callback that freed it is caught by the registry).
        let result = unsafe { handle_ref(out) }
            .map(|o| std::mem::take(&mut *lock(&o.value)))
            .unwrap_or_default();
        // SAFETY: as above.
        unsafe { free(out) };
        if status != ONSHI_OK {
            return Err(CipherError(format!(
                "the cipher callback returned {} ({status})",
                super::status::name(status).unwrap_or("an unknown status")
            )));
        }
        Ok(result)
    }
}

impl FileCipher for CallbackCipher {
    fn decrypt(&self, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        self.run(ONSHI_CIPHER_DECRYPT, file_name, bytes)
    }

    fn encrypt(&self, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, CipherError> {
        self.run(ONSHI_CIPHER_ENCRYPT, file_name, bytes)
    }
}

/// Sets the client's cipher callback: the vendor's module that decrypts files the terminal
/// encrypted and encrypts requests (see `onshi_cipher_callback`); NULL removes it (and any
/// `"decrypt_command"` of the options). Without one, a file that is not XML is
/// `ONSHI_TERMINAL_ENCRYPTED` (the staff text names `encrypt.conf` and the prefix). Face
/// results found encrypted before are read again. `userdata` must stay valid until the
/// callback is replaced or the client freed.
///
/// # Safety
/// `c` is any value (only a live `onshi_client` is used); `callback` is NULL or a function
/// that may be called from several threads with `userdata`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_set_cipher(
    c: *const onshi_client,
    callback: onshi_cipher_callback,
    userdata: *mut c_void,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let cipher = callback.map(|callback| {
                Arc::new(CallbackCipher {
                    callback,
                    userdata: SharedUserData(userdata),
                }) as Arc<dyn FileCipher>
            });
            c.client.set_cipher(cipher);
            Ok(())
        })
    }
}

/// Copies the files of `face/` that are not face results, found since the last call, as a
/// JSON array of `{"name", "family", "message_ja"}` (`family` `null` for a name that is not
/// an interface name): each is reported once while it stays — nothing in `face/` is dropped
/// silently. Filled by the face calls (`onshi_client_next_face`, the face callback). A size
/// query (`buf` NULL, or `cap` too small) keeps them for the next call.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL` (when `buf` cannot hold the text).
///
/// # Safety
/// `c` is any value; `buf` is NULL or writable for `cap` bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_skipped_faces(
    c: *const onshi_client,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = TextOut::new(buf, cap, out_len)?;
            let mut held = lock(&c.skipped);
            held.extend(c.client.skipped_faces());
            let text = serde_json::to_string(&*held)?;
            out.write(&text)?;
            held.clear();
            Ok(())
        })
    }
}

/// Records a reception visit in the client's journal (`<root>/.onshi/visits/<yyyyMM>/`, one
/// file per visit): the day `date`, the EMR's `patient_id` (never a name, an insurance
/// number or the 個人番号), what the patient presented (`ONSHI_PRESENTATION_*`) and the
/// terminal result it confirmed (`result_id`, the answer or face file name). Recording a
/// visit with the same result again, or the same patient, day and presentation, replaces it.
/// `onshi_client_usage_report` counts them. Allowed in the face callback.
///
/// Returns `ONSHI_INVALID_ARGUMENT` for an unknown or 0 `presentation`,
/// `ONSHI_INVALID_VALUE` for a date that does not exist, `ONSHI_TERMINAL_INVALID_REQUEST`
/// when neither `patient_id` nor `result_id` is given, `ONSHI_TERMINAL_IO` when the journal
/// cannot be written.
/// `err`: NULL is accepted. `patient_id`: NULL is accepted. `result_id`: NULL is accepted.
///
/// # Safety
/// `c` and `err` are any values (only live handles are used); `date` is NULL or readable;
/// each text is NULL or readable for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_record_visit(
    c: *const onshi_client,
    err: *mut onshi_error,
    date: *const onshi_date,
    patient_id: *const u8,
    patient_id_len: usize,
    presentation: onshi_presentation,
    result_id: *const u8,
    result_id_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            let date = read_in(date)?.to_naive()?;
            let shown = PRESENTATION.parse_num(presentation)?;
            let text = |p: *const u8, n: usize| -> Result<Option<String>, Failure> {
                Ok(if p.is_null() {
                    None
                } else {
                    Some(text_in(p, n)?.to_string()).filter(|t| !t.is_empty())
                })
            };
            let visit = Visit {
                date,
                patient_id: text(patient_id, patient_id_len)?,
                presentation: shown,
                origin: VisitOrigin::Staff,
                result_id: text(result_id, result_id_len)?,
                recorded_at: crate::terminal::now_jst(),
                actor: None,
            };
            Ok(c.client.record_visit(&visit)?)
        })
    }
}

/// The マイナ保険証 利用率 report of `year`-`month` from the visits recorded in the client's
/// journal (`onshi_client_record_visit`, `onshi visit`, `onshi query --patient`), written
/// in `format` (`ONSHI_REPORT_FORMAT_*`): counted per patient-month, as
/// `onshi_usage_report` counts visits the caller holds.
///
/// Returns `ONSHI_INVALID_VALUE` for a month out of 1–12, `ONSHI_INVALID_ARGUMENT` for an
/// unknown `format`, `ONSHI_TERMINAL_IO` when the journal cannot be read.
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` and `err` are any values (only live handles are used); `buf` is NULL or writable for
/// `cap` bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_usage_report(
    c: *const onshi_client,
    err: *mut onshi_error,
    year: i32,
    month: u32,
    format: onshi_report_format,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        client_call(c, err, |c| {
            let out = TextOut::new(buf, cap, out_len)?;
            let m = super::reception::month(year, month)?;
            let visits = c.client.visits(m)?;
            super::reception::write_report(&UsageReport::build(&visits, m), format, out)
        })
    }
}

// ---- emulator ----

/// Starts the terminal emulator over `root` (UTF-8 path; `req/`, `res/`, `face/` are
/// created) in background threads. `dataset_json` `(NULL, 0)` for the bundled demo dataset
/// (fictitious people P01…, 医療機関コード 1310000003), or a dataset in the same JSON shape.
/// Answers are written `delay_ms` after a request is taken, in `encoding`.
///
/// Returns `ONSHI_TERMINAL_DATASET` for an invalid dataset, `ONSHI_TERMINAL_IO` when the
/// folders cannot be created, `ONSHI_TERMINAL_ALREADY_RUNNING` when another emulator runs on
/// the root.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_emulator_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; each text is NULL or readable for its length; `out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_start(
    err: *mut onshi_error,
    root: *const u8,
    root_len: usize,
    dataset_json: *const u8,
    dataset_len: usize,
    delay_ms: u32,
    encoding: onshi_encoding,
    out: *mut *mut onshi_emulator,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let root = text_in(root, root_len)?;
            let json = text_in(dataset_json, dataset_len)?;
            let mut config = EmulatorConfig::new(root);
            if !json.trim().is_empty() {
                config.dataset = Dataset::from_json(json)?;
            }
            config.delay = ms(delay_ms);
            config.encoding = ENCODING.parse_num(encoding)?;
            let e = Emulator::start(config)?;
            out.set(into_raw::<onshi_emulator>(e));
            Ok(())
        })
    }
}

/// Emulator options as JSON.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EmulatorJson {
    delay_ms: Option<u64>,
    encoding: Option<Encoding>,
    processing_polls: Option<u32>,
    zip_bulk: Option<bool>,
    err_subfolder: Option<String>,
    bulk_segment: Option<String>,
    face_names: Option<FaceNames>,
    encrypt_command: Option<Vec<String>>,
    decrypt_command: Option<Vec<String>>,
    hook_timeout_ms: Option<u64>,
}

/// Starts the terminal emulator like `onshi_emulator_start`, with options as JSON
/// (`(NULL, 0)` for the defaults): `"delay_ms"`, `"encoding"` (`"utf8"`/`"shift_jis"`),
/// `"processing_polls"` (処理中 answers before a bulk result), `"zip_bulk"` (bulk results
/// zipped), `"err_subfolder"` (rejected requests and their `.err` in this subfolder of
/// `res/`), `"bulk_segment"` (the raw 処理結果区分 of finished bulk results, e.g. `"3"`),
/// `"face_names"` (`"terminal"`, `"auto"`, `"time_only"`), and the "encrypted" mode for
/// tests: `"encrypt_command"` (`["program", "arg", …]`: every answer and face file on its
/// stdin, what to write on its stdout), `"decrypt_command"` (for requests that are not XML),
/// `"hook_timeout_ms"`.
///
/// Returns what `onshi_emulator_start` returns, and `ONSHI_JSON` for bad options.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_emulator_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; each text is NULL or readable for its length; `out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_start_with_options(
    err: *mut onshi_error,
    root: *const u8,
    root_len: usize,
    dataset_json: *const u8,
    dataset_len: usize,
    options_json: *const u8,
    options_len: usize,
    out: *mut *mut onshi_emulator,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let root = text_in(root, root_len)?;
            let json = text_in(dataset_json, dataset_len)?;
            let options = text_in(options_json, options_len)?;
            let mut config = EmulatorConfig::new(root);
            if !json.trim().is_empty() {
                config.dataset = Dataset::from_json(json)?;
            }
            let j: EmulatorJson = if options.trim().is_empty() {
                EmulatorJson::default()
            } else {
                serde_json::from_str(options)?
            };
            config.delay = Duration::from_millis(j.delay_ms.unwrap_or(0));
            if let Some(e) = j.encoding {
                config.encoding = e;
            }
            if let Some(n) = j.processing_polls {
                config.processing_polls = n;
            }
            config.zip_bulk = j.zip_bulk.unwrap_or(false);
            config.err_subfolder = j.err_subfolder;
            config.bulk_segment = j.bulk_segment;
            config.face_names = j.face_names.unwrap_or_default();
            config.cipher = external(j.decrypt_command, j.encrypt_command, j.hook_timeout_ms)?;
            let e = Emulator::start(config)?;
            out.set(into_raw::<onshi_emulator>(e));
            Ok(())
        })
    }
}

/// Stops the emulator (answers not yet written are dropped; requests it took are answered by
/// the next emulator on the root). Calling it again does nothing; afterwards its other calls
/// return `ONSHI_TERMINAL_EMULATOR_STOPPED`.
///
/// # Safety
/// `e` is any value; only a live `onshi_emulator` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_stop(e: *const onshi_emulator) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            e.shutdown();
            Ok(())
        })
    }
}

fn running(e: &Emulator) -> Result<(), Failure> {
    if e.is_running() {
        Ok(())
    } else {
        Err(TerminalError::EmulatorStopped.into())
    }
}

/// Stops and frees the emulator.
///
/// NULL is accepted. A second free of the same pointer is detected and ignored.
///
/// # Safety
/// `e` is any value; only a live `onshi_emulator` is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_free(e: *mut onshi_emulator) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(e) })
}

/// Copies the message of the most recent failed call on this emulator ("" if none failed),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `e` is any value (only a live `onshi_emulator` is read); `buf` is NULL or writable for
/// `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_last_error(
    e: *const onshi_emulator,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(e, buf, cap, out_len) }
}

/// Pushes the face-reader result of dataset person `person_id` (`"P01"` …) into `face/`, as
/// if they had just used their マイナンバーカード at the reader.
///
/// Returns `ONSHI_TERMINAL_DATASET` for an unknown person (or one who cannot use the reader),
/// `ONSHI_TERMINAL_EMULATOR_STOPPED` after `onshi_emulator_stop`.
///
/// # Safety
/// `e` is any value (only a live `onshi_emulator` is used); `person_id` is NULL or readable
/// for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_push_face(
    e: *const onshi_emulator,
    person_id: *const u8,
    len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            let id = text_in(person_id, len)?;
            e.push_face(id)?;
            Ok(())
        })
    }
}

/// Changes how the emulator behaves (`ONSHI_BEHAVIOUR_*`): a terminal that is down, or
/// silent, for testing the EMR's timeouts.
///
/// Returns `ONSHI_TERMINAL_EMULATOR_STOPPED` after `onshi_emulator_stop`.
///
/// # Safety
/// `e` is any value; only a live `onshi_emulator` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_set_behaviour(
    e: *const onshi_emulator,
    behaviour: onshi_behaviour,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            let b = match behaviour {
                ONSHI_BEHAVIOUR_NORMAL => Behaviour::Normal,
                ONSHI_BEHAVIOUR_DOWN => Behaviour::Down,
                ONSHI_BEHAVIOUR_SILENT => Behaviour::Silent,
                _ => {
                    return Err(Failure::new(
                        ONSHI_INVALID_ARGUMENT,
                        format!("unknown behaviour {behaviour}"),
                    ));
                }
            };
            running(e)?;
            e.set_behaviour(b);
            Ok(())
        })
    }
}

/// What the emulator did so far (also after `onshi_emulator_stop`).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `e` is any value (only a live `onshi_emulator` is read); `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_get_stats(
    e: *const onshi_emulator,
    out: *mut onshi_emulator_stats,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            let out = Out::new(out)?;
            let s = e.stats();
            out.set(onshi_emulator_stats {
                taken: s.taken,
                answered: s.answered,
                rejected: s.rejected,
                faces: s.faces,
            });
            Ok(())
        })
    }
}

/// Copies the emulator's persons as JSON, UTF-8: an array of `{"id", "label", "validity",
/// "face", "public_assistance", "cards": [{"insurer_number", "insured_card_symbol",
/// "insured_identification_number", "insured_branch_number", "birthdate"}]}` — what a test
/// needs to query each person by card (`"face"`: whether `onshi_emulator_push_face` works
/// for them). The dataset is fictitious; its persons are not patients.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `e` is any value (only a live `onshi_emulator` is read); `buf` is NULL or writable for
/// `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_persons_json(
    e: *const onshi_emulator,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            TextOut::new(buf, cap, out_len)?.write(&persons_json(e))
        })
    }
}

/// The persons of an emulator, as `onshi_emulator_persons_json` lists them.
fn persons_json(e: &Emulator) -> String {
    use serde_json::{Value, json};
    let d = e.dataset();
    let persons: Vec<Value> = e
        .persons()
        .into_iter()
        .map(|summary| {
            let mut v = serde_json::to_value(&summary).unwrap_or(Value::Null);
            let cards: Vec<Value> = d
                .person(&summary.id)
                .map(|p| {
                    let birth = |q: Option<&Qualification>| {
                        q.and_then(|q| q.person.birthdate.as_ref().map(|b| b.expose().to_string()))
                            .or(p.birthdate.map(|b| b.to_string()))
                    };
                    let mut cards: Vec<Value> = p
                        .qualifications
                        .iter()
                        .filter(|q| {
                            q.card.insurer_number.is_some()
                                && q.card.insured_identification_number.is_some()
                        })
                        .map(|q| {
                            json!({
                                "insurer_number": q.card.insurer_number,
                                "insured_card_symbol": q.card.insured_card_symbol,
                                "insured_identification_number": q.card.insured_identification_number,
                                "insured_branch_number": q.card.insured_branch_number,
                                "birthdate": birth(Some(q)),
                            })
                        })
                        .collect();
                    cards.extend(p.keys.iter().map(|k| {
                        json!({
                            "insurer_number": k.insurer_number,
                            "insured_card_symbol": k.insured_card_symbol,
                            "insured_identification_number": k.insured_identification_number,
                            "insured_branch_number": k.insured_branch_number,
                            "birthdate": birth(p.qualifications.first()),
                        })
                    }));
                    cards
                })
                .unwrap_or_default();
            if let Value::Object(m) = &mut v {
                m.insert("cards".into(), Value::Array(cards));
            }
            v
        })
        .collect();
    Value::Array(persons).to_string()
}
