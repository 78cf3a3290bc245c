//! How `diff` sees a field's value. The fields themselves ([`Field`]: ids, labels, groups,
//! text kinds) are declared once in `src/model/schema/records.rs`; what a diff reads, shows and
//! copies for each is generated into `src/diff/generated.rs`.

use super::generated::Block;
#[cfg(doc)]
use crate::model::Field;
use crate::model::{ElderlyRecipient, LimitCertificate, Ratio};
use crate::text::FieldKind;
use chrono::NaiveDate;

/// A field's value, borrowed from a record, in the form it is compared.
#[derive(Clone, Copy)]
pub(crate) enum Value<'a> {
    Absent,
    Text(&'a str, FieldKind),
    Code(&'a str),
    Date(NaiveDate),
    Ratio(Ratio),
    Amount(u32),
    Block(Block<'a>),
}

/// A short text for a staff screen, for a record or list shown as one value.
pub(crate) trait Summary {
    /// `A03 2024-04-01〜`, `2件` …
    fn summary(&self) -> String;
}

impl<T> Summary for [T] {
    fn summary(&self) -> String {
        format!("{}件", self.len())
    }
}

impl Summary for LimitCertificate {
    fn summary(&self) -> String {
        let class = self
            .classification_flag
            .as_ref()
            .map_or("", crate::codes::Code::label);
        let start = self
            .valid_start_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        format!("{class} {start}〜").trim().to_string()
    }
}

impl Summary for ElderlyRecipient {
    fn summary(&self) -> String {
        let ratio = self
            .contribution_ratio
            .map(|r| format!("{}割", r.wari()))
            .unwrap_or_default();
        let start = self
            .valid_start_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        format!("{ratio} {start}〜").trim().to_string()
    }
}

/// Copies one field of an optional sub-record (`elderly_recipient.valid_start_date`): creates
/// the sub-record when a value arrives, drops it when it becomes empty.
pub(crate) fn copy_in<P: Default + PartialEq, T: Clone>(
    from: &Option<P>,
    to: &mut Option<P>,
    get: impl Fn(&P) -> &Option<T>,
    set: impl Fn(&mut P) -> &mut Option<T>,
) {
    let value = from.as_ref().and_then(|p| get(p).clone());
    if value.is_none() && to.is_none() {
        return;
    }
    let dst = to.get_or_insert_with(P::default);
    *set(dst) = value;
    if *dst == P::default() {
        *to = None;
    }
}

impl std::fmt::Display for crate::model::Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Field, Qualification};

    #[test]
    fn ids_are_unique_and_round_trip_through_serde() {
        let mut seen = std::collections::HashSet::new();
        let mut numbers = std::collections::HashSet::new();
        for f in Field::ALL {
            assert!(seen.insert(f.id()), "duplicate id {}", f.id());
            assert!(
                numbers.insert(f.number()),
                "duplicate number {}",
                f.number()
            );
            let j = serde_json::to_string(f).unwrap();
            assert_eq!(j, format!("\"{}\"", f.id()));
            assert_eq!(serde_json::from_str::<Field>(&j).unwrap(), *f);
            assert_eq!(Field::from_id(f.id()), Some(*f));
            assert_eq!(Field::from_number(f.number()), Some(*f));
        }
    }

    #[test]
    fn top_level_ids_are_record_json_names() {
        // Every compared id without a dot must be a key of the record JSON when the field is set.
        let q = crate::diff::tests::full_record();
        let json: serde_json::Value = serde_json::from_str(&q.to_json()).unwrap();
        for f in Field::COMPARED {
            let top = f.id().split('.').next().unwrap();
            assert!(json.get(top).is_some(), "{} not in the record JSON", f.id());
        }
    }

    #[test]
    fn copy_makes_the_field_equal_for_every_field() {
        let from = crate::diff::tests::full_record();
        for f in Field::COMPARED {
            let mut to = Qualification::default();
            f.copy(&from, &mut to);
            assert_eq!(f.display(&to), f.display(&from), "{}", f.id());
            // Copying an absence clears the value.
            f.copy(&Qualification::default(), &mut to);
            assert!(!f.is_present(&to), "{}", f.id());
        }
    }
}
