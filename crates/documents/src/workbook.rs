//! Workbooks in: XLSX (streamed cell by cell, never as a dense range a declared dimension could
//! blow up), XLS, and CSV in UTF-8 or Windows-1258 — turned into [`Sheet`]s with vertical merges
//! applied, dates at the precision of their number format, and text typed in TCVN3 (.VnTime,
//! .VnTimeH) or VNI converted and listed. Every refusal is a [`ReadError`] in Vietnamese naming
//! the real reason (macro, password, encoding and the lines it breaks, size); the spreadsheet
//! library's own (English) messages go to the log only. Bounded before anything is allocated:
//! bytes, unpacked bytes, rows, columns and cells.

use crate::legacy::{self, Legacy};
use calamine::{Data, DataRef, Reader};
use kho_model::date::ArchiveDate;
use kho_model::inventory_sheet::{Cell, Sheet, excel_date};
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Largest workbook read; contractors' mục lục of 100.000 rows are ~10 MB.
pub const MAX_WORKBOOK_BYTES: usize = 64 * 1024 * 1024;
/// Largest total of an XLSX's parts once unzipped (a 100.000-row sheet is ~80 MB of XML).
pub const MAX_UNPACKED_BYTES: u64 = 768 * 1024 * 1024;
/// Excel's own row limit.
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns read; a mục lục has about ten. A value further right is refused, named by its cell.
pub const MAX_COLUMNS: u32 = 256;
/// Non-empty cells of a workbook (a 100.000-row mục lục has ~1.2 million).
pub const MAX_CELLS: usize = 4_000_000;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("tệp “{0}” không phải bảng tính: Kho đọc được XLSX, XLS và CSV")]
    NotAWorkbook(String),
    #[error("tệp “{0}” bị hỏng hoặc không đọc được; hãy mở bằng Excel, lưu lại thành .xlsx rồi gửi lại")]
    Damaged(String),
    #[error("tệp “{0}” quá lớn: {1}")]
    TooLarge(String, String),
    #[error("tệp “{0}” chứa macro (VBA); Kho không nhận bảng tính có macro. Hãy lưu lại thành “Excel Workbook (*.xlsx)” rồi gửi lại")]
    Macro(String),
    #[error("tệp “{0}” có đặt mật khẩu; hãy gỡ mật khẩu rồi gửi lại")]
    Password(String),
    #[error(
        "tệp “{name}” có chữ không đúng mã UTF-8 ở dòng {lines} (có vẻ được gõ bằng {likely}); hãy mở tệp và lưu lại với mã UTF-8 (CSV UTF-8) rồi gửi lại"
    )]
    Encoding { name: String, lines: String, likely: &'static str },
}

impl ReadError {
    /// A stable code for the refusal, as tests and the audit trail name it.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::NotAWorkbook(_) => "not_a_workbook",
            ReadError::Damaged(_) => "damaged",
            ReadError::TooLarge(..) => "too_large",
            ReadError::Macro(_) => "macro",
            ReadError::Password(_) => "password",
            ReadError::Encoding { .. } => "invalid_encoding",
        }
    }
}

/// Reads every sheet of a workbook or CSV file, the kind decided by its bytes.
pub fn read_workbook(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(ReadError::TooLarge(name.into(), format!("lớn hơn {} MB", MAX_WORKBOOK_BYTES / 1024 / 1024)));
    }
    // Office files announce themselves: XLSX is a zip ("PK"), XLS a compound file (D0 CF 11 E0).
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(name, bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return read_xls(name, bytes);
    }
    let lower = name.to_lowercase();
    let binary = bytes.iter().take(4096).any(|b| *b == 0) || bytes.starts_with(b"MZ") || bytes.starts_with(b"%PDF");
    if (lower.ends_with(".csv") || lower.ends_with(".txt")) && !binary {
        return read_csv(name, bytes);
    }
    Err(ReadError::NotAWorkbook(name.into()))
}

/// Builds a sheet's rows from cells in any order, within the bounds.
struct Grid {
    name: String,
    rows: Vec<Vec<Cell>>,
    fonts: HashMap<(usize, usize), String>,
    uncertain_dates: Vec<(usize, usize)>,
}

impl Grid {
    fn new(name: String) -> Grid {
        Grid { name, rows: Vec::new(), fonts: HashMap::new(), uncertain_dates: Vec::new() }
    }

