"""Biometrics (issue 16): fingerprint minutiae formats, a synthetic data generator,
matchers (Minutia Cylinder-Code and NBIS Bozorth3) and a 1:N index.

Nothing here is wired into alerts, stores or doors yet: these are the self-contained
parts that enrolment and search will be built on.
"""
