//! Writes `src/ffi/generated.rs`: the `ONSHI_FIELD_*` ids of every record field and the
//! accessor tables of the C ABI.

use super::gen_model::{FieldEntry, diffed, label, qualification_fields, record_fields};
use super::*;
use std::fmt::Write;

/// One row of a C table.
pub(crate) struct Row {
    /// `ONSHI_FIELD_…` name.
    pub c_name: String,
    /// The id.
    pub id: u32,
    /// Label for the doc comment.
    pub label: &'static str,
    /// Value tag (`text`, `code` …).
    pub tag: &'static str,
    /// Documentation.
    pub doc: &'static str,
    /// The Rust value expression of the row.
    pub def: String,
}

fn table_name(r: &Rec) -> String {
    let mut s = String::new();
    for (i, ch) in r.name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            s.push('_');
        }
        s.push(ch.to_ascii_uppercase());
    }
    format!("{s}_FIELDS")
}

fn leaf_def(
    rec: &str,
    c_name: &str,
    name: &str,
    path: &str,
    parent: Option<&str>,
    ty: &str,
) -> String {
    let get = match parent {
        Some(outer) => {
            let leaf = path.strip_prefix(&format!("{outer}.")).unwrap_or(path);
            format!(
                "|r: &{rec}| r.{outer}.as_ref().and_then(|o| o.{leaf}.as_ref()).map(FieldValue::to_value)"
            )
        }
        None => format!("|r: &{rec}| r.{path}.as_ref().map(FieldValue::to_value)"),
    };
    let set = {
        match parent {
            Some(outer) => {
                let leaf = path.strip_prefix(&format!("{outer}.")).unwrap_or(path);
                format!(
                    "Some(|r: &mut {rec}, v: Option<Value>| {{ \
                     let v = v.map(<{ty} as FieldValue>::from_value).transpose()?; \
                     set_in(&mut r.{outer}, v, |o| &mut o.{leaf}); Ok(()) }})"
                )
            }
            None => format!(
                "Some(|r: &mut {rec}, v: Option<Value>| {{ \
                 r.{path} = v.map(<{ty} as FieldValue>::from_value).transpose()?; Ok(()) }})"
            ),
        }
    };
    format!(
        "FieldDef::<{rec}> {{ id: ONSHI_FIELD_{c_name}, name: \"{name}\", kind: <{ty} as FieldValue>::KIND, get: {get}, set: {set} }}"
    )
}

fn block_def(rec: &str, c_name: &str, name: &str, path: &str) -> String {
    format!(
        "FieldDef::<{rec}> {{ id: ONSHI_FIELD_{c_name}, name: \"{name}\", kind: JSON, \
         get: |r: &{rec}| json_get(&r.{path}), \
         set: Some(|r: &mut {rec}, v: Option<Value>| json_set(&mut r.{path}, v)) }}"
    )
}

fn slot_def(rec: &str, c_name: &str, name: &str, path: &str, i: usize) -> String {
    format!(
        "FieldDef::<{rec}> {{ id: ONSHI_FIELD_{c_name}, name: \"{name}\", kind: <String as FieldValue>::KIND, \
         get: |r: &{rec}| slot_get(&r.{path}, {i}), \
         set: Some(|r: &mut {rec}, v: Option<Value>| {{ set_slot(&mut r.{path}, {i}, v.map(String::from_value).transpose()?); Ok(()) }}) }}"
    )
}

fn qualification_rows(fields: &[FieldEntry]) -> Vec<Row> {
    fields
        .iter()
        .map(|e| {
            let (tag, def) = if e.block {
                (
                    "json",
                    block_def(
                        "Qualification",
                        &e.flat.c_name,
                        &e.flat.json_path,
                        &e.flat.path,
                    ),
                )
            } else {
                let Kind::Leaf(c) = e.flat.f.kind else {
                    unreachable!()
                };
                (
                    c.c_tag,
                    leaf_def(
                        "Qualification",
                        &e.flat.c_name,
                        &e.flat.json_path,
                        &e.flat.path,
                        e.flat.optional_parent.as_deref(),
                        c.ty,
                    ),
                )
            };
            Row {
                c_name: e.flat.c_name.clone(),
                id: e.flat.id,
                label: label(e),
                tag,
                doc: e.flat.f.doc,
                def,
            }
        })
        .collect()
}

