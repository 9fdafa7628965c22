//! Khai thác: the phiếu yêu cầu khai thác, what was decided of each hồ sơ asked for, the log of
//! what was delivered, and the reading room's figures by month (migration 30).

use crate::catalogue::{Arg, bind_all, visible_dossiers};
use crate::{Store, StoreError};
use kho_model::access::Visibility;
use kho_model::access_request::{ItemState, Output, Purpose, RequestForm};
use kho_model::codes::Mode;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeMap;

/// Who decides a hồ sơ in public use: nobody, it is granted as asked.
pub const GRANTED_AS_PUBLIC: &str = "Kho (tài liệu sử dụng rộng rãi)";

/// A hồ sơ asked for, and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct AccessItem {
    pub dossier_id: i64,
    pub file_code: String,
    pub title: String,
    pub state: ItemState,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    pub expires_at: Option<String>,
}

impl AccessItem {
    /// Granted and not yet expired at `now` (UTC, as stored).
    pub fn open_at(&self, now: &str) -> bool {
        self.state == ItemState::Granted && self.expires_at.as_deref().is_some_and(|end| now < end)
    }
}

/// A phiếu with its hồ sơ.
#[derive(Debug, Clone, Serialize)]
pub struct AccessRequest {
    pub id: i64,
    pub reader_id: i64,
    pub reader_name: String,
    pub organisation: String,
    pub identity_no: String,
    pub purpose: Purpose,
    pub fee_category: String,
    pub topic: String,
    pub output: Output,
    pub days: u32,
    pub submitted_at: String,
    pub items: Vec<AccessItem>,
}

/// A phiếu in a list: who, what for, and how many of its hồ sơ stand where.
#[derive(Debug, Clone, Serialize)]
pub struct AccessRequestLine {
    pub id: i64,
    pub reader_name: String,
    pub organisation: String,
    pub purpose: Purpose,
    pub output: Output,
    pub submitted_at: String,
    pub dossiers: i64,
    pub pending: i64,
    pub granted: i64,
    pub refused: i64,
}

/// Which phiếu a list shows.
pub enum AccessFilter<'a> {
    /// A reader's own.
    Reader(i64),
    /// Those with a hồ sơ waiting that `visibility` may see (a Lãnh đạo's queue).
    Pending(&'a Visibility),
    /// Every phiếu asking for a hồ sơ `visibility` may see.
    Visible(&'a Visibility),
}

/// A delivery: what was given from which phiếu, to whom, when.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub dossier_id: i64,
    pub file_code: String,
    pub output: Output,
    pub delivered_to: String,
    pub bytes: i64,
    pub sha256: String,
    pub delivered_at: String,
}

/// The reading room in one month (Vietnam time).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccessMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub requests: i64,
    pub readers: i64,
    pub dossiers_asked: i64,
    pub granted: i64,
    pub refused: i64,
    /// Deliveries by form, in [`Output::ALL`]'s order.
    pub delivered: Vec<i64>,
    pub by_purpose: Vec<i64>,
}

/// The reading room in a year: month by month, and the year as a whole (its `month` the year,
/// its readers each counted once).
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccessYear {
    pub months: Vec<AccessMonth>,
    pub year: AccessMonth,
}

fn parse<T>(code: &str, what: &str, from: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    from(code).ok_or_else(|| StoreError::Corrupt(format!("{what} “{code}”")))
}

