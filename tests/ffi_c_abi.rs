//! The C ABI driven from Rust, the way C calls it: raw pointers, lengths, out-parameters.
//! What matters here is the contract (size query, out-parameters untouched on failure, no
//! crash on bad input) and that the ABI gives the same answers as the Rust API.

use onshi::ffi::codes::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::ids::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::ids::{InsurerNumber, Mode};
use onshi::model::Qualification;
use onshi::model::{CardKey, PersonIdentity};
use std::ffi::c_char;
use std::ptr::{null, null_mut};

/// Size query, then fill.
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
    assert_eq!(buf[n], 0, "NUL-terminated");
    buf.truncate(n);
    Ok(String::from_utf8(buf).expect("UTF-8 out"))
}

struct Q(*mut onshi_qualification);
impl Drop for Q {
    fn drop(&mut self) {
        unsafe { onshi_qualification_free(self.0) }
    }
}

fn set(q: &Q, f: onshi_field, v: &str) -> onshi_status {
    unsafe { onshi_qualification_set_text(q.0, f, v.as_ptr(), v.len()) }
}

fn get(q: &Q, f: onshi_field) -> Result<String, onshi_status> {
    read(|b, c, n| unsafe { onshi_qualification_get_text(q.0, f, b, c, n) })
}

#[test]
fn json_through_the_abi_matches_the_rust_api() {
    let q = Q(onshi_qualification_new());
    assert_eq!(set(&q, ONSHI_FIELD_NAME, "見本　花子"), ONSHI_OK);
    assert_eq!(set(&q, ONSHI_FIELD_INSURER_NUMBER, "138057"), ONSHI_OK);
    assert_eq!(set(&q, ONSHI_FIELD_BIRTHDATE, "1980-01-01"), ONSHI_OK);
    assert_eq!(get(&q, ONSHI_FIELD_NAME).as_deref(), Ok("見本　花子"));
    assert_eq!(get(&q, ONSHI_FIELD_ADDRESS), Err(ONSHI_NOT_PRESENT));
    let json = read(|b, c, n| unsafe { onshi_qualification_to_json(q.0, b, c, n) }).unwrap();

    let rust = Qualification {
        card: CardKey {
            insurer_number: Some(InsurerNumber::parse("138057", Mode::Strict).unwrap()),
            ..Default::default()
        },
        person: PersonIdentity {
            name: Some("見本　花子".into()),
            birthdate: Some(onshi::Personal::new(
                chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            )),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(json, rust.to_json());

    let mut back = null_mut();
    let s =
        unsafe { onshi_qualification_from_json(null_mut(), json.as_ptr(), json.len(), &mut back) };
    assert_eq!(s, ONSHI_OK);
    let back = Q(back);
    let mut eq = false;
    assert_eq!(
        unsafe { onshi_qualification_equal(q.0, back.0, &mut eq) },
        ONSHI_OK
    );
    assert!(eq);
}

#[test]
fn out_parameters_are_untouched_on_failure() {
    let q = Q(onshi_qualification_new());
    let mut d = onshi_date {
        year: -1,
        month: 99,
        day: 99,
    };
    let s = unsafe { onshi_qualification_get_date(q.0, ONSHI_FIELD_BIRTHDATE, &mut d) };
    assert_eq!(s, ONSHI_NOT_PRESENT);
    assert_eq!((d.year, d.month, d.day), (-1, 99, 99));
    let mut out = 0xdead_beef_usize as *mut onshi_qualification;
    let bad = b"{";
    let s = unsafe { onshi_qualification_from_json(null_mut(), bad.as_ptr(), 1, &mut out) };
    assert_eq!(s, ONSHI_JSON);
    assert_eq!(out as usize, 0xdead_beef);
    let mut idx = 77usize;
    assert_eq!(
        unsafe { onshi_qualification_item_add(q.0, ONSHI_LIST_CONSENTS, &mut idx) },
        ONSHI_READ_ONLY
    );
    assert_eq!(idx, 77);
    // A NULL out-parameter fails before anything changes.
    assert_eq!(
        unsafe { onshi_qualification_item_add(q.0, ONSHI_LIST_SPECIFIC_DISEASES, null_mut()) },
        ONSHI_NULL_PARAMETER
    );
    let mut count = 9usize;
    unsafe { onshi_qualification_count(q.0, ONSHI_LIST_SPECIFIC_DISEASES, &mut count) };
    assert_eq!(count, 0);
}

#[test]
fn errors_are_per_handle_and_per_error_object() {
    let a = Q(onshi_qualification_new());
    let b = Q(onshi_qualification_new());
    assert_eq!(set(&a, ONSHI_FIELD_INSURER_NUMBER, "12"), ONSHI_ID_LENGTH);
    let msg = read(|buf, c, n| unsafe { onshi_qualification_last_error(a.0, buf, c, n) }).unwrap();
    assert!(msg.contains("保険者番号"), "{msg}");
    let other = read(|buf, c, n| unsafe { onshi_qualification_last_error(b.0, buf, c, n) });
    assert_eq!(other, Ok(String::new()), "b has no error");

    let err = onshi_error_new();
    let n = "138058";
    assert_eq!(
        unsafe { onshi_check_digit_verify(err, n.as_ptr(), n.len()) },
        ONSHI_ID_CHECK_DIGIT
    );
    assert_eq!(unsafe { onshi_error_status(err) }, ONSHI_ID_CHECK_DIGIT);
    let m = read(|buf, c, l| unsafe { onshi_error_message(err, buf, c, l) }).unwrap();
    assert_eq!(m, "保険者番号: check digit (検証番号) is 8, expected 7");
    unsafe { onshi_error_free(err) };
}

#[test]
fn every_field_has_metadata_and_a_name() {
    for id in (1..100).chain(101..110).chain(201..230).chain(301..310) {
        let mut ty = 0;
        if unsafe { onshi_field_value_type(id, &mut ty) } != ONSHI_OK {
            continue;
        }
        let name = read(|b, c, n| unsafe { onshi_field_name(id, b, c, n) }).unwrap();
        assert!(!name.is_empty());
        let mut table = 0;
        let s = unsafe { onshi_field_code_table(id, &mut table) };
        assert_eq!(s == ONSHI_OK, ty == ONSHI_VALUE_TYPE_CODE, "{name}");
        if s == ONSHI_OK {
            let mut count = 0;
            assert_eq!(
                unsafe { onshi_code_count(table, &mut count) },
                ONSHI_OK,
                "{name}"
            );
            assert!(count > 0);
        }
    }
}

#[test]
fn code_labels_match_the_rust_tables() {
    use onshi::codes::{Code, QualificationValidity};
    for c in QualificationValidity::known() {
        let w = c.wire();
        let label = read(|b, cap, n| unsafe {
            onshi_code_label(
                ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY,
                w.as_ptr(),
                w.len(),
                std::ptr::null(),
                b,
                cap,
                n,
            )
        })
        .unwrap();
        assert_eq!(label, c.label());
    }
}

#[test]
fn code_labels_take_the_day_they_are_about() {
    let label = |table, w: &str, day: Option<onshi_date>| {
        read(|b, cap, n| unsafe {
            onshi_code_label(
                table,
                w.as_ptr(),
                w.len(),
                day.as_ref()
                    .map_or(std::ptr::null(), |d| d as *const onshi_date),
                b,
                cap,
                n,
            )
        })
    };
    let t = ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION;
    let day = |year, month, day| Some(onshi_date { year, month, day });
    assert_eq!(
        label(t, "05", day(2024, 4, 1)).unwrap(),
        "被保険者資格証明書"
    );
    assert_eq!(
        label(t, "05", day(2026, 9, 1)).unwrap(),
        "特別療養費支給対象者"
    );
    assert_eq!(label(t, "05", None).unwrap(), "特別療養費支給対象者");
    assert_eq!(label(t, "07", None).unwrap(), "自衛官");
    assert_eq!(label(t, "08", None).unwrap(), "不明なコード");
    assert_eq!(label(t, "05", day(2026, 2, 30)), Err(ONSHI_INVALID_VALUE));
    // Every 医療扶助 table answers through the ABI.
    assert_eq!(
        label(ONSHI_CODE_TABLE_MEDICAL_TREATMENT_TYPE, "03", None).unwrap(),
        "歯科"
    );
    assert_eq!(
        label(ONSHI_CODE_TABLE_DESIGNATED_INSTITUTION_FLAG, "1", None).unwrap(),
        "不一致"
    );
    assert_eq!(
        label(ONSHI_CODE_TABLE_MEDICAL_TREATMENT_FLAG, "4", None).unwrap(),
        "救急時"
    );
    let note = read(|b, cap, n| unsafe {
        onshi_code_note(
            ONSHI_CODE_TABLE_LIMIT_INFO_CHANGED,
            "1".as_ptr(),
            1,
            std::ptr::null(),
            b,
            cap,
            n,
        )
    })
    .unwrap();
    assert!(note.contains("個別照会"), "{note}");
    let none = read(|b, cap, n| unsafe {
        onshi_code_note(
            ONSHI_CODE_TABLE_LIMIT_INFO_CHANGED,
            "0".as_ptr(),
            1,
            std::ptr::null(),
            b,
            cap,
            n,
        )
    });
    assert_eq!(none, Err(ONSHI_NOT_PRESENT));
    // Each table constant names a table of the data, and every table has a name.
    for table in 1..=35 {
        let name = read(|b, c, n| unsafe { onshi_code_table_name(table, b, c, n) }).unwrap();
        assert!(
            onshi::codes::CodeTables::builtin().table(&name).is_some(),
            "{table}: {name}"
        );
        let mut count = 0;
        assert_eq!(unsafe { onshi_code_count(table, &mut count) }, ONSHI_OK);
        assert!(count > 0, "{name}");
    }
    let mut count = 0;
    assert_eq!(
        unsafe { onshi_code_count(36, &mut count) },
        ONSHI_INVALID_ARGUMENT
    );
}

#[test]
fn ids_through_the_abi_match_the_rust_api() {
    for (input, mode) in [
        ("  138057", ONSHI_MODE_STRICT),
        ("１３８０５８", ONSHI_MODE_LENIENT),
    ] {
        let got = read(|b, c, n| unsafe {
            onshi_id_normalize(
                null_mut(),
                ONSHI_ID_KIND_INSURER_NUMBER,
                mode,
                input.as_ptr(),
                input.len(),
                b,
                c,
                n,
            )
        })
        .unwrap();
        let m = if mode == ONSHI_MODE_STRICT {
            Mode::Strict
        } else {
            Mode::Lenient
        };
        assert_eq!(got, InsurerNumber::parse(input, m).unwrap().as_str());
    }
    // Nothing crashes on garbage: NULL with a length, invalid UTF-8, huge lengths of NULL.
    let mut d = 0u8;
    assert_eq!(
        unsafe { onshi_check_digit_compute(null(), 10, &mut d) },
        ONSHI_NULL_PARAMETER
    );
    let bad = [0xffu8, 0xfe];
    assert_eq!(
        unsafe { onshi_check_digit_compute(bad.as_ptr(), 2, &mut d) },
        ONSHI_INVALID_UTF8
    );
    assert_eq!(
        unsafe { onshi_check_digit_verify(null_mut(), null(), usize::MAX) },
        ONSHI_NULL_PARAMETER
    );
}

#[test]
fn const_calls_may_run_concurrently_on_one_handle() {
    // The header promises that functions taking a const handle may run at the same time;
    // failures among them write the last error, which is behind a lock.
    let q = Q(onshi_qualification_new());
    assert_eq!(set(&q, ONSHI_FIELD_NAME, "見本　花子"), ONSHI_OK);
    let addr = q.0 as usize;
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let q = addr as *const onshi_qualification;
                for i in 0..2000 {
                    let mut buf = [0u8; 64];
                    let mut n = 0;
                    let field = if (i + t) % 2 == 0 {
                        ONSHI_FIELD_NAME
                    } else {
                        9999
                    };
                    let s = unsafe {
                        onshi_qualification_get_text(q, field, buf.as_mut_ptr().cast(), 64, &mut n)
                    };
                    if field == ONSHI_FIELD_NAME {
                        assert_eq!(s, ONSHI_OK);
                        assert_eq!(&buf[..n], "見本　花子".as_bytes());
                    } else {
                        assert_eq!(s, ONSHI_INVALID_ARGUMENT);
                    }
                    let s = unsafe {
                        onshi_qualification_last_error(q, buf.as_mut_ptr().cast(), 64, &mut n)
                    };
                    assert_eq!(s, ONSHI_OK);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let msg = read(|b, c, n| unsafe { onshi_qualification_last_error(q.0, b, c, n) }).unwrap();
    assert_eq!(msg, "unknown field 9999");
}

#[test]
fn field_and_list_numbers_are_never_shared() {
    // Two `ONSHI_FIELD_*` (or `ONSHI_LIST_*`) with one number would make an accessor read the
    // wrong field (a hand-written view once took the number of a generated field).
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/onshi.h")).unwrap();
    for prefix in ["#define ONSHI_FIELD_", "#define ONSHI_LIST_"] {
        let mut seen = std::collections::HashMap::new();
        for line in header.lines().filter(|l| l.starts_with(prefix)) {
            let mut parts = line.split_whitespace().skip(1);
            let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
                continue;
            };
            if let Some(other) = seen.insert(value.to_string(), name.to_string()) {
                panic!("{name} and {other} are both {value}");
            }
        }
        assert!(seen.len() > 10, "{prefix}");
    }
}
