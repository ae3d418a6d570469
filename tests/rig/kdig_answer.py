#!/usr/bin/python3
"""Print the answer-section records of one name and type from kdig's output.

Usage: kdig_answer.py NAME TYPE < kdig-output

Prints one line per record: a TXT record as its character-strings joined
(escapes decoded), any other type as its data with a final dot removed.
Exits 1 with a message unless the response code is NOERROR or NXDOMAIN.
Written for the output format of kdig from Knot DNS 3.2.
"""

import re
import sys


def decode_txt(rdata):
    """Join the quoted character-strings of a TXT rdata, decoding escapes."""
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', rdata)
    value = bytearray()
    for string in strings:
        position = 0
        while position < len(string):
            char = string[position]
            if char == "\\" and re.fullmatch(r"\d{3}", string[position + 1:position + 4]):
                value.append(int(string[position + 1:position + 4]))
                position += 4
            elif char == "\\":
                value.extend(string[position + 1].encode("utf-8"))
                position += 2
            else:
                value.extend(char.encode("utf-8"))
                position += 1
    return value.decode("utf-8", errors="backslashreplace")


def main():
    name = sys.argv[1].lower().rstrip(".")
    record_type = sys.argv[2].upper()
    output = sys.stdin.read()

    status = re.search(r"status: (\w+)", output)
    if status is None:
        print("no DNS response in kdig output", file=sys.stderr)
        return 1
    if status.group(1) not in ("NOERROR", "NXDOMAIN"):
        print("response code %s" % status.group(1), file=sys.stderr)
        return 1

    in_answer = False
    for line in output.splitlines():
        if line.startswith(";; ANSWER SECTION:"):
            in_answer = True
            continue
        if not in_answer:
            continue
        if not line.strip() or line.startswith(";;"):
            break
        fields = line.split(None, 4)
        if len(fields) < 5:
            continue
        owner, _, _, rr_type, rdata = fields
        if owner.lower().rstrip(".") != name or rr_type != record_type:
            continue
        print(decode_txt(rdata) if rr_type == "TXT" else rdata.rstrip("."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
