"""The whole change feed on NATS JetStream, for national copies: publisher and follower.

**Publishing** extends the SIRENE publisher of ``nats.py`` (same outbox following, same
at-least-once delivery with a saved position, same ``Nats-Msg-Id`` deduplication):
every event goes to ``limes.feed.<issuing state>.<category>`` in the stream
``LIMES_FEED`` as a feed item (``items.py``: the event and the alert's sealed rows),
with ``Nats-Msg-Id: limes-feed-<seq>``. The stream is file-backed, keeps messages
``max_age`` (7 days by default) and deduplicates within two minutes. Per-message fsync
is the server's setting (``jetstream { sync_interval: always }``, nats-server 2.10 and
later; ``deploy/nats/jetstream.conf``): the 2.9 server of CI syncs on its own interval,
which is why NATS is only the transport and a copy fills any hole from the centre.

**Following** (``NatsFollower``) reads the stream with a durable pull consumer (its
name is the copy's), hands each batch of items to the copy (``handle``, which applies
them in order, fills holes from the centre and answers its position) and then
acknowledges the batch: what a copy could not apply it fetches again from the centre,
never from NATS. A message that is not a well-formed item is acknowledged and dropped;
the hole it leaves is filled from the centre like any other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.client import JetStreamContext
from nats.js.errors import Error as JetStreamError

from limes.clock import Clock, utc_now
from limes.feed.items import FeedItem, ItemError, decode, encode
from limes.feed.nats import Message, NatsPublisher, connect_once
from limes.store.port import Store

log = logging.getLogger("limes.feed.replication")

FEED_FOLLOWER = "nats-feed"
FEED_STREAM = "LIMES_FEED"
FEED_PREFIX = "limes.feed"
MAX_AGE_SECONDS = 7 * 86_400
DUPLICATE_WINDOW_SECONDS = 120

ReadItems = Callable[[int, int], list[FeedItem]]
"""Feed items after a position, at most so many (``service/replication.items_after``)."""


def subject(item: FeedItem, prefix: str = FEED_PREFIX) -> str:
    event = item.event
    if event is None:
        raise ValueError("a skipped item is never published")
    return f"{prefix}.{event.issuing_state}.{event.category}"


class FeedPublisher(NatsPublisher):
    """Publishes every event with the alert's sealed rows (``run`` does one pass)."""

    follower = FEED_FOLLOWER

    def __init__(
        self,
        store: Store,
        url: str,
        read: ReadItems,
        *,
        batch: int = 200,
        timeout: float = 2.0,
        max_age: float = MAX_AGE_SECONDS,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(
            store,
            url,
            prefix=FEED_PREFIX,
            stream=FEED_STREAM,
            batch=batch,
            timeout=timeout,
            clock=clock,
        )
        self.read = read
        self.max_age = max_age

    async def _add_stream(self, js: JetStreamContext) -> None:
        await js.add_stream(
            StreamConfig(
                name=self.stream,
                subjects=[f"{self.prefix}.>"],
                storage=StorageType.FILE,
                max_age=self.max_age,
                duplicate_window=DUPLICATE_WINDOW_SECONDS,
            )
        )

    def messages(self, position: int, batch: int) -> list[tuple[int, list[Message]]]:
        # a skipped item (a sequence number the centre never used) is not published: a
        # copy meeting the hole asks the centre's feed, which answers it as skipped
        return [
            (
                item.seq,
                []
                if item.skipped
                else [(subject(item, self.prefix), f"limes-feed-{item.seq}", encode(item))],
            )
            for item in self.read(position, batch)
        ]


@dataclass(frozen=True, slots=True)
class FollowRun:
    received: int
    reachable: bool


class NatsFollower:
    """A copy's durable consumer of ``LIMES_FEED``."""

    def __init__(
        self,
        url: str,
        durable: str,
        *,
        stream: str = FEED_STREAM,
        prefix: str = FEED_PREFIX,
        batch: int = 500,
        wait: float = 0.5,
        timeout: float = 2.0,
    ) -> None:
        self.url = url
        self.durable = durable
        self.stream = stream
        self.prefix = prefix
        self.batch = batch
        self.wait = wait
        self.timeout = timeout

    def run(
        self,
        handle: Callable[[list[FeedItem]], None],
        idle: Callable[[], None],
        stop: Callable[[], bool],
    ) -> FollowRun:
        """Consume until ``stop()`` or until NATS is lost (``reachable`` False)."""
        return asyncio.run(self.run_async(handle, idle, stop))

    async def run_async(
        self,
        handle: Callable[[list[FeedItem]], None],
        idle: Callable[[], None],
        stop: Callable[[], bool],
    ) -> FollowRun:
        received = 0
        try:
            connection = await connect_once(self.url, self.timeout)
        except (NatsError, OSError, TimeoutError) as exc:
            log.warning("NATS at %s is not reachable (%r)", self.url, exc)
            return FollowRun(0, reachable=False)
        try:
            js = connection.jetstream(timeout=self.timeout)
            sub = await js.pull_subscribe(
                f"{self.prefix}.>",
                durable=self.durable,
                stream=self.stream,
                config=ConsumerConfig(
                    ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL
                ),
            )
            while not stop():
                try:
                    messages = await sub.fetch(self.batch, timeout=self.wait)
                except (NatsTimeout, TimeoutError):
                    idle()
                    continue
                items = []
                for message in messages:
                    try:
                        items.append(decode(message.data))
                    except ItemError as exc:
                        log.warning("dropped a malformed feed message: %s", exc)
                handle(items)
                for message in messages:
                    await message.ack()
                received += len(messages)
            return FollowRun(received, reachable=True)
        except (NatsError, JetStreamError, OSError) as exc:
            log.warning("following NATS failed (%r)", exc)
            return FollowRun(received, reachable=False)
        finally:
            try:
                await connection.close()
            except (NatsError, OSError):  # a connection already lost
                pass
