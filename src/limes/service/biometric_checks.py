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

The thresholds apply to the galleries' scores, MCC's bit version, and are set on bit
scores (``bench.biometrics.thresholds``); 1:1 verification compares float cylinders and
keeps its own ``biometrics.VERIFY_THRESHOLD``.
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

LINK_THRESHOLD = 0.037
"""Two alerts' fingers agree for a multiple-identity link (``BiometricService.
matching_alerts``) at a mean MCC score of at least this over the fingers both hold, as
the gallery scores them: MCC's bit version. Rule: twice the 99.9th percentile of
impostor finger pairs' bit scores (one finger compared, the worst case; the factor two a
margin for real captures, whose impostor tails are heavier than the synthetic ones).
``OPENBLAS_NUM_THREADS=1 python -m bench.biometrics.thresholds --seeds 16,17,18
--persons 400 --others 15`` (load 3.7-4.1): of 180,000 impostor finger pairs the 99th
percentile 0.0166, the 99.9th 0.0186, the highest 0.0292, none at 0.037; genuine pairs
median 0.111, 5th percentile 0.062, 0.46 % below 0.037 (0.63 % below the former 0.04,
the verification's, set on float scores); ten-prints (mean of ten) none below."""
SAME_PERSON = 2 * LINK_THRESHOLD
"""Mean MCC score per finger compared at which two alerts hold the same person, as the
gallery scores them (MCC's bit version): 0.074. Rule: twice the links' threshold, as
refusing an enrolment wrongly is costly (the same person below it is still found by the
links' job, as a yellow link). On the bit scores above no impostor finger pair reached
0.030; FNMR 0 % of 1,200 genuine ten-prints (mean of ten: median 0.113, 5th percentile
0.095) and 11.6 % of single genuine fingers; at the former 0.08, set on float scores,
0.08 % and 16.5 %."""
LATENT_HIT = 0.0093
"""A stored latent is listed at a score of at least this with one finger of a ten-print,
as the latent bank scores them: LSS-R on MCC's bit version weighed by the agreement over
the shared area (``matching.packed.agreed_scores``, the latent search's second step), a
scale some three times lower than LSS-R's. Rule: at most one false hit a ten-print
search on average, over the reverse part of ``bench.biometrics.latent_search --seed 16
--ten-prints 30 --bank 300`` (a bank of 300 latents, 30 mated and 30 non-mated
ten-prints, every latent a search's short list proposed scored with its score kept,
about 205 a search): the 60th highest non-mate score, 0.00925, rounded up; at 0.0093
0.97 false hits a search, own latent listed (and first) for 30.0 % of mated ten-prints.
Checked on seed 17: 1.08 false hits a search, own latent listed and first 43.3 %. The
former 0.030 on LSS-R alone gave 1.77 and 1.83 false hits, own latent listed 30.0 % and
36.7 % (first 26.7 % and 33.3 %). A mate is listed only where the short list proposes it
(20 and 23 of 30; the others are never scored)."""
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
