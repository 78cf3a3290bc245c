//! Fields by id: the table that maps each `onshi_field` to a field of a Rust record.
//!
//! This is the pattern every record of the C ABI follows: an `onshi_field` number per field
//! (in a range per record type), a `FieldDef` per field saying its JSON name, its value type
//! and how to read and write it, and lists addressed by `(onshi_list, index)`. Adding a record
//! type means adding a range, a table and a list arm — no new accessor functions.
//!
//! The text form of every value is its form in the JSON record schema: codes as wire values,
//! identifiers normalized, dates `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SS`, ratios and
//! amounts as decimal integers.

use super::codes::*;
pub use super::generated::*;
use super::panic::Failure;
use super::status::*;
use crate::Personal;
use crate::codes::*;
use crate::ids::{self, Mode};
use crate::model::{Qualification, Ratio};
use chrono::{NaiveDate, NaiveDateTime};

/// A field of a record: one of the `ONSHI_FIELD_*` values. Ranges: 1–99 the qualification
/// record itself, 101–199 an item of `ONSHI_LIST_SPECIFIC_DISEASES`, 201–299 an item of
/// `ONSHI_LIST_MEDICAL_TICKETS`, 301–399 an item of `ONSHI_LIST_CONSENTS`; 400–499
/// `onshi_document`, 500–599 `onshi_diff`, 600–699 `onshi_history`, 700–739
/// `onshi_matching` and `onshi_candidates`, 740–759 `onshi_basic_info`, 801–849 a 公費
/// (`onshi_public_expense`, and the items of `ONSHI_LIST_PUBLIC_EXPENSES`). A field's list is
/// given by `onshi_field_list`.
#[allow(non_camel_case_types)]
pub type onshi_field = u32;

/// The value type of a field: one of the `ONSHI_VALUE_TYPE_*` values. Every field can be read
/// and written as text; the typed accessors need the matching type.
#[allow(non_camel_case_types)]
pub type onshi_value_type = u32;
/// Free text (names, addresses, codes whose values are not public).
pub const ONSHI_VALUE_TYPE_TEXT: onshi_value_type = 1;
/// An identifier (保険者番号, 記号, 番号, 枝番): written text is parsed leniently (no check
/// digit), read text is normalized.
pub const ONSHI_VALUE_TYPE_ID: onshi_value_type = 2;
/// A code of a table (see `onshi_field_code_table`): text is the wire value; unknown values
/// are kept.
pub const ONSHI_VALUE_TYPE_CODE: onshi_value_type = 3;
/// A date: text `YYYY-MM-DD`, or `onshi_date`.
pub const ONSHI_VALUE_TYPE_DATE: onshi_value_type = 4;
/// A date and time: text `YYYY-MM-DDTHH:MM:SS`, or `onshi_datetime`.
pub const ONSHI_VALUE_TYPE_DATETIME: onshi_value_type = 5;
/// A non-negative integer (yen): text in decimal, or `uint32_t`.
pub const ONSHI_VALUE_TYPE_INTEGER: onshi_value_type = 6;
/// A percentage 0–100 (`30` = 3割): text in decimal (the wire form `"030"` and full-width
/// digits are accepted on write), or `uint32_t`.
pub const ONSHI_VALUE_TYPE_RATIO: onshi_value_type = 7;
/// A sub-record or list (高齢受給者証, 限度額適用認定証, 特定疾病, 医療券 …) as its JSON in the
/// record schema: text only.
pub const ONSHI_VALUE_TYPE_JSON: onshi_value_type = 9;
/// One value of an enumeration of this header (`ONSHI_VERDICT_*`, `ONSHI_DIFF_CLASS_*` …):
/// `uint32_t` is its number, text its stable snake_case id (`"update_recommended"`).
/// Read-only.
pub const ONSHI_VALUE_TYPE_ENUM: onshi_value_type = 8;

