//! Reading one leaf field, and [`XmlRecord`]: how a record of the model is read and written.
//! Each record's implementation is generated (`src/xml/generated.rs`) from the one declaration
//! of the records (`src/model/schema/records.rs`): element names, aliases and writing order.
//!
//! A leaf already filled (a duplicate element) is kept whole as an unmodelled element, so a
//! second `<Name>` is neither lost nor allowed to overwrite the first. A leaf whose text its
//! codec refuses is kept the same way, with a [`super::Warning`]: one odd value never fails
//! the document.

use super::codec::Codec;
use super::error::XmlError;
use super::reader::Cursor;
use super::reader::StartTag;
use super::warning::WarningKind;
use super::writer::{Sink, extras};
use crate::Personal;
use crate::model::UnknownElement;
use std::ops::Range;

/// What a field reader did with a child element.
pub(crate) enum Got {
    /// Read into a typed field (or blank: left absent).
    Taken,
    /// Read, but kept as an unmodelled element (a duplicate).
    Extra(UnknownElement),
    /// Not a field of this table: the element is still unread.
    No,
}

/// Reads the leaf element just started into `slot` with codec `C`.
pub(crate) fn field<C: Codec>(
    slot: &mut Option<C::T>,
    cur: &mut Cursor<'_>,
    name: &str,
    el: &StartTag,
    start: usize,
) -> Result<Got, XmlError> {
    if slot.is_some() {
        return cur.unknown(name, el, start).map(Got::Extra);
    }
    let Some(text) = cur.leaf_text()? else {
        return Ok(Got::Taken);
    };
    match C::parse_cow(text) {
        Ok(v) => {
            *slot = v;
            Ok(Got::Taken)
        }
        Err(text) => kept::<C>(cur, name, &text, start).map(Got::Extra),
    }
}

/// Reads one occurrence of a repeating leaf element into `list` (a blank one adds nothing).
pub(crate) fn leaves<C: Codec>(
    list: &mut Vec<C::T>,
    cur: &mut Cursor<'_>,
    name: &str,
    _el: &StartTag,
    start: usize,
) -> Result<Got, XmlError> {
    let Some(text) = cur.leaf_text()? else {
        return Ok(Got::Taken);
    };
    match C::parse(&text) {
        Ok(v) => {
            list.extend(v);
            Ok(Got::Taken)
        }
        Err(()) => kept::<C>(cur, name, &text, start).map(Got::Extra),
    }
}

/// A leaf whose text codec `C` refuses: kept as it came, as an unmodelled element of its
/// record (so writing the record back reproduces it), with a warning saying where, what came
/// and what was expected. One odd optional value must not lose a whole answer.
#[cold]
#[inline(never)]
fn kept<C: Codec>(
    cur: &mut Cursor<'_>,
    name: &str,
    text: &str,
    start: usize,
) -> Result<UnknownElement, XmlError> {
    cur.warn(WarningKind::InvalidValue, start, Some(text), C::EXPECTED)?;
    Ok(raw_leaf(name, text.to_string()))
}

/// Checks a raw leaf text with codec `C` (for leaves kept raw until the message kind is
/// known): a text `C` refuses is noted as a warning (the caller keeps the text, and it ends
/// up an unmodelled element when no field takes it).
pub(crate) fn check<C: Codec>(
    cur: &mut Cursor<'_>,
    text: &str,
    start: usize,
) -> Result<(), XmlError> {
    match C::parse(text) {
        Ok(_) => Ok(()),
        Err(()) => cur.warn(WarningKind::InvalidValue, start, Some(text), C::EXPECTED),
    }
}

/// An unmodelled element holding `text` (a raw leaf kept as is).
pub(crate) fn raw_leaf(name: &str, text: String) -> UnknownElement {
    UnknownElement {
        name: name.to_string(),
        attributes: Vec::new(),
        text: Some(text),
        children: Vec::new(),
    }
}

/// An unmodelled wrapper (`ResultList` …) holding the unmodelled children of a known list.
pub(crate) fn wrapper(name: &str, children: Vec<UnknownElement>) -> UnknownElement {
    UnknownElement {
        name: name.to_string(),
        attributes: Vec::new(),
        text: None,
        children,
    }
}

