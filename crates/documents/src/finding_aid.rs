//! Finding aids (công cụ tra cứu) in the official layouts: the mục lục hồ sơ with its lời nói đầu,
//! as DOCX and PDF through `official`, beside the XLSX of the crate root.

use crate::official::{Block, OfficialDocument, Paragraph, Table};
use kho_model::inventory_sheet::ImportedDossier;
use kho_model::{Maintenance, vn};

/// What the mục lục is of.
pub struct InventoryCover<'a> {
    /// The archive that keeps the fonds, top of the cover.
    pub archive: &'a str,
    pub fonds_code: &'a str,
    pub fonds_name: &'a str,
    pub inventory_number: u32,
    /// The history of the creating body and of the fonds, as recorded on the fonds.
    pub history: Option<&'a str>,
}

/// The mục lục hồ sơ: cover lines, lời nói đầu (history, size, span, retention), then the table
/// (Hộp số, Hồ sơ số, Số ký hiệu, Tiêu đề, Thời gian, Thời hạn bảo quản, Số tờ, Ghi chú).
pub fn inventory(cover: &InventoryCover, rows: &[ImportedDossier]) -> OfficialDocument {
    let permanent = rows.iter().filter(|d| d.maintenance == Maintenance::Permanent).count();
    let first = rows.iter().map(|d| d.start.earliest()).min();
    let last = rows.iter().map(|d| d.end.latest()).max();
    let sheets: u64 = rows.iter().filter_map(|d| d.sheets).map(u64::from).sum();
    let mut body: Vec<Block> = vec![Paragraph { text: "LỜI NÓI ĐẦU".into(), style: crate::official::Style::Bold, centred: true }.into()];
    if let Some(history) = cover.history {
        for line in history.split('\n').filter(|l| !l.trim().is_empty()) {
            body.push(Paragraph::plain(line.to_string()).into());
        }
    }
    let span = match (first, last) {
        (Some(f), Some(l)) => format!(", thời gian tài liệu từ năm {} đến năm {}", f.0, l.0),
        _ => String::new(),
    };
    body.push(
        Paragraph::plain(format!(
            "Mục lục này gồm {} hồ sơ (đơn vị bảo quản){span}, {} tờ; trong đó {} hồ sơ bảo quản vĩnh viễn và {} hồ sơ bảo quản có thời hạn.",
            vn::integer(rows.len() as i64),
            vn::integer(sheets as i64),
            vn::integer(permanent as i64),
            vn::integer((rows.len() - permanent) as i64)
        ))
        .into(),
    );
    let mut groups: Vec<&str> = Vec::new();
    for g in rows.iter().filter_map(|d| d.group.as_deref()) {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    if !groups.is_empty() {
        body.push(Paragraph::plain(format!("Hồ sơ được sắp xếp theo phương án phân loại gồm các nhóm: {}.", groups.join("; "))).into());
    }
    body.push(Block::PageBreak);
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut table_rows = Vec::with_capacity(rows.len() + groups.len());
    let mut group: Option<&str> = None;
    for d in rows {
        if d.group.as_deref() != group {
            group = d.group.as_deref();
            if let Some(g) = group {
                table_rows.push(vec![
                    String::new(),
                    String::new(),
                    String::new(),
                    g.to_uppercase(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        table_rows.push(vec![
            number(d.box_number),
            number(d.number),
            d.notation.clone().unwrap_or_default(),
            d.title.clone(),
            if d.start == d.end { d.start.to_string() } else { format!("{} – {}", d.start, d.end) },
            d.retention_label(),
            number(d.sheets),
            d.note.clone().unwrap_or_default(),
        ]);
    }
    body.push(Block::Table(Table {
        numeric: vec![0, 1, 6],
        columns: vec![
            ("Hộp số".into(), 0.65),
            ("Hồ sơ số".into(), 0.65),
            ("Số, ký hiệu".into(), 1.0),
            ("Tiêu đề hồ sơ".into(), 3.7),
            ("Thời gian".into(), 1.8),
            ("Thời hạn bảo quản".into(), 1.4),
            ("Số tờ".into(), 0.6),
            ("Ghi chú".into(), 1.0),
        ],
        rows: table_rows,
    }));
    OfficialDocument {
        issuer: vec![cover.archive.to_uppercase()],
        number: None,
        national_heading: false,
        place_and_date: None,
        title: "MỤC LỤC HỒ SƠ".into(),
        subtitle: Some(format!("Phông: {} ({}) — Mục lục số {}", cover.fonds_name, cover.fonds_code, cover.inventory_number)),
        body,
        signatures: vec![],
    }
}

/// One văn bản on a mục lục văn bản.
pub struct DocumentRow {
    pub number_and_notation: String,
    pub date: String,
    pub type_and_subject: String,
    pub author: String,
    pub pages: u32,
    pub note: String,
}

/// How a hồ sơ's pages sit on its sheets, as its số tờ and số trang tell: the mục lục văn bản
/// gives each văn bản's first sheet (tờ số), which only these two numbers can tell from its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheets {
    /// As many pages as sheets: one page a sheet.
    OnePage,
    /// Twice as many pages as sheets: both sides written, each văn bản starting on a new sheet.
    TwoPages,
    /// Anything else (not counted yet, or mixed): the column gives pages, and says so.
    Unknown,
}

impl Sheets {
    pub fn of(sheets: Option<u32>, pages: u32) -> Sheets {
        match sheets {
            Some(s) if s > 0 && s == pages => Sheets::OnePage,
            Some(s) if s > 0 && s * 2 == pages => Sheets::TwoPages,
            _ => Sheets::Unknown,
        }
    }
}

/// The mục lục văn bản of a hồ sơ (required for permanent hồ sơ by TT 16/2023): STT, số ký hiệu,
/// ngày tháng, tên loại và trích yếu, tác giả, tờ số (running through the hồ sơ), ghi chú.
pub fn document_list(archive: &str, file_code: &str, title: &str, sheets: Sheets, rows: &[DocumentRow]) -> OfficialDocument {
    let mut first = 1u32;
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let used = match sheets {
                Sheets::TwoPages => r.pages.max(1).div_ceil(2),
                Sheets::OnePage | Sheets::Unknown => r.pages.max(1),
            };
            let last = first + used - 1;
            let span = if used <= 1 { first.to_string() } else { format!("{first}–{last}") };
            first = last + 1;
            vec![
                (i + 1).to_string(),
                r.number_and_notation.clone(),
                r.date.clone(),
                r.type_and_subject.clone(),
                r.author.clone(),
                span,
                r.note.clone(),
            ]
        })
        .collect();
    let place = if sheets == Sheets::Unknown { "Trang số" } else { "Tờ số" };
    OfficialDocument {
        issuer: vec![archive.to_uppercase()],
        number: None,
        national_heading: false,
        place_and_date: None,
        title: "MỤC LỤC VĂN BẢN".into(),
        subtitle: Some(format!("Hồ sơ {file_code}: {title}")),
        body: vec![Block::Table(Table {
            numeric: vec![0],
            columns: vec![
                ("STT".into(), 0.6),
                ("Số, ký hiệu văn bản".into(), 1.5),
                // "11/03/2019" on one line.
                ("Ngày tháng năm".into(), 1.45),
                ("Tên loại và trích yếu nội dung".into(), 2.9),
                ("Tác giả".into(), 1.3),
                (place.into(), 0.8),
                ("Ghi chú".into(), 0.75),
            ],
            rows: table_rows,
        })],
        signatures: vec![],
    }
}

/// One hồ sơ on a danh mục hồ sơ.
pub struct ListedDossier {
    pub inventory_number: u32,
    pub number: Option<u32>,
    pub file_code: String,
    pub title: String,
    pub dates: String,
    pub retention: String,
    pub sheets: Option<u32>,
    /// Hộp số where the hồ sơ is boxed.
    pub box_number: Option<u32>,
}

/// The danh mục hồ sơ of a fonds: every hồ sơ of every mục lục in one table, with its mã hồ sơ
/// and hộp — the list a reading room or a handover checks against the shelves.
pub fn dossier_list(archive: &str, fonds_code: &str, fonds_name: &str, rows: &[ListedDossier]) -> OfficialDocument {
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let permanent = rows.iter().filter(|r| r.retention == Maintenance::Permanent.label()).count();
    OfficialDocument {
        issuer: vec![archive.to_uppercase()],
        number: None,
        national_heading: false,
        place_and_date: None,
        title: "DANH MỤC HỒ SƠ".into(),
        subtitle: Some(format!("Phông: {fonds_name} ({fonds_code})")),
        body: vec![
            Paragraph::plain(format!(
                "Tổng số: {} hồ sơ, trong đó {} hồ sơ bảo quản vĩnh viễn.",
                vn::integer(rows.len() as i64),
                vn::integer(permanent as i64)
            ))
            .into(),
            Block::Table(Table {
                numeric: vec![0, 1, 2, 7, 8],
                columns: vec![
                    ("STT".into(), 0.55),
                    ("Mục lục số".into(), 0.65),
                    ("Hồ sơ số".into(), 0.65),
                    ("Mã hồ sơ".into(), 2.0),
                    ("Tiêu đề hồ sơ".into(), 3.4),
                    ("Thời gian".into(), 1.6),
                    ("Thời hạn bảo quản".into(), 1.2),
                    ("Số tờ".into(), 0.6),
                    ("Hộp số".into(), 0.6),
                ],
                rows: rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        vec![
                            (i + 1).to_string(),
                            r.inventory_number.to_string(),
                            number(r.number),
                            r.file_code.clone(),
                            r.title.clone(),
                            r.dates.clone(),
                            r.retention.clone(),
                            number(r.sheets),
                            number(r.box_number),
                        ]
                    })
                    .collect(),
            }),
        ],
        signatures: vec![],
    }
}
