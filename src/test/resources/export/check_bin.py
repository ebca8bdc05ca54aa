"""Reads a `fsq export --format bin` with numpy alone and checks it against a reference of the token table.

Usage: python3 check_bin.py EXPORT_DIR REFERENCE_JSON
The reference (written by the Java test from the token table) maps every exportable id to its tokens, label
and expected split. Prints one line per check; exits 1 on the first mismatch.
"""
import json
import os
import sys

import numpy as np


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main(export, reference_file):
    with open(reference_file) as f:
        reference = json.load(f)
    expected = reference["rows"]
    # The three lines the README shows.
    header = json.load(open(os.path.join(export, "header.json")))
    first = header["splits"]["train"]["files"][0]
    tokens = np.memmap(os.path.join(export, first["tokens"]), dtype=header["dtype"], mode="r").reshape(
        -1, header["row_tokens"])
    if tokens.shape[0] != first["rows"]:
        fail("the first train file holds %d rows, the header says %d" % (tokens.shape[0], first["rows"]))

    if header["dtype"] != reference["dtype"]:
        fail("dtype %s, expected %s" % (header["dtype"], reference["dtype"]))
    bytes_per_token = np.dtype(header["dtype"]).itemsize
    prefix = header["prefix"]
    offset = prefix["offset"] if prefix else None
    seen = {}
    for split in ("train", "validation"):
        part = header["splits"][split]
        sizes = []
        for file in part["files"]:
            path = os.path.join(export, file["tokens"])
            size = os.path.getsize(path)
            if size != file["rows"] * header["row_tokens"] * bytes_per_token:
                fail("%s is %d bytes, not %d rows x %d tokens x %d bytes" % (
                    file["tokens"], size, file["rows"], header["row_tokens"], bytes_per_token))
            grid = np.memmap(path, dtype=header["dtype"], mode="r").reshape(-1, header["row_tokens"])
            index = np.load(os.path.join(export, file["index"]))
            with open(os.path.join(export, file["ids"]), encoding="utf-8") as f:
                ids = [json.loads(line) for line in f]
            if not (len(grid) == len(index) == len(ids) == file["rows"]):
                fail("%s: %d grids, %d index records, %d ids, header %d rows" % (
                    file["tokens"], len(grid), len(index), len(ids), file["rows"]))
            for row, id_ in enumerate(ids):
                if id_ in seen:
                    fail("id %r is exported twice (%s and %s)" % (id_, seen[id_], split))
                seen[id_] = split
                if id_ not in expected:
                    fail("id %r is not an exportable row of the table" % id_)
                want = expected[id_]
                if want["split"] != split:
                    fail("id %r is in %s, the hash split says %s" % (id_, split, want["split"]))
                record = index[row]
                if record["offset"] != row * header["row_tokens"]:
                    fail("index offset %d of row %d" % (record["offset"], row))
                if (record["grid_h"], record["grid_w"]) != tuple(header["grid"]):
                    fail("index grid of %r" % id_)
                if record["label"] != want["label"]:
                    fail("label of %r: index %d, table %d" % (id_, record["label"], want["label"]))
                flat = np.asarray(grid[row], dtype=np.int64)
                flat_from_offset = np.asarray(np.memmap(path, dtype=header["dtype"], mode="r")[
                    record["offset"]:record["offset"] + header["row_tokens"]], dtype=np.int64)
                if not np.array_equal(flat, flat_from_offset):
                    fail("offset of %r does not point at its row" % id_)
                if offset is not None:
                    if flat[0] != offset + want["label"]:
                        fail("class token of %r is %d, expected %d" % (id_, flat[0], offset + want["label"]))
                    flat = flat[1:]
                if flat.tolist() != want["tokens"]:
                    fail("tokens of %r differ from the table" % id_)
            sizes.append(file["rows"])
        if sum(sizes) != part["rows"]:
            fail("%s: files hold %d rows, header %d" % (split, sum(sizes), part["rows"]))
        want_rows = sum(1 for row in expected.values() if row["split"] == split)
        if part["rows"] != want_rows:
            fail("%s holds %d rows, the table has %d for it" % (split, part["rows"], want_rows))
        if sizes and max(sizes) > 1.1 * min(sizes):
            fail("%s file sizes %s differ by more than 10%%" % (split, sizes))
        print("%s: %d rows in %d files (%d to %d rows), every token and label equal to the table" % (
            split, part["rows"], len(sizes), min(sizes), max(sizes)))
    if len(seen) != len(expected):
        fail("%d of the table's %d exportable ids were exported" % (len(seen), len(expected)))
    print("OK: %d rows, each exactly once, dtype %s" % (len(seen), header["dtype"]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
