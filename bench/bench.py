#!/usr/bin/python3
"""Benchmark dns01-hooks against certbot-dns-cloudflare and lego on the local
rig, and measure the hooks' own overhead. Run through bench/run.sh (make
bench), which installs the tools, builds the hooks, starts the rig and sets
its variables.

Writes results.json and results.md to --output (default build/bench) and
prints the tables. No time limit makes it fail. A client that does not get
its certificate shows as such in the table. The script exits non-zero only
when a measurement cannot be made at all, for example when a hook call
fails during the overhead measurement.
"""

import argparse
import json
import os
import shutil
import sys
import time

import benchlib
import overhead
import peers

# Marks a directory that a benchmark created, so a later run may replace its results.
OUTPUT_MARKER = ".dns01-bench-output"
# Entries that a run writes into its output directory; nothing else there is removed.
OUTPUT_ENTRIES = ("runs", "overhead", "results.md", "results.json")

PACKAGES = ["certbot", "python3-certbot-dns-cloudflare", "python3-cloudflare", "lego", "pebble", "knot",
            "libcurl4", "libssl3", "hyperfine", "valgrind", "time"]


class Workload:
    def __init__(self, key, label, names, ns2_delay, repeats, timeout):
        self.key = key
        self.label = label
        self.names = names
        self.ns2_delay = ns2_delay
        self.repeats = repeats
        self.timeout = timeout


def make_workloads(repeats_single):
    return [
        Workload("single", "1 name, no propagation delay", ["one.example.test"], 0, repeats_single, 180),
        Workload("twenty", "20 names, ns2 serves each change 5 s late",
                 ["n%02d.example.test" % i for i in range(1, 21)], 5, 1, 420),
    ]


def slug(text):
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def run_workload(workload, output):
    """Run every setup `repeats` times, one setup after another in each round,
    and return one summary per setup."""
    setups = peers.setups_for(workload)
    runs = {index: [] for index in range(len(setups))}
    for repeat in range(workload.repeats):
        for index, setup in enumerate(setups):
            benchlib.log("%s: %s (%s), run %d of %d"
                         % (workload.label, setup.tool, setup.setting, repeat + 1, workload.repeats))
            workdir = os.path.join(output, "runs", workload.key,
                                   "%d-%s-%s" % (index, slug(setup.tool), slug(setup.setting))[:90],
                                   str(repeat + 1))
            result = peers.run_setup(setup, workload, workdir, workload.timeout)
            benchlib.log("  %.2f s, API calls %s, peak RSS %s KiB, issued %s"
                         % (result["wall"], result["api_calls"], result["max_rss_kib"], result["issued"]))
            runs[index].append(result)
    return [{"tool": setup.tool, "setting": setup.setting, "runs": runs[index]}
            for index, setup in enumerate(setups)]


def format_calls(counts):
    if not counts:
        return "0"
    total = sum(counts.values())
    parts = "/".join(str(counts.get(method, 0)) for method in ("GET", "POST", "DELETE"))
    return "%d (%s)" % (total, parts)


def workload_table(workload, summaries):
    floor_walls = [run["wall"] for run in summaries[0]["runs"]]
    floor_median = benchlib.median(floor_walls)
    lines = ["| tool | setting | wall (s) | × floor | API calls (GET/POST/DELETE) | peak RSS (MiB) | issued |",
             "|---|---|---|---|---|---|---|"]
    for summary in summaries:
        runs = summary["runs"]
        walls = [run["wall"] for run in runs]
        wall = "%.2f" % benchlib.median(walls)
        if len(walls) > 1:
            wall += " (%.2f–%.2f)" % (min(walls), max(walls))
        ratio = benchlib.median(walls) / floor_median if floor_median else None
        calls = sorted({format_calls(run["api_calls"]) for run in runs})
        rss_values = [run["max_rss_kib"] for run in runs if run["max_rss_kib"] is not None]
        rss = "%.1f" % (max(rss_values) / 1024) if rss_values else "?"
        issued_count = sum(1 for run in runs if run["issued"])
        issued = "yes" if issued_count == len(runs) else "%d of %d" % (issued_count, len(runs))
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            summary["tool"], summary["setting"], wall, "%.2f" % ratio if ratio else "?",
            " or ".join(calls), rss, issued))
    runs_note = ("median of %d runs, min–max in brackets" % workload.repeats if workload.repeats > 1
                 else "one run")
    return "### %s (%s)\n\n%s\n" % (workload.label, runs_note, "\n".join(lines))


