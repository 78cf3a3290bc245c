//! `QualificationConfirmSearchInfo` (the query) and `ResultOfQualificationConfirmation` (the
//! qualification record with its 高齢受給者, 限度額, 特定疾病, 医療券 and consent blocks).
//!
//! Their fields, element names and writing order (oqs-interface.md §6.1 and the §6.2 field
//! table) are declared once in `src/model/schema/records.rs`; the reading and writing code is
//! generated from it (`src/xml/generated.rs`).

use super::error::XmlError;
use super::fields::{read_into, read_record, write_record};
use super::reader::Cursor;
use super::writer::Sink;
use crate::model::{Qualification, QualificationQuery};

/// Element name of the query block.
pub(crate) const QUERY: &str = "QualificationConfirmSearchInfo";
/// Element name of one result.
pub(crate) const RESULT: &str = "ResultOfQualificationConfirmation";

/// Reads the `QualificationConfirmSearchInfo` just started.
pub(crate) fn read_query(cur: &mut Cursor<'_>) -> Result<QualificationQuery, XmlError> {
    read_record(cur)
}

/// Writes a `QualificationConfirmSearchInfo`.
pub(crate) fn write_query<'m, S: Sink<'m>>(
    q: &'m QualificationQuery,
    s: &mut S,
) -> Result<(), XmlError> {
    write_record(q, QUERY, s)
}

/// Reads the `ResultOfQualificationConfirmation` just started into `r` (in place, so a large
/// bulk result is built without moving records).
pub(crate) fn read_qualification(
    cur: &mut Cursor<'_>,
    r: &mut Qualification,
) -> Result<(), XmlError> {
    read_into(cur, r)
}

/// Writes a `ResultOfQualificationConfirmation`.
pub(crate) fn write_qualification<'m, S: Sink<'m>>(
    r: &'m Qualification,
    s: &mut S,
) -> Result<(), XmlError> {
    write_record(r, RESULT, s)
}
