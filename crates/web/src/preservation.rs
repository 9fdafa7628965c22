//! Bảo quản in Quản trị: where the files are kept (and their second copy), the fixity runs —
//! by hand or the server's daily slice — with what each found and mended, and each finished
//! run's biên bản kiểm tra (TT 05/2025, Phụ lục VII) as DOCX and PDF; a run that found files
//! lost or damaged also has its biên bản xử lý sự cố và phục hồi dữ liệu.
//!
//! Findings name files by their SHA-256 and the copy only, never by what they hold: the trail
//! of a classified file says no more than that of a public one.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, ApiErrorBody, PageError};
use crate::respond::{PaperFormat, paper};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use kho_documents::official::{Block, Issuer, OfficialDocument, Paragraph, Signature, Table};
use kho_model::vn;
use kho_store::{FixityFinding, FixityRun};
use minijinja::{Value, context};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quan-tri/bao-quan", get(page))
        .route("/quan-tri/bao-quan/{id}/bien-ban-kiem-tra.docx", get(|s, c, p| record(s, c, p, PaperFormat::Docx)))
        .route("/quan-tri/bao-quan/{id}/bien-ban-kiem-tra.pdf", get(|s, c, p| record(s, c, p, PaperFormat::Pdf)))
        .route("/quan-tri/bao-quan/{id}/bien-ban-su-co.docx", get(|s, c, p| incident(s, c, p, PaperFormat::Docx)))
        .route("/quan-tri/bao-quan/{id}/bien-ban-su-co.pdf", get(|s, c, p| incident(s, c, p, PaperFormat::Pdf)))
}

/// Runs the page lists.
const RUNS_SHOWN: i64 = 50;

fn started_by(run: &FixityRun) -> &'static str {
    if run.started_by == "lich" { "Lịch kiểm tra hằng ngày" } else { "Lệnh kho verify" }
}

async fn page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let runs: Vec<Value> = state
        .store
        .fixity_runs(RUNS_SHOWN)
        .await?
        .iter()
        .map(|r| {
            context! {
                id => r.id, started_at => r.started_at.clone(), finished_at => r.finished_at.clone(), by => started_by(r),
                copies => r.copies, checked => r.checked, missing => r.missing, corrupt => r.corrupt, repaired => r.repaired,
                unmended => r.unmended(), incident => r.missing + r.corrupt > 0,
            }
        })
        .collect();
    let second = state.blobs.second_copy().await;
    let copies = context! {
        primary => state.blobs.label().to_string(),
        second => second.as_ref().ok(),
        missing => second.as_ref().err(),
    };
    crate::pages::Page::new("admin_preservation.html", "quan-tri", "Bảo quản").status(StatusCode::OK).render(
        &state,
        Some(&ctx),
        context! { tabs => crate::admin::tabs(&ctx), runs, copies },
    )
}

