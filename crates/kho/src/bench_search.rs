//! `kho bench search`: a deterministic corpus of Vietnamese văn bản with OCR-like text (~2 KB each,
//! from a seed), indexed by Kho (tantivy), SQLite FTS5 (on a folded column: its
//! `remove_diacritics` does not fold đ) and, given a PostgreSQL, PostgreSQL full-text search
//! (`simple` configuration on a folded column, its tsvector stored and GIN-indexed). The same queries on each:
//! indexing time and size, p50/p95/p99 latency, how far their top-10 agree with Kho's, and
//! relevance on a judged set: for each judged query, the văn bản that carry its needle (a person
//! at a place, a số ký hiệu, a phrase, a word typed with its tone marks) are the relevant ones,
//! planted by the generator, so the judgments are exact — precision@10 and nDCG@10, and apart
//! for the queries typed with tone marks, each against three times as many văn bản bearing its
//! twin (the same letters under other tones).

use anyhow::{Context, Result};
use kho_search::{Allowed, Entry, Filters, Kind, Search, SearchIndex};
use sqlx::ConnectOptions;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// A small deterministic generator (SplitMix64): the same corpus for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const FAMILY: [&str; 16] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Lò", "Quàng", "Cầm", "Lường", "Giàng", "Mùa"];
const GIVEN: [&str; 20] = [
    "Văn Thắng",
    "Thị Hoa",
    "Văn Minh",
    "Thị Lan",
    "Văn Dương",
    "Thị Hường",
    "A Páo",
    "Văn Sơn",
    "Thị Mai",
    "Văn Đức",
    "Thị Thu",
    "Văn Hùng",
    "Thị Nga",
    "Văn Bình",
    "Thị Hằng",
    "Văn Tuấn",
    "A Dính",
    "Văn Quân",
    "Thị Yến",
    "Văn Nam",
];
const TOPICS: [&str; 16] = [
    "giao đất ở",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "đăng ký hộ tịch",
    "đăng ký kết hôn",
    "xây dựng đường giao thông nông thôn",
    "hỗ trợ hộ nghèo",
    "bồi thường giải phóng mặt bằng",
    "thu ngân sách xã",
    "khen thưởng cán bộ",
    "kỷ luật công chức",
    "bán đấu giá tài sản",
    "sắp xếp tổ chức bộ máy",
    "phòng chống thiên tai",
    "quy hoạch sử dụng đất",
    "tuyển dụng viên chức",
    "kiểm tra việc bàn giao tài sản",
];
/// Names and villages only the judged văn bản carry: the noise never does, so every văn bản that
/// matches a judged query is one the generator planted for it, and the judgments are exact.
const RARE_NAMES: [&str; 20] = [
    "Thào Seo Lử",
    "Lầu A Chớ",
    "Vàng A Sình",
    "Sùng A Tủa",
    "Hạng A Pó",
    "Chá A Dế",
    "Tòng Văn Hặc",
    "Khoàng Thị Ún",
    "Lù Văn Pấng",
    "Ly Seo Chứ",
    "Mào Văn Ỏn",
    "Lỳ Thị Xuyến",
    "Pờ Văn Hừ",
    "Sình Thị Dở",
    "Chảo Văn Lìn",
    "Tẩn A Sử",
    "Hờ A Dủa",
    "Vừ Thị Xá",
    "Phàn Văn Quẩy",
    "Lồ Văn Chượng",
];
const VILLAGES: [&str; 10] =
    ["Pá Khoang", "Huổi Hốc", "Nà Tấu", "Co Mận", "Phiêng Ban", "Hua Pe", "Nậm Khẩu Hu", "Lả Chà", "Pú Nhi", "Ló Mè"];
