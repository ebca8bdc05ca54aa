#!/usr/bin/env python3
"""scripts/bench's fair comparison: the one-shot `jobs/fsq tokenize` command against the PyTorch DataLoader script
a user writes (scripts/dataloader-peer.py), measured side by side in interleaved rounds. Standard library only:
the figures that need torch are skipped, with the reason, when Debian's python3-torch is missing.

  vs-dataloader.py ROOT WORK --rounds N --photos N --fashion DIR --decode-warmup N --decode-count N

Every tokenize figure is the command's wall time as a user times it (process start to exit; the tool through the
embedded launcher, a fresh output folder each time) and its job time (the tool's _job.json seconds_this_run; the
peer's own time after its imports). Rounds are interleaved in ABBA order (tool, peer | peer, tool | ...) so that
neither side always runs right after the other workload; the figures are medians over the rounds. Prints
`name: value` lines.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

PEER_PYTHON = "/usr/bin/python3"

# GPU feeding, on paper (no GPU here): the encoder rate of one GPU is a PUBLISHED figure, not measured by us.
# NVIDIA DeepLearningExamples, PaddlePaddle/Classification/RN50v1.5/README.md, "Inference performance: NVIDIA DGX
# A100 (1x A100 80GB)", mixed precision, batch size 64: 4,919.89 img/s for ResNet-50 v1.5 at 224x224
# (https://github.com/NVIDIA/DeepLearningExamples/tree/master/PaddlePaddle/Classification/RN50v1.5). ResNet-50 costs
# about 4.1 G multiply-adds per image, our 4-stage conv photo encoder about 0.20 G at 128x128, so a GPU encodes our
# encoder's images at least this fast: decode cores per GPU computed from it are a LOWER bound.
GPU_IMAGES_PER_S = 4919.89
GPU_SOURCE = "ResNet-50 v1.5, 224x224, 1x A100 80GB, AMP, batch 64 (NVIDIA DeepLearningExamples, published)"


def log(message):
    print("bench: " + message, file=sys.stderr, flush=True)


def run(command, env=None, capture=True):
    """Runs a command; returns (wall seconds, stdout). A failure stops the benchmark with the command's own error."""
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("bench: %s failed (exit %d):\n%s" % (" ".join(command), result.returncode, result.stderr[-3000:]))
    return wall, result.stdout if capture else ""


def value(output, name):
    for line in output.splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].split()[0]
    sys.exit("bench: no '%s' in output:\n%s" % (name, output[-2000:]))