/// A list of a record: one of the `ONSHI_LIST_*` values.
#[allow(non_camel_case_types)]
pub type onshi_list = u32;
/// Not a list: the record itself (what `onshi_field_list` reports for a record's own field).
pub const ONSHI_LIST_NONE: onshi_list = 0;
/// 特定疾病療養受療証 (`specific_diseases`), fields `ONSHI_FIELD_SPECIFIC_DISEASE_*`.
pub const ONSHI_LIST_SPECIFIC_DISEASES: onshi_list = 1;
/// 医療扶助 医療券・調剤券 (`medical_tickets`), fields `ONSHI_FIELD_MEDICAL_TICKET_*`.
pub const ONSHI_LIST_MEDICAL_TICKETS: onshi_list = 2;
/// 閲覧同意 (`consents`): always 10 items in the interface's order (特定健診, 薬剤, 診療,
/// 手術, 傷病名, 感染症, アレルギー, 薬剤アレルギー, 検査, 処方); fields `ONSHI_FIELD_CONSENT_*`.
/// Items cannot be added or removed.
pub const ONSHI_LIST_CONSENTS: onshi_list = 3;
/// 公費 PMH sent with the 資格情報 (`public_expenses`; element names provisional), fields
/// `ONSHI_FIELD_PUBLIC_EXPENSE_*` (the same as `onshi_public_expense`'s).
pub const ONSHI_LIST_PUBLIC_EXPENSES: onshi_list = 21;

/// A value crossing the boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    U32(u32),
    /// An enumeration value: its `ONSHI_*` number and its stable id.
    Enum(u32, &'static str),
}

impl Value {
    /// The text form (the JSON schema's).
    pub(crate) fn to_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Date(d) => d.format(DATE).to_string(),
            Value::DateTime(t) => t.format(DATETIME).to_string(),
            Value::U32(n) => n.to_string(),
            Value::Enum(_, id) => id.to_string(),
        }
    }
}

const DATE: &str = "%Y-%m-%d";
const DATETIME: &str = "%Y-%m-%dT%H:%M:%S";

/// A field's value type, with the code table for codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    pub(crate) ty: onshi_value_type,
    pub(crate) table: onshi_code_table,
}

pub(crate) const fn kind(ty: onshi_value_type) -> Kind {
    Kind { ty, table: 0 }
}

/// The kind of a sub-record or list read and written as JSON.
pub(crate) const JSON: Kind = kind(ONSHI_VALUE_TYPE_JSON);

pub(crate) fn invalid(what: &str, text: &str) -> Failure {
    Failure::new(
        ONSHI_INVALID_VALUE,
        format!("not a valid {what}: {}", crate::personal::redact(text)),
    )
}

pub(crate) fn mismatch() -> Failure {
    Failure::new(
        ONSHI_TYPE_MISMATCH,
        "the value's type does not fit the field",
    )
}

/// Rust types that a field can hold.
pub(crate) trait FieldValue: Sized {
    const KIND: Kind;
    fn to_value(&self) -> Value;
    fn from_value(v: Value) -> Result<Self, Failure>;
}

impl FieldValue for String {
    const KIND: Kind = kind(ONSHI_VALUE_TYPE_TEXT);
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(v: Value) -> Result<Self, Failure> {
        match v {
            Value::Text(s) => Ok(s),
            _ => Err(mismatch()),
        }
    }
}

impl FieldValue for NaiveDate {
    const KIND: Kind = kind(ONSHI_VALUE_TYPE_DATE);
    fn to_value(&self) -> Value {
        Value::Date(*self)
    }
    fn from_value(v: Value) -> Result<Self, Failure> {
        match v {
            Value::Date(d) => Ok(d),
            Value::Text(s) => {
                NaiveDate::parse_from_str(&s, DATE).map_err(|_| invalid("date (YYYY-MM-DD)", &s))
            }
            _ => Err(mismatch()),
        }
    }
}

impl FieldValue for NaiveDateTime {
    const KIND: Kind = kind(ONSHI_VALUE_TYPE_DATETIME);
    fn to_value(&self) -> Value {
        Value::DateTime(*self)
    }
    fn from_value(v: Value) -> Result<Self, Failure> {
        match v {
            Value::DateTime(t) => Ok(t),
            Value::Text(s) => NaiveDateTime::parse_from_str(&s, DATETIME)
                .map_err(|_| invalid("date-time (YYYY-MM-DDTHH:MM:SS)", &s)),
            _ => Err(mismatch()),
        }
    }
}

impl FieldValue for u32 {
    const KIND: Kind = kind(ONSHI_VALUE_TYPE_INTEGER);
    fn to_value(&self) -> Value {
        Value::U32(*self)
    }
    fn from_value(v: Value) -> Result<Self, Failure> {
        match v {
            Value::U32(n) => Ok(n),
            Value::Text(s) => s.trim().parse().map_err(|_| invalid("integer", &s)),
            _ => Err(mismatch()),
        }
    }
}