impl Store {
    /// Records a phiếu for `dossiers` (each with its mode): one in public use is granted at once
    /// for `form.days`, one under conditional use waits for a Lãnh đạo. The phiếu's id.
    pub async fn submit_access_request(&self, reader_id: i64, form: &RequestForm, dossiers: &[(i64, Mode)]) -> Result<i64, StoreError> {
        let now = chrono::Utc::now();
        let stamp = crate::stored(now);
        let expires = crate::stored(now + chrono::Duration::days(i64::from(form.days)));
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO access_requests (reader_id, reader_name, organisation, identity_no, purpose, fee_category, topic, output, days, submitted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(reader_id)
        .bind(&form.reader_name)
        .bind(&form.organisation)
        .bind(&form.identity_no)
        .bind(form.purpose.code())
        .bind(&form.fee_category)
        .bind(&form.topic)
        .bind(form.output.code())
        .bind(i64::from(form.days))
        .bind(&stamp)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (ordinal, (dossier, mode)) in dossiers.iter().enumerate() {
            let public = *mode == Mode::Public;
            sqlx::query(
                "INSERT INTO access_items (request_id, dossier_id, ordinal, state, decided_by, decided_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(*dossier)
            .bind(ordinal as i64)
            .bind(if public { ItemState::Granted.code() } else { ItemState::Pending.code() })
            .bind(public.then_some(GRANTED_AS_PUBLIC))
            .bind(public.then_some(stamp.as_str()))
            .bind(public.then_some(expires.as_str()))
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx, Some(id)).await?;
        Ok(id)
    }

    pub async fn access_request(&self, id: i64) -> Result<AccessRequest, StoreError> {
        let row = sqlx::query("SELECT * FROM access_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("phiếu yêu cầu khai thác"))?;
        let items = sqlx::query(
            "SELECT i.dossier_id, d.file_code, d.title, i.state, i.decided_by, i.decided_at, i.reason, i.expires_at
             FROM access_items i JOIN dossiers d ON d.id = i.dossier_id WHERE i.request_id = $1 ORDER BY i.ordinal",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AccessItem {
                dossier_id: r.try_get("dossier_id")?,
                file_code: r.try_get("file_code")?,
                title: r.try_get("title")?,
                state: parse(&r.try_get::<String, _>("state")?, "tình trạng", ItemState::from_code)?,
                decided_by: r.try_get("decided_by")?,
                decided_at: r.try_get("decided_at")?,
                reason: r.try_get("reason")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(AccessRequest {
            id,
            reader_id: row.try_get("reader_id")?,
            reader_name: row.try_get("reader_name")?,
            organisation: row.try_get("organisation")?,
            identity_no: row.try_get("identity_no")?,
            purpose: parse(&row.try_get::<String, _>("purpose")?, "mục đích", Purpose::from_code)?,
            fee_category: row.try_get("fee_category")?,
            topic: row.try_get("topic")?,
            output: parse(&row.try_get::<String, _>("output")?, "hình thức", Output::from_code)?,
            days: row.try_get::<i64, _>("days")? as u32,
            submitted_at: row.try_get("submitted_at")?,
            items,
        })
    }

    /// The phiếu `filter` shows, newest first, `limit` at a time from before `before` (an id),
    /// and how many there are in all.
    pub async fn access_requests(
        &self,
        filter: &AccessFilter<'_>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<AccessRequestLine>, i64), StoreError> {
        let mut args = vec![];
        let condition = match filter {
            AccessFilter::Reader(reader) => {
                args.push(Arg::Int(*reader));
                format!("r.reader_id = ${}", args.len())
            }
            AccessFilter::Pending(visibility) | AccessFilter::Visible(visibility) => {
                let dossiers = visible_dossiers(visibility, &mut args);
                let pending = if matches!(filter, AccessFilter::Pending(_)) {
                    format!(" AND i.state = '{}'", ItemState::Pending.code())
                } else {
                    String::new()
                };
                format!(
                    "EXISTS (SELECT 1 FROM access_items i JOIN dossiers ON dossiers.id = i.dossier_id
                             WHERE i.request_id = r.id{pending} AND {dossiers})"
                )
            }
        };
        let total: i64 = bind_all(sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM access_requests r WHERE {condition}"))), &args)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let mut page_args = args.clone();
        let mut page_condition = condition.clone();
        if let Some(before) = before {
            page_args.push(Arg::Int(before));
            page_condition.push_str(&format!(" AND r.id < ${}", page_args.len()));
        }
        let sql = format!(
            "SELECT r.id, r.reader_name, r.organisation, r.purpose, r.output, r.submitted_at,
                    (SELECT COUNT(*) FROM access_items i WHERE i.request_id = r.id) AS dossiers,
                    (SELECT COUNT(*) FROM access_items i WHERE i.request_id = r.id AND i.state = '{pending}') AS pending,
                    (SELECT COUNT(*) FROM access_items i WHERE i.request_id = r.id AND i.state = '{granted}') AS granted,
                    (SELECT COUNT(*) FROM access_items i WHERE i.request_id = r.id AND i.state = '{refused}') AS refused
             FROM access_requests r WHERE {page_condition} ORDER BY r.id DESC LIMIT {}",
            limit.clamp(1, 200),
            pending = ItemState::Pending.code(),
            granted = ItemState::Granted.code(),
            refused = ItemState::Refused.code(),
        );
        let mut lines = vec![];
        for r in bind_all(sqlx::query(AssertSqlSafe(sql)), &page_args).fetch_all(&self.pool).await? {
            lines.push(AccessRequestLine {
                id: r.try_get("id")?,
                reader_name: r.try_get("reader_name")?,
                organisation: r.try_get("organisation")?,
                purpose: parse(&r.try_get::<String, _>("purpose")?, "mục đích", Purpose::from_code)?,
                output: parse(&r.try_get::<String, _>("output")?, "hình thức", Output::from_code)?,
                submitted_at: r.try_get("submitted_at")?,
                dossiers: r.try_get("dossiers")?,
                pending: r.try_get("pending")?,
                granted: r.try_get("granted")?,
                refused: r.try_get("refused")?,
            });
        }
        Ok((lines, total))
    }

    /// Grants a hồ sơ of a phiếu for the phiếu's days from now, or refuses it with `reason`;
    /// false when it was no longer waiting (decided meanwhile).
    pub async fn decide_access(
        &self,
        request_id: i64,
        dossier_id: i64,
        grant: bool,
        reason: Option<&str>,
        by: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let days: i64 = sqlx::query("SELECT days FROM access_requests WHERE id = $1")
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("phiếu yêu cầu khai thác"))?
            .try_get(0)?;
        let now = chrono::Utc::now();
        let stamp = crate::stored(now);
        let expires = grant.then(|| crate::stored(now + chrono::Duration::days(days)));
        let changed = sqlx::query(
            "UPDATE access_items SET state = $1, decided_by = $2, decided_at = $3, reason = $4, expires_at = $5
             WHERE request_id = $6 AND dossier_id = $7 AND state = $8",
        )
        .bind(if grant { ItemState::Granted.code() } else { ItemState::Refused.code() })
        .bind(by)
        .bind(&stamp)
        .bind(reason)
        .bind(expires)
        .bind(request_id)
        .bind(dossier_id)
        .bind(ItemState::Pending.code())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !changed {
            return Ok(false);
        }
        self.commit(tx, Some(request_id)).await?;
        Ok(true)
    }

    /// Logs what was delivered from a phiếu.
    pub async fn record_delivery(
        &self,
        request_id: i64,
        dossier_id: i64,
        output: Output,
        to: &str,
        bytes: i64,
        sha256: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO access_deliveries (request_id, dossier_id, output, delivered_to, bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(request_id)
        .bind(dossier_id)
        .bind(output.code())
        .bind(to)
        .bind(bytes)
        .bind(sha256)
        .execute(&mut *tx)
        .await?;
        self.commit(tx, Some(request_id)).await
    }

    /// What was delivered from a phiếu, oldest first (at most the latest 500).
    pub async fn deliveries(&self, request_id: i64) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM (SELECT x.id, x.dossier_id, d.file_code, x.output, x.delivered_to, x.bytes, x.sha256, x.delivered_at
                 FROM access_deliveries x JOIN dossiers d ON d.id = x.dossier_id WHERE x.request_id = $1 ORDER BY x.id DESC LIMIT 500) latest
             ORDER BY id",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    dossier_id: r.try_get("dossier_id")?,
                    file_code: r.try_get("file_code")?,
                    output: parse(&r.try_get::<String, _>("output")?, "hình thức", Output::from_code)?,
                    delivered_to: r.try_get("delivered_to")?,
                    bytes: r.try_get("bytes")?,
                    sha256: r.try_get("sha256")?,
                    delivered_at: r.try_get("delivered_at")?,
                })
            })
            .collect()
    }

    /// The reading room's twelve months of `year` (Vietnam time), and the year as a whole,
    /// counting only phiếu, hồ sơ and deliveries of hồ sơ `visibility` may see.
    pub async fn access_statistics(&self, visibility: &Visibility, year: i32) -> Result<AccessYear, StoreError> {
        let mut months: BTreeMap<String, AccessMonth> = (1..=12)
            .map(|m| {
                let month = format!("{year:04}-{m:02}");
                let blank = AccessMonth {
                    month: month.clone(),
                    delivered: vec![0; Output::ALL.len()],
                    by_purpose: vec![0; Purpose::ALL.len()],
                    ..Default::default()
                };
                (month, blank)
            })
            .collect();
        let (first, last) = (format!("{year:04}-01"), format!("{year:04}-12"));
        let queries = [
            // month, requests, readers, dossiers asked, purpose
            "SELECT {vn_month:r.submitted_at} AS month, r.purpose AS key, COUNT(DISTINCT r.id) AS a, COUNT(DISTINCT r.reader_id) AS b, COUNT(*) AS c
             FROM access_requests r JOIN access_items i ON i.request_id = r.id JOIN dossiers ON dossiers.id = i.dossier_id
             WHERE {visible} AND {vn_month:r.submitted_at} BETWEEN $F AND $L GROUP BY {vn_month:r.submitted_at}, r.purpose",
            "SELECT {vn_month:i.decided_at} AS month, i.state AS key, COUNT(*) AS a, 0 AS b, 0 AS c
             FROM access_items i JOIN dossiers ON dossiers.id = i.dossier_id
             WHERE {visible} AND i.decided_at IS NOT NULL AND {vn_month:i.decided_at} BETWEEN $F AND $L GROUP BY {vn_month:i.decided_at}, i.state",
            "SELECT {vn_month:x.delivered_at} AS month, x.output AS key, COUNT(*) AS a, 0 AS b, 0 AS c
             FROM access_deliveries x JOIN dossiers ON dossiers.id = x.dossier_id
             WHERE {visible} AND {vn_month:x.delivered_at} BETWEEN $F AND $L GROUP BY {vn_month:x.delivered_at}, x.output",
        ];
        // Readers are counted per month, not per purpose: a second pass without the purpose.
        let readers_sql = "SELECT {vn_month:r.submitted_at} AS month, COUNT(DISTINCT r.id) AS a, COUNT(DISTINCT r.reader_id) AS b
             FROM access_requests r JOIN access_items i ON i.request_id = r.id JOIN dossiers ON dossiers.id = i.dossier_id
             WHERE {visible} AND {vn_month:r.submitted_at} BETWEEN $F AND $L GROUP BY {vn_month:r.submitted_at}";
        let prepare = |template: &str| -> (String, Vec<Arg>) {
            let mut args = vec![];
            let visible = visible_dossiers(visibility, &mut args);
            args.push(Arg::Text(first.clone()));
            let f = args.len();
            args.push(Arg::Text(last.clone()));
            let l = args.len();
            let sql = template.replace("{visible}", &visible).replace("$F", &format!("${f}")).replace("$L", &format!("${l}"));
            (self.backend.dialect(&sql), args)
        };
        for (which, template) in queries.iter().enumerate() {
            let (sql, args) = prepare(template);
            for row in bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await? {
                let month: String = row.try_get("month")?;
                let key: String = row.try_get("key")?;
                let a: i64 = row.try_get("a")?;
                let Some(entry) = months.get_mut(&month) else { continue };
                match which {
                    0 => {
                        if let Some(p) = Purpose::from_code(&key).and_then(|p| Purpose::ALL.iter().position(|x| *x == p)) {
                            entry.by_purpose[p] += a;
                        }
                        entry.dossiers_asked += row.try_get::<i64, _>("c")?;
                    }
                    1 => match ItemState::from_code(&key) {
                        Some(ItemState::Granted) => entry.granted += a,
                        Some(ItemState::Refused) => entry.refused += a,
                        _ => {}
                    },
                    _ => {
                        if let Some(o) = Output::from_code(&key).and_then(|o| Output::ALL.iter().position(|x| *x == o)) {
                            entry.delivered[o] += a;
                        }
                    }
                }
            }
        }
        let (sql, args) = prepare(readers_sql);
        for row in bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_all(&self.pool).await? {
            let month: String = row.try_get("month")?;
            if let Some(entry) = months.get_mut(&month) {
                entry.requests = row.try_get("a")?;
                entry.readers = row.try_get("b")?;
            }
        }
        // The year's readers, each once however many months they came.
        let year_sql = "SELECT COUNT(DISTINCT r.id) AS a, COUNT(DISTINCT r.reader_id) AS b
             FROM access_requests r JOIN access_items i ON i.request_id = r.id JOIN dossiers ON dossiers.id = i.dossier_id
             WHERE {visible} AND {vn_month:r.submitted_at} BETWEEN $F AND $L";
        let (sql, args) = prepare(year_sql);
        let row = bind_all(sqlx::query(AssertSqlSafe(sql)), &args).fetch_one(&self.pool).await?;
        let (requests, readers) = (row.try_get("a")?, row.try_get("b")?);
        let mut whole = AccessMonth {
            month: format!("{year:04}"),
            requests,
            readers,
            delivered: vec![0; Output::ALL.len()],
            by_purpose: vec![0; Purpose::ALL.len()],
            ..Default::default()
        };
        for m in months.values() {
            whole.dossiers_asked += m.dossiers_asked;
            whole.granted += m.granted;
            whole.refused += m.refused;
            whole.delivered.iter_mut().zip(&m.delivered).for_each(|(sum, n)| *sum += n);
            whole.by_purpose.iter_mut().zip(&m.by_purpose).for_each(|(sum, n)| *sum += n);
        }
        Ok(AccessYear { months: months.into_values().collect(), year: whole })
    }
}
