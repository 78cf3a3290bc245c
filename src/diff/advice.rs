//! The vocabulary of a diff: classes, actions, advice codes, verdicts, and the outcomes that are
//! not about one field (not confirmed, notices). Every name is stable (serde `snake_case`) and
//! every staff-facing text is Japanese.

use serde::{Deserialize, Serialize};

/// How the two values of one field relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Byte for byte the same.
    Same,
    /// The same once normalized (width, case, spaces, kana form, kanji variants); the reasons
    /// say which normalization was needed.
    Equivalent,
    /// The returned value holds a substitute mark (● for a character the national system cannot
    /// show) and matches the registered value with each mark standing for one character.
    Substituted,
    /// Really different.
    Different,
    /// Only the clinic's record has a value (the terminal omits empty elements).
    OnlyRegistered,
    /// Only the returned record has a value.
    OnlyReturned,
}

impl Class {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Class::Same => "一致",
            Class::Equivalent => "表記ゆれ",
            Class::Substituted => "代替文字（●）",
            Class::Different => "相違",
            Class::OnlyRegistered => "登録のみ",
            Class::OnlyReturned => "返却のみ",
        }
    }
}

/// What the library recommends doing with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nothing to do (same, equivalent, or a known-benign difference).
    Ignore,
    /// Keep the registered value; do not take the returned one (e.g. it holds ●).
    KeepRegistered,
    /// Take the returned value into the current qualification (反映, update in place).
    Reflect,
    /// The coverage changed: close the current qualification and open a new one.
    NewQualification,
    /// Verify the patient's identity before anything is applied.
    VerifyIdentity,
}

impl Action {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Action::Ignore => "対応不要",
            Action::KeepRegistered => "登録値を維持",
            Action::Reflect => "反映",
            Action::NewQualification => "新しい資格として登録",
            Action::VerifyIdentity => "本人確認",
        }
    }
}

/// The overall outcome of a comparison. The most serious wins: `not_confirmed`, then
/// `unknown`, `verify_identity`, `new_qualification`, `update_recommended`, `identical` (the
/// derived `Ord` follows that order; `unknown` and `not_confirmed` come only from the answer
/// as a whole, never from one field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing to apply: every field is same, equivalent, substituted or a known-benign
    /// difference. Link the result and go on.
    Identical,
    /// Some field should be reflected into the current qualification.
    UpdateRecommended,
    /// The coverage changed: the old qualification expires and a new one starts.
    NewQualification,
    /// The name, birthdate, sex or 照会番号 differ: verify identity; never update silently.
    VerifyIdentity,
    /// Nothing is known: PMH sent no data for this 公費 (not consented at the reader, the city
    /// not connected, or the 受給者証 ended — PMH does not say which). Never 失効: keep the 公費
    /// as registered and check the paper 受給者証.
    Unknown,
    /// The terminal did not confirm a qualification (資格有効性 not 有効, an error, no record).
    NotConfirmed,
}

impl Verdict {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Identical => "変更なし（紐付けのみ）",
            Verdict::UpdateRecommended => "反映を推奨",
            Verdict::NewQualification => "新しい資格",
            Verdict::VerifyIdentity => "本人確認が必要",
            Verdict::Unknown => "不明（公費の情報が届いていません）",
            Verdict::NotConfirmed => "資格を確認できません",
        }
    }

    /// The verdict a field's action calls for on its own.
    pub fn for_action(action: Action) -> Verdict {
        match action {
            Action::Ignore | Action::KeepRegistered => Verdict::Identical,
            Action::Reflect => Verdict::UpdateRecommended,
            Action::NewQualification => Verdict::NewQualification,
            Action::VerifyIdentity => Verdict::VerifyIdentity,
        }
    }
}

