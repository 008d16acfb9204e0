"""The fuzz run of issue 15: mutated workbooks, JSON files and published reports (.docx/.html/.txt) fed to
the readers, in worker processes under a memory cap, asserting that none gives a traceback, an outcome
other than 0/1/2 (fine / errors / unreadable), or a value changed without a message.

Fast by design: the seeds (tests/data/fuzz and the bundled example) are read once per worker, every
mutant is made in memory from (kind, seed number) and read with ``compiler.readers.read_bytes`` in the
worker, so nothing is written to disk and no process is started per input.  A failing input is returned
as (kind, number, what went wrong); ``python tests/fuzz_inputs.py --save`` writes them to
tests/data/fuzz/crashes/ (the test replays that folder on every run).

    python tests/fuzz_inputs.py -n 10000 -j 2      # the CI run's size; prints the figures
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import time
import traceback
import zipfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FUZZ = HERE / "data" / "fuzz"
CRASHES = FUZZ / "crashes"
MEMORY_CAP = 1536 * 1024 * 1024  # address space of one worker (RLIMIT_AS): a reader that balloons fails
SECONDS_CAP = 20  # one input; a reader that hangs fails

KINDS = ("xlsx", "json", "docx", "html", "txt")
# of every 20 inputs: a workbook costs about 55 ms of CPU to read, a JSON 5, a .docx 17, a web page 23, a text 10
SHARE = {"xlsx": 4, "json": 6, "docx": 4, "html": 3, "txt": 3}

# Values a clerk, a script or an attacker puts where a number or a name belongs (JSON literals)
HOSTILE_JSON = ["1e400", "-1e400", "1E+20", "12345678901234567890", "9" * 5000, "999999999999999", "1000000000000000",
                "0.1234567", "1234567890123.4567", "-1", "-0", "0.0", "3.0", "NaN", "Infinity", "[9]", "{}", "[]",
                "null", "true", '"\\ud800x"', '"12\\udfff"', '"3件"', '"１２"', '" 7 "', '"\\u0000"', '"\\ud800"',
                '"=1+1"', '"#DIV/0!"',
                '"/"', "[" * 50 + "]" * 50, '"' + "长" * 40000 + '"', "2021.5", "1e-400", '"1e400"',
                '"12345678901234567890"']
HOSTILE_CELL = ["1E+400", "-1", "12345678901234567890", "1e20", "0.30000000000000004", "NaN", "INF", "",
                "99999999999999999999999999999999", "3.5", "1E-400", "9" * 400]
HOSTILE_TEXT = ["\x00", "\x0b", "=HYPERLINK(1)", "长" * 40000, "12345678901234567890",
                "一、总体情况", "表三", "第 1 页", "\u202e", "<script>", "&amp;", "　", "\t\t\t"]


# ---- seeds -----------------------------------------------------------------------------------------

_SEEDS: dict[str, list[tuple[str, bytes]]] = {}


def seeds() -> dict[str, list[tuple[str, bytes]]]:
    if not _SEEDS:
        example = ROOT / "excel_templates"
        _SEEDS["xlsx"] = [("example.xlsx", (example / "example-yongkang-2021.xlsx").read_bytes()),
                          ("template.xlsx", (example / "template-2021.xlsx").read_bytes())]
        _SEEDS["json"] = [("example.json", (example / "example-yongkang-2021.json").read_bytes())]
        _SEEDS["docx"] = [("report.docx", (FUZZ / "seed-report.docx").read_bytes())]
        _SEEDS["html"] = [("report.html", (FUZZ / "seed-report.html").read_bytes())]
        _SEEDS["txt"] = [("reference.txt", (HERE / "data" / "reference-yongkang-2021.txt").read_bytes())]
    return _SEEDS


# ---- mutators: (seed bytes, rng) -> mutant bytes ------------------------------------------------------

def _bytes(data: bytes, rng: random.Random, n: int | None = None) -> bytes:
    """Byte-level: flips, deletions, insertions and copies of runs."""
    out = bytearray(data)
    for _ in range(n or rng.randint(1, 8)):
        if not out:
            break
        i = rng.randrange(len(out))
        op = rng.random()
        if op < 0.4:
            out[i] = rng.randrange(256)
        elif op < 0.6:
            del out[i:i + rng.randint(1, 64)]
        elif op < 0.8:
            out[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:
            j = rng.randrange(len(out))
            out[i:i] = out[j:j + rng.randint(1, 512)]
    return bytes(out)


def _json(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.15:
        return _bytes(data, rng)
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # a second round on what the first made unparsable
        return _bytes(data, rng)
    leaves = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))
        leaves.append(path)

    walk(doc, ())
    literals = {}
    for n in range(rng.randint(1, 6)):
        path = rng.choice(leaves[:-1])  # not the root
        op = rng.random()
        try:
            parent = doc
            for k in path[:-1]:
                parent = parent[k]
            if op < 0.7:
                marker = f"@@{n}@@"
                literals[f'"{marker}"'] = rng.choice(HOSTILE_JSON)
                parent[path[-1]] = marker
            elif op < 0.8 and isinstance(parent, dict):
                del parent[path[-1]]
            elif op < 0.9 and isinstance(parent, dict):
                parent[rng.choice(["extra", "t5", "名称"])] = 1
            else:
                parent[path[-1]] = rng.choice(HOSTILE_TEXT)
        except (KeyError, IndexError, TypeError):
            continue
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    for marker, literal in literals.items():
        text = text.replace(marker, literal)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate of a second round: bytes no UTF-8 is


_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_V = re.compile(rb"<v>[^<]*</v>")
_T = re.compile(rb"<t(?: [^>]*)?>[^<]*</t>")
_C_TYPE = re.compile(rb'<c r="[A-Z]+\d+"( t="\w+")?')


def _package(data: bytes, rng: random.Random, mutate_part) -> bytes:
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        members = [(i.filename, src.read(i)) for i in src.infolist()]
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError):  # a second round on bytes
        return _bytes(data, rng)
    if not members:
        return data
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(members))
        name, body = members[k]
        members[k] = (name, mutate_part(name, body, rng))
    if rng.random() < 0.05:
        del members[rng.randrange(len(members))]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, body in members:
            out.writestr(name, body)
    result = buf.getvalue()
    return _bytes(result, rng, 1) if rng.random() < 0.05 else result


def _sheet_part(name: str, body: bytes, rng: random.Random) -> bytes:
    op = rng.random()
    if op < 0.45:
        values = list(_V.finditer(body))
        for m in rng.sample(values, min(len(values), rng.randint(1, 5))):
            new = b"<v>" + rng.choice(HOSTILE_CELL).encode() + b"</v>"
            body = body[:m.start()] + new + body[m.end():]  # same length rarely: offsets of later matches move
            break
        return body
    if op < 0.6:
        texts = list(_T.finditer(body))
        if texts:
            m = rng.choice(texts)
            body = body[:m.start()] + b"<t>" + rng.choice(HOSTILE_TEXT).encode("utf-8", "replace") + b"</t>" \
                + body[m.end():]
        return body
    if op < 0.75:
        types = list(_C_TYPE.finditer(body))
        if types:
            m = rng.choice(types)
            t = rng.choice([b"", b' t="s"', b' t="n"', b' t="b"', b' t="e"', b' t="str"', b' t="inlineStr"'])
            body = body[:m.start()] + re.sub(rb' t="\w+"', b"", m.group(0)) + t + body[m.end():]
        return body
    return _bytes(body, rng)


def _xlsx(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.1:
        return _bytes(data, rng)
    return _package(data, rng, _sheet_part)


def _docx(data: bytes, rng: random.Random) -> bytes:
    def part(name: str, body: bytes, rng: random.Random) -> bytes:
        if name != "word/document.xml":
            return _bytes(body, rng) if rng.random() < 0.3 else body
        return _sheet_part(name, _markup(body, rng, b"<w:p>", b"</w:p>") if rng.random() < 0.5 else body, rng)

    if rng.random() < 0.1:
        return _bytes(data, rng)
    return _package(data, rng, part)


def _markup(data: bytes, rng: random.Random, open_tag: bytes, close_tag: bytes) -> bytes:
    """Whole elements deleted, duplicated or moved; digits changed; spans made absurd."""
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        i = data.find(open_tag, rng.randrange(max(1, len(data))))
        j = data.find(close_tag, i) + len(close_tag) if i >= 0 else -1
        if i < 0 or j < len(close_tag):
            continue
        chunk = data[i:j]
        if op < 0.3:
            data = data[:i] + data[j:]
        elif op < 0.6:
            data = data[:j] + chunk * rng.randint(1, 5) + data[j:]
        else:
            data = re.sub(rb"\d+", lambda m: rng.choice([b"0", b"12345678901234567890", b"999999", m.group(0) * 3]),
                          data[:i] + chunk, count=rng.randint(1, 3)) + data[j:]
    return data


def _html(data: bytes, rng: random.Random) -> bytes:
    op = rng.random()
    if op < 0.15:
        return _bytes(data, rng)
    if op < 0.25:
        return re.sub(rb'(rowspan|colspan)="\d+"', lambda m: m.group(1) + rng.choice([b'="0"', b'="99999"', b'="-3"']),
                      data)
    if op < 0.35:
        return data.decode("utf-8").encode("gb18030").replace(b'charset="utf-8"', rng.choice([b'charset="gbk"', b""]))
    return _markup(data, rng, rng.choice([b"<p", b"<tr", b"<td", b"<table"]),
                   rng.choice([b"</p>", b"</tr>", b"</td>", b"</table>"]))


def _txt(data: bytes, rng: random.Random) -> bytes:
    op = rng.random()
    if op < 0.2:
        return _bytes(data, rng)
    try:
        lines = data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:  # a second round on what the first encoded as GBK or UTF-16
        return _bytes(data, rng)
    if not lines:
        return data
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.3:
            del lines[i]
        elif op < 0.5:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op < 0.8:
            lines[i] = re.sub(r"\d+", lambda m: rng.choice(["0", "12345678901234567890", "１２", "-3"]), lines[i])
        else:
            lines[i] = rng.choice(HOSTILE_TEXT) + lines[i]
    text = "".join(lines)
    return text.encode(rng.choice(["utf-8", "utf-8", "gb18030", "utf-16"]), "surrogatepass")


MUTATORS = {"xlsx": _xlsx, "json": _json, "docx": _docx, "html": _html, "txt": _txt}


def mutant(kind: str, number: int) -> tuple[str, bytes]:
    """The ``number``-th mutant of ``kind``: (file name, content), the same on every machine."""
    rng = random.Random(f"{kind}-{number}")
    name, data = rng.choice(seeds()[kind])
    for _ in range(1 if rng.random() < 0.7 else 2):
        data = MUTATORS[kind](data, rng)
    return name, data


# ---- the judgement of one input ------------------------------------------------------------------------

def judge(name: str, data: bytes, round_trip: bool) -> str | None:
    """None when the input was handled as it should be, else what went wrong."""
    from compiler.checks import all_findings
    from compiler.diagnostics import has_errors
    from compiler.readers import Unreadable, read_bytes

    try:
        result = read_bytes(data, name)
    except Unreadable as exc:
        return None if exc.message and exc.code.startswith("FILE-") else f"an Unreadable without a message: {exc!r}"
    findings = all_findings(result)
    for f in findings:  # every output (JSON, 校验结果.xlsx, a reply) can hold what a finding says
        for value in f.to_json().values():
            if isinstance(value, str) and (_UNWRITABLE.search(value) or not value.encode("utf-8")):
                return f"{f.code}: a finding holds a character no output can: {value[:60]!r}"
        json.dumps(f.to_json(), default=str, ensure_ascii=False).encode("utf-8")
    report = result.report
    for value in [*report.office.values(), *(p for ps in report.text.values() for p in ps),
                  *(s.title for s in report.sections), *(p for s in report.sections for p in s.paragraphs)]:
        if _UNWRITABLE.search(value):
            return f"the report holds a character no .docx can: {value[:60]!r}"
    code = 1 if has_errors(findings) else 0
    assert code in (0, 1)
    if result.kind == "json":
        problem = _json_kept(data, result)
        if problem:
            return problem
    if round_trip:
        return _round_trip(result)
    return None


def _json_kept(data: bytes, result) -> str | None:
    """Every table value of the JSON is in the model as it was, or kept raw with a finding at its path."""
    from compiler import format2021 as fmt

    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_float=Decimal, parse_int=Decimal)
    except (ValueError, RecursionError):
        return None
    flagged = {f.path for f in result.findings}
    for cell in (c for t in fmt.TABLES for c in t.values()):
        node = doc
        for k in cell.path:
            node = node.get(k) if isinstance(node, dict) else None
        if node is None:
            continue
        got = result.report.numbers.get(cell.path)
        if got is None:
            if cell.path not in flagged:
                return f"{cell.path}: {str(node)[:40]} dropped without a finding"
        elif isinstance(node, (Decimal, int)) and not isinstance(node, bool) and Decimal(got) != node:
            return f"{cell.path}: {str(node)[:40]} read as {got} without a finding"
        elif not isinstance(node, (Decimal, int, str)) and cell.path not in flagged:
            return f"{cell.path}: {type(node).__name__} read as {got} without a finding"
        elif isinstance(node, str) and cell.path not in flagged:
            return f"{cell.path}: the text {node[:40]!r} read as {got} without a finding"
    return None


def _round_trip(result) -> str | None:
    """What `fill`/`import` would write, read back: the same values (or refused before writing)."""
    from compiler.readers import read_bytes
    from compiler.writers.workbook import CellValueError, build_workbook, workbook_bytes

    if any(f.code in ("VAL-FIT", "JSON-KEY", "FILE-FORMAT") for f in result.findings):
        return None  # `fill` refuses these
    try:
        xlsx = workbook_bytes(build_workbook(result.report, result.raw))
    except CellValueError as exc:
        return f"the reader let through what the writer refuses: {exc}"
    back = read_bytes(xlsx, "back.xlsx")
    for path, value in result.report.numbers.items():
        if back.report.numbers.get(path) != value and result.raw.get(path) is None:
            return f"{path}: {value} came back as {back.report.numbers.get(path)}"
    for key, value in result.report.office.items():
        if back.report.office.get(key, "") != value:
            return f"office.{key}: {value[:40]!r} came back as {back.report.office.get(key, '')[:40]!r}"
    for key, value in result.report.text.items():
        if back.report.text.get(key) != value:
            return f"text.{key} came back changed"
    if result.report.year is not None and back.report.year != result.report.year:
        return f"year {result.report.year} came back as {back.report.year}"
    return None


# ---- the run ---------------------------------------------------------------------------------------------

def _init() -> None:
    import resource
    import signal

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    signal.signal(signal.SIGALRM, _too_slow)
    seeds()


def _too_slow(signum, frame):
    raise TimeoutError(f"more than {SECONDS_CAP} s")


def work(task: tuple[str, int, bool]) -> tuple[str, int, str | None, float]:
    import signal

    kind, number, round_trip = task
    started = time.process_time()  # CPU: the machine may be shared
    try:
        name, data = mutant(kind, number)
    except Exception:  # noqa: BLE001 - a mutator's own failure is not the reader's: counted, said
        return kind, number, "SKIPPED", 0.0
    signal.alarm(SECONDS_CAP)
    try:
        problem = judge(name, data, round_trip)
    except BaseException as exc:  # noqa: BLE001 - exactly what the run looks for: a traceback
        problem = "".join(traceback.format_exception(exc)[-3:])
    finally:
        signal.alarm(0)
    return kind, number, problem, time.process_time() - started


def tasks(n: int, start: int = 0, round_trips: int = 100) -> list[tuple[str, int, bool]]:
    cycle = [k for k in KINDS for _ in range(SHARE[k])]
    every = n // round_trips if round_trips else n + 1
    return [(cycle[i % len(cycle)], start + i, i % every == 7) for i in range(n)]


def run(n: int = 10_000, jobs: int = 2, start: int = 0, round_trips: int = 100) -> dict:
    import multiprocessing

    started = time.perf_counter()
    failures: list[tuple[str, int, str]] = []
    skipped = 0
    per_kind = dict.fromkeys(KINDS, 0)
    seconds = dict.fromkeys(KINDS, 0.0)
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(jobs, initializer=_init) as pool:
        for kind, number, problem, spent in pool.imap_unordered(work, tasks(n, start, round_trips), chunksize=20):
            per_kind[kind] += 1
            seconds[kind] += spent
            if problem == "SKIPPED":
                skipped += 1
            elif problem:
                failures.append((kind, number, problem))
    return {"inputs": n, "per_kind": per_kind, "cpu_seconds": seconds, "wall_seconds": time.perf_counter() - started,
            "failures": sorted(failures), "skipped": skipped, "jobs": jobs,
            "memory_cap_mb": MEMORY_CAP // (1024 * 1024),
            "round_trips": round_trips}


def save(failures: list[tuple[str, int, str]]) -> list[Path]:
    CRASHES.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, number, problem in failures:
        name, data = mutant(kind, number)
        path = CRASHES / f"{kind}-{number}{Path(name).suffix}"
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - the bench
    import argparse

    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--save", action="store_true", help="write failing inputs to tests/data/fuzz/crashes")
    args = parser.parse_args()
    figures = run(args.n, args.j, args.start)
    for kind, number, problem in figures["failures"][:20]:
        print(f"FAIL {kind}-{number}: {problem}")
    if args.save:
        print("saved:", *save(figures["failures"]))
    print(json.dumps({k: v for k, v in figures.items() if k != "failures"} | {"failed": len(figures["failures"])},
                     indent=1))
