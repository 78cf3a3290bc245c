//! `onshi_card`, `onshi_basic_info`, `onshi_virtual_card`: the マイナンバーカード's
//! 基本4情報 through a PC/SC reader, and the project's virtual card for tests — adapters over
//! [`crate::card`].
//!
//! The PC/SC part (`onshi_card_list_readers`, `onshi_card_open_reader`) needs the library
//! built with the `card` feature, as the shipped `libonshi.so` / `onshi.dll` are; a build
//! without it answers `ONSHI_NOT_SUPPORTED`. The virtual card works in every build.
//!
//! **PIN.** The 4-digit 券面事項入力補助用暗証番号 is read straight from the caller's buffer into
//! a buffer of the library that is overwritten with zeros after use; the library keeps no
//! other copy. The caller should wipe its own buffer (C: `memset`/`SecureZeroMemory`; C#:
//! `Array.Clear` on the byte array) as soon as the call returns.

use super::diff::ro;
use super::enums::*;
use super::error::{onshi_error, with_error};
use super::field::*;
use super::handle::{Castable, Out, TextOut, free, into_raw, lock, method, text_in};
use super::panic::{Failure, guard_or};
use super::record::{self, *};
use super::status::*;
use crate::card::virtual_card::vpcd::VpcdCard;
use crate::card::virtual_card::{CardMode, VirtualCardConfig, VirtualMyNumberCard};
use crate::card::{ApduTransport, BasicInfo, CardSession, Pin, PinStatus, SimulatedCard};
use std::ffi::c_char;
use std::sync::Mutex;

/// A connection to one card: a card in a PC/SC reader, or the in-process virtual card.
///
/// Methods: `onshi_card_open_reader`, `onshi_card_open_virtual`, `_free`, `_last_error`,
/// `_recognise`, `_tries_left`, `_read_basic_info`.
///
/// Threads: a card may be shared between threads; its calls run one at a time.
pub struct onshi_card {
    _private: [u8; 0],
}

/// What an `onshi_card` holds.
pub(crate) struct CardValue(Mutex<CardSession<Box<dyn ApduTransport + Send>>>);

impl CardValue {
    fn new(t: Box<dyn ApduTransport + Send>) -> CardValue {
        CardValue(Mutex::new(CardSession::new(t)))
    }

    /// The session, one call at a time (APDU exchanges must not interleave).
    fn session(&self) -> std::sync::MutexGuard<'_, CardSession<Box<dyn ApduTransport + Send>>> {
        lock(&self.0)
    }
}

impl Castable for onshi_card {
    type Rust = CardValue;
    const TAG: u64 = u64::from_le_bytes(*b"onshiCRD");
}

/// The 基本4情報 read from a card (氏名, 住所, 生年月日, 性別). Not authenticated: use it to
/// pre-fill a form that staff check against the card face.
///
/// Methods: `onshi_basic_info_free`, `_clone`, `_to_json`, `_last_error`, `_get_text`,
/// `_get_date`, `_get_u32`; and `onshi_matching_find_card`.
pub struct onshi_basic_info {
    _private: [u8; 0],
}

impl Castable for onshi_basic_info {
    type Rust = BasicInfo;
    const TAG: u64 = u64::from_le_bytes(*b"onshiBAS");
}

/// The project's virtual マイナンバーカード (fictitious data) inserted into a
/// `vsmartcard-vpcd` virtual reader of a running pcscd, for tests that go through the real
/// PC/SC path. **Test machines only.** Freeing it removes the card.
///
/// Methods: `onshi_virtual_card_insert`, `_free`, `_last_error`, `_tries_left`,
/// `_is_inserted`, `_touched_my_number`.
pub struct onshi_virtual_card {
    _private: [u8; 0],
}

impl Castable for onshi_virtual_card {
    type Rust = VpcdCard;
    const TAG: u64 = u64::from_le_bytes(*b"onshiVPC");
}

