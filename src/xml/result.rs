//! The per-person answer blocks: a `BulkConfirmUnit` ([`ConfirmationResult`]) and a
//! `ReferenceNumberRegistrationInfo` ([`ReferenceNumberRegistration`]).
//!
//! The body of a single 資格確認結果 has the same fields as a unit but sits directly under
//! `MessageBody`; `message.rs` assembles it from the same pieces. Fields, element names and
//! order are declared in `src/model/schema/records.rs` (reading and writing generated).

use super::error::XmlError;
use super::fields::{XmlRecord, list, read_into, read_record, write_record};
use super::reader::Cursor;
use super::writer::{Sink, extras};
use crate::model::{
    ConfirmationResult, Qualification, ReferenceNumberRegistration, UnknownElement,
};

/// Element name of a bulk unit.
pub(crate) const UNIT: &str = "BulkConfirmUnit";
/// Element name of the result list.
pub(crate) const RESULT_LIST: &str = "ResultList";
/// Element name of a registration.
pub(crate) const REGISTRATION: &str = "ReferenceNumberRegistrationInfo";
/// Element name of a registration result in the unit form.
pub(crate) const REGISTRATION_UNIT: &str = "BulkRegistrationUnit";

/// Reads a `ResultList` just started: its results, and its unmodelled children.
pub(crate) fn read_result_list(
    cur: &mut Cursor<'_>,
    out: &mut Vec<Qualification>,
    start: usize,
) -> Result<Vec<UnknownElement>, XmlError> {
    Ok(match list(out, super::qualification::RESULT, cur, start)? {
        super::fields::Got::Extra(e) => e.children,
        _ => Vec::new(),
    })
}

/// Reads a `BulkConfirmUnit` just started. Results may sit in a `ResultList` or directly in
/// the unit; both are accepted.
pub(crate) fn read_unit(cur: &mut Cursor<'_>, u: &mut ConfirmationResult) -> Result<(), XmlError> {
    read_into(cur, u)
}

/// Writes the content of a result (a unit's children, or a single result's body).
/// `in_list`: results inside a `ResultList` (single result) or directly (bulk unit).
pub(crate) fn write_result_content<'m, S: Sink<'m>>(
    u: &'m ConfirmationResult,
    s: &mut S,
    in_list: bool,
) -> Result<(), XmlError> {
    u.write_fields(s, !in_list)?;
    extras(s, &u.extra)
}

/// Writes a `BulkConfirmUnit`.
pub(crate) fn write_unit<'m, S: Sink<'m>>(
    u: &'m ConfirmationResult,
    s: &mut S,
) -> Result<(), XmlError> {
    s.open(UNIT)?;
    write_result_content(u, s, false)?;
    s.close()
}

/// Reads a `ReferenceNumberRegistrationInfo` just started.
pub(crate) fn read_registration(
    cur: &mut Cursor<'_>,
) -> Result<ReferenceNumberRegistration, XmlError> {
    read_record(cur)
}

/// Writes a `ReferenceNumberRegistrationInfo`.
pub(crate) fn write_registration<'m, S: Sink<'m>>(
    r: &'m ReferenceNumberRegistration,
    s: &mut S,
) -> Result<(), XmlError> {
    write_record(r, REGISTRATION, s)
}
