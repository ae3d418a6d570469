"""Fault injection for the provider API mocks (Cloudflare and alidns).

A fault is a JSON object posted to /_mock/fault:

    {"method": "POST", "path": "/dns_records$", "kind": "status",
     "status": 429, "code": 10100, "message": "...", "retry_after": 1,
     "count": 1, "after": 0, "seconds": 5}

method   HTTP method to match, "*" (default) for any
path     regular expression searched (re.search) in the request path, which
         includes the /client/v4 prefix; default matches every path (the
         alidns mock matches "/" + Action instead)
kind     what happens instead of the normal response (default "status"):
           status          error envelope with `status`, `code`, `message`;
                           `retry_after` adds a Retry-After header
           html            `status` with an HTML body, like Cloudflare's edge
                           pages for 502/503/504/52x
           delay           wait `seconds`, then answer normally
           hang            wait `seconds` (or until the client closes) and
                           close the connection without any answer
           reset           send the headers and half the body, then reset the
                           TCP connection (RST)
           truncate        announce the full Content-Length, send half the
                           body, close cleanly
           malformed_json  HTTP 200 with a JSON body cut in the middle
         kinds that change the normal answer (the request is carried out),
         here for the Cloudflare v4 envelope (the alidns ones are in
         alidns_faults.py):
           duplicate_results  every item of a "result" list appears twice
           reorder_results    the "result" list in reverse order
           endless_pages      result_info always announces one more page
           hostile_ids        every "id" of the result becomes a string
                              with control bytes, a path and 300 characters
count    how many matching requests fire the fault (default 1, -1 = all)
after    how many matching requests pass untouched first (default 0)
process  true: carry the request out first (a record is created or deleted),
         then answer as the fault says, so the client never learns the
         result; for the kinds that replace the answer (default false)
The transform kinds and process need a mock that supports them: it passes
its table of transforms, FaultTable(transforms=TRANSFORMS), applies the
transform to its normal answer and carries the request out before the
action when process is set.

To add a kind that replaces the answer, write a function taking (handler,
fault) that returns True when it has dealt with the request, and add it to
ACTIONS. A kind that changes the normal answer is a function taking the
response payload and returning the new one, in the mock's transform table.
A mock whose error codes are not Cloudflare's integers subclasses Fault
(default_error, validated_code, default_message) and passes the subclass
as FaultTable(fault_class=...).
"""

import re
import select
import socket
import struct
import threading
import time

MAX_WAIT_SECONDS = 600

DEFAULT_CODES = {
    # NOTE: 10100 for HTTP 429 comes from a community forum reply and is not
    # confirmed by Cloudflare's documentation.
    429: (10100, "More than 1200 requests per 300 seconds reached. "
                 "Please wait and consider throttling your request speed"),
}
DEFAULT_SERVER_ERROR = (10001, "Service temporarily unavailable (fault injected by the mock)")
DEFAULT_CLIENT_ERROR = (1000, "Request rejected (fault injected by the mock)")


class FaultSpecError(ValueError):
    """A fault posted to the control API is invalid."""


class Fault:
    """One registered fault with its remaining count."""

    def __init__(self, spec, transforms=None):
        """Validate spec. transforms is the table of kinds that change the
        normal answer, given by a mock that applies them and carries out
        "process"; None accepts neither."""
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault must be a JSON object, got %r" % (spec,))
        unknown = set(spec) - {"method", "path", "kind", "status", "code", "message",
                               "retry_after", "count", "after", "seconds", "process"}
        if unknown:
            raise FaultSpecError("unknown fault fields: %s" % ", ".join(sorted(unknown)))

        self.method = str(spec.get("method", "*")).upper()
        self.path_pattern = spec.get("path", "")
        try:
            self.path_regex = re.compile(self.path_pattern)
        except (re.error, TypeError) as error:
            raise FaultSpecError("invalid path regex %r: %s" % (self.path_pattern, error)) from error

        self.kind = spec.get("kind", "status")
        known = set(ACTIONS) | set(transforms or {})
        if self.kind not in known:
            raise FaultSpecError("unknown fault kind %r; known kinds: %s"
                                 % (self.kind, ", ".join(sorted(known))))
        self.process = spec.get("process", False)
        if not isinstance(self.process, bool):
            raise FaultSpecError("process must be true or false, got %r" % (self.process,))
        if self.process and transforms is None:
            raise FaultSpecError("this mock does not support process")
        if self.process and (self.kind not in ACTIONS or self.kind == "delay"):
            raise FaultSpecError("process applies to kinds that replace the answer, not to %r"
                                 % self.kind)

        default_status = {"html": 502, "malformed_json": 200, "reset": 200, "truncate": 200}
        self.status = self._integer(spec, "status", default_status.get(self.kind, 500), 100, 599)
        code, message = self.default_error(self.status)
        if "code" in spec:
            code = self.validated_code(spec["code"])
            message = self.default_message(code, message)
        self.code = code
        self.message = str(spec.get("message", message))
        self.retry_after = spec.get("retry_after")
        if self.retry_after is not None:
            self.retry_after = self._integer(spec, "retry_after", 0, 0, 86400)
        self.remaining = self._integer(spec, "count", 1, -1, 10**9)
        if self.remaining == 0:
            raise FaultSpecError("count must be -1 (every request) or at least 1")
        self.skip = self._integer(spec, "after", 0, 0, 10**9)
        self.seconds = self._number(spec, "seconds", 30.0, 0.0, MAX_WAIT_SECONDS)
        self.fired = 0

    @staticmethod
    def _integer(spec, key, default, minimum, maximum):
        value = spec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise FaultSpecError("%s must be an integer from %d to %d, got %r"
                                 % (key, minimum, maximum, value))
        return value

    @staticmethod
    def _number(spec, key, default, minimum, maximum):
        value = spec.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not minimum <= value <= maximum:
            raise FaultSpecError("%s must be a number from %g to %g, got %r"
                                 % (key, minimum, maximum, value))
        return float(value)

    @staticmethod
    def default_error(status):
        """Return (code, message) of a fault that names no code."""
        if status in DEFAULT_CODES:
            return DEFAULT_CODES[status]
        if status >= 500:
            return DEFAULT_SERVER_ERROR
        return DEFAULT_CLIENT_ERROR

    @staticmethod
    def validated_code(value):
        """Return the fault's "code" field, or raise FaultSpecError."""
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
            raise FaultSpecError("code must be an integer from 0 to %d, got %r" % (10**9, value))
        return value

    @staticmethod
    def default_message(code, fallback):
        """Return the message of a fault that names a code but no message."""
        del code
        return fallback

    def matches(self, method, path):
        return (self.method in ("*", method)) and self.path_regex.search(path) is not None

    def describe(self):
        return {"method": self.method, "path": self.path_pattern, "kind": self.kind,
                "status": self.status, "code": self.code, "retry_after": self.retry_after,
                "remaining": self.remaining, "after": self.skip, "seconds": self.seconds,
                "process": self.process, "fired": self.fired}


