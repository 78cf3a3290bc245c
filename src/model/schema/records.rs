//! **The declaration of every record.** One line (or a few) per field, in XML order: this is
//! the only hand-written place a record field is declared. Run `cargo test --lib sourcegen`
//! after a change; it rewrites the generated files (see the parent module) and fails once so
//! that the change is noticed and committed.
//!
//! Per field: C id (`ONSHI_FIELD_*` number; ids are never renumbered or reused), Rust name,
//! codec, XML element name (then accepted aliases), Japanese label, documentation. Compared
//! fields of a qualification add `.compared(group, rank)` (display order among compared
//! fields), the text kind for normalization and the advice that differs from the group's.
//!
//! C id ranges: 1–99 a qualification (and its child records), 101–199 an item of its
//! 特定疾病 list, 201–299 an item of its 医療券 list, 301–399 an item of its consents,
//! 401–449 a document (440–447 an item of its 照会番号 registrations), 451–479 a query block,
//! 481–499 a bulk unit (485 retired: the unit's 照会番号 became the list 487), 801–849 a 公費
//! (`PublicExpense`, the record of `onshi_public_expense` and the items of a qualification's
//! 公費 list).
//!
//! **PMH (公費) element names are provisional.** The terminal's XML for the 医療費助成 data PMH
//! sends with the 資格情報 is not public (oqs-2026 §5). The names below are the PMH municipal
//! API's field names (OpenAPI 0.1.1: `medicalSubsidyInsurerNumber` …) in the terminal's
//! PascalCase, each with the API's camelCase spelling as an alias; whatever else arrives is kept
//! whole in `extra`. This table is the one place to correct them.

use super::*;
use std::sync::LazyLock;

/// Advice names (variants of `diff::Advice`).
const QUALIFICATION_CHANGED: &str = "QualificationChanged";
const PUBLIC_EXPENSE_CHANGED: &str = "PublicExpenseChanged";
const CAP_CHANGED: &str = "CapChanged";
const PUBLIC_EXPENSE_VALIDITY_CHANGED: &str = "PublicExpenseValidityChanged";
const MEDICAL_ASSISTANCE_CHANGED: &str = "MedicalAssistanceChanged";
const IDENTITY_MISMATCH: &str = "IdentityMismatch";
const RATIO_CHANGED: &str = "RatioChanged";

/// Field groups (variants of `model::FieldGroup`).
const IDENTITY: &str = "Identity";
const QUALIFICATION_GROUP: &str = "Qualification";
const DETAIL: &str = "Detail";
const CERTIFICATE: &str = "Certificate";

/// 保険者番号・記号・番号・枝番: the key of an insurance card.
pub(crate) static CARD_KEY: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "CardKey",
        "The key of an insurance card (被保険者証 / 資格確認書): 保険者番号・記号・番号・枝番. \
         Embedded in the qualification, the query, the 照会番号 registration and the 薬剤/健診 \
         request; its keys are keys of their JSON objects.",
        &[
            leaf(
                0,
                "insurer_number",
                INSURER,
                &["InsurerNumber"],
                "保険者番号",
            )
            .doc("保険者番号 (space-padded to 8 on the wire; 医療扶助: 公費負担者番号).")
            .compared(QUALIFICATION_GROUP, 22)
            .different(QUALIFICATION_CHANGED)
            .public_assistance(MEDICAL_ASSISTANCE_CHANGED),
            leaf(
                0,
                "insured_card_symbol",
                SYMBOL,
                &["InsuredCardSymbol"],
                "被保険者証記号",
            )
            .doc("被保険者証記号 (absent when the card has none).")
            .compared(QUALIFICATION_GROUP, 23)
            .text("Number")
            .different(QUALIFICATION_CHANGED)
            .diff_label("記号"),
            leaf(
                0,
                "insured_identification_number",
                NUMBER,
                &["InsuredIdentificationNumber"],
                "被保険者証番号",
            )
            .doc("被保険者証番号 (医療扶助: 受給者番号).")
            .compared(QUALIFICATION_GROUP, 24)
            .text("Number")
            .different(QUALIFICATION_CHANGED)
            .public_assistance(MEDICAL_ASSISTANCE_CHANGED)
            .diff_label("番号"),
            leaf(
                0,
                "insured_branch_number",
                BRANCH,
                &["InsuredBranchNumber"],
                "枝番",
            )
            .doc("枝番 (2 digits).")
            .compared(QUALIFICATION_GROUP, 25)
            .different(QUALIFICATION_CHANGED),
        ],
    )
    .no_extra()
});

/// 氏名・カナ・性別・生年月日・住所: who the person is.
pub(crate) static PERSON: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "PersonIdentity",
        "Who a person is: 氏名, カナ, 性別, 生年月日, 住所 as the card face (or the EMR) has \
         them. Embedded in the qualification, matching's query and patient, and the new-patient \
         draft; its keys are keys of their JSON objects.",
        &[
            leaf(0, "name", PTEXT, &["Name"], "氏名")
                .doc("氏名 (券面; family and given name separated by U+3000).")
                .compared(IDENTITY, 1)
                .text("Name")
                .different(IDENTITY_MISMATCH),
            leaf(
                0,
                "name_of_other",
                PTEXT,
                &["NameOfOther"],
                "氏名（その他）",
            )
            .doc("氏名（その他）: 通称等.")
            .compared(IDENTITY, 3)
            .text("Name")
            .diff_label("通称"),
            leaf(0, "name_kana", PTEXT, &["NameKana"], "氏名カナ")
                .doc("氏名カナ (half-width katakana on the wire).")
                .compared(IDENTITY, 2)
                .text("Kana")
                .different("KanaDiffers"),
            leaf(
                0,
                "name_of_other_kana",
                PTEXT,
                &["NameOfOtherKana"],
                "氏名カナ（その他）",
            )
            .doc("氏名カナ（その他）.")
            .compared(IDENTITY, 4)
            .text("Kana")
            .diff_label("通称カナ"),
            leaf(0, "sex1", code("Sex", "CodeOf<Sex>"), &["Sex1"], "性別1")
                .doc("性別1 (券面表面).")
                .compared(IDENTITY, 5)
                .different(IDENTITY_MISMATCH)
                .diff_label("性別"),
            leaf(0, "sex2", code("Sex", "CodeOf<Sex>"), &["Sex2"], "性別2")
                .doc("性別2 (set under the gender-notation exception rules).")
                .compared(IDENTITY, 6)
                .different(IDENTITY_MISMATCH),
            leaf(0, "birthdate", PDATE, &["Birthdate"], "生年月日")
                .doc("生年月日.")
                .compared(IDENTITY, 7)
                .different(IDENTITY_MISMATCH),
            leaf(0, "address", PTEXT, &["Address"], "住所")
                .doc("住所.")
                .compared(IDENTITY, 8)
                .text("Address")
                .different("AddressChanged"),
            leaf(0, "post_number", PTEXT, &["PostNumber"], "郵便番号")
                .doc("郵便番号 (as sent, usually `NNN-NNNN`).")
                .compared(IDENTITY, 9)
                .text("Number")
                .different("AddressChanged"),
        ],
    )
    .no_extra()
});

