"""Planners' files: spreadsheets in and out, Microsoft Project and Primavera files in and out.

    from allocate import files
    scenario = files.read_spreadsheet("team.xlsx")         # or a folder of CSV files
    plan = solve(scenario)
    files.write_spreadsheet(scenario, plan, "plan.xlsx")    # a workbook a PM can filter
    files.write_msproject(scenario, plan, "plan.xml")       # MSPDI: MS Project, ProjectLibre
    imported = files.read_project_file("portfolio.mpp")     # .mpp .xml .mpx .xer .pmxml ...

Workbooks need `allocate[files]` (python-calamine reads, XlsxWriter writes); project files need
it too (mpxj and JPype) and a Java runtime. MSPDI is written with the standard library. Nothing
here is imported by `import allocate`.
"""

from allocate.files.inputs import write_scenario_spreadsheet, write_template
from allocate.files.plan_book import write_spreadsheet
from allocate.files.problems import InputFileError, Problem
from allocate.files.read import read_spreadsheet

__all__ = [
    "InputFileError",
    "Problem",
    "read_spreadsheet",
    "write_scenario_spreadsheet",
    "write_spreadsheet",
    "write_template",
]
