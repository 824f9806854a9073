"""The store's key derivation made cheap for tests (the real cost is for laptops, not CI)."""

from survey_app.store import KdfParams

FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
