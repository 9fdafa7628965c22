//! Image operations of the page line, on raw rows in fixed point: shrinking by area average
//! (for reading and for the checks' thumbnail), rotation (straightening), despeckling.

use image::{DynamicImage, GrayImage, RgbImage};

/// Rotates by `degrees` counter-clockwise about the centre, bilinear, white outside. Works on
/// the raw rows (one or three channels) in fixed point: source coordinates in 1/65536 of a
/// pixel, stepped along each row, and weights in 1/256.
pub fn rotate(image: &DynamicImage, degrees: f32) -> DynamicImage {
    if degrees.abs() < 0.05 {
        return image.clone();
    }
    fn turn<const CHANNELS: usize>(src: &[u8], w: usize, h: usize, degrees: f32) -> Vec<u8> {
        const ONE: f64 = 65536.0;
        // With rows counted downwards, a counter-clockwise turn takes the source of (x, y) at the
        // angle's own sine (a minus here once turned every page the wrong way: a page 2.4° askew
        // came out 4.8° askew).
        let (sin, cos) = f64::from(degrees).to_radians().sin_cos();
        let (cx, cy) = ((w - 1) as f64 / 2.0, (h - 1) as f64 / 2.0);
        let (step_x, step_y) = ((cos * ONE).round() as i64, (sin * ONE).round() as i64);
        let (max_x, max_y) = (((w - 1) as i64) << 16, ((h - 1) as i64) << 16);
        let mut out = vec![255u8; src.len()];
        for y in 0..h {
            let dy = y as f64 - cy;
            // Source of (x, y) is (cos·dx − sin·dy + cx, sin·dx + cos·dy + cy): linear in x.
            let mut sx = ((cos * -cx - sin * dy + cx) * ONE).round() as i64;
            let mut sy = ((sin * -cx + cos * dy + cy) * ONE).round() as i64;
            let row = &mut out[y * w * CHANNELS..(y + 1) * w * CHANNELS];
            for x in 0..w {
                if sx >= 0 && sy >= 0 && sx < max_x && sy < max_y {
                    let (x0, y0) = ((sx >> 16) as usize, (sy >> 16) as usize);
                    let (fx, fy) = (((sx >> 8) & 0xff) as u32, ((sy >> 8) & 0xff) as u32);
                    let top = (y0 * w + x0) * CHANNELS;
                    let bottom = top + w * CHANNELS;
                    for c in 0..CHANNELS {
                        let (a, b) = (u32::from(src[top + c]), u32::from(src[top + CHANNELS + c]));
                        let (d, e) = (u32::from(src[bottom + c]), u32::from(src[bottom + CHANNELS + c]));
                        let upper = a * (256 - fx) + b * fx;
                        let lower = d * (256 - fx) + e * fx;
                        row[x * CHANNELS + c] = ((upper * (256 - fy) + lower * fy + (1 << 15)) >> 16) as u8;
                    }
                }
                sx += step_x;
                sy += step_y;
            }
        }
        out
    }
    let (w, h) = (image.width() as usize, image.height() as usize);
    match image {
        DynamicImage::ImageLuma8(grey) => DynamicImage::ImageLuma8(
            GrayImage::from_raw(image.width(), image.height(), turn::<1>(grey.as_raw(), w, h, degrees)).expect("same size"),
        ),
        other => {
            let rgb = other.to_rgb8();
            DynamicImage::ImageRgb8(
                RgbImage::from_raw(image.width(), image.height(), turn::<3>(rgb.as_raw(), w, h, degrees)).expect("same size"),
            )
        }
    }
}

/// Fixed-point weights (summing to [`SHRINK_ONE`]) of an area-average resampling from `src` to
/// `dst` samples: output i covers source [i·src/dst, (i+1)·src/dst), each source sample weighted
/// by how much of it lies inside. Per output: (first source sample, offset of its weights).
fn shrink_taps(src: u32, dst: u32) -> (Vec<(usize, usize)>, Vec<u32>) {
    let scale = f64::from(src) / f64::from(dst);
    let mut spans = Vec::with_capacity(dst as usize);
    let mut weights = vec![];
    for i in 0..dst {
        let (from, to) = (f64::from(i) * scale, (f64::from(i + 1) * scale).min(f64::from(src)));
        let first = from.floor() as u32;
        let offset = weights.len();
        let mut total = 0;
        for j in first..(to.ceil() as u32).min(src) {
            let inside = to.min(f64::from(j + 1)) - from.max(f64::from(j));
            let weight = (inside / scale * f64::from(SHRINK_ONE)).round() as u32;
            weights.push(weight);
            total += weight;
        }
        // Rounding may leave the sum a little off: the largest weight takes the difference.
        let largest = (offset..weights.len()).max_by_key(|k| weights[*k]).expect("every output covers a source sample");
        weights[largest] = weights[largest] + SHRINK_ONE - total;
        spans.push((first as usize, offset));
    }
    (spans, weights)
}

const SHRINK_ONE: u32 = 1 << 12;

