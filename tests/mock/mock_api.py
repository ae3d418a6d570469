"""Cloudflare API v4 behaviour of the mock: authentication, zones, DNS records.

Written from Cloudflare's public API description and observed responses, not
from the hooks' code. Every response uses the v4 envelope
{"success", "errors", "messages", "result", "result_info"?}.

Error codes taken from observed Cloudflare responses: 6003 (with error_chain
6111/6102/6103), 9103, 9109, 10000, 7003/7000, 81044, 81053, 81054, 81058.
The HTTP status that goes with 9103, 7003 and 81044 is unverified, and so
are the codes in the CODE_* block below.
"""

import hashlib
import ipaddress
import json
import math
import re
import threading
import time
import uuid

from mock_dns import DnsUpdateError, add_command, delete_command, same_rdata

API_PREFIX = "/client/v4"

ZONES_PER_PAGE_DEFAULT = 20
ZONES_PER_PAGE_MAX = 50
RECORDS_PER_PAGE_DEFAULT = 100
RECORDS_PER_PAGE_MAX = 5000000
TXT_CONTENT_MAX_CHARS = 2048
TTL_AUTOMATIC = 1
TTL_MIN = 60
TTL_MAX = 86400
SUPPORTED_TYPES = ("A", "AAAA", "CNAME", "TXT")
PROXIABLE_TYPES = ("A", "AAAA", "CNAME")

# NOTE: the codes in this block are unverified; they only need to be stable
# and to carry a readable message.
CODE_MISSING_EMAIL = 9106
CODE_MISSING_KEY = 9107
CODE_INVALID_NAME = 9000
CODE_NOT_PROXIABLE = 9004
CODE_INVALID_TYPE = 9020
CODE_INVALID_CONTENT = 9005
CODE_INVALID_REQUEST = 1004
CODE_METHOD_NOT_ALLOWED = 10405
CODE_INTERNAL = 10001

CODE_INVALID_TTL = 9021  # seen nested in a 1004 error_chain before 2024-10


class ApiError(Exception):
    """An error response: HTTP status plus one or more Cloudflare error objects."""

    def __init__(self, status, code, message, error_chain=None, more_errors=None):
        super().__init__(message)
        self.status = status
        error = {"code": code, "message": message}
        if error_chain:
            error["error_chain"] = [{"code": c, "message": m} for c, m in error_chain]
        self.errors = [error] + [{"code": c, "message": m} for c, m in (more_errors or [])]


class Credential:
    """One API token or global API key of the mock account."""

    def __init__(self, entry):
        self.name = entry["name"]
        self.scheme = entry["scheme"]
        self.token = entry.get("token")
        self.email = entry.get("email")
        self.key = entry.get("key")
        zones = entry.get("zones", "*")
        self.all_zones = zones == "*"
        self.zone_names = set() if self.all_zones else {name.lower() for name in zones}
        self.permissions = set(entry.get("permissions", []))
        self.ip_restricted = bool(entry.get("ip_restricted", False))
        self.token_id = hashlib.md5(("token " + self.name).encode()).hexdigest()

    def covers(self, zone_name):
        return self.all_zones or zone_name in self.zone_names

    def secrets(self):
        return [value for value in (self.token, self.key) if value]


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


def envelope(result=None, errors=None, messages=None, result_info=None):
    """Build the v4 response envelope, keys in the order Cloudflare sends them."""
    body = {"result": result}
    if result_info is not None:
        body["result_info"] = result_info
    body["success"] = not errors
    body["errors"] = errors or []
    body["messages"] = messages or []
    return body


DECOY = {"id": "ffffffffffffffffffffffffffffffff", "name": "decoy.invalid",
         "content": "not-a-record", "nested": [1, 2.5, None, True, {"id": "0" * 32}]}


def add_unknown_fields(value):
    """Reverse key order and add unknown fields (including a decoy "id")."""
    if isinstance(value, list):
        return [add_unknown_fields(item) for item in value]
    if not isinstance(value, dict):
        return value
    drifted = {"x_mock_future_field": DECOY}
    for key in reversed(list(value)):
        drifted[key] = add_unknown_fields(value[key])
    return drifted


def render_json(payload, spaced):
    """Serialise a payload compactly, or spaced with unknown fields added."""
    if spaced:
        return (json.dumps(add_unknown_fields(payload), indent=3, ensure_ascii=False)
                + "\n").encode("utf-8")
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


