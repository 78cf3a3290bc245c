//! The monthly マイナ保険証 利用率 report over C: from visits the caller holds
//! (`onshi_usage_report`, pure) or from the client's journal (`onshi_client_usage_report`,
//! in `terminal.rs`, with `onshi_client_record_visit`).

use super::error::{onshi_error, with_error};
use super::handle::{TextOut, text_in};
use super::panic::Failure;
use super::status::*;
use crate::reception::usage::UsageReport;
use crate::reception::{Month, Visit};
use std::ffi::c_char;

/// How a usage report is written: one of the `ONSHI_REPORT_FORMAT_*` values.
pub type onshi_report_format = u32;
/// JSON: `{"month": "202612", "basis": "patient_month", "rows": [{"presentation", "label",
/// "category", "visits", "patients"}], "visits", "patients", "my_number_patients",
/// "card_number_patients", "no_confirmation_patients", "unattributed_visits",
/// "rate_basis_points" (null when nobody came), "rate_percent", "target_percent",
/// "meets_target", "basis_ja"}`.
pub const ONSHI_REPORT_FORMAT_JSON: onshi_report_format = 1;
/// CSV, UTF-8 with a byte order mark and CRLF line ends (Excel opens it as is): one line per
/// presentation, then the 利用率 line.
pub const ONSHI_REPORT_FORMAT_CSV: onshi_report_format = 2;
/// A text for staff in Japanese: the 利用率, whether the 30 % line is met, the counting
/// basis and a table by presentation.
pub const ONSHI_REPORT_FORMAT_TEXT: onshi_report_format = 3;

/// The month of a C call (`ONSHI_INVALID_VALUE` when it is not one).
pub(crate) fn month(year: i32, month: u32) -> Result<Month, Failure> {
    Month::new(year, month).ok_or_else(|| {
        Failure::new(
            ONSHI_INVALID_VALUE,
            format!("{year}-{month} is not a month (month 1-12)"),
        )
    })
}

/// Writes `report` in `format` to the text out-parameter `out`.
pub(crate) fn write_report(
    report: &UsageReport,
    format: onshi_report_format,
    out: TextOut,
) -> Result<(), Failure> {
    let text = match format {
        ONSHI_REPORT_FORMAT_JSON => report.to_json(),
        ONSHI_REPORT_FORMAT_CSV => report.to_csv(),
        ONSHI_REPORT_FORMAT_TEXT => report.to_text_ja(),
        n => {
            return Err(Failure::new(
                ONSHI_INVALID_ARGUMENT,
                format!("unknown onshi_report_format value {n}"),
            ));
        }
    };
    out.write(&text)
}

