//! `file:` URIs to paths, without pulling in a URL library: the server only ever reads the
//! URIs its client sends and echoes them back unchanged, so decoding is all it needs.

use std::path::PathBuf;

/// The local path of a `file:` URI, or `None` for other schemes (`untitled:`), remote hosts
/// and malformed escapes.
pub fn to_path(uri: &str) -> Option<PathBuf> {
    let rest = strip_prefix_ignore_case(uri, "file://")?;
    // `file://host/path`: only an empty host or `localhost` is this machine.
    let (host, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => return None,
    };
    if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode(path)?;
    Some(platform_path(decoded))
}

/// The last path segment of any URI (decoded when possible), for naming documents that have
/// no file behind them.
pub fn file_name(uri: &str) -> String {
    let without_query = uri.split(['?', '#']).next().unwrap_or(uri);
    let last = without_query
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(without_query);
    percent_decode(last).unwrap_or_else(|| last.to_string())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(windows)]
fn platform_path(decoded: String) -> PathBuf {
    // `/c:/dir/file` → `c:/dir/file`.
    let trimmed = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => decoded[1..].to_string(),
        _ => decoded,
    };
    PathBuf::from(trimmed)
}

#[cfg(not(windows))]
fn platform_path(decoded: String) -> PathBuf {
    PathBuf::from(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(not(windows))]
    fn decodes_file_uris() {
        assert_eq!(
            to_path("file:///home/me/a%20b/kratos.yml"),
            Some(PathBuf::from("/home/me/a b/kratos.yml"))
        );
        assert_eq!(
            to_path("file://localhost/etc/%E8%A8%AD%E5%AE%9A.yml"),
            Some(PathBuf::from("/etc/設定.yml"))
        );
        assert_eq!(to_path("file://server/share/x.yml"), None);
        assert_eq!(to_path("untitled:Untitled-1"), None);
        assert_eq!(to_path("file:///bad%zz"), None);
    }

    #[test]
    fn names_any_uri() {
        assert_eq!(file_name("untitled:Untitled-1"), "Untitled-1");
        assert_eq!(file_name("file:///x/kratos%2Eyml"), "kratos.yml");
    }
}
