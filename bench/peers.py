"""The ACME clients and DNS-01 setups that the benchmark compares, and one
run of each against the rig.

Every setup requests one certificate from pebble for the workload's names,
through the Cloudflare mock (except the floor) and the rig's two knot
servers. A setup is a function that returns the command, its environment
and where the certificate lands.
"""

import os
import shlex
import subprocess

import benchlib
from benchlib import BIN, REPO, rig

# The zone that contains every benchmark name. The floor hook updates it directly.
ZONE = "example.test"
# Names of the rig's nameservers in that zone (tests/rig/zones/example.test.zone).
NAMESERVER_HOSTS = {"ns1.example.test": "RIG_NS1", "ns2.example.test": "RIG_NS2"}


class Setup:
    """One way to get the certificate: a label for the table and a
    function (workdir, names) -> (argv, extra environment, certificate path)."""

    def __init__(self, tool, setting, build):
        self.tool = tool
        self.setting = setting
        self.build = build


def certbot_argv(workdir, names):
    argv = ["/usr/bin/certbot", "certonly", "-n", "--agree-tos", "--register-unsafely-without-email",
            "--server", rig("PEBBLE_DIR_URL"),
            "--config-dir", os.path.join(workdir, "config"), "--work-dir", os.path.join(workdir, "work"),
            "--logs-dir", os.path.join(workdir, "logs")]
    for name in names:
        argv += ["-d", name]
    return argv


def certbot_certificate(workdir, names):
    return os.path.join(workdir, "config", "live", names[0], "cert.pem")


FLOOR_HOOK = os.path.join(REPO, "bench", "floor-hook.sh")


def floor_setup(workdir, names):
    hook = shlex.quote(FLOOR_HOOK)
    argv = certbot_argv(workdir, names) + [
        "--manual", "--preferred-challenges", "dns",
        "--manual-auth-hook", hook + " auth", "--manual-cleanup-hook", hook + " cleanup"]
    env = {"REQUESTS_CA_BUNDLE": rig("RIG_CA"), "BENCH_ZONE": ZONE}
    return argv, env, certbot_certificate(workdir, names)


def hooks_setup(workdir, names):
    """certbot's manual mode with dns01-auth and dns01-cleanup at their defaults."""
    state = os.path.join(workdir, "state")
    os.makedirs(state)
    argv = certbot_argv(workdir, names) + [
        "--manual", "--preferred-challenges", "dns",
        "--manual-auth-hook", shlex.quote(os.path.join(BIN, "dns01-auth")) + " --provider cloudflare",
        "--manual-cleanup-hook", shlex.quote(os.path.join(BIN, "dns01-cleanup")) + " --provider cloudflare"]
    env = {"REQUESTS_CA_BUNDLE": rig("RIG_CA"), "CLOUDFLARE_DNS_API_TOKEN": rig("CF_TEST_TOKEN"),
           "DNS01_STATE_DIR": state}
    return argv, env, certbot_certificate(workdir, names)


