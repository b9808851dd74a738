"""``policy/disclosure``: the reader's view applied to every part of an answer."""

from __future__ import annotations

from datetime import UTC, datetime

from limes.domain.alerts import Extension, Flag, FlagStatus
from limes.domain.categories import CategoryCode
from limes.domain.compatibility import ExistingAlert
from limes.domain.events import ChangeEvent
from limes.domain.roles import Role
from limes.policy import disclosure
from limes.policy.fields import ALL_GROUPS, FieldGroup
from limes.policy.permissions import Principal
from limes.search.features import Feature, PartMatch
from limes.sirene.statistics import HitRow, MessageRow

AT = datetime(2026, 6, 1, tzinfo=UTC)
G = FieldGroup
IDENTITY_CHECK = frozenset({G.IDENTITY, G.DOCUMENTS, G.ACTION, G.OBJECT})


def test_extension_and_flag_reasons_are_the_reason_group_and_the_officer_the_issuer() -> None:
    extension = Extension(AT, "officer@BKA/DE", "prosecutor file, informant", AT, AT)
    flag = Flag("FR", FlagStatus.GRANTED, "cooperates with operation", AT, AT, "agreed")

    assert disclosure.extensions((extension,), ALL_GROUPS) == (extension,)
    assert disclosure.flags((flag,), ALL_GROUPS) == (flag,)
    (shown,) = disclosure.extensions((extension,), IDENTITY_CHECK)
    assert (shown.reason, shown.by, shown.new_expiry) == ("", "", AT)
    (seen,) = disclosure.flags((flag,), IDENTITY_CHECK)
    assert (seen.state, seen.status, seen.reason, seen.decision_reason) == (
        "FR",
        FlagStatus.GRANTED,
        "",
        "",
    )
    undecided = Flag("FR", FlagStatus.REQUESTED, "why", AT)
    assert disclosure.flags((undecided,), IDENTITY_CHECK)[0].decision_reason is None


def readable(*ids: str) -> disclosure.MayRead:
    return lambda alert_id, _category: alert_id in ids


def test_related_alerts_name_only_the_readable_ones_and_say_when_others_exist() -> None:
    mine = ExistingAlert("A1", CategoryCode.REFUSAL_OF_ENTRY, "DE")
    covert = ExistingAlert("A2", CategoryCode.PERSON_CHECK, "FR")

    assert disclosure.related([mine], readable("A1")) == disclosure.Related((mine,), None)
    assert disclosure.related([mine, covert], readable("A1")) == disclosure.Related(
        (mine,), disclosure.RELATED_NOTICE
    )
    assert disclosure.related([covert, covert], readable()).alerts == ()
    assert disclosure.links([("A1", mine.category), ("A2", covert.category)], readable("A1")) == (
        "A1",
    )


def test_a_refusal_names_the_refusing_alert_only_to_who_may_read_it() -> None:
    existing = ExistingAlert("A9", CategoryCode.ARREST, "DE")
    reason = "a person_check alert is incompatible with DE's arrest alert A9 on the same subject"

    assert disclosure.refusal(existing, reason, readable("A9")) == reason
    told = disclosure.refusal(existing, reason, readable())
    assert told == disclosure.REFUSED_BY_UNREADABLE
    assert "A9" not in told and "arrest" not in told


def test_a_feature_of_a_withheld_group_shows_neither_the_alerts_value_nor_a_note_on_it() -> None:
    part = PartMatch("surname", "IVANOVA", "IVANOVA", 1.0, "same spelling")
    name = Feature("name", 1.0, 1.0, "Ivanova", "IVANOVA", "best of: alias 1", (part,))
    document = Feature("document", 1.0, 2.0, "L898902C3", "L898902C3", "same document number")

    assert disclosure.feature(name, IDENTITY_CHECK) == name
    hidden = disclosure.feature(document, frozenset({G.IDENTITY, G.ACTION}))
    assert (hidden.alert, hidden.query, hidden.score) == (None, "L898902C3", 1.0)
    assert "L898902C3" not in hidden.note
    bare = disclosure.feature(name, frozenset({G.DOCUMENTS, G.ACTION}))
    assert bare.alert is None and bare.parts[0].alert is None and "alias" not in bare.note


def test_a_stored_identifier_is_shown_by_its_own_group() -> None:
    assert disclosure.identifier_shown("object", frozenset({G.OBJECT}))
    assert not disclosure.identifier_shown("object", frozenset({G.DOCUMENTS}))
    assert disclosure.identifier_shown("document", frozenset({G.DOCUMENTS}))
    assert not disclosure.identifier_shown("document", frozenset({G.OBJECT}))


def test_misused_identity_data_is_shown_by_its_own_group_only() -> None:
    assert disclosure.misused_identity_shown(frozenset({G.MISUSED_IDENTITY, G.ACTION}))
    assert not disclosure.misused_identity_shown(ALL_GROUPS - {G.MISUSED_IDENTITY})


def principal(state: str, role: Role) -> Principal:
    return Principal("someone", state, "AUTH", frozenset({role}))


def test_statistics_count_the_exchanges_of_the_readers_state_unless_eu_level() -> None:
    hits = [HitRow(AT, "arrest", "FR", "DE"), HitRow(AT, "arrest", "IT", "ES")]
    messages = [
        MessageRow("G", "FR", "DE", AT, None, None),
        MessageRow("G", "IT", "ES", AT, None, None),
    ]

    assert disclosure.counted(principal("DE", Role.SIRENE_OPERATOR), hits, messages) == (
        hits[:1],
        messages[:1],
    )
    assert disclosure.counted(principal("IT", Role.SIRENE_OPERATOR), hits, messages) == (
        hits[1:],
        messages[1:],
    )
    assert disclosure.counted(principal("PL", Role.SIRENE_OPERATOR), hits, messages) == ([], [])
    assert disclosure.statistics_state(principal("EE", Role.SYSTEM_OPERATOR)) is None
    assert disclosure.counted(principal("EE", Role.SYSTEM_OPERATOR), hits, messages) == (
        hits,
        messages,
    )


def test_a_change_event_leaves_the_feed_with_reviewed_detail_keys_only() -> None:
    event = ChangeEvent("flag.requested", "A1", "DE", "arrest", 2, AT, {"state": "FR"}, 7)
    assert disclosure.feed_event(event) is event
    noisy = ChangeEvent(
        "alert.extended", "A1", "DE", "arrest", 3, AT, {"reason": "x", "state": "FR"}
    )
    assert disclosure.feed_event(noisy).detail == {"state": "FR"}


def test_an_alerts_fingers_and_their_scores_show_only_with_the_biometrics_group() -> None:
    without = frozenset(ALL_GROUPS) - {FieldGroup.BIOMETRICS}
    assert disclosure.biometrics_shown(frozenset(ALL_GROUPS))
    assert not disclosure.biometrics_shown(without)
    scores = ((2, 0.3),)
    assert disclosure.finger_scores(scores, frozenset(ALL_GROUPS)) == scores
    assert disclosure.finger_scores(scores, without) == ()
