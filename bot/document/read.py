"""Read a markdown deliverables document into a Plan, and the Plan as the JSON of the contract.

Pure: no Slack, no database. Bytes are decoded and repaired here (bot.document.charset); the reading
itself is bot.document.parser's.
"""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.document.charset import MAX_DOCUMENT_BYTES, decode, repair
from bot.document.parser import DocumentParser
from bot.document.plan import DocumentError, Plan


def parse_file(path: str | os.PathLike[str]) -> Plan:
    """Read and parse the document at `path`; raise DocumentError if it is not one."""
    return read_file(path).plan


def parse_document(text: str, *, path: str = "<document>") -> Plan:
    """Parse a deliverables document; raise DocumentError if it is not one."""
    return read_document(text, path=path).plan


@dataclass
class Reading:
    """A parsed plan with how each line was read (0-based line -> kind) and the repaired lines, for `check`."""

    plan: Plan
    readings: dict[int, str]
    lines: list[str]


def read_file(path: str | os.PathLike[str]) -> Reading:
    """Read and parse the document at `path`, keeping how each line was read; raise DocumentError if it is not one."""
    name = os.fspath(path)
    try:
        if Path(name).stat().st_size > MAX_DOCUMENT_BYTES:
            raise DocumentError("document.too_large", path=name)
        data = Path(name).read_bytes()
    except OSError as error:
        raise DocumentError("document.unreadable", path=name, reason=error.strerror or str(error)) from error
    return read_document(decode(data, path=name), path=name)


def read_document(text: str, *, path: str = "<document>") -> Reading:
    """Parse a deliverables document keeping how each line was read; raise DocumentError if it is not one."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentError("document.too_large", path=path)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DocumentError("document.binary_text", path=path, line=line)
    text = repair(text)
    if not text.strip():
        raise DocumentError("document.empty", path=path)
    with _no_cycle_collection():
        parser = DocumentParser(text, path)
        return Reading(parser.parse(), parser.readings, parser.source)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Hold the cyclic garbage collector while a document is read.

    Reading allocates ~200,000 short-lived objects (markdown-it's tokens, blocks, the plan) that hold no
    cycles worth collecting; each allocation burst triggers a collection that walks every live object, the
    plan already in memory included. On bench.parse_bench's 2,000-deliverable document: 0.50–0.54 s with
    collections, 0.36 s without. Whatever cycles there are go at the next collection after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """Return the plan as the JSON-ready dict of the contract: dates as ISO strings or null."""
    data = dataclasses.asdict(plan)
    data["roles"] = plan.roles
    data["warnings"] = [{"line": w.line, "message": w.message, "key": w.key} for w in plan.warnings]
    return _with_iso_dates(data)


def _with_iso_dates(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _with_iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_iso_dates(item) for item in value]
    return value
