"""The 2021 annual report format (国办公开办函〔2021〕30号), declared once.

Everything that knows about the format — the workbook template, the workbook
reader, the JSON reader and writer, the checks and the .docx renderer — takes
its labels, keys, merges and cell addresses from this module.  A label or a
cell address is written here and nowhere else.

Key paths
---------
Every value of a report has a *key path*, a tuple of data-model keys:
``("year",)``, ``("office", "name")``, ``("text", "problems")``,
``("text", "overview_sections", 0, "title")``, ``("t2", "rules", "made")``,
``("t3", "new", "natural")``, ``("t4", "review", "total")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator


FORMAT_ID = "GOV-OGI-AR-2021"
FORMAT_TITLE = "国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》"
# Revision of nianbao's own workbook layout.  Raise it when a cell moves.
TEMPLATE_REVISION = 1
FIRST_YEAR = 2021  # the format applies to report years 2021 onward

Path = tuple  # a key path, see the module docstring

# --------------------------------------------------------------------------
# 基本信息
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeField:
    key: str
    label: str
    hint: str
    required: bool = False
    # used by the generated lead paragraph (a warning when empty and no lead is written)
    in_lead: bool = False


OFFICE_FIELDS: tuple[OfficeField, ...] = (
    OfficeField("name", "机关名称（全称）", "如：中卫市沙坡头区永康镇人民政府", required=True, in_lead=True),
    OfficeField("report_name", "报告标题中的机关名称", "标题为“{此名称}{年度}年政府信息公开工作年度报告”；留空则用全称"),
    OfficeField("short_name", "机关简称", "如：永康镇（可空）"),
    OfficeField("website_name", "发布报告的网站名称", "如：中卫市沙坡头区人民政府网站", in_lead=True),
    OfficeField("website_url", "网站网址", "如：http://www.spt.gov.cn", in_lead=True),
    OfficeField("address", "通信地址", "如：中卫市沙坡头区永康镇商业街84号", in_lead=True),
    OfficeField("postcode", "邮政编码", "6 位数字", in_lead=True),
    OfficeField("phone", "联系电话", "如：0955—7639207", in_lead=True),
    OfficeField("fax", "传真", "没有可空"),
    OfficeField("email", "电子邮箱", "没有可空"),
)
OFFICE_KEYS = tuple(f.key for f in OFFICE_FIELDS)
# Where the office sends the report: rows of 基本信息 below the office's fields.  They belong to the
# workbook, not to the report's data model (data-model.md has no such keys): the submission e-mail
# (`compile --to eml`) takes its To and Cc from them.
DELIVERY_FIELDS: tuple[OfficeField, ...] = (
    OfficeField("mail_to", "报送邮箱（收件人）", "上级政务公开办收取年报的邮箱，生成报送邮件（.eml）时作收件人；多个用分号隔开"),
    OfficeField("mail_cc", "抄送邮箱", "可空；多个用分号隔开"),
)
DELIVERY_KEYS = tuple(f.key for f in DELIVERY_FIELDS)
YEAR_LABEL = "报告年度"
YEAR_HINT = "四位数字，如 2021（报告所统计的年度，不是发布年度）"

# --------------------------------------------------------------------------
# Skeleton and narrative
# --------------------------------------------------------------------------

TITLE_SUFFIX = "年政府信息公开工作年度报告"

OVERVIEW_TOPICS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
CN_NUMERALS = "一二三四五六七八九十"


def sub_number(i: int) -> str:
    """（一）, （二) … for a 0-based index."""
    return f"（{CN_NUMERALS[i]}）"


@dataclass(frozen=True)
class Heading:
    number: int  # 1..6
    text: str  # without the number
    text_key: str  # the narrative written under it (data-model key in "text")
    table: str | None = None  # the table printed under it
    variants: tuple[str, ...] = ()  # other wordings seen in real reports (without number)
    core: str = ""  # a numbered short heading holding these words is this heading (reading published reports)

    @property
    def full(self) -> str:
        return f"{CN_NUMERALS[self.number - 1]}、{self.text}"


HEADINGS: tuple[Heading, ...] = (
    Heading(1, "总体情况", "overview", core="总体"),
    Heading(2, "主动公开政府信息情况", "proactive", table="t2", core="主动公开"),
    Heading(3, "收到和处理政府信息公开申请情况", "requests", table="t3", core="申请"),
    Heading(4, "政府信息公开行政复议、行政诉讼情况", "appeals", table="t4",
            variants=("因政府信息公开工作被申请行政复议、提起行政诉讼情况",), core="复议"),
    Heading(5, "存在的主要问题及改进情况", "problems",
            variants=("政府信息公开工作存在的主要问题及改进情况",), core="问题"),
    Heading(6, "其他需要报告的事项", "other", core="其他"),
)


@dataclass(frozen=True)
class TextPart:
    """One narrative part of the data model, as the 正文 sheet shows it."""

    path: Path  # ("text", "lead") or ("text", "overview_sections", i, "paragraphs"), ...
    label: str
    hint: str
    kind: str = "paragraphs"  # "paragraphs" (a list) or "title" (one line)
    optional: bool = False  # may stay empty without a finding


def _text_parts() -> tuple[TextPart, ...]:
    parts = [
        TextPart(("text", "lead"), "开头段（导语）",
                 "留空则按“基本信息”自动生成标准开头段（法律依据、统计期限、发布网站、联系方式）", optional=True),
        TextPart(("text", "overview"), HEADINGS[0].full + "（概述）",
                 "写在“（一）主动公开”之前的总述段落"),
    ]
    for i, topic in enumerate(OVERVIEW_TOPICS):
        parts.append(TextPart(("text", "overview_sections", i, "title"), f"{sub_number(i)}小标题",
                              f"默认“{topic}”，可改；不写序号", kind="title"))
        parts.append(TextPart(("text", "overview_sections", i, "paragraphs"), f"{sub_number(i)}正文",
                              f"{topic}情况"))
    for h in HEADINGS[1:]:
        optional = h.table is not None
        hint = f"写在表{CN_NUMERALS[h.number - 1]}之前的说明，可空" if optional else (
            "可写“无。”" if h.text_key == "other" else "存在的主要问题和改进措施")
        parts.append(TextPart(("text", h.text_key), h.full, hint, optional=optional))
    return tuple(parts)


TEXT_PARTS: tuple[TextPart, ...] = _text_parts()
TEXT_LIST_KEYS = ("lead",) + tuple(h.text_key for h in HEADINGS)  # lead, overview, proactive, … other

# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

COUNT = "count"  # a non-negative integer (件)
AMOUNT = "amount"  # a non-negative amount in 万元 (decimals allowed)


@dataclass(frozen=True)
class Cell:
    """One cell of an official table, at its top-left grid position."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str = ""  # the label of a label cell
    kind: str = "label"  # label | header | section | input | total
    path: Path | None = None  # for input and total cells
    value_kind: str = COUNT
    row_label: str = ""  # what a message calls the row of an input/total cell
    column_label: str = ""  # and its column
    vertical: bool = False  # set the text vertically (the tall 三、本年度办理结果)


