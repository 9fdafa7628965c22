//! Tra cứu: the catalogue and the OCR text searched through `kho_search`, as people search them —
//! with or without tone marks, narrowed by facets, a page at a time —, only what each person may
//! see found or counted. The page and `/api/v1/search` share [`run`].
//!
//! The index is derived from the catalogue ([`Indexer`]): rebuilt whole (`kho search reindex`,
//! or at start when it was never filled) and kept fresh from the catalogue's ordered log of
//! changes (`search_changes`): by `kho serve` every few seconds, and before each search for what
//! is left, so a hồ sơ just described is found at once.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::{Extension, Json};
use kho_model::access::Visibility;
use kho_search::{Allowed, Entry, Filters, Hits, Kind, Search, SearchIndex};
use kho_store::{SearchSource, Store, StoreError};
use minijinja::{Value, context};
use std::sync::Arc;

/// The index and who writes it: one writer at a time (the refresh before a search, the server's
/// loop, a rebuild).
pub struct Indexer {
    index: Arc<SearchIndex>,
    writing: tokio::sync::Mutex<()>,
    /// A rebuild is under way: searches answer from the last commit meanwhile.
    rebuilding: std::sync::atomic::AtomicBool,
}

/// A catalogue this small is indexed whole before a search when its index was never filled; a
/// larger one waits for the server's rebuild (or `kho search reindex`).
const INLINE_REBUILD_MOST: i64 = 20_000;

/// Changes read before a search; more are left to the server's loop.
const INLINE_CHANGES_MOST: i64 = 2_000;

/// Days the log of changes is kept: a server stopped longer rebuilds its index when it starts.
pub const CHANGES_KEPT_DAYS: i64 = 30;

/// Hồ sơ read from the catalogue at a time.
const CHUNK: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Search(#[from] kho_search::SearchError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("chỉ mục tra cứu: {0}")]
    Join(String),
}

impl From<IndexError> for PageError {
    fn from(e: IndexError) -> PageError {
        PageError::Internal(e.to_string())
    }
}

impl Indexer {
    /// The index in `dir`, or in memory without one (tests); an index that cannot be opened is
    /// replaced by one in memory, said in the log: search is derived, it must not stop Kho.
    pub fn open(dir: Option<&std::path::Path>) -> Indexer {
        let index = match dir.map(SearchIndex::open) {
            Some(Ok(index)) => index,
            Some(Err(e)) => {
                tracing::error!(error = %e, "không mở được chỉ mục tra cứu trên đĩa; dùng chỉ mục trong bộ nhớ");
                SearchIndex::in_memory().expect("an index in memory")
            }
            None => SearchIndex::in_memory().expect("an index in memory"),
        };
        Indexer::with(index)
    }

    /// An indexer over an index already opened (`kho search reindex`).
    pub fn with(index: SearchIndex) -> Indexer {
        Indexer { index: Arc::new(index), writing: tokio::sync::Mutex::new(()), rebuilding: Default::default() }
    }

    /// Whether the index was ever filled from the catalogue.
    pub fn ready(&self) -> bool {
        self.index.read_up_to().is_some()
    }

