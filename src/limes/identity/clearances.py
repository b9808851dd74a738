"""The clearance register: a CSV file of who holds which security clearance until when.

Format (UTF-8, a byte-order mark tolerated, RFC 4180 quoting)::

    username,level,vetting_reference,valid_until
    jdoe,secret,BfV-2025-0042,2027-03-31

The header is exactly those four columns in that order. Every row must have four
non-empty fields: a username as accounts have them, a level of ``CLEARANCE_LEVELS``,
a vetting reference of 1-100 characters, and ``valid_until`` as an ISO 8601 calendar
date (YYYY-MM-DD). A username appears once. The clearance is valid through that
date: it ends at 00:00 UTC the day after.

Parsing reports every bad row with its line number (a quoted field may span lines;
the number is the row's first line), and nothing is applied unless the whole file
is good (``service.accounts.AccountService.import_clearances``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from limes.domain.accounts import CLEARANCE_LEVELS, check_clearance, check_username
from limes.domain.roles import Clearance
from limes.errors import FieldError

COLUMNS = ("username", "level", "vetting_reference", "valid_until")
MAX_ROWS = 100_000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class ClearanceRow:
    line: int
    username: str
    clearance: Clearance


def end_of_day(day: date) -> datetime:
    """The moment a clearance valid through ``day`` ends: 00:00 UTC the next day."""
    return datetime.combine(day + timedelta(days=1), time(0), UTC)


def last_day(clearance: Clearance) -> date:
    """The last calendar day a clearance is valid (the inverse of ``end_of_day``)."""
    return (clearance.valid_until - timedelta(microseconds=1)).astimezone(UTC).date()


def _pointer(line: int, column: str | None = None) -> str:
    return f"/line/{line}" + (f"/{column}" if column else "")


def parse(text: str) -> tuple[list[ClearanceRow], list[FieldError]]:
    """Rows and every problem found; the caller applies the rows only if there is none."""
    errors: list[FieldError] = []
    rows: list[ClearanceRow] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return [], [FieldError(_pointer(1), "the file is empty; expected a header")]
        if tuple(header) != COLUMNS:
            errors.append(FieldError(_pointer(1), "the header must be " + ",".join(COLUMNS)))
            return [], errors
        seen: dict[str, int] = {}
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(FieldError(_pointer(line), f"more than {MAX_ROWS} rows"))
                break
            row = _row(line, fields, seen, errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(FieldError(_pointer(reader.line_num), f"not valid CSV: {exc}"))
    return rows, errors


def _row(
    line: int, fields: list[str], seen: dict[str, int], errors: list[FieldError]
) -> ClearanceRow | None:
    if len(fields) != len(COLUMNS):
        errors.append(
            FieldError(_pointer(line), f"has {len(fields)} field(s); expected {len(COLUMNS)}")
        )
        return None
    username, level, reference, until = fields
    found: list[FieldError] = []
    for problem in check_username(username, _pointer(line, "username")):
        found.append(problem)
    if username in seen:
        found.append(
            FieldError(_pointer(line, "username"), f"is already listed on line {seen[username]}")
        )
    if level not in CLEARANCE_LEVELS:
        found.append(
            FieldError(_pointer(line, "level"), "must be one of: " + ", ".join(CLEARANCE_LEVELS))
        )
    day = None
    if _DATE.fullmatch(until):
        try:
            day = date.fromisoformat(until)
        except ValueError:
            day = None
    if day is None:
        found.append(
            FieldError(_pointer(line, "valid_until"), "must be a calendar date YYYY-MM-DD")
        )
    clearance = Clearance(level, reference, end_of_day(day or date(2000, 1, 1)))
    for problem in check_clearance(clearance):
        if problem.pointer == "/clearance/vetting_reference":
            found.append(FieldError(_pointer(line, "vetting_reference"), problem.detail))
    seen.setdefault(username, line)
    if found:
        errors.extend(found)
        return None
    return ClearanceRow(line, username, clearance)
