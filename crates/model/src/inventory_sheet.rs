//! Reading a mục lục hồ sơ as archivists really lay it out in a spreadsheet: title rows above the
//! table ("MỤC LỤC HỒ SƠ", "Phông: …", "Mục lục số: …"), one- or two-row headers, a row of
//! column numbers, Roman-numeral group rows, a totals row, dates in mixed forms, retention
//! written "Vĩnh viễn", "VV", "20 năm" or "10". Pure: the `documents` crate turns XLSX, XLS and
//! CSV files into [`Sheet`]s; this module understands them, row by row, and says in Vietnamese
//! what it could not.

use crate::codes::Maintenance;
use crate::date::ArchiveDate;
use crate::table::Problem;
use crate::text::{clean, fold};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell (Excel stores days since 1899-12-30).
    Date(ArchiveDate),
    /// A formula: refused, because its value depends on what computed it.
    Formula(String),
    /// An error value such as #REF!.
    Error(String),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => clean(t),
            Cell::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Formula(f) => f.clone(),
            Cell::Error(e) => e.clone(),
            Cell::Empty => String::new(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => clean(t).is_empty(),
            _ => false,
        }
    }
}

/// Excel's day number → a date (1900 date system, as every Vietnamese office file uses).
pub fn excel_date(serial: f64) -> Option<ArchiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01, then the civil-from-days algorithm.
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as u16;
    ArchiveDate::full(year, month, day)
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// The columns a mục lục may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Ordinal,
    Box,
    Number,
    Notation,
    Title,
    Dates,
    Start,
    End,
    Retention,
    Sheets,
    Pages,
    Note,
}

impl Column {
    fn label(self) -> &'static str {
        match self {
            Column::Ordinal => "Số TT",
            Column::Box => "Hộp số",
            Column::Number => "Hồ sơ số",
            Column::Notation => "Số, ký hiệu hồ sơ",
            Column::Title => "Tiêu đề hồ sơ",
            Column::Dates => "Thời gian",
            Column::Start => "Thời gian bắt đầu",
            Column::End => "Thời gian kết thúc",
            Column::Retention => "Thời hạn bảo quản",
            Column::Sheets => "Số tờ",
            Column::Pages => "Số trang",
            Column::Note => "Ghi chú",
        }
    }

    /// What a header cell (folded, with its parent's label for two-row headers) names.
    fn recognise(label: &str) -> Option<Column> {
        let has = |words: &[&str]| words.iter().any(|w| label.contains(w));
        Some(if has(&["ghi chu"]) {
            Column::Note
        } else if has(&["bat dau", "tu ngay"]) {
            Column::Start
        } else if has(&["ket thuc", "den ngay"]) {
            Column::End
        } else if has(&["thoi han"]) {
            Column::Retention
        } else if has(&["tieu de", "ten ho so", "trich yeu", "noi dung"]) {
            Column::Title
        } else if has(&["thoi gian", "ngay thang"]) {
            Column::Dates
        } else if has(&["ky hieu"]) {
            Column::Notation
        } else if has(&["hop"]) {
            Column::Box
        } else if has(&["ho so so", "so ho so"]) {
            Column::Number
        } else if has(&["so trang", "trang"]) && !has(&["to"]) || label.ends_with("trang") {
            Column::Pages
        } else if has(&["so to", "so luong to"]) || label.ends_with(" to") || label == "to" {
            Column::Sheets
        } else if label == "stt" || has(&["so tt", "so thu tu", "stt"]) {
            Column::Ordinal
        } else {
            return None;
        })
    }
}

/// A hồ sơ as understood from one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedDossier {
    pub sheet: String,
    pub row: usize,
    pub ordinal: Option<u32>,
    pub box_number: Option<u32>,
    pub number: Option<u32>,
    pub notation: Option<String>,
    pub title: String,
    pub start: ArchiveDate,
    pub end: ArchiveDate,
    pub maintenance: Maintenance,
    pub retention_text: String,
    pub sheets: Option<u32>,
    pub pages: Option<u32>,
    pub note: Option<String>,
    /// The group (phương án phân loại) heading the row stands under.
    pub group: Option<String>,
}

