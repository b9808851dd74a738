"""Who may call Limes, and how they prove it.

* ``accounts.py``: users and system clients, their roles, purposes and clearance,
  their state (active, locked, disabled) and the rules on each.
* ``passwords.py``: Argon2id password hashes (RFC 9106).
* ``totp.py``: the mandatory second factor of users (RFC 6238), replay refused.
* ``tokens.py``: the Ed25519 signing key and the short-lived JWTs Limes issues.
* ``oidc.py``: tokens of the member states' own OpenID Connect providers, checked
  against JWKS files.
* ``certificates.py``: client certificates (mutual TLS) named by fingerprint.
* ``clearances.py``: the clearance register's CSV format.

Nothing here touches the store or a door: ``service/accounts.py`` and
``service/sessions.py`` hold the use cases, ``store/accounts.py`` the SQL, ``api/auth.py``
the HTTP authenticator.
"""