/// Why a field got its action: a stable code whose [`message`](Advice::message) is the
/// guidance for staff, in Japanese. These encode the FAQ of clinics using オンライン資格確認.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Advice {
    /// The values are the same.
    Same,
    /// Only the notation differs (width, case, spaces, kana form, kanji variant): nothing to
    /// apply (e.g. upper/lower case in an address).
    Equivalent,
    /// The returned value holds ● for characters the national system cannot show (髙 …): keep
    /// the registered value and link anyway.
    SubstituteMark,
    /// Nothing is registered and the returned value holds ●: do not store the ●; type the real
    /// characters from the card or ask the patient.
    SubstituteNotStored,
    /// The terminal returned no value (it omits empty elements): keep the registered one.
    NotReturned,
    /// The clinic has no value and the terminal returned one: take it.
    NewInformation,
    /// The value differs: check and reflect.
    Changed,
    /// The address or postal code differs beyond notation: confirm with the patient, then
    /// reflect.
    AddressChanged,
    /// The kana reading differs while the name agrees: confirm the reading, then reflect.
    KanaDiffers,
    /// A different name, birthdate or sex came back: a wrong earlier link or misuse of someone
    /// else's card. Verify identity; never update silently.
    IdentityMismatch,
    /// The 照会番号 differs from the one registered for this patient: the result may belong to
    /// another patient of the clinic.
    ReferenceNumberMismatch,
    /// 保険者番号, 記号・番号・枝番, 本人家族 or 被保険者証区分 changed: the old qualification
    /// expires and a new one is registered.
    QualificationChanged,
    /// The copay ratio (後期高齢者 or 高齢受給者) changed: reflecting expires the old
    /// qualification and creates a new one.
    RatioChanged,
    /// A 高齢受給者 ratio appeared (turning 70) with the card unchanged: the national validity
    /// does not switch, so the new qualification starts on the confirmation day or the 1st of
    /// its month.
    ElderlyRecipientStarted,
    /// 未就学 ended (2割 → 3割) with the card unchanged: the national validity does not switch, so
    /// the new qualification starts on the confirmation day or the 1st of its month.
    SchoolEntry,
    /// 医療扶助 information changed: the old qualification expires and a new one is registered.
    MedicalAssistanceChanged,
    /// The validity start date differs: insurers give it different meanings (国保: the card's
    /// renewal date; 健保: renewal, reissue or change of workplace). Do not change, just link.
    ValidityStartDiffers,
    /// The validity end date comes back blank as a rule: do not change, just link.
    ExpirationBlank,
    /// A 公費's 公費負担者番号, 受給者番号, 区分, 所得区分 or 償還払い changed: the old 公費
    /// expires and a new one is registered.
    PublicExpenseChanged,
    /// A 公費's 自己負担上限額 changed: the old 公費 expires and a new one starts (from the new
    /// 受給者証's start, or the confirmation day / the 1st of its month).
    CapChanged,
    /// A 公費's validity period changed (a renewed 受給者証): check the dates and reflect.
    PublicExpenseValidityChanged,
    /// The patient showed a 後期高齢者医療 資格確認書, which has no address: an address (or
    /// postal code) missing from it is not a difference. Keep the registered one.
    AddressNotOnCertificate,
}

impl Advice {
    /// The action this advice recommends (each advice recommends exactly one).
    pub fn action(self) -> Action {
        match self {
            Advice::Same
            | Advice::Equivalent
            | Advice::NotReturned
            | Advice::ExpirationBlank
            | Advice::ValidityStartDiffers
            | Advice::AddressNotOnCertificate => Action::Ignore,
            Advice::SubstituteMark | Advice::SubstituteNotStored => Action::KeepRegistered,
            Advice::NewInformation
            | Advice::Changed
            | Advice::AddressChanged
            | Advice::KanaDiffers => Action::Reflect,
            Advice::IdentityMismatch | Advice::ReferenceNumberMismatch => Action::VerifyIdentity,
            Advice::QualificationChanged
            | Advice::RatioChanged
            | Advice::SchoolEntry
            | Advice::ElderlyRecipientStarted
            | Advice::MedicalAssistanceChanged
            | Advice::PublicExpenseChanged
            | Advice::CapChanged => Action::NewQualification,
            Advice::PublicExpenseValidityChanged => Action::Reflect,
        }
    }

