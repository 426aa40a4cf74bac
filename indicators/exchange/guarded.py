"""The file reading in a child process with a memory and a time limit: no upload kills the server.

:func:`read_guarded` runs :func:`indicators.exchange.read.read_file` in a process forked from a
``multiprocessing`` *forkserver* that has the reading modules already imported (a child starts
in tens of milliseconds, and is forked from a small single-threaded server, never from the
Streamlit server with its threads).  The child lowers its own address-space limit
(``RLIMIT_AS``: what it already has plus ``parse_memory_mb``) and the parent waits at most
``parse_timeout_s``; a child that runs out of memory, dies or overruns is killed, and the file
is refused with a Russian message naming it.  The child gets the file's bytes and returns plain
Python rows (a :class:`FileRead`), never touching the database.

The same call works from a Streamlit script thread, from ``python -m indicators import`` and
from tests: the child is *not* told to import the parent's ``__main__`` (under Streamlit that is
the page script, which must not run in a reader; elsewhere it would only cost time).
"""

from __future__ import annotations

import io
import os
import resource
import signal
import threading
from multiprocessing import connection, forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.context import ForkServerProcess, set_spawning_popen

from indicators.exchange.read import FileRead, InvalidFile, Issue, read_file
from indicators.exchange.workbook_guard import MB, Limits

PRELOAD = ["indicators.exchange.guarded", "indicators.exchange.vpr_read"]
_started = threading.Lock()
_preloaded = False


class _Popen(popen_forkserver.Popen):
    """The standard library's forkserver launcher (Python 3.11), less the parent's ``__main__``
    in the child's preparation data."""

    def _launch(self, process_obj):
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Reader(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj):
        return _Popen(process_obj)


def _preload() -> None:
    """Name the modules the forkserver imports once, before it first starts."""
    global _preloaded
    with _started:
        if not _preloaded:
            forkserver.set_forkserver_preload(PRELOAD)
            _preloaded = True


def _address_space() -> int:
    """The bytes of address space this process holds now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra_mb: float) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _address_space() + int(extra_mb * MB)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _child(send, read, name: str, data: bytes, limit: Limits) -> None:
    """In the child: ``read(name, data, limit)``, answer with plain values, never raise."""
    try:
        _limit_memory(limit.memory_mb)
        answer = ("ok", read(name, data, limit))
    except InvalidFile as exc:
        answer = ("invalid", exc.issue)
    except MemoryError:
        answer = ("memory", None)
    except Exception as exc:  # any reader bug becomes a refusal of this file, not a crash
        answer = ("error", type(exc).__name__)
    del data
    try:
        send.send(answer)
    except MemoryError:
        send.send(("memory", None))
    send.close()


def read_guarded(name: str, data: bytes, limit: Limits) -> FileRead:
    """:func:`read_file` under the limits; raises :class:`InvalidFile` for any refusal."""
    return run_guarded(read_file, name, data, limit)


def run_guarded(read, name: str, data: bytes, limit: Limits, label: str = "import-reader"):
    """``read(name, data, limit)`` — a module-level reader that returns plain values — in a
    child process under the limits; its answer, or :class:`InvalidFile` for any refusal (the
    reader's own, or a Russian one naming the file when the child overruns, runs out of memory
    or dies).  Several may run at once, from threads."""
    _preload()
    receive, send = connection.Pipe(duplex=False)
    reader = _Reader(target=_child, args=(send, read, name, data, limit), daemon=True, name=label)
    try:
        reader.start()
    finally:
        send.close()
    kind, value = "timeout", None
    try:
        if receive.poll(limit.timeout_s):
            try:
                kind, value = receive.recv()
            except (EOFError, OSError):
                kind = "died"
    finally:
        receive.close()
        reader.join(5 if kind != "timeout" else 0)
        if reader.is_alive():
            reader.kill()
            reader.join()
    if kind == "ok":
        return value
    if kind == "invalid":
        raise InvalidFile(value)
    raise InvalidFile(Issue(name, _message(kind, value, reader.exitcode, limit)))


def _message(kind: str, value, exitcode: int | None, limit: Limits) -> str:
    advice = ("Файл слишком велик или повреждён: откройте его в Excel, сохраните заново или "
              "разделите по школам.")
    if kind == "timeout":
        return f"чтение файла не уложилось в {limit.timeout_s:g} с и прервано. {advice}"
    if kind == "memory" or exitcode == -signal.SIGABRT:
        return (f"чтению файла не хватило {limit.memory_mb:g} МБ памяти, оно прервано. {advice}")
    if kind == "error":
        return (f"файл повреждён, прочитать его не удалось ({value}). Откройте его в Excel и "
                "сохраните заново.")
    cause = (f"сигнал {signal.Signals(-exitcode).name}" if exitcode and exitcode < 0 else
             f"код {exitcode}")
    return f"чтение файла аварийно прервано ({cause}). {advice}"