/// 氏名 (text; may hold U+3000 spaces).
pub const ONSHI_FIELD_BASIC_INFO_NAME: onshi_field = 741;
/// 住所 (text).
pub const ONSHI_FIELD_BASIC_INFO_ADDRESS: onshi_field = 742;
/// 生年月日 (date; absent when the card's text is not a valid `YYYYMMDD`).
pub const ONSHI_FIELD_BASIC_INFO_BIRTHDATE: onshi_field = 743;
/// 生年月日 as the card wrote it (text).
pub const ONSHI_FIELD_BASIC_INFO_BIRTHDATE_TEXT: onshi_field = 744;
/// 性別 (enum CardSex).
pub const ONSHI_FIELD_BASIC_INFO_SEX: onshi_field = 745;
/// 性別 as a Japanese label (text).
pub const ONSHI_FIELD_BASIC_INFO_SEX_LABEL: onshi_field = 746;
/// 性別 as the terminal interface's code (code; table `ONSHI_CODE_TABLE_SEX`: 男 `1`, 女 `2`,
/// anything else `3` 未設定).
pub const ONSHI_FIELD_BASIC_INFO_SEX_CODE: onshi_field = 747;

type B = BasicInfo;

static BASIC_INFO_FIELDS: &[FieldDef<B>] = &[
    ro!(ONSHI_FIELD_BASIC_INFO_NAME, "name", TEXT, B, |b| text(
        b.name().as_str()
    )),
    ro!(
        ONSHI_FIELD_BASIC_INFO_ADDRESS,
        "address",
        TEXT,
        B,
        |b| text(b.address().as_str())
    ),
    ro!(
        ONSHI_FIELD_BASIC_INFO_BIRTHDATE,
        "birthdate",
        DATE,
        B,
        |b| { opt_date(b.birthdate()) }
    ),
    ro!(
        ONSHI_FIELD_BASIC_INFO_BIRTHDATE_TEXT,
        "birthdate_text",
        TEXT,
        B,
        |b| text(b.birthdate_text().as_str())
    ),
    ro!(ONSHI_FIELD_BASIC_INFO_SEX, "sex", ENUM, B, |b| CARD_SEX
        .value(b.sex())),
    ro!(
        ONSHI_FIELD_BASIC_INFO_SEX_LABEL,
        "sex_label",
        TEXT,
        B,
        |b| text(b.sex().label())
    ),
    FieldDef {
        id: ONSHI_FIELD_BASIC_INFO_SEX_CODE,
        name: "sex_code",
        kind: <crate::codes::Sex as FieldValue>::KIND,
        get: |b: &B| Some(b.sex().to_oqs().to_value()),
        set: None,
    },
];

/// The field table of this module, for `onshi_field_*`.
pub(crate) fn meta(id: onshi_field) -> Option<Meta> {
    meta_in(BASIC_INFO_FIELDS, id, ONSHI_LIST_NONE)
}

impl Record for BasicInfo {
    fn get(&self, t: Target, id: onshi_field) -> Result<(Kind, Option<Value>), Failure> {
        match t {
            Target::Record => read_field(BASIC_INFO_FIELDS, self, id),
            Target::Item(list, _) => Err(unknown_list(list)),
        }
    }

    fn count(&self, list: onshi_list) -> Result<usize, Failure> {
        Err(unknown_list(list))
    }
}

impl Json for BasicInfo {
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The virtual card's contents, as JSON.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct VirtualJson {
    mode: Option<String>,
    name: Option<String>,
    address: Option<String>,
    birthdate: Option<String>,
    sex: Option<String>,
    pin: Option<String>,
    tries_left: Option<u8>,
}

