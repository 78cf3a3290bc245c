//! Reception after the paper 保険証 (issue 12 items 3 and 6): the advice that depends on what
//! the patient presented, on the date and on a result's 付帯情報, and the presentation kept
//! with each confirmation in the history. Every value is fictitious.

use chrono::NaiveDate;
use onshi::Personal;
use onshi::codes::*;
use onshi::diff::{
    self, Action, Advice, Cause, Class, DiffContext, NoticeKind, QueryKind, Returned, Verdict,
};
use onshi::history::{
    ApplyOptions, AuditKind, Choices, QualificationHistory, ReviewContext, Source, Stamp,
    StartDatePolicy,
};
use onshi::ids::{CardNumber, InsurerNumber, Mode};
use onshi::model::{CardKey, Field, PersonIdentity, Qualification};
use onshi::reception::Presentation;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A valid 保険者番号 from its body (the check digit is computed).
fn insurer(body: &str) -> InsurerNumber {
    let cd = onshi::ids::check_digit(body).unwrap();
    InsurerNumber::parse(&format!("{body}{cd}"), Mode::Strict).unwrap()
}

/// A 国保 member (保険者番号 138xxx, 6 digits).
fn kokuho() -> Qualification {
    Qualification {
        card: CardKey {
            insurer_number: Some(insurer("13805")),
            insured_identification_number: Some(CardNumber::parse("3022", Mode::Strict).unwrap()),
            ..Default::default()
        },
        person: PersonIdentity {
            name: Some("見本　一郎".into()),
            birthdate: Some(Personal::new(day(1970, 5, 1))),
            address: Some("東京都見本区見本町１－１".into()),
            ..Default::default()
        },
        insured_card_classification: Some(InsuredCardClassification::General),
        qualification_date: Some(day(2010, 4, 1)),
        ..Default::default()
    }
}

/// A 後期高齢者医療 member (保険者番号 39xxxxxx) born on `birth`.
fn late_elderly(birth: NaiveDate) -> Qualification {
    Qualification {
        card: CardKey {
            insurer_number: Some(insurer("3913001")),
            insured_identification_number: Some(
                CardNumber::parse("00012345", Mode::Strict).unwrap(),
            ),
            ..Default::default()
        },
        person: PersonIdentity {
            name: Some("見本　トメ".into()),
            birthdate: Some(Personal::new(birth)),
            address: Some("東京都見本区南町３－３".into()),
            post_number: Some("100-0003".into()),
            ..Default::default()
        },
        insured_partial_contribution_ratio: onshi::model::Ratio::from_percent(10),
        ..Default::default()
    }
}

fn ctx(date: NaiveDate, kind: QueryKind, shown: Option<Presentation>) -> DiffContext {
    DiffContext::new(date, kind).with_presentation(shown)
}

fn notices(d: &diff::Diff) -> Vec<NoticeKind> {
    d.notices.iter().map(|n| n.notice).collect()
}

#[test]
fn notice_alone_is_tolerated_until_march_2026_and_refused_after() {
    let q = kokuho();
    let shown = Some(Presentation::OtherDocument);
    let before = diff::compare_records(
        &q,
        &q,
        &ctx(day(2026, 3, 31), QueryKind::InsuranceCard, shown),
    );
    assert_eq!(notices(&before), vec![NoticeKind::NoticeAloneTolerated]);
    let after = diff::compare_records(
        &q,
        &q,
        &ctx(day(2026, 4, 1), QueryKind::InsuranceCard, shown),
    );
    assert_eq!(notices(&after), vec![NoticeKind::NoticeAloneNotAccepted]);
    assert!(after.notices[0].message.contains("資格情報のお知らせ"));
    // The presentation is never a difference of 資格.
    assert_eq!(after.verdict, Verdict::Identical);
    // Not recorded: nothing is said.
    let none = diff::compare_records(
        &q,
        &q,
        &ctx(day(2026, 4, 1), QueryKind::InsuranceCard, None),
    );
    assert!(none.notices.is_empty());
}

