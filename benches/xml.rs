//! Parse and write speed of terminal files, each beside its floor.
//!
//! Inputs: a single 資格確認結果, a face result, bulk results of 1,000 and 10,000 units, each
//! in UTF-8 and Shift_JIS. The floor of a parse is quick-xml's raw event loop
//! (`Reader::read_event_into`, counting events) over the same bytes: no decoding, no typing,
//! no allocation per value. Before the criterion runs, a report prints for each input the
//! typed-parse throughput as a share of the floor's (goal ≥ 60 % for the 10,000-unit file,
//! both encodings), Shift_JIS time over UTF-8 time (goal ≤ 1.5), and the peak heap of
//! parsing the 10,000-unit file, the file's own buffer included, against its size (goal ≤ 2×
//! for both encodings), measured with a counting global allocator.
//!
//! `cargo bench --bench xml -- --quick` runs everything in a couple of minutes;
//! `ONSHI_BENCH_DUMP=DIR cargo bench --bench xml` only writes the inputs into `DIR`
//! (`benches/parse_vs_python.sh` uses it).

mod common;

use common::{budget, bulk, floor, single, time_together};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use onshi::xml::{self, Encoding, Limits, Message};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

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

fn report(inputs: &[Input]) {
    let budget = budget();
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
            let file = bytes.len() as f64;
            println!(
                "peak heap, bulk_10000 {enc}: file {:.1} MB; parse +{:.1} MB (with the file {:.2}× file); bulk_units +{:.2} MB (with the file {:.2}× file)",
                file / 1e6,
                whole as f64 / 1e6,
                (file + whole as f64) / file,
                streamed as f64 / 1e6,
                (file + streamed as f64) / file,
            );
        }
    }
    println!();
}

/// Writes every input to the folder named by `ONSHI_BENCH_DUMP` (as `<input>.<enc>.xml`), so
/// other tools (`onshi parse`, a Python script, a profiler) can read the same bytes; `false`
/// when the variable is not set.
fn dump(inputs: &[Input]) -> bool {
    let Some(dir) = std::env::var_os("ONSHI_BENCH_DUMP") else {
        return false;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for i in inputs {
        for (enc, bytes) in [("utf8", &i.utf8), ("sjis", &i.sjis)] {
            std::fs::write(dir.join(format!("{}.{enc}.xml", i.name)), bytes).unwrap();
        }
    }
    true
}

fn benches(c: &mut Criterion) {
    let inputs = inputs();
    if dump(&inputs) {
        // Only the files were asked for.
        return;
    }
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
