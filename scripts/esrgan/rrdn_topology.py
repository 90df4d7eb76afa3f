"""The TF.js graph of idealo's RRDN (Residual in Residual Dense Network), as UpscalerJS ships
it in ``@upscalerjs/models@0.9.0`` ``models/idealo/gans`` (and, with the custom layer
renamed ``PixelShuffle4x``, in ``@upscalerjs/esrgan-legacy@1.0.0`` ``models/gans``).

Reference: idealo ``image-super-resolution`` ``ISR/models/rrdn.py`` (``_dense_block``,
``_RRDB``, ``_pixel_shuffle``, ``_build_rdn``, ``PixelShuffle``, ``MultiplyBeta``).
``parse_rrdn_topology`` walks the Keras graph layer by layer and refuses anything that
differs from that template; ``key_for`` names the converted tensors.

    TF.js layer        safetensors key                           shape (O, I, kh, kw)
    Pre_blocks_conv    pre_blocks                                [G0, 3, 3, 3]
    F_{t}_{d}_{c}      rrdbs.{t-1}.rdbs.{d-1}.convs.{c-1}         [G, G0+(c-1)*G, 3, 3]
    LFF_{t}_{d}        rrdbs.{t-1}.rdbs.{d-1}.lff                 [G0, G0+C*G, 3, 3]  (3x3, not 1x1 as in RDN)
    post_blocks_conv   post_blocks                               [G0, G0, 3, 3]
    PreShuffle         pre_shuffle                               [3*s*s, G0, 3, 3]
    SR                 sr                                        [3, 3, 3, 3]
"""
from __future__ import annotations

import re


def _inbound(layer) -> list:
    nodes = layer.get("inbound_nodes", [])
    if not nodes:
        return []
    if len(nodes) != 1:
        raise ValueError(f"layer {layer['name']} is called more than once")
    return [x[0] for x in nodes[0]]


def is_rrdn(model_json: dict) -> bool:
    layers = model_json["modelTopology"]["model_config"]["config"]["layers"]
    return any(l["class_name"] == "MultiplyBeta" for l in layers)


