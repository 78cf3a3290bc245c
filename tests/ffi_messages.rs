//! Messages for two audiences through the C ABI (issue 10, item 5): every failure comes with
//! its status, a Japanese text for reception staff and an English detail for developers, as
//! separate parts — for identifiers, JSON records, XML files, history operations and the
//! terminal alike (identifier, history and JSON errors used to be English only, and "not
//! answering" mixed both languages in one string).

use onshi::ffi::document::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::history::*;
use onshi::ffi::ids::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::ffi::terminal::*;
use std::ffi::c_char;
use std::ptr::{null, null_mut};

fn read(call: impl Fn(*mut c_char, usize, *mut usize) -> onshi_status) -> String {
    let mut n = 0usize;
    assert_eq!(call(null_mut(), 0, &mut n), ONSHI_BUFFER_TOO_SMALL);
    let mut buf = vec![0u8; n + 1];
    assert_eq!(call(buf.as_mut_ptr().cast(), buf.len(), &mut n), ONSHI_OK);
    buf.truncate(n);
    String::from_utf8(buf).unwrap()
}

/// The three parts held by an error object.
fn parts(err: *const onshi_error) -> (onshi_status, String, String) {
    let status = unsafe { onshi_error_status(err) };
    let staff = read(|b, c, n| unsafe { onshi_error_staff_message(err, b, c, n) });
    let detail = read(|b, c, n| unsafe { onshi_error_message(err, b, c, n) });
    (status, staff, detail)
}

