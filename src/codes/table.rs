//! The code tables as data: [`CodeTables`], read from `tables.tsv` (bundled) or from text of
//! the same format, with labels versioned by date.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

/// The bundled tables (`src/codes/tables.tsv`).
pub const BUILTIN_TSV: &str = include_str!("tables.tsv");

/// The label of a value no table row knows.
pub const UNKNOWN_LABEL: &str = "不明なコード";

/// One label of one value, valid over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodeRow {
    /// The table (`OQSCD010`).
    pub table: String,
    /// The wire value (`05`).
    pub wire: String,
    /// First day the label applies (`None`: since always).
    pub from: Option<NaiveDate>,
    /// Last day the label applies (`None`: still).
    pub until: Option<NaiveDate>,
    /// The Japanese label for staff screens.
    pub label: String,
    /// What the value means beyond its label, or what to do about it (Japanese).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CodeRow {
    /// `true` when the row applies on `day`.
    pub fn applies_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }
}

/// A table's heading: its name, the element that carries it and its Japanese title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// `OQSCD010` (or the element name when the number is not known).
    pub name: String,
    /// The XML element (`None` when not known).
    pub element: Option<String>,
    /// Japanese title.
    pub title: String,
}

/// A line of table text that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("code table text, line {line}: {reason}")]
pub struct CodeTableError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Code tables: every value's labels over time. [`CodeTables::builtin`] holds the bundled
/// tables; [`CodeTables::extend_from_tsv`] adds rows (a label that changes on a day, a table
/// published after this release) without any code change.
///
/// ```
/// use chrono::NaiveDate;
/// use onshi::codes::CodeTables;
/// let t = CodeTables::builtin();
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
/// assert_eq!(t.label("OQSCD010", "05", day(2024, 4, 1)), Some("被保険者資格証明書"));
/// assert_eq!(t.label("OQSCD010", "05", day(2026, 9, 1)), Some("特別療養費支給対象者"));
/// assert_eq!(t.label("OQSCD010", "05", None), Some("特別療養費支給対象者"));
/// assert_eq!(t.label("OQSCD010", "08", None), None); // unknown: kept by the reader, reported by validate
///
/// // The 2027-08 限度額 bands are rows added when they are published:
/// let mut t = t.clone();
/// t.extend_from_tsv("@table\tOQSCD012\t-\t適用区分\nA07\t2027-08-01\t-\tア（新）\n").unwrap();
/// assert_eq!(t.label("OQSCD012", "A07", day(2027, 8, 1)), Some("ア（新）"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeTables {
    tables: Vec<TableInfo>,
    /// Rows by (table, wire), in the order read (oldest first). B-trees, not hash maps: the
    /// bundled tables live in a static for the life of the process, and a hash table is
    /// reached only through a pointer into the middle of its allocation, which Memcheck
    /// reports as "possibly lost" in every C program that looks up a label.
    rows: BTreeMap<(String, String), Vec<CodeRow>>,
    /// Wire values by table, in the order first read.
    order: BTreeMap<String, Vec<String>>,
}

static BUILTIN: LazyLock<CodeTables> = LazyLock::new(|| {
    CodeTables::from_tsv(BUILTIN_TSV).unwrap_or_else(|e| {
        // The bundled text is checked by a unit test; an error here cannot happen in a
        // release, and an empty table (every value "unknown") is the safe fallback.
        debug_assert!(false, "{e}");
        CodeTables::default()
    })
});

fn date(s: &str, line: usize) -> Result<Option<NaiveDate>, CodeTableError> {
    if s == "-" || s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| CodeTableError {
            line,
            reason: format!("{s:?} is not a date YYYY-MM-DD or `-`"),
        })
}

