"""The planning grid: one rounding rule between datetimes and ticks, and how the grid is chosen."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from allocate import Calendar, Person, Scenario, Task
from allocate.grid import Grid, choose_resolution, grid_origin

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
GRID = Grid(MONDAY, 30, 48)


def test_a_moment_on_a_tick_is_that_tick_either_way():
    """On the grid, rounding up or down makes no difference, whatever the moment's zone."""
    berlin = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 09:30 UTC
    assert GRID.tick(berlin) == GRID.tick(berlin, up=True) == 19
    assert GRID.time(19) == berlin


def test_a_moment_between_ticks_rounds_down_or_up_exactly():
    """Inside a tick: down to it, up to the next; one microsecond counts (no float tolerance)."""
    inside = MONDAY + timedelta(minutes=45)
    assert (GRID.tick(inside), GRID.tick(inside, up=True)) == (1, 2)
    barely = MONDAY + timedelta(minutes=30, microseconds=1)
    assert (GRID.tick(barely), GRID.tick(barely, up=True)) == (1, 2)
    before = MONDAY - timedelta(minutes=1)
    assert (GRID.tick(before), GRID.tick(before, up=True)) == (-1, 0)
    assert GRID.offset(inside) == 1.5


def test_hours_round_up_or_down_to_whole_ticks_without_float_noise():
    """Efforts and lags round up, limits down; 0.1 + 0.2 hours is 18 minutes, not more."""
    assert GRID.ticks(1.25) == 3 and GRID.ticks(1.25, up=False) == 2
    tiny = Grid(MONDAY, 6, 10)
    assert tiny.ticks(0.1 + 0.2) == 3 and tiny.ticks(0.1 + 0.2, up=False) == 3


def test_the_grid_of_a_scenario_runs_from_its_start_to_its_horizon_end():
    """Origin on the grid at or before the start, horizon in whole ticks up to the end."""
    start = datetime(2026, 3, 2, 9, 47, 13, tzinfo=UTC)
    scenario = Scenario(
        start=start,
        people=[Person(id="ana", calendar=Calendar(timezone="Asia/Kolkata"))],
        tasks=[Task(id="t", effort_hours=8)],
        horizon_end=start + timedelta(days=1),
    )
    grid = Grid.for_scenario(scenario)
    assert (grid.origin, grid.resolution) == (datetime(2026, 3, 2, 9, 30, tzinfo=UTC), 30)
    assert grid.horizon == 48 and grid.tick(start, up=True) == 1
    assert grid.when(1) == "2026-03-02 10:00 UTC"


def test_resolution_is_hourly_unless_inputs_need_finer():
    """One hour by default; a half-hour zone or a 15-minute effort makes the grid finer."""
    person = Person(id="ana")
    base = {"start": MONDAY, "people": [person], "tasks": [Task(id="t", effort_hours=8)]}
    assert choose_resolution(Scenario(**base)) == 60
    india = Person(id="ana", calendar=Calendar(timezone="Asia/Kolkata"))
    assert choose_resolution(Scenario(**{**base, "people": [india]})) == 30
    quarter = [Task(id="t", effort_hours=1.25)]
    assert choose_resolution(Scenario(**{**base, "tasks": quarter})) == 15
    assert choose_resolution(Scenario(**{**base, "resolution_minutes": 15})) == 15


def test_grid_origin_rounds_the_start_down():
    """An off-grid planning start is rounded down to the tick that contains it."""
    assert grid_origin(datetime(2026, 3, 2, 9, 47, 13, tzinfo=UTC), 30) == datetime(
        2026, 3, 2, 9, 30, tzinfo=UTC
    )


def test_the_first_window_reaches_past_the_inputs_and_stays_inside_the_horizon():
    """Half a year at least, past the latest date by half its distance from the start plus four
    weeks, never past the scenario's horizon."""
    from allocate.grid import first_window_end

    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    due = start + timedelta(weeks=40)
    people = [Person(id="ana")]
    late = Scenario(start=start, people=people, tasks=[Task(id="t", effort_hours=1, deadline=due)])
    assert first_window_end(late) == due + (due - start) / 2 + timedelta(days=28)
    early = Scenario(start=start, people=people, tasks=[Task(id="t", effort_hours=1)])
    assert first_window_end(early) == start + timedelta(weeks=26)
    short = late.replace(horizon_end=start + timedelta(weeks=30))
    assert first_window_end(short) == short.horizon_end
