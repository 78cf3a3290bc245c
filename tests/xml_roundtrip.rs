//! Property tests: for every message kind, write → parse is the identity, in both encodings,
//! and writing is deterministic.
//!
//! The strategies generate what a parse can produce: normalized card numbers, non-empty
//! texts (an empty element reads as absent), unmodelled elements whose names no modelled
//! element has, and, for each kind, the fields that make its shape recognizable.

use chrono::{NaiveDate, NaiveDateTime};
use onshi::Personal;
use onshi::codes::*;
use onshi::ids::{
    BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode, Mode,
    PublicExpensePayerNumber, RecipientNumber,
};
use onshi::model::*;
use onshi::model::{
    CardKey, ConfirmationResult, DocumentOutcome, DocumentQuery, PersonIdentity, ProcessingOutcome,
    ReferenceNumberRegistration, UploadReceipt,
};
use onshi::xml::{self, Encoding, Message};
use onshi::xml::{
    BulkDownloadRequest, BulkQualificationResponse, BulkUploadResponse, DocumentRequest,
    DocumentResponse, QualificationRequest, QualificationResponse, ReferenceNumberRequest,
    ReferenceNumberResponse,
};
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

/// Characters CP932 carries (so both encodings round-trip), plus the XML specials.
const CHARS: &[char] = &[
    'a', 'Z', '0', '9', ' ', '-', '&', '<', '>', '"', '\'', '\n', '\r', '\t', 'あ', 'ア', 'ｱ', 'ﾞ',
    '見', '本', '髙', '德', '●', '　', '①', 'ⅰ', '～', '・', 'ー',
];

fn text() -> impl Strategy<Value = String> {
    vec(proptest::sample::select(CHARS), 1..12).prop_map(|v| v.into_iter().collect())
}

fn ptext() -> impl Strategy<Value = Personal<String>> {
    text().prop_map(Personal::new)
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2100, 1u32..13, 1u32..29)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn date_time() -> impl Strategy<Value = NaiveDateTime> {
    (date(), 0u32..24, 0u32..60, 0u32..60).prop_map(|(d, h, m, s)| d.and_hms_opt(h, m, s).unwrap())
}

fn code<C: Code + Clone + std::fmt::Debug + 'static>() -> impl Strategy<Value = C> {
    prop_oneof![
        3 => proptest::sample::select(C::known().to_vec()),
        1 => "X[0-9]{1,2}".prop_map(|s| C::from_wire(&s)),
    ]
}

fn insurer() -> impl Strategy<Value = InsurerNumber> {
    prop_oneof!["[1-9][0-9]{5}", "[1-9][0-9]{7}"]
        .prop_map(|s| InsurerNumber::parse(&s, Mode::Lenient).unwrap())
}

fn symbol() -> impl Strategy<Value = CardSymbol> {
    "[A-Z0-9見本-]{1,20}".prop_map(|s| CardSymbol::parse(&s, Mode::Lenient).unwrap())
}

fn number() -> impl Strategy<Value = CardNumber> {
    "[0-9A-Z]{1,20}".prop_map(|s| CardNumber::parse(&s, Mode::Lenient).unwrap())
}

fn branch() -> impl Strategy<Value = BranchNumber> {
    "[0-9]{2}".prop_map(|s| BranchNumber::parse(&s, Mode::Lenient).unwrap())
}

fn institution() -> impl Strategy<Value = MedicalInstitutionCode> {
    "[0-9]{10}".prop_map(|s| MedicalInstitutionCode::parse(&s, Mode::Lenient).unwrap())
}

fn unknown() -> BoxedStrategy<UnknownElement> {
    unknown_inner().boxed()
}

fn unknown_inner() -> impl Strategy<Value = UnknownElement> {
    let leaf = (
        "X[a-z]{1,8}",
        vec(("a[a-z]{0,4}", text()), 0..3),
        of(text()),
    )
        .prop_map(|(name, attrs, text)| UnknownElement {
            name,
            attributes: dedup(attrs),
            text,
            children: vec![],
        });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (
            "X[a-z]{1,8}",
            vec(("a[a-z]{0,4}", text()), 0..2),
            of("[a-z][a-z ]{0,6}"),
            vec(inner, 1..3),
        )
            .prop_map(|(name, attrs, text, children)| UnknownElement {
                name,
                attributes: dedup(attrs),
                text,
                children,
            })
    })
}

