//! `onshi_status`: the one status-code contract of the C ABI.
//!
//! A status is a plain `uint32_t` with `#define`d values rather than a C enum: the library's
//! own error codes ([`crate::Error::code`]) travel through it unchanged, and a Rust enum must
//! never receive a number it does not list. `ONSHI_OK` is 0, so `if (status)` means failure.
//! Numbers are never reused; retired ones stay reserved. Each number is written once, here;
//! the library's error types return these constants, and the one table of names and texts is
//! [`crate::messages::STATUSES`] (a test checks every constant has exactly one row).
//!
//! | range | meaning |
//! |---|---|
//! | 0 | success |
//! | 100–199 | identifiers and check digits |
//! | 200–299 | terminal XML files |
//! | 300–399 | diff and history |
//! | 400–499 | terminal client and emulator |
//! | 500–599 | card reader |
//! | 600–699 | misuse of the C ABI (this module) |
//! | 700–799 | JSON records and I/O |

use std::sync::OnceLock;

/// The status every fallible function of the C ABI returns: `ONSHI_OK` (0) or an error code.
#[allow(non_camel_case_types)]
pub type onshi_status = u32;

/// Success.
pub const ONSHI_OK: onshi_status = 0;

/// 保険者番号 or another identifier is empty (nothing but spaces).
pub const ONSHI_ID_EMPTY: onshi_status = 100;
/// An identifier holds a character that is not allowed.
pub const ONSHI_ID_NOT_DIGIT: onshi_status = 101;
/// An identifier has the wrong number of digits.
pub const ONSHI_ID_LENGTH: onshi_status = 102;
/// The check digit (検証番号) does not match.
pub const ONSHI_ID_CHECK_DIGIT: onshi_status = 103;
/// The prefecture digits are not 01–47.
pub const ONSHI_ID_PREFECTURE: onshi_status = 104;
/// An identifier is longer than the interface allows.
pub const ONSHI_ID_TOO_LONG: onshi_status = 105;

/// The XML is not well-formed (the message says where).
pub const ONSHI_XML_SYNTAX: onshi_status = 200;
/// Bytes that are not valid in the file's encoding, or a declaration that contradicts them.
pub const ONSHI_XML_ENCODING: onshi_status = 201;
/// The declaration names an encoding the interface does not use (UTF-8 or Shift_JIS only).
pub const ONSHI_XML_UNSUPPORTED_ENCODING: onshi_status = 202;
/// A DOCTYPE, a custom entity or a processing instruction (refused for safety).
pub const ONSHI_XML_FORBIDDEN: onshi_status = 203;
/// The file is larger than the limit.
pub const ONSHI_XML_TOO_LARGE: onshi_status = 204;
/// Elements nest deeper than the limit.
pub const ONSHI_XML_TOO_DEEP: onshi_status = 205;
/// The root element is not `XmlMsg`.
pub const ONSHI_XML_UNEXPECTED_ROOT: onshi_status = 206;
/// Text where only elements belong.
pub const ONSHI_XML_UNEXPECTED_TEXT: onshi_status = 207;
/// An element inside a field that holds only text.
pub const ONSHI_XML_UNEXPECTED_ELEMENT: onshi_status = 208;
/// A field's value cannot be read (a date that is not `yyyyMMdd` …; the value is redacted).
pub const ONSHI_XML_INVALID_VALUE: onshi_status = 209;
/// The content is not any message of the interface.
pub const ONSHI_XML_UNKNOWN_MESSAGE: onshi_status = 210;
/// Writing: a character Shift_JIS (CP932) cannot carry.
pub const ONSHI_XML_UNREPRESENTABLE: onshi_status = 211;
/// Writing: a value or name XML cannot carry.
pub const ONSHI_XML_UNWRITABLE: onshi_status = 212;
/// More unmodelled elements and attributes than a document of this size may hold (not a
/// terminal file; keeping them would take far more memory than the input).
pub const ONSHI_XML_TOO_MANY_UNKNOWN: onshi_status = 213;
/// The content is not XML at all (after an optional BOM and white space its first byte is not
/// `<`): a file the terminal encrypted (`encrypt.conf` / `encrypt_face.conf`). Not a parse
/// error: it needs the vendor's decryption module.
pub const ONSHI_XML_ENCRYPTED: onshi_status = 214;
/// A file name is not a plain file name (path separator, `..`, too long …).
pub const ONSHI_XML_FILE_NAME_UNSAFE: onshi_status = 250;
/// A file name is not a terminal interface file name.
pub const ONSHI_XML_FILE_NAME_NOT_INTERFACE: onshi_status = 251;

