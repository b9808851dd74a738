"""bench/search: the speed figures of Limes search (issue 5), ``python -m bench.search``."""