fn dedup(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|(k, _)| seen.insert(k.clone()));
    v
}

fn extras() -> impl Strategy<Value = Vec<UnknownElement>> {
    vec(unknown(), 0..2)
}

fn non_default<T: Default + PartialEq>(v: T) -> Option<T> {
    (v != T::default()).then_some(v)
}

fn header_request() -> BoxedStrategy<MessageHeader> {
    header_request_inner().boxed()
}

fn header_request_inner() -> impl Strategy<Value = MessageHeader> {
    (of(date()), of(institution()), of(text()), extras()).prop_map(|(d, mic, afi, extra)| {
        MessageHeader {
            qualification_confirmation_date: d,
            medical_institution_code: mic,
            arbitrary_file_identifier: afi,
            extra,
            ..Default::default()
        }
    })
}

/// A response header: 処理結果区分 always set (no 受付番号 and no counts: those make a bulk
/// answer).
fn header_response() -> BoxedStrategy<MessageHeader> {
    header_response_inner().boxed()
}

fn header_response_inner() -> impl Strategy<Value = MessageHeader> {
    (
        header_request(),
        of(date_time()),
        of(code::<ReferenceClassification>()),
        code::<SegmentOfResult>(),
        of(text()),
        of(text()),
        of(code::<CharacterCodeIdentifier>()),
    )
        .prop_map(|(h, t, rc, seg, ec, em, cc)| MessageHeader {
            process_execution_time: t,
            reference_classification: rc,
            segment_of_result: Some(seg),
            error_code: ec,
            error_message: em,
            character_code_identifier: cc,
            ..h
        })
}

fn query() -> BoxedStrategy<QualificationQuery> {
    query_inner().boxed()
}

fn query_inner() -> impl Strategy<Value = QualificationQuery> {
    (
        (
            of(insurer()),
            of(symbol()),
            of(number()),
            of(branch()),
            of(date()),
        ),
        (of(code::<LimitConsentFlag>()), of(text()), of(text())),
        (
            of(date()),
            of(date()),
            of(date()),
            of(date()),
            of(code::<MedicalTreatmentFlag>()),
        ),
        extras(),
    )
        .prop_map(
            |((ins, sym, num, br, bd), (lc, ai, mtm), (cf, ct, ef, et, mtf), extra)| {
                QualificationQuery {
                    card: CardKey {
                        insurer_number: ins,
                        insured_card_symbol: sym,
                        insured_identification_number: num,
                        insured_branch_number: br,
                    },
                    birthdate: bd.map(Personal::new),
                    limit_consent_flag: lc,
                    arbitrary_identifier: ai,
                    medical_treatment_month: mtm,
                    consent_date_from: cf,
                    consent_date_to: ct,
                    examination_date_from: ef,
                    examination_date_to: et,
                    medical_treatment_flag: mtf,
                    extra,
                }
            },
        )
}

fn consent() -> BoxedStrategy<Consent> {
    consent_inner().boxed()
}

fn consent_inner() -> impl Strategy<Value = Consent> {
    (of(code::<ConsentFlag>()), of(date_time()), of(date_time())).prop_map(
        |(flag, time, available_time)| Consent {
            flag,
            time,
            available_time,
        },
    )
}

fn consents() -> BoxedStrategy<Consents> {
    consents_inner().boxed()
}

fn consents_inner() -> impl Strategy<Value = Consents> {
    vec(consent(), 10).prop_map(|c| {
        let mut out = Consents::default();
        let prefixes: Vec<&str> = out.entries().iter().map(|(p, _)| *p).collect();
        for (p, c) in prefixes.into_iter().zip(c) {
            *out.by_prefix_mut(p).unwrap() = c;
        }
        out
    })
}

/// A numbered list (`InjuryName1..3`): gaps are empty entries, the last entry is set.
fn numbered() -> impl Strategy<Value = Vec<Personal<String>>> {
    (vec(of(ptext()), 0..3), ptext()).prop_map(|(mut v, last)| {
        if let Some(x) = v.last_mut() {
            *x = Some(last);
        }
        v.into_iter()
            .map(|x| x.unwrap_or_else(|| Personal::new(String::new())))
            .collect()
    })
}

