"""A picture of delivery runs as SVG: the depot, the shops numbered in driving order, each run's route
in its own colour, carried shops greyed, over a plain grid (no map tiles: nothing is fetched).

`runs_svg` takes plain values so that the CLI and the dashboard draw the same picture from a plan or
from stored runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from domain.delivery import Plan, Point

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")


@dataclass(frozen=True)
class DrawnStop:
    point: Point
    label: str                  # the shop's name


@dataclass(frozen=True)
class DrawnRun:
    name: str                   # "Run 3 · Tata Ace (12.4 km)"
    stops: tuple[DrawnStop, ...]


def plan_runs(plan: Plan, names: dict[int, str] | None = None) -> tuple[list[DrawnRun], list[DrawnStop]]:
    """A plan's runs and carried stops as drawable values; `names` by shop id."""
    names = names or {}
    runs = [DrawnRun(f"{r.vehicle.name} ({r.km:.1f} km)",
                     tuple(DrawnStop(v.stop.point, names.get(v.stop.shop_id, f"shop {v.stop.shop_id}"))
                           for v in r.visits)) for r in plan.routes]
    carried = [DrawnStop(s.point, names.get(s.shop_id, f"shop {s.shop_id}")) for s in plan.carried]
    return runs, carried


def runs_svg(depot: Point, runs: Sequence[DrawnRun], carried: Sequence[DrawnStop] = (), *, width: int = 900,
             title: str = "") -> str:
    points = [depot, *(s.point for r in runs for s in r.stops), *(s.point for s in carried)]
    south, north = min(p.lat for p in points), max(p.lat for p in points)
    west, east = min(p.lon for p in points), max(p.lon for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))     # a degree of longitude is shorter
    span_x, span_y = max((east - west) * squeeze, 0.005), max(north - south, 0.005)
    margin, legend = 40, 22 * (len(runs) + 1)
    inner = width - 2 * margin
    scale = inner / span_x
    height = int(span_y * scale) + 2 * margin + legend

    def xy(p: Point) -> tuple[float, float]:
        return margin + (p.lon - west) * squeeze * scale, margin + (north - p.lat) * scale

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="#f6f4ee"/>']
    step = 0.01  # a grid line every 0.01° (about 1.1 km)
    lat = math.floor(south / step) * step
    while lat <= north + step:
        y = xy(Point(lat, west))[1]
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#e2ded3"/>')
        lat += step
    lon = math.floor(west / step) * step
    while lon <= east + step:
        x = xy(Point(south, lon))[0]
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - legend}" stroke="#e2ded3"/>')
        lon += step
    if title:
        out.append(f'<text x="{margin}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>')
    for i, run in enumerate(runs):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(xy, [depot, *(s.point for s in run.stops), depot]))
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-opacity="0.8"/>')
        for n, stop in enumerate(run.stops, 1):
            x, y = xy(stop.point)
            out.append(f'<g><title>{escape(stop.label)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="8" '
                       f'fill="{colour}"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="#fff" '
                       f'font-size="9">{n}</text></g>')
        ly = height - legend + 16 + 22 * i
        out.append(f'<rect x="{margin}" y="{ly - 10}" width="14" height="14" fill="{colour}"/>'
                   f'<text x="{margin + 20}" y="{ly + 1}">{escape(run.name)}</text>')
    for stop in carried:
        x, y = xy(stop.point)
        out.append(f'<g><title>{escape(stop.label)} (next run)</title><circle cx="{x:.1f}" cy="{y:.1f}" r="6" '
                   f'fill="none" stroke="#888" stroke-dasharray="2,2"/></g>')
    x, y = xy(depot)
    out.append(f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="#222"><title>depot</title></rect>')
    ly = height - legend + 16 + 22 * len(runs)
    out.append(f'<text x="{margin}" y="{ly + 1}" fill="#555">■ depot   ◌ carried to the next run   '
               f'grid 0.01° ≈ 1.1 km</text></svg>')
    return "\n".join(out)
