#!/usr/bin/python3
"""The PyTorch script a user writes to tokenize a folder of images: scripts/bench's fair peer of `fsq tokenize`.

Run with Debian's python3-torch (1.13), python3-pil and python3-numpy:

  dataloader-peer.py run MODEL_DIR IMAGE_DIR OUT_PREFIX [--draft] [--workers N] [--batch N]
      torch.utils.data.DataLoader(dataset, batch_size=64, num_workers=<cores>) with PIL decode and
      preprocessing in the workers, the TorchScript encoder of MODEL_DIR (encoder.pt + tokenizer.json) in the
      main process, FSQ in torch (float32), indices saved to OUT_PREFIX.npy (int32, images x tokens) and the
      image ids (paths relative to IMAGE_DIR, as fsq tokenize names them) to OUT_PREFIX.ids. --draft lets
      PIL decode JPEGs DCT-scaled (Image.draft). Prints `peer_images: N` and `peer_job_seconds: S` (after
      the imports: model load, listing, workers, decode, encode, write).
  dataloader-peer.py decode MODEL_DIR IMAGE_DIR [--draft] [--warmup N] [--count N]
      Decode + preprocess only, in this one process, as a worker does; prints `pil_images_per_s: R`.
  dataloader-peer.py export-cheap|export-conv MODEL_DIR [--size N] [--calibrate IMAGE_DIR]
      Writes a TorchScript photo encoder with seeded random weights and its tokenizer.json. cheap: 4x4
      average pool + 1x1 conv to 4 channels (decode-bound, as an encoder on a GPU is); conv: four stride-2
      3x3 convolutions (64, 128, 256, 256 channels, ReLU) + 1x1 to 4 channels (model-bound on a CPU). The
      last layer is scaled so the latents of the calibration images have a standard deviation of 1, so the
      tokens spread over the levels 8,5,5,5 instead of all landing in the middle one.

The preprocessing follows fsq-spark's image/Preprocessor.java as closely as PIL allows: alpha composited on
black, convert to the model's channels (PIL's "L" is BT.601 luma), the centred crop of the model's aspect
ratio as a float box, an antialiased triangle (BILINEAR) resize of that box, then the pixel range.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

EXTENSIONS = (".png", ".jpg", ".jpeg")


def list_images(image_dir):
    files = []
    for root, _, names in os.walk(image_dir):
        files += [os.path.join(root, name) for name in names if name.lower().endswith(EXTENSIONS)]
    return sorted(files)


class Preprocess:
    """PIL twin of Preprocessor.write for the resize policy center_crop."""

    def __init__(self, manifest, draft):
        if manifest.get("resize", "center_crop") != "center_crop":
            raise SystemExit("the peer implements resize center_crop only, got " + manifest["resize"])
        self.height, self.width = manifest["input_size"]
        self.mode = "L" if manifest["channels"] == 1 else "RGB"
        self.low, self.high = manifest["pixel_range"]
        self.draft = draft

    def __call__(self, path):
        image = Image.open(path)
        if self.draft and image.format == "JPEG":
            # The smallest DCT scale whose result still covers the crop at the model's size.
            width, height = image.size
            crop_w, crop_h = self.crop(width, height)[2:]
            image.draft(self.mode, (int(np.ceil(self.width * width / crop_w)),
                                    int(np.ceil(self.height * height / crop_h))))
        if image.mode in ("RGBA", "LA", "PA", "P") and (image.mode != "P" or "transparency" in image.info):
            rgba = image.convert("RGBA")
            black = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
            image = Image.alpha_composite(black, rgba)
        image = image.convert(self.mode)
        left, top, crop_w, crop_h = self.crop(*image.size)
        image = image.resize((self.width, self.height), Image.BILINEAR, box=(left, top, left + crop_w, top + crop_h))
        pixels = np.asarray(image, dtype=np.float32) * np.float32((self.high - self.low) / 255.0) + np.float32(self.low)
        pixels = pixels.reshape(self.height, self.width, -1).transpose(2, 0, 1)
        return torch.from_numpy(np.ascontiguousarray(pixels))

    def crop(self, width, height):
        aspect = self.width / self.height
        crop_w, crop_h = float(width), float(height)
        if width / height > aspect:
            crop_w = height * aspect
        else:
            crop_h = width / aspect
        return (width - crop_w) / 2, (height - crop_h) / 2, crop_w, crop_h


class Images(torch.utils.data.Dataset):
    def __init__(self, files, preprocess):
        self.files = files
        self.preprocess = preprocess

    def __len__(self):
        return len(self.files)

    def __getitem__(self, index):
        return self.preprocess(self.files[index])


def fsq_indices(z, levels, eps=1e-3):
    """The atanh bound of fsq/Bound.java in float32: digits round(tanh(z + shift) * half_l - offset) + L // 2."""
    levels_t = torch.tensor(levels, dtype=torch.float32).view(1, -1, 1, 1)
    half_l = (levels_t - 1) * (1 + eps) / 2
    offset = torch.where(levels_t % 2 == 0, torch.tensor(0.5), torch.tensor(0.0))
    shift = torch.atanh(offset / half_l)
    half_width = torch.div(levels_t, 2, rounding_mode="floor")
    digits = (torch.round(torch.tanh(z.float() + shift) * half_l - offset) + half_width).to(torch.int64)
    basis = [1]
    for level in levels[:-1]:
        basis.append(basis[-1] * level)
    indices = (digits * torch.tensor(basis).view(1, -1, 1, 1)).sum(dim=1).to(torch.int32)
    return indices.reshape(indices.shape[0], -1)


