"""Shared test settings: property tests are derandomised so that every run (and CI) explores the
same examples; a failure found once is found again."""

from hypothesis import settings

settings.register_profile("allocate", derandomize=True, deadline=None)
settings.load_profile("allocate")
