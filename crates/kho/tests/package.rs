//! Gói lưu trữ: the AIP of a digitized hồ sơ from `kho package export aip`, checked from outside —
//! every METS, metadata and PREMIS file against the schemas the package carries (xmllint), the
//! E-ARK validator (eark-validator 1.1.3, offline) with the checks it skips (sizes, checksums,
//! the representation's METS), the signed copy inside byte for byte — and refused for a hồ sơ
//! not digitized, a classified one, or one that does not exist.

use kho_model::record::DocumentInput;
use kho_store::test_support::catalogues;
use std::path::Path;
use std::process::{Command, Output};

fn kho(url: &str, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kho"))
        .args(args)
        .env("KHO_DATA_DIR", data)
        .env("KHO_DATABASE_URL", url)
        .env("KHO_LOG", "warn")
        .env("KHO_AUDIT_KEY_FILE", data.parent().unwrap().join("audit.key"))
        .output()
        .unwrap()
}

fn said(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn xmllint(schema: &Path, file: &Path) {
    let out = Command::new("xmllint").arg("--noout").arg("--schema").arg(schema).arg(file).output().expect("xmllint (libxml2-utils)");
    assert!(out.status.success(), "{} against {}: {}", file.display(), schema.display(), said(&out));
}

/// eark-validator in its venv (`KHO_EARK_PYTHON`, set by the test command), through the offline
/// check script; `KHO_REQUIRE_EARK=1` makes its absence a failure.
fn eark(package: &Path, ignore: &str) -> Option<Output> {
    let python = std::env::var("KHO_EARK_PYTHON").ok().filter(|p| !p.is_empty());
    if python.is_none() && std::env::var("KHO_REQUIRE_EARK").as_deref() == Ok("1") {
        panic!("KHO_REQUIRE_EARK=1 but KHO_EARK_PYTHON is not set");
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/check_package.py");
    Some(
        Command::new(python?)
            .arg(script)
            .args(["-s", "V2.0.4", "--ignore", ignore])
            .arg(package)
            .env("TMPDIR", package.parent().unwrap())
            .output()
            .unwrap(),
    )
}

/// A commune's fonds X27 with two hồ sơ; the first holds two văn bản and a signed copy (its
/// bytes need not be a real PDF here: the package carries whatever was signed). The data folder,
/// the hồ sơ (id, mã), the copy's bytes.
async fn digitized_dossier(catalogue: &kho_store::test_support::TestCatalogue) -> (std::path::PathBuf, Vec<(i64, String)>, Vec<u8>) {
    let store = &catalogue.store;
    let data = catalogue.dir().join("data");
    let blobs = kho_blobs::Blobs::open(&data.join("blobs"), None).unwrap();
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await.unwrap();
    let (_, made) = kho_store::test_support::fonds_with_dossiers(
        store,
        unit,
        "X27",
        &[("15", "Hồ sơ giao đất ở tại bản Co Mận & bản Hón", "01", "2"), ("16", "Sổ theo dõi công văn đi", "06", "1")],
    )
    .await;
    for (n, subject) in [(1, "Đơn xin giao đất <ở>"), (2, "Quyết định giao đất")] {
        let input = DocumentInput {
            doc_ordinal: n.to_string(),
            type_name: if n == 1 { "32" } else { "02" }.into(),
            code_number: if n == 1 { "" } else { "12" }.into(),
            code_notation: if n == 1 { "" } else { "QĐ-UBND" }.into(),
            issued_date: format!("0{n}/03/2019"),
            organ_name: "UBND xã Mường Ảng".into(),
            subject: subject.into(),
            number_of_page: "1".into(),
            mode: "01".into(),
            ..Default::default()
        };
        store.create_document(made[0].0, &input.parse().unwrap()).await.unwrap();
    }
    let pdf = b"%PDF-1.7\n% ban so hoa da ky\n".to_vec();
    let stored = blobs.put(pdf.clone(), false).await.unwrap();
    let scan = kho_store::test_support::StoredFile { blob: &stored.name, sha256: &stored.sha256, size: stored.size as i64 };
    kho_store::test_support::digitized(store, unit, made[0].0, scan, None).await;
    let archivist = kho_store::UserSettings {
        full_name: "Quàng Thị Hương".into(),
        role: kho_model::access::Role::Archivist,
        clearance: kho_model::Classification::None,
        disabled: false,
        units: [unit].into(),
        fonds: Default::default(),
    };
    store.create_user("luutru", "!", &archivist).await.unwrap();
    (data, made, pdf)
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// An XML file with its lines trimmed and joined: elements side by side, as a test reads them.
fn compact(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap().lines().map(str::trim).collect()
}

/// The package's one root folder, unpacked into `into`.
fn unpack(zip_path: &Path, into: &Path) -> std::path::PathBuf {
    zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap().extract(into).unwrap();
    let roots: Vec<_> = std::fs::read_dir(into).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(roots.len(), 1);
    roots[0].clone()
}

/// Every XML file of an unpacked package against the schema the package itself carries.
fn schemas_accept(root: &Path) {
    let schemas = root.join("schemas");
    xmllint(&schemas.join("mets1_12.xsd"), &root.join("METS.xml"));
    xmllint(&schemas.join("mets1_12.xsd"), &root.join("representations/rep1/METS.xml"));
    xmllint(&schemas.join("ead.xsd"), &root.join("metadata/descriptive/EAD.xml"));
    xmllint(&schemas.join("premis.xsd"), &root.join("metadata/preservation/PREMIS.xml"));
    xmllint(&schemas.join("premis.xsd"), &root.join("representations/rep1/metadata/preservation/PREMIS_rep1.xml"));
    for doc in std::fs::read_dir(root.join("representations/rep1/metadata/descriptive")).unwrap().flatten() {
        xmllint(&schemas.join("ead_doc.xsd"), &doc.path());
    }
}

#[tokio::test]
async fn a_digitized_hồ_sơ_is_kept_as_an_aip_the_validator_and_the_schemas_accept() {
    for catalogue in catalogues().await {
        let label = catalogue.label;
        let store = &catalogue.store;
        let (data, made, pdf) = digitized_dossier(&catalogue).await;

        let out_dir = catalogue.dir().join("goi");
        std::fs::create_dir_all(&out_dir).unwrap();
        let zip_path = out_dir.join("aip.zip");
        let out = kho(&catalogue.url, &data, &["package", "export", "aip", &made[0].1, "-o", zip_path.to_str().unwrap()]);
        assert!(out.status.success(), "{label}: {}", said(&out));
        assert!(said(&out).contains("urn:X27:uuid:"), "{label}: {}", said(&out));

        // Unpacked: one root folder named by the OBJID, `:` written `_`.
        let root = &unpack(&zip_path, &out_dir.join("mo"));
        assert!(root.file_name().unwrap().to_string_lossy().starts_with("urn_X27_uuid_"), "{label}: {}", root.display());
        let mets = std::fs::read_to_string(root.join("METS.xml")).unwrap();
        assert!(mets.contains("csip:OAISPACKAGETYPE=\"AIP\"") && mets.contains("+07:00"), "{label}");

        // Every XML file against the schema the package itself carries.
        schemas_accept(root);
        let docs: Vec<_> =
            std::fs::read_dir(root.join("representations/rep1/metadata/descriptive")).unwrap().flatten().map(|e| e.path()).collect();
        assert_eq!(docs.len(), 2, "{label}: one EAD_doc per văn bản");
        let ead = std::fs::read_to_string(root.join("metadata/descriptive/EAD.xml")).unwrap();
        assert!(ead.contains("<title>Hồ sơ giao đất ở tại bản Co Mận &amp; bản Hón</title>"), "{label}: {ead}");
        assert!(ead.contains(&format!("<fileCode>{}</fileCode>", made[0].1)), "{label}: {ead}");
        let first = std::fs::read_to_string(docs.iter().find(|d| d.to_string_lossy().ends_with(".1.xml")).unwrap()).unwrap();
        assert!(
            first.contains("<subject>Đơn xin giao đất &lt;ở&gt;</subject>") && first.contains("<docOrdinal>1</docOrdinal>"),
            "{label}: {first}"
        );
        let premis = std::fs::read_to_string(root.join("representations/rep1/metadata/preservation/PREMIS_rep1.xml")).unwrap();
        for event in ["capture", "digital signature generation", "fixity check"] {
            assert!(premis.contains(&format!("<eventType>{event}</eventType>")), "{label}: {event}");
        }
        assert!(
            std::fs::read_to_string(root.join("metadata/preservation/PREMIS.xml")).unwrap().contains("information package creation"),
            "{label}"
        );
        let inside = std::fs::read(root.join("representations/rep1/data").join(format!("{}.pdf", made[0].1))).unwrap();
        assert_eq!(inside, pdf, "{label}: the signed copy, byte for byte");

        // The E-ARK validator, and what it does not check (sizes, checksums, rep1's METS).
        if let Some(checked) = eark(&zip_path, "") {
            assert!(checked.status.success(), "{label}: {}", said(&checked));
            // The check sees damage: a copy whose bytes changed after the METS listed them.
            std::fs::write(root.join("representations/rep1/data").join(format!("{}.pdf", made[0].1)), b"%PDF-1.7 sua").unwrap();
            let damaged = eark(root, "").unwrap();
            assert!(!damaged.status.success(), "{label}: a changed file is found: {}", said(&damaged));
        }

        // The package checked as a receiving archive checks it, then altered in every way a
        // package arrives broken: each is refused with its reasons.
        let out = kho(&catalogue.url, &data, &["package", "check", zip_path.to_str().unwrap()]);
        assert!(out.status.success() && said(&out).contains("đạt"), "{label}: {}", said(&out));
        /// How a package arrives broken: an entry's new bytes (None drops it), and entries added.
        type Change = fn(&str, Vec<u8>) -> Option<Vec<u8>>;
        // One bit turned: same size, other bytes.
        let changed: Change = |p, mut b| {
            if p.ends_with(".pdf") {
                b[5] ^= 1;
            }
            Some(b)
        };
        let missing: Change = |p, b| (!p.ends_with(".pdf")).then_some(b);
        let same: Change = |_, b| Some(b);
        let broken_mets: Change =
            |p, b| Some(if p.ends_with("/METS.xml") && p.matches('/').count() == 1 { b"<mets><metsHdr".to_vec() } else { b });
        let cases: Vec<(&str, Change, Vec<String>, &str)> = vec![
            ("đổi", changed, vec![], "SHA-256"),
            ("mất", missing, vec![], "không có trong gói"),
            ("thừa", same, vec!["representations/rep1/data/them.exe".into()], "không METS nào ghi"),
            ("ra ngoài", same, vec!["../../etc/passwd".into()], "ra ngoài gói"),
            ("METS hỏng", broken_mets, vec![], "không đọc được XML"),
        ];
        for (case, change, extra, reason) in cases {
            let altered = out_dir.join(format!("{case}.zip"));
            let mut source = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
            let mut target = zip::ZipWriter::new(std::fs::File::create(&altered).unwrap());
            let root = source.by_index(0).unwrap().name().unwrap().split('/').next().unwrap().to_string();
            for i in 0..source.len() {
                let mut entry = source.by_index(i).unwrap();
                let name = entry.name().unwrap().to_string();
                let mut bytes = vec![];
                std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
                if let Some(bytes) = change(&name, bytes) {
                    target.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
                    std::io::Write::write_all(&mut target, &bytes).unwrap();
                }
            }
            for name in &extra {
                target.start_file(format!("{root}/{name}"), zip::write::SimpleFileOptions::default()).unwrap();
                std::io::Write::write_all(&mut target, b"MZ").unwrap();
            }
            target.finish().unwrap();
            let out = kho(&catalogue.url, &data, &["package", "check", altered.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(1), "{label}: {case}: {}", said(&out));
            assert!(said(&out).contains(reason), "{label}: {case} names “{reason}”: {}", said(&out));
        }
        std::fs::write(out_dir.join("khong-phai.zip"), b"%PDF-1.7 khong phai zip").unwrap();
        let out = kho(&catalogue.url, &data, &["package", "check", out_dir.join("khong-phai.zip").to_str().unwrap()]);
        assert!(out.status.code() == Some(1) && said(&out).contains("Không phải tệp ZIP"), "{label}: {}", said(&out));

        // A copy damaged in the store since it was recorded: the package is not made, and no
        // half file is left under the name asked for.
        let blob = walk(&data.join("blobs")).into_iter().find(|p| std::fs::read(p).unwrap() == pdf).expect("the stored copy");
        std::fs::write(&blob, b"%PDF-1.7\n% ban so hoa da ky\n".map(|b| if b == b'k' { b'K' } else { b })).unwrap();
        let out = kho(&catalogue.url, &data, &["package", "export", "aip", &made[0].1, "-o", out_dir.join("hong.zip").to_str().unwrap()]);
        assert!(!out.status.success() && said(&out).contains("không ghi được gói"), "{label}: {}", said(&out));
        assert!(!out_dir.join("hong.zip").exists() && !out_dir.join("hong.zip.part").exists(), "{label}: nothing left behind");
        std::fs::write(&blob, &pdf).unwrap();

        // Refused, with the reason: not digitized, unknown.
        let out = kho(&catalogue.url, &data, &["package", "export", "aip", &made[1].1, "-o", out_dir.join("x.zip").to_str().unwrap()]);
        assert!(!out.status.success() && said(&out).contains("chưa có bản số hóa"), "{label}: {}", said(&out));
        let out = kho(&catalogue.url, &data, &["package", "export", "aip", "KHONG.CO", "-o", out_dir.join("x.zip").to_str().unwrap()]);
        assert!(!out.status.success() && said(&out).contains("không có hồ sơ"), "{label}: {}", said(&out));
        assert!(!out_dir.join("x.zip").exists(), "{label}: nothing left behind");
        // A hồ sơ holding a classified văn bản does not leave the enclave as a file.
        let secret = DocumentInput {
            doc_ordinal: "3".into(),
            type_name: "22".into(),
            issued_date: "2019".into(),
            organ_name: "UBND xã Mường Ảng".into(),
            subject: "Công văn mật".into(),
            number_of_page: "1".into(),
            mode: "03".into(),
            classification: "01".into(),
            ..Default::default()
        };
        store.create_document(made[0].0, &secret.parse().unwrap()).await.unwrap();
        let out = kho(&catalogue.url, &data, &["package", "export", "aip", &made[0].1, "-o", out_dir.join("x.zip").to_str().unwrap()]);
        assert!(!out.status.success() && said(&out).contains("mật"), "{label}: {}", said(&out));
    }
}

/// The same hồ sơ as a gói nộp lưu (SIP_hoso, to hand over) and a gói khai thác (DIP, for a
/// reader's request): each kind's identifiers and metadata as TT05 writes them, the schemas and
/// the E-ARK validator accepting both (for the SIP, all but SIP14, a rule eark-validator 1.1.3
/// cannot see met: it wants an unprefixed NOTETYPE the METS schema forbids); a DIP is not
/// received into a catalogue, and a request with an unknown purpose makes none.
#[tokio::test]
async fn a_hồ_sơ_is_handed_over_as_a_sip_and_delivered_as_a_dip() {
    for catalogue in catalogues().await {
        let label = catalogue.label;
        let (data, made, pdf) = digitized_dossier(&catalogue).await;
        let out_dir = catalogue.dir().join("goi");
        std::fs::create_dir_all(&out_dir).unwrap();

        let sip = out_dir.join("sip.zip");
        let out = kho(&catalogue.url, &data, &["package", "export", "sip", &made[0].1, "-o", sip.to_str().unwrap()]);
        assert!(out.status.success() && said(&out).contains("gói nộp lưu (SIP) uuid-"), "{label}: {}", said(&out));
        let root = unpack(&sip, &out_dir.join("sip"));
        let folder = root.file_name().unwrap().to_string_lossy().into_owned();
        let mets = std::fs::read_to_string(root.join("METS.xml")).unwrap();
        assert!(folder.starts_with("uuid-") && mets.contains(&format!("OBJID=\"{folder}\"")), "{label}: the folder is the OBJID");
        assert!(mets.contains("csip:OAISPACKAGETYPE=\"SIP\"") && mets.contains("https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"));
        assert!(mets.contains(&format!("<altRecordID TYPE=\"SUBMISSIONAGREEMENT\">{}</altRecordID>", made[0].1)), "{label}");
        schemas_accept(&root);
        let ead = compact(&root.join("metadata/descriptive/EAD.xml"));
        assert!(
            ead.starts_with(&format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><simpledc><fileCode>{}</fileCode>", made[0].1)),
            "{label}: {ead}"
        );
        assert!(!ead.contains("arcFileCode"), "{label}: a SIP has no archive code yet");
        let doc = compact(&root.join(format!("representations/rep1/metadata/descriptive/EAD_doc_{}.2.xml", made[0].1)));
        assert!(
            doc.contains(&format!(
                "<simpledc><docId>{}.2</docId><docCode>{}.0000002</docCode><maintenance>01</maintenance>",
                made[0].1, made[0].1
            )),
            "{label}: {doc}"
        );
        assert!(!doc.contains("docOrdinal"), "{label}: {doc}");
        assert_eq!(std::fs::read(root.join(format!("representations/rep1/data/{}.pdf", made[0].1))).unwrap(), pdf, "{label}");
        if let Some(checked) = eark(&sip, "SIP14") {
            assert!(checked.status.success(), "{label}: {}", said(&checked));
        }

        let dip = out_dir.join("dip.zip");
        let request =
            ["--request", "15/PYC", "--request-date", "03/12/2026", "--purpose", "01", "--fee", "02", "--topic", "Đất đai bản Co Mận"];
        let out =
            kho(&catalogue.url, &data, &[&["package", "export", "dip", &made[0].1, "-o", dip.to_str().unwrap()][..], &request].concat());
        assert!(out.status.success() && said(&out).contains("gói khai thác (DIP) uuid-"), "{label}: {}", said(&out));
        let root = unpack(&dip, &out_dir.join("dip"));
        let mets = std::fs::read_to_string(root.join("METS.xml")).unwrap();
        assert!(mets.contains("csip:OAISPACKAGETYPE=\"DIP\"") && mets.contains("https://earkdip.dilcis.eu/profile/E-ARK-DIP.xml"));
        schemas_accept(&root);
        let ead = compact(&root.join("metadata/descriptive/EAD.xml"));
        assert!(
            ead.contains("<simpledc><requestID>15/PYC</requestID><requestDate>03/12/2026</requestDate><purpose>01</purpose>")
                && ead.contains("<feeObjectType>02</feeObjectType><researchTopic>Đất đai bản Co Mận</researchTopic>"),
            "{label}: {ead}"
        );
        let doc = compact(&root.join(format!("representations/rep1/metadata/descriptive/EAD_doc_{}.1.xml", made[0].1)));
        assert!(doc.contains("<arcDocCode>") && !doc.contains("<organName>") && !doc.contains("<docCode>"), "{label}: {doc}");
        assert!(
            std::fs::read_to_string(root.join("metadata/preservation/PREMIS.xml"))
                .unwrap()
                .contains("<eventType>dissemination</eventType>"),
            "{label}"
        );
        if let Some(checked) = eark(&dip, "") {
            assert!(checked.status.success(), "{label}: {}", said(&checked));
        }
        // A DIP is a reader's copy, not something an archive takes in.
        let out = kho(&catalogue.url, &data, &["package", "import", dip.to_str().unwrap(), "--as", "luutru"]);
        assert_eq!(out.status.code(), Some(1), "{label}: {}", said(&out));
        assert!(said(&out).contains("Đây là gói khai thác (DIP)"), "{label}: {}", said(&out));
        let out = kho(
            &catalogue.url,
            &data,
            &[
                &["package", "export", "dip", &made[0].1, "-o", out_dir.join("x.zip").to_str().unwrap()][..],
                &["--request", "1", "--purpose", "04"],
            ]
            .concat(),
        );
        assert!(!out.status.success() && said(&out).contains("Mục đích khai thác “04”"), "{label}: {}", said(&out));
        assert!(!out_dir.join("x.zip").exists(), "{label}");
    }
}