#[test]
fn a_face_result_is_a_my_number_card_whatever_was_typed() {
    let q = kokuho();
    let c = ctx(
        day(2026, 12, 7),
        QueryKind::MyNumberCard,
        Some(Presentation::QualificationCertificate),
    );
    let d = diff::compare_records(&q, &q, &c);
    assert!(d.notices.is_empty(), "{:?}", notices(&d));
    // Through the history, the link keeps the resolved presentation.
    let r = ReviewContext::new(
        "OQSsiquc01res_face_1.xml",
        day(2026, 12, 7),
        QueryKind::MyNumberCard,
    )
    .with_presentation(Presentation::QualificationCertificate);
    assert_eq!(r.resolved_presentation(), Some(Presentation::MyNumberCard));
    let phone = r
        .clone()
        .with_presentation(Presentation::MyNumberSmartphone);
    assert_eq!(
        phone.resolved_presentation(),
        Some(Presentation::MyNumberSmartphone)
    );
}

#[test]
fn a_qualification_certificate_holder_queried_by_card_number_is_told_what_to_check() {
    let q = kokuho();
    let d = diff::compare_records(
        &q,
        &q,
        &ctx(
            day(2026, 12, 7),
            QueryKind::InsuranceCard,
            Some(Presentation::QualificationCertificate),
        ),
    );
    assert_eq!(notices(&d), vec![NoticeKind::QualificationCertificateQuery]);
    assert!(d.notices[0].message.contains("有効期限"));
    // 特別療養費 (a 資格確認書 of a member in arrears): 10割.
    let mut special = kokuho();
    special.insured_card_classification = Some(InsuredCardClassification::from_wire("05"));
    let d = diff::compare_records(
        &special,
        &special,
        &ctx(
            day(2026, 12, 7),
            QueryKind::InsuranceCard,
            Some(Presentation::QualificationCertificate),
        ),
    );
    assert!(notices(&d).contains(&NoticeKind::SpecialMedicalExpense));
    let n = d
        .notices
        .iter()
        .find(|n| n.notice == NoticeKind::SpecialMedicalExpense)
        .unwrap();
    assert!(n.message.contains("10割"));
}

#[test]
fn the_late_elderly_certificate_has_no_address_so_a_missing_address_is_not_a_difference() {
    let registered = late_elderly(day(1945, 1, 1));
    // What staff typed from the 資格確認書: no address, no postal code.
    let mut document = registered.clone();
    document.person.address = None;
    document.person.post_number = None;
    let shown = ctx(
        day(2026, 7, 1),
        QueryKind::Records,
        Some(Presentation::QualificationCertificate),
    );
    let d = diff::compare_records(&registered, &document, &shown);
    for f in [Field::Address, Field::PostNumber] {
        let fd = d.field(f).unwrap();
        assert_eq!(fd.class, Class::OnlyRegistered);
        assert_eq!(fd.advice, Advice::AddressNotOnCertificate, "{f:?}");
        assert_eq!(fd.action, Action::Ignore);
        assert!(fd.message.contains("住所が記載されていません"));
    }
    assert_eq!(d.verdict, Verdict::Identical);
    // Not for a 国保 資格確認書, nor without a recorded presentation.
    let mut kk = kokuho();
    let reg = kk.clone();
    kk.person.address = None;
    let d = diff::compare_records(&reg, &kk, &shown);
    assert_ne!(
        d.field(Field::Address).unwrap().advice,
        Advice::AddressNotOnCertificate
    );
    let d = diff::compare_records(
        &registered,
        &document,
        &ctx(day(2026, 7, 1), QueryKind::Records, None),
    );
    assert_ne!(
        d.field(Field::Address).unwrap().advice,
        Advice::AddressNotOnCertificate
    );
}

