//! Terminal round trip: submit → parsed response against the emulator with zero delay.
//!
//! Prints p50 / p99 / max latency with file-system events and with the rescan only (events
//! lost, as on a network share), and the throughput of 1,000 requests in flight.
//! Goal: p99 ≤ 20 ms event-driven, no request lost.
//!
//! Then the costs that must stay proportional, each as a ratio to a floor measured in the
//! same run: draining a flood of 1,000 and 10,000 face files (floor: reading and parsing
//! each file once and creating one marker file per file), one look over 10,000 acknowledged face files (floor: one listing of the
//! folder), the CPU an idle watcher spends over them, the CPU of waiting on a partial 4 MB
//! answer (floor: reading it once), and an element with thousands of attributes (floor:
//! quick-xml's raw attribute loop).
//!
//!     cargo bench --bench terminal            # full run
//!     cargo bench --bench terminal -- --quick # smaller counts

use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::model::MessageHeader;
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
    Message::QualificationRequest(QualificationRequest {
        header: MessageHeader {
            qualification_confirmation_date: Some(onshi::terminal::now_jst().date()),
            ..Default::default()
        },
        queries: vec![p.query()],
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
                MedicalInstitutionCode::parse("1310000009", Mode::Strict).unwrap(),
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// CPU time (user + system) of the whole process so far.
#[cfg(unix)]
fn cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn face_bytes() -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let name =
        onshi::terminal::emulator::push_face_into(&EmulatorConfig::new(d.path()), "P01").unwrap();
    std::fs::read(d.path().join("face").join(name)).unwrap()
}

/// A root with `n` face files written ten seconds ago (settled).
fn flood_root(n: usize) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let l = Layout::new(d.path());
    l.create_all().unwrap();
    let bytes = face_bytes();
    let old = std::time::SystemTime::now() - Duration::from_secs(10);
    for i in 0..n {
        let name = format!("OQSsiquc01res_face_1310000009{i:020}_20250401090000.xml");
        let p = l.face_path(&name);
        std::fs::write(&p, &bytes).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(old).unwrap();
    }
    d
}

fn client_with_state(root: &std::path::Path, state: &std::path::Path) -> Client {
    Client::open(
        Layout::new(root).with_state_dir(state),
        ClientOptions::default(),
    )
    .unwrap()
}

/// Drains every face file with a fresh journal: (time, events).
fn drain(root: &std::path::Path) -> (Duration, usize) {
    let state = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let client = client_with_state(root, state.path());
    let mut n = 0;
    loop {
        let batch = client.poll_face().unwrap();
        if batch.is_empty() {
            break;
        }
        for e in batch {
            client.ack_face(&e).unwrap();
            n += 1;
        }
    }
    (start.elapsed(), n)
}

/// The floor: read and parse every face file once, and create one (empty) file per face
/// file — the least a journal that survives a crash must write per acknowledgement.
fn read_all(root: &std::path::Path) -> Duration {
    let marks = tempfile::tempdir().unwrap();
    let start = Instant::now();
    for e in std::fs::read_dir(root.join("face")).unwrap().flatten() {
        let b = std::fs::read(e.path()).unwrap();
        onshi::xml::parse(&b).unwrap();
        std::fs::File::create(marks.path().join(e.file_name())).unwrap();
    }
    start.elapsed()
}

fn face_flood(quick: bool) {
    let sizes: &[usize] = if quick {
        &[200, 2_000]
    } else {
        &[1_000, 10_000]
    };
    let mut to_floor = Vec::new();
    for &n in sizes {
        let root = flood_root(n);
        let reps = if n > 2_000 { 3 } else { 5 };
        let floor = median((0..reps).map(|_| read_all(root.path())).collect());
        let runs: Vec<Duration> = (0..reps)
            .map(|_| {
                let (t, got) = drain(root.path());
                assert_eq!(got, n, "every face file once");
                t
            })
            .collect();
        let t = median(runs);
        to_floor.push(t.as_secs_f64() / floor.as_secs_f64());
        println!(
            "face flood {n:>6} files: drained in {:>8.1} ms  floor (read + parse + one marker each) {:>8.1} ms  ratio {:.2}",
            ms(t),
            ms(floor),
            t.as_secs_f64() / floor.as_secs_f64()
        );
    }
    // The file system's own cost per file grows with the folder; what must not grow is the
    // drain's cost relative to it (on main, 10,000 files took 326 s).
    println!(
        "face flood: ratio to the floor at {} vs {} files: {:.2} (1.0 = linear in the file system's cost)",
        sizes[1],
        sizes[0],
        to_floor[1] / to_floor[0]
    );
}

