//! How the report JSON (and its signature) travel inside each format, and how they are read
//! back from a report file: a JSON envelope (`{"signature": ..., "report": ...}`, the report
//! last and verbatim), `application/json` script elements in HTML, and attachments in PDF
//! (read with `hayro-syntax`). The report bytes come back exactly as signed.

use serde::Deserialize;

use super::signing::ReportSignature;

pub const HTML_REPORT_ID: &str = "forgelens-report";
pub const HTML_SIGNATURE_ID: &str = "forgelens-signature";
pub const PDF_REPORT_ATTACHMENT: &str = "forgelens-report.json";
pub const PDF_SIGNATURE_ATTACHMENT: &str = "forgelens-signature.json";
/// The key the report sits under in a JSON report, always last.
const ENVELOPE_REPORT_KEY: &str = "\n  \"report\": ";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Pdf,
    Html,
    Json,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] = [ReportFormat::Pdf, ReportFormat::Html, ReportFormat::Json];

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
        }
    }

    /// The format a file's bytes are in.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
        let head = &bytes[start..bytes.len().min(start + 512)];
        if head.starts_with(b"%PDF-") {
            Some(ReportFormat::Pdf)
        } else if head.starts_with(b"{") {
            Some(ReportFormat::Json)
        } else if String::from_utf8_lossy(head)
            .to_ascii_lowercase()
            .contains("<html")
            || head.to_ascii_lowercase().starts_with(b"<!doctype html")
        {
            Some(ReportFormat::Html)
        } else {
            None
        }
    }
}

impl std::str::FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "pdf" => Ok(ReportFormat::Pdf),
            "html" | "htm" => Ok(ReportFormat::Html),
            "json" => Ok(ReportFormat::Json),
            other => Err(format!(
                "unknown report format `{other}`: use pdf, html or json"
            )),
        }
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

/// What a report file carries.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddedReport {
    pub format: ReportFormat,
    /// The report JSON, byte for byte as written (and signed).
    pub report_json: Vec<u8>,
    pub signature: Option<ReportSignature>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("not a ForgeLens report (neither PDF, HTML nor JSON)")]
    UnknownFormat,
    #[error("the {format} file holds no ForgeLens report data: {detail}")]
    NoReport {
        format: ReportFormat,
        detail: String,
    },
    #[error("the embedded signature is not readable: {0}")]
    Signature(String),
}

/// The JSON report file: signature first (or null), then the report verbatim.
pub fn json_envelope(report_json: &str, signature: Option<&ReportSignature>) -> String {
    let signature = match signature {
        Some(s) => serde_json::to_string_pretty(s)
            .expect("a signature serialises")
            .replace('\n', "\n  "),
        None => "null".to_string(),
    };
    let report = report_json.replace('\n', "\n  ");
    format!("{{\n  \"signature\": {signature},{ENVELOPE_REPORT_KEY}{report}\n}}\n")
}