@dataclass(frozen=True)
class Sum:
    """A total and the parts it is the sum of (a consistency rule of the table)."""

    total: Path
    parts: tuple[Path, ...]
    rule: str  # rule code, see compiler.rules
    what: str  # how a message names the parts, e.g. "各项办理结果之和"


@dataclass(frozen=True)
class Balance:
    """Two sums of a column that must be equal: Table 三's 一 + 二 = （七） + 四 (a consistency rule)."""

    left: tuple[Path, ...]
    right: tuple[Path, ...]
    target: Path  # the term a finding is put on: where the fix most likely goes
    rule: str  # rule code, see compiler.rules
    terms: tuple[str, ...]  # how a message names each term of left + right: 一, 二, （七）, 四

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.left + self.right


@dataclass(frozen=True)
class Table:
    key: str  # data-model key: t2, t3, t4
    name: str  # 表二
    heading: int  # number of the heading it stands under
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]
    header_rows: int  # rows repeated on every page of the .docx
    widths_mm: tuple[float, ...]  # column widths in the .docx (sum 156 mm, the text width)
    xl_widths: tuple[float, ...]  # column widths in the workbook (characters)
    sums: tuple[Sum, ...] = ()
    balances: tuple[Balance, ...] = ()

    @property
    def sheet(self) -> str:
        return self.name

    def inputs(self) -> Iterator[Cell]:
        return (c for c in self.cells if c.kind == "input")

    def totals(self) -> Iterator[Cell]:
        return (c for c in self.cells if c.kind == "total")

    def values(self) -> Iterator[Cell]:
        return (c for c in self.cells if c.kind in ("input", "total"))