fn idle_over_kept_files(quick: bool) {
    let n = if quick { 2_000 } else { 10_000 };
    let root = flood_root(n);
    let state = tempfile::tempdir().unwrap();
    {
        let c = client_with_state(root.path(), state.path());
        loop {
            let b = c.poll_face().unwrap();
            if b.is_empty() {
                break;
            }
            for e in b {
                c.ack_face(&e).unwrap();
            }
        }
    }
    let client = client_with_state(root.path(), state.path());
    let _ = client.poll_face();
    let look = median(
        (0..21)
            .map(|_| {
                let s = Instant::now();
                assert!(client.poll_face().unwrap().is_empty());
                s.elapsed()
            })
            .collect(),
    );
    let listing = median(
        (0..21)
            .map(|_| {
                let s = Instant::now();
                let names: Vec<_> = std::fs::read_dir(root.path().join("face"))
                    .unwrap()
                    .flatten()
                    .map(|e| e.file_name())
                    .collect();
                std::hint::black_box(names);
                s.elapsed()
            })
            .collect(),
    );
    println!(
        "look over {n} acknowledged face files: {:>7.2} ms  floor (list the folder) {:>7.2} ms  ratio {:.2}",
        ms(look),
        ms(listing),
        look.as_secs_f64() / listing.as_secs_f64()
    );
    #[cfg(unix)]
    {
        let sub = client.on_face(|_| ());
        std::thread::sleep(Duration::from_millis(500));
        let (c0, t0) = (cpu(), Instant::now());
        std::thread::sleep(Duration::from_secs(if quick { 2 } else { 5 }));
        let used = cpu() - c0;
        let wall = t0.elapsed();
        drop(sub);
        println!(
            "idle watcher over {n} kept files: {:.1} ms CPU per second ({:.2}% of a CPU; {:.1} folder listings' worth per second)",
            ms(used) / wall.as_secs_f64(),
            100.0 * used.as_secs_f64() / wall.as_secs_f64(),
            used.as_secs_f64() / wall.as_secs_f64() / listing.as_secs_f64()
        );
    }
}

#[cfg(unix)]
fn partial_answer_wait() {
    let d = tempfile::tempdir().unwrap();
    let mut cfg = EmulatorConfig::new(d.path());
    cfg.behaviour = onshi::terminal::Behaviour::Down;
    let _emu = Emulator::start(cfg).unwrap();
    let client = Client::open(
        Layout::new(d.path()),
        ClientOptions {
            settle_timeout: Duration::from_secs(600),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let ds = Dataset::demo();
    let t = client.submit(Family::Individual, &request(&ds, 0)).unwrap();
    // 4 MB of an answer whose XML never closes (a writer that stopped half-way).
    let mut partial = b"<?xml version=\"1.0\"?><XmlMsg><MessageHeader>".to_vec();
    partial.resize(4 << 20, b' ');
    let path = d.path().join("res").join(t.response_file());
    std::fs::write(&path, &partial).unwrap();
    // The floor: one read of the file and the completeness check (best of five).
    let floor = (0..5)
        .map(|_| {
            let s = Instant::now();
            let b = std::fs::read(&path).unwrap();
            std::hint::black_box(onshi::terminal::atomic::looks_complete(&b));
            s.elapsed()
        })
        .min()
        .unwrap();
    let c0 = cpu();
    let r = client.wait(&t, Duration::from_secs(2));
    let used = cpu() - c0;
    assert!(r.is_err());
    println!(
        "waiting 2 s on a partial 4 MB answer: {:>7.1} ms CPU  floor (read it once) {:>6.1} ms  ratio {:.1}",
        ms(used),
        ms(floor),
        used.as_secs_f64() / floor.as_secs_f64()
    );
}

fn many_attributes() {
    let doc = |n: usize| -> String {
        let attrs: String = (0..n).map(|i| format!(" a{i}=\"v\"")).collect();
        // A comment makes the file large enough for its unmodelled-content budget.
        let pad = " ".repeat(4 << 20);
        format!(
            "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader><!--{pad}--><Vendor{attrs}/></XmlMsg>"
        )
    };
    let time = |x: &str| {
        (0..7)
            .map(|_| {
                let s = Instant::now();
                onshi::xml::parse(x.as_bytes()).unwrap();
                s.elapsed()
            })
            .min()
            .unwrap()
    };
    let base = time(&doc(0));
    let mut per = Vec::new();
    for n in [8_000usize, 32_000] {
        let x = doc(n);
        let t = time(&x);
        let floor = (0..7)
            .map(|_| {
                let s = Instant::now();
                let mut r = quick_xml::Reader::from_str(&x);
                let mut k = 0;
                loop {
                    match r.read_event().unwrap() {
                        quick_xml::events::Event::Empty(e) => {
                            k += e.attributes().with_checks(false).count()
                        }
                        quick_xml::events::Event::Eof => break,
                        _ => {}
                    }
                }
                assert_eq!(k, n);
                s.elapsed()
            })
            .min()
            .unwrap();
        let own = t.saturating_sub(base);
        per.push(own.as_secs_f64() / n as f64);
        println!(
            "element with {n:>6} attributes: {:>7.2} ms ({:.2} ms for the attributes)  floor (raw attribute loop) {:>6.2} ms  ratio {:.1}",
            ms(t),
            ms(own),
            ms(floor),
            t.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!(
        "attributes: time per attribute at 32,000 vs 8,000: ratio {:.2} (1.0 = linear; quadratic would be 4)",
        per[1] / per[0]
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
    println!();
    face_flood(quick);
    idle_over_kept_files(quick);
    #[cfg(unix)]
    partial_answer_wait();
    many_attributes();
}
