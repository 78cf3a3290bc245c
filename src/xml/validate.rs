//! [`validate`]: strict checks on a parsed [`Document`], beyond what reading requires.
//!
//! Reading is lenient so that nothing the terminal sends is refused; validation says what is
//! wrong or suspicious, each finding with a severity and the element path:
//!
//! * **errors** — what the terminal would reject, or what makes a request unusable: a
//!   missing required field (医療機関コード, 保険者番号, 番号, 生年月日 …), a wrong check digit
//!   (検証番号) in a request, a length over the interface limit (照会番号 and 任意の
//!   ファイル識別子 ≤ 50), a malformed month, a range whose start is after its end in a request;
//! * **warnings** — what deserves a look: what reading tolerated ([`super::Document::warnings`]:
//!   a value kept as text because it is not what its field holds, a list in its flat form), a
//!   code value this library does not know, a check
//!   digit that fails in a terminal answer (the FAQ case: ignore for My Number card-only
//!   records), dates out of order, `●` in a name (a character the insurer's system could not
//!   carry), counts that do not add up.

use super::messages::*;
use super::{Document, Encoding};
use crate::codes::*;
use crate::ids::{IdError, InsurerNumber};
use crate::model::{
    ConfirmationResult, MedicalTicket, MessageHeader, Qualification, QualificationQuery,
    ReferenceNumberRegistration,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; the file is usable.
    Warning,
    /// The file is wrong (a request would be rejected or is unusable).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One result of [`validate`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finding {
    /// Warning or error.
    pub severity: Severity,
    /// Element path (`/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/InsurerNumber`).
    pub path: String,
    /// What is wrong (no personal values).
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity, self.path, self.message)
    }
}

struct Checks {
    out: Vec<Finding>,
    encoding: Encoding,
    /// The day the answer or request is about (for birthdates in the future).
    today: Option<NaiveDate>,
}

