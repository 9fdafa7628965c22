//! The mục lục corpus (`tests/corpus/`, made by `make_corpus.py` with fixed seeds): workbooks as
//! districts, communes and hired units make them, each read through Kho's importer and compared
//! with its expected parse in `expected.json`, value by value; the faulty and hostile ones must be
//! refused for the reason they carry, naming sheet, row and column, and nothing else may happen
//! to the process that reads them.

use kho_model::ids::{CodePrefix, FondsCode};
use kho_model::inventory_sheet::{self, ImportedDossier, Prepared};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(corpus().join("expected.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap().as_object().unwrap().clone()
}

fn years() -> BTreeSet<u16> {
    [5, 10, 15, 20, 30, 50, 70].into()
}

fn prepare(file: &str) -> Result<Prepared, kho_documents::ReadError> {
    let bytes = std::fs::read(corpus().join(file)).unwrap();
    let sheets = kho_documents::read_workbook(file, &bytes)?;
    Ok(inventory_sheet::prepare(&sheets, &years(), &CodePrefix::Fonds(FondsCode::parse("P05").unwrap()), None))
}

fn opt_u32(v: &Value) -> Option<u32> {
    v.as_u64().map(|n| n as u32)
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn check_dossier(file: &str, got: &ImportedDossier, want: &Value) {
    let at = format!("{file}, {} dòng {}", got.sheet, got.row);
    assert_eq!(got.row as u64, want["row"].as_u64().unwrap(), "{at}");
    assert_eq!(got.number, opt_u32(&want["number"]), "{at}: hồ sơ số");
    assert_eq!(got.box_number, opt_u32(&want["box"]), "{at}: hộp số");
    assert_eq!(got.notation, opt_str(&want["notation"]), "{at}: số ký hiệu");
    assert_eq!(got.title, want["title"].as_str().unwrap(), "{at}: tiêu đề");
    assert_eq!(got.start.to_string(), want["start"].as_str().unwrap(), "{at}: bắt đầu");
    assert_eq!(got.end.to_string(), want["end"].as_str().unwrap(), "{at}: kết thúc");
    assert_eq!(got.retention_label(), want["retention"].as_str().unwrap(), "{at}: thời hạn");
    assert_eq!(got.sheets, opt_u32(&want["sheets"]), "{at}: số tờ");
    assert_eq!(got.pages, opt_u32(&want["pages"]), "{at}: số trang");
    assert_eq!(got.note, opt_str(&want["note"]), "{at}: ghi chú");
    assert_eq!(got.group, opt_str(&want["group"]), "{at}: nhóm");
}

#[test]
fn every_real_shaped_workbook_imports_with_every_value_as_written() {
    for (file, want) in expected() {
        if want["refused"].as_bool().unwrap_or(false) {
            continue;
        }
        let prepared = prepare(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(prepared.problems.is_empty(), "{file}: {:#?}", prepared.problems);
        let ignored: Vec<&str> = prepared.ignored.iter().map(|i| i.name.as_str()).collect();
        let want_ignored: Vec<&str> =
            want["ignored_sheets"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        assert_eq!(ignored, want_ignored, "{file}: trang bỏ qua");
        let inventories = want["inventories"].as_array().unwrap();
        assert_eq!(prepared.sheets.len(), inventories.len(), "{file}: số trang có bảng");
        for (sheet, inventory) in prepared.sheets.iter().zip(inventories) {
            assert_eq!(sheet.name, inventory["sheet"].as_str().unwrap(), "{file}");
            assert_eq!(sheet.heading.inventory_number, opt_u32(&inventory["number"]), "{file} {}: mục lục số", sheet.name);
            assert_eq!(sheet.heading.fonds, opt_str(&inventory["fonds"]), "{file} {}: phông", sheet.name);
            assert_eq!(sheet.heading.retention, opt_str(&inventory["retention"]), "{file} {}: thời hạn đầu trang", sheet.name);
            let rows: Vec<&ImportedDossier> = prepared.dossiers.iter().filter(|d| d.sheet == sheet.name).collect();
            if let Some(count) = inventory["dossier_count"].as_u64() {
                assert_eq!(rows.len() as u64, count, "{file}");
                let sum: u64 = rows.iter().filter_map(|d| d.sheets).map(u64::from).sum();
                assert_eq!(sum, inventory["sum_sheets"].as_u64().unwrap(), "{file}: tổng số tờ");
                for sample in inventory["sample"].as_array().unwrap() {
                    let row = sample["row"].as_u64().unwrap() as usize;
                    let got = rows.iter().find(|d| d.row == row).unwrap_or_else(|| panic!("{file}: dòng {row}"));
                    check_dossier(&file, got, sample);
                }
            } else {
                let dossiers = inventory["dossiers"].as_array().unwrap();
                assert_eq!(rows.len(), dossiers.len(), "{file} {}: số hồ sơ", sheet.name);
                for (got, want) in rows.iter().zip(dossiers) {
                    check_dossier(&file, got, want);
                }
            }
            if let Some(groups) = inventory["groups"].as_array() {
                let mut seen: Vec<&str> = rows.iter().filter_map(|d| d.group.as_deref()).collect();
                seen.dedup();
                let want: Vec<&str> = groups.iter().filter_map(Value::as_str).collect();
                assert!(seen.iter().all(|g| want.contains(g)), "{file}: nhóm {seen:?} / {want:?}");
            }
            let mut warnings: Vec<(usize, &str)> =
                prepared.warnings.iter().filter(|w| w.file == sheet.name).map(|w| (w.row, w.code)).collect();
            warnings.sort();
            let mut want_warnings: Vec<(usize, &str)> = inventory["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| (w["row"].as_u64().unwrap_or(0) as usize, w["code"].as_str().unwrap()))
                .collect();
            want_warnings.sort();
            assert_eq!(warnings, want_warnings, "{file} {}: cảnh báo", sheet.name);
        }
    }
}

#[test]
fn csv_rows_are_numbered_as_lines() {
    let bytes = std::fs::read(corpus().join("07-csv-windows-1258.csv")).unwrap();
    let sheets = kho_documents::read_workbook("07-csv-windows-1258.csv", &bytes).unwrap();
    let rows: Vec<String> = sheets[0].rows.iter().take(7).map(|r| format!("{:?}", r.first())).collect();
    assert!(rows[5].contains("1"), "{rows:#?}");
}

#[test]
fn a_faulty_workbook_is_refused_whole_naming_every_error() {
    for (file, want) in expected() {
        let Some(problems) = want["problems"].as_array() else { continue };
        let prepared = match prepare(&file) {
            Ok(p) => p,
            Err(e) => panic!("{file}: {e}"),
        };
        assert!(prepared.inventories.is_empty(), "{file}: nothing is to be written");
        let mut got: Vec<(String, usize, String, &str)> = prepared
            .problems
            .iter()
            .map(|p| (p.file.clone(), p.row, p.column.clone().unwrap_or_default().split(' ').next().unwrap().to_string(), p.code))
            .collect();
        got.sort();
        let mut expected: Vec<(String, usize, String, &str)> = problems
            .iter()
            .map(|p| {
                (
                    p["sheet"].as_str().unwrap().to_string(),
                    p["row"].as_u64().unwrap() as usize,
                    p["column"].as_str().unwrap_or_default().to_string(),
                    p["code"].as_str().unwrap(),
                )
            })
            .collect();
        expected.sort();
        assert_eq!(got, expected, "{file}");
        for p in &prepared.problems {
            assert!(!p.message.is_empty() && !p.message.contains("Error"), "{file}: {p}");
        }
    }
}

#[test]
fn hostile_files_are_refused_for_their_real_reason() {
    for (file, want) in expected() {
        let Some(code) = want["code"].as_str().filter(|_| want.get("problems").is_none()) else { continue };
        match prepare(&file) {
            Err(e) => {
                assert_eq!(e.code(), code, "{file}: {e}");
                let message = e.to_string();
                assert!(message.contains(want["message_contains"].as_str().unwrap()), "{file}: {message}");
                assert!(message.chars().any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ".contains(c)), "{file}: {message}");
            }
            Ok(prepared) => panic!("{file}: accepted with {} hồ sơ and problems {:?}", prepared.dossiers.len(), prepared.problems),
        }
    }
}
