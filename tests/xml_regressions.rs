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
