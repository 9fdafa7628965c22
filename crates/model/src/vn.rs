//! Numbers and dates as Vietnamese readers write them: 1.234,5, DD/MM/YYYY, and moments in
//! Vietnam time (UTC+7) as DD/MM/YYYY HH:MM.

/// 1234567 → "1.234.567".
pub fn integer(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A fixed-point value given in hundredths, shown with as many decimals as it needs (0–2):
/// 480800 → "4.808", 250 → "2,5", 5262 → "52,62".
pub fn hundredths(value: i64) -> String {
    let whole = value / 100;
    let frac = (value % 100).unsigned_abs();
    let sign = if value < 0 && whole == 0 { "-" } else { "" };
    match frac {
        0 => format!("{sign}{}", integer(whole)),
        f if f % 10 == 0 => format!("{sign}{},{}", integer(whole), f / 10),
        f => format!("{sign}{},{:02}", integer(whole), f),
    }
}

/// `part` of `whole` as a share with up to two decimals, "9,97%"; "—" when there is no whole.
pub fn percent(part: i64, whole: i64) -> String {
    if whole > 0 { format!("{}%", hundredths(part * 10_000 / whole)) } else { "—".into() }
}

/// Bytes as megabytes (10⁶ bytes) with up to two decimals, rounded: 1_234_567 → "1,23".
pub fn megabytes(bytes: i64) -> String {
    hundredths((bytes + 5_000) / 10_000)
}

/// An ISO date "YYYY-MM-DD" → "DD/MM/YYYY"; anything else is returned unchanged.
pub fn iso_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// Vietnam's offset from UTC, in hours (no daylight saving).
const VIETNAM_UTC_OFFSET_HOURS: i64 = 7;

/// A moment as Kho stores it — UTC, "YYYY-MM-DDTHH:MM:SS[.fff]Z" (or with a space for the
/// `T`, or "+00:00") — in Vietnam time as people read it: "DD/MM/YYYY HH:MM". The one way every
/// page, paper and export writes a time. Anything else is returned unchanged.
pub fn moment(utc: &str) -> String {
    let number = |range: std::ops::Range<usize>| {
        utc.get(range).filter(|t| t.bytes().all(|b| b.is_ascii_digit())).and_then(|t| t.parse::<i64>().ok())
    };
    let separators_fit = utc.get(4..5) == Some("-")
        && utc.get(7..8) == Some("-")
        && matches!(utc.get(10..11), Some("T" | " "))
        && utc.get(13..14) == Some(":");
    let zone = utc.get(16..).unwrap_or_default().trim_start_matches(|c: char| c == ':' || c == '.' || c.is_ascii_digit());
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) =
        (number(0..4), number(5..7), number(8..10), number(11..13), number(14..16))
    else {
        return utc.to_string();
    };
    if !separators_fit
        || !matches!(zone, "Z" | "" | "+00:00" | "+00")
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
    {
        return utc.to_string();
    }
    let minutes = (days_from_civil(year, month, day) * 24 + hour + VIETNAM_UTC_OFFSET_HOURS) * 60 + minute;
    let (year, month, day) = civil_from_days(minutes.div_euclid(24 * 60));
    let in_day = minutes.rem_euclid(24 * 60);
    format!("{day:02}/{month:02}/{year:04} {:02}:{:02}", in_day / 60, in_day % 60)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_number_format() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1234), "1.234");
        assert_eq!(integer(11153), "11.153");
        assert_eq!(integer(-1234567), "-1.234.567");
        assert_eq!(hundredths(480800), "4.808");
        assert_eq!(hundredths(250), "2,5");
        assert_eq!(hundredths(5262), "52,62");
        assert_eq!(hundredths(123456), "1.234,56");
        assert_eq!(iso_date("2030-12-15"), "15/12/2030");
        assert_eq!(percent(1975, 19800), "9,97%");
        assert_eq!(percent(19800, 19800), "100%");
        assert_eq!(percent(5, 0), "—");
        assert_eq!(megabytes(1_234_567), "1,23");
        assert_eq!(megabytes(10_580_000_000), "10.580");
    }

    #[test]
    fn moments_are_written_in_vietnam_time() {
        assert_eq!(moment("2026-11-25T14:02:03Z"), "25/11/2026 21:02");
        assert_eq!(moment("2026-11-25T14:02:03.123Z"), "25/11/2026 21:02");
        assert_eq!(moment("2026-11-25 14:02:03"), "25/11/2026 21:02");
        // Past midnight in Hà Nội: the next day, the next month, the next year.
        assert_eq!(moment("2026-12-31T17:00:00Z"), "01/01/2027 00:00");
        assert_eq!(moment("2028-02-28T20:30:00Z"), "29/02/2028 03:30");
        assert_eq!(moment("2027-02-28T20:30:00+00:00"), "01/03/2027 03:30");
        assert_eq!(moment("1970-01-01T00:00:00Z"), "01/01/1970 07:00");
        for not_a_moment in ["", "2026-11-25", "hôm qua", "2026-13-01T00:00:00Z", "2026-11-25T14:02:03+07:00"] {
            assert_eq!(moment(not_a_moment), not_a_moment);
        }
    }
}
