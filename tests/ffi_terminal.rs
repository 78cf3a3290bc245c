//! Documents and the terminal through the C ABI, driven from Rust the way C calls them: the
//! emulator answers a 個別照会 built from a registered record, the answer is diffed and
//! applied; face results arrive by poll and by callback; bulk; doctor; bad input. Parsing
//! and writing agree with the Rust API on the same bytes.

use onshi::ffi::diff::*;
use onshi::ffi::document::*;
use onshi::ffi::enums::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::history::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::ffi::terminal::*;
use std::ffi::{c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;

fn read(
    call: impl Fn(*mut c_char, usize, *mut usize) -> onshi_status,
) -> Result<String, onshi_status> {
    let mut n = 0usize;
    match call(null_mut(), 0, &mut n) {
        ONSHI_BUFFER_TOO_SMALL => {}
        s => return Err(s),
    }
    let mut buf = vec![0u8; n + 1];
    let s = call(buf.as_mut_ptr().cast(), buf.len(), &mut n);
    if s != ONSHI_OK {
        return Err(s);
    }
    buf.truncate(n);
    Ok(String::from_utf8(buf).expect("UTF-8 out"))
}

/// The Japanese staff text of a handle's last failure.
fn staff_of<T>(h: *const T) -> String {
    let e = onshi_error_new();
    assert_eq!(unsafe { onshi_error_from_handle(e, h.cast()) }, ONSHI_OK);
    let s = read(|b, c, n| unsafe { onshi_error_staff_message(e, b, c, n) }).unwrap();
    unsafe { onshi_error_free(e) };
    s
}

fn write_doc(d: *const onshi_document, enc: onshi_encoding) -> Result<Vec<u8>, onshi_status> {
    let mut n = 0usize;
    match unsafe { onshi_document_write(d, enc, null_mut(), 0, &mut n) } {
        ONSHI_BUFFER_TOO_SMALL => {}
        s => return Err(s),
    }
    let mut buf = vec![0u8; n];
    let s = unsafe { onshi_document_write(d, enc, buf.as_mut_ptr(), buf.len(), &mut n) };
    if s != ONSHI_OK {
        return Err(s);
    }
    Ok(buf)
}

/// P01 of the emulator's demo dataset, as the clinic registered it (address since moved).
const P01: &str = r#"{"insured_card_classification":"01","insurer_number":"01130012","insured_card_symbol":"12-34","insured_identification_number":"1001","insured_branch_number":"00","personal_family_classification":"1","name":"見本　太郎","name_kana":"ﾐﾎﾝ ﾀﾛｳ","sex1":"1","birthdate":"1980-04-01","address":"東京都見本区旧町","qualification_date":"2020-04-01"}"#;

const RES: &str = "<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate><ReferenceClassification>2</ReferenceClassification><SegmentOfResult>1</SegmentOfResult></MessageHeader><MessageBody><ResultList><ResultOfQualificationConfirmation><Name>見本　花子</Name><InsurerNumber>  138057</InsurerNumber><InsuredIdentificationNumber>100</InsuredIdentificationNumber></ResultOfQualificationConfirmation></ResultList><ProcessingResultStatus>1</ProcessingResultStatus><QualificationValidity>1</QualificationValidity></MessageBody></XmlMsg>";

#[test]
fn parse_write_and_fields_agree_with_the_rust_api() {
    let err = onshi_error_new();
    let mut d = null_mut();
    assert_eq!(
        unsafe { onshi_document_parse(err, RES.as_ptr(), RES.len(), null(), &mut d) },
        ONSHI_OK
    );
    let rust = onshi::xml::parse(RES.as_bytes()).unwrap();
    let mut ty = 0;
    unsafe { onshi_document_get_u32(d, ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, &mut ty) };
    assert_eq!(ty, ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE);
    let v = read(|b, c, n| unsafe {
        onshi_document_get_text(d, ONSHI_FIELD_DOCUMENT_QUALIFICATION_VALIDITY, b, c, n)
    });
    assert_eq!(v.as_deref(), Ok("1"));
    let mut n = 0;
    unsafe { onshi_document_count(d, ONSHI_LIST_DOCUMENT_RESULTS, &mut n) };
    assert_eq!(n, 1);
    let mut q = null_mut();
    assert_eq!(unsafe { onshi_document_result_at(d, 0, &mut q) }, ONSHI_OK);
    let name =
        read(|b, c, n| unsafe { onshi_qualification_get_text(q, ONSHI_FIELD_NAME, b, c, n) });
    assert_eq!(name.as_deref(), Ok("見本　花子"));
    assert_eq!(
        unsafe { onshi_document_result_at(d, 1, &mut q) },
        ONSHI_OUT_OF_RANGE
    );
    // Written bytes are the Rust API's, in both encodings.
    for (enc, e) in [
        (ONSHI_ENCODING_UTF8, onshi::xml::Encoding::Utf8),
        (ONSHI_ENCODING_SHIFT_JIS, onshi::xml::Encoding::ShiftJis),
    ] {
        let bytes = write_doc(d, enc).unwrap();
        assert_eq!(bytes, onshi::xml::write(&rust.message, e).unwrap());
        let mut back = null_mut();
        assert_eq!(
            unsafe { onshi_document_parse(err, bytes.as_ptr(), bytes.len(), null(), &mut back) },
            ONSHI_OK
        );
        let mut got = 0;
        unsafe { onshi_document_get_u32(back, ONSHI_FIELD_DOCUMENT_ENCODING, &mut got) };
        assert_eq!(got, enc);
        unsafe { onshi_document_free(back) };
    }
    assert_eq!(write_doc(d, 7), Err(ONSHI_INVALID_ARGUMENT));
    // JSON round trip.
    let json = read(|b, c, n| unsafe { onshi_document_to_json(d, b, c, n) }).unwrap();
    let mut back = null_mut();
    assert_eq!(
        unsafe { onshi_document_from_json(err, json.as_ptr(), json.len(), &mut back) },
        ONSHI_OK
    );
    assert_eq!(
        read(|b, c, n| unsafe { onshi_document_to_json(back, b, c, n) }).unwrap(),
        json
    );
    // An odd value is kept with a warning that says where; broken structure is still an
    // error that carries its location, and out-parameters stay untouched.
    let odd = "<XmlMsg><MessageHeader><QualificationConfirmationDate>2025-04-01</QualificationConfirmationDate></MessageHeader></XmlMsg>";
    let mut x = null_mut();
    assert_eq!(
        unsafe { onshi_document_parse(err, odd.as_ptr(), odd.len(), null(), &mut x) },
        ONSHI_OK
    );
    let mut n = 0;
    assert_eq!(
        unsafe { onshi_document_count(x, ONSHI_LIST_DOCUMENT_WARNINGS, &mut n) },
        ONSHI_OK
    );
    assert_eq!(n, 1);
    let path = read(|b, c, n| unsafe {
        onshi_document_item_get_text(
            x,
            ONSHI_LIST_DOCUMENT_WARNINGS,
            0,
            ONSHI_FIELD_DOCUMENT_WARNING_PATH,
            b,
            c,
            n,
        )
    })
    .unwrap();
    assert!(path.ends_with("/QualificationConfirmationDate"), "{path}");
    unsafe { onshi_document_free(x) };
    let bad = "<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</Qualification></MessageHeader></XmlMsg>";
    let mut x = null_mut();
    assert_eq!(
        unsafe { onshi_document_parse(err, bad.as_ptr(), bad.len(), null(), &mut x) },
        ONSHI_XML_SYNTAX
    );
    assert!(x.is_null());
    let m = read(|b, c, n| unsafe { onshi_error_message(err, b, c, n) }).unwrap();
    assert!(m.contains("line 1"), "{m}");
    let doctype = "<!DOCTYPE x [<!ENTITY a 'b'>]><XmlMsg/>";
    assert_eq!(
        unsafe { onshi_document_parse(err, doctype.as_ptr(), doctype.len(), null(), &mut x) },
        ONSHI_XML_FORBIDDEN
    );
    let small = onshi_limits {
        max_bytes: 10,
        max_depth: 0,
    };
    assert_eq!(
        unsafe { onshi_document_parse(err, RES.as_ptr(), RES.len(), &small, &mut x) },
        ONSHI_XML_TOO_LARGE
    );
    assert_eq!(
        unsafe { onshi_document_parse(err, [0xffu8, 0xfe].as_ptr(), 2, null(), &mut x) },
        onshi::xml::parse(&[0xff, 0xfe]).unwrap_err().code()
    );
    assert_eq!(
        unsafe {
            onshi_document_parse_file(err, "/nonexistent/x.xml".as_ptr(), 18, null(), &mut x)
        },
        ONSHI_IO
    );
    // A field of another message type is absent for reading, a mismatch for writing.
    assert_eq!(
        read(|b, c, n| unsafe {
            onshi_document_get_text(d, ONSHI_FIELD_DOCUMENT_RESULT_CODE, b, c, n)
        }),
        Err(ONSHI_NOT_PRESENT)
    );
    assert_eq!(
        unsafe { onshi_document_set_text(d, ONSHI_FIELD_DOCUMENT_RESULT_CODE, "1".as_ptr(), 1) },
        ONSHI_TYPE_MISMATCH
    );
    assert_eq!(
        unsafe { onshi_document_set_text(d, ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, "1".as_ptr(), 1) },
        ONSHI_READ_ONLY
    );
    unsafe {
        onshi_document_free(back);
        onshi_qualification_free(q);
        onshi_document_free(d);
        onshi_error_free(err);
    }
}

#[test]
fn file_names() {
    let mut info = onshi_file_name_info::default();
    let name = "OQSmuquc02res_202504010001.xml";
    assert_eq!(
        unsafe { onshi_file_name_parse(null_mut(), name.as_ptr(), name.len(), &mut info) },
        ONSHI_OK
    );
    assert_eq!(
        (
            info.family,
            info.phase,
            info.direction,
            info.extension,
            info.is_face
        ),
        (ONSHI_FAMILY_BULK_QUALIFICATION, 2, 2, 1, 0)
    );
    let req = "OQSsiquc01req_0001.xml";
    let res = read(|b, c, n| unsafe {
        onshi_file_name_response_name(null_mut(), req.as_ptr(), req.len(), b, c, n)
    });
    assert_eq!(res.as_deref(), Ok("OQSsiquc01res_0001.xml"));
    let bad = "../OQSsiquc01req_0001.xml";
    assert_eq!(
        unsafe { onshi_file_name_parse(null_mut(), bad.as_ptr(), bad.len(), &mut info) },
        ONSHI_XML_FILE_NAME_UNSAFE
    );
    assert_eq!(
        unsafe { onshi_file_name_parse(null_mut(), "x.txt".as_ptr(), 5, &mut info) },
        ONSHI_XML_FILE_NAME_NOT_INTERFACE
    );
}

struct Faces(Mutex<Vec<String>>);

unsafe extern "C" fn on_face(
    userdata: *mut c_void,
    doc: *const onshi_document,
    status: u32,
) -> onshi_face_ack {
    let faces = unsafe { &*(userdata as *const Faces) };
    let name = if doc.is_null() {
        format!("error {status}")
    } else {
        read(|b, c, n| unsafe {
            onshi_document_get_text(doc, ONSHI_FIELD_DOCUMENT_FILE_NAME, b, c, n)
        })
        .unwrap_or_default()
    };
    faces.0.lock().unwrap().push(name);
    ONSHI_FACE_ACK
}

#[test]
fn emulator_query_diff_apply_face_bulk_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let err = onshi_error_new();
    // A client over a root without folders: a typed error, not a crash.
    let mut c = null_mut();
    assert_eq!(
        unsafe { onshi_client_open(err, root.as_ptr(), root.len(), null(), 0, &mut c) },
        ONSHI_TERMINAL_MISSING_FOLDER
    );
    let mut emu = null_mut();
    assert_eq!(
        unsafe {
            onshi_emulator_start(
                err,
                root.as_ptr(),
                root.len(),
                null(),
                0,
                0,
                ONSHI_ENCODING_SHIFT_JIS,
                &mut emu,
            )
        },
        ONSHI_OK
    );
    let opts = r#"{"medical_institution_code":"1310000003"}"#;
    assert_eq!(
        unsafe {
            onshi_client_open(
                err,
                root.as_ptr(),
                root.len(),
                opts.as_ptr(),
                opts.len(),
                &mut c,
            )
        },
        ONSHI_OK
    );

    // Seed operation: query for the registered card, diff, apply.
    let mut reg = null_mut();
    unsafe { onshi_qualification_from_json(err, P01.as_ptr(), P01.len(), &mut reg) };
    let day = onshi_date {
        year: 2025,
        month: 4,
        day: 10,
    };
    let code = "1310000003";
    let mut req = null_mut();
    assert_eq!(
        unsafe {
            onshi_document_new_individual_request(
                err,
                code.as_ptr(),
                code.len(),
                reg,
                &day,
                "visit-1".as_ptr(),
                7,
                true,
                &mut req,
            )
        },
        ONSHI_OK
    );
    let mut ticket = null_mut();
    assert_eq!(
        unsafe { onshi_client_submit(c, null_mut(), req, 0, &mut ticket) },
        ONSHI_OK
    );
    let tj = read(|b, cap, n| unsafe { onshi_ticket_to_json(ticket, b, cap, n) }).unwrap();
    assert!(tj.contains("OQSsiquc01req_"), "{tj}");
    let mut t2 = null_mut();
    assert_eq!(
        unsafe { onshi_ticket_from_json(err, tj.as_ptr(), tj.len(), &mut t2) },
        ONSHI_OK
    );
    let mut res = null_mut();
    assert_eq!(
        unsafe { onshi_client_wait(c, null_mut(), t2, 10_000, null(), &mut res) },
        ONSHI_OK
    );
    let mut ty = 0;
    unsafe { onshi_document_get_u32(res, ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, &mut ty) };
    assert_eq!(ty, ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE);
    // The answer's file name (the result id for the history) is on the ticket and on the
    // answer document.
    let req_file =
        read(|b, cap, n| unsafe { onshi_ticket_request_file(ticket, b, cap, n) }).unwrap();
    let res_file = read(|b, cap, n| unsafe { onshi_ticket_response_file(t2, b, cap, n) }).unwrap();
    assert!(req_file.starts_with("OQSsiquc01req_"), "{req_file}");
    assert_eq!(res_file, req_file.replace("req_", "res_"));
    let doc_file = read(|b, cap, n| unsafe {
        onshi_document_get_text(res, ONSHI_FIELD_DOCUMENT_FILE_NAME, b, cap, n)
    })
    .unwrap();
    assert_eq!(doc_file, res_file);
    let mut d = null_mut();
    assert_eq!(
        unsafe { onshi_diff_compare_document(err, reg, res, null(), 0, &mut d) },
        ONSHI_OK
    );
    let mut verdict = 0;
    unsafe { onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &mut verdict) };
    assert_eq!(
        verdict,
        ONSHI_VERDICT_UPDATE_RECOMMENDED,
        "{}",
        read(|b, cap, n| unsafe { onshi_diff_to_json(d, b, cap, n) }).unwrap()
    );
    let mut qk = 0;
    unsafe { onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_QUERY_KIND, &mut qk) };
    assert_eq!(qk, ONSHI_QUERY_KIND_INSURANCE_CARD);
    let now = onshi_datetime {
        year: 2025,
        month: 4,
        day: 10,
        hour: 9,
        minute: 0,
        second: 0,
    };
    let mut h = null_mut();
    unsafe {
        onshi_history_new(
            err,
            reg,
            &onshi_date {
                year: 2020,
                month: 4,
                day: 1,
            },
            "s".as_ptr(),
            1,
            &now,
            &mut h,
        )
    };
    // The review of the same document against the history is what gets applied.
    let mut rv = null_mut();
    assert_eq!(
        unsafe {
            onshi_history_review(
                h,
                res,
                usize::MAX,
                "res-1".as_ptr(),
                5,
                null(),
                0,
                0,
                &mut rv,
            )
        },
        ONSHI_OK
    );
    let mut rverdict = 0;
    unsafe { onshi_diff_get_u32(rv, ONSHI_FIELD_DIFF_VERDICT, &mut rverdict) };
    assert_eq!(rverdict, verdict);
    assert_eq!(
        unsafe {
            onshi_history_apply(
                h,
                rv,
                null(),
                ONSHI_START_DATE_FIRST_OF_MONTH,
                "s".as_ptr(),
                1,
                &now,
                null_mut(),
            )
        },
        ONSHI_OK
    );
    unsafe { onshi_diff_free(rv) };
    let mut cur = null_mut();
    unsafe { onshi_history_current(h, &mut cur) };
    let addr = read(|b, cap, n| unsafe {
        onshi_qualification_get_text(cur, ONSHI_FIELD_ADDRESS, b, cap, n)
    });
    assert_eq!(addr.as_deref(), Ok("東京都見本区見本町一丁目１番１号"));
    // A document that is not an answer cannot be diffed.
    let mut d2 = null_mut();
    assert_eq!(
        unsafe { onshi_diff_compare_document(err, reg, req, null(), 0, &mut d2) },
        ONSHI_TYPE_MISMATCH
    );

    // Face results: by poll, then by callback.
    let p14 = "P14";
    assert_eq!(
        unsafe { onshi_emulator_push_face(emu, p14.as_ptr(), 3) },
        ONSHI_OK
    );
    let mut face = null_mut();
    assert_eq!(
        unsafe { onshi_client_next_face(c, null_mut(), 10_000, null(), &mut face) },
        ONSHI_OK
    );
    let fname = read(|b, cap, n| unsafe {
        onshi_document_get_text(face, ONSHI_FIELD_DOCUMENT_FILE_NAME, b, cap, n)
    })
    .unwrap();
    assert!(fname.starts_with("OQSsiquc01res_face_"), "{fname}");
    assert_eq!(
        unsafe { onshi_client_next_face(c, null_mut(), 0, null(), &mut face) },
        ONSHI_NOT_PRESENT
    );
    assert_eq!(
        unsafe { onshi_client_ack_face(c, null_mut(), fname.as_ptr(), fname.len()) },
        ONSHI_OK
    );
    let faces = Box::new(Faces(Mutex::new(Vec::new())));
    let ud = &*faces as *const Faces as *mut c_void;
    assert_eq!(
        unsafe { onshi_client_on_face(c, Some(on_face), ud) },
        ONSHI_OK
    );
    assert_eq!(
        unsafe { onshi_client_on_face(c, None, ud) },
        ONSHI_NULL_PARAMETER
    );
    assert_eq!(
        unsafe { onshi_emulator_push_face(emu, p14.as_ptr(), 3) },
        ONSHI_OK
    );
    let start = std::time::Instant::now();
    while faces.0.lock().unwrap().is_empty() && start.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(unsafe { onshi_client_stop_face(c) }, ONSHI_OK);
    let got = faces.0.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("OQSsiquc01res_face_"), "{got:?}");
    assert_eq!(
        unsafe { onshi_emulator_push_face(emu, "nobody".as_ptr(), 6) },
        ONSHI_TERMINAL_DATASET
    );

    // Bulk: two search blocks.
    let mut up = null_mut();
    unsafe { onshi_document_new(ONSHI_MESSAGE_TYPE_QUALIFICATION_REQUEST, &mut up) };
    unsafe {
        onshi_document_set_date(
            up,
            ONSHI_FIELD_DOCUMENT_HEADER_QUALIFICATION_CONFIRMATION_DATE,
            &day,
        )
    };
    for (ins, num, bd) in [
        ("01130012", "1001", "1980-04-01"),
        ("99999999", "1", "1990-01-01"),
    ] {
        let mut i = 0;
        unsafe { onshi_document_item_add(up, ONSHI_LIST_DOCUMENT_QUERIES, &mut i) };
        for (f, v) in [
            (ONSHI_FIELD_QUERY_INSURER_NUMBER, ins),
            (ONSHI_FIELD_QUERY_INSURED_IDENTIFICATION_NUMBER, num),
            (ONSHI_FIELD_QUERY_BIRTHDATE, bd),
        ] {
            assert_eq!(
                unsafe {
                    onshi_document_item_set_text(
                        up,
                        ONSHI_LIST_DOCUMENT_QUERIES,
                        i,
                        f,
                        v.as_ptr(),
                        v.len(),
                    )
                },
                ONSHI_OK
            );
        }
    }
    let opts = onshi_bulk_options {
        deadline_ms: 20_000,
        step_timeout_ms: 10_000,
        initial_backoff_ms: 50,
        max_backoff_ms: 200,
    };
    let mut bulk = null_mut();
    let s = unsafe {
        onshi_client_bulk(
            c,
            null_mut(),
            ONSHI_FAMILY_BULK_QUALIFICATION,
            up,
            &opts,
            null(),
            &mut bulk,
        )
    };
    assert_eq!(
        s,
        ONSHI_OK,
        "{}",
        read(|b, cap, n| unsafe { onshi_client_last_error(c, b, cap, n) }).unwrap()
    );
    let mut units = 0;
    unsafe { onshi_document_count(bulk, ONSHI_LIST_DOCUMENT_UNITS, &mut units) };
    assert_eq!(units, 2);
    let mut d3 = null_mut();
    assert_eq!(
        unsafe { onshi_diff_compare_unit(err, reg, bulk, 0, &day, 0, &mut d3) },
        ONSHI_OK
    );
    unsafe { onshi_diff_get_u32(d3, ONSHI_FIELD_DIFF_QUERY_KIND, &mut qk) };
    assert_eq!(qk, ONSHI_QUERY_KIND_BULK);
    assert_eq!(
        unsafe { onshi_diff_compare_unit(err, reg, bulk, 9, &day, 0, &mut d2) },
        ONSHI_OUT_OF_RANGE
    );
    let mut none_doc = null_mut();
    assert_eq!(
        unsafe {
            onshi_client_bulk(
                c,
                null_mut(),
                ONSHI_FAMILY_INDIVIDUAL,
                up,
                null(),
                null(),
                &mut none_doc,
            )
        },
        ONSHI_TERMINAL_INVALID_REQUEST
    );

    // Doctor.
    let report = read(|b, cap, n| unsafe { onshi_client_doctor(c, b, cap, n) }).unwrap();
    assert!(report.contains("\"checks\""), "{report}");
    assert!(
        !read(|b, cap, n| unsafe { onshi_client_doctor_text(c, b, cap, n) })
            .unwrap()
            .is_empty()
    );

    // A silent terminal: the wait times out with guidance for staff.
    assert_eq!(
        unsafe { onshi_emulator_set_behaviour(emu, ONSHI_BEHAVIOUR_SILENT) },
        ONSHI_OK
    );
    assert_eq!(
        unsafe { onshi_emulator_set_behaviour(emu, 9) },
        ONSHI_INVALID_ARGUMENT
    );
    let mut none = null_mut();
    assert_eq!(
        unsafe { onshi_client_query(c, null_mut(), req, 0, 300, null(), &mut none) },
        ONSHI_TERMINAL_NOT_ANSWERING
    );
    assert!(none.is_null());
    let m = staff_of(c);
    assert!(
        m.contains("連携アプリケーション") || m.contains("資格確認端末"),
        "{m}"
    );
    let detail = read(|b, cap, n| unsafe { onshi_client_last_error(c, b, cap, n) }).unwrap();
    assert!(
        detail.contains("no answer to"),
        "the detail is English: {detail}"
    );
    assert!(
        !detail.contains("連携アプリケーション"),
        "and only English: {detail}"
    );
    let mut stats = onshi_emulator_stats::default();
    assert_eq!(
        unsafe { onshi_emulator_get_stats(emu, &mut stats) },
        ONSHI_OK
    );
    assert!(stats.answered >= 3 && stats.faces == 2, "{stats:?}");
    assert_eq!(unsafe { onshi_emulator_stop(emu) }, ONSHI_OK);
    assert_eq!(unsafe { onshi_emulator_stop(emu) }, ONSHI_OK);
    // A stopped emulator says so (it used to answer ONSHI_INVALID_ARGUMENT, as if the
    // argument were wrong).
    assert_eq!(
        unsafe { onshi_emulator_push_face(emu, p14.as_ptr(), 3) },
        ONSHI_TERMINAL_EMULATOR_STOPPED
    );
    let m = read(|b, cap, n| unsafe { onshi_emulator_last_error(emu, b, cap, n) }).unwrap();
    assert!(m.contains("stopped"), "{m}");

    unsafe {
        onshi_diff_free(d3);
        onshi_document_free(bulk);
        onshi_document_free(up);
        onshi_document_free(face);
        onshi_qualification_free(cur);
        onshi_history_free(h);
        onshi_diff_free(d);
        onshi_document_free(res);
        onshi_ticket_free(t2);
        onshi_ticket_free(ticket);
        onshi_document_free(req);
        onshi_qualification_free(reg);
        onshi_client_free(c);
        onshi_emulator_free(emu);
        onshi_error_free(err);
    }
    drop(faces);
}

