//! The seed operations through the C ABI, driven from Rust the way C calls them: compare a
//! registered record with a returned one, read the diff field by field, apply it to the
//! history, match patients, read the virtual card. Each answer is checked against the Rust
//! API on the same input.

use onshi::diff::{QueryKind, Returned};
use onshi::ffi::card::*;
use onshi::ffi::diff::*;
use onshi::ffi::enums::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::history::*;
use onshi::ffi::matching::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::history::{Review, ReviewContext};
use onshi::model::Qualification;
use std::ffi::c_char;
use std::ptr::{null, null_mut};

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

fn qualification(json: &str) -> *mut onshi_qualification {
    let mut q = null_mut();
    let s = unsafe { onshi_qualification_from_json(null_mut(), json.as_ptr(), json.len(), &mut q) };
    assert_eq!(s, ONSHI_OK, "{json}");
    q
}

const REGISTERED: &str = r#"{"insurer_number":"06139990","insured_identification_number":"456","insured_branch_number":"01","name":"見本　太郎","name_kana":"ﾐﾎﾝ ﾀﾛｳ","birthdate":"1950-05-05","address":"東京都千代田区千代田1-1","insured_partial_contribution_ratio":10,"qualification_date":"2020-04-01"}"#;
const RETURNED: &str = r#"{"insurer_number":"06139990","insured_identification_number":"456","insured_branch_number":"01","name":"見本　太郎","name_kana":"ﾐﾎﾝ ﾀﾛｳ","birthdate":"1950-05-05","address":"東京都千代田区千代田２－２","insured_partial_contribution_ratio":10,"qualification_date":"2020-04-01"}"#;

fn date(y: i32, m: u32, d: u32) -> onshi_date {
    onshi_date {
        year: y,
        month: m,
        day: d,
    }
}

fn now() -> onshi_datetime {
    onshi_datetime {
        year: 2025,
        month: 4,
        day: 10,
        hour: 9,
        minute: 0,
        second: 0,
    }
}