/// `onshi_history_apply`: the diff is not confirmed; there is nothing to apply.
pub const ONSHI_HISTORY_NOT_CONFIRMED: onshi_status = 350;
/// `onshi_history_apply`: the diff asks for 本人確認 and the choices do not say it was done.
pub const ONSHI_HISTORY_IDENTITY_NOT_VERIFIED: onshi_status = 351;
/// `onshi_history_apply`: the diff was not made against the current version (compare again).
pub const ONSHI_HISTORY_STALE_REVIEW: onshi_status = 352;
/// `onshi_history_apply`: a returned value holding ● was chosen for 反映.
pub const ONSHI_HISTORY_SUBSTITUTE_REFUSED: onshi_status = 353;
/// No version of the history has this id.
pub const ONSHI_HISTORY_NO_SUCH_VERSION: onshi_status = 354;
/// The version is not linked to a result.
pub const ONSHI_HISTORY_NOT_LINKED: onshi_status = 355;
/// The history has no version.
pub const ONSHI_HISTORY_EMPTY: onshi_status = 356;
/// An end date before the version's start, or past the start of the next version.
pub const ONSHI_HISTORY_INVALID_END: onshi_status = 357;
/// A date computation left the calendar's range.
pub const ONSHI_HISTORY_DATE_OUT_OF_RANGE: onshi_status = 358;
/// A history (read from JSON) breaks its invariants: overlapping versions, duplicate ids.
pub const ONSHI_HISTORY_INCONSISTENT: onshi_status = 359;
/// `onshi_history_apply`: the diff is `unknown` (no PMH data for this 公費): nothing to apply,
/// and the 公費 is not expired.
pub const ONSHI_HISTORY_UNKNOWN: onshi_status = 360;
/// A record, diff or JSON of another kind than the history keeps (a 公費 for an insurance
/// history, or the reverse).
pub const ONSHI_HISTORY_WRONG_KIND: onshi_status = 361;