/// What the file says about itself above the table.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryHeading {
    pub fonds: Option<String>,
    pub inventory_number: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub heading: InventoryHeading,
    pub dossiers: Vec<ImportedDossier>,
    pub problems: Vec<Problem>,
    pub groups: Vec<String>,
}

fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = String::new();
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    letters
}

fn is_roman(text: &str) -> bool {
    let head: String = text.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    !head.is_empty()
        && head.len() <= 6
        && head.chars().all(|c| "IVXLC".contains(c))
        && text[head.len()..].trim_start().starts_with(['.', ')', ' ', '-'])
        || (!head.is_empty() && head.chars().all(|c| "IVXLC".contains(c)) && head.len() == text.trim().len())
}

/// Accepted retention spellings → a TT05 code, given the periods the schedule knows.
pub fn parse_retention(text: &str, known_years: &BTreeSet<u16>) -> Option<Maintenance> {
    let folded = fold(text).replace('.', "");
    let folded = folded.trim();
    if matches!(folded, "vinh vien" | "vv" | "vinhvien") {
        return Some(Maintenance::Permanent);
    }
    let number: String = folded.trim_end_matches("nam").trim().to_string();
    let years: u16 = number.parse().ok()?;
    if !known_years.contains(&years) {
        return None;
    }
    Some(match years {
        70 => Maintenance::Years70,
        50 => Maintenance::Years50,
        30 => Maintenance::Years30,
        20 => Maintenance::Years20,
        10 => Maintenance::Years10,
        _ => Maintenance::Other,
    })
}

/// "01/01/2015 - 31/12/2015", "2015", "3/2016-12/2016", "2015 đến 2016", or a date cell.
pub fn parse_range(text: &str) -> Option<(ArchiveDate, ArchiveDate)> {
    let text = clean(text);
    if let Some(single) = ArchiveDate::parse(&text) {
        return Some((single, single));
    }
    for separator in [" - ", " – ", "–", " đến ", "đến", "-", " "] {
        if let Some((a, b)) = text.split_once(separator) {
            if let (Some(start), Some(end)) = (ArchiveDate::parse(a.trim()), ArchiveDate::parse(b.trim())) {
                return Some((start, end));
            }
        }
    }
    None
}

fn count(cell: &Cell) -> Result<Option<u32>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e9 => Ok(Some(*n as u32)),
        Cell::Number(n) => Err(format!("“{n}” không phải số nguyên không âm")),
        other => {
            let text = other.text().replace('.', "");
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<u32>().map(Some).map_err(|_| format!("“{}” không phải số nguyên không âm", other.text()))
        }
    }
}

struct Layout {
    header_row: usize,
    first_data_row: usize,
    columns: HashMap<Column, usize>,
}