#[test]
fn compare_read_apply_like_c() {
    let reg = qualification(REGISTERED);
    let ret = qualification(RETURNED);
    let day = date(2025, 4, 10);
    let mut d = null_mut();
    let s = unsafe {
        onshi_diff_compare(
            null_mut(),
            reg,
            ret,
            &day,
            ONSHI_QUERY_KIND_MY_NUMBER_CARD,
            0,
            &mut d,
        )
    };
    assert_eq!(s, ONSHI_OK);

    // Same answers as the Rust API.
    let rust = Review::of_records(
        &Qualification::from_json(REGISTERED).unwrap(),
        Returned::record(&Qualification::from_json(RETURNED).unwrap()),
        &ReviewContext::new(
            "",
            chrono::NaiveDate::from_ymd_opt(2025, 4, 10).unwrap(),
            QueryKind::MyNumberCard,
        ),
    );
    let json = read(|b, c, n| unsafe { onshi_diff_to_json(d, b, c, n) }).unwrap();
    assert_eq!(json, rust.to_json());
    let rust = rust.diff;
    let mut verdict = 0;
    assert_eq!(
        unsafe { onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &mut verdict) },
        ONSHI_OK
    );
    assert_eq!(verdict, ONSHI_VERDICT_UPDATE_RECOMMENDED);
    assert_eq!(
        read(|b, c, n| unsafe { onshi_diff_get_text(d, ONSHI_FIELD_DIFF_VERDICT, b, c, n) })
            .as_deref(),
        Ok("update_recommended")
    );
    assert_eq!(
        read(|b, c, n| unsafe { onshi_diff_get_text(d, ONSHI_FIELD_DIFF_CAUSE, b, c, n) }),
        Err(ONSHI_NOT_PRESENT)
    );
    let mut n = 0;
    assert_eq!(
        unsafe { onshi_diff_count(d, ONSHI_LIST_DIFF_FIELDS, &mut n) },
        ONSHI_OK
    );
    assert_eq!(n, rust.fields.len());
    let address = (0..n)
        .find(|i| {
            let mut f = 0;
            unsafe {
                onshi_diff_item_get_u32(
                    d,
                    ONSHI_LIST_DIFF_FIELDS,
                    *i,
                    ONSHI_FIELD_DIFF_ITEM_FIELD,
                    &mut f,
                )
            };
            f == ONSHI_FIELD_ADDRESS
        })
        .expect("address compared");
    let item = |f| {
        read(|b, c, len| unsafe {
            onshi_diff_item_get_text(d, ONSHI_LIST_DIFF_FIELDS, address, f, b, c, len)
        })
    };
    assert_eq!(item(ONSHI_FIELD_DIFF_ITEM_FIELD).as_deref(), Ok("address"));
    assert_eq!(item(ONSHI_FIELD_DIFF_ITEM_LABEL).as_deref(), Ok("住所"));
    assert_eq!(
        item(ONSHI_FIELD_DIFF_ITEM_CLASS).as_deref(),
        Ok("different")
    );
    assert_eq!(
        item(ONSHI_FIELD_DIFF_ITEM_ADVICE).as_deref(),
        Ok("address_changed")
    );
    assert_eq!(item(ONSHI_FIELD_DIFF_ITEM_ACTION).as_deref(), Ok("reflect"));
    assert!(
        item(ONSHI_FIELD_DIFF_ITEM_MESSAGE)
            .unwrap()
            .contains("住所")
    );
    assert_eq!(
        item(ONSHI_FIELD_DIFF_ITEM_RETURNED).as_deref(),
        Ok("東京都千代田区千代田２－２")
    );
    // The item's field number is the record's own: it reads the value.
    assert_eq!(
        read(|b, c, n| unsafe { onshi_qualification_get_text(ret, ONSHI_FIELD_ADDRESS, b, c, n) })
            .as_deref(),
        Ok("東京都千代田区千代田２－２")
    );
    // Misuse comes back as statuses.
    assert_eq!(item(ONSHI_FIELD_NAME), Err(ONSHI_TYPE_MISMATCH));
    assert_eq!(
        read(|b, c, len| unsafe {
            onshi_diff_item_get_text(
                d,
                ONSHI_LIST_DIFF_FIELDS,
                999,
                ONSHI_FIELD_DIFF_ITEM_LABEL,
                b,
                c,
                len,
            )
        }),
        Err(ONSHI_OUT_OF_RANGE)
    );
    assert_eq!(
        unsafe { onshi_diff_count(d, ONSHI_LIST_PATIENTS, &mut n) },
        ONSHI_INVALID_ARGUMENT
    );

    // Apply to a history that starts from the registered record.
    let mut h = null_mut();
    let start = date(2020, 4, 1);
    let t = now();
    let actor = "staff-1";
    assert_eq!(
        unsafe {
            onshi_history_new(
                null_mut(),
                reg,
                &start,
                actor.as_ptr(),
                actor.len(),
                &t,
                &mut h,
            )
        },
        ONSHI_OK
    );
    let rid = "OQSsiquc01res_0001.xml";
    // Review the answer against the history (a diff made outside it cannot be applied).
    let mut rv = null_mut();
    let review = |id: &str, out: &mut *mut onshi_diff| unsafe {
        onshi_history_review_record(
            h,
            ret,
            id.as_ptr(),
            id.len(),
            &day,
            ONSHI_QUERY_KIND_MY_NUMBER_CARD,
            0,
            out,
        )
    };
    assert_eq!(review(rid, &mut rv), ONSHI_OK);
    let mut older = null_mut();
    assert_eq!(review("other", &mut older), ONSHI_OK);
    let outside = unsafe {
        onshi_history_apply(
            h,
            d,
            null(),
            ONSHI_START_DATE_FIRST_OF_MONTH,
            actor.as_ptr(),
            actor.len(),
            &t,
            null_mut(),
        )
    };
    assert_eq!(outside, ONSHI_HISTORY_STALE_REVIEW);
    let mut events = 0usize;
    let s = unsafe {
        onshi_history_apply(
            h,
            rv,
            null(),
            ONSHI_START_DATE_FIRST_OF_MONTH,
            actor.as_ptr(),
            actor.len(),
            &t,
            &mut events,
        )
    };
    assert_eq!(s, ONSHI_OK);
    assert_eq!(events, 2, "updated + linked");
    // Applying the same result again changes nothing.
    let s = unsafe {
        onshi_history_apply(
            h,
            rv,
            null(),
            ONSHI_START_DATE_FIRST_OF_MONTH,
            actor.as_ptr(),
            actor.len(),
            &t,
            &mut events,
        )
    };
    assert_eq!((s, events), (ONSHI_OK, 0));
    let mut cur = null_mut();
    assert_eq!(unsafe { onshi_history_current(h, &mut cur) }, ONSHI_OK);
    let addr =
        read(|b, c, n| unsafe { onshi_qualification_get_text(cur, ONSHI_FIELD_ADDRESS, b, c, n) });
    assert_eq!(addr.as_deref(), Ok("東京都千代田区千代田２－２"));
    let link = read(|b, c, n| unsafe {
        onshi_history_item_get_text(
            h,
            ONSHI_LIST_HISTORY_VERSIONS,
            0,
            ONSHI_FIELD_VERSION_LINK_RESULT_ID,
            b,
            c,
            n,
        )
    });
    assert_eq!(link.as_deref(), Ok(rid));
    let mut audit = 0;
    unsafe { onshi_history_count(h, ONSHI_LIST_HISTORY_AUDIT, &mut audit) };
    assert_eq!(audit, 3);
    let fields = read(|b, c, n| unsafe {
        onshi_history_item_get_text(
            h,
            ONSHI_LIST_HISTORY_AUDIT,
            1,
            ONSHI_FIELD_AUDIT_FIELDS,
            b,
            c,
            n,
        )
    });
    assert_eq!(fields.as_deref(), Ok("address"));

    // A review made before that application is stale now.
    let s = unsafe {
        onshi_history_apply(
            h,
            older,
            null(),
            ONSHI_START_DATE_FIRST_OF_MONTH,
            actor.as_ptr(),
            actor.len(),
            &t,
            null_mut(),
        )
    };
    assert_eq!(s, ONSHI_HISTORY_STALE_REVIEW);
    let e = read(|b, c, n| unsafe { onshi_history_last_error(h, b, c, n) }).unwrap();
    assert!(e.contains("review the answer again"), "{e}");

    // JSON round trip of the history.
    let json = read(|b, c, n| unsafe { onshi_history_to_json(h, b, c, n) }).unwrap();
    let mut back = null_mut();
    assert_eq!(
        unsafe { onshi_history_from_json(null_mut(), json.as_ptr(), json.len(), &mut back) },
        ONSHI_OK
    );
    assert_eq!(
        read(|b, c, n| unsafe { onshi_history_to_json(back, b, c, n) }).unwrap(),
        json
    );
    let bad = r#"{"versions":[{"id":1,"start":"2020-01-01","end":null,"qualification":{},"source":{"kind":"manual","at":"2020-01-01T00:00:00"},"link":null,"state":"current"},{"id":1,"start":"2021-01-01","end":null,"qualification":{},"source":{"kind":"manual","at":"2020-01-01T00:00:00"},"link":null,"state":"current"}]}"#;
    let err = onshi_error_new();
    let mut x = null_mut();
    assert_eq!(
        unsafe { onshi_history_from_json(err, bad.as_ptr(), bad.len(), &mut x) },
        ONSHI_HISTORY_INCONSISTENT
    );
    assert!(x.is_null());

    unsafe {
        onshi_error_free(err);
        onshi_history_free(back);
        onshi_qualification_free(cur);
        onshi_history_free(h);
        onshi_diff_free(d);
        onshi_diff_free(rv);
        onshi_diff_free(older);
        onshi_qualification_free(reg);
        onshi_qualification_free(ret);
    }
}