/// 処理結果状況・コード・メッセージ: how the terminal processed one request or person.
pub(crate) static OUTCOME: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "ProcessingOutcome",
        "How the terminal processed a request or one person of it: 処理結果状況, 処理結果コード and \
         処理結果メッセージ (to be shown to staff as is). Embedded in the per-person answer, the \
         照会番号 registration and the bulk upload answer; its keys are keys of their JSON objects.",
        &[
            leaf(
                0,
                "status",
                code("ProcessingResultStatus", "CodeOf<ProcessingResultStatus>"),
                &["ProcessingResultStatus"],
                "処理結果状況",
            )
            .json("processing_result_status")
            .doc("処理結果状況 (`None`: not given, read as 正常終了)."),
            leaf(0, "code", TEXT, &["ProcessingResultCode"], "処理結果コード")
                .json("processing_result_code")
                .doc("処理結果コード (on error, and on success with supplementary information)."),
            leaf(0, "message", TEXT, &["ProcessingResultMessage"], "処理結果メッセージ")
                .json("processing_result_message")
                .doc("処理結果メッセージ (to be shown to staff as is)."),
        ],
    )
    .no_extra()
});

/// 高齢受給者証.
pub(crate) static ELDERLY: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "ElderlyRecipient",
        "高齢受給者証 information (`ElderlyRecipientCertificateInfo`), ages 70–74.",
        &[
            leaf(
                26,
                "certificate_date",
                DATE,
                &["ElderlyRecipientCertificateDate"],
                "高齢受給者証 交付年月日",
            )
            .doc("交付年月日.")
            .compared(DETAIL, 47),
            leaf(
                27,
                "valid_start_date",
                DATE,
                &["ElderlyRecipientValidStartDate"],
                "高齢受給者証 有効開始年月日",
            )
            .doc("有効開始年月日.")
            .compared(DETAIL, 48),
            leaf(
                28,
                "valid_end_date",
                DATE,
                &["ElderlyRecipientValidEndDate"],
                "高齢受給者証 有効終了年月日",
            )
            .doc("有効終了年月日.")
            .compared(DETAIL, 49),
            leaf(
                29,
                "contribution_ratio",
                PERCENT,
                &["ElderlyRecipientContributionRatio"],
                "高齢受給者証 一部負担金割合",
            )
            .doc("一部負担金割合 (`020` = 2割).")
            .compared(QUALIFICATION_GROUP, 28)
            .different(RATIO_CHANGED)
            .only_returned("ElderlyRecipientStarted")
            .diff_label("負担割合（高齢受給者）"),
        ],
    )
});

/// 限度額適用認定証.
pub(crate) static LIMIT: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "LimitCertificate",
        "限度額適用認定証 information (`LimitApplicationCertificateRelatedInfo`).",
        &[
            leaf(
                32,
                "classification",
                code(
                    "LimitCertificateClassification",
                    "CodeOf<LimitCertificateClassification>",
                ),
                &["LimitApplicationCertificateClassification"],
                "限度額適用認定証区分",
            )
            .doc("認定証区分."),
            leaf(
                33,
                "classification_flag",
                code("LimitClassificationFlag", "CodeOf<LimitClassificationFlag>"),
                &[
                    "LimitApplicationCertificateClassificationFlag",
                    "LimitApplicationCertificateClassificationFla",
                ],
                "限度額 適用区分",
            )
            .doc("適用区分 (A01–A06, B01–B10)."),
            leaf(
                34,
                "certificate_date",
                DATE,
                &["LimitApplicationCertificateDate"],
                "限度額適用認定証 交付年月日",
            )
            .doc("交付年月日."),
            leaf(
                35,
                "valid_start_date",
                DATE,
                &["LimitApplicationCertificateValidStartDate"],
                "限度額適用認定証 有効開始年月日",
            )
            .doc("有効開始年月日."),
            leaf(
                36,
                "valid_end_date",
                DATE,
                &["LimitApplicationCertificateValidEndDate"],
                "限度額適用認定証 有効終了年月日",
            )
            .doc("有効終了年月日."),
            leaf(
                37,
                "long_term_date",
                DATE,
                &["LimitApplicationCertificateLongTermDate"],
                "限度額適用認定証 長期入院該当年月日",
            )
            .doc("長期入院該当年月日."),
        ],
    )
});

/// 特定疾病療養受療証.
pub(crate) static DISEASE: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "SpecificDisease",
        "One 特定疾病療養受療証 (`SpecificDiseasesCertificateInfo`).",
        &[
            leaf(
                101,
                "category",
                code("SpecificDiseaseCategory", "CodeOf<SpecificDiseaseCategory>"),
                &["SpecificDiseasesDiseaseCategory"],
                "特定疾病 疾病区分",
            )
            .doc("疾病区分."),
            leaf(
                102,
                "certificate_date",
                DATE,
                &["SpecificDiseasesCertificateDate"],
                "特定疾病 交付年月日",
            )
            .doc("交付年月日."),
            leaf(
                103,
                "valid_start_date",
                DATE,
                &["SpecificDiseasesValidStartDate"],
                "特定疾病 有効開始年月日",
            )
            .doc("有効開始年月日."),
            leaf(
                104,
                "valid_end_date",
                DATE,
                &["SpecificDiseasesValidEndDate"],
                "特定疾病 有効終了年月日",
            )
            .doc("有効終了年月日."),
            leaf(
                105,
                "self_pay",
                COUNT,
                &["SpecificDiseasesSelfPay"],
                "特定疾病 自己負担限度額",
            )
            .doc("自己負担限度額 (yen per month)."),
        ],
    )
    .ffi("SPECIFIC_DISEASE_")
});

