"""Benchmark ``nianbao serve``: time from the command to the first page, and a 20-workbook batch through
the page's upload (the same request the page's script sends, then polling) against ``nianbao batch``.

    .venv/bin/python bench/bench_serve.py [-n 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import generate  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def start() -> tuple[subprocess.Popen, str, float]:
    """Start the server; (process, address, seconds until the first page answered)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--no-browser"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=ENV)
    address = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline()).group(0)
    with urllib.request.urlopen(address) as r:
        assert r.status == 200 and b"nianbao" in r.read()
    return proc, address, time.perf_counter() - t0


def multipart(files: list[Path]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for f in files:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{f.name}\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + f.read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def batch_through_page(address: str, files: list[Path]) -> float:
    body, boundary = multipart(files)
    t0 = time.perf_counter()
    req = urllib.request.Request(address + "batch", data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"})
    with urllib.request.urlopen(req) as r:
        job = json.loads(r.read())["id"]
    while True:
        with urllib.request.urlopen(f"{address}batch/{job}/state") as r:
            if json.loads(r.read())["finished"]:
                break
        time.sleep(0.3)  # as the page polls
    return time.perf_counter() - t0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=20)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    base = Path(tempfile.mkdtemp(prefix="nianbao-bench-serve-"))
    generate(base / "in", args.n)
    files = sorted((base / "in").rglob("*.xlsx"))
    starts, pages, clis = [], [], []
    for i in range(args.repeat):
        proc, address, seconds = start()
        starts.append(seconds)
        try:
            pages.append(batch_through_page(address, files))
        finally:
            proc.terminate()
            proc.wait()
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "compiler", "batch", str(base / "in"), "-o", str(base / f"out{i}")],
                       env=ENV, capture_output=True, check=False)
        clis.append(time.perf_counter() - t0)
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, {args.n} workbooks, {args.repeat} runs (median)")
    print(f"serve: command to first page      {med(starts):.2f} s  (min {min(starts):.2f}, max {max(starts):.2f})")
    print(f"batch through the page            {med(pages):.2f} s")
    print(f"nianbao batch (CLI, whole command) {med(clis):.2f} s")
    print(f"ratio page / CLI                  {med(pages) / med(clis):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