fn ticket() -> BoxedStrategy<MedicalTicket> {
    ticket_inner().boxed()
}

fn ticket_inner() -> impl Strategy<Value = MedicalTicket> {
    (
        (
            of(code::<TicketType>()),
            of(date()),
            of(date()),
            of(text()),
            of(text()),
            of(text()),
        ),
        (
            of(code::<DesignatedInstitutionFlag>()),
            of(text()),
            of(text()),
            of(text()),
            numbered(),
            of(code::<MedicalTreatmentType>()),
        ),
        (
            of(any::<u32>()),
            of(text()),
            of(text()),
            of(code::<SingleOrCombinedUse>()),
            of(code::<SocialInsuranceStatus>()),
            of(code::<ConsistencyFlag>()),
        ),
        (
            of(code::<InfectionStatus>()),
            of(code::<ElderlyMedicalCareStatus>()),
            of(code::<PrefecturalExpensesStatus>()),
            numbered(),
            extras(),
        ),
    )
        .prop_map(|(a, b, c, d)| MedicalTicket {
            ticket_type: a.0,
            valid_date: a.1,
            expiration_date: a.2,
            issue_number: a.3,
            medical_treatment_month: a.4,
            designated_medical_institution_code: a.5,
            designated_medical_institution_flag: b.0,
            designated_medical_institution_name: b.1,
            prescription_issuer_medical_institution_code: b.2,
            prescription_issuer_medical_institution_name: b.3,
            injury_names: b.4,
            medical_treatment_type: b.5,
            self_pay_amount: c.0,
            district_contact_name: c.1,
            handling_contact_name: c.2,
            single_or_combined_use: c.3,
            status_of_social_insurance: c.4,
            consistency_flag: c.5,
            status_of_infection: d.0,
            status_of_elderly_medical_care: d.1,
            status_of_prefectural_expenses: d.2,
            remarks: d.3,
            extra: d.4,
        })
}

/// A 公費 (PMH) with any of its fields, lists and unknown elements.
fn public_expense() -> BoxedStrategy<PublicExpense> {
    let numbers = (
        of("[0-9]{8}".prop_map(|s| PublicExpensePayerNumber::parse(&s, Mode::Lenient).unwrap())),
        of("[0-9A-Z-]{1,30}".prop_map(|s| RecipientNumber::parse(&s, Mode::Lenient).unwrap())),
        of(text()),
        of(text()),
        of(text()),
        of(any::<u32>()),
    );
    let rest =
        (
            of(code::<PmhFlag>()),
            of(date()),
            of(date()),
            of(text()),
            vec(
                (of(text()), of(text()), extras())
                    .prop_map(|(code, name, extra)| DesignatedInstitution { code, name, extra }),
                0..2,
            ),
            vec(
                (of(text()), of(ptext()), extras())
                    .prop_map(|(name, value, extra)| CertificateItem { name, value, extra }),
                0..3,
            ),
            (
                of(text()),
                of(code::<PmhFlag>()),
                of(code::<PublicExpenseSource>()),
                extras(),
            ),
        );
    (numbers, rest)
        .prop_map(|(n, r)| PublicExpense {
            payer_number: n.0,
            recipient_number: n.1,
            certification_name: n.2,
            segment: n.3,
            income_segment: n.4,
            max_copayment_amount: n.5,
            always_reimbursement: r.0,
            valid_from: r.1,
            valid_to: r.2,
            additional_conditions: r.3,
            designated_institutions: r.4,
            certificate_items: r.5,
            history_key: r.6.0,
            deleted: r.6.1,
            source: r.6.2,
            extra: r.6.3,
        })
        .boxed()
}

fn qualification() -> BoxedStrategy<Qualification> {
    qualification_inner().boxed()
}

