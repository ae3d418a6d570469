#!/usr/bin/python3
"""Programmable authoritative DNS server for the fault tests.

Listens on UDP and TCP port 53 of one loopback address (the rig uses
127.0.53.3) and, when asked, of ::1. Each query is forwarded over TCP to an
upstream authoritative server (the rig's ns1) and its response is sent back
unchanged, unless a rule sets another action. The zones served this way stay in
step with ns1, which the Cloudflare mock updates at once.

Control API over plain HTTP on loopback (JSON bodies):
  POST /reset    remove every rule, clear the query log, close the ::1 sockets
  POST /rule     add a rule object or a list of them
  GET  /rules    the rules with their remaining counts
  POST /ipv6     {"listen": true|false}: open or close [::1]:53 (UDP and TCP)
  GET  /queries  every query: transport, family, qname, qtype, action

A rule:
  {"action": "servfail", "qname": "REGEX", "qtype": "TXT", "transport": "udp",
   "family": "6", "count": 1, "after": 0}

action     what the server does with a matching query:
             pass      the upstream response
             servfail  rcode SERVFAIL, no records
             refused   rcode REFUSED, no records
             nxdomain  authoritative NXDOMAIN, no records
             drop      no response at all
             truncate  over UDP the TC bit and no records, so the client
                       retries over TCP; over TCP the upstream response
             stale     authoritative NOERROR without answer records, like a
                       server that never received the latest zone update
             lame      NOERROR without the AA bit and no records, like a
                       server that is named in the delegation but does not
                       serve the zone
qname      regular expression searched (case-insensitive) in the query name,
           written without the final dot; default: every name
qtype      type mnemonic (TXT, NS, A, AAAA, SOA, CNAME) or "*" (default)
transport  "udp", "tcp" or "*" (default)
family     "4", "6" or "*" (default)
count      how many matching queries the rule applies to (default -1: all)
after      how many matching queries pass untouched first (default 0)

The first rule whose filters match and whose count is not used up applies;
without one the action is pass. Standard library only, run with Debian's
/usr/bin/python3 by tests/rig/rig.sh.
"""

import argparse
import http.server
import json
import logging
import re
import signal
import socket
import socketserver
import struct
import sys
import threading

LOG = logging.getLogger("dns-fault-server")

ACTIONS = ("pass", "servfail", "refused", "nxdomain", "drop", "truncate", "stale", "lame")
QTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "TXT": 16, "AAAA": 28}
QTYPE_NAMES = {value: name for name, value in QTYPES.items()}
RCODE_NOERROR, RCODE_SERVFAIL, RCODE_NXDOMAIN, RCODE_REFUSED = 0, 2, 3, 5
# Responses to queries without EDNS must fit the classic UDP limit (RFC 1035 section 4.2.1).
UDP_CLASSIC_MAX = 512
UPSTREAM_TIMEOUT_SECONDS = 3
MAX_LOGGED_QUERIES = 10000
MAX_CONTROL_BODY_BYTES = 1 << 20


class RuleError(ValueError):
    """A rule posted to the control API is invalid."""


class Question:
    """The parts of a DNS query that the rules look at."""

    def __init__(self, message):
        if len(message) < 12:
            raise ValueError("message shorter than a DNS header")
        self.id, self.flags, qdcount, _, _, arcount = struct.unpack("!6H", message[:12])
        if qdcount != 1:
            raise ValueError("expected one question, got %d" % qdcount)
        labels = []
        offset = 12
        while True:
            if offset >= len(message):
                raise ValueError("question name runs past the message")
            length = message[offset]
            offset += 1
            if length == 0:
                break
            if length > 63:
                raise ValueError("compressed or invalid label in the question")
            labels.append(message[offset:offset + length].decode("ascii", "replace"))
            offset += length
        if offset + 4 > len(message):
            raise ValueError("question type and class run past the message")
        self.qtype, self.qclass = struct.unpack("!2H", message[offset:offset + 4])
        self.section = message[12:offset + 4]
        self.name = ".".join(labels)
        self.has_edns = arcount > 0

    def describe_type(self):
        return QTYPE_NAMES.get(self.qtype, str(self.qtype))


def build_response(question, rcode, authoritative, truncated=False):
    """A response with the question copied and no records."""
    flags = 0x8000 | (question.flags & 0x7900)  # QR, opcode and RD of the query
    if authoritative:
        flags |= 0x0400
    if truncated:
        flags |= 0x0200
    flags |= rcode
    return struct.pack("!6H", question.id, flags, 1, 0, 0, 0) + question.section


