//! Reading a mục lục hồ sơ as archivists really lay it out in a spreadsheet: title rows above the
//! table ("MỤC LỤC HỒ SƠ", "Phông: …", "Mục lục số: 02", "Thời hạn bảo quản: 70 năm"), one- or
//! two-row headers, a row of column numbers, group rows ("I. TỔNG HỢP", "NĂM 2021"), a totals
//! row, dates in mixed forms and precisions, retention written "Vĩnh viễn", "VV", "20 năm", "10"
//! or "5 năm", several mục lục in one workbook (a sheet each). Pure: the `documents` crate turns
//! XLSX, XLS and CSV files into [`Sheet`]s (merged cells applied, legacy encodings converted);
//! this module understands them row by row, keeps every value as written, refuses only what is
//! really wrong and says in Vietnamese, by sheet, row and column, what it could not take — and
//! what it took but the archivist should look at (warnings).

use crate::codes::Maintenance;
use crate::date::ArchiveDate;
use crate::ids::{CodePrefix, FileNotation};
use crate::table::Problem;
use crate::text::{clean, fold};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell, at the precision its number format shows (dd/mm/yyyy, mm/yyyy, yyyy).
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
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
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

/// One sheet of a workbook, as the `documents` crate read it.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    /// Rows from the top of the sheet; row `i` is line `i + 1` in the spreadsheet.
    pub rows: Vec<Vec<Cell>>,
    /// Cells (row, column; 0-based) a vertical merge filled with the value of the merge's top cell.
    pub merged: HashSet<(usize, usize)>,
    /// Cells (row, column) whose text was typed in a legacy encoding and converted, with its name.
    pub converted: Vec<(usize, usize, &'static str)>,
    /// Date cells (row, column) whose precision the file does not say (an XLS date on the 1st may
    /// be a month written "mm/yyyy"): kept as full dates, and asked about.
    pub uncertain_dates: Vec<(usize, usize)>,
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
    /// A mã hồ sơ typed by another system: read past, Kho composes its own.
    FileCode,
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
            Column::FileCode => "Mã hồ sơ",
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
        } else if label.starts_with("ma ho so") || label == "ma hs" {
            Column::FileCode
        } else if has(&["hop"]) {
            Column::Box
        } else if has(&["ho so so", "so ho so"]) {
            Column::Number
        } else if has(&["so trang", "trang"]) && !has(&["to"]) || label.ends_with("trang") {
            Column::Pages
        } else if has(&["so to", "so luong to"]) || label.ends_with(" to") || label == "to" {
            Column::Sheets
        } else if label == "stt" || label == "tt" || has(&["so tt", "so thu tu", "stt"]) {
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
    /// The mục lục số its sheet states (or the sheet before it); `None` when no sheet says.
    pub inventory: Option<u32>,
    pub ordinal: Option<u32>,
    pub box_number: Option<u32>,
    /// Hồ sơ số: what identifies the hồ sơ in its mục lục (Số TT when there is no such column).
    pub number: Option<u32>,
    pub notation: Option<String>,
    pub title: String,
    pub start: ArchiveDate,
    pub end: ArchiveDate,
    pub maintenance: Maintenance,
    /// Years of a retention outside the TT05 code list ("5 năm": code 07 with 5 years).
    pub maintenance_years: Option<u16>,
    pub retention_text: String,
    pub sheets: Option<u32>,
    pub pages: Option<u32>,
    pub note: Option<String>,
    /// The group (phương án phân loại) heading the row stands under.
    pub group: Option<String>,
}

impl ImportedDossier {
    /// The retention as the finding aid writes it: "Vĩnh viễn", "20 năm", "5 năm".
    pub fn retention_label(&self) -> String {
        crate::codes::retention_label(self.maintenance, self.maintenance_years)
    }
}

/// What the file says about itself above the table.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InventoryHeading {
    pub fonds: Option<String>,
    pub inventory_number: Option<u32>,
    /// "Thời hạn bảo quản: 70 năm" in a title row: the retention of every hồ sơ of the sheet.
    pub retention: Option<String>,
}

/// A sheet read as (part of) a mục lục.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SheetSummary {
    pub name: String,
    pub heading: InventoryHeading,
    pub dossiers: usize,
}

/// A sheet left aside, and why.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoredSheet {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The first sheet's heading (the fonds and the mục lục số most files state once).
    pub heading: InventoryHeading,
    pub sheets: Vec<SheetSummary>,
    pub ignored: Vec<IgnoredSheet>,
    pub dossiers: Vec<ImportedDossier>,
    /// What stops the import.
    pub problems: Vec<Problem>,
    /// What the archivist should look at; the import goes ahead.
    pub warnings: Vec<Problem>,
    pub groups: Vec<String>,
}