#[test]
fn identity_mismatch_needs_verification_through_choices() {
    let reg = qualification(REGISTERED);
    let ret = qualification(&RETURNED.replace("見本　太郎", "別人　次郎"));
    let day = date(2025, 4, 10);
    let mut d = null_mut();
    unsafe {
        onshi_diff_compare(
            null_mut(),
            reg,
            ret,
            &day,
            ONSHI_QUERY_KIND_MY_NUMBER_CARD,
            0,
            &mut d,
        )
    };
    let mut v = 0;
    unsafe { onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &mut v) };
    assert_eq!(v, ONSHI_VERDICT_VERIFY_IDENTITY);
    let t = now();
    let mut h = null_mut();
    unsafe { onshi_history_new(null_mut(), reg, &date(2020, 4, 1), null(), 0, &t, &mut h) };
    unsafe { onshi_diff_free(d) };
    let mut d = null_mut();
    let s = unsafe {
        onshi_history_review_record(
            h,
            ret,
            "r1".as_ptr(),
            2,
            &day,
            ONSHI_QUERY_KIND_MY_NUMBER_CARD,
            0,
            &mut d,
        )
    };
    assert_eq!(s, ONSHI_OK);
    let s = unsafe {
        onshi_history_apply(
            h,
            d,
            null(),
            ONSHI_START_DATE_CONFIRMATION_DATE,
            null(),
            0,
            &t,
            null_mut(),
        )
    };
    assert_eq!(s, ONSHI_HISTORY_IDENTITY_NOT_VERIFIED);
    let c = onshi_choices_new();
    assert_eq!(
        unsafe { onshi_choices_set_identity_verified(c, true) },
        ONSHI_OK
    );
    assert_eq!(
        unsafe { onshi_choices_set(c, ONSHI_FIELD_ADDRESS, ONSHI_DECISION_KEEP) },
        ONSHI_OK
    );
    assert_eq!(
        unsafe { onshi_choices_set(c, 999, ONSHI_DECISION_KEEP) },
        ONSHI_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe { onshi_choices_set(c, ONSHI_FIELD_NAME, 0) },
        ONSHI_INVALID_ARGUMENT
    );
    let json = read(|b, cap, n| unsafe { onshi_choices_to_json(c, b, cap, n) }).unwrap();
    assert_eq!(
        json,
        r#"{"fields":{"address":"keep"},"identity_verified":true}"#
    );
    let s = unsafe {
        onshi_history_apply(
            h,
            d,
            c,
            ONSHI_START_DATE_CONFIRMATION_DATE,
            null(),
            0,
            &t,
            null_mut(),
        )
    };
    assert_eq!(s, ONSHI_OK);
    let mut cur = null_mut();
    unsafe { onshi_history_current(h, &mut cur) };
    let name =
        read(|b, cap, n| unsafe { onshi_qualification_get_text(cur, ONSHI_FIELD_NAME, b, cap, n) });
    assert_eq!(name.as_deref(), Ok("別人　次郎"));
    let addr = read(|b, cap, n| unsafe {
        onshi_qualification_get_text(cur, ONSHI_FIELD_ADDRESS, b, cap, n)
    });
    assert_eq!(
        addr.as_deref(),
        Ok("東京都千代田区千代田1-1"),
        "kept by choice"
    );
    unsafe {
        onshi_qualification_free(cur);
        onshi_choices_free(c);
        onshi_history_free(h);
        onshi_diff_free(d);
        onshi_qualification_free(reg);
        onshi_qualification_free(ret);
    }
}