impl Checks {
    fn push(&mut self, severity: Severity, path: &str, message: impl Into<String>) {
        self.out.push(Finding {
            severity,
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.push(Severity::Error, path, message);
    }

    fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.push(Severity::Warning, path, message);
    }

    fn code<C: Code>(&mut self, path: &str, field: &str, c: &Option<C>) {
        if let Some(c) = c
            && !c.is_known()
        {
            self.warn(
                &format!("{path}/{field}"),
                format!("unknown code {:?} for {} ({})", c.wire(), field, C::TABLE),
            );
        }
    }

    fn required<T>(&mut self, path: &str, field: &str, label: &str, v: &Option<T>) -> bool {
        if v.is_none() {
            self.error(
                &format!("{path}/{field}"),
                format!("{label} ({field}) is required"),
            );
            false
        } else {
            true
        }
    }

    fn max_len(&mut self, path: &str, field: &str, label: &str, v: Option<&str>, max: usize) {
        if let Some(v) = v {
            let n = v.chars().count();
            if n > max {
                self.error(
                    &format!("{path}/{field}"),
                    format!("{label} has {n} characters, at most {max} allowed"),
                );
            }
        }
    }

    fn insurer(&mut self, path: &str, n: &Option<InsurerNumber>, severity: Severity) {
        if let Some(n) = n
            && let Err(e) = n.validate()
        {
            let hint = match e {
                IdError::CheckDigit { .. } if severity == Severity::Warning => {
                    " (for a My Number card-only record this may be ignored)"
                }
                _ => "",
            };
            self.push(
                severity,
                &format!("{path}/InsurerNumber"),
                format!("{e}{hint}"),
            );
        }
    }

    /// A 公費 PMH sent (element names provisional): its numbers' 検証番号 and its period, as
    /// warnings (PMH passes the numbers on as the 自治体 issued them).
    fn public_expense(&mut self, path: &str, pe: &crate::model::PublicExpense) {
        if let Some(n) = &pe.payer_number
            && let Err(e) = n.validate()
        {
            self.warn(
                &format!("{path}/MedicalSubsidyInsurerNumber"),
                e.to_string(),
            );
        }
        if pe
            .recipient_number
            .as_ref()
            .is_some_and(|n| n.check_digit_holds() == Some(false))
        {
            self.warn(
                &format!("{path}/MedicalSubsidyRecipientNumber"),
                "受給者番号: check digit (検証番号) of a 7-digit number does not match",
            );
        }
        self.code(path, "IsAlwaysReimbursement", &pe.always_reimbursement);
        self.code(path, "IsDeleted", &pe.deleted);
        self.order_dates(
            path,
            ("ValidFrom", pe.valid_from),
            ("ValidTo", pe.valid_to),
            Severity::Warning,
        );
    }

    fn order_dates(
        &mut self,
        path: &str,
        a: (&str, Option<NaiveDate>),
        b: (&str, Option<NaiveDate>),
        severity: Severity,
    ) {
        if let (Some(x), Some(y)) = (a.1, b.1)
            && x > y
        {
            self.push(
                severity,
                &format!("{path}/{}", b.0),
                format!("{} is before {}", b.0, a.0),
            );
        }
    }

    fn order_times(
        &mut self,
        path: &str,
        a: (&str, Option<NaiveDateTime>),
        b: (&str, Option<NaiveDateTime>),
    ) {
        if let (Some(x), Some(y)) = (a.1, b.1)
            && x > y
        {
            self.warn(
                &format!("{path}/{}", b.0),
                format!("{} is before {}", b.0, a.0),
            );
        }
    }

    fn birthdate(&mut self, path: &str, d: Option<NaiveDate>, severity: Severity) {
        let Some(d) = d else { return };
        if d.year() < 1870 {
            self.push(
                severity,
                &format!("{path}/Birthdate"),
                "生年月日 is before 1870",
            );
        }
        if let Some(t) = self.today
            && d > t
        {
            self.push(
                severity,
                &format!("{path}/Birthdate"),
                "生年月日 is after the date of the file",
            );
        }
    }

    fn month(&mut self, path: &str, field: &str, v: Option<&str>) -> Option<(u32, u32)> {
        let v = v?;
        let ok = v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit());
        let ym = ok
            .then(|| (v[..4].parse::<u32>().ok(), v[4..].parse::<u32>().ok()))
            .and_then(|(y, m)| Some((y?, m?)))
            .filter(|(_, m)| (1..=12).contains(m));
        if ym.is_none() {
            self.error(
                &format!("{path}/{field}"),
                format!("{field} is not a month yyyyMM"),
            );
        }
        ym
    }

    fn header(&mut self, h: &MessageHeader, request: bool) {
        let p = "/XmlMsg/MessageHeader";
        if self.required(
            p,
            "MedicalInstitutionCode",
            "医療機関コード",
            &h.medical_institution_code,
        ) && let Some(code) = &h.medical_institution_code
            && let Err(e) =
                crate::ids::MedicalInstitutionCode::parse(code.as_str(), crate::ids::Mode::Strict)
        {
            self.error(&format!("{p}/MedicalInstitutionCode"), e.to_string());
        }
        self.max_len(
            p,
            "ArbitraryFileIdentifier",
            "任意のファイル識別子",
            h.arbitrary_file_identifier.as_deref(),
            50,
        );
        self.code(p, "ReferenceClassification", &h.reference_classification);
        self.code(p, "SegmentOfResult", &h.segment_of_result);
        self.code(p, "CharacterCodeIdentifier", &h.character_code_identifier);
        if request {
            return;
        }
        if let Some(c) = &h.character_code_identifier
            && c.is_known()
            && !c.agrees_with(self.encoding)
        {
            self.warn(
                &format!("{p}/CharacterCodeIdentifier"),
                format!(
                    "文字コード識別 {} says {} but the file is {} (the identifier is only a hint; the file was read as {})",
                    c.wire(),
                    c.label(),
                    self.encoding.xml_name(),
                    self.encoding.xml_name()
                ),
            );
        }
        if h.segment_of_result == Some(SegmentOfResult::Abnormal) && h.error_code.is_none() {
            self.warn(
                &format!("{p}/ErrorCode"),
                "処理結果区分 is 9 (異常終了) but there is no ErrorCode",
            );
        }
        if let (Some(total), Some(ok), Some(err)) = (
            h.number_of_processing_result,
            h.number_of_normal_processing,
            h.number_of_error,
        ) && u64::from(ok) + u64::from(err) != u64::from(total)
        {
            self.warn(
                &format!("{p}/NumberOfProcessingResult"),
                format!("{ok} normal + {err} errors ≠ {total} processed"),
            );
        }
    }