def cloudflare_plugin_setup(propagation_seconds):
    """certbot-dns-cloudflare; propagation_seconds None keeps its default (10 s).

    Debian 12's plugin (2.0.0) uses python3-cloudflare 2.11.1, which takes
    its base URL from CLOUDFLARE_API_URL, so it reaches the mock without a
    network namespace. HOME and the working directory are the run's own
    directory, so no ~/.cloudflare.cfg or ./.cloudflare.cfg of the machine
    is read.
    """
    def build(workdir, names):
        credentials = os.path.join(workdir, "cloudflare.ini")
        with open(os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as ini:
            ini.write("dns_cloudflare_api_token = %s\n" % rig("CF_TEST_TOKEN"))
        argv = certbot_argv(workdir, names) + [
            "--authenticator", "dns-cloudflare", "--dns-cloudflare-credentials", credentials]
        if propagation_seconds is not None:
            argv += ["--dns-cloudflare-propagation-seconds", str(propagation_seconds)]
        env = {"REQUESTS_CA_BUNDLE": rig("RIG_CA"), "CLOUDFLARE_API_URL": rig("CLOUDFLARE_BASE_URL")}
        return argv, env, certbot_certificate(workdir, names)
    return build


def lego_in_namespace(workdir, names, dns_options):
    """Return the command that runs lego for names in a mount namespace of
    its own.

    lego's propagation check looks up the zone's NS names with the system
    resolver. In the namespace (unshare --mount), /etc/hosts maps
    ns1/ns2.example.test to the rig's addresses and /etc/resolv.conf names
    ns1, so every lookup stays on loopback, and the machine's own files are
    not touched. A network namespace would not do: the rig's servers listen
    on the loopback of this one.
    """
    hosts = os.path.join(workdir, "hosts")
    with open(hosts, "w") as hosts_file:
        hosts_file.write("127.0.0.1 localhost\n")
        for host, variable in NAMESERVER_HOSTS.items():
            hosts_file.write("%s %s\n" % (rig(variable), host))
    resolv_conf = os.path.join(workdir, "resolv.conf")
    with open(resolv_conf, "w") as resolv_file:
        resolv_file.write("nameserver %s\noptions timeout:1 attempts:1\n" % rig("RIG_NS1"))

    lego = ["/usr/bin/lego", "--accept-tos", "--email", "hostmaster@example.test",
            "--server", rig("PEBBLE_DIR_URL"), "--path", os.path.join(workdir, "lego"),
            "--dns", "exec", "--dns.resolvers", rig("RIG_NS1") + ":53"] + dns_options
    for name in names:
        lego += ["--domains", name]
    lego.append("run")
    return ["unshare", "--mount", "sh", "-c",
            'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"',
            "lego-namespace", hosts, resolv_conf] + lego


def lego_certificate(workdir, names):
    return os.path.join(workdir, "lego", "certificates", names[0] + ".crt")


def lego_floor_setup(workdir, names):
    """lego's exec provider calling the floor hook, with lego's propagation
    check off (--dns.disable-cp). lego still sleeps one polling interval
    (EXEC_POLLING_INTERVAL, 2 s) before it responds to the challenge."""
    argv = lego_in_namespace(workdir, names, ["--dns.disable-cp"])
    env = {"LEGO_CA_CERTIFICATES": rig("RIG_CA"), "EXEC_PATH": FLOOR_HOOK, "BENCH_ZONE": ZONE}
    return argv, env, lego_certificate(workdir, names)


def lego_setup(hook_waits, sequence_interval=None):
    """lego's exec provider calling dns01-auth, with lego's own propagation
    check on (its default).

    EXEC_MODE=RAW: lego passes `present -- DOMAIN TOKEN KEY_AUTH`, and the
    hook computes the TXT value. In the default mode lego passes the value
    without `--`, and a value that starts with "-" (1 in 64) is then read as
    an option.

    hook_waits False sets CERTBOT_REMAINING_CHALLENGES=1, which makes
    dns01-auth return right after creating the record, as for a certbot
    challenge that is not the last one, so that lego's checker does all the
    waiting.
    """
    def build(workdir, names):
        state = os.path.join(workdir, "state")
        os.makedirs(state)
        argv = lego_in_namespace(workdir, names, [])
        env = {"LEGO_CA_CERTIFICATES": rig("RIG_CA"), "EXEC_PATH": os.path.join(BIN, "dns01-auth"),
               "EXEC_MODE": "RAW", "DNS01_PROVIDER": "cloudflare",
               "CLOUDFLARE_DNS_API_TOKEN": rig("CF_TEST_TOKEN"), "DNS01_STATE_DIR": state}
        if sequence_interval is not None:
            env["EXEC_SEQUENCE_INTERVAL"] = str(sequence_interval)
        if not hook_waits:
            env["CERTBOT_REMAINING_CHALLENGES"] = "1"
        return argv, env, lego_certificate(workdir, names)
    return build


FLOOR = "floor"


def setups_for(workload):
    """Return the setups of a workload, the floor first."""
    setups = [
        Setup(FLOOR, "certbot, knsupdate hook, no wait, no API", floor_setup),
        Setup("dns01-hooks", "certbot --manual, defaults", hooks_setup),
        Setup("certbot-dns-cloudflare", "default: sleeps 10 s", cloudflare_plugin_setup(None)),
    ]
    if workload.ns2_delay == 0:
        setups += [
            Setup("certbot-dns-cloudflare", "--dns-cloudflare-propagation-seconds 0", cloudflare_plugin_setup(0)),
            Setup("lego floor", "lego, exec calls the knsupdate hook, --dns.disable-cp", lego_floor_setup),
            Setup("lego + exec", "defaults; dns01-auth waits, then lego checks", lego_setup(hook_waits=True)),
            Setup("lego + exec", "defaults; lego's checker waits alone", lego_setup(hook_waits=False)),
        ]
    else:
        covering = int(workload.ns2_delay) + 1
        setups += [
            Setup("certbot-dns-cloudflare", "--dns-cloudflare-propagation-seconds %d" % covering,
                  cloudflare_plugin_setup(covering)),
            Setup("lego + exec", "EXEC_SEQUENCE_INTERVAL=1 (default 60); lego's checker waits alone",
                  lego_setup(hook_waits=False, sequence_interval=1)),
        ]
    return setups


def certificate_covers(path, names):
    """Return True when the certificate at path exists and lists exactly these names."""
    if not os.path.exists(path):
        return False
    result = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-ext", "subjectAltName"],
                            capture_output=True, text=True, check=False)
    listed = {item.strip()[4:] for item in result.stdout.replace("\n", ",").split(",")
              if item.strip().startswith("DNS:")}
    return listed == set(names)


def run_setup(setup, workload, workdir, timeout):
    """Run one setup once on the workload while holding the rig lock, and
    return a dict with the wall time, API calls, peak RSS and issuance."""
    os.makedirs(workdir)
    argv, extra_env, certificate = setup.build(workdir, workload.names)
    env = dict(os.environ, HOME=workdir, **extra_env)
    with benchlib.rig_lock():
        benchlib.mock_prepare(workload.ns2_delay)
        outcome = benchlib.timed_run(argv, env, workdir, os.path.join(workdir, "output.log"), timeout)
        api_calls = benchlib.mock_api_calls()
        benchlib.mock_wait_synced()
    issued = outcome.status == 0 and certificate_covers(certificate, workload.names)
    if not issued:
        benchlib.log("%s (%s) did not issue the certificate: exit status %s; see %s/output.log"
                     % (setup.tool, setup.setting, outcome.status, workdir))
    return {"wall": outcome.wall, "status": outcome.status, "max_rss_kib": outcome.max_rss_kib,
            "api_calls": api_calls, "issued": issued}
