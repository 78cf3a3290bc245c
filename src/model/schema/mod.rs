//! The one declaration of every record, and the generator that derives everything else from it.
//!
//! Each record of the terminal interface (the qualification and its parts, the query, the
//! message header, the per-person answer, the 照会番号 registration, and the groups they share)
//! is declared once, in [`records`]: its fields in XML order, each with its C field id, Rust
//! name, codec, XML element name(s) and aliases, Japanese label, documentation and — for the
//! compared fields of a qualification — the diff group, display rank, text kind and advice.
//!
//! `cargo test --lib sourcegen` writes from that declaration, and fails when a committed file
//! differed (then run it again):
//!
//! | file | what |
//! |---|---|
//! | `src/model/generated.rs` | the record structs, [`crate::model::Field`] and its metadata |
//! | `src/xml/generated.rs` | each record's XML reading and writing |
//! | `src/diff/generated.rs` | how each compared field is read, shown and copied |
//! | `src/ffi/generated.rs` | the `ONSHI_FIELD_*` ids and the C accessor tables |
//! | `docs/schema/records.schema.json` | the JSON schema of the records |
//!
//! `include/onshi.h` (cbindgen) and `bindings/csharp/src/Native.g.cs` (typed C# properties)
//! follow from `src/ffi/generated.rs` and are drift-checked by their own tests. Adding a field
//! is one line in [`records`] plus its tests.
//!
//! This module is compiled for tests only: nothing at run time reads it.

#[cfg(test)]
mod completeness;
mod gen_diff;
mod gen_ffi;
mod gen_json;
mod gen_model;
mod gen_xml;
pub(crate) mod records;
mod sourcegen;

#[allow(unused_imports)]
pub(crate) use sourcegen::write_all;

/// A record: a struct of the model.
#[derive(Clone, Copy)]
pub(crate) struct Rec {
    /// The Rust type name.
    pub name: &'static str,
    /// Its documentation (Markdown; first line a sentence).
    pub doc: &'static str,
    /// The element the record is, when it is an element of its own (for its readers).
    pub element: Option<&'static str>,
    /// Whether unmodelled children are kept in `extra`.
    pub extra: bool,
    /// How the C ABI addresses it: `Some(prefix)` for a record with a table of its own
    /// (`"QUERY_"` → `ONSHI_FIELD_QUERY_…`); `None` for a record only embedded in others.
    pub ffi: Option<&'static str>,
    /// Its fields, in XML order (the order they are written).
    pub fields: &'static [F],
    /// For a record `diff` compares and a history keeps (the qualification, the 公費): the name
    /// of its generated field enumeration (`Field`, `PublicExpenseField`).
    pub diffed: Option<&'static str>,
}

/// The value type of a leaf: its Rust type, its XML codec and how it is compared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Codec {
    /// Rust type of the value (`"NaiveDate"`, `"Personal<String>"`, `"Sex"` …).
    pub ty: &'static str,
    /// The `xml::codec` type (`"Date"`, `"CodeOf<Sex>"` …).
    pub codec: &'static str,
    /// How a diff reads the value.
    pub compare: Cmp,
    /// The JSON schema of the value.
    pub json: Json,
    /// The C value type tag in field docs (`text`, `id`, `code`, `date` …).
    pub c_tag: &'static str,
}

/// How a diff reads a leaf value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Cmp {
    /// Text normalized by the field's text kind.
    Text,
    /// Personal text normalized by the field's text kind.
    PText,
    /// An identifier compared as text (記号, 番号).
    IdText,
    /// An identifier compared exactly (保険者番号, 枝番).
    IdCode,
    /// A code, by wire value.
    Code,
    /// A date.
    Date,
    /// A personal date.
    PDate,
    /// A ratio.
    Ratio,
    /// An amount of yen.
    Amount,
    /// Not comparable (date-times, counts).
    None,
}

/// The JSON schema of a value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Json {
    /// A string.
    Text,
    /// A string matching a pattern.
    Pattern(&'static str),
    /// A date `YYYY-MM-DD`.
    Date,
    /// A date-time `YYYY-MM-DDTHH:MM:SS`.
    DateTime,
    /// A non-negative integer.
    Integer,
    /// A percentage 0–100.
    Percent,
}

