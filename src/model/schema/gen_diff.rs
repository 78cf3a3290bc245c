//! Writes `src/diff/generated.rs`: how `diff` reads, shows and copies each field of a
//! qualification, and the advice each compared field gets.

use super::gen_model::{FieldEntry, compared, diffed, record_fields};
use super::*;
use std::fmt::Write;

/// `Option<&T>` of a leaf, from record `q`.
fn opt_ref(e: &FieldEntry, q: &str) -> String {
    match &e.flat.optional_parent {
        Some(parent) => {
            let leaf = e
                .flat
                .path
                .strip_prefix(&format!("{parent}."))
                .unwrap_or(&e.flat.path);
            format!("{q}.{parent}.as_ref().and_then(|o| o.{leaf}.as_ref())")
        }
        None => format!("{q}.{}.as_ref()", e.flat.path),
    }
}

fn block_variant(e: &FieldEntry) -> String {
    camel(&e.flat.path)
}

fn value_expr(e: &FieldEntry) -> String {
    let d = e.flat.f.diff.expect("compared");
    if e.block {
        return match e.flat.f.kind {
            Kind::List { .. } => format!(
                "if q.{p}.is_empty() {{ Value::Absent }} else {{ Value::Block(Block::{v}(&q.{p})) }}",
                p = e.flat.path,
                v = block_variant(e)
            ),
            _ => format!(
                "q.{p}.as_ref().map_or(Value::Absent, |b| Value::Block(Block::{v}(b)))",
                p = e.flat.path,
                v = block_variant(e)
            ),
        };
    }
    let Kind::Leaf(c) = e.flat.f.kind else {
        panic!("{}: only leaves and blocks are compared", e.flat.path)
    };
    let r = opt_ref(e, "q");
    let kind = d.text.unwrap_or("Text");
    match c.compare {
        Cmp::Text | Cmp::PText | Cmp::IdText => {
            format!("{r}.map_or(Value::Absent, |s| Value::Text(s.as_str(), FieldKind::{kind}))")
        }
        Cmp::IdCode => format!("{r}.map_or(Value::Absent, |n| Value::Code(n.as_str()))"),
        Cmp::Code => format!("{r}.map_or(Value::Absent, |c| Value::Code(c.wire()))"),
        Cmp::Date => format!("{r}.map_or(Value::Absent, |d| Value::Date(*d))"),
        Cmp::PDate => format!("{r}.map_or(Value::Absent, |d| Value::Date(*d.expose()))"),
        Cmp::Ratio => format!("{r}.map_or(Value::Absent, |r| Value::Ratio(*r))"),
        Cmp::Amount => format!("{r}.map_or(Value::Absent, |n| Value::Amount(*n))"),
        Cmp::None => panic!("{}: this codec cannot be compared", e.flat.path),
    }
}

fn display_expr(e: &FieldEntry) -> String {
    if e.block {
        return match e.flat.f.kind {
            Kind::List { .. } => format!(
                "(!q.{p}.is_empty()).then(|| q.{p}.as_slice().summary())",
                p = e.flat.path
            ),
            _ => format!("q.{p}.as_ref().map(|b| b.summary())", p = e.flat.path),
        };
    }
    let Kind::Leaf(c) = e.flat.f.kind else {
        unreachable!()
    };
    let r = opt_ref(e, "q");
    match (c.compare, c.json) {
        (Cmp::Text | Cmp::PText | Cmp::IdText | Cmp::IdCode, _) => {
            format!("{r}.map(|s| s.as_str().to_string())")
        }
        (Cmp::Code, _) => format!("{r}.map(|c| format!(\"{{}} {{}}\", c.wire(), c.label()))"),
        (Cmp::Date, _) => format!("{r}.map(|d| d.format(\"%Y-%m-%d\").to_string())"),
        (Cmp::PDate, _) => format!("{r}.map(|d| d.expose().format(\"%Y-%m-%d\").to_string())"),
        (Cmp::Ratio, _) => {
            format!("{r}.map(|r| format!(\"{{}}%（{{}}割）\", r.percent(), r.wari()))")
        }
        (Cmp::Amount, _) => format!("{r}.map(|n| format!(\"{{n}}円\"))"),
        (Cmp::None, Json::DateTime) => {
            format!("{r}.map(|t| t.format(\"%Y-%m-%dT%H:%M:%S\").to_string())")
        }
        (Cmp::None, _) => format!("{r}.map(|n| n.to_string())"),
    }
}

fn copy_stmt(e: &FieldEntry) -> String {
    match &e.flat.optional_parent {
        Some(parent) => {
            let leaf = e
                .flat
                .path
                .strip_prefix(&format!("{parent}."))
                .unwrap_or(&e.flat.path);
            format!("copy_in(&from.{parent}, &mut to.{parent}, |p| &p.{leaf}, |p| &mut p.{leaf})")
        }
        None => format!("to.{p}.clone_from(&from.{p})", p = e.flat.path),
    }
}

