"""Hits and the SIRENE exchange, the pure part: forms, hit reports, deadlines, statistics.

No I/O here but ``charts.py``, which writes the PNG files it is asked for; the use cases
are in ``limes.service.hits`` and ``limes.service.sirene``, the tables in
``limes.store.sirene``.
"""
