"""A bundled, realistic scenario: a small digital agency's first quarter of 2027.

Eighteen people in Berlin, London and New York (public holidays, four part-timers, a split day,
vacations) run four customer projects from discovery to launch, 150 tasks with 12 milestones. The
effort is about 53 % of the team's working hours up to the last deadline, and design and backend
people are the scarce ones. A good plan meets three project deadlines with a few days to spare;
the investor portal starts in February, needs the two data engineers while one of them is skiing,
and finishes about a week late.

The data are plain tables; small builders turn them into the user model. Nothing is random, so
every call returns an equal Scenario. Milestones weigh two more than their project's other tasks;
a project's release date goes on the tasks that open it (those without predecessors).

Dependency notation in the task tables: `key` is finish-to-start; `SS:key+24` start-to-start with a
24-hour elapsed lag; `FF:key` finish-to-finish; `key+16w` finish-to-start after 16 working hours
of the agency's (Berlin) calendar.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from allocate.scenario import (
    WEEKDAYS,
    Calendar,
    Dependency,
    Person,
    Project,
    Scenario,
    Task,
    TimeOff,
    TimeRange,
)

START = datetime(2027, 1, 4, 8, tzinfo=UTC)
AGENCY_ZONE = "Europe/Berlin"

OFFICES = {
    "berlin": ("Europe/Berlin", "DE-BE"),
    "london": ("Europe/London", "GB-ENG"),
    "newyork": ("America/New_York", "US-NY"),
}

# fmt: off
# id, name, office, skills, hourly rate, weekdays, daily hours
PEOPLE = [
    ("ana", "Ana Weber", "berlin", "design:5 frontend:2", 95, "mon-fri", "09:00-17:00"),
    ("jonas", "Jonas Becker", "berlin", "backend:5 devops:3 data:2", 105, "mon-fri", "09:00-17:00"),
    ("lea", "Lea Hoffmann", "berlin", "frontend:4 mobile:2", 85, "mon-thu", "09:00-17:00"),
    ("mehmet", "Mehmet Yilmaz", "berlin", "backend:3 frontend:3 qa:2 devops:2", 80, "mon-fri",
     "08:00-16:00"),
    ("sophie", "Sophie Richter", "berlin", "pm:5 qa:2 design:1", 110, "mon-fri", "09:00-17:00"),
    ("lukas", "Lukas Schmidt", "berlin", "mobile:4 frontend:2", 90, "mon-fri", "10:00-18:00"),
    ("marta", "Marta Nowak", "berlin", "design:4 frontend:1", 90, "mon-fri", "09:00-17:00"),
    ("oliver", "Oliver Hughes", "london", "frontend:5 design:3", 100, "mon-fri", "09:00-17:00"),
    ("priya", "Priya Sharma", "london", "backend:4 data:4 devops:2", 100, "mon-fri",
     "09:00-17:00"),
    ("emma", "Emma Clarke", "london", "design:4 pm:2", 90, "mon-fri", "09:00-13:00"),
    ("tom", "Tom Fletcher", "london", "qa:4 frontend:2", 70, "mon-fri", "08:00-16:00"),
    ("aisha", "Aisha Okafor", "london", "mobile:5 frontend:3", 100, "mon-fri", "09:00-17:00"),
    ("maya", "Maya Goldberg", "newyork", "pm:4 design:2", 120, "mon-fri", "09:00-17:00"),
    ("carlos", "Carlos Rivera", "newyork", "frontend:4 backend:2", 95, "mon-fri",
     "07:00-11:00 13:00-17:00"),
    ("grace", "Grace Kim", "newyork", "design:4 frontend:3", 95, "mon-wed", "09:00-17:00"),
    ("daniel", "Daniel Walsh", "newyork", "backend:4 devops:4", 115, "mon-fri", "09:00-17:00"),
    ("nina", "Nina Petrova", "newyork", "qa:3 mobile:3", 85, "mon-fri", "08:00-16:00"),
    ("sam", "Sam Thompson", "newyork", "data:5 backend:3", 120, "mon-thu", "09:00-17:00"),
]

# person, first day, last day, reason
VACATIONS = [
    ("priya", "2027-02-15", "2027-02-26", "skiing"),  # in the middle of the portal's data work
    ("oliver", "2027-01-25", "2027-01-29", "vacation"),
    ("daniel", "2027-02-08", "2027-02-12", "vacation"),
    ("ana", "2027-03-01", "2027-03-05", "vacation"),
    ("aisha", "2027-03-08", "2027-03-12", "vacation"),
    ("maya", "2027-03-15", "2027-03-19", "vacation"),
    ("jonas", "2027-03-30", "2027-04-02", "Easter"),
    ("lukas", "2027-02-22", "2027-02-24", "moving house"),
    ("tom", "2027-04-05", "2027-04-09", "vacation"),
    ("sam", "2027-03-08", "2027-03-09", "conference"),
]

# id, name, customer, priority, release (first day), deadline (last day)
# key, name, customer, priority, release, deadline, budget, value (fixed price)
PROJECTS = [
    ("shop", "Online shop relaunch", "Northwind Outfitters", 3, None, "2027-04-01",
     180_000, 230_000),
    ("care", "Patient companion app", "Helio Health", 2, None, "2027-04-09", 140_000, 175_000),
    ("portal", "Investor reporting portal", "Brightwater Capital", 4, "2027-02-01", "2027-03-12",
     85_000, 120_000),
    ("museum", "Website and online ticketing", "Lumen Museum", 1, "2027-02-15", "2027-04-16",
     80_000, 95_000),
]

# key, name, effort hours (0: a milestone), skills, after[, deadline]
TASKS = {
    "shop": [
        ("kickoff", "Kickoff workshop", 16, "pm:3", ""),
        ("reqs", "Requirements and user stories", 40, "pm:3", "kickoff"),
        ("audit", "Audit of the current shop", 20, "design:3", "kickoff"),
        ("arch", "Technical architecture", 32, "backend:4", "kickoff"),
        ("research", "Customer interviews and personas", 32, "design:3", "kickoff"),
        ("flows", "User flows and sitemap", 32, "design:3", "reqs research audit"),
        ("wires", "Wireframes: catalogue and checkout", 52, "design:3", "flows"),
        ("proto", "Clickable prototype", 24, "design:4", "wires"),
        ("usability", "Usability test round", 20, "design:3", "proto"),
        ("kit", "UI kit and design tokens", 52, "design:4", "SS:wires+48"),
        ("ui-home", "UI design: home and landing pages", 32, "design:4", "kit usability"),
        ("ui-plp", "UI design: product list and search", 40, "design:4", "kit usability"),
        ("ui-pdp", "UI design: product detail", 32, "design:4", "kit usability"),
        ("ui-cart", "UI design: cart and checkout", 48, "design:4", "kit usability"),
        ("ui-account", "UI design: account area", 24, "design:3", "kit usability"),
        ("signoff", "Design sign-off", 0, "",
         "ui-home ui-plp ui-pdp ui-cart ui-account", "2027-02-26"),
        ("api-setup", "Backend setup and CI pipeline", 20, "backend:3 devops:2", "arch"),
        ("api-catalog", "Catalogue API and search index", 60, "backend:4", "api-setup"),
        ("api-cart", "Cart and pricing API", 52, "backend:4", "api-setup"),
        ("api-orders", "Orders and payment API", 60, "backend:4", "api-cart"),
        ("api-accounts", "Customer accounts and login", 52, "backend:3", "api-setup"),
        ("api-erp", "ERP stock synchronisation", 60, "backend:4 data:2", "api-catalog"),
        ("api-docs", "API documentation", 16, "backend:3", "api-setup FF:api-orders"),
        ("fe-setup", "Frontend scaffolding and components", 56, "frontend:4", "arch SS:kit+24"),
        ("fe-home", "Build home and landing pages", 44, "frontend:3", "fe-setup ui-home"),
        ("fe-plp", "Build product list and search", 60, "frontend:3",
         "fe-setup ui-plp api-catalog"),
        ("fe-pdp", "Build product detail page", 52, "frontend:3", "fe-setup ui-pdp api-catalog"),
        ("fe-cart", "Build cart and checkout", 60, "frontend:4", "fe-setup ui-cart api-orders"),
        ("fe-account", "Build account area", 44, "frontend:3", "fe-setup ui-account api-accounts"),
        ("payment", "Payment provider integration", 40, "backend:3", "api-orders"),
        ("analytics", "Analytics and consent banner", 24, "frontend:3", "fe-home"),
        ("cms", "CMS content model and migration", 40, "backend:3", "api-catalog"),
        ("seo", "SEO migration and redirects", 24, "frontend:3", "fe-plp fe-pdp"),
        ("emails", "Transactional email templates", 28, "frontend:3", "ui-cart"),
        ("staging", "Staging environment", 16, "devops:2", "api-setup"),
        ("vouchers", "Gift cards and vouchers", 40, "backend:3", "api-cart"),
        ("search-tuning", "Search relevance tuning", 24, "backend:3 data:2", "api-catalog"),
        ("perf-fe", "Frontend performance tuning", 28, "frontend:4", "fe-plp fe-pdp"),
        ("qa-plan", "Test plan and test cases", 36, "qa:2", "SS:fe-setup+40"),
        ("beta", "Beta release", 0, "",
         "fe-home fe-plp fe-pdp fe-cart fe-account payment emails search-tuning vouchers",
         "2027-03-10"),
        ("qa-e2e", "Automated end-to-end tests", 56, "qa:3", "qa-plan fe-cart"),
        ("qa-regression", "Regression and cross-browser testing", 56, "qa:2", "beta perf-fe seo"),
        ("perf", "Load and performance testing", 20, "backend:3 devops:2", "beta staging"),
        ("qa-mobile", "Mobile device testing", 32, "qa:2", "beta"),
        ("uat", "Customer acceptance testing", 20, "pm:3", "beta"),
        ("training", "Customer service training", 12, "pm:2", "beta"),
        ("a11y", "Accessibility fixes (WCAG 2.1 AA)", 28, "frontend:3", "beta"),
        ("fixes", "Bug fixing after acceptance tests", 56, "frontend:3",
         "uat+16w qa-regression qa-mobile a11y"),
        ("infra", "Production infrastructure", 32, "devops:3", "staging"),
        ("migration", "Customer and order data migration", 32, "data:3", "api-erp"),
        ("golive", "Go-live and DNS switch", 12, "devops:3",
         "fixes perf infra migration qa-e2e cms analytics api-docs training"),
        ("launch", "Shop launch", 0, "", "golive", "2027-04-01"),
    ],
    "care": [
        ("kickoff", "Kickoff and stakeholder map", 12, "pm:3", ""),
        ("reqs", "Clinical requirements and user stories", 52, "pm:3", "kickoff"),
        ("privacy", "Privacy impact assessment", 32, "pm:2", "kickoff"),
        ("arch", "App and backend architecture", 32, "backend:4", "kickoff"),
        ("research", "Patient interviews", 40, "design:3", "kickoff"),
        ("journeys", "Patient journeys and app map", 32, "design:3", "research reqs"),
        ("wires", "Wireframes: onboarding, diary, reminders", 52, "design:3", "journeys"),
        ("a11y-review", "Accessibility review of wireframes", 16, "design:4", "wires"),
        ("kit", "App design system", 40, "design:4", "SS:wires+48"),
        ("ui-onboarding", "UI design: onboarding and consent", 32, "design:4", "kit a11y-review"),
        ("ui-diary", "UI design: symptom diary", 40, "design:4", "kit a11y-review"),
        ("ui-meds", "UI design: medication reminders", 32, "design:3", "kit a11y-review"),
        ("ui-chat", "UI design: care team messaging", 32, "design:3", "kit a11y-review"),
        ("signoff", "Design sign-off", 0, "",
         "ui-onboarding ui-diary ui-meds ui-chat", "2027-03-05"),
        ("api-setup", "Backend setup, auth and audit log", 52, "backend:4", "arch privacy"),
        ("api-diary", "Diary and measurements API", 52, "backend:3", "api-setup"),
        ("api-meds", "Medication schedule API", 40, "backend:3", "api-setup"),
        ("api-push", "Push notification service", 32, "backend:3 devops:2", "api-setup"),
        ("api-chat", "Secure messaging API", 60, "backend:4", "api-setup"),
        ("api-consent", "Consent and data export endpoints", 32, "backend:3", "api-setup"),
        ("api-fhir", "FHIR export to the clinic system", 52, "backend:4 data:2", "api-diary"),
        ("app-setup", "App scaffolding, navigation and CI", 44, "mobile:4", "arch"),
        ("app-onboarding", "Build onboarding and consent", 44, "mobile:3",
         "app-setup ui-onboarding api-consent"),
        ("app-diary", "Build symptom diary", 60, "mobile:3", "app-setup ui-diary api-diary"),
        ("app-meds", "Build medication reminders", 56, "mobile:3",
         "app-setup ui-meds api-meds api-push"),
        ("app-chat", "Build care team messaging", 60, "mobile:3", "app-setup ui-chat api-chat"),
        ("offline", "Offline sync", 56, "mobile:4", "app-diary"),
        ("ui-admin", "UI design: clinic admin dashboard", 24, "design:3", "kit"),
        ("admin", "Build clinic admin dashboard", 52, "frontend:3", "ui-admin api-diary"),
        ("i18n", "German and English localisation", 28, "mobile:3", "app-onboarding app-diary"),
        ("crash", "Crash reporting and analytics", 20, "mobile:3", "app-setup"),
        ("store-assets", "Store screenshots and icon", 16, "design:3", "signoff"),
        ("load-test", "Backend load test", 16, "backend:3 devops:2", "api-chat api-diary"),
        ("clinical", "Clinical validation with nurses", 24, "pm:2", "beta"),
        ("beta", "Beta on TestFlight and Play", 0, "",
         "app-onboarding app-diary app-meds app-chat i18n crash", "2027-03-19"),
        ("qa-plan", "Test plan and device matrix", 24, "qa:2", "reqs"),
        ("qa-devices", "Device and OS testing", 60, "qa:2", "qa-plan beta"),
        ("qa-regression", "Release candidate regression", 40, "qa:2", "beta"),
        ("qa-a11y", "Accessibility audit (WCAG 2.2)", 36, "qa:3", "beta"),
        ("pentest", "Security review and fixes", 40, "backend:4 devops:3", "beta load-test"),
        ("store", "App store listings and review", 20, "pm:2", "beta store-assets"),
        ("launch", "App launch", 0, "",
         "store+24w qa-devices qa-regression qa-a11y pentest offline api-fhir admin clinical",
         "2027-04-09"),
    ],
    "portal": [
        ("kickoff", "Kickoff and reporting needs", 12, "pm:3", ""),
        ("reqs", "Reporting requirements", 24, "pm:3", "kickoff"),
        ("data-audit", "Data source audit", 32, "data:3", "kickoff"),
        ("wires", "Dashboard wireframes", 32, "design:3", "reqs"),
        ("ui", "Dashboard visual design", 40, "design:4", "wires"),
        ("signoff", "Design sign-off", 0, "", "ui", "2027-02-19"),
        ("etl", "ETL pipeline for fund data", 60, "data:3", "data-audit"),
        ("model", "Reporting data model", 32, "data:3 backend:3", "data-audit"),
        ("api-reports", "Reports API", 40, "backend:4", "model"),
        ("api-auth", "Single sign-on and roles", 40, "backend:4", "reqs"),
        ("pdf", "PDF statement export", 40, "backend:3", "api-reports"),
        ("charts", "Chart component library", 36, "frontend:4", "fe-setup SS:ui+16"),
        ("backfill", "Historical data backfill", 32, "data:3", "etl"),
        ("audit-trail", "Audit trail", 24, "backend:3", "api-auth"),
        ("alerts", "Email alerts for new statements", 20, "backend:3", "pdf"),
        ("fe-setup", "Portal scaffolding", 24, "frontend:3", "reqs"),
        ("fe-dashboards", "Build dashboards and charts", 48, "frontend:4", "charts ui api-reports"),
        ("fe-documents", "Build document centre", 36, "frontend:3", "fe-setup ui api-auth"),
        ("reconcile", "Data reconciliation tests", 44, "qa:2", "backfill SS:api-reports+24"),
        ("qa-e2e", "Automated portal tests", 32, "qa:3", "fe-dashboards fe-documents"),
        ("security", "Security and compliance review", 32, "devops:3", "api-auth"),
        ("infra", "Private cloud deployment", 32, "devops:3", "api-auth"),
        ("beta", "Beta for pilot investors", 0, "",
         "fe-dashboards fe-documents pdf backfill alerts", "2027-03-05"),
        ("uat", "Acceptance tests with the fund", 20, "pm:3", "beta"),
        ("fixes", "Fixes from acceptance tests", 24, "frontend:3", "uat reconcile"),
        ("golive", "Go-live", 12, "devops:3", "fixes security infra audit-trail qa-e2e"),
        ("launch", "Portal launch", 0, "", "golive", "2027-03-12"),
    ],
    "museum": [
        ("kickoff", "Kickoff with curators", 12, "pm:2", ""),
        ("content", "Content inventory", 32, "pm:2", "kickoff"),
        ("sitemap", "Sitemap and wireframes", 40, "design:3", "kickoff"),
        ("visual", "Visual identity for the web", 52, "design:4", "sitemap"),
        ("ui-pages", "UI design: exhibitions and events", 40, "design:3", "visual"),
        ("ui-tickets", "UI design: ticket shop", 32, "design:4", "visual"),
        ("signoff", "Design sign-off", 0, "", "ui-pages ui-tickets", "2027-03-26"),
        ("cms-setup", "CMS setup and content types", 40, "backend:3", "sitemap"),
        ("ticket-api", "Ticketing provider integration", 52, "backend:4", "cms-setup"),
        ("fe-setup", "Theme scaffolding", 36, "frontend:3", "SS:visual+24"),
        ("fe-pages", "Build exhibition and event pages", 60, "frontend:3",
         "fe-setup ui-pages cms-setup"),
        ("fe-tickets", "Build ticket shop", 56, "frontend:4", "fe-setup ui-tickets ticket-api"),
        ("search", "Collection search", 40, "backend:3 data:2", "cms-setup"),
        ("fe-search", "Build collection search", 36, "frontend:3", "search ui-pages"),
        ("content-entry", "Content entry and image rights", 52, "pm:2", "cms-setup content photos"),
        ("a11y", "Accessibility testing", 36, "qa:2", "fe-pages"),
        ("qa", "Cross-browser and ticket purchase tests", 44, "qa:2", "fe-tickets fe-search"),
        ("beta", "Preview for the museum", 0, "",
         "fe-pages fe-tickets fe-search newsletter events i18n", "2027-04-07"),
        ("seo", "SEO and redirects", 24, "frontend:3", "fe-pages"),
        ("hosting", "Hosting and CDN", 20, "devops:2", "cms-setup"),
        ("newsletter", "Newsletter sign-up and CRM", 16, "backend:3", "cms-setup"),
        ("i18n", "German and English site versions", 24, "backend:3", "cms-setup"),
        ("events", "Events calendar feed", 24, "backend:3", "cms-setup"),
        ("photos", "Photo shoot coordination", 16, "pm:2", "content"),
        ("audio", "Audio guide pages", 36, "frontend:3", "fe-pages"),
        ("analytics", "Visitor analytics", 16, "frontend:3", "fe-pages"),
        ("training", "CMS training for editors", 12, "pm:2", "cms-setup"),
        ("golive", "Go-live", 12, "devops:2",
         "beta qa a11y seo hosting content-entry analytics training audio"),
        ("launch", "Website launch", 0, "", "golive", "2027-04-16"),
    ],
}
# fmt: on

_DEPENDENCY = re.compile(r"(?:(SS|FF|SF):)?([a-z0-9-]+)(?:\+(\d+)(w?))?")


def agency() -> Scenario:
    """The example scenario: 18 people, 4 projects, 150 tasks, planned from Monday 2027-01-04."""
    vacations: dict[str, list[TimeOff]] = {}
    for person, first, last, reason in VACATIONS:
        off = TimeOff(start=date.fromisoformat(first), end=date.fromisoformat(last), reason=reason)
        vacations.setdefault(person, []).append(off)
    people = tuple(_person(*row, time_off=tuple(vacations.get(row[0], ()))) for row in PEOPLE)
    projects, tasks = [], []
    for key, name, customer, priority, release, due, budget, value in PROJECTS:
        projects.append(
            Project(
                id=key,
                name=name,
                customer=customer,
                priority=priority,
                deadline=_eod(due),
                budget=budget,
                value=value,
            )
        )
        tasks += _project_tasks(key, priority, release, TASKS[key])
    return Scenario(
        name="Agency, first quarter 2027",
        start=START,
        people=people,
        projects=tuple(projects),
        tasks=tuple(tasks),
        calendar=Calendar(timezone=AGENCY_ZONE, holidays="DE-BE"),
    )


def _person(pid, name, office, skills, rate, days, ranges, time_off) -> Person:
    zone, holidays = OFFICES[office]
    calendar = Calendar(
        timezone=zone, weekly_hours=_weekly(days, ranges), holidays=holidays, time_off=time_off
    )
    return Person(id=pid, name=name, skills=_skills(skills), calendar=calendar, hourly_rate=rate)


def _weekly(days: str, ranges: str) -> dict[str, tuple[TimeRange, ...]]:
    """`"mon-thu", "09:00-12:00 13:00-17:00"` as weekly hours."""
    first, _, last = days.partition("-")
    chosen = WEEKDAYS[WEEKDAYS.index(first) : WEEKDAYS.index(last or first) + 1]
    day = tuple(TimeRange.model_validate(r) for r in ranges.split())
    return {weekday: day for weekday in chosen}


def _skills(text: str) -> dict[str, int]:
    return {skill: int(level) for skill, level in (item.split(":") for item in text.split())}


def _project_tasks(project, priority, release, rows) -> list[Task]:
    """Tasks of one project: ids prefixed with the project, releases on the tasks that start it."""
    tasks = []
    for key, name, effort, skills, after, *deadline in rows:
        dependencies = tuple(_dependency(project, token) for token in after.split())
        tasks.append(
            Task(
                id=f"{project}-{key}",
                name=name,
                project=project,
                effort_hours=effort,
                skills=_skills(skills),
                after=dependencies,
                release=_sod(release) if release and not dependencies else None,
                deadline=_eod(*deadline) if deadline else None,
                priority=priority + 2 if effort == 0 else priority,
                milestone=effort == 0,
            )
        )
    return tasks


def _dependency(project: str, token: str) -> Dependency:
    kind, key, lag, working = _DEPENDENCY.fullmatch(token).groups()
    return Dependency(
        task=f"{project}-{key}",
        type=kind or "FS",
        lag_hours=float(lag or 0),
        lag_in="working" if working else "elapsed",
    )


def _sod(day: str) -> datetime:
    """Start of the agency's working day, 09:00 Berlin, in UTC."""
    return _berlin(day, time(9))


def _eod(day: str) -> datetime:
    """End of the agency's working day, 17:00 Berlin, in UTC."""
    return _berlin(day, time(17))


def _berlin(day: str, clock: time) -> datetime:
    local = datetime.combine(date.fromisoformat(day), clock, tzinfo=ZoneInfo(AGENCY_ZONE))
    return local.astimezone(UTC)
