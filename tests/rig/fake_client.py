#!/usr/bin/python3
"""Stand-in for an ACME client process: runs the hooks the way certbot does.

One process runs a whole list of steps, so the hooks see one live "run" (their
nearest non-shell ancestor) from the first auth to the last cleanup, and the
run ends when this process exits. Each hook runs through `sh -c`, with the
CERTBOT_* variables certbot sets; cleanup gets the auth step's output in
CERTBOT_AUTH_OUTPUT.

Usage: fake_client.py STEPS_JSON RESULT_JSON
  STEPS_JSON   a list of steps:
    {"hook": "auth"|"cleanup", "domain": D, "value": V, "remaining": N,
     "command": "...hook command line...", "env": {NAME: VALUE}}
    {"wait_file": PATH}   wait (at most 120 s) until PATH exists
    {"touch": PATH}       create PATH
  RESULT_JSON  written at the end: a list of {"hook", "value", "status",
               "stdout", "stderr"} for the hook steps.
"""

import json
import os
import subprocess
import sys
import time


def main():
    steps = json.loads(sys.argv[1])
    results = []
    outputs = {}
    for step in steps:
        if "wait_file" in step:
            deadline = time.monotonic() + 120
            while not os.path.exists(step["wait_file"]):
                if time.monotonic() > deadline:
                    sys.exit("fake_client: timed out waiting for %s" % step["wait_file"])
                time.sleep(0.05)
            continue
        if "touch" in step:
            open(step["touch"], "w").close()
            continue
        env = dict(os.environ)
        env.update(step.get("env", {}))
        env["CERTBOT_DOMAIN"] = step["domain"]
        env["CERTBOT_VALIDATION"] = step["value"]
        env["CERTBOT_REMAINING_CHALLENGES"] = str(step.get("remaining", 0))
        if step["hook"] == "cleanup":
            env["CERTBOT_AUTH_OUTPUT"] = outputs.get(step["value"], "")
        proc = subprocess.run(["sh", "-c", step["command"]], env=env, capture_output=True, text=True,
                              timeout=600)
        if step["hook"] == "auth":
            outputs[step["value"]] = proc.stdout.strip()
        sys.stderr.write(proc.stderr)
        results.append({"hook": step["hook"], "value": step["value"], "status": proc.returncode,
                        "stdout": proc.stdout, "stderr": proc.stderr})
    with open(sys.argv[2], "w") as out:
        json.dump(results, out)


if __name__ == "__main__":
    main()
