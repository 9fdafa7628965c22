//! Entering văn bản one after another, as a clerk does all day: after saving, back on the hồ sơ
//! to add the next; the issuing body offered (the fonds' own name and those typed lately in the
//! mục lục, never one from a văn bản the clerk may not see); language chosen from TT05's list,
//! a value outside it kept as written.

use crate::common;

use common::apps;
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::record::DocumentInput;
use reqwest::StatusCode;

fn document(ordinal: &str, organ: &str, subject: &str) -> DocumentInput {
    DocumentInput {
        doc_ordinal: ordinal.into(),
        type_name: "22".into(),
        code_number: ordinal.into(),
        code_notation: "UBND".into(),
        issued_date: "12/03/2019".into(),
        organ_name: organ.into(),
        subject: subject.into(),
        language: "01".into(),
        number_of_page: "2".into(),
        mode: "01".into(),
        ..Default::default()
    }
}

fn form_of(input: &DocumentInput) -> Vec<(String, String)> {
    let value = serde_json::to_value(input).unwrap();
    value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
}

fn datalist(html: &str) -> Vec<String> {
    let Some(start) = html.find("<datalist id=\"l-organName\">") else { return vec![] };
    let end = start + html[start..].find("</datalist>").unwrap();
    html[start..end].split("<option value=\"").skip(1).map(|o| o.split('"').next().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_clerk_enters_văn_bản_one_after_another() {
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let dossiers = [("15", "Hồ sơ giao đất ở", "05", "4"), ("16", "Hồ sơ mật về quốc phòng", "01", "4")];
        let (_, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        let (dossier, secret_dossier) = (made[0].0, made[1].0);
        // A Mật văn bản in the other hồ sơ of the mục lục, with an issuing body of its own.
        let secret =
            DocumentInput {
                mode: "03".into(), classification: "01".into(), ..document("1", "Ban Chỉ huy quân sự (mật)", "Kế hoạch mật")
            };
        app.store.create_document(secret_dossier, &secret.parse().unwrap()).await.unwrap();
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;

        let (status, form) = session.get(&format!("/ho-so/{dossier}/van-ban/moi")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(datalist(&form), vec!["Phông X27".to_string()], "{label}: the fonds' own name, nothing of the Mật văn bản");
        assert!(form.contains("<option value=\"01\" selected>01 – Tiếng Việt</option>"), "{label}: language from the list");
        assert!(form.contains("09 – Hán Nôm"), "{label}");

        let first = document("1", "Phòng Tài chính - Kế hoạch huyện Mường Ảng", "Về việc giao đất");
        let fields = form_of(&first);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = session.post(&format!("/ho-so/{dossier}/van-ban"), &pairs).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{label}");
        let location = saved.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(location, format!("/ho-so/{dossier}?da_luu=van-ban#documents"), "{label}: back on the hồ sơ");
        let (_, page) = session.get(location.split('#').next().unwrap()).await;
        assert!(page.contains("Đã lưu văn bản") && page.contains("Về việc giao đất"), "{label}");
        assert!(page.contains(&format!("/ho-so/{dossier}/van-ban/moi").replace('/', "&#x2f;")), "{label}: the way to the next");

        let (_, form) = session.get(&format!("/ho-so/{dossier}/van-ban/moi")).await;
        assert_eq!(
            datalist(&form),
            vec!["Phông X27".to_string(), "Phòng Tài chính - Kế hoạch huyện Mường Ảng".to_string()],
            "{label}: what was just typed is offered"
        );
        assert!(form.contains("name=\"docOrdinal\" value=\"2\""), "{label}: the next ordinal");

        // Several languages, as the API or an import may write them, are kept by the form.
        let document_id = app.store.list_documents(&kho_model::access::Visibility::everything(), dossier).await.unwrap()[0].id;
        let two = DocumentInput { language: "01,09".into(), ..first.clone() };
        app.store.update_document(document_id, &two.parse().unwrap()).await.unwrap();
        let (_, edit) = session.get(&format!("/van-ban/{document_id}/sua")).await;
        assert!(edit.contains("<option value=\"01,09\" selected>"), "{label}: a value outside the list is kept as written");
    }
}

/// A commune merged away in 2025 is added as a unit carried on by the clerk's commune, and its
/// records form a fonds of their own in that commune's scope — never in someone else's.
#[tokio::test]
async fn a_commune_merged_away_forms_its_own_fonds_under_its_successor() {
    for app in apps().await {
        let label = app.label;
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("canbo", Role::Archivist, Classification::None, &[commune], &[]).await;
        app.user("canbo.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let session = app.login("canbo").await;

        let (status, form) = session.get("/don-vi/moi").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(form.contains(&format!("<option value=\"{commune}\" selected>Xã Mường Ảng</option>")), "{label}");
        assert!(!form.contains("Xã Mường Phăng"), "{label}: only one's own units as successor");
        // Opened from a unit's page, the form names that unit as the successor; a unit outside
        // one's scope named in the address is not taken.
        app.user("canbo.hai", Role::Archivist, Classification::None, &[commune, other], &[]).await;
        let both = app.login("canbo.hai").await;
        let (_, unit_page) = both.get(&format!("/don-vi/{other}")).await;
        assert!(unit_page.contains(&format!("href=\"/don-vi/moi?vao={other}\"")), "{label}");
        let (_, form) = both.get(&format!("/don-vi/moi?vao={other}")).await;
        assert!(form.contains(&format!("<option value=\"{other}\" selected>")), "{label}");
        let (_, form) = session.get(&format!("/don-vi/moi?vao={other}")).await;
        assert!(form.contains(&format!("<option value=\"{commune}\" selected>")) && !form.contains("Xã Mường Phăng"), "{label}");

        let units_before = app.store.units().await.unwrap().len();
        let mut unit =
            vec![("name", "Xã Ẳng Nưa (trước sắp xếp)"), ("kind", "02"), ("oldAdminCode", "03214"), ("dissolvedOn", "01/07/2025")];
        let theirs = other.to_string();
        let refused = session.post("/don-vi/moi", &[unit.clone(), vec![("successorId", theirs.as_str())]].concat()).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}: nobody hands records to a unit they do not work for");
        assert!(refused.text().await.unwrap().contains("chỉ chọn được đơn vị bạn đang làm việc"), "{label}");
        let ours = commune.to_string();
        let archive = session
            .post(
                "/don-vi/moi",
                &[vec![("name", "Lưu trữ mới"), ("kind", "01"), ("dissolvedOn", "01/07/2025"), ("successorId", ours.as_str())]].concat(),
            )
            .await;
        assert_eq!(archive.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}: no archive (all units in scope) by this door");
        assert_eq!(app.store.units().await.unwrap().len(), units_before, "{label}: nothing created");

        unit.push(("successorId", ours.as_str()));
        let created = session.post("/don-vi/moi", &unit).await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER, "{label}");
        let merged = app.unit_id("Xã Ẳng Nưa (trước sắp xếp)").await;
        let audit =
            kho_store::AuditFilter { action: Some("unit.create".into()), outcome: Some("ok".into()), limit: 10, ..Default::default() };
        assert_eq!(app.store.list_audit(&audit).await.unwrap().0, 1, "{label}: audited");
        let (_, page) = session.get(&format!("/don-vi/{commune}")).await;
        assert!(page.contains("Xã Ẳng Nưa (trước sắp xếp)"), "{label}: the commune lists what merged into it");

        // Its fonds, by the clerk of the commune that carries it on.
        let (_, form) = session.get("/phong/moi").await;
        assert!(form.contains("Xã Ẳng Nưa (trước sắp xếp)"), "{label}: offered as the forming unit");
        let unit_id = merged.to_string();
        let fonds = session
            .post(
                "/phong",
                &[
                    ("code", "X99"),
                    ("name", "UBND xã Ẳng Nưa"),
                    ("unitId", unit_id.as_str()),
                    ("status", "02"),
                    ("custodianUnitId", ""),
                    ("language", "01"),
                ],
            )
            .await;
        assert_eq!(fonds.status(), StatusCode::SEE_OTHER, "{label}");
        let fonds_path = fonds.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
        assert_eq!(session.get(&fonds_path).await.0, StatusCode::OK, "{label}");
        let outsider = app.login("canbo.khac").await;
        assert_eq!(outsider.get(&fonds_path).await.0, StatusCode::NOT_FOUND, "{label}: another commune's clerk does not see it");

        // Who carries a unit on is a matter of scope: the clerk cannot move it elsewhere.
        let moved =
            session.post(&format!("/don-vi/{merged}/sua"), &[unit[..4].to_vec(), vec![("successorId", theirs.as_str())]].concat()).await;
        assert_eq!(moved.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(app.store.unit(merged).await.unwrap().successor_id, Some(commune), "{label}");
    }
}
