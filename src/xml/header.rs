//! `MessageHeader`: the fields every family shares, plus the header fields only the
//! 薬剤情報 / 特定健診 files use (card numbers under names of their own, `ResultCode`,
//! `MessageContents`), which are kept raw until the message kind is known.
//!
//! Spec order for writing (oqs-interface.md §5, §9, §18): 処理実行日時, 資格確認日,
//! 医療機関コード, [薬剤/健診: 保険者番号, 記号, 番号, 枝番], 任意のファイル識別子, 照会区分,
//! 受付番号, 処理結果区分, エラーコード, エラーメッセージ, 件数 ×3, 文字コード識別.

use super::codec::*;
use super::error::XmlError;
use super::fields::{Got, XmlRecord, check};
use super::reader::Cursor;
use super::writer::{Sink, extras};
use crate::model::{MessageHeader, UnknownElement};

/// Header fields of the 薬剤情報 / 特定健診 files.
pub(crate) const DOC_HEADER: [&str; 6] = [
    "InsurerNumber",
    "InsuranceCardSymbol",
    "InsuredPersonIdentificationNumber",
    "BranchNumber",
    "ResultCode",
    "MessageContents",
];

/// A header child, in document order, other than the common typed fields.
pub(crate) enum HeaderItem {
    /// Kept as is.
    Unknown(UnknownElement),
    /// A [`DOC_HEADER`] field (first occurrence), raw text already checked.
    Leaf(&'static str, String),
}

/// Reads the `MessageHeader` just started.
pub(crate) fn read_header(
    cur: &mut Cursor<'_>,
    h: &mut MessageHeader,
    items: &mut Vec<HeaderItem>,
) -> Result<(), XmlError> {
    cur.children(|cur, name, el, start| {
        match h.read_child(cur, name, &el, start)? {
            Got::Taken => {}
            Got::Extra(e) => items.push(HeaderItem::Unknown(e)),
            Got::No => {
                let seen = |n: &str| {
                    items
                        .iter()
                        .any(|i| matches!(i, HeaderItem::Leaf(m, _) if *m == n))
                };
                match DOC_HEADER.iter().find(|n| **n == name) {
                    Some(&n) if !seen(n) => {
                        if let Some(t) = cur.leaf_text()? {
                            match n {
                                "InsurerNumber" => check::<InsurerPlain>(cur, &t, start)?,
                                "InsuranceCardSymbol" => check::<Symbol>(cur, &t, start)?,
                                "InsuredPersonIdentificationNumber" => {
                                    check::<Number>(cur, &t, start)?
                                }
                                "BranchNumber" => check::<Branch>(cur, &t, start)?,
                                _ => {}
                            }
                            items.push(HeaderItem::Leaf(n, t.into_owned()));
                        }
                    }
                    _ => items.push(HeaderItem::Unknown(cur.unknown(name, &el, start)?)),
                }
            }
        }
        Ok(())
    })
}

/// Writes a `MessageHeader`; `middle` writes the 薬剤/健診 card fields (after
/// 医療機関コード), `tail` the 薬剤/健診 result fields (before the unmodelled ones).
pub(crate) fn write_header<'m, S: Sink<'m>>(
    h: &'m MessageHeader,
    s: &mut S,
    middle: impl FnOnce(&mut S) -> Result<(), XmlError>,
    tail: impl FnOnce(&mut S) -> Result<(), XmlError>,
) -> Result<(), XmlError> {
    s.open("MessageHeader")?;
    // 処理実行日時, 資格確認日, 医療機関コード (the first three declared fields), then the rest.
    h.write_fields_in(s, 0..3, false)?;
    middle(s)?;
    h.write_fields_in(s, 3..usize::MAX, false)?;
    tail(s)?;
    extras(s, &h.extra)?;
    s.close()
}
