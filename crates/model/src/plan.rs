//! The province's plan: its stated totals and deadlines, the volumes of Phụ lục I (former
//! districts) and II (communes), and the tasks of Phụ lục III — and the checks that compare what
//! the plan states with what its rows add up to.
//!
//! A plan is a folder of CSV files in the shape Điện Biên's appendices came in:
//! `ke-hoach.csv` (khoa,gia_tri: stated totals and deadlines), `districts.csv`, `communes.csv`,
//! `tasks.csv`. Parsing refuses a missing column, a non-number or a unit twice, naming file, row
//! and column; checking reports discrepancies without deciding which number is right.

use crate::codes::UnitKind;
use crate::vn;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// Shelf-metres (mét giá), kept exactly in hundredths: the appendices write 52,62 m.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "f64")]
pub struct Metres(i64);

impl Metres {
    pub fn from_hundredths(hundredths: i64) -> Self {
        Metres(hundredths)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// "87.6", "87,6", "4808", "2.50": at most two decimals, either separator.
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.trim().replace(',', ".");
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        if whole.is_empty() || frac.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
        whole.checked_mul(100)?.checked_add(frac).map(Metres)
    }

    /// Rounded half up to whole metres, as the plan rounds.
    pub fn rounded(self) -> Metres {
        Metres((self.0 + 50).div_euclid(100) * 100)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::Add for Metres {
    type Output = Metres;
    fn add(self, other: Metres) -> Metres {
        Metres(self.0 + other.0)
    }
}

impl std::iter::Sum for Metres {
    fn sum<I: Iterator<Item = Metres>>(iter: I) -> Metres {
        iter.fold(Metres(0), |a, b| a + b)
    }
}

impl From<Metres> for f64 {
    fn from(m: Metres) -> f64 {
        m.0 as f64 / 100.0
    }
}

/// Vietnamese form: "4.808", "2,5".
impl fmt::Display for Metres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&vn::hundredths(self.0))
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub meta: PlanMeta,
    pub districts: Vec<DistrictTarget>,
    pub communes: Vec<CommuneTarget>,
    pub tasks: Vec<Task>,
}

/// What the plan's text states, to be compared with its rows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanMeta {
    pub name: String,
    pub issuer: String,
    pub province: String,
    pub repository: String,
    pub district_bags_stated: i64,
    pub district_metres_stated: Metres,
    pub district_deadline: String,
    pub commune_metres_stated: Metres,
    pub commune_secret_metres_stated: Metres,
    pub commune_deadline: String,
    pub commune_priority_phase: String,
    pub commune_extended_phase: String,
    pub annual_report_day: String,
}

/// A row of Phụ lục I: a former district's backlog.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictTarget {
    pub ordinal: u32,
    pub name: String,
    pub kind: UnitKind,
    pub bags: i64,
    pub metres: Metres,
}

/// A row of Phụ lục II: a commune's or ward's backlog.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommuneTarget {
    pub ordinal: u32,
    pub name: String,
    pub kind: UnitKind,
    pub secret_metres: Metres,
    pub metres: Metres,
    pub metres_before_rounding: Option<Metres>,
    pub note: Option<String>,
}

/// A row of Phụ lục III.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub group: TaskGroup,
    pub ordinal: u32,
    pub title: String,
    pub product: String,
    pub owner: String,
    pub co_agencies: Option<String>,
    pub period: String,
    pub starts_on: String,
    pub due_on: String,
    pub recurrence: Option<Recurrence>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskGroup {
    District,
    Commune,
    Common,
}

impl TaskGroup {
    pub fn label(self) -> &'static str {
        match self {
            TaskGroup::District => "Tài liệu cấp huyện",
            TaskGroup::Commune => "Tài liệu cấp xã",
            TaskGroup::Common => "Nhiệm vụ chung",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "cap_huyen" => Some(TaskGroup::District),
            "cap_xa" => Some(TaskGroup::Commune),
            "chung" => Some(TaskGroup::Common),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// Every year, before 15/12.
    YearlyBy15December,
    Yearly,
    Continuous,
    Periodic,
}

impl Recurrence {
    pub fn label(self) -> &'static str {
        match self {
            Recurrence::YearlyBy15December => "Hằng năm, trước ngày 15/12",
            Recurrence::Yearly => "Hằng năm",
            Recurrence::Continuous => "Thường xuyên",
            Recurrence::Periodic => "Định kỳ, đột xuất",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "hang_nam_15_12" => Some(Recurrence::YearlyBy15December),
            "hang_nam" => Some(Recurrence::Yearly),
            "thuong_xuyen" => Some(Recurrence::Continuous),
            "dinh_ky" => Some(Recurrence::Periodic),
            _ => None,
        }
    }
}

