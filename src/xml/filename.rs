//! File names of the terminal interface: which message a file holds, and req ↔ res pairing.
//!
//! A request is `<PREFIX>req_<suffix>.xml`; its answer is `<PREFIX>res_<suffix>.xml` (same
//! suffix), or `.err` when the request was rejected, `.pdf` for a PDF document, `.zip` for a
//! zipped bulk download, `.png` for an image (医療機関アクセスURL取得). Face-reader pushes are
//! `OQSsiquc01res_face_<医療機関コード 10 digits><token>_<yyyyMMddHHmmss>.xml`; any other
//! `OQSsiquc01res_face_*.xml` (converters write `…face_auto_<time>.xml`, `…face_<time>.xml`) is
//! a face push too, without the [`FaceFile`] parts.
//!
//! Every prefix of the terminal known in 2026 is a [`Family`] (oqs-2026 §2), also those whose
//! bodies are not modelled ([`Family::is_modelled`]: 閲覧同意取り消し, アクセスURL取得,
//! 環境設定情報, PMH 医療費助成) and the out-of-scope 電子処方箋 (`EPS…`); the face outputs
//! named by the face keys `publicmedicalhub` and `prescription` (`<key>_<suffix>.<ext>`, a
//! reading of the face DLL's keys, not seen in a real folder) are recognised too.
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
#[non_exhaustive]
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
    /// 資格確認（訪問診療等） (`OQSsihvq`, OQS-IF-025/026): the 個別照会 shape.
    HomeVisitQuery,
    /// 資格確認（オンライン診療等） (`OQSsionq`, OQS-IF-027/028): the 個別照会 shape.
    OnlineQuery,
    /// 閲覧同意取り消し（訪問診療等） (`OQSsihvd`, OQS-IF-037/038); body not modelled.
    ConsentRevocation,
    /// 医療機関アクセスURL取得 (`OQSsiurl`, OQS-IF-039/040; answer PDF or PNG); body not
    /// modelled.
    AccessUrl,
    /// 医療機関環境設定情報照会 (`OQSsiinq`); body not modelled.
    SettingsInquiry,
    /// 医療機関環境設定情報更新 (`OQSsiupd`); body not modelled.
    SettingsUpdate,
    /// PMH 医療費助成 (`PMHsimsm`, face key `publicmedicalhub`); body not modelled.
    PublicMedicalHub,
    /// 電子処方箋 (`EPS…`, face key `prescription`): known, out of onshi's scope.
    ElectronicPrescription,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 17] = [
        Family::Individual,
        Family::ReferenceNumber,
        Family::BulkQualification,
        Family::BulkReferenceNumber,
        Family::BulkMedicalAssistance,
        Family::BulkHomeVisit,
        Family::BulkOnline,
        Family::DrugInfo,
        Family::Checkup,
        Family::HomeVisitQuery,
        Family::OnlineQuery,
        Family::ConsentRevocation,
        Family::AccessUrl,
        Family::SettingsInquiry,
        Family::SettingsUpdate,
        Family::PublicMedicalHub,
        Family::ElectronicPrescription,
    ];

    /// The prefix (`OQSsiquc` …; `EPS` for the 電子処方箋 family, whose names carry a longer
    /// prefix of their own, kept in [`FileName::prefix`]).
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
            Family::HomeVisitQuery => "OQSsihvq",
            Family::OnlineQuery => "OQSsionq",
            Family::ConsentRevocation => "OQSsihvd",
            Family::AccessUrl => "OQSsiurl",
            Family::SettingsInquiry => "OQSsiinq",
            Family::SettingsUpdate => "OQSsiupd",
            Family::PublicMedicalHub => "PMHsimsm",
            Family::ElectronicPrescription => "EPS",
        }
    }

    /// The face key of this family's face output (`encrypt_face.conf`), if it has one of its
    /// own: `publicmedicalhub`, `prescription`.
    pub fn face_key(self) -> Option<&'static str> {
        match self {
            Family::PublicMedicalHub => Some("publicmedicalhub"),
            Family::ElectronicPrescription => Some("prescription"),
            _ => None,
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

    /// `true` when onshi models the bodies of this family's files; the others are read as
    /// [`Message::Unmodelled`](super::Message::Unmodelled) (header typed, body kept whole).
    pub fn is_modelled(self) -> bool {
        !matches!(
            self,
            Family::ConsentRevocation
                | Family::AccessUrl
                | Family::SettingsInquiry
                | Family::SettingsUpdate
                | Family::PublicMedicalHub
                | Family::ElectronicPrescription
        )
    }

    /// `false` for the 電子処方箋 family: known (named, never "unknown"), outside onshi's
    /// scope.
    pub fn in_scope(self) -> bool {
        self != Family::ElectronicPrescription
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
            Family::HomeVisitQuery => "資格確認（訪問診療等）",
            Family::OnlineQuery => "資格確認（オンライン診療等）",
            Family::ConsentRevocation => "閲覧同意取り消し（訪問診療等）",
            Family::AccessUrl => "医療機関アクセスURL取得",
            Family::SettingsInquiry => "医療機関環境設定情報照会",
            Family::SettingsUpdate => "医療機関環境設定情報更新",
            Family::PublicMedicalHub => "PMH 医療費助成",
            Family::ElectronicPrescription => "電子処方箋（onshi の対象外）",
        }
    }

    fn from_prefix(p: &str) -> Option<Family> {
        if p.starts_with("EPS") {
            return Some(Family::ElectronicPrescription);
        }
        Family::ALL.into_iter().find(|f| f.prefix() == p)
    }

    fn from_face_key(stem: &str) -> Option<(Family, usize)> {
        Family::ALL.into_iter().find_map(|f| {
            let k = f.face_key()?;
            // Compared as bytes: the name may hold any character at that place.
            let head = stem.as_bytes().get(..k.len() + 1)?;
            (head[..k.len()].eq_ignore_ascii_case(k.as_bytes()) && head[k.len()] == b'_')
                .then_some((f, k.len()))
        })
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
    /// `.png`: an image (医療機関アクセスURL取得).
    Png,
}

