//! Malformed and hostile inputs: each is refused with the right error kind and location
//! (line, column, element path), never a panic, and never a personal value in the message —
//! except odd values of single leaves (code 209 below), which no longer fail the file: they
//! are kept as they came, with a warning at the same location.
//!
//! The files are written by `tests/fixtures/gen/make_malformed.py`.

use onshi::xml::{self, Limits, WarningKind, XmlError};
use std::path::Path;

/// (file, error code, line, column, element path); code 209 (a leaf's value) is a warning at
/// that location, no longer an error.
const CASES: &[(&str, u32, usize, usize, &str)] = &[
    ("01-doctype.xml", 203, 2, 1, ""),
    (
        "02-custom-entity.xml",
        203,
        9,
        26,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsuredCardSymbol",
    ),
    ("03-processing-instruction.xml", 203, 3, 3, "/XmlMsg"),
    ("04-declaration-not-first.xml", 203, 2, 1, ""),
    ("05-unclosed-root.xml", 200, 7, 1, "/XmlMsg"),
    (
        "06-mismatched-end-tag.xml",
        200,
        9,
        29,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsuredCardSymbol",
    ),
    ("07-wrong-root.xml", 206, 2, 1, "/Message"),
    ("08-empty-file.xml", 200, 1, 1, ""),
    ("09-declaration-only.xml", 200, 2, 1, ""),
    ("10-text-before-root.xml", 200, 2, 1, ""),
    ("11-two-roots.xml", 200, 3, 1, "/XmlMsg"),
    ("12-text-in-container.xml", 207, 4, 5, "/XmlMsg/MessageBody"),
    (
        "13-element-in-leaf.xml",
        208,
        9,
        28,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsurerNumber/b",
    ),
    (
        "14-bad-birthdate.xml",
        209,
        9,
        7,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/Birthdate",
    ),
    (
        "15-bad-execution-time.xml",
        209,
        4,
        5,
        "/XmlMsg/MessageHeader/ProcessExecutionTime",
    ),
    (
        "16-bad-date-in-second-result.xml",
        209,
        12,
        9,
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[2]/Birthdate",
    ),
    (
        "17-insurer-number-length.xml",
        209,
        9,
        7,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsurerNumber",
    ),
    (
        "18-branch-number-length.xml",
        209,
        9,
        7,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsuredBranchNumber",
    ),
    (
        "19-institution-code-length.xml",
        209,
        4,
        5,
        "/XmlMsg/MessageHeader/MedicalInstitutionCode",
    ),
    (
        "20-ratio-over-100.xml",
        209,
        9,
        9,
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredPartialContributionRatio",
    ),
    (
        "21-negative-count.xml",
        209,
        4,
        5,
        "/XmlMsg/MessageHeader/NumberOfProcessingResult",
    ),
    (
        "22-too-deep.xml",
        205,
        3,
        94,
        "/XmlMsg/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a",
    ),
    (
        "23-control-character.xml",
        200,
        9,
        28,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsuredCardSymbol",
    ),
    (
        "24-null-character-reference.xml",
        200,
        9,
        28,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsuredCardSymbol",
    ),
    ("25-bom-with-shift-jis-declaration.xml", 201, 1, 1, ""),
    ("26-shift-jis-declared-utf8-bytes.xml", 201, 3, 9, ""),
    ("27-utf8-declared-shift-jis-bytes.xml", 201, 3, 9, ""),
    // Shift_JIS is decoded token by token, so a bad byte is reported inside its element.
    ("28-invalid-shift-jis.xml", 201, 3, 9, "/XmlMsg/Name"),
    ("29-unsupported-encoding.xml", 202, 1, 31, ""),
    ("30-utf16.xml", 202, 1, 1, ""),
    ("31-no-message-shape.xml", 210, 2, 1, "/XmlMsg"),
    ("32-invalid-element-name.xml", 200, 3, 3, "/XmlMsg/1abc"),
    ("33-duplicate-attribute.xml", 200, 3, 3, "/XmlMsg/Vendor"),
    ("34-lt-in-attribute.xml", 200, 3, 3, "/XmlMsg/Vendor"),
    ("35-unquoted-attribute.xml", 200, 3, 3, "/XmlMsg/Vendor"),
    (
        "36-bad-reception-date-time.xml",
        209,
        5,
        5,
        "/XmlMsg/MessageBody/ReceptionDateTime",
    ),
    ("37-neither-utf8-nor-shift-jis.xml", 201, 2, 9, ""),
    ("38-end-tag-after-root.xml", 200, 4, 1, ""),
    (
        "39-bad-consent-time.xml",
        209,
        9,
        9,
        "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/PharmacistsInfoConsTime",
    ),
    ("40-text-after-root.xml", 200, 4, 1, ""),
    ("41-unclosed-comment.xml", 200, 3, 3, "/XmlMsg"),
    ("42-unclosed-cdata.xml", 200, 3, 11, "/XmlMsg/Vendor"),
    (
        "43-custom-entity-in-attribute.xml",
        203,
        3,
        3,
        "/XmlMsg/Vendor",
    ),
    (
        "44-bad-date-in-bulk-unit.xml",
        209,
        12,
        9,
        "/XmlMsg/MessageBody/BulkConfirmUnit[3]/ResultOfQualificationConfirmation[1]/QualificationDate",
    ),
    (
        "45-symbol-too-long.xml",
        209,
        9,
        7,
        "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsuredCardSymbol",
    ),
];

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/malformed")
            .join(name),
    )
    .unwrap()
}

