//! Workbooks built the ways contractors build them, read back through Kho's importer.

use kho_documents::{ReadError, read_workbook, write_inventory_xlsx};
use kho_model::inventory_sheet::{self, Cell};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::collections::BTreeSet;

fn years() -> BTreeSet<u16> {
    [5, 10, 20, 30, 50, 70].into()
}

/// Title rows, a merged two-row header, the column-number row, Roman groups, an Excel date cell,
/// non-breaking and doubled spaces, a totals row — and a second sheet continuing the mục lục.
fn contractor_workbook(with_formula: bool) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let merged = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("MLHS 1").unwrap();
    sheet.merge_range(0, 0, 0, 8, "MỤC LỤC HỒ SƠ", &merged).unwrap();
    sheet.write_string(1, 0, "Phông: UBND huyện Mường Ảng").unwrap();
    sheet.write_string(2, 0, "Mục lục số: 02").unwrap();
    for (c, h) in ["Số TT", "Hộp số", "Hồ sơ số", "Tiêu đề hồ sơ"].iter().enumerate() {
        sheet.merge_range(4, c as u16, 5, c as u16, h, &merged).unwrap();
    }
    sheet.merge_range(4, 4, 4, 5, "Thời gian", &merged).unwrap();
    sheet.write_string(5, 4, "Bắt đầu").unwrap();
    sheet.write_string(5, 5, "Kết thúc").unwrap();
    sheet.merge_range(4, 6, 5, 6, "Thời hạn bảo quản", &merged).unwrap();
    sheet.merge_range(4, 7, 5, 7, "Số tờ", &merged).unwrap();
    sheet.merge_range(4, 8, 5, 8, "Ghi chú", &merged).unwrap();
    for c in 0..9u16 {
        sheet.write_number(6, c, f64::from(c + 1)).unwrap();
    }
    sheet.write_string(7, 0, "I. TỔ CHỨC, CÁN BỘ").unwrap();
    sheet.write_number(8, 0, 1.0).unwrap();
    sheet.write_number(8, 1, 1.0).unwrap();
    sheet.write_number(8, 2, 1.0).unwrap();
    sheet.write_string(8, 3, "Tập quyết định\u{a0}về  nâng lương năm 2015").unwrap();
    sheet.write_datetime_with_format(8, 4, ExcelDateTime::from_ymd(2015, 1, 5).unwrap(), &date).unwrap();
    sheet.write_datetime_with_format(8, 5, ExcelDateTime::from_ymd(2015, 12, 31).unwrap(), &date).unwrap();
    sheet.write_string(8, 6, "Vĩnh viễn").unwrap();
    sheet.write_number(8, 7, 96.0).unwrap();
    sheet.write_string(9, 0, "II. ĐẤT ĐAI").unwrap();
    sheet.write_number(10, 0, 2.0).unwrap();
    sheet.write_number(10, 1, 1.0).unwrap();
    sheet.write_number(10, 2, 2.0).unwrap();
    sheet.write_string(10, 3, "Hồ sơ giao đất tại thị trấn Mường Ảng").unwrap();
    sheet.write_string(10, 4, "3/2016").unwrap();
    sheet.write_string(10, 5, "12/2016").unwrap();
    sheet.write_string(10, 6, "20 năm").unwrap();
    if with_formula {
        sheet.write_formula(10, 7, Formula::new("=H9*2")).unwrap();
    } else {
        sheet.write_string(10, 7, "45").unwrap();
    }
    sheet.write_string(11, 3, "Tổng cộng").unwrap();
    let second = workbook.add_worksheet();
    second.set_name("MLHS 2").unwrap();
    for (c, h) in ["STT", "Hồ sơ số", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn", "Số tờ"].iter().enumerate() {
        second.write_string(0, c as u16, *h).unwrap();
    }
    second.write_number(1, 0, 3.0).unwrap();
    second.write_number(1, 1, 3.0).unwrap();
    second.write_string(1, 2, "Báo cáo quyết toán ngân sách năm 2019").unwrap();
    second.write_string(1, 3, "01/01/2019 - 31/12/2019").unwrap();
    second.write_string(1, 4, "VV").unwrap();
    second.write_number(1, 5, 58.0).unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_contractors_xlsx_is_read_across_sheets() {
    let sheets = read_workbook("muc-luc.xlsx", &contractor_workbook(false)).unwrap();
    assert_eq!(sheets.len(), 2);
    let report = inventory_sheet::read(&sheets, &years());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.heading.inventory_number, Some(2));
    let titles: Vec<&str> = report.dossiers.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Tập quyết định về nâng lương năm 2015", "Hồ sơ giao đất tại thị trấn Mường Ảng", "Báo cáo quyết toán ngân sách năm 2019"]
    );
    assert_eq!(report.dossiers[0].start.to_string(), "05/01/2015", "an Excel date cell");
    assert_eq!(report.dossiers[0].group.as_deref(), Some("I. TỔ CHỨC, CÁN BỘ"));
    assert_eq!(report.dossiers[1].box_number, Some(1));
    assert_eq!(report.dossiers[2].sheet, "MLHS 2");
}

