"""Files written for people: whole or not at all, and why not in their words."""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path

# Why a file or folder could not be written, as researchers read it (the system says it in
# English); any other error keeps the system's words.
OS_REASONS = {
    errno.ENOENT: "dat pad bestaat niet",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "geen toestemming",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "uw schijfquotum is op",
    errno.EISDIR: "dat is een map",
}


def os_reason(err: OSError) -> str:
    """Why `err` stopped a write, in Dutch where we know the words."""
    return OS_REASONS.get(err.errno, err.strerror or str(err))


@contextlib.contextmanager
def whole_or_nothing(path: Path) -> Iterator[Path]:
    """A file written under a temporary name beside `path`, renamed to it when complete: an
    export stopped halfway (Ctrl-C, SIGTERM, a full disk) leaves no truncated file that looks
    like a finished one (and that the next export would refuse to replace)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        partial.replace(path)
    except OSError as err:
        if err.filename is None or Path(err.filename) != partial:
            raise
        # Named as the user asked for it, not by its temporary name.
        raise OSError(err.errno, err.strerror, str(path)) from err
    finally:
        with contextlib.suppress(OSError):  # never hides why the export failed
            partial.unlink(missing_ok=True)