/// Finds the header: the first row naming a title column and at least two other known columns;
/// a second header row below it refines merged parents ("Thời gian" → "Bắt đầu", "Kết thúc").
fn layout(sheet: &Sheet) -> Option<Layout> {
    for (r, row) in sheet.rows.iter().enumerate().take(40) {
        let labels: Vec<String> = row.iter().map(|c| fold(&c.text())).collect();
        let found: Vec<(usize, Column)> = labels.iter().enumerate().filter_map(|(i, l)| Column::recognise(l).map(|c| (i, c))).collect();
        if found.len() < 3 || !found.iter().any(|(_, c)| *c == Column::Title) {
            continue;
        }
        let mut columns: HashMap<Column, usize> = HashMap::new();
        for (i, c) in &found {
            columns.entry(*c).or_insert(*i);
        }
        let mut next = r + 1;
        if let Some(sub) = sheet.rows.get(r + 1) {
            let sub_labels: Vec<String> = sub.iter().map(|c| fold(&c.text())).collect();
            let mut refined = false;
            // Only the words of a second header row count: a data row right under a one-row header
            // must not be taken for one.
            const SUB_LABELS: &[&str] = &["bat dau", "ket thuc", "tu ngay", "den ngay", "tu", "den", "to", "trang", "so to", "so trang"];
            for (i, sub_label) in sub_labels.iter().enumerate() {
                if !SUB_LABELS.contains(&sub_label.as_str()) {
                    continue;
                }
                // The parent is the nearest label at or left of this column (merged cells keep
                // their value in the top-left cell only).
                let parent = (0..=i).rev().map(|j| labels.get(j).cloned().unwrap_or_default()).find(|l| !l.is_empty()).unwrap_or_default();
                if let Some(column) = Column::recognise(&format!("{parent} {sub_label}")).or_else(|| Column::recognise(sub_label)) {
                    let column = match (column, sub_label.as_str()) {
                        (_, "to") | (_, "so to") => Column::Sheets,
                        (_, "trang") | (_, "so trang") => Column::Pages,
                        (c, _) => c,
                    };
                    columns.insert(column, i);
                    refined = true;
                }
            }
            if refined {
                if columns.contains_key(&Column::Start) {
                    columns.remove(&Column::Dates);
                }
                next = r + 2;
            }
        }
        // A row of column numbers (1, 2, 3 …) under the header.
        if let Some(numbers) = sheet.rows.get(next) {
            let values: Vec<String> = numbers.iter().map(Cell::text).filter(|t| !t.is_empty()).collect();
            if values.len() >= 3
                && values.iter().enumerate().all(|(k, v)| v == &(k + 1).to_string() || v.trim_matches(['(', ')']) == (k + 1).to_string())
            {
                next += 1;
            }
        }
        return Some(Layout { header_row: r, first_data_row: next, columns });
    }
    None
}

fn heading(sheet: &Sheet, above: usize, heading: &mut InventoryHeading) {
    for row in sheet.rows.iter().take(above) {
        for cell in row {
            let text = cell.text();
            let folded = fold(&text);
            if let Some(rest) = folded.strip_prefix("phong").filter(|_| text.contains(':')) {
                let _ = rest;
                heading.fonds.get_or_insert_with(|| text.split_once(':').map(|(_, v)| v.trim().to_string()).unwrap_or_default());
            }
            if folded.starts_with("muc luc so") {
                let digits: String = folded.chars().filter(|c| c.is_ascii_digit()).collect();
                if let Ok(n) = digits.parse() {
                    heading.inventory_number.get_or_insert(n);
                }
            }
        }
    }
}

