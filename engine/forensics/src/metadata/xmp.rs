//! The XMP packet, found by its `<x:xmpmeta` ... `</x:xmpmeta>` envelope anywhere in the file
//! (JPEG APP1, PNG iTXt, WebP XMP chunk, TIFF tag 700), and the properties that tell a file's
//! history, read from attributes (`name="value"`) and simple elements (`<name>value</name>`).

/// Properties read from the packet, with the prefix they usually carry.
const PROPERTIES: [&str; 19] = [
    "xmp:CreatorTool",
    "tiff:Make",
    "tiff:Model",
    "exif:PixelXDimension",
    "exif:PixelYDimension",
    "photoshop:DateCreated",
    "xmp:CreateDate",
    "xmp:ModifyDate",
    "xmp:MetadataDate",
    "xmpMM:DocumentID",
    "xmpMM:OriginalDocumentID",
    "xmpMM:InstanceID",
    "stEvt:action",
    "stEvt:softwareAgent",
    "stEvt:when",
    "stRef:documentID",
    "photoshop:History",
    "Iptc4xmpExt:DigitalSourceType",
    "plus:DigitalSourceType",
];

/// The largest packet kept, bytes.
const MAX_PACKET: usize = 1 << 20;

pub fn packet(bytes: &[u8]) -> Option<String> {
    let start = find(bytes, b"<x:xmpmeta", 0)?;
    let end = find(bytes, b"</x:xmpmeta>", start)? + b"</x:xmpmeta>".len();
    let slice = &bytes[start..end.min(start + MAX_PACKET)];
    Some(String::from_utf8_lossy(slice).into_owned())
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Every occurrence of the known properties, in packet order per property.
pub fn properties(packet: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in PROPERTIES {
        let attribute = format!("{name}=\"");
        let mut at = 0;
        while let Some(p) = packet[at..].find(&attribute) {
            let start = at + p + attribute.len();
            let Some(len) = packet[start..].find('"') else {
                break;
            };
            out.push((name.to_string(), unescape(&packet[start..start + len])));
            at = start + len;
        }
        let open = format!("<{name}>");
        let mut at = 0;
        while let Some(p) = packet[at..].find(&open) {
            let start = at + p + open.len();
            let Some(len) = packet[start..].find('<') else {
                break;
            };
            let value = packet[start..start + len].trim();
            if !value.is_empty() {
                out.push((name.to_string(), unescape(value)));
            }
            at = start + len;
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_and_elements() {
        let p = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description xmp:CreatorTool="Adobe Photoshop 25.0 (Windows)"><stEvt:softwareAgent>GIMP 2.10</stEvt:softwareAgent></rdf:Description></x:xmpmeta>"#;
        let found = packet(format!("junk{p}junk").as_bytes()).expect("packet");
        assert_eq!(found, p);
        let props = properties(&found);
        assert!(props.contains(&(
            "xmp:CreatorTool".into(),
            "Adobe Photoshop 25.0 (Windows)".into()
        )));
        assert!(props.contains(&("stEvt:softwareAgent".into(), "GIMP 2.10".into())));
    }
}