pub use crate::table::Problem as PlanProblem;
use crate::table::{Cells, Table, read_table};

/// The four files of a plan, as text.
pub struct PlanFiles<'a> {
    pub meta: &'a str,
    pub districts: &'a str,
    pub communes: &'a str,
    pub tasks: &'a str,
}

pub const META_FILE: &str = "ke-hoach.csv";
pub const DISTRICTS_FILE: &str = "districts.csv";
pub const COMMUNES_FILE: &str = "communes.csv";
pub const TASKS_FILE: &str = "tasks.csv";

fn unit_kind(cells: &Cells, problems: &mut Vec<PlanProblem>) -> Option<UnitKind> {
    let value = cells.required("loai", problems)?;
    let kind = UnitKind::from_plan_kind(&value);
    if kind.is_none() {
        problems.push(cells.table.problem(
            cells.line,
            "loai",
            "unknown_unit_kind",
            format!("loại đơn vị “{value}” không xác định (huyen, thi_xa, thanh_pho, xa, phuong)."),
        ));
    }
    kind
}

fn check_unique_names(table: &Table, problems: &mut Vec<PlanProblem>) {
    let mut seen = HashSet::new();
    for (line, row) in &table.rows {
        let name = row.get("ten_don_vi").cloned().unwrap_or_default().to_lowercase();
        if !name.is_empty() && !seen.insert(name) {
            problems.push(table.problem(
                *line,
                "ten_don_vi",
                "duplicate_unit",
                format!("đơn vị “{}” xuất hiện hai lần.", row["ten_don_vi"]),
            ));
        }
    }
}