def _label(r, c, text, rs=1, cs=1, kind="label", vertical=False) -> Cell:
    return Cell(r, c, rs, cs, text=text, kind=kind, vertical=vertical)


# ---- Table 二 --------------------------------------------------------------

T2_DOC_COLUMNS = (("made", "本年制发件数"), ("repealed", "本年废止件数"), ("valid", "现行有效件数"))
T2_DOCS = (("rules", "规章"), ("normative", "行政规范性文件"))
# (article item, column header, rows (key, label), value kind)
T2_SINGLE_GROUPS = (
    ("第二十条第（五）项", "本年处理决定数量", (("licensing", "行政许可"),), COUNT),
    ("第二十条第（六）项", "本年处理决定数量", (("penalty", "行政处罚"), ("coercion", "行政强制")), COUNT),
    ("第二十条第（八）项", "本年收费金额（单位：万元）", (("fees_wan_yuan", "行政事业性收费"),), AMOUNT),
)
INFO_CONTENT = "信息内容"


def _table2() -> Table:
    cells: list[Cell] = [
        _label(0, 0, "第二十条第（一）项", cs=4, kind="section"),
        _label(1, 0, INFO_CONTENT, kind="header"),
    ]
    for j, (_, header) in enumerate(T2_DOC_COLUMNS):
        cells.append(_label(1, 1 + j, header, kind="header"))
    r = 2
    for key, label in T2_DOCS:
        cells.append(_label(r, 0, label))
        for j, (col, header) in enumerate(T2_DOC_COLUMNS):
            cells.append(Cell(r, 1 + j, kind="input", path=("t2", key, col), row_label=label, column_label=header))
        r += 1
    for article, header, rows, value_kind in T2_SINGLE_GROUPS:
        cells.append(_label(r, 0, article, cs=4, kind="section"))
        cells.append(_label(r + 1, 0, INFO_CONTENT, kind="header"))
        cells.append(_label(r + 1, 1, header, cs=3, kind="header"))
        r += 2
        for key, label in rows:
            cells.append(_label(r, 0, label))
            cells.append(Cell(r, 1, 1, 3, kind="input", path=("t2", key), value_kind=value_kind,
                              row_label=label, column_label=header))
            r += 1
    return Table("t2", "表二", 2, r, 4, tuple(cells), header_rows=0,
                 widths_mm=(51, 35, 35, 35), xl_widths=(22, 22, 22, 22))


# ---- Table 三 --------------------------------------------------------------

T3_COLUMNS = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)
T3_PARTY_KEYS = tuple(k for k, _ in T3_COLUMNS[:-1])
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"
T3_RESULTS = "三、本年度办理结果"

