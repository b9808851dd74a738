"""The state of the supply chain: locked dependencies, their vulnerabilities, the SBOM.

* ``lockfile`` reads the hashed lock files (``requirements/*.lock``) strictly.
* ``versions`` compares versions by PEP 440 and names by PEP 503.
* ``pypi`` fetches PyPI's JSON documents (one host, timeouts, a small thread pool);
  the fetch is a plain callable, so tests give recorded documents instead.
* ``severity`` rates an advisory and gives its patch deadline (``docs/security.md``).
* ``posture`` assesses every locked dependency: latest version, known
  vulnerabilities, how long a fix has been available, and which deadlines are past.
* ``sbom`` checks a CycloneDX SBOM, and the installed environment, against a lock.

Nothing here is imported by the service: these are tools for operators and CI.
"""