impl Plan {
    /// Parses the four files; all problems of all files are reported together.
    pub fn parse(files: &PlanFiles) -> Result<Plan, Vec<PlanProblem>> {
        let mut problems = Vec::new();
        let meta = read_table(META_FILE, files.meta, &["khoa", "gia_tri"], &mut problems);
        let districts = read_table(DISTRICTS_FILE, files.districts, &["stt", "ten_don_vi", "loai", "so_bao", "met_gia"], &mut problems);
        let communes = read_table(
            COMMUNES_FILE,
            files.communes,
            &["stt", "ten_don_vi", "loai", "met_gia_mat", "met_gia", "met_gia_truoc_lam_tron", "ghi_chu"],
            &mut problems,
        );
        let tasks = read_table(
            TASKS_FILE,
            files.tasks,
            &["nhom", "stt", "nhiem_vu", "san_pham", "chu_tri", "phoi_hop", "thoi_gian", "bat_dau", "han_chot", "lap_lai"],
            &mut problems,
        );
        let meta = meta.and_then(|t| parse_meta(&t, &mut problems));
        let districts = districts.map(|t| {
            check_unique_names(&t, &mut problems);
            t.rows
                .iter()
                .filter_map(|(line, row)| {
                    let c = Cells { table: &t, line: *line, row };
                    let ordinal = c.integer("stt", &mut problems);
                    let name = c.required("ten_don_vi", &mut problems);
                    let kind = unit_kind(&c, &mut problems);
                    let bags = c.integer("so_bao", &mut problems);
                    let metres = c.metres("met_gia", &mut problems);
                    Some(DistrictTarget { ordinal: ordinal? as u32, name: name?, kind: kind?, bags: bags?, metres: metres? })
                })
                .collect::<Vec<_>>()
        });
        let communes = communes.map(|t| {
            check_unique_names(&t, &mut problems);
            t.rows
                .iter()
                .filter_map(|(line, row)| {
                    let c = Cells { table: &t, line: *line, row };
                    let ordinal = c.integer("stt", &mut problems);
                    let name = c.required("ten_don_vi", &mut problems);
                    let kind = unit_kind(&c, &mut problems);
                    let secret_metres = c.metres("met_gia_mat", &mut problems);
                    let metres = c.metres("met_gia", &mut problems);
                    let before = c.optional_metres("met_gia_truoc_lam_tron", &mut problems);
                    let note = Some(c.text("ghi_chu")).filter(|n| !n.is_empty()).map(str::to_string);
                    Some(CommuneTarget {
                        ordinal: ordinal? as u32,
                        name: name?,
                        kind: kind?,
                        secret_metres: secret_metres?,
                        metres: metres?,
                        metres_before_rounding: before?,
                        note,
                    })
                })
                .collect::<Vec<_>>()
        });
        let tasks = tasks.map(|t| {
            let mut seen = HashSet::new();
            t.rows
                .iter()
                .filter_map(|(line, row)| {
                    let c = Cells { table: &t, line: *line, row };
                    let group_text = c.required("nhom", &mut problems)?;
                    let group = TaskGroup::parse(&group_text);
                    if group.is_none() {
                        problems.push(t.problem(
                            *line,
                            "nhom",
                            "unknown_group",
                            format!("nhóm “{group_text}” không xác định (cap_huyen, cap_xa, chung)."),
                        ));
                    }
                    let ordinal = c.integer("stt", &mut problems);
                    if let (Some(g), Some(o)) = (group, ordinal)
                        && !seen.insert((g as u8, o))
                    {
                        problems.push(t.problem(
                            *line,
                            "stt",
                            "duplicate_task",
                            format!("nhiệm vụ số {o} của nhóm “{group_text}” xuất hiện hai lần."),
                        ));
                    }
                    let recurrence_text = c.text("lap_lai").to_string();
                    let recurrence = if recurrence_text.is_empty() {
                        Some(None)
                    } else {
                        let r = Recurrence::parse(&recurrence_text);
                        if r.is_none() {
                            problems.push(t.problem(
                                *line,
                                "lap_lai",
                                "unknown_recurrence",
                                format!("“{recurrence_text}” không xác định (hang_nam_15_12, hang_nam, thuong_xuyen, dinh_ky)."),
                            ));
                        }
                        r.map(Some)
                    };
                    let starts_on = c.date("bat_dau", &mut problems);
                    let due_on = c.date("han_chot", &mut problems);
                    if let (Some(s), Some(d)) = (&starts_on, &due_on)
                        && d < s
                    {
                        problems.push(t.problem(
                            *line,
                            "han_chot",
                            "end_before_start",
                            format!("hạn chót {} trước ngày bắt đầu {}.", vn::iso_date(d), vn::iso_date(s)),
                        ));
                    }
                    Some(Task {
                        group: group?,
                        ordinal: ordinal? as u32,
                        title: c.required("nhiem_vu", &mut problems)?,
                        product: c.text("san_pham").to_string(),
                        owner: c.required("chu_tri", &mut problems)?,
                        co_agencies: Some(c.text("phoi_hop")).filter(|s| !s.is_empty()).map(str::to_string),
                        period: c.text("thoi_gian").to_string(),
                        starts_on: starts_on?,
                        due_on: due_on?,
                        recurrence: recurrence?,
                    })
                })
                .collect::<Vec<_>>()
        });
        match (meta, districts, communes, tasks) {
            (Some(meta), Some(districts), Some(communes), Some(tasks)) if problems.is_empty() => {
                Ok(Plan { meta, districts, communes, tasks })
            }
            _ => Err(problems),
        }
    }

    /// Totals computed from the rows.
    pub fn computed(&self) -> PlanTotals {
        PlanTotals {
            district_count: self.districts.len(),
            district_bags: self.districts.iter().map(|d| d.bags).sum(),
            district_metres: self.districts.iter().map(|d| d.metres).sum(),
            commune_count: self.communes.len(),
            commune_metres: self.communes.iter().map(|c| c.metres).sum(),
            commune_secret_metres: self.communes.iter().map(|c| c.secret_metres).sum(),
            commune_metres_before_rounding: self.communes.iter().map(|c| c.metres_before_rounding.unwrap_or(c.metres)).sum(),
        }
    }