const TYPES: [&str; 6] = ["Quyết định", "Công văn", "Tờ trình", "Báo cáo", "Biên bản", "Thông báo"];
const NOTATIONS: [&str; 6] = ["QĐ-UBND", "UBND-VP", "TTr-UBND", "BC-UBND", "BB-UBND", "TB-UBND"];
const FILLER: [&str; 24] = [
    "Căn cứ Luật Tổ chức chính quyền địa phương",
    "xét đề nghị của công chức địa chính - xây dựng",
    "Ủy ban nhân dân xã",
    "các hộ gia đình",
    "thực hiện theo đúng quy định của pháp luật",
    "báo cáo kết quả thực hiện",
    "trong năm",
    "đề nghị các cơ quan, đơn vị liên quan",
    "phối hợp thực hiện",
    "đảm bảo tiến độ",
    "diện tích",
    "mét vuông",
    "thửa đất số",
    "tờ bản đồ số",
    "thôn bản",
    "nhân dân",
    "chịu trách nhiệm thi hành quyết định này",
    "nơi nhận",
    "lưu văn thư",
    "chủ tịch",
    "phó chủ tịch",
    "kinh phí thực hiện",
    "năm nay mưa lũ",
    "đường dây điện",
];

fn places() -> Vec<String> {
    include_str!("../../../demo/dien-bien/communes.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .map(|n| n.trim_start_matches("Xã ").trim_start_matches("Phường ").to_string())
        .collect()
}

/// One judged query: what is typed, the needle the generator plants in its relevant văn bản, and
/// for a query typed with tone marks its twin — the same letters under other tones, another word —
/// planted in [`TWINS`] văn bản that are not relevant.
struct Judged {
    typed: String,
    needle: String,
    twin: Option<String>,
}

/// Words that differ from a twin by their tone alone (a tone mark makes another word): the word
/// typed, and its twin.
const TONE_PAIRS: [(&str, &str); 10] = [
    ("đường", "dương"),
    ("bản", "bàn"),
    ("năm", "nằm"),
    ("mã", "mà"),
    ("lý", "ly"),
    ("cấp", "cặp"),
    ("sổ", "số"),
    ("hộ", "họ"),
    ("đất", "đặt"),
    ("chợ", "chờ"),
];
/// Places only the tone queries' needles and twins carry.
const TONE_PLACES: [&str; 10] =
    ["Huổi Khạ", "Phiêng Đanh", "Co Kham", "Pú Xi Nhè", "Tà Cáng", "Hát Lót Bôn", "Lọng Luông Pe", "Ten Co Mư", "Nậm Khăn Ổ", "Pá Vạt Xẻ"];
/// Văn bản per tone query that carry its twin.
const TWINS: u64 = 30;

/// 60 judged queries: a person at a place (with and without tone marks), a số ký hiệu, a phrase
/// of a topic at a place (in quotes, with and without marks); then ten typed with tone marks whose
/// twins (the same letters, other tones) are planted three times as often: a search that folds
/// the tones away cannot tell the asked word from its twin.
fn judged(places: &[String]) -> Vec<Judged> {
    let mut rng = Rng(7);
    let mut out = vec![];
    for i in 0..50 {
        let place = &places[(rng.next() % places.len() as u64) as usize];
        let (needle, typed) = match i % 5 {
            0 | 1 => {
                let name = RARE_NAMES[(i / 5 * 2 + i % 5) % RARE_NAMES.len()];
                let needle = format!("ông bà {name} trú tại xã {place}");
                let typed = format!("{name} {place}");
                let typed = if i % 5 == 1 { kho_model::text::fold(&typed) } else { typed };
                (needle, typed)
            }
            2 => {
                // Beyond the numbers the noise uses (1–999), so no other văn bản bears it.
                let code = format!("{}/{}", 1700 + i, NOTATIONS[i % NOTATIONS.len()]);
                (format!("theo văn bản số {code} ngày 12 tháng 3"), code)
            }
            _ => {
                let topic = rng.pick(&TOPICS);
                let village = VILLAGES[(i / 5 * 2 + i % 5 - 3) % VILLAGES.len()];
                let needle = format!("việc {topic} ở bản {village} năm {}", 2010 + i % 15);
                let phrase = format!("\"{topic} ở bản {village}\"");
                let typed = if i % 5 == 4 { kho_model::text::fold(&phrase) } else { phrase };
                (needle, typed)
            }
        };
        out.push(Judged { typed, needle, twin: None });
    }
    for ((word, twin), place) in TONE_PAIRS.iter().zip(TONE_PLACES) {
        out.push(Judged { typed: format!("{word} {place}"), needle: format!("{word} {place}"), twin: Some(format!("{twin} {place}")) });
    }
    out
}

/// What văn bản `n` of `total` carries: the needle (false) or the twin (true) of judged query q.
/// The first `judged × PLANTED` slots, one in every `stride` văn bản, carry needles, the next
/// `tone queries × TWINS` twins.
fn planted(n: u64, total: u64, judged: &[Judged]) -> Option<(usize, bool)> {
    let tones: Vec<usize> = (0..judged.len()).filter(|q| judged[*q].twin.is_some()).collect();
    let needles = judged.len() as u64 * PLANTED;
    let slots = needles + tones.len() as u64 * TWINS;
    let stride = (total / slots).max(1);
    if !n.is_multiple_of(stride) {
        return None;
    }
    let k = n / stride;
    if k < needles {
        Some(((k % judged.len() as u64) as usize, false))
    } else if k < slots {
        Some((tones[((k - needles) % tones.len() as u64) as usize], true))
    } else {
        None
    }
}

/// Văn bản per judged query that carry its needle.
const PLANTED: u64 = 10;

/// Văn bản `n` of the corpus: its title and its ~2 KB of text; the judged query whose needle it
/// carries, if any (the first `50 × PLANTED` are planted, one in every `stride`).
fn document(n: u64, total: u64, places: &[String], judged: &[Judged]) -> (String, String, Option<usize>) {
    let mut rng = Rng(n.wrapping_mul(2_654_435_761) ^ 0x5eed);
    let place = &places[(rng.next() % places.len() as u64) as usize];
    let kind = rng.next() as usize % TYPES.len();
    let title = format!("{} số {}/{} về {} tại xã {place}", TYPES[kind], rng.next() % 999 + 1, NOTATIONS[kind], rng.pick(&TOPICS));
    let mut text = String::with_capacity(2200);
    while text.len() < 2000 {
        match rng.next() % 4 {
            0 => text.push_str(&format!("{} {} ", rng.pick(&FAMILY), rng.pick(&GIVEN))),
            1 => text.push_str(&format!("{} ", places[(rng.next() % places.len() as u64) as usize])),
            2 => text.push_str(&format!("{} ", rng.pick(&TOPICS))),
            _ => text.push_str(&format!("{}, ", rng.pick(&FILLER))),
        }
    }
    match planted(n, total, judged) {
        Some((q, false)) => {
            text.push_str(&judged[q].needle);
            (title, text, Some(q))
        }
        Some((q, true)) => {
            text.push_str(judged[q].twin.as_deref().unwrap_or_default());
            (title, text, None)
        }
        None => (title, text, None),
    }
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64, f64) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    (at(0.50), at(0.95), at(0.99))
}