impl Extension {
    fn as_str(self) -> &'static str {
        match self {
            Extension::Xml => "xml",
            Extension::Err => "err",
            Extension::Pdf => "pdf",
            Extension::Zip => "zip",
            Extension::Png => "png",
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
    /// The prefix as written: the family's ([`Family::prefix`]) for most, the whole
    /// 8-character prefix of an `EPS…` name, the face key (`publicmedicalhub` …) of a face
    /// output. Empty means the family's.
    #[serde(default)]
    pub prefix: String,
    /// `01` or `02`.
    pub phase: Phase,
    /// `req` or `res`.
    pub direction: Direction,
    /// The part after `req_` / `res_` (for face files in the terminal's exact form: after
    /// `res_face_`; for other face names it starts with `face_`; for a face output named by
    /// its key: after `<key>_`), without extension.
    pub suffix: String,
    /// The extension.
    pub extension: Extension,
    /// The parts of a face-reader push in the terminal's exact form (`None` for the looser
    /// names converters write: see [`is_face`](Self::is_face)).
    pub face: Option<FaceFile>,
}

/// What a file name says, for tools and JSON (`onshi parse` prints it as `"file"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    /// The file name.
    pub name: String,
    /// The family.
    pub family: Family,
    /// Its Japanese name.
    pub family_label: &'static str,
    /// The prefix as written (`OQSsiquc`, `EPSxxxxx`, `publicmedicalhub` …).
    pub prefix: String,
    /// `upload` (`01`) or `download` (`02`).
    pub phase: Phase,
    /// `request` or `response`.
    pub direction: Direction,
    /// The suffix.
    pub suffix: String,
    /// The extension.
    pub extension: Extension,
    /// `true` for a face-reader push.
    pub is_face: bool,
    /// The parts of a face push name in the terminal's exact form.
    pub face: Option<FaceFile>,
    /// The message kind a file of this name holds (`null` for `.err`, `.pdf`, `.zip`,
    /// `.png`).
    pub kind: Option<super::MessageKind>,
    /// `false` when onshi keeps this family's body whole without modelling it.
    pub modelled: bool,
    /// `false` for the 電子処方箋 family (known, outside onshi's scope).
    pub in_scope: bool,
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
    /// The 電子処方箋 family is out of scope: no request name is made for it.
    pub fn request(family: Family, phase: Phase, suffix: &str) -> Result<FileName, FileNameError> {
        if !family.in_scope() {
            return Err(FileNameError::NotInterface {
                name: family.prefix().to_string(),
                reason: "電子処方箋 files are outside onshi's scope",
            });
        }
        let n = FileName {
            family,
            prefix: String::new(),
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
            "png" => Extension::Png,
            _ => return Err(not("extension is not xml, err, pdf, zip or png")),
        };
        // A face output named by its face key: `publicmedicalhub_<suffix>.xml`.
        if let Some((family, len)) = Family::from_face_key(stem) {
            let suffix = &stem[len + 1..];
            if !suffix_ok(suffix) {
                return Err(not("suffix must be ASCII letters, digits, _ or -"));
            }
            return Ok(FileName {
                family,
                prefix: stem[..len].to_string(),
                phase: Phase::Upload,
                direction: Direction::Response,
                suffix: suffix.to_string(),
                extension,
                face: None,
            });
        }
        if stem.len() < 14 || !stem.as_bytes()[..14].is_ascii() {
            return Err(not("unknown prefix"));
        }
        let family = Family::from_prefix(&stem[..8]).ok_or_else(|| not("unknown prefix"))?;
        let prefix = if family == Family::ElectronicPrescription {
            if !stem[..8].bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(not("unknown prefix"));
            }
            stem[..8].to_string()
        } else {
            String::new()
        };
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
            Some(f) if family == Family::Individual && direction == Direction::Response => {
                match parse_face(f) {
                    Some(face) => (f.to_string(), Some(face)),
                    // Any other `OQSsiquc01res_face_*.xml` is a face push too (converters);
                    // the name is kept as it is (it was checked for separators above).
                    None if !f.is_empty() && extension == Extension::Xml => {
                        return Ok(FileName {
                            family,
                            prefix,
                            phase,
                            direction,
                            suffix: rest.to_string(),
                            extension,
                            face: None,
                        });
                    }
                    None => return Err(not("malformed face file name")),
                }
            }
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
            prefix,
            phase,
            direction,
            suffix,
            extension,
            face,
        })
    }

    /// The prefix as written: [`Family::prefix`] unless the name carries its own (an `EPS…`
    /// name, a face output named by its key).
    pub fn written_prefix(&self) -> &str {
        if self.prefix.is_empty() {
            self.family.prefix()
        } else {
            &self.prefix
        }
    }

    /// `true` for a face output named by its face key (`publicmedicalhub_…`).
    pub fn is_face_key_output(&self) -> bool {
        self.family
            .face_key()
            .is_some_and(|k| self.prefix.eq_ignore_ascii_case(k))
    }

    /// What the name says, for tools and JSON.
    pub fn info(&self) -> FileInfo {
        FileInfo {
            name: self.to_string(),
            family: self.family,
            family_label: self.family.label(),
            prefix: self.written_prefix().to_string(),
            phase: self.phase,
            direction: self.direction,
            suffix: self.suffix.clone(),
            extension: self.extension,
            is_face: self.is_face(),
            face: self.face.clone(),
            kind: super::MessageKind::for_file(self),
            modelled: self.family.is_modelled(),
            in_scope: self.family.in_scope(),
        }
    }

    /// The prefix including phase and direction, e.g. `OQSsiquc01req`.
    pub fn stem_prefix(&self) -> String {
        let dir = match self.direction {
            Direction::Request => "req",
            Direction::Response => "res",
        };
        if self.is_face_key_output() {
            return self.prefix.clone();
        }
        format!("{}{}{}", self.written_prefix(), self.phase.digits(), dir)
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

    /// `true` for a face-reader push: `OQSsiquc01res_face_*.xml`, in the terminal's exact
    /// form or not.
    pub fn is_face(&self) -> bool {
        self.face.is_some()
            || (self.family == Family::Individual
                && self.direction == Direction::Response
                && self.suffix.starts_with("face_"))
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
                if (phase == Phase::Download && !fam.is_bulk()) || !fam.in_scope() {
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
    fn every_prefix_of_2026_is_a_known_family() {
        for (name, fam, modelled) in [
            ("OQSsihvq01req_1.xml", Family::HomeVisitQuery, true),
            ("OQSsionq01res_1.xml", Family::OnlineQuery, true),
            ("OQSsihvd01req_1.xml", Family::ConsentRevocation, false),
            ("OQSsiurl01res_1.png", Family::AccessUrl, false),
            ("OQSsiurl01res_1.pdf", Family::AccessUrl, false),
            ("OQSsiinq01res_1.xml", Family::SettingsInquiry, false),
            ("OQSsiupd01req_1.xml", Family::SettingsUpdate, false),
            ("PMHsimsm01res_1.xml", Family::PublicMedicalHub, false),
            ("EPSsiabc01res_1.xml", Family::ElectronicPrescription, false),
            (
                "publicmedicalhub_20260929160112.xml",
                Family::PublicMedicalHub,
                false,
            ),
            ("Prescription_x1.xml", Family::ElectronicPrescription, false),
        ] {
            let n = FileName::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(n.family, fam, "{name}");
            assert_eq!(n.family.is_modelled(), modelled, "{name}");
            assert_eq!(n.to_string(), name, "round trip");
            let info = n.info();
            assert_eq!(info.name, name);
            assert_eq!(info.modelled, modelled);
            assert_eq!(info.in_scope, fam != Family::ElectronicPrescription);
        }
        let eps = FileName::parse("EPSsiabc01res_1.xml").unwrap();
        assert_eq!(eps.written_prefix(), "EPSsiabc");
        assert!(FileName::parse("publicmedicalhub.xml").is_err());
        assert!(FileName::request(Family::ElectronicPrescription, Phase::Upload, "1").is_err());
        let hv = FileName::request(Family::HomeVisitQuery, Phase::Upload, "1").unwrap();
        assert_eq!(hv.to_string(), "OQSsihvq01req_1.xml");
        assert!(FileName::request(Family::HomeVisitQuery, Phase::Download, "1").is_err());
    }

    #[test]
    fn loose_face_names_are_face_pushes() {
        for n in [
            "OQSsiquc01res_face_auto_20260929160112.xml",
            "OQSsiquc01res_face_20260929160112.xml",
            "OQSsiquc01res_face_x.y.xml",
        ] {
            let f = FileName::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
            assert!(f.is_face() && f.face.is_none(), "{n}");
            assert_eq!(f.to_string(), n);
            assert!(f.info().is_face);
        }
        let strict = "OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml";
        assert!(FileName::parse(strict).unwrap().face.is_some());
        assert!(FileName::parse("OQSsiquc01res_face_.xml").is_err());
        assert!(FileName::parse("OQSsiquc01req_face_1.xml").is_err());
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
        // Not the exact form: still a face push, without the parts.
        let loose = FileName::parse("OQSsiquc01res_face_x_2026.xml").unwrap();
        assert!(loose.is_face() && loose.face.is_none());
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
            "publicmedicalhu１_1.xml",
            "prescriptio１_1.xml",
            "短い.xml",
            "",
        ] {
            assert!(FileName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(FileName::parse(&format!("OQSsiquc01req_{}.xml", "1".repeat(300))).is_err());
    }
}