    /// Every place where the plan disagrees with itself.
    pub fn discrepancies(&self) -> Vec<Discrepancy> {
        let computed = self.computed();
        let meta = &self.meta;
        let mut found = Vec::new();
        let mut total = |code: &'static str, what: &str, where_: &str, stated: String, rows: String, differs: bool| {
            if differs {
                found.push(Discrepancy {
                    code,
                    message: format!("{what}: {where_} ghi {stated}, nhưng cộng các dòng được {rows}."),
                    stated,
                    computed: rows,
                });
            }
        };
        total(
            "district_metres_total",
            "Tổng mét giá cấp huyện",
            "Phụ lục I",
            format!("{} m", meta.district_metres_stated),
            format!("{} m", computed.district_metres),
            meta.district_metres_stated != computed.district_metres,
        );
        total(
            "district_bags_total",
            "Tổng số bao cấp huyện",
            "Phụ lục I",
            vn::integer(meta.district_bags_stated),
            vn::integer(computed.district_bags),
            meta.district_bags_stated != computed.district_bags,
        );
        total(
            "commune_metres_total",
            "Tổng mét giá cấp xã",
            "Phụ lục II",
            format!("{} m", meta.commune_metres_stated),
            format!("{} m ({} xã, phường)", computed.commune_metres, computed.commune_count),
            meta.commune_metres_stated != computed.commune_metres,
        );
        total(
            "commune_secret_metres_total",
            "Tổng mét giá tài liệu mật cấp xã",
            "Phụ lục II",
            format!("{} m", meta.commune_secret_metres_stated),
            format!("{} m", computed.commune_secret_metres),
            meta.commune_secret_metres_stated != computed.commune_secret_metres,
        );
        for commune in &self.communes {
            if let Some(before) = commune.metres_before_rounding {
                if before.rounded() != commune.metres {
                    found.push(Discrepancy {
                        code: "rounding_mismatch",
                        message: format!(
                            "{}: {} m trước làm tròn phải thành {} m, nhưng Phụ lục II ghi {} m.",
                            commune.name,
                            before,
                            before.rounded(),
                            commune.metres
                        ),
                        stated: format!("{} m", commune.metres),
                        computed: format!("{} m", before.rounded()),
                    });
                }
                match rounding_note_value(commune.note.as_deref()) {
                    Some(noted) if noted != before => found.push(Discrepancy {
                        code: "rounding_note_mismatch",
                        message: format!(
                            "{}: ghi chú nói làm tròn từ {} m, nhưng cột trước làm tròn ghi {} m.",
                            commune.name, noted, before
                        ),
                        stated: format!("{noted} m"),
                        computed: format!("{before} m"),
                    }),
                    None => found.push(Discrepancy {
                        code: "rounding_note_missing",
                        message: format!(
                            "{}: có số trước làm tròn ({} m) nhưng ghi chú không nói làm tròn từ bao nhiêu.",
                            commune.name, before
                        ),
                        stated: String::new(),
                        computed: format!("{before} m"),
                    }),
                    _ => {}
                }
            } else if let Some(noted) = rounding_note_value(commune.note.as_deref()) {
                found.push(Discrepancy {
                    code: "rounding_value_missing",
                    message: format!("{}: ghi chú nói làm tròn từ {} m nhưng cột trước làm tròn để trống.", commune.name, noted),
                    stated: format!("{noted} m"),
                    computed: String::new(),
                });
            }
        }
        found
    }
}

/// "Làm tròn từ 87,6" → 87,6 m.
fn rounding_note_value(note: Option<&str>) -> Option<Metres> {
    let note = note?;
    let rest = note.to_lowercase().split_once("làm tròn từ")?.1.trim().to_string();
    let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
    // Vietnamese writes the decimal comma; a dot here would be a thousands separator.
    Metres::parse(&number.replace('.', ""))
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanTotals {
    pub district_count: usize,
    pub district_bags: i64,
    pub district_metres: Metres,
    pub commune_count: usize,
    pub commune_metres: Metres,
    pub commune_secret_metres: Metres,
    pub commune_metres_before_rounding: Metres,
}

/// The plan disagreeing with itself: both numbers, neither trusted silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub code: &'static str,
    pub message: String,
    pub stated: String,
    pub computed: String,
}

