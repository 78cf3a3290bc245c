//! The emulator's scenario logic: from a request to an answer, without any I/O or clock
//! (the time comes in as an argument), so every scenario is unit-tested.

use crate::Personal;
use crate::codes::*;
use crate::model::{
    ConfirmationResult, DocumentOutcome, ProcessingOutcome, ReferenceNumberRegistration,
    RegistrationUnit, UploadReceipt,
};
use crate::model::{
    Consent, Consents, MessageHeader, Qualification, QualificationQuery, UnknownElement,
};
use crate::terminal::dataset::{ConsentIntent, Dataset, Person};
use crate::xml::Encoding;
use crate::xml::{
    BulkQualificationResponse, BulkUploadResponse, DocumentRequest, DocumentResponse, Family,
    FileName, Message, Phase, QualificationRequest, QualificationResponse, ReferenceNumberRequest,
    ReferenceNumberResponse,
};
use chrono::{Duration, NaiveDateTime};
use std::collections::HashMap;

/// What the emulator does with one request.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Write `message` as `file` into `res/`.
    Answer { file: String, message: Message },
    /// Write a PDF document as `file` into `res/`.
    Pdf { file: String, bytes: Vec<u8> },
    /// Move the request into `res/` and write `<basename>.err` with `reason`.
    Reject { reason: String },
}

/// A bulk request the emulator has accepted.
#[derive(Clone, Debug)]
pub(crate) struct BulkJob {
    family: Family,
    upload: Message,
    polls: u32,
}

/// What the emulator remembers between requests.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    /// 照会番号 registered through the interface, by person id.
    pub registered: HashMap<String, String>,
    /// Answers given so far, by person id (PMH data change from the second one on).
    answers: HashMap<String, u32>,
    jobs: HashMap<String, BulkJob>,
    next_reception: u64,
}

/// Settings of the scenario logic.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub encoding: Encoding,
    /// Bulk 02 answers 処理中 this many times before the results.
    pub processing_polls: u32,
    /// 照会番号 一括登録 results as `BulkRegistrationUnit`s.
    pub registration_units: bool,
}

fn char_code(e: Encoding) -> CharacterCodeIdentifier {
    match e {
        Encoding::Utf8 => CharacterCodeIdentifier::Utf8,
        Encoding::ShiftJis => CharacterCodeIdentifier::ShiftJis,
    }
}

fn reject(reason: &str) -> Outcome {
    Outcome::Reject {
        reason: reason.to_string(),
    }
}

/// The answer to the request `name` holding `msg`, at `now`.
pub(crate) fn respond(
    ds: &Dataset,
    st: &mut State,
    set: &Settings,
    name: &FileName,
    msg: Message,
    now: NaiveDateTime,
) -> Outcome {
    let file = name.response_name().to_string();
    let h = crate::terminal::client::header(&msg).clone();
    if h.medical_institution_code.is_none() {
        return reject("必須項目 MedicalInstitutionCode（医療機関コード）がありません。");
    }
    let base = MessageHeader {
        process_execution_time: Some(now),
        medical_institution_code: h.medical_institution_code.clone(),
        arbitrary_file_identifier: h.arbitrary_file_identifier.clone(),
        segment_of_result: Some(SegmentOfResult::Normal),
        character_code_identifier: Some(char_code(set.encoding)),
        ..Default::default()
    };
    match (name.family, name.phase, msg) {
        // 訪問/オンライン single queries have the 個別照会 shape (oqs-2026 §2).
        (
            Family::Individual | Family::HomeVisitQuery | Family::OnlineQuery,
            Phase::Upload,
            Message::QualificationRequest(r),
        ) => {
            let [q] = r.queries.as_slice() else {
                return reject(
                    "個別照会の要求には照会条件（QualificationConfirmSearchInfo）が1件だけ必要です。",
                );
            };
            if let Err(missing) = check_query(q) {
                return reject(&missing.to_string());
            }
            let header = MessageHeader {
                qualification_confirmation_date: h
                    .qualification_confirmation_date
                    .or(Some(now.date())),
                reference_classification: Some(ReferenceClassification::InsuranceCard),
                ..base
            };
            let body = unit_for(ds, st, q, now);
            Outcome::Answer {
                file,
                message: Message::QualificationResponse(QualificationResponse {
                    header,
                    body,
                    ..Default::default()
                }),
            }
        }
        (Family::ReferenceNumber, Phase::Upload, Message::ReferenceNumberRequest(r)) => {
            let [reg] = r.registrations.as_slice() else {
                return reject("照会番号登録の要求には登録情報が1件だけ必要です。");
            };
            if reg.reference_number.is_none()
                || reg.card.insurer_number.is_none()
                || reg.card.insured_identification_number.is_none()
            {
                return reject("必須項目（照会番号・保険者番号・被保険者証番号）がありません。");
            }
            let done = register(ds, st, reg);
            let echo = ReferenceNumberRegistration {
                outcome: ProcessingOutcome {
                    status: None,
                    code: None,
                    message: None,
                },
                ..reg.clone()
            };
            Outcome::Answer {
                file,
                message: Message::ReferenceNumberResponse(ReferenceNumberResponse {
                    outcome: ProcessingOutcome {
                        status: done.outcome.status,
                        code: done.outcome.code,
                        message: done.outcome.message,
                    },
                    header: base,
                    registrations: vec![echo],
                    ..Default::default()
                }),
            }
        }
        (f, Phase::Upload, m) if f.is_bulk() => {
            let ok = match (&m, f) {
                (Message::ReferenceNumberRequest(r), Family::BulkReferenceNumber) => {
                    !r.registrations.is_empty()
                }
                (Message::QualificationRequest(r), f) if f != Family::BulkReferenceNumber => {
                    !r.queries.is_empty()
                }
                _ => false,
            };
            if !ok {
                return reject(
                    "一括要求の形式に誤りがあります（要求の種類とファイル名が合わないか、照会条件がありません）。",
                );
            }
            st.next_reception += 1;
            let reception = format!("{}{:04}", now.format("%Y%m%d"), st.next_reception);
            st.jobs.insert(
                reception.clone(),
                BulkJob {
                    family: f,
                    upload: m,
                    polls: 0,
                },
            );
            Outcome::Answer {
                file,
                message: Message::BulkUploadResponse(BulkUploadResponse {
                    receipt: UploadReceipt {
                        outcome: ProcessingOutcome {
                            status: Some(ProcessingResultStatus::Normal),
                            ..Default::default()
                        },
                        reception_number: Some(reception),
                        reception_date_time: Some(now),
                    },
                    header: base,
                    ..Default::default()
                }),
            }
        }
        (f, Phase::Download, Message::BulkDownloadRequest(d)) if f.is_bulk() => {
            let header = MessageHeader {
                reception_number: Some(d.reception_number.clone()),
                ..base
            };
            download(ds, st, set, f, &d.reception_number, header, now, file)
        }
        (Family::DrugInfo | Family::Checkup, Phase::Upload, Message::DocumentRequest(r)) => {
            document(ds, name.family, &r, base, now, file)
        }
        (f, _, _) if !f.is_modelled() => Outcome::Reject {
            reason: format!(
                "このエミュレーターは {}（{}）の要求に応答しません（内容が公開されていない種類です）。",
                f.label(),
                f.prefix()
            ),
        },
        _ => reject("要求ファイルの種類（ファイル名）と内容が一致しません。"),
    }
}

