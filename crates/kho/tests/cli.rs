//! The `kho` command as an operator runs it: plan import (good, bad, dry run), init, help.

use kho_store::test_support::catalogues;
use std::path::Path;
use std::process::Command;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/dien-bien");

/// The audit key of a test catalogue: one per database, outside the source tree.
fn audit_key(database_url: &str) -> std::path::PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    database_url.hash(&mut hasher);
    std::env::temp_dir().join(format!("kho-cli-audit-{:x}", hasher.finish())).join("audit.key")
}

fn kho(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kho"))
        .args(args)
        .env("KHO_DATABASE_URL", database_url)
        .env("KHO_AUDIT_KEY_FILE", audit_key(database_url))
        .env("KHO_LOG", "warn")
        .output()
        .unwrap()
}

fn copy_plan(to: &Path) {
    for name in ["ke-hoach.csv", "districts.csv", "communes.csv", "tasks.csv"] {
        std::fs::copy(Path::new(DEMO).join(name), to.join(name)).unwrap();
    }
}

#[tokio::test]
async fn plan_import_loads_the_demo_plan_and_warns_of_the_discrepancy() {
    for catalogue in catalogues().await {
        let out = kho(&catalogue.url, &["plan", "import", DEMO]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}: {stdout} {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("45 xã, phường (4.689 m, trong đó 2,5 m mật)"), "{stdout}");
        assert!(stdout.contains("Phụ lục II ghi 4.808 m, nhưng cộng các dòng được 4.689 m"), "{stdout}");
        let plan = catalogue.store.plan().await.unwrap().expect("imported");
        assert_eq!(plan.plan.communes.len(), 45);
    }
}

