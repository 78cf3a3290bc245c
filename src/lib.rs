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
//! * [`terminal`] — the req/res/face folder client and a faithful terminal emulator;
//! * [`card`] — the My Number card's 基本4情報 (the PC/SC reader itself needs feature `card`);
//! * [`ffi`] — the C ABI (`include/onshi.h`).
//!
//! Parsing, diffing and applying are pure: they never touch the disk or the clock.
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
pub mod ffi;
pub mod history;
pub mod ids;
pub mod matching;
pub mod model;
pub mod personal;
#[cfg(feature = "relay")]
pub mod relay;
pub mod terminal;
pub mod text;
pub mod xml;

pub use error::{Error, Result};
pub use personal::Personal;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
