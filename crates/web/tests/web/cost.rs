//! Kinh phí: the estimate of the plan's work by the norms, checked against the plan's own lines
//! and the norms' formula written out here; the norms, a unit's complexity and the budget entered
//! and refused as a province operator and a commune clerk would; each person's scope only.

use crate::common;

use common::{apps, demo_plan};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;

/// What one metre of papers costs by Điện Biên's default norms, written out: chỉnh lý at
/// `days_per_metre` công and 600.000 đ of materials; 70 % of 5.000 pages scanned, checked and
/// corrected at 0,5 + 0,15 + 1,5 minutes and 3.000 đ a page; 70 % of 50 hồ sơ of 10 văn bản entered
/// at 5 + 10 × 2 minutes; a công at 307.000 đ.
fn per_metre(days_per_metre: f64, day_price: f64) -> f64 {
    let pages = 5_000.0 * 0.7;
    let dossiers = 50.0 * 0.7;
    (days_per_metre + pages * 2.15 / 480.0 + dossiers * 25.0 / 480.0) * day_price + 600_000.0 + pages * 3_000.0
}

/// The estimate's CSV as rows of cells (header first).
fn rows(csv: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[tokio::test]
async fn the_estimate_follows_the_plan_and_the_norms_and_the_budget_is_set_against_it() {
    for app in apps().await {
        let label = app.label;
        let plan = demo_plan();
        let commune = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Phường Mường Thanh").await;
        app.user("sonoivu", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        app.user("canbo.xa", Role::Archivist, Classification::None, &[commune], &[]).await;
        app.user("sohoa", Role::Contractor, Classification::None, &[commune], &[]).await;
        let province = app.login("sonoivu").await;

        // The whole plan at the defaults: every line of mixed complexity.
        let (status, page) = province.get("/kinh-phi").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("Định mức") && page.contains("Giả định") && page.contains("Cần Thơ"), "{label}: norms with sources");
        let csv = province.client.get(format!("{}/kinh-phi/du-toan.csv", province.base)).send().await.unwrap().text().await.unwrap();
        let table = rows(&csv);
        let lines = plan.districts.len() + plan.communes.len();
        assert_eq!(table.len(), 1 + lines + 1, "{label}: header, the plan's {lines} lines, a total");
        let metres: Vec<f64> = plan
            .districts
            .iter()
            .map(|d| d.metres.hundredths())
            .chain(plan.communes.iter().map(|c| c.metres.hundredths()))
            .map(|h| h as f64 / 100.0)
            .collect();
        let whole: i64 = metres.iter().map(|m| (m * per_metre(12.0, 307_000.0)).round() as i64).sum();
        let total = table.last().unwrap();
        assert_eq!(total[1], "Tổng cộng", "{label}");
        assert_eq!(total[8].parse::<f64>().unwrap() as i64, whole, "{label}: the whole plan's cost");
        assert_eq!(total[9], total[8], "{label}: nothing done yet, all of it remains");
        let mường_ảng = table.iter().find(|r| r[1] == "Xã Mường Ảng").unwrap();
        assert_eq!(mường_ảng[2], "198", "{label}: the plan's metres");
        assert_eq!(mường_ảng[4], "2376", "{label}: 198 m × 12 công");

        // The commune's papers are loose: 18 công a metre.
        let response = province.post("/kinh-phi/do-phuc-tap", &[("don_vi", &commune.to_string()), ("do_phuc_tap", "03")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{label}");
        let csv = province.client.get(format!("{}/kinh-phi/du-toan.csv", province.base)).send().await.unwrap().text().await.unwrap();
        let mường_ảng = rows(&csv).into_iter().find(|r| r[1] == "Xã Mường Ảng").unwrap();
        assert_eq!(mường_ảng[4], "3564", "{label}: 198 m × 18 công");
        assert_eq!(mường_ảng[8].parse::<f64>().unwrap() as i64, (198.0 * per_metre(18.0, 307_000.0)).round() as i64, "{label}");

        // The province sets its own day price, with its source; a wrong value is named, nothing kept.
        let response = province.post("/kinh-phi/dinh-muc", &[("gia_tri_don_gia_cong", "350.000"), ("nguon_don_gia_cong", "")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(response.text().await.unwrap().contains("Đơn giá một công (8 giờ): ghi căn cứ"), "{label}");
        let response = province
            .post(
                "/kinh-phi/dinh-muc",
                &[("gia_tri_don_gia_cong", "ba trăm"), ("nguon_don_gia_cong", "x"), ("gia_tri_ty_le_so_hoa", "120")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let refused = response.text().await.unwrap();
        assert!(refused.contains("“ba trăm” không phải giá trị hợp lệ") && refused.contains("“120” không phải"), "{label}");
        assert!(refused.contains("value=\"ba trăm\""), "{label}: what was typed is shown again");
        let response = province
            .post("/kinh-phi/dinh-muc", &[("gia_tri_don_gia_cong", "350.000"), ("nguon_don_gia_cong", "QĐ 99/2026/QĐ-UBND tỉnh Điện Biên")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{label}");
        let norms = province.client.get(format!("{}/kinh-phi/dinh-muc.csv", province.base)).send().await.unwrap().text().await.unwrap();
        assert!(
            norms.contains("don_gia_cong,Đơn giá một công (8 giờ),350.000,đồng/công,QĐ 99/2026/QĐ-UBND tỉnh Điện Biên"),
            "{label}: {norms}"
        );
        let csv = province.client.get(format!("{}/kinh-phi/du-toan.csv", province.base)).send().await.unwrap().text().await.unwrap();
        let mường_ảng = rows(&csv).into_iter().find(|r| r[1] == "Xã Mường Ảng").unwrap();
        assert_eq!(mường_ảng[8].parse::<f64>().unwrap() as i64, (198.0 * per_metre(18.0, 350_000.0)).round() as i64, "{label}");

        // Work done in Kho is taken off what remains: three hồ sơ described.
        let dossiers = [("15", "Hồ sơ giao đất", "01", "1"), ("16", "Sổ công văn đi", "06", "1"), ("17", "Sổ mục kê", "01", "1")];
        kho_store::test_support::fonds_with_dossiers(&app.store, commune, "X27", &dossiers).await;
        let csv = province.client.get(format!("{}/kinh-phi/du-toan.csv", province.base)).send().await.unwrap().text().await.unwrap();
        let mường_ảng = rows(&csv).into_iter().find(|r| r[1] == "Xã Mường Ảng").unwrap();
        let remaining = mường_ảng[9].parse::<f64>().unwrap() as i64;
        let entry_saved = 3.0 * 25.0 / 480.0 * 350_000.0;
        assert_eq!(remaining, (198.0 * per_metre(18.0, 350_000.0) - entry_saved).round() as i64, "{label}: three hồ sơ less to enter");

        // Budget: the province's allocation for 2026 and the commune's spending.
        let response = province
            .post(
                "/kinh-phi/so-lieu",
                &[
                    ("nam", "2026"),
                    ("loai", "giao"),
                    ("don_vi", ""),
                    ("so_tien", "1.500.000.000"),
                    ("can_cu", "QĐ 12/QĐ-UBND ngày 10/01/2026"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{label}");
        let clerk = app.login("canbo.xa").await;
        let response = clerk
            .post(
                "/kinh-phi/so-lieu",
                &[
                    ("nam", "2026"),
                    ("loai", "chi"),
                    ("don_vi", &commune.to_string()),
                    ("so_tien", "250.000.000"),
                    ("can_cu", "Chứng từ 45/2026"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{label}");
        let (_, page) = province.get("/kinh-phi").await;
        let years = &page[page.find("id=\"cost-years\"").unwrap()..page.find("id=\"du-toan\"").unwrap()];
        assert!(years.contains("<td>2026</td>") && years.contains("1.500.000.000") && years.contains("250.000.000"), "{label}: {years}");
        assert!(page.contains("QĐ 12&#x2f;QĐ-UBND ngày 10&#x2f;01&#x2f;2026") && page.contains("Toàn tỉnh"), "{label}");
        let csv = province.client.get(format!("{}/kinh-phi/du-toan.csv", province.base)).send().await.unwrap().text().await.unwrap();
        let mường_ảng = rows(&csv).into_iter().find(|r| r[1] == "Xã Mường Ảng").unwrap();
        assert_eq!(mường_ảng[11], "250000000", "{label}: the commune's spending on its line");

        // Refused, field by field, and nothing written.
        let response =
            clerk.post("/kinh-phi/so-lieu", &[("nam", "1999"), ("loai", "x"), ("don_vi", ""), ("so_tien", "-5"), ("can_cu", "")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let refused = response.text().await.unwrap();
        for message in ["Đơn vị: chọn đơn vị", "Năm: ghi một năm của kế hoạch", "Loại:", "Số tiền:", "Căn cứ:"]
        {
            assert!(refused.contains(message), "{label}: {message}");
        }
        // Another commune's line, or the province's norms, are not the clerk's.
        let response = clerk
            .post(
                "/kinh-phi/so-lieu",
                &[("nam", "2026"), ("loai", "chi"), ("don_vi", &other.to_string()), ("so_tien", "1"), ("can_cu", "x")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{label}");
        assert_eq!(
            clerk.post("/kinh-phi/do-phuc-tap", &[("don_vi", &other.to_string()), ("do_phuc_tap", "01")]).await.status(),
            StatusCode::NOT_FOUND
        );
        let response = clerk.post("/kinh-phi/dinh-muc", &[("gia_tri_don_gia_cong", "1"), ("nguon_don_gia_cong", "x")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(response.text().await.unwrap().contains("Định mức dùng chung cho cả tỉnh"), "{label}");
        let norms = province.client.get(format!("{}/kinh-phi/dinh-muc.csv", province.base)).send().await.unwrap().text().await.unwrap();
        assert!(norms.contains(",350.000,"), "{label}: the clerk changed nothing");

        // The clerk sees their commune's line only, and no province-wide line.
        let (status, page) = clerk.get("/kinh-phi").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(!page.contains("Phường Mường Thanh") && !page.contains("QĐ 12&#x2f;QĐ-UBND"), "{label}");
        let csv = clerk.client.get(format!("{}/kinh-phi/du-toan.csv", clerk.base)).send().await.unwrap().text().await.unwrap();
        assert_eq!(rows(&csv).len(), 3, "{label}: header, Mường Ảng, total");
        assert!(!page.contains("name=\"gia_tri_don_gia_cong\""), "{label}: the norms are shown, not editable");
        // The contractor may look, not enter.
        let contractor = app.login("sohoa").await;
        assert_eq!(contractor.get("/kinh-phi").await.0, StatusCode::OK, "{label}");
        let response = contractor.post("/kinh-phi/so-lieu", &[("nam", "2026")]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{label}");
        let xlsx = province.client.get(format!("{}/kinh-phi/du-toan.xlsx", province.base)).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK, "{label}");
    }
}
