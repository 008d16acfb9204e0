"""A published report's blocks → the data model: title, lead, the six parts, the five
sub-sections of 一, the three tables.  One code for every source (.docx, .html, .pdf, .txt).

Each paragraph and each table value placed is recorded with where it came from; whatever could
not be placed, or was changed on the way (punctuation, a paragraph joined across a page break),
is a note with the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ... import format2021 as fmt
from ...lead import DEFAULT_WEBSITE, standard_lead
from ...model import Report, Section
from .blocks import MERGED, Blocks, Grid, Para
from .cjk import is_traditional, key, simplified, tidy
from .tables import TABLE_WORDS, Note, SourceRow, header_keys, is_narrative_box, read_table, row_specs

# ---- what the parts of a report look like -------------------------------------------------------

_TITLE_WORDS = r"(?:政府信息公开工作年度报告|政府信息公开年度报告|政府信息公开工作报告)"
TITLE_PATTERNS = (
    re.compile(rf"^(?P<name>.*?)(?P<year>(?:19|20)\d\d)年度?{_TITLE_WORDS}$"),
    re.compile(rf"^(?P<year>(?:19|20)\d\d)年度?(?P<name>.+?){_TITLE_WORDS}$"),
)
# the second line of a two-line title ("宿迁市人民政府" / "2024 年政府信息公开工作年度报告"), spaces removed
YEAR_LINE = re.compile(rf"^(?P<year>(?:19|20)\d\d)年度?{_TITLE_WORDS}$")
NO_YEAR_TITLE = re.compile(rf"^(?P<name>.{{2,60}}?){_TITLE_WORDS}$")
_HEADING = re.compile(r"^(?P<n>[一二三四五六])\s*[、.．,，]\s*(?P<text>.+?)[：:。]?$")
_SUB = re.compile(r"^[（(]\s*(?P<n>[一二三四五六七八九十]{1,2})\s*[)）]\s*(?P<rest>.*)$", re.S)
_EXTRA_HEADING = re.compile(r"^[七八九十]\s*、\s*\S.{0,30}$")
_LIST_START = re.compile(r"^(?:\d{1,2}\s*[.．、]|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|[一二三四五六七八九十]、)")
TERMINAL = "。！？；：…”’）」』!?;:)"
MAX_HEADING_CHARS = 40
MAX_SUB_TITLE_CHARS = 24
EXACT_SOURCES = ("docx", "html")  # text as the office wrote it: never tidied
MIN_BROKEN_CHARS = 16  # a line the page broke is a full line of text, not a table's header

# Where the lead states the office's details, as (field, patterns); the first that matches wins.
OFFICE_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", (r"请与(?P<v>[^，。；（(、]{2,60}?)联系",)),
    ("website_name", (r"(?:可以|可)?(?:从|在|登录|通过)(?P<v>[^，。；（(]{2,40}?)(?:[（(]网址|查阅|下载|查看)",)),
    ("website_url", (r"(?:网址|网站地址)[：:]\s*(?P<v>(?:https?://)?[A-Za-z0-9][A-Za-z0-9.\-/:%?=&#~_]*[A-Za-z0-9/])",)),
    ("address", (r"(?:通信地址|通讯地址|联系地址|地址)[：:]\s*(?P<v>[^，。；、）)]+)", r"联系[（(](?P<v>[^）)：:]{4,60})[）)]")),
    ("postcode", (r"邮(?:政)?编(?:码)?[：:]?\s*(?P<v>\d{6})(?!\d)",)),
    ("phone", (r"(?:联系电话|办公电话|咨询电话|电话)[：:]\s*(?P<v>[0-9（(][0-9—\-－–（）() ]{5,30}[0-9])",)),
    ("fax", (r"传真(?:号码|电话)?[：:]\s*(?P<v>[0-9（(][0-9—\-－–（）() ]{5,30}[0-9])",)),
    ("email", (r"(?:电子邮箱|电子信箱|电子邮件|邮箱|E-?mail)[：:]\s*(?P<v>[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})",)),
)
# The short name of an office: the last place name in its report name ("沙坡头区永康镇人民政府" → 永康镇)
SHORT_NAME = re.compile(r"(?P<v>[^省市区县旗盟州]{1,10}(?:镇|乡|街道|苏木))(?:人民政府|政府|办事处)$")


@dataclass
class Imported:
    report: Report
    notes: list[Note] = field(default_factory=list)
    provenance: dict[tuple, str] = field(default_factory=dict)
    locations: dict[tuple, tuple[str | None, str | None]] = field(default_factory=dict)
    paragraph_at: dict[tuple, str] = field(default_factory=dict)  # (text path, index) -> "第 12 段"
    unread: set[tuple] = field(default_factory=set)
    found_headings: int = 0
    found_tables: int = 0
    found_title: bool = False
    format_2019: bool = False


def heading_of(text: str) -> fmt.Heading | None:
    """The heading a paragraph is ("一、总体情况", "四、因政府信息公开工作被申请行政复议…"), or None."""
    plain = text.replace("\n", "").strip()
    if len(plain) > MAX_HEADING_CHARS:
        return None
    m = _HEADING.match(plain)
    body = key(m.group("text")) if m else key(plain)
    for h in fmt.HEADINGS:
        if body in {key(h.text)} | {key(v) for v in h.variants}:
            if m is None or fmt.CN_NUMERALS.index(m.group("n")) + 1 == h.number:
                return h
        if m and fmt.CN_NUMERALS.index(m.group("n")) + 1 == h.number and h.core in body and "。" not in m.group("text"):
            return h
    return None


def _run_in(text: str) -> int | None:
    """Where a heading run into its first paragraph ends ("一、总体情况2024年，…"), or None."""
    plain = text.lstrip()
    offset = len(text) - len(plain)
    m = re.match(r"[一二三四五六]\s*[、.．]\s*", plain)
    if not m:
        return None
    number = fmt.CN_NUMERALS.index(plain[0]) + 1
    h = fmt.HEADINGS[number - 1]
    for words in (h.text,) + h.variants:
        end = m.end()
        if plain[end:].startswith(words) and len(plain) > end + len(words):
            cut = end + len(words)
            if plain[cut] in "：:。 \u3000":
                cut += 1
            return offset + cut
    return None


def _where(para: Para) -> str:
    return f"第 {para.number} 段" + (f"（第 {para.page} 页）" if para.page else "")


class _Builder:
    def __init__(self, blocks: Blocks):
        self.blocks = blocks
        self.out = Imported(Report.empty())
        self.report = self.out.report
        self.report.numbers = {p: None for p in fmt.VALUE_CELLS}
        self.report.sections = [Section(t) for t in fmt.OVERVIEW_TOPICS]
        self.tidy_counts = [0, 0]

    def note(self, code: str, message: str, path: tuple | None = None, number: int = 0) -> None:
        self.out.notes.append(Note(code, message, path, number))

    # ---- text -------------------------------------------------------------------------------

    def _tidy(self, para: Para) -> None:
        para.raw = para.text
        lines = [tidy(line) for line in para.text.split("\n")]
        for t in lines:
            self.tidy_counts[0] += t.punctuation
            self.tidy_counts[1] += t.spaces
        para.text = "\n".join(t.text for t in lines if t.text)

    def _join_broken(self, items: list) -> list:
        """Paragraphs the source broke at a line or page end (.txt): joined when the first does not end
        a sentence and the second starts no heading or list item."""
        out: list = []
        for item in items:
            prev = out[-1] if out else None
            if (isinstance(item, Para) and isinstance(prev, Para) and item.broken and prev.broken
                    and len(prev.text) >= MIN_BROKEN_CHARS and prev.text[-1] not in TERMINAL
                    and not _is_text_row(prev) and not _is_text_row(item) and not self._structural(prev)
                    and _numbers_line(prev) is None and _numbers_line(item) is None
                    and not any(_only_headers(x.text, t.key) for x in (prev, item) for t in fmt.TABLES)
                    and not self._structural(item) and not _LIST_START.match(item.text)
                    and not heading_of(item.text)):
                self.note("IMP-EDIT", f"第 {prev.number} 段与第 {item.number} 段在原文中断开（分页或换行处），已接为一段："
                                      f"“…{prev.text[-8:]}”+“{item.text[:8]}…”", number=prev.number)
                prev.text += item.text
                if prev.written is not None:
                    prev.written += item.written or item.text
                continue
            out.append(item)
        return out

    @staticmethod
    def _structural(para: Para) -> bool:
        return (bool(heading_of(para.text)) or _is_title(para.text) or _standalone_sub(para.text)
                or bool(YEAR_LINE.match(re.sub(r"\s+", "", para.text))))

    def _boxes(self, items: list) -> list:
        """Tables that are not official tables — paragraphs drawn in a box or shading, a one-cell layout
        table — are the report's text: their cells become paragraphs, in reading order."""
        out: list = []
        changed = 0
        traditional = is_traditional("".join(i.text for i in items if isinstance(i, Para)))
        for item in items:
            rows = item.rows if isinstance(item, Grid) else None
            if rows is not None and traditional:
                rows = [[c if c is MERGED else simplified(c) for c in row] for row in rows]
            if rows is None or not is_narrative_box(rows):
                out.append(item)
                continue
            changed += 1
            for row in item.rows:
                cells = [c for c in row if c is not MERGED and c and c.strip()]
                if item.positional:
                    for cell in cells:
                        out.extend(Para(line.strip(), page=item.page) for line in cell.split("\n") if line.strip())
                elif cells:
                    out.append(Para(" ".join(c.strip() for c in cells), page=item.page, broken=True))
        if changed:
            n = 0
            for item in out:
                n += 1
                item.number = n
            self.note("IMP-EDIT", f"原文中有 {changed} 处文字排在方框、底纹或单格表格中（不是表二、表三、表四），已按正文导入。")
        return out

    def _simplify(self, items: list) -> None:
        """A report in Traditional Chinese: headings and labels are matched in its simplified form; the
        text imported is as written (``Para.written``)."""
        sample = "".join(i.text for i in items if isinstance(i, Para))
        if not is_traditional(sample):
            return
        for item in items:
            if isinstance(item, Para):
                item.written, item.text = item.text, simplified(item.text)
                if item.raw:
                    item.raw = simplified(item.raw)
            else:
                item.rows = [[c if c is MERGED else simplified(c) for c in row] for row in item.rows]
        self.note("IMP-EDIT", "报告是繁体中文：标题、小标题和表格行列按简体对应后读取，导入的正文保持原文的繁体。")

    def _run_in_headings(self, items: list) -> list:
        """"一、总体情况 2024年，本机关…" on one line (a web copy): the heading and its text apart."""
        out: list = []
        for item in items:
            if isinstance(item, Para) and heading_of(item.text) is None:
                cut = _run_in(item.text)
                if cut:
                    head = Para(item.text[:cut].strip(), item.number, item.page, item.broken, item.raw)
                    rest = Para(item.text[cut:].strip(), item.number, item.page, item.broken, "")
                    if item.written is not None:
                        head.written, rest.written = item.written[:cut].strip(), item.written[cut:].strip()
                    out += [head, rest]
                    continue
            out.append(item)
        return out

    # ---- the whole report -------------------------------------------------------------------

    def build(self) -> Imported:
        items = self._boxes(list(self.blocks.items))
        exact = self.blocks.kind in EXACT_SOURCES
        for item in items:
            if isinstance(item, Para):
                if exact:
                    item.raw = item.text  # the office's own punctuation, as written
                else:
                    self._tidy(item)
        self._simplify(items)
        items = self._run_in_headings(items)
        items = self._join_broken(items)
        for note in self.blocks.notes:
            self.note("IMP-EDIT", note + "。")
        # split the document at the six headings (in order; a heading out of order is text)
        parts: dict[int, list] = {0: []}
        current = 0
        for item in items:
            h = heading_of(item.text) if isinstance(item, Para) else None
            if h is not None and h.number <= current:
                self.note("IMP-TEXT", f"第 {item.number} 段“{item.text[:30]}”像是标题“{h.full}”，但顺序不对（重复或在后面的部分之后），"
                                      "作为正文导入", number=item.number)
            elif h is None and isinstance(item, Para) and _EXTRA_HEADING.match(item.text) and current >= 5:
                self.note("IMP-TEXT", f"第 {item.number} 段“{item.text[:30]}”像是格式以外的部分（格式只有一至六），"
                                      f"它和它的内容并入了“{fmt.HEADINGS[current - 1].full}”", number=item.number)
            if h is not None and h.number > current:
                for skipped in range(current + 1, h.number):
                    if skipped not in parts:
                        self._missing_heading(skipped)
                current = h.number
                parts[current] = []
                self.out.found_headings += 1
                if key(item.text) != key(h.full):
                    self.note("IMP-TEXT", f"第 {item.number} 段“{item.text}”按标题“{h.full}”导入", number=item.number)
                continue
            parts[current].append(item)
        for n in range(current + 1, 7):
            self._missing_heading(n)
        self._front(parts[0])
        grids: dict[str, list[Grid]] = {t.key: [] for t in fmt.TABLES}
        for h in fmt.HEADINGS:
            content = parts.get(h.number, [])
            paragraphs = [i for i in content if isinstance(i, Para)]
            for grid in (i for i in content if isinstance(i, Grid)):
                table = self._table_of(grid, h)
                if table is not None:
                    grids[table].append(grid)
            if h.number == 1:
                self._overview(paragraphs)
            else:
                if h.table and not any(isinstance(i, Grid) for i in content):
                    rows = _rows_in_text(paragraphs, h.table)
                    if rows:
                        grids[h.table].append(rows[0])
                        paragraphs = [p for p in paragraphs if not any(p is u for u in rows[1])]
                elif h.table:  # a header row the PDF's table finder left outside the table ("第二十条第（一）项")
                    paragraphs = [p for p in paragraphs if not _only_headers(p.text, h.table)
                                  and not _ARTICLE.match(p.text.replace(" ", ""))]
                    # a table's last row on a page whose ruling the finder did not close ("行政许可 0")
                    rows = _rows_in_text([p for p in paragraphs if _is_text_row(p)], h.table)
                    if rows:
                        grids[h.table].append(rows[0])
                        paragraphs = [p for p in paragraphs if not any(p is u for u in rows[1])]
                self._paragraphs(("text", h.text_key), paragraphs)
        for table in fmt.TABLES:
            self._table(table, grids[table.key])
        if self.tidy_counts[0] or self.tidy_counts[1]:
            what = []
            if self.tidy_counts[0]:
                what.append(f"把 {self.tidy_counts[0]} 个中文旁的半角标点改为全角（如“,”→“，”）")
            if self.tidy_counts[1]:
                what.append(f"删去了 {self.tidy_counts[1]} 处中文与数字、字母之间的空格")
            self.note("IMP-EDIT", "正文中" + "，".join(what) + "。")
        return self.out

    def _missing_heading(self, number: int) -> None:
        h = fmt.HEADINGS[number - 1]
        self.note("IMP-TEXT", f"找不到标题“{h.full}”；它的内容（如有）并入了前一部分，请核对")

    # ---- title and lead -----------------------------------------------------------------------

    def _front(self, items: list) -> None:
        paragraphs = [i for i in items if isinstance(i, Para)]
        found = _find_title(paragraphs)
        report = self.report
        if found is None:
            self.note("IMP-TEXT", "找不到报告标题（“…年政府信息公开工作年度报告”）：机关名称和年度需要手工填写")
            self.note("IMP-YEAR", "找不到报告标题，也就找不到报告年度：年度没有导入，请在“基本信息”中填写", ("year",))
            lead = paragraphs
        else:
            start, size, m = found
            self.out.found_title = True
            if start:
                dropped = "”“".join(p.text[:30] for p in paragraphs[:start])
                self.note("IMP-TEXT", f"标题之前的 {start} 段文字没有导入（网页栏目、发布日期等）：“{dropped}”",
                          number=paragraphs[0].number)
            chunk = paragraphs[start:start + size]
            written = re.sub(r"\s+", "", "".join((p.written or p.text).replace("\n", "") for p in chunk))
            name = written[m.start("name"):m.end("name")].strip()
            first = paragraphs[start]
            report.office["report_name"] = name
            where = f"标题（{_where(first)}）"
            self.out.provenance[("office", "report_name")] = where
            self.out.locations[("office", "report_name")] = ("标题", _where(first))
            if "year" in m.groupdict() and m.group("year"):
                report.year = int(m.group("year"))
                self.out.provenance[("year",)] = where
                self.out.locations[("year",)] = ("标题", _where(first))
            else:
                self.note("IMP-YEAR", f"标题“{written}”中没有年度（应为“…2024年政府信息公开工作年度报告”）："
                                      "年度没有导入，请在“基本信息”中填写", ("year",), first.number)
            if size > 1:
                self.note("IMP-EDIT", f"标题分 {size} 行（第 {first.number} 至 {chunk[-1].number} 段），已接为一个标题："
                                      f"“{written}”", number=first.number)
            lead = paragraphs[start + size:]
        for grid in (i for i in items if isinstance(i, Grid)):
            self.note("IMP-TEXT", f"“{fmt.HEADINGS[0].full}”之前有一个表格，没有导入", number=grid.number)
        self._office(lead)
        self._paragraphs(("text", "lead"), lead)
        if report.text["lead"] and report.text["lead"] == standard_lead(report):
            report.text["lead"] = []  # nianbao's standard lead: the office left 开头段 empty
            self.out.provenance[("text", "lead")] = "标准开头段（按基本信息生成），开头段留空"

    def _office(self, lead: list[Para]) -> None:
        report, office = self.report, self.report.office
        text = "".join(p.text for p in lead)
        written = "".join(p.written or p.text for p in lead)  # the same length as ``text``
        for field_key, patterns in OFFICE_PATTERNS:
            for pattern in patterns:
                m = re.search(pattern, text)
                if m:
                    office[field_key] = written[m.start("v"):m.end("v")].strip()
                    para = _para_of(lead, m.start())
                    self.out.provenance[("office", field_key)] = f"开头段（{_where(para)}）"
                    self.out.locations[("office", field_key)] = ("开头段", _where(para))
                    break
        if office["website_name"] == DEFAULT_WEBSITE:
            office["website_name"] = ""  # the standard lead's words for a website it has no name of
        name = report.office.get("report_name", "")
        if office["name"] and office["name"] == name:
            office["report_name"] = ""  # the title has the full name
        elif not office["name"] and name:
            office["name"], office["report_name"] = name, ""
            self.out.provenance[("office", "name")] = "标题"
            self.out.locations[("office", "name")] = self.out.locations.get(("office", "report_name"), ("标题", None))
            self.note("IMP-OFFICE", f"开头段没有写机关全称（“请与…联系”），机关名称（全称）取自标题：“{name}”",
                      ("office", "name"))
        m = SHORT_NAME.search(report.report_name)
        body = "".join(p.text for p in self.blocks.items if isinstance(p, Para))
        if m and body.count(m.group("v")) >= 2:
            office["short_name"] = m.group("v")
            self.out.provenance[("office", "short_name")] = "由标题中的机关名称推断"
            self.note("IMP-OFFICE", f"机关简称按标题推断为“{m.group('v')}”（正文中也这样称呼），请核对", ("office", "short_name"))
        missing = [f.label for f in fmt.OFFICE_FIELDS if f.in_lead and not office.get(f.key)]
        if missing and report.year is not None:
            self.note("IMP-OFFICE", f"开头段中找不到{'、'.join(missing)}，这些项留空", ("office", "name"))

    # ---- 一、总体情况 and the other parts -----------------------------------------------------

    def _overview(self, paragraphs: list[Para]) -> None:
        report = self.report
        overview: list[Para] = []
        section_paras: list[list[Para]] = [[] for _ in fmt.OVERVIEW_TOPICS]
        index = -1
        for para in paragraphs:
            sub = _sub_of(para.text)
            if sub is None and index < 0:
                overview.append(para)
                continue
            if sub is None:
                section_paras[index].append(para)
                continue
            numeral, title, content = sub
            if index + 1 >= len(fmt.OVERVIEW_TOPICS):
                self.note("IMP-TEXT", f"“{fmt.HEADINGS[0].full}”下有第 {index + 2} 个小标题“{para.text[:30]}”，"
                                      f"格式只有（一）至（五）：它和它的内容并入了（五）", number=para.number)
                section_paras[index].append(para)
                continue
            index += 1
            if numeral is None:
                self.note("IMP-TEXT", f"第 {para.number} 段“{title}”没有序号，按小标题{fmt.sub_number(index)}导入",
                          number=para.number)
            elif numeral != index:
                self.note("IMP-TEXT", f"第 {para.number} 段的小标题序号是{fmt.sub_number(numeral)}，按顺序作为"
                                      f"{fmt.sub_number(index)}导入", number=para.number)
            report.sections[index].title = _as_written(para, title)
            path = ("text", "overview_sections", index, "title")
            self.out.provenance[path] = _where(para)
            self.out.locations[path] = ("正文", _where(para))
            if content:
                part = Para(content, para.number, para.page)
                if para.written is not None:
                    part.written = _as_written(para, content, last=True)
                section_paras[index].append(part)
        self._paragraphs(("text", "overview"), overview)
        for i, paras in enumerate(section_paras):
            if i > index:
                self.note("IMP-TEXT", f"“{fmt.HEADINGS[0].full}”下找不到小标题{fmt.sub_number(i)}（{fmt.OVERVIEW_TOPICS[i]}），"
                                      "这一小节为空", ("text", "overview_sections", i, "paragraphs"))
            self._paragraphs(("text", "overview_sections", i, "paragraphs"), paras)

    def _paragraphs(self, path: tuple, paras: list[Para]) -> None:
        texts: list[str] = []
        for para in paras:
            for line in (para.written or para.text).split("\n"):
                if line.strip():
                    self.out.paragraph_at[(path, len(texts))] = _where(para)
                    texts.append(line.strip())
        self.report.set(path, texts)
        if paras:
            first, last = paras[0], paras[-1]
            span = _where(first) if first is last else f"{_where(first)}至{_where(last)}"
            self.out.provenance[path] = span
            self.out.locations[path] = ("正文", _where(first))

    # ---- tables -------------------------------------------------------------------------------

    def _table_of(self, grid: Grid, heading: fmt.Heading) -> str | None:
        text = "".join(key(c) for row in grid.rows for c in row if c)
        numbered = "".join(key(c, numbering=True) for row in grid.rows for c in row if c)
        if any(key(m, numbering=True) in numbered for m in fmt.FORMAT_2019_MARKERS):
            self.out.format_2019 = True
            return None
        for table_key, words in TABLE_WORDS:
            if any(key(w) in text for w in words):
                return table_key
        if heading.table:
            return heading.table
        self.note("IMP-TEXT", f"“{heading.full}”下有一个不是官方表格的表格，没有导入："
                              f"“{'、'.join(c for c in grid.rows[0] if c)[:40]}”", number=grid.number)
        return None

    def _table(self, table: fmt.Table, grids: list[Grid]) -> None:
        paths = [c.path for c in table.values()]
        if self.out.format_2019:
            self.out.unread.update(paths)
            return
        if not grids:
            self.out.unread.update(paths)
            self.note("IMP-TABLE", f"找不到{table.name}（“{fmt.HEADINGS[table.heading - 1].full}”下没有表格），"
                                   f"表中的 {len(paths)} 个数都没有导入", paths[0])
            return
        self.out.found_tables += 1
        rows = [SourceRow(tuple(r), g.positional, g.number, i + 1) for g in grids for i, r in enumerate(g.rows)]
        read = read_table(table, rows)
        if not read.rows_read:
            self.out.unread.update(paths)
            self.note("IMP-TABLE", f"{table.name}中找不到格式中的任何一行，表中的数都没有导入", paths[0], grids[0].number)
            return
        for path, value in read.values.items():
            self.report.numbers[path] = value
            if path in read.provenance:
                self.out.provenance[path] = read.provenance[path]
            self.out.locations[path] = (table.name, None)
        self.out.notes.extend(read.notes)
        self.out.unread.update(p for p in paths if p not in read.values)