/// A0 for 0, B for 1, … AA for 26: the column as the spreadsheet shows it.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = String::new();
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    letters
}

/// "I", "IV.", "II -", "XII)" at the head of a text.
fn roman_head(text: &str) -> bool {
    let head: String = text.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    if head.is_empty() || head.len() > 6 || !head.chars().all(|c| "IVXLC".contains(c)) {
        return false;
    }
    let rest = &text[head.len()..];
    rest.trim().is_empty() || rest.trim_start().starts_with(['.', ')', '-', ':', '–']) || rest.starts_with(' ')
}

/// "NĂM 2021", "Năm 2021": a year group.
fn year_group(text: &str) -> Option<u16> {
    let folded = fold(text);
    let rest = folded.strip_prefix("nam ")?.trim().trim_end_matches([':', '.']);
    (rest.len() == 4 && rest.bytes().all(|b| b.is_ascii_digit())).then(|| rest.parse().ok()).flatten()
}

/// Accepted retention spellings → a TT05 code, and the years when the code list has none for
/// them: "Vĩnh viễn", "VV", "70 năm", "10" (years), "5 năm" (07 with 5 years), "Khác".
pub fn parse_retention(text: &str) -> Option<(Maintenance, Option<u16>)> {
    let folded = fold(text).replace('.', "");
    let folded = folded.trim();
    if matches!(folded, "vinh vien" | "vv" | "vinhvien") {
        return Some((Maintenance::Permanent, None));
    }
    if folded == "khac" {
        return Some((Maintenance::Other, None));
    }
    let number = folded.trim_end_matches("nam").trim();
    if number.is_empty() || number.len() > 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let years: u16 = number.parse().ok().filter(|y| (1..=200).contains(y))?;
    Some(match years {
        70 => (Maintenance::Years70, None),
        50 => (Maintenance::Years50, None),
        30 => (Maintenance::Years30, None),
        20 => (Maintenance::Years20, None),
        10 => (Maintenance::Years10, None),
        other => (Maintenance::Other, Some(other)),
    })
}

/// "01/01/2015 - 31/12/2015", "2015", "3/2016-12/2016", "2015 đến 2016", or a date cell.
pub fn parse_range(text: &str) -> Option<(ArchiveDate, ArchiveDate)> {
    let text = clean(text);
    if let Some(single) = ArchiveDate::parse(&text) {
        return Some((single, single));
    }
    for separator in [" - ", " – ", "–", " đến ", "đến", "-", " "] {
        if let Some((a, b)) = text.split_once(separator)
            && let (Some(start), Some(end)) = (ArchiveDate::parse(a.trim()), ArchiveDate::parse(b.trim()))
        {
            return Some((start, end));
        }
    }
    None
}

/// A date cell: a date at its format's precision, a year typed as a number (1900–2100 in a date
/// column is a year, never Excel's day 2016 = 08/07/1905), a day number, or text.
fn cell_date(cell: &Cell) -> Option<ArchiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) if n.fract() == 0.0 && (1900.0..=2100.0).contains(n) => ArchiveDate::of_year(*n as u16),
        Cell::Number(n) if *n > 3000.0 => excel_date(*n),
        Cell::Number(_) => None,
        other => ArchiveDate::parse(&other.text()),
    }
}

/// A count as people write it: 12, "12", "1.234", "03", "Hộp 03", "Hộp số 3".
fn count(cell: &Cell) -> Result<Option<u32>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e9 => Ok(Some(*n as u32)),
        Cell::Number(_) => Err(format!("“{}” không phải số nguyên không âm", cell.text())),
        other => {
            let written = other.text();
            let folded = fold(&written);
            let bare = folded.strip_prefix("hop so").or_else(|| folded.strip_prefix("hop")).unwrap_or(&folded).trim().replace('.', "");
            if bare.is_empty() && written.is_empty() {
                return Ok(None);
            }
            bare.parse::<u32>()
                .ok()
                .filter(|_| bare.bytes().all(|b| b.is_ascii_digit()))
                .map(Some)
                .ok_or_else(|| format!("“{written}” không phải số nguyên không âm"))
        }
    }
}

struct Layout {
    header_row: usize,
    first_data_row: usize,
    columns: HashMap<Column, usize>,
}