/// A file-system operation of the terminal client or emulator failed (the message names it).
pub const ONSHI_TERMINAL_IO: onshi_status = 400;
/// No answer in time (the message ends with what staff should check, in Japanese).
pub const ONSHI_TERMINAL_NOT_ANSWERING: onshi_status = 401;
/// The terminal rejected the request (it wrote a `.err` file).
pub const ONSHI_TERMINAL_REJECTED: onshi_status = 402;
/// The answer file cannot be read.
pub const ONSHI_TERMINAL_BAD_ANSWER: onshi_status = 403;
/// The answer does not belong to the request.
pub const ONSHI_TERMINAL_MISMATCH: onshi_status = 404;
/// The answer is not of the expected kind.
pub const ONSHI_TERMINAL_UNEXPECTED_ANSWER: onshi_status = 405;
/// The request cannot be written (the message does not fit the family …).
pub const ONSHI_TERMINAL_INVALID_REQUEST: onshi_status = 406;
/// The request could not be encoded.
pub const ONSHI_TERMINAL_ENCODE: onshi_status = 407;
/// A bulk flow ended with 処理結果区分 9 (異常終了).
pub const ONSHI_TERMINAL_BULK_FAILED: onshi_status = 408;
/// A bulk flow was still 処理中 at its deadline (the message holds the 受付番号).
pub const ONSHI_TERMINAL_BULK_DEADLINE: onshi_status = 409;
/// An emulator dataset is invalid.
pub const ONSHI_TERMINAL_DATASET: onshi_status = 410;
/// `req/`, `res/` or `face/` does not exist (wrong root, or the share is not connected).
pub const ONSHI_TERMINAL_MISSING_FOLDER: onshi_status = 411;
/// 薬剤情報 / 特定健診情報 were not requested: the patient's consent is missing or expired
/// (the message is 「情報の提供は同意されていません」 and what staff can do, in Japanese).
/// Nothing was written to `req/`.
pub const ONSHI_TERMINAL_NOT_CONSENTED: onshi_status = 412;
/// A blocking call was cancelled with its cancel token (a ticket waited for stays pending).
pub const ONSHI_TERMINAL_CANCELLED: onshi_status = 413;
/// A file of the shared folders is larger than the limit; it was not read.
pub const ONSHI_TERMINAL_TOO_LARGE: onshi_status = 414;
/// Not a regular file (a FIFO, a device, a folder) under an interface file's name; not read.
pub const ONSHI_TERMINAL_NOT_REGULAR_FILE: onshi_status = 415;
/// A symbolic link under an interface file's name; not followed.
pub const ONSHI_TERMINAL_SYMLINK: onshi_status = 416;
/// The ticket's answer was collected before and is gone from `res/` and the archive.
pub const ONSHI_TERMINAL_ALREADY_COLLECTED: onshi_status = 417;
/// Another emulator already runs on this root.
pub const ONSHI_TERMINAL_ALREADY_RUNNING: onshi_status = 418;
/// The emulator was stopped.
pub const ONSHI_TERMINAL_EMULATOR_STOPPED: onshi_status = 419;
/// A file of `res/` or `face/` is not XML: the terminal encrypts its prefix (`encrypt.conf`
/// / `encrypt_face.conf`) and no decryption hook is set (`onshi_client_set_cipher`).
pub const ONSHI_TERMINAL_ENCRYPTED: onshi_status = 420;
/// The decryption or encryption hook failed (returned an error, did not answer in time, or
/// returned something that is not XML).
pub const ONSHI_TERMINAL_HOOK_FAILED: onshi_status = 421;
/// A zipped bulk result was refused: extra entries, an unsafe or unexpected entry name, a
/// symbolic link, an encrypted entry, an unsupported method, a damaged archive.
pub const ONSHI_TERMINAL_ZIP_REFUSED: onshi_status = 422;
/// A zipped bulk result inflates beyond the size limit or far more than XML does (a zip
/// bomb).
pub const ONSHI_TERMINAL_ZIP_TOO_LARGE: onshi_status = 423;
/// A bulk download answered a 処理結果区分 that is neither 1, 2 nor 9 (or none): a failure.
pub const ONSHI_TERMINAL_UNKNOWN_SEGMENT: onshi_status = 424;

