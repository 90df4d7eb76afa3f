#!/usr/bin/env python3
"""Extract one photograph from a container file inside a Debian package.

Used by scripts/gather_photos.sh for the MANIFEST kinds that are not plain files:

  extract.py rcc  RCC_FILE  RESOURCE  OFFSET  OUT
      RCC_FILE is a compiled Qt resource file ("qres"). RESOURCE is the resource path
      inside it (e.g. /gcompris/src/activities/erase/resource/alpaca.webp). The
      resource tree is parsed, RESOURCE is looked up, and its data (a WebP image) is
      written to OUT exactly as stored: the bytes from the start of "RIFF" to RIFF size
      (little-endian u32 at +4) + 8, which must equal the length the rcc records.
      OFFSET is the byte offset of "RIFF" in RCC_FILE recorded in the manifest; if the
      name is found at another offset (another package version) a warning is printed
      and the found one is used. Prints "offset N length M" (what was extracted).
      Standard library only.

  extract.py crop PZL_FILE MEMBER X,Y,W,H OUT
      PZL_FILE is a jigzo puzzle (text header, then members "name\\nsize\\nbytes").
      MEMBER is the embedded texture (a JPEG). The region X,Y,W,H must lie inside the
      header's "image x y w h ..." region; it is cropped and written to OUT as PNG
      (lossless; no metadata). Prints "crop X,Y,W,H of MEMBER (TWxTH)". Needs Pillow.

Exit status 1 (with a message on stderr) when anything does not match.
"""
import io
import os
import re
import struct
import sys
import zlib


def die(msg):
    sys.stderr.write("extract.py: %s\n" % msg)
    sys.exit(1)


def write_atomic(out, data):
    tmp = out + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)


def rcc_entries(d):
    """Yield (resource path, flags, absolute data offset, stored length)."""
    if d[:4] != b"qres":
        die("not a Qt rcc file (no 'qres' magic)")
    ver, tree, data, names = struct.unpack(">IIII", d[4:20])
    if ver not in (1, 2, 3):
        die("unsupported rcc format version %d" % ver)
    esz = 14 if ver == 1 else 22  # version >= 2 adds a u64 last-modified time

    def name_at(off):
        (n,) = struct.unpack(">H", d[names + off:names + off + 2])
        return d[names + off + 6:names + off + 6 + 2 * n].decode("utf-16-be")

    stack = [(0, "")]
    seen = 0
    while stack:
        i, prefix = stack.pop()
        seen += 1
        if seen > 1000000:
            die("rcc tree too large or cyclic")
        e = tree + i * esz
        noff, flags = struct.unpack(">IH", d[e:e + 6])
        nm = "" if i == 0 else name_at(noff)
        if flags & 2:  # directory
            count, first = struct.unpack(">II", d[e + 6:e + 14])
            path = prefix + nm + "/" if i else "/"
            stack.extend((c, path) for c in range(first, first + count))
        else:
            (doff,) = struct.unpack(">I", d[e + 10:e + 14])
            (size,) = struct.unpack(">I", d[data + doff:data + doff + 4])
            yield prefix + nm, flags, data + doff + 4, size


def cmd_rcc(rcc, resource, offset, out):
    d = open(rcc, "rb").read()
    found = [e for e in rcc_entries(d) if e[0] == resource]
    if not found:
        die("%s: no resource %s" % (rcc, resource))
    _, flags, off, size = found[0]
    if flags & ~1:
        die("%s: %s has unsupported flags %#x" % (rcc, resource, flags))
    if flags & 1:  # zlib-compressed by rcc: u32 uncompressed size, then zlib stream
        blob = zlib.decompress(d[off + 4:off + size])
    else:
        blob = d[off:off + size]
        if off != offset:
            sys.stderr.write("extract.py: warning: %s is at offset %d, manifest says %d\n"
                             % (resource, off, offset))
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WEBP":
        die("%s: %s is not a RIFF/WEBP image" % (rcc, resource))
    (riff,) = struct.unpack("<I", blob[4:8])
    if riff + 8 != len(blob):
        die("%s: %s: RIFF size %d + 8 != stored length %d" % (rcc, resource, riff, len(blob)))
    write_atomic(out, blob)
    print("offset %d length %d" % (off, len(blob)))


def pzl_members(d):
    m = re.search(rb"\nimage (\d+) (\d+) (\d+) (\d+)[^\n]*\n", d)
    if not m:
        die("no 'image x y w h' line in the puzzle header")
    region = tuple(int(v) for v in m.group(1, 2, 3, 4))
    members, p = {}, m.end()
    while p < len(d):
        nl = d.index(b"\n", p)
        nl2 = d.index(b"\n", nl + 1)
        n = int(d[nl + 1:nl2])
        members[d[p:nl].decode()] = d[nl2 + 1:nl2 + 1 + n]
        p = nl2 + 1 + n
    return region, members


def cmd_crop(pzl, member, box, out):
    try:
        from PIL import Image
    except ImportError:
        die("Pillow is needed for crops (set PYTHON to an interpreter that has it)")
    x, y, w, h = (int(v) for v in box.split(","))
    region, members = pzl_members(open(pzl, "rb").read())
    if member not in members:
        die("%s: no member %s (has %s)" % (pzl, member, ", ".join(sorted(members))))
    rx, ry, rw, rh = region
    if not (rx <= x and ry <= y and x + w <= rx + rw and y + h <= ry + rh and w > 0 and h > 0):
        die("%s: crop %s lies outside the header's image region %s" % (pzl, box, region))
    im = Image.open(io.BytesIO(members[member]))
    im.load()
    if x + w > im.width or y + h > im.height:
        die("%s: crop %s exceeds the %dx%d texture" % (pzl, box, im.width, im.height))
    buf = io.BytesIO()
    im.crop((x, y, x + w, y + h)).convert("RGB").save(buf, "PNG")
    write_atomic(out, buf.getvalue())
    print("crop %d,%d,%d,%d of %s (%dx%d)" % (x, y, w, h, member, im.width, im.height))


def main(argv):
    if len(argv) == 6 and argv[1] == "rcc":
        cmd_rcc(argv[2], argv[3], int(argv[4]), argv[5])
    elif len(argv) == 6 and argv[1] == "crop":
        cmd_crop(argv[2], argv[3], argv[4], argv[5])
    else:
        die("usage: extract.py rcc RCC RESOURCE OFFSET OUT | crop PZL MEMBER X,Y,W,H OUT")


if __name__ == "__main__":
    main(sys.argv)
