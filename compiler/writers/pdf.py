"""Convert the report's .docx into an archival PDF (PDF/A-1) through LibreOffice headless.

LibreOffice is the real converter, as the offices' own WPS or Word would be.  Each conversion runs
in a private temporary folder with its own LibreOffice profile (``-env:UserInstallation``), so
parallel batch workers never collide on a profile's lock and a LibreOffice the clerk has open is
never disturbed.  The profile carries a font-replacement table: an official face that is not
installed (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) is replaced by the best installed Chinese
font from ``typography.FONT_SUBSTITUTES``, and a note names every replacement.  Without any Chinese
font the conversion is refused (the PDF would miss glyphs).  Fonts are embedded (PDF/A requires it;
the result is checked).  LibreOffice missing, failing or hanging gives a ``PdfError`` whose message
says what to install or do.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from .. import typography as ty
from ..fileio import OutputError

PDF_SUFFIX = ".pdf"
SOFFICE_ENV = "NIANBAO_SOFFICE"  # the LibreOffice program, when it is not found by itself
TIMEOUT_ENV = "NIANBAO_PDF_TIMEOUT"  # seconds one conversion may take
DEFAULT_TIMEOUT = 120
MIN_TIMEOUT = 2.0
WORK_PREFIX = "nianbao-pdf-"  # every temporary folder (and LibreOffice profile) nianbao makes for PDFs
# PDF/A-1 (ISO 19005-1).  LibreOffice writes it tagged, i.e. level 1a, which meets every requirement of 1b.
EXPORT_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"1"}}'
INSTALL_HINT = ("请安装 LibreOffice（免费）：Windows 从 https://zh-cn.libreoffice.org/download/ 下载安装；"
                "Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk。"
                f"已安装但找不到时，可把环境变量 {SOFFICE_ENV} 设为 soffice 程序的完整路径。")
_WINDOWS_PLACES = (r"%ProgramFiles%\LibreOffice\program\soffice.exe",
                   r"%ProgramFiles(x86)%\LibreOffice\program\soffice.exe",
                   r"%LOCALAPPDATA%\Programs\LibreOffice\program\soffice.exe")
_MAC_PLACE = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


class PdfError(OutputError):
    """No PDF could be made; the message (Chinese) says why and what to do."""


@dataclass
class Pdf:
    data: bytes
    notes: list[str] = field(default_factory=list)  # what the reader of the PDF should know (substitute fonts)
    pages: int = 0


# ---- LibreOffice ------------------------------------------------------------------------------


def find_program(env: str, names: tuple[str, ...], windows_places: tuple[str, ...],
                 mac_places: tuple[str, ...]) -> str | None:
    """A program nianbao runs: $``env`` when set (and only then), one of ``names`` on the PATH, or where
    the installers put it on Windows (``%VARIABLES%`` expanded) or macOS."""
    configured = os.environ.get(env, "").strip().strip('"')
    if configured:
        return configured if Path(configured).is_file() else None
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    places = [os.path.expandvars(p) for p in windows_places] if sys.platform == "win32" else list(mac_places)
    return next((p for p in places if Path(p).is_file()), None)


def find_soffice() -> str | None:
    """The LibreOffice program: $NIANBAO_SOFFICE, soffice on the PATH, or where the installers put it."""
    return find_program(SOFFICE_ENV, ("soffice", "libreoffice"), _WINDOWS_PLACES, (_MAC_PLACE,))


def require_soffice() -> str:
    """The LibreOffice program, or a ``PdfError`` saying how to install it (asked before any work)."""
    soffice = find_soffice()
    if soffice is None:
        configured = os.environ.get(SOFFICE_ENV, "").strip()
        where = f"（环境变量 {SOFFICE_ENV} 指向的 {configured} 不存在）" if configured else ""
        raise PdfError(f"生成 PDF 需要 LibreOffice，但本机没有找到{where}。" + INSTALL_HINT)
    return soffice


def timeout() -> float:
    try:
        return max(MIN_TIMEOUT, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def _run(command: list[str], timeout: float) -> tuple[int, str]:
    """Run LibreOffice; on timeout kill it with every process it started."""
    kwargs: dict = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "stdin": subprocess.DEVNULL}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    else:
        kwargs["start_new_session"] = True
    proc = subprocess.Popen(command, **kwargs)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(proc)
        proc.communicate()
        raise PdfError(f"LibreOffice 在 {timeout:.0f} 秒内没有完成 PDF 转换，已停止它。"
                       f"请关闭正在运行的 LibreOffice 后重试；文件很大或电脑很慢时，可把环境变量 {TIMEOUT_ENV} "
                       "设为更长的秒数。") from None
    return proc.returncode, out.decode("utf-8", "replace")


def kill_tree(proc: subprocess.Popen) -> None:
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()


# ---- fonts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledFonts:
    families: frozenset[str]  # every family name (all its localised names)
    chinese: frozenset[str] | None  # the families that cover Chinese; None where that cannot be told


@lru_cache(maxsize=1)
def installed_fonts() -> InstalledFonts | None:
    """The fonts of this machine (fontconfig, or the Windows registry); None when they cannot be listed."""
    if sys.platform == "win32":
        return _windows_fonts()
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        every = subprocess.run([fc_list, ":", "family"], capture_output=True, timeout=30).stdout
        chinese = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return InstalledFonts(_families(every), _families(chinese))


def _families(listing: bytes) -> frozenset[str]:
    names = set()
    for line in listing.decode("utf-8", "replace").splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


def _windows_fonts() -> InstalledFonts | None:  # pragma: no cover - Windows only
    try:
        import winreg
    except ImportError:
        return None
    names: set[str] = set()
    key_path = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, key_path) as key:
                for i in range(winreg.QueryInfoKey(key)[1]):
                    value_name = winreg.EnumValue(key, i)[0]
                    base = value_name.split("(")[0].strip()
                    for part in base.split("&"):
                        words = part.strip().split()
                        while words and words[-1] in ("常规", "Regular", "粗体", "Bold", "Italic", "斜体", "Light"):
                            words.pop()
                        if words:
                            names.add(" ".join(words))
        except OSError:
            continue
    return InstalledFonts(frozenset(names), None) if names else None


def _has(fonts: InstalledFonts, name: str) -> bool:
    return any(n in fonts.families for n in (name,) + ty.FONT_ALIASES.get(name, ()))


def font_plan(fonts: InstalledFonts | None) -> dict[str, str]:
    """Official face -> the installed face LibreOffice is told to use instead (only for missing ones)."""
    if fonts is None:
        return {}
    usable = fonts.chinese if fonts.chinese is not None else fonts.families
    plan = {}
    for official in ty.OFFICIAL_FONTS:
        if _has(fonts, official):
            continue
        substitute = next((s for s in ty.FONT_SUBSTITUTES.get(official, ()) if s in usable), None)
        if substitute is None and fonts.chinese:
            substitute = sorted(fonts.chinese)[0]  # any Chinese face is better than missing glyphs
        if substitute is not None:
            plan[official] = substitute
    return plan


def write_profile(folder: Path, plan: dict[str, str]) -> Path:
    """A LibreOffice user profile holding only the font-replacement table."""
    user = folder / "user"
    user.mkdir(parents=True)
    items = ['<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
             '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>']
    for i, (official, substitute) in enumerate(sorted(plan.items())):
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{i}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(official)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(substitute)}</value></prop>'
            "</node></item>")
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + "\n".join(items) + "\n</oor:items>\n",
        encoding="utf-8")
    return folder


# ---- the PDF's own fonts ------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfFont:
    name: str  # without the subset prefix ("ABCDEF+")
    embedded: bool


def pdf_fonts(data: bytes) -> tuple[list[PdfFont], int]:
    """The fonts a PDF uses (each once) and its number of pages, read with pdfminer."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    doc = PDFDocument(PDFParser(BytesIO(data)))
    fonts: dict[str, bool] = {}
    pages = 0
    for page in PDFPage.create_pages(doc):
        pages += 1
        resources = resolve1(page.resources) or {}
        for ref in (resolve1(resources.get("Font")) or {}).values():
            font = resolve1(ref)
            base = resolve1(font.get("BaseFont"))
            name = getattr(base, "name", str(base or "?"))
            name = name.split("+", 1)[1] if len(name) > 7 and name[6] == "+" else name
            subtype = getattr(resolve1(font.get("Subtype")), "name", "")
            descriptor = resolve1(font.get("FontDescriptor"))
            if subtype == "Type0":
                descendant = resolve1((resolve1(font.get("DescendantFonts")) or [None])[0]) or {}
                descriptor = resolve1(descendant.get("FontDescriptor"))
            embedded = subtype == "Type3" or bool(
                descriptor and any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3")))
            fonts[name] = fonts.get(name, True) and embedded
    return [PdfFont(n, e) for n, e in sorted(fonts.items())], pages


def _is_official(pdf_name: str, official: str) -> bool:
    wanted = {n.replace(" ", "").lower() for n in (official,) + ty.FONT_ALIASES.get(official, ())}
    base = pdf_name.split(",")[0].split("-")[0].replace(" ", "").lower()
    return base in wanted or pdf_name.replace(" ", "").lower() in wanted


def font_notes(plan: dict[str, str], fonts: list[PdfFont]) -> list[str]:
    """What to tell the reader about the fonts: which official faces were replaced, and by what."""
    notes = []
    if plan:
        pairs = "，".join(f"{official} 用 {substitute} 代替" for official, substitute in sorted(
            plan.items(), key=lambda kv: ty.OFFICIAL_FONTS.index(kv[0])))
        notes.append(f"本机没有安装正式字体（{'、'.join(o for o in ty.OFFICIAL_FONTS if o in plan)}），PDF 中 {pairs}。"
                     "字形与正式字体略有不同；需要正式字体的 PDF，请在装有这些字体的电脑上生成。")
    else:
        used = [o for o in ty.OFFICIAL_FONTS if any(_is_official(f.name, o) for f in fonts)]
        missing = [o for o in ty.OFFICIAL_FONTS if o not in used and o != ty.SONGTI]
        if missing:
            others = [f.name for f in fonts if not any(_is_official(f.name, o) for o in ty.OFFICIAL_FONTS)]
            notes.append(f"PDF 中没有用到正式字体 {'、'.join(missing)}（本机可能没有安装），实际嵌入的字体是："
                         f"{'、'.join(others) or '（无）'}。字形与正式字体可能不同。")
    return notes


# ---- the conversion ---------------------------------------------------------------------------


def font_plan_or_refuse() -> dict[str, str]:
    """The font plan of this machine, or a ``PdfError`` when it has no Chinese font at all."""
    fonts = installed_fonts()
    if fonts is not None and fonts.chinese is not None and not fonts.chinese:
        raise PdfError("本机没有任何中文字体，生成的 PDF 会缺字，已停止。请安装中文字体"
                       "（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk）后重试。")
    return font_plan(fonts)


def checked_pdf(data: bytes, plan: dict[str, str]) -> Pdf:
    """LibreOffice's PDF after the font check: every font embedded, a note for each substituted one."""
    used, pages = pdf_fonts(data)
    not_embedded = [f.name for f in used if not f.embedded]
    if not_embedded:
        raise PdfError(f"LibreOffice 生成的 PDF 没有嵌入字体 {'、'.join(not_embedded)}，不能作为存档 PDF。"
                       "请更新 LibreOffice 后重试。")
    return Pdf(data, font_notes(plan, used), pages)


def docx_to_pdf(docx: bytes, soffice: str | None = None) -> Pdf:
    """The PDF of a .docx, as LibreOffice lays it out, with a note for each substituted font.

    One LibreOffice process for this one document (the one-shot path: a single ``compile --to pdf``);
    many documents go through a warm ``pdf_converter.PdfConverter``."""
    soffice = soffice or require_soffice()
    plan = font_plan_or_refuse()
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
    try:
        profile = write_profile(work / "profile", plan)
        source = work / "report.docx"
        source.write_bytes(docx)
        command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", EXPORT_FILTER, "--outdir", str(work / "out"), str(source)]
        try:
            code, output = _run(command, timeout())
        except OSError as exc:
            raise PdfError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror or exc}。" + INSTALL_HINT) from exc
        result = work / "out" / "report.pdf"
        data = result.read_bytes() if result.is_file() else b""
        if not data.startswith(b"%PDF"):
            detail = " ".join(output.split())[-300:]
            raise PdfError(f"LibreOffice 没有生成 PDF（退出码 {code}）。请关闭正在运行的 LibreOffice 后重试"
                           + (f"。LibreOffice 的输出：{detail}" if detail else "。"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return checked_pdf(data, plan)
