//! `QualificationConfirmSearchInfo` (the query) and `ResultOfQualificationConfirmation`
//! (the qualification record with its 高齢受給者, 限度額, 特定疾病, 医療券 and consent blocks).
//!
//! Spec order for writing: oqs-interface.md §6.1 and the §6.2 field table.

use super::codec::*;
use super::error::XmlError;
use super::fields::{Got, field, leaves, wrapper};
use super::reader::Cursor;
use super::reader::StartTag;
use super::writer::{Sink, extras};
use crate::Personal;
use crate::codes::*;
use crate::model::{
    ElderlyRecipient, LimitCertificate, MedicalTicket, Qualification, QualificationQuery,
    SpecificDisease, UnknownElement,
};

leaves!(query_leaves, QualificationQuery {
    "InsurerNumber" => insurer_number: InsurerWire,
    "InsuredCardSymbol" => insured_card_symbol: Symbol,
    "InsuredIdentificationNumber" => insured_identification_number: Number,
    "InsuredBranchNumber" => insured_branch_number: Branch,
    "Birthdate" => birthdate: PDate,
    "LimitApplicationCertificateRelatedConsFlg" => limit_consent_flag: CodeOf<LimitConsentFlag>,
    "ArbitraryIdentifier" => arbitrary_identifier: Text,
    "MedicalTreatmentMonth" => medical_treatment_month: Text,
    "ConsentDateFrom" => consent_date_from: Date,
    "ConsentDateTo" => consent_date_to: Date,
    "ExaminationDateFrom" => examination_date_from: Date,
    "ExaminationDateTo" => examination_date_to: Date,
    "MedicalTreatmentFlag" => medical_treatment_flag: CodeOf<MedicalTreatmentFlag>,
});

/// Element name of the query block.
pub(crate) const QUERY: &str = "QualificationConfirmSearchInfo";
/// Element name of one result.
pub(crate) const RESULT: &str = "ResultOfQualificationConfirmation";

/// Keeps what a table did not take.
fn keep<'a>(
    got: Got,
    extra: &mut Vec<UnknownElement>,
    cur: &mut Cursor<'a>,
    name: &'a str,
    el: &StartTag,
    start: usize,
) -> Result<(), XmlError> {
    match got {
        Got::Taken => Ok(()),
        Got::Extra(e) => {
            extra.push(e);
            Ok(())
        }
        Got::No => {
            extra.push(cur.unknown(name, el, start)?);
            Ok(())
        }
    }
}

/// Reads the `QualificationConfirmSearchInfo` just started.
pub(crate) fn read_query(cur: &mut Cursor<'_>) -> Result<QualificationQuery, XmlError> {
    let mut q = QualificationQuery::default();
    cur.children(|cur, name, el, start| {
        let got = query_leaves::read(&mut q, cur, name, &el, start)?;
        keep(got, &mut q.extra, cur, name, &el, start)
    })?;
    Ok(q)
}

/// Writes a `QualificationConfirmSearchInfo`.
pub(crate) fn write_query<'m, S: Sink<'m>>(
    q: &'m QualificationQuery,
    s: &mut S,
) -> Result<(), XmlError> {
    s.open(QUERY)?;
    query_leaves::write(q, s)?;
    extras(s, &q.extra)?;
    s.close()
}

leaves!(elderly_leaves, ElderlyRecipient {
    "ElderlyRecipientCertificateDate" => certificate_date: Date,
    "ElderlyRecipientValidStartDate" => valid_start_date: Date,
    "ElderlyRecipientValidEndDate" => valid_end_date: Date,
    "ElderlyRecipientContributionRatio" => contribution_ratio: Percent,
});

leaves!(limit_leaves, LimitCertificate {
    "LimitApplicationCertificateClassification" => classification: CodeOf<LimitCertificateClassification>,
    "LimitApplicationCertificateClassificationFlag" | "LimitApplicationCertificateClassificationFla"
        => classification_flag: CodeOf<LimitClassificationFlag>,
    "LimitApplicationCertificateDate" => certificate_date: Date,
    "LimitApplicationCertificateValidStartDate" => valid_start_date: Date,
    "LimitApplicationCertificateValidEndDate" => valid_end_date: Date,
    "LimitApplicationCertificateLongTermDate" => long_term_date: Date,
});