    /// Whether a rebuild is under way (searches answer from what was committed before it).
    pub fn rebuilding(&self) -> bool {
        self.rebuilding.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether the index must be filled whole: it never was, or its place in the log was pruned
    /// away (a server stopped longer than the log is kept).
    async fn needs_rebuild(&self, store: &Store) -> Result<bool, IndexError> {
        Ok(match (self.index.read_up_to(), store.search_change_first().await?) {
            (Some(read), Some(first)) => read + 1 < first,
            (None, _) => true,
            (Some(_), None) => false,
        })
    }

    pub fn entries(&self) -> u64 {
        self.index.len()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SearchIndex) -> Result<T, kho_search::SearchError> + Send + 'static,
    ) -> Result<T, IndexError> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || work(&index)).await.map_err(|e| IndexError::Join(e.to_string()))?.map_err(Into::into)
    }

    /// Rebuilds the index from the whole catalogue; searches go on answering from what was
    /// committed until it is done. `progress(done, total)` after each chunk of hồ sơ.
    pub async fn rebuild(&self, store: &Store, progress: &mut (dyn FnMut(u64, u64) + Send)) -> Result<(), IndexError> {
        let _writing = self.writing.lock().await;
        self.rebuilding.store(true, std::sync::atomic::Ordering::Relaxed);
        let done = self.rebuild_whole(store, progress).await;
        self.rebuilding.store(false, std::sync::atomic::Ordering::Relaxed);
        done
    }

    async fn rebuild_whole(&self, store: &Store, progress: &mut (dyn FnMut(u64, u64) + Send)) -> Result<(), IndexError> {
        let head = store.search_change_head().await?;
        let total = store.dossier_total().await? as u64;
        self.blocking(|index| index.clear()).await?;
        let (mut after, mut done) = (0, 0u64);
        loop {
            let ids = store.dossier_ids_after(after, CHUNK as i64).await?;
            let Some(last) = ids.last().copied() else { break };
            let entries = entries(&store.search_source(&ids).await?);
            self.blocking(move |index| index.replace(&[], &entries)).await?;
            after = last;
            done += ids.len() as u64;
            progress(done, total);
        }
        self.blocking(move |index| index.commit_at(head)).await?;
        Ok(())
    }

    /// Reads the catalogue's changes since the index last did, at most `most`: how many. An index
    /// never filled — or one whose place in the log was pruned away (a server stopped longer than
    /// the log is kept) — is filled first when the catalogue is small; else nothing is done here.
    /// A change asking for every hồ sơ ([`kho_store::REBUILD_ALL`]) rebuilds the index whole when
    /// `wait` (the server's loop). Unless `wait` (before a search), nothing is done while another
    /// writer is at work or a rebuild is asked for: the search answers from what was committed.
    pub async fn catch_up(&self, store: &Store, most: i64, wait: bool) -> Result<usize, IndexError> {
        if !wait && self.writing.try_lock().is_err() {
            return Ok(0);
        }
        if self.needs_rebuild(store).await? {
            if store.dossier_total().await? > INLINE_REBUILD_MOST {
                return Ok(0);
            }
            self.rebuild(store, &mut |_, _| {}).await?;
        }
        let writing = self.writing.lock().await;
        let from = self.index.read_up_to().unwrap_or(0);
        let changes = store.search_changes_after(from, most).await?;
        if changes.iter().any(|(_, dossier)| *dossier == kho_store::REBUILD_ALL) {
            drop(writing);
            if !wait {
                return Ok(0);
            }
            let started = std::time::Instant::now();
            self.rebuild(store, &mut |_, _| {}).await?;
            tracing::info!(entries = self.entries(), seconds = started.elapsed().as_secs(), "đã dựng lại chỉ mục tra cứu theo yêu cầu");
            return Ok(changes.len());
        }
        let Some(&(last, _)) = changes.last() else { return Ok(0) };
        let mut ids: Vec<i64> = changes.iter().map(|(_, dossier)| *dossier).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut entries_of = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            entries_of.extend(entries(&store.search_source(chunk).await?));
        }
        let count = changes.len();
        self.blocking(move |index| {
            index.replace(&ids, &entries_of)?;
            index.commit_at(last)
        })
        .await?;
        Ok(count)
    }

    /// Keeps the index fresh while the server runs: fills it when it was never filled (or fell
    /// behind the log), then reads the catalogue's changes every `every`, and once a day forgets
    /// the changes older than [`CHANGES_KEPT_DAYS`].
    pub async fn keep_fresh(self: Arc<Self>, store: Store, every: std::time::Duration) {
        if self.needs_rebuild(&store).await.unwrap_or(!self.ready()) {
            let started = std::time::Instant::now();
            match self.rebuild(&store, &mut |_, _| {}).await {
                Ok(()) => tracing::info!(entries = self.entries(), seconds = started.elapsed().as_secs(), "đã dựng chỉ mục tra cứu"),
                Err(e) => tracing::error!(error = %e, "không dựng được chỉ mục tra cứu"),
            }
        }
        let mut pruned = std::time::Instant::now();
        loop {
            tokio::time::sleep(every).await;
            if let Err(e) = self.catch_up(&store, 10_000, true).await {
                tracing::warn!(error = %e, "chỉ mục tra cứu chưa cập nhật được");
            }
            if pruned.elapsed() > std::time::Duration::from_secs(24 * 3600) {
                pruned = std::time::Instant::now();
                let before = kho_store::stored(chrono::Utc::now() - chrono::Duration::days(CHANGES_KEPT_DAYS));
                if let Err(e) = store.prune_search_changes(&before).await {
                    tracing::warn!(error = %e, "không dọn được nhật ký thay đổi của chỉ mục");
                }
            }
        }
    }

    async fn search(&self, search: Search) -> Result<Hits, IndexError> {
        self.blocking(move |index| index.search(&search)).await
    }
}

