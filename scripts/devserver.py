"""`make run`: the web server and a Celery worker (with beat inside it), together, stopped together.

Each child runs in a process group of its own, so a Ctrl-C at the terminal reaches this script
only; it then sends SIGTERM to both and gives them up to STOP_TIMEOUT seconds to finish what they
are doing (the worker finishes its task and logs a warm shutdown) before it kills them. If either
child exits on its own, the other is stopped and this script exits non-zero.

Environment: PORT (default 8000) and VAR_DIR (default ./var, next to manage.py).
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 30  # seconds between SIGTERM and SIGKILL
POLL = 0.2


def commands(port: str, var_dir: Path) -> dict[str, list[str]]:
    """The two processes, by name; the worker as in production, but one at a time, with beat inside, and
    consuming both queues (the default one and the captures': referral_tracker/celery.py WORKER_QUEUES)."""
    python = sys.executable
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            *(python, "-m", "celery", "-A", "referral_tracker", "worker"),
            *("--loglevel", "INFO", "--concurrency", "1", "--queues", "celery,capture"),
            *("--beat", "--schedule", str(var_dir / "celerybeat-schedule")),
        ],
    }


class Output:
    """Writes whole lines, each prefixed with the name of the process that wrote it."""

    def __init__(self):
        self.lock = threading.Lock()

    def line(self, name: str, text: str) -> None:
        with self.lock:
            sys.stdout.write(f"{name} | {text}\n")
            sys.stdout.flush()

    def copy(self, name: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.line(name, raw.decode(errors="replace").rstrip("\r\n"))
        stream.close()


def describe(returncode: int) -> str:
    if returncode < 0:
        return f"stopped by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


def main() -> int:
    port = os.environ.get("PORT", "8000")
    var_dir = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    out = Output()

    stop = threading.Event()
    signals_received = []

    def on_signal(signum, frame):
        signals_received.append(signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    children: dict[str, subprocess.Popen] = {}
    readers = []
    for name, command in commands(port, var_dir).items():
        # process_group=0: a group of its own, out of reach of the terminal's Ctrl-C.
        child = subprocess.Popen(  # noqa: S603 - our own fixed commands
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        children[name] = child
        reader = threading.Thread(target=out.copy, args=(name, child.stdout), daemon=True)
        reader.start()
        readers.append(reader)
        out.line("devserver", f"started {name} (pid {child.pid})")

    # Run until a signal arrives or a child exits on its own.
    died = None
    while not stop.is_set() and died is None:
        died = next((name for name, child in children.items() if child.poll() is not None), None)
        stop.wait(POLL)
    if died is not None:
        out.line("devserver", f"{died} {describe(children[died].returncode)} on its own; stopping the rest")
    else:
        out.line(
            "devserver",
            f"stopping web and worker (waiting up to {STOP_TIMEOUT} s; a second Ctrl-C kills them at once)",
        )

    # SIGTERM to each child itself: the worker then stops its own pool and beat in order.
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    signals_before = len(signals_received)
    deadline = time.monotonic() + STOP_TIMEOUT
    killed = False
    while any(child.poll() is None for child in children.values()):
        if time.monotonic() >= deadline or len(signals_received) > signals_before:
            killed = True
            for name, child in children.items():
                if child.poll() is None:
                    out.line("devserver", f"{name} has not stopped: killing it")
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child.pid, signal.SIGKILL)  # the child and anything it started
            for child in children.values():
                child.wait()
            break
        time.sleep(POLL)

    for reader in readers:
        reader.join(timeout=5)
    for name, child in children.items():
        out.line("devserver", f"{name} {describe(child.returncode)}")
    if died is not None:
        return children[died].returncode if children[died].returncode > 0 else 1
    return 1 if killed else 0


if __name__ == "__main__":
    sys.exit(main())