impl FieldValue for Ratio {
    const KIND: Kind = kind(ONSHI_VALUE_TYPE_RATIO);
    fn to_value(&self) -> Value {
        Value::U32(u32::from(self.percent()))
    }
    fn from_value(v: Value) -> Result<Self, Failure> {
        match v {
            Value::U32(n) => u16::try_from(n)
                .ok()
                .and_then(Ratio::from_percent)
                .ok_or_else(|| invalid("percentage (0-100)", &n.to_string())),
            Value::Text(s) => Ratio::from_wire(&s).ok_or_else(|| invalid("percentage (0-100)", &s)),
            _ => Err(mismatch()),
        }
    }
}

impl<T: FieldValue> FieldValue for Personal<T> {
    const KIND: Kind = T::KIND;
    fn to_value(&self) -> Value {
        self.expose().to_value()
    }
    fn from_value(v: Value) -> Result<Self, Failure> {
        T::from_value(v).map(Personal::new)
    }
}

macro_rules! id_value {
    ($($t:ty),+) => {$(
        impl FieldValue for $t {
            const KIND: Kind = kind(ONSHI_VALUE_TYPE_ID);
            fn to_value(&self) -> Value {
                Value::Text(self.as_str().to_string())
            }
            fn from_value(v: Value) -> Result<Self, Failure> {
                match v {
                    Value::Text(s) => Ok(<$t>::parse(&s, Mode::Lenient)?),
                    _ => Err(mismatch()),
                }
            }
        }
    )+};
}
id_value!(
    ids::InsurerNumber,
    ids::CardSymbol,
    ids::CardNumber,
    ids::BranchNumber,
    ids::MedicalInstitutionCode,
    ids::PublicExpensePayerNumber,
    ids::RecipientNumber
);

macro_rules! code_value {
    ($($t:ty => $table:ident),+ $(,)?) => {$(
        impl FieldValue for $t {
            const KIND: Kind = Kind { ty: ONSHI_VALUE_TYPE_CODE, table: $table };
            fn to_value(&self) -> Value {
                Value::Text(self.wire().to_string())
            }
            fn from_value(v: Value) -> Result<Self, Failure> {
                match v {
                    Value::Text(s) => Ok(<$t as Code>::from_wire(&s)),
                    _ => Err(mismatch()),
                }
            }
        }
    )+};
}
code_value!(
    InsuredCardClassification => ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION,
    PersonalFamilyClassification => ONSHI_CODE_TABLE_PERSONAL_FAMILY_CLASSIFICATION,
    Sex => ONSHI_CODE_TABLE_SEX,
    PreschoolClassification => ONSHI_CODE_TABLE_PRESCHOOL_CLASSIFICATION,
    ReasonOfLoss => ONSHI_CODE_TABLE_REASON_OF_LOSS,
    LimitConsentFlag => ONSHI_CODE_TABLE_LIMIT_CONSENT_FLAG,
    LimitCertificateClassification => ONSHI_CODE_TABLE_LIMIT_CERTIFICATE_CLASSIFICATION,
    LimitClassificationFlag => ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG,
    ConsentFlag => ONSHI_CODE_TABLE_CONSENT_FLAG,
    PrescriptionIssueSelect => ONSHI_CODE_TABLE_PRESCRIPTION_ISSUE_SELECT,
    SpecificDiseaseCategory => ONSHI_CODE_TABLE_SPECIFIC_DISEASE_CATEGORY,
    ReferenceClassification => ONSHI_CODE_TABLE_REFERENCE_CLASSIFICATION,
    SegmentOfResult => ONSHI_CODE_TABLE_SEGMENT_OF_RESULT,
    ProcessingResultStatus => ONSHI_CODE_TABLE_PROCESSING_RESULT_STATUS,
    CharacterCodeIdentifier => ONSHI_CODE_TABLE_CHARACTER_CODE_IDENTIFIER,
    QualificationValidity => ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY,
    MedicalTreatmentFlag => ONSHI_CODE_TABLE_MEDICAL_TREATMENT_FLAG,
    FileCategory => ONSHI_CODE_TABLE_FILE_CATEGORY,
    LimitInfoChanged => ONSHI_CODE_TABLE_LIMIT_INFO_CHANGED,
    TicketType => ONSHI_CODE_TABLE_TICKET_TYPE,
    MedicalTreatmentType => ONSHI_CODE_TABLE_MEDICAL_TREATMENT_TYPE,
    SingleOrCombinedUse => ONSHI_CODE_TABLE_SINGLE_OR_COMBINED_USE,
    SocialInsuranceStatus => ONSHI_CODE_TABLE_SOCIAL_INSURANCE_STATUS,
    ConsistencyFlag => ONSHI_CODE_TABLE_CONSISTENCY_FLAG,
    InfectionStatus => ONSHI_CODE_TABLE_INFECTION_STATUS,
    ElderlyMedicalCareStatus => ONSHI_CODE_TABLE_ELDERLY_MEDICAL_CARE_STATUS,
    PrefecturalExpensesStatus => ONSHI_CODE_TABLE_PREFECTURAL_EXPENSES_STATUS,
    DesignatedInstitutionFlag => ONSHI_CODE_TABLE_DESIGNATED_INSTITUTION_FLAG,
    PmhFlag => ONSHI_CODE_TABLE_PMH_FLAG,
    PublicExpenseSource => ONSHI_CODE_TABLE_PUBLIC_EXPENSE_SOURCE,
);

