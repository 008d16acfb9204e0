"""House typography (GB/T 9704-2012 《党政机关公文格式》), as format-2021.md §6 states it.

Lengths are kept in the unit Word stores: twips (1/20 pt) and half-points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm
PAGE_WIDTH, PAGE_HEIGHT = mm(PAGE_MM[0]), mm(PAGE_MM[1])
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = (mm(MARGINS_MM[k]) for k in ("top", "bottom", "left", "right"))
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = TEXT_HEIGHT // LINES_PER_PAGE  # 579 twips ≈ 28.95 pt
FOOTER_DISTANCE = mm(28) - 280  # the page number's top 7 mm below the text block (28 mm above the edge)
HEADER_DISTANCE = mm(15)

# 字号 in points
ERHAO, SANHAO, SIHAO, WUHAO = 22, 16, 14, 10.5

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
OFFICIAL_FONTS = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)

# Other names of the same font (English family names, PostScript names)
FONT_ALIASES: dict[str, tuple[str, ...]] = {
    FANGSONG: ("FangSong_GB2312", "FangSong-GB2312"),
    XIAOBIAOSONG: ("FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "方正小标宋_GBK", "FZXBSJW--GB1-0"),
    HEITI: ("SimHei",),
    KAITI: ("KaiTi_GB2312", "KaiTi-GB2312"),
    SONGTI: ("SimSun",),
}
# Installed fonts that may stand in for a missing official one, best first (Windows' faces, then the
# free CJK fonts of Linux distributions).  A renderer names the one it used (see writers/pdf.py).
FONT_SUBSTITUTES: dict[str, tuple[str, ...]] = {
    FANGSONG: ("仿宋", "FangSong", "华文仿宋", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体",
               "宋体", "SimSun", "AR PL UMing CN"),
    XIAOBIAOSONG: ("华文中宋", "STZhongsong", "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体", "宋体", "SimSun",
                   "AR PL UMing CN"),
    HEITI: ("微软雅黑", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "思源黑体", "华文黑体", "STHeiti",
            "WenQuanYi Zen Hei", "文泉驿正黑"),
    KAITI: ("楷体", "KaiTi", "华文楷体", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC"),
    SONGTI: ("NSimSun", "新宋体", "Noto Serif CJK SC", "Source Han Serif SC", "思源宋体", "AR PL UMing CN"),
}


def css_font_stack(name: str, generic: str = "serif") -> str:
    """A CSS font-family list: the official face, its other names, its substitutes, a generic family."""
    names = (name,) + FONT_ALIASES.get(name, ()) + FONT_SUBSTITUTES.get(name, ())
    return ", ".join(f'"{n}"' for n in names) + f", {generic}"


def body_char_spacing() -> int:
    """Condensed character spacing (twips) that fits CHARS_PER_LINE body characters on a line.

    Word and WPS would fit them by the character grid alone; LibreOffice gives a
    glyph wider than a grid cell two cells, so the body does not rely on the grid.
    """
    return math.floor(TEXT_WIDTH / CHARS_PER_LINE - SANHAO * 20) - 1  # one twip of slack for rounding


def char_space() -> int:
    """w:charSpace for CHARS_PER_LINE characters of body size per line (1/4096 pt beyond the size).

    Rounded down, so that the 156 mm line holds the 28 characters, not 27.99 of them."""
    pitch_pt = TEXT_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE
    return math.floor((pitch_pt - SANHAO) * 4096)


@dataclass(frozen=True)
class Style:
    style_id: str
    name: str  # the name Word/WPS show (built-in names are shown translated)
    kind: str  # paragraph | character | table
    east_asian: str | None = None
    latin: str | None = None
    size: float | None = None  # points
    bold: bool | None = None
    align: str | None = None  # both | center | left | right
    first_line_chars: int | None = None  # first-line indent in characters (hundredths in the XML)
    line: int | None = None  # exact line spacing (twips); None: single
    keep_next: bool = False
    outline: int | None = None
    based_on: str | None = None
    snap_to_grid: bool = False  # see body_char_spacing
    space_after: int = 0
    condensed: bool = False  # apply body_char_spacing


BODY = "Normal"
STYLES: tuple[Style, ...] = (
    Style(BODY, "Normal", "paragraph", FANGSONG, LATIN, SANHAO, False, "both", 2, LINE_PITCH, condensed=True),
    Style("Title", "Title", "paragraph", XIAOBIAOSONG, XIAOBIAOSONG, ERHAO, False, "center", 0, 700,
          based_on=BODY, snap_to_grid=False, space_after=LINE_PITCH),
    Style("Heading1", "heading 1", "paragraph", HEITI, HEITI, SANHAO, False, "both", 2, LINE_PITCH,
          keep_next=True, outline=0, based_on=BODY, condensed=True),
    Style("Heading2", "heading 2", "paragraph", KAITI, KAITI, SANHAO, False, "both", 2, LINE_PITCH,
          keep_next=True, outline=1, based_on=BODY, condensed=True),
    Style("RunInHeading", "小标题（接排）", "character", KAITI, KAITI, SANHAO, False, condensed=True),
    Style("TableText", "表格文字", "paragraph", FANGSONG, LATIN, WUHAO, False, "center", 0, None,
          based_on=BODY, snap_to_grid=False),
    Style("TableLabel", "表格文字（左）", "paragraph", FANGSONG, LATIN, WUHAO, False, "left", 0, None,
          based_on="TableText", snap_to_grid=False),
    Style("Footer", "footer", "paragraph", SONGTI, SONGTI, SIHAO, False, None, 0, None, based_on=BODY,
          snap_to_grid=False),
)
STYLE_BY_ID = {s.style_id: s for s in STYLES}
TABLE_STYLE_ID, TABLE_STYLE_NAME = "OGITable", "政府信息公开表格"
TABLE_CELL_MARGIN = mm(0.8)
TABLE_ROW_MIN_HEIGHT = {"t2": mm(8), "t3": mm(6), "t4": mm(7)}  # Table 二 has room to breathe
TITLE_CHARS_PER_LINE = int(TEXT_WIDTH / 20 // ERHAO)  # 20 characters of 二号 on a line
PAGE_NUMBER_DASH = "—"  # an em dash each side: "— 1 —"
