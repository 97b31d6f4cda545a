//! The explorer's page and every file it loads, compiled into the binary so the page
//! works offline and the server needs no files beside it. The vendored libraries keep
//! their licence files beside them in `assets/vendor/` (served too, for the record).
//!
//! Two libraries, copied as published, neither needing a bundler: cytoscape.js draws
//! the graph (it laid out a thousand nodes in seconds where vis-network took minutes),
//! and CodeMirror 5 is the editor, with `show-hint` for completion. The SVG export is
//! our own code in `graph-view.js`. The page's scripts put data into the page as text,
//! never as HTML.

/// One served file.
pub(super) struct Asset {
    pub(super) content_type: &'static str,
    pub(super) bytes: &'static [u8],
}

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Every path the server answers outside `/api/`, with its content.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("/", HTML, include_bytes!("assets/index.html")),
    ("/explorer.css", CSS, include_bytes!("assets/explorer.css")),
    ("/explorer.js", JAVASCRIPT, include_bytes!("assets/explorer.js")),
    ("/graph-view.js", JAVASCRIPT, include_bytes!("assets/graph-view.js")),
    (
        "/vendor/cytoscape/cytoscape.min.js",
        JAVASCRIPT,
        include_bytes!("assets/vendor/cytoscape/cytoscape.min.js"),
    ),
    ("/vendor/cytoscape/LICENSE", TEXT, include_bytes!("assets/vendor/cytoscape/LICENSE")),
    (
        "/vendor/codemirror/codemirror.js",
        JAVASCRIPT,
        include_bytes!("assets/vendor/codemirror/codemirror.js"),
    ),
    (
        "/vendor/codemirror/codemirror.css",
        CSS,
        include_bytes!("assets/vendor/codemirror/codemirror.css"),
    ),
    (
        "/vendor/codemirror/show-hint.js",
        JAVASCRIPT,
        include_bytes!("assets/vendor/codemirror/show-hint.js"),
    ),
    (
        "/vendor/codemirror/show-hint.css",
        CSS,
        include_bytes!("assets/vendor/codemirror/show-hint.css"),
    ),
    ("/vendor/codemirror/LICENSE", TEXT, include_bytes!("assets/vendor/codemirror/LICENSE")),
];

/// The asset served at `path`, if any.
pub(super) fn find(path: &str) -> Option<Asset> {
    let path = if path == "/index.html" { "/" } else { path };
    ASSETS
        .iter()
        .find(|(served_at, _, _)| *served_at == path)
        .map(|(_, content_type, bytes)| Asset { content_type, bytes })
}

/// The bytes the page loads when it opens (HTML, scripts and styles), for the figures.
#[cfg(test)]
fn page_weight() -> usize {
    ASSETS
        .iter()
        .filter(|(path, _, _)| !path.ends_with("LICENSE"))
        .map(|(_, _, bytes)| bytes.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_what_it_loads_are_served() {
        let page = std::str::from_utf8(find("/").unwrap().bytes).unwrap();
        for (path, _, _) in
            ASSETS.iter().filter(|(path, _, _)| *path != "/" && !path.ends_with("LICENSE"))
        {
            assert!(page.contains(&format!("\"{path}\"")), "index.html does not load {path}");
        }
        assert!(find("/nothing").is_none());
        assert!(page_weight() < 1_100_000, "page weight {}", page_weight());
    }
}
