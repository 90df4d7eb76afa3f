#!/usr/bin/env python3
"""Multiply-accumulates per image of a ForgeLens model, from its model.json.

Counts convolutions, linear layers and attention products (QK^T and AV); norms,
activations, pooling and resizes are left out (they are a few percent at most). Mirrors
engine/src/{extractor/mobilenet_v2.rs, detector/*.rs, fusion/*.rs}. The fusion net is
counted for one tile; an image costs one tile per tile of the analysis plan.

Usage: scripts/count_macs.py assets/model/model.json
"""
import json
import sys


def conv(h_out, cin, cout, k, groups=1):
    return h_out * h_out * k * k * (cin // groups) * cout


def mobilenet_v2(size, layers=19):
    """MobileNetV2's features[:layers] (19: all, with the 1x1 head) at `size` pixels:
    MACs, output side, output channels."""
    macs, h = 0, size // 2
    macs += conv(h, 3, 32, 3)
    cin = 32
    taken = 1
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            if taken == layers:
                return macs, h, cin
            taken += 1
            stride = s if i == 0 else 1
            hidden = cin * t
            if t != 1:
                macs += conv(h, cin, hidden, 1)
            h_out = h // stride
            macs += conv(h_out, hidden, hidden, 3, groups=hidden)
            macs += conv(h_out, hidden, c, 1)
            h, cin = h_out, c
    if layers <= 18:
        return macs, h, cin
    macs += conv(h, 320, 1280, 1)
    return macs, h, 1280


def transformer_block(n, width, mlp):
    return n * (4 * width * width + 2 * width * mlp) + 2 * n * n * width


def discrepancy_net(tokens, token_width, d):
    w = d["width"]
    n = tokens + 1
    macs = tokens * token_width * w
    macs += d["depth"] * transformer_block(n, w, w * d["mlp_ratio"])
    macs += w * d["z_width"] + d["z_width"] * 3
    return macs


def conv_block(h_in, cin, cout, stride, res):
    med = cout // 4
    h = h_in // stride
    macs = conv(h_in, cin, med, 1) + conv(h, med, med, 3) + conv(h, med, cout, 1)
    if res:
        macs += conv(h, cin, cout, 1)
    return macs, h


def fusion(f):
    s, stem, e = f["image_size"], f["stem_channels"], f["embed_dim"]
    stage1 = stem * f["channel_ratio"]
    grid = s // 16
    n = grid * grid + 1
    block = transformer_block(n, e, e * f["mlp_ratio"])
    kind = (f.get("stem") or {"kind": "conformer"})
    if kind["kind"] == "mobile-net-v2":
        macs, h_cut, c_cut = mobilenet_v2(s, kind["layers"])
        macs += conv(s // 4, c_cut, stem, 1)       # adapter, after upsampling to 1/4
    else:
        macs = conv(s // 2, 3, stem, 7)
    h = s // 4
    m, h = conv_block(h, stem, stage1, 1, True)
    macs += m + conv(grid, stem, e, 4) + block
    cin = stage1
    for stage, (c, dw) in enumerate([(stage1, 4), (stage1 * 2, 2), (stage1 * 4, 1)]):
        for i in range(f["blocks_per_stage"]):
            if stage == 0 and i == 0:
                continue
            first = i == 0
            m, h = conv_block(h, cin, c, 2 if first else 1, first)
            macs += m
            macs += conv(h, c // 4, e, 1)          # FCU down
            macs += block
            macs += conv(grid, e, c // 4, 1)       # FCU up, before upsampling
            m, _ = conv_block(h, c, c, 1, False)   # fusion block
            macs += m
            cin = c
    macs += conv(grid, stage1 * 4, f["num_classes"], 3)
    if f.get("stem_cam"):                          # class head on the stem map
        q = s // 4
        macs += conv(q, stem, 64, 1) + conv(q, 64, 64, 3) + conv(q, 64, f["num_classes"], 3)
    return macs


def main(path):
    config = json.load(open(path))
    ex = config["extractor"]
    if ex["kind"] != "mobile-net-v2":
        sys.exit("only the MobileNetV2 extractor is counted here")
    layers = ex.get("layers") or 19
    e_macs, side, channels = mobilenet_v2(ex["image_size"], layers)
    # Stride-16 features are patch-merged 2x2 into stride-32 tokens.
    merge = side // (ex["image_size"] // 32)
    tokens = (side // merge) ** 2
    d = config["detector"]
    one = discrepancy_net(tokens, channels * merge * merge, d)
    classifier = 2 * d["z_width"] * d["classifier_hidden"] + d["classifier_hidden"] * 3
    f_macs = fusion(config["fusion"])
    rows = [
        ("extractor E (MobileNetV2 features[:%d] @ %d)" % (layers, ex["image_size"]), e_macs),
        ("teacher + 2 students", 3 * one),
        ("classifier N_C", classifier),
        ("verdict total", e_macs + 3 * one + classifier),
        ("fusion net, one %d px tile" % config["fusion"]["image_size"], f_macs),
    ]
    for name, m in rows:
        print(f"{name:40s} {m / 1e6:10.1f} M")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "assets/model/model.json")