fn virtual_config(json: &str) -> Result<VirtualCardConfig, Failure> {
    let j: VirtualJson = if json.trim().is_empty() {
        VirtualJson::default()
    } else {
        serde_json::from_str(json)?
    };
    let mut c = match j.mode.as_deref() {
        None => VirtualCardConfig::default(),
        Some(id) => VirtualCardConfig::for_mode(CardMode::from_id(id).ok_or_else(|| {
            Failure::new(
                ONSHI_INVALID_VALUE,
                format!(
                    "unknown virtual card mode {id:?} (one of: {})",
                    CardMode::ALL.map(CardMode::id).join(", ")
                ),
            )
        })?),
    };
    if let Some(v) = j.name {
        c.name = v.into_bytes();
    }
    if let Some(v) = j.address {
        c.address = v.into_bytes();
    }
    if let Some(v) = j.birthdate {
        c.birthdate = v.into_bytes();
    }
    if let Some(v) = j.sex {
        c.sex = v.into_bytes();
    }
    if let Some(v) = j.pin {
        c = c.with_pin(&Pin::new(&v)?);
    }
    if let Some(n) = j.tries_left {
        c.tries_left = n.min(c.max_tries);
    }
    Ok(c)
}

/// Copies the names of the connected PC/SC readers, one per line (`\n`-separated, no
/// trailing newline; "" when none is connected), UTF-8.
///
/// Returns `ONSHI_CARD_SERVICE_NOT_RUNNING` when pcscd (or the Windows Smart Card service)
/// is not running, `ONSHI_NOT_SUPPORTED` in a build without PC/SC.
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_list_readers(
    err: *mut onshi_error,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = TextOut::new(buf, cap, out_len)?;
            out.write(&list_readers()?.join("\n"))
        })
    }
}

#[cfg(feature = "card")]
fn list_readers() -> Result<Vec<String>, Failure> {
    Ok(crate::card::list_readers()?)
}

#[cfg(not(feature = "card"))]
fn list_readers() -> Result<Vec<String>, Failure> {
    Err(not_supported())
}

#[cfg(not(feature = "card"))]
fn not_supported() -> Failure {
    Failure::new(
        ONSHI_NOT_SUPPORTED,
        "this build of onshi has no PC/SC support (feature \"card\")",
    )
}

#[cfg(feature = "card")]
fn connect(reader: Option<&str>) -> Result<Box<dyn ApduTransport + Send>, Failure> {
    Ok(Box::new(crate::card::PcscTransport::connect(reader)?))
}

#[cfg(not(feature = "card"))]
fn connect(_reader: Option<&str>) -> Result<Box<dyn ApduTransport + Send>, Failure> {
    Err(not_supported())
}

/// Connects to the card in the PC/SC reader `reader` (UTF-8 name as listed by
/// `onshi_card_list_readers`), or with `(NULL, 0)` in the first reader that holds a card.
/// The card is opened exclusively and reset when freed.
///
/// Returns `ONSHI_CARD_NO_READER`, `ONSHI_CARD_UNKNOWN_READER`, `ONSHI_CARD_NO_CARD`,
/// `ONSHI_CARD_IN_USE`, `ONSHI_CARD_SERVICE_NOT_RUNNING`, or `ONSHI_NOT_SUPPORTED` in a build
/// without PC/SC; the message of `err` is in English and Japanese for staff.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_card_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `reader` is NULL or readable for `reader_len`
/// bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_open_reader(
    err: *mut onshi_error,
    reader: *const u8,
    reader_len: usize,
    out: *mut *mut onshi_card,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let name = text_in(reader, reader_len)?;
            let t = connect((!name.is_empty()).then_some(name))?;
            out.set(into_raw::<onshi_card>(CardValue::new(t)));
            Ok(())
        })
    }
}

