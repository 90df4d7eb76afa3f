"""Which cut of the frozen MobileNetV2 carries a partial fake's evidence? A small conv head
(1x1, 3x3, mean + max pooling) on features[:L] of the training forge's train split, image
labels only, scored on the benchmark's in-domain val / test split (best val epoch of 30).

  TRAIN=forge-rdn BENCH=forge SEED=0 python scripts/probes/extractor_cut.py 11@256 14@256 19@224

Needs torch, torchvision, safetensors, numpy, Pillow (not part of the build).
"""
import os
import sys

import torch
import torch.nn.functional as Fn

from common import BENCH, TRAIN, features, load, macro_f1

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

    opt = torch.optim.AdamW(list(body.parameters()) + list(head.parameters()), lr=1e-3, weight_decay=5e-4)
    best = (0.0, 0.0, 0)
    for epoch in range(30):
        order = torch.randperm(len(f_train))
        for i in range(0, len(f_train), 32):
            idx = order[i:i + 32]
            loss = Fn.cross_entropy(forward(f_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            v = macro_f1(y_val, forward(f_val).argmax(1))
            t = macro_f1(y_test, forward(f_test).argmax(1))
        if v > best[0]:
            best = (v, t, epoch)
    print(f"features[:{layers}] @ {size}: {tuple(f_train.shape[1:])} best val {best[0]:.3f} "
          f"(test {best[1]:.3f}, epoch {best[2]})", flush=True)
