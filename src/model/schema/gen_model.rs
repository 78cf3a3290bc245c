//! Writes `src/model/generated.rs`: the record structs and [`crate::model::Field`].

use super::*;
use std::fmt::Write;

/// The Rust type a field has in its struct.
pub(crate) fn rust_type(f: &F) -> String {
    match f.kind {
        Kind::Leaf(c) => format!("Option<{}>", c.ty),
        Kind::Leaves(c) => format!("Vec<{}>", c.ty),
        Kind::Child(r) => format!("Option<{}>", r.name),
        Kind::List { rec, .. } => format!("Vec<{}>", rec.name),
        Kind::Slots(_) => "Vec<Personal<String>>".into(),
        Kind::Embed { rec, .. } | Kind::Prefixed { rec, .. } => rec.name.to_string(),
    }
}

fn doc_lines(out: &mut String, indent: &str, doc: &str) {
    for line in wrap(doc, 96 - indent.len()) {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

/// Greedy word wrap (Japanese text has no spaces: it is never split).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

fn write_struct(out: &mut String, r: &Rec) {
    doc_lines(out, "", r.doc);
    out.push_str("#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]\n");
    let _ = writeln!(out, "pub struct {} {{", r.name);
    for f in r.fields {
        doc_lines(out, "    ", if f.doc.is_empty() { f.label } else { f.doc });
        let serde = match f.kind {
            Kind::Leaf(_) | Kind::Child(_) => {
                "default, skip_serializing_if = \"Option::is_none\"".to_string()
            }
            Kind::List { .. } | Kind::Slots(_) | Kind::Leaves(_) => {
                "default, skip_serializing_if = \"Vec::is_empty\"".to_string()
            }
            Kind::Embed {
                json_flatten: true, ..
            } => "flatten".to_string(),
            Kind::Embed { rec, .. } | Kind::Prefixed { rec, .. } => {
                format!("default, skip_serializing_if = \"{}::is_empty\"", rec.name)
            }
        };
        let rename = match f.json {
            Some(j) => format!(", rename = \"{j}\""),
            None => String::new(),
        };
        let _ = writeln!(out, "    #[serde({serde}{rename})]");
        let _ = writeln!(out, "    pub {}: {},", f.rust, rust_type(f));
    }
    if r.extra {
        out.push_str("    /// Unmodelled child elements, kept for round trips.\n");
        out.push_str("    #[serde(default, skip_serializing_if = \"Vec::is_empty\")]\n");
        out.push_str("    pub extra: Vec<UnknownElement>,\n");
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "impl {} {{", r.name);
    out.push_str("    /// `true` when nothing is set (the default value).\n");
    out.push_str("    pub fn is_empty(&self) -> bool {\n        *self == Self::default()\n    }\n");
    // A record of prefixed records (the consents): its entries by prefix.
    let prefixed: Vec<(&F, &Rec, &str)> = r
        .fields
        .iter()
        .filter_map(|f| match f.kind {
            Kind::Prefixed { rec, prefix } => Some((f, rec, prefix)),
            _ => None,
        })
        .collect();
    if !prefixed.is_empty() && prefixed.len() == r.fields.len() {
        let item = prefixed[0].1.name;
        let n = prefixed.len();
        let _ = writeln!(
            out,
            "\n    /// The XML element prefix of each entry with a reference to it, in spec order.\n    pub fn entries(&self) -> [(&'static str, &{item}); {n}] {{\n        ["
        );
        for (f, _, p) in &prefixed {
            let _ = writeln!(out, "            (\"{p}\", &self.{}),", f.rust);
        }
        out.push_str("        ]\n    }\n");
        let _ = writeln!(
            out,
            "\n    /// Mutable access by XML prefix (`\"{}\"` …); `None` for an unknown prefix.\n    pub fn by_prefix_mut(&mut self, prefix: &str) -> Option<&mut {item}> {{\n        Some(match prefix {{",
            prefixed[0].2
        );
        for (f, _, p) in &prefixed {
            let _ = writeln!(out, "            \"{p}\" => &mut self.{},", f.rust);
        }
        out.push_str("            _ => return None,\n        })\n    }\n");
    }
    out.push_str("}\n\n");
}

/// One entry of [`crate::model::Field`]: a field of the qualification with a C id.
#[derive(Clone)]
pub(crate) struct FieldEntry {
    /// The enum variant.
    pub variant: String,
    /// The declaration and where it sits.
    pub flat: Flat,
    /// `true` for a child record, list or nested embed (compared or read as a whole).
    pub block: bool,
}

/// The fields of the qualification that have a C id (see [`record_fields`]).
pub(crate) fn qualification_fields() -> Vec<FieldEntry> {
    record_fields(&records::QUALIFICATION)
}

/// Every record `diff` compares and a history keeps, with its field enumeration's name.
pub(crate) fn diffed() -> Vec<(&'static Rec, &'static str)> {
    all()
        .into_iter()
        .filter_map(|r| r.diffed.map(|n| (r, n)))
        .collect()
}

/// The fields of record `r` that have a C id, in declaration order: inline leaves, leaves of
/// child records (dotted), and the child records, lists and nested embeds themselves. C
/// names carry the record's C prefix (none for the qualification).
pub(crate) fn record_fields(r: &'static Rec) -> Vec<FieldEntry> {
    let prefix = r.ffi.unwrap_or_default();
    let mut out = Vec::new();
    for mut flat in inline_fields(r) {
        let variant = camel(&flat.json_path);
        flat.c_name = format!("{prefix}{}", flat.c_name);
        match flat.f.kind {
            Kind::Child(rec) => {
                for mut sub in inline_fields(rec) {
                    if sub.id == 0 {
                        continue;
                    }
                    sub.optional_parent = Some(flat.path.clone());
                    sub.path = format!("{}.{}", flat.path, sub.path);
                    sub.json_path = format!("{}.{}", flat.json_path, sub.json_path);
                    sub.c_name =
                        format!("{prefix}{}", sub.json_path.replace('.', "_").to_uppercase());
                    out.push(FieldEntry {
                        variant: camel(&sub.json_path),
                        flat: sub,
                        block: false,
                    });
                }
                if flat.id != 0 {
                    out.push(FieldEntry {
                        variant,
                        flat,
                        block: true,
                    });
                }
            }
            Kind::List { .. } => {
                if flat.id != 0 {
                    out.push(FieldEntry {
                        variant,
                        flat,
                        block: true,
                    });
                }
            }
            Kind::Slots(_) | Kind::Leaves(_) | Kind::Embed { .. } | Kind::Prefixed { .. } => {}
            Kind::Leaf(_) => {
                if flat.id != 0 {
                    out.push(FieldEntry {
                        variant,
                        flat,
                        block: false,
                    });
                }
            }
        }
    }
    // Nested (not flattened) embeds with an id are blocks too.
    for f in r.fields {
        if let Kind::Embed {
            json_flatten: false,
            ..
        } = f.kind
            && f.id != 0
        {
            out.push(FieldEntry {
                variant: camel(f.rust),
                flat: Flat {
                    path: f.rust.to_string(),
                    json_path: f.json_name().to_string(),
                    f: *f,
                    xml: vec![],
                    id: f.id,
                    c_name: format!("{prefix}{}", f.json_name().to_uppercase()),
                    optional_parent: None,
                },
                block: true,
            });
        }
    }
    out
}

/// The compared fields in display order.
pub(crate) fn compared(fields: &[FieldEntry]) -> Vec<FieldEntry> {
    let mut c: Vec<FieldEntry> = fields
        .iter()
        .filter(|e| e.flat.f.diff.is_some())
        .cloned()
        .collect();
    c.sort_by_key(|e| e.flat.f.diff.map(|d| d.rank));
    c
}

/// The label shown for a field (the diff's label for compared ones).
pub(crate) fn label(e: &FieldEntry) -> &'static str {
    e.flat
        .f
        .diff
        .and_then(|d| d.label)
        .unwrap_or(e.flat.f.label)
}

fn is_personal(f: &F) -> bool {
    matches!(f.kind, Kind::Leaf(c) | Kind::Leaves(c) if c.ty.starts_with("Personal<"))
}

pub(crate) fn generate() -> String {
    let mut out = String::from(super::sourcegen::HEADER);
    out.push_str(
        "//! The record structs and [`Field`], generated from `src/model/schema/records.rs`.\n\n\
         use super::{FieldGroup, Ratio, UnknownElement};\n\
         use crate::Personal;\n\
         use crate::codes::*;\n\
         use crate::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode, PublicExpensePayerNumber, RecipientNumber};\n\
         use crate::text::FieldKind;\n\
         use chrono::{NaiveDate, NaiveDateTime};\n\
         use serde::{Deserialize, Serialize};\n\n",
    );
    for r in all() {
        write_struct(&mut out, r);
    }

    for (r, name) in diffed() {
        write_field_enum(&mut out, r, name);
    }
    out
}

/// The documentation of a field enumeration.
fn enum_doc(r: &Rec, name: &str) -> String {
    if r.name == "Qualification" {
        return "/// A field of [`Qualification`] with a C id: one `ONSHI_FIELD_*` number each, the same\n\
         /// in a diff, in history audit events and in the record accessors. The serde name (and\n\
         /// [`Field::id`]) is the field's path in the record's JSON schema; fields of the\n\
         /// 高齢受給者証 and 限度額適用認定証 blocks are written with a dot\n\
         /// (`elderly_recipient.contribution_ratio`). Ids and numbers are stable: never renamed,\n\
         /// never renumbered, never reused.\n\
         ///\n\
         /// [`Field::COMPARED`] lists the fields `diff` compares, in display order; the others\n\
         /// (consents, 限度額 consent, `arbitrary_identifier` …) describe one request, not the\n\
         /// coverage.\n\
         ///\n\
         /// ```\n\
         /// use onshi::model::Field;\n\
         /// assert_eq!(Field::InsurerNumber.id(), \"insurer_number\");\n\
         /// assert_eq!(Field::InsurerNumber.label(), \"保険者番号\");\n\
         /// assert_eq!(Field::InsurerNumber.number(), 2);\n\
         /// assert_eq!(Field::from_id(\"elderly_recipient.contribution_ratio\"),\n\
         ///            Some(Field::ElderlyRecipientContributionRatio));\n\
         /// ```\n".to_string();
    }
    let first = r.fields.iter().find(|f| f.id != 0 && f.diff.is_some());
    let example = match first {
        Some(f) => format!(
            "///\n/// ```\n/// use onshi::model::{name};\n/// assert_eq!({name}::{v}.id(), \"{id}\");\n/// assert_eq!({name}::{v}.label(), \"{label}\");\n/// assert_eq!({name}::{v}.number(), {num});\n/// assert_eq!({name}::from_id(\"{id}\"), Some({name}::{v}));\n/// ```\n",
            v = camel(f.json_name()),
            id = f.json_name(),
            label = f.label,
            num = f.id,
        ),
        None => String::new(),
    };
    format!(
        "/// A field of [`{rec}`] with a C id: one `ONSHI_FIELD_*` number each, the same in a diff,\n\
         /// in history audit events and in the record accessors. The serde name (and\n\
         /// [`{name}::id`]) is the field's key in the record's JSON schema. Ids and numbers are\n\
         /// stable: never renamed, never renumbered, never reused.\n\
         ///\n\
         /// [`{name}::COMPARED`] lists the fields `diff` compares, in display order.\n{example}",
        rec = r.name
    )
}

/// Writes the field enumeration `name` of record `r` and its metadata.
fn write_field_enum(out: &mut String, r: &'static Rec, enum_name: &str) {
    let name = enum_name;
    let fields = record_fields(r);
    let compared = compared(&fields);
    out.push_str(&enum_doc(r, name));
    let _ = writeln!(
        out,
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]\n#[non_exhaustive]\npub enum {name} {{"
    );
    for e in &fields {
        let _ = writeln!(
            out,
            "    /// {} (`{}`, `ONSHI_FIELD_{}` = {}).",
            label(e),
            e.flat.json_path,
            e.flat.c_name,
            e.flat.id
        );
        let _ = writeln!(out, "    #[serde(rename = \"{}\")]", e.flat.json_path);
        let _ = writeln!(out, "    {},", e.variant);
    }
    let _ = writeln!(out, "}}\n\nimpl {name} {{");
    let _ = writeln!(
        out,
        "    /// Every field, in declaration (XML) order.\n    pub const ALL: &'static [{name}] = &["
    );
    for e in &fields {
        let _ = writeln!(out, "        {name}::{},", e.variant);
    }
    out.push_str("    ];\n\n");
    let _ = writeln!(
        out,
        "    /// The fields `diff` compares, in display order (identity first, then the coverage,\n    /// its details and certificates).\n    pub const COMPARED: &'static [{name}] = &["
    );
    for e in &compared {
        let _ = writeln!(out, "        {name}::{},", e.variant);
    }
    out.push_str("    ];\n\n");

    let arms = |out: &mut String,
                method: &str,
                doc: &str,
                ret: &str,
                f: &dyn Fn(&FieldEntry) -> String| {
        let _ = writeln!(
            out,
            "    {doc}\n    pub fn {method}(self) -> {ret} {{\n        match self {{"
        );
        for e in &fields {
            let _ = writeln!(out, "            {enum_name}::{} => {},", e.variant, f(e));
        }
        out.push_str("        }\n    }\n\n");
    };
    arms(
        out,
        "id",
        "/// The stable id: the field's path in the record JSON (`\"name_kana\"`,\n    /// `\"elderly_recipient.contribution_ratio\"` …).",
        "&'static str",
        &|e| format!("\"{}\"", e.flat.json_path),
    );
    arms(
        out,
        "number",
        "/// The `ONSHI_FIELD_*` number of the C ABI.",
        "u32",
        &|e| e.flat.id.to_string(),
    );
    arms(
        out,
        "label",
        "/// The Japanese label for staff screens.",
        "&'static str",
        &|e| format!("\"{}\"", label(e)),
    );
    arms(
        out,
        "group",
        "/// The group of a compared field; `None` for a field `diff` does not compare.",
        "Option<FieldGroup>",
        &|e| match e.flat.f.diff {
            Some(d) => format!("Some(FieldGroup::{})", d.group),
            None => "None".into(),
        },
    );
    arms(
        out,
        "text_kind",
        "/// The text kind used to normalize this field, for compared text fields.",
        "Option<FieldKind>",
        &|e| match e.flat.f.diff.and_then(|d| d.text) {
            Some(k) => format!("Some(FieldKind::{k})"),
            None => "None".into(),
        },
    );
    arms(
        out,
        "is_personal",
        "/// `true` when the value is personal data (redacted in `Debug`; never logged).",
        "bool",
        &|e| is_personal(&e.flat.f).to_string(),
    );
    arms(
        out,
        "xml_name",
        "/// The element name the field is written as (`None` for a block of several elements).",
        "Option<&'static str>",
        &|e| match (e.block, e.flat.xml.first()) {
            (false, Some(x)) => format!("Some(\"{x}\")"),
            _ => match e.flat.f.kind {
                Kind::Child(_) => format!("Some(\"{}\")", e.flat.f.xml[0]),
                Kind::List { wrapper, .. } => format!("Some(\"{wrapper}\")"),
                _ => "None".into(),
            },
        },
    );
    let _ = writeln!(
        out,
        "    /// `true` for a field `diff` compares.\n    pub fn is_compared(self) -> bool {{\n        self.group().is_some()\n    }}\n\n\
         /// The field for an id; `None` for an unknown id.\n    pub fn from_id(id: &str) -> Option<{name}> {{\n        {name}::ALL.iter().copied().find(|f| f.id() == id)\n    }}\n\n\
         /// The field for an `ONSHI_FIELD_*` number; `None` when the number is not a field of\n    /// the record.\n    pub fn from_number(number: u32) -> Option<{name}> {{\n        {name}::ALL.iter().copied().find(|f| f.number() == number)\n    }}\n}}\n"
    );
}