    fn query(&mut self, path: &str, q: &QualificationQuery, request: bool) {
        self.code(
            path,
            "LimitApplicationCertificateRelatedConsFlg",
            &q.limit_consent_flag,
        );
        self.code(path, "MedicalTreatmentFlag", &q.medical_treatment_flag);
        if !request {
            return;
        }
        if other_family(q) {
            self.month(
                path,
                "MedicalTreatmentMonth",
                q.medical_treatment_month.as_deref(),
            );
            self.order_dates(
                path,
                ("ConsentDateFrom", q.consent_date_from),
                ("ConsentDateTo", q.consent_date_to),
                Severity::Error,
            );
            self.order_dates(
                path,
                ("ExaminationDateFrom", q.examination_date_from),
                ("ExaminationDateTo", q.examination_date_to),
                Severity::Error,
            );
            return;
        }
        if self.required(path, "InsurerNumber", "保険者番号", &q.card.insurer_number) {
            self.insurer(path, &q.card.insurer_number, Severity::Error);
        }
        self.required(
            path,
            "InsuredIdentificationNumber",
            "被保険者証番号",
            &q.card.insured_identification_number,
        );
        self.required(path, "Birthdate", "生年月日", &q.birthdate);
        self.required(
            path,
            "LimitApplicationCertificateRelatedConsFlg",
            "限度額適用認定証関連情報の提供同意",
            &q.limit_consent_flag,
        );
        if q.card.insured_branch_number.is_none()
            && q.card
                .insurer_number
                .as_ref()
                .is_some_and(|n| !n.is_late_elderly())
        {
            self.warn(
                &format!("{path}/InsuredBranchNumber"),
                "枝番 is missing (needed for every insurer except 後期高齢者医療)",
            );
        }
        self.birthdate(
            path,
            q.birthdate.as_ref().map(|d| *d.expose()),
            Severity::Error,
        );
    }