/// A row of column numbers under a header: (1) (2) (3) … or 1 2 3 …
fn is_column_numbers(row: &[Cell]) -> bool {
    let values: Vec<String> = row.iter().map(Cell::text).filter(|t| !t.is_empty()).collect();
    values.len() >= 3 && values.iter().enumerate().all(|(k, v)| v.trim_matches(['(', ')', ' ']) == (k + 1).to_string())
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
            // A header merged over two rows repeats in the second (merges fill down).
            let repeats = sub.iter().enumerate().filter(|(i, c)| !c.is_empty() && sheet.merged.contains(&(r + 1, *i))).count();
            if refined {
                if columns.contains_key(&Column::Start) {
                    columns.remove(&Column::Dates);
                }
                next = r + 2;
            } else if repeats > 0 && sub.iter().enumerate().all(|(i, c)| c.is_empty() || sheet.merged.contains(&(r + 1, i))) {
                next = r + 2;
            }
        }
        // Rows of column numbers (1, 2, 3 …) under the header.
        while sheet.rows.get(next).is_some_and(|row| is_column_numbers(row)) {
            next += 1;
        }
        return Some(Layout { header_row: r, first_data_row: next, columns });
    }
    None
}

fn heading(sheet: &Sheet, above: usize) -> InventoryHeading {
    let mut heading = InventoryHeading::default();
    for row in sheet.rows.iter().take(above) {
        for cell in row {
            let text = cell.text();
            if text.is_empty() {
                continue;
            }
            let folded = fold(&text);
            let lower = text.to_lowercase();
            // "Phông: UBND huyện …", "PHÔNG LƯU TRỮ UBND HUYỆN …" (never "Phòng …", an office).
            if lower.starts_with("phông") {
                let rest = match text.split_once(':') {
                    Some((_, v)) => v.trim().to_string(),
                    None => {
                        let words: Vec<&str> = text.split(' ').collect();
                        let skip = if fold(&words[1..].join(" ")).starts_with("luu tru ") { 3 } else { 1 };
                        words.get(skip..).map(|w| w.join(" ")).unwrap_or_default()
                    }
                };
                if !rest.is_empty() && heading.fonds.is_none() {
                    heading.fonds = Some(rest);
                }
            }
            if folded.starts_with("muc luc so") || folded.starts_with("muc luc ho so so") {
                let digits: String = folded.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
                if let Ok(n) = digits.parse::<u32>() {
                    heading.inventory_number.get_or_insert(n);
                }
            }
            if folded.starts_with("thoi han bao quan")
                && let Some((_, value)) = text.split_once(':')
            {
                let value = clean(value);
                if !value.is_empty() {
                    heading.retention.get_or_insert(value);
                }
            }
        }
    }
    heading
}

/// The lines under a table: who made it, who signs, the place and date.
fn is_trailer(folded: &str) -> bool {
    const STARTS: &[&str] = &[
        "nguoi lap",
        "nguoi ky",
        "nguoi duyet",
        "nguoi kiem tra",
        "thu truong",
        "xac nhan",
        "giam doc",
        "chu tich",
        "truong phong",
        "(ky",
        "ky ten",
        "can bo lap",
    ];
    STARTS.iter().any(|s| folded.starts_with(s)) || (folded.contains(", ngay ") && folded.contains(" thang "))
}

/// Why a sheet without a table may be left aside: empty, a few lines of text, or named as notes.
fn ignorable(sheet: &Sheet) -> Option<String> {
    let filled = sheet.rows.iter().filter(|r| r.iter().any(|c| !c.is_empty())).count();
    if filled == 0 {
        return Some("trang trống".into());
    }
    let name = fold(&sheet.name);
    if ["huong dan", "ghi chu", "chu thich", "giai thich", "thong tin"].iter().any(|w| name.contains(w)) {
        return Some("trang hướng dẫn, không có bảng hồ sơ".into());
    }
    (filled < 10).then(|| format!("không có bảng hồ sơ ({filled} dòng chữ)"))
}

