"""Which cut of the frozen MobileNetV2 carries a partial fake's evidence? A small conv head
(1x1, 3x3, mean + max pooling) on features[:L] of the training forge's train split, image
labels only, scored on the benchmark's in-domain val / test split (best val epoch of 30).

  TRAIN=forge-rdn BENCH=forge SEED=0 python scripts/probes/extractor_cut.py 11@256 14@256 19@224

Needs torch, torchvision, safetensors, numpy, Pillow (not part of the build).
"""
import os
import sys

import torch
from common import BENCH, TRAIN, features, fit, load

torch.manual_seed(int(os.environ.get("SEED", "0")))
train_images, y_train = load(TRAIN, "train")
val_images, y_val = load(BENCH, "val")
test_images, y_test = load(BENCH, "test")
for spec in sys.argv[1:]:
    layers, size = (int(v) for v in spec.split("@"))
    f_train, f_val, f_test = (features(x, layers, size) for x in (train_images, val_images, test_images))
    channels = f_train.shape[1]
    mu = f_train.mean((0, 2, 3), keepdim=True)
    sd = f_train.std((0, 2, 3), keepdim=True) + 1e-5
    body = torch.nn.Sequential(torch.nn.Conv2d(channels, 128, 1), torch.nn.ReLU(),
                               torch.nn.Conv2d(128, 128, 3, padding=1), torch.nn.ReLU())
    head = torch.nn.Linear(256, 3)

    def forward(f):
        h = body((f - mu) / sd)
        return head(torch.cat([h.mean((2, 3)), h.amax((2, 3))], 1))

    best = fit(torch.nn.ModuleList([body, head]), forward, (f_train, y_train), (f_val, y_val),
               (f_test, y_test), epochs=30, batch=32, lr=1e-3)
    print(f"features[:{layers}] @ {size}: {tuple(f_train.shape[1:])} best val {best[0]:.3f} "
          f"(test {best[1]:.3f}, epoch {best[2]})", flush=True)
