//! Legacy Vietnamese 8-bit encodings → Unicode (NFC).
//!
//! * TCVN3 (TCVN 5712:1993 "VN3", the ABC encoding of the `.VnTime`/`.VnTimeH`
//!   fonts): one byte per letter, lowercase letters only, plus the seven
//!   uppercase bases Ă Â Ê Ô Ơ Ư Đ.
//! * VNI Windows (`VNI-Times` fonts): an ASCII base letter followed by at most
//!   one mark byte (circumflex/breve and tone share one byte, e.g. `aá` = ấ),
//!   plus a few single-byte letters (ñ = đ, ô = ơ, ö = ư, ó = ĩ, …).
//!
//! Input convention: each legacy byte arrives as the `char` of the same code
//! point (Latin-1), or as its Windows-1252 character for 0x80–0x9F; both are
//! mapped back to the byte first. Characters that no single byte can produce
//! (anything else above U+00FF) are passed through untouched.
//!
//! Tables were cross-checked against Unikey's vnconv (`ukengine/data.cpp`),
//! GNU libiconv (`lib/tcvn.h`), xvnkb (`tcvn.h`, `vni.h`), duydev/
//! vietnamese-conversion (`src/charsets.ts`), VBKey (`mdlCodeTable.bas`) and
//! backupvietsoft/HRM (`XtraForm1.cs`); all agree on every entry used here.

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
}

/// Windows-1252 characters for bytes 0x80..=0x9F ('\0' = undefined there).
/// Neither legacy encoding puts letters in this block (Unikey keeps it as the
/// Western punctuation the fonts show), so these bytes decode to these chars.
const CP1252_80: [char; 32] = [
    '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', //
    '\0', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
];

/// One input unit: a recovered legacy byte, or a character no byte maps to.
#[derive(Clone, Copy)]
enum Unit {
    Byte(u8),
    Other(char),
}

fn units(input: &str) -> Vec<Unit> {
    input
        .chars()
        .map(|c| match c as u32 {
            n @ 0..=0xFF => Unit::Byte(n as u8),
            _ => match CP1252_80.iter().position(|&x| x == c) {
                Some(i) => Unit::Byte(0x80 + i as u8),
                None => Unit::Other(c),
            },
        })
        .collect()
}

/// What a non-Vietnamese byte looked like on a Windows machine.
fn western(b: u8) -> char {
    match b {
        0x80..=0x9F if CP1252_80[(b - 0x80) as usize] != '\0' => CP1252_80[(b - 0x80) as usize],
        _ => b as char,
    }
}

// ---------------------------------------------------------------- TCVN3 --

/// TCVN3 bytes 0xA0..=0xFF; '\0' = not a letter in ABC/TCVN3 (kept as Latin-1).
/// The holes are where TCVN 5712 "VN1" puts uppercase letters (and 0xB0–0xB4
/// combining tones, per libiconv); ABC fonts and Unikey do not use them, so we
/// do not either (0xB0 stays '°', which real documents do contain).
#[rustfmt::skip]
const TCVN3_A0: [char; 96] = [
    /* A0 */ '\0','Ă','Â','Ê','Ô','Ơ','Ư','Đ','ă','â','ê','ô','ơ','ư','đ','\0',
    /* B0 */ '\0','\0','\0','\0','\0','à','ả','ã','á','ạ','\0','ằ','ẳ','ẵ','ắ','\0',
    /* C0 */ '\0','\0','\0','\0','\0','\0','ặ','ầ','ẩ','ẫ','ấ','ậ','è','\0','ẻ','ẽ',
    /* D0 */ 'é','ẹ','ề','ể','ễ','ế','ệ','ì','ỉ','\0','\0','\0','ĩ','í','ị','ò',
    /* E0 */ '\0','ỏ','õ','ó','ọ','ồ','ổ','ỗ','ố','ộ','ờ','ở','ỡ','ớ','ợ','ù',
    /* F0 */ '\0','ủ','ũ','ú','ụ','ừ','ử','ữ','ứ','ự','ỳ','ỷ','ỹ','ý','ỵ','\0',
];

