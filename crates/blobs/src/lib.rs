//! Kho's bytes, apart from the catalogue: content-addressed objects named by SHA-256, through the
//! `object_store` crate — a local folder by default (written atomically, then fsynced), or an
//! S3-compatible server (Garage on the province's own hardware) — and checked on every read.
//! Puts are idempotent (same bytes, same name), so no put is ever used as a lock: S3 servers such
//! as Garage do not honour create-only puts.
//!
//! Content of classified records is *sealed*: AES-256-GCM under a [`ContentKey`] kept in a key
//! file outside the database. A sealed blob is named by the SHA-256 of its sealed bytes, so plain
//! and sealed copies of the same content never collide; the catalogue keeps the plaintext SHA-256
//! for fixity. Losing the key makes sealed content unreadable and nothing else.
//!
//! A *replica* — another folder on another disk, or a second bucket — may be kept in step: every
//! put reaches both before it returns, a read that finds its copy missing or damaged takes the
//! other's and mends its own, and fixity checks each copy apart (`kho verify`).
//!
//! Knows nothing of the catalogue's meaning.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
pub use object_store;

use bytes::Bytes;
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    #[error("kho lưu trữ đối tượng {0}: {1}")]
    Store(String, String),
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

/// An S3-compatible bucket (Garage, or any server speaking the S3 API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `http://127.0.0.1:3900` or `https://s3.example.vn`.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl S3Config {
    /// The test S3 server the test command starts (`KHO_TEST_S3_*`); with `KHO_REQUIRE_S3=1` its
    /// absence fails the test instead of quietly testing less.
    pub fn test_server() -> Option<S3Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (var("KHO_TEST_S3_ENDPOINT"), var("KHO_TEST_S3_ACCESS_KEY_ID"), var("KHO_TEST_S3_SECRET_ACCESS_KEY")) {
            (Some(endpoint), Some(access_key_id), Some(secret_access_key)) => Some(S3Config {
                endpoint,
                bucket: var("KHO_TEST_S3_BUCKET").unwrap_or_else(|| "kho-test".into()),
                region: "garage".into(),
                access_key_id,
                secret_access_key,
            }),
            _ if std::env::var("KHO_REQUIRE_S3").as_deref() == Ok("1") => panic!("KHO_REQUIRE_S3=1 but KHO_TEST_S3_* is not set"),
            _ => None,
        }
    }
}

/// Content-addressed bytes in a folder or a bucket.
#[derive(Debug, Clone)]
pub struct Blobs {
    objects: Arc<dyn ObjectStore>,
    /// The folder, when local: written files are fsynced there.
    folder: Option<PathBuf>,
    key: Option<ContentKey>,
    label: String,
    /// The second copy kept in step, if any.
    replica: Option<Arc<Blobs>>,
    /// The admin API of the S3 cluster, when its own replication is the second copy.
    cluster: Option<ClusterAdmin>,
}

/// The admin API of a Garage cluster: where it listens and its bearer token.
#[derive(Debug, Clone)]
pub struct ClusterAdmin {
    pub endpoint: String,
    pub token: String,
}

impl ClusterAdmin {
    /// The three-node test cluster the test command starts (`KHO_TEST_GARAGE3_*`).
    pub fn test_cluster() -> Option<(S3Config, ClusterAdmin)> {
        let var = |name: &str| std::env::var(format!("KHO_TEST_GARAGE3_{name}")).ok().filter(|v| !v.is_empty());
        match (var("S3_ENDPOINT"), var("ACCESS_KEY_ID"), var("SECRET_ACCESS_KEY"), var("ADMIN_ENDPOINT"), var("ADMIN_TOKEN")) {
            (Some(endpoint), Some(access_key_id), Some(secret_access_key), Some(admin), Some(token)) => Some((
                S3Config { endpoint, bucket: "kho-test".into(), region: "garage".into(), access_key_id, secret_access_key },
                ClusterAdmin { endpoint: admin, token },
            )),
            _ if std::env::var("KHO_REQUIRE_S3").as_deref() == Ok("1") => panic!("KHO_REQUIRE_S3=1 but KHO_TEST_GARAGE3_* is not set"),
            _ => None,
        }
    }