/// 医療扶助 医療券・調剤券.
pub(crate) static TICKET: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "MedicalTicket",
        "One 医療券・調剤券 of 医療扶助 (`PublicExpenseResultList/MedicalTicketInfo`). The codes \
         are OQSCD018–026 (values not in the tables are kept as received).",
        &[
            leaf(
                201,
                "ticket_type",
                code("TicketType", "CodeOf<TicketType>"),
                &["TicketType"],
                "医療券・調剤券別",
            )
            .doc("医療券・調剤券別 (`TicketType`, OQSCD018: `01` 医療券, `02` 調剤券)."),
            leaf(202, "valid_date", DATE, &["MedicalTicketValidDate"], "有効開始日")
                .doc("有効開始日 (`MedicalTicketValidDate`)."),
            leaf(
                203,
                "expiration_date",
                DATE,
                &["MedicalTicketExpirationDate"],
                "有効終了日",
            )
            .doc("有効終了日 (`MedicalTicketExpirationDate`)."),
            leaf(204, "issue_number", TEXT, &["IssueNumber"], "交付番号")
                .doc("交付番号 (`IssueNumber`)."),
            leaf(
                205,
                "medical_treatment_month",
                TEXT,
                &["MedicalTreatmentMonth"],
                "診療年月",
            )
            .doc("診療年月 (`MedicalTreatmentMonth`, `yyyyMM`; kept as text, checked by `validate`)."),
            leaf(
                206,
                "designated_medical_institution_code",
                TEXT,
                &["DesignatedMedicalInstitutionCode"],
                "指定医療機関コード",
            )
            .doc("指定医療機関コード."),
            leaf(
                207,
                "designated_medical_institution_flag",
                code("DesignatedInstitutionFlag", "CodeOf<DesignatedInstitutionFlag>"),
                &["DesignatedMedicalInstitutionFlag"],
                "指定医療機関確認フラグ",
            )
            .doc("指定医療機関確認フラグ (OQSCD026: `0` 一致, `1` 不一致 — the ticket names another 指定医療機関)."),
            leaf(
                208,
                "designated_medical_institution_name",
                TEXT,
                &["DesignatedMedicalInstitutionName"],
                "指定医療機関名称",
            )
            .doc("指定医療機関名称."),
            leaf(
                209,
                "prescription_issuer_medical_institution_code",
                TEXT,
                &["PrescriptionIssuerMedicalInstitutionCode"],
                "処方箋発行医療機関コード",
            )
            .doc("処方箋発行医療機関コード."),
            leaf(
                210,
                "prescription_issuer_medical_institution_name",
                TEXT,
                &["PrescriptionIssuerMedicalInstitutionName"],
                "処方箋発行医療機関名称",
            )
            .doc("処方箋発行医療機関名称."),
            slots(
                "injury_names",
                &[
                    Slot {
                        xml: "InjuryName1",
                        id: 211,
                        c_name: "INJURY_NAME_1",
                        label: "傷病名1",
                    },
                    Slot {
                        xml: "InjuryName2",
                        id: 212,
                        c_name: "INJURY_NAME_2",
                        label: "傷病名2",
                    },
                    Slot {
                        xml: "InjuryName3",
                        id: 213,
                        c_name: "INJURY_NAME_3",
                        label: "傷病名3",
                    },
                ],
                "傷病名",
            )
            .doc("傷病名 1–3 (`InjuryName1..3`)."),
            leaf(
                214,
                "medical_treatment_type",
                code("MedicalTreatmentType", "CodeOf<MedicalTreatmentType>"),
                &["MedicalTreatmentType"],
                "診療別",
            )
            .doc("診療別 (OQSCD019: `01` 入院, `02` 入院外, `03` 歯科, `04` 調剤, `05` 訪問看護)."),
            leaf(215, "self_pay_amount", COUNT, &["SelfPayAmount"], "本人支払額")
                .doc("本人支払額 (yen; more than 0: collect it at the counter)."),
            leaf(
                216,
                "district_contact_name",
                TEXT,
                &["DistrictContactName"],
                "地区担当員名",
            )
            .doc("地区担当員名."),
            leaf(
                217,
                "handling_contact_name",
                TEXT,
                &["HandlingContactName"],
                "取扱担当者名",
            )
            .doc("取扱担当者名."),
            leaf(
                218,
                "single_or_combined_use",
                code("SingleOrCombinedUse", "CodeOf<SingleOrCombinedUse>"),
                &["SingleOrCombinedUse"],
                "単独・併用別",
            )
            .doc("単独・併用別 (OQSCD020: `01` 単独, `02` 併用 — 医療保険 applies too)."),
            leaf(
                219,
                "status_of_social_insurance",
                code("SocialInsuranceStatus", "CodeOf<SocialInsuranceStatus>"),
                &["StatusOfSocialInsurance"],
                "社会保険状況",
            )
            .doc("社会保険の有無 (OQSCD021: `01` あり, `02` なし)."),
            leaf(
                220,
                "consistency_flag",
                code("ConsistencyFlag", "CodeOf<ConsistencyFlag>"),
                &["ConsistencyFlag"],
                "社会保険状況の整合性",
            )
            .doc("社会保険状況の整合性 (OQSCD022: `1` 不整合あり)."),
            leaf(
                221,
                "status_of_infection",
                code("InfectionStatus", "CodeOf<InfectionStatus>"),
                &["StatusOfInfecton", "StatusOfInfection"],
                "感染症法37条の2 該当状況",
            )
            .doc("感染症法37条の2 該当状況 (`StatusOfInfecton`, sic; OQSCD023: `01` あり — 結核の公費 too)."),
            leaf(
                222,
                "status_of_elderly_medical_care",
                code("ElderlyMedicalCareStatus", "CodeOf<ElderlyMedicalCareStatus>"),
                &["StatusOfElderlyMedicalCare"],
                "後期高齢 該当状況",
            )
            .doc("後期高齢 該当状況 (OQSCD024: `01` あり — 後期高齢者医療 too)."),
            leaf(
                223,
                "status_of_prefectural_expenses",
                code("PrefecturalExpensesStatus", "CodeOf<PrefecturalExpensesStatus>"),
                &["StatusOfPrefecturalExpenses"],
                "都道府県費 該当状況",
            )
            .doc("都道府県費 該当状況 (OQSCD025: `01` あり, `02` なし)."),
            slots(
                "remarks",
                &[
                    Slot {
                        xml: "Remarks1",
                        id: 224,
                        c_name: "REMARKS_1",
                        label: "備考1",
                    },
                    Slot {
                        xml: "Remarks2",
                        id: 225,
                        c_name: "REMARKS_2",
                        label: "備考2",
                    },
                    Slot {
                        xml: "Remarks3",
                        id: 226,
                        c_name: "REMARKS_3",
                        label: "備考3",
                    },
                ],
                "備考",
            )
            .doc("備考 1–3 (`Remarks1..3`)."),
        ],
    )
    .ffi("MEDICAL_TICKET_")
});

