//! Identifiers and check digits (検証番号): adapters over [`crate::ids`].

use super::error::{onshi_error, with_error};
use super::handle::{Out, TextOut, text_in};
use super::panic::{Failure, guard};
use super::status::*;
use crate::ids::{self, Mode};
use std::ffi::c_char;

/// How strictly an identifier is checked: `ONSHI_MODE_STRICT` or `ONSHI_MODE_LENIENT`.
#[allow(non_camel_case_types)]
pub type onshi_mode = u32;
/// Length, characters, prefecture and check digit.
pub const ONSHI_MODE_STRICT: onshi_mode = 0;
/// Length and characters only: the check digit and prefecture are not checked (the FAQ case
/// of a number that cannot be checked).
pub const ONSHI_MODE_LENIENT: onshi_mode = 1;

/// Which identifier: one of the `ONSHI_ID_KIND_*` values.
#[allow(non_camel_case_types)]
pub type onshi_id_kind = u32;
/// 保険者番号 (6 or 8 digits, space or zero padding accepted).
pub const ONSHI_ID_KIND_INSURER_NUMBER: onshi_id_kind = 1;
/// 公費負担者番号 (8 digits).
pub const ONSHI_ID_KIND_PUBLIC_EXPENSE_PAYER_NUMBER: onshi_id_kind = 2;
/// 公費受給者番号 (7 digits).
pub const ONSHI_ID_KIND_RECIPIENT_NUMBER: onshi_id_kind = 3;
/// 医療機関コード (10 digits; strict mode verifies the prefecture and the 検証番号).
pub const ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE: onshi_id_kind = 4;
/// 被保険者証記号.
pub const ONSHI_ID_KIND_CARD_SYMBOL: onshi_id_kind = 5;
/// 被保険者証番号.
pub const ONSHI_ID_KIND_CARD_NUMBER: onshi_id_kind = 6;
/// 枝番 (2 digits).
pub const ONSHI_ID_KIND_BRANCH_NUMBER: onshi_id_kind = 7;

/// Flag of `onshi_insurer_number_flags`: a 6-digit 国保 number.
pub const ONSHI_INSURER_NATIONAL_HEALTH_INSURANCE: u32 = 1;
/// Flag of `onshi_insurer_number_flags`: 後期高齢者医療 (法別 39).
pub const ONSHI_INSURER_LATE_ELDERLY: u32 = 2;
/// Flag of `onshi_insurer_number_flags`: 医療扶助 公費負担者番号 (法別 12).
pub const ONSHI_INSURER_PUBLIC_ASSISTANCE: u32 = 4;

pub(crate) fn mode(m: onshi_mode) -> Result<Mode, Failure> {
    match m {
        ONSHI_MODE_STRICT => Ok(Mode::Strict),
        ONSHI_MODE_LENIENT => Ok(Mode::Lenient),
        _ => Err(Failure::new(
            ONSHI_INVALID_ARGUMENT,
            format!("unknown mode {m}"),
        )),
    }
}

fn normalize(kind: onshi_id_kind, input: &str, m: Mode) -> Result<String, Failure> {
    Ok(match kind {
        ONSHI_ID_KIND_INSURER_NUMBER => ids::InsurerNumber::parse(input, m)?.as_str().into(),
        ONSHI_ID_KIND_PUBLIC_EXPENSE_PAYER_NUMBER => {
            ids::PublicExpensePayerNumber::parse(input, m)?
                .as_str()
                .into()
        }
        ONSHI_ID_KIND_RECIPIENT_NUMBER => ids::RecipientNumber::parse(input, m)?.as_str().into(),
        ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE => ids::MedicalInstitutionCode::parse(input, m)?
            .as_str()
            .into(),
        ONSHI_ID_KIND_CARD_SYMBOL => ids::CardSymbol::parse(input, m)?.as_str().into(),
        ONSHI_ID_KIND_CARD_NUMBER => ids::CardNumber::parse(input, m)?.as_str().into(),
        ONSHI_ID_KIND_BRANCH_NUMBER => ids::BranchNumber::parse(input, m)?.as_str().into(),
        _ => {
            return Err(Failure::new(
                ONSHI_INVALID_ARGUMENT,
                format!("unknown identifier kind {kind}"),
            ));
        }
    })
}

