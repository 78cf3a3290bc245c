//! The fixture corpus: every family, both encodings, shuffled order, omitted and empty
//! optionals, every code value, ● names, space- and zero-padded insurer numbers, unknown
//! elements and codes.
//!
//! `tests/fixtures/utf8/` is written by hand (and `gen/make_bulk.py` for the bulk results);
//! `tests/fixtures/sjis/` holds the same files encoded in Shift_JIS with the declaration and
//! 文字コード識別 changed. They are committed (the CLI tests read them); run
//! `ONSHI_REGENERATE_FIXTURES=1 cargo test --test xml_fixtures` after editing a UTF-8 one.

use onshi::codes::*;
use onshi::xml::{self, Encoding, Extension, FileName, Message, MessageKind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn files(d: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir(d))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The Shift_JIS form of a UTF-8 fixture, or `None` when it holds a character CP932 lacks.
/// The 2026 face file carries the newer table's `2` for Shift_JIS (OQSCD005 is a hint read
/// either way); the others the `1` real files carry.
fn to_sjis(name: &str, text: &str) -> Option<Vec<u8>> {
    let sjis_code = if name.ends_with("_20260929160112.xml") {
        "<CharacterCodeIdentifier>2</CharacterCodeIdentifier>"
    } else {
        "<CharacterCodeIdentifier>1</CharacterCodeIdentifier>"
    };
    let t = text
        .replacen("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"", 1)
        .replacen("encoding='utf-8'", "encoding='Shift_JIS'", 1)
        .replace(
            "<CharacterCodeIdentifier>0</CharacterCodeIdentifier>",
            sjis_code,
        );
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&t);
    let back = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes).0;
    (!unmappable && back == t).then(|| bytes.into_owned())
}

#[test]
fn sjis_fixtures_are_the_utf8_ones_encoded() {
    let regenerate = std::env::var_os("ONSHI_REGENERATE_FIXTURES").is_some();
    let mut expected = BTreeSet::new();
    for (name, bytes) in files("utf8") {
        if name.ends_with(".pdf") {
            continue;
        }
        let Some(sjis) = to_sjis(&name, std::str::from_utf8(&bytes).unwrap()) else {
            continue;
        };
        let path = dir("sjis").join(&name);
        if regenerate {
            std::fs::create_dir_all(dir("sjis")).unwrap();
            std::fs::write(&path, &sjis).unwrap();
        }
        assert_eq!(
            std::fs::read(&path).unwrap_or_default(),
            sjis,
            "{name}: regenerate with ONSHI_REGENERATE_FIXTURES=1"
        );
        expected.insert(name);
    }
    let present: BTreeSet<_> = files("sjis").into_iter().map(|(n, _)| n).collect();
    assert_eq!(present, expected);
    assert!(expected.len() >= 40, "{}", expected.len());
}

#[test]
fn every_fixture_parses_as_its_file_name_says_and_round_trips() {
    let mut n = 0;
    for (d, encoding) in [("utf8", Encoding::Utf8), ("sjis", Encoding::ShiftJis)] {
        for (name, bytes) in files(d) {
            let file = FileName::parse(&name).unwrap();
            match file.extension {
                Extension::Xml => {}
                Extension::Err => {
                    let (text, enc) = xml::decode_text(&bytes).unwrap();
                    assert_eq!(enc, encoding, "{d}/{name}");
                    assert!(text.starts_with("ERR0001 要求ファイル"), "{text}");
                    continue;
                }
                _ => continue,
            }
            let kind = MessageKind::for_file(&file).unwrap();
            let doc = xml::parse_file(&file, &bytes, &Default::default())
                .unwrap_or_else(|e| panic!("{d}/{name}: {e}"));
            assert_eq!(doc.encoding, encoding, "{d}/{name}");
            assert_eq!(doc.message.kind(), kind, "{d}/{name}");
            // The content alone tells the kind, except a 処理中 照会番号 bulk answer (an
            // empty body reads as a 資格確認 one).
            let alone = xml::parse(&bytes).unwrap().message.kind();
            if name != "OQSmuimm02res_202504010002.xml" {
                assert_eq!(alone, kind, "{d}/{name}");
            }
            if let Some(c) = &doc.message.header().character_code_identifier {
                assert!(c.agrees_with(encoding), "{d}/{name}: {c:?}");
            }
            for enc in [Encoding::Utf8, Encoding::ShiftJis] {
                match xml::write(&doc.message, enc) {
                    Ok(out) => {
                        let back = xml::parse_file(&file, &out, &Default::default()).unwrap();
                        assert_eq!(back.message, doc.message, "{d}/{name} via {enc:?}");
                        assert_eq!(back.encoding, enc);
                        // Deterministic.
                        assert_eq!(xml::write(&back.message, enc).unwrap(), out);
                    }
                    Err(e) => {
                        assert_eq!(enc, Encoding::ShiftJis, "{d}/{name}: {e}");
                        assert!(matches!(e, xml::XmlError::Unrepresentable { .. }), "{e}");
                    }
                }
            }
            n += 1;
        }
    }
    assert!(n >= 80, "{n} fixtures");
}