/// Reads a field of a record.
pub(crate) type Getter<R> = fn(&R) -> Option<Value>;
/// Writes a field of a record (`None` clears it).
pub(crate) type Setter<R> = fn(&mut R, Option<Value>) -> Result<(), Failure>;

/// One field of a record type `R`.
pub(crate) struct FieldDef<R: 'static> {
    pub(crate) id: onshi_field,
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) get: Getter<R>,
    pub(crate) set: Option<Setter<R>>,
}

/// `field!(ID, "json_name", Record, field: Type)` for `Option<Type>` fields,
/// `field!(ID, "json_name", Record, in group.field: Type)` for a field of an embedded group
/// (`person.name`), and
/// `field!(ID, "json_name", Record, outer.field: Type)` for fields of an optional sub-record
/// (created on first write, dropped again when it becomes empty).
macro_rules! field {
    ($id:ident, $name:literal, $R:ty, in $g:ident . $f:ident : $T:ty) => {
        FieldDef::<$R> {
            id: $id,
            name: $name,
            kind: <$T as FieldValue>::KIND,
            get: |r: &$R| r.$g.$f.as_ref().map(FieldValue::to_value),
            set: Some(|r: &mut $R, v: Option<Value>| {
                r.$g.$f = v.map(<$T as FieldValue>::from_value).transpose()?;
                Ok(())
            }),
        }
    };
    ($id:ident, $name:literal, $R:ty, $f:ident : $T:ty) => {
        FieldDef::<$R> {
            id: $id,
            name: $name,
            kind: <$T as FieldValue>::KIND,
            get: |r: &$R| r.$f.as_ref().map(FieldValue::to_value),
            set: Some(|r: &mut $R, v: Option<Value>| {
                r.$f = v.map(<$T as FieldValue>::from_value).transpose()?;
                Ok(())
            }),
        }
    };
    ($id:ident, $name:literal, $R:ty, $outer:ident . $f:ident : $T:ty) => {
        FieldDef::<$R> {
            id: $id,
            name: $name,
            kind: <$T as FieldValue>::KIND,
            get: |r: &$R| {
                r.$outer
                    .as_ref()
                    .and_then(|o| o.$f.as_ref())
                    .map(FieldValue::to_value)
            },
            set: Some(|r: &mut $R, v: Option<Value>| {
                let v = v.map(<$T as FieldValue>::from_value).transpose()?;
                if v.is_none() && r.$outer.is_none() {
                    return Ok(());
                }
                let o = r.$outer.get_or_insert_with(Default::default);
                o.$f = v;
                if *o == Default::default() {
                    r.$outer = None;
                }
                Ok(())
            }),
        }
    };
}

/// `ro!(ID, "json_name", ENUM, Record, |r| value)`: a read-only field whose value is computed
/// (a diff's verdict, an audit event's time), beside `field!` for stored fields.
macro_rules! ro {
    ($id:ident, $name:literal, $kind:expr, $R:ty, |$r:ident| $body:expr) => {
        FieldDef::<$R> {
            id: $id,
            name: $name,
            kind: $kind,
            get: |$r: &$R| $body,
            set: None,
        }
    };
}
pub(crate) use ro;

pub(crate) use field;

