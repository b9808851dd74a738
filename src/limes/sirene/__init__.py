"""Hits and the SIRENE exchange, the pure part: forms, hit reports, deadlines, statistics.

No I/O here (``charts.py`` renders bytes in memory); the use cases are in
``limes.service.hits`` and ``limes.service.sirene``, the tables in ``limes.store.sirene``.
"""
