//! The catalogue of C field ids: which table describes an `onshi_field` (its JSON name,
//! value type and list), for `onshi_field_*` and for the errors that name a field. Each
//! module declares its own tables (`field!` and `ro!` rows) and a `meta()` over them; this
//! is the one place that knows all of them.

use super::field::*;
use super::panic::Failure;
use super::status::*;

/// Looks a field id up in every table of the C ABI: its JSON name, value type and list.
pub(crate) fn meta(id: onshi_field) -> Result<Meta, Failure> {
    if id == ONSHI_FIELD_CONSENT_KIND {
        return Ok(Meta {
            name: "consents.<kind>",
            kind: kind(ONSHI_VALUE_TYPE_TEXT),
            list: ONSHI_LIST_CONSENTS,
        });
    }
    meta_in(QUALIFICATION_FIELDS, id, ONSHI_LIST_NONE)
        .or_else(|| meta_in(SPECIFIC_DISEASE_FIELDS, id, ONSHI_LIST_SPECIFIC_DISEASES))
        .or_else(|| meta_in(MEDICAL_TICKET_FIELDS, id, ONSHI_LIST_MEDICAL_TICKETS))
        .or_else(|| meta_in(CONSENT_FIELDS, id, ONSHI_LIST_CONSENTS))
        .or_else(|| meta_in(PUBLIC_EXPENSE_FIELDS, id, ONSHI_LIST_PUBLIC_EXPENSES))
        .or_else(|| super::document::meta(id))
        .or_else(|| super::diff::meta(id))
        .or_else(|| super::history::meta(id))
        .or_else(|| super::matching::meta(id))
        .or_else(|| super::card::meta(id))
        .ok_or_else(|| Failure::new(ONSHI_INVALID_ARGUMENT, format!("unknown field {id}")))
}