    fn qualification(&mut self, path: &str, r: &Qualification) {
        self.code(
            path,
            "InsuredCardClassification",
            &r.insured_card_classification,
        );
        self.code(
            path,
            "PersonalFamilyClassification",
            &r.personal_family_classification,
        );
        self.code(path, "Sex1", &r.person.sex1);
        self.code(path, "Sex2", &r.person.sex2);
        self.code(path, "PreschoolClassification", &r.preschool_classification);
        self.code(path, "ReasonOfLoss", &r.reason_of_loss);
        self.code(
            path,
            "LimitApplicationCertificateRelatedConsFlg",
            &r.limit_consent_flag,
        );
        self.code(
            path,
            "SpecificDiseasesCertificateRelatedConsFlg",
            &r.specific_diseases_consent_flag,
        );
        self.code(
            path,
            "PrescriptionIssueSelect",
            &r.prescription_issue_select,
        );
        self.insurer(path, &r.card.insurer_number, Severity::Warning);
        let missing = [
            ("Name", r.person.name.is_none()),
            ("Sex1", r.person.sex1.is_none()),
            ("Birthdate", r.person.birthdate.is_none()),
            ("InsurerName", r.insurer_name.is_none()),
        ];
        for (field, missing) in missing {
            if missing {
                self.warn(
                    &format!("{path}/{field}"),
                    format!("{field} is missing (mandatory in a result)"),
                );
            }
        }
        for (field, v) in [
            ("Name", &r.person.name),
            ("NameOfOther", &r.person.name_of_other),
            ("InsuredName", &r.insured_name),
        ] {
            if v.as_ref().is_some_and(|n| n.contains('●')) {
                self.warn(
                    &format!("{path}/{field}"),
                    "● stands for a character the insurer's system could not carry: confirm the real name",
                );
            }
        }
        self.birthdate(
            path,
            r.person.birthdate.as_ref().map(|d| *d.expose()),
            Severity::Warning,
        );
        self.order_dates(
            path,
            ("QualificationDate", r.qualification_date),
            ("DisqualificationDate", r.disqualification_date),
            Severity::Warning,
        );
        self.order_dates(
            path,
            ("InsuredCardValidDate", r.insured_card_valid_date),
            ("InsuredCardExpirationDate", r.insured_card_expiration_date),
            Severity::Warning,
        );
        if let Some(e) = &r.elderly_recipient {
            let p = format!("{path}/ElderlyRecipientCertificateInfo");
            self.order_dates(
                &p,
                ("ElderlyRecipientValidStartDate", e.valid_start_date),
                ("ElderlyRecipientValidEndDate", e.valid_end_date),
                Severity::Warning,
            );
        }
        if let Some(l) = &r.limit_certificate {
            let p = format!("{path}/LimitApplicationCertificateRelatedInfo");
            self.code(
                &p,
                "LimitApplicationCertificateClassification",
                &l.classification,
            );
            self.code(
                &p,
                "LimitApplicationCertificateClassificationFlag",
                &l.classification_flag,
            );
            self.order_dates(
                &p,
                (
                    "LimitApplicationCertificateValidStartDate",
                    l.valid_start_date,
                ),
                ("LimitApplicationCertificateValidEndDate", l.valid_end_date),
                Severity::Warning,
            );
        }
        for (i, d) in r.specific_diseases.iter().enumerate() {
            let p = format!(
                "{path}/SpecificDiseasesCertificateList/SpecificDiseasesCertificateInfo[{}]",
                i + 1
            );
            self.code(&p, "SpecificDiseasesDiseaseCategory", &d.category);
            self.order_dates(
                &p,
                ("SpecificDiseasesValidStartDate", d.valid_start_date),
                ("SpecificDiseasesValidEndDate", d.valid_end_date),
                Severity::Warning,
            );
        }
        for (i, t) in r.medical_tickets.iter().enumerate() {
            let p = format!(
                "{path}/PublicExpenseResultList/MedicalTicketInfo[{}]",
                i + 1
            );
            self.ticket(&p, t);
        }
        self.code(
            path,
            "LimitApplicationCertificateChanged",
            &r.limit_certificate_changed,
        );
        if r.limit_certificate_changed == Some(LimitInfoChanged::ChangedOrUnknown) {
            self.warn(
                &format!("{path}/LimitApplicationCertificateChanged"),
                "限度額情報変更有無 is 1 (変更あり または 判定不能): do an individual query to see the 限度額 now",
            );
        }
        for (i, pe) in r.public_expenses.iter().enumerate() {
            let p = format!("{path}/MedicalSubsidyList/MedicalSubsidyInfo[{}]", i + 1);
            self.public_expense(&p, pe);
        }
        for (prefix, c) in r.consents.entries() {
            self.code(path, &format!("{prefix}ConsFlg"), &c.flag);
            self.order_times(
                path,
                (&format!("{prefix}ConsTime"), c.time),
                (&format!("{prefix}AvailableTime"), c.available_time),
            );
        }
        self.max_len(
            path,
            "ReferenceNumber",
            "照会番号",
            r.reference_number.as_deref().map(String::as_str),
            50,
        );
    }

