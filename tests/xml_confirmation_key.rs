//! `QualificationConfirmationKey` (2026 face results for a patient without a registered 照会番号):
//! typed, kept through every form, personal in `Debug`, not an identity key for the diff.

use onshi::model::{Field, Qualification};
use onshi::xml::{self, Encoding};

const FACE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<XmlMsg><MessageHeader><ProcessExecutionTime>20261207093000</ProcessExecutionTime>
<QualificationConfirmationDate>20261207</QualificationConfirmationDate>
<MedicalInstitutionCode>1310000009</MedicalInstitutionCode>
<ArbitraryFileIdentifier>abc</ArbitraryFileIdentifier><ReferenceClassification>1</ReferenceClassification>
<SegmentOfResult>1</SegmentOfResult><CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader>
<MessageBody><ResultList><ResultOfQualificationConfirmation>
<InsurerNumber>  138057</InsurerNumber><InsuredIdentificationNumber>100</InsuredIdentificationNumber>
<Name>見本　花子</Name><Birthdate>19850615</Birthdate>
<QualificationConfirmationKey>K7f3a9c</QualificationConfirmationKey>
</ResultOfQualificationConfirmation></ResultList>
<ProcessingResultStatus>1</ProcessingResultStatus><QualificationValidity>1</QualificationValidity>
</MessageBody></XmlMsg>"#;

#[test]
fn the_key_is_a_typed_field_kept_through_xml_json_and_the_c_table() {
    let doc = xml::parse(FACE.as_bytes()).unwrap();
    let res = doc.message.clone().into_qualification_response().unwrap();
    let q = &res.body.results[0];
    assert_eq!(
        q.qualification_confirmation_key
            .as_ref()
            .map(|k| k.as_str()),
        Some("K7f3a9c")
    );
    assert!(q.extra.is_empty(), "no longer an unmodelled element");
    assert!(!format!("{q:?}").contains("K7f3a9c"), "redacted in Debug");
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        let bytes = xml::write(&doc.message, enc).unwrap();
        assert_eq!(xml::parse(&bytes).unwrap().message, doc.message);
    }
    assert_eq!(Qualification::from_json(&q.to_json()).unwrap(), *q);
    let f = Field::QualificationConfirmationKey;
    assert_eq!(f.id(), "qualification_confirmation_key");
    assert_eq!(
        f.number(),
        onshi::ffi::field::ONSHI_FIELD_QUALIFICATION_CONFIRMATION_KEY
    );
    assert_eq!(f.xml_name(), Some("QualificationConfirmationKey"));
    assert!(f.is_personal());
    // It describes one confirmation, not the coverage: a different key is no difference.
    assert!(!f.is_compared());
    let mut other = q.clone();
    other.qualification_confirmation_key = Some("K0000000".into());
    let ctx = onshi::diff::DiffContext::new(
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
        onshi::diff::QueryKind::MyNumberCard,
    );
    let d = onshi::diff::compare_records(q, &other, &ctx);
    assert_eq!(d.verdict, onshi::diff::Verdict::Identical);
}
