"""Optional dependencies of the views, imported only when a view needs them.

The core (`solve`, `check`, the dashboards, the text summary) needs none of them, so a missing
package must fail where it is used, with the one command that fixes it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

EXTRA = "views"


def install(extra: str = EXTRA) -> str:
    """The command that installs an extra."""
    return f"pip install -e '.[{extra}]' in a clone of allocate (it is not on PyPI yet)"


INSTALL = install()


def require(module: str, purpose: str, extra: str = EXTRA) -> ModuleType:
    """`module`, or an ImportError that names the extra providing it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = module.split(".")[0]
        raise ImportError(
            f"{purpose} needs the optional package '{package}': {install(extra)}"
        ) from error


def available(module: str) -> bool:
    """Whether `module` can be imported (for callers that skip a view rather than fail)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