def overhead_tables(result):
    lines = ["| variant | wall median (ms) | wall min (ms) | runs over %.1f s | CPU user+sys (ms) | API calls | "
             "peak RSS auth / cleanup (MiB) | instructions auth + cleanup |" % overhead.SLOW_RUN_SECONDS,
             "|---|---|---|---|---|---|---|---|"]
    for entry in result["variants"]:
        wall = entry["wall"]
        rss = entry["max_rss_kib"]
        counts = entry["instructions"]["counts"]
        auth_ir = min(counts["dns01-auth"])
        cleanup_ir = min(counts["dns01-cleanup"])
        lines.append("| %s | %.1f | %.1f | %d of %d | %.1f | %s | %.1f / %.1f | %.1f M + %.1f M = %.1f M |" % (
            entry["label"], wall["median_ms"], wall["min_ms"], wall["slow_runs"], result["hyperfine_runs"],
            wall["cpu_ms"], format_calls(entry["api_calls"]),
            rss["dns01-auth"] / 1024, rss["dns01-cleanup"] / 1024,
            auth_ir / 1e6, cleanup_ir / 1e6, (auth_ir + cleanup_ir) / 1e6))
    text = ["Targets: %d ms wall for auth plus cleanup, %d MiB peak RSS per program. "
            "hyperfine: %d runs after 3 warm-up runs."
            % (result["target_wall_ms"], result["target_rss_mib"], result["hyperfine_runs"]), "",
            "\n".join(lines), ""]

    for entry in result["variants"]:
        counts = entry["instructions"]["counts"]
        if len(counts["dns01-auth"]) > 1:
            text.append("callgrind, %s, %d runs of each program: dns01-auth %s; dns01-cleanup %s instructions."
                        % (entry["label"], len(counts["dns01-auth"]),
                           ", ".join("{:,}".format(n) for n in counts["dns01-auth"]),
                           ", ".join("{:,}".format(n) for n in counts["dns01-cleanup"])))
    startup = result["startup"]
    text.append("")
    text.append("Program start only, `dns01-auth --version` (%d runs, no shell): wall median %.1f ms, min %.1f ms; "
                "peak RSS %.1f MiB; %.1f M instructions (%s)." % (
                    result["hyperfine_runs"] * 5, startup["median_ms"], startup["min_ms"],
                    startup["max_rss_kib"] / 1024, startup["instructions"] / 1e6,
                    object_split(startup["by_object"])))
    floor = result["libcurl_floor"]
    request = floor["request_wall"]
    text.append("")
    text.append("libcurl alone (bench/libcurl-floor.c, peak RSS the smallest of %d runs): a program that only loads "
                "Debian's libcurl and returns peaks at %.1f MiB; one that also initialises libcurl, at %.1f MiB; one "
                "that also makes one HTTPS GET to the mock, at %.1f MiB, taking %.1f ms median (min %.1f ms, "
                "%d runs) and %.1f ms CPU. Auth and cleanup each make at least one request, so two such runs, "
                "%.1f ms median, are the floor of the pair with this libcurl." % (
                    overhead.RSS_REPEATS, floor["load_only_rss_kib"] / 1024, floor["initialised_rss_kib"] / 1024,
                    floor["request_rss_kib"] / 1024, request["median_ms"], request["min_ms"],
                    result["hyperfine_runs"] * 2, request["cpu_ms"], 2 * request["median_ms"]))
    text.append("")
    text.append("dns01-auth instructions by shared object:")
    text.append("")
    for entry in result["variants"]:
        text.append("- %s: %s." % (
            entry["label"], object_split(entry["instructions"]["auth_by_object"])))
    return "\n".join(text) + "\n"


def object_split(split, count=6):
    """Format the largest shares (0.5% and more) of a per-object instruction split."""
    total = sum(split.values())
    top = sorted(split.items(), key=lambda item: item[1], reverse=True)[:count]
    return ", ".join("%s %.0f%%" % (name, 100.0 * cost / total) for name, cost in top if cost * 200 >= total)


