#!/usr/bin/env python3
"""A contact sheet of a forged dataset: one row per family (real, every partial family,
every full family), each showing up to N samples as result + mask (partial fakes) or result
alone, labelled with the generator and the laundering chain.

    python scripts/forge_contact_sheet.py DATASET OUT.jpg [--per-family 3] [--split test]

Needs Pillow. Reads DATASET/manifest.csv as `forgelens forge` writes it.
"""
import argparse
import csv
import os
from collections import OrderedDict

from PIL import Image, ImageDraw, ImageFont

FAMILIES = [
    "real", "neural-regeneration", "gan-regeneration", "inpainting", "splicing",
    "copy-move", "resampling", "retouching", "full-regeneration", "full-gan",
]
CELL = 200
LABEL_H = 28


def thumb(path, size=CELL):
    im = Image.open(path).convert("RGB")
    im.thumbnail((size, size))
    canvas = Image.new("RGB", (size, size), (32, 32, 32))
    canvas.paste(im, ((size - im.width) // 2, (size - im.height) // 2))
    return canvas


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--per-family", type=int, default=3)
    ap.add_argument("--split", default=None)
    ap.add_argument("--sample", default="crop", help="crop, whole or any")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(args.dataset, "manifest.csv"))))
    picked = OrderedDict((f, []) for f in FAMILIES)
    for r in rows:
        if args.split and r["split"] != args.split:
            continue
        if args.sample != "any" and r["sample"] != args.sample:
            continue
        f = r["family"]
        # Prefer different generators within a family.
        if f in picked and len(picked[f]) < args.per_family:
            if any(p["generator"] == r["generator"] for p in picked[f]) and f != "real":
                continue
            picked[f].append(r)
    for r in rows:  # fill up when a family has fewer distinct generators than wanted
        f = r["family"]
        if f in picked and len(picked[f]) < args.per_family and r not in picked[f]:
            if args.sample == "any" or r["sample"] == args.sample:
                picked[f].append(r)
    picked = OrderedDict((f, v) for f, v in picked.items() if v)
    name_w = 190
    cols = args.per_family * 2
    width = name_w + cols * CELL
    height = len(picked) * (CELL + LABEL_H)
    sheet = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    try:
        font = ImageFont.truetype(os.path.join(os.path.dirname(__file__), "..", "assets", "fonts", "DejaVuSans.ttf"), 13)
    except OSError:
        font = ImageFont.load_default()
    for i, (family, items) in enumerate(picked.items()):
        y = i * (CELL + LABEL_H)
        draw.text((8, y + CELL // 2 - 8), family, fill=(0, 0, 0), font=font)
        for j, r in enumerate(items):
            x = name_w + j * 2 * CELL
            sheet.paste(thumb(os.path.join(args.dataset, r["path"])), (x, y))
            if r["mask"]:
                sheet.paste(thumb(os.path.join(args.dataset, r["mask"])), (x + CELL, y))
            caption = f'{r["generator"] or "-"} | {r["processing"]}'
            draw.text((x + 2, y + CELL + 4), caption[:52], fill=(0, 0, 0), font=font)
    sheet.save(args.out, quality=88)
    print(f"{args.out}: {len(picked)} families")


if __name__ == "__main__":
    main()
