//! `xml::validate`: what strict checking reports, with severities and element paths.

use onshi::xml::{self, Finding, Severity};

fn findings(x: &str) -> Vec<Finding> {
    xml::validate(&xml::parse(x.as_bytes()).unwrap())
}

fn has(f: &[Finding], sev: Severity, path: &str, text: &str) -> bool {
    f.iter()
        .any(|f| f.severity == sev && f.path == path && f.message.contains(text))
}

const HEADER: &str = "<MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>\
    <MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader>";

#[test]
fn request_check_digits_and_required_fields_are_errors() {
    let f = findings(&format!(
        "<XmlMsg>{HEADER}<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>138058</InsurerNumber>\
         </QualificationConfirmSearchInfo></MessageBody></XmlMsg>"
    ));
    let q = "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]";
    assert!(
        has(
            &f,
            Severity::Error,
            &format!("{q}/InsurerNumber"),
            "expected 7"
        ),
        "{f:?}"
    );
    assert!(has(
        &f,
        Severity::Error,
        &format!("{q}/InsuredIdentificationNumber"),
        "required"
    ));
    assert!(has(
        &f,
        Severity::Error,
        &format!("{q}/Birthdate"),
        "required"
    ));
    assert!(has(
        &f,
        Severity::Error,
        &format!("{q}/LimitApplicationCertificateRelatedConsFlg"),
        "required"
    ));
    assert!(has(
        &f,
        Severity::Warning,
        &format!("{q}/InsuredBranchNumber"),
        "枝番"
    ));
}

#[test]
fn header_needs_an_institution_code_and_a_short_file_identifier() {
    let f = findings(&format!(
        "<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>\
         <ArbitraryFileIdentifier>{}</ArbitraryFileIdentifier></MessageHeader><MessageBody>\
         <QualificationConfirmSearchInfo/></MessageBody></XmlMsg>",
        "x".repeat(51)
    ));
    assert!(has(
        &f,
        Severity::Error,
        "/XmlMsg/MessageHeader/MedicalInstitutionCode",
        "required"
    ));
    assert!(has(
        &f,
        Severity::Error,
        "/XmlMsg/MessageHeader/ArbitraryFileIdentifier",
        "51 characters"
    ));
    // A prefecture that does not exist is an error in strict checking.
    let f = findings(
        "<XmlMsg><MessageHeader><MedicalInstitutionCode>9912345678</MedicalInstitutionCode>\
         </MessageHeader><MessageBody><ReceptionNumber>R1</ReceptionNumber></MessageBody></XmlMsg>",
    );
    assert!(has(
        &f,
        Severity::Error,
        "/XmlMsg/MessageHeader/MedicalInstitutionCode",
        "prefecture"
    ));
}

#[test]
fn answers_get_warnings_not_errors_for_check_digits() {
    let f = findings(
        "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><MedicalInstitutionCode>1312345679\
         </MedicalInstitutionCode><CharacterCodeIdentifier>2</CharacterCodeIdentifier></MessageHeader>\
         <MessageBody><QualificationValidity>1</QualificationValidity><ResultList>\
         <ResultOfQualificationConfirmation><InsurerNumber>138058</InsurerNumber><Name>見本　●子</Name>\
         <Sex1>2</Sex1><Birthdate>19800101</Birthdate><InsurerName>見本</InsurerName>\
         <InsuredCardValidDate>20250401</InsuredCardValidDate><InsuredCardExpirationDate>20240331</InsuredCardExpirationDate>\
         <ReferenceNumber>{}</ReferenceNumber><SpecificHealthCheckupsInfoConsTime>20250402000000</SpecificHealthCheckupsInfoConsTime>\
         <SpecificHealthCheckupsInfoAvailableTime>20250401000000</SpecificHealthCheckupsInfoAvailableTime>\
         </ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>"
            .replace("{}", &"r".repeat(51))
            .as_str(),
    );
    let r = "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]";
    assert!(
        has(
            &f,
            Severity::Warning,
            &format!("{r}/InsurerNumber"),
            "may be ignored"
        ),
        "{f:?}"
    );
    assert!(has(&f, Severity::Warning, &format!("{r}/Name"), "●"));
    assert!(has(
        &f,
        Severity::Warning,
        &format!("{r}/InsuredCardExpirationDate"),
        "before"
    ));
    assert!(has(
        &f,
        Severity::Warning,
        &format!("{r}/SpecificHealthCheckupsInfoAvailableTime"),
        "before"
    ));
    assert!(has(
        &f,
        Severity::Error,
        &format!("{r}/ReferenceNumber"),
        "at most 50"
    ));
    // The file is UTF-8 but says Shift_JIS (2: the newer table's value; 1 is read either way,
    // so it contradicts neither encoding).
    assert!(has(
        &f,
        Severity::Warning,
        "/XmlMsg/MessageHeader/CharacterCodeIdentifier",
        "UTF-8"
    ));
}