const fn codec(
    ty: &'static str,
    codec: &'static str,
    compare: Cmp,
    json: Json,
    c_tag: &'static str,
) -> Codec {
    Codec {
        ty,
        codec,
        compare,
        json,
        c_tag,
    }
}

/// Free text.
pub(crate) const TEXT: Codec = codec("String", "Text", Cmp::Text, Json::Text, "text");
/// Personal free text (names, addresses, numbers of a person).
pub(crate) const PTEXT: Codec = codec("Personal<String>", "PText", Cmp::PText, Json::Text, "text");
/// A date `yyyyMMdd`.
pub(crate) const DATE: Codec = codec("NaiveDate", "Date", Cmp::Date, Json::Date, "date");
/// A personal date (生年月日).
pub(crate) const PDATE: Codec = codec(
    "Personal<NaiveDate>",
    "PDate",
    Cmp::PDate,
    Json::Date,
    "date",
);
/// A date-time `yyyyMMddHHmmss`.
pub(crate) const DATETIME: Codec = codec(
    "NaiveDateTime",
    "DateTime",
    Cmp::None,
    Json::DateTime,
    "date-time",
);
/// A count or an amount.
pub(crate) const COUNT: Codec = codec("u32", "Count", Cmp::None, Json::Integer, "integer");
/// A 3-digit percentage.
pub(crate) const PERCENT: Codec = codec("Ratio", "Percent", Cmp::Ratio, Json::Percent, "ratio");
/// 保険者番号, space-padded on the wire.
pub(crate) const INSURER: Codec = codec(
    "InsurerNumber",
    "InsurerWire",
    Cmp::IdCode,
    Json::Pattern("^[0-9]{6}([0-9]{2})?$"),
    "id",
);
/// An amount of yen (上限額).
pub(crate) const YEN: Codec = codec("u32", "Count", Cmp::Amount, Json::Integer, "integer");
/// 公費負担者番号 (8 digits).
pub(crate) const PAYER: Codec = codec(
    "PublicExpensePayerNumber",
    "PayerNumber",
    Cmp::IdCode,
    Json::Pattern("^[0-9]{8}$"),
    "id",
);
/// 受給者番号 (≤ 30 characters).
pub(crate) const RECIPIENT: Codec = codec(
    "RecipientNumber",
    "Recipient",
    Cmp::IdText,
    Json::Text,
    "id",
);
/// 記号.
pub(crate) const SYMBOL: Codec = codec("CardSymbol", "Symbol", Cmp::IdText, Json::Text, "id");
/// 番号.
pub(crate) const NUMBER: Codec = codec("CardNumber", "Number", Cmp::IdText, Json::Text, "id");
/// 枝番.
pub(crate) const BRANCH: Codec = codec(
    "BranchNumber",
    "Branch",
    Cmp::IdCode,
    Json::Pattern("^[0-9]{2}$"),
    "id",
);
/// 医療機関コード.
pub(crate) const INSTITUTION: Codec = codec(
    "MedicalInstitutionCode",
    "Institution",
    Cmp::IdCode,
    Json::Pattern("^[0-9]{10}$"),
    "id",
);

/// A code of table `ty` (a type of `crate::codes`).
pub(crate) const fn code(ty: &'static str, codec_name: &'static str) -> Codec {
    codec(ty, codec_name, Cmp::Code, Json::Text, "code")
}

