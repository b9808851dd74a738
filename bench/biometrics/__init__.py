"""Fingerprint accuracy and speed on the seeded synthetic sets (issue 16):
``make bench-biometrics``; never part of ``make test``."""