fn parse_meta(table: &Table, problems: &mut Vec<PlanProblem>) -> Option<PlanMeta> {
    let mut values: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (line, row) in &table.rows {
        let key = row.get("khoa").map(String::as_str).unwrap_or_default();
        if values.insert(key, (*line, row.get("gia_tri").map(String::as_str).unwrap_or_default())).is_some() {
            problems.push(table.problem(*line, "khoa", "duplicate_key", format!("khóa “{key}” xuất hiện hai lần.")));
        }
    }
    let before = problems.len();
    let get = |key: &str| -> String {
        match values.get(key) {
            Some((_, value)) if !value.is_empty() => value.to_string(),
            Some((line, _)) => {
                problems.push(table.problem(*line, "gia_tri", "required", format!("khóa “{key}” chưa có giá trị.")));
                String::new()
            }
            None => {
                problems.push(PlanProblem {
                    file: table.file.into(),
                    row: 0,
                    column: Some("khoa".into()),
                    code: "missing_key",
                    message: format!("thiếu dòng có khóa “{key}”."),
                });
                String::new()
            }
        }
    };
    let fields = [
        "ten_ke_hoach",
        "co_quan_ban_hanh",
        "tinh",
        "kho_tiep_nhan",
        "cap_huyen_tong_so_bao",
        "cap_huyen_tong_met_gia",
        "cap_huyen_han_chot",
        "cap_xa_tong_met_gia",
        "cap_xa_tong_met_gia_mat",
        "cap_xa_han_chot",
        "cap_xa_giai_doan_uu_tien",
        "cap_xa_giai_doan_mo_rong",
        "bao_cao_hang_nam",
    ]
    .map(get);
    if problems.len() > before {
        return None;
    }
    let [
        name,
        issuer,
        province,
        repository,
        bags,
        metres,
        district_deadline,
        commune_metres,
        secret,
        commune_deadline,
        priority,
        extended,
        report,
    ] = fields;
    let line_of = |key: &str| values.get(key).map(|(l, _)| *l).unwrap_or(0);
    let mut metres_of = |key: &str, value: &str| {
        let parsed = Metres::parse(value);
        if parsed.is_none() {
            problems.push(table.problem(line_of(key), "gia_tri", "not_a_number", format!("“{value}” (khóa {key}) không phải số mét giá.")));
        }
        parsed
    };
    let district_metres = metres_of("cap_huyen_tong_met_gia", &metres);
    let commune_metres = metres_of("cap_xa_tong_met_gia", &commune_metres);
    let secret = metres_of("cap_xa_tong_met_gia_mat", &secret);
    let bags_parsed = bags.parse::<i64>().ok();
    if bags_parsed.is_none() {
        problems.push(table.problem(
            line_of("cap_huyen_tong_so_bao"),
            "gia_tri",
            "not_a_number",
            format!("“{bags}” không phải số nguyên."),
        ));
    }
    for (key, value) in [("cap_huyen_han_chot", &district_deadline), ("cap_xa_han_chot", &commune_deadline)] {
        if crate::date::ArchiveDate::parse(value).is_none_or(|d| d.sortable() != *value) {
            problems.push(table.problem(
                line_of(key),
                "gia_tri",
                "invalid_date",
                format!("“{value}” (khóa {key}) không phải ngày dạng NNNN-TT-NN."),
            ));
        }
    }
    Some(PlanMeta {
        name,
        issuer,
        province,
        repository,
        district_bags_stated: bags_parsed?,
        district_metres_stated: district_metres?,
        district_deadline,
        commune_metres_stated: commune_metres?,
        commune_secret_metres_stated: secret?,
        commune_deadline,
        commune_priority_phase: priority,
        commune_extended_phase: extended,
        annual_report_day: report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: &str = include_str!("../../../demo/dien-bien/ke-hoach.csv");
    const DISTRICTS: &str = include_str!("../../../demo/dien-bien/districts.csv");
    const COMMUNES: &str = include_str!("../../../demo/dien-bien/communes.csv");
    const TASKS: &str = include_str!("../../../demo/dien-bien/tasks.csv");

    fn files<'a>(communes: &'a str, tasks: &'a str) -> PlanFiles<'a> {
        PlanFiles { meta: META, districts: DISTRICTS, communes, tasks }
    }

    #[test]
    fn dien_bien_plan_parses_and_shows_its_one_discrepancy() {
        let plan = Plan::parse(&files(COMMUNES, TASKS)).unwrap();
        assert_eq!(plan.districts.len(), 10);
        assert_eq!(plan.communes.len(), 45);
        assert_eq!(plan.tasks.len(), 17);
        let totals = plan.computed();
        assert_eq!(totals.district_metres, Metres::parse("11153").unwrap());
        assert_eq!(totals.district_bags, 11057);
        assert_eq!(totals.commune_metres.to_string(), "4.689");
        assert_eq!(totals.commune_secret_metres.to_string(), "2,5");
        let muong_ang = plan.communes.iter().find(|c| c.name == "Xã Mường Ảng").unwrap();
        assert_eq!(muong_ang.secret_metres.to_string(), "2,5");
        let discrepancies = plan.discrepancies();
        assert_eq!(discrepancies.len(), 1, "{discrepancies:#?}");
        assert_eq!(discrepancies[0].code, "commune_metres_total");
        assert_eq!(
            discrepancies[0].message,
            "Tổng mét giá cấp xã: Phụ lục II ghi 4.808 m, nhưng cộng các dòng được 4.689 m (45 xã, phường)."
        );
    }

    #[test]
    fn a_rounding_note_that_disagrees_is_reported() {
        let communes = COMMUNES.replace("Xã Mường Phăng,xa,0,88,87.6", "Xã Mường Phăng,xa,0,89,87.6");
        let plan = Plan::parse(&files(&communes, TASKS)).unwrap();
        let codes: Vec<&str> = plan.discrepancies().iter().map(|d| d.code).collect();
        assert!(codes.contains(&"rounding_mismatch"), "{codes:?}");
    }

    #[test]
    fn bad_rows_are_refused_with_their_place() {
        let communes = COMMUNES
            .replace("Xã Mường Phăng,xa,0,88", "Xã Mường Phăng,xa,0,tám mươi tám")
            .replace("2,Phường Mường Thanh", "2,Phường Điện Biên Phủ");
        let problems = Plan::parse(&files(&communes, TASKS)).unwrap_err();
        let found: Vec<(usize, Option<&str>, &str)> = problems.iter().map(|p| (p.row, p.column.as_deref(), p.code)).collect();
        assert!(found.contains(&(3, Some("ten_don_vi"), "duplicate_unit")), "{found:?}");
        assert!(found.contains(&(5, Some("met_gia"), "not_a_number")), "{found:?}");
        assert!(problems.iter().all(|p| p.file == "communes.csv"));
    }

    #[test]
    fn a_missing_column_is_refused() {
        let tasks = TASKS.replacen("han_chot,", "", 1);
        let problems = Plan::parse(&files(COMMUNES, &tasks)).unwrap_err();
        assert!(problems.iter().any(|p| p.code == "missing_column" && p.column.as_deref() == Some("han_chot")), "{problems:?}");
    }

    #[test]
    fn metres_parse_exactly() {
        assert_eq!(Metres::parse("52.62").unwrap().hundredths(), 5262);
        assert_eq!(Metres::parse("2,5").unwrap().hundredths(), 250);
        assert_eq!(Metres::parse("87.6").unwrap().rounded().to_string(), "88");
        assert_eq!(Metres::parse("294.5").unwrap().rounded().to_string(), "295");
        assert!(Metres::parse("-1").is_none());
        assert!(Metres::parse("1.234").is_none());
    }
}

/// A stage of the plan's work, as work done outside Kho is entered against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum WorkStage {
    Received,
    Arranged,
    Destroyed,
    Digitized,
    HandedOver,
}

impl From<WorkStage> for &'static str {
    /// Its code, as it is entered.
    fn from(stage: WorkStage) -> &'static str {
        stage.code()
    }
}

