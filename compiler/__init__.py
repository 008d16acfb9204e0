"""nianbao（年报）: compile 政府信息公开工作年度报告 from the standard workbook."""

__version__ = "0.1.0"

from . import lazy_pil  # noqa: E402

lazy_pil.install()  # before anything imports openpyxl: Pillow only when a workbook's image is used
