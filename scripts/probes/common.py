"""Shared by the probes: the frozen ImageNet MobileNetV2 shipped in assets/, the forge's
in-domain images (real + RDN fakes) of a split, macro-F1, and the training loop that keeps
the best val epoch."""
import csv
import os
import sys

import numpy as np
import torch
import torch.nn.functional as Fn
import torchvision
from PIL import Image
from safetensors.torch import load_file

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TRAIN = os.environ.get("TRAIN", "forge-rdn")
BENCH = os.environ.get("BENCH", "forge")
IN_DOMAIN = ("", "rdn-slim-x4")  # real images have no generator
LABELS = {"real": 0, "partial": 1, "full": 2}
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
mobilenet = torchvision.models.mobilenet_v2()
mobilenet.load_state_dict(load_file(os.path.join(REPO, "assets/extractors/mobilenet_v2.safetensors")))
mobilenet.eval()


def load(root, split):
    rows = [r for r in csv.DictReader(open(os.path.join(root, "manifest.csv")))
            if r["split"] == split and r["generator"] in IN_DOMAIN]
    images = [torch.from_numpy(np.asarray(Image.open(os.path.join(root, r["path"])).convert("RGB"),
                                          dtype=np.float32) / 255).permute(2, 0, 1) for r in rows]
    return torch.stack(images), torch.tensor([LABELS[r["label"]] for r in rows])


@torch.no_grad()
def features(images, layers, size=256):
    out = []
    for i in range(0, len(images), 32):
        x = images[i:i + 32]
        if size != x.shape[-1]:
            x = Fn.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
        out.append(mobilenet.features[:layers]((x - MEAN) / STD))
    return torch.cat(out)


def macro_f1(y, p):
    f = []
    for k in range(3):
        tp = ((p == k) & (y == k)).sum().item()
        fp = ((p == k) & (y != k)).sum().item()
        fn = ((p != k) & (y == k)).sum().item()
        f.append(2 * tp / max(1, 2 * tp + fp + fn))
    return float(np.mean(f))


def fit(module, forward, train, val, test, epochs, batch, lr):
    """AdamW (weight decay 5e-4) on cross-entropy; returns (best val macro-F1, test macro-F1
    at that epoch, the epoch). `train`, `val`, `test` are (inputs, labels)."""
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train, val, test
    opt = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=5e-4, eps=1e-8)
    best = (0.0, 0.0, 0)
    for epoch in range(epochs):
        module.train()
        order = torch.randperm(len(x_train))
        for i in range(0, len(x_train), batch):
            idx = order[i:i + batch]
            loss = Fn.cross_entropy(forward(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        module.eval()
        with torch.no_grad():
            v = macro_f1(y_val, forward(x_val).argmax(1))
            t = macro_f1(y_test, forward(x_test).argmax(1))
        if v > best[0]:
            best = (v, t, epoch)
    return best
