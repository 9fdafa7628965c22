//! Text at the boundary: NFC-normalised, whitespace tidied, lengths counted in characters.
//!
//! Vietnamese arrives decomposed (NFD) from some keyboards and macOS, with non-breaking and doubled
//! spaces from Word and Excel. Everything is brought to one form before it is stored or compared.

use crate::error::FieldError;
use unicode_normalization::UnicodeNormalization;

/// NFC, every run of whitespace (including U+00A0 and tabs) collapsed to one space, trimmed.
pub fn clean(input: &str) -> String {
    let nfc: String = input.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Like [`clean`] but keeps line breaks (for histories and notes written as paragraphs).
pub fn clean_multiline(input: &str) -> String {
    let lines: Vec<String> = input.lines().map(clean).collect();
    let joined = lines.join("\n");
    joined.trim_matches('\n').to_string()
}

/// A character that changes how text is shown without being seen: bidirectional overrides and
/// isolates (a name `hóa-đơn-\u{202e}fdp.exe` shows as `…exe.pdf`), marks and zero-width joiners.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// The search key of a text: lower case, tone marks and vowel marks removed, đ → d, so that
/// "dat dai", "ĐẤT ĐAI" and "đất đai" meet. Lossy by design; never shown to people.
pub fn fold(input: &str) -> String {
    clean(input)
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Length as TT 05/2025 counts it: characters of the NFC form.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// A required text field of at most `max` characters.
pub fn required(field: &str, label: &str, input: &str, max: usize) -> Result<String, FieldError> {
    let text = clean(input);
    if text.is_empty() {
        return Err(FieldError::required(field, label));
    }
    within(field, label, text, max)
}

/// An optional text field of at most `max` characters; empty means absent.
pub fn optional(field: &str, label: &str, input: &str, max: usize) -> Result<Option<String>, FieldError> {
    let text = clean(input);
    if text.is_empty() {
        return Ok(None);
    }
    within(field, label, text, max).map(Some)
}

/// An optional multi-line text of at most `max` characters.
pub fn optional_multiline(field: &str, label: &str, input: &str, max: usize) -> Result<Option<String>, FieldError> {
    let text = clean_multiline(input);
    if text.is_empty() {
        return Ok(None);
    }
    within(field, label, text, max).map(Some)
}

fn within(field: &str, label: &str, text: String, max: usize) -> Result<String, FieldError> {
    let len = char_len(&text);
    if len > max {
        return Err(FieldError::new(field, "too_long", format!("{label}: dài {len} ký tự, vượt quá {max} ký tự cho phép.")));
    }
    Ok(text)
}

/// The one display name of a file, from whatever name was offered (a browser, a scanner's folder,
/// a zip): the last path segment, NFC with whitespace runs made one space; control, bidirectional
/// override and zero-width characters removed (a name `hóa-đơn-\u{202e}fdp.exe` would show as
/// `…exe.pdf`); characters a file system reserves (`: * ? " < > |`) made `_`; a reserved device
/// name (CON, NUL, COM1 …) prefixed; at most 255 characters, the extension kept. Two names equal
/// after it are the same name. Used for storing, showing and `Content-Disposition` alike.
pub fn file_name(field: &str, input: &str) -> Result<String, FieldError> {
    let last = input.rsplit(['/', '\\']).next().unwrap_or_default();
    let visible: String = last.chars().filter(|c| !c.is_control() && !is_invisible(*c)).collect();
    let mut name: String = clean(&visible)
        .chars()
        .map(|c| if ":*?\"<>|".contains(c) { '_' } else { c })
        .collect::<String>()
        .trim_matches(['.', ' '])
        .to_string();
    if name.is_empty() {
        return Err(FieldError::new(field, "invalid_file_name", format!("Tên tệp “{}” không hợp lệ.", clean(&visible))));
    }
    let stem = name.split('.').next().unwrap_or_default().to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4 && (stem.starts_with("COM") || stem.starts_with("LPT")) && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        name.insert(0, '_');
    }
    if char_len(&name) > 255 {
        let extension: String =
            name.rsplit_once('.').map(|(_, e)| e).filter(|e| char_len(e) <= 16).map(|e| format!(".{e}")).unwrap_or_default();
        let keep = 255 - char_len(&extension);
        name = name.chars().take(keep).collect::<String>() + &extension;
    }
    Ok(name)
}

/// A whole number in `min..=max`, written with optional thousands dots ("1.234").
pub fn number(field: &str, label: &str, input: &str, min: u64, max: u64) -> Result<u64, FieldError> {
    let text = clean(input).replace(['.', ' '], "");
    if text.is_empty() {
        return Err(FieldError::required(field, label));
    }
    let value: u64 = text
        .parse()
        .map_err(|_| FieldError::new(field, "not_a_number", format!("{label}: “{}” không phải là số nguyên không âm.", clean(input))))?;
    if value < min || value > max {
        return Err(FieldError::new(
            field,
            "out_of_range",
            format!("{label}: phải từ {} đến {}.", crate::vn::integer(min as i64), crate::vn::integer(max as i64)),
        ));
    }
    Ok(value)
}

/// An optional whole number; empty means absent.
pub fn optional_number(field: &str, label: &str, input: &str, min: u64, max: u64) -> Result<Option<u64>, FieldError> {
    if clean(input).is_empty() {
        return Ok(None);
    }
    number(field, label, input, min, max).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_becomes_nfc_and_spaces_collapse() {
        let nfd = "Ho\u{302}\u{323} ti\u{323}ch\u{a0}\u{a0} xa\u{303}  ";
        assert_eq!(clean(nfd), "Hộ tịch xã");
        assert_eq!(char_len(&clean(nfd)), 10);
    }

    #[test]
    fn folding_meets_every_spelling() {
        assert_eq!(fold("ĐẤT ĐAI"), "dat dai");
        assert_eq!(fold("Hộ tịch"), "ho tich");
        assert_eq!(fold("Ưu Ơn Ắ Ầ Ễ Ộ Ự ỳ"), "uu on a a e o u y");
        assert_eq!(fold("Ho\u{302}\u{323} ti\u{323}ch"), "ho tich");
    }

    #[test]
    fn file_names_keep_only_their_last_part() {
        assert_eq!(file_name("file", "../../etc/passwd").unwrap(), "passwd");
        assert_eq!(file_name("file", "C:\\Scan\\Biên bản.pdf").unwrap(), "Biên bản.pdf");
        assert_eq!(file_name("file", "a\u{0}b.tif").unwrap(), "ab.tif");
        assert!(file_name("file", "../").is_err());
        assert!(file_name("file", "..").is_err());
        assert_eq!(file_name("file", "hóa-đơn-\u{202e}fdp.exe").unwrap(), "hóa-đơn-fdp.exe", "no right-to-left override");
        assert_eq!(file_name("file", "bi\u{200b}en-ban\r\n.pdf").unwrap(), "bien-ban.pdf");
        assert_eq!(file_name("file", "Bie\u{302}n ba\u{309}n.pdf"), file_name("file", "Biên bản.pdf"), "NFD and NFC are one name");
        assert_eq!(file_name("file", "CON.txt").unwrap(), "_CON.txt");
        assert_eq!(file_name("file", "a:b?.pdf").unwrap(), "a_b_.pdf");
        let long = file_name("file", &format!("{}.pdf", "ả".repeat(300))).unwrap();
        assert_eq!((char_len(&long), long.ends_with(".pdf")), (255, true));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let title = "Đ".repeat(1000);
        assert!(required("title", "Tiêu đề", &title, 1000).is_ok());
        let error = required("title", "Tiêu đề", &format!("{title}a"), 1000).unwrap_err();
        assert_eq!(error.code, "too_long");
        assert!(error.message.contains("1001"));
    }

    #[test]
    fn numbers_accept_thousands_dots_and_refuse_words() {
        assert_eq!(number("n", "Số tờ", "1.234", 0, 10_000).unwrap(), 1234);
        assert_eq!(number("n", "Số tờ", "abc", 0, 10).unwrap_err().code, "not_a_number");
        assert_eq!(number("n", "Số tờ", "-3", 0, 10).unwrap_err().code, "not_a_number");
    }
}

/// Text for XML (a package's metadata, a DOCX run, a PDF's XMP packet): markup escaped, and the
/// characters XML 1.0 forbids — control characters pasted from old spreadsheets, U+FFFE, U+FFFF —
/// dropped, since one of them makes the whole file ill-formed.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}