/// Reads numbered slot `i` (傷病名1–3, 備考1–3).
pub(crate) fn slot_get(v: &[Personal<String>], i: usize) -> Option<Value> {
    v.get(i).map(|s| Value::Text(s.expose().clone()))
}

/// Writes numbered slot `i` (傷病名1–3, 備考1–3): writing past the end pads with empty strings;
/// clearing the last slot shortens the list.
pub(crate) fn set_slot(v: &mut Vec<Personal<String>>, i: usize, value: Option<String>) {
    match value {
        Some(s) => {
            while v.len() <= i {
                v.push(Personal::new(String::new()));
            }
            v[i] = Personal::new(s);
        }
        None if i + 1 == v.len() => {
            v.pop();
            while v.last().is_some_and(|s| s.is_empty()) {
                v.pop();
            }
        }
        None if i < v.len() => v[i] = Personal::new(String::new()),
        None => {}
    }
}

/// Which consent an item of `ONSHI_LIST_CONSENTS` is: its XML prefix (`"PharmacistsInfo"` …;
/// text, read-only). The consents' own fields are `ONSHI_FIELD_CONSENT_FLAG`, `_TIME` and
/// `_AVAILABLE_TIME`.
pub const ONSHI_FIELD_CONSENT_KIND: onshi_field = 301;

/// Reads a sub-record or list as its JSON (`None` when absent or empty).
pub(crate) fn json_get<T: serde::Serialize + PartialEq + Default>(v: &T) -> Option<Value> {
    if *v == T::default() {
        return None;
    }
    serde_json::to_string(v).ok().map(Value::Text)
}

/// Writes a sub-record or list from its JSON (`None` clears it).
pub(crate) fn json_set<T: serde::de::DeserializeOwned + Default>(
    slot: &mut T,
    v: Option<Value>,
) -> Result<(), Failure> {
    *slot = match v {
        None => T::default(),
        Some(Value::Text(s)) => serde_json::from_str(&s).map_err(|e| {
            Failure::new(
                ONSHI_JSON,
                format!(
                    "not the JSON of this sub-record: {}",
                    crate::personal::redact(&e.to_string())
                ),
            )
        })?,
        Some(_) => return Err(mismatch()),
    };
    Ok(())
}

/// Writes one field of an optional sub-record (`elderly_recipient.valid_start_date`): creates
/// the sub-record on first write, drops it again when it becomes empty.
pub(crate) fn set_in<P: Default + PartialEq, T>(
    outer: &mut Option<P>,
    v: Option<T>,
    slot: impl Fn(&mut P) -> &mut Option<T>,
) {
    if v.is_none() && outer.is_none() {
        return;
    }
    let o = outer.get_or_insert_with(P::default);
    *slot(o) = v;
    if *o == P::default() {
        *outer = None;
    }
}

/// What is known about a field id, whatever record it belongs to.
pub(crate) struct Meta {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) list: onshi_list,
}

pub(crate) fn meta_in<R>(
    defs: &'static [FieldDef<R>],
    id: onshi_field,
    list: onshi_list,
) -> Option<Meta> {
    defs.iter().find(|d| d.id == id).map(|d| Meta {
        name: d.name,
        kind: d.kind,
        list,
    })
}

/// Finds `id` in the table of the record or list being addressed.
pub(crate) fn find<R>(
    defs: &'static [FieldDef<R>],
    id: onshi_field,
) -> Result<&'static FieldDef<R>, Failure> {
    if let Some(d) = defs.iter().find(|d| d.id == id) {
        return Ok(d);
    }
    let m = super::catalog::meta(id)?;
    Err(Failure::new(
        ONSHI_TYPE_MISMATCH,
        format!("field {id} ({}) does not belong here", m.name),
    ))
}

/// What a typed accessor can handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    Text,
    Date,
    DateTime,
    U32,
}

/// Checks that a typed accessor fits the field.
pub(crate) fn check_want(kind: Kind, want: Want) -> Result<(), Failure> {
    let ok = match want {
        Want::Text => true,
        Want::Date => kind.ty == ONSHI_VALUE_TYPE_DATE,
        Want::DateTime => kind.ty == ONSHI_VALUE_TYPE_DATETIME,
        Want::U32 => matches!(
            kind.ty,
            ONSHI_VALUE_TYPE_INTEGER | ONSHI_VALUE_TYPE_RATIO | ONSHI_VALUE_TYPE_ENUM
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::new(
            ONSHI_TYPE_MISMATCH,
            format!("this accessor cannot be used for value type {}", kind.ty),
        ))
    }
}

