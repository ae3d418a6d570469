"""The hooks' own cost: one challenge's dns01-auth plus dns01-cleanup against
the Cloudflare mock on loopback, with no propagation delay.

Measures wall time (hyperfine, median and minimum), CPU time, peak RSS
(/usr/bin/time -v) and instructions (valgrind --tool=callgrind, which counts
the same number on every run of the same work).
"""

import json
import os
import shlex
import shutil
import subprocess

import benchlib
from benchlib import BIN, REPO, rig

DOMAIN = "overhead.example.test"
# Any 43-character base64url string serves as the TXT value.
VALIDATION = "bench-overhead-0123456789abcdefghijklmnopqr"
SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
SYSTEM_CA_DIR = "/etc/ssl/certs"
# Runs slower than this waited for knotd (see BENCHMARKS.md); they are counted.
SLOW_RUN_SECONDS = 0.5
TARGET_WALL_MS = 25
TARGET_RSS_MIB = 8
HYPERFINE_RUNS = 20
CALLGRIND_REPEATS = 3
RSS_REPEATS = 5


def hook_argv(program):
    return [os.path.join(BIN, program), "--provider", "cloudflare", "--domain", DOMAIN,
            "--validation", VALIDATION, "-q"]


class Variant:
    """One configuration of the hook pair: the state directory is emptied
    before each run (cold: the zone is looked up through the API) or kept
    (warm: the zone comes from the state directory's cache), and the CA
    certificates to load."""

    def __init__(self, key, label, cold, ca_bundle):
        self.key = key
        self.label = label
        self.cold = cold
        self.ca_bundle = ca_bundle


def make_system_ca_dir(workdir):
    """Build a hashed CA directory like /etc/ssl/certs (links to the system's
    certificates, `openssl rehash`) with the rig CA added, so that a hook
    reads it as it reads /etc/ssl/certs when DNS01_CA_BUNDLE is not set."""
    directory = os.path.join(workdir, "system-and-rig-ca.d")
    os.makedirs(directory)
    for name in sorted(os.listdir(SYSTEM_CA_DIR)):
        if name.endswith(".pem"):
            os.symlink(os.path.join(SYSTEM_CA_DIR, name), os.path.join(directory, name))
    shutil.copyfile(rig("RIG_CA"), os.path.join(directory, "rig-ca.pem"))
    subprocess.run(["openssl", "rehash", directory], check=True, timeout=60)
    return directory


def make_variants(workdir):
    """Build the variants; call it with the rig running, because starting the
    rig makes a new rig CA."""
    # The system bundle plus the rig CA, one file: what a hook loads when
    # DNS01_CA_BUNDLE names the system bundle, and what dns01-hooks 0.1.0
    # loaded by default through libcurl's built-in bundle.
    combined = os.path.join(workdir, "system-and-rig-ca.pem")
    with open(combined, "wb") as out:
        for path in (SYSTEM_CA_BUNDLE, rig("RIG_CA")):
            with open(path, "rb") as part:
                out.write(part.read())
    return [
        Variant("cold", "cold: zone looked up, rig CA only", True, rig("RIG_CA")),
        Variant("warm", "warm: zone cached, rig CA only", False, rig("RIG_CA")),
        Variant("warm_system_ca_dir", "warm: zone cached, system CA directory + rig CA", False,
                make_system_ca_dir(workdir)),
        Variant("warm_system_ca_file", "warm: zone cached, system CA bundle file + rig CA", False, combined),
    ]


def variant_env(variant, state):
    return dict(os.environ, CLOUDFLARE_DNS_API_TOKEN=rig("CF_TEST_TOKEN"), DNS01_STATE_DIR=state,
                DNS01_CA_BUNDLE=variant.ca_bundle)


def run_pair_once(env):
    for program in ("dns01-auth", "dns01-cleanup"):
        subprocess.run(hook_argv(program), env=env, stdout=subprocess.DEVNULL, check=True, timeout=60)


def measure_api_calls(variant, state):
    """Count the API requests of one auth plus cleanup."""
    if variant.cold:
        shutil.rmtree(state, ignore_errors=True)
    else:
        run_pair_once(variant_env(variant, state))  # fills the zone cache
    benchlib.mock_prepare(0)
    run_pair_once(variant_env(variant, state))
    return benchlib.mock_api_calls()