fn collect(v: &Value, out: &mut BTreeMap<String, BTreeSet<String>>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if let Value::String(s) = v {
                    out.entry(k.clone()).or_default().insert(s.clone());
                }
                collect(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

fn all_values() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for d in ["utf8", "sjis"] {
        for (name, bytes) in files(d) {
            if name.ends_with(".xml") {
                let doc = xml::parse(&bytes).unwrap();
                collect(&serde_json::to_value(&doc.message).unwrap(), &mut out);
            }
        }
    }
    out
}

fn wires<C: Code + 'static>() -> Vec<String> {
    C::known().iter().map(|c| c.wire().to_string()).collect()
}

#[test]
fn the_corpus_holds_every_code_value() {
    let seen = all_values();
    let tables: Vec<(&[&str], Vec<String>)> = vec![
        (
            &["reference_classification"],
            wires::<ReferenceClassification>(),
        ),
        (&["segment_of_result"], wires::<SegmentOfResult>()),
        (
            &["processing_result_status"],
            wires::<ProcessingResultStatus>(),
        ),
        (
            &["character_code_identifier"],
            wires::<CharacterCodeIdentifier>(),
        ),
        (
            &["qualification_validity"],
            wires::<QualificationValidity>(),
        ),
        (&["sex1", "sex2"], wires::<Sex>()),
        (
            &["personal_family_classification"],
            wires::<PersonalFamilyClassification>(),
        ),
        (
            &["insured_card_classification"],
            wires::<InsuredCardClassification>(),
        ),
        (&["limit_consent_flag"], wires::<LimitConsentFlag>()),
        (
            &["classification"],
            wires::<LimitCertificateClassification>(),
        ),
        (&["classification_flag"], wires::<LimitClassificationFlag>()),
        (&["category"], wires::<SpecificDiseaseCategory>()),
        (
            &["flag", "specific_diseases_consent_flag"],
            wires::<ConsentFlag>(),
        ),
        (&["reason_of_loss"], wires::<ReasonOfLoss>()),
        (
            &["preschool_classification"],
            wires::<PreschoolClassification>(),
        ),
        (
            &["prescription_issue_select"],
            wires::<PrescriptionIssueSelect>(),
        ),
        (&["medical_treatment_flag"], wires::<MedicalTreatmentFlag>()),
        (&["file_category"], wires::<FileCategory>()),
    ];
    for (keys, values) in tables {
        let have: BTreeSet<&String> = keys
            .iter()
            .flat_map(|k| seen.get(*k).into_iter().flatten())
            .collect();
        for v in &values {
            assert!(have.contains(v), "{keys:?}: value {v} is in no fixture");
        }
    }
}

