"""Every bound nianbao puts on what it reads, in one place: file sizes per kind, pages, characters, and
what one workbook cell can hold.

The readers are fed files that come by e-mail, from a share or from the web, so a file past these bounds
is refused with a coded message (``Unreadable``) *before* anything parses it, in a time and memory that do
not grow with the file.  The bounds are far above any real report (a filled workbook is about 30 KB, a
published report's web page about 100 KB, its PDF 10–30 pages) and low enough that a file just inside them
is read in a few seconds and a few hundred MB (docs/reliability.md has the figures and
``bench/bench_limits.py`` measures them).

The cell bounds are Excel's own: a value outside them cannot be written into the workbook exactly, so the
readers refuse it (rule VAL-FIT) instead of letting ``fill``/``import`` change it silently.
"""

from __future__ import annotations

MB = 1024 * 1024

# ---- file size per kind (bytes), checked by the sniffer before the file is parsed ---------------------
MAX_FILE_BYTES = 50 * MB  # anything at all: read into memory only below this
MAX_BYTES = {
    "xlsx": 50 * MB,  # a standard workbook is about 30 KB; pictures pasted in make it larger
    "json": 20 * MB,  # the data-model JSON of one report is about 10 KB
    "docx": 30 * MB,  # a published report's .docx with a scanned seal or photos: a few MB
    "html": 10 * MB,  # a published web page is 50–300 KB (pictures inline make it larger); parsed in ~1 s
    "pdf": 20 * MB,  # a published PDF: 0.3–3 MB
    "txt": 2 * MB,  # a report as plain text is about 30 KB (15,000 characters)
}

# ---- inside a zip package (.xlsx/.docx), checked from the zip's directory and while streaming parts ----
MAX_PART_BYTES = 40 * MB  # one part of the zip, uncompressed
MAX_TOTAL_BYTES = 150 * MB  # all parts, uncompressed
MAX_RATIO = 200  # uncompressed / compressed for a large part: a decompression bomb
MAX_ENTRIES = 2_000  # parts in the zip (the standard workbook has about 15)
MAX_CELLS = 100_000  # cells in one sheet (the standard workbook has about 700)
MAX_ROWS = 20_000  # <row> elements in one sheet (the standard workbook has under 300)
MAX_STRINGS = 200_000  # shared strings (the standard workbook has about 300)
MAX_DOCX_XML_BYTES = 10 * MB  # a .docx's word/document.xml, uncompressed (a report's is 100–500 KB)

# ---- published reports, checked before their text is laid out ---------------------------------------
MAX_PDF_PAGES = 60  # a year's report is 10–30 pages
MAX_PDF_CONTENT_BYTES = 2 * MB  # all pages' content streams, decompressed (a page of text is about 15 KB)
MAX_TEXT_CHARS = 200_000  # characters of text in any published report (a real one has about 15,000)

# ---- what one workbook cell holds exactly (Excel's specifications and limits) ------------------------
CELL_MAX_CHARS = 32_767  # characters in one cell
CELL_MAX_DIGITS = 15  # significant digits of a number (Excel keeps 15; the 16th and later become 0)
