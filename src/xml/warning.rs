//! [`Warning`]: what reading a file tolerated instead of refusing it.
//!
//! One odd optional value must not lose a whole answer: a leaf whose text its codec refuses
//! (`99999999` as an end date, a date-time with separators, `1割` as a ratio, a
//! `ReceptionDateTime` in an unpublished format) is kept as it came — an unmodelled element
//! of its record, so writing the document back reproduces it — and a warning says where,
//! what came and what was expected. Structure, encoding and hostile input stay errors
//! ([`super::XmlError`]).

use super::encoding::Source;
use crate::Personal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// A leaf's text is not what its field holds; the text is kept as an unmodelled element
    /// of its record (the field stays absent).
    InvalidValue,
    /// A list was read in its flat form (the item's fields directly in the list element, one
    /// list element per item: `SpecificDiseasesCertificateList/SpecificDiseasesSelfPay`); it is
    /// written in the nested form.
    FlatList,
}

impl WarningKind {
    /// Japanese label for staff screens and logs.
    pub fn label(self) -> &'static str {
        match self {
            WarningKind::InvalidValue => "規格外の値（原文のまま保持）",
            WarningKind::FlatList => "入れ子のない一覧形式（読み取り済み）",
        }
    }
}

/// Something reading tolerated, with where it is.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// Element path (`/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate`).
    pub path: String,
    /// 1-based line of the element.
    pub line: usize,
    /// 1-based column of the element, in characters.
    pub column: usize,
    /// The text as it came (`invalid_value`); personal data possibly (a birthdate): `Debug`
    /// redacts it, the JSON holds it (`onshi parse --redact` hides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Personal<String>>,
    /// What was expected (`a date yyyyMMdd`), or what was done.
    pub expected: String,
}

impl Warning {
    /// A one-line English description without the value (for logs).
    pub fn describe(&self) -> String {
        match self.kind {
            WarningKind::InvalidValue => format!(
                "{} ({}:{}): the value ({}) is not {}; kept as text",
                self.path,
                self.line,
                self.column,
                crate::personal::redact(self.value.as_ref().map_or("", |v| v.expose())),
                self.expected
            ),
            WarningKind::FlatList => format!(
                "{} ({}:{}): {}",
                self.path, self.line, self.column, self.expected
            ),
        }
    }
}

impl fmt::Debug for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Warning")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("value", &self.value)
            .field("expected", &self.expected)
            .finish()
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A warning noted while reading, before its path is known: paths are resolved afterwards in
/// one pass over the text ([`resolve`]), so reading stays free of bookkeeping and a file with
/// many odd values costs one extra pass, not one rescan per value.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub kind: WarningKind,
    /// Byte offset of the element's `<` in the text.
    pub offset: usize,
    pub value: Option<String>,
    pub expected: String,
}

/// One open element while resolving: its path segment and how many children of each name it
/// has had so far.
struct Open<'b> {
    segment: String,
    seen: Vec<(&'b [u8], usize)>,
}

impl<'b> Open<'b> {
    fn next_index(&mut self, name: &'b [u8]) -> usize {
        match self.seen.iter_mut().find(|(n, _)| *n == name) {
            Some((_, k)) => {
                *k += 1;
                *k
            }
            None => {
                self.seen.push((name, 1));
                1
            }
        }
    }
}

/// Element names and column counts of the file's own encoding (a Shift_JIS file is never
/// decoded whole, see [`Source`]).
fn decode(bytes: &[u8], utf8: bool) -> String {
    if utf8 {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    match super::encoding::decode_sjis_token(bytes) {
        Ok(t) => t.into_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Resolves the paths, lines and columns of `pending` in the file `src` (the offsets are
/// byte offsets in it, in either encoding), reading from `from` — the start of the document, or of the element whose path
/// segments above it are `base` and whose own sibling index is `first_index` (a bulk unit read
/// on its own). `first_line` is the line `from` is on.
pub(crate) fn resolve(
    src: &Source<'_>,
    from: usize,
    base: &[&str],
    first_index: Option<usize>,
    first_line: usize,
    mut pending: Vec<Pending>,
) -> Vec<Warning> {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let bytes = src.bytes();
    let chars = src.text().is_some();
    pending.sort_by_key(|p| p.offset);
    let mut out = Vec::with_capacity(pending.len());
    let mut queue = pending.into_iter().peekable();
    let Some(rest) = bytes.get(from..) else {
        return out;
    };
    let mut reader = Reader::from_reader(rest);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.expand_empty_elements = false;
    cfg.trim_text(false);
    cfg.allow_unmatched_ends = true;
    let mut stack: Vec<Open<'_>> = vec![Open {
        segment: String::new(),
        seen: Vec::new(),
    }];
    let prefix: String = base.iter().map(|s| format!("/{s}")).collect();
    let (mut line, mut line_start, mut counted) = (first_line, from, from);
    let mut first = true;
    while queue.peek().is_some() {
        let at = from + reader.buffer_position() as usize;
        let ev = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(ev) => ev,
        };
        let (name, empty) = match &ev {
            Event::Start(e) => (e.name().into_inner(), false),
            Event::Empty(e) => (e.name().into_inner(), true),
            Event::End(_) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            _ => continue,
        };
        // Borrow the name from `bytes` (it lies inside `rest`).
        let name: &[u8] = {
            let off = name.as_ptr() as usize - rest.as_ptr() as usize;
            &rest[off..off + name.len()]
        };
        let parent = stack.last_mut().expect("the base frame is never popped");
        let n = parent.next_index(name);
        let n = match first_index {
            Some(k) if first => k,
            _ => n,
        };
        first = false;
        let text = decode(name, chars);
        let repeatable = super::reader::REPEATABLE.contains(&text.as_str());
        let segment = if n > 1 || repeatable {
            format!("{text}[{n}]")
        } else {
            text
        };
        while queue.peek().is_some_and(|p| p.offset < at) {
            // An offset that is not an element start (cannot happen): resolved as best known.
            let p = queue.next().expect("peeked");
            out.push(finish(p, String::new(), 0, 0));
        }
        while queue.peek().is_some_and(|p| p.offset == at) {
            let p = queue.next().expect("peeked");
            line += bytes[counted..at].iter().filter(|&&b| b == b'\n').count();
            if let Some(k) = bytes[counted..at].iter().rposition(|&b| b == b'\n') {
                line_start = counted + k + 1;
            }
            counted = at;
            let column = decode(&bytes[line_start..at], chars).chars().count() + 1;
            let mut path = prefix.clone();
            for o in &stack[1..] {
                path.push('/');
                path.push_str(&o.segment);
            }
            path.push('/');
            path.push_str(&segment);
            out.push(finish(p, path, line, column));
        }
        if !empty {
            stack.push(Open {
                segment,
                seen: Vec::new(),
            });
        }
    }
    out.extend(queue.map(|p| finish(p, String::new(), 0, 0)));
    out
}

fn finish(p: Pending, path: String, line: usize, column: usize) -> Warning {
    Warning {
        kind: p.kind,
        path,
        line,
        column,
        value: p.value.map(Personal::new),
        expected: p.expected,
    }
}