/// No PC/SC card reader is connected.
pub const ONSHI_CARD_NO_READER: onshi_status = 500;
/// The PC/SC service (pcscd, Windows Smart Card) is not running.
pub const ONSHI_CARD_SERVICE_NOT_RUNNING: onshi_status = 501;
/// The card reader was unplugged while in use.
pub const ONSHI_CARD_READER_UNPLUGGED: onshi_status = 502;
/// No card is in the reader.
pub const ONSHI_CARD_NO_CARD: onshi_status = 503;
/// The card was removed during the operation.
pub const ONSHI_CARD_REMOVED: onshi_status = 504;
/// The card is not a My Number card.
pub const ONSHI_CARD_NOT_MY_NUMBER_CARD: onshi_status = 505;
/// The PIN was wrong (the message says how many tries are left).
pub const ONSHI_CARD_WRONG_PIN: onshi_status = 506;
/// The PIN is locked.
pub const ONSHI_CARD_PIN_LOCKED: onshi_status = 507;
/// Only one PIN try is left and the call did not confirm using it.
pub const ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION: onshi_status = 508;
/// The card refused a read: the PIN was not verified (69 82).
pub const ONSHI_CARD_SECURITY_STATUS_NOT_SATISFIED: onshi_status = 509;
/// The card has no such file or application (6A 82).
pub const ONSHI_CARD_FILE_NOT_FOUND: onshi_status = 510;
/// The card answered with an unexpected status word.
pub const ONSHI_CARD_UNEXPECTED_STATUS: onshi_status = 511;
/// Data from the card is not in the expected format.
pub const ONSHI_CARD_MALFORMED_DATA: onshi_status = 512;
/// Waiting for a card or reader event timed out.
pub const ONSHI_CARD_TIMEOUT: onshi_status = 513;
/// The wait was cancelled.
pub const ONSHI_CARD_CANCELLED: onshi_status = 514;
/// The card does not allow the command now (69 86).
pub const ONSHI_CARD_COMMAND_NOT_ALLOWED: onshi_status = 515;
/// The PIN is not 4 digits.
pub const ONSHI_CARD_INVALID_PIN_FORMAT: onshi_status = 516;
/// No reader has the given name.
pub const ONSHI_CARD_UNKNOWN_READER: onshi_status = 517;
/// Another program holds the card.
pub const ONSHI_CARD_IN_USE: onshi_status = 518;
/// The card does not answer.
pub const ONSHI_CARD_UNRESPONSIVE: onshi_status = 519;
/// Another PC/SC error.
pub const ONSHI_CARD_PCSC: onshi_status = 520;
/// The virtual card (tests) could not be reached.
pub const ONSHI_CARD_VIRTUAL_CARD_IO: onshi_status = 521;
/// A smartphone's マイナ保険証 (Android: JPKI only): no card-face data to read; receive the
/// patient at the face reader.
pub const ONSHI_CARD_SMARTPHONE: onshi_status = 522;
/// A 顔認証マイナンバーカード (no PIN): the 基本4情報 cannot be read; receive the patient at the
/// face reader.
pub const ONSHI_CARD_FACE_AUTH_CARD: onshi_status = 523;

/// A required pointer argument was NULL (or a NULL string pointer came with a non-zero length).
pub const ONSHI_NULL_PARAMETER: onshi_status = 600;
/// An input string is not valid UTF-8.
pub const ONSHI_INVALID_UTF8: onshi_status = 601;
/// The library failed internally (a Rust panic was caught at the boundary). The handle is
/// still safe to free; report the message of `_last_error` to the onshi maintainers.
pub const ONSHI_PANIC: onshi_status = 602;
/// An index is past the end of a list, or a length is impossibly large.
pub const ONSHI_OUT_OF_RANGE: onshi_status = 603;
/// The output buffer is NULL or too small; `*out_len` holds the length needed (excluding the
/// terminating NUL). Not an error: this is how the size query works.
pub const ONSHI_BUFFER_TOO_SMALL: onshi_status = 604;
/// A handle argument is not a live handle of the expected type.
pub const ONSHI_INVALID_HANDLE: onshi_status = 605;
/// An enumeration argument (field, list, code table, id kind, mode) has an unknown value.
pub const ONSHI_INVALID_ARGUMENT: onshi_status = 606;
/// The field or list item holds no value. Not an error: absent is a normal state of a record.
pub const ONSHI_NOT_PRESENT: onshi_status = 607;
/// The accessor does not fit the field (e.g. a date getter on a text field, or a field of
/// another list).
pub const ONSHI_TYPE_MISMATCH: onshi_status = 608;
/// A text value cannot be read as the field's type (a date that does not exist, a ratio above
/// 100 …).
pub const ONSHI_INVALID_VALUE: onshi_status = 609;
/// The field or list cannot be changed through this call.
pub const ONSHI_READ_ONLY: onshi_status = 610;

/// This build of the library lacks the feature (e.g. PC/SC support, feature `card`).
pub const ONSHI_NOT_SUPPORTED: onshi_status = 611;
/// A text input holds a NUL character (U+0000): C would cut it there, and no field of the
/// interface holds one.
pub const ONSHI_EMBEDDED_NUL: onshi_status = 612;
/// The call is not allowed from inside the client's own face callback (it would wait for
/// the thread that runs the callback, or hold up face delivery). Return from the callback
/// first; `onshi_client_stop_face` and `onshi_client_free` are allowed there.
pub const ONSHI_IN_CALLBACK: onshi_status = 613;

