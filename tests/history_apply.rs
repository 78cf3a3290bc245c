//! Applying results to a patient's qualification history: seed rows 6, 8, 10, 11, 15, 16, 17.
//! Every value is fictitious.

use chrono::{NaiveDate, NaiveDateTime};
use onshi::Personal;
use onshi::codes::*;
use onshi::diff::{self, DiffContext, QueryKind, Returned, Verdict};
use onshi::history::*;
use onshi::history::{ApplyOptions, Review, ReviewContext};
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
use onshi::model::{CardKey, Field, PersonIdentity};
use onshi::model::{ElderlyRecipient, MedicalTicket, Qualification, Ratio};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    day(y, m, d).and_hms_opt(9, 30, 0).unwrap()
}

fn insurer(body: &str) -> InsurerNumber {
    let cd = onshi::ids::check_digit(body).unwrap();
    InsurerNumber::parse(&format!("{body}{cd}"), Mode::Strict).unwrap()
}

fn registered() -> Qualification {
    Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0613999")),
            insured_card_symbol: Some(CardSymbol::parse("見本12", Mode::Strict).unwrap()),
            insured_identification_number: Some(CardNumber::parse("3456", Mode::Strict).unwrap()),
            insured_branch_number: Some(BranchNumber::parse("02", Mode::Strict).unwrap()),
        },
        person: PersonIdentity {
            name: Some("髙橋　花子".into()),
            name_kana: Some("タカハシ　ハナコ".into()),
            sex1: Some(Sex::Female),
            birthdate: Some(Personal::new(day(1985, 6, 15))),
            address: Some("東京都千代田区見本町1-2-3".into()),
            ..Default::default()
        },
        insured_card_classification: Some(InsuredCardClassification::General),
        personal_family_classification: Some(PersonalFamilyClassification::Dependent),
        qualification_date: Some(day(2015, 4, 1)),
        insured_card_valid_date: Some(day(2015, 4, 1)),
        ..Default::default()
    }
}

fn returned() -> Qualification {
    Qualification {
        person: PersonIdentity {
            name: Some("●橋　花子".into()),
            name_kana: Some("ﾀｶﾊｼ ﾊﾅｺ".into()),
            ..registered().person
        },
        ..registered()
    }
}

fn staff() -> Stamp {
    Stamp::new("staff-07", at(2025, 4, 10))
}

fn history() -> QualificationHistory {
    QualificationHistory::new(
        registered(),
        day(2015, 4, 1),
        Source::manual(at(2015, 4, 1)),
        &Stamp::new("staff-01", at(2015, 4, 1)),
    )
}

fn confirmed_on(date: NaiveDate) -> DiffContext {
    DiffContext::new(date, QueryKind::MyNumberCard)
}

/// Compares against the current version and applies with the given choices and policy.
fn apply_with(
    h: &mut QualificationHistory,
    ret: &Qualification,
    result_id: &str,
    date: NaiveDate,
    choices: &Choices,
    policy: StartDatePolicy,
) -> Result<Vec<AuditEvent>, HistoryError> {
    let ctx = ReviewContext::new(result_id, date, QueryKind::MyNumberCard);
    let review = h.review(Returned::record(ret), &ctx)?;
    h.apply(&review, choices, &ApplyOptions::new(policy, staff()))
}

fn apply(
    h: &mut QualificationHistory,
    ret: &Qualification,
    result_id: &str,
) -> Result<Vec<AuditEvent>, HistoryError> {
    apply_with(
        h,
        ret,
        result_id,
        day(2025, 4, 10),
        &Choices::recommended(),
        StartDatePolicy::ConfirmationDate,
    )
}

#[test]
fn identical_result_is_linked_and_changes_nothing() {
    let mut h = history();
    let events = apply(&mut h, &returned(), "res-1").unwrap();
    assert_eq!(events.len(), 1);
    // A face result (照会区分 1) was a マイナ保険証: the link says so.
    assert!(matches!(
        &events[0].kind,
        AuditKind::Linked { result_id, presentation: Some(onshi::reception::Presentation::MyNumberCard) }
            if result_id == "res-1"
    ));
    assert_eq!(h.versions.len(), 1);
    assert_eq!(h.versions[0].qualification, registered());
    assert_eq!(h.versions[0].link.as_ref().unwrap().result_id, "res-1");
}

