//! CSV tables with named columns, as provinces and contractors send them: every refused cell or
//! row is a [`Problem`] naming file, row and column, with a stable code and a Vietnamese message.

use crate::plan::Metres;
use crate::text::clean;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A refused cell or row: where, a stable code, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based line in the file (the header is line 1); 0 for the file as a whole.
    pub row: usize,
    pub column: Option<String>,
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.row > 0 {
            write!(f, ", dòng {}", self.row)?;
        }
        if let Some(column) = &self.column {
            write!(f, ", cột {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads one CSV into rows keyed by column name, refusing missing columns.
///
/// When the last column is a free-text note (`ghi_chu`), a row with more cells than the header is
/// read as a note that contained unquoted commas — Phụ lục II as the province sent it writes
/// `Làm tròn từ 87,6` unquoted — and the extra cells are joined back with ",".
pub struct Table {
    pub file: &'static str,
    pub rows: Vec<(usize, BTreeMap<String, String>)>,
}

pub fn read_table(file: &'static str, text: &str, columns: &[&str], problems: &mut Vec<Problem>) -> Option<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => {
            problems.push(Problem {
                file: file.into(),
                row: 1,
                column: None,
                code: "unreadable",
                message: format!("không đọc được tệp CSV ({e})."),
            });
            return None;
        }
    };
    let missing: Vec<&&str> = columns.iter().filter(|c| !headers.iter().any(|h| h == **c)).collect();
    if !missing.is_empty() {
        for column in missing {
            problems.push(Problem {
                file: file.into(),
                row: 1,
                column: Some(column.to_string()),
                code: "missing_column",
                message: format!("thiếu cột “{column}” ở dòng tiêu đề."),
            });
        }
        return None;
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        match record {
            Ok(record) => {
                if record.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
                let note_last = headers.last().is_some_and(|h| h == "ghi_chu");
                if cells.len() > headers.len() && note_last {
                    let note = cells.split_off(headers.len() - 1).join(",");
                    cells.push(note);
                }
                if cells.len() != headers.len() {
                    problems.push(Problem {
                        file: file.into(),
                        row: line,
                        column: None,
                        code: "bad_row",
                        message: format!("dòng có {} ô nhưng dòng tiêu đề có {} cột.", cells.len(), headers.len()),
                    });
                    continue;
                }
                let row = headers.iter().cloned().zip(cells.iter().map(|c| clean(c))).collect();
                rows.push((line, row));
            }
            Err(e) => problems.push(Problem {
                file: file.into(),
                row: line,
                column: None,
                code: "bad_row",
                message: format!("dòng không đúng cấu trúc CSV ({e})."),
            }),
        }
    }
    Some(Table { file, rows })
}

impl Table {
    pub fn problem(&self, row: usize, column: &str, code: &'static str, message: String) -> Problem {
        Problem { file: self.file.into(), row, column: Some(column.into()), code, message }
    }
}

pub struct Cells<'t> {
    pub table: &'t Table,
    pub line: usize,
    pub row: &'t BTreeMap<String, String>,
}

impl Cells<'_> {
    pub fn text(&self, column: &str) -> &str {
        self.row.get(column).map(String::as_str).unwrap_or_default()
    }

    pub fn required(&self, column: &str, problems: &mut Vec<Problem>) -> Option<String> {
        let value = self.text(column);
        if value.is_empty() {
            problems.push(self.table.problem(self.line, column, "required", "ô này không được để trống.".into()));
            return None;
        }
        Some(value.to_string())
    }

    pub fn integer(&self, column: &str, problems: &mut Vec<Problem>) -> Option<i64> {
        let value = self.required(column, problems)?;
        match value.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                problems.push(self.table.problem(self.line, column, "not_a_number", format!("“{value}” không phải số nguyên không âm.")));
                None
            }
        }
    }

    pub fn metres(&self, column: &str, problems: &mut Vec<Problem>) -> Option<Metres> {
        let value = self.required(column, problems)?;
        let parsed = Metres::parse(&value);
        if parsed.is_none() {
            problems.push(self.table.problem(self.line, column, "not_a_number", format!("“{value}” không phải số mét giá (ví dụ 87.6).")));
        }
        parsed
    }

    pub fn optional_metres(&self, column: &str, problems: &mut Vec<Problem>) -> Option<Option<Metres>> {
        if self.text(column).is_empty() { Some(None) } else { self.metres(column, problems).map(Some) }
    }

    pub fn date(&self, column: &str, problems: &mut Vec<Problem>) -> Option<String> {
        let value = self.required(column, problems)?;
        let ok = value.len() == 10 && crate::date::ArchiveDate::parse(&value).is_some_and(|d| d.sortable() == value);
        if !ok {
            problems.push(self.table.problem(self.line, column, "invalid_date", format!("“{value}” không phải ngày dạng NNNN-TT-NN.")));
            return None;
        }
        Some(value)
    }
}
