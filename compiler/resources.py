"""Files shipped with nianbao: the Word template, the lead-paragraph template, the web-page template,
the workbooks.

Installed (``pip install .``) they are package data of ``compiler.docx_templates``,
``compiler.html_templates`` and ``compiler.excel_templates``; in a checkout they are the top-level folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import UserError

DOCX_TEMPLATE = "report-2021.docx"
LEAD_TEMPLATE = "lead-2021.txt.j2"
HTML_TEMPLATE = "report-2021.html.j2"
WORKBOOK_TEMPLATE = "template-2021.xlsx"
EXAMPLE_WORKBOOK = "example-yongkang-2021.xlsx"
EXAMPLE_JSON = "example-yongkang-2021.json"

_CHECKOUT = Path(__file__).resolve().parent.parent


class MissingResource(UserError):
    """A file nianbao ships is missing: the installation is broken.  The message is for the user."""


def resource(folder: str, name: str) -> Path:
    """The path of a shipped file; ``folder`` is "docx_templates", "html_templates" or "excel_templates"."""
    try:
        candidate = resources.files(f"compiler.{folder}") / name
        if candidate.is_file():
            return Path(str(candidate))
    except (ModuleNotFoundError, TypeError):
        pass
    path = _CHECKOUT / folder / name
    if path.is_file():
        return path
    raise MissingResource(f"nianbao 的安装不完整：找不到 {folder}/{name}。请重新安装 nianbao。")
