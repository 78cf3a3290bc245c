//! `onshi demo`: the library's tour for a newcomer. In a temporary folder it starts the
//! terminal emulator and walks through the seed's operations with the real client, printing
//! each step in Japanese and English.

mod kouhi;
mod reception;
pub(crate) mod steps;
pub(crate) mod ui;

use clap::Args;
use onshi::codes::{Code, QualificationValidity};
use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::model::{CardKey, DocumentQuery};
use onshi::model::{MessageHeader, QualificationQuery};
use onshi::terminal::dataset::Person;
use onshi::terminal::{
    Behaviour, BulkOptions, BulkProgress, Client, ClientOptions, DocumentAnswer, DocumentKind,
    Emulator, EmulatorConfig, Layout, TerminalError, WatchConfig, now_jst,
};
use onshi::xml::{DocumentRequest, Family, Message, QualificationRequest, QualificationResponse};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use ui::{describe, drug_lines, query_for, s, say, summary, title};

/// Arguments of `onshi demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Keep the demo folder (req/, res/, face/, journal) in this directory instead of a
    /// temporary one that is removed at the end.
    #[arg(long)]
    keep: Option<PathBuf>,
    /// The emulated terminal's answer delay in milliseconds.
    #[arg(long, default_value_t = 30)]
    delay_ms: u64,
    /// The seed flow from a cloud EMR's side: emulator + relay (SQLite) + agent
    /// (needs the features `agent` and `relay`).
    #[arg(long)]
    cloud: bool,
}

const T: Duration = Duration::from_secs(20);
/// The wait used by the demo steps.
pub(crate) const T2: Duration = T;

pub(crate) struct Demo {
    pub emu: Emulator,
    pub client: Client,
    pub steps: Vec<(String, bool)>,
    pub charts: Vec<steps::Chart>,
}

impl Demo {
    pub(crate) fn person(&self, label_prefix: &str) -> Person {
        self.emu
            .dataset()
            .persons
            .iter()
            .find(|p| p.label.starts_with(label_prefix))
            .cloned()
            .unwrap_or_else(|| self.emu.dataset().persons[0].clone())
    }

    pub(crate) fn done(&mut self, what: &str, ok: bool) {
        self.steps.push((what.to_string(), ok));
    }

    pub(crate) fn query(&self, p: &Person) -> Result<QualificationResponse, TerminalError> {
        self.client.query(query_for(p), now_jst().date(), T)
    }

    fn bulk_precheck(&mut self, n: usize) {
        title(
            n,
            "明日の予約の一括事前確認",
            "Bulk pre-check of tomorrow's appointments",
        );
        let tomorrow = now_jst().date() + chrono::Duration::days(1);
        let labels = [
            "社保 本人",
            "国保 家族",
            "後期高齢 2割",
            "高齢受給者 3割",
            "未就学",
            "無効（資格喪失）",
            "該当資格なし",
            "限度額 A",
            "特定疾病",
        ];
        let persons: Vec<Person> = labels.iter().map(|l| self.person(l)).collect();
        let queries: Vec<QualificationQuery> = persons
            .iter()
            .enumerate()
            .map(|(i, p)| QualificationQuery {
                arbitrary_identifier: Some(format!("予約{:02}", i + 1)),
                ..query_for(p)
            })
            .collect();
        let upload = Message::QualificationRequest(QualificationRequest {
            header: MessageHeader {
                qualification_confirmation_date: Some(tomorrow),
                ..Default::default()
            },
            queries,
            ..Default::default()
        });
        let opts = BulkOptions {
            deadline: Duration::from_secs(30),
            step_timeout: T,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(400),
            ..BulkOptions::default()
        };
        let mut trail = Vec::new();
        let result = self
            .client
            .bulk(Family::BulkQualification, &upload, &opts, &mut |p| {
                trail.push(match p {
                    BulkProgress::Submitted => "一括照会（01）を送信".to_string(),
                    BulkProgress::Accepted { reception_number } => {
                        format!("受付番号 {reception_number}")
                    }
                    BulkProgress::Processing { polls, .. } => {
                        format!("ダウンロード（02）{polls} 回目: 処理中")
                    }
                    BulkProgress::Done { polls } => format!("{polls} 回目で結果を受信"),
                    _ => String::new(),
                })
            });
        say(
            &format!(
                "資格確認日 {} の予約 {} 件: {}",
                tomorrow,
                persons.len(),
                trail.join(" → ")
            ),
            "01 upload → reception number → 02 polled with backoff while 処理中 → results",
        );
        match result {
            Ok(out) => {
                if let Message::BulkQualificationResponse(b) = &out.message {
                    let mut attention = 0;
                    for u in &b.units {
                        let id = u
                            .query_echo
                            .as_ref()
                            .and_then(|q| q.arbitrary_identifier.clone())
                            .unwrap_or_default();
                        let name = u
                            .results
                            .first()
                            .map(|q| s(&q.person.name).to_string())
                            .unwrap_or_else(|| "—".into());
                        let v = u
                            .qualification_validity
                            .as_ref()
                            .map(|v| v.label())
                            .unwrap_or("エラー");
                        let ok = u.qualification_validity == Some(QualificationValidity::Valid);
                        if !ok {
                            attention += 1;
                        }
                        println!("    {} {id}  {name:<12} {v}", if ok { "✔" } else { "⚠" });
                    }
                    say(
                        &format!(
                            "来院前に確認が必要な予約: {attention} 件（受付で保険証の原本を確認）"
                        ),
                        &format!("{attention} appointments need attention before the visit"),
                    );
                }
                self.done("一括事前確認 / bulk pre-check", true);
            }
            Err(e) => {
                say(&format!("失敗: {e}"), "failed");
                self.done("一括事前確認 / bulk pre-check", false);
            }
        }
    }

