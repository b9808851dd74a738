"""The gateway of the internet-facing systems (EES, ETIAS, VIS, the European Search Portal).

A separate process (``limes gateway serve``) and a door narrow by construction: it
holds no data key, no keyring, no store credentials and no audit signing key, and it
imports none of the code that would use them (``bootstrap``, ``service``, ``store``,
``crypto``, ``audit``, ``search``, ``feed``: the ``gateway`` import contract in
``pyproject.toml``, checked again by ``tests/gateway/test_isolation.py``).

* ``config.py``: the gateway's own file: the external systems, each with its pinned
  certificate fingerprints, the SHA-256 of its token, its profiles and its limits; the
  upstream Limes and the gateway's client certificate for it. Strict; refuses anything
  else, and refuses to start with Limes' secrets in its environment.
* ``limits.py``: a token bucket and a daily quota per external system.
* ``checks.py``: the query checked against the profile, the answer against its shape.
* ``upstream.py``: Limes over mutual TLS, one system client (``http.client``).
* ``app.py``: the ASGI application: authenticate, profile, limit, log, forward.
* ``server.py``: uvicorn with TLS 1.3 and client certificates required.
"""
