"""A seeded generator of fingerprint minutiae for benchmarks and tests.

No fingerprint data set can be fetched here, so master templates, their impressions and
latent crops are drawn from a model (see ``fingers``); the same seed gives the same data.
"""
