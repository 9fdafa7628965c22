//! Fresh, empty catalogues for tests: one on SQLite always, one on PostgreSQL when
//! `KHO_TEST_POSTGRES_URL` names a server (the test command starts one). With
//! `KHO_REQUIRE_POSTGRES=1` a missing server fails the test instead of quietly testing less.

use crate::Store;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// A catalogue that lives as long as the value: a temporary SQLite folder, or a PostgreSQL
/// database created for this test.
pub struct TestCatalogue {
    pub store: Store,
    pub label: &'static str,
    /// The URL the store was opened with, for tests that start `kho` as a process.
    pub url: String,
    /// A temporary folder that lives as long as the catalogue, for blobs and key files.
    files: tempfile::TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static SWEPT: AtomicBool = AtomicBool::new(false);

/// Drops the test databases of test processes that have ended (their names carry the process
/// id): a long-lived developer server otherwise grows by every run. Once per process; a
/// database still in use is left for a later sweep.
async fn sweep(admin: &sqlx::AnyPool) {
    use sqlx::Row;
    let Ok(rows) = sqlx::query("SELECT CAST(datname AS TEXT) FROM pg_database WHERE datname LIKE 'kho_test_%'").fetch_all(admin).await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String, _>(0) else { continue };
        let pid = name.trim_start_matches("kho_test_").split('_').next().and_then(|p| p.parse::<u32>().ok());
        let ended = pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists());
        if ended && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(admin).await;
        }
    }
}

/// Every backend this run can test, each with an empty catalogue.
pub async fn catalogues() -> Vec<TestCatalogue> {
    let mut out = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        out.push(pg);
    }
    out
}

pub async fn sqlite() -> TestCatalogue {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kho.db").display());
    let store = Store::open(&url).await.expect("open SQLite catalogue");
    TestCatalogue { store, label: "SQLite", url, files: dir }
}

pub async fn postgres() -> Option<TestCatalogue> {
    let url = empty_postgres().await?;
    let store = Store::open(&url).await.expect("open PostgreSQL catalogue");
    Some(TestCatalogue { store, label: "PostgreSQL", url, files: tempfile::tempdir().expect("temporary folder") })
}

/// A new, empty database on the test PostgreSQL server (no schema: what a restore goes into).
pub async fn empty_postgres() -> Option<String> {
    let Ok(server) = std::env::var("KHO_TEST_POSTGRES_URL") else {
        if std::env::var("KHO_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("KHO_REQUIRE_POSTGRES=1 but KHO_TEST_POSTGRES_URL is not set");
        }
        return None;
    };
    // Process ids repeat across runs against a long-lived server; the clock makes names unique.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let name = format!("kho_test_{}_{}_{}", std::process::id(), nanos % 1_000_000_000_000, COUNTER.fetch_add(1, Ordering::SeqCst));
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&server).await.expect("connect to the test PostgreSQL server");
    if !SWEPT.swap(true, Ordering::SeqCst) {
        sweep(&admin).await;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.expect("create test database");
    admin.close().await;
    let (base, _) = server.rsplit_once('/').expect("URL with a database name");
    Some(format!("{base}/{name}"))
}

impl TestCatalogue {
    /// The test's own folder (blobs, keys).
    pub fn dir(&self) -> &std::path::Path {
        self.files.path()
    }

    /// Runs SQL behind Kho's back, as an intruder or a careless operator would: for tests of
    /// tamper detection and expiry only.
    pub async fn tamper(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url).await.expect("connect for tampering");
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.expect("tampering statement");
        pool.close().await;
    }
}

/// A hồ sơ as tests write it: số ký hiệu, title, thời hạn bảo quản code, số trang.
pub type DossierSpec<'a> = (&'a str, &'a str, &'a str, &'a str);