    fn put(&mut self, row: u32, column: u32, cell: Cell, cells: &mut usize, file: &str) -> Result<(), ReadError> {
        if cell == Cell::Empty {
            return Ok(());
        }
        if row >= MAX_ROWS {
            return Err(ReadError::TooLarge(
                file.into(),
                format!("trang “{}” có ô ở dòng {} (Excel có tối đa {MAX_ROWS} dòng)", self.name, row + 1),
            ));
        }
        if column >= MAX_COLUMNS {
            return Err(ReadError::TooLarge(
                file.into(),
                format!(
                    "trang “{}” có dữ liệu ở ô {}{}, ngoài {MAX_COLUMNS} cột Kho đọc; hãy xóa ô đó (hoặc chép bảng sang trang mới) rồi gửi lại",
                    self.name,
                    kho_model::inventory_sheet::column_letter(column as usize),
                    row + 1
                ),
            ));
        }
        *cells += 1;
        if *cells > MAX_CELLS {
            return Err(ReadError::TooLarge(file.into(), format!("quá {MAX_CELLS} ô có dữ liệu")));
        }
        let (r, c) = (row as usize, column as usize);
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let line = &mut self.rows[r];
        if line.len() <= c {
            line.resize(c + 1, Cell::Empty);
        }
        line[c] = cell;
        Ok(())
    }

    /// A merge spanning rows gives its value to every row it spans (a box number written once
    /// over the box's hồ sơ); horizontal spans keep the value in their first cell.
    fn merge_down(&mut self, merges: &[calamine::Dimensions]) -> std::collections::HashSet<(usize, usize)> {
        let mut filled = std::collections::HashSet::new();
        for m in merges {
            let (top, left) = (m.start.0 as usize, m.start.1 as usize);
            let bottom = (m.end.0 as usize).min(self.rows.len().saturating_sub(1));
            if bottom <= top || left >= MAX_COLUMNS as usize {
                continue;
            }
            let Some(value) = self.rows.get(top).and_then(|r| r.get(left)).filter(|c| **c != Cell::Empty).cloned() else { continue };
            for r in top + 1..=bottom {
                let line = &mut self.rows[r];
                if line.len() <= left {
                    line.resize(left + 1, Cell::Empty);
                }
                if line[left] == Cell::Empty {
                    line[left] = value.clone();
                    filled.insert((r, left));
                }
            }
        }
        filled
    }

    fn finish(mut self, merges: &[calamine::Dimensions]) -> Sheet {
        let merged = self.merge_down(merges);
        let converted = convert_legacy(&mut self.rows, &self.fonts);
        Sheet { name: self.name, rows: self.rows, merged, converted, uncertain_dates: self.uncertain_dates }
    }
}

/// Text typed in a legacy encoding, told by the cell's font (.VnTime, .VnTimeH, VNI-Times) or,
/// without one, by the bytes; a sheet mostly in TCVN3 has its short undecided labels ("Céng")
/// read as TCVN3 too. Returns the cells converted.
fn convert_legacy(rows: &mut [Vec<Cell>], fonts: &HashMap<(usize, usize), String>) -> Vec<(usize, usize, &'static str)> {
    let mut converted = Vec::new();
    let mut undecided = Vec::new();
    for (r, row) in rows.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            let Cell::Text(text) = cell else { continue };
            let font = fonts.get(&(r, c)).map(|f| f.to_ascii_lowercase());
            let by_font = match font.as_deref() {
                Some(f) if f.starts_with(".vn") => Some((Legacy::Tcvn3, f.ends_with('h'))),
                Some(f) if f.starts_with("vni") => Some((Legacy::Vni, false)),
                _ => None,
            };
            let (encoding, capitals) = match by_font.map(|(e, h)| (Some(e), h)).unwrap_or_else(|| (legacy::detect(text), false)) {
                (Some(e), h) => (e, h),
                (None, _) => {
                    if text.chars().all(|ch| (ch as u32) < 0x100 || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(ch))
                        && text.chars().any(|ch| ch as u32 >= 0x80)
                    {
                        undecided.push((r, c));
                    }
                    continue;
                }
            };
            let mut unicode = match encoding {
                Legacy::Tcvn3 => legacy::tcvn3_to_unicode(text),
                Legacy::Vni => legacy::vni_to_unicode(text),
            };
            if capitals {
                unicode = unicode.to_uppercase();
            }
            if unicode != *text {
                converted.push((r, c, if encoding == Legacy::Tcvn3 { "TCVN3" } else { "VNI" }));
                *text = unicode;
            }
        }
    }
    let tcvn3 = converted.iter().filter(|(_, _, e)| *e == "TCVN3").count();
    if tcvn3 >= 3 && tcvn3 == converted.len() {
        for (r, c) in undecided {
            if let Cell::Text(text) = &mut rows[r][c] {
                let unicode = legacy::tcvn3_to_unicode(text);
                if unicode != *text {
                    *text = unicode;
                    converted.push((r, c, "TCVN3"));
                }
            }
        }
    }
    converted.sort();
    converted
}

