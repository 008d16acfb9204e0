"""Benchmark ``nianbao batch`` and ``nianbao summary`` on N synthetic workbooks.

    .venv/bin/python bench/bench_batch.py -n 100 1000

For each N: writes N varied, consistent workbooks (random numbers that satisfy
every 勾稽关系, random office names, narrative of realistic length) through the
fill path (``build_workbook`` → .xlsx), then runs, as separate processes,

    python -m compiler batch IN -o OUT [--to pdf] (check + compile every file)
    python -m compiler summary IN -o 汇总.xlsx     (read + check + sum, the heaviest output)

and reports wall time, throughput and peak memory: the peak of the summed RSS of
the whole process tree (sampled from /proc every 20 ms) and the largest single
process (getrusage).  Generation time is not measured.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler import format2021 as fmt  # noqa: E402
from compiler.model import Report  # noqa: E402

COUNTIES = ("东城县", "西山县", "南湖区", "北岭区", "清河县", "平安区", "长宁县", "永兴区", "石门县", "安远县")
BODIES = ("人民政府办公室", "发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
          "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
          "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "城市管理局", "退役军人事务局")
TOWNS = "城关镇 河口镇 新华镇 青山乡 白水镇 金桥街道 和平街道 太平乡 柳林镇 红旗乡".split()
SENTENCES = (
    "本机关坚持以公开为常态、不公开为例外，认真贯彻落实《中华人民共和国政府信息公开条例》。",
    "围绕中心工作，及时主动公开机构职能、政策文件、财政预决算、重大建设项目等信息。",
    "严格执行政府信息公开申请登记、审核、办理、答复、归档等工作流程，依法依规按时答复。",
    "建立健全政府信息公开保密审查机制，坚持先审查、后公开，一事一审、全面审查。",
    "加强政府网站政府信息公开专栏建设，优化栏目设置，提升信息发布的及时性和准确性。",
    "充分发挥政务新媒体作用，通过微信公众号等平台做好政策解读和回应关切工作。",
    "将政务公开工作纳入年度绩效考核，明确分管领导和工作人员，强化监督检查。",
    "组织开展政务公开业务培训，提高工作人员的业务能力和依法公开意识。",
    "主动公开内容不够全面，部分栏目更新不够及时；政策解读形式较为单一。",
    "下一步将进一步完善工作机制，加强队伍建设，持续提升政务公开工作质量。",
)


def _paragraphs(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(n)]


def _small(rng: random.Random, busy: float) -> int:
    return rng.randint(1, 12) if rng.random() < busy else 0


def synthetic_report(i: int, year: int, seed: int) -> Report:
    """A varied report that passes every consistency rule."""
    rng = random.Random(seed * 1_000_003 + i)
    r = Report.empty(year)
    county = COUNTIES[i % len(COUNTIES)]
    body = (BODIES + tuple(t + "人民政府" for t in TOWNS))[(i // len(COUNTIES)) % (len(BODIES) + len(TOWNS))]
    name = f"{county}{body}" + (f"（{i}）" if i >= len(COUNTIES) * (len(BODIES) + len(TOWNS)) else "")
    r.office.update(name=name, website_name=f"{county}人民政府网站", website_url="http://www.example.gov.cn",
                    address=f"{county}人民路{rng.randint(1, 300)}号", postcode=f"{rng.randint(100000, 899999)}",
                    phone=f"0{rng.randint(100, 999)}—{rng.randint(1000000, 9999999)}")
    r.text["overview"] = _paragraphs(rng, 2)
    for s in r.sections:
        s.paragraphs = _paragraphs(rng, rng.randint(1, 3))
    r.text["problems"] = _paragraphs(rng, 2)
    r.text["other"] = ["无。"] if rng.random() < 0.7 else ["本年度未收取信息处理费。"]
    n = r.numbers
    for doc, _ in fmt.T2_DOCS:
        if doc == "rules":
            continue
        made, repealed = rng.randint(0, 20), rng.randint(0, 5)
        n[("t2", doc, "made")], n[("t2", doc, "repealed")] = made, repealed
        n[("t2", doc, "valid")] = made + rng.randint(0, 150)
    for key in ("licensing", "penalty", "coercion"):
        n[("t2", key)] = _small(rng, 0.5) * rng.randint(1, 50)
    n[("t2", "fees_wan_yuan")] = Decimal(rng.randint(0, 5_000_000)) / 100 if rng.random() < 0.4 else Decimal(0)
    for col in fmt.T3_PARTY_KEYS:
        busy = 0.35 if col == "natural" else 0.06
        handled = 0
        for row in fmt.T3_OUTCOME_KEYS:
            v = _small(rng, busy)
            n[("t3", row, col)] = v
            handled += v
        n[("t3", "total_handled", col)] = handled
        out = rng.randint(0, 3) if handled else 0
        carried_in = rng.randint(0, handled + out)
        n[("t3", "carried_out", col)] = out
        n[("t3", "carried_in", col)] = carried_in
        n[("t3", "new", col)] = handled + out - carried_in
    for row in fmt.T3_ROW_KEYS:
        n[("t3", row, "total")] = sum(n[("t3", row, c)] for c in fmt.T3_PARTY_KEYS)
    for group, _ in fmt.T4_GROUPS:
        parts = [_small(rng, 0.15) for _ in fmt.T4_PARTS[:-1]]
        for (part, _), v in zip(fmt.T4_PARTS[:-1], parts):
            n[("t4", group, part)] = v
        n[("t4", group, "total")] = sum(parts)
    return r


def write_one(args: tuple[int, int, int, str]) -> None:
    from compiler.fileio import atomic_write
    from compiler.model import safe_filename
    from compiler.writers.workbook import build_workbook, workbook_bytes
    i, year, seed, folder = args
    report = synthetic_report(i, year, seed)
    sub = Path(folder) / report.office["name"][:3]  # one subfolder per county: folders are searched recursively
    atomic_write(sub / f"{i:05d}-{safe_filename(report.office['name'])}.xlsx", workbook_bytes(build_workbook(report)))


def generate(folder: Path, n: int, year: int = 2023, seed: int = 1) -> None:
    with ProcessPoolExecutor() as pool:
        list(pool.map(write_one, [(i, year, seed, str(folder)) for i in range(n)], chunksize=16))


# ---- measuring -----------------------------------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Summed RSS (bytes) of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            ppid, pages = int(stat[1]), int(stat[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(cmd: list[str], cwd: Path) -> dict:
    """Wall time, peak tree RSS and the largest single process's peak RSS of ``cmd``."""
    wrapper = ("import resource, subprocess, sys; "
               "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)")
    peak = 0
    stop = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", wrapper, *cmd], cwd=cwd, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    max_single_kb, rc = (int(x) for x in out.split())
    return {"seconds": seconds, "tree_mb": peak / 2**20, "single_mb": max_single_kb / 1024, "rc": rc}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, nargs="+", default=[100, 1000], help="numbers of workbooks (default: 100 1000)")
    p.add_argument("-j", "--jobs", type=int, default=0, help="batch --jobs (default: all cores)")
    p.add_argument("--to", default="docx", help="batch --to, e.g. pdf or docx,pdf (default: docx)")
    p.add_argument("--no-summary", action="store_true", help="measure batch only")
    p.add_argument("--keep", metavar="DIR", help="keep the generated files and outputs in DIR")
    args = p.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU cores, batch jobs = {args.jobs or os.cpu_count()}, "
          f"--to {args.to}")
    print("| N | command | seconds | files/s | peak RSS, process tree | peak RSS, largest process | exit |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    try:
        for n in args.n:
            folder = base / f"in-{n}"
            if not folder.exists():
                generate(folder, n)
            runs = {
                "batch": [sys.executable, "-m", "compiler", "batch", str(folder), "-o", str(base / f"out-{n}"),
                          "-j", str(args.jobs), "--to", args.to],
                "summary → .xlsx": [sys.executable, "-m", "compiler", "summary", str(folder), "-o",
                                    str(base / f"汇总-{n}.xlsx"), "--name", "某市"],
            }
            if args.no_summary:
                del runs["summary → .xlsx"]
            for name, cmd in runs.items():
                m = measure(cmd, base)
                print(f"| {n} | {name} | {m['seconds']:.1f} | {n / m['seconds']:.1f} | {m['tree_mb']:.0f} MB | "
                      f"{m['single_mb']:.0f} MB | {m['rc']} |", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
