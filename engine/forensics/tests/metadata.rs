//! Metadata and structure of sample files: a JPEG made here with EXIF (camera, software,
//! dates, GPS, a thumbnail), XMP, IPTC and a comment; the sample PNGs as shipped.

mod common;

use common::*;
use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};
use forgelens_forensics::{Findings, Params, Tool, run};
use image::RgbImage;

fn ascii(tag: Tag, s: &str) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![s.as_bytes().to_vec()]),
    }
}

fn rationals(tag: Tag, v: &[(u32, u32)]) -> Field {
    Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Rational(
            v.iter()
                .map(|&(num, denom)| Rational { num, denom })
                .collect(),
        ),
    }
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A JPEG of `photo` with EXIF (thumbnail made from `thumb_source`), XMP, IPTC and a comment.
fn tagged_jpeg(photo: &RgbImage, thumb_source: &RgbImage) -> Vec<u8> {
    let thumb = image::imageops::thumbnail(thumb_source, 160, 107);
    let thumb_jpeg = jpeg(&thumb, 90);
    let fields = [
        ascii(Tag::Make, "Canon"),
        ascii(Tag::Model, "Canon EOS 5D"),
        ascii(Tag::Software, "Adobe Photoshop 25.0 (Windows)"),
        ascii(Tag::DateTime, "2024:05:02 10:00:00"),
        ascii(Tag::DateTimeOriginal, "2024:05:01 09:30:00"),
        ascii(Tag::GPSLatitudeRef, "N"),
        rationals(Tag::GPSLatitude, &[(48, 1), (51, 1), (301, 10)]),
        ascii(Tag::GPSLongitudeRef, "E"),
        rationals(Tag::GPSLongitude, &[(2, 1), (17, 1), (401, 10)]),
    ];
    let mut writer = Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    writer.set_jpeg(&thumb_jpeg, In::THUMBNAIL);
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("EXIF");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(tiff.get_ref());
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(
        br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmp:CreatorTool="GIMP 2.10"/></rdf:RDF></x:xmpmeta>"#,
    );
    let mut iptc = vec![0x1C, 2, 80, 0, 4];
    iptc.extend_from_slice(b"Jane");
    let mut app13 = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    app13.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
    app13.extend_from_slice(&iptc);

    let body = jpeg(photo, 85);
    let mut out = body[..2].to_vec();
    out.extend(segment(0xE1, &app1));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xED, &app13));
    out.extend(segment(0xFE, b"edited by hand"));
    out.extend_from_slice(&body[2..]);
    out
}

fn metadata(bytes: Vec<u8>) -> forgelens_forensics::metadata::MetadataFindings {
    let out = run(
        Tool::Metadata,
        &evidence("tagged.jpg", bytes),
        &Params::default(),
    )
    .expect("metadata");
    assert!(out.maps.is_empty());
    let Findings::Metadata(f) = out.findings else {
        panic!("metadata findings")
    };
    *f
}

#[test]
fn exif_xmp_iptc_gps_and_software_of_a_tagged_jpeg() {
    let photo = sample("coffee.png");
    let f = metadata(tagged_jpeg(&photo, &photo));
    assert_eq!(f.camera.as_deref(), Some("Canon EOS 5D"));
    assert!(
        f.exif
            .iter()
            .any(|e| e.tag == "Software" && e.value.contains("Photoshop"))
    );
    assert!(f.exif.iter().any(|e| e.ifd == "thumbnail"));
    assert_eq!(f.date_original.as_deref(), Some("2024:05:01 09:30:00"));
    assert!(
        f.notes.iter().any(|n| n.contains("modified")),
        "{:?}",
        f.notes
    );
    let gps = f.gps.expect("GPS");
    assert!((gps.latitude - 48.858_36).abs() < 1e-4, "{gps:?}");
    assert!((gps.longitude - 2.294_47).abs() < 1e-4, "{gps:?}");
    assert!(
        gps.text.contains("N") && gps.text.contains("E"),
        "{}",
        gps.text
    );
    assert!(f.xmp.as_deref().is_some_and(|x| x.contains("GIMP")));
    assert!(
        f.xmp_properties
            .contains(&("xmp:CreatorTool".into(), "GIMP 2.10".into()))
    );
    assert_eq!(f.iptc.len(), 1);
    assert_eq!(
        (f.iptc[0].name.as_str(), f.iptc[0].value.as_str()),
        ("By-line", "Jane")
    );
    let sources: Vec<&str> = f.software.iter().map(|s| s.source.as_str()).collect();
    for s in ["EXIF Software", "XMP xmp:CreatorTool", "JPEG comment"] {
        assert!(sources.contains(&s), "{sources:?}");
    }
    for m in ["photoshop", "gimp"] {
        assert!(
            f.editor_markers.iter().any(|e| e.starts_with(m)),
            "{:?}",
            f.editor_markers
        );
    }
    let thumb = f.thumbnail.expect("thumbnail");
    assert!(!thumb.differs, "{thumb:?}");
    assert!(
        thumb.mean_abs_difference.expect("decoded") < 8.0,
        "{thumb:?}"
    );
}