/// One consent trio.
pub(crate) static CONSENT: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "Consent",
        "A consent given at the face reader for one kind of information (薬剤, 特定健診, 診療 …): \
         the `…ConsFlg`, `…ConsTime`, `…AvailableTime` trio.",
        &[
            leaf(
                302,
                "flag",
                code("ConsentFlag", "CodeOf<ConsentFlag>"),
                &["ConsFlg"],
                "同意フラグ",
            )
            .doc("同意フラグ."),
            leaf(303, "time", DATETIME, &["ConsTime"], "同意日時").doc("When consent was given."),
            leaf(
                304,
                "available_time",
                DATETIME,
                &["AvailableTime"],
                "閲覧有効期限",
            )
            .doc("Until when the information may be retrieved."),
        ],
    )
    .no_extra()
    .ffi("CONSENT_")
});

/// The consents of a result, one per kind of information.
pub(crate) static CONSENTS: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "Consents",
        "The consents a result carries, one per kind of information, in the interface's order; \
         each is written as the trio `<prefix>ConsFlg`, `<prefix>ConsTime`, \
         `<prefix>AvailableTime`.",
        &[
            prefixed(
                "specific_health_checkups",
                &CONSENT,
                "SpecificHealthCheckupsInfo",
                "特定健診情報",
            )
            .doc("特定健診情報 (`SpecificHealthCheckupsInfo`)."),
            prefixed("pharmacists", &CONSENT, "PharmacistsInfo", "薬剤情報")
                .doc("薬剤情報 (`PharmacistsInfo`)."),
            prefixed("diagnosis", &CONSENT, "DiagnosisInfo", "診療情報")
                .doc("診療情報 (`DiagnosisInfo`)."),
            prefixed("operation", &CONSENT, "OperationInfo", "手術情報")
                .doc("手術情報 (`OperationInfo`)."),
            prefixed("diagnosis_name", &CONSENT, "DiagnosisName", "傷病名")
                .doc("傷病名 (`DiagnosisName`)."),
            prefixed("infectious", &CONSENT, "InfectiousInfo", "感染症")
                .doc("感染症 (`InfectiousInfo`)."),
            prefixed("allergy", &CONSENT, "AllergyInfo", "その他アレルギー等")
                .doc("その他アレルギー等 (`AllergyInfo`)."),
            prefixed(
                "contraindication",
                &CONSENT,
                "ContraindicationInfo",
                "薬剤アレルギー等",
            )
            .doc("薬剤アレルギー等 (`ContraindicationInfo`)."),
            prefixed("test", &CONSENT, "TestInfo", "検査").doc("検査 (`TestInfo`)."),
            prefixed("prescription", &CONSENT, "PrescriptionInfo", "処方")
                .doc("処方 (`PrescriptionInfo`)."),
        ],
    )
    .no_extra()
});

/// One 指定医療機関 of a 公費 (provisional element names).
pub(crate) static DESIGNATED: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "DesignatedInstitution",
        "One 指定医療機関 of a 公費 受給者証 (PMH `designatedMedicalInstitutions`; the item's \
         shape is not public: code and name as far as they are sent, the rest kept in `extra`).",
        &[
            leaf(
                0,
                "code",
                TEXT,
                &[
                    "MedicalInstitutionCode",
                    "medicalInstitutionCode",
                    "Code",
                    "code",
                ],
                "医療機関コード",
            )
            .doc("医療機関コード, as sent."),
            leaf(
                0,
                "name",
                TEXT,
                &[
                    "MedicalInstitutionName",
                    "medicalInstitutionName",
                    "Name",
                    "name",
                ],
                "医療機関名称",
            )
            .doc("医療機関名称."),
        ],
    )
});

/// One printed item of a 公費 受給者証 (券面項目; provisional element names).
pub(crate) static CERTIFICATE_ITEM: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "CertificateItem",
        "One printed item of a 公費 受給者証 (PMH `certificationDetail[]`, 券面項目): its name and \
         value as text.",
        &[
            leaf(
                0,
                "name",
                TEXT,
                &["ItemName", "itemName", "Key", "key", "Name", "name"],
                "項目名",
            )
            .doc("項目名."),
            leaf(
                0,
                "value",
                PTEXT,
                &["ItemValue", "itemValue", "Value", "value"],
                "値",
            )
            .doc(
                "値, as printed (personal: a printed item may be a name, an address or a 疾病名).",
            ),
        ],
    )
});