fn qualification_inner() -> impl Strategy<Value = Qualification> {
    let ids = (
        of(code::<InsuredCardClassification>()),
        of(insurer()),
        of(symbol()),
        of(number()),
        of(branch()),
        of(code::<PersonalFamilyClassification>()),
    );
    let names = (
        of(ptext()),
        of(ptext()),
        of(ptext()),
        of(ptext()),
        of(ptext()),
        of(code::<Sex>()),
        of(code::<Sex>()),
    );
    let dates = (
        of(date()),
        of(ptext()),
        of(ptext()),
        (of(date()), of(date()), of(date()), of(date()), of(date())),
        (0u16..=100, any::<bool>()),
        of(code::<PreschoolClassification>()),
        of(code::<ReasonOfLoss>()),
        of(text()),
    );
    let certs = (
        (of(date()), of(date()), of(date()), of(0u16..=100), extras()),
        of(code::<LimitConsentFlag>()),
        of(date_time()),
        (
            of(code::<LimitCertificateClassification>()),
            of(code::<LimitClassificationFlag>()),
            of(date()),
            of(date()),
            of(date()),
            of(date()),
            extras(),
        ),
        of(code::<ConsentFlag>()),
        of(date_time()),
        vec(
            (
                of(code::<SpecificDiseaseCategory>()),
                of(date()),
                of(date()),
                of(date()),
                of(any::<u32>()),
                extras(),
            ),
            0..3,
        ),
        (vec(ticket(), 0..2), vec(public_expense(), 0..2)),
    );
    let tail = (
        consents(),
        of(ptext()),
        of(text()),
        of(code::<PrescriptionIssueSelect>()),
        of(code::<LimitInfoChanged>()),
        extras(),
        of(ptext()),
    );
    (ids, names, dates, certs, tail).prop_map(|(ids, names, dates, certs, tail)| {
        let (e, lcf, lct, l, sdf, sdt, sd, (tickets, public_expenses)) = certs;
        Qualification {
            card: CardKey {
                insurer_number: ids.1,
                insured_card_symbol: ids.2,
                insured_identification_number: ids.3,
                insured_branch_number: ids.4,
            },
            person: PersonIdentity {
                name: names.1,
                name_of_other: names.2,
                name_kana: names.3,
                name_of_other_kana: names.4,
                sex1: names.5,
                sex2: names.6,
                birthdate: dates.0.map(Personal::new),
                address: dates.1,
                post_number: dates.2,
            },
            insured_card_classification: ids.0,
            personal_family_classification: ids.5,
            insured_name: names.0,
            qualification_date: dates.3.0,
            disqualification_date: dates.3.1,
            insured_certificate_issuance_date: dates.3.2,
            insured_card_valid_date: dates.3.3,
            insured_card_expiration_date: dates.3.4,
            insured_partial_contribution_ratio: dates
                .4
                .1
                .then(|| Ratio::from_percent(dates.4.0).unwrap()),
            preschool_classification: dates.5,
            reason_of_loss: dates.6,
            insurer_name: dates.7,
            elderly_recipient: non_default(ElderlyRecipient {
                certificate_date: e.0,
                valid_start_date: e.1,
                valid_end_date: e.2,
                contribution_ratio: e.3.and_then(Ratio::from_percent),
                extra: e.4,
            }),
            limit_consent_flag: lcf,
            limit_consent_time: lct,
            limit_certificate: non_default(LimitCertificate {
                classification: l.0,
                classification_flag: l.1,
                certificate_date: l.2,
                valid_start_date: l.3,
                valid_end_date: l.4,
                long_term_date: l.5,
                extra: l.6,
            }),
            specific_diseases_consent_flag: sdf,
            specific_diseases_consent_time: sdt,
            specific_diseases: sd
                .into_iter()
                .map(|d| SpecificDisease {
                    category: d.0,
                    certificate_date: d.1,
                    valid_start_date: d.2,
                    valid_end_date: d.3,
                    self_pay: d.4,
                    extra: d.5,
                })
                .collect(),
            medical_tickets: tickets,
            public_expenses,
            consents: tail.0,
            reference_number: tail.1,
            arbitrary_identifier: tail.2,
            prescription_issue_select: tail.3,
            limit_certificate_changed: tail.4,
            qualification_confirmation_key: tail.6,
            extra: tail.5,
        }
    })
}