    /// The guidance for staff, in Japanese.
    pub fn message(self) -> &'static str {
        match self {
            Advice::Same => "登録内容と一致しています。",
            Advice::Equivalent => {
                "表記の違い（全角・半角、大文字・小文字、空白、かな、異体字など）のみです。反映する必要はありません。"
            }
            Advice::SubstituteMark => {
                "「●」はオンライン資格確認等システムで表示できない漢字（「髙」など）です。差分は反映せず、登録済みの値のまま紐付けてください。"
            }
            Advice::SubstituteNotStored => {
                "返却値に表示できない文字（●）が含まれています。●のまま登録せず、保険証等で正しい文字を確認して入力してください。"
            }
            Advice::NotReturned => {
                "オンライン資格確認では返却されなかった項目です。登録済みの値をそのまま使います。"
            }
            Advice::NewInformation => {
                "登録されていない情報が返却されました。内容を確認して反映してください。"
            }
            Advice::Changed => "登録内容と異なります。内容を確認のうえ反映してください。",
            Advice::AddressChanged => {
                "住所（郵便番号）が登録内容と異なります。患者様に確認のうえ反映してください。"
            }
            Advice::KanaDiffers => {
                "氏名カナが登録内容と異なります。読み方を患者様に確認のうえ反映してください。"
            }
            Advice::IdentityMismatch => {
                "登録と異なる氏名・生年月日・性別が返却されました。元のデータの紐付け誤りか資格の不正利用の可能性があります。本人確認を実施のうえ、ポータルサイトに記載の問い合わせ先にお問い合わせください。確認できるまで反映しないでください。"
            }
            Advice::ReferenceNumberMismatch => {
                "照会番号がこの患者様に登録された番号と異なります。別の患者様の資格情報の可能性があります。本人確認を実施してください。"
            }
            Advice::QualificationChanged => {
                "保険者番号・記号・番号・枝番・本人家族の別などが変わりました。反映すると旧資格は有効期限が切れ、新しい資格が登録されます。"
            }
            Advice::RatioChanged => {
                "負担割合が変わりました。反映すると旧資格は有効期限が切れ、新しい資格が自動で作成されます。"
            }
            Advice::ElderlyRecipientStarted => {
                "高齢受給者（70歳以上）の負担割合が返却されました。保険証が変わらず負担割合のみ変わった場合、オンライン資格確認側の有効期限は自動で切り替わりません。資格確認した日または資格確認を行った月の1日を有効開始日として、新しい資格を登録します。"
            }
            Advice::SchoolEntry => {
                "未就学（2割）から就学（3割）に変わりました。保険証が変わらず負担割合のみ変わった場合、オンライン資格確認側の有効期限は自動で切り替わりません。資格確認した日または資格確認を行った月の1日を有効開始日として、新しい資格を登録します。"
            }
            Advice::MedicalAssistanceChanged => {
                "医療扶助の情報が変わりました。反映すると旧資格は有効期限が切れ、新しい資格が登録されます。"
            }
            Advice::ValidityStartDiffers => {
                "有効開始年月日の意味は保険者により異なります（国保: 被保険者証の更新日、健保: 更新・再発行日や事業所変更日など）。保険者番号等に相違がなければ修正せずに紐付けてください。"
            }
            Advice::ExpirationBlank => {
                "有効終了年月日は原則として空欄で返却されます。修正せずに紐付けてください。"
            }
            Advice::PublicExpenseChanged => {
                "公費の内容（公費負担者番号・受給者番号・区分・所得区分・償還払いの別）が変わりました。反映すると旧公費は有効期限が切れ、新しい公費が登録されます。受給者証で内容を確認してください。"
            }
            Advice::CapChanged => {
                "公費の自己負担上限額が変わりました。反映すると旧公費は有効期限が切れ、新しい上限額の公費が登録されます（受給者証の有効開始日、または資格確認した日・その月の1日から）。"
            }
            Advice::PublicExpenseValidityChanged => {
                "公費の有効期間が変わりました（受給者証の更新など）。受給者証で期間を確認のうえ反映してください。"
            }
            Advice::AddressNotOnCertificate => {
                "後期高齢者医療の資格確認書には住所が記載されていません。住所がないことは変更ではないため、登録済みの住所をそのまま使ってください。"
            }
        }
    }
}

