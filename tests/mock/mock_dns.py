"""Apply the mock's record changes to the rig's authoritative knotd servers.

Changes go out as RFC 2136 dynamic updates over TCP, built with dnspython in
this process. Starting a knsupdate process per change cost 7-10 ms (the
mock's log), more than the hooks' own work in the overhead benchmark.

The first server receives each change before the API call returns. The other
servers receive it after a configurable delay, which imitates a provider whose
authoritative servers do not all update at the same moment.
"""

import concurrent.futures
import heapq
import itertools
import logging
import threading
import time

import dns.exception
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.update

LOG = logging.getLogger("cloudflare-mock.dns")

# Bound for one update or zone transfer with a loopback server.
QUERY_TIMEOUT_SECONDS = 5
DNS_PORT = 53
# TTL written to DNS for Cloudflare's "automatic" TTL (API value 1). Cloudflare
# documents Auto as 300 s.
AUTOMATIC_TTL_SECONDS = 300
TXT_STRING_MAX_BYTES = 255
ACME_LABEL_PREFIX = "_acme-challenge"


class DnsUpdateError(Exception):
    """An update or zone transfer failed or was rejected by the server."""


def parse_quoted_strings(text):
    """Parse RFC 1035 quoted character-strings separated by blanks.

    Return a list of byte strings, or None when the text is not a sequence of
    complete quoted strings (for example `"a"b"`).
    """
    strings = []
    position = 0
    length = len(text)
    while position < length:
        if text[position] in " \t":
            position += 1
            continue
        if text[position] != '"':
            return None
        position += 1
        current = bytearray()
        while True:
            if position >= length:
                return None
            char = text[position]
            if char == '"':
                position += 1
                break
            if char == "\\":
                escaped = text[position + 1:position + 4]
                if len(escaped) == 3 and escaped.isdigit() and int(escaped) < 256:
                    current.append(int(escaped))
                    position += 4
                    continue
                if position + 1 >= length:
                    return None
                current.extend(text[position + 1].encode("utf-8"))
                position += 2
                continue
            current.extend(char.encode("utf-8"))
            position += 1
        strings.append(bytes(current))
    return strings if strings else None


def split_bytes(data, size):
    """Split data into chunks of at most size bytes (one empty chunk for b"")."""
    if not data:
        return [b""]
    return [data[start:start + size] for start in range(0, len(data), size)]


def txt_strings(content):
    """Return the character-strings that a Cloudflare TXT content publishes.

    Content in quotes is read as one or more RFC 1035 quoted strings, which is
    how the current API schema describes TXT content. Any other content is one
    literal value, split into 255-byte strings as Cloudflare does.
    """
    if len(content) >= 2 and content.startswith('"') and content.endswith('"'):
        parsed = parse_quoted_strings(content)
        if parsed is not None:
            parsed = [piece for string in parsed
                      for piece in split_bytes(string, TXT_STRING_MAX_BYTES)]
            return parsed
        content = content[1:-1]
    return split_bytes(content.encode("utf-8"), TXT_STRING_MAX_BYTES)


def presentation_string(data):
    """Format bytes as one quoted string that zone-file parsers read back unchanged.

    Quotes and backslashes are escaped and every byte outside printable ASCII
    becomes \\DDD, so the text stays one line and one string.
    """
    pieces = ['"']
    for byte in data:
        if byte in (0x22, 0x5C):
            pieces.append("\\" + chr(byte))
        elif 0x20 <= byte <= 0x7E:
            pieces.append(chr(byte))
        else:
            pieces.append("\\%03d" % byte)
    pieces.append('"')
    return "".join(pieces)


def rdata_text(record_type, content):
    """Return the zone-file form of a record's content."""
    if record_type == "TXT":
        return " ".join(presentation_string(string) for string in txt_strings(content))
    if record_type == "CNAME":
        return content.rstrip(".") + "."
    return content


def dns_ttl(ttl):
    return AUTOMATIC_TTL_SECONDS if ttl == 1 else ttl


def add_command(record):
    """Return the update that adds a record: (operation, name, ttl, type, rdata)."""
    return ("add", record["name"], dns_ttl(record["ttl"]), record["type"],
            rdata_text(record["type"], record["content"]))


def delete_command(record):
    """Return the update that deletes one record, leaving the rest of its RRset."""
    return ("delete", record["name"], None, record["type"],
            rdata_text(record["type"], record["content"]))


def delete_name_command(name):
    """Return the update that deletes every record at a name."""
    return ("delete", name, None, None, None)


def command_text(command):
    """Format an update as an nsupdate command, for the log."""
    operation, name, ttl, record_type, rdata = command
    words = ["update", operation, name + "."]
    if ttl is not None:
        words.append(str(ttl))
    words.extend(word for word in (record_type, rdata) if word is not None)
    return " ".join(words)


def update_message(zone, commands):
    """Build one RFC 2136 UPDATE message for zone from the commands.

    Raises DnsUpdateError when a record does not parse as DNS data.
    """
    message = dns.update.UpdateMessage(zone + ".")
    try:
        for operation, name, ttl, record_type, rdata in commands:
            owner = dns.name.from_text(name + ".")
            if operation == "add":
                message.add(owner, ttl, record_type, rdata)
            elif record_type is None:
                message.delete(owner)
            else:
                message.delete(owner, record_type, rdata)
    except (dns.exception.DNSException, ValueError) as error:
        raise DnsUpdateError("update of zone %s is not valid DNS data: %s"
                             % (zone, error or type(error).__name__)) from error
    return message