fn tcvn3_letter(b: u8) -> Option<char> {
    match b {
        0xA0..=0xFF => Some(TCVN3_A0[(b - 0xA0) as usize]).filter(|&c| c != '\0'),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Case {
    Lower,
    Upper,
    /// A TCVN3 lowercase code: the bytes say "lowercase", but the `.VnTimeH`
    /// font draws the same byte as a capital, so the real case is unknown.
    Either,
    NotLetter,
}

/// TCVN3 → Unicode, byte for byte, exactly like Unikey: accented capitals
/// (which have no TCVN3 code) come out lowercase.
pub fn tcvn3_to_unicode_literal(input: &str) -> String {
    decode_tcvn3(input).into_iter().map(|(c, _)| c).collect::<String>().nfc().collect()
}

/// TCVN3 → Unicode with case recovery for `.VnTimeH` text.
///
/// Capitals were typed with lowercase codes shown in an all-caps font, and the
/// font is lost in plain text. We restore capitals only where the text itself
/// proves it was in capitals:
/// * a line with no ASCII lowercase letter and at least two capitals
///   ("§IÖN BI£N" → "ĐIỆN BIÊN"), or
/// * a word with no ASCII lowercase letter whose capital is not just its first
///   letter ("TØNH" → "TỈNH"; but "Bµ" stays "Bà", "ë UBND" stays "ở UBND").
///
/// A title-case word starting with an accented capital ("Ủy", "Ảng") cannot be
/// recovered and stays lowercase ("ủy", "ảng"); use a dictionary if needed.
pub fn tcvn3_to_unicode(input: &str) -> String {
    let mut v = decode_tcvn3(input);
    for line in v.split_mut(|&(c, _)| c == '\n' || c == '\r') {
        let lower = line.iter().any(|&(_, k)| k == Case::Lower);
        let upper = line.iter().filter(|&&(_, k)| k == Case::Upper).count();
        if !lower && upper >= 2 {
            capitalize(line);
            continue;
        }
        for word in line.split_mut(|&(_, k)| k == Case::NotLetter) {
            let lower = word.iter().any(|&(_, k)| k == Case::Lower);
            let inner_upper = word.iter().skip(1).any(|&(_, k)| k == Case::Upper);
            if !lower && inner_upper {
                capitalize(word);
            }
        }
    }
    v.into_iter().map(|(c, _)| c).collect::<String>().nfc().collect()
}

fn capitalize(run: &mut [(char, Case)]) {
    for (c, k) in run.iter_mut().filter(|(_, k)| *k == Case::Either) {
        // Every Vietnamese lowercase letter has a one-char uppercase form.
        *c = c.to_uppercase().next().unwrap_or(*c);
        *k = Case::Upper;
    }
}

fn decode_tcvn3(input: &str) -> Vec<(char, Case)> {
    let case_of = |c: char| match c {
        c if c.is_lowercase() => Case::Lower,
        c if c.is_uppercase() => Case::Upper,
        _ => Case::NotLetter,
    };
    units(input)
        .into_iter()
        .map(|u| match u {
            Unit::Other(c) => (c, case_of(c)),
            Unit::Byte(b) => match tcvn3_letter(b) {
                Some(c) if b <= 0xA7 => (c, Case::Upper),
                Some(c) => (c, Case::Either),
                None if b.is_ascii_alphabetic() => (b as char, case_of(b as char)),
                // Non-TCVN3 Latin-1 letters (e.g. 0xC0 'À') carry no evidence.
                None => (western(b), Case::NotLetter),
            },
        })
        .collect()
}

// ------------------------------------------------------------------ VNI --

/// Which bases a VNI mark byte may follow (lowercase forms; ơ/ư are the VNI
/// single bytes ô/ö).
const TONE_BASES: &str = "aeouyôö"; // sắc, huyền, hỏi, ngã
const DOT_BASES: &str = "aeouôö"; //   nặng (ỵ is the single byte î instead)
const CIRC_BASES: &str = "aeo"; //     â ê ô (+ tone)
const BREVE_BASES: &str = "a"; //      ă (+ tone)

/// Lowercase VNI mark bytes → (combining marks, allowed bases). Uppercase mark
/// bytes are these minus 0x20. Composition is left to NFC.
#[rustfmt::skip]
const VNI_MARKS: [(u8, &str, &str); 17] = [
    (0xF9, "\u{301}", TONE_BASES), (0xF8, "\u{300}", TONE_BASES),  // ù sắc, ø huyền
    (0xFB, "\u{309}", TONE_BASES), (0xF5, "\u{303}", TONE_BASES),  // û hỏi, õ ngã
    (0xEF, "\u{323}", DOT_BASES),                                  // ï nặng
    (0xE2, "\u{302}", CIRC_BASES),                                 // â mũ
    (0xE1, "\u{302}\u{301}", CIRC_BASES), (0xE0, "\u{302}\u{300}", CIRC_BASES), // á à
    (0xE5, "\u{302}\u{309}", CIRC_BASES), (0xE3, "\u{302}\u{303}", CIRC_BASES), // å ã
    (0xE4, "\u{302}\u{323}", CIRC_BASES),                                       // ä
    (0xEA, "\u{306}", BREVE_BASES),                                // ê trăng
    (0xE9, "\u{306}\u{301}", BREVE_BASES), (0xE8, "\u{306}\u{300}", BREVE_BASES), // é è
    (0xFA, "\u{306}\u{309}", BREVE_BASES), (0xFC, "\u{306}\u{303}", BREVE_BASES), // ú ü
    (0xEB, "\u{306}\u{323}", BREVE_BASES),                                        // ë
];

/// Single-byte VNI letters (lowercase byte, letter); uppercase byte = minus 0x20.
#[rustfmt::skip]
const VNI_SINGLES: [(u8, char); 9] = [
    (0xF1, 'đ'), (0xF4, 'ơ'), (0xF6, 'ư'), (0xED, 'í'), (0xEC, 'ì'),
    (0xE6, 'ỉ'), (0xF3, 'ĩ'), (0xF2, 'ị'), (0xEE, 'ỵ'),
];

/// Fold an uppercase Latin-1 letter byte onto its lowercase byte.
fn fold(b: u8) -> (u8, bool) {
    match b {
        b'A'..=b'Z' | 0xC0..=0xDE if b != 0xD7 => (b + 0x20, true),
        _ => (b, false),
    }
}

fn vni_single(b: u8) -> Option<char> {
    let (l, up) = fold(b);
    let c = VNI_SINGLES.iter().find(|s| s.0 == l)?.1;
    Some(if up { c.to_uppercase().next().unwrap_or(c) } else { c })
}

/// Combining marks for `mark` after base byte `base`, if VNI allows the pair.
/// Mark case is not checked: the base decides the letter's case, so sloppy
/// "Aù" still reads as "Á" (a lenient choice, not taken from the sources).
fn vni_mark(base: u8, mark: u8) -> Option<&'static str> {
    let (m, _) = fold(mark);
    let (b, _) = fold(base);
    let (_, comb, bases) = VNI_MARKS.iter().find(|x| x.0 == m)?;
    bases.chars().any(|c| c as u32 == b as u32).then_some(*comb)
}

/// The Unicode base letter for a VNI base byte (ASCII, or ơ/ư singles).
fn vni_base_char(b: u8) -> char {
    vni_single(b).filter(|_| matches!(fold(b).0, 0xF4 | 0xF6)).unwrap_or(b as char)
}

pub fn vni_to_unicode(input: &str) -> String {
    let u = units(input);
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < u.len() {
        match (u[i], u.get(i + 1)) {
            (Unit::Byte(b), Some(&Unit::Byte(m))) if vni_mark(b, m).is_some() => {
                out.push(vni_base_char(b));
                out.push_str(vni_mark(b, m).unwrap());
                i += 2;
                continue;
            }
            (Unit::Byte(b), _) => out.push(vni_single(b).unwrap_or_else(|| western(b))),
            (Unit::Other(c), _) => out.push(c),
        }
        i += 1;
    }
    out.nfc().collect()
}

// ------------------------------------------------------------ detection --

/// Guess whether Latin-1/Windows-1252-decoded text is really TCVN3 or VNI.
///
/// * Any character outside Latin-1 and Windows-1252 (ạ, ư, đ, ế, combining
///   marks…) means the text is already Unicode → `None`. Pure ASCII → `None`.
/// * TCVN3: its most frequent letters (á à ả ã ạ ă â ê ơ ư đ Ă…Đ) are codes
///   0xA1–0xBE, which Western text uses only as stand-alone symbols (© ® µ ¶ ·
///   ¸ ¹ ¼ ½ ¾ ¡ …). Such a code *inside a word* is strong evidence. So is a
///   case flip no Western language makes: a code that looks like an uppercase
///   Latin-1 letter right after an ASCII lowercase one ("quyÕt", "viÖn"), or
///   one that looks lowercase inside an ASCII-uppercase word ("CéNG", "CHñ",
///   i.e. `.VnTimeH` text). « » are only weak (French quotes). We require ≥1
///   strong sign, strong ≥ 20% of TCVN3 letters, and bytes that are not TCVN3
///   letters ≤ 20% of them.
/// * VNI: a mark byte right after a base it can modify ("aù", "oâ", "ôø") is a
///   hit; single-byte letters are weak (ñ only at a word start, since đ only
///   starts Vietnamese syllables while Spanish ñ sits mid-word); a mark after
///   anything else (French "été", German "über") or any other high byte is a
///   miss. We require ≥1 hit, hits + weak ≥ 2 (a lone French "où" is not
///   enough) and misses ≤ 20% of hits + weak.
/// * If both pass (rare: TCVN3's strong signs are VNI misses and vice versa),
///   the one with the lower miss rate wins.
pub fn detect(input: &str) -> Option<Legacy> {
    let u = units(input);
    if u.iter().any(|x| matches!(x, Unit::Other(_))) {
        return None;
    }
    let b: Vec<u8> = u.iter().map(|x| if let Unit::Byte(b) = x { *b } else { 0 }).collect();
    if b.iter().all(|&c| c < 0x80) {
        return None;
    }
    let at = |i: isize| {
        if i < 0 { None } else { b.get(i as usize).copied() }
    };
    let is_letter = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphabetic() || tcvn3_letter(c).is_some());

    let (mut t_strong, mut t_weak, mut t_miss) = (0u32, 0u32, 0u32);
    let (mut v_hit, mut v_weak, mut v_miss) = (0u32, 0u32, 0u32);
    for (i, &c) in b.iter().enumerate() {
        let prev = at(i as isize - 1);
        if c < 0xA1 {
            continue; // ASCII, cp1252 punctuation, NBSP: neutral
        }
        // TCVN3
        if tcvn3_letter(c).is_some() {
            let in_word = is_letter(prev) || is_letter(at(i as isize + 1));
            let symbol_zone = c <= 0xBE && c != 0xAB && c != 0xBB;
            let upper = |x: Option<u8>| x.is_some_and(|x| x.is_ascii_uppercase());
            let case_flip = match c {
                0xC0..=0xDE => prev.is_some_and(|p| p.is_ascii_lowercase()),
                _ => upper(prev) && (upper(at(i as isize + 1)) || upper(at(i as isize - 2))),
            };
            if (symbol_zone && in_word) || case_flip {
                t_strong += 1;
            } else {
                t_weak += 1;
            }
        } else {
            t_miss += 1;
        }
        // VNI (the ơ/ư base of "ôù" counts as weak, its mark as a hit)
        if prev.is_some_and(|p| vni_mark(p, c).is_some()) {
            v_hit += 1;
        } else if vni_single(c).is_some() {
            let word_start = !prev.is_some_and(|p| p.is_ascii_alphabetic() || p >= 0xC0);
            if fold(c).0 != 0xF1 || word_start {
                v_weak += 1;
            } else {
                v_miss += 1;
            }
        } else {
            v_miss += 1;
        }
    }
    let t_letters = t_strong + t_weak;
    let tcvn = t_strong >= 1 && 5 * t_strong >= t_letters && 5 * t_miss <= t_letters;
    let v_good = v_hit + v_weak;
    let vni = v_hit >= 1 && v_good >= 2 && 5 * v_miss <= v_good;
    match (tcvn, vni) {
        (true, false) => Some(Legacy::Tcvn3),
        (false, true) => Some(Legacy::Vni),
        (true, true) => {
            // Compare miss rates without floats: t_miss/t_letters vs v_miss/v_good.
            if t_miss * v_good <= v_miss * t_letters { Some(Legacy::Tcvn3) } else { Some(Legacy::Vni) }
        }
        (false, false) => None,
    }
}

