"""The ``nianbao`` command.  Messages are Chinese; exit codes: 0 fine, 1 errors found, 2 nothing readable,
3 an internal error (a sentence and a log file, see ``main``), 130 interrupted."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from . import format2021 as fmt
from .diagnostics import Finding, Severity, counts, has_errors, render_human, render_json, summary_line
from .errors import EXIT_ERRORS, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UserError, log_internal_error
from .fileio import atomic_write
from .inputs import find_inputs, office_key
from .pipeline import Checked, LastYearMismatch, load, match_last, run_checks_on
from .readers import PUBLISHED_KINDS, ReadResult
from .resources import EXAMPLE_WORKBOOK, resource
from .rules import RULES, RULES_BY_CODE, describe, finding

EXIT_UNREADABLE = EXIT_USAGE
DEFAULT_TEMPLATE_NAME = "政府信息公开年度报告填报表.xlsx"
OVERWRITE_HELP = "输出文件已存在时替换它（默认不替换，以免覆盖已填写的内容）"


class UsageError(UserError):
    """A mistake in how the command was called; the message is for the user."""


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


# ---- template / example / fill / export ------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _target(output: str | None, default: str, inputs: Sequence[str | Path] = (), overwrite: bool = True) -> Path:
    """The output file: never one of the inputs; an existing workbook only with --overwrite."""
    path = Path(output or default)
    for src in inputs:
        if _same_file(path, Path(src)):
            raise UsageError(f"输出文件 {path} 就是输入文件，不能覆盖输入。请换一个输出文件名。")
    if path.is_dir():
        raise UsageError(f"{path} 是文件夹，这里应给出文件名（如 {path / default}）")
    if path.exists() and not overwrite:
        raise UsageError(f"{path} 已存在。为免覆盖已填写的内容，nianbao 不替换它：请换一个文件名，或加 --overwrite。")
    return path


def cmd_template(args) -> int:
    from .writers.workbook import write_template
    delivery = {"mail_to": _addresses(args.mail_to, "--mail-to") or "", "mail_cc": _addresses(args.mail_cc, "--mail-cc") or ""}
    path = write_template(_target(args.output, DEFAULT_TEMPLATE_NAME, overwrite=args.overwrite), delivery)
    _out(str(path))
    _err(f"已生成标准填报表（{fmt.FORMAT_ID}）。在浅黄色单元格中填写，然后运行：nianbao compile {path.name}")
    return EXIT_OK


def cmd_example(args) -> int:
    data = resource("excel_templates", EXAMPLE_WORKBOOK).read_bytes()
    path = atomic_write(_target(args.output, "示例-永康镇2021.xlsx", overwrite=args.overwrite), data)
    _out(str(path))
    return EXIT_OK


def _read_clean(path: str, refusal: str) -> ReadResult | int:
    """A file read without errors (its warnings shown), or the exit code after saying why not."""
    checked = load(path)
    if checked.result is None:
        _err(render_human(checked.findings))
        return EXIT_UNREADABLE
    errors = [f for f in checked.result.findings if f.severity is Severity.ERROR]
    if errors:
        _err(render_human(checked.result.findings))
        _err(f"有 {len(errors)} 处数据无法读取或结构有误，{refusal}")
        return EXIT_ERRORS
    _warn_only(checked.result.findings)
    return checked.result


def cmd_export(args) -> int:
    result = _read_clean(args.workbook, "未导出（JSON 不能保存这些值）。请改正后重试。")
    if isinstance(result, int):
        return result
    try:
        data = (json.dumps(result.report.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    except ValueError as exc:  # an amount with more digits than a JSON number keeps
        _err(f"无法导出：{exc}。")
        return EXIT_ERRORS
    if any(result.report.delivery.values()):
        _err(f"注意：“{fmt.SHEET_INFO}”的报送邮箱、抄送邮箱属于填报表的报送设置，不是报告数据，未写入 JSON。")
    if args.output:
        _out(str(atomic_write(_target(args.output, "数据.json", [args.workbook]), data)))
    else:  # UTF-8 whatever the console's code page: `nianbao export 填报.xlsx > 数据.json` on Windows too
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return EXIT_OK


def cmd_import(args) -> int:
    from .importing import OUTPUT_SUFFIXES, summary_line, write_import
    source = Path(args.report)
    default = source.with_suffix(".xlsx").name if source.suffix.lower() != ".xlsx" else "导入的填报表.xlsx"
    target = _target(args.output, default, [args.report], overwrite=args.overwrite)
    if target.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(f"-o 应是 .xlsx（填好的标准填报表）或 .json（数据文件），而不是“{target.suffix or target.name}”")
    checked = load(args.report)
    if checked.result is None:
        _err(render_human(checked.findings))
        return EXIT_UNREADABLE
    result = checked.result
    if result.kind not in PUBLISHED_KINDS:
        raise UsageError(f"{args.report} 是{'填报表' if result.kind == 'xlsx' else '数据 JSON'}，不是已发布的报告："
                         "import 读取 Word、网页、PDF 或文本格式的年度报告。填报表和 JSON 可直接用于 check、compile、next-year。")
    if result.findings:
        _out(render_human(result.findings))
        _out()
    try:
        written = write_import(result, target)
    except ValueError as exc:  # an amount with more digits than a JSON number keeps
        _err(f"无法写入 JSON：{exc}。请改为输出 .xlsx。")
        return EXIT_ERRORS
    _out(summary_line(result))
    where = f"“{fmt.SHEET_IMPORT}”表" if written.suffix.lower() == ".xlsx" else "上面的说明"
    _out(f"已写入 {written}。请按{where}核对，然后运行：nianbao check {written.name}")
    return EXIT_ERRORS if has_errors(result.findings) else EXIT_OK


def _warn_only(findings: list[Finding]) -> None:
    shown = [f for f in findings if f.severity is not Severity.INFO]
    if shown:
        _err(render_human(shown))


def cmd_fill(args) -> int:
    from .writers.workbook import write_filled
    checked = load(args.data)
    if checked.result is None:
        _err(render_human(checked.findings))
        return EXIT_UNREADABLE
    r = checked.result
    structural = [f for f in r.findings if f.code in ("JSON-KEY", "FILE-FORMAT")]
    unfit = [f for f in r.findings if f.code == "VAL-FIT"]
    if structural or unfit:
        _err(render_human(r.findings))
        _err("JSON 的结构与数据模型不符，未生成工作簿（否则会丢失数据）。" if structural else
             f"有 {len(unfit)} 个值超出工作簿能准确保存的范围（VAL-FIT），未生成工作簿（否则这些值会被改变）。")
        return EXIT_ERRORS
    _warn_only(r.findings)
    if r.raw:
        _err("以上不是数字的值已按原样写入工作簿，检查时会报告。")
    target = _target(args.output, "填报表.xlsx", [args.data], overwrite=args.overwrite)
    _out(str(write_filled(r.report, target, r.raw)))
    return EXIT_OK


# ---- check / compile -----------------------------------------------------------------------------


def _existing(paths: Sequence[str], option: str) -> Sequence[str]:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"{option} 给出的文件或文件夹不存在：{'、'.join(missing)}")
    return paths


def _last_year_index(paths: Sequence[str]) -> dict[str, list[ReadResult]]:
    """Last year's reports by office name (an office may have several years among them)."""
    _existing(paths, "--last-year")
    index: dict[str, list[ReadResult]] = {}
    for path in _expand(paths):
        checked = load(path)
        if checked.result is None:
            _err(f"注意：--last-year 的文件无法读取，已跳过：{checked.findings[0].human()}")
            continue
        index.setdefault(office_key(checked.result.report), []).append(checked.result)
    if not index:
        raise UsageError("--last-year 没有可读取的上年度文件")
    return index


