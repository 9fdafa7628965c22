//! Hủy tài liệu hết giá trị per TT 06/2025/TT-BNV: a danh mục of expired or duplicate hồ sơ is
//! proposed ("Xem xét hủy"), reviewed by the Hội đồng xác định giá trị, appraised by the competent
//! body, decided by the head of the agency, and destroyed within 15 days of the decision with a
//! biên bản hủy. Nothing is deleted: destroyed hồ sơ stay in the catalogue, marked, with the trail.

use crate::codes::Maintenance;
use crate::date::ArchiveDate;
use serde::{Deserialize, Serialize};

/// Days allowed between the decision and the destruction.
pub const DAYS_TO_DESTROY: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Danh mục and bản thuyết minh drawn up: the hồ sơ are "Xem xét hủy".
    Proposed,
    /// The Hội đồng xác định giá trị has given its opinions.
    Reviewed,
    /// The competent body's appraisal letter is recorded.
    Appraised,
    /// The head of the agency decided the destruction.
    Decided,
    /// Destroyed; the biên bản hủy is made.
    Destroyed,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Proposed, Stage::Reviewed, Stage::Appraised, Stage::Decided, Stage::Destroyed];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Proposed => "de_nghi",
            Stage::Reviewed => "hoi_dong",
            Stage::Appraised => "tham_dinh",
            Stage::Decided => "quyet_dinh",
            Stage::Destroyed => "da_huy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Proposed => "Xem xét hủy",
            Stage::Reviewed => "Hội đồng xác định giá trị đã xem xét",
            Stage::Appraised => "Cơ quan có thẩm quyền đã thẩm định",
            Stage::Decided => "Đã có quyết định hủy",
            Stage::Destroyed => "Đã hủy",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The stage that follows, if any.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.iter().copied().find(|s| *s > self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Expired,
    Duplicate,
}

impl Reason {
    pub const ALL: [Reason; 2] = [Reason::Expired, Reason::Duplicate];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Expired => "het_han",
            Reason::Duplicate => "trung_lap",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reason::Expired => "Hết thời hạn lưu trữ",
            Reason::Duplicate => "Trùng lặp",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Whether a hồ sơ may be proposed for destruction for `reason` in `year`: an expired one only
/// when its retention has run out (counted from the year the matter closed) and never when
/// permanent; a duplicate at any time.
/// `years` are a code 07 retention's own ("5 năm").
pub fn eligible(maintenance: Maintenance, years: Option<u16>, end: &ArchiveDate, reason: Reason, year: u16) -> Result<(), String> {
    match reason {
        Reason::Duplicate => Ok(()),
        Reason::Expired => match maintenance.years().or(years.filter(|_| maintenance == Maintenance::Other)) {
            None if maintenance == Maintenance::Permanent => Err("hồ sơ bảo quản vĩnh viễn không được hủy vì hết thời hạn".into()),
            None => Err("thời hạn “Khác” phải xác định cụ thể trước khi đề nghị hủy".into()),
            Some(years) => {
                let expires = end.year() + years;
                if expires < year { Ok(()) } else { Err(format!("còn thời hạn bảo quản đến hết năm {expires}")) }
            }
        },
    }
}

/// Whether the destruction came later than 15 days after the decision (ISO dates).
pub fn late(decided_on: &ArchiveDate, destroyed_on: &ArchiveDate) -> bool {
    let days = |d: &ArchiveDate| {
        let (y, m, day) = d.earliest();
        // Days since an epoch; only differences matter.
        let (y, m) = if m <= 2 { (y as i64 - 1, m as i64 + 12) } else { (y as i64, m as i64) };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + day as i64
    };
    days(destroyed_on) - days(decided_on) > DAYS_TO_DESTROY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_has_expired_or_is_duplicate_may_be_proposed() {
        let end = ArchiveDate::parse("2010").unwrap();
        assert!(eligible(Maintenance::Years10, None, &end, Reason::Expired, 2026).is_ok());
        assert!(eligible(Maintenance::Years20, None, &end, Reason::Expired, 2026).unwrap_err().contains("2030"));
        assert!(eligible(Maintenance::Permanent, None, &end, Reason::Expired, 2026).is_err());
        assert!(eligible(Maintenance::Permanent, None, &end, Reason::Duplicate, 2026).is_ok());
        assert!(eligible(Maintenance::Other, Some(5), &end, Reason::Expired, 2026).is_ok(), "5 năm, code 07");
        assert!(eligible(Maintenance::Other, None, &end, Reason::Expired, 2026).is_err(), "Khác without years");
    }

    #[test]
    fn destruction_is_late_after_15_days() {
        let d = |s| ArchiveDate::parse(s).unwrap();
        assert!(!late(&d("20/12/2026"), &d("04/01/2027")));
        assert!(late(&d("20/12/2026"), &d("05/01/2027")));
        assert_eq!(Stage::Proposed.next(), Some(Stage::Reviewed));
        assert_eq!(Stage::Destroyed.next(), None);
    }
}