/// 公費負担医療・地方単独医療費助成 (PMH): one 受給者証.
pub(crate) static PUBLIC_EXPENSE: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "PublicExpense",
        "One 公費 (公費負担医療 or a local 医療費助成): one 受給者証 as PMH sends it with the 資格情報, \
         or as staff enter it from the paper 受給者証. A patient may hold several; each has a \
         history of its own (`history::PublicExpenseHistory`). The XML element names are \
         provisional (the PMH names are not public): see `docs/public-expense.md`.",
        &[
            leaf(
                801,
                "payer_number",
                PAYER,
                &[
                    "MedicalSubsidyInsurerNumber",
                    "medicalSubsidyInsurerNumber",
                ],
                "公費負担者番号",
            )
            .doc("公費負担者番号 (8 digits: 法別2 + 都道府県2 + 実施機関3 + 検証番号1; a wrong 検証番号 is kept and reported as a warning).")
            .compared(QUALIFICATION_GROUP, 1)
            .different(PUBLIC_EXPENSE_CHANGED),
            leaf(
                802,
                "recipient_number",
                RECIPIENT,
                &[
                    "MedicalSubsidyRecipientNumber",
                    "medicalSubsidyRecipientNumber",
                ],
                "受給者番号",
            )
            .doc("受給者番号 (≤ 30 characters; national programmes 7 digits with a 検証番号, local ones any form).")
            .compared(QUALIFICATION_GROUP, 2)
            .text("Number")
            .different(PUBLIC_EXPENSE_CHANGED),
            leaf(
                803,
                "certification_name",
                TEXT,
                &["CertificationName", "certificationName"],
                "受給者証名称",
            )
            .doc("受給者証名称: the programme as printed (特定医療費（指定難病）受給者証 …).")
            .compared(DETAIL, 10)
            .text("Text"),
            leaf(804, "segment", TEXT, &["Segment", "segment"], "区分")
                .doc("区分 (PMH `segment`; codes not public, kept as text).")
                .compared(QUALIFICATION_GROUP, 4)
                .different(PUBLIC_EXPENSE_CHANGED),
            leaf(
                805,
                "income_segment",
                TEXT,
                &["IncomeSegment", "incomeSegment"],
                "所得区分",
            )
            .doc("所得区分 (PMH `incomeSegment`; codes not public, kept as text).")
            .compared(QUALIFICATION_GROUP, 5)
            .different(PUBLIC_EXPENSE_CHANGED),
            leaf(
                806,
                "max_copayment_amount",
                YEN,
                &["MaxCopaymentAmount", "maxCopaymentAmount"],
                "自己負担上限額",
            )
            .doc("自己負担上限額 (yen per month).")
            .compared(QUALIFICATION_GROUP, 3)
            .different(CAP_CHANGED),
            leaf(
                807,
                "always_reimbursement",
                code("PmhFlag", "CodeOf<PmhFlag>"),
                &["IsAlwaysReimbursement", "isAlwaysReimbursement"],
                "償還払い",
            )
            .doc("償還払い (`true`: the patient pays and is reimbursed; the clinic does not apply the 公費 at the counter).")
            .compared(QUALIFICATION_GROUP, 6)
            .different(PUBLIC_EXPENSE_CHANGED),
            leaf(808, "valid_from", DATE, &["ValidFrom", "validFrom"], "有効開始日")
                .doc("有効期間の開始日.")
                .compared(DETAIL, 11)
                .different(PUBLIC_EXPENSE_VALIDITY_CHANGED),
            leaf(809, "valid_to", DATE, &["ValidTo", "validTo"], "有効終了日")
                .doc("有効期間の終了日.")
                .compared(DETAIL, 12)
                .different(PUBLIC_EXPENSE_VALIDITY_CHANGED),
            leaf(
                810,
                "additional_conditions",
                TEXT,
                &["AdditionalConditions", "additionalConditions"],
                "付加条件",
            )
            .doc("付加条件 (PMH `additionalConditions`, `\"code-code;…\"`, kept as sent).")
            .compared(DETAIL, 13),
            list(
                811,
                "designated_institutions",
                &DESIGNATED,
                "DesignatedMedicalInstitutions",
                "DesignatedMedicalInstitution",
                "指定医療機関",
            )
            .doc("指定医療機関 (repeating).")
            .compared(CERTIFICATE, 20),
            list(
                812,
                "certificate_items",
                &CERTIFICATE_ITEM,
                "CertificationDetail",
                "CertificationDetailItem",
                "券面項目",
            )
            .doc("券面項目: the printed items of the 受給者証, name and value (repeating).")
            .compared(CERTIFICATE, 21),
            leaf(813, "history_key", TEXT, &["HistoryKey", "historyKey"], "履歴キー")
                .doc("PMH's key of this version of the 受給者証 (`historyKey`; opaque)."),
            leaf(
                814,
                "deleted",
                code("PmhFlag", "CodeOf<PmhFlag>"),
                &["IsDeleted", "isDeleted"],
                "削除フラグ",
            )
            .doc("PMH's deleted flag (`isDeleted`): the 自治体 withdrew this 受給者証 record. Never read as 失効 by itself: the diff adds a notice."),
            leaf(
                815,
                "source",
                code("PublicExpenseSource", "CodeOf<PublicExpenseSource>"),
                &["OnshiSource"],
                "取得元",
            )
            .doc("Where the record came from: `pmh` (the terminal; set when it enters a history or a new-patient draft), `paper` (a paper 受給者証 entered by staff) or `medical_assistance` (医療扶助). Never sent by the terminal."),
        ],
    )
    .ffi("PUBLIC_EXPENSE_")
    .diffed("PublicExpenseField")
});

