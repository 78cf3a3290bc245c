//! Writes `docs/schema/records.schema.json`: the JSON schema of every record.

use super::*;
use serde_json::{Map, Value, json};

fn leaf_schema(c: Codec) -> Value {
    match c.json {
        Json::Text => json!({"type": "string"}),
        Json::Pattern(p) => json!({"type": "string", "pattern": p}),
        Json::Date => json!({"type": "string", "format": "date"}),
        Json::DateTime => {
            json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"})
        }
        Json::Integer => json!({"type": "integer", "minimum": 0, "maximum": u32::MAX}),
        Json::Percent => json!({"type": "integer", "minimum": 0, "maximum": 100}),
    }
}

fn reference(r: &Rec) -> Value {
    json!({"$ref": format!("#/$defs/{}", r.name)})
}

fn properties(r: &Rec, props: &mut Map<String, Value>, all_of: &mut Vec<Value>) {
    for f in r.fields {
        let mut s = match f.kind {
            Kind::Leaf(c) => leaf_schema(c),
            Kind::Leaves(c) => json!({"type": "array", "items": leaf_schema(c)}),
            Kind::Child(rec) => reference(rec),
            Kind::List { rec, .. } => json!({"type": "array", "items": reference(rec)}),
            Kind::Slots(_) => json!({"type": "array", "items": {"type": "string"}}),
            Kind::Embed {
                rec,
                json_flatten: true,
                ..
            } => {
                all_of.push(reference(rec));
                continue;
            }
            Kind::Embed { rec, .. } | Kind::Prefixed { rec, .. } => reference(rec),
        };
        if let Value::Object(o) = &mut s {
            let title = f.label.to_string();
            if o.contains_key("$ref") {
                // Annotations beside $ref are allowed in 2020-12.
            }
            o.insert("title".into(), Value::String(title));
            if !f.doc.is_empty() {
                o.insert("description".into(), Value::String(f.doc.to_string()));
            }
            if matches!(f.kind, Kind::Leaf(c) | Kind::Leaves(c) if c.ty.starts_with("Personal<")) {
                o.insert("x-personal".into(), Value::Bool(true));
            }
            if !f.xml.is_empty() {
                o.insert("x-xml".into(), json!(f.xml));
            }
            if f.id != 0 {
                o.insert("x-onshi-field".into(), json!(f.id));
            }
        }
        props.insert(f.json_name().to_string(), s);
    }
    if r.extra {
        props.insert(
            "extra".into(),
            json!({"type": "array", "title": "unmodelled elements", "items": {"$ref": "#/$defs/UnknownElement"}}),
        );
    }
}

pub(crate) fn generate() -> String {
    let mut defs = Map::new();
    for r in all() {
        let mut props = Map::new();
        let mut all_of = Vec::new();
        properties(r, &mut props, &mut all_of);
        let mut o = Map::new();
        o.insert("title".into(), Value::String(r.name.into()));
        o.insert("description".into(), Value::String(r.doc.into()));
        o.insert("type".into(), Value::String("object".into()));
        o.insert("properties".into(), Value::Object(props));
        if !all_of.is_empty() {
            o.insert("allOf".into(), Value::Array(all_of));
        }
        defs.insert(r.name.into(), Value::Object(o));
    }
    defs.insert(
        "UnknownElement".into(),
        json!({
            "title": "UnknownElement",
            "description": "An element the library does not model, kept whole.",
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "attributes": {"type": "array", "items": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}], "minItems": 2, "maxItems": 2}},
                "text": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/UnknownElement"}}
            }
        }),
    );
    let doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/onshi/onshi/docs/schema/records.schema.json",
        "title": "onshi records",
        "description": "The JSON form of onshi's records (generated from src/model/schema/records.rs; do not edit). Field names are snake_case, dates YYYY-MM-DD, date-times YYYY-MM-DDTHH:MM:SS, codes their wire values; absent fields are omitted. x-xml: the element name(s), x-onshi-field: the C ABI's ONSHI_FIELD_* number, x-personal: personal data.",
        "$ref": "#/$defs/Qualification",
        "$defs": Value::Object(defs),
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serializable");
    s.push('\n');
    s
}