fn record_rows(r: &'static Rec, prefix: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let rec_name = r.name;
    for flat in inline_fields(r) {
        match flat.f.kind {
            Kind::Leaf(c) if flat.id != 0 => {
                let c_name = format!("{prefix}{}", flat.c_name);
                let def = leaf_def(
                    rec_name,
                    &c_name,
                    &format!("{rec_name}.{}", flat.json_path),
                    &flat.path,
                    None,
                    c.ty,
                );
                rows.push(Row {
                    c_name,
                    id: flat.id,
                    label: flat.f.label,
                    tag: c.c_tag,
                    doc: flat.f.doc,
                    def,
                });
            }
            Kind::Slots(slots) => {
                for (i, s) in slots.iter().enumerate() {
                    let c_name = format!("{prefix}{}", s.c_name);
                    let def = slot_def(
                        rec_name,
                        &c_name,
                        &format!("{rec_name}.{}[{i}]", flat.json_path),
                        &flat.path,
                        i,
                    );
                    rows.push(Row {
                        c_name,
                        id: s.id,
                        label: s.label,
                        tag: "text",
                        doc: flat.f.doc,
                        def,
                    });
                }
            }
            Kind::Child(_) | Kind::List { .. } | Kind::Leaves(_) if flat.id != 0 => {
                let c_name = format!("{prefix}{}", flat.c_name);
                let def = block_def(
                    rec_name,
                    &c_name,
                    &format!("{rec_name}.{}", flat.json_path),
                    &flat.path,
                );
                rows.push(Row {
                    c_name,
                    id: flat.id,
                    label: flat.f.label,
                    tag: "json",
                    doc: flat.f.doc,
                    def,
                });
            }
            _ => {}
        }
    }
    rows
}

/// Every table: (record, table name, rows).
pub(crate) fn tables() -> Vec<(&'static Rec, String, Vec<Row>)> {
    let mut out = Vec::new();
    for r in all() {
        match r.ffi {
            Some("") => out.push((
                r,
                table_name(r),
                qualification_rows(&qualification_fields()),
            )),
            Some(prefix) => out.push((r, table_name(r), record_rows(r, prefix))),
            None => {}
        }
    }
    out
}

pub(crate) fn generate() -> String {
    let mut out = String::from(super::sourcegen::HEADER);
    out.push_str(
        "//! The `ONSHI_FIELD_*` ids of every record field and the C accessor tables, generated\n\
         //! from `src/model/schema/records.rs`. The doc comment of each id starts with the\n\
         //! field's label and value type; the C# binding's typed properties are generated from\n\
         //! it.\n\n\
         use super::field::*;\n\
         use crate::Personal;\n\
         use crate::codes::*;\n\
         use crate::ids;\n\
         use crate::model::*;\n\
         use chrono::{NaiveDate, NaiveDateTime};\n\n\
         #[allow(unused_imports)]\n\
         use ids::{\n    BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode,\n    PublicExpensePayerNumber, RecipientNumber,\n};\n\n",
    );
    // The fields of each compared record as an enumeration of the C ABI (diff items, audit
    // events, staff choices report `ONSHI_FIELD_*` numbers).
    for (r, name) in diffed() {
        let static_name = if name == "Field" {
            "FIELD".to_string()
        } else {
            table_name(r).trim_end_matches("_FIELDS").to_string() + "_FIELD"
        };
        let _ = writeln!(
            out,
            "/// [`{name}`] ↔ its `ONSHI_FIELD_*` number and stable id.\npub(crate) static {static_name}: super::enums::Enumeration<{name}> = super::enums::Enumeration {{\n    name: \"onshi_field\",\n    rows: &["
        );
        for e in record_fields(r) {
            let _ = writeln!(
                out,
                "        ({name}::{}, ONSHI_FIELD_{}, \"{}\"),",
                e.variant, e.flat.c_name, e.flat.json_path
            );
        }
        out.push_str("    ],\n};\n\n");
    }
    for (r, table, rows) in tables() {
        let _ = writeln!(out, "// ---- {} ----\n", r.name);
        for row in &rows {
            let doc = if row.doc.is_empty() {
                format!("{} ({}).", row.label, row.tag)
            } else {
                format!("{} ({}): {}", row.label, row.tag, row.doc)
            };
            for line in super::gen_model::wrap(&doc, 96) {
                let _ = writeln!(out, "/// {line}");
            }
            let _ = writeln!(
                out,
                "pub const ONSHI_FIELD_{}: onshi_field = {};",
                row.c_name, row.id
            );
        }
        let _ = writeln!(
            out,
            "\n/// The fields of [`{}`] by id.\npub(crate) static {table}: &[FieldDef<{}>] = &[",
            r.name, r.name
        );
        for row in &rows {
            let _ = writeln!(out, "    {},", row.def);
        }
        out.push_str("];\n\n");
    }
    out
}
