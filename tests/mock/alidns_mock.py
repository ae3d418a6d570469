#!/usr/bin/python3
"""Strict mock of the Alibaba Cloud DNS (alidns) RPC API 2015-01-09 over HTTPS.

The API is served at / (GET with the parameters in the query, or POST with
them in the query and an application/x-www-form-urlencoded body). Requests
are signed with version 1.0 in the parameters or with version 3 in the
Authorization and x-acs-* headers. See alidns_api.py for the checks and
actions. Record changes are applied to real
authoritative servers by RFC 2136 update (mock_dns.py). Faults are those of
mock_faults.py, with the differences that alidns_faults.py describes. They
apply only to requests whose signature and common parameters pass the
checks, so a fault never hides a badly signed request.

Control API under /_mock/ (no authentication, JSON bodies):
  POST /_mock/reset     clear records (store and DNS), faults, config, used
                        nonces and the request log; optional body
                        {"records": [SEED, ...]}, SEED = {"name", "type",
                        "value", "ttl"?, "line"?, "remark"?, "status"?,
                        "id"?, "unlisted"?}, the zone found by longest
                        suffix; "unlisted": N hides the record from the next
                        N listings, like an API whose reads lag behind its
                        writes
  POST /_mock/fault     add a fault object or a list of them
  GET  /_mock/fault     list active faults with their remaining counts
  DELETE /_mock/fault   remove every fault, keep records and config
  POST /_mock/config    {"ns2_delay": SECONDS, "page_size": N|null,
                         "clock_skew": SECONDS}; clock_skew moves the mock's
                        clock (Timestamp check and Date header); GET returns
                        the config
  GET  /_mock/requests  every API request: method, action, params (secrets
                        redacted), credential, status, code, request_id,
                        signature ("HMAC-SHA1" or "ACS3-HMAC-SHA256"),
                        signature_valid, secret_in_request, fault (and
                        processed_status, processed_code when the fault
                        let the request be carried out first); filters
                        ?action=NAME&method=GET
  GET  /_mock/records   every stored record (alidns fields plus Name)
  POST /_mock/records   {"records": [SEED, ...]}: add records as reset
                        seeds them, keeping everything else
  GET  /_mock/zones     the account zones
  GET  /_mock/status    pending delayed DNS updates and DNS errors

Runs with Debian's /usr/bin/python3, standard library only, started by
tests/rig/alidns.sh.
"""

import argparse
import email.utils
import http.server
import json
import logging
import signal
import ssl
import sys
import threading
import time
import urllib.parse

from alidns_api import AlidnsApi, ApiError, Request, error_body, new_request_id
from alidns_faults import TRANSFORMS, AlidnsFault
from mock_dns import DnsSync, DnsUpdateError
from mock_faults import ACTIONS, FaultSpecError, FaultTable

LOG = logging.getLogger("alidns-mock")

CONTROL_PREFIX = "/_mock/"
MAX_BODY_BYTES = 1 << 20
MAX_LOGGED_REQUESTS = 10000
CONNECTION_IDLE_TIMEOUT_SECONDS = 30
MAX_NS2_DELAY_SECONDS = 600
MAX_CLOCK_SKEW_SECONDS = 7 * 24 * 3600


