//! `onshi_client` and `onshi_emulator`: the req/res/face folder client of the 資格確認端末,
//! and the faithful terminal emulator for vendors' own tests — adapters over
//! [`crate::terminal`].
//!
//! Requests and answers are `onshi_document`s. A ticket (what `onshi_client_submit` gives
//! back) is a JSON text the EMR can keep with the visit and wait on later, even after a
//! restart. Face results arrive by poll (`onshi_client_next_face`) or by callback
//! (`onshi_client_on_face`).

use super::document::{DocValue, ENCODING, FAMILY, onshi_document, onshi_encoding, onshi_family};
use super::error::{onshi_error, with_error};
use super::field::onshi_datetime;
use super::handle::{Castable, Out, TextOut, free, handle_ref, into_raw, method, read_in, text_in};
use super::panic::{Failure, catch, guard_or};
use super::qualification::onshi_qualification;
use super::record::{self, Json};
use super::status::*;
use crate::codes::{FileCategory, MedicalTreatmentFlag};
use crate::ids::{MedicalInstitutionCode, Mode};
use crate::model::{CardKey, DocumentQuery, Qualification};
use crate::terminal::{
    Behaviour, BulkOptions, Client, ClientOptions, Dataset, DoctorOptions, DocumentAnswer,
    DocumentKind, Emulator, EmulatorConfig, FaceSubscription, Layout, ProcessedPolicy,
    TerminalError, Ticket,
};
use crate::xml::{DocumentRequest, Encoding, Family, Message, MessageKind};
use serde::Deserialize;
use std::ffi::{c_char, c_void};
use std::sync::Mutex;
use std::time::Duration;

/// A client of the 資格確認端末's shared folders (`req/`, `res/`, `face/` under one root).
///
/// Methods: `onshi_client_open`, `_free`, `_last_error`, `_submit`, `_wait`, `_query`,
/// `_next_face`, `_on_face`, `_stop_face`, `_bulk`, `_document`, `_doctor`, `_doctor_text`.
///
/// Threads: every method may be called from any thread, concurrently on one client (the
/// client is internally synchronized), except `onshi_client_free`.
pub struct onshi_client {
    _private: [u8; 0],
}

/// What an `onshi_client` holds.
pub(crate) struct ClientValue {
    client: Client,
    face: Mutex<Option<FaceSubscription>>,
}

impl Castable for onshi_client {
    type Rust = ClientValue;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCLI");
}

/// A submitted request: everything needed to collect its answer, in this process or after a
/// restart. Keep its JSON (`onshi_ticket_to_json`) with the visit; read it back with
/// `onshi_ticket_from_json`.
///
/// Methods: `onshi_ticket_free`, `_to_json`, `_from_json`, `_last_error`; and
/// `onshi_client_submit`, `onshi_client_wait`.
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
/// `_set_behaviour`, `_get_stats`.
pub struct onshi_emulator {
    _private: [u8; 0],
}

impl Castable for onshi_emulator {
    type Rust = Mutex<Option<Emulator>>;
    const TAG: u64 = u64::from_le_bytes(*b"onshiEMU");
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
/// call: copy it with `onshi_document_clone` to keep it), or NULL when the file could not be
/// read, then `status` says why (`ONSHI_OK` otherwise).
///
/// It runs on a thread of the library, one result at a time: it must return promptly, must
/// not call `onshi_client_free` or `onshi_client_stop_face` on the same client (they wait for
/// it), and must not let an exception or a `longjmp` escape.
#[allow(non_camel_case_types)]
pub type onshi_face_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, doc: *const onshi_document, status: u32)>;

impl From<TerminalError> for Failure {
    /// The English error; for no answer in time, also the staff guidance in Japanese.
    fn from(e: TerminalError) -> Failure {
        match &e {
            TerminalError::NotAnswering(n) => {
                Failure::new(e.code(), format!("{e}\n{}", n.to_text_ja()))
            }
            _ => Failure::new(e.code(), e.to_string()),
        }
    }
}

/// Client options as JSON.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ClientJson {
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
    Ok(o)
}

