//! Bàn giao between two Kho: a commune's (SQLite) exports the SIP of a digitized hồ sơ, the
//! archive's (PostgreSQL) checks and receives it — the hồ sơ, its văn bản and its signed copy,
//! byte for byte — and receiving it twice creates nothing new; an altered package, one whose copy
//! is unsigned or whose signature no longer holds, or one for a fonds the archive does not hold,
//! is refused with its reasons and nothing is created.

use kho_model::record::DocumentInput;
use kho_store::test_support::{StoredFile, TestCatalogue, catalogues, digitized};
use std::process::{Command, Output};

fn kho(catalogue: &TestCatalogue, args: &[&str]) -> Output {
    let data = catalogue.dir().join("data");
    Command::new(env!("CARGO_BIN_EXE_kho"))
        .args(args)
        .env("KHO_DATA_DIR", &data)
        .env("KHO_DATABASE_URL", &catalogue.url)
        .env("KHO_LOG", "warn")
        .env("KHO_AUDIT_KEY_FILE", catalogue.dir().join("audit.key"))
        .output()
        .unwrap()
}

fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Every hồ sơ the catalogue holds.
async fn dossiers(store: &kho_store::Store) -> i64 {
    let all = kho_store::ListDossiers {
        visibility: kho_model::access::Visibility::everything(),
        inventory_id: None,
        fonds_id: None,
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: 0,
    };
    store.list_dossiers(&all).await.unwrap().total
}