class FaultTable:
    """Thread-safe list of registered faults, consulted once per API request."""

    def __init__(self, transforms=None, fault_class=Fault):
        """transforms: see Fault; fault_class builds each fault from its spec."""
        self._lock = threading.Lock()
        self._faults = []
        self._transforms = transforms
        self._fault_class = fault_class

    def add(self, specs):
        """Validate and register one fault object or a list of them."""
        if isinstance(specs, dict):
            specs = [specs]
        if not isinstance(specs, list):
            raise FaultSpecError("expected a fault object or a list of fault objects")
        faults = [self._fault_class(spec, self._transforms) for spec in specs]
        with self._lock:
            self._faults.extend(faults)

    def clear(self):
        with self._lock:
            self._faults.clear()

    def describe(self):
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def take(self, method, path):
        """Return the first fault that fires for this request, or None.

        Every matching fault counts the request towards its `after` value;
        only the first one whose `after` is used up fires.
        """
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path) or fault.remaining == 0:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.remaining > 0:
                    fault.remaining -= 1
                fault.fired += 1
                return fault
        return None


# ---------------------------------------------------------------------------
# Actions. `handler` is the mock's request handler; see send_envelope,
# send_raw, error_envelope, success_envelope_sample, render, error_page_footer
# and connection in cloudflare_mock.py and alidns_mock.py.

def act_status(handler, fault):
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    handler.send_envelope(fault.status, handler.error_envelope(fault.code, fault.message),
                          headers)
    return True


def act_html(handler, fault):
    body = ("<html>\n<head><title>%d %s</title></head>\n<body>\n<center><h1>%d %s</h1></center>\n"
            "<hr><center>%s</center>\n</body>\n</html>\n"
            % (fault.status, fault.message, fault.status, fault.message,
               handler.error_page_footer)).encode("utf-8")
    handler.send_raw(fault.status, body, "text/html")
    return True


def act_delay(handler, fault):
    time.sleep(fault.seconds)
    return False


def act_hang(handler, fault):
    # Wait until the client gives up (the socket turns readable at EOF) or
    # the time is over, then close without a response.
    deadline = time.monotonic() + fault.seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        readable, _, _ = select.select([handler.connection], [], [], min(remaining, 1.0))
        if readable:
            break
    handler.close_connection = True
    return True


def _send_half(handler, fault):
    body = handler.render(handler.error_envelope(fault.code, fault.message)
                          if fault.status >= 400 else handler.success_envelope_sample())
    handler.send_response(fault.status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[:len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def act_reset(handler, fault):
    _send_half(handler, fault)
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return True


def act_truncate(handler, fault):
    _send_half(handler, fault)
    return True


def act_malformed_json(handler, fault):
    body = b'{"result":[{"id":"8d4f0e7a9c1b2d3e4f5a6b7c8d9e0f1a","name":'
    handler.send_raw(fault.status, body, "application/json")
    return True


ACTIONS = {
    "status": act_status,
    "html": act_html,
    "delay": act_delay,
    "hang": act_hang,
    "reset": act_reset,
    "truncate": act_truncate,
    "malformed_json": act_malformed_json,
}


# ---------------------------------------------------------------------------
# Transforms of a normal response: each takes the response payload (the v4
# envelope as a dict) and returns the payload to send instead.

HOSTILE_ID = "\x1b[31m\x07/../../user/tokens\r\nerror: forged log line " + "A" * 300


def _result_items(payload):
    result = payload.get("result")
    if isinstance(result, list):
        return result
    if isinstance(result, dict):
        return [result]
    return []


def transform_duplicate_results(payload):
    if isinstance(payload.get("result"), list):
        payload["result"] = [item for item in payload["result"] for _ in range(2)]
    return payload


def transform_reorder_results(payload):
    if isinstance(payload.get("result"), list):
        payload["result"] = list(reversed(payload["result"]))
    return payload


def transform_endless_pages(payload):
    info = payload.get("result_info")
    if isinstance(info, dict):
        info["total_pages"] = info.get("page", 1) + 1
        info["total_count"] = info["total_pages"] * max(info.get("per_page", 1), 1)
    return payload


def transform_hostile_ids(payload):
    for item in _result_items(payload):
        if isinstance(item, dict) and "id" in item:
            item["id"] = HOSTILE_ID
    return payload


TRANSFORMS = {
    "duplicate_results": transform_duplicate_results,
    "reorder_results": transform_reorder_results,
    "endless_pages": transform_endless_pages,
    "hostile_ids": transform_hostile_ids,
}
