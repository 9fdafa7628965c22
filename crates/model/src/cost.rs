//! Định mức và dự toán: the labour and prices the plan's work costs, and the estimate they give
//! for each unit and year, set against the budget allocated (Sở Tài chính) and what was spent.
//!
//! Every norm is configurable (Kinh phí › Định mức, or `kho plan norms FILE.csv`); the defaults
//! below are Điện Biên's starting set, each with where its figure comes from. Where the official
//! figure could not be read (TT 16/2023/TT-BNV's appendices, TT 04/2014/TT-BNV's tables), the
//! default says it is an assumption, to be replaced by the province's own đơn giá.
//!
//! Values are kept exactly in thousandths ([`Milli`]): 0,15 phút is 150.

use serde::Serialize;

/// A quantity in thousandths: 12 công is 12 000, 0,15 phút is 150.
pub type Milli = i64;

crate::codes::code_list! {
    /// How much work a unit's papers need in chỉnh lý (TT 16/2023: the process at hệ số 1 and
    /// the complexity coefficients of Phụ lục III).
    Complexity {
        Sorted = "01": "Đã lập hồ sơ sơ bộ",
        Mixed = "02": "Vừa có hồ sơ sơ bộ vừa rời lẻ",
        Loose = "03": "Rời lẻ, bó gói",
    }
}

crate::codes::code_list! {
    /// One norm of the set.
    Norm {
        ArrangeSorted = "chinh_ly_so_bo": "Chỉnh lý tài liệu đã lập hồ sơ sơ bộ",
        ArrangeMixed = "chinh_ly_hon_hop": "Chỉnh lý tài liệu vừa có hồ sơ sơ bộ vừa rời lẻ",
        ArrangeLoose = "chinh_ly_roi_le": "Chỉnh lý tài liệu rời lẻ, bó gói",
        Materials = "vat_tu_met": "Vật tư chỉnh lý (hộp, bìa, nhãn)",
        KeptShare = "ty_le_so_hoa": "Phần tài liệu còn lại sau chỉnh lý, được số hóa",
        PagesPerMetre = "trang_moi_met": "Trang A4 quy đổi mỗi mét giá",
        ScanMinutes = "phut_quet": "Quét một trang",
        CheckMinutes = "phut_kiem_tra": "Kiểm tra chất lượng một trang",
        OcrMinutes = "phut_sua_ocr": "Hiệu đính văn bản nhận dạng (OCR) một trang",
        DossiersPerMetre = "ho_so_moi_met": "Hồ sơ mỗi mét giá",
        PermanentShare = "ty_le_vinh_vien": "Phần hồ sơ bảo quản vĩnh viễn, phải bàn giao cho lưu trữ lịch sử",
        DocumentsPerDossier = "van_ban_moi_ho_so": "Văn bản mỗi hồ sơ",
        DossierEntryMinutes = "phut_nhap_ho_so": "Nhập dữ liệu một hồ sơ",
        DocumentEntryMinutes = "phut_nhap_van_ban": "Nhập dữ liệu một văn bản",
        DayPrice = "don_gia_cong": "Đơn giá một công (8 giờ)",
        PageOtherCost = "chi_phi_khac_trang": "Thiết bị, phần mềm, lưu trữ mỗi trang số hóa",
    }
}

