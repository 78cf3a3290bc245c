//! 公費 (PMH) as a first-class record, through the public Rust API: reading PMH data (the
//! provisional element names, their camelCase aliases, unknown content kept whole), the diff
//! (same classes, advice and messages as the qualification; no data = `unknown`, never 失効),
//! the history (apply, expire old / start new, unlink keeping data, audit, JSON by kind),
//! matching and the new-patient draft, and the emulator's PMH persons through the real client.

mod terminal_common;

use chrono::NaiveDate;
use onshi::codes::{Code, ProcessingResultStatus, PublicExpenseSource};
use onshi::diff::{
    self, Action, Advice, Cause, Class, DiffContext, NoticeKind, QueryKind, RecordKind, Returned,
    Verdict,
};
use onshi::history::{
    ApplyOptions, AuditKind, Choices, HistoryError, PublicExpenseHistory, QualificationHistory,
    ResultLink, ReviewContext, Source, Stamp, StartDatePolicy, VersionState,
};
use onshi::matching::{IdentityQuery, MatchReason, NewPatientDraft, PatientRecord, candidates};
use onshi::model::{ConfirmationResult, PublicExpense, PublicExpenseField, Qualification};
use onshi::terminal::{PmhIntent, now_jst};
use terminal_common::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn stamp(d: NaiveDate) -> Stamp {
    Stamp::new("受付 見本", d.and_hms_opt(9, 0, 0).unwrap())
}

fn nanbyo(cap: u32) -> PublicExpense {
    PublicExpense::from_json(&format!(
        r#"{{"payer_number":"54136015","recipient_number":"1234566",
            "certification_name":"特定医療費（指定難病）受給者証","income_segment":"一般所得Ⅰ",
            "max_copayment_amount":{cap},"valid_from":"2026-04-01","valid_to":"2027-03-31"}}"#
    ))
    .unwrap()
}

fn ctx(d: NaiveDate) -> DiffContext {
    DiffContext::new(d, QueryKind::MyNumberCard)
}

/// A face result carrying two 公費 in the provisional PMH block: one with PascalCase names
/// and an element onshi does not know, one with the PMH API's camelCase names.
const FACE_WITH_PMH: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg><MessageHeader><ReferenceClassification>1</ReferenceClassification>
<SegmentOfResult>1</SegmentOfResult><MedicalInstitutionCode>1310000003</MedicalInstitutionCode>
</MessageHeader><MessageBody><ProcessingResultStatus>1</ProcessingResultStatus>
<QualificationValidity>1</QualificationValidity><ResultList><ResultOfQualificationConfirmation>
<InsurerNumber>01130012</InsurerNumber><InsuredIdentificationNumber>6001</InsuredIdentificationNumber>
<Name>公費　一子</Name><Birthdate>19750601</Birthdate>
<MedicalSubsidyList>
 <MedicalSubsidyInfo>
  <MedicalSubsidyInsurerNumber>54136015</MedicalSubsidyInsurerNumber>
  <MedicalSubsidyRecipientNumber>1234566</MedicalSubsidyRecipientNumber>
  <CertificationName>特定医療費（指定難病）受給者証</CertificationName>
  <MaxCopaymentAmount>20000</MaxCopaymentAmount>
  <ValidFrom>20260401</ValidFrom><ValidTo>20270331</ValidTo>
  <CertificationDetail><CertificationDetailItem><ItemName>疾病名</ItemName><ItemValue>見本病</ItemValue></CertificationDetailItem></CertificationDetail>
  <LinkageSystemId>01</LinkageSystemId>
 </MedicalSubsidyInfo>
 <MedicalSubsidyInfo>
  <medicalSubsidyInsurerNumber>81136012</medicalSubsidyInsurerNumber>
  <medicalSubsidyRecipientNumber>HT-0000123456789</medicalSubsidyRecipientNumber>
  <isAlwaysReimbursement>true</isAlwaysReimbursement>
 </MedicalSubsidyInfo>
 <MedicalSubsidyExtension><Anything>kept</Anything></MedicalSubsidyExtension>
