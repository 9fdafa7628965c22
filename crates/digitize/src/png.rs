//! PNG as a page image in the PDF: a PNG's compressed data is exactly a PDF FlateDecode stream
//! with the PNG predictors (`/Predictor 15`), so a scanner's PNG goes into the PDF/A as it came,
//! and a page Kho encodes losslessly (fast deflate, or one bit per pixel for a black-and-white
//! page) costs a few milliseconds.

use image::{DynamicImage, GrayImage};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The chunks of a PNG, in order: (type, data). Stops at the first chunk that overruns the file.
fn chunks(bytes: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut i = SIGNATURE.len();
    std::iter::from_fn(move || {
        let length = u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(i + 4..i + 8)?;
        let data = bytes.get(i + 8..(i + 8).checked_add(length)?)?;
        i += 12 + length;
        Some((kind, data))
    })
}

pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(SIGNATURE)
}

/// The resolution a PNG declares (pHYs in pixels per metre), if any.
pub fn dpi(bytes: &[u8]) -> Option<u32> {
    let (_, data) = chunks(bytes).take_while(|(kind, _)| *kind != b"IDAT").find(|(kind, data)| *kind == b"pHYs" && data.len() == 9)?;
    let x = u32::from_be_bytes(data[0..4].try_into().ok()?);
    (data[8] == 1 && x > 0).then(|| (f64::from(x) * 0.0254).round() as u32)
}

/// A PNG the PDF can carry as it is: its size, samples and compressed data.
pub struct Embeddable {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (RGB).
    pub colours: u8,
    /// 1 or 8.
    pub bits: u8,
    /// The IDAT chunks joined: a zlib stream of predicted rows.
    pub data: Vec<u8>,
}

/// (width, height, colours, bits) when the PDF can carry the PNG unchanged: grey at 1 or 8 bits
/// or RGB at 8, not interlaced, without transparency or a palette, with image data.
fn carriable_header(bytes: &[u8]) -> Option<(u32, u32, u8, u8)> {
    if !is_png(bytes) {
        return None;
    }
    let (kind, header) = chunks(bytes).next()?;
    if kind != b"IHDR" || header.len() != 13 {
        return None;
    }
    let (width, height) = (u32::from_be_bytes(header[0..4].try_into().ok()?), u32::from_be_bytes(header[4..8].try_into().ok()?));
    let (bits, colour_type, interlace) = (header[8], header[9], header[12]);
    let colours = match (colour_type, bits) {
        (0, 1 | 8) => 1,
        (2, 8) => 3,
        _ => return None,
    };
    let transparent = chunks(bytes).any(|(kind, _)| kind == b"tRNS");
    let has_data = chunks(bytes).any(|(kind, _)| kind == b"IDAT");
    (interlace == 0 && !transparent && has_data).then_some((width, height, colours, bits))
}

/// True when the PDF can carry this PNG as it is.
pub fn carriable(bytes: &[u8]) -> bool {
    carriable_header(bytes).is_some()
}

/// Bits per sample of a PNG the PDF can carry, read from its header alone.
pub fn bit_depth(bytes: &[u8]) -> Option<u8> {
    carriable_header(bytes).map(|(_, _, _, bits)| bits)
}

/// The PNG's size, samples and image data, when the PDF can carry it unchanged.
pub fn embeddable(bytes: &[u8]) -> Option<Embeddable> {
    let (width, height, colours, bits) = carriable_header(bytes)?;
    let data: Vec<u8> = chunks(bytes).filter(|(kind, _)| *kind == b"IDAT").flat_map(|(_, data)| data.iter().copied()).collect();
    Some(Embeddable { width, height, colours, bits, data })
}

/// A PNG file around image data a PDF holds as a FlateDecode stream with PNG predictors: the same
/// bytes as its IDAT, framed. The reverse of [`embeddable`]; `None` for samples PNG cannot hold.
pub fn framed(width: u32, height: u32, colours: u8, bits: u8, data: &[u8]) -> Option<Vec<u8>> {
    let colour_type = match (colours, bits) {
        (1, 1 | 2 | 4 | 8 | 16) => 0,
        (3, 8 | 16) => 2,
        _ => return None,
    };
    let mut out = SIGNATURE.to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[bits, colour_type, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", data);
    chunk(b"IEND", &[]);
    Some(out)
}

/// True when every pixel is pure black or pure white: a bilevel scan (CCITT G4 TIFF and the like).
fn bilevel(grey: &GrayImage) -> bool {
    grey.as_raw().iter().all(|v| *v == 0 || *v == 255)
}

/// The page as a PNG, fast deflate: one bit per pixel when it is black and white, else 8-bit grey
/// or RGB.
pub fn encode(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    let (width, height) = (image.width(), image.height());
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_compression(png::Compression::Fast);
    let packed;
    let rgb;
    let samples: &[u8] = match image {
        DynamicImage::ImageLuma8(grey) if bilevel(grey) => {
            encoder.set_color(png::ColorType::Grayscale);
            encoder.set_depth(png::BitDepth::One);
            packed = grey
                .rows()
                .flat_map(|row| {
                    let row: Vec<u8> = row.map(|p| p[0]).collect();
                    row.chunks(8)
                        .map(|bits| bits.iter().enumerate().fold(0u8, |byte, (i, v)| byte | (u8::from(*v != 0) << (7 - i))))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<u8>>();
            &packed
        }
        DynamicImage::ImageLuma8(grey) => {
            encoder.set_color(png::ColorType::Grayscale);
            grey.as_raw()
        }
        other => {
            encoder.set_color(png::ColorType::Rgb);
            rgb = other.to_rgb8();
            rgb.as_raw()
        }
    };
    let mut writer = encoder.write_header().expect("PNG to memory");
    writer.write_image_data(samples).expect("PNG to memory");
    writer.finish().expect("PNG to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> DynamicImage {
        image::load_from_memory_with_format(bytes, image::ImageFormat::Png).unwrap()
    }

    #[test]
    fn a_black_and_white_page_is_one_bit_per_pixel_and_decodes_to_itself() {
        let mut grey = GrayImage::from_pixel(21, 5, image::Luma([255]));
        for x in (0..21).step_by(3) {
            grey.put_pixel(x, 2, image::Luma([0]));
        }
        let bytes = encode(&DynamicImage::ImageLuma8(grey.clone()));
        let carried = embeddable(&bytes).expect("our own PNG is carried");
        assert_eq!((carried.width, carried.height, carried.colours, carried.bits), (21, 5, 1, 1));
        assert_eq!(decode(&bytes).to_luma8(), grey);
        grey.put_pixel(0, 0, image::Luma([128]));
        let bytes = encode(&DynamicImage::ImageLuma8(grey.clone()));
        assert_eq!(embeddable(&bytes).map(|e| e.bits), Some(8));
        assert_eq!(decode(&bytes).to_luma8(), grey);
    }

    #[test]
    fn interlaced_transparent_or_palette_pngs_are_not_carried() {
        let rgba = image::RgbaImage::from_pixel(4, 4, image::Rgba([1, 2, 3, 128]));
        let mut bytes = std::io::Cursor::new(vec![]);
        DynamicImage::ImageRgba8(rgba).write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        assert!(embeddable(bytes.get_ref()).is_none());
        assert!(embeddable(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR").is_none(), "cut short");
    }
}