/// Precision@10 and nDCG@10 of `found` against `relevant`.
fn relevance(found: &[u64], relevant: &BTreeSet<u64>) -> (f64, f64) {
    let hits: Vec<bool> = found.iter().take(10).map(|id| relevant.contains(id)).collect();
    let precision = hits.iter().filter(|h| **h).count() as f64 / 10.0;
    let dcg: f64 = hits.iter().enumerate().filter(|(_, h)| **h).map(|(i, _)| 1.0 / ((i + 2) as f64).log2()).sum();
    let ideal: f64 = (0..relevant.len().min(10)).map(|i| 1.0 / ((i + 2) as f64).log2()).sum();
    (precision, if ideal > 0.0 { dcg / ideal } else { 0.0 })
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries.flatten().map(|e| e.metadata().map(|m| if m.is_dir() { dir_size(&e.path()) } else { m.len() }).unwrap_or(0)).sum()
        })
        .unwrap_or(0)
}

/// FTS5 and PostgreSQL read a query as folded words, joined by AND; a phrase in quotes stays one.
fn folded_terms(typed: &str) -> (bool, Vec<String>) {
    let phrase = typed.contains('"');
    let words = kho_model::text::fold(typed).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
    (phrase, words)
}

pub async fn search(data_dir: &std::path::Path, documents: u64, repeat: u32, postgres: Option<&str>, keep: bool) -> Result<()> {
    let places = places();
    let judged = judged(&places);
    let typical: Vec<String> = judged
        .iter()
        .step_by(5)
        .map(|j| j.typed.clone())
        .chain(
            [
                "dat dai",
                "hộ tịch",
                "Mường Ảng",
                "quyet dinh khen thuong",
                "\"giải phóng mặt bằng\"",
                "Lò Văn",
                "bàn giao",
                "ban giao",
                "đường",
                "năm 2015",
            ]
            .map(String::from),
        )
        .collect();
    let dir = data_dir.join("bench-search");
    // Kept corpora are reused only when built for the same number of văn bản.
    let built = dir.join(format!("built-{documents}"));
    let reuse = keep && built.exists();
    if !reuse {
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir)?;
    println!(
        "Kho bench search: {documents} văn bản (~2 KB chữ mỗi văn bản), {} truy vấn thường gặp, {} truy vấn có đáp án",
        typical.len(),
        judged.len()
    );
    let mut relevant: HashMap<usize, BTreeSet<u64>> = HashMap::new();
    for n in 0..documents {
        // Only the planted văn bản matter here; the generator is cheap enough to ask twice.
        if let Some((q, false)) = planted(n, documents, &judged) {
            relevant.entry(q).or_default().insert(n);
        }
    }

    // Kho.
    let started = Instant::now();
    let index = SearchIndex::open(&dir.join("kho"))?;
    let mut batch = Vec::with_capacity(10_000);
    let indexed = index.len() == documents;
    for n in (0..documents).filter(|_| !indexed) {
        let (title, text, _) = document(n, documents, &places, &judged);
        batch.push(Entry {
            kind: Kind::Document,
            dossier_id: n as i64,
            document_id: Some(n as i64),
            page_id: None,
            page_no: None,
            fonds_id: 1,
            unit_id: 1,
            classification: 0,
            mode: "01".into(),
            year: Some(2010 + (n % 15) as i32),
            maintenance: None,
            type_name: None,
            title,
            text,
        });
        if batch.len() == 10_000 {
            index.replace(&[], &batch)?;
            batch.clear();
        }
    }
    index.replace(&[], &batch)?;
    index.commit()?;
    let kho_time = started.elapsed();
    println!("  Kho (tantivy): dựng chỉ mục {:.1} s, {:.0} MB", kho_time.as_secs_f64(), dir_size(&dir.join("kho")) as f64 / 1e6);
    let kho_search = |typed: &str| -> Result<Vec<u64>> {
        let search = Search {
            text: typed.into(),
            allowed: Allowed { fonds: vec![1], clearance: 0, public_only: false },
            filters: Filters::default(),
            offset: 0,
            limit: 10,
        };
        Ok(index.search(&search)?.hits.iter().map(|h| h.dossier_id as u64).collect())
    };

    // SQLite FTS5 on a folded column.
    let started = Instant::now();
    let sqlite_path = dir.join("fts5.db");
    let sqlite = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&sqlite_path)
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                // A compared engine's slow queries are what the bench measures, not warnings.
                .disable_statement_logging(),
        )
        .await?;
    sqlx::query("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')")
        .execute(&sqlite)
        .await?;
    let mut tx = sqlite.begin().await?;
    for n in (0..documents).filter(|_| !reuse) {
        let (title, text, _) = document(n, documents, &places, &judged);
        sqlx::query("INSERT INTO docs (rowid, title, body) VALUES ($1, $2, $3)")
            .bind(n as i64)
            .bind(kho_model::text::fold(&title))
            .bind(kho_model::text::fold(&text))
            .execute(&mut *tx)
            .await?;
        if n % 10_000 == 9_999 {
            tx.commit().await?;
            tx = sqlite.begin().await?;
        }
    }
    tx.commit().await?;
    if !reuse {
        sqlx::query("INSERT INTO docs (docs) VALUES ('optimize')").execute(&sqlite).await?;
    }
    let sqlite_time = started.elapsed();
    println!(
        "  SQLite FTS5: dựng chỉ mục {:.1} s, {:.0} MB",
        sqlite_time.as_secs_f64(),
        std::fs::metadata(&sqlite_path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
    );

    // PostgreSQL full-text search, when one is given.
    let pg = match postgres {
        Some(url) => {
            let started = Instant::now();
            let options: sqlx::postgres::PgConnectOptions = url.parse().context("PostgreSQL")?;
            let options = options.disable_statement_logging();
            let pool = sqlx::postgres::PgPoolOptions::new().max_connections(2).connect_with(options).await.context("PostgreSQL")?;
            sqlx::query("DROP TABLE IF EXISTS kho_bench_docs").execute(&pool).await?;
            sqlx::query("CREATE TABLE kho_bench_docs (id BIGINT PRIMARY KEY, body TEXT NOT NULL)").execute(&pool).await?;
            let mut tx = pool.begin().await?;
            for n in 0..documents {
                let (title, text, _) = document(n, documents, &places, &judged);
                sqlx::query("INSERT INTO kho_bench_docs (id, body) VALUES ($1, $2)")
                    .bind(n as i64)
                    .bind(kho_model::text::fold(&format!("{title} {text}")))
                    .execute(&mut *tx)
                    .await?;
                if n % 10_000 == 9_999 {
                    tx.commit().await?;
                    tx = pool.begin().await?;
                }
            }
            tx.commit().await?;
            // As production would: the tsvector stored beside the text, indexed, ranked from there.
            sqlx::query("ALTER TABLE kho_bench_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED")
                .execute(&pool)
                .await?;
            sqlx::query("CREATE INDEX kho_bench_docs_fts ON kho_bench_docs USING GIN (tsv)").execute(&pool).await?;
            sqlx::query("ANALYZE kho_bench_docs").execute(&pool).await?;
            let size: i64 = sqlx::query_scalar("SELECT pg_total_relation_size('kho_bench_docs')").fetch_one(&pool).await?;
            println!("  PostgreSQL FTS: dựng chỉ mục {:.1} s, {:.0} MB", started.elapsed().as_secs_f64(), size as f64 / 1e6);
            Some(pool)
        }
        None => {
            println!("  PostgreSQL FTS: bỏ qua (chưa cho --postgres URL)");
            None
        }
    };

    let fts5 = |typed: String| {
        let sqlite = sqlite.clone();
        async move {
            let (phrase, words) = folded_terms(&typed);
            if words.is_empty() {
                return Ok::<_, anyhow::Error>(vec![]);
            }
            let expression = if phrase {
                format!("\"{}\"", words.join(" "))
            } else {
                words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ")
            };
            let rows: Vec<i64> = sqlx::query_scalar("SELECT rowid FROM docs WHERE docs MATCH $1 ORDER BY bm25(docs) LIMIT 10")
                .bind(expression)
                .fetch_all(&sqlite)
                .await?;
            Ok(rows.into_iter().map(|r| r as u64).collect())
        }
    };
    let postgres_search = |typed: String| {
        let pg = pg.clone();
        async move {
            let Some(pg) = pg else { return Ok::<_, anyhow::Error>(vec![]) };
            let (phrase, words) = folded_terms(&typed);
            let function = if phrase { "phraseto_tsquery" } else { "plainto_tsquery" };
            let sql = format!(
                "SELECT id FROM kho_bench_docs WHERE tsv @@ {function}('simple', $1) ORDER BY ts_rank(tsv, {function}('simple', $1)) DESC LIMIT 10"
            );
            let rows: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(words.join(" ")).fetch_all(&pg).await?;
            Ok(rows.into_iter().map(|r| r as u64).collect())
        }
    };

    // Latency on the typical queries, and how far the others' top 10 agree with Kho's.
    let mut times: HashMap<&str, Vec<Duration>> = HashMap::new();
    let mut agreement: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut slowest: Vec<(Duration, &str)> = vec![];
    // Each engine warm, as a server in use is: every typical query once, untimed, so that what
    // another engine's build pushed out of the page cache is read back before the timing.
    for typed in &typical {
        kho_search(typed)?;
        fts5(typed.clone()).await?;
        if pg.is_some() {
            postgres_search(typed.clone()).await?;
        }
    }
    for typed in &typical {
        let mut tops: HashMap<&str, Vec<u64>> = HashMap::new();
        let mut kho_times = vec![];
        for _ in 0..repeat {
            let t = Instant::now();
            tops.insert("Kho", kho_search(typed)?);
            let took = t.elapsed();
            kho_times.push(took);
            times.entry("Kho").or_default().push(took);
            let t = Instant::now();
            tops.insert("SQLite FTS5", fts5(typed.clone()).await?);
            times.entry("SQLite FTS5").or_default().push(t.elapsed());
            if pg.is_some() {
                let t = Instant::now();
                tops.insert("PostgreSQL FTS", postgres_search(typed.clone()).await?);
                times.entry("PostgreSQL FTS").or_default().push(t.elapsed());
            }
        }
        kho_times.sort();
        slowest.push((kho_times[kho_times.len() / 2], typed));
        let kho: BTreeSet<u64> = tops["Kho"].iter().copied().collect();
        for other in ["SQLite FTS5", "PostgreSQL FTS"] {
            if let Some(top) = tops.get(other) {
                let theirs: BTreeSet<u64> = top.iter().copied().collect();
                let union = kho.union(&theirs).count().max(1);
                agreement.entry(other).or_default().push(kho.intersection(&theirs).count() as f64 / union as f64);
            }
        }
    }
    let kho_p95 = percentiles(times["Kho"].clone()).1;
    for name in ["Kho", "SQLite FTS5", "PostgreSQL FTS"] {
        let Some(t) = times.get(name) else { continue };
        let (p50, p95, p99) = percentiles(t.clone());
        let agree = agreement
            .get(name)
            .map(|a| format!(", trùng top 10 với Kho {:.0} %", 100.0 * a.iter().sum::<f64>() / a.len() as f64))
            .unwrap_or_default();
        println!(
            "  {name}: p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms ({} lần; p95 gấp {:.1} lần Kho){agree}",
            t.len(),
            p95 / kho_p95
        );
    }

    slowest.sort_by(|a, b| b.cmp(a));
    let slowest: Vec<String> = slowest.iter().take(5).map(|(t, q)| format!("{q} {:.1} ms", t.as_secs_f64() * 1e3)).collect();
    println!("  Kho, chậm nhất (trung vị): {}", slowest.join("; "));

    // Relevance on the judged set.
    for name in ["Kho", "SQLite FTS5", "PostgreSQL FTS"] {
        if name == "PostgreSQL FTS" && pg.is_none() {
            continue;
        }
        let (mut precision, mut ndcg) = (0.0, 0.0);
        let (mut tone_precision, mut tone_ndcg, mut tones) = (0.0, 0.0, 0);
        for (q, j) in judged.iter().enumerate() {
            let found = match name {
                "Kho" => kho_search(&j.typed)?,
                "SQLite FTS5" => fts5(j.typed.clone()).await?,
                _ => postgres_search(j.typed.clone()).await?,
            };
            let (p, n) = relevance(&found, relevant.get(&q).unwrap_or(&BTreeSet::new()));
            precision += p;
            ndcg += n;
            if j.twin.is_some() {
                (tone_precision, tone_ndcg, tones) = (tone_precision + p, tone_ndcg + n, tones + 1);
            }
        }
        println!(
            "  {name}: precision@10 {:.3}, nDCG@10 {:.3} trên {} truy vấn có đáp án; riêng {tones} truy vấn gõ có dấu thanh \
             (mỗi truy vấn có {TWINS} văn bản cùng chữ khác dấu): precision@10 {:.3}, nDCG@10 {:.3}",
            precision / judged.len() as f64,
            ndcg / judged.len() as f64,
            judged.len(),
            tone_precision / tones.max(1) as f64,
            tone_ndcg / tones.max(1) as f64,
        );
    }
    if let Some(pg) = pg {
        sqlx::query("DROP TABLE IF EXISTS kho_bench_docs").execute(&pg).await?;
    }
    sqlite.close().await;
    if keep {
        std::fs::write(&built, "")?;
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