/// Computes the check digit (検証番号) of a number's body (every digit but the last), ASCII
/// digits only: the モジュラス10 rule (weights 2-1 from the right) of 保険者番号, 公費負担者番号,
/// 受給者番号 and 医療機関コード (whose body is its first nine digits).
///
/// Returns `ONSHI_ID_EMPTY` for an empty body, `ONSHI_INVALID_VALUE` when the body holds
/// anything but ASCII digits.
/// Out-parameters are written only on success.
///
/// # Safety
/// `body` is NULL or readable for `body_len` bytes; `out_digit` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_check_digit_compute(
    body: *const u8,
    body_len: usize,
    out_digit: *mut u8,
) -> onshi_status {
    guard(|| {
        let out = Out::new(out_digit)?;
        // SAFETY: forwarded from the caller.
        let body = unsafe { text_in(body, body_len) }?;
        if body.is_empty() {
            return Err(Failure::new(
                ONSHI_ID_EMPTY,
                "the body is empty: there is nothing to compute a check digit of",
            ));
        }
        let d = ids::check_digit(body).ok_or(Failure::new(
            ONSHI_INVALID_VALUE,
            "the body holds a character that is not an ASCII digit",
        ))?;
        out.set(d);
        Ok(())
    })
}

/// Verifies the check digit (検証番号) of a 保険者番号, 公費負担者番号, 受給者番号 or
/// 医療機関コード (last digit included). Full-width digits and surrounding spaces are
/// accepted.
///
/// Returns `ONSHI_OK` when it holds, `ONSHI_ID_CHECK_DIGIT` when not (the message of `err`
/// names the expected digit), or another `ONSHI_ID_*` status for a malformed number.
/// `err`: NULL is accepted.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `number` is NULL or readable for `number_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_check_digit_verify(
    err: *mut onshi_error,
    number: *const u8,
    number_len: usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let number = text_in(number, number_len)?;
            Ok(ids::verify(number)?)
        })
    }
}

/// Parses an identifier of the given kind and copies its normalized form, UTF-8: digits
/// half-width and unpadded (保険者番号 `"  138057"` → `"138057"`), 枝番 two digits, card
/// symbol/number with full-width letters and dashes folded.
///
/// Returns an `ONSHI_ID_*` status when the input is not a valid identifier (the message of
/// `err` says why and where); `ONSHI_INVALID_ARGUMENT` for an unknown kind or mode.
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `input` is NULL or readable for `input_len` bytes;
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_id_normalize(
    err: *mut onshi_error,
    kind: onshi_id_kind,
    mode_: onshi_mode,
    input: *const u8,
    input_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = TextOut::new(buf, cap, out_len)?;
            let m = mode(mode_)?;
            let input = text_in(input, input_len)?;
            out.write(&normalize(kind, input, m)?)
        })
    }
}

/// Parses a 保険者番号 and copies its wire form: space-padded on the left to 8 characters,
/// as request files carry it (`"138057"` → `"  138057"`).
///
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `input` is NULL or readable for `input_len` bytes;
/// `buf` is NULL or writable for `cap` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_insurer_number_to_wire(
    err: *mut onshi_error,
    mode_: onshi_mode,
    input: *const u8,
    input_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = TextOut::new(buf, cap, out_len)?;
            let m = mode(mode_)?;
            let input = text_in(input, input_len)?;
            out.write(&ids::InsurerNumber::parse(input, m)?.to_wire())
        })
    }
}

/// Parses a 保険者番号 and reports what kind of insurer it is as a bit set of
/// `ONSHI_INSURER_*` flags (0 for an ordinary 8-digit 被用者保険 number).
///
/// `err`: NULL is accepted.
/// Out-parameters are written only on success.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `input` is NULL or readable for `input_len` bytes;
/// `out_flags` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_insurer_number_flags(
    err: *mut onshi_error,
    mode_: onshi_mode,
    input: *const u8,
    input_len: usize,
    out_flags: *mut u32,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = Out::new(out_flags)?;
            let m = mode(mode_)?;
            let n = ids::InsurerNumber::parse(text_in(input, input_len)?, m)?;
            let mut flags = 0;
            if n.is_national_health_insurance() {
                flags |= ONSHI_INSURER_NATIONAL_HEALTH_INSURANCE;
            }
            if n.is_late_elderly() {
                flags |= ONSHI_INSURER_LATE_ELDERLY;
            }
            if n.is_public_assistance() {
                flags |= ONSHI_INSURER_PUBLIC_ASSISTANCE;
            }
            out.set(flags);
            Ok(())
        })
    }
}
