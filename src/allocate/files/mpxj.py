"""The bridge to MPXJ, the Java library that reads and writes MS Project (.mpp, MSPDI .xml, .mpx),
Primavera (.xer, PMXML), ProjectLibre (.pod), Phoenix, Asta, GanttProject, Planner and more.

The `mpxj` package ships MPXJ's jars; JPype runs them in a Java VM inside this process. A process
can start its VM only once, and only with the class path it has then, so `start()` does it on
first use and every later call reuses it. A Java runtime (Java 11 or later) must be installed:
`java_missing()` says why not when it is not.
"""

from __future__ import annotations

import functools
from pathlib import Path

from allocate.files._optional import INSTALL

WRITE_FORMATS = {
    ".mpx": "MPX",
    ".xml": "MSPDI",
    ".xer": "XER",
    ".pmxml": "PMXML",
    ".planner": "PLANNER",
    ".json": "JSON",
}
"""File suffixes MPXJ can write, and its name for each format."""


def java_missing() -> str | None:
    """Why project files cannot be read here (None when they can)."""
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)
    except ImportError as error:
        return f"reading project files needs '{error.name}': {INSTALL}"
    if jpype.isJVMStarted():
        return None
    try:
        jpype.getDefaultJVMPath()
    except Exception:  # JPype's JVMNotFoundException
        return (
            "reading project files needs a Java runtime (11 or later), e.g. "
            "apt-get install default-jre-headless, or set JAVA_HOME"
        )
    return None


@functools.cache
def start() -> None:
    """Start the Java VM with MPXJ on its class path (once per process)."""
    reason = java_missing()
    if reason:
        raise RuntimeError(reason)
    import jpype

    if not jpype.isJVMStarted():
        jpype.startJVM("-Djava.awt.headless=true")
    try:
        import org.mpxj  # noqa: F401
    except ImportError:
        raise RuntimeError(
            "a Java VM is already running without MPXJ on its class path: import "
            "allocate.files.mpxj (or mpxj) before anything else starts one"
        ) from None


def read(path: str | Path):
    """The file as an MPXJ ProjectFile (any format MPXJ recognises, by content)."""
    start()
    from org.mpxj.reader import UniversalProjectReader

    project = UniversalProjectReader().read(str(path))
    if project is None:
        raise ValueError("MPXJ does not recognise this file as a project file")
    return project


def write(project, path: str | Path) -> Path:
    """Write an MPXJ ProjectFile in the format its suffix names (see WRITE_FORMATS)."""
    start()
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    path = Path(path)
    name = WRITE_FORMATS.get(path.suffix.lower())
    if name is None:
        raise ValueError(f"MPXJ writes {', '.join(WRITE_FORMATS)} files, not '{path.suffix}'")
    UniversalProjectWriter(getattr(FileFormat, name)).write(project, str(path))
    return path