</MedicalSubsidyList>
</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>"#;

fn parse_face() -> ConfirmationResult {
    onshi::xml::parse(FACE_WITH_PMH.as_bytes())
        .unwrap()
        .message
        .into_qualification_response()
        .unwrap()
        .body
}

#[test]
fn pmh_data_are_read_by_the_provisional_names_and_unknown_content_is_kept_whole() {
    let body = parse_face();
    let pmh = Returned::public_expenses(&body);
    assert_eq!(pmh.records.len(), 2);
    let a = &pmh.records[0];
    assert_eq!(a.payer_number.as_ref().unwrap().as_str(), "54136015");
    assert_eq!(a.law_code(), Some("54"));
    assert_eq!(a.programme_label(), Some("指定難病（特定医療費）"));
    assert_eq!(a.max_copayment_amount, Some(20000));
    assert_eq!(
        a.certificate_items[0].value.as_ref().map(|v| v.as_str()),
        Some("見本病")
    );
    // A printed item (here a 疾病名) and the 受給者番号 are personal: never in Debug output.
    let debug = format!("{a:?}");
    assert!(
        !debug.contains("見本病") && !debug.contains("1234566"),
        "{debug}"
    );
    assert_eq!(a.extra[0].name, "LinkageSystemId", "unknown leaf kept");
    assert_eq!(a.source, None, "the terminal never sends a source");
    let b = &pmh.records[1];
    assert_eq!(
        b.recipient_number.as_ref().unwrap().as_str(),
        "HT-0000123456789",
        "a local 受給者番号 is text"
    );
    assert!(b.is_reimbursement());
    // Written back, nothing is lost (the unknown list item included).
    let q = &body.results[0];
    let bytes = onshi::xml::write(
        &onshi::xml::Message::QualificationResponse(onshi::xml::QualificationResponse {
            body: body.clone(),
            ..Default::default()
        }),
        onshi::xml::Encoding::ShiftJis,
    )
    .unwrap();
    let doc = onshi::xml::parse(&bytes).unwrap();
    // validate warns about nothing here (numbers and dates are right) …
    let findings = onshi::xml::validate(&doc);
    assert!(
        findings.iter().all(|f| !f.path.contains("MedicalSubsidy")),
        "{findings:?}"
    );
    let back = doc.message.into_qualification_response().unwrap();
    assert_eq!(&back.body.results[0], q);
    // … and about a wrong 検証番号 of a 公費負担者番号, without refusing the file.
    let odd = FACE_WITH_PMH.replace(">54136015<", ">54136016<");
    let doc = onshi::xml::parse(odd.as_bytes()).unwrap();
    let findings = onshi::xml::validate(&doc);
    assert!(
        findings.iter().any(|f| f
            .path
            .ends_with("MedicalSubsidyInfo[1]/MedicalSubsidyInsurerNumber")),
        "{findings:?}"
    );
}

