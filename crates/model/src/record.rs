//! The records of the catalogue: units, fonds, mục lục, hồ sơ, văn bản, boxes, locations, pages.
//!
//! Each editable record has an *input* (what a form or a JSON body carries, all text, TT05 element
//! names) and *fields* (what the input parses into; only valid values). Inputs become fields in one
//! pass that reports every refused field at once.

use crate::codes::*;
use crate::date::{self, ArchiveDate};
use crate::error::{Collector, FieldError, Invalid};
use crate::ids::{AgencyCode, CodePrefix, DossierCode, FileNotation, FondsCode};
use crate::text;
use serde::{Deserialize, Deserializer, Serialize};

/// Accepts a JSON string, number, boolean or null as text, so that API clients may send
/// `"totalDoc": 12` or `"totalDoc": "12"` and forms their strings alike.
pub fn text_like<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextLike {
        Text(String),
        Int(i64),
        Float(f64),
        Bool(bool),
        Null,
    }
    Ok(match Option::<TextLike>::deserialize(deserializer)? {
        Some(TextLike::Text(s)) => s,
        Some(TextLike::Int(n)) => n.to_string(),
        Some(TextLike::Float(n)) => n.to_string(),
        Some(TextLike::Bool(b)) => if b { "1" } else { "0" }.to_string(),
        Some(TextLike::Null) | None => String::new(),
    })
}

fn flag(field: &str, label: &str, input: &str) -> Result<bool, FieldError> {
    match input.trim().to_lowercase().as_str() {
        "" | "0" | "false" | "không" | "off" => Ok(false),
        "1" | "true" | "có" | "on" => Ok(true),
        other => Err(FieldError::new(field, "invalid_flag", format!("{label}: “{other}” phải là 1 (có) hoặc 0 (không)."))),
    }
}

/// An organisation: the province archive, a commune or ward, a former district, an agency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
    /// Mã định danh điện tử, when the unit has one.
    pub agency_code: Option<AgencyCode>,
    /// Administrative code before 01/7/2025 (QĐ 124/2004), kept on dissolved bodies' fonds.
    pub old_admin_code: Option<String>,
    /// Administrative code from 01/7/2025 (QĐ 19/2025: 5 digits for a commune).
    pub new_admin_code: Option<String>,
    /// The day the unit was dissolved (ISO), for former districts 2025-07-01.
    pub dissolved_on: Option<String>,
    pub successor_id: Option<i64>,
    /// Cơ quan chủ quản trực tiếp, the first line of the unit's papers (NĐ 30/2020): e.g. "Sở
    /// Nội vụ tỉnh Điện Biên" above "Trung tâm Lưu trữ lịch sử". None for a UBND.
    pub parent_body: Option<String>,
}

/// A unit's description as a form gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct UnitInput {
    #[serde(deserialize_with = "text_like")]
    pub name: String,
    #[serde(deserialize_with = "text_like")]
    pub kind: String,
    #[serde(deserialize_with = "text_like")]
    pub agency_code: String,
    #[serde(deserialize_with = "text_like")]
    pub old_admin_code: String,
    #[serde(deserialize_with = "text_like")]
    pub new_admin_code: String,
    #[serde(deserialize_with = "text_like")]
    pub dissolved_on: String,
    #[serde(deserialize_with = "text_like")]
    pub successor_id: String,
    #[serde(deserialize_with = "text_like")]
    pub parent_body: String,
}

fn admin_code(field: &str, label: &str, input: &str) -> Result<Option<String>, FieldError> {
    let code = text::clean(input);
    if code.is_empty() {
        return Ok(None);
    }
    if !(2..=5).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(
            field,
            "invalid_admin_code",
            format!("{label}: “{code}” phải gồm 2 đến 5 chữ số (tỉnh 2 số, huyện 3 số, xã 5 số)."),
        ));
    }
    Ok(Some(code))
}

