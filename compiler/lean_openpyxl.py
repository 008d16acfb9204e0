"""openpyxl without its optional imports nianbao does not use: Pillow only when an image is touched,
and no NumPy.

As soon as any part of openpyxl is imported it imports Pillow (for the images a workbook may hold) and
NumPy (to accept NumPy's scalars as cell values), where installed: about 15 ms and 80 ms, against a plain
``compile`` of about 300 ms.  nianbao reads workbooks in read-only mode, where images are never looked at,
and never gives openpyxl a NumPy value (NumPy is there for matplotlib's charts).  ``install()`` (run by
``compiler/__init__.py``, before anything imports openpyxl):

- lets ``openpyxl.drawing.image`` load without Pillow and gives it a stand-in that imports ``PIL.Image``
  on first use, so images in a workbook opened in full mode still work exactly as before;
- lets ``openpyxl.compat.numbers`` load without NumPy, so openpyxl's numbers are int, float and Decimal.

A module already imported when openpyxl is (NumPy after matplotlib) is used as openpyxl would use it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from functools import lru_cache

# openpyxl's module -> the optional package it imports, which is kept out while it loads
TARGETS = {"openpyxl.drawing.image": "PIL", "openpyxl.compat.numbers": "numpy"}


class LazyImageModule:
    """Stands for ``PIL.Image``: true (Pillow is there to be used), imported on first attribute."""

    def __bool__(self) -> bool:
        return _pillow_installed()

    def __getattr__(self, name: str):
        from PIL import Image

        return getattr(Image, name)


@lru_cache(maxsize=1)
def _pillow_installed() -> bool:
    return importlib.util.find_spec("PIL") is not None


class _Loader:
    """Wraps the module's own loader (no importlib.abc base: importing it costs more than this module)."""

    def __init__(self, finder: "_Finder", inner):
        self.finder, self.inner = finder, inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        optional = TARGETS[module.__name__]
        self.finder.blocking = optional if optional not in sys.modules else ""  # already there: use it
        try:
            self.inner.exec_module(module)
        finally:
            self.finder.blocking = ""
        if getattr(module, "PILImage", None) is False and "PIL" not in sys.modules:
            module.PILImage = LazyImageModule()


class _Finder:
    """A meta path finder (``find_spec`` is all the import system asks of one)."""

    blocking = ""  # the optional package kept out just now

    def find_spec(self, name, path, target=None):
        if self.blocking and (name == self.blocking or name.startswith(self.blocking + ".")):
            raise ModuleNotFoundError(f"{name} is not imported for openpyxl (compiler.lean_openpyxl)", name=name)
        if name not in TARGETS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(self, spec.loader)
        return spec


def install() -> None:
    if "openpyxl" in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
