//! A whole file: `XmlMsg` → `MessageHeader` + `MessageBody`, the message kind inferred from
//! the content's shape, and writing every kind in spec order.
//!
//! Reading is order-independent: the body's children are first read into typed blocks (in
//! document order), the kind is decided from what is there, and then each block goes into
//! the kind's fields. Whatever the kind cannot hold (a second echo, a block of another family)
//! is kept as an unmodelled element at its place, so nothing read is dropped and
//! write → parse gives the same message back.

use super::codec::*;
use super::encoding::Source;
use super::error::XmlError;
use super::fields::{XmlRecord, raw_leaf, take};
use super::header::{DOC_HEADER, HeaderItem, read_header, write_header};
use super::messages::*;
use super::qualification::{
    QUERY, RESULT, read_qualification, read_query, write_qualification, write_query,
};
use super::reader::{Cursor, Tok, is_blank};
use super::result::{
    REGISTRATION, REGISTRATION_UNIT, RESULT_LIST, UNIT, read_registration, read_result_list,
    read_unit, write_registration, write_result_content, write_unit,
};
use super::writer::{Sink, extras, to_elements};
use crate::model::{
    CardKey, ConfirmationResult, MessageHeader, Qualification, QualificationQuery,
    ReferenceNumberRegistration, RegistrationUnit, UnknownElement,
};
use serde::{Deserialize, Serialize};

/// Which message a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MessageKind {
    /// [`Message::QualificationRequest`].
    QualificationRequest,
    /// [`Message::QualificationResponse`].
    QualificationResponse,
    /// [`Message::ReferenceNumberRequest`].
    ReferenceNumberRequest,
    /// [`Message::ReferenceNumberResponse`].
    ReferenceNumberResponse,
    /// [`Message::BulkUploadResponse`].
    BulkUploadResponse,
    /// [`Message::BulkDownloadRequest`].
    BulkDownloadRequest,
    /// [`Message::BulkQualificationResponse`].
    BulkQualificationResponse,
    /// [`Message::DocumentRequest`].
    DocumentRequest,
    /// [`Message::DocumentResponse`].
    DocumentResponse,
    /// [`Message::Unmodelled`].
    Unmodelled,
}

impl MessageKind {
    /// Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::QualificationRequest => "資格確認要求",
            MessageKind::QualificationResponse => "資格確認結果",
            MessageKind::ReferenceNumberRequest => "照会番号登録要求",
            MessageKind::ReferenceNumberResponse => "照会番号登録結果",
            MessageKind::BulkUploadResponse => "一括要求アップロード結果（受付番号）",
            MessageKind::BulkDownloadRequest => "一括結果ダウンロード要求",
            MessageKind::BulkQualificationResponse => "資格確認一括照会結果",
            MessageKind::DocumentRequest => "薬剤情報・特定健診情報 要求",
            MessageKind::DocumentResponse => "薬剤情報・特定健診情報 結果",
            MessageKind::Unmodelled => "内容を解析しないファイル（全体を保持）",
        }
    }

    /// `Some(Request)` for the request kinds, `Some(Response)` for the answers, `None` for
    /// [`MessageKind::Unmodelled`].
    pub fn direction(self) -> Option<super::Direction> {
        use super::Direction as D;
        match self {
            MessageKind::QualificationRequest
            | MessageKind::ReferenceNumberRequest
            | MessageKind::BulkDownloadRequest
            | MessageKind::DocumentRequest => Some(D::Request),
            MessageKind::QualificationResponse
            | MessageKind::ReferenceNumberResponse
            | MessageKind::BulkUploadResponse
            | MessageKind::BulkQualificationResponse
            | MessageKind::DocumentResponse => Some(D::Response),
            MessageKind::Unmodelled => None,
        }
    }

    /// The kind a file of this name holds (`None` for `.err`, `.pdf`, `.zip`).
    ///
    /// ```
    /// use onshi::xml::{FileName, MessageKind};
    /// let n = FileName::parse("OQSmuimm02res_202504010001.xml").unwrap();
    /// assert_eq!(MessageKind::for_file(&n), Some(MessageKind::ReferenceNumberResponse));
    /// ```
    pub fn for_file(name: &super::FileName) -> Option<MessageKind> {
        use super::{Direction as D, Extension, Family as F, Phase as P};
        if name.extension != Extension::Xml {
            return None;
        }
        if !name.family.is_modelled() || name.is_face_key_output() {
            return Some(MessageKind::Unmodelled);
        }
        Some(match (name.family, name.phase, name.direction) {
            (F::HomeVisitQuery | F::OnlineQuery, _, D::Request) => {
                MessageKind::QualificationRequest
            }
            (F::HomeVisitQuery | F::OnlineQuery, _, D::Response) => {
                MessageKind::QualificationResponse
            }
            (F::Individual, _, D::Request) => MessageKind::QualificationRequest,
            (F::Individual, _, D::Response) => MessageKind::QualificationResponse,
            (F::ReferenceNumber, _, D::Request) => MessageKind::ReferenceNumberRequest,
            (F::ReferenceNumber, _, D::Response) => MessageKind::ReferenceNumberResponse,
            (F::DrugInfo | F::Checkup, _, D::Request) => MessageKind::DocumentRequest,
            (F::DrugInfo | F::Checkup, _, D::Response) => MessageKind::DocumentResponse,
            (F::BulkReferenceNumber, P::Upload, D::Request) => MessageKind::ReferenceNumberRequest,
            (_, P::Upload, D::Request) => MessageKind::QualificationRequest,
            (_, P::Upload, D::Response) => MessageKind::BulkUploadResponse,
            (_, P::Download, D::Request) => MessageKind::BulkDownloadRequest,
            (F::BulkReferenceNumber, P::Download, D::Response) => {
                MessageKind::ReferenceNumberResponse
            }
            (_, P::Download, D::Response) => MessageKind::BulkQualificationResponse,
        })
    }
}

