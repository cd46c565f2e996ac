"""Actuals: progress that contradicts the scenario is refused by name, work in progress stays with
its people in every strategy, the checker says when it does not, and spent hours count in money."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from allocate import Calendar, Person, Pin, Project, Scenario, Task, check, solve
from allocate.problem import compile_problem
from allocate.scenario import Progress, Slot
from scenarios import with_actuals
from test_solve import STRATEGIES, ErrorsLogged

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
UTC_HOURS = Calendar(timezone="UTC")


def team() -> list[Person]:
    return [
        Person(id="ana", skills={"backend": 3}, hourly_rate=100, calendar=UTC_HOURS),
        Person(id="ben", skills={"backend": 3}, hourly_rate=50, calendar=UTC_HOURS),
        Person(id="cy", skills={"design": 2}, hourly_rate=80, calendar=UTC_HOURS),
    ]


def scenario(*tasks: Task, **fields) -> Scenario:
    return Scenario(
        start=MONDAY,
        people=team(),
        projects=[Project(id="web", budget=5000, value=8000)],
        tasks=tasks,
        **fields,
    )


def started(people=("ana",), hours=4.0, **more) -> Progress:
    return Progress(status="in_progress", people=people, hours_spent=hours, **more)


def messages(error: ValidationError) -> str:
    return "\n".join(e["msg"] for e in error.errors())


def test_contradicting_actuals_are_all_named_at_once():
    """Unknown and unqualified people, work in progress without its people, actuals after the
    planning start and work begun before its predecessor allowed: one error names them all."""
    with pytest.raises(ValidationError) as caught:
        scenario(
            Task(id="spec", effort_hours=8, skills={"design": 1}),
            Task(id="api", effort_hours=8, skills={"backend": 1}, progress=started(("zoe",))),
            Task(id="db", effort_hours=8, skills={"backend": 1}, progress=started(("cy",))),
            Task(id="ui", effort_hours=8, skills={"design": 1}, progress=started(())),
            Task(
                id="late",
                effort_hours=8,
                skills={"backend": 1},
                progress=started(started=MONDAY + timedelta(days=1)),
            ),
            Task(
                id="page",
                effort_hours=8,
                skills={"design": 1},
                after=["spec"],
                progress=Progress(status="done", people=("cy",)),
            ),
        )
    text = messages(caught.value)
    assert "task 'api' records work by unknown people 'zoe'" in text
    assert "task 'db' records work by cy, who lack its skills" in text
    assert "task 'ui' is in progress but names nobody doing it" in text
    assert "task 'late' started 2026-03-03T08:00:00+00:00, after the planning start" in text
    assert "task 'page' is done but its FS predecessor 'spec' is not started" in text
    assert caught.value.error_count() == 5


def test_dependency_types_ask_what_they_need_of_the_predecessor():
    """A start-to-start successor may be in progress once its predecessor has started; a
    finish-to-start one may not even start before its predecessor is done."""
    spec = Task(id="spec", effort_hours=8, skills={"design": 1}, progress=started(("cy",)))
    ss = Task(
        id="api", effort_hours=8, skills={"backend": 1}, after=[{"task": "spec", "type": "SS"}]
    )
    scenario(spec, ss.replace(progress=started()))  # fine
    with pytest.raises(ValidationError, match="its FS predecessor 'spec' is in progress"):
        scenario(spec, ss.replace(after=["spec"], progress=started()))
    with pytest.raises(ValidationError, match="its FF predecessor 'spec' is in progress"):
        scenario(
            spec,
            ss.replace(
                after=[{"task": "spec", "type": "FF"}],
                progress=Progress(status="done", people=("ana",)),
            ),
        )


def test_progress_records_only_what_its_status_allows():
    """A task not started records nothing; only a done task has a finish; finished before
    started, someone listed twice and a milestone in progress are refused."""
    for bad, words in [
        ({"status": "not_started", "hours_spent": 3}, "a task not started cannot record"),
        ({"status": "in_progress", "finished": MONDAY}, "only a done task has a finish"),
        (
            {"status": "done", "started": MONDAY, "finished": MONDAY - timedelta(hours=1)},
            "before it started",
        ),
        ({"status": "done", "people": ["ana", "ana"]}, "lists someone twice"),
    ]:
        with pytest.raises(ValidationError, match=words):
            Progress(**bad)
    with pytest.raises(ValidationError, match="milestone 'm' takes no time"):
        Task(id="m", milestone=True, progress={"status": "in_progress"})


def test_a_pin_or_a_zero_limit_cannot_take_work_in_progress_from_its_people():
    """Pinning work in progress to someone else, or a limit of 0 on its person, contradicts it."""
    api = Task(id="api", effort_hours=8, skills={"backend": 1}, progress=started())
    with pytest.raises(ValidationError, match="in progress with ana but pinned to 'ben'"):
        scenario(api, pins=[Pin(task="api", person="ben")])
    people = [p.replace(max_hours_per_week=0) if p.id == "ana" else p for p in team()]
    with pytest.raises(ValidationError, match="in progress with 'ana', who may work 0 h a week"):
        Scenario(start=MONDAY, people=people, tasks=[api])


def test_a_team_in_progress_keeps_its_people_in_the_places_they_fit():
    """People of a team in progress may be listed in any order: each takes a place they
    qualify for, and the plan keeps all of them."""
    pair = Task(
        id="pair",
        effort_hours=8,
        team=[Slot(skills={"backend": 1}), Slot(skills={"design": 1})],
        progress=started(("cy", "ben")),
    )
    s = scenario(pair)
    problem = compile_problem(s)
    assert [problem.person_ids[p] for p in problem.pinned_person] == ["ben", "cy"]
    plan = solve(s, strategy="greedy")
    assert plan.assignment("pair").people == ("ben", "cy") and plan.violations == ()
    with pytest.raises(ValidationError, match="needs 2 people but records work by ben"):
        scenario(pair.replace(progress=started(("ben",))))


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_work_in_progress_stays_with_its_person_in_every_strategy(strategy):
    """ana started 'api' but is away until Wednesday; a fresh plan gives it to ben, who is free
    in time for its deadline, but the plan keeps it with ana and plans only the hours left."""
    away = UTC_HOURS.replace(time_off=[{"start": "2026-03-02", "end": "2026-03-03"}])
    people = [p.replace(calendar=away) if p.id == "ana" else p for p in team()]
    api = Task(
        id="api", effort_hours=8, skills={"backend": 1}, deadline=MONDAY + timedelta(hours=9)
    )
    s = Scenario(start=MONDAY, people=people, tasks=[api])
    assert solve(s, strategy=strategy, time_limit=5).assignment("api").people == ("ben",)
    s = s.replace(tasks=[api.replace(progress=started(hours=6))])
    plan = solve(s, strategy=strategy, time_limit=5)
    assert plan.feasible and plan.violations == ()
    kept = plan.assignment("api")
    assert kept.people == ("ana",)
    assert (kept.start, kept.end) == (
        datetime(2026, 3, 4, 9, tzinfo=UTC),
        datetime(2026, 3, 4, 11, tzinfo=UTC),
    )


def test_the_checker_sees_work_in_progress_handed_to_someone_else():
    """A plan that gives work in progress to another person breaks the `progress` rule."""
    s = scenario(Task(id="api", effort_hours=8, skills={"backend": 1}, progress=started()))
    plan = solve(s, strategy="greedy")
    moved = plan.model_copy(
        update={"assignments": [plan.assignment("api").model_copy(update={"people": ("ben",)})]}
    )
    found = [v for v in check(s, moved) if v.rule == "progress"]
    assert [v.message for v in found] == ["task 'api' is in progress with ana but goes to ben"]


def test_spent_hours_count_in_cost_budget_and_margin():
    """Project cost is spent + planned: ana's 6 spent hours (600) plus the plan's 2 h left by her
    (200) and 8 h by ben (400); margin and budget compare with the whole; each person's spent
    hours and their share of the past are in their summary."""
    s = scenario(
        Task(
            id="api",
            effort_hours=8,
            skills={"backend": 1},
            project="web",
            progress=started(hours=6, started=MONDAY - timedelta(days=1, hours=-1)),
        ),
        Task(id="db", effort_hours=8, skills={"backend": 1}, project="web"),
        Task(
            id="spec",
            effort_hours=5,
            skills={"design": 1},
            project="web",
            progress=Progress(status="done", people=("cy",)),
        ),
        objective=["cost", "makespan"],
    )
    plan = solve(s, strategy="cpsat", time_limit=5)
    web = plan.projects[0]
    assert (web.spent_cost, web.planned_cost) == (600 + 400, 200 + 400)
    assert web.cost == 1600 and web.margin == 8000 - 1600 and web.over_budget == 0
    assert plan.objective["cost"] == 600  # the term counts what the plan decides
    people = {p.id: p for p in plan.people}
    assert (people["ana"].spent_hours, people["cy"].spent_hours) == (6, 5)
    # the recorded past is Sunday 09:00 to Monday 08:00: no working hours for a Mon-Fri 9-17 week
    assert people["ana"].past_available_hours == 0 and people["ana"].past_utilisation is None
    assert "1,600 (1,000 spent)" in str(plan)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_actuals())
@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_generated_scenarios_with_actuals_give_checked_plans(strategy, scenario):
    """For any scenario with work done and in progress: a plan claiming feasibility keeps every
    rule, work in progress included, and the objective agrees with the checker's."""
    with ErrorsLogged() as errors:
        plan = solve(scenario, strategy=strategy, time_limit=5)
    assert not errors, errors
    if plan.feasible:
        assert plan.violations == () and check(scenario, plan) == []
        for task in scenario.tasks:
            if task.in_progress and task.id in {a.task for a in plan.assignments}:
                assert sorted(plan.assignment(task.id).people) == sorted(task.progress.people)
    else:
        assert plan.unplaced and all(u.reason for u in plan.unplaced)
