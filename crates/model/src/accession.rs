//! Tiếp nhận: a transfer of material from a unit into a repository, and what its biên bản giao
//! nhận (NĐ 30/2020 Phụ lục V) says: the parties, the material, its span, and the totals in
//! bao, hộp, hồ sơ and mét giá.

use crate::date::{self, ArchiveDate};
use crate::error::{Collector, FieldError, Invalid};
use crate::plan::Metres;
use crate::text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct AccessionInput {
    pub received_on: String,
    pub giving_unit_id: String,
    pub receiving_unit_id: String,
    pub giving_person: String,
    pub giving_position: String,
    pub receiving_person: String,
    pub receiving_position: String,
    /// Tên khối tài liệu.
    pub material: String,
    pub start_year: String,
    pub end_year: String,
    pub bags: String,
    pub boxes: String,
    pub dossiers: String,
    pub metres: String,
    /// Tình trạng tài liệu khi giao nhận.
    pub condition: String,
    /// Căn cứ giao nhận.
    pub basis: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessionFields {
    pub received_on: ArchiveDate,
    pub giving_unit_id: i64,
    pub receiving_unit_id: i64,
    pub giving_person: String,
    pub giving_position: Option<String>,
    pub receiving_person: String,
    pub receiving_position: Option<String>,
    pub material: String,
    pub start_year: Option<ArchiveDate>,
    pub end_year: Option<ArchiveDate>,
    pub bags: Option<u32>,
    pub boxes: Option<u32>,
    pub dossiers: Option<u32>,
    /// In hundredths of a metre.
    pub metres: Option<i64>,
    pub condition: Option<String>,
    pub basis: Option<String>,
    pub notes: Option<String>,
}

fn optional_count(field: &str, label: &str, input: &str) -> Result<Option<u32>, FieldError> {
    text::optional_number(field, label, input, 0, u32::MAX as u64).map(|n| n.map(|n| n as u32))
}

impl AccessionInput {
    pub fn parse(&self) -> Result<AccessionFields, Invalid> {
        let mut c = Collector::default();
        let received_on = c.take(ArchiveDate::parse_field("receivedOn", "Ngày giao nhận", &self.received_on));
        if let Some(d) = &received_on {
            if d.earliest() != d.latest() {
                c.push(FieldError::new("receivedOn", "invalid_date", "Ngày giao nhận: ghi đủ ngày, tháng, năm (NN/TT/NNNN)."));
            }
        }
        let giving = c.take(text::number("givingUnitId", "Bên giao", &self.giving_unit_id, 1, i64::MAX as u64).map(|n| n as i64));
        let receiving = c.take(text::number("receivingUnitId", "Bên nhận", &self.receiving_unit_id, 1, i64::MAX as u64).map(|n| n as i64));
        if giving.is_some() && giving == receiving {
            c.push(FieldError::new("receivingUnitId", "same_party", "Bên nhận phải khác bên giao."));
        }
        let giving_person = c.take(text::required("givingPerson", "Người đại diện bên giao", &self.giving_person, 100));
        let giving_position = c.take(text::optional("givingPosition", "Chức vụ bên giao", &self.giving_position, 200));
        let receiving_person = c.take(text::required("receivingPerson", "Người đại diện bên nhận", &self.receiving_person, 100));
        let receiving_position = c.take(text::optional("receivingPosition", "Chức vụ bên nhận", &self.receiving_position, 200));
        let material = c.take(text::required("material", "Tên khối tài liệu", &self.material, 500));
        let start_year = c.take(ArchiveDate::parse_optional("startYear", "Tài liệu từ năm", &self.start_year));
        let end_year = c.take(ArchiveDate::parse_optional("endYear", "Tài liệu đến năm", &self.end_year));
        if let (Some(Some(s)), Some(Some(e))) = (&start_year, &end_year) {
            c.take(date::check_range("endYear", s, e));
        }
        let bags = c.take(optional_count("bags", "Số bao", &self.bags));
        let boxes = c.take(optional_count("boxes", "Số hộp", &self.boxes));
        let dossiers = c.take(optional_count("dossiers", "Số hồ sơ", &self.dossiers));
        let metres = if self.metres.trim().is_empty() {
            Some(None)
        } else {
            match Metres::parse(&self.metres) {
                Some(m) => Some(Some(m.hundredths())),
                None => {
                    c.push(FieldError::new(
                        "metres",
                        "not_a_number",
                        format!("Số mét giá: “{}” không phải số (ví dụ 15,5).", self.metres.trim()),
                    ));
                    None
                }
            }
        };
        let condition = c.take(text::optional_multiline("condition", "Tình trạng tài liệu", &self.condition, 2000));
        let basis = c.take(text::optional_multiline("basis", "Căn cứ", &self.basis, 2000));
        let notes = c.take(text::optional_multiline("notes", "Ghi chú", &self.notes, 2000));
        c.finish()?;
        Ok(AccessionFields {
            received_on: received_on.unwrap(),
            giving_unit_id: giving.unwrap(),
            receiving_unit_id: receiving.unwrap(),
            giving_person: giving_person.unwrap(),
            giving_position: giving_position.unwrap(),
            receiving_person: receiving_person.unwrap(),
            receiving_position: receiving_position.unwrap(),
            material: material.unwrap(),
            start_year: start_year.unwrap(),
            end_year: end_year.unwrap(),
            bags: bags.unwrap(),
            boxes: boxes.unwrap(),
            dossiers: dossiers.unwrap(),
            metres: metres.unwrap(),
            condition: condition.unwrap(),
            basis: basis.unwrap(),
            notes: notes.unwrap(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Accession {
    pub id: i64,
    #[serde(flatten)]
    pub fields: AccessionFields,
    pub created_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accession_needs_parties_material_and_a_full_date() {
        let input = AccessionInput {
            received_on: "03/2026".into(),
            giving_unit_id: "4".into(),
            receiving_unit_id: "4".into(),
            metres: "mười lăm".into(),
            bags: "-2".into(),
            ..Default::default()
        };
        let codes: Vec<(String, &str)> = input.parse().unwrap_err().errors.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("receivedOn".into(), "invalid_date"),
                ("receivingUnitId".into(), "same_party"),
                ("givingPerson".into(), "required"),
                ("receivingPerson".into(), "required"),
                ("material".into(), "required"),
                ("bags".into(), "not_a_number"),
                ("metres".into(), "not_a_number"),
            ]
        );
        let ok = AccessionInput {
            received_on: "15/03/2026".into(),
            giving_unit_id: "4".into(),
            receiving_unit_id: "1".into(),
            giving_person: "Lò Văn Ảng".into(),
            receiving_person: "Nguyễn Thị Hường".into(),
            material: "Tài liệu UBND huyện Mường Ảng".into(),
            metres: "1395".into(),
            bags: "1385".into(),
            ..Default::default()
        };
        assert_eq!(ok.parse().unwrap().metres, Some(139_500));
    }
}