class Rule:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise RuleError("a rule must be a JSON object, got %r" % (spec,))
        unknown = set(spec) - {"action", "qname", "qtype", "transport", "family", "count", "after"}
        if unknown:
            raise RuleError("unknown rule fields: %s" % ", ".join(sorted(unknown)))
        self.action = spec.get("action")
        if self.action not in ACTIONS:
            raise RuleError("action must be one of %s, got %r" % (", ".join(ACTIONS), self.action))
        self.qname_pattern = spec.get("qname", "")
        try:
            self.qname_regex = re.compile(self.qname_pattern, re.IGNORECASE)
        except (re.error, TypeError) as error:
            raise RuleError("invalid qname regex %r: %s" % (self.qname_pattern, error)) from error
        self.qtype = str(spec.get("qtype", "*")).upper()
        if self.qtype != "*" and self.qtype not in QTYPES:
            raise RuleError("qtype must be * or one of %s" % ", ".join(QTYPES))
        self.transport = spec.get("transport", "*")
        if self.transport not in ("udp", "tcp", "*"):
            raise RuleError("transport must be udp, tcp or *")
        self.family = str(spec.get("family", "*"))
        if self.family not in ("4", "6", "*"):
            raise RuleError("family must be 4, 6 or *")
        self.remaining = self._integer(spec, "count", -1, -1)
        if self.remaining == 0:
            raise RuleError("count must be -1 (every query) or at least 1")
        self.skip = self._integer(spec, "after", 0, 0)
        self.applied = 0

    @staticmethod
    def _integer(spec, key, default, minimum):
        value = spec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= 10**9:
            raise RuleError("%s must be an integer from %d to 1000000000, got %r"
                            % (key, minimum, value))
        return value

    def matches(self, question, transport, family):
        return ((self.qtype == "*" or QTYPES[self.qtype] == question.qtype)
                and self.transport in ("*", transport)
                and self.family in ("*", family)
                and self.qname_regex.search(question.name) is not None)

    def describe(self):
        return {"action": self.action, "qname": self.qname_pattern, "qtype": self.qtype,
                "transport": self.transport, "family": self.family,
                "remaining": self.remaining, "after": self.skip, "applied": self.applied}


