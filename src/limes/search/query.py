"""What an officer searches a person with."""

from __future__ import annotations

from dataclasses import dataclass, replace

from limes.domain.alerts import Gender
from limes.domain.countries import CountryError, country
from limes.domain.validation import normalize_partial_date
from limes.errors import FieldError, InvalidInput
from limes.search.identifiers import skeleton
from limes.search.names import latin_forms


@dataclass(frozen=True, slots=True)
class PersonQuery:
    """Names in any script, as written; the date of birth in the domain's partial form
    (``1980``, ``1980-05``, ``1980-05-17``); nationalities as ISO 3166 alpha-2."""

    surnames: tuple[str, ...] = ()
    forenames: tuple[str, ...] = ()
    date_of_birth: str | None = None
    gender: Gender | None = None
    nationalities: tuple[str, ...] = ()
    document_number: str | None = None


MAX_NAME_FIELDS = 5
MAX_NAME_LENGTH = 200


def validated(query: PersonQuery) -> PersonQuery:
    """The query with its date of birth in canonical partial form; ``InvalidInput`` naming
    every problem by JSON pointer. A search needs a surname or a document number."""
    problems: list[FieldError] = []
    if not query.surnames and not query.document_number:
        problems.append(FieldError("/surnames", "a search needs a surname or a document number"))
    for field, values in (("surnames", query.surnames), ("forenames", query.forenames)):
        if len(values) > MAX_NAME_FIELDS:
            problems.append(FieldError(f"/{field}", f"at most {MAX_NAME_FIELDS} names"))
        for i, value in enumerate(values):
            if not value.strip() or len(value) > MAX_NAME_LENGTH:
                problems.append(
                    FieldError(f"/{field}/{i}", f"must hold 1 to {MAX_NAME_LENGTH} characters")
                )
            elif not latin_forms(value):
                problems.append(FieldError(f"/{field}/{i}", "holds no letter of any script"))
    birth = query.date_of_birth
    if birth is not None:
        birth, problem = normalize_partial_date(birth)
        if problem:
            problems.append(FieldError("/date_of_birth", problem))
    for i, code in enumerate(query.nationalities):
        try:
            country(code)
        except CountryError as exc:
            problems.append(FieldError(f"/nationalities/{i}", str(exc)))
    if query.document_number is not None and not skeleton(query.document_number):
        problems.append(FieldError("/document_number", "holds no letter or digit"))
    if problems:
        raise InvalidInput("the search query is not valid", problems)
    return replace(query, date_of_birth=birth)
