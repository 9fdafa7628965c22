//! Bảo quản in Quản trị: the fixity runs with what each found and mended, and the biên bản kiểm
//! tra of a finished run — and, when it found files lost or damaged, its biên bản xử lý sự cố và
//! phục hồi — read back from their PDF and DOCX. A file is named by its SHA-256 alone.

use crate::common;

use common::{apps, pdf_text};
use kho_model::Classification;
use kho_model::access::Role;
use kho_store::{BlobCopy, FixityFinding};
use reqwest::StatusCode;

#[tokio::test]
async fn fixity_runs_are_listed_and_each_finished_one_has_its_biên_bản_kiểm_tra() {
    for app in apps().await {
        let label = app.label;
        let store = &app.store;
        // A run that found one file damaged in the first copy and mended it from the second,
        // and one lost in both.
        let (run, _) = store.fixity_run(true, "lich", 2).await.unwrap();
        let findings = [
            FixityFinding { blob: "a".repeat(64), copy: BlobCopy::Primary, outcome: "corrupt".into(), mended_from: Some("replica".into()) },
            FixityFinding { blob: "b".repeat(64), copy: BlobCopy::Primary, outcome: "missing".into(), mended_from: None },
            FixityFinding { blob: "b".repeat(64), copy: BlobCopy::Replica, outcome: "missing".into(), mended_from: None },
        ];
        store.fixity_progress(run, &"f".repeat(64), 1234, &findings).await.unwrap();
        store.finish_fixity_run(run).await.unwrap();
        let (open, _) = store.fixity_run(true, "lenh", 2).await.unwrap();

        app.user("quantri", Role::Admin, Classification::None, &[app.archive], &[]).await;
        app.user("canbo", Role::Archivist, Classification::None, &[app.archive], &[]).await;
        let admin = app.login("quantri").await;
        let (status, page) = admin.get("/quan-tri/bao-quan").await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("Lịch kiểm tra hằng ngày") && page.contains("1.234"), "{label}: {page}");
        assert!(page.contains("Không có bản thứ hai"), "{label}: the test server keeps one copy, and says so");
        assert!(page.contains(&format!("/quan-tri/bao-quan/{run}/bien-ban-kiem-tra.pdf")), "{label}");
        assert!(!page.contains(&format!("/quan-tri/bao-quan/{open}/bien-ban-kiem-tra.pdf")), "{label}: no biên bản before the end");
        let (_, home) = admin.get("/quan-tri").await;
        assert!(home.contains(">Bảo quản</a>"), "{label}: a tab of Quản trị");

        let pdf = admin.client.get(format!("{}/quan-tri/bao-quan/{run}/bien-ban-kiem-tra.pdf", app.base)).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK, "{label}");
        let text = pdf_text(&pdf.bytes().await.unwrap());
        for expected in [
            "BIÊN BẢN",
            "Kiểm tra định kỳ tài liệu lưu trữ số",
            &format!("lần kiểm tra số {run}"),
            "1.234 tệp dữ liệu",
            "trên 2 bản lưu",
            "2 tệp mất, 1 tệp hỏng; đã khắc phục 1; chưa khắc phục được 2",
            "chưa khắc phục được",
            "biên bản xử lý sự cố",
            "NGƯỜI KIỂM TRA",
        ] {
            assert!(text.contains(expected), "{label}: “{expected}” in {text}");
        }
        assert!(text.contains(&"a".repeat(64)) || text.contains(&"a".repeat(30)), "{label}: files named by their SHA-256: {text}");
        let docx = admin.client.get(format!("{}/quan-tri/bao-quan/{run}/bien-ban-kiem-tra.docx", app.base)).send().await.unwrap();
        let document = docx_rs::read_docx(&docx.bytes().await.unwrap()).expect("a DOCX Word and LibreOffice open").json();
        assert!(document.contains("Kiểm tra định kỳ tài liệu lưu trữ số") && document.contains("đã chép lại từ bản thứ hai"), "{label}");
        // The run found files lost and damaged: its biên bản xử lý sự cố và phục hồi (Phụ lục VII).
        assert!(page.contains(&format!("/quan-tri/bao-quan/{run}/bien-ban-su-co.pdf")), "{label}");
        let pdf = admin.client.get(format!("{}/quan-tri/bao-quan/{run}/bien-ban-su-co.pdf", app.base)).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK, "{label}");
        let text = pdf_text(&pdf.bytes().await.unwrap());
        for expected in [
            "Xử lý sự cố và phục hồi dữ liệu tài liệu lưu trữ số",
            &format!("lần kiểm tra toàn vẹn số {run}"),
            "2 tệp bị mất và 1 tệp bị hỏng",
            "Nguyên nhân:",
            "đã phục hồi 1 tệp; chưa phục hồi được 2 tệp",
            "--repair-from",
            "NGƯỜI XỬ LÝ",
        ] {
            assert!(text.contains(expected), "{label}: “{expected}” in {text}");
        }
        let docx = admin.client.get(format!("{}/quan-tri/bao-quan/{run}/bien-ban-su-co.docx", app.base)).send().await.unwrap();
        let document = docx_rs::read_docx(&docx.bytes().await.unwrap()).expect("a DOCX Word and LibreOffice open").json();
        assert!(document.contains("Xử lý sự cố và phục hồi dữ liệu"), "{label}");
        let unfinished = admin.client.get(format!("{}/quan-tri/bao-quan/{open}/bien-ban-kiem-tra.pdf", app.base)).send().await.unwrap();
        assert_eq!(unfinished.status(), StatusCode::CONFLICT, "{label}: a run not finished has no biên bản yet");
        let absent = admin.client.get(format!("{}/quan-tri/bao-quan/999999/bien-ban-kiem-tra.pdf", app.base)).send().await.unwrap();
        assert_eq!(absent.status(), StatusCode::NOT_FOUND, "{label}");
        let (clean, _) = store.fixity_run(true, "lenh", 2).await.unwrap();
        store.finish_fixity_run(clean).await.unwrap();
        let none = admin.client.get(format!("{}/quan-tri/bao-quan/{clean}/bien-ban-su-co.pdf", app.base)).send().await.unwrap();
        assert_eq!(none.status(), StatusCode::CONFLICT, "{label}: a run that found nothing has no incident");

        // Bảo quản is the system's trail: an archivist does not open it.
        let clerk = app.login("canbo").await;
        assert_eq!(clerk.get("/quan-tri/bao-quan").await.0, StatusCode::FORBIDDEN, "{label}");

        // The same runs by API, each with its findings by file name and copy.
        let (api, clerk_api) = (app.api("quantri").await, app.api("canbo").await);
        let (status, listed) = api.call(reqwest::Method::GET, "/api/v1/preservation/runs", None).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let first = listed["runs"].as_array().unwrap().iter().find(|r| r["id"] == run).unwrap().clone();
        assert_eq!(
            (first["missing"].as_i64(), first["corrupt"].as_i64(), first["repaired"].as_i64()),
            (Some(2), Some(1), Some(1)),
            "{label}: {first}"
        );
        let order: Vec<i64> = listed["runs"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] > w[1]) && order.contains(&open), "{label}: newest first: {order:?}");
        let (_, shown) = api.call(reqwest::Method::GET, &format!("/api/v1/preservation/runs/{run}"), None).await;
        let findings: Vec<(&str, &str, &str)> = shown["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (&f["blob"].as_str().unwrap()[..1], f["copy"].as_str().unwrap(), f["outcome"].as_str().unwrap()))
            .collect();
        assert_eq!(findings, [("a", "primary", "corrupt"), ("b", "primary", "missing"), ("b", "replica", "missing")], "{label}: {shown}");
        assert_eq!(api.call(reqwest::Method::GET, "/api/v1/preservation/runs/999999", None).await.0, StatusCode::NOT_FOUND, "{label}");
        assert_eq!(clerk_api.call(reqwest::Method::GET, "/api/v1/preservation/runs", None).await.0, StatusCode::FORBIDDEN, "{label}");
    }
}
