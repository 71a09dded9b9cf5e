"""Work done in a forked copy of this process while this one goes on with something else.

Threads will not do for reading the index side by side: SQLite serialises much of its work
across the connections of one process (measured at 100,000 sites: two `GROUP BY` queries in two
threads took 1.4 to 1.7 s, against 0.9 to 1.2 s one after the other, and 0.5 s in two processes).
A forked copy shares what this process has loaded, so it starts in a few milliseconds.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Forked(Generic[T]):
    """`work()` run in a forked copy of this process; `result` collects what it returned. The
    copy takes no part in Ctrl-C (this process ends it), and leaves without any clean-up of
    its own: what it inherited (open files, the index's connection) stays this process's.
    Fork before any thread is started: a copy holds only the thread that forked."""

    def __init__(self, work: Callable[[], T]) -> None:
        self.pid: int | None = None
        self._pipe = -1
        if not hasattr(os, "fork"):
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no room for another process: the caller does the work itself
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the copy
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(read_end)
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no buffers flushed twice
        os.close(write_end)
        self.pid, self._pipe = pid, read_end

    def result(self) -> tuple[T] | None:
        """What `work()` returned, as a 1-tuple; None if it could not be run apart or failed there
        (the caller then does the work itself, which shows what the matter is)."""
        if self.pid is None:
            return None
        try:
            with os.fdopen(self._pipe, "rb") as source:
                self._pipe = -1
                data = source.read()
        finally:
            self._reap()
        return (pickle.loads(data),) if self._status == 0 and data else None

    def cancel(self) -> None:
        """End the copy if it is still at work (after an error or Ctrl-C here)."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1
        self._reap()

    _status = -1

    def _reap(self) -> None:
        if self.pid is not None:
            _, status = os.waitpid(self.pid, 0)
            self._status = os.waitstatus_to_exitcode(status)
            self.pid = None
