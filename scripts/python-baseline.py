#!/usr/bin/env python3
"""The Python loop scripts/bench compares the Spark job with, run with Debian's python3-torch.

  python-baseline.py export WEIGHTS_DIR MODEL_DIR
      Rebuilds the default tokenizer's encoder in torch from the weights ExportWeights wrote, traces it to
      TorchScript, and writes MODEL_DIR (encoder.pt + tokenizer.json) that fsq tokenize --model loads too.
  python-baseline.py run MODEL_DIR IMAGE_DIR OUT_FILE [BATCH]
      The loop people write today: PIL decode and resize, the TorchScript encoder through torch, FSQ in torch,
      indices appended to a file. Prints `python_loop_images_per_s: N`.
"""
import hashlib
import json
import os
import struct
import sys
import time

import torch
from PIL import Image


def export(weights_dir, model_dir):
    index = json.load(open(os.path.join(weights_dir, "weights.json")))
    manifest = index["manifest"]
    raw = open(os.path.join(weights_dir, "weights.bin"), "rb").read()
    tensors, offset = [], 0
    for parameter in index["parameters"]:
        count = 1
        for dimension in parameter["shape"]:
            count *= dimension
        values = struct.unpack_from("<%df" % count, raw, offset)
        offset += 4 * count
        tensors.append(torch.tensor(values, dtype=torch.float32).reshape(parameter["shape"]))
    architecture = manifest["architecture"]
    layers, channels = [], architecture["image_channels"]
    for width in architecture["widths"]:
        layers += [torch.nn.Conv2d(channels, width, 3, stride=2, padding=1), torch.nn.ReLU()]
        channels = width
    layers.append(torch.nn.Conv2d(channels, architecture["latent_channels"], 1))
    encoder = torch.nn.Sequential(*layers).eval()
    convs = [layer for layer in encoder if isinstance(layer, torch.nn.Conv2d)]
    with torch.no_grad():
        for i, conv in enumerate(convs):
            conv.weight.copy_(tensors[2 * i])
            conv.bias.copy_(tensors[2 * i + 1])
    os.makedirs(model_dir, exist_ok=True)
    example = torch.zeros(1, channels if False else architecture["image_channels"], *manifest["input_size"])
    traced = torch.jit.trace(encoder, example)
    path = os.path.join(model_dir, "encoder.pt")
    traced.save(path)
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    torchscript = {key: manifest[key] for key in ["levels", "bound", "channels", "input_size", "resize",
                                                  "pixel_range", "input_dtype", "downsample"]}
    torchscript.update({"name": manifest["name"] + "-torchscript", "version": manifest["version"],
                        "format": "torchscript", "output": "latents", "weights": "encoder.pt", "sha256": sha})
    json.dump(torchscript, open(os.path.join(model_dir, "tokenizer.json"), "w"), indent=2)
    print("wrote", model_dir)


def fsq_indices(z, levels, eps=1e-3):
    levels_t = torch.tensor(levels, dtype=torch.float32).view(1, -1, 1, 1)
    half_l = (levels_t - 1) * (1 + eps) / 2
    offset = torch.where(levels_t % 2 == 0, torch.tensor(0.5), torch.tensor(0.0))
    shift = torch.atanh(offset / half_l)
    half_width = torch.div(levels_t, 2, rounding_mode="floor")
    digits = (torch.round(torch.tanh(z + shift) * half_l - offset) + half_width).to(torch.int64)
    basis = [1]
    for level in levels[:-1]:
        basis.append(basis[-1] * level)
    return (digits * torch.tensor(basis).view(1, -1, 1, 1)).sum(dim=1).to(torch.int32)


def load(path, size, channels):
    image = Image.open(path)
    image = image.convert("L" if channels == 1 else "RGB")
    width, height = image.size
    scale = max(size[1] / width, size[0] / height)
    image = image.resize((max(size[1], round(width * scale)), max(size[0], round(height * scale))), Image.BILINEAR)
    left = (image.size[0] - size[1]) // 2
    top = (image.size[1] - size[0]) // 2
    image = image.crop((left, top, left + size[1], top + size[0]))
    data = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8).to(torch.float32) / 255.0
    return data.reshape(size[0], size[1], channels).permute(2, 0, 1)


def run(model_dir, image_dir, out_file, batch=64):
    manifest = json.load(open(os.path.join(model_dir, "tokenizer.json")))
    torch.set_num_threads(os.cpu_count())
    encoder = torch.jit.load(os.path.join(model_dir, "encoder.pt")).eval()
    files = sorted(os.path.join(root, name) for root, _, names in os.walk(image_dir) for name in names
                   if name.lower().endswith((".png", ".jpg", ".jpeg")))
    size, channels, levels = manifest["input_size"], manifest["channels"], manifest["levels"]
    low, high = manifest["pixel_range"]
    start = time.perf_counter()
    with open(out_file, "wb") as out, torch.no_grad():
        for first in range(0, len(files), batch):
            pixels = torch.stack([load(path, size, channels) for path in files[first:first + batch]])
            indices = fsq_indices(encoder(pixels * (high - low) + low), levels)
            out.write(indices.numpy().tobytes() if hasattr(indices, "numpy") else bytes(indices))
    seconds = time.perf_counter() - start
    print("python_loop_images_per_s: %.3f" % (len(files) / seconds))


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
    else:
        run(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 64)
