//! Fail-soft reading: one odd value of a leaf never loses an answer. The value is kept as it
//! came (an unmodelled element of its record, written back unchanged) and a warning says where,
//! what came and what was expected; structure, encoding and hostile input stay errors. Also the
//! shapes read in two forms: the flat 特定疾病 list, `BulkRegistrationUnit`, several
//! `ReferenceNumber` per bulk unit.

use onshi::codes::*;
use onshi::model::{ConfirmationResult, Qualification, UnknownElement};
use onshi::xml::{self, Encoding, Limits, Message, Severity, WarningKind, XmlError};
use proptest::prelude::*;

fn face(result: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XmlMsg>\n<MessageHeader>\
         <ProcessExecutionTime>20260929160112</ProcessExecutionTime>\
         <QualificationConfirmationDate>20260929</QualificationConfirmationDate>\
         <MedicalInstitutionCode>1310000003</MedicalInstitutionCode>\
         <ReferenceClassification>1</ReferenceClassification>\
         <SegmentOfResult>1</SegmentOfResult>\
         <CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader>\n<MessageBody>\
         <ProcessingResultStatus>1</ProcessingResultStatus>\
         <QualificationValidity>1</QualificationValidity>\n<ResultList>\
         <ResultOfQualificationConfirmation>\n{result}\n\
         </ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>\n"
    )
}

const PERSON: &str = "<InsuredCardClassification>01</InsuredCardClassification>\
    <InsurerNumber>06139990</InsurerNumber><InsuredIdentificationNumber>456</InsuredIdentificationNumber>\
    <Name>見本　花子</Name><Sex1>2</Sex1><Birthdate>19850615</Birthdate><InsurerName>見本健保</InsurerName>";

fn result_of(doc: &xml::Document) -> &Qualification {
    match &doc.message {
        Message::QualificationResponse(r) => &r.body.results[0],
        m => panic!("{m:?}"),
    }
}

/// The same text in UTF-8 and in Shift_JIS (declaration changed, bytes re-encoded).
fn both_encodings(text: &str) -> Vec<Vec<u8>> {
    let sjis = text.replacen("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"", 1);
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&sjis);
    assert!(!unmappable);
    vec![text.as_bytes().to_vec(), bytes.into_owned()]
}

#[test]
fn the_odd_values_seen_in_2026_keep_the_answer() {
    // (element, value, what the field expected)
    let cases = [
        ("InsuredCardExpirationDate", "99999999", "a date yyyyMMdd"),
        (
            "PharmacistsInfoConsTime",
            "2026/09/29 12:00:00",
            "a date-time yyyyMMddHHmmss",
        ),
        (
            "InsuredPartialContributionRatio",
            "1割",
            "a percentage 000–100",
        ),
        (
            "LimitApplicationCertificateRelatedConsTime",
            "2026-09-29T12:00:00",
            "a date-time yyyyMMddHHmmss",
        ),
    ];
    for (element, value, expected) in cases {
        let text = face(&format!("{PERSON}<{element}>{value}</{element}>"));
        for bytes in both_encodings(&text) {
            let doc = xml::parse(&bytes).unwrap_or_else(|e| panic!("{element}: {e}"));
            // The answer is usable: validity, identity and card are all there.
            let q = result_of(&doc);
            assert_eq!(q.person.name.as_ref().unwrap().as_str(), "見本　花子");
            assert_eq!(q.card.insurer_number.as_ref().unwrap().as_str(), "06139990");
            // The value is kept as it came, in the record's unmodelled elements.
            let kept: Vec<&UnknownElement> = q.extra.iter().filter(|e| e.name == element).collect();
            assert_eq!(kept.len(), 1, "{element}");
            assert_eq!(kept[0].text.as_deref(), Some(value));
            // One warning, with where, what and what was expected.
            let [w] = doc.warnings.as_slice() else {
                panic!("{element}: {:?}", doc.warnings)
            };
            assert_eq!(w.kind, WarningKind::InvalidValue);
            assert_eq!(
                w.path,
                format!(
                    "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/{element}"
                )
            );
            assert_eq!(w.line, 6);
            assert_eq!(w.value.as_ref().unwrap().expose(), value);
            assert_eq!(w.expected, expected);
            // Written back (either encoding), the value is there again.
            for enc in [Encoding::Utf8, Encoding::ShiftJis] {
                let again = xml::write(&doc.message, enc).unwrap();
                let back = xml::parse(&again).unwrap();
                assert_eq!(back.message, doc.message);
                assert_eq!(back.warnings.len(), 1);
                assert_eq!(back.warnings[0].value, w.value);
            }
            // JSON carries the warning (the `onshi parse` output).
            let json = serde_json::to_value(&doc).unwrap();
            assert_eq!(json["warnings"][0]["kind"], "invalid_value");
            assert_eq!(json["warnings"][0]["value"], value);
        }
    }
}