/// The required items a 資格確認 query lacks (the emulator refuses it with an `.err` naming
/// them, in the terminal's words).
#[derive(Debug, Default, PartialEq, Eq)]
struct MissingItems {
    insurer_number: bool,
    identification_number: bool,
    birthdate: bool,
}

impl std::fmt::Display for MissingItems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = [
            (self.insurer_number, "保険者番号"),
            (self.identification_number, "被保険者証番号"),
            (self.birthdate, "生年月日"),
        ]
        .into_iter()
        .filter_map(|(missing, name)| missing.then_some(name))
        .collect();
        write!(f, "必須項目（{}）がありません。", names.join("・"))
    }
}

fn check_query(q: &QualificationQuery) -> Result<(), MissingItems> {
    let missing = MissingItems {
        insurer_number: q.card.insurer_number.is_none(),
        identification_number: q.card.insured_identification_number.is_none(),
        birthdate: q.birthdate.is_none(),
    };
    if missing == MissingItems::default() {
        Ok(())
    } else {
        Err(missing)
    }
}

/// A consent as the terminal reports it at `now`.
fn consent(intent: Option<ConsentIntent>, now: NaiveDateTime) -> Consent {
    match intent {
        None => Consent::default(),
        Some(ConsentIntent::Agreed) => {
            let t = now - Duration::minutes(10);
            Consent {
                flag: Some(ConsentFlag::Agreed),
                time: Some(t),
                available_time: Some(t + Duration::hours(24)),
            }
        }
        Some(ConsentIntent::Expired) => {
            let t = now - Duration::hours(48);
            Consent {
                flag: Some(ConsentFlag::Agreed),
                time: Some(t),
                available_time: Some(t + Duration::hours(24)),
            }
        }
        Some(ConsentIntent::NotAgreed) => Consent {
            flag: Some(ConsentFlag::NotAgreed),
            time: Some(now - Duration::minutes(10)),
            available_time: None,
        },
    }
}

/// The qualifications of `p` as returned at `now` (consents filled in, 照会番号 set).
pub(crate) fn results_of(p: &Person, st: &State, now: NaiveDateTime) -> Vec<Qualification> {
    let consents = Consents {
        pharmacists: consent(p.consents.pharmacists, now),
        specific_health_checkups: consent(p.consents.specific_health_checkups, now),
        diagnosis: consent(p.consents.diagnosis, now),
        operation: consent(p.consents.operation, now),
        ..Default::default()
    };
    let reference = reference_of(p, st);
    p.qualifications
        .iter()
        .map(|q| Qualification {
            consents: consents.clone(),
            reference_number: reference.clone().map(Personal::new),
            ..q.clone()
        })
        .collect()
}