# Each row: its key and its label path (outer group, sub-group, item).
T3_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new", ("一、本年新收政府信息公开申请数量",)),
    ("carried_in", ("二、上年结转政府信息公开申请数量",)),
    ("disclosed", (T3_RESULTS, "（一）予以公开")),
    ("partial", (T3_RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("w_secret", (T3_RESULTS, "（三）不予公开", "1.属于国家秘密")),
    ("w_law", (T3_RESULTS, "（三）不予公开", "2.其他法律行政法规禁止公开")),
    ("w_safety", (T3_RESULTS, "（三）不予公开", "3.危及“三安全一稳定”")),
    ("w_third_party", (T3_RESULTS, "（三）不予公开", "4.保护第三方合法权益")),
    ("w_internal", (T3_RESULTS, "（三）不予公开", "5.属于三类内部事务信息")),
    ("w_process", (T3_RESULTS, "（三）不予公开", "6.属于四类过程性信息")),
    ("w_enforcement", (T3_RESULTS, "（三）不予公开", "7.属于行政执法案卷")),
    ("w_query", (T3_RESULTS, "（三）不予公开", "8.属于行政查询事项")),
    ("u_not_held", (T3_RESULTS, "（四）无法提供", "1.本机关不掌握相关政府信息")),
    ("u_needs_creation", (T3_RESULTS, "（四）无法提供", "2.没有现成信息需要另行制作")),
    ("u_unclear", (T3_RESULTS, "（四）无法提供", "3.补正后申请内容仍不明确")),
    ("n_petition", (T3_RESULTS, "（五）不予处理", "1.信访举报投诉类申请")),
    ("n_duplicate", (T3_RESULTS, "（五）不予处理", "2.重复申请")),
    ("n_publication", (T3_RESULTS, "（五）不予处理", "3.要求提供公开出版物")),
    ("n_massive", (T3_RESULTS, "（五）不予处理", "4.无正当理由大量反复申请")),
    ("n_confirm", (T3_RESULTS, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息")),
    ("o_no_fix", (T3_RESULTS, "（六）其他处理",
                  "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    ("o_unpaid", (T3_RESULTS, "（六）其他处理",
                  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    ("o_other", (T3_RESULTS, "（六）其他处理", "3.其他")),
    ("total_handled", (T3_RESULTS, "（七）总计")),
    ("carried_out", ("四、结转下年度继续办理",)),
)
T3_ROW_KEYS = tuple(k for k, _ in T3_ROWS)
T3_OUTCOME_KEYS = T3_ROW_KEYS[2:-2]  # （一）…（六）3, the parts of （七）总计
T3_FIRST_DATA_ROW = 3


def t3_row_label(label_path: tuple[str, ...]) -> str:
    """How a message names a row: "（三）1.属于国家秘密", "（七）总计", "一、本年新收…"."""
    if len(label_path) == 3:
        group = label_path[1]
        return group[: group.index("）") + 1] + label_path[2]
    return label_path[-1]


def _table3() -> Table:
    ncols = 3 + len(T3_COLUMNS)
    cells: list[Cell] = [
        _label(0, 0, T3_CORNER, rs=3, cs=3, kind="header"),
        _label(0, 3, T3_APPLICANTS, cs=len(T3_COLUMNS), kind="header"),
        _label(1, 3, T3_COLUMNS[0][1], rs=2, kind="header"),
        _label(1, 4, T3_LEGAL_PERSONS, cs=5, kind="header"),
        _label(1, 9, T3_COLUMNS[-1][1], rs=2, kind="header"),
    ]
    for j, (_, label) in enumerate(T3_COLUMNS[1:-1]):
        cells.append(_label(2, 4 + j, label, kind="header"))

    # Label columns: a label path of length n fills levels 0..n-1; the last level
    # spans the remaining label columns; equal consecutive labels merge down.
    paths = [p for _, p in T3_ROWS]
    for level in range(3):
        r = 0
        while r < len(paths):
            path = paths[r]
            if len(path) <= level:
                r += 1
                continue
            span = 1
            while (r + span < len(paths) and len(paths[r + span]) > level
                   and paths[r + span][: level + 1] == path[: level + 1]
                   and len(path) > level + 1):
                span += 1
            colspan = 3 - level if len(path) == level + 1 else 1
            cells.append(_label(T3_FIRST_DATA_ROW + r, level, path[level], rs=span, cs=colspan,
                                vertical=(level == 0 and span > 1)))
            r += span

    for i, (row_key, path) in enumerate(T3_ROWS):
        for j, (col_key, col_label) in enumerate(T3_COLUMNS):
            is_total = col_key == "total" or row_key == "total_handled"
            cells.append(Cell(T3_FIRST_DATA_ROW + i, 3 + j, kind="total" if is_total else "input",
                              path=("t3", row_key, col_key),
                              row_label=t3_row_label(path), column_label=col_label))
    sums = [
        Sum(("t3", row, "total"), tuple(("t3", row, c) for c in T3_PARTY_KEYS), "T3-I1", "各类申请人之和")
        for row in T3_ROW_KEYS
    ] + [
        Sum(("t3", "total_handled", c), tuple(("t3", row, c) for row in T3_OUTCOME_KEYS), "T3-I2",
            "各项办理结果之和")
        for c, _ in T3_COLUMNS
    ]
    # The corner cell's relation, per column: 一 + 二 = （七）总计 + 四 (the finding goes on 四, the remainder)
    balances = tuple(
        Balance((("t3", "new", c), ("t3", "carried_in", c)), (("t3", "total_handled", c), ("t3", "carried_out", c)),
                target=("t3", "carried_out", c), rule="T3-S1", terms=("一", "二", "（七）", "四"))
        for c, _ in T3_COLUMNS)
    return Table("t3", "表三", 3, T3_FIRST_DATA_ROW + len(T3_ROWS), ncols, tuple(cells), header_rows=3,
                 widths_mm=(8, 30, 48) + (10,) * 7, xl_widths=(5, 16, 34) + (9,) * 7, sums=tuple(sums),
                 balances=balances)


# ---- Table 四 --------------------------------------------------------------

T4_PARTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"),
            ("total", "总计"))
T4_REVIEW = ("review", "行政复议")
T4_SUIT = "行政诉讼"
T4_SUITS = (("suit_direct", "未经复议直接起诉"), ("suit_after_review", "复议后起诉"))
T4_GROUPS = (T4_REVIEW,) + T4_SUITS


def t4_group_label(group: str) -> str:
    label = dict(T4_GROUPS)[group]
    return label if group == T4_REVIEW[0] else f"{T4_SUIT}·{label}"


def _table4() -> Table:
    n = len(T4_PARTS)
    cells: list[Cell] = [
        _label(0, 0, T4_REVIEW[1], cs=n, kind="header"),
        _label(0, n, T4_SUIT, cs=2 * n, kind="header"),
    ]
    for j, (_, label) in enumerate(T4_PARTS):
        cells.append(_label(1, j, label, rs=2, kind="header"))
    for g, (_, label) in enumerate(T4_SUITS):
        cells.append(_label(1, n * (g + 1), label, cs=n, kind="header"))
        for j, (_, part) in enumerate(T4_PARTS):
            cells.append(_label(2, n * (g + 1) + j, part, kind="header"))
    sums = []
    for g, (group, _) in enumerate(T4_GROUPS):
        for j, (part, part_label) in enumerate(T4_PARTS):
            cells.append(Cell(3, n * g + j, kind="total" if part == "total" else "input",
                              path=("t4", group, part), row_label=t4_group_label(group), column_label=part_label))
        sums.append(Sum(("t4", group, "total"), tuple(("t4", group, p) for p, _ in T4_PARTS[:-1]), "T4-I3",
                        "结果维持、结果纠正、其他结果、尚未审结之和"))
    return Table("t4", "表四", 4, 4, 3 * n, tuple(cells), header_rows=3,
                 widths_mm=(156 / 15,) * 15, xl_widths=(8,) * 15, sums=tuple(sums))


TABLES: tuple[Table, ...] = (_table2(), _table3(), _table4())
TABLES_BY_KEY = {t.key: t for t in TABLES}
SUMS: tuple[Sum, ...] = tuple(s for t in TABLES for s in t.sums)
BALANCES: tuple[Balance, ...] = tuple(b for t in TABLES for b in t.balances)
VALUE_CELLS: dict[Path, tuple[Table, Cell]] = {c.path: (t, c) for t in TABLES for c in t.values()}
TOTAL_PATHS = frozenset(c.path for t in TABLES for c in t.totals())

# --------------------------------------------------------------------------
# The standard workbook (nianbao's template): sheets and addresses
# --------------------------------------------------------------------------

SHEET_GUIDE = "填报说明"
SHEET_INFO = "基本信息"
SHEET_TEXT = "正文"
SHEET_CHECK = "校验"
# Added after the others by `nianbao import`: what was read from a published report and what to check
SHEET_IMPORT = "导入说明"
SHEET_ORDER = (SHEET_GUIDE, SHEET_INFO, SHEET_TEXT) + tuple(t.sheet for t in TABLES) + (SHEET_CHECK,)

TABLE_TOP_ROW = 4  # official table row 0 is sheet row 4 (row 1 title, row 2 check status)
STATUS_CELL = "A2"  # the one-line 勾稽关系 status on each table sheet
FORM_FIRST_ROW = 4  # first input row on 基本信息 and 正文
FORM_LABEL_COL, FORM_INPUT_COL, FORM_HINT_COL = 1, 2, 3
GUIDE_META_ROWS = {"format": 3, "revision": 4}  # 填报说明: label in column A, value in column B
NAME_PREFIX = "nb_"
# A defined name that marks a workbook written by `nianbao summary` (the sum of several offices)
SUMMARY_MARK = NAME_PREFIX + "meta_summary"


def get_column_letter(index: int) -> str:
    """Excel's column letters of a 1-based column number (1 → A, 27 → AA), as openpyxl.utils spells them.
    Not imported from openpyxl: importing any part of it loads all of openpyxl (about 100 ms), and the
    format is needed by commands that never open a workbook (a JSON or a published report, ``rules``)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def table_address(table: Table, row: int, col: int) -> str:
    """Sheet address of an official table's grid position."""
    return f"{get_column_letter(col + 1)}{TABLE_TOP_ROW + row}"


def defined_name(path: Path) -> str:
    """The workbook's defined name of a key path: ("t3","new","natural") -> nb_t3_new_natural."""
    return NAME_PREFIX + "_".join(str(p + 1) if isinstance(p, int) else p for p in path)


@dataclass(frozen=True)
class Slot:
    """Where a value lives in the standard workbook."""

    path: Path
    sheet: str
    address: str
    label: str  # what a message calls it
    column_label: str = ""
    kind: str = "input"  # input | total | text | title | office | year | meta | delivery
    value_kind: str = COUNT

    @property
    def name(self) -> str:
        return defined_name(self.path)


def _slots() -> tuple[Slot, ...]:
    slots: list[Slot] = []
    col = get_column_letter(FORM_INPUT_COL)
    for key, label in (("format", "格式版本"), ("revision", "模板版本")):
        slots.append(Slot(("meta", key), SHEET_GUIDE, f"{col}{GUIDE_META_ROWS[key]}", label, kind="meta"))
    slots.append(Slot(("year",), SHEET_INFO, f"{col}{FORM_FIRST_ROW}", YEAR_LABEL, kind="year"))
    for i, f in enumerate(OFFICE_FIELDS):
        slots.append(Slot(("office", f.key), SHEET_INFO, f"{col}{FORM_FIRST_ROW + 1 + i}", f.label, kind="office"))
    for i, f in enumerate(DELIVERY_FIELDS):
        row = FORM_FIRST_ROW + 1 + len(OFFICE_FIELDS) + i
        slots.append(Slot(("delivery", f.key), SHEET_INFO, f"{col}{row}", f.label, kind="delivery"))
    for i, part in enumerate(TEXT_PARTS):
        slots.append(Slot(part.path, SHEET_TEXT, f"{col}{FORM_FIRST_ROW + i}", part.label,
                          kind="title" if part.kind == "title" else "text"))
    for t in TABLES:
        for c in t.values():
            slots.append(Slot(c.path, t.sheet, table_address(t, c.row, c.col), c.row_label, c.column_label,
                              kind=c.kind, value_kind=c.value_kind))
    return tuple(slots)


SLOTS: tuple[Slot, ...] = _slots()
# Slots a workbook of an earlier nianbao may lack (no defined name, an empty cell): no finding when absent
OPTIONAL_SLOT_KINDS = ("meta", "delivery")
SLOTS_BY_PATH: dict[Path, Slot] = {s.path: s for s in SLOTS}
SLOTS_BY_NAME: dict[str, Slot] = {s.name: s for s in SLOTS}


def labels(path: Path) -> tuple[str, str]:
    """(row label, column label) that a message uses for a key path: the labels the office sees."""
    if path in VALUE_CELLS:
        _, cell = VALUE_CELLS[path]
        return cell.row_label, cell.column_label
    slot = SLOTS_BY_PATH.get(path)
    return (slot.label if slot else ".".join(map(str, path))), ""


def label_text(path: Path) -> str:
    """"一、本年新收政府信息公开申请数量·自然人", "机关名称（全称）"."""
    row, col = labels(path)
    return f"{row}·{col}" if col else row

@dataclass(frozen=True)
class KeyFigure:
    """A figure that sums up a report, as the batch status sheet, the submission email and the web page show it."""

    header: str  # a column header: 新收
    what: str  # in a sentence: 本年新收政府信息公开申请
    paths: tuple[Path, ...]  # the table values it is the sum of


KEY_FIGURES: tuple[KeyFigure, ...] = (
    KeyFigure("新收", "本年新收政府信息公开申请", (("t3", "new", "total"),)),
    KeyFigure("办结", "本年办结（办理结果总计）", (("t3", "total_handled", "total"),)),
    KeyFigure("结转下年度", "结转下年度继续办理", (("t3", "carried_out", "total"),)),
    KeyFigure("复议", "政府信息公开行政复议", (("t4", "review", "total"),)),
    KeyFigure("诉讼", "政府信息公开行政诉讼", (("t4", "suit_direct", "total"), ("t4", "suit_after_review", "total"))),
)

# Texts that mark the 2019 trial format (国办公开办函〔2019〕60号)
FORMAT_2019_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "第二十条第（九）项", "上一年项目数量")
