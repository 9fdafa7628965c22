//! The closed code lists of TT 05/2025/TT-BNV (Phụ lục I), and Kho's own small enumerations.
//!
//! Each list serialises as its two-digit code ("01"), the form TT05 packages carry; the label is
//! what a Vietnamese reader sees.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code TT05 writes, e.g. "01".
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Vietnamese label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Accepts the code ("01", also "1" as spreadsheets write it).
            pub fn from_code(code: &str) -> Option<Self> {
                let code = code.trim();
                let padded;
                let code = if code.len() == 1 && code.as_bytes()[0].is_ascii_digit() {
                    padded = format!("0{code}");
                    padded.as_str()
                } else {
                    code
                };
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Parses a required code field, naming the field and the allowed codes when refused.
            pub fn parse_field(field: &str, label: &str, input: &str) -> Result<Self, $crate::error::FieldError> {
                let trimmed = input.trim();
                if trimmed.is_empty() {
                    return Err($crate::error::FieldError::required(field, label));
                }
                Self::from_code(trimmed).ok_or_else(|| $crate::error::FieldError::new(
                    field,
                    "unknown_code",
                    format!("{label}: mã “{trimmed}” không có trong danh mục ({}).",
                        Self::ALL.iter().map(|v| format!("{} {}", v.code(), v.label())).collect::<Vec<_>>().join("; ")),
                ))
            }

            /// Like [`Self::parse_field`], but empty means absent.
            pub fn parse_optional(field: &str, label: &str, input: &str) -> Result<Option<Self>, $crate::error::FieldError> {
                if input.trim().is_empty() { Ok(None) } else { Self::parse_field(field, label, input).map(Some) }
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> &'static str { value.code() }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(code: String) -> Result<Self, String> {
                $name::from_code(&code).ok_or_else(|| format!("mã “{code}” không có trong danh mục"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use code_list;

code_list! {
    /// Thời hạn bảo quản (TT05 `maintenance`).
    Maintenance {
        Permanent = "01": "Vĩnh viễn",
        Years70 = "02": "70 năm",
        Years50 = "03": "50 năm",
        Years30 = "04": "30 năm",
        Years20 = "05": "20 năm",
        Years10 = "06": "10 năm",
        Other = "07": "Khác",
    }
}

/// A retention as the finding aid writes it: "Vĩnh viễn", "20 năm", and for code 07 its own
/// number of years ("5 năm") or "Khác" when it has none.
pub fn retention_label(maintenance: Maintenance, years: Option<u16>) -> String {
    match (maintenance, years) {
        (Maintenance::Other, Some(years)) => format!("{years} năm"),
        (m, _) => m.label().to_string(),
    }
}

impl Maintenance {
    /// Years of retention, `None` for permanent or other.
    pub fn years(self) -> Option<u16> {
        match self {
            Maintenance::Years70 => Some(70),
            Maintenance::Years50 => Some(50),
            Maintenance::Years30 => Some(30),
            Maintenance::Years20 => Some(20),
            Maintenance::Years10 => Some(10),
            Maintenance::Permanent | Maintenance::Other => None,
        }
    }
}

code_list! {
    /// Chế độ sử dụng (TT05 `mode`). Mode 03 says access is closed; the state-secret level itself
    /// is [`Classification`], a separate field.
    Mode {
        Public = "01": "Công khai",
        Conditional = "02": "Sử dụng có điều kiện",
        Secret = "03": "Mật",
    }
}

code_list! {
    /// Ngôn ngữ (TT05 `language`).
    Language {
        Vietnamese = "01": "Tiếng Việt",
        English = "02": "Tiếng Anh",
        French = "03": "Tiếng Pháp",
        Russian = "04": "Tiếng Nga",
        Chinese = "05": "Tiếng Trung",
        VietnameseEnglish = "06": "Việt - Anh",
        VietnameseRussian = "07": "Việt - Nga",
        VietnameseFrench = "08": "Việt - Pháp",
        HanNom = "09": "Hán Nôm",
        VietnameseChinese = "10": "Việt - Trung",
        Other = "11": "Khác",
    }
}

code_list! {
    /// Tình trạng vật lý (TT05 `format`).
    PhysicalState {
        Good = "01": "Tốt",
        Normal = "02": "Bình thường",
        Damaged = "03": "Hỏng",
    }
}

code_list! {
    /// Mức độ tin cậy (TT05 `confidenceLevel`).
    ConfidenceLevel {
        BornDigital = "01": "Gốc điện tử",
        Digitized = "02": "Số hóa",
        Mixed = "03": "Hỗn hợp",
    }
}

code_list! {
    /// Tình trạng dự phòng (TT05 `riskRecoveryStatus`).
    RiskRecoveryStatus {
        Done = "01": "Đã dự phòng",
        NotDone = "02": "Chưa dự phòng",
    }
}

code_list! {
    /// Tên loại văn bản (TT05 `typeName`).
    DocumentType {
        Resolution = "01": "Nghị quyết",
        Decision = "02": "Quyết định",
        Directive = "03": "Chỉ thị",
        Statute = "04": "Quy chế",
        Regulation = "05": "Quy định",
        Communique = "06": "Thông cáo",
        Notice = "07": "Thông báo",
        Guidance = "08": "Hướng dẫn",
        Programme = "09": "Chương trình",
        Plan = "10": "Kế hoạch",
        Scheme = "11": "Phương án",
        Proposal = "12": "Đề án",
        Project = "13": "Dự án",
        Report = "14": "Báo cáo",
        Submission = "15": "Tờ trình",
        PowerOfAttorney = "16": "Giấy ủy quyền",
        DispatchSlip = "17": "Phiếu gửi",
        TransferSlip = "18": "Phiếu chuyển",
        NoticeSlip = "19": "Phiếu báo",
        Minutes = "20": "Biên bản",
        Contract = "21": "Hợp đồng",
        OfficialLetter = "22": "Công văn",
        Telegram = "23": "Công điện",
        Memorandum = "24": "Bản ghi nhớ",
        Agreement = "25": "Bản thỏa thuận",
        Invitation = "26": "Giấy mời",
        Introduction = "27": "Giấy giới thiệu",
        LeavePermit = "28": "Giấy nghỉ phép",
        PublicLetter = "29": "Thư công",
        Map = "30": "Bản đồ",
        TechnicalDrawing = "31": "Bản vẽ kỹ thuật",
        Other = "32": "Khác",
    }
}

code_list! {
    /// Độ mật (state-secret level). Separate from [`Mode`]: a record may be mode 03 for reasons
    /// other than a state secret, and the level decides who may know the record exists at all.
    Classification {
        None = "00": "Không mật",
        Confidential = "01": "Mật",
        Secret = "02": "Tối mật",
        TopSecret = "03": "Tuyệt mật",
    }
}

impl Classification {
    /// 0 for unclassified up to 3 for Tuyệt mật; clearances compare on this.
    pub fn level(self) -> i64 {
        match self {
            Classification::None => 0,
            Classification::Confidential => 1,
            Classification::Secret => 2,
            Classification::TopSecret => 3,
        }
    }

    pub fn from_level(level: i64) -> Option<Self> {
        Classification::ALL.iter().copied().find(|c| c.level() == level)
    }

    pub fn is_classified(self) -> bool {
        self != Classification::None
    }
}

code_list! {
    /// Trạng thái phông: a closed fonds (phông đóng) no longer grows; its mã phông replaces the
    /// agency identifier in mã hồ sơ.
    FondsStatus {
        Open = "01": "Mở",
        Closed = "02": "Đóng",
    }
}

code_list! {
    /// What kind of organisation a unit is.
    UnitKind {
        ProvinceArchive = "01": "Lưu trữ lịch sử tỉnh",
        Commune = "02": "Xã",
        Ward = "03": "Phường",
        FormerDistrict = "04": "Huyện (trước sắp xếp)",
        FormerTown = "05": "Thị xã (trước sắp xếp)",
        FormerCity = "06": "Thành phố (trước sắp xếp)",
        DistrictAgency = "07": "Cơ quan chuyên môn cấp huyện",
        ProvincialAgency = "08": "Cơ quan cấp tỉnh",
    }
}

impl UnitKind {
    /// The plan appendices' `loai` column: huyen, thi_xa, thanh_pho, xa, phuong.
    pub fn from_plan_kind(kind: &str) -> Option<Self> {
        match kind.trim() {
            "huyen" => Some(UnitKind::FormerDistrict),
            "thi_xa" => Some(UnitKind::FormerTown),
            "thanh_pho" => Some(UnitKind::FormerCity),
            "xa" => Some(UnitKind::Commune),
            "phuong" => Some(UnitKind::Ward),
            _ => None,
        }
    }

    /// A former district-level unit, dissolved on 01/7/2025.
    pub fn is_former_district(self) -> bool {
        matches!(self, UnitKind::FormerDistrict | UnitKind::FormerTown | UnitKind::FormerCity)
    }
}

/// One or more languages (TT05 allows several), written "01,06".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Languages(Vec<Language>);

impl Languages {
    pub fn vietnamese() -> Self {
        Languages(vec![Language::Vietnamese])
    }

    pub fn parse_field(field: &str, label: &str, input: &str) -> Result<Self, FieldError> {
        let mut languages = Vec::new();
        for part in input.split([',', ';', ' ']).filter(|p| !p.trim().is_empty()) {
            let language = Language::parse_field(field, label, part)?;
            if !languages.contains(&language) {
                languages.push(language);
            }
        }
        if languages.is_empty() {
            return Err(FieldError::required(field, label));
        }
        Ok(Languages(languages))
    }

    pub fn as_slice(&self) -> &[Language] {
        &self.0
    }

    pub fn codes(&self) -> String {
        self.0.iter().map(|l| l.code()).collect::<Vec<_>>().join(",")
    }

    pub fn labels(&self) -> String {
        self.0.iter().map(|l| l.label()).collect::<Vec<_>>().join(", ")
    }
}

impl From<Languages> for String {
    fn from(value: Languages) -> String {
        value.codes()
    }
}

impl TryFrom<String> for Languages {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Languages::parse_field("language", "Ngôn ngữ", &value).map_err(|e| e.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lists_have_tt05_sizes() {
        assert_eq!(Maintenance::ALL.len(), 7);
        assert_eq!(Mode::ALL.len(), 3);
        assert_eq!(Language::ALL.len(), 11);
        assert_eq!(PhysicalState::ALL.len(), 3);
        assert_eq!(ConfidenceLevel::ALL.len(), 3);
        assert_eq!(DocumentType::ALL.len(), 32);
        assert_eq!(DocumentType::OfficialLetter.code(), "22");
        assert_eq!(DocumentType::Other.code(), "32");
    }

    #[test]
    fn codes_parse_with_or_without_padding_and_unknown_is_refused() {
        assert_eq!(Maintenance::from_code("1"), Some(Maintenance::Permanent));
        assert_eq!(Maintenance::from_code("06"), Some(Maintenance::Years10));
        let error = Maintenance::parse_field("maintenance", "Thời hạn bảo quản", "08").unwrap_err();
        assert_eq!(error.code, "unknown_code");
        assert!(error.message.contains("“08”"), "{}", error.message);
    }

    #[test]
    fn languages_are_several_codes() {
        let languages = Languages::parse_field("language", "Ngôn ngữ", "01, 09").unwrap();
        assert_eq!(languages.codes(), "01,09");
        assert_eq!(languages.labels(), "Tiếng Việt, Hán Nôm");
        assert!(Languages::parse_field("language", "Ngôn ngữ", "12").is_err());
    }

    #[test]
    fn codes_serialise_as_tt05_codes() {
        assert_eq!(serde_json::to_string(&Mode::Conditional).unwrap_or_default(), "\"02\"");
    }
}
