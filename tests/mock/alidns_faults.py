"""The alidns mock's side of mock_faults.py: faults whose code is an alidns
error code, and the kinds that change a normal alidns answer.

A fault is posted as mock_faults.py describes, with two differences: "path"
is a regular expression searched in "/" + Action (for example
"AddDomainRecord$"), and "code" is an alidns error code such as
"Throttling.User". Without a code, HTTP 5xx faults get InternalError or
ServiceUnavailable and other statuses Throttling.User.

Kinds that change the normal answer (the request is carried out first):
  duplicate_results  every item of DomainRecords.Record or Domains.Domain
                     appears twice
  reorder_results    those lists in reverse order
  endless_pages      TotalCount always counts one more record than the
                     pages so far held, and a page past the real ones holds
                     one filler record (or domain) that nobody created, so
                     the pages never run out
  overstated_total   TotalCount as above, but the pages past the real ones
                     are empty, as when the count and the pages disagree
  hostile_ids        every RecordId, DomainId, DomainName and PunyCode of
                     the answer becomes a string with control bytes, a path
                     and 300 characters
"""

from mock_faults import HOSTILE_ID, Fault, FaultSpecError

# Codes and messages of injected faults when the fault names none.
DEFAULT_FAULT_CODES = {
    500: ("InternalError", "The request processing has failed due to some unknown error."),
    502: ("ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    503: ("ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    504: ("ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
}
DEFAULT_FAULT_MESSAGES = {
    "Throttling": "Request was denied due to request throttling.",
    "Throttling.User": "Request was denied due to user flow control.",
    "Throttling.Api": "Request was denied due to api flow control.",
    "LastOperationNotFinished": "The last operation is not finished, please try again later.",
    "SignatureNonceUsed": "Specified signature nonce was used already.",
}
# RecordIds of filler records, far above the mock's own ids (alidns_api.FIRST_RECORD_ID).
FILLER_FIRST_RECORD_ID = 9000000000000000001


class AlidnsFault(Fault):
    """A mock_faults.Fault whose code is an alidns error code (a string)."""

    @staticmethod
    def default_error(status):
        return DEFAULT_FAULT_CODES.get(
            status, ("InternalError" if status >= 500 else "Throttling.User",
                     "fault injected by the mock"))

    @staticmethod
    def validated_code(value):
        if not isinstance(value, str) or not value:
            raise FaultSpecError("code must be an alidns error code string, got %r" % (value,))
        return value

    @staticmethod
    def default_message(code, fallback):
        del fallback
        return DEFAULT_FAULT_MESSAGES.get(code, "%s (fault injected by the mock)" % code)


def _listing(payload):
    """Return the list of records or domains of a listing answer, or None."""
    for outer, inner in (("DomainRecords", "Record"), ("Domains", "Domain")):
        container = payload.get(outer)
        if isinstance(container, dict) and isinstance(container.get(inner), list):
            return container[inner]
    return None


def transform_duplicate_results(payload):
    items = _listing(payload)
    if items is not None:
        items[:] = [item for item in items for _ in range(2)]
    return payload


def transform_reorder_results(payload):
    items = _listing(payload)
    if items is not None:
        items.reverse()
    return payload


def _overstate_total(payload):
    """Make TotalCount one more than the records of this page and all before it."""
    number = payload.get("PageNumber", 1)
    size = payload.get("PageSize", 1)
    if isinstance(number, int) and isinstance(size, int):
        payload["TotalCount"] = number * size + 1


def _filler(payload):
    """Return an item that nobody created, of the kind the listing holds."""
    number = payload.get("PageNumber", 1)
    if "Domains" in payload:
        name = "endless-page-%d.invalid" % number
        return {"DomainId": "00000000-0000-4000-8000-%012d" % number, "DomainName": name,
                "PunyCode": name, "RecordCount": 0}
    return {"RecordId": str(FILLER_FIRST_RECORD_ID + number), "RR": "endless-page-filler",
            "Type": "TXT", "Value": "filler of page %d" % number, "TTL": 600,
            "Line": "default", "Status": "Enable", "Locked": False, "Weight": 1, "Remark": ""}


def transform_endless_pages(payload):
    items = _listing(payload)
    if items is not None:
        _overstate_total(payload)
        if not items:
            items.append(_filler(payload))
    return payload


def transform_overstated_total(payload):
    if _listing(payload) is not None:
        _overstate_total(payload)
    return payload


def transform_hostile_ids(payload):
    items = [payload] + (_listing(payload) or [])
    for item in items:
        if isinstance(item, dict):
            for key in ("RecordId", "DomainId", "DomainName", "PunyCode"):
                if key in item:
                    item[key] = HOSTILE_ID
    return payload


TRANSFORMS = {
    "duplicate_results": transform_duplicate_results,
    "reorder_results": transform_reorder_results,
    "endless_pages": transform_endless_pages,
    "overstated_total": transform_overstated_total,
    "hostile_ids": transform_hostile_ids,
}
