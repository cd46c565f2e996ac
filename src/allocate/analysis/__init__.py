"""Answers to the weekly questions, built on plans: where do we run short of people (`forecast`),
how sure is each date (`simulate`), what a change would do (`compare`), who should take a new
request (`recommend`), whom to hire and whom we cannot lose (`advise_hiring`, `departures`)."""

from allocate.analysis.departures import Departure, Departures, departures
from allocate.analysis.effects import Delay, Effects, Slip
from allocate.analysis.fit import Fit
from allocate.analysis.forecast import CapacityRow, Forecast, Shortage, SoleHolder, forecast
from allocate.analysis.hiring import Hire, HireOption, HiringAdvice, advise_hiring, generated_hires
from allocate.analysis.recommend import Recommendations, recommend
from allocate.analysis.screening import Excluded, Option
from allocate.analysis.simulate import Critical, Outlook, PersonRisk, Risk, simulate
from allocate.analysis.standing import Standing
from allocate.analysis.whatif import WhatIf, compare

__all__ = [
    "CapacityRow",
    "Critical",
    "Delay",
    "Departure",
    "Departures",
    "Effects",
    "Excluded",
    "Fit",
    "Forecast",
    "Hire",
    "HireOption",
    "HiringAdvice",
    "Option",
    "Outlook",
    "PersonRisk",
    "Recommendations",
    "Risk",
    "Shortage",
    "Slip",
    "SoleHolder",
    "Standing",
    "WhatIf",
    "advise_hiring",
    "compare",
    "departures",
    "forecast",
    "generated_hires",
    "recommend",
    "simulate",
]
