#!/usr/bin/python3
"""pyodbc_bench.py — the benchmark through pyodbc (run with /usr/bin/python3,
Debian's python3-pyodbc).

    pyodbc_bench.py read   CONNSTR SQL [ARRAYSIZE]   cursor.fetchmany(ARRAYSIZE) until done
    pyodbc_bench.py insert CONNSTR COUNT             executemany with fast_executemany
                                                     (one parameter array)

Prints one JSON object like bench/odbc_fetch.c: rows, t_connect_s, t_first_s,
t_last_s, cpu_query_s, cpu_total_s, maxrss_kb.  Keep secrets in the DSN.
"""
import json
import resource
import sys
import time

import pyodbc


def cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def main(argv):
    if len(argv) < 4 or argv[1] not in ("read", "insert"):
        sys.exit("usage: pyodbc_bench.py read CONNSTR SQL [ARRAYSIZE] | insert CONNSTR COUNT")
    t0 = time.monotonic()
    cn = pyodbc.connect(argv[2], autocommit=True)
    t_conn = time.monotonic() - t0
    cur = cn.cursor()
    out = {"t_connect_s": t_conn}
    c0, t0 = cpu(), time.monotonic()
    if argv[1] == "read":
        size = int(argv[4]) if len(argv) > 4 else 1000
        cur.execute(argv[3])
        rows, t_first = 0, None
        while True:
            block = cur.fetchmany(size)
            if not block:
                break
            if t_first is None:
                t_first = time.monotonic() - t0
            rows += len(block)
        out.update(rows=rows, t_first_s=t_first)
    else:
        n = int(argv[3])
        cur.fast_executemany = True
        cur.executemany("INSERT INTO WorkItems (WorkItemType, Title) VALUES (?, ?)",
                        [("Task", "bench item %d" % (i + 1)) for i in range(n)])
        out.update(rows=n, t_first_s=None)
    out.update(t_last_s=time.monotonic() - t0, cpu_query_s=cpu() - c0, cpu_total_s=cpu(),
               maxrss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    cn.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