def _match_last(result: ReadResult, index: dict[str, list[ReadResult]], single: bool) -> ReadResult | None:
    try:
        return match_last(result, index, single)
    except LastYearMismatch as exc:
        raise UsageError(str(exc)) from None


def no_last_year(result: ReadResult) -> Finding:
    year = result.report.year
    wanted = f"{year - 1} 年度" if year is not None else "上一年度"
    return finding("YEAR-NOLAST", f"--last-year 的文件中没有“{result.report.office.get('name', '') or '（机关名称为空）'}”"
                                  f"{wanted}的报告，未做跨年度检查", file=result.file)


def _expand(paths: Sequence[str]) -> list[str]:
    return [str(p) for p in find_inputs([Path(p) for p in paths])]


def cmd_check(args) -> int:
    index = _last_year_index(args.last_year) if args.last_year else {}
    results: list[Checked] = []
    files = _expand(args.files)
    if not files:
        raise UsageError("没有找到要检查的文件（.xlsx、.json，或已发布的报告 .docx、.html、.pdf、.txt）")
    for path in files:
        checked = load(path)
        last = _match_last(checked.result, index, single=len(files) == 1) \
            if index and checked.result is not None else None
        checked = run_checks_on(checked, last)
        if index and checked.result is not None and last is None:
            checked.findings.append(no_last_year(checked.result))
        results.append(checked)
    findings = [f for c in results for f in c.findings]
    if args.format == "json":
        _out(render_json(findings))
    else:
        if findings:
            _out(render_human(findings))
            _out()
        _out(summary_line(findings, len(results)))
    if any(c.unreadable for c in results):
        return EXIT_UNREADABLE
    if has_errors(findings) or (args.strict and counts(findings)[Severity.WARNING]):
        return EXIT_ERRORS
    return EXIT_OK


