//! FFI overhead: the same work through the Rust API and through the C ABI, side by side, so
//! the results read as a ratio. The issue's goal is ≤ 1.2× for parsing: every fixture of
//! `tests/fixtures/{utf8,sjis}` parsed with `xml::parse` and with `onshi_document_parse`
//! (plus the handle's free), interleaved, fastest of several rounds; the ratio is printed.
//! Also the record JSON round trip and field access.
//!
//! `cargo bench --bench ffi`

use criterion::{Criterion, criterion_group, criterion_main};
use onshi::ffi::field::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::model::Qualification;
use std::hint::black_box;
use std::ptr::null_mut;

const RECORD: &str = r#"{"insured_card_classification":"01","insurer_number":"06132013","insured_card_symbol":"12-34","insured_identification_number":"5678","insured_branch_number":"01","personal_family_classification":"1","name":"見本　花子","name_kana":"ﾐﾎﾝ ﾊﾅｺ","sex1":"2","birthdate":"1980-01-01","address":"東京都千代田区霞が関１－２－２","post_number":"100-8916","qualification_date":"2020-04-01","insured_card_valid_date":"2020-04-01","insurer_name":"見本健康保険組合","limit_consent_flag":"1","limit_certificate":{"classification":"01","classification_flag":"A03","valid_start_date":"2024-04-01"},"specific_diseases":[{"category":"1","self_pay":10000}],"consents":{"pharmacists":{"flag":"1","time":"2024-04-01T09:00:00","available_time":"2024-04-02T09:00:00"}}}"#;

fn json_round_trip(c: &mut Criterion) {
    let mut g = c.benchmark_group("record_json_round_trip");
    g.bench_function("rust", |b| {
        b.iter(|| {
            let q = Qualification::from_json(black_box(RECORD)).unwrap();
            black_box(q.to_json())
        })
    });
    let mut buf = vec![0u8; 4096];
    g.bench_function("c_abi", |b| {
        b.iter(|| unsafe {
            let mut q = null_mut();
            let json = black_box(RECORD);
            let s = onshi_qualification_from_json(null_mut(), json.as_ptr(), json.len(), &mut q);
            assert_eq!(s, ONSHI_OK);
            let mut n = 0;
            let s = onshi_qualification_to_json(q, buf.as_mut_ptr().cast(), buf.len(), &mut n);
            assert_eq!(s, ONSHI_OK);
            onshi_qualification_free(q);
            black_box(n)
        })
    });
    g.finish();
}

fn field_access(c: &mut Criterion) {
    let mut g = c.benchmark_group("field_set_get_name");
    let name = "見本　花子";
    g.bench_function("rust", |b| {
        let mut q = Qualification::default();
        b.iter(|| {
            q.person.name = Some(black_box(name).into());
            black_box(q.person.name.as_ref().map(|n| n.len()))
        })
    });
    g.bench_function("c_abi", |b| {
        let q = onshi_qualification_new();
        let mut buf = [0u8; 64];
        b.iter(|| unsafe {
            let v = black_box(name);
            onshi_qualification_set_text(q, ONSHI_FIELD_NAME, v.as_ptr(), v.len());
            let mut n = 0;
            onshi_qualification_get_text(
                q,
                ONSHI_FIELD_NAME,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut n,
            );
            black_box(n)
        });
        unsafe { onshi_qualification_free(q) };
    });
    g.finish();
}

fn fixtures() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["utf8", "sjis"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        for p in names {
            if p.extension().is_some_and(|e| e == "xml") {
                let bytes = std::fs::read(&p).unwrap();
                if onshi::xml::parse(&bytes).is_ok() {
                    files.push(bytes);
                }
            }
        }
    }
    files
}

fn parse_rust(files: &[Vec<u8>]) -> usize {
    let mut n = 0;
    for f in files {
        let d = onshi::xml::parse(black_box(f)).unwrap();
        n += black_box(&d)
            .message
            .header()
            .arbitrary_file_identifier
            .is_some() as usize;
    }
    n
}

fn parse_c(files: &[Vec<u8>]) -> usize {
    use onshi::ffi::document::*;
    let mut n = 0;
    for f in files {
        let f = black_box(f);
        let mut d = null_mut();
        let s = unsafe {
            onshi_document_parse(null_mut(), f.as_ptr(), f.len(), std::ptr::null(), &mut d)
        };
        assert_eq!(s, ONSHI_OK);
        n += black_box(d).is_null() as usize;
        unsafe { onshi_document_free(d) };
    }
    n
}

/// Parsing every fixture, both ways; prints the C ABI / Rust ratio of the fastest rounds.
fn parse(c: &mut Criterion) {
    let files = fixtures();
    assert!(!files.is_empty(), "fixtures");
    let mut g = c.benchmark_group("parse_fixtures");
    g.bench_function("rust", |b| b.iter(|| parse_rust(&files)));
    g.bench_function("c_abi", |b| b.iter(|| parse_c(&files)));
    g.finish();
    // Interleaved rounds, fastest of each, so that machine noise hits both sides alike.
    let reps = 50;
    let mut best = [f64::MAX; 2];
    for _ in 0..15 {
        for (i, f) in [parse_rust as fn(&[Vec<u8>]) -> usize, parse_c]
            .iter()
            .enumerate()
        {
            let t = std::time::Instant::now();
            for _ in 0..reps {
                black_box(f(&files));
            }
            best[i] = best[i].min(t.elapsed().as_secs_f64() / reps as f64);
        }
    }
    println!(
        "parse {} fixtures: rust {:.1} µs, C ABI {:.1} µs, ratio {:.3} (goal <= 1.2)",
        files.len(),
        best[0] * 1e6,
        best[1] * 1e6,
        best[1] / best[0]
    );
}

criterion_group!(benches, parse, json_round_trip, field_access);
criterion_main!(benches);