/// Opens a client over the terminal's shared folder `root` (UTF-8 path; UNC paths work).
/// `options_json` `(NULL, 0)` for the defaults, or a JSON object with any of
/// `"medical_institution_code"` (written into requests that lack one), `"encoding"`
/// (`"utf8"`/`"shift_jis"`, of requests), `"create_folders"` (create `req/res/face` when
/// missing; off by default, since a missing folder means a wrong root), `"processed"` and
/// `"face_processed"` (`"delete"`, `"archive"`, `"leave"`), `"settle_timeout_ms"`,
/// `"recheck_interval_ms"`, `"durable_writes"`.
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
            out.set(into_raw::<onshi_client>(ClientValue {
                client,
                face: Mutex::new(None),
            }));
            Ok(())
        })
    }
}

/// Frees a client: stops face delivery (waiting for a callback in progress) and the folder
/// watchers. Pending tickets stay in the journal for the next client.
///
/// NULL is accepted. Must not be called twice with the same pointer, nor from a face callback.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_free(c: *mut onshi_client) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(c) })
}

/// Copies the message of the most recent failed call on this client ("" if none failed),
/// UTF-8. For `ONSHI_TERMINAL_NOT_ANSWERING` it ends with the reception screen's guidance in
/// Japanese (what to check).
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `buf` is NULL or writable for `cap` bytes.
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

/// Writes a request into `req/` (atomically: the terminal never sees a partial file) and
/// gives its ticket: wait for the answer with `onshi_client_wait`, now or after a restart
/// (keep `onshi_ticket_to_json`). `family` 0: 個別照会 for a 資格確認要求, 照会番号登録 for a
/// 照会番号登録要求; else an `ONSHI_FAMILY_*` value (bulk uploads, 薬剤情報 …).
///
/// Returns `ONSHI_TERMINAL_INVALID_REQUEST` for a message that does not fit the family,
/// `ONSHI_TERMINAL_IO` when `req/` cannot be written.
/// The caller owns the returned handle and must free it with onshi_ticket_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `request` is NULL or a live `onshi_document`; `out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_submit(
    c: *const onshi_client,
    request: *const onshi_document,
    family: onshi_family,
    out: *mut *mut onshi_ticket,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
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
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `t` is NULL or a live `onshi_ticket`.
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
/// `t` is NULL or a live `onshi_ticket`; `buf` is NULL or writable for `cap` bytes.
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
/// `t` is NULL or a live `onshi_ticket`; `buf` is NULL or writable for `cap` bytes.
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

/// Waits up to `timeout_ms` for the answer of a ticket.
///
/// Returns `ONSHI_TERMINAL_NOT_ANSWERING` when no answer came in time (the ticket stays
/// pending; the message says what staff should check), `ONSHI_TERMINAL_REJECTED` when the
/// terminal rejected the request (`.err`), `ONSHI_TERMINAL_BAD_ANSWER` or
/// `ONSHI_TERMINAL_MISMATCH` for an answer that cannot be used.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `ticket` is NULL or a live `onshi_ticket`; `out` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_wait(
    c: *const onshi_client,
    ticket: *const onshi_ticket,
    timeout_ms: u32,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = Out::new(out)?;
            let t = &handle_ref(ticket)?.value;
            let m = c.client.wait(t, ms(timeout_ms))?;
            out.set(into_raw::<onshi_document>(DocValue::new(m)));
            Ok(())
        })
    }
}

/// Submits a request and waits up to `timeout_ms` for its answer (`onshi_client_submit`
/// then `onshi_client_wait`). `family` as for `onshi_client_submit`.
///
/// Returns the statuses of both.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `request` is NULL or a live `onshi_document`; `out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_query(
    c: *const onshi_client,
    request: *const onshi_document,
    family: onshi_family,
    timeout_ms: u32,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = Out::new(out)?;
            let doc = &handle_ref(request)?.value;
            let family = family_for(family, &doc.message)?;
            let ticket = c.client.submit(family, &doc.message)?;
            let m = c.client.wait(&ticket, ms(timeout_ms))?;
            out.set(into_raw::<onshi_document>(DocValue::new(m)));
            Ok(())
        })
    }
}

