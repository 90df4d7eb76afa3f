#!/usr/bin/env bash
# The README's picture of the training panel's attention over epochs, from a real run: a
# small forged set (8 photographs of data/photos, 64 px crops, no laundering), `forgelens
# train --config tiny --epochs 10`, then the real app under Xvfb on that run folder
# (Training in the top bar), once at the last epoch and once with the epoch slider at the
# first; the two results columns side by side. Needs xvfb, x11-apps (xwd), xdotool and
# ImageMagick; run from the repository root after a release build.
set -euo pipefail
bin=${FORGELENS_BIN:-${CARGO_TARGET_DIR:-target}/release/forgelens}
bin=$(realpath "$bin")
export FORGELENS_DATA=${FORGELENS_DATA:-$PWD/assets} # a copied binary finds no data beside it
convert=$(command -v convert-im6 || command -v convert)
out=$PWD/docs/screenshots
work=/tmp/forgelens-demo
rm -rf $work && mkdir -p $work/photos
photos=(data/photos/*.webp)
for i in 0 5 10 15 20 25 30 35; do cp "${photos[$i]}" $work/photos/; done
"$bin" forge --photos $work/photos --out $work/data --crop 64 --crops-per-photo 12 \
    --whole-share 0 --families neural-regeneration,inpainting,splicing,copy-move,full-regeneration \
    --generators rdn-slim-x4 --no-laundering >/dev/null
"$bin" train --data $work/data --config tiny --out $work/run --device cpu --epochs 10 \
    --cache-dir $work/cache 2>&1 | grep -E "^(localisation|trained)"

display=:79
Xvfb $display -screen 0 1280x820x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 2
home=$(mktemp -d)
mkdir -p "$home/.local/share/forgelens"
state="(training:(data:Some(\"$work/data\"),out:Some(\"$work/run\"),preset:\"tiny\",teacher_epochs:10,student_epochs:10,generalizer_epochs:10,rounds:1,classifier_epochs:10,localisation_epochs:10,batch_size:8))"
printf '{\n    "app": "%s",\n}\n' "${state//\"/\\\"}" >"$home/.local/share/forgelens/app.ron"
HOME=$home DISPLAY=$display RUST_LOG=warn "$bin" --device cpu &
app=$!
sleep "${WAIT_S:-20}"
DISPLAY=$display xdotool mousemove "${TRAINING_X:-405}" 12 click 1
sleep 3
DISPLAY=$display xdotool mousemove 1279 810
sleep 1
xwd -root -silent -display $display | "$convert" xwd:- $work/last.png
# The epoch slider's handle dragged to its left end: epoch 1.
DISPLAY=$display xdotool mousemove "${SLIDER_X:-860}" "${SLIDER_Y:-66}" mousedown 1
DISPLAY=$display xdotool mousemove --sync 600 "${SLIDER_Y:-66}"
sleep 0.5
DISPLAY=$display xdotool mouseup 1
sleep 3
DISPLAY=$display xdotool mousemove 1279 810
sleep 1
xwd -root -silent -display $display | "$convert" xwd:- $work/first.png
kill $app
wait $app 2>/dev/null || true
rm -rf "$home"
# The results column of each, epoch 1 on the left.
crop=${CROP:-640x790+640+24}
"$convert" \( $work/first.png -crop $crop +repage \) \( $work/last.png -crop $crop +repage \) \
    +append -colors 256 "PNG8:$out/training-attention.png"
echo "$out/training-attention.png: $(stat -c %s "$out/training-attention.png") bytes"