    /// The cluster's health and replication factor, from `GET /v2/GetClusterHealth` and the
    /// `garage_replication_factor` gauge of `GET /metrics`.
    pub async fn health(&self) -> Result<ClusterHealth, BlobError> {
        let base = self.endpoint.trim_end_matches('/');
        let failed = |e: String| BlobError::Store(base.to_string(), e);
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().map_err(|e| failed(e.to_string()))?;
        let response = client
            .get(format!("{base}/v2/GetClusterHealth"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| failed(format!("không hỏi được tình trạng cụm: {e}")))?;
        if !response.status().is_success() {
            return Err(failed(format!("API quản trị trả lời {} (kiểm tra mã quản trị)", response.status())));
        }
        let mut health: ClusterHealth = response.json().await.map_err(|e| failed(format!("trả lời không đọc được: {e}")))?;
        let metrics = client.get(format!("{base}/metrics")).bearer_auth(&self.token).send().await.map_err(|e| failed(e.to_string()))?;
        let metrics = metrics.text().await.map_err(|e| failed(e.to_string()))?;
        health.replication_factor = metrics
            .lines()
            .find_map(|l| l.strip_prefix("garage_replication_factor "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|v| v as u32);
        Ok(health)
    }
}

/// A Garage cluster's health as its admin API reports it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterHealth {
    /// healthy, degraded or unavailable.
    pub status: String,
    pub storage_nodes: u64,
    pub storage_nodes_up: u64,
    pub partitions: u64,
    pub partitions_quorum: u64,
    pub partitions_all_ok: u64,
    /// From the metrics; None when they could not be read.
    #[serde(skip)]
    pub replication_factor: Option<u32>,
}

impl ClusterHealth {
    /// Whether the cluster keeps a second copy of everything right now; if not, why, in words an
    /// operator can act on.
    pub fn second_copy(&self) -> Result<String, String> {
        let factor = self.replication_factor.ok_or("không đọc được hệ số sao chép của cụm (/metrics)")?;
        if factor < 2 {
            return Err(format!("cụm lưu mỗi tệp {factor} bản: không có bản thứ hai (cần replication_factor ≥ 2, hoặc --replica-dir)"));
        }
        match self.status.as_str() {
            "healthy" => {
                Ok(format!("cụm lưu mỗi tệp {factor} bản; {}/{} máy lưu trữ hoạt động", self.storage_nodes_up, self.storage_nodes))
            }
            "degraded" => Err(format!(
                "cụm suy giảm: {}/{} máy lưu trữ hoạt động, {}/{} phân vùng đủ {factor} bản — khôi phục máy hỏng",
                self.storage_nodes_up, self.storage_nodes, self.partitions_all_ok, self.partitions
            )),
            _ => Err(format!("cụm không sẵn sàng: {}/{} phân vùng còn đủ số bản tối thiểu", self.partitions_quorum, self.partitions)),
        }
    }
}

fn valid_name(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Blobs {
    /// Blobs in a local folder (the default).
    pub fn open(root: &Path, key: Option<ContentKey>) -> Result<Blobs, BlobError> {
        fs::create_dir_all(root)?;
        let objects = object_store::local::LocalFileSystem::new_with_prefix(root)
            .map_err(|e| BlobError::Store(root.display().to_string(), e.to_string()))?;
        Ok(Blobs {
            objects: Arc::new(objects),
            folder: Some(root.to_path_buf()),
            key,
            label: root.display().to_string(),
            replica: None,
            cluster: None,
        })
    }

    /// Blobs in an S3-compatible bucket.
    pub fn s3(config: &S3Config, key: Option<ContentKey>) -> Result<Blobs, BlobError> {
        let label = format!("{}/{}", config.endpoint.trim_end_matches('/'), config.bucket);
        let objects = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(&config.endpoint)
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_allow_http(config.endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .build()
            .map_err(|e| BlobError::Store(label.clone(), e.to_string()))?;
        Ok(Blobs { objects: Arc::new(objects), folder: None, key, label, replica: None, cluster: None })
    }

    /// These blobs with a second copy kept in step in `replica` (its own replica, if any, is
    /// not followed).
    pub fn with_replica(mut self, mut replica: Blobs) -> Blobs {
        replica.replica = None;
        replica.key = self.key.clone();
        self.replica = Some(Arc::new(replica));
        self
    }

    /// The second copy, when one is kept.
    pub fn replica(&self) -> Option<&Blobs> {
        self.replica.as_deref()
    }

    /// These blobs on an S3 cluster whose own replication keeps the second copy, checked through
    /// its admin API.
    pub fn with_cluster(mut self, admin: ClusterAdmin) -> Blobs {
        self.cluster = Some(admin);
        self
    }

    /// What keeps the second copy of every file, checked now: the replica kept in step, or the
    /// cluster's own replication. `Err` says why there is none, in words an operator can act on.
    pub async fn second_copy(&self) -> Result<String, String> {
        if let Some(replica) = &self.replica {
            return Ok(format!("bản thứ hai ghi đồng thời tại {}", replica.label));
        }
        match &self.cluster {
            Some(admin) => admin.health().await.map_err(|e| e.to_string())?.second_copy(),
            None => Err("chưa có bản thứ hai: chạy Kho với --replica-dir (ổ đĩa khác), --replica-s3-bucket, hoặc một cụm S3 sao chép ≥ 2 bản (--s3-admin-endpoint)".into()),
        }
    }

    /// Where the blobs are, for messages and logs.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// `ab/cd/abcd…`: two levels of fan-out keep folders small on a local disk.
    pub fn location(name: &str) -> ObjectPath {
        ObjectPath::from(format!("{}/{}/{name}", &name[..2], &name[2..4]))
    }

    /// The underlying store, for tools that must reach past the checks (tests that damage a blob).
    pub fn objects(&self) -> Arc<dyn ObjectStore> {
        self.objects.clone()
    }

    fn store_error(&self, e: object_store::Error) -> BlobError {
        BlobError::Store(self.label.clone(), e.to_string())
    }

    /// Stores `content`, sealed when asked. Idempotent: the same bytes land on the same name.
    pub async fn put(&self, content: impl Into<Bytes>, seal: bool) -> Result<StoredBlob, BlobError> {
        let content: Bytes = content.into();
        let key = if seal { Some(self.key.clone().ok_or(BlobError::NoKey)?) } else { None };
        let size = content.len() as u64;
        // Hashing and sealing a large scan is CPU work: off the async threads.
        let (sha256, stored, name) = tokio::task::spawn_blocking(move || -> Result<_, BlobError> {
            let sha256 = sha256_hex(&content);
            let stored = match key {
                Some(key) => Bytes::from(seal_bytes(&key, &content)?),
                None => content,
            };
            let name = sha256_hex(&stored);
            Ok((sha256, stored, name))
        })
        .await
        .map_err(|e| BlobError::Store(self.label.clone(), e.to_string()))??;
        self.write(&name, stored.clone()).await?;
        // Both copies hold it before the catalogue may name it.
        if let Some(replica) = &self.replica {
            replica.write(&name, stored).await?;
        }
        Ok(StoredBlob { name, sha256, size, sealed: seal })
    }

    /// Writes stored bytes under their name in this copy, unless they are there already.
    async fn write(&self, name: &str, stored: Bytes) -> Result<(), BlobError> {
        let location = Blobs::location(name);
        match self.objects.head(&location).await {
            Ok(meta) if meta.size == stored.len() as u64 => Ok(()),
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {
                self.objects.put(&location, PutPayload::from_bytes(stored)).await.map_err(|e| self.store_error(e))?;
                self.sync(name).await
            }
            Err(e) => Err(self.store_error(e)),
        }
    }

    /// Copies a blob as stored (sealed content stays sealed) from `source` into this store,
    /// checked against its name on the way; one already here at the source's size is left alone
    /// (re-hashing every copy is `kho verify`'s work, not each backup's). The bytes written when
    /// it was copied, None when it was already here. What backups and restores are made of: a
    /// copy is as good as its name says.
    pub async fn copy_from(&self, source: &Blobs, name: &str) -> Result<Option<u64>, BlobError> {
        if !valid_name(name) {
            return Err(BlobError::BadName);
        }
        let location = Blobs::location(name);
        match self.objects.head(&location).await {
            Ok(here) => match source.objects.head(&location).await {
                Ok(there) if there.size == here.size => return Ok(None),
                Ok(_) => {}
                Err(object_store::Error::NotFound { .. }) => return Err(BlobError::Missing(name.into())),
                Err(e) => return Err(source.store_error(e)),
            },
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.store_error(e)),
        }
        Ok(Some(self.repair_from(source, name).await?))
    }

    /// Writes a blob again from `source`'s copy, checked against its name first: how a file
    /// found missing or damaged is mended from the other copy. The bytes written.
    pub async fn repair_from(&self, source: &Blobs, name: &str) -> Result<u64, BlobError> {
        let stored = source.stored(name).await?;
        let size = stored.len() as u64;
        self.write_over(name, stored.clone()).await?;
        // A restore fills the second copy too (unless it holds the file already).
        if let Some(replica) = &self.replica {
            replica.write(name, stored).await?;
        }
        Ok(size)
    }

    /// On a local folder, the written file and its folder reach the disk before the catalogue
    /// records them (an S3 server acknowledges a put once it is durable).
    async fn sync(&self, name: &str) -> Result<(), BlobError> {
        let Some(folder) = &self.folder else { return Ok(()) };
        let path = folder.join(Blobs::location(name).as_ref());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            fs::File::open(&path)?.sync_all()?;
            if let Some(dir) = path.parent() {
                fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        })
        .await
        .map_err(|e| BlobError::Store(self.label.clone(), e.to_string()))??;
        Ok(())
    }

    /// The stored bytes of a blob, checked against its name. When this copy has lost or damaged
    /// them and a replica is kept, the replica's bytes are taken and this copy is mended from
    /// them (a failed mend leaves the read good; `kho verify` will find it).
    async fn stored(&self, name: &str) -> Result<Bytes, BlobError> {
        match (self.stored_here(name).await, &self.replica) {
            (Err(BlobError::Missing(_) | BlobError::Corrupt(_)), Some(replica)) => {
                let stored = replica.stored_here(name).await?;
                let _ = self.write_over(name, stored.clone()).await;
                Ok(stored)
            }
            (result, _) => result,
        }
    }

    /// Writes stored bytes under their name in this copy, over whatever is there.
    async fn write_over(&self, name: &str, stored: Bytes) -> Result<(), BlobError> {
        self.objects.put(&Blobs::location(name), PutPayload::from_bytes(stored)).await.map_err(|e| self.store_error(e))?;
        self.sync(name).await
    }

    /// The stored bytes of a blob in this copy alone, checked against its name.
    async fn stored_here(&self, name: &str) -> Result<Bytes, BlobError> {
        if !valid_name(name) {
            return Err(BlobError::BadName);
        }
        let result = match self.objects.get(&Blobs::location(name)).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Err(BlobError::Missing(name.into())),
            Err(e) => return Err(self.store_error(e)),
        };
        let stored = result.bytes().await.map_err(|e| self.store_error(e))?;
        let (name, stored) = (name.to_string(), stored);
        tokio::task::spawn_blocking(move || if sha256_hex(&stored) == name { Ok(stored) } else { Err(BlobError::Corrupt(name)) })
            .await
            .map_err(|e| BlobError::Store(self.label.clone(), e.to_string()))?
    }

