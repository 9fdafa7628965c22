//! Nobody grants what they do not hold: the escalations an insider tried — an administrator
//! without clearance making a Tuyệt mật account and signing in as it, issuing a token under
//! someone else's name, having a second administrator raise their clearance, resetting a cleared
//! leader's password; a commune clerk making their commune the province archive — each refused,
//! and the two-person path (an administrator proposes, a cleared Lãnh đạo approves) shown working.

use crate::common;

use common::{App, PASSWORD};
use kho_model::access::Role;
use kho_model::record::{DossierInput, FondsInput};
use kho_model::{Classification, UnitKind};
use reqwest::StatusCode;

/// A commune's fonds holding one Mật hồ sơ: (commune unit, the secret hồ sơ).
async fn secret(app: &App) -> (i64, i64) {
    let commune = app.unit_id("Xã Mường Ảng").await;
    let fonds =
        FondsInput { code: "X27".into(), name: "UBND xã Mường Ảng".into(), unit_id: commune.to_string(), ..Default::default() };
    let (_, inventory) = app.fonds_with_inventory(fonds).await;
    let input = DossierInput {
        notation: "02-QS".into(),
        title: "Hồ sơ quốc phòng".into(),
        maintenance: "01".into(),
        mode: "03".into(),
        classification: "03".into(),
        start_date: "2025".into(),
        end_date: "2025".into(),
        total_doc: "1".into(),
        number_of_page: "3".into(),
        ..Default::default()
    };
    (commune, app.dossier(inventory, &input).await)
}

fn account<'a>(username: &'a str, role: &'a str, clearance: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("username", username),
        ("fullName", username),
        ("role", role),
        ("clearance", clearance),
        ("units", unit),
        ("password", "mot-mat-khau-dai-hon"),
    ]
}