#[test]
fn odd_counts_and_reception_times_are_kept_too() {
    // A bulk upload answer whose ReceptionDateTime is in a format of its own.
    let up = "<XmlMsg><MessageHeader><ProcessExecutionTime>2026/09/29 16:01:12</ProcessExecutionTime>\
        <MedicalInstitutionCode>1310000003</MedicalInstitutionCode><SegmentOfResult>1</SegmentOfResult>\
        </MessageHeader>\
        <MessageBody><ReceptionNumber>R-1</ReceptionNumber><ReceptionDateTime>2026-09-29 16:01</ReceptionDateTime>\
        </MessageBody></XmlMsg>";
    let doc = xml::parse(up.as_bytes()).unwrap();
    let Message::BulkUploadResponse(u) = &doc.message else {
        panic!("{:?}", doc.message)
    };
    assert_eq!(u.receipt.reception_number.as_deref(), Some("R-1"));
    assert_eq!(u.receipt.reception_date_time, None);
    assert!(
        u.extra_body
            .iter()
            .any(|e| e.name == "ReceptionDateTime" && e.text.as_deref() == Some("2026-09-29 16:01"))
    );
    assert!(
        u.header
            .extra
            .iter()
            .any(|e| e.name == "ProcessExecutionTime")
    );
    let paths: Vec<&str> = doc.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/XmlMsg/MessageHeader/ProcessExecutionTime",
            "/XmlMsg/MessageBody/ReceptionDateTime"
        ]
    );
    let again = xml::write(&doc.message, Encoding::Utf8).unwrap();
    assert_eq!(xml::parse(&again).unwrap().message, doc.message);
}

#[test]
fn paths_count_repeated_records() {
    let two = format!(
        "{PERSON}</ResultOfQualificationConfirmation><ResultOfQualificationConfirmation>{PERSON}\
         <QualificationDate>2026-04-01</QualificationDate>"
    );
    let doc = xml::parse(face(&two).as_bytes()).unwrap();
    assert_eq!(
        doc.warnings[0].path,
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[2]/QualificationDate"
    );
    // A bulk result: the unit's index, read whole and unit by unit.
    let unit = |date: &str| {
        format!(
            "<BulkConfirmUnit><QualificationValidity>1</QualificationValidity>\
             <ResultOfQualificationConfirmation><Name>見本</Name><QualificationDate>{date}</QualificationDate>\
             </ResultOfQualificationConfirmation></BulkConfirmUnit>"
        )
    };
    let bulk = format!(
        "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><NumberOfProcessingResult>3</NumberOfProcessingResult></MessageHeader>\n<MessageBody>\n{}\n{}\n{}\n</MessageBody></XmlMsg>",
        unit("20260401"),
        unit("令和8年4月1日"),
        unit("2026.04.01")
    );
    let doc = xml::parse(bulk.as_bytes()).unwrap();
    let paths: Vec<(String, usize)> = doc
        .warnings
        .iter()
        .map(|w| (w.path.clone(), w.line))
        .collect();
    let p = |k| {
        format!(
            "/XmlMsg/MessageBody/BulkConfirmUnit[{k}]/ResultOfQualificationConfirmation[1]/QualificationDate"
        )
    };
    assert_eq!(paths, [(p(2), 4), (p(3), 5)]);
    let mut units = xml::bulk_units(bulk.as_bytes(), &Limits::default()).unwrap();
    let n = units.by_ref().count();
    assert_eq!(n, 3);
    assert_eq!(units.warnings(), doc.warnings.as_slice());
}

