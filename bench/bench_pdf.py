"""Benchmark the PDFs, each figure beside its anchor in the same run: one LibreOffice converting the same
.docx files by itself (``soffice --headless --convert-to pdf`` with nianbao's profile and PDF/A-1 filter).

    .venv/bin/python bench/bench_pdf.py [-n 100] [--small 20] [--requests 5]

1. ``nianbao batch --to pdf -j 2`` of N synthetic workbooks (bench_batch.generate), beside one soffice run
   over their N .docx (measured before and after the batch; the ratio uses their mean); PDFs per second;
   peak RSS of the process tree at N and at SMALL workbooks (flat in N?).
2. ``nianbao compile --to all`` of the bundled example as one command, beside one soffice run over its
   .docx (three of each, interleaved; medians).
3. ``nianbao serve``: the page's "下载 PDF" request on a warm server (the server started, the example
   uploaded, one PDF made; then REQUESTS more, median), beside the same soffice run over the example.

The machine is shared: read the ratios, which are measured side by side, more than the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_batch import generate, measure  # noqa: E402

from compiler.readers import read_report  # noqa: E402
from compiler.resources import EXAMPLE_WORKBOOK, resource  # noqa: E402
from compiler.writers.docx import render_docx  # noqa: E402
from compiler.writers.pdf import EXPORT_FILTER, font_plan_or_refuse, require_soffice, write_profile  # noqa: E402

# nianbao's bytecode compiled as pip would (see bench_compile.py)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPATH": str(ROOT)}


def soffice_run(docx_dir: Path, work: Path) -> dict:
    """One LibreOffice converting every .docx of ``docx_dir`` (a fresh profile with nianbao's font plan)."""
    profile = work / f"profile-{uuid.uuid4().hex[:8]}"
    write_profile(profile, font_plan_or_refuse())
    out = work / f"pdf-{uuid.uuid4().hex[:8]}"
    files = sorted(str(p) for p in docx_dir.glob("*.docx"))
    m = measure([require_soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                 "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--convert-to", EXPORT_FILTER,
                 "--outdir", str(out), *files], work)
    made = len(list(out.glob("*.pdf")))
    assert made == len(files), f"soffice made {made} of {len(files)} PDFs"
    shutil.rmtree(profile, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return m


def docx_of(workbooks: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(workbooks):
        (folder / f"{i:05d}.docx").write_bytes(render_docx(read_report(path).report))
    return folder


def batch_run(folder: Path, out: Path, work: Path) -> dict:
    m = measure([sys.executable, "-m", "compiler", "batch", str(folder), "-o", str(out), "-j", "2", "--to", "pdf"],
                work)
    m["pdfs"] = len(list((out / "报告").glob("*.pdf")))
    return m


def batch_figures(n: int, small: int, base: Path) -> list[str]:
    lines = []
    sizes = {}
    for count in sorted({small, n}):
        folder = base / f"in-{count}"
        generate(folder, count)
        sizes[count] = folder
    workbooks = sorted(sizes[n].rglob("*.xlsx"))
    docx_dir = docx_of(workbooks, base / f"docx-{n}")
    before = soffice_run(docx_dir, base)
    batch = batch_run(sizes[n], base / f"out-{n}", base)
    after = soffice_run(docx_dir, base)
    anchor = (before["seconds"] + after["seconds"]) / 2
    lines.append(f"| batch --to pdf -j 2, {n} workbooks | {batch['seconds']:.1f} s | {batch['pdfs'] / batch['seconds']:.2f} "
                 f"PDFs/s | {batch['tree_mb']:.0f} MB |")
    lines.append(f"| one soffice run over the same {n} .docx (before, after) | {before['seconds']:.1f} s, "
                 f"{after['seconds']:.1f} s | {n / anchor:.2f} PDFs/s | {before['tree_mb']:.0f} MB |")
    assert batch["pdfs"] == n and batch["rc"] == 0, batch
    ratios = [f"batch --to pdf / one soffice run: {batch['seconds'] / anchor:.2f} (goal ≤ 0.8); "
              f"PDFs/s: {batch['pdfs'] / batch['seconds']:.2f} (goal ≥ 5)"]
    if small != n:
        little = batch_run(sizes[small], base / f"out-{small}", base)
        lines.append(f"| batch --to pdf -j 2, {small} workbooks | {little['seconds']:.1f} s | "
                     f"{little['pdfs'] / little['seconds']:.2f} PDFs/s | {little['tree_mb']:.0f} MB |")
        ratios.append(f"peak RSS of the process tree, {n} / {small} workbooks: "
                      f"{batch['tree_mb'] / little['tree_mb']:.2f} (goal: flat, ≈ 1)")
    return lines + [""] + ratios


def compile_figures(base: Path, runs: int = 3) -> tuple[list[str], float]:
    example = resource("excel_templates", EXAMPLE_WORKBOOK)
    docx_dir = docx_of([example], base / "docx-example")
    commands, anchors = [], []
    for i in range(runs):
        anchors.append(soffice_run(docx_dir, base)["seconds"])
        out = base / f"compile-{i}"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "compiler", "compile", str(example), "-o", str(out), "--to", "all"],
                       env=ENV, capture_output=True, check=True)
        commands.append(time.perf_counter() - t0)
    command, anchor = statistics.median(commands), statistics.median(anchors)
    return ([f"| compile --to all of the example (median of {runs}) | {command:.2f} s |",
             f"| one soffice run over its .docx (median of {runs}) | {anchor:.2f} s |", "",
             f"compile --to all / one soffice run: {command / anchor:.2f} (goal ≤ 1.3)"], anchor)


def _multipart(field: str, path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{path.name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, boundary


def serve_figures(requests: int, anchor: float, base: Path) -> list[str]:
    example = resource("excel_templates", EXAMPLE_WORKBOOK)
    proc = subprocess.Popen([sys.executable, "-m", "compiler", "serve", "--no-browser"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**ENV, "TMPDIR": str(base)})
    try:
        address = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline()).group(0)
        body, boundary = _multipart("file", example)
        req = urllib.request.Request(address + "check", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(req) as r:
            token = re.search(r'name="token" value="([^"]+)"', r.read().decode()).group(1)

        def pdf() -> float:
            t0 = time.perf_counter()
            form = urllib.parse.urlencode({"token": token, "to": "pdf"}).encode()
            with urllib.request.urlopen(urllib.request.Request(address + "report", data=form)) as r:
                data = r.read()
            assert data.startswith(b"%PDF"), data[:200]
            return time.perf_counter() - t0
        first = pdf()  # waits for LibreOffice if the server has only just started
        times = [pdf() for _ in range(requests)]
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl+C: the server stops its LibreOffice
        proc.wait(30)
    med = statistics.median(times)
    return [f"| a PDF from the page, warm server (median of {requests}; the first: {first:.2f} s) | {med:.2f} s |",
            f"| one soffice run over the example's .docx (from 2.) | {anchor:.2f} s |", "",
            f"PDF from the page: {med:.2f} s (goal ≤ 0.6 s); / one soffice run: {med / anchor:.2f}"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=100, help="workbooks in the batch (default 100)")
    p.add_argument("--small", type=int, default=20, help="a smaller batch, for peak memory against N (default 20)")
    p.add_argument("--requests", type=int, default=5, help="PDFs asked from the warm server (default 5)")
    p.add_argument("--only", choices=("batch", "compile", "serve"), action="append", help="run only these parts")
    args = p.parse_args()
    parts = set(args.only or ("batch", "compile", "serve"))
    base = Path(tempfile.mkdtemp(prefix="nianbao-bench-pdf-"))
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, load average at start {load[0]:.1f}")
    try:
        if "batch" in parts:
            print("\n| what | seconds | rate | peak RSS, process tree |\n| --- | ---: | ---: | ---: |")
            print("\n".join(batch_figures(args.n, args.small, base)), flush=True)
        anchor = None
        if parts & {"compile", "serve"}:
            lines, anchor = compile_figures(base)
            if "compile" in parts:
                print("\n| what | seconds |\n| --- | ---: |\n" + "\n".join(lines), flush=True)
        if "serve" in parts:
            print("\n| what | seconds |\n| --- | ---: |\n" + "\n".join(serve_figures(args.requests, anchor, base)))
        load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
        print(f"\nload average at the end {load[0]:.1f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