// ---- seed row 6 -------------------------------------------------------------------------

#[test]
fn seed_row_06_update_adopts_returned_identity_values_in_place() {
    let mut h = history();
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            post_number: Some("530-0001".into()),
            ..returned().person
        },
        ..returned()
    };
    let events = apply(&mut h, &ret, "res-1").unwrap();
    assert_eq!(h.versions.len(), 1, "identity-only changes update in place");
    let v = &h.versions[0];
    assert_eq!(v.qualification.person.address, ret.person.address);
    assert_eq!(v.qualification.person.post_number, ret.person.post_number);
    assert_eq!(
        v.qualification.person.name,
        registered().person.name,
        "● is not taken"
    );
    assert!(matches!(&events[0].kind,
        AuditKind::Updated { fields, .. } if fields == &vec![Field::Address, Field::PostNumber]));
    assert_eq!(events[0].actor, "staff-07");
    assert_eq!(events[0].at, at(2025, 4, 10));
    // And the result now compares identical.
    let again = diff::compare_records(&v.qualification, &ret, &confirmed_on(day(2025, 4, 10)));
    assert_eq!(again.verdict, Verdict::Identical);
}

#[test]
fn seed_row_06_new_qualification_closes_the_old_and_opens_the_new() {
    let mut h = history();
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            insured_card_symbol: Some(CardSymbol::parse("新1", Mode::Strict).unwrap()),
            insured_identification_number: Some(CardNumber::parse("77", Mode::Strict).unwrap()),
            ..returned().card
        },
        qualification_date: Some(day(2025, 4, 1)),
        insured_card_valid_date: Some(day(2025, 4, 1)),
        ..returned()
    };
    let events = apply(&mut h, &ret, "res-2").unwrap();
    assert_eq!(h.versions.len(), 2);
    let (old, new) = (&h.versions[0], &h.versions[1]);
    assert_eq!(old.end, Some(day(2025, 3, 31)), "end = new start − 1 day");
    assert_eq!(old.state, VersionState::Superseded);
    assert_eq!(
        old.qualification,
        registered(),
        "the old version's data is kept"
    );
    assert_eq!(new.start, day(2025, 4, 1), "the new card's 資格取得年月日");
    assert_eq!(new.end, None);
    assert_eq!(new.state, VersionState::Current);
    assert_eq!(
        new.qualification.card.insurer_number,
        ret.card.insurer_number
    );
    assert_eq!(
        new.qualification.person.name,
        registered().person.name,
        "● still not taken"
    );
    assert!(matches!(&new.source, Source::Terminal { result_id, .. } if result_id == "res-2"));
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e.kind {
            AuditKind::Closed { .. } => "closed",
            AuditKind::Opened { .. } => "opened",
            AuditKind::Linked { .. } => "linked",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["closed", "opened", "linked"]);
    h.validate().unwrap();
}

#[test]
fn seed_row_08_insurer_number_change_expires_the_old_qualification() {
    let mut h = history();
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("3913115")),
            ..returned().card
        },
        qualification_date: None,
        insured_card_valid_date: None,
        ..returned()
    };
    apply(&mut h, &ret, "res-3").unwrap();
    assert_eq!(h.versions.len(), 2);
    // No national date: the policy date (the confirmation date here).
    assert_eq!(h.versions[1].start, day(2025, 4, 10));
    assert_eq!(h.versions[0].end, Some(day(2025, 4, 9)));
}

#[test]
fn seed_row_08_medical_assistance_change_expires_the_old_qualification() {
    let pa = |issue: &str| Qualification {
        card: CardKey {
            insurer_number: Some(insurer("1213001")),
            insured_identification_number: Some(
                CardNumber::parse("1234566", Mode::Strict).unwrap(),
            ),
            ..registered().card
        },
        insured_card_classification: Some(InsuredCardClassification::MedicalAssistance),
        medical_tickets: vec![MedicalTicket {
            issue_number: Some(issue.into()),
            ..Default::default()
        }],
        ..registered()
    };
    let mut h = QualificationHistory::new(
        pa("0001"),
        day(2025, 3, 1),
        Source::manual(at(2025, 3, 1)),
        &staff(),
    );
    apply_with(
        &mut h,
        &pa("0002"),
        "res-pa",
        day(2025, 4, 10),
        &Choices::recommended(),
        StartDatePolicy::FirstOfMonth,
    )
    .unwrap();
    assert_eq!(h.versions.len(), 2);
    assert_eq!(h.versions[1].start, day(2025, 4, 1));
    assert_eq!(
        h.versions[1].qualification.medical_tickets[0]
            .issue_number
            .as_deref(),
        Some("0002")
    );
}