#[test]
fn structure_encoding_and_hostile_input_stay_errors() {
    // A tag left open, a DOCTYPE, a control character: still refused, with a location.
    for bad in [
        face(&format!(
            "{PERSON}<InsuredCardExpirationDate>99999999</InsuredCardValidDate>"
        )),
        format!("<!DOCTYPE x>{}", face(PERSON)),
        face(&format!("{PERSON}<Address>\u{1}</Address>")),
    ] {
        let e = xml::parse(bad.as_bytes()).unwrap_err();
        assert!(e.location().is_some(), "{e}");
    }
    // Bytes that are neither UTF-8 nor Shift_JIS.
    let mut bytes = face(PERSON).into_bytes();
    let at = bytes.windows(4).position(|w| w == b"<Nam").unwrap();
    bytes.splice(at..at, [0xFF, 0xFF]);
    assert!(matches!(xml::parse(&bytes), Err(XmlError::Encoding { .. })));
    // A file of odd values only: each costs the unmodelled-content budget, so a flood is
    // refused like a flood of unknown elements (after one pass, not one rescan each).
    let flood = "<Birthdate>x</Birthdate>".repeat(60_000);
    let hostile = face(&format!("{PERSON}{flood}"));
    let t = std::time::Instant::now();
    let e = xml::parse(hostile.as_bytes()).unwrap_err();
    assert!(matches!(e, XmlError::TooManyUnknown { .. }), "{e}");
    assert!(t.elapsed() < std::time::Duration::from_secs(20));
    // Below the budget: accepted, every value kept and warned about once.
    let some = "<QualificationDate>x</QualificationDate>".repeat(2_000);
    let doc = xml::parse(face(&format!("{PERSON}{some}")).as_bytes()).unwrap();
    assert_eq!(doc.warnings.len(), 2_000);
    assert_eq!(result_of(&doc).extra.len(), 2_000);
    assert_eq!(
        doc.warnings[1_999].path,
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/QualificationDate[2000]"
    );
}

#[test]
fn validate_reports_each_warning_without_the_value() {
    let text = face(&format!(
        "{PERSON}<InsuredCardExpirationDate>99999999</InsuredCardExpirationDate>"
    ));
    let doc = xml::parse(text.as_bytes()).unwrap();
    let f: Vec<_> = xml::validate(&doc)
        .into_iter()
        .filter(|f| f.path.ends_with("/InsuredCardExpirationDate"))
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("a date yyyyMMdd"), "{}", f[0].message);
    assert!(!f[0].message.contains("99999999"));
}

