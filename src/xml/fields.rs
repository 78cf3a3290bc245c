//! Reading one leaf field, and the `leaves!` table macro that keeps a struct's reading and
//! writing in one list (element name, field, codec) written in spec order.
//!
//! A leaf already filled (a duplicate element) is kept whole as an unmodelled element, so a
//! second `<Name>` is neither lost nor allowed to overwrite the first.

use super::codec::Codec;
use super::error::XmlError;
use super::reader::Cursor;
use super::reader::StartTag;
use crate::model::UnknownElement;
use crate::personal::redact;

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
pub(crate) fn field<'a, C: Codec>(
    slot: &mut Option<C::T>,
    cur: &mut Cursor<'a>,
    name: &'a str,
    el: &StartTag,
    start: usize,
) -> Result<Got, XmlError> {
    if slot.is_some() {
        return cur.unknown(name, el, start).map(Got::Extra);
    }
    let Some(text) = cur.leaf_text()? else {
        return Ok(Got::Taken);
    };
    match C::parse(&text) {
        Ok(v) => {
            *slot = v;
            Ok(Got::Taken)
        }
        Err(()) => Err(invalid::<C>(cur, name, &text, start)),
    }
}

/// The error for a value codec `C` refuses.
pub(crate) fn invalid<C: Codec>(
    cur: &Cursor<'_>,
    name: &str,
    text: &str,
    start: usize,
) -> XmlError {
    XmlError::InvalidValue {
        field: name.to_string(),
        value: redact(text),
        expected: C::EXPECTED.to_string(),
        location: cur.location(start, Some((name, start))),
    }
}

/// Checks a raw leaf text with codec `C` (for leaves kept raw until the message kind is
/// known).
pub(crate) fn check<C: Codec>(
    cur: &Cursor<'_>,
    name: &str,
    text: &str,
    start: usize,
) -> Result<(), XmlError> {
    C::parse(text)
        .map(|_| ())
        .map_err(|()| invalid::<C>(cur, name, text, start))
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

/// Defines a module with `read` and `write` for a table of leaf fields of one struct.
///
/// ```ignore
/// leaves!(query_leaves, QualificationQuery {
///     "InsurerNumber" => insurer_number: InsurerWire,
///     "Old" | "AliasName" => field: Text,
/// });
/// ```
macro_rules! leaves {
    ($m:ident, $ty:ty { $( $xml:literal $(| $alias:literal)* => $field:ident : $codec:ty ),* $(,)? }) => {
        pub(crate) mod $m {
            #[allow(unused_imports)]
            use super::*;

            /// Reads child `name` if it is one of these fields.
            #[allow(dead_code)]
            pub(crate) fn read<'a>(
                t: &mut $ty,
                cur: &mut $crate::xml::reader::Cursor<'a>,
                name: &'a str,
                el: &$crate::xml::reader::StartTag,
                start: usize,
            ) -> Result<$crate::xml::fields::Got, $crate::xml::XmlError> {
                match name {
                    $( $xml $(| $alias)* => $crate::xml::fields::field::<$codec>(&mut t.$field, cur, name, el, start), )*
                    _ => Ok($crate::xml::fields::Got::No),
                }
            }

            /// Writes the fields that are set, in table order.
            #[allow(dead_code)]
            pub(crate) fn write<'m, S: $crate::xml::writer::Sink<'m>>(
                t: &'m $ty,
                s: &mut S,
            ) -> Result<(), $crate::xml::XmlError> {
                $( if let Some(v) = &t.$field { s.leaf($xml, &<$codec>::text(v))?; } )*
                Ok(())
            }
        }
    };
}
pub(crate) use leaves;
