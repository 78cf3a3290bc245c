//! 医療扶助 in a review: the 医療券 checked against the clinic (指定医療機関, 社会保険の整合性,
//! 診療別 against the clinic's kind) and the day, the monthly window in which this month's ticket
//! is not registered yet (valid, re-check on a given day — never 無効), and a bulk result's
//! 限度額情報変更有無.

use chrono::NaiveDate;
use onshi::codes::*;
use onshi::diff::{
    self, ClinicKind, DiffContext, NoticeKind, QueryKind, RecheckReason, Returned, Verdict,
};
use onshi::history::{QualificationHistory, ReviewContext, Source, Stamp};
use onshi::ids::{InsurerNumber, Mode};
use onshi::model::{MedicalTicket, Qualification};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn recipient() -> Qualification {
    let mut q = Qualification {
        insured_card_classification: Some(InsuredCardClassification::MedicalAssistance),
        ..Default::default()
    };
    q.card.insurer_number = Some(InsurerNumber::parse("12130019", Mode::Lenient).unwrap());
    q.person.name = Some("扶助　静香".into());
    q
}

fn ticket(month: &str) -> MedicalTicket {
    MedicalTicket {
        ticket_type: Some(TicketType::Medical),
        medical_treatment_month: Some(month.into()),
        valid_date: Some(day(2026, 10, 1)),
        expiration_date: Some(day(2026, 10, 31)),
        medical_treatment_type: Some(MedicalTreatmentType::Outpatient),
        designated_medical_institution_flag: Some(DesignatedInstitutionFlag::Matches),
        ..Default::default()
    }
}

/// The notices, without the one every 医療扶助 answer carries (no card to query by).
fn kinds(d: &diff::Diff) -> Vec<NoticeKind> {
    d.notices
        .iter()
        .map(|n| n.notice)
        .filter(|k| *k != NoticeKind::PublicAssistanceOnly)
        .collect()
}

fn compare(
    returned: &Qualification,
    validity: QualificationValidity,
    on: NaiveDate,
    clinic: Option<ClinicKind>,
) -> diff::Diff {
    let answer = Returned {
        validity: Some(&validity),
        records: std::slice::from_ref(returned),
        ..Returned::default()
    };
    let mut ctx = DiffContext::new(on, QueryKind::MyNumberCard);
    if let Some(k) = clinic {
        ctx = ctx.with_clinic_kind(k);
    }
    diff::compare(&recipient(), &answer, &ctx)
}

#[test]
fn early_in_the_month_an_unregistered_ticket_is_a_recheck_not_invalid() {
    let r = recipient();
    for on in [day(2026, 10, 1), day(2026, 10, 14), day(2026, 10, 20)] {
        let d = compare(&r, QualificationValidity::ValidUnregistered, on, None);
        assert_ne!(d.verdict, Verdict::NotConfirmed);
        assert!(d.not_confirmed.is_none());
        assert!(
            kinds(&d).contains(&NoticeKind::TicketNotYetRegistered),
            "{on}"
        );
        assert!(!kinds(&d).contains(&NoticeKind::ValidUnregistered));
        let rc = d.recheck.as_ref().expect("a day to re-check");
        assert_eq!(rc.reason, RecheckReason::TicketNotYetRegistered);
        assert_eq!(rc.on, day(2026, 10, 21));
        assert_eq!(rc.month, "202610");
        assert!(rc.message.contains("15日〜20日"));
        let n = d
            .notices
            .iter()
            .find(|n| n.notice == NoticeKind::TicketNotYetRegistered)
            .unwrap();
        assert_eq!(n.detail.as_deref(), Some("再確認日: 2026-10-21"));
        // In the JSON of the diff too.
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["recheck"]["on"], "2026-10-21");
        assert_eq!(json["recheck"]["reason"], "ticket_not_yet_registered");
    }
    // After the window: still valid, but now ask the welfare office; nothing to re-check.
    let d = compare(
        &r,
        QualificationValidity::ValidUnregistered,
        day(2026, 10, 21),
        None,
    );
    assert_eq!(kinds(&d), [NoticeKind::ValidUnregistered]);
    assert!(d.recheck.is_none());
}

#[test]
fn a_valid_answer_with_only_last_months_ticket_is_the_same_window() {
    let mut r = recipient();
    r.medical_tickets = vec![ticket("202609")];
    let d = compare(&r, QualificationValidity::Valid, day(2026, 10, 3), None);
    assert_eq!(
        kinds(&d),
        [
            NoticeKind::TicketOtherMonth,
            NoticeKind::TicketNotYetRegistered
        ]
    );
    assert_eq!(d.recheck.as_ref().unwrap().on, day(2026, 10, 21));
    // This month's ticket is there: no window.
    r.medical_tickets.push(ticket("202610"));
    let d = compare(&r, QualificationValidity::Valid, day(2026, 10, 3), None);
    assert!(kinds(&d).is_empty(), "{:?}", kinds(&d));
    assert!(d.recheck.is_none());
}