#[test]
fn the_flat_specific_disease_list_is_read_and_written_nested() {
    let flat = format!(
        "{PERSON}<SpecificDiseasesCertificateRelatedConsFlg>1</SpecificDiseasesCertificateRelatedConsFlg>\
         <SpecificDiseasesCertificateList><SpecificDiseasesDiseaseCategory>1</SpecificDiseasesDiseaseCategory>\
         <SpecificDiseasesValidStartDate>20250401</SpecificDiseasesValidStartDate>\
         <SpecificDiseasesSelfPay>10000</SpecificDiseasesSelfPay></SpecificDiseasesCertificateList>\
         <SpecificDiseasesCertificateList><SpecificDiseasesDiseaseCategory>2</SpecificDiseasesDiseaseCategory>\
         <SpecificDiseasesSelfPay>20000</SpecificDiseasesSelfPay></SpecificDiseasesCertificateList>"
    );
    let nested = format!(
        "{PERSON}<SpecificDiseasesCertificateRelatedConsFlg>1</SpecificDiseasesCertificateRelatedConsFlg>\
         <SpecificDiseasesCertificateList><SpecificDiseasesCertificateInfo>\
         <SpecificDiseasesDiseaseCategory>1</SpecificDiseasesDiseaseCategory>\
         <SpecificDiseasesValidStartDate>20250401</SpecificDiseasesValidStartDate>\
         <SpecificDiseasesSelfPay>10000</SpecificDiseasesSelfPay></SpecificDiseasesCertificateInfo>\
         <SpecificDiseasesCertificateInfo><SpecificDiseasesDiseaseCategory>2</SpecificDiseasesDiseaseCategory>\
         <SpecificDiseasesSelfPay>20000</SpecificDiseasesSelfPay></SpecificDiseasesCertificateInfo>\
         </SpecificDiseasesCertificateList>"
    );
    for bytes in both_encodings(&face(&flat)) {
        let doc = xml::parse(&bytes).unwrap();
        let q = result_of(&doc);
        let pays: Vec<Option<u32>> = q.specific_diseases.iter().map(|d| d.self_pay).collect();
        assert_eq!(pays, [Some(10_000), Some(20_000)], "never lost");
        assert_eq!(
            q.specific_diseases[0].category,
            Some(SpecificDiseaseCategory::Dialysis)
        );
        assert!(q.extra.is_empty(), "{:?}", q.extra);
        let kinds: Vec<_> = doc.warnings.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, [WarningKind::FlatList, WarningKind::FlatList]);
        assert_eq!(
            doc.warnings[1].path,
            "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/SpecificDiseasesCertificateList[2]"
        );
        // validate notes the flat form.
        assert!(
            xml::validate(&doc)
                .iter()
                .any(|f| f.path == doc.warnings[0].path
                    && f.severity == Severity::Warning
                    && f.message.contains("SpecificDiseasesCertificateInfo"))
        );
        // The same record as the nested form; written nested.
        let from_nested = xml::parse(face(&nested).as_bytes()).unwrap();
        assert_eq!(result_of(&from_nested), q);
        assert!(from_nested.warnings.is_empty());
        let written = String::from_utf8(xml::write(&doc.message, Encoding::Utf8).unwrap()).unwrap();
        assert_eq!(
            written.matches("<SpecificDiseasesCertificateInfo>").count(),
            2
        );
        assert_eq!(
            written.matches("<SpecificDiseasesCertificateList>").count(),
            1
        );
    }
}

#[test]
fn a_flat_list_item_with_an_odd_value_keeps_both() {
    let flat = format!(
        "{PERSON}<SpecificDiseasesCertificateList><SpecificDiseasesDiseaseCategory>1</SpecificDiseasesDiseaseCategory>\
         <SpecificDiseasesSelfPay>1万円</SpecificDiseasesSelfPay><Vendor>x</Vendor></SpecificDiseasesCertificateList>"
    );
    let doc = xml::parse(face(&flat).as_bytes()).unwrap();
    let q = result_of(&doc);
    assert_eq!(q.specific_diseases.len(), 1);
    let d = &q.specific_diseases[0];
    assert_eq!(d.self_pay, None);
    assert!(
        d.extra
            .iter()
            .any(|e| e.name == "SpecificDiseasesSelfPay" && e.text.as_deref() == Some("1万円"))
    );
    // An element that is no field of the item stays in an unmodelled copy of the list.
    assert!(
        q.extra
            .iter()
            .any(|e| e.name == "SpecificDiseasesCertificateList" && e.children[0].name == "Vendor")
    );
    let kinds: Vec<_> = doc.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WarningKind::FlatList, WarningKind::InvalidValue]);
}

#[test]
fn a_bulk_unit_keeps_every_reference_number() {
    let text = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult>\
        <NumberOfProcessingResult>1</NumberOfProcessingResult></MessageHeader><MessageBody><BulkConfirmUnit>\
        <QualificationValidity>1</QualificationValidity><ReferenceNumber>K-1</ReferenceNumber>\
        <ResultOfQualificationConfirmation><Name>見本</Name></ResultOfQualificationConfirmation>\
        <ReferenceNumber>K-2</ReferenceNumber></BulkConfirmUnit></MessageBody></XmlMsg>";
    let doc = xml::parse(text.as_bytes()).unwrap();
    let Message::BulkQualificationResponse(b) = &doc.message else {
        panic!()
    };
    let u: &ConfirmationResult = &b.units[0];
    let numbers: Vec<&str> = u.reference_numbers.iter().map(|n| n.as_str()).collect();
    assert_eq!(numbers, ["K-1", "K-2"]);
    assert!(u.extra.is_empty());
    let again = xml::write(&doc.message, Encoding::ShiftJis).unwrap();
    assert_eq!(xml::parse(&again).unwrap().message, doc.message);
    let json = serde_json::to_value(&doc.message).unwrap();
    assert_eq!(json["units"][0]["reference_numbers"][1], "K-2");
}

