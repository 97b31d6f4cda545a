//! HTTP/1.1 on the wire, as much of it as the explorer needs: one request per
//! connection (every answer says `Connection: close`), a head of bounded size, and a
//! body only by `Content-Length`, refused unread past the limit.
//!
//! Why not a library: tiny_http 0.12 was tried first, and its connection task pool can
//! leave a keep-alive connection queued behind others that stay open (Chromium loading
//! the page stalled on two of its eight scripts, intermittently). Closing after each
//! answer keeps every connection's life to one request, on its own thread.

use std::io::{self, BufRead, Read, Write};

/// Largest request head (request line and headers) read.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// One request as read.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The request target as sent (`/api/query`, `/?token=…`).
    pub(crate) target: String,
    /// Header names lower-cased, in the order sent.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (lower case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Why a request could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WireError {
    #[error("reading the request: {0}")]
    Io(#[from] io::Error),
    #[error("malformed request: {0}")]
    Malformed(&'static str),
    #[error("the request head is larger than {MAX_HEAD_BYTES} bytes")]
    HeadTooLarge,
    #[error("the request body is larger than {0} bytes")]
    BodyTooLarge(usize),
    #[error("send the body with a Content-Length (chunked bodies are not accepted)")]
    Chunked,
}

/// Reads one request whose body is at most `body_limit` bytes.
pub(crate) fn read_request(
    stream: &mut impl BufRead,
    body_limit: usize,
) -> Result<Request, WireError> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let read = stream
            .by_ref()
            .take((MAX_HEAD_BYTES + 1 - before) as u64)
            .read_until(b'\n', &mut head)?;
        if read == 0 {
            return Err(WireError::Malformed("the connection closed before the head ended"));
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(WireError::HeadTooLarge);
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
    }
    let head =
        std::str::from_utf8(&head).map_err(|_| WireError::Malformed("the head is not UTF-8"))?;
    let mut lines = head.lines();
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(WireError::Malformed("the request line is not `METHOD TARGET HTTP/1.x`"));
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err(WireError::Malformed("the request line is not `METHOD TARGET HTTP/1.x`"));
    }
    let mut headers = Vec::new();
    for line in lines.filter(|line| !line.is_empty()) {
        let (name, value) =
            line.split_once(':').ok_or(WireError::Malformed("a header line has no `:`"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let mut request =
        Request { method: method.to_owned(), target: target.to_owned(), headers, body: Vec::new() };
    if request.header("transfer-encoding").is_some() {
        return Err(WireError::Chunked);
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(length) => length
            .parse::<usize>()
            .map_err(|_| WireError::Malformed("Content-Length is not a number"))?,
    };
    if length > body_limit {
        return Err(WireError::BodyTooLarge(body_limit));
    }
    request.body.resize(length, 0);
    stream.read_exact(&mut request.body)?;
    Ok(request)
}

/// The reason phrase of the statuses the server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Writes a whole response and says the connection closes after it; `head_only` (for
/// HEAD) leaves the body out but still gives its length.
pub(crate) fn write_response(
    stream: &mut impl Write,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, limit: usize) -> Result<Request, WireError> {
        read_request(&mut io::BufReader::new(text.as_bytes()), limit)
    }

    #[test]
    fn a_request_with_headers_and_a_body() {
        let request = read(
            "POST /api/query HTTP/1.1\r\nHost: a:1\r\nContent-Length: 4\r\n\r\n{}\r\nignored",
            100,
        )
        .unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/api/query");
        assert_eq!(request.header("host"), Some("a:1"));
        assert_eq!(request.body, b"{}\r\n");
    }

    #[test]
    fn a_head_answer_gives_the_length_without_the_body() {
        let mut full = Vec::new();
        write_response(&mut full, 200, &[("Content-Type", "text/plain")], b"hello", false).unwrap();
        let mut head = Vec::new();
        write_response(&mut head, 200, &[("Content-Type", "text/plain")], b"hello", true).unwrap();
        assert_eq!(&full[..head.len()], &head[..]);
        assert!(
            String::from_utf8(head)
                .unwrap()
                .ends_with("Content-Length: 5\r\nConnection: close\r\n\r\n")
        );
        assert!(full.ends_with(b"\r\n\r\nhello"));
    }

    #[test]
    fn bad_and_oversized_requests_are_errors_not_panics() {
        assert!(matches!(
            read("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 100),
            Err(WireError::BodyTooLarge(100))
        ));
        assert!(matches!(
            read("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 100),
            Err(WireError::Chunked)
        ));
        assert!(matches!(
            read(&format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000)), 100),
            Err(WireError::HeadTooLarge)
        ));
        for bad in [
            "",
            "GET\r\n\r\n",
            "GET http://x/ HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nnocolon\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
        ] {
            assert!(read(bad, 100).is_err(), "{bad:?}");
        }
    }
}
