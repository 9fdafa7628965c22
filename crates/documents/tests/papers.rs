//! Papers in NĐ 30/2020's layout, read back as a user would: the cơ quan chủ quản above the body,
//! the "Số: …/BB-…" line, numbers that a spreadsheet sums, sheets counted as sheets, dates on
//! one line.

use kho_documents::finding_aid::{DocumentRow, Sheets, document_list};
use kho_documents::official::{Issuer, OfficialDocument, to_docx, to_pdf, to_xlsx};
use kho_model::ArchiveDate;
use kho_model::accession::{AccessionFields, AccessionItem};
use kho_model::inventory_sheet::Cell;
use std::io::Read;

fn archive() -> Issuer {
    Issuer {
        name: "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên".into(), parent: Some("Sở Nội vụ tỉnh Điện Biên".into())
    }
}

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    // The text of each paragraph, one per line.
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                .filter_map(|t| t.split_once('>').map(|(_, rest)| rest.split("</w:t>").next().unwrap_or("")))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("kho-papers-{}-{}", std::process::id(), bytes.len()));
    std::fs::write(&dir, bytes).unwrap();
    let out =
        std::process::Command::new("pdftotext").args(["-layout", dir.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils)");
    std::fs::remove_file(&dir).ok();
    String::from_utf8(out.stdout).unwrap()
}

fn accession() -> AccessionFields {
    AccessionFields {
        received_on: ArchiveDate::parse("2026-03-02").unwrap(),
        giving_unit_id: 1,
        receiving_unit_id: 2,
        giving_person: "Lò Văn Pọm".into(),
        giving_position: None,
        receiving_person: "Nguyễn Thị Hà".into(),
        receiving_position: None,
        material: "Tài liệu của UBND huyện Mường Ảng".into(),
        start_year: None,
        end_year: None,
        bags: Some(1250),
        boxes: None,
        dossiers: None,
        metres: Some(125_050),
        condition: None,
        basis: None,
        notes: None,
        items: vec![
            AccessionItem {
                name: "Văn phòng".into(),
                dates: Some("2001–2010".into()),
                bags: Some(1200),
                metres: Some(120_000),
                note: None,
            },
            AccessionItem {
                name: "Phòng Tài chính".into(),
                dates: None,
                bags: Some(50),
                metres: Some(5_050),
                note: Some("01.TCCB".into()),
            },
        ],
    }
}

#[test]
fn a_ký_hiệu_is_the_initials_of_the_body_before_its_place() {
    let body = |name: &str| Issuer { name: name.into(), parent: None }.abbreviation();
    assert_eq!(archive().abbreviation(), "TTLTLS");
    assert_eq!(body("UBND xã Mường Ảng"), "UBND");
    assert_eq!(body("Ủy ban nhân dân xã Mường Ảng"), "UBND");
    assert_eq!(body("Đội Quản lý thị trường số 3"), "ĐQLTTS");
    assert_eq!(archive().heading(), vec!["SỞ NỘI VỤ TỈNH ĐIỆN BIÊN", "TRUNG TÂM LƯU TRỮ LỊCH SỬ TỈNH ĐIỆN BIÊN"]);
}

#[test]
fn the_biên_bản_giao_nhận_has_its_parent_body_and_its_number_line() {
    let doc = kho_documents::official::accession_record(&accession(), "UBND huyện Mường Ảng", &archive(), "Điện Biên");
    let docx = docx_text(&to_docx(&doc).unwrap());
    let pdf = pdf_text(&to_pdf(&doc).unwrap());
    for text in [&docx, &pdf] {
        let parent = text.find("SỞ NỘI VỤ TỈNH ĐIỆN BIÊN").expect("the cơ quan chủ quản");
        let body = text.find("TRUNG TÂM LƯU TRỮ LỊCH SỬ").expect("the body");
        let number = text.find("/BB-TTLTLS").expect("the Số line");
        assert!(parent < body && body < number, "chủ quản, then the body, then its số:\n{text}");
        assert!(text.contains("Số:"), "{text}");
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && text.contains("BIÊN BẢN"), "{text}");
    }
}

#[test]
fn numbers_in_a_paper_are_numbers_in_its_spreadsheet() {
    let doc = kho_documents::official::accession_items(&accession(), "UBND huyện Mường Ảng", &archive(), "Điện Biên");
    let sheets = kho_documents::workbook::read_workbook("danh-muc.xlsx", &to_xlsx(&doc).unwrap()).unwrap();
    let rows = &sheets[0].rows;
    let row_of =
        |name: &str| rows.iter().find(|r| r.iter().any(|c| matches!(c, Cell::Text(t) if t == name))).unwrap_or_else(|| panic!("{name}"));
    let office = row_of("Văn phòng");
    assert_eq!(office[3], Cell::Number(1200.0), "bags: {office:?}");
    assert_eq!(office[4], Cell::Number(1200.0), "metres: {office:?}");
    let finance = row_of("Phòng Tài chính");
    assert_eq!(finance[4], Cell::Number(50.5));
    assert_eq!(finance[5], Cell::Text("01.TCCB".into()), "a note stays as written");
    assert_eq!(row_of("Cộng")[3], Cell::Number(1250.0), "the total sums: {:?}", row_of("Cộng"));
    assert!(matches!(&office[2], Cell::Text(t) if t == "2001–2010"), "dates stay text");
}

fn rows(pages: &[u32]) -> Vec<DocumentRow> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| DocumentRow {
            number_and_notation: format!("{}/UBND", i + 1),
            date: "11/03/2019".into(),
            type_and_subject: "Quyết định: Về việc giao đất ở".into(),
            author: "UBND huyện Mường Ảng".into(),
            pages: *p,
            note: String::new(),
        })
        .collect()
}

fn column(doc: &OfficialDocument, c: usize) -> (String, Vec<String>) {
    let kho_documents::official::Block::Table(t) = &doc.body[0] else { panic!("a table") };
    (t.columns[c].0.clone(), t.rows.iter().map(|r| r[c].clone()).collect())
}

#[test]
fn the_mục_lục_văn_bản_counts_sheets_as_sheets() {
    // 8 pages on 4 sheets: both sides written; each văn bản starts on a new sheet.
    assert_eq!(Sheets::of(Some(4), 8), Sheets::TwoPages);
    let two = document_list("TTLT", "X27.2019.01", "Hồ sơ", Sheets::TwoPages, &rows(&[3, 2, 3]));
    assert_eq!(column(&two, 5), ("Tờ số".into(), vec!["1–2".into(), "3".into(), "4–5".into()]));
    let one = document_list("TTLT", "X27.2019.01", "Hồ sơ", Sheets::of(Some(8), 8), &rows(&[3, 2, 3]));
    assert_eq!(column(&one, 5), ("Tờ số".into(), vec!["1–3".into(), "4–5".into(), "6–8".into()]));
    // Without the số tờ, the column says it counts pages, rather than pass pages off as sheets.
    let unknown = document_list("TTLT", "X27.2019.01", "Hồ sơ", Sheets::of(None, 8), &rows(&[3, 2, 3]));
    assert_eq!(column(&unknown, 5).0, "Trang số");
    // Its dates sit on one line in the PDF.
    let pdf = pdf_text(&to_pdf(&two).unwrap());
    assert_eq!(pdf.matches("11/03/2019").count(), 3, "{pdf}");
}
