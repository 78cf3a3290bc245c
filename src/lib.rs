//! # onshi — オンライン資格確認 for clinic software
//!
//! `onshi` (from オン資, the trade's own word for オンライン資格確認) gives a Japanese clinic
//! system (EMR / レセコン) everything it needs for online eligibility confirmation:
//!
//! * [`ids`] — 保険者番号, 公費負担者番号, 受給者番号, 医療機関コード and card numbers, with 検証番号
//!   (check-digit) validation in a strict and a lenient mode;
//! * [`codes`] — every code table of the terminal interface, unknown values kept;
//! * [`model`] — the qualification record and the queries, with personal data redacted in `Debug`;
//! * [`xml`] — reading and writing every file the 資格確認端末 exchanges (UTF-8 and Shift_JIS);
//! * [`text`] — Japanese normalization for comparison (width, case, kana, kanji variants, ●);
//! * [`diff`] — field-by-field comparison of the clinic's record with the terminal's answer;
//! * [`matching`] — candidate patients for a result, or a new-patient draft;
//! * [`history`] — the qualification history: apply, expire, unlink, audit;
//! * [`reception`] — what the patient presented (マイナ保険証, 資格確認書 …) and the monthly
//!   マイナ保険証 利用率;
//! * [`terminal`] — the req/res/face folder client and a faithful terminal emulator;
//! * [`card`] — the My Number card's 基本4情報 (the PC/SC reader itself needs feature `card`);
//! * [`messages`] — the catalogue of every Japanese message for staff (code → message → what
//!   to do), also exported as `docs/ja/messages.json` and `.csv`;
//! * `ffi` — the C ABI (`include/onshi.h`; hidden from these docs: C, C++ and C# callers read the
//!   header and `bindings/README.md`).
//!
//! Parsing, diffing and applying are pure: they never touch the disk or the clock.
//!
//! # The whole flow
//!
//! Parse the terminal's answer, review it against the patient's qualification history (the
//! field-by-field diff staff see), and apply it with the staff's choices:
//!
//! ```
//! use chrono::NaiveDate;
//! use onshi::diff::{QueryKind, Returned, Verdict};
//! use onshi::history::{ApplyOptions, Choices, QualificationHistory, ReviewContext, Source, Stamp, StartDatePolicy};
//! use onshi::model::{Field, Qualification};
//!
//! // 1. Parse: the answer file as the terminal wrote it (UTF-8 or Shift_JIS).
//! let file = "<XmlMsg><MessageHeader><ReferenceClassification>2</ReferenceClassification>\
//!   <SegmentOfResult>1</SegmentOfResult></MessageHeader><MessageBody><ResultList>\
//!   <ResultOfQualificationConfirmation><Name>見本　花子</Name><Birthdate>19850615</Birthdate>\
//!   <InsurerNumber>  138057</InsurerNumber><InsuredIdentificationNumber>100</InsuredIdentificationNumber>\
//!   <InsuredPartialContributionRatio>020</InsuredPartialContributionRatio>\
//!   </ResultOfQualificationConfirmation></ResultList><QualificationValidity>1</QualificationValidity>\
//!   </MessageBody></XmlMsg>";
//! let answer = onshi::xml::parse(file.as_bytes())?.message.into_qualification_response().unwrap();
//!
//! // 2. Review against what the clinic holds: the 負担割合 went from 1割 to 2割.
//! let registered = Qualification::from_json(r#"{"name":"見本　花子","birthdate":"1985-06-15",
//!     "insurer_number":"138057","insured_identification_number":"100",
//!     "insured_partial_contribution_ratio":10}"#)?;
//! let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
//! let stamp = Stamp::new("受付", day.and_hms_opt(9, 0, 0).unwrap());
//! let mut history = QualificationHistory::new(registered, NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
//!     Source::manual(stamp.at), &stamp);
//! let ctx = ReviewContext::new("OQSsiquc01res_0001.xml", day, QueryKind::InsuranceCard);
//! let review = history.review(Returned::from(&answer.body), &ctx)?;
//! assert_eq!(review.verdict(), Verdict::NewQualification);
//! let ratio = review.diff.field(Field::InsuredPartialContributionRatio).unwrap();
//! println!("{}: {}", ratio.label, ratio.message);
//!
//! // 3. Apply: the old qualification ends, a new one starts on the 1st of the month.
//! history.apply(&review, &Choices::recommended(), &ApplyOptions::new(StartDatePolicy::FirstOfMonth, stamp))?;
//! assert_eq!(history.versions.len(), 2);
//! assert_eq!(history.versions[1].start, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(feature = "agent")]
pub mod agent;
pub mod card;
#[cfg(feature = "cloud-protocol")]
pub mod cloud;
pub mod codes;
pub mod diff;
pub mod error;
#[doc(hidden)]
pub mod ffi;
pub mod history;
pub mod ids;
pub mod matching;
pub mod messages;
pub mod model;
pub mod personal;
pub mod reception;
#[cfg(feature = "relay")]
pub mod relay;
pub mod terminal;
pub mod text;
pub mod xml;

pub use error::{Diagnostic, Error, Result};
pub use personal::Personal;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The Rust example of the Japanese guide (`docs/ja/seed-flow.md`), run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../docs/ja/seed-flow.md")]
pub struct JaSeedFlowDoctests;