/// Shrinks a grey page to `width` × `height` (each no larger than the page's), every output
/// pixel the mean of the source area it covers. Rows are combined down first, whole rows at a
/// time (values × 256 in u16), then each combined row is shrunk across.
pub fn shrink(grey: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (sw, w) = (grey.width() as usize, width as usize);
    let src = grey.as_raw();
    let (xs, xw) = shrink_taps(grey.width(), width);
    let (ys, yw) = shrink_taps(grey.height(), height);
    let taps = |spans: &[(usize, usize)], i: usize| spans[i].1..spans.get(i + 1).map_or(usize::MAX, |s| s.1);
    let mut sums = vec![0u32; sw];
    let mut down = vec![0u16; sw];
    let mut out = vec![0u8; w * height as usize];
    for (y, out) in out.chunks_exact_mut(w).enumerate() {
        sums.fill(0);
        let (first, _) = ys[y];
        let range = taps(&ys, y);
        for (k, weight) in yw[range.start..range.end.min(yw.len())].iter().enumerate() {
            for (sum, v) in sums.iter_mut().zip(&src[(first + k) * sw..(first + k + 1) * sw]) {
                *sum += weight * u32::from(*v);
            }
        }
        for (d, sum) in down.iter_mut().zip(&sums) {
            *d = ((sum + 8) >> 4) as u16;
        }
        for (x, o) in out.iter_mut().enumerate() {
            let (first, _) = xs[x];
            let range = taps(&xs, x);
            let sum: u32 = xw[range.start..range.end.min(xw.len())].iter().zip(&down[first..]).map(|(w, v)| w * u32::from(*v)).sum();
            *o = ((sum + (1 << 19)) >> 20) as u8;
        }
    }
    GrayImage::from_raw(width, height, out).expect("sized above")
}

/// Removes isolated specks: a pixel far darker or lighter than all eight neighbours takes their
/// mean. Text strokes, which touch their neighbours, are untouched.
pub fn despeckle(grey: &GrayImage) -> GrayImage {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let src = grey.as_raw();
    let mut out = src.clone();
    for y in 1..h.saturating_sub(1) {
        let (above, row, below) = (&src[(y - 1) * w..y * w], &src[y * w..(y + 1) * w], &src[(y + 1) * w..(y + 2) * w]);
        for x in 1..w - 1 {
            let centre = row[x];
            let like = |v: u8| v.abs_diff(centre) < 80;
            // Most pixels have a neighbour like them, usually the one before: stop at the first.
            if like(row[x - 1]) || like(row[x + 1]) || like(above[x]) || like(below[x]) {
                continue;
            }
            let neighbours = [above[x - 1], above[x + 1], below[x - 1], below[x + 1]];
            if neighbours.iter().any(|v| like(*v)) {
                continue;
            }
            let sum: i32 = [above[x - 1], above[x], above[x + 1], row[x - 1], row[x + 1], below[x - 1], below[x], below[x + 1]]
                .iter()
                .map(|v| i32::from(*v))
                .sum();
            out[y * w + x] = (sum / 8) as u8;
        }
    }
    GrayImage::from_raw(grey.width(), grey.height(), out).expect("same size")
}

/// A small grey copy for the checks, about `target` pixels wide: the page shrunk by a whole
/// factor, each pixel the mean of its block.
pub fn thumbnail(grey: &GrayImage, target: u32) -> GrayImage {
    let factor = (grey.width() / target).max(1);
    shrink(grey, (grey.width() / factor).max(1), (grey.height() / factor).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_turn_by_rotate_matches_the_exact_one_counter_clockwise() {
        // Half a line, from the centre to the right: a counter-clockwise turn points it up.
        let mut grey = GrayImage::from_pixel(41, 41, image::Luma([255]));
        for x in 20..30 {
            grey.put_pixel(x, 20, image::Luma([0]));
        }
        let turned = rotate(&DynamicImage::ImageLuma8(grey.clone()), 90.0).to_luma8();
        let exact = image::imageops::rotate270(&grey);
        let differing = turned.pixels().zip(exact.pixels()).filter(|(a, b)| a[0].abs_diff(b[0]) > 8).count();
        assert!(differing <= 2, "{differing} pixels differ");
    }

    #[test]
    fn shrinking_averages_the_area_each_pixel_covers() {
        // White columns 0–1, black 2–5; six columns into four: the second output covers columns
        // 1.5–3, a third white.
        let mut grey = GrayImage::from_pixel(6, 6, image::Luma([255]));
        for y in 0..6 {
            for x in 2..6 {
                grey.put_pixel(x, y, image::Luma([0]));
            }
        }
        let small = shrink(&grey, 4, 4);
        assert_eq!(&small.as_raw()[..4], &[255, 85, 0, 0]);
        assert!(small.rows().all(|row| row.map(|p| p[0]).eq([255, 85, 0, 0])));
        // A flat grey stays exactly itself at any ratio.
        let flat = shrink(&GrayImage::from_pixel(2481, 7, image::Luma([137])), 1654, 5);
        assert!(flat.pixels().all(|p| p[0] == 137));
    }
}