fn face_doc(e: crate::terminal::FaceEvent) -> Result<DocValue, Failure> {
    match e.result {
        Ok(r) => Ok(DocValue {
            encoding: None,
            file_name: Some(e.file_name),
            message: Message::QualificationResponse(r),
        }),
        Err(why) => Err(Failure::new(
            why.code(),
            format!("face file {} cannot be read: {why}", e.file_name),
        )),
    }
}

/// Until the C ABI exposes acknowledgement, a face event is acknowledged as soon as it was
/// handed to the caller (delivered at most once, as before).
fn face_doc_acked(c: &Client, e: crate::terminal::FaceEvent) -> Result<DocValue, Failure> {
    c.ack_face(&e)?;
    face_doc(e)
}

/// Waits up to `timeout_ms` (0: just look) for the next face result not delivered before
/// (exactly once across threads, processes and restarts). Its file name is the document's
/// `ONSHI_FIELD_DOCUMENT_FILE_NAME`.
///
/// Returns `ONSHI_NOT_PRESENT` when none came in time, `ONSHI_TERMINAL_BAD_ANSWER` for a face
/// file that cannot be read (reported once; the message names it).
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_next_face(
    c: *const onshi_client,
    timeout_ms: u32,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = Out::new(out)?;
            let e = c
                .client
                .next_face(ms(timeout_ms))?
                .ok_or(Failure::of(ONSHI_NOT_PRESENT))?;
            out.set(into_raw::<onshi_document>(face_doc_acked(&c.client, e)?));
            Ok(())
        })
    }
}

/// `void *` moved to the delivery thread.
struct UserData(*mut c_void);
// SAFETY: the pointer is only handed back to the caller's callback, as the documentation of
// `onshi_client_on_face` tells the caller.
unsafe impl Send for UserData {}

/// Starts delivering face results to `callback` on a library thread (see
/// `onshi_face_callback`), replacing an earlier callback of this client. `userdata` is passed
/// back unchanged (NULL is accepted); it must stay valid until `onshi_client_stop_face` or
/// `onshi_client_free` returns.
///
/// Returns `ONSHI_NULL_PARAMETER` for a NULL callback.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `callback` is NULL or a function that may be called
/// from another thread with `userdata`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_on_face(
    c: *const onshi_client,
    callback: onshi_face_callback,
    userdata: *mut c_void,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let cb = callback.ok_or(Failure::of(ONSHI_NULL_PARAMETER))?;
            let ud = UserData(userdata);
            let mut slot = c.face.lock().unwrap_or_else(|p| p.into_inner());
            drop(slot.take());
            *slot = Some(c.client.on_face(move |e: Result<_, TerminalError>| {
                let ud = &ud;
                let doc = catch(|| face_doc(e?));
                match doc {
                    Ok(d) => {
                        let h = into_raw::<onshi_document>(d);
                        // SAFETY: the caller's callback, with the caller's userdata; `h` is
                        // a live document for the duration of the call.
                        cb(ud.0, h, ONSHI_OK);
                        free(h);
                    }
                    Err(f) => cb(ud.0, std::ptr::null(), f.status),
                }
            }));
            Ok(())
        })
    }
}

