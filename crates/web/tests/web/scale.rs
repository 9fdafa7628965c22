//! A district fonds is 100,000 hồ sơ: every page that lists them stays light (under 500 KB) and
//! every list is walked a page at a time — first, next, last, a page by its number, a hồ sơ by
//! its number — in the browser's pages and in the API.

use crate::common;

use common::{App, apps};
use kho_model::Classification;
use kho_model::access::Role;
use kho_model::record::{DossierInput, FondsInput};
use reqwest::StatusCode;

const DOSSIERS: u32 = 100_000;
const LIGHT: usize = 500 * 1024;

/// A fonds of `DOSSIERS` hồ sơ in one mục lục, numbered 1…N, the last thousand also entered as
/// phiếu tin; all of them in one số hóa batch. Returns (fonds, mục lục, batch, a hồ sơ in the middle).
async fn district_fonds(app: &App) -> (i64, i64, i64, i64) {
    let unit = app.unit_id("Huyện Mường Ảng").await;
    let (fonds, inventory) = app
        .fonds_with_inventory(FondsInput {
            code: "P12".into(),
            name: "UBND huyện Mường Ảng".into(),
            unit_id: unit.to_string(),
            status: "02".into(),
            ..Default::default()
        })
        .await;
    let (_, _, context) = app.store.dossier_context(inventory).await.unwrap();
    let rows: Vec<kho_store::NewDossier> = (1..=DOSSIERS)
        .map(|i| {
            let year = 1990 + i % 35;
            let input = DossierInput {
                notation: i.to_string(),
                year: year.to_string(),
                title: format!("Hồ sơ về quản lý đất đai năm {year}, số {i}"),
                maintenance: if i % 3 == 0 { "01" } else { "05" }.into(),
                mode: "01".into(),
                start_date: format!("01/01/{year}"),
                end_date: format!("31/12/{year}"),
                total_doc: "10".into(),
                number_of_page: "40".into(),
                ..Default::default()
            };
            kho_store::NewDossier {
                fields: input.parse(&context).unwrap(),
                number: Some(i),
                box_id: None,
                temp_number: (i > DOSSIERS - 1000).then_some(i),
                scheme_group: None,
            }
        })
        .collect();
    app.store.insert_dossiers(inventory, &rows).await.unwrap();
    let codes = app.store.dossier_codes(inventory).await.unwrap();
    let middle = codes[codes.len() / 2].0;
    let batch = app.store.create_batch(unit, "Lô cả phông", kho_model::digitization::OriginalKind::Text, "test").await.unwrap();
    let entries: Vec<(i64, i64, &str)> = codes.iter().map(|(id, _)| (*id, 5, "Hồ sơ còn lại")).collect();
    app.store.add_to_batch(batch, &entries).await.unwrap();
    app.user("luutru", Role::Archivist, Classification::None, &[unit], &[]).await;
    (fonds, inventory, batch, middle)
}

fn link<'a>(html: &'a str, text: &str) -> Option<String> {
    let end = html.find(text)?;
    let start = html[..end].rfind("href=\"")? + 6;
    Some(html[start..].split('"').next()?.replace("&amp;", "&").replace("&#x2f;", "/"))
}

#[tokio::test]
async fn every_page_of_a_district_fonds_stays_light_and_walks_by_pages() {
    for app in apps().await {
        let label = app.label;
        let (fonds, inventory, batch, middle) = district_fonds(&app).await;
        let session = app.login("luutru").await;
        let get = |path: String| {
            let session = &session;
            async move {
                let (status, html) = session.get(&path).await;
                assert_eq!(status, StatusCode::OK, "{label}: {path}");
                assert!(html.len() < LIGHT, "{label}: {path} is {} bytes", html.len());
                html
            }
        };
        let listing = format!("/muc-luc/{inventory}");

        // The mục lục: a hundred at a time, with the whole count and the way to every page.
        let first = get(listing.clone()).await;
        assert!(first.contains("1–100 / 100.000") && first.contains("trang 1/1.000"), "{label}");
        let next = link(&first, "Trang sau").expect("a next page");
        let second = get(next).await;
        assert!(second.contains("101–200 / 100.000") && second.contains("trang 2/1.000"), "{label}");
        assert!(second.contains(">101<") && !second.contains(">100<"), "{label}: the second page starts at hồ sơ số 101");
        let back = link(&second, "Trang trước").expect("a previous page");
        assert!(get(back).await.contains("1–100 / 100.000"), "{label}: back to the first");
        let last = get(format!("{listing}?cuoi=1")).await;
        assert!(last.contains("99.901–100.000 / 100.000") && last.contains(">100000<") && !last.contains("Trang sau"), "{label}");
        let page = get(format!("{listing}?trang=537")).await;
        assert!(page.contains("53.601–53.700") && page.contains(">53601<"), "{label}: page 537 by its number");
        let number = get(format!("{listing}?so=77777")).await;
        assert!(number.contains(">77777<") && number.contains("77.777–77.876"), "{label}: to hồ sơ số 77777");
        assert!(get(format!("{listing}?trang=abc&so=")).await.contains("1–100 / 100.000"), "{label}: a mistyped jump is the first page");
        let found = get(format!("{listing}?q=nam+1990")).await;
        let more = link(&found, "Trang sau").expect("more than a page of hồ sơ of 1990");
        assert!(more.contains("q=nam%201990") || more.contains("q=nam+1990"), "{label}: the next page keeps the search: {more}");
        assert!(get(more.clone()).await.contains("101–200 / "), "{label}");

        // Every other page that meets the whole fonds.
        for path in [
            format!("/ho-so/{middle}"),
            format!("/ho-so/{middle}/sua"),
            format!("/muc-luc/{inventory}/phieu-tin"),
            format!("/muc-luc/{inventory}/danh-so"),
            format!("/phong/{fonds}"),
            format!("/phong/{fonds}/huy"),
            format!("/phong/{fonds}/huy?trang=400"),
            format!("/phong/{fonds}/chinh-ly"),
            format!("/phong/{fonds}/hop"),
            format!("/so-hoa/{batch}"),
            format!("/so-hoa/{batch}/tien-do"),
            "/tra-cuu?q=dat+dai".to_string(),
            "/tra-cuu?q=dat+dai&trang=1000".to_string(),
            "/".to_string(),
            "/ke-hoach".to_string(),
        ] {
            get(path).await;
        }

        // The API walks the same list by its cursors.
        let api = app.api("luutru").await;
        let (status, body) = api.call(reqwest::Method::GET, &format!("/api/v1/inventories/{inventory}/dossiers?page=1000"), None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert_eq!(
            (body["total"].as_i64(), body["before"].as_u64(), body["next"].as_i64()),
            (Some(100_000), Some(99_900), None),
            "{label}"
        );
        let prev = body["prev"].as_i64().unwrap();
        let (_, earlier) = api.call(reqwest::Method::GET, &format!("/api/v1/inventories/{inventory}/dossiers?before={prev}"), None).await;
        assert_eq!(earlier["items"][0]["number"].as_u64(), Some(99_801), "{label}");
    }
}
