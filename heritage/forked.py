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
import struct
from collections.abc import Callable, Iterator
from typing import Any

_LENGTH = struct.Struct("<Q")


class Forked:
    """`work()` run in a forked copy of this process. `work` yields values, each handed back as
    soon as it is made (`next`), so that this process can judge the first before the copy is
    done with the rest. The copy takes no part in Ctrl-C (this process ends it), and leaves
    without any clean-up of its own. Fork with no SQLite connection open and no other thread
    running: a copy holds only the thread that forked, and SQLite's own records of its locks
    would cross with it."""

    def __init__(self, work: Callable[[], Iterator[Any]]) -> None:
        self.pid: int | None = None
        self._source: Any = None
        if not hasattr(os, "fork"):
            return
        try:
            read_end, write_end = os.pipe()
        except OSError:  # no file descriptors left: the caller does the work itself
            return
        # Ctrl-C is held back until the copy ignores it: one arriving in between would have the
        # copy unwind this process's stack (close its files, print "Aborted!").
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:  # no room for another process
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the copy
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                os.close(read_end)
                with os.fdopen(write_end, "wb") as out:
                    for value in work():
                        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                        out.write(_LENGTH.pack(len(data)) + data)
                        out.flush()
                status = 0
            finally:
                os._exit(status)  # no atexit handlers, no buffers flushed twice
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(write_end)
        self.pid = pid
        self._source = os.fdopen(read_end, "rb")

    def next(self) -> tuple[Any] | None:
        """The next value the copy made, as a 1-tuple; None if there is none (the copy could not
        be started, failed, or is done). Ctrl-C while waiting ends the copy."""
        if self._source is None:
            return None
        try:
            head = self._source.read(_LENGTH.size)
            if len(head) < _LENGTH.size:
                self.close()
                return None
            length = _LENGTH.unpack(head)[0]
            data = self._source.read(length)
            if len(data) < length:  # the copy died half-way
                self.close()
                return None
            return (pickle.loads(data),)  # from a copy of this very process: trusted
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End the copy, done or still at work, and let go of it."""
        if self._source is not None:
            self._source.close()
            self._source = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None
