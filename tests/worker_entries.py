"""Readers that misbehave on purpose, run by tests in the reading worker's child process
(trygghet.ingest.read_worker.read_isolated(..., entry="tests.worker_entries:NAME")).

Kept apart from the test modules so that the child imports nothing heavy: a memory limit in a
test measures the reader, not pandas."""

from __future__ import annotations

import ctypes
import os
import time

from trygghet.core.config import Limits
from trygghet.ingest import reader


def abort(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    os.abort()  # SIGABRT, as a Rust panic or a failed allocation ends


def segfault(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    ctypes.string_at(0)  # SIGSEGV
    raise AssertionError("unreachable")


def hog_memory(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    hoard = []
    while True:
        hoard.append(bytearray(64 * 2**20))


def spin(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    while True:
        pass


def sleep(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    time.sleep(3600)
    raise AssertionError("unreachable")


def fail(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    raise ValueError("an English message that must not reach the user")


def read_workbook_unchecked(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    """The workbook reader without the count of filled cells, as the code read every workbook before."""
    return reader._read_with_calamine(data, "xlsx", limits)


def fail_quoting(data: bytes, file_name: str, limits: Limits) -> reader.RawFile:
    """Fails with the file's text in the message, as a parser quoting the cell it choked on."""
    raise ValueError(f"cannot parse {data.decode('utf-8', 'replace')!r}")