def same_rdata(first, second):
    """True when two records publish the same RRset member in DNS."""
    return (first["name"] == second["name"] and first["type"] == second["type"]
            and rdata_text(first["type"], first["content"])
            == rdata_text(second["type"], second["content"]))


class DnsSync:
    """Sends record changes to the knotd servers in the order they were made.

    servers[0] is updated synchronously; the other servers get each change
    ns2_delay seconds later from a background thread (synchronously when the
    delay is 0). reset() drops pending changes and sweeps ACME names.
    """

    def __init__(self, servers):
        if not servers:
            raise ValueError("at least one DNS server is required")
        self.servers = list(servers)
        self.delay_seconds = 0.0
        self.errors = []
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(len(self.servers) - 1, 1),
                                                           thread_name_prefix="dns-other")
        self._send_lock = threading.Lock()
        self._queue_condition = threading.Condition()
        self._queue = []
        self._in_flight = 0
        self._sequence = itertools.count()
        self._generation = 0
        worker = threading.Thread(target=self._run_delayed, name="dns-delayed", daemon=True)
        worker.start()

    @property
    def pending_count(self):
        with self._queue_condition:
            return len(self._queue) + self._in_flight

    def apply(self, zone, commands):
        """Send one change to the first server now, and to the others now
        (no delay) or after the delay.

        Raises DnsUpdateError when the change does not parse or the first
        server rejects it. A failure at another server is logged and kept in
        errors, as the delayed updates' failures are, and the call succeeds.
        """
        with self._send_lock:
            # With no delay every server is updated before the API responds,
            # unless earlier delayed changes are still queued, because those go first.
            if self.delay_seconds <= 0 and self.pending_count == 0:
                # A change that does not parse reaches no server. The servers
                # are updated in parallel because knotd 3.2 takes about 10 ms
                # to apply each update (measured on the rig).
                update_message(zone, commands)
                others = [self._pool.submit(self._send_logged, server, zone, commands)
                          for server in self.servers[1:]]
                try:
                    self._send(self.servers[0], zone, commands)
                finally:
                    for other in others:
                        other.result()
                return
            self._send(self.servers[0], zone, commands)
        due = time.monotonic() + max(self.delay_seconds, 0.0)
        with self._queue_condition:
            for server in self.servers[1:]:
                heapq.heappush(self._queue, (due, next(self._sequence), self._generation,
                                             server, zone, commands))
            self._queue_condition.notify()

    def apply_everywhere(self, zone, commands):
        """Send one change to every server now, ignoring the delay."""
        with self._send_lock:
            for server in self.servers:
                self._send(server, zone, commands)

    def reset(self, zones):
        """Drop queued changes, then delete every _acme-challenge name in zones."""
        with self._send_lock:
            with self._queue_condition:
                self._generation += 1
                self._queue.clear()
            self.errors.clear()
            for server in self.servers:
                for zone in zones:
                    names = [name for name in self._zone_owner_names(server, zone)
                             if any(label.startswith(ACME_LABEL_PREFIX)
                                    for label in name.split("."))]
                    if names:
                        self._send(server, zone,
                                   [delete_name_command(name) for name in names])

    def _run_delayed(self):
        while True:
            with self._queue_condition:
                while not self._queue:
                    self._queue_condition.wait()
                due = self._queue[0][0]
                now = time.monotonic()
                if now < due:
                    self._queue_condition.wait(due - now)
                    continue
                _, _, generation, server, zone, commands = heapq.heappop(self._queue)
                self._in_flight += 1
            try:
                with self._send_lock:
                    if generation == self._generation:
                        self._send_logged(server, zone, commands)
            finally:
                with self._queue_condition:
                    self._in_flight -= 1

    def _send_logged(self, server, zone, commands):
        try:
            self._send(server, zone, commands)
        except DnsUpdateError as error:
            LOG.error("update of %s on %s (not the first server) failed: %s", zone, server, error)
            self.errors.append({"server": server, "zone": zone, "error": str(error)})

    def _send(self, server, zone, commands):
        message = update_message(zone, commands)
        try:
            response = dns.query.tcp(message, server, timeout=QUERY_TIMEOUT_SECONDS, port=DNS_PORT)
        except (OSError, dns.exception.DNSException) as error:
            raise DnsUpdateError("update of zone %s on %s failed: %s"
                                 % (zone, server, error or type(error).__name__)) from error
        if response.rcode() != dns.rcode.NOERROR:
            raise DnsUpdateError("update of zone %s on %s was refused: %s"
                                 % (zone, server, dns.rcode.to_text(response.rcode())))
        LOG.info("updated %s on %s: %s", zone, server,
                 "; ".join(command_text(command) for command in commands))

    def _zone_owner_names(self, server, zone):
        """Return the owner names in a zone, read by AXFR, without the final dot."""
        names = set()
        has_soa = False
        try:
            for message in dns.query.xfr(server, zone + ".", port=DNS_PORT,
                                         timeout=QUERY_TIMEOUT_SECONDS, relativize=False,
                                         lifetime=QUERY_TIMEOUT_SECONDS):
                for rrset in message.answer:
                    has_soa = has_soa or rrset.rdtype == dns.rdatatype.SOA
                    names.add(rrset.name.to_text(omit_final_dot=True).lower())
        except (OSError, dns.exception.DNSException) as error:
            raise DnsUpdateError("AXFR of %s from %s failed: %s"
                                 % (zone, server, error or type(error).__name__)) from error
        if not has_soa:
            raise DnsUpdateError("AXFR of %s from %s returned no SOA record" % (zone, server))
        return sorted(names)