/// The stated totals of a totals row, checked against the rows above it.
fn check_totals(sheet: &Sheet, line: usize, row: &[Cell], layout: &Layout, read: &[&ImportedDossier], warnings: &mut Vec<Problem>) {
    for (column, sum) in [
        (Column::Sheets, read.iter().filter_map(|d| d.sheets).map(u64::from).sum::<u64>()),
        (Column::Pages, read.iter().filter_map(|d| d.pages).map(u64::from).sum::<u64>()),
    ] {
        let Some(stated) = layout.columns.get(&column).and_then(|i| row.get(*i)).and_then(|c| count(c).ok().flatten()) else { continue };
        if u64::from(stated) != sum {
            warnings.push(Problem {
                file: sheet.name.clone(),
                row: line,
                column: layout.columns.get(&column).map(|i| format!("{} ({})", column_letter(*i), column.label())),
                code: "total_mismatch",
                message: format!(
                    "dòng cộng ghi {} là {stated} nhưng các hồ sơ ở trên cộng lại được {sum}; Kho nhập theo từng hồ sơ.",
                    column.label().to_lowercase()
                ),
            });
        }
    }
    // "Tổng cộng: 25 hồ sơ"
    let text: String = row.iter().map(Cell::text).collect::<Vec<_>>().join(" ");
    let folded = fold(&text);
    if let Some(at) = folded.find(" ho so") {
        let digits: String =
            folded[..at].chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').collect::<String>().chars().rev().collect();
        if let Ok(stated) = digits.replace('.', "").parse::<usize>()
            && stated != read.len()
        {
            warnings.push(Problem {
                file: sheet.name.clone(),
                row: line,
                column: None,
                code: "total_mismatch",
                message: format!("dòng cộng ghi {stated} hồ sơ nhưng trang có {} hồ sơ.", read.len()),
            });
        }
    }
}

