//! File names of the terminal interface: which message a file holds, and req ↔ res pairing.
//!
//! A request is `<PREFIX>req_<suffix>.xml`; its answer is `<PREFIX>res_<suffix>.xml` (same
//! suffix), or `.err` when the request was rejected, `.pdf` for a PDF document, `.zip` for a
//! zipped bulk download. Face-reader pushes are
//! `OQSsiquc01res_face_<医療機関コード 10 digits><token>_<yyyyMMddHHmmss>.xml`.
//!
//! Names come from another machine's folder, so [`FileName::parse`] refuses anything that
//! could escape a folder (separators, `..`, control characters, drive letters) and anything
//! longer than [`MAX_FILE_NAME_LEN`].
//!
//! ```
//! use onshi::xml::{FileName, Family, Direction};
//! let req = FileName::parse("OQSsiquc01req_202504010001.xml").unwrap();
//! assert_eq!(req.family, Family::Individual);
//! assert_eq!(req.direction, Direction::Request);
//! assert_eq!(req.response_name().to_string(), "OQSsiquc01res_202504010001.xml");
//! assert!(FileName::parse("../OQSsiquc01res_1.xml").is_err());
//! ```

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest file name accepted.
pub const MAX_FILE_NAME_LEN: usize = 200;

/// The message family, from the file-name prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// 資格確認 個別照会 (`OQSsiquc`).
    Individual,
    /// 照会番号登録, single (`OQSsiimm`).
    ReferenceNumber,
    /// 資格確認 一括照会 (`OQSmuquc`).
    BulkQualification,
    /// 照会番号 一括登録 (`OQSmuimm`).
    BulkReferenceNumber,
    /// 医療扶助 (委託先資格情報) 一括取得 (`OQSmutic`).
    BulkMedicalAssistance,
    /// 訪問診療等 一括取得 (`OQSmuhvq`).
    BulkHomeVisit,
    /// オンライン診療等 一括取得 (`OQSmuonq`).
    BulkOnline,
    /// 薬剤情報 (`YZKsiquc`).
    DrugInfo,
    /// 特定健診情報 (`TKKsiquc`).
    Checkup,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 9] = [
        Family::Individual,
        Family::ReferenceNumber,
        Family::BulkQualification,
        Family::BulkReferenceNumber,
        Family::BulkMedicalAssistance,
        Family::BulkHomeVisit,
        Family::BulkOnline,
        Family::DrugInfo,
        Family::Checkup,
    ];

    /// The 8-character prefix (`OQSsiquc` …).
    pub fn prefix(self) -> &'static str {
        match self {
            Family::Individual => "OQSsiquc",
            Family::ReferenceNumber => "OQSsiimm",
            Family::BulkQualification => "OQSmuquc",
            Family::BulkReferenceNumber => "OQSmuimm",
            Family::BulkMedicalAssistance => "OQSmutic",
            Family::BulkHomeVisit => "OQSmuhvq",
            Family::BulkOnline => "OQSmuonq",
            Family::DrugInfo => "YZKsiquc",
            Family::Checkup => "TKKsiquc",
        }
    }

    /// `true` for the two-phase families (01 upload → 受付番号 → 02 download).
    pub fn is_bulk(self) -> bool {
        matches!(
            self,
            Family::BulkQualification
                | Family::BulkReferenceNumber
                | Family::BulkMedicalAssistance
                | Family::BulkHomeVisit
                | Family::BulkOnline
        )
    }

    /// Japanese name for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Family::Individual => "資格確認（個別照会）",
            Family::ReferenceNumber => "照会番号登録",
            Family::BulkQualification => "資格確認（一括照会）",
            Family::BulkReferenceNumber => "照会番号一括登録",
            Family::BulkMedicalAssistance => "医療扶助 一括取得",
            Family::BulkHomeVisit => "訪問診療等 一括取得",
            Family::BulkOnline => "オンライン診療等 一括取得",
            Family::DrugInfo => "薬剤情報",
            Family::Checkup => "特定健診情報",
        }
    }

    fn from_prefix(p: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.prefix() == p)
    }
}

/// `01` (request / upload) or `02` (bulk download).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// `01`.
    Upload,
    /// `02` (bulk families only).
    Download,
}

impl Phase {
    fn digits(self) -> &'static str {
        match self {
            Phase::Upload => "01",
            Phase::Download => "02",
        }
    }
}

/// Request (`req`) or response (`res`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Written by the clinic into `req/`.
    Request,
    /// Written by the terminal into `res/` or `face/`.
    Response,
}

/// The file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Extension {
    /// `.xml`.
    Xml,
    /// `.err`: the terminal rejected the request.
    Err,
    /// `.pdf`: a 薬剤/健診 document as PDF.
    Pdf,
    /// `.zip`: a zipped bulk download.
    Zip,
}