impl Norm {
    /// The unit the norm is counted in.
    pub fn unit(self) -> &'static str {
        match self {
            Norm::ArrangeSorted | Norm::ArrangeMixed | Norm::ArrangeLoose => "công/mét giá",
            Norm::Materials => "đồng/mét giá",
            Norm::KeptShare | Norm::PermanentShare => "%",
            Norm::PagesPerMetre => "trang/mét giá",
            Norm::ScanMinutes | Norm::CheckMinutes | Norm::OcrMinutes => "phút/trang",
            Norm::DossiersPerMetre => "hồ sơ/mét giá",
            Norm::DocumentsPerDossier => "văn bản/hồ sơ",
            Norm::DossierEntryMinutes => "phút/hồ sơ",
            Norm::DocumentEntryMinutes => "phút/văn bản",
            Norm::DayPrice => "đồng/công",
            Norm::PageOtherCost => "đồng/trang",
        }
    }

    /// Điện Biên's default, in thousandths, and where it comes from
    /// (`reference/research/norms/FINDINGS.md`).
    pub fn default_value(self) -> (Milli, &'static str) {
        const ASSUMED: &str = "Giả định: TT 16/2023/TT-BNV chưa đối chiếu được số liệu Phụ lục I–III; thay bằng đơn giá của tỉnh";
        const ASSUMED_PAGE: &str = "Giả định: định mức số hóa (TT 04/2014/TT-BNV) chưa đối chiếu được bảng số liệu";
        match self {
            Norm::ArrangeSorted => (8_000, ASSUMED),
            Norm::ArrangeMixed => (12_000, ASSUMED),
            Norm::ArrangeLoose => (18_000, ASSUMED),
            Norm::Materials => (600_000_000, "Giả định: 8 hộp (TCVN 9252:2012) và 50 bìa hồ sơ mỗi mét"),
            Norm::KeptShare => (70_000, "Kế hoạch mục IV: số hóa toàn bộ tài liệu còn lại sau chỉnh lý; phần loại hủy (30 %) là giả định"),
            Norm::PagesPerMetre => (5_000_000, "TP Cần Thơ 11/2025: 5.596,08 mét giá = 27.980.400 trang A4"),
            Norm::ScanMinutes => (500, ASSUMED_PAGE),
            Norm::CheckMinutes => (150, ASSUMED_PAGE),
            Norm::OcrMinutes => (1_500, ASSUMED_PAGE),
            Norm::DossiersPerMetre => (50_000, "Giả định: khoảng 100 trang mỗi hồ sơ (Bắc Ninh: bình quân 105 trang)"),
            Norm::DocumentsPerDossier => (10_000, "Giả định"),
            Norm::PermanentShare => (
                30_000,
                "Giả định: kế hoạch giao bàn giao tài liệu vĩnh viễn của cấp xã trước 15/12/2035; thay bằng tỷ lệ thực tế khi đã biên mục",
            ),
            Norm::DossierEntryMinutes => (5_000, ASSUMED_PAGE),
            Norm::DocumentEntryMinutes => (2_000, ASSUMED_PAGE),
            Norm::DayPrice => {
                (307_000_000, "Lương cơ sở 2.340.000 đ (NĐ 73/2024) × hệ số 2,34, cộng các khoản đóng góp, chia 22 ngày công")
            }
            Norm::PageOtherCost => (3_000_000, "Giả định: để tổng chi phí gần 5.000 đ/trang như TP Cần Thơ 11/2025"),
        }
    }

    /// The norm of chỉnh lý for a complexity.
    pub fn arrangement(complexity: Complexity) -> Norm {
        match complexity {
            Complexity::Sorted => Norm::ArrangeSorted,
            Complexity::Mixed => Norm::ArrangeMixed,
            Complexity::Loose => Norm::ArrangeLoose,
        }
    }
}

/// A value as people write it: "12", "0,15", "0.15", "307.000", "307 000", "2.340.000,5". A comma
/// is the decimal mark; dots before groups of three digits (and spaces) group thousands; a dot
/// followed by other than three digits is a decimal mark. At most three decimals; never negative.
pub fn parse_milli(input: &str) -> Option<Milli> {
    let text: String = input.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return None;
    }
    let (whole, fraction) = match text.split_once(',') {
        Some((whole, fraction)) => (whole.replace('.', ""), fraction.to_string()),
        None => {
            let groups: Vec<&str> = text.split('.').collect();
            let thousands = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) && (1..=3).contains(&groups[0].len());
            if thousands || groups.len() == 1 {
                (groups.concat(), String::new())
            } else if groups.len() == 2 {
                (groups[0].to_string(), groups[1].to_string())
            } else {
                return None;
            }
        }
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&whole) || (!fraction.is_empty() && !digits(&fraction)) || fraction.len() > 3 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<3}").parse().ok()? };
    whole.checked_mul(1000)?.checked_add(fraction)
}

/// A value in thousandths as a Vietnamese reader writes it: "12", "0,15", "307.000".
pub fn milli_text(value: Milli) -> String {
    let whole = crate::vn::integer(value / 1000);
    match value % 1000 {
        0 => whole,
        fraction => format!("{whole},{}", format!("{fraction:03}").trim_end_matches('0')),
    }
}

/// The norms in force: every norm, its value and source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Norms {
    values: std::collections::BTreeMap<Norm, (Milli, String)>,
}

impl Default for Norms {
    fn default() -> Self {
        Norms { values: Norm::ALL.iter().map(|n| (*n, (n.default_value().0, n.default_value().1.to_string()))).collect() }
    }
}

impl Norms {
    pub fn value(&self, norm: Norm) -> Milli {
        self.values.get(&norm).map(|(v, _)| *v).unwrap_or_else(|| norm.default_value().0)
    }

