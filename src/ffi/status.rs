//! `onshi_status`: the one status-code contract of the C ABI.
//!
//! A status is a plain `uint32_t` with `#define`d values rather than a C enum: the library's
//! own error codes ([`crate::Error::code`]) travel through it unchanged, and a Rust enum must
//! never receive a number it does not list. `ONSHI_OK` is 0, so `if (status)` means failure.
//! Numbers are never reused; retired ones stay reserved.
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

use crate::ids::IdError;

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

/// A JSON record could not be read.
pub const ONSHI_JSON: onshi_status = 700;
/// A file-system operation failed.
pub const ONSHI_IO: onshi_status = 701;

/// The status of an identifier error (the library's own code).
pub(crate) fn of_id_error(e: &IdError) -> onshi_status {
    e.code()
}

/// Every named status with its symbolic name and a short description, in number order.
pub(crate) const NAMED: &[(onshi_status, &str, &str)] = &[
    (ONSHI_OK, "ONSHI_OK", "success"),
    (ONSHI_ID_EMPTY, "ONSHI_ID_EMPTY", "identifier is empty"),
    (
        ONSHI_ID_NOT_DIGIT,
        "ONSHI_ID_NOT_DIGIT",
        "identifier holds a character that is not allowed",
    ),
    (
        ONSHI_ID_LENGTH,
        "ONSHI_ID_LENGTH",
        "identifier has the wrong number of digits",
    ),
    (
        ONSHI_ID_CHECK_DIGIT,
        "ONSHI_ID_CHECK_DIGIT",
        "check digit (検証番号) does not match",
    ),
    (
        ONSHI_ID_PREFECTURE,
        "ONSHI_ID_PREFECTURE",
        "prefecture digits are not 01-47",
    ),
    (
        ONSHI_ID_TOO_LONG,
        "ONSHI_ID_TOO_LONG",
        "identifier is longer than allowed",
    ),
    (
        ONSHI_NULL_PARAMETER,
        "ONSHI_NULL_PARAMETER",
        "a required pointer argument was NULL",
    ),
    (
        ONSHI_INVALID_UTF8,
        "ONSHI_INVALID_UTF8",
        "an input string is not valid UTF-8",
    ),
    (
        ONSHI_PANIC,
        "ONSHI_PANIC",
        "internal error in the onshi library",
    ),
    (
        ONSHI_OUT_OF_RANGE,
        "ONSHI_OUT_OF_RANGE",
        "index or length out of range",
    ),
    (
        ONSHI_BUFFER_TOO_SMALL,
        "ONSHI_BUFFER_TOO_SMALL",
        "output buffer too small; *out_len holds the length needed",
    ),
    (
        ONSHI_INVALID_HANDLE,
        "ONSHI_INVALID_HANDLE",
        "not a live handle of the expected type",
    ),
    (
        ONSHI_INVALID_ARGUMENT,
        "ONSHI_INVALID_ARGUMENT",
        "an enumeration argument has an unknown value",
    ),
    (ONSHI_NOT_PRESENT, "ONSHI_NOT_PRESENT", "no value"),
    (
        ONSHI_TYPE_MISMATCH,
        "ONSHI_TYPE_MISMATCH",
        "the accessor does not fit the field",
    ),
    (
        ONSHI_INVALID_VALUE,
        "ONSHI_INVALID_VALUE",
        "the text cannot be read as the field's type",
    ),
    (ONSHI_READ_ONLY, "ONSHI_READ_ONLY", "cannot be changed"),
    (ONSHI_JSON, "ONSHI_JSON", "JSON record could not be read"),
    (ONSHI_IO, "ONSHI_IO", "file-system operation failed"),
];

/// The symbolic name of a status (`"ONSHI_NULL_PARAMETER"`), or `None` if it has none.
pub(crate) fn name(status: onshi_status) -> Option<&'static str> {
    NAMED
        .iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, n, _)| *n)
}

/// A short English description of a status; statuses without a name are described by their
/// family.
pub(crate) fn describe(status: onshi_status) -> &'static str {
    if let Some((_, _, d)) = NAMED.iter().find(|(s, _, _)| *s == status) {
        return d;
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
            assert_eq!(of_id_error(&e), s, "{e}");
            assert!(name(s).is_some());
        }
    }

    #[test]
    fn json_and_io_codes_match_the_library() {
        let j = serde_json::from_str::<u32>("x").unwrap_err();
        assert_eq!(crate::Error::from(j).code(), ONSHI_JSON);
        let io = std::io::Error::other("x");
        assert_eq!(crate::Error::from(io).code(), ONSHI_IO);
    }

    #[test]
    fn names_are_unique_and_sorted() {
        for w in NAMED.windows(2) {
            assert!(w[0].0 < w[1].0, "{} / {}", w[0].1, w[1].1);
        }
        assert_eq!(describe(250), "terminal XML file error");
        assert_eq!(describe(9999), "unknown status");
        assert_eq!(name(9999), None);
    }
}