// ---------------------------------------------------------------- tests --

#[cfg(test)]
mod tests {
    use super::*;

    /// Unicode → TCVN3 (Latin-1 chars), built by inverting the decode table.
    /// Accented capitals have no code: like Unikey, use the lowercase code.
    fn to_tcvn3(s: &str) -> String {
        s.nfc()
            .map(|c| {
                let find = |c: char| (0xA1u8..=0xFE).find(|&b| tcvn3_letter(b) == Some(c));
                if c.is_ascii() {
                    return c;
                }
                let b = find(c).or_else(|| find(c.to_lowercase().next().unwrap()));
                b.expect("letter not in TCVN3") as char
            })
            .collect()
    }

    /// Unicode → VNI (Latin-1 chars), built by inverting the decode tables.
    fn to_vni(s: &str) -> String {
        let mut out = String::new();
        'chars: for c in s.nfc() {
            if c.is_ascii() {
                out.push(c);
                continue;
            }
            for b in 0xC0u8..=0xFF {
                if vni_single(b) == Some(c) {
                    out.push(b as char);
                    continue 'chars;
                }
            }
            for base in "aeouyAEOUY".bytes().chain([0xF4, 0xF6, 0xD4, 0xD6]) {
                for m in 0xC0u8..=0xFF {
                    let same_case = fold(base).1 == fold(m).1;
                    if same_case && vni_to_unicode(&format!("{}{}", base as char, m as char)) == c.to_string() {
                        out.push(base as char);
                        out.push(m as char);
                        continue 'chars;
                    }
                }
            }
            panic!("{c} not encodable in VNI");
        }
        out
    }

    const PHRASES: [&str; 6] = [
        "Sổ đăng ký khai sinh",
        "Ủy ban nhân dân xã Mường Ảng",
        "Hồ sơ giao đất",
        "Vĩnh viễn",
        "Báo cáo quyết toán ngân sách năm 2019",
        "ĐIỆN BIÊN",
    ];

    #[test]
    fn literal_samples_from_sources() {
        // Hand-written byte strings (not produced by our own tables).
        assert_eq!(tcvn3_to_unicode("Ninh B×nh"), "Ninh Bình"); // HRM comment
        assert_eq!(tcvn3_to_unicode("B¶o Th¾ng"), "Bảo Thắng");
        assert_eq!(tcvn3_to_unicode("B¸t X¸t"), "Bát Xát");
        assert_eq!(tcvn3_to_unicode("M\u{ad}êng Kh\u{ad}\u{ac}ng"), "Mường Khương");
        assert_eq!(vni_to_unicode("Xin chaøo caùc baïn"), "Xin chào các bạn"); // duydev README
        assert_eq!(tcvn3_to_unicode("B¸o c¸o quyÕt to¸n ng©n s¸ch n¨m 2019"), PHRASES[4]);
        assert_eq!(vni_to_unicode("Baùo caùo quyeát toaùn ngaân saùch naêm 2019"), PHRASES[4]);
        assert_eq!(vni_to_unicode("ÑIEÄN BIEÂN"), "ĐIỆN BIÊN");
        assert_eq!(tcvn3_to_unicode("§IÖN BI£N"), "ĐIỆN BIÊN");
    }

    #[test]
    fn vni_round_trip() {
        for p in PHRASES {
            let enc = to_vni(p);
            assert_eq!(vni_to_unicode(&enc), p, "via {enc:?}");
            assert_eq!(detect(&enc), Some(Legacy::Vni), "{enc:?}");
        }
        assert_eq!(to_vni("Ủy ban nhân dân xã Mường Ảng"), "UÛy ban nhaân daân xaõ Möôøng AÛng");
    }

    #[test]
    fn tcvn3_round_trip() {
        for p in PHRASES {
            let enc = to_tcvn3(p);
            let want = match p {
                // Title-case accented capitals have no TCVN3 code: unrecoverable.
                "Ủy ban nhân dân xã Mường Ảng" => "ủy ban nhân dân xã Mường ảng",
                _ => p,
            };
            assert_eq!(tcvn3_to_unicode(&enc), want, "via {enc:?}");
        }
        // The same phrase typed in .VnTimeH (all caps) is recovered fully.
        let caps = "ỦY BAN NHÂN DÂN XÃ MƯỜNG ẢNG";
        assert_eq!(tcvn3_to_unicode(&to_tcvn3(caps)), caps);
        assert_eq!(tcvn3_to_unicode("Chñ tÞch UBND TØNH §IÖN BI£N"), "Chủ tịch UBND TỈNH ĐIỆN BIÊN");
        // Literal mode keeps the bytes' own (lowercase) reading, like Unikey.
        assert_eq!(tcvn3_to_unicode_literal("§IÖN BI£N"), "ĐIệN BIÊN");
        // Title case and acronyms are not mistaken for caps.
        assert_eq!(tcvn3_to_unicode("Bµ RÞa"), "Bà Rịa");
        assert_eq!(tcvn3_to_unicode("§µ N½ng"), "Đà Nẵng");
        assert_eq!(tcvn3_to_unicode("trô së UBND x·"), "trụ sở UBND xã");
    }

    #[test]
    fn tcvn3_detect() {
        let caps = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        assert_eq!(to_tcvn3(caps), "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM");
        assert_eq!(detect(&to_tcvn3(caps)), Some(Legacy::Tcvn3));
        assert_eq!(tcvn3_to_unicode(&to_tcvn3(caps)), caps);
        for p in PHRASES {
            let enc = to_tcvn3(p);
            assert_eq!(detect(&enc), Some(Legacy::Tcvn3), "{p} as {enc:?}");
        }
    }

    #[test]
    fn windows_1252_input() {
        // “…” arrive as cp1252 chars or as C1 controls; both give the quotes.
        assert_eq!(tcvn3_to_unicode("“Hå s¬”"), "“Hồ sơ”");
        assert_eq!(tcvn3_to_unicode("\u{93}Hå s¬\u{94}"), "“Hồ sơ”");
        assert_eq!(vni_to_unicode("\u{93}Hoà sô\u{94}"), "“Hồ sơ”");
        assert_eq!(detect("\u{93}Hå s¬ giao ®Êt\u{94}"), Some(Legacy::Tcvn3));
    }

    #[test]
    fn detect_rejects_non_legacy() {
        for s in [
            "",
            "Ho so giao dat 2019",
            "Sổ đăng ký khai sinh",         // Unicode NFC
            "Ủy ban nhân dân xã Mường Ảng", // Unicode NFC
            "Vĩnh viễn",
            "Tôi là Hà", // Unicode using only Latin-1 letters
            "Cà phê",
            "Sổ đăng ký khai sinh".nfd().collect::<String>().as_str(),
            "Où est la gare ? À côté de l'église, déjà fermée.",
            "« Un été très chaud » à Paris",
            "Raúl y María viven en España, está bien.",
            "Müller über Größe und Österreich",
            "© 2019 Société Générale — 25°C ± 2",
            "où",
        ] {
            assert_eq!(detect(s), None, "{s:?}");
        }
    }

    #[test]
    fn encodings_do_not_cross_detect() {
        for p in PHRASES {
            assert_ne!(detect(&to_vni(p)), Some(Legacy::Tcvn3));
            assert_ne!(detect(&to_tcvn3(p)), Some(Legacy::Vni));
        }
    }

    #[test]
    fn unicode_passes_through() {
        let s = "Sổ đăng ký – Mường Ảng";
        assert_eq!(vni_to_unicode(s), s);
    }

    #[test]
    fn all_vietnamese_letters_round_trip_vni() {
        let all = "aáàảãạâấầẩẫậăắằẳẵặeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ";
        let both = format!("{all}{}", all.to_uppercase());
        assert_eq!(vni_to_unicode(&to_vni(&both)), both);
        assert_eq!(tcvn3_to_unicode_literal(&to_tcvn3(all)), all);
    }
}

/// A cell's text in Unicode NFC: converted when it reads as TCVN3 or VNI, else as it came.
pub fn to_unicode(text: &str) -> String {
    match detect(text) {
        Some(Legacy::Tcvn3) => tcvn3_to_unicode(text),
        Some(Legacy::Vni) => vni_to_unicode(text),
        None => text.nfc().collect(),
    }
}