    pub fn source(&self, norm: Norm) -> &str {
        self.values.get(&norm).map(|(_, s)| s.as_str()).unwrap_or("")
    }

    pub fn set(&mut self, norm: Norm, value: Milli, source: &str) {
        self.values.insert(norm, (value, source.to_string()));
    }

    /// As a number, for the estimate.
    fn f(&self, norm: Norm) -> f64 {
        self.value(norm) as f64 / 1000.0
    }

    /// The set as a CSV of `ma,gia_tri,nguon` (with the name and unit, for whoever edits it).
    pub fn to_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(vec![]);
        out.write_record(["ma", "ten", "gia_tri", "don_vi", "nguon"]).expect("write to memory");
        for norm in Norm::ALL {
            out.write_record([norm.code(), norm.label(), &milli_text(self.value(*norm)), norm.unit(), self.source(*norm)])
                .expect("write to memory");
        }
        String::from_utf8(out.into_inner().expect("write to memory")).expect("UTF-8")
    }

    /// Reads a CSV as [`Norms::to_csv`] writes it (only `ma` and `gia_tri` are required; a norm
    /// left out keeps its value in `self`). Every line in error is named; nothing is taken from a
    /// file with any.
    pub fn read_csv(&self, text: &str) -> Result<Norms, Vec<String>> {
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
            Err(_) => return Err(vec!["Tệp không đọc được như CSV (UTF-8, dấu phẩy).".into()]),
        };
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (Some(code_at), Some(value_at)) = (column("ma"), column("gia_tri")) else {
            return Err(vec!["Thiếu cột “ma” hoặc “gia_tri” ở dòng tiêu đề.".into()]);
        };
        let source_at = column("nguon");
        let (mut norms, mut problems) = (self.clone(), vec![]);
        for (n, record) in reader.records().enumerate() {
            let line = n + 2;
            let Ok(record) = record else {
                problems.push(format!("Dòng {line}: không đọc được."));
                continue;
            };
            let code = record.get(code_at).unwrap_or("").trim();
            let Some(norm) = Norm::from_code(code) else {
                problems.push(format!("Dòng {line}: không có định mức mã “{code}”."));
                continue;
            };
            let written = record.get(value_at).unwrap_or("").trim();
            match parse_milli(written).and_then(|v| norm_in_bounds(norm, v)) {
                Some(value) => {
                    let source = source_at.and_then(|i| record.get(i)).map(str::trim).filter(|s| !s.is_empty());
                    norms.set(norm, value, source.unwrap_or(self.source(norm)));
                }
                None => problems.push(format!("Dòng {line} ({}): “{written}” không phải giá trị hợp lệ ({}).", norm.label(), norm.unit())),
            }
        }
        if problems.is_empty() { Ok(norms) } else { Err(problems) }
    }
}

/// A value the norm can take: a share at most 100 %, pages per metre at least one, anything below
/// a thousand billion.
pub fn norm_in_bounds(norm: Norm, value: Milli) -> Option<Milli> {
    let ok = match norm {
        Norm::KeptShare | Norm::PermanentShare => value <= 100_000,
        Norm::PagesPerMetre | Norm::DossiersPerMetre => (1_000..=1_000_000_000).contains(&value),
        _ => value <= 1_000_000_000_000_000,
    };
    ok.then_some(value)
}

/// What a unit's line of the plan costs by the norms: the whole line, and what remains after the
/// work done so far. Days (công) and pages as numbers, costs in đồng.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub arrangement_days: f64,
    pub pages: f64,
    pub digitization_days: f64,
    pub entry_days: f64,
    pub cost: i64,
}

impl Estimate {
    pub fn days(&self) -> f64 {
        self.arrangement_days + self.digitization_days + self.entry_days
    }
}

impl std::ops::AddAssign<&Estimate> for Estimate {
    fn add_assign(&mut self, other: &Estimate) {
        self.arrangement_days += other.arrangement_days;
        self.pages += other.pages;
        self.digitization_days += other.digitization_days;
        self.entry_days += other.entry_days;
        self.cost += other.cost;
    }
}

/// How much of a unit's line is done: metres arranged (hundredths), pages scanned, hồ sơ described.
#[derive(Debug, Clone, Copy, Default)]
pub struct Done {
    pub arranged: i64,
    pub pages: i64,
    pub dossiers: i64,
}

