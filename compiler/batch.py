"""Many files at once: find the inputs, check and compile each, write the status workbook.

``nianbao batch`` is built for a 政务公开办 that receives dozens (a county) or thousands
(a province) of workbooks:

- every file is read, checked and — when it has no errors — compiled in a worker
  process; a worker returns a small ``Outcome`` (status, counts, key figures, the
  findings), never the report, so the parent's memory does not grow with the batch;
- compiled reports (the formats of ``--to``: .docx, PDF, web page) are first written to
  a staging folder inside OUTDIR and moved to ``OUTDIR/报告/`` only at the end, when
  every file has been seen: two files of the same office and year are a conflict
  ("重复"), and neither of them is published;
- outcomes are spooled to a temporary file in input order; the final pass streams
  them into ``OUTDIR/校验结果.xlsx`` (openpyxl write-only) and writes the
  reply-email texts ``OUTDIR/退回说明/{机关名称}.txt`` (with ``--to eml`` also as
  ready-to-send .eml addressed to the office's 电子邮箱).

``batch_files`` is the work itself (the web app runs it too, with its own progress and
a callback per file); ``run_batch`` is the command around it.

Exit code: 0 when no file has errors, 1 when any file has errors, cannot be read or
is a duplicate, 2 for usage errors (no inputs found).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import threading
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol

from .errors import EXIT_ERRORS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .diagnostics import Finding, Severity, sort_key
from .fileio import OutputError, atomic_write, check_writable, reason
from .inputs import find_inputs, office_key
from .parallel import jobs_for, progress_bar, run_parallel
from .model import safe_filename
from .names import shown_name
from .outcomes import (FAILING, STATUS_DUPLICATE, STATUS_ERROR, STATUS_OK, STATUS_UNREADABLE, STATUS_WARN, STATUSES,
                       Outcome)
from .rules import finding


REPORTS_DIR = "报告"
REPLIES_DIR = "退回说明"
STATUS_FILE = "校验结果.xlsx"
STAGING_PREFIX = ".nianbao-staging-"

DUPLICATE_CODE = "BATCH-DUP"  # see compiler.rules
REPLY_MAX_ERRORS = 100
REPLY_MAX_WARNINGS = 30


# ---- the worker -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchOptions:
    jobs: int | None = 0  # worker processes (0: one per CPU core)
    last_year: tuple[Path, ...] = ()  # last year's files or folders
    runin: bool = True  # （一）…（五） run in
    formats: tuple[str, ...] = ("docx",)  # --to: report formats; "eml" writes the replies as e-mails too
    review: tuple = ()  # --review: a reviewer's decisions (review.Decision) from an earlier 校验结果.xlsx

    @property
    def report_formats(self) -> tuple[str, ...]:
        return tuple(f for f in self.formats if f != "eml") or ("docx",)


# Set in each worker by _init_worker (and in-process for jobs=1)
_LAST_INDEX: dict[str, list[tuple[str, int | None]]] = {}
_STAGING: Path | None = None
_OPTIONS = BatchOptions()
_CONVERTER = None  # this worker's warm LibreOffice (writers.pdf_converter), started by its first PDF
_REVIEW: dict[str, dict] = {}  # office key -> fingerprint -> Decision


_BUSY = False  # a worker is working on a file (a Ctrl+C stops it) rather than waiting for one


def _init_worker(last_index: dict, staging: str | None, options: BatchOptions, temp: str | None = None) -> None:
    global _LAST_INDEX, _STAGING, _OPTIONS, _REVIEW
    _LAST_INDEX = last_index
    _STAGING = Path(staging) if staging else None
    _OPTIONS = options
    _REVIEW = {}
    for d in options.review:
        _REVIEW.setdefault(d.office, {})[d.fingerprint] = d
    if multiprocessing.parent_process() is not None:  # a worker process (jobs=1 works in the caller)
        if temp:  # what the writers leave in the temporary folder (LibreOffice's profile) goes with the batch
            tempfile.tempdir = temp
        signal.signal(signal.SIGINT, _worker_interrupt)


def _worker_interrupt(signum, frame) -> None:
    """Ctrl+C reaches the workers too (one process group): a busy worker stops its file, so that its
    writers clean up (their `finally`s run); an idle one ignores it and leaves when the pool is shut
    down, without the traceback multiprocessing prints for a worker interrupted while it waits."""
    global _BUSY
    if _BUSY:
        _BUSY = False  # once: a second interrupt must not cut the clean-up short
        raise KeyboardInterrupt


def process_file(index: int, path: str, display: str) -> Outcome:
    """Read, check and (without errors) compile one file.  Never raises: a failure is an outcome."""
    global _BUSY
    _BUSY = True
    try:
        return _process(index, path, display)
    except Exception as exc:  # a bug or an unforeseen file must not end the batch
        display = shown_name(display)
        message = (f"处理这个文件时出现内部错误（{type(exc).__name__}：{shown_name(str(exc))[:200]}），未能检查。"
                   "请把这个文件发给 nianbao 的维护人员。")
        return Outcome(index, display, STATUS_UNREADABLE, findings=[finding("FILE-READ", message, file=display)],
                       notes=[message])
    finally:
        _BUSY = False


def _process(index: int, path: str, display: str) -> Outcome:
    from .checks import all_findings
    from .diagnostics import has_errors
    from .pipeline import load

    checked = load(path, display)
    display = checked.file  # the name as outputs can hold it (names.displayable); a FILE-NAME note says so
    if checked.result is None:
        return Outcome(index, display, STATUS_UNREADABLE, findings=list(checked.findings),
                       notes=[f.message for f in checked.findings])
    result = checked.result
    report = result.report
    if result.summary:
        message = (f"这是 nianbao summary 生成的汇总表（{report.office.get('name', '')}），不是某个机关的填报表，未处理。"
                   "请把它移出要批量处理的文件夹。")
        return Outcome(index, display, STATUS_UNREADABLE, findings=[finding("FILE-FORMAT", message, file=display)],
                       notes=[message])
    out = Outcome(index, display, office=report.office.get("name", ""), key=office_key(report), year=report.year,
                  email=report.office.get("email", ""))
    out.notes += [f.message for f in result.findings if f.code == "FILE-NAME"]
    last = None
    if _LAST_INDEX:
        last, note = _find_last(out.key, report.year)
        if note:
            out.notes.append(note)
        if last is not None:
            out.last_file = last.file
    out.findings = all_findings(result, last)
    if _LAST_INDEX and last is None:
        out.findings.append(finding("YEAR-NOLAST", out.notes[-1] if out.notes else "未做跨年度检查", file=display))
    if _REVIEW:
        from .review import apply_decisions
        applied = apply_decisions(out.findings, _REVIEW.get(out.key, {}))
        out.findings = applied.findings
        if applied.note:
            out.notes.append(f"复核：{applied.note}")
    out.figures = report.key_figures()
    if has_errors(out.findings):
        out.status = STATUS_ERROR
        return out
    out.status = STATUS_WARN if out.warnings else STATUS_OK
    if _STAGING is not None:
        _stage(out, report, index)
    return out


def _stage(out: Outcome, report, index: int) -> None:
    """Make the outputs of a report without errors and leave them in the staging folder."""
    from .outputs import render_report

    out.report_name = report.file_stem
    try:
        rendered = render_report(report, _OPTIONS.report_formats, runin=_OPTIONS.runin, converter=_converter())
        staged = {suffix: _STAGING / f"{index}{suffix}" for suffix in rendered.files}
        for suffix, data in rendered.files.items():
            atomic_write(staged[suffix], data)
    except OutputError as exc:  # our disk or our LibreOffice, not the office's file: keep its status, say so
        out.notes.append(f"报告未能生成：{exc}")
        out.write_failed = True
        return
    out.staged = {suffix: str(path) for suffix, path in staged.items()}
    out.output_notes = rendered.notes


def _converter():
    """This worker's converter when the batch makes PDFs (None: the one-shot path, or no PDF)."""
    global _CONVERTER
    if _CONVERTER is None and "pdf" in _OPTIONS.report_formats:
        from .writers.pdf_converter import converter_or_none

        _CONVERTER = converter_or_none() or False  # False: asked once, no warm converter on this machine
    return _CONVERTER or None


