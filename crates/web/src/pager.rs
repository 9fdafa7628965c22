//! Moving through a long list a page at a time. The page's address says where it starts — after
//! the last row shown (`sau`), before the first (`truoc`), the last page (`cuoi`), a page by its
//! number (`trang`) or a hồ sơ by its number (`so`) — and where that is in the list (`tu`), so
//! that no page is found by counting past the rows before it.

use kho_store::{DossierPage, Seek};
use minijinja::{Value, context};
use serde::Deserialize;

/// The address of a page of a list.
#[derive(Deserialize, Default, Debug)]
pub struct PageQuery {
    /// The last row of the previous page.
    #[serde(default, deserialize_with = "lenient")]
    pub sau: Option<i64>,
    /// The first row of the next page.
    #[serde(default, deserialize_with = "lenient")]
    pub truoc: Option<i64>,
    /// Where this page's first row stands (from 1), carried from the page before.
    #[serde(default, deserialize_with = "lenient")]
    pub tu: Option<u64>,
    /// The last page.
    pub cuoi: Option<String>,
    /// Page N, from 1.
    #[serde(default, deserialize_with = "lenient")]
    pub trang: Option<u64>,
    /// From hồ sơ số N.
    #[serde(default, deserialize_with = "lenient")]
    pub so: Option<u32>,
}

/// A number typed into a jump box (or an address edited by hand): blank or not a number is no
/// jump, never an error page. (Read as text, also because a flattened query has only text.)
fn lenient<'de, D: serde::Deserializer<'de>, T: std::str::FromStr>(d: D) -> Result<Option<T>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(raw.and_then(|s| s.trim().replace('.', "").parse().ok()))
}

impl PageQuery {
    pub fn seek(&self) -> Seek {
        Seek::from_address(self.sau, self.truoc, self.cuoi.is_some(), self.so, self.trang)
    }
}

/// What the pager shows and links to. `path` is the list's address; `keep` its filters, carried
/// by every link and by the jump boxes.
pub fn pager(page: &DossierPage, q: &PageQuery, limit: u64, path: &str, keep: &[(&str, &str)]) -> Value {
    let kept: Vec<(&str, &str)> = keep.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    let mut base = format!("{path}?");
    for (name, value) in &kept {
        base.push_str(&format!("{name}={}&", crate::auth::urlencode(value)));
    }
    let shown = page.items.len() as u64;
    let total = page.total.max(0) as u64;
    // Where this page starts: from the store when the way here told it, else from the address.
    let before = page.before.unwrap_or_else(|| q.tu.unwrap_or(1).saturating_sub(1));
    let before = before.min(total.saturating_sub(shown));
    let pages = total.div_ceil(limit.max(1)).max(1);
    let number = (before / limit.max(1) + 1).min(pages);
    let href = |query: String| format!("{base}{query}");
    context! {
        from => if shown == 0 { 0 } else { before + 1 },
        to => before + shown,
        total, pages, number, limit,
        path, keep => kept.iter().map(|&(name, value)| context! { name, value }).collect::<Vec<_>>(),
        first => page.prev.map(|_| href(String::new()).trim_end_matches(['?', '&']).to_string()),
        prev => page.prev.map(|id| href(format!("truoc={id}&tu={}", before.saturating_sub(limit) + 1))),
        next => page.next.map(|id| href(format!("sau={id}&tu={}", before + shown + 1))),
        last => page.next.map(|_| href("cuoi=1".into())),
    }
}