/// What the index holds of some hồ sơ: each hồ sơ, each of its văn bản, each page read by OCR,
/// all as secret as the hồ sơ.
pub fn entries(source: &SearchSource) -> Vec<Entry> {
    let mut out = Vec::with_capacity(source.dossiers.len() + source.documents.len() + source.pages.len());
    let join = |parts: &[Option<&str>]| parts.iter().flatten().filter(|p| !p.trim().is_empty()).copied().collect::<Vec<_>>().join(" · ");
    for d in &source.dossiers {
        let base = Entry {
            kind: kho_search::Kind::Dossier,
            dossier_id: d.id,
            document_id: None,
            page_id: None,
            page_no: None,
            fonds_id: d.fonds_id,
            unit_id: d.unit_id,
            classification: d.classification.clamp(0, 3) as u8,
            mode: d.mode.clone(),
            year: i32::try_from(d.year).ok(),
            maintenance: Some(d.maintenance.clone()),
            type_name: None,
            title: format!("{} — {}", d.file_code, d.title),
            text: join(&[d.keyword.as_deref(), d.description.as_deref(), d.destroyed.then_some("Đã hủy")]),
        };
        for v in source.documents.iter().filter(|v| v.dossier_id == d.id) {
            let number = match (&v.code_number, &v.code_notation) {
                (Some(n), Some(k)) => format!("{n}/{k}"),
                (Some(n), None) => n.clone(),
                (None, Some(k)) => k.clone(),
                (None, None) => String::new(),
            };
            let kind = kho_model::DocumentType::from_code(&v.type_name).map(|t| t.label()).unwrap_or_default();
            out.push(Entry {
                kind: Kind::Document,
                document_id: Some(v.id),
                type_name: Some(v.type_name.clone()),
                title: [number.as_str(), kind, v.subject.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" "),
                text: join(&[Some(v.organ_name.as_str()), Some(v.issued_date.as_str()), v.keyword.as_deref(), v.description.as_deref()]),
                ..base.clone()
            });
        }
        for p in source.pages.iter().filter(|p| p.dossier_id == d.id) {
            out.push(Entry {
                kind: Kind::Page,
                page_id: Some(p.id),
                page_no: Some(p.position),
                // The hồ sơ's title is found on the hồ sơ: a page is found by its own text.
                title: format!("{}, trang {}", d.file_code, p.position),
                text: p.text.clone(),
                ..base.clone()
            });
        }
        out.push(base);
    }
    out
}

/// What a search asks: the words, the filters, the page.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchQuery {
    /// Các từ cần tìm, có hoặc không dấu; cụm từ trong ngoặc kép.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    /// Đơn vị hình thành phông (id).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub don_vi: String,
    /// Phông (id).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phong: String,
    /// Năm từ … đến ….
    #[serde(skip_serializing_if = "String::is_empty")]
    pub nam_tu: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub nam_den: String,
    /// Thời hạn bảo quản (mã 01–07).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub thbq: String,
    /// Tên loại văn bản (mã TT05).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub loai: String,
    /// Chế độ sử dụng (01–03).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub che_do: String,
    /// ho_so, van_ban hoặc trang.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kieu: String,
    /// Trang kết quả, từ 1.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub trang: String,
}

/// Hits per page.
const PER_PAGE: usize = 20;

/// The deepest page asked for: no one reads further, and no answer grows with it.
const LAST_PAGE: usize = 500;

/// The search a query asks, for `visibility` and the fonds it allows (`Store::list_fonds`):
/// refreshed from the catalogue first.
pub async fn run(state: &AppState, visibility: &Visibility, fonds: Vec<i64>, query: &SearchQuery) -> Result<(Hits, usize), PageError> {
    let page = query.trang.trim().parse::<usize>().unwrap_or(1).clamp(1, LAST_PAGE);
    state.search.catch_up(&state.store, INLINE_CHANGES_MOST, false).await?;
    if query.q.trim().is_empty() {
        return Ok((Hits::default(), page));
    }
    let number = |text: &str| text.trim().parse::<i64>().ok();
    let code = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty() && t.len() <= 8);
    let search = Search {
        text: query.q.clone(),
        allowed: Allowed { fonds, clearance: visibility.clearance.clamp(0, 3) as u8, public_only: visibility.public_only },
        filters: Filters {
            unit: number(&query.don_vi),
            fonds: number(&query.phong),
            year_from: number(&query.nam_tu).and_then(|y| i32::try_from(y).ok()),
            year_to: number(&query.nam_den).and_then(|y| i32::try_from(y).ok()),
            maintenance: code(&query.thbq),
            type_name: code(&query.loai),
            mode: code(&query.che_do),
            kind: match query.kieu.trim() {
                "ho_so" => Some(Kind::Dossier),
                "van_ban" => Some(Kind::Document),
                "trang" => Some(Kind::Page),
                _ => None,
            },
        },
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
    };
    Ok((state.search.search(search).await?, page))
}