/// A fonds of `unit_id` with mục lục số 1 and the given public hồ sơ (year 2019); returns the
/// fonds and each hồ sơ's id and mã hồ sơ, in order.
pub async fn fonds_with_dossiers(store: &Store, unit_id: i64, code: &str, dossiers: &[DossierSpec<'_>]) -> (i64, Vec<(i64, String)>) {
    use kho_model::record::{FondsInput, InventoryInput};
    let fonds = FondsInput { code: code.into(), name: format!("Phông {code}"), unit_id: unit_id.to_string(), ..Default::default() };
    let fonds = store.create_fonds(&fonds.parse().expect("valid fonds")).await.expect("fonds");
    let inventory = InventoryInput { number: "1".into(), title: "Mục lục 1".into(), ..Default::default() };
    let inventory = store.create_inventory(fonds, &inventory.parse().expect("valid inventory")).await.expect("inventory");
    let mut out = vec![];
    for spec in dossiers {
        let id = add_dossier(store, inventory, *spec).await;
        out.push((id, store.dossier(id).await.expect("dossier").fields.file_code.to_string()));
    }
    (fonds, out)
}

/// A public hồ sơ (year 2019) described in mục lục `inventory`; its id.
pub async fn add_dossier(store: &Store, inventory: i64, (notation, title, maintenance, pages): DossierSpec<'_>) -> i64 {
    use kho_model::record::DossierInput;
    let (_, _, context) = store.dossier_context(inventory).await.expect("context");
    let input = DossierInput {
        notation: notation.into(),
        title: title.into(),
        maintenance: maintenance.into(),
        mode: "01".into(),
        start_date: "2019".into(),
        end_date: "2019".into(),
        total_doc: "1".into(),
        number_of_page: pages.into(),
        ..Default::default()
    };
    store.create_dossier(inventory, &input.parse(&context).expect("valid dossier")).await.expect("dossier")
}

/// A batch's progress counted afresh from its pages, files and renditions, as `batch_progress`
/// counted before its tallies were kept by triggers: the independent figure tests hold the
/// tallies to.
pub async fn counted_batch_progress(store: &Store, visibility: &kho_model::access::Visibility, batch_id: i64) -> crate::BatchProgress {
    use crate::catalogue::{Arg, bind_all, visible_dossiers};
    use sqlx::Row;
    let mut args = vec![Arg::Int(batch_id)];
    let dossiers = visible_dossiers(visibility, &mut args);
    let count = |sql: String| {
        let args = &args;
        async move { bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), args).fetch_one(&store.pool).await.expect("count").get::<i64, _>(0) }
    };
    let in_batch = format!("batch_dossiers q JOIN dossiers d ON d.id = q.dossier_id WHERE q.batch_id = $1 AND {dossiers}");
    let pages = |state: &str| {
        format!(
            "SELECT COUNT(*) FROM scan_pages p JOIN dossiers d ON d.id = p.dossier_id \
             WHERE p.batch_id = $1 AND p.state {state} AND {dossiers}"
        )
    };
    let mut progress = crate::BatchProgress {
        dossiers: count(format!("SELECT COUNT(*) FROM {in_batch}")).await,
        files: count(format!(
            "SELECT COUNT(*) FROM scan_files f JOIN dossiers d ON d.id = f.dossier_id WHERE f.batch_id = $1 AND f.replaced_by IS NULL AND {dossiers}"
        ))
        .await,
        renditions: count(format!(
            "SELECT COUNT(*) FROM renditions r WHERE r.dossier_id IN (SELECT q.dossier_id FROM {in_batch})"
        ))
        .await,
        dossiers_done: count(format!(
            "SELECT COUNT(DISTINCT r.dossier_id) FROM renditions r WHERE r.dossier_id IN (SELECT q.dossier_id FROM {in_batch})"
        ))
        .await,
        rendition_pages: count(format!(
            "SELECT CAST(COALESCE(SUM(r.pages), 0) AS BIGINT) FROM renditions r WHERE r.dossier_id IN (SELECT q.dossier_id FROM {in_batch})"
        ))
        .await,
        rendition_bytes: count(format!(
            "SELECT CAST(COALESCE(SUM(r.size), 0) AS BIGINT) FROM renditions r WHERE r.dossier_id IN (SELECT q.dossier_id FROM {in_batch})"
        ))
        .await,
        pages: count(pages("<> 'replaced'")).await,
        pages_done: count(pages("= 'done'")).await,
        pages_rescan: count(pages("= 'rescan'")).await,
        pages_warned: count(pages("<> 'replaced' AND p.warnings IS NOT NULL")).await,
        ..Default::default()
    };
    progress.pages_waiting = progress.pages - progress.pages_done - progress.pages_rescan;
    progress.jobs_failed = store.queue_counts(Some(batch_id)).await.expect("queue counts").failed;
    progress
}

