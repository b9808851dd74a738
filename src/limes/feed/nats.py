"""SIRENE events of the change feed, published on NATS JetStream per member state.

A national application subscribes to ``limes.sirene.<STATE>.>`` and hears at once of
a hit on its state's alerts (``.hit``), a form sent to its bureau (``.message``) and a
form of its bureau escalated as overdue (``.overdue``). The payload is the change
event as JSON, as the feed shows it (``disclosure.feed_event``: reviewed detail keys
only): ids, states, times, never personal data (the application reads the case through
the API, as its bureau's operators may).

The publisher follows the outbox from the position it remembers (``feed_positions``),
publishes each event to JetStream and waits for the stream's acknowledgement before
moving its position past it (saved once per batch, and where a run stops): delivery is
**at least once**. Each message carries
``Nats-Msg-Id`` (sequence and state), so JetStream drops a repeat within its
duplicate window after a crash between the acknowledgement and the saved position.
When NATS cannot be reached the run stops where it is and the next one resumes there.
A server older than 2.10 cannot sync every message before its acknowledgement, and the
publisher says so once in its log.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import nats
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.client import JetStreamContext
from nats.js.errors import Error as JetStreamError

from limes import codec
from limes.clock import Clock, utc_now
from limes.domain.events import ChangeEvent, EventType
from limes.policy import disclosure
from limes.store.port import Store

log = logging.getLogger("limes.feed.nats")

FOLLOWER = "nats-sirene"
SYNCS_EVERY_MESSAGE = (2, 10)  # the first nats-server with ``sync_interval: always``
STREAM = "LIMES_SIRENE"
PREFIX = "limes.sirene"
_KINDS = {
    EventType.HIT_RECORDED: "hit",
    EventType.SIRENE_MESSAGE: "message",
    EventType.SIRENE_OVERDUE: "overdue",
    EventType.SCREENING_HIT: "screening",
    EventType.IDENTITY_LINK_CREATED: "identity-link",
    EventType.IDENTITY_LINK_RESOLVED: "identity-link-resolved",
    EventType.IDENTITY_LINK_OVERDUE: "identity-link-overdue",
}


def subjects(event: ChangeEvent, prefix: str = PREFIX) -> list[str]:
    """Where an event goes: the subject of each state it concerns (none if not SIRENE)."""
    kind = _KINDS.get(event.type)
    if kind is None:
        return []
    state = (
        event.issuing_state
        if kind in {"hit", "screening", "identity-link"}
        else event.detail.get("to_state", "")
    )
    return [f"{prefix}.{state}.{kind}"] if state else []


async def _quiet(exc: Exception) -> None:
    log.debug("NATS: %r", exc)


async def connect_once(url: str, timeout: float) -> Client:
    """A connection to ``url``, or the error of one retry: nats-py retries a failed first
    connection (0 attempts means "for ever"), and the caller tries again at its next run."""
    return await nats.connect(
        url,
        connect_timeout=timeout,
        allow_reconnect=False,
        max_reconnect_attempts=1,
        reconnect_time_wait=0.1,
        error_cb=_quiet,
    )


Message = tuple[str, str, bytes]
"""(subject, ``Nats-Msg-Id``, payload) of one message to publish."""


@dataclass(frozen=True, slots=True)
class Run:
    published: int
    position: int
    reachable: bool


class NatsPublisher:
    """Follows the outbox and publishes SIRENE events; ``run`` does one pass."""

    def __init__(
        self,
        store: Store,
        url: str,
        *,
        prefix: str = PREFIX,
        stream: str = STREAM,
        batch: int = 200,
        timeout: float = 2.0,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.url = url
        self.prefix = prefix
        self.stream = stream
        self.batch = batch
        self.timeout = timeout
        self.clock = clock

    follower = FOLLOWER

    def position(self) -> int:
        with self.store.read() as tx:
            return tx.feed_positions.get(self.follower)

    def _save(self, seq: int) -> None:
        with self.store.transaction() as tx:
            tx.feed_positions.save(self.follower, seq, self.clock())

    async def _add_stream(self, js: JetStreamContext) -> None:
        await js.add_stream(name=self.stream, subjects=[f"{self.prefix}.>"])

    _said_unsynced = False

    def _say_if_unsynced(self, connection: Client) -> None:
        """Warn once when the server is too old to sync every message before it
        acknowledges it (``deploy/nats/jetstream.conf``): a crash of its machine can then
        lose acknowledged messages, which subscribers must fetch from the centre."""
        version = connection.connected_server_version
        if (version.major, version.minor) < SYNCS_EVERY_MESSAGE and not self._said_unsynced:
            self._said_unsynced = True
            log.warning(
                "NATS at %s is nats-server %d.%d.%d: JetStream syncs every message to disk only "
                "from 2.10 on (sync_interval: always); acknowledged messages can be lost in a "
                "crash",
                self.url,
                version.major,
                version.minor,
                version.patch,
            )

    def messages(self, position: int, batch: int) -> list[tuple[int, list[Message]]]:
        """Up to ``batch`` events after ``position``, each with its messages
        (subject, ``Nats-Msg-Id``, payload): a SIRENE event to each state it concerns."""
        out = []
        for event in self.store.events_after(position, batch):
            payload = codec.encode(disclosure.feed_event(event))
            found = [
                (subject, f"limes-{event.seq}-{subject.split('.')[-2]}", payload)
                for subject in subjects(event, self.prefix)
            ]
            out.append((event.seq, found))
        return out

    def run(self) -> Run:
        """Publish every pending event (synchronous wrapper for the CLI and the server)."""
        return asyncio.run(self.run_async())

    async def run_async(self) -> Run:
        position = self.position()
        try:
            connection = await connect_once(self.url, self.timeout)
        except (NatsError, OSError, TimeoutError) as exc:
            log.warning("NATS at %s is not reachable (%r); staying at %d", self.url, exc, position)
            return Run(0, position, reachable=False)
        published = 0
        self._say_if_unsynced(connection)
        try:
            js = connection.jetstream(timeout=self.timeout)
            await self._add_stream(js)
            while True:
                batch = self.messages(position, self.batch)
                # the whole batch in flight at once, in order; the position moves only
                # when the stream has acknowledged every message of it
                await asyncio.gather(
                    *(
                        js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id})
                        for _, messages in batch
                        for subject, msg_id, payload in messages
                    )
                )
                published += sum(len(messages) for _, messages in batch)
                if batch:
                    position = batch[-1][0]
                    self._save(position)
                if len(batch) < self.batch:
                    return Run(published, position, reachable=True)
        except (NatsError, JetStreamError, OSError, TimeoutError) as exc:
            # what was acknowledged is remembered; the rest is published again next time
            log.warning("publishing to NATS failed (%r); staying at %d", exc, position)
            self._save(position)
            return Run(published, position, reachable=False)
        finally:
            await connection.close()