fn is_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Staff text: Japanese. Detail: mostly English (Japanese only in names of fields and
/// identifiers), and not the staff text.
fn two_audiences(status: onshi_status, staff: &str, detail: &str, want: onshi_status) {
    assert_eq!(status, want, "{detail}");
    assert!(is_japanese(staff), "staff text not Japanese: {staff}");
    assert!(
        detail.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 5,
        "detail not English: {detail}"
    );
    assert!(
        !detail.contains(staff) && !staff.contains(detail),
        "{staff} / {detail}"
    );
}

#[test]
fn identifier_errors() {
    let err = onshi_error_new();
    let input = "12345";
    let mut n = 0usize;
    let mut buf = [0u8; 16];
    let s = unsafe {
        onshi_id_normalize(
            err,
            ONSHI_ID_KIND_INSURER_NUMBER,
            ONSHI_MODE_STRICT,
            input.as_ptr(),
            input.len(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut n,
        )
    };
    assert_eq!(s, ONSHI_ID_LENGTH);
    let (status, staff, detail) = parts(err);
    two_audiences(status, &staff, &detail, ONSHI_ID_LENGTH);
    assert!(
        staff.starts_with("保険者番号の桁数が正しくありません"),
        "{staff}"
    );
    assert_eq!(detail, "保険者番号: 5 digits, expected 6 or 8");
    unsafe { onshi_error_free(err) };
}

#[test]
fn json_record_errors() {
    let err = onshi_error_new();
    let json = r#"{"birthdate":"1980-13-01"}"#;
    let mut q = null_mut();
    let s = unsafe { onshi_qualification_from_json(err, json.as_ptr(), json.len(), &mut q) };
    assert_eq!(s, ONSHI_JSON);
    let (status, staff, detail) = parts(err);
    two_audiences(status, &staff, &detail, ONSHI_JSON);
    assert!(staff.contains("読み取れませんでした"), "{staff}");
    assert!(
        detail.starts_with("JSON record:") && detail.contains("line 1"),
        "{detail}"
    );
    unsafe { onshi_error_free(err) };
}

#[test]
fn xml_file_errors() {
    let err = onshi_error_new();
    let xml = "<XmlMsg><MessageHeader>";
    let mut d = null_mut();
    let s = unsafe { onshi_document_parse(err, xml.as_ptr(), xml.len(), null(), &mut d) };
    assert_eq!(s, ONSHI_XML_SYNTAX);
    let (status, staff, detail) = parts(err);
    two_audiences(status, &staff, &detail, ONSHI_XML_SYNTAX);
    assert!(staff.contains("資格確認端末のファイル"), "{staff}");
    assert!(
        detail.starts_with("line 1, column 24"),
        "the detail says where: {detail}"
    );
    unsafe { onshi_error_free(err) };
}

#[test]
fn history_errors() {
    let json =
        r#"{"insurer_number":"138057","insured_identification_number":"100","name":"見本　花子"}"#;
    let mut q = null_mut();
    unsafe { onshi_qualification_from_json(null_mut(), json.as_ptr(), json.len(), &mut q) };
    let since = onshi_date {
        year: 2020,
        month: 4,
        day: 1,
    };
    let at = onshi_datetime {
        year: 2025,
        month: 4,
        day: 1,
        hour: 9,
        minute: 0,
        second: 0,
    };
    let mut h = null_mut();
    assert_eq!(
        unsafe { onshi_history_new(null_mut(), q, &since, "staff".as_ptr(), 5, &at, &mut h) },
        ONSHI_OK
    );
    assert_eq!(
        unsafe { onshi_history_unlink(h, 99, "staff".as_ptr(), 5, &at) },
        ONSHI_HISTORY_NO_SUCH_VERSION
    );
    let err = onshi_error_new();
    assert_eq!(unsafe { onshi_error_from_handle(err, h.cast()) }, ONSHI_OK);
    let (status, staff, detail) = parts(err);
    two_audiences(status, &staff, &detail, ONSHI_HISTORY_NO_SUCH_VERSION);
    assert!(staff.contains("履歴が見つかりません"), "{staff}");
    assert_eq!(detail, "no version 99");
    // The handle's last error is the detail.
    assert_eq!(
        read(|b, c, n| unsafe { onshi_history_last_error(h, b, c, n) }),
        detail
    );
    unsafe {
        onshi_error_free(err);
        onshi_history_free(h);
        onshi_qualification_free(q);
    }
}

#[test]
fn terminal_errors() {
    let err = onshi_error_new();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("not-the-share");
    let root = root.to_str().unwrap();
    let mut c = null_mut();
    let s = unsafe { onshi_client_open(err, root.as_ptr(), root.len(), null(), 0, &mut c) };
    assert_eq!(s, ONSHI_TERMINAL_MISSING_FOLDER);
    let (status, staff, detail) = parts(err);
    two_audiences(status, &staff, &detail, ONSHI_TERMINAL_MISSING_FOLDER);
    assert!(staff.contains("共有フォルダ"), "{staff}");
    assert!(detail.contains(root), "the detail names the path: {detail}");
    assert!(
        !staff.contains("does not exist"),
        "no English for staff: {staff}"
    );
    unsafe { onshi_error_free(err) };
}

#[test]
fn every_status_is_described_in_both_languages() {
    for s in 0..1000u32 {
        let mut n = 0usize;
        if unsafe { onshi_status_name(s, null_mut(), 0, &mut n) } != ONSHI_BUFFER_TOO_SMALL {
            continue; // unassigned
        }
        let en = read(|b, c, n| unsafe { onshi_status_message(s, b, c, n) });
        let ja = read_or_empty(s);
        assert!(!en.is_empty(), "status {s}");
        if s != ONSHI_OK {
            assert!(is_japanese(&ja), "status {s} has no Japanese text: {ja:?}");
        }
    }
}

fn read_or_empty(s: onshi_status) -> String {
    let mut buf = vec![0u8; 1024];
    let mut n = 0usize;
    assert_eq!(
        unsafe { onshi_status_message_ja(s, buf.as_mut_ptr().cast(), buf.len(), &mut n) },
        ONSHI_OK
    );
    buf.truncate(n);
    String::from_utf8(buf).unwrap()
}

/// The CLI tells both audiences too: the staff text first, then the detail and the code.
#[cfg(feature = "cli")]
#[test]
fn the_cli_prints_the_staff_text_first() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["check-digit", "138058"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8(o.stderr).unwrap();
    let mut lines = e.lines();
    assert_eq!(
        lines.next(),
        Some(
            "onshi: 保険者番号の検証番号（最後の1桁）が合いません。入力間違いがないか確認してください。"
        )
    );
    assert_eq!(
        lines.next(),
        Some("  detail: 保険者番号: check digit (検証番号) is 8, expected 7 (code 103)")
    );
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "expected check digit: 7\n"
    );
}