def _title_match(text: str) -> re.Match | None:
    plain = re.sub(r"\s+", "", text)
    for pattern in TITLE_PATTERNS:
        m = pattern.match(plain)
        if m and len(plain) <= 80 and len(m.group("name")) >= 2 and not re.search(r"[：:，,。；;！!？?]", m.group("name")):
            return m
    return None


_NOT_TITLE = re.compile(r"[>＞|｜/:：]|发布|来源|时间|浏览|首页|当前位置")


def _find_title(paragraphs: list[Para]) -> tuple[int, int, re.Match] | None:
    """(first paragraph, how many, match) of the title among the first paragraphs: on one line, broken
    over two or three (the office's name, then "2024 年政府信息公开工作年度报告"), or without a year."""
    head = paragraphs[:12]
    for size in (1, 2, 3):
        for start in range(len(head)):
            chunk = head[start:start + size]
            if len(chunk) < size:
                break
            if any(_NOT_TITLE.search(p.text) for p in chunk[:-1]):
                continue  # a web page's crumbs or date line is no part of the title
            m = _title_match("".join(p.text.replace("\n", "") for p in chunk))
            if m:
                return start, size, m
    for size in (1, 2):  # a title that names no year: found, and the year said missing
        for start in range(len(head)):
            chunk = head[start:start + size]
            if len(chunk) < size:
                break
            if any(_NOT_TITLE.search(p.text) for p in chunk[:-1]):
                continue
            plain = re.sub(r"\s+", "", "".join(p.text.replace("\n", "") for p in chunk))
            m = NO_YEAR_TITLE.match(plain)
            if m and len(plain) <= 80 and not re.search(r"[：:，,。；;！!？?]", m.group("name")):
                return start, size, m
    return None


