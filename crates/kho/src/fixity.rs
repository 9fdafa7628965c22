//! Fixity: every file the catalogue names is re-hashed in each copy kept — the blobs and, when
//! one is kept in step, their second copy — a slice at a time, and a file missing or damaged in
//! one copy is mended from the other (or from a backup). `kho verify` runs it by hand; `kho serve`
//! runs one slice a day, sized so that the whole holdings are checked within the period (at most
//! three years, TT 05/2025). Each finding is kept with its run, for the biên bản kiểm tra.

use crate::progress::Progress;
use anyhow::{Context, Result};
use kho_blobs::{BlobError, Blobs};
use kho_store::{BlobCopy, FixityFinding, FixityRun, Store};

/// What one slice did.
pub struct Slice {
    pub run: i64,
    /// Blobs checked in this slice (each in every copy).
    pub checked: u64,
    /// What was found, with what refers to each blob.
    pub findings: Vec<(FixityFinding, String)>,
    /// The whole run, when this slice reached the end of the holdings.
    pub finished: Option<FixityRun>,
    /// The last blob checked: the next slice starts after it.
    pub after: String,
}

/// How a slice runs: from the start or where the last run stopped, how many blobs at most, a
/// backup to mend from when both copies fail, who started it (`lenh`, `lich`), and whether to
/// draw a progress bar.
pub struct Options<'a> {
    pub restart: bool,
    pub limit: Option<u64>,
    pub backup: Option<&'a Blobs>,
    pub started_by: &'a str,
    pub progress: bool,
}

fn outcome(result: Result<u64, BlobError>) -> Result<Option<&'static str>, BlobError> {
    match result {
        Ok(_) => Ok(None),
        Err(BlobError::Missing(_)) => Ok(Some("missing")),
        Err(BlobError::Corrupt(_) | BlobError::BadName) => Ok(Some("corrupt")),
        Err(e) => Err(e),
    }
}

/// Mends `copy`'s `name` from the first source that holds it whole; which one did.
async fn mend(copy: &Blobs, name: &str, sources: &[(&Blobs, &str)]) -> Option<String> {
    for (source, label) in sources {
        if copy.repair_from(source, name).await.is_ok() && copy.check(name).await.is_ok() {
            return Some(label.to_string());
        }
    }
    None
}

/// Checks one blob in every copy, mending what it can.
async fn check_blob(blobs: &Blobs, backup: Option<&Blobs>, name: &str) -> Result<Vec<FixityFinding>, BlobError> {
    let mut findings = vec![];
    if let Some(found) = outcome(blobs.check(name).await)? {
        let mut sources: Vec<(&Blobs, &str)> = vec![];
        sources.extend(blobs.replica().map(|r| (r, "replica")));
        sources.extend(backup.map(|b| (b, "backup")));
        let mended_from = mend(blobs, name, &sources).await;
        findings.push(FixityFinding { blob: name.into(), copy: BlobCopy::Primary, outcome: found.into(), mended_from });
    }
    if let Some(replica) = blobs.replica()
        && let Some(found) = outcome(replica.check(name).await)?
    {
        let mut sources: Vec<(&Blobs, &str)> = vec![(blobs, "primary")];
        sources.extend(backup.map(|b| (b, "backup")));
        let mended_from = mend(replica, name, &sources).await;
        findings.push(FixityFinding { blob: name.into(), copy: BlobCopy::Replica, outcome: found.into(), mended_from });
    }
    Ok(findings)
}

/// Checks the next slice of the holdings, resuming the unfinished run unless told to restart;
/// progress is kept after every 500 blobs, so a cut loses at most those.
pub async fn check(store: &Store, blobs: &Blobs, options: Options<'_>) -> Result<Slice> {
    let copies = 1 + i64::from(blobs.replica().is_some());
    let (run, mut after) = store.fixity_run(options.restart, options.started_by, copies).await?;
    let mut progress = options.progress.then(|| Progress::new("Kiểm tra toàn vẹn", 0));
    let (mut checked, mut all) = (0u64, vec![]);
    loop {
        let room = options.limit.map(|l| l.saturating_sub(checked)).unwrap_or(500).min(500);
        if room == 0 {
            break;
        }
        let chunk = store.referenced_blobs(&after, room as i64).await?;
        if chunk.is_empty() {
            break;
        }
        if let Some(p) = progress.as_mut() {
            p.set_total(p.total() + chunk.len() as u64);
        }
        let mut found = vec![];
        for (name, refers) in &chunk {
            let findings =
                check_blob(blobs, options.backup, name).await.context("không đọc được kho lưu trữ đối tượng; chạy lại để tiếp tục")?;
            for finding in findings {
                found.push(finding.clone());
                all.push((finding, refers.clone()));
            }
            if let Some(p) = progress.as_mut() {
                p.tick();
            }
        }
        checked += chunk.len() as u64;
        after = chunk.last().expect("non-empty").0.clone();
        store.fixity_progress(run, &after, chunk.len() as i64, &found).await?;
    }
    if let Some(p) = progress {
        p.finish();
    }
    let finished = if store.referenced_blobs(&after, 1).await?.is_empty() { Some(store.finish_fixity_run(run).await?) } else { None };
    Ok(Slice { run, checked, findings: all, finished, after })
}

