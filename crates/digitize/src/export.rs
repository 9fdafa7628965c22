//! A batch's signed copies taken out whole: which copies there are, a page of the batch's queue
//! at a time and in its order, each with its label, and the manifest that lists them. `kho batch
//! export` writes them into a folder; `GET /api/v1/batches/{id}/export` streams them as a ZIP.
//! Copies of classified records never leave this way: they are named in the manifest as withheld
//! and stay in the enclave.

use kho_model::access::{Label, Visibility};
use kho_store::{Rendition, Store, StoreError};

/// Hồ sơ read per step of an export.
const STEP: i64 = 100;

/// One signed copy of a batch: its hồ sơ's mã hồ sơ, the copy, and its label (its fonds, its hồ
/// sơ and the văn bản it carries).
pub struct Copy {
    pub file_code: String,
    pub rendition: Rendition,
    pub label: Label,
    pub place: kho_model::access::FondsPlace,
}

impl Copy {
    /// Classified copies are not exported in bulk.
    pub fn withheld(&self) -> bool {
        self.label.classification.is_classified()
    }
}

/// The copies of the hồ sơ of a batch `visibility` allows, `STEP` hồ sơ from after `after` in the
/// batch's order, and the hồ sơ to continue after when there are more.
pub async fn copies(
    store: &Store,
    visibility: &Visibility,
    batch: i64,
    after: Option<i64>,
) -> Result<(Vec<Copy>, Option<i64>), StoreError> {
    let page = store.batch_queue(visibility, batch, after, STEP, None).await?;
    let mut copies = vec![];
    for entry in page.entries.iter().filter(|e| e.renditions > 0) {
        let dossier = store.dossier(entry.dossier_id).await?;
        let (place, labels) = store.rendition_labels(&dossier).await?;
        for rendition in store.renditions(dossier.id).await? {
            let label = labels.get(&rendition.id).copied().unwrap_or_default();
            copies.push(Copy { file_code: entry.file_code.clone(), rendition, label, place: place.clone() });
        }
    }
    Ok((copies, page.next))
}

/// The manifest's first line: tệp, mã hồ sơ, số trang, SHA-256, dung lượng, đã ký số, thời gian.
pub const MANIFEST_HEADER: &str = "tep,ma_ho_so,so_trang,sha256,dung_luong,da_ky_so,thoi_gian\n";

/// The manifest's line for a copy exported as `name`; a withheld copy is named, without its
/// checksum.
pub fn manifest_line(copy: &Copy, name: &str) -> String {
    let r = &copy.rendition;
    if copy.withheld() {
        return format!("{name},{},{},,,{},{WITHHELD}\n", copy.file_code, r.pages, signed(r));
    }
    format!("{name},{},{},{},{},{},{}\n", copy.file_code, r.pages, r.sha256, r.size, signed(r), kho_model::vn::moment(&r.created_at))
}

/// The names copies are exported under: each copy's own file name, and where two hồ sơ share a
/// mã hồ sơ (a warning at import, not an error), the second gets its copy's number after it. The
/// batch's order is fixed, so an export run again names every copy as before.
#[derive(Default)]
pub struct Names(std::collections::HashSet<String>);

impl Names {
    pub fn unique(&mut self, copy: &Copy) -> String {
        let name = &copy.rendition.file_name;
        if self.0.insert(name.clone()) {
            return name.clone();
        }
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name, "pdf"));
        let renamed = format!("{stem}-{}.{extension}", copy.rendition.id);
        self.0.insert(renamed.clone());
        renamed
    }
}

/// Why a classified copy is not in the export.
pub const WITHHELD: &str = "không xuất: tài liệu mật, chỉ lấy ra trong mạng LAN độc lập";

fn signed(r: &Rendition) -> &'static str {
    if r.file.signed { "có" } else { "không" }
}
