"""The capacitated vehicle-routing problem with time windows, solved with Google OR-Tools.

Stops that cannot be served (capacity, the day, a window) are dropped at a high penalty and come
back as `Plan.carried`. Travel minutes are rounded up, so the solver's schedule is never earlier than
`domain.delivery.time_route`'s and a stop it calls on time is on time there too.
"""

from __future__ import annotations

import math

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from domain.delivery import Plan, Problem, time_route

_SCALE = 1000  # metres, grams: OR-Tools wants integers


def solve(problem: Problem, time_limit_s: float = 1.0) -> Plan:
    n = len(problem.stops)
    if n == 0 or not problem.vehicles:
        return Plan((), problem.stops)
    manager = pywrapcp.RoutingIndexManager(n + 1, len(problem.vehicles), 0)
    model = pywrapcp.RoutingModel(manager)

    metres = [[round(d * _SCALE) for d in row] for row in problem.km]
    service = math.ceil(problem.service_min)
    minutes = [[(service if a else 0) + math.ceil(problem.minutes(a, b)) for b in range(n + 1)] for a in range(n + 1)]
    distance_cb = model.RegisterTransitMatrix(metres)
    model.SetArcCostEvaluatorOfAllVehicles(distance_cb)

    time_cb = model.RegisterTransitMatrix(minutes)
    horizon = 24 * 60 + 1
    model.AddDimension(time_cb, horizon, horizon, False, "time")
    time = model.GetDimensionOrDie("time")
    for i, stop in enumerate(problem.stops):
        time.CumulVar(manager.NodeToIndex(i + 1)).SetRange(stop.opens, max(stop.opens, stop.closes))
    for v in range(len(problem.vehicles)):
        time.CumulVar(model.Start(v)).SetRange(problem.starts, problem.ends)
        time.CumulVar(model.End(v)).SetRange(problem.starts, problem.ends)
        model.AddVariableMinimizedByFinalizer(time.CumulVar(model.Start(v)))
        model.AddVariableMinimizedByFinalizer(time.CumulVar(model.End(v)))

    grams = [0] + [math.ceil(s.weight_kg * _SCALE) for s in problem.stops]
    weight_cb = model.RegisterUnaryTransitVector(grams)
    model.AddDimensionWithVehicleCapacity(
        weight_cb, 0, [int(v.capacity_kg * _SCALE) for v in problem.vehicles], True, "weight")
    if any(v.max_stops is not None for v in problem.vehicles):
        count_cb = model.RegisterUnaryTransitVector([0] + [1] * n)
        model.AddDimensionWithVehicleCapacity(
            count_cb, 0, [v.max_stops if v.max_stops is not None else n for v in problem.vehicles], True, "stops")

    penalty = 1000 * max(1, max(max(row) for row in metres))
    for i in range(n):
        model.AddDisjunction([manager.NodeToIndex(i + 1)], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = model.SolveWithParameters(params)
    if solution is None:
        return Plan((), problem.stops)

    routes, served = [], set()
    for v, vehicle in enumerate(problem.vehicles):
        order, index = [], model.Start(v)
        index = solution.Value(model.NextVar(index))
        while not model.IsEnd(index):
            order.append(manager.IndexToNode(index) - 1)
            index = solution.Value(model.NextVar(index))
        if order:
            routes.append(time_route(problem, vehicle, order))
            served.update(order)
    return Plan(tuple(routes), tuple(s for i, s in enumerate(problem.stops) if i not in served))
