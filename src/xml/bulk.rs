//! [`BulkUnits`]: the units of a bulk download result, one at a time.
//!
//! A 資格確認一括照会結果 can hold tens of thousands of `BulkConfirmUnit`s. [`bulk_units`]
//! reads the header, then yields one [`ConfirmationResult`] per call without building the
//! whole message: memory stays at one unit (the file's bytes are borrowed, in both encodings:
//! Shift_JIS is decoded token by token). Elements of the body other than units are skipped.

use super::encoding::{Encoding, Source, source};
use super::error::XmlError;
use super::header::{HeaderItem, read_header};
use super::message::{close_document, open_root};
use super::reader::{Cursor, Frame, Tok, is_blank};
use super::result::{UNIT, read_unit};
use super::warning::{Warning, resolve};
use super::{Limits, check_size};
use crate::model::{ConfirmationResult, MessageHeader};

/// Iterator over the `BulkConfirmUnit`s of a bulk result, created by [`bulk_units`].
///
/// After the first error the iterator ends.
pub struct BulkUnits<'a> {
    src: Source<'a>,
    header: MessageHeader,
    limits: Limits,
    root: usize,
    body: Option<usize>,
    pos: usize,
    done: bool,
    count: usize,
    warnings: Vec<Warning>,
    /// Line of `line_pos` (for the lines of warnings, counted as the units are read).
    line: usize,
    line_pos: usize,
}

/// Reads the header of a bulk result and returns an iterator over its units.
///
/// ```
/// let xml = br#"<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult>
///   <ReceptionNumber>R1</ReceptionNumber></MessageHeader>
///   <MessageBody><BulkConfirmUnit><QualificationValidity>1</QualificationValidity></BulkConfirmUnit>
///   <BulkConfirmUnit><QualificationValidity>4</QualificationValidity></BulkConfirmUnit></MessageBody></XmlMsg>"#;
/// let units = onshi::xml::bulk_units(xml, &Default::default()).unwrap();
/// assert_eq!(units.header().reception_number.as_deref(), Some("R1"));
/// let all: Vec<_> = units.collect::<Result<_, _>>().unwrap();
/// assert_eq!(all.len(), 2);
/// ```
pub fn bulk_units<'a>(bytes: &'a [u8], limits: &Limits) -> Result<BulkUnits<'a>, XmlError> {
    check_size(bytes, limits)?;
    let src = source(bytes)?;
    let (header, root, body, warnings) = {
        let mut cur = Cursor::new(src, limits.max_depth);
        let root = open_root(&mut cur)?;
        let mut header = MessageHeader::default();
        let mut items = Vec::new();
        let mut body = None;
        let mut has_header = false;
        loop {
            match cur.next()? {
                Tok::Start { name, el, start } => match &*name {
                    "MessageHeader" if !has_header => {
                        has_header = true;
                        read_header(&mut cur, &mut header, &mut items)?;
                    }
                    "MessageBody" if body.is_none() => {
                        let empty = bytes[start..cur.position()].ends_with(b"/>");
                        body = Some((start, cur.position(), empty));
                        if has_header {
                            // The common order: the units are read lazily from here on.
                            break;
                        }
                        cur.skip()?;
                    }
                    _ => {
                        cur.unknown(&name, &el, start)?;
                    }
                },
                Tok::End => {
                    close_document(&mut cur)?;
                    break;
                }
                Tok::Text(t) if is_blank(&t) => {}
                Tok::Text(t) => {
                    return Err(XmlError::UnexpectedText {
                        location: cur.text_location(&t),
                    });
                }
                Tok::Eof => break,
            }
        }
        for item in items {
            match item {
                HeaderItem::Unknown(e) => header.extra.push(e),
                HeaderItem::Leaf(n, raw) => header.extra.push(super::fields::raw_leaf(n, raw)),
            }
        }
        let pending = cur.take_pending();
        let warnings = if pending.is_empty() {
            Vec::new()
        } else {
            resolve(&src, src.body(), &[], None, 1, pending)
        };
        (header, root, body, warnings)
    };
    let (body, pos) = match body {
        Some((start, content, false)) => (Some(start), content),
        _ => (None, 0),
    };
    Ok(BulkUnits {
        src,
        header,
        limits: limits.clone(),
        root,
        done: body.is_none(),
        body,
        pos,
        count: 0,
        warnings,
        line: 1,
        line_pos: 0,
    })
}

impl BulkUnits<'_> {
    /// The `MessageHeader` (受付番号, 処理結果区分, counts …).
    pub fn header(&self) -> &MessageHeader {
        &self.header
    }

    /// The file's encoding.
    pub fn encoding(&self) -> Encoding {
        self.src.encoding()
    }

    /// How many units have been yielded so far.
    pub fn count_so_far(&self) -> usize {
        self.count
    }

    /// What reading tolerated so far (the header's, then each yielded unit's), as in
    /// [`Document::warnings`](super::Document::warnings).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn step(&mut self) -> Result<Option<ConfirmationResult>, XmlError> {
        let Some(body) = self.body else {
            return Ok(None);
        };
        let stack = vec![
            Frame {
                name: b"XmlMsg",
                start: self.root,
            },
            Frame {
                name: b"MessageBody",
                start: body,
            },
        ];
        let mut cur = Cursor::resume(self.src, self.pos, stack, self.limits.max_depth);
        loop {
            match cur.next()? {
                Tok::Start { name, start, .. } if name == UNIT => {
                    let mut unit = ConfirmationResult::default();
                    read_unit(&mut cur, &mut unit)?;
                    self.pos = cur.position();
                    let pending = cur.take_pending();
                    if !pending.is_empty() {
                        let b = self.src.bytes();
                        self.line += b[self.line_pos..start]
                            .iter()
                            .filter(|&&c| c == b'\n')
                            .count();
                        self.line_pos = start;
                        self.warnings.extend(resolve(
                            &self.src,
                            start,
                            &["XmlMsg", "MessageBody"],
                            Some(self.count + 1),
                            self.line,
                            pending,
                        ));
                    }
                    return Ok(Some(unit));
                }
                Tok::Start { .. } => cur.skip()?,
                Tok::Text(t) if is_blank(&t) => {}
                Tok::Text(t) => {
                    return Err(XmlError::UnexpectedText {
                        location: cur.text_location(&t),
                    });
                }
                Tok::End | Tok::Eof => return Ok(None),
            }
        }
    }
}

impl Iterator for BulkUnits<'_> {
    type Item = Result<ConfirmationResult, XmlError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(u)) => {
                self.count += 1;
                Some(Ok(u))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