def _is_title(text: str) -> bool:
    return _title_match(text.replace("\n", "")) is not None


def _sub_of(text: str) -> tuple[int | None, str, str] | None:
    """A sub-heading of 一 — （一）主动公开：… run-in, or standalone — as (numeral index, title, content)."""
    m = _SUB.match(text)
    if m is None:  # a sub-heading without its number: the topic's words alone on a line ("主动公开情况")
        plain = text.strip().rstrip("：:")
        if plain in {t + suffix for t in fmt.OVERVIEW_TOPICS for suffix in ("", "情况", "工作")}:
            return None, plain, ""
        return None
    numeral = fmt.CN_NUMERALS.find(m.group("n")[-1]) + (9 if len(m.group("n")) == 2 else 0)
    rest = m.group("rest").strip()
    colon = min((i for i in (rest.find("："), rest.find(":")) if i >= 0), default=-1)
    if 0 < colon <= MAX_SUB_TITLE_CHARS:
        return numeral, rest[:colon].strip(), rest[colon + 1:].strip()
    if len(rest) <= MAX_SUB_TITLE_CHARS and "。" not in rest.rstrip("。"):
        return numeral, rest.rstrip("。").strip(), ""
    stop = rest.find("。")
    if 0 < stop <= MAX_SUB_TITLE_CHARS:
        return numeral, rest[:stop].strip(), rest[stop + 1:].strip()
    return numeral, fmt.OVERVIEW_TOPICS[min(numeral, len(fmt.OVERVIEW_TOPICS) - 1)], rest