#[test]
fn the_late_elderly_rule_of_august_2026_by_age() {
    let shown = Some(Presentation::QualificationCertificate);
    // 84 on 2026-08-01 (born 1941-08-02): told about the お知らせ.
    let young = late_elderly(day(1941, 8, 2));
    let d = diff::compare_records(
        &young,
        &young,
        &ctx(day(2026, 8, 1), QueryKind::InsuranceCard, shown),
    );
    assert!(
        notices(&d).contains(&NoticeKind::LateElderlyCertificateRule),
        "{:?}",
        notices(&d)
    );
    // 85 that day (born 1941-08-01): the 資格確認書 is theirs by rule.
    let old = late_elderly(day(1941, 8, 1));
    let d = diff::compare_records(
        &old,
        &old,
        &ctx(day(2026, 8, 1), QueryKind::InsuranceCard, shown),
    );
    assert!(!notices(&d).contains(&NoticeKind::LateElderlyCertificateRule));
    // Before 2026-08-01 everyone has a 資格確認書.
    let d = diff::compare_records(
        &young,
        &young,
        &ctx(day(2026, 7, 31), QueryKind::InsuranceCard, shown),
    );
    assert!(!notices(&d).contains(&NoticeKind::LateElderlyCertificateRule));
    // Not for other insurers.
    let mut k = kokuho();
    k.person.birthdate = Some(Personal::new(day(1950, 1, 1)));
    let d = diff::compare_records(
        &k,
        &k,
        &ctx(day(2026, 12, 1), QueryKind::InsuranceCard, shown),
    );
    assert!(!notices(&d).contains(&NoticeKind::LateElderlyCertificateRule));
}

#[test]
fn an_expired_electronic_certificate_is_named_with_the_terminal_text_kept() {
    let q = kokuho();
    let c = ctx(day(2026, 12, 7), QueryKind::MyNumberCard, None);
    let expired = Returned {
        status: Some(&ProcessingResultStatus::Normal),
        result_code: Some("EMU4001"),
        result_message: Some("電子証明書の有効期限が切れています。"),
        validity: Some(&QualificationValidity::Valid),
        records: std::slice::from_ref(&q),
    };
    let d = diff::compare(&q, &expired, &c);
    assert_eq!(d.verdict, Verdict::Identical, "資格 is confirmed");
    assert_eq!(notices(&d), vec![NoticeKind::CertificateExpired]);
    assert_eq!(
        d.notices[0].detail.as_deref(),
        Some("EMU4001 電子証明書の有効期限が切れています。")
    );
    assert!(d.notices[0].message.contains("3か月後"));
    // Recognised by its words when the code is unknown.
    let words = Returned {
        result_code: Some("X1234"),
        result_message: Some("マイナンバーカードの電子証明書の有効期限が近づいています"),
        ..expired
    };
    assert_eq!(
        notices(&diff::compare(&q, &words, &c)),
        vec![NoticeKind::CertificateExpiresSoon]
    );
    // Any other 付帯情報 stays the generic notice, shown verbatim.
    let other = Returned {
        result_code: Some("X9999"),
        result_message: Some("その他の補足"),
        ..expired
    };
    let d = diff::compare(&q, &other, &c);
    assert_eq!(notices(&d), vec![NoticeKind::Supplementary]);
    assert_eq!(d.notices[0].detail.as_deref(), Some("X9999 その他の補足"));
}

