//! [`Ticket`]: a submitted request, and the key every file of one exchange maps to. Its own
//! module because both the client and the journal (which keeps pending tickets across
//! restarts) use it.

use super::TerminalError;
use crate::xml::{Family, FileName, Phase};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A submitted request: everything needed to collect its answer, in this process or, through
/// the journal, in the next one. Serializable (JSON) so an EMR can keep it with the visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The request file name in `req/` (e.g. `OQSsiquc01req_20250401093000….xml`).
    pub request_file: String,
    /// The message family.
    pub family: Family,
    /// `01` or `02`.
    pub phase: Phase,
    /// The `ArbitraryFileIdentifier` written into the request (echoed in the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arbitrary_file_identifier: Option<String>,
    /// The 受付番号 of a bulk download request (echoed in the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reception_number: Option<String>,
    /// When the request was written (JST).
    pub submitted_at: NaiveDateTime,
}

impl Ticket {
    pub(crate) fn name(&self) -> Result<FileName, TerminalError> {
        FileName::parse(&self.request_file).map_err(|e| TerminalError::InvalidRequest {
            reason: format!("ticket has a bad request file name: {e}"),
        })
    }

    /// The name of the expected XML answer (`…res_….xml`): for a 資格確認 it is the answer's
    /// identity (the `result_id` kept with the history).
    pub fn response_file(&self) -> String {
        self.name()
            .map(|n| n.response_name().to_string())
            .unwrap_or_default()
    }

    /// The name of the rejection file (`…req_….err`) the terminal writes next to the
    /// request it moves into `res/` when it cannot read it.
    pub fn err_file(&self) -> String {
        self.name()
            .map(|n| n.with_extension(crate::xml::Extension::Err).to_string())
            .unwrap_or_default()
    }

    pub(crate) fn key(&self) -> String {
        self.name().map(|n| response_key(&n)).unwrap_or_default()
    }
}

/// The key every file of one exchange maps to: the response stem without extension.
pub(crate) fn response_key(n: &FileName) -> String {
    let r = n.response_name();
    format!("{}_{}", r.stem_prefix(), r.suffix)
}
