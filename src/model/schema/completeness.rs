//! Completeness: every declared field is in every table that is derived from the declaration —
//! the struct and its JSON, the XML reader and writer, the diff, the C accessor table, the C#
//! typed properties and the JSON schema — and survives write → parse → C accessor → JSON →
//! back. These tests read the compiled code and the committed files, not the generator, so a
//! hand edit or a stale file is caught even when `sourcegen` is not run.

use super::gen_model::qualification_fields;
use super::*;
use crate::ffi::field::{self as ffi_field, FieldDef, Target, Value as FfiValue, Want};
use crate::model::{self, Field, Qualification};
use crate::xml::XmlRecordForTests as XmlRecord;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::fmt::Debug;

/// A JSON value every codec accepts and gives back unchanged (`seed` varies texts).
fn sample_leaf(c: Codec, seed: u32) -> Value {
    match (c.json, c.compare) {
        (_, Cmp::Code) => json!(["1", "2", "01", "A1"][seed as usize % 4]),
        (Json::Text, Cmp::IdText) if c.ty == "CardSymbol" => json!(format!("見本{seed}")),
        (Json::Text, Cmp::IdText) => json!(format!("{}", 100 + seed)),
        (Json::Text, _) => json!(format!("見本 テキスト{seed}　＆<>\"")),
        (Json::Pattern(_), _) if c.ty == "BranchNumber" => json!(format!("{:02}", seed % 100)),
        (Json::Pattern(_), _) if c.ty == "MedicalInstitutionCode" => json!("1310000003"),
        (Json::Pattern(_), _) if c.ty == "PublicExpensePayerNumber" => {
            json!(["54136015", "52136017", "80136013"][seed as usize % 3])
        }
        (Json::Pattern(_), _) => json!(["138057", "06139990", "01130012"][seed as usize % 3]),
        (Json::Date, _) => json!(format!("20{:02}-04-{:02}", 10 + seed % 20, 1 + seed % 28)),
        (Json::DateTime, _) => json!(format!("2024-04-01T09:{:02}:00", seed % 60)),
        (Json::Integer, _) => json!(seed * 1000),
        (Json::Percent, _) => json!(seed % 101),
    }
}

/// A JSON object of record `r` with every field set.
fn sample(r: &Rec, seed: u32) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, f) in r.fields.iter().enumerate() {
        let s = seed.wrapping_add(i as u32);
        let v = match f.kind {
            Kind::Leaf(c) => sample_leaf(c, s),
            Kind::Leaves(c) => json!([sample_leaf(c, s), sample_leaf(c, s + 1)]),
            Kind::Child(rec) => Value::Object(sample(rec, s)),
            Kind::List { rec, .. } => json!([
                Value::Object(sample(rec, s)),
                Value::Object(sample(rec, s + 7))
            ]),
            Kind::Slots(slots) => json!(
                slots
                    .iter()
                    .enumerate()
                    .map(|(k, _)| format!("{}番目", k + 1))
                    .collect::<Vec<_>>()
            ),
            Kind::Embed {
                rec,
                json_flatten: true,
                ..
            } => {
                out.extend(sample(rec, s));
                continue;
            }
            Kind::Embed { rec, .. } | Kind::Prefixed { rec, .. } => Value::Object(sample(rec, s)),
        };
        out.insert(f.json_name().to_string(), v);
    }
    out
}

/// The element names a record with every field set writes (first names; prefixes applied).
fn written_names(r: &'static Rec) -> Vec<String> {
    let mut names = Vec::new();
    for flat in inline_fields(r) {
        match flat.f.kind {
            Kind::Leaf(_) | Kind::Leaves(_) | Kind::Child(_) => names.push(flat.xml[0].to_string()),
            Kind::List { wrapper, item, .. } => {
                names.push(wrapper.to_string());
                names.push(item.to_string());
            }
            Kind::Slots(slots) => names.extend(slots.iter().map(|s| s.xml.to_string())),
            Kind::Embed { .. } | Kind::Prefixed { .. } => unreachable!("expanded"),
        }
    }
    names
}