impl UnitInput {
    pub fn parse(&self, id: i64) -> Result<NewUnit, Invalid> {
        let mut c = Collector::default();
        let name = c.take(text::required("name", "Tên đơn vị", &self.name, 300));
        let kind = c.take(UnitKind::parse_field("kind", "Loại đơn vị", &self.kind));
        let agency_code = if self.agency_code.trim().is_empty() {
            Some(None)
        } else {
            c.take(AgencyCode::parse_field("agencyCode", "Mã định danh", &self.agency_code).map(Some))
        };
        let old_admin_code = c.take(admin_code("oldAdminCode", "Mã đơn vị hành chính cũ", &self.old_admin_code));
        let new_admin_code = c.take(admin_code("newAdminCode", "Mã đơn vị hành chính mới", &self.new_admin_code));
        let dissolved_on = c.take(ArchiveDate::parse_optional("dissolvedOn", "Ngày giải thể", &self.dissolved_on));
        if let Some(Some(date)) = &dissolved_on
            && date.earliest() != date.latest()
        {
            c.push(FieldError::new("dissolvedOn", "invalid_date", "Ngày giải thể: ghi đủ ngày, tháng, năm (NN/TT/NNNN)."));
        }
        let successor_id = c.take(optional_id("successorId", "Đơn vị kế thừa", &self.successor_id));
        if successor_id == Some(Some(id)) {
            c.push(FieldError::new("successorId", "self_successor", "Đơn vị kế thừa không thể là chính đơn vị này."));
        }
        let parent_body = c.take(text::optional("parentBody", "Cơ quan chủ quản", &self.parent_body, 300));
        c.finish()?;
        Ok(NewUnit {
            parent_body: parent_body.unwrap(),
            name: name.unwrap(),
            kind: kind.unwrap(),
            agency_code: agency_code.unwrap(),
            old_admin_code: old_admin_code.unwrap(),
            new_admin_code: new_admin_code.unwrap(),
            dissolved_on: dissolved_on.unwrap().map(|d| d.sortable()),
            successor_id: successor_id.unwrap(),
        })
    }
}

impl From<&Unit> for UnitInput {
    fn from(u: &Unit) -> Self {
        UnitInput {
            name: u.name.clone(),
            kind: u.kind.code().into(),
            agency_code: or_empty(&u.agency_code),
            old_admin_code: or_empty(&u.old_admin_code),
            new_admin_code: or_empty(&u.new_admin_code),
            dissolved_on: u.dissolved_on.as_deref().and_then(ArchiveDate::parse).map(|d| d.to_string()).unwrap_or_default(),
            successor_id: or_empty(&u.successor_id),
            parent_body: u.parent_body.clone().unwrap_or_default(),
        }
    }
}

/// A new unit, already checked.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub agency_code: Option<AgencyCode>,
    pub old_admin_code: Option<String>,
    pub new_admin_code: Option<String>,
    /// ISO date.
    pub dissolved_on: Option<String>,
    pub successor_id: Option<i64>,
    pub parent_body: Option<String>,
}

impl NewUnit {
    /// A unit known only by name and kind, as the plan or the first administrator names it.
    pub fn named(name: impl Into<String>, kind: UnitKind) -> NewUnit {
        NewUnit {
            name: name.into(),
            kind,
            agency_code: None,
            old_admin_code: None,
            new_admin_code: None,
            dissolved_on: None,
            successor_id: None,
            parent_body: None,
        }
    }
}

/// Phông lưu trữ as a form or JSON body gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct FondsInput {
    #[serde(deserialize_with = "text_like")]
    pub code: String,
    #[serde(deserialize_with = "text_like")]
    pub name: String,
    #[serde(deserialize_with = "text_like")]
    pub unit_id: String,
    #[serde(deserialize_with = "text_like")]
    pub status: String,
    #[serde(deserialize_with = "text_like")]
    pub history: String,
    #[serde(deserialize_with = "text_like")]
    pub start_date: String,
    #[serde(deserialize_with = "text_like")]
    pub end_date: String,
    #[serde(deserialize_with = "text_like")]
    pub custodian_unit_id: String,
    #[serde(deserialize_with = "text_like")]
    pub language: String,
    #[serde(deserialize_with = "text_like")]
    pub classification: String,
    #[serde(deserialize_with = "text_like")]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FondsFields {
    pub code: FondsCode,
    pub name: String,
    pub unit_id: i64,
    pub status: FondsStatus,
    pub history: Option<String>,
    pub start_date: Option<ArchiveDate>,
    pub end_date: Option<ArchiveDate>,
    pub custodian_unit_id: Option<i64>,
    pub language: Languages,
    pub classification: Classification,
    pub description: Option<String>,
}

fn id_field(field: &str, label: &str, input: &str) -> Result<i64, FieldError> {
    text::number(field, label, input, 1, i64::MAX as u64).map(|n| n as i64)
}

fn optional_id(field: &str, label: &str, input: &str) -> Result<Option<i64>, FieldError> {
    text::optional_number(field, label, input, 1, i64::MAX as u64).map(|n| n.map(|n| n as i64))
}

fn languages_or_vietnamese(input: &str) -> Result<Languages, FieldError> {
    if input.trim().is_empty() { Ok(Languages::vietnamese()) } else { Languages::parse_field("language", "Ngôn ngữ", input) }
}

