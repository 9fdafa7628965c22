//! Kho's catalogue: the schema, its migrations and every query, on SQLite (the embedded default)
//! or PostgreSQL (the province's server), chosen by the database URL.
//!
//! Only this crate writes SQL. Both backends run the same statements through sqlx's `Any` driver:
//! placeholders are `$1…`, integers BIGINT, dates sortable text, so one test suite covers both.
//! Where the dialects differ (identity columns, timestamps) the difference is spelled once, in
//! [`Backend`].

mod access_requests;
mod accessions;
mod accounts;
mod arrangement;
mod audit;
mod catalogue;
mod cost;
mod digitization;
mod disposal;
mod error;
mod handover;
mod migrate;
mod overview;
mod places;
mod plan;
mod preservation;
mod report;
mod search;
pub mod test_support;

pub use access_requests::{
    AccessFilter, AccessItem, AccessMonth, AccessRequest, AccessRequestLine, AccessYear, Delivery, GRANTED_AS_PUBLIC,
};
pub use accounts::{ApiToken, Session, User, UserSettings};
pub use arrangement::{Arrangement, StepRecord};
pub use audit::{AUDIT_COUNT_MOST, AuditEntry, AuditEvent, AuditFilter, AuditSeal, BrokenLink, Checkpoint};
pub use catalogue::{Attachment, AttachmentOwner, DossierPage, ListDossiers, NewDossier, Seek};
pub use cost::{BudgetRow, BudgetScope};
pub use digitization::{
    Batch, BatchPage, BatchProgress, Job, JobKind, NewScanFile, PageFlag, PageResult, QueueCounts, QueueEntry, QueuePage, Rendition,
    RenditionFile, ScanPage,
};
pub use disposal::{DisposalList, DisposalStep};
pub use error::StoreError;
pub use handover::{PackageReceipt, ReceivedPackage};
pub use overview::{AccessionLine, BatchNeedingAttention, DisposalWaiting, FondsInArrangement, Waiting};
pub use places::{BoxRow, FondsStatistics, UnitProgress, kind_from_code, kind_label};
pub use plan::{StoredPlan, TargetRow};
pub use preservation::{BlobCopy, FixityFinding, FixityRun};
pub use report::{OutsideWorkRow, UnitFigures};
pub use search::{REBUILD_ALL, SearchDocument, SearchDossier, SearchPage, SearchSource};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

/// Which database is behind the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The catalogue. Cheap to clone: it holds a connection pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The key that authenticates the audit trail, kept outside the database (`audit::AuditSeal`).
    seal: Option<std::sync::Arc<audit::AuditSeal>>,
    /// The entry the next write appends in its own transaction ([`Store::audited`]).
    pending: Option<std::sync::Arc<audit::AuditEvent>>,
}

impl Store {
    /// The embedded default: `kho.db` (SQLite, WAL) in the data folder, created when missing.
    pub async fn open_embedded(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| StoreError::Io(format!("không tạo được thư mục dữ liệu {}: {e}", data_dir.display())))?;
        let path = data_dir.join("kho.db");
        Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Opens the catalogue at `url` (`sqlite://…` or `postgres://…`) and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            StoreError::Config(format!("địa chỉ cơ sở dữ liệu “{}” không được hỗ trợ; dùng sqlite://… hoặc postgres://…", redact(url)))
        })?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            // One writer at a time is SQLite's rule; readers run beside it under WAL.
            Backend::Sqlite => {
                options
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(url).await?,
        };
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        let store = Store { pool, backend, seal: None, pending: None };
        migrate::run(&store).await?;
        Ok(store)
    }

    /// A transaction that writes. On SQLite it takes the write lock as it begins (`BEGIN
    /// IMMEDIATE`), waiting its turn under the busy timeout: a transaction that read first could
    /// not take the lock after another writer committed, and would fail at once with "database is
    /// locked" (SQLITE_BUSY_SNAPSHOT) whatever the timeout. Every write transaction of the store
    /// begins here.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// A consistent copy of the embedded catalogue at `path`, taken while Kho serves (SQLite's
    /// `VACUUM INTO`: one read transaction, never a file copy of a live database). PostgreSQL
    /// catalogues are saved by its own tools (`pg_dump`), not here.
    pub async fn snapshot_into(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Config("bản chụp VACUUM INTO chỉ dành cho SQLite; PostgreSQL dùng pg_dump".into()));
        }
        let target = path.to_str().ok_or_else(|| StoreError::Io(format!("đường dẫn không hợp lệ: {}", path.display())))?;
        let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A cheap liveness probe for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// An instant as the catalogue stores it: ISO 8601 UTC to the second, so that instants compare
/// as text.
pub fn stored(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Now, as stored.
fn now() -> String {
    stored(chrono::Utc::now())
}
