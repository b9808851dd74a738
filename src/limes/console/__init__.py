"""The web console: a second door, for people, under ``/console``.

Server-rendered pages (Jinja2) with htmx for partial updates, served by ``limes serve``
beside the API (``console/app.py``). Like the API it reaches the use cases only
(``limes.service`` through the wired ``Limes``): every page goes through the same
policy, minimisation and audit trail. Its own concerns are the browser's: a strict
Content-Security-Policy, vendored assets with Subresource Integrity, CSRF tokens,
``SameSite=Strict`` cookies carrying Limes' short-lived tokens, translations.
"""
