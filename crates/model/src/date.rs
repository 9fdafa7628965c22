//! Dates as TT 05/2025 allows them: DD/MM/YYYY, MM/YYYY or YYYY.
//!
//! Old files often know only a month or a year. An [`ArchiveDate`] keeps exactly the precision it
//! was given; it is stored in the sortable form "YYYY", "YYYY-MM" or "YYYY-MM-DD".

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct ArchiveDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl ArchiveDate {
    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn full(year: u16, month: u8, day: u8) -> Option<Self> {
        let date = ArchiveDate { year, month: Some(month), day: Some(day) };
        date.is_real().then_some(date)
    }

    /// A date known to the year only.
    pub fn of_year(year: u16) -> Option<Self> {
        let date = ArchiveDate { year, month: None, day: None };
        date.is_real().then_some(date)
    }

    /// A date known to the month.
    pub fn of_month(year: u16, month: u8) -> Option<Self> {
        let date = ArchiveDate { year, month: Some(month), day: None };
        date.is_real().then_some(date)
    }

    /// The same date kept only to the month (a cell formatted `mm/yyyy` shows no day).
    pub fn to_month(self) -> Self {
        ArchiveDate { day: None, ..self }
    }

    /// The same date kept only to the year (a cell formatted `yyyy`).
    pub fn to_year(self) -> Self {
        ArchiveDate { month: None, day: None, ..self }
    }

    /// Parses "DD/MM/YYYY", "D/M/YYYY", "MM/YYYY" or "YYYY" (also with '-' or '.' between parts).
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.trim();
        let parts: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
        let number = |s: &str, max_len: usize| -> Option<u32> {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
        };
        let year = |s: &str| -> Option<u16> { (s.len() == 4).then(|| number(s, 4)).flatten().map(|y| y as u16) };
        let date = match parts.as_slice() {
            [y] => ArchiveDate { year: year(y)?, month: None, day: None },
            // As stored: YYYY-MM
            [y, m] if y.len() == 4 => ArchiveDate { year: year(y)?, month: Some(number(m, 2)? as u8), day: None },
            [m, y] => ArchiveDate { year: year(y)?, month: Some(number(m, 2)? as u8), day: None },
            // ISO as stored: YYYY-MM-DD
            [y, m, d] if y.len() == 4 => ArchiveDate { year: year(y)?, month: Some(number(m, 2)? as u8), day: Some(number(d, 2)? as u8) },
            [d, m, y] => ArchiveDate { year: year(y)?, month: Some(number(m, 2)? as u8), day: Some(number(d, 2)? as u8) },
            _ => return None,
        };
        date.is_real().then_some(date)
    }

    /// Parses a required date field with a message naming the accepted forms.
    pub fn parse_field(field: &str, label: &str, input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::required(field, label));
        }
        ArchiveDate::parse(input).ok_or_else(|| {
            FieldError::new(
                field,
                "invalid_date",
                format!("{label}: “{}” không phải ngày hợp lệ; ghi theo dạng NN/TT/NNNN, TT/NNNN hoặc NNNN.", input.trim()),
            )
        })
    }

    pub fn parse_optional(field: &str, label: &str, input: &str) -> Result<Option<Self>, FieldError> {
        if input.trim().is_empty() { Ok(None) } else { ArchiveDate::parse_field(field, label, input).map(Some) }
    }

    /// The stored, sortable form: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    pub fn sortable(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The first day this date can mean, as (year, month, day).
    pub fn earliest(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date can mean.
    pub fn latest(&self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        (self.year, month, self.day.unwrap_or_else(|| days_in_month(self.year, month)))
    }

    fn is_real(&self) -> bool {
        if !(1000..=9999).contains(&self.year) {
            return false;
        }
        match (self.month, self.day) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(self.year, m),
            (None, Some(_)) => false,
        }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        _ => 28,
    }
}

/// Refuses an end date that is certainly before the start date.
pub fn check_range(field: &str, start: &ArchiveDate, end: &ArchiveDate) -> Result<(), FieldError> {
    if end.latest() < start.earliest() {
        return Err(FieldError::new(field, "end_before_start", format!("Thời gian kết thúc ({end}) trước thời gian bắt đầu ({start}).")));
    }
    Ok(())
}

/// TT05's written form: DD/MM/YYYY, MM/YYYY or YYYY.
impl fmt::Display for ArchiveDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{d:02}/{m:02}/{:04}", self.year),
            (Some(m), None) => write!(f, "{m:02}/{:04}", self.year),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

impl From<ArchiveDate> for String {
    fn from(date: ArchiveDate) -> String {
        date.to_string()
    }
}

impl TryFrom<String> for ArchiveDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        ArchiveDate::parse(&value).ok_or_else(|| format!("“{value}” không phải ngày hợp lệ"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_precisions_round_trip() {
        for (input, shown, stored) in [
            ("05/03/2015", "05/03/2015", "2015-03-05"),
            ("5/3/2015", "05/03/2015", "2015-03-05"),
            ("03/2016", "03/2016", "2016-03"),
            ("2015", "2015", "2015"),
            ("2015-03-05", "05/03/2015", "2015-03-05"),
        ] {
            let date = ArchiveDate::parse(input).unwrap();
            assert_eq!(date.to_string(), shown);
            assert_eq!(date.sortable(), stored);
            assert_eq!(ArchiveDate::parse(&date.sortable()), Some(date));
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for input in ["31/02/2015", "29/02/2015", "00/01/2015", "13/2015", "15", "20155", "abc", "1/1/15", ""] {
            assert_eq!(ArchiveDate::parse(input), None, "{input}");
        }
        assert!(ArchiveDate::parse("29/02/2016").is_some());
    }

    #[test]
    fn ranges_compare_by_what_the_dates_can_mean() {
        let d = |s| ArchiveDate::parse(s).unwrap();
        assert!(check_range("endDate", &d("2015"), &d("03/2015")).is_ok());
        assert!(check_range("endDate", &d("05/2015"), &d("2015")).is_ok());
        let error = check_range("endDate", &d("01/06/2015"), &d("31/05/2015")).unwrap_err();
        assert_eq!(error.code, "end_before_start");
        assert!(check_range("endDate", &d("2016"), &d("12/2015")).is_err());
    }
}
