"""The identities the external systems submit, kept for the multiple-identity links.

Regulation (EU) 2019/817 Art 27: the multiple-identity detector compares the identity
data of SIS with those the other systems hold (ETIAS, EES, VIS). Limes sees those
systems' identities only as they screen them: a profile that **registers identities**
(``register_identity`` in ``policy/profiles.toml``) makes each of its screenings keep the
identity, with the system's own reference (an ETIAS application number, an EES
individual file), as an **external identity**:

* **sealed** under the central system's data key (scope ``EU``: no member state owns it),
  field ``external_identity``, bound to its id; only bookkeeping is in the clear (the
  system, the profile, when it was registered, compared, and when it goes);
* **bounded**: kept ``retain_days`` (the profile's), then erased with its links by the
  link job (``purge``);
* **compared** by the link job (``IdentityLinkService.detect``) with the person alerts
  exactly as an alert is: through the search engine, strong hits only (``compare``);
  and every person alert issued or updated afterwards is compared with the live
  external identities (``Gallery``: an in-memory person index of them, built once a run
  when some alert changed). A match is a **yellow** link between the alert and the
  external identity, for the alert's issuing bureau to resolve.

The external system learns nothing of it: its answer is its profile's, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from limes import codec
from limes.crypto import Crypto
from limes.domain.alerts import Gender, Name, Person
from limes.domain.ids import new_id
from limes.domain.sealed_fields import SealedField
from limes.policy.profiles import REFERENCE, Profile
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery
from limes.search.tiers import Tier
from limes.store.port import ExternalIdentityRow, Transaction

SCOPE = "EU"
"""The data key external identities are sealed under: the central system's."""
PAGE = 1000


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """What an external system submitted: its reference and the identity as sent."""

    reference: str
    surnames: tuple[str, ...]
    forenames: tuple[str, ...] = ()
    date_of_birth: str | None = None
    gender: Gender | None = None
    nationalities: tuple[str, ...] = ()
    document_number: str | None = None

    @property
    def query(self) -> PersonQuery:
        return PersonQuery(
            self.surnames,
            self.forenames,
            self.date_of_birth,
            self.gender,
            self.nationalities,
            self.document_number,
        )

    def person(self) -> Person:
        """The identity as a person to file in a ``Gallery`` (names, birth, nationality)."""
        return Person(
            surnames=tuple(Name(latin=n) for n in self.surnames),
            forenames=tuple(Name(latin=n) for n in self.forenames),
            date_of_birth=self.date_of_birth,
            gender=self.gender,
            nationalities=self.nationalities,
        )


def identity_of(query: PersonQuery, fields: Mapping[str, Any]) -> ExternalIdentity:
    """The identity a screening's validated ``query`` and its reference make."""
    return ExternalIdentity(
        str(fields[REFERENCE]),
        query.surnames,
        query.forenames,
        query.date_of_birth,
        query.gender,
        query.nationalities,
        query.document_number,
    )


def register(
    tx: Transaction,
    crypto: Crypto,
    profile: Profile,
    identity: ExternalIdentity,
    now: datetime,
) -> str:
    """Keep ``identity`` sealed for ``profile.retain_days``; its id."""
    identity_id = new_id()
    body = crypto.fields.seal(
        SCOPE, identity_id, SealedField.EXTERNAL_IDENTITY, codec.encode(identity), tx
    )
    tx.external_identities.put(
        ExternalIdentityRow(
            identity_id,
            profile.system,
            profile.id,
            body,
            now,
            now + timedelta(days=profile.retain_days),
        )
    )
    return identity_id


def opened(tx: Transaction, crypto: Crypto, row: ExternalIdentityRow) -> ExternalIdentity:
    plain = crypto.fields.open(SCOPE, row.id, SealedField.EXTERNAL_IDENTITY, row.body, tx)
    return codec.decode(ExternalIdentity, plain)


class Gallery:
    """The live external identities in a person index, for comparing alerts with them."""

    def __init__(self, tx: Transaction, crypto: Crypto, now: datetime) -> None:
        self.index = PersonIndex()
        self.rows: list[ExternalIdentityRow] = []
        for row in _live(tx, now):
            self.index.add(len(self.rows), opened(tx, crypto, row).person())
            self.rows.append(row)
        self.index.freeze()

    def matching(
        self, query: PersonQuery, limit: int
    ) -> Iterator[tuple[ExternalIdentityRow, float]]:
        """The external identities strongly matching ``query`` (the hits tier), with scores."""
        if not self.rows:
            return
        for hit in self.index.find(query, limit).hits:
            if hit.tier is Tier.HIT:
                yield self.rows[hit.slot], hit.score


def _live(tx: Transaction, now: datetime) -> Iterator[ExternalIdentityRow]:
    after = ""
    while page := tx.external_identities.live(now, after, PAGE):
        yield from page
        after = page[-1].id
