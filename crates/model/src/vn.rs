//! Numbers and dates as Vietnamese readers write them: 1.234,5 and DD/MM/YYYY.

/// 1234567 → "1.234.567".
pub fn integer(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
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

/// An ISO date "YYYY-MM-DD" → "DD/MM/YYYY"; anything else is returned unchanged.
pub fn iso_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
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
    }
}