impl Extension {
    fn as_str(self) -> &'static str {
        match self {
            Extension::Xml => "xml",
            Extension::Err => "err",
            Extension::Pdf => "pdf",
            Extension::Zip => "zip",
        }
    }
}

/// The parts of a face-reader push file name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FaceFile {
    /// 医療機関コード (10 digits).
    pub institution_code: String,
    /// The terminal's token (20 characters in real files; any length accepted).
    pub token: String,
    /// When the terminal wrote the file.
    pub timestamp: NaiveDateTime,
}

/// A parsed file name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileName {
    /// Message family.
    pub family: Family,
    /// `01` or `02`.
    pub phase: Phase,
    /// `req` or `res`.
    pub direction: Direction,
    /// The part after `req_` / `res_` (for face files: after `res_face_`), without extension.
    pub suffix: String,
    /// The extension.
    pub extension: Extension,
    /// Set for face-reader pushes.
    pub face: Option<FaceFile>,
}

/// Why a file name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileNameError {
    /// Contains a path separator, `..`, a drive letter, a control character, or is too long.
    #[error("file name {name:?} is not a plain file name ({reason})")]
    Unsafe {
        /// The name (file names carry no personal data).
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Not a name of the interface.
    #[error("file name {name:?} is not a terminal interface file ({reason})")]
    NotInterface {
        /// The name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
}

impl FileNameError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            FileNameError::Unsafe { .. } => st::ONSHI_XML_FILE_NAME_UNSAFE,
            FileNameError::NotInterface { .. } => st::ONSHI_XML_FILE_NAME_NOT_INTERFACE,
        }
    }
}

