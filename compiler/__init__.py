"""nianbao（年报）: compile 政府信息公开工作年度报告 from the standard workbook."""

__version__ = "0.1.0"

from . import lean_openpyxl  # noqa: E402

lean_openpyxl.install()  # before anything imports openpyxl: no NumPy, Pillow only when an image is used