leaves!(disease_leaves, SpecificDisease {
    "SpecificDiseasesDiseaseCategory" => category: CodeOf<SpecificDiseaseCategory>,
    "SpecificDiseasesCertificateDate" => certificate_date: Date,
    "SpecificDiseasesValidStartDate" => valid_start_date: Date,
    "SpecificDiseasesValidEndDate" => valid_end_date: Date,
    "SpecificDiseasesSelfPay" => self_pay: Count,
});

leaves!(ticket_leaves_a, MedicalTicket {
    "TicketType" => ticket_type: Text,
    "MedicalTicketValidDate" => valid_date: Date,
    "MedicalTicketExpirationDate" => expiration_date: Date,
    "IssueNumber" => issue_number: Text,
    "MedicalTreatmentMonth" => medical_treatment_month: Text,
    "DesignatedMedicalInstitutionCode" => designated_medical_institution_code: Text,
    "DesignatedMedicalInstitutionFlag" => designated_medical_institution_flag: Text,
    "DesignatedMedicalInstitutionName" => designated_medical_institution_name: Text,
    "PrescriptionIssuerMedicalInstitutionCode" => prescription_issuer_medical_institution_code: Text,
    "PrescriptionIssuerMedicalInstitutionName" => prescription_issuer_medical_institution_name: Text,
});

leaves!(ticket_leaves_b, MedicalTicket {
    "MedicalTreatmentType" => medical_treatment_type: Text,
    "SelfPayAmount" => self_pay_amount: Text,
    "DistrictContactName" => district_contact_name: Text,
    "HandlingContactName" => handling_contact_name: Text,
    "SingleOrCombinedUse" => single_or_combined_use: Text,
    "StatusOfSocialInsurance" => status_of_social_insurance: Text,
    "ConsistencyFlag" => consistency_flag: Text,
    "StatusOfInfecton" | "StatusOfInfection" => status_of_infection: Text,
    "StatusOfElderlyMedicalCare" => status_of_elderly_medical_care: Text,
    "StatusOfPrefecturalExpenses" => status_of_prefectural_expenses: Text,
});

leaves!(qual_leaves_a, Qualification {
    "InsuredCardClassification" => insured_card_classification: CodeOf<InsuredCardClassification>,
    "InsurerNumber" => insurer_number: InsurerWire,
    "InsuredCardSymbol" => insured_card_symbol: Symbol,
    "InsuredIdentificationNumber" => insured_identification_number: Number,
    "InsuredBranchNumber" => insured_branch_number: Branch,
    "PersonalFamilyClassification" => personal_family_classification: CodeOf<PersonalFamilyClassification>,
    "InsuredName" => insured_name: PText,
    "Name" => name: PText,
    "NameOfOther" => name_of_other: PText,
    "NameKana" => name_kana: PText,
    "NameOfOtherKana" => name_of_other_kana: PText,
    "Sex1" => sex1: CodeOf<Sex>,
    "Sex2" => sex2: CodeOf<Sex>,
    "Birthdate" => birthdate: PDate,
    "Address" => address: PText,
    "PostNumber" => post_number: PText,
    "QualificationDate" => qualification_date: Date,
    "DisqualificationDate" => disqualification_date: Date,
    "InsuredCertificateIssuanceDate" => insured_certificate_issuance_date: Date,
    "InsuredCardValidDate" => insured_card_valid_date: Date,
    "InsuredCardExpirationDate" => insured_card_expiration_date: Date,
    "InsuredPartialContributionRatio" => insured_partial_contribution_ratio: Percent,
    "PreschoolClassification" => preschool_classification: CodeOf<PreschoolClassification>,
    "ReasonOfLoss" => reason_of_loss: CodeOf<ReasonOfLoss>,
    "InsurerName" => insurer_name: Text,
});

leaves!(qual_leaves_b, Qualification {
    "LimitApplicationCertificateRelatedConsFlg" => limit_consent_flag: CodeOf<LimitConsentFlag>,
    "LimitApplicationCertificateRelatedConsTime" => limit_consent_time: DateTime,
});

leaves!(qual_leaves_c, Qualification {
    "SpecificDiseasesCertificateRelatedConsFlg" => specific_diseases_consent_flag: CodeOf<ConsentFlag>,
    "SpecificDiseasesCertificateRelatedConsTime" => specific_diseases_consent_time: DateTime,
});