def _formats(text: str | None) -> tuple[str, ...]:
    from .outputs import FormatError, needs_libreoffice, parse_formats
    try:
        formats = parse_formats(text)
    except FormatError as exc:
        raise UsageError(str(exc)) from exc
    if needs_libreoffice(formats):
        from .writers.pdf import require_soffice
        require_soffice()  # before any work: no PDF without LibreOffice
    return formats


def _addresses(text: str | None, option: str) -> str | None:
    from .text import mail_addresses
    if text is None:
        return None
    _, bad = mail_addresses(text)
    if bad:
        raise UsageError(f"{option} 中的 {'、'.join(bad)} 不是有效的电子邮箱地址（应像 gkb@example.gov.cn；多个地址用分号隔开）")
    return text


def cmd_compile(args) -> int:
    from .outputs import SUFFIXES, recipients, render_report, write_rendered
    formats = _formats(args.to)
    mail_to, mail_cc = _addresses(args.mail_to, "--mail-to"), _addresses(args.mail_cc, "--mail-cc")
    if args.file is None:
        path = resource("excel_templates", EXAMPLE_WORKBOOK)
        display = f"示例-{EXAMPLE_WORKBOOK}"
        _err("未指定文件，编译内置示例（沙坡头区永康镇人民政府 2021 年度）。编译自己的填报表：nianbao compile 文件名.xlsx")
    else:
        path, display = Path(args.file), args.file
    if Path(args.output).suffix.lower() in SUFFIXES.values():
        raise UsageError(f"-o 应为输出文件夹，报告的文件名由机关名称和年度决定（如 -o {Path(args.output).parent}）")
    template = Path(args.docx_template) if args.docx_template else None
    if template is not None:
        from .writers.docx import check_template
        check_template(template)
    defaults = ("", "")
    if "eml" in formats:
        from .config import load_config, mail_defaults
        defaults = mail_defaults(load_config())
    index = _last_year_index(args.last_year) if args.last_year else {}
    checked = load(path, display)
    last = _match_last(checked.result, index, single=True) if index and checked.result is not None else None
    checked = run_checks_on(checked, last)
    shown = [f for f in checked.findings if f.severity is not Severity.INFO]
    if shown:
        _err(render_human(shown))
        _err(summary_line(checked.findings))
    if checked.result is None:
        _err("文件无法读取，未生成报告。")
        return EXIT_UNREADABLE
    errors = [f for f in checked.findings if f.severity is Severity.ERROR]
    if errors and not args.force:
        _err(f"有 {len(errors)} 处错误，未生成报告。请改正后重试（nianbao check {display} 可只做检查）；"
             "确需生成可加 --force。")
        return EXIT_ERRORS
    report = checked.result.report
    if "pdf" in formats:
        _err("正在用 LibreOffice 生成 PDF……")
    rendered = render_report(report, formats, runin=args.subheadings == "runin", template=template,
                             mail=recipients(report, mail_to, mail_cc, defaults) if "eml" in formats else None,
                             warnings=counts(checked.findings)[Severity.WARNING], errors=len(errors))
    paths = write_rendered(rendered, Path(args.output))
    for note in rendered.notes:
        _err(f"注意：{note}")
    if errors:
        banner = "！" * 30
        _err(banner)
        _err(f"注意：报告中仍有 {len(errors)} 处错误，按 --force 强制生成。这份报告不能直接发布！")
        _err(banner)
    for out in paths:
        _out(str(out))
    return EXIT_ERRORS if errors else EXIT_OK


