//! Office files in and out. In: contractors' workbooks — XLSX, XLS, CSV in UTF-8 (with or
//! without BOM) or Windows-1258, and cells typed in the legacy TCVN3 (.VnTime) or VNI encodings —
//! turned into [`Sheet`]s for `kho_model::inventory_sheet`. Out: the mục lục hồ sơ as XLSX in
//! the same layout, so an exported mục lục imports back to the same records.
//!
//! No IO beyond the bytes handed in; no HTTP, no SQL.

pub mod disposal;
pub mod edxml;
pub mod finding_aid;
pub mod legacy;
pub mod official;

pub mod workbook;

use kho_model::inventory_sheet::ImportedDossier;
pub use workbook::{MAX_WORKBOOK_BYTES, ReadError, read_workbook};

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
            // Số TT, hộp số, hồ sơ số and số tờ are numbers (they sum); the rest is text as written.
            match (c, v.parse::<u32>()) {
                (0 | 1 | 2 | 8, Ok(n)) => sheet.write_number_with_format(row, c as u16, n, &body)?,
                _ => sheet.write_string_with_format(row, c as u16, v, &body)?,
            };
        }
        row += 1;
    }
    sheet.set_column_width(4, 60)?;
    sheet.set_column_width(9, 20)?;
    workbook.save_to_buffer()
}

/// A word's initial for a ký hiệu: a capital without tone or vowel marks, Đ kept ("lưu" → L,
/// "Điện" → Đ).
pub(crate) fn initial(letter: char) -> char {
    if matches!(letter, 'đ' | 'Đ') {
        return 'Đ';
    }
    kho_model::text::fold(&letter.to_string()).chars().next().map(|c| c.to_ascii_uppercase()).unwrap_or(letter)
}
