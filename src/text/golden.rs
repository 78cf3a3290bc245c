//! Golden data: what [`compare`](super::compare) and [`normalize`](super::normalize) answer,
//! recorded once in `tests/fixtures/text/golden.jsonl` and checked against both folding
//! engines: the general engine of `fold.rs` and the lean path of `lean.rs`.
//!
//! The file was written from the engine as it stood before the engine and the lean path were
//! made to share one character table, when both were still checked against a frozen copy of
//! the original engine (`reference.rs`, since deleted, which agreed on every answer): it
//! records the original behaviour. Each line is one pair of inputs `a` and `b` and what comes of it:
//! `ab` is `compare(a, b)`, `ba` is `compare(b, a)`, `na` and `nb` are `normalize(a)` and
//! `normalize(b)`, each for every [`FieldKind`] (see [`Answers`]):
//!
//! ```text
//! {"a":"髙橋　一郎","b":"●橋　一郎","ab":"substituted 0","ba":"different",
//!  "na":{"kana number":"髙橋一郎","name address":"高橋一郎","text":"高橋 一郎"},
//!  "nb":{"name kana address number":"●橋一郎","text":"●橋 一郎"}}
//! ```
//!
//! A comparison is written `same`, `different`, `equivalent <reasons>` or `substituted
//! <positions> <reasons>` (reasons in serde's snake_case, positions joined by commas).
//!
//! The inputs ([`inputs`]) are hand-picked cases for every rule of the module table, every
//! character of the ranges the engines special-case (alone, and with a substitute mark in a
//! context that changes from one character to the next), the whole kanji-variant table, and
//! pairs drawn with a fixed seed from the generators of the differential tests.
//!
//! # Regenerating
//!
//! `ONSHI_REGEN_GOLDEN=1 cargo test --lib text::golden` rewrites the file from the general
//! engine (and then checks the lean path and `compare` / `normalize` against it). That is legitimate only for a **deliberate change of behaviour**: a folding rule
//! added or changed, a pair added to the kanji-variant table, a bug fixed. Then review the
//! diff of the file line by line: every changed answer must be one the change intends, and
//! the commit must say which and why. Never regenerate to make this test pass after a
//! refactoring or an optimisation: those must not change a single answer.

use super::differential::{compare_engine, compare_lean, normalize_engine};
use super::{FieldKind, Reason, TextMatch, lean};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The file, from the crate's root.
const FILE: &str = "tests/fixtures/text/golden.jsonl";

/// The environment variable that rewrites the file instead of checking it.
const REGEN: &str = "ONSHI_REGEN_GOLDEN";

/// Whether this run rewrites the file (`ONSHI_REGEN_GOLDEN=1`).
fn regenerating() -> bool {
    std::env::var_os(REGEN).is_some_and(|v| v == "1")
}

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FILE)
}

/// One line of the file: a pair and what comes of it, per kind (see [`Answers`]).
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    a: String,
    b: String,
    /// `compare(a, b)`.
    ab: Answers,
    /// `compare(b, a)`.
    ba: Answers,
    /// `normalize(a)`.
    na: Answers,
    /// `normalize(b)`.
    nb: Answers,
}

/// One answer per [`FieldKind`], written as one string when every kind gives it, else as an
/// object from the names of the kinds that give an answer (joined by spaces) to the answer:
/// `{"name kana address number":"ミホンハナコ","text":"ミホン ハナコ"}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Answers {
    All(String),
    ByKind(std::collections::BTreeMap<String, String>),
}

/// The name of a kind in the file.
fn kind_name(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Name => "name",
        FieldKind::Kana => "kana",
        FieldKind::Address => "address",
        FieldKind::Number => "number",
        FieldKind::Text => "text",
    }
}

impl Answers {
    /// Groups the answers, given in [`FieldKind::ALL`] order.
    fn group(answers: [String; 5]) -> Answers {
        if answers.iter().all(|x| *x == answers[0]) {
            let [first, ..] = answers;
            return Answers::All(first);
        }
        let mut by: Vec<(Vec<&str>, String)> = Vec::new();
        for (kind, answer) in FieldKind::ALL.into_iter().zip(answers) {
            match by.iter_mut().find(|(_, a)| *a == answer) {
                Some((kinds, _)) => kinds.push(kind_name(kind)),
                None => by.push((vec![kind_name(kind)], answer)),
            }
        }
        Answers::ByKind(by.into_iter().map(|(k, a)| (k.join(" "), a)).collect())
    }