/// Understands every sheet of a workbook; problems name sheet, row and column.
pub fn read(sheets: &[Sheet], known_years: &BTreeSet<u16>) -> Report {
    let mut report = Report::default();
    let mut numbers_seen: HashMap<u32, (String, usize)> = HashMap::new();
    for sheet in sheets {
        if sheet.rows.iter().all(|r| r.iter().all(Cell::is_empty)) {
            continue;
        }
        let Some(layout) = layout(sheet) else {
            report.problems.push(Problem {
                file: sheet.name.clone(),
                row: 0,
                column: None,
                code: "no_header",
                message: "không tìm thấy dòng tiêu đề bảng (cần các cột như Số TT, Tiêu đề hồ sơ, Thời gian, Thời hạn bảo quản).".into(),
            });
            continue;
        };
        heading(sheet, layout.header_row, &mut report.heading);
        let mut group: Option<String> = None;
        let place = |column: Column| layout.columns.get(&column).copied();
        for (r, row) in sheet.rows.iter().enumerate().skip(layout.first_data_row) {
            let line = r + 1;
            let cell = |column: Column| place(column).and_then(|i| row.get(i)).cloned().unwrap_or(Cell::Empty);
            let filled: Vec<&Cell> = row.iter().filter(|c| !c.is_empty()).collect();
            if filled.is_empty() {
                continue;
            }
            let first_text = filled[0].text();
            let first_folded = fold(&first_text);
            if first_folded.starts_with("tong cong")
                || first_folded.starts_with("tong so")
                || first_folded == "cong"
                || first_folded.starts_with("cong:")
            {
                break;
            }
            let ordinal_text = cell(Column::Ordinal).text();
            let title_cell = cell(Column::Title);
            let group_row = is_roman(&ordinal_text) && title_cell.is_empty()
                || (filled.len() == 1 && matches!(filled[0], Cell::Text(_)) && (is_roman(&first_text) || title_cell.is_empty()))
                || (is_roman(&ordinal_text)
                    && !title_cell.is_empty()
                    && cell(Column::Dates).is_empty()
                    && cell(Column::Start).is_empty()
                    && cell(Column::Retention).is_empty());
            if group_row {
                let name = if is_roman(&ordinal_text) && !title_cell.is_empty() {
                    format!("{ordinal_text} {}", title_cell.text())
                } else {
                    first_text.clone()
                };
                report.groups.push(name.clone());
                group = Some(name);
                continue;
            }
            let mut problem = |column: Column, code: &'static str, message: String| {
                let at = place(column).map(|i| format!("{} ({})", column_letter(i), column.label()));
                report.problems.push(Problem { file: sheet.name.clone(), row: line, column: at, code, message });
            };
            if let Some((i, c)) = row.iter().enumerate().find(|(_, c)| matches!(c, Cell::Formula(_))) {
                let Cell::Formula(f) = c else { unreachable!() };
                report.problems.push(Problem {
                    file: sheet.name.clone(),
                    row: line,
                    column: Some(column_letter(i)),
                    code: "formula",
                    message: format!("ô chứa công thức “={f}”; hãy dán giá trị (Paste Values) thay cho công thức."),
                });
                continue;
            }
            if let Some((i, Cell::Error(e))) = row.iter().enumerate().find(|(_, c)| matches!(c, Cell::Error(_))) {
                report.problems.push(Problem {
                    file: sheet.name.clone(),
                    row: line,
                    column: Some(column_letter(i)),
                    code: "cell_error",
                    message: format!("ô có lỗi {e}."),
                });
                continue;
            }
            let title = title_cell.text();
            if title.is_empty() {
                problem(Column::Title, "required", "tiêu đề hồ sơ để trống.".into());
                continue;
            }
            if crate::text::char_len(&title) > 1000 {
                problem(Column::Title, "too_long", "tiêu đề dài quá 1.000 ký tự.".into());
                continue;
            }
            let dates = if place(Column::Start).is_some() {
                let start = match cell(Column::Start) {
                    Cell::Date(d) => Some(d),
                    Cell::Number(n) => excel_date(n),
                    c => ArchiveDate::parse(&c.text()),
                };
                let end = match cell(Column::End) {
                    Cell::Date(d) => Some(d),
                    Cell::Number(n) => excel_date(n),
                    Cell::Empty => start,
                    c => ArchiveDate::parse(&c.text()),
                };
                match (start, end) {
                    (Some(s), Some(e)) => Some((s, e)),
                    _ => {
                        problem(
                            Column::Start,
                            "invalid_date",
                            format!(
                                "thời gian “{} – {}” không đọc được (NN/TT/NNNN, TT/NNNN hoặc NNNN).",
                                cell(Column::Start).text(),
                                cell(Column::End).text()
                            ),
                        );
                        None
                    }
                }
            } else {
                let c = cell(Column::Dates);
                let parsed = match &c {
                    Cell::Date(d) => Some((*d, *d)),
                    Cell::Number(n) if *n > 3000.0 => excel_date(*n).map(|d| (d, d)),
                    other => parse_range(&other.text()),
                };
                if parsed.is_none() {
                    problem(
                        Column::Dates,
                        "invalid_date",
                        format!("thời gian “{}” không đọc được (ví dụ 01/01/2015 - 31/12/2015, 3/2016-12/2016 hoặc 2015).", c.text()),
                    );
                }
                parsed
            };
            let Some((start, end)) = dates else { continue };
            if end.latest() < start.earliest() {
                problem(Column::Dates, "end_before_start", format!("thời gian kết thúc {end} trước thời gian bắt đầu {start}."));
                continue;
            }
            let retention_text = cell(Column::Retention).text();
            let Some(maintenance) = parse_retention(&retention_text, known_years) else {
                let message = if retention_text.is_empty() {
                    "thời hạn bảo quản để trống.".to_string()
                } else {
                    format!(
                        "thời hạn “{retention_text}” không có trong bảng thời hạn bảo quản (ghi Vĩnh viễn, VV, hoặc số năm như 20 năm, 10)."
                    )
                };
                problem(Column::Retention, "unknown_retention", message);
                continue;
            };
            let mut counts = HashMap::new();
            let mut bad = false;
            for column in [Column::Ordinal, Column::Box, Column::Number, Column::Sheets, Column::Pages] {
                match count(&cell(column)) {
                    Ok(v) => {
                        counts.insert(column, v);
                    }
                    Err(message) => {
                        problem(column, "not_a_number", format!("{}: {message}.", column.label()));
                        bad = true;
                    }
                }
            }
            if bad {
                continue;
            }
            let number = counts[&Column::Number];
            if let Some(n) = number {
                if let Some((other_sheet, other_row)) = numbers_seen.insert(n, (sheet.name.clone(), line)) {
                    problem(Column::Number, "duplicate_number", format!("hồ sơ số {n} trùng với {other_sheet}, dòng {other_row}."));
                    continue;
                }
            }
            let notation = Some(cell(Column::Notation).text()).filter(|t| !t.is_empty());
            report.dossiers.push(ImportedDossier {
                sheet: sheet.name.clone(),
                row: line,
                ordinal: counts[&Column::Ordinal],
                box_number: counts[&Column::Box],
                number,
                notation,
                title,
                start,
                end,
                maintenance,
                retention_text,
                sheets: counts[&Column::Sheets],
                pages: counts[&Column::Pages],
                note: Some(cell(Column::Note).text()).filter(|t| !t.is_empty()),
                group: group.clone(),
            });
        }
    }
    if report.dossiers.is_empty() && report.problems.is_empty() {
        report.problems.push(Problem {
            file: String::new(),
            row: 0,
            column: None,
            code: "empty",
            message: "tệp không có hồ sơ nào.".into(),
        });
    }
    report
}