def _stop_converter() -> None:
    """End this process's converter (jobs=1; a worker's own ends with the worker)."""
    global _CONVERTER
    if _CONVERTER:
        _CONVERTER.stop()
    _CONVERTER = None


def _find_last(key: str, year: int | None):
    """Last year's ReadResult of the office, and a note when there is something to say."""
    from .pipeline import load

    candidates = _LAST_INDEX.get(key) if key else None
    if not candidates:
        return None, "上年度文件中没有这个机关（按机关名称对应），未做跨年度检查"
    if year is None:
        return None, "报告年度为空，无法对应上年度文件，未做跨年度检查"
    matching = [p for p, y in candidates if y == year - 1]
    if not matching:
        years = "、".join(sorted({str(y) for _, y in candidates if y is not None})) or "空"
        return None, f"上年度文件中这个机关的报告年度是 {years}，不是 {year - 1}，未做跨年度检查"
    checked = load(matching[0])
    if checked.result is None:  # pragma: no cover - it was readable when indexed
        return None, f"上年度文件 {shown_name(matching[0])} 无法读取，未做跨年度检查"
    note = ""
    if len(matching) > 1:
        note = f"上年度有 {len(matching)} 个这个机关的文件，跨年度检查使用了 {shown_name(matching[0])}"
    return checked.result, note


