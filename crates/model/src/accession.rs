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
    /// Danh mục tài liệu giao nhận: one line per item, columns split by | or a tab (rows pasted
    /// from Excel): tên tài liệu | thời gian | số bao | mét giá | ghi chú.
    pub items: String,
}

/// One line of the danh mục tài liệu giao nhận.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessionItem {
    pub name: String,
    pub dates: Option<String>,
    pub bags: Option<u32>,
    /// In hundredths of a metre.
    pub metres: Option<i64>,
    pub note: Option<String>,
}

/// Most lines a danh mục may have; a bigger one is a mục lục, imported as such.
pub const MAX_ITEMS: usize = 2_000;

/// The danh mục as typed or pasted; every bad line named.
pub fn parse_items(input: &str) -> Result<Vec<AccessionItem>, Vec<FieldError>> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<(usize, &str)> = input.lines().enumerate().filter(|(_, l)| !text::clean(l).is_empty()).collect();
    if lines.len() > MAX_ITEMS {
        let message = format!("Danh mục tài liệu: {} dòng, nhiều hơn {} dòng cho phép; hãy nhập thành mục lục.", lines.len(), MAX_ITEMS);
        return Err(vec![FieldError::new("items", "too_many", message)]);
    }
    for (index, line) in lines {
        let n = index + 1;
        let cells: Vec<String> = line.split(['|', '\t']).map(text::clean).collect();
        let cell = |i: usize| cells.get(i).filter(|c| !c.is_empty()).cloned();
        let mut bad =
            |message: String| errors.push(FieldError::new("items", "invalid_item", format!("Danh mục tài liệu, dòng {n}: {message}")));
        if cells.len() > 5 {
            bad(format!("có {} cột, nhiều nhất 5 (tên | thời gian | số bao | mét giá | ghi chú).", cells.len()));
            continue;
        }
        let Some(name) = cell(0) else {
            bad("thiếu tên tài liệu ở cột đầu.".into());
            continue;
        };
        if text::char_len(&name) > 500 {
            bad("tên tài liệu dài quá 500 ký tự.".into());
            continue;
        }
        let bags = match cell(2) {
            None => None,
            Some(b) => match b.parse::<u32>() {
                Ok(b) => Some(b),
                Err(_) => {
                    bad(format!("số bao “{b}” không phải số nguyên."));
                    continue;
                }
            },
        };
        let metres = match cell(3) {
            None => None,
            Some(m) => match Metres::parse(&m) {
                Some(m) => Some(m.hundredths()),
                None => {
                    bad(format!("mét giá “{m}” không phải số (ví dụ 15,5)."));
                    continue;
                }
            },
        };
        items.push(AccessionItem { name, dates: cell(1), bags, metres, note: cell(4) });
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
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
    #[serde(default)]
    pub items: Vec<AccessionItem>,
}

fn optional_count(field: &str, label: &str, input: &str) -> Result<Option<u32>, FieldError> {
    text::optional_number(field, label, input, 0, u32::MAX as u64).map(|n| n.map(|n| n as u32))
}

impl AccessionInput {
    pub fn parse(&self) -> Result<AccessionFields, Invalid> {
        let mut c = Collector::default();
        let received_on = c.take(ArchiveDate::parse_field("receivedOn", "Ngày giao nhận", &self.received_on));
        if let Some(d) = &received_on
            && d.earliest() != d.latest()
        {
            c.push(FieldError::new("receivedOn", "invalid_date", "Ngày giao nhận: ghi đủ ngày, tháng, năm (NN/TT/NNNN)."));
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
        let items = match parse_items(&self.items) {
            Ok(items) => Some(items),
            Err(errors) => {
                errors.into_iter().for_each(|e| c.push(e));
                None
            }
        };
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
            items: items.unwrap(),
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

    #[test]
    fn the_danh_mục_is_read_from_pasted_rows_and_bad_lines_are_named() {
        let pasted = "Tài liệu Phòng Tư pháp\t2007–2025\t120\t95,5\n\n Hồ sơ hộ tịch | 1990-2025 | 15 |  | Bó gói ";
        let items = parse_items(pasted).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].metres, Some(9_550));
        assert_eq!(
            (items[1].name.as_str(), items[1].bags, items[1].metres, items[1].note.as_deref()),
            ("Hồ sơ hộ tịch", Some(15), None, Some("Bó gói"))
        );
        let errors = parse_items("Tài liệu | 2010 | nhiều\n | 2011\nA|b|1|1|c|d").unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages[0].starts_with("Danh mục tài liệu, dòng 1: số bao “nhiều”"), "{messages:?}");
        assert!(messages[1].starts_with("Danh mục tài liệu, dòng 2: thiếu tên"), "{messages:?}");
        assert!(messages[2].starts_with("Danh mục tài liệu, dòng 3: có 6 cột"), "{messages:?}");
        assert_eq!(parse_items(&"x\n".repeat(MAX_ITEMS + 1)).unwrap_err()[0].code, "too_many");
    }
}