/// The terminal's local time now (JST), as the emulator dates consents.
fn now_jst() -> onshi_datetime {
    use chrono::{Datelike, Timelike};
    let utc: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    let t = (utc + chrono::Duration::hours(9)).naive_utc();
    onshi_datetime {
        year: t.year(),
        month: t.month(),
        day: t.day(),
        hour: t.hour(),
        minute: t.minute(),
        second: t.second(),
    }
}

/// Queries the card of `card_json` and gives the first result (with its consents).
fn query_patient(
    c: *const onshi_client,
    err: *mut onshi_error,
    card_json: &str,
) -> *mut onshi_qualification {
    let mut card = null_mut();
    assert_eq!(
        unsafe {
            onshi_qualification_from_json(err, card_json.as_ptr(), card_json.len(), &mut card)
        },
        ONSHI_OK
    );
    let n = now_jst();
    let day = onshi_date {
        year: n.year,
        month: n.month,
        day: n.day,
    };
    let code = "1310000003";
    let mut req = null_mut();
    assert_eq!(
        unsafe {
            onshi_document_new_individual_request(
                err,
                code.as_ptr(),
                code.len(),
                card,
                &day,
                null(),
                0,
                true,
                &mut req,
            )
        },
        ONSHI_OK
    );
    let mut res = null_mut();
    assert_eq!(
        unsafe { onshi_client_query(c, null_mut(), req, 0, 10_000, null(), &mut res) },
        ONSHI_OK
    );
    let mut q = null_mut();
    assert_eq!(
        unsafe { onshi_document_result_at(res, 0, &mut q) },
        ONSHI_OK
    );
    unsafe {
        onshi_document_free(res);
        onshi_document_free(req);
        onshi_qualification_free(card);
    }
    q
}

