"""The refusal every biometric format parser raises: invalid input that names its
standard and says where the fault is, as an RFC 6901 pointer."""

from __future__ import annotations

from limes.biometrics.formats.problems import FormatProblem, at_byte
from limes.errors import FieldError, InvalidInput


def test_a_problem_is_invalid_input_located_where_it_was_found() -> None:
    problem = FormatProblem("ISO/IEC 19794-2", at_byte(17), "the angle is out of range")
    assert isinstance(problem, InvalidInput)
    assert str(problem) == "ISO/IEC 19794-2: the angle is out of range (at /bytes/17)"
    assert (problem.standard, problem.where) == ("ISO/IEC 19794-2", "/bytes/17")
    assert problem.errors == [FieldError("/bytes/17", "the angle is out of range")]


def test_a_byte_offset_is_a_pointer() -> None:
    assert at_byte(0) == "/bytes/0"
    assert at_byte(4096) == "/bytes/4096"