    /// Seals bytes under the content key without storing them (a file held while a person
    /// reviews it lives outside the blob store).
    pub fn seal(&self, content: &[u8]) -> Result<Vec<u8>, BlobError> {
        seal_bytes(self.key.as_ref().ok_or(BlobError::NoKey)?, content)
    }

    /// Opens bytes [`Blobs::seal`] sealed.
    pub fn unseal(&self, sealed: &[u8]) -> Result<Vec<u8>, BlobError> {
        unseal_bytes(self.key.as_ref().ok_or(BlobError::NoKey)?, "tệp tạm", sealed)
    }

    /// Fixity: re-reads a blob in this copy alone (not its replica) and re-hashes it; its size
    /// when whole.
    pub async fn check(&self, name: &str) -> Result<u64, BlobError> {
        Ok(self.stored_here(name).await?.len() as u64)
    }

    /// Reads a blob known only by its name (derived data: page images, word boxes): the stored
    /// bytes are checked against the name, and sealed content is authenticated by AES-GCM.
    pub async fn read(&self, name: &str, sealed: bool) -> Result<Vec<u8>, BlobError> {
        let stored = self.stored(name).await?;
        if sealed {
            let key = self.key.as_ref().ok_or(BlobError::NoKey)?;
            unseal_bytes(key, name, &stored)
        } else {
            Ok(stored.to_vec())
        }
    }