#[test]
fn no_pmh_data_is_unknown_never_expired_and_asks_for_the_paper_certificate() {
    let registered = nanbyo(10000);
    let mut body = parse_face();
    body.results[0].public_expenses.clear();
    let d = diff::compare(
        &registered,
        &Returned::public_expenses(&body),
        &ctx(day(2026, 5, 7)),
    );
    assert_eq!(d.verdict, Verdict::Unknown);
    let nc = d.not_confirmed.as_ref().unwrap();
    assert_eq!(nc.cause, Cause::NoPmhData);
    assert!(nc.next_steps.iter().any(|s| s.contains("紙の受給者証")));
    let notice = &d.notices[0];
    assert_eq!(notice.notice, NoticeKind::NoPmhData);
    assert_eq!(
        notice.message,
        "医療費助成の情報が届いていません（未同意・自治体未対応・資格喪失のいずれか）。紙の受給者証を確認してください。"
    );
    assert!(d.fields.is_empty());
    // Applying it is refused and changes nothing: the 公費 stays current, not expired.
    let start = day(2026, 4, 1);
    let mut h = PublicExpenseHistory::new(
        registered,
        start,
        Source::manual(stamp(start).at),
        &stamp(start),
    );
    let before = h.clone();
    let review = h
        .review(
            Returned::public_expenses(&body),
            &ReviewContext::new("face-2", day(2026, 5, 7), QueryKind::MyNumberCard),
        )
        .unwrap();
    let err = h
        .apply(
            &review,
            &Choices::recommended(),
            &ApplyOptions::new(StartDatePolicy::ConfirmationDate, stamp(day(2026, 5, 7))),
        )
        .unwrap_err();
    assert_eq!(err, HistoryError::Unknown);
    assert_eq!(h, before);
    assert_eq!(h.current().unwrap().state, VersionState::Current);
    assert_eq!(h.current().unwrap().end, None);
    // Only another programme came back: still unknown for this one.
    let mut other = body.clone();
    other.results[0].public_expenses = vec![
        PublicExpense::from_json(r#"{"payer_number":"21137021","recipient_number":"7654320"}"#)
            .unwrap(),
    ];
    let d = diff::compare(
        &nanbyo(10000),
        &Returned::public_expenses(&other),
        &ctx(day(2026, 5, 7)),
    );
    assert_eq!(d.verdict, Verdict::Unknown);
    // A processing error is not_confirmed (the terminal failed), not unknown.
    let mut failed = body.clone();
    failed.outcome.status = Some(ProcessingResultStatus::Error);
    let d = diff::compare(
        &nanbyo(10000),
        &Returned::public_expenses(&failed),
        &ctx(day(2026, 5, 7)),
    );
    assert_eq!(d.verdict, Verdict::NotConfirmed);
    assert_eq!(d.not_confirmed.unwrap().cause, Cause::ProcessingError);
}

#[test]
fn the_same_classes_advice_and_messages_as_the_qualification() {
    let c = ctx(day(2026, 5, 7));
    // Identical: link only.
    let d = diff::compare_records(&nanbyo(10000), &nanbyo(10000), &c);
    assert_eq!(d.verdict, Verdict::Identical);
    assert!(d.fields.iter().all(|f| f.class == Class::Same));
    // 上限額: a new version.
    let d = diff::compare_records(&nanbyo(10000), &nanbyo(20000), &c);
    let f = d.field(PublicExpenseField::MaxCopaymentAmount).unwrap();
    assert_eq!(
        (f.class, f.advice, f.action),
        (
            Class::Different,
            Advice::CapChanged,
            Action::NewQualification
        )
    );
    assert!(f.message.contains("上限額"));
    assert_eq!(d.verdict, Verdict::NewQualification);
    // A renewed period: reflected in place.
    let mut renewed = nanbyo(10000);
    renewed.valid_to = Some(day(2028, 3, 31));
    let d = diff::compare_records(&nanbyo(10000), &renewed, &c);
    assert_eq!(d.verdict, Verdict::UpdateRecommended);
    assert_eq!(
        d.field(PublicExpenseField::ValidTo).unwrap().advice,
        Advice::PublicExpenseValidityChanged
    );
    // Width of the programme name: equivalent, nothing to do.
    let mut wide = nanbyo(10000);
    wide.certification_name = Some("特定医療費（指定難病）受給者証 ".into());
    let d = diff::compare_records(&nanbyo(10000), &wide, &c);
    assert_eq!(
        d.field(PublicExpenseField::CertificationName)
            .unwrap()
            .class,
        Class::Equivalent
    );
    // Only the clinic knows the end date (PMH sent none): keep it.
    let mut open_end = nanbyo(10000);
    open_end.valid_to = None;
    let f = diff::compare_records(&nanbyo(10000), &open_end, &c);
    assert_eq!(
        f.field(PublicExpenseField::ValidTo).unwrap().advice,
        Advice::NotReturned
    );
    // ● in a printed item is never taken.
    let mut marked = nanbyo(10000);
    marked.certification_name = Some("特定医療費（指定●病）受給者証".into());
    let d = diff::compare_records(&nanbyo(10000), &marked, &c);
    assert_eq!(
        d.field(PublicExpenseField::CertificationName)
            .unwrap()
            .action,
        Action::KeepRegistered
    );
    // A wrong 検証番号 is a notice, never a refusal; 償還払い and PMH's deleted flag too.
    let mut odd = nanbyo(10000);
    odd.payer_number = Some(
        onshi::ids::PublicExpensePayerNumber::parse("54136016", onshi::ids::Mode::Lenient).unwrap(),
    );
    odd.always_reimbursement = Some(onshi::codes::PmhFlag::True);
    odd.deleted = Some(onshi::codes::PmhFlag::from_wire("1"));
    let d = diff::compare_records(&odd, &odd, &c);
    let kinds: Vec<NoticeKind> = d.notices.iter().map(|n| n.notice).collect();
    assert!(kinds.contains(&NoticeKind::CheckDigitIgnored), "{kinds:?}");
    assert!(kinds.contains(&NoticeKind::Reimbursement), "{kinds:?}");
    assert!(kinds.contains(&NoticeKind::PmhRecordDeleted), "{kinds:?}");
    assert_eq!(
        d.verdict,
        Verdict::Identical,
        "deleted is told, not acted on"
    );
}

#[test]
fn the_registered_one_is_found_among_several_by_numbers_then_payer_then_programme() {
    let mut body = parse_face();
    let c = ctx(day(2026, 5, 7));
    // Same numbers: index 0 (the other 公費 is a different programme).
    let d = diff::compare(&nanbyo(10000), &Returned::public_expenses(&body), &c);
    assert_eq!(d.record_index, Some(0));
    assert!(
        d.notices
            .iter()
            .any(|n| n.notice == NoticeKind::SeveralPublicExpenses)
    );
    // The patient moved: a new 公費負担者番号 of the same programme is the same 公費, changed.
    let moved = PublicExpense::from_json(
        r#"{"payer_number":"54138011","recipient_number":"1234566","max_copayment_amount":10000}"#,
    )
    .unwrap();
    body.results[0].public_expenses[0] = moved;
    let d = diff::compare(&nanbyo(10000), &Returned::public_expenses(&body), &c);
    assert_eq!(d.record_index, Some(0));
    assert_eq!(
        d.field(PublicExpenseField::PayerNumber).unwrap().advice,
        Advice::PublicExpenseChanged
    );
    // Two 公費 of that programme: neither is assumed to be this one.
    let twin = body.results[0].public_expenses[0].clone();
    body.results[0].public_expenses.push(twin);
    let d = diff::compare(&nanbyo(10000), &Returned::public_expenses(&body), &c);
    assert_eq!(d.verdict, Verdict::Unknown);
}

#[test]
fn a_public_expense_history_expires_the_old_and_starts_the_new_unlinks_and_audits() {
    let d0 = day(2026, 4, 10);
    let link = ResultLink::new("face-1", d0);
    let mut h =
        PublicExpenseHistory::from_result(nanbyo(10000), day(2026, 4, 1), &link, &stamp(d0));
    assert_eq!(h.kind, RecordKind::PublicExpense);
    assert_eq!(
        h.current().unwrap().qualification.source,
        Some(PublicExpenseSource::Pmh),
        "from a result: source pmh"
    );
    // Same period, new 上限額: the old version closes the day before the policy date.
    let d1 = day(2026, 6, 15);
    let review = h
        .review(
            Returned::record(&nanbyo(20000)),
            &ReviewContext::new("face-2", d1, QueryKind::MyNumberCard),
        )
        .unwrap();
    assert_eq!(review.verdict(), Verdict::NewQualification);
    let how = ApplyOptions::new(StartDatePolicy::FirstOfMonth, stamp(d1));
    let events = h.apply(&review, &Choices::recommended(), &how).unwrap();
    assert_eq!(h.versions.len(), 2);
    assert_eq!(h.versions[0].end, Some(day(2026, 5, 31)));
    assert_eq!(h.versions[0].state, VersionState::Superseded);
    assert_eq!(
        h.versions[0].qualification.max_copayment_amount,
        Some(10000),
        "old kept"
    );
    assert_eq!(h.versions[1].start, day(2026, 6, 1));
    assert_eq!(
        h.versions[1].qualification.max_copayment_amount,
        Some(20000)
    );
    assert!(matches!(&events[1].kind, AuditKind::Opened { fields, .. }
        if fields == &vec![PublicExpenseField::MaxCopaymentAmount]));
    // Applying the same result again changes nothing.
    let again = h.clone();
    assert!(
        h.apply(&review, &Choices::recommended(), &how)
            .unwrap()
            .is_empty()
    );
    assert_eq!(h, again);
    // A renewed 受給者証 (new period) starts on its own 有効開始日.
    let mut renewed = nanbyo(20000);
    renewed.valid_from = Some(day(2027, 4, 1));
    renewed.valid_to = Some(day(2028, 3, 31));
    renewed.income_segment = Some("一般所得Ⅱ".into());
    let d2 = day(2027, 4, 3);
    let review = h
        .review(
            Returned::record(&renewed),
            &ReviewContext::new("face-3", d2, QueryKind::MyNumberCard),
        )
        .unwrap();
    h.apply(
        &review,
        &Choices::recommended(),
        &ApplyOptions::new(StartDatePolicy::ConfirmationDate, stamp(d2)),
    )
    .unwrap();
    assert_eq!(h.versions[2].start, day(2027, 4, 1));
    assert_eq!(
        h.versions[2].qualification.valid_to,
        Some(day(2028, 3, 31)),
        "dates reflected with it"
    );
    // Unlink keeps the data and records who did it.
    let ev = h.unlink(h.versions[2].id, &stamp(d2)).unwrap();
    assert!(matches!(ev.kind, AuditKind::Unlinked { ref result_id } if result_id == "face-3"));
    assert_eq!(h.versions[2].qualification, {
        let mut want = renewed.clone();
        want.source = Some(PublicExpenseSource::Pmh);
        want
    });
    // Expire after 資格喪失 (staff decision).
    h.expire(h.versions[2].id, day(2027, 9, 30), &stamp(d2))
        .unwrap();
    assert_eq!(h.current().unwrap().state, VersionState::Expired);
    // JSON: by kind, and a history of the other kind is refused.
    let json = h.to_json();
    assert!(json.contains("\"kind\":\"public_expense\""));
    assert_eq!(PublicExpenseHistory::from_json(&json).unwrap(), h);
    let err = QualificationHistory::from_json(&json).unwrap_err();
    assert_eq!(err.code(), onshi::ffi::status::ONSHI_HISTORY_WRONG_KIND);
    let q = QualificationHistory::new(
        Qualification::default(),
        d0,
        Source::manual(stamp(d0).at),
        &stamp(d0),
    );
    assert!(PublicExpenseHistory::from_json(&q.to_json()).is_err());
    // A qualification history written before 公費 existed (no "kind") still reads.
    let old = q.to_json().replace("\"kind\":\"qualification\",", "");
    assert!(!old.contains("\"qualification\",\"versions\"") && old.starts_with("{\"versions\""));
    assert_eq!(QualificationHistory::from_json(&old).unwrap(), q);
}

#[test]
fn matching_uses_the_public_expense_numbers_and_the_draft_takes_them_out() {
    let body = parse_face();
    let face = &body.results[0];
    let patient = PatientRecord {
        patient_id: "K-6001".into(),
        public_expenses: vec![nanbyo(10000)],
        ..Default::default()
    };
    let other = PatientRecord {
        patient_id: "K-9999".into(),
        ..Default::default()
    };
    let found = candidates(&IdentityQuery::from(face), &[other, patient]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].patient_id, "K-6001");
    assert!(found[0].reasons.contains(&MatchReason::PublicExpense));
    let draft = NewPatientDraft::from_result(face);
    assert!(draft.qualification.public_expenses.is_empty());
    assert_eq!(draft.public_expenses.len(), 2);
    assert!(
        draft
            .public_expenses
            .iter()
            .all(|p| p.source == Some(PublicExpenseSource::Pmh))
    );
}

