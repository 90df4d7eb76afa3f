#!/usr/bin/env bash
# Leave-one-family-out (DESIGN section 6): for each manipulation family F, train a reduced
# model on every other family (plus real images), then evaluate it on val (where thresholds
# are chosen) and on the test split restricted to real images and F (never seen in training).
# One row per held-out family: image macro-F1, recall of F's class, false-positive rate on
# real images, fused-map pixel F1 at 0.5 and at the threshold chosen on val.
#
#   scripts/leave_one_family_out.sh DATASET OUTDIR [FAMILY...]
#
# DATASET needs a forge-v2 manifest.csv (a `family` column) with train, val and test splits.
# FAMILY defaults to every family in the manifest but real (and `unknown`). Each run lives in
# OUTDIR/without-F/ (an interrupted run resumes; a finished one is reused). The table goes
# to stdout and to OUTDIR/leave-one-family-out.{json,md}.
#
# Environment:
#   FORGELENS        the binary (default: forgelens on PATH, else the release build)
#   LOFO_CONFIG      tiny, small, paper or a training.json (default: tiny)
#   LOFO_EPOCHS      epochs of every stage (default: the config's own)
#   LOFO_MAX_STEPS   optimiser steps per epoch at most (default: no cap)
#   LOFO_DEVICE      auto, cpu, wgpu or cuda (default: auto)
#   LOFO_SEED        training seed (default: the config's)
#   LOFO_PERTURB     also a robustness table per held-out family, e.g. jpeg:75,resize:0.5
set -euo pipefail

if [ "$#" -lt 2 ]; then
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
data=$1
out=$2
shift 2

command -v jq >/dev/null || { echo "error: jq is needed to read the eval reports" >&2; exit 1; }
if [ -n "${FORGELENS:-}" ]; then
  bin=$FORGELENS
elif command -v forgelens >/dev/null; then
  bin=forgelens
else
  bin="${CARGO_TARGET_DIR:-$(dirname "$0")/../target}/release/forgelens"
fi
[ -x "$bin" ] || command -v "$bin" >/dev/null || { echo "error: no forgelens binary at $bin (set FORGELENS)" >&2; exit 1; }

manifest=$data/manifest.csv
[ -f "$manifest" ] || { echo "error: $manifest not found" >&2; exit 1; }
# Every family named in the manifest (the column is found by its header), real excluded.
present=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "family") col = i; next }
                   col && $col != "" && $col != "real" && $col != "unknown" { print $col }' "$manifest" | sort -u)
[ -n "$present" ] || { echo "error: $manifest has no family column (forge v2) or no fakes" >&2; exit 1; }
if [ "$#" -gt 0 ]; then held_out=("$@"); else mapfile -t held_out <<<"$present"; fi

config=${LOFO_CONFIG:-tiny}
device=${LOFO_DEVICE:-auto}
mkdir -p "$out"
rows=()
for family in "${held_out[@]}"; do
  grep -qx -- "$family" <<<"$present" || { echo "error: no family \`$family\` in $manifest" >&2; exit 1; }
  others=$(grep -vx -- "$family" <<<"$present" | paste -sd, -)
  run=$out/without-$family
  if [ ! -f "$run/model/model.bpk" ]; then
    if [ -f "$run/checkpoint.json" ]; then
      args=(--resume)
    else
      args=(--config "$config" --train-families "$others")
      [ -n "${LOFO_EPOCHS:-}" ] && args+=(--epochs "$LOFO_EPOCHS")
      [ -n "${LOFO_MAX_STEPS:-}" ] && args+=(--max-steps-per-epoch "$LOFO_MAX_STEPS")
      [ -n "${LOFO_SEED:-}" ] && args+=(--seed "$LOFO_SEED")
    fi
    echo "== training without $family (on $others)" >&2
    "$bin" train --data "$data" --out "$run" --device "$device" "${args[@]}"
  fi
  echo "== evaluating without $family: val, then test restricted to $family" >&2
  "$bin" eval --model "$run/model" --data "$data" --device "$device" --split val --json \
    >"$run/eval-val.json"
  perturb=()
  [ -n "${LOFO_PERTURB:-}" ] && perturb=(--perturb "$LOFO_PERTURB")
  "$bin" eval --model "$run/model" --data "$data" --device "$device" --split test \
    --families "$family" --thresholds-from "$run/eval-val.json" "${perturb[@]}" --json \
    >"$run/eval-test.json"
  rows+=("$(jq -c --arg f "$family" --arg trained "$others" '{
      held_out: $f,
      trained_on: ($trained | split(",")),
      images: .image.images,
      macro_f1: .image.macro_f1,
      recall: .per_family[$f].recall,
      real_fpr: .false_positives.real.rate,
      fused_f1_at_0_5: .per_family[$f].pixel_f1_at_0_5.fused,
      fused_f1_at_val_threshold: (if .per_family[$f].label == "partial"
                                  then .pixel.fused.f1_at_val_threshold else null end),
      robustness: .robustness
    }' "$run/eval-test.json")")
done

printf '%s\n' "${rows[@]}" | jq -s '.' >"$out/leave-one-family-out.json"
jq -r '
  def n: if . == null then "-" else (. * 1000 | round / 1000 | tostring) end;
  "| held-out family | test images | macro-F1 | recall | FPR real | fused F1@0.5 | fused F1@val-t |",
  "|---|---|---|---|---|---|---|",
  (.[] | "| \(.held_out) | \(.images) | \(.macro_f1 | n) | \(.recall | n) | \(.real_fpr | n) | \(.fused_f1_at_0_5 | n) | \(.fused_f1_at_val_threshold | n) |")
' "$out/leave-one-family-out.json" | tee "$out/leave-one-family-out.md"
echo "written: $out/leave-one-family-out.json, $out/leave-one-family-out.md" >&2
