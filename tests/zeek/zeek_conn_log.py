#!/usr/bin/env python3
"""Checks `tcpvet --format zeek` / `zeek-json` (issue 18 item 3).

  zeek_conn_log.py format TCPVET CAPTURE...
      The log reads as Zeek's ASCII writer writes it, parsed the way zeek-cut parses it (the
      #separator line, then #fields): exact header lines, every row has one value per #fields
      column and each value is valid for its #types type; the JSON form carries the same values.
  zeek_conn_log.py baseline TCPVET CORPUS_DIR KNOWN_TSV
      Against Zeek's own conn.log for the real traces in CORPUS_DIR (../shared/corpus/zeek): every
      TCP connection Zeek logged is matched with tcpvet's by its 4-tuple (the baselines mask ts, so
      start times cannot be compared; of two records for one 4-tuple the closer is taken) and
      compared field by field: orientation, conn_state, history, orig/resp bytes and packets,
      duration (within 2 us). Baselines cut down by zeek-cut to uid/history compare the histories. Prints the
      agreement; fails on a difference not listed in KNOWN_TSV (trace, connection, field, reason) or
      on agreement below the minimums recorded here. Exit 77 when CORPUS_DIR is absent.
"""
import ipaddress
import json
import os
import re
import subprocess
import sys

# Zeek's ASCII writer header (logging/writers/ascii/Ascii.cc), with Zeek's current default conn.log
# fields (base/protocols/conn/main.zeek, ip_proto included) as the baselines show them.
FIELDS = ("ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes "
          "conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts "
          "resp_ip_bytes tunnel_parents ip_proto").split()
TYPES = ("time string addr port addr port enum string interval count count string bool bool count string "
         "count count count count set[string] count").split()
