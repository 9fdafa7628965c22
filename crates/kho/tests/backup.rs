//! The restore drill: a backup taken while `kho serve` runs, restored into a new data folder (or
//! an empty PostgreSQL), ends with the same catalogue and every file byte for byte; a second
//! backup copies nothing it already has; a file damaged in the backup is named and the restore
//! fails; sealed content stays sealed in the backup.

use kho_blobs::Blobs;
use kho_store::test_support::{catalogues, empty_postgres};
use kho_store::{Attachment, AttachmentOwner, Store};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn kho(url: Option<&str>, data: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kho"));
    command.args(args).env("KHO_DATA_DIR", data).env("KHO_LOG", "warn").env("KHO_AUDIT_KEY_FILE", data.parent().unwrap().join("audit.key"));
    if let Some(url) = url {
        command.env("KHO_DATABASE_URL", url);
    }
    command.output().unwrap()
}

/// Every file the catalogue names, with its bytes as stored.
async fn files(store: &Store, blobs: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut after = String::new();
    loop {
        let chunk = store.referenced_blobs(&after, 500).await.unwrap();
        let Some((last, _)) = chunk.last() else { break };
        after = last.clone();
        for (name, _) in chunk {
            let path = blobs.join(&name[..2]).join(&name[2..4]).join(&name);
            out.insert(name.clone(), std::fs::read(&path).unwrap_or_default());
        }
    }
    out
}