def cmd_rules(args) -> int:
    if args.code:
        rule = RULES_BY_CODE.get(args.code.upper())
        if rule is None:
            raise UsageError(f"没有规则 {args.code}。运行 nianbao rules 查看全部规则。")
        _out(describe(rule))
        return EXIT_OK
    width = max(len(r.code) for r in RULES)
    for r in RULES:
        _out(f"{r.code.ljust(width)}  {r.severity.zh}  {r.title}")
    _out()
    _out("查看一条规则的说明和依据：nianbao rules 规则代码（如 nianbao rules T3-S1）")
    return EXIT_OK


# ---- batch / summary / next-year ----------------------------------------------------------------------


def cmd_batch(args) -> int:
    from .batch import BatchOptions, run_batch
    options = BatchOptions(jobs=args.jobs, runin=args.subheadings == "runin", formats=_formats(args.to),
                           last_year=tuple(Path(p) for p in _existing(args.last_year or [], "--last-year")),
                           review=_review(args.review))
    return run_batch([Path(p) for p in args.paths], Path(args.output), options)


def _review(path: str | None) -> tuple:
    """The decisions of --review (a 校验结果.xlsx a reviewer marked), its unusable rows said."""
    if not path:
        return ()
    from .writers.status import read_decisions
    decisions, notes = read_decisions(Path(path))
    for note in notes[:20]:
        _err(f"注意：--review {Path(path).name}：{note}")
    if len(notes) > 20:
        _err(f"注意：--review 另有 {len(notes) - 20} 行未采用。")
    _err(f"复核意见：{len(decisions)} 条（{Path(path).name}）。")
    return tuple(decisions)


def cmd_summary(args) -> int:
    from .summary import run_summary
    return run_summary([Path(p) for p in args.paths], Path(args.output), area=args.name,
                       include_invalid=args.include_invalid,
                       last_year=[Path(p) for p in _existing(args.last_year or [], "--last-year")] or None)


def cmd_next_year(args) -> int:
    from .checks import run_checks
    from .nextyear import CARRIED_TABLES, write_next_year
    result = _read_clean(args.workbook, "未生成下一年度的填报表。请先改正。")
    if isinstance(result, int):
        return result
    wrong = [f for f in run_checks(result) if f.severity is Severity.ERROR and f.path and f.path[0] in CARRIED_TABLES]
    if wrong and not args.force:
        _err(render_human(wrong))
        _err(f"上面 {len(wrong)} 处错误在要带入下一年度的表格里（结转数、现行有效件数可能不对），"
             "未生成下一年度的填报表。请先改正；确需生成可加 --force。")
        return EXIT_ERRORS
    target = _target(args.output, "下一年度填报表.xlsx", [args.workbook], overwrite=args.overwrite)
    _out(str(write_next_year(result.report, target)))
    return EXIT_OK