#[test]
fn bulk_registration_results_in_both_forms() {
    let units = "<XmlMsg><MessageHeader><ProcessExecutionTime>20260929160112</ProcessExecutionTime>\
        <MedicalInstitutionCode>1310000003</MedicalInstitutionCode><ReceptionNumber>R-9</ReceptionNumber>\
        <SegmentOfResult>1</SegmentOfResult><CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader><MessageBody>\
        <BulkRegistrationUnit><ReferenceNumberRegistrationInfo><ReferenceNumber>K-1</ReferenceNumber>\
        <InsurerNumber>06139990</InsurerNumber><InsuredIdentificationNumber>456</InsuredIdentificationNumber>\
        </ReferenceNumberRegistrationInfo><ProcessingResultStatus>1</ProcessingResultStatus></BulkRegistrationUnit>\
        <BulkRegistrationUnit><ReferenceNumberRegistrationInfo><ReferenceNumber>K-2</ReferenceNumber>\
        </ReferenceNumberRegistrationInfo><ProcessingResultStatus>2</ProcessingResultStatus>\
        <ProcessingResultCode>E2001</ProcessingResultCode><ProcessingResultMessage>該当なし</ProcessingResultMessage>\
        </BulkRegistrationUnit></MessageBody></XmlMsg>";
    let direct = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><ReceptionNumber>R-9</ReceptionNumber></MessageHeader><MessageBody>\
        <ReferenceNumberRegistrationInfo><ReferenceNumber>K-1</ReferenceNumber>\
        <ProcessingResultStatus>1</ProcessingResultStatus></ReferenceNumberRegistrationInfo>\
        <ReferenceNumberRegistrationInfo><ReferenceNumber>K-2</ReferenceNumber>\
        <ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E2001</ProcessingResultCode>\
        </ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>";
    for (text, unit_form) in [(units, true), (direct, false)] {
        for bytes in both_encodings(text) {
            let doc = xml::parse(&bytes).unwrap();
            let Message::ReferenceNumberResponse(r) = &doc.message else {
                panic!("{:?}", doc.message)
            };
            assert_eq!(r.units.is_empty(), !unit_form);
            let all = r.outcomes();
            let got: Vec<(&str, bool, Option<&str>)> = all
                .iter()
                .map(|o| {
                    (
                        o.registration
                            .unwrap()
                            .reference_number
                            .as_ref()
                            .unwrap()
                            .as_str(),
                        o.is_ok(),
                        o.outcome.code.as_deref(),
                    )
                })
                .collect();
            assert_eq!(got, [("K-1", true, None), ("K-2", false, Some("E2001"))]);
            // Written in the form it came in.
            let again =
                String::from_utf8(xml::write(&doc.message, Encoding::Utf8).unwrap()).unwrap();
            assert_eq!(again.contains("<BulkRegistrationUnit>"), unit_form);
            assert_eq!(xml::parse(again.as_bytes()).unwrap().message, doc.message);
        }
    }
    // The file name decides a 処理中 answer with nothing in the body.
    let name = xml::FileName::parse("OQSmuimm02res_202609290001.xml").unwrap();
    let busy = b"<XmlMsg><MessageHeader><SegmentOfResult>2</SegmentOfResult><ReceptionNumber>R-9</ReceptionNumber></MessageHeader><MessageBody/></XmlMsg>";
    let doc = xml::parse_file(&name, busy, &Limits::default()).unwrap();
    assert!(matches!(doc.message, Message::ReferenceNumberResponse(_)));
}