class Bench:
    def __init__(self, args):
        self.root = args.root
        self.work = args.work
        self.rounds = args.rounds
        self.args = args
        self.classpath = ":".join([os.path.join(self.root, "target/test-classes"), os.path.join(self.root, "target/classes"),
                                   open(os.path.join(self.root, "target/test-classpath.txt")).read().strip()])
        self.fsq = os.path.join(self.root, "jobs/fsq")
        self.peer = os.path.join(self.root, "scripts/dataloader-peer.py")
        self.env = dict(os.environ, FSQ_EMBEDDED="1", SPARK_LOCAL_IP="127.0.0.1")
        self.env.pop("FSQ_LAUNCH_MS", None)
        self.samples = {}
        self.outputs = {}
        self.counts = {}

    def java(self, main, *args):
        return run(["java", "-Dai.djl.offline=true", "-cp", self.classpath, "org.fsqspark.bench." + main, *args])

    # ---- data and models -------------------------------------------------------------------------------------

    def prepare(self, torch):
        self.photos = os.path.join(self.work, "photos")
        log("photo set: %d JPEG q90 crops of 256..640 px of the opencv-doc photos..." % self.args.photos)
        self.java("PhotoCrops", "/usr/share/doc/opencv-doc/examples/data", self.photos, str(self.args.photos), "1")
        self.fashion = self.args.fashion
        self.models = {}
        if torch:
            log("models: the cheap and the 4-stage conv photo encoders and the default model, as TorchScript...")
            for kind in ("cheap", "conv"):
                folder = os.path.join(self.work, "model-" + kind)
                run([PEER_PYTHON, self.peer, "export-" + kind, folder, "--calibrate", self.photos])
                self.models[kind] = folder
            weights = os.path.join(self.work, "default-weights")
            self.java("ExportWeights", "default", weights)
            folder = os.path.join(self.work, "model-default-torchscript")
            run([PEER_PYTHON, os.path.join(self.root, "scripts/python-baseline.py"), "export", weights, folder])
            self.models["default"] = folder
        # The photo preprocessing (128x128 RGB, center_crop, [-1, 1]) for the decode-per-core figure, with or
        # without torch: the manifest alone, no weights needed to decode.
        self.photo_manifest = os.path.join(self.work, "photo-preprocessing.json")
        json.dump({"name": "bench-photo-preprocessing", "version": "1", "format": "torchscript", "levels": [8, 5, 5, 5],
                   "bound": "atanh", "channels": 3, "input_size": [128, 128], "resize": "center_crop",
                   "pixel_range": [-1.0, 1.0], "input_dtype": "float32", "downsample": 16, "output": "latents",
                   "weights": "encoder.pt"}, open(self.photo_manifest, "w"))
        # Both sides read the files through the page cache: read every file once before any measured round.
        for folder in (self.photos, self.fashion):
            for base, _, names in os.walk(folder):
                for name in names:
                    with open(os.path.join(base, name), "rb") as f:
                        f.read()

    # ---- one tokenize command of each side -------------------------------------------------------------------

    def tool(self, key, images, model, keep):
        output = os.path.join(self.work, "out", key)
        shutil.rmtree(output, ignore_errors=True)
        wall, _ = run([self.fsq, "tokenize", "--input", images, "--output", output, "--model", model,
                       "--progress-interval", "0"], env=self.env)
        job = json.load(open(os.path.join(output, "_job.json")))
        if job["tokenized"] != self.count(images):
            sys.exit("bench: %s tokenized %d of %d images" % (key, job["tokenized"], self.count(images)))
        self.record(key, wall=wall, job=job["seconds_this_run"], first=job.get("first_image_seconds"))
        if keep:
            self.outputs[key] = output
        else:
            shutil.rmtree(output)

    def dataloader(self, key, images, model, keep, *flags):
        prefix = os.path.join(self.work, "out", key)
        os.makedirs(os.path.dirname(prefix), exist_ok=True)
        wall, out = run([PEER_PYTHON, self.peer, "run", model, images, prefix, *flags])
        if int(value(out, "peer_images")) != self.count(images):
            sys.exit("bench: %s encoded %s of %d images" % (key, value(out, "peer_images"), self.count(images)))
        self.record(key, wall=wall, job=float(value(out, "peer_job_seconds")))
        if keep:
            self.outputs[key] = prefix

    def record(self, key, **figures):
        for name, figure in figures.items():
            if figure is not None:
                self.samples.setdefault((key, name), []).append(figure)

    def median(self, key, name):
        return statistics.median(self.samples[(key, name)])

    def count(self, images):
        if images not in self.counts:
            self.counts[images] = sum(len([n for n in names if n.lower().endswith((".png", ".jpg", ".jpeg"))])
                                      for _, _, names in os.walk(images))
        return self.counts[images]

    # ---- the rounds ------------------------------------------------------------------------------------------

    def tokenize_rounds(self, torch):
        workloads = []
        if torch:
            workloads += [
                ("decode_bound", self.photos, self.models["cheap"], [("peer", ()), ("peer_draft", ("--draft",))]),
                ("model_bound", self.photos, self.models["conv"], [("peer", ())]),
                ("fmnist", self.fashion, self.models["default"], [("peer", ())]),
            ]
        # The embedded default model (djl format) for first_image_seconds: what `jobs/fsq tokenize` does by default.
        workloads.append(("default_model", self.fashion, "default", []))
        log("warming up (one untimed command of each side on 64 images)...")
        few = os.path.join(self.work, "few")
        os.makedirs(few, exist_ok=True)
        for name in sorted(os.listdir(self.photos))[:64]:
            shutil.copy(os.path.join(self.photos, name), few)
        self.tool("warmup-tool", few, self.models.get("cheap", "default"), False)
        if torch:
            self.dataloader("warmup-peer", few, self.models["cheap"], False)
        for round_number in range(self.rounds):
            log("tokenize round %d of %d..." % (round_number + 1, self.rounds))
            last = round_number == self.rounds - 1
            for name, images, model, peers in workloads:
                sides = [lambda: self.tool(name + "/tool", images, model, last)]
                for peer, flags in peers:
                    sides.append(lambda peer=peer, flags=flags: self.dataloader(name + "/" + peer, images, model, last,
                                                                                *flags))
                for side in (sides if round_number % 2 == 0 else reversed(sides)):
                    side()

    def decode_rounds(self, torch):
        warmup, count = str(self.args.decode_warmup), str(self.args.decode_count)
        pinned = ["taskset", "-c", "0"]
        # Each side prints its rate on the first WARMUP images of the process (cold: for Java, the JIT compiles
        # on the same core) and on the next COUNT (steady, what a long job's decode threads run at).
        # The JIT setting of jobs/fsq (C1 only), so that the Java side decodes as the tool's decode threads do.
        sides = [("java", "java", lambda: run(pinned + ["java", "-XX:TieredStopAtLevel=1", "-cp", self.classpath,
                                                        "org.fsqspark.bench.DecodeBench",
                                                        self.photo_manifest, self.photos, warmup, count])[1])]
        if torch:
            for key, flags in (("pil", []), ("pil_draft", ["--draft"])):
                sides.append((key, "pil", lambda flags=flags: run(
                    pinned + [PEER_PYTHON, self.peer, "decode", self.models["cheap"], self.photos, "--warmup", warmup,
                              "--count", count] + flags)[1]))
        for round_number in range(self.rounds):
            log("decode per core, round %d of %d (pinned to core 0)..." % (round_number + 1, self.rounds))
            for key, prefix, side in (sides if round_number % 2 == 0 else list(reversed(sides))):
                out = side()
                self.record("decode/" + key, rate=float(value(out, prefix + "_images_per_s")),
                            cold=float(value(out, prefix + "_cold_images_per_s")))

    def agreement(self, table, peer):
        return float(value(self.java("TokenAgreement", self.outputs[table], self.outputs[peer])[1], "agreement"))

    # ---- report ----------------------------------------------------------------------------------------------

    def report(self, torch, reason):
        def emit(name, number, digits=3):
            print("%s: %.*f" % (name, digits, number), flush=True)

        print("photos: %d" % self.count(self.photos))
        print("fmnist_images: %d" % self.count(self.fashion))
        print("rounds: %d" % self.rounds)
        if torch:
            for workload, images, peers in (("decode_bound", self.photos, ("peer", "peer_draft")),
                                            ("model_bound", self.photos, ("peer",)),
                                            ("fmnist", self.fashion, ("peer",))):
                n = self.count(images)
                tool_wall, tool_job = self.median(workload + "/tool", "wall"), self.median(workload + "/tool", "job")
                emit("tool_%s_wall_s" % workload, tool_wall)
                emit("tool_%s_job_s" % workload, tool_job)
                emit("tool_%s_images_per_s" % workload, n / tool_wall)
                emit("tool_%s_job_images_per_s" % workload, n / tool_job)
                for peer in peers:
                    suffix = "" if peer == "peer" else "_draft"
                    key = workload + "/" + peer
                    peer_wall, peer_job = self.median(key, "wall"), self.median(key, "job")
                    emit("%s_%s_wall_s" % (peer, workload), peer_wall)
                    emit("%s_%s_job_s" % (peer, workload), peer_job)
                    emit("%s_%s_images_per_s" % (peer, workload), n / peer_wall)
                    emit("%s_%s_job_images_per_s" % (peer, workload), n / peer_job)
                    # Throughput ratios on the same images: tool / peer = peer seconds / tool seconds.
                    emit("vs_dataloader_%s%s" % (workload, suffix), peer_wall / tool_wall)
                    emit("vs_dataloader_%s%s_job" % (workload, suffix), peer_job / tool_job)
            emit("token_agreement_fmnist", self.agreement("fmnist/tool", "fmnist/peer"), 4)
            emit("token_agreement_photos", self.agreement("decode_bound/tool", "decode_bound/peer"), 4)
            emit("token_agreement_photos_draft", self.agreement("decode_bound/tool", "decode_bound/peer_draft"), 4)
            emit("token_agreement_photos_model_bound", self.agreement("model_bound/tool", "model_bound/peer"), 4)
        else:
            for name in ("vs_dataloader_decode_bound", "vs_dataloader_model_bound", "vs_dataloader_fmnist",
                         "decode_per_core_vs_pil_draft", "token_agreement_fmnist", "token_agreement_photos"):
                print("%s: skipped (%s)" % (name, reason))
        emit("tool_default_model_wall_s", self.median("default_model/tool", "wall"))
        emit("first_image_seconds", self.median("default_model/tool", "first"))
        if torch:
            emit("first_image_seconds_decode_bound", self.median("decode_bound/tool", "first"))
            emit("first_image_seconds_model_bound", self.median("model_bound/tool", "first"))
        java = self.median("decode/java", "rate")
        emit("java_decode_images_per_s_core", java)
        emit("java_decode_cold_images_per_s_core", self.median("decode/java", "cold"))
        if torch:
            pil, draft = self.median("decode/pil", "rate"), self.median("decode/pil_draft", "rate")
            emit("pil_decode_images_per_s_core", pil)
            emit("pil_draft_decode_images_per_s_core", draft)
            emit("pil_draft_decode_cold_images_per_s_core", self.median("decode/pil_draft", "cold"))
            emit("decode_per_core_vs_pil", java / pil)
            emit("decode_per_core_vs_pil_draft", java / draft)
            emit("decode_per_core_vs_pil_draft_cold", self.median("decode/java", "cold")
                 / self.median("decode/pil_draft", "cold"))
        print("gpu_encoder_images_per_s_published: %.0f (%s)" % (GPU_IMAGES_PER_S, GPU_SOURCE))
        emit("decode_cores_per_gpu", GPU_IMAGES_PER_S / java, 1)
        if torch:
            emit("decode_cores_per_gpu_pil_draft", GPU_IMAGES_PER_S / draft, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root")
    parser.add_argument("work")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--fashion", required=True)
    parser.add_argument("--decode-warmup", type=int, default=1000)
    parser.add_argument("--decode-count", type=int, default=1000)
    args = parser.parse_args()
    check = subprocess.run([PEER_PYTHON, "-c", "import torch, PIL, numpy"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True) if os.path.exists(PEER_PYTHON) else None
    torch = check is not None and check.returncode == 0
    reason = "" if torch else "python3-torch, python3-pil or python3-numpy could not be installed or imported: " + (
        check.stderr.strip().splitlines()[-1] if check is not None and check.stderr.strip() else PEER_PYTHON + " missing")
    bench = Bench(args)
    bench.prepare(torch)
    bench.tokenize_rounds(torch)
    bench.decode_rounds(torch)
    bench.report(torch, reason)


if __name__ == "__main__":
    main()
