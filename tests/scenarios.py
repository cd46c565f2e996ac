"""Hypothesis strategies for small, valid scenarios with the features that make calendars hard:
time zones 9 hours apart, half-hour zones, part-time and split days, holidays, time off, every
dependency type with lags, releases, deadlines, milestones, pins and teams; people with project
limits, and with `weekly=True` weekly hour limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from allocate import Calendar, Dependency, Person, Pin, Project, Scenario, Task, TimeOff
from allocate.scenario import Resource, Slot

ZONES = ["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "UTC"]
HOLIDAYS = {
    "Europe/Berlin": "DE",
    "America/Los_Angeles": "US-CA",
    "Asia/Kolkata": None,
    "UTC": None,
}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SKILLS = ["design", "backend"]
START = datetime(2026, 3, 2, 8, tzinfo=UTC)  # a Monday, four weeks before Europe's DST change


@st.composite
def calendars(draw) -> Calendar:
    zone = draw(st.sampled_from(ZONES))
    days = draw(st.lists(st.sampled_from(DAYS[:6]), min_size=1, max_size=5, unique=True))
    split = draw(st.booleans())
    first = draw(st.integers(7, 10))
    ranges = (
        [f"{first:02d}:00-12:00", "13:00-17:30"]
        if split
        else [f"{first:02d}:00-{first + 8:02d}:00"]
    )
    time_off = []
    if draw(st.booleans()):
        begin = date(2026, 3, 2) + timedelta(days=draw(st.integers(0, 20)))
        time_off.append(TimeOff(start=begin, end=begin + timedelta(days=draw(st.integers(0, 6)))))
    return Calendar(
        timezone=zone,
        weekly_hours={day: ranges for day in days},
        holidays=HOLIDAYS[zone] if draw(st.booleans()) else None,
        time_off=time_off,
    )


@st.composite
def scenarios(draw, max_people: int = 3, max_tasks: int = 6, weekly: bool = False) -> Scenario:
    people = [
        Person(
            id=f"p{i}",
            skills={s: draw(st.integers(0, 3)) for s in SKILLS},
            calendar=draw(calendars()),
            max_projects=draw(st.sampled_from([None, None, 1, 2])),
            max_hours_per_week=draw(st.sampled_from([None, 6, 12.5, 20])) if weekly else None,
        )
        for i in range(draw(st.integers(1, max_people)))
    ]
    start = START + timedelta(days=draw(st.integers(0, 30)), hours=draw(st.integers(0, 23)))
    tasks = [draw(_task(i, people, start)) for i in range(draw(st.integers(1, max_tasks)))]
    projects = [
        Project(id="acme", deadline=start + timedelta(days=draw(st.integers(1, 20))), priority=2),
        Project(id="beta"),
    ]
    pins = []
    for task in tasks:
        if task.staffed and draw(st.integers(0, 4)) == 0:
            qualified = [p.id for p in people if p.qualifies_for(task)]
            pins.append(Pin(task=task.id, person=draw(st.sampled_from(qualified))))
    lab = Resource(id="lab", capacity=draw(st.integers(1, 2)))
    return Scenario(
        start=start,
        people=people,
        projects=projects,
        tasks=tasks,
        pins=pins,
        resources=[lab],
        calendar=draw(calendars()),
    )


@st.composite
def _task(draw, index: int, people: list[Person], start: datetime) -> Task:
    milestone = draw(st.integers(0, 5)) == 0
    skills = {}
    if not milestone:
        model = draw(st.sampled_from(people))  # requirements someone meets
        skills = {s: draw(st.integers(0, model.level(s))) for s in SKILLS if model.level(s)}
    after = []
    for earlier in range(index):
        if draw(st.integers(0, 2)) == 0:
            after.append(
                Dependency(
                    task=f"t{earlier}",
                    type=draw(st.sampled_from(["FS", "FS", "SS", "FF", "SF"])),
                    lag_hours=draw(st.sampled_from([0, 0, 1, 4, 16, -2])),
                )
            )
    release = start + timedelta(hours=draw(st.integers(0, 72))) if draw(st.booleans()) else None
    deadline = start + timedelta(hours=draw(st.integers(24, 400))) if draw(st.booleans()) else None
    if release and deadline and deadline < release:
        deadline = release
    nobody = not milestone and draw(st.integers(0, 5)) == 0
    team = {}
    if not milestone and not nobody and len(people) > 1 and draw(st.integers(0, 3)) == 0:
        team = draw(_team(people))
        skills = {}
    return Task(
        id=f"t{index}",
        **({"people": 0 if nobody else 1, "skills": {} if nobody else skills} | team),
        resources={"lab": 1} if not milestone and draw(st.integers(0, 3)) == 0 else {},
        project=draw(st.sampled_from(["acme", "acme", "beta", None, None])),
        effort_hours=0 if milestone else draw(st.sampled_from([0.5, 1, 3, 8, 12.5, 24, 40])),
        milestone=milestone,
        after=after,
        release=release,
        deadline=deadline,
        priority=draw(st.integers(1, 5)),
        optional=not milestone and not team and draw(st.integers(0, 4)) == 0,
    )


@st.composite
def _team(draw, people: list[Person]) -> dict:
    """Two people at once: `people=2` with skills both of two people have, or two slots with
    each one's skills (so that distinct qualified people always exist)."""
    a, b = draw(st.permutations(people))[:2]
    if draw(st.booleans()):
        shared = {s: min(a.level(s), b.level(s)) for s in SKILLS if min(a.level(s), b.level(s))}
        return {"people": 2, "skills": shared}
    slots = [Slot(skills={s: p.level(s) for s in SKILLS if p.level(s)}) for p in (a, b)]
    return {"team": slots}


@st.composite
def with_actuals(draw, base=None) -> Scenario:
    """A generated scenario (`base`: a strategy of them) in which some work has happened: in task
    order (tasks depend only on earlier ones), a task whose predecessors are all done may be done
    or in progress, with people who can do it, spent hours and a start before the planning
    start; pins on work in progress name one of its people."""
    from allocate.matching import match
    from allocate.scenario import Progress

    scenario = draw(base if base is not None else scenarios())
    done: set[str] = set()
    tasks, crews = [], {}
    for task in scenario.tasks:
        ready = all(dep.task in done for dep in task.after)
        status = draw(st.sampled_from(["not_started", "done", "in_progress"])) if ready else None
        if status in (None, "not_started") or (status == "in_progress" and task.milestone):
            tasks.append(task)
            continue
        places = [[p.id for p in scenario.people if p.has(s)] for s in task.members]
        crew = tuple(match([draw(st.permutations(place)) for place in places]) or ())
        started = scenario.start - timedelta(hours=draw(st.integers(1, 200)))
        if status == "done":
            done.add(task.id)
            progress = Progress(
                status="done",
                people=crew,
                started=started,
                hours_spent=task.effort_hours,
                finished=scenario.start,
            )
        else:
            choices = [h for h in (0.5, 1, 2, 4, 8) if h < task.effort_hours]
            if not choices:
                tasks.append(task)
                continue
            progress = Progress(
                status="in_progress",
                people=crew,
                started=started,
                hours_spent=draw(st.sampled_from(choices)),
            )
            crews[task.id] = crew
        tasks.append(task.replace(progress=progress))
    pins = []
    for pin in scenario.pins:
        crew = crews.get(pin.task)
        if crew is not None and pin.person is not None and pin.person not in crew:
            pin = pin.replace(person=crew[0])
        if pin.task not in done:
            pins.append(pin)
    return scenario.replace(tasks=tasks, pins=pins)
