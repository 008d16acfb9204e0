"""What a file really is, before anything parses it — and the limits that keep parsing bounded.

Every refusal is an ``Unreadable`` with a Chinese message saying what the file
is and what to do; nothing is read from a refused file.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from ..fileio import reason

MAX_FILE_BYTES = 50 * 1024 * 1024  # a standard workbook is about 30 KB
MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_PART_BYTES = 40 * 1024 * 1024  # one part of the zip, uncompressed
MAX_TOTAL_BYTES = 150 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 200  # uncompressed / compressed for a large part: a decompression bomb
MAX_CELLS = 100_000  # cells in one sheet (the standard workbook has about 700)
MAX_ROWS = 20_000  # <row> elements in one sheet (the standard workbook has under 300)
MAX_STRINGS = 200_000  # shared strings (the standard workbook has about 300)
MAX_ENTRIES = 2_000  # parts in the zip (the standard workbook has about 15)


class Unreadable(Exception):
    """The file cannot be read at all (exit code 2).  ``code`` is a rule code."""

    def __init__(self, message: str, code: str = "FILE-READ", sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.sheet = sheet  # where the reader saw what made it stop, when it was one cell
        self.cell = cell


@dataclass(frozen=True)
class Input:
    kind: str  # "xlsx", "json", or a published report: "docx", "html", "pdf", "txt"
    data: bytes
    macros: bool = False  # an .xlsm (or a workbook carrying a VBA project)


HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
SAVE_AS = "请在 Excel 或 WPS 中打开它，用“文件 → 另存为”保存为“Excel 工作簿 (*.xlsx)”后再试。"


def sniff(path: Path) -> Input:
    path = Path(path)
    if not path.exists():
        raise Unreadable(f"找不到文件：{path}")
    if path.is_dir():
        raise Unreadable(f"{path} 是文件夹，不是文件")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"文件有 {size // (1024 * 1024)} MB，超过 {MAX_FILE_BYTES // (1024 * 1024)} MB 的上限；"
                             "标准填报表只有几十 KB，这不像是填报表。")
        data = path.read_bytes()
    except PermissionError as exc:
        raise Unreadable(f"没有权限读取文件 {path}") from exc
    except OSError as exc:
        raise Unreadable(f"读取文件 {path} 失败：{reason(exc)}") from exc
    if not data:
        raise Unreadable("文件是空的（0 字节），可能保存或拷贝时出了问题。")
    suffix = path.suffix.lower()
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip(data, suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _ole(data)
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return Input("pdf", data)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    excel_suffix = suffix in (".xlsx", ".xlsm", ".xls", ".et")
    if not excel_suffix and (suffix in HTML_SUFFIXES or stripped[:15].lower().startswith((b"<!doctype html", b"<html"))):
        return Input("html", data)
    if suffix == ".json" or (stripped[:1] in (b"{", b"[") and not _plain_text(data, suffix)):
        if len(data) > MAX_JSON_BYTES:
            raise Unreadable("JSON 文件过大，超过 20 MB 的上限。")
        if suffix in (".xlsx", ".xlsm"):
            raise Unreadable("文件扩展名是 .xlsx，但内容是 JSON 文本。若是数据文件，请把扩展名改为 .json。")
        return Input("json", data)
    if stripped.startswith((b"<?xml", b"<html", b"<HTML", b"<!DOCTYPE", b"<table")):
        raise Unreadable("这是网页或 XML 文本（有些系统导出的“Excel”其实是网页），不是 .xlsx 工作簿。" + SAVE_AS)
    if suffix == ".xls":
        raise Unreadable("文件扩展名是 .xls，但内容不是 Excel 工作簿。" + SAVE_AS)
    if _looks_like_text(data) and not excel_suffix and suffix != ".csv":
        return Input("txt", data)
    if _looks_like_text(data):
        raise Unreadable("这是文本文件（可能是 .csv），不是 .xlsx 工作簿。" + SAVE_AS)
    raise Unreadable("文件内容无法识别：不是 .xlsx 工作簿或 JSON 数据文件，也不是 Word、网页、PDF 或文本格式的年度报告。")


def _plain_text(data: bytes, suffix: str) -> bool:
    """A text that starts with "[" or "{" but is no JSON ("[2024] 宿迁市…年度报告" copied from a page)."""
    if suffix in (".xlsx", ".xlsm") or len(data) > MAX_JSON_BYTES or not _looks_like_text(data):
        return False
    import json

    try:
        json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return True
    return False


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark (Notepad's "Unicode")
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:  # incremental: a character cut at the end of the sample is not an error
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _ole(data: bytes) -> None:
    """An OLE2 compound file: a legacy .xls/.doc, or an encrypted (password-protected) OOXML file."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise Unreadable("工作簿设置了打开密码（已加密），nianbao 无法读取。请在 Excel 中用“文件 → 信息 → 保护工作簿 → "
                         "用密码进行加密”清除密码（WPS：“文件 → 文档加密”）后保存，再试。")
    if "WordDocument".encode("utf-16-le") in data:
        raise Unreadable("这是旧版 Word 文档（.doc），nianbao 读不了。请在 Word 或 WPS 中用“文件 → 另存为”保存为"
                         "“Word 文档 (*.docx)”后再试。")
    raise Unreadable("这是旧版 Excel 97-2003 工作簿（.xls），nianbao 只读 .xlsx。" + SAVE_AS)


