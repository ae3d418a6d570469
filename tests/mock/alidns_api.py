"""Alibaba Cloud DNS (alidns) RPC API 2015-01-09 behaviour of the alidns mock.

Written from Alibaba Cloud's public API reference and from error responses
that users published, not from the hooks' code. What it checks on every
request, in this order:

  1. for signature version 1.0, the common parameters: Format=JSON
     (anything else gets an XML error, as the real API returns XML by
     default), Version=2015-01-09,
     SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, a Timestamp in
     ISO 8601 UTC within 15 minutes of the mock's clock
     (InvalidTimeStamp.Expired), a known AccessKeyId
     (InvalidAccessKeyId.NotFound), the signature version 1.0 recomputed
     over the query (GET) or the query and form body merged (POST)
     (SignatureDoesNotMatch, whose message shows the server's string to
     sign), a SignatureNonce not seen before (SignatureNonceUsed), and the
     SecurityToken of an STS AccessKey;
     for signature version 3 (a request with an "Authorization:
     ACS3-HMAC-SHA256 ..." header), the x-acs-* headers instead: all of
     host, x-acs-action, x-acs-content-sha256, x-acs-date,
     x-acs-signature-nonce and x-acs-version signed, x-acs-version
     2015-01-09, the date window and nonce as above, the SHA-256 of the
     body, the signature recomputed over the canonical request (whose
     string to sign a SignatureDoesNotMatch message shows), and a signed
     x-acs-security-token for an STS AccessKey; the response is JSON;
  2. the action (the Action parameter, or x-acs-action) and its parameters.

Error bodies have the real shape {"RequestId", "HostId", "Code", "Message",
"Recommend"}. HTTP statuses follow observed responses: 400 for most codes,
404 for InvalidAccessKeyId.NotFound and unknown actions, 403 for Forbidden.

Accounts: the "main" account owns the configured zones. A credential may be
scoped by a RAM policy to some domains ("ram_domains"): then DescribeDomains
and every action on other domains return Forbidden.RAM. A credential of
another account ("account": "empty") owns no zones, so the main account's
zones return IncorrectDomainUser for it, and unknown names return
InvalidDomainName.NoExist.

Records carry the fields of the API's listings: RecordId, RR, Type, Value,
TTL, Line, Status ("Enable" or "Disable"), Locked, Weight and Remark.
AddDomainRecord takes a Line from the primary line codes;
UpdateDomainRecordRemark and SetDomainRecordStatus change a record's Remark
and Status. Duplicates and CNAME conflicts are checked per line, whatever
the status. The knot servers get only the records a resolver on the default
line would be answered with: enabled ones of the line "default".
"""

import base64
import calendar
import hashlib
import hmac
import ipaddress
import itertools
import re
import threading
import time
import urllib.parse
import uuid

from mock_dns import DnsUpdateError, add_command, delete_command, same_rdata

API_VERSION = "2015-01-09"
HOST_ID = "alidns.aliyuncs.com"
TIMESTAMP_WINDOW_SECONDS = 15 * 60
DEFAULT_PAGE_SIZE = 20
# Current API reference: DescribeDomains and DescribeSubDomainRecords take
# at most 100, DescribeDomainRecords at most 500. Larger values are lowered.
MAX_PAGE_SIZE = {"DescribeDomains": 100, "DescribeSubDomainRecords": 100,
                 "DescribeDomainRecords": 500}
DEFAULT_TTL = 600
# TTL range of the free edition, which every mock zone has.
EDITION_MIN_TTL = 600
MAX_TTL = 86400
SUPPORTED_TYPES = ("A", "AAAA", "CNAME", "TXT")
# NOTE: the API reference states no maximum for a record's remark; this is
# the 50 characters that it states for a domain's remark (UpdateDomainRemark),
# and the error code for a longer one is the mock's own.
REMARK_MAX_CHARS = 50
TXT_VALUE_MAX_CHARS = 512
# The primary line codes of the resolution line enumeration
# (https://help.aliyun.com/en/dns/pubz-resolve-line-enumeration/). The rig's
# knot servers serve what a resolver on the default line would get, so only
# records of the line "default" are published to them.
LINES = ("default", "telecom", "unicom", "mobile", "edu", "drpeng", "btvn", "cstnet", "wexchange",
         "founder", "topway_video", "wasu", "ocn", "cnix", "bgctv", "aliyun", "search", "oversea",
         "internal")