/// The signed PDF/A a page hit is in, opened at that page: the hồ sơ's copies the person may see,
/// in order, their pages counted on (a hồ sơ split by văn bản has several). Read once per hồ sơ.
#[derive(Default)]
struct PdfPages(std::collections::HashMap<i64, Vec<(i64, i64)>>);

impl PdfPages {
    /// The link to the copy holding the hồ sơ's `page`, and that page's number in it.
    async fn at(&mut self, state: &AppState, ctx: &Ctx, dossier_id: i64, page: u32) -> Result<Option<Value>, PageError> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.0.entry(dossier_id) {
            let dossier = state.store.dossier(dossier_id).await?;
            let mut copies = crate::records::visible_renditions(state, ctx, &dossier).await?;
            copies.sort_by_key(|r| r.ordinal.unwrap_or(0));
            // Pages on from a whole-hồ sơ copy, or across the copies of its văn bản, not both.
            let whole: Vec<_> = copies.iter().filter(|r| r.ordinal.is_none()).collect();
            let counted = if whole.is_empty() { copies.iter().collect::<Vec<_>>() } else { whole };
            e.insert(counted.iter().map(|r| (r.id, r.pages)).collect());
        }
        let mut first = 1i64;
        for (id, pages) in &self.0[&dossier_id] {
            if i64::from(page) < first + pages {
                let in_file = i64::from(page) - first + 1;
                return Ok(Some(context! { href => format!("/ban-so-hoa/{id}?xem=1#page={in_file}"), page => in_file }));
            }
            first += pages;
        }
        Ok(None)
    }
}

/// Where a hit opens: the page viewer at the page (for whoever sees content outside a phiếu), the
/// văn bản, the hồ sơ.
fn href(hit: &kho_search::Hit, content: bool) -> String {
    match (hit.kind, hit.page_id, hit.document_id) {
        (Kind::Page, Some(page), _) if content => format!("/trang/{page}"),
        (Kind::Document, _, Some(document)) => format!("/van-ban/{document}"),
        _ => format!("/ho-so/{}", hit.dossier_id),
    }
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Dossier => "Hồ sơ",
        Kind::Document => "Văn bản",
        Kind::Page => "Trang",
    }
}