/// Where a field is read or written: the record itself or an item of one of its lists.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    Record,
    Item(onshi_list, usize),
}

pub(crate) fn unknown_list(list: onshi_list) -> Failure {
    Failure::new(ONSHI_INVALID_ARGUMENT, format!("unknown list {list}"))
}

pub(crate) fn out_of_range(index: usize, len: usize) -> Failure {
    Failure::new(
        ONSHI_OUT_OF_RANGE,
        format!("index {index} is past the end of a list of {len}"),
    )
}

pub(crate) fn item<T>(v: &[T], i: usize) -> Result<&T, Failure> {
    v.get(i).ok_or_else(|| out_of_range(i, v.len()))
}

pub(crate) fn item_mut<T>(v: &mut [T], i: usize) -> Result<&mut T, Failure> {
    let len = v.len();
    v.get_mut(i).ok_or_else(|| out_of_range(i, len))
}

/// Reads a field: its kind and value (`None` when absent).
pub(crate) fn get(
    q: &Qualification,
    t: Target,
    id: onshi_field,
) -> Result<(Kind, Option<Value>), Failure> {
    fn read<R>(
        defs: &'static [FieldDef<R>],
        r: &R,
        id: onshi_field,
    ) -> Result<(Kind, Option<Value>), Failure> {
        let d = find(defs, id)?;
        Ok((d.kind, (d.get)(r)))
    }
    match t {
        Target::Record => read(QUALIFICATION_FIELDS, q, id),
        Target::Item(ONSHI_LIST_SPECIFIC_DISEASES, i) => {
            let d = find(SPECIFIC_DISEASE_FIELDS, id)?;
            Ok((d.kind, (d.get)(item(&q.specific_diseases, i)?)))
        }
        Target::Item(ONSHI_LIST_MEDICAL_TICKETS, i) => {
            let d = find(MEDICAL_TICKET_FIELDS, id)?;
            Ok((d.kind, (d.get)(item(&q.medical_tickets, i)?)))
        }
        Target::Item(ONSHI_LIST_PUBLIC_EXPENSES, i) => {
            let d = find(PUBLIC_EXPENSE_FIELDS, id)?;
            Ok((d.kind, (d.get)(item(&q.public_expenses, i)?)))
        }
        Target::Item(ONSHI_LIST_CONSENTS, i) => {
            let entries = q.consents.entries();
            let (prefix, c) = item(&entries, i)?;
            if id == ONSHI_FIELD_CONSENT_KIND {
                return Ok((
                    kind(ONSHI_VALUE_TYPE_TEXT),
                    Some(Value::Text(prefix.to_string())),
                ));
            }
            let d = find(CONSENT_FIELDS, id)?;
            Ok((d.kind, (d.get)(c)))
        }
        Target::Item(list, _) => Err(unknown_list(list)),
    }
}

pub(crate) fn write<R>(d: &FieldDef<R>, r: &mut R, v: Option<Value>) -> Result<(), Failure> {
    let set = d
        .set
        .ok_or_else(|| Failure::new(ONSHI_READ_ONLY, format!("field {} is read-only", d.name)))?;
    set(r, v)
}

/// Writes a field (`None` clears it), after checking the accessor fits.
pub(crate) fn set(
    q: &mut Qualification,
    t: Target,
    id: onshi_field,
    want: Want,
    v: Option<Value>,
) -> Result<(), Failure> {
    match t {
        Target::Record => {
            let d = find(QUALIFICATION_FIELDS, id)?;
            check_want(d.kind, want)?;
            write(d, q, v)
        }
        Target::Item(ONSHI_LIST_SPECIFIC_DISEASES, i) => {
            let d = find(SPECIFIC_DISEASE_FIELDS, id)?;
            check_want(d.kind, want)?;
            write(d, item_mut(&mut q.specific_diseases, i)?, v)
        }
        Target::Item(ONSHI_LIST_MEDICAL_TICKETS, i) => {
            let d = find(MEDICAL_TICKET_FIELDS, id)?;
            check_want(d.kind, want)?;
            write(d, item_mut(&mut q.medical_tickets, i)?, v)
        }
        Target::Item(ONSHI_LIST_PUBLIC_EXPENSES, i) => {
            let d = find(PUBLIC_EXPENSE_FIELDS, id)?;
            check_want(d.kind, want)?;
            write(d, item_mut(&mut q.public_expenses, i)?, v)
        }
        Target::Item(ONSHI_LIST_CONSENTS, i) => {
            if id == ONSHI_FIELD_CONSENT_KIND {
                return Err(Failure::new(
                    ONSHI_READ_ONLY,
                    "the kind of a consent is its position in the list",
                ));
            }
            let d = find(CONSENT_FIELDS, id)?;
            check_want(d.kind, want)?;
            let (prefix, len) = {
                let entries = q.consents.entries();
                (item(&entries, i)?.0, entries.len())
            };
            let c = q
                .consents
                .by_prefix_mut(prefix)
                .ok_or_else(|| out_of_range(i, len))?;
            write(d, c, v)
        }
        Target::Item(list, _) => Err(unknown_list(list)),
    }
}

