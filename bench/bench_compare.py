"""Benchmark ``nianbao compare``: building the comparison and writing it as .html, .xlsx and .pdf.

    .venv/bin/python bench/bench_compare.py --repeat 5

Pairs (last year, this year), both JSON so that reading costs little:

- the example (2021) and a 2022 with one part rewritten and the others kept (the usual case);
- a large report: every narrative part 30 paragraphs of about 160 characters (as bench_import's
  large report), this year with every third paragraph rewritten — about 4,800 characters a part,
  the size where difflib's character diff costs most; and the same with every paragraph rewritten
  (nothing aligns, every part is diffed character by character whole: the worst case).  The text is
  drawn from 60 characters, so each recurs far more often than in real Chinese prose: pessimistic.

``compare_files`` (read both, check both, diff every part) and each ``render_comparison`` are timed in
this process, median of ``--repeat`` runs after one warm-up; the PDF (a browser printing the page)
only when a Chromium-family browser is installed.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler.compare import compare_files, render_comparison  # noqa: E402
from compiler.writers.htmlpdf import find_browser  # noqa: E402

EXAMPLE = json.loads((ROOT / "excel_templates" / "example-yongkang-2021.json").read_text(encoding="utf-8"))
WORDS = "政府信息公开工作坚持以人民为中心深化政务公开推进决策执行管理服务结果公开加强政策解读回应社会关切规范依申请公开办理"


def _paragraph(rng: random.Random, n: int = 160) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n - 1)) + "。"


def _large(rng: random.Random) -> dict:
    data = copy.deepcopy(EXAMPLE)
    for key in ("lead", "overview", "proactive", "requests", "appeals", "problems", "other"):
        data["text"][key] = [_paragraph(rng) for _ in range(30)]
    for s in data["text"]["overview_sections"]:
        s["paragraphs"] = [_paragraph(rng) for _ in range(30)]
    return data


def _next_year(data: dict, rng: random.Random, rewrite_every: int) -> dict:
    new = copy.deepcopy(data)
    new["year"] = data["year"] + 1

    def edit(paragraphs: list[str]) -> list[str]:
        return [_paragraph(rng, len(p)) if i % rewrite_every == 0 else p for i, p in enumerate(paragraphs)]
    for key, value in new["text"].items():
        if key == "overview_sections":
            for s in value:
                s["paragraphs"] = edit(s["paragraphs"])
        else:
            new["text"][key] = edit(value)
    return new


def _time(fn, repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(19)
    pairs = {"example": (EXAMPLE, _next_year(EXAMPLE, rng, 3)), "large": None}
    large = _large(rng)
    pairs["large"] = (large, _next_year(large, rng, 3))
    pairs["large, all rewritten"] = (large, _next_year(large, rng, 1))
    browser = find_browser()
    with tempfile.TemporaryDirectory() as folder:
        print("| pair | characters a year | compare_files s | .html s | .xlsx s | .pdf s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, (last, this) in pairs.items():
            a, b = Path(folder, f"{name}-last.json"), Path(folder, f"{name}-this.json")
            a.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
            b.write_text(json.dumps(this, ensure_ascii=False), encoding="utf-8")
            c = compare_files(a, b)
            chars = sum(t.this_chars for t in c.texts)
            build = _time(lambda: compare_files(a, b), args.repeat)
            html = _time(lambda: render_comparison(c, ".html"), args.repeat)
            xlsx = _time(lambda: render_comparison(c, ".xlsx"), args.repeat)
            pdf = f"{_time(lambda: render_comparison(c, '.pdf'), max(1, args.repeat // 2)):.2f}" if browser else "—"
            print(f"| {name} | {chars} | {build:.3f} | {html:.3f} | {xlsx:.3f} | {pdf} |")


if __name__ == "__main__":
    main()
