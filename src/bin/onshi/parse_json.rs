//! The JSON `onshi parse` prints, written as it is serialized: the parsed document is
//! borrowed, nothing of the size of the document is built in memory (no `String`, no
//! `serde_json::Value`), and `--redact` masks personal values on the way out with a
//! [`Formatter`] that watches object keys.
//!
//! Also compiled into `benches/cli_parse.rs`, which measures the whole command path.

use onshi::personal::redact;
use onshi::xml::{Encoding, FileInfo, Warning};
use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// The JSON printed by `onshi parse` (schema version 1).
#[derive(Serialize)]
pub struct Output<'a, M: Serialize> {
    /// Always 1.
    pub schema_version: u32,
    /// What the file name says, when it is an interface name.
    pub file: Option<FileInfo>,
    /// The file's encoding (`null` for a PDF or ZIP).
    pub encoding: Option<Encoding>,
    /// The message (or what stands for the file).
    pub message: &'a M,
    /// What reading tolerated instead of refusing the file (values kept as received, flat
    /// lists), in document order; empty when nothing was.
    pub warnings: &'a [Warning],
    /// For a zipped bulk result: the entry the message was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<ZipInfo<'a>>,
}

/// The entry of a zipped bulk result `onshi parse` read.
#[derive(Serialize)]
pub struct ZipInfo<'a> {
    /// The entry's name (`OQSsiquc02res_….xml`).
    pub entry: &'a str,
    /// The size of the ZIP file.
    pub bytes: usize,
}

/// Fields whose values are personal: masked by `--redact`.
pub const PERSONAL: &[&str] = &[
    "name",
    "name_kana",
    "name_of_other",
    "name_of_other_kana",
    "insured_name",
    "address",
    "post_number",
    "birthdate",
    "insured_card_symbol",
    "insured_identification_number",
    "insured_branch_number",
    "reference_number",
    "arbitrary_identifier",
    "injury_names",
    "remarks",
    "district_contact_name",
    "handling_contact_name",
];

/// The top-level key of the warnings: the `value` of each is the text as received (a
/// birthdate possibly), masked by `--redact`.
pub const WARNINGS: &str = "warnings";

/// Keys whose arrays hold unmodelled elements (`{name, attributes, text, children}`).
pub const UNMODELLED: &[&str] = &["extra", "extra_body", "extra_root", "body", "children"];

/// Writes `value` as pretty JSON and a line end to `w`, masking personal values when
/// `redact` is set. The caller flushes `w`.
pub fn write_json<W: Write, T: Serialize>(w: &mut W, value: &T, redact: bool) -> io::Result<()> {
    if redact {
        let mut ser = serde_json::Serializer::with_formatter(&mut *w, Redacting::default());
        value.serialize(&mut ser)?;
    } else {
        serde_json::to_writer_pretty(&mut *w, value)?;
    }
    w.write_all(b"\n")
}

/// What a value is, for redaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// Shown; an object is looked into key by key.
    Plain,
    /// Personal: every string in it is masked.
    Mask,
    /// An array of unmodelled elements.
    Elements,
    /// An unmodelled element: its `text`, and the values of its attributes, are masked
    /// (their content is not known to be harmless); its name stays.
    Element,
    /// The attributes of an unmodelled element: `[name, value]` pairs.
    Attributes,
    /// One attribute: its value (the second item) is masked.
    Pair,
    /// The top-level array of warnings.
    Warnings,
    /// One warning: its `value` is masked.
    Warning,
}

/// An open object or array.
#[derive(Debug)]
struct Open {
    ctx: Ctx,
    /// The key of the member being written (objects).
    key: String,
    /// The index of the item being written (arrays).
    index: usize,
}

/// Pretty JSON, with personal strings replaced by their length class as they are written.
#[derive(Default)]
struct Redacting {
    pretty: PrettyFormatter<'static>,
    open: Vec<Open>,
    /// A key is being written.
    in_key: bool,
    /// Characters of the masked string being written (`None`: not masking).
    masked: Option<usize>,
}

impl Redacting {
    /// What the value about to be written is (`array`: it is an array).
    fn next_ctx(&self, array: bool) -> Ctx {
        let Some(parent) = self.open.last() else {
            return Ctx::Plain;
        };
        let key = parent.key.as_str();
        match parent.ctx {
            Ctx::Mask => Ctx::Mask,
            Ctx::Plain if PERSONAL.contains(&key) => Ctx::Mask,
            Ctx::Plain if array && key == WARNINGS && self.open.len() == 1 => Ctx::Warnings,
            Ctx::Plain if array && UNMODELLED.contains(&key) => Ctx::Elements,
            Ctx::Plain => Ctx::Plain,
            Ctx::Elements => Ctx::Element,
            Ctx::Element => match key {
                "text" => Ctx::Mask,
                "attributes" if array => Ctx::Attributes,
                "children" if array => Ctx::Elements,
                _ => Ctx::Plain,
            },
            Ctx::Attributes => Ctx::Pair,
            Ctx::Pair if parent.index == 1 => Ctx::Mask,
            Ctx::Pair => Ctx::Plain,
            Ctx::Warnings => Ctx::Warning,
            Ctx::Warning if key == "value" => Ctx::Mask,
            Ctx::Warning => Ctx::Plain,
        }
    }

