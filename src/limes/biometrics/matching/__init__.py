"""Fingerprint minutiae matchers: Minutia Cylinder-Code (numpy) and NBIS Bozorth3."""