class Request:
    """One API request as the HTTP layer parsed it."""

    def __init__(self, method, path, params, headers, body, client_ip):
        self.method = method
        self.path = path
        self.params = params
        self.headers = headers
        self.body = body
        self.client_ip = client_ip


class CloudflareApi:
    """The account state (zones, credentials, records) and the API routes."""

    def __init__(self, accounts, dns):
        self.account = accounts["account"]
        self.name_servers = accounts.get("name_servers", [])
        self.zones = [dict(zone, name=zone["name"].lower()) for zone in accounts["zones"]]
        self.zones_by_id = {zone["id"]: zone for zone in self.zones}
        self.credentials = [Credential(entry) for entry in accounts["credentials"]]
        self.secrets = sorted({secret for credential in self.credentials
                               for secret in credential.secrets()}, key=len, reverse=True)
        self.dns = dns
        self.lock = threading.RLock()
        self.records = {zone["id"]: [] for zone in self.zones}
        self.page_size_limit = None
        self.created_on = now_iso()

    # -- secrets ----------------------------------------------------------

    def redact(self, text):
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def contains_secret(self, text):
        return any(secret in text for secret in self.secrets)

    # -- authentication ---------------------------------------------------

    @staticmethod
    def auth_scheme(headers):
        """Name the scheme a request used, for the request log."""
        bearer = headers.get("Authorization") is not None
        global_key = (headers.get("X-Auth-Email") is not None
                      or headers.get("X-Auth-Key") is not None)
        if bearer and global_key:
            return "bearer+global_key"
        if bearer:
            return "bearer"
        if global_key:
            return "global_key"
        return "none"

    def authenticate(self, request):
        """Return the Credential a request authenticates as, or raise ApiError.

        An Authorization header takes precedence over X-Auth-Email/X-Auth-Key.
        """
        headers = request.headers
        authorization = headers.get("Authorization")
        email = headers.get("X-Auth-Email")
        key = headers.get("X-Auth-Key")

        if authorization is not None:
            # NOTE: the scheme must be spelled "Bearer" exactly; whether the
            # real API accepts other spellings is unverified.
            match = re.fullmatch(r"Bearer ([\x21-\x7e]+)", authorization)
            if not match:
                raise ApiError(400, 6003, "Invalid request headers",
                               [(6111, "Invalid format for Authorization header")])
            credential = self._find_token(match.group(1))
            if credential is None:
                raise ApiError(403, 10000, "Authentication error")
            if credential.ip_restricted:
                raise ApiError(403, 9109, "Cannot use the access token from location: %s"
                               % request.client_ip)
            return credential

        if email is not None or key is not None:
            chain = []
            if email is None or not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
                chain.append((6102, "Invalid format for X-Auth-Email header"))
            if key is None or not re.fullmatch(r"[\x21-\x7e]+", key):
                chain.append((6103, "Invalid format for X-Auth-Key header"))
            if chain:
                raise ApiError(400, 6003, "Invalid request headers", chain)
            for credential in self.credentials:
                if (credential.scheme == "global_key" and credential.key == key
                        and credential.email.lower() == email.lower()):
                    return credential
            raise ApiError(403, 9103, "Unknown X-Auth-Key or X-Auth-Email")

        raise ApiError(400, CODE_MISSING_EMAIL, "Missing X-Auth-Email header",
                       more_errors=[(CODE_MISSING_KEY, "Missing X-Auth-Key header")])

    def _find_token(self, token):
        for credential in self.credentials:
            if credential.scheme == "bearer" and credential.token == token:
                return credential
        return None

    # -- routing ----------------------------------------------------------

    def handle(self, request, log_info):
        """Handle one request under /client/v4 and return (status, payload).

        Fills log_info with the auth scheme and credential name.
        """
        log_info["auth"] = self.auth_scheme(request.headers)
        try:
            credential = self.authenticate(request)
            log_info["credential"] = credential.name
            return self._route(request, credential)
        except ApiError as error:
            return error.status, envelope(errors=error.errors)

    def _route(self, request, credential):
        segments = request.path[len(API_PREFIX):].split("/")[1:]
        method = request.method

        if segments == ["user", "tokens", "verify"]:
            self._require_method(method, ("GET",))
            return self._verify_token(credential)
        if segments == ["zones"]:
            self._require_method(method, ("GET",))
            return self._list_zones(request, credential)
        if len(segments) >= 2 and segments[0] == "zones":
            zone = self._zone_for_path(request.path, segments[1])
            if len(segments) == 2:
                self._require_method(method, ("GET",))
                return self._get_zone(zone, credential)
            if len(segments) == 3 and segments[2] == "dns_records":
                self._require_method(method, ("GET", "POST"))
                if method == "GET":
                    return self._list_records(request, credential, zone)
                return self._create_record(request, credential, zone)
            if len(segments) == 4 and segments[2] == "dns_records":
                self._require_method(method, ("GET", "DELETE"))
                if method == "GET":
                    return self._get_record(credential, zone, segments[3])
                return self._delete_record(credential, zone, segments[3])
        raise ApiError(404, 7000, "No route for that URI")

    @staticmethod
    def _require_method(method, allowed):
        if method not in allowed:
            raise ApiError(405, CODE_METHOD_NOT_ALLOWED,
                           "Method %s is not supported on this route by the mock (supported: %s)"
                           % (method, ", ".join(allowed)))

    def _zone_for_path(self, path, zone_id):
        zone = self.zones_by_id.get(zone_id)
        if zone is None:
            raise ApiError(400, 7003, "Could not route to %s, perhaps your object identifier "
                           "is invalid?" % path, more_errors=[(7000, "No route for that URI")])
        return zone

    @staticmethod
    def _require_zone_access(credential, zone, permission):
        if not credential.covers(zone["name"]) or permission not in credential.permissions:
            raise ApiError(403, 10000, "Authentication error")

    # -- token and zones --------------------------------------------------

    @staticmethod
    def _verify_token(credential):
        if credential.scheme != "bearer":
            raise ApiError(400, 6003, "Invalid request headers",
                           [(6111, "Invalid format for Authorization header")])
        return 200, envelope(
            result={"id": credential.token_id, "status": "active"},
            messages=[{"code": 10000, "message": "This API Token is valid and active",
                       "type": None}])

    def zone_object(self, zone):
        return {
            "id": zone["id"],
            "name": zone["name"],
            "status": zone.get("status", "active"),
            "paused": False,
            "type": "full",
            "development_mode": 0,
            "name_servers": list(self.name_servers),
            "original_name_servers": None,
            "original_registrar": None,
            "original_dnshost": None,
            "modified_on": self.created_on,
            "created_on": self.created_on,
            "activated_on": self.created_on,
            "meta": {"step": 2, "custom_certificate_quota": 0, "page_rule_quota": 3,
                     "phishing_detected": False},
            "owner": {"id": None, "type": "user", "email": None},
            "account": {"id": self.account["id"], "name": self.account["name"]},
            "permissions": ["#dns_records:edit", "#dns_records:read", "#zone:read"],
            "plan": {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website",
                     "price": 0, "currency": "USD", "frequency": "", "is_subscribed": False,
                     "can_subscribe": False, "legacy_id": "free", "legacy_discount": False,
                     "externally_managed": False},
        }

    def _list_zones(self, request, credential):
        if "zone.list" not in credential.permissions:
            # Message in the form reported from the real API (cert-manager pull
            # request 3101). NOTE: the code 9109 that goes with it is unverified.
            raise ApiError(403, 9109, "Actor 'com.cloudflare.api.token.%s' requires permission "
                           "'com.cloudflare.api.account.zone.list' to list zones"
                           % credential.token_id)
        name = self._single_param(request, "name")
        status = self._single_param(request, "status")
        account_id = self._single_param(request, "account.id")
        zones = [zone for zone in self.zones if credential.covers(zone["name"])]
        if name is not None:
            zones = [zone for zone in zones if zone["name"] == name.lower()]
        if status is not None:
            zones = [zone for zone in zones if zone.get("status", "active") == status]
        if account_id is not None:
            zones = [zone for zone in zones if self.account["id"] == account_id]
        page, result_info = self._paginate(request, len(zones), ZONES_PER_PAGE_DEFAULT,
                                           ZONES_PER_PAGE_MAX)
        return 200, envelope(result=[self.zone_object(zone) for zone in page(zones)],
                             result_info=result_info)

    def _get_zone(self, zone, credential):
        if not credential.covers(zone["name"]):
            raise ApiError(403, 9109, "Unauthorized to access requested resource")
        return 200, envelope(result=self.zone_object(zone))

    # -- query parameters -------------------------------------------------

    @staticmethod
    def _single_param(request, key):
        values = request.params.get(key)
        if not values:
            return None
        if len(values) > 1:
            raise ApiError(400, CODE_INVALID_REQUEST, "query parameter %s given %d times"
                           % (key, len(values)))
        return values[0]

    def _integer_param(self, request, key, default):
        text = self._single_param(request, key)
        if text is None:
            return default
        if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
            raise ApiError(400, CODE_INVALID_REQUEST,
                           "query parameter %s must be a positive integer, got %r" % (key, text))
        return int(text)

    def _paginate(self, request, total, default_per_page, max_per_page):
        """Return (slice function, result_info) for page/per_page.

        per_page above the maximum is lowered to it, and so is any limit set
        through /_mock/config; result_info reports the value used.
        """
        page = self._integer_param(request, "page", 1)
        # NOTE: whether the real API clamps or rejects a per_page above the
        # maximum is unverified; clamping keeps result_info truthful.
        per_page = min(self._integer_param(request, "per_page", default_per_page), max_per_page)
        if self.page_size_limit is not None:
            per_page = min(per_page, self.page_size_limit)
        start = (page - 1) * per_page
        count = max(0, min(per_page, total - start))
        result_info = {"page": page, "per_page": per_page, "count": count,
                       "total_count": total, "total_pages": math.ceil(total / per_page)}
        return (lambda items: items[start:start + per_page]), result_info

    # -- DNS records ------------------------------------------------------

    def _list_records(self, request, credential, zone):
        self._require_zone_access(credential, zone, "dns.read")
        filters = self._record_filters(request)
        match_mode = self._single_param(request, "match") or "all"
        if match_mode not in ("all", "any"):
            raise ApiError(400, CODE_INVALID_REQUEST, "match must be all or any, got %r"
                           % match_mode)
        combine = all if match_mode == "all" else any

        with self.lock:
            records = [record for record in self.records[zone["id"]]
                       if not filters or combine(test(record) for test in filters)]
        records = self._order_records(request, records)
        page, result_info = self._paginate(request, len(records), RECORDS_PER_PAGE_DEFAULT,
                                           RECORDS_PER_PAGE_MAX)
        return 200, envelope(result=[dict(record) for record in page(records)],
                             result_info=result_info)

    def _record_filters(self, request):
        """Build one predicate per filter parameter (case-insensitive compares)."""
        operators = {
            "": lambda field, value: field == value,
            ".exact": lambda field, value: field == value,
            ".contains": lambda field, value: value in field,
            ".startswith": lambda field, value: field.startswith(value),
            ".endswith": lambda field, value: field.endswith(value),
        }
        filters = []
        record_type = self._single_param(request, "type")
        if record_type is not None:
            if ":" in record_type:
                raise ApiError(400, CODE_INVALID_REQUEST, "deprecated filter syntax in type=%r"
                               % record_type)
            filters.append(lambda record, wanted=record_type.upper(): record["type"] == wanted)
        for field in ("name", "content"):
            for suffix, compare in operators.items():
                value = self._single_param(request, field + suffix)
                if value is None:
                    continue
                if suffix == "" and re.match(r"(contains|starts_with|ends_with):", value):
                    raise ApiError(400, CODE_INVALID_REQUEST,
                                   "deprecated filter syntax %s=%r; use %s.contains and similar"
                                   % (field, value, field))
                if suffix == "" and field == "name" and "," in value:
                    raise ApiError(400, CODE_INVALID_REQUEST,
                                   "deprecated comma list in name=%r" % value)
                filters.append(lambda record, f=field, v=value.lower(), c=compare:
                               c(record[f].lower(), v))
        return filters

    def _order_records(self, request, records):
        order = self._single_param(request, "order")
        direction = self._single_param(request, "direction") or "asc"
        if direction not in ("asc", "desc"):
            raise ApiError(400, CODE_INVALID_REQUEST, "direction must be asc or desc")
        if order is None:
            return records
        if order not in ("type", "name", "content", "ttl", "proxied"):
            raise ApiError(400, CODE_INVALID_REQUEST, "cannot order by %r" % order)
        return sorted(records, key=lambda record: record[order], reverse=direction == "desc")

    def _get_record(self, credential, zone, record_id):
        self._require_zone_access(credential, zone, "dns.read")
        with self.lock:
            for record in self.records[zone["id"]]:
                if record["id"] == record_id:
                    return 200, envelope(result=dict(record))
        raise ApiError(404, 81044, "Record does not exist.")

    def _create_record(self, request, credential, zone):
        self._require_zone_access(credential, zone, "dns.write")
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            # NOTE: code 9207 for an unparsable body is unverified.
            raise ApiError(400, 9207, "Request body is invalid: %s" % error) from error
        with self.lock:
            record = self.create_record(zone, body)
        return 200, envelope(result=dict(record))

    def create_record(self, zone, body, record_id=None, everywhere=False):
        """Validate, apply to DNS and store a record; return it.

        everywhere=True updates every DNS server at once (used for seeds).
        Callers hold self.lock.
        """
        record = self._validated_record(zone, body)
        record["id"] = record_id or uuid.uuid4().hex
        self._check_conflicts(zone, record)
        try:
            if everywhere:
                self.dns.apply_everywhere(zone["name"], [add_command(record)])
            else:
                self.dns.apply(zone["name"], [add_command(record)])
        except DnsUpdateError as error:
            raise ApiError(500, CODE_INTERNAL, "mock could not update DNS: %s" % error) from error
        self.records[zone["id"]].append(record)
        return record

    def _validated_record(self, zone, body):
        if not isinstance(body, dict):
            raise ApiError(400, 9207, "Request body is invalid: expected a JSON object")

        record_type = body.get("type")
        if not isinstance(record_type, str) or record_type.upper() not in SUPPORTED_TYPES:
            raise ApiError(400, CODE_INVALID_TYPE, "Invalid DNS record type %r (the mock "
                           "supports %s)" % (record_type, ", ".join(SUPPORTED_TYPES)))
        record_type = record_type.upper()

        name = self._validated_name(zone, body.get("name"))
        content = self._validated_content(record_type, body.get("content"))

        ttl = body.get("ttl", TTL_AUTOMATIC)
        if isinstance(ttl, bool) or not isinstance(ttl, int) \
                or not (ttl == TTL_AUTOMATIC or TTL_MIN <= ttl <= TTL_MAX):
            raise ApiError(400, CODE_INVALID_TTL, "Invalid TTL %r. Must be between %d and %d "
                           "seconds, or 1 for Automatic." % (ttl, TTL_MIN, TTL_MAX))

        proxied = body.get("proxied", False)
        if not isinstance(proxied, bool):
            raise ApiError(400, CODE_INVALID_REQUEST, "proxied must be true or false")
        if proxied and record_type not in PROXIABLE_TYPES:
            raise ApiError(400, CODE_NOT_PROXIABLE, "This record type cannot be proxied.")

        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            raise ApiError(400, CODE_INVALID_REQUEST, "comment must be a string or null")
        tags = body.get("tags", [])
        if not isinstance(tags, list) or not all(
                isinstance(tag, str) and ":" in tag for tag in tags):
            raise ApiError(400, CODE_INVALID_REQUEST, 'tags must be a list of "name:value" strings')

        timestamp = now_iso()
        return {
            "id": None,
            "name": name,
            "type": record_type,
            "content": content,
            "proxiable": record_type in PROXIABLE_TYPES,
            "proxied": proxied,
            "ttl": ttl,
            "settings": {"flatten_cname": False} if record_type == "CNAME" else {},
            "meta": {},
            "comment": comment,
            "tags": list(tags),
            "created_on": timestamp,
            "modified_on": timestamp,
        }

    @staticmethod
    def _validated_name(zone, name):
        if not isinstance(name, str) or not name:
            raise ApiError(400, CODE_INVALID_NAME, "DNS name is invalid: name is missing")
        normalised = zone["name"] if name == "@" else name.lower()
        if normalised.endswith("."):
            normalised = normalised[:-1]
        labels = normalised.split(".")
        if (not re.fullmatch(r"[a-z0-9_*.-]+", normalised) or len(normalised) > 253
                or any(not 1 <= len(label) <= 63 for label in labels)):
            raise ApiError(400, CODE_INVALID_NAME, "DNS name is invalid: %r" % name)
        if normalised != zone["name"] and not normalised.endswith("." + zone["name"]):
            raise ApiError(400, CODE_INVALID_NAME, "DNS name is invalid: %r is not inside zone %s"
                           % (name, zone["name"]))
        return normalised

    @staticmethod
    def _validated_content(record_type, content):
        if not isinstance(content, str) or content == "":
            raise ApiError(400, CODE_INVALID_CONTENT, "content is missing or not a string")
        if record_type == "TXT" and len(content) > TXT_CONTENT_MAX_CHARS:
            raise ApiError(400, CODE_INVALID_CONTENT, "TXT content is %d characters, more than "
                           "the maximum of %d" % (len(content), TXT_CONTENT_MAX_CHARS))
        if record_type == "TXT" and any(ord(char) < 0x20 or ord(char) == 0x7F for char in content):
            raise ApiError(400, CODE_INVALID_CONTENT, "TXT content contains control characters")
        if record_type == "CNAME" and not re.fullmatch(r"[A-Za-z0-9_.-]+\.?", content):
            raise ApiError(400, CODE_INVALID_CONTENT, "Content for CNAME record is invalid: %r"
                           % content)
        if record_type == "CNAME":
            return content.rstrip(".").lower()
        if record_type in ("A", "AAAA"):
            try:
                address = ipaddress.ip_address(content)
            except ValueError as error:
                raise ApiError(400, CODE_INVALID_CONTENT, "Content for %s record is invalid: %r"
                               % (record_type, content)) from error
            if address.version != (4 if record_type == "A" else 6):
                raise ApiError(400, CODE_INVALID_CONTENT, "Content for %s record is invalid: %r"
                               % (record_type, content))
        return content

    def _check_conflicts(self, zone, record):
        same_name = [other for other in self.records[zone["id"]]
                     if other["name"] == record["name"]]
        if record["type"] == "CNAME" and same_name:
            raise ApiError(400, 81053,
                           "An A, AAAA, or CNAME record with that host already exists.")
        if record["type"] != "CNAME" and any(other["type"] == "CNAME" for other in same_name):
            raise ApiError(400, 81054, "A CNAME record with that host already exists.")
        if any(other["type"] == record["type"] and other["content"] == record["content"]
               for other in same_name):
            raise ApiError(400, 81058, "An identical record already exists.")

    def _delete_record(self, credential, zone, record_id):
        self._require_zone_access(credential, zone, "dns.write")
        with self.lock:
            records = self.records[zone["id"]]
            record = next((item for item in records if item["id"] == record_id), None)
            if record is None:
                raise ApiError(404, 81044, "Record does not exist.")
            # Two records can publish the same DNS data (content "v" and "\"v\""),
            # so the DNS data goes only with the last of them.
            if not any(other is not record and same_rdata(other, record) for other in records):
                try:
                    self.dns.apply(zone["name"], [delete_command(record)])
                except DnsUpdateError as error:
                    raise ApiError(500, CODE_INTERNAL, "mock could not update DNS: %s"
                                   % error) from error
            records.remove(record)
        return 200, envelope(result={"id": record_id})

    # -- control API helpers ----------------------------------------------

    def zone_for_name(self, name):
        """Return the account zone with the longest suffix match for name."""
        name = name.lower().rstrip(".")
        candidates = [zone for zone in self.zones
                      if name == zone["name"] or name.endswith("." + zone["name"])]
        return max(candidates, key=lambda zone: len(zone["name"]), default=None)

    def reset(self, seeds):
        """Remove every record from the store and DNS, then add the seeds."""
        with self.lock:
            for zone in self.zones:
                records = self.records[zone["id"]]
                commands = []
                for index, record in enumerate(records):
                    if not any(same_rdata(record, later) for later in records[index + 1:]):
                        commands.append(delete_command(record))
                if commands:
                    self.dns.apply_everywhere(zone["name"], commands)
                records.clear()
            self.dns.reset([zone["name"] for zone in self.zones])
            self.page_size_limit = None
            for seed in seeds:
                self.seed_record(seed)

    def seed_record(self, seed):
        if not isinstance(seed, dict):
            raise ApiError(400, CODE_INVALID_REQUEST, "a seed record must be a JSON object")
        zone = (self.zones_by_id.get(seed["zone_id"]) if "zone_id" in seed
                else self.zone_for_name(str(seed.get("name", ""))))
        if zone is None:
            raise ApiError(400, CODE_INVALID_NAME, "no zone of the account holds seed %r" % seed)
        body = {key: value for key, value in seed.items() if key not in ("id", "zone_id")}
        return self.create_record(zone, body, record_id=seed.get("id"), everywhere=True)

    def all_records(self):
        with self.lock:
            return [dict(record, zone_id=zone["id"], zone_name=zone["name"])
                    for zone in self.zones for record in self.records[zone["id"]]]