fn suffix_ok(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl FileName {
    /// A request name for `family`/`phase` with the given suffix (ASCII letters, digits,
    /// `_`, `-`).
    pub fn request(family: Family, phase: Phase, suffix: &str) -> Result<FileName, FileNameError> {
        let n = FileName {
            family,
            phase,
            direction: Direction::Request,
            suffix: suffix.to_string(),
            extension: Extension::Xml,
            face: None,
        };
        // Validate through the parser so both paths agree.
        FileName::parse(&n.to_string())
    }

    /// Parses and validates a file name (no directories).
    pub fn parse(name: &str) -> Result<FileName, FileNameError> {
        let unsafe_ = |reason| FileNameError::Unsafe {
            name: name.chars().take(MAX_FILE_NAME_LEN).collect(),
            reason,
        };
        let not = |reason| FileNameError::NotInterface {
            name: name.to_string(),
            reason,
        };
        if name.len() > MAX_FILE_NAME_LEN {
            return Err(unsafe_("too long"));
        }
        if name.contains(['/', '\\', ':']) {
            return Err(unsafe_("path separator or drive letter"));
        }
        if name.contains("..") {
            return Err(unsafe_("`..`"));
        }
        if name.chars().any(|c| c.is_control()) {
            return Err(unsafe_("control character"));
        }
        let (stem, ext) = name.rsplit_once('.').ok_or_else(|| not("no extension"))?;
        let extension = match ext.to_ascii_lowercase().as_str() {
            "xml" => Extension::Xml,
            "err" => Extension::Err,
            "pdf" => Extension::Pdf,
            "zip" => Extension::Zip,
            _ => return Err(not("extension is not xml, err, pdf or zip")),
        };
        if stem.len() < 14 || !stem.as_bytes()[..14].is_ascii() {
            return Err(not("unknown prefix"));
        }
        let family = Family::from_prefix(&stem[..8]).ok_or_else(|| not("unknown prefix"))?;
        let phase = match &stem[8..10] {
            "01" => Phase::Upload,
            "02" if family.is_bulk() => Phase::Download,
            _ => return Err(not("phase is not 01 (or 02 for bulk)")),
        };
        let direction = match &stem[10..14] {
            "req_" => Direction::Request,
            "res_" => Direction::Response,
            _ => return Err(not("expected req_ or res_ after the prefix")),
        };
        let rest = &stem[14..];
        let (suffix, face) = match rest.strip_prefix("face_") {
            Some(f) if family == Family::Individual && direction == Direction::Response => (
                f.to_string(),
                Some(parse_face(f).ok_or_else(|| not("malformed face file name"))?),
            ),
            // Its answer would read as a face file: `face_` is reserved for those.
            Some(_) if family == Family::Individual => {
                return Err(not("a request suffix may not start with face_"));
            }
            _ => (rest.to_string(), None),
        };
        if !suffix_ok(&suffix) {
            return Err(not("suffix must be ASCII letters, digits, _ or -"));
        }
        Ok(FileName {
            family,
            phase,
            direction,
            suffix,
            extension,
            face,
        })
    }

    /// The prefix including phase and direction, e.g. `OQSsiquc01req`.
    pub fn stem_prefix(&self) -> String {
        let dir = match self.direction {
            Direction::Request => "req",
            Direction::Response => "res",
        };
        format!("{}{}{}", self.family.prefix(), self.phase.digits(), dir)
    }

    /// The name of the answer to this request (`req` → `res`, same suffix, `.xml`).
    pub fn response_name(&self) -> FileName {
        FileName {
            direction: Direction::Response,
            extension: Extension::Xml,
            face: None,
            ..self.clone()
        }
    }

    /// The name of the request this answer belongs to (`res` → `req`, `.xml`).
    pub fn request_name(&self) -> FileName {
        FileName {
            direction: Direction::Request,
            extension: Extension::Xml,
            face: None,
            ..self.clone()
        }
    }

    /// The same name with another extension (e.g. the `.err` companion).
    pub fn with_extension(&self, extension: Extension) -> FileName {
        FileName {
            extension,
            ..self.clone()
        }
    }

    /// `true` for a face-reader push.
    pub fn is_face(&self) -> bool {
        self.face.is_some()
    }
}

fn parse_face(f: &str) -> Option<FaceFile> {
    let (head, ts) = f.rsplit_once('_')?;
    if ts.len() != 14 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let timestamp = NaiveDateTime::parse_from_str(ts, "%Y%m%d%H%M%S").ok()?;
    if head.len() < 10 || !head.is_char_boundary(10) {
        return None;
    }
    let (code, token) = head.split_at(10);
    if !code.bytes().all(|b| b.is_ascii_digit()) || token.is_empty() {
        return None;
    }
    Some(FaceFile {
        institution_code: code.to_string(),
        token: token.to_string(),
        timestamp,
    })
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let face = if self.face.is_some() { "face_" } else { "" };
        write!(
            f,
            "{}_{}{}.{}",
            self.stem_prefix(),
            face,
            self.suffix,
            self.extension.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_round_trips() {
        for fam in Family::ALL {
            for phase in [Phase::Upload, Phase::Download] {
                let r = FileName::request(fam, phase, "202504010001");
                if phase == Phase::Download && !fam.is_bulk() {
                    assert!(r.is_err(), "{fam:?}");
                    continue;
                }
                let r = r.unwrap();
                let s = r.to_string();
                assert_eq!(FileName::parse(&s).unwrap(), r);
                let res = r.response_name();
                assert_eq!(res.to_string(), s.replacen("req_", "res_", 1));
                assert_eq!(res.request_name(), r);
            }
        }
    }

    #[test]
    fn face_file_names() {
        let n = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml";
        let f = FileName::parse(n).unwrap();
        let face = f.face.as_ref().unwrap();
        assert_eq!(face.institution_code, "2714206386");
        assert_eq!(face.token, "4da5260a16de5a3d3ad7");
        assert_eq!(face.timestamp.to_string(), "2026-09-29 16:01:12");
        assert_eq!(f.to_string(), n);
        assert!(FileName::parse("OQSsiquc01res_face_x_2026.xml").is_err());
    }

    #[test]
    fn err_pdf_zip_companions() {
        let r = FileName::parse("OQSmuquc02req_202609290001.err").unwrap();
        assert_eq!(r.extension, Extension::Err);
        assert_eq!(
            FileName::parse("YZKsiquc01res_0226092916001234.PDF")
                .unwrap()
                .extension,
            Extension::Pdf
        );
        let x = FileName::parse("OQSsiquc01req_1.xml").unwrap();
        assert_eq!(
            x.with_extension(Extension::Err).to_string(),
            "OQSsiquc01req_1.err"
        );
    }

    #[test]
    fn refuses_escapes_and_junk() {
        for bad in [
            "../OQSsiquc01res_1.xml",
            "OQSsiquc01res_..xml",
            "sub/OQSsiquc01res_1.xml",
            "C:OQSsiquc01res_1.xml",
            "OQSsiquc01res_1\\x.xml",
            "OQSsiquc01res_a\u{0}.xml",
            "OQSsiquc01res_1.txt",
            "OQSsiquc03res_1.xml",
            "OQSsiquc02req_1.xml",
            "OQSxxxxx01req_1.xml",
            "OQSsiquc01req_.xml",
            "OQSsiquc01req_a b.xml",
            "OQSsiquc01req_１.xml",
            "短い.xml",
            "",
        ] {
            assert!(FileName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(FileName::parse(&format!("OQSsiquc01req_{}.xml", "1".repeat(300))).is_err());
    }
}