/// What a field holds.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `Option<T>`: one leaf element.
    Leaf(Codec),
    /// `Vec<T>`: every occurrence of one leaf element, in document order (several
    /// `ReferenceNumber` of one bulk unit).
    Leaves(Codec),
    /// `Option<R>`: a child element holding record `R` (kept only when not empty).
    Child(&'static Rec),
    /// `Vec<R>`: items named `item`, inside `wrapper` (written so); items directly in the
    /// parent are read too.
    List {
        /// The record of an item.
        rec: &'static Rec,
        /// The list element.
        wrapper: &'static str,
        /// The item element.
        item: &'static str,
    },
    /// `Vec<Personal<String>>`: numbered leaves (`InjuryName1..3`), position = number − 1.
    Slots(&'static [Slot]),
    /// A record whose fields sit directly in the parent element. `json_flatten`: its fields
    /// are also keys of the parent's JSON object (else it is a nested object).
    Embed {
        /// The embedded record.
        rec: &'static Rec,
        /// Flattened in JSON too.
        json_flatten: bool,
        /// C ids of the embedded record's leaves in this use, in their order (empty: none).
        ids: &'static [u32],
    },
    /// A record whose leaves sit directly in the parent under `prefix` + their name
    /// (`PharmacistsInfo` + `ConsFlg`); never absent (an empty one is skipped in JSON).
    Prefixed {
        /// The record.
        rec: &'static Rec,
        /// The element-name prefix.
        prefix: &'static str,
    },
}

/// One numbered slot of a [`Kind::Slots`] field.
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    /// The element name.
    pub xml: &'static str,
    /// Its C id.
    pub id: u32,
    /// Its C name suffix (`INJURY_NAME_1`).
    pub c_name: &'static str,
    /// Japanese label.
    pub label: &'static str,
}

/// How a compared field takes part in a diff.
#[derive(Clone, Copy)]
pub(crate) struct Diffed {
    /// Its group (`FieldGroup` variant).
    pub group: &'static str,
    /// Display position among the compared fields (ascending).
    pub rank: u16,
    /// The text kind (`FieldKind` variant) for text values.
    pub text: Option<&'static str>,
    /// Advice when both sides hold different values (default by group).
    pub different: Option<&'static str>,
    /// Advice when only the registered record holds it (default `NotReturned`).
    pub only_registered: Option<&'static str>,
    /// Advice when only the returned record holds it (default `NewInformation`).
    pub only_returned: Option<&'static str>,
    /// Advice instead of `different` when either record is 医療扶助.
    pub public_assistance: Option<&'static str>,
    /// The Japanese label when it differs from the field's (e.g. `性別` for `sex1`).
    pub label: Option<&'static str>,
}

/// A field of a record.
#[derive(Clone, Copy)]
pub(crate) struct F {
    /// The Rust field name.
    pub rust: &'static str,
    /// The JSON key when it differs from the Rust name.
    pub json: Option<&'static str>,
    /// What it holds.
    pub kind: Kind,
    /// XML element name (leaves); aliases accepted on reading follow.
    pub xml: &'static [&'static str],
    /// C id (`0`: none).
    pub id: u32,
    /// Japanese label.
    pub label: &'static str,
    /// Documentation (Markdown).
    pub doc: &'static str,
    /// Compared by `diff`, and how.
    pub diff: Option<Diffed>,
}

impl F {
    fn new(id: u32, rust: &'static str, kind: Kind, label: &'static str) -> F {
        F {
            rust,
            json: None,
            kind,
            xml: &[],
            id,
            label,
            doc: "",
            diff: None,
        }
    }

    /// The documentation.
    pub(crate) fn doc(self, doc: &'static str) -> F {
        F { doc, ..self }
    }

    /// The JSON key, when not the Rust name.
    pub(crate) fn json(self, json: &'static str) -> F {
        F {
            json: Some(json),
            ..self
        }
    }