#[test]
fn unknown_codes_and_elements_are_kept() {
    let bytes = std::fs::read(dir("utf8").join("OQSsiquc01res_202504010005.xml")).unwrap();
    let Message::QualificationResponse(r) = xml::parse(&bytes).unwrap().message else {
        panic!()
    };
    assert_eq!(
        r.body.qualification_validity,
        Some(QualificationValidity::Unknown("7".into()))
    );
    let q = &r.body.results[0];
    assert_eq!(
        q.insured_card_classification,
        Some(InsuredCardClassification::Unknown("08".into()))
    );
    assert_eq!(q.person.sex1, Some(Sex::Unknown("9".into())));

    let bytes = std::fs::read(dir("utf8").join("OQSsiquc01res_202504010002.xml")).unwrap();
    let Message::QualificationResponse(r) = xml::parse(&bytes).unwrap().message else {
        panic!()
    };
    let q = &r.body.results[0];
    assert_eq!(q.extra.len(), 1);
    assert_eq!(q.extra[0].name, "FutureElement");
    assert_eq!(q.extra[0].attributes, vec![("attr".into(), "x".into())]);
    assert_eq!(q.extra[0].children[0].text.as_deref(), Some("値"));
    assert_eq!(r.body.extra[0].name, "FutureBodyElement");
    assert_eq!(q.specific_diseases.len(), 2);
    assert_eq!(
        q.limit_certificate.as_ref().unwrap().classification_flag,
        Some(LimitClassificationFlag::B05)
    );
    assert_eq!(q.insured_partial_contribution_ratio.unwrap().wari(), 1);
    assert_eq!(
        q.person.name.as_deref().map(String::as_str),
        Some("髙橋　德子")
    );
    // The success-with-information code is kept.
    assert_eq!(r.body.outcome.code.as_deref(), Some("EQCB0001I"));
}

#[test]
fn padded_insurer_numbers_and_empty_optionals() {
    let read = |n: &str| {
        let b = std::fs::read(dir("utf8").join(n)).unwrap();
        match xml::parse(&b).unwrap().message {
            Message::QualificationRequest(r) => r,
            m => panic!("{:?}", m.kind()),
        }
    };
    let r = read("OQSsiquc01req_202504010002.xml");
    let q = &r.queries[0];
    assert_eq!(
        q.card.insured_card_symbol, None,
        "empty element reads as absent"
    );
    assert_eq!(
        q.card.insured_branch_number, None,
        "self-closed element reads as absent"
    );
    assert_eq!(
        q.card
            .insured_identification_number
            .as_ref()
            .unwrap()
            .as_str(),
        "12345678"
    );
    assert_eq!(q.extra[0].name, "VendorMemo");
    let r = read("OQSsiquc01req_202504010003.xml");
    let q = &r.queries[0];
    assert_eq!(q.card.insurer_number.as_ref().unwrap().as_str(), "138057");
    assert_eq!(
        q.card.insurer_number.as_ref().unwrap().to_wire(),
        "  138057"
    );
    assert_eq!(
        q.card.insured_card_symbol.as_ref().unwrap().as_str(),
        "12-34"
    );
    assert_eq!(
        q.card.insured_branch_number.as_ref().unwrap().as_str(),
        "02"
    );
}

#[test]
fn other_families() {
    let read = |n: &str| xml::parse(&std::fs::read(dir("utf8").join(n)).unwrap()).unwrap();
    let Message::ReferenceNumberResponse(r) = read("OQSmuimm02res_202504010001.xml").message else {
        panic!()
    };
    assert_eq!(r.registrations.len(), 2);
    assert_eq!(
        r.registrations[1].outcome.status,
        Some(ProcessingResultStatus::Error)
    );
    let Message::BulkUploadResponse(u) = read("OQSmuquc01res_202504010001.xml").message else {
        panic!()
    };
    assert_eq!(u.receipt.reception_number.as_deref(), Some("Q202504010001"));
    assert!(u.receipt.reception_date_time.is_some());
    let Message::BulkDownloadRequest(d) = read("OQSmutic02req_202504010001.xml").message else {
        panic!()
    };
    assert_eq!(d.reception_number, "MUTIC202504010001");
    let Message::BulkQualificationResponse(b) = read("OQSmuquc02res_202504010002.xml").message
    else {
        panic!()
    };
    assert_eq!(
        b.header.segment_of_result,
        Some(SegmentOfResult::Processing)
    );
    assert!(b.units.is_empty());
    let Message::QualificationRequest(q) = read("OQSmuonq01req_202504010001.xml").message else {
        panic!()
    };
    assert_eq!(
        q.queries[0].medical_treatment_flag,
        Some(MedicalTreatmentFlag::Online)
    );
    let Message::DocumentRequest(y) = read("YZKsiquc01req_012504011200123.xml").message else {
        panic!()
    };
    assert_eq!(y.card.insurer_number.as_ref().unwrap().as_str(), "138057");
    assert_eq!(y.query.start_month.as_deref(), Some("202410"));
    assert_eq!(y.query.file_category, Some(FileCategory::Xml));
    let Message::DocumentResponse(y) = read("YZKsiquc01res_012504011200123.xml").message else {
        panic!()
    };
    assert_eq!(y.outcome.result_code.as_deref(), Some("1"));
    assert_eq!(y.header.extra[0].name, "QuaInf");
    assert_eq!(y.body[0].name, "MeTrMonthInf");
    let Message::DocumentResponse(y) = read("YZKsiquc01res_042504011200123.xml").message else {
        panic!()
    };
    assert_eq!(y.outcome.result_code.as_deref(), Some("2"));
    assert!(y.outcome.message_contents.unwrap().contains("有効期限"));
}

