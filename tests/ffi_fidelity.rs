//! The C ABI of issue 11's data side, driven from Rust as C calls it: the warnings of a parsed
//! document (count + item accessors), the per-person results of a 照会番号 registration in
//! either form, the clinic kind of a review and the 医療扶助 re-check day.

use onshi::ffi::diff::*;
use onshi::ffi::document::*;
use onshi::ffi::enums::*;
use onshi::ffi::field::*;
use onshi::ffi::history::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
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

fn parse(xml: &str) -> *mut onshi_document {
    let mut d = null_mut();
    let s = unsafe { onshi_document_parse(null_mut(), xml.as_ptr(), xml.len(), null(), &mut d) };
    assert_eq!(s, ONSHI_OK, "{xml}");
    d
}

fn item_text(d: *const onshi_document, list: onshi_list, i: usize, f: onshi_field) -> String {
    read(|b, c, n| unsafe { onshi_document_item_get_text(d, list, i, f, b, c, n) }).unwrap()
}

fn item_u32(d: *const onshi_document, list: onshi_list, i: usize, f: onshi_field) -> u32 {
    let mut v = 0;
    assert_eq!(
        unsafe { onshi_document_item_get_u32(d, list, i, f, &mut v) },
        ONSHI_OK
    );
    v
}

fn count(d: *const onshi_document, list: onshi_list) -> usize {
    let mut n = usize::MAX;
    assert_eq!(unsafe { onshi_document_count(d, list, &mut n) }, ONSHI_OK);
    n
}

const FACE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XmlMsg>\n<MessageHeader>\
<QualificationConfirmationDate>20261005</QualificationConfirmationDate>\
<ReferenceClassification>1</ReferenceClassification><SegmentOfResult>1</SegmentOfResult>\
</MessageHeader>\n<MessageBody><QualificationValidity>6</QualificationValidity><ResultList>\
<ResultOfQualificationConfirmation>\n\
<InsuredCardClassification>A1</InsuredCardClassification><InsurerNumber>12130019</InsurerNumber>\
<Name>扶助　静香</Name><InsuredCardExpirationDate>99999999</InsuredCardExpirationDate>\n\
<SpecificDiseasesCertificateList><SpecificDiseasesDiseaseCategory>1</SpecificDiseasesDiseaseCategory>\
<SpecificDiseasesSelfPay>10000</SpecificDiseasesSelfPay></SpecificDiseasesCertificateList>\
</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>\n";

#[test]
fn warnings_are_read_through_count_and_item_accessors() {
    let d = parse(FACE);
    let w = ONSHI_LIST_DOCUMENT_WARNINGS;
    assert_eq!(count(d, w), 2);
    assert_eq!(
        item_u32(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_KIND),
        ONSHI_WARNING_INVALID_VALUE
    );
    assert_eq!(
        item_text(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_KIND),
        "invalid_value"
    );
    assert_eq!(
        item_text(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_PATH),
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate"
    );
    assert_eq!(item_u32(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_LINE), 5);
    assert!(item_u32(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_COLUMN) > 1);
    assert_eq!(
        item_text(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_VALUE),
        "99999999"
    );
    assert_eq!(
        item_text(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_EXPECTED),
        "a date yyyyMMdd"
    );
    let log = item_text(d, w, 0, ONSHI_FIELD_DOCUMENT_WARNING_MESSAGE);
    assert!(!log.contains("99999999"), "{log}");
    // The flat list: no value, its own kind.
    assert_eq!(
        item_u32(d, w, 1, ONSHI_FIELD_DOCUMENT_WARNING_KIND),
        ONSHI_WARNING_FLAT_LIST
    );
    let mut n = 0usize;
    assert_eq!(
        unsafe {
            onshi_document_item_get_text(
                d,
                w,
                1,
                ONSHI_FIELD_DOCUMENT_WARNING_VALUE,
                null_mut(),
                0,
                &mut n,
            )
        },
        ONSHI_NOT_PRESENT
    );
    // Read-only, bounded, and the field's list is known.
    let mut idx = 0;
    assert_eq!(
        unsafe { onshi_document_item_add(d, w, &mut idx) },
        ONSHI_READ_ONLY
    );
    assert_eq!(
        read(|b, c, n| unsafe {
            onshi_document_item_get_text(d, w, 2, ONSHI_FIELD_DOCUMENT_WARNING_PATH, b, c, n)
        }),
        Err(ONSHI_OUT_OF_RANGE)
    );
    let mut list = 0;
    assert_eq!(
        unsafe { onshi_field_list(ONSHI_FIELD_DOCUMENT_WARNING_PATH, &mut list) },
        ONSHI_OK
    );
    assert_eq!(list, w);
    // The JSON of the document carries them too; a document that was built has none.
    let json = read(|b, c, n| unsafe { onshi_document_to_json(d, b, c, n) }).unwrap();
    assert!(json.contains("\"warnings\""), "{json}");
    let mut built = null_mut();
    assert_eq!(
        unsafe { onshi_document_new(ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE, &mut built) },
        ONSHI_OK
    );
    assert_eq!(count(built, w), 0);
    unsafe {
        onshi_document_free(built);
        onshi_document_free(d);
    }
}

