"""The optional packages of `allocate.files`, imported only where a file format needs them."""

from __future__ import annotations

from types import ModuleType

from allocate.report._optional import install
from allocate.report._optional import require as _require

EXTRA = "files"
INSTALL = install(EXTRA)


def require(module: str, purpose: str) -> ModuleType:
    """`module`, or an ImportError that names the `files` extra."""
    return _require(module, purpose, extra=EXTRA)