PUBLISHED_LINE = "default"
RECORD_STATUSES = ("Enable", "Disable")
FIRST_RECORD_ID = 1892000000000000001


class ApiError(Exception):
    """An error response: HTTP status, Code and Message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def percent_encode(text):
    """RFC 3986 percent-encoding with uppercase hex, as signature 1.0 requires."""
    return urllib.parse.quote(text, safe="-_.~", encoding="utf-8")


def canonical_query(params):
    pairs = sorted((percent_encode(name), percent_encode(value))
                   for name, value in params.items() if name != "Signature")
    return "&".join("%s=%s" % pair for pair in pairs)


def string_to_sign(method, params):
    return "%s&%s&%s" % (method, percent_encode("/"), percent_encode(canonical_query(params)))


def v1_signature(method, params, secret):
    digest = hmac.new((secret + "&").encode("utf-8"), string_to_sign(method, params).encode("utf-8"),
                      hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def new_request_id():
    return str(uuid.uuid4()).upper()


def error_body(code, message, request_id=None):
    request_id = request_id or new_request_id()
    return {
        "RequestId": request_id,
        "HostId": HOST_ID,
        "Code": code,
        "Message": message,
        "Recommend": "https://api.aliyun.com/troubleshoot?q=%s&product=Alidns&requestId=%s"
                     % (code, request_id),
    }


class Credential:
    """One AccessKey of the mock, with its account and RAM scope."""

    def __init__(self, entry):
        self.name = entry["name"]
        self.access_key_id = entry["access_key_id"]
        self.access_key_secret = entry["access_key_secret"]
        self.security_token = entry.get("security_token")
        self.expired = bool(entry.get("expired", False))
        self.account = entry.get("account", "main")
        ram = entry.get("ram_domains")
        self.ram_domains = None if ram is None else {name.lower() for name in ram}

    def allows_domain(self, domain):
        return self.ram_domains is None or domain in self.ram_domains

    def secrets(self):
        return [value for value in (self.access_key_secret, self.security_token) if value]


V3_ALGORITHM = "ACS3-HMAC-SHA256"
V3_REQUIRED_HEADERS = ("host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                       "x-acs-signature-nonce", "x-acs-version")
V3_AUTHORIZATION = re.compile(V3_ALGORITHM + r" Credential=([^,]+),SignedHeaders=([^,]+),"
                              r"Signature=([0-9a-f]{64})")


def v3_canonical_request(method, params, headers, signed_names, hashed_payload):
    """The canonical request of signature version 3; headers maps lowercase names to values."""
    header_lines = "".join("%s:%s\n" % (name, headers[name].strip()) for name in signed_names)
    return "%s\n/\n%s\n%s\n%s\n%s" % (method, canonical_query(params), header_lines,
                                     ";".join(signed_names), hashed_payload)


def v3_signature(canonical_request, secret):
    string_to_sign = "%s\n%s" % (V3_ALGORITHM,
                                 hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"),
                    hashlib.sha256).hexdigest()


class Request:
    """One API request as the HTTP layer parsed it: merged parameters, the
    method, and for signature version 3 the lowercase headers and the body."""

    def __init__(self, method, params, client_ip, headers=None, body=b"", query=None):
        self.method = method
        self.params = params
        self.client_ip = client_ip
        self.headers = headers or {}
        self.body = body
        # The query parameters alone, which a version 3 signature covers; the
        # body counts through its SHA-256.
        self.query = params if query is None else query

    @property
    def is_v3(self):
        return self.headers.get("authorization", "").startswith(V3_ALGORITHM + " ")

    @property
    def action(self):
        return self.headers.get("x-acs-action", "") if self.is_v3 else self.params.get("Action", "")


class AlidnsApi:
    """The accounts, zones and records, and the API actions."""

    def __init__(self, accounts, dns):
        self.zones = [dict(zone, name=zone["name"].lower()) for zone in accounts["zones"]]
        self.zones_by_name = {zone["name"]: zone for zone in self.zones}
        self.foreign_domains = {name.lower() for name in accounts.get("foreign_domains", [])}
        self.name_servers = accounts.get("name_servers", [])
        self.credentials = [Credential(entry) for entry in accounts["credentials"]]
        self.credentials_by_id = {c.access_key_id: c for c in self.credentials}
        self.secrets = sorted({s for c in self.credentials for s in c.secrets()}, key=len,
                              reverse=True)
        self.dns = dns
        self.lock = threading.RLock()
        self.records = {zone["name"]: [] for zone in self.zones}
        self.unlisted = {}
        self.record_ids = itertools.count(FIRST_RECORD_ID)
        self.nonces = {}
        self.page_size_limit = None
        self.clock_skew = 0.0

    # -- helpers ------------------------------------------------------------

    def now(self):
        """The mock's clock: real time plus the configured skew, in seconds."""
        return time.time() + self.clock_skew

    def redact(self, text):
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text

    def contains_secret(self, text):
        return any(secret in text for secret in self.secrets)

    def account_zones(self, credential):
        return self.zones if credential.account == "main" else []

    # -- authentication -----------------------------------------------------

    def authenticate(self, request, log_info):
        """Check the common parameters and the signature; return the Credential."""
        if request.is_v3:
            return self.authenticate_v3(request, log_info)
        log_info["signature"] = "HMAC-SHA1"
        params = request.params
        for name in ("AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce",
                     "SignatureVersion", "Timestamp", "Version"):
            if not params.get(name):
                raise ApiError(400, "Missing" + name, "%s is mandatory for this action." % name)
        if params["Version"] != API_VERSION:
            raise ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        if params["SignatureMethod"] != "HMAC-SHA1":
            raise ApiError(400, "InvalidSignatureMethod",
                           "Specified signature method is not supported.")
        if params["SignatureVersion"] != "1.0":
            raise ApiError(400, "InvalidSignatureVersion",
                           "Specified signature version is not supported.")
        self._check_timestamp(params["Timestamp"])

        credential = self.credentials_by_id.get(params["AccessKeyId"])
        if credential is None:
            raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        log_info["credential"] = credential.name

        expected = v1_signature(request.method, params, credential.access_key_secret)
        if not hmac.compare_digest(expected, params["Signature"]):
            raise ApiError(400, "SignatureDoesNotMatch",
                           "Specified signature is not matched with our calculation. server string "
                           "to sign is:%s" % string_to_sign(request.method, params))
        log_info["signature_valid"] = True

        self._check_nonce(credential, params["SignatureNonce"])
        self._check_security_token(credential, params.get("SecurityToken"))
        return credential

    def authenticate_v3(self, request, log_info):
        """Check the x-acs-* headers and the ACS3-HMAC-SHA256 signature; return the Credential."""
        log_info["signature"] = V3_ALGORITHM
        headers = request.headers
        match = V3_AUTHORIZATION.fullmatch(headers["authorization"])
        if match is None:
            raise ApiError(400, "IncompleteSignature",
                           "The request signature does not conform to Aliyun standards: the "
                           "Authorization header is not 'ACS3-HMAC-SHA256 Credential=ID,"
                           "SignedHeaders=NAMES,Signature=HEX'.")
        access_key_id, signed_text, signature = match.groups()
        signed_names = signed_text.split(";")
        if signed_names != sorted(set(signed_names)) or any(name not in headers for name in signed_names):
            raise ApiError(400, "IncompleteSignature",
                           "SignedHeaders must be sorted, unique, and name headers of the request.")
        missing = [name for name in V3_REQUIRED_HEADERS if name not in signed_names]
        if missing:
            raise ApiError(400, "IncompleteSignature",
                           "The headers %s must be signed." % ", ".join(missing))
        if headers["x-acs-version"] != API_VERSION:
            raise ApiError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        self._check_timestamp(headers["x-acs-date"])

        credential = self.credentials_by_id.get(access_key_id)
        if credential is None:
            raise ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        log_info["credential"] = credential.name

        if hashlib.sha256(request.body).hexdigest() != headers["x-acs-content-sha256"]:
            raise ApiError(400, "SignatureDoesNotMatch",
                           "The x-acs-content-sha256 header is not the SHA-256 of the body.")
        canonical = v3_canonical_request(request.method, request.query, headers, signed_names,
                                         headers["x-acs-content-sha256"])
        if not hmac.compare_digest(v3_signature(canonical, credential.access_key_secret), signature):
            raise ApiError(400, "SignatureDoesNotMatch",
                           "The request signature does not conform to Aliyun standards. server "
                           "string to sign is:%s\n%s" % (V3_ALGORITHM, hashlib.sha256(
                               canonical.encode("utf-8")).hexdigest()))
        log_info["signature_valid"] = True

        self._check_nonce(credential, headers["x-acs-signature-nonce"])
        token = headers.get("x-acs-security-token") if "x-acs-security-token" in signed_names else None
        self._check_security_token(credential, token)
        return credential

    def _check_nonce(self, credential, nonce):
        with self.lock:
            self._forget_old_nonces()
            key = (credential.access_key_id, nonce)
            if key in self.nonces:
                raise ApiError(400, "SignatureNonceUsed",
                               "Specified signature nonce was used already.")
            self.nonces[key] = time.monotonic()

    @staticmethod
    def _check_security_token(credential, token):
        if credential.security_token is not None:
            if token != credential.security_token:
                raise ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey" if token else
                               "InvalidSecurityToken.Malformed",
                               "The security token you provided does not match your access key."
                               if token else "The security token you provided is malformed.")
            if credential.expired:
                raise ApiError(400, "InvalidSecurityToken.Expired",
                               "Specified SecurityToken is expired.")

    def _check_timestamp(self, text):
        try:
            signed = calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError as error:
            raise ApiError(400, "InvalidTimeStamp.Format",
                           "Specified time stamp or date value is not well formatted.") from error
        if abs(self.now() - signed) > TIMESTAMP_WINDOW_SECONDS:
            raise ApiError(400, "InvalidTimeStamp.Expired",
                           "Specified time stamp or date value is expired.")

    def _forget_old_nonces(self):
        # A nonce older than the timestamp window cannot be replayed anyway.
        cutoff = time.monotonic() - 2 * TIMESTAMP_WINDOW_SECONDS
        for key in [key for key, seen in self.nonces.items() if seen < cutoff]:
            del self.nonces[key]

    # -- routing ------------------------------------------------------------

    def perform(self, request, credential):
        """Carry out the action of a request that authenticate accepted; return (status, body dict)."""
        try:
            action = request.action
            handler = {
                "DescribeDomains": self.describe_domains,
                "DescribeSubDomainRecords": self.describe_sub_domain_records,
                "DescribeDomainRecords": self.describe_domain_records,
                "AddDomainRecord": self.add_domain_record,
                "DeleteDomainRecord": self.delete_domain_record,
                "UpdateDomainRecordRemark": self.update_domain_record_remark,
                "SetDomainRecordStatus": self.set_domain_record_status,
            }.get(action)
            if handler is None:
                raise ApiError(404, "InvalidAction.NotFound",
                               "Specified api is not found, please check your url and method.")
            body = handler(request.params, credential)
            body["RequestId"] = new_request_id()
            return 200, body
        except ApiError as error:
            return error.status, error_body(error.code, error.message)

    # -- zones and access -----------------------------------------------------

    def _domain_for(self, credential, name, action):
        """Return the zone called name that the credential may use, or raise."""
        name = (name or "").lower().rstrip(".")
        if not name:
            raise ApiError(400, "MissingDomainName", "DomainName is mandatory for this action.")
        if not credential.allows_domain(name):
            raise self._forbidden_ram(action)
        zone = self.zones_by_name.get(name)
        if zone is not None and credential.account == "main":
            return zone
        if zone is not None or name in self.foreign_domains:
            raise ApiError(400, "IncorrectDomainUser",
                           "The domain name belongs to other users. Transfer the domain name to "
                           "the current user and then try the binding and setting actions.")
        raise ApiError(400, "InvalidDomainName.NoExist",
                       "The specified domain name does not exist. Refresh the page and try again.")

    @staticmethod
    def _forbidden_ram(action):
        return ApiError(400, "Forbidden.RAM",
                        "User not authorized to operate on the specified resource, or this API "
                        "doesn't support RAM. (action alidns:%s)" % action)

    def _page(self, params, action, items):
        """Return (page items, page number, page size used)."""
        number = self._positive_int(params, "PageNumber", 1)
        size = min(self._positive_int(params, "PageSize", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE[action])
        if self.page_size_limit is not None:
            size = min(size, self.page_size_limit)
        start = (number - 1) * size
        return items[start:start + size], number, size

    @staticmethod
    def _positive_int(params, name, default):
        text = params.get(name)
        if text is None or text == "":
            return default
        if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
            raise ApiError(400, "InvalidParameter", "The specified parameter %s is invalid." % name)
        return int(text)

    def _domain_object(self, zone):
        records = self.records[zone["name"]]
        return {
            "DomainId": zone["domain_id"],
            "DomainName": zone.get("display_name", zone["name"]),
            "PunyCode": zone["name"],
            "AliDomain": False,
            "RecordCount": len(records),
            "VersionCode": "mianfei",
            "VersionName": "Alibaba Cloud DNS",
            "InstanceId": "",
            "DnsServers": {"DnsServer": list(self.name_servers)},
            "GroupId": "",
            "GroupName": "",
            "CreateTime": "2024-01-02T03:04Z",
            "CreateTimestamp": 1704164645000,
            "Remark": "",
            "Starmark": False,
            "ResourceGroupId": "rg-mock",
            "Tags": {"Tag": []},
        }

    # -- actions ------------------------------------------------------------

    def describe_domains(self, params, credential):
        if credential.ram_domains is not None:
            raise self._forbidden_ram("DescribeDomains")
        zones = self.account_zones(credential)
        keyword = (params.get("KeyWord") or "").lower()
        if keyword:
            if params.get("SearchMode", "LIKE").upper() == "EXACT":
                zones = [zone for zone in zones if zone["name"] == keyword]
            else:
                zones = [zone for zone in zones if keyword in zone["name"]]
        with self.lock:
            page, number, size = self._page(params, "DescribeDomains", zones)
            domains = [self._domain_object(zone) for zone in page]
        return {"TotalCount": len(zones), "PageNumber": number, "PageSize": size,
                "Domains": {"Domain": domains}}

    def _record_listing(self, params, action, records):
        page, number, size = self._page(params, action, records)
        return {"TotalCount": len(records), "PageNumber": number, "PageSize": size,
                "DomainRecords": {"Record": [dict(record) for record in page]}}

    def _listable(self, records):
        """Drop records still marked unlisted (a listing lagging behind writes), counting down."""
        visible = []
        for record in records:
            remaining = self.unlisted.get(record["RecordId"], 0)
            if remaining > 0:
                self.unlisted[record["RecordId"]] = remaining - 1
                continue
            visible.append(record)
        return visible

    def describe_sub_domain_records(self, params, credential):
        sub_domain = (params.get("SubDomain") or "").lower().rstrip(".")
        if not sub_domain:
            raise ApiError(400, "MissingSubDomain", "SubDomain is mandatory for this action.")
        domain_name = params.get("DomainName")
        if domain_name:
            zone = self._domain_for(credential, domain_name, "DescribeSubDomainRecords")
        else:
            zone = self._zone_by_suffix(sub_domain)
            if zone is None:
                raise ApiError(400, "InvalidDomainName.NoExist",
                               "The specified domain name does not exist. Refresh the page and "
                               "try again.")
            zone = self._domain_for(credential, zone["name"], "DescribeSubDomainRecords")
        rr = self._relative_rr(sub_domain, zone["name"])
        record_type = (params.get("Type") or "").upper()
        with self.lock:
            records = [record for record in self.records[zone["name"]]
                       if record["RR"].lower() == rr
                       and (not record_type or record["Type"] == record_type)]
            records = self._listable(records)
            return self._record_listing(params, "DescribeSubDomainRecords", records)

    def describe_domain_records(self, params, credential):
        zone = self._domain_for(credential, params.get("DomainName"), "DescribeDomainRecords")
        filters = []
        rr_keyword = (params.get("RRKeyWord") or "").lower()
        if rr_keyword:
            filters.append(lambda record: rr_keyword in record["RR"].lower())
        value_keyword = (params.get("ValueKeyWord") or "").lower()
        if value_keyword:
            filters.append(lambda record: value_keyword in record["Value"].lower())
        type_keyword = (params.get("TypeKeyWord") or params.get("Type") or "").upper()
        if type_keyword:
            filters.append(lambda record: record["Type"] == type_keyword)
        keyword = (params.get("KeyWord") or "").lower()
        if keyword:
            filters.append(lambda record: keyword in record["RR"].lower()
                           or keyword in record["Value"].lower())
        with self.lock:
            records = [record for record in self.records[zone["name"]]
                       if all(test(record) for test in filters)]
            records = self._listable(records)
            return self._record_listing(params, "DescribeDomainRecords", records)

    def add_domain_record(self, params, credential):
        zone = self._domain_for(credential, params.get("DomainName"), "AddDomainRecord")
        with self.lock:
            record = self.create_record(zone, params)
        return {"RecordId": record["RecordId"]}

    def delete_domain_record(self, params, credential):
        with self.lock:
            zone, record = self._owned_record(params, credential, "DeleteDomainRecord")
            self._delete(zone, record)
            return {"RecordId": record["RecordId"]}

    def update_domain_record_remark(self, params, credential):
        remark = params.get("Remark") or ""
        if len(remark) > REMARK_MAX_CHARS:
            raise ApiError(400, "InvalidRemark.Length",
                           "The remark must be at most %d characters long." % REMARK_MAX_CHARS)
        with self.lock:
            _, record = self._owned_record(params, credential, "UpdateDomainRecordRemark")
            # An empty or missing Remark deletes the remark, as the API reference states.
            record["Remark"] = remark
        return {}

    def set_domain_record_status(self, params, credential):
        status = params.get("Status") or ""
        if status.lower() not in [value.lower() for value in RECORD_STATUSES]:
            raise ApiError(400, "InvalidStatus", "The specified status is invalid; use Enable or Disable.")
        status = status.capitalize()
        with self.lock:
            zone, record = self._owned_record(params, credential, "SetDomainRecordStatus")
            if record["Status"] != status:
                was_published = self._published(record)
                record["Status"] = status
                self._publish_change(zone, record, was_published)
        return {"RecordId": record["RecordId"], "Status": status}

    def _owned_record(self, params, credential, action):
        """Return (zone, record) of params["RecordId"] when the credential may change it. Callers hold self.lock."""
        record_id = params.get("RecordId") or ""
        if not record_id:
            raise ApiError(400, "MissingRecordId", "RecordId is mandatory for this action.")
        for zone in self.account_zones(credential):
            record = next((item for item in self.records[zone["name"]] if item["RecordId"] == record_id),
                          None)
            if record is None:
                continue
            if not credential.allows_domain(zone["name"]):
                raise self._forbidden_ram(action)
            return zone, record
        raise ApiError(400, "DomainRecordNotBelongToUser",
                       "The DNS record does not exist in your account.")

    # -- record store -------------------------------------------------------

    def _zone_by_suffix(self, name):
        candidates = [zone for zone in self.zones
                      if name == zone["name"] or name.endswith("." + zone["name"])]
        return max(candidates, key=lambda zone: len(zone["name"]), default=None)

    @staticmethod
    def _relative_rr(name, zone_name):
        if name == zone_name:
            return "@"
        if not name.endswith("." + zone_name):
            raise ApiError(400, "InvalidParameter",
                           "The specified SubDomain %s is not under the domain %s."
                           % (name, zone_name))
        return name[:-len(zone_name) - 1]

    @staticmethod
    def _fqdn(record, zone):
        return zone["name"] if record["RR"] == "@" else "%s.%s" % (record["RR"].lower(), zone["name"])

    def _dns_record(self, record, zone):
        return {"name": self._fqdn(record, zone), "type": record["Type"],
                "content": record["Value"], "ttl": record["TTL"]}

    def create_record(self, zone, params, record_id=None, everywhere=False, status="Enable", remark=""):
        """Validate, apply to DNS and store a record; return it. Callers hold self.lock.

        AddDomainRecord always creates an enabled record without a remark;
        seeds may set both, as UpdateDomainRecordRemark and
        SetDomainRecordStatus would afterwards.
        """
        rr = params.get("RR") or ""
        if not rr:
            raise ApiError(400, "MissingRR", "RR is mandatory for this action.")
        if rr != "@" and (not re.fullmatch(r"[A-Za-z0-9_*.-]+", rr)
                          or any(not 1 <= len(label) <= 63 for label in rr.split("."))
                          or len(rr) + len(zone["name"]) + 1 > 253):
            raise ApiError(400, "InvalidRR.Format", "The host record format is invalid.")
        record_type = (params.get("Type") or "").upper()
        if record_type not in SUPPORTED_TYPES:
            raise ApiError(400, "InvalidType", "The record type %r is invalid (the mock supports "
                           "%s)." % (params.get("Type"), ", ".join(SUPPORTED_TYPES)))
        value = self._validated_value(record_type, params.get("Value"))
        ttl = self._validated_ttl(params.get("TTL"))
        line = params.get("Line") or PUBLISHED_LINE
        if line not in LINES:
            raise ApiError(400, "InvalidLine", "The specified line %r is invalid." % line)

        same_rr = [other for other in self.records[zone["name"]]
                   if other["RR"].lower() == rr.lower() and other["Line"] == line]
        if any(other["Type"] == record_type and other["Value"] == value for other in same_rr):
            raise ApiError(400, "DomainRecordDuplicate", "The DNS record already exists.")
        if (record_type == "CNAME" and same_rr) or any(other["Type"] == "CNAME" for other in same_rr):
            raise ApiError(400, "DomainRecordConflict",
                           "The DNS record conflicts with an existing record: a CNAME record "
                           "cannot coexist with other records of the same host and line.")

        record = {
            "DomainName": zone["name"],
            "RecordId": record_id or str(next(self.record_ids)),
            "RR": rr,
            "Type": record_type,
            "Value": value,
            "TTL": ttl,
            "Line": line,
            "Status": status,
            "Locked": False,
            "Weight": 1,
            "Remark": remark,
            "CreateTimestamp": int(self.now() * 1000),
        }
        if self._published(record):
            try:
                if everywhere:
                    self.dns.apply_everywhere(zone["name"], [add_command(self._dns_record(record, zone))])
                else:
                    self.dns.apply(zone["name"], [add_command(self._dns_record(record, zone))])
            except DnsUpdateError as error:
                raise ApiError(500, "InternalError", "mock could not update DNS: %s" % error) from error
        self.records[zone["name"]].append(record)
        return record

    @staticmethod
    def _validated_value(record_type, value):
        if not isinstance(value, str) or value == "":
            raise ApiError(400, "MissingValue", "Value is mandatory for this action.")
        if record_type == "TXT":
            if len(value) > TXT_VALUE_MAX_CHARS or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
                raise ApiError(400, "InvalidValue.Format", "The TXT record value is invalid.")
            return value
        if record_type == "CNAME":
            if not re.fullmatch(r"[A-Za-z0-9_.-]+\.?", value):
                raise ApiError(400, "InvalidValue.Format", "The CNAME record value is invalid.")
            return value.rstrip(".").lower()
        try:
            address = ipaddress.ip_address(value)
        except ValueError as error:
            raise ApiError(400, "InvalidValue.Format", "The %s record value is invalid."
                           % record_type) from error
        if address.version != (4 if record_type == "A" else 6):
            raise ApiError(400, "InvalidValue.Format", "The %s record value is invalid." % record_type)
        return value

    @staticmethod
    def _validated_ttl(text):
        if text is None or text == "":
            return DEFAULT_TTL
        if not re.fullmatch(r"[0-9]{1,9}", str(text)):
            raise ApiError(400, "InvalidTTL", "The specified TTL is invalid.")
        ttl = int(text)
        if not EDITION_MIN_TTL <= ttl <= MAX_TTL:
            raise ApiError(400, "QuotaExceeded.TTL",
                           "The specified TTL is invalid. A valid TTL must be in the range of "
                           "%d to %d." % (EDITION_MIN_TTL, MAX_TTL))
        return ttl

    @staticmethod
    def _published(record):
        """True when the rig's nameservers serve the record: enabled and on the default line."""
        return record["Status"] == "Enable" and record["Line"] == PUBLISHED_LINE

    def _publish_change(self, zone, record, was_published):
        """Add the record to DNS or delete it from there after its status changed."""
        dns_record = self._dns_record(record, zone)
        if self._published(record) == was_published:
            return
        others = [other for other in self.records[zone["name"]]
                  if other is not record and self._published(other)
                  and same_rdata(self._dns_record(other, zone), dns_record)]
        if others:
            return
        command = add_command(dns_record) if self._published(record) else delete_command(dns_record)
        try:
            self.dns.apply(zone["name"], [command])
        except DnsUpdateError as error:
            raise ApiError(500, "InternalError", "mock could not update DNS: %s" % error) from error

    def _delete(self, zone, record):
        records = self.records[zone["name"]]
        dns_record = self._dns_record(record, zone)
        if self._published(record) and not any(
                other is not record and self._published(other)
                and same_rdata(self._dns_record(other, zone), dns_record) for other in records):
            try:
                self.dns.apply(zone["name"], [delete_command(dns_record)])
            except DnsUpdateError as error:
                raise ApiError(500, "InternalError", "mock could not update DNS: %s"
                               % error) from error
        records.remove(record)
        self.unlisted.pop(record["RecordId"], None)

    # -- control API helpers --------------------------------------------------

    def reset(self, seeds):
        """Remove every record from the store and DNS, then add the seeds."""
        with self.lock:
            for zone in self.zones:
                records = self.records[zone["name"]]
                commands = []
                published = [record for record in records if self._published(record)]
                for index, record in enumerate(published):
                    dns_record = self._dns_record(record, zone)
                    if not any(same_rdata(dns_record, self._dns_record(later, zone))
                               for later in published[index + 1:]):
                        commands.append(delete_command(dns_record))
                if commands:
                    self.dns.apply_everywhere(zone["name"], commands)
                records.clear()
            self.unlisted.clear()
            self.dns.reset([zone["name"] for zone in self.zones])
            self.page_size_limit = None
            self.clock_skew = 0.0
            for seed in seeds:
                self.seed_record(seed)

    def seed_record(self, seed):
        """Add a record from {"name", "type", "value", "ttl"?, "line"?, "remark"?,
        "status"?, "id"?, "unlisted"?}."""
        if not isinstance(seed, dict) or not isinstance(seed.get("name"), str):
            raise ValueError("a seed record must be a JSON object with a name")
        name = seed["name"].lower().rstrip(".")
        zone = self._zone_by_suffix(name)
        if zone is None:
            raise ValueError("no zone of the account holds seed %r" % seed)
        status = seed.get("status", "Enable")
        if status not in RECORD_STATUSES:
            raise ValueError("status must be one of %s" % ", ".join(RECORD_STATUSES))
        remark = seed.get("remark", "")
        if not isinstance(remark, str) or len(remark) > REMARK_MAX_CHARS:
            raise ValueError("remark must be a string of at most %d characters" % REMARK_MAX_CHARS)
        params = {"RR": self._relative_rr(name, zone["name"]), "Type": seed.get("type", "TXT"),
                  "Value": seed.get("value", ""), "TTL": str(seed.get("ttl", DEFAULT_TTL)),
                  "Line": seed.get("line", PUBLISHED_LINE)}
        record = self.create_record(zone, params, record_id=seed.get("id"), everywhere=True,
                                    status=status, remark=remark)
        unlisted = seed.get("unlisted", 0)
        if not isinstance(unlisted, int) or unlisted < 0:
            raise ValueError("unlisted must be a non-negative integer")
        if unlisted:
            self.unlisted[record["RecordId"]] = unlisted
        return record

    def all_records(self):
        with self.lock:
            return [dict(record, Name=self._fqdn(record, zone))
                    for zone in self.zones for record in self.records[zone["name"]]]
