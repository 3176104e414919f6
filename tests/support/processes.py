"""Starting real `khaacho serve` and `khaacho worker` processes for multi-process tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240.0  # a serve process loads spaCy and the catalogue; on a loaded 2-core machine that is slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, proc: subprocess.Popen, timeout: float = START_TIMEOUT) -> None:
    """Until `GET /health` answers at all (503 too: the app is up, some dependency is not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server on {port} did not start in {timeout:.0f} s")


class Cluster:
    """Serve and worker processes that a test can kill (`kill -9`) and start again one by one."""

    def __init__(self, env: dict[str, str], log_dir: Path | None = None) -> None:
        self.env = {**os.environ, **env}
        self.log_dir = log_dir
        self.servers: dict[int, subprocess.Popen] = {}   # port -> process
        self.workers: list[subprocess.Popen] = []
        self._logs: list[IO[str]] = []

    def _out(self, name: str) -> IO[str] | int:
        if self.log_dir is None:
            return subprocess.DEVNULL
        handle = (self.log_dir / f"{name}.log").open("a")
        self._logs.append(handle)
        return handle

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", *args], env=self.env, cwd=ROOT,
                                stdout=self._out(name), stderr=subprocess.STDOUT)

    def start_worker(self) -> subprocess.Popen:
        proc = self._spawn(["worker"], f"worker{len(self.workers)}")
        self.workers.append(proc)
        return proc

    def start_servers(self, ports: list[int]) -> None:
        """Start a server on each port at once, then wait for all of them."""
        for port in ports:
            self.servers[port] = self._spawn(["serve", "--port", str(port), "--host", "127.0.0.1"], f"serve{port}")
        for port in ports:
            wait_until_serving(port, self.servers[port])

    def kill(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        procs = [*self.workers, *self.servers.values()]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for handle in self._logs:
            handle.close()


@contextmanager
def cluster(env: dict[str, str], log_dir: Path | None = None) -> Iterator[Cluster]:
    running = Cluster(env, log_dir)
    try:
        yield running
    finally:
        running.stop()


@contextmanager
def khaacho_processes(env: dict[str, str], *, servers: int = 1, workers: int = 1,
                      log_dir: Path | None = None) -> Iterator[list[int]]:
    """Run `servers` webhook servers and `workers` workers; yields the servers' ports."""
    with cluster(env, log_dir) as running:
        for _ in range(workers):
            running.start_worker()
        ports = [free_port() for _ in range(servers)]
        running.start_servers(ports)
        yield ports
