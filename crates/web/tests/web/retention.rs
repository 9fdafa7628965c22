//! The retention schedule on the web: Kho's suggestion says which rule matched and when the
//! retention ends; an administrator replaces the table, all or nothing.

use crate::common;

use common::apps;
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn a_suggestion_names_its_rule_and_the_year_retention_ends() {
    for app in apps().await {
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        let (status, page) = session.get("/thoi-han?tieu_de=S%E1%BB%95+%C4%91%C4%83ng+k%C3%BD+khai+sinh+n%C4%83m+2016&nam=2016").await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        let page = page.replace("&#x2f;", "/");
        assert!(page.contains("Gợi ý: Vĩnh viễn"), "{page}");
        assert!(page.contains("TT 04/2020/TT-BTP") || page.contains("NĐ 123/2015/NĐ-CP"));

        let api = app.api("ltv").await;
        let (status, body) = api.call(reqwest::Method::GET, "/api/v1/retention/suggest?title=C%C3%B4ng%20v%C4%83n%20trao%20%C4%91%E1%BB%95i%20v%E1%BB%81%20c%C3%B4ng%20t%C3%A1c%20quy%20ho%E1%BA%A1ch&closed=2015", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["maintenance"], "07", "{body}");
        assert_eq!(body["expires"], 2020, "5 years from 2015");
        assert_eq!(body["source"], "TT 10/2022/TT-BNV");
        let (_, rules) = api.call(reqwest::Method::GET, "/api/v1/retention", None).await;
        assert_eq!(rules.as_array().unwrap().len(), 343);

        // Where the best match is a superseded rule, the rules in force that come close are shown
        // beside it: the archivist weighs them, not only the first.
        let title = "Hồ sơ quy hoạch cán bộ lãnh đạo, quản lý UBND xã nhiệm kỳ 2020-2025";
        let query = serde_urlencoded::to_string([("tieu_de", title)]).unwrap();
        let (_, page) = session.get(&format!("/thoi-han?{query}")).await;
        assert!(page.contains("Quy tắc gần khác"), "{page}");
        assert!(page.contains("Hồ sơ về quy hoạch cán bộ, công chức, viên chức - Các thành phần tài liệu khác"), "{page}");
        let query = serde_urlencoded::to_string([("title", title)]).unwrap();
        let (_, body) = api.call(reqwest::Method::GET, &format!("/api/v1/retention/suggest?{query}"), None).await;
        let others = body["others"].as_array().unwrap();
        assert_eq!(others.len(), 2, "{body}");
        assert!(others.iter().all(|o| o["source"] == "TT 10/2022/TT-BNV" && o["score"].as_i64() < body["score"].as_i64()), "{body}");

        // And on the hồ sơ of that title, beside the retention it carries.
        let unit = app.unit_id("Huyện Mường Ảng").await;
        let fonds = kho_model::record::FondsInput {
            code: "P05".into(),
            name: "UBND huyện Mường Ảng".into(),
            unit_id: unit.to_string(),
            status: "02".into(),
            ..Default::default()
        };
        let (_, inventory) = app.fonds_with_inventory(fonds).await;
        let dossier = app.dossier(inventory, &common::dossier_input("01-TCCB", title, false)).await;
        let (_, page) = session.get(&format!("/ho-so/{dossier}")).await;
        assert!(
            page.contains("Gợi ý thời hạn bảo quản") && page.contains("Hoặc: “Hồ sơ về quy hoạch cán bộ, công chức, viên chức"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn an_administrator_replaces_the_schedule_all_or_nothing() {
    for app in apps().await {
        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;
        let upload = |csv: &'static str| {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("bang.csv"));
            admin.client.post(format!("{}/quan-tri/thoi-han?_csrf={}", app.base, admin.csrf)).multipart(form).send()
        };
        let header = "source,group,item_no,title,retention,retention_years,retention_code,confidence\n";
        let bad: &'static str = Box::leak(
            format!("{header}TT 10/2022/TT-BNV,I,1,Hồ sơ hội nghị,Vĩnh viễn,,01,read\nTT 10/2022/TT-BNV,I,2,Công văn,10 năm,x,06,read\n")
                .into_boxed_str(),
        );
        let response = upload(bad).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let page = response.text().await.unwrap();
        assert!(page.contains("dòng 3, cột retention_years"), "{page}");
        assert_eq!(app.store.retention_rules().await.unwrap().len(), 343, "the old table stays");

        let good: &'static str = Box::leak(format!("{header}TT 10/2022/TT-BNV,I,1,Hồ sơ hội nghị tổng kết,Vĩnh viễn,,01,read\nTT 10/2022/TT-BNV,I,2,Công văn trao đổi,10 năm,10,06,read\n").into_boxed_str());
        let response = upload(good).await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.store.retention_rules().await.unwrap().len(), 2);

        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let clerk = app.login("ltv").await;
        let form =
            reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(good.as_bytes().to_vec()).file_name("bang.csv"));
        let refused =
            clerk.client.post(format!("{}/quan-tri/thoi-han?_csrf={}", app.base, clerk.csrf)).multipart(form).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "only administrators replace the table");

        // The same by API: refused whole with the problems listed, or replaced.
        let (api, clerk_api) = (app.api("quantri").await, app.api("ltv").await);
        let put = |token: &str, csv: &'static str| {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("bang.csv"));
            api.client.put(format!("{}/api/v1/retention", app.base)).bearer_auth(token).multipart(form).send()
        };
        let refused = put(&api.token, bad).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let refused: serde_json::Value = refused.json().await.unwrap();
        assert!(refused["problems"][0].as_str().unwrap().contains("dòng 3, cột retention_years"), "{refused}");
        assert_eq!(app.store.retention_rules().await.unwrap().len(), 2, "unchanged");
        assert_eq!(put(&clerk_api.token, good).await.unwrap().status(), StatusCode::FORBIDDEN, "{}", app.label);
        let one: &'static str =
            Box::leak(format!("{header}TT 10/2022/TT-BNV,I,1,Hồ sơ hội nghị tổng kết,Vĩnh viễn,,01,read\n").into_boxed_str());
        let replaced = put(&api.token, one).await.unwrap();
        assert_eq!(replaced.status(), StatusCode::OK, "{}", app.label);
        assert_eq!(replaced.json::<serde_json::Value>().await.unwrap()["rules"], 1);
        assert_eq!(app.store.retention_rules().await.unwrap().len(), 1);
    }
}
