"""Views of a Plan for people: text and Markdown summaries (and, as they arrive, tables, charts,
dashboards and calendar exports). Heavy dependencies are imported lazily inside each view."""

from allocate.report.text import markdown, summary

__all__ = ["markdown", "summary"]
