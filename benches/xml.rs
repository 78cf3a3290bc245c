//! Parse and write speed of terminal files, each beside its floor.
//!
//! Inputs: a single 資格確認結果, a face result, bulk results of 1,000 and 10,000 units, each
//! in UTF-8 and Shift_JIS. The floor of a parse is quick-xml's raw event loop
//! (`Reader::read_event_into`, counting events) over the same bytes: no decoding, no typing,
//! no allocation per value. Before the criterion runs, a report prints for each input the
//! typed-parse throughput as a share of the floor's (goal ≥ 50 %), Shift_JIS time over
//! UTF-8 time (goal ≤ 1.5), and the peak heap of parsing the 10,000-unit file against its
//! size (goal ≤ 3×), measured with a counting global allocator.
//!
//! `cargo bench --bench xml -- --quick` runs everything in a couple of minutes.

use chrono::{NaiveDate, NaiveDateTime};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use onshi::Personal;
use onshi::codes::*;
use onshi::ids::{
    BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode, Mode,
};
use onshi::model::*;
use onshi::model::{CardKey, ConfirmationResult, PersonIdentity, ProcessingOutcome};
use onshi::xml::{self, Encoding, Limits, Message};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live heap bytes and their peak while `ON` is set.
struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if ON.load(Ordering::Relaxed) && !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: `ptr` came from `alloc` above with the same layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if ON.load(Ordering::Relaxed) && !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak extra heap while running `f` (the result is dropped after the measurement).
fn peak_of<T>(f: impl FnOnce() -> T) -> usize {
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    ON.store(true, Ordering::SeqCst);
    let r = f();
    let peak = PEAK.load(Ordering::SeqCst);
    ON.store(false, Ordering::SeqCst);
    drop(r);
    peak
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").unwrap()
}

fn qualification(i: usize) -> Qualification {
    let consent = Consent {
        flag: Some(ConsentFlag::Agreed),
        time: Some(t("20250401093000")),
        available_time: Some(t("20250402093000")),
    };
    Qualification {
        card: CardKey {
            insurer_number: Some(InsurerNumber::parse("138057", Mode::Strict).unwrap()),
            insured_card_symbol: Some(CardSymbol::parse("見本12", Mode::Strict).unwrap()),
            insured_identification_number: Some(
                CardNumber::parse(&format!("{}", 100000 + i), Mode::Strict).unwrap(),
            ),
            insured_branch_number: Some(BranchNumber::parse("01", Mode::Strict).unwrap()),
        },
        person: PersonIdentity {
            name: Some(format!("見本　花子{}", i % 10).into()),
            name_kana: Some("ﾐﾎﾝ ﾊﾅｺ".into()),
            sex1: Some(Sex::Female),
            birthdate: Some(Personal::new(d(
                1980,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            ))),
            address: Some("東京都千代田区見本町１－２－３".into()),
            post_number: Some("100-0001".into()),
            ..Default::default()
        },
        insured_card_classification: Some(InsuredCardClassification::General),
        personal_family_classification: Some(PersonalFamilyClassification::Insured),
        insured_name: Some("見本　太郎".into()),
        qualification_date: Some(d(2020, 4, 1)),
        insured_certificate_issuance_date: Some(d(2024, 4, 1)),
        insured_card_valid_date: Some(d(2024, 4, 1)),
        insurer_name: Some("見本健康保険組合".into()),
        limit_consent_flag: Some(LimitConsentFlag::Agreed),
        limit_consent_time: Some(t("20250401093000")),
        consents: Consents {
            specific_health_checkups: consent.clone(),
            pharmacists: consent.clone(),
            diagnosis: consent.clone(),
            operation: consent,
            ..Consents::default()
        },
        ..Qualification::default()
    }
}

fn unit(i: usize) -> ConfirmationResult {
    let r = qualification(i);
    ConfirmationResult {
        outcome: ProcessingOutcome {
            status: Some(ProcessingResultStatus::Normal),
            ..Default::default()
        },
        query_echo: Some(QualificationQuery {
            card: CardKey {
                insurer_number: r.card.insurer_number.clone(),
                insured_card_symbol: r.card.insured_card_symbol.clone(),
                insured_identification_number: r.card.insured_identification_number.clone(),
                insured_branch_number: r.card.insured_branch_number.clone(),
            },
            birthdate: r.person.birthdate.clone(),
            limit_consent_flag: Some(LimitConsentFlag::Agreed),
            arbitrary_identifier: Some(format!("PT-{i:06}")),
            ..QualificationQuery::default()
        }),
        qualification_validity: Some(QualificationValidity::Valid),
        results: vec![r],
        ..ConfirmationResult::default()
    }
}