/// Creates the project's virtual マイナンバーカード in process (no reader, no pcscd), for
/// tests. `config_json` `(NULL, 0)` is the fixture (検証　花子, PIN `1234`, 3 tries); or a
/// JSON object with any of `"mode"`, `"name"`, `"address"`, `"birthdate"` (`"19850401"`),
/// `"sex"` (ISO 5218 `"1"`/`"2"`), `"pin"`, `"tries_left"`. `"mode"` makes it another kind
/// of card, so a program can show each outcome: `"my_number_card"` (the default),
/// `"locked_pin"` (`ONSHI_CARD_PIN_LOCKED`), `"face_auth_card"` (a 顔認証マイナンバーカード:
/// `ONSHI_CARD_FACE_AUTH_CARD`), `"android_smartphone"` (`ONSHI_CARD_SMARTPHONE`),
/// `"iphone"` and `"other_card"` (`ONSHI_CARD_NOT_MY_NUMBER_CARD`: no My Number
/// application), `"juki_card"` (`ONSHI_CARD_NOT_MY_NUMBER_CARD`).
///
/// Returns `ONSHI_JSON` for malformed JSON or an unknown key, `ONSHI_INVALID_VALUE` for an
/// unknown mode, `ONSHI_CARD_INVALID_PIN_FORMAT` for a PIN that is not 4 digits.
///
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_card_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `config_json` is NULL or readable for
/// `config_len` bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_open_virtual(
    err: *mut onshi_error,
    config_json: *const u8,
    config_len: usize,
    out: *mut *mut onshi_card,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let cfg = virtual_config(text_in(config_json, config_len)?)?;
            let t: Box<dyn ApduTransport + Send> = Box::new(SimulatedCard::new(cfg));
            out.set(into_raw::<onshi_card>(CardValue::new(t)));
            Ok(())
        })
    }
}

/// Frees a card connection (a PC/SC card is reset and released).
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `c` is NULL or a live `onshi_card`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_free(c: *mut onshi_card) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(c) })
}

/// Copies the message of the most recent failed call on this card ("" if none failed),
/// UTF-8: the English error, then the guidance for staff in Japanese.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `c` is NULL or a live `onshi_card`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_last_error(
    c: *const onshi_card,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(c, buf, cap, out_len) }
}

/// Checks, without a PIN and never by the ATR, that the card is a マイナンバーカード whose
/// 基本4情報 can be read: SELECT of the JPKI application, its token EF 0006, then the PIN's
/// tries left (no try used). Call it before asking the patient for a PIN.
///
/// Returns `ONSHI_CARD_SMARTPHONE` (an Android phone's マイナ保険証: JPKI only, no card-face
/// data), `ONSHI_CARD_FACE_AUTH_CARD` (a 顔認証マイナンバーカード: no PIN),
/// `ONSHI_CARD_NOT_MY_NUMBER_CARD` (a 住基カード, or no My Number application: another card or
/// an iPhone, which PC/SC cannot tell apart; the message says what to do for both), or
/// another `ONSHI_CARD_*` status. A locked PIN is still a マイナンバーカード: `ONSHI_OK`, and
/// `onshi_card_tries_left` gives 0. Each status's Japanese message says what to do instead
/// (the face reader, the 記号・番号, the 市区町村 for a lock).
///
/// # Safety
/// `c` is NULL or a live `onshi_card`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_recognise(c: *mut onshi_card) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { method(c.cast_const(), |c| Ok(c.session().recognise()?)) }
}

/// The PIN tries left before the 券面事項入力補助用暗証番号 locks (0: locked). Show it before
/// asking for the PIN. Sends no PIN.
///
/// Returns `ONSHI_CARD_FACE_AUTH_CARD` for a card without a PIN, `ONSHI_CARD_SMARTPHONE` or
/// `ONSHI_CARD_NOT_MY_NUMBER_CARD` for a card without the 券面事項入力補助AP.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_card`; `out_tries` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_tries_left(
    c: *mut onshi_card,
    out_tries: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c.cast_const(), |c| {
            let out = Out::new(out_tries)?;
            out.set(match c.session().pin_status()? {
                PinStatus::Locked => 0,
                PinStatus::TriesLeft(n) => u32::from(n),
            });
            Ok(())
        })
    }
}