class FaultState:
    """Rules and the query log, shared by every server thread."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.rules = []
        self.queries = []
        self.ipv6_servers = []

    def choose_action(self, question, transport, family):
        with self.lock:
            for rule in self.rules:
                if rule.remaining == 0 or not rule.matches(question, transport, family):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                if rule.remaining > 0:
                    rule.remaining -= 1
                rule.applied += 1
                return rule.action
        return "pass"

    def log_query(self, entry):
        with self.lock:
            self.queries.append(entry)
            del self.queries[:-MAX_LOGGED_QUERIES]

    def ask_upstream(self, message):
        """Send the query to the upstream server over TCP; return its response or None."""
        try:
            with socket.create_connection(self.upstream, timeout=UPSTREAM_TIMEOUT_SECONDS) as conn:
                conn.sendall(struct.pack("!H", len(message)) + message)
                length = struct.unpack("!H", read_exactly(conn, 2))[0]
                return read_exactly(conn, length)
        except (OSError, struct.error, EOFError) as error:
            LOG.warning("upstream %s:%d failed: %s", self.upstream[0], self.upstream[1], error)
            return None

    def answer(self, message, transport, family):
        """Return the response bytes for one query, or None to stay silent."""
        try:
            question = Question(message)
        except ValueError as error:
            LOG.warning("ignoring a malformed query over %s: %s", transport, error)
            return None
        action = self.choose_action(question, transport, family)
        self.log_query({"transport": transport, "family": family, "qname": question.name,
                        "qtype": question.describe_type(), "action": action})
        if action == "drop":
            return None
        if action == "servfail":
            return build_response(question, RCODE_SERVFAIL, authoritative=False)
        if action == "refused":
            return build_response(question, RCODE_REFUSED, authoritative=False)
        if action == "nxdomain":
            return build_response(question, RCODE_NXDOMAIN, authoritative=True)
        if action == "stale":
            return build_response(question, RCODE_NOERROR, authoritative=True)
        if action == "lame":
            return build_response(question, RCODE_NOERROR, authoritative=False)
        if action == "truncate" and transport == "udp":
            return build_response(question, RCODE_NOERROR, authoritative=True, truncated=True)
        response = self.ask_upstream(message)
        if response is None:
            return build_response(question, RCODE_SERVFAIL, authoritative=False)
        if transport == "udp" and not question.has_edns and len(response) > UDP_CLASSIC_MAX:
            return build_response(question, RCODE_NOERROR, authoritative=True, truncated=True)
        return response


def read_exactly(conn, length):
    data = bytearray()
    while len(data) < length:
        chunk = conn.recv(length - len(data))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(data), length))
        data.extend(chunk)
    return bytes(data)


def family_of(server):
    return "6" if server.address_family == socket.AF_INET6 else "4"


class UdpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        message, sock = self.request
        response = self.server.state.answer(message, "udp", family_of(self.server))
        if response is not None:
            sock.sendto(response, self.client_address)


class TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(10)
        try:
            while True:
                try:
                    length = struct.unpack("!H", read_exactly(self.request, 2))[0]
                except EOFError:
                    return
                message = read_exactly(self.request, length)
                response = self.server.state.answer(message, "tcp", family_of(self.server))
                if response is None:
                    return
                self.request.sendall(struct.pack("!H", len(response)) + response)
        except (OSError, EOFError, struct.error):
            return


class UdpServer(socketserver.ThreadingUDPServer):
    daemon_threads = True
    # Without SO_REUSEADDR a second server on the same UDP port fails to bind
    # instead of sharing the port.
    allow_reuse_address = False


class TcpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class UdpServer6(UdpServer):
    address_family = socket.AF_INET6


class TcpServer6(TcpServer):
    address_family = socket.AF_INET6


def start_dns_servers(state, host, port, classes):
    servers = []
    for server_class, handler in classes:
        server = server_class((host, port), handler)
        server.state = state
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


class ControlHandler(http.server.BaseHTTPRequestHandler):
    server_version = "dns-fault-server"
    sys_version = ""

    def log_message(self, format, *args):
        LOG.info("control %s", format % args)

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_CONTROL_BODY_BYTES:
            self.reply(413, {"error": "body over %d bytes" % MAX_CONTROL_BODY_BYTES})
            return
        body = self.rfile.read(length)
        try:
            payload = json.loads(body) if body.strip() else None
        except json.JSONDecodeError as error:
            self.reply(400, {"error": "request body is not JSON: %s" % error})
            return
        routes = {
            ("POST", "/reset"): self.control_reset,
            ("POST", "/rule"): self.control_add_rule,
            ("GET", "/rules"): lambda _: [rule.describe() for rule in state.rules],
            ("POST", "/ipv6"): self.control_ipv6,
            ("GET", "/queries"): lambda _: list(state.queries),
        }
        route = routes.get((self.command, self.path))
        if route is None:
            self.reply(404, {"error": "unknown control route %s %s" % (self.command, self.path)})
            return
        try:
            result = route(payload)
        except (RuleError, ValueError, OSError) as error:
            LOG.warning("control %s %s rejected: %s", self.command, self.path, error)
            self.reply(400, {"error": str(error)})
            return
        self.reply(200, result)

    def reply(self, status, payload):
        body = (json.dumps(payload, indent=1) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control_reset(self, _payload):
        state = self.server.state
        self.control_ipv6({"listen": False})
        with state.lock:
            state.rules.clear()
            state.queries.clear()
        return {"rules": []}

    def control_add_rule(self, payload):
        specs = payload if isinstance(payload, list) else [payload]
        rules = [Rule(spec) for spec in specs]
        state = self.server.state
        with state.lock:
            state.rules.extend(rules)
            described = [rule.describe() for rule in state.rules]
        LOG.info("rules now: %s", described)
        return described

    def control_ipv6(self, payload):
        if not isinstance(payload, dict) or not isinstance(payload.get("listen"), bool):
            raise ValueError('expected {"listen": true} or {"listen": false}')
        state = self.server.state
        with state.lock:
            servers, state.ipv6_servers = state.ipv6_servers, []
        for server in servers:
            server.shutdown()
            server.server_close()
        if payload["listen"]:
            started = start_dns_servers(state, "::1", self.server.dns_port,
                                        [(UdpServer6, UdpHandler), (TcpServer6, TcpHandler)])
            with state.lock:
                state.ipv6_servers = started
        LOG.info("[::1]:%d %s", self.server.dns_port, "open" if payload["listen"] else "closed")
        return {"listen": payload["listen"]}


def split_host_port(text, default_port):
    host, _, port = text.rpartition(":")
    if not host:
        return text, default_port
    return host, int(port)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", default="127.0.53.3", help="IPv4 address for port 53")
    parser.add_argument("--port", type=int, default=53, help="DNS port (default 53)")
    parser.add_argument("--upstream", default="127.0.53.1:53",
                        help="ADDRESS[:PORT] of the authoritative server to forward to")
    parser.add_argument("--control", default="127.0.0.1:18053",
                        help="HOST:PORT of the HTTP control API")
    parser.add_argument("--rig-dir", help="not used; names the rig in the command line, "
                                          "which rig.sh checks before it signals a pid")
    return parser.parse_args(argv)


def main(argv=None):
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    state = FaultState(split_host_port(arguments.upstream, 53))
    start_dns_servers(state, arguments.listen, arguments.port,
                      [(UdpServer, UdpHandler), (TcpServer, TcpHandler)])
    control_host, control_port = split_host_port(arguments.control, 18053)
    control = http.server.ThreadingHTTPServer((control_host, control_port), ControlHandler)
    control.daemon_threads = True
    control.state = state
    control.dns_port = arguments.port
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    LOG.info("serving %s:%d (UDP, TCP) from upstream %s, control http://%s:%d/",
             arguments.listen, arguments.port, arguments.upstream, control_host, control_port)
    try:
        control.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        control.server_close()
        LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