/// A record of the model as XML: its fields as child elements. Implemented for every record
/// in `src/xml/generated.rs`.
pub(crate) trait XmlRecord: Default {
    /// The number of fields [`XmlRecord::write_fields_in`] counts (embedded records expanded).
    #[allow(dead_code)]
    const FIELD_COUNT: usize;

    /// Reads child element `name` (just started) if it is one of the record's fields.
    fn read_child(
        &mut self,
        cur: &mut Cursor<'_>,
        name: &str,
        el: &StartTag,
        start: usize,
    ) -> Result<Got, XmlError>;

    /// Puts the raw text of leaf `name` into its field if the name is one of the record's
    /// leaves, the field is free and the text is valid; `false` leaves it to the caller.
    fn take_raw(&mut self, name: &str, raw: &str) -> bool;

    /// Writes the fields numbered `range` that are set, in order. `flat_lists`: a list's items
    /// directly in the parent, without the list element.
    fn write_fields_in<'m, S: Sink<'m>>(
        &'m self,
        s: &mut S,
        range: Range<usize>,
        flat_lists: bool,
    ) -> Result<(), XmlError>;

    /// Unmodelled children.
    fn extra(&self) -> &[UnknownElement];

    /// Unmodelled children, for a record that keeps them.
    fn extra_mut(&mut self) -> Option<&mut Vec<UnknownElement>>;

    /// Writes every field that is set, in order.
    fn write_fields<'m, S: Sink<'m>>(
        &'m self,
        s: &mut S,
        flat_lists: bool,
    ) -> Result<(), XmlError> {
        self.write_fields_in(s, 0..usize::MAX, flat_lists)
    }
}

/// Keeps what a record did not take among its unmodelled children.
pub(crate) fn keep<R: XmlRecord>(
    r: &mut R,
    got: Got,
    cur: &mut Cursor<'_>,
    name: &str,
    el: &StartTag,
    start: usize,
) -> Result<(), XmlError> {
    let e = match got {
        Got::Taken => return Ok(()),
        Got::Extra(e) => e,
        Got::No => cur.unknown(name, el, start)?,
    };
    if let Some(extra) = r.extra_mut() {
        extra.push(e);
    }
    Ok(())
}

/// Reads the element just started into `r` (fields, unmodelled children kept).
pub(crate) fn read_into<R: XmlRecord>(cur: &mut Cursor<'_>, r: &mut R) -> Result<(), XmlError> {
    cur.children(|cur, name, el, start| {
        let got = r.read_child(cur, name, &el, start)?;
        keep(r, got, cur, name, &el, start)
    })
}

/// Reads the element just started as a record.
pub(crate) fn read_record<R: XmlRecord>(cur: &mut Cursor<'_>) -> Result<R, XmlError> {
    let mut r = R::default();
    read_into(cur, &mut r)?;
    Ok(r)
}

/// Writes `r` as element `name`: its fields, then its unmodelled children.
pub(crate) fn write_record<'m, R: XmlRecord, S: Sink<'m>>(
    r: &'m R,
    name: &'m str,
    s: &mut S,
) -> Result<(), XmlError> {
    s.open(name)?;
    r.write_fields(s, false)?;
    extras(s, r.extra())?;
    s.close()
}

/// Reads a child record into `slot` (kept only when it holds something); a second one is
/// kept whole as an unmodelled element.
pub(crate) fn child<R: XmlRecord + PartialEq>(
    slot: &mut Option<R>,
    cur: &mut Cursor<'_>,
    name: &str,
    el: &StartTag,
    start: usize,
) -> Result<Got, XmlError> {
    if slot.is_some() {
        return cur.unknown(name, el, start).map(Got::Extra);
    }
    let r: R = read_record(cur)?;
    *slot = (r != R::default()).then_some(r);
    Ok(Got::Taken)
}

