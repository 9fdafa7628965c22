//! Identifiers of TT 05/2025: mã định danh, mã phông, mã hồ sơ, arcFileCode, docCode.
//!
//! Mã hồ sơ = (mã định danh of the creating body, or mã phông when the fonds is closed) + year +
//! số và ký hiệu hồ sơ + mục lục số, joined by dots: `H49.64.33.2001.160`, `P623.2015.12.1` or
//! `P623.2015.01.TCCB.1`. The số ký hiệu is kept as the archive wrote it (`01.TCCB`, `01/HS`,
//! `ĐĐ.01`), so a mã hồ sơ is *composed* from parts that are stored beside it and is not parsed
//! back from its text; what identifies a hồ sơ inside a mục lục is its hồ sơ số.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// TT05 String 100 for fileCode.
pub const MAX_DOSSIER_CODE: usize = 100;

fn is_year_like(segment: &str) -> bool {
    segment.len() == 4 && segment.bytes().all(|b| b.is_ascii_digit())
}

fn code_chars_ok(segment: &str, extra: &[char]) -> bool {
    !segment.is_empty() && segment.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
}

/// Mã định danh điện tử of an agency (QĐ 20/2020, amended QĐ 09/2025), e.g. `000.00.00.H30`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct AgencyCode(String);

