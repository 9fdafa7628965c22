//! The annual report on the plan, as Sở Nội vụ and a commune make it before 15/12: its figures
//! read back from the DOCX and the PDF and checked against what the test put into the catalogue
//! and the plan's own lines; who may report for whom.

use crate::common;

use common::{App, apps, demo_plan};
use kho_model::Classification;
use kho_model::access::Role;
use reqwest::StatusCode;

async fn accession(app: &App, unit: i64, day: &str, metres: &str) {
    let input = kho_model::accession::AccessionInput {
        received_on: day.into(),
        giving_unit_id: unit.to_string(),
        receiving_unit_id: app.archive.to_string(),
        giving_person: "Bên giao".into(),
        receiving_person: "Bên nhận".into(),
        material: "Tài liệu xã".into(),
        metres: metres.into(),
        ..Default::default()
    };
    app.store.create_accession(&input.parse().unwrap(), "test").await.unwrap();
}

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    // Paragraph by paragraph, the text of their runs (`<w:t>` or `<w:t xml:space=…>`).
    let runs = |p: &str| {
        let mut out = String::new();
        for (i, _) in p.match_indices("<w:t") {
            let rest = &p[i + 4..];
            if !(rest.starts_with('>') || rest.starts_with(' ')) {
                continue;
            }
            let Some((_, text)) = rest.split_once('>') else { continue };
            out.push_str(text.split("</w:t>").next().unwrap_or_default());
        }
        out
    };
    xml.split("</w:p>").map(runs).collect::<Vec<_>>().join("\n").replace("&amp;", "&")
}