def identify(path: str) -> tuple[str, str, int | None, str]:
    """(path, office_key, year, problem) of a last-year file."""
    from .pipeline import load

    global _BUSY
    _BUSY = True
    try:
        checked = load(path)
    except Exception as exc:  # pragma: no cover - see process_file
        return path, "", None, f"内部错误（{type(exc).__name__}）"
    finally:
        _BUSY = False
    if checked.result is None:
        return path, "", None, checked.findings[0].message
    return path, office_key(checked.result.report), checked.result.report.year, ""


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except OSError:  # pragma: no cover
        return False


def _identify_crashed(task: tuple) -> tuple[str, str, int | None, str]:
    return task[0], "", None, "读取时程序异常退出"


def _crashed(task: tuple) -> Outcome:
    index, _, display = task
    display = shown_name(display)
    message = "处理这个文件时程序异常退出（可能是文件异常或内存不足），未能检查。请在 Excel/WPS 中打开并另存后重试。"
    return Outcome(index, display, STATUS_UNREADABLE, findings=[finding("FILE-READ", message, file=display)],
                   notes=[message])


# ---- the batch ------------------------------------------------------------------------------------


class Progress(Protocol):
    """What the batch says while it works: the console's progress bar, or the web page's."""

    def begin(self, what: str, total: int) -> None: ...

    def started(self) -> None: ...  # the worker processes exist (a progress thread may start now)

    def advance(self) -> None: ...

    def end(self) -> None: ...


class _Quiet:
    def begin(self, what: str, total: int) -> None:
        pass

    def started(self) -> None:
        pass

    def advance(self) -> None:
        pass

    def end(self) -> None:
        pass


class ConsoleProgress:
    """A rich progress bar on the console (shown only on a terminal)."""

    def __init__(self, console):
        self.console = console
        self.bar = self.task = None

    def begin(self, what: str, total: int) -> None:
        self.bar, self.task = progress_bar(self.console, total, what)

    def started(self) -> None:
        self.bar.start()

    def advance(self) -> None:
        self.bar.advance(self.task)

    def end(self) -> None:
        self.bar.stop()


@dataclass
class _Entry:
    """What the parent keeps of each file until the end: a few fields."""

    key: str
    year: int | None
    status: str


@dataclass
class BatchResult:
    counts: dict[str, int]
    status_path: Path
    files: int = 0
    reports: int = 0
    replies: int = 0
    problems: list[tuple[str, str, str, int, str]] = field(default_factory=list)  # the first PROBLEMS_SHOWN
    n_problems: int = 0
    stale: list[Path] = field(default_factory=list)
    renamed: int = 0
    not_written: int = 0  # reports or replies that could not be written (e.g. open in Word)
    write_errors: list[str] = field(default_factory=list)  # the reply files' messages (reports: 说明 column)
    output_notes: list[str] = field(default_factory=list)  # about the outputs (each said once)
    seconds: float = 0.0
    interrupted_late: bool = False  # Ctrl+C came while the results were being put in place: they are whole

    @property
    def failed(self) -> bool:
        return bool(self.not_written or any(self.counts[s] for s in FAILING))


PROBLEMS_SHOWN = 30
# Called for every file at the end, in input order: the outcome, its reports (paths relative to OUTDIR)
# and its reply text ("" when it needs none)
OnFile = Callable[[Outcome, list[str], str], None]


