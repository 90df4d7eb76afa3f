#!/usr/bin/env python3
"""Reference forward pass of the UpscalerJS "ESRGAN" (idealo RDN, 'ups' head) in numpy.

This is the specification the Rust/Burn port of the forge generator follows. It reads
the converted weights (assets/generators/esrgan-*.safetensors, written by
convert_tfjs_esrgan.py: conv weights [out, in, kh, kw], biases [out]) and reproduces
the original TF.js model's output.

Forward pass (x: RGB float32 in [0, 255], NHWC here / NCHW in Burn; s = scale;
G0 = 64, G = 4 (slim) or 64 (medium), D = 2 (slim) or 10 (medium), C = 1):

    conv(k) = Conv2d, stride 1, dilation 1, bias, zero padding (k-1)/2 on every side
              ('same'; 1x1 convs have no padding). No activation unless written.
    f_m1 = conv3(sfe1)(x)                          # 3   -> G0
    h    = conv3(sfe2)(f_m1)                       # G0  -> G0
    for d in 0..D:                                 # residual dense blocks
        block_in = h
        cat = block_in
        for c in 0..C:
            y   = relu(conv3(rdbs.d.convs.c)(cat))         # G0 + c*G -> G
            cat = concat_channels([cat, y])                # order: previous first
        h = conv1(rdbs.d.lff)(cat) + block_in              # G0 + C*G -> G0 (local residual, no scaling)
        lrl[d] = h
    g   = conv1(gff1)(concat_channels(lrl[0..D]))  # D*G0 -> G0
    g   = conv3(gff2)(g)                           # G0 -> G0
    f   = g + f_m1                                 # global residual (FDF), no scaling
    u   = relu(conv5(upn1)(f))                     # G0 -> 64, 5x5, padding 2
    u   = relu(conv3(upn2)(u))                     # 64 -> 32
    u   = conv3(upn3)(u)                           # 32 -> 3*s*s (no activation)
    u   = nearest_upsample(u, s)                   # out[y, x] = in[y // s, x // s]  (NOT pixel shuffle)
    out = conv3(sr)(u)                             # 3*s*s -> 3, no activation, no clipping

All activations are plain ReLU (no LeakyReLU), there is no residual scaling (no 0.2
beta), no batch norm, no normalisation of the input: the network takes and returns
0..255 values. The raw output slightly overshoots [0, 255]; to get an 8-bit image
clip to [0, 255] and round (this matches the package's own sample output within 1
grey level, see --check-package-sample).

Usage:
    python scripts/esrgan/reference_numpy.py            # check the fixture (numpy, + torch if installed)
    python scripts/esrgan/reference_numpy.py --check-package-sample NODE_MODULES
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(REPO, "training", "tests", "fixtures", "esrgan", "expected.safetensors")
GEN = os.path.join(REPO, "assets", "generators")
# fixture tensor name -> converted weights
FIXTURE_MODELS = {
    "output": "esrgan-slim-x4.safetensors",
    "output_slim_x2": "esrgan-slim-x2.safetensors",
    "output_medium_x4": "esrgan-medium-x4.safetensors",
}
# training/tests/fixtures/esrgan/models.safetensors (export_models.mjs): tensor -> (weights, input tensor)
MODELS_FIXTURE = os.path.join(REPO, "training", "tests", "fixtures", "esrgan", "models.safetensors")
MODELS_FIXTURE_MODELS = {
    "rdn_div2k_x2": ("rdn-div2k-x2.safetensors", "input"),
    "rdn_div2k_x3": ("rdn-div2k-x3.safetensors", "input"),
    "rdn_div2k_x4": ("rdn-div2k-x4.safetensors", "input"),
    "rrdn_gans_x4": ("rrdn-gans-x4.safetensors", "input_unit"),
}


def hyper_params(path: str) -> dict:
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        meta = json.loads(f.read(n))["__metadata__"]
    hp = {k: int(meta[k]) for k in ("scale", "C", "D", "G", "G0") + (("T",) if "T" in meta else ())}
    hp["rrdn"] = meta["architecture"] == "rrdn-shuffle"
    return hp


def load_params(path: str) -> dict:
    """The file's tensors as float32: uint8 codes k with F64 k.quantization = [min, scale]
    become float32(float64(q) * scale + min), as tfjs-core's decodeWeights."""
    t = load_file(path)
    out = {}
    for k, v in t.items():
        if k.endswith(".quantization"):
            continue
        if v.dtype == np.uint8:
            qmin, qscale = (float(x) for x in t[k + ".quantization"])
            v = (v.astype(np.float64) * qscale + qmin).astype(np.float32)
        out[k] = v
    return out


