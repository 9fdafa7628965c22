//! Quản trị through its pages: an administrator creates an account with a scope and clearance,
//! issues and revokes an API token, and reads and exports the audit trail.

use crate::common;

use common::{apps, csrf_in};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn an_administrator_manages_accounts_tokens_and_reads_the_audit_trail() {
    for app in apps().await {
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;
        let commune = app.unit_id("Xã Nà Tấu").await.to_string();

        let weak = admin
            .post(
                "/quan-tri/tai-khoan",
                &[
                    ("username", "canbo.natau"),
                    ("fullName", "Văn thư xã Nà Tấu"),
                    ("role", "luu_tru_vien"),
                    ("clearance", "00"),
                    ("units", &commune),
                    ("password", "ngan"),
                ],
            )
            .await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(weak.text().await.unwrap().contains("ít nhất 10 ký tự"));
        let no_scope = admin
            .post(
                "/quan-tri/tai-khoan",
                &[("username", "canbo.natau"), ("fullName", "Văn thư"), ("role", "luu_tru_vien"), ("password", "mot-mat-khau-dai")],
            )
            .await;
        assert!(no_scope.text().await.unwrap().contains("ít nhất một đơn vị"));

        let created = admin
            .post(
                "/quan-tri/tai-khoan",
                &[
                    ("username", "canbo.natau"),
                    ("fullName", "Văn thư xã Nà Tấu"),
                    ("role", "luu_tru_vien"),
                    ("clearance", "01"),
                    ("units", &commune),
                    ("password", "mot-mat-khau-dai"),
                ],
            )
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        let back = created.headers()["location"].to_str().unwrap().to_string();
        let (_, saved) = admin.get(&back).await;
        assert!(saved.contains("role=\"status\">Đã lưu."), "{}: the list says the account was saved", app.label);
        let user = app.store.user_by_name("canbo.natau").await.unwrap().unwrap();
        // An administrator proposes a clearance; it waits for a Lãnh đạo.
        assert_eq!((user.role, user.clearance), (Role::Archivist, Classification::None));
        assert_eq!(user.proposed_clearance, Some(Classification::Confidential));
        assert_eq!(user.units.iter().map(|u| u.to_string()).collect::<Vec<_>>(), vec![commune.clone()]);
        let (_, list) = admin.get("/quan-tri").await;
        assert!(list.contains("Văn thư xã Nà Tấu") && list.contains("Xã Nà Tấu"));

        let (status, _, _) = app.try_login("canbo.natau", "mot-mat-khau-dai").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "the new account signs in");

        let user_id = user.id.to_string();
        let response = admin.post("/quan-tri/ma-truy-cap", &[("user_id", &user_id), ("name", "Máy quét phòng 2")]).await;
        // Issued to the administrator, whatever the form names: nobody acts under another's name.
        let page = response.text().await.unwrap();
        let start = page.find("id=\"new-token\">").unwrap() + "id=\"new-token\">".len();
        let token = page[start..].split('<').next().unwrap().to_string();
        assert!(token.starts_with("kho_"));
        let client = app.client();
        let call = |t: String| {
            let client = client.clone();
            let url = format!("{}/api/v1/fonds", app.base);
            async move { client.get(url).bearer_auth(t).send().await.unwrap().status() }
        };
        assert_eq!(call(token.clone()).await, StatusCode::OK);
        let (_, tokens_page) = admin.get("/quan-tri/ma-truy-cap").await;
        assert!(!tokens_page.contains(&token), "shown once only");
        let token_id = app.store.list_tokens().await.unwrap().last().unwrap().id;
        admin.post(&format!("/quan-tri/ma-truy-cap/{token_id}/thu-hoi"), &[]).await;
        assert_eq!(call(token).await, StatusCode::UNAUTHORIZED);

        let (status, audit) = admin.get("/quan-tri/nhat-ky?action=user.create").await;
        assert_eq!(status, StatusCode::OK);
        assert!(audit.contains("canbo.natau luu_tru_vien độ mật 00"), "the change is in the trail");
        let (_, proposals) = admin.get("/quan-tri/nhat-ky?action=user.clearance_propose").await;
        assert!(proposals.contains("đề xuất độ mật 01"), "and so is the proposal");
        let export = admin.client.get(format!("{}/quan-tri/nhat-ky.xlsx?actor=quantri", app.base)).send().await.unwrap();
        assert_eq!(export.status(), StatusCode::OK);
        assert_eq!(export.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let bytes = export.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "an XLSX (zip) workbook");
        assert!(csrf_in(&audit).is_some());
        assert_eq!(app.store.verify_audit(|_| {}).await.unwrap().map(|_| ()), Ok(()));
    }
}

