//! Files on a hồ sơ: uploaded with hostile names and sizes, stored content-addressed, sealed with
//! AES-256-GCM when the record is classified (and only on the enclave), served back only to
//! those who may see the record — and unreadable, not the catalogue, when the key is lost.

use crate::common;

use common::{App, Session, apps, apps_with};
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::record::{DossierInput, FondsInput};
use kho_store::AuditFilter;
use reqwest::StatusCode;

const SECRET_TEXT: &str = "Phương án phòng thủ dân sự xã Mường Ảng — MẬT";

/// A commune fonds with a public and a Mật dossier; returns their ids.
async fn dossiers(app: &App) -> (i64, i64) {
    let unit = app.unit_id("Xã Mường Ảng").await;
    let fonds = FondsInput { code: "X27".into(), name: "UBND xã Mường Ảng".into(), unit_id: unit.to_string(), ..Default::default() };
    let (_, inventory) = app.fonds_with_inventory(fonds).await;
    let mut ids = vec![];
    for (notation, mode, classification) in [("1", "01", "00"), ("2", "03", "01")] {
        let input = DossierInput {
            notation: notation.into(),
            title: format!("Hồ sơ {notation}"),
            maintenance: "01".into(),
            mode: mode.into(),
            classification: classification.into(),
            start_date: "2025".into(),
            end_date: "2025".into(),
            total_doc: "1".into(),
            number_of_page: "1".into(),
            ..Default::default()
        };
        ids.push(app.dossier(inventory, &input).await);
    }
    (ids[0], ids[1])
}

/// A real PDF, as a clerk's scanner or office software writes one.
fn real_pdf(text: &str) -> Vec<u8> {
    let doc = kho_documents::official::OfficialDocument {
        issuer: vec!["UBND XÃ MƯỜNG ẢNG".into()],
        number: None,
        national_heading: true,
        place_and_date: None,
        title: "BIÊN BẢN".into(),
        subtitle: None,
        body: vec![kho_documents::official::Paragraph::plain(text).into()],
        signatures: vec![],
    };
    kho_documents::official::to_pdf(&doc).unwrap()
}

async fn upload(session: &Session, dossier: i64, name: &str, bytes: Vec<u8>, with_csrf: bool) -> reqwest::Response {
    upload_to(session, &format!("/ho-so/{dossier}/tep"), &[(name, bytes)], with_csrf).await
}

async fn upload_to(session: &Session, path: &str, files: &[(&str, Vec<u8>)], with_csrf: bool) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()));
    }
    let query = if with_csrf { format!("?_csrf={}", session.csrf) } else { String::new() };
    session.client.post(format!("{}{path}{query}", session.base)).multipart(form).send().await.unwrap()
}

fn attachment_id(page: &str) -> i64 {
    let start = page.find("href=\"/tep/").expect("an attachment link") + "href=\"/tep/".len();
    page[start..].split('"').next().unwrap().parse().unwrap()
}

fn blob_files_contain(app: &App, needle: &[u8]) -> bool {
    fn walk(dir: &std::path::Path, needle: &[u8]) -> bool {
        std::fs::read_dir(dir).into_iter().flatten().flatten().any(|entry| {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, needle)
            } else {
                std::fs::read(&path).map(|b| b.windows(needle.len()).any(|w| w == needle)).unwrap_or(false)
            }
        })
    }
    walk(&app.catalogue.dir().join("blobs"), needle)
}

#[tokio::test]
async fn a_file_with_a_hostile_name_is_stored_by_its_hash_and_served_back() {
    for app in apps().await {
        let (public, _) = dossiers(&app).await;
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        let bytes = real_pdf("Biên bản giao nhận");
        let refused = upload(&session, public, "a.pdf", bytes.clone(), false).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{}: no CSRF token, no upload", app.label);

        let response = upload(&session, public, "../../Biên bản giao nhận.pdf", bytes.clone(), true).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let (_, page) = session.get(&format!("/ho-so/{public}")).await;
        assert!(page.contains("Biên bản giao nhận.pdf"), "only the last part of the name");
        let id = attachment_id(&page);
        let download = session.client.get(format!("{}/tep/{id}", app.base)).send().await.unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        let disposition = download.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.contains("filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n"), "{disposition}");
        assert_eq!(download.headers()["content-type"], "application/pdf");
        assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);

        let empty = upload(&session, public, "rong.pdf", vec![], true).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text().await.unwrap().contains("Tệp “rong.pdf”: tệp rỗng"));
    }
}