/// Stops face delivery by callback, waiting for a callback in progress. Nothing happens
/// when none was started.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; not called from the face callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_stop_face(c: *const onshi_client) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let sub = c.face.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(s) = sub {
                s.stop();
            }
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
/// `options`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `request` is NULL or a live `onshi_document`;
/// `options` is NULL or readable; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_bulk(
    c: *const onshi_client,
    family: onshi_family,
    request: *const onshi_document,
    options: *const onshi_bulk_options,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = Out::new(out)?;
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
            let outcome = c.client.bulk(family, &doc.message, &b, &mut |_| {})?;
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
/// written to `req/`, and the client's last error is 「情報の提供は同意されていません」 followed
/// by what staff can do (Japanese). Returns `ONSHI_NOT_SUPPORTED` when the request asks for a
/// PDF (not available through the C ABI yet; nothing is written), `ONSHI_JSON` for bad
/// overrides, and the statuses of `onshi_client_query`.
/// The caller owns the returned handle and must free it with onshi_document_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_client`; `patient` is NULL or a live `onshi_qualification`;
/// `request_json` is NULL or readable for `request_len` bytes; `now` is NULL or readable;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_client_document(
    c: *const onshi_client,
    kind: onshi_document_kind,
    patient: *const onshi_qualification,
    request_json: *const u8,
    request_len: usize,
    now: *const onshi_datetime,
    timeout_ms: u32,
    out: *mut *mut onshi_document,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c, |c| {
            let out = Out::new(out)?;
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
                .document(kind, consent, request, now, ms(timeout_ms))?
            {
                DocumentAnswer::Xml(d) => {
                    out.set(into_raw::<onshi_document>(DocValue::new(
                        Message::DocumentResponse(d),
                    )));
                    Ok(())
                }
                DocumentAnswer::NotConsented(r) => Err(Failure::new(
                    ONSHI_TERMINAL_NOT_CONSENTED,
                    format!("{}\n{}", r.message_ja(), r.advice_ja()),
                )),
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

// ---- emulator ----

/// Starts the terminal emulator over `root` (UTF-8 path; `req/`, `res/`, `face/` are
/// created) in background threads. `dataset_json` `(NULL, 0)` for the bundled demo dataset
/// (fictitious people P01…, 医療機関コード 1310000009), or a dataset in the same JSON shape.
/// Answers are written `delay_ms` after a request is taken, in `encoding`.
///
/// Returns `ONSHI_TERMINAL_DATASET` for an invalid dataset, `ONSHI_TERMINAL_IO` when the
/// folders cannot be created.
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
            out.set(into_raw::<onshi_emulator>(Mutex::new(Some(e))));
            Ok(())
        })
    }
}

fn running<'a>(
    e: &'a Mutex<Option<Emulator>>,
) -> Result<std::sync::MutexGuard<'a, Option<Emulator>>, Failure> {
    let g = e.lock().unwrap_or_else(|p| p.into_inner());
    if g.is_none() {
        return Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            "the emulator was stopped",
        ));
    }
    Ok(g)
}

/// Stops the emulator (answers not yet written are dropped). Calling it again does nothing.
///
/// # Safety
/// `e` is NULL or a live `onshi_emulator`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_stop(e: *const onshi_emulator) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            let taken = e.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(emu) = taken {
                emu.stop();
            }
            Ok(())
        })
    }
}

/// Stops and frees the emulator.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `e` is NULL or a live `onshi_emulator`.
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
/// `e` is NULL or a live `onshi_emulator`; `buf` is NULL or writable for `cap` bytes.
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
/// Returns `ONSHI_TERMINAL_DATASET` for an unknown person (or one who cannot use the reader).
///
/// # Safety
/// `e` is NULL or a live `onshi_emulator`; `person_id` is NULL or readable for `len` bytes.
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
            let g = running(e)?;
            if let Some(emu) = g.as_ref() {
                emu.push_face(id)?;
            }
            Ok(())
        })
    }
}

/// Changes how the emulator behaves (`ONSHI_BEHAVIOUR_*`): a terminal that is down, or
/// silent, for testing the EMR's timeouts.
///
/// # Safety
/// `e` is NULL or a live `onshi_emulator`.
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
            let g = running(e)?;
            if let Some(emu) = g.as_ref() {
                emu.set_behaviour(b);
            }
            Ok(())
        })
    }
}

/// What the emulator did so far.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `e` is NULL or a live `onshi_emulator`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_emulator_get_stats(
    e: *const onshi_emulator,
    out: *mut onshi_emulator_stats,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(e, |e| {
            let out = Out::new(out)?;
            let g = running(e)?;
            if let Some(emu) = g.as_ref() {
                let s = emu.stats();
                out.set(onshi_emulator_stats {
                    taken: s.taken,
                    answered: s.answered,
                    rejected: s.rejected,
                    faces: s.faces,
                });
            }
            Ok(())
        })
    }
}
