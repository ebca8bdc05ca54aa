#!/usr/bin/env python3
"""The autoencoder's training step in plain PyTorch: what `fsq train`'s step costs without DJL and the JVM.

  train-peer.py [--threads N] [--batch-size B] [--steps S] [--levels 8,5,5,5] [--widths 32,64]

Builds the same network as ConvAutoencoder (encoder: a stride-2 3x3 conv + ReLU per width, a 1x1 conv to
len(levels) channels; FSQ with tanh bound and straight-through rounding; decoder: a 1x1 conv + ReLU, per stage a
nearest 2x upsample and a 3x3 conv, ReLU between, sigmoid), and times forward, MSE loss, backward and an Adam
step (lr 1e-3) on 1x28x28 batches, reading the loss back each step as the Java trainer does. The pixels are
uniform noise: the time of these operations does not depend on the values. Prints `batches_per_s: N` for the
steps after a warm-up of 10.
"""
import argparse
import time

import torch


def fsq(z, levels):
    # The FSQ paper's bound: tanh(z + shift) * (L - 1) / 2 - offset, rounded with the straight-through estimator.
    half_l = torch.tensor([(l - 1) * (1 - 1e-3) / 2 for l in levels]).view(1, -1, 1, 1)
    offset = torch.tensor([0.5 if l % 2 == 0 else 0.0 for l in levels]).view(1, -1, 1, 1)
    shift = torch.atanh(offset / half_l)
    bounded = torch.tanh(z + shift) * half_l - offset
    rounded = bounded + (torch.round(bounded) - bounded).detach()
    half_width = torch.tensor([float(l // 2) for l in levels]).view(1, -1, 1, 1)
    return rounded / half_width


class Autoencoder(torch.nn.Module):
    def __init__(self, widths, levels):
        super().__init__()
        self.levels = levels
        layers, channels = [], 1
        for width in widths:
            layers += [torch.nn.Conv2d(channels, width, 3, stride=2, padding=1), torch.nn.ReLU()]
            channels = width
        layers.append(torch.nn.Conv2d(channels, len(levels), 1))
        self.encoder = torch.nn.Sequential(*layers)
        layers = [torch.nn.Conv2d(len(levels), widths[-1], 1), torch.nn.ReLU()]
        for stage in range(len(widths) - 1, -1, -1):
            layers.append(torch.nn.Upsample(scale_factor=2, mode="nearest"))
            if stage > 0:
                layers += [torch.nn.Conv2d(widths[stage], widths[stage - 1], 3, padding=1), torch.nn.ReLU()]
            else:
                layers.append(torch.nn.Conv2d(widths[0], 1, 3, padding=1))
        layers.append(torch.nn.Sigmoid())
        self.decoder = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.decoder(fsq(self.encoder(x), self.levels))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--levels", default="8,5,5,5")
    parser.add_argument("--widths", default="32,64")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Autoencoder([int(w) for w in args.widths.split(",")], [int(l) for l in args.levels.split(",")])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [torch.rand(args.batch_size, 1, 28, 28) for _ in range(8)]
    warmup = 10
    start = None
    for step in range(warmup + args.steps):
        if step == warmup:
            start, cpu_start = time.perf_counter(), time.process_time()
        x = batches[step % len(batches)]
        optimizer.zero_grad(set_to_none=True)
        loss = torch.mean((model(x) - x) ** 2)
        loss.backward()
        optimizer.step()
        loss.item()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print("torch %s, %d threads, batch %d: %.2f ms/step, %.2f CPU ms/step (process, all threads)"
          % (torch.__version__, torch.get_num_threads(), args.batch_size, 1000 * seconds / args.steps,
             1000 * cpu_seconds / args.steps))
    print("batches_per_s: %.3f" % (args.steps / seconds))


if __name__ == "__main__":
    main()