HEADER = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tconn"]
CONN_STATES = {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"}

# The agreement measured against the baselines when this test was written (2026-12-04): 95 TCP
# connections in the full logs, 90 matched (the 5 others are Zeek's second records of a split
# connection), 80 identical on every compared field, 12 of 14 histories of the zeek-cut baselines.
# Less than this is a regression.
MIN_MATCHED = 90
MIN_STATE_AND_HISTORY = 80
MIN_ALL_FIELDS = 80
MIN_HISTORY_ONLY = 12


def fail(message):
    print("FAIL: " + message)
    return 1


def run(tcpvet, capture, fmt):
    done = subprocess.run([tcpvet, "conversations", "--format", fmt, capture], capture_output=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError("%s --format %s %s: exit %d: %s" % (tcpvet, fmt, capture, done.returncode,
                                                              done.stderr.decode(errors="replace")))
    return done.stdout.decode()


def parse_log(text):
    """Parses a Zeek ASCII log as zeek-cut does: separator from #separator, columns from #fields.
    Returns (header lines, field names, types, rows as dicts). Also reads zeek-cut output (a first
    line of column names, no # lines), as some baselines are."""
    lines = [line for line in text.split("\n") if line and not line.startswith("###")]
    separator = "\t"
    fields, types, header, rows = None, None, [], []
    for line in lines:
        if line.startswith("#"):
            header.append(line)
            if line.startswith("#separator "):
                separator = line.split(" ", 1)[1].encode().decode("unicode_escape")
            elif line.startswith("#fields"):
                fields = line.split(separator)[1:]
            elif line.startswith("#types"):
                types = line.split(separator)[1:]
            continue
        if fields is None:  # zeek-cut output: the first line names the columns
            fields = line.split(separator)
            continue
        rows.append(line.split(separator))
    return header, fields, types, rows


def check_value(kind, value):
    """True when `value` is a valid ASCII-writer rendering of a Zeek value of type `kind`."""
    if value == "-":
        return True
    if kind in ("time", "interval"):
        return re.fullmatch(r"-?\d+\.\d{6}", value) is not None
    if kind in ("count", "port"):
        return re.fullmatch(r"\d+", value) is not None and (kind != "port" or int(value) < 65536)
    if kind == "addr":
        try:
            ipaddress.ip_address(value)
            return True
        except ValueError:
            return False
    if kind == "bool":
        return value in ("T", "F")
    if kind == "enum":
        return re.fullmatch(r"[a-z_]+", value) is not None
    if kind == "string":
        return value != "" and "\t" not in value
    if kind == "set[string]":
        return value == "(empty)" or all(part for part in value.split(","))
    return False


def format_check(tcpvet, captures):
    failures = 0
    rows_seen = 0
    for capture in captures:
        text = run(tcpvet, capture, "zeek")
        header, fields, types, rows = parse_log(text)
        lines = text.rstrip("\n").split("\n")
        if lines[:5] != HEADER:
            failures += fail("%s: header %r, want %r" % (capture, lines[:5], HEADER))
        if not re.fullmatch(r"#open\t\d{4}(-\d\d){5}", lines[5]):
            failures += fail("%s: bad #open line %r" % (capture, lines[5]))
        if not re.fullmatch(r"#close\t\d{4}(-\d\d){5}", lines[-1]):
            failures += fail("%s: bad #close line %r" % (capture, lines[-1]))
        if fields != FIELDS or types != TYPES:
            failures += fail("%s: #fields/#types differ from Zeek's conn.log" % capture)
            continue
        uids = set()
        for row in rows:
            rows_seen += 1
            if len(row) != len(FIELDS):
                failures += fail("%s: row with %d columns, want %d: %r" % (capture, len(row), len(FIELDS), row))
                continue
            for name, kind, value in zip(FIELDS, TYPES, row):
                if not check_value(kind, value):
                    failures += fail("%s: %s (%s) = %r" % (capture, name, kind, value))
            record = dict(zip(FIELDS, row))
            if not re.fullmatch(r"C[0-9A-Za-z]{17}", record["uid"]) or record["uid"] in uids:
                failures += fail("%s: uid %r malformed or repeated" % (capture, record["uid"]))
            uids.add(record["uid"])
            if record["conn_state"] not in CONN_STATES:
                failures += fail("%s: conn_state %r" % (capture, record["conn_state"]))
            if record["proto"] != "tcp" or record["ip_proto"] != "6":
                failures += fail("%s: proto %r ip_proto %r" % (capture, record["proto"], record["ip_proto"]))
        # The JSON form: one object per line, the same records, unset fields left out.
        objects = [json.loads(line) for line in run(tcpvet, capture, "zeek-json").splitlines()]
        if len(objects) != len(rows):
            failures += fail("%s: %d JSON records, %d TSV rows" % (capture, len(objects), len(rows)))
            continue
        for obj, row in zip(objects, rows):
            record = dict(zip(FIELDS, row))
            for name, kind in zip(FIELDS, TYPES):
                tsv = record[name]
                if tsv == "-":
                    if name in obj:
                        failures += fail("%s: JSON has %s, TSV leaves it unset" % (capture, name))
                    continue
                if name not in obj:
                    failures += fail("%s: JSON lacks %s = %s" % (capture, name, tsv))
                    continue
                value = obj[name]
                same = ("%.6f" % value == tsv) if kind in ("time", "interval") else (str(value) == tsv)
                if not same:
                    failures += fail("%s: %s is %r in JSON, %r in TSV" % (capture, name, value, tsv))
    if rows_seen == 0:
        failures += fail("no rows at all: the check checked nothing")
    print("format: %d captures, %d rows checked, %d failures" % (len(captures), rows_seen, failures))
    return 1 if failures else 0


# Fields compared with Zeek's (ts is masked in the baselines; uid is Zeek's random one).
COMPARED = ("orientation", "conn_state", "history", "orig_bytes", "resp_bytes", "orig_pkts", "resp_pkts", "duration")
DURATION_TOLERANCE = 2e-6  # both sides round to microseconds


def endpoints(record):
    return ((record["id.orig_h"], record["id.orig_p"]), (record["id.resp_h"], record["id.resp_p"]))


def connection_name(record):
    (oh, op), (rh, rp) = endpoints(record)
    return "%s:%s-%s:%s" % (oh, op, rh, rp)


def field_agrees(name, zeek, ours):
    if name == "orientation":
        return endpoints(zeek) == endpoints(ours)
    if name not in zeek:
        return True
    if name == "duration" and zeek[name] != "-" and ours[name] != "-":
        return abs(float(zeek[name]) - float(ours[name])) <= DURATION_TOLERANCE
    return zeek[name] == ours[name]


def value_of(name, record):
    return "%s>%s" % endpoints(record) if name == "orientation" else record.get(name, "?")


def read_known(path):
    known = {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            trace, connection, field, reason = line.split("\t", 3)
            known[(trace, connection, field)] = reason
    return known


def trace_capture(folder):
    names = sorted(n for n in os.listdir(folder) if n not in ("conn.log",) and not n.startswith("."))
    return os.path.join(folder, names[0]) if len(names) == 1 else None


def baseline_check(tcpvet, corpus, known_path):
    if not os.path.isdir(corpus):
        print("corpus %s absent: skipped" % corpus)
        return 77
    known = read_known(known_path)
    used_known = set()
    differences = []  # (trace, connection, field, zeek value, tcpvet value)
    stats = {"zeek_tcp": 0, "matched": 0, "state_history": 0, "all_fields": 0, "history_only": 0,
             "history_only_equal": 0, "extra": 0,
             "headers": 0, "headers_equal": 0}
    per_field = {name: 0 for name in COMPARED}

    def note(trace, connection, field, zeek_value, our_value):
        if (trace, connection, field) in known:
            used_known.add((trace, connection, field))
        elif (trace, "*", field) in known:
            used_known.add((trace, "*", field))
        else:
            differences.append((trace, connection, field, zeek_value, our_value))

    for trace in sorted(os.listdir(corpus)):
        folder = os.path.join(corpus, trace)
        if not os.path.isdir(folder):
            continue
        capture = trace_capture(folder)
        if capture is None:
            print("%s: no single capture beside conn.log: skipped" % trace)
            continue
        with open(os.path.join(folder, "conn.log"), encoding="utf-8") as stream:
            zheader, zfields, _, zrows = parse_log(stream.read())
        zeek = [dict(zip(zfields, row)) for row in zrows]
        oheader, ofields, _, orows = parse_log(run(tcpvet, capture, "zeek"))
        if zfields == FIELDS:
            # The header is Zeek's, line for line (btest masks the #open/#close times).
            stats["headers"] += 1
            mask = lambda lines: [l for l in lines if not l.startswith(("#open", "#close"))]
            if mask(zheader) != mask(oheader):
                note(trace, "*", "header", repr(mask(zheader)), repr(mask(oheader)))
            else:
                stats["headers_equal"] += 1
        ours = [dict(zip(ofields, row)) for row in orows]

        if "id.orig_h" not in zfields:
            # A zeek-cut baseline without addresses: the multiset of histories must agree.
            stats["history_only"] += len(zeek)
            want = sorted(r["history"] for r in zeek)
            got = sorted(r["history"] for r in ours)
            equal = sum(min(want.count(h), got.count(h)) for h in set(want))
            stats["history_only_equal"] += equal
            if want != got:
                note(trace, "*", "history", ",".join(want), ",".join(got))
            continue

        zeek_tcp = [r for r in zeek if r.get("proto") == "tcp"]
        stats["zeek_tcp"] += len(zeek_tcp)
        unmatched = list(ours)
        for z in zeek_tcp:
            key = sorted(endpoints(z))
            candidates = [o for o in unmatched if sorted(endpoints(o)) == key]
            if not candidates:
                note(trace, connection_name(z), "missing", "logged", "absent")
                continue
            # Zeek may log two records for one 4-tuple (ts is masked): take the closest.
            best = max(candidates, key=lambda o: sum(field_agrees(n, z, o) for n in COMPARED))
            unmatched.remove(best)
            stats["matched"] += 1
            agree = {name: field_agrees(name, z, best) for name in COMPARED}
            for name, ok in agree.items():
                per_field[name] += ok
                if not ok:
                    note(trace, connection_name(z), name, value_of(name, z), value_of(name, best))
            stats["state_history"] += agree["conn_state"] and agree["history"]
            stats["all_fields"] += all(agree.values())
        for o in unmatched:
            stats["extra"] += 1
            note(trace, connection_name(o), "extra", "absent", "logged")

    print("Zeek baselines: %d TCP connections in the full logs, %d matched by 4-tuple, %d extra in tcpvet's" %
          (stats["zeek_tcp"], stats["matched"], stats["extra"]))
    print("  conn_state and history identical: %d of %d matched" % (stats["state_history"], stats["matched"]))
    print("  every compared field identical:   %d of %d matched" % (stats["all_fields"], stats["matched"]))
    for name in COMPARED:
        print("    %-11s %d of %d" % (name, per_field[name], stats["matched"]))
    print("  header lines identical to Zeek's: %d of %d baselines with the default fields" %
          (stats["headers_equal"], stats["headers"]))
    print("  zeek-cut baselines (history only): %d of %d identical" %
          (stats["history_only_equal"], stats["history_only"]))
    print("  known differences (%s): %d listed, %d seen" % (os.path.basename(known_path), len(known), len(used_known)))
    for entry in sorted(set(known) - used_known):
        print("  note: known difference no longer seen (remove it): %s" % "\t".join(entry))

    failures = 0
    for trace, connection, field, zeek_value, our_value in differences:
        failures += fail("%s %s %s: Zeek %s, tcpvet %s" % (trace, connection, field, zeek_value, our_value))
    if stats["matched"] < MIN_MATCHED:
        failures += fail("%d connections matched, at least %d were" % (stats["matched"], MIN_MATCHED))
    if stats["state_history"] < MIN_STATE_AND_HISTORY:
        failures += fail("%d agree on conn_state and history, at least %d did" %
                         (stats["state_history"], MIN_STATE_AND_HISTORY))
    if stats["history_only_equal"] < MIN_HISTORY_ONLY:
        failures += fail("%d zeek-cut histories agree, at least %d did" % (stats["history_only_equal"], MIN_HISTORY_ONLY))
    if stats["all_fields"] < MIN_ALL_FIELDS:
        failures += fail("%d agree on every field, at least %d did" % (stats["all_fields"], MIN_ALL_FIELDS))
    return 1 if failures else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "format":
        return format_check(argv[2], argv[3:])
    if len(argv) == 5 and argv[1] == "baseline":
        return baseline_check(argv[2], argv[3], argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