def environment_section(facts, versions, hooks_version, load, durations):
    lines = ["Duration: %.0f s, of which %.0f s waiting for the rig lock while test runs held it." % (
        durations["total"], durations["lock_wait"]), "", "Machine: %d cores (nproc), %s, %.1f GiB memory, Linux %s, Debian %s." % (
        facts["nproc"], facts["cpu_model"], facts["memory_gib"], facts["kernel"], facts["debian"]), "",
        "Load average (1 min) at the start and the end of the benchmark: %.2f and %.2f." % (
            load["start"], load["end"]), "",
        "Versions: dns01-hooks %s; %s." % (
            hooks_version, "; ".join("%s %s" % (name, version) for name, version in versions.items()))]
    return "\n".join(lines) + "\n"


def hooks_version():
    """Return the version that `dns01-auth --version` prints, without the program name."""
    line = benchlib.command_output([os.path.join(benchlib.BIN, "dns01-auth"), "--version"])
    return line.split()[-1] if line.split() else line


def prepare_output(path):
    """Create the output directory, or empty an earlier run's results in it.

    A directory that a benchmark did not create is never emptied, and only
    the entries that a run writes are removed. Returns an error message, or
    None when the directory is ready.
    """
    if os.path.lexists(path) and not os.path.isdir(path):
        return "--output %s exists and is not a directory; choose a new directory" % path
    if os.path.isdir(path) and os.listdir(path) and not os.path.exists(os.path.join(path, OUTPUT_MARKER)):
        return ("--output %s is a directory that no benchmark created and it is not empty; "
                "choose a new or empty directory" % path)
    os.makedirs(path, exist_ok=True)
    for entry in OUTPUT_ENTRIES:
        target = os.path.join(path, entry)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        elif os.path.lexists(target):
            os.remove(target)
    with open(os.path.join(path, OUTPUT_MARKER), "w") as marker:
        marker.write("Written by dns01-hooks bench/bench.py; a later benchmark replaces the results here.\n")
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench/run.sh", description=" ".join(__doc__.split("\n\n")[0].split()),
        epilog="A relative --output is taken from the directory where bench/run.sh was started.")
    parser.add_argument("--output", default=os.path.join(benchlib.REPO, "build", "bench"),
                        help="directory for results and run logs (default build/bench); it must be new, "
                             "empty or an earlier benchmark's output, whose results are replaced")
    parser.add_argument("--workload", choices=["single", "twenty", "all", "none"], default="all",
                        help="which peer workload to run (default all)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each setup in the 1-name workload (default 3); the 20-name workload "
                             "runs each setup once")
    parser.add_argument("--skip-overhead", action="store_true", help="do not measure the hooks' overhead")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.output == "":
        parser.error("--output must name a directory")

    started = time.monotonic()
    output = os.path.abspath(os.path.join(os.environ.get("BENCH_CALLER_DIR", os.getcwd()), args.output))
    problem = prepare_output(output)
    if problem is not None:
        parser.error(problem)

    report = {"machine": benchlib.machine_facts(), "versions": benchlib.package_versions(PACKAGES),
              "dns01_hooks": hooks_version(),
              "workloads": [], "load_average": {"start": os.getloadavg()[0]}}
    sections = ["## Peers\n"] if args.workload != "none" else []
    for workload in make_workloads(args.repeats):
        if args.workload not in ("all", workload.key):
            continue
        summaries = run_workload(workload, output)
        report["workloads"].append({"key": workload.key, "label": workload.label, "names": workload.names,
                                    "ns2_delay": workload.ns2_delay, "setups": summaries})
        sections.append(workload_table(workload, summaries))
    if not args.skip_overhead:
        report["overhead"] = overhead.measure(os.path.join(output, "overhead"))
        sections.append("## Hook overhead: one auth plus cleanup, no delay\n")
        sections.append(overhead_tables(report["overhead"]))
    report["load_average"]["end"] = os.getloadavg()[0]
    report["durations"] = {"total": time.monotonic() - started, "lock_wait": benchlib.lock_wait_seconds}
    sections.append("## Environment\n")
    sections.append(environment_section(report["machine"], report["versions"], report["dns01_hooks"],
                                        report["load_average"], report["durations"]))

    with open(os.path.join(output, "results.json"), "w") as out:
        json.dump(report, out, indent=2)
    markdown = "\n".join(sections)
    with open(os.path.join(output, "results.md"), "w") as out:
        out.write(markdown)
    print(markdown)
    benchlib.log("results in %s/results.md and results.json" % output)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        benchlib.stop_rig_if_started()