#[test]
fn character_code_identifier_is_only_a_hint() {
    for (cci, enc, warned) in [
        ("0", Encoding::Utf8, false),
        ("0", Encoding::ShiftJis, true),
        ("1", Encoding::Utf8, false),
        ("1", Encoding::ShiftJis, false),
        ("2", Encoding::ShiftJis, false),
        ("2", Encoding::Utf8, true),
    ] {
        let text = face(PERSON).replace(
            "<CharacterCodeIdentifier>0</CharacterCodeIdentifier>",
            &format!("<CharacterCodeIdentifier>{cci}</CharacterCodeIdentifier>"),
        );
        let doc = xml::parse(text.as_bytes()).unwrap();
        let bytes = xml::write(&doc.message, enc).unwrap();
        let doc = xml::parse(&bytes).unwrap();
        // The encoding comes from the bytes, whatever the identifier says.
        assert_eq!(doc.encoding, enc);
        assert_eq!(
            result_of(&doc).person.name.as_ref().unwrap().as_str(),
            "見本　花子"
        );
        let findings = xml::validate(&doc);
        let w = findings
            .iter()
            .any(|f| f.path.ends_with("/CharacterCodeIdentifier"));
        assert_eq!(w, warned, "{cci} {enc:?}: {findings:?}");
    }
}

/// The names of the typed leaves of a result whose text a codec checks (dates, date-times,
/// ratios, counts, identifiers).
const TYPED: &[&str] = &[
    "InsurerNumber",
    "InsuredBranchNumber",
    "Birthdate",
    "QualificationDate",
    "InsuredCardValidDate",
    "InsuredPartialContributionRatio",
    "PharmacistsInfoConsTime",
    "LimitApplicationCertificateRelatedConsTime",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever text a typed leaf holds (no markup), the file is read, the text is kept and
    /// written back, and exactly the odd values are warned about.
    #[test]
    fn any_text_in_a_typed_leaf_is_kept(
        which in 0..TYPED.len(),
        value in "[^<>&\\x00-\\x1F\\x{FFFE}\\x{FFFF}]{1,24}",
        sjis in any::<bool>(),
    ) {
        let element = TYPED[which];
        let base = face(&format!("{PERSON}<QualificationDate>20200401</QualificationDate>\
            <InsuredCardValidDate>20200401</InsuredCardValidDate>\
            <InsuredBranchNumber>01</InsuredBranchNumber>\
            <InsuredPartialContributionRatio>010</InsuredPartialContributionRatio>\
            <PharmacistsInfoConsTime>20260929120000</PharmacistsInfoConsTime>\
            <LimitApplicationCertificateRelatedConsTime>20260929120000</LimitApplicationCertificateRelatedConsTime>"));
        let open = format!("<{element}>");
        let at = base.find(&open).unwrap() + open.len();
        let end = at + base[at..].find('<').unwrap();
        let text = format!("{}{}{}", &base[..at], value, &base[end..]);
        let (bytes, value) = if sjis {
            match encoding_rs::SHIFT_JIS.encode(&text.replace("UTF-8", "Shift_JIS")) {
                // What Shift_JIS makes of the value (`¥` is byte 0x5C, read back as `\`).
                (b, _, false) => (
                    b.into_owned(),
                    encoding_rs::SHIFT_JIS
                        .decode(&encoding_rs::SHIFT_JIS.encode(&value).0)
                        .0
                        .into_owned(),
                ),
                _ => return Ok(()),
            }
        } else {
            (text.into_bytes(), value)
        };
        let doc = xml::parse(&bytes).unwrap();
        let q = result_of(&doc);
        prop_assert!(doc.warnings.len() <= 1);
        if let [w] = doc.warnings.as_slice() {
            let tail = format!("/{}", element);
            prop_assert!(w.path.ends_with(&tail));
            prop_assert_eq!(w.value.as_ref().unwrap().expose(), &value);
            prop_assert!(q.extra.iter().any(|e| e.name == element && e.text.as_deref() == Some(value.as_str())));
        }
        let again = xml::write(&doc.message, Encoding::Utf8).unwrap();
        let back = xml::parse(&again).unwrap();
        prop_assert_eq!(&back.message, &doc.message);
        prop_assert_eq!(back.warnings.len(), doc.warnings.len());
    }
}
