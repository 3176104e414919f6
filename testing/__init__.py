"""The conversation-fixture runner and what tests share with it: replay, checks, database reset.

Only tests, `bench/` and the `khaacho replay` command (lazily) import this package; the entry points
that serve traffic (`khaacho serve`, `worker`, `run`, bot.app, bot.worker) never do, and a test
keeps it so (tests/platform/test_production_imports.py).
"""