#[test]
fn matching_by_setters_and_json_give_the_same_candidates() {
    let m = onshi_matching_new();
    let mut i = 0;
    assert_eq!(
        unsafe { onshi_matching_item_add(m, ONSHI_LIST_PATIENTS, &mut i) },
        ONSHI_OK
    );
    let set = |f, v: &str| unsafe {
        onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, i, f, v.as_ptr(), v.len())
    };
    assert_eq!(set(ONSHI_FIELD_PATIENT_ID, "000123"), ONSHI_OK);
    assert_eq!(set(ONSHI_FIELD_PATIENT_NAME, "見本　太郎"), ONSHI_OK);
    assert_eq!(set(ONSHI_FIELD_PATIENT_KANA, "ミホン　タロウ"), ONSHI_OK);
    assert_eq!(
        unsafe {
            onshi_matching_item_set_date(
                m,
                ONSHI_LIST_PATIENTS,
                i,
                ONSHI_FIELD_PATIENT_BIRTHDATE,
                &date(1950, 5, 5),
            )
        },
        ONSHI_OK
    );
    assert_eq!(
        set(ONSHI_FIELD_PATIENT_BIRTHDATE, "1950-02-30"),
        ONSHI_INVALID_VALUE
    );
    let ret = qualification(RETURNED);
    let mut c = null_mut();
    assert_eq!(unsafe { onshi_matching_find(m, ret, &mut c) }, ONSHI_OK);
    let mut n = 0;
    unsafe { onshi_candidates_count(c, ONSHI_LIST_CANDIDATES, &mut n) };
    assert_eq!(n, 1);
    let mut strength = 0;
    unsafe {
        onshi_candidates_item_get_u32(
            c,
            ONSHI_LIST_CANDIDATES,
            0,
            ONSHI_FIELD_CANDIDATE_STRENGTH,
            &mut strength,
        )
    };
    assert_eq!(strength, ONSHI_STRENGTH_STRONG);
    let mut flags = 0;
    unsafe {
        onshi_candidates_item_get_u32(
            c,
            ONSHI_LIST_CANDIDATES,
            0,
            ONSHI_FIELD_CANDIDATE_REASON_FLAGS,
            &mut flags,
        )
    };
    assert!(flags & ONSHI_MATCH_BIRTHDATE != 0 && flags & ONSHI_MATCH_KANA != 0);
    let by_setters =
        read(|b, cap, len| unsafe { onshi_candidates_to_json(c, b, cap, len) }).unwrap();

    let patients = read(|b, cap, len| unsafe { onshi_matching_to_json(m, b, cap, len) }).unwrap();
    let mut m2 = null_mut();
    assert_eq!(
        unsafe { onshi_matching_from_json(null_mut(), patients.as_ptr(), patients.len(), &mut m2) },
        ONSHI_OK
    );
    let mut c2 = null_mut();
    unsafe { onshi_matching_find(m2, ret, &mut c2) };
    let by_json = read(|b, cap, len| unsafe { onshi_candidates_to_json(c2, b, cap, len) }).unwrap();
    assert_eq!(by_setters, by_json);

    let draft = read(|b, cap, len| unsafe {
        onshi_new_patient_draft_to_json(null_mut(), ret, b, cap, len)
    })
    .unwrap();
    assert!(draft.contains("\"name_has_substitute\":false"), "{draft}");
    unsafe {
        onshi_candidates_free(c);
        onshi_candidates_free(c2);
        onshi_matching_free(m);
        onshi_matching_free(m2);
        onshi_qualification_free(ret);
    }
}