#[test]
fn medical_assistance_is_a_public_expense_too() {
    let q = Qualification::from_json(
        r#"{"insured_card_classification":"A1","insurer_number":"12136016",
            "insured_identification_number":"1234566","insurer_name":"見本区福祉事務所",
            "qualification_date":"2024-03-01"}"#,
    )
    .unwrap();
    let p = PublicExpense::from_medical_assistance(&q).unwrap();
    assert!(p.is_public_assistance());
    assert_eq!(p.source, Some(PublicExpenseSource::MedicalAssistance));
    assert_eq!(p.valid_from, Some(day(2024, 3, 1)));
    assert!(PublicExpense::from_medical_assistance(&Qualification::default()).is_none());
}

#[test]
fn the_emulator_sends_pmh_data_changes_the_cap_and_is_silent_for_refused_and_unconnected() {
    let (_d, emu, client) = setup();
    let ds = emu.dataset().clone();
    let p60 = ds.persons.iter().find(|p| p.id == "P60").unwrap();
    assert_eq!(p60.pmh, PmhIntent::Provided);
    let today = now_jst().date();
    // First visit (face): register the 公費 from what PMH sent.
    emu.push_face("P60").unwrap();
    let ev = client.next_face(T).unwrap().expect("a face result");
    let r = ev.result.as_ref().unwrap().clone();
    client.ack_face(&ev).unwrap();
    let sent = Returned::public_expenses(&r.body);
    assert_eq!(sent.records.len(), 2);
    let link = ResultLink::new(ev.file_name.clone(), today);
    let mut h = PublicExpenseHistory::from_result(
        sent.records[0].clone(),
        day(2026, 4, 1),
        &link,
        &stamp(today),
    );
    // Next visit (個別照会): 上限額 1万円 → 2万円.
    let r = client.query(p60.query(), today, T).unwrap();
    let review = h
        .review(
            Returned::public_expenses(&r.body),
            &ReviewContext::new("visit-2", today, QueryKind::InsuranceCard),
        )
        .unwrap();
    assert_eq!(review.verdict(), Verdict::NewQualification);
    assert_eq!(
        review
            .diff
            .field(PublicExpenseField::MaxCopaymentAmount)
            .unwrap()
            .advice,
        Advice::CapChanged
    );
    h.apply(
        &review,
        &Choices::recommended(),
        &ApplyOptions::new(StartDatePolicy::FirstOfMonth, stamp(today)),
    )
    .unwrap();
    assert_eq!(
        h.current().unwrap().qualification.max_copayment_amount,
        Some(20000)
    );
    // Consent refused / city not connected: the paper 受給者証 is registered by hand, and
    // every answer is unknown for it — both look the same.
    for id in ["P61", "P62"] {
        let p = ds.persons.iter().find(|p| p.id == id).unwrap();
        let mut paper = p.public_expenses[0].clone();
        paper.source = Some(PublicExpenseSource::Paper);
        let h = PublicExpenseHistory::new(
            paper,
            day(2025, 7, 1),
            Source::manual(stamp(today).at),
            &stamp(today),
        );
        let r = client.query(p.query(), today, T).unwrap();
        let review = h
            .review(
                Returned::public_expenses(&r.body),
                &ReviewContext::new(format!("{id}-1"), today, QueryKind::InsuranceCard),
            )
            .unwrap();
        assert_eq!(review.verdict(), Verdict::Unknown, "{id}");
        assert_eq!(review.diff.notices[0].notice, NoticeKind::NoPmhData, "{id}");
    }
    assert_eq!(emu.stats().rejected, 0);
}