/// Why the terminal's answer does not confirm a qualification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// 資格有効性 2 無効: the qualification was lost.
    Invalid,
    /// 資格有効性 3 無効（新しい資格あり）: the queried card is old; a newer one exists.
    InvalidNewQualification,
    /// 資格有効性 4 該当資格なし.
    NotFound,
    /// 資格有効性 4 該当資格なし right after joining (the registered 資格取得年月日 is recent,
    /// or the patient filled in a 被保険者資格申立書): the insurer has most likely not
    /// registered the new member yet.
    NotFoundNewMember,
    /// 資格有効性 5 複数該当.
    MultipleMatches,
    /// 処理結果状況 2 エラー (the terminal's code and message are kept).
    ProcessingError,
    /// The answer says 有効 but carries no record.
    NoRecord,
    /// A 資格有効性 value this library does not know.
    UnknownValidity,
    /// No PMH data for this 公費: not consented at the reader, the city not connected, or the
    /// 受給者証 ended — PMH gives no reason. Not 失効 (the verdict is `unknown`).
    NoPmhData,
}

impl Cause {
    /// Short Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            Cause::Invalid => "資格無効",
            Cause::InvalidNewQualification => "資格無効（新しい資格あり）",
            Cause::NotFound => "該当資格なし",
            Cause::NotFoundNewMember => "該当資格なし（加入直後の可能性）",
            Cause::MultipleMatches => "複数の資格が該当",
            Cause::ProcessingError => "処理エラー",
            Cause::NoRecord => "資格情報が返却されていません",
            Cause::UnknownValidity => "不明な資格有効性",
            Cause::NoPmhData => "医療費助成の情報なし（不明）",
        }
    }

    /// Possible causes, in Japanese, for staff.
    pub fn possible_causes(self) -> &'static [&'static str] {
        match self {
            Cause::Invalid => &[
                "資格を喪失しています（退職、転居、75歳到達による後期高齢者医療への移行、生活保護の開始など）。",
                "古い保険証の情報で照会しています。",
            ],
            Cause::InvalidNewQualification => &[
                "照会した保険証の資格は無効で、新しい資格が登録されています（保険証の切り替え）。",
            ],
            Cause::NotFound => &[
                "登録されている保険証情報（保険者番号・記号・番号・枝番・生年月日）に誤りがある（擦れた券面の読み違いなど）。",
                "加入直後で、保険者による資格情報の登録がまだ済んでいない。",
                "事業主や保険者からの届出・登録が行われていない。",
                "オンライン資格確認等システム（中間サーバー）に患者様の情報が登録されていない。",
            ],
            Cause::NotFoundNewMember => &[
                "加入（資格取得）から間もないため、保険者による資格情報の登録がまだ済んでいない可能性が高いです（登録まで数日から数週間かかることがあります）。",
                "登録されている保険証情報（保険者番号・記号・番号・枝番・生年月日）に誤りがある可能性もあります。",
            ],
            Cause::MultipleMatches => {
                &["入力した条件に複数の資格が該当しました（枝番が未入力の場合など）。"]
            }
            Cause::ProcessingError => &[
                "資格確認端末または連携アプリケーションが照会を処理できませんでした。処理結果メッセージを確認してください。",
            ],
            Cause::NoRecord => &["有効と返却されましたが、資格情報が含まれていません。"],
            Cause::UnknownValidity => &["このライブラリが知らない資格有効性の値が返却されました。"],
            Cause::NoPmhData => &[
                "患者様がカードリーダーで医療費助成（受給者証）の情報提供に同意しなかった。",
                "受給者証を交付した自治体がPMH（医療費助成の情報連携）に未対応である。",
                "受給資格を喪失した、または受給者証の有効期間が終わった。",
                "医療機関の環境設定で医療費助成情報を「利用する」にしていない。",
            ],
        }
    }

    /// What staff should do next, in Japanese.
    pub fn next_steps(self) -> &'static [&'static str] {
        match self {
            Cause::Invalid => &[
                "患者様に新しい保険証（資格確認書）またはマイナンバーカードの提示をお願いしてください。",
                "登録済みの資格の有効期限を、資格喪失年月日の前日で終了してください。",
            ],
            Cause::InvalidNewQualification => &[
                "新しい保険証（資格確認書）の提示を受けるか、マイナンバーカードで資格確認してください。",
            ],
            Cause::NotFound => &[
                "現在登録されている保険証情報に誤りがないか、患者様の次回来院時に保険証原本で確認してください。",
                "情報に誤りがない場合は、オンライン資格確認サーバに患者様の情報が登録されていない可能性が高いため、資格確認から照会せず、毎回保険証原本で確認してください。",
            ],
            Cause::NotFoundNewMember => &[
                "資格確認書・資格情報のお知らせ・資格取得証明書などで資格を確認できる場合は、その記号・番号で受け付け、数日後にもう一度照会してください。",
                "確認できる書類がない場合は、患者様に被保険者資格申立書を記入していただき、通常の負担割合で受け付けてください（厚生労働省の事務連絡による取扱い）。",
                "保険者番号・記号・番号・生年月日に入力の誤りがないかも確認してください。",
            ],
            Cause::MultipleMatches => &[
                "枝番を含めて保険証情報を入力し、再度照会してください。マイナンバーカードでの確認も有効です。",
            ],
            Cause::ProcessingError => &[
                "処理結果メッセージをそのまま確認し、時間をおいて再度照会してください。解決しない場合はポータルサイトの問い合わせ先に連絡してください。",
            ],
            Cause::NoRecord => {
                &["再度照会してください。解決しない場合は保険証原本で確認してください。"]
            }
            Cause::UnknownValidity => &["保険証原本で確認し、ライブラリの更新を確認してください。"],
            Cause::NoPmhData => &[
                "公費を失効扱いにせず、紙の受給者証を確認してください。",
                "受給者証の内容が登録と異なる場合は、受給者証を見て入力し直してください。",
            ],
        }
    }
}

