"""Answers to the weekly questions, built on plans: where do we run short of people (`forecast`),
and how sure is each date (`simulate`)."""

from allocate.analysis.forecast import CapacityRow, Forecast, Shortage, SoleHolder, forecast
from allocate.analysis.simulate import Critical, Outlook, PersonRisk, Risk, simulate

__all__ = [
    "CapacityRow",
    "Critical",
    "Forecast",
    "Outlook",
    "PersonRisk",
    "Risk",
    "Shortage",
    "SoleHolder",
    "forecast",
    "simulate",
]