def _standalone_sub(text: str) -> bool:
    sub = _sub_of(text)
    return sub is not None and not sub[2]


def _as_written(para: Para, piece: str, last: bool = False) -> str:
    """``piece`` of ``para.text`` as the paragraph was written (Traditional Chinese kept)."""
    if para.written is None:
        return piece
    at = para.text.rfind(piece) if last else para.text.find(piece)
    return para.written[at:at + len(piece)] if at >= 0 else piece


def _para_of(paras: list[Para], offset: int) -> Para:
    for p in paras:
        if offset < len(p.text):
            return p
        offset -= len(p.text)
    return paras[-1]


_TEXT_ROW = re.compile(r"^(?P<label>.*?[^\d\s.])\s*(?P<numbers>(?:\s*\d+(?:\.\d+)?){1,15})$")


def _only_headers(text: str, table_key: str) -> bool:
    """A line of a table's header words ("信息内容 本年制发件数 …"), not a sentence."""
    if any(ch in text for ch in "。；！？"):
        return False
    rest = key(text, numbering=True)
    for header in sorted(header_keys(table_key), key=len, reverse=True):
        rest = rest.replace(header, "")
    return bool(key(text, numbering=True)) and not rest


def _is_text_row(p: Para) -> bool:
    raw = (p.raw or p.text).replace("\n", " ").strip()
    return bool(_TEXT_ROW.match(raw) and re.search(r"\s\d", raw))