fn stdout(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn a_backup_taken_while_kho_serves_restores_to_identical_files() {
    for catalogue in catalogues().await {
        let label = catalogue.label;
        let store = &catalogue.store;
        let sqlite = label == "SQLite";
        let url = catalogue.url.as_str();
        let data = catalogue.dir().join("data");
        std::fs::create_dir_all(data.join("keys")).unwrap();
        let key = kho_blobs::ContentKey::generate(&data.join("keys/content.key")).unwrap();
        let blobs = Blobs::open(&data.join("blobs"), Some(key)).unwrap();
        let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await.unwrap();
        let (_, made) = kho_store::test_support::fonds_with_dossiers(store, unit, "X27", &[("15", "Hồ sơ giao đất", "05", "3")]).await;
        for (name, content, seal) in [
            ("to-trinh.txt", "Tờ trình của xã", false),
            ("quyet-dinh.txt", "Quyết định giao đất", false),
            ("mat.txt", "NỘI DUNG MẬT", true),
        ] {
            let stored = blobs.put(content.as_bytes().to_vec(), seal).await.unwrap();
            let attachment = Attachment {
                id: 0,
                owner: AttachmentOwner::Dossier(made[0].0),
                document: None,
                file_name: name.into(),
                media_type: "text/plain".into(),
                size: stored.size as i64,
                sha256: stored.sha256,
                blob: stored.name,
                sealed: seal,
                uploaded_by: "test".into(),
                uploaded_at: String::new(),
            };
            store.create_attachment(&attachment).await.unwrap();
        }
        let original = files(store, &data.join("blobs")).await;
        assert_eq!(original.len(), 3, "{label}");

        // Kho serves over the same catalogue while the backup is taken.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut serve = Command::new(env!("CARGO_BIN_EXE_kho"));
        serve
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--key-file", data.join("keys/content.key").to_str().unwrap()])
            .env("KHO_DATA_DIR", &data)
            .env("KHO_DATABASE_URL", url)
            .env("KHO_AUDIT_KEY_FILE", data.parent().unwrap().join("audit.key"))
            .env("KHO_LOG", "warn");
        let mut server = serve.spawn().unwrap();
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let backups = catalogue.dir().join("sao-luu");
        let out = kho(Some(url), &data, &["backup", "--to", backups.to_str().unwrap()]);
        assert!(out.status.success(), "{label}: {}", stdout(&out));
        assert!(stdout(&out).contains("3 tệp dữ liệu, 3 tệp mới"), "{label}: {}", stdout(&out));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let again = kho(Some(url), &data, &["backup", "--to", backups.to_str().unwrap()]);
        assert!(again.status.success() && stdout(&again).contains("3 tệp dữ liệu, 0 tệp mới"), "{label}: incremental: {}", stdout(&again));
        server.kill().unwrap();
        server.wait().unwrap();

        let journal = std::fs::read_to_string(backups.join("nhat-ky-sao-luu.csv")).unwrap();
        assert_eq!(
            journal.lines().filter(|l| l.contains(",sao lưu gia tăng,") && l.ends_with("thành công")).count(),
            2,
            "{label}: {journal}"
        );
        let mut stamps: Vec<_> =
            std::fs::read_dir(&backups).unwrap().flatten().filter(|e| e.path().join("manifest.json").exists()).map(|e| e.path()).collect();
        stamps.sort();
        let first = stamps[0].clone();
        let backed_up = std::fs::read_dir(backups.join("blobs")).unwrap().count();
        assert!(backed_up > 0, "{label}");
        // Sealed content stays sealed in the backup; no key is copied.
        let copies: Vec<Vec<u8>> =
            original.keys().map(|n| std::fs::read(backups.join("blobs").join(&n[..2]).join(&n[2..4]).join(n)).unwrap()).collect();
        assert!(!copies.iter().any(|c| String::from_utf8_lossy(c).contains("NỘI DUNG MẬT")), "{label}");
        assert!(!std::fs::read_dir(&backups).unwrap().flatten().any(|e| e.file_name() == "keys"), "{label}");

        // The drill: restore into a new place, then compare.
        let restored = catalogue.dir().join("khoi-phuc");
        let target = if sqlite { None } else { Some(empty_postgres().await.unwrap()) };
        let out = kho(target.as_deref(), &restored, &["restore", "--from", first.to_str().unwrap()]);
        assert!(out.status.success(), "{label}: {}", stdout(&out));
        let back = match &target {
            None => Store::open_embedded(&restored).await.unwrap(),
            Some(url) => Store::open(url).await.unwrap(),
        };
        assert_eq!(files(&back, &restored.join("blobs")).await, original, "{label}: every file, byte for byte");
        let dossier = back.dossier(made[0].0).await.unwrap();
        assert_eq!(dossier.fields.title, "Hồ sơ giao đất", "{label}: the catalogue came back");
        let dossier_id = made[0].0;
        let names = async |s: &Store| {
            let listed =
                s.list_attachments(&kho_model::access::Visibility::everything(), AttachmentOwner::Dossier(dossier_id)).await.unwrap();
            listed.into_iter().map(|a| (a.file_name, a.sha256)).collect::<Vec<_>>()
        };
        assert_eq!(names(&back).await, names(store).await, "{label}");
        // Restoring over a catalogue is refused.
        if sqlite {
            let over = kho(None, &restored, &["restore", "--from", first.to_str().unwrap()]);
            assert!(
                !over.status.success() && stdout(&over).contains("khôi phục vào một thư mục dữ liệu mới"),
                "{label}: {}",
                stdout(&over)
            );
        }

        // Fixity a slice a day, and a damaged file mended from the other copy.
        let victim = original.keys().next().unwrap();
        let live = data.join("blobs").join(&victim[..2]).join(&victim[2..4]).join(victim);
        std::fs::write(&live, b"bit rot").unwrap();
        let slice = kho(Some(url), &data, &["verify", "--restart", "--limit", "2"]);
        assert!(stdout(&slice).contains("Đã kiểm tra 2 tệp trong lần này"), "{label}: {}", stdout(&slice));
        assert_eq!(slice.status.code(), Some(3), "{label}: the slice that finds damage says so at once: {}", stdout(&slice));
        let found = kho(Some(url), &data, &["verify"]);
        assert_eq!(found.status.code(), Some(3), "{label}: the rest of the run finds the damage: {}", stdout(&found));
        assert!(stdout(&found).contains(&format!("HỎNG  {victim}")), "{label}: {}", stdout(&found));
        let mended = kho(Some(url), &data, &["verify", "--restart", "--repair-from", backups.to_str().unwrap()]);
        assert!(mended.status.success(), "{label}: {}", stdout(&mended));
        assert!(
            stdout(&mended).contains(&format!("ĐÃ SỬA  {victim}")) && stdout(&mended).contains("Tất cả nguyên vẹn"),
            "{label}: {}",
            stdout(&mended)
        );
        assert_eq!(std::fs::read(&live).unwrap(), original[victim], "{label}: byte for byte again");

        // The monthly full backup keeps every file itself, and restores alone when the daily
        // backups' shared files are gone.
        let out = kho(Some(url), &data, &["backup", "--full", "--to", backups.to_str().unwrap()]);
        assert!(out.status.success() && stdout(&out).contains("3 tệp dữ liệu, 3 tệp mới"), "{label}: {}", stdout(&out));
        let full =
            std::fs::read_dir(&backups).unwrap().flatten().map(|e| e.path()).find(|p| p.to_string_lossy().ends_with("-day-du")).unwrap();
        assert!(std::fs::read_to_string(backups.join("nhat-ky-sao-luu.csv")).unwrap().contains(",sao lưu đầy đủ,"), "{label}");
        let shared = backups.join("blobs");
        std::fs::rename(&shared, backups.join("blobs-mat")).unwrap();
        let alone = catalogue.dir().join("khoi-phuc-day-du");
        let target = if sqlite { None } else { Some(empty_postgres().await.unwrap()) };
        let out = kho(target.as_deref(), &alone, &["restore", "--from", full.to_str().unwrap()]);
        assert!(out.status.success(), "{label}: {}", stdout(&out));
        let back = match &target {
            None => Store::open_embedded(&alone).await.unwrap(),
            Some(url) => Store::open(url).await.unwrap(),
        };
        assert_eq!(files(&back, &alone.join("blobs")).await, original, "{label}: the full backup alone, byte for byte");
        std::fs::rename(backups.join("blobs-mat"), &shared).unwrap();

        // A file damaged in the backup is named, and the restore fails.
        std::fs::write(backups.join("blobs").join(&victim[..2]).join(&victim[2..4]).join(victim), b"hong").unwrap();
        let damaged = catalogue.dir().join("khoi-phuc-2");
        let target = if sqlite { None } else { Some(empty_postgres().await.unwrap()) };
        let out = kho(target.as_deref(), &damaged, &["restore", "--from", first.to_str().unwrap()]);
        assert!(!out.status.success(), "{label}");
        assert!(stdout(&out).contains(&format!("LỖI  {victim}")), "{label}: {}", stdout(&out));
    }
}

fn blob_path(root: &Path, name: &str) -> std::path::PathBuf {
    root.join(&name[..2]).join(&name[2..4]).join(name)
}

/// A second copy kept in step (`--replica-dir`): every file reaches both before the catalogue
/// names it; fixity checks each copy and mends one from the other, by hand (`kho verify`) and by
/// the server's daily slice; a copy added later is filled; a file lost in both copies is named.
#[tokio::test]
async fn a_second_copy_is_kept_in_step_and_each_copy_mends_the_other() {
    for catalogue in catalogues().await {
        let label = catalogue.label;
        let store = &catalogue.store;
        let url = catalogue.url.as_str();
        let data = catalogue.dir().join("data");
        let (primary, second) = (data.join("blobs"), catalogue.dir().join("o-dia-thu-hai"));
        let blobs = Blobs::open(&primary, None).unwrap().with_replica(Blobs::open(&second, None).unwrap());
        let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await.unwrap();
        let (_, made) = kho_store::test_support::fonds_with_dossiers(store, unit, "X27", &[("15", "Hồ sơ giao đất", "05", "3")]).await;
        let mut names = vec![];
        for (name, content) in [("to-trinh.txt", "Tờ trình của xã"), ("quyet-dinh.txt", "Quyết định giao đất"), ("ban-do.txt", "Bản đồ")]
        {
            let stored = blobs.put(content.as_bytes().to_vec(), false).await.unwrap();
            let attachment = Attachment {
                id: 0,
                owner: AttachmentOwner::Dossier(made[0].0),
                document: None,
                file_name: name.into(),
                media_type: "text/plain".into(),
                size: stored.size as i64,
                sha256: stored.sha256,
                blob: stored.name.clone(),
                sealed: false,
                uploaded_by: "test".into(),
                uploaded_at: String::new(),
            };
            store.create_attachment(&attachment).await.unwrap();
            names.push(stored.name);
        }
        let original = files(store, &primary).await;
        assert_eq!(files(store, &second).await, original, "{label}: both copies hold every file");
        let replica = ["--replica-dir", second.to_str().unwrap()];
        let verify = |extra: &[&str]| kho(Some(url), &data, &[&replica[..], &["verify", "--restart"], extra].concat());

        let out = verify(&[]);
        assert!(out.status.success() && stdout(&out).contains("bản thứ hai"), "{label}: {}", stdout(&out));
        assert!(stdout(&out).contains("Tất cả nguyên vẹn"), "{label}: {}", stdout(&out));

        // One copy rots here, the other loses a file there: each is mended from the other.
        std::fs::write(blob_path(&primary, &names[0]), b"bit rot").unwrap();
        std::fs::remove_file(blob_path(&second, &names[1])).unwrap();
        let out = verify(&[]);
        assert!(out.status.success(), "{label}: {}", stdout(&out));
        let said = stdout(&out);
        assert!(said.contains(&format!("ĐÃ SỬA  {}", names[0])) && said.contains("đã chép lại từ bản thứ hai"), "{label}: {said}");
        assert!(said.contains(&format!("ĐÃ SỬA  {}", names[1])) && said.contains("đã chép lại từ bản chính"), "{label}: {said}");
        assert!(said.contains("Tất cả nguyên vẹn sau khi sửa 2 tệp"), "{label}: {said}");
        assert_eq!(files(store, &primary).await, original, "{label}");
        assert_eq!(files(store, &second).await, original, "{label}");
        let (run, findings) = store.fixity_run_by_id(store.fixity_runs(1).await.unwrap()[0].id).await.unwrap();
        assert_eq!((run.copies, run.corrupt, run.missing, run.repaired, run.unmended()), (2, 1, 1, 2, 0), "{label}: {run:?}");
        assert_eq!(findings.len(), 2, "{label}: kept for the biên bản kiểm tra");

        // A second copy added later, on an empty disk, is filled by the check.
        let later = catalogue.dir().join("o-dia-moi");
        let out = kho(Some(url), &data, &["--replica-dir", later.to_str().unwrap(), "verify", "--restart"]);
        assert!(out.status.success() && stdout(&out).contains("sau khi sửa 3 tệp"), "{label}: {}", stdout(&out));
        assert_eq!(files(store, &later).await, original, "{label}: the new copy holds every file");

        // The server checks a slice a day by itself: with a one-day period, everything at once.
        std::fs::write(blob_path(&second, &names[2]), b"hong").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Command::new(env!("CARGO_BIN_EXE_kho"))
            .args(replica)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--fixity-period-days", "1", "--workers", "0"])
            .env("KHO_DATA_DIR", &data)
            .env("KHO_DATABASE_URL", url)
            .env("KHO_AUDIT_KEY_FILE", data.parent().unwrap().join("audit.key"))
            .env("KHO_LOG", "warn")
            .spawn()
            .unwrap();
        let mut scheduled = None;
        for _ in 0..150 {
            let latest = store.fixity_runs(1).await.unwrap().into_iter().next();
            if let Some(run) = latest.filter(|r| r.started_by == "lich" && r.finished_at.is_some()) {
                scheduled = Some(run);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        server.kill().unwrap();
        server.wait().unwrap();
        let run = scheduled.unwrap_or_else(|| panic!("{label}: the server ran no slice"));
        assert_eq!((run.checked, run.corrupt, run.repaired), (3, 1, 1), "{label}: {run:?}");
        assert_eq!(std::fs::read(blob_path(&second, &names[2])).unwrap(), original[&names[2]], "{label}: mended by the server");

        // Lost in both copies: named, and the exit code says so.
        std::fs::remove_file(blob_path(&primary, &names[0])).unwrap();
        std::fs::remove_file(blob_path(&second, &names[0])).unwrap();
        let out = verify(&[]);
        assert_eq!(out.status.code(), Some(3), "{label}: {}", stdout(&out));
        assert!(stdout(&out).contains(&format!("MẤT  {}", names[0])), "{label}: {}", stdout(&out));
    }
}

/// On a Garage cluster keeping three copies, `kho verify` names the cluster as the second copy
/// (read from its admin API); without the admin API it warns that there is none.
#[tokio::test]
async fn a_garage_cluster_keeping_three_copies_is_named_as_the_second_copy() {
    let Some((config, admin)) = kho_blobs::ClusterAdmin::test_cluster() else { return };
    let catalogue = catalogues().await.remove(0);
    let data = catalogue.dir().join("data");
    let run = |with_admin: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kho"));
        command
            .args(["--s3-endpoint", &config.endpoint, "--s3-bucket", &config.bucket])
            .env("KHO_DATA_DIR", &data)
            .env("KHO_LOG", "warn")
            .env("KHO_AUDIT_KEY_FILE", catalogue.dir().join("audit.key"))
            .env("KHO_S3_ACCESS_KEY_ID", &config.access_key_id)
            .env("KHO_S3_SECRET_ACCESS_KEY", &config.secret_access_key)
            .env("KHO_S3_ADMIN_TOKEN", &admin.token);
        if with_admin {
            command.args(["--s3-admin-endpoint", &admin.endpoint]);
        }
        command.args(["verify", "--restart"]).output().unwrap()
    };
    let out = run(true);
    assert!(out.status.success(), "{}", stdout(&out));
    // Healthy, or degraded while the blob test has stopped a node: either way three copies.
    assert!(stdout(&out).contains("3 bản"), "{}", stdout(&out));
    let out = run(false);
    assert!(stdout(&out).contains("CẢNH BÁO") && stdout(&out).contains("--s3-admin-endpoint"), "{}", stdout(&out));
}
