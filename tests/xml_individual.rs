//! 個別照会 request/response and the face push: reading real-shaped files, writing them back.

use onshi::codes::*;
use onshi::xml::{self, Encoding, Message};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/utf8/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

#[test]
fn individual_request() {
    let doc = xml::parse(&fixture("OQSsiquc01req_202504010001.xml")).unwrap();
    assert_eq!(doc.encoding, Encoding::Utf8);
    let Message::QualificationRequest(req) = &doc.message else {
        panic!("{:?}", doc.message.kind())
    };
    assert_eq!(
        req.header
            .medical_institution_code
            .as_ref()
            .unwrap()
            .as_str(),
        "1312345678"
    );
    assert_eq!(req.queries.len(), 1);
    let q = &req.queries[0];
    assert_eq!(q.card.insurer_number.as_ref().unwrap().as_str(), "138057");
    assert_eq!(
        q.card.insured_branch_number.as_ref().unwrap().as_str(),
        "01"
    );
    assert_eq!(q.limit_consent_flag, Some(LimitConsentFlag::Agreed));
    assert_eq!(
        q.birthdate.as_ref().unwrap().expose().to_string(),
        "1980-01-01"
    );
    // Written back in spec order with the insurer number space-padded to 8.
    let out = String::from_utf8(xml::write(&doc.message, Encoding::Utf8).unwrap()).unwrap();
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"));
    assert!(
        out.contains("<InsurerNumber>  138057</InsurerNumber>"),
        "{out}"
    );
    assert_eq!(
        out,
        String::from_utf8(fixture("OQSsiquc01req_202504010001.xml")).unwrap(),
        "the fixture is written in spec order, so writing reproduces it byte for byte"
    );
}

#[test]
fn individual_response_in_shuffled_order() {
    let doc = xml::parse(&fixture("OQSsiquc01res_202504010001.xml")).unwrap();
    let Message::QualificationResponse(res) = &doc.message else {
        panic!("{:?}", doc.message.kind())
    };
    assert_eq!(res.header.segment_of_result, Some(SegmentOfResult::Normal));
    assert_eq!(
        res.header.reference_classification,
        Some(ReferenceClassification::InsuranceCard)
    );
    assert_eq!(
        res.body.qualification_validity,
        Some(QualificationValidity::Valid)
    );
    assert!(res.body.query_echo.is_some());
    let r = &res.body.results[0];
    assert_eq!(r.person.name.as_ref().unwrap().as_str(), "見本　花子");
    assert_eq!(r.person.name_kana.as_ref().unwrap().as_str(), "ﾐﾎﾝ ﾊﾅｺ");
    assert_eq!(r.person.sex1, Some(Sex::Female));
    assert!(r.extra.is_empty() && res.body.extra.is_empty());
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let bytes = xml::write(&doc.message, enc).unwrap();
        let back = xml::parse(&bytes).unwrap();
        assert_eq!(back.encoding, enc);
        assert_eq!(back.message, doc.message);
    }
}

#[test]
fn face_push() {
    let doc = xml::parse(&fixture(
        "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml",
    ))
    .unwrap();
    let Message::QualificationResponse(res) = &doc.message else {
        panic!()
    };
    assert_eq!(
        res.header.reference_classification,
        Some(ReferenceClassification::MyNumberCard)
    );
    assert!(res.body.query_echo.is_none());
    assert_eq!(
        res.body.prescription_issue_select,
        Some(PrescriptionIssueSelect::Electronic)
    );
    let r = &res.body.results[0];
    assert_eq!(r.person.name.as_ref().unwrap().as_str(), "診療　●子");
    assert_eq!(r.consents.pharmacists.flag, Some(ConsentFlag::Agreed));
    assert_eq!(
        r.consents
            .pharmacists
            .available_time
            .unwrap()
            .format("%Y%m%d%H%M%S")
            .to_string(),
        "20260930160112"
    );
    assert_eq!(r.consents.diagnosis.flag, Some(ConsentFlag::NotAgreed));
    assert_eq!(r.reference_number.as_ref().unwrap().as_str(), "P-000123");
    let bytes = xml::write(&doc.message, Encoding::ShiftJis).unwrap();
    assert_eq!(xml::parse(&bytes).unwrap().message, doc.message);
}

#[test]
fn unrepresentable_character_names_the_field() {
    let mut doc = xml::parse(&fixture("OQSsiquc01res_202504010001.xml")).unwrap();
    let Message::QualificationResponse(res) = &mut doc.message else {
        panic!()
    };
    res.body.results[0].person.name = Some("𠮷野　花子".into());
    let e = xml::write(&doc.message, Encoding::ShiftJis).unwrap_err();
    assert_eq!(
        e.to_string(),
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/Name: character U+20BB7 cannot be written in Shift_JIS (CP932)"
    );
    // UTF-8 carries it.
    let bytes = xml::write(&doc.message, Encoding::Utf8).unwrap();
    assert_eq!(xml::parse(&bytes).unwrap().message, doc.message);
}
