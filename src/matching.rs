//! Finding the clinic's patient for a returned record, or drafting a new patient.
//!
//! A face result (the My Number card at the reader), an individual or bulk answer, or the
//! card's own 基本4情報 become an [`IdentityQuery`]. [`candidates`] ranks the patients the EMR
//! supplies ([`PatientRecord`]) with a score and the reasons for it: 照会番号, insurance card
//! numbers, 公費 numbers (公費負担者番号 + 受給者番号 PMH sent), birthdate, kana, and the name
//! compared through kanji variants and substitute marks (●). With no candidate, [`NewPatientDraft::from_result`] fills the 新患登録 form and
//! flags a name that holds ●, so a known patient is not registered twice and a ● is never
//! stored as a name.
//!
//! ```
//! use chrono::NaiveDate;
//! use onshi::matching::{candidates, IdentityQuery, MatchReason, PatientRecord};
//! use onshi::model::{PersonIdentity, Qualification};
//! use onshi::Personal;
//!
//! let birthdate = Personal::new(NaiveDate::from_ymd_opt(1960, 2, 3).unwrap());
//! let mut face = Qualification::default();
//! face.person = PersonIdentity {
//!     name: Some("●橋　一郎".into()),
//!     name_kana: Some("ﾀｶﾊｼ ｲﾁﾛｳ".into()),
//!     birthdate: Some(birthdate.clone()),
//!     ..Default::default()
//! };
//! let patients = vec![PatientRecord {
//!     patient_id: "000123".into(),
//!     person: PersonIdentity {
//!         name: Some("髙橋　一郎".into()),
//!         name_kana: Some("タカハシ　イチロウ".into()),
//!         birthdate: Some(birthdate),
//!         ..Default::default()
//!     },
//!     ..Default::default()
//! }];
//! let found = candidates(&IdentityQuery::from(&face), &patients);
//! assert_eq!(found[0].patient_id, "000123");
//! assert!(found[0].reasons.contains(&MatchReason::NameSubstituted));
//! ```

use crate::Personal;
use crate::codes::Sex;
use crate::model::{CardKey, Field, PersonIdentity, PublicExpense, Qualification};
use crate::text::{self, FieldKind, TextMatch};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who is being looked for: built from a returned record ([`IdentityQuery::from_result`]) or
/// from the My Number card's 基本4情報 ([`IdentityQuery::from_card`], which has no kana).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityQuery {
    /// 氏名, カナ, 性別, 生年月日, 住所.
    #[serde(flatten)]
    pub person: PersonIdentity,
    /// 照会番号 (the clinic's own key, in face results once registered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<Personal<String>>,
    /// 保険者番号・記号・番号・枝番.
    #[serde(flatten)]
    pub card: CardKey,
    /// The 公費 PMH sent with the result (their 公費負担者番号 and 受給者番号 identify the
    /// patient too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_expenses: Vec<PublicExpense>,
}

impl IdentityQuery {
    /// From a returned record (face result, individual or bulk answer), with the 公費 PMH
    /// sent with it.
    pub fn from_result(q: &Qualification) -> Self {
        IdentityQuery {
            person: q.person.clone(),
            reference_number: q.reference_number.clone(),
            card: q.card.clone(),
            public_expenses: q.public_expenses.clone(),
        }
    }