def find_batch_inputs(paths: list[Path], outdir: Path) -> list[Path]:
    """The inputs a batch takes: files given and found in folders, never last run's outputs in OUTDIR."""
    return [f for f in find_inputs([Path(p) for p in paths]) if not _inside(f, outdir)]


def prepare_outdir(outdir: Path) -> None:
    """Create OUTDIR and make sure the status workbook can be written (not after an hour of work)."""
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"输出位置 {outdir} 是一个文件，应为文件夹。")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹 {outdir}：{reason(exc)}") from exc
    check_writable(outdir / STATUS_FILE)  # it may be open in Excel


def batch_files(files: list[tuple[Path, str]], outdir: Path, options: BatchOptions = BatchOptions(),
                progress: Progress | None = None, console=None, on_file: OnFile | None = None) -> BatchResult:
    """Check and compile ``files`` ((path, the name shown for it)) into OUTDIR; the status workbook, the
    reports and the replies are written at the end."""
    progress = progress or _Quiet()
    started_at = time.perf_counter()
    outdir = Path(outdir)
    prepare_outdir(outdir)
    n_jobs = jobs_for(options.jobs, len(files))
    last_index: dict[str, list[tuple[str, int | None]]] = {}
    if options.last_year:
        try:
            last_index = _index_last_year(list(options.last_year), n_jobs, console, progress)
        except KeyboardInterrupt:
            raise BatchInterrupted(0, len(files)) from None
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=outdir))
    temp = Path(tempfile.mkdtemp(prefix="nianbao-batch-"))  # the workers' temporary files
    spool = tempfile.TemporaryFile(prefix="nianbao-batch-", dir=temp)
    entries: list[_Entry] = []
    try:
        entries, notes = _check_all(files, n_jobs, last_index, staging, options, spool, progress, temp, entries)
        spool.seek(0)
        result = _finish(outdir, entries, spool, options, on_file, staging)
    except KeyboardInterrupt:
        raise BatchInterrupted(len(entries), len(files)) from None
    finally:
        spool.close()
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(temp, ignore_errors=True)
    result.files = len(files)
    result.output_notes = notes
    result.seconds = time.perf_counter() - started_at
    return result


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl+C before the results were put in place: nothing was written to OUTDIR (its staging folder and
    the workers' temporary files are removed); ``done`` of ``total`` files had been checked."""

    def __init__(self, done: int, total: int):
        super().__init__(done, total)
        self.done = done
        self.total = total

    def message(self, outdir: Path) -> str:
        return (f"已中断：已检查 {self.done} / {self.total} 个文件，但没有写入任何结果——输出文件夹 {outdir} "
                f"中没有新的{STATUS_FILE}、报告或退回说明，原有的文件未改动，临时文件已删除。请重新运行 nianbao batch。")


def run_batch(paths: list[Path], outdir: Path, options: BatchOptions = BatchOptions()) -> int:
    """``nianbao batch``: the inputs found, the work done with a progress bar, the result printed."""
    from rich.console import Console

    console = Console(file=sys.stderr, highlight=False, soft_wrap=False)
    outdir = Path(outdir)
    files = find_batch_inputs(paths, outdir)
    if not files:
        console.print("nianbao：没有找到要处理的 .xlsx、.xlsm、.json 文件或已发布的报告（.docx、.html、.pdf、.txt；文件夹会递归查找）。")
        return EXIT_USAGE
    try:
        result = batch_files([(f, str(f)) for f in files], outdir, options, ConsoleProgress(console), console)
    except BatchInterrupted as exc:
        console.print(exc.message(outdir))
        return EXIT_INTERRUPTED
    _print_summary(console, result, outdir)
    print(result.status_path, flush=True)
    return EXIT_ERRORS if result.failed else EXIT_OK


def _say(console, text: str) -> None:
    if console is not None:
        console.print(text)


def _index_last_year(paths: list[Path], jobs: int, console, progress: Progress) -> dict[str, list[tuple[str, int | None]]]:
    files = find_inputs(paths)
    if not files:
        _say(console, "注意：--last-year 没有找到任何填报表、JSON 或已发布的报告，不做跨年度检查。")
        return {}
    index: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    progress.begin("读取上年度文件", len(files))
    skipped = []
    try:
        tasks = [(str(p),) for p in files]
        for _, (path, key, year, problem) in run_parallel(identify, tasks, min(jobs, len(files)), _init_worker,
                                                          ({}, None, BatchOptions()), on_crash=_identify_crashed,
                                                          started=progress.started):
            if problem or not key:
                skipped.append((path, problem or "机关名称为空"))
            else:
                index[key].append((path, year))
            progress.advance()
    finally:
        progress.end()
    for path, problem in skipped[:20]:
        _say(console, f"注意：上年度文件 {shown_name(path)} 无法使用，已跳过：{problem}")
    if len(skipped) > 20:
        _say(console, f"注意：另有 {len(skipped) - 20} 个上年度文件无法使用，已跳过。")
    _say(console, f"上年度文件：{len(files)} 个，可按机关名称对应的 {sum(len(v) for v in index.values())} 个。")
    return dict(index)


def _check_all(files: list[tuple[Path, str]], jobs: int, last_index, staging: Path, options: BatchOptions,
               spool, progress: Progress, temp: Path, entries: list[_Entry]) -> tuple[list[_Entry], list[str]]:
    tasks = [(i, str(path), display) for i, (path, display) in enumerate(files)]
    notes: list[str] = []
    progress.begin("检查并生成报告", len(files))
    try:
        for _, outcome in run_parallel(process_file, tasks, jobs, _init_worker,
                                       (last_index, str(staging), options, str(temp)),
                                       on_crash=_crashed, started=progress.started):
            entries.append(_Entry(outcome.key, outcome.year, outcome.status))
            notes += [n for n in outcome.output_notes if n not in notes]
            pickle.dump(outcome, spool, protocol=pickle.HIGHEST_PROTOCOL)
            progress.advance()
    finally:
        _stop_converter()
        progress.end()
    return entries, notes


def _outcomes(spool) -> Iterator[Outcome]:
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


def _duplicates(entries: list[_Entry]) -> dict[int, list[int]]:
    """File index -> the indexes of every file of the same office and year (when more than one)."""
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        if e.key and e.year is not None and e.status != STATUS_UNREADABLE:
            groups[(e.key, e.year)].append(i)
    return {i: members for members in groups.values() if len(members) > 1 for i in members}


def _finish(outdir: Path, entries: list[_Entry], spool, options: BatchOptions, on_file: OnFile | None,
            staging: Path) -> BatchResult:
    """Decide every output in the staging folder, then put them all in place at once (``_commit``).

    A Ctrl+C before the commit leaves OUTDIR as it was; the commit itself is a few renames and is not
    interrupted halfway, so OUTDIR never holds half a batch (58 reports of 200 and no 校验结果.xlsx)."""
    from .writers.status import StatusWorkbook

    dups = _duplicates(entries)
    names = [None] * len(entries)  # file display names, for the duplicate messages
    if dups:
        for o in _outcomes(spool):
            names[o.index] = o.file
        spool.seek(0)
    reports_dir = outdir / REPORTS_DIR
    replies_dir = outdir / REPLIES_DIR
    before = {p for d in (reports_dir, replies_dir) if d.is_dir() for p in d.iterdir() if p.is_file()}
    written: set[Path] = set()
    moves: list[tuple[Path, Path]] = []  # (a file in the staging folder, its place in OUTDIR)
    claimed_reports: set[str] = set()
    claimed_replies: set[str] = set()
    dup_groups: dict[tuple, list[Outcome]] = defaultdict(list)
    result = BatchResult({s: 0 for s in STATUSES}, outdir / STATUS_FILE)
    book = StatusWorkbook()
    emails = "eml" in options.formats
    pending: list[tuple[Outcome, list[str]]] = []  # duplicates wait for their group's reply
    replies = _Replies(staging / "replies", replies_dir, emails, claimed_replies, result, written, moves)

    try:
        for o in _outcomes(spool):
            if o.index in dups:
                others = [names[j] for j in dups[o.index] if j != o.index]
                o.status = STATUS_DUPLICATE
                message = (f"与 {'、'.join(others)} 是同一机关（{o.office}）同一年度（{o.year}年度）的填报表，"
                           "无法确定以哪一份为准，均未生成报告。请确认后只保留一份，再重新运行。")
                o.notes.insert(0, message)
                o.findings.append(finding(DUPLICATE_CODE, message, file=o.file))
                for staged in o.staged.values():
                    _remove(staged)
                o.staged = {}
                dup_groups[(o.key, o.year)].append(o)
            reports: list[str] = []
            if o.staged:
                stem = _claim_stem(reports_dir, o.report_name, tuple(o.staged), claimed_reports)
                if stem != o.report_name:
                    o.notes.append(f"另一机关的报告同名，本报告改名为 {stem}")
                    result.renamed += 1
                for suffix, staged in o.staged.items():
                    target = reports_dir / (stem + suffix)
                    try:
                        check_writable(target)  # one report open in Word must not lose the others
                    except OutputError as exc:
                        o.notes.append(f"报告未能写入：{exc}")
                        result.not_written += 1
                    else:
                        moves.append((Path(staged), target))
                        written.add(target)
                        reports.append(str(target.relative_to(outdir)))
                result.reports += 1 if reports else 0
            elif o.write_failed:
                result.not_written += 1  # the note says why
            elif o.status in (STATUS_OK, STATUS_WARN):  # pragma: no cover - jobs always compile these
                o.notes.append("未生成报告")
            elif o.status == STATUS_ERROR:
                o.notes.append("有错误，未生成报告；退回说明见“" + REPLIES_DIR + "”文件夹")
            reply = ""
            if o.status in (STATUS_ERROR, STATUS_UNREADABLE):
                reply = reply_text([o])
                replies.write(safe_filename(o.office or Path(o.file).stem), [o], reply)
            result.counts[o.status] += 1
            if o.status in FAILING:
                result.n_problems += 1
                if len(result.problems) < PROBLEMS_SHOWN:
                    first = next((f.message for f in sorted(o.findings, key=sort_key)
                                  if f.severity is Severity.ERROR and not f.settled), "")
                    result.problems.append((o.file, o.office, o.status, o.errors, first))
            book.add_file(o, "；".join(reports))
            if o.status == STATUS_DUPLICATE:
                o.findings = [f for f in o.findings if f.severity is Severity.ERROR]  # kept for the reply only
                pending.append((o, reports))
            elif on_file is not None:
                on_file(o, reports, reply)
        for group in dup_groups.values():
            reply = reply_text(group)
            replies.write(safe_filename(group[0].office), group, reply)
            for o in group:
                if on_file is not None:
                    on_file(o, [], reply)
        status = staging / STATUS_FILE
        status.write_bytes(book.to_bytes())
    except BaseException:
        book.abandon()  # no "Exception ignored" from lxml's half-written sheets
        raise
    moves.append((status, result.status_path))
    _commit(moves, result)
    result.stale = sorted(p for p in before if p not in written)
    return result


class _Replies:
    """退回说明/{name}.txt (with --to eml also .eml), written to the staging folder and moved at the commit."""

    def __init__(self, staging: Path, folder: Path, emails: bool, claimed: set[str], result: BatchResult,
                 written: set[Path], moves: list[tuple[Path, Path]]):
        self.staging, self.folder, self.emails, self.claimed = staging, folder, emails, claimed
        self.result, self.written, self.moves = result, written, moves
        self.n = 0

    def write(self, name: str, outcomes: list[Outcome], text: str) -> None:
        suffixes = (".txt", ".eml") if self.emails else (".txt",)
        stem = _claim_stem(self.folder, name, suffixes, self.claimed)
        files = [(self.folder / (stem + ".txt"), _text_bytes(text))]
        if self.emails:
            files.append((self.folder / (stem + ".eml"), reply_email(outcomes, text)))
        staged = []
        try:
            for target, data in files:
                check_writable(target)
                self.n += 1
                path = self.staging / f"{self.n}{target.suffix}"
                atomic_write(path, data)
                staged.append((path, target))
        except OutputError as exc:
            self.result.not_written += 1
            self.result.write_errors.append(str(exc))
            return
        self.moves += staged
        self.written.update(target for _, target in staged)
        self.result.replies += 1


def _commit(moves: list[tuple[Path, Path]], result: BatchResult) -> None:
    """Put the staged outputs in place: renames within OUTDIR, a fraction of a second for a thousand files,
    during which a Ctrl+C waits (it is raised when they are done, and the result is whole)."""
    deferred: list[int] = []
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGINT, lambda signum, frame: deferred.append(signum))
    try:
        for src, dst in moves:
            try:
                _move(src, dst)
            except OutputError as exc:  # checked writable a moment ago; said, the others still go in place
                result.not_written += 1
                result.write_errors.append(str(exc))
    finally:
        if restore is not None:
            signal.signal(signal.SIGINT, restore)
    if deferred:
        result.interrupted_late = True