def cmd_compare(args) -> int:
    from .compare import OUTPUT_SUFFIXES, compare_files, render_comparison
    if args.format == "json" and args.output:
        raise UsageError("--format json 把对比结果输出到屏幕，不能同时用 -o；要写入文件请去掉 --format json")
    if args.format != "json":
        if not args.output:
            raise UsageError("请用 -o 给出输出文件：.html（网页）、.pdf 或 .xlsx（如 -o 对比.html）；"
                             "或用 --format json 输出到屏幕")
        target = _target(args.output, "对比.html", [args.last, args.this])
        if target.suffix.lower() not in OUTPUT_SUFFIXES:
            raise UsageError(f"-o 应是 {'、'.join(OUTPUT_SUFFIXES)} 文件，而不是“{target.suffix or target.name}”")
        if target.suffix.lower() == ".pdf":
            from .writers.htmlpdf import require_browser
            require_browser()  # before any work: no PDF without a browser
    comparison = compare_files(args.last, args.this)
    if args.format == "json":  # UTF-8 whatever the console's code page, as `export` writes
        sys.stdout.flush()
        sys.stdout.buffer.write((json.dumps(comparison.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        sys.stdout.buffer.flush()
        return EXIT_OK
    _out(str(atomic_write(target, render_comparison(comparison, target.suffix))))
    return EXIT_OK


def cmd_serve(args) -> int:
    from .web import serve
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port 应在 1 到 65535 之间（不写则自动选一个空闲端口），实为 {args.port}")
    return serve(args.port, open_browser=not args.no_browser, jobs=args.jobs, say=lambda text: _out(text))


def cmd_send(args) -> int:
    import getpass

    from .config import load_config, smtp_settings
    from .mail import MailError, send_eml
    settings = smtp_settings(load_config(Path(args.config) if args.config else None))
    ask = (lambda prompt: getpass.getpass(prompt)) if sys.stdin is not None and sys.stdin.isatty() else None
    try:
        sent = send_eml(Path(args.eml), settings, ask)
    except MailError as exc:
        _err(f"nianbao：未发送。{exc}")
        return EXIT_UNREADABLE
    _out(f"已发送给 {'、'.join(sent)}（经 {settings.host}:{settings.port}）")
    return EXIT_OK


# ---- argument parsing -------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nianbao",
        description="nianbao（年报）：由标准填报表生成《政府信息公开工作年度报告》（" + fmt.FORMAT_TITLE + "）。",
        epilog="常用流程：nianbao template → 在 Excel/WPS 中填写 → nianbao check 填报.xlsx → nianbao compile 填报.xlsx",
    )
    p.add_argument("--version", action="version", version=f"nianbao {__version__}（{fmt.FORMAT_ID}）")
    sub = p.add_subparsers(dest="command", metavar="命令")

    s = sub.add_parser("template", help="生成空白的标准填报表（.xlsx）")
    s.add_argument("-o", "--output", metavar="文件", help=f"输出文件（默认：{DEFAULT_TEMPLATE_NAME}）")
    s.add_argument("--mail-to", metavar="邮箱", help="预先填好“基本信息”的报送邮箱（政务公开办分发模板时用）")
    s.add_argument("--mail-cc", metavar="邮箱", help="预先填好“基本信息”的抄送邮箱")
    s.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("example", help="写出内置示例填报表（沙坡头区永康镇 2021 年度）")
    s.add_argument("-o", "--output", metavar="文件", help="输出文件（默认：示例-永康镇2021.xlsx）")
    s.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    s.set_defaults(func=cmd_example)

    s = sub.add_parser("compile", help="检查填报表并生成报告（Word，也可生成 PDF、网页、报送邮件）")
    s.add_argument("file", nargs="?", metavar="文件", help="填报表 .xlsx 或数据 .json（省略则编译内置示例）")
    s.add_argument("-o", "--output", metavar="文件夹", default=".", help="输出文件夹（默认：当前文件夹）")
    s.add_argument("--subheadings", choices=("runin", "standalone"), default="runin",
                   help="（一）至（五）小标题：runin 与正文接排“（一）主动公开：……”（默认），standalone 单独成行")
    s.add_argument("--force", action="store_true", help="即使有错误也生成报告（会醒目提示）")
    s.add_argument("--docx-template", metavar="文件", help="自定义 Word 模板（默认使用内置模板）")
    s.add_argument("--to", metavar="格式", default="docx",
                   help="输出格式，逗号隔开：docx（Word，默认）、pdf（存档 PDF，需要 LibreOffice）、html（网站用网页）、"
                        "eml（报送邮件，附上报告）；all 为全部")
    s.add_argument("--mail-to", metavar="邮箱", help="报送邮件的收件人（默认取“基本信息”的报送邮箱）")
    s.add_argument("--mail-cc", metavar="邮箱", help="报送邮件的抄送（默认取“基本信息”的抄送邮箱）")
    s.add_argument("--last-year", nargs="+", metavar="文件", help="上年度报告（填报表或 JSON），用于跨年度检查")
    s.set_defaults(func=cmd_compile)

    s = sub.add_parser("check", help="检查填报表（勾稽关系、空项、格式等），不生成报告")
    s.add_argument("files", nargs="+", metavar="文件", help="填报表 .xlsx、数据 .json 或文件夹")
    s.add_argument("--format", choices=("human", "json"), default="human", help="输出格式（默认 human）")
    s.add_argument("--strict", action="store_true", help="有警告也返回失败（退出码 1）")
    s.add_argument("--last-year", nargs="+", metavar="文件", help="上年度报告，按机关名称对应，用于跨年度检查")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("export", help="把填报表导出为数据 JSON")
    s.add_argument("workbook", metavar="填报表")
    s.add_argument("-o", "--output", metavar="文件", help="写入文件（默认输出到屏幕）")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("import", help="导入已发布的年度报告（Word、网页、PDF、文本），生成填好的填报表或数据 JSON",
                       description="读取已发布的《政府信息公开工作年度报告》（.docx、.html、.pdf 或 .txt），"
                                   "写成填好的标准填报表（含“导入说明”表：每项数据取自原文何处、哪些需要核对）或数据 JSON。"
                                   "第一年使用 nianbao 时，用它导入上一年度的报告，就能做跨年度检查、生成下一年度填报表。")
    s.add_argument("report", metavar="报告")
    s.add_argument("-o", "--output", metavar="文件", help="输出的 .xlsx 或 .json 文件（默认：与报告同名的 .xlsx）")
    s.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("fill", help="由数据 JSON 生成填好的填报表")
    s.add_argument("data", metavar="数据.json")
    s.add_argument("-o", "--output", metavar="文件", required=True, help="输出的 .xlsx 文件")
    s.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    s.set_defaults(func=cmd_fill)

    s = sub.add_parser("rules", help="列出全部检查规则，或说明一条规则")
    s.add_argument("code", nargs="?", metavar="规则代码")
    s.set_defaults(func=cmd_rules)

    s = sub.add_parser("batch", help="批量检查并生成报告，输出校验结果汇总表",
                       description="批量检查填报表并生成报告。退出码：0 没有错误，1 有文件有错误、无法读取或重复，2 用法错误。")
    s.add_argument("paths", nargs="+", metavar="路径", help="填报表、JSON 或文件夹（递归查找）")
    s.add_argument("-o", "--output", metavar="文件夹", required=True,
                   help="输出文件夹：生成的报告在其中的“报告”子文件夹，校验结果.xlsx 在文件夹中，"
                        "有错误的机关的退回说明在“退回说明”子文件夹")
    s.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="并行进程数（默认：全部 CPU 核）")
    s.add_argument("--last-year", nargs="+", metavar="路径", help="上年度的填报表或文件夹，按机关名称对应")
    s.add_argument("--subheadings", choices=("runin", "standalone"), default="runin", help="小标题样式，同 compile")
    s.add_argument("--to", metavar="格式", default="docx",
                   help="报告的格式，同 compile：docx、pdf、html，逗号隔开；加 eml 时退回说明也写成发给各机关的邮件（.eml）")
    s.add_argument("--review", metavar="校验结果.xlsx",
                   help="上次生成、已在“问题明细”表的“复核”“理由”列填写了复核意见的校验结果；"
                        "标为“不采纳”的问题不再作为错误或警告（错误须写明理由），意见带入新的校验结果")
    s.set_defaults(func=cmd_batch)

    s = sub.add_parser("summary", help="汇总多个机关同一年度的表二、表三、表四",
                       description="汇总同一年度各机关的表二、表三、表四。退出码：0 全部计入，1 已汇总但有文件未计入"
                                   "（或按 --include-invalid 计入了有错误的文件），2 未汇总（年度不同、同一机关重复、没有可汇总的文件）。")
    s.add_argument("paths", nargs="+", metavar="路径", help="填报表、JSON 或文件夹")
    s.add_argument("-o", "--output", metavar="文件", required=True,
                   help="输出文件：.json（数据）、.xlsx（汇总表）、.docx（Word）、.pdf 或 .html（网页）")
    s.add_argument("--name", metavar="地区", default="", help="汇总报告的标题名称，如“沙坡头区”")
    s.add_argument("--include-invalid", action="store_true", help="有错误的文件也计入汇总（默认排除并列出）")
    s.add_argument("--last-year", nargs="+", metavar="路径",
                   help="往年的填报表或文件夹（可含多个年度）：按机关名称对应上一年度，计算各项指标的同比，并画出历年趋势")
    s.set_defaults(func=cmd_summary)

    s = sub.add_parser("compare", help="对比同一机关两个年度的报告（正文重复率、表格增减、跨年度问题）",
                       description="对比同一机关上年和本年的报告：逐部分并排显示正文、标出改动和重复率，"
                                   "表二、表三、表四逐格列出增减，并列出跨年度问题和各年度自身的问题。"
                                   "两份文件可以是填报表、数据 JSON 或已发布的报告（.docx、.html、.pdf、.txt）。"
                                   "退出码：0 已生成对比，2 文件无法读取或两份报告不能对比。")
    s.add_argument("last", metavar="上年报告")
    s.add_argument("this", metavar="本年报告")
    s.add_argument("-o", "--output", metavar="文件", help="输出文件：.html（网页）、.pdf（由浏览器打印）或 .xlsx")
    s.add_argument("--format", choices=("file", "json"), default="file", help="json：把对比结果以 JSON 输出到屏幕")
    s.set_defaults(func=cmd_compare)

    s = sub.add_parser("send", help="通过邮件服务器发送 .eml 邮件（如 compile --to eml 生成的报送邮件）",
                       description="发送 .eml 邮件。发信服务器在设置文件的 [smtp] 中或用环境变量设置；"
                                   "密码用环境变量 NIANBAO_SMTP_PASSWORD 或按提示输入，不能写在命令行上。"
                                   "退出码：0 已发送，2 未发送。")
    s.add_argument("eml", metavar="邮件.eml")
    s.add_argument("--config", metavar="文件", help="设置文件（默认：%%APPDATA%%\\nianbao\\nianbao.toml 或 ~/.config/nianbao/nianbao.toml）")
    s.set_defaults(func=cmd_send)

    s = sub.add_parser("serve", help="在本机浏览器中使用 nianbao（检查、生成报告、批量处理）",
                       description="启动只在本机（127.0.0.1）访问的网页，并打开浏览器。关闭窗口或按 Ctrl+C 停止。")
    s.add_argument("--port", type=int, default=0, metavar="端口", help="端口（默认：自动选一个空闲端口）")
    s.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    s.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="批量处理的并行进程数（默认：全部 CPU 核）")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("next-year", help="由今年的填报表生成下一年度的填报表（结转数、现行有效件数带入）")
    s.add_argument("workbook", metavar="填报表")
    s.add_argument("-o", "--output", metavar="文件", required=True, help="下一年度填报表 .xlsx")
    s.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    s.add_argument("--force", action="store_true", help="今年的表二、表三有错误也生成（结转数按填写的数带入）")
    s.set_defaults(func=cmd_next_year)

    from .server.cli import register as register_server  # imports nothing of the server's extra
    register_server(sub)
    return p


