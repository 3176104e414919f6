"""Starting real `khaacho serve` and `khaacho worker` processes for multi-process tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"server on {port} did not start")


@contextmanager
def khaacho_processes(env: dict[str, str], *, servers: int = 1, workers: int = 1,
                      log_dir: Path | None = None) -> Iterator[list[int]]:
    """Run `servers` webhook servers and `workers` workers; yields the servers' ports."""
    full_env = {**os.environ, **env}
    exe = [sys.executable, "-m", "bot.cli"]
    procs: list[subprocess.Popen] = []
    ports = [free_port() for _ in range(servers)]
    logs = []

    def out(name: str):  # type: ignore[no-untyped-def]
        if log_dir is None:
            return subprocess.DEVNULL
        handle = (log_dir / f"{name}.log").open("w")
        logs.append(handle)
        return handle
    try:
        for i in range(workers):
            procs.append(subprocess.Popen([*exe, "worker"], env=full_env, cwd=ROOT,
                                          stdout=out(f"worker{i}"), stderr=subprocess.STDOUT))
        for port in ports:
            proc = subprocess.Popen([*exe, "serve", "--port", str(port), "--host", "127.0.0.1"], env=full_env,
                                    cwd=ROOT, stdout=out(f"serve{port}"), stderr=subprocess.STDOUT)
            procs.append(proc)
            _wait_for_port(port, proc)
        yield ports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for handle in logs:
            handle.close()