/// Reads the 基本4情報 with the patient's 4-digit PIN (ASCII or full-width digits, UTF-8).
/// With one try left the read is refused (`ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION`) unless
/// `confirm_last_try` is true; the library never retries a PIN on its own.
///
/// The PIN is copied into memory that is wiped after use; wipe `pin` yourself when the call
/// returns.
/// Returns `ONSHI_CARD_INVALID_PIN_FORMAT`, `ONSHI_CARD_WRONG_PIN` (the message says how many
/// tries are left), `ONSHI_CARD_PIN_LOCKED`, `ONSHI_CARD_FACE_AUTH_CARD`,
/// `ONSHI_CARD_SMARTPHONE`, `ONSHI_CARD_NOT_MY_NUMBER_CARD` (none of these sent the PIN), or
/// another `ONSHI_CARD_*` status.
/// The caller owns the returned handle and must free it with onshi_basic_info_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `c` is NULL or a live `onshi_card`; `pin` is NULL or readable for `pin_len` bytes; `out`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_card_read_basic_info(
    c: *mut onshi_card,
    pin: *const u8,
    pin_len: usize,
    confirm_last_try: bool,
    out: *mut *mut onshi_basic_info,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(c.cast_const(), |c| {
            let out = Out::new(out)?;
            let pin = Pin::new(text_in(pin, pin_len)?)?;
            let info = c.session().read_basic_info(&pin, confirm_last_try)?;
            out.set(into_raw::<onshi_basic_info>(info));
            Ok(())
        })
    }
}

/// Frees 基本4情報.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_free(b: *mut onshi_basic_info) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(b) })
}

/// Copies 基本4情報.
///
/// The caller owns the returned handle and must free it with onshi_basic_info_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_clone(
    b: *const onshi_basic_info,
    out: *mut *mut onshi_basic_info,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::clone(b, out) }
}

/// Copies the 基本4情報 as JSON (`{"name", "address", "birthdate", "birthdate_text",
/// "sex"}`), UTF-8. It is personal data: show it, never log it.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_to_json(
    b: *const onshi_basic_info,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::to_json(b, buf, cap, out_len) }
}

/// Copies the message of the most recent failed call on this object ("" if none failed),
/// UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_last_error(
    b: *const onshi_basic_info,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(b, buf, cap, out_len) }
}

/// Copies a field as text (`ONSHI_FIELD_BASIC_INFO_*`), UTF-8.
///
/// Returns `ONSHI_NOT_PRESENT` when absent.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_get_text(
    b: *const onshi_basic_info,
    field: onshi_field,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_text(b, Target::Record, field, buf, cap, out_len) }
}

/// Reads a date field (`ONSHI_FIELD_BASIC_INFO_BIRTHDATE`).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_get_date(
    b: *const onshi_basic_info,
    field: onshi_field,
    out: *mut onshi_date,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_date(b, Target::Record, field, out) }
}

/// Reads an enumeration field (`ONSHI_FIELD_BASIC_INFO_SEX`).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_get_u32(
    b: *const onshi_basic_info,
    field: onshi_field,
    out: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::get_u32(b, Target::Record, field, out) }
}

/// Copies the 新患登録 draft pre-filled from the card, as JSON (the shape of
/// `onshi_new_patient_draft_to_json`), for when `onshi_matching_find_card` finds nobody: no
/// kana and no insurance (the notes say to confirm it with the terminal).
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `b` is NULL or a live `onshi_basic_info`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_basic_info_new_patient_draft_to_json(
    b: *const onshi_basic_info,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(b, |b| {
            let out = TextOut::new(buf, cap, out_len)?;
            out.write(&serde_json::to_string(&b.new_patient_draft())?)
        })
    }
}