#[tokio::test]
async fn a_biên_bản_giao_nhận_keeps_its_signed_scan_and_the_giving_unit_s_letter() {
    for app in apps().await {
        let commune = app.unit_id("Xã Mường Ảng").await;
        let input = kho_model::accession::AccessionInput {
            received_on: "15/03/2026".into(),
            giving_unit_id: commune.to_string(),
            receiving_unit_id: app.archive.to_string(),
            giving_person: "Lò Văn Ảng".into(),
            receiving_person: "Nguyễn Thị Hường".into(),
            material: "Tài liệu UBND xã Mường Ảng".into(),
            ..Default::default()
        };
        let accession = app.store.create_accession(&input.parse().unwrap(), "test").await.unwrap();
        app.user("vanthu", Role::Archivist, Classification::None, &[commune], &[]).await;
        let session = app.login("vanthu").await;
        let path = format!("/tiep-nhan/{accession}/tep");

        let nothing = upload_to(&session, &path, &[("", vec![])], true).await;
        assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(nothing.text().await.unwrap().contains("Chưa chọn tệp nào."));

        let scan = real_pdf("Biên bản đã ký");
        let letter = real_pdf("Công văn đề nghị giao nộp");
        let response = upload_to(&session, &path, &[("Biên bản đã ký.pdf", scan.clone()), ("Công văn 12-UBND.pdf", letter)], true).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let (_, page) = session.get(&format!("/tiep-nhan/{accession}")).await;
        assert!(page.contains("Biên bản đã ký.pdf") && page.contains("Công văn 12-UBND.pdf"), "{page}");
        let id = attachment_id(&page);
        let download = session.client.get(format!("{}/tep/{id}", app.base)).send().await.unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.bytes().await.unwrap().to_vec(), scan);

        // Another commune's clerk sees neither the transfer nor its files, and may not add any.
        let other_unit = app.unit_id("Xã Búng Lao").await;
        app.user("khac", Role::Archivist, Classification::None, &[other_unit], &[]).await;
        let other = app.login("khac").await;
        assert_eq!(other.get(&format!("/tep/{id}")).await.0, StatusCode::NOT_FOUND);
        let refused = upload_to(&other, &path, &[("x.pdf", b"x".to_vec())], true).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        let files = app
            .store
            .list_attachments(&kho_model::access::Visibility::everything(), kho_store::AttachmentOwner::Accession(accession))
            .await
            .unwrap();
        assert_eq!(files.len(), 2, "nothing added by the refused upload");
        let audit =
            app.store.list_audit(&AuditFilter { action: Some("attachment.upload".into()), limit: 10, ..Default::default() }).await.unwrap();
        assert!(audit.1.iter().any(|e| e.detail.as_deref().is_some_and(|d| d.starts_with(&format!("biên bản giao nhận {accession};")))));
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_with_its_name_and_nothing_is_kept() {
    let config = kho_web::WebConfig { max_upload: 64 * 1024, ..Default::default() };
    let app = apps_with(config, false).await.remove(0);
    let (public, _) = dossiers(&app).await;
    app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
    let session = app.login("ltv").await;
    let response = upload(&session, public, "ban-do-lon.tif", vec![7u8; 200 * 1024], true).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("“ban-do-lon.tif” vượt quá giới hạn"), "{body}");
    assert!(
        app.store
            .list_attachments(&kho_model::access::Visibility::everything(), kho_store::AttachmentOwner::Dossier(public))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn classified_content_is_refused_outside_the_enclave() {
    for app in apps().await {
        let (_, secret) = dossiers(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        app.user("canbo.mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        let session = app.login("canbo.mat").await;
        let response = upload(&session, secret, "phuong-an.txt", SECRET_TEXT.as_bytes().to_vec(), true).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(response.text().await.unwrap().contains("mạng LAN độc lập"));
        assert!(!blob_files_contain(&app, SECRET_TEXT.as_bytes()));
    }
}

#[tokio::test]
async fn on_the_enclave_classified_content_is_sealed_and_unreadable_without_the_key() {
    let config = kho_web::WebConfig { enclave: true, ..Default::default() };
    for app in apps_with(config.clone(), true).await {
        let (_, secret) = dossiers(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        app.user("canbo.mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo.mat").await;
        let (_, page) = session.get(&format!("/ho-so/{secret}")).await;
        assert!(page.contains("mạng LAN độc lập — xử lý tài liệu thuộc bí mật nhà nước"), "the enclave says so on every page");
        let response = upload(&session, secret, "phuong-an.txt", SECRET_TEXT.as_bytes().to_vec(), true).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", app.label);
        assert!(!blob_files_contain(&app, SECRET_TEXT.as_bytes()), "no plaintext at rest");
        assert!(!blob_files_contain(&app, "Mường Ảng".as_bytes()));

        let (_, page) = session.get(&format!("/ho-so/{secret}")).await;
        let id = attachment_id(&page);
        assert!(page.contains("mã hóa"));
        let download = session.client.get(format!("{}/tep/{id}", app.base)).send().await.unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.text().await.unwrap(), SECRET_TEXT);
        let (_, audit) = app
            .store
            .list_audit(&AuditFilter { action: Some("attachment.download".into()), limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1, "the download is audited");

        let uncleared = app.login("canbo").await;
        assert_eq!(
            uncleared.get(&format!("/tep/{id}")).await.0,
            StatusCode::NOT_FOUND,
            "a file of a secret record does not exist for the uncleared"
        );

        // The key file is lost: the catalogue still answers; the content cannot be read.
        let keyless = app.restart(config.clone(), None).await;
        let client = session.client.clone();
        let page = client.get(format!("{keyless}/ho-so/{secret}")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let file = client.get(format!("{keyless}/tep/{id}")).send().await.unwrap();
        assert_eq!(file.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(file.text().await.unwrap().contains("khóa mã hóa"));
    }
}

/// The hostile corpus (`kho_digitize::hostile`) as attachments: each refused by what its bytes are,
/// with a Vietnamese message naming the file, nothing stored, every refusal in the audit trail,
/// and the server answering after each. Names are made safe to show and to save.
#[tokio::test]
async fn hostile_attachments_are_refused_by_their_content_and_names_made_safe() {
    let docx = kho_documents::official::to_docx(&kho_documents::official::OfficialDocument {
        issuer: vec!["UBND".into()],
        number: None,
        national_heading: false,
        place_and_date: None,
        title: "TỜ TRÌNH".into(),
        subtitle: None,
        body: vec![],
        signatures: vec![],
    })
    .unwrap();
    let hostile = kho_digitize::hostile::corpus();
    for app in apps().await {
        let (public, _) = dossiers(&app).await;
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        let blobs_before = blob_count(&app);
        for kho_digitize::hostile::Hostile { name, bytes, as_attachment: reason, .. } in &hostile {
            let response = upload(&session, public, name, bytes.clone(), true).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}: {name}", app.label);
            let page = response.text().await.unwrap();
            assert!(page.contains(&format!("Tệp “{name}”")) && page.contains(reason), "{}: {name} refused for “{reason}”", app.label);
            let health = session.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
            assert_eq!(health.status(), StatusCode::OK);
        }
        assert_eq!(blob_count(&app), blobs_before, "{}: nothing refused is stored", app.label);
        let filter =
            AuditFilter { action: Some("attachment.upload".into()), outcome: Some("refused".into()), limit: 50, ..Default::default() };
        let (refusals, rows) = app.store.list_audit(&filter).await.unwrap();
        assert_eq!(refusals as usize, hostile.len(), "{}: every refusal audited", app.label);
        assert!(rows.iter().all(|r| r.detail.as_deref().is_some_and(|d| d.contains("sha256"))));

        // What an archive needs is taken, each served with the type its bytes are.
        for (name, bytes, media) in [
            ("to-trinh.docx", docx.clone(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("ghi-chu.txt", "Ghi chú của văn thư".as_bytes().to_vec(), "text/plain; charset=utf-8"),
            ("hóa-đơn-\u{202e}fdp.exe.pdf", real_pdf("Hóa đơn"), "application/pdf"),
        ] {
            let response = upload(&session, public, name, bytes, true).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}: {name}", app.label);
            let attachments = app
                .store
                .list_attachments(&kho_model::access::Visibility::everything(), kho_store::AttachmentOwner::Dossier(public))
                .await
                .unwrap();
            let last = attachments.iter().max_by_key(|a| a.id).unwrap();
            assert_eq!(last.media_type, media, "{name}");
            assert!(!last.file_name.contains('\u{202e}'), "{}: no right-to-left override in “{}”", app.label, last.file_name);
        }
    }
}

fn blob_count(app: &App) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()
    }
    walk(&app.catalogue.dir().join("blobs"))
}

/// Văn bản sent by the e-office system, filed from their `.edxml` files: the clerk chooses two
/// (the VNPT shape and the Bkav shape) on the hồ sơ page; two văn bản arrive with their số, ký
/// hiệu, dates, issuing bodies, types and signers, each with its files, the PDF taken out of the
/// zip it came in. The same file again, or a status package beside a good file, files nothing and
/// says why per file; a reader may not file, another commune's clerk does not find the hồ sơ.
#[tokio::test]
async fn văn_bản_from_the_e_office_system_are_filed_from_their_edxml() {
    let fixture = |name: &str| std::fs::read(format!("{}/../documents/tests/edxml/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    for app in apps().await {
        let label = app.label;
        let (public, _) = dossiers(&app).await;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("vanthu", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("docgia", Role::Reader, Classification::None, &[unit], &[]).await;
        app.user("vanthu.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let clerk = app.login("vanthu").await;
        let (_, page) = clerk.get(&format!("/ho-so/{public}")).await;
        assert!(page.contains("id=\"edxml\"") && page.contains("QCVN 102:2016"), "{label}: offered on the hồ sơ page");

        let path = format!("/ho-so/{public}/edxml");
        let both = [("vnpt-cong-van.edxml", fixture("vnpt-cong-van.edxml")), ("bkav-quyet-dinh.edxml", fixture("bkav-quyet-dinh.edxml"))];
        let filed = upload_to(&clerk, &path, &both.iter().map(|(n, b)| (*n, b.clone())).collect::<Vec<_>>(), true).await;
        assert_eq!(filed.status(), StatusCode::SEE_OTHER, "{label}: {}", filed.text().await.unwrap());
        let documents = app.store.list_documents(&kho_model::access::Visibility::everything(), public).await.unwrap();
        let summary: Vec<(u32, String, String, String, &str)> = documents
            .iter()
            .map(|d| {
                (
                    d.fields.doc_ordinal,
                    format!("{}/{}", d.fields.code_number.clone().unwrap_or_default(), d.fields.code_notation.clone().unwrap_or_default()),
                    d.fields.issued_date.to_string(),
                    d.fields.organ_name.clone(),
                    d.fields.type_name.label(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (1, "1203/UBND-VP".into(), "04/11/2025".into(), "Văn phòng UBND tỉnh Điện Biên".into(), "Công văn"),
                (2, "45/QĐ-UBND".into(), "30/06/2025".into(), "UBND huyện Mường Ảng".into(), "Quyết định"),
            ],
            "{label}"
        );
        assert!(
            documents[1].fields.description.as_deref().unwrap_or_default().contains("Người ký: KT. CHỦ TỊCH, Phó Chủ tịch, Quàng Văn Hải")
        );
        let files = app
            .store
            .list_attachments(&kho_model::access::Visibility::everything(), kho_store::AttachmentOwner::Dossier(public))
            .await
            .unwrap();
        let carried: Vec<(&str, Option<i64>)> = files.iter().map(|f| (f.file_name.as_str(), f.document)).collect();
        assert_eq!(
            carried,
            [
                ("1203_UBND-VP.pdf", Some(documents[0].id)),
                ("45_QD-UBND_signed.pdf", Some(documents[1].id)),
                ("Phu luc danh sach.docx", Some(documents[1].id)),
            ],
            "{label}"
        );
        let pdf = clerk.client.get(format!("{}/tep/{}", app.base, files[0].id)).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(pdf.to_vec(), fixture("1203_UBND-VP.pdf"), "{label}: the PDF itself, out of its zip");
        let (_, page) = clerk.get(&format!("/ho-so/{public}")).await;
        assert!(page.contains("kèm văn bản") && page.contains("bàn giao hồ sơ, tài liệu của xã Mường Ảng &amp; xã Ẳng Nưa"), "{label}");

        // Again, and a status package beside a good file: nothing filed, each file's reason said.
        let again = upload_to(&clerk, &path, &[("vnpt-cong-van.edxml", fixture("vnpt-cong-van.edxml"))], true).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(again.text().await.unwrap().contains("đã có trong hồ sơ (văn bản số 1)"), "{label}");
        let mixed = upload_to(
            &clerk,
            &path,
            &[("trang-thai.edxml", fixture("trang-thai.edxml")), ("thu-hoi.edxml", fixture("thu-hoi.edxml"))],
            true,
        )
        .await;
        let text = mixed.text().await.unwrap();
        assert!(
            text.contains("trang-thai.edxml: Đây là gói trạng thái") && text.contains("thu-hoi.edxml: Gói này thu hồi"),
            "{label}: {text}"
        );
        let hong = upload_to(&clerk, &path, &[("hong.edxml", fixture("hong.edxml"))], true).await;
        assert_eq!(hong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(
            app.store.list_documents(&kho_model::access::Visibility::everything(), public).await.unwrap().len(),
            2,
            "{label}: nothing more"
        );

        let reader = app.login("docgia").await;
        assert_eq!(upload_to(&reader, &path, &[("a.edxml", fixture("bkav-quyet-dinh.edxml"))], true).await.status(), StatusCode::FORBIDDEN);
        let outsider = app.login("vanthu.khac").await;
        assert_eq!(
            upload_to(&outsider, &path, &[("a.edxml", fixture("bkav-quyet-dinh.edxml"))], true).await.status(),
            StatusCode::NOT_FOUND
        );
        let trail = AuditFilter { action: Some("document.edxml".into()), limit: 20, ..Default::default() };
        assert!(app.store.list_audit(&trail).await.unwrap().0 >= 4, "{label}: filed and refused, audited");
    }
}
