//! Inputs found by the fuzz targets (`fuzz/`), kept so plain `cargo test` guards them.

use onshi::xml::{self, FileName};

/// fuzz target `filename`: a multi-byte character across the phase digits made the
/// prefix check slice inside a character (panic).
#[test]
fn filename_with_multibyte_phase() {
    let name = "OQSmuquc0\u{3c7}es_202504010201.xml";
    assert!(FileName::parse(name).is_err());
    for n in [
        "OQSsiquc01r\u{e9}s_1.xml",
        "OQS\u{3042}iquc01req_1.xml",
        "\u{3042}\u{3042}\u{3042}\u{3042}\u{3042}.xml",
    ] {
        assert!(FileName::parse(n).is_err(), "{n}");
    }
}

/// Every prefix of every malformed and valid name: no panic.
#[test]
fn filename_prefixes_never_panic() {
    let names = [
        "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml",
        "YZKsiquc01res_012504011200999.pdf",
        "OQSmuquc02req_202609290001.err",
    ];
    for n in names {
        for (i, _) in n.char_indices() {
            let _ = FileName::parse(&n[..i]);
            let mixed = format!("{}\u{3c7}{}", &n[..i], &n[i..]);
            let _ = FileName::parse(&mixed);
        }
    }
    let _ = xml::MessageKind::QualificationRequest.label();
}

/// fuzz target `filename`: a 個別照会 request whose suffix starts with `face_` paired with
/// an answer name that reads as a (malformed) face file; such requests are now refused.
#[test]
fn request_suffix_may_not_pose_as_a_face_file() {
    let req = "OQSsiquc01req_face_26A4240877d7_202609291670112.xml";
    assert!(FileName::parse(req).is_err());
    // Other families may use any suffix; their answers pair normally.
    let n = FileName::parse("OQSmuquc01req_face_1.xml").unwrap();
    let res = n.response_name();
    assert_eq!(FileName::parse(&res.to_string()).unwrap(), res);
}

/// fuzz target `xml_parse`: a message whose Shift_JIS bytes all happen to be valid UTF-8
/// (`縲` + U+0080 encodes to E3 80 80) was written in a form onshi itself then refused as
/// "declared Shift_JIS but the bytes are UTF-8". The writer now adds a comment whose
/// Shift_JIS bytes are not UTF-8; the message reads back unchanged.
#[test]
fn shift_jis_output_that_looks_like_utf8_reads_back() {
    let doc = xml::parse(
        "<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode>\
         <ArbitraryFileIdentifier>縲\u{80}</ArbitraryFileIdentifier></MessageHeader><MessageBody>\
         <QualificationConfirmSearchInfo/></MessageBody></XmlMsg>"
            .as_bytes(),
    )
    .unwrap();
    let bytes = xml::write(&doc.message, xml::Encoding::ShiftJis).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());
    let back = xml::parse(&bytes).unwrap();
    assert_eq!(back.encoding, xml::Encoding::ShiftJis);
    assert_eq!(back.message, doc.message);
    // Without the need, no comment.
    let plain = xml::write(&back.message, xml::Encoding::Utf8).unwrap();
    assert!(!String::from_utf8(plain).unwrap().contains("<!--"));
}

/// fuzz target `xml_parse`: control characters inside the XML declaration hid its encoding
/// and the file was decoded by guessing. A declaration that is not well formed is refused.
#[test]
fn malformed_declaration_is_refused() {
    let bytes = b"<?xml version=\"1.0\" encoding=\x18UTF-8\" st\x08\0\0?>\n<XmlMsg/>";
    let e = xml::parse(bytes).unwrap_err();
    assert!(matches!(e, xml::XmlError::Syntax { .. }), "{e}");
    assert!(e.to_string().contains("malformed XML declaration"));
    for bad in [
        &b"<?xml version=\"1.0\" encoding=\"UTF-8\" encoding=\"UTF-8\"?><XmlMsg/>"[..],
        b"<?xml encoding=\"UTF-8\"?><XmlMsg/>",
        b"<?xml version=\"1.0\" foo=\"bar\"?><XmlMsg/>",
        b"<?xml version=1.0?><XmlMsg/>",
        b"<?xml version=\"1.0\"",
    ] {
        assert!(xml::parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
    }
    for good in [
        &b"<?xml version='1.0' encoding='UTF-8' standalone='no'?><XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader></XmlMsg>"[..],
        b"<?xml version=\"1.0\"?><XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader></XmlMsg>",
        b"<?xml  version = \"1.0\"\n encoding=\"shift_jis\" ?><XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader></XmlMsg>",
    ] {
        assert!(xml::parse(good).is_ok(), "{}", String::from_utf8_lossy(good));
    }
}

/// The fuzz oracle of `fuzz/fuzz_targets/xml_parse.rs`, replayed on every saved crash input
/// under `tests/fixtures/fuzz/`.
#[test]
fn saved_fuzz_inputs_pass_the_round_trip_oracle() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        n += 1;
        let Ok(doc) = xml::parse(&data) else {
            continue;
        };
        for enc in [xml::Encoding::Utf8, xml::Encoding::ShiftJis] {
            match xml::write(&doc.message, enc) {
                Ok(bytes) => assert_eq!(xml::parse(&bytes).unwrap().message, doc.message),
                Err(e) => assert!(matches!(e, xml::XmlError::Unrepresentable { .. })),
            }
        }
    }
    assert!(n >= 1);
}