/// The estimate for `metres` (hundredths) of papers of `complexity`, less what is `done`: chỉnh
/// lý and its materials by the metre, số hóa by the page of what is kept, data entry by the hồ sơ
/// and văn bản those metres hold; labour at the day's price.
pub fn estimate(norms: &Norms, metres: i64, complexity: Complexity, done: Done) -> Estimate {
    let metres_left = (metres - done.arranged).max(0) as f64 / 100.0;
    let all_metres = metres.max(0) as f64 / 100.0;
    let pages = (all_metres * norms.f(Norm::PagesPerMetre) * norms.f(Norm::KeptShare) / 100.0 - done.pages as f64).max(0.0);
    let dossiers = (all_metres * norms.f(Norm::DossiersPerMetre) * norms.f(Norm::KeptShare) / 100.0 - done.dossiers as f64).max(0.0);
    let arrangement_days = metres_left * norms.f(Norm::arrangement(complexity));
    let page_minutes = norms.f(Norm::ScanMinutes) + norms.f(Norm::CheckMinutes) + norms.f(Norm::OcrMinutes);
    let digitization_days = pages * page_minutes / 480.0;
    let entry_minutes = norms.f(Norm::DossierEntryMinutes) + norms.f(Norm::DocumentsPerDossier) * norms.f(Norm::DocumentEntryMinutes);
    let entry_days = dossiers * entry_minutes / 480.0;
    let cost = (arrangement_days + digitization_days + entry_days) * norms.f(Norm::DayPrice)
        + metres_left * norms.f(Norm::Materials)
        + pages * norms.f(Norm::PageOtherCost);
    Estimate { arrangement_days, pages, digitization_days, entry_days, cost: cost.round() as i64 }
}

/// `total` spread evenly over the years `from..=until` (the last year takes the rounding), as
/// (year, amount); nothing when the span is empty.
pub fn spread(total: i64, from: i32, until: i32) -> Vec<(i32, i64)> {
    if until < from {
        return vec![];
    }
    let years = (until - from + 1) as i64;
    let each = total / years;
    (from..=until).map(|y| (y, if y == until { total - each * (years - 1) } else { each })).collect()
}

crate::codes::code_list! {
    /// A line of the budget: allocated to the plan (Sở Tài chính's decision) or spent.
    BudgetKind {
        Allocated = "giao": "Kinh phí được giao",
        Spent = "chi": "Kinh phí đã chi",
    }
}

/// A budget line as a form (or the API) sends it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BudgetInput {
    /// Năm ngân sách.
    #[serde(alias = "nam", deserialize_with = "crate::record::text_like")]
    pub year: String,
    /// giao (kinh phí được giao) hoặc chi (kinh phí đã chi).
    #[serde(alias = "loai", deserialize_with = "crate::record::text_like")]
    pub kind: String,
    /// Số tiền, đồng (viết như người Việt viết: 1.250.000.000).
    #[serde(alias = "so_tien", deserialize_with = "crate::record::text_like")]
    pub amount: String,
    /// Căn cứ: quyết định giao dự toán, chứng từ chi.
    #[serde(alias = "can_cu", deserialize_with = "crate::record::text_like")]
    pub source: String,
}

/// A budget line, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetLine {
    pub year: i32,
    pub kind: BudgetKind,
    /// Đồng.
    pub amount: i64,
    /// The decision or voucher it comes from.
    pub source: String,
}

