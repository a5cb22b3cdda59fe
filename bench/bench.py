#!/usr/bin/env python3
"""bench.py — runs the benchmark matrix against a running emulator (started by
bench/run.sh through tests/emulator/emu_env.sh) and writes a JSON file of
results; bench/report.py turns it into RESULTS.md and the plot.

Environment (exported by emu_start and run.sh): AZDO_EMU_ROOT, AZDO_EMU_URL,
AZDO_TEST_PAT, ODBCSYSINI (DSNs AzDOBenchOrg = the organization, and
AzDOBenchProj = project Fabrikam-Fiber-Git), BENCH_BIN (odbc_fetch,
cjson_parse), BENCH_NODE_DIR (bench/node with node_modules), BENCH_PYODBC_PYTHON.

Per (latency L, items N) cell, reads (`SELECT Id, Title, State, AssignedTo,
ChangedDate FROM WorkItems`, whole organization), each run after clearing
the emulator log:
  lower bound  computed: (ceil(R/20000) + ceil(ceil(R/200)/C)) * L, R rows
  curl floor   the driver's own requests (from the log, bodies included)
               replayed by curl: setup untimed, then per WIQL page the WIQL
               and that page's batches with --parallel-max C
  node seq / node conc   bench/node/bench.js, concurrency 1 / C
  odbc C       bench/odbc_fetch.c, SQL_ATTR_ROW_ARRAY_SIZE 100
  pyodbc       bench/pyodbc_bench.py, fetchmany(100)
Writes per latency (store of the smallest N, reset before every run): COUNT
INSERTs as one parameter array (odbc C, pyodbc fast_executemany) vs node
createWorkItem one at a time / C at once, the curl replay of the driver's
creates, and the lower bound ceil(COUNT/C) * L.

Every tool runs as a child process; its CPU time (user+sys) and peak RSS come
from os.wait4 (the whole process, start-up included), its own timings and
query-span CPU from its JSON line.  Requests and bytes come from the emulator
log of that run.
"""
import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
READ_SQL = "SELECT Id, Title, State, AssignedTo, ChangedDate FROM WorkItems"
WIQL_PAGE = 20000
BATCH = 200