def _zip(data: bytes, suffix: str) -> Input:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise Unreadable("文件已损坏或不完整（可能下载、拷贝或邮件附件保存时被截断）。请重新获取原文件。") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise Unreadable(f"压缩包中有 {len(infos)} 个部件，远超正常工作簿，已拒绝读取（可能是异常文件）。")
        names = {i.filename for i in infos}
        docx = "word/document.xml" in names  # a published report (compiler.readers.published)
        if "ppt/presentation.xml" in names:
            raise Unreadable("这是 PowerPoint 演示文稿，不是 .xlsx 工作簿。")
        if "mimetype" in names and b"opendocument.text" in archive.read("mimetype")[:100]:
            raise Unreadable("这是 OpenDocument 文本（.odt）。请用“另存为”保存为 Word 文档（.docx）后再试。")
        if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype")[:100]:
            raise Unreadable("这是 OpenDocument 表格（.ods）。请用“另存为”保存为 .xlsx 格式后再试。")
        if not docx and "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise Unreadable("文件是 zip 压缩包，但不是 Excel 工作簿。")
        if "xl/workbook.bin" in names:
            raise Unreadable("这是 Excel 二进制工作簿（.xlsb），nianbao 只读 .xlsx。" + SAVE_AS)
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or (
                    info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise Unreadable(f"文件中的 {info.filename} 解压后有 {info.file_size // (1024 * 1024)} MB，"
                                 "超出安全上限（可能是异常文件或“压缩炸弹”），已拒绝读取。")
        if total > MAX_TOTAL_BYTES:
            raise Unreadable("文件解压后总大小超出安全上限，已拒绝读取。")
        if docx:
            return Input("docx", data)
        for info in infos:
            _scan_part(archive, info)
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        macros = "xl/vbaProject.bin" in names or b"macroEnabled" in content_types or suffix == ".xlsm"
    return Input("xlsx", data, macros=macros)


# Elements counted before any XML parser sees a part (openpyxl walks a whole sheet just to open it).
_COUNTED = {
    "row": (re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]"), MAX_ROWS),
    "c": (re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]"), MAX_CELLS),
    "si": (re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]"), MAX_STRINGS),
}
_CHUNK = 1 << 20


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a sheet of a million rows (or cells, or shared strings) in bounded time and memory."""
    name = info.filename
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        kinds = ("row", "c")
    elif name == "xl/sharedStrings.xml":
        kinds = ("si",)
    else:
        return
    counts = dict.fromkeys(kinds, 0)
    tail = b""
    try:
        with archive.open(info) as src:
            while chunk := src.read(_CHUNK):
                data = tail + chunk
                cut = max(0, len(data) - 32)  # a tag cut by the chunk boundary is counted in the next round
                for kind in kinds:
                    pattern, limit = _COUNTED[kind]
                    counts[kind] += len(pattern.findall(data, 0, cut))
                    if counts[kind] > limit:
                        raise Unreadable(_TOO_MANY[kind].format(limit=limit))
                tail = data[cut:]
            for kind in kinds:
                counts[kind] += len(_COUNTED[kind][0].findall(tail))
                if counts[kind] > _COUNTED[kind][1]:
                    raise Unreadable(_TOO_MANY[kind].format(limit=_COUNTED[kind][1]))
    except Unreadable:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Unreadable("文件已损坏或不完整（压缩数据有误，可能下载、拷贝或邮件附件保存时出了问题）。请重新获取原文件。") from exc


_TOO_MANY = {
    "row": "工作簿中有一张工作表超过 {limit} 行，远超标准填报表（几十行），已拒绝读取（可能误粘贴了大量数据，或文件异常）。",
    "c": "工作簿中有一张工作表超过 {limit} 个单元格，远超标准填报表，已拒绝读取（可能误粘贴了大量数据，或文件异常）。",
    "si": "工作簿中的文字超过 {limit} 条，远超标准填报表，已拒绝读取（可能误粘贴了大量数据，或文件异常）。",
}