    /// From the My Number card's 基本4情報 (氏名, 住所, 生年月日, 性別); the card has no kana and
    /// no insurance numbers.
    pub fn from_card(
        name: impl Into<String>,
        address: impl Into<String>,
        birthdate: NaiveDate,
        sex: Sex,
    ) -> Self {
        IdentityQuery {
            person: PersonIdentity {
                name: Some(Personal::new(name.into())),
                address: Some(Personal::new(address.into())),
                birthdate: Some(Personal::new(birthdate)),
                sex1: Some(sex),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

impl From<&Qualification> for IdentityQuery {
    fn from(q: &Qualification) -> Self {
        IdentityQuery::from_result(q)
    }
}

/// A patient as the EMR knows them: its own id, identity fields, and (optionally) the
/// qualifications it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRecord {
    /// The EMR's patient id (カルテ番号 …), returned as is in [`Candidate::patient_id`].
    pub patient_id: String,
    /// 氏名, カナ, 性別, 生年月日, 住所 as the EMR holds them.
    #[serde(flatten)]
    pub person: PersonIdentity,
    /// 照会番号 registered for this patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_number: Option<Personal<String>>,
    /// Current qualification(s), for matching by insurance card numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qualifications: Vec<Qualification>,
    /// Current 公費, for matching by 公費負担者番号 and 受給者番号.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_expenses: Vec<PublicExpense>,
}

/// Evidence that a patient is the person looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchReason {
    /// The 照会番号 matches (the clinic's own key: decisive).
    ReferenceNumber,
    /// 保険者番号 and 番号 (and 記号, 枝番 where both have them) match one of the patient's
    /// qualifications.
    InsuranceCard,
    /// 公費負担者番号 and 受給者番号 of a 公費 PMH sent match one of the patient's 公費.
    PublicExpense,
    /// 生年月日 matches.
    Birthdate,
    /// 氏名 matches exactly.
    NameSame,
    /// 氏名 matches once normalized (width, spaces, kanji variants such as 髙/高).
    NameEquivalent,
    /// 氏名 matches with each ● standing for one character.
    NameSubstituted,
    /// 氏名カナ matches (exactly or once normalized).
    Kana,
    /// 性別 matches.
    Sex,
    /// 住所 matches (exactly or once normalized).
    Address,
}

impl MatchReason {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            MatchReason::ReferenceNumber => "照会番号が一致",
            MatchReason::InsuranceCard => "保険証の番号が一致",
            MatchReason::PublicExpense => "公費（受給者証）の番号が一致",
            MatchReason::Birthdate => "生年月日が一致",
            MatchReason::NameSame => "氏名が一致",
            MatchReason::NameEquivalent => "氏名が一致（表記ゆれ・異体字）",
            MatchReason::NameSubstituted => "氏名が一致（●を除く）",
            MatchReason::Kana => "氏名カナが一致",
            MatchReason::Sex => "性別が一致",
            MatchReason::Address => "住所が一致",
        }
    }

    fn weight(self) -> i32 {
        match self {
            MatchReason::ReferenceNumber => 100,
            MatchReason::InsuranceCard | MatchReason::PublicExpense => 60,
            MatchReason::Birthdate => 30,
            MatchReason::NameSame | MatchReason::NameEquivalent => 30,
            MatchReason::NameSubstituted => 25,
            MatchReason::Kana => 25,
            MatchReason::Sex => 5,
            MatchReason::Address => 10,
        }
    }
}

/// Evidence against: something both sides have that differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Conflict {
    /// A different 照会番号.
    ReferenceNumber,
    /// A different 生年月日.
    Birthdate,
    /// A different 氏名.
    Name,
    /// A different 氏名カナ.
    Kana,
    /// A different 性別.
    Sex,
}

impl Conflict {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Conflict::ReferenceNumber => "照会番号が異なる",
            Conflict::Birthdate => "生年月日が異なる",
            Conflict::Name => "氏名が異なる",
            Conflict::Kana => "氏名カナが異なる",
            Conflict::Sex => "性別が異なる",
        }
    }

    fn weight(self) -> i32 {
        match self {
            Conflict::ReferenceNumber => 60,
            Conflict::Birthdate => 40,
            Conflict::Name => 20,
            Conflict::Kana => 15,
            Conflict::Sex => 10,
        }
    }
}

/// How sure a candidate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Worth showing, weak evidence.
    Possible,
    /// Birthdate and name or kana agree, or the insurance card does.
    Likely,
    /// 照会番号, or several strong signs and nothing against.
    Strong,
}

/// A patient that may be the person looked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// [`PatientRecord::patient_id`].
    pub patient_id: String,
    /// Index in the slice given to [`candidates`].
    pub index: usize,
    /// Score: the sum of the reasons' weights less the conflicts' (higher is surer).
    pub score: u32,
    /// How sure.
    pub strength: Strength,
    /// Evidence for, strongest first.
    pub reasons: Vec<MatchReason>,
    /// Evidence against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

/// Ranks the patients who may be the person in `query`, best first (ties by patient id).
/// A patient is a candidate when its 照会番号 or insurance card matches, or its birthdate and
/// its name or kana do. An empty list means "register a new patient"
/// ([`NewPatientDraft::from_result`]).
pub fn candidates(query: &IdentityQuery, patients: &[PatientRecord]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = patients
        .iter()
        .enumerate()
        .filter_map(|(i, p)| candidate(query, p, i))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.patient_id.cmp(&b.patient_id))
    });
    out
}

fn both<'a, T>(a: &'a Option<T>, b: &'a Option<T>) -> Option<(&'a T, &'a T)> {
    Some((a.as_ref()?, b.as_ref()?))
}

fn text_match(registered: &str, returned: &str, kind: FieldKind) -> TextMatch {
    if registered == returned {
        TextMatch::Same
    } else {
        text::compare(registered, returned, kind)
    }
}

fn key<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!(both(a, b), Some((x, y)) if x == y)
}

fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    both(a, b).is_none_or(|(x, y)| x == y)
}

