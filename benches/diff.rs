//! `diff::compare` throughput on 10,000 realistic record pairs, beside the floor: plain string
//! equality over the same fields in the same run. Prints the ratio (goal: ≤ 10×).
//!
//! The pairs are generated deterministically and are fictitious. Like real traffic, the
//! returned side is written the way the terminal writes it (half-width kana), and the pairs
//! mix: identical, width/space forms, kana forms, kanji variants, ● substitutes, and real
//! changes of address or insurer.

use chrono::NaiveDate;
use criterion::{Criterion, Throughput};
use onshi::Personal;
use onshi::codes::*;
use onshi::diff::{self, DiffContext, QueryKind};
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, InsurerNumber, Mode};
use onshi::model::Qualification;
use onshi::model::{CardKey, Field, PersonIdentity};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PAIRS: usize = 10_000;

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

const FAMILY: &[(&str, &str, &str)] = &[
    ("髙橋", "タカハシ", "ﾀｶﾊｼ"),
    ("渡邊", "ワタナベ", "ﾜﾀﾅﾍﾞ"),
    ("山﨑", "ヤマザキ", "ﾔﾏｻﾞｷ"),
    ("齋藤", "サイトウ", "ｻｲﾄｳ"),
    ("見本", "ミホン", "ﾐﾎﾝ"),
    ("佐藤", "サトウ", "ｻﾄｳ"),
    ("鈴木", "スズキ", "ｽｽﾞｷ"),
    ("田中", "タナカ", "ﾀﾅｶ"),
];
const GIVEN: &[(&str, &str, &str)] = &[
    ("花子", "ハナコ", "ﾊﾅｺ"),
    ("一郎", "イチロウ", "ｲﾁﾛｳ"),
    ("美咲", "ミサキ", "ﾐｻｷ"),
    ("健太", "ケンタ", "ｹﾝﾀ"),
];
const VARIANT: &[(&str, &str)] = &[
    ("髙橋", "高橋"),
    ("渡邊", "渡辺"),
    ("山﨑", "山崎"),
    ("齋藤", "斉藤"),
];

fn insurer(body: &str) -> InsurerNumber {
    let cd = onshi::ids::check_digit(body).unwrap_or(0);
    InsurerNumber::parse(&format!("{body}{cd}"), Mode::Lenient).unwrap()
}

fn pairs() -> Vec<(Qualification, Qualification)> {
    let mut g = Lcg(0x5eed);
    (0..PAIRS)
        .map(|i| {
            let (fam, fam_kana, fam_hw) = FAMILY[g.next() as usize % FAMILY.len()];
            let (giv, giv_kana, giv_hw) = GIVEN[g.next() as usize % GIVEN.len()];
            let town = g.pick(&["見本町", "中央", "本町", "駅前"]);
            let n = g.next() % 30 + 1;
            let address = format!("東京都千代田区{town}{n}-2-3 サンプルハイツ101");
            let birth = NaiveDate::from_ymd_opt(
                1940 + (g.next() % 80) as i32,
                1 + (g.next() % 12) as u32,
                1 + (g.next() % 28) as u32,
            );
            let reg = Qualification {
                card: CardKey {
                    insurer_number: Some(insurer(
                        g.pick(&["0613999", "0113001", "3913115", "13805"]),
                    )),
                    insured_card_symbol: Some(
                        CardSymbol::parse(g.pick(&["見本12", "12-3", "ABC"]), Mode::Lenient)
                            .unwrap(),
                    ),
                    insured_identification_number: Some(
                        CardNumber::parse(&format!("{}", 1000 + i), Mode::Lenient).unwrap(),
                    ),
                    insured_branch_number: Some(BranchNumber::parse("01", Mode::Lenient).unwrap()),
                },
                person: PersonIdentity {
                    name: Some(format!("{fam}　{giv}").into()),
                    name_kana: Some(format!("{fam_kana}　{giv_kana}").into()),
                    sex1: Some(if g.next() % 2 == 0 {
                        Sex::Male
                    } else {
                        Sex::Female
                    }),
                    birthdate: birth.map(Personal::new),
                    address: Some(address.clone().into()),
                    post_number: Some("100-0001".into()),
                    ..Default::default()
                },
                insured_card_classification: Some(InsuredCardClassification::General),
                personal_family_classification: Some(PersonalFamilyClassification::Insured),
                insurer_name: Some("見本健康保険組合".into()),
                qualification_date: NaiveDate::from_ymd_opt(2015, 4, 1),
                insured_card_valid_date: NaiveDate::from_ymd_opt(2015, 4, 1),
                ..Default::default()
            };
            // The terminal writes kana half-width.
            let mut ret = Qualification {
                person: PersonIdentity {
                    name_kana: Some(format!("{fam_hw} {giv_hw}").into()),
                    ..reg.clone().person
                },
                ..reg.clone()
            };
            match g.next() % 10 {
                // Identical apart from the kana form (the common case).
                0..=3 => {}
                // Width and space forms in the address.
                4 => {
                    ret.person.address = Some(
                        address
                            .replace('-', "－")
                            .replace(' ', "　")
                            .replace("101", "１０１")
                            .into(),
                    )
                }
                // Kanji variant in the name.
                5 => {
                    let (old, new) = VARIANT[g.next() as usize % VARIANT.len()];
                    ret.person.name = Some(format!("{new}　{giv}").into());
                    if let Some(n) = reg.person.name.as_ref() {
                        if !n.contains(old) {
                            ret.person.name = reg.person.name.clone();
                        }
                    }
                }
                // ● for a character the national system cannot show.
                6 => {
                    ret.person.name =
                        Some(format!("●{}　{giv}", fam.chars().skip(1).collect::<String>()).into())
                }
                // A real address change.
                7 => ret.person.address = Some("大阪府見本市中央1-1".into()),
                // A new insurer (new qualification).
                8 => ret.card.insurer_number = Some(insurer("0113002")),
                // Validity start differs (known-benign).
                _ => ret.insured_card_valid_date = NaiveDate::from_ymd_opt(2024, 10, 1),
            }
            (reg, ret)
        })
        .collect()
}

