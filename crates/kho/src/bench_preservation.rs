//! `kho bench preservation`: files of scan-like size (random bytes, incompressible) put into the
//! blobs with a second copy kept in step, then timed side by side with `sha256sum` over the same
//! files: the fixity check of both copies, a first and a second (incremental) backup, a restore
//! into a new data folder. Prints figures; asserts nothing.

use anyhow::{Context, Result};
use kho_blobs::Blobs;
use kho_store::{Attachment, AttachmentOwner, Store};
use std::path::Path;
use std::time::Instant;

/// Deterministic incompressible bytes (xorshift64*), so runs compare.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn rate(bytes: u64, seconds: f64) -> String {
    format!("{:.0} MB/s", bytes as f64 / 1e6 / seconds.max(1e-9))
}

pub async fn preservation(data_dir: &Path, megabytes: u64, file_megabytes: u64) -> Result<()> {
    let root = data_dir.join("bench-bao-quan");
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    let data = root.join("data");
    std::fs::create_dir_all(&data)?;
    let store = Store::open_embedded(&data).await?;
    let blobs = Blobs::open(&data.join("blobs"), None)?.with_replica(Blobs::open(&root.join("o-thu-hai"), None)?);
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await?;
    let (_, made) = kho_store::test_support::fonds_with_dossiers(&store, unit, "X27", &[("15", "Hồ sơ quét", "05", "3")]).await;
    let files = (megabytes / file_megabytes.max(1)).max(1);
    let size = (file_megabytes << 20) as usize;
    let total = files * size as u64;
    println!("{files} tệp × {file_megabytes} MiB = {:.2} GB, hai bản (bản chính và bản thứ hai trên cùng đĩa)", total as f64 / 1e9);

    let started = Instant::now();
    for n in 0..files {
        let stored = blobs.put(noise(n, size), false).await?;
        let attachment = Attachment {
            id: 0,
            owner: AttachmentOwner::Dossier(made[0].0),
            file_name: format!("quet-{n:05}.tif"),
            media_type: "image/tiff".into(),
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            sealed: false,
            uploaded_by: "bench".into(),
            uploaded_at: String::new(),
        };
        store.create_attachment(&attachment).await?;
    }
    let put = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("find \"$0\" -type f -print0 | xargs -0 sha256sum > /dev/null")
        .arg(data.join("blobs"))
        .status()
        .context("sha256sum")?;
    anyhow::ensure!(status.success(), "sha256sum failed");
    let baseline = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let options = crate::fixity::Options { restart: true, limit: None, backup: None, started_by: "lenh", progress: false };
    let slice = crate::fixity::check(&store, &blobs, options).await?;
    anyhow::ensure!(slice.findings.is_empty(), "the bench files should be whole");
    let fixity = started.elapsed().as_secs_f64();

    let backups = root.join("sao-luu");
    let started = Instant::now();
    crate::backup::backup(&store, &blobs, None, &backups, false).await?;
    let first = started.elapsed().as_secs_f64();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let started = Instant::now();
    crate::backup::backup(&store, &blobs, None, &backups, false).await?;
    let second = started.elapsed().as_secs_f64();

    let taken =
        std::fs::read_dir(&backups)?.flatten().map(|e| e.path()).filter(|p| p.join("manifest.json").exists()).min().context("backup")?;
    let restored = root.join("khoi-phuc");
    let started = Instant::now();
    crate::backup::restore(&taken, &restored, None, async || {
        Ok((Store::open_embedded(&restored).await?, Blobs::open(&restored.join("blobs"), None)?))
    })
    .await?;
    let restore = started.elapsed().as_secs_f64();

    println!();
    println!("| việc | thời gian | tốc độ |");
    println!("|---|---|---|");
    println!("| ghi vào kho (SHA-256 + hai bản, fsync) | {put:.1} s | {} |", rate(total, put));
    println!("| sha256sum trên các tệp bản chính (mốc) | {baseline:.1} s | {} |", rate(total, baseline));
    println!("| kiểm tra toàn vẹn hai bản (kho verify) | {fixity:.1} s | {} ({} mỗi bản) |", rate(2 * total, fixity), rate(total, fixity));
    println!("| sao lưu lần đầu (mọi tệp mới) | {first:.1} s | {} |", rate(total, first));
    println!("| sao lưu lần sau (không tệp mới) | {second:.2} s | — |");
    println!("| khôi phục vào thư mục mới (kiểm tra từng tệp) | {restore:.1} s | {} |", rate(total, restore));
    std::fs::remove_dir_all(&root)?;
    Ok(())
}