# ------------------------------------------------------------------------ numpy ops
def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x [H, W, Cin] float32, w [Cout, Cin, kh, kw], b [Cout]; stride 1, zero 'same' padding."""
    cout, cin, kh, kw = w.shape
    assert x.shape[2] == cin and kh % 2 == 1 and kw % 2 == 1
    ph, pw = kh // 2, kw // 2
    H, W = x.shape[:2]
    xp = np.pad(x, ((ph, ph), (pw, pw), (0, 0)))
    out = np.zeros((H, W, cout), np.float32)
    for i in range(kh):
        for j in range(kw):
            out += xp[i:i + H, j:j + W, :] @ w[:, :, i, j].T  # [H,W,Cin] @ [Cin,Cout]
    return out + b


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def forward_numpy(p: dict, hp: dict, x: np.ndarray) -> np.ndarray:
    """x: [H, W, 3] (or [1, H, W, 3]) float32 0..255 -> [H*s, W*s, 3]."""
    squeeze = x.ndim == 4
    if squeeze:
        assert x.shape[0] == 1
        x = x[0]
    x = x.astype(np.float32)
    c = lambda name, t: conv2d(t, p[name + ".weight"], p[name + ".bias"])
    f_m1 = c("sfe1", x)
    h = c("sfe2", f_m1)
    lrl = []
    for d in range(hp["D"]):
        block_in, cat = h, h
        for ci in range(hp["C"]):
            y = relu(c(f"rdbs.{d}.convs.{ci}", cat))
            cat = np.concatenate([cat, y], axis=2)
        h = c(f"rdbs.{d}.lff", cat) + block_in
        lrl.append(h)
    g = c("gff1", np.concatenate(lrl, axis=2))
    g = c("gff2", g)
    f = g + f_m1
    u = relu(c("upn1", f))
    u = relu(c("upn2", u))
    u = c("upn3", u)
    s = hp["scale"]
    u = np.repeat(np.repeat(u, s, axis=0), s, axis=1)  # nearest-neighbour upsampling
    out = c("sr", u)
    return out[None] if squeeze else out


def depth_to_space(x: np.ndarray, s: int) -> np.ndarray:
    """tf.nn.depth_to_space NHWC (DCR) on [H, W, C*s*s]: out[y*s+i, x*s+j, c] = in[y, x, (i*s+j)*C + c]."""
    H, W, K = x.shape
    c = K // (s * s)
    return x.reshape(H, W, s, s, c).transpose(0, 2, 1, 3, 4).reshape(H * s, W * s, c)


def forward_rrdn_numpy(p: dict, hp: dict, x: np.ndarray, beta: float = 0.2) -> np.ndarray:
    """ISR's RRDN (ISR/models/rrdn.py) as the TF.js graph runs it; x [1, H, W, 3] in 0..1."""
    assert x.ndim == 4 and x.shape[0] == 1
    x = x[0].astype(np.float32)
    b = np.float32(beta)
    c = lambda name, t: conv2d(t, p[name + ".weight"], p[name + ".bias"])
    pre = c("pre_blocks", x)
    h = pre
    for t in range(hp["T"]):
        rrdb_in = h
        for d in range(hp["D"]):
            cat = h
            for ci in range(hp["C"]):
                cat = np.concatenate([cat, relu(c(f"rrdbs.{t}.rdbs.{d}.convs.{ci}", cat))], axis=2)
            h = h + c(f"rrdbs.{t}.rdbs.{d}.lff", cat) * b  # LRL = x + beta * LFF
        h = rrdb_in + h * b  # RRDB_out = input + beta * LRL_D
    g = c("post_blocks", h) + pre  # GRL
    u = depth_to_space(c("pre_shuffle", g), hp["scale"])
    return c("sr", u)[None]


