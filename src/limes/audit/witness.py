"""Witnesses: the log's signed tree heads, published outside the host as they are signed.

Whoever holds the audit log's storage and its signing key can rewrite the log and sign
new heads over the rewrite; ``verify`` alone then finds nothing. Heads published
somewhere that person cannot rewrite stop that: ``limes audit verify --witness`` reads
every published head and requires the log to contain each of them (the same root at
the same size), so a rewritten log fails however it was re-signed.

Two witnesses, either or both (``LIMES_AUDIT_WITNESS_FILE``, ``LIMES_AUDIT_WITNESS_NATS``):

* ``FileWitness``: one JSON head (``TreeHead.to_json``) a line, appended and fsynced,
  to a file on another path than the var folder (a mount of another machine, or a
  file the service may only append to, ``chattr +a``).
* ``NatsWitness``: one message a head on a NATS JetStream subject, in a stream that
  allows neither deleting nor purging messages (``deny_delete``, ``deny_purge``); its
  ``Nats-Msg-Id`` (key id and size) lets JetStream drop a repeat.

``WitnessPublisher.run`` publishes every head the witness has not seen yet (``limes
serve`` runs it every minute after the checkpoint); each witness remembers nothing
here but its last published size, read from the witness itself at the first run.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.api import StreamConfig
from nats.js.errors import Error as JetStreamError
from nats.js.errors import NotFoundError

from limes.audit.heads import TreeHead
from limes.audit.log import AuditLog
from limes.errors import LimesError
from limes.feed.nats import connect_once
from limes.setting_texts import redacted, valid_subject

SUBJECT = "limes.audit.heads"


class WitnessUnavailable(LimesError):
    slug = "audit-witness-unavailable"
    title = "The published tree heads cannot be read or written"


class Witness(Protocol):
    """Somewhere outside the host that keeps every head published to it."""

    def publish(self, heads: Sequence[TreeHead]) -> None: ...

    def published(self) -> list[TreeHead]: ...

    def last_size(self) -> int:
        """The size of the largest head published so far (0: none)."""
        ...


def stream_of(subject: str) -> str:
    """The JetStream stream that holds ``subject``'s heads (``limes.audit.heads`` →
    ``LIMES_AUDIT_HEADS``)."""
    return subject.upper().replace(".", "_").replace("-", "_")


class FileWitness:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"FileWitness({str(self.path)!r})"

    def publish(self, heads: Sequence[TreeHead]) -> None:
        lines = "".join(json.dumps(h.to_json(), sort_keys=True) + "\n" for h in heads)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(lines)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise WitnessUnavailable(
                f"cannot append to the witness file {self.path}: {exc}"
            ) from None

    def published(self) -> list[TreeHead]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise WitnessUnavailable(f"cannot read the witness file {self.path}: {exc}") from None
        heads = []
        for number, line in enumerate(text.splitlines(), 1):
            try:
                heads.append(TreeHead.from_json(json.loads(line)))
            except (ValueError, TypeError, AttributeError) as exc:
                raise WitnessUnavailable(
                    f"{self.path}, line {number}: not a published tree head ({exc})"
                ) from None
        return heads

    def last_size(self) -> int:
        heads = self.published()
        return max((h.size for h in heads), default=0)


class NatsWitness:
    def __init__(self, url: str, subject: str = SUBJECT, timeout: float = 2.0) -> None:
        if not valid_subject(subject):
            raise ValueError(f"{subject!r} is not a NATS subject without wildcards")
        self.url = url
        self.shown = redacted(url)  # for messages: never the password
        self.subject = subject
        self.stream = stream_of(subject)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"NatsWitness({self.shown!r}, {self.subject!r})"

    async def _connected(self) -> Client:
        try:
            return await connect_once(self.url, self.timeout)
        except (NatsError, OSError, TimeoutError) as exc:
            raise WitnessUnavailable(f"NATS at {self.shown} is not reachable: {exc!r}") from None

    def _run(self, work: Any) -> Any:
        try:
            return asyncio.run(work)
        except (NatsError, JetStreamError, OSError, TimeoutError) as exc:
            raise WitnessUnavailable(f"NATS witness {self.subject}: {exc!r}") from None

    def publish(self, heads: Sequence[TreeHead]) -> None:
        async def publish() -> None:
            connection = await self._connected()
            try:
                js = connection.jetstream(timeout=self.timeout)
                await js.add_stream(
                    StreamConfig(
                        name=self.stream,
                        subjects=[self.subject],
                        deny_delete=True,
                        deny_purge=True,
                    )
                )
                for head in heads:
                    await js.publish(
                        self.subject,
                        json.dumps(head.to_json(), sort_keys=True).encode("utf-8"),
                        headers={"Nats-Msg-Id": f"audit-head-{head.key_id}-{head.size}"},
                    )
            finally:
                await connection.close()

        self._run(publish())

    def published(self) -> list[TreeHead]:
        async def read() -> list[TreeHead]:
            connection = await self._connected()
            try:
                js = connection.jetstream(timeout=self.timeout)
                try:
                    info = await js.stream_info(self.stream)
                except NotFoundError:
                    return []
                heads = []
                first, last = info.state.first_seq, info.state.last_seq
                for seq in range(first, last + 1) if info.state.messages else ():
                    message = await js.get_msg(self.stream, seq)
                    heads.append(_head(message.data, f"{self.stream} message {seq}"))
                return heads
            finally:
                await connection.close()

        found: list[TreeHead] = self._run(read())
        return found

    def last_size(self) -> int:
        async def last() -> int:
            connection = await self._connected()
            try:
                js = connection.jetstream(timeout=self.timeout)
                try:
                    message = await js.get_last_msg(self.stream, self.subject)
                except NotFoundError:
                    return 0
                return _head(message.data, f"the last message of {self.stream}").size
            finally:
                await connection.close()

        size: int = self._run(last())
        return size


def _head(data: bytes | None, where: str) -> TreeHead:
    try:
        return TreeHead.from_json(json.loads(data or b""))
    except (ValueError, TypeError, AttributeError) as exc:
        raise WitnessUnavailable(f"{where}: not a published tree head ({exc})") from None


class WitnessPublisher:
    """Publishes every signed head of ``log`` to each witness, in order, once."""

    def __init__(self, log: AuditLog, witnesses: Sequence[Witness], batch: int = 500) -> None:
        self.log = log
        self.witnesses = tuple(witnesses)
        self.batch = batch
        self._sizes: list[int | None] = [None] * len(self.witnesses)

    def run(self) -> int:
        """Publish what each witness lacks; the number of heads published (to all).

        A witness that fails is tried again from where it stopped at the next run; the
        first failure is raised once the other witnesses have had their turn.
        """
        published, failure = 0, None
        for i, witness in enumerate(self.witnesses):
            try:
                size = self._sizes[i]
                if size is None:
                    size = self._sizes[i] = witness.last_size()
                while heads := self.log.heads_after(size, self.batch):
                    witness.publish(heads)
                    size = self._sizes[i] = heads[-1].size
                    published += len(heads)
            except WitnessUnavailable as exc:
                failure = failure or exc
        if failure is not None:
            raise failure
        return published


def published_heads(witnesses: Sequence[Witness]) -> list[TreeHead]:
    """Every head every witness holds (repeats across witnesses kept: each is checked)."""
    return [head for witness in witnesses for head in witness.published()]
