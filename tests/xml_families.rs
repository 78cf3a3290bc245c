//! The file families of 2026 (oqs-2026 §2), encrypted content, and the file name deciding
//! the kind where the content misleads.

use onshi::xml::{self, Encoding, Family, FileName, Limits, Message, MessageKind, Sniff, XmlError};

fn parse_named(name: &str, bytes: &[u8]) -> Result<xml::Document, XmlError> {
    xml::parse_file(&FileName::parse(name).unwrap(), bytes, &Limits::default())
}

#[test]
fn a_01res_is_never_read_as_a_request() {
    // A real 01res may carry only 医療機関コード and the identifier in its header and a
    // 受付番号 in its body (oqs-2026 §1.2 #11): by content alone that is a download request.
    let xml = b"<XmlMsg><MessageHeader><MedicalInstitutionCode>1310000003</MedicalInstitutionCode>\
<ArbitraryFileIdentifier>A1</ArbitraryFileIdentifier></MessageHeader>\
<MessageBody><ReceptionNumber>202609290001</ReceptionNumber></MessageBody></XmlMsg>";
    let by_content = xml::parse(xml).unwrap();
    assert_eq!(by_content.message.kind(), MessageKind::BulkDownloadRequest);
    for family in ["OQSmuquc", "OQSmutic", "OQSmuimm", "OQSmuhvq", "OQSmuonq"] {
        let doc = parse_named(&format!("{family}01res_202609290001.xml"), xml).unwrap();
        let Message::BulkUploadResponse(u) = &doc.message else {
            panic!("{family}: {:?}", doc.message.kind())
        };
        assert_eq!(u.receipt.reception_number.as_deref(), Some("202609290001"));
    }
    // And a request is never read as an answer.
    let req = b"<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult>\
<MedicalInstitutionCode>1310000003</MedicalInstitutionCode></MessageHeader>\
<MessageBody><ReceptionNumber>R1</ReceptionNumber></MessageBody></XmlMsg>";
    let doc = parse_named("OQSmuquc02req_1.xml", req).unwrap();
    assert_eq!(doc.message.kind(), MessageKind::BulkDownloadRequest);
}

#[test]
fn unmodelled_families_keep_every_element() {
    let body = "<XmlMsg><MessageHeader><ProcessExecutionTime>20260929160112</ProcessExecutionTime>\
<SegmentOfResult>1</SegmentOfResult><MedicalInstitutionCode>1310000003</MedicalInstitutionCode>\
<VendorHeader x=\"1\">v</VendorHeader></MessageHeader>\
<MessageBody><ConsentRevocationInfo><ReasonCode>2</ReasonCode><Remarks a=\"b\">患者取消</Remarks>\
</ConsentRevocationInfo><ProcessingResultStatus>1</ProcessingResultStatus>\
<Birthdate>19850615</Birthdate></MessageBody><Trailer/></XmlMsg>";
    for (name, family) in [
        ("OQSsihvd01res_1.xml", Family::ConsentRevocation),
        ("OQSsiurl01res_1.xml", Family::AccessUrl),
        ("OQSsiinq01res_1.xml", Family::SettingsInquiry),
        ("OQSsiupd01res_1.xml", Family::SettingsUpdate),
        ("PMHsimsm01res_1.xml", Family::PublicMedicalHub),
        ("EPSsiabc01res_1.xml", Family::ElectronicPrescription),
        ("publicmedicalhub_1.xml", Family::PublicMedicalHub),
        ("prescription_1.xml", Family::ElectronicPrescription),
    ] {
        assert_eq!(FileName::parse(name).unwrap().family, family);
        let doc = parse_named(name, body.as_bytes()).unwrap();
        let Message::Unmodelled(m) = &doc.message else {
            panic!("{name}: {:?}", doc.message.kind())
        };
        assert_eq!(
            m.header.medical_institution_code.as_ref().unwrap().as_str(),
            "1310000003"
        );
        // The body is whole and in document order, even elements a modelled family would
        // have typed.
        let names: Vec<&str> = m.body.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "ConsentRevocationInfo",
                "ProcessingResultStatus",
                "Birthdate"
            ]
        );
        assert_eq!(
            m.body[0].children[1].attributes,
            [("a".to_string(), "b".to_string())]
        );
        assert_eq!(m.body[2].text.as_deref(), Some("19850615"));
        assert_eq!(m.header.extra[0].name, "VendorHeader");
        assert_eq!(m.extra_root[0].name, "Trailer");
        // Written and read back: the same message, in both encodings.
        for enc in [Encoding::Utf8, Encoding::ShiftJis] {
            let bytes = xml::write(&doc.message, enc).unwrap();
            assert_eq!(
                parse_named(name, &bytes).unwrap().message,
                doc.message,
                "{name} {enc:?}"
            );
        }
        let v = xml::validate(&doc);
        assert!(
            v.iter().any(|f| f.message.contains("not modelled")),
            "{name}"
        );
    }
    // Another root: the whole document is kept.
    let other =
        b"<PmhResult version=\"1\"><Subsidy><Number>12345678</Number></Subsidy></PmhResult>";
    let doc = parse_named("PMHsimsm01res_2.xml", other).unwrap();
    let Message::Unmodelled(m) = &doc.message else {
        panic!()
    };
    let d = m.document.as_ref().unwrap();
    assert_eq!(d.name, "PmhResult");
    assert_eq!(d.children[0].children[0].text.as_deref(), Some("12345678"));
    let again = xml::write(&doc.message, Encoding::Utf8).unwrap();
    assert_eq!(
        parse_named("PMHsimsm01res_2.xml", &again).unwrap().message,
        doc.message
    );
}

#[test]
fn home_visit_and_online_queries_have_the_individual_shape() {
    let bytes = std::fs::read("tests/fixtures/utf8/OQSsiquc01res_202504010001.xml").unwrap();
    for name in ["OQSsihvq01res_1.xml", "OQSsionq01res_1.xml"] {
        let doc = parse_named(name, &bytes).unwrap();
        assert_eq!(
            doc.message.kind(),
            MessageKind::QualificationResponse,
            "{name}"
        );
    }
    let req = std::fs::read("tests/fixtures/utf8/OQSsiquc01req_202504010001.xml").unwrap();
    let doc = parse_named("OQSsihvq01req_1.xml", &req).unwrap();
    assert_eq!(doc.message.kind(), MessageKind::QualificationRequest);
}

#[test]
fn encrypted_content_is_its_own_error() {
    for cipher in [
        &b"\x8f\x03\x11\xa0ciphertext"[..],
        b"U2FsdGVkX1+abc",
        b"\xEF\xBB\xBF  \x01\x02",
        "見本".as_bytes(),
    ] {
        let e = xml::parse(cipher).unwrap_err();
        assert!(matches!(e, XmlError::Encrypted { .. }), "{e}");
        assert_eq!(e.code(), 214);
        assert!(e.to_string().contains("encrypt.conf"), "{e}");
        let e = parse_named("OQSsiquc01res_1.xml", cipher).unwrap_err();
        assert_eq!(e.code(), 214);
    }
    // Malformed XML stays a syntax error.
    assert_eq!(xml::parse(b"<XmlMsg><a></XmlMsg>").unwrap_err().code(), 200);
    assert_eq!(xml::sniff(b"\n\t<XmlMsg/>"), Sniff::Xml);
}
