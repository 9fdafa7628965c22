//! Kho's bytes, apart from the catalogue: content-addressed files named by SHA-256 under a data
//! folder, written atomically (temporary file, fsync, rename), checked on every read.
//!
//! Content of classified records is *sealed*: AES-256-GCM under a [`ContentKey`] kept in a key
//! file outside the database. A sealed blob is named by the SHA-256 of its sealed bytes, so plain
//! and sealed copies of the same content never collide; the catalogue keeps the plaintext SHA-256
//! for fixity. Losing the key makes sealed content unreadable and nothing else.
//!
//! Knows nothing of the catalogue's meaning. (The S3-compatible backend of the scale path will
//! sit behind this same interface.)

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Sealed blobs start with this, then a 12-byte nonce, then ciphertext and tag.
const SEAL_MAGIC: &[u8; 8] = b"KHOSEAL1";

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("không tìm thấy tệp dữ liệu {0}")]
    Missing(String),
    #[error("tệp dữ liệu {0} bị hỏng: mã SHA-256 không khớp")]
    Corrupt(String),
    #[error("chưa có khóa mã hóa nội dung tài liệu mật; quản trị viên chạy “kho key init” trên máy chủ")]
    NoKey,
    #[error("không giải mã được {0}: khóa mã hóa không đúng hoặc dữ liệu đã bị sửa")]
    Unsealable(String),
    #[error("tên tệp dữ liệu không hợp lệ")]
    BadName,
    #[error("khóa mã hóa {path}: {reason}")]
    Key { path: String, reason: String },
    #[error("lỗi đọc ghi tệp: {0}")]
    Io(#[from] std::io::Error),
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The 256-bit key that seals classified content.
#[derive(Clone)]
pub struct ContentKey([u8; 32]);

impl std::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContentKey(…)")
    }
}

impl ContentKey {
    /// Reads a key file: 64 hex characters. Refuses a file others can read.
    pub fn load(path: &Path) -> Result<ContentKey, BlobError> {
        let err = |reason: String| BlobError::Key { path: path.display().to_string(), reason };
        let text = fs::read_to_string(path).map_err(|e| err(format!("không đọc được ({e})")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(err(format!("quyền truy cập {:o} quá rộng; chỉ chủ sở hữu được đọc (chmod 600)", mode & 0o777)));
            }
        }
        let hex = text.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err("phải gồm đúng 64 chữ số thập lục phân".into()));
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).expect("checked hex");
        }
        Ok(ContentKey(key))
    }

    /// Creates a new random key file (mode 600); refuses to overwrite one.
    pub fn generate(path: &Path) -> Result<ContentKey, BlobError> {
        if path.exists() {
            return Err(BlobError::Key { path: path.display().to_string(), reason: "đã có; không ghi đè khóa đang dùng".into() });
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let key: [u8; 32] = rand::random();
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        file.write_all(format!("{hex}\n").as_bytes())?;
        file.sync_all()?;
        Ok(ContentKey(key))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new_from_slice(&self.0).expect("32-byte key")
    }
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Where the bytes are: SHA-256 of the stored (possibly sealed) bytes.
    pub name: String,
    /// SHA-256 of the content itself, for fixity.
    pub sha256: String,
    pub size: u64,
    pub sealed: bool,
}

/// Content-addressed bytes in a folder.
#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
    key: Option<ContentKey>,
}