/// The biên bản kiểm tra of a finished run.
async fn record(
    State(state): State<AppState>,
    Extension(_ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (run, findings) = state.store.fixity_run_by_id(id).await?;
    if run.finished_at.is_none() {
        return Err(PageError::NotYet("Lần kiểm tra này chưa xong; biên bản được lập khi đã kiểm tra hết các tệp.".into()));
    }
    let issuer = crate::respond::keeping_archive(&state).await?;
    let province = state.store.plan().await?.map(|p| p.plan.meta.province).unwrap_or_else(|| "……".into());
    let replica = state.blobs.replica().map(|r| r.label().to_string());
    let doc = fixity_record(&run, &findings, &issuer, &province, state.blobs.label(), replica.as_deref());
    paper(doc, format, &format!("bien-ban-kiem-tra-{id}")).await
}

/// The biên bản xử lý sự cố và phục hồi dữ liệu of a finished run that found files lost or damaged.
async fn incident(
    State(state): State<AppState>,
    Extension(_ctx): Extension<Ctx>,
    Path(id): Path<i64>,
    format: PaperFormat,
) -> Result<Response, PageError> {
    let (run, findings) = state.store.fixity_run_by_id(id).await?;
    if run.finished_at.is_none() {
        return Err(PageError::NotYet("Lần kiểm tra này chưa xong; biên bản được lập khi đã kiểm tra hết các tệp.".into()));
    }
    if run.missing + run.corrupt == 0 {
        return Err(PageError::NotYet("Lần kiểm tra này không phát hiện tệp mất hoặc hỏng: không có sự cố để lập biên bản.".into()));
    }
    let issuer = crate::respond::keeping_archive(&state).await?;
    let province = state.store.plan().await?.map(|p| p.plan.meta.province).unwrap_or_else(|| "……".into());
    paper(incident_record(&run, &findings, &issuer, &province), format, &format!("bien-ban-su-co-{id}")).await
}

/// Rows a biên bản lists at most; the totals above always count every finding.
const FINDINGS_LISTED: usize = 2_000;

/// The day a run ended, as a biên bản writes it: (day, month, year) and the moment.
fn record_day(run: &FixityRun) -> ((String, String, String), String) {
    let day = vn::moment(run.finished_at.as_deref().unwrap_or_default());
    let date = day.split(' ').next().unwrap_or_default().to_string();
    let (d, rest) = date.split_once('/').unwrap_or(("", ""));
    let (m, y) = rest.split_once('/').unwrap_or(("", ""));
    ((d.to_string(), m.to_string(), y.to_string()), day)
}

/// A biên bản of Phụ lục VII as NĐ 30/2020 lays it out: the archive's heading, its number, the
/// place and day, the subtitle, the body, signed by `signer` and the head of the unit.
fn record_paper(
    issuer: &Issuer,
    province: &str,
    (d, m, y): (&str, &str, &str),
    subtitle: &str,
    body: Vec<Block>,
    signer: &str,
) -> OfficialDocument {
    OfficialDocument {
        issuer: issuer.heading(),
        number: Some(issuer.record_number()),
        national_heading: true,
        place_and_date: Some(format!("{province}, ngày {d} tháng {m} năm {y}")),
        title: "BIÊN BẢN".into(),
        subtitle: Some(subtitle.into()),
        body,
        signatures: vec![
            Signature { capacity: signer.into(), name: String::new() },
            Signature { capacity: "THỦ TRƯỞNG ĐƠN VỊ".into(), name: String::new() },
        ],
    }
}

/// The files a run found lost or damaged, each with its copy and what mended it (at most
/// [`FINDINGS_LISTED`], saying so when there are more).
fn findings_blocks(findings: &[FixityFinding]) -> Vec<Block> {
    if findings.is_empty() {
        return vec![];
    }
    let rows = findings
        .iter()
        .take(FINDINGS_LISTED)
        .enumerate()
        .map(|(i, f)| vec![(i + 1).to_string(), f.blob.clone(), f.copy.label().into(), f.outcome_label().into(), f.mended_label().into()])
        .collect();
    let mut blocks = vec![Block::Table(Table {
        numeric: vec![0],
        columns: vec![
            ("STT".into(), 0.5),
            ("Mã tệp (SHA-256)".into(), 3.2),
            ("Bản lưu".into(), 1.0),
            ("Tình trạng".into(), 1.3),
            ("Xử lý".into(), 1.6),
        ],
        rows,
    })];
    if findings.len() > FINDINGS_LISTED {
        blocks.push(
            Paragraph::plain(format!("(Bảng liệt kê {FINDINGS_LISTED} tệp đầu trong {}.)", vn::integer(findings.len() as i64))).into(),
        );
    }
    blocks
}

/// The biên bản xử lý sự cố và phục hồi dữ liệu (TT 05/2025, Phụ lục VII): when the incident was
/// found and by what, what was lost or damaged, its cause (for the people handling it to write),
/// what was done, the result and what is left to do.
fn incident_record(run: &FixityRun, findings: &[FixityFinding], issuer: &Issuer, province: &str) -> OfficialDocument {
    let ((d, m, y), day) = record_day(run);
    let mut blocks: Vec<Block> = vec![
        Paragraph::plain(format!(
            "Hôm nay, ngày {d} tháng {m} năm {y}, tại {}, lập biên bản xử lý sự cố và phục hồi tài liệu lưu trữ số phát hiện trong lần kiểm tra toàn vẹn số {} ({}, bắt đầu lúc {}, kết thúc lúc {day}).",
            issuer.name,
            run.id,
            started_by(run).to_lowercase(),
            vn::moment(&run.started_at)
        ))
        .into(),
        Paragraph::plain(format!(
            "1. Sự cố: trong {} tệp dữ liệu được kiểm tra trên {} bản lưu, {} tệp bị mất và {} tệp bị hỏng (mã SHA-256 không khớp với mã ghi nhận khi lưu).",
            vn::integer(run.checked),
            run.copies,
            vn::integer(run.missing),
            vn::integer(run.corrupt)
        ))
        .into(),
        Paragraph::plain("2. Nguyên nhân: ……………………………………………………………………………………").into(),
        Paragraph::plain(
            "3. Biện pháp xử lý: chép lại tệp mất hoặc hỏng từ bản lưu còn nguyên vẹn (bản thứ hai) hoặc từ bản sao lưu, rồi tính lại mã SHA-256 của bản đã chép và so với mã ghi nhận khi lưu.",
        )
        .into(),
        Paragraph::plain(format!(
            "4. Kết quả phục hồi: đã phục hồi {} tệp; chưa phục hồi được {} tệp.",
            vn::integer(run.repaired),
            vn::integer(run.unmended())
        ))
        .into(),
    ];
    blocks.extend(findings_blocks(findings));
    blocks.push(
        Paragraph::plain(if run.unmended() > 0 {
            "5. Đề xuất: khôi phục các tệp chưa phục hồi được từ bản sao lưu (lệnh kho verify --restart --repair-from THƯ_MỤC_SAO_LƯU); báo cáo thủ trưởng đơn vị về hồ sơ có tệp bị mất nếu không còn bản nào nguyên vẹn."
        } else {
            "5. Đề xuất: tài liệu lưu trữ số đã được phục hồi đầy đủ; tiếp tục kiểm tra theo lịch và theo dõi phương tiện lưu trữ đã xảy ra sự cố."
        })
        .into(),
    );
    record_paper(issuer, province, (&d, &m, &y), "Xử lý sự cố và phục hồi dữ liệu tài liệu lưu trữ số", blocks, "NGƯỜI XỬ LÝ")
}

/// The biên bản kiểm tra định kỳ tài liệu lưu trữ số: what was checked, on which copies, how,
/// what was found, what was mended and what is left to do.
fn fixity_record(
    run: &FixityRun,
    findings: &[FixityFinding],
    issuer: &Issuer,
    province: &str,
    primary: &str,
    replica: Option<&str>,
) -> OfficialDocument {
    let ((d, m, y), day) = record_day(run);
    let mut body = vec![
        Paragraph::plain(format!(
            "Hôm nay, ngày {d} tháng {m} năm {y}, tại {}, đã kiểm tra tính toàn vẹn của tài liệu lưu trữ số (lần kiểm tra số {}), \
             bắt đầu lúc {}, kết thúc lúc {}; người khởi chạy: {}.",
            issuer.name,
            run.id,
            vn::moment(&run.started_at),
            day,
            started_by(run).to_lowercase()
        )),
        Paragraph::plain(format!(
            "1. Phạm vi kiểm tra: {} tệp dữ liệu (bản quét, ảnh trang, chữ nhận dạng, bản PDF/A, tệp đính kèm), mỗi tệp trên {} bản lưu: bản chính tại {primary}{}.",
            vn::integer(run.checked),
            run.copies,
            match replica {
                Some(r) => format!("; bản thứ hai tại {r}"),
                None => String::new(),
            }
        )),
        Paragraph::plain(
            "2. Phương pháp: đọc lại toàn bộ từng tệp trên từng bản lưu, tính lại mã SHA-256 và so với mã ghi nhận khi lưu; \
             tệp mất hoặc hỏng ở một bản được chép lại từ bản còn nguyên vẹn và kiểm tra lại.",
        ),
        Paragraph::plain(format!(
            "3. Kết quả: {} tệp mất, {} tệp hỏng; đã khắc phục {}; chưa khắc phục được {}.",
            vn::integer(run.missing),
            vn::integer(run.corrupt),
            vn::integer(run.repaired),
            vn::integer(run.unmended())
        )),
    ];
    let mut blocks: Vec<Block> = body.drain(..).map(Block::from).collect();
    blocks.extend(findings_blocks(findings));
    blocks.push(
        Paragraph::plain(if run.unmended() > 0 {
            "4. Kiến nghị: khôi phục ngay các tệp chưa khắc phục được từ bản sao lưu (lệnh kho verify --restart --repair-from) \
             và lập biên bản xử lý sự cố và phục hồi dữ liệu."
        } else {
            "4. Kiến nghị: tài liệu lưu trữ số nguyên vẹn; tiếp tục kiểm tra theo lịch."
        })
        .into(),
    );
    record_paper(issuer, province, (&d, &m, &y), "Kiểm tra định kỳ tài liệu lưu trữ số", blocks, "NGƯỜI KIỂM TRA")
}

// ---- the same through /api/v1 ----

/// `/api/v1/preservation/runs[/{id}]`: the fixity runs and their findings.
pub fn api_routes() -> Router<AppState> {
    Router::new().route("/preservation/runs", get(api_runs)).route("/preservation/runs/{id}", get(api_run))
}

fn run_json(r: &FixityRun) -> serde_json::Value {
    json!({
        "id": r.id, "startedAt": r.started_at, "finishedAt": r.finished_at, "startedBy": r.started_by, "copies": r.copies,
        "checked": r.checked, "missing": r.missing, "corrupt": r.corrupt, "repaired": r.repaired, "unmended": r.unmended(),
    })
}

/// The latest fixity runs (the Bảo quản page's), newest first, and where the copies are kept.
#[utoipa::path(get, path = "/api/v1/preservation/runs", tag = "Bảo quản", responses(
    (status = 200, description = "copies (primary, second, missing: vì sao chưa có bản thứ hai); runs: id, startedAt, finishedAt, startedBy, copies, checked, missing, corrupt, repaired, unmended")))]
