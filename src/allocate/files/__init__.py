"""Planners' files: spreadsheets in and out, Microsoft Project and Primavera files in and out.

    from allocate import files
    scenario = files.read_spreadsheet("team.xlsx")         # or a folder of CSV files
    plan = solve(scenario)
    files.write_spreadsheet(scenario, plan, "plan.xlsx")    # a workbook a PM can filter
    files.write_msproject(scenario, plan, "plan.xml")       # MSPDI: MS Project, ProjectLibre
    imported = files.read_project_file("portfolio.mpp")     # .mpp .xml .mpx .xer .pmxml ...
    imported.scenario, imported.unmapped                    # and what the file could not say

Workbooks need the `files` extra (`pip install -e ".[files]"` in a clone: python-calamine reads,
XlsxWriter writes); project files need it too (mpxj and JPype) and a Java runtime. MSPDI is
written with the standard library. Nothing here is imported by `import allocate`.
"""

from allocate.files.inputs import write_scenario_spreadsheet, write_template
from allocate.files.mspdi import write_msproject
from allocate.files.plan_book import write_spreadsheet
from allocate.files.problems import InputFileError, Problem
from allocate.files.project_file import ImportedProject, read_project_file
from allocate.files.read import read_spreadsheet

__all__ = [
    "ImportedProject",
    "InputFileError",
    "Problem",
    "read_project_file",
    "read_spreadsheet",
    "write_scenario_spreadsheet",
    "write_msproject",
    "write_spreadsheet",
    "write_template",
]