fn reference_of(p: &Person, st: &State) -> Option<String> {
    st.registered
        .get(&p.id)
        .cloned()
        .or_else(|| p.reference_number.clone())
}

/// The answer for one person: a 個別照会 body or a `BulkConfirmUnit`.
fn unit_for(
    ds: &Dataset,
    st: &mut State,
    q: &QualificationQuery,
    now: NaiveDateTime,
) -> ConfirmationResult {
    let found = ds.find(q);
    let mut r = ConfirmationResult {
        outcome: ProcessingOutcome {
            status: Some(ProcessingResultStatus::Normal),
            ..Default::default()
        },
        query_echo: Some(q.clone()),
        ..Default::default()
    };
    match found.as_slice() {
        [] => r.qualification_validity = Some(QualificationValidity::NotFound),
        [p] => person_unit(&mut r, p, st, now),
        many => {
            r.qualification_validity = Some(QualificationValidity::MultipleMatches);
            r.results = many
                .iter()
                .flat_map(|p| results_of(p, st, now).into_iter().take(1))
                .collect();
        }
    }
    r
}

fn person_unit(r: &mut ConfirmationResult, p: &Person, st: &mut State, now: NaiveDateTime) {
    if let Some(e) = &p.processing_error {
        r.outcome.status = Some(ProcessingResultStatus::Error);
        r.outcome.code = Some(e.code.clone());
        r.outcome.message = Some(e.message.clone());
        return;
    }
    if let Some(e) = &p.supplementary {
        r.outcome.code = Some(e.code.clone());
        r.outcome.message = Some(e.message.clone());
    }
    r.qualification_validity = Some(p.validity.clone());
    if p.validity != QualificationValidity::NotFound {
        r.results = results_of(p, st, now);
    }
    let answered = st.answers.entry(p.id.clone()).or_insert(0);
    if let Some(first) = r.results.first_mut() {
        first.public_expenses = p.pmh_data(*answered).to_vec();
    }
    *answered = answered.saturating_add(1);
    r.reference_numbers = reference_of(p, st).map(Personal::new).into_iter().collect();
}

