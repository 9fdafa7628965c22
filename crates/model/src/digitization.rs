//! Số hóa: the plan's order of work, what kind of original a batch holds (and so what its scans
//! must reach), and how a scanner's file name says which hồ sơ and văn bản it is.

use crate::codes::Maintenance;
use crate::text::fold;

/// Where a hồ sơ stands in the queue and why, by the plan's priorities: permanent retention
/// first, then land, civil status, finance–budget, the 2025 reorganisation, then records in
/// frequent use, then the rest. Lower ranks go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    pub rank: i64,
    pub reason: &'static str,
}

/// Words (folded) that put a title in a priority group.
const GROUPS: &[(i64, &str, &[&str])] = &[
    (2, "Đất đai", &["dat dai", "giao dat", "thu hoi dat", "cho thue dat", "quyen su dung dat", "dia chinh", "ban do dia chinh"]),
    (3, "Hộ tịch", &["ho tich", "khai sinh", "khai tu", "ket hon", "nhan cha", "nuoi con nuoi", "giam ho"]),
    (4, "Tài chính – ngân sách", &["ngan sach", "tai chinh", "quyet toan", "du toan", "thu chi"]),
    (5, "Sắp xếp tổ chức năm 2025", &["sap xep", "sap nhap", "hop nhat", "giai the", "to chuc lai", "don vi hanh chinh"]),
];

const PERMANENT: Priority = Priority { rank: 1, reason: "Bảo quản vĩnh viễn" };
const FREQUENT_USE: Priority = Priority { rank: 6, reason: "Thường xuyên được khai thác" };
const THE_REST: Priority = Priority { rank: 7, reason: "Các hồ sơ còn lại" };

/// Every priority of the plan, in order.
pub fn priorities() -> Vec<Priority> {
    let mut all = vec![PERMANENT];
    all.extend(GROUPS.iter().map(|(rank, reason, _)| Priority { rank: *rank, reason }));
    all.extend([FREQUENT_USE, THE_REST]);
    all
}

pub fn priority(title: &str, maintenance: Maintenance, frequent_use: bool) -> Priority {
    if maintenance == Maintenance::Permanent {
        return PERMANENT;
    }
    let folded = fold(title);
    for (rank, reason, words) in GROUPS {
        if words.iter().any(|w| folded.contains(w)) {
            return Priority { rank: *rank, reason };
        }
    }
    if frequent_use { FREQUENT_USE } else { THE_REST }
}

crate::codes::code_list! {
    /// What a batch's originals are: it sets the resolution and colour its scans must reach
    /// (TT 05/2025: ≥ 200 dpi for administrative papers, ≥ 300 dpi for maps and drawings,
    /// colour as in the original, ≥ 24-bit). An administrative paper carries a red seal and
    /// signatures in coloured ink: a grey or black-and-white master of one is flagged, unless
    /// the batch says its originals have no colour.
    OriginalKind {
        Text = "text": "Văn bản hành chính",
        Monochrome = "mono": "Văn bản đen trắng (bản gốc không có màu)",
        Colour = "colour": "Tài liệu có màu",
        Map = "map": "Bản đồ, bản vẽ",
    }
}

impl OriginalKind {
    /// Every kind by its code and label, for a message that lists them.
    pub fn choices() -> String {
        OriginalKind::ALL.iter().map(|k| format!("{} ({})", k.code(), k.label().to_lowercase())).collect::<Vec<_>>().join(", ")
    }

    pub fn min_dpi(self) -> u32 {
        match self {
            OriginalKind::Map => 300,
            _ => 200,
        }
    }

    /// A grey or black-and-white master is sent back to be scanned again.
    pub fn needs_colour(self) -> bool {
        matches!(self, OriginalKind::Colour | OriginalKind::Map)
    }

    /// A grey or black-and-white master is kept but flagged: the original is expected to carry
    /// colour (a seal, a signature) though the text itself is black.
    pub fn expects_colour(self) -> bool {
        self != OriginalKind::Monochrome
    }
}

/// What a scanned file's name says: `<mã hồ sơ>.<ext>` is the whole hồ sơ,
/// `<mã hồ sơ>.<STT>.<ext>` its văn bản number STT (TT 05/2025 naming).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanName {
    pub file_code: String,
    pub ordinal: Option<u32>,
}

/// Reads a file name against the codes Kho knows (`known` answers whether a mã hồ sơ exists).
/// `None` when the name maps to no hồ sơ.
pub fn scan_name(file_name: &str, known: impl Fn(&str) -> bool) -> Option<ScanName> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem: String =
        unicode_normalization::UnicodeNormalization::nfc(base.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(base).trim()).collect();
    let stem = stem.as_str();
    if known(stem) {
        return Some(ScanName { file_code: stem.to_string(), ordinal: None });
    }
    let (code, ordinal) = stem.rsplit_once('.')?;
    let ordinal: u32 = ordinal.parse().ok().filter(|n| *n > 0)?;
    known(code).then(|| ScanName { file_code: code.to_string(), ordinal: Some(ordinal) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_orders_permanent_then_land_civil_status_finance_reorganisation() {
        let p = |title, m, f| priority(title, m, f).rank;
        assert_eq!(p("Tập lưu công văn đi", Maintenance::Permanent, false), 1);
        assert_eq!(p("Hồ sơ giao đất tại bản Co Mận", Maintenance::Years20, false), 2);
        assert_eq!(p("SỔ ĐĂNG KÝ KHAI SINH năm 2019", Maintenance::Years50, false), 3);
        assert_eq!(p("Báo cáo quyết toán ngân sách xã", Maintenance::Years10, false), 4);
        assert_eq!(p("Đề án sắp xếp đơn vị hành chính cấp xã", Maintenance::Years20, false), 5);
        assert_eq!(p("Sổ theo dõi công văn", Maintenance::Years10, true), 6);
        assert_eq!(p("Sổ theo dõi công văn", Maintenance::Years10, false), 7);
        assert_eq!(priority("Hồ sơ giao đất", Maintenance::Years20, false).reason, "Đất đai");
    }

    #[test]
    fn a_scanners_file_name_maps_to_its_hồ_sơ_and_văn_bản() {
        let known = |c: &str| c == "H49.64.33.2025.15";
        assert_eq!(scan_name("H49.64.33.2025.15.tif", known), Some(ScanName { file_code: "H49.64.33.2025.15".into(), ordinal: None }));
        assert_eq!(
            scan_name("lo1/H49.64.33.2025.15.3.jpg", known),
            Some(ScanName { file_code: "H49.64.33.2025.15".into(), ordinal: Some(3) })
        );
        assert_eq!(scan_name("H49.64.33.2025.16.1.tif", known), None, "unknown hồ sơ");
        assert_eq!(scan_name("H49.64.33.2025.15.x.tif", known), None, "STT not a number");
        assert_eq!(scan_name("H49.64.33.2025.15.0.tif", known), None, "STT counts from 1");
        assert_eq!(scan_name("scan0001.tif", known), None);
    }
}
