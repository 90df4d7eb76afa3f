"""TF.js weight manifests in, deterministic safetensors out (shared by the converters in
this folder). Only numpy is needed."""
from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict

import numpy as np

_DTYPE_BYTES = {"float32": 4, "int32": 4, "bool": 1, "uint8": 1, "uint16": 2, "float16": 2}


def write_safetensors(tensors: dict, path: str, metadata: dict) -> None:
    """Deterministic safetensors writer (the safetensors package orders ``__metadata__``
    through a hash map, so its bytes differ from run to run). Layout: u64 LE header
    length, JSON header (``__metadata__`` first, then tensors sorted by key, compact
    separators, space-padded to a multiple of 8), then the raw little-endian data in
    the same key order."""
    header = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    blobs, off = [], 0
    for k in sorted(tensors):
        a = np.ascontiguousarray(tensors[k])
        dt = {np.dtype("float32"): ("F32", "<f4"), np.dtype("int32"): ("I32", "<i4"),
              np.dtype("float64"): ("F64", "<f8"), np.dtype("uint8"): ("U8", "u1")}[a.dtype]
        b = a.astype(dt[1]).tobytes()
        header[k] = {"dtype": dt[0], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    hj = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hj += b" " * (-len(hj) % 8)
    with open(path, "wb") as f:
        f.write(len(hj).to_bytes(8, "little"))
        f.write(hj)
        for b in blobs:
            f.write(b)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- weights
class Weight:
    """One decoded TF.js weight: ``value`` as TF.js holds it after loading (float32 or
    int32); for uint8-quantised weights also the codes ``q`` and the manifest's ``min`` /
    ``scale`` (float64, as JSON numbers are in JavaScript)."""

    def __init__(self, value: np.ndarray, q: "np.ndarray | None" = None, qmin: float = 0.0, qscale: float = 0.0):
        self.value, self.q, self.qmin, self.qscale = value, q, qmin, qscale


def read_weights(model_dir: str, manifest: list) -> "OrderedDict[str, Weight]":
    """Decode every weight of a TF.js weights manifest.

    Dequantisation is tfjs-core's ``decodeWeights`` (src/io/io_utils.ts, 4.11.0): for a
    float32 weight quantised to uint8/uint16, ``values[i] = v * quantization.scale +
    quantization.min`` evaluated in float64 (JavaScript numbers, no fused multiply-add)
    and stored into a Float32Array (round to nearest even); numpy does the same here."""
    out: "OrderedDict[str, Weight]" = OrderedDict()
    for group in manifest:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        off = 0
        for spec in group["weights"]:
            name, shape, dtype = spec["name"], list(spec["shape"]), spec["dtype"]
            n = int(np.prod(shape)) if shape else 1
            q = spec.get("quantization")
            codes = None
            if q:
                qd = q["dtype"]
                nbytes = n * _DTYPE_BYTES[qd]
                raw = data[off:off + nbytes]
                if qd == "float16":
                    arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
                elif qd in ("uint8", "uint16"):
                    qa = np.frombuffer(raw, dtype=np.uint8 if qd == "uint8" else "<u2")
                    arr = (qa.astype(np.float64) * float(q["scale"]) + float(q["min"])).astype(np.float32)
                    if qd == "uint8" and dtype == "float32":
                        codes = qa.reshape(shape)
                else:
                    raise ValueError(f"{name}: unsupported quantization dtype {qd!r}")
                if dtype == "int32":
                    arr = np.round(arr).astype(np.int32)
            else:
                nbytes = n * _DTYPE_BYTES[dtype]
                raw = data[off:off + nbytes]
                if dtype == "float32":
                    arr = np.frombuffer(raw, dtype="<f4").astype(np.float32)
                elif dtype == "int32":
                    arr = np.frombuffer(raw, dtype="<i4").astype(np.int32)
                else:
                    raise ValueError(f"{name}: unsupported dtype {dtype!r}")
            if len(raw) != nbytes:
                raise ValueError(f"{name}: shard too short ({len(raw)} < {nbytes} bytes)")
            off += nbytes
            if name in out:
                raise ValueError(f"duplicate weight name {name}")
            if codes is not None:
                out[name] = Weight(arr.reshape(shape), codes, float(q["min"]), float(q["scale"]))
            else:
                out[name] = Weight(arr.reshape(shape))
        if off != len(data):
            raise ValueError(f"weight group {group['paths']}: {len(data) - off} unread bytes")
    return out


def dequantise(t: dict) -> "OrderedDict[str, np.ndarray]":
    """A converted file's tensors as float32, as the Rust loader sees them: every U8
    tensor ``k`` with its F64 ``k.quantization`` = [min, scale] becomes
    ``float32(float64(q) * scale + min)``; F32 tensors pass through."""
    out: "OrderedDict[str, np.ndarray]" = OrderedDict()
    for k, v in t.items():
        if k.endswith(".quantization"):
            continue
        if v.dtype == np.uint8:
            qmin, qscale = (float(x) for x in t[k + ".quantization"])
            out[k] = (v.astype(np.float64) * qscale + qmin).astype(np.float32)
        else:
            out[k] = v
    return out
