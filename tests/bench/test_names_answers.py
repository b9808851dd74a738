"""bench/names/answers: every answer of the labelled set written, then compared."""

from __future__ import annotations

from pathlib import Path

from bench.names.answers import differing, main
from bench.names.dataset import make_queries, people, write_alerts, write_queries


def test_the_same_answers_compare_equal_and_a_changed_one_is_named(tmp_path: Path) -> None:
    persons = people(300, 7)
    write_alerts(tmp_path / "alerts.jsonl", persons)
    write_queries(tmp_path / "queries.jsonl", make_queries(persons, 3, 7))
    written = tmp_path / "answers.txt"
    assert main(["--out", str(tmp_path), "--write", str(written)]) == 0
    assert main(["--out", str(tmp_path), "--against", str(written)]) == 0
    lines = written.read_text(encoding="utf-8").splitlines()
    assert any("PersonHit(" in line for line in lines)  # answers, not only ids
    first_id = lines[0].split("\t", 1)[0]
    written.write_text("\n".join([f"{first_id}\t()", *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["--out", str(tmp_path), "--against", str(written)]) == 1
    assert differing(lines, lines[:-1]) == [line.split("\t", 1)[0] for line in lines[:-1]]