    /// A 医療扶助 医療券・調剤券 (OQSCD018–026).
    fn ticket(&mut self, p: &str, t: &MedicalTicket) {
        self.order_dates(
            p,
            ("MedicalTicketValidDate", t.valid_date),
            ("MedicalTicketExpirationDate", t.expiration_date),
            Severity::Warning,
        );
        self.code(p, "TicketType", &t.ticket_type);
        self.code(
            p,
            "DesignatedMedicalInstitutionFlag",
            &t.designated_medical_institution_flag,
        );
        self.code(p, "MedicalTreatmentType", &t.medical_treatment_type);
        self.code(p, "SingleOrCombinedUse", &t.single_or_combined_use);
        self.code(p, "StatusOfSocialInsurance", &t.status_of_social_insurance);
        self.code(p, "ConsistencyFlag", &t.consistency_flag);
        self.code(p, "StatusOfInfecton", &t.status_of_infection);
        self.code(
            p,
            "StatusOfElderlyMedicalCare",
            &t.status_of_elderly_medical_care,
        );
        self.code(
            p,
            "StatusOfPrefecturalExpenses",
            &t.status_of_prefectural_expenses,
        );
        if t.designated_medical_institution_flag == Some(DesignatedInstitutionFlag::Differs) {
            self.warn(
                &format!("{p}/DesignatedMedicalInstitutionFlag"),
                "指定医療機関確認 is 1 (不一致): the 医療券's 指定医療機関 is not this clinic",
            );
        }
        if t.consistency_flag == Some(ConsistencyFlag::Inconsistent) {
            self.warn(
                &format!("{p}/ConsistencyFlag"),
                "社会保険状況の整合性 is 1 (不整合あり): the 社会保険 status does not agree with the 医療券",
            );
        }
        let month = t.medical_treatment_month.as_deref().map(str::trim);
        if let Some(m) = month {
            let ok = m.len() == 6
                && m.bytes().all(|b| b.is_ascii_digit())
                && (1..=12).contains(&m[4..].parse::<u32>().unwrap_or(0));
            if !ok {
                self.warn(
                    &format!("{p}/MedicalTreatmentMonth"),
                    "MedicalTreatmentMonth is not a month yyyyMM",
                );
            } else if let Some(day) = self.today {
                let this = format!("{:04}{:02}", day.year(), day.month());
                if m != this {
                    self.warn(
                        &format!("{p}/MedicalTreatmentMonth"),
                        format!("診療年月 {m} is not the month of the file ({this})"),
                    );
                }
            }
        }
        if let Some(day) = self.today
            && (t.valid_date.is_some_and(|v| day < v) || t.expiration_date.is_some_and(|e| day > e))
        {
            self.warn(
                &format!("{p}/MedicalTicketValidDate"),
                "the date of the file is outside the 医療券's validity",
            );
        }
    }

    fn result(&mut self, path: &str, u: &ConfirmationResult, in_list: bool) {
        if let Some(q) = &u.query_echo {
            self.query(&format!("{path}/QualificationConfirmSearchInfo"), q, false);
        }
        self.code(path, "ProcessingResultStatus", &u.outcome.status);
        self.code(path, "QualificationValidity", &u.qualification_validity);
        self.code(
            path,
            "PrescriptionIssueSelect",
            &u.prescription_issue_select,
        );
        if u.outcome.status == Some(ProcessingResultStatus::Error) && u.outcome.code.is_none() {
            self.warn(
                &format!("{path}/ProcessingResultCode"),
                "処理結果状況 is 2 (エラー) but there is no ProcessingResultCode",
            );
        }
        if u.qualification_validity == Some(QualificationValidity::Valid) {
            match u.results.len() {
                0 => self.warn(
                    &format!("{path}/QualificationValidity"),
                    "資格有効性 is 1 (有効) but there is no result",
                ),
                1 => {}
                n => self.warn(
                    &format!("{path}/QualificationValidity"),
                    format!("資格有効性 is 1 (有効) but there are {n} results"),
                ),
            }
        }
        for (i, n) in u.reference_numbers.iter().enumerate() {
            self.max_len(
                path,
                &format!("ReferenceNumber[{}]", i + 1),
                "照会番号",
                Some(n.as_str()),
                50,
            );
        }
        let base = if in_list {
            format!("{path}/ResultList")
        } else {
            path.to_string()
        };
        for (i, r) in u.results.iter().enumerate() {
            self.qualification(
                &format!("{base}/ResultOfQualificationConfirmation[{}]", i + 1),
                r,
            );
        }
    }