fn classification_or_none(input: &str) -> Result<Classification, FieldError> {
    Classification::parse_optional("classification", "Độ mật", input).map(|c| c.unwrap_or(Classification::None))
}

impl FondsInput {
    pub fn parse(&self) -> Result<FondsFields, Invalid> {
        let mut c = Collector::default();
        let code = c.take(FondsCode::parse_field("code", "Mã phông", &self.code));
        let name = c.take(text::required("name", "Tên phông", &self.name, 500));
        let unit_id = c.take(id_field("unitId", "Đơn vị hình thành phông", &self.unit_id));
        let status =
            c.take(FondsStatus::parse_optional("status", "Trạng thái phông", &self.status).map(|s| s.unwrap_or(FondsStatus::Open)));
        let history = c.take(text::optional_multiline("history", "Lịch sử đơn vị hình thành phông", &self.history, 20_000));
        let start_date = c.take(ArchiveDate::parse_optional("startDate", "Thời gian tài liệu từ", &self.start_date));
        let end_date = c.take(ArchiveDate::parse_optional("endDate", "Thời gian tài liệu đến", &self.end_date));
        if let (Some(Some(start)), Some(Some(end))) = (&start_date, &end_date) {
            c.take(date::check_range("endDate", start, end));
        }
        let custodian_unit_id = c.take(optional_id("custodianUnitId", "Đơn vị quản lý", &self.custodian_unit_id));
        let language = c.take(languages_or_vietnamese(&self.language));
        let classification = c.take(classification_or_none(&self.classification));
        let description = c.take(text::optional_multiline("description", "Ghi chú", &self.description, 2000));
        c.finish()?;
        Ok(FondsFields {
            code: code.unwrap(),
            name: name.unwrap(),
            unit_id: unit_id.unwrap(),
            status: status.unwrap(),
            history: history.unwrap(),
            start_date: start_date.unwrap(),
            end_date: end_date.unwrap(),
            custodian_unit_id: custodian_unit_id.unwrap(),
            language: language.unwrap(),
            classification: classification.unwrap(),
            description: description.unwrap(),
        })
    }
}