/// Per unit: hồ sơ, hồ sơ destroyed, văn bản and pages scanned, counted afresh from the rows
/// under `visibility`, as `progress_by_unit` counted before the fonds' tallies were kept by
/// triggers; and the hồ sơ described in `year` (Vietnam time). The independent figures tests hold
/// the tallies to.
pub async fn counted_unit_figures(
    store: &Store,
    visibility: &kho_model::access::Visibility,
    year: i32,
) -> std::collections::BTreeMap<i64, [i64; 5]> {
    use crate::catalogue::{Arg, bind_all, visible_dossiers};
    use sqlx::Row;
    let mut args = vec![Arg::Text(format!("{}-12-31T17:00:00Z", year - 1)), Arg::Text(format!("{year}-12-31T17:00:00Z"))];
    let visible = visible_dossiers(visibility, &mut args);
    let mut out: std::collections::BTreeMap<i64, [i64; 5]> = Default::default();
    let queries = [
        "SELECT f.unit_id, COUNT(*) FROM dossiers d JOIN fonds f ON f.id = d.fonds_id WHERE {v} GROUP BY f.unit_id",
        "SELECT f.unit_id, COUNT(*) FROM dossiers d JOIN fonds f ON f.id = d.fonds_id WHERE {v} AND d.disposal = 'da_huy' GROUP BY f.unit_id",
        "SELECT f.unit_id, COUNT(*) FROM documents v JOIN dossiers d ON d.id = v.dossier_id JOIN fonds f ON f.id = d.fonds_id WHERE {v} GROUP BY f.unit_id",
        "SELECT f.unit_id, COUNT(*) FROM scan_pages p JOIN dossiers d ON d.id = p.dossier_id JOIN fonds f ON f.id = d.fonds_id
         WHERE {v} AND p.state = 'done' GROUP BY f.unit_id",
        "SELECT f.unit_id, COUNT(*) FROM dossiers d JOIN fonds f ON f.id = d.fonds_id
         WHERE {v} AND d.created_at >= $1 AND d.created_at < $2 GROUP BY f.unit_id",
    ];
    let visible = format!("d.id IN (SELECT id FROM dossiers WHERE {visible})");
    for (n, sql) in queries.iter().enumerate() {
        let sql = sql.replace("{v}", &format!("$1 < $2 AND {visible}"));
        for row in bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &args).fetch_all(&store.pool).await.expect("count") {
            out.entry(row.get::<i64, _>(0)).or_default()[n] = row.get::<i64, _>(1);
        }
    }
    out
}

/// A file already in the blobs, as a test hands it to the catalogue.
pub struct StoredFile<'a> {
    pub blob: &'a str,
    pub sha256: &'a str,
    pub size: i64,
}

/// A hồ sơ taken through the số hóa line without the worker: a batch, `scan` as its one-page scan
/// (the page read, with `image` as the page image the viewer shows), and `scan` again as its
/// signed copy `<mã hồ sơ>.pdf`. (batch, rendition).
pub async fn digitized(store: &Store, unit: i64, dossier: i64, scan: StoredFile<'_>, image: Option<String>) -> (i64, i64) {
    let batch = store.create_batch(unit, "Lô 1", kho_model::digitization::OriginalKind::Text, "test").await.expect("batch");
    store.add_to_batch(batch, &[(dossier, 1, "Bảo quản vĩnh viễn")]).await.expect("into the batch");
    let file = crate::NewScanFile {
        batch_id: batch,
        dossier_id: dossier,
        ordinal: None,
        file_name: "quet.pdf".into(),
        format: "pdf".into(),
        size: scan.size,
        sha256: scan.sha256.into(),
        blob: scan.blob.into(),
        sealed: false,
        page_count: 1,
        uploaded_by: "test".into(),
    };
    store.add_scan_file(&file).await.expect("scan file");
    let read = crate::PageResult { image_blob: image, ocr_text: Some("Trang đã đọc".into()), ..Default::default() };
    let code = store.dossier(dossier).await.expect("hồ sơ").fields.file_code.to_string();
    while let Some(job) = store.claim_job("test", 60, 3).await.expect("claim") {
        match job.kind {
            crate::JobKind::Page => assert!(store.finish_page(&job, job.subject_id, &read).await.expect("page")),
            crate::JobKind::Assemble => {
                let rendition = crate::RenditionFile {
                    ordinal: None,
                    file_name: format!("{code}.pdf"),
                    standard: "PDF/A-2b".into(),
                    pages: 1,
                    size: scan.size,
                    sha256: scan.sha256.into(),
                    blob: scan.blob.into(),
                    signed: true,
                };
                assert!(store.finish_assembly(&job, dossier, &[rendition]).await.expect("assembly"));
            }
        }
    }
    (batch, store.renditions(dossier).await.expect("renditions")[0].id)
}