def reply_email(outcomes: list[Outcome], text: str) -> bytes:
    """The reply as an e-mail to the office's 电子邮箱 (as its workbook gives it)."""
    from .text import mail_addresses
    from .writers.eml import build_message

    first = outcomes[0]
    to: list[str] = []
    for o in outcomes:
        to += [a for a in mail_addresses(o.email)[0] if a not in to]
    year = f"{first.year}年度" if first.year is not None else ""
    subject = f"关于{first.office or _name(first.file)}{year}政府信息公开工作年度报告填报表的退回说明"
    return build_message(subject, text, to=to)


def _claim_stem(folder: Path, stem: str, suffixes: tuple[str, ...], claimed: set[str]) -> str:
    """A file-name stem in ``folder`` that no file of this run has taken with any of ``suffixes``:
    名称, 名称（2）, …"""
    candidate, n = stem, 1
    while any((candidate + s).lower() in claimed for s in suffixes):
        n += 1
        candidate = f"{stem}（{n}）"
    claimed.update((candidate + s).lower() for s in suffixes)
    return candidate


def _move(src: Path, dst: Path) -> None:
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
    except PermissionError as exc:
        raise OutputError(f"无法写入 {dst}：文件可能正在 Word 或 WPS 中打开，请关闭后重试") from exc
    except OSError as exc:
        raise OutputError(f"无法写入 {dst}：{reason(exc)}") from exc


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _text_bytes(text: str) -> bytes:
    """A text file Notepad on a Chinese Windows opens correctly: UTF-8 with BOM, CRLF."""
    return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")