impl AgencyCode {
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.trim();
        let segments: Vec<&str> = text.split('.').collect();
        let ok =
            text.len() <= 20 && (1..=5).contains(&segments.len()) && segments.iter().all(|s| code_chars_ok(s, &[]) && !is_year_like(s));
        ok.then(|| AgencyCode(text.to_ascii_uppercase()))
    }

    pub fn parse_field(field: &str, label: &str, input: &str) -> Result<Self, FieldError> {
        AgencyCode::parse(input).ok_or_else(|| {
            FieldError::new(
                field,
                "invalid_agency_code",
                format!(
                    "{label}: “{}” không đúng dạng mã định danh (các nhóm chữ, số ngăn bởi dấu chấm, ví dụ 000.00.00.H30; không nhóm nào gồm đúng 4 chữ số).",
                    input.trim()
                ),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Mã phông, e.g. `P623`, `Phong_BNV`: starts with a letter, no dots.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct FondsCode(String);

impl FondsCode {
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.trim();
        let ok = text.len() <= 30 && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && code_chars_ok(text, &['_', '-']);
        ok.then(|| FondsCode(text.to_string()))
    }

    pub fn parse_field(field: &str, label: &str, input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::required(field, label));
        }
        FondsCode::parse(input).ok_or_else(|| {
            FieldError::new(
                field,
                "invalid_fonds_code",
                format!(
                    "{label}: “{}” không hợp lệ; mã phông bắt đầu bằng chữ cái, chỉ gồm chữ không dấu, số, “_” hoặc “-”, tối đa 30 ký tự (ví dụ P623).",
                    input.trim()
                ),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// NĐ 30/2020 Phụ lục VI: FileNotation, String 20.
pub const MAX_FILE_NOTATION: usize = 20;

/// Số và ký hiệu hồ sơ as the archive wrote it — `160`, `01-HT`, `01.TCCB` (NĐ 30/2020's own
/// danh mục), `01/HS`, `ĐĐ.01`, `TC 01` — in NFC with whitespace runs made one space, at most
/// [`MAX_FILE_NOTATION`] characters, with no control or invisible formatting character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct FileNotation(String);

impl FileNotation {
    pub fn parse(input: &str) -> Option<Self> {
        let text = crate::text::clean(input);
        let ok = !text.is_empty()
            && crate::text::char_len(&text) <= MAX_FILE_NOTATION
            && !text.chars().any(|c| c.is_control() || crate::text::is_invisible(c));
        ok.then_some(FileNotation(text))
    }

    pub fn parse_field(field: &str, label: &str, input: &str) -> Result<Self, FieldError> {
        if input.trim().is_empty() {
            return Err(FieldError::required(field, label));
        }
        FileNotation::parse(input).ok_or_else(|| {
            FieldError::new(
                field,
                "invalid_file_notation",
                format!(
                    "{label}: “{}” không hợp lệ; tối đa {MAX_FILE_NOTATION} ký tự, không chứa ký tự điều khiển.",
                    crate::text::clean(input)
                ),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What stands first in a mã hồ sơ.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "snake_case")]
pub enum CodePrefix {
    /// An open fonds: the creating body's mã định danh.
    Agency(AgencyCode),
    /// A closed fonds (every dissolved district body's): its mã phông.
    Fonds(FondsCode),
}

impl CodePrefix {
    pub fn as_str(&self) -> &str {
        match self {
            CodePrefix::Agency(code) => code.as_str(),
            CodePrefix::Fonds(code) => code.as_str(),
        }
    }
}

/// Mã hồ sơ (TT05 `fileCode`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct DossierCode {
    prefix: String,
    year: u16,
    notation: FileNotation,
    inventory: Option<u32>,
}

impl DossierCode {
    pub fn build(prefix: &CodePrefix, year: u16, notation: FileNotation, inventory: Option<u32>) -> Result<Self, FieldError> {
        let code = DossierCode { prefix: prefix.as_str().to_string(), year, notation, inventory };
        let len = code.to_string().chars().count();
        if len > MAX_DOSSIER_CODE {
            return Err(FieldError::new(
                "fileCode",
                "too_long",
                format!("Mã hồ sơ dài {len} ký tự, vượt quá {MAX_DOSSIER_CODE} ký tự cho phép."),
            ));
        }
        Ok(code)
    }

    /// The code as stored, with the parts stored beside it (year and số ký hiệu): the prefix and
    /// the mục lục số are what remains around them. `None` when the text is not made of them.
    pub fn from_stored(code: &str, year: u16, notation: &str) -> Option<Self> {
        let notation = FileNotation::parse(notation)?;
        let middle = format!(".{year}.{}", notation.as_str());
        let (prefix, inventory) = match code.strip_suffix(middle.as_str()) {
            Some(prefix) => (prefix, None),
            None => {
                let (head, number) = code.rsplit_once('.')?;
                let number: u32 = number.parse().ok().filter(|n| *n > 0 && number.bytes().all(|b| b.is_ascii_digit()))?;
                (head.strip_suffix(middle.as_str())?, Some(number))
            }
        };
        let prefix_ok = AgencyCode::parse(prefix).is_some() || FondsCode::parse(prefix).is_some();
        (prefix_ok && code.chars().count() <= MAX_DOSSIER_CODE).then(|| DossierCode {
            prefix: prefix.to_string(),
            year,
            notation,
            inventory,
        })
    }

    /// A code written by hand or by another system, read on the one assumption that holds when
    /// its số ký hiệu has no dot: the number after the four-digit year is the số ký hiệu.
    fn parse_text(input: &str) -> Option<Self> {
        let text = input.trim();
        let segments: Vec<&str> = text.split('.').collect();
        let year_at = segments.iter().position(|s| is_year_like(s)).filter(|at| *at > 0)?;
        let year: u16 = segments[year_at].parse().ok()?;
        DossierCode::from_stored(text, year, segments.get(year_at + 1)?)
    }

    /// The mã hồ sơ as a file name stem: characters a file system or a URL path cannot carry
    /// (`/`, `\`, `:`, `*`, `?`, `"`, `<`, `>`, `|`, spaces) become `-`. Scanners name their files so.
    pub fn file_stem(&self) -> String {
        file_stem(&self.to_string())
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn notation(&self) -> &FileNotation {
        &self.notation
    }

    pub fn inventory(&self) -> Option<u32> {
        self.inventory
    }

    /// arcFileCode: the archive's code in front of the mã hồ sơ.
    pub fn arc_file_code(&self, archive: &AgencyCode) -> String {
        format!("{}.{self}", archive.as_str())
    }

    /// docCode: the mã hồ sơ and the document's 7-digit ordinal (`….0000001`).
    pub fn doc_code(&self, ordinal: u32) -> String {
        format!("{self}.{ordinal:07}")
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.prefix, self.year, self.notation.as_str())?;
        if let Some(inventory) = self.inventory {
            write!(f, ".{inventory}")?;
        }
        Ok(())
    }
}

impl From<DossierCode> for String {
    fn from(code: DossierCode) -> String {
        code.to_string()
    }
}

impl TryFrom<String> for DossierCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        DossierCode::parse_text(&value).ok_or_else(|| format!("“{value}” không phải mã hồ sơ hợp lệ"))
    }
}

/// A mã hồ sơ's text as a file name stem (see [`DossierCode::file_stem`]).
pub fn file_stem(code: &str) -> String {
    code.chars().map(|c| if "/\\:*?\"<>|".contains(c) || c.is_whitespace() { '-' } else { c }).collect()
}

macro_rules! string_conversions {
    ($($name:ident),+) => {$(
        impl From<$name> for String {
            fn from(value: $name) -> String { value.0 }
        }
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                $name::parse(&value).ok_or_else(|| format!("“{value}” không hợp lệ"))
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
    )+};
}
string_conversions!(AgencyCode, FondsCode, FileNotation);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dossier_code_from_agency_and_back() {
        let agency = CodePrefix::Agency(AgencyCode::parse("H49.64.33").unwrap());
        let code = DossierCode::build(&agency, 2001, FileNotation::parse("160").unwrap(), None).unwrap();
        assert_eq!(code.to_string(), "H49.64.33.2001.160");
        assert_eq!(DossierCode::from_stored("H49.64.33.2001.160", 2001, "160"), Some(code.clone()));
        assert_eq!(code.arc_file_code(&AgencyCode::parse("000.00.00.H17").unwrap()), "000.00.00.H17.H49.64.33.2001.160");
        assert_eq!(code.doc_code(1), "H49.64.33.2001.160.0000001");
    }

    #[test]
    fn closed_fonds_uses_fonds_code_and_inventory_number() {
        let fonds = CodePrefix::Fonds(FondsCode::parse("P623").unwrap());
        let code = DossierCode::build(&fonds, 2015, FileNotation::parse("12-HT").unwrap(), Some(3)).unwrap();
        assert_eq!(code.to_string(), "P623.2015.12-HT.3");
        let parsed = DossierCode::from_stored("P623.2015.12-HT.3", 2015, "12-HT").unwrap();
        assert_eq!(parsed.prefix(), "P623");
        assert_eq!(parsed.inventory(), Some(3));
        assert_eq!(parsed, code);
    }

    #[test]
    fn notations_are_kept_as_written() {
        for written in ["TH.01", "01/HS", "ĐĐ.01", "01.TCCB", "TC 01", "01/2016/HS"] {
            assert_eq!(FileNotation::parse(written).unwrap().as_str(), written);
        }
        assert_eq!(FileNotation::parse("  TC\u{a0}\u{a0}01 ").unwrap().as_str(), "TC 01");
        assert_eq!(FileNotation::parse("\u{110}E\u{302}.02").unwrap().as_str(), "\u{110}\u{ca}.02", "NFC");
        assert!(FileNotation::parse("").is_none());
        assert!(FileNotation::parse(&"9".repeat(21)).is_none());
        assert!(FileNotation::parse("01\u{0}HS").is_none());
        assert!(FileNotation::parse("01\u{202e}SH").is_none());
    }

    #[test]
    fn a_code_with_dots_in_its_notation_is_composed_and_read_from_its_parts() {
        let fonds = CodePrefix::Fonds(FondsCode::parse("P05").unwrap());
        let code = DossierCode::build(&fonds, 2015, FileNotation::parse("01.TCCB").unwrap(), Some(2)).unwrap();
        assert_eq!(code.to_string(), "P05.2015.01.TCCB.2");
        assert_eq!(DossierCode::from_stored("P05.2015.01.TCCB.2", 2015, "01.TCCB"), Some(code.clone()));
        let agency = CodePrefix::Agency(AgencyCode::parse("H49.64").unwrap());
        let slash = DossierCode::build(&agency, 2016, FileNotation::parse("01/HS").unwrap(), None).unwrap();
        assert_eq!(DossierCode::from_stored("H49.64.2016.01/HS", 2016, "01/HS"), Some(slash.clone()));
        assert_eq!(slash.file_stem(), "H49.64.2016.01-HS");
        assert!(DossierCode::from_stored("P05.2015.01.TCCB.2", 2016, "01.TCCB").is_none(), "another year");
        assert!(AgencyCode::parse("000.2015.00").is_none(), "a year-like segment in mã định danh");
        assert!(FondsCode::parse("1P").is_none());
    }

    #[test]
    fn code_over_100_characters_is_refused() {
        let fonds = CodePrefix::Fonds(FondsCode::parse(&format!("P{}", "A".repeat(29))).unwrap());
        let long = DossierCode::build(&fonds, 2015, FileNotation::parse(&"9".repeat(20)).unwrap(), Some(u32::MAX));
        assert!(long.is_ok(), "30 + 5 + 21 + 11 stays under 100");
        assert!(DossierCode::try_from("A".repeat(101)).is_err());
    }
}