#[test]
fn registration_results_in_either_form_are_one_list() {
    let units = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><ReceptionNumber>R-9</ReceptionNumber></MessageHeader><MessageBody>\
        <BulkRegistrationUnit><ReferenceNumberRegistrationInfo><ReferenceNumber>K-1</ReferenceNumber>\
        <InsurerNumber>06139990</InsurerNumber></ReferenceNumberRegistrationInfo><ProcessingResultStatus>1</ProcessingResultStatus></BulkRegistrationUnit>\
        <BulkRegistrationUnit><ReferenceNumberRegistrationInfo><ReferenceNumber>K-2</ReferenceNumber></ReferenceNumberRegistrationInfo>\
        <ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E2001</ProcessingResultCode></BulkRegistrationUnit>\
        </MessageBody></XmlMsg>";
    let direct = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><ReceptionNumber>R-9</ReceptionNumber></MessageHeader><MessageBody>\
        <ReferenceNumberRegistrationInfo><ReferenceNumber>K-1</ReferenceNumber><InsurerNumber>06139990</InsurerNumber>\
        <ProcessingResultStatus>1</ProcessingResultStatus></ReferenceNumberRegistrationInfo>\
        <ReferenceNumberRegistrationInfo><ReferenceNumber>K-2</ReferenceNumber>\
        <ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E2001</ProcessingResultCode>\
        </ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>";
    for xml in [units, direct] {
        let d = parse(xml);
        let r = ONSHI_LIST_DOCUMENT_REGISTRATIONS;
        assert_eq!(count(d, r), 2);
        assert_eq!(
            item_text(d, r, 0, ONSHI_FIELD_REGISTRATION_REFERENCE_NUMBER),
            "K-1"
        );
        assert_eq!(
            item_text(d, r, 0, ONSHI_FIELD_REGISTRATION_INSURER_NUMBER),
            "06139990"
        );
        assert_eq!(
            item_text(d, r, 0, ONSHI_FIELD_REGISTRATION_PROCESSING_RESULT_STATUS),
            "1"
        );
        assert_eq!(
            item_text(d, r, 1, ONSHI_FIELD_REGISTRATION_PROCESSING_RESULT_STATUS),
            "2"
        );
        assert_eq!(
            item_text(d, r, 1, ONSHI_FIELD_REGISTRATION_PROCESSING_RESULT_CODE),
            "E2001"
        );
        unsafe { onshi_document_free(d) };
    }
    // Another message type has none.
    let d = parse(FACE);
    assert_eq!(count(d, ONSHI_LIST_DOCUMENT_REGISTRATIONS), 0);
    unsafe { onshi_document_free(d) };
}

