#!/usr/bin/env python3
"""The codebook sweep's results: one row's row.json from its step outputs, and the summary (results.json,
table.md, sweep.html with the paper's three panels against log2 codebook size). Standard library only: the
machines this project runs on have no plotting packages, so the plots are inline SVG."""
import html
import json
import math
import os
import re
import sys

SIZES = [64, 256, 1024, 4096, 16384, 65536]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def model_cost(stats, name):
    entry = stats.get("compression", {}).get("models", {}).get(name)
    if entry is None or "skipped" in entry:
        return None
    return entry["bits_per_token"]


def row_json(out, row):
    d = os.path.join(out, "rows", row)
    quantizer, size = row.split("-")
    training = load(os.path.join(d, "model", "training.json"))
    tokenizer = load(os.path.join(d, "model", "tokenizer.json"))
    all_stats = load(os.path.join(d, "stats-all", "stats.json"))
    test = load(os.path.join(d, "stats-test", "stats.json"))
    prior_stats = load(os.path.join(d, "stats-prior", "stats.json"))
    prior = load(os.path.join(d, "prior", "prior.json"))
    decode = load(os.path.join(d, "decoded", "decode.json"))
    times = {}
    with open(os.path.join(d, "times.tsv"), encoding="utf-8") as f:
        for line in f:
            name, seconds = line.rstrip("\n").split("\t")
            times[name] = times.get(name, 0) + int(seconds)
    # A training or prior killed and resumed (train --resume, prior's own checkpoint) has in times.tsv only the
    # invocation that finished; its records hold every finished epoch's seconds, before and after the interruption.
    # The epoch cut short by the interruption is counted nowhere.
    resumed = []
    log = os.path.join(d, "train.log")
    if os.path.exists(log):
        with open(log, encoding="utf-8") as f:
            resumed = [int(m.group(1)) for m in re.finditer(r"resuming after epoch (\d+)", f.read())]
    times["train"] = max(times.get("train", 0), round(training["seconds"]))
    prior_seconds = round(sum(e.get("seconds", 0) for e in prior.get("history", [])))
    times["prior-train"] = max(times.get("prior-train", 0), prior_seconds)
    mt = prior_stats["compression"]["models"].get("masked_transformer", {})
    last_prior_epoch = prior["history"][-1] if prior.get("history") else {}
    last = training["history"][-1] if training["history"] else {}
    result = {
        "row": row,
        "quantizer": quantizer,
        "nominal_size": int(size),
        "codebook_size": all_stats["codebook_size"],
        "levels": tokenizer.get("levels") if quantizer == "fsq" else None,
        "train": {"epochs": training["epochs"], "epoch_cap": training["epoch_cap"], "stopped": training["stopped"],
                  "seconds": training["seconds"], "resumed_after_epochs": resumed,
                  "validation_psnr_db": last.get("validation_psnr_db"),
                  "validation_usage": last.get("validation_usage")},
        "all": {"images": all_stats["images"], "tokens": all_stats["tokens"], "used_codes": all_stats["used_codes"],
                "usage": all_stats["usage"]},
        "test": {"images": test["images"], "tokens": test["tokens"], "used_codes": test["used_codes"],
                 "usage": test["usage"], "entropy_bits": test["entropy_bits"],
                 "unigram_bits_per_token": model_cost(test, "unigram"),
                 "context_bits_per_token": model_cost(test, "context"),
                 "psnr_db": decode["mean_psnr_db"]},
        "prior": {"test_images": prior_stats["images"], "tokens": prior_stats["tokens"],
                  "bits_per_token": mt.get("bits_per_token"), "ideal_bits_per_token": mt.get("ideal_bits_per_token"),
                  "verified_tokens": mt.get("verified_tokens"), "setup": mt.get("setup"),
                  "unigram_bits_per_token": model_cost(prior_stats, "unigram"),
                  "context_bits_per_token": model_cost(prior_stats, "context"),
                  "parameters": prior.get("parameters"), "train_grids": prior["data"]["train_grids"],
                  "optimizer_steps": prior["training"]["optimizer_steps"],
                  "validation_bits_per_token": last_prior_epoch.get("validation_bits_per_token"),
                  "train_seconds": sum(e.get("seconds", 0) for e in prior.get("history", []))},
        "seconds": times,
        "seconds_total": sum(times.values()),
    }
    path = os.path.join(d, "row.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    os.replace(path + ".tmp", path)  # row.json marks the row finished: never half-written
    return result


def fmt(value, pattern):
    return "n/a" if value is None else pattern % value


def stopped(train):
    """Why training stopped, and after which epochs it was resumed."""
    return train["stopped"] + "".join(f"; resumed after {e}" for e in train.get("resumed_after_epochs", []))


def table(rows):
    lines = ["| log2 size | quantizer | epochs (stop) | usage, 70,000 images | usage, 10,000 test | PSNR test (dB) "
             "| unigram | context | unigram (prior's images) | masked transformer | row time |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        t = r["train"]
        name = "FSQ " + ",".join(map(str, r["levels"])) if r["quantizer"] == "fsq" else "VQ"
        stop = stopped(t)
        lines.append(
            f"| {math.log2(r['nominal_size']):.0f} ({r['codebook_size']}) | {name} | {t['epochs']} ({stop}) | "
            f"{100 * r['all']['usage']:.1f}% ({r['all']['used_codes']}) | "
            f"{100 * r['test']['usage']:.1f}% ({r['test']['used_codes']}) | {r['test']['psnr_db']:.2f} | "
            f"{fmt(r['test']['unigram_bits_per_token'], '%.2f')} | {fmt(r['test']['context_bits_per_token'], '%.2f')} | "
            f"{fmt(r['prior']['unigram_bits_per_token'], '%.2f')} | {fmt(r['prior']['bits_per_token'], '%.2f')} | "
            f"{r['seconds_total'] / 60:.1f} min |")
    return "\n".join(lines)


def svg_panel(title, ylabel, series, ymin=None, ymax=None, percent=False):
    """A line plot: x = log2 codebook size, one polyline with markers per (name, colour, [(x, y)])."""
    w, h, left, right, top, bottom = 440, 300, 60, 20, 34, 45
    points = [p for _, _, pts in series for p in pts]
    xs = [6, 8, 10, 12, 14, 16]
    ys = [p[1] for p in points] or [0, 1]
    lo = ymin if ymin is not None else min(ys)
    hi = ymax if ymax is not None else max(ys)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = 0.05 * (hi - lo)
    lo, hi = (lo if ymin is not None else lo - pad), (hi if ymax is not None else hi + pad)

    def px(x):
        return left + (x - 6) / 10 * (w - left - right)

    def py(y):
        return top + (hi - y) / (hi - lo) * (h - top - bottom)

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
         f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
         f'<text x="{left}" y="16" font-size="13">{html.escape(title)}</text>']
    for i in range(5):
        y = lo + (hi - lo) * i / 4
        s.append(f'<line x1="{left}" x2="{w - right}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#e5e5e5"/>')
        label = f"{100 * y:.0f}%" if percent else f"{y:.1f}"
        s.append(f'<text x="{left - 5}" y="{py(y) + 4:.1f}" text-anchor="end">{label}</text>')
    for x in xs:
        s.append(f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{top}" y2="{h - bottom}" stroke="#f0f0f0"/>')
        s.append(f'<text x="{px(x):.1f}" y="{h - bottom + 15}" text-anchor="middle">{x}</text>')
    s.append(f'<rect x="{left}" y="{top}" width="{w - left - right}" height="{h - top - bottom}" fill="none" stroke="#888"/>')
    s.append(f'<text x="{(left + w - right) / 2}" y="{h - 8}" text-anchor="middle">log2 codebook size</text>')
    s.append(f'<text x="14" y="{(top + h - bottom) / 2}" text-anchor="middle" '
             f'transform="rotate(-90 14 {(top + h - bottom) / 2})">{html.escape(ylabel)}</text>')
    for i, (name, colour, pts) in enumerate(series):
        pts = sorted(pts)
        if len(pts) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            s.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in pts:
            s.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"/>')
        # The legend sits above the frame, right of the title, so it never hides a point.
        lx = w - right - 60 * (len(series) - i)
        s.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{top - 8}" y2="{top - 8}" stroke="{colour}" stroke-width="2"/>'
                 f'<text x="{lx + 22}" y="{top - 4}">{html.escape(name)}</text>')
    s.append("</svg>")
    return "\n".join(s)


def page(rows, missing, settings):
    fsq = [r for r in rows if r["quantizer"] == "fsq"]
    vq = [r for r in rows if r["quantizer"] == "vq"]

    def pts(rs, f):
        return [(math.log2(r["nominal_size"]), f(r)) for r in rs if f(r) is not None]

    blue, orange = "#1f77b4", "#ff7f0e"
    usage = svg_panel("Usage, 70,000 images", "used / |C|",
                      [("FSQ", blue, pts(fsq, lambda r: r["all"]["usage"])),
                       ("VQ", orange, pts(vq, lambda r: r["all"]["usage"]))], 0, 1, percent=True)
    cost = svg_panel("Cost, masked transformer", "bits per token",
                     [("FSQ", blue, pts(fsq, lambda r: r["prior"]["bits_per_token"])),
                      ("VQ", orange, pts(vq, lambda r: r["prior"]["bits_per_token"]))])
    psnr = svg_panel("PSNR, 10,000 test images", "PSNR (dB)",
                     [("FSQ", blue, pts(fsq, lambda r: r["test"]["psnr_db"])),
                      ("VQ", orange, pts(vq, lambda r: r["test"]["psnr_db"]))])
    out = ["<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>fsq-spark codebook sweep</title>",
           "<style>body{font-family:sans-serif;margin:24px;max-width:1500px;color:#222}"
           "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 10px;"
           "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
           "svg{border:1px solid #ddd;margin:6px 6px 6px 0}.note{color:#555;font-size:90%}</style>",
           "</head><body>\n<h1>Codebook sweep: FSQ against VQ</h1>",
           "<p class=\"note\">The FSQ paper's Figure 3 on Fashion-MNIST: each row trained with the same encoder, decoder,"
           " seed and data until its validation metrics settled or the epoch cap. Settings: "
           + html.escape(json.dumps(settings)) + "</p>",
           "<div>" + usage + cost + psnr + "</div>",
           "<h2>Rows</h2>\n<table><tr><th>row</th><th>|C|</th><th>epochs</th><th>stopped</th>"
           "<th>used codes (70,000 images)</th><th>usage (70,000)</th><th>usage (test)</th><th>PSNR test (dB)</th>"
           "<th>unigram</th><th>context</th><th>masked transformer</th><th>prior's test images</th><th>time (min)</th></tr>"]
    for r in rows:
        out.append(
            f"<tr><td>{r['row']}</td><td>{r['codebook_size']}</td><td>{r['train']['epochs']}</td>"
            f"<td>{html.escape(stopped(r['train']))}</td><td>{r['all']['used_codes']}</td>"
            f"<td>{100 * r['all']['usage']:.2f}%</td><td>{100 * r['test']['usage']:.2f}%</td>"
            f"<td>{r['test']['psnr_db']:.2f}</td><td>{fmt(r['test']['unigram_bits_per_token'], '%.3f')}</td>"
            f"<td>{fmt(r['test']['context_bits_per_token'], '%.3f')}</td>"
            f"<td>{fmt(r['prior']['bits_per_token'], '%.3f')}</td><td>{r['prior']['test_images']}</td>"
            f"<td>{r['seconds_total'] / 60:.1f}</td></tr>")
    out.append("</table>")
    if missing:
        out.append("<p>Not finished: " + html.escape(", ".join(missing)) + "</p>")
    out.append("<p class=\"note\">unigram and context: bits per token on the 10,000 test images; masked transformer:"
               " a small prior trained on the training split's tokens, range-coded on the first test images (every"
               " token decoded back).</p></body></html>\n")
    return "\n".join(out)


def summary(out, names):
    rows, missing = [], []
    for name in names:
        path = os.path.join(out, "rows", name, "row.json")
        if os.path.exists(path):
            rows.append(load(path))
        else:
            missing.append(name)
    settings_path = os.path.join(out, "settings.json")
    settings = load(settings_path) if os.path.exists(settings_path) else {}
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"settings": settings, "rows": rows, "not_finished": missing}, f, indent=1)
    with open(os.path.join(out, "sweep.html"), "w", encoding="utf-8") as f:
        f.write(page(rows, missing, settings))
    text = table(rows)
    total = sum(r["seconds_total"] for r in rows)
    text += f"\n\n{len(rows)} rows finished, {total / 60:.1f} minutes of steps in all"
    text += (("; not finished: " + ", ".join(missing)) if missing else "") + "."
    with open(os.path.join(out, "table.md"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    if sys.argv[1] == "row":
        row_json(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "summary":
        summary(sys.argv[2], sys.argv[3:] or [f"{q}-{s}" for s in SIZES for q in ("fsq", "vq")])
    else:
        sys.exit("usage: codebook_sweep_report.py row OUT ROW | summary OUT [ROW...]")
