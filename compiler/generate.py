"""Regenerate the files nianbao ships from the format definition: ``python -m compiler.generate``.

- docx_templates/report-2021.docx   the Word template
- excel_templates/template-2021.xlsx  the blank standard workbook (= ``nianbao template``)
- excel_templates/example-yongkang-2021.xlsx  the reference example, filled from its JSON

Tests check that the committed copies equal what this module generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .docx_template import build_template
from .readers import read_report
from .resources import DOCX_TEMPLATE, EXAMPLE_JSON, EXAMPLE_WORKBOOK, WORKBOOK_TEMPLATE
from .writers.workbook import build_workbook, template_bytes, workbook_bytes

ROOT = Path(__file__).resolve().parent.parent


def example_bytes(json_path: Path | None = None) -> bytes:
    result = read_report(json_path or ROOT / "excel_templates" / EXAMPLE_JSON)
    return workbook_bytes(build_workbook(result.report, result.raw), fixed_time=True)


def generated() -> dict[Path, bytes]:
    return {
        ROOT / "docx_templates" / DOCX_TEMPLATE: build_template(),
        ROOT / "excel_templates" / WORKBOOK_TEMPLATE: template_bytes(),
        ROOT / "excel_templates" / EXAMPLE_WORKBOOK: example_bytes(),
    }


def main() -> int:
    for path, data in generated().items():
        changed = not path.exists() or path.read_bytes() != data
        path.write_bytes(data)
        print(f"{'updated ' if changed else 'unchanged'} {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
