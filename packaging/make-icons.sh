#!/usr/bin/env bash
# Renders icons/forgelens.svg to the PNG sizes of the hicolor theme (committed; run again
# after changing the SVG). Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/icons"
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "${size}x${size}"
  rsvg-convert -w "$size" -h "$size" forgelens.svg -o "${size}x${size}/forgelens.png"
done