leaves!(qual_leaves_d, Qualification {
    "ReferenceNumber" => reference_number: PText,
    "ArbitraryIdentifier" => arbitrary_identifier: Text,
    "PrescriptionIssueSelect" => prescription_issue_select: CodeOf<PrescriptionIssueSelect>,
    "LimitApplicationCertificateChanged" => limit_certificate_changed: Text,
});

const ELDERLY: &str = "ElderlyRecipientCertificateInfo";
const LIMIT: &str = "LimitApplicationCertificateRelatedInfo";
const DISEASE_LIST: &str = "SpecificDiseasesCertificateList";
const DISEASE: &str = "SpecificDiseasesCertificateInfo";
const TICKET_LIST: &str = "PublicExpenseResultList";
const TICKET: &str = "MedicalTicketInfo";
const INJURY: [&str; 3] = ["InjuryName1", "InjuryName2", "InjuryName3"];
const REMARKS: [&str; 3] = ["Remarks1", "Remarks2", "Remarks3"];

fn read_elderly(cur: &mut Cursor<'_>) -> Result<ElderlyRecipient, XmlError> {
    let mut e = ElderlyRecipient::default();
    cur.children(|cur, name, el, start| {
        let got = elderly_leaves::read(&mut e, cur, name, &el, start)?;
        keep(got, &mut e.extra, cur, name, &el, start)
    })?;
    Ok(e)
}

fn read_limit(cur: &mut Cursor<'_>) -> Result<LimitCertificate, XmlError> {
    let mut l = LimitCertificate::default();
    cur.children(|cur, name, el, start| {
        let got = limit_leaves::read(&mut l, cur, name, &el, start)?;
        keep(got, &mut l.extra, cur, name, &el, start)
    })?;
    Ok(l)
}

fn read_disease(cur: &mut Cursor<'_>) -> Result<SpecificDisease, XmlError> {
    let mut d = SpecificDisease::default();
    cur.children(|cur, name, el, start| {
        let got = disease_leaves::read(&mut d, cur, name, &el, start)?;
        keep(got, &mut d.extra, cur, name, &el, start)
    })?;
    Ok(d)
}

/// Reads `InjuryName1..3` / `Remarks1..3` into a list where position = number − 1; a
/// missing number in the middle is an empty entry, so nothing moves on a round trip.
fn numbered<'a>(
    list: &mut Vec<Personal<String>>,
    n: usize,
    cur: &mut Cursor<'a>,
    name: &'a str,
    el: &StartTag,
    start: usize,
) -> Result<Got, XmlError> {
    if list.get(n).is_some_and(|v| !v.is_empty()) {
        return cur.unknown(name, el, start).map(Got::Extra);
    }
    if let Some(t) = cur.leaf_text()? {
        while list.len() <= n {
            list.push(Personal::new(String::new()));
        }
        list[n] = Personal::new(t.into_owned());
    }
    Ok(Got::Taken)
}

fn read_ticket(cur: &mut Cursor<'_>) -> Result<MedicalTicket, XmlError> {
    let mut t = MedicalTicket::default();
    cur.children(|cur, name, el, start| {
        let mut got = ticket_leaves_a::read(&mut t, cur, name, &el, start)?;
        if let Got::No = got {
            got = ticket_leaves_b::read(&mut t, cur, name, &el, start)?;
        }
        if let Got::No = got {
            if let Some(n) = INJURY.iter().position(|x| *x == name) {
                got = numbered(&mut t.injury_names, n, cur, name, &el, start)?;
            } else if let Some(n) = REMARKS.iter().position(|x| *x == name) {
                got = numbered(&mut t.remarks, n, cur, name, &el, start)?;
            }
        }
        keep(got, &mut t.extra, cur, name, &el, start)
    })?;
    Ok(t)
}

/// Reads a list wrapper: items named `item` via `read`, anything else kept.
fn read_list<'a, T>(
    cur: &mut Cursor<'a>,
    item: &str,
    read: fn(&mut Cursor<'a>) -> Result<T, XmlError>,
    out: &mut Vec<T>,
) -> Result<Vec<UnknownElement>, XmlError> {
    let mut unknown = Vec::new();
    cur.children(|cur, name, el, start| {
        if name == item {
            out.push(read(cur)?);
        } else {
            unknown.push(cur.unknown(name, &el, start)?);
        }
        Ok(())
    })?;
    Ok(unknown)
}