/// A long trail is read a hundred entries at a time, newest first, each older page following the
/// last entry shown — no entry twice, none skipped; a mistyped address is the newest page.
#[tokio::test]
async fn the_audit_trail_is_read_page_by_page_along_its_sequence() {
    for app in apps().await {
        let label = app.label;
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        for i in 0..230 {
            let event = kho_store::AuditEvent {
                actor_id: None,
                actor_name: "may.quet".into(),
                action: "digitize.upload".into(),
                resource_kind: "batch".into(),
                resource_id: Some(i),
                outcome: "ok".into(),
                address: None,
                detail: Some(format!("tệp số {i}")),
            };
            app.store.audit(event).await.unwrap();
        }
        let admin = app.login("quantri").await;
        let seqs = |html: &str| -> Vec<i64> {
            html.split("<tr><td class=\"num\">").skip(1).filter_map(|row| row.split('<').next()?.parse().ok()).collect()
        };
        let mut seen = vec![];
        let mut path = "/quan-tri/nhat-ky?actor=may.quet".to_string();
        loop {
            let (status, page) = admin.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{label}");
            assert!(page.contains("230 bản ghi"), "{label}: the total of the filter");
            seen.extend(seqs(&page));
            let Some(at) = page.find("rel=\"next\"") else { break };
            let href = page[..at].rsplit("href=\"").next().unwrap().split('"').next().unwrap().replace("&amp;", "&");
            path = format!("/quan-tri/nhat-ky{href}");
        }
        assert_eq!(seen.len(), 230, "{label}: every entry once");
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "{label}: newest first, none twice");
        let (status, page) = admin.get("/quan-tri/nhat-ky?actor=may.quet&truoc=abc").await;
        assert_eq!((status, seqs(&page).first()), (StatusCode::OK, seen.first()), "{label}: a mistyped address is the newest page");
    }
}

/// An XLSX export holds at most `AUDIT_COUNT_MOST` entries, so no export holds a trail of
/// millions in memory: a filter that matches more is refused with what to do instead, and the
/// page offers no export for it. On SQLite only: the bound takes 100,001 entries to pass.
#[tokio::test]
async fn an_audit_export_past_its_bound_asks_for_a_narrower_filter() {
    let app = apps().await.into_iter().next().unwrap();
    app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
    let admin = app.login("quantri").await;
    for n in 0..=kho_store::AUDIT_COUNT_MOST {
        let event = kho_store::AuditEvent {
            actor_name: "tram.quet".into(),
            action: "dossier.view".into(),
            resource_kind: "dossier".into(),
            resource_id: Some(n),
            outcome: "ok".into(),
            ..Default::default()
        };
        app.store.audit(event).await.unwrap();
    }
    let (status, page) = admin.get("/quan-tri/nhat-ky?actor=tram.quet").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Hơn 100.000 bản ghi"), "{page}");
    assert!(!page.contains("nhat-ky.xlsx"), "no export offered past the bound");
    let refused = admin.client.get(format!("{}/quan-tri/nhat-ky.xlsx?actor=tram.quet", app.base)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.text().await.unwrap().contains("khoảng ngày ngắn hơn"));
    // Narrowed, it is exported whole.
    let (_, narrow) = admin.get("/quan-tri/nhat-ky?actor=quantri").await;
    assert!(narrow.contains("nhat-ky.xlsx?"));
    let export = admin.client.get(format!("{}/quan-tri/nhat-ky.xlsx?actor=quantri", app.base)).send().await.unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(&export.bytes().await.unwrap()[..2], b"PK");
}