    fn registration(&mut self, path: &str, r: &ReferenceNumberRegistration, request: bool) {
        self.code(path, "ProcessingResultStatus", &r.outcome.status);
        self.max_len(
            path,
            "ReferenceNumber",
            "照会番号",
            r.reference_number.as_deref().map(String::as_str),
            50,
        );
        if !request {
            self.insurer(path, &r.card.insurer_number, Severity::Warning);
            return;
        }
        self.required(path, "ReferenceNumber", "照会番号", &r.reference_number);
        if self.required(path, "InsurerNumber", "保険者番号", &r.card.insurer_number) {
            self.insurer(path, &r.card.insurer_number, Severity::Error);
        }
        self.required(
            path,
            "InsuredIdentificationNumber",
            "被保険者証番号",
            &r.card.insured_identification_number,
        );
        if r.card.insured_branch_number.is_none()
            && r.card
                .insurer_number
                .as_ref()
                .is_some_and(|n| !n.is_late_elderly())
        {
            self.warn(
                &format!("{path}/InsuredBranchNumber"),
                "枝番 is missing (needed for every insurer except 後期高齢者医療)",
            );
        }
    }
}

/// `true` for a query of the 医療扶助 / 訪問診療等 / オンライン診療等 bulk families (by month
/// or by consent/examination dates, not by card number).
fn other_family(q: &QualificationQuery) -> bool {
    q.medical_treatment_month.is_some()
        || q.consent_date_from.is_some()
        || q.consent_date_to.is_some()
        || q.examination_date_from.is_some()
        || q.examination_date_to.is_some()
        || q.medical_treatment_flag.is_some()
}

