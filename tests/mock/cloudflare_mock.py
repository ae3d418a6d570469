#!/usr/bin/python3
"""Strict mock of the Cloudflare API v4 (zones and DNS records) over HTTPS.

API under /client/v4, see mock_api.py. Record changes are applied to real
authoritative servers by RFC 2136 update, see mock_dns.py. Faults are
described in mock_faults.py.

Control API under /_mock/ (no authentication, JSON bodies):
  POST /_mock/reset     clear records (store and DNS), faults, config and the
                        request log; optional body {"records": [SEED, ...]},
                        SEED = {"type", "name", "content", "ttl"?, "id"?,
                        "zone_id"?}, zone chosen by longest suffix if absent
  POST /_mock/fault     add a fault object or a list of them
  GET  /_mock/fault     list active faults with their remaining counts
  DELETE /_mock/fault   remove every fault, keep records and config
  POST /_mock/config    {"ns2_delay": SECONDS, "page_size": N|null,
                         "spaced_json": BOOL}; GET returns the config
  GET  /_mock/requests  every API request: method, path, query, params,
                        auth scheme, credential name, status, error codes,
                        body (secrets redacted), secret_in_request, fault;
                        filters ?method=GET&path=REGEX
  GET  /_mock/records   every stored record with zone_id and zone_name
  GET  /_mock/zones     the account zones (id, name)
  GET  /_mock/status    pending delayed DNS updates and DNS errors

Run by tests/rig/rig.sh with Debian's /usr/bin/python3, standard library only.
"""

import argparse
import http.server
import json
import logging
import re
import signal
import ssl
import sys
import threading
import time
import urllib.parse

from mock_api import API_PREFIX, ApiError, CloudflareApi, Request, envelope, render_json
from mock_dns import DnsSync, DnsUpdateError
from mock_faults import ACTIONS, TRANSFORMS, FaultSpecError, FaultTable

LOG = logging.getLogger("cloudflare-mock")

CONTROL_PREFIX = "/_mock/"
MAX_BODY_BYTES = 1 << 20
MAX_LOGGED_REQUESTS = 10000
MAX_LOGGED_BODY_CHARS = 4096
CONNECTION_IDLE_TIMEOUT_SECONDS = 30
MAX_NS2_DELAY_SECONDS = 600


class BodyError(Exception):
    """The request body could not be read."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class MockState:
    """Everything shared between request threads."""

    def __init__(self, api, dns):
        self.api = api
        self.dns = dns
        self.faults = FaultTable(transforms=TRANSFORMS)
        self.spaced_json = False
        self.requests_lock = threading.Lock()
        self.requests = []
        self.sequence = 0

    def config(self):
        return {"ns2_delay": self.dns.delay_seconds, "page_size": self.api.page_size_limit,
                "spaced_json": self.spaced_json}

    def record_request(self, entry):
        with self.requests_lock:
            self.sequence += 1
            entry["seq"] = self.sequence
            self.requests.append(entry)
            del self.requests[:-MAX_LOGGED_REQUESTS]


class MockServer(http.server.ThreadingHTTPServer):
    """Threaded HTTPS server; the TLS handshake runs in the request thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, tls_context, state):
        super().__init__(address, MockHandler)
        self.tls_context = tls_context
        self.state = state

    def finish_request(self, request, client_address):
        request.settimeout(CONNECTION_IDLE_TIMEOUT_SECONDS)
        try:
            connection = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            LOG.warning("TLS handshake with %s:%d failed: %s", client_address[0],
                        client_address[1], error)
            return
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            connection.close()


class MockHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The status line and headers go out in one TLS record and the body in
    # another. With Nagle's algorithm the body then waits for the client's
    # delayed ACK of the headers, which costs about 40 ms per response on
    # Linux loopback.
    disable_nagle_algorithm = True
    server_version = "cloudflare-mock"
    sys_version = ""
    # The last line of Cloudflare's HTML error pages for 502, 503 and 52x.
    error_page_footer = "cloudflare"

    # -- entry points -----------------------------------------------------

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def log_message(self, format, *args):
        LOG.info("%s %s", self.client_address[0], self.server.state.api.redact(format % args))

    @property
    def state(self):
        return self.server.state

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        try:
            body = self.read_body()
        except BodyError as error:
            self.close_connection = True
            self.send_envelope(error.status, self.error_envelope(6007, str(error)))
            return
        if url.path.startswith(CONTROL_PREFIX):
            self.handle_control(url, body)
        else:
            self.handle_api(url, body)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked_body()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        if not length_text.isdigit():
            raise BodyError(400, "invalid Content-Length %r" % length_text)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise BodyError(413, "request body of %d bytes is over the mock's limit of %d"
                            % (length, MAX_BODY_BYTES))
        return self.rfile.read(length)

    def read_chunked_body(self):
        body = bytearray()
        while True:
            size_line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError as error:
                raise BodyError(400, "invalid chunk size %r" % size_line) from error
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY_BYTES:
                raise BodyError(413, "chunked request body is over the mock's limit of %d bytes"
                                % MAX_BODY_BYTES)
            body.extend(self.rfile.read(size))
            self.rfile.readline(1024)

    # -- responses (also used by mock_faults actions) ---------------------

    @staticmethod
    def error_envelope(code, message):
        return envelope(errors=[{"code": code, "message": message}])

    @staticmethod
    def success_envelope_sample():
        return envelope(result=[], result_info={"page": 1, "per_page": 100, "count": 0,
                                                "total_count": 0, "total_pages": 0})

    def render(self, payload):
        return render_json(payload, self.state.spaced_json)

    def send_envelope(self, status, payload, headers=None):
        self.send_raw(status, self.render(payload), "application/json", headers)

    def send_raw(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("CF-RAY", "%016x-MOCK" % (time.time_ns() & (2**64 - 1)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.last_status = status

    # -- Cloudflare API ---------------------------------------------------

    def handle_api(self, url, body):
        api = self.state.api
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        entry = {
            "time": time.time(),
            "method": self.command,
            "path": url.path,
            "query": api.redact(url.query),
            "params": {key: [api.redact(value) for value in values]
                       for key, values in params.items()},
            "auth": CloudflareApi.auth_scheme(self.headers),
            "credential": None,
            "body": self.body_for_log(body),
            "secret_in_request": self.request_leaks_secret(url, body),
            "fault": None,
            "status": None,
            "codes": [],
        }
        self.last_status = None
        try:
            fault = self.state.faults.take(self.command, url.path)
            if fault is not None and fault.kind in ACTIONS:
                entry["fault"] = fault.kind
                if fault.process:
                    # The change is made, but the client gets the fault's response.
                    status, payload = self.answer_api(url, params, body, entry)
                    entry["processed_status"] = status
                    entry["processed_codes"] = [error["code"] for error in payload["errors"]]
                if ACTIONS[fault.kind](self, fault):
                    entry["status"] = self.last_status
                    if fault.kind == "status":
                        entry["codes"] = [fault.code]
                    return

            status, payload = self.answer_api(url, params, body, entry)
            if fault is not None and fault.kind in TRANSFORMS:
                entry["fault"] = fault.kind
                payload = TRANSFORMS[fault.kind](payload)
            entry["status"] = status
            entry["codes"] = [error["code"] for error in payload["errors"]]
            self.send_envelope(status, payload)
        finally:
            self.state.record_request(entry)

    def answer_api(self, url, params, body, entry):
        """Carry out one API request; return (status, payload)."""
        if url.path != API_PREFIX and not url.path.startswith(API_PREFIX + "/"):
            return 404, self.error_envelope(7000, "No route for that URI")
        request = Request(self.command, url.path, params, self.headers, body,
                          self.client_address[0])
        return self.state.api.handle(request, entry)

    def body_for_log(self, body):
        if not body:
            return None
        text = self.state.api.redact(body.decode("utf-8", errors="replace"))
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text[:MAX_LOGGED_BODY_CHARS]

    def request_leaks_secret(self, url, body):
        """True when a credential appears anywhere but its own auth header."""
        api = self.state.api
        places = [url.path, url.query, body.decode("utf-8", errors="replace")]
        places += [value for name, value in self.headers.items()
                   if name.lower() not in ("authorization", "x-auth-key", "x-auth-email")]
        return any(api.contains_secret(text) for text in places)

    # -- control API ------------------------------------------------------

    def handle_control(self, url, body):
        route = (self.command, url.path[len(CONTROL_PREFIX):])
        handlers = {
            ("POST", "reset"): self.control_reset,
            ("POST", "fault"): self.control_add_fault,
            ("GET", "fault"): lambda _: self.state.faults.describe(),
            ("DELETE", "fault"): self.control_clear_faults,
            ("POST", "config"): self.control_config,
            ("GET", "config"): lambda _: self.state.config(),
            ("GET", "requests"): lambda _: self.control_requests(url),
            ("GET", "records"): lambda _: self.state.api.all_records(),
            ("GET", "zones"): lambda _: [{"id": zone["id"], "name": zone["name"]}
                                         for zone in self.state.api.zones],
            ("GET", "status"): lambda _: {"pending_dns_updates": self.state.dns.pending_count,
                                          "dns_errors": list(self.state.dns.errors)},
        }
        handler = handlers.get(route)
        if handler is None:
            self.send_control(404, {"error": "unknown control route %s %s" % route})
            return
        try:
            payload = json.loads(body) if body.strip() else None
        except json.JSONDecodeError as error:
            self.send_control(400, {"error": "request body is not JSON: %s" % error})
            return
        try:
            result = handler(payload)
        except (FaultSpecError, ValueError, TypeError, re.error) as error:
            LOG.warning("control %s %s rejected: %s", self.command, url.path, error)
            self.send_control(400, {"error": str(error)})
            return
        except ApiError as error:
            LOG.warning("control %s %s rejected: %s", self.command, url.path, error.errors)
            self.send_control(error.status, {"error": error.errors})
            return
        except DnsUpdateError as error:
            LOG.error("control %s failed: %s", url.path, error)
            self.send_control(500, {"error": str(error)})
            return
        self.send_control(200, result)

    def send_control(self, status, payload):
        body = (json.dumps(payload, indent=1) + "\n").encode("utf-8")
        self.send_raw(status, body, "application/json")

    def control_reset(self, payload):
        payload = payload or {}
        if not isinstance(payload, dict):
            raise ValueError('reset body must be a JSON object like {"records": [...]}')
        seeds = payload.get("records", [])
        if not isinstance(seeds, list):
            raise ValueError("records must be a list")
        state = self.state
        state.faults.clear()
        state.spaced_json = False
        state.dns.delay_seconds = 0.0
        with state.requests_lock:
            state.requests.clear()
        state.api.reset(seeds)
        LOG.info("reset with %d seed records", len(seeds))
        return {"records": state.api.all_records()}

    def control_clear_faults(self, _payload):
        self.state.faults.clear()
        LOG.info("faults cleared")
        return []

    def control_add_fault(self, payload):
        self.state.faults.add(payload)
        LOG.info("faults now: %s", self.state.faults.describe())
        return self.state.faults.describe()

    def control_config(self, payload):
        if not isinstance(payload, dict):
            raise ValueError("config body must be a JSON object")
        unknown = set(payload) - {"ns2_delay", "page_size", "spaced_json"}
        if unknown:
            raise ValueError("unknown config keys: %s" % ", ".join(sorted(unknown)))
        if "ns2_delay" in payload:
            delay = payload["ns2_delay"]
            if isinstance(delay, bool) or not isinstance(delay, (int, float)) \
                    or not 0 <= delay <= MAX_NS2_DELAY_SECONDS:
                raise ValueError("ns2_delay must be a number of seconds from 0 to %d"
                                 % MAX_NS2_DELAY_SECONDS)
            self.state.dns.delay_seconds = float(delay)
        if "page_size" in payload:
            size = payload["page_size"]
            if size is not None and (isinstance(size, bool) or not isinstance(size, int)
                                     or size < 1):
                raise ValueError("page_size must be a positive integer or null")
            self.state.api.page_size_limit = size
        if "spaced_json" in payload:
            if not isinstance(payload["spaced_json"], bool):
                raise ValueError("spaced_json must be true or false")
            self.state.spaced_json = payload["spaced_json"]
        LOG.info("config now: %s", self.state.config())
        return self.state.config()

    def control_requests(self, url):
        params = urllib.parse.parse_qs(url.query)
        method = params.get("method", [None])[0]
        path_regex = re.compile(params.get("path", [""])[0])
        with self.state.requests_lock:
            entries = list(self.state.requests)
        return [entry for entry in entries
                if (method is None or entry["method"] == method.upper())
                and path_regex.search(entry["path"])]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:18443", help="HOST:PORT to listen on")
    parser.add_argument("--cert", required=True, help="PEM server certificate")
    parser.add_argument("--key", required=True, help="PEM private key of --cert")
    parser.add_argument("--accounts", required=True,
                        help="JSON file with the account, its zones and its credentials")
    parser.add_argument("--dns-server", action="append", required=True, metavar="ADDRESS",
                        help="authoritative server to update (port 53); the first one gets "
                             "each change at once, the others after ns2_delay seconds")
    parser.add_argument("--log-file", help="log file (default: standard error)")
    return parser.parse_args(argv)


def main(argv=None):
    arguments = parse_arguments(argv)
    logging.basicConfig(filename=arguments.log_file, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")

    host, _, port = arguments.listen.rpartition(":")
    with open(arguments.accounts, encoding="utf-8") as accounts_file:
        accounts = json.load(accounts_file)
    dns = DnsSync(arguments.dns_server)
    api = CloudflareApi(accounts, dns)

    tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_context.minimum_version = ssl.TLSVersion.TLSv1_2
    tls_context.load_cert_chain(arguments.cert, arguments.key)

    server = MockServer((host, int(port)), tls_context, MockState(api, dns))
    # SIGTERM (rig.sh stop) leaves through the finally block below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    LOG.info("listening on https://%s:%s%s with %d zones", host, port, API_PREFIX,
             len(api.zones))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