/// The Tra cứu page.
pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let visibility = ctx.actor.visibility();
    let allowed = state.store.list_fonds(&visibility).await?;
    let (hits, page) = run(&state, &visibility, allowed.iter().map(|f| f.id).collect(), &query).await?;
    let units: std::collections::HashMap<String, String> =
        state.store.units().await?.into_iter().map(|u| (u.id.to_string(), u.name)).collect();
    let fonds: std::collections::HashMap<String, String> =
        allowed.into_iter().map(|f| (f.id.to_string(), format!("{} — {}", f.fields.code, f.fields.name))).collect();
    let label = |facet: &str, value: &str| -> String {
        match facet {
            "kieu" => match value {
                "ho_so" => "Hồ sơ".into(),
                "van_ban" => "Văn bản".into(),
                _ => "Trang đã số hóa".into(),
            },
            "don_vi" => units.get(value).cloned().unwrap_or_else(|| value.to_string()),
            "phong" => fonds.get(value).cloned().unwrap_or_else(|| value.to_string()),
            "thbq" => kho_model::Maintenance::from_code(value).map(|m| m.label().to_string()).unwrap_or_else(|| value.to_string()),
            "loai" => kho_model::DocumentType::from_code(value).map(|t| t.label().to_string()).unwrap_or_else(|| value.to_string()),
            "che_do" => kho_model::Mode::from_code(value).map(|m| m.label().to_string()).unwrap_or_else(|| value.to_string()),
            _ => value.to_string(),
        }
    };
    // Each facet value as a link that narrows the search to it (years: that year).
    let link = |facet: &str, value: &str| {
        let mut narrowed = query.clone();
        narrowed.trang = String::new();
        match facet {
            "kieu" => narrowed.kieu = value.into(),
            "don_vi" => narrowed.don_vi = value.into(),
            "phong" => narrowed.phong = value.into(),
            "thbq" => narrowed.thbq = value.into(),
            "loai" => narrowed.loai = value.into(),
            "che_do" => narrowed.che_do = value.into(),
            "nam" => (narrowed.nam_tu, narrowed.nam_den) = (value.into(), value.into()),
            _ => {}
        }
        format!("/tra-cuu?{}", serde_urlencoded::to_string(&narrowed).unwrap_or_default())
    };
    let names = [
        ("kieu", "Loại kết quả"),
        ("don_vi", "Đơn vị"),
        ("phong", "Phông"),
        ("nam", "Năm"),
        ("thbq", "Thời hạn bảo quản"),
        ("loai", "Tên loại văn bản"),
        ("che_do", "Chế độ sử dụng"),
    ];
    let facets: Vec<Value> = names
        .iter()
        .filter_map(|(key, name)| {
            let values = hits.facets.get(*key).filter(|v| !v.is_empty())?;
            let values: Vec<Value> =
                values.iter().take(12).map(|(v, n)| context! { label => label(key, v), count => n, href => link(key, v) }).collect();
            Some(context! { name => *name, values })
        })
        .collect();
    let mut pdfs = PdfPages::default();
    let content = crate::pages::sees_content(&ctx);
    let mut rows: Vec<Value> = vec![];
    for h in &hits.hits {
        let pdf = match (h.kind, h.page_no) {
            (Kind::Page, Some(n)) if content => pdfs.at(&state, &ctx, h.dossier_id, n).await?,
            _ => None,
        };
        rows.push(context! {
            href => href(h, content), kind => kind_label(h.kind), page_no => h.page_no, pdf,
            title => Value::from_safe_string(h.title_html.clone()), snippet => Value::from_safe_string(h.snippet_html.clone()),
        });
    }
    let pages = hits.total.div_ceil(PER_PAGE).clamp(1, LAST_PAGE);
    let at = |n: usize| {
        let mut q = query.clone();
        q.trang = n.to_string();
        format!("/tra-cuu?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    };
    let narrowed = [&query.don_vi, &query.phong, &query.nam_tu, &query.nam_den, &query.thbq, &query.loai, &query.che_do, &query.kieu]
        .iter()
        .any(|v| !v.trim().is_empty());
    let all = SearchQuery { q: query.q.clone(), ..Default::default() };
    crate::pages::Page::new("search.html", "tra-cuu", "Tra cứu").render(
        &state,
        Some(&ctx),
        context! {
            query => query.q.clone(), total => hits.total, rows, facets, page, pages,
            first => (page - 1) * PER_PAGE + 1, last => ((page - 1) * PER_PAGE + hits.hits.len()),
            previous => (page > 1).then(|| at(page - 1)), next => (page < pages && !hits.hits.is_empty()).then(|| at(page + 1)),
            narrowed, all => format!("/tra-cuu?{}", serde_urlencoded::to_string(&all).unwrap_or_default()),
            building => !state.search.ready() || state.search.rebuilding(),
        },
    )
}

/// `GET /api/v1/search`: the same search as the page, as JSON.
#[utoipa::path(get, path = "/api/v1/search", tag = "Tra cứu", params(SearchQuery), responses(
    (status = 200, description = "Kết quả: tổng số, các kết quả của trang (loại, hồ sơ, văn bản, trang, tiêu đề và đoạn trích có đánh dấu), số đếm theo từng nhóm",
        example = json!({ "total": 1, "page": 1, "hits": [{ "kind": "Page", "dossierId": 12, "documentId": null, "pageId": 340, "pageNo": 3,
            "titleHtml": "X27.2019.05.1 — Hồ sơ <b>đất</b> <b>đai</b>, trang 3", "snippetHtml": "… giao <b>đất</b> ở …", "href": "/trang/340" }],
            "facets": { "nam": [["2019", 1]] } }))))]
pub(crate) async fn api(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, crate::error::ApiError> {
    let visibility = ctx.actor.visibility();
    let fonds = state.store.list_fonds(&visibility).await?.iter().map(|f| f.id).collect();
    let (hits, page) = run(&state, &visibility, fonds, &query).await?;
    let content = crate::pages::sees_content(&ctx);
    let list: Vec<serde_json::Value> = hits
        .hits
        .iter()
        .map(|h| {
            serde_json::json!({
                "kind": h.kind, "dossierId": h.dossier_id, "documentId": h.document_id, "pageId": h.page_id, "pageNo": h.page_no,
                "titleHtml": h.title_html, "snippetHtml": h.snippet_html, "href": href(h, content),
            })
        })
        .collect();
    Ok(axum::response::IntoResponse::into_response(Json(serde_json::json!({
        "total": hits.total, "page": page, "hits": list, "facets": hits.facets,
    }))))
}