/// The outcome when the terminal did not confirm a qualification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotConfirmed {
    /// The cause.
    pub cause: Cause,
    /// [`Cause::label`].
    pub label: String,
    /// [`Cause::possible_causes`].
    pub possible_causes: Vec<String>,
    /// [`Cause::next_steps`].
    pub next_steps: Vec<String>,
    /// 処理結果コード, as returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// 処理結果メッセージ, as returned (to be shown verbatim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_message: Option<String>,
}

impl NotConfirmed {
    /// Builds the outcome for a cause, with the terminal's code and message if any.
    pub fn new(cause: Cause, result_code: Option<&str>, result_message: Option<&str>) -> Self {
        NotConfirmed {
            cause,
            label: cause.label().to_string(),
            possible_causes: cause
                .possible_causes()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            next_steps: cause.next_steps().iter().map(|s| s.to_string()).collect(),
            result_code: result_code.map(str::to_string),
            result_message: result_message.map(str::to_string),
        }
    }
}

/// Something staff should know that is not a difference of one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoticeKind {
    /// 資格有効性 6 有効（未登録）(医療扶助) after the month's registration window: the
    /// 医療扶助 qualification is valid but this month's 医療券・調剤券 is still not registered;
    /// ask the welfare office to issue it. (Within the window the notice is
    /// [`NoticeKind::TicketNotYetRegistered`], with the day to re-check.)
    ValidUnregistered,
    /// 医療扶助（生活保護）only: no insurance card, so it cannot be confirmed by 記号・番号.
    PublicAssistanceOnly,
    /// The terminal added a 処理結果コード to a successful answer (e.g. the My Number card's
    /// certificate expires soon): show its message.
    Supplementary,
    /// A 保険者番号 fails its 検証番号; the comparison ignored it.
    CheckDigitIgnored,
    /// Several records came back; the one matching the registered card was compared.
    SeveralRecords,
    /// 医療扶助 early in the month: this month's 医療券 is not registered yet (the welfare
    /// office registers around the 15th–20th). Valid, never 無効: re-check on the day in the
    /// detail (and in [`super::Diff::recheck`]).
    TicketNotYetRegistered,
    /// The 医療券's 指定医療機関 is not this clinic (OQSCD026 `1`).
    DesignatedInstitutionMismatch,
    /// The 社会保険 status does not agree with the 医療券 (OQSCD022 `1`).
    SocialInsuranceInconsistent,
    /// The 医療券's 診療別 does not fit the clinic's kind (a 歯科 clinic and a ticket that is
    /// not 歯科 …); the clinic's kind comes from the review context.
    TreatmentTypeMismatch,
    /// A 調剤券 (for a pharmacy) came back at a clinic: for information.
    DispensingTicket,
    /// The day confirmed is outside the 医療券's validity.
    TicketOutsideValidity,
    /// The only 医療券 are for other months.
    TicketOtherMonth,
    /// The 医療券 has a 本人支払額: collect it at the counter.
    SelfPayDue,
    /// 単独・併用別 02: 医療保険 applies too.
    CombinedWithInsurance,
    /// 感染症法第37条の2 applies: the 結核 公費 is combined.
    TuberculosisCombined,
    /// 後期高齢者医療 applies too.
    LateElderlyCombined,
    /// 限度額情報変更有無 1 (bulk results): the 限度額 changed or could not be judged — do an
    /// individual query to see it now.
    LimitInfoChanged,
    /// No PMH data for this 公費 (the answer is `unknown`, never 失効): ask for the paper
    /// 受給者証.
    NoPmhData,
    /// PMH marks this 受給者証 record as deleted by the 自治体: confirm with the paper 受給者証
    /// and the 自治体 before ending the 公費.
    PmhRecordDeleted,
    /// The 公費 is 償還払い: the patient pays at the counter and is reimbursed by the 自治体.
    Reimbursement,
    /// PMH sent several 公費; the one with the registered numbers was compared.
    SeveralPublicExpenses,
    /// The patient showed only a 資格情報のお知らせ (or an expired 保険証) on or after
    /// 2026-04-01: not accepted on its own any more.
    NoticeAloneNotAccepted,
    /// The patient showed only a 資格情報のお知らせ (or an expired 保険証) before 2026-04-01:
    /// tolerated until 2026-03-31.
    NoticeAloneTolerated,
    /// A 資格確認書 holder confirmed by its 記号・番号.
    QualificationCertificateQuery,
    /// A 後期高齢 patient aged 84 or under showed a 資格確認書 on or after 2026-08-01, when
    /// those with a マイナ保険証 get a 資格情報のお知らせ instead.
    LateElderlyCertificateRule,
    /// 被保険者証区分 05 特別療養費 (資格確認書 of a 国保 member in arrears): the patient pays 10割.
    SpecialMedicalExpense,
    /// The 付帯情報 says the マイナンバーカード's 電子証明書 has expired: 資格確認 only, until three
    /// months after the expiry month.
    CertificateExpired,
    /// The 付帯情報 says the 電子証明書 expires soon.
    CertificateExpiresSoon,
}