/// Understands every sheet of a workbook; problems and warnings name sheet, row and column.
/// `known_years` are the retention periods the schedule knows: another number of years is taken,
/// with a warning.
pub fn read(sheets: &[Sheet], known_years: &BTreeSet<u16>) -> Report {
    let mut report = Report::default();
    // (mục lục số as stated, hồ sơ số) → where it was first seen.
    let mut numbers_seen: HashMap<(Option<u32>, u32), (String, usize)> = HashMap::new();
    // (mục lục số, year, số ký hiệu) → the first row that used it.
    let mut notations_seen: HashMap<(Option<u32>, u16, String), (String, usize)> = HashMap::new();
    let mut inventory: Option<u32> = None;
    let mut first_heading = true;
    let mut tables = 0;
    for sheet in sheets {
        let Some(layout) = layout(sheet) else {
            match ignorable(sheet) {
                Some(reason) => report.ignored.push(IgnoredSheet { name: sheet.name.clone(), reason }),
                None => report.problems.push(Problem {
                    file: sheet.name.clone(),
                    row: 0,
                    column: None,
                    code: "no_header",
                    message: "không tìm thấy dòng tiêu đề bảng (cần các cột như Số TT, Tiêu đề hồ sơ, Thời gian, Thời hạn bảo quản)."
                        .into(),
                }),
            }
            continue;
        };
        tables += 1;
        let sheet_heading = heading(sheet, layout.header_row);
        if sheet_heading.inventory_number.is_some() {
            inventory = sheet_heading.inventory_number;
        }
        if first_heading {
            report.heading = sheet_heading.clone();
            first_heading = false;
        }
        legacy_warning(sheet, &mut report.warnings);
        if !sheet.uncertain_dates.is_empty() {
            let shown: Vec<String> = sheet.uncertain_dates.iter().take(8).map(|(r, c)| format!("{}{}", column_letter(*c), r + 1)).collect();
            report.warnings.push(Problem {
                file: sheet.name.clone(),
                row: 0,
                column: None,
                code: "uncertain_date",
                message: format!(
                    "{} ô ngày rơi vào ngày mùng 1 ({}{}); tệp XLS không cho biết ô chỉ ghi tháng/năm hay đủ ngày: Kho giữ đủ ngày — nếu ô chỉ ghi tháng/năm, hãy sửa trong tệp (hoặc lưu thành .xlsx) rồi nhập lại.",
                    sheet.uncertain_dates.len(),
                    shown.join(", "),
                    if sheet.uncertain_dates.len() > shown.len() { ", …" } else { "" }
                ),
            });
        }
        let sheet_retention = match &sheet_heading.retention {
            Some(text) => match parse_retention(text) {
                Some(r) => Some((r, text.clone())),
                None => {
                    report.problems.push(Problem {
                        file: sheet.name.clone(),
                        row: 0,
                        column: None,
                        code: "unknown_retention",
                        message: format!(
                            "thời hạn bảo quản ở đầu trang “{text}” không đọc được (ghi Vĩnh viễn, VV, hoặc số năm như 20 năm)."
                        ),
                    });
                    None
                }
            },
            None => None,
        };
        let mut group: Option<String> = None;
        let mut year_of_group: Option<u16> = None;
        let place = |column: Column| layout.columns.get(&column).copied();
        let first_dossier = report.dossiers.len();
        for (r, row) in sheet.rows.iter().enumerate().skip(layout.first_data_row) {
            let line = r + 1;
            let cell = |column: Column| place(column).and_then(|i| row.get(i)).cloned().unwrap_or(Cell::Empty);
            // What was written on this row (a merge from above writes nothing new).
            let own: Vec<(usize, &Cell)> =
                row.iter().enumerate().filter(|(i, c)| !c.is_empty() && !sheet.merged.contains(&(r, *i))).collect();
            if own.is_empty() {
                continue;
            }
            let first_text = own[0].1.text();
            let first_folded = fold(&first_text);
            if first_folded.starts_with("tong cong")
                || first_folded.starts_with("tong so")
                || first_folded == "cong"
                || first_folded.starts_with("cong:")
                || first_folded.starts_with("cong ")
            {
                let read: Vec<&ImportedDossier> = report.dossiers[first_dossier..].iter().collect();
                check_totals(sheet, line, row, &layout, &read, &mut report.warnings);
                break;
            }
            if is_trailer(&first_folded) {
                continue;
            }
            let ordinal_text = cell(Column::Ordinal).text();
            let title_cell = cell(Column::Title);
            // Nothing that names or dates a hồ sơ: a signature line, a name under it.
            let names_nothing =
                [Column::Ordinal, Column::Number, Column::Notation, Column::Title, Column::Dates, Column::Start, Column::End]
                    .iter()
                    .all(|c| place(*c).is_none_or(|i| row.get(i).is_none_or(Cell::is_empty) || sheet.merged.contains(&(r, i))));
            if names_nothing
                && !own.iter().any(|(i, _)| Some(*i) == place(Column::Title))
                && own.len() == 1
                && !roman_head(&first_text)
                && place(Column::Ordinal).is_none_or(|i| own[0].0 != i)
            {
                continue;
            }
            let has_values = [Column::Dates, Column::Start, Column::End, Column::Retention, Column::Sheets, Column::Pages]
                .iter()
                .any(|c| !cell(*c).is_empty() && !place(*c).is_some_and(|i| sheet.merged.contains(&(r, i))));
            let single_text = own.len() == 1 && matches!(own[0].1, Cell::Text(_));
            let group_row = (roman_head(&ordinal_text) && !has_values)
                || (single_text && (roman_head(&first_text) || year_group(&first_text).is_some() || !has_values));
            if group_row {
                let name = if roman_head(&ordinal_text) && !title_cell.is_empty() && own.len() > 1 {
                    format!("{ordinal_text} {}", title_cell.text())
                } else {
                    first_text.clone()
                };
                // A year group dates the hồ sơ under it that give no date; a new chapter ends it.
                if let Some(year) = year_group(&name) {
                    year_of_group = Some(year);
                } else if roman_head(&name) {
                    year_of_group = None;
                }
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
            if let Some((i, _)) = row.iter().enumerate().find(|(_, c)| match c {
                Cell::Text(t) => {
                    t.chars().any(|ch| (ch.is_control() && !matches!(ch, '\n' | '\r' | '\t')) || crate::text::is_invisible(ch))
                }
                _ => false,
            }) {
                report.problems.push(Problem {
                    file: sheet.name.clone(),
                    row: line,
                    column: Some(column_letter(i)),
                    code: "control_character",
                    message: "ô chứa ký tự điều khiển hoặc ký tự ẩn (như NUL hay dấu đảo chiều chữ); hãy gõ lại ô này.".into(),
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
                let (start_cell, end_cell) = (cell(Column::Start), cell(Column::End));
                if start_cell.is_empty() && end_cell.is_empty() {
                    year_of_group.and_then(ArchiveDate::of_year).map(|y| (y, y)).ok_or(Column::Start)
                } else {
                    let start = cell_date(&start_cell);
                    let end = if end_cell.is_empty() { start } else { cell_date(&end_cell) };
                    match (start, end) {
                        (Some(s), Some(e)) => Ok((s, e)),
                        (None, _) => Err(Column::Start),
                        (_, None) => Err(Column::End),
                    }
                }
            } else {
                let c = cell(Column::Dates);
                if c.is_empty() {
                    year_of_group.and_then(ArchiveDate::of_year).map(|y| (y, y)).ok_or(Column::Dates)
                } else {
                    match &c {
                        Cell::Text(t) => parse_range(t),
                        other => cell_date(other).map(|d| (d, d)),
                    }
                    .ok_or(Column::Dates)
                }
            };
            let (start, end) = match dates {
                Ok(d) => d,
                Err(column) => {
                    let written = cell(column).text();
                    let message = if written.is_empty() {
                        "thời gian để trống.".to_string()
                    } else {
                        format!("thời gian “{written}” không đọc được (ví dụ 01/01/2015, 3/2016, 2015 hoặc 01/01/2015 - 31/12/2015).")
                    };
                    problem(column, if written.is_empty() { "required" } else { "invalid_date" }, message);
                    continue;
                }
            };
            if end.latest() < start.earliest() {
                let column = if place(Column::End).is_some() { Column::End } else { Column::Dates };
                problem(column, "end_before_start", format!("thời gian kết thúc {end} trước thời gian bắt đầu {start}."));
                continue;
            }
            // The row's own retention, else the one the sheet's title states for all its hồ sơ.
            let written = cell(Column::Retention).text();
            let (retention_text, retention) = match &sheet_retention {
                Some((r, text)) if written.is_empty() => (text.clone(), Some(*r)),
                _ => {
                    let parsed = parse_retention(&written);
                    (written, parsed)
                }
            };
            let Some((maintenance, maintenance_years)) = retention else {
                let message = if retention_text.is_empty() {
                    "thời hạn bảo quản để trống.".to_string()
                } else {
                    format!("thời hạn “{retention_text}” không đọc được (ghi Vĩnh viễn, VV, hoặc số năm như 20 năm, 10, 5 năm).")
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
            let notation = cell(Column::Notation).text();
            let notation = if notation.is_empty() {
                None
            } else {
                match FileNotation::parse(&notation) {
                    Some(n) => Some(n.as_str().to_string()),
                    None => {
                        problem(
                            Column::Notation,
                            "invalid_file_notation",
                            format!("số và ký hiệu “{notation}” dài quá {} ký tự.", crate::ids::MAX_FILE_NOTATION),
                        );
                        bad = true;
                        None
                    }
                }
            };
            if bad {
                continue;
            }
            // Hồ sơ số identifies the hồ sơ; a list before arrangement has only its Số TT.
            let number = if place(Column::Number).is_some() { counts[&Column::Number] } else { counts[&Column::Ordinal] };
            if let Some(n) = number
                && let Some((other_sheet, other_row)) = numbers_seen.insert((inventory, n), (sheet.name.clone(), line))
            {
                let column = if place(Column::Number).is_some() { Column::Number } else { Column::Ordinal };
                problem(column, "duplicate_number", format!("hồ sơ số {n} trùng với {other_sheet}, dòng {other_row}."));
                continue;
            }
            if let Some(n) = &notation
                && let Some((other_sheet, other_row)) =
                    notations_seen.insert((inventory, start.year(), n.clone()), (sheet.name.clone(), line))
            {
                report.warnings.push(Problem {
                    file: sheet.name.clone(),
                    row: line,
                    column: place(Column::Notation).map(|i| format!("{} ({})", column_letter(i), Column::Notation.label())),
                    code: "duplicate_notation",
                    message: format!(
                        "số và ký hiệu “{n}” của năm {} đã dùng ở {other_sheet}, dòng {other_row}: hai hồ sơ sẽ có cùng mã hồ sơ.",
                        start.year()
                    ),
                });
            }
            if let Some(years) = maintenance_years
                && !known_years.is_empty()
                && !known_years.contains(&years)
            {
                report.warnings.push(Problem {
                    file: sheet.name.clone(),
                    row: line,
                    column: place(Column::Retention).map(|i| format!("{} ({})", column_letter(i), Column::Retention.label())),
                    code: "unusual_retention",
                    message: format!("thời hạn {years} năm không có trong bảng thời hạn bảo quản; Kho ghi mã 07 (Khác) với {years} năm."),
                });
            }
            report.dossiers.push(ImportedDossier {
                sheet: sheet.name.clone(),
                row: line,
                inventory,
                ordinal: counts[&Column::Ordinal],
                box_number: counts[&Column::Box],
                number,
                notation,
                title,
                start,
                end,
                maintenance,
                maintenance_years,
                retention_text,
                sheets: counts[&Column::Sheets],
                pages: counts[&Column::Pages],
                note: Some(cell(Column::Note).text()).filter(|t| !t.is_empty()),
                group: group.clone(),
            });
        }
        report.sheets.push(SheetSummary {
            name: sheet.name.clone(),
            heading: InventoryHeading { inventory_number: inventory, ..sheet_heading },
            dossiers: report.dossiers.len() - first_dossier,
        });
    }
    if report.dossiers.is_empty() && report.problems.is_empty() {
        report.problems.push(Problem {
            file: String::new(),
            row: 0,
            column: None,
            code: if tables == 0 { "no_header" } else { "empty" },
            message: if tables == 0 {
                "không trang nào có bảng hồ sơ (cần dòng tiêu đề với các cột như Số TT, Tiêu đề hồ sơ, Thời gian, Thời hạn bảo quản)."
                    .into()
            } else {
                "tệp không có hồ sơ nào.".into()
            },
        });
    }
    report
}

/// One warning per sheet naming the cells converted from TCVN3 or VNI.
fn legacy_warning(sheet: &Sheet, warnings: &mut Vec<Problem>) {
    if sheet.converted.is_empty() {
        return;
    }
    let encodings: BTreeSet<&str> = sheet.converted.iter().map(|(_, _, e)| *e).collect();
    let shown: Vec<String> = sheet.converted.iter().take(8).map(|(r, c, _)| format!("{}{}", column_letter(*c), r + 1)).collect();
    let more = sheet.converted.len().saturating_sub(shown.len());
    warnings.push(Problem {
        file: sheet.name.clone(),
        row: 0,
        column: None,
        code: "legacy_converted",
        message: format!(
            "{} ô gõ bằng bảng mã {} đã được chuyển sang Unicode: {}{}. Hãy xem lại chữ trong bảng dưới đây.",
            sheet.converted.len(),
            encodings.into_iter().collect::<Vec<_>>().join(", "),
            shown.join(", "),
            if more > 0 { format!(" và {more} ô khác") } else { String::new() }
        ),
    });
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
            maintenance_years: number(self.maintenance_years.map(u32::from)),
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

/// An import, understood and checked: what Kho read, every problem and warning, and — only when
/// there is no problem at all — the hồ sơ to write, mục lục by mục lục.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prepared {
    pub heading: InventoryHeading,
    pub sheets: Vec<SheetSummary>,
    pub ignored: Vec<IgnoredSheet>,
    pub groups: Vec<String>,
    pub dossiers: Vec<ImportedDossier>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// The mục lục số each hồ sơ goes to, in the order of `dossiers`.
    pub numbers: Vec<u32>,
    #[serde(skip)]
    pub inventories: Vec<PreparedInventory>,
}

/// One mục lục of an import, ready to write.
#[derive(Debug, Clone)]
pub struct PreparedInventory {
    pub number: u32,
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

/// Reads the sheets as mục lục of a fonds whose codes start with `prefix`. Each sheet goes to the
/// mục lục it states ("Mục lục số 02"), or the one the sheet before it states; `chosen` (the
/// number the archivist gave) applies when the workbook states at most one.
pub fn prepare(sheets: &[Sheet], known_years: &BTreeSet<u16>, prefix: &CodePrefix, chosen: Option<u32>) -> Prepared {
    let report = read(sheets, known_years);
    let mut problems = report.problems.clone();
    let stated: BTreeSet<u32> = report.dossiers.iter().filter_map(|d| d.inventory).collect();
    if chosen.is_some() && stated.len() > 1 {
        problems.push(Problem {
            file: String::new(),
            row: 0,
            column: None,
            code: "several_inventories",
            message: format!(
                "tệp có {} mục lục (số {}); hãy để trống ô “Mục lục số” để nhập mỗi trang vào mục lục ghi trên trang đó.",
                stated.len(),
                stated.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let numbers: Vec<u32> = report
        .dossiers
        .iter()
        .map(|d| if stated.len() > 1 { d.inventory.or(chosen) } else { chosen.or(d.inventory) }.unwrap_or(1))
        .collect();
    let mut by_number: BTreeMap<u32, Vec<PreparedRow>> = BTreeMap::new();
    for (d, number) in report.dossiers.iter().zip(&numbers) {
        let context = crate::record::DossierContext { prefix: prefix.clone(), inventory_number: Some(*number) };
        match d.input().parse(&context) {
            Ok(fields) => by_number.entry(*number).or_default().push(PreparedRow {
                fields,
                number: d.number,
                box_number: d.box_number,
                group: d.group.clone(),
            }),
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
    let inventories = if problems.is_empty() {
        by_number.into_iter().map(|(number, rows)| PreparedInventory { number, rows }).collect()
    } else {
        Vec::new()
    };
    Prepared {
        heading: report.heading,
        sheets: report.sheets,
        ignored: report.ignored,
        groups: report.groups,
        dossiers: report.dossiers,
        problems,
        warnings: report.warnings,
        numbers,
        inventories,
    }
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

    fn sheet(name: &str, rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet { name: name.into(), rows, ..Default::default() }
    }

    fn contractor_sheet() -> Sheet {
        let e = Cell::Empty;
        sheet(
            "Mục lục",
            vec![
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
        )
    }

    #[test]
    fn a_contractors_sheet_is_understood_row_by_row() {
        let report = read(&[contractor_sheet()], &years());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
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
        assert_eq!(cell_date(&Cell::Number(2016.0)).unwrap().to_string(), "2016", "a year, not 08/07/1905");
    }

    #[test]
    fn retention_keeps_years_outside_the_code_list() {
        assert_eq!(parse_retention("5 năm"), Some((Maintenance::Other, Some(5))));
        assert_eq!(parse_retention("10"), Some((Maintenance::Years10, None)));
        assert_eq!(parse_retention("V.V"), Some((Maintenance::Permanent, None)));
        assert_eq!(parse_retention("Lâu dài"), None);
        assert_eq!(parse_retention("mãi mãi"), None);
    }

    #[test]
    fn counts_as_people_write_them() {
        assert_eq!(count(&t("Hộp 03")), Ok(Some(3)));
        assert_eq!(count(&t("1.234")), Ok(Some(1234)));
        assert!(count(&t("Hộp ?")).is_err());
        assert!(count(&t("mười hai")).is_err());
        assert!(count(&t("x")).is_err());
        assert!(count(&Cell::Number(-5.0)).is_err());
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
        sheet.rows.insert(12, vec![Cell::Number(7.0), Cell::Empty, Cell::Number(7.0), t("Sổ\u{0}"), t("2019"), Cell::Empty, t("10")]);
        let report = read(&[sheet], &years());
        let found: Vec<(usize, &str)> = report.problems.iter().map(|p| (p.row, p.code)).collect();
        assert!(found.contains(&(10, "duplicate_number")), "{found:?}");
        assert!(found.contains(&(12, "not_a_number")), "{found:?}");
        assert!(found.contains(&(13, "control_character")), "{found:?}");
        assert!(found.contains(&(14, "unknown_retention")), "{found:?}");
        assert!(found.contains(&(15, "required")), "{found:?}");
        assert!(found.contains(&(16, "formula")), "{found:?}");
        let place = report.problems.iter().find(|p| p.code == "not_a_number").unwrap().column.clone().unwrap();
        assert_eq!(place, "H (Số tờ)");
    }

    #[test]
    fn a_sheet_of_notes_is_set_aside_and_a_workbook_without_a_table_says_so() {
        let notes = sheet("Hướng dẫn", vec![vec![t("Danh sách cán bộ")]]);
        let report = read(&[notes.clone()], &years());
        assert_eq!(report.problems[0].code, "no_header");
        let report = read(&[notes, contractor_sheet()], &years());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.ignored[0].name, "Hướng dẫn");
    }

    #[test]
    fn a_date_whose_precision_the_file_does_not_say_is_asked_about() {
        let mut sheet = contractor_sheet();
        sheet.uncertain_dates = vec![(8, 4)];
        let report = read(&[sheet], &years());
        assert!(report.problems.is_empty());
        let warning = report.warnings.iter().find(|w| w.code == "uncertain_date").expect("asked about");
        assert!(warning.message.contains("E9"), "{}", warning.message);
    }

    #[test]
    fn each_sheet_that_states_its_number_is_its_own_inventory() {
        let mut second = contractor_sheet();
        second.name = "Mục lục 02".into();
        second.rows[2] = vec![t("Mục lục số 02")];
        let prefix = CodePrefix::Fonds(crate::ids::FondsCode::parse("P05").unwrap());
        let prepared = prepare(&[contractor_sheet(), second.clone()], &years(), &prefix, None);
        assert!(prepared.problems.is_empty(), "{:?}", prepared.problems);
        assert_eq!(prepared.inventories.iter().map(|i| (i.number, i.rows.len())).collect::<Vec<_>>(), vec![(1, 3), (2, 3)]);
        let refused = prepare(&[contractor_sheet(), second], &years(), &prefix, Some(4));
        assert_eq!(refused.problems[0].code, "several_inventories");
    }
}