#[tokio::test]
async fn a_bad_plan_is_refused_with_file_row_and_column_and_nothing_is_imported() {
    for catalogue in catalogues().await {
        let dir = tempfile::tempdir().unwrap();
        copy_plan(dir.path());
        let communes = std::fs::read_to_string(dir.path().join("communes.csv")).unwrap();
        let broken =
            communes.replace("Xã Nà Tấu,xa,0,132", "Xã Nà Tấu,xa,0,một trăm").replace("2,Phường Mường Thanh", "2,Phường Điện Biên Phủ");
        std::fs::write(dir.path().join("communes.csv"), broken).unwrap();
        let tasks = std::fs::read_to_string(dir.path().join("tasks.csv")).unwrap();
        std::fs::write(dir.path().join("tasks.csv"), tasks.replacen("chu_tri,", "", 1)).unwrap();
        let out = kho(&catalogue.url, &["plan", "import", dir.path().to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", catalogue.label);
        assert!(stderr.contains("communes.csv, dòng 9, cột met_gia: “một trăm” không phải số mét giá"), "{stderr}");
        assert!(stderr.contains("communes.csv, dòng 3, cột ten_don_vi: đơn vị “Phường Điện Biên Phủ” xuất hiện hai lần"), "{stderr}");
        assert!(stderr.contains("tasks.csv, dòng 1, cột chu_tri: thiếu cột “chu_tri”"), "{stderr}");
        assert!(stderr.contains("không nạp gì"));
        assert!(catalogue.store.plan().await.unwrap().is_none(), "nothing imported");
        assert!(catalogue.store.units().await.unwrap().is_empty());
    }
}

#[test]
fn a_missing_file_or_non_utf8_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    copy_plan(dir.path());
    std::fs::remove_file(dir.path().join("tasks.csv")).unwrap();
    std::fs::write(dir.path().join("districts.csv"), b"stt,ten_don_vi\n1,Huy\xe1n\n").unwrap();
    let out = kho("sqlite::memory:", &["plan", "import", "--dry-run", dir.path().to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("không có tệp tasks.csv"), "{stderr}");
    assert!(stderr.contains("districts.csv: tệp không phải văn bản UTF-8"), "{stderr}");
}

#[test]
fn help_explains_each_command_in_vietnamese() {
    let out = Command::new(env!("CARGO_BIN_EXE_kho")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for expected in ["serve", "init", "plan", "Chạy máy chủ web"] {
        assert!(help.contains(expected), "{help}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kho")).args(["plan", "import", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("không nạp gì"));
}

#[test]
fn init_creates_the_embedded_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kho"))
        .args(["init", "--data-dir"])
        .arg(dir.path())
        .env_remove("KHO_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("kho.db").exists());
}

fn kho_with_stdin(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kho"))
        .args(args)
        .env("KHO_DATABASE_URL", database_url)
        .env("KHO_AUDIT_KEY_FILE", audit_key(database_url))
        .env("KHO_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn the_first_administrator_is_made_at_the_console_and_tokens_are_issued_and_revoked() {
    for catalogue in catalogues().await {
        let url = catalogue.url.as_str();
        let short = kho_with_stdin(url, &["user", "add", "quantri", "--admin"], "ngan\n");
        assert!(!short.status.success(), "{}", catalogue.label);
        assert!(String::from_utf8_lossy(&short.stderr).contains("ít nhất 10 ký tự"));
        let out = kho_with_stdin(url, &["user", "add", "quantri", "--admin", "--full-name", "Quản trị viên"], "mot-mat-khau-dai\n");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let user = catalogue.store.user_by_name("quantri").await.unwrap().unwrap();
        assert_eq!(user.role, kho_model::access::Role::Admin);
        assert!(kho_web::auth::verify_password(&user.password_hash, "mot-mat-khau-dai"));
        assert!(!user.password_hash.contains("mot-mat-khau-dai"), "stored hashed");

        let out = kho(url, &["token", "create", "--user", "quantri", "--name", "máy quét"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(token.starts_with("kho_") && token.len() == 68, "{token}");
        assert_eq!(catalogue.store.token_user(&kho_web::auth::sha256_hex(&token)).await.unwrap(), Some(user.id));
        let id = catalogue.store.list_tokens().await.unwrap()[0].id.to_string();
        assert!(kho(url, &["token", "revoke", &id]).status.success());
        assert_eq!(catalogue.store.token_user(&kho_web::auth::sha256_hex(&token)).await.unwrap(), None);
        assert!(!kho(url, &["token", "revoke", &id]).status.success(), "revoking twice is refused");
    }
}

#[tokio::test]
async fn audit_verify_names_the_row_edited_in_the_database() {
    for catalogue in catalogues().await {
        let url = catalogue.url.as_str();
        assert!(kho(url, &["plan", "import", DEMO]).status.success());
        assert!(kho_with_stdin(url, &["user", "add", "ltv", "--full-name", "Lưu trữ viên"], "mot-mat-khau-dai\n").status.success());
        let out = kho(url, &["audit", "verify"]);
        assert!(out.status.success(), "{}: {}", catalogue.label, String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Nhật ký nguyên vẹn"));
        catalogue.tamper("UPDATE audit_log SET actor_name = 'nguoi-khac' WHERE seq = 2").await;
        let out = kho(url, &["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success());
        assert!(stdout.contains("bản ghi số 2"), "{stdout}");
    }
}

/// A checkpoint makes a trail cut short show: the last entries deleted, `kho audit verify` says
/// how long the trail was.
#[tokio::test]
async fn audit_verify_finds_a_trail_cut_short_after_a_checkpoint() {
    for catalogue in catalogues().await {
        let url = catalogue.url.as_str();
        assert!(kho(url, &["plan", "import", DEMO]).status.success());
        assert!(kho_with_stdin(url, &["user", "add", "ltv"], "mot-mat-khau-dai\n").status.success());
        let out = kho(url, &["audit", "checkpoint"]);
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("Đã ghi điểm kiểm tra"), "{out:?}");
        // When, as every page says it: Vietnam time, DD/MM/YYYY HH:MM.
        let when = said.rsplit_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(at, _)| at.to_string()).unwrap_or_default();
        assert!(when.len() == 16 && &when[2..3] == "/" && &when[5..6] == "/" && &when[13..14] == ":", "{said}");
        assert!(kho(url, &["audit", "verify"]).status.success(), "{}", catalogue.label);
        catalogue.tamper("DELETE FROM audit_log WHERE seq >= 2").await;
        catalogue.tamper("DELETE FROM audit_checkpoints").await;
        let out = kho(url, &["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{}: {stdout}", catalogue.label);
        assert!(stdout.contains("bị cắt"), "{}: the file beside the key remembers: {stdout}", catalogue.label);
    }
}

async fn fonds_and_clerk(catalogue: &kho_store::test_support::TestCatalogue) {
    let store = &catalogue.store;
    assert!(kho(&catalogue.url, &["plan", "import", DEMO]).status.success());
    let unit = store.units().await.unwrap().into_iter().find(|u| u.name == "Huyện Mường Ảng").unwrap();
    let fonds = kho_model::record::FondsInput {
        code: "P05".into(),
        name: "UBND huyện Mường Ảng".into(),
        unit_id: unit.id.to_string(),
        status: "02".into(),
        ..Default::default()
    };
    store.create_fonds(&fonds.parse().unwrap()).await.unwrap();
    assert!(kho_with_stdin(&catalogue.url, &["user", "add", "ltv", "--unit", "Huyện Mường Ảng"], "mot-mat-khau-dai\n").status.success());
}

const MUC_LUC: &str = "MỤC LỤC HỒ SƠ\nMục lục số: 3\n\nSố TT;Hộp số;Hồ sơ số;Tiêu đề hồ sơ;Thời gian;Thời hạn bảo quản;Số tờ;Ghi chú\nI. VĂN PHÒNG\n1;1;1;Tập quyết định về tổ chức năm 2015;01/01/2015 - 31/12/2015;Vĩnh viễn;96;\n2;1;2;Sổ đăng ký khai sinh;2016;VV;200;Rách bìa\nII. ĐẤT ĐAI\n3;2;3;Hồ sơ giao đất;3/2016-12/2016;20 năm;45;\nTổng cộng;;;;;;341;\n";

#[tokio::test]
async fn a_mục_lục_is_imported_from_a_spreadsheet_after_a_dry_run() {
    for catalogue in catalogues().await {
        fonds_and_clerk(&catalogue).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("muc-luc.csv");
        std::fs::write(&file, MUC_LUC).unwrap();
        let path = file.to_str().unwrap();

        let out = kho(&catalogue.url, &["import", "mucluc", path, "--fonds", "P05", "--dry-run", "--json"]);
        assert!(out.status.success(), "{}: {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["dossiers"].as_array().unwrap().len(), 3);
        assert_eq!(report["heading"]["inventoryNumber"], 3);
        assert_eq!(report["dossiers"][2]["group"], "II. ĐẤT ĐAI");
        assert!(report["problems"].as_array().unwrap().is_empty());

        let refused = kho(&catalogue.url, &["import", "mucluc", path, "--fonds", "P05"]);
        assert!(!refused.status.success(), "a real import needs --as");

        let out = kho(&catalogue.url, &["import", "mucluc", path, "--fonds", "P05", "--as", "ltv"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let all = kho_model::access::Visibility::everything();
        let fonds = catalogue.store.fonds_by_code("P05").await.unwrap();
        let inventories = catalogue.store.list_inventories(&all, fonds.id).await.unwrap();
        assert_eq!(inventories[0].fields.number, 3);
        let page = catalogue
            .store
            .list_dossiers(&kho_store::ListDossiers {
                visibility: all.clone(),
                inventory_id: Some(inventories[0].id),
                fonds_id: None,
                query: None,
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 10,
            })
            .await
            .unwrap();
        let codes: Vec<String> = page.items.iter().map(|d| d.fields.file_code.to_string()).collect();
        assert_eq!(codes, vec!["P05.2015.1.3", "P05.2016.2.3", "P05.2016.3.3"]);
        assert_eq!(page.items[1].number, Some(2));
        assert!(page.items[2].box_id.is_some());

        // The same file again: every hồ sơ collides; nothing more is written.
        let again = kho(&catalogue.url, &["import", "mucluc", path, "--fonds", "P05", "--as", "ltv"]);
        assert!(!again.status.success());
        assert_eq!(
            catalogue
                .store
                .list_dossiers(&kho_store::ListDossiers {
                    visibility: all,
                    inventory_id: None,
                    fonds_id: None,
                    query: None,
                    undisposed: false,
                    seek: kho_store::Seek::First,
                    limit: 0
                })
                .await
                .unwrap()
                .total,
            3
        );
    }
}

#[tokio::test]
async fn a_bad_mục_lục_is_refused_whole_with_sheet_row_and_column() {
    for catalogue in catalogues().await {
        fonds_and_clerk(&catalogue).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sai.csv");
        let bad = MUC_LUC
            .replace("2;1;2;Sổ đăng ký khai sinh;2016;VV;200", "2;1;1;Sổ đăng ký khai sinh;2016;VV;-3")
            .replace("3;2;3;Hồ sơ giao đất;3/2016-12/2016;20 năm", "3;2;3;;2017 - 2016;mãi mãi");
        std::fs::write(&file, bad).unwrap();
        let out = kho(&catalogue.url, &["import", "mucluc", file.to_str().unwrap(), "--fonds", "P05", "--as", "ltv", "--json"]);
        assert!(!out.status.success(), "{}", catalogue.label);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let problems = report["problems"].as_array().unwrap();
        let found: Vec<(i64, &str)> = problems.iter().map(|p| (p["row"].as_i64().unwrap(), p["code"].as_str().unwrap())).collect();
        assert!(found.contains(&(7, "not_a_number")), "{found:?}");
        assert!(found.contains(&(9, "required")), "{found:?}");
        assert!(problems.iter().all(|p| p["file"] == "sai.csv"));
        assert!(
            catalogue
                .store
                .list_inventories(&kho_model::access::Visibility::everything(), catalogue.store.fonds_by_code("P05").await.unwrap().id)
                .await
                .unwrap()
                .is_empty(),
            "nothing imported"
        );

        std::fs::write(dir.path().join("anh.pdf"), b"%PDF-1.4").unwrap();
        let out = kho(&catalogue.url, &["import", "mucluc", dir.path().join("anh.pdf").to_str().unwrap(), "--fonds", "P05", "--dry-run"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("không phải bảng tính"));
    }
}

/// The mục lục corpus through the command line: every real-shaped workbook imports for real, each
/// into a fonds of its own (several mục lục of one workbook into their own numbers), the faulty one
/// is refused with its errors and the hostile ones for their reason, and the process always ends
/// with an answer, never an abort.
#[tokio::test]
async fn the_corpus_of_real_workbooks_imports_from_the_command_line() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../documents/tests/corpus");
    let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(corpus.join("expected.json")).unwrap()).unwrap();
    for catalogue in catalogues().await {
        fonds_and_clerk(&catalogue).await;
        let all = kho_model::access::Visibility::everything();
        let unit = catalogue.store.units().await.unwrap().into_iter().find(|u| u.name == "Huyện Mường Ảng").unwrap();
        for (i, (file, want)) in expected.as_object().unwrap().iter().enumerate() {
            let path = corpus.join(file);
            let path = path.to_str().unwrap();
            let code = format!("P{}", 60 + i);
            let fonds = kho_model::record::FondsInput {
                code: code.clone(),
                name: format!("Phông {code}"),
                unit_id: unit.id.to_string(),
                status: "02".into(),
                ..Default::default()
            };
            let fonds = catalogue.store.create_fonds(&fonds.parse().unwrap()).await.unwrap();
            let out = kho(&catalogue.url, &["import", "mucluc", path, "--fonds", &code, "--as", "ltv", "--json"]);
            let filter = kho_store::ListDossiers {
                visibility: all.clone(),
                inventory_id: None,
                fonds_id: Some(fonds),
                query: None,
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 0,
            };
            let stored = catalogue.store.list_dossiers(&filter).await.unwrap().total as usize;
            if want["refused"].as_bool().unwrap_or(false) {
                assert_eq!(out.status.code(), Some(1), "{}: {file} is refused with an answer: {out:?}", catalogue.label);
                let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{file}: {out:?}"));
                let codes: Vec<&str> = report["problems"].as_array().unwrap().iter().filter_map(|p| p["code"].as_str()).collect();
                let reason = want["code"].as_str().or_else(|| want["problems"][0]["code"].as_str()).unwrap();
                assert!(codes.contains(&reason), "{}: {file}: {codes:?}", catalogue.label);
                assert_eq!(stored, 0, "{}: nothing of {file} is stored", catalogue.label);
                continue;
            }
            assert!(out.status.success(), "{}: {file}: {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
            let count: usize = want["inventories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["dossier_count"].as_u64().map(|n| n as usize).unwrap_or_else(|| i["dossiers"].as_array().unwrap().len()))
                .sum();
            assert_eq!(stored, count, "{}: {file}", catalogue.label);
            let numbers: Vec<u32> = catalogue.store.list_inventories(&all, fonds).await.unwrap().iter().map(|i| i.fields.number).collect();
            let stated: std::collections::BTreeSet<u32> =
                want["inventories"].as_array().unwrap().iter().map(|i| i["number"].as_u64().unwrap_or(1) as u32).collect();
            assert_eq!(numbers, stated.into_iter().collect::<Vec<_>>(), "{}: {file}", catalogue.label);
        }
    }
}

/// The console is the root of trust: the first Tuyệt mật is granted there, audited.
#[tokio::test]
async fn the_console_grants_a_clearance_and_resets_a_password() {
    for catalogue in catalogues().await {
        assert!(kho(&catalogue.url, &["plan", "import", DEMO]).status.success());
        assert!(kho_with_stdin(&catalogue.url, &["user", "add", "lanhdao", "--role", "lanh_dao"], "mot-mat-khau-dai\n").status.success());
        let out = kho(&catalogue.url, &["user", "clearance", "lanhdao", "03"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let user = catalogue.store.user_by_name("lanhdao").await.unwrap().unwrap();
        assert_eq!(user.clearance, kho_model::Classification::TopSecret, "{}", catalogue.label);
        assert!(!kho(&catalogue.url, &["user", "clearance", "lanhdao", "09"]).status.success());
        let out = kho_with_stdin(&catalogue.url, &["user", "password", "lanhdao"], "mot-mat-khau-moi-dai\n");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let filter = kho_store::AuditFilter { action: Some("user.clearance_grant".into()), limit: 10, ..Default::default() };
        let (count, rows) = catalogue.store.list_audit(&filter).await.unwrap();
        assert_eq!(count, 1);
        assert!(rows[0].detail.as_deref().unwrap_or_default().contains("00 → 03"));
    }
}

/// The enclave starts only with its key named and kept outside the data folder it protects, and
/// says it is running only once every check has passed.
#[test]
fn the_enclave_starts_only_with_a_key_kept_outside_its_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("du-lieu");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kho"))
            .args(["--data-dir", data.to_str().unwrap()])
            .args(args)
            .env_remove("KHO_DATABASE_URL")
            .env_remove("KHO_KEY_FILE")
            .env("KHO_LOG", "warn")
            .output()
            .unwrap()
    };
    let serve = ["serve", "--enclave", "--listen", "127.0.0.1:0", "--workers", "0"];
    let out = run(&serve);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success());
    assert!(stderr.contains("--key-file") && !stderr.contains("đang chạy"), "{stderr}");

    let inside = data.join("keys").join("content.key");
    assert!(run(&["key", "init", "--key-file", inside.to_str().unwrap()]).status.success());
    let out = run(&[&serve[..], &["--key-file", inside.to_str().unwrap()]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success());
    assert!(stderr.contains("nằm trong thư mục dữ liệu") && !stderr.contains("đang chạy"), "{stderr}");

    let missing = dir.path().join("khoa").join("content.key");
    let out = run(&[&serve[..], &["--key-file", missing.to_str().unwrap()]].concat());
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("kho key init"), "{out:?}");
}

/// `kho report annual`: refused before the plan is loaded, then Sở Nội vụ's report to the UBND
/// tỉnh and a commune's report to Sở Nội vụ written as DOCX and PDF; an unknown unit or format is
/// refused in words and writes nothing.
#[tokio::test]
async fn the_annual_report_is_made_from_the_command_line() {
    for catalogue in catalogues().await {
        let label = catalogue.label;
        let dir = tempfile::tempdir().unwrap();
        let out_file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
        let said = |out: &std::process::Output| format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let out = kho(&catalogue.url, &["report", "annual", "--year", "2026", "-o", &out_file("a.docx")]);
        assert!(!out.status.success() && said(&out).contains("chưa nạp kế hoạch"), "{label}: {}", said(&out));
        assert!(kho(&catalogue.url, &["plan", "import", DEMO]).status.success());
        let out = kho(&catalogue.url, &["report", "annual", "--year", "2026", "-o", &out_file("tinh.docx")]);
        assert!(out.status.success() && said(&out).contains("55 đơn vị"), "{label}: {}", said(&out));
        let docx = std::fs::read(out_file("tinh.docx")).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains("SỞ NỘI VỤ") && xml.contains("Kính gửi: Ủy ban nhân dân tỉnh Điện Biên."), "{label}");
        let out = kho(
            &catalogue.url,
            &["report", "annual", "--year", "2026", "--unit", "Xã Mường Ảng", "--format", "pdf", "-o", &out_file("xa.pdf")],
        );
        assert!(out.status.success() && said(&out).contains("1 đơn vị"), "{label}: {}", said(&out));
        assert!(std::fs::read(out_file("xa.pdf")).unwrap().starts_with(b"%PDF"), "{label}");
        let out = kho(&catalogue.url, &["report", "annual", "--year", "2026", "--unit", "Xã Không Có", "-o", &out_file("x.docx")]);
        assert!(!out.status.success() && said(&out).contains("không có đơn vị “Xã Không Có”"), "{label}: {}", said(&out));
        let out = kho(&catalogue.url, &["report", "annual", "--year", "2026", "--format", "odt", "-o", &out_file("x.docx")]);
        assert!(!out.status.success() && said(&out).contains("docx hoặc pdf"), "{label}: {}", said(&out));
        assert!(!dir.path().join("x.docx").exists(), "{label}");
    }
}

/// `kho search reindex` fills a search index from the catalogue, and a plan's norms load from the
/// CSV Kinh phí gives, refused whole when a line is wrong.
#[tokio::test]
async fn search_reindex_and_norms_load_from_the_command_line() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        store
            .import_plan(
                &kho_model::plan::Plan::parse(&kho_model::plan::PlanFiles {
                    meta: include_str!("../../../demo/dien-bien/ke-hoach.csv"),
                    districts: include_str!("../../../demo/dien-bien/districts.csv"),
                    communes: include_str!("../../../demo/dien-bien/communes.csv"),
                    tasks: include_str!("../../../demo/dien-bien/tasks.csv"),
                })
                .unwrap(),
            )
            .await
            .unwrap();
        let unit = store.units().await.unwrap().into_iter().find(|u| u.name == "Xã Mường Ảng").unwrap().id;
        kho_store::test_support::fonds_with_dossiers(
            store,
            unit,
            "X27",
            &[("01", "Hồ sơ giao đất ở", "01", "1"), ("02", "Sổ hộ tịch", "01", "1")],
        )
        .await;
        let dir = tempfile::tempdir().unwrap();
        let search_dir = dir.path().join("search");
        let out = kho(&catalogue.url, &["search", "reindex", "--search-dir", search_dir.to_str().unwrap()]);
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{}: {said}", catalogue.label);
        assert!(said.contains("Đã dựng chỉ mục tra cứu: 2 mục"), "{}: {said}", catalogue.label);
        let index = kho_search::SearchIndex::open(&search_dir).unwrap();
        assert_eq!(index.read_up_to(), Some(store.search_change_head().await.unwrap()), "{}", catalogue.label);

        // While a server holds the index (here, this process), the command asks every server to
        // rebuild its replica through the log of changes; the server does it whole, answering
        // searches meanwhile: an entry the catalogue does not hold is gone after it.
        let stray = kho_search::Entry {
            kind: kho_search::Kind::Dossier,
            dossier_id: 999_999,
            document_id: None,
            page_id: None,
            page_no: None,
            fonds_id: 1,
            unit_id: unit,
            classification: 0,
            mode: "01".into(),
            year: None,
            maintenance: None,
            type_name: None,
            title: "Hồ sơ lạc".into(),
            text: String::new(),
        };
        index.replace(&[], &[stray]).unwrap();
        index.commit().unwrap();
        assert_eq!(index.len(), 3, "{}", catalogue.label);
        let out = kho(&catalogue.url, &["search", "reindex", "--search-dir", search_dir.to_str().unwrap()]);
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && said.contains("đã ghi yêu cầu dựng lại"), "{}: {said}", catalogue.label);
        let server = kho_web::search::Indexer::with(index);
        server.catch_up(store, 100, false).await.unwrap();
        assert_eq!(server.entries(), 3, "{}: before a search, nothing waits on a rebuild", catalogue.label);
        server.catch_up(store, 100, true).await.unwrap();
        assert_eq!(server.entries(), 2, "{}: the server's loop rebuilt it whole", catalogue.label);

        let norms = dir.path().join("dinh-muc.csv");
        std::fs::write(&norms, "ma,gia_tri,nguon\ndon_gia_cong,350.000,QĐ 1/2026\nphut_quet,abc,x\n").unwrap();
        let out = kho(&catalogue.url, &["plan", "norms", norms.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success() && said.contains("Dòng 3") && said.contains("không nạp gì"), "{}: {said}", catalogue.label);
        assert_eq!(store.norms().await.unwrap().value(kho_model::cost::Norm::DayPrice), 307_000_000, "{}: nothing loaded", catalogue.label);
        std::fs::write(&norms, "ma,gia_tri,nguon\ndon_gia_cong,350.000,QĐ 1/2026\n").unwrap();
        let out = kho(&catalogue.url, &["plan", "norms", norms.to_str().unwrap()]);
        assert!(out.status.success(), "{}: {}", catalogue.label, String::from_utf8_lossy(&out.stderr));
        let loaded = store.norms().await.unwrap();
        assert_eq!(
            (loaded.value(kho_model::cost::Norm::DayPrice), loaded.source(kho_model::cost::Norm::DayPrice)),
            (350_000_000, "QĐ 1/2026")
        );
    }
}