impl BudgetInput {
    /// Checks every field, each refusal in words.
    pub fn parse(&self, plan_years: std::ops::RangeInclusive<i32>) -> Result<BudgetLine, crate::Invalid> {
        use crate::FieldError;
        let mut errors = vec![];
        let year = self.year.trim().parse::<i32>().ok().filter(|y| plan_years.contains(y));
        if year.is_none() {
            errors.push(FieldError::new(
                "year",
                "invalid_year",
                format!("Năm: ghi một năm của kế hoạch, từ {} đến {}.", plan_years.start(), plan_years.end()),
            ));
        }
        let kind = BudgetKind::from_code(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new("kind", "invalid_kind", "Loại: chọn kinh phí được giao hoặc đã chi."));
        }
        let amount = parse_milli(&self.amount).filter(|v| v % 1000 == 0 && *v > 0 && *v <= 1_000_000_000_000_000).map(|v| v / 1000);
        if amount.is_none() {
            errors.push(FieldError::new(
                "amount",
                "invalid_amount",
                "Số tiền: ghi số đồng, lớn hơn 0, không có phần lẻ (ví dụ 1.500.000.000).",
            ));
        }
        let source = self.source.trim();
        if source.is_empty() || source.chars().count() > 500 {
            errors.push(FieldError::new(
                "source",
                "invalid_source",
                "Căn cứ: ghi quyết định giao dự toán hoặc chứng từ chi (số, ngày, cơ quan ban hành), tối đa 500 ký tự.",
            ));
        }
        match (year, kind, amount) {
            (Some(year), Some(kind), Some(amount)) if errors.is_empty() => {
                Ok(BudgetLine { year, kind, amount, source: source.to_string() })
            }
            _ => Err(crate::Invalid { errors }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_people_write_them() {
        for (written, milli) in [
            ("12", Some(12_000)),
            ("0,15", Some(150)),
            ("0.15", Some(150)),
            ("1.5", Some(1_500)),
            ("307.000", Some(307_000_000)),
            ("307 000", Some(307_000_000)),
            ("2.340.000", Some(2_340_000_000)),
            ("2.340.000,5", Some(2_340_000_500)),
            ("5000", Some(5_000_000)),
            ("", None),
            ("-3", None),
            ("1,2345", None),
            ("1.2.3", None),
            ("abc", None),
            ("1e9", None),
        ] {
            assert_eq!(parse_milli(written), milli, "{written}");
        }
        assert_eq!(milli_text(150), "0,15");
        assert_eq!(milli_text(307_000_000), "307.000");
        assert_eq!(milli_text(12_500), "12,5");
    }

    /// One metre of mixed papers, nothing done, by the defaults: 12 công of chỉnh lý; 3,500 pages
    /// (70 % of 5,000) at 2,15 minutes; 35 hồ sơ of 10 văn bản at 5 + 10 × 2 minutes.
    #[test]
    fn an_estimate_is_the_norms_applied_to_what_remains() {
        let norms = Norms::default();
        let e = estimate(&norms, 100, Complexity::Mixed, Done::default());
        assert_eq!(e.arrangement_days, 12.0);
        assert_eq!(e.pages, 3_500.0);
        assert!((e.digitization_days - 3_500.0 * 2.15 / 480.0).abs() < 1e-9);
        assert!((e.entry_days - 35.0 * 25.0 / 480.0).abs() < 1e-9);
        let cost: f64 = (12.0 + 3_500.0 * 2.15 / 480.0 + 35.0 * 25.0 / 480.0) * 307_000.0 + 600_000.0 + 3_500.0 * 3_000.0;
        assert_eq!(e.cost, cost.round() as i64);
        // Done: the metre arranged, every page scanned, every hồ sơ described: nothing remains.
        let done = estimate(&norms, 100, Complexity::Mixed, Done { arranged: 100, pages: 3_500, dossiers: 35 });
        assert_eq!(done, Estimate::default());
        // More done than planned is not a negative cost.
        assert_eq!(estimate(&norms, 100, Complexity::Loose, Done { arranged: 500, pages: 9_000, dossiers: 99 }).cost, 0);
    }

    #[test]
    fn a_total_spreads_over_the_years_to_the_last() {
        assert_eq!(spread(100, 2026, 2028), vec![(2026, 33), (2027, 33), (2028, 34)]);
        assert_eq!(spread(100, 2031, 2030), vec![]);
    }

    #[test]
    fn norms_round_trip_through_csv_and_refuse_lines_in_error() {
        let mut norms = Norms::default();
        norms.set(Norm::DayPrice, 350_000_000, "QĐ 12/2026/QĐ-UBND");
        let read = Norms::default().read_csv(&norms.to_csv()).unwrap();
        assert_eq!(read, norms);
        let problems = Norms::default().read_csv("ma,gia_tri\nphut_quet,abc\nkhong_co,1\nty_le_so_hoa,120\n").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("Dòng 2") && problems[1].contains("khong_co"), "{problems:?}");
        assert!(Norms::default().read_csv("x,y\n1,2\n").is_err());
    }

    #[test]
    fn a_budget_line_is_refused_field_by_field() {
        let input = BudgetInput { year: "2040".into(), kind: "x".into(), amount: "1,5".into(), source: " ".into() };
        let Err(crate::Invalid { errors }) = input.parse(2026..=2035) else { panic!() };
        assert_eq!(errors.len(), 4);
        let input = BudgetInput {
            year: "2027".into(),
            kind: "giao".into(),
            amount: "1.500.000.000".into(),
            source: "QĐ 45/QĐ-UBND ngày 10/01/2027".into(),
        };
        assert_eq!(input.parse(2026..=2035).unwrap().amount, 1_500_000_000);
    }
}