/// The number of items of a list.
pub(crate) fn count(q: &Qualification, list: onshi_list) -> Result<usize, Failure> {
    match list {
        ONSHI_LIST_SPECIFIC_DISEASES => Ok(q.specific_diseases.len()),
        ONSHI_LIST_MEDICAL_TICKETS => Ok(q.medical_tickets.len()),
        ONSHI_LIST_PUBLIC_EXPENSES => Ok(q.public_expenses.len()),
        ONSHI_LIST_CONSENTS => Ok(q.consents.entries().len()),
        _ => Err(unknown_list(list)),
    }
}

fn fixed() -> Failure {
    Failure::new(
        ONSHI_READ_ONLY,
        "the consents list has a fixed set of items",
    )
}

/// Appends an empty item; returns its index.
pub(crate) fn add(q: &mut Qualification, list: onshi_list) -> Result<usize, Failure> {
    fn push<T: Default>(v: &mut Vec<T>) -> usize {
        v.push(T::default());
        v.len() - 1
    }
    match list {
        ONSHI_LIST_SPECIFIC_DISEASES => Ok(push(&mut q.specific_diseases)),
        ONSHI_LIST_MEDICAL_TICKETS => Ok(push(&mut q.medical_tickets)),
        ONSHI_LIST_PUBLIC_EXPENSES => Ok(push(&mut q.public_expenses)),
        ONSHI_LIST_CONSENTS => Err(fixed()),
        _ => Err(unknown_list(list)),
    }
}