    fn documents(&mut self, n: usize) {
        title(
            n,
            "薬剤情報・特定健診情報（同意あり／なし）",
            "Drug and checkup information, with and without consent",
        );
        let now = now_jst();
        let mut ok = true;
        for (label, expect_doc) in [
            ("薬剤・特定健診 同意あり", true),
            ("薬剤 同意なし", false),
            ("薬剤 同意期限切れ", false),
        ] {
            let p = self.person(label);
            let r = match self.query(&p) {
                Ok(r) => r,
                Err(e) => {
                    say(&format!("照会に失敗: {e}"), "query failed");
                    ok = false;
                    continue;
                }
            };
            let q = r.body.results.first().cloned().unwrap_or_default();
            let c = &q.consents.pharmacists;
            let until = c
                .available_time
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "—".into());
            say(
                &format!(
                    "{}: 薬剤情報の閲覧同意 {}（期限 {until}）",
                    s(&q.person.name),
                    c.flag.as_ref().map(|f| f.label()).unwrap_or("なし")
                ),
                &format!(
                    "consent flag and expiry from the last result; valid now: {}",
                    c.is_valid_at(now)
                ),
            );
            let x = &q;
            let req = DocumentRequest {
                query: DocumentQuery {
                    start_month: Some(
                        (now.date() - chrono::Duration::days(180))
                            .format("%Y%m")
                            .to_string(),
                    ),
                    end_month: Some(now.format("%Y%m").to_string()),
                    file_category: Some(onshi::codes::FileCategory::Xml),
                    pr_di_inf_classification: Some("1".into()),
                    medical_treatment_flag: Some(onshi::codes::MedicalTreatmentFlag::Ordinary),
                },
                card: CardKey {
                    insurer_number: x.card.insurer_number.clone(),
                    insured_card_symbol: x.card.insured_card_symbol.clone(),
                    insured_identification_number: x.card.insured_identification_number.clone(),
                    insured_branch_number: x.card.insured_branch_number.clone(),
                },
                ..Default::default()
            };
            let taken_before = self.emu.stats().taken;
            match self.client.document(DocumentKind::DrugInfo, c, req, now, T) {
                Ok(DocumentAnswer::Xml(d)) => {
                    let drugs = drug_lines(&d.body);
                    say(
                        &format!(
                            "→ 薬剤情報を取得しました（YZKsiquc01res, ResultCode {}）: {}",
                            d.outcome.result_code.as_deref().unwrap_or("?"),
                            drugs.join("、")
                        ),
                        "→ YZKsiquc01req written, the XML document read back",
                    );
                    ok &= expect_doc;
                }
                Ok(DocumentAnswer::NotConsented(r)) => {
                    say(
                        &format!("→ 「{}」 {}", r.message_ja(), r.advice_ja()),
                        "→ not requested: no valid consent; nothing was written to req/",
                    );
                    ok &= !expect_doc && self.emu.stats().taken == taken_before;
                }
                Ok(_) => ok = false,
                Err(e) => {
                    say(&format!("→ 失敗: {e}"), "failed");
                    ok = false;
                }
            }
        }
        self.done(
            "薬剤情報 同意あり・なし / drug info with and without consent",
            ok,
        );
    }

    fn public_assistance(&mut self, n: usize) {
        title(n, "医療扶助（生活保護）", "Public assistance (医療扶助)");
        let p = self.person("医療扶助（A1");
        let mut ok = false;
        match self.emu.push_face(&p.id).and_then(|_| {
            self.client
                .next_face(T)?
                .ok_or_else(|| TerminalError::InvalidRequest {
                    reason: "no face event".into(),
                })
        }) {
            Ok(e) => {
                let _ = self.client.ack_face(&e);
                if let Ok(r) = &e.result {
                    for q in &r.body.results {
                        say(
                            &format!("顔認証: {}", describe(q)),
                            "face result: card class A1 = 医療扶助; insurer number = 公費負担者番号",
                        );
                        for t in &q.medical_tickets {
                            say(
                                &format!(
                                    "医療券: 交付番号 {}  診療年月 {}  指定医療機関 {}",
                                    t.issue_number.as_deref().unwrap_or("—"),
                                    t.medical_treatment_month.as_deref().unwrap_or("—"),
                                    t.designated_medical_institution_name
                                        .as_deref()
                                        .unwrap_or("—")
                                ),
                                "medical ticket (医療券) returned with the result",
                            );
                        }
                        ok = q.is_public_assistance();
                    }
                }
            }
            Err(e) => say(&format!("失敗: {e}"), "failed"),
        }
        // The whole clinic's recipients for this month (OQSmutic bulk).
        let upload = Message::QualificationRequest(QualificationRequest {
            queries: vec![QualificationQuery {
                medical_treatment_month: Some(now_jst().format("%Y%m").to_string()),
                ..Default::default()
            }],
            ..Default::default()
        });
        let opts = BulkOptions {
            deadline: Duration::from_secs(30),
            step_timeout: T,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(400),
            ..BulkOptions::default()
        };
        match self
            .client
            .bulk(Family::BulkMedicalAssistance, &upload, &opts, &mut |_| {})
        {
            Ok(out) => {
                if let Message::BulkQualificationResponse(b) = out.message {
                    for u in &b.units {
                        let v = u
                            .qualification_validity
                            .as_ref()
                            .map(|v| v.label())
                            .unwrap_or("—");
                        let name = u
                            .results
                            .first()
                            .map(|q| s(&q.person.name).to_string())
                            .unwrap_or_default();
                        say(&format!("医療扶助 一括取得: {name}  資格有効性 {v}"), "");
                    }
                    say(
                        "資格有効性 6「有効（未登録）」: 資格は有効、今月の医療券がまだ登録されていません。",
                        "validity 6: assistance valid, this month's ticket not registered yet",
                    );
                }
            }
            Err(e) => {
                say(&format!("医療扶助 一括取得に失敗: {e}"), "bulk failed");
                ok = false;
            }
        }
        self.done("医療扶助 / public assistance", ok);
    }

    fn terminal_down(&mut self, n: usize) {
        title(
            n,
            "端末（連携アプリケーション）が止まっているとき",
            "When the terminal's link program is not running",
        );
        self.emu.set_behaviour(Behaviour::Down);
        let p = self.person("社保 本人");
        let started = Instant::now();
        let r = self
            .client
            .query(query_for(&p), now_jst().date(), Duration::from_millis(1500));
        let mut ok = false;
        match r {
            Err(TerminalError::NotAnswering(na)) => {
                say(
                    &format!(
                        "{:.1} 秒待っても結果が返りません。受付画面の表示:",
                        started.elapsed().as_secs_f64()
                    ),
                    "no answer within the timeout; what staff see:",
                );
                for line in na.to_text_ja().lines() {
                    println!("      {line}");
                }
                ok = na.request_still_in_req;
                self.emu.set_behaviour(Behaviour::Normal);
                let pending = self.client.pending().unwrap_or_default();
                say(
                    &format!(
                        "連携アプリケーションを起動すると、保留中の照会 {} 件の結果を受け取れます。",
                        pending.len()
                    ),
                    "the ticket stayed in the journal; once the link program runs, its answer is collected",
                );
                for t in pending {
                    if let Ok(Message::QualificationResponse(r)) = self.client.wait(&t, T) {
                        say(&format!("→ 受信: {}", summary(&r)), "→ received");
                    }
                }
            }
            other => say(&format!("想定外: {:?}", other.map(|_| ())), "unexpected"),
        }
        self.emu.set_behaviour(Behaviour::Normal);
        self.done("端末停止の検知 / terminal down detected", ok);
    }
}