fn insurance_matches(query: &CardKey, q: &CardKey) -> bool {
    key(&query.insurer_number, &q.insurer_number)
        && key(
            &query.insured_identification_number,
            &q.insured_identification_number,
        )
        && agree(&query.insured_card_symbol, &q.insured_card_symbol)
        && agree(&query.insured_branch_number, &q.insured_branch_number)
}

fn public_expense_matches(a: &PublicExpense, b: &PublicExpense) -> bool {
    key(&a.payer_number, &b.payer_number) && key(&a.recipient_number, &b.recipient_number)
}

fn candidate(query: &IdentityQuery, p: &PatientRecord, index: usize) -> Option<Candidate> {
    let mut reasons = Vec::new();
    let mut conflicts = Vec::new();
    match both(&p.reference_number, &query.reference_number) {
        Some((a, b)) if a.as_str().trim() == b.as_str().trim() => {
            reasons.push(MatchReason::ReferenceNumber)
        }
        Some(_) => conflicts.push(Conflict::ReferenceNumber),
        None => {}
    }
    if p.qualifications
        .iter()
        .any(|q| insurance_matches(&query.card, &q.card))
    {
        reasons.push(MatchReason::InsuranceCard);
    }
    if query.public_expenses.iter().any(|a| {
        p.public_expenses
            .iter()
            .any(|b| public_expense_matches(a, b))
    }) {
        reasons.push(MatchReason::PublicExpense);
    }
    let (pp, qp) = (&p.person, &query.person);
    match both(&pp.birthdate, &qp.birthdate) {
        Some((a, b)) if a == b => reasons.push(MatchReason::Birthdate),
        Some(_) => conflicts.push(Conflict::Birthdate),
        None => {}
    }
    // Cheap filter before any normalization: without one of these there is no candidate.
    if reasons.is_empty() {
        return None;
    }
    if let Some((a, b)) = both(&pp.name, &qp.name) {
        match text_match(a, b, FieldKind::Name) {
            TextMatch::Same => reasons.push(MatchReason::NameSame),
            TextMatch::Equivalent(_) => reasons.push(MatchReason::NameEquivalent),
            TextMatch::Substituted { .. } => reasons.push(MatchReason::NameSubstituted),
            TextMatch::Different => conflicts.push(Conflict::Name),
        }
    }
    if let Some((a, b)) = both(&pp.name_kana, &qp.name_kana) {
        match text_match(a, b, FieldKind::Kana) {
            TextMatch::Different => conflicts.push(Conflict::Kana),
            TextMatch::Substituted { .. } if !b.chars().all(text::is_substitute_mark) => {
                reasons.push(MatchReason::Kana)
            }
            TextMatch::Substituted { .. } => {}
            _ => reasons.push(MatchReason::Kana),
        }
    }
    match both(&pp.sex(), &qp.sex()) {
        Some((a, b)) if a == b => reasons.push(MatchReason::Sex),
        Some((a, b)) if *a != Sex::Unset && *b != Sex::Unset => conflicts.push(Conflict::Sex),
        _ => {}
    }
    if let Some((a, b)) = both(&pp.address, &qp.address) {
        if !matches!(text_match(a, b, FieldKind::Address), TextMatch::Different) {
            reasons.push(MatchReason::Address);
        }
    }
    let has = |r: MatchReason| reasons.contains(&r);
    let name_ok = has(MatchReason::NameSame)
        || has(MatchReason::NameEquivalent)
        || has(MatchReason::NameSubstituted);
    let qualifies = has(MatchReason::ReferenceNumber)
        || has(MatchReason::InsuranceCard)
        || has(MatchReason::PublicExpense)
        || (has(MatchReason::Birthdate) && (name_ok || has(MatchReason::Kana)));
    if !qualifies {
        return None;
    }
    let score: i32 = reasons.iter().map(|r| r.weight()).sum::<i32>()
        - conflicts.iter().map(|c| c.weight()).sum::<i32>();
    if score <= 0 {
        return None;
    }
    let strength = if conflicts.is_empty()
        && (has(MatchReason::ReferenceNumber)
            || (has(MatchReason::Birthdate)
                && (has(MatchReason::InsuranceCard)
                    || has(MatchReason::PublicExpense)
                    || (name_ok && has(MatchReason::Kana)))))
    {
        Strength::Strong
    } else if score >= 55 {
        Strength::Likely
    } else {
        Strength::Possible
    };
    reasons.sort();
    conflicts.sort();
    Some(Candidate {
        patient_id: p.patient_id.clone(),
        index,
        score: score.unsigned_abs(),
        strength,
        reasons,
        conflicts,
    })
}