/// Removes an item; later items move down by one.
pub(crate) fn remove(q: &mut Qualification, list: onshi_list, i: usize) -> Result<(), Failure> {
    fn take<T>(v: &mut Vec<T>, i: usize) -> Result<(), Failure> {
        item(v, i)?;
        v.remove(i);
        Ok(())
    }
    match list {
        ONSHI_LIST_SPECIFIC_DISEASES => take(&mut q.specific_diseases, i),
        ONSHI_LIST_MEDICAL_TICKETS => take(&mut q.medical_tickets, i),
        ONSHI_LIST_PUBLIC_EXPENSES => take(&mut q.public_expenses, i),
        ONSHI_LIST_CONSENTS => Err(fixed()),
        _ => Err(unknown_list(list)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_in_their_ranges() {
        let mut all = Vec::new();
        for d in QUALIFICATION_FIELDS {
            assert!((1..100).contains(&d.id), "{}", d.name);
            all.push(d.id);
        }
        for d in SPECIFIC_DISEASE_FIELDS {
            assert!((101..200).contains(&d.id), "{}", d.name);
            all.push(d.id);
        }
        for d in MEDICAL_TICKET_FIELDS {
            assert!((201..300).contains(&d.id), "{}", d.name);
            all.push(d.id);
        }
        for d in CONSENT_FIELDS {
            assert!((301..400).contains(&d.id), "{}", d.name);
            all.push(d.id);
        }
        for d in PUBLIC_EXPENSE_FIELDS {
            assert!((801..850).contains(&d.id), "{}", d.name);
            all.push(d.id);
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "duplicate field id");
    }

    #[test]
    fn every_record_field_round_trips_as_text() {
        // One valid text per value type; every field must store and return it. Sub-records
        // and lists take the JSON they have in a full record.
        let full = crate::diff::tests::full_record();
        for d in QUALIFICATION_FIELDS {
            let json = (d.kind.ty == ONSHI_VALUE_TYPE_JSON).then(|| {
                get(&full, Target::Record, d.id)
                    .unwrap()
                    .1
                    .unwrap_or_else(|| panic!("{} set in the full record", d.name))
                    .to_text()
            });
            let text = match d.kind.ty {
                ONSHI_VALUE_TYPE_JSON => json.as_deref().unwrap_or_default(),
                ONSHI_VALUE_TYPE_DATE => "2024-04-01",
                ONSHI_VALUE_TYPE_DATETIME => "2024-04-01T09:30:00",
                ONSHI_VALUE_TYPE_RATIO => "30",
                ONSHI_VALUE_TYPE_ID if d.id == ONSHI_FIELD_INSURED_BRANCH_NUMBER => "01",
                ONSHI_VALUE_TYPE_ID => "138057",
                ONSHI_VALUE_TYPE_CODE => "1",
                _ => "見本　花子",
            };
            let mut q = Qualification::default();
            set(
                &mut q,
                Target::Record,
                d.id,
                Want::Text,
                Some(Value::Text(text.into())),
            )
            .unwrap();
            let (_, v) = get(&q, Target::Record, d.id).unwrap();
            assert_eq!(v.unwrap().to_text(), text, "{}", d.name);
            // And through JSON, the documented schema.
            let back = Qualification::from_json(&q.to_json()).unwrap();
            assert_eq!(back, q, "{}", d.name);
            set(&mut q, Target::Record, d.id, Want::Text, None).unwrap();
            assert_eq!(q, Qualification::default(), "{} clears", d.name);
        }
    }

    #[test]
    fn positional_slots_pad_and_shrink() {
        let mut v = Vec::new();
        set_slot(&mut v, 2, Some("c".into()));
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].as_str(), "");
        set_slot(&mut v, 2, None);
        assert!(v.is_empty(), "trailing empty slots are dropped");
    }

    #[test]
    fn wrong_list_and_wrong_accessor_are_reported() {
        let mut q = Qualification::default();
        let e = get(&q, Target::Record, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY).unwrap_err();
        assert_eq!(e.status, ONSHI_TYPE_MISMATCH);
        let e = get(&q, Target::Record, 9999).unwrap_err();
        assert_eq!(e.status, ONSHI_INVALID_ARGUMENT);
        let e = set(&mut q, Target::Record, ONSHI_FIELD_NAME, Want::Date, None).unwrap_err();
        assert_eq!(e.status, ONSHI_TYPE_MISMATCH);
        let e = get(
            &q,
            Target::Item(ONSHI_LIST_SPECIFIC_DISEASES, 0),
            ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY,
        )
        .unwrap_err();
        assert_eq!(e.status, ONSHI_OUT_OF_RANGE);
        let e = set(
            &mut q,
            Target::Item(ONSHI_LIST_CONSENTS, 0),
            ONSHI_FIELD_CONSENT_KIND,
            Want::Text,
            None,
        )
        .unwrap_err();
        assert_eq!(e.status, ONSHI_READ_ONLY);
    }
}

/// A calendar date crossing the C ABI.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct onshi_date {
    /// Year (e.g. 2024).
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

/// A date and time (local time of the terminal, no time zone) crossing the C ABI.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct onshi_datetime {
    /// Year (e.g. 2024).
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
}

impl onshi_date {
    pub(crate) fn from_naive(d: NaiveDate) -> onshi_date {
        use chrono::Datelike;
        onshi_date {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }
    }

    pub(crate) fn to_naive(self) -> Result<NaiveDate, Failure> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)
            .ok_or_else(|| Failure::new(ONSHI_INVALID_VALUE, "onshi_date is not a calendar date"))
    }
}

impl onshi_datetime {
    pub(crate) fn from_naive(t: NaiveDateTime) -> onshi_datetime {
        use chrono::{Datelike, Timelike};
        onshi_datetime {
            year: t.year(),
            month: t.month(),
            day: t.day(),
            hour: t.hour(),
            minute: t.minute(),
            second: t.second(),
        }
    }

    pub(crate) fn to_naive(self) -> Result<NaiveDateTime, Failure> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)
            .and_then(|d| d.and_hms_opt(self.hour, self.minute, self.second))
            .ok_or_else(|| {
                Failure::new(
                    ONSHI_INVALID_VALUE,
                    "onshi_datetime is not a valid date and time",
                )
            })
    }
}