/// Runs the demo.
pub fn demo(args: DemoArgs) -> ExitCode {
    if args.cloud {
        #[cfg(all(feature = "agent", feature = "relay"))]
        return crate::cloud_demo::run(args.keep.clone(), args.delay_ms);
        #[cfg(not(all(feature = "agent", feature = "relay")))]
        {
            eprintln!("onshi demo --cloud needs a build with --features cli,agent,relay");
            return ExitCode::from(2);
        }
    }
    let started = Instant::now();
    let (root, remove) = match &args.keep {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!(
                "onshi-demo-{}-{}",
                std::process::id(),
                now_jst().format("%H%M%S%f")
            )),
            true,
        ),
    };
    println!(
        "onshi demo — オンライン資格確認の流れを、端末エミュレーターと本物のクライアントでたどります。"
    );
    println!(
        "(the online eligibility flow, walked through with the terminal emulator and the real client)"
    );
    println!("作業フォルダ / folder: {}", root.display());
    let mut cfg = EmulatorConfig::new(&root);
    cfg.delay = Duration::from_millis(args.delay_ms);
    cfg.processing_polls = 1;
    let emu = match Emulator::start(cfg) {
        Ok(e) => e,
        Err(e) => {
            crate::report(&e);
            return ExitCode::from(1);
        }
    };
    let client = match Client::open(
        Layout::new(&root),
        ClientOptions {
            medical_institution_code: MedicalInstitutionCode::parse("1310000003", Mode::Strict)
                .ok(),
            watch: WatchConfig {
                use_events: true,
                rescan_interval: Duration::from_millis(200),
            },
            recheck_interval: Duration::from_millis(200),
            ..ClientOptions::default()
        },
    ) {
        Ok(c) => c,
        Err(e) => {
            crate::report(&e);
            return ExitCode::from(1);
        }
    };
    println!(
        "端末エミュレーター起動: 架空の被保険者 {} 人 / emulator started with {} fictitious persons (events: {})",
        emu.dataset().persons.len(),
        emu.dataset().persons.len(),
        client.events_active()
    );
    let mut d = Demo {
        emu,
        client,
        steps: Vec::new(),
        charts: Vec::new(),
    };
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    steps::identity_steps(&mut d, &mut next);
    d.bulk_precheck(next());
    d.documents(next());
    steps::unlink_step(&mut d, &mut next);
    reception::reception_steps(&mut d, &mut next);
    d.public_assistance(next());
    kouhi::public_expense_step(&mut d, &mut next);
    d.terminal_down(next());

    println!();
    println!("━━ まとめ / Summary ━━");
    let mut all = true;
    for (what, ok) in &d.steps {
        println!("  {} {what}", if *ok { "✔" } else { "✘" });
        all &= ok;
    }
    let stats = d.emu.stats();
    println!(
        "  端末への要求 {} 件・結果 {} 件・顔認証 {} 件、所要 {:.1} 秒 / {} requests, {} answers, {} face results in {:.1} s",
        stats.taken,
        stats.answered,
        stats.faces,
        started.elapsed().as_secs_f64(),
        stats.taken,
        stats.answered,
        stats.faces,
        started.elapsed().as_secs_f64()
    );
    drop(d);
    if remove {
        let _ = std::fs::remove_dir_all(&root);
    }
    if all {
        println!("demo finished: every step worked.");
        ExitCode::SUCCESS
    } else {
        println!("demo finished with failures.");
        ExitCode::from(1)
    }
}
