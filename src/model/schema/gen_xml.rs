//! Writes `src/xml/generated.rs`: each record's XML reading and writing, in declaration order.

use super::*;
use std::fmt::Write;

fn codec_of(f: &F) -> Option<Codec> {
    match f.kind {
        Kind::Leaf(c) => Some(c),
        _ => None,
    }
}

fn read_arms(out: &mut String, r: &'static Rec) {
    for flat in inline_fields(r) {
        let p = &flat.path;
        match flat.f.kind {
            Kind::Leaf(c) => {
                let names = flat
                    .xml
                    .iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let _ = writeln!(
                    out,
                    "            {names} => field::<{}>(&mut self.{p}, cur, name, el, start),",
                    c.codec
                );
            }
            Kind::Leaves(c) => {
                let names = flat
                    .xml
                    .iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let _ = writeln!(
                    out,
                    "            {names} => leaves::<{}>(&mut self.{p}, cur, name, el, start),",
                    c.codec
                );
            }
            Kind::Child(_) => {
                let _ = writeln!(
                    out,
                    "            \"{}\" => child(&mut self.{p}, cur, name, el, start),",
                    flat.f.xml[0]
                );
            }
            Kind::List { wrapper, item, .. } => {
                let _ = writeln!(
                    out,
                    "            \"{wrapper}\" => list(&mut self.{p}, \"{item}\", cur, start),"
                );
                let _ = writeln!(out, "            \"{item}\" => item(&mut self.{p}, cur),");
            }
            Kind::Slots(slots) => {
                for (i, s) in slots.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "            \"{}\" => slot(&mut self.{p}, {i}, cur, name, el, start),",
                        s.xml
                    );
                }
            }
            Kind::Embed { .. } | Kind::Prefixed { .. } => unreachable!("expanded"),
        }
    }
}

fn write_stmts(out: &mut String, r: &'static Rec) -> usize {
    let flats = inline_fields(r);
    for (k, flat) in flats.iter().enumerate() {
        let p = &flat.path;
        let stmt = match flat.f.kind {
            Kind::Leaf(c) => {
                let _ = writeln!(
                    out,
                    "        if range.contains(&{k}) && let Some(v) = &self.{p} {{ s.leaf(\"{}\", &<{}>::text(v))?; }}",
                    flat.xml[0], c.codec
                );
                continue;
            }
            Kind::Leaves(c) => format!(
                "for v in &self.{p} {{ s.leaf(\"{}\", &<{}>::text(v))?; }}",
                flat.xml[0], c.codec
            ),
            Kind::Child(_) => format!("write_child(&self.{p}, \"{}\", s)?;", flat.f.xml[0]),
            Kind::List { wrapper, item, .. } => {
                format!("write_list(&self.{p}, \"{wrapper}\", \"{item}\", flat_lists, s)?;")
            }
            Kind::Slots(slots) => {
                let names = slots
                    .iter()
                    .map(|s| format!("\"{}\"", s.xml))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("write_slots(&self.{p}, &[{names}], s)?;")
            }
            Kind::Embed { .. } | Kind::Prefixed { .. } => unreachable!("expanded"),
        };
        let _ = writeln!(out, "        if range.contains(&{k}) {{ {stmt} }}");
    }
    flats.len()
}

pub(crate) fn generate() -> String {
    let mut out = String::from(super::sourcegen::HEADER);
    out.push_str(
        "//! Each record's XML reading and writing, generated from `src/model/schema/records.rs`.\n\
         //! Element names, aliases and the order of writing come from the declaration.\n\n\
         use super::codec::*;\n\
         use super::error::XmlError;\n\
         use super::fields::{Got, XmlRecord, child, field, item, leaves, list, slot, take, take_leaves, write_child, write_list, write_slots};\n\
         use super::reader::{Cursor, StartTag};\n\
         use super::writer::Sink;\n\
         use crate::codes::*;\n\
         use crate::model::*;\n\
         use std::ops::Range;\n\n",
    );
    let mut repeatable: Vec<&str> = Vec::new();
    for r in all() {
        if let Some(e) = r.element
            && !repeatable.contains(&e)
        {
            repeatable.push(e);
        }
        for f in r.fields {
            if let Kind::List { item, .. } = f.kind
                && !repeatable.contains(&item)
            {
                repeatable.push(item);
            }
            if let Kind::Leaves(_) = f.kind
                && !repeatable.contains(&f.xml[0])
            {
                repeatable.push(f.xml[0]);
            }
        }
    }
    out.push_str("/// Elements that may repeat under one parent (their paths carry an index).\npub(crate) const REPEATABLE: &[&str] = &[\n");
    for n in &repeatable {
        let _ = writeln!(out, "    \"{n}\",");
    }
    out.push_str("];\n\n");

    for r in all() {
        let _ = writeln!(out, "impl XmlRecord for {} {{", r.name);
        let _ = writeln!(
            out,
            "    const FIELD_COUNT: usize = {};\n",
            inline_fields(r).len()
        );
        out.push_str(
            "    fn read_child(\n        &mut self,\n        cur: &mut Cursor<'_>,\n        name: &str,\n        el: &StartTag,\n        start: usize,\n    ) -> Result<Got, XmlError> {\n        match name {\n",
        );
        read_arms(&mut out, r);
        out.push_str("            _ => Ok(Got::No),\n        }\n    }\n\n");

        out.push_str(
            "    fn take_raw(&mut self, name: &str, raw: &str) -> bool {\n        match name {\n",
        );
        for flat in inline_fields(r) {
            if let Kind::Leaves(c) = flat.f.kind {
                let names = flat
                    .xml
                    .iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let _ = writeln!(
                    out,
                    "            {names} => take_leaves::<{}>(&mut self.{}, raw),",
                    c.codec, flat.path
                );
            }
            if let Some(c) = codec_of(&flat.f) {
                let names = flat
                    .xml
                    .iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(" | ");
                let _ = writeln!(
                    out,
                    "            {names} => take::<{}>(&mut self.{}, raw),",
                    c.codec, flat.path
                );
            }
        }
        out.push_str("            _ => false,\n        }\n    }\n\n");

        out.push_str(
            "    fn write_fields_in<'m, S: Sink<'m>>(\n        &'m self,\n        s: &mut S,\n        range: Range<usize>,\n        flat_lists: bool,\n    ) -> Result<(), XmlError> {\n        let _ = flat_lists;\n",
        );
        write_stmts(&mut out, r);
        out.push_str("        Ok(())\n    }\n\n");

        if r.extra {
            out.push_str(
                "    fn extra(&self) -> &[UnknownElement] {\n        &self.extra\n    }\n\n\
                 \x20   fn extra_mut(&mut self) -> Option<&mut Vec<UnknownElement>> {\n        Some(&mut self.extra)\n    }\n",
            );
        } else {
            out.push_str(
                "    fn extra(&self) -> &[UnknownElement] {\n        &[]\n    }\n\n\
                 \x20   fn extra_mut(&mut self) -> Option<&mut Vec<UnknownElement>> {\n        None\n    }\n",
            );
        }
        out.push_str("}\n\n");
    }
    out
}
