"""Pillow for openpyxl only when a workbook's image is actually touched.

openpyxl imports Pillow (about 15 ms, a tenth of a plain ``compile``) as soon as any part of openpyxl is
imported, for the images a workbook may hold; nianbao reads workbooks in read-only mode, where openpyxl
never looks at images.  ``install()`` (run by ``compiler/__init__.py``, before anything imports openpyxl)
lets ``openpyxl.drawing.image`` load without Pillow and then gives it a stand-in that imports
``PIL.Image`` on first use, so images in a workbook opened in full mode still work exactly as before.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from functools import lru_cache

TARGET = "openpyxl.drawing.image"


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
        self.finder.blocking = "PIL" not in sys.modules  # already there: nothing to save
        try:
            self.inner.exec_module(module)
        finally:
            self.finder.blocking = False
        if module.PILImage is False and "PIL" not in sys.modules:
            module.PILImage = LazyImageModule()


class _Finder:
    """A meta path finder (``find_spec`` is all the import system asks of one)."""

    blocking = False

    def find_spec(self, name, path, target=None):
        if self.blocking and (name == "PIL" or name.startswith("PIL.")):
            raise ModuleNotFoundError(f"{name} is imported lazily for openpyxl", name=name)
        if name != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(self, spec.loader)
        return spec


def install() -> None:
    if TARGET in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