impl WorkStage {
    pub const ALL: [WorkStage; 5] =
        [WorkStage::Received, WorkStage::Arranged, WorkStage::Destroyed, WorkStage::Digitized, WorkStage::HandedOver];

    pub fn code(self) -> &'static str {
        match self {
            WorkStage::Received => "tiep_nhan",
            WorkStage::Arranged => "chinh_ly",
            WorkStage::Destroyed => "huy",
            WorkStage::Digitized => "so_hoa",
            WorkStage::HandedOver => "ban_giao",
        }
    }

    pub fn from_code(code: &str) -> Option<WorkStage> {
        WorkStage::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            WorkStage::Received => "Tiếp nhận",
            WorkStage::Arranged => "Chỉnh lý",
            WorkStage::Destroyed => "Tiêu hủy tài liệu hết giá trị",
            WorkStage::Digitized => "Số hóa",
            WorkStage::HandedOver => "Bàn giao tài liệu số",
        }
    }

    /// What its quantity counts.
    pub fn unit(self) -> &'static str {
        match self {
            WorkStage::Received | WorkStage::Arranged | WorkStage::Destroyed => "mét giá",
            WorkStage::Digitized => "trang",
            WorkStage::HandedOver => "hồ sơ",
        }
    }

    /// Whether its quantity is in metres (kept in hundredths), else a count.
    pub fn in_metres(self) -> bool {
        matches!(self, WorkStage::Received | WorkStage::Arranged | WorkStage::Destroyed)
    }
}