def forward_any(path: str, x: np.ndarray) -> np.ndarray:
    hp = hyper_params(path)
    return (forward_rrdn_numpy if hp["rrdn"] else forward_numpy)(load_params(path), hp, x)


# ------------------------------------------------------------------------ torch twin
def forward_torch(path: str, hp: dict, x: np.ndarray) -> np.ndarray:
    """Same network with torch.nn.functional on NCHW, using the OIHW weights unchanged
    (checks that the file's layout is what PyTorch/Burn Conv2d expects)."""
    import torch
    import torch.nn.functional as F
    from safetensors.torch import load_file as tload

    p = tload(path)
    t = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # NHWC -> NCHW
    c = lambda name, v: F.conv2d(v, p[name + ".weight"], p[name + ".bias"],
                                 padding=p[name + ".weight"].shape[-1] // 2)
    with torch.no_grad():
        f_m1 = c("sfe1", t)
        h = c("sfe2", f_m1)
        lrl = []
        for d in range(hp["D"]):
            block_in, cat = h, h
            for ci in range(hp["C"]):
                cat = torch.cat([cat, F.relu(c(f"rdbs.{d}.convs.{ci}", cat))], dim=1)
            h = c(f"rdbs.{d}.lff", cat) + block_in
            lrl.append(h)
        f = c("gff2", c("gff1", torch.cat(lrl, dim=1))) + f_m1
        u = c("upn3", F.relu(c("upn2", F.relu(c("upn1", f)))))
        u = F.interpolate(u, scale_factor=hp["scale"], mode="nearest")
        out = c("sr", u)
    return out.numpy().transpose(0, 2, 3, 1)  # NCHW -> NHWC


# ---------------------------------------------------------------------------- checks
def check_fixture(tol: float, use_torch: bool) -> bool:
    fx = load_file(FIXTURE)
    x = fx["input"]
    print(f"fixture {os.path.relpath(FIXTURE, REPO)}: input {list(x.shape)} "
          f"range [{x.min():.0f}, {x.max():.0f}]")
    ok = True
    for name, fname in FIXTURE_MODELS.items():
        if name not in fx:
            continue
        path = os.path.join(GEN, fname)
        hp = hyper_params(path)
        want = fx[name]
        got = forward_numpy(load_file(path), hp, x)
        assert got.shape == want.shape, (got.shape, want.shape)
        d = float(np.abs(got - want).max())
        line = f"  {name:18s} {fname:30s} {list(want.shape)} numpy max|diff| {d:.3e}"
        ok &= d <= tol
        if use_torch:
            dt = float(np.abs(forward_torch(path, hp, x) - want).max())
            line += f"  torch max|diff| {dt:.3e}"
            ok &= dt <= tol
        print(line)
    print("OK" if ok else f"FAIL (tolerance {tol})")
    return ok


def check_package_sample(node_modules: str) -> bool:
    """Run on the package's own assets/fixture.png (128x128) and compare the clipped,
    rounded output with its shipped assets/samples/{s}x/result.png."""
    from PIL import Image

    ok = True
    for fname in FIXTURE_MODELS.values():
        path = os.path.join(GEN, fname)
        hp = hyper_params(path)
        pkg = os.path.join(node_modules, "@upscalerjs", "esrgan-" + fname.split("-")[1])
        lr = np.asarray(Image.open(os.path.join(pkg, "assets", "fixture.png")).convert("RGB"), np.float32)
        ref = np.asarray(Image.open(os.path.join(pkg, "assets", "samples", f"{hp['scale']}x", "result.png"))
                         .convert("RGB"), np.float32)
        sr = np.round(np.clip(forward_numpy(load_file(path), hp, lr), 0, 255))
        d = np.abs(sr - ref)
        print(f"  {fname:30s} vs result.png: max|diff| {d.max():.0f}, pixels off by 1: {(d > 0).mean() * 100:.3f} %")
        ok &= d.max() <= 1
    return ok


def check_models_fixture(tol: float) -> bool:
    """The @upscalerjs/models generators against export_models.mjs's TF.js outputs; the
    tolerance is on the 0..255 scale (RRDN outputs 0..1: compared times 255)."""
    fx = load_file(MODELS_FIXTURE)
    ok = True
    print(f"fixture {os.path.relpath(MODELS_FIXTURE, REPO)}")
    for name, (fname, inp) in MODELS_FIXTURE_MODELS.items():
        path = os.path.join(GEN, fname)
        unit = 255.0 if hyper_params(path)["rrdn"] else 1.0
        got = forward_any(path, fx[inp])
        want = fx[name]
        assert got.shape == want.shape, (got.shape, want.shape)
        d = float(np.abs(got - want).max()) * unit
        print(f"  {name:14s} {fname:28s} {list(want.shape)} numpy max|diff| {d:.3e} (0..255 scale)")
        ok &= d <= tol
    print("OK" if ok else f"FAIL (tolerance {tol})")
    return ok


def check_legacy_samples(node_modules: str) -> bool:
    """@upscalerjs/esrgan-legacy@1.0.0 ships the same weights with its own assets/fixture.png
    (128x128) and the upscaled results: run each converted model with both input ranges
    and compare the 8-bit outputs, to settle which range each model takes."""
    from PIL import Image

    pkg = os.path.join(node_modules, "@upscalerjs", "esrgan-legacy")
    lr = np.asarray(Image.open(os.path.join(pkg, "assets", "fixture.png")).convert("RGB"), np.float32)[None]
    ok = True
    for fname, sample in [("rdn-div2k-x2.safetensors", "div2k/2x"), ("rdn-div2k-x3.safetensors", "div2k/3x"),
                          ("rdn-div2k-x4.safetensors", "div2k/4x"), ("rrdn-gans-x4.safetensors", "gans")]:
        path = os.path.join(GEN, fname)
        ref = np.asarray(Image.open(os.path.join(pkg, "assets", "samples", sample, "result.png")).convert("RGB"),
                         np.float32)
        declared = 255.0 if hyper_params(path)["rrdn"] else 1.0  # UpscalerJS: rrdn 0..1, rdn 0..255
        for unit in (1.0, 255.0):
            out = forward_any(path, lr / np.float32(unit))[0]
            sr = np.round(np.clip(out * np.float32(unit), 0, 255))
            d = np.abs(sr - ref)
            print(f"  {fname:28s} input 0..{255 / unit:.0f}: vs {sample}/result.png max|diff| {d.max():.0f}, "
                  f"pixels off: {(d > 0).mean() * 100:.3f} %, by >1: {(d > 1).mean() * 100:.3f} %")
            if unit == declared:
                ok &= d.max() <= 1
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tol", type=float, default=2e-3, help="max abs difference allowed (0..255 scale)")
    ap.add_argument("--no-torch", action="store_true", help="skip the torch.nn.functional twin")
    ap.add_argument("--check-legacy-samples", metavar="NODE_MODULES",
                    help="run the @upscalerjs/models generators on @upscalerjs/esrgan-legacy's sample (slow)")
    ap.add_argument("--check-package-sample", metavar="NODE_MODULES",
                    help="also compare with the npm package's own sample output (slow: ~1 min)")
    a = ap.parse_args()
    use_torch = not a.no_torch
    if use_torch:
        try:
            import torch  # noqa: F401
        except ImportError:
            print("torch not installed: checking the numpy path only")
            use_torch = False
    ok = check_fixture(a.tol, use_torch)
    ok &= check_models_fixture(a.tol)
    if a.check_legacy_samples:
        ok &= check_legacy_samples(a.check_legacy_samples)
    if a.check_package_sample:
        ok &= check_package_sample(a.check_package_sample)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