/// Checks a document strictly. An empty list means nothing to report.
///
/// ```
/// use onshi::xml::{self, Severity};
/// let doc = xml::parse(b"<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401\
///   </QualificationConfirmationDate></MessageHeader><MessageBody><QualificationConfirmSearchInfo>\
///   <InsurerNumber>138058</InsurerNumber></QualificationConfirmSearchInfo></MessageBody></XmlMsg>").unwrap();
/// let findings = xml::validate(&doc);
/// assert!(findings.iter().any(|f| f.severity == Severity::Error
///     && f.message.contains("expected 7")));
/// assert!(findings.iter().any(|f| f.path == "/XmlMsg/MessageHeader/MedicalInstitutionCode"));
/// ```
pub fn validate(doc: &Document) -> Vec<Finding> {
    let h = doc.message.header();
    let mut c = Checks {
        out: Vec::new(),
        encoding: doc.encoding,
        today: h
            .qualification_confirmation_date
            .or(h.process_execution_time.map(|t| t.date())),
    };
    for w in &doc.warnings {
        let message = match w.kind {
            super::WarningKind::InvalidValue => format!(
                "the value ({}) is not {}: kept as received (as an unmodelled element; the field is left empty)",
                crate::personal::redact(w.value.as_ref().map_or("", |v| v.expose())),
                w.expected
            ),
            _ => format!("{}: {}", w.kind.label(), w.expected),
        };
        c.warn(&w.path, message);
    }
    let body = "/XmlMsg/MessageBody";
    match &doc.message {
        Message::QualificationRequest(m) => {
            c.header(&m.header, true);
            // 資格確認日 is the date card queries ask about; the 医療扶助 / 訪問 / オンライン
            // bulk queries select by month or consent/examination dates instead.
            if m.queries.iter().any(|q| !other_family(q)) {
                c.required(
                    "/XmlMsg/MessageHeader",
                    "QualificationConfirmationDate",
                    "資格確認日",
                    &m.header.qualification_confirmation_date,
                );
            }
            if m.queries.is_empty() {
                c.error(body, "no QualificationConfirmSearchInfo");
            }
            for (i, q) in m.queries.iter().enumerate() {
                c.query(
                    &format!("{body}/QualificationConfirmSearchInfo[{}]", i + 1),
                    q,
                    true,
                );
            }
        }
        Message::QualificationResponse(m) => {
            c.header(&m.header, false);
            c.result(body, &m.body, true);
        }
        Message::ReferenceNumberRequest(m) => {
            c.header(&m.header, true);
            if m.registrations.is_empty() {
                c.error(body, "no ReferenceNumberRegistrationInfo");
            }
            for (i, r) in m.registrations.iter().enumerate() {
                c.registration(
                    &format!("{body}/ReferenceNumberRegistrationInfo[{}]", i + 1),
                    r,
                    true,
                );
            }
        }
        Message::ReferenceNumberResponse(m) => {
            c.header(&m.header, false);
            c.code(body, "ProcessingResultStatus", &m.outcome.status);
            for (i, r) in m.registrations.iter().enumerate() {
                c.registration(
                    &format!("{body}/ReferenceNumberRegistrationInfo[{}]", i + 1),
                    r,
                    false,
                );
            }
            for (i, u) in m.units.iter().enumerate() {
                let p = format!("{body}/BulkRegistrationUnit[{}]", i + 1);
                c.code(&p, "ProcessingResultStatus", &u.outcome.status);
                if u.outcome.status == Some(ProcessingResultStatus::Error)
                    && u.outcome.code.is_none()
                {
                    c.warn(
                        &format!("{p}/ProcessingResultCode"),
                        "処理結果状況 is 2 (エラー) but there is no ProcessingResultCode",
                    );
                }
                if let Some(r) = &u.registration {
                    c.registration(&format!("{p}/ReferenceNumberRegistrationInfo"), r, false);
                }
            }
        }
        Message::BulkUploadResponse(m) => {
            c.header(&m.header, false);
            c.code(body, "ProcessingResultStatus", &m.receipt.outcome.status);
            if m.receipt.reception_number.is_none()
                && m.header.reception_number.is_none()
                && m.header.segment_of_result != Some(SegmentOfResult::Abnormal)
            {
                c.warn(
                    &format!("{body}/ReceptionNumber"),
                    "no 受付番号 (ReceptionNumber) to download the result with",
                );
            }
        }
        Message::BulkDownloadRequest(m) => {
            c.header(&m.header, true);
            if m.reception_number.trim().is_empty() {
                c.error(
                    &format!("{body}/ReceptionNumber"),
                    "受付番号 (ReceptionNumber) is required",
                );
            }
        }
        Message::BulkQualificationResponse(m) => {
            c.header(&m.header, false);
            if m.header.segment_of_result == Some(SegmentOfResult::Normal)
                && let Some(n) = m.header.number_of_processing_result
                && n as usize != m.units.len()
            {
                c.warn(
                    "/XmlMsg/MessageHeader/NumberOfProcessingResult",
                    format!("says {n} but the file holds {} units", m.units.len()),
                );
            }
            for (i, u) in m.units.iter().enumerate() {
                c.result(&format!("{body}/BulkConfirmUnit[{}]", i + 1), u, false);
            }
        }
        Message::DocumentRequest(m) => {
            c.header(&m.header, true);
            let hp = "/XmlMsg/MessageHeader";
            if c.required(hp, "InsurerNumber", "保険者番号", &m.card.insurer_number) {
                c.insurer(hp, &m.card.insurer_number, Severity::Error);
            }
            c.required(
                hp,
                "InsuredPersonIdentificationNumber",
                "被保険者証番号",
                &m.card.insured_identification_number,
            );
            c.required(body, "FileCategory", "ファイル種別", &m.query.file_category);
            c.code(body, "FileCategory", &m.query.file_category);
            c.code(
                body,
                "MedicalTreatmentFlag",
                &m.query.medical_treatment_flag,
            );
            let start = c.month(body, "StartDate", m.query.start_month.as_deref());
            let end = c.month(body, "EndDate", m.query.end_month.as_deref());
            if let (Some(s), Some(e)) = (start, end)
                && s > e
            {
                c.error(&format!("{body}/EndDate"), "EndDate is before StartDate");
            }
        }
        Message::DocumentResponse(m) => {
            c.header(&m.header, false);
            match m.outcome.result_code.as_deref().map(str::trim) {
                None => c.warn("/XmlMsg/MessageHeader/ResultCode", "no ResultCode"),
                Some("1") => {}
                Some(_) if m.outcome.message_contents.is_none() => c.warn(
                    "/XmlMsg/MessageHeader/MessageContents",
                    "ResultCode is not 1 but there is no MessageContents",
                ),
                Some(_) => {}
            }
        }
        Message::Unmodelled(m) => {
            c.header(&m.header, false);
            c.warn(
                "/XmlMsg/MessageBody",
                "the body of this file family is not modelled: kept whole, not checked",
            );
        }
    }
    c.out
}
