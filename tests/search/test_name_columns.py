"""The name columns (``name_columns``): the candidates' names gathered from the flat
columns score exactly as when walked from their name sets — after a freeze, with
people filed, filed again and removed since, and after a snapshot round trip with
the name codes numbered otherwise."""

from __future__ import annotations

import io

import numpy as np
import pytest
from tests.search.helpers import person, q

from limes.domain.alerts import Alias, Gender, Person
from limes.domain.alerts import Name as N
from limes.search import snapshot
from limes.search.codes import NUMBERINGS, adopt_codes, export_codes
from limes.search.features import Stored
from limes.search.name_columns import NameColumns
from limes.search.name_match import ABJAD, CODE_ROWS, HALF, NameSet, query_names
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery
from limes.search.scoring import Compared, Scored, Scorer

PEOPLE: list[Person] = [
    person([N("Al-Hassan")], [N("Mohammed"), N("Ali")]),
    person([N("Ali")], [N("Muhammad")], "1981"),
    person([N("Nasr", "نصر", "Arab")], [N("Ali", "علی", "Arab")]),
    person([N("Shevchenko", "Шевченко", "Cyrl")], [N("Oleksandr", "Олександр", "Cyrl")]),
    person([N("Wang")], [N("Xiao Ming")]),
    person([N("Van der Berg")], [N("Johannes")], gender=Gender.MALE),
    person([N("García"), N("Márquez")], [N("Gabriel"), N("José")]),
    person([N("Abdelrahman")], [N("Omar")]),
    person([N("Abd al-Rahman")], [N("Umar")]),
    person([N("Papadopoulos", "Παπαδόπουλος", "Grek")], [N("Georgios", "Γεώργιος", "Grek")]),
    person(
        [N("Ivanova", "Иванова", "Cyrl")],
        [N("Olga")],
        "1984-03-07",
        aliases=(Alias((N("Smirnova"),), (N("Olga"),)), Alias((N("Ali"),), ())),
    ),
    person([N("Schuschitsch")], [N("Mirko")]),
    person([N("Kim")], [N("Yong")]),
    person([N("Rahimi", "رحیمی", "Arab")], [N("Fatemeh", "فاطمه", "Arab")]),
]
"""Several scripts, compounds, particles, aliases, names respelled, and spellings shared
between people (Ali, Olga, rahman), so that columns are shared and deduplicated."""

LATER: list[Person] = [
    person([N("Ali")], [N("Mohamed")], "1979"),
    person([N("Shevtchenko")], [N("Alexandre")]),
]
REFILED = person([N("Zhuzhich")], [N("Mirco")])

ASKED: list[PersonQuery] = [
    q(["Alhassan"], ["Muhammad"]),
    q(["Ali"], ["Mohammed"], "1980"),
    q(["Nasr"], ["Ali"], None),
    q(["نصر"], ["علي"], None),
    q(["Schewtschenko"], ["Alexander"]),
    q(["Xiaoming"], ["Wang"]),
    q(["Vandenberg"], ["Johannes"]),
    q(["Garcia-Marquez"], ["Gabriel"]),
    q(["Abdel Rahman"], ["Omar"]),
    q(["Παπαδοπουλος"], ["Giorgos"]),
    q(["Smirnova"], ["Olga"], "1984-07-03"),
    q(["Zhuzhich"], ["Mirko"]),
    q(["Kin"], ["Yon"]),
    q(["Rahimi"], ["Fatima"], None),
]


def _built() -> PersonIndex:
    index = PersonIndex()
    index.add_many(enumerate(PEOPLE))
    return index


def _changed(index: PersonIndex) -> PersonIndex:
    """People filed after the freeze, one filed again under other names, one removed."""
    for slot, later in enumerate(LATER, len(PEOPLE)):
        index.add(slot, later)
    index.add(11, REFILED)  # Schuschitsch Mirko becomes Zhuzhich Mirco
    index.remove(1)
    return index


def _both(index: PersonIndex, asked: PersonQuery) -> tuple[tuple[list[Scored], Compared], ...]:
    """The scores of every person in the index, gathered from the columns and walked."""
    wanted = query_names(asked.surnames, asked.forenames)
    present = sorted(index._stored.items())
    scorer = Scorer()
    return (
        scorer.score(asked, wanted, present, index._columns),
        scorer.score(asked, wanted, present),
    )