def parse_rrdn_topology(model_json: dict) -> dict:
    """Check the graph is ISR's RRDN with the pixel-shuffle head; return its hyper-parameters.

    Expected: InputLayer LR_input; Pre_blocks_conv 3x3; for t in 1..T (RRDB):
    for d in 1..D (RDB): [for c in 1..C: F_t_d_c conv3x3 (G) + ReLU, RDB_Concat_t_d_c
    = concat(previous, relu)] LFF_t_d conv3x3 (G0), MultiplyBeta(beta), LRL_t_d = Add(
    [block input, beta * LFF]); then MultiplyBeta(beta) on the last LRL and RRDB_t_out =
    Add([RRDB input, beta * LRL_t_D]); post_blocks_conv 3x3; GRL = Add([post_blocks,
    Pre_blocks_conv]); PreShuffle conv3x3 (3*s*s); PixelShuffle(s) = depth_to_space NHWC;
    SR conv3x3 -> 3.
    """
    cfg = model_json["modelTopology"]["model_config"]
    layers = cfg["config"]["layers"]
    by_name = {l["name"]: l for l in layers}
    order = [l["name"] for l in layers]

    def conv(name, src, filters=None):
        l = by_name[name]
        c = l["config"]
        assert l["class_name"] == "Conv2D", name
        assert c["kernel_size"] == [3, 3] and c["strides"] == [1, 1], name
        assert c["dilation_rate"] == [1, 1] and c.get("groups", 1) == 1, name
        assert c["activation"] == "linear" and c["use_bias"] is True, name
        assert c["data_format"] == "channels_last" and c["padding"] == "same", name
        assert _inbound(l) == [src], (name, _inbound(l), src)
        if filters is not None:
            assert c["filters"] == filters, (name, c["filters"], filters)
        return c["filters"]

    def single(name, cls, src):
        l = by_name[name]
        assert l["class_name"] == cls and _inbound(l) == src, (name, l["class_name"], _inbound(l))
        return l

    betas = set()

    def beta_of(src):
        """The MultiplyBeta layer whose only input is ``src``."""
        hits = [l for l in layers if l["class_name"] == "MultiplyBeta" and _inbound(l) == [src]]
        assert len(hits) == 1, (src, [h["name"] for h in hits])
        betas.add(hits[0]["config"]["beta"])
        return hits[0]["name"]

    assert cfg["config"]["input_layers"][0][0] == "LR_input"
    assert cfg["config"]["output_layers"][0][0] == "SR"
    assert by_name["LR_input"]["class_name"] == "InputLayer"
    assert by_name["LR_input"]["config"]["batch_input_shape"] == [None, None, None, 3]

    g0 = conv("Pre_blocks_conv", "LR_input")
    T = max(int(m.group(1)) for n in order if (m := re.fullmatch(r"RRDB_(\d+)_out", n)))
    D = max(int(m.group(1)) for n in order if (m := re.fullmatch(r"LFF_1_(\d+)", n)))
    C = max(int(m.group(1)) for n in order if (m := re.fullmatch(r"F_1_1_(\d+)", n)))
    G = by_name["F_1_1_1"]["config"]["filters"]
    rrdb_in = "Pre_blocks_conv"
    for t in range(1, T + 1):
        x = rrdb_in
        for d in range(1, D + 1):
            cat = x
            for c in range(1, C + 1):
                conv(f"F_{t}_{d}_{c}", cat, G)
                single(f"F_{t}_{d}_{c}_Relu", "Activation", [f"F_{t}_{d}_{c}"])
                assert by_name[f"F_{t}_{d}_{c}_Relu"]["config"]["activation"] == "relu"
                cl = single(f"RDB_Concat_{t}_{d}_{c}", "Concatenate", [cat, f"F_{t}_{d}_{c}_Relu"])
                assert cl["config"]["axis"] in (3, -1), cl["name"]
                cat = f"RDB_Concat_{t}_{d}_{c}"
            conv(f"LFF_{t}_{d}", cat, g0)
            single(f"LRL_{t}_{d}", "Add", [x, beta_of(f"LFF_{t}_{d}")])
            x = f"LRL_{t}_{d}"
        single(f"RRDB_{t}_out", "Add", [rrdb_in, beta_of(x)])
        rrdb_in = f"RRDB_{t}_out"
    conv("post_blocks_conv", rrdb_in, g0)
    single("GRL", "Add", ["post_blocks_conv", "Pre_blocks_conv"])
    shuffle = [l for l in layers if l["class_name"].startswith("PixelShuffle")]
    assert len(shuffle) == 1, [l["name"] for l in shuffle]
    scale = shuffle[0]["config"]["scale"]
    conv("PreShuffle", "GRL", 3 * scale * scale)
    assert _inbound(shuffle[0]) == ["PreShuffle"]
    conv("SR", shuffle[0]["name"], 3)
    assert betas == {0.2}, betas
    expected = 1 + 1 + T * (D * (3 * C + 3) + 2) + 2 + 2 + 1
    assert len(layers) == expected, (len(layers), expected)
    return {"scale": scale, "C": C, "D": D, "G": G, "G0": g0, "T": T, "beta": 0.2}


def key_for(tfjs_layer: str) -> str:
    fixed = {"Pre_blocks_conv": "pre_blocks", "post_blocks_conv": "post_blocks",
             "PreShuffle": "pre_shuffle", "SR": "sr"}
    if tfjs_layer in fixed:
        return fixed[tfjs_layer]
    if m := re.fullmatch(r"F_(\d+)_(\d+)_(\d+)", tfjs_layer):
        t, d, c = (int(g) - 1 for g in m.groups())
        return f"rrdbs.{t}.rdbs.{d}.convs.{c}"
    if m := re.fullmatch(r"LFF_(\d+)_(\d+)", tfjs_layer):
        t, d = (int(g) - 1 for g in m.groups())
        return f"rrdbs.{t}.rdbs.{d}.lff"
    raise ValueError(f"no key mapping for layer {tfjs_layer}")