def control(method, route, body=None):
    url = os.environ["AZDO_EMU_ROOT"] + "/_emulator/" + route
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def run_child(argv, env=None, stdin=None):
    """Runs argv; returns (stdout, wall_s, cpu_s, maxrss_kb) of that process."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         stdin=subprocess.DEVNULL if stdin is None else stdin)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    # communicate() reaped the child; rusage comes from the wait4 hook below.
    ru = _RUSAGE.pop(p.pid, None)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%s): %s" % (argv[0], p.returncode, err.decode(errors="replace")[-2000:]))
    cpu = ru.ru_utime + ru.ru_stime if ru else float("nan")
    rss = ru.ru_maxrss if ru else 0
    return out.decode(), wall, cpu, rss


# subprocess reaps children with os.waitpid; route it through os.wait4 so the
# rusage of exactly that child is kept.
_RUSAGE = {}
_real_waitpid = os.waitpid


def _waitpid_with_rusage(pid, options):
    got, status, ru = os.wait4(pid, options)
    if got:
        _RUSAGE[got] = ru
    return got, status


os.waitpid = _waitpid_with_rusage


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON line in output: %r" % text[-500:])


def is_query(e):
    p = e["path"].lower()
    return "/_apis/wit/wiql" in p or p.endswith("/_apis/wit/workitemsbatch") or "/_apis/wit/workitems/$" in p


def log_stats(log):
    q = [e for e in log if is_query(e)]
    starts = [e["start"] for e in q]
    batch_ends = [e["end"] for e in q if e["path"].lower().endswith("workitemsbatch")]
    return {
        "requests": len(log),
        "query_requests": len(q),
        "setup_requests": len(log) - len(q),
        "wiql_requests": sum("/_apis/wit/wiql" in e["path"].lower() for e in log),
        "batch_requests": sum(e["path"].lower().endswith("workitemsbatch") for e in log),
        "bytes_down": sum(e.get("bytes", 0) for e in log),
        "bytes_up": sum(len(e.get("body", "").encode()) for e in log),
        "errors": sum(1 for e in log if e["status"] >= 400 or e["status"] == 0),
        "max_in_flight": max_in_flight(q),
        # emulator clock: first query request in → first batch answered
        "log_t_first_s": (min(batch_ends) - min(starts)) if batch_ends and starts else None,
        "log_span_s": (max(e["end"] for e in q) - min(starts)) if q else None,
    }


def max_in_flight(entries):
    ev = sorted([(e["start"], 1) for e in entries] + [(e["end"], -1) for e in entries],
                key=lambda x: (x[0], x[1]))
    cur = best = 0
    for _, d in ev:
        cur += d
        best = max(best, cur)
    return best


# --------------------------------------------------------------------------
# the curl replay (transport floor)


class Replayer:
    def __init__(self, workdir, conc):
        self.dir = workdir
        self.conc = conc
        self.n = 0
        root = os.environ["AZDO_EMU_ROOT"]
        self.root = root
        self.pat = os.environ["AZDO_TEST_PAT"]

    def _config(self, entries, save_dir=None):
        """A curl config file (mode 0600: it holds the PAT) for entries."""
        self.n += 1
        path = os.path.join(self.dir, "curl_%d.cfg" % self.n)
        lines = []
        for i, e in enumerate(entries):
            url = self.root + e["path"] + ("?" + e["query"] if e.get("query") else "")
            lines.append('url = "%s"' % url)
            lines.append('request = "%s"' % e["method"])
            lines.append('user = ":%s"' % self.pat)
            lines.append('header = "Accept: application/json"')
            if e.get("body") is not None:
                bpath = os.path.join(self.dir, "body_%d_%d" % (self.n, i))
                with open(bpath, "w", encoding="utf-8") as fh:
                    fh.write(e["body"])
                ctype = "application/json-patch+json" if "/_apis/wit/workitems/$" in e["path"].lower() \
                    else "application/json"
                lines.append('header = "Content-Type: %s"' % ctype)
                lines.append('data-binary = "@%s"' % bpath)
            out = os.path.join(save_dir, "resp_%05d.json" % i) if save_dir else "/dev/null"
            lines.append('output = "%s"' % out)
            lines.append("next")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("\n".join(lines[:-1]) + "\n")
        return path

    def _curl(self, entries, parallel, save_dir=None):
        cfg = self._config(entries, save_dir)
        argv = ["curl", "-sS", "-g", "-K", cfg]
        if parallel > 1 and len(entries) > 1:
            argv[1:1] = ["--parallel", "--parallel-max", str(parallel), "--parallel-immediate"]
        _, wall, cpu, rss = run_child(argv)
        return wall, cpu, rss

    def phases(self, log):
        """[(entries, parallel)]: the untimed setup first, then per WIQL page
        the WIQL alone and that page's batches C at a time; creates C at a time."""
        setup = [e for e in log if not is_query(e)]
        wiqls = [e for e in log if "/_apis/wit/wiql" in e["path"].lower()]
        batches = [e for e in log if e["path"].lower().endswith("/_apis/wit/workitemsbatch")]
        creates = [e for e in log if "/_apis/wit/workitems/$" in e["path"].lower()]
        out = [(setup, 1)] if setup else []
        if wiqls:
            lows = []
            for w in wiqls:
                m = re.search(r"\[System\.Id\]\s*>\s*(\d+)", w.get("body", ""), re.I)
                lows.append(int(m.group(1)) if m else 0)
            order = sorted(range(len(wiqls)), key=lambda k: lows[k])
            pages = {k: [] for k in order}
            for b in batches:
                try:
                    first = min(json.loads(b["body"])["ids"])
                except (KeyError, ValueError, TypeError):
                    first = 0
                owner = order[0]
                for k in order:
                    if lows[k] < first:
                        owner = k
                pages[owner].append(b)
            for k in order:
                out.append(([wiqls[k]], 1))
                if pages[k]:
                    out.append((pages[k], self.conc))
        elif batches:
            out.append((batches, self.conc))
        if creates:
            out.append((creates, self.conc))
        return out

    def run(self, log, save_dir=None):
        phases = self.phases(log)
        cpu = rss = 0.0
        timed = 0.0
        for i, (entries, par) in enumerate(phases):
            is_setup = i == 0 and not is_query(entries[0])
            if is_setup:
                self._curl(entries, 1)
                control("DELETE", "log")
                continue
            save = save_dir if save_dir and entries[0]["path"].lower().endswith("workitemsbatch") else None
            if save:
                save = os.path.join(save_dir, "p%d" % i)
                os.makedirs(save, exist_ok=True)
            wall, c, r = self._curl(entries, par, save)
            timed += wall
            cpu += c
            rss = max(rss, r)
        return timed, cpu, rss


# --------------------------------------------------------------------------