/// Splits `PharmacistsInfoConsFlg` into (`PharmacistsInfo`, `ConsFlg`).
fn consent_parts(name: &str) -> Option<(&str, &str)> {
    ["ConsFlg", "ConsTime", "AvailableTime"]
        .into_iter()
        .find_map(|suffix| name.strip_suffix(suffix).map(|p| (p, suffix)))
}

/// Reads the `ResultOfQualificationConfirmation` just started.
pub(crate) fn read_qualification(
    cur: &mut Cursor<'_>,
    r: &mut Qualification,
) -> Result<(), XmlError> {
    cur.children(|cur, name, el, start| {
        let mut got = qual_leaves_a::read(r, cur, name, &el, start)?;
        if let Got::No = got {
            got = qual_leaves_b::read(r, cur, name, &el, start)?;
        }
        if let Got::No = got {
            got = qual_leaves_c::read(r, cur, name, &el, start)?;
        }
        if let Got::No = got {
            got = qual_leaves_d::read(r, cur, name, &el, start)?;
        }
        if let Got::No = got {
            got = match name {
                ELDERLY if r.elderly_recipient.is_none() => {
                    let e = read_elderly(cur)?;
                    r.elderly_recipient = (e != ElderlyRecipient::default()).then_some(e);
                    Got::Taken
                }
                LIMIT if r.limit_certificate.is_none() => {
                    let l = read_limit(cur)?;
                    r.limit_certificate = (l != LimitCertificate::default()).then_some(l);
                    Got::Taken
                }
                DISEASE_LIST => {
                    let unknown = read_list(cur, DISEASE, read_disease, &mut r.specific_diseases)?;
                    if unknown.is_empty() {
                        Got::Taken
                    } else {
                        Got::Extra(wrapper(DISEASE_LIST, unknown))
                    }
                }
                DISEASE => {
                    r.specific_diseases.push(read_disease(cur)?);
                    Got::Taken
                }
                TICKET_LIST => {
                    let unknown = read_list(cur, TICKET, read_ticket, &mut r.medical_tickets)?;
                    if unknown.is_empty() {
                        Got::Taken
                    } else {
                        Got::Extra(wrapper(TICKET_LIST, unknown))
                    }
                }
                TICKET => {
                    r.medical_tickets.push(read_ticket(cur)?);
                    Got::Taken
                }
                _ => match consent_parts(name) {
                    Some((prefix, part)) => match r.consents.by_prefix_mut(prefix) {
                        Some(c) => match part {
                            "ConsFlg" => {
                                field::<CodeOf<ConsentFlag>>(&mut c.flag, cur, name, &el, start)?
                            }
                            "ConsTime" => field::<DateTime>(&mut c.time, cur, name, &el, start)?,
                            _ => field::<DateTime>(&mut c.available_time, cur, name, &el, start)?,
                        },
                        None => Got::No,
                    },
                    None => Got::No,
                },
            };
        }
        keep(got, &mut r.extra, cur, name, &el, start)
    })
}

fn write_numbered<'m, S: Sink<'m>>(
    s: &mut S,
    names: &'static [&'static str; 3],
    list: &'m [Personal<String>],
    what: &str,
) -> Result<(), XmlError> {
    if list.len() > names.len() {
        return Err(XmlError::Unwritable {
            path: format!("{TICKET}/{what}"),
            reason: format!("at most {} entries", names.len()),
        });
    }
    for (name, v) in names.iter().zip(list) {
        if !v.is_empty() {
            s.leaf(name, v.as_str())?;
        }
    }
    Ok(())
}

fn write_ticket<'m, S: Sink<'m>>(t: &'m MedicalTicket, s: &mut S) -> Result<(), XmlError> {
    s.open(TICKET)?;
    ticket_leaves_a::write(t, s)?;
    write_numbered(s, &INJURY, &t.injury_names, "InjuryName")?;
    ticket_leaves_b::write(t, s)?;
    write_numbered(s, &REMARKS, &t.remarks, "Remarks")?;
    extras(s, &t.extra)?;
    s.close()
}