# argparse's own messages (usage, errors, the -h line), in Chinese: argparse looks its texts up through
# its module-level gettext function, which main() swaps for this table while it parses.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s（用了 --last-year 时，请把它放在文件名之后）",
    "unrecognized arguments: %s": "无法识别的参数：%s（选项可放在文件名之前，如 nianbao check --format json 文件.xlsx）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的值 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "expected one argument": "后面需要一个值",
    "expected at least one argument": "后面至少需要一个值",
    "expected at most one argument": "后面最多一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "需要参数 %s 之一",
}


@contextlib.contextmanager
def _chinese_argparse():
    original = argparse._
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, original(text))
    try:
        yield
    finally:
        argparse._ = original


def serve_main() -> int:
    """The ``nianbao-serve`` program (a double-click starts the web page): ``nianbao serve``."""
    return main(["serve", *sys.argv[1:]])


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    with _chinese_argparse():
        parser = _parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_UNREADABLE
    try:
        return args.func(args)
    except UserError as exc:
        _err(f"nianbao：{exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _err("已中断。")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader of our output went away (e.g. `nianbao check … | more` closed early): stop quietly,
        # and keep Python's final flush of the closed pipe from printing a traceback
        if sys.stdout is sys.__stdout__:
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
        return EXIT_ERRORS
    except Exception as exc:  # a bug of ours: a sentence, a log file and exit code 3, never a traceback
        log = log_internal_error(exc, "nianbao " + " ".join(sys.argv[1:] if argv is None else argv))
        where = f"详细信息已写入 {log}，请把这个文件发给 nianbao 的维护人员。" if log else "详细信息无法写入日志文件。"
        _err(f"nianbao：内部错误（{type(exc).__name__}），命令没有完成。这是 nianbao 自身的问题，不是输入文件的错误；{where}")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
