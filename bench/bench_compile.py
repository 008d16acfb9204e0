"""Benchmark: compile the bundled example, in-process and as a whole command, beside the floor.

The floor is what any tool doing this job must at least spend: openpyxl loading the workbook and
python-docx saving the result.  Run: `make bench` or `.venv/bin/python bench/bench_compile.py`.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource as rusage  # the standard library's (compiler.resources has a resource())
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
import openpyxl  # noqa: E402

from compiler.checks import all_findings  # noqa: E402
from compiler.readers import read_report  # noqa: E402
from compiler.resources import EXAMPLE_WORKBOOK, resource  # noqa: E402
from compiler.writers.docx import render_docx, write_docx  # noqa: E402


def median_ms(fn, runs: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="in-process repetitions (median reported)")
    parser.add_argument("--command-runs", type=int, default=10, help="whole-command repetitions")
    args = parser.parse_args()

    workbook = resource("excel_templates", EXAMPLE_WORKBOOK)
    out_dir = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    result_bytes = render_docx(read_report(workbook).report)

    def compile_in_process():
        result = read_report(workbook)
        findings = all_findings(result)
        assert not any(f.severity.value == "error" for f in findings)
        write_docx(result.report, out_dir)

    def floor():
        openpyxl.load_workbook(workbook)
        docx.Document(io.BytesIO(result_bytes)).save(io.BytesIO())

    stages = {
        "read (workbook → model)": lambda: read_report(workbook),
        "checks": (lambda r: (lambda: all_findings(r)))(read_report(workbook)),
        "render (.docx bytes)": (lambda r: (lambda: render_docx(r.report)))(read_report(workbook)),
    }
    rows = [("compile in-process (read + check + render + write)", *median_ms(compile_in_process, args.runs))]
    rows += [(f"  {name}", *median_ms(fn, args.runs)) for name, fn in stages.items()]
    rows.append(("floor: openpyxl load + python-docx save", *median_ms(floor, args.runs)))

    command = [sys.executable, "-m", "compiler", "compile", str(workbook), "-o", str(out_dir)]
    # As installed by pip, nianbao's modules have their bytecode compiled, like openpyxl's and python-docx's:
    # a PYTHONDONTWRITEBYTECODE in the environment would charge nianbao alone for compiling its source.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPATH": str(ROOT)}
    floor_script = ("import io, sys, openpyxl, docx; openpyxl.load_workbook(sys.argv[1]); "
                    "docx.Document(sys.argv[2]).save(io.BytesIO())")
    report_path = write_docx(read_report(workbook).report, out_dir)
    floor_command = [sys.executable, "-c", floor_script, str(workbook), str(report_path)]
    # The command and its floor alternate, run after run, so that the machine's load (it is shared) falls
    # on both alike.
    # Beside the wall time, the CPU time (user + system) of each run: on a loaded machine the wall time
    # measures the other processes too, the CPU time much less so.
    pairs = {"command": [], "floor": []}
    cpu = {"command": [], "floor": []}
    for i in range(args.command_runs + 1):
        for name, argv in (("command", command), ("floor", floor_command)):
            before = rusage.getrusage(rusage.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True, check=True)
            after = rusage.getrusage(rusage.RUSAGE_CHILDREN)
            if i:  # the first pair warms the disk cache and the bytecode caches
                pairs[name].append(time.perf_counter() - start)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    rows.append(("whole command: nianbao compile (new process)", statistics.median(pairs["command"]) * 1000,
                 min(pairs["command"]) * 1000))
    rows.append(("floor as a command: python + imports + load + save", statistics.median(pairs["floor"]) * 1000,
                 min(pairs["floor"]) * 1000))
    rows.append(("  python startup alone (python -c pass)",
                 *median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True),
                            args.command_runs, warmup=1)))

    print(f"nianbao compile benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    print(f"{'what':58} {'median ms':>10} {'min ms':>8}")
    for name, med, low in rows:
        print(f"{name:58} {med:10.1f} {low:8.1f}")
    in_process, floor_ms, command, command_floor = rows[0][1], rows[4][1], rows[5][1], rows[6][1]
    print(f"ratio in-process / floor: {in_process / floor_ms:.2f} (target ≤ 1.5); in-process target ≤ 60 ms")
    print(f"ratio command / command floor: {command / command_floor:.2f} (goal ≤ 1.25; "
          f"of the minima: {rows[5][2] / rows[6][2]:.2f})")
    cpu_command, cpu_floor = statistics.median(cpu["command"]), statistics.median(cpu["floor"])
    print(f"CPU time (user + system), median: command {cpu_command * 1000:.0f} ms, floor {cpu_floor * 1000:.0f} ms, "
          f"ratio {cpu_command / cpu_floor:.2f} (goal ≤ 1.25)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average now: {load:.1f} (the machine is shared: compare the ratios, not the milliseconds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