def measure_wall(variant, state, workdir):
    """Time auth plus cleanup with hyperfine; hyperfine subtracts the time
    that its shell needs to start."""
    export = os.path.join(workdir, "hyperfine-%s.json" % variant.key)
    pair = " && ".join(" ".join(shlex.quote(arg) for arg in hook_argv(program))
                       for program in ("dns01-auth", "dns01-cleanup"))
    argv = ["hyperfine", "--style", "basic", "--warmup", "3", "--runs", str(HYPERFINE_RUNS),
            "--export-json", export, "--command-name", variant.key]
    if variant.cold:
        argv += ["--prepare", "rm -rf " + shlex.quote(state)]
    argv.append(pair + " >/dev/null")
    with open(os.path.join(workdir, "hyperfine-%s.log" % variant.key), "w") as output:
        subprocess.run(argv, env=variant_env(variant, state), stdout=output, stderr=subprocess.STDOUT,
                       check=True, timeout=600)
    with open(export) as data:
        result = json.load(data)["results"][0]
    return {"median_ms": result["median"] * 1000, "min_ms": result["min"] * 1000,
            "cpu_ms": (result["user"] + result["system"]) * 1000,
            "slow_runs": sum(1 for seconds in result["times"] if seconds > SLOW_RUN_SECONDS)}


def measure_rss(variant, state, workdir):
    """Peak RSS in KiB of each program, from /usr/bin/time -v."""
    peaks = {}
    for program in ("dns01-auth", "dns01-cleanup"):
        if variant.cold and program == "dns01-auth":
            shutil.rmtree(state, ignore_errors=True)
        log_path = os.path.join(workdir, "rss-%s-%s.log" % (variant.key, program))
        outcome = benchlib.timed_run(hook_argv(program), variant_env(variant, state), workdir, log_path, 60)
        if outcome.status != 0:
            raise RuntimeError("%s failed with exit status %s; see %s" % (program, outcome.status, log_path))
        peaks[program] = outcome.max_rss_kib
    return peaks


def callgrind_total(out_path):
    """Return the total instruction count (Ir) of a callgrind output file."""
    with open(out_path) as profile:
        for line in profile:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + out_path)


def callgrind_by_object(out_path):
    """Sum the self cost (Ir) of a callgrind output file per shared object.

    Object names are compressed: "(n) name" defines n, in an ob= or a cob=
    line, and "(n)" refers to it later. A cost line after calls= is the
    inclusive cost of that call and is skipped; every other cost line
    belongs to the current ob=.
    """
    names = {}
    current = "?"
    totals = {}
    skip_next = False

    def resolve(value):
        if not value.startswith("("):
            return value
        key, _, name = value.partition(")")
        name = name.strip()
        if name:
            names[key] = name
        return names.get(key, value)

    with open(out_path) as profile:
        for line in profile:
            if line.startswith("ob="):
                current = resolve(line[3:].strip())
            elif line.startswith("cob="):
                resolve(line[4:].strip())
            elif line.startswith("calls="):
                skip_next = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                fields = line.split()
                if len(fields) >= 2:
                    totals[current] = totals.get(current, 0) + int(fields[1])
    return {os.path.basename(name): cost for name, cost in totals.items()}


def measure_instructions(variant, state, workdir, repeats):
    """Run each program under callgrind `repeats` times; return the counts
    and the per-object split of the first auth."""
    counts = {"dns01-auth": [], "dns01-cleanup": []}
    split = None
    for repeat in range(repeats):
        for program in ("dns01-auth", "dns01-cleanup"):
            if variant.cold and program == "dns01-auth":
                shutil.rmtree(state, ignore_errors=True)
            out_path = os.path.join(workdir, "callgrind-%s-%s-%d.out" % (variant.key, program, repeat))
            argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_path] + hook_argv(program)
            with open(out_path + ".log", "w") as output:
                subprocess.run(argv, env=variant_env(variant, state), stdout=output, stderr=subprocess.STDOUT,
                               check=True, timeout=300)
            counts[program].append(callgrind_total(out_path))
            if split is None and program == "dns01-auth":
                split = callgrind_by_object(out_path)
    return {"counts": counts, "auth_by_object": split}


def hyperfine_no_shell(argv, prefix, runs, env=None):
    """Time argv with hyperfine, without a shell; return median, minimum and
    mean CPU (user plus system) in ms."""
    export = prefix + ".json"
    with open(prefix + ".log", "w") as output:
        subprocess.run(["hyperfine", "--style", "basic", "--shell=none", "--warmup", "3",
                        "--runs", str(runs), "--export-json", export, shlex.join(argv)],
                       env=env, stdout=output, stderr=subprocess.STDOUT, check=True, timeout=300)
    with open(export) as data:
        result = json.load(data)["results"][0]
    return {"median_ms": result["median"] * 1000, "min_ms": result["min"] * 1000,
            "cpu_ms": (result["user"] + result["system"]) * 1000}