# ---- the reply email ---------------------------------------------------------------------------


def _place(f: Finding) -> str:
    if f.sheet and f.cell:
        return f"{f.sheet}!{f.cell}"
    return f.sheet or f.cell or "整个文件"


def _item(n: int, f: Finding) -> str:
    what = f"{f.row_label}·{f.column_label}" if f.row_label and f.column_label else (f.row_label or "")
    message = f.message
    if what and message.startswith(what):
        message = message[len(what):].lstrip(" ：:")
    parts = [_place(f)] + ([what] if what else []) + [message]
    return f"{n}. " + " — ".join(parts)


def _listing(findings: list[Finding], severity: Severity, limit: int) -> list[str]:
    """The findings of ``severity`` that stand (not those a reviewer settled)."""
    chosen = [f for f in sorted(findings, key=sort_key) if f.severity is severity and not f.settled]
    lines = [_item(i + 1, f) for i, f in enumerate(chosen[:limit])]
    if len(chosen) > limit:
        lines.append(f"……另有 {len(chosen) - limit} 处未列出，全部问题见填报表中的“校验”工作表。")
    return lines


def _name(file: str) -> str:
    """The file as the office knows it: its name, not the path on the clerk's machine."""
    return Path(file).name


def reply_text(outcomes: list[Outcome]) -> str:
    """A short, polite text to paste into the reply email: what to fix, cell by cell."""
    first = outcomes[0]
    office = first.office or "（机关名称未填写）"
    year = f"{first.year}年度" if first.year is not None else ""
    lines = [f"{office}：", ""]
    if len(outcomes) > 1:
        lines.append(f"我们收到了贵单位{year}政府信息公开工作年度报告的 {len(outcomes)} 份填报表：")
        lines += [f"  {i + 1}. {_name(o.file)}" for i, o in enumerate(outcomes)]
        lines += ["无法确定以哪一份为准，因此都没有处理（未生成报告）。请确认正确的一份，只报送这一份。", ""]
        for o in outcomes:
            errors = [f for f in o.findings if f.severity is Severity.ERROR and f.code != DUPLICATE_CODE]
            if errors:
                lines.append(f"另外，{_name(o.file)} 中有以下 {len(errors)} 处错误需要改正：")
                lines += _listing(errors, Severity.ERROR, REPLY_MAX_ERRORS)
                lines.append("")
    elif first.status == STATUS_UNREADABLE:
        message = first.findings[0].message if first.findings else "文件无法读取。"
        lines += [f"贵单位报送的文件“{_name(first.file)}”无法读取：", "", message, "",
                  "请按上述提示处理后重新报送。如果不是用标准填报表填写的，请向我们索取空白的标准填报表"
                  "（nianbao 网页上“下载空白填报表”），在其中重新填写。", ""]
    else:
        errors = [f for f in first.findings if f.severity is Severity.ERROR and not f.settled]
        lines.append(f"贵单位报送的{year}政府信息公开工作年度报告填报表（文件：{_name(first.file)}）经检查，"
                     f"有以下 {len(errors)} 处错误需要改正（格式：工作表!单元格 — 行·列 — 问题）：")
        lines.append("")
        lines += _listing(first.findings, Severity.ERROR, REPLY_MAX_ERRORS)
        lines.append("")
        if first.warnings:
            lines.append(f"另有 {first.warnings} 处需要核实的地方（不影响报送，请确认无误）：")
            lines += _listing(first.findings, Severity.WARNING, REPLY_MAX_WARNINGS)
            lines.append("")
        settled = [f for f in sorted(first.findings, key=sort_key) if f.settled]
        if settled:
            lines.append(f"以下 {len(settled)} 处经我们复核不采纳，无需改正：")
            lines += [_item(i + 1, f) + (f"（理由：{f.review_reason}）" if f.review_reason else "")
                      for i, f in enumerate(settled[:REPLY_MAX_WARNINGS])]
            lines.append("")
        lines += [f"请打开原填报表“{_name(first.file)}”，按上面列出的工作表和单元格逐项改正"
                  "（只改浅黄色单元格，不要插入或删除行列），保存后重新报送。",
                  "改正后请再检查一次：打开填报表中的“校验”工作表，确认其中不再有“错误”；"
                  "或在 nianbao 网页“机关：检查和生成报告”上传改好的填报表，看到“全部通过”后再发送。", ""]
    lines.append("感谢配合！")
    return "\n".join(lines) + "\n"


