"""The run picture: well-formed SVG with every stop, route and name, and nothing fetched."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from domain.delivery import Job, Point, Vehicle, problem_for
from routing.solver import solve
from routing.svg import plan_runs, runs_svg

NS = "{http://www.w3.org/2000/svg}"


def test_the_picture_draws_each_run_and_its_numbered_stops() -> None:
    depot = Point(27.6984, 85.2995)
    jobs = [Job(i, i, Point(27.70 + i / 300, 85.31 + (i % 3) / 200), 300) for i in range(6)]
    p = problem_for(depot, jobs, [Vehicle(1, "Truck <A>", 1000), Vehicle(2, "Van", 500)], starts=480, ends=1140)
    plan = solve(p, 0.1)
    runs, carried = plan_runs(plan, {0: "Ram & Sons"})
    svg = runs_svg(depot, runs, carried, title="Lumbini 2026-12-02")
    root = ET.fromstring(svg)
    assert len(root.findall(f"{NS}polyline")) == len(plan.routes) >= 1
    circles = root.iter(f"{NS}circle")
    assert sum(1 for _ in circles) == 6
    assert "Ram &amp; Sons" in svg and "Truck &lt;A&gt;" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_a_single_point_is_still_a_picture() -> None:
    svg = runs_svg(Point(27.7, 85.3), [], [])
    assert ET.fromstring(svg).tag == f"{NS}svg"
