"""The audit log: every action's record, durable before the action goes ahead.

``log.py`` is the log (append, tree heads, retention, proofs), ``store.py`` its tables,
``sqlite.py`` and ``postgres.py`` where they live, ``trail.py`` how use cases record,
``verify.py`` the check anyone can run.

**Group commit.** A record is durable (fsynced by SQLite, or committed by PostgreSQL)
before the answer it belongs to leaves; a write's attempt record before the write.
One commit per record would cap a server at a few hundred searches a second, so
records share commits:

* *within a process*, ``AuditLog.append`` queues concurrent callers; one of them
  writes everything queued in one transaction while the others wait, and the next
  batch is whatever arrived meanwhile (no timer: a lone record is committed at once;
  ``group_commit.py``, which the read bounds' counts use too);
* *without a waiting thread*, the hot routes' reads (the three searches, reading an
  alert) only queue their read bounds' count and then their record
  (``AuditLog.append_later``, ``GroupCommit.enqueue``): one committer thread a
  process commits the queue, and the request's thread is free once the answer is
  computed. The HTTP door awaits the record's future on the event loop and sends the
  answer only once it is done (``api/threads.off_loop_durable``); the record says
  ``allowed``, or ``refused`` with the refusal the count brought, and that refusal is
  then answered instead (``service/audited.py``). Batches are as large as the requests
  that queued during a commit, however few request threads there are;
* *across processes*, ``limes serve --workers N`` starts one audit writer process
  (``writer.py``) before its workers. Each worker's batch goes over a Unix socket
  (``relay.py``) to the writer, which appends the batches of all workers through its
  own ``AuditLog`` (the same queue), so one commit carries the records of every worker
  that arrived during the previous one, and no worker waits on the store's lock.
  The writer answers a batch only after its commit.

A single process (``limes serve`` with one worker, every CLI command) appends itself,
as does the server's own periodic work (checkpoints, retention): the stores serialise
every writer of a log (``BEGIN IMMEDIATE``, an advisory lock) and the log re-reads
the tree's size in each transaction, so any number of writers stay correct; the
writer process only spares them the queue.

**Failure cases** (``tests/audit/test_writer_crash.py`` kills each process with
SIGKILL under load; ``test_writer_serve.py`` does so to ``limes serve --workers 2``
under HTTP searches):

* *A worker dies.* Its requests in progress get no answer. A batch it had sent
  whole is committed (the writer does not know the sender died), one sent in part is
  dropped. Either way nothing was answered without its record; a record may exist of
  a search whose answer never left, as after any crash between record and answer.
* *The writer dies.* Batches in flight get no confirmation: their requests fail with
  ``AuditUnavailable`` (HTTP 500 problem), never answered, and are not resent (they
  may have been committed: the log may say more than happened, never less). A
  transaction it had not committed is rolled back by the store. ``WriterProcess``
  starts it again; until it listens, each worker appends itself (``WriterAbsent``:
  nothing was sent), slower but just as durable.
* *The writer cannot write* (disk full, store down): it answers the error, the
  worker raises ``AuditUnavailable``, the action does not happen.
* *The writer hangs.* A worker waits ``ANSWER_TIMEOUT_SECONDS`` (longer than the
  store's busy timeout), then fails the batch as above.
* *The parent dies.* The writer notices its parent is gone within a second and ends.
* *A queued record's commit fails* (any of the above, on the committer thread): its
  future, and every one of its batch, gets ``AuditUnavailable``; the door answers the
  500 problem it answers when ``append`` raises, and the computed answer is dropped.
  A refusal of the read bounds whose own record fails is answered the same way.
* *The read bounds' count fails* (its transaction, on the committer thread): the read
  is recorded as ``failed`` and answered 500, as when the count raised in the thread.
* *The caller goes away while its record is queued* (the client disconnects, the
  server stops): the record is still committed (a future is never cancelled: it may
  be written already), and no answer is sent.

The Merkle tree, signed heads, retention and ``limes audit verify`` do not depend on
who appended: the writer uses the same ``AuditLog`` and store.
"""