# ---- the console -------------------------------------------------------------------------------


def _print_summary(console, summary: BatchResult, outdir: Path) -> None:
    from rich.table import Table

    n_files = summary.files
    console.print(f"批量处理结果：{n_files} 个文件，用时 {summary.seconds:.1f} 秒")
    table = Table()
    table.add_column("状态")
    table.add_column("文件数", justify="right")
    for status in STATUSES:
        table.add_row(status, str(summary.counts[status]))
    table.add_row("合计", str(n_files), style="bold")
    console.print(table)
    if summary.problems:
        shown = summary.problems
        problems = Table(title="需要处理的文件", title_justify="left")
        for header in ("文件", "机关名称", "状态", "错误", "第一处错误"):
            problems.add_column(header, overflow="fold")
        for file, office, status, errors, first in shown:
            problems.add_row(file, office, status, str(errors), first if len(first) <= 30 else first[:29] + "…")
        console.print(problems)
        if summary.n_problems > len(shown):
            console.print(f"……另有 {summary.n_problems - len(shown)} 个，见校验结果.xlsx。")
    if summary.interrupted_late:
        console.print("收到中断（Ctrl+C）时结果正在写入：已全部写入，下面的结果是完整的。")
    console.print(f"校验结果：{summary.status_path}")
    console.print(f"生成的报告：{summary.reports} 份，在 {outdir / REPORTS_DIR}")
    if summary.replies:
        console.print(f"退回说明：{summary.replies} 份，在 {outdir / REPLIES_DIR}（可直接粘贴到回复邮件中）")
    for note in summary.output_notes:
        console.print(f"注意：{note}")
    if summary.not_written:
        console.print(f"注意：有 {summary.not_written} 份报告或退回说明未能写入（文件可能正在 Word 或记事本中打开），"
                      "见校验结果的“说明”列；关闭后重新运行。")
        for message in summary.write_errors[:5]:
            console.print(f"  {message}")
    if summary.renamed:
        console.print(f"注意：有 {summary.renamed} 份报告与其他机关的报告同名，已加序号，见校验结果的“说明”列。")
    if summary.stale:
        console.print(f"注意：输出文件夹中有 {len(summary.stale)} 个文件不是本次生成的（可能是以前运行留下的），"
                      "请勿误用，例如：" + "、".join(str(p) for p in summary.stale[:3]))
