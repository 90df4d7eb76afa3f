//! The EXIF fields read into the findings: the full dump, camera, dates, stated size,
//! software fields, GPS as text, and the embedded thumbnail's comparison.

use exif::{Exif, In, Tag, Value};

use super::thumbnail;
use super::{ExifEntry, Gps, MetadataFindings, MetadataParams, SoftwareTrace};
use crate::Evidence;

fn ascii_text(exif: &Exif, tag: Tag) -> Option<String> {
    let field = exif.get_field(tag, In::PRIMARY)?;
    let s = match &field.value {
        Value::Ascii(parts) => parts
            .iter()
            .map(|p| {
                String::from_utf8_lossy(p)
                    .trim_end_matches('\0')
                    .trim()
                    .to_string()
            })
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        _ => field.display_value().to_string(),
    };
    (!s.is_empty()).then_some(s)
}

pub(super) fn read_exif(
    exif: &Exif,
    evidence: &Evidence,
    params: &MetadataParams,
    f: &mut MetadataFindings,
) {
    f.exif = exif
        .fields()
        .map(|field| ExifEntry {
            ifd: if field.ifd_num == In::PRIMARY {
                "primary".into()
            } else if field.ifd_num == In::THUMBNAIL {
                "thumbnail".into()
            } else {
                format!("{}", field.ifd_num)
            },
            group: format!("{:?}", field.tag.context()).to_ascii_lowercase(),
            tag: field.tag.to_string(),
            value: field.display_value().with_unit(exif).to_string(),
        })
        .collect();
    f.camera_make = ascii_text(exif, Tag::Make);
    f.camera_model = ascii_text(exif, Tag::Model);
    f.camera = match (f.camera_make.clone(), f.camera_model.clone()) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.or(b),
    };
    let dimension = |tag| {
        exif.get_field(tag, In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
    };
    if let (Some(w), Some(h)) = (
        dimension(Tag::PixelXDimension),
        dimension(Tag::PixelYDimension),
    ) {
        f.stated_size = Some((w, h));
    }
    f.date_original = ascii_text(exif, Tag::DateTimeOriginal);
    f.date_digitized = ascii_text(exif, Tag::DateTimeDigitized);
    f.date_modified = ascii_text(exif, Tag::DateTime);
    if let (Some(o), Some(m)) = (&f.date_original, &f.date_modified)
        && o != m
    {
        f.notes
            .push(format!("modified ({m}) after it was taken ({o})"));
    }
    for (tag, source) in [
        (Tag::Software, "EXIF Software"),
        (Tag(exif::Context::Tiff, 0x000B), "EXIF ProcessingSoftware"),
        (Tag(exif::Context::Tiff, 0x013C), "EXIF HostComputer"),
    ] {
        if let Some(value) = ascii_text(exif, tag) {
            f.software.push(SoftwareTrace {
                source: source.into(),
                value,
            });
        }
    }
    f.gps = gps(exif);
    f.thumbnail = thumbnail::compare(exif, &evidence.rgb, params.thumbnail_threshold);
    if let Some(note) = f.thumbnail.as_ref().and_then(|t| t.note.as_ref()) {
        f.notes.push(note.clone());
    }
}

fn rational_degrees(exif: &Exif, tag: Tag) -> Option<f64> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Rational(v) if v.len() >= 3 => {
            Some(v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0)
        }
        Value::Rational(v) if !v.is_empty() => Some(v[0].to_f64()),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

fn dms(v: f64) -> String {
    let d = v.trunc();
    let m = ((v - d) * 60.0).trunc();
    let s = (v - d - m / 60.0) * 3600.0;
    format!("{d:.0}°{m:.0}'{s:.1}\"")
}

fn gps(exif: &Exif) -> Option<Gps> {
    let lat = rational_degrees(exif, Tag::GPSLatitude)?;
    let lon = rational_degrees(exif, Tag::GPSLongitude)?;
    let south = ascii_text(exif, Tag::GPSLatitudeRef).is_some_and(|r| r.starts_with('S'));
    let west = ascii_text(exif, Tag::GPSLongitudeRef).is_some_and(|r| r.starts_with('W'));
    let altitude_m = match exif
        .get_field(Tag::GPSAltitude, In::PRIMARY)
        .map(|f| &f.value)
    {
        Some(Value::Rational(v)) if !v.is_empty() => {
            let below = matches!(
                exif.get_field(Tag::GPSAltitudeRef, In::PRIMARY).map(|f| &f.value),
                Some(Value::Byte(b)) if b.first() == Some(&1)
            );
            Some(if below { -v[0].to_f64() } else { v[0].to_f64() })
        }
        _ => None,
    };
    let (ns, ew) = (if south { 'S' } else { 'N' }, if west { 'W' } else { 'E' });
    let mut text = format!(
        "{lat:.6} {ns}, {lon:.6} {ew} ({}{ns} {}{ew})",
        dms(lat),
        dms(lon)
    );
    if let Some(a) = altitude_m {
        text.push_str(&format!(", altitude {a:.1} m"));
    }
    Some(Gps {
        latitude: if south { -lat } else { lat },
        longitude: if west { -lon } else { lon },
        altitude_m,
        text,
    })
}
