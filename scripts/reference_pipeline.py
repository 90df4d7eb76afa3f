#!/usr/bin/env python3
"""PyTorch reference for the bundled model's inference path per tile, on the same weights.

A port, op for op, of what engine/src does for each 256 px tile (fp32, eager,
torch.inference_mode): the detector (4x the NPR residual -> MobileNetV2 features[:11] ->
2x2 patch merge -> teacher and two students -> classifier N_C, extractor/ and detector/),
the fusion net (MobileNetV2 stem + adapter, stem class head, Conformer stages, fusion/net.rs)
and the map combination (fusion/maps.rs' CAM, class-token attention and walked fused map,
bilinear to the tile, with the fusion net's class probabilities, as analyzer.rs does).

The port is scripts/reference_model.py; the weights are Burn's own tensors, written by
engine/benches/pipeline under Burn's names. Every tensor in the file must be used, or the
port is wrong.

The bench writes Burn's inputs and outputs (`b1.*`, `b8.*`) to --io; this script computes
its own outputs from the same inputs, prints the largest absolute difference of each, counts
MACs per tile with FlopCounterMode, and times each part (wall time of each call after a
warm-up, CPU time of the whole process).

Usage: reference_pipeline.py --weights model.safetensors --io io.safetensors \
           --config assets/model/model.json [--threads 2] [--runs 5] [--serve]
With --serve (the bench) it prints `REPORT <json>` after the comparison, then answers each
`time TILES RUNS` line on stdin with `TIMINGS <json>`: every part's wall times and CPU time.
Needs: torch, safetensors, numpy (not part of the build).
"""
import argparse
import json
import os
import sys
import time

import torch
from safetensors.torch import load_file
from torch.utils.flop_counter import FlopCounterMode

from reference_model import Pipeline, Weights

PARTS = ["detector extractor", "detector head", "fusion net", "map combination",
         "whole pipeline"]


def timed(runs, f):
    """One warm-up call, then `runs` timed calls: their wall times and total CPU time (ms)."""
    f()
    cpu = time.process_time()
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        walls.append((time.perf_counter() - t) * 1000)
    return {"walls_ms": walls, "cpu_ms": (time.process_time() - cpu) * 1000}


def part_calls(model, pixels):
    """The timed parts, in PARTS order; the later parts' inputs computed once beforehand."""
    tokens = model.tokens(pixels)
    fusion = model.fusion(pixels)
    return [lambda: model.tokens(pixels), lambda: model.head(tokens), lambda: model.fusion(pixels),
            lambda: model.combine(fusion), lambda: model.whole(pixels)]


def report(model, io, tolerance):
    """MACs per tile, each output's largest difference from Burn's, printed and returned."""
    one = io["b1.pixels"]
    macs = {}
    for name, call in zip(PARTS, part_calls(model, one)):
        with FlopCounterMode(display=False) as counter:
            call()
        macs[name] = counter.get_total_flops() / 2
    batches, worst = {}, 0.0
    for b in sorted({int(k.split(".")[0][1:]) for k in io}):
        diffs = {}
        for name, value in model.outputs(io[f"b{b}.pixels"]).items():
            theirs = io[f"b{b}.{name}"]
            assert theirs.shape == value.shape, f"{name}: Burn {theirs.shape}, port {value.shape}"
            diffs[name] = (value - theirs).abs().max().item()
            print(f"{b} tiles: {name:24s} max |Burn - PyTorch| {diffs[name]:.2e} "
                  f"(max |value| {theirs.abs().max().item():.3g})")
        worst = max([worst] + [diffs[k] for k in ("detector_logits", "detector_probabilities",
                                                   "cnn_logits", "transformer_logits",
                                                   "fusion_probabilities", "maps_upsampled")])
        batches[str(b)] = {"diffs": diffs}
    agree = worst < tolerance
    print(f"logits, probabilities and maps {'agree' if agree else 'DISAGREE'}: largest "
          f"difference {worst:.2e} (tolerance {tolerance:g})", flush=True)
    return {"torch": torch.__version__, "threads": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset (active spinning)"),
            "malloc_mmap_threshold": os.environ.get("MALLOC_MMAP_THRESHOLD_", "unset"),
            "macs_per_tile": macs, "batches": batches, "agree": agree}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weights", required=True)
    ap.add_argument("--io", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5, help="timed calls per part (standalone)")
    ap.add_argument("--tolerance", type=float, default=1e-3)
    ap.add_argument("--serve", action="store_true",
                    help="after the report, answer `time TILES RUNS` lines on stdin")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    w = Weights(args.weights)
    model = Pipeline(w, json.load(open(args.config)))
    unused = w.unused()
    assert not unused, f"weights the port does not use: {unused[:8]}"
    io = load_file(args.io)
    with torch.inference_mode():
        summary = report(model, io, args.tolerance)
        calls = {}

        def timings(tiles, runs):
            if tiles not in calls:
                calls[tiles] = part_calls(model, io[f"b{tiles}.pixels"])
            return {name: timed(runs, call) for name, call in zip(PARTS, calls[tiles])}
        if args.serve:
            print("REPORT " + json.dumps(summary), flush=True)
            for line in sys.stdin:
                _, tiles, runs = line.split()
                print("TIMINGS " + json.dumps(timings(int(tiles), int(runs))), flush=True)
            return
        for tiles in sorted(int(b) for b in summary["batches"]):
            for name, t in timings(tiles, args.runs).items():
                median = sorted(t["walls_ms"])[len(t["walls_ms"]) // 2]
                print(f"{tiles} tiles: {name:20s} {median:8.1f} ms wall (median), "
                      f"{t['cpu_ms'] / args.runs:8.1f} ms CPU (mean)")


if __name__ == "__main__":
    main()