impl CodeTables {
    /// The bundled tables.
    pub fn builtin() -> &'static CodeTables {
        &BUILTIN
    }

    /// Reads tables from text in the format of the bundled `tables.tsv`.
    pub fn from_tsv(text: &str) -> Result<CodeTables, CodeTableError> {
        let mut t = CodeTables::default();
        t.extend_from_tsv(text)?;
        Ok(t)
    }

    /// Adds the tables and rows of `text` (the format of `tables.tsv`): a new table, a new
    /// value, or a new label of a value from a day on. Rows of a value are kept in date order.
    /// Nothing is added when the text has an error.
    pub fn extend_from_tsv(&mut self, text: &str) -> Result<(), CodeTableError> {
        let mut next = self.clone();
        let mut current: Option<String> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let l = raw.trim_end_matches('\r');
            if l.trim().is_empty() || l.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
            if cols[0] == "@table" {
                let [_, name, element, title] = cols[..] else {
                    return Err(CodeTableError {
                        line,
                        reason: "a table line is `@table NAME ELEMENT TITLE`".into(),
                    });
                };
                if name.is_empty() {
                    return Err(CodeTableError {
                        line,
                        reason: "a table needs a name".into(),
                    });
                }
                if !next.tables.iter().any(|t| t.name == name) {
                    next.tables.push(TableInfo {
                        name: name.to_string(),
                        element: (element != "-").then(|| element.to_string()),
                        title: title.to_string(),
                    });
                }
                current = Some(name.to_string());
                continue;
            }
            let Some(table) = &current else {
                return Err(CodeTableError {
                    line,
                    reason: "a value before any `@table` line".into(),
                });
            };
            // The note is "" when absent, not an `Option<&str>`: a `None` leaves the length
            // word undefined, and the optimised `filter` tests it before the pointer, which
            // Memcheck reports as a jump on an uninitialised value in every C program.
            let (wire, from, until, label, note) = match cols[..] {
                [w, f, u, l] => (w, f, u, l, ""),
                [w, f, u, l, n] => (w, f, u, l, n),
                _ => {
                    return Err(CodeTableError {
                        line,
                        reason: "a value line is `WIRE FROM UNTIL LABEL [NOTE]`".into(),
                    });
                }
            };
            if wire.is_empty() || label.is_empty() {
                return Err(CodeTableError {
                    line,
                    reason: "a value needs its wire value and a label".into(),
                });
            }
            let row = CodeRow {
                table: table.clone(),
                wire: wire.to_string(),
                from: date(from, line)?,
                until: date(until, line)?,
                label: label.to_string(),
                note: (!note.is_empty()).then(|| note.to_string()),
            };
            if let (Some(f), Some(u)) = (row.from, row.until)
                && f > u
            {
                return Err(CodeTableError {
                    line,
                    reason: "FROM is after UNTIL".into(),
                });
            }
            let key = (table.clone(), wire.to_string());
            let rows = next.rows.entry(key).or_default();
            if rows.iter().any(|r| {
                r.from.is_none_or(|f| row.until.is_none_or(|u| f <= u))
                    && row.from.is_none_or(|f| r.until.is_none_or(|u| f <= u))
            }) {
                return Err(CodeTableError {
                    line,
                    reason: format!("{table} {wire}: the period overlaps another row of the value"),
                });
            }
            rows.push(row);
            rows.sort_by_key(|r| r.from);
            let order = next.order.entry(table.clone()).or_default();
            if !order.iter().any(|w| w == wire) {
                order.push(wire.to_string());
            }
        }
        *self = next;
        Ok(())
    }

    /// The tables, in the order read.
    pub fn tables(&self) -> &[TableInfo] {
        &self.tables
    }

    /// The heading of table `name`.
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The wire values of a table, in table order.
    pub fn wires(&self, table: &str) -> &[String] {
        self.order.get(table).map_or(&[], Vec::as_slice)
    }

    /// Every row of a value, oldest first (its current and former labels).
    pub fn rows(&self, table: &str, wire: &str) -> &[CodeRow] {
        self.rows
            .get(&(table.to_string(), wire.trim().to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// `true` when the table has a row for the value (on any day).
    pub fn is_known(&self, table: &str, wire: &str) -> bool {
        !self.rows(table, wire).is_empty()
    }

    /// The row of a value that applies on `day`: the row valid that day, else the last one
    /// that ended before it (a value that became 欠番 keeps its last label), else the first.
    /// `day` `None`: the newest row.
    pub fn lookup(&self, table: &str, wire: &str, day: Option<NaiveDate>) -> Option<&CodeRow> {
        let rows = self.rows(table, wire);
        let Some(day) = day else {
            return rows.last();
        };
        rows.iter()
            .find(|r| r.applies_on(day))
            .or_else(|| rows.iter().rev().find(|r| r.until.is_some_and(|u| u < day)))
            .or_else(|| rows.first())
    }

    /// The label of a value on `day` (`None`: the newest label); `None` when the table has no
    /// row for it.
    pub fn label(&self, table: &str, wire: &str, day: Option<NaiveDate>) -> Option<&str> {
        self.lookup(table, wire, day).map(|r| r.label.as_str())
    }

    /// The note of a value on `day` (what it means beyond its label, or what to do).
    pub fn note(&self, table: &str, wire: &str, day: Option<NaiveDate>) -> Option<&str> {
        self.lookup(table, wire, day)
            .and_then(|r| r.note.as_deref())
    }
}

impl fmt::Display for CodeRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.table, self.wire, self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_bundled_text_reads_without_error() {
        let t = CodeTables::from_tsv(BUILTIN_TSV).unwrap();
        assert_eq!(&t, CodeTables::builtin());
        // Every table of §3 that has values, and the two tables without a number.
        for name in [
            "OQSCD001",
            "OQSCD002",
            "OQSCD003",
            "OQSCD004",
            "OQSCD005",
            "OQSCD006",
            "OQSCD007",
            "OQSCD009",
            "OQSCD010",
            "OQSCD011",
            "OQSCD012",
            "OQSCD013",
            "OQSCD014",
            "OQSCD015",
            "OQSCD016",
            "OQSCD017",
            "OQSCD018",
            "OQSCD019",
            "OQSCD020",
            "OQSCD021",
            "OQSCD022",
            "OQSCD023",
            "OQSCD024",
            "OQSCD025",
            "OQSCD026",
            "OQSCD027",
            "OQSCD028",
            "OQSCD029",
            "OQSCD031",
            "OQSCD032",
            "OQSCD036",
            "OQSCD038",
            "OQSCD044",
            "ReasonOfLoss",
            "FileCategory",
            "PMH",
            "onshi",
        ] {
            assert!(!t.wires(name).is_empty(), "{name}");
            assert!(t.table(name).is_some(), "{name}");
        }
        // Tables whose values are not public are declared, empty.
        assert!(t.table("OQSCD040").is_some());
        assert!(t.wires("OQSCD040").is_empty());
        assert_eq!(t.wires("OQSCD012").len(), 16);
        assert_eq!(t.wires("OQSCD019").len(), 5);
    }

    #[test]
    fn labels_follow_the_day_asked_about() {
        let t = CodeTables::builtin();
        assert_eq!(
            t.label("OQSCD010", "07", day(2024, 12, 1)),
            Some("自衛官診療証")
        );
        assert_eq!(t.label("OQSCD010", "07", day(2024, 12, 2)), Some("自衛官"));
        assert_eq!(
            t.label("OQSCD010", "05", None),
            Some("特別療養費支給対象者")
        );
        // The old labels stay as aliases.
        let labels: Vec<&str> = t
            .rows("OQSCD010", "05")
            .iter()
            .map(|r| r.label.as_str())
            .collect();
        assert_eq!(labels, ["被保険者資格証明書", "特別療養費支給対象者"]);
        // 欠番 since 2024-12-02: the label stays, the note says so.
        assert!(
            t.note("OQSCD010", "03", day(2025, 1, 1))
                .unwrap()
                .contains("欠番")
        );
        assert_eq!(t.note("OQSCD010", "03", day(2024, 1, 1)), None);
        assert_eq!(t.label("OQSCD028", "4", None), Some("救急時"));
    }

    #[test]
    fn rows_added_as_data_are_versioned_by_day() {
        let mut t = CodeTables::builtin().clone();
        // A hypothetical relabelling on 2026-08-01 and a band added on 2027-08-01.
        t.extend_from_tsv(
            "@table\tOQSCD099\t-\tテスト\nX\t-\t2026-07-31\t旧\nX\t2026-08-01\t-\t新\nY\t2027-08-01\t-\t追加\n",
        )
        .unwrap();
        assert_eq!(t.label("OQSCD099", "X", day(2026, 7, 31)), Some("旧"));
        assert_eq!(t.label("OQSCD099", "X", day(2026, 8, 1)), Some("新"));
        assert_eq!(t.label("OQSCD099", "X", None), Some("新"));
        // Before a value exists, its first label is still given (the value is kept).
        assert_eq!(t.label("OQSCD099", "Y", day(2026, 1, 1)), Some("追加"));
        assert_eq!(t.wires("OQSCD099"), ["X", "Y"]);
        // Added to an existing table.
        t.extend_from_tsv("@table\tOQSCD012\t-\t適用区分\nA07\t2027-08-01\t-\t新区分\n")
            .unwrap();
        assert!(t.is_known("OQSCD012", "A07"));
        assert_eq!(t.wires("OQSCD012").len(), 17);
        assert!(!CodeTables::builtin().is_known("OQSCD012", "A07"));
    }

    #[test]
    fn bad_text_is_refused_whole_with_its_line() {
        let mut t = CodeTables::builtin().clone();
        let before = t.clone();
        for (text, line) in [
            ("X\t-\t-\tx\n", 1),
            ("@table\tT\t-\tt\nX\t2026-13-01\t-\tx\n", 2),
            ("@table\tT\t-\tt\nX\t-\t-\n", 2),
            ("@table\tT\t-\tt\nX\t2027-01-01\t2026-01-01\tx\n", 2),
            ("@table\tT\t-\tt\nX\t-\t-\ta\n\nX\t2026-01-01\t-\tb\n", 4),
            ("@table\tT\n", 1),
        ] {
            let e = t.extend_from_tsv(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert_eq!(t, before);
        }
    }
}