/// The declaration ↔ struct ↔ JSON ↔ XML ↔ JSON schema checks for one record type.
fn check_record<R>(decl: &'static Rec)
where
    R: XmlRecord + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = Value::Object(sample(decl, 3));
    // JSON: every declared key reaches the struct and comes back.
    let rec: R = serde_json::from_value(json.clone()).unwrap_or_else(|e| {
        panic!(
            "{}: the declared JSON does not fit the struct: {e}",
            decl.name
        )
    });
    assert_eq!(
        serde_json::to_value(&rec).unwrap(),
        json,
        "{}: JSON round trip",
        decl.name
    );
    // XML: every declared element is written, and reading it back gives the record.
    let element = decl.element.unwrap_or("Record");
    let text = crate::xml::write_record_for_tests(&rec, element);
    for name in written_names(decl) {
        assert!(
            text.contains(&format!("<{name}>")),
            "{}: <{name}> not written:\n{text}",
            decl.name
        );
    }
    let back: R = crate::xml::read_record_for_tests(&text);
    assert_eq!(back, rec, "{}: XML round trip", decl.name);
    // JSON schema: every key is a property (or comes from an embedded group).
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/schema/records.schema.json"
        ))
        .expect("the committed schema"),
    )
    .unwrap();
    let def = &schema["$defs"][decl.name];
    for f in decl.fields {
        match f.kind {
            Kind::Embed {
                rec,
                json_flatten: true,
                ..
            } => {
                let all_of = def["allOf"].as_array().expect("allOf for flattened groups");
                let r = format!("#/$defs/{}", rec.name);
                assert!(
                    all_of.iter().any(|x| x["$ref"] == r),
                    "{}: {} not in the schema",
                    decl.name,
                    f.rust
                );
            }
            _ => assert!(
                def["properties"].get(f.json_name()).is_some(),
                "{}.{} not in the JSON schema",
                decl.name,
                f.json_name()
            ),
        }
    }
}

#[test]
fn every_record_round_trips_with_every_field_set() {
    check_record::<Qualification>(&records::QUALIFICATION);
    check_record::<model::ElderlyRecipient>(&records::ELDERLY);
    check_record::<model::LimitCertificate>(&records::LIMIT);
    check_record::<model::SpecificDisease>(&records::DISEASE);
    check_record::<model::MedicalTicket>(&records::TICKET);
    check_record::<model::QualificationQuery>(&records::QUERY);
    check_record::<model::MessageHeader>(&records::HEADER);
    check_record::<model::ConfirmationResult>(&records::UNIT);
    check_record::<model::ReferenceNumberRegistration>(&records::REGISTRATION);
    check_record::<model::RegistrationUnit>(&records::REGISTRATION_UNIT);
    check_record::<model::CardKey>(&records::CARD_KEY);
    check_record::<model::PersonIdentity>(&records::PERSON);
    check_record::<model::ProcessingOutcome>(&records::OUTCOME);
    check_record::<model::Consent>(&records::CONSENT);
    check_record::<model::Consents>(&records::CONSENTS);
    check_record::<model::UploadReceipt>(&records::RECEIPT);
    check_record::<model::DocumentQuery>(&records::DOCUMENT_QUERY);
    check_record::<model::DocumentOutcome>(&records::DOCUMENT_OUTCOME);
    check_record::<model::PublicExpense>(&records::PUBLIC_EXPENSE);
    check_record::<model::DesignatedInstitution>(&records::DESIGNATED);
    check_record::<model::CertificateItem>(&records::CERTIFICATE_ITEM);
}

#[test]
fn every_record_of_the_declaration_is_checked() {
    // A record added to the declaration must be added to the test above too.
    let checked = [
        "Qualification",
        "ElderlyRecipient",
        "LimitCertificate",
        "SpecificDisease",
        "MedicalTicket",
        "QualificationQuery",
        "MessageHeader",
        "ConfirmationResult",
        "ReferenceNumberRegistration",
        "RegistrationUnit",
        "CardKey",
        "PersonIdentity",
        "ProcessingOutcome",
        "Consent",
        "Consents",
        "UploadReceipt",
        "DocumentQuery",
        "DocumentOutcome",
        "PublicExpense",
        "DesignatedInstitution",
        "CertificateItem",
    ];
    for r in all() {
        assert!(
            checked.contains(&r.name),
            "{} is not checked by every_record_round_trips_with_every_field_set",
            r.name
        );
    }
}

/// Every field of a record with a C table, by id: (id, C name).
fn declared_ids(r: &'static Rec) -> Vec<(u32, String)> {
    if r.ffi == Some("") {
        return qualification_fields()
            .into_iter()
            .map(|e| (e.flat.id, e.flat.c_name))
            .collect();
    }
    let prefix = r.ffi.unwrap_or_default();
    let mut out = Vec::new();
    for flat in inline_fields(r) {
        match flat.f.kind {
            Kind::Slots(slots) => out.extend(
                slots
                    .iter()
                    .map(|s| (s.id, format!("{prefix}{}", s.c_name))),
            ),
            _ if flat.id != 0 => out.push((flat.id, format!("{prefix}{}", flat.c_name))),
            _ => {}
        }
    }
    out
}