#[tokio::test]
async fn the_annual_report_carries_the_catalogues_figures_against_the_plan() {
    for app in apps().await {
        let label = app.label;
        let unit = app.unit_id("Xã Mường Ảng").await;
        // Seeded: received 12,50 m this year and 7,25 m last year; three hồ sơ described, two
        // văn bản; one hồ sơ scanned and signed (one page).
        accession(&app, unit, "15/03/2026", "12,50").await;
        accession(&app, unit, "20/10/2025", "7,25").await;
        let dossiers = [("15", "Hồ sơ giao đất", "01", "1"), ("16", "Sổ công văn đi", "06", "1"), ("17", "Sổ mục kê", "01", "1")];
        let (_, made) = kho_store::test_support::fonds_with_dossiers(&app.store, unit, "X27", &dossiers).await;
        for n in 1..=2 {
            let input = kho_model::record::DocumentInput {
                doc_ordinal: n.to_string(),
                type_name: "22".into(),
                issued_date: "2019".into(),
                organ_name: "UBND xã Mường Ảng".into(),
                subject: format!("Công văn {n}"),
                number_of_page: "1".into(),
                mode: "01".into(),
                ..Default::default()
            };
            app.store.create_document(made[0].0, &input.parse().unwrap()).await.unwrap();
        }
        let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
        let pdf = blobs.put(b"%PDF-1.7 ban so hoa".to_vec(), false).await.unwrap();
        let scan = kho_store::test_support::StoredFile { blob: &pdf.name, sha256: &pdf.sha256, size: pdf.size as i64 };
        kho_store::test_support::digitized(&app.store, unit, made[0].0, scan, None).await;

        app.user("lanhdao", Role::Leader, Classification::None, &[app.archive], &[]).await;
        app.user("canbo.xa", Role::Archivist, Classification::None, &[unit], &[]).await;
        app.user("docgia", Role::Reader, Classification::None, &[unit], &[]).await;

        // The commune's report to Sở Nội vụ, with work done before Kho entered on its unit's page
        // (refused field by field when wrong) and kept apart from what Kho counts.
        let clerk = app.login("canbo.xa").await;
        let (_, unit_page) = clerk.get(&format!("/don-vi/{unit}")).await;
        assert!(unit_page.contains("Số liệu thực hiện ngoài Kho"), "{label}");
        let wrong = clerk
            .post(
                &format!("/don-vi/{unit}/ngoai-kho"),
                &[("stage", "tiep_nhan"), ("quantity", "năm"), ("doneOn", "31/02/2026"), ("source", "")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let wrong = wrong.text().await.unwrap();
        assert!(wrong.contains("Khối lượng: “năm” không phải số mét giá") && wrong.contains("Văn bản làm căn cứ"), "{label}");
        let entered = clerk
            .post(
                &format!("/don-vi/{unit}/ngoai-kho"),
                &[
                    ("stage", "tiep_nhan"),
                    ("quantity", "5,5"),
                    ("doneOn", "10/02/2026"),
                    ("source", "Biên bản số 12/BB-UBND ngày 10/02/2026"),
                ],
            )
            .await;
        assert_eq!(entered.status(), StatusCode::SEE_OTHER, "{label}");
        let (_, page) = clerk.get("/bao-cao").await;
        assert!(page.contains("Báo cáo kết quả thực hiện kế hoạch năm") && page.contains("Xã Mường Ảng — báo cáo Sở Nội vụ"), "{label}");
        assert!(!page.contains("toàn tỉnh"), "{label}: a commune reports for itself only");
        let today = kho_web::reports::today();
        let days_left = (chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 12, 15).unwrap() - today).num_days();
        assert_eq!(page.contains("đến hạn báo cáo hằng năm"), (0..=30).contains(&days_left), "{label}: reminded as 15/12 approaches");
        let docx =
            clerk.client.get(format!("{}/bao-cao/nam.docx?nam=2026&don_vi={unit}&kho_khan=Thiếu+kho+chứa", app.base)).send().await.unwrap();
        assert_eq!(docx.status(), StatusCode::OK, "{label}");
        let text = docx_text(&docx.bytes().await.unwrap());
        // 19,75 of 198 m: 9,97%.
        for expected in [
            "UBND XÃ MƯỜNG ẢNG",
            "Số:        /BC-UBND",
            "Kính gửi: Sở Nội vụ tỉnh Điện Biên.",
            "1. Tiếp nhận tài liệu: trong năm tiếp nhận 12,5 mét giá; lũy kế 19,75 mét giá trên tổng số 198 mét giá theo kế hoạch, đạt 9,97%.",
            "3 hồ sơ được lập và biên mục (3 trong năm), gồm 2 văn bản",
            "lũy kế 1 trang đã quét, kiểm tra và nhận dạng; 1 trang được lập bản số hóa ký số trong năm",
            "Thiếu kho chứa",
            "III. ĐỀ XUẤT, KIẾN NGHỊ",
            "6. Phục vụ khai thác, sử dụng tài liệu: trong năm có 0 phiếu yêu cầu khai thác của 0 người",
            "8. Số liệu thực hiện ngoài Kho trong năm",
            "- 10/02/2026 — Xã Mường Ảng: Tiếp nhận 5,5 mét giá, căn cứ Biên bản số 12/BB-UBND ngày 10/02/2026.",
        ] {
            assert!(text.contains(expected), "{label}: “{expected}” in\n{text}");
        }

        // Sở Nội vụ's report to the UBND tỉnh: every unit of the plan, and the plan's total.
        let leader = app.login("lanhdao").await;
        let pdf = leader.client.get(format!("{}/bao-cao/nam.pdf?nam=2026", app.base)).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK, "{label}");
        let text = common::pdf_text(&pdf.bytes().await.unwrap());
        let plan = demo_plan();
        let target: i64 =
            plan.districts.iter().map(|d| d.metres.hundredths()).chain(plan.communes.iter().map(|c| c.metres.hundredths())).sum();
        let target = kho_model::vn::hundredths(target);
        assert!(
            text.contains("Kính gửi: Ủy ban nhân dân tỉnh Điện Biên") && text.contains(&target),
            "{label}: the plan's {target} m in\n{text}"
        );
        assert!(text.contains("Phường Điện Biên Phủ") && text.contains("Xã Mường Ảng"), "{label}");

        // Tổng quan for whoever sees the whole province: each level against the plan, the units
        // behind the straight line to their deadline, the reminder.
        let (_, home) = leader.get("/").await;
        let table = home.split("id=\"tien-do\"").nth(1).unwrap_or_default().split("</table>").next().unwrap_or_default().to_string();
        let communes: i64 = plan.communes.iter().map(|c| c.metres.hundredths()).sum();
        for expected in ["Cấp huyện", "Cấp xã", &kho_model::vn::hundredths(communes), "19,75", "15&#x2f;12&#x2f;2035"] {
            assert!(table.contains(expected), "{label}: “{expected}” in the progress table: {table}");
        }
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let end = chrono::NaiveDate::from_ymd_opt(2035, 12, 15).unwrap();
        let due = ((today - start).num_days().max(0) as f64 / (end - start).num_days() as f64).clamp(0.0, 1.0);
        let behind = home.split("id=\"cham-tien-do\"").nth(1).unwrap_or_default().split("</ul>").next().unwrap_or_default().to_string();
        assert_eq!(behind.contains("Xã Mường Ảng"), 1975.0 < 19_800.0 * due, "{label}: behind only if under {due} of its line: {behind}");
        if due > 0.0 {
            assert!(behind.contains("đã tiếp nhận 0 trên"), "{label}: units that received nothing are behind: {behind}");
        }
        assert_eq!(home.contains("đến hạn báo cáo hằng năm"), (0..=30).contains(&days_left), "{label}");
        // Every unit of the plan with its share and the stage its figures show.
        let every = home.split("id=\"tung-don-vi\"").nth(1).unwrap_or_default().split("</details>").next().unwrap_or_default().to_string();
        assert_eq!(every.matches("<tr><td>").count(), plan.districts.len() + plan.communes.len(), "{label}");
        let row = every.split("<tr><td>Xã Mường Ảng</td>").nth(1).unwrap_or_default().split("</tr>").next().unwrap_or_default().to_string();
        assert!(row.contains("19,75") && row.contains("9,97%") && row.contains("Số hóa"), "{label}: {row}");
        // The tasks of Phụ lục III by their next due date: the yearly report's next 15/12.
        let tasks =
            home.split("id=\"nhiem-vu-sap-den-han\"").nth(1).unwrap_or_default().split("</table>").next().unwrap_or_default().to_string();
        let year = chrono::Datelike::year(&today);
        let next_report = if days_left >= 0 { year } else { year + 1 };
        assert!(
            tasks.contains("Tổng hợp, báo cáo kết quả thực hiện hằng năm") && tasks.contains(&format!("15&#x2f;12&#x2f;{next_report}")),
            "{label}: {tasks}"
        );
        // A burn-up per level and stage, drawn by the server, and a forecast or the reason there
        // is none. Description and số hóa are drawn against what the default norms make of the
        // plan's metres: 70 % kept, 50 hồ sơ and 5.000 pages a metre.
        assert_eq!(home.matches("<svg class=\"chart\"").count(), 9, "{label}: four stages per level, and the communes' handover");
        assert!(
            home.contains(&format!("Tiếp nhận tài liệu cấp xã: đã làm 19,75 m trên {} m kế hoạch", kho_model::vn::hundredths(communes))),
            "{label}"
        );
        let kept = communes as f64 / 100.0 * 0.7;
        let (dossiers, pages) =
            (kho_model::vn::integer((kept * 50.0).round() as i64), kho_model::vn::integer((kept * 5000.0).round() as i64));
        assert!(home.contains(&format!("Biên mục hồ sơ cấp xã: đã làm 3 hồ sơ trên {dossiers} hồ sơ kế hoạch")), "{label}");
        assert!(home.contains(&format!("Số hóa cấp xã: đã làm 1 trang trên {pages} trang kế hoạch")), "{label}");
        let arranged_target = kho_model::vn::hundredths((kept * 100.0).round() as i64);
        assert!(home.contains(&format!("Chỉnh lý cấp xã: đã làm 0 m trên {arranged_target} m kế hoạch")), "{label}: no box placed yet");
        let permanent = kho_model::vn::integer(((kept * 50.0).round() * 0.3).round() as i64);
        assert!(home.contains(&format!("Bàn giao cấp xã: đã làm 0 hồ sơ trên {permanent} hồ sơ kế hoạch")), "{label}: 30 % of the hồ sơ");
        assert!(!home.contains("Bàn giao cấp huyện"), "{label}: the districts' records are at the archive already");
        assert!(home.matches("Dự báo tiếp nhận xong ngày").count() + home.matches("Chưa dự báo được").count() == 2, "{label}");

        // Its table as a spreadsheet whose figures are numbers.
        let xlsx = leader.client.get(format!("{}/bao-cao/nam.xlsx?nam=2026", app.base)).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK, "{label}");
        let bytes = xlsx.bytes().await.unwrap();
        let mut sheet = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut sheet.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
        assert!(xml.contains("<v>19.75</v>"), "{label}: the commune's received metres as a number");

        // The same table, and the list of biên bản giao nhận, as CSV for other systems: numbers
        // as numbers, only what the person may see.
        let csv = leader.client.get(format!("{}/bao-cao/nam.csv?nam=2026", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(csv.starts_with("\u{feff}STT,Đơn vị,Kế hoạch (m)") && csv.contains(",Xã Mường Ảng,198,12.5,19.75,"), "{label}: {csv}");
        let list = clerk.client.get(format!("{}/tiep-nhan/danh-sach.csv", app.base)).send().await.unwrap();
        assert_eq!(list.headers()["content-type"], "text/csv; charset=utf-8", "{label}");
        let list = list.text().await.unwrap();
        assert!(list.contains("Ngày giao nhận") && list.contains("12.5") && list.contains("7.25"), "{label}: {list}");
        let xlsx = clerk.client.get(format!("{}/tiep-nhan/danh-sach.xlsx", app.base)).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK, "{label}");
        let fonds = clerk.client.get(format!("{}/phong/danh-sach.csv", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(fonds.contains("Mã phông,Tên phông,Đơn vị hình thành") && fonds.contains("X27,Phông X27,Xã Mường Ảng"), "{label}: {fonds}");

        // Asked wrongly, or for someone else.
        let (status, wrong) = clerk.get("/bao-cao/nam.docx?nam=1990").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(wrong.contains("Năm báo cáo “1990”") && wrong.contains("Chọn đơn vị báo cáo"), "{label}");
        let other = app.unit_id("Phường Mường Thanh").await;
        assert_eq!(clerk.get(&format!("/bao-cao/nam.docx?nam=2026&don_vi={other}")).await.0, StatusCode::NOT_FOUND, "{label}");
        let reader = app.login("docgia").await;
        assert_eq!(reader.get("/bao-cao/nam.docx?nam=2026").await.0, StatusCode::FORBIDDEN, "{label}");
        let entry = [("stage", "so_hoa"), ("quantity", "100"), ("doneOn", "10/02/2026"), ("source", "x")];
        assert_eq!(reader.post(&format!("/don-vi/{unit}/ngoai-kho"), &entry).await.status(), StatusCode::FORBIDDEN, "{label}");
        assert_eq!(clerk.post(&format!("/don-vi/{other}/ngoai-kho"), &entry).await.status(), StatusCode::NOT_FOUND, "{label}");
        assert_eq!(reader.get("/tiep-nhan/danh-sach.csv").await.0, StatusCode::FORBIDDEN, "{label}");
        app.user("canbo.phuong", Role::Archivist, Classification::None, &[other], &[]).await;
        let (_, theirs) = app.login("canbo.phuong").await.get("/tiep-nhan/danh-sach.csv").await;
        assert!(!theirs.contains("Xã Mường Ảng"), "{label}: another commune's list holds none of this one's: {theirs}");
        let (_, theirs) = app.login("canbo.phuong").await.get("/phong/danh-sach.csv").await;
        assert!(!theirs.contains("X27"), "{label}: nor its phông: {theirs}");
    }
}