#[test]
fn bulk_units_match_the_whole_parse() {
    for d in ["utf8", "sjis"] {
        let bytes = std::fs::read(dir(d).join("OQSmuquc02res_202504010001.xml")).unwrap();
        let Message::BulkQualificationResponse(whole) = xml::parse(&bytes).unwrap().message else {
            panic!()
        };
        assert_eq!(whole.units.len(), 48);
        let units = xml::bulk_units(&bytes, &Default::default()).unwrap();
        assert_eq!(units.header(), &whole.header);
        let streamed: Vec<_> = units.collect::<Result<_, _>>().unwrap();
        assert_eq!(streamed, whole.units);
    }
}

#[test]
fn medical_assistance_face_result() {
    let bytes = std::fs::read(
        dir("sjis").join("OQSsiquc01res_face_1312345679400000000000000000001_20250401103000.xml"),
    )
    .unwrap();
    let doc = xml::parse(&bytes).unwrap();
    assert_eq!(doc.encoding, Encoding::ShiftJis);
    let Message::QualificationResponse(r) = doc.message else {
        panic!()
    };
    let q = &r.body.results[0];
    assert!(q.is_public_assistance());
    let t = &q.medical_tickets[0];
    // InjuryName2 is missing: its place is kept as an empty entry.
    let names: Vec<&str> = t.injury_names.iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["高血圧症", "", "腰痛症"]);
    assert_eq!(t.status_of_infection, Some(InfectionStatus::No));
    assert_eq!(
        t.designated_medical_institution_flag,
        Some(DesignatedInstitutionFlag::Differs)
    );
    assert_eq!(
        t.medical_treatment_type,
        Some(MedicalTreatmentType::Outpatient)
    );
    assert_eq!(t.self_pay_amount, Some(0));
    assert_eq!(
        r.body.qualification_validity,
        Some(QualificationValidity::ValidUnregistered)
    );
    // validate names the 医療扶助 findings: 指定医療機関 不一致, 社会保険 不整合.
    let findings = xml::validate(&xml::parse(&bytes).unwrap());
    let ticket = "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/PublicExpenseResultList/MedicalTicketInfo[1]";
    for (field, words) in [
        ("DesignatedMedicalInstitutionFlag", "不一致"),
        ("ConsistencyFlag", "不整合あり"),
    ] {
        assert!(
            findings
                .iter()
                .any(|f| f.path == format!("{ticket}/{field}") && f.message.contains(words)),
            "{field}: {findings:?}"
        );
    }
}

#[test]
fn valid_fixtures_have_no_validation_errors() {
    for d in ["utf8", "sjis"] {
        for (name, bytes) in files(d) {
            if !name.ends_with(".xml") {
                continue;
            }
            let doc = xml::parse(&bytes).unwrap();
            let errors: Vec<_> = xml::validate(&doc)
                .into_iter()
                .filter(|f| f.severity == xml::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{d}/{name}: {errors:?}");
        }
    }
}