/// How many blobs a daily slice checks so that `total` are all checked within `days`.
pub fn daily_slice(total: i64, days: u32) -> u64 {
    (total.max(0) as u64).div_ceil(u64::from(days.max(1))).max(1)
}

/// The server's schedule: once a day (claimed in the catalogue, so restarts and servers sharing
/// it run one slice between them), the next slice of the holdings, mended from the other copy.
/// Logged; each finding is kept with its run for the biên bản kiểm tra.
pub async fn schedule(store: Store, blobs: Blobs, period_days: u32) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
    loop {
        every.tick().await;
        match store.claim_fixity_slice(chrono::Duration::hours(23)).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "fixity schedule");
                continue;
            }
        }
        let total = match store.count_referenced_blobs().await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "fixity schedule");
                continue;
            }
        };
        let limit = daily_slice(total, period_days);
        let options = Options { restart: false, limit: Some(limit), backup: None, started_by: "lich", progress: false };
        match check(&store, &blobs, options).await {
            Ok(slice) => {
                let unmended = slice.findings.iter().filter(|(f, _)| f.mended_from.is_none()).count();
                let mended = slice.findings.len() - unmended;
                if unmended > 0 {
                    tracing::error!(
                        run = slice.run,
                        checked = slice.checked,
                        mended,
                        unmended,
                        "fixity: files missing or damaged in every copy"
                    );
                } else {
                    tracing::info!(run = slice.run, checked = slice.checked, mended, "fixity slice");
                }
            }
            Err(e) => tracing::warn!(error = %e, "fixity slice"),
        }
        if let Err(why) = blobs.second_copy().await {
            tracing::error!(reason = %why, "no second copy of the files");
        }
    }
}

/// `kho verify`: the next slice (or all) of the holdings, each finding printed with what refers
/// to it. Exit code 3 when a file is missing or damaged in every copy and no backup mended it.
pub async fn verify(
    store: &Store,
    blobs: &Blobs,
    restart: bool,
    limit: Option<u64>,
    repair: Option<&std::path::Path>,
) -> Result<std::process::ExitCode> {
    let backup = match repair {
        Some(dir) => {
            let folder = dir.join("blobs");
            if !folder.is_dir() {
                anyhow::bail!("{} không phải thư mục sao lưu của Kho (thiếu blobs/)", dir.display());
            }
            Some(Blobs::open(&folder, None)?)
        }
        None => None,
    };
    let slice = check(store, blobs, Options { restart, limit, backup: backup.as_ref(), started_by: "lenh", progress: true }).await?;
    let mut unmended = 0;
    for (finding, refers) in &slice.findings {
        let what = format!("{}  {refers} ({}, {})", finding.blob, finding.copy.label(), finding.outcome_label());
        match finding.mended_from {
            Some(_) => println!("ĐÃ SỬA  {what}; {}, đúng SHA-256", finding.mended_label()),
            None => {
                unmended += 1;
                println!("{}  {what}", if finding.outcome == "missing" { "MẤT" } else { "HỎNG" });
            }
        }
    }
    let Some(run) = slice.finished else {
        println!("Đã kiểm tra {} tệp trong lần này; lần sau tiếp tục sau {}.", slice.checked, slice.after);
        return Ok(if unmended > 0 { std::process::ExitCode::from(3) } else { std::process::ExitCode::SUCCESS });
    };
    let copies = match blobs.replica() {
        Some(replica) => format!("{} và bản thứ hai {}", blobs.label(), replica.label()),
        None => blobs.label().to_string(),
    };
    match blobs.second_copy().await {
        Ok(said) => println!("Bản thứ hai: {said}."),
        Err(why) => println!("CẢNH BÁO  {why}."),
    }
    // What earlier slices of the run found and nothing mended is said again at its end.
    let (_, findings) = store.fixity_run_by_id(run.id).await?;
    for earlier in findings.iter().filter(|f| f.mended_from.is_none() && !slice.findings.iter().any(|(s, _)| s == *f)) {
        unmended += 1;
        let label = if earlier.outcome == "missing" { "MẤT" } else { "HỎNG" };
        println!("{label}  {} ({}, {})", earlier.blob, earlier.copy.label(), earlier.outcome_label());
    }
    println!("Đã kiểm tra {} tệp dữ liệu trên {copies} (lần kiểm tra số {}).", run.checked, run.id);
    if run.unmended() == 0 && unmended == 0 {
        println!("Tất cả nguyên vẹn{}.", if run.repaired > 0 { format!(" sau khi sửa {} tệp", run.repaired) } else { String::new() });
        return Ok(std::process::ExitCode::SUCCESS);
    }
    println!(
        "{} tệp mất hoặc hỏng chưa sửa được: khôi phục từ bản sao lưu (kho verify --restart --repair-from THƯ_MỤC_SAO_LƯU).",
        run.unmended().max(unmended)
    );
    Ok(std::process::ExitCode::from(3))
}