#[tokio::test]
async fn an_administrator_without_clearance_cannot_reach_a_secret_in_any_step() {
    for app in common::apps().await {
        let (_, secret) = secret(&app).await;
        let archive = app.archive.to_string();
        let admin_id = app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;

        // 1. A Tuyệt mật account made and signed in as: it is made uncleared, the clearance proposed.
        let made = admin.post("/quan-tri/tai-khoan", &account("bi.mat", "luu_tru_vien", "03", &archive)).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let made = app.store.user_by_name("bi.mat").await.unwrap().unwrap();
        assert_eq!((made.clearance, made.proposed_clearance), (Classification::None, Some(Classification::TopSecret)));
        let (status, client, _) = app.try_login("bi.mat", "mot-mat-khau-dai-hon").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let seen = client.get(format!("{}/ho-so/{secret}", app.base)).send().await.unwrap().status();
        assert_eq!(seen, StatusCode::NOT_FOUND, "{}: the secret does not exist for it", app.label);

        // 2. A token for another account: issued to the administrator, whatever the form says.
        admin.post("/quan-tri/ma-truy-cap", &[("user_id", &made.id.to_string()), ("name", "Của người khác")]).await;
        let tokens = app.store.list_tokens().await.unwrap();
        assert!(tokens.iter().all(|t| t.user_id == admin_id), "{}: {tokens:?}", app.label);

        // 3. A second administrator raising the first one's clearance: only a proposal.
        app.user("quantri2", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let second = app.login("quantri2").await;
        let raised = second
            .post(
                &format!("/quan-tri/tai-khoan/{admin_id}"),
                &[("fullName", "Quản trị"), ("role", "quan_tri"), ("clearance", "03"), ("units", &archive)],
            )
            .await;
        assert_eq!(raised.status(), StatusCode::SEE_OTHER);
        let first = app.store.user(admin_id).await.unwrap();
        assert_eq!((first.clearance, first.proposed_clearance), (Classification::None, Some(Classification::TopSecret)), "{}", app.label);
        let (status, _) = admin.get(&format!("/ho-so/{secret}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // 4. A cleared leader's password reset to sign in as them: refused, the password unchanged.
        let leader = app.user("lanhdao", Role::Leader, Classification::TopSecret, &[app.archive], &[]).await;
        let reset = admin.post(&format!("/quan-tri/tai-khoan/{leader}/mat-khau"), &[("password", "mat-khau-cua-ke-gian")]).await;
        assert_eq!(reset.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(reset.text().await.unwrap().contains("kho user password"));
        assert_eq!(app.try_login("lanhdao", "mat-khau-cua-ke-gian").await.0, StatusCode::UNAUTHORIZED, "the new password does not sign in");
        assert_eq!(app.try_login("lanhdao", PASSWORD).await.0, StatusCode::SEE_OTHER);

        // The administrator's own scope stays as it is.
        let commune = app.unit_id("Xã Nà Tấu").await.to_string();
        let own = admin
            .post(
                &format!("/quan-tri/tai-khoan/{admin_id}"),
                &[("fullName", "Quản trị"), ("role", "quan_tri"), ("clearance", "00"), ("units", &commune)],
            )
            .await;
        assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.store.user(admin_id).await.unwrap().units, [app.archive].into());

        // Every step is in the trail the leader reads.
        let (_, trail) = app.login("lanhdao").await.get("/quan-tri/nhat-ky?action=user.clearance_propose").await;
        assert!(trail.contains("đề xuất độ mật 03"), "{}", app.label);
    }
}

#[tokio::test]
async fn a_cleared_leader_approves_a_proposal_up_to_their_own_clearance_and_never_their_own() {
    for app in common::apps().await {
        let archive = app.archive.to_string();
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let leader_id = app.user("lanhdao", Role::Leader, Classification::Secret, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;
        admin.post("/quan-tri/tai-khoan", &account("ltv.mat", "luu_tru_vien", "02", &archive)).await;
        admin.post("/quan-tri/tai-khoan", &account("ltv.tuyetmat", "luu_tru_vien", "03", &archive)).await;
        let raise_leader = &[("fullName", "lanhdao"), ("role", "lanh_dao"), ("clearance", "03"), ("units", archive.as_str())];
        admin.post(&format!("/quan-tri/tai-khoan/{leader_id}"), raise_leader).await;

        let leader = app.login("lanhdao").await;
        let (status, page) = leader.get("/quan-tri/do-mat").await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert!(page.contains("ltv.mat") && page.contains("ltv.tuyetmat"));
        let approve = |name: &str| {
            let name = name.to_string();
            let app = &app;
            async move { app.store.user_by_name(&name).await.unwrap().unwrap().id }
        };
        let within = approve("ltv.mat").await;
        let above = approve("ltv.tuyetmat").await;
        assert_eq!(leader.post(&format!("/quan-tri/do-mat/{within}"), &[("quyet_dinh", "duyet")]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.store.user(within).await.unwrap().clearance, Classification::Secret, "{}", app.label);
        assert_eq!(
            leader.post(&format!("/quan-tri/do-mat/{above}"), &[("quyet_dinh", "duyet")]).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(app.store.user(above).await.unwrap().clearance, Classification::None);
        assert_eq!(
            leader.post(&format!("/quan-tri/do-mat/{leader_id}"), &[("quyet_dinh", "duyet")]).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(app.store.user(leader_id).await.unwrap().clearance, Classification::Secret, "not their own");
        // The administrator may not decide at all; refusing closes a proposal.
        assert_eq!(admin.post(&format!("/quan-tri/do-mat/{above}"), &[("quyet_dinh", "duyet")]).await.status(), StatusCode::FORBIDDEN);
        leader.post(&format!("/quan-tri/do-mat/{above}"), &[("quyet_dinh", "tu_choi")]).await;
        assert_eq!(app.store.user(above).await.unwrap().proposed_clearance, None);
    }
}

#[tokio::test]
async fn a_commune_clerk_cannot_make_their_commune_the_province_archive() {
    for app in common::apps().await {
        let (commune, _) = secret(&app).await;
        let other = app.unit_id("Xã Nà Tấu").await;
        let other_fonds =
            FondsInput { code: "X30".into(), name: "UBND xã Nà Tấu".into(), unit_id: other.to_string(), ..Default::default() };
        let (other_fonds, _) = app.fonds_with_inventory(other_fonds).await;
        app.user("canbo", Role::Archivist, Classification::None, &[commune], &[]).await;
        let clerk = app.login("canbo").await;
        let to_archive = [("name", "Xã Mường Ảng"), ("kind", UnitKind::ProvinceArchive.code())];
        let response = clerk.post(&format!("/don-vi/{commune}/sua"), &to_archive).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(response.text().await.unwrap().contains("chỉ quản trị hệ thống được đổi"));
        assert_eq!(app.store.unit(commune).await.unwrap().kind, UnitKind::Commune);
        let (status, _) = app.login("canbo").await.get(&format!("/phong/{other_fonds}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}: still one commune's clerk", app.label);
        // The clerk still describes their commune; the trail keeps before and after.
        let rename = [("name", "Xã Mường Ảng (mới)"), ("kind", UnitKind::Commune.code())];
        assert_eq!(clerk.post(&format!("/don-vi/{commune}/sua"), &rename).await.status(), StatusCode::SEE_OTHER);
        let filter =
            kho_store::AuditFilter { action: Some("unit.update".into()), outcome: Some("ok".into()), limit: 10, ..Default::default() };
        let (_, rows) = app.store.list_audit(&filter).await.unwrap();
        assert!(rows.iter().any(|r| r.detail.as_deref().is_some_and(|d| d.contains("“Xã Mường Ảng” → “Xã Mường Ảng (mới)”"))), "{rows:?}");
    }
}

/// Another commune's figures are not the clerk's to read: the Kế hoạch page shows the received
/// metres of the units in the clerk's scope only.
#[tokio::test]
async fn the_plan_page_shows_a_commune_clerk_only_their_communes_figures() {
    for app in common::apps().await {
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Nà Tấu").await.to_string();
        let archive = app.archive.to_string();
        app.user("luutru", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let province = app.login("luutru").await;
        let form = [
            ("receivedOn", "15/03/2026"),
            ("givingUnitId", other.as_str()),
            ("receivingUnitId", archive.as_str()),
            ("givingPerson", "Lò Văn Ảng"),
            ("receivingPerson", "Nguyễn Thị Hường"),
            ("material", "Tài liệu xã Nà Tấu"),
            ("metres", "1397"),
        ];
        assert_eq!(province.post("/tiep-nhan", &form).await.status(), StatusCode::SEE_OTHER, "{}", app.label);
        let (_, page) = province.get("/ke-hoach").await;
        assert!(page.contains("1.397"), "{}: the province sees it", app.label);
        app.user("canbo", Role::Archivist, Classification::None, &[commune], &[]).await;
        let (_, page) = app.login("canbo").await.get("/ke-hoach").await;
        assert!(!page.contains("1.397"), "{}: another commune's metres are not shown to the clerk", app.label);
    }
}

/// A reader uses the public catalogue; the archive's own work — accessions, chỉnh lý, danh mục
/// hủy — is not theirs, even typed into the address bar.
#[tokio::test]
async fn a_reader_cannot_open_the_archives_internal_work() {
    for app in common::apps().await {
        let commune = app.unit_id("Xã Mường Ảng").await;
        let fonds = FondsInput { code: "X27".into(), name: "UBND xã".into(), unit_id: commune.to_string(), ..Default::default() };
        let (fonds, _) = app.fonds_with_inventory(fonds).await;
        app.user("docgia", Role::Reader, Classification::None, &[app.archive, commune], &[]).await;
        let reader = app.login("docgia").await;
        for path in ["/tiep-nhan".to_string(), format!("/phong/{fonds}/huy"), format!("/phong/{fonds}/chinh-ly")] {
            assert_eq!(reader.get(&path).await.0, StatusCode::FORBIDDEN, "{}: {path}", app.label);
        }
        assert_eq!(reader.get(&format!("/phong/{fonds}")).await.0, StatusCode::OK, "{}: the fonds itself is theirs to read", app.label);
    }
}