fn table_ids<R>(defs: &[FieldDef<R>]) -> Vec<u32> {
    defs.iter().map(|d| d.id).collect()
}

#[test]
fn every_declared_c_id_has_an_accessor_row_a_header_macro_and_a_csharp_member() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/onshi.h"))
        .expect("the header");
    let csharp = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/bindings/csharp/src/Native.g.cs"
    ))
    .expect("the C# declarations");
    let tables: [(&'static Rec, Vec<u32>); 9] = [
        (
            &records::QUALIFICATION,
            table_ids(ffi_field::QUALIFICATION_FIELDS),
        ),
        (
            &records::DISEASE,
            table_ids(ffi_field::SPECIFIC_DISEASE_FIELDS),
        ),
        (
            &records::TICKET,
            table_ids(ffi_field::MEDICAL_TICKET_FIELDS),
        ),
        (&records::CONSENT, table_ids(ffi_field::CONSENT_FIELDS)),
        (
            &records::QUERY,
            table_ids(ffi_field::QUALIFICATION_QUERY_FIELDS),
        ),
        (
            &records::HEADER,
            table_ids(ffi_field::MESSAGE_HEADER_FIELDS),
        ),
        (
            &records::UNIT,
            table_ids(ffi_field::CONFIRMATION_RESULT_FIELDS),
        ),
        (
            &records::REGISTRATION,
            table_ids(ffi_field::REFERENCE_NUMBER_REGISTRATION_FIELDS),
        ),
        (
            &records::PUBLIC_EXPENSE,
            table_ids(ffi_field::PUBLIC_EXPENSE_FIELDS),
        ),
    ];
    for (rec, ids) in &tables {
        let declared = declared_ids(rec);
        assert_eq!(
            declared.len(),
            ids.len(),
            "{}: rows in the C table",
            rec.name
        );
        for (id, name) in declared {
            assert!(
                ids.contains(&id),
                "{}: ONSHI_FIELD_{name} ({id}) has no accessor row",
                rec.name
            );
            assert!(
                crate::ffi::catalog::meta(id).is_ok(),
                "ONSHI_FIELD_{name}: meta"
            );
            assert!(
                header.contains(&format!("#define ONSHI_FIELD_{name} {id}\n")),
                "ONSHI_FIELD_{name} {id} missing from include/onshi.h"
            );
            let member: String = name
                .split('_')
                .map(|p| {
                    let mut c = p.chars();
                    c.next()
                        .map(|f| f.to_string() + &c.as_str().to_lowercase())
                        .unwrap_or_default()
                })
                .collect();
            assert!(
                csharp.contains(&format!("        {member} = {id},")),
                "Field.{member} = {id} missing from Native.g.cs"
            );
        }
    }
    for r in all() {
        if r.ffi.is_some() {
            assert!(
                tables.iter().any(|(t, _)| t.name == r.name),
                "{} has a C prefix but is not checked",
                r.name
            );
        }
    }
}

#[test]
fn model_field_is_the_qualification_table_and_diff_sees_every_compared_field() {
    let declared = qualification_fields();
    assert_eq!(Field::ALL.len(), declared.len());
    let full: Qualification =
        serde_json::from_value(Value::Object(sample(&records::QUALIFICATION, 5))).unwrap();
    for (f, e) in Field::ALL.iter().zip(&declared) {
        assert_eq!(f.number(), e.flat.id);
        assert_eq!(f.id(), e.flat.json_path);
        assert!(
            f.is_present(&full),
            "{}: is_present on a full record",
            f.id()
        );
        assert!(f.display(&full).is_some(), "{}: display", f.id());
        let mut to = Qualification::default();
        f.copy(&full, &mut to);
        assert_eq!(f.display(&to), f.display(&full), "{}: copy", f.id());
        assert_eq!(
            f.is_compared(),
            e.flat.f.diff.is_some(),
            "{}: compared",
            f.id()
        );
        if f.is_compared() {
            assert!(
                Field::COMPARED.contains(f),
                "{} missing from COMPARED",
                f.id()
            );
            assert!(f.group().is_some());
        }
    }
    // The diff lists every compared field of a full record against itself.
    let d = crate::diff::compare_records(
        &full,
        &full,
        &crate::diff::DiffContext::new(
            chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            crate::diff::QueryKind::Records,
        ),
    );
    assert_eq!(
        d.fields.iter().map(|f| f.field).collect::<Vec<_>>(),
        Field::COMPARED.to_vec()
    );
}

