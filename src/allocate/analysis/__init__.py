"""Answers to the weekly questions, built on plans: where do we run short of people (`forecast`)."""

from allocate.analysis.forecast import CapacityRow, Forecast, Shortage, SoleHolder, forecast

__all__ = ["CapacityRow", "Forecast", "Shortage", "SoleHolder", "forecast"]
