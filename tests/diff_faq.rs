//! The FAQ of clinics using オンライン資格確認, and the seed rows it comes from, as named
//! behaviours of `diff::compare`. Every value is fictitious.

use chrono::NaiveDate;
use onshi::Personal;
use onshi::codes::*;
use onshi::diff::{
    self, Action, Advice, Cause, Class, DiffContext, NoticeKind, QueryKind, Returned, Verdict,
};
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
use onshi::model::{CardKey, Field, PersonIdentity, ProcessingOutcome};
use onshi::model::{ElderlyRecipient, MedicalTicket, Qualification, Ratio};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A valid 保険者番号 from its body (the check digit is computed).
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
            address: Some("東京都千代田区見本町1-2-3 サンプルハイツ101".into()),
            post_number: Some("100-0001".into()),
            ..Default::default()
        },
        insured_card_classification: Some(InsuredCardClassification::General),
        personal_family_classification: Some(PersonalFamilyClassification::Dependent),
        insurer_name: Some("見本健康保険組合".into()),
        qualification_date: Some(day(2015, 4, 1)),
        insured_card_valid_date: Some(day(2015, 4, 1)),
        ..Default::default()
    }
}

/// The same person as the terminal writes it: half-width kana, ● for 髙.
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

fn ctx() -> DiffContext {
    DiffContext::new(day(2025, 4, 10), QueryKind::MyNumberCard)
}

fn compare(reg: &Qualification, ret: &Qualification) -> diff::Diff {
    diff::compare_records(reg, ret, &ctx())
}

#[test]
fn baseline_same_person_as_the_terminal_writes_it_is_identical() {
    let d = compare(&registered(), &returned());
    assert_eq!(d.verdict, Verdict::Identical, "{:#?}", d.fields);
    assert_eq!(d.field(Field::NameKana).unwrap().class, Class::Equivalent);
    assert!(d.not_confirmed.is_none());
}

// ---- seed row 11 / FAQ: ● in names ------------------------------------------------------

#[test]
fn seed_row_11_substitute_mark_never_replaces_registered_name() {
    let d = compare(&registered(), &returned());
    let name = d.field(Field::Name).unwrap();
    assert_eq!(name.class, Class::Substituted);
    assert_eq!(name.advice, Advice::SubstituteMark);
    assert_eq!(name.action, Action::KeepRegistered);
    assert_eq!(name.positions, vec![0]);
    assert!(name.message.contains("反映せず"));
    assert_eq!(
        d.verdict,
        Verdict::Identical,
        "link anyway, nothing to apply"
    );
}

