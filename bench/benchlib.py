"""Shared helpers of the benchmark: the rig lock, the mock's control API,
timed runs under /usr/bin/time and facts about the machine.

Reads the rig's variables (RIG_DIR, RIG_CA, MOCK_CONTROL, ...) from the
environment, where bench/run.sh puts them with `tests/rig/rig.sh env`.
Standard library only.
"""

import contextlib
import fcntl
import json
import os
import platform
import re
import signal
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "build", "bin")
LOCK_TIMEOUT_SECONDS = 1800


def log(message):
    print("bench: " + message, file=sys.stderr, flush=True)


def rig(name):
    """Return a rig variable such as RIG_CA; fail when run.sh did not set it."""
    value = os.environ.get(name)
    if not value:
        sys.exit("bench: %s is not set; run the benchmark through bench/run.sh (make bench)" % name)
    return value


RIG_SCRIPT = os.path.join(REPO, "tests", "rig", "rig.sh")
# True once this process started the rig; stop_rig_if_started stops it then.
started_rig = False
# Seconds spent waiting for the rig lock, which test runs also take.
lock_wait_seconds = 0.0


@contextlib.contextmanager
def rig_lock():
    """Hold the lock that test runs take (tests/run-integration.sh), so that
    no test resets the mock during a measurement, and make sure the rig runs.

    A test run that started the rig stops it before it releases the lock,
    so the rig is checked, and started if needed, only once the lock is held.
    """
    global started_rig
    directory = rig("RIG_DIR")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "run-integration.lock")
    with open(path, "a") as lock_file:
        acquire_lock(lock_file, path)
        try:
            if subprocess.run([RIG_SCRIPT, "status"], stdout=subprocess.DEVNULL, check=False).returncode != 0:
                log("starting the rig")
                subprocess.run([RIG_SCRIPT, "start"], env=dict(os.environ, RIG_LOCK_HELD="1"), check=True)
                started_rig = True
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


class LockTimeout(Exception):
    """Raised by the SIGALRM handler when the rig lock is not free in time."""


def raise_lock_timeout(_signum, _frame):
    raise LockTimeout()


def acquire_lock(lock_file, path):
    """Wait for an exclusive flock on lock_file, at most LOCK_TIMEOUT_SECONDS.

    The wait blocks in flock(2), as flock(1) in the test runner does.
    """
    global lock_wait_seconds
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        log("waiting for the test run that holds %s" % path)
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, raise_lock_timeout)
    signal.alarm(LOCK_TIMEOUT_SECONDS)
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
    except LockTimeout:
        sys.exit("bench: %s is still held after %d s" % (path, LOCK_TIMEOUT_SECONDS))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        lock_wait_seconds += time.monotonic() - started


def stop_rig_if_started():
    """Stop the rig if this process started it."""
    global started_rig
    if not started_rig:
        return
    with rig_lock():
        subprocess.run([RIG_SCRIPT, "stop"], env=dict(os.environ, RIG_LOCK_HELD="1"),
                       stdout=subprocess.DEVNULL, check=False)
        started_rig = False


def mock_call(method, route, body=None):
    """Call the Cloudflare mock's control API and return the decoded JSON."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(rig("MOCK_CONTROL") + "/" + route, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    context = ssl.create_default_context(cafile=rig("RIG_CA"))
    with urllib.request.urlopen(request, timeout=60, context=context) as response:
        return json.load(response)


def mock_prepare(ns2_delay):
    """Clear the mock (records, DNS names, faults, request log) and set the
    delay after which ns2 receives each change."""
    mock_call("POST", "reset")
    mock_call("POST", "config", {"ns2_delay": ns2_delay})


def mock_api_calls():
    """Count the logged provider API requests by method: {"GET": n, ...}."""
    counts = {}
    for entry in mock_call("GET", "requests"):
        counts[entry["method"]] = counts.get(entry["method"], 0) + 1
    return counts


def mock_wait_synced(timeout=60):
    """Wait until the mock has sent every delayed change to ns2, so that a
    run's leftovers cannot reach the DNS during the next run."""
    deadline = time.monotonic() + timeout
    while mock_call("GET", "status")["pending_dns_updates"] != 0:
        if time.monotonic() > deadline:
            sys.exit("bench: the mock still has delayed DNS updates after %d s" % timeout)
        time.sleep(0.2)


class TimedRun:
    """Outcome of one command: wall time in seconds, exit status and the
    peak resident set size in KiB reported by /usr/bin/time -v."""

    def __init__(self, wall, status, max_rss_kib):
        self.wall = wall
        self.status = status
        self.max_rss_kib = max_rss_kib


def timed_run(argv, env, cwd, log_path, timeout):
    """Run argv under /usr/bin/time -v with its output in log_path.

    The command runs in its own session, and on timeout the whole process
    group (certbot and its hooks, lego and its exec calls) is killed.
    GNU time reports the largest peak RSS of any single process in the
    tree that was waited for, not their sum.
    """
    time_path = log_path + ".time"
    with open(log_path, "w") as output:
        started = time.monotonic()
        process = subprocess.Popen(["/usr/bin/time", "-v", "-o", time_path] + argv, env=env, cwd=cwd,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            log("timed out after %d s: %s (log %s)" % (timeout, " ".join(argv), log_path))
            status = "timeout"
        wall = time.monotonic() - started
    return TimedRun(wall, status, read_max_rss(time_path))


def read_max_rss(time_path):
    """Return "Maximum resident set size" in KiB from /usr/bin/time -v output, or None."""
    try:
        with open(time_path) as report:
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def median(values):
    return statistics.median(values) if values else None


def command_output(argv):
    """Return the first line of a command's output, or "" when it fails."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return ""
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if lines else ""


def package_versions(packages):
    """Return {package: Debian version} from dpkg; "not installed" when absent."""
    versions = {}
    for package in packages:
        version = command_output(["dpkg-query", "-W", "-f=${Version}", package])
        versions[package] = version or "not installed"
    return versions


def machine_facts():
    """Describe the machine: cores, CPU model, memory, kernel, Debian release."""
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
                break
    with open("/etc/debian_version") as release:
        debian = release.read().strip()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "debian": debian,
    }