impl From<&FondsFields> for FondsInput {
    fn from(f: &FondsFields) -> Self {
        FondsInput {
            code: f.code.to_string(),
            name: f.name.clone(),
            unit_id: f.unit_id.to_string(),
            status: f.status.code().into(),
            history: f.history.clone().unwrap_or_default(),
            start_date: f.start_date.map(|d| d.to_string()).unwrap_or_default(),
            end_date: f.end_date.map(|d| d.to_string()).unwrap_or_default(),
            custodian_unit_id: f.custodian_unit_id.map(|i| i.to_string()).unwrap_or_default(),
            language: f.language.codes(),
            classification: f.classification.code().into(),
            description: f.description.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Fonds {
    pub id: i64,
    #[serde(flatten)]
    pub fields: FondsFields,
}

impl Fonds {
    /// What stands first in this fonds' mã hồ sơ: the mã phông when the fonds is closed or the
    /// creating unit has no mã định danh, else the unit's mã định danh.
    pub fn code_prefix(&self, creator: &Unit) -> CodePrefix {
        match (&self.fields.status, &creator.agency_code) {
            (FondsStatus::Open, Some(agency)) => CodePrefix::Agency(agency.clone()),
            _ => CodePrefix::Fonds(self.fields.code.clone()),
        }
    }
}

/// Mục lục hồ sơ as a form or JSON body gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct InventoryInput {
    #[serde(deserialize_with = "text_like")]
    pub number: String,
    #[serde(deserialize_with = "text_like")]
    pub title: String,
    #[serde(deserialize_with = "text_like")]
    pub maintenance: String,
    #[serde(deserialize_with = "text_like")]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InventoryFields {
    /// Mục lục số, unique within the fonds.
    pub number: u32,
    pub title: String,
    /// The retention class the mục lục gathers (vĩnh viễn, có thời hạn), when it has one.
    pub maintenance: Option<Maintenance>,
    pub description: Option<String>,
}

impl InventoryInput {
    pub fn parse(&self) -> Result<InventoryFields, Invalid> {
        let mut c = Collector::default();
        let number = c.take(text::number("number", "Mục lục số", &self.number, 1, 9999));
        let title = c.take(text::required("title", "Tên mục lục", &self.title, 500));
        let maintenance = c.take(Maintenance::parse_optional("maintenance", "Thời hạn bảo quản", &self.maintenance));
        let description = c.take(text::optional_multiline("description", "Ghi chú", &self.description, 2000));
        c.finish()?;
        Ok(InventoryFields {
            number: number.unwrap() as u32,
            title: title.unwrap(),
            maintenance: maintenance.unwrap(),
            description: description.unwrap(),
        })
    }
}

impl From<&InventoryFields> for InventoryInput {
    fn from(f: &InventoryFields) -> Self {
        InventoryInput {
            number: f.number.to_string(),
            title: f.title.clone(),
            maintenance: f.maintenance.map(|m| m.code().to_string()).unwrap_or_default(),
            description: f.description.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub id: i64,
    pub fonds_id: i64,
    #[serde(flatten)]
    pub fields: InventoryFields,
}

/// Hồ sơ as a form or JSON body gives it: the 18 TT05 elements (fileCode is built, not typed) plus
/// the parts of the code and the state-secret level.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct DossierInput {
    /// Số và ký hiệu hồ sơ.
    #[serde(deserialize_with = "text_like")]
    pub notation: String,
    /// Năm hình thành hồ sơ; the start date's year when empty.
    #[serde(deserialize_with = "text_like")]
    pub year: String,
    #[serde(deserialize_with = "text_like")]
    pub title: String,
    #[serde(deserialize_with = "text_like")]
    pub maintenance: String,
    /// Years of a retention under code 07 Khác ("5" for 5 năm); empty otherwise.
    #[serde(deserialize_with = "text_like")]
    pub maintenance_years: String,
    #[serde(deserialize_with = "text_like")]
    pub mode: String,
    #[serde(deserialize_with = "text_like")]
    pub language: String,
    #[serde(deserialize_with = "text_like")]
    pub start_date: String,
    #[serde(deserialize_with = "text_like")]
    pub end_date: String,
    #[serde(deserialize_with = "text_like")]
    pub keyword: String,
    #[serde(deserialize_with = "text_like")]
    pub total_doc: String,
    #[serde(deserialize_with = "text_like")]
    pub number_of_paper: String,
    #[serde(deserialize_with = "text_like")]
    pub number_of_page: String,
    #[serde(deserialize_with = "text_like")]
    pub format: String,
    #[serde(deserialize_with = "text_like")]
    pub infor_sign: String,
    #[serde(deserialize_with = "text_like")]
    pub confidence_level: String,
    #[serde(deserialize_with = "text_like")]
    pub paper_file_code: String,
    #[serde(deserialize_with = "text_like")]
    pub risk_recovery: String,
    #[serde(deserialize_with = "text_like")]
    pub risk_recovery_status: String,
    #[serde(deserialize_with = "text_like")]
    pub description: String,
    #[serde(deserialize_with = "text_like")]
    pub classification: String,
}

/// A hồ sơ's TT05 elements, every one valid.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DossierFields {
    pub file_code: DossierCode,
    pub title: String,
    pub maintenance: Maintenance,
    /// Years of a code 07 retention outside the TT05 list (5, 15 năm …), when it has a number.
    pub maintenance_years: Option<u16>,
    pub mode: Mode,
    pub language: Languages,
    pub start_date: ArchiveDate,
    pub end_date: ArchiveDate,
    pub keyword: Option<String>,
    pub total_doc: u32,
    pub number_of_paper: Option<u32>,
    pub number_of_page: u32,
    pub format: Option<PhysicalState>,
    pub infor_sign: Option<String>,
    pub confidence_level: Option<ConfidenceLevel>,
    pub paper_file_code: Option<String>,
    pub risk_recovery: bool,
    pub risk_recovery_status: Option<RiskRecoveryStatus>,
    pub description: Option<String>,
    pub classification: Classification,
}

impl DossierFields {
    /// "Vĩnh viễn", "20 năm", "5 năm": as the finding aid and every page write it.
    pub fn retention_label(&self) -> String {
        crate::codes::retention_label(self.maintenance, self.maintenance_years)
    }

    /// Years the hồ sơ is kept: the code's, or a code 07's own; `None` for permanent.
    pub fn retention_years(&self) -> Option<u16> {
        self.maintenance.years().or(self.maintenance_years)
    }
}

/// Where a hồ sơ's code comes from: its fonds (prefix) and its mục lục (number).
pub struct DossierContext {
    pub prefix: CodePrefix,
    pub inventory_number: Option<u32>,
}

/// TT05 allows "Number 10"; counts are kept as u32, which no real hồ sơ approaches.
const MAX_COUNT: u64 = u32::MAX as u64;

fn count(field: &str, label: &str, input: &str) -> Result<u32, FieldError> {
    text::number(field, label, input, 0, MAX_COUNT).map(|n| n as u32)
}

fn secret_needs_mode_03(classification: Option<Classification>, mode: Option<Mode>) -> Option<FieldError> {
    match (classification, mode) {
        (Some(c), Some(m)) if c.is_classified() && m != Mode::Secret => Some(FieldError::new(
            "mode",
            "secret_mode_mismatch",
            format!("Chế độ sử dụng: tài liệu có độ “{}” phải ở chế độ 03 Mật.", c.label()),
        )),
        _ => None,
    }
}

impl DossierInput {
    pub fn parse(&self, context: &DossierContext) -> Result<DossierFields, Invalid> {
        let mut c = Collector::default();
        let notation = c.take(FileNotation::parse_field("notation", "Số và ký hiệu hồ sơ", &self.notation));
        let title = c.take(text::required("title", "Tiêu đề hồ sơ", &self.title, 1000));
        let maintenance = c.take(Maintenance::parse_field("maintenance", "Thời hạn bảo quản", &self.maintenance));
        let maintenance_years = c.take(
            text::optional_number("maintenanceYears", "Số năm bảo quản", &self.maintenance_years, 1, 200).map(|n| n.map(|n| n as u16)),
        );
        let maintenance_years = match (maintenance, maintenance_years) {
            (Some(Maintenance::Other), Some(years)) => Some(years),
            (Some(m), Some(Some(years))) if m.years() != Some(years) => {
                c.push(FieldError::new(
                    "maintenanceYears",
                    "maintenance_years_mismatch",
                    format!("Số năm bảo quản: chỉ ghi khi thời hạn là 07 Khác; thời hạn {} đã có số năm của nó.", m.label()),
                ));
                None
            }
            (Some(_), Some(_)) => Some(None),
            _ => None,
        };
        let mode = c.take(Mode::parse_field("mode", "Chế độ sử dụng", &self.mode));
        let language = c.take(languages_or_vietnamese(&self.language));
        let start_date = c.take(ArchiveDate::parse_field("startDate", "Thời gian bắt đầu", &self.start_date));
        let end_date = c.take(ArchiveDate::parse_field("endDate", "Thời gian kết thúc", &self.end_date));
        if let (Some(start), Some(end)) = (&start_date, &end_date) {
            c.take(date::check_range("endDate", start, end));
        }
        let year = if self.year.trim().is_empty() {
            start_date.map(|d| d.year())
        } else {
            c.take(text::number("year", "Năm hình thành hồ sơ", &self.year, 1000, 9999).map(|y| y as u16))
        };
        let keyword = c.take(text::optional("keyword", "Từ khóa", &self.keyword, 100));
        let total_doc = c.take(count("totalDoc", "Tổng số văn bản trong hồ sơ", &self.total_doc));
        let confidence_level = c.take(ConfidenceLevel::parse_optional("confidenceLevel", "Mức độ tin cậy", &self.confidence_level));
        let digitized = confidence_level == Some(Some(ConfidenceLevel::Digitized));
        let number_of_paper = if digitized {
            c.take(count("numberOfPaper", "Số lượng tờ", &self.number_of_paper).map(Some))
        } else {
            c.take(text::optional_number("numberOfPaper", "Số lượng tờ", &self.number_of_paper, 0, MAX_COUNT).map(|n| n.map(|n| n as u32)))
        };
        let number_of_page = c.take(count("numberOfPage", "Số lượng trang", &self.number_of_page));
        let format = c.take(PhysicalState::parse_optional("format", "Tình trạng vật lý", &self.format));
        let infor_sign = c.take(text::optional("inforSign", "Ký hiệu thông tin", &self.infor_sign, 30));
        let paper_file_code = c.take(text::optional("paperFileCode", "Mã hồ sơ gốc giấy", &self.paper_file_code, 100));
        if digitized && paper_file_code == Some(None) {
            c.push(FieldError::new(
                "paperFileCode",
                "paper_file_code_required",
                "Mã hồ sơ gốc giấy: bắt buộc khi mức độ tin cậy là 02 Số hóa.",
            ));
        }
        let risk_recovery = c.take(flag("riskRecovery", "Chế độ dự phòng", &self.risk_recovery));
        let risk_recovery_status =
            c.take(RiskRecoveryStatus::parse_optional("riskRecoveryStatus", "Tình trạng dự phòng", &self.risk_recovery_status));
        if risk_recovery == Some(true) && risk_recovery_status == Some(None) {
            c.push(FieldError::new("riskRecoveryStatus", "required", "Tình trạng dự phòng: bắt buộc khi có chế độ dự phòng."));
        }
        let description = c.take(text::optional_multiline("description", "Ghi chú", &self.description, 2000));
        let classification = c.take(classification_or_none(&self.classification));
        if let Some(error) = secret_needs_mode_03(classification, mode) {
            c.push(error);
        }
        let file_code = match (&notation, year) {
            (Some(notation), Some(year)) => c.take(DossierCode::build(&context.prefix, year, notation.clone(), context.inventory_number)),
            _ => None,
        };
        c.finish()?;
        Ok(DossierFields {
            file_code: file_code.unwrap(),
            title: title.unwrap(),
            maintenance: maintenance.unwrap(),
            maintenance_years: maintenance_years.unwrap(),
            mode: mode.unwrap(),
            language: language.unwrap(),
            start_date: start_date.unwrap(),
            end_date: end_date.unwrap(),
            keyword: keyword.unwrap(),
            total_doc: total_doc.unwrap(),
            number_of_paper: number_of_paper.unwrap(),
            number_of_page: number_of_page.unwrap(),
            format: format.unwrap(),
            infor_sign: infor_sign.unwrap(),
            confidence_level: confidence_level.unwrap(),
            paper_file_code: paper_file_code.unwrap(),
            risk_recovery: risk_recovery.unwrap(),
            risk_recovery_status: risk_recovery_status.unwrap(),
            description: description.unwrap(),
            classification: classification.unwrap(),
        })
    }
}

fn or_empty<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

fn code_or_empty(code: Option<&'static str>) -> String {
    code.unwrap_or_default().to_string()
}

impl From<&DossierFields> for DossierInput {
    fn from(f: &DossierFields) -> Self {
        DossierInput {
            notation: f.file_code.notation().to_string(),
            year: f.file_code.year().to_string(),
            title: f.title.clone(),
            maintenance: f.maintenance.code().into(),
            maintenance_years: or_empty(&f.maintenance_years),
            mode: f.mode.code().into(),
            language: f.language.codes(),
            start_date: f.start_date.to_string(),
            end_date: f.end_date.to_string(),
            keyword: or_empty(&f.keyword),
            total_doc: f.total_doc.to_string(),
            number_of_paper: or_empty(&f.number_of_paper),
            number_of_page: f.number_of_page.to_string(),
            format: code_or_empty(f.format.map(|v| v.code())),
            infor_sign: or_empty(&f.infor_sign),
            confidence_level: code_or_empty(f.confidence_level.map(|v| v.code())),
            paper_file_code: or_empty(&f.paper_file_code),
            risk_recovery: if f.risk_recovery { "1" } else { "0" }.into(),
            risk_recovery_status: code_or_empty(f.risk_recovery_status.map(|v| v.code())),
            description: or_empty(&f.description),
            classification: f.classification.code().into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Dossier {
    pub id: i64,
    pub fonds_id: i64,
    pub inventory_id: i64,
    /// Hồ sơ số: the official number within the mục lục, given at chỉnh lý.
    pub number: Option<u32>,
    pub box_id: Option<i64>,
    /// "xem_xet_huy" while proposed for destruction, "da_huy" once destroyed; never deleted.
    pub disposal: Option<String>,
    /// Số tạm of the phiếu tin, before official numbering.
    pub temp_number: Option<u32>,
    /// Its group in the phương án phân loại ("I.2", or the heading a spreadsheet gave).
    pub scheme_group: Option<String>,
    #[serde(flatten)]
    pub fields: DossierFields,
}

/// Văn bản as a form or JSON body gives it (TT05 EAD_doc elements; docCode is built).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct DocumentInput {
    #[serde(deserialize_with = "text_like")]
    pub doc_ordinal: String,
    #[serde(deserialize_with = "text_like")]
    pub type_name: String,
    #[serde(deserialize_with = "text_like")]
    pub code_number: String,
    #[serde(deserialize_with = "text_like")]
    pub code_notation: String,
    #[serde(deserialize_with = "text_like")]
    pub issued_date: String,
    #[serde(deserialize_with = "text_like")]
    pub organ_name: String,
    #[serde(deserialize_with = "text_like")]
    pub subject: String,
    #[serde(deserialize_with = "text_like")]
    pub language: String,
    #[serde(deserialize_with = "text_like")]
    pub number_of_page: String,
    #[serde(deserialize_with = "text_like")]
    pub infor_sign: String,
    #[serde(deserialize_with = "text_like")]
    pub keyword: String,
    #[serde(deserialize_with = "text_like")]
    pub mode: String,
    #[serde(deserialize_with = "text_like")]
    pub confidence_level: String,
    #[serde(deserialize_with = "text_like")]
    pub autograph: String,
    #[serde(deserialize_with = "text_like")]
    pub format: String,
    #[serde(deserialize_with = "text_like")]
    pub process: String,
    #[serde(deserialize_with = "text_like")]
    pub description: String,
    #[serde(deserialize_with = "text_like")]
    pub classification: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DocumentFields {
    pub doc_ordinal: u32,
    pub type_name: DocumentType,
    pub code_number: Option<String>,
    pub code_notation: Option<String>,
    pub issued_date: ArchiveDate,
    pub organ_name: String,
    pub subject: String,
    pub language: Languages,
    pub number_of_page: u32,
    pub infor_sign: Option<String>,
    pub keyword: Option<String>,
    pub mode: Mode,
    pub confidence_level: Option<ConfidenceLevel>,
    pub autograph: Option<String>,
    pub format: Option<PhysicalState>,
    pub process: Option<bool>,
    pub description: Option<String>,
    pub classification: Classification,
}

impl DocumentInput {
    pub fn parse(&self) -> Result<DocumentFields, Invalid> {
        let mut c = Collector::default();
        let doc_ordinal =
            c.take(text::number("docOrdinal", "Số thứ tự văn bản trong hồ sơ", &self.doc_ordinal, 1, 9_999_999).map(|n| n as u32));
        let type_name = c.take(DocumentType::parse_field("typeName", "Tên loại văn bản", &self.type_name));
        let code_number = c.take(text::optional("codeNumber", "Số văn bản", &self.code_number, 11));
        let code_notation = c.take(text::optional("codeNotation", "Ký hiệu văn bản", &self.code_notation, 30));
        let issued_date = c.take(ArchiveDate::parse_field("issuedDate", "Ngày, tháng, năm văn bản", &self.issued_date));
        let organ_name = c.take(text::required("organName", "Cơ quan, tổ chức ban hành", &self.organ_name, 200));
        let subject = c.take(text::required("subject", "Trích yếu nội dung", &self.subject, 500));
        let language = c.take(languages_or_vietnamese(&self.language));
        let number_of_page = c.take(text::number("numberOfPage", "Số trang", &self.number_of_page, 0, 9999).map(|n| n as u32));
        let infor_sign = c.take(text::optional("inforSign", "Ký hiệu thông tin", &self.infor_sign, 30));
        let keyword = c.take(text::optional("keyword", "Từ khóa", &self.keyword, 100));
        let mode = c.take(Mode::parse_field("mode", "Chế độ sử dụng", &self.mode));
        let confidence_level = c.take(ConfidenceLevel::parse_optional("confidenceLevel", "Mức độ tin cậy", &self.confidence_level));
        let autograph = c.take(text::optional_multiline("autograph", "Bút tích", &self.autograph, 2000));
        let format = c.take(PhysicalState::parse_optional("format", "Tình trạng vật lý", &self.format));
        let process = if self.process.trim().is_empty() {
            if matches!(confidence_level, Some(Some(ConfidenceLevel::BornDigital | ConfidenceLevel::Mixed))) {
                c.push(FieldError::new(
                    "process",
                    "required",
                    "Quy trình xử lý: bắt buộc khi mức độ tin cậy là 01 Gốc điện tử hoặc 03 Hỗn hợp.",
                ));
            }
            Some(None)
        } else {
            c.take(flag("process", "Quy trình xử lý", &self.process).map(Some))
        };
        let description = c.take(text::optional_multiline("description", "Ghi chú", &self.description, 500));
        let classification = c.take(classification_or_none(&self.classification));
        if let Some(error) = secret_needs_mode_03(classification, mode) {
            c.push(error);
        }
        c.finish()?;
        Ok(DocumentFields {
            doc_ordinal: doc_ordinal.unwrap(),
            type_name: type_name.unwrap(),
            code_number: code_number.unwrap(),
            code_notation: code_notation.unwrap(),
            issued_date: issued_date.unwrap(),
            organ_name: organ_name.unwrap(),
            subject: subject.unwrap(),
            language: language.unwrap(),
            number_of_page: number_of_page.unwrap(),
            infor_sign: infor_sign.unwrap(),
            keyword: keyword.unwrap(),
            mode: mode.unwrap(),
            confidence_level: confidence_level.unwrap(),
            autograph: autograph.unwrap(),
            format: format.unwrap(),
            process: process.unwrap(),
            description: description.unwrap(),
            classification: classification.unwrap(),
        })
    }
}

impl From<&DocumentFields> for DocumentInput {
    fn from(f: &DocumentFields) -> Self {
        DocumentInput {
            doc_ordinal: f.doc_ordinal.to_string(),
            type_name: f.type_name.code().into(),
            code_number: or_empty(&f.code_number),
            code_notation: or_empty(&f.code_notation),
            issued_date: f.issued_date.to_string(),
            organ_name: f.organ_name.clone(),
            subject: f.subject.clone(),
            language: f.language.codes(),
            number_of_page: f.number_of_page.to_string(),
            infor_sign: or_empty(&f.infor_sign),
            keyword: or_empty(&f.keyword),
            mode: f.mode.code().into(),
            confidence_level: code_or_empty(f.confidence_level.map(|v| v.code())),
            autograph: or_empty(&f.autograph),
            format: code_or_empty(f.format.map(|v| v.code())),
            process: f.process.map(|p| if p { "1" } else { "0" }.to_string()).unwrap_or_default(),
            description: or_empty(&f.description),
            classification: f.classification.code().into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub id: i64,
    pub dossier_id: i64,
    /// docCode: mã hồ sơ + the 7-digit ordinal.
    pub doc_code: String,
    #[serde(flatten)]
    pub fields: DocumentFields,
}

/// Where things stand: a kho (repository), giá (shelf unit), khoang (bay) or tầng (shelf).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: LocationKind,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Repository,
    Shelving,
    Bay,
    Shelf,
}

/// A hộp: numbered within a fonds, standing at a location; its thickness feeds the metres.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Box {
    pub id: i64,
    pub fonds_id: i64,
    pub number: u32,
    pub location_id: Option<i64>,
    pub thickness_mm: Option<u32>,
}

/// A scanned page image: its bytes live in the blob store under `sha256`, never in the catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub id: i64,
    pub dossier_id: i64,
    pub document_id: Option<i64>,
    pub ordinal: u32,
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::FondsCode;

    fn context() -> DossierContext {
        DossierContext { prefix: CodePrefix::Fonds(FondsCode::parse("P01").unwrap()), inventory_number: Some(1) }
    }

    fn valid() -> DossierInput {
        DossierInput {
            notation: "12".into(),
            title: "Sổ đăng ký khai sinh năm 2015".into(),
            maintenance: "01".into(),
            mode: "01".into(),
            start_date: "01/01/2015".into(),
            end_date: "31/12/2015".into(),
            total_doc: "1".into(),
            number_of_page: "200".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_dossier_gets_its_code_and_defaults() {
        let fields = valid().parse(&context()).unwrap();
        assert_eq!(fields.file_code.to_string(), "P01.2015.12.1");
        assert_eq!(fields.language.codes(), "01");
        assert_eq!(fields.classification, Classification::None);
        let round_trip = DossierInput::from(&fields).parse(&context()).unwrap();
        assert_eq!(round_trip, fields);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = DossierInput {
            title: "a".repeat(1001),
            maintenance: "09".into(),
            end_date: "31/12/2014".into(),
            confidence_level: "02".into(),
            ..valid()
        };
        let error = input.parse(&context()).unwrap_err();
        let codes: Vec<(&str, &str)> = error.errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("title", "too_long"),
                ("maintenance", "unknown_code"),
                ("endDate", "end_before_start"),
                ("numberOfPaper", "required"),
                ("paperFileCode", "paper_file_code_required"),
            ]
        );
    }

    #[test]
    fn a_secret_dossier_must_be_mode_03() {
        let input = DossierInput { classification: "01".into(), ..valid() };
        assert_eq!(input.parse(&context()).unwrap_err().errors[0].code, "secret_mode_mismatch");
        let input = DossierInput { classification: "01".into(), mode: "03".into(), ..valid() };
        assert_eq!(input.parse(&context()).unwrap().classification, Classification::Confidential);
    }

    #[test]
    fn json_numbers_are_accepted_as_text() {
        let input: DossierInput = serde_json::from_str(r#"{"notation": 12, "totalDoc": 3, "riskRecovery": false}"#).unwrap();
        assert_eq!(input.notation, "12");
        assert_eq!(input.total_doc, "3");
        assert_eq!(input.risk_recovery, "0");
    }

    #[test]
    fn a_document_needs_type_date_organ_and_subject() {
        let error = DocumentInput { doc_ordinal: "0".into(), ..Default::default() }.parse().unwrap_err();
        let fields: Vec<&str> = error.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["docOrdinal", "typeName", "issuedDate", "organName", "subject", "numberOfPage", "mode"]);
    }
}