fn confirmation() -> BoxedStrategy<ConfirmationResult> {
    confirmation_inner().boxed()
}

fn confirmation_inner() -> impl Strategy<Value = ConfirmationResult> {
    (
        of(query()),
        (of(code::<ProcessingResultStatus>()), of(text()), of(text())),
        of(code::<QualificationValidity>()),
        of(code::<PrescriptionIssueSelect>()),
        vec(qualification(), 0..3),
        vec(ptext(), 0..3),
        extras(),
    )
        .prop_map(
            |(q, (s, c, m), v, p, results, rn, extra)| ConfirmationResult {
                outcome: ProcessingOutcome {
                    status: s,
                    code: c,
                    message: m,
                },
                query_echo: q.and_then(non_default),
                qualification_validity: v,
                prescription_issue_select: p,
                results,
                reference_numbers: rn,
                extra,
            },
        )
}

fn registration(answered: bool) -> BoxedStrategy<ReferenceNumberRegistration> {
    registration_inner(answered).boxed()
}

fn registration_inner(answered: bool) -> impl Strategy<Value = ReferenceNumberRegistration> {
    (
        (
            of(ptext()),
            of(insurer()),
            of(symbol()),
            of(number()),
            of(branch()),
        ),
        (of(code::<ProcessingResultStatus>()), of(text()), of(text())),
        extras(),
    )
        .prop_map(move |((rn, ins, sym, num, br), (s, c, m), extra)| {
            ReferenceNumberRegistration {
                card: CardKey {
                    insurer_number: ins,
                    insured_card_symbol: sym,
                    insured_identification_number: num,
                    insured_branch_number: br,
                },
                outcome: ProcessingOutcome {
                    status: if answered { s } else { None },
                    code: if answered { c } else { None },
                    message: if answered { m } else { None },
                },
                reference_number: rn,
                extra,
            }
        })
}

/// A `BulkRegistrationUnit`: the registration's echo (or none) and its own 処理結果.
fn registration_unit() -> BoxedStrategy<RegistrationUnit> {
    (
        of(registration(false)),
        (of(code::<ProcessingResultStatus>()), of(text()), of(text())),
        extras(),
    )
        .prop_map(|(r, (s, c, m), extra)| RegistrationUnit {
            registration: r.and_then(non_default),
            outcome: ProcessingOutcome {
                status: s,
                code: c,
                message: m,
            },
            extra,
        })
        .boxed()
}

fn message() -> BoxedStrategy<Message> {
    message_inner().boxed()
}

