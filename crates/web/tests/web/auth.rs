//! Accounts under attack: wrong passwords, lockout, throttling, CSRF missing or replayed, expired
//! sessions, revoked tokens, guessed ids of other communes' and secret records — and the audit
//! trail that records views of classified material.

use crate::common;

use common::{App, PASSWORD, apps, csrf_in};
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::record::{DossierInput, FondsInput};
use kho_store::AuditFilter;
use reqwest::StatusCode;

const WRONG: &str = "Tên đăng nhập hoặc mật khẩu không đúng.";

async fn sql(app: &App, statement: &str) {
    app.catalogue.tamper(statement).await;
}

/// A commune fonds with one public and one Mật dossier; returns (public id, secret id).
async fn commune_records(app: &App, commune: &str, code: &str) -> (i64, i64) {
    let unit = app.unit_id(commune).await;
    let fonds = FondsInput { code: code.into(), name: format!("Phông {code}"), unit_id: unit.to_string(), ..Default::default() };
    let (_, inventory) = app.fonds_with_inventory(fonds).await;
    let mut ids = vec![];
    for (notation, mode, classification) in [("1", "01", "00"), ("2", "03", "01")] {
        let input = DossierInput {
            notation: notation.into(),
            title: format!("Hồ sơ {notation} của {commune}"),
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

#[tokio::test]
async fn wrong_passwords_never_say_which_part_and_lock_the_name_after_five() {
    for app in apps().await {
        app.user("canbo", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let (status, _, body) = app.try_login("khong-co-ai", PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{}", app.label);
        assert!(body.contains(WRONG));
        for _ in 0..5 {
            let (status, _, body) = app.try_login("canbo", "sai-mat-khau-roi").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert!(body.contains(WRONG), "same message for a known name");
        }
        let (status, _, body) = app.try_login("canbo", PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "locked even with the right password");
        assert!(body.contains("tạm khóa"), "{body}");
        // An unknown name is locked the same way: lockout does not reveal which names exist.
        for _ in 0..5 {
            app.try_login("khong-ton-tai", "x").await;
        }
        let (_, _, body) = app.try_login("khong-ton-tai", "x").await;
        assert!(body.contains("tạm khóa"));
        let (entries_total, _) =
            app.store.list_audit(&AuditFilter { action: Some("login".into()), limit: 100, ..Default::default() }).await.unwrap();
        assert!(entries_total >= 12, "every attempt is in the audit trail");
    }
}

#[tokio::test]
async fn too_many_attempts_from_one_address_are_throttled() {
    let app = apps().await.remove(0);
    let mut last = StatusCode::OK;
    for i in 0..25 {
        last = app.try_login(&format!("ten-{i}"), "x").await.0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forms_without_or_with_a_replayed_csrf_token_are_refused() {
    for app in apps().await {
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        let unit = app.unit_id("Xã Mường Ảng").await.to_string();
        let form = [("code", "P77"), ("name", "Phông thử"), ("unitId", unit.as_str())];
        let missing = session.client.post(format!("{}/phong", app.base)).form(&form).send().await.unwrap();
        assert_eq!(missing.status(), StatusCode::FORBIDDEN, "{}", app.label);
        assert!(missing.text().await.unwrap().contains("Biểu mẫu đã hết hiệu lực"));

        // Sign out, sign in again: the old page's token belongs to a dead session.
        let old_token = session.csrf.clone();
        let response = session.post("/dang-xuat", &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let fresh = app.login("ltv").await;
        let mut replay: Vec<(&str, &str)> = form.to_vec();
        replay.push(("_csrf", &old_token));
        let replayed = fresh.client.post(format!("{}/phong", app.base)).form(&replay).send().await.unwrap();
        assert_eq!(replayed.status(), StatusCode::FORBIDDEN);

        let ok = fresh.post("/phong", &form).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "the live token works");
        assert!(app.store.list_fonds(&kho_model::access::Visibility::everything()).await.unwrap().len() == 1, "only one fonds was created");
    }
}

#[tokio::test]
async fn without_a_session_pages_send_you_to_login_and_the_api_answers_401() {
    for app in apps().await {
        let client = app.client();
        let page = client.get(format!("{}/phong", app.base)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()["location"], "/dang-nhap?tiep=%2Fphong");
        let api = client.get(format!("{}/api/v1/fonds", app.base)).send().await.unwrap();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = api.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthenticated");
        let forged = client.get(format!("{}/api/v1/fonds", app.base)).bearer_auth("kho_khong-phai-ma-that").send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::UNAUTHORIZED, "{}", app.label);
    }
}

#[tokio::test]
async fn an_expired_session_ends_and_login_only_follows_local_paths() {
    for app in apps().await {
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        assert_eq!(session.get("/phong").await.0, StatusCode::OK);
        sql(&app, "UPDATE sessions SET last_seen_at = '2020-01-01T00:00:00Z'").await;
        let response = session.client.get(format!("{}/phong", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}: idle session expired", app.label);

        let session = app.login("ltv").await;
        sql(&app, "UPDATE sessions SET created_at = '2020-01-01T00:00:00Z'").await;
        assert_eq!(
            session.client.get(format!("{}/phong", app.base)).send().await.unwrap().status(),
            StatusCode::SEE_OTHER,
            "absolute timeout"
        );

        let client = app.client();
        let page = client.get(format!("{}/dang-nhap", app.base)).send().await.unwrap().text().await.unwrap();
        let token = csrf_in(&page).unwrap();
        let response = client
            .post(format!("{}/dang-nhap", app.base))
            .form(&[("username", "ltv"), ("password", PASSWORD), ("tiep", "//ke-gian.example/"), ("_csrf", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], "/", "no open redirect");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("kho_session="))
            .unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    }
}

#[tokio::test]
async fn a_revoked_token_or_a_disabled_users_token_gets_401() {
    for app in apps().await {
        let id = app.user("may-quet", Role::Contractor, Classification::None, &[app.archive], &[]).await;
        let api = app.api("may-quet").await;
        assert_eq!(api.call(reqwest::Method::GET, "/api/v1/fonds", None).await.0, StatusCode::OK, "{}", app.label);
        let token_id = app.store.list_tokens().await.unwrap().last().unwrap().id;
        app.store.revoke_token(token_id).await.unwrap();
        assert_eq!(api.call(reqwest::Method::GET, "/api/v1/fonds", None).await.0, StatusCode::UNAUTHORIZED);

        let api = app.api("may-quet").await;
        let mut settings = kho_store::UserSettings {
            full_name: "x".into(),
            role: Role::Contractor,
            clearance: Classification::None,
            disabled: true,
            units: [app.archive].into(),
            fonds: Default::default(),
        };
        app.store.update_user(id, &settings).await.unwrap();
        assert_eq!(api.call(reqwest::Method::GET, "/api/v1/fonds", None).await.0, StatusCode::UNAUTHORIZED);
        settings.disabled = false;
        app.store.update_user(id, &settings).await.unwrap();
        assert_eq!(api.call(reqwest::Method::GET, "/api/v1/fonds", None).await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn another_communes_record_and_a_secret_above_clearance_answer_404_and_views_of_secrets_are_audited() {
    for app in apps().await {
        let (a_public, a_secret) = commune_records(&app, "Xã Mường Ảng", "XA").await;
        let (b_public, _) = commune_records(&app, "Xã Mường Phăng", "XB").await;
        let unit_a = app.unit_id("Xã Mường Ảng").await;
        app.user("canbo.a", Role::Archivist, Classification::None, &[unit_a], &[]).await;
        app.user("canbo.a.mat", Role::Archivist, Classification::Confidential, &[unit_a], &[]).await;
        let clerk = app.login("canbo.a").await;
        assert_eq!(clerk.get(&format!("/ho-so/{a_public}")).await.0, StatusCode::OK, "{}", app.label);
        let (status, body) = clerk.get(&format!("/ho-so/{b_public}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("Mường Phăng"), "nothing of the record leaks");
        let (status, body) = clerk.get(&format!("/ho-so/{a_secret}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("Hồ sơ 2"));
        let (_, list) = clerk.get("/tra-cuu?q=ho%20so").await;
        assert!(list.contains("1–1 / 1 kết quả cho"), "search counts only what the clerk may see: {list}");
        let api = app.api("canbo.a").await;
        let (status, body) = api.call(reqwest::Method::GET, &format!("/api/v1/dossiers/{a_secret}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["message"], "Không tìm thấy hồ sơ.", "same answer as for a missing id");

        let cleared = app.login("canbo.a.mat").await;
        let (status, body) = cleared.get(&format!("/ho-so/{a_secret}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Mật"));
        let (_, views) = app
            .store
            .list_audit(&AuditFilter { action: Some("dossier.view".into()), resource_id: Some(a_secret), limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert!(views.iter().any(|e| e.actor_name == "canbo.a.mat" && e.outcome == "ok"), "the view is audited");
        let (_, denied) = app
            .store
            .list_audit(&AuditFilter { actor: Some("canbo.a".into()), outcome: Some("denied".into()), limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert!(denied.len() >= 3, "guesses are audited too");
        assert_eq!(app.store.verify_audit(|_| {}).await.unwrap().map(|_| ()), Ok(()));
    }
}

#[tokio::test]
async fn nobody_records_what_they_could_not_see_and_admins_cannot_raise_their_own_clearance() {
    for app in apps().await {
        let (a_public, _) = commune_records(&app, "Xã Mường Ảng", "XA").await;
        let unit_a = app.unit_id("Xã Mường Ảng").await;
        app.user("canbo.a", Role::Archivist, Classification::None, &[unit_a], &[]).await;
        let clerk = app.login("canbo.a").await;
        let dossier = app.store.dossier(a_public).await.unwrap();
        let mut form: Vec<(String, String)> = serde_json::to_value(kho_model::record::DossierInput::from(&dossier.fields))
            .unwrap()
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        for (k, v) in form.iter_mut() {
            if k == "classification" {
                *v = "01".into();
            }
            if k == "mode" {
                *v = "03".into();
            }
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let response = clerk.post(&format!("/ho-so/{a_public}"), &pairs).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(response.text().await.unwrap().contains("bạn chỉ được tiếp cận"));

        let admin_id = app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;
        let archive = app.archive.to_string();
        let response = admin
            .post(
                &format!("/quan-tri/tai-khoan/{admin_id}"),
                &[("fullName", "Quản trị"), ("role", "quan_tri"), ("clearance", "03"), ("units", &archive)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.store.user(admin_id).await.unwrap().clearance, Classification::None);
        let (status, _) = admin.get(&format!("/ho-so/{a_public}")).await;
        assert_eq!(status, StatusCode::OK, "administrators read unclassified records");
    }
}