/// Reads a list element (starting at `start`): items named `item` into `out`. The flat form —
/// the item's own fields directly in the list element, one list element per item — is read
/// too, as one item in its place, with a [`WarningKind::FlatList`] warning (it is written
/// nested). Anything else is kept in an unmodelled copy of the list element.
pub(crate) fn list<R: XmlRecord + PartialEq>(
    out: &mut Vec<R>,
    item: &str,
    cur: &mut Cursor<'_>,
    start: usize,
) -> Result<Got, XmlError> {
    let name = cur.current_name();
    let mut unknown = Vec::new();
    let mut flat: Option<(usize, R)> = None;
    cur.children(|cur, child, el, at| {
        if child == item {
            out.push(R::default());
            let i = out.len() - 1;
            read_into(cur, &mut out[i])
        } else {
            let (_, r) = flat.get_or_insert_with(|| (out.len(), R::default()));
            match r.read_child(cur, child, &el, at)? {
                Got::No => unknown.push(cur.unknown(child, &el, at)?),
                got => keep(r, got, cur, child, &el, at)?,
            }
            Ok(())
        }
    })?;
    if let Some((at, r)) = flat
        && r != R::default()
    {
        out.insert(at, r);
        cur.warn(
            WarningKind::FlatList,
            start,
            None,
            &format!("{item} was read from its fields directly in {name}; it is written nested"),
        )?;
    }
    Ok(if unknown.is_empty() {
        Got::Taken
    } else {
        Got::Extra(wrapper(&name, unknown))
    })
}

/// Reads one item of a list that sits directly in the parent (the flat form).
pub(crate) fn item<R: XmlRecord>(out: &mut Vec<R>, cur: &mut Cursor<'_>) -> Result<Got, XmlError> {
    out.push(R::default());
    let i = out.len() - 1;
    read_into(cur, &mut out[i])?;
    Ok(Got::Taken)
}

/// Reads a numbered leaf (`InjuryName2`) into position `n` of `list`; a gap is an empty entry,
/// so nothing moves on a round trip.
pub(crate) fn slot(
    list: &mut Vec<Personal<String>>,
    n: usize,
    cur: &mut Cursor<'_>,
    name: &str,
    el: &StartTag,
    start: usize,
) -> Result<Got, XmlError> {
    if list.get(n).is_some_and(|v| !v.is_empty()) {
        return cur.unknown(name, el, start).map(Got::Extra);
    }
    if let Some(t) = cur.leaf_text()? {
        while list.len() <= n {
            list.push(Personal::new(String::new()));
        }
        list[n] = Personal::new(t.into_owned());
    }
    Ok(Got::Taken)
}

/// Adds a raw leaf to a repeating leaf's `list` if it is valid; `false` leaves it to the
/// caller.
pub(crate) fn take_leaves<C: Codec>(list: &mut Vec<C::T>, raw: &str) -> bool {
    match C::parse(raw) {
        Ok(v) => {
            list.extend(v);
            true
        }
        Err(()) => false,
    }
}

/// Puts a raw leaf into `slot` if it is free and valid; `false` leaves it to the caller.
pub(crate) fn take<C: Codec>(slot: &mut Option<C::T>, raw: &str) -> bool {
    if slot.is_some() {
        return false;
    }
    match C::parse(raw) {
        Ok(v) => {
            *slot = v;
            true
        }
        Err(()) => false,
    }
}

/// Writes a child record when it holds something.
pub(crate) fn write_child<'m, R: XmlRecord + PartialEq, S: Sink<'m>>(
    slot: &'m Option<R>,
    name: &'m str,
    s: &mut S,
) -> Result<(), XmlError> {
    match slot {
        Some(r) if *r != R::default() => write_record(r, name, s),
        _ => Ok(()),
    }
}

/// Writes a list: its items in the list element, or directly (`flat`).
pub(crate) fn write_list<'m, R: XmlRecord, S: Sink<'m>>(
    items: &'m [R],
    wrapper_name: &'m str,
    item: &'m str,
    flat: bool,
    s: &mut S,
) -> Result<(), XmlError> {
    if items.is_empty() {
        return Ok(());
    }
    if !flat {
        s.open(wrapper_name)?;
    }
    for r in items {
        write_record(r, item, s)?;
    }
    if !flat {
        s.close()?;
    }
    Ok(())
}

/// Writes numbered leaves (`InjuryName1..3`): empty entries are gaps.
pub(crate) fn write_slots<'m, S: Sink<'m>>(
    list: &'m [Personal<String>],
    names: &'m [&'m str],
    s: &mut S,
) -> Result<(), XmlError> {
    if list.len() > names.len() {
        return Err(XmlError::Unwritable {
            path: names.first().copied().unwrap_or_default().to_string(),
            reason: format!("at most {} entries", names.len()),
        });
    }
    for (name, v) in names.iter().zip(list) {
        if !v.is_empty() {
            s.leaf(name, v.as_str())?;
        }
    }
    Ok(())
}