#[tokio::test]
async fn a_commune_hands_a_digitized_hồ_sơ_to_the_archive_kho() {
    let mut all = catalogues().await;
    let commune = all.remove(0);
    // The archive on PostgreSQL when the test command runs one, else a second embedded Kho.
    let archive = if all.is_empty() { catalogues().await.remove(0) } else { all.remove(0) };
    let label = format!("{} → {}", commune.label, archive.label);

    // The commune's Kho: a hồ sơ of two văn bản, scanned, its signed copy a real PDF.
    let store = &commune.store;
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await.unwrap();
    let (_, made) = kho_store::test_support::fonds_with_dossiers(
        store,
        unit,
        "X27",
        &[("15", "Hồ sơ giao đất ở tại bản Co Mận", "01", "1"), ("16", "Sổ địa chính", "01", "1"), ("17", "Sổ mục kê", "01", "1")],
    )
    .await;
    for (n, subject) in [(1, "Đơn xin giao đất"), (2, "Quyết định giao đất")] {
        let input = DocumentInput {
            doc_ordinal: n.to_string(),
            type_name: if n == 1 { "32" } else { "02" }.into(),
            issued_date: format!("0{n}/03/2019"),
            organ_name: "UBND xã Mường Ảng".into(),
            subject: subject.into(),
            number_of_page: "1".into(),
            mode: "01".into(),
            ..Default::default()
        };
        store.create_document(made[0].0, &input.parse().unwrap()).await.unwrap();
    }
    let jpeg = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages/trang1-200dpi-suy-giam.jpg")).unwrap();
    let pdf = kho_digitize::testing::signed(&kho_digitize::testing::scanner_pdf(&[jpeg], 200), &commune.dir().join("pki"));
    let blobs = kho_blobs::Blobs::open(&commune.dir().join("data/blobs"), None).unwrap();
    let stored = blobs.put(pdf.clone(), false).await.unwrap();
    digitized(store, unit, made[0].0, StoredFile { blob: &stored.name, sha256: &stored.sha256, size: stored.size as i64 }, None).await;
    let goi = commune.dir().join("goi.zip");
    let out = kho(&commune, &["package", "export", "sip", &made[0].1, "-o", goi.to_str().unwrap()]);
    assert!(out.status.success(), "{label}: {}", said(&out));
    // Two more whose packages are whole but whose copies cannot be trusted: one never signed,
    // one signed and then changed (its package listing the changed bytes, as a forger's would).
    let mut forged = pdf.clone();
    let image = forged.windows(6).position(|w| w == b"stream").unwrap() + 300;
    forged[image] ^= 0x55;
    let unsigned = kho_digitize::testing::scanner_pdf(
        &[std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages/trang1-200dpi-suy-giam.jpg")).unwrap()],
        200,
    );
    let mut untrusted = vec![];
    for ((id, code), bytes) in made[1..].iter().zip([unsigned, forged]) {
        let stored = blobs.put(bytes, false).await.unwrap();
        digitized(store, unit, *id, StoredFile { blob: &stored.name, sha256: &stored.sha256, size: stored.size as i64 }, None).await;
        let path = commune.dir().join(format!("{code}.zip"));
        let out = kho(&commune, &["package", "export", "sip", code, "-o", path.to_str().unwrap()]);
        assert!(out.status.success(), "{label}: {}", said(&out));
        untrusted.push(path);
    }

    // The archive's archivist for that commune receives.
    let a = &archive.store;
    let unit = a.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await.unwrap();
    let settings = kho_store::UserSettings {
        full_name: "Quàng Thị Hương".into(),
        role: kho_model::access::Role::Archivist,
        clearance: kho_model::Classification::None,
        disabled: false,
        units: [unit].into(),
        fonds: Default::default(),
    };
    a.create_user("luutru", "!", &settings).await.unwrap();

    // The archive's Kho holds nothing of that fonds yet: refused, nothing created.
    let out = kho(&archive, &["package", "import", goi.to_str().unwrap(), "--as", "luutru"]);
    assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
    assert!(said(&out).contains("Không có phông “X27”"), "{label}: {}", said(&out));
    assert_eq!(dossiers(&archive.store).await, 0, "{label}");

    // The fonds registered at the archive (as it is before a handover), the package received.
    let fonds = kho_model::record::FondsInput {
        code: "X27".into(),
        name: "UBND xã Mường Ảng".into(),
        unit_id: unit.to_string(),
        ..Default::default()
    };
    a.create_fonds(&fonds.parse().unwrap()).await.unwrap();
    // The archive trusts only certificates of its own list: a signer from another authority is
    // refused, nothing created; the commune's authority is then added and the package received.
    let elsewhere = archive.dir().join("ca-khac");
    std::fs::create_dir_all(&elsewhere).unwrap();
    kho_digitize::testing::pki(&elsewhere);
    let out = kho(
        &archive,
        &["package", "import", goi.to_str().unwrap(), "--as", "luutru", "--trusted-certs", elsewhere.join("ca.pem").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
    assert!(said(&out).contains("không do cơ quan chứng thực nào trong danh sách tin cậy cấp"), "{label}: {}", said(&out));
    assert_eq!(dossiers(a).await, 0, "{label}");
    let trusted = commune.dir().join("pki/ca.pem");
    let out = kho(&archive, &["package", "import", goi.to_str().unwrap(), "--as", "luutru", "--trusted-certs", trusted.to_str().unwrap()]);
    assert!(out.status.success(), "{label}: {}", said(&out));
    assert!(
        said(&out).contains(&format!("Đã nhận hồ sơ {}", made[0].1))
            && said(&out).contains("2 văn bản, 1 bản số hóa")
            && said(&out).contains("ký bởi Trung tam Luu tru lich su tinh Dien Bien (chứng thư do Kho test CA cấp)"),
        "{label}: {}",
        said(&out)
    );
    let received = a.dossier_by_code(&made[0].1).await.unwrap();
    assert_eq!(received.fields.title, "Hồ sơ giao đất ở tại bản Co Mận", "{label}");
    let documents = a.list_documents(&kho_model::access::Visibility::everything(), received.id).await.unwrap();
    assert_eq!(
        documents.iter().map(|d| d.fields.subject.as_str()).collect::<Vec<_>>(),
        ["Đơn xin giao đất", "Quyết định giao đất"],
        "{label}"
    );
    assert_eq!(
        documents[1].doc_code,
        store.list_documents(&kho_model::access::Visibility::everything(), made[0].0).await.unwrap()[1].doc_code
    );
    let copies = a.renditions(received.id).await.unwrap();
    assert_eq!((copies.len(), copies[0].pages, copies[0].sha256.as_str()), (1, 1, stored.sha256.as_str()), "{label}");
    let archive_blobs = kho_blobs::Blobs::open(&archive.dir().join("data/blobs"), None).unwrap();
    assert_eq!(archive_blobs.get(&copies[0].blob, false, &copies[0].sha256).await.unwrap(), pdf, "{label}: the signed copy, byte for byte");
    // Its receipt, for the biên bản bàn giao: the package, its counts, its signer, its receiver.
    let fonds_id = a.fonds_by_code("X27").await.unwrap().id;
    let (receipts, total) = a.received_packages(&kho_model::access::Visibility::everything(), fonds_id, "0", "9", 10).await.unwrap();
    assert_eq!(total, 1, "{label}");
    let r = &receipts[0].receipt;
    assert_eq!((r.kind.as_str(), r.documents, r.files, r.pages, r.bytes), ("SIP", 2, 1, 1, pdf.len() as i64), "{label}");
    assert!(r.objid.starts_with("uuid-") && r.received_by == "luutru", "{label}: {r:?}");
    assert_eq!(r.signers, ["Trung tam Luu tru lich su tinh Dien Bien (chứng thư do Kho test CA cấp)"], "{label}");
    let trail = kho_store::AuditFilter { action: Some("package.import".into()), limit: 10, ..Default::default() };
    assert_eq!(a.list_audit(&trail).await.unwrap().0, 1, "{label}: audited");

    // A copy never signed, a signature that no longer holds: refused, each named, nothing created.
    for (path, reason) in untrusted.iter().zip(["chưa được ký số", "chữ ký số không hợp lệ — nội dung tệp đã bị thay đổi sau khi ký"])
    {
        let out = kho(&archive, &["package", "import", path.to_str().unwrap(), "--as", "luutru"]);
        assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
        assert!(said(&out).contains(reason) && said(&out).contains("không tạo gì"), "{label}: {}", said(&out));
    }
    assert_eq!(dossiers(a).await, 1, "{label}: nothing created");

    // Twice: nothing new.
    let out = kho(&archive, &["package", "import", goi.to_str().unwrap(), "--as", "luutru"]);
    assert!(out.status.success() && said(&out).contains("đã có trong Kho"), "{label}: {}", said(&out));
    assert_eq!(dossiers(a).await, 1, "{label}");
    assert_eq!(a.list_documents(&kho_model::access::Visibility::everything(), received.id).await.unwrap().len(), 2, "{label}");
    assert_eq!(a.renditions(received.id).await.unwrap().len(), 1, "{label}");

    // Someone of another commune sends the same package: refused for the fonds, without being
    // told that the hồ sơ is already here.
    let other = a.create_unit(&kho_model::record::NewUnit::named("Xã Mường Phăng", kho_model::UnitKind::Commune)).await.unwrap();
    a.create_user("luutru.khac", "!", &kho_store::UserSettings { units: [other].into(), ..settings.clone() }).await.unwrap();
    let out = kho(&archive, &["package", "import", goi.to_str().unwrap(), "--as", "luutru.khac"]);
    assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
    assert!(said(&out).contains("không được ghi hồ sơ vào phông X27") && !said(&out).contains("đã có"), "{label}: {}", said(&out));

    // A package altered on the way (its copy replaced by other bytes of the same size): refused.
    let altered = commune.dir().join("sua.zip");
    {
        let mut source = zip::ZipArchive::new(std::fs::File::open(&goi).unwrap()).unwrap();
        let mut target = zip::ZipWriter::new(std::fs::File::create(&altered).unwrap());
        for i in 0..source.len() {
            let mut entry = source.by_index(i).unwrap();
            let name = entry.name().unwrap().replace(&made[0].1, "X27.2019.16.1");
            let mut bytes = vec![];
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            if name.ends_with(".pdf") {
                let at = bytes.len() / 2;
                bytes[at] ^= 0xff;
            }
            target.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut target, &bytes).unwrap();
        }
        target.finish().unwrap();
    }
    let out = kho(&archive, &["package", "import", altered.to_str().unwrap(), "--as", "luutru"]);
    assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
    assert!(said(&out).contains("không tạo gì"), "{label}: {}", said(&out));
    assert_eq!(dossiers(a).await, 1, "{label}: nothing created");
}