/// Writes a `ResultOfQualificationConfirmation`.
pub(crate) fn write_qualification<'m, S: Sink<'m>>(
    r: &'m Qualification,
    s: &mut S,
) -> Result<(), XmlError> {
    s.open(RESULT)?;
    qual_leaves_a::write(r, s)?;
    if let Some(e) = r
        .elderly_recipient
        .as_ref()
        .filter(|e| **e != ElderlyRecipient::default())
    {
        s.open(ELDERLY)?;
        elderly_leaves::write(e, s)?;
        extras(s, &e.extra)?;
        s.close()?;
    }
    qual_leaves_b::write(r, s)?;
    if let Some(l) = r
        .limit_certificate
        .as_ref()
        .filter(|l| **l != LimitCertificate::default())
    {
        s.open(LIMIT)?;
        limit_leaves::write(l, s)?;
        extras(s, &l.extra)?;
        s.close()?;
    }
    qual_leaves_c::write(r, s)?;
    if !r.specific_diseases.is_empty() {
        s.open(DISEASE_LIST)?;
        for d in &r.specific_diseases {
            s.open(DISEASE)?;
            disease_leaves::write(d, s)?;
            extras(s, &d.extra)?;
            s.close()?;
        }
        s.close()?;
    }
    if !r.medical_tickets.is_empty() {
        s.open(TICKET_LIST)?;
        for t in &r.medical_tickets {
            write_ticket(t, s)?;
        }
        s.close()?;
    }
    for (prefix, c) in r.consents.entries() {
        if let Some(f) = &c.flag {
            s.leaf(consent_name(prefix, "ConsFlg"), f.wire())?;
        }
        if let Some(t) = &c.time {
            s.leaf(consent_name(prefix, "ConsTime"), &date_time_text(t))?;
        }
        if let Some(t) = &c.available_time {
            s.leaf(consent_name(prefix, "AvailableTime"), &date_time_text(t))?;
        }
    }
    qual_leaves_d::write(r, s)?;
    extras(s, &r.extra)?;
    s.close()
}

/// The element names of the consent trios, as static strings.
fn consent_name(prefix: &str, suffix: &str) -> &'static str {
    const NAMES: [[&str; 3]; 10] = [
        [
            "SpecificHealthCheckupsInfoConsFlg",
            "SpecificHealthCheckupsInfoConsTime",
            "SpecificHealthCheckupsInfoAvailableTime",
        ],
        [
            "PharmacistsInfoConsFlg",
            "PharmacistsInfoConsTime",
            "PharmacistsInfoAvailableTime",
        ],
        [
            "DiagnosisInfoConsFlg",
            "DiagnosisInfoConsTime",
            "DiagnosisInfoAvailableTime",
        ],
        [
            "OperationInfoConsFlg",
            "OperationInfoConsTime",
            "OperationInfoAvailableTime",
        ],
        [
            "DiagnosisNameConsFlg",
            "DiagnosisNameConsTime",
            "DiagnosisNameAvailableTime",
        ],
        [
            "InfectiousInfoConsFlg",
            "InfectiousInfoConsTime",
            "InfectiousInfoAvailableTime",
        ],
        [
            "AllergyInfoConsFlg",
            "AllergyInfoConsTime",
            "AllergyInfoAvailableTime",
        ],
        [
            "ContraindicationInfoConsFlg",
            "ContraindicationInfoConsTime",
            "ContraindicationInfoAvailableTime",
        ],
        [
            "TestInfoConsFlg",
            "TestInfoConsTime",
            "TestInfoAvailableTime",
        ],
        [
            "PrescriptionInfoConsFlg",
            "PrescriptionInfoConsTime",
            "PrescriptionInfoAvailableTime",
        ],
    ];
    let col = match suffix {
        "ConsFlg" => 0,
        "ConsTime" => 1,
        _ => 2,
    };
    NAMES
        .iter()
        .find(|row| row[0].strip_suffix("ConsFlg") == Some(prefix))
        .map_or("UnknownConsent", |row| row[col])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Consents;

    #[test]
    fn consent_names_cover_every_prefix() {
        for (prefix, _) in Consents::default().entries() {
            for suffix in ["ConsFlg", "ConsTime", "AvailableTime"] {
                assert_eq!(consent_name(prefix, suffix), format!("{prefix}{suffix}"));
            }
        }
    }
}
