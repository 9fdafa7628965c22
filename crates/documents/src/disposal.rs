//! Papers of a destruction (TT 06/2025/TT-BNV): the danh mục tài liệu hết giá trị with its bản
//! thuyết minh, and the biên bản hủy.

use crate::official::{Block, OfficialDocument, Paragraph, Signature, Style, Table, place_and_date};
use kho_model::ArchiveDate;

/// One hồ sơ on the danh mục.
pub struct DisposalRow {
    pub number: Option<u32>,
    pub code: String,
    pub title: String,
    pub dates: String,
    pub retention: String,
    pub reason: String,
}

pub struct DisposalPapers {
    /// The body whose records are destroyed (the fonds' custodian, else its forming unit).
    pub body: crate::official::Issuer,
    pub fonds: String,
    pub title: String,
    pub explanation: String,
    pub rows: Vec<DisposalRow>,
}

/// Danh mục tài liệu hết giá trị, then the bản thuyết minh on its own page.
pub fn list(papers: &DisposalPapers) -> OfficialDocument {
    let rows = papers
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.number.map(|n| n.to_string()).unwrap_or_default(),
                r.code.clone(),
                r.title.clone(),
                r.dates.clone(),
                r.retention.clone(),
                r.reason.clone(),
            ]
        })
        .collect();
    let mut body: Vec<Block> = vec![
        Paragraph::plain(format!("Phông: {}. Tổng số: {} hồ sơ.", papers.fonds, papers.rows.len())).into(),
        Block::Table(Table {
            numeric: vec![0, 1],
            columns: vec![
                ("STT".into(), 0.5),
                ("Hồ sơ số".into(), 0.6),
                ("Mã hồ sơ".into(), 1.8),
                ("Tiêu đề hồ sơ".into(), 3.2),
                ("Thời gian".into(), 1.3),
                ("Thời hạn bảo quản".into(), 1.0),
                ("Lý do hủy".into(), 1.2),
            ],
            rows,
        }),
        Block::PageBreak,
        Paragraph { text: "BẢN THUYẾT MINH TÀI LIỆU HẾT GIÁ TRỊ".into(), style: Style::Bold, centred: true }.into(),
    ];
    for line in papers.explanation.split('\n').filter(|l| !l.trim().is_empty()) {
        body.push(Paragraph::plain(line.to_string()).into());
    }
    OfficialDocument {
        issuer: papers.body.heading(),
        number: None,
        national_heading: true,
        place_and_date: None,
        title: "DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ".into(),
        subtitle: Some(papers.title.to_string()),
        body,
        signatures: vec![Signature { capacity: "NGƯỜI LẬP".into(), name: String::new() }],
    }
}

pub struct DestructionFacts<'a> {
    pub province: &'a str,
    pub decision_ref: &'a str,
    pub decision_on: &'a ArchiveDate,
    pub destroyed_on: &'a ArchiveDate,
    pub destroyed_by: &'a str,
    /// Mét giá destroyed, in hundredths, where it was measured.
    pub metres: Option<i64>,
    pub count: usize,
}

/// Biên bản hủy tài liệu hết giá trị.
pub fn record(papers: &DisposalPapers, facts: &DestructionFacts) -> OfficialDocument {
    let date = place_and_date(facts.province, facts.destroyed_on);
    let day = date.split_once(", ").map(|(_, d)| d.to_string()).unwrap_or_default();
    let (dy, dm, dd) = facts.decision_on.earliest();
    let body = vec![
        Paragraph::plain(format!(
            "Căn cứ Quyết định số {} ngày {dd:02}/{dm:02}/{dy} về việc hủy tài liệu hết giá trị;",
            facts.decision_ref
        ))
        .into(),
        Paragraph::plain(format!(
            "Hôm nay, {day}, tại {}, chúng tôi tiến hành hủy tài liệu hết giá trị thuộc {}.",
            papers.body.name, papers.fonds
        ))
        .into(),
        Paragraph::plain(format!(
            "Tài liệu đã hủy: {} hồ sơ{} theo “{}” kèm theo.",
            facts.count,
            facts.metres.map(|m| format!(", {} mét giá", kho_model::vn::hundredths(m))).unwrap_or_default(),
            papers.title
        ))
        .into(),
        Paragraph::plain("Phương pháp hủy: hủy toàn bộ, không thể phục hồi thông tin trên tài liệu.").into(),
        Paragraph::plain(format!("Người thực hiện hủy: {}.", facts.destroyed_by)).into(),
        Paragraph::plain("Biên bản được lập thành hai bản; cơ quan có tài liệu hủy giữ một bản, cơ quan thực hiện hủy giữ một bản.").into(),
    ];
    OfficialDocument {
        issuer: papers.body.heading(),
        number: Some(papers.body.record_number()),
        national_heading: true,
        place_and_date: Some(date),
        title: "BIÊN BẢN".into(),
        subtitle: Some("Về việc hủy tài liệu hết giá trị".into()),
        body,
        signatures: vec![
            Signature { capacity: "ĐẠI DIỆN CƠ QUAN CÓ TÀI LIỆU HỦY".into(), name: String::new() },
            Signature { capacity: "NGƯỜI THỰC HIỆN HỦY".into(), name: facts.destroyed_by.to_string() },
        ],
    }
}
