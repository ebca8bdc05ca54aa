#!/usr/bin/env python3
"""Builds the Cosmos-style TorchScript encoder fixture used by the tokenize tests.

Shaped like NVIDIA Cosmos' discrete image tokenizers (DI8x8): input B x 3 x H x W in [-1, 1] (H, W multiples
of 16) in bfloat16, bfloat16 weights; FSQ with levels [8, 8, 8, 5, 5, 5] inside the model; output a tuple
(indices int32 B x h x w, codes B x 6 x h x w, dummy loss). Weights are random with a fixed seed: the fixture
tests plumbing, not image quality.

Also writes expected.json: the indices this module gives for sample.png, computed here by torch, so the Java
side can check it gets the same tokens through DJL.

Run with Debian's python3-torch:  /usr/bin/python3 make_fixture.py
"""
import json
import os
import struct
import zlib

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
LEVELS = [8, 8, 8, 5, 5, 5]
SIZE = 64


class CosmosStyleEncoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 4, stride=4),
            torch.nn.GELU(),
            torch.nn.Conv2d(16, len(LEVELS), 2, stride=2),
        )
        levels = torch.tensor(LEVELS, dtype=torch.float32)
        self.register_buffer("levels", levels)
        basis = torch.cumprod(torch.tensor([1] + LEVELS[:-1], dtype=torch.int64), dim=0)
        self.register_buffer("basis", basis)

    def forward(self, x):
        # Like Cosmos' encoder.jit: bfloat16 weights, bfloat16 input expected; FSQ itself in float32.
        assert x.dtype == torch.bfloat16, "expected a bfloat16 input"
        z = self.net(x).float()
        eps = 1e-3
        levels = self.levels.view(1, -1, 1, 1)
        half_l = (levels - 1) * (1 + eps) / 2
        offset = torch.where(levels % 2 == 0, torch.tensor(0.5), torch.tensor(0.0))
        shift = torch.atanh(offset / half_l)
        bounded = torch.tanh(z + shift) * half_l - offset
        half_width = torch.div(levels, 2, rounding_mode="floor")
        codes = torch.round(bounded) / half_width
        digits = (codes * half_width + half_width).round().to(torch.int64)
        indices = (digits * self.basis.view(1, -1, 1, 1)).sum(dim=1).to(torch.int32)
        return indices, codes, torch.zeros(())


def write_png(path, rgb):
    """A minimal 8-bit RGB PNG writer, so the fixture needs nothing but torch."""
    height, width = len(rgb), len(rgb[0])
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rgb)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    torch.manual_seed(20231127)
    model = CosmosStyleEncoder().eval()
    with torch.no_grad():
        # Default initialisation gives latents of std ~0.1, which all round to the centre code;
        # scale them to about unit std so the tokens vary.
        model.net[2].weight.mul_(15.0)
    model.net.to(torch.bfloat16)
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(HERE, "encoder.pt"))

    generator = torch.Generator().manual_seed(7)
    pixels = torch.randint(0, 256, (SIZE, SIZE, 3), generator=generator, dtype=torch.int64)
    # Smooth the noise a little so neighbouring tokens are not independent.
    rgb = [[tuple(int(pixels[y, x, c]) // 2 + (x * 2 + y) % 128 for c in range(3)) for x in range(SIZE)]
           for y in range(SIZE)]
    write_png(os.path.join(HERE, "sample.png"), rgb)

    x = torch.tensor(rgb, dtype=torch.float32).permute(2, 0, 1).unsqueeze(0) / 255.0 * 2 - 1
    with torch.no_grad():
        indices, codes, _ = scripted(x.to(torch.bfloat16))
    expected = {"levels": LEVELS, "grid": list(indices.shape[1:]), "indices": indices.flatten().tolist(),
                "torch_version": torch.__version__}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")
    print("wrote encoder.pt, sample.png, expected.json; grid", list(indices.shape[1:]))


if __name__ == "__main__":
    main()
