"""Reference timing for the inference benchmark: torchvision MobileNetV2, batch 1 at 224 px,
on the CPU with the given thread count. Prints the median forward time in milliseconds.

Usage: python bench_reference.py THREADS   (called by engine/benches/inference.rs)
"""
import sys
import time

import torch
import torchvision

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
model = torchvision.models.mobilenet_v2().eval()
x = torch.randn(1, 3, 224, 224)
times = []
with torch.inference_mode():
    model(x)
    for _ in range(10):
        t = time.perf_counter()
        model(x)
        times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.3f}")