impl NoticeKind {
    /// The guidance for staff, in Japanese.
    pub fn message(self) -> &'static str {
        match self {
            NoticeKind::ValidUnregistered => {
                "医療扶助の資格は有効ですが、医療券・調剤券の情報が未登録です。福祉事務所の登録時期（毎月15日〜20日ごろ）を過ぎても未登録の場合は、福祉事務所へ医療券・調剤券の発行を依頼してください。"
            }
            NoticeKind::PublicAssistanceOnly => {
                "医療扶助（生活保護）のみの方は被保険者証がないため、記号・番号では資格確認できません。マイナンバーカードで確認してください。"
            }
            NoticeKind::Supplementary => {
                "資格確認端末から補足情報が返却されました。処理結果メッセージを確認してください。"
            }
            NoticeKind::CheckDigitIgnored => {
                "保険者番号の検証番号が一致しませんが、オンライン資格確認の結果では検証番号のエラーは無視します。"
            }
            NoticeKind::SeveralRecords => {
                "複数の資格情報が返却されました。登録済みの保険証と一致するものと比較しています。"
            }
            NoticeKind::TicketNotYetRegistered => {
                "医療扶助の資格は有効です（無効ではありません）。今月の医療券・調剤券は福祉事務所の登録（毎月15日〜20日ごろ）前のため未登録です。再確認日以降に資格確認をやり直してください。"
            }
            NoticeKind::DesignatedInstitutionMismatch => {
                "医療券の指定医療機関が自院と一致しません。福祉事務所に確認してください。"
            }
            NoticeKind::SocialInsuranceInconsistent => {
                "社会保険の状況と整合しません。医療保険の資格の有無を確認し、福祉事務所に連絡してください。"
            }
            NoticeKind::TreatmentTypeMismatch => {
                "医療券の診療別が自院の診療と合いません（歯科の医療券でない、入院・入院外が違うなど）。福祉事務所に正しい医療券の発行を依頼してください。"
            }
            NoticeKind::DispensingTicket => "調剤券（薬局向け）が返却されました。参考情報です。",
            NoticeKind::TicketOutsideValidity => {
                "資格確認日が医療券の有効期間外です。福祉事務所に確認してください。"
            }
            NoticeKind::TicketOtherMonth => {
                "今月分の医療券がありません（他の月の医療券のみ）。今月分の登録を福祉事務所に確認してください。"
            }
            NoticeKind::SelfPayDue => "医療券に本人支払額があります。窓口で徴収してください。",
            NoticeKind::CombinedWithInsurance => {
                "医療扶助と医療保険の併用です。医療保険の資格も確認してください。"
            }
            NoticeKind::TuberculosisCombined => "感染症法第37条の2（結核）の公費負担を併用します。",
            NoticeKind::LateElderlyCombined => {
                "後期高齢者医療を併用します。後期高齢者医療の資格も確認してください。"
            }
            NoticeKind::LimitInfoChanged => {
                "限度額情報が変更されたか、判定できませんでした。個別照会で最新の限度額情報を確認してください。"
            }
            NoticeKind::NoPmhData => {
                "医療費助成の情報が届いていません（未同意・自治体未対応・資格喪失のいずれか）。紙の受給者証を確認してください。"
            }
            NoticeKind::PmhRecordDeleted => {
                "この受給者証の情報は自治体で削除済みとされています。公費を終了する前に、紙の受給者証と自治体に確認してください。"
            }
            NoticeKind::Reimbursement => {
                "この公費は償還払いです。窓口では公費を適用せず、患者様が自治体に請求します。"
            }
            NoticeKind::SeveralPublicExpenses => {
                "複数の公費（受給者証）の情報が返却されました。登録済みの公費負担者番号・受給者番号と一致するものと比較しています。"
            }
            NoticeKind::NoticeAloneNotAccepted => {
                "資格情報のお知らせ（または有効期限切れの保険証）だけでは資格確認に使えません（2026年3月31日までの暫定的な取扱いは終了しました）。マイナ保険証（カード・スマートフォン）か資格確認書の提示をお願いしてください。お知らせはマイナ保険証と一緒に出していただき、カードリーダーで読めないときの記号・番号の確認に使います。"
            }
            NoticeKind::NoticeAloneTolerated => {
                "資格情報のお知らせ（または有効期限切れの保険証）のみの提示です。2026年3月31日までの暫定的な取扱いとして、記号・番号で資格確認し、通常の負担割合で受け付けられます。次回からはマイナ保険証か資格確認書をお持ちいただくよう案内してください。"
            }
            NoticeKind::QualificationCertificateQuery => {
                "資格確認書の記号・番号で資格確認しました（マイナ保険証の利用には数えません）。資格確認書の有効期限を確認してください。限度額適用区分が記載されている場合は、その区分も確認してください。"
            }
            NoticeKind::LateElderlyCertificateRule => {
                "2026年8月から、後期高齢者医療の資格確認書は85歳以上の方とマイナ保険証をお持ちでない方に交付され、84歳以下でマイナ保険証をお持ちの方には資格情報のお知らせが交付されます。お持ちの資格確認書の有効期限を確認し、期限が切れている場合はマイナ保険証での受付を案内してください。"
            }
            NoticeKind::SpecialMedicalExpense => {
                "特別療養費の対象です（保険料の滞納があり、資格確認書に「特別療養費」と記載されています）。窓口では医療費の全額（10割）をお支払いいただき、後日、市区町村に特別療養費の支給を申請するよう案内してください。"
            }
            NoticeKind::CertificateExpired => {
                "マイナンバーカードの電子証明書の有効期限が切れています。有効期限の満了月の3か月後の月末までは資格確認のみ可能で、薬剤情報・診療情報などの閲覧はできません。市区町村の窓口で電子証明書を更新するよう案内してください（スマートフォンのマイナ保険証には猶予期間がありません）。"
            }
            NoticeKind::CertificateExpiresSoon => {
                "マイナンバーカードの電子証明書の有効期限が近づいています。期限が切れる前に市区町村の窓口で更新するよう案内してください。"
            }
        }
    }
}

/// A notice with its message (and the terminal's own text when it gave one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// What it is about.
    pub notice: NoticeKind,
    /// [`NoticeKind::message`].
    pub message: String,
    /// The terminal's 処理結果コード and メッセージ, when the notice comes from them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Notice {
    /// Builds a notice.
    pub fn new(notice: NoticeKind, detail: Option<String>) -> Self {
        Notice {
            notice,
            message: notice.message().to_string(),
            detail,
        }
    }
}
