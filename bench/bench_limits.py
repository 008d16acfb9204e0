"""Time and memory of `nianbao check` on files just inside and just past the readers' bounds
(compiler/readers/limits.py); the figures of docs/reliability.md.

Each case is a real file run by a fresh `python -m compiler check` process, measured by its wall time and
peak resident memory (os.wait4).  Run from the repository: `python bench/bench_limits.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from compiler.readers import limits  # noqa: E402

PARAGRAPH = "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息，依法办理依申请公开。"


def html(chars: int) -> bytes:
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(chars // len(PARAGRAPH) + 1))
    return f"<html><body><h1>一、总体情况</h1>{body}</body></html>".encode()


def txt(chars: int) -> bytes:
    return ("一、总体情况\n" + (PARAGRAPH + "\n") * (chars // len(PARAGRAPH) + 1)).encode()


def measure(name: str, data: bytes) -> tuple[float, float, int, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        report = Path(folder) / "time.txt"
        started = time.perf_counter()
        # GNU time measures the checking process alone (a child forked from this one would count this
        # process's memory at the fork in its peak)
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), sys.executable, "-m", "compiler",
                               "check", str(path)], cwd=ROOT, capture_output=True)
        seconds = time.perf_counter() - started
        peak_kb = int(report.read_text().split()[-1])
    out = proc.stdout.decode("utf-8", "replace")
    verdict = "FILE-LIMIT" if "FILE-LIMIT" in out else "read"
    return seconds, peak_kb / 1024, proc.returncode, verdict


def cases():
    from test_memory_bounds import _pdf

    yield "（对照）示例报告的网页", "report.html", (ROOT / "tests" / "data" / "fuzz" / "seed-report.html").read_bytes()
    inside = limits.MAX_TEXT_CHARS - 5_000
    yield "网页，文字在上限内", "a.html", html(inside)
    yield "网页，文字超过上限", "b.html", html(limits.MAX_TEXT_CHARS + 5_000)
    yield "网页 49 MB（issue 的例子）", "c.html", b"<html><body>" + b"<p>x</p>" * (49 * limits.MB // 8)
    yield "文本，文字在上限内", "a.txt", txt(inside)
    yield "文本，文字超过上限", "b.txt", txt(limits.MAX_TEXT_CHARS + 5_000)
    yield f"PDF {limits.MAX_PDF_PAGES} 页", "a.pdf", _pdf(limits.MAX_PDF_PAGES, PARAGRAPH.encode("ascii", "replace")
                                                         .decode() * 3)
    yield f"PDF {limits.MAX_PDF_PAGES + 1} 页", "b.pdf", _pdf(limits.MAX_PDF_PAGES + 1)
    data = json.loads((ROOT / "excel_templates" / "example-yongkang-2021.json").read_text(encoding="utf-8"))
    data["office"]["name"] = "名" * (limits.MAX_BYTES["json"] // 3 + 10)
    yield "JSON 超过 20 MB", "a.json", json.dumps(data, ensure_ascii=False).encode()


def main() -> None:
    print("| 文件 | 大小 | 结果 | 退出码 | 用时 | 内存峰值 |")
    print("|---|---:|---|---:|---:|---:|")
    for title, name, data in cases():
        seconds, megabytes, code, verdict = measure(name, data)
        size = len(data) / limits.MB
        print(f"| {title} | {size:.1f} MB | {verdict} | {code} | {seconds:.1f} s | {megabytes:.0f} MB |")


if __name__ == "__main__":
    main()
