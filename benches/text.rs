//! Throughput of `onshi::text::normalize` and `compare` over 10,000 fictitious records
//! (name, kana, address), beside the floor of plain `==` over the same strings in the same
//! run. Prints the ratios first, then runs the criterion groups.
//!
//! ```sh
//! cargo bench --bench text -- --quick
//! ```

use criterion::{Criterion, Throughput};
use onshi::text::{FieldKind, TextMatch, compare, normalize};
use std::hint::black_box;
use std::time::{Duration, Instant};

const RECORDS: usize = 10_000;

/// A tiny deterministic generator (xorshift), so every run sees the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// Fictitious name parts: (kanji as registered, kanji as the terminal may return it, kana).
const SURNAMES: &[(&str, &str, &str)] = &[
    ("髙橋", "高橋", "ﾀｶﾊｼ"),
    ("山﨑", "山崎", "ﾔﾏｻﾞｷ"),
    ("渡邊", "渡辺", "ﾜﾀﾅﾍﾞ"),
    ("齋藤", "斎藤", "ｻｲﾄｳ"),
    ("𠮷田", "吉田", "ﾖｼﾀﾞ"),
    ("見本", "見本", "ﾐﾎﾝ"),
    ("診療", "診療", "ｼﾝﾘｮｳ"),
    ("佐藤", "佐藤", "ｻﾄｳ"),
    ("鈴木", "鈴木", "ｽｽﾞｷ"),
    ("大澤", "大沢", "ｵｵｻﾜ"),
    ("濱田", "浜田", "ﾊﾏﾀﾞ"),
    ("廣瀬", "広瀬", "ﾋﾛｾ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("太郎", "ﾀﾛｳ"),
    ("花子", "ﾊﾅｺ"),
    ("一郎", "ｲﾁﾛｳ"),
    ("翔子", "ｼｮｳｺ"),
    ("惠子", "ｹｲｺ"),
    ("健太", "ｹﾝﾀ"),
    ("さくら", "ｻｸﾗ"),
    ("ジョージ", "ｼﾞｮｰｼﾞ"),
];
const PLACES: &[&str] = &[
    "東京都千代田区霞が関",
    "大阪府大阪市北区梅田",
    "神奈川県横濱市中区山下町",
    "北海道札幌市中央区北一条西",
    "福岡県福岡市博多区博多駅前",
    "愛知県名古屋市中村区名駅",
];
const BUILDINGS: &[&str] = &["", " ABCビル", "　見本マンション", " コーポ見本", "ハイツ"];

/// Registered value → a returned spelling of it, the way the terminal may answer.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

struct Data {
    /// (registered, returned, kind)
    pairs: Vec<(String, String, FieldKind)>,
}

fn data() -> Data {
    let mut rng = Rng(0x5EED_0115_u64);
    let mut pairs = Vec::with_capacity(RECORDS * 3);
    for _ in 0..RECORDS {
        let (sur_reg, sur_ret, sur_kana) = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
        let (given, given_kana) = GIVEN[rng.below(GIVEN.len() as u64) as usize];
        let name = format!("{sur_reg}　{given}");
        let returned_name = match rng.below(10) {
            0..=4 => name.clone(),
            5 | 6 => format!("{sur_ret}　{given}"),
            7 => format!("{sur_ret} {given}"),
            8 => {
                let mut chars: Vec<char> = name.chars().collect();
                chars[0] = '●';
                chars.into_iter().collect()
            }
            _ => format!("{sur_reg}　{}", rng.pick(&["次郎", "美咲", "大輔"])),
        };
        pairs.push((name, returned_name, FieldKind::Name));

        let kana = format!("{sur_kana} {given_kana}");
        let returned_kana = match rng.below(4) {
            0 | 1 => kana.clone(),
            2 => format!("{sur_kana}　{given_kana}"),
            _ => format!("{sur_kana}{given_kana}"),
        };
        pairs.push((kana, returned_kana, FieldKind::Kana));

        let address = format!(
            "{}{}-{}-{}{}",
            rng.pick(PLACES),
            rng.below(9) + 1,
            rng.below(30) + 1,
            rng.below(20) + 1,
            rng.pick(BUILDINGS)
        );
        let returned_address = match rng.below(4) {
            0 | 1 => address.clone(),
            2 => full_width(&address),
            _ => address.replace('-', "ー"),
        };
        pairs.push((address, returned_address, FieldKind::Address));
    }
    Data { pairs }
}

/// Best of `rounds` timings of one pass of `f` over the data.
fn best(rounds: usize, mut f: impl FnMut() -> usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

fn floor(d: &Data) -> usize {
    d.pairs
        .iter()
        .filter(|(a, b, _)| black_box(a.as_str()) == black_box(b.as_str()))
        .count()
}

fn normalize_all(d: &Data) -> usize {
    d.pairs
        .iter()
        .map(|(a, b, k)| normalize(a, *k).len() + normalize(b, *k).len())
        .sum()
}

fn compare_all(d: &Data) -> usize {
    d.pairs
        .iter()
        .filter(|(a, b, k)| compare(a, b, *k).is_match())
        .count()
}

/// A test on the outcome of `compare`.
type Outcome = fn(&TextMatch) -> bool;

fn print_ratios(d: &Data) {
    let rounds = 5;
    let f = best(rounds, || floor(d));
    let n = best(rounds, || normalize_all(d));
    let c = best(rounds, || compare_all(d));
    let per = |t: Duration| t.as_nanos() as f64 / d.pairs.len() as f64;
    println!(
        "text: {} pairs (name, kana, address of {RECORDS} records)",
        d.pairs.len()
    );
    println!("  floor (==)          {:>10.1} ns/pair", per(f));
    println!(
        "  normalize (both)    {:>10.1} ns/pair  {:>8.1}× floor",
        per(n),
        n.as_secs_f64() / f.as_secs_f64()
    );
    println!(
        "  compare             {:>10.1} ns/pair  {:>8.1}× floor",
        per(c),
        c.as_secs_f64() / f.as_secs_f64()
    );
    // The same, split by outcome: identical pairs cost about what == costs.
    let classes: [(&str, Outcome); 4] = [
        ("same", |m| matches!(m, TextMatch::Same)),
        ("equivalent", |m| matches!(m, TextMatch::Equivalent(_))),
        ("substituted", |m| {
            matches!(m, TextMatch::Substituted { .. })
        }),
        ("different", |m| matches!(m, TextMatch::Different)),
    ];
    for (name, is) in classes {
        let subset = Data {
            pairs: d
                .pairs
                .iter()
                .filter(|(a, b, k)| is(&compare(a, b, *k)))
                .cloned()
                .collect(),
        };
        if subset.pairs.is_empty() {
            continue;
        }
        let f = best(rounds, || floor(&subset));
        let c = best(rounds, || compare_all(&subset));
        println!(
            "  compare {name:<12}{:>10.1} ns/pair  {:>8.1}× floor  ({} pairs)",
            c.as_nanos() as f64 / subset.pairs.len() as f64,
            c.as_secs_f64() / f.as_secs_f64(),
            subset.pairs.len()
        );
    }
}

fn benches(c: &mut Criterion, d: &Data) {
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Elements(d.pairs.len() as u64));
    g.bench_function("floor_eq", |b| b.iter(|| floor(d)));
    g.bench_function("normalize", |b| b.iter(|| normalize_all(d)));
    g.bench_function("compare", |b| b.iter(|| compare_all(d)));
    g.finish();
}

fn main() {
    let d = data();
    print_ratios(&d);
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c, &d);
    c.final_summary();
}