/// Inserts the virtual card into the vpcd reader listening on `host:port` (UTF-8 host,
/// usually `"127.0.0.1"`; port 35963 is reader "Virtual PCD 00 00"). `config_json` as for
/// `onshi_card_open_virtual`. Then open it with `onshi_card_open_reader`.
///
/// Returns `ONSHI_CARD_VIRTUAL_CARD_IO` when nothing listens there.
/// `err`: NULL is accepted.
/// The caller owns the returned handle and must free it with onshi_virtual_card_free.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; each text is NULL or readable for its length;
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_virtual_card_insert(
    err: *mut onshi_error,
    host: *const u8,
    host_len: usize,
    port: u16,
    config_json: *const u8,
    config_len: usize,
    out: *mut *mut onshi_virtual_card,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out)?;
            let host = text_in(host, host_len)?;
            let cfg = virtual_config(text_in(config_json, config_len)?)?;
            let card = VpcdCard::insert(VirtualMyNumberCard::new(cfg), (host, port))?;
            out.set(into_raw::<onshi_virtual_card>(card));
            Ok(())
        })
    }
}

/// Removes the virtual card from its reader and frees it.
///
/// NULL is accepted. Must not be called twice with the same pointer.
///
/// # Safety
/// `v` is NULL or a live `onshi_virtual_card`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_virtual_card_free(v: *mut onshi_virtual_card) {
    // SAFETY: forwarded from the caller.
    guard_or((), || unsafe { free(v) })
}

/// Copies the message of the most recent failed call on this virtual card ("" if none
/// failed), UTF-8.
///
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `v` is NULL or a live `onshi_virtual_card`; `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_virtual_card_last_error(
    v: *const onshi_virtual_card,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe { record::last_error(v, buf, cap, out_len) }
}

/// The virtual card's PIN tries left (0: locked), as the card itself counts them.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `v` is NULL or a live `onshi_virtual_card`; `out_tries` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_virtual_card_tries_left(
    v: *const onshi_virtual_card,
    out_tries: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(v, |v| {
            Out::new(out_tries)?.set(u32::from(v.card().tries_left()));
            Ok(())
        })
    }
}

/// Tells whether the virtual card is still in its reader (vpcd keeps the connection).
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `v` is NULL or a live `onshi_virtual_card`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_virtual_card_is_inserted(
    v: *const onshi_virtual_card,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(v, |v| {
            Out::new(out)?.set(v.is_inserted());
            Ok(())
        })
    }
}

/// Tells whether anything ever selected or read the 個人番号 (EF 0001) of the virtual card —
/// for tests proving that nothing does.
///
/// Out-parameters are written only on success.
///
/// # Safety
/// `v` is NULL or a live `onshi_virtual_card`; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_virtual_card_touched_my_number(
    v: *const onshi_virtual_card,
    out: *mut bool,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        method(v, |v| {
            Out::new(out)?.set(v.card().touched_my_number());
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_virtual_config_reads_json_and_checks_the_pin() {
        let c = virtual_config("").unwrap();
        assert_eq!(&c.pin, b"1234");
        let c = virtual_config(r#"{"name":"見本　一郎","pin":"９８７６","tries_left":1}"#).unwrap();
        assert_eq!(c.name, "見本　一郎".as_bytes());
        assert_eq!(&c.pin, b"9876");
        assert_eq!(c.tries_left, 1);
        assert_eq!(
            virtual_config(r#"{"pin":"12345"}"#).unwrap_err().status,
            ONSHI_CARD_INVALID_PIN_FORMAT
        );
        assert_eq!(
            virtual_config(r#"{"pim":"1234"}"#).unwrap_err().status,
            ONSHI_JSON
        );
        let c = virtual_config(r#"{"mode":"android_smartphone","name":"x"}"#).unwrap();
        assert!(!c.has_text_ap && c.name == b"x");
        assert_eq!(
            virtual_config(r#"{"mode":"ipad"}"#).unwrap_err().status,
            ONSHI_INVALID_VALUE
        );
    }
}
