//! Request bodies as the bot sends them: JSON, a form, or multipart/form-data (as teloxide
//! sends files), read into parameters; and the files of a multipart body, byte for byte.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value, json};

/// A file part of a multipart body.
pub(super) struct Upload {
    pub(super) name: String,
    pub(super) file_name: String,
    pub(super) bytes: Vec<u8>,
}

/// The request's parameters: JSON as is; form and multipart fields as an object of strings
/// (files as `{"filename", "bytes"}`); anything else as `{"_raw": ...}`.
pub(super) fn parse_body(headers: &HeaderMap, body: &Bytes) -> Value {
    let raw_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The media type is case-insensitive; the multipart boundary is not.
    let content_type = raw_type.to_ascii_lowercase();
    if body.is_empty() {
        return json!({});
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let fields: Map<String, Value> = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Value::Object(fields);
    }
    if content_type.starts_with("multipart/form-data")
        && let Some(fields) = parse_multipart(raw_type, body)
    {
        return fields;
    }
    serde_json::from_slice(body).unwrap_or_else(|_| json!({"_raw": String::from_utf8_lossy(body)}))
}

/// Just enough of multipart/form-data for the fields teloxide sends.
fn parse_multipart(content_type: &str, body: &[u8]) -> Option<Value> {
    let boundary = content_type
        .split(';')
        .find_map(|p| {
            let p = p.trim();
            p.get(..9)
                .filter(|k| k.eq_ignore_ascii_case("boundary="))
                .map(|_| &p[9..])
        })?
        .trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut fields = Map::new();
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let (head, value) = part.split_once("\r\n\r\n")?;
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let attribute = |name: &str| {
            let key = format!("{name}=\"");
            let start = head.find(&key)? + key.len();
            let end = head[start..].find('"')? + start;
            Some(head[start..end].to_string())
        };
        let name = attribute("name")?;
        let value = match attribute("filename") {
            Some(filename) => json!({"filename": filename, "bytes": value.len()}),
            None => Value::String(value.to_string()),
        };
        fields.insert(name, value);
    }
    Some(Value::Object(fields))
}

/// The file parts of a multipart/form-data body, byte for byte (none for other bodies).
pub(super) fn multipart_files(headers: &HeaderMap, body: &[u8]) -> Vec<Upload> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Vec::new();
    }
    let Some(boundary) = content_type.split(';').find_map(|p| {
        let p = p.trim();
        p.get(..9)
            .filter(|k| k.eq_ignore_ascii_case("boundary="))
            .map(|_| p[9..].trim_matches('"').to_string())
    }) else {
        return Vec::new();
    };
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    // The first delimiter has no line break before it.
    let mut rest: &[u8] = match find(body, &delimiter[2..]) {
        Some(i) => &body[i + delimiter.len() - 2..],
        None => return Vec::new(),
    };
    let mut files = Vec::new();
    while !rest.starts_with(b"--") {
        let part = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(end) = find(part, &delimiter) else {
            break;
        };
        let (part, next) = (&part[..end], &part[end + delimiter.len()..]);
        rest = next;
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let attribute = |name: &str| {
            let key = format!("{name}=\"");
            let start = head.find(&key)? + key.len();
            let end = head[start..].find('"')? + start;
            Some(head[start..end].to_string())
        };
        if let (Some(name), Some(file_name)) = (attribute("name"), attribute("filename")) {
            files.push(Upload {
                name,
                file_name,
                bytes: part[split + 4..].to_vec(),
            });
        }
    }
    files
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