#[test]
fn the_virtual_card_reads_with_its_pin_and_counts_tries() {
    let mut card = null_mut();
    assert_eq!(
        unsafe { onshi_card_open_virtual(null_mut(), null(), 0, &mut card) },
        ONSHI_OK
    );
    assert_eq!(unsafe { onshi_card_recognise(card) }, ONSHI_OK);
    let mut tries = 0;
    assert_eq!(unsafe { onshi_card_tries_left(card, &mut tries) }, ONSHI_OK);
    assert_eq!(tries, 3);
    let mut info = null_mut();
    let s = unsafe { onshi_card_read_basic_info(card, "0000".as_ptr(), 4, false, &mut info) };
    assert_eq!(s, ONSHI_CARD_WRONG_PIN);
    assert!(info.is_null());
    let e = read(|b, c, n| unsafe { onshi_card_last_error(card, b, c, n) }).unwrap();
    assert!(e.contains("2 tries left"), "the English detail: {e}");
    let err = onshi_error_new();
    assert_eq!(
        unsafe { onshi_error_from_handle(err, card.cast()) },
        ONSHI_OK
    );
    let staff = read(|b, c, n| unsafe { onshi_error_staff_message(err, b, c, n) }).unwrap();
    assert!(staff.contains("残り 2 回"), "the staff text: {staff}");
    assert_eq!(unsafe { onshi_error_status(err) }, ONSHI_CARD_WRONG_PIN);
    unsafe { onshi_error_free(err) };
    assert_eq!(
        unsafe { onshi_card_read_basic_info(card, "12a4".as_ptr(), 4, false, &mut info) },
        ONSHI_CARD_INVALID_PIN_FORMAT
    );
    let pin = "１２３４";
    assert_eq!(
        unsafe { onshi_card_read_basic_info(card, pin.as_ptr(), pin.len(), false, &mut info) },
        ONSHI_OK
    );
    let name = read(|b, c, n| unsafe {
        onshi_basic_info_get_text(info, ONSHI_FIELD_BASIC_INFO_NAME, b, c, n)
    });
    assert_eq!(name.as_deref(), Ok("検証　花子"));
    let mut sex = 0;
    unsafe { onshi_basic_info_get_u32(info, ONSHI_FIELD_BASIC_INFO_SEX, &mut sex) };
    assert_eq!(sex, ONSHI_CARD_SEX_FEMALE);
    let code = read(|b, c, n| unsafe {
        onshi_basic_info_get_text(info, ONSHI_FIELD_BASIC_INFO_SEX_CODE, b, c, n)
    });
    assert_eq!(code.as_deref(), Ok("2"));
    let mut bd = onshi_date::default();
    unsafe { onshi_basic_info_get_date(info, ONSHI_FIELD_BASIC_INFO_BIRTHDATE, &mut bd) };
    assert_eq!(bd, date(1985, 4, 1));
    let json = read(|b, c, n| unsafe { onshi_basic_info_to_json(info, b, c, n) }).unwrap();
    assert!(json.contains("検証　花子"), "{json}");

    // The card's 基本4情報 finds the patient registered with the same name and birthdate.
    let patients = r#"[{"patient_id":"p1","name":"検証　花子","birthdate":"1985-04-01"},{"patient_id":"p2","name":"別人","birthdate":"1990-01-01"}]"#;
    let mut m = null_mut();
    unsafe { onshi_matching_from_json(null_mut(), patients.as_ptr(), patients.len(), &mut m) };
    let mut c = null_mut();
    assert_eq!(
        unsafe { onshi_matching_find_card(m, info, &mut c) },
        ONSHI_OK
    );
    let id = read(|b, cap, n| unsafe {
        onshi_candidates_item_get_text(
            c,
            ONSHI_LIST_CANDIDATES,
            0,
            ONSHI_FIELD_CANDIDATE_PATIENT_ID,
            b,
            cap,
            n,
        )
    });
    assert_eq!(id.as_deref(), Ok("p1"));

    // One try left: the read needs confirmation.
    let mut locked = null_mut();
    let cfg = r#"{"tries_left":1}"#;
    unsafe { onshi_card_open_virtual(null_mut(), cfg.as_ptr(), cfg.len(), &mut locked) };
    let mut other = null_mut();
    assert_eq!(
        unsafe { onshi_card_read_basic_info(locked, "1234".as_ptr(), 4, false, &mut other) },
        ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION
    );
    assert_eq!(
        unsafe { onshi_card_read_basic_info(locked, "1234".as_ptr(), 4, true, &mut other) },
        ONSHI_OK
    );
    unsafe {
        onshi_basic_info_free(other);
        onshi_card_free(locked);
        onshi_candidates_free(c);
        onshi_matching_free(m);
        onshi_basic_info_free(info);
        onshi_card_free(card);
    }
}

