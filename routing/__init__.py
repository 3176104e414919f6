"""Route planning that needs installed packages: the OR-Tools solver, OSRM distances, the SVG picture.

Pure and database-free like domain/ (which holds the problem, the baselines and the checks), so it is
tested without PostgreSQL; services/delivery.py feeds it from the repositories.
"""
