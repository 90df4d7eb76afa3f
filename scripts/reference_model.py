#!/usr/bin/env python3
"""The bundled model's inference path per tile in PyTorch, a port of engine/src op for op.

The detector (4x the NPR residual -> MobileNetV2 features[:11] -> 2x2 patch merge -> teacher
and two students -> classifier N_C: extractor/, detector/, model/forgelens_model.rs), the
fusion net (MobileNetV2 stem + adapter, stem class head, Conformer stages: fusion/) and the
map combination (fusion/maps.rs, then analyzer.rs' bilinear upsampling and class
probabilities). fp32, functional ops (F.conv2d, F.batch_norm, ...), the same epsilons.

The weights are Burn's own tensors under Burn's names (`fusion.trans_1.self_attn.q_proj.weight`),
written by engine/benches/pipeline with burn-store's SafetensorsStore; Burn keeps a linear
layer's weight as [in, out], PyTorch as [out, in], so those are transposed on load. Used by
scripts/reference_pipeline.py.
"""
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

# torchvision's inverted_residual_setting: expansion t, channels c, repeats n, stride s.
MOBILENET_SETTING = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                     (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
NPR_GAIN = 4.0                  # extractor/input.rs
ATTENTION_FULL_SCALE = 4.0      # fusion/maps.rs


class Weights:
    """Burn's tensors by name; remembers which were taken."""

    def __init__(self, path):
        self.tensors = load_file(path)
        self.used = set()

    def __call__(self, name):
        self.used.add(name)
        return self.tensors[name].contiguous()

    def has(self, name):
        return name in self.tensors

    def linear(self, prefix):
        return self(prefix + ".weight").t().contiguous(), self(prefix + ".bias")

    def unused(self):
        return sorted(set(self.tensors) - self.used)


class BatchNorm:
    def __init__(self, w, p, eps):
        self.stats = (w(p + ".running_mean"), w(p + ".running_var"), w(p + ".gamma"),
                      w(p + ".beta"))
        self.eps = eps

    def __call__(self, x):
        mean, var, gamma, beta = self.stats
        return F.batch_norm(x, mean, var, gamma, beta, False, 0.0, self.eps)


class Conv:
    """Burn's Conv2d: weight [out, in / groups, k, k], optional bias."""

    def __init__(self, w, p, stride=1, padding=0, groups=1):
        self.weight = w(p + ".weight")
        self.bias = w(p + ".bias") if w.has(p + ".bias") else None
        self.args = (stride, padding, 1, groups)

    def __call__(self, x):
        return F.conv2d(x, self.weight, self.bias, *self.args)


class ConvBnAct:
    """nn/conv_bn.rs: conv (padding (k - 1) / 2, no bias), batch norm (eps 1e-5), activation."""

    def __init__(self, w, p, stride=1, groups=1, act="relu6"):
        k = w.tensors[p + ".conv.weight"].shape[-1]
        self.conv = Conv(w, p + ".conv", stride, (k - 1) // 2, groups)
        self.bn = BatchNorm(w, p + ".bn", 1e-5)
        self.act = {"relu6": F.relu6, "relu": F.relu, None: lambda x: x}[act]

    def __call__(self, x):
        return self.act(self.bn(self.conv(x)))


class InvertedResidual:
    def __init__(self, w, p, stride):
        self.expand = ConvBnAct(w, p + ".expand") if w.has(p + ".expand.conv.weight") else None
        hidden = w.tensors[p + ".depthwise.conv.weight"].shape[0]
        self.depthwise = ConvBnAct(w, p + ".depthwise", stride, hidden)
        self.project = ConvBnAct(w, p + ".project", act=None)
        c_in = w.tensors[p + ".expand.conv.weight"].shape[1] if self.expand else hidden
        c_out = w.tensors[p + ".project.conv.weight"].shape[0]
        self.residual = stride == 1 and c_in == c_out

    def __call__(self, x):
        y = self.expand(x) if self.expand else x
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


def mobilenet_features(w, p):
    """torchvision features[:1 + the blocks in the file] (extractor/mobilenet_v2.rs): the
    function and its output stride."""
    strides = [s if i == 0 else 1 for _, _, n, s in MOBILENET_SETTING for i in range(n)]
    count = 0
    while w.has(f"{p}.blocks.{count}.depthwise.conv.weight"):
        count += 1
    layers = [ConvBnAct(w, p + ".stem", 2)]
    layers += [InvertedResidual(w, f"{p}.blocks.{i}", strides[i]) for i in range(count)]

    def run(x):
        for layer in layers:
            x = layer(x)
        return x
    stride = 2
    for s in strides[:count]:
        stride *= s
    return run, stride


class LayerNorm:
    def __init__(self, w, p, eps):
        self.gamma, self.beta, self.eps = w(p + ".gamma"), w(p + ".beta"), eps

    def __call__(self, x):
        return F.layer_norm(x, self.gamma.shape, self.gamma, self.beta, self.eps)


class Linear:
    def __init__(self, w, p):
        self.weight, self.bias = w.linear(p)

    def __call__(self, x):
        return F.linear(x, self.weight, self.bias)


class TransformerBlock:
    """nn/block.rs + nn/attention.rs: pre-norm, q scaled after projection, exact GELU."""

    def __init__(self, w, p, heads, eps):
        self.ln1 = LayerNorm(w, p + ".layer_norm1", eps)
        self.ln2 = LayerNorm(w, p + ".layer_norm2", eps)
        a = p + ".self_attn"
        self.q, self.k, self.v, self.out = (Linear(w, f"{a}.{n}_proj")
                                            for n in ("q", "k", "v", "out"))
        self.fc1, self.fc2 = Linear(w, p + ".mlp.fc1"), Linear(w, p + ".mlp.fc2")
        self.heads = heads

    def __call__(self, x):
        b, n, width = x.shape
        d = width // self.heads
        h = self.ln1(x)

        def split(t):
            return t.reshape(b, n, self.heads, d).transpose(1, 2)
        q = split(self.q(h) * d ** -0.5)
        weights = torch.softmax(q @ split(self.k(h)).transpose(2, 3), dim=3)
        out = (weights @ split(self.v(h))).transpose(1, 2).reshape(b, n, width)
        x = x + self.out(out)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x, weights


class DiscrepancyNet:
    """detector/discrepancy_net.rs with max pooling (`small`)."""

    def __init__(self, w, p, heads, pooling):
        self.input_proj = Linear(w, p + ".input_proj")
        self.class_token = w(p + ".class_token")
        depth = 0
        while w.has(f"{p}.blocks.{depth}.layer_norm1.gamma"):
            depth += 1
        self.blocks = [TransformerBlock(w, f"{p}.blocks.{i}", heads, 1e-5) for i in range(depth)]
        self.norm = LayerNorm(w, p + ".norm", 1e-5)
        self.projection = Linear(w, p + ".projection")
        w(p + ".head.weight"), w(p + ".head.bias")  # stage 1's class head, unused at inference
        self.pooling = pooling

    def __call__(self, tokens):
        x = self.input_proj(tokens)
        b, _, width = x.shape
        x = torch.cat([self.class_token.reshape(1, 1, width).expand(b, 1, width), x], 1)
        for block in self.blocks:
            x = block(x)[0]
        if self.pooling == "max":
            pooled = self.norm(x[:, 1:]).amax(dim=1)
        else:
            pooled = self.norm(x[:, 0])
        return self.projection(pooled)


class ConvBlock:
    """fusion/conv_block.rs (Conformer's bottleneck; batch norms at eps 1e-6)."""

    def __init__(self, w, p, stride=1):
        self.conv1, self.bn1 = Conv(w, p + ".conv1"), BatchNorm(w, p + ".bn1", 1e-6)
        self.conv2, self.bn2 = Conv(w, p + ".conv2", stride, 1), BatchNorm(w, p + ".bn2", 1e-6)
        self.conv3, self.bn3 = Conv(w, p + ".conv3"), BatchNorm(w, p + ".bn3", 1e-6)
        self.res = None
        if w.has(p + ".residual_conv.weight"):
            self.res = (Conv(w, p + ".residual_conv", stride),
                        BatchNorm(w, p + ".residual_bn", 1e-6))

    def __call__(self, x, from_transformer=None):
        y = F.relu(self.bn1(self.conv1(x)))
        if from_transformer is not None:
            y = y + from_transformer
        mid = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(mid))
        residual = self.res[1](self.res[0](x)) if self.res else x
        return F.relu(y + residual), mid


class ConvTransBlock:
    """fusion/net.rs' ConvTransBlock with fusion/coupling.rs' FCU down and up."""

    def __init__(self, w, p, heads, dw_stride, first):
        self.cnn_block = ConvBlock(w, p + ".cnn_block", 2 if first else 1)
        self.fusion_block = ConvBlock(w, p + ".fusion_block")
        self.down_conv = Conv(w, p + ".squeeze_block.conv_project")
        self.down_ln = LayerNorm(w, p + ".squeeze_block.ln", 1e-6)
        self.up_conv = Conv(w, p + ".expand_block.conv_project")
        self.up_bn = BatchNorm(w, p + ".expand_block.bn", 1e-6)
        self.trans_block = TransformerBlock(w, p + ".trans_block", heads, 1e-6)
        self.dw = dw_stride

    def __call__(self, x, tokens):
        x, mid = self.cnn_block(x)
        b, _, h, wd = mid.shape
        down = self.down_conv(mid)
        if self.dw > 1:
            down = F.avg_pool2d(down, self.dw)
        down = F.gelu(self.down_ln(down.flatten(2).transpose(1, 2)))
        tokens, attention = self.trans_block(torch.cat([tokens[:, :1], down], 1) + tokens)
        gh, gw = h // self.dw, wd // self.dw
        up = tokens[:, 1:].transpose(1, 2).reshape(b, -1, gh, gw)
        up = F.relu(self.up_bn(self.up_conv(up)))
        if self.dw > 1:
            up = F.interpolate(up, size=(gh * self.dw, gw * self.dw), mode="nearest")
        x, _ = self.fusion_block(x, up)
        return x, tokens, attention


class FusionNet:
    """fusion/net.rs with the MobileNetV2 stem (pretrained_stem.rs) and stem_cam.rs."""

    def __init__(self, w, f):
        p = "fusion"
        self.stem, stride = mobilenet_features(w, p + ".mobilenet_stem")
        self.upsample = stride // 4  # nearest-neighbour back to a quarter of the input
        self.adapter = ConvBnAct(w, p + ".mobilenet_stem.adapter", act="relu")
        h = p + ".stem_cam_head"
        self.cam_head = [Conv(w, h + ".reduce"), Conv(w, h + ".conv", 1, 1),
                         Conv(w, h + ".classify", 1, 1)]
        self.conv_1 = ConvBlock(w, p + ".conv_1")
        self.patch_conv = Conv(w, p + ".trans_patch_conv", 4)
        self.cls_token = w(p + ".cls_token")
        heads = f["heads"]
        self.trans_1 = TransformerBlock(w, p + ".trans_1", heads, 1e-6)
        self.blocks, index = [], 0
        for stage, dw in enumerate([4, 2, 1]):
            for i in range(f["blocks_per_stage"]):
                if stage == 0 and i == 0:
                    continue
                self.blocks.append(ConvTransBlock(w, f"{p}.blocks.{index}", heads, dw, i == 0))
                index += 1
        self.conv_cls_head = Conv(w, p + ".conv_cls_head", 1, 1)
        self.trans_norm = LayerNorm(w, p + ".trans_norm", 1e-6)
        self.trans_cls_head = Linear(w, p + ".trans_cls_head")

    def __call__(self, pixels):
        x = self.stem(pixels)
        if self.upsample > 1:
            x = F.interpolate(x, scale_factor=self.upsample, mode="nearest")
        base = self.adapter(x)
        reduce, conv, classify = self.cam_head
        stem_cam = F.avg_pool2d(classify(F.relu(conv(F.relu(reduce(base))))), 4)
        x, _ = self.conv_1(base)
        patches = self.patch_conv(base).flatten(2).transpose(1, 2)
        b, _, e = patches.shape
        cls = self.cls_token.reshape(1, 1, e).expand(b, 1, e)
        tokens, first = self.trans_1(torch.cat([cls, patches], 1))
        attention = [first]
        for block in self.blocks:
            x, tokens, att = block(x, tokens)
            attention.append(att)
        cam = self.conv_cls_head(x)
        return {
            "stem_cam": stem_cam,
            "cam": cam,
            "cnn_logits": cam.mean(dim=(2, 3)),
            "transformer_logits": self.trans_cls_head(self.trans_norm(tokens[:, 0])),
            "attention": attention,
        }


class Pipeline:
    def __init__(self, w, config):
        d = config["detector"]
        self.extractor, _ = mobilenet_features(w, "extractor")
        self.npr = config.get("detector_input") == "npr"
        self.nets = [DiscrepancyNet(w, n, d["heads"], d.get("pooling", "cls"))
                     for n in ("teacher", "student1", "student2")]
        self.fc1, self.fc2 = Linear(w, "classifier.fc1"), Linear(w, "classifier.fc2")
        self.fusion = FusionNet(w, config["fusion"])
        self.maps = config["maps"]
        self.tile = config["fusion"]["image_size"]
        assert self.maps["evidence"] == "not-real" and self.maps["mode"] == "affinity", \
            "the port follows the bundled model's maps only"

    def tokens(self, pixels):
        """extractor/input.rs + extractor/mod.rs: [b, 64, 256] for `small`."""
        x = pixels
        if self.npr:
            anchor = x[:, :, ::2, ::2].repeat_interleave(2, 2).repeat_interleave(2, 3)
            x = (x - anchor) * NPR_GAIN
        f = self.extractor(x)
        b, c, h, wd = f.shape
        factor = h // (pixels.shape[2] // 32)
        if factor > 1:
            gh, gw = h // factor, wd // factor
            f = f.reshape(b, c, gh, factor, gw, factor).permute(0, 1, 3, 5, 2, 4)
            f = f.reshape(b, c * factor * factor, gh, gw)
        return f.flatten(2).transpose(1, 2)

    def head(self, tokens):
        """model/forgelens_model.rs' detect_from_tokens (+ the logits, for comparison)."""
        z_t, z_s1, z_s2 = (net(tokens) for net in self.nets)
        d1, d2 = (z_t - z_s1) ** 2, (z_t - z_s2) ** 2
        logits = self.fc2(F.gelu(self.fc1(torch.cat([d1, d2], 1))))
        return {"detector_logits": logits, "detector_probabilities": torch.softmax(logits, 1),
                "d1": d1.mean(1), "d2": d2.mean(1)}

    def combine(self, out):
        """fusion/maps.rs' compute_maps, then analyzer.rs' upsampling and class probabilities."""
        logits = out["stem_cam"]
        b, _, gh, gw = logits.shape
        n = gh * gw
        cam = 1.0 - torch.softmax(logits, 1)[:, 0].reshape(b, n)
        count = len(out["attention"])
        layers = max(1, count if self.maps["attention_layers"] == 0 else
                     min(self.maps["attention_layers"], count))
        summed = sum(a.mean(1) for a in out["attention"][count - layers:])
        even = layers / (n + 1)
        attention = ((summed[:, 0, 1:] / even - 1.0) / (ATTENTION_FULL_SCALE - 1.0)).clamp(0.0, 1.0)
        affinity = summed[:, 1:, 1:]
        transition = affinity / affinity.sum(2, keepdim=True).clamp_min(1e-12)
        walked = cam.reshape(b, n, 1)
        for _ in range(self.maps["propagation_steps"]):
            walked = transition @ walked
        fused = F.relu(walked.reshape(b, n)).clamp_max(1.0)
        maps = [m.reshape(b, gh, gw) for m in (cam, attention, fused)]
        up = F.interpolate(torch.stack(maps, 1), size=(self.tile, self.tile), mode="bilinear",
                           align_corners=False)
        classes = (torch.softmax(out["cnn_logits"], 1)
                   + torch.softmax(out["transformer_logits"], 1)) / 2
        return {"map_cam": maps[0], "map_attention": maps[1], "map_fused": maps[2],
                "maps_upsampled": up, "fusion_probabilities": classes}

    def whole(self, pixels):
        probabilities = self.head(self.tokens(pixels))["detector_probabilities"]
        return probabilities, self.combine(self.fusion(pixels))

    def outputs(self, pixels):
        tokens = self.tokens(pixels)
        fusion = self.fusion(pixels)
        out = {"tokens": tokens, **self.head(tokens), **self.combine(fusion)}
        out.update({k: fusion[k] for k in ("stem_cam", "cam", "cnn_logits", "transformer_logits")})
        out["attention_last"] = fusion["attention"][-1]
        return out