// ---- seed row 7: staff choose per field ---------------------------------------------------

#[test]
fn seed_row_07_staff_choice_not_to_reflect_a_field_is_respected() {
    let mut h = history();
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            post_number: Some("530-0001".into()),
            ..returned().person
        },
        ..returned()
    };
    let choices = Choices::recommended().keep(Field::PostNumber);
    apply_with(
        &mut h,
        &ret,
        "res-1",
        day(2025, 4, 10),
        &choices,
        StartDatePolicy::ConfirmationDate,
    )
    .unwrap();
    let q = &h.versions[0].qualification;
    assert_eq!(q.person.address, ret.person.address);
    assert_eq!(q.person.post_number, None, "kept as registered (absent)");
}

// ---- seed row 11: ● never replaces ----------------------------------------------------------

#[test]
fn seed_row_11_substitute_mark_is_never_stored_even_when_chosen() {
    let mut h = history();
    let choices = Choices::recommended().reflect(Field::Name);
    let err = apply_with(
        &mut h,
        &returned(),
        "res-1",
        day(2025, 4, 10),
        &choices,
        StartDatePolicy::ConfirmationDate,
    )
    .unwrap_err();
    assert_eq!(
        err,
        HistoryError::SubstituteRefused {
            field: "name",
            label: "氏名"
        }
    );
    assert_eq!(err.code(), 353);
    assert_eq!(
        h.versions[0].qualification.person.name,
        registered().person.name
    );
    assert!(
        h.versions[0].link.is_none(),
        "a refused apply changes nothing"
    );
}

// ---- seed row 15: verify identity ------------------------------------------------------------

#[test]
fn seed_row_15_different_person_is_not_applied_until_identity_is_verified() {
    let mut h = history();
    let ret = Qualification {
        person: PersonIdentity {
            name: Some("見本　花子".into()),
            name_kana: Some("ﾐﾎﾝ ﾊﾅｺ".into()),
            ..returned().person
        },
        ..returned()
    };
    let err = apply(&mut h, &ret, "res-1").unwrap_err();
    assert_eq!(err, HistoryError::IdentityNotVerified);
    assert_eq!(
        h.versions[0].qualification,
        registered(),
        "never a silent update"
    );
    assert_eq!(h.audit.len(), 1, "only the creation event");

    // Verified (e.g. a change of surname at marriage): now the names are reflected.
    apply_with(
        &mut h,
        &ret,
        "res-1",
        day(2025, 4, 10),
        &Choices::recommended().identity_verified(),
        StartDatePolicy::ConfirmationDate,
    )
    .unwrap();
    assert_eq!(h.versions[0].qualification.person.name, ret.person.name);
    assert_eq!(h.versions.len(), 1);
}

// ---- seed row 16: elderly copay ratio -------------------------------------------------------

#[test]
fn seed_row_16_elderly_copay_ratio_change_creates_a_new_qualification() {
    let late = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("3913115")),
            insured_card_symbol: None,
            insured_branch_number: None,
            ..registered().card
        },
        personal_family_classification: None,
        insured_partial_contribution_ratio: Ratio::from_percent(10),
        ..registered()
    };
    let mut h = QualificationHistory::new(
        late.clone(),
        day(2023, 8, 1),
        Source::manual(at(2023, 8, 1)),
        &staff(),
    );
    let ret = Qualification {
        insured_partial_contribution_ratio: Ratio::from_percent(20),
        ..late
    };
    apply_with(
        &mut h,
        &ret,
        "res-16",
        day(2025, 8, 5),
        &Choices::recommended(),
        StartDatePolicy::FirstOfMonth,
    )
    .unwrap();
    assert_eq!(h.versions.len(), 2);
    assert_eq!(h.versions[0].end, Some(day(2025, 7, 31)));
    assert_eq!(
        h.versions[1]
            .qualification
            .insured_partial_contribution_ratio,
        Ratio::from_percent(20)
    );
    assert_eq!(
        h.versions[0]
            .qualification
            .insured_partial_contribution_ratio,
        Ratio::from_percent(10),
        "old version keeps its ratio"
    );
}

