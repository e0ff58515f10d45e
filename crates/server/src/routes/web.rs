//! The web pages: the dashboard at `/`, the storefront at `/shop` (and every path under it, which
//! the storefront's script routes itself), and their files at `/assets/...`, all compiled into
//! the binary by `aisle-web`. Pages need no key; the dashboard asks for an admin key in the
//! browser and sends it with its API calls.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// `GET /`: the dashboard.
pub async fn dashboard() -> Response {
    serve(aisle_web::dashboard_page())
}

/// `GET /shop` and `/shop/...`: the storefront.
pub async fn shop() -> Response {
    serve(aisle_web::shop_page())
}

/// `GET /assets/{*path}`: a page's scripts, styles and images.
pub async fn asset(Path(path): Path<String>) -> Response {
    match aisle_web::asset(&path) {
        Some(asset) => serve(asset),
        None => {
            Problem::new(StatusCode::NOT_FOUND, format!("no file /assets/{path}")).into_response()
        }
    }
}

fn serve(asset: &'static aisle_web::Asset) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            // The files change only with the binary; revalidating keeps an upgrade visible.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        asset.bytes,
    )
        .into_response()
}