/// `ResultOfQualificationConfirmation`.
pub(crate) static QUALIFICATION: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "Qualification",
        "One qualification (資格): everything `ResultOfQualificationConfirmation` carries, and \
         what a clinic holds for a patient's coverage.",
        &[
            leaf(
                1,
                "insured_card_classification",
                code(
                    "InsuredCardClassification",
                    "CodeOf<InsuredCardClassification>",
                ),
                &["InsuredCardClassification"],
                "被保険者証区分",
            )
            .doc("被保険者証区分 (`A1` = 医療扶助).")
            .compared(QUALIFICATION_GROUP, 21)
            .different(QUALIFICATION_CHANGED),
            embed(
                "card",
                &CARD_KEY,
                true,
                &[2, 3, 4, 5],
                "被保険者証の記号・番号",
            )
            .doc("保険者番号・記号・番号・枝番 (医療扶助: 公費負担者番号・受給者番号)."),
            leaf(
                6,
                "personal_family_classification",
                code(
                    "PersonalFamilyClassification",
                    "CodeOf<PersonalFamilyClassification>",
                ),
                &["PersonalFamilyClassification"],
                "本人・家族",
            )
            .doc("本人・家族.")
            .compared(QUALIFICATION_GROUP, 26)
            .different(QUALIFICATION_CHANGED),
            leaf(
                7,
                "insured_name",
                PTEXT,
                &["InsuredName"],
                "被保険者氏名（世帯主氏名）",
            )
            .doc("被保険者氏名（世帯主氏名）.")
            .compared(IDENTITY, 10)
            .text("Name")
            .diff_label("世帯主氏名"),
            embed(
                "person",
                &PERSON,
                true,
                &[8, 9, 10, 11, 12, 13, 14, 15, 16],
                "氏名・性別・生年月日・住所",
            )
            .doc("氏名, カナ, 性別, 生年月日, 住所 as the card face has them."),
            leaf(
                17,
                "qualification_date",
                DATE,
                &["QualificationDate"],
                "資格取得年月日",
            )
            .doc("資格取得年月日 (医療扶助: 開始/再開日).")
            .compared(DETAIL, 41)
            .public_assistance(MEDICAL_ASSISTANCE_CHANGED),
            leaf(
                18,
                "disqualification_date",
                DATE,
                &["DisqualificationDate"],
                "資格喪失年月日",
            )
            .doc("資格喪失年月日 (医療扶助: 停止/廃止日).")
            .compared(DETAIL, 42),
            leaf(
                19,
                "insured_certificate_issuance_date",
                DATE,
                &["InsuredCertificateIssuanceDate"],
                "交付年月日",
            )
            .doc("交付年月日.")
            .compared(DETAIL, 44),
            leaf(
                20,
                "insured_card_valid_date",
                DATE,
                &["InsuredCardValidDate"],
                "有効開始年月日",
            )
            .doc("有効開始年月日.")
            .compared(DETAIL, 45)
            .different("ValidityStartDiffers"),
            leaf(
                21,
                "insured_card_expiration_date",
                DATE,
                &["InsuredCardExpirationDate"],
                "有効終了年月日",
            )
            .doc("有効終了年月日 (usually absent).")
            .compared(DETAIL, 46)
            .only_registered("ExpirationBlank"),
            leaf(
                22,
                "insured_partial_contribution_ratio",
                PERCENT,
                &["InsuredPartialContributionRatio"],
                "一部負担金割合",
            )
            .doc("一部負担金割合 (後期高齢者).")
            .compared(QUALIFICATION_GROUP, 27)
            .different(RATIO_CHANGED)
            .diff_label("負担割合（後期高齢者）"),
            leaf(
                23,
                "preschool_classification",
                code("PreschoolClassification", "CodeOf<PreschoolClassification>"),
                &["PreschoolClassification"],
                "未就学区分",
            )
            .doc("未就学区分.")
            .compared(QUALIFICATION_GROUP, 29)
            .different("SchoolEntry")
            .only_registered("SchoolEntry"),
            leaf(
                24,
                "reason_of_loss",
                code("ReasonOfLoss", "CodeOf<ReasonOfLoss>"),
                &["ReasonOfLoss"],
                "資格喪失事由",
            )
            .doc("資格喪失事由.")
            .compared(DETAIL, 43),
            leaf(25, "insurer_name", TEXT, &["InsurerName"], "保険者名称")
                .doc("保険者名称 (医療扶助: 福祉事務所名).")
                .compared(DETAIL, 40)
                .text("Name"),
            child(
                44,
                "elderly_recipient",
                &ELDERLY,
                &["ElderlyRecipientCertificateInfo"],
                "高齢受給者証",
            )
            .doc("高齢受給者証."),
            leaf(
                30,
                "limit_consent_flag",
                code("LimitConsentFlag", "CodeOf<LimitConsentFlag>"),
                &["LimitApplicationCertificateRelatedConsFlg"],
                "限度額適用認定証 提供同意",
            )
            .doc("限度額適用認定証 関連情報の提供同意."),
            leaf(
                31,
                "limit_consent_time",
                DATETIME,
                &["LimitApplicationCertificateRelatedConsTime"],
                "限度額適用認定証 提供同意日時",
            )
            .doc("その同意日時."),
            child(
                45,
                "limit_certificate",
                &LIMIT,
                &["LimitApplicationCertificateRelatedInfo"],
                "限度額適用認定証",
            )
            .doc("限度額適用認定証.")
            .compared(CERTIFICATE, 60),
            leaf(
                38,
                "specific_diseases_consent_flag",
                code("ConsentFlag", "CodeOf<ConsentFlag>"),
                &["SpecificDiseasesCertificateRelatedConsFlg"],
                "特定疾病療養受療証 提供同意",
            )
            .doc(
                "特定疾病療養受療証 関連情報の提供同意 (`0` 同意なし, `1` 同意あり, `2` 期限切れ).",
            ),
            leaf(
                39,
                "specific_diseases_consent_time",
                DATETIME,
                &["SpecificDiseasesCertificateRelatedConsTime"],
                "特定疾病療養受療証 提供同意日時",
            )
            .doc("その同意日時."),
            list(
                46,
                "specific_diseases",
                &DISEASE,
                "SpecificDiseasesCertificateList",
                "SpecificDiseasesCertificateInfo",
                "特定疾病療養受療証",
            )
            .doc("特定疾病療養受療証 (repeating).")
            .compared(CERTIFICATE, 61),
            list(
                47,
                "medical_tickets",
                &TICKET,
                "PublicExpenseResultList",
                "MedicalTicketInfo",
                "医療扶助（医療券・調剤券）",
            )
            .doc("医療扶助 医療券・調剤券 (repeating).")
            .compared(QUALIFICATION_GROUP, 30)
            .different(MEDICAL_ASSISTANCE_CHANGED),
            list(
                49,
                "public_expenses",
                &PUBLIC_EXPENSE,
                "MedicalSubsidyList",
                "MedicalSubsidyInfo",
                "公費（医療費助成）",
            )
            .doc("公費 (医療費助成) PMH sent with this 資格情報 (repeating; element names provisional). Not compared with the coverage: each 公費 has a history of its own. Empty when PMH sent nothing — which says nothing about the 公費 (not consented, city not connected, or lost)."),
            embed("consents", &CONSENTS, false, &[], "閲覧同意")
                .doc("閲覧同意 (薬剤, 特定健診, 診療, 手術 …)."),
            leaf(
                40,
                "reference_number",
                PTEXT,
                &["ReferenceNumber"],
                "照会番号",
            )
            .doc("照会番号 registered by this clinic.")
            .compared(IDENTITY, 11)
            .text("Text")
            .different("ReferenceNumberMismatch"),
            leaf(
                48,
                "qualification_confirmation_key",
                PTEXT,
                &["QualificationConfirmationKey"],
                "資格確認キー",
            )
            .doc("`QualificationConfirmationKey`: an opaque key of 2026 face results for a patient without a registered 照会番号 (meaning and lifetime not public). Kept with the confirmation; not an identity key."),
            leaf(
                41,
                "arbitrary_identifier",
                TEXT,
                &["ArbitraryIdentifier"],
                "任意の識別子",
            )
            .doc("任意の識別子 (echo of the request's per-record identifier)."),
            leaf(
                42,
                "prescription_issue_select",
                code("PrescriptionIssueSelect", "CodeOf<PrescriptionIssueSelect>"),
                &["PrescriptionIssueSelect"],
                "処方箋発行形態",
            )
            .doc("処方箋発行形態, when the terminal places it inside the result."),
            leaf(
                43,
                "limit_certificate_changed",
                code("LimitInfoChanged", "CodeOf<LimitInfoChanged>"),
                &["LimitApplicationCertificateChanged"],
                "限度額情報変更有無",
            )
            .doc("限度額情報変更有無 (`LimitApplicationCertificateChanged`, bulk results; OQSCD014: `0` 変更なし, `1` 変更あり または 判定不能 — do an individual query)."),
        ],
    )
    .element("ResultOfQualificationConfirmation")
    .ffi("")
    .diffed("Field")
});