class BodyError(Exception):
    """The request could not be read."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class MockState:
    """Everything shared between request threads."""

    def __init__(self, api, dns):
        self.api = api
        self.dns = dns
        self.faults = FaultTable(transforms=TRANSFORMS, fault_class=AlidnsFault)
        self.requests_lock = threading.Lock()
        self.requests = []
        self.sequence = 0

    def config(self):
        return {"ns2_delay": self.dns.delay_seconds, "page_size": self.api.page_size_limit,
                "clock_skew": self.api.clock_skew}

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
            LOG.warning("TLS handshake with %s failed: %s", client_address[0], error)
            return
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            connection.close()


class MockHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two TLS records; with Nagle's algorithm the
    # body would wait for the client's delayed ACK (see cloudflare_mock.py).
    disable_nagle_algorithm = True
    server_version = "alidns-mock"
    sys_version = ""
    error_page_footer = "alidns-mock"

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    @property
    def state(self):
        return self.server.state

    def log_message(self, format, *args):
        LOG.info("%s %s", self.client_address[0], self.state.api.redact(format % args))

    def date_time_string(self, timestamp=None):
        # The Date header follows the mock's clock, so clock_skew shows in it.
        return email.utils.formatdate(self.state.api.now() if timestamp is None else timestamp,
                                      usegmt=True)

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        try:
            body = self.read_body()
        except BodyError as error:
            self.close_connection = True
            self.send_envelope(error.status, self.error_envelope("InvalidParameter", str(error)))
            return
        if url.path.startswith(CONTROL_PREFIX):
            self.handle_control(url, body)
        else:
            self.handle_api(url, body)

    def read_body(self):
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        if not length_text.isdigit():
            raise BodyError(400, "invalid Content-Length %r" % length_text)
        if int(length_text) > MAX_BODY_BYTES:
            raise BodyError(413, "request body over the mock's limit of %d bytes" % MAX_BODY_BYTES)
        return self.rfile.read(int(length_text))

    # -- responses (also called by mock_faults actions) ---------------------

    @staticmethod
    def error_envelope(code, message):
        return error_body(code, message)

    @staticmethod
    def success_envelope_sample():
        return {"RequestId": new_request_id(), "TotalCount": 0, "PageNumber": 1, "PageSize": 20,
                "DomainRecords": {"Record": []}}

    @staticmethod
    def render(payload):
        return json.dumps(payload, separators=(",", ":")).encode("utf-8")

    def send_envelope(self, status, payload, headers=None):
        headers = dict(headers or {})
        if isinstance(payload, dict) and "RequestId" in payload:
            headers.setdefault("X-Acs-Request-Id", payload["RequestId"])
            self.last_request_id = payload["RequestId"]
        self.send_raw(status, self.render(payload), "application/json;charset=utf-8", headers)

    def send_raw(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.last_status = status

    # -- alidns API ---------------------------------------------------------

    def parse_params(self, url, body):
        """Merge query and form body; every parameter may appear once.

        Returns (all parameters, the query's parameters)."""
        query_pairs = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
        pairs = list(query_pairs)
        content_type = self.headers.get("Content-Type", "")
        if body and self.command == "POST":
            if not content_type.startswith("application/x-www-form-urlencoded"):
                raise ApiError(400, "InvalidParameter",
                               "a POST body must be application/x-www-form-urlencoded")
            pairs += urllib.parse.parse_qsl(body.decode("utf-8", errors="replace"),
                                            keep_blank_values=True)
        params = {}
        for name, value in pairs:
            if name in params:
                raise ApiError(400, "InvalidParameter", "The parameter %s is given twice." % name)
            params[name] = value
        return params, dict(query_pairs)

    def handle_api(self, url, body):
        api = self.state.api
        entry = {"time": time.time(), "method": self.command, "path": url.path, "action": None,
                 "params": {}, "credential": None, "signature": None, "signature_valid": False,
                 "status": None, "code": None, "request_id": None, "fault": None,
                 "secret_in_request": self.request_leaks_secret(url, body)}
        self.last_status = None
        self.last_request_id = None
        try:
            try:
                params, query = self.parse_params(url, body)
            except ApiError as error:
                self.send_api_response(entry, error.status, error_body(error.code, error.message))
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = Request(self.command, params, self.client_address[0], headers, body, query)
            entry["action"] = request.action or None
            entry["params"] = {name: api.redact(value) for name, value in params.items()}

            if self.command not in ("GET", "POST") or url.path != "/":
                self.send_api_response(entry, 404, error_body(
                    "InvalidAction.NotFound",
                    "Specified api is not found, please check your url and method."))
                return
            # Version 3 responses are JSON without a Format parameter.
            if not request.is_v3 and (params.get("Format") or "").upper() != "JSON":
                self.send_xml_error(entry)
                return
            try:
                credential = api.authenticate(request, entry)
            except ApiError as error:
                self.send_api_response(entry, error.status, error_body(error.code, error.message))
                return

            # Faults come after the signature checks, so a fault never hides a badly signed request.
            fault = self.state.faults.take(self.command, "/" + request.action)
            if fault is not None and fault.kind in ACTIONS:
                entry["fault"] = fault.kind
                if fault.process:
                    # The change is made, but the client gets the fault's response.
                    status, payload = api.perform(request, credential)
                    entry["processed_status"] = status
                    entry["processed_code"] = payload.get("Code")
                if ACTIONS[fault.kind](self, fault):
                    entry["status"] = self.last_status
                    entry["request_id"] = self.last_request_id
                    if fault.kind == "status":
                        entry["code"] = fault.code
                    return

            status, payload = api.perform(request, credential)
            if fault is not None and fault.kind in TRANSFORMS and status == 200:
                entry["fault"] = fault.kind
                payload = TRANSFORMS[fault.kind](payload)
            self.send_api_response(entry, status, payload)
        finally:
            self.state.record_request(entry)

    def send_api_response(self, entry, status, payload):
        entry["status"] = status
        entry["code"] = payload.get("Code")
        entry["request_id"] = payload.get("RequestId")
        self.send_envelope(status, payload)

    def send_xml_error(self, entry):
        # Without Format=JSON the real API returns XML, which a JSON client cannot read.
        request_id = new_request_id()
        body = ("<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>%s</RequestId>"
                "<HostId>alidns.aliyuncs.com</HostId><Code>InvalidParameter.Format</Code>"
                "<Message>The mock returns JSON only; send Format=JSON.</Message></Error>"
                % request_id).encode("utf-8")
        entry["status"] = 400
        entry["code"] = "InvalidParameter.Format"
        entry["request_id"] = request_id
        self.send_raw(400, body, "text/xml;charset=utf-8")

    def request_leaks_secret(self, url, body):
        """True when an AccessKey secret appears anywhere in the request.

        An STS token is expected in SecurityToken (signature version 1.0) or
        the x-acs-security-token header (version 3), so it counts only
        elsewhere.
        """
        api = self.state.api
        token_free_query = "&".join(
            pair for pair in url.query.split("&") if not pair.startswith("SecurityToken="))
        token_free_body = "&".join(
            pair for pair in body.decode("utf-8", errors="replace").split("&")
            if not pair.startswith("SecurityToken="))
        places = [url.path, urllib.parse.unquote(token_free_query),
                  urllib.parse.unquote(token_free_body)]
        places += [value for name, value in self.headers.items()
                   if name.lower() != "x-acs-security-token"]
        return any(api.contains_secret(text) for text in places)

    # -- control API --------------------------------------------------------

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
            ("POST", "records"): self.control_add_records,
            ("GET", "zones"): lambda _: [{"name": zone["name"], "domain_id": zone["domain_id"]}
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
        except (FaultSpecError, ValueError, TypeError) as error:
            self.send_control(400, {"error": str(error)})
            return
        except ApiError as error:
            self.send_control(400, {"error": "%s: %s" % (error.code, error.message)})
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
        state.dns.delay_seconds = 0.0
        with state.requests_lock:
            state.requests.clear()
        with state.api.lock:
            state.api.nonces.clear()
        state.api.reset(seeds)
        LOG.info("reset with %d seed records", len(seeds))
        return {"records": state.api.all_records()}

    def control_add_records(self, payload):
        if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
            raise ValueError('records body must be a JSON object like {"records": [...]}')
        api = self.state.api
        with api.lock:
            added = [api.seed_record(seed) for seed in payload["records"]]
        LOG.info("added %d seed records", len(added))
        return {"records": added}

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
        unknown = set(payload) - {"ns2_delay", "page_size", "clock_skew"}
        if unknown:
            raise ValueError("unknown config keys: %s" % ", ".join(sorted(unknown)))
        if "ns2_delay" in payload:
            self.state.dns.delay_seconds = self.number(payload["ns2_delay"], "ns2_delay", 0,
                                                       MAX_NS2_DELAY_SECONDS)
        if "clock_skew" in payload:
            self.state.api.clock_skew = self.number(payload["clock_skew"], "clock_skew",
                                                    -MAX_CLOCK_SKEW_SECONDS, MAX_CLOCK_SKEW_SECONDS)
        if "page_size" in payload:
            size = payload["page_size"]
            if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
                raise ValueError("page_size must be a positive integer or null")
            self.state.api.page_size_limit = size
        LOG.info("config now: %s", self.state.config())
        return self.state.config()

    @staticmethod
    def number(value, name, minimum, maximum):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not minimum <= value <= maximum:
            raise ValueError("%s must be a number from %g to %g" % (name, minimum, maximum))
        return float(value)

    def control_requests(self, url):
        params = urllib.parse.parse_qs(url.query)
        action = params.get("action", [None])[0]
        method = params.get("method", [None])[0]
        with self.state.requests_lock:
            entries = list(self.state.requests)
        return [entry for entry in entries
                if (action is None or entry["action"] == action)
                and (method is None or entry["method"] == method.upper())]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:18444", help="HOST:PORT to listen on")
    parser.add_argument("--cert", required=True, help="PEM server certificate")
    parser.add_argument("--key", required=True, help="PEM private key of --cert")
    parser.add_argument("--accounts", required=True,
                        help="JSON file with the zones and the AccessKeys")
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
    api = AlidnsApi(accounts, dns)

    tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_context.minimum_version = ssl.TLSVersion.TLSv1_2
    tls_context.load_cert_chain(arguments.cert, arguments.key)

    server = MockServer((host, int(port)), tls_context, MockState(api, dns))
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    LOG.info("listening on https://%s:%s/ with %d zones", host, port, len(api.zones))
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