#[test]
fn seed_row_11_substitute_mark_in_address_is_kept_registered_too() {
    let reg = Qualification {
        person: PersonIdentity {
            address: Some("東京都見本市𠮷野町1-1".into()),
            ..registered().person
        },
        ..registered()
    };
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("東京都見本市●野町1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    let f = compare(&reg, &ret);
    let addr = f.field(Field::Address).unwrap();
    assert_eq!(addr.class, Class::Substituted);
    assert_eq!(addr.action, Action::KeepRegistered);
}

#[test]
fn seed_row_11_substitute_mark_with_nothing_registered_is_not_stored() {
    let reg = Qualification {
        person: PersonIdentity {
            name_of_other: None,
            ..registered().person
        },
        ..registered()
    };
    let ret = Qualification {
        person: PersonIdentity {
            name_of_other: Some("●本　はな".into()),
            ..returned().person
        },
        ..returned()
    };
    let f = compare(&reg, &ret);
    let other = f.field(Field::NameOfOther).unwrap();
    assert_eq!(other.class, Class::OnlyReturned);
    assert_eq!(other.advice, Advice::SubstituteNotStored);
    assert_eq!(other.action, Action::KeepRegistered);
}

#[test]
fn seed_row_11_black_circle_emoji_form_is_a_substitute_mark_too() {
    let ret = Qualification {
        person: PersonIdentity {
            name: Some("⚫橋　花子".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.field(Field::Name).unwrap().class, Class::Substituted);
    assert_eq!(d.verdict, Verdict::Identical);
}

// ---- seed row 7 / FAQ: trivial differences -----------------------------------------------

#[test]
fn seed_row_07_address_case_width_and_space_only_is_equivalent() {
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("東京都千代田区見本町１－２－３　サンプルハイツ１０１".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    let addr = d.field(Field::Address).unwrap();
    assert_eq!(addr.class, Class::Equivalent);
    assert!(addr.reasons.contains(&onshi::text::Reason::Width));
    assert!(addr.reasons.contains(&onshi::text::Reason::Space));
    assert_eq!(addr.action, Action::Ignore);
    assert_eq!(d.verdict, Verdict::Identical);

    let upper = Qualification {
        person: PersonIdentity {
            address: Some("東京都千代田区見本町1-2-3 サンプルハイツ101 ABC棟".into()),
            ..registered().person
        },
        ..registered()
    };
    let lower = Qualification {
        person: PersonIdentity {
            address: Some("東京都千代田区見本町1-2-3 サンプルハイツ101 abc棟".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&upper, &lower);
    let addr = d.field(Field::Address).unwrap();
    assert_eq!(addr.class, Class::Equivalent);
    assert_eq!(addr.reasons, vec![onshi::text::Reason::Case]);
    assert_eq!(d.verdict, Verdict::Identical);
}

#[test]
fn seed_row_07_kanji_variant_in_name_is_equivalent() {
    let reg = Qualification {
        person: PersonIdentity {
            name: Some("渡邊　花子".into()),
            ..registered().person
        },
        ..registered()
    };
    let ret = Qualification {
        person: PersonIdentity {
            name: Some("渡辺　花子".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&reg, &ret);
    let name = d.field(Field::Name).unwrap();
    assert_eq!(name.class, Class::Equivalent);
    assert!(name.reasons.contains(&onshi::text::Reason::KanjiVariant));
    assert_eq!(d.verdict, Verdict::Identical);
}

#[test]
fn seed_row_07_real_address_change_is_reflected_field_by_field() {
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            post_number: Some("530-0001".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.verdict, Verdict::UpdateRecommended);
    for f in [Field::Address, Field::PostNumber] {
        let x = d.field(f).unwrap();
        assert_eq!(x.class, Class::Different);
        assert_eq!(x.advice, Advice::AddressChanged);
        assert_eq!(x.action, Action::Reflect);
    }
    // Only what differs asks for action.
    let acting: Vec<Field> = d
        .fields
        .iter()
        .filter(|f| f.action != Action::Ignore && f.action != Action::KeepRegistered)
        .map(|f| f.field)
        .collect();
    assert_eq!(acting, vec![Field::Address, Field::PostNumber]);
}

#[test]
fn seed_row_07_fields_only_on_one_side_are_classed() {
    let reg = Qualification {
        person: PersonIdentity {
            post_number: None,
            ..registered().person
        },
        ..registered()
    };
    let ret = Qualification {
        insurer_name: None,
        ..returned()
    };
    let d = compare(&reg, &ret);
    let post = d.field(Field::PostNumber).unwrap();
    assert_eq!(post.class, Class::OnlyReturned);
    assert_eq!(post.action, Action::Reflect);
    let name = d.field(Field::InsurerName).unwrap();
    assert_eq!(name.class, Class::OnlyRegistered);
    assert_eq!(name.advice, Advice::NotReturned);
    assert_eq!(name.action, Action::Ignore);
}

#[test]
fn seed_row_07_kana_reading_change_is_reflected_not_an_identity_alarm() {
    let ret = Qualification {
        person: PersonIdentity {
            name_kana: Some("ﾀｶﾊｼ ﾊﾙｺ".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    let kana = d.field(Field::NameKana).unwrap();
    assert_eq!(kana.advice, Advice::KanaDiffers);
    assert_eq!(kana.action, Action::Reflect);
    assert_eq!(d.verdict, Verdict::UpdateRecommended);
}

// ---- seed row 13 / FAQ: validity dates ---------------------------------------------------

#[test]
fn seed_row_13_validity_start_date_difference_is_known_benign() {
    let ret = Qualification {
        insured_card_valid_date: Some(day(2024, 10, 1)),
        ..returned()
    };
    let d = compare(&registered(), &ret);
    let f = d.field(Field::InsuredCardValidDate).unwrap();
    assert_eq!(f.class, Class::Different);
    assert_eq!(f.advice, Advice::ValidityStartDiffers);
    assert_eq!(f.action, Action::Ignore);
    assert!(f.message.contains("国保"));
    assert_eq!(d.verdict, Verdict::Identical);
}

#[test]
fn seed_row_13_blank_returned_end_date_is_known_benign() {
    let reg = Qualification {
        insured_card_expiration_date: Some(day(2026, 3, 31)),
        ..registered()
    };
    let d = compare(&reg, &returned());
    let f = d.field(Field::InsuredCardExpirationDate).unwrap();
    assert_eq!(f.class, Class::OnlyRegistered);
    assert_eq!(f.advice, Advice::ExpirationBlank);
    assert_eq!(f.action, Action::Ignore);
    assert_eq!(d.verdict, Verdict::Identical);
}

// ---- seed row 15 / FAQ: a different person ----------------------------------------------

#[test]
fn seed_row_15_different_name_asks_for_identity_verification() {
    let ret = Qualification {
        person: PersonIdentity {
            name: Some("見本　次郎".into()),
            name_kana: Some("ﾐﾎﾝ ｼﾞﾛｳ".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.verdict, Verdict::VerifyIdentity);
    for f in [Field::Name, Field::NameKana] {
        let x = d.field(f).unwrap();
        assert_eq!(x.advice, Advice::IdentityMismatch);
        assert_eq!(x.action, Action::VerifyIdentity);
    }
    assert!(d.field(Field::Name).unwrap().message.contains("本人確認"));
}

#[test]
fn seed_row_15_different_birthdate_or_sex_asks_for_identity_verification() {
    let ret = Qualification {
        person: PersonIdentity {
            birthdate: Some(Personal::new(day(1985, 6, 16))),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.verdict, Verdict::VerifyIdentity);
    assert_eq!(
        d.field(Field::Birthdate).unwrap().action,
        Action::VerifyIdentity
    );

    let ret = Qualification {
        person: PersonIdentity {
            sex1: Some(Sex::Male),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.verdict, Verdict::VerifyIdentity);
}

#[test]
fn seed_row_15_identity_mismatch_outranks_a_new_qualification() {
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("3913115")),
            ..returned().card
        },
        person: PersonIdentity {
            name: Some("見本　次郎".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.verdict, Verdict::VerifyIdentity);
    assert_eq!(
        d.field(Field::InsurerNumber).unwrap().action,
        Action::NewQualification
    );
}

#[test]
fn different_reference_number_asks_for_identity_verification() {
    let reg = Qualification {
        reference_number: Some("CHART-0001".into()),
        ..registered()
    };
    let ret = Qualification {
        reference_number: Some("CHART-0002".into()),
        ..returned()
    };
    let d = compare(&reg, &ret);
    assert_eq!(d.verdict, Verdict::VerifyIdentity);
    assert_eq!(
        d.field(Field::ReferenceNumber).unwrap().advice,
        Advice::ReferenceNumberMismatch
    );
}

// ---- seed row 8 / FAQ: a new qualification ----------------------------------------------

#[test]
fn seed_row_08_insurer_number_change_is_a_new_qualification() {
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            ..returned().card
        },
        insurer_name: Some("見本第二健康保険組合".into()),
        ..returned()
    };
    let d = compare(&registered(), &ret);
    assert_eq!(d.verdict, Verdict::NewQualification);
    let f = d.field(Field::InsurerNumber).unwrap();
    assert_eq!(f.advice, Advice::QualificationChanged);
    assert_eq!(f.action, Action::NewQualification);
}

#[test]
fn seed_row_08_symbol_number_branch_and_family_changes_are_new_qualifications() {
    let changes: [(Field, Qualification); 4] = [
        (
            Field::InsuredCardSymbol,
            Qualification {
                card: CardKey {
                    insured_card_symbol: Some(CardSymbol::parse("見本13", Mode::Strict).unwrap()),
                    ..returned().card
                },
                ..returned()
            },
        ),
        (
            Field::InsuredIdentificationNumber,
            Qualification {
                card: CardKey {
                    insured_identification_number: Some(
                        CardNumber::parse("3457", Mode::Strict).unwrap(),
                    ),
                    ..returned().card
                },
                ..returned()
            },
        ),
        (
            Field::InsuredBranchNumber,
            Qualification {
                card: CardKey {
                    insured_branch_number: Some(BranchNumber::parse("03", Mode::Strict).unwrap()),
                    ..returned().card
                },
                ..returned()
            },
        ),
        (
            Field::PersonalFamilyClassification,
            Qualification {
                personal_family_classification: Some(PersonalFamilyClassification::Insured),
                ..returned()
            },
        ),
    ];
    for (field, ret) in changes {
        let d = compare(&registered(), &ret);
        assert_eq!(d.verdict, Verdict::NewQualification, "{field}");
        assert_eq!(
            d.field(field).unwrap().action,
            Action::NewQualification,
            "{field}"
        );
    }
}

#[test]
fn seed_row_08_padding_and_width_of_card_numbers_are_not_changes() {
    let reg = Qualification {
        card: CardKey {
            insurer_number: Some(InsurerNumber::parse("138057", Mode::Strict).unwrap()),
            insured_card_symbol: Some(CardSymbol::parse("１２－３", Mode::Strict).unwrap()),
            ..registered().card
        },
        ..registered()
    };
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(InsurerNumber::parse("  138057", Mode::Strict).unwrap()),
            insured_card_symbol: Some(CardSymbol::parse("12-3", Mode::Strict).unwrap()),
            ..returned().card
        },
        ..returned()
    };
    let d = compare(&reg, &ret);
    assert_eq!(d.field(Field::InsurerNumber).unwrap().class, Class::Same);
    assert_eq!(
        d.field(Field::InsuredCardSymbol).unwrap().class,
        Class::Same
    );
    assert_eq!(d.verdict, Verdict::Identical);
}

fn public_assistance() -> Qualification {
    Qualification {
        card: CardKey {
            insurer_number: Some(insurer("1213001")),
            insured_identification_number: Some(
                CardNumber::parse("1234566", Mode::Strict).unwrap(),
            ),
            insured_card_symbol: None,
            insured_branch_number: None,
        },
        insured_card_classification: Some(InsuredCardClassification::MedicalAssistance),
        personal_family_classification: None,
        medical_tickets: vec![MedicalTicket {
            ticket_type: Some(TicketType::Medical),
            issue_number: Some("000101".into()),
            medical_treatment_month: Some("202504".into()),
            valid_date: Some(day(2025, 4, 1)),
            ..Default::default()
        }],
        ..registered()
    }
}

#[test]
fn seed_row_08_medical_assistance_change_is_a_new_qualification() {
    let reg = public_assistance();
    let mut ret = public_assistance();
    ret.medical_tickets[0].issue_number = Some("000202".into());
    ret.medical_tickets[0].medical_treatment_month = Some("202505".into());
    let d = compare(&reg, &ret);
    assert_eq!(d.verdict, Verdict::NewQualification);
    let f = d.field(Field::MedicalTickets).unwrap();
    assert_eq!(f.advice, Advice::MedicalAssistanceChanged);

    let ret = Qualification {
        card: CardKey {
            insured_identification_number: Some(
                CardNumber::parse("7654321", Mode::Strict).unwrap(),
            ),
            ..public_assistance().card
        },
        ..public_assistance()
    };
    let d = compare(&reg, &ret);
    assert_eq!(
        d.field(Field::InsuredIdentificationNumber).unwrap().advice,
        Advice::MedicalAssistanceChanged
    );
    assert_eq!(d.verdict, Verdict::NewQualification);
}

// ---- seed row 16 / FAQ: elderly copay ratio -----------------------------------------------

#[test]
fn seed_row_16_late_elderly_copay_ratio_change_is_a_new_qualification() {
    let reg = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("3913115")),
            ..registered().card
        },
        insured_partial_contribution_ratio: Ratio::from_percent(10),
        ..registered()
    };
    let ret = Qualification {
        insured_partial_contribution_ratio: Ratio::from_percent(20),
        ..reg.clone()
    };
    let d = compare(&reg, &ret);
    assert_eq!(d.verdict, Verdict::NewQualification);
    let f = d.field(Field::InsuredPartialContributionRatio).unwrap();
    assert_eq!(f.advice, Advice::RatioChanged);
    assert!(f.message.contains("旧資格は有効期限が切れ"));
}

#[test]
fn seed_row_16_elderly_recipient_ratio_change_is_a_new_qualification() {
    let elderly = |p| ElderlyRecipient {
        contribution_ratio: Ratio::from_percent(p),
        valid_start_date: Some(day(2024, 8, 1)),
        ..Default::default()
    };
    let reg = Qualification {
        elderly_recipient: Some(elderly(20)),
        ..registered()
    };
    let ret = Qualification {
        elderly_recipient: Some(elderly(30)),
        ..returned()
    };
    let d = compare(&reg, &ret);
    assert_eq!(d.verdict, Verdict::NewQualification);
    assert_eq!(
        d.field(Field::ElderlyRecipientContributionRatio)
            .unwrap()
            .advice,
        Advice::RatioChanged
    );
}

// ---- seed row 17 / FAQ: 未就学 → 就学, 69 → 70 --------------------------------------------

#[test]
fn seed_row_17_preschool_to_school_with_the_same_card_is_a_new_qualification() {
    let reg = Qualification {
        preschool_classification: Some(PreschoolClassification::Preschool),
        ..registered()
    };
    // The terminal omits 未就学区分 once the child is at school.
    let d = compare(&reg, &returned());
    let f = d.field(Field::PreschoolClassification).unwrap();
    assert_eq!(f.class, Class::OnlyRegistered);
    assert_eq!(f.advice, Advice::SchoolEntry);
    assert_eq!(f.action, Action::NewQualification);
    assert_eq!(d.verdict, Verdict::NewQualification);
    assert!(f.message.contains("月の1日"));
}

#[test]
fn seed_row_17_turning_70_with_the_same_card_is_a_new_qualification() {
    let ret = Qualification {
        elderly_recipient: Some(ElderlyRecipient {
            contribution_ratio: Ratio::from_percent(20),
            ..Default::default()
        }),
        ..returned()
    };
    let d = compare(&registered(), &ret);
    let f = d.field(Field::ElderlyRecipientContributionRatio).unwrap();
    assert_eq!(f.class, Class::OnlyReturned);
    assert_eq!(f.advice, Advice::ElderlyRecipientStarted);
    assert_eq!(d.verdict, Verdict::NewQualification);
}

// ---- seed row 12 / FAQ: not confirmed -----------------------------------------------------

#[test]
fn seed_row_12_not_found_gives_causes_and_next_steps_in_japanese() {
    let answer = Returned {
        status: Some(&ProcessingResultStatus::Normal),
        validity: Some(&QualificationValidity::NotFound),
        ..Returned::default()
    };
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.verdict, Verdict::NotConfirmed);
    let nc = d.not_confirmed.as_ref().unwrap();
    assert_eq!(nc.cause, Cause::NotFound);
    assert_eq!(nc.label, "該当資格なし");
    assert!(nc.next_steps.iter().any(|s| s.contains("保険証原本")));
    assert!(
        nc.next_steps
            .iter()
            .any(|s| s.contains("オンライン資格確認サーバに患者様の情報が登録されていない"))
    );
    assert!(nc.possible_causes.len() >= 3);
    assert!(d.fields.is_empty(), "no record: nothing to compare");
    assert_eq!(d.record_index, None);
}

#[test]
fn invalid_new_qualification_and_multiple_matches_are_not_confirmed() {
    for (validity, cause) in [
        (QualificationValidity::Invalid, Cause::Invalid),
        (
            QualificationValidity::InvalidNewQualification,
            Cause::InvalidNewQualification,
        ),
        (
            QualificationValidity::MultipleMatches,
            Cause::MultipleMatches,
        ),
        (
            QualificationValidity::Unknown("9".into()),
            Cause::UnknownValidity,
        ),
    ] {
        let records = [returned()];
        let answer = Returned {
            validity: Some(&validity),
            records: &records,
            ..Returned::default()
        };
        let d = diff::compare(&registered(), &answer, &ctx());
        assert_eq!(d.verdict, Verdict::NotConfirmed, "{validity:?}");
        assert_eq!(d.not_confirmed.as_ref().unwrap().cause, cause);
        assert!(!d.fields.is_empty(), "a returned record is still compared");
    }
}

#[test]
fn processing_error_is_not_confirmed_and_keeps_the_terminal_message() {
    let answer = Returned {
        status: Some(&ProcessingResultStatus::Error),
        result_code: Some("E-SYNTH-01"),
        result_message: Some("見本のエラーメッセージ"),
        ..Returned::default()
    };
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.verdict, Verdict::NotConfirmed);
    let nc = d.not_confirmed.unwrap();
    assert_eq!(nc.cause, Cause::ProcessingError);
    assert_eq!(nc.result_code.as_deref(), Some("E-SYNTH-01"));
    assert_eq!(nc.result_message.as_deref(), Some("見本のエラーメッセージ"));
}

#[test]
fn valid_answer_without_a_record_is_not_confirmed() {
    let answer = Returned {
        validity: Some(&QualificationValidity::Valid),
        ..Returned::default()
    };
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.not_confirmed.unwrap().cause, Cause::NoRecord);
}

#[test]
fn supplementary_code_on_success_is_a_notice_not_an_error() {
    let records = [returned()];
    let answer = Returned {
        status: Some(&ProcessingResultStatus::Normal),
        result_code: Some("W-SYNTH-01"),
        result_message: Some("見本の補足メッセージ"),
        validity: Some(&QualificationValidity::Valid),
        records: &records,
    };
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.verdict, Verdict::Identical);
    let n = d
        .notices
        .iter()
        .find(|n| n.notice == NoticeKind::Supplementary)
        .unwrap();
    assert!(
        n.detail
            .as_deref()
            .unwrap()
            .contains("見本の補足メッセージ")
    );
}

#[test]
fn several_records_compare_the_one_matching_the_registered_card() {
    let other = Qualification {
        card: CardKey {
            insurer_number: Some(insurer("0113001")),
            ..returned().card
        },
        ..returned()
    };
    let records = [other, returned()];
    let answer = Returned {
        validity: Some(&QualificationValidity::Valid),
        records: &records,
        ..Returned::default()
    };
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.record_index, Some(1));
    assert_eq!(d.verdict, Verdict::Identical);
    assert!(
        d.notices
            .iter()
            .any(|n| n.notice == NoticeKind::SeveralRecords)
    );
}

// ---- validity 6 (有効（未登録）, 医療扶助): decided as confirmed, with a notice ----------------

#[test]
fn validity_6_valid_unregistered_is_compared_with_a_notice() {
    let reg = public_assistance();
    let ret = Qualification {
        medical_tickets: vec![],
        ..public_assistance()
    };
    let records = [ret];
    let answer = Returned {
        validity: Some(&QualificationValidity::ValidUnregistered),
        records: &records,
        ..Returned::default()
    };
    let d = diff::compare(&reg, &answer, &ctx());
    assert_ne!(d.verdict, Verdict::NotConfirmed);
    assert!(d.not_confirmed.is_none());
    // On the 10th the month's tickets are not registered yet: re-check after the 20th.
    assert!(d.notices.iter().any(
        |n| n.notice == NoticeKind::TicketNotYetRegistered && n.message.contains("福祉事務所")
    ));
    assert_eq!(d.recheck.as_ref().unwrap().on, day(2025, 4, 21));
    // After the registration window: ask the welfare office.
    let late = diff::compare(
        &reg,
        &answer,
        &DiffContext::new(day(2025, 4, 25), QueryKind::MyNumberCard),
    );
    assert!(
        late.notices
            .iter()
            .any(|n| n.notice == NoticeKind::ValidUnregistered && n.message.contains("福祉事務所"))
    );
    assert!(late.recheck.is_none());
    // The month's 医療券 not being registered yet is no change.
    let tickets = d.field(Field::MedicalTickets).unwrap();
    assert_eq!(tickets.class, Class::OnlyRegistered);
    assert_eq!(tickets.action, Action::Ignore);
    assert_eq!(d.verdict, Verdict::Identical);
}

// ---- seed row 14 / FAQ: 生活保護 only -------------------------------------------------------

#[test]
fn seed_row_14_public_assistance_only_cannot_be_confirmed_by_card_number() {
    let reg = public_assistance();
    let reason = reg.confirmable_by_card_number().unwrap_err();
    assert!(reason.message_ja().contains("マイナンバーカード"));
    let d = diff::compare_records(
        &reg,
        &public_assistance(),
        &DiffContext::new(day(2025, 4, 10), QueryKind::PublicExpense),
    );
    let n = d
        .notices
        .iter()
        .find(|n| n.notice == NoticeKind::PublicAssistanceOnly)
        .unwrap();
    assert!(n.message.contains("記号・番号では資格確認できません"));
    // An ordinary insured patient gets no such notice.
    let d = compare(&registered(), &returned());
    assert!(
        !d.notices
            .iter()
            .any(|n| n.notice == NoticeKind::PublicAssistanceOnly)
    );
}

// ---- seed row 18 / FAQ: My Number card only, check digits ---------------------------------

#[test]
fn seed_row_18_check_digit_error_is_ignored_by_the_diff() {
    let bad = InsurerNumber::parse("06139991", Mode::Lenient).unwrap();
    assert!(bad.validate().is_err());
    let reg = Qualification {
        card: CardKey {
            insurer_number: Some(bad.clone()),
            ..registered().card
        },
        ..registered()
    };
    let ret = Qualification {
        card: CardKey {
            insurer_number: Some(bad),
            ..returned().card
        },
        ..returned()
    };
    let d = compare(&reg, &ret);
    assert_eq!(d.field(Field::InsurerNumber).unwrap().class, Class::Same);
    assert_eq!(d.verdict, Verdict::Identical);
    assert!(
        d.notices
            .iter()
            .any(|n| n.notice == NoticeKind::CheckDigitIgnored)
    );
}

#[test]
fn seed_row_18_my_number_card_only_record_takes_the_returned_insurance_numbers() {
    // Registered from the My Number card alone: no insurance numbers known.
    let reg = Qualification {
        card: CardKey {
            insurer_number: None,
            insured_card_symbol: None,
            insured_identification_number: None,
            insured_branch_number: None,
        },
        insured_card_classification: None,
        personal_family_classification: None,
        ..registered()
    };
    let d = compare(&reg, &returned());
    assert_eq!(d.verdict, Verdict::UpdateRecommended);
    for f in [
        Field::InsurerNumber,
        Field::InsuredCardSymbol,
        Field::InsuredIdentificationNumber,
        Field::InsuredBranchNumber,
    ] {
        let x = d.field(f).unwrap();
        assert_eq!(x.class, Class::OnlyReturned, "{f}");
        assert_eq!(
            x.action,
            Action::Reflect,
            "{f}: filled in, not a new qualification"
        );
    }
}

// ---- output contract -----------------------------------------------------------------------

#[test]
fn diff_json_uses_the_documented_names() {
    let ret = Qualification {
        person: PersonIdentity {
            address: Some("大阪府見本市中央1-1".into()),
            ..returned().person
        },
        ..returned()
    };
    let d = compare(&registered(), &ret);
    let v: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
    assert_eq!(v["verdict"], "update_recommended");
    let fields = v["fields"].as_array().unwrap();
    let addr = fields.iter().find(|f| f["field"] == "address").unwrap();
    assert_eq!(addr["class"], "different");
    assert_eq!(addr["advice"], "address_changed");
    assert_eq!(addr["action"], "reflect");
    assert_eq!(addr["label"], "住所");
    let name = fields.iter().find(|f| f["field"] == "name").unwrap();
    assert_eq!(name["class"], "substituted");
    assert_eq!(name["action"], "keep_registered");
    let kana = fields.iter().find(|f| f["field"] == "name_kana").unwrap();
    assert_eq!(kana["class"], "equivalent");
    // Round trip.
    let back: diff::Diff = serde_json::from_str(&d.to_json()).unwrap();
    assert_eq!(back, d);
}

#[test]
fn diff_debug_and_json_never_show_personal_values() {
    let d = compare(&registered(), &returned());
    let debug = format!("{d:?}");
    let json = d.to_json();
    for secret in ["髙橋", "花子", "ﾀｶﾊｼ", "1985", "千代田", "3456"] {
        assert!(!debug.contains(secret), "Debug shows {secret}");
        assert!(!json.contains(secret), "JSON shows {secret}");
    }
}

#[test]
fn display_gives_the_value_for_staff_screens() {
    let q = returned();
    assert_eq!(Field::Name.display(&q).as_deref(), Some("●橋　花子"));
    assert_eq!(Field::Birthdate.display(&q).as_deref(), Some("1985-06-15"));
    assert_eq!(Field::Sex1.display(&q).as_deref(), Some("2 女"));
    assert_eq!(
        Field::InsuredBranchNumber.display(&q).as_deref(),
        Some("02")
    );
    let elderly = Qualification {
        insured_partial_contribution_ratio: Ratio::from_percent(30),
        ..q
    };
    assert_eq!(
        Field::InsuredPartialContributionRatio
            .display(&elderly)
            .as_deref(),
        Some("30%（3割）")
    );
}

#[test]
fn a_parsed_result_body_is_an_answer_and_the_diff_names_its_record() {
    let body = onshi::model::ConfirmationResult {
        outcome: ProcessingOutcome {
            status: Some(ProcessingResultStatus::Normal),
            ..Default::default()
        },
        qualification_validity: Some(QualificationValidity::Valid),
        results: vec![returned()],
        ..Default::default()
    };
    let answer = Returned::from(&body);
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.verdict, Verdict::Identical);
    assert_eq!(d.record(&answer), Some(&body.results[0]));
    let empty = onshi::model::ConfirmationResult {
        qualification_validity: Some(QualificationValidity::NotFound),
        ..Default::default()
    };
    let answer = Returned::from(&empty);
    let d = diff::compare(&registered(), &answer, &ctx());
    assert_eq!(d.record(&answer), None);
    assert_eq!(d.verdict, Verdict::NotConfirmed);
}