#[test]
fn bulk_counts_and_statuses() {
    let f = findings(
        "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><MedicalInstitutionCode>1312345679\
         </MedicalInstitutionCode><NumberOfProcessingResult>3</NumberOfProcessingResult>\
         <NumberOfNormalProcessing>1</NumberOfNormalProcessing><NumberOfError>1</NumberOfError></MessageHeader>\
         <MessageBody><BulkConfirmUnit><ProcessingResultStatus>2</ProcessingResultStatus></BulkConfirmUnit>\
         <BulkConfirmUnit><QualificationValidity>1</QualificationValidity></BulkConfirmUnit></MessageBody></XmlMsg>",
    );
    assert!(
        has(
            &f,
            Severity::Warning,
            "/XmlMsg/MessageHeader/NumberOfProcessingResult",
            "2 units"
        ),
        "{f:?}"
    );
    assert!(has(
        &f,
        Severity::Warning,
        "/XmlMsg/MessageHeader/NumberOfProcessingResult",
        "1 normal + 1 errors"
    ));
    assert!(has(
        &f,
        Severity::Warning,
        "/XmlMsg/MessageBody/BulkConfirmUnit[1]/ProcessingResultCode",
        "no ProcessingResultCode"
    ));
    assert!(has(
        &f,
        Severity::Warning,
        "/XmlMsg/MessageBody/BulkConfirmUnit[2]/QualificationValidity",
        "no result"
    ));
    assert!(f.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn other_families() {
    let f = findings(
        "<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader>\
         <MessageBody><ReferenceNumberRegistrationInfo><InsurerNumber>39131156</InsurerNumber>\
         <InsuredIdentificationNumber>1</InsuredIdentificationNumber></ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>",
    );
    let p = "/XmlMsg/MessageBody/ReferenceNumberRegistrationInfo[1]";
    assert!(
        has(
            &f,
            Severity::Error,
            &format!("{p}/ReferenceNumber"),
            "required"
        ),
        "{f:?}"
    );
    // 後期高齢 (39): no 枝番 needed.
    assert!(!f.iter().any(|f| f.path.ends_with("InsuredBranchNumber")));

    let f = findings(
        "<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode>\
         <InsurerNumber>138057</InsurerNumber></MessageHeader><MessageBody><StartDate>202513</StartDate>\
         <EndDate>202401</EndDate></MessageBody></XmlMsg>",
    );
    assert!(
        has(
            &f,
            Severity::Error,
            "/XmlMsg/MessageBody/StartDate",
            "yyyyMM"
        ),
        "{f:?}"
    );
    assert!(has(
        &f,
        Severity::Error,
        "/XmlMsg/MessageHeader/InsuredPersonIdentificationNumber",
        "required"
    ));
    assert!(has(
        &f,
        Severity::Error,
        "/XmlMsg/MessageBody/FileCategory",
        "required"
    ));

    let f = findings(
        "<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader>\
         <MessageBody><QualificationConfirmSearchInfo><MedicalTreatmentMonth>2025-4</MedicalTreatmentMonth>\
         <ConsentDateFrom>20250301</ConsentDateFrom><ConsentDateTo>20250201</ConsentDateTo>\
         </QualificationConfirmSearchInfo></MessageBody></XmlMsg>",
    );
    let q = "/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]";
    assert!(
        has(
            &f,
            Severity::Error,
            &format!("{q}/MedicalTreatmentMonth"),
            "yyyyMM"
        ),
        "{f:?}"
    );
    assert!(has(
        &f,
        Severity::Error,
        &format!("{q}/ConsentDateTo"),
        "before"
    ));
    // No 資格確認日 needed for a query by month.
    assert!(
        !f.iter()
            .any(|f| f.path.ends_with("QualificationConfirmationDate"))
    );
}