#[test]
fn every_malformed_file_is_refused_with_its_location() {
    assert!(CASES.len() >= 30);
    let on_disk =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/malformed"))
            .unwrap()
            .count();
    assert_eq!(on_disk, CASES.len(), "every file has a row");
    for &(name, code, line, column, path) in CASES {
        if code == ODD_VALUE {
            continue;
        }
        let e = xml::parse(&read(name)).expect_err(name);
        assert_eq!(e.code(), code, "{name}: {e}");
        let l = e
            .location()
            .unwrap_or_else(|| panic!("{name}: no location"));
        assert_eq!((l.line, l.column), (line, column), "{name}: {e}");
        assert_eq!(l.path, path, "{name}");
        // The display form starts with the location.
        assert!(
            e.to_string()
                .starts_with(&format!("line {line}, column {column}")),
            "{name}: {e}"
        );
    }
}

/// The code odd leaf values had as errors.
const ODD_VALUE: u32 = 209;

#[test]
fn an_odd_leaf_value_is_kept_with_a_warning_at_its_location() {
    let odd: Vec<_> = CASES.iter().filter(|c| c.1 == ODD_VALUE).collect();
    assert!(odd.len() >= 10);
    for &&(name, _, line, column, path) in &odd {
        let bytes = read(name);
        let doc = xml::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let [w] = doc.warnings.as_slice() else {
            panic!("{name}: {:?}", doc.warnings)
        };
        assert_eq!(w.kind, WarningKind::InvalidValue, "{name}");
        assert_eq!((w.line, w.column), (line, column), "{name}");
        assert_eq!(w.path, path, "{name}");
        let element = path.rsplit('/').next().unwrap();
        let raw = w.value.as_ref().unwrap().expose().clone();
        assert!(!w.expected.is_empty());
        // The value is kept: written back, the element and its text are there again, and
        // reading that gives the same warning (paths, as the element is written last in its
        // record, may change their sibling index only).
        let again = xml::write(&doc.message, doc.encoding).unwrap();
        let text = String::from_utf8_lossy(&again);
        assert!(
            text.contains(&format!("<{element}>{raw}</{element}>")),
            "{name}: {text}"
        );
        let back = xml::parse(&again).unwrap();
        assert_eq!(back.message, doc.message, "{name}");
        assert_eq!(back.warnings.len(), 1, "{name}");
        assert_eq!(back.warnings[0].value, w.value, "{name}");
        // Debug and the log line never show the value.
        assert!(!format!("{w:?}").contains(&raw), "{name}");
        assert!(!w.to_string().contains(&raw), "{name}");
        // validate reports it, redacted.
        let findings = xml::validate(&doc);
        assert!(
            findings
                .iter()
                .any(|f| f.path == path && f.message.contains(&w.expected)),
            "{name}: {findings:?}"
        );
        assert!(findings.iter().all(|f| !f.message.contains(&raw)), "{name}");
    }
}

#[test]
fn size_limit_is_checked_before_anything_else() {
    let bytes = read("../utf8/OQSsiquc01res_202504010001.xml");
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let e = xml::parse_with(&bytes, &limits).unwrap_err();
    assert!(matches!(e, XmlError::TooLarge { max: 100, .. }), "{e}");
    assert_eq!(e.code(), 204);
    assert!(xml::bulk_units(&bytes, &limits).is_err());
}

#[test]
fn depth_limit_is_configurable_and_capped() {
    let deep = format!("<XmlMsg>{}{}</XmlMsg>", "<a>".repeat(20), "</a>".repeat(20));
    let shallow = Limits {
        max_depth: 10,
        ..Limits::default()
    };
    assert!(matches!(
        xml::parse_with(deep.as_bytes(), &shallow),
        Err(XmlError::TooDeep { max: 10, .. })
    ));
    // Within the default depth the document reads (as an unknown-shaped message).
    assert!(matches!(
        xml::parse(deep.as_bytes()),
        Err(XmlError::UnknownMessage { .. })
    ));
    // A huge configured depth is capped: no stack overflow on a very deep file.
    let very = format!("<XmlMsg>{}", "<a>".repeat(100_000));
    let huge = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    assert!(matches!(
        xml::parse_with(very.as_bytes(), &huge),
        Err(XmlError::TooDeep {
            max: xml::HARD_MAX_DEPTH,
            ..
        })
    ));
}

#[test]
fn bulk_units_keep_an_odd_value_with_its_warning() {
    let bytes = read("44-bad-date-in-bulk-unit.xml");
    let mut units = xml::bulk_units(&bytes, &Limits::default()).unwrap();
    let all: Vec<_> = units.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(all.len(), 3);
    let [w] = units.warnings() else {
        panic!("{:?}", units.warnings())
    };
    assert_eq!((w.line, w.column), (12, 9));
    assert_eq!(
        w.path,
        "/XmlMsg/MessageBody/BulkConfirmUnit[3]/ResultOfQualificationConfirmation[1]/QualificationDate"
    );
    // The same as the whole-document read.
    assert_eq!(xml::parse(&bytes).unwrap().warnings, units.warnings());
    let q = &all[2].results[0];
    assert!(q.qualification_date.is_none());
    assert!(q.extra.iter().any(|e| e.name == "QualificationDate"));
}

#[test]
fn truncations_of_a_valid_file_never_panic() {
    let bytes =
        read("../utf8/OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml");
    for n in 0..bytes.len() {
        let r = xml::parse(&bytes[..n]);
        if let Err(e) = r {
            assert!(e.location().is_some(), "{n}: {e}");
        }
        let _ = xml::bulk_units(&bytes[..n], &Limits::default()).map(|u| u.count());
    }
}