/// Something staff must look at before saving a [`NewPatientDraft`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DraftNote {
    /// The name (or another identity field) holds ●: type the real characters.
    SubstituteInName,
    /// No 保険者番号 or 番号 came back (e.g. only the My Number card was used and the insurer
    /// could not be determined): fill them in from the card or leave them for later.
    InsuranceNotIdentified,
    /// The 保険者番号 fails its 検証番号: accepted as returned (the error is ignored).
    CheckDigitIgnored,
    /// 医療扶助 (生活保護) only: no insurance card; confirm with the My Number card.
    PublicAssistanceOnly,
}

impl DraftNote {
    /// The guidance for staff, in Japanese.
    pub fn message(self) -> &'static str {
        match self {
            DraftNote::SubstituteInName => {
                "氏名等に表示できない文字（●）が含まれています。●のまま登録せず、保険証等で正しい文字を確認して入力してください。"
            }
            DraftNote::InsuranceNotIdentified => {
                "保険者番号または被保険者証番号を特定できませんでした。保険証等で確認して入力してください（検証番号のエラーは無視してかまいません）。"
            }
            DraftNote::CheckDigitIgnored => {
                "保険者番号の検証番号が一致しませんが、返却された値のまま登録します（検証番号のエラーは無視します）。"
            }
            DraftNote::PublicAssistanceOnly => {
                "医療扶助（生活保護）のみの方です。被保険者証がないため、記号・番号では資格確認できません。マイナンバーカードで確認してください。"
            }
        }
    }
}

/// What the 新患登録 form needs, drafted from a returned record. Nothing is saved: staff
/// review it, complete it and register the patient.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPatientDraft {
    /// 氏名, カナ, 通称, 性別, 生年月日, 住所, 郵便番号 as returned (the name may hold ● — see
    /// `name_has_substitute`).
    #[serde(flatten)]
    pub person: PersonIdentity,
    /// The coverage as returned (保険 or 医療扶助 with its 公費負担者番号, 受給者番号 and
    /// 医療券): the first version of the patient's qualification history. The 公費 PMH sent
    /// are moved out of it into `public_expenses`.
    pub qualification: Qualification,
    /// The 公費 PMH sent with the result (source `pmh`): each the first version of one
    /// 公費 history (`history::PublicExpenseHistory::from_result`). Empty says nothing about
    /// the patient's 公費 (not consented, city not connected …): ask for the paper 受給者証.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_expenses: Vec<PublicExpense>,
    /// `true` for 医療扶助 (公費).
    pub public_assistance: bool,
    /// `true` when the name holds a substitute mark (●): do not save it as is.
    pub name_has_substitute: bool,
    /// Every identity field holding a substitute mark.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substitute_fields: Vec<Field>,
    /// What staff must check.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<DraftNote>,
}

impl NewPatientDraft {
    /// Drafts a new patient from a returned record.
    ///
    /// ```
    /// use onshi::matching::NewPatientDraft;
    /// use onshi::model::Qualification;
    /// let mut face = Qualification::default();
    /// face.person.name = Some("●田　花子".into());
    /// let draft = NewPatientDraft::from_result(&face);
    /// assert!(draft.name_has_substitute);
    /// ```
    pub fn from_result(q: &Qualification) -> Self {
        let identity = [
            Field::Name,
            Field::NameKana,
            Field::NameOfOther,
            Field::NameOfOtherKana,
            Field::Address,
            Field::InsuredName,
        ];
        let substitute_fields: Vec<Field> = identity
            .into_iter()
            .filter(|f| f.display(q).is_some_and(|v| text::has_substitute(&v)))
            .collect();
        let name_has_substitute = substitute_fields.contains(&Field::Name);
        let public_assistance = q.is_public_assistance();
        let mut notes = Vec::new();
        if !substitute_fields.is_empty() {
            notes.push(DraftNote::SubstituteInName);
        }
        if q.card.insurer_number.is_none() || q.card.insured_identification_number.is_none() {
            notes.push(DraftNote::InsuranceNotIdentified);
        }
        if q.card
            .insurer_number
            .as_ref()
            .is_some_and(|n| matches!(n.validate(), Err(crate::ids::IdError::CheckDigit { .. })))
        {
            notes.push(DraftNote::CheckDigitIgnored);
        }
        if public_assistance {
            notes.push(DraftNote::PublicAssistanceOnly);
        }
        let mut qualification = q.clone();
        let mut public_expenses = std::mem::take(&mut qualification.public_expenses);
        for p in &mut public_expenses {
            crate::diff::Record::received(p);
        }
        NewPatientDraft {
            person: q.person.clone(),
            qualification,
            public_expenses,
            public_assistance,
            name_has_substitute,
            substitute_fields,
            notes,
        }
    }
}