/// `QualificationConfirmSearchInfo`.
pub(crate) static QUERY: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "QualificationQuery",
        "The search block of a 資格確認 request (`QualificationConfirmSearchInfo`): the card \
         numbers and birthdate of 個別照会/一括照会, plus the fields the 医療扶助, 訪問 and \
         オンライン bulk families use instead.",
        &[
            embed("card", &CARD_KEY, true, &[451, 452, 453, 454], "被保険者証の記号・番号")
                .doc("保険者番号 (written space-padded to 8), 記号 (omitted when the card has none), 番号, 枝番."),
            leaf(455, "birthdate", PDATE, &["Birthdate"], "生年月日").doc("生年月日."),
            leaf(
                456,
                "limit_consent_flag",
                code("LimitConsentFlag", "CodeOf<LimitConsentFlag>"),
                &["LimitApplicationCertificateRelatedConsFlg"],
                "限度額適用認定証 提供同意",
            )
            .doc("限度額適用認定証 関連情報の提供同意."),
            leaf(
                457,
                "arbitrary_identifier",
                TEXT,
                &["ArbitraryIdentifier"],
                "任意の識別子",
            )
            .doc("任意の識別子 (the clinic's own per-record id, echoed back)."),
            leaf(
                458,
                "medical_treatment_month",
                TEXT,
                &["MedicalTreatmentMonth"],
                "診療年月",
            )
            .doc("診療年月 (`yyyyMM`, 医療扶助 bulk)."),
            leaf(459, "consent_date_from", DATE, &["ConsentDateFrom"], "同意日 開始")
                .doc("同意日 from (訪問/オンライン bulk)."),
            leaf(460, "consent_date_to", DATE, &["ConsentDateTo"], "同意日 終了")
                .doc("同意日 to."),
            leaf(
                461,
                "examination_date_from",
                DATE,
                &["ExaminationDateFrom"],
                "受診日 開始",
            )
            .doc("受診日 from (オンライン bulk)."),
            leaf(462, "examination_date_to", DATE, &["ExaminationDateTo"], "受診日 終了")
                .doc("受診日 to."),
            leaf(
                463,
                "medical_treatment_flag",
                code("MedicalTreatmentFlag", "CodeOf<MedicalTreatmentFlag>"),
                &["MedicalTreatmentFlag"],
                "診療区分",
            )
            .doc("診療区分 (訪問 `2` / オンライン `3`)."),
        ],
    )
    .element("QualificationConfirmSearchInfo")
    .ffi("QUERY_")
});

/// `MessageHeader`.
pub(crate) static HEADER: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "MessageHeader",
        "The `MessageHeader` of any request or response. Which fields are present depends on \
         the message family (see `xml`).",
        &[
            leaf(
                404,
                "process_execution_time",
                DATETIME,
                &["ProcessExecutionTime"],
                "処理実行日時",
            )
            .doc("処理実行日時 (responses)."),
            leaf(
                405,
                "qualification_confirmation_date",
                DATE,
                &["QualificationConfirmationDate"],
                "資格確認日",
            )
            .doc("資格確認日."),
            leaf(
                406,
                "medical_institution_code",
                INSTITUTION,
                &["MedicalInstitutionCode"],
                "医療機関コード",
            )
            .doc("医療機関コード."),
            leaf(
                407,
                "arbitrary_file_identifier",
                TEXT,
                &["ArbitraryFileIdentifier"],
                "任意のファイル識別子",
            )
            .doc("任意のファイル識別子 (echoed; a server token in face results)."),
            leaf(
                408,
                "reference_classification",
                code("ReferenceClassification", "CodeOf<ReferenceClassification>"),
                &["ReferenceClassification"],
                "照会区分",
            )
            .doc("照会区分 (responses)."),
            leaf(
                413,
                "reception_number",
                TEXT,
                &["ReceptionNumber"],
                "受付番号",
            )
            .doc("受付番号 (bulk)."),
            leaf(
                409,
                "segment_of_result",
                code("SegmentOfResult", "CodeOf<SegmentOfResult>"),
                &["SegmentOfResult"],
                "処理結果区分",
            )
            .doc("処理結果区分 (responses)."),
            leaf(410, "error_code", TEXT, &["ErrorCode"], "エラーコード")
                .doc("エラーコード (when `segment_of_result` is not 1)."),
            leaf(
                411,
                "error_message",
                TEXT,
                &["ErrorMessage"],
                "エラーメッセージ",
            )
            .doc("エラーメッセージ."),
            leaf(
                414,
                "number_of_processing_result",
                COUNT,
                &["NumberOfProcessingResult"],
                "処理件数",
            )
            .doc("処理件数 (bulk 02 result)."),
            leaf(
                415,
                "number_of_normal_processing",
                COUNT,
                &["NumberOfNormalProcessing"],
                "正常件数",
            )
            .doc("正常件数."),
            leaf(
                416,
                "number_of_error",
                COUNT,
                &["NumberOfError"],
                "エラー件数",
            )
            .doc("エラー件数."),
            leaf(
                412,
                "character_code_identifier",
                code("CharacterCodeIdentifier", "CodeOf<CharacterCodeIdentifier>"),
                &["CharacterCodeIdentifier"],
                "文字コード識別",
            )
            .doc("文字コード識別 (responses)."),
        ],
    )
    .ffi("DOCUMENT_HEADER_")
});

