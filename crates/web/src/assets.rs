//! The static files pages use — the stylesheet, the số hóa page's script, the icon —, embedded in the
//! binary and served under names that carry a digest of their content (`kho.3f9a0c1e2b4d.css`).
//! A new build with a changed file gives it a new name, so browsers may keep each name for a
//! year without asking again. Scripts live here, never inline, so the Content-Security-Policy
//! needs no `'unsafe-inline'`.

use crate::error::PageError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    /// As templates name it: `kho.css`.
    name: &'static str,
    media_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset { name: "kho.css", media_type: "text/css; charset=utf-8", body: include_bytes!("../static/kho.css") },
    Asset { name: "so-hoa.js", media_type: "text/javascript; charset=utf-8", body: include_bytes!("../static/so-hoa.js") },
    Asset { name: "chon-tep.js", media_type: "text/javascript; charset=utf-8", body: include_bytes!("../static/chon-tep.js") },
    Asset { name: "xem-trang.js", media_type: "text/javascript; charset=utf-8", body: include_bytes!("../static/xem-trang.js") },
    Asset { name: "favicon.ico", media_type: "image/x-icon", body: include_bytes!("../static/favicon.ico") },
];

/// How long a browser may keep a file whose name carries its digest: a year, never asking again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Each asset's versioned file name: `kho.css` → `kho.<12 hex digits of SHA-256>.css`.
static VERSIONED: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest: String = Sha256::digest(asset.body)[..6].iter().map(|b| format!("{b:02x}")).collect();
            let (stem, ext) = asset.name.rsplit_once('.').expect("asset names have an extension");
            format!("{stem}.{digest}.{ext}")
        })
        .collect()
});

/// The URL of an asset as pages link it (`/static/kho.3f9a0c1e2b4d.css`); `None` for a name
/// that is not an asset.
pub fn url(name: &str) -> Option<String> {
    let index = ASSETS.iter().position(|a| a.name == name)?;
    Some(format!("/static/{}", VERSIONED[index]))
}

/// `GET /static/{file}`: a versioned name is immutable for a year; the plain name (an old
/// bookmark, a hand-written link) is served too but revalidated each time.
pub async fn serve(Path(file): Path<String>) -> Response {
    let found = ASSETS.iter().zip(VERSIONED.iter()).find_map(|(asset, versioned)| {
        if *versioned == file {
            Some((asset, IMMUTABLE))
        } else if asset.name == file {
            Some((asset, "no-cache"))
        } else {
            None
        }
    });
    respond(found)
}

/// `GET /favicon.ico`, where browsers and tools look for a site's icon whatever the page says
/// (pages link the versioned name): a year of caching, so no page's visit asks for it again.
pub async fn favicon() -> Response {
    let icon = ASSETS.iter().find(|a| a.name == "favicon.ico");
    respond(icon.map(|asset| (asset, "public, max-age=31536000")))
}

fn respond(found: Option<(&Asset, &'static str)>) -> Response {
    match found {
        Some((asset, cache)) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(asset.media_type)), (header::CACHE_CONTROL, HeaderValue::from_static(cache))],
            asset.body,
        )
            .into_response(),
        None => PageError::NotFound("tệp").into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_asset_has_a_name_that_changes_with_its_content() {
        let css = super::url("kho.css").unwrap();
        assert!(css.starts_with("/static/kho.") && css.ends_with(".css") && css.len() == "/static/kho..css".len() + 12, "{css}");
        assert!(super::url("so-hoa.js").unwrap().ends_with(".js"));
        assert!(super::url("favicon.ico").unwrap().ends_with(".ico"));
        assert_eq!(super::url("khong-co.js"), None);
    }
}
