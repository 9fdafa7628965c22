//! Menus show what the role may use, as the permissions table says (a reader sees no Tiếp nhận,
//! Chỉnh lý or Hủy; an administrator's Quản trị is a live link), and every error page — 403,
//! 404, 405, a refused form — keeps the layout and the menu of the person signed in.

use crate::common;

use common::{apps, menu};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn menus_show_what_the_role_may_use() {
    for app in apps().await {
        let commune = app.unit_id("Xã Mường Ảng").await;
        let (x27, _) =
            kho_store::test_support::fonds_with_dossiers(&app.store, commune, "X27", &[("01", "Sổ đăng ký khai sinh năm 2001", "05", "4")])
                .await;
        let internal = ["/ke-hoach", "/tiep-nhan", "/phong", "/so-hoa"];
        let cases: [(&str, Role, &[i64], &[i64]); 5] = [
            ("docgia", Role::Reader, &[app.archive], &[]),
            ("quantri", Role::Admin, &[app.archive], &[]),
            ("lanhdao", Role::Leader, &[app.archive], &[]),
            ("xa", Role::Archivist, &[commune], &[]),
            ("sohoa", Role::Contractor, &[], &[x27]),
        ];
        for (username, role, units, assigned) in cases {
            app.user(username, role, Classification::None, units, assigned).await;
            let session = app.login(username).await;
            let (_, html) = session.get("/").await;
            let links = menu(&html);
            assert!(links.contains(&"/".to_string()) && links.contains(&"/tra-cuu".to_string()), "{username}: {links:?}");
            for href in internal {
                assert_eq!(links.contains(&href.to_string()), role != Role::Reader, "{username}: {href} in {links:?}");
            }
            let administers = matches!(role, Role::Admin | Role::Leader);
            assert_eq!(links.iter().any(|l| l.starts_with("/quan-tri")), administers, "{username}: {links:?}");
            assert!(!html.contains(r#"class="later">Quản trị"#), "{username}: Quản trị is never greyed");
            // The fonds page offers chỉnh lý and hủy only to those who see the archive's work.
            let (status, page) = session.get(&format!("/phong/{x27}")).await;
            if status == StatusCode::OK {
                assert_eq!(page.contains(&format!("/phong/{x27}/huy")), role != Role::Reader, "{username}");
            }
        }
        let admin = app.login("quantri").await;
        let (_, html) = admin.get("/").await;
        assert!(menu(&html).contains(&"/quan-tri".to_string()), "the administrator's Quản trị is a live link");
        let leader = app.login("lanhdao").await;
        let (_, html) = leader.get("/").await;
        let admin_link = menu(&html).into_iter().find(|l| l.starts_with("/quan-tri")).unwrap();
        assert_eq!(leader.get(&admin_link).await.0, StatusCode::OK, "the Lãnh đạo's Quản trị opens: {admin_link}");
    }
}

#[tokio::test]
async fn error_pages_keep_the_layout_and_the_menu() {
    for app in apps().await {
        app.user("docgia", Role::Reader, Classification::None, &[app.archive], &[]).await;
        app.user("tinh", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let reader = app.login("docgia").await;
        let archivist = app.login("tinh").await;
        let with_menu = |html: &str| menu(html).contains(&"/tra-cuu".to_string()) && html.contains("Đăng xuất");
        // 403: a page the role may not open.
        let (status, html) = reader.get("/ke-hoach").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(with_menu(&html) && html.contains("Không được phép"), "{html}");
        // 404: an address Kho does not have, and a record that does not exist.
        for path in ["/khong-co", "/ho-so/999999"] {
            let (status, html) = archivist.get(path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(with_menu(&html) && html.contains("Không tìm thấy"), "{path}: {html}");
        }
        // 405, its Allow header kept.
        let response = archivist.client.post(format!("{}/phong/moi", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "GET, HEAD");
        assert!(with_menu(&response.text().await.unwrap()));
        // 403 for a form without its anti-forgery token.
        let response = archivist.client.post(format!("{}/phong", app.base)).form(&[("code", "P9")]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(with_menu(&response.text().await.unwrap()));
        // Signed out, no menu: nothing to show, nobody to show it to.
        let response = app.client().get(format!("{}/khong-co", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!with_menu(&response.text().await.unwrap()));
        // The API still answers JSON.
        let response = archivist.client.get(format!("{}/api/v1/khong-co", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    }
}