pub(crate) async fn api_runs(State(state): State<AppState>) -> Result<Response, ApiError> {
    let runs: Vec<_> = state.store.fixity_runs(RUNS_SHOWN).await?.iter().map(run_json).collect();
    let second = state.blobs.second_copy().await;
    let copies = json!({ "primary": state.blobs.label().to_string(), "second": second.as_ref().ok(), "missing": second.as_ref().err() });
    Ok(Json(json!({ "copies": copies, "runs": runs })).into_response())
}

/// A fixity run with every finding: the file (by its SHA-256 name, never by what refers to it),
/// the copy, missing or corrupt, and what mended it.
#[utoipa::path(get, path = "/api/v1/preservation/runs/{id}", tag = "Bảo quản", params(("id" = i64, Path)), responses(
    (status = 200, description = "run và findings: blob, copy, outcome, mendedFrom"), (status = 404, body = ApiErrorBody)))]
pub(crate) async fn api_run(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let (run, findings) = state.store.fixity_run_by_id(id).await?;
    let findings: Vec<_> = findings
        .iter()
        .map(|f| json!({ "blob": f.blob, "copy": f.copy.code(), "outcome": f.outcome, "mendedFrom": f.mended_from }))
        .collect();
    Ok(Json(json!({ "run": run_json(&run), "findings": findings })).into_response())
}
