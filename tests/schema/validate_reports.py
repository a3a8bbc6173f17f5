#!/usr/bin/env python3
"""Validates every JSON document and NDJSON record tcpvet prints against tests/schema/tcpvet-report.schema.json.

Usage: validate_reports.py TCPVET [CAPTURE...]
Without captures, runs over every testdata/*.pcap and *.pcapng. For each capture it runs
  analyze, conversations, anomalies   --format json and --format ndjson
  packets                             --format json and --format ndjson
  ladder --stream N [--explain]       --format json, for the first and the last stream
and validates each output against the schema definition for that command and format (the schema's
$defs: report, ndjson_record, anomalies_report, packets_document, segment, ladder_document). NDJSON
streams must also end with exactly one summary record (analyze, anomalies) and hold one record per line.
Exit status: 0 all valid, 1 a document is invalid or a run failed, 77 python3-jsonschema is missing
(ctest counts that as skipped).
"""
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:  # the ctest marks the test skipped
    print("python3-jsonschema not installed: skipped")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCHEMA_PATH = os.path.join(HERE, "tcpvet-report.schema.json")
MAX_ERRORS_SHOWN = 20


class Checker:
    def __init__(self, tcpvet):
        self.tcpvet = tcpvet
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            self.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(self.schema)
        self.validators = {}
        self.failures = []
        self.documents = 0

    def validator(self, definition):
        if definition not in self.validators:
            wrapper = {"$schema": self.schema["$schema"], "$defs": self.schema["$defs"],
                       "$ref": f"#/$defs/{definition}"}
            self.validators[definition] = jsonschema.Draft202012Validator(wrapper)
        return self.validators[definition]

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    def run(self, args):
        proc = subprocess.run([self.tcpvet, *args, "-q", "--color", "never"], capture_output=True, text=True,
                              timeout=300)
        if proc.returncode not in (0, 2):  # 2: --fail-on (not used here, but not an error)
            self.fail(" ".join(args), f"exit {proc.returncode}: {proc.stderr.strip()}")
            return None
        return proc.stdout

    def validate(self, where, document, definition):
        self.documents += 1
        errors = sorted(self.validator(definition).iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:3]:
            path = "/".join(str(p) for p in error.absolute_path) or "(top)"
            self.fail(where, f"{definition} at {path}: {error.message[:300]}")

    def json_document(self, args, definition):
        out = self.run(args)
        if out is None:
            return None
        where = " ".join(args)
        lines = [line for line in out.splitlines() if line.strip()]
        if len(lines) != 1:
            self.fail(where, f"expected one line of JSON, got {len(lines)}")
            return None
        try:
            document = json.loads(lines[0])
        except json.JSONDecodeError as e:
            self.fail(where, f"not JSON: {e}")
            return None
        self.validate(where, document, definition)
        return document

    def ndjson_records(self, args, definition, summary_last):
        out = self.run(args)
        if out is None:
            return []
        where = " ".join(args)
        records = []
        for number, line in enumerate(out.splitlines(), 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                self.fail(f"{where} line {number}", f"not JSON: {e}")
                continue
            self.validate(f"{where} line {number}", record, definition)
            records.append(record)
        if summary_last is not None:
            summaries = [i for i, r in enumerate(records) if isinstance(r, dict) and r.get("type") == "summary"]
            if summary_last and summaries != [len(records) - 1]:
                self.fail(where, f"expected one summary record, last; found at {summaries} of {len(records)}")
            if not summary_last and summaries:
                self.fail(where, f"unexpected summary record(s) at {summaries}")
        return records

    def check_capture(self, capture):
        self.json_document(["analyze", capture, "--format", "json"], "report")
        self.ndjson_records(["analyze", capture, "--format", "ndjson"], "ndjson_record", summary_last=True)
        report = self.json_document(["conversations", capture, "--format", "json"], "report")
        records = self.ndjson_records(["conversations", capture, "--format", "ndjson"], "ndjson_record",
                                      summary_last=None)
        for record in records:
            if record.get("type") != "conversation":
                self.fail(f"conversations {capture} --format ndjson", f"record of type {record.get('type')!r}")
                break
        self.json_document(["anomalies", capture, "--format", "json"], "anomalies_report")
        self.ndjson_records(["anomalies", capture, "--format", "ndjson"], "ndjson_record", summary_last=True)
        self.json_document(["packets", capture, "--format", "json"], "packets_document")
        self.ndjson_records(["packets", capture, "--format", "ndjson"], "segment", summary_last=None)
        streams = sorted({c["stream"] for c in report["conversations"]}) if report else []
        for stream, explain in ((streams[0], []), (streams[-1], ["--explain"])) if streams else ():
            self.json_document(["ladder", capture, "--stream", str(stream), "--format", "json", *explain],
                               "ladder_document")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    captures = argv[2:] or sorted(glob.glob(os.path.join(ROOT, "testdata", "*.pcap")) +
                                  glob.glob(os.path.join(ROOT, "testdata", "*.pcapng")))
    checker = Checker(argv[1])
    for capture in captures:
        checker.check_capture(capture)
    for failure in checker.failures[:MAX_ERRORS_SHOWN]:
        print(failure)
    if len(checker.failures) > MAX_ERRORS_SHOWN:
        print(f"... and {len(checker.failures) - MAX_ERRORS_SHOWN} more")
    print(f"{len(captures)} captures, {checker.documents} documents/records validated, "
          f"{len(checker.failures)} failure(s)")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
