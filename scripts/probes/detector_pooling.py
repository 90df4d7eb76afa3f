"""What should the teacher's z read? A teacher-shaped network (E's features[:11] at 256 px,
patch-merged 2x2 into 64 tokens as the engine does; a linear projection to 128; a class
token; 2 pre-norm transformer blocks of 4 heads; LayerNorm; z; a class head), trained with
cross-entropy as stage 1 is (AdamW lr 2e-4, weight decay 5e-4, batch 16, 20 epochs), with z
read from the class token, the channel-wise max of the tokens, or both. Scored like
extractor_cut.py, for two seeds each.

  TRAIN=forge-rdn BENCH=forge python scripts/probes/detector_pooling.py cls max cls+max

Needs torch, torchvision, safetensors, numpy, Pillow (not part of the build).
"""
import sys

import torch
import torch.nn as nn
from common import BENCH, TRAIN, features, fit, load


def merge(f):
    """[b, c, h, w] -> [b, h/2 * w/2, 4c], channel-major (c * 4 + dy * 2 + dx) as the engine."""
    b, c, h, w = f.shape
    return f.view(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(b, (h // 2) * (w // 2), c * 4)


class Block(nn.Module):
    def __init__(self, width, heads, ratio):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = nn.Sequential(nn.Linear(width, width * ratio), nn.GELU(), nn.Linear(width * ratio, width))

    def forward(self, x):
        y = self.norm1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.norm2(x))


class Teacher(nn.Module):
    def __init__(self, width_in, pooling, width=128, depth=2, heads=4, ratio=4):
        super().__init__()
        self.pooling = pooling
        self.inp = nn.Linear(width_in, width)
        self.cls = nn.Parameter(torch.randn(width) * 0.02)
        self.blocks = nn.ModuleList([Block(width, heads, ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.proj = nn.Linear(width * (2 if pooling == "cls+max" else 1), 128)
        self.head = nn.Linear(128, 3)

    def forward(self, tokens):
        x = self.inp(tokens)
        x = torch.cat([self.cls.expand(x.shape[0], 1, -1), x], 1)
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        z = {"cls": lambda: x[:, 0], "max": lambda: x[:, 1:].amax(1),
             "cls+max": lambda: torch.cat([x[:, 0], x[:, 1:].amax(1)], 1)}[self.pooling]()
        return self.head(self.proj(z))


train_images, y_train = load(TRAIN, "train")
val_images, y_val = load(BENCH, "val")
test_images, y_test = load(BENCH, "test")
t_train, t_val, t_test = (merge(features(x, 11)) for x in (train_images, val_images, test_images))
for pooling in sys.argv[1:]:
    for seed in (0, 1):
        torch.manual_seed(seed)
        net = Teacher(t_train.shape[2], pooling)
        best = fit(net, net, (t_train, y_train), (t_val, y_val), (t_test, y_test),
                   epochs=20, batch=16, lr=2e-4)
        print(f"{pooling} seed {seed}: best val {best[0]:.3f} (test {best[1]:.3f}, epoch {best[2]})", flush=True)