/// `BulkConfirmUnit`, and the body of a single 資格確認結果.
pub(crate) static UNIT: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "ConfirmationResult",
        "The answer for one person: the body of a 資格確認結果, or one `BulkConfirmUnit`.",
        &[
            child(
                0,
                "query_echo",
                &QUERY,
                &["QualificationConfirmSearchInfo"],
                "照会条件",
            )
            .doc("Echo of the request's search block (absent in face results)."),
            embed("outcome", &OUTCOME, true, &[481, 482, 483], "処理結果")
                .doc("処理結果状況・コード・メッセージ."),
            leaf(
                484,
                "qualification_validity",
                code("QualificationValidity", "CodeOf<QualificationValidity>"),
                &["QualificationValidity"],
                "資格有効性",
            )
            .doc("資格有効性."),
            leaf(
                0,
                "prescription_issue_select",
                code("PrescriptionIssueSelect", "CodeOf<PrescriptionIssueSelect>"),
                &["PrescriptionIssueSelect"],
                "処方箋発行形態",
            )
            .doc("処方箋発行形態 chosen at the reader (body level)."),
            list(
                0,
                "results",
                &QUALIFICATION,
                "ResultList",
                "ResultOfQualificationConfirmation",
                "資格情報",
            )
            .doc(
                "`ResultList/ResultOfQualificationConfirmation`, in document order (normally one).",
            ),
            leaves(
                487,
                "reference_numbers",
                PTEXT,
                &["ReferenceNumber"],
                "照会番号",
            )
            .doc("照会番号 of a bulk unit: one per registered number, in document order (C: JSON array)."),
        ],
    )
    .element("BulkConfirmUnit")
    .ffi("UNIT_")
});

/// `ReferenceNumberRegistrationInfo`.
pub(crate) static REGISTRATION: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "ReferenceNumberRegistration",
        "One `ReferenceNumberRegistrationInfo` (request, or echo + outcome in a response).",
        &[
            leaf(
                440,
                "reference_number",
                PTEXT,
                &["ReferenceNumber"],
                "照会番号",
            )
            .doc("照会番号 (≤ 50 characters; the clinic's patient key)."),
            embed(
                "card",
                &CARD_KEY,
                true,
                &[441, 442, 443, 444],
                "被保険者証の記号・番号",
            )
            .doc("保険者番号・記号・番号・枝番."),
            embed("outcome", &OUTCOME, true, &[445, 446, 447], "処理結果")
                .doc("処理結果 (bulk download result, per person; of the unit in the unit form)."),
        ],
    )
    .element("ReferenceNumberRegistrationInfo")
    .ffi("REGISTRATION_")
});

/// `BulkRegistrationUnit`: one person of a 照会番号一括登録 result.
pub(crate) static REGISTRATION_UNIT: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "RegistrationUnit",
        "One person of a 照会番号一括登録 result in the unit form (`OQSmuimm02res`: \
         `BulkRegistrationUnit` holding the registration's echo and its own 処理結果); the direct \
         form (`ReferenceNumberRegistrationInfo` with the 処理結果 inside) is read too.",
        &[
            child(
                0,
                "registration",
                &REGISTRATION,
                &["ReferenceNumberRegistrationInfo"],
                "照会番号登録情報",
            )
            .doc("The registration it is about (照会番号・保険者番号・記号・番号・枝番)."),
            embed("outcome", &OUTCOME, true, &[], "処理結果")
                .doc("処理結果状況・コード・メッセージ of this person."),
        ],
    )
    .element("BulkRegistrationUnit")
});

/// The body of a bulk upload answer (`OQSmu…01res`).
pub(crate) static RECEIPT: LazyLock<Rec> =
    LazyLock::new(|| {
        rec(
        "UploadReceipt",
        "What the terminal answers to a bulk upload (`OQSmu…01res`): the 受付番号 to download the \
         result with, when it was taken, and how the upload was processed.",
        &[
            leaf(0, "reception_number", TEXT, &["ReceptionNumber"], "受付番号")
                .doc("受付番号."),
            leaf(0, "reception_date_time", DATETIME, &["ReceptionDateTime"], "受付日時")
                .doc("受付日時."),
            embed("outcome", &OUTCOME, true, &[], "処理結果").doc("処理結果."),
        ],
    )
    .no_extra()
    });

/// The body of a 薬剤情報 / 特定健診情報 request.
pub(crate) static DOCUMENT_QUERY: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "DocumentQuery",
        "What a 薬剤情報 / 特定健診情報 request asks for (its `MessageBody`).",
        &[
            leaf(0, "start_month", TEXT, &["StartDate"], "開始年月")
                .doc("開始年月 `yyyyMM` (薬剤 only)."),
            leaf(0, "end_month", TEXT, &["EndDate"], "終了年月")
                .doc("終了年月 `yyyyMM` (薬剤 only)."),
            leaf(
                0,
                "file_category",
                code("FileCategory", "CodeOf<FileCategory>"),
                &["FileCategory"],
                "ファイル種別",
            )
            .doc("PDF or XML."),
            leaf(
                0,
                "pr_di_inf_classification",
                TEXT,
                &["PrDiInfClassification"],
                "PrDiInfClassification",
            )
            .doc("`PrDiInfClassification` (meaning not public; OQSDrug sends `1`)."),
            leaf(
                0,
                "medical_treatment_flag",
                code("MedicalTreatmentFlag", "CodeOf<MedicalTreatmentFlag>"),
                &["MedicalTreatmentFlag"],
                "診療区分",
            )
            .doc("診療区分."),
        ],
    )
    .no_extra()
});

/// The outcome of a 薬剤情報 / 特定健診情報 answer.
pub(crate) static DOCUMENT_OUTCOME: LazyLock<Rec> = LazyLock::new(|| {
    rec(
        "DocumentOutcome",
        "How a 薬剤情報 / 特定健診情報 request was answered: `ResultCode` (`1` = OK) and, \
         otherwise, `MessageContents` saying why.",
        &[
            leaf(0, "result_code", TEXT, &["ResultCode"], "結果コード")
                .doc("`ResultCode` (`1` = OK)."),
            leaf(
                0,
                "message_contents",
                TEXT,
                &["MessageContents"],
                "メッセージ",
            )
            .doc("`MessageContents` (error text)."),
        ],
    )
    .no_extra()
});

/// Every record, in the order the generated files list them (groups and parts first).
pub(crate) static ALL: LazyLock<Vec<&'static Rec>> = LazyLock::new(|| {
    vec![
        &*CARD_KEY,
        &*PERSON,
        &*OUTCOME,
        &*CONSENT,
        &*CONSENTS,
        &*ELDERLY,
        &*LIMIT,
        &*DISEASE,
        &*TICKET,
        &*DESIGNATED,
        &*CERTIFICATE_ITEM,
        &*PUBLIC_EXPENSE,
        &*QUALIFICATION,
        &*QUERY,
        &*HEADER,
        &*UNIT,
        &*REGISTRATION,
        &*REGISTRATION_UNIT,
        &*RECEIPT,
        &*DOCUMENT_QUERY,
        &*DOCUMENT_OUTCOME,
    ]
});