fn present_expr(e: &FieldEntry) -> String {
    match e.flat.f.kind {
        Kind::List { .. } => format!("!q.{}.is_empty()", e.flat.path),
        Kind::Embed { .. } | Kind::Prefixed { .. } => format!("!q.{}.is_empty()", e.flat.path),
        _ => format!("{}.is_some()", opt_ref(e, "q")),
    }
}

/// `snake_case` of a record name (`PublicExpense` → `public_expense`).
fn snake(name: &str) -> String {
    let mut s = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            s.push('_');
        }
        s.push(ch.to_ascii_lowercase());
    }
    s
}

fn block_rec(e: &FieldEntry) -> &'static Rec {
    match e.flat.f.kind {
        Kind::List { rec, .. } | Kind::Child(rec) => rec,
        _ => unreachable!(),
    }
}

pub(crate) fn generate() -> String {
    let records = diffed();
    let mut out = String::from(super::sourcegen::HEADER);
    out.push_str(
        "//! How `diff` reads, shows and copies each field of the records it compares (the\n\
         //! qualification, the 公費), generated from `src/model/schema/records.rs`.\n\n\
         use super::Advice;\n\
         use super::field::{Summary, Value, copy_in};\n\
         use crate::codes::Code;\n\
         use crate::model::*;\n\
         use crate::text::FieldKind;\n\n",
    );

    // Blocks compared as a whole, of every compared record.
    let mut blocks: Vec<FieldEntry> = Vec::new();
    for (r, _) in &records {
        blocks.extend(compared(&record_fields(r)).into_iter().filter(|e| e.block));
    }
    out.push_str(
        "/// A record or list compared as a whole.\n#[derive(Clone, Copy)]\npub(crate) enum Block<'a> {\n",
    );
    for e in &blocks {
        let ty = match e.flat.f.kind {
            Kind::List { rec, .. } => format!("&'a [{}]", rec.name),
            Kind::Child(rec) => format!("&'a {}", rec.name),
            _ => unreachable!(),
        };
        let _ = writeln!(
            out,
            "    /// {}.\n    {}({ty}),",
            e.flat.f.label,
            block_variant(e)
        );
    }
    out.push_str(
        "}\n\nimpl Block<'_> {\n    /// Equal, unmodelled elements aside; `false` for blocks of different fields.\n    pub(crate) fn same(self, other: Block<'_>) -> bool {\n        match (self, other) {\n",
    );
    for e in &blocks {
        let v = block_variant(e);
        let expr = match e.flat.f.kind {
            Kind::List { .. } => {
                "a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same_ignoring_extra(b))"
            }
            _ => "a.same_ignoring_extra(b)",
        };
        let _ = writeln!(out, "            (Block::{v}(a), Block::{v}(b)) => {expr},");
    }
    if blocks.len() > 1 {
        out.push_str("            _ => false,\n");
    }
    out.push_str("        }\n    }\n}\n\n");

    // Records compared as blocks: equality without `extra`.
    let mut recs: Vec<&Rec> = Vec::new();
    for e in &blocks {
        let r = block_rec(e);
        if !recs.iter().any(|x| x.name == r.name) {
            recs.push(r);
        }
    }
    for r in &recs {
        let _ = writeln!(
            out,
            "impl {} {{\n    /// Equal, unmodelled elements (`extra`) aside.\n    pub(crate) fn same_ignoring_extra(&self, other: &Self) -> bool {{",
            r.name
        );
        let conds: Vec<String> = r
            .fields
            .iter()
            .map(|f| format!("self.{0} == other.{0}", f.rust))
            .collect();
        let _ = writeln!(out, "        {}\n    }}\n}}\n", conds.join(" && "));
    }

    for (r, name) in &records {
        write_record(&mut out, r, name);
    }
    out
}