// ---- seed row 17: start-date policy ----------------------------------------------------------

#[test]
fn seed_row_17_preschool_to_school_starts_on_the_confirmation_date() {
    let child = Qualification {
        preschool_classification: Some(PreschoolClassification::Preschool),
        qualification_date: Some(day(2019, 5, 1)),
        insured_card_valid_date: Some(day(2019, 5, 1)),
        ..registered()
    };
    let mut h = QualificationHistory::new(
        child.clone(),
        day(2019, 5, 1),
        Source::manual(at(2019, 5, 1)),
        &staff(),
    );
    // Same card, 未就学 gone; the national validity does not switch (its dates are the old ones).
    let ret = Qualification {
        preschool_classification: None,
        ..child
    };
    apply_with(
        &mut h,
        &ret,
        "res-17",
        day(2025, 4, 14),
        &Choices::recommended(),
        StartDatePolicy::ConfirmationDate,
    )
    .unwrap();
    assert_eq!(h.versions[1].start, day(2025, 4, 14));
    assert_eq!(h.versions[0].end, Some(day(2025, 4, 13)));
    assert_eq!(h.versions[1].qualification.preschool_classification, None);
    assert_eq!(
        h.versions[0].qualification.preschool_classification,
        Some(PreschoolClassification::Preschool)
    );
}

#[test]
fn seed_row_17_turning_70_starts_on_the_first_of_the_month() {
    let mut h = history();
    let ret = Qualification {
        elderly_recipient: Some(ElderlyRecipient {
            contribution_ratio: Ratio::from_percent(20),
            ..Default::default()
        }),
        ..returned()
    };
    apply_with(
        &mut h,
        &ret,
        "res-70",
        day(2025, 4, 14),
        &Choices::recommended(),
        StartDatePolicy::FirstOfMonth,
    )
    .unwrap();
    assert_eq!(h.versions[1].start, day(2025, 4, 1));
    assert_eq!(h.versions[0].end, Some(day(2025, 3, 31)));
    assert_eq!(
        h.versions[1]
            .qualification
            .elderly_recipient
            .as_ref()
            .unwrap()
            .contribution_ratio,
        Ratio::from_percent(20)
    );
}

#[test]
fn explicit_start_date_overrides_the_policy_but_never_overlaps() {
    let mut h = history();
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            ..returned().card
        },
        qualification_date: None,
        insured_card_valid_date: None,
        ..returned()
    };
    let choices = Choices {
        start_date: Some(day(2010, 1, 1)),
        ..Choices::recommended()
    };
    apply_with(
        &mut h,
        &ret,
        "res-x",
        day(2025, 4, 14),
        &choices,
        StartDatePolicy::ConfirmationDate,
    )
    .unwrap();
    // Before the current version's start: moved to the day after it.
    assert_eq!(h.versions[1].start, day(2015, 4, 2));
    assert_eq!(h.versions[0].end, Some(day(2015, 4, 1)));
    h.validate().unwrap();
}

// ---- idempotency, staleness ---------------------------------------------------------------

#[test]
fn applying_the_same_result_twice_changes_nothing() {
    let mut h = history();
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            ..returned().card
        },
        ..returned()
    };
    let ctx = ReviewContext::new("res-twice", day(2025, 4, 10), QueryKind::MyNumberCard);
    let review = h.review(Returned::record(&ret), &ctx).unwrap();
    let how = ApplyOptions::new(StartDatePolicy::ConfirmationDate, staff());
    let first = h.apply(&review, &Choices::recommended(), &how).unwrap();
    assert!(!first.is_empty());
    let snapshot = h.clone();
    // The same review again, and a fresh review of the same result: nothing changes.
    let second = h.apply(&review, &Choices::recommended(), &how).unwrap();
    assert!(second.is_empty());
    let again = h.review(Returned::record(&ret), &ctx).unwrap();
    assert!(
        h.apply(&again, &Choices::recommended(), &how)
            .unwrap()
            .is_empty()
    );
    assert_eq!(h, snapshot);
}

