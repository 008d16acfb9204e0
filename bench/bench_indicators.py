"""Benchmark the summary's indicators and charts for N offices.

    .venv/bin/python bench/bench_indicators.py -n 30 300

For each N: random, consistent office numbers (Table 三 总计 column and Table 四), then times, in
this process, ``region_indicators`` (every indicator and mark of every office, with last year) and
each chart drawn as SVG (the web page) and as PNG (Word, Excel).  The first figure also pays for
importing matplotlib and loading the CJK font, as the first summary of a process does.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.indicators import region_indicators  # noqa: E402
from compiler.model import Report  # noqa: E402


def office(rng: random.Random) -> dict:
    n = dict(Report.empty(2023).numbers)
    handled = rng.randint(0, 200)
    disclosed = rng.randint(0, handled)
    partial = rng.randint(0, handled - disclosed)
    n.update({("t3", "new", "total"): handled, ("t3", "total_handled", "total"): handled,
              ("t3", "disclosed", "total"): disclosed, ("t3", "partial", "total"): partial,
              ("t3", "u_not_held", "total"): handled - disclosed - partial})
    reviews = rng.randint(0, 8)
    n.update({("t4", "review", "total"): reviews, ("t4", "review", "corrected"): rng.randint(0, reviews)})
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, nargs="+", default=[30, 300])
    args = parser.parse_args()
    rng = random.Random(19)
    first = True
    for n in args.n:
        offices = [(f"某县第{i}局", f"{i}.xlsx", office(rng)) for i in range(n)]
        last = {f"k{i}": office(rng) for i in range(n)}
        total = {p: sum(o[2][p] for o in offices) for p in offices[0][2]}
        started = time.perf_counter()
        region = region_indicators(offices, total, "某县", last_by_office=last, last_total=total,
                                   trend=[(2022, total), (2023, total)], keys=[f"k{i}" for i in range(n)])
        took = time.perf_counter() - started
        print(f"N={n}: indicators of every office {took * 1000:.0f} ms")
        from compiler.writers.charts import summary_charts
        for chart in summary_charts(total, region, 2023):
            for kind in ("svg", "png"):
                started = time.perf_counter()
                size = len(getattr(chart, kind))
                took = time.perf_counter() - started
                note = "（含导入 matplotlib、加载字体）" if first else ""
                first = False
                print(f"  {chart.key:<28} {kind}  {took:6.2f} s  {size // 1024:5d} KB{note}")


if __name__ == "__main__":
    main()