def _same(index: PersonIndex) -> None:
    for asked in ASKED:
        (laid, laid_compared), (walked, walked_compared) = _both(index, asked)
        assert laid == walked
        for field in ("similarity", "starts", "written", "swapped"):
            assert np.array_equal(getattr(laid_compared, field), getattr(walked_compared, field)), (
                field
            )
        assert laid_compared.owner == walked_compared.owner


def test_scores_from_the_columns_are_those_of_the_name_sets() -> None:
    index = _built()
    assert len(index._columns.slots) == len(PEOPLE)
    _same(index)


def test_people_filed_refiled_and_removed_after_the_freeze_score_as_their_names() -> None:
    index = _changed(_built())
    columns = index._columns
    assert not columns.fresh[11] and not columns.fresh[1] and columns.fresh[0]
    _same(index)
    zhuzhich = index.find(q(["Zhuzhich"], ["Mirco"]))
    assert [h.slot for h in zhuzhich.hits][:1] == [11]
    name = zhuzhich.hits[0].features[0]
    assert name.alert == "Zhuzhich, Mirco"  # the names filed last, not the columns'


def test_the_columns_survive_a_snapshot_with_the_codes_numbered_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = _changed(_built())
    before = [index.find(asked) for asked in ASKED]
    state = {"persons": index.state(), "codes": export_codes()}
    assert len(state["persons"]["people"].columns.slots) == len(index)  # laid out anew
    data = snapshot.serialise(state)
    # another process numbers the codes otherwise: every id of the snapshot moves by 7
    for codes in NUMBERINGS.values():
        moved = {code: number + 7 for code, number in codes.export().items()}
        monkeypatch.setattr(codes, "_ids", moved)
    loaded = snapshot._Unpickler(io.BytesIO(data)).load()
    restored = PersonIndex.restored(loaded["persons"])
    adopt_codes(loaded["codes"], restored.code_arrays(), CODE_ROWS)
    columns = restored._columns
    assert bool(columns.fresh.all()) and len(columns.slots) == len(restored)
    sets = [s for _, held in sorted(restored._stored.items()) for s in held.name_sets]
    assert np.array_equal(columns.codes, np.concatenate([s.codes for s in sets], axis=1))
    _same(restored)
    assert before == [restored.find(asked) for asked in ASKED]


def test_a_spelling_is_numbered_by_its_string_half_and_script() -> None:
    index = _built()
    columns = index._columns
    keys = list(
        zip(
            [columns.words[n] for n in columns.spelling.tolist()],
            columns.codes[HALF].tolist(),
            columns.codes[ABJAD].tolist(),
            strict=True,
        )
    )
    number = dict(zip(keys, columns.spelling.tolist(), strict=False))
    assert [number[k] for k in keys] == columns.spelling.tolist()
    assert len(set(number.values())) == len(number)  # one number per kind, never shared
    ali = {k for k in keys if k[0] == "ali"}
    assert len(ali) >= 2  # ali written in Latin and read from Arabic script: two spellings
    assert len(keys) > len(number)  # some shared: compared once


def test_gathering_keeps_the_candidates_order_whichever_way_each_came() -> None:
    index = _changed(_built())
    present = [(slot, index._stored[slot]) for slot in (13, 11, 0, 14, 5, 15, 2)]
    gathered = index._columns.gather(present)
    walked: list[NameSet] = [s for _, held in present for s in held.name_sets]
    strings, _ = gathered.spelled(gathered.spelling.tolist())
    assert strings == [t for s in walked for t in s.strings]
    assert np.array_equal(gathered.codes, np.concatenate([s.codes for s in walked], axis=1))
    assert gathered.counts == [len(held.name_sets) for _, held in present]
    assert gathered.widths.tolist() == [len(s.strings) for s in walked]
    # walked columns (slots 11, 14, 15) never share a number with a laid-out one
    laid = len(index._columns.words)
    assert len(set(gathered.spelling[gathered.spelling >= laid].tolist())) == sum(
        len(s.strings) for slot, held in present if slot in (11, 14, 15) for s in held.name_sets
    )


def test_no_columns_for_an_empty_index() -> None:
    columns = NameColumns.of({})
    empty: dict[int, Stored] = {}
    assert len(columns.slots) == 0 and columns.codes.shape[1] == 0
    gathered = columns.gather([(3, stored) for stored in empty.values()])
    assert gathered.spelled([]) == ([], []) and gathered.counts == []