/// Work done outside Kho (before Kho was used, or recorded by another system), as the form gives
/// it: which unit, which stage, how much, when, and the document that attests it.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct OutsideWorkInput {
    /// tiep_nhan, chinh_ly, huy (tiêu hủy), so_hoa, ban_giao (bàn giao tài liệu số).
    #[serde(deserialize_with = "crate::record::text_like")]
    pub stage: String,
    /// Mét giá (tiếp nhận, chỉnh lý, tiêu hủy), số trang (số hóa) hoặc số hồ sơ (bàn giao).
    #[serde(deserialize_with = "crate::record::text_like")]
    pub quantity: String,
    /// Ngày thực hiện (DD/MM/YYYY hoặc YYYY-MM-DD).
    #[serde(deserialize_with = "crate::record::text_like")]
    pub done_on: String,
    /// Văn bản làm căn cứ: số, ngày, cơ quan.
    #[serde(deserialize_with = "crate::record::text_like")]
    pub source: String,
}

/// Work done outside Kho, every value checked. `quantity` in hundredths of a metre or a count.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutsideWork {
    pub stage: WorkStage,
    pub quantity: i64,
    pub done_on: crate::ArchiveDate,
    pub source: String,
}

impl OutsideWorkInput {
    pub fn parse(&self) -> Result<OutsideWork, crate::Invalid> {
        use crate::error::{Collector, FieldError};
        let mut c = Collector::default();
        let stage = WorkStage::from_code(&self.stage);
        if stage.is_none() {
            c.push(FieldError::new("stage", "unknown", "Công việc: chọn một trong tiếp nhận, chỉnh lý, tiêu hủy, số hóa, bàn giao."));
        }
        let quantity = match stage {
            Some(s) if s.in_metres() => match Metres::parse(&self.quantity) {
                Some(m) if m.hundredths() > 0 => Some(m.hundredths()),
                _ => {
                    c.push(FieldError::new(
                        "quantity",
                        "not_a_number",
                        format!("Khối lượng: “{}” không phải số mét giá lớn hơn 0 (ví dụ 15,5).", self.quantity.trim()),
                    ));
                    None
                }
            },
            Some(_) => c.take(crate::text::number("quantity", "Khối lượng", &self.quantity, 1, 1_000_000_000).map(|n| n as i64)),
            None => None,
        };
        let done_on = c.take(crate::ArchiveDate::parse_field("doneOn", "Ngày thực hiện", &self.done_on));
        let source = c.take(crate::text::required("source", "Văn bản làm căn cứ (số, ngày, cơ quan)", &self.source, 500));
        c.finish()?;
        Ok(OutsideWork {
            stage: stage.expect("checked"),
            quantity: quantity.expect("checked"),
            done_on: done_on.expect("checked"),
            source: source.expect("checked"),
        })
    }
}