    /// The answer for `kind`, or why the line is malformed.
    fn get(&self, kind: FieldKind) -> Result<&str, String> {
        match self {
            Answers::All(a) => Ok(a),
            Answers::ByKind(by) => {
                let mut found = by
                    .iter()
                    .filter(|(k, _)| k.split(' ').any(|k| k == kind_name(kind)));
                match (found.next(), found.next()) {
                    (Some((_, a)), None) => Ok(a),
                    (None, _) => Err(format!("no answer for {}", kind_name(kind))),
                    (Some(_), Some(_)) => Err(format!("two answers for {}", kind_name(kind))),
                }
            }
        }
    }
}

/// How a comparison is written in the file.
fn show(m: &TextMatch) -> String {
    let reasons = |r: &[Reason]| -> String {
        r.iter()
            .map(|r| match r {
                Reason::Width => "width",
                Reason::Case => "case",
                Reason::Space => "space",
                Reason::Dash => "dash",
                Reason::KanaForm => "kana_form",
                Reason::KanjiVariant => "kanji_variant",
                Reason::Unicode => "unicode",
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    match m {
        TextMatch::Same => "same".into(),
        TextMatch::Different => "different".into(),
        TextMatch::Equivalent(r) => format!("equivalent {}", reasons(r)),
        TextMatch::Substituted {
            positions,
            reasons: r,
        } => {
            let at: Vec<String> = positions.iter().map(usize::to_string).collect();
            format!("substituted {} {}", at.join(","), reasons(r))
                .trim_end()
                .to_string()
        }
    }
}

/// The line the general engine writes for a pair.
fn line(a: &str, b: &str) -> Line {
    let per_kind = |f: &dyn Fn(FieldKind) -> String| Answers::group(FieldKind::ALL.map(f));
    Line {
        a: a.into(),
        b: b.into(),
        ab: per_kind(&|k| show(&compare_engine(a, b, k))),
        ba: per_kind(&|k| show(&compare_engine(b, a, k))),
        na: per_kind(&|k| normalize_engine(a, k)),
        nb: per_kind(&|k| normalize_engine(b, k)),
    }
}

/// Hand-picked pairs: the cases of the unit tests and the differential tests, and one or
/// more for every rule of the module table and every decision it documents.
const PICKED: &[(&str, &str)] = &[
    // The seed, the bench and the examples.
    ("ミホン　ハナコ", "ﾐﾎﾝ ﾊﾅｺ"),
    ("タカハシ　イチロウ", "ﾀｶﾊｼ ｲﾁﾛｳ"),
    ("ワタナベ　ケンタ", "ﾜﾀﾅﾍﾞ ｹﾝﾀ"),
    ("ヤマザキ　ミサキ", "ﾔﾏｻﾞｷ ﾐｻｷ"),
    ("しんりょう たろう", "ｼﾝﾘｮｳ ﾀﾛｳ"),
    ("ｼﾝﾘｮｳ ﾀﾛｳ", "シンリョウ　タロウ"),
    ("ｼﾝﾘｮｳ ﾀﾛｳ", "ｼﾝﾘｮｳ　ﾀﾛｳ"),
    ("髙橋　一郎", "高橋 一郎"),
    ("髙橋　一郎", "●橋　一郎"),
    ("髙橋", "●田"),
    ("高橋", "●田"),
    ("髙﨑　ヱミ", "●崎 エミ"),
    ("髙﨑　一郎", "●●　一郎"),
    ("髙﨑　一郎", "●　一郎"),
    ("高橋", "●●●"),
    ("髙橋1", "髙橋１"),
    ("山田　髙子", "山田 ●子"),
    ("高橋　一郎", "高橋●一郎"),
    ("●橋", "髙橋"),
    ("●橋　一郎", "●橋 一郎"),
    ("見本　花子", "見本　花子"),
    ("見本　花子", "見本　太郎"),
    ("", ""),
    ("", "高橋"),
    ("", "●"),
    (
        "東京都千代田区見本町1-2-3 サンプルハイツ101",
        "東京都千代田区見本町1－2－3　サンプルハイツ１０１",
    ),
    (
        "東京都千代田区霞が関1-2-3 ABCビル",
        "東京都千代田区霞が関１－２－３　ａｂｃビル",
    ),
    (
        "東京都千代田区霞が関1-2-3 ABCビル101",
        "東京都千代田区霞が関1-2-3 abcビル101",
    ),
    (
        "東京都千代田区霞が関1-2-3 ABCビル101",
        "東京都千代田区霞が関１－２－３ ＡＢＣビル１０１",
    ),
    (
        "東京都千代田区霞が関1-2-3 ABCビル101",
        "東京都千代田区霞が関1-2-3　ABCビル101",
    ),
    (
        "東京都千代田区霞が関1-2-3 ABCビル101",
        "東京都千代田区霞が関1-2-3ABCビル101",
    ),
    (
        "東京都千代田区霞が関1-2-3 ABCビル101",
        " 東京都千代田区霞が関１－２－３　ａｂｃビル１０１　",
    ),
    ("霞が関１ー２ー３　１０１", "霞が関1-2-3 101"),
    ("  Ａｂｃ　　ｄｅｆ ", "abc def"),
    // Spaces: every form, runs, edges, and the space kept between two digits.
    ("見本　花子", "見本 花子"),
    ("見本　花子", "見本花子"),
    ("見本　花子", "見本\u{00A0}花子"),
    ("見本　花子", "見本\t花子"),
    ("見本　花子", " 見本  花子 "),
    ("見本　花子", "見本　　花子"),
    ("見本　花子", "見本\u{2003}花子"),
    ("見本　花子", "見本\u{202F}花子"),
    ("見本　花子", "見本\n花子"),
    ("1-2-3 101", "1-2-3101"),
    ("1-2-3 101", "1-2-3　　101"),
    ("1-2-3 101", "1-2-3 \u{3000}101"),
    ("12 34", "1234"),
    ("1 2", "１　２"),
    ("1 a", "1a"),
    ("a 1", "a1"),
    ("138057", "  138057"),
    ("138057", "　　１３８０５７"),
    ("abc def", "  abc　　def "),
    ("abc def", "abcdef"),
    ("ab cd", "ab●cd"),
    ("1 2", "1●2"),
    ("1 2", "●●"),
    ("1  ", "1"),
    ("\u{3000}", " "),
    ("\u{3000}\u{3000}", ""),
    ("1 \u{0301}2", "1\u{0301}2"),
    // Width and case.
    ("12345", "１２３４５"),
    ("AB-12", "ａｂ－１２"),
    ("ab", "ＡＢ"),
    ("ＡＢ", "ａｂ"),
    ("YAMADA TARO", "Yamada Taro"),
    ("ｱｲｳ", "アイウ"),
    ("ｶﾞｷﾞﾊﾟﾋﾟｳﾞ", "ガギパピヴ"),
    ("ｶﾞｯｺｳ", "ガッコウ"),
    ("ﾊﾟﾝ", "パン"),
    ("ﾞA", "゛a"),
    ("ﾍﾞ\u{FF9E}\u{0301}", "ベ\u{3099}\u{0301}"),
    ("ￄ", "ᅴ"),
    ("￥１００", "¥100"),
    ("｡｢｣､･", "。「」、・"),
    ("Ｅ\u{0301}", "É"),
    ("Å", "A\u{030A}"),
    // Dashes and the long-vowel mark.
    ("1-2-3", "1ー2ー3"),
    ("1-2-3", "1－2－3"),
    ("1-2-3", "1‐2‐3"),
    ("1-2-3", "1—2—3"),
    ("1-2-3", "1−2−3"),
    ("1-2-3", "1─2─3"),
    ("1-2-3", "1ｰ2ｰ3"),
    ("1-2-3", "1丁目2番3号"),
    ("1-2", "12"),
    ("ｼﾝﾘｮｰ", "シンリョー"),
    ("ｼﾝﾘｮｳ", "ｼﾝﾘｮｰ"),
    ("ｼﾝﾘｮｳ", "ｼﾝﾘｮ-"),
    ("ｼﾝﾘｮｳ", "ｼﾝﾘｮ"),
    ("ジョージ", "ジョ−ジ"),
    ("ｼﾞｮｰｼﾞ", "ｼﾞｮ-ｼﾞ"),
    ("ｼﾞｮｰｼﾞ", "ジョ−ジ"),
    ("パーク1ー2", "パーク1-2"),
    ("a-b", "a―b"),
    ("-ー-", "---"),
    ("ー", "-"),
    ("カ ー", "カー"),
    ("カ\u{3099}ー", "ガ-"),
    ("ｶﾞ-", "ガー"),
    // Kana forms.
    ("ｼｮｳｺ", "ｼﾖｳｺ"),
    ("ｷｯﾄ", "ｷﾂﾄ"),
    ("ﾌｧﾝ", "ファン"),
    ("ﾌｧﾝ", "フアン"),
    ("ヴィクトル", "ウ゛ィクトル"),
    ("ヴィクトル", "ｳﾞｨｸﾄﾙ"),
    ("ゔ", "ヴ"),
    ("ウ゛", "ヴ"),
    ("ハ゜", "パ"),
    ("゛", "\u{3099}"),
    ("゛゜", "ﾞﾟ"),
    ("スヱ", "スエ"),
    ("すゑ", "スエ"),
    ("ゐ", "ヰ"),
    ("ヲ", "オ"),
    ("ヂ", "ジ"),
    ("ヅ", "ズ"),
    ("ヷ", "ワ\u{3099}"),
    ("ゝゞヽヾ", "ヽヾゝゞ"),
    ("山田　さくら", "山田 サクラ"),
    ("霞ヶ関", "霞ケ関"),
    ("霞ヶ関", "霞が関"),
    ("霞ヵ浦", "霞カ浦"),
    ("つつじヶ丘", "ツツジヶ丘"),
    ("ｼｮｳ", "ｼﾖｳ"),
    ("が", "か\u{3099}"),
    ("ぱ", "は\u{309A}"),
    ("ㇰㇱㇲ", "クシス"),
    ("\u{1B000}\u{1B001}", "エえ"),
    ("ｧｨｩｪｫｬｭｮｯ", "アイウエオヤユヨツ"),
    // Kanji variants, and what is not folded on purpose.
    ("渡邊", "渡辺"),
    ("渡邉", "渡邊"),
    ("山﨑", "山崎"),
    ("𠮷田", "吉田"),
    ("大澤", "大沢"),
    ("横濱市", "横浜市"),
    ("\u{FA10}本", "塚本"),
    ("\u{2F800}", "丽"),
    ("齋藤", "斎藤"),
    ("齊藤", "斉藤"),
    ("斎藤", "斉藤"),
    ("齋藤", "齊藤"),
    ("龍之介", "竜之介"),
    ("凜", "凛"),
    ("髙", "高"),
    ("\u{FA11}", "崎"),
    ("葛\u{E0100}飾", "葛飾"),
    ("葛\u{E0100}飾", "●飾"),
    ("辻\u{E0101}", "辻"),
    ("辻\u{FE00}", "辻"),
    ("カ\u{E0100}", "カ"),
    ("a\u{FE0F}", "a"),
    ("\u{E0100}", ""),
    ("\u{FE0F}", ""),
    // The rest of NFKC, composition, format characters, code-mapping twins.
    ("1丁目", "①丁目"),
    ("(株)見本", "㈱見本"),
    ("平成", "㍻"),
    ("山田", "⼭田"),
    ("見本\u{200B}花子", "見本花子"),
    ("見本\u{FEFF}花子", "見本\u{00AD}花子"),
    ("1〜3", "1～3"),
    ("1〜3", "1~3"),
    ("‖", "∥"),
    ("é", "e\u{0301}"),
    ("a\u{0301}\u{0316}", "a\u{0316}\u{0301}"),
    ("a\u{0301} \u{0316}", "a\u{0316}\u{0301}"),
    ("\u{D55C}", "\u{1112}\u{1161}\u{11AB}"),
    ("가", "가"),
    ("ﬁ", "fi"),
    ("½", "1⁄2"),
    ("x²", "x2"),
    ("Ⅻ", "XII"),
    ("\u{FDFA}", "●"),
    ("\u{1F468}\u{200D}\u{1F469}", "\u{1F468}\u{1F469}"),
    ("\u{FFFD}", "●"),
    // Substitute marks: each stands for one unit of the registered text, never for a space.
    ("髙橋", "\u{26AB}\u{FE0F}橋"),
    ("髙橋　一郎", "\u{26AB}\u{FE0E}橋 一郎"),
    ("髙橋", "〓橋"),
    ("𠮷田", "●田"),
    ("ｶﾞ", "●"),
    ("ガ", "●"),
    ("か\u{3099}", "●"),
    ("ｶﾞ", "●ﾞ"),
    ("a\u{0301}", "●"),
    ("1 2", "1 ●"),
    ("1-2", "1●2"),
    ("ab", "●"),
    ("a", "●●"),
    ("■", "●"),
    ("⚫", "●"),
    ("●", "●"),
    ("●\u{FE0F}", "●"),
    ("\u{26AB}\u{FE0F}\u{FE0F}", "●"),
    ("ﾀｶﾊｼ", "ﾀ●ﾊｼ"),
    ("タカハシ", "ﾀ●ﾊｼ"),
    ("高ー", "●ー"),
    ("高ー", "●-"),
    ("カー", "●-"),
    ("髙　橋", "● 橋"),
    ("①", "●"),
];

/// Characters checked one by one besides the blocks [`sweep`] walks: spaces, dashes, format
/// characters, variation selectors, substitute marks, and the edges of the ideograph blocks.
const SINGLES: &[u32] = &[
    0x00A0, 0x00AD, 0x00B2, 0x00BD, 0x00C5, 0x00E9, 0x0301, 0x0316, 0x1100, 0x1161, 0x2003, 0x2010,
    0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x200B, 0x200D, 0x2016, 0x2028, 0x202F, 0x205F, 0x2060,
    0x2212, 0x216B, 0x2225, 0x2460, 0x2500, 0x25A0, 0x25CF, 0x26AB, 0x2E80, 0x2F2D, 0x3400, 0x4DBF,
    0x4E00, 0x9FFF, 0xD55C, 0xF900, 0xFA10, 0xFA11, 0xFB01, 0xFDFA, 0xFE0E, 0xFE0F, 0xFE58, 0xFE63,
    0xFEFF, 0xFFFD, 0x1B000, 0x1B001, 0x1F468, 0x20000, 0x20BB7, 0x2F800, 0x2FA1F, 0x30000,
    0x3FFFF, 0xE0100, 0xE01EF,
];

/// Contexts and suffixes for the second line of each swept character, taken in turn.
const BEFORE: [&str; 8] = ["カ", "1 ", "a", "高", "ｶ", "", "1", "か "];
const AFTER: [&str; 5] = ["", "ﾞ", "2", "ー", "\u{3099}"];

/// Every character of the blocks the engines special-case (ASCII, CJK punctuation and kana,
/// the small katakana extension, the half-width and full-width forms) and of [`SINGLES`]:
/// once alone against its NFKC form, and once in a context against the same context with a
/// substitute mark in its place.
fn sweep(out: &mut Vec<(String, String)>) {
    use unicode_normalization::UnicodeNormalization;
    let blocks = (0x00..=0x7F)
        .chain(0x3000..=0x30FF)
        .chain(0x31F0..=0x31FF)
        .chain(0xFF00..=0xFFEF)
        .chain(SINGLES.iter().copied());
    for (i, c) in blocks.filter_map(char::from_u32).enumerate() {
        let alone = c.to_string();
        out.push((alone.clone(), alone.nfkc().collect()));
        let (before, after) = (BEFORE[i % BEFORE.len()], AFTER[i % AFTER.len()]);
        out.push((format!("{before}{c}{after}"), format!("{before}●{after}")));
    }
}

/// The kanji-variant table, forty pairs a line: the variants against their canonical forms.
fn kanji(out: &mut Vec<(String, String)>) {
    let pairs: Vec<(char, char)> = super::kanji_variants().collect();
    for chunk in pairs.chunks(40) {
        out.push((
            chunk.iter().map(|p| p.0).collect(),
            chunk.iter().map(|p| p.1).collect(),
        ));
    }
}

/// Pairs drawn with a fixed seed from the differential tests' generators: random pairs
/// (mostly different) and respelled pairs (mostly equivalent or substituted).
fn random(out: &mut Vec<(String, String)>) {
    use super::differential::{respell, text};
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    fn draw<S: Strategy>(s: &S, runner: &mut TestRunner) -> Option<S::Value> {
        s.new_tree(runner).ok().map(|t| t.current())
    }
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[0x60; 32]),
    );
    let choices = proptest::collection::vec(proptest::arbitrary::any::<u8>(), 1..16);
    for _ in 0..RANDOM {
        if let (Some(a), Some(b)) = (draw(&text(), &mut runner), draw(&text(), &mut runner)) {
            out.push((a, b));
        }
    }
    for _ in 0..RESPELLED {
        if let (Some(a), Some(c)) = (draw(&text(), &mut runner), draw(&choices, &mut runner)) {
            let b = respell(&a, &c);
            out.push((a, b));
        }
    }
}

/// How many pairs [`random`] draws of each sort.
const RANDOM: usize = 200;
const RESPELLED: usize = 450;

/// The pairs that do not depend on a random generator: [`PICKED`], [`sweep`] and [`kanji`].
fn fixed_inputs() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = PICKED
        .iter()
        .map(|&(a, b)| (a.to_string(), b.to_string()))
        .collect();
    sweep(&mut all);
    kanji(&mut all);
    all
}