#[test]
fn a_review_takes_the_clinic_kind_and_gives_the_recheck_day() {
    let reg =
        r#"{"insured_card_classification":"A1","insurer_number":"12130019","name":"扶助　静香"}"#;
    let mut q = null_mut();
    assert_eq!(
        unsafe { onshi_qualification_from_json(null_mut(), reg.as_ptr(), reg.len(), &mut q) },
        ONSHI_OK
    );
    let since = onshi_date {
        year: 2024,
        month: 4,
        day: 1,
    };
    let at = onshi_datetime {
        year: 2026,
        month: 10,
        day: 5,
        hour: 9,
        minute: 0,
        second: 0,
    };
    let mut h = null_mut();
    assert_eq!(
        unsafe { onshi_history_new(null_mut(), q, &since, "受付".as_ptr(), 6, &at, &mut h) },
        ONSHI_OK
    );
    let doc = parse(FACE);
    let review = |clinic: onshi_clinic_kind, out: &mut *mut onshi_diff| unsafe {
        onshi_history_review(
            h,
            doc,
            usize::MAX,
            "face-1".as_ptr(),
            6,
            null(),
            0,
            clinic,
            out,
        )
    };
    let mut d = null_mut();
    assert_eq!(review(ONSHI_CLINIC_KIND_DENTAL, &mut d), ONSHI_OK);
    let mut v = 0;
    assert_eq!(
        unsafe { onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_CLINIC_KIND, &mut v) },
        ONSHI_OK
    );
    assert_eq!(v, ONSHI_CLINIC_KIND_DENTAL);
    assert_eq!(
        unsafe { onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_RECHECK_REASON, &mut v) },
        ONSHI_OK
    );
    assert_eq!(v, ONSHI_RECHECK_TICKET_NOT_YET_REGISTERED);
    let mut day = onshi_date::default();
    assert_eq!(
        unsafe { onshi_diff_get_date(d, ONSHI_FIELD_DIFF_RECHECK_DATE, &mut day) },
        ONSHI_OK
    );
    assert_eq!((day.year, day.month, day.day), (2026, 10, 21));
    let month =
        read(|b, c, n| unsafe { onshi_diff_get_text(d, ONSHI_FIELD_DIFF_RECHECK_MONTH, b, c, n) })
            .unwrap();
    assert_eq!(month, "202610");
    let message = read(|b, c, n| unsafe {
        onshi_diff_get_text(d, ONSHI_FIELD_DIFF_RECHECK_MESSAGE, b, c, n)
    })
    .unwrap();
    assert!(message.contains("無効ではありません"), "{message}");
    // The notice is in the list, with its number.
    let mut notices = 0;
    assert_eq!(
        unsafe { onshi_diff_count(d, ONSHI_LIST_DIFF_NOTICES, &mut notices) },
        ONSHI_OK
    );
    let kinds: Vec<u32> = (0..notices)
        .map(|i| {
            let mut k = 0;
            unsafe {
                onshi_diff_item_get_u32(
                    d,
                    ONSHI_LIST_DIFF_NOTICES,
                    i,
                    ONSHI_FIELD_DIFF_NOTICE_KIND,
                    &mut k,
                )
            };
            k
        })
        .collect();
    assert!(
        kinds.contains(&ONSHI_NOTICE_TICKET_NOT_YET_REGISTERED),
        "{kinds:?}"
    );
    // No clinic kind: absent; an unknown one: refused.
    let mut d2 = null_mut();
    assert_eq!(review(0, &mut d2), ONSHI_OK);
    assert_eq!(
        unsafe { onshi_diff_get_u32(d2, ONSHI_FIELD_DIFF_CLINIC_KIND, &mut v) },
        ONSHI_NOT_PRESENT
    );
    let mut d3 = null_mut();
    assert_eq!(review(99, &mut d3), ONSHI_INVALID_ARGUMENT);
    assert!(d3.is_null());
    unsafe {
        onshi_diff_free(d);
        onshi_diff_free(d2);
        onshi_document_free(doc);
        onshi_history_free(h);
        onshi_qualification_free(q);
    }
}