/// The `impl` of one field enumeration and its unrolled comparison loop.
fn write_record(out: &mut String, r: &'static Rec, e_name: &str) {
    let rec = r.name;
    let fields = record_fields(r);
    let compared = compared(&fields);
    let _ = writeln!(out, "impl {e_name} {{");
    let _ = writeln!(
        out,
        "    /// The value compared, borrowed from `q` (`Absent` for fields `diff` does not compare).\n    #[inline(always)]\n    pub(crate) fn value(self, q: &{rec}) -> Value<'_> {{\n        match self {{"
    );
    for e in &compared {
        let _ = writeln!(
            out,
            "            {e_name}::{} => {},",
            e.variant,
            value_expr(e)
        );
    }
    if compared.len() < fields.len() {
        out.push_str("            _ => Value::Absent,\n");
    }
    out.push_str("        }\n    }\n\n");

    let _ = writeln!(
        out,
        "    /// `true` when the record holds a value for this field.\n    pub fn is_present(self, q: &{rec}) -> bool {{\n        match self {{"
    );
    for e in &fields {
        let _ = writeln!(
            out,
            "            {e_name}::{} => {},",
            e.variant,
            present_expr(e)
        );
    }
    out.push_str("        }\n    }\n\n");

    let _ = writeln!(
        out,
        "    /// The field's value in `q` as text for a staff screen (dates `YYYY-MM-DD`, codes as\n\
         \x20   /// `wire label`, ratios as `NN%（N割）`, amounts as `N円`, certificates summarized);\n\
         \x20   /// `None` when absent.\n\
         \x20   ///\n\
         \x20   /// The text is the real, personal value: show it on the screen that needs it, never log it.\n\
         \x20   pub fn display(self, q: &{rec}) -> Option<String> {{\n        match self {{"
    );
    for e in &fields {
        let _ = writeln!(
            out,
            "            {e_name}::{} => {},",
            e.variant,
            display_expr(e)
        );
    }
    out.push_str("        }\n    }\n\n");

    let example = if rec == "Qualification" {
        "\x20   ///\n\
         \x20   /// ```\n\
         \x20   /// use onshi::model::{Field, Qualification};\n\
         \x20   /// let mut from = Qualification::default();\n\
         \x20   /// from.person.address = Some(\"東京都千代田区\".into());\n\
         \x20   /// let mut to = Qualification::default();\n\
         \x20   /// Field::Address.copy(&from, &mut to);\n\
         \x20   /// assert_eq!(to.person.address, from.person.address);\n\
         \x20   /// ```\n"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "    /// Copies this field's value (or its absence) from `from` into `to`: the 反映 of one\n\
         \x20   /// field.\n{example}\
         \x20   pub fn copy(self, from: &{rec}, to: &mut {rec}) {{\n        match self {{"
    );
    for e in &fields {
        let _ = writeln!(
            out,
            "            {e_name}::{} => {},",
            e.variant,
            copy_stmt(e)
        );
    }
    out.push_str("        }\n    }\n\n");

    let advice = |out: &mut String,
                  method: &str,
                  doc: &str,
                  ret_opt: bool,
                  pick: &dyn Fn(&Diffed) -> Option<&'static str>,
                  default: &str| {
        let ret = if ret_opt { "Option<Advice>" } else { "Advice" };
        if compared
            .iter()
            .all(|e| pick(&e.flat.f.diff.expect("compared")).is_none())
        {
            // Every field takes the default: no match (clippy: match_single_binding).
            let _ = writeln!(
                out,
                "    /// {doc}\n    #[allow(dead_code)]\n    pub(crate) fn {method}(self) -> {ret} {{\n        {default}\n    }}\n"
            );
            return;
        }
        let _ = writeln!(
            out,
            "    /// {doc}\n    #[allow(dead_code)]\n    pub(crate) fn {method}(self) -> {ret} {{\n        match self {{"
        );
        let mut any_default = false;
        for e in &compared {
            match pick(&e.flat.f.diff.expect("compared")) {
                Some(a) if ret_opt => {
                    let _ = writeln!(
                        out,
                        "            {e_name}::{} => Some(Advice::{a}),",
                        e.variant
                    );
                }
                Some(a) => {
                    let _ = writeln!(out, "            {e_name}::{} => Advice::{a},", e.variant);
                }
                None => any_default = true,
            }
        }
        if any_default || compared.len() < fields.len() {
            let _ = writeln!(out, "            _ => {default},");
        }
        out.push_str("        }\n    }\n\n");
    };
    advice(
        out,
        "advice_different",
        "The advice when both records hold different values.",
        false,
        &|d| d.different,
        "Advice::Changed",
    );
    advice(
        out,
        "advice_only_registered",
        "The advice when only the registered record holds the field.",
        false,
        &|d| d.only_registered,
        "Advice::NotReturned",
    );
    advice(
        out,
        "advice_only_returned",
        "The advice when only the returned record holds the field.",
        false,
        &|d| d.only_returned,
        "Advice::NewInformation",
    );
    advice(
        out,
        "advice_public_assistance",
        &format!(
            "The advice instead of [`{e_name}::advice_different`] when either record is 医療扶助."
        ),
        true,
        &|d| d.public_assistance,
        "None",
    );
    out.push_str("}\n\n");

    let _ = writeln!(
        out,
        "/// Calls `step(field, registered value, returned value)` for every compared field of\n\
         /// [`{rec}`], in display order, unrolled so that each field's access is inlined.\n\
         #[inline(always)]\n\
         pub(crate) fn each_compared_{snake}<'a>(\n    registered: &'a {rec},\n    returned: &'a {rec},\n    mut step: impl FnMut({e_name}, Value<'a>, Value<'a>),\n) {{",
        snake = snake(rec)
    );
    for e in &compared {
        let _ = writeln!(
            out,
            "    step({e_name}::{v}, {e_name}::{v}.value(registered), {e_name}::{v}.value(returned));",
            v = e.variant
        );
    }
    out.push_str("}\n\n");
}
