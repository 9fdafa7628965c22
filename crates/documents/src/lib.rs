//! Office files in and out. In: contractors' workbooks — XLSX, XLS, CSV in UTF-8 (with or
//! without BOM) or Windows-1258, and cells typed in the legacy TCVN3 (.VnTime) or VNI encodings —
//! turned into [`Sheet`]s for `kho_model::inventory_sheet`. Out: the mục lục hồ sơ as XLSX in
//! the same layout, so an exported mục lục imports back to the same records.
//!
//! No IO beyond the bytes handed in; no HTTP, no SQL.

pub mod disposal;
pub mod finding_aid;
pub mod legacy;
pub mod official;

use calamine::{Data, Reader};
use kho_model::inventory_sheet::{Cell, ImportedDossier, Sheet, excel_date};
use std::io::Cursor;

/// Largest workbook read; contractors' mục lục of 100.000 rows are ~10 MB.
pub const MAX_WORKBOOK_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("tệp “{0}” không phải bảng tính: Kho đọc được XLSX, XLS và CSV")]
    NotAWorkbook(String),
    #[error("tệp “{0}” bị hỏng hoặc không đọc được ({1})")]
    Damaged(String, String),
    #[error("tệp “{0}” lớn quá {1} MB")]
    TooLarge(String, usize),
}

enum Kind {
    Spreadsheet,
    Csv,
}

fn kind(name: &str, bytes: &[u8]) -> Option<Kind> {
    let lower = name.to_lowercase();
    // Office files announce themselves: XLSX is a zip ("PK"), XLS a compound file (D0 CF 11 E0).
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(Kind::Spreadsheet);
    }
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        return Some(Kind::Csv);
    }
    None
}

/// Reads every sheet of a workbook or CSV file.
pub fn read_workbook(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(ReadError::TooLarge(name.into(), MAX_WORKBOOK_BYTES / 1024 / 1024));
    }
    match kind(name, bytes) {
        Some(Kind::Spreadsheet) => read_spreadsheet(name, bytes),
        Some(Kind::Csv) => read_csv(name, bytes),
        None => Err(ReadError::NotAWorkbook(name.into())),
    }
}

fn read_spreadsheet(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let damaged = |e: &dyn std::fmt::Display| ReadError::Damaged(name.into(), e.to_string());
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut sheets = Vec::new();
    for sheet_name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet_name).map_err(|e| damaged(&e))?;
        let formulas = workbook.worksheet_formula(&sheet_name).ok();
        let (top, left) = range.start().map(|(r, c)| (r as usize, c as usize)).unwrap_or((0, 0));
        let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top];
        for (r, row) in range.rows().enumerate() {
            let mut cells = vec![Cell::Empty; left];
            for (c, data) in row.iter().enumerate() {
                let formula = formulas.as_ref().and_then(|f| f.get_value(((top + r) as u32, (left + c) as u32))).filter(|f| !f.is_empty());
                cells.push(match formula {
                    Some(f) => Cell::Formula(f.clone()),
                    None => cell(data),
                });
            }
            rows.push(cells);
        }
        sheets.push(Sheet { name: sheet_name, rows });
    }
    Ok(sheets)
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(legacy::to_unicode(s)),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "1" } else { "0" }.into()),
        Data::DateTime(d) => excel_date(d.as_f64()).map(Cell::Date).unwrap_or(Cell::Number(d.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e:?}")),
    }
}

/// UTF-8 (a BOM is dropped), else Windows-1258, the code page of Vietnamese Windows.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1258.decode(bytes).0.into_owned(),
    }
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let text = decode(bytes);
    // Excel in Vietnamese locale writes ";" between cells; count which separator the first lines use.
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let delimiter = if head.matches(';').count() > head.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Damaged(name.into(), e.to_string()))?;
        // Blank lines are skipped by the reader; keep rows at their line so problems name the
        // line a clerk sees in the file.
        let line = record.position().map(|p| p.line() as usize).unwrap_or(rows.len() + 1);
        while rows.len() + 1 < line {
            rows.push(Vec::new());
        }
        rows.push(record.iter().map(|v| if v.trim().is_empty() { Cell::Empty } else { Cell::Text(legacy::to_unicode(v)) }).collect());
    }
    let sheet_name = name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    Ok(vec![Sheet { name: sheet_name, rows }])
}

/// The mục lục hồ sơ as an XLSX workbook in the layout of NĐ 30/2020 Phụ lục V, which
/// [`read_workbook`] and `inventory_sheet::read` take back. Every value is written as a string
/// cell, so text beginning with =, +, - or @ stays text and no spreadsheet runs it.
pub fn write_inventory_xlsx(
    fonds: &str,
    inventory_number: u32,
    dossiers: &[ImportedDossier],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Mục lục hồ sơ")?;
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center).set_font_name("Times New Roman");
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_font_name("Times New Roman");
    let body = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_font_name("Times New Roman");
    sheet.merge_range(0, 0, 0, 9, "MỤC LỤC HỒ SƠ", &title)?;
    sheet.write_string(1, 0, format!("Phông: {fonds}"))?;
    sheet.write_string(2, 0, format!("Mục lục số: {inventory_number}"))?;
    let headers =
        ["Số TT", "Hộp số", "Hồ sơ số", "Số, ký hiệu hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "", "Thời hạn bảo quản", "Số tờ", "Ghi chú"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(4, c as u16, *h, &head)?;
    }
    sheet.merge_range(4, 5, 4, 6, "Thời gian", &head)?;
    sheet.write_string_with_format(5, 5, "Bắt đầu", &head)?;
    sheet.write_string_with_format(5, 6, "Kết thúc", &head)?;
    let mut row = 6u32;
    let mut group: Option<&str> = None;
    // Hồ sơ outside any group come first: a group heading holds every row below it.
    let mut ordered: Vec<&ImportedDossier> = dossiers.iter().collect();
    ordered.sort_by_key(|d| d.group.is_some());
    for d in ordered {
        if d.group.as_deref() != group {
            group = d.group.as_deref();
            if let Some(g) = group {
                sheet.write_string(row, 0, g)?;
                row += 1;
            }
        }
        let number = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        let values = [
            number(d.ordinal),
            number(d.box_number),
            number(d.number),
            d.notation.clone().unwrap_or_default(),
            d.title.clone(),
            d.start.to_string(),
            d.end.to_string(),
            d.retention_text.clone(),
            number(d.sheets),
            d.note.clone().unwrap_or_default(),
        ];
        for (c, v) in values.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, v, &body)?;
        }
        row += 1;
    }
    sheet.set_column_width(4, 60)?;
    sheet.set_column_width(9, 20)?;
    workbook.save_to_buffer()
}