    /// Element names accepted on reading besides the first.
    pub(crate) fn xml(self, xml: &'static [&'static str]) -> F {
        F { xml, ..self }
    }

    /// Compared by `diff` in `group` at display position `rank`.
    pub(crate) fn compared(self, group: &'static str, rank: u16) -> F {
        F {
            diff: Some(Diffed {
                group,
                rank,
                text: None,
                different: None,
                only_registered: None,
                only_returned: None,
                public_assistance: None,
                label: None,
            }),
            ..self
        }
    }

    fn with_diff(self, f: impl FnOnce(&mut Diffed)) -> F {
        let mut diff = self.diff;
        if let Some(d) = diff.as_mut() {
            f(d);
        }
        F { diff, ..self }
    }

    /// Text kind for comparing (`Name`, `Kana`, `Address`, `Number`, `Text`).
    pub(crate) fn text(self, kind: &'static str) -> F {
        self.with_diff(|d| d.text = Some(kind))
    }

    /// Advice when both sides hold different values.
    pub(crate) fn different(self, advice: &'static str) -> F {
        self.with_diff(|d| d.different = Some(advice))
    }

    /// Advice when only the registered record holds it.
    pub(crate) fn only_registered(self, advice: &'static str) -> F {
        self.with_diff(|d| d.only_registered = Some(advice))
    }

    /// Advice when only the returned record holds it.
    pub(crate) fn only_returned(self, advice: &'static str) -> F {
        self.with_diff(|d| d.only_returned = Some(advice))
    }

    /// Advice instead of `different` for 医療扶助.
    pub(crate) fn public_assistance(self, advice: &'static str) -> F {
        self.with_diff(|d| d.public_assistance = Some(advice))
    }

    /// The label in a diff, when not the field's.
    pub(crate) fn diff_label(self, label: &'static str) -> F {
        self.with_diff(|d| d.label = Some(label))
    }

    /// The JSON key.
    pub(crate) fn json_name(&self) -> &'static str {
        self.json.unwrap_or(self.rust)
    }
}

/// A leaf.
pub(crate) fn leaf(
    id: u32,
    rust: &'static str,
    c: Codec,
    xml: &'static [&'static str],
    label: &'static str,
) -> F {
    F::new(id, rust, Kind::Leaf(c), label).xml(xml)
}

/// A leaf element that may repeat: all its values, in order.
pub(crate) fn leaves(
    id: u32,
    rust: &'static str,
    c: Codec,
    xml: &'static [&'static str],
    label: &'static str,
) -> F {
    F::new(id, rust, Kind::Leaves(c), label).xml(xml)
}

/// A child element holding a record.
pub(crate) fn child(
    id: u32,
    rust: &'static str,
    rec: &'static Rec,
    xml: &'static [&'static str],
    label: &'static str,
) -> F {
    F::new(id, rust, Kind::Child(rec), label).xml(xml)
}

/// A repeated record in a list element.
pub(crate) fn list(
    id: u32,
    rust: &'static str,
    rec: &'static Rec,
    wrapper: &'static str,
    item: &'static str,
    label: &'static str,
) -> F {
    F::new(id, rust, Kind::List { rec, wrapper, item }, label)
}

/// Numbered text slots.
pub(crate) fn slots(rust: &'static str, slots: &'static [Slot], label: &'static str) -> F {
    F::new(0, rust, Kind::Slots(slots), label)
}

/// A record embedded in place.
pub(crate) fn embed(
    rust: &'static str,
    rec: &'static Rec,
    json_flatten: bool,
    ids: &'static [u32],
    label: &'static str,
) -> F {
    F::new(
        0,
        rust,
        Kind::Embed {
            rec,
            json_flatten,
            ids,
        },
        label,
    )
}

/// A record whose leaves sit in the parent under a name prefix.
pub(crate) fn prefixed(
    rust: &'static str,
    rec: &'static Rec,
    prefix: &'static str,
    label: &'static str,
) -> F {
    F::new(0, rust, Kind::Prefixed { rec, prefix }, label)
}

/// A record (the declaration is built once per test run; its slices are leaked).
pub(crate) fn rec(name: &'static str, doc: &'static str, fields: &[F]) -> Rec {
    Rec {
        name,
        doc,
        element: None,
        extra: true,
        ffi: None,
        fields: Box::leak(fields.to_vec().into_boxed_slice()),
        diffed: None,
    }
}

impl Rec {
    /// The element the record is.
    pub(crate) fn element(self, element: &'static str) -> Rec {
        Rec {
            element: Some(element),
            ..self
        }
    }

    /// A table of its own in the C ABI, ids named `ONSHI_FIELD_<prefix>…`.
    pub(crate) fn ffi(self, prefix: &'static str) -> Rec {
        Rec {
            ffi: Some(prefix),
            ..self
        }
    }

