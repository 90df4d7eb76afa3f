#!/usr/bin/env python3
"""Convert an UpscalerJS TF.js layers model (RDN or RRDN) to safetensors (PyTorch/Burn layout).

Sources: ``@upscalerjs/esrgan-slim`` / ``-medium`` 1.0.0 (RDN, float32) and
``@upscalerjs/models`` 0.9.0 (``models/div2k/*``: RDN, C 3 D 10 G 64; ``models/idealo/gans``:
idealo's RRDN, see ``rrdn_topology.py``; all uint8-quantised).

The npm packages ``@upscalerjs/esrgan-slim`` and ``@upscalerjs/esrgan-medium`` (MIT,
(c) 2022 Kevin Scott) ship TF.js *layers* models (``models/x{2,3,4,8}/model.json`` +
``group1-shard1of1.bin``). Despite the package name the network is **not** the RRDB
ESRGAN generator: it is idealo's RDN (Residual Dense Network) with the ``ups``
upscaling head (Conv -> nearest UpSampling2D -> Conv). The converter checks the graph
against that template (see ``parse_rdn_topology``) so that a fixed-architecture port
(the Rust ``forge`` generator) can rely on it, and refuses anything else.

Output: one tensor per TF.js weight, contiguous (RDN keys below; RRDN keys in
``rrdn_topology.py``):

    TF.js name         safetensors key             layout
    F_m1/kernel        sfe1.weight                 [64, 3, 3, 3]      (O, I, kh, kw)
    F_m1/bias          sfe1.bias                   [64]
    F_0/kernel         sfe2.weight                 [G0, G0, 3, 3]
    F_{d}_{c}/kernel   rdbs.{d-1}.convs.{c-1}.weight  [G, G0+(c-1)*G, 3, 3]
    LFF_{d}/kernel     rdbs.{d-1}.lff.weight       [G0, G0+C*G, 1, 1]
    GFF_1/kernel       gff1.weight                 [G0, D*G0, 1, 1]
    GFF_2/kernel       gff2.weight                 [G0, G0, 3, 3]
    UPN1/kernel        upn1.weight                 [64, G0, 5, 5]
    UPN2/kernel        upn2.weight                 [32, 64, 3, 3]
    UPN3/kernel        upn3.weight                 [3*s*s, 32, 3, 3]
    SR/kernel          sr.weight                   [3, 3*s*s, 3, 3]
    (every ".../bias" -> "<same key>.bias", shape [out])

TF.js/Keras Conv2D kernels are stored [kh, kw, in, out]; they are transposed to
[out, in, kh, kw] (``np.transpose(k, (3, 2, 0, 1))``). Biases are copied as is.
The file's ``__metadata__`` (all strings) records the source package/version/file
SHA-256s, the hyper-parameters (scale, C, D, G, G0), the value ranges and a JSON
map ``tfjs_names`` from every key back to its TF.js weight name.

Weight manifest handling (``tfjs_io.read_weights``): every weight group's shards are
concatenated in the order of ``paths`` and the group's weights are read sequentially;
dtypes float32/int32 are read raw (little endian), quantised weights are decoded as
tfjs-core does (uint8/uint16: float32(q * scale + min) in float64; float16).
Storage: float32 sources are written as F32. A source whose every weight is
uint8-quantised (the @upscalerjs/models files) is written losslessly as its uint8
codes (U8, same layout as the float tensor) plus an F64 tensor ``<key>.quantization``
= [min, scale]; the Rust loader (``forge::generators::load_weights``) and
``tfjs_io.dequantise`` decode them exactly as TF.js does at load. The metadata then
has a ``quantization`` entry.

Usage (from the repository root, with a scratch npm install of the packages):

    python scripts/esrgan/convert_tfjs_esrgan.py \
        --model-dir $SCRATCH/node_modules/@upscalerjs/esrgan-slim/models/x4 \
        --package @upscalerjs/esrgan-slim --version 1.0.0 \
        --out assets/generators/esrgan-slim-x4.safetensors

or ``--all-defaults $SCRATCH/node_modules`` to (re)generate every file listed in
``DEFAULT_OUTPUTS`` (what assets/generators/README.md documents).
Only numpy is needed (the file is written by a small deterministic writer). The output is
byte-for-byte reproducible; ``--only NAME`` converts the defaults whose file name has NAME.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import OrderedDict

import numpy as np

import rrdn_topology
from tfjs_io import dequantise, read_weights, sha256_file, write_safetensors

# (package, version, model folder inside the package, output file name) for --all-defaults.
DEFAULT_OUTPUTS = [
    ("@upscalerjs/esrgan-slim", "1.0.0", "models/x4", "esrgan-slim-x4.safetensors"),
    ("@upscalerjs/esrgan-slim", "1.0.0", "models/x2", "esrgan-slim-x2.safetensors"),
    ("@upscalerjs/esrgan-medium", "1.0.0", "models/x4", "esrgan-medium-x4.safetensors"),
    ("@upscalerjs/models", "0.9.0", "models/div2k/005-2x", "rdn-div2k-x2.safetensors"),
    ("@upscalerjs/models", "0.9.0", "models/div2k/019-3x", "rdn-div2k-x3.safetensors"),
    ("@upscalerjs/models", "0.9.0", "models/div2k/017-4x", "rdn-div2k-x4.safetensors"),
    ("@upscalerjs/models", "0.9.0", "models/idealo/gans", "rrdn-gans-x4.safetensors"),
]

# SHA-256 of model.json and of the shard as published in the npm tarballs; checked when
# known so that a different package version cannot silently produce a "same" asset.
KNOWN_SHA256 = {
    ("@upscalerjs/esrgan-slim", "1.0.0", "models/x2"): (
        "8efb488c2caed0196a6163e3f06798f9245e92623ffd50654a26c372e09150ea",
        "5cb464ae4d390ce0a771afd5feaf60fbfcdb18ab48a56db98cdf6b88202369de",
    ),
    ("@upscalerjs/esrgan-slim", "1.0.0", "models/x4"): (
        "3a2eaa642232567e7d2a2e7638c9704f42f63f355fc656c18aa78bf2da1d903d",
        "82637daaf3ba024df5e9da2389e8992e7a6e8a992ba6268ce6bc490c92e9516e",
    ),
    ("@upscalerjs/esrgan-medium", "1.0.0", "models/x2"): (
        "197b99be1f385b9f7914ecd8fd6e9ebf65833859807aae90666188dbc39cbf93",
        "6a210f30f209192bad4650ea4f619adadbd36228e998aa49a4195c6e7ec70761",
    ),
    ("@upscalerjs/esrgan-medium", "1.0.0", "models/x4"): (
        "6abcf2a497bb361a9b75afbab390a2bc0df88236c7b7c96edc1c2cdbdbec8e3c",
        "ed791214e78e498dd42ce5da0e16b78a1047732e5d99467aaead2a90cb566a69",
    ),
    ("@upscalerjs/models", "0.9.0", "models/div2k/005-2x"): (
        "1f7090644bdc105e244bcd5a0549da220ba37ddb5b6ef0f76c5a947530bec5fa",
        "089ed757ddf6654a2c4a175bbb65d7dca33921b194e01a8638261f7b60d055de",
    ),
    ("@upscalerjs/models", "0.9.0", "models/div2k/019-3x"): (
        "bc8c4eabb439632502dae3ff3dedc5eed57ff037ac174f849bbbeb916d0a5a1d",
        "5ca70b17d45bd4eecf6ed27c76b8c641642f417476ace7d7243255dcfd09bf42",
    ),
    ("@upscalerjs/models", "0.9.0", "models/div2k/017-4x"): (
        "64acc6fff6f8ff2e0ce3239974db8bf288112bcdb0311c71d269811c0a13c260",
        "d2cf575baf09651b6bf20840ebd65fd3dcaff8d344373e50459e422c6cfb67be",
    ),
    ("@upscalerjs/models", "0.9.0", "models/idealo/gans"): (
        "a6d9f10eb1f9409725f039dc114987266fd69b224a9c0f211a8bf35ffe9f2546",
        "9c83e573a328beaa031239da5f4cecd271647b9d9e48b51cd969fd19fe82800e",
    ),
}

# What each package says about its licence (package.json "license"; the esrgan-* tarballs
# carry a LICENSE file, @upscalerjs/models@0.9.0 lists one in "files" but ships none).
LICENSES = {
    "@upscalerjs/esrgan-slim": "MIT (c) 2022 Kevin Scott",
    "@upscalerjs/esrgan-medium": "MIT (c) 2022 Kevin Scott",
    "@upscalerjs/models": "MIT (package.json of @upscalerjs/models, author Kevin Scott; no LICENSE file in the tarball)",
}

# -------------------------------------------------------------------------- topology
def _inbound(layer) -> list:
    nodes = layer.get("inbound_nodes", [])
    if not nodes:
        return []
    if len(nodes) != 1:
        raise ValueError(f"layer {layer['name']} is called more than once")
    return [x[0] for x in nodes[0]]


def parse_rdn_topology(model_json: dict) -> dict:
    """Check the Keras graph is idealo's RDN with 'ups' upscaling; return its hyper-parameters.

    Expected (in this order): InputLayer LR; F_m1 conv3x3; F_0 conv3x3; for d in 1..D:
    [for c in 1..C: F_d_c conv3x3 (G) + ReLU, Concatenate(prev inputs)] LFF_d conv1x1,
    Add LRL_d = LFF_d + block input; LRLs_Concat; GFF_1 conv1x1; GFF_2 conv3x3;
    Add FDF = GFF_2 + F_m1; UPN1 conv5x5 + ReLU; UPN2 conv3x3 + ReLU; UPN3 conv3x3;
    UPsample UpSampling2D(nearest, s); SR conv3x3 -> 3.
    """
    cfg = model_json["modelTopology"]["model_config"]
    layers = cfg["config"]["layers"]
    by_name = {l["name"]: l for l in layers}
    order = [l["name"] for l in layers]

    def conv(name, k, src, filters=None):
        l = by_name[name]
        c = l["config"]
        assert l["class_name"] == "Conv2D", name
        assert c["kernel_size"] == [k, k] and c["strides"] == [1, 1], name
        assert c["dilation_rate"] == [1, 1] and c.get("groups", 1) == 1, name
        assert c["activation"] == "linear" and c["use_bias"] is True, name
        assert c["data_format"] == "channels_last", name
        # 'valid' and 'same' are identical for 1x1 kernels
        assert c["padding"] == "same" or k == 1, name
        assert _inbound(l) == src, (name, _inbound(l), src)
        if filters is not None:
            assert c["filters"] == filters, (name, c["filters"], filters)
        return c["filters"]

    def relu(name, src):
        l = by_name[name]
        assert l["class_name"] == "Activation" and l["config"]["activation"] == "relu", name
        assert _inbound(l) == [src], name

    assert cfg["config"]["input_layers"][0][0] == "LR"
    assert cfg["config"]["output_layers"][0][0] == "SR"
    assert by_name["LR"]["class_name"] == "InputLayer"
    assert by_name["LR"]["config"]["batch_input_shape"] == [None, None, None, 3]

    g0 = conv("F_m1", 3, ["LR"])
    conv("F_0", 3, ["F_m1"], g0)
    D = max(int(m.group(1)) for n in order if (m := re.fullmatch(r"LFF_(\d+)", n)))
    C = max(int(m.group(1)) for n in order if (m := re.fullmatch(r"F_1_(\d+)", n)))
    G = by_name["F_1_1"]["config"]["filters"]
    prev = "F_0"
    lrls = []
    for d in range(1, D + 1):
        cat = [prev]
        for c in range(1, C + 1):
            conv(f"F_{d}_{c}", 3, [cat[0]] if c == 1 else [f"RDB_Concat_{d}_{c - 1}"], G)
            relu(f"F_{d}_{c}_Relu", f"F_{d}_{c}")
            cat.append(f"F_{d}_{c}_Relu")
            cl = by_name[f"RDB_Concat_{d}_{c}"]
            assert cl["class_name"] == "Concatenate" and cl["config"]["axis"] in (3, -1)
            assert _inbound(cl) == ([prev] if c == 1 else [f"RDB_Concat_{d}_{c - 1}"]) + [f"F_{d}_{c}_Relu"] \
                or _inbound(cl) == cat, (cl["name"], _inbound(cl))
        conv(f"LFF_{d}", 1, [f"RDB_Concat_{d}_{C}"], g0)
        add = by_name[f"LRL_{d}"]
        assert add["class_name"] == "Add" and _inbound(add) == [f"LFF_{d}", prev], add["name"]
        lrls.append(f"LRL_{d}")
        prev = f"LRL_{d}"
    cat = by_name["LRLs_Concat"]
    assert cat["class_name"] == "Concatenate" and cat["config"]["axis"] in (3, -1)
    assert _inbound(cat) == lrls
    conv("GFF_1", 1, ["LRLs_Concat"], g0)
    conv("GFF_2", 3, ["GFF_1"], g0)
    fdf = by_name["FDF"]
    assert fdf["class_name"] == "Add" and _inbound(fdf) == ["GFF_2", "F_m1"]
    conv("UPN1", 5, ["FDF"], 64)
    relu("UPN1_Relu", "UPN1")
    conv("UPN2", 3, ["UPN1_Relu"], 32)
    relu("UPN2_Relu", "UPN2")
    up = by_name["UPsample"]
    s = up["config"]["size"]
    assert up["class_name"] == "UpSampling2D" and s[0] == s[1]
    assert up["config"]["interpolation"] == "nearest" and up["config"]["data_format"] == "channels_last"
    scale = s[0]
    conv("UPN3", 3, ["UPN2_Relu"], 3 * scale * scale)
    assert _inbound(up) == ["UPN3"]
    conv("SR", 3, ["UPsample"], 3)
    expected = 1 + 2 + D * (3 * C + 2) + 1 + 2 + 1 + 4 + 1 + 1 + 1
    assert len(layers) == expected, (len(layers), expected)
    return {"scale": scale, "C": C, "D": D, "G": G, "G0": g0}


# ----------------------------------------------------------------------------- names
def key_for(tfjs_layer: str) -> str:
    fixed = {"F_m1": "sfe1", "F_0": "sfe2", "GFF_1": "gff1", "GFF_2": "gff2",
             "UPN1": "upn1", "UPN2": "upn2", "UPN3": "upn3", "SR": "sr"}
    if tfjs_layer in fixed:
        return fixed[tfjs_layer]
    if m := re.fullmatch(r"F_(\d+)_(\d+)", tfjs_layer):
        return f"rdbs.{int(m.group(1)) - 1}.convs.{int(m.group(2)) - 1}"
    if m := re.fullmatch(r"LFF_(\d+)", tfjs_layer):
        return f"rdbs.{int(m.group(1)) - 1}.lff"
    raise ValueError(f"no key mapping for layer {tfjs_layer}")


RANGE_255 = ("NHWC float32 RGB in [0,255] (Rust/Burn port: NCHW)",
             "float32 RGB nominally [0,255], NOT clipped by the network; clip to [0,255] and round for 8-bit")
RANGE_1 = ("NHWC float32 RGB in [0,1] (8-bit / 255; Rust/Burn port: NCHW)",
           "float32 RGB nominally [0,1], NOT clipped by the network; clip to [0,1], times 255, round for 8-bit")


def convert(model_dir: str, package: str, version: str, out_path: str, source_dir: "str | None" = None) -> dict:
    mj_path = os.path.join(model_dir, "model.json")
    with open(mj_path, "rb") as f:
        mj_bytes = f.read()
    mj = json.loads(mj_bytes)
    if mj.get("format") != "layers-model":
        raise ValueError("not a TF.js layers model")
    rrdn = rrdn_topology.is_rrdn(mj)
    hp = rrdn_topology.parse_rrdn_topology(mj) if rrdn else parse_rdn_topology(mj)
    name_key = rrdn_topology.key_for if rrdn else key_for
    if source_dir is None:
        source_dir = os.path.relpath(model_dir, os.path.dirname(os.path.dirname(model_dir)))
    shard_paths = [p for g in mj["weightsManifest"] for p in g["paths"]]
    sha_json = hashlib.sha256(mj_bytes).hexdigest()
    sha_shards = [sha256_file(os.path.join(model_dir, p)) for p in shard_paths]
    known = KNOWN_SHA256.get((package, version, source_dir))
    if known is not None and (sha_json, sha_shards[0]) != known:
        raise ValueError(f"SHA-256 mismatch for {package}@{version} {source_dir}: "
                         f"{sha_json} {sha_shards} (expected {known})")

    weights = read_weights(model_dir, mj["weightsManifest"])
    # uint8-quantised sources are stored as their uint8 codes (lossless, 4x smaller than
    # float32) with [min, scale] beside them; float32 sources as float32.
    quantised = all(w.q is not None for w in weights.values())
    tensors: "OrderedDict[str, np.ndarray]" = OrderedDict()
    names = {}

    def layout(arr: np.ndarray, kind: str, tname: str) -> np.ndarray:
        if kind == "kernel":
            assert arr.ndim == 4, tname
            return np.ascontiguousarray(np.transpose(arr, (3, 2, 0, 1)))
        if kind == "bias":
            assert arr.ndim == 1, tname
            return np.ascontiguousarray(arr)
        raise ValueError(f"unexpected weight {tname}")

    for tname, w in weights.items():
        layer, kind = tname.rsplit("/", 1)
        key = name_key(layer) + (".weight" if kind == "kernel" else ".bias")
        if quantised:
            tensors[key] = layout(w.q, kind, tname)
            tensors[key + ".quantization"] = np.array([w.qmin, w.qscale], np.float64)
        else:
            tensors[key] = layout(w.value, kind, tname).astype(np.float32)
        names[key] = tname
    # every conv layer must have exactly its kernel + bias
    conv_layers = [l["name"] for l in mj["modelTopology"]["model_config"]["config"]["layers"]
                   if l["class_name"] == "Conv2D"]
    assert sorted(names.values()) == sorted([f"{c}/kernel" for c in conv_layers] + [f"{c}/bias" for c in conv_layers])

    value_range = RANGE_1 if rrdn else RANGE_255
    meta = {
        "format": "pt",
        "architecture": "rrdn-shuffle" if rrdn else "rdn-ups",
        "source_package": f"{package}@{version}",
        "source_license": LICENSES.get(package, "see the package"),
        "source_files": json.dumps({"model.json": sha_json,
                                    **{p: s for p, s in zip(shard_paths, sha_shards)}}, sort_keys=True),
        "source_dir": source_dir,
        **{k: str(v) for k, v in hp.items()},
        "input": value_range[0],
        "output": value_range[1],
        "conv_layout": "weight [out,in,kh,kw] (from TF.js [kh,kw,in,out]); padding 'same' (zero, symmetric)",
        "tfjs_names": json.dumps(names, sort_keys=True),
    }
    if quantised:
        meta["quantization"] = ("every weight/bias is uint8 (the TF.js shard's codes, same layout as the "
                                "float tensor) with F64 `<key>.quantization` = [min, scale]; value = "
                                "float32(float64(q) * scale + min), as tfjs-core decodeWeights")
    if rrdn:
        meta["pixel_shuffle"] = ("tf.nn.depth_to_space NHWC (DCR): out[y*s+i, x*s+j, c] = "
                                 "in[y, x, (i*s+j)*3+c]; pre_shuffle channel k = (i*s+j)*3+c")
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    write_safetensors(dict(tensors), out_path, meta)
    os.chmod(out_path, 0o644)
    floats = dequantise(tensors)
    n_params = sum(int(v.size) for v in floats.values())
    return {"out": out_path, "bytes": os.path.getsize(out_path), "sha256": sha256_file(out_path),
            "params": n_params, "tensors": len(tensors), "hp": hp, "quantised": quantised,
            "source_sha256": {"model.json": sha_json, **dict(zip(shard_paths, sha_shards))},
            # listed in graph order (the file itself is ordered by safetensors)
            "shapes": {k: list(floats[k].shape) for c in conv_layers
                       for k in (name_key(c) + ".weight", name_key(c) + ".bias")},
            "names": names}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", help="folder with model.json and its shards")
    ap.add_argument("--package", default="@upscalerjs/esrgan-slim")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--source-dir", help="the model folder inside the package (recorded; keys KNOWN_SHA256)")
    ap.add_argument("--out", help="output .safetensors path")
    ap.add_argument("--all-defaults", metavar="NODE_MODULES",
                    help="convert every entry of DEFAULT_OUTPUTS from this node_modules folder")
    ap.add_argument("--only", help="with --all-defaults: only outputs whose file name contains this")
    ap.add_argument("--out-dir", default="assets/generators", help="with --all-defaults")
    ap.add_argument("--verbose", action="store_true", help="print every tensor name and shape")
    a = ap.parse_args(argv)
    jobs = []
    if a.all_defaults:
        for pkg, ver, sub, fname in DEFAULT_OUTPUTS:
            if a.only and a.only not in fname:
                continue
            pj = json.load(open(os.path.join(a.all_defaults, pkg, "package.json")))
            if pj["version"] != ver:
                raise SystemExit(f"{pkg}: installed {pj['version']}, expected {ver}")
            jobs.append((os.path.join(a.all_defaults, pkg, sub), pkg, ver, os.path.join(a.out_dir, fname), sub))
    elif a.model_dir and a.out:
        jobs.append((a.model_dir, a.package, a.version, a.out, a.source_dir))
    else:
        ap.error("give --model-dir and --out, or --all-defaults NODE_MODULES")
    for job in jobs:
        r = convert(*job)
        print(f"{r['out']}: {r['tensors']} tensors, {r['params']} params, {r['bytes']} bytes, "
              f"{'uint8 codes' if r['quantised'] else 'float32'}, sha256 {r['sha256']}, hp {r['hp']}, "
              f"source {r['source_sha256']}")
        if a.verbose:
            for k, shp in r["shapes"].items():
                print(f"  {k:36s} {str(shp):20s} <- {r['names'][k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