/// A JSON record could not be read.
pub const ONSHI_JSON: onshi_status = 700;
/// A file-system operation failed.
pub const ONSHI_IO: onshi_status = 701;

/// The symbolic name of a status (`"ONSHI_NULL_PARAMETER"`), or `None` if it has none.
pub(crate) fn name(status: onshi_status) -> Option<&'static str> {
    row(status).map(|r| r.name)
}

/// A short English description of a status; statuses without a name are described by their
/// family.
pub(crate) fn describe(status: onshi_status) -> &'static str {
    if let Some(r) = row(status) {
        return r.english;
    }
    match status {
        100..=199 => "identifier error",
        200..=299 => "terminal XML file error",
        300..=399 => "diff or history error",
        400..=499 => "terminal client or emulator error",
        500..=599 => "card reader error",
        600..=699 => "C ABI misuse",
        700..=799 => "record or I/O error",
        _ => "unknown status",
    }
}

/// The row of a status in the one table of statuses ([`crate::messages::STATUSES`]).
fn row(status: onshi_status) -> Option<&'static crate::messages::StatusText> {
    let all = crate::messages::STATUSES;
    all.binary_search_by_key(&status, |r| r.status)
        .ok()
        .map(|i| &all[i])
}

/// The Japanese text for reception staff of a status: what happened, then what to do (the
/// row's `message_ja` and `action_ja`). Every number has one; unassigned numbers get their
/// family's.
pub(crate) fn status_message_ja(status: onshi_status) -> &'static str {
    static JOINED: OnceLock<Vec<String>> = OnceLock::new();
    let joined = JOINED.get_or_init(|| {
        crate::messages::STATUSES
            .iter()
            .map(|r| format!("{}{}", r.message_ja, r.action_ja))
            .collect()
    });
    if let Ok(i) = crate::messages::STATUSES.binary_search_by_key(&status, |r| r.status) {
        return &joined[i];
    }
    match status {
        100..=199 => "番号の形式が正しくありません。入力内容を確認してください。",
        200..=299 => {
            "資格確認端末のファイルを読み取れませんでした。システム管理者に連絡してください。"
        }
        300..=399 => "資格情報を反映できませんでした。もう一度確認してから操作してください。",
        400..=499 => {
            "資格確認端末との連携でエラーが起きました。しばらくしてからもう一度お試しください。"
        }
        500..=599 => "カードリーダーでエラーが起きました。もう一度お試しください。",
        600..=699 => {
            "システムの内部で誤った操作がありました。電子カルテ・レセコンの販売元に連絡してください。"
        }
        700..=799 => "データを読み書きできませんでした。システム管理者に連絡してください。",
        _ => "エラーが起きました。電子カルテ・レセコンの販売元に連絡してください。",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{IdError, IdKind};

    #[test]
    fn every_id_error_code_has_a_named_status() {
        let k = IdKind::InsurerNumber;
        let all = [
            (IdError::Empty { kind: k }, ONSHI_ID_EMPTY),
            (
                IdError::NotDigit {
                    kind: k,
                    position: 1,
                },
                ONSHI_ID_NOT_DIGIT,
            ),
            (
                IdError::Length {
                    kind: k,
                    found: 1,
                    expected: "6",
                },
                ONSHI_ID_LENGTH,
            ),
            (
                IdError::CheckDigit {
                    kind: k,
                    found: 1,
                    expected: 2,
                },
                ONSHI_ID_CHECK_DIGIT,
            ),
            (
                IdError::Prefecture { kind: k, found: 99 },
                ONSHI_ID_PREFECTURE,
            ),
            (
                IdError::TooLong {
                    kind: k,
                    found: 30,
                    max: 20,
                },
                ONSHI_ID_TOO_LONG,
            ),
        ];
        for (e, s) in all {
            assert_eq!(e.code(), s, "{e}");
            assert!(name(s).is_some());
        }
    }

    #[test]
    fn xml_codes_have_named_statuses() {
        use crate::xml::{Forbidden, Location, XmlError as X};
        let l = || Location {
            line: 1,
            column: 1,
            offset: 0,
            path: String::new(),
        };
        let s = || "x".to_string();
        let all = [
            (
                X::Syntax {
                    message: s(),
                    location: l(),
                },
                ONSHI_XML_SYNTAX,
            ),
            (
                X::Encoding {
                    message: s(),
                    location: l(),
                },
                ONSHI_XML_ENCODING,
            ),
            (
                X::UnsupportedEncoding {
                    name: s(),
                    location: l(),
                },
                ONSHI_XML_UNSUPPORTED_ENCODING,
            ),
            (
                X::Forbidden {
                    what: Forbidden::Doctype,
                    location: l(),
                },
                ONSHI_XML_FORBIDDEN,
            ),
            (
                X::TooLarge {
                    size: 2,
                    max: 1,
                    location: l(),
                },
                ONSHI_XML_TOO_LARGE,
            ),
            (
                X::TooDeep {
                    max: 1,
                    location: l(),
                },
                ONSHI_XML_TOO_DEEP,
            ),
            (
                X::UnexpectedRoot {
                    found: s(),
                    location: l(),
                },
                ONSHI_XML_UNEXPECTED_ROOT,
            ),
            (
                X::UnexpectedText { location: l() },
                ONSHI_XML_UNEXPECTED_TEXT,
            ),
            (
                X::UnexpectedElement {
                    name: s(),
                    location: l(),
                },
                ONSHI_XML_UNEXPECTED_ELEMENT,
            ),
            (
                X::InvalidValue {
                    field: s(),
                    value: s(),
                    expected: s(),
                    location: l(),
                },
                ONSHI_XML_INVALID_VALUE,
            ),
            (
                X::UnknownMessage {
                    reason: s(),
                    location: l(),
                },
                ONSHI_XML_UNKNOWN_MESSAGE,
            ),
            (
                X::Unrepresentable {
                    path: s(),
                    character: 'x',
                },
                ONSHI_XML_UNREPRESENTABLE,
            ),
            (
                X::Unwritable {
                    path: s(),
                    reason: s(),
                },
                ONSHI_XML_UNWRITABLE,
            ),
            (
                X::TooManyUnknown {
                    max: 1,
                    location: l(),
                },
                ONSHI_XML_TOO_MANY_UNKNOWN,
            ),
            (X::Encrypted { location: l() }, ONSHI_XML_ENCRYPTED),
        ];
        for (e, st) in all {
            assert_eq!(e.code(), st, "{e}");
            assert!(name(st).is_some(), "{e}");
        }
    }

    #[test]
    fn terminal_codes_have_named_statuses() {
        use crate::terminal::TerminalError as T;
        let s = || "x".to_string();
        let all = [
            (
                T::Io {
                    op: "read",
                    path: s(),
                    source: std::io::Error::other("x"),
                },
                ONSHI_TERMINAL_IO,
            ),
            (
                T::NotAnswering(Box::new(crate::terminal::NotAnswering {
                    request_file: s(),
                    waited: std::time::Duration::from_secs(1),
                    request_still_in_req: true,
                    ..Default::default()
                })),
                ONSHI_TERMINAL_NOT_ANSWERING,
            ),
            (
                T::Rejected {
                    request_file: s(),
                    content: crate::Personal::new(s()),
                },
                ONSHI_TERMINAL_REJECTED,
            ),
            (
                T::BadAnswer {
                    file: s(),
                    problem: crate::terminal::AnswerProblem::NotClosed,
                },
                ONSHI_TERMINAL_BAD_ANSWER,
            ),
            (
                T::Mismatch {
                    file: s(),
                    what: "x",
                },
                ONSHI_TERMINAL_MISMATCH,
            ),
            (
                T::UnexpectedAnswer {
                    file: s(),
                    expected: "x",
                },
                ONSHI_TERMINAL_UNEXPECTED_ANSWER,
            ),
            (
                T::InvalidRequest { reason: s() },
                ONSHI_TERMINAL_INVALID_REQUEST,
            ),
            (
                T::Encode {
                    error: Box::new(crate::xml::XmlError::Unrepresentable {
                        path: s(),
                        character: '\u{1F600}',
                    }),
                },
                ONSHI_TERMINAL_ENCODE,
            ),
            (
                T::BulkFailed {
                    reception_number: s(),
                    error_code: None,
                    error_message: None,
                },
                ONSHI_TERMINAL_BULK_FAILED,
            ),
            (
                T::BulkDeadline {
                    reception_number: s(),
                    polls: 1,
                },
                ONSHI_TERMINAL_BULK_DEADLINE,
            ),
            (T::Dataset { reason: s() }, ONSHI_TERMINAL_DATASET),
            (
                T::MissingFolder {
                    folder: "req",
                    path: s(),
                },
                ONSHI_TERMINAL_MISSING_FOLDER,
            ),
            (T::Cancelled { what: s() }, ONSHI_TERMINAL_CANCELLED),
            (T::TooLarge { file: s(), max: 1 }, ONSHI_TERMINAL_TOO_LARGE),
            (
                T::NotRegularFile {
                    file: s(),
                    kind: "fifo",
                },
                ONSHI_TERMINAL_NOT_REGULAR_FILE,
            ),
            (
                T::Symlink {
                    file: s(),
                    outside_root: true,
                },
                ONSHI_TERMINAL_SYMLINK,
            ),
            (
                T::AlreadyCollected(Box::new(crate::terminal::Collected {
                    request_file: s(),
                    answer_file: s(),
                    collected_at: chrono::NaiveDateTime::MIN,
                    rejected: false,
                    archived_as: None,
                })),
                ONSHI_TERMINAL_ALREADY_COLLECTED,
            ),
            (
                T::AlreadyRunning {
                    root: s(),
                    lock: s(),
                },
                ONSHI_TERMINAL_ALREADY_RUNNING,
            ),
            (T::EmulatorStopped, ONSHI_TERMINAL_EMULATOR_STOPPED),
            (
                T::Encrypted {
                    file: s(),
                    prefix: s(),
                },
                ONSHI_TERMINAL_ENCRYPTED,
            ),
            (
                T::Hook {
                    file: s(),
                    stage: crate::terminal::CipherStage::Decrypt,
                    reason: s(),
                },
                ONSHI_TERMINAL_HOOK_FAILED,
            ),
            (
                T::Zip {
                    file: s(),
                    refusal: crate::terminal::ZipRefusal::Empty,
                },
                ONSHI_TERMINAL_ZIP_REFUSED,
            ),
            (
                T::Zip {
                    file: s(),
                    refusal: crate::terminal::ZipRefusal::TooLarge { max: 1 },
                },
                ONSHI_TERMINAL_ZIP_TOO_LARGE,
            ),
            (
                T::UnknownSegment {
                    reception_number: s(),
                    segment: Some("3".into()),
                    file: s(),
                },
                ONSHI_TERMINAL_UNKNOWN_SEGMENT,
            ),
        ];
        for (e, st) in all {
            assert_eq!(e.code(), st, "{e}");
            assert!(name(st).is_some(), "{e}");
        }
    }

    #[test]
    fn history_codes_have_named_statuses() {
        use crate::history::HistoryError as H;
        let all = [
            (H::NotConfirmed, ONSHI_HISTORY_NOT_CONFIRMED),
            (H::IdentityNotVerified, ONSHI_HISTORY_IDENTITY_NOT_VERIFIED),
            (H::StaleReview, ONSHI_HISTORY_STALE_REVIEW),
            (
                H::SubstituteRefused {
                    field: "name",
                    label: "氏名",
                },
                ONSHI_HISTORY_SUBSTITUTE_REFUSED,
            ),
            (H::NoSuchVersion { id: 9 }, ONSHI_HISTORY_NO_SUCH_VERSION),
            (H::NotLinked { id: 1 }, ONSHI_HISTORY_NOT_LINKED),
            (H::Empty, ONSHI_HISTORY_EMPTY),
            (H::InvalidEnd { id: 1 }, ONSHI_HISTORY_INVALID_END),
            (H::DateOutOfRange, ONSHI_HISTORY_DATE_OUT_OF_RANGE),
            (H::Inconsistent("x"), ONSHI_HISTORY_INCONSISTENT),
            (H::Unknown, ONSHI_HISTORY_UNKNOWN),
            (
                H::WrongKind {
                    expected: crate::diff::RecordKind::Qualification,
                    found: crate::diff::RecordKind::PublicExpense,
                },
                ONSHI_HISTORY_WRONG_KIND,
            ),
        ];
        for (e, s) in all {
            assert_eq!(e.code(), s, "{e}");
            assert!(name(s).is_some(), "{e}");
        }
    }

    #[test]
    fn card_and_file_name_codes_have_named_statuses() {
        use crate::card::CardError as C;
        use crate::xml::FileNameError;
        let unit = [
            (C::NoReader, ONSHI_CARD_NO_READER),
            (C::ServiceNotRunning, ONSHI_CARD_SERVICE_NOT_RUNNING),
            (C::ReaderUnplugged, ONSHI_CARD_READER_UNPLUGGED),
            (C::NoCard, ONSHI_CARD_NO_CARD),
            (C::CardRemoved, ONSHI_CARD_REMOVED),
            (C::WrongPin { tries_left: 2 }, ONSHI_CARD_WRONG_PIN),
            (C::PinLocked, ONSHI_CARD_PIN_LOCKED),
            (
                C::LastTryNeedsConfirmation,
                ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION,
            ),
            (
                C::SecurityStatusNotSatisfied,
                ONSHI_CARD_SECURITY_STATUS_NOT_SATISFIED,
            ),
            (C::FileNotFound, ONSHI_CARD_FILE_NOT_FOUND),
            (C::Timeout, ONSHI_CARD_TIMEOUT),
            (C::Cancelled, ONSHI_CARD_CANCELLED),
            (C::CommandNotAllowed, ONSHI_CARD_COMMAND_NOT_ALLOWED),
            (C::InvalidPinFormat, ONSHI_CARD_INVALID_PIN_FORMAT),
            (
                C::UnknownReader { name: "r".into() },
                ONSHI_CARD_UNKNOWN_READER,
            ),
            (C::CardInUse, ONSHI_CARD_IN_USE),
            (C::CardUnresponsive, ONSHI_CARD_UNRESPONSIVE),
        ];
        for (e, s) in unit {
            assert_eq!(crate::Error::from(e).code(), s);
        }
        for s in 500..=521 {
            assert!(name(s).is_some(), "card code {s} has no named status");
        }
        let f = FileNameError::Unsafe {
            name: "../x".into(),
            reason: "r",
        };
        assert_eq!(
            crate::Error::from(crate::xml::XmlError::from(f)).code(),
            ONSHI_XML_FILE_NAME_UNSAFE
        );
        let f = FileNameError::NotInterface {
            name: "x".into(),
            reason: "r",
        };
        assert_eq!(f.code(), ONSHI_XML_FILE_NAME_NOT_INTERFACE);
    }

    #[test]
    fn json_and_io_codes_match_the_library() {
        let j = serde_json::from_str::<u32>("x").unwrap_err();
        assert_eq!(crate::Error::from(j).code(), ONSHI_JSON);
        let io = std::io::Error::other("x");
        assert_eq!(crate::Error::from(io).code(), ONSHI_IO);
    }

    #[test]
    fn bare_statuses_have_staff_text_and_families_have_a_fallback() {
        assert_eq!(status_message_ja(ONSHI_OK), "");
        let t = status_message_ja(ONSHI_ID_CHECK_DIGIT);
        assert!(
            t.starts_with("番号の検証番号") && t.contains("保険証等で番号を確認"),
            "{t}"
        );
        assert!(status_message_ja(299).contains("資格確認端末"));
        assert!(!status_message_ja(9999).is_empty());
        assert_eq!(name(ONSHI_IO), Some("ONSHI_IO"));
        assert_eq!(describe(299), "terminal XML file error");
        assert_eq!(describe(9999), "unknown status");
        assert_eq!(name(9999), None);
    }
}
