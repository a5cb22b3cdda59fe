#!/usr/bin/env python3
"""report.py — RESULTS.md and the plot from bench.py's results JSON.

    report.py RESULTS.json RESULTS.md PLOT.png [--command "bench/run.sh …"]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import plot  # noqa: E402

TOOLS = ["lower bound", "curl floor", "odbc C", "pyodbc", "node seq", "node conc"]
MEM_FIXED_MB = 16  # the "fixed overhead" of the memory target (see RESULTS.md)


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001 — best effort, a missing tool just shows empty
        return ""


def machine():
    """What the numbers were measured on (best effort)."""
    mem = sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo")
    pkg = lambda p: sh("dpkg-query -W -f='${Version}' %s 2>/dev/null" % p)  # noqa: E731
    lock = os.path.join(HERE, "node", "package-lock.json")
    nodeapi = ""
    try:
        with open(lock) as fh:
            nodeapi = json.load(fh)["packages"]["node_modules/azure-devops-node-api"]["version"]
    except (OSError, KeyError, ValueError):
        pass
    return {
        "nproc": sh("nproc"),
        "cpu": sh("awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo"),
        "memory": mem,
        "os": sh(". /etc/os-release && echo $PRETTY_NAME") + ", kernel " + sh("uname -r"),
        "cc": sh("cc --version | head -1"),
        "curl": sh("curl --version | head -1"),
        "node": sh("node --version"),
        "npm": sh("npm --version 2>/dev/null"),
        "azure-devops-node-api": nodeapi,
        "python3 (pyodbc)": sh("/usr/bin/python3 --version") + ", pyodbc " + sh(
            "/usr/bin/python3 -c 'import pyodbc; print(pyodbc.version)'"),
        "python3 (emulator)": sh("python3 --version"),
        "unixODBC": pkg("unixodbc-dev") or sh("odbcinst --version"),
        "libcurl": pkg("libcurl4-openssl-dev"),
        "cJSON": pkg("libcjson-dev"),
        "SQLite": pkg("libsqlite3-dev"),
        "driver source": sh("cd %s/.. && git rev-parse --short HEAD" % HERE) + (
            " + uncommitted changes" if sh("cd %s/.. && git status --porcelain -- driver rest sql" % HERE) else ""),
    }


def fmt_s(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if v < 0.1:
        return "%.3f" % v
    if v < 10:
        return "%.2f" % v
    return "%.1f" % v


def mb(b):
    return "%.1f" % (b / 1e6) if b is not None else "–"


def find(res, kind, items, lat, tool):
    for r in res:
        if r["kind"] == kind and r["items"] == items and r["latency_ms"] == lat and r["tool"] == tool:
            return r
    return None


def verdict(ok):
    return "**met**" if ok else "**not met**"


def targets(data):
    res = data["results"]
    c = data["concurrency"]
    out = []

    # 1. 20,000 items at 50 ms
    d, lb = find(res, "read", 20000, 50, "odbc C"), find(res, "read", 20000, 50, "lower bound")
    ns, nc = find(res, "read", 20000, 50, "node seq"), find(res, "read", 20000, 50, "node conc")
    if d and lb:
        r = d["t_last_s"] / lb["t_last_s"]
        out.append("| Time to last row, 20,000 items at 50 ms, within 1.3x the lower bound (C=%d) | "
                   "%s s vs bound %s s: **%.2fx** | %s |" % (c, fmt_s(d["t_last_s"]), fmt_s(lb["t_last_s"]), r,
                                                            verdict(r <= 1.3)))
        fl = find(res, "read", 20000, 50, "curl floor")
        if fl:
            out.append("| … (context: the emulator's own time) | curl floor %s s = %.2fx the bound; driver ÷ curl "
                       "floor = **%.2fx** | – |" % (fmt_s(fl["t_last_s"]), fl["t_last_s"] / lb["t_last_s"],
                                                   d["t_last_s"] / fl["t_last_s"]))
        if ns:
            s = ns["t_last_s"] / d["t_last_s"]
            out.append("| … at least 5x faster than the sequential Node.js script | node seq %s s / driver %s s = "
                       "**%.2fx** | %s |" % (fmt_s(ns["t_last_s"]), fmt_s(d["t_last_s"]), s, verdict(s >= 5)))
        if nc:
            s = nc["t_last_s"] / d["t_last_s"]
            out.append("| … never slower than the concurrent Node.js script | node conc %s s / driver %s s = "
                       "**%.2fx** | %s |" % (fmt_s(nc["t_last_s"]), fmt_s(d["t_last_s"]), s, verdict(s >= 1)))
            cells = [(r["items"], r["latency_ms"]) for r in res if r["kind"] == "read" and r["tool"] == "odbc C"]
            slower = [(n, l) for n, l in cells
                      if find(res, "read", n, l, "node conc")
                      and find(res, "read", n, l, "odbc C")["t_last_s"] > find(res, "read", n, l, "node conc")["t_last_s"]]
            out.append("| … (every read cell of this run) | driver slower than node conc in %d of %d cells%s | %s |"
                       % (len(slower), len(cells), (": " + ", ".join("N=%d/%g ms" % x for x in slower)) if slower
                          else "", verdict(not slower)))
    else:
        out.append("| Time to last row, 20,000 items at 50 ms | not measured in this run | – |")

    # 2. CPU per row at 0 ms vs cJSON
    rows = []
    for cj in [r for r in res if r["kind"] == "cjson"]:
        d = find(res, "read", cj["items"], 0, "odbc C")
        if d is None or not d["rows"]:
            continue
        per = d["cpu_query_s"] / d["rows"] * 1e6
        rows.append((d["items"], per, cj["cpu_per_item_us"]))
    for n, per, base in sorted(rows):
        out.append("| Client CPU per row at 0 ms at most 2x cJSON alone (N=%d) | driver %.2f µs/row vs cJSON %.2f "
                   "µs/item: **%.1fx** | %s |" % (n, per, base, per / base, verdict(per <= 2 * base)))
    if not rows:
        out.append("| Client CPU per row at 0 ms vs cJSON | not measured in this run | – |")

    # 3. memory
    mem_rows = []
    for lat in data["latencies"]:
        small, big = find(res, "read", 1000, lat, "odbc C"), find(res, "read", 100000, lat, "odbc C")
        if small and big:
            limit = 1.2 * small["maxrss_kb"] / 1024 + MEM_FIXED_MB
            got = big["maxrss_kb"] / 1024
            mem_rows.append("| Peak memory, 100,000 rows ≤ 1.2x 1,000 rows + %d MiB (%g ms) | %.1f MiB vs "
                            "1.2 x %.1f + %d = %.1f MiB | %s |" % (MEM_FIXED_MB, lat, got, small["maxrss_kb"] / 1024,
                                                                MEM_FIXED_MB, limit, verdict(got <= limit)))
    out += mem_rows or ["| Peak memory 100,000 vs 1,000 rows | not measured in this run | – |"]

    # 4. inserts
    d = find(res, "insert", data["inserts"], 50, "odbc C")
    lb = find(res, "insert", data["inserts"], 50, "lower bound")
    if d and lb and data["inserts"]:
        r = d["t_last_s"] / lb["t_last_s"]
        out.append("| %d inserts at 50 ms within 1.3x the lower bound (C=%d) | %s s vs bound %s s: **%.2fx** | %s |"
                   % (data["inserts"], c, fmt_s(d["t_last_s"]), fmt_s(lb["t_last_s"]), r, verdict(r <= 1.3)))
    else:
        out.append("| Inserts at 50 ms | not measured in this run | – |")
    return out


def table(data, kind):
    res = data["results"]
    lines = ["| latency | N | tool | rows | first row s | last row s | ÷ bound | requests (setup+query) "
             "| MB down | MB up | max in flight | CPU s (process) | CPU s (query) | µs CPU/row | peak RSS MB |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ns = data["sizes"] if kind == "read" else [data["inserts"]]
    for lat in data["latencies"]:
        for n in ns:
            lb = find(res, kind, n, lat, "lower bound")
            for tool in TOOLS:
                r = find(res, kind, n, lat, tool)
                if r is None:
                    continue
                if tool == "lower bound":
                    lines.append("| %g ms | %d | lower bound | %d | %s | %s | 1.00 | %s | | | %d | | | | |" % (
                        lat, n, r["rows"], fmt_s(r.get("t_first_s")), fmt_s(r["t_last_s"]),
                        "%d+%d" % (math.ceil(r["rows"] / 20000), math.ceil(math.ceil(r["rows"] / 200) / data["concurrency"]))
                        + " round trips" if kind == "read" else "%d round trips" % math.ceil(n / data["concurrency"]),
                        data["concurrency"]))
                    continue
                ratio = r["t_last_s"] / lb["t_last_s"] if lb and lb["t_last_s"] > 0 else None
                cq = r.get("cpu_query_s")
                lines.append("| %g ms | %d | %s | %s | %s | %s | %s | %d (%d+%d) | %s | %s | %s | %s | %s | %s | %.1f |" % (
                    lat, n, tool, r.get("rows", "–"), fmt_s(r.get("t_first_s")), fmt_s(r["t_last_s"]),
                    "%.2f" % ratio if ratio else "–", r["requests"], r["setup_requests"], r["query_requests"],
                    mb(r["bytes_down"]), mb(r["bytes_up"]), r.get("max_in_flight", "–"), fmt_s(r.get("cpu_s")),
                    fmt_s(cq) if cq is not None else "–",
                    "%.1f" % (cq / r["rows"] * 1e6) if cq is not None and r.get("rows") else "–",
                    r["maxrss_kb"] / 1024))
    return lines


def render(data, png_name, command):
    m = data.get("machine") or machine()
    c = data["concurrency"]
    L = []
    L.append("# azdo-odbc benchmark results\n")
    L.append("Generated by `bench/run.sh` (see [docs/benchmark.md](../docs/benchmark.md)); the whole run took "
             "%.0f s. Reads: `%s` over every work item of the organization (org-level DSN); writes: %d "
             "`INSERT INTO WorkItems (WorkItemType, Title)` rows as one parameter array. Emulator: "
             "tests/emulator (Python), `latency_ms` added to every request; concurrency C = %d "
             "(the driver's `MaxConcurrency`). Each cell ran %d time(s); the fastest run is shown.\n"
             % (data["elapsed_s"], data["read_sql"], data["inserts"], c, data["repeat"]))
    L.append("![time to last row](%s)\n" % png_name)
    L.append("## Reproduce\n")
    L.append("```sh\n%s\n```\n" % command)
    L.append("## Machine\n")
    L.append("| | |\n|---|---|")
    for k, v in m.items():
        L.append("| %s | %s |" % (k, v))
    L.append("")
    L.append("## Targets (issue 6)\n")
    L.append("| target | measured | |\n|---|---|---|")
    L += targets(data)
    L.append("")
    L.append("Memory target: the issue leaves the fixed overhead open; it is taken as %d MiB — one "
             "20,000-id WIQL page (≈2.3 MB of JSON plus its parsed tree) and C batch answers "
             "(≈140 KB each plus trees) in flight, which a 1,000-row run never holds.\n" % MEM_FIXED_MB)
    L.append("Where the time goes, and why the targets not met are not met: [PROFILE.md](PROFILE.md).\n")
    L.append("## Lower bound\n")
    L.append("Reads: `(ceil(R/20000) + ceil(ceil(R/200)/C)) × latency` — one WIQL round trip per 20,000 ids "
             "and one `workitemsbatch` round trip per 200 ids, C batches overlapped, R = rows returned; "
             "first row: `2 × latency` (one WIQL, one batch). Writes: `ceil(COUNT/C) × latency`. "
             "Server time is not in the bound (it is in the curl floor).\n")
    L.append("## Reads\n")
    L += table(data, "read")
    L.append("")
    if data["inserts"]:
        L.append("## Writes (%d inserts)\n" % data["inserts"])
        L += table(data, "insert")
        L.append("")
    cj = [r for r in data["results"] if r["kind"] == "cjson"]
    if cj:
        L.append("## cJSON alone\n")
        L.append("`bench/cjson_parse.c` parses the batch answers saved by the 0 ms curl replay (parse, walk "
                 "every item's fields, delete), repeated; CPU per item:\n")
        L.append("| rows | bytes | repeats | µs/item | ns/byte |\n|---:|---:|---:|---:|---:|")
        for r in cj:
            L.append("| %d | %d | %d | %.2f | %.2f |" % (r["parsed_items"], r["bytes"], r["repeat"], r["cpu_per_item_us"],
                                                         r["ns_per_byte"]))
        L.append("")
    L.append("## Columns\n")
    L.append("- **first row / last row**: from the start of the query (after connecting and, for Node.js, "
             "the resource-area lookups), as the client measures it; curl floor: the replayed query phases, "
             "first row from the emulator log.\n"
             "- **requests**: from the emulator log of that run — setup (connect: projects + fields for the "
             "driver; OPTIONS/ResourceAreas for Node.js) + query (WIQL, batches, creates). **MB down**: "
             "response bodies; **MB up**: request bodies. **max in flight**: most query requests the emulator "
             "had open at once.\n"
             "- **CPU s (process)** and **peak RSS**: the client process as a whole (user+sys and ru_maxrss "
             "from wait4: interpreter / driver-manager start-up and connect included; curl: every curl process "
             "summed). **CPU s (query)**: the process's own getrusage over the query span; µs CPU/row from it.\n"
             "- The emulator runs on the same 2 cores: at 0 ms latency every number includes competing with "
             "it for CPU, and its Python JSON rendering (one request at a time under its store lock) bounds "
             "everyone, curl included.\n")
    return "\n".join(L) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("markdown")
    p.add_argument("png")
    p.add_argument("--command", default="bench/run.sh")
    a = p.parse_args()
    with open(a.results) as fh:
        data = json.load(fh)
    with open(a.markdown, "w") as fh:
        fh.write(render(data, os.path.basename(a.png), a.command))
    plot.plot(data, a.png)


if __name__ == "__main__":
    main()