_ARTICLE = re.compile(r"^第二十条第[（(][一二三四五六七八九十]{1,2}[)）]项$")  # Table 二's section rows, any format
_NUMBERS_LINE = re.compile(r"^\s*\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*\s*$")
_SENTENCE = re.compile(r"[。；！？]")
MAX_LABEL_LINE = 60  # a label line of a copied table is short; a longer line is the report's text


def _numbers_line(p: Para) -> list[str] | None:
    """A line of numbers only: one cell per line (a PDF viewer's copy) or Table 四's unlabelled row."""
    raw = (p.raw or p.text).replace("\n", " ")
    return raw.split() if _NUMBERS_LINE.match(raw) else None


def _label_line(p: Para, table_key: str) -> bool:
    """A short line that is (part of) one of the table's row labels, not a sentence."""
    text = p.text.replace("\n", "")
    if _SENTENCE.search(text) or len(text) > MAX_LABEL_LINE:
        return False
    k = key(text)
    if len(k) < 2:
        return False
    return any(s.leaf and (k in s.leaf or s.leaf in k) for s in row_specs(table_key))


def _rows_in_text(paragraphs: list[Para], table_key: str) -> tuple[Grid, list[Para]] | None:
    """A table copied as text: lines of a label and its numbers separated by spaces ("规章 0 0 0",
    ``pdftotext -layout``, labels wrapped over lines), or one cell per line (a PDF viewer's copy: the label,
    then its numbers one per line).  Numbers are taken in the order they stand; nothing is moved."""
    numeric = [i for i, p in enumerate(paragraphs) if _is_text_row(p) or _numbers_line(p)]
    if not numeric:
        return None
    first, last = numeric[0], numeric[-1]
    while first > 0 and (_only_headers(paragraphs[first - 1].text, table_key)
                         or _label_line(paragraphs[first - 1], table_key)):
        first -= 1  # the header lines ("第二十条第（一）项", "信息内容 本年制发件数 …") and the first label
    rows: list[list[str]] = []
    used: list[Para] = []
    open_row = False  # the last row takes the numbers that follow one per line
    for p in paragraphs[first:last + 1]:
        raw = (p.raw or p.text).replace("\n", " ").strip()
        numbers = _numbers_line(p)
        if numbers is not None:
            if open_row and rows:
                rows[-1].extend(numbers)
            else:
                rows.append(list(numbers))
            open_row = len(numbers) == 1
        elif _is_text_row(p):
            m = _TEXT_ROW.match(raw)
            rows.append([m.group("label").strip()] + m.group("numbers").split())
            open_row = False
        elif _SENTENCE.search(p.text) or len(p.text) > MAX_LABEL_LINE:
            continue  # a sentence among the rows is the report's text, kept
        else:
            rows.append([raw])  # a header line, or a label (or part of one) whose numbers follow
            open_row = not _only_headers(p.text, table_key)
        used.append(p)
    return Grid(rows, positional=False, number=used[0].number, page=used[0].page), used


def import_blocks(blocks: Blocks) -> Imported:
    return _Builder(blocks).build()