/// The floor: plain string equality over the same fields, as a naive EMR would do.
fn floor(pairs: &[(Qualification, Qualification)]) -> usize {
    let mut differing = 0;
    for (a, b) in pairs {
        for f in Field::ALL {
            if f.display(a) != f.display(b) {
                differing += 1;
            }
        }
    }
    differing
}

/// The floor without allocation: direct equality of every compared field.
fn floor_eq(pairs: &[(Qualification, Qualification)]) -> usize {
    let mut differing = 0usize;
    for (a, b) in pairs {
        let eqs = [
            a.person.name == b.person.name,
            a.person.name_kana == b.person.name_kana,
            a.person.name_of_other == b.person.name_of_other,
            a.person.name_of_other_kana == b.person.name_of_other_kana,
            a.person.sex1 == b.person.sex1,
            a.person.sex2 == b.person.sex2,
            a.person.birthdate == b.person.birthdate,
            a.person.address == b.person.address,
            a.person.post_number == b.person.post_number,
            a.insured_name == b.insured_name,
            a.reference_number == b.reference_number,
            a.insured_card_classification == b.insured_card_classification,
            a.card.insurer_number == b.card.insurer_number,
            a.card.insured_card_symbol == b.card.insured_card_symbol,
            a.card.insured_identification_number == b.card.insured_identification_number,
            a.card.insured_branch_number == b.card.insured_branch_number,
            a.personal_family_classification == b.personal_family_classification,
            a.insured_partial_contribution_ratio == b.insured_partial_contribution_ratio,
            a.elderly_recipient == b.elderly_recipient,
            a.preschool_classification == b.preschool_classification,
            a.medical_tickets == b.medical_tickets,
            a.insurer_name == b.insurer_name,
            a.qualification_date == b.qualification_date,
            a.disqualification_date == b.disqualification_date,
            a.reason_of_loss == b.reason_of_loss,
            a.insured_certificate_issuance_date == b.insured_certificate_issuance_date,
            a.insured_card_valid_date == b.insured_card_valid_date,
            a.insured_card_expiration_date == b.insured_card_expiration_date,
            a.limit_certificate == b.limit_certificate,
            a.specific_diseases == b.specific_diseases,
        ];
        differing += eqs.iter().filter(|e| !**e).count();
    }
    differing
}

fn compare_all(pairs: &[(Qualification, Qualification)], ctx: &DiffContext) -> usize {
    pairs
        .iter()
        .map(|(a, b)| diff::compare_records(a, b, ctx).fields.len())
        .sum()
}

/// The fastest of `runs` interleaved runs of each workload: under a shared machine the
/// minimum is the least disturbed estimate, and interleaving exposes every workload to the same
/// conditions.
fn fastest<const N: usize>(runs: usize, mut work: [&mut dyn FnMut() -> usize; N]) -> [Duration; N] {
    let mut best = [Duration::MAX; N];
    for _ in 0..runs {
        for (i, w) in work.iter_mut().enumerate() {
            let t = Instant::now();
            black_box(w());
            best[i] = best[i].min(t.elapsed());
        }
    }
    best
}

fn main() {
    let pairs = pairs();
    let ctx = DiffContext::new(
        NaiveDate::from_ymd_opt(2025, 4, 10).unwrap_or_default(),
        QueryKind::MyNumberCard,
    );

    let same: Vec<(Qualification, Qualification)> =
        pairs.iter().map(|(a, _)| (a.clone(), a.clone())).collect();
    let [eq, text_eq, cmp, eq_same, own] = fastest(
        21,
        [
            &mut || floor_eq(black_box(&pairs)),
            &mut || floor(black_box(&pairs)),
            &mut || compare_all(black_box(&pairs), &ctx),
            &mut || floor_eq(black_box(&same)),
            &mut || compare_all(black_box(&same), &ctx),
        ],
    );
    let per = |d: Duration| d.as_nanos() as f64 / PAIRS as f64;
    println!("diff bench ({PAIRS} pairs, fastest of 21 interleaved runs)");
    println!(
        "  floor, field equality:             {:>7.0} ns/pair",
        per(eq)
    );
    println!(
        "  floor, equality of display strings: {:>7.0} ns/pair",
        per(text_eq)
    );
    println!(
        "  diff::compare:                     {:>7.0} ns/pair",
        per(cmp)
    );
    println!(
        "  identical pairs: compare {:.0} ns/pair, floor {:.0} ns/pair: {:.1}x",
        per(own),
        per(eq_same),
        own.as_secs_f64() / eq_same.as_secs_f64()
    );
    println!(
        "  ratio compare / field-equality floor: {:.1}x (goal <= 10x)",
        cmp.as_secs_f64() / eq.as_secs_f64()
    );
    println!(
        "  ratio compare / display-string floor: {:.1}x",
        cmp.as_secs_f64() / text_eq.as_secs_f64()
    );

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("diff");
    g.throughput(Throughput::Elements(PAIRS as u64));
    g.bench_function("floor_field_equality", |b| {
        b.iter(|| floor_eq(black_box(&pairs)))
    });
    g.bench_function("floor_string_equality", |b| {
        b.iter(|| floor(black_box(&pairs)))
    });
    g.bench_function("compare", |b| {
        b.iter(|| compare_all(black_box(&pairs), &ctx))
    });
    g.finish();
    c.final_summary();
}
