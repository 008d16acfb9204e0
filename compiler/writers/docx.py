"""Render a report into the official .docx through the Word template (docxtpl + Jinja2)."""

from __future__ import annotations

import datetime
import hashlib
from io import BytesIO
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

from .. import format2021 as fmt
from ..fileio import OutputError, atomic_write
from ..model import Report, format_number
from ..resources import DOCX_TEMPLATE, resource
from .content import lead_paragraphs, title_lines

DOCX_SUFFIX = ".docx"


# the template's name of each table value: {{ v.t3_new_natural }}
VALUE_TAGS = {path: fmt.defined_name(path)[len(fmt.NAME_PREFIX):] for path in fmt.VALUE_CELLS}


def context(report: Report, runin: bool = True, title: str | None = None) -> dict:
    sections = [{"heading": f"{fmt.sub_number(i)}{s.title}", "paragraphs": list(s.paragraphs)}
                for i, s in enumerate(report.sections)]
    values = {tag: format_number(report.numbers.get(path)) for path, tag in VALUE_TAGS.items()}
    return {
        "title": title or report.title,
        "title_lines": title_lines(report, title),
        "lead": lead_paragraphs(report),
        "text": {k: list(v) for k, v in report.text.items()},
        "sections": sections,
        "runin": runin,
        "v": values,
    }


class _SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's on-disk cache of compiled templates; a cache that cannot be used is simply skipped."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return _SafeBytecodeCache()  # a private folder in the system's temporary directory
    except (OSError, RuntimeError):
        return None


class _CompiledOnce(jinja2.Environment):
    """docxtpl compiles the template's XML with Jinja2 on every render; the XML is the same each
    time, so the compiled template is kept in memory and, through Jinja2's bytecode cache, on disk
    for the next process (a command run starts without compiling)."""

    def __init__(self, **kwargs):
        self._sources: dict[str, str] = {}
        super().__init__(loader=jinja2.FunctionLoader(self._source), bytecode_cache=_bytecode_cache(),
                         auto_reload=False, **kwargs)

    def _source(self, name: str):
        return self._sources[name], None, lambda: True

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        name = hashlib.sha256(source.encode("utf-8")).hexdigest()
        self._sources[name] = source
        return self.get_template(name)


class _Template(DocxTemplate):
    """docxtpl's template with its XML clean-up (many regular expressions, tens of milliseconds: a large
    part of a plain ``compile``) done once per source: kept in memory, and on disk beside Jinja2's
    bytecode cache (the same private folder) for the next process."""

    _patched: dict[str, str] = {}

    def patch_xml(self, src_xml):
        if src_xml not in self._patched:
            if len(self._patched) > 64:
                self._patched.clear()
            self._patched[src_xml] = _patched_on_disk(src_xml) or super().patch_xml(src_xml)
            _keep_on_disk(src_xml, self._patched[src_xml])
        return self._patched[src_xml]


def _patch_file(src_xml: str) -> Path | None:
    folder = getattr(_ENV.bytecode_cache, "directory", None)
    if not folder:
        return None
    from docxtpl import __version__ as docxtpl_version

    key = hashlib.sha256(f"{docxtpl_version}\0{src_xml}".encode("utf-8")).hexdigest()
    return Path(folder) / f"nianbao-docxtpl-{key}.xml"


def _patched_on_disk(src_xml: str) -> str | None:
    path = _patch_file(src_xml)
    try:
        return path.read_text(encoding="utf-8") if path is not None else None
    except (OSError, UnicodeDecodeError):
        return None


def _keep_on_disk(src_xml: str, patched: str) -> None:
    path = _patch_file(src_xml)
    if path is None or path.exists():
        return
    try:
        atomic_write(path, patched.encode("utf-8"))
    except (OutputError, OSError):
        pass  # a cache that cannot be written is simply skipped


_ENV = _CompiledOnce(autoescape=True)


class TemplateProblem(OutputError):
    """A Word template (--docx-template) nianbao cannot use; the message says why, in Chinese."""


def render_docx(report: Report, runin: bool = True, template: Path | None = None, title: str | None = None) -> bytes:
    """The report's .docx; ``title`` replaces the standard title (a summary's)."""
    source = template or resource("docx_templates", DOCX_TEMPLATE)
    try:
        tpl = _Template(str(source))
        tpl.render(context(report, runin, title), jinja_env=_ENV, autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"Word 模板 {source} 中的标签有误（技术信息：{exc.message or type(exc).__name__}），"
                              "请对照内置模板改正 {{ }} 和 {% %} 标签") from exc
    except Exception as exc:  # python-docx: not a .docx, a damaged package, a missing part
        if template is None:
            raise
        raise TemplateProblem(f"无法使用 Word 模板 {source}：它不是完好的 .docx 文件（{type(exc).__name__}）") from exc
    props = tpl.docx.core_properties
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    props.author = report.office.get("name", "") or "nianbao"
    props.last_modified_by = "nianbao"
    props.created = props.modified = now
    buf = BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def check_template(template: Path) -> None:
    """Refuse a Word template that would not give the official report: render a report with it and look.

    An office may restyle the template in Word, but the six headings and the three tables (with their
    shapes) must still be there."""
    from docx import Document

    if not Path(template).is_file():
        raise TemplateProblem(f"找不到 Word 模板 {template}")
    sample = Report.empty(fmt.FIRST_YEAR)
    sample.office["name"] = "模板检查"
    doc = Document(BytesIO(render_docx(sample, template=Path(template))))
    texts = {p.text.strip() for p in doc.paragraphs}
    missing = [h.full for h in fmt.HEADINGS if h.full not in texts]
    shapes = [(len(t.rows), len(t.columns)) for t in doc.tables]
    wanted = [(t.n_rows, t.n_cols) for t in fmt.TABLES]
    if missing or shapes != wanted:
        problems = []
        if missing:
            problems.append("缺少标题：" + "、".join(missing))
        if shapes != wanted:
            problems.append(f"应有表二、表三、表四三张表（{'、'.join(f'{r}行×{c}列' for r, c in wanted)}），"
                            f"实有 {len(shapes)} 张" + (f"（{'、'.join(f'{r}行×{c}列' for r, c in shapes)}）" if shapes else ""))
        raise TemplateProblem(f"Word 模板 {template} 生成的报告不完整：" + "；".join(problems)
                              + "。请在内置模板（docx_templates/report-2021.docx）的基础上修改样式，不要删除标题和表格。")


def report_filename(report: Report) -> str:
    return report.file_stem + DOCX_SUFFIX


def write_docx(report: Report, out_dir: Path, runin: bool = True, template: Path | None = None) -> Path:
    return atomic_write(Path(out_dir) / report_filename(report), render_docx(report, runin, template))