    /// Reads a blob back, unsealing it when sealed, and checks the content's SHA-256.
    pub async fn get(&self, name: &str, sealed: bool, expected_sha256: &str) -> Result<Vec<u8>, BlobError> {
        let stored = self.stored(name).await?;
        let content = if sealed {
            let key = self.key.as_ref().ok_or(BlobError::NoKey)?;
            unseal_bytes(key, name, &stored)?
        } else {
            stored.to_vec()
        };
        if sha256_hex(&content) != expected_sha256 {
            return Err(BlobError::Corrupt(name.into()));
        }
        Ok(content)
    }
}

fn seal_bytes(key: &ContentKey, content: &[u8]) -> Result<Vec<u8>, BlobError> {
    let nonce_bytes: [u8; 12] = rand::random();
    let ciphertext = key.cipher().encrypt(&Nonce::from(nonce_bytes), content).map_err(|_| BlobError::Unsealable("nội dung mới".into()))?;
    let mut sealed = Vec::with_capacity(SEAL_MAGIC.len() + 12 + ciphertext.len());
    sealed.extend_from_slice(SEAL_MAGIC);
    sealed.extend_from_slice(&nonce_bytes);
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

fn unseal_bytes(key: &ContentKey, name: &str, stored: &[u8]) -> Result<Vec<u8>, BlobError> {
    if stored.len() < SEAL_MAGIC.len() + 12 || &stored[..SEAL_MAGIC.len()] != SEAL_MAGIC {
        return Err(BlobError::Unsealable(name.into()));
    }
    let (nonce, ciphertext) = stored[SEAL_MAGIC.len()..].split_at(12);
    let nonce: [u8; 12] = nonce.try_into().expect("split at 12");
    key.cipher().decrypt(&Nonce::from(nonce), ciphertext).map_err(|_| BlobError::Unsealable(name.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = "Hồ sơ về công tác quốc phòng — MẬT".as_bytes();

    fn path(root: &Path, name: &str) -> PathBuf {
        root.join(Blobs::location(name).as_ref())
    }

    #[tokio::test]
    async fn plain_content_is_stored_by_its_hash_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path(), None).unwrap();
        let stored = blobs.put(&b"trang 1"[..], false).await.unwrap();
        assert_eq!(stored.name, stored.sha256);
        assert_eq!(blobs.put(&b"trang 1"[..], false).await.unwrap(), stored, "idempotent");
        assert_eq!(blobs.get(&stored.name, false, &stored.sha256).await.unwrap(), b"trang 1");
        assert_eq!(fs::read(path(dir.path(), &stored.name)).unwrap(), b"trang 1", "a plain file on disk");
        assert!(matches!(blobs.put(SECRET, true).await, Err(BlobError::NoKey)), "no key, no sealing");
    }

    #[tokio::test]
    async fn sealed_content_is_unreadable_on_disk_and_without_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let key = ContentKey::generate(&dir.path().join("keys/content.key")).unwrap();
        let root = dir.path().join("blobs");
        let blobs = Blobs::open(&root, Some(key)).unwrap();
        let stored = blobs.put(SECRET, true).await.unwrap();
        assert_ne!(stored.name, stored.sha256);
        let on_disk = fs::read(path(&root, &stored.name)).unwrap();
        assert!(!on_disk.windows(SECRET.len()).any(|w| w == SECRET), "no plaintext on disk");
        assert_eq!(blobs.get(&stored.name, true, &stored.sha256).await.unwrap(), SECRET);

        let keyless = Blobs::open(&root, None).unwrap();
        assert!(matches!(keyless.get(&stored.name, true, &stored.sha256).await, Err(BlobError::NoKey)));
        let other_dir = tempfile::tempdir().unwrap();
        let other = Blobs::open(&root, Some(ContentKey::generate(&other_dir.path().join("k")).unwrap())).unwrap();
        assert!(matches!(other.get(&stored.name, true, &stored.sha256).await, Err(BlobError::Unsealable(_))));
    }

    #[tokio::test]
    async fn tampered_or_hostile_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path(), None).unwrap();
        let stored = blobs.put(&b"trang 2"[..], false).await.unwrap();
        fs::write(path(dir.path(), &stored.name), b"trang 3").unwrap();
        assert!(matches!(blobs.get(&stored.name, false, &stored.sha256).await, Err(BlobError::Corrupt(_))));
        assert!(matches!(blobs.check(&stored.name).await, Err(BlobError::Corrupt(_))));
        assert!(matches!(blobs.get("../../etc/passwd", false, "").await, Err(BlobError::BadName)));
        assert!(matches!(blobs.get(&"0".repeat(64), false, "").await, Err(BlobError::Missing(_))));
        assert!(matches!(blobs.check(&"0".repeat(64)).await, Err(BlobError::Missing(_))));
    }

    #[tokio::test]
    async fn the_s3_server_keeps_blobs_by_hash_and_damage_is_found() {
        let Some(config) = S3Config::test_server() else { return };
        let dir = tempfile::tempdir().unwrap();
        let key = ContentKey::generate(&dir.path().join("k")).unwrap();
        let blobs = Blobs::s3(&config, Some(key)).unwrap();
        let content = format!("trang quét {:?}", std::time::SystemTime::now()).into_bytes();
        let stored = blobs.put(content.clone(), false).await.unwrap();
        assert_eq!(blobs.put(content.clone(), false).await.unwrap(), stored, "idempotent on S3 too");
        assert_eq!(blobs.get(&stored.name, false, &stored.sha256).await.unwrap(), content);
        let sealed = blobs.put(SECRET.to_vec(), true).await.unwrap();
        assert_eq!(blobs.get(&sealed.name, true, &sealed.sha256).await.unwrap(), SECRET);
        let big = vec![7u8; 12 << 20];
        let big_stored = blobs.put(big.clone(), false).await.unwrap();
        assert_eq!(blobs.check(&big_stored.name).await.unwrap(), big.len() as u64);
        // Damage behind Kho's back: overwrite the object with other bytes.
        blobs.objects().put(&Blobs::location(&stored.name), PutPayload::from(b"hong".to_vec())).await.unwrap();
        assert!(matches!(blobs.check(&stored.name).await, Err(BlobError::Corrupt(_))));
        blobs.objects().delete(&Blobs::location(&stored.name)).await.unwrap();
        assert!(matches!(blobs.check(&stored.name).await, Err(BlobError::Missing(_))));
    }

    #[tokio::test]
    async fn a_replica_is_kept_in_step_and_mends_what_the_first_copy_loses() {
        let dir = tempfile::tempdir().unwrap();
        let key = ContentKey::generate(&dir.path().join("k")).unwrap();
        let (first, second) = (dir.path().join("a"), dir.path().join("b"));
        let blobs = Blobs::open(&first, Some(key)).unwrap().with_replica(Blobs::open(&second, None).unwrap());
        let plain = blobs.put(&b"trang 4"[..], false).await.unwrap();
        let sealed = blobs.put(SECRET, true).await.unwrap();
        for name in [&plain.name, &sealed.name] {
            assert_eq!(fs::read(path(&first, name)).unwrap(), fs::read(path(&second, name)).unwrap(), "both copies hold it");
        }
        assert!(!fs::read(path(&second, &sealed.name)).unwrap().windows(SECRET.len()).any(|w| w == SECRET), "sealed there too");

        // The first copy loses one file and another rots: reads go on, and mend the first copy.
        fs::remove_file(path(&first, &plain.name)).unwrap();
        fs::write(path(&first, &sealed.name), b"hong").unwrap();
        assert!(matches!(blobs.check(&plain.name).await, Err(BlobError::Missing(_))), "fixity looks at one copy");
        assert_eq!(blobs.get(&plain.name, false, &plain.sha256).await.unwrap(), b"trang 4");
        assert_eq!(blobs.get(&sealed.name, true, &sealed.sha256).await.unwrap(), SECRET);
        assert_eq!(blobs.check(&plain.name).await.unwrap(), 7, "mended by the read");
        assert!(blobs.check(&sealed.name).await.is_ok(), "mended by the read");

        // Damage in the replica is found by checking it, and mended from the first copy.
        let replica = blobs.replica().unwrap();
        fs::write(path(&second, &plain.name), b"hong").unwrap();
        assert!(matches!(replica.check(&plain.name).await, Err(BlobError::Corrupt(_))));
        assert_eq!(replica.repair_from(&blobs, &plain.name).await.unwrap(), 7);
        assert!(replica.check(&plain.name).await.is_ok());

        // Both copies lost: the read says so.
        fs::remove_file(path(&first, &plain.name)).unwrap();
        fs::remove_file(path(&second, &plain.name)).unwrap();
        assert!(matches!(blobs.get(&plain.name, false, &plain.sha256).await, Err(BlobError::Missing(_))));
    }

    /// On Garage keeping three copies, the cluster's own replication is the second copy: Kho reads
    /// it from the admin API, sees a node stop (degraded, still readable) and come back, and says that a
    /// single node, or a wrong token, gives none.
    #[tokio::test]
    async fn a_cluster_keeping_three_copies_is_the_second_copy_and_a_stopped_node_is_seen() {
        let Some((config, admin)) = ClusterAdmin::test_cluster() else { return };
        let blobs = Blobs::s3(&config, None).unwrap().with_cluster(admin.clone());
        let content = format!("trang quét {:?}", std::time::SystemTime::now()).into_bytes();
        let stored = blobs.put(content.clone(), false).await.unwrap();
        let healthy = async || {
            for _ in 0..150 {
                if let Ok(said) = blobs.second_copy().await {
                    return said;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            blobs.second_copy().await.unwrap()
        };
        let said = healthy().await;
        assert!(said.contains("3 bản") && said.contains("3/3"), "{said}");

        let var = |name: &str| std::env::var(name).unwrap();
        let one = ClusterAdmin { endpoint: var("KHO_TEST_S3_ADMIN_ENDPOINT"), token: var("KHO_TEST_S3_ADMIN_TOKEN") };
        let single = Blobs::s3(&S3Config::test_server().unwrap(), None).unwrap().with_cluster(one);
        assert!(single.second_copy().await.unwrap_err().contains("không có bản thứ hai"), "one node keeps one copy");
        let wrong = Blobs::s3(&config, None).unwrap().with_cluster(ClusterAdmin { token: "sai".into(), ..admin.clone() });
        assert!(wrong.second_copy().await.unwrap_err().contains("403"), "a wrong token is said");
        let alone = Blobs::s3(&config, None).unwrap();
        assert!(alone.second_copy().await.unwrap_err().contains("--replica-dir"), "nothing configured is said");

        // One node of three stops: the cluster is degraded, says so, and still reads.
        let pid = var("KHO_TEST_GARAGE3_SPARE_PID");
        assert!(std::process::Command::new("kill").arg(&pid).status().unwrap().success(), "node {pid} stopped");
        let mut seen = String::new();
        for _ in 0..100 {
            match blobs.second_copy().await {
                Err(e) if e.contains("suy giảm") => {
                    seen = e;
                    break;
                }
                _ => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            }
        }
        assert!(seen.contains("2/3 máy lưu trữ"), "degraded: {seen}");
        assert_eq!(blobs.get(&stored.name, false, &stored.sha256).await.unwrap(), content, "two copies of three still answer");

        // Started again and called back by the first node, it rejoins and the cluster is whole
        // (and stays so for whoever comes next).
        let spare = var("KHO_TEST_GARAGE3_SPARE_CONFIG");
        let log = std::fs::File::create(std::env::temp_dir().join("kho-garage-spare.log")).unwrap();
        // The node outlives this test, as its cluster does; the test command stops it.
        #[allow(clippy::zombie_processes)]
        let _node = std::process::Command::new("garage")
            .args(["-c", &spare, "server"])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let garage = |config: &str, args: &[&str]| std::process::Command::new("garage").arg("-c").arg(config).args(args).output().unwrap();
        let mut node = String::new();
        for _ in 0..100 {
            let id = garage(&spare, &["node", "id", "-q"]);
            node = String::from_utf8_lossy(&id.stdout).trim().to_string();
            if id.status.success() && garage(&var("KHO_TEST_GARAGE3_FIRST_CONFIG"), &["node", "connect", &node]).status.success() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(healthy().await.contains("3/3"), "whole again after {node} rejoined");
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