impl ImportedDossier {
    /// The row as a hồ sơ input, for the TT05 checks every hồ sơ passes: the số ký hiệu, or else
    /// the hồ sơ số, becomes the code's notation; the year is the start's.
    pub fn input(&self) -> crate::record::DossierInput {
        let number = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        crate::record::DossierInput {
            notation: self.notation.clone().unwrap_or_else(|| number(self.number.or(self.ordinal))),
            title: self.title.clone(),
            maintenance: self.maintenance.code().into(),
            mode: "01".into(),
            start_date: self.start.to_string(),
            end_date: self.end.to_string(),
            total_doc: "0".into(),
            number_of_paper: number(self.sheets),
            number_of_page: number(self.pages.or(Some(0))),
            description: self.note.clone().unwrap_or_default(),
            ..Default::default()
        }
    }
}

/// An import, understood and checked: what Kho read, every problem, and — only when there is no
/// problem at all — the hồ sơ to write, each with its hồ sơ số and hộp số.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prepared {
    pub heading: InventoryHeading,
    pub groups: Vec<String>,
    pub dossiers: Vec<ImportedDossier>,
    pub problems: Vec<Problem>,
    #[serde(skip)]
    pub rows: Vec<PreparedRow>,
}

/// A hồ sơ ready to write, with its place from chỉnh lý.
#[derive(Debug, Clone)]
pub struct PreparedRow {
    pub fields: crate::record::DossierFields,
    pub number: Option<u32>,
    pub box_number: Option<u32>,
    pub group: Option<String>,
}