def measure_startup(workdir):
    """Measure `dns01-auth --version`: loading the program and its shared
    libraries, the part of every hook call that does no work."""
    argv = [os.path.join(BIN, "dns01-auth"), "--version"]
    timing = hyperfine_no_shell(argv, os.path.join(workdir, "hyperfine-startup"), HYPERFINE_RUNS * 5)
    outcome = benchlib.timed_run(argv, dict(os.environ), workdir, os.path.join(workdir, "rss-startup.log"), 60)
    out_path = os.path.join(workdir, "callgrind-startup.out")
    with open(out_path + ".log", "w") as output:
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_path] + argv,
                       stdout=output, stderr=subprocess.STDOUT, check=True, timeout=300)
    return {"median_ms": timing["median_ms"], "min_ms": timing["min_ms"],
            "max_rss_kib": outcome.max_rss_kib, "instructions": callgrind_total(out_path),
            "by_object": callgrind_by_object(out_path)}


def measure_libcurl_floor(workdir):
    """Measure bench/libcurl-floor.c: a program that only loads Debian's
    libcurl, one that also initialises it, and one that also makes one
    authenticated HTTPS GET to the mock. Peak RSS is the smallest of
    RSS_REPEATS runs; the request is timed like the program start."""
    binary = os.path.join(workdir, "libcurl-floor")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libcurl"], capture_output=True, text=True,
                           check=True, timeout=60).stdout.split()
    # Linked as the Makefile links the hooks (PIE, full RELRO), so that both
    # pay for the same relocations at start.
    subprocess.run(["cc", "-O2", "-fPIE", "-pie", "-Wl,-z,relro,-z,now", "-o", binary,
                    os.path.join(REPO, "bench", "libcurl-floor.c")] + flags, check=True, timeout=120)
    env = dict(os.environ, LIBCURL_FLOOR_TOKEN=rig("CF_TEST_TOKEN"))
    request = [binary, rig("CLOUDFLARE_BASE_URL") + "/user/tokens/verify", rig("RIG_CA")]
    result = {}
    for key, argv in (("load_only", [binary, "--load-only"]), ("initialised", [binary]), ("request", request)):
        peaks = []
        for repeat in range(RSS_REPEATS):
            log_path = os.path.join(workdir, "rss-libcurl-floor-%s-%d.log" % (key, repeat))
            outcome = benchlib.timed_run(argv, env, workdir, log_path, 60)
            if outcome.status != 0:
                raise RuntimeError("libcurl-floor failed with exit status %s; see %s" % (outcome.status, log_path))
            peaks.append(outcome.max_rss_kib)
        result[key + "_rss_kib"] = min(peaks)
    result["request_wall"] = hyperfine_no_shell(request, os.path.join(workdir, "hyperfine-libcurl-floor"),
                                                HYPERFINE_RUNS * 2, env)
    return result


def measure(workdir):
    """Measure every variant while holding the rig lock; return a dict for the report."""
    os.makedirs(workdir)
    results = []
    with benchlib.rig_lock():
        variants = make_variants(workdir)
        benchlib.mock_prepare(0)
        for variant in variants:
            benchlib.log("hook overhead: %s" % variant.label)
            state = os.path.join(workdir, "state-" + variant.key)
            run_pair_once(variant_env(variant, state))  # creates the state directory, fills the cache
            entry = {"key": variant.key, "label": variant.label}
            entry["api_calls"] = measure_api_calls(variant, state)
            entry["wall"] = measure_wall(variant, state, workdir)
            entry["max_rss_kib"] = measure_rss(variant, state, workdir)
            repeats = CALLGRIND_REPEATS if variant.key == "cold" else 1
            entry["instructions"] = measure_instructions(variant, state, workdir, repeats)
            results.append(entry)
        libcurl_floor = measure_libcurl_floor(workdir)
        benchlib.mock_prepare(0)
    return {"target_wall_ms": TARGET_WALL_MS, "target_rss_mib": TARGET_RSS_MIB,
            "hyperfine_runs": HYPERFINE_RUNS, "variants": results, "startup": measure_startup(workdir),
            "libcurl_floor": libcurl_floor}
