//! Text a Vietnamese user reads: every time in Vietnam time (DD/MM/YYYY HH:MM), the audit trail's
//! codes as Vietnamese descriptions (the codes kept beside them, on the page and in the XLSX),
//! retention rules of a superseded text marked in Vietnamese, a file picker with Vietnamese
//! text, and an icon at `/favicon.ico` so no page logs a 404.

use crate::common;

use common::apps;
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::vn;
use reqwest::StatusCode;

#[tokio::test]
async fn times_are_vietnam_time_and_the_audit_trail_reads_in_vietnamese() {
    for app in apps().await {
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;
        let (status, html) = admin.get("/quan-tri/nhat-ky?action=login").await;
        assert_eq!(status, StatusCode::OK);
        let filter = kho_store::AuditFilter { action: Some("login".into()), limit: 10, ..Default::default() };
        let (_, entries) = app.store.list_audit(&filter).await.unwrap();
        let stored = &entries[0].at;
        assert!(stored.ends_with('Z'), "stored in UTC: {stored}");
        let shown = vn::moment(stored);
        assert_eq!(shown.len(), "DD/MM/YYYY HH:MM".len(), "{shown}");
        assert!(html.contains(&format!("<td>{shown}</td>")), "{shown} in {html}");
        assert!(!html.contains("UTC") && !html.contains(stored.as_str()), "no UTC time shown");
        // The codes in Vietnamese, each code kept beside it.
        assert!(html.contains(r#"<span title="login">Đăng nhập</span>"#), "{html}");
        assert!(html.contains(r#"<span title="ok">Thành công</span>"#), "{html}");
        assert!(html.contains(r#"<span title="session">phiên làm việc</span>"#), "{html}");

        // The XLSX: the same time and words, the codes in columns of their own.
        let response = admin.client.get(format!("{}/quan-tri/nhat-ky.xlsx?action=login", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut strings = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
        for text in ["Thời gian (giờ Việt Nam)", "Mã hành động", shown.as_str(), "Đăng nhập", "login", "Thành công"] {
            assert!(strings.contains(text), "{text} in the workbook");
        }
        assert!(!strings.contains(stored.as_str()));

        // The plan page says when the plan was loaded, in the same way.
        let plan = app.store.plan().await.unwrap().unwrap();
        let (_, html) = admin.get("/ke-hoach").await;
        assert!(html.contains(&format!("nạp lúc {}", vn::moment(&plan.imported_at))), "{html}");
    }
}

#[tokio::test]
async fn the_icon_the_retention_sources_and_the_file_picker_speak_to_people() {
    for app in apps().await {
        // /favicon.ico, cached for long; pages link the versioned icon.
        let response = app.client().get(format!("{}/favicon.ico", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "image/x-icon");
        assert!(response.headers()["cache-control"].to_str().unwrap().contains("max-age=31536000"));
        let icon = response.bytes().await.unwrap();
        assert_eq!(&icon[..4], &[0, 0, 1, 0], "an ICO file");
        let login = app.client().get(format!("{}/dang-nhap", app.base)).send().await.unwrap().text().await.unwrap();
        let link = login.split(r#"<link rel="icon" href=""#).nth(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).unwrap();
        assert!(link.starts_with("/static/favicon.") && link.ends_with(".ico"), "{link}");

        let unit = app.unit_id("Xã Mường Ảng").await;
        app.user("xa", Role::Archivist, Classification::None, &[unit], &[]).await;
        let clerk = app.login("xa").await;
        // Retention rules of a superseded text say so in Vietnamese.
        let (_, html) = clerk.get("/thoi-han?q=09%2F2011").await;
        assert!(html.contains("(đã được thay thế)") && !html.contains("superseded"), "the rules of TT 09/2011");
        // The file picker's visible text is Vietnamese; the native control stays, hidden.
        let (fonds, _) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &[]).await;
        let (_, html) = clerk.get(&format!("/phong/{fonds}/nhap-muc-luc")).await;
        assert!(html.contains(r#"<span class="file-pick"><input id="f-file" type="file" name="file""#), "{html}");
        assert!(html.contains(r#"<label for="f-file" class="button secondary">Chọn tệp…</label>"#), "{html}");
        assert!(html.contains("Chưa chọn tệp nào"));
    }
}

/// Every form a browser posts carries the anti-forgery token where the guard reads it: in the
/// form's fields, or for a file upload (multipart, whose body the guard does not read) in its
/// action's query. A form that put it elsewhere would be refused as stale on every save.
#[test]
fn every_posted_form_carries_its_token_where_the_guard_reads_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap();
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap()];
            if !tag.contains("method=\"post\"") {
                continue;
            }
            let body = &form[..form.find("</form>").unwrap_or(form.len())];
            let ok = if tag.contains("multipart/form-data") { tag.contains("_csrf=") } else { body.contains("name=\"_csrf\"") };
            assert!(ok, "{}: a form without its token where the guard reads it: <form{tag}>", path.display());
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked} forms checked");
}