def lower_bound_read(rows, latency_s, conc):
    return (math.ceil(max(rows, 1) / WIQL_PAGE) + math.ceil(math.ceil(rows / BATCH) / conc)) * latency_s


def lower_bound_insert(count, latency_s, conc):
    return math.ceil(count / conc) * latency_s


class Bench:
    def __init__(self, args):
        self.a = args
        self.bin = os.environ["BENCH_BIN"]
        self.node_dir = os.environ.get("BENCH_NODE_DIR", os.path.join(HERE, "node"))
        self.pyodbc_python = os.environ.get("BENCH_PYODBC_PYTHON", "/usr/bin/python3")
        self.work = tempfile.mkdtemp(prefix="azdo-bench.")
        self.replayer = Replayer(self.work, args.concurrency)
        self.results = []
        self.node_env = dict(os.environ, AZDO_BENCH_URL=os.environ["AZDO_EMU_URL"],
                             AZDO_BENCH_PAT=os.environ["AZDO_TEST_PAT"],
                             AZDO_BENCH_PROJECT="Fabrikam-Fiber-Git")

    def say(self, msg):
        print(msg, file=sys.stderr, flush=True)

    def tool_argv(self, tool, kind):
        c = self.a.concurrency
        read_cs = "DSN=AzDOBenchOrg;MaxConcurrency=%d" % c
        ins_cs = "DSN=AzDOBenchProj;MaxConcurrency=%d;ArrayPartialFailure=Error" % c
        node = ["node", os.path.join(self.node_dir, "bench.js")]
        if kind == "read":
            return {
                "odbc C": [os.path.join(self.bin, "odbc_fetch"), "read", read_cs, READ_SQL, "100"],
                "pyodbc": [self.pyodbc_python, os.path.join(HERE, "pyodbc_bench.py"), "read", read_cs, READ_SQL,
                           "100"],
                "node seq": node + ["read", "--concurrency", "1"],
                "node conc": node + ["read", "--concurrency", str(c)],
            }[tool]
        n = str(self.a.inserts)
        return {
            "odbc C": [os.path.join(self.bin, "odbc_fetch"), "insert", ins_cs, n],
            "pyodbc": [self.pyodbc_python, os.path.join(HERE, "pyodbc_bench.py"), "insert", ins_cs, n],
            "node seq": node + ["insert", "--concurrency", "1", "--count", n],
            "node conc": node + ["insert", "--concurrency", str(c), "--count", n],
        }[tool]

    def run_tool(self, tool, kind):
        best = None
        for rep in range(self.a.repeat):
            if kind == "insert":
                self.reset(self.insert_items, self.cur_latency)
            control("DELETE", "log")
            out, wall, cpu, rss = run_child(self.tool_argv(tool, kind),
                                            env=self.node_env if tool.startswith("node") else None)
            rec = last_json(out)
            log = control("GET", "log")
            rec.update(log_stats(log), cpu_s=cpu, maxrss_kb=rss, wall_s=wall)
            rec["_log"] = log
            if best is None or rec["t_last_s"] < best["t_last_s"]:
                best = rec
            self.say("    %-9s rep %d: rows %s  first %s  last %.3fs  req %d  cpu %.2fs  rss %d MB"
                     % (tool, rep + 1, rec["rows"],
                        "%.3fs" % rec["t_first_s"] if rec.get("t_first_s") is not None else "-",
                        rec["t_last_s"], rec["requests"], cpu, rss // 1024))
        return best

    def reset(self, items, latency):
        control("POST", "reset", {"items": items, "latency_ms": latency, "log_bodies": True})

    def record(self, kind, n, latency, tool, rec):
        rec = {k: v for k, v in rec.items() if not k.startswith("_")}
        rec.update(kind=kind, items=n, latency_ms=latency, tool=tool)
        self.results.append(rec)

    def replay(self, kind, n, latency, driver_rec, save_dir=None):
        log = driver_rec["_log"]
        if kind == "insert":
            self.reset(self.insert_items, latency)
        control("DELETE", "log")
        best = None
        for rep in range(self.a.repeat):
            if rep and kind == "insert":
                self.reset(self.insert_items, latency)
            t, cpu, rss = self.replayer.run(log, save_dir if rep == 0 else None)
            rlog = control("GET", "log")
            rec = {"rows": driver_rec["rows"], "t_last_s": t, "cpu_s": cpu, "maxrss_kb": rss, "wall_s": t}
            rec.update(log_stats(rlog))
            rec["t_first_s"] = rec["log_t_first_s"]
            control("DELETE", "log")
            if best is None or t < best["t_last_s"]:
                best = rec
            self.say("    %-9s rep %d: last %.3fs  req %d (errors %d)  cpu %.2fs"
                     % ("curl", rep + 1, t, rec["requests"], rec["errors"], cpu))
        self.record(kind, n, latency, "curl floor", best)

    def cjson(self, n, rows, save_dir):
        files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(save_dir) for f in fs if f.endswith(".json"))
        if not files:
            return
        reps = max(1, int(2_000_000 / max(1, rows)))
        reps = min(reps, 200)
        out, _, _, _ = run_child([os.path.join(self.bin, "cjson_parse"), str(reps)] + files)
        rec = last_json(out)
        rec["parsed_items"] = rec.pop("items")
        rec.update(kind="cjson", items=n, latency_ms=0, tool="cJSON alone")
        self.results.append(rec)
        self.say("    cJSON alone: %.3f us/item over %d items x %d" % (rec["cpu_per_item_us"], rec["parsed_items"], reps))

    def main(self):
        a = self.a
        tools = [t for t in ("odbc C", "pyodbc", "node seq", "node conc") if t in a.tools]
        t_start = time.monotonic()
        for n in a.sizes:
            for lat in a.latencies:
                self.cur_latency = lat
                self.say("reads: N=%d, latency %g ms" % (n, lat))
                t0 = time.monotonic()
                self.reset(n, lat)
                self.say("    (reset/seed %.1fs)" % (time.monotonic() - t0))
                driver = None
                for tool in tools:
                    rec = self.run_tool(tool, "read")
                    if tool == "odbc C":
                        driver = rec
                    self.record("read", n, lat, tool, rec)
                if driver is not None and "curl floor" in a.tools:
                    save = os.path.join(self.work, "bodies_%d" % n) if lat == 0 else None
                    self.replay("read", n, lat, driver, save)
                    if save:
                        self.cjson(n, driver["rows"], save)
                        shutil.rmtree(save, ignore_errors=True)
                rows = driver["rows"] if driver else n
                self.results.append({"kind": "read", "items": n, "latency_ms": lat, "tool": "lower bound",
                                     "rows": rows, "t_last_s": lower_bound_read(rows, lat / 1000, a.concurrency),
                                     "t_first_s": 2 * lat / 1000})
        if a.inserts:
            self.insert_items = min(a.sizes)
            for lat in a.latencies:
                self.cur_latency = lat
                self.say("inserts: %d rows, latency %g ms" % (a.inserts, lat))
                driver = None
                for tool in tools:
                    rec = self.run_tool(tool, "insert")
                    if tool == "odbc C":
                        driver = rec
                    self.record("insert", a.inserts, lat, tool, rec)
                if driver is not None and "curl floor" in a.tools:
                    self.replay("insert", a.inserts, lat, driver)
                self.results.append({"kind": "insert", "items": a.inserts, "latency_ms": lat,
                                     "tool": "lower bound", "rows": a.inserts,
                                     "t_last_s": lower_bound_insert(a.inserts, lat / 1000, a.concurrency)})
        shutil.rmtree(self.work, ignore_errors=True)
        sys.path.insert(0, HERE)
        import report
        return {"machine": report.machine(),"results": self.results, "elapsed_s": time.monotonic() - t_start,
                "concurrency": a.concurrency, "sizes": a.sizes, "latencies": a.latencies,
                "inserts": a.inserts, "repeat": a.repeat, "read_sql": READ_SQL,
                "argv": sys.argv[1:], "python": platform.python_version()}


def ints(text):
    return [int(x) for x in text.split(",") if x.strip()]


def main():
    p = argparse.ArgumentParser(description="azdo-odbc benchmark matrix (run through bench/run.sh)")
    p.add_argument("--sizes", type=ints, default=[1000, 20000, 100000])
    p.add_argument("--latencies", type=ints, default=[0, 20, 50])
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--inserts", type=int, default=1000, help="rows per insert run; 0 = no write runs")
    p.add_argument("--repeat", type=int, default=1, help="runs per cell; the fastest is kept")
    p.add_argument("--tools", default="odbc C,pyodbc,node seq,node conc,curl floor")
    p.add_argument("--out", required=True, help="results JSON")
    a = p.parse_args()
    a.tools = [t.strip() for t in a.tools.split(",")]
    res = Bench(a).main()
    with open(a.out, "w") as fh:
        json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
