//! Chỉnh lý of a fonds per TT 16/2023/TT-BNV: the 23 steps tracked one by one, and the phương án
//! phân loại (classification scheme: groups in Roman numerals, subgroups in Arabic numerals).

use crate::error::FieldError;
use crate::text::clean;
use serde::{Deserialize, Serialize};

/// The steps of chỉnh lý tài liệu nền giấy (TT 16/2023/TT-BNV), in order.
pub const STEPS: [&str; 23] = [
    "Giao nhận tài liệu và lập biên bản giao nhận",
    "Vận chuyển tài liệu từ kho bảo quản đến địa điểm chỉnh lý",
    "Vệ sinh sơ bộ tài liệu",
    "Khảo sát tài liệu; báo cáo khảo sát, kế hoạch chỉnh lý, lịch sử đơn vị hình thành phông và lịch sử phông, hướng dẫn phân loại, lập hồ sơ và xác định giá trị",
    "Phân loại tài liệu theo phương án phân loại",
    "Lập hồ sơ hoặc chỉnh sửa, hoàn thiện hồ sơ; xác định thời hạn bảo quản",
    "Viết phiếu tin",
    "Kiểm tra, chỉnh sửa hồ sơ và phiếu tin",
    "Hệ thống hóa phiếu tin theo phương án phân loại",
    "Hệ thống hóa hồ sơ theo phiếu tin",
    "Biên mục hồ sơ: đánh số tờ (thời hạn từ 20 năm), mục lục văn bản (hồ sơ vĩnh viễn), bìa và chứng từ kết thúc",
    "Kiểm tra và chỉnh sửa việc biên mục hồ sơ",
    "Ghi số hồ sơ chính thức vào phiếu tin và bìa hồ sơ",
    "Vệ sinh tài liệu, tháo bỏ ghim, kẹp, làm phẳng và đưa tài liệu vào bìa hồ sơ",
    "Đưa hồ sơ vào hộp (cặp)",
    "Viết và dán nhãn hộp (cặp)",
    "Vận chuyển tài liệu vào kho và xếp lên giá",
    "Giao nhận tài liệu sau chỉnh lý và lập biên bản giao nhận",
    "Nhập phiếu tin vào cơ sở dữ liệu",
    "Kiểm tra, chỉnh sửa việc nhập phiếu tin",
    "Lập mục lục hồ sơ (viết lời nói đầu, in và đóng quyển 03 bộ)",
    "Thống kê, bó gói, lập danh mục và viết bản thuyết minh tài liệu loại",
    "Kết thúc chỉnh lý: bàn giao hồ sơ phông, viết báo cáo tổng kết",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

impl StepStatus {
    pub const ALL: [StepStatus; 3] = [StepStatus::NotStarted, StepStatus::InProgress, StepStatus::Done];

    pub fn code(self) -> &'static str {
        match self {
            StepStatus::NotStarted => "chua_lam",
            StepStatus::InProgress => "dang_lam",
            StepStatus::Done => "da_xong",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepStatus::NotStarted => "Chưa làm",
            StepStatus::InProgress => "Đang làm",
            StepStatus::Done => "Đã xong",
        }
    }

    pub fn from_code(code: &str) -> Option<StepStatus> {
        StepStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A group of the scheme (I, II, …) and its subgroups (1, 2, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeGroup {
    pub numeral: String,
    pub title: String,
    pub subgroups: Vec<(u32, String)>,
}

fn roman_value(numeral: &str) -> Option<u32> {
    let value = |c| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        _ => None,
    };
    let digits: Vec<u32> = numeral.chars().map(value).collect::<Option<_>>()?;
    let mut total = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) { total -= *d as i64 } else { total += *d as i64 }
    }
    (total > 0).then_some(total as u32)
}

