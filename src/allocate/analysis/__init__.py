"""Answers to the weekly questions, built on plans: where do we run short of people (`forecast`),
how sure is each date (`simulate`), and what a change would do (`compare`)."""

from allocate.analysis.forecast import CapacityRow, Forecast, Shortage, SoleHolder, forecast
from allocate.analysis.simulate import Critical, Outlook, PersonRisk, Risk, simulate
from allocate.analysis.whatif import WhatIf, compare

__all__ = [
    "CapacityRow",
    "Critical",
    "Forecast",
    "Outlook",
    "PersonRisk",
    "Risk",
    "Shortage",
    "SoleHolder",
    "WhatIf",
    "compare",
    "forecast",
    "simulate",
]