#[test]
fn the_ticket_is_checked_against_the_clinic_and_the_day() {
    let mut r = recipient();
    let mut t = ticket("202610");
    t.designated_medical_institution_flag = Some(DesignatedInstitutionFlag::Differs);
    t.designated_medical_institution_name = Some("見本歯科".into());
    t.consistency_flag = Some(ConsistencyFlag::Inconsistent);
    t.self_pay_amount = Some(1_500);
    t.single_or_combined_use = Some(SingleOrCombinedUse::Combined);
    t.status_of_infection = Some(InfectionStatus::Yes);
    t.status_of_elderly_medical_care = Some(ElderlyMedicalCareStatus::Yes);
    r.medical_tickets = vec![t];
    let on = day(2026, 10, 5);
    // A dental clinic and a 入院外 ticket.
    let d = compare(
        &r,
        QualificationValidity::Valid,
        on,
        Some(ClinicKind::Dental),
    );
    assert_eq!(
        kinds(&d),
        [
            NoticeKind::DesignatedInstitutionMismatch,
            NoticeKind::SocialInsuranceInconsistent,
            NoticeKind::TreatmentTypeMismatch,
            NoticeKind::SelfPayDue,
            NoticeKind::CombinedWithInsurance,
            NoticeKind::TuberculosisCombined,
            NoticeKind::LateElderlyCombined,
        ]
    );
    let detail = |k| {
        d.notices
            .iter()
            .find(|n| n.notice == k)
            .and_then(|n| n.detail.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        detail(NoticeKind::TreatmentTypeMismatch),
        "医療券の診療別: 02 入院外 / 自院: 歯科"
    );
    assert_eq!(detail(NoticeKind::SelfPayDue), "本人支払額: 1500円");
    assert_eq!(
        detail(NoticeKind::DesignatedInstitutionMismatch),
        "医療券の指定医療機関: 見本歯科"
    );
    let message = |k| {
        d.notices
            .iter()
            .find(|n| n.notice == k)
            .map(|n| n.message.clone())
            .unwrap_or_default()
    };
    assert!(
        message(NoticeKind::DesignatedInstitutionMismatch)
            .contains("指定医療機関が自院と一致しません")
    );
    assert!(
        message(NoticeKind::SocialInsuranceInconsistent).contains("社会保険の状況と整合しません")
    );
    // A 医科 clinic: the 診療別 fits; no clinic kind given: not judged.
    for clinic in [
        Some(ClinicKind::Medical),
        Some(ClinicKind::MedicalOutpatient),
        None,
    ] {
        let d = compare(&r, QualificationValidity::Valid, on, clinic);
        assert!(
            !kinds(&d).contains(&NoticeKind::TreatmentTypeMismatch),
            "{clinic:?}"
        );
    }
    // Outside the ticket's validity; a 調剤券 at a clinic.
    let mut r = recipient();
    let mut t = ticket("202610");
    t.valid_date = Some(day(2026, 10, 10));
    t.ticket_type = Some(TicketType::Dispensing);
    r.medical_tickets = vec![t];
    let d = compare(
        &r,
        QualificationValidity::Valid,
        on,
        Some(ClinicKind::Medical),
    );
    assert!(kinds(&d).contains(&NoticeKind::TicketOutsideValidity));
    assert!(kinds(&d).contains(&NoticeKind::DispensingTicket));
    let d = compare(
        &r,
        QualificationValidity::Valid,
        on,
        Some(ClinicKind::Pharmacy),
    );
    assert!(!kinds(&d).contains(&NoticeKind::DispensingTicket));
}

#[test]
fn a_limit_change_flag_asks_for_an_individual_query() {
    let mut q = Qualification::default();
    q.person.name = Some("見本　太郎".into());
    q.limit_certificate_changed = Some(LimitInfoChanged::ChangedOrUnknown);
    let d = diff::compare_records(&q, &q, &DiffContext::new(day(2026, 8, 3), QueryKind::Bulk));
    let n = d
        .notices
        .iter()
        .find(|n| n.notice == NoticeKind::LimitInfoChanged)
        .expect("a notice");
    assert!(n.message.contains("個別照会"));
    q.limit_certificate_changed = Some(LimitInfoChanged::Unchanged);
    let d = diff::compare_records(&q, &q, &DiffContext::new(day(2026, 8, 3), QueryKind::Bulk));
    assert!(d.notices.is_empty());
}

#[test]
fn the_review_carries_the_clinic_kind_and_the_recheck() {
    let at = day(2026, 10, 2).and_hms_opt(9, 0, 0).unwrap();
    let stamp = Stamp::new("受付", at);
    let history =
        QualificationHistory::new(recipient(), day(2024, 4, 1), Source::manual(at), &stamp);
    let mut returned = recipient();
    let mut t = ticket("202610");
    t.medical_treatment_type = Some(MedicalTreatmentType::Inpatient);
    returned.medical_tickets = vec![t];
    let answer = Returned {
        validity: Some(&QualificationValidity::Valid),
        records: std::slice::from_ref(&returned),
        ..Returned::default()
    };
    let ctx = ReviewContext::new(
        "OQSsiquc01res_1.xml",
        day(2026, 10, 2),
        QueryKind::MyNumberCard,
    )
    .with_clinic_kind(ClinicKind::MedicalOutpatient);
    let review = history.review(answer, &ctx).unwrap();
    assert_eq!(
        review.diff.context.clinic_kind,
        Some(ClinicKind::MedicalOutpatient)
    );
    assert!(
        review
            .diff
            .notices
            .iter()
            .any(|n| n.notice == NoticeKind::TreatmentTypeMismatch)
    );
    // The context round-trips through JSON (a review is stored between screens).
    let json = serde_json::to_string(&ctx).unwrap();
    assert!(json.contains("\"clinic_kind\":\"medical_outpatient\""));
    assert_eq!(serde_json::from_str::<ReviewContext>(&json).unwrap(), ctx);
    // Without a ticket for the month, the review says when to ask again.
    let bare = recipient();
    let answer = Returned {
        validity: Some(&QualificationValidity::ValidUnregistered),
        records: std::slice::from_ref(&bare),
        ..Returned::default()
    };
    let review = history.review(answer, &ctx).unwrap();
    assert_eq!(review.diff.recheck.as_ref().unwrap().on, day(2026, 10, 21));
    let _ = history.current();
}
