#!/usr/bin/env bash
# The README's picture of Help → How ForgeLens sees an image: the real app in a virtual X
# display (Xvfb, Mesa llvmpipe) with the bundled model on assets/samples/chelsea.png; the
# Help menu is opened with xdotool clicks. Needs xvfb, x11-apps (xwd), xdotool and
# ImageMagick; run from the repository root after a release build.
set -euo pipefail
bin=${FORGELENS_BIN:-${CARGO_TARGET_DIR:-target}/release/forgelens}
out=docs/help
convert=$(command -v convert-im6 || command -v convert)
display=:78
Xvfb $display -screen 0 1280x820x24 >/dev/null 2>&1 &
xvfb=$!
home=$(mktemp -d)
trap 'kill $xvfb; rm -rf "$home"' EXIT
sleep 2

HOME=$home DISPLAY=$display RUST_LOG=warn "$bin" assets/samples/chelsea.png --device cpu &
app=$!
sleep "${WAIT_S:-40}"
# The Help menu (fourth in the menu bar), then its one entry.
DISPLAY=$display xdotool mousemove "${HELP_X:-140}" 12 click 1
sleep 1
DISPLAY=$display xdotool mousemove "${HELP_X:-140}" 38 click 1
sleep 2
DISPLAY=$display xdotool mousemove 1279 60 # no hover highlight in the picture
sleep 1
xwd -root -silent -display $display | "$convert" xwd:- -colors 256 "PNG8:$out/help-page.png"
kill $app
wait $app 2>/dev/null || true
echo "$out/help-page.png: $(stat -c %s "$out/help-page.png") bytes"
