//! The `kho` command as an operator runs it: plan import (good, bad, dry run), init, help.

use kho_store::test_support::catalogues;
use std::path::Path;
use std::process::Command;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/dien-bien");

fn kho(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kho")).args(args).env("KHO_DATABASE_URL", database_url).env("KHO_LOG", "warn").output().unwrap()
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
        let broken = communes.replace("Xã Nà Tấu,xa,0,132", "Xã Nà Tấu,xa,0,một trăm").replace("2,Phường Mường Thanh", "2,Phường Điện Biên Phủ");
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
    let out = Command::new(env!("CARGO_BIN_EXE_kho")).args(["init", "--data-dir"]).arg(dir.path()).env_remove("KHO_DATABASE_URL").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("kho.db").exists());
}