/// The precision a date's number format shows: `dd/mm/yyyy` a day, `mm/yyyy` a month, `yyyy` a year.
fn date_at_format(date: ArchiveDate, format: Option<&str>) -> ArchiveDate {
    let Some(format) = format else { return date };
    // Quoted literals and [colour]/[$-locale] sections say nothing of precision.
    let mut bare = String::new();
    let (mut quoted, mut bracket) = (false, false);
    for ch in format.chars() {
        match ch {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            _ if !quoted && !bracket => bare.push(ch.to_ascii_lowercase()),
            _ => {}
        }
    }
    let section = bare.split(';').next().unwrap_or_default();
    if section.contains('d') || section.contains("general") {
        date
    } else if section.contains('m') && section.contains('y') {
        date.to_month()
    } else if section.contains('y') {
        date.to_year()
    } else {
        date
    }
}

/// A cell's value; `format` is its number format's code when it has one.
fn cell_of(data: &DataRef<'_>, format: Option<&str>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Text(if *b { "1" } else { "0" }.into()),
        // A year typed into a date-formatted cell is the year, not Excel's day 2016 (1905).
        DataRef::DateTime(d) if d.as_f64().fract() == 0.0 && (1900.0..=2100.0).contains(&d.as_f64()) => Cell::Number(d.as_f64()),
        DataRef::DateTime(d) => {
            excel_date(d.as_f64()).map(|date| Cell::Date(date_at_format(date, format))).unwrap_or(Cell::Number(d.as_f64()))
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(format!("{e:?}")),
    }
}

fn damaged(name: &str, detail: &dyn std::fmt::Display) -> ReadError {
    tracing::info!(file = name, detail = %detail, "workbook refused as damaged");
    ReadError::Damaged(name.into())
}

fn read_xlsx(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(name, &e))?;
    let mut unpacked: u64 = 0;
    let mut is_workbook = false;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| damaged(name, &e))?;
        let part = entry.name().map_err(|e| damaged(name, &e))?.to_ascii_lowercase();
        if part.ends_with("vbaproject.bin") || part.ends_with(".bin") && part.contains("vba") {
            return Err(ReadError::Macro(name.into()));
        }
        is_workbook |= part == "xl/workbook.xml" || part == "xl/workbook.bin";
        unpacked = unpacked.saturating_add(entry.size());
        let bomb = entry.size() > 64 * 1024 * 1024 && entry.size() > entry.compressed_size().saturating_mul(200);
        if unpacked > MAX_UNPACKED_BYTES || bomb {
            return Err(ReadError::TooLarge(name.into(), format!("giải nén ra hơn {} MB", MAX_UNPACKED_BYTES / 1024 / 1024)));
        }
    }
    if let Ok(mut types) = archive.by_name("[Content_Types].xml") {
        let mut text = String::new();
        let _ = types.by_ref().take(1024 * 1024).read_to_string(&mut text);
        if text.contains("macroEnabled") || text.contains("vbaProject") {
            return Err(ReadError::Macro(name.into()));
        }
    }
    if !is_workbook {
        return Err(ReadError::NotAWorkbook(name.into()));
    }
    let mut workbook: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => ReadError::Password(name.into()),
        e => damaged(name, &e),
    })?;
    let mut cells = 0usize;
    let mut sheets = Vec::new();
    for sheet_name in workbook.sheet_names() {
        let mut grid = Grid::new(sheet_name.clone());
        {
            let mut reader = workbook.worksheet_cells_reader(&sheet_name).map_err(|e| damaged(name, &e))?;
            let styles: Vec<calamine::Style> = reader.styles().to_vec();
            while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(|e| damaged(name, &e))? {
                let (row, column) = cell.get_position();
                let style = styles.get(style);
                let format = style.and_then(|s| s.number_format.as_ref()).map(|f| f.format_code.as_str());
                let value = cell_of(cell.get_value(), format);
                let is_text = matches!(value, Cell::Text(_));
                grid.put(row, column, value, &mut cells, name)?;
                if is_text && let Some(font) = style.and_then(|s| s.font.as_ref()).and_then(|f| f.name.as_ref()) {
                    let lower = font.to_ascii_lowercase();
                    if lower.starts_with(".vn") || lower.starts_with("vni") {
                        grid.fonts.insert((row as usize, column as usize), font.clone());
                    }
                }
            }
        }
        // Formulas: a second pass over the same stream, keeping only their places and text.
        {
            let mut reader = workbook.worksheet_cells_reader(&sheet_name).map_err(|e| damaged(name, &e))?;
            while let Some(cell) = reader.next_cell_with_formula().map_err(|e| damaged(name, &e))? {
                if let Some(formula) = cell.formula.filter(|f| !f.is_empty()) {
                    let (row, column) = cell.pos;
                    grid.put(row, column, Cell::Formula(formula), &mut cells, name)?;
                }
            }
        }
        let merges = workbook.merge_cells_by_sheet_name(&sheet_name).map_err(|e| damaged(name, &e))?;
        sheets.push(grid.finish(&merges));
    }
    Ok(sheets)
}