impl Message {
    /// The `MessageHeader` of any message.
    pub fn header(&self) -> &MessageHeader {
        match self {
            Message::QualificationRequest(m) => &m.header,
            Message::QualificationResponse(m) => &m.header,
            Message::ReferenceNumberRequest(m) => &m.header,
            Message::ReferenceNumberResponse(m) => &m.header,
            Message::BulkUploadResponse(m) => &m.header,
            Message::BulkDownloadRequest(m) => &m.header,
            Message::BulkQualificationResponse(m) => &m.header,
            Message::DocumentRequest(m) => &m.header,
            Message::DocumentResponse(m) => &m.header,
            Message::Unmodelled(m) => &m.header,
        }
    }

    /// The `MessageHeader`, mutable.
    pub fn header_mut(&mut self) -> &mut MessageHeader {
        match self {
            Message::QualificationRequest(m) => &mut m.header,
            Message::QualificationResponse(m) => &mut m.header,
            Message::ReferenceNumberRequest(m) => &mut m.header,
            Message::ReferenceNumberResponse(m) => &mut m.header,
            Message::BulkUploadResponse(m) => &mut m.header,
            Message::BulkDownloadRequest(m) => &mut m.header,
            Message::BulkQualificationResponse(m) => &mut m.header,
            Message::DocumentRequest(m) => &mut m.header,
            Message::DocumentResponse(m) => &mut m.header,
            Message::Unmodelled(m) => &mut m.header,
        }
    }

    /// Which kind of message this is.
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::QualificationRequest(_) => MessageKind::QualificationRequest,
            Message::QualificationResponse(_) => MessageKind::QualificationResponse,
            Message::ReferenceNumberRequest(_) => MessageKind::ReferenceNumberRequest,
            Message::ReferenceNumberResponse(_) => MessageKind::ReferenceNumberResponse,
            Message::BulkUploadResponse(_) => MessageKind::BulkUploadResponse,
            Message::BulkDownloadRequest(_) => MessageKind::BulkDownloadRequest,
            Message::BulkQualificationResponse(_) => MessageKind::BulkQualificationResponse,
            Message::DocumentRequest(_) => MessageKind::DocumentRequest,
            Message::DocumentResponse(_) => MessageKind::DocumentResponse,
            Message::Unmodelled(_) => MessageKind::Unmodelled,
        }
    }

    /// Japanese label of the message kind (`資格確認結果` …).
    pub fn kind_label(&self) -> &'static str {
        self.kind().label()
    }

    /// The 資格確認結果 (an individual answer or a face push) this message is, if it is one:
    /// the common case, without matching the enum.
    ///
    /// ```
    /// let xml = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader>\
    ///   <MessageBody><QualificationValidity>1</QualificationValidity></MessageBody></XmlMsg>";
    /// let res = onshi::xml::parse(xml.as_bytes()).unwrap().message.into_qualification_response();
    /// assert!(res.is_some());
    /// ```
    pub fn into_qualification_response(self) -> Option<QualificationResponse> {
        match self {
            Message::QualificationResponse(r) => Some(r),
            _ => None,
        }
    }

    /// The 資格確認結果 this message is, borrowed, if it is one.
    pub fn as_qualification_response(&self) -> Option<&QualificationResponse> {
        match self {
            Message::QualificationResponse(r) => Some(r),
            _ => None,
        }
    }
}