fn valid_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Blobs {
    pub fn open(root: &Path, key: Option<ContentKey>) -> Result<Blobs, BlobError> {
        fs::create_dir_all(root)?;
        Ok(Blobs { root: root.to_path_buf(), key })
    }

    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(&name[..2]).join(&name[2..4]).join(name)
    }

    /// Stores `content`, sealed when asked. Idempotent: the same bytes land on the same name.
    pub fn put(&self, content: &[u8], seal: bool) -> Result<StoredBlob, BlobError> {
        let sha256 = sha256_hex(content);
        let stored = if seal {
            let key = self.key.as_ref().ok_or(BlobError::NoKey)?;
            let nonce_bytes: [u8; 12] = rand::random();
            let ciphertext =
                key.cipher().encrypt(&Nonce::from(nonce_bytes), content).map_err(|_| BlobError::Unsealable("nội dung mới".into()))?;
            let mut sealed = Vec::with_capacity(SEAL_MAGIC.len() + 12 + ciphertext.len());
            sealed.extend_from_slice(SEAL_MAGIC);
            sealed.extend_from_slice(&nonce_bytes);
            sealed.extend_from_slice(&ciphertext);
            sealed
        } else {
            content.to_vec()
        };
        let name = sha256_hex(&stored);
        let path = self.path(&name);
        if !path.exists() {
            let dir = path.parent().expect("blob paths have parents");
            fs::create_dir_all(dir)?;
            let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
            {
                let mut file = fs::File::create(&temporary)?;
                file.write_all(&stored)?;
                file.sync_all()?;
            }
            fs::rename(&temporary, &path)?;
            if let Ok(dir) = fs::File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(StoredBlob { name, sha256, size: content.len() as u64, sealed: seal })
    }

    /// Reads a blob back, unsealing it when sealed, and checks the content's SHA-256.
    pub fn get(&self, name: &str, sealed: bool, expected_sha256: &str) -> Result<Vec<u8>, BlobError> {
        if !valid_name(name) {
            return Err(BlobError::BadName);
        }
        let stored = match fs::read(self.path(name)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BlobError::Missing(name.into())),
            Err(e) => return Err(e.into()),
        };
        if sha256_hex(&stored) != name {
            return Err(BlobError::Corrupt(name.into()));
        }
        let content = if sealed {
            let key = self.key.as_ref().ok_or(BlobError::NoKey)?;
            if stored.len() < SEAL_MAGIC.len() + 12 || &stored[..SEAL_MAGIC.len()] != SEAL_MAGIC {
                return Err(BlobError::Unsealable(name.into()));
            }
            let (nonce, ciphertext) = stored[SEAL_MAGIC.len()..].split_at(12);
            let nonce: [u8; 12] = nonce.try_into().expect("split at 12");
            key.cipher().decrypt(&Nonce::from(nonce), ciphertext).map_err(|_| BlobError::Unsealable(name.into()))?
        } else {
            stored
        };
        if sha256_hex(&content) != expected_sha256 {
            return Err(BlobError::Corrupt(name.into()));
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = "Hồ sơ về công tác quốc phòng — MẬT".as_bytes();

    #[test]
    fn plain_content_is_stored_by_its_hash_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path(), None).unwrap();
        let stored = blobs.put(b"trang 1", false).unwrap();
        assert_eq!(stored.name, stored.sha256);
        assert_eq!(blobs.put(b"trang 1", false).unwrap(), stored, "idempotent");
        assert_eq!(blobs.get(&stored.name, false, &stored.sha256).unwrap(), b"trang 1");
        assert!(matches!(blobs.put(SECRET, true), Err(BlobError::NoKey)), "no key, no sealing");
    }

    #[test]
    fn sealed_content_is_unreadable_on_disk_and_without_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = ContentKey::generate(&dir.path().join("keys/content.key")).unwrap();
        let blobs = Blobs::open(&dir.path().join("blobs"), Some(key)).unwrap();
        let stored = blobs.put(SECRET, true).unwrap();
        assert_ne!(stored.name, stored.sha256);
        let on_disk = fs::read(blobs.path(&stored.name)).unwrap();
        assert!(!on_disk.windows(SECRET.len()).any(|w| w == SECRET), "no plaintext on disk");
        assert_eq!(blobs.get(&stored.name, true, &stored.sha256).unwrap(), SECRET);

        let keyless = Blobs::open(&dir.path().join("blobs"), None).unwrap();
        assert!(matches!(keyless.get(&stored.name, true, &stored.sha256), Err(BlobError::NoKey)));
        let other_dir = tempfile::tempdir().unwrap();
        let other = Blobs::open(&dir.path().join("blobs"), Some(ContentKey::generate(&other_dir.path().join("k")).unwrap())).unwrap();
        assert!(matches!(other.get(&stored.name, true, &stored.sha256), Err(BlobError::Unsealable(_))));
    }

    #[test]
    fn tampered_or_hostile_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path(), None).unwrap();
        let stored = blobs.put(b"trang 2", false).unwrap();
        fs::write(blobs.path(&stored.name), b"trang 3").unwrap();
        assert!(matches!(blobs.get(&stored.name, false, &stored.sha256), Err(BlobError::Corrupt(_))));
        assert!(matches!(blobs.get("../../etc/passwd", false, ""), Err(BlobError::BadName)));
        assert!(matches!(blobs.get(&"0".repeat(64), false, ""), Err(BlobError::Missing(_))));
    }

    #[test]
    fn key_files_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("content.key");
        ContentKey::generate(&path).unwrap();
        assert!(ContentKey::generate(&path).is_err(), "never overwritten");
        assert!(ContentKey::load(&path).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(ContentKey::load(&path).unwrap_err().to_string().contains("chmod 600"));
        }
    }
}
