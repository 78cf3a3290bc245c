//! The whole path of `onshi parse FILE` beside its floor, on the 10,000-unit bulk answer of
//! `benches/xml.rs` (same generator), in UTF-8 and Shift_JIS.
//!
//! * command: what `onshi parse` does — read the file (`std::fs::read`, one sized read),
//!   `xml::parse`, stream the JSON through a 64 KiB `BufWriter` (the command's own writer,
//!   `src/bin/onshi/parse_json.rs`, compiled in here), drop the document;
//! * floor: read the same file, run quick-xml's raw event loop over it, and write the same
//!   JSON (the message parsed beforehand) with `serde_json::to_writer_pretty` through the
//!   same kind of writer: what no command that reads the file and prints this JSON can skip.
//!
//! Both write into `std::io::sink()`: stdout's cost is the terminal's, not the command's.
//! Before the criterion runs, a report prints both throughputs and their ratio (goal: as
//! close to 1 as the typed parse allows; the typed parse alone is ≥ 60 % of the raw loop,
//! see `benches/xml.rs`).
//!
//! `cargo bench --bench cli_parse -- --quick`.

mod common;

#[allow(dead_code)]
#[path = "../src/bin/onshi/parse_json.rs"]
mod parse_json;

use common::{budget, bulk, floor, time_together};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use onshi::xml::{self, Encoding, Message};
use parse_json::{Output, write_json};
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

fn output<'a>(
    encoding: Encoding,
    message: &'a Message,
    warnings: &'a [xml::Warning],
) -> Output<'a, Message> {
    Output {
        schema_version: 1,
        file: None,
        encoding: Some(encoding),
        message,
        warnings,
        zip: None,
    }
}

/// `onshi parse FILE > sink`.
fn command(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let doc = xml::parse(&bytes).unwrap();
    let mut w = BufWriter::with_capacity(1 << 16, std::io::sink());
    write_json(
        &mut w,
        &output(doc.encoding, &doc.message, &doc.warnings),
        false,
    )
    .unwrap();
    w.flush().unwrap();
    bytes.len()
}

/// Read + raw event loop + the same JSON written from a message parsed beforehand.
fn command_floor(path: &Path, encoding: Encoding, message: &Message) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let events = floor(black_box(&bytes));
    let mut w = BufWriter::with_capacity(1 << 16, std::io::sink());
    serde_json::to_writer_pretty(&mut w, &output(encoding, message, &[])).unwrap();
    w.write_all(b"\n").unwrap();
    w.flush().unwrap();
    events
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let message = bulk(10_000);
    let files: Vec<_> = [Encoding::Utf8, Encoding::ShiftJis]
        .into_iter()
        .map(|enc| {
            let path = dir.path().join(format!("bulk_10000.{enc:?}.xml"));
            std::fs::write(&path, xml::write(&message, enc).unwrap()).unwrap();
            (enc, path)
        })
        .collect();

    println!("\n== onshi parse FILE: whole command vs read + raw loop + JSON write (median) ==");
    println!(
        "{:<10} {:<9} {:>10} {:>11} {:>13} {:>6}",
        "input", "enc", "bytes", "floor MB/s", "command MB/s", "ratio"
    );
    for (enc, path) in &files {
        let len = std::fs::metadata(path).unwrap().len() as f64;
        let t = time_together(
            budget(),
            &mut [
                &mut || Box::new(command_floor(path, *enc, &message)),
                &mut || Box::new(command(path)),
            ],
        );
        let mbs = |t: Duration| len / t.as_secs_f64() / 1e6;
        println!(
            "{:<10} {:<9} {:>10} {:>11.1} {:>13.1} {:>5.0}%",
            "bulk_10000",
            format!("{enc:?}"),
            len,
            mbs(t[0]),
            mbs(t[1]),
            100.0 * t[0].as_secs_f64() / t[1].as_secs_f64()
        );
    }
    println!();
    if std::env::var_os("ONSHI_BENCH_REPORT_ONLY").is_some() {
        return;
    }
    let mut g = c.benchmark_group("onshi_parse_bulk_10000");
    g.sample_size(10);
    for (enc, path) in &files {
        let label = format!("{enc:?}");
        g.throughput(Throughput::Bytes(std::fs::metadata(path).unwrap().len()));
        g.bench_with_input(BenchmarkId::new("floor", &label), path, |b, p| {
            b.iter(|| command_floor(p, *enc, &message))
        });
        g.bench_with_input(BenchmarkId::new("command", &label), path, |b, p| {
            b.iter(|| command(p))
        });
    }
    g.finish();
}

criterion_group! {
    name = cli_benches;
    config = Criterion::default().warm_up_time(Duration::from_millis(500));
    targets = benches
}

fn main() {
    cli_benches();
    Criterion::default().configure_from_args().final_summary();
}
