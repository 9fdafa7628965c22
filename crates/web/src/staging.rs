//! An upload kept while a person reviews what Kho understood of it (Nhập mục lục): a file in the
//! upload folder named by a random token — never in the blob store, so nothing refused or
//! abandoned stays — sealed under the content key when its records are classified, checked by
//! SHA-256 when taken back, removed once imported, refused, or a day old.

use crate::AppState;
use crate::error::PageError;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How long an upload waits for its confirmation.
const KEPT_FOR: Duration = Duration::from_secs(24 * 3600);

/// A kept upload, as the confirmation form names it.
pub struct Staged {
    pub token: String,
    pub sha256: String,
}

fn folder(state: &AppState) -> PathBuf {
    state.config.upload_dir().join("review")
}

fn path(state: &AppState, token: &str) -> Option<PathBuf> {
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| folder(state).join(format!("{token}.bin")))
}

fn internal(e: impl std::fmt::Display) -> PageError {
    PageError::Internal(e.to_string())
}

/// Keeps `bytes` for review; sweeps what earlier reviews left behind.
pub async fn keep(state: &AppState, bytes: &[u8], seal: bool) -> Result<Staged, PageError> {
    let sha256 = kho_blobs::sha256_hex(bytes);
    let stored = if seal { state.blobs.seal(bytes).map_err(internal)? } else { bytes.to_vec() };
    let token: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
    let dir = folder(state);
    let target = dir.join(format!("{token}.bin"));
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let old =
                entry.metadata().and_then(|m| m.modified()).map(|t| SystemTime::now().duration_since(t).unwrap_or_default() > KEPT_FOR);
            if old.unwrap_or(false) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        std::fs::write(&target, stored)
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    Ok(Staged { token, sha256 })
}

/// The kept bytes, if they are still there and whole.
pub async fn take(state: &AppState, token: &str, sha256: &str, sealed: bool) -> Result<Option<Vec<u8>>, PageError> {
    let Some(path) = path(state, token) else { return Ok(None) };
    let Ok(stored) = tokio::fs::read(&path).await else { return Ok(None) };
    let bytes = if sealed {
        match state.blobs.unseal(&stored) {
            Ok(b) => b,
            Err(_) => return Ok(None),
        }
    } else {
        stored
    };
    Ok((kho_blobs::sha256_hex(&bytes) == sha256).then_some(bytes))
}

/// Removes a kept upload (imported or refused).
pub async fn discard(state: &AppState, token: &str) {
    if let Some(path) = path(state, token) {
        let _ = tokio::fs::remove_file(path).await;
    }
}
