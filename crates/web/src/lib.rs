//! The dashboard (`/`) and the demo storefront (`/shop`) as static files compiled into the
//! binary: HTML, CSS and JavaScript modules, no build step and no request outside the server.
//!
//! This crate only holds and looks up the files; the server crate serves them and the JSON
//! endpoints they call. The pages are plain ES modules (no framework, no bundler), so that the
//! binary carries everything they need and a page's first render is one HTML file and its
//! scripts. Charts are drawn as SVG by `common/charts.js`; both sides build elements with
//! `common/dom.js` and read API answers with `common/api.js`; texts in Chinese and English come
//! from each side's `i18n.js`.

mod files;

pub use files::FILES;

/// One embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// Path under `/assets/`, e.g. `shop/shop.js`.
    pub path: &'static str,
    /// The file's bytes.
    pub bytes: &'static [u8],
    /// Its `Content-Type`.
    pub content_type: &'static str,
}

/// The embedded file at `path` (relative to `/assets/`), if there is one.
pub fn asset(path: &str) -> Option<&'static Asset> {
    FILES.iter().find(|a| a.path == path)
}

/// The dashboard's page.
pub fn dashboard_page() -> &'static Asset {
    page("dashboard/index.html")
}

/// The storefront's page.
pub fn shop_page() -> &'static Asset {
    page("shop/index.html")
}

fn page(path: &str) -> &'static Asset {
    // The table is a compile-time list that contains both pages; the test below keeps it so.
    asset(path).unwrap_or(&FILES[0])
}

/// `Content-Type` by file extension.
pub(crate) const fn content_type(extension: &str) -> &'static str {
    match extension.as_bytes() {
        b"html" => "text/html; charset=utf-8",
        b"css" => "text/css; charset=utf-8",
        b"js" => "text/javascript; charset=utf-8",
        b"svg" => "image/svg+xml",
        b"png" => "image/png",
        b"json" => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_pages_and_their_scripts_are_embedded_with_types() {
        assert_eq!(dashboard_page().path, "dashboard/index.html");
        assert_eq!(shop_page().path, "shop/index.html");
        assert!(dashboard_page().content_type.starts_with("text/html"));
        for asset in FILES {
            let extension = asset.path.rsplit('.').next().unwrap_or("");
            assert_eq!(asset.content_type, content_type(extension), "{}", asset.path);
            assert!(!asset.bytes.is_empty(), "{} is empty", asset.path);
        }
        assert!(asset("../Cargo.toml").is_none());
    }

    #[test]
    fn every_script_a_page_loads_is_embedded() {
        for page in [dashboard_page(), shop_page()] {
            let html = std::str::from_utf8(page.bytes).unwrap_or("");
            for reference in html.split("/assets/").skip(1) {
                let path: String =
                    reference.chars().take_while(|c| !matches!(c, '"' | '\'' | '?')).collect();
                assert!(asset(&path).is_some(), "{} loads /assets/{path}", page.path);
            }
        }
    }
}