#[test]
fn not_found_right_after_joining_points_to_the_declaration() {
    let not_found = Returned {
        validity: Some(&QualificationValidity::NotFound),
        ..Returned::default()
    };
    let today = day(2026, 12, 7);
    let mut joined = kokuho();
    joined.qualification_date = Some(day(2026, 12, 1));
    let d = diff::compare(
        &joined,
        &not_found,
        &ctx(today, QueryKind::InsuranceCard, None),
    );
    let nc = d.not_confirmed.as_ref().unwrap();
    assert_eq!(nc.cause, Cause::NotFoundNewMember);
    assert!(
        nc.next_steps
            .iter()
            .any(|s| s.contains("被保険者資格申立書"))
    );
    assert_eq!(d.verdict, Verdict::NotConfirmed);
    // 31 days is still "just joined"; 32 is not.
    joined.qualification_date = Some(today - chrono::Duration::days(31));
    assert_eq!(
        diff::compare(
            &joined,
            &not_found,
            &ctx(today, QueryKind::InsuranceCard, None)
        )
        .not_confirmed
        .unwrap()
        .cause,
        Cause::NotFoundNewMember
    );
    joined.qualification_date = Some(today - chrono::Duration::days(32));
    assert_eq!(
        diff::compare(
            &joined,
            &not_found,
            &ctx(today, QueryKind::InsuranceCard, None)
        )
        .not_confirmed
        .unwrap()
        .cause,
        Cause::NotFound
    );
    // A patient who could only fill in a 申立書.
    assert_eq!(
        diff::compare(
            &kokuho(),
            &not_found,
            &ctx(
                today,
                QueryKind::InsuranceCard,
                Some(Presentation::Declaration)
            )
        )
        .not_confirmed
        .unwrap()
        .cause,
        Cause::NotFoundNewMember
    );
    // Other causes are left alone.
    let invalid = Returned {
        validity: Some(&QualificationValidity::Invalid),
        ..Returned::default()
    };
    joined.qualification_date = Some(today);
    assert_eq!(
        diff::compare(
            &joined,
            &invalid,
            &ctx(today, QueryKind::InsuranceCard, None)
        )
        .not_confirmed
        .unwrap()
        .cause,
        Cause::Invalid
    );
}

#[test]
fn the_history_keeps_the_presentation_with_each_confirmation() {
    let q = kokuho();
    let at = day(2026, 12, 7).and_hms_opt(9, 0, 0).unwrap();
    let stamp = Stamp::new("受付", at);
    let mut h = QualificationHistory::new(q.clone(), day(2020, 4, 1), Source::manual(at), &stamp);
    let how = ApplyOptions::new(StartDatePolicy::ConfirmationDate, stamp.clone());
    // Visit 1: 資格確認書 by 記号・番号.
    let ctx1 = ReviewContext::new(
        "OQSsiquc01res_1.xml",
        day(2026, 12, 7),
        QueryKind::InsuranceCard,
    )
    .with_presentation(Presentation::QualificationCertificate);
    let r1 = h.review(Returned::record(&q), &ctx1).unwrap();
    assert_eq!(
        r1.diff.context.presentation,
        Some(Presentation::QualificationCertificate)
    );
    h.apply(&r1, &Choices::recommended(), &how).unwrap();
    // Visit 2: the card at the face reader.
    let ctx2 = ReviewContext::new(
        "OQSsiquc01res_face_2.xml",
        day(2026, 12, 14),
        QueryKind::MyNumberCard,
    );
    let r2 = h.review(Returned::record(&q), &ctx2).unwrap();
    h.apply(&r2, &Choices::recommended(), &how).unwrap();
    let linked: Vec<_> = h
        .audit
        .iter()
        .filter_map(|e| match &e.kind {
            AuditKind::Linked {
                result_id,
                presentation,
            } => Some((result_id.as_str(), *presentation)),
            _ => None,
        })
        .collect();
    assert_eq!(
        linked,
        vec![
            (
                "OQSsiquc01res_1.xml",
                Some(Presentation::QualificationCertificate)
            ),
            ("OQSsiquc01res_face_2.xml", Some(Presentation::MyNumberCard)),
        ]
    );
    let link = h.current().unwrap().link.as_ref().unwrap();
    assert_eq!(link.presentation, Some(Presentation::MyNumberCard));
    // The JSON keeps it, and a history written before presentations existed still reads.
    let back = QualificationHistory::from_json(&h.to_json()).unwrap();
    assert_eq!(back, h);
    let old = h
        .to_json()
        .replace(",\"presentation\":\"qualification_certificate\"", "");
    assert!(QualificationHistory::from_json(&old).is_ok());
}
