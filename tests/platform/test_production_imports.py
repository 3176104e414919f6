"""What serves traffic never loads the fixture runner: `testing` is for tests and `khaacho replay` only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
import bot.app, bot.worker, bot.cli
from bot.cli import build_parser
build_parser()
print(sorted(m for m in sys.modules if m == "testing" or m.startswith("testing.")))
"""


def test_the_app_the_worker_and_the_cli_load_no_testing_module() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