    fn push(&mut self, array: bool) {
        let ctx = self.next_ctx(array);
        self.open.push(Open {
            ctx,
            key: String::new(),
            index: 0,
        });
    }
}

impl Formatter for Redacting {
    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if !self.in_key && self.next_ctx(false) == Ctx::Mask {
            self.masked = Some(0);
        }
        self.pretty.begin_string(w)
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        if self.in_key {
            if let Some(o) = self.open.last_mut() {
                o.key.push_str(s);
            }
        }
        match &mut self.masked {
            Some(n) => {
                *n += s.chars().count();
                Ok(())
            }
            None => self.pretty.write_string_fragment(w, s),
        }
    }

    fn write_char_escape<W: ?Sized + Write>(&mut self, w: &mut W, e: CharEscape) -> io::Result<()> {
        match &mut self.masked {
            Some(n) => {
                *n += 1;
                Ok(())
            }
            None => self.pretty.write_char_escape(w, e),
        }
    }

    fn end_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if let Some(n) = self.masked.take() {
            // `redact` of a string of n characters; its text needs no JSON escape.
            w.write_all(redact(&"x".repeat(n)).as_bytes())?;
        }
        self.pretty.end_string(w)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.push(true);
        self.pretty.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.pop();
        self.pretty.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if let Some(o) = self.open.last_mut()
            && !first
        {
            o.index += 1;
        }
        self.pretty.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.push(false);
        self.pretty.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.pop();
        self.pretty.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.in_key = true;
        if let Some(o) = self.open.last_mut() {
            o.key.clear();
        }
        self.pretty.begin_object_key(w, first)
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.in_key = false;
        self.pretty.end_object_key(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(v: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_json(&mut out, v, true).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn personal_and_unmodelled_values_are_masked_as_written() {
        let v = serde_json::json!({
            "message": {
                "name": "見本　花子",
                "injury_names": ["骨折", ["a\"b"]],
                "insurer_name": "見本健保",
                "birthdate": "1980-01-01",
                "body": {"name": "見本", "validity": "1"},
                "extra": [{
                    "name": "Vendor",
                    "attributes": [["kind", "秘密"]],
                    "text": "秘\n密",
                    "children": [{"name": "Inner", "attributes": [], "text": "奥"}]
                }],
                "number": 3,
                "warnings": [{"value": "x"}]
            },
            "warnings": [{"kind": "invalid_value", "path": "/XmlMsg/A", "value": "19800101x"}]
        });
        let out = redacted(&v);
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        let m = &back["message"];
        assert_eq!(m["name"], "‹5 chars›");
        assert_eq!(
            m["injury_names"],
            serde_json::json!(["‹2 chars›", ["‹3 chars›"]])
        );
        assert_eq!(m["insurer_name"], "見本健保");
        assert_eq!(m["birthdate"], "‹10 chars›");
        // `body` as an object is a message body: looked into, `name` masked.
        assert_eq!(
            m["body"],
            serde_json::json!({"name": "‹2 chars›", "validity": "1"})
        );
        let e = &m["extra"][0];
        assert_eq!(e["name"], "Vendor");
        assert_eq!(e["attributes"], serde_json::json!([["kind", "‹2 chars›"]]));
        assert_eq!(e["text"], "‹3 chars›");
        assert_eq!(e["children"][0]["name"], "Inner");
        assert_eq!(e["children"][0]["text"], "‹1 chars›");
        assert_eq!(m["number"], 3);
        // The top-level warnings' values are masked, nothing else of them; a `warnings` key
        // inside the message is no warning list.
        assert_eq!(back["warnings"][0]["value"], "‹9 chars›");
        assert_eq!(back["warnings"][0]["path"], "/XmlMsg/A");
        assert_eq!(m["warnings"][0]["value"], "x");
        // The layout is serde_json's pretty one.
        let plain =
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, {"b": "c"}]})).unwrap();
        assert_eq!(
            redacted(&serde_json::json!({"a": [1, {"b": "c"}]})),
            plain + "\n"
        );
    }
}
