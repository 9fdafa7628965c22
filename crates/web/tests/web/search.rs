//! Tra cứu through the index, as a clerk, another commune's clerk and a reader use it: hồ sơ,
//! văn bản and the OCR text of pages found without tone marks, a new hồ sơ found at once, a
//! renamed one by its new words only; facets that narrow; a page hit that opens the page viewer;
//! the API answering alike; and what one may not see neither shown nor counted.

use crate::common;

use common::apps;
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::record::DocumentInput;
use reqwest::StatusCode;

/// A page as a browser reads it: minijinja writes "/" in attributes as "&#x2f;".
async fn get(session: &common::Session, path: &str) -> (StatusCode, String) {
    let (status, page) = session.get(path).await;
    (status, page.replace("&#x2f;", "/"))
}

fn total(page: &str) -> String {
    page.split("id=\"tong-so\">").nth(1).map(|rest| rest.split('<').next().unwrap_or_default().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn the_catalogue_and_the_pages_are_searched_as_people_type() {
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        let other = app.unit_id("Xã Mường Phăng").await;
        let specs = [("01", "Hồ sơ giao đất ở tại bản Co Mận", "01", "4"), ("02", "Sổ đăng ký hộ tịch năm 2019", "01", "2")];
        let (fonds, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &specs).await;
        let (_, theirs) =
            kho_store::test_support::fonds_with_dossiers(&app.store, other, "X30", &[("01", "Hồ sơ giao đất xã bên", "01", "1")]).await;
        let document = DocumentInput {
            doc_ordinal: "1".into(),
            type_name: "22".into(),
            code_number: "15".into(),
            code_notation: "UBND-ĐC".into(),
            issued_date: "05/03/2019".into(),
            organ_name: "UBND xã Mường Ảng".into(),
            subject: "V/v cấp giấy chứng nhận quyền sử dụng đất".into(),
            number_of_page: "2".into(),
            mode: "01".into(),
            ..Default::default()
        };
        app.store.create_document(made[1].0, &document.parse().unwrap()).await.unwrap();
        // The land hồ sơ is scanned: its page's OCR text is searched too.
        let scan = kho_store::test_support::StoredFile { blob: &"c".repeat(64), sha256: &"c".repeat(64), size: 10 };
        kho_store::test_support::digitized(&app.store, unit, made[0].0, scan, None).await;

        app.user("canbo", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("canbo.khac", Role::Archivist, Classification::None, &[other], &[]).await;
        app.user("docgia", Role::Reader, Classification::None, &[unit], &[]).await;
        let clerk = app.login("canbo").await;

        // Without tone marks, hồ sơ and văn bản alike; the other commune's hồ sơ is not counted.
        let (status, page) = get(&clerk, "/tra-cuu?q=giao+dat").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(total(&page).contains("/ 1 kết quả"), "{label}: {}", total(&page));
        assert!(page.contains(&format!("href=\"/ho-so/{}\"", made[0].0)) && !page.contains("xã bên"), "{label}");
        assert!(page.contains("<b>giao</b> <b>đất</b>"), "{label}: the words marked as written");
        let (_, page) = get(&clerk, "/tra-cuu?q=quyen+su+dung+dat").await;
        assert!(page.contains("UBND-ĐC") && page.contains("Văn bản"), "{label}: the văn bản found by its trích yếu");
        // The page read by OCR: its hit opens the page viewer.
        let (_, page) = get(&clerk, "/tra-cuu?q=trang+da+doc").await;
        let pages = app.store.dossier_pages(made[0].0).await.unwrap();
        assert!(page.contains(&format!("href=\"/trang/{}\"", pages[0].id)), "{label}: {page}");
        // … and its signed PDF/A, shown in the browser at that page.
        let copy = app.store.renditions(made[0].0).await.unwrap()[0].id;
        let pdf = format!("/ban-so-hoa/{copy}?xem=1#page=1");
        assert!(page.contains(&pdf) || page.contains(&pdf.replace('/', "&#x2f;")), "{label}: {page}");

        // Facets narrow: the văn bản alone, then back.
        let (_, page) = get(&clerk, "/tra-cuu?q=dat").await;
        assert!(page.contains("Loại kết quả") && page.contains("kieu=van_ban"), "{label}: {page}");
        let (_, narrowed) = get(&clerk, "/tra-cuu?q=dat&kieu=van_ban").await;
        assert!(total(&narrowed).contains("/ 1 kết quả") && narrowed.contains("bỏ lọc"), "{label}: {}", total(&narrowed));

        // A hồ sơ described now is found now; renamed, by its new words only.
        let inventory = app.store.list_inventories(&kho_model::access::Visibility::everything(), fonds).await.unwrap()[0].id;
        let new =
            kho_store::test_support::add_dossier(&app.store, inventory, ("03", "Hồ sơ xây dựng nhà văn hóa bản Co Mận", "05", "3")).await;
        let (_, page) = get(&clerk, "/tra-cuu?q=nha+van+hoa").await;
        assert!(page.contains(&format!("href=\"/ho-so/{new}\"")), "{label}: found at once");
        let mut fields = app.store.dossier(new).await.unwrap().fields;
        fields.title = "Hồ sơ sửa chữa trường mầm non".into();
        app.store.update_dossier(new, &fields).await.unwrap();
        let (_, page) = get(&clerk, "/tra-cuu?q=nha+van+hoa").await;
        assert!(!page.contains(&format!("href=\"/ho-so/{new}\"")), "{label}: the old words are gone");
        let (_, page) = get(&clerk, "/tra-cuu?q=mam+non").await;
        assert!(page.contains(&format!("href=\"/ho-so/{new}\"")), "{label}");

        // A secret hồ sơ and a restricted one: not for the uncleared, not for the reader.
        let mut secret = app.store.dossier(made[1].0).await.unwrap().fields;
        secret.classification = Classification::Confidential;
        app.store.update_dossier(made[1].0, &secret).await.unwrap();
        let (_, page) = get(&clerk, "/tra-cuu?q=ho+tich").await;
        assert!(total(&page).contains("Không có kết quả"), "{label}: {}", total(&page));
        assert!(!page.contains("hộ tịch năm 2019"), "{label}");
        let reader = app.login("docgia").await;
        let (_, page) = get(&reader, "/tra-cuu?q=giao+dat").await;
        assert!(total(&page).contains("/ 1 kết quả"), "{label}: the public land hồ sơ");
        let outsider = app.login("canbo.khac").await;
        let (_, page) = get(&outsider, "/tra-cuu?q=giao+dat").await;
        assert!(page.contains(&format!("href=\"/ho-so/{}\"", theirs[0].0)) && !page.contains("Co Mận"), "{label}");

        // The API answers the same search; bad queries answer, never fail.
        let api = app.api("canbo").await;
        let (status, body) = api.call(reqwest::Method::GET, "/api/v1/search?q=giao%20dat", None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(body["total"], 1, "{label}: {body}");
        assert_eq!(body["hits"][0]["href"], format!("/ho-so/{}", made[0].0), "{label}");
        for q in ["%22dat", "*", "AND%20OR%20(", "dat&trang=999999", "dat&nam_tu=abc&phong=x"] {
            let (status, _) = get(&clerk, &format!("/tra-cuu?q={q}")).await;
            assert_eq!(status, StatusCode::OK, "{label}: {q}");
        }
    }
}

/// A replica whose place in the log was pruned away (a server stopped longer than the log is
/// kept) rebuilds from the catalogue instead of missing what changed.
#[tokio::test]
async fn a_replica_behind_the_pruned_log_rebuilds() {
    for app in apps().await {
        let unit = app.unit_id("Xã Mường Ảng").await;
        let (fonds, _) =
            kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &[("01", "Hồ sơ giao đất", "01", "1")]).await;
        let replica = kho_web::search::Indexer::open(None);
        replica.catch_up(&app.store, 100, true).await.unwrap();
        assert_eq!(replica.entries(), 1, "{}", app.label);
        let inventory = app.store.list_inventories(&kho_model::access::Visibility::everything(), fonds).await.unwrap()[0].id;
        for n in 2..=4 {
            kho_store::test_support::add_dossier(&app.store, inventory, (&format!("0{n}"), "Hồ sơ xây dựng trường", "05", "1")).await;
        }
        let pruned = app.store.prune_search_changes("9999-12-31T00:00:00Z").await.unwrap();
        assert!(pruned > 0, "{}", app.label);
        replica.catch_up(&app.store, 100, true).await.unwrap();
        assert_eq!(replica.entries(), 4, "{}: rebuilt whole, nothing missed", app.label);
    }
}