#[test]
fn a_thumbnail_of_another_scene_differs() {
    let photo = sample("coffee.png");
    let other = image::imageops::flip_vertical(&photo);
    let f = metadata(tagged_jpeg(&photo, &other));
    let thumb = f.thumbnail.expect("thumbnail");
    assert!(thumb.differs, "{thumb:?}");
    assert!(
        f.notes.iter().any(|n| n.contains("thumbnail differs")),
        "{:?}",
        f.notes
    );
}

#[test]
fn structure_of_a_tagged_jpeg_in_order_with_trailing_data() {
    let photo = sample("coffee.png");
    let mut bytes = tagged_jpeg(&photo, &photo);
    bytes.extend_from_slice(b"appended");
    let out = run(
        Tool::Structure,
        &evidence("tagged.jpg", bytes.clone()),
        &Params::default(),
    )
    .expect("structure");
    let Findings::Structure(s) = &out.findings else {
        panic!("structure findings")
    };
    let names: Vec<&str> = s.segments.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        &names[..5],
        &["SOI", "APP1", "APP1", "APP13", "COM"],
        "{names:?}"
    );
    for n in ["DQT", "SOF0", "DHT", "SOS", "EOI"] {
        assert!(names.contains(&n), "{names:?}");
    }
    assert_eq!(names.last(), Some(&"trailing"));
    assert_eq!(s.trailing_bytes, 8);
    assert!(s.segments[1].info.contains("EXIF"));
    assert!(s.segments[2].info.contains("XMP"));
    // Segments tile the file: each starts where the previous one ended.
    for pair in s.segments.windows(2) {
        assert_eq!(pair[0].offset + pair[0].size, pair[1].offset, "{pair:?}");
    }
    assert_eq!(
        s.segments.iter().map(|g| g.size).sum::<u64>(),
        bytes.len() as u64
    );
}

#[test]
fn metadata_of_the_sample_photographs() {
    // chelsea.png keeps the XMP of the camera original (a 3008x2000 PENTAX photograph
    // handled by f-spot); coffee.png has only a tIME chunk.
    let f = metadata(sample_bytes("chelsea.png"));
    assert!(f.exif.is_empty() && f.exif_error.is_none());
    assert_eq!(
        f.camera.as_deref(),
        Some("PENTAX Corporation PENTAX K100D Super")
    );
    assert_eq!(f.stated_size, Some((3008, 2000)));
    assert!(
        f.notes.iter().any(|n| n.contains("3008x2000")),
        "{:?}",
        f.notes
    );
    assert!(
        f.software
            .iter()
            .any(|s| s.value == "f-spot version 0.5.0.3"),
        "{:?}",
        f.software
    );
    let f = metadata(sample_bytes("coffee.png"));
    assert!(f.exif.is_empty() && f.xmp.is_none() && f.png_text.is_empty());
    assert!(
        f.notes.iter().any(|n| n.contains("no EXIF")),
        "{:?}",
        f.notes
    );
    let out = run(
        Tool::Structure,
        &evidence("coffee.png", sample_bytes("coffee.png")),
        &Params::default(),
    )
    .expect("structure");
    let Findings::Structure(s) = &out.findings else {
        panic!("structure findings")
    };
    let time = s.segments.iter().find(|g| g.name == "tIME").expect("tIME");
    assert_eq!(time.info, "modified 2013-08-05 14:15:34 UTC");
}

#[test]
fn sample_pngs_have_clean_chunks() {
    for name in ["chelsea.png", "coffee.png"] {
        let bytes = sample_bytes(name);
        let out = run(
            Tool::Structure,
            &evidence(name, bytes.clone()),
            &Params::default(),
        )
        .expect("structure");
        let Findings::Structure(s) = &out.findings else {
            panic!("structure findings")
        };
        let names: Vec<&str> = s.segments.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(&names[..2], &["signature", "IHDR"]);
        assert_eq!(names.last(), Some(&"IEND"));
        assert!(names.contains(&"IDAT"));
        assert!(s.warnings.is_empty(), "{name}: {:?}", s.warnings);
        assert_eq!(s.trailing_bytes, 0);
        // One flipped byte inside IDAT breaks that chunk's CRC, which is reported.
        let idat = s.segments.iter().find(|g| g.name == "IDAT").expect("IDAT");
        let mut broken = bytes.clone();
        broken[idat.offset as usize + 20] ^= 0x01;
        let s2 =
            forgelens_forensics::structure::parse(&broken, forgelens_forensics::FileFormat::Png);
        assert!(
            s2.warnings.iter().any(|w| w.contains("CRC")),
            "{:?}",
            s2.warnings
        );
    }
}