#[test]
fn new_fields_are_described_by_the_field_functions() {
    let mut list = 0;
    let mut ty = 0;
    unsafe {
        assert_eq!(
            onshi_field_list(ONSHI_FIELD_DIFF_ITEM_CLASS, &mut list),
            ONSHI_OK
        );
        assert_eq!(list, ONSHI_LIST_DIFF_FIELDS);
        assert_eq!(
            onshi_field_value_type(ONSHI_FIELD_DIFF_VERDICT, &mut ty),
            ONSHI_OK
        );
        assert_eq!(ty, ONSHI_VALUE_TYPE_ENUM);
        assert_eq!(
            onshi_field_list(ONSHI_FIELD_PATIENT_SEX, &mut list),
            ONSHI_OK
        );
        assert_eq!(list, ONSHI_LIST_PATIENTS);
    }
    let name = read(|b, c, n| unsafe { onshi_field_name(ONSHI_FIELD_VERSION_START, b, c, n) });
    assert_eq!(name.as_deref(), Ok("versions[].start"));
}

#[test]
fn pc_sc_without_a_service_is_a_status_not_a_crash() {
    // pcscd may or may not run on the test machine: either a list or a typed status.
    let r = read(|b, c, n| unsafe { onshi_card_list_readers(null_mut(), b, c, n) });
    match r {
        Ok(_) => {}
        Err(s) => assert!(
            (500..600).contains(&s) || s == ONSHI_NOT_SUPPORTED,
            "status {s}"
        ),
    }
}