/// Registers a 照会番号; the outcome fields of the returned registration say how it went.
fn register(
    ds: &Dataset,
    st: &mut State,
    reg: &ReferenceNumberRegistration,
) -> ReferenceNumberRegistration {
    let found = ds.find_by_card(&reg.card);
    let mut out = reg.clone();
    match (found.as_slice(), &reg.reference_number) {
        ([p], Some(n)) => {
            st.registered.insert(p.id.clone(), n.expose().clone());
            out.outcome.status = Some(ProcessingResultStatus::Normal);
        }
        _ => {
            out.outcome.status = Some(ProcessingResultStatus::Error);
            out.outcome.code = Some("EMU2001".into());
            out.outcome.message = Some(
                "照会番号の登録対象となる資格が見つかりません。保険者番号・記号・番号・枝番を確認してください。".into(),
            );
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn download(
    ds: &Dataset,
    st: &mut State,
    set: &Settings,
    family: Family,
    reception: &str,
    mut header: MessageHeader,
    now: NaiveDateTime,
    file: String,
) -> Outcome {
    let Some(job) = st.jobs.get_mut(reception.trim()) else {
        header.segment_of_result = Some(SegmentOfResult::Abnormal);
        header.error_code = Some("EMU3001".into());
        header.error_message = Some("指定された受付番号の要求が見つかりません。".into());
        let message = if family == Family::BulkReferenceNumber {
            Message::ReferenceNumberResponse(ReferenceNumberResponse {
                header,
                ..Default::default()
            })
        } else {
            Message::BulkQualificationResponse(BulkQualificationResponse {
                header,
                ..Default::default()
            })
        };
        return Outcome::Answer { file, message };
    };
    if job.family != family {
        return reject("受付番号と要求ファイルの種類が一致しません。");
    }
    if job.polls < set.processing_polls {
        job.polls += 1;
        header.segment_of_result = Some(SegmentOfResult::Processing);
        let message = if family == Family::BulkReferenceNumber {
            Message::ReferenceNumberResponse(ReferenceNumberResponse {
                header,
                ..Default::default()
            })
        } else {
            Message::BulkQualificationResponse(BulkQualificationResponse {
                header,
                ..Default::default()
            })
        };
        return Outcome::Answer { file, message };
    }
    let upload = job.upload.clone();
    let up_header = crate::terminal::client::header(&upload).clone();
    header.arbitrary_file_identifier = up_header.arbitrary_file_identifier.clone();
    header.qualification_confirmation_date = up_header.qualification_confirmation_date;
    match upload {
        Message::ReferenceNumberRequest(ReferenceNumberRequest { registrations, .. }) => {
            // No counts in the header here: §8.2 lists none for 照会番号一括登録.
            let regs: Vec<_> = registrations.iter().map(|r| register(ds, st, r)).collect();
            let (registrations, units) = if set.registration_units {
                let units = regs
                    .into_iter()
                    .map(|mut r| RegistrationUnit {
                        outcome: std::mem::take(&mut r.outcome),
                        registration: Some(r),
                        ..Default::default()
                    })
                    .collect();
                (Vec::new(), units)
            } else {
                (regs, Vec::new())
            };
            Outcome::Answer {
                file,
                message: Message::ReferenceNumberResponse(ReferenceNumberResponse {
                    header,
                    registrations,
                    units,
                    ..Default::default()
                }),
            }
        }
        Message::QualificationRequest(QualificationRequest { queries, .. }) => {
            let units: Vec<ConfirmationResult> = match family {
                Family::BulkMedicalAssistance => {
                    let q = queries.first().cloned().unwrap_or_default();
                    ds.persons
                        .iter()
                        .filter(|p| p.is_public_assistance())
                        .map(|p| assisted_unit(p, st, &q, now))
                        .collect()
                }
                Family::BulkHomeVisit | Family::BulkOnline => {
                    let q = queries.first().cloned().unwrap_or_default();
                    let from = q.consent_date_from.or(q.examination_date_from);
                    let to = q.consent_date_to.or(q.examination_date_to);
                    ds.persons
                        .iter()
                        .filter(|p| {
                            let d = if family == Family::BulkHomeVisit {
                                p.home_visit_consent_date
                            } else {
                                p.online_consent_date
                            };
                            d.is_some_and(|d| {
                                from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)
                            })
                        })
                        .map(|p| assisted_unit(p, st, &q, now))
                        .collect()
                }
                _ => queries.iter().map(|q| unit_for(ds, st, q, now)).collect(),
            };
            count(&mut header, units.iter().map(|u| u.outcome.status.as_ref()));
            Outcome::Answer {
                file,
                message: Message::BulkQualificationResponse(BulkQualificationResponse {
                    header,
                    units,
                    ..Default::default()
                }),
            }
        }
        _ => reject("受付番号の要求の内容が読めません。"),
    }
}

/// A unit for a person found by a whole-clinic bulk family (医療扶助 / 訪問 / オンライン).
fn assisted_unit(
    p: &Person,
    st: &mut State,
    q: &QualificationQuery,
    now: NaiveDateTime,
) -> ConfirmationResult {
    let mut r = ConfirmationResult {
        outcome: ProcessingOutcome {
            status: Some(ProcessingResultStatus::Normal),
            ..Default::default()
        },
        query_echo: Some(q.clone()),
        ..Default::default()
    };
    person_unit(&mut r, p, st, now);
    r
}

fn count<'a>(
    h: &mut MessageHeader,
    statuses: impl Iterator<Item = Option<&'a ProcessingResultStatus>>,
) {
    let (mut n, mut ok) = (0u32, 0u32);
    for s in statuses {
        n += 1;
        if s == Some(&ProcessingResultStatus::Normal) {
            ok += 1;
        }
    }
    h.number_of_processing_result = Some(n);
    h.number_of_normal_processing = Some(ok);
    h.number_of_error = Some(n - ok);
}

fn el(name: &str, text: &str) -> UnknownElement {
    UnknownElement {
        name: name.into(),
        attributes: Vec::new(),
        text: Some(text.into()),
        children: Vec::new(),
    }
}

fn node(name: &str, children: Vec<UnknownElement>) -> UnknownElement {
    UnknownElement {
        name: name.into(),
        attributes: Vec::new(),
        text: None,
        children,
    }
}

/// A minimal valid PDF (one empty page) standing in for the document.
pub(crate) fn tiny_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

fn document(
    ds: &Dataset,
    family: Family,
    r: &DocumentRequest,
    mut header: MessageHeader,
    now: NaiveDateTime,
    file: String,
) -> Outcome {
    header.segment_of_result = None;
    header.character_code_identifier = None;
    let fail = |header: MessageHeader, msg: &str| Outcome::Answer {
        file: file.clone(),
        message: Message::DocumentResponse(DocumentResponse {
            outcome: DocumentOutcome {
                result_code: Some("2".into()),
                message_contents: Some(msg.into()),
            },
            header,
            ..Default::default()
        }),
    };
    let found = ds.find_by_card(&r.card);
    let [p] = found.as_slice() else {
        return fail(header, "該当する資格情報が見つかりません。");
    };
    let drug = family == Family::DrugInfo;
    let intent = if drug {
        p.consents.pharmacists
    } else {
        p.consents.specific_health_checkups
    };
    if intent != Some(ConsentIntent::Agreed) {
        return fail(
            header,
            if drug {
                "薬剤情報の閲覧について患者の同意が得られていません。"
            } else {
                "特定健診情報の閲覧について患者の同意が得られていません。"
            },
        );
    }
    if r.query.file_category == Some(FileCategory::Pdf)
        || r.query.file_category == Some(FileCategory::PdfWithTreatment)
    {
        let name = FileName::parse(&file)
            .map(|n| n.with_extension(crate::xml::Extension::Pdf).to_string())
            .unwrap_or(file);
        return Outcome::Pdf {
            file: name,
            bytes: tiny_pdf(),
        };
    }
    let q = p.qualifications.first().cloned().unwrap_or_default();
    let name = q
        .person
        .name
        .as_ref()
        .map(|n| n.expose().clone())
        .unwrap_or_default();
    let kana = q
        .person
        .name_kana
        .as_ref()
        .map(|n| n.expose().clone())
        .unwrap_or_default();
    let birth = p
        .birthdate()
        .map(|b| b.format("%Y%m%d").to_string())
        .unwrap_or_default();
    let sex = q
        .person
        .sex1
        .as_ref()
        .map(|s| s.wire().to_string())
        .unwrap_or_default();
    let body = if drug {
        header.extra.push(node(
            "QuaInf",
            vec![
                el("Name", &name),
                el("KanaName", &kana),
                el("Birth", &birth),
                el("AdmGendCode", &sex),
            ],
        ));
        p.drug_info
            .iter()
            .map(|m| {
                node(
                    "MeTrMonthInf",
                    vec![
                        el("MeTrMonth", &m.month),
                        el("MeTrDiHNm", &m.institution),
                        el("InOut", "2"),
                        node(
                            "DiDateInfs",
                            vec![node(
                                "DiDateInf",
                                vec![
                                    el("DiDate", &m.date),
                                    node(
                                        "DrugInfs",
                                        m.drugs
                                            .iter()
                                            .map(|d| {
                                                node(
                                                    "DrugInf",
                                                    vec![
                                                        el("DrugC", &d.code),
                                                        el("DrugN", &d.name),
                                                        el("Qua1", &d.quantity),
                                                        el("Unit", &d.unit),
                                                        el("UsageN", &d.usage),
                                                        el("Times", &d.days),
                                                    ],
                                                )
                                            })
                                            .collect(),
                                    ),
                                ],
                            )],
                        ),
                    ],
                )
            })
            .collect()
    } else {
        header.extra.push(node(
            "QualificationsInfo",
            vec![
                el("Name", &name),
                el("KanasName", &kana),
                el("Birthday", &birth),
                el("AdministrativeGenderCode", &sex),
            ],
        ));
        p.checkups
            .iter()
            .map(|c| {
                node(
                    "SpecificHealthCheckupInfo",
                    vec![
                        el("EffectiveTime", &c.date),
                        node(
                            "HealthCheckupResultAndQuestionInfos",
                            c.items
                                .iter()
                                .map(|i| {
                                    node(
                                        "HealthCheckupResultAndQuestionInfo",
                                        vec![
                                            el("ItemCode", &i.code),
                                            el("ItemName", &i.name),
                                            el("DataValue", &i.value),
                                            el("Unit", &i.unit),
                                        ],
                                    )
                                })
                                .collect(),
                        ),
                    ],
                )
            })
            .collect()
    };
    let _ = now;
    Outcome::Answer {
        file,
        message: Message::DocumentResponse(DocumentResponse {
            outcome: DocumentOutcome {
                result_code: Some("1".into()),
                ..Default::default()
            },
            header,
            body,
            ..Default::default()
        }),
    }
}

/// The face-reader result for `p` at `now` (a patient used their My Number card).
pub(crate) fn face_result(
    p: &Person,
    st: &mut State,
    set: &Settings,
    institution: Option<crate::ids::MedicalInstitutionCode>,
    token: &str,
    now: NaiveDateTime,
) -> QualificationResponse {
    let mut body = ConfirmationResult {
        outcome: ProcessingOutcome {
            status: Some(ProcessingResultStatus::Normal),
            ..Default::default()
        },
        prescription_issue_select: Some(PrescriptionIssueSelect::Electronic),
        ..Default::default()
    };
    person_unit(&mut body, p, st, now);
    // Face results carry the 照会番号 inside each qualification, not at body level.
    body.reference_numbers.clear();
    QualificationResponse {
        header: MessageHeader {
            process_execution_time: Some(now),
            qualification_confirmation_date: Some(now.date()),
            medical_institution_code: institution,
            arbitrary_file_identifier: Some(token.to_string()),
            reference_classification: Some(ReferenceClassification::MyNumberCard),
            segment_of_result: Some(SegmentOfResult::Normal),
            character_code_identifier: Some(char_code(set.encoding)),
            ..Default::default()
        },
        body,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MedicalInstitutionCode, Mode};
    use crate::model::{CardKey, DocumentQuery};
    use crate::xml::BulkDownloadRequest;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2025, 9, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    #[test]
    fn a_query_without_required_items_is_refused_naming_them() {
        let empty = QualificationQuery::default();
        assert_eq!(
            check_query(&empty).unwrap_err().to_string(),
            "必須項目（保険者番号・被保険者証番号・生年月日）がありません。"
        );
        let no_birthdate = QualificationQuery {
            card: CardKey {
                insurer_number: Some("06139992".parse().unwrap()),
                insured_identification_number: Some("1234".parse().unwrap()),
                ..CardKey::default()
            },
            ..QualificationQuery::default()
        };
        assert_eq!(
            check_query(&no_birthdate).unwrap_err().to_string(),
            "必須項目（生年月日）がありません。"
        );
    }

    fn set() -> Settings {
        Settings {
            encoding: Encoding::Utf8,
            processing_polls: 2,
            registration_units: false,
        }
    }

    fn header() -> MessageHeader {
        MessageHeader {
            medical_institution_code: Some(
                MedicalInstitutionCode::parse("1310000003", Mode::Strict).unwrap(),
            ),
            arbitrary_file_identifier: Some("afi-1".into()),
            qualification_confirmation_date: Some(now().date()),
            ..Default::default()
        }
    }

    fn query_for(p: &Person) -> QualificationQuery {
        p.query()
    }

    fn individual(ds: &Dataset, st: &mut State, q: QualificationQuery) -> QualificationResponse {
        let name = FileName::parse("OQSsiquc01req_1.xml").unwrap();
        let msg = Message::QualificationRequest(QualificationRequest {
            header: header(),
            queries: vec![q],
            ..Default::default()
        });
        match respond(ds, st, &set(), &name, msg, now()) {
            Outcome::Answer {
                file,
                message: Message::QualificationResponse(r),
            } => {
                assert_eq!(file, "OQSsiquc01res_1.xml");
                r
            }
            o => panic!("{o:?}"),
        }
    }

    fn by_label<'a>(ds: &'a Dataset, label: &str) -> &'a Person {
        ds.persons
            .iter()
            .find(|p| p.label.starts_with(label))
            .unwrap()
    }

    #[test]
    fn every_person_is_found_with_its_validity() {
        let ds = Dataset::demo();
        let mut st = State::default();
        for p in &ds.persons {
            if p.is_public_assistance() {
                continue;
            }
            let r = individual(&ds, &mut st, query_for(p));
            assert_eq!(r.header.arbitrary_file_identifier.as_deref(), Some("afi-1"));
            assert_eq!(r.header.segment_of_result, Some(SegmentOfResult::Normal));
            if p.processing_error.is_some() {
                assert_eq!(
                    r.body.outcome.status,
                    Some(ProcessingResultStatus::Error),
                    "{}",
                    p.id
                );
                continue;
            }
            assert_eq!(
                r.body.qualification_validity.as_ref(),
                Some(&p.validity),
                "{}",
                p.id
            );
            let expected = if p.validity == QualificationValidity::NotFound {
                0
            } else {
                p.qualifications.len()
            };
            assert_eq!(r.body.results.len(), expected, "{}", p.id);
        }
    }

    /// The persons of issue 12's honest result reasons answer as the advice expects.
    #[test]
    fn persons_for_the_reception_reasons() {
        use crate::diff::{self, Cause, NoticeKind, QueryKind, Returned};
        use crate::reception::Presentation;
        let ds = Dataset::demo();
        let mut st = State::default();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let notices = |p: &Person, st: &mut State, shown: Option<Presentation>| {
            let r = individual(&ds, st, query_for(p));
            let reg = p.qualifications.first().cloned().unwrap_or_default();
            let ctx =
                diff::DiffContext::new(today, QueryKind::InsuranceCard).with_presentation(shown);
            diff::compare(&reg, &Returned::from(&r.body), &ctx)
        };
        // An expired 電子証明書: 正常終了 with the 付帯情報, read as such.
        let p = by_label(&ds, "電子証明書 有効期限切れ（資格確認のみ");
        let r = individual(&ds, &mut st, query_for(p));
        assert_eq!(r.body.outcome.status, Some(ProcessingResultStatus::Normal));
        assert_eq!(r.body.outcome.code.as_deref(), Some("EMU4001"));
        let d = notices(p, &mut st, None);
        assert!(
            d.notices
                .iter()
                .any(|n| n.notice == NoticeKind::CertificateExpired)
        );
        let p = by_label(&ds, "電子証明書 有効期限間近");
        let d = notices(p, &mut st, None);
        assert!(
            d.notices
                .iter()
                .any(|n| n.notice == NoticeKind::CertificateExpiresSoon)
        );
        // A 資格確認書 holder's 記号・番号 query.
        let p = by_label(&ds, "資格確認書（国保");
        let d = notices(p, &mut st, Some(Presentation::QualificationCertificate));
        assert!(
            d.notices
                .iter()
                .any(|n| n.notice == NoticeKind::QualificationCertificateQuery)
        );
        // 特別療養費.
        let p = by_label(&ds, "特別療養費");
        let d = notices(p, &mut st, Some(Presentation::QualificationCertificate));
        assert!(
            d.notices
                .iter()
                .any(|n| n.notice == NoticeKind::SpecialMedicalExpense)
        );
        // 後期高齢 資格確認書: 84 or under is told about the お知らせ, 85 and over is not.
        for (label, told) in [
            ("後期高齢 資格確認書（84", true),
            ("後期高齢 資格確認書（85", false),
        ] {
            let p = by_label(&ds, label);
            let d = notices(p, &mut st, Some(Presentation::QualificationCertificate));
            assert_eq!(
                d.notices
                    .iter()
                    .any(|n| n.notice == NoticeKind::LateElderlyCertificateRule),
                told,
                "{label}"
            );
        }
        // A new member not registered yet: 該当資格なし, read with a recent 資格取得年月日.
        let p = by_label(&ds, "加入直後で該当資格なし");
        let r = individual(&ds, &mut st, query_for(p));
        assert_eq!(
            r.body.qualification_validity,
            Some(QualificationValidity::NotFound)
        );
        let registered = crate::model::Qualification {
            card: p.keys[0].clone(),
            qualification_date: Some(today - chrono::Duration::days(5)),
            ..Default::default()
        };
        let ctx = diff::DiffContext::new(today, QueryKind::InsuranceCard);
        let d = diff::compare(&registered, &Returned::from(&r.body), &ctx);
        assert_eq!(d.not_confirmed.unwrap().cause, Cause::NotFoundNewMember);
    }

    #[test]
    fn unknown_card_is_not_found_and_consents_are_relative_to_now() {
        let ds = Dataset::demo();
        let mut st = State::default();
        let mut q = query_for(&ds.persons[0]);
        q.card.insured_identification_number =
            Some(crate::ids::CardNumber::parse("999999", Mode::Strict).unwrap());
        let r = individual(&ds, &mut st, q);
        assert_eq!(
            r.body.qualification_validity,
            Some(QualificationValidity::NotFound)
        );
        assert!(r.body.results.is_empty());

        let agreed = by_label(&ds, "薬剤・特定健診 同意あり");
        let r = individual(&ds, &mut st, query_for(agreed));
        let c = &r.body.results[0].consents.pharmacists;
        assert!(c.is_valid_at(now()));
        assert!(!c.is_valid_at(now() + Duration::hours(25)));
        let expired = by_label(&ds, "薬剤 同意期限切れ");
        let r = individual(&ds, &mut st, query_for(expired));
        assert!(!r.body.results[0].consents.pharmacists.is_valid_at(now()));
    }

    #[test]
    fn malformed_requests_are_rejected() {
        let ds = Dataset::demo();
        let mut st = State::default();
        let name = FileName::parse("OQSsiquc01req_1.xml").unwrap();
        let two = Message::QualificationRequest(QualificationRequest {
            header: header(),
            queries: vec![QualificationQuery::default(), QualificationQuery::default()],
            ..Default::default()
        });
        assert!(matches!(
            respond(&ds, &mut st, &set(), &name, two, now()),
            Outcome::Reject { .. }
        ));
        let no_code = Message::QualificationRequest(QualificationRequest {
            queries: vec![query_for(&ds.persons[0])],
            ..Default::default()
        });
        assert!(matches!(
            respond(&ds, &mut st, &set(), &name, no_code, now()),
            Outcome::Reject { .. }
        ));
        let wrong = Message::DocumentRequest(DocumentRequest {
            header: header(),
            ..Default::default()
        });
        assert!(matches!(
            respond(&ds, &mut st, &set(), &name, wrong, now()),
            Outcome::Reject { .. }
        ));
    }

    #[test]
    fn bulk_is_processing_for_the_first_polls_then_answers() {
        let ds = Dataset::demo();
        let mut st = State::default();
        let up = FileName::parse("OQSmuquc01req_1.xml").unwrap();
        let qs: Vec<_> = ds.persons.iter().take(5).map(query_for).collect();
        let msg = Message::QualificationRequest(QualificationRequest {
            header: header(),
            queries: qs,
            ..Default::default()
        });
        let Outcome::Answer {
            message: Message::BulkUploadResponse(u),
            ..
        } = respond(&ds, &mut st, &set(), &up, msg, now())
        else {
            panic!()
        };
        let rn = u.receipt.reception_number.unwrap();
        let dl = FileName::parse("OQSmuquc02req_2.xml").unwrap();
        let ask = |st: &mut State, rn: &str| {
            let m = Message::BulkDownloadRequest(BulkDownloadRequest {
                header: MessageHeader {
                    medical_institution_code: header().medical_institution_code,
                    ..Default::default()
                },
                reception_number: rn.into(),
                ..Default::default()
            });
            match respond(&ds, st, &set(), &dl, m, now()) {
                Outcome::Answer {
                    message: Message::BulkQualificationResponse(b),
                    ..
                } => b,
                o => panic!("{o:?}"),
            }
        };
        for _ in 0..2 {
            assert_eq!(
                ask(&mut st, &rn).header.segment_of_result,
                Some(SegmentOfResult::Processing)
            );
        }
        let done = ask(&mut st, &rn);
        assert_eq!(done.header.segment_of_result, Some(SegmentOfResult::Normal));
        assert_eq!(done.units.len(), 5);
        assert_eq!(done.header.number_of_processing_result, Some(5));
        assert_eq!(
            done.header.arbitrary_file_identifier.as_deref(),
            Some("afi-1")
        );
        assert_eq!(
            ask(&mut st, "nope").header.segment_of_result,
            Some(SegmentOfResult::Abnormal)
        );
    }

    #[test]
    fn registration_then_face_result_carries_the_reference_number() {
        let ds = Dataset::demo();
        let mut st = State::default();
        let p = &ds.persons[1];
        let x = &p.qualifications[0];
        let reg = ReferenceNumberRegistration {
            card: CardKey {
                insurer_number: x.card.insurer_number.clone(),
                insured_card_symbol: x.card.insured_card_symbol.clone(),
                insured_identification_number: x.card.insured_identification_number.clone(),
                insured_branch_number: x.card.insured_branch_number.clone(),
            },
            reference_number: Some(Personal::new("K-77".into())),
            ..Default::default()
        };
        let name = FileName::parse("OQSsiimm01req_1.xml").unwrap();
        let msg = Message::ReferenceNumberRequest(ReferenceNumberRequest {
            header: header(),
            registrations: vec![reg],
            ..Default::default()
        });
        let Outcome::Answer {
            message: Message::ReferenceNumberResponse(r),
            ..
        } = respond(&ds, &mut st, &set(), &name, msg, now())
        else {
            panic!()
        };
        assert_eq!(r.outcome.status, Some(ProcessingResultStatus::Normal));
        let f = face_result(p, &mut st, &set(), None, "tok", now());
        assert_eq!(
            f.body.results[0]
                .reference_number
                .as_ref()
                .unwrap()
                .expose(),
            "K-77"
        );
        assert_eq!(
            f.header.reference_classification,
            Some(ReferenceClassification::MyNumberCard)
        );
        assert!(f.body.query_echo.is_none());
    }

    #[test]
    fn pmh_data_come_with_the_first_result_change_later_and_are_absent_when_not_provided() {
        use crate::terminal::dataset::PmhIntent;
        let ds = Dataset::demo();
        let mut st = State::default();
        let pmh = by_label(&ds, "公費 PMH あり");
        // Face result, then an individual query: the 上限額 changes from the second answer on.
        let first = face_result(pmh, &mut st, &set(), None, "tok", now());
        let pes = &first.body.results[0].public_expenses;
        assert_eq!(pes.len(), 2);
        assert_eq!(pes[0].max_copayment_amount, Some(10000));
        assert_eq!(pes[0].payer_number.as_ref().unwrap().as_str(), "54136015");
        let second = individual(&ds, &mut st, query_for(pmh));
        let pes = &second.body.results[0].public_expenses;
        assert_eq!(pes[0].max_copayment_amount, Some(20000));
        assert_eq!(
            pes[1], pmh.public_expenses[1],
            "the other 公費 is unchanged"
        );
        // Consent refused and a city not on PMH: the answers look alike, with no 公費.
        for label in ["公費 PMH 提供に同意しない", "公費 PMH 未対応の自治体"] {
            let p = by_label(&ds, label);
            assert_ne!(p.pmh, PmhIntent::Provided);
            assert!(
                !p.public_expenses.is_empty(),
                "{label}: holds a paper 受給者証"
            );
            let f = face_result(p, &mut st, &set(), None, "tok", now());
            assert!(f.body.results[0].public_expenses.is_empty(), "{label}");
            assert_eq!(
                f.body.qualification_validity,
                Some(QualificationValidity::Valid)
            );
        }
    }

    #[test]
    fn documents_follow_consent() {
        let ds = Dataset::demo();
        let mut st = State::default();
        let ask = |st: &mut State, p: &Person, fam: &str, cat: FileCategory| {
            let x = &p.qualifications[0];
            let name = FileName::parse(&format!("{fam}01req_1.xml")).unwrap();
            let m = Message::DocumentRequest(DocumentRequest {
                query: DocumentQuery {
                    file_category: Some(cat),
                    ..Default::default()
                },
                card: CardKey {
                    insurer_number: x.card.insurer_number.clone(),
                    insured_card_symbol: x.card.insured_card_symbol.clone(),
                    insured_identification_number: x.card.insured_identification_number.clone(),
                    insured_branch_number: x.card.insured_branch_number.clone(),
                },
                header: header(),
                ..Default::default()
            });
            respond(&ds, st, &set(), &name, m, now())
        };
        let yes = by_label(&ds, "薬剤・特定健診 同意あり");
        match ask(&mut st, yes, "YZKsiquc", FileCategory::Xml) {
            Outcome::Answer {
                message: Message::DocumentResponse(d),
                file,
            } => {
                assert_eq!(file, "YZKsiquc01res_1.xml");
                assert_eq!(d.outcome.result_code.as_deref(), Some("1"));
                assert_eq!(d.body[0].name, "MeTrMonthInf");
            }
            o => panic!("{o:?}"),
        }
        match ask(&mut st, yes, "TKKsiquc", FileCategory::Pdf) {
            Outcome::Pdf { file, bytes } => {
                assert_eq!(file, "TKKsiquc01res_1.pdf");
                assert!(bytes.starts_with(b"%PDF"));
            }
            o => panic!("{o:?}"),
        }
        let no = by_label(&ds, "薬剤 同意なし");
        match ask(&mut st, no, "YZKsiquc", FileCategory::Xml) {
            Outcome::Answer {
                message: Message::DocumentResponse(d),
                ..
            } => assert_eq!(d.outcome.result_code.as_deref(), Some("2")),
            o => panic!("{o:?}"),
        }
    }
}