#[test]
fn a_formula_cell_is_refused_with_its_place() {
    let sheets = read_workbook("muc-luc.xlsx", &contractor_workbook(true)).unwrap();
    assert!(matches!(sheets[0].rows[10][7], Cell::Formula(_)));
    let report = inventory_sheet::read(&sheets, &years());
    let problem = report.problems.iter().find(|p| p.code == "formula").expect("the formula is refused");
    assert_eq!((problem.file.as_str(), problem.row, problem.column.as_deref()), ("MLHS 1", 11, Some("H")));
}

/// Windows-1258 spells tones as combining marks after a precomposed base (ê, ơ, ư …): the form a
/// Vietnamese Windows program writes.
fn windows_1258_form(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::new();
    for c in text.chars() {
        let decomposed: Vec<char> = c.to_string().nfd().collect();
        let tone = decomposed.iter().find(|d| TONES.contains(d)).copied();
        let base: String = decomposed.iter().filter(|d| !TONES.contains(d)).collect::<String>().nfc().collect();
        out.push_str(&base);
        if let Some(t) = tone {
            out.push(t);
        }
    }
    out
}

#[test]
fn csv_in_utf8_with_bom_and_in_windows_1258_reads_the_same() {
    let text = "STT;Hồ sơ số;Tiêu đề hồ sơ;Thời gian;Thời hạn bảo quản;Số tờ\n1;1;Sổ đăng ký khai sinh;2016;Vĩnh viễn;200\n";
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let legacy_form = windows_1258_form(text);
    let (windows, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&legacy_form);
    assert!(!unmappable);
    for bytes in [text.as_bytes().to_vec(), bom, windows.into_owned()] {
        let sheets = read_workbook("muc-luc.csv", &bytes).unwrap();
        let report = inventory_sheet::read(&sheets, &years());
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.dossiers[0].title, "Sổ đăng ký khai sinh");
    }
}

#[test]
fn what_is_not_a_workbook_is_refused_by_name() {
    assert!(matches!(read_workbook("anh.pdf", b"%PDF-1.4"), Err(ReadError::NotAWorkbook(_))));
    let error = read_workbook("muc-luc.xlsx", b"PK\x03\x04 not really a zip").unwrap_err();
    assert!(matches!(error, ReadError::Damaged(..)));
    assert!(error.to_string().contains("muc-luc.xlsx"));
}

#[test]
fn an_exported_mục_lục_imports_back_to_the_same_records() {
    let sheets = read_workbook("muc-luc.xlsx", &contractor_workbook(false)).unwrap();
    let original = inventory_sheet::read(&sheets, &years());
    let exported = write_inventory_xlsx("UBND huyện Mường Ảng", 2, &original.dossiers).unwrap();
    let again = inventory_sheet::read(&read_workbook("xuat.xlsx", &exported).unwrap(), &years());
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    let strip = |d: &kho_model::inventory_sheet::ImportedDossier| {
        (d.ordinal, d.box_number, d.number, d.title.clone(), d.start, d.end, d.maintenance, d.sheets, d.group.clone())
    };
    let sorted = |ds: &[kho_model::inventory_sheet::ImportedDossier]| {
        let mut v: Vec<_> = ds.iter().map(strip).collect();
        v.sort_by_key(|d| d.2);
        v
    };
    assert_eq!(sorted(&again.dossiers), sorted(&original.dossiers));
    assert_eq!(again.heading.inventory_number, Some(2));
}