/// Makes JSON safe inside an HTML `<script>` element: every `<` becomes `\u003c`, which is
/// the same JSON value. Reversed exactly by `unescape_script_json`.
pub fn escape_script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Undoes `escape_script_json` on serde_json output (where `\` only starts an escape).
pub fn unescape_script_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("\\u003c") {
            out.push('<');
            rest = after;
        } else {
            // Any other escape: copy the backslash and the character it escapes.
            let escaped_len = tail[1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&tail[..1 + escaped_len]);
            rest = &tail[1 + escaped_len..];
        }
    }
    out.push_str(rest);
    out
}

/// Undoes the indentation `json_envelope` added: the report as it was signed.
fn unindent(text: &str) -> String {
    text.replace("\n  ", "\n")
}

fn parse_signature(bytes: &[u8]) -> Result<Option<ReportSignature>, ExtractError> {
    serde_json::from_slice::<Option<ReportSignature>>(bytes)
        .map_err(|e| ExtractError::Signature(e.to_string()))
}

/// Reads the report JSON and signature out of a report file of any format.
pub fn extract_report(bytes: &[u8]) -> Result<EmbeddedReport, ExtractError> {
    let format = ReportFormat::sniff(bytes).ok_or(ExtractError::UnknownFormat)?;
    let no_report = |detail: &str| ExtractError::NoReport {
        format,
        detail: detail.to_string(),
    };
    match format {
        ReportFormat::Json => {
            let text = std::str::from_utf8(bytes).map_err(|_| no_report("not UTF-8"))?;
            let start = text
                .find(ENVELOPE_REPORT_KEY)
                .ok_or_else(|| no_report("no \"report\" member"))?
                + ENVELOPE_REPORT_KEY.len();
            let signature_start = text
                .find("\"signature\": ")
                .ok_or_else(|| no_report("no \"signature\" member"))?
                + "\"signature\": ".len();
            let mut values = serde_json::Deserializer::from_str(&text[start..])
                .into_iter::<serde::de::IgnoredAny>();
            match values.next() {
                Some(Ok(_)) => {}
                _ => return Err(no_report("the report is not valid JSON")),
            }
            let report = &text[start..start + values.byte_offset()];
            let mut signature_values = serde_json::Deserializer::from_str(&text[signature_start..])
                .into_iter::<Option<ReportSignature>>();
            let signature = match signature_values.next() {
                Some(Ok(s)) => s,
                Some(Err(e)) => return Err(ExtractError::Signature(e.to_string())),
                None => None,
            };
            Ok(EmbeddedReport {
                format,
                report_json: unindent(report).into_bytes(),
                signature,
            })
        }
        ReportFormat::Html => {
            let text = String::from_utf8_lossy(bytes);
            let script = |id: &str| -> Option<String> {
                let open = format!("<script type=\"application/json\" id=\"{id}\">\n");
                let start = text.find(&open)? + open.len();
                let end = start + text[start..].find("\n</script>")?;
                Some(unescape_script_json(&text[start..end]))
            };
            let report = script(HTML_REPORT_ID)
                .ok_or_else(|| no_report("no forgelens-report script element"))?;
            let signature = match script(HTML_SIGNATURE_ID) {
                Some(s) => parse_signature(s.as_bytes())?,
                None => None,
            };
            Ok(EmbeddedReport {
                format,
                report_json: report.into_bytes(),
                signature,
            })
        }
        ReportFormat::Pdf => {
            let attachments = pdf_attachments(bytes).map_err(|e| no_report(&e))?;
            let find = |name: &str| attachments.iter().find(|(n, _)| n == name).map(|(_, d)| d);
            let report = find(PDF_REPORT_ATTACHMENT)
                .ok_or_else(|| no_report("no forgelens-report.json attachment"))?;
            let signature = match find(PDF_SIGNATURE_ATTACHMENT) {
                Some(s) => parse_signature(s)?,
                None => None,
            };
            Ok(EmbeddedReport {
                format,
                report_json: report.clone(),
                signature,
            })
        }
    }
}

/// `(file name, decoded bytes)` of every embedded file in a PDF.
pub fn pdf_attachments(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    use hayro_syntax::object::{Dict, Name, Stream, String as PdfString};
    let pdf = hayro_syntax::Pdf::new(bytes.to_vec())
        .map_err(|e| format!("the PDF cannot be read: {e:?}"))?;
    let mut out = Vec::new();
    for object in pdf.objects() {
        let Some(dict) = object.into_dict() else {
            continue;
        };
        let is_filespec = dict
            .get::<Name>(b"Type")
            .is_some_and(|n| n.as_ref() == b"Filespec");
        if !is_filespec {
            continue;
        }
        let Some(name) = dict
            .get::<PdfString>(b"F")
            .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
        else {
            continue;
        };
        let Some(stream) = dict
            .get::<Dict>(b"EF")
            .and_then(|ef| ef.get::<Stream>(b"F"))
        else {
            continue;
        };
        let data = stream
            .decoded()
            .map_err(|e| format!("attachment {name} cannot be decoded: {e:?}"))?;
        out.push((name, data.into_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_escaping_round_trips() {
        for json in [
            r#"{"a": "</script><!-- x"}"#,
            r#"{"a": "\\u003c literally"}"#,
            r#"{"a": "tab\there \" quote \\ slash é"}"#,
        ] {
            let escaped = escape_script_json(json);
            assert!(!escaped.contains('<'));
            assert_eq!(unescape_script_json(&escaped), json);
            let a: serde_json::Value = serde_json::from_str(json).expect("json");
            let b: serde_json::Value = serde_json::from_str(&escaped).expect("escaped json");
            assert_eq!(a, b);
        }
    }

    #[test]
    fn json_envelope_round_trips_exact_bytes() {
        let report = "{\n  \"x\": \"a\\nb\",\n  \"report\": [1, 2]\n}";
        let envelope = json_envelope(report, None);
        let parsed: serde_json::Value = serde_json::from_str(&envelope).expect("valid JSON");
        assert_eq!(parsed["report"]["x"], "a\nb");
        let back = extract_report(envelope.as_bytes()).expect("extracts");
        assert_eq!(back.format, ReportFormat::Json);
        assert_eq!(back.report_json, report.as_bytes());
        assert!(back.signature.is_none());
    }

    #[test]
    fn sniffs_formats() {
        assert_eq!(ReportFormat::sniff(b"%PDF-1.7"), Some(ReportFormat::Pdf));
        assert_eq!(
            ReportFormat::sniff(b"\n{\"a\":1}"),
            Some(ReportFormat::Json)
        );
        assert_eq!(
            ReportFormat::sniff(b"<!DOCTYPE html>"),
            Some(ReportFormat::Html)
        );
        assert_eq!(ReportFormat::sniff(b"GIF89a"), None);
    }
}
