"""Benchmark the reader of published reports (``nianbao import``, ``check`` of a .docx/.txt): seconds to
read one report in-process, from the file to the data model with its import notes.

    .venv/bin/python bench/bench_import.py [--repeat 50] [--pdf]

Inputs: the reference text (tests/data/reference-yongkang-2021.txt: flattened tables, page breaks),
our .docx and HTML of the example, a large report (every narrative part 30 paragraphs long, 4-digit
numbers) as .docx and .txt, and with --pdf the PDF LibreOffice makes of the example's .docx and a
10-page WPS-style PDF (paragraphs in ruled one-column tables and in borders and shading, which the
table finder takes for tables).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler import format2021 as fmt  # noqa: E402
from compiler.readers import read_report  # noqa: E402
from compiler.writers.docx import render_docx  # noqa: E402
from compiler.writers.html import render_html  # noqa: E402

REFERENCE = ROOT / "tests" / "data" / "reference-yongkang-2021.txt"
EXAMPLE = ROOT / "excel_templates" / "example-yongkang-2021.json"


def _large(report):
    sentence = "本年度持续推进政府信息公开标准化规范化建设，完善公开目录，严格落实公开属性源头认定，共收到政府信息公开申请1234件。"
    for key in fmt.TEXT_LIST_KEYS:
        report.text[key] = [sentence * 3] * 30
    for s in report.sections:
        s.paragraphs = [sentence * 3] * 30
    for path, (_, cell) in fmt.VALUE_CELLS.items():
        if cell.value_kind == fmt.COUNT:
            report.numbers[path] = 1234
    return report


def _as_text(report) -> str:
    """The report as a web page copied to text: one paragraph per line, tables tab-separated."""
    from compiler.writers.content import lead_paragraphs, table_view, title_lines
    lines = ["".join(title_lines(report))] + lead_paragraphs(report)
    for h in fmt.HEADINGS:
        lines.append(h.full)
        if h.number == 1:
            lines += report.text["overview"]
            for i, s in enumerate(report.sections):
                lines.append(f"{fmt.sub_number(i)}{s.title}")
                lines += s.paragraphs
            continue
        lines += report.text[h.text_key]
        if h.table:
            view = table_view(fmt.TABLES_BY_KEY[h.table], report)
            for group in view.groups:
                for row in group.rows:
                    lines.append("\t".join(c.text for c in row))
    return "\n".join(lines) + "\n"


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
RULE = 'w:val="single" w:sz="8" w:space="0" w:color="000000"'


def _wps_style(report) -> bytes:
    """The example with more text (10 pages), every other paragraph boxed as WPS boxes them: in a ruled
    one-column table, or with paragraph borders and shading."""
    from io import BytesIO

    from docx import Document
    from docx.oxml import parse_xml

    sentence = "本年度持续推进政府信息公开标准化规范化建设，完善公开目录，严格落实公开属性源头认定。"
    for s in report.sections[:4]:
        s.paragraphs = s.paragraphs + [sentence * 5]
    report.text["problems"] = report.text["problems"] + [sentence * 5]
    doc = Document(BytesIO(__import__("compiler.writers.docx", fromlist=["render_docx"]).render_docx(report)))
    body = [p for p in doc.paragraphs if len(p.text) > 60]
    for i, p in enumerate(body):
        if i % 4 == 0:
            tbl = doc.add_table(rows=2, cols=1)
            tbl._tbl.tblPr.append(parse_xml(f'<w:tblBorders {W}>' + "".join(
                f'<w:{s} {RULE}/>' for s in ("top", "left", "bottom", "right", "insideH")) + '</w:tblBorders>'))
            p._p.addprevious(tbl._tbl)
            cell = tbl.cell(0, 0)
            cell._tc.remove(cell.paragraphs[0]._p)
            cell._tc.append(p._p)
        elif i % 4 == 2:
            ppr = p._p.get_or_add_pPr()
            sides = "".join(f'<w:{s} {RULE}/>' for s in ("top", "left", "bottom", "right"))
            ppr.append(parse_xml(f'<w:pBdr {W}>{sides}</w:pBdr>'))
            ppr.append(parse_xml(f'<w:shd {W} w:val="clear" w:color="auto" w:fill="E7E6E6"/>'))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def inputs(folder: Path, pdf: bool) -> list[tuple[str, Path]]:
    example = read_report(EXAMPLE).report
    (folder / "example.docx").write_bytes(render_docx(example))
    (folder / "example.html").write_bytes(render_html(example))
    large = _large(read_report(EXAMPLE).report)
    (folder / "large.docx").write_bytes(render_docx(large))
    (folder / "large.txt").write_text(_as_text(large), encoding="utf-8")
    out = [("reference .txt", REFERENCE), ("example .docx", folder / "example.docx"),
           ("example .html", folder / "example.html"), ("large .docx", folder / "large.docx"),
           ("large .txt", folder / "large.txt")]
    if pdf:
        (folder / "wps.docx").write_bytes(_wps_style(read_report(EXAMPLE).report))
        for name in ("example.docx", "wps.docx"):
            subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/lo", "--headless", "--convert-to", "pdf",
                            "--outdir", str(folder), str(folder / name)], check=True, capture_output=True)
        import pdfplumber
        with pdfplumber.open(folder / "wps.pdf") as doc:
            pages = len(doc.pages)
        out.append(("example .pdf (LibreOffice)", folder / "example.pdf"))
        out.append((f"WPS-style .pdf ({pages} pages)", folder / "wps.pdf"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--pdf", action="store_true", help="also a PDF (needs LibreOffice)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in inputs(Path(tmp), args.pdf):
            result = read_report(path)  # warm: imports, compiled patterns
            problems = [f for f in result.findings if f.severity.value == "error"]
            times, cpu = [], []
            for _ in range(args.repeat if path.suffix != ".pdf" else max(3, args.repeat // 10)):
                t0, c0 = time.perf_counter(), time.process_time()
                read_report(path)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)  # what the read costs, whatever else runs on the machine
            rows.append({"input": name, "kb": round(path.stat().st_size / 1024, 1),
                         "median_s": statistics.median(times), "max_s": max(times), "cpu_s": statistics.median(cpu),
                         "paragraphs": sum(1 for _ in result.report.narrative()), "errors": len(problems)})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'input':28} {'KB':>7} {'median s':>9} {'max s':>7} {'cpu s':>7} {'paragraphs':>10} {'errors':>6}")
    for r in rows:
        print(f"{r['input']:28} {r['kb']:7} {r['median_s']:9.4f} {r['max_s']:7.4f} {r['cpu_s']:7.4f} "
              f"{r['paragraphs']:10} {r['errors']:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
