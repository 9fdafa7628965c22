//! `kho backup` and `kho restore`: the catalogue and every file it refers to, copied while Kho
//! serves, and put back into a new data folder.
//!
//! A backup folder holds one subfolder per backup (`YYYYMMDD-HHMMSS`, Vietnam time) with the
//! catalogue — SQLite's `VACUUM INTO` snapshot, or `pg_dump`'s custom format for PostgreSQL, both
//! consistent while Kho writes — and its `manifest.json`; and one `blobs/` shared by the daily
//! (incremental) ones. Blobs are named by the SHA-256 of their stored bytes, so each daily backup
//! copies only the files the last one did not have, while each catalogue snapshot is whole. A full
//! backup (`--full`, monthly as TT 05/2025 asks; `YYYYMMDD-HHMMSS-day-du`) keeps its own `blobs/`
//! with every file: it restores alone, whatever happens to the others.
//! Sealed content stays sealed: the content key and the audit key are never copied here — they
//! are kept apart, as keys must be. Every backup and restore appends a line to the folder's
//! `nhat-ky-sao-luu.csv` (TT 05/2025, Phụ lục VII: nhật ký sao lưu).

use anyhow::{Context, Result, bail};
use kho_blobs::{BlobError, Blobs};
use kho_store::{Backend, Store};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "kho.db";
const PG_FILE: &str = "kho.pgdump";
const JOURNAL: &str = "nhat-ky-sao-luu.csv";

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    created_at: String,
    backend: String,
    catalogue_file: String,
    catalogue_sha256: String,
    catalogue_bytes: u64,
    blobs: u64,
    blobs_copied: u64,
    bytes_copied: u64,
    kho_version: String,
}

pub async fn backup(store: &Store, blobs: &Blobs, database_url: Option<&str>, to: &Path, full: bool) -> Result<ExitCode> {
    let now = vietnam_now();
    let stamp = format!("{}{}", now.format("%Y%m%d-%H%M%S"), if full { "-day-du" } else { "" });
    let dir = to.join(&stamp);
    if dir.exists() {
        bail!("bản sao lưu {} đã có; chờ một giây rồi chạy lại", dir.display());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("không tạo được thư mục {}", dir.display()))?;
    // A full backup's files are its own; a daily one's go to the folder shared by all.
    let files = if full { dir.join("blobs") } else { to.join("blobs") };
    let result = take(store, blobs, database_url, &files, &dir, now.format("%d/%m/%Y %H:%M:%S").to_string()).await;
    let kind = if full { "sao lưu đầy đủ" } else { "sao lưu gia tăng" };
    let line = match &result {
        Ok(m) => format!(
            "{},{kind},{stamp},{},{},{},{},{},thành công",
            m.created_at, m.backend, m.catalogue_sha256, m.blobs, m.blobs_copied, m.bytes_copied
        ),
        Err(e) => format!("{},{kind},{stamp},,,,,,lỗi: {}", now.format("%d/%m/%Y %H:%M:%S"), e.to_string().replace([',', '\n'], " ")),
    };
    journal(to, &line)?;
    let manifest = result?;
    println!("Đã sao lưu vào {}:", dir.display());
    println!("  cơ sở dữ liệu ({}): {} byte, SHA-256 {}", manifest.backend, manifest.catalogue_bytes, manifest.catalogue_sha256);
    println!(
        "  {} tệp dữ liệu, {} tệp mới ({} byte) trong {}",
        manifest.blobs,
        manifest.blobs_copied,
        manifest.bytes_copied,
        files.display()
    );
    println!("  Khóa niêm phong và khóa nhật ký không nằm trong bản sao lưu: hãy giữ bản sao của chúng ở nơi riêng.");
    Ok(ExitCode::SUCCESS)
}