def run(args):
    start = time.perf_counter()
    manifest = json.load(open(os.path.join(args.model, "tokenizer.json")))
    # The main process encodes with every core; DataLoader workers run one torch thread each by default.
    torch.set_num_threads(os.cpu_count())
    encoder = torch.jit.load(os.path.join(args.model, manifest.get("weights", "encoder.pt"))).eval()
    files = list_images(args.images)
    loader = torch.utils.data.DataLoader(Images(files, Preprocess(manifest, args.draft)), batch_size=args.batch,
                                         num_workers=args.workers)
    batches = []
    with torch.inference_mode():
        for pixels in loader:
            batches.append(fsq_indices(encoder(pixels), manifest["levels"]).numpy())
    np.save(args.out + ".npy", np.concatenate(batches))
    with open(args.out + ".ids", "w") as ids:
        ids.writelines(os.path.relpath(path, args.images) + "\n" for path in files)
    print("peer_images: %d" % len(files))
    print("peer_job_seconds: %.3f" % (time.perf_counter() - start))


def decode(args):
    manifest = json.load(open(os.path.join(args.model, "tokenizer.json")))
    preprocess = Preprocess(manifest, args.draft)
    files = list_images(args.images)
    start = time.perf_counter()
    for path in files[:args.warmup]:
        preprocess(path)
    if args.warmup:
        print("pil_cold_images_per_s: %.3f" % (min(args.warmup, len(files)) / (time.perf_counter() - start)))
    measured = files[args.warmup:args.warmup + args.count] if args.count else files[args.warmup:]
    start = time.perf_counter()
    for path in measured:
        preprocess(path)
    print("pil_images_per_s: %.3f" % (len(measured) / (time.perf_counter() - start)))


def export(args, kind):
    torch.manual_seed(20251201)
    size = args.size
    if kind == "cheap":
        layers = [torch.nn.AvgPool2d(4), torch.nn.Conv2d(3, 4, 1)]
        downsample = 4
    else:
        layers, channels = [], 3
        for width in (64, 128, 256, 256):
            layers += [torch.nn.Conv2d(channels, width, 3, stride=2, padding=1), torch.nn.ReLU()]
            channels = width
        layers.append(torch.nn.Conv2d(channels, 4, 1))
        downsample = 16
    encoder = torch.nn.Sequential(*layers).eval()
    manifest = {"name": "bench-photo-" + kind, "version": "1", "format": "torchscript", "levels": [8, 5, 5, 5],
                "bound": "atanh", "channels": 3, "input_size": [size, size], "resize": "center_crop",
                "pixel_range": [-1.0, 1.0], "input_dtype": "float32", "downsample": downsample, "output": "latents",
                "weights": "encoder.pt"}
    if args.calibrate:
        preprocess = Preprocess(manifest, False)
        sample = torch.stack([preprocess(path) for path in list_images(args.calibrate)[:256]])
        with torch.no_grad():
            latents = encoder(sample)
            last = layers[-1]
            std = latents.std(dim=(0, 2, 3))
            mean = latents.mean(dim=(0, 2, 3))
            last.weight.div_(std.view(-1, 1, 1, 1))
            last.bias.copy_((last.bias - mean) / std)
    os.makedirs(args.model, exist_ok=True)
    traced = torch.jit.trace(encoder, torch.zeros(1, 3, size, size))
    traced.save(os.path.join(args.model, "encoder.pt"))
    json.dump(manifest, open(os.path.join(args.model, "tokenizer.json"), "w"), indent=2)
    print("wrote", args.model)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("model")
    run_parser.add_argument("images")
    run_parser.add_argument("out")
    run_parser.add_argument("--draft", action="store_true")
    run_parser.add_argument("--workers", type=int, default=os.cpu_count())
    run_parser.add_argument("--batch", type=int, default=64)
    decode_parser = commands.add_parser("decode")
    decode_parser.add_argument("model")
    decode_parser.add_argument("images")
    decode_parser.add_argument("--draft", action="store_true")
    decode_parser.add_argument("--warmup", type=int, default=100)
    decode_parser.add_argument("--count", type=int, default=0)
    for kind in ("cheap", "conv"):
        export_parser = commands.add_parser("export-" + kind)
        export_parser.add_argument("model")
        export_parser.add_argument("--size", type=int, default=128)
        export_parser.add_argument("--calibrate")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    elif args.command == "decode":
        decode(args)
    else:
        export(args, args.command[len("export-"):])


if __name__ == "__main__":
    sys.exit(main())