#[test]
fn public_expense_field_is_its_table_and_diff_sees_every_compared_field() {
    use crate::model::{PublicExpense, PublicExpenseField};
    let declared = super::gen_model::record_fields(&records::PUBLIC_EXPENSE);
    assert_eq!(PublicExpenseField::ALL.len(), declared.len());
    let full: PublicExpense =
        serde_json::from_value(Value::Object(sample(&records::PUBLIC_EXPENSE, 5))).unwrap();
    for (f, e) in PublicExpenseField::ALL.iter().zip(&declared) {
        assert_eq!(f.number(), e.flat.id);
        assert_eq!(f.id(), e.flat.json_path);
        assert!(f.is_present(&full), "{}: is_present", f.id());
        assert!(f.display(&full).is_some(), "{}: display", f.id());
        let mut to = PublicExpense::default();
        f.copy(&full, &mut to);
        assert_eq!(f.display(&to), f.display(&full), "{}: copy", f.id());
        assert_eq!(f.is_compared(), e.flat.f.diff.is_some(), "{}", f.id());
    }
    let d = crate::diff::compare_records(
        &full,
        &full,
        &crate::diff::DiffContext::new(
            chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
            crate::diff::QueryKind::MyNumberCard,
        ),
    );
    assert_eq!(
        d.fields.iter().map(|f| f.field).collect::<Vec<_>>(),
        PublicExpenseField::COMPARED.to_vec()
    );
}

fn qualification_strategy() -> impl Strategy<Value = Qualification> {
    // Each top-level field of a full record is kept or dropped, with varying values.
    (
        any::<u32>(),
        proptest::collection::vec(any::<bool>(), records::QUALIFICATION.fields.len()),
    )
        .prop_map(|(seed, keep)| {
            let full = sample(&records::QUALIFICATION, seed % 1000);
            let mut m = Map::new();
            for (f, k) in records::QUALIFICATION.fields.iter().zip(keep) {
                if !k {
                    continue;
                }
                match f.kind {
                    Kind::Embed {
                        rec,
                        json_flatten: true,
                        ..
                    } => {
                        for g in rec.fields {
                            if let Some(v) = full.get(g.json_name()) {
                                m.insert(g.json_name().to_string(), v.clone());
                            }
                        }
                    }
                    _ => {
                        if let Some(v) = full.get(f.json_name()) {
                            m.insert(f.json_name().to_string(), v.clone());
                        }
                    }
                }
            }
            serde_json::from_value(Value::Object(m)).expect("a declared record")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// write → parse → C accessor → JSON → back, for every field of the qualification.
    #[test]
    fn every_field_survives_xml_c_and_json(q in qualification_strategy()) {
        for enc in [crate::xml::Encoding::Utf8, crate::xml::Encoding::ShiftJis] {
            let res = crate::xml::Message::QualificationResponse(crate::xml::QualificationResponse {
                body: model::ConfirmationResult { results: vec![q.clone()], ..Default::default() },
                ..Default::default()
            });
            let bytes = crate::xml::write(&res, enc).expect("writable");
            let back = crate::xml::parse(&bytes).expect("parsable").message.into_qualification_response().unwrap();
            prop_assert_eq!(&back.body.results[0], &q);
        }
        // Every C field read as text and written into an empty record gives the same values.
        let mut copy = Qualification::default();
        for d in ffi_field::QUALIFICATION_FIELDS {
            let (_, v) = ffi_field::get(&q, Target::Record, d.id).unwrap();
            if let Some(v) = v {
                ffi_field::set(&mut copy, Target::Record, d.id, Want::Text, Some(FfiValue::Text(v.to_text()))).unwrap();
            }
        }
        for d in ffi_field::QUALIFICATION_FIELDS {
            prop_assert_eq!(
                ffi_field::get(&copy, Target::Record, d.id).unwrap().1,
                ffi_field::get(&q, Target::Record, d.id).unwrap().1,
                "field {}", d.name
            );
        }
        prop_assert_eq!(Qualification::from_json(&q.to_json()).unwrap(), q);
    }
}