fn header() -> MessageHeader {
    MessageHeader {
        process_execution_time: Some(t("20250401093000")),
        qualification_confirmation_date: Some(d(2025, 4, 1)),
        medical_institution_code: Some(
            MedicalInstitutionCode::parse("1312345678", Mode::Strict).unwrap(),
        ),
        arbitrary_file_identifier: Some("bench".into()),
        segment_of_result: Some(SegmentOfResult::Normal),
        character_code_identifier: Some(CharacterCodeIdentifier::Utf8),
        ..MessageHeader::default()
    }
}

fn single(face: bool) -> Message {
    let mut body = unit(0);
    if face {
        body.query_echo = None;
        body.prescription_issue_select = Some(PrescriptionIssueSelect::Electronic);
    }
    Message::QualificationResponse(xml::QualificationResponse {
        header: MessageHeader {
            reference_classification: Some(if face {
                ReferenceClassification::MyNumberCard
            } else {
                ReferenceClassification::InsuranceCard
            }),
            ..header()
        },
        body,
        extra_root: vec![],
    })
}

fn bulk(n: usize) -> Message {
    Message::BulkQualificationResponse(xml::BulkQualificationResponse {
        header: MessageHeader {
            reception_number: Some("Q202504010001".into()),
            number_of_processing_result: Some(n as u32),
            number_of_normal_processing: Some(n as u32),
            number_of_error: Some(0),
            ..header()
        },
        units: (0..n).map(unit).collect(),
        extra_body: vec![],
        extra_root: vec![],
    })
}

/// quick-xml's raw event loop: the floor.
fn floor(bytes: &[u8]) -> usize {
    let mut r = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::with_capacity(256);
    let mut n = 0;
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
        buf.clear();
    }
}

struct Input {
    name: &'static str,
    message: Message,
    utf8: Vec<u8>,
    sjis: Vec<u8>,
}

fn inputs() -> Vec<Input> {
    [
        ("single", single(false)),
        ("face", single(true)),
        ("bulk_1000", bulk(1_000)),
        ("bulk_10000", bulk(10_000)),
    ]
    .into_iter()
    .map(|(name, message)| Input {
        name,
        utf8: xml::write(&message, Encoding::Utf8).unwrap(),
        sjis: xml::write(&message, Encoding::ShiftJis).unwrap(),
        message,
    })
    .collect()
}

