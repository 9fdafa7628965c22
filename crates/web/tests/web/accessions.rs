//! Tiếp nhận: a transfer recorded through the form, refused field by field when wrong, and its
//! biên bản giao nhận read back from the DOCX and the PDF it produces.

use crate::common;

use common::{apps, pdf_text};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn a_transfer_is_recorded_and_its_biên_bản_reads_back() {
    for app in apps().await {
        let district = app.unit_id("Huyện Mường Ảng").await.to_string();
        let archive = app.archive.to_string();
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;

        let bad = session
            .post(
                "/tiep-nhan",
                &[
                    ("receivedOn", "2026"),
                    ("givingUnitId", &district),
                    ("receivingUnitId", &district),
                    ("metres", "nhiều"),
                    ("items", "Tài liệu | 2010 | nhiều"),
                ],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let html = bad.text().await.unwrap();
        assert!(html.contains("Danh mục tài liệu, dòng 1: số bao “nhiều” không phải số nguyên."), "the bad line is named");
        for field in ["receivedOn", "receivingUnitId", "givingPerson", "material", "metres", "items"] {
            assert!(html.contains(&format!("id=\"e-{field}\"")), "{field} marked");
        }

        let form = [
            ("receivedOn", "15/03/2026"),
            ("givingUnitId", district.as_str()),
            ("receivingUnitId", archive.as_str()),
            ("givingPerson", "Lò Văn Ảng"),
            ("givingPosition", "Văn thư UBND xã Mường Ảng"),
            ("receivingPerson", "Nguyễn Thị Hường"),
            ("material", "Tài liệu của các cơ quan chuyên môn huyện Mường Ảng (2007–2025)"),
            ("startYear", "2007"),
            ("endYear", "2025"),
            ("bags", "1385"),
            ("metres", "1395"),
            ("condition", "Bó gói, một số bao ẩm mốc"),
            ("items", "Tài liệu Phòng Tư pháp\t2007–2025\t120\t95,5\n=1+1 | 2010 | 1 | 0,5 | dán từ Excel"),
        ];
        let response = session.post("/tiep-nhan", &form).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let id = location.trim_start_matches("/tiep-nhan/").split('?').next().unwrap().to_string();
        let (_, list) = session.get("/tiep-nhan").await;
        assert!(list.contains("1.395") && list.contains("1.385"), "Vietnamese numbers in the list");
        let (_, shown) = session.get(&format!("/tiep-nhan/{id}")).await;
        assert!(shown.contains("Tài liệu Phòng Tư pháp") && shown.contains("95,5"), "the danh mục is on the page");
        let xlsx = session.client.get(format!("{}/tiep-nhan/{id}/danh-muc.xlsx", app.base)).send().await.unwrap().bytes().await.unwrap();
        let sheet = kho_documents::read_workbook("danh-muc.xlsx", &xlsx).expect("a workbook").remove(0);
        let cells: Vec<String> = sheet.rows.iter().flatten().map(|c| format!("{c:?}")).collect();
        assert!(cells.iter().any(|c| c.contains("=1+1")) && !cells.iter().any(|c| c.starts_with("Formula")), "kept as text: {cells:?}");
        assert!(cells.iter().any(|c| c.contains("96")), "the total of 95,5 + 0,5 m: {cells:?}");
        let pdf = session.client.get(format!("{}/tiep-nhan/{id}/danh-muc.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        assert!(
            text.contains("DANH MỤC TÀI LIỆU GIAO NHẬN")
                && text.contains("Tài liệu Phòng Tư pháp")
                && text.contains("Cộng")
                && text.contains("121 96"),
            "{text}"
        );
        let (_, plan) = session.get("/ke-hoach").await;
        let row = plan.split("data-unit=\"Huyện Mường Ảng\"").nth(1).expect("the district's row").split("</tr>").next().unwrap();
        assert!(row.contains("<td class=\"num received\">1.395</td>"), "the plan shows what was received: {row}");

        let docx = session.client.get(format!("{}/tiep-nhan/{id}/bien-ban.docx", app.base)).send().await.unwrap().bytes().await.unwrap();
        let document = docx_rs::read_docx(&docx).expect("a DOCX Word and LibreOffice open");
        let json = document.json();
        for expected in ["BIÊN BẢN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lò Văn Ảng", "quy ra mét giá: 1.395 mét giá", "Times New Roman"]
        {
            assert!(json.contains(expected), "DOCX lacks {expected}");
        }

        let pdf = session.client.get(format!("{}/tiep-nhan/{id}/bien-ban.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        for expected in [
            "BIÊN BẢN",
            "Về việc giao nhận tài liệu lưu trữ",
            "Điện Biên, ngày 15 tháng 03 năm 2026",
            "tổng số bao (gói): 1.385",
            "Nguyễn Thị Hường",
        ] {
            assert!(text.contains(expected), "PDF lacks {expected}: {text}");
        }

        let commune_b = app.unit_id("Xã Mường Phăng").await;
        app.user("canbo.b", Role::Archivist, Classification::None, &[commune_b], &[]).await;
        let other = app.login("canbo.b").await;
        assert_eq!(other.get(&format!("/tiep-nhan/{id}")).await.0, StatusCode::NOT_FOUND, "another unit's transfer is absent");
        assert!(!other.get("/tiep-nhan").await.1.contains("Mường Ảng (2007"));
    }
}

#[tokio::test]
async fn the_mục_lục_hồ_sơ_comes_out_as_docx_and_pdf_with_its_preface() {
    for app in apps().await {
        let unit = app.unit_id("Huyện Mường Ảng").await;
        let fonds = kho_model::record::FondsInput {
            code: "P05".into(),
            name: "UBND huyện Mường Ảng".into(),
            unit_id: unit.to_string(),
            status: "02".into(),
            history: "Huyện Mường Ảng được thành lập năm 2007.".into(),
            ..Default::default()
        };
        let (_, inventory) = app.fonds_with_inventory(fonds).await;
        for (notation, title, maintenance) in
            [("01-VP", "Tập quyết định về tổ chức cán bộ năm 2015", "01"), ("02-TC", "Báo cáo tài chính năm 2016", "05")]
        {
            let input = kho_model::record::DossierInput {
                notation: notation.into(),
                title: title.into(),
                maintenance: maintenance.into(),
                mode: "01".into(),
                start_date: "2015".into(),
                end_date: "2016".into(),
                total_doc: "1".into(),
                number_of_page: "10".into(),
                number_of_paper: "5".into(),
                ..Default::default()
            };
            app.dossier(inventory, &input).await;
        }
        app.user("ltv", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let session = app.login("ltv").await;
        let docx = session.client.get(format!("{}/muc-luc/{inventory}/xuat.docx", app.base)).send().await.unwrap().bytes().await.unwrap();
        let json = docx_rs::read_docx(&docx).expect("a DOCX").json();
        for expected in [
            "MỤC LỤC HỒ SƠ",
            "LỜI NÓI ĐẦU",
            "thành lập năm 2007",
            "Mục lục này gồm 2 hồ sơ",
            "Tập quyết định về tổ chức cán bộ năm 2015",
            "Thời hạn bảo quản",
        ] {
            assert!(json.contains(expected), "{}: DOCX lacks {expected}", app.label);
        }
        let pdf = session.client.get(format!("{}/muc-luc/{inventory}/xuat.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        for expected in
            ["MỤC LỤC HỒ SƠ", "LỜI NÓI ĐẦU", "1 hồ sơ bảo quản vĩnh viễn", "Báo cáo tài chính năm 2016", "01-VP", "Vĩnh viễn", "20 năm"]
        {
            assert!(text.contains(expected), "PDF lacks {expected}: {text}");
        }
    }
}

#[tokio::test]
async fn a_fonds_chỉnh_lý_is_tracked_step_by_step_with_its_scheme() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds = kho_model::record::FondsInput {
            code: "X27".into(),
            name: "UBND xã Mường Ảng".into(),
            unit_id: unit.to_string(),
            ..Default::default()
        };
        let fonds = app.store.create_fonds(&fonds.parse().unwrap()).await.unwrap();
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;
        let (status, page) = session.get(&format!("/phong/{fonds}/chinh-ly")).await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert!(page.contains("0/23"));
        assert_eq!(page.matches("<tr id=\"buoc-").count(), 23);

        let bad = session
            .post(
                &format!("/phong/{fonds}/chinh-ly/phuong-an"),
                &[("survey", "Tài liệu bó gói"), ("scheme", "I. Tổ chức\n1. Văn phòng\nIII. Đất đai")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("dòng 3") && html.contains("III. Đất đai"), "the message and the text typed are kept");

        let good = session
            .post(
                &format!("/phong/{fonds}/chinh-ly/phuong-an"),
                &[("survey", "Tài liệu bó gói, 198 mét giá"), ("scheme", "I. Tổ chức\n1. Văn phòng\nII. Đất đai")],
            )
            .await;
        assert_eq!(good.status(), StatusCode::SEE_OTHER);
        let step = session
            .post(&format!("/phong/{fonds}/chinh-ly/buoc"), &[("step", "1"), ("status", "da_xong"), ("note", "Biên bản số 12")])
            .await;
        assert_eq!(step.status(), StatusCode::SEE_OTHER);
        let wrong = session.post(&format!("/phong/{fonds}/chinh-ly/buoc"), &[("step", "24"), ("status", "da_xong")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (_, page) = session.get(&format!("/phong/{fonds}/chinh-ly")).await;
        assert!(page.contains("1/23") && page.contains("Biên bản số 12") && page.contains("II. Đất đai"), "{page}");
        assert!(page.contains("data-status=\"da_xong\""));
    }
}

#[tokio::test]
async fn hồ_sơ_are_numbered_after_a_preview_and_the_biên_mục_rules_are_shown() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds =
            kho_model::record::FondsInput { code: "X27".into(), name: "UBND xã".into(), unit_id: unit.to_string(), ..Default::default() };
        let (_, inventory) = app.fonds_with_inventory(fonds).await;
        for (notation, start, mode, classification) in [("A", "2019", "01", "00"), ("B", "2015", "01", "00"), ("C", "2017", "03", "01")] {
            let input = kho_model::record::DossierInput {
                notation: notation.into(),
                title: format!("Hồ sơ {notation}"),
                maintenance: "01".into(),
                mode: mode.into(),
                classification: classification.into(),
                start_date: start.into(),
                end_date: start.into(),
                total_doc: "1".into(),
                number_of_page: "1".into(),
                ..Default::default()
            };
            app.dossier(inventory, &input).await;
        }
        let secret = app
            .store
            .list_dossiers(&kho_store::ListDossiers {
                visibility: kho_model::access::Visibility::everything(),
                inventory_id: Some(inventory),
                fonds_id: None,
                query: Some("Hồ sơ C".into()),
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 5,
            })
            .await
            .unwrap()
            .items[0]
            .id;
        app.store.renumber(inventory, &[(secret, 1)]).await.unwrap();
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;
        let (status, preview) = session.get(&format!("/muc-luc/{inventory}/danh-so?thu_tu=thoi_gian")).await;
        assert_eq!(status, StatusCode::OK, "{}", app.label);
        assert!(preview.contains("chưa đánh số tờ") && preview.contains("chưa có mục lục văn bản"), "TT 16/2023 biên mục rules");
        assert!(!preview.contains("Hồ sơ C"), "the secret hồ sơ stays out of sight");
        let token = preview.split("name=\"preview\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let applied = session.post(&format!("/muc-luc/{inventory}/danh-so"), &[("thu_tu", "thoi_gian"), ("preview", &token)]).await;
        assert_eq!(applied.status(), StatusCode::SEE_OTHER);
        let all = kho_model::access::Visibility::everything();
        let numbered = app
            .store
            .list_dossiers(&kho_store::ListDossiers {
                visibility: all,
                inventory_id: Some(inventory),
                fonds_id: None,
                query: None,
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 10,
            })
            .await
            .unwrap();
        let numbers: Vec<(String, Option<u32>)> = numbered.items.iter().map(|d| (d.fields.title.clone(), d.number)).collect();
        assert_eq!(
            numbers,
            vec![("Hồ sơ C".to_string(), Some(1)), ("Hồ sơ B".to_string(), Some(2)), ("Hồ sơ A".to_string(), Some(3))],
            "by date, around the number the secret one holds"
        );
        let stale = session.post(&format!("/muc-luc/{inventory}/danh-so"), &[("thu_tu", "tieu_de"), ("preview", &token)]).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT, "an order other than the one previewed is refused");
    }
}

#[tokio::test]
async fn expired_hồ_sơ_go_through_council_appraisal_decision_and_destruction_and_stay_on_record() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds = kho_model::record::FondsInput {
            code: "X27".into(),
            name: "UBND xã Mường Ảng".into(),
            unit_id: unit.to_string(),
            ..Default::default()
        };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;
        let mut ids = vec![];
        for (notation, maintenance, year) in [("1", "06", "2010"), ("2", "01", "2010"), ("3", "05", "2020")] {
            let input = kho_model::record::DossierInput {
                notation: notation.into(),
                title: format!("Công văn trao đổi {notation}"),
                maintenance: maintenance.into(),
                mode: "01".into(),
                start_date: year.into(),
                end_date: year.into(),
                total_doc: "1".into(),
                number_of_page: "1".into(),
                ..Default::default()
            };
            ids.push(app.dossier(inventory, &input).await.to_string());
        }
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::None, &[unit], &[]).await;
        let clerk = app.login("canbo").await;
        let (_, page) = clerk.get(&format!("/phong/{fonds}/huy")).await;
        assert!(page.contains("còn thời hạn bảo quản đến hết năm 2040"), "{}", app.label);

        let permanent_as_expired = format!("{}:het_han", ids[1]);
        let refused = clerk
            .post(
                &format!("/phong/{fonds}/huy"),
                &[("title", "Danh mục 2026"), ("explanation", "Tài liệu hết thời hạn"), ("chon", &permanent_as_expired)],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("vĩnh viễn không được hủy"));

        let (expired, duplicate) = (format!("{}:het_han", ids[0]), format!("{}:trung_lap", ids[1]));
        let created = clerk
            .post(
                &format!("/phong/{fonds}/huy"),
                &[
                    ("title", "Danh mục tài liệu hết giá trị 2026"),
                    ("explanation", "Công văn trao đổi đã hết thời hạn; một bản trùng."),
                    ("chon", &expired),
                    ("chon", &duplicate),
                ],
            )
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        let list = created.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(app.store.dossier(ids[0].parse().unwrap()).await.unwrap().disposal.as_deref(), Some("xem_xet_huy"));

        let early = clerk.post(&format!("{list}/huy"), &[("on", "01/01/2027")]).await;
        assert_eq!(early.status(), StatusCode::CONFLICT, "no destruction before a decision");
        assert_eq!(
            clerk
                .post(&format!("{list}/hoi-dong"), &[("opinions", "Nguyễn Văn A – Chủ tịch – đồng ý"), ("on", "01/12/2026")])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            clerk
                .post(
                    &format!("{list}/tham-dinh"),
                    &[("body", "Sở Nội vụ tỉnh Điện Biên"), ("reference", "123/SNV-VTLT"), ("on", "10/12/2026")]
                )
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            clerk.post(&format!("{list}/quyet-dinh"), &[("reference", "45/QĐ-UBND"), ("on", "20/12/2026")]).await.status(),
            StatusCode::FORBIDDEN,
            "only Lãnh đạo decides"
        );
        let leader = app.login("lanhdao").await;
        assert_eq!(
            leader.post(&format!("{list}/quyet-dinh"), &[("reference", "45/QĐ-UBND"), ("on", "20/12/2026")]).await.status(),
            StatusCode::SEE_OTHER
        );
        let bad = clerk.post(&format!("{list}/huy"), &[("on", "10/01/2027"), ("metres", "nửa mét")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("Số mét giá đã hủy: “nửa mét” không phải số"));
        assert_eq!(clerk.post(&format!("{list}/huy"), &[("on", "10/01/2027"), ("metres", "0,35")]).await.status(), StatusCode::SEE_OTHER);
        let (_, page) = clerk.get(&list).await;
        assert!(page.contains("Hủy muộn"), "21 days after the decision");
        assert!(page.contains("0,35 mét giá"));
        let (_, plan) = clerk.get("/ke-hoach").await;
        let row = plan.split("data-unit=\"Xã Mường Ảng\"").nth(1).expect("the commune's row").split("</tr>").next().unwrap();
        assert!(row.contains("<td class=\"num destroyed\">0,35</td>"), "the plan counts what was destroyed: {row}");
        let (_, figures) = clerk.get(&format!("/phong/{fonds}/hop")).await;
        assert!(figures.contains("hồ sơ đã hủy (0,35 mét giá)"), "the fonds' figures count it too");

        let pdf = clerk.client.get(format!("{}{list}/bien-ban-huy.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        assert!(
            text.contains("Về việc hủy tài liệu hết giá trị") && text.contains("45/QĐ-UBND") && text.contains("2 hồ sơ, 0,35 mét giá"),
            "{text}"
        );
        let docx = clerk.client.get(format!("{}{list}/danh-muc.docx", app.base)).send().await.unwrap().bytes().await.unwrap();
        let json = docx_rs::read_docx(&docx).unwrap().json();
        assert!(json.contains("DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ") && json.contains("BẢN THUYẾT MINH") && json.contains("Trùng lặp"));
        let xlsx = clerk.client.get(format!("{}{list}/danh-muc.xlsx", app.base)).send().await.unwrap().bytes().await.unwrap();
        let sheet = kho_documents::read_workbook("danh-muc.xlsx", &xlsx).expect("a workbook Excel opens").remove(0);
        let text = format!("{:?}", sheet.rows);
        assert!(text.contains("DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ") && text.contains("Trùng lặp") && text.contains("Lý do hủy"), "{text}");

        let destroyed = app.store.dossier(ids[0].parse().unwrap()).await.unwrap();
        assert_eq!(destroyed.disposal.as_deref(), Some("da_huy"), "kept in the catalogue, marked");
        let (status, page) = clerk.get(&format!("/ho-so/{}", ids[0])).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Đã hủy"));
        let (_, trail) = app
            .store
            .list_audit(&kho_store::AuditFilter { resource_kind: Some("disposal".into()), limit: 20, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(trail.iter().filter(|e| e.outcome == "ok").count(), 5, "proposal and four steps in the audit trail");
    }
}

#[tokio::test]
async fn boxes_stand_on_shelves_carry_labels_and_every_hồ_sơ_knows_where_it_is() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds = kho_model::record::FondsInput {
            code: "X27".into(),
            name: "UBND xã Mường Ảng".into(),
            unit_id: unit.to_string(),
            ..Default::default()
        };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;
        let mut first = 0;
        for n in 1..=3u32 {
            let input = kho_model::record::DossierInput {
                notation: n.to_string(),
                title: format!("Hồ sơ {n}"),
                maintenance: "01".into(),
                mode: "01".into(),
                start_date: format!("{}", 2014 + n),
                end_date: format!("{}", 2014 + n),
                total_doc: "1".into(),
                number_of_page: "1".into(),
                ..Default::default()
            };
            let id = app.dossier(inventory, &input).await;
            app.store.renumber(inventory, &[(id, n)]).await.unwrap();
            if n == 1 {
                first = id;
            }
        }
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;
        let wrong = session.post("/kho-luu-tru", &[("kind", "gia"), ("name", "3")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}: a giá must stand in a kho", app.label);
        assert_eq!(session.post("/kho-luu-tru", &[("kind", "kho"), ("name", "1")]).await.status(), StatusCode::SEE_OTHER);
        let kho = app.store.locations().await.unwrap()[0].id.to_string();
        assert_eq!(
            session.post("/kho-luu-tru", &[("kind", "gia"), ("name", "3"), ("parent_id", &kho)]).await.status(),
            StatusCode::SEE_OTHER
        );
        let gia = app.store.locations().await.unwrap()[1].id.to_string();
        assert_eq!(
            session.post("/kho-luu-tru", &[("kind", "tang"), ("name", "2"), ("parent_id", &gia)]).await.status(),
            StatusCode::SEE_OTHER
        );
        let tang = app.store.locations().await.unwrap()[2].id.to_string();

        let inventory_id = inventory.to_string();
        let empty = session
            .post(&format!("/phong/{fonds}/hop"), &[("number", "5"), ("inventory_id", &inventory_id), ("from", "40"), ("to", "45")])
            .await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let filled = session
            .post(
                &format!("/phong/{fonds}/hop"),
                &[
                    ("number", "5"),
                    ("location_id", &tang),
                    ("thickness_mm", "100"),
                    ("inventory_id", &inventory_id),
                    ("from", "1"),
                    ("to", "2"),
                ],
            )
            .await;
        assert_eq!(filled.status(), StatusCode::SEE_OTHER);
        let (_, page) = session.get(&format!("/phong/{fonds}/hop")).await;
        assert!(page.contains("Kho 1 › Giá 3 › Tầng 2") && page.contains("1 – 2") && page.contains("0,1 mét giá"), "{page}");
        let (_, dossier) = session.get(&format!("/ho-so/{first}")).await;
        assert!(dossier.contains("Kho 1 › Giá 3 › Tầng 2 › Hộp số 5"), "where it stands");
        let pdf = session.client.get(format!("{}/phong/{fonds}/nhan-hop.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        assert!(text.contains("HỘP SỐ: 5") && text.contains("Từ hồ sơ số 1 đến hồ sơ số 2") && text.contains("2015 – 2016"), "{text}");

        // The danh mục hồ sơ: every hồ sơ of the fonds, with its hộp where it has one.
        let (_, fonds_page) = session.get(&format!("/phong/{fonds}")).await;
        assert!(fonds_page.contains(&format!("/phong/{fonds}/danh-muc-ho-so.pdf")));
        let xlsx =
            session.client.get(format!("{}/phong/{fonds}/danh-muc-ho-so.xlsx", app.base)).send().await.unwrap().bytes().await.unwrap();
        let sheet = kho_documents::read_workbook("danh-muc.xlsx", &xlsx).expect("a workbook").remove(0);
        let row = |title: &str| {
            sheet.rows.iter().find(|r| r.iter().any(|c| *c == kho_model::inventory_sheet::Cell::Text(title.into()))).expect(title).clone()
        };
        // Rows end at their last written cell; the hộp số is a number, as in any spreadsheet.
        let box_of = |title: &str| row(title).get(8).cloned().unwrap_or(kho_model::inventory_sheet::Cell::Empty);
        assert_eq!(box_of("Hồ sơ 2"), kho_model::inventory_sheet::Cell::Number(5.0), "hồ sơ 2 lies in hộp 5");
        assert!(
            matches!(box_of("Hồ sơ 3"), kho_model::inventory_sheet::Cell::Empty)
                || box_of("Hồ sơ 3") == kho_model::inventory_sheet::Cell::Text(String::new()),
            "hồ sơ 3 is not boxed yet"
        );
        let pdf = session.client.get(format!("{}/phong/{fonds}/danh-muc-ho-so.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        assert!(text.contains("DANH MỤC HỒ SƠ") && text.contains("Tổng số: 3 hồ sơ") && text.contains("Hồ sơ 3"), "{text}");
        let docx =
            session.client.get(format!("{}/phong/{fonds}/danh-muc-ho-so.docx", app.base)).send().await.unwrap().bytes().await.unwrap();
        assert!(docx_rs::read_docx(&docx).unwrap().json().contains("Hồ sơ 1"));
    }
}

#[tokio::test]
async fn phiếu_tin_are_entered_one_after_another_and_systematised_by_the_scheme() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds =
            kho_model::record::FondsInput { code: "X27".into(), name: "UBND xã".into(), unit_id: unit.to_string(), ..Default::default() };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;
        session
            .post(&format!("/phong/{fonds}/chinh-ly/phuong-an"), &[("survey", ""), ("scheme", "I. Tổ chức\n1. Văn phòng\nII. Đất đai")])
            .await;
        let (_, form) = session.get(&format!("/muc-luc/{inventory}/phieu-tin")).await;
        assert!(form.contains("I.1. Văn phòng") && form.contains("value=\"1\""), "{}: groups and the next số tạm", app.label);
        for (tam, group, title, dates) in [
            ("1", "II", "Hồ sơ giao đất", "2015"),
            ("2", "I.1", "Sổ công văn đi", "2018"),
            ("3", "I.1", "Sổ công văn đến", "01/2016 - 12/2016"),
        ] {
            let saved = session
                .post(
                    &format!("/muc-luc/{inventory}/phieu-tin"),
                    &[("tam", tam), ("nhom", group), ("tieu_de", title), ("thoi_gian", dates), ("thoi_han", "05"), ("so_to", "30")],
                )
                .await;
            assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{title}");
        }
        let bad = session
            .post(
                &format!("/muc-luc/{inventory}/phieu-tin"),
                &[("tam", "4"), ("tieu_de", ""), ("thoi_gian", "2019"), ("thoi_han", "05"), ("ghi_chu", "giữ lại")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("Tiêu đề hồ sơ: bắt buộc nhập") && html.contains("giữ lại"), "message shown and input kept");

        let (_, preview) = session.get(&format!("/muc-luc/{inventory}/danh-so?thu_tu=phuong_an")).await;
        let token = preview.split("name=\"preview\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        assert_eq!(
            session.post(&format!("/muc-luc/{inventory}/danh-so"), &[("thu_tu", "phuong_an"), ("preview", &token)]).await.status(),
            StatusCode::SEE_OTHER
        );
        let page = app
            .store
            .list_dossiers(&kho_store::ListDossiers {
                visibility: kho_model::access::Visibility::everything(),
                inventory_id: Some(inventory),
                fonds_id: None,
                query: None,
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 10,
            })
            .await
            .unwrap();
        let order: Vec<(Option<u32>, String)> = page.items.iter().map(|d| (d.number, d.fields.title.clone())).collect();
        assert_eq!(
            order,
            vec![
                (Some(1), "Sổ công văn đến".to_string()),
                (Some(2), "Sổ công văn đi".to_string()),
                (Some(3), "Hồ sơ giao đất".to_string())
            ]
        );
    }
}

#[tokio::test]
async fn a_hồ_sơ_lists_its_văn_bản_in_a_mục_lục_văn_bản() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds =
            kho_model::record::FondsInput { code: "X27".into(), name: "UBND xã".into(), unit_id: unit.to_string(), ..Default::default() };
        let (_, inventory) = app.fonds_with_inventory(fonds).await;
        let input = kho_model::record::DossierInput {
            notation: "1".into(),
            title: "Tập quyết định năm 2020".into(),
            maintenance: "01".into(),
            mode: "01".into(),
            start_date: "2020".into(),
            end_date: "2020".into(),
            total_doc: "2".into(),
            number_of_page: "5".into(),
            ..Default::default()
        };
        let dossier = app.dossier(inventory, &input).await;
        for (ordinal, number, subject, pages) in [("1", "12", "Về việc bổ nhiệm cán bộ", "2"), ("2", "15", "Về việc khen thưởng", "3")]
        {
            let doc = kho_model::record::DocumentInput {
                doc_ordinal: ordinal.into(),
                type_name: "02".into(),
                code_number: number.into(),
                code_notation: "QĐ-UBND".into(),
                issued_date: "05/03/2020".into(),
                organ_name: "UBND xã Mường Ảng".into(),
                subject: subject.into(),
                number_of_page: pages.into(),
                mode: "01".into(),
                ..Default::default()
            };
            app.store.create_document(dossier, &doc.parse().unwrap()).await.unwrap();
        }
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        let session = app.login("canbo").await;
        let pdf =
            session.client.get(format!("{}/ho-so/{dossier}/muc-luc-van-ban.pdf", app.base)).send().await.unwrap().bytes().await.unwrap();
        let text = pdf_text(&pdf);
        for expected in ["MỤC LỤC VĂN BẢN", "12/QĐ-UBND", "Quyết định: Về việc khen thưởng", "1–2", "3–5"] {
            assert!(text.contains(expected), "{}: PDF lacks {expected}: {text}", app.label);
        }
        let docx =
            session.client.get(format!("{}/ho-so/{dossier}/muc-luc-van-ban.docx", app.base)).send().await.unwrap().bytes().await.unwrap();
        assert!(docx_rs::read_docx(&docx).unwrap().json().contains("Về việc bổ nhiệm cán bộ"));
    }
}

#[tokio::test]
async fn counts_of_boxes_and_fonds_figures_leave_out_what_the_clerk_may_not_see() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let fonds =
            kho_model::record::FondsInput { code: "X27".into(), name: "UBND xã".into(), unit_id: unit.to_string(), ..Default::default() };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;
        for (n, mode, classification) in [(1u32, "01", "00"), (2, "03", "01")] {
            let input = kho_model::record::DossierInput {
                notation: n.to_string(),
                title: format!("Hồ sơ {n}"),
                maintenance: "01".into(),
                mode: mode.into(),
                classification: classification.into(),
                start_date: "2020".into(),
                end_date: "2020".into(),
                total_doc: "1".into(),
                number_of_page: "1".into(),
                ..Default::default()
            };
            let id = app.dossier(inventory, &input).await;
            app.store.renumber(inventory, &[(id, n)]).await.unwrap();
        }
        app.store.fill_box(fonds, 1, None, Some(100), Some(inventory), Some((1, 2))).await.unwrap();
        let secret = app
            .store
            .list_dossiers(&kho_store::ListDossiers {
                visibility: kho_model::access::Visibility::everything(),
                inventory_id: Some(inventory),
                fonds_id: None,
                query: Some("Hồ sơ 2".into()),
                undisposed: false,
                seek: kho_store::Seek::First,
                limit: 1,
            })
            .await
            .unwrap()
            .items[0]
            .id;
        app.store
            .create_disposal_list(fonds, "Danh mục", "Thuyết minh", &[(secret, kho_model::disposal::Reason::Duplicate)], "test")
            .await
            .unwrap();
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("canbo.mat", Role::Archivist, Classification::Confidential, &[unit], &[]).await;
        let plain = app.login("canbo").await;
        let cleared = app.login("canbo.mat").await;
        let figure = |page: &str| page.split("id=\"stat-dossiers\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        let (_, page) = plain.get(&format!("/phong/{fonds}/hop")).await;
        assert_eq!(figure(&page), "1", "{}: one hồ sơ for the uncleared", app.label);
        assert!(page.contains("<td class=\"num\">1</td><td>1 – 1</td>") || page.contains("1 – 1"), "the box shows only what they see");
        let (_, page) = cleared.get(&format!("/phong/{fonds}/hop")).await;
        assert_eq!(figure(&page), "2");
        // The list of hộp for other systems counts the same, its numbers as numbers.
        let (_, csv) = plain.get(&format!("/phong/{fonds}/hop.csv")).await;
        assert!(
            csv.contains("STT,Hộp số,Vị trí,Độ dày (mm),Hồ sơ số,Số hồ sơ,Năm") && csv.contains("1,1,,100,1,1,2020"),
            "{}: {csv}",
            app.label
        );
        let (_, csv) = cleared.get(&format!("/phong/{fonds}/hop.csv")).await;
        assert!(csv.contains("1,1,,100,1 – 2,2,2020"), "{}: {csv}", app.label);
        let xlsx = plain.client.get(format!("{}/phong/{fonds}/hop.xlsx", plain.base)).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK);
        app.user("canbo.khac", Role::Archivist, Classification::Confidential, &[app.unit_id("Xã Mường Phăng").await], &[]).await;
        assert_eq!(app.login("canbo.khac").await.get(&format!("/phong/{fonds}/hop.csv")).await.0, StatusCode::NOT_FOUND);
        let list = app.store.disposal_lists(fonds).await.unwrap()[0].id;
        let (_, page) = plain.get(&format!("/danh-muc-huy/{list}")).await;
        assert!(!page.contains("Hồ sơ 2"), "a secret hồ sơ on a danh mục stays hidden");
        let (_, page) = cleared.get(&format!("/danh-muc-huy/{list}")).await;
        assert!(page.contains("Hồ sơ 2"));
    }
}

/// What the pages of tiếp nhận and chỉnh lý do, another system does through the API with a
/// token: the same checks (field by field), the same scope, the same audit.
#[tokio::test]
async fn receipts_and_chỉnh_lý_steps_are_recorded_through_the_api() {
    use reqwest::Method;
    use serde_json::json;
    for app in apps().await {
        let label = app.label;
        let district = app.unit_id("Huyện Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("tram", Role::Archivist, Classification::None, &[app.archive, district], &[]).await;
        app.user("tram.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let station = app.api("tram").await;
        let outsider = app.api("tram.khac").await;

        let receipt = json!({
            "receivedOn": "15/03/2026", "givingUnitId": district.to_string(), "receivingUnitId": app.archive.to_string(),
            "givingPerson": "Lò Văn Thưởng", "receivingPerson": "Quàng Thị Hương", "material": "Tài liệu UBND huyện 1990–2025",
            "metres": "12,5", "bags": "40",
        });
        let (status, bad) = station
            .call(Method::POST, "/api/v1/accessions", Some(json!({ "receivedOn": "2026", "givingUnitId": "", "material": "" })))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {bad}");
        let fields: Vec<&str> = bad["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"receivedOn") && fields.contains(&"material"), "{label}: each field says why: {bad}");
        let (status, created) = station.call(Method::POST, "/api/v1/accessions", Some(receipt.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {created}");
        let id = created["id"].as_i64().unwrap();
        let (status, got) = station.call(Method::GET, &format!("/api/v1/accessions/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(
            (got["material"].as_str(), got["metres"].as_i64()),
            (Some("Tài liệu UBND huyện 1990–2025"), Some(1250)),
            "{label}: {got}"
        );
        let (_, listed) = station.call(Method::GET, "/api/v1/accessions", None).await;
        assert!(listed.as_array().unwrap().iter().any(|a| a["id"] == id), "{label}");
        // Another commune's station neither sees it nor records for units it does not hold.
        assert_eq!(outsider.call(Method::GET, &format!("/api/v1/accessions/{id}"), None).await.0, StatusCode::NOT_FOUND, "{label}");
        let (_, theirs) = outsider.call(Method::GET, "/api/v1/accessions", None).await;
        assert!(!theirs.as_array().unwrap().iter().any(|a| a["id"] == id), "{label}");
        assert_eq!(outsider.call(Method::POST, "/api/v1/accessions", Some(receipt)).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{label}");

        let fonds = kho_model::record::FondsInput {
            code: "H05".into(),
            name: "UBND huyện Mường Ảng".into(),
            unit_id: district.to_string(),
            ..Default::default()
        };
        let fonds = app.store.create_fonds(&fonds.parse().unwrap()).await.unwrap();
        let steps = format!("/api/v1/fonds/{fonds}/arrangement/steps");
        let (status, wrong) = station.call(Method::POST, &steps, Some(json!({ "step": "24", "status": "da_xong" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(wrong["error"]["message"].as_str().unwrap().contains("1 đến 23"), "{label}: {wrong}");
        let (status, _) =
            station.call(Method::POST, &steps, Some(json!({ "step": "1", "status": "da_xong", "note": "Biên bản số 12" }))).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let (_, arrangement) = station.call(Method::GET, &format!("/api/v1/fonds/{fonds}/arrangement"), None).await;
        let first = &arrangement["steps"][0];
        assert_eq!(
            (first["status"].as_str(), first["note"].as_str(), first["doneBy"].as_str()),
            (Some("da_xong"), Some("Biên bản số 12"), Some("tram")),
            "{label}"
        );
        assert_eq!(arrangement["steps"].as_array().unwrap().len(), 23);
        assert_eq!(
            outsider.call(Method::POST, &steps, Some(json!({ "step": "2", "status": "da_xong" }))).await.0,
            StatusCode::NOT_FOUND,
            "{label}"
        );
        let audit = kho_store::AuditFilter { action: Some("arrangement.step".into()), limit: 10, ..Default::default() };
        assert_eq!(app.store.list_audit(&audit).await.unwrap().0, 1, "{label}: the step is audited, the refusal recorded apart");

        let (_, doc) = station.call(Method::GET, "/api/v1/openapi.json", None).await;
        for path in
            ["/api/v1/accessions", "/api/v1/accessions/{id}", "/api/v1/fonds/{id}/arrangement", "/api/v1/fonds/{id}/arrangement/steps"]
        {
            assert!(doc["paths"].get(path).is_some(), "{path} in the OpenAPI document");
        }
    }
}

/// The danh mục tài liệu hủy through the API: drawn up (every problem at once when refused),
/// reviewed, appraised, decided by a Lãnh đạo and destroyed, each step checked as the pages check
/// it; another commune's station sees none of it; a hồ sơ it may not see is not named.
#[tokio::test]
async fn a_danh_mục_hủy_goes_through_its_trail_through_the_api() {
    use reqwest::Method;
    use serde_json::json;
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let fonds = kho_model::record::FondsInput {
            code: "X27".into(),
            name: "UBND xã Mường Ảng".into(),
            unit_id: unit.to_string(),
            ..Default::default()
        };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;
        let mut ids = vec![];
        for (notation, maintenance, classification) in [("1", "06", "00"), ("2", "01", "00"), ("3", "06", "01")] {
            let input = kho_model::record::DossierInput {
                notation: notation.into(),
                title: format!("Công văn trao đổi {notation}"),
                maintenance: maintenance.into(),
                mode: if classification == "01" { "03" } else { "01" }.into(),
                classification: classification.into(),
                start_date: "2010".into(),
                end_date: "2010".into(),
                total_doc: "1".into(),
                number_of_page: "1".into(),
                ..Default::default()
            };
            ids.push(app.dossier(inventory, &input).await);
        }
        app.user("tram", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("lanhdao", Role::Leader, Classification::None, &[unit], &[]).await;
        app.user("tram.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let (station, leader, outsider) = (app.api("tram").await, app.api("lanhdao").await, app.api("tram.khac").await);
        let lists = format!("/api/v1/fonds/{fonds}/disposal-lists");

        let (status, refused) = station
            .call(
                Method::POST,
                &lists,
                Some(json!({ "title": "", "explanation": "", "items": [{ "dossierId": ids[1], "reason": "het_han" }] })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("vĩnh viễn không được hủy") && message.contains("Tên danh mục") && message.contains("thuyết minh"),
            "{label}: {message}"
        );
        let (status, bad) = station
            .call(
                Method::POST,
                &lists,
                Some(json!({ "title": "x", "explanation": "y", "items": [{ "dossierId": ids[0], "reason": "bo_di" }] })),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(bad["error"]["message"].as_str().unwrap().contains("het_han, trung_lap"), "{label}: {bad}");

        // The Mật hồ sơ, which the station may not see, is as if not chosen.
        let proposal = json!({
            "title": "Danh mục tài liệu hết giá trị 2026",
            "explanation": "Công văn trao đổi đã hết thời hạn; một bản trùng.",
            "items": [{ "dossierId": ids[0], "reason": "het_han" }, { "dossierId": ids[1], "reason": "trung_lap" }, { "dossierId": ids[2], "reason": "het_han" }],
        });
        let (status, created) = station.call(Method::POST, &lists, Some(proposal)).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {created}");
        let list = format!("/api/v1/disposal-lists/{}", created["id"]);
        let (_, shown) = station.call(Method::GET, &list, None).await;
        let on_it: Vec<i64> = shown["items"].as_array().unwrap().iter().map(|i| i["dossierId"].as_i64().unwrap()).collect();
        assert_eq!(on_it, vec![ids[0], ids[1]], "{label}: {shown}");
        let (_, listed) = station.call(Method::GET, &lists, None).await;
        assert_eq!(listed.as_array().unwrap().len(), 1, "{label}");

        let (status, early) = station.call(Method::POST, &format!("{list}/destruction"), Some(json!({ "on": "01/01/2027" }))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: no destruction before a decision: {early}");
        let (status, _) = station.call(Method::POST, &format!("{list}/council"), Some(json!({ "on": "2026" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: the opinions and a full date are needed");
        let (status, reviewed) = station
            .call(Method::POST, &format!("{list}/council"), Some(json!({ "opinions": "Hội đồng 5 người nhất trí", "on": "10/03/2026" })))
            .await;
        assert_eq!((status, reviewed["stage"].as_str()), (StatusCode::OK, Some("hoi_dong")), "{label}: {reviewed}");
        let (status, _) = station
            .call(
                Method::POST,
                &format!("{list}/appraisal"),
                Some(json!({ "body": "Sở Nội vụ", "reference": "123/SNV-CCVTLT", "on": "20/03/2026" })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let (status, _) =
            station.call(Method::POST, &format!("{list}/decision"), Some(json!({ "reference": "45/QĐ-UBND", "on": "25/03/2026" }))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: only a Lãnh đạo decides");
        let (status, decided) =
            leader.call(Method::POST, &format!("{list}/decision"), Some(json!({ "reference": "45/QĐ-UBND", "on": "25/03/2026" }))).await;
        assert_eq!((status, decided["decidedBy"].as_str()), (StatusCode::OK, Some("lanhdao")), "{label}: {decided}");
        let (status, destroyed) =
            station.call(Method::POST, &format!("{list}/destruction"), Some(json!({ "on": "01/04/2026", "metres": "0,5" }))).await;
        assert_eq!((status, destroyed["destroyedMetres"].as_i64()), (StatusCode::OK, Some(50)), "{label}: {destroyed}");
        assert_eq!(app.store.dossier(ids[0]).await.unwrap().disposal.as_deref(), Some("da_huy"), "{label}");

        assert_eq!(outsider.call(Method::GET, &list, None).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(outsider.call(Method::GET, &lists, None).await.0, StatusCode::NOT_FOUND, "{label}");
        let (_, doc) = station.call(Method::GET, "/api/v1/openapi.json", None).await;
        for path in [
            "/api/v1/fonds/{id}/disposal-lists",
            "/api/v1/disposal-lists/{id}",
            "/api/v1/disposal-lists/{id}/council",
            "/api/v1/disposal-lists/{id}/appraisal",
            "/api/v1/disposal-lists/{id}/decision",
            "/api/v1/disposal-lists/{id}/destruction",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} in the OpenAPI document");
        }
    }
}

/// The rest of chỉnh lý through the API, as a data-entry station would do it: phiếu tin entered
/// (refused field by field when wrong), numbered after a preview (refused when the mục lục changed
/// since), places of the kho added and hộp filled. Another commune's station reaches none of it.
#[tokio::test]
async fn phiếu_tin_numbering_places_and_boxes_go_through_the_api() {
    use reqwest::Method;
    use serde_json::json;
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        app.user("tram", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("tram.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        let station = app.api("tram").await;
        let outsider = app.api("tram.khac").await;
        let fonds = kho_model::record::FondsInput {
            code: "X27".into(),
            name: "UBND xã Mường Ảng".into(),
            unit_id: unit.to_string(),
            ..Default::default()
        };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;

        // Phiếu tin, entered out of time order, numbers and codes as JSON numbers or text.
        let entries = format!("/api/v1/inventories/{inventory}/entries");
        let (status, bad) =
            station.call(Method::POST, &entries, Some(json!({ "tempNumber": 1, "title": "Sổ", "period": "năm ngoái" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {bad}");
        assert!(bad["error"]["message"].as_str().unwrap().contains("năm ngoái"), "{label}: {bad}");
        let mut made = vec![];
        for (temp, title, period) in [
            (1, "Tập quyết định về nâng lương năm 2019", "01/2019 - 12/2019"),
            (2, "Sổ đăng ký khai sinh năm 2015", "2015"),
            (3, "Báo cáo tổng kết công tác năm 2017", "12/2017"),
        ] {
            let (status, created) = station
                .call(
                    Method::POST,
                    &entries,
                    Some(json!({ "tempNumber": temp, "title": title, "period": period, "maintenance": "01", "sheets": 20 })),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{label}: {created}");
            assert_eq!(created["tempNumber"], temp, "{label}");
            made.push(created["id"].as_i64().unwrap());
        }
        let (_, got) = station.call(Method::GET, &format!("/api/v1/dossiers/{}", made[1]), None).await;
        assert_eq!(got["title"], "Sổ đăng ký khai sinh năm 2015", "{label}: {got}");
        let (_, listed) = station.call(Method::GET, &format!("{entries}?limit=2"), None).await;
        assert_eq!((listed["total"].as_i64(), listed["nextTempNumber"].as_i64()), (Some(3), Some(4)), "{label}: {listed}");
        assert_eq!(listed["entries"].as_array().unwrap().len(), 2, "{label}: the latest two");
        assert_eq!(station.call(Method::GET, &format!("{entries}?limit=100000"), None).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(outsider.call(Method::GET, &entries, None).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(
            outsider.call(Method::POST, &entries, Some(json!({ "tempNumber": 9, "title": "X", "period": "2019" }))).await.0,
            StatusCode::NOT_FOUND,
            "{label}"
        );

        // Numbering by time: previewed, then applied with the preview; a stale preview is refused.
        let numbering = format!("/api/v1/inventories/{inventory}/numbering");
        let (status, preview) = station.call(Method::GET, &format!("{numbering}?order=thoi_gian"), None).await;
        assert_eq!(status, StatusCode::OK, "{label}: {preview}");
        assert_eq!((preview["total"].as_i64(), preview["changed"].as_i64()), (Some(3), Some(3)), "{label}: {preview}");
        let first = &preview["rows"][0];
        assert_eq!((first["id"].as_i64(), first["new"].as_i64()), (Some(made[1]), Some(1)), "{label}: 2015 first: {preview}");
        let stale = json!({ "order": "tieu_de", "preview": preview["preview"] });
        assert_eq!(station.call(Method::POST, &numbering, Some(stale)).await.0, StatusCode::CONFLICT, "{label}");
        assert_eq!(
            outsider.call(Method::POST, &numbering, Some(json!({ "order": "thoi_gian", "preview": preview["preview"] }))).await.0,
            StatusCode::NOT_FOUND,
            "{label}"
        );
        let (status, applied) =
            station.call(Method::POST, &numbering, Some(json!({ "order": "thoi_gian", "preview": preview["preview"] }))).await;
        assert_eq!((status, applied["renumbered"].as_i64()), (StatusCode::OK, Some(3)), "{label}: {applied}");
        let numbers: Vec<Option<u32>> = {
            let mut out = vec![];
            for id in &made {
                out.push(app.store.dossier(*id).await.unwrap().number);
            }
            out
        };
        assert_eq!(numbers, [Some(3), Some(1), Some(2)], "{label}");

        // Places and a hộp on them.
        let (status, wrong) = station.call(Method::POST, "/api/v1/storage-places", Some(json!({ "kind": "gia", "name": "3" }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(wrong["error"]["message"].as_str().unwrap().contains("Giá phải nằm trong một kho"), "{label}: {wrong}");
        let (_, kho) = station.call(Method::POST, "/api/v1/storage-places", Some(json!({ "kind": "kho", "name": "1" }))).await;
        let (_, gia) =
            station.call(Method::POST, "/api/v1/storage-places", Some(json!({ "kind": "gia", "name": "3", "parentId": kho["id"] }))).await;
        let (status, tang) =
            station.call(Method::POST, "/api/v1/storage-places", Some(json!({ "kind": "tang", "name": "2", "parentId": gia["id"] }))).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {tang}");
        let (status, nowhere) =
            station.call(Method::POST, "/api/v1/storage-places", Some(json!({ "kind": "tang", "name": "2", "parentId": 999_999 }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: {nowhere}");
        let (_, places) = station.call(Method::GET, "/api/v1/storage-places", None).await;
        assert!(places.as_array().unwrap().iter().any(|p| p["path"] == "Kho 1 › Giá 3 › Tầng 2"), "{label}: {places}");

        let boxes = format!("/api/v1/fonds/{fonds}/boxes");
        let (status, missing) = station
            .call(Method::POST, &boxes, Some(json!({ "number": 1, "locationId": 999_999, "inventoryId": inventory, "from": 1, "to": 3 })))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}: a place that is not there: {missing}");
        let (status, filled) = station
            .call(
                Method::POST,
                &boxes,
                Some(json!({ "number": 1, "locationId": tang["id"], "thicknessMm": 100, "inventoryId": inventory, "from": 1, "to": 3 })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{label}: {filled}");
        let (_, listed) = station.call(Method::GET, &boxes, None).await;
        let first = &listed["boxes"][0];
        assert_eq!(
            (first["number"].as_i64(), first["place"].as_str(), first["dossiers"].as_i64(), first["lastNumber"].as_i64()),
            (Some(1), Some("Kho 1 › Giá 3 › Tầng 2"), Some(3), Some(3)),
            "{label}: {listed}"
        );
        assert_eq!(listed["statistics"]["boxes"], 1, "{label}: {listed}");
        assert_eq!(outsider.call(Method::GET, &boxes, None).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(outsider.call(Method::POST, &boxes, Some(json!({ "number": 2 }))).await.0, StatusCode::NOT_FOUND, "{label}");

        let (_, doc) = station.call(Method::GET, "/api/v1/openapi.json", None).await;
        for path in
            ["/api/v1/inventories/{id}/entries", "/api/v1/inventories/{id}/numbering", "/api/v1/storage-places", "/api/v1/fonds/{id}/boxes"]
        {
            assert!(doc["paths"].get(path).is_some(), "{path} in the OpenAPI document");
        }
    }
}

/// The finding aid of a fonds in EAD3 for other archives' systems: valid against SAA's EAD3 1.1.1
/// schema, each mục lục a series and each hồ sơ a file with its dates, sheets and retention, a
/// restricted one marked; what the reader may not see is not in it; another commune gets nothing.
#[tokio::test]
async fn a_fonds_finding_aid_comes_out_as_valid_ead3_with_only_what_the_reader_may_see() {
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let fonds = kho_model::record::FondsInput {
            code: "X27".into(),
            name: "UBND xã Mường Ảng".into(),
            unit_id: unit.to_string(),
            history: "Xã Mường Ảng thành lập năm 1960 & sáp nhập năm 2025.".into(),
            ..Default::default()
        };
        let (fonds, inventory) = app.fonds_with_inventory(fonds).await;
        for (n, title, mode, classification, start) in [
            (1, "Hồ sơ giao đất <bản Co Mận>", "01", "00", "03/01/2019"),
            (2, "Hồ sơ thanh tra khiếu nại", "02", "00", "2018"),
            (3, "Hồ sơ MẬT về quốc phòng", "03", "01", "05/2017"),
        ] {
            let input = kho_model::record::DossierInput {
                notation: n.to_string(),
                title: title.into(),
                maintenance: "01".into(),
                mode: mode.into(),
                classification: classification.into(),
                start_date: start.into(),
                end_date: "2019".into(),
                total_doc: "1".into(),
                number_of_page: "3".into(),
                number_of_paper: "12".into(),
                ..Default::default()
            };
            let id = app.dossier(inventory, &input).await;
            app.store.renumber(inventory, &[(id, n)]).await.unwrap();
        }
        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("canbo.khac", Role::Archivist, Classification::Confidential, &[other], &[]).await;
        let session = app.login("canbo").await;
        let (_, page) = session.get(&format!("/phong/{fonds}")).await;
        assert!(page.contains(">EAD3</a>"), "{label}: offered on the fonds page");
        let response = session.client.get(format!("{}/phong/{fonds}/ead3.xml", app.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{label}");
        assert_eq!(response.headers()["content-type"], "application/xml");
        let xml = response.text().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ead3.xml"), &xml).unwrap();
        let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../packages/schemas/ead3.xsd");
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--schema", schema])
            .arg(dir.path().join("ead3.xml"))
            .output()
            .expect("xmllint (libxml2-utils)");
        assert!(out.status.success(), "{label}: {}\n{xml}", String::from_utf8_lossy(&out.stderr));
        assert!(xml.contains("<unittitle>Hồ sơ giao đất &lt;bản Co Mận&gt;</unittitle>"), "{label}: {xml}");
        assert!(xml.contains("<fromdate standarddate=\"2019-01-03\">03/01/2019</fromdate>"), "{label}: {xml}");
        assert!(xml.contains("<quantity>12</quantity>") && xml.contains("Thời hạn bảo quản: Vĩnh viễn"), "{label}");
        assert!(xml.contains("<unitid>Mục lục số 1</unitid>") && xml.contains("sáp nhập năm 2025"), "{label}");
        assert_eq!(xml.matches("<c02 level=\"file\">").count(), 2, "{label}: the secret hồ sơ is not in it");
        assert!(!xml.contains("MẬT về quốc phòng"), "{label}");
        assert_eq!(xml.matches("<accessrestrict>").count(), 1, "{label}: the restricted hồ sơ is marked");
        let outsider = app.login("canbo.khac").await;
        assert_eq!(outsider.get(&format!("/phong/{fonds}/ead3.xml")).await.0, StatusCode::NOT_FOUND, "{label}");
    }
}