#[test]
fn consent_gated_drug_info_and_checkup() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let err = onshi_error_new();
    let mut emu = null_mut();
    assert_eq!(
        unsafe {
            onshi_emulator_start(
                err,
                root.as_ptr(),
                root.len(),
                null(),
                0,
                0,
                ONSHI_ENCODING_SHIFT_JIS,
                &mut emu,
            )
        },
        ONSHI_OK
    );
    let opts = r#"{"medical_institution_code":"1310000003"}"#;
    let mut c = null_mut();
    assert_eq!(
        unsafe {
            onshi_client_open(
                err,
                root.as_ptr(),
                root.len(),
                opts.as_ptr(),
                opts.len(),
                &mut c,
            )
        },
        ONSHI_OK
    );
    let now = now_jst();

    // 薬剤・特定健診 同意あり: the 薬剤情報 and the 特定健診情報 as XML documents.
    let yes = query_patient(
        c,
        err,
        r#"{"insurer_number":"138057","insured_card_symbol":"見01","insured_identification_number":"3022","insured_branch_number":"00","birthdate":"1958-03-21"}"#,
    );
    let mut doc = null_mut();
    assert_eq!(
        unsafe {
            onshi_client_document(
                c,
                null_mut(),
                ONSHI_DOCUMENT_KIND_DRUG_INFO,
                yes,
                null(),
                0,
                &now,
                10_000,
                null(),
                &mut doc,
            )
        },
        ONSHI_OK,
        "{:?}",
        read(|b, cap, n| unsafe { onshi_client_last_error(c, b, cap, n) })
    );
    let mut ty = 0;
    unsafe { onshi_document_get_u32(doc, ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, &mut ty) };
    assert_eq!(ty, ONSHI_MESSAGE_TYPE_DOCUMENT_RESPONSE);
    let xml = String::from_utf8(write_doc(doc, ONSHI_ENCODING_UTF8).unwrap()).unwrap();
    assert!(xml.contains("見本ロキソプロフェン錠６０ｍｇ"), "{xml}");
    unsafe { onshi_document_free(doc) };
    // Overrides: months as JSON.
    let over = r#"{"start_month":"202410","end_month":"202504","pr_di_inf_classification":"1"}"#;
    let mut doc = null_mut();
    assert_eq!(
        unsafe {
            onshi_client_document(
                c,
                null_mut(),
                ONSHI_DOCUMENT_KIND_CHECKUP,
                yes,
                over.as_ptr(),
                over.len(),
                &now,
                10_000,
                null(),
                &mut doc,
            )
        },
        ONSHI_OK
    );
    let xml = String::from_utf8(write_doc(doc, ONSHI_ENCODING_UTF8).unwrap()).unwrap();
    assert!(xml.contains("HbA1c"), "{xml}");
    unsafe { onshi_document_free(doc) };
    // PDF is refused before anything is written; bad input is typed.
    let pdf = r#"{"file_category":"1"}"#;
    let mut doc = null_mut();
    let s = unsafe {
        onshi_client_document(
            c,
            null_mut(),
            ONSHI_DOCUMENT_KIND_DRUG_INFO,
            yes,
            pdf.as_ptr(),
            pdf.len(),
            &now,
            10_000,
            null(),
            &mut doc,
        )
    };
    assert_eq!(s, ONSHI_NOT_SUPPORTED);
    let bad = "[1]";
    assert_eq!(
        unsafe {
            onshi_client_document(
                c,
                null_mut(),
                ONSHI_DOCUMENT_KIND_DRUG_INFO,
                yes,
                bad.as_ptr(),
                bad.len(),
                &now,
                10_000,
                null(),
                &mut doc,
            )
        },
        ONSHI_JSON
    );
    assert!(doc.is_null());
    assert_eq!(
        unsafe {
            onshi_client_document(
                c,
                null_mut(),
                99,
                yes,
                null(),
                0,
                &now,
                10_000,
                null(),
                &mut doc,
            )
        },
        ONSHI_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe {
            onshi_client_document(
                c,
                null_mut(),
                ONSHI_DOCUMENT_KIND_DRUG_INFO,
                yes,
                null(),
                0,
                null(),
                10_000,
                null(),
                &mut doc,
            )
        },
        ONSHI_NULL_PARAMETER
    );

    // 薬剤 同意期限切れ, 薬剤 同意なし, and a record that never held a consent: the
    // not-consented status, nothing in req/.
    for card in [
        r#"{"insurer_number":"01130012","insured_card_symbol":"12-34","insured_identification_number":"1023","insured_branch_number":"00","birthdate":"1962-11-11"}"#,
        r#"{"insurer_number":"06130017","insured_card_symbol":"567","insured_identification_number":"2024","insured_branch_number":"00","birthdate":"1970-07-07"}"#,
        r#"{"insurer_number":"06130017","insured_identification_number":"2024"}"#,
    ] {
        let q = if card.contains("birthdate") {
            query_patient(c, err, card)
        } else {
            // A record that never held a consent.
            let mut q = null_mut();
            unsafe { onshi_qualification_from_json(err, card.as_ptr(), card.len(), &mut q) };
            q
        };
        let mut stats = onshi_emulator_stats::default();
        unsafe { onshi_emulator_get_stats(emu, &mut stats) };
        let mut doc = null_mut();
        assert_eq!(
            unsafe {
                onshi_client_document(
                    c,
                    null_mut(),
                    ONSHI_DOCUMENT_KIND_DRUG_INFO,
                    q,
                    null(),
                    0,
                    &now,
                    10_000,
                    null(),
                    &mut doc,
                )
            },
            ONSHI_TERMINAL_NOT_CONSENTED
        );
        assert!(doc.is_null());
        let msg = staff_of(c);
        assert!(msg.starts_with("情報の提供は同意されていません"), "{msg}");
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut after = onshi_emulator_stats::default();
        unsafe { onshi_emulator_get_stats(emu, &mut after) };
        assert_eq!(after.taken, stats.taken, "nothing reached the terminal");
        assert_eq!(
            std::fs::read_dir(dir.path().join("req")).unwrap().count(),
            0
        );
        unsafe { onshi_qualification_free(q) };
    }
    unsafe {
        onshi_qualification_free(yes);
        onshi_client_free(c);
        onshi_emulator_free(emu);
        onshi_error_free(err);
    }
}