/// Times `fs` in turns (one call of each per round, so a busy machine slows them alike)
/// for about `budget`; returns the median time of each. What a function returns is dropped
/// after the clock stops (as criterion's `iter_with_large_drop`): a parse is timed, not the
/// freeing of its result.
fn time_together(
    budget: Duration,
    fs: &mut [&mut dyn FnMut() -> Box<dyn std::any::Any>],
) -> Vec<Duration> {
    let mut samples = vec![Vec::new(); fs.len()];
    for f in fs.iter_mut() {
        drop(f());
    }
    let start = Instant::now();
    while start.elapsed() < budget || samples[0].len() < 7 {
        for (f, s) in fs.iter_mut().zip(&mut samples) {
            let t = Instant::now();
            let out = f();
            s.push(t.elapsed());
            drop(black_box(out));
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}

fn report(inputs: &[Input]) {
    let budget = Duration::from_millis(if std::env::args().any(|a| a == "--quick") {
        1000
    } else {
        3000
    });
    println!("\n== onshi xml: typed parse vs quick-xml raw event loop (median of runs) ==");
    println!(
        "{:<11} {:<5} {:>10} {:>11} {:>11} {:>6} {:>11} {:>9} {:>11} {:>6}",
        "input",
        "enc",
        "bytes",
        "floor MB/s",
        "parse MB/s",
        "ratio",
        "write MB/s",
        "sjis/utf8",
        "units MB/s",
        "ratio"
    );
    for i in inputs {
        let mut utf8_parse = Duration::ZERO;
        for (enc, bytes) in [("utf8", &i.utf8), ("sjis", &i.sjis)] {
            let e = if enc == "utf8" {
                Encoding::Utf8
            } else {
                Encoding::ShiftJis
            };
            let t = time_together(
                budget,
                &mut [
                    &mut || Box::new(floor(black_box(bytes))),
                    &mut || Box::new(xml::parse(black_box(bytes)).unwrap()),
                    &mut || Box::new(xml::write(black_box(&i.message), e).unwrap()),
                    &mut || {
                        let mut n = 0usize;
                        if i.name.starts_with("bulk") {
                            for u in xml::bulk_units(black_box(bytes), &Limits::default()).unwrap()
                            {
                                black_box(u.unwrap());
                                n += 1;
                            }
                        }
                        Box::new(n)
                    },
                ],
            );
            let (tf, tp, tw, tu) = (t[0], t[1], t[2], t[3]);
            let mbs = |t: Duration| bytes.len() as f64 / t.as_secs_f64() / 1e6;
            let vs = if enc == "utf8" {
                utf8_parse = tp;
                String::from("-")
            } else {
                format!("{:.2}×", tp.as_secs_f64() / utf8_parse.as_secs_f64())
            };
            let (units, units_ratio) = if i.name.starts_with("bulk") {
                (
                    format!("{:.1}", mbs(tu)),
                    format!("{:.0}%", 100.0 * tf.as_secs_f64() / tu.as_secs_f64()),
                )
            } else {
                ("-".into(), "-".into())
            };
            println!(
                "{:<11} {:<5} {:>10} {:>11.1} {:>11.1} {:>5.0}% {:>11.1} {:>9} {:>11} {:>6}",
                i.name,
                enc,
                bytes.len(),
                mbs(tf),
                mbs(tp),
                100.0 * tf.as_secs_f64() / tp.as_secs_f64(),
                mbs(tw),
                vs,
                units,
                units_ratio
            );
        }
    }
    if let Some(big) = inputs.iter().find(|i| i.name == "bulk_10000") {
        for (enc, bytes) in [("utf8", &big.utf8), ("sjis", &big.sjis)] {
            let whole = peak_of(|| xml::parse(bytes).unwrap());
            let streamed = peak_of(|| {
                let mut n = 0;
                for u in xml::bulk_units(bytes, &Limits::default()).unwrap() {
                    black_box(u.unwrap());
                    n += 1;
                }
                n
            });
            println!(
                "peak heap, bulk_10000 {enc}: file {:.1} MB; parse {:.1} MB ({:.2}× file); bulk_units {:.1} MB ({:.2}× file)",
                bytes.len() as f64 / 1e6,
                whole as f64 / 1e6,
                whole as f64 / bytes.len() as f64,
                streamed as f64 / 1e6,
                streamed as f64 / bytes.len() as f64,
            );
        }
    }
    println!();
}

fn benches(c: &mut Criterion) {
    let inputs = inputs();
    report(&inputs);
    if std::env::var_os("ONSHI_BENCH_REPORT_ONLY").is_some() {
        return;
    }
    for i in &inputs {
        let mut g = c.benchmark_group(i.name);
        if i.name == "bulk_10000" {
            g.sample_size(10);
        }
        for (enc, bytes) in [(Encoding::Utf8, &i.utf8), (Encoding::ShiftJis, &i.sjis)] {
            let label = if enc == Encoding::Utf8 {
                "utf8"
            } else {
                "sjis"
            };
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            g.bench_with_input(BenchmarkId::new("floor", label), bytes, |b, x| {
                b.iter(|| floor(black_box(x)))
            });
            g.bench_with_input(BenchmarkId::new("parse", label), bytes, |b, x| {
                b.iter_with_large_drop(|| xml::parse(black_box(x)).unwrap())
            });
            g.bench_with_input(BenchmarkId::new("write", label), &i.message, |b, m| {
                b.iter_with_large_drop(|| xml::write(black_box(m), enc).unwrap())
            });
            if i.name.starts_with("bulk") {
                g.bench_with_input(BenchmarkId::new("bulk_units", label), bytes, |b, x| {
                    b.iter(|| {
                        let mut n = 0;
                        for u in xml::bulk_units(black_box(x), &Limits::default()).unwrap() {
                            black_box(u.unwrap());
                            n += 1;
                        }
                        n
                    })
                });
            }
        }
        g.finish();
    }
}

criterion_group! {
    name = xml_benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500));
    targets = benches
}

fn main() {
    xml_benches();
    Criterion::default().configure_from_args().final_summary();
}