fn read_xls(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    // A VBA project is a storage named so inside the compound file (names are UTF-16).
    let vba: Vec<u8> = "_VBA_PROJECT".encode_utf16().flat_map(u16::to_le_bytes).collect();
    if bytes.windows(vba.len()).any(|w| w == vba.as_slice()) {
        return Err(ReadError::Macro(name.into()));
    }
    let encrypted: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    if bytes.windows(encrypted.len()).any(|w| w == encrypted.as_slice()) {
        return Err(ReadError::Password(name.into()));
    }
    let mut workbook: calamine::Xls<_> = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => ReadError::Password(name.into()),
        e => damaged(name, &e),
    })?;
    let mut cells = 0usize;
    let mut sheets = Vec::new();
    for sheet_name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet_name).map_err(|e| damaged(name, &e))?;
        let formulas = workbook.worksheet_formula(&sheet_name).ok();
        let mut grid = Grid::new(sheet_name.clone());
        for (row, column, data) in range.used_cells() {
            let (row, column) = (row as u32 + range.start().map_or(0, |s| s.0), column as u32 + range.start().map_or(0, |s| s.1));
            let formula = formulas.as_ref().and_then(|f| f.get_value((row, column))).filter(|f| !f.is_empty());
            let value = match formula {
                Some(f) => Cell::Formula(f.clone()),
                None => cell_of(&data_ref(data), None),
            };
            // XLS keeps its number formats out of reach: a date on the 1st may be "mm/yyyy".
            if let Cell::Date(d) = &value
                && d.earliest().2 == 1
                && d.to_string().len() == 10
            {
                grid.uncertain_dates.push((row as usize, column as usize));
            }
            grid.put(row, column, value, &mut cells, name)?;
        }
        let merges = workbook.merge_cells_by_sheet_name(&sheet_name).map_err(|e| damaged(name, &e))?;
        sheets.push(grid.finish(&merges));
    }
    Ok(sheets)
}

fn data_ref(data: &Data) -> DataRef<'_> {
    match data {
        Data::Empty => DataRef::Empty,
        Data::String(s) => DataRef::SharedString(s),
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
    }
}

/// "4–9", "4, 7, 12–14": lines as a clerk finds them.
fn line_ranges(lines: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() && parts.len() < 8 {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        parts.push(if start == end { start.to_string() } else { format!("{start}–{end}") });
        i += 1;
    }
    if i < lines.len() {
        parts.push("…".into());
    }
    parts.join(", ")
}

