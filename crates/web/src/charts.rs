//! Charts drawn by the server as SVG — light on a commune's connection, no script: the burn-up
//! of a stage against the straight line from the plan's start to its deadline. Presentation
//! attributes only (the pages' Content-Security-Policy allows no inline style).

use kho_model::vn;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What a burn-up counts.
#[derive(Clone, Copy)]
pub enum Quantity {
    /// Mét giá, in hundredths.
    Metres,
    /// Things counted one by one, named ("hồ sơ", "trang").
    Count(&'static str),
}

impl Quantity {
    fn text(self, value: i64) -> String {
        match self {
            Quantity::Metres => format!("{} m", vn::hundredths(value)),
            Quantity::Count(name) => format!("{} {name}", vn::integer(value)),
        }
    }

    /// The target as the axis writes it: short enough for its margin.
    fn axis(self, value: i64) -> String {
        match self {
            Quantity::Metres => format!("{} m", vn::hundredths(value)),
            Quantity::Count(_) => vn::integer(value),
        }
    }
}

/// Per-unit monthly amounts (`YYYY-MM`, oldest first) summed over `units` and made cumulative,
/// at the first day of each month: the series a burn-up draws.
pub fn cumulative(rows: &[(i64, String, i64)], units: &std::collections::BTreeSet<i64>) -> Vec<(chrono::NaiveDate, i64)> {
    let mut months: Vec<(chrono::NaiveDate, i64)> = vec![];
    for (unit, month, amount) in rows {
        if !units.contains(unit) {
            continue;
        }
        let Ok(first) = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") else { continue };
        match months.last_mut() {
            Some((m, total)) if *m == first => *total += amount,
            _ => months.push((first, months.last().map(|(_, t)| *t).unwrap_or(0) + amount)),
        }
    }
    months
}

/// Cumulative `done` (at the first day of each month) from `start` to `end` against `target`:
/// the plan's straight line dashed, what was done as steps, today marked.
pub fn burn_up(
    title: &str,
    quantity: Quantity,
    done: &[(chrono::NaiveDate, i64)],
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
    target: i64,
    today: chrono::NaiveDate,
) -> String {
    let span = (end - start).num_days().max(1) as f64;
    let top = done.iter().map(|(_, v)| *v).max().unwrap_or(0).max(target).max(1) as f64;
    let x = |d: chrono::NaiveDate| LEFT + ((d - start).num_days() as f64 / span).clamp(0.0, 1.0) * (WIDTH - LEFT - RIGHT);
    let y = |v: i64| TOP + (1.0 - v as f64 / top) * (HEIGHT - TOP - BOTTOM);
    let label = format!(
        "{}: đã làm {} trên {} kế hoạch, hạn {}",
        title,
        quantity.text(done.last().map(|(_, v)| *v).unwrap_or(0)),
        quantity.text(target),
        end.format("%d/%m/%Y")
    );
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        escape(&label),
        escape(&label)
    );
    // Axes, the years along the bottom, the target at the left.
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/><line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#888\"/>",
        b = HEIGHT - BOTTOM,
        r = WIDTH - RIGHT
    ));
    for year in chrono::Datelike::year(&start)..=chrono::Datelike::year(&end) {
        let Some(first) = chrono::NaiveDate::from_ymd_opt(year, 1, 1) else { continue };
        let at = x(first);
        svg.push_str(&format!(
            "<line x1=\"{at:.1}\" y1=\"{b}\" x2=\"{at:.1}\" y2=\"{t}\" stroke=\"#888\"/><text x=\"{at:.1}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{year}</text>",
            b = HEIGHT - BOTTOM,
            t = HEIGHT - BOTTOM + 4.0,
            ty = HEIGHT - 10.0
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{lx}\" y=\"{ty:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text><text x=\"{lx}\" y=\"{by}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">0</text>",
        quantity.axis(target),
        lx = LEFT - 4.0,
        ty = y(target) + 4.0,
        by = HEIGHT - BOTTOM
    ));
    // The plan's line.
    svg.push_str(&format!(
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"6 4\"/>",
        x(start),
        y(0),
        x(end),
        y(target)
    ));
    // What was done, as steps up to today.
    let mut points = vec![format!("{:.1},{:.1}", x(start), y(0))];
    let mut level = 0;
    for (month, value) in done {
        if *month > today {
            break;
        }
        points.push(format!("{:.1},{:.1}", x(*month), y(level)));
        points.push(format!("{:.1},{:.1}", x(*month), y(*value)));
        level = *value;
    }
    points.push(format!("{:.1},{:.1}", x(today), y(level)));
    svg.push_str(&format!("<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>", points.join(" ")));
    svg.push_str(&format!(
        "<line x1=\"{t:.1}\" y1=\"{TOP}\" x2=\"{t:.1}\" y2=\"{b}\" stroke=\"#c0392b\" stroke-dasharray=\"2 3\"/><text x=\"{t:.1}\" y=\"{ly}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#c0392b\">hôm nay</text>",
        t = x(today),
        b = HEIGHT - BOTTOM,
        ly = TOP + 10.0
    ));
    svg.push_str("</svg>");
    svg
}
