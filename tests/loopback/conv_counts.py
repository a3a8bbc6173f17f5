#!/usr/bin/env python3
"""Prints the `frames`, `stream S packets A B` and `stream S bytes A B` lines of a .expect file.

Usage: conv_counts.py CAPTURE. Counts come from tshark fields (frame.len per direction, the
originator being the sender of a stream's first frame) and are cross-checked with
`tshark -q -z conv,tcp`; a disagreement is marked "# MISMATCH".
"""
import subprocess, sys, re
f = sys.argv[1]
out = subprocess.run(["tshark","-r",f,"-T","fields","-e","frame.number","-e","tcp.stream","-e","ip.src","-e","ipv6.src","-e","tcp.srcport","-e","ip.dst","-e","ipv6.dst","-e","tcp.dstport","-e","frame.len","-e","frame.time_relative"],capture_output=True,text=True).stdout
streams = {}
frames = 0
for line in out.splitlines():
    n, st, s4, s6, sp, d4, d6, dp, ln, t = line.split("\t")
    if st == "": continue
    frames += 1
    src = (s4 or s6) + ":" + sp
    dst = (d4 or d6) + ":" + dp
    st = int(st)
    if st not in streams:
        streams[st] = {"orig": src, "resp": dst, "p": [0,0], "b": [0,0], "start": float(t)}
    d = 0 if src == streams[st]["orig"] else 1
    streams[st]["p"][d] += 1
    streams[st]["b"][d] += int(ln)
conv = subprocess.run(["tshark","-r",f,"-q","-z","conv,tcp"],capture_output=True,text=True).stdout
rows = []
class Approx:
    def __init__(self, v, unit): self.v, self.unit = v, unit
    def __eq__(self, o):
        return o == self.v if self.unit == 1 else abs(o - self.v * self.unit) < self.unit
def size(s):
    v, u = s.split()
    return Approx(int(v), {"bytes": 1, "kB": 1000, "MB": 1000000}[u])
for line in conv.splitlines():
    m = re.match(r"^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+ \S+)\s+(\d+)\s+(\d+ \S+)\s+(\d+)\s+(\d+ \S+)\s+([\d.]+)", line)
    if m:
        a, b, lf, lb, rf, rb, tf, tb, start = m.groups()
        rows.append((a, b, int(lf), size(lb), int(rf), size(rb), float(start)))
print("frames %d" % frames)
for st in sorted(streams):
    s = streams[st]
    ok = False
    for a, b, lf, lb, rf, rb, start in rows:
        if abs(start - s["start"]) > 1e-6: continue
        if a == s["orig"] and b == s["resp"]:
            ok = (rf, lf) == tuple(s["p"]) and rb == s["b"][0] and lb == s["b"][1]
        elif a == s["resp"] and b == s["orig"]:
            ok = (lf, rf) == tuple(s["p"]) and lb == s["b"][0] and rb == s["b"][1]
    print("stream %d packets %d %d%s" % (st, s["p"][0], s["p"][1], "" if ok else "   # MISMATCH with conv,tcp"))
    print("stream %d bytes %d %d" % (st, s["b"][0], s["b"][1]))
if len(rows) != len(streams): print("# MISMATCH conv rows %d streams %d" % (len(rows), len(streams)))
