"""App servers in child processes: gunicorn as in production (docs/deploy.md), on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import requests

from oko import PROJECT_ROOT

from .databases import free_port

BENCHMARKS_DIR = PROJECT_ROOT / "benchmarks"

#: Longest wait for a server to answer its health check after starting.
START_TIMEOUT_SECONDS = 60
#: How long gunicorn keeps an idle keep-alive connection open, as in docs/deploy.md: longer
#: than any client of it keeps one idle (nginx's upstream ``keepalive_timeout``, 60 s), so it
#: is always the client that closes an idle connection. With gunicorn's default of 2 s, the
#: server closed connections that a busy client was just sending its next request on, and
#: those requests failed (0.4-0.6% of them at 200 students at a time).
KEEP_ALIVE_SECONDS = 75


class Gunicorn:
    """``gunicorn -w WORKERS --threads THREADS APP`` on 127.0.0.1, environment given.

    ``threads`` > 1 runs gunicorn's ``gthread`` workers (keep-alive, a thread per request in
    flight); the app keeps no state in the process, so any worker may serve any request.
    """

    def __init__(
        self,
        app: str,
        env: Mapping[str, str],
        *,
        workers: int = 4,
        threads: int = 4,
        port: int | None = None,
        log: Path | None = None,
        health_path: str = "/healthz",
    ) -> None:
        self.app = app
        self.env = dict(env)
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.log = log
        self.health_path = health_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        command = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--bind", f"127.0.0.1:{self.port}",
            "--backlog", "2048",
            "--keep-alive", str(KEEP_ALIVE_SECONDS),
            "--timeout", "30",
            "--graceful-timeout", "10",
            "--chdir", str(PROJECT_ROOT),
            "--pythonpath", str(BENCHMARKS_DIR),
            self.app,
        ]  # fmt: skip
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        if self.log is None:
            self.process = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        else:
            with open(self.log, "ab") as output:  # the child keeps its own copy
                self.process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
        try:
            self._wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log}"
                )
            try:
                healthy = requests.get(self.url + self.health_path, timeout=2).status_code == 200
                if healthy and len(self.worker_pids()) >= self.workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.url} did not become healthy; see {self.log}")

    def worker_pids(self) -> list[int]:
        """The master's current worker processes (from /proc: no extra dependency)."""
        if self.process is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its live workers (workers that were killed and
        replaced are lost from the sum; used only for the no-fault benchmark)."""
        if self.process is None:
            return 0.0
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the kernel's OOM killer would; the master starts another."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