/// Every input pair of the file, in its order, without repeats.
fn inputs() -> Vec<(String, String)> {
    let mut all = fixed_inputs();
    random(&mut all);
    let mut seen = std::collections::HashSet::new();
    all.retain(|p| seen.insert(p.clone()));
    all
}

fn read() -> Vec<Line> {
    let text = std::fs::read_to_string(path())
        .unwrap_or_else(|e| panic!("{FILE}: {e} (generate it with {REGEN}=1)"));
    text.lines()
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{FILE}:{}: {e}", i + 1)))
        .collect()
}

fn write(lines: &[Line]) {
    let mut text = String::new();
    for l in lines {
        text.push_str(&serde_json::to_string(l).unwrap_or_default());
        text.push('\n');
    }
    if let Some(dir) = path().parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path(), text).unwrap_or_else(|e| panic!("{FILE}: {e}"));
}

/// With `ONSHI_REGEN_GOLDEN=1`: rewrites the file (see the [module docs](self) for when that
/// is legitimate). Otherwise checks it: the general engine and the lean path (where it does
/// not give up) give every recorded answer.
#[test]
fn engine_and_lean_path_give_the_recorded_answers() {
    if regenerating() {
        let lines: Vec<Line> = inputs().iter().map(|(a, b)| line(a, b)).collect();
        write(&lines);
        eprintln!("{FILE}: wrote {} lines", lines.len());
    }
    let lines = read();
    assert!(lines.len() > 1000, "{FILE}: only {} lines", lines.len());
    let mut wrong: Vec<String> = Vec::new();
    let (mut checked, mut failed) = (0usize, 0usize);
    let (mut lean_compared, mut lean_normalized) = (0usize, 0usize);
    for (n, l) in lines.iter().enumerate() {
        for kind in FieldKind::ALL {
            let mut check = |what: &str, got: &str, want: &Answers| {
                checked += 1;
                let want = want.get(kind);
                if want.as_deref() == Ok(got) {
                    return;
                }
                failed += 1;
                if wrong.len() < 40 {
                    let recorded = match want {
                        Ok(w) => format!("recorded {w:?}"),
                        Err(e) => format!("malformed line: {e}"),
                    };
                    wrong.push(format!(
                        "{FILE}:{} {kind:?} {what}: {got:?}, {recorded} (a = {:?}, b = {:?})",
                        n + 1,
                        l.a,
                        l.b
                    ));
                }
            };
            for (x, y, want) in [(&l.a, &l.b, &l.ab), (&l.b, &l.a, &l.ba)] {
                check("engine compare", &show(&compare_engine(x, y, kind)), want);
                if let Some(m) = compare_lean(x, y, kind) {
                    lean_compared += 1;
                    check("lean compare", &show(&m), want);
                }
                check("compare", &show(&super::compare(x, y, kind)), want);
            }
            for (s, want) in [(&l.a, &l.na), (&l.b, &l.nb)] {
                check("engine normalize", &normalize_engine(s, kind), want);
                if let Some(key) = lean::normalize(s, kind) {
                    lean_normalized += 1;
                    check("lean normalize", &key, want);
                }
                check("normalize", &super::normalize(s, kind), want);
            }
        }
    }
    assert!(
        failed == 0,
        "{failed} answers of {checked} differ from the golden file; the first:\n{}",
        wrong.join("\n")
    );
    // The lean path must have answered a good share, or the check above says little of it.
    let cases = lines.len() * FieldKind::ALL.len() * 2;
    assert!(
        lean_compared * 3 > cases && lean_normalized * 3 > cases,
        "the lean path answered only {lean_compared} comparisons and {lean_normalized} \
         normalizations of {cases}"
    );
}

/// Every pair the generator makes without randomness is in the file: a case added to
/// [`PICKED`] (or a block added to the sweep) fails here until the file is regenerated. The
/// random pairs are not checked, so that a new version of the generator library does not
/// force a regeneration.
#[test]
fn file_holds_every_fixed_input() {
    if regenerating() {
        return; // the file is being written by the other test
    }
    let file: std::collections::HashSet<(String, String)> =
        read().into_iter().map(|l| (l.a, l.b)).collect();
    let missing: Vec<(String, String)> = fixed_inputs()
        .into_iter()
        .filter(|p| !file.contains(p))
        .collect();
    assert!(
        missing.is_empty(),
        "{FILE} lacks {} generated pairs (regenerate it, see the module docs); the first: {:?}",
        missing.len(),
        missing.first()
    );
}