    /// Compared by `diff` and kept in a history, with the field enumeration `name`.
    pub(crate) fn diffed(self, name: &'static str) -> Rec {
        Rec {
            diffed: Some(name),
            ..self
        }
    }

    /// No `extra` (a group embedded in others keeps unmodelled children in the parent).
    pub(crate) fn no_extra(self) -> Rec {
        Rec {
            extra: false,
            ..self
        }
    }
}

/// Every record with generated code, in the order the generated files list them (groups
/// first).
pub(crate) fn all() -> Vec<&'static Rec> {
    records::ALL.to_vec()
}

/// `snake_case` → `CamelCase`.
pub(crate) fn camel(s: &str) -> String {
    s.split(['_', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// One leaf as seen from a record: the path to it, its XML name(s), codec and C id.
#[derive(Clone)]
pub(crate) struct Flat {
    /// Rust access path from the record (`card.insurer_number`).
    pub path: String,
    /// The stable id: JSON path (`elderly_recipient.contribution_ratio`).
    pub json_path: String,
    /// The declaring field.
    pub f: F,
    /// XML names (first written) — resolved for this use (prefix).
    pub xml: Vec<&'static str>,
    /// C id in this use (0: none).
    pub id: u32,
    /// The C name suffix (`INSURED_CARD_VALID_DATE`).
    pub c_name: String,
    /// `Some(outer)` when the leaf is inside an optional child record (`elderly_recipient`).
    pub optional_parent: Option<String>,
}

/// The fields of `r` as its readers see them: embedded and prefixed records expanded in place
/// (children, lists and slots stay one entry each).
pub(crate) fn inline_fields(r: &'static Rec) -> Vec<Flat> {
    let mut out = Vec::new();
    inline_into(r, "", "", "", Ids::Declared, &mut out);
    out
}

/// Which C ids the leaves of an expanded record get.
#[derive(Clone, Copy)]
enum Ids<'a> {
    /// Their declared ids.
    Declared,
    /// These, in order (an embedded group's ids in this use).
    These(&'a [u32]),
    /// None (a prefixed record: the C ABI reaches it through a list of its own).
    None,
}

fn inline_into(
    r: &'static Rec,
    path: &str,
    json: &str,
    prefix: &str,
    ids: Ids<'_>,
    out: &mut Vec<Flat>,
) {
    let mut leaf_index = 0;
    for f in r.fields {
        let p = format!("{path}{}", f.rust);
        let j = format!("{json}{}", f.json_name());
        match f.kind {
            Kind::Embed {
                rec,
                json_flatten,
                ids: inner_ids,
            } => {
                let jp = if json_flatten {
                    json.to_string()
                } else {
                    format!("{j}.")
                };
                let inner = if inner_ids.is_empty() {
                    Ids::None
                } else {
                    Ids::These(inner_ids)
                };
                inline_into(rec, &format!("{p}."), &jp, prefix, inner, out);
            }
            Kind::Prefixed { rec, prefix: pre } => {
                inline_into(
                    rec,
                    &format!("{p}."),
                    &format!("{j}."),
                    &format!("{prefix}{pre}"),
                    Ids::None,
                    out,
                );
            }
            _ => {
                let id = match ids {
                    Ids::Declared => f.id,
                    Ids::These(these) => {
                        let id = these.get(leaf_index).copied().unwrap_or(0);
                        leaf_index += 1;
                        id
                    }
                    Ids::None => 0,
                };
                let xml: Vec<&'static str> = f.xml.to_vec();
                let xml = if prefix.is_empty() {
                    xml
                } else {
                    xml.iter()
                        .map(|x| &*Box::leak(format!("{prefix}{x}").into_boxed_str()))
                        .collect()
                };
                out.push(Flat {
                    path: p,
                    json_path: j.clone(),
                    f: *f,
                    xml,
                    id,
                    c_name: j.replace('.', "_").to_uppercase(),
                    optional_parent: None,
                });
            }
        }
    }
}