#[test]
fn a_stale_review_is_refused() {
    let mut h = history();
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    let how = ApplyOptions::new(StartDatePolicy::ConfirmationDate, staff());
    let first = h
        .review(
            Returned::record(&ret),
            &ReviewContext::new("res-1", day(2025, 4, 10), QueryKind::MyNumberCard),
        )
        .unwrap();
    // Another result is applied in between: the first review was made on an older revision.
    let other = Qualification {
        person: PersonIdentity {
            address: Some("福岡県見本市1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    apply(&mut h, &other, "res-2").unwrap();
    let snapshot = h.clone();
    let err = h.apply(&first, &Choices::recommended(), &how).unwrap_err();
    assert_eq!(err, HistoryError::StaleReview);
    assert_eq!(h, snapshot, "a refused review changes nothing");
    // A review made outside the history cannot be applied to it either.
    let outside = Review::of_records(
        &h.current().unwrap().qualification,
        Returned::record(&ret),
        &ReviewContext::new("res-3", day(2025, 4, 10), QueryKind::MyNumberCard),
    );
    let err = h
        .apply(&outside, &Choices::recommended(), &how)
        .unwrap_err();
    assert_eq!(err, HistoryError::StaleReview);
    // Expiring or unlinking a version also makes older reviews stale.
    let fresh = h
        .review(
            Returned::record(&ret),
            &ReviewContext::new("res-4", day(2025, 4, 10), QueryKind::MyNumberCard),
        )
        .unwrap();
    h.unlink(h.current().unwrap().id, &staff()).unwrap();
    let err = h.apply(&fresh, &Choices::recommended(), &how).unwrap_err();
    assert_eq!(err, HistoryError::StaleReview);
}

#[test]
fn a_review_survives_json_and_applies_at_the_same_revision() {
    let mut h = history();
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    let review = h
        .review(
            Returned::record(&ret),
            &ReviewContext::new("res-json", day(2025, 4, 10), QueryKind::MyNumberCard),
        )
        .unwrap();
    let back: Review = serde_json::from_str(&review.to_json()).unwrap();
    assert_eq!(back, review);
    let h2: QualificationHistory = QualificationHistory::from_json(&h.to_json()).unwrap();
    h = h2;
    let how = ApplyOptions::new(StartDatePolicy::ConfirmationDate, staff());
    let events = h.apply(&back, &Choices::recommended(), &how).unwrap();
    assert!(!events.is_empty());
    assert_eq!(
        h.current()
            .unwrap()
            .qualification
            .person
            .address
            .as_ref()
            .unwrap()
            .as_str(),
        "大阪府見本市中央1-1"
    );
}

#[test]
fn the_review_applies_the_record_it_selected_among_several() {
    // Two records come back; the review keeps the one with the registered 保険者番号 and 番号,
    // whatever its position, and apply takes values from that one.
    let mut h = history();
    let other = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            ..returned().card
        },
        person: PersonIdentity {
            address: Some("北海道見本市1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    let mine = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    let records = [other, mine.clone()];
    let answer = Returned {
        records: &records,
        ..Returned::default()
    };
    let review = h
        .review(
            answer,
            &ReviewContext::new("res-two", day(2025, 4, 10), QueryKind::MyNumberCard),
        )
        .unwrap();
    assert_eq!(review.diff.record_index, Some(1));
    assert_eq!(review.returned.as_ref(), Some(&mine));
    let how = ApplyOptions::new(StartDatePolicy::ConfirmationDate, staff());
    h.apply(&review, &Choices::recommended(), &how).unwrap();
    assert_eq!(
        h.current()
            .unwrap()
            .qualification
            .person
            .address
            .as_ref()
            .unwrap()
            .as_str(),
        "大阪府見本市中央1-1"
    );
}

#[test]
fn a_not_confirmed_result_is_not_applied() {
    let mut h = history();
    let answer = diff::Returned {
        validity: Some(&QualificationValidity::NotFound),
        ..diff::Returned::default()
    };
    let review = h
        .review(
            answer,
            &ReviewContext::new("res-nf", day(2025, 4, 10), QueryKind::MyNumberCard),
        )
        .unwrap();
    let how = ApplyOptions::new(StartDatePolicy::ConfirmationDate, staff());
    let err = h.apply(&review, &Choices::recommended(), &how).unwrap_err();
    assert_eq!(err, HistoryError::NotConfirmed);
}

// ---- seed row 10: unlink ---------------------------------------------------------------------

#[test]
fn seed_row_10_unlink_keeps_the_data_and_records_an_audit_event() {
    let mut h = history();
    apply(&mut h, &returned(), "res-wrong-patient").unwrap();
    let before = h.versions[0].qualification.clone();
    let event = h
        .unlink(1, &Stamp::new("staff-09", at(2025, 4, 11)))
        .unwrap();
    assert!(h.versions[0].link.is_none());
    assert_eq!(h.versions[0].qualification, before, "data is not deleted");
    assert_eq!(event.actor, "staff-09");
    assert!(
        matches!(&event.kind, AuditKind::Unlinked { result_id } if result_id == "res-wrong-patient")
    );
    assert_eq!(h.audit.last(), Some(&event));
    assert_eq!(
        h.unlink(1, &staff()),
        Err(HistoryError::NotLinked { id: 1 })
    );
    assert_eq!(
        h.unlink(9, &staff()),
        Err(HistoryError::NoSuchVersion { id: 9 })
    );
    // The right result can be linked again afterwards.
    let again = apply(&mut h, &returned(), "res-wrong-patient").unwrap();
    assert!(!again.is_empty());
}

#[test]
fn expire_closes_a_version_within_its_period() {
    let mut h = history();
    assert_eq!(
        h.expire(1, day(2015, 3, 1), &staff()),
        Err(HistoryError::InvalidEnd { id: 1 })
    );
    h.expire(1, day(2025, 3, 31), &staff()).unwrap();
    assert_eq!(h.versions[0].state, VersionState::Expired);
    assert_eq!(h.at(day(2025, 4, 1)), None);
    assert_eq!(h.at(day(2025, 3, 31)).map(|v| v.id), Some(1));
}

#[test]
fn history_json_round_trips_and_is_checked_on_read() {
    let mut h = history();
    apply(
        &mut h,
        &Qualification {
            card: CardKey {
                insurer_number: Some(insurer("0113001")),
                ..returned().card
            },
            ..returned()
        },
        "res-j",
    )
    .unwrap();
    let json = h.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["versions"][0]["state"], "superseded");
    assert_eq!(v["versions"][1]["source"]["kind"], "terminal");
    assert_eq!(v["audit"][1]["event"], "closed");
    assert_eq!(QualificationHistory::from_json(&json).unwrap(), h);

    // Overlapping versions are refused.
    let mut bad = h.clone();
    bad.versions[0].end = Some(day(2030, 1, 1));
    let err = QualificationHistory::from_json(&bad.to_json()).unwrap_err();
    assert_eq!(err.code(), 359);
}

#[test]
fn audit_events_never_hold_personal_values() {
    let mut h = history();
    apply(
        &mut h,
        &Qualification {
            person: PersonIdentity {
                address: Some("大阪府見本市中央1-1".into()),
                ..returned().person
            },
            ..returned()
        },
        "res-1",
    )
    .unwrap();
    let audit = serde_json::to_string(&h.audit).unwrap();
    for secret in ["大阪", "髙橋", "1985", "3456"] {
        assert!(!audit.contains(secret), "{secret}");
    }
    let debug = format!("{h:?}");
    for secret in ["大阪", "髙橋", "花子"] {
        assert!(!debug.contains(secret), "{secret}");
    }
}

#[test]
fn choices_travel_as_json_with_field_ids_as_keys() {
    let choices = Choices::recommended()
        .keep(Field::Address)
        .reflect(Field::ElderlyRecipientContributionRatio)
        .identity_verified();
    let json = serde_json::to_string(&choices).unwrap();
    assert_eq!(
        json,
        r#"{"fields":{"address":"keep","elderly_recipient.contribution_ratio":"reflect"},"identity_verified":true}"#
    );
    assert_eq!(serde_json::from_str::<Choices>(&json).unwrap(), choices);
    assert_eq!(
        serde_json::from_str::<Choices>("{}").unwrap(),
        Choices::recommended()
    );
}

#[test]
fn dates_at_the_end_of_the_calendar_give_an_error_not_a_panic() {
    let mut h = QualificationHistory::new(
        registered(),
        NaiveDate::MAX,
        Source::manual(at(2025, 1, 1)),
        &staff(),
    );
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            ..returned().card
        },
        ..returned()
    };
    let err = apply(&mut h, &ret, "res-max").unwrap_err();
    assert_eq!(err, HistoryError::DateOutOfRange);
    assert_eq!(h.versions.len(), 1);
    assert_eq!(h.audit.len(), 1);
}
