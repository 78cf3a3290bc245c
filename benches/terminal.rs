//! Terminal round trip: submit → parsed response against the emulator with zero delay.
//!
//! Prints p50 / p99 / max latency with file-system events and with the rescan only (events
//! lost, as on a network share), and the throughput of 1,000 requests in flight.
//! Goal: p99 ≤ 20 ms event-driven, no request lost.
//!
//!     cargo bench --bench terminal            # full run
//!     cargo bench --bench terminal -- --quick # smaller counts

use onshi::Personal;
use onshi::codes::LimitConsentFlag;
use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::model::{MessageHeader, QualificationQuery};
use onshi::terminal::{
    Client, ClientOptions, Dataset, Emulator, EmulatorConfig, Layout, WatchConfig,
};
use onshi::xml::{Family, Message, QualificationRequest};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn request(ds: &Dataset, i: usize) -> Message {
    let p = ds
        .persons
        .iter()
        .filter(|p| !p.is_public_assistance())
        .nth(i % 40)
        .unwrap();
    let x = p.qualifications.first().cloned().unwrap_or_default();
    let k = p.keys.first();
    Message::QualificationRequest(QualificationRequest {
        header: MessageHeader {
            qualification_confirmation_date: Some(onshi::terminal::now_jst().date()),
            ..Default::default()
        },
        queries: vec![QualificationQuery {
            insurer_number: x.insurer_number.or(k.map(|k| k.insurer_number.clone())),
            insured_card_symbol: x.insured_card_symbol,
            insured_identification_number: x
                .insured_identification_number
                .or(k.map(|k| k.insured_identification_number.clone())),
            insured_branch_number: x.insured_branch_number,
            birthdate: p.birthdate().map(Personal::new),
            limit_consent_flag: Some(LimitConsentFlag::Agreed),
            ..Default::default()
        }],
        ..Default::default()
    })
}

fn setup(watch: WatchConfig, recheck: Duration) -> (tempfile::TempDir, Emulator, Client) {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.watch = watch;
    let emu = Emulator::start(cfg).unwrap();
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            watch,
            recheck_interval: recheck,
            medical_institution_code: Some(
                MedicalInstitutionCode::parse("1310000003", Mode::Strict).unwrap(),
            ),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    (d, emu, client)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn latency(label: &str, watch: WatchConfig, recheck: Duration, n: usize) {
    let (_d, emu, client) = setup(watch, recheck);
    let ds = emu.dataset().clone();
    for i in 0..10 {
        let t = client.submit(Family::Individual, &request(&ds, i)).unwrap();
        client.wait(&t, Duration::from_secs(30)).unwrap();
    }
    let mut lat = Vec::with_capacity(n);
    let mut lost = 0;
    for i in 0..n {
        let msg = request(&ds, i);
        let start = Instant::now();
        let t = client.submit(Family::Individual, &msg).unwrap();
        match client.wait(&t, Duration::from_secs(30)) {
            Ok(_) => lat.push(start.elapsed()),
            Err(_) => lost += 1,
        }
    }
    lat.sort();
    println!(
        "{label:<36} n={n:<4} p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  lost {lost}  (events: {})",
        ms(pct(&lat, 0.50)),
        ms(pct(&lat, 0.99)),
        ms(*lat.last().unwrap()),
        client.events_active(),
    );
}

fn throughput(n: usize) {
    let (_d, emu, client) = setup(
        WatchConfig {
            use_events: true,
            rescan_interval: Duration::from_millis(200),
        },
        Duration::from_millis(500),
    );
    let ds = emu.dataset().clone();
    let client = Arc::new(client);
    let start = Instant::now();
    let tickets: Vec<_> = (0..n)
        .map(|i| client.submit(Family::Individual, &request(&ds, i)).unwrap())
        .collect();
    let submitted = start.elapsed();
    let chunks: Vec<Vec<_>> = tickets.chunks(n.div_ceil(8)).map(|c| c.to_vec()).collect();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let c = client.clone();
            std::thread::spawn(move || {
                chunk
                    .iter()
                    .filter(|t| c.wait(t, Duration::from_secs(120)).is_err())
                    .count()
            })
        })
        .collect();
    let lost: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let total = start.elapsed();
    println!(
        "throughput: {n} in flight  submitted in {:.0} ms  all answered in {:.0} ms  {:.0} req/s  lost {lost}  (emulator answered {})",
        ms(submitted),
        ms(total),
        n as f64 / total.as_secs_f64(),
        emu.stats().answered,
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 60 } else { 300 };
    println!("terminal round trip (submit → parsed response), emulator delay 0");
    latency(
        "event-driven (notify + 1 s rescan)",
        WatchConfig {
            use_events: true,
            rescan_interval: Duration::from_secs(1),
        },
        Duration::from_secs(1),
        n,
    );
    latency(
        "rescan-only every 50 ms",
        WatchConfig::rescan_only(Duration::from_millis(50)),
        Duration::from_secs(5),
        n / 3,
    );
    latency(
        "rescan-only every 10 ms",
        WatchConfig::rescan_only(Duration::from_millis(10)),
        Duration::from_secs(5),
        n / 3,
    );
    throughput(if quick { 200 } else { 1000 });
}