/// Reads a scheme written one heading a line — "I. Tổ chức, cán bộ", "1. Văn phòng" — checking
/// that groups run I, II, III … and subgroups 1, 2, 3 … within each group.
pub fn parse_scheme(text: &str) -> Result<Vec<SchemeGroup>, FieldError> {
    let mut groups: Vec<SchemeGroup> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = clean(raw);
        if line.is_empty() {
            continue;
        }
        let refuse =
            |message: String| FieldError::new("scheme", "invalid_scheme", format!("Phương án phân loại, dòng {}: {message}", i + 1));
        let (head, title) = line
            .split_once(['.', ')'])
            .map(|(h, t)| (h.trim(), t.trim()))
            .ok_or_else(|| refuse(format!("“{line}” cần bắt đầu bằng số La Mã (I., II.) hoặc số (1., 2.)")))?;
        if title.is_empty() {
            return Err(refuse("thiếu tên nhóm.".into()));
        }
        if let Ok(n) = head.parse::<u32>() {
            let group = groups.last_mut().ok_or_else(|| refuse("nhóm nhỏ phải nằm dưới một nhóm lớn (I, II, …).".into()))?;
            let expected = group.subgroups.len() as u32 + 1;
            if n != expected {
                return Err(refuse(format!("nhóm nhỏ số {n} nhưng đang chờ số {expected}.")));
            }
            group.subgroups.push((n, title.to_string()));
        } else if let Some(value) = roman_value(head) {
            let expected = groups.len() as u32 + 1;
            if value != expected {
                return Err(refuse(format!("nhóm lớn {head} nhưng đang chờ nhóm thứ {expected}.")));
            }
            groups.push(SchemeGroup { numeral: head.to_string(), title: title.to_string(), subgroups: vec![] });
        } else {
            return Err(refuse(format!("“{head}” không phải số La Mã hay số thứ tự.")));
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_23_steps() {
        assert_eq!(STEPS.len(), 23);
        assert!(STEPS[20].contains("03 bộ"));
    }

    #[test]
    fn a_scheme_reads_groups_and_subgroups_in_order() {
        let scheme = parse_scheme(
            "I. Tổ chức, cán bộ\n1. Văn phòng\n2. Nội vụ\n\nII. Đất đai\n1. Giao đất\nIII. Tư pháp - hộ tịch\nIV. Tài chính\nIX) Khác",
        )
        .unwrap_err();
        assert!(scheme.message.contains("dòng 9"), "{}", scheme.message);
        let scheme = parse_scheme("I. Tổ chức, cán bộ\n1. Văn phòng\n2. Nội vụ\nII. Đất đai\n1. Giao đất").unwrap();
        assert_eq!(scheme.len(), 2);
        assert_eq!(scheme[0].subgroups, vec![(1, "Văn phòng".to_string()), (2, "Nội vụ".to_string())]);
        assert!(parse_scheme("1. Văn phòng").is_err());
        assert!(parse_scheme("I. A\n2. B").is_err());
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(group_rank(Some("II.3")), (2, 3));
        assert_eq!(group_rank(Some("III. ĐẤT ĐAI")), (3, 0));
        assert_eq!(group_rank(None), (u32::MAX, u32::MAX));
    }
}

/// The choices a phiếu tin offers for its group: ("I", "I. Tổ chức"), ("I.1", "I.1. Văn phòng") …
pub fn scheme_choices(groups: &[SchemeGroup]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in groups {
        out.push((g.numeral.clone(), format!("{}. {}", g.numeral, g.title)));
        for (n, title) in &g.subgroups {
            out.push((format!("{}.{n}", g.numeral), format!("{}.{n}. {title}", g.numeral)));
        }
    }
    out
}

/// Where a group written "I.2", "II" or "III. ĐẤT ĐAI" falls in the scheme's order: (group,
/// subgroup); unknown groups sort last.
pub fn group_rank(group: Option<&str>) -> (u32, u32) {
    let Some(text) = group.map(str::trim) else { return (u32::MAX, u32::MAX) };
    let numeral: String = text.chars().take_while(|c| "IVXLC".contains(*c)).collect();
    let Some(major) = roman_value(&numeral) else { return (u32::MAX, u32::MAX) };
    let rest = &text[numeral.len()..];
    let minor = rest
        .strip_prefix('.')
        .map(|r| r.chars().take_while(|c| c.is_ascii_digit()).collect::<String>())
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    (major, minor)
}

/// What TT 16/2023 asks of a hồ sơ at biên mục, and what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BienMucGap {
    pub code: &'static str,
    pub message: String,
}

/// The biên mục rules: sheets numbered (số tờ recorded) when retention is 20 years or more or
/// permanent; a mục lục văn bản (văn bản listed) for every permanent hồ sơ.
pub fn bien_muc_gaps(maintenance: crate::codes::Maintenance, number_of_paper: Option<u32>, documents_listed: i64) -> Vec<BienMucGap> {
    use crate::codes::Maintenance;
    let mut gaps = Vec::new();
    let long = matches!(
        maintenance,
        Maintenance::Permanent | Maintenance::Years70 | Maintenance::Years50 | Maintenance::Years30 | Maintenance::Years20
    );
    if long && number_of_paper.is_none_or(|n| n == 0) {
        gaps.push(BienMucGap {
            code: "sheets_not_numbered",
            message: "chưa đánh số tờ (bắt buộc với hồ sơ bảo quản từ 20 năm trở lên)".into(),
        });
    }
    if maintenance == Maintenance::Permanent && documents_listed == 0 {
        gaps.push(BienMucGap {
            code: "no_document_list",
            message: "chưa có mục lục văn bản (bắt buộc với hồ sơ bảo quản vĩnh viễn)".into(),
        });
    }
    gaps
}
