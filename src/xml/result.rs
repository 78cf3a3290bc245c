//! The per-person answer blocks: a `BulkConfirmUnit` ([`ConfirmationResult`]) and a
//! `ReferenceNumberRegistrationInfo` ([`ReferenceNumberRegistration`]).
//!
//! The body of a single 資格確認結果 has the same fields as a unit but sits directly under
//! `MessageBody`; `message.rs` assembles it from the same pieces.

use super::codec::*;
use super::error::XmlError;
use super::fields::{Got, leaves, wrapper};
use super::messages::{ConfirmationResult, ReferenceNumberRegistration};
use super::qualification::{
    QUERY, RESULT, read_qualification, read_query, write_qualification, write_query,
};
use super::reader::Cursor;
use super::writer::{Sink, extras};
use crate::codes::*;
use crate::model::{Qualification, UnknownElement};

/// Element name of a bulk unit.
pub(crate) const UNIT: &str = "BulkConfirmUnit";
/// Element name of the result list.
pub(crate) const RESULT_LIST: &str = "ResultList";
/// Element name of a registration.
pub(crate) const REGISTRATION: &str = "ReferenceNumberRegistrationInfo";

leaves!(result_leaves, ConfirmationResult {
    "ProcessingResultStatus" => processing_result_status: CodeOf<ProcessingResultStatus>,
    "ProcessingResultCode" => processing_result_code: Text,
    "ProcessingResultMessage" => processing_result_message: Text,
    "QualificationValidity" => qualification_validity: CodeOf<QualificationValidity>,
    "PrescriptionIssueSelect" => prescription_issue_select: CodeOf<PrescriptionIssueSelect>,
});

leaves!(result_tail, ConfirmationResult {
    "ReferenceNumber" => reference_number: PText,
});

leaves!(registration_leaves, ReferenceNumberRegistration {
    "ReferenceNumber" => reference_number: PText,
    "InsurerNumber" => insurer_number: InsurerWire,
    "InsuredCardSymbol" => insured_card_symbol: Symbol,
    "InsuredIdentificationNumber" => insured_identification_number: Number,
    "InsuredBranchNumber" => insured_branch_number: Branch,
    "ProcessingResultStatus" => processing_result_status: CodeOf<ProcessingResultStatus>,
    "ProcessingResultCode" => processing_result_code: Text,
    "ProcessingResultMessage" => processing_result_message: Text,
});

/// Reads a `ResultList` just started: its results, and its unmodelled children.
pub(crate) fn read_result_list(
    cur: &mut Cursor<'_>,
    out: &mut Vec<Qualification>,
) -> Result<Vec<UnknownElement>, XmlError> {
    let mut unknown = Vec::new();
    cur.children(|cur, name, el, start| {
        if name == RESULT {
            out.push(Qualification::default());
            let i = out.len() - 1;
            read_qualification(cur, &mut out[i])?;
        } else {
            unknown.push(cur.unknown(name, &el, start)?);
        }
        Ok(())
    })?;
    Ok(unknown)
}

/// Reads a `BulkConfirmUnit` just started. Results may sit in a `ResultList` or directly in
/// the unit; both are accepted.
pub(crate) fn read_unit(cur: &mut Cursor<'_>, u: &mut ConfirmationResult) -> Result<(), XmlError> {
    cur.children(|cur, name, el, start| {
        let mut got = result_leaves::read(u, cur, name, &el, start)?;
        if let Got::No = got {
            got = result_tail::read(u, cur, name, &el, start)?;
        }
        if let Got::No = got {
            got = match name {
                QUERY if u.query_echo.is_none() => {
                    let q = read_query(cur)?;
                    u.query_echo = (q != Default::default()).then_some(q);
                    Got::Taken
                }
                RESULT => {
                    u.results.push(Qualification::default());
                    let i = u.results.len() - 1;
                    read_qualification(cur, &mut u.results[i])?;
                    Got::Taken
                }
                RESULT_LIST => {
                    let unknown = read_result_list(cur, &mut u.results)?;
                    if unknown.is_empty() {
                        Got::Taken
                    } else {
                        Got::Extra(wrapper(RESULT_LIST, unknown))
                    }
                }
                _ => Got::No,
            };
        }
        match got {
            Got::Taken => {}
            Got::Extra(e) => u.extra.push(e),
            Got::No => u.extra.push(cur.unknown(name, &el, start)?),
        }
        Ok(())
    })
}

/// Writes the content of a result (a unit's children, or a single result's body).
/// `in_list`: results inside a `ResultList` (single result) or directly (bulk unit).
pub(crate) fn write_result_content<'m, S: Sink<'m>>(
    u: &'m ConfirmationResult,
    s: &mut S,
    in_list: bool,
) -> Result<(), XmlError> {
    if let Some(q) = u.query_echo.as_ref() {
        write_query(q, s)?;
    }
    result_leaves::write(u, s)?;
    if !u.results.is_empty() {
        if in_list {
            s.open(RESULT_LIST)?;
        }
        for r in &u.results {
            write_qualification(r, s)?;
        }
        if in_list {
            s.close()?;
        }
    }
    result_tail::write(u, s)?;
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
    let mut r = ReferenceNumberRegistration::default();
    cur.children(|cur, name, el, start| {
        match registration_leaves::read(&mut r, cur, name, &el, start)? {
            Got::Taken => {}
            Got::Extra(e) => r.extra.push(e),
            Got::No => r.extra.push(cur.unknown(name, &el, start)?),
        }
        Ok(())
    })?;
    Ok(r)
}

/// Writes a `ReferenceNumberRegistrationInfo`.
pub(crate) fn write_registration<'m, S: Sink<'m>>(
    r: &'m ReferenceNumberRegistration,
    s: &mut S,
) -> Result<(), XmlError> {
    s.open(REGISTRATION)?;
    registration_leaves::write(r, s)?;
    extras(s, &r.extra)?;
    s.close()
}