/// UTF-8 (a BOM is dropped); else, when nothing in it is UTF-8, Windows-1258, the code page of
/// Vietnamese Windows. A file partly UTF-8 and partly not was mixed from two sources: refused,
/// naming the lines that are not.
fn decode(name: &str, bytes: &[u8]) -> Result<String, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let mut bad_lines = Vec::new();
    let mut utf8_multibyte = false;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(text) => utf8_multibyte |= !text.is_ascii(),
            Err(_) => bad_lines.push(i + 1),
        }
    }
    if !utf8_multibyte {
        return Ok(encoding_rs::WINDOWS_1258.decode(bytes).0.into_owned());
    }
    let sample: Vec<u8> = bytes.split(|b| *b == b'\n').nth(bad_lines[0] - 1).unwrap_or_default().to_vec();
    let as_1258 = encoding_rs::WINDOWS_1258.decode(&sample).0;
    let likely = if legacy::detect(&as_1258) == Some(Legacy::Tcvn3) {
        "TCVN3 (ABC)"
    } else if legacy::detect(&as_1258) == Some(Legacy::Vni) {
        "VNI"
    } else {
        "Windows-1258"
    };
    Err(ReadError::Encoding { name: name.into(), lines: line_ranges(&bad_lines), likely })
}

fn read_csv(name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let text = decode(name, bytes)?;
    // Excel in Vietnamese locale writes ";" between cells; count which separator the first lines use.
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let delimiter = if head.matches(';').count() > head.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let sheet_name = name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    let mut grid = Grid::new(sheet_name);
    let mut cells = 0usize;
    // Rows stay at the line a clerk sees in the file (blank lines are skipped by the reader):
    // counted from the record's byte offset.
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in reader.records() {
        let record = record.map_err(|e| damaged(name, &e))?;
        let mut at = record.position().map(|p| p.byte() as usize).unwrap_or(counted_to).min(text.len());
        // The position may stand on the line ending before the record.
        while at < text.len() && matches!(text.as_bytes()[at], b'\r' | b'\n') {
            at += 1;
        }
        line += text.as_bytes()[counted_to.min(at)..at].iter().filter(|b| **b == b'\n').count();
        counted_to = counted_to.max(at);
        for (c, value) in record.iter().enumerate() {
            if !value.trim().is_empty() {
                grid.put((line - 1) as u32, c.min(u32::MAX as usize) as u32, Cell::Text(value.to_string()), &mut cells, name)?;
            }
        }
    }
    Ok(vec![grid.finish(&[])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_keeps_the_precision_its_format_shows() {
        let d = ArchiveDate::full(2013, 5, 1).unwrap();
        assert_eq!(date_at_format(d, Some("mm/yyyy")).to_string(), "05/2013");
        assert_eq!(date_at_format(d, Some("dd/mm/yyyy")).to_string(), "01/05/2013");
        assert_eq!(date_at_format(d, Some("yyyy")).to_string(), "2013");
        assert_eq!(date_at_format(d, Some("[$-42A]mm/yyyy;@")).to_string(), "05/2013");
        assert_eq!(date_at_format(d, Some("\"Ngày\" dd")).to_string(), "01/05/2013");
        assert_eq!(date_at_format(d, None).to_string(), "01/05/2013");
    }

    #[test]
    fn lines_are_named_as_ranges() {
        assert_eq!(line_ranges(&[4, 5, 6, 7, 8, 9]), "4–9");
        assert_eq!(line_ranges(&[2, 4, 5]), "2, 4–5");
    }

    #[test]
    fn a_csv_mixing_utf8_and_windows_1258_names_its_lines() {
        let mut bytes = "Số TT;Tiêu đề hồ sơ\n1;Hồ sơ một\n".as_bytes().to_vec();
        bytes.extend(encoding_rs::WINDOWS_1258.encode("2;Hồ sơ hai\n").0.iter());
        let error = decode("m.csv", &bytes).unwrap_err();
        assert_eq!(error.code(), "invalid_encoding");
        assert!(error.to_string().contains("dòng 3"), "{error}");
        // ô + combining grave, ơ, ô + combining dot below: how Windows-1258 writes "Hồ sơ một".
        let whole = b"1;H\xf4\xcc s\xf5 m\xf4\xf2t\n".to_vec();
        let decoded: String = unicode_normalization::UnicodeNormalization::nfc(decode("m.csv", &whole).unwrap().as_str()).collect();
        assert_eq!(decoded, "1;Hồ sơ một\n");
    }
}