async fn take(store: &Store, blobs: &Blobs, database_url: Option<&str>, files: &Path, dir: &Path, created_at: String) -> Result<Manifest> {
    // The catalogue first: every file it names is then copied (files are never taken back
    // from the catalogue, so those named now include those the snapshot names).
    let (backend, file) = match store.backend() {
        Backend::Sqlite => {
            let path = dir.join(SQLITE_FILE);
            store.snapshot_into(&path).await.context("không chụp được cơ sở dữ liệu SQLite")?;
            ("SQLite", path)
        }
        Backend::Postgres => {
            let url = database_url.context("thiếu địa chỉ cơ sở dữ liệu PostgreSQL")?;
            let path = dir.join(PG_FILE);
            let out = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&path)
                .arg(url)
                .output()
                .context("không chạy được pg_dump (cài gói postgresql-client)")?;
            if !out.status.success() {
                bail!("pg_dump báo lỗi: {}", String::from_utf8_lossy(&out.stderr).trim());
            }
            ("PostgreSQL", path)
        }
    };
    let (catalogue_sha256, catalogue_bytes) = file_sha256(&file)?;
    let target = Blobs::open(files, None)?;
    let (mut count, mut copied, mut bytes) = (0u64, 0u64, 0u64);
    let mut after = String::new();
    let mut progress = crate::progress::Progress::new("Sao lưu tệp dữ liệu", 0);
    loop {
        let chunk = store.referenced_blobs(&after, 500).await?;
        let Some((last, _)) = chunk.last() else { break };
        after = last.clone();
        progress.set_total(progress.total() + chunk.len() as u64);
        for (name, what) in &chunk {
            count += 1;
            if let Some(size) = target.copy_from(blobs, name).await.with_context(|| format!("không sao được tệp {name} ({what})"))? {
                copied += 1;
                bytes += size;
            }
            progress.tick();
        }
    }
    progress.finish();
    let manifest = Manifest {
        created_at,
        backend: backend.into(),
        catalogue_file: file.file_name().and_then(|n| n.to_str()).unwrap_or_default().into(),
        catalogue_sha256,
        catalogue_bytes,
        blobs: count,
        blobs_copied: copied,
        bytes_copied: bytes,
        kho_version: env!("CARGO_PKG_VERSION").into(),
    };
    std::fs::write(dir.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// Puts a backup back: its catalogue into the (new) data folder or database, then every file
/// the catalogue names, each checked against its name. A file missing or damaged in the backup
/// is named; the restore then fails.
pub async fn restore(
    from: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
    open: impl AsyncFnOnce() -> Result<(Store, Blobs)>,
) -> Result<ExitCode> {
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .with_context(|| format!("{} không phải một bản sao lưu của Kho (thiếu {MANIFEST})", from.display()))?,
    )
    .context("manifest.json hỏng")?;
    let file = from.join(&manifest.catalogue_file);
    let (sha256, _) = file_sha256(&file)?;
    if sha256 != manifest.catalogue_sha256 {
        bail!("tệp cơ sở dữ liệu {} đã bị thay đổi hoặc hỏng (SHA-256 không khớp bản kê)", file.display());
    }
    match (manifest.catalogue_file.as_str(), database_url) {
        (SQLITE_FILE, None) => {
            let target = data_dir.join(SQLITE_FILE);
            if target.exists() {
                bail!("{} đã có cơ sở dữ liệu; khôi phục vào một thư mục dữ liệu mới", data_dir.display());
            }
            std::fs::create_dir_all(data_dir)?;
            std::fs::copy(&file, &target).with_context(|| format!("không chép được vào {}", target.display()))?;
        }
        (PG_FILE, Some(url)) => {
            let out = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(url)
                .arg(&file)
                .output()
                .context("không chạy được pg_restore (cài gói postgresql-client)")?;
            if !out.status.success() {
                bail!("pg_restore báo lỗi (cơ sở dữ liệu đích phải trống): {}", String::from_utf8_lossy(&out.stderr).trim());
            }
        }
        (SQLITE_FILE, Some(_)) => bail!("bản sao lưu này là SQLite; khôi phục không kèm --database-url"),
        _ => bail!("bản sao lưu này là PostgreSQL; khôi phục cần --database-url của một cơ sở dữ liệu trống"),
    }
    let (store, blobs) = open().await?;
    // A full backup carries its own files; a daily one shares its folder's.
    let own = from.join("blobs");
    let source = Blobs::open(&if own.is_dir() { own } else { from.parent().unwrap_or(from).join("blobs") }, None)?;
    let (mut count, mut failed) = (0u64, vec![]);
    let mut after = String::new();
    loop {
        let chunk = store.referenced_blobs(&after, 500).await?;
        let Some((last, _)) = chunk.last() else { break };
        after = last.clone();
        for (name, what) in &chunk {
            count += 1;
            match blobs.copy_from(&source, name).await {
                Ok(_) => {}
                Err(e @ (BlobError::Missing(_) | BlobError::Corrupt(_))) => failed.push(format!("{name} ({what}): {e}")),
                Err(e) => return Err(e).context("không ghi được vào kho tệp dữ liệu"),
            }
        }
    }
    let outcome = if failed.is_empty() { "thành công".to_string() } else { format!("thiếu hoặc hỏng {} tệp", failed.len()) };
    let at = vietnam_now().format("%d/%m/%Y %H:%M:%S");
    let stamp = from.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    journal(
        from.parent().unwrap_or(from),
        &format!("{at},khôi phục,{stamp},{},{},{count},,,{outcome}", manifest.backend, manifest.catalogue_sha256),
    )?;
    println!("Đã khôi phục cơ sở dữ liệu ({}) và {count} tệp dữ liệu vào {}.", manifest.backend, data_dir.display());
    if failed.is_empty() {
        println!("Mọi tệp khớp SHA-256 của chúng.");
        return Ok(ExitCode::SUCCESS);
    }
    for line in &failed {
        println!("LỖI  {line}");
    }
    Ok(ExitCode::FAILURE)
}

fn file_sha256(path: &PathBuf) -> Result<(String, u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).with_context(|| format!("không mở được {}", path.display()))?;
    let mut hasher = Sha256::new();
    let (mut buffer, mut bytes) = (vec![0u8; 1 << 20], 0u64);
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((hasher.finalize().iter().map(|b| format!("{b:02x}")).collect(), bytes))
}

/// Now, in Vietnam time (UTC+7, no daylight saving), for folder names and the journal.
fn vietnam_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Duration::hours(7)
}

fn journal(folder: &Path, line: &str) -> Result<()> {
    let path = folder.join(JOURNAL);
    let new = !path.exists();
    let mut file =
        std::fs::OpenOptions::new().create(true).append(true).open(&path).with_context(|| format!("không ghi được {}", path.display()))?;
    if new {
        writeln!(file, "thoi_gian,viec,ban_sao_luu,co_so_du_lieu,sha256_co_so_du_lieu,so_tep,tep_moi,byte_moi,ket_qua")?;
    }
    writeln!(file, "{line}")?;
    Ok(())
}