/// The マイナ保険証 利用率 report of `year`-`month` from `visits_json`, a JSON array of visits
/// in the shape the client's journal keeps them (`{"date": "2026-12-07", "patient_id":
/// "0001", "presentation": "my_number_card", "recorded_at": "2026-12-07T09:00:00"}`;
/// `patient_id`, `result_id`, `origin`, `actor` optional); visits of other months are left
/// out. Counted per patient-month (a patient seen several times in the month is one
/// patient, counted as a マイナ保険証 user when one visit used the card or a smartphone);
/// the 30 % line of the 2026-06 加算 is met when that share is 30 % or more. Pure: reads
/// neither disk nor clock.
///
/// Returns `ONSHI_JSON` when `visits_json` is not such an array, `ONSHI_INVALID_VALUE` for a
/// month out of 1–12, `ONSHI_INVALID_ARGUMENT` for an unknown `format`.
/// `err`: NULL is accepted.
/// Out-parameters are written only on success, except `*out_len`, which is also written with
/// `ONSHI_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `err` is NULL or a live `onshi_error`; `visits_json` is NULL or readable for `visits_len` bytes; `buf` is NULL or writable for
/// `cap` bytes; `out_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn onshi_usage_report(
    err: *mut onshi_error,
    visits_json: *const u8,
    visits_len: usize,
    year: i32,
    month_of_year: u32,
    format: onshi_report_format,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> onshi_status {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_error(err, || {
            let out = TextOut::new(buf, cap, out_len)?;
            let text = text_in(visits_json, visits_len)?;
            let m = month(year, month_of_year)?;
            let visits: Vec<Visit> = serde_json::from_str(text)?;
            write_report(&UsageReport::build(&visits, m), format, out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(json: &str, year: i32, m: u32, format: u32) -> (onshi_status, String) {
        let mut len = 0usize;
        // SAFETY: a valid text and out_len; NULL buf is the size query.
        let st = unsafe {
            onshi_usage_report(
                std::ptr::null_mut(),
                json.as_ptr(),
                json.len(),
                year,
                m,
                format,
                std::ptr::null_mut(),
                0,
                &mut len,
            )
        };
        if st != ONSHI_BUFFER_TOO_SMALL {
            return (st, String::new());
        }
        let mut buf = vec![0u8; len + 1];
        // SAFETY: buf holds len + 1 bytes.
        let st = unsafe {
            onshi_usage_report(
                std::ptr::null_mut(),
                json.as_ptr(),
                json.len(),
                year,
                m,
                format,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut len,
            )
        };
        buf.truncate(len);
        (st, String::from_utf8(buf).unwrap())
    }

    const VISITS: &str = r#"[
        {"date": "2026-12-01", "patient_id": "1", "presentation": "qualification_certificate", "recorded_at": "2026-12-01T09:00:00"},
        {"date": "2026-12-15", "patient_id": "1", "presentation": "my_number_card", "recorded_at": "2026-12-15T09:00:00"},
        {"date": "2026-12-02", "patient_id": "2", "presentation": "other_document", "recorded_at": "2026-12-02T09:00:00"},
        {"date": "2026-11-30", "patient_id": "3", "presentation": "my_number_card", "recorded_at": "2026-11-30T09:00:00"}
    ]"#;

    #[test]
    fn counts_patient_months_in_each_format() {
        let (st, json) = report(VISITS, 2026, 12, ONSHI_REPORT_FORMAT_JSON);
        assert_eq!(st, ONSHI_OK);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["patients"], 2);
        assert_eq!(v["visits"], 3);
        assert_eq!(v["rate_basis_points"], 5000);
        assert_eq!(v["meets_target"], true);
        let (st, csv) = report(VISITS, 2026, 12, ONSHI_REPORT_FORMAT_CSV);
        assert_eq!(st, ONSHI_OK);
        assert!(csv.starts_with('\u{FEFF}') && csv.contains("\r\n"));
        let (st, text) = report(VISITS, 2026, 12, ONSHI_REPORT_FORMAT_TEXT);
        assert_eq!(st, ONSHI_OK);
        assert!(text.contains("50.00%"), "{text}");
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert_eq!(report("{}", 2026, 12, 1).0, ONSHI_JSON);
        assert_eq!(report("[]", 2026, 13, 1).0, ONSHI_INVALID_VALUE);
        assert_eq!(report("[]", 2026, 12, 9).0, ONSHI_INVALID_ARGUMENT);
        // SAFETY: NULL with a length is refused before it is read.
        let st = unsafe {
            onshi_usage_report(
                std::ptr::null_mut(),
                std::ptr::null(),
                3,
                2026,
                12,
                1,
                std::ptr::null_mut(),
                0,
                &mut 0,
            )
        };
        assert_eq!(st, ONSHI_NULL_PARAMETER);
        // SAFETY: out_len NULL is refused.
        let st = unsafe {
            onshi_usage_report(
                std::ptr::null_mut(),
                b"[]".as_ptr(),
                2,
                2026,
                12,
                1,
                std::ptr::null_mut(),
                0,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(st, ONSHI_NULL_PARAMETER);
    }
}