/// Reads the sheets as a mục lục for `context` (prefix and mục lục số of the target).
pub fn prepare(sheets: &[Sheet], known_years: &BTreeSet<u16>, context: &crate::record::DossierContext) -> Prepared {
    let report = read(sheets, known_years);
    let mut problems = report.problems.clone();
    let mut rows = Vec::new();
    match to_fields(&report, context) {
        Ok(fields) => {
            rows = fields
                .into_iter()
                .zip(&report.dossiers)
                .map(|(fields, d)| PreparedRow { fields, number: d.number, box_number: d.box_number, group: d.group.clone() })
                .collect();
        }
        Err(more) => problems.extend(more),
    }
    if !problems.is_empty() {
        rows.clear();
    }
    Prepared { heading: report.heading, groups: report.groups, dossiers: report.dossiers, problems, rows }
}

/// Every row checked as a hồ sơ of the mục lục `context` describes; all problems, or all fields.
pub fn to_fields(report: &Report, context: &crate::record::DossierContext) -> Result<Vec<crate::record::DossierFields>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut fields = Vec::with_capacity(report.dossiers.len());
    let mut codes = HashMap::new();
    for d in &report.dossiers {
        match d.input().parse(context) {
            Ok(f) => {
                if let Some(row) = codes.insert(f.file_code.to_string(), d.row) {
                    problems.push(Problem {
                        file: d.sheet.clone(),
                        row: d.row,
                        column: None,
                        code: "duplicate_file_code",
                        message: format!("mã hồ sơ {} trùng với dòng {row}.", f.file_code),
                    });
                }
                fields.push(f);
            }
            Err(invalid) => {
                for e in invalid.errors {
                    problems.push(Problem {
                        file: d.sheet.clone(),
                        row: d.row,
                        column: Some(e.field.clone()),
                        code: e.code,
                        message: e.message,
                    });
                }
            }
        }
    }
    if problems.is_empty() { Ok(fields) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn years() -> BTreeSet<u16> {
        [5, 10, 20, 30, 50, 70].into()
    }

    fn contractor_sheet() -> Sheet {
        let e = Cell::Empty;
        Sheet {
            name: "Mục lục".into(),
            rows: vec![
                vec![t("MỤC LỤC HỒ SƠ")],
                vec![t("Phông: UBND huyện Mường Ảng")],
                vec![t("Mục lục số: 01")],
                vec![],
                vec![
                    t("Số TT"),
                    t("Hộp số"),
                    t("Hồ sơ số"),
                    t("Tiêu đề hồ sơ"),
                    t("Thời gian"),
                    e.clone(),
                    t("Thời hạn bảo quản"),
                    t("Số tờ"),
                    t("Ghi chú"),
                ],
                vec![e.clone(), e.clone(), e.clone(), e.clone(), t("Bắt đầu"), t("Kết thúc"), e.clone(), e.clone(), e.clone()],
                vec![t("1"), t("2"), t("3"), t("4"), t("5"), t("6"), t("7"), t("8"), t("9")],
                vec![t("I. TỔ CHỨC - HÀNH CHÍNH")],
                vec![
                    Cell::Number(1.0),
                    Cell::Number(1.0),
                    Cell::Number(1.0),
                    t("Tập quyết định\u{a0}về  tổ chức năm 2015"),
                    Cell::Date(ArchiveDate::parse("05/01/2015").unwrap()),
                    t("31/12/2015"),
                    t("Vĩnh viễn"),
                    Cell::Number(96.0),
                    e.clone(),
                ],
                vec![
                    Cell::Number(2.0),
                    Cell::Number(1.0),
                    Cell::Number(2.0),
                    t("Sổ đăng ký khai sinh"),
                    t("2016"),
                    e.clone(),
                    t("VV"),
                    t("200"),
                    t("Rách bìa"),
                ],
                vec![t("II"), e.clone(), e.clone(), t("ĐẤT ĐAI")],
                vec![
                    Cell::Number(3.0),
                    Cell::Number(2.0),
                    Cell::Number(3.0),
                    t("Hồ sơ giao đất"),
                    t("3/2016"),
                    t("12/2016"),
                    t("20 năm"),
                    Cell::Number(45.0),
                    e.clone(),
                ],
                vec![e.clone(), e.clone(), e.clone(), t("Tổng cộng"), e.clone(), e.clone(), e.clone(), Cell::Number(341.0)],
                vec![t("Người lập")],
            ],
        }
    }

    #[test]
    fn a_contractors_sheet_is_understood_row_by_row() {
        let report = read(&[contractor_sheet()], &years());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.heading.fonds.as_deref(), Some("UBND huyện Mường Ảng"));
        assert_eq!(report.heading.inventory_number, Some(1));
        assert_eq!(report.dossiers.len(), 3);
        let first = &report.dossiers[0];
        assert_eq!(first.title, "Tập quyết định về tổ chức năm 2015");
        assert_eq!((first.start.to_string(), first.end.to_string()), ("05/01/2015".into(), "31/12/2015".into()));
        assert_eq!(first.group.as_deref(), Some("I. TỔ CHỨC - HÀNH CHÍNH"));
        assert_eq!(first.sheets, Some(96));
        assert_eq!(report.dossiers[1].maintenance, Maintenance::Permanent);
        assert_eq!(report.dossiers[1].start.to_string(), "2016");
        assert_eq!(report.dossiers[2].group.as_deref(), Some("II ĐẤT ĐAI"));
        assert_eq!(report.dossiers[2].maintenance, Maintenance::Years20);
        assert_eq!((report.dossiers[2].start.to_string(), report.dossiers[2].end.to_string()), ("03/2016".into(), "12/2016".into()));
    }

    #[test]
    fn single_column_date_ranges_in_mixed_forms() {
        for (text, start, end) in [
            ("01/01/2015 - 31/12/2015", "01/01/2015", "31/12/2015"),
            ("3/2016-12/2016", "03/2016", "12/2016"),
            ("2015", "2015", "2015"),
            ("2015 đến 2017", "2015", "2017"),
        ] {
            let (s, e) = parse_range(text).unwrap();
            assert_eq!((s.to_string(), e.to_string()), (start.to_string(), end.to_string()), "{text}");
        }
        assert_eq!(excel_date(42005.0).unwrap().to_string(), "01/01/2015");
        assert_eq!(excel_date(45839.0).unwrap().to_string(), "01/07/2025");
    }

    #[test]
    fn bad_rows_are_named_and_nothing_from_them_is_kept() {
        let mut sheet = contractor_sheet();
        sheet.rows[9][2] = Cell::Number(1.0); // duplicate hồ sơ số
        sheet.rows[11][7] = Cell::Number(-4.0); // negative sheets
        sheet.rows.insert(
            12,
            vec![
                Cell::Number(4.0),
                Cell::Empty,
                Cell::Number(4.0),
                t("Báo cáo"),
                t("2019 - 2018"),
                Cell::Empty,
                t("15 năm"),
                Cell::Formula("SUM(H9:H11)".into()),
            ],
        );
        sheet.rows.insert(12, vec![Cell::Number(5.0), Cell::Empty, Cell::Number(5.0), t(""), t("2019"), Cell::Empty, t("10")]);
        sheet.rows.insert(12, vec![Cell::Number(6.0), Cell::Empty, Cell::Number(6.0), t("Sổ"), t("2019"), Cell::Empty, t("mãi mãi")]);
        let report = read(&[sheet], &years());
        let found: Vec<(usize, &str)> = report.problems.iter().map(|p| (p.row, p.code)).collect();
        assert!(found.contains(&(10, "duplicate_number")), "{found:?}");
        assert!(found.contains(&(12, "not_a_number")), "{found:?}");
        assert!(found.contains(&(13, "unknown_retention")), "{found:?}");
        assert!(found.contains(&(14, "required")), "{found:?}");
        assert!(found.contains(&(15, "formula")), "{found:?}");
        let place = report.problems.iter().find(|p| p.code == "not_a_number").unwrap().column.clone().unwrap();
        assert_eq!(place, "H (Số tờ)");
    }

    #[test]
    fn a_sheet_without_a_table_says_so() {
        let report = read(&[Sheet { name: "Ghi chú".into(), rows: vec![vec![t("Danh sách cán bộ")]] }], &years());
        assert_eq!(report.problems[0].code, "no_header");
    }
}