#[test]
fn cells_typed_in_tcvn3_or_vni_become_unicode() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["STT", "Tiêu đề hồ sơ", "Thời gian", "Thời hạn bảo quản", "Số tờ"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // .VnTime (TCVN3) and VNI-Times text, as the bytes of the old fonts read in Latin-1.
    let rows = [
        ("B¸o c¸o quyÕt to¸n ng©n s¸ch n¨m 2019", "Báo cáo quyết toán ngân sách năm 2019"),
        ("Baùo caùo toång keát coâng taùc naêm 2018", "Báo cáo tổng kết công tác năm 2018"),
    ];
    for (r, (legacy, _)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_number(r, 0, f64::from(r)).unwrap();
        sheet.write_string(r, 1, *legacy).unwrap();
        sheet.write_string(r, 2, "2019").unwrap();
        sheet.write_string(r, 3, "10").unwrap();
        sheet.write_number(r, 4, 12.0).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let report = inventory_sheet::read(&read_workbook("cu.xlsx", &bytes).unwrap(), &years());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let titles: Vec<&str> = report.dossiers.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, rows.iter().map(|(_, unicode)| *unicode).collect::<Vec<_>>());
    // Real Unicode Vietnamese and plain text pass untouched.
    assert_eq!(kho_documents::legacy::to_unicode("Sổ đăng ký khai sinh"), "Sổ đăng ký khai sinh");
    assert_eq!(kho_documents::legacy::to_unicode("Café crème"), "Café crème");
}

#[test]
fn an_official_paper_as_xlsx_keeps_its_table_and_runs_no_formula() {
    use kho_documents::official::{Block, OfficialDocument, Paragraph, Signature, Table, to_xlsx};
    let hostile = ["=HYPERLINK(\"http://x.invalid\",\"bấm\")", "+1+1", "-2+3", "@SUM(A1)"];
    let doc = OfficialDocument {
        issuer: vec!["UBND XÃ MƯỜNG ẢNG".into()],
        number: None,
        national_heading: true,
        place_and_date: None,
        title: "DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ".into(),
        subtitle: Some("Phông UBND xã Mường Ảng".into()),
        body: vec![
            Paragraph::plain("Tổng số: 4 hồ sơ.").into(),
            Block::Table(Table {
                numeric: vec![],
                columns: vec![("STT".into(), 0.5), ("Tiêu đề hồ sơ".into(), 3.0)],
                rows: hostile.iter().enumerate().map(|(i, t)| vec![(i + 1).to_string(), t.to_string()]).collect(),
            }),
        ],
        signatures: vec![Signature { capacity: "NGƯỜI LẬP".into(), name: "Lò Thị Hoa".into() }],
    };
    let bytes = to_xlsx(&doc).unwrap();
    let sheets = read_workbook("danh-muc.xlsx", &bytes).unwrap();
    assert_eq!(sheets.len(), 1);
    let cells: Vec<&Cell> = sheets[0].rows.iter().flatten().collect();
    assert!(!cells.iter().any(|c| matches!(c, Cell::Formula(_))), "no cell is a formula");
    let texts: Vec<String> = cells.iter().filter_map(|c| if let Cell::Text(t) = c { Some(t.clone()) } else { None }).collect();
    for expected in hostile.iter().copied().chain([
        "DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Tiêu đề hồ sơ",
        "Lò Thị Hoa",
    ]) {
        assert!(texts.iter().any(|t| t == expected), "{expected} kept as text: {texts:?}");
    }
}

/// Excel 97-2003 files (BIFF8) as contractors still save them; made by `fixtures/make_xls.py`.
#[test]
fn a_contractors_xls_from_excel_2003_is_read_like_its_xlsx() {
    let bytes = include_bytes!("fixtures/muc-luc-2003.xls");
    let sheets = read_workbook("muc-luc-2003.xls", bytes).unwrap();
    assert_eq!(sheets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["MLHS 1", "MLHS 2"]);
    let report = inventory_sheet::read(&sheets, &years());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.heading.inventory_number, Some(3));
    let titles: Vec<&str> = report.dossiers.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Tập quyết định về nâng lương năm 2003", "Hồ sơ giao đất tại xã Quài Cang", "Báo cáo quyết toán ngân sách năm 2005"],
        "spaces cleaned, TCVN3 converted"
    );
    assert_eq!((report.dossiers[0].start.to_string(), report.dossiers[0].end.to_string()), ("06/01/2003".into(), "30/12/2003".into()));
    assert_eq!(report.dossiers[0].group.as_deref(), Some("I. TỔ CHỨC, CÁN BỘ"));
    assert_eq!(report.dossiers[1].start.to_string(), "03/2004");
    assert_eq!(report.dossiers[1].sheets, Some(45));
    assert_eq!(report.dossiers[2].sheet, "MLHS 2");

    let with_formula = read_workbook("muc-luc-2003-cong-thuc.xls", include_bytes!("fixtures/muc-luc-2003-cong-thuc.xls")).unwrap();
    let report = inventory_sheet::read(&with_formula, &years());
    let problem = report.problems.iter().find(|p| p.code == "formula").expect("the formula is refused");
    assert_eq!((problem.file.as_str(), problem.row, problem.column.as_deref()), ("MLHS 1", 11, Some("H")));
}
