"""What a new ten-print is checked against besides the search it asks for.

* **Compatibility on biometrics** (at enrolment): the fingers being enrolled are
  searched in the gallery; an alert of the same person under another alert, that is
  a mean MCC score per finger compared of at least ``SAME_PERSON``, is judged by the
  compatibility matrix exactly as a name match is when an alert is issued
  (``domain.compatibility``): refused (``Conflict``, nothing written, the reason named
  only where the caller could read that alert) or reported beside the answer, as far as
  the caller may read it.
* **Reverse latent search** (at enrolment and at a ten-print search): the fingers are
  checked against the latents stored on alerts on unknown wanted persons
  (``biometrics.latents``); each latent one of them matches with a score of at least
  ``LATENT_HIT`` is listed apart from the candidates, as the caller's view of its alert
  allows, and only where the caller may search fingerprints in that category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from limes.biometrics.gallery import AlertGallery
from limes.biometrics.latents import LatentBank
from limes.biometrics.matching.cylinders import Cylinders
from limes.domain.alerts import AlertStatus
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert, check
from limes.errors import Conflict
from limes.policy import disclosure
from limes.policy.permissions import Context, Permission
from limes.policy.policy import Decision
from limes.service.alert_views import AlertView
from limes.service.alerts import AlertService
from limes.store.port import AlertRecord, Transaction

SAME_PERSON = 0.08
"""Mean MCC score per finger compared at which two alerts hold the same person: twice
the verification threshold, as refusing an enrolment wrongly is costly. On the synthetic
sets no impostor finger pair of 600 reached 0.021 (``make bench-biometrics``). The
gallery scores with MCC's bit version, about a fifth below the float version's: the 99th
percentile of 2,000 impostor pairs is 0.017 (0.020 float), the genuine median 0.114."""
LATENT_HIT = 0.035
"""A stored latent is listed at an MCC score of at least this with one finger. On the
synthetic sets the best of 1,440 impostor latent-finger pairs scored 0.031, and 5 of 12
genuine latents reached 0.035 (latents of 8-20 minutiae are often too poor to list).
The latent bank scores with MCC's bit version: the impostor pairs' 99th percentile is
0.027 (0.030 float) and the genuine median 0.032 (0.039 float), so somewhat fewer genuine
latents reach this than with float cylinders."""
SHORTLIST = 50


@dataclass(frozen=True, slots=True)
class LatentHit:
    """A stored latent a finger of the ten-print matches: the alert as the caller may see
    it, the latent's slot, the finger that matched and the score."""

    view: AlertView
    slot: int
    position: int
    score: float


def same_person(
    alerts: AlertService,
    gallery: AlertGallery,
    ctx: Context,
    record: AlertRecord,
    fingers: Mapping[int, Cylinders],
    tx: Transaction,
) -> tuple[ExistingAlert, ...]:
    """The alerts on the same person to report; ``Conflict`` if one forbids ``record``."""
    found = []
    for match in gallery.search(fingers, SHORTLIST, SHORTLIST):
        compared = len(match.fingers)
        if match.key == record.id or not compared or match.score / compared < SAME_PERSON:
            continue
        other = tx.alerts.get(match.key)
        if other is not None and other.status is AlertStatus.ACTIVE:
            found.append(ExistingAlert(other.id, CategoryCode(other.category), other.issuing_state))
    verdict = check(CategoryCode(record.category), ctx.principal.member_state, found)
    may_read = disclosure.could_read(alerts.policy, ctx)
    if verdict.refused:
        reasons = dict.fromkeys(disclosure.refusal(a, r, may_read) for a, r in verdict.refused)
        raise Conflict("the same fingerprints: " + "; ".join(reasons))
    return verdict.reported


def latent_hits(
    alerts: AlertService,
    latents: LatentBank,
    ctx: Context,
    fingers: Mapping[int, Cylinders],
    tx: Transaction,
) -> tuple[LatentHit, ...]:
    """The stored latents ``fingers`` match, as the caller may be shown them."""
    hits = []
    decisions: dict[str, Decision] = {}
    for match in latents.search(fingers, SHORTLIST, LATENT_HIT):
        record = tx.alerts.get(match.key)
        if record is None or record.status is not AlertStatus.ACTIVE:
            latents.remove(match.key)
            continue
        if record.category not in decisions:
            decisions[record.category] = alerts.policy.decide(
                ctx, Permission.SEARCH_FINGERPRINTS, CategoryCode(record.category)
            )
        decision = decisions[record.category]
        if decision.allowed:
            view = alerts.view(tx, ctx, record, decision)
            hits.append(LatentHit(view, match.slot, match.position, round(match.score, 4)))
    return tuple(hits)
