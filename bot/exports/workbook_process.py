"""Workbooks written by a child process, for exports of an area's every report.

openpyxl and its XML writer are pure Python: on a thread of the bot's process they held the
interpreter lock against the event loop (late by 0.1–0.3 s while a province's /xuat ran). Here
the bot's process only reads the rows and turns them into values, a page at a time on the event
loop, and pipes them to ``python -m bot.exports.workbook_process``, which runs the same
``build_workbook`` and writes the file. The pipe's buffer bounds what is in flight: the rows
never sit in memory together, in either process. The child needs no database, so any store
works.

On the child's stdin each message is a 4-byte length and a pickle: the job (sheets, file,
title, rows a sheet), then the pages of the last sheet's further rows, then None. The child
answers on stdout (JSON): the rows written per sheet and exit status 0, or why it failed (the
exception's type and line, never its message: it may quote a cell); anything else is raised
here with the last line of its stderr. A caller that gives up (cancelled) kills it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import os
import pickle
import struct
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from core.render import EXCEL_MAX_ROWS, RowPages, Sheet

__all__ = ["write_workbook_in_child"]

_MODULE = "bot.exports.workbook_process"
_LENGTH = struct.Struct("<I")
_NICE = 10


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


async def _send(
    stdin: asyncio.StreamWriter,
    job: dict[str, Any],
    pages: RowPages,
) -> None:
    stdin.write(_frame(job))
    await stdin.drain()
    async for page in pages:
        stdin.write(_frame(list(page)))
        await stdin.drain()  # waits while the child is behind: a page or two in flight
    stdin.write(_frame(None))
    await stdin.drain()
    stdin.close()
    await stdin.wait_closed()


async def _close(pages: RowPages) -> None:
    closing = getattr(pages, "aclose", None)
    if closing is not None:
        await closing()


async def write_workbook_in_child(
    sheets: Sequence[Sheet],
    pages: RowPages,
    out: Path,
    *,
    title: str = "",
    max_rows: int = EXCEL_MAX_ROWS,
) -> list[int]:
    """core.render.StreamedWorkbookRenderer: ``out`` written by a child process."""
    if not sheets:
        raise ValueError("a workbook has at least one sheet")
    job = {
        "sheets": [dataclasses.replace(s, rows=list(s.rows)) for s in sheets],
        "out": str(out),
        "title": title,
        "max_rows": max_rows,
    }
    pipe = asyncio.subprocess.PIPE
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", _MODULE, stdin=pipe, stdout=pipe, stderr=pipe
        )
    except BaseException:
        await _close(pages)
        raise
    assert child.stdin is not None
    assert child.stdout is not None
    assert child.stderr is not None
    output = asyncio.ensure_future(child.stdout.read())
    errors = asyncio.ensure_future(child.stderr.read())
    code = None
    try:
        # A child that stopped early: its exit status and stderr say why.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            await _send(child.stdin, job, pages)
        answer, complaint = await output, await errors
        code = await child.wait()
    finally:
        if child.returncode is None:  # cancelled, or the rows failed: stop the writer
            child.kill()
            await asyncio.shield(child.wait())
        output.cancel()
        errors.cancel()
        await _close(pages)
        if code != 0:  # no half-written file is left behind (the child is gone)
            out.unlink(missing_ok=True)  # noqa: ASYNC240 - a directory entry, no wait
    verdict = _verdict(answer)
    if code != 0 or "written" not in verdict:
        lines = complaint.decode(errors="replace").strip().splitlines()
        reason = verdict.get("failed") or (lines[-1] if lines else f"exit status {code}")
        raise RuntimeError(f"the workbook writer failed: {reason}")
    written: list[int] = verdict["written"]
    return written


def _verdict(answer: bytes) -> dict[str, Any]:
    """The child's answer on stdout: {"written": [rows per sheet]} or {"failed": "why"}."""
    try:
        verdict = json.loads(answer)
    except ValueError:
        return {}  # it died before answering (killed, out of memory)
    return verdict if isinstance(verdict, dict) else {}


def _read(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("the bot stopped sending before the end of the rows")
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the bot stopped sending in the middle of a page")
    return pickle.loads(data)  # noqa: S301 - from the bot's own process, through a pipe


def _rows(stream: IO[bytes]) -> Iterator[Sequence[object]]:
    while (page := _read(stream)) is not None:
        yield from page


def main() -> int:
    """The child: read the job and the rows from stdin, write the workbook."""
    from bot.exports.workbook import build_workbook

    # Background work: where the CPUs are short, the bot's event loop goes first.
    os.nice(_NICE)
    stream = sys.stdin.buffer
    job = _read(stream)
    *first, last = job["sheets"]
    last = dataclasses.replace(last, rows=itertools.chain(last.rows, _rows(stream)))
    written = build_workbook(
        [*first, last], Path(job["out"]), title=job["title"], max_rows=job["max_rows"]
    )
    sys.stdout.write(json.dumps({"written": written}))
    return 0


def _failed(error: Exception) -> str:
    """What went wrong, without the message: it may quote a cell (a person's name)."""
    where = traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"


if __name__ == "__main__":
    try:
        status = main()
    except Exception as error:
        # On stdout, not stderr: what openpyxl's half-written sheets say when they are
        # cleaned up after it would come last there.
        sys.stdout.write(json.dumps({"failed": _failed(error)}))
        status = 1
    sys.exit(status)