/// A `MessageBody` child, typed where its shape is known.
pub(crate) enum BodyItem {
    Query(Box<QualificationQuery>),
    ResultList(Vec<Qualification>, Vec<UnknownElement>),
    Result(Box<Qualification>),
    /// A `BulkConfirmUnit`, kept in [`Parts::units`] at this index (so a large bulk
    /// result is built in place, not moved twice).
    Unit(usize),
    Registration(Box<ReferenceNumberRegistration>),
    RegistrationUnit(Box<RegistrationUnit>),
    Leaf(&'static str, String),
    Unknown(Box<UnknownElement>),
}

/// Body children that hold one value, kept raw until the kind is known.
const BODY_LEAVES: [&str; 15] = [
    "ProcessingResultStatus",
    "ProcessingResultCode",
    "ProcessingResultMessage",
    "QualificationValidity",
    "PrescriptionIssueSelect",
    "ReferenceNumber",
    "ReceptionNumber",
    "ReceptionDateTime",
    "StartDate",
    "EndDate",
    "FileCategory",
    "PrDiInfClassification",
    "MedicalTreatmentFlag",
    "ResultCode",
    "MessageContents",
];

/// Elements that only 薬剤情報 / 特定健診 answers have.
const DOCUMENT_MARKS: [&str; 7] = [
    "QuaInf",
    "QualificationsInfo",
    "MeTrMonthInf",
    "ShPrInf",
    "CzDiInf",
    "SpecificHealthCheckupInfo",
    "SpecificHealthCheckupInfos",
];

/// Everything read from a file, before the kind is decided.
#[derive(Default)]
pub(crate) struct Parts {
    pub header: MessageHeader,
    pub header_items: Vec<HeaderItem>,
    pub body: Vec<BodyItem>,
    pub units: Vec<ConfirmationResult>,
    pub extra_root: Vec<UnknownElement>,
    pub root_offset: usize,
    /// What reading tolerated (paths not resolved yet).
    pub pending: Vec<super::warning::Pending>,
}

/// Reads the prolog up to the root start tag; errors unless it is `XmlMsg`.
pub(crate) fn open_root(cur: &mut Cursor<'_>) -> Result<usize, XmlError> {
    loop {
        match cur.next()? {
            Tok::Start { name, start, .. } => {
                cur.check_name(&name, start)?;
                if name != "XmlMsg" {
                    return Err(XmlError::UnexpectedRoot {
                        found: name.chars().take(60).collect(),
                        location: cur.location(start, None),
                    });
                }
                return Ok(start);
            }
            Tok::Text(t) if is_blank(&t) => {}
            Tok::Text(t) => {
                return Err(XmlError::Syntax {
                    message: "text before the root element".into(),
                    location: cur.text_location(&t),
                });
            }
            Tok::End | Tok::Eof => {
                return Err(XmlError::Syntax {
                    message: "no root element".into(),
                    location: cur.location(cur.last_start(), None),
                });
            }
        }
    }
}

/// Reads the epilog after the root: white space and comments only.
pub(crate) fn close_document(cur: &mut Cursor<'_>) -> Result<(), XmlError> {
    loop {
        match cur.next()? {
            Tok::Eof => return Ok(()),
            Tok::Text(t) if is_blank(&t) => {}
            Tok::Text(t) => {
                return Err(XmlError::Syntax {
                    message: "text after the root element".into(),
                    location: cur.text_location(&t),
                });
            }
            Tok::Start { start, .. } => {
                return Err(XmlError::Syntax {
                    message: "a second root element".into(),
                    location: cur.location(start, None),
                });
            }
            Tok::End => {
                return Err(XmlError::Syntax {
                    message: "end tag after the root element".into(),
                    location: cur.location(cur.last_start(), None),
                });
            }
        }
    }
}

/// Reads the `MessageBody` just started into items.
fn read_body(
    cur: &mut Cursor<'_>,
    body: &mut Vec<BodyItem>,
    units: &mut Vec<ConfirmationResult>,
) -> Result<(), XmlError> {
    cur.children(|cur, name, el, start| {
        let item = match name {
            QUERY => BodyItem::Query(Box::new(read_query(cur)?)),
            RESULT_LIST => {
                let mut rs = Vec::new();
                let unknown = read_result_list(cur, &mut rs, start)?;
                BodyItem::ResultList(rs, unknown)
            }
            RESULT => {
                let mut r = Box::<Qualification>::default();
                read_qualification(cur, &mut r)?;
                BodyItem::Result(r)
            }
            UNIT => {
                units.push(ConfirmationResult::default());
                let i = units.len() - 1;
                read_unit(cur, &mut units[i])?;
                BodyItem::Unit(i)
            }
            REGISTRATION => BodyItem::Registration(Box::new(read_registration(cur)?)),
            REGISTRATION_UNIT => {
                BodyItem::RegistrationUnit(Box::new(super::fields::read_record(cur)?))
            }
            _ => match BODY_LEAVES.iter().find(|n| **n == name) {
                Some(&n) => match cur.leaf_text()? {
                    Some(t) => {
                        if n == "ReceptionDateTime" {
                            super::fields::check::<DateTime>(cur, &t, start)?;
                        }
                        BodyItem::Leaf(n, t.into_owned())
                    }
                    None => return Ok(()),
                },
                None => BodyItem::Unknown(Box::new(cur.unknown(name, &el, start)?)),
            },
        };
        body.push(item);
        Ok(())
    })
}

/// Reads a whole document.
pub(crate) fn read_parts(src: Source<'_>, max_depth: usize) -> Result<Parts, XmlError> {
    let mut cur = Cursor::new(src, max_depth);
    let root_offset = open_root(&mut cur)?;
    let mut parts = Parts {
        root_offset,
        ..Parts::default()
    };
    let (mut has_header, mut has_body) = (false, false);
    cur.children(|cur, name, el, start| {
        match name {
            "MessageHeader" if !has_header => {
                has_header = true;
                read_header(cur, &mut parts.header, &mut parts.header_items)?;
            }
            "MessageBody" if !has_body => {
                has_body = true;
                // A bulk result announces its unit count: reserve once instead of growing
                // (bounded by what the file could hold, so a false count cannot inflate it).
                if let Some(n) = parts.header.number_of_processing_result {
                    parts.units.reserve((n as usize).min(src.len() / 1024));
                }
                read_body(cur, &mut parts.body, &mut parts.units)?;
            }
            _ => parts.extra_root.push(cur.unknown(name, &el, start)?),
        }
        Ok(())
    })?;
    close_document(&mut cur)?;
    parts.pending = cur.take_pending();
    Ok(parts)
}

/// Decides the kind from the content's shape (see the module documentation of `xml`).
pub(crate) fn infer(parts: &Parts) -> Option<MessageKind> {
    let h = &parts.header;
    let leaf = |n: &str| {
        parts
            .body
            .iter()
            .any(|i| matches!(i, BodyItem::Leaf(m, _) if *m == n))
    };
    let any = |f: fn(&BodyItem) -> bool| parts.body.iter().any(f);
    let unknown_named = |n: &str| {
        parts
            .body
            .iter()
            .any(|i| matches!(i, BodyItem::Unknown(e) if e.name == n))
            || parts
                .header_items
                .iter()
                .any(|i| matches!(i, HeaderItem::Unknown(e) if e.name == n))
    };
    let header_leaf = |n: &str| {
        parts
            .header_items
            .iter()
            .any(|i| matches!(i, HeaderItem::Leaf(m, _) if *m == n))
    };
    // A response field kept as text (its value was odd) still says what the file is.
    let kept = |n: &str| {
        parts
            .header_items
            .iter()
            .any(|i| matches!(i, HeaderItem::Unknown(e) if e.name == n && e.children.is_empty()))
    };
    let response_header = h.process_execution_time.is_some()
        || kept("ProcessExecutionTime")
        || h.segment_of_result.is_some()
        || h.character_code_identifier.is_some()
        || h.reference_classification.is_some()
        || h.error_code.is_some()
        || h.error_message.is_some();
    let processing = leaf("ProcessingResultStatus")
        || leaf("ProcessingResultCode")
        || leaf("ProcessingResultMessage");
    let queries = any(|i| matches!(i, BodyItem::Query(_)));
    let results = any(|i| matches!(i, BodyItem::ResultList(..) | BodyItem::Result(_)));
    let qualification_answer = results
        || processing
        || leaf("QualificationValidity")
        || leaf("PrescriptionIssueSelect")
        || leaf("ReferenceNumber");

    if any(|i| matches!(i, BodyItem::RegistrationUnit(_))) {
        return Some(MessageKind::ReferenceNumberResponse);
    }
    if any(|i| matches!(i, BodyItem::Unit(_)))
        || h.number_of_processing_result.is_some()
        || h.number_of_normal_processing.is_some()
        || h.number_of_error.is_some()
        || kept("NumberOfProcessingResult")
        || kept("NumberOfNormalProcessing")
        || kept("NumberOfError")
    {
        return Some(MessageKind::BulkQualificationResponse);
    }
    if any(|i| matches!(i, BodyItem::Registration(_))) {
        let answered = parts
            .body
            .iter()
            .any(|i| matches!(i, BodyItem::Registration(r) if !r.outcome.is_empty()));
        return Some(if response_header || processing || answered {
            MessageKind::ReferenceNumberResponse
        } else {
            MessageKind::ReferenceNumberRequest
        });
    }
    if leaf("ReceptionNumber") || leaf("ReceptionDateTime") {
        return Some(
            if leaf("ReceptionDateTime") || response_header || processing {
                MessageKind::BulkUploadResponse
            } else {
                MessageKind::BulkDownloadRequest
            },
        );
    }
    if h.reception_number.is_some() && !queries && !qualification_answer {
        return Some(MessageKind::BulkQualificationResponse);
    }
    let document_request = DOC_HEADER[..4].iter().any(|n| header_leaf(n))
        || [
            "StartDate",
            "EndDate",
            "FileCategory",
            "PrDiInfClassification",
            "MedicalTreatmentFlag",
        ]
        .iter()
        .any(|n| leaf(n));
    if document_request && !queries && !results {
        return Some(MessageKind::DocumentRequest);
    }
    let document_response = header_leaf("ResultCode")
        || header_leaf("MessageContents")
        || leaf("ResultCode")
        || leaf("MessageContents")
        || DOCUMENT_MARKS.iter().any(|n| unknown_named(n));
    if document_response && !queries && !results {
        return Some(MessageKind::DocumentResponse);
    }
    if qualification_answer || response_header {
        return Some(MessageKind::QualificationResponse);
    }
    if queries
        || h.qualification_confirmation_date.is_some()
        || h.medical_institution_code.is_some()
        || kept("QualificationConfirmationDate")
        || kept("MedicalInstitutionCode")
        || h.arbitrary_file_identifier.is_some()
    {
        return Some(MessageKind::QualificationRequest);
    }
    None
}

/// `true` when the body holds no typed content (only unmodelled elements, or nothing).
fn body_is_bare(parts: &Parts) -> bool {
    parts.body.iter().all(|i| matches!(i, BodyItem::Unknown(_)))
}

/// Turns a typed block the kind cannot hold into unmodelled elements.
fn leftover(item: BodyItem, units: &mut [ConfirmationResult], extra: &mut Vec<UnknownElement>) {
    match item {
        BodyItem::Unknown(e) => extra.push(*e),
        BodyItem::Leaf(n, raw) => extra.push(raw_leaf(n, raw)),
        BodyItem::Query(q) => extra.extend(to_elements(|s| write_query(&q, s))),
        BodyItem::Result(r) => extra.extend(to_elements(|s| write_qualification(&r, s))),
        BodyItem::ResultList(rs, unknown) => extra.extend(to_elements(|s| {
            s.open(RESULT_LIST)?;
            for r in &rs {
                write_qualification(r, s)?;
            }
            extras(s, &unknown)?;
            s.close()
        })),
        BodyItem::Unit(i) => {
            if let Some(u) = units.get_mut(i) {
                let u = std::mem::take(u);
                extra.extend(to_elements(|s| write_unit(&u, s)));
            }
        }
        BodyItem::Registration(r) => extra.extend(to_elements(|s| write_registration(&r, s))),
        BodyItem::RegistrationUnit(u) => extra.extend(to_elements(|s| {
            super::fields::write_record(&*u, REGISTRATION_UNIT, s)
        })),
    }
}

/// The unmodelled header children; `taken` consumes the 薬剤/健診 leaves the kind holds.
fn header_extra(
    header: &mut MessageHeader,
    items: Vec<HeaderItem>,
    mut taken: impl FnMut(&'static str, &str) -> bool,
) {
    for item in items {
        match item {
            HeaderItem::Unknown(e) => header.extra.push(e),
            HeaderItem::Leaf(n, raw) => {
                if !taken(n, &raw) {
                    header.extra.push(raw_leaf(n, raw));
                }
            }
        }
    }
}

/// Builds the message of `kind` from the parts.
pub(crate) fn assemble(parts: Parts, kind: MessageKind) -> Message {
    let Parts {
        mut header,
        header_items,
        body,
        mut units,
        extra_root,
        ..
    } = parts;
    let mut extra_body = Vec::new();
    match kind {
        MessageKind::QualificationRequest => {
            header_extra(&mut header, header_items, |_, _| false);
            let mut queries = Vec::new();
            for item in body {
                match item {
                    BodyItem::Query(q) => queries.push(*q),
                    other => leftover(other, &mut units, &mut extra_body),
                }
            }
            Message::QualificationRequest(QualificationRequest {
                header,
                queries,
                extra_body,
                extra_root,
            })
        }
        MessageKind::QualificationResponse => {
            header_extra(&mut header, header_items, |_, _| false);
            let mut r = ConfirmationResult::default();
            for item in body {
                match item {
                    BodyItem::Query(q) if r.query_echo.is_none() => {
                        r.query_echo = (*q != QualificationQuery::default()).then_some(*q);
                    }
                    BodyItem::ResultList(rs, unknown) => {
                        r.results.extend(rs);
                        if !unknown.is_empty() {
                            r.extra.push(super::fields::wrapper(RESULT_LIST, unknown));
                        }
                    }
                    BodyItem::Result(q) => r.results.push(*q),
                    BodyItem::Leaf(n, raw) => {
                        if !r.take_raw(n, &raw) {
                            r.extra.push(raw_leaf(n, raw));
                        }
                    }
                    other => leftover(other, &mut units, &mut r.extra),
                }
            }
            Message::QualificationResponse(QualificationResponse {
                header,
                body: r,
                extra_root,
            })
        }
        MessageKind::ReferenceNumberRequest | MessageKind::ReferenceNumberResponse => {
            header_extra(&mut header, header_items, |_, _| false);
            let mut registrations = Vec::new();
            let mut tail = ReferenceNumberResponse::default();
            let response = kind == MessageKind::ReferenceNumberResponse;
            for item in body {
                match item {
                    BodyItem::Registration(r) => registrations.push(*r),
                    BodyItem::RegistrationUnit(u) if response => tail.units.push(*u),
                    BodyItem::Leaf(n, raw) => {
                        let taken = response && tail.outcome.take_raw(n, &raw);
                        if !taken {
                            extra_body.push(raw_leaf(n, raw));
                        }
                    }
                    other => leftover(other, &mut units, &mut extra_body),
                }
            }
            if response {
                Message::ReferenceNumberResponse(ReferenceNumberResponse {
                    header,
                    registrations,
                    extra_body,
                    extra_root,
                    ..tail
                })
            } else {
                Message::ReferenceNumberRequest(ReferenceNumberRequest {
                    header,
                    registrations,
                    extra_body,
                    extra_root,
                })
            }
        }
        MessageKind::BulkUploadResponse => {
            header_extra(&mut header, header_items, |_, _| false);
            let mut m = BulkUploadResponse::default();
            for item in body {
                match item {
                    BodyItem::Leaf(n, raw) => {
                        let taken = m.receipt.take_raw(n, &raw);
                        if !taken {
                            extra_body.push(raw_leaf(n, raw));
                        }
                    }
                    other => leftover(other, &mut units, &mut extra_body),
                }
            }
            Message::BulkUploadResponse(BulkUploadResponse {
                header,
                extra_body,
                extra_root,
                ..m
            })
        }
        MessageKind::BulkDownloadRequest => {
            header_extra(&mut header, header_items, |_, _| false);
            let mut reception: Option<String> = None;
            for item in body {
                match item {
                    BodyItem::Leaf("ReceptionNumber", raw) if reception.is_none() => {
                        reception = Some(raw);
                    }
                    other => leftover(other, &mut units, &mut extra_body),
                }
            }
            Message::BulkDownloadRequest(BulkDownloadRequest {
                header,
                reception_number: reception.unwrap_or_default(),
                extra_body,
                extra_root,
            })
        }
        MessageKind::BulkQualificationResponse => {
            header_extra(&mut header, header_items, |_, _| false);
            // The units are already in document order in `units`; everything else is kept.
            for item in body {
                if !matches!(item, BodyItem::Unit(_)) {
                    leftover(item, &mut units, &mut extra_body);
                }
            }
            Message::BulkQualificationResponse(BulkQualificationResponse {
                header,
                units,
                extra_body,
                extra_root,
            })
        }
        MessageKind::DocumentRequest => {
            let mut m = DocumentRequest::default();
            header_extra(&mut header, header_items, |n, raw| {
                take_document_card(&mut m.card, n, raw)
            });
            for item in body {
                match item {
                    BodyItem::Leaf(n, raw) => {
                        let taken = m.query.take_raw(n, &raw);
                        if !taken {
                            extra_body.push(raw_leaf(n, raw));
                        }
                    }
                    other => leftover(other, &mut units, &mut extra_body),
                }
            }
            Message::DocumentRequest(DocumentRequest {
                header,
                extra_body,
                extra_root,
                ..m
            })
        }
        MessageKind::DocumentResponse => {
            let mut m = DocumentResponse::default();
            header_extra(&mut header, header_items, |n, raw| {
                m.outcome.take_raw(n, raw)
            });
            for item in body {
                match item {
                    BodyItem::Leaf(n, raw) => {
                        let taken = m.outcome.take_raw(n, &raw);
                        if !taken {
                            extra_body.push(raw_leaf(n, raw));
                        }
                    }
                    other => leftover(other, &mut units, &mut extra_body),
                }
            }
            Message::DocumentResponse(DocumentResponse {
                header,
                body: extra_body,
                extra_root,
                ..m
            })
        }
        MessageKind::Unmodelled => {
            header_extra(&mut header, header_items, |_, _| false);
            for item in body {
                leftover(item, &mut units, &mut extra_body);
            }
            Message::Unmodelled(UnmodelledMessage {
                header,
                body: extra_body,
                extra_root,
                document: None,
            })
        }
    }
}

/// Reads a file of a family whose body is not modelled: the header typed (when the root is
/// `XmlMsg`), every other element kept whole as read.
fn read_unmodelled(src: Source<'_>, max_depth: usize) -> Result<Message, XmlError> {
    let mut cur = Cursor::new(src, max_depth);
    let mut m = UnmodelledMessage::default();
    let root = loop {
        match cur.next()? {
            Tok::Start { name, el, start } => break (name, el, start),
            Tok::Text(t) if is_blank(&t) => {}
            Tok::Text(t) => {
                return Err(XmlError::Syntax {
                    message: "text before the root element".into(),
                    location: cur.text_location(&t),
                });
            }
            Tok::End | Tok::Eof => {
                return Err(XmlError::Syntax {
                    message: "no root element".into(),
                    location: cur.location(cur.last_start(), None),
                });
            }
        }
    };
    let (name, el, start) = root;
    if name == "XmlMsg" {
        cur.check_name(&name, start)?;
        let mut items = Vec::new();
        let (mut has_header, mut has_body) = (false, false);
        cur.children(|cur, name, el, start| {
            match name {
                "MessageHeader" if !has_header => {
                    has_header = true;
                    read_header(cur, &mut m.header, &mut items)?;
                }
                "MessageBody" if !has_body => {
                    has_body = true;
                    cur.children(|cur, name, el, start| {
                        m.body.push(cur.unknown(name, &el, start)?);
                        Ok(())
                    })?;
                }
                _ => m.extra_root.push(cur.unknown(name, &el, start)?),
            }
            Ok(())
        })?;
        header_extra(&mut m.header, items, |_, _| false);
    } else {
        m.document = Some(cur.unknown(&name, &el, start)?);
    }
    close_document(&mut cur)?;
    Ok(Message::Unmodelled(m))
}

/// Reads a whole message, with what reading tolerated; `hint` (from the file name) decides
/// when the content alone cannot.
pub(crate) fn read_message(
    src: Source<'_>,
    max_depth: usize,
    hint: Option<MessageKind>,
) -> Result<(Message, Vec<super::Warning>), XmlError> {
    if hint == Some(MessageKind::Unmodelled) {
        return read_unmodelled(src, max_depth).map(|m| (m, Vec::new()));
    }
    let mut parts = read_parts(src, max_depth)?;
    let pending = std::mem::take(&mut parts.pending);
    let warnings = if pending.is_empty() {
        Vec::new()
    } else {
        super::warning::resolve(&src, src.body(), &[], None, 1, pending)
    };
    let inferred = infer(&parts);
    let kind = match (inferred, hint) {
        (Some(k), Some(h)) if k != h && body_is_bare(&parts) => h,
        // The name says request or answer: an `…01res_` is never read as a request (a
        // 受付番号 body alone looks like a download request), nor a `…req_` as an answer.
        (Some(k), Some(h)) if k.direction() != h.direction() => h,
        (Some(k), _) => k,
        (None, Some(h)) => h,
        (None, None) => {
            return Err(XmlError::UnknownMessage {
                reason: "no header field or body element of any message family".into(),
                location: super::reader::location_in(&src, parts.root_offset, "/XmlMsg".into()),
            });
        }
    };
    Ok((assemble(parts, kind), warnings))
}

/// The 薬剤/健診 request's card fields sit in its header under names of their own
/// ([`DOC_HEADER`]), and the 保険者番号 is written unpadded: this is the one place those
/// names are mapped to [`CardKey`].
fn take_document_card(card: &mut CardKey, n: &str, raw: &str) -> bool {
    match n {
        "InsurerNumber" => take::<InsurerPlain>(&mut card.insurer_number, raw),
        "InsuranceCardSymbol" => take::<Symbol>(&mut card.insured_card_symbol, raw),
        "InsuredPersonIdentificationNumber" => {
            take::<Number>(&mut card.insured_identification_number, raw)
        }
        "BranchNumber" => take::<Branch>(&mut card.insured_branch_number, raw),
        _ => false,
    }
}

fn write_document_card<'m, S: Sink<'m>>(card: &'m CardKey, s: &mut S) -> Result<(), XmlError> {
    let [insurer, symbol, number, branch] =
        [DOC_HEADER[0], DOC_HEADER[1], DOC_HEADER[2], DOC_HEADER[3]];
    if let Some(v) = &card.insurer_number {
        s.leaf(insurer, &InsurerPlain::text(v))?;
    }
    if let Some(v) = &card.insured_card_symbol {
        s.leaf(symbol, &Symbol::text(v))?;
    }
    if let Some(v) = &card.insured_identification_number {
        s.leaf(number, &Number::text(v))?;
    }
    if let Some(v) = &card.insured_branch_number {
        s.leaf(branch, &Branch::text(v))?;
    }
    Ok(())
}

fn none<S>(_: &mut S) -> Result<(), XmlError> {
    Ok(())
}

/// Writes a whole message, in spec order.
pub(crate) fn write_message<'m, S: Sink<'m>>(m: &'m Message, s: &mut S) -> Result<(), XmlError> {
    if let Message::Unmodelled(UnmodelledMessage {
        document: Some(doc),
        ..
    }) = m
    {
        // Not an `XmlMsg` document: written back as it was read.
        return s.unknown(doc);
    }
    s.open("XmlMsg")?;
    let extra_root = match m {
        Message::QualificationRequest(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            for q in &m.queries {
                write_query(q, s)?;
            }
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::QualificationResponse(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            write_result_content(&m.body, s, true)?;
            s.close()?;
            &m.extra_root
        }
        Message::ReferenceNumberRequest(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            for r in &m.registrations {
                write_registration(r, s)?;
            }
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::ReferenceNumberResponse(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            for r in &m.registrations {
                write_registration(r, s)?;
            }
            for u in &m.units {
                super::fields::write_record(u, REGISTRATION_UNIT, s)?;
            }
            m.outcome.write_fields(s, false)?;
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::BulkUploadResponse(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            m.receipt.write_fields(s, false)?;
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::BulkDownloadRequest(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            if !m.reception_number.is_empty() {
                s.leaf("ReceptionNumber", &m.reception_number)?;
            }
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::BulkQualificationResponse(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            for u in &m.units {
                write_unit(u, s)?;
            }
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::DocumentRequest(m) => {
            write_header(&m.header, s, |s| write_document_card(&m.card, s), none)?;
            s.open("MessageBody")?;
            m.query.write_fields(s, false)?;
            extras(s, &m.extra_body)?;
            s.close()?;
            &m.extra_root
        }
        Message::DocumentResponse(m) => {
            write_header(&m.header, s, none, |s| m.outcome.write_fields(s, false))?;
            s.open("MessageBody")?;
            extras(s, &m.body)?;
            s.close()?;
            &m.extra_root
        }
        Message::Unmodelled(m) => {
            write_header(&m.header, s, none, none)?;
            s.open("MessageBody")?;
            extras(s, &m.body)?;
            s.close()?;
            &m.extra_root
        }
    };
    extras(s, extra_root)?;
    s.close()
}