fn message_inner() -> impl Strategy<Value = Message> {
    let qreq = (header_request(), vec(query(), 1..3), extras(), extras()).prop_map(
        |(header, queries, extra_body, extra_root)| {
            Message::QualificationRequest(QualificationRequest {
                header,
                queries,
                extra_body,
                extra_root,
            })
        },
    );
    let qres =
        (header_response(), confirmation(), extras()).prop_map(|(header, body, extra_root)| {
            Message::QualificationResponse(QualificationResponse {
                header,
                body,
                extra_root,
            })
        });
    let rreq = (
        header_request(),
        vec(registration(false), 1..3),
        extras(),
        extras(),
    )
        .prop_map(|(header, registrations, extra_body, extra_root)| {
            Message::ReferenceNumberRequest(ReferenceNumberRequest {
                header,
                registrations,
                extra_body,
                extra_root,
            })
        });
    let rres = (
        header_response(),
        prop_oneof![
            (vec(registration(true), 1..3), Just(Vec::new())),
            (
                vec(registration(false), 0..2),
                vec(registration_unit(), 1..3)
            ),
        ],
        (of(code::<ProcessingResultStatus>()), of(text()), of(text())),
        extras(),
        extras(),
    )
        .prop_map(
            |(header, (registrations, units), (s, c, m), extra_body, extra_root)| {
                Message::ReferenceNumberResponse(ReferenceNumberResponse {
                    outcome: ProcessingOutcome {
                        status: s,
                        code: c,
                        message: m,
                    },
                    header,
                    registrations,
                    units,
                    extra_body,
                    extra_root,
                })
            },
        );
    let upload = (
        header_response(),
        of(text()),
        date_time(),
        (of(code::<ProcessingResultStatus>()), of(text()), of(text())),
        extras(),
        extras(),
    )
        .prop_map(|(header, rn, t, (s, c, m), extra_body, extra_root)| {
            Message::BulkUploadResponse(BulkUploadResponse {
                receipt: UploadReceipt {
                    outcome: ProcessingOutcome {
                        status: s,
                        code: c,
                        message: m,
                    },
                    reception_number: rn,
                    reception_date_time: Some(t),
                },
                header,
                extra_body,
                extra_root,
            })
        });
    let download = (header_request(), text(), extras(), extras()).prop_map(
        |(header, rn, extra_body, extra_root)| {
            Message::BulkDownloadRequest(BulkDownloadRequest {
                header,
                reception_number: rn,
                extra_body,
                extra_root,
            })
        },
    );
    let bulk = (
        header_response(),
        of(text()),
        any::<u32>(),
        of(any::<u32>()),
        of(any::<u32>()),
        vec(confirmation(), 0..3),
        extras(),
        extras(),
    )
        .prop_map(|(h, rn, n, ok, err, units, extra_body, extra_root)| {
            Message::BulkQualificationResponse(BulkQualificationResponse {
                header: MessageHeader {
                    reception_number: rn,
                    number_of_processing_result: Some(n),
                    number_of_normal_processing: ok,
                    number_of_error: err,
                    ..h
                },
                units,
                extra_body,
                extra_root,
            })
        });
    let doc_req = (
        header_request(),
        (insurer(), of(symbol()), of(number()), of(branch())),
        (
            of(text()),
            of(text()),
            of(code::<FileCategory>()),
            of(text()),
            of(code::<MedicalTreatmentFlag>()),
        ),
        extras(),
        extras(),
    )
        .prop_map(
            |(header, (i, s, n, b), (sm, em, fc, pd, mtf), extra_body, extra_root)| {
                Message::DocumentRequest(DocumentRequest {
                    query: DocumentQuery {
                        start_month: sm,
                        end_month: em,
                        file_category: fc,
                        pr_di_inf_classification: pd,
                        medical_treatment_flag: mtf,
                    },
                    card: CardKey {
                        insurer_number: Some(i),
                        insured_card_symbol: s,
                        insured_identification_number: n,
                        insured_branch_number: b,
                    },
                    header,
                    extra_body,
                    extra_root,
                })
            },
        );
    let doc_res = (
        header_response(),
        text(),
        of(text()),
        vec(unknown(), 0..3),
        extras(),
    )
        .prop_map(|(header, rc, mc, body, extra_root)| {
            Message::DocumentResponse(DocumentResponse {
                outcome: DocumentOutcome {
                    result_code: Some(rc),
                    message_contents: mc,
                },
                header,
                body,
                extra_root,
            })
        });
    prop_oneof![
        qreq, qres, rreq, rres, upload, download, bulk, doc_req, doc_res
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn write_then_parse_is_the_identity(m in message()) {
        for enc in [Encoding::Utf8, Encoding::ShiftJis] {
            let bytes = xml::write(&m, enc).unwrap();
            let doc = xml::parse(&bytes).unwrap_or_else(|e| {
                panic!("{e}\n{}", String::from_utf8_lossy(&bytes))
            });
            prop_assert_eq!(doc.encoding, enc);
            prop_assert_eq!(&doc.message, &m);
            prop_assert_eq!(xml::write(&doc.message, enc).unwrap(), bytes);
        }
    }

    #[test]
    fn bulk_units_agree_with_parse(m in message()) {
        if let Message::BulkQualificationResponse(b) = &m {
            let bytes = xml::write(&m, Encoding::Utf8).unwrap();
            let units = xml::bulk_units(&bytes, &Default::default()).unwrap();
            prop_assert_eq!(units.header(), &b.header);
            let all: Vec<_> = units.collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
            prop_assert_eq!(&all, &b.units);
        }
    }

    #[test]
    fn json_round_trip(m in message()) {
        let j = serde_json::to_string(&m).unwrap();
        let back: Message = serde_json::from_str(&j).unwrap();
        prop_assert_eq!(back, m);
    }
}
