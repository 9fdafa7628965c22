//! Reading a page in Vietnamese with Tesseract 5 (`-l vie`), straightened and despeckled
//! beforehand ([`crate::raster`]), with orientation detection when the first reading is poor.
//!
//! Tesseract runs as a separate process — one per page, `OMP_THREAD_LIMIT=1` so that two
//! processes on two cores do not fight over OpenMP threads (4× slower otherwise) — and its crash
//! takes only its page with it. Words come back with their boxes and confidences (TSV); the text
//! is NFC-normalised, lines kept.

use image::GrayImage;
use serde::{Deserialize, Serialize};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// A word as read, its box in pixels of the page image handed to [`read`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    pub confidence: f32,
    /// Block, paragraph and line: words with the same key share a line.
    pub line: (u32, u32, u32),
}

/// A page's text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageText {
    pub text: String,
    /// Mean word confidence, 0–100.
    pub confidence: f32,
    pub words: Vec<Word>,
    /// Clockwise quarter turns applied before reading (orientation detection).
    pub rotated: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("không chạy được tesseract ({0}); cài gói tesseract-ocr và tesseract-ocr-vie")]
    Missing(String),
    #[error("tesseract dừng lỗi: {0}")]
    Failed(String),
    #[error("lỗi tệp tạm: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes a binary PGM (fast for Tesseract's Leptonica to read, nothing to compress).
fn write_pgm(grey: &GrayImage, path: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    write!(file, "P5\n{} {}\n255\n", grey.width(), grey.height())?;
    file.write_all(grey.as_raw())
}

async fn tesseract(args: &[&str]) -> Result<String, OcrError> {
    let output = tokio::process::Command::new("tesseract")
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| OcrError::Missing(e.to_string()))?;
    if !output.status.success() {
        return Err(OcrError::Failed(String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or_default().to_string()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Parses Tesseract's TSV: word rows (level 5) with their boxes.
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 12 || f[0] != "5" {
                return None;
            }
            let text: String = f[11].trim().nfc().collect();
            if text.is_empty() {
                return None;
            }
            let n = |i: usize| f[i].parse::<u32>().ok();
            Some(Word {
                text,
                left: n(6)?,
                top: n(7)?,
                width: n(8)?,
                height: n(9)?,
                confidence: f[10].parse().unwrap_or(0.0),
                line: (n(2)?, n(3)?, n(4)?),
            })
        })
        .collect()
}

/// The text of words, a line per line.
fn text_of(words: &[Word]) -> String {
    let mut text = String::new();
    let mut previous = None;
    for word in words {
        match previous {
            Some(line) if line == word.line => text.push(' '),
            Some(_) => text.push('\n'),
            None => {}
        }
        text.push_str(&word.text);
        previous = Some(word.line);
    }
    text
}

async fn read_once(grey: &GrayImage, dpi: u32, dir: &Path) -> Result<(Vec<Word>, f32), OcrError> {
    let input = dir.join("trang.pgm");
    write_pgm(grey, &input)?;
    let tsv =
        tesseract(&[input.to_str().unwrap_or("trang.pgm"), "stdout", "-l", "vie", "--dpi", &dpi.to_string(), "--psm", "3", "tsv"]).await?;
    let words = parse_tsv(&tsv);
    let confidence = if words.is_empty() { 0.0 } else { words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32 };
    Ok((words, confidence))
}

/// True when most words of several letters stand taller than they are wide: Tesseract read the
/// lines of a page lying on its side (it can, and well), so the page is not upright.
fn lying_on_its_side(words: &[Word]) -> bool {
    let long: Vec<&Word> = words.iter().filter(|w| w.text.chars().count() >= 4).collect();
    let standing = long.iter().filter(|w| w.height > w.width).count();
    long.len() >= 5 && standing * 2 > long.len()
}

/// Reads a prepared (straightened, despeckled) grey page. When the reading is poor, or its words
/// stand on end (the page lies on its side), asks Tesseract which way the page is turned and
/// reads it again upright.
pub async fn read(grey: &GrayImage, dpi: u32) -> Result<PageText, OcrError> {
    let dir = tempfile::tempdir()?;
    let (mut words, mut confidence) = read_once(grey, dpi, dir.path()).await?;
    let mut rotated = 0;
    let sideways = lying_on_its_side(&words);
    if confidence < 60.0 || sideways {
        let input = dir.path().join("trang.pgm");
        if let Ok(osd) = tesseract(&[input.to_str().unwrap_or("trang.pgm"), "stdout", "--psm", "0", "--dpi", &dpi.to_string()]).await {
            let rotate_by = osd.lines().find_map(|l| l.strip_prefix("Rotate: ")).and_then(|v| v.trim().parse::<u32>().ok()).unwrap_or(0);
            if rotate_by != 0 {
                let upright = match rotate_by {
                    90 => image::imageops::rotate90(grey),
                    180 => image::imageops::rotate180(grey),
                    _ => image::imageops::rotate270(grey),
                };
                let (again, again_confidence) = read_once(&upright, dpi, dir.path()).await?;
                // A page on its side read well already: upright, it is kept if it reads about as well.
                let better = if sideways { again_confidence >= confidence.min(60.0) } else { again_confidence > confidence };
                if better {
                    (words, confidence, rotated) = (again, again_confidence, rotate_by / 90);
                }
            }
        }
    }
    Ok(PageText { text: text_of(&words), confidence, words, rotated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_keep_their_boxes_and_lines() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\tđất\n\
                   5\t1\t1\t1\t1\t2\t45\t20\t30\t40\t91\tđai\n\
                   4\t1\t1\t1\t2\t0\t10\t70\t90\t40\t-1\t\n\
                   5\t1\t1\t1\t2\t1\t10\t70\t60\t40\t88\tho\u{323}\u{302}\n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 3);
        assert_eq!(words[2].text, "hộ", "NFC");
        assert_eq!(text_of(&words), "đất đai\nhộ");
    }
}