/// A face result handed out and never acknowledged (the EMR crashed, or released it) is
/// delivered again — to the next client on the folder after a restart — and one acknowledged
/// never is; the file name is the idempotency key (issue 10, item 1, through the C ABI).
#[test]
fn face_results_come_again_until_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let mut emu = null_mut();
    unsafe {
        onshi_emulator_start(
            null_mut(),
            root.as_ptr(),
            root.len(),
            null(),
            0,
            0,
            ONSHI_ENCODING_UTF8,
            &mut emu,
        )
    };
    let open = || {
        let mut c = null_mut();
        assert_eq!(
            unsafe { onshi_client_open(null_mut(), root.as_ptr(), root.len(), null(), 0, &mut c) },
            ONSHI_OK
        );
        c
    };
    let next = |c: *mut onshi_client, ms: u32| -> Option<String> {
        let mut d = null_mut();
        match unsafe { onshi_client_next_face(c, null_mut(), ms, null(), &mut d) } {
            ONSHI_NOT_PRESENT => None,
            ONSHI_OK => {
                let n = read(|b, cap, n| unsafe {
                    onshi_document_get_text(d, ONSHI_FIELD_DOCUMENT_FILE_NAME, b, cap, n)
                })
                .unwrap();
                unsafe { onshi_document_free(d) };
                Some(n)
            }
            s => panic!("next_face: {s}"),
        }
    };
    assert_eq!(
        unsafe { onshi_emulator_push_face(emu, "P14".as_ptr(), 3) },
        ONSHI_OK
    );

    // Claimed, not acknowledged, and the program "crashes" (the client goes away).
    let c1 = open();
    let first = next(c1, 10_000).expect("the face result");
    unsafe { onshi_client_free(c1) };
    // The next client gets the same result again.
    let c2 = open();
    assert_eq!(next(c2, 10_000).as_deref(), Some(first.as_str()));
    // Released: handed out again at once.
    assert_eq!(
        unsafe { onshi_client_release_face(c2, null_mut(), first.as_ptr(), first.len()) },
        ONSHI_OK
    );
    assert_eq!(
        unsafe { onshi_client_release_face(c2, null_mut(), first.as_ptr(), first.len()) },
        ONSHI_NOT_PRESENT,
        "released twice"
    );
    assert_eq!(next(c2, 10_000).as_deref(), Some(first.as_str()));
    // Acknowledged (twice: idempotent): never again, for any client.
    for _ in 0..2 {
        assert_eq!(
            unsafe { onshi_client_ack_face(c2, null_mut(), first.as_ptr(), first.len()) },
            ONSHI_OK
        );
    }
    unsafe { onshi_client_free(c2) };
    let c3 = open();
    assert_eq!(next(c3, 300), None);
    let bad = "../etc/passwd";
    assert_eq!(
        unsafe { onshi_client_ack_face(c3, null_mut(), bad.as_ptr(), bad.len()) },
        ONSHI_TERMINAL_INVALID_REQUEST
    );
    unsafe {
        onshi_client_free(c3);
        onshi_emulator_free(emu);
    }
}
