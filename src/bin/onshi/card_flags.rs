//! The insurance card's key as command-line flags (保険者番号・記号・番号・枝番), declared once
//! and flattened into every command that takes a card (`onshi request individual`,
//! `onshi query`).

use clap::Args;
use onshi::ids::{BranchNumber, CardNumber, CardSymbol, IdError, InsurerNumber, Mode};

/// `--insurer`, `--symbol`, `--number`, `--branch` (no `Debug`: they are card numbers).
#[derive(Args, Clone)]
pub struct CardFlags {
    /// 保険者番号 (6 or 8 digits; written space-padded to 8).
    #[arg(long)]
    pub insurer: String,
    /// 記号 (omit when the card has none).
    #[arg(long)]
    pub symbol: Option<String>,
    /// 番号.
    #[arg(long)]
    pub number: String,
    /// 枝番 (2 digits).
    #[arg(long)]
    pub branch: Option<String>,
}

/// The four parts of a checked card key; 保険者番号 and 番号 are required.
pub type CardParts = (
    InsurerNumber,
    Option<CardSymbol>,
    CardNumber,
    Option<BranchNumber>,
);

impl CardFlags {
    /// The four parts, each checked in `mode`; an error names the flag (`--insurer: …`).
    pub fn parts(&self, mode: Mode) -> Result<CardParts, String> {
        let flag = |name: &'static str| move |e: IdError| format!("--{name}: {e}");
        Ok((
            InsurerNumber::parse(&self.insurer, mode).map_err(flag("insurer"))?,
            self.symbol
                .as_deref()
                .map(|s| CardSymbol::parse(s, mode))
                .transpose()
                .map_err(flag("symbol"))?,
            CardNumber::parse(&self.number, mode).map_err(flag("number"))?,
            self.branch
                .as_deref()
                .map(|s| BranchNumber::parse(s, mode))
                .transpose()
                .map_err(flag("branch"))?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(insurer: &str, symbol: Option<&str>, number: &str, branch: Option<&str>) -> CardFlags {
        CardFlags {
            insurer: insurer.into(),
            symbol: symbol.map(Into::into),
            number: number.into(),
            branch: branch.map(Into::into),
        }
    }

    #[test]
    fn a_card_is_checked_and_an_error_names_its_flag() {
        let (insurer, symbol, _, branch) = flags("06139992", Some("記号"), "1234", Some("01"))
            .parts(Mode::Strict)
            .unwrap();
        assert_eq!(insurer.as_str(), "06139992");
        assert!(symbol.is_some() && branch.is_some());
        let (_, symbol, _, branch) = flags("06139992", None, "1234", None)
            .parts(Mode::Strict)
            .unwrap();
        assert!(symbol.is_none() && branch.is_none());
        let bad = flags("06139999", None, "1234", None).parts(Mode::Strict);
        assert!(bad.unwrap_err().starts_with("--insurer: "));
        let bad = flags("06139992", None, "1234", Some("1x")).parts(Mode::Strict);
        assert!(bad.unwrap_err().starts_with("--branch: "));
    }
}
