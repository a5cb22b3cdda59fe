"""pyodbc over the ODBC surface a BI tool or ETL job touches: the catalog
functions, SQLGetInfo, parameters of every Python type, fetchmany,
fast_executemany, Unicode (astral plane, CJK, Arabic) in SQL text,
parameters and results, and a 10,000-character Description.

Catalog results are checked against the ODBC specification (result shapes,
column names, pattern and escape rules, agreement between functions), not
against today's rows.  Work item values are checked against the emulator's
REST API, never only through the driver.
"""
import datetime
import decimal
import os
import sys

import pyodbc

sys.path.insert(0, os.path.dirname(__file__))
from azdo_test import DSN, PROJECT, Checker, dump, long_text, reset, rest  # noqa: E402

t = Checker("test_pyodbc_surface")

reset(items=300, seed=5)
items = sorted((i for i in dump() if i["fields"].get("System.TeamProject") == PROJECT), key=lambda i: i["id"])
cn = pyodbc.connect("DSN=%s" % DSN, autocommit=False, timeout=30)
cur = cn.cursor()


def names(c):
    return [d[0] for d in c.description]


def attempt(what, fn):
    """fn() or None; a pyodbc error is a failed check."""
    try:
        return fn()
    except pyodbc.Error as e:
        t.check(False, "%s raised %r" % (what, e))
        return None


# ---- SQLGetInfo: what BI tools and DBI layers read at connect ------------------------------------
def info(name):
    return attempt("getinfo(%s)" % name, lambda: cn.getinfo(getattr(pyodbc, name)))


dbms = info("SQL_DBMS_NAME")
t.check(isinstance(dbms, str) and dbms and "sqlite" not in dbms.lower(),
        "DBMS_NAME is non-empty and does not say SQLite (R odbc, DBD::ODBC steer on it): %r" % dbms)
for name in ("SQL_DRIVER_ODBC_VER", "SQL_ODBC_VER"):
    v = info(name)
    t.check(isinstance(v, str) and len(v) == 5 and v[2] == "." and v[:2].isdigit() and v[3:].isdigit()
            and v >= "03.00", "%s is 'MM.mm', at least 03.00: %r" % (name, v))
for name in ("SQL_DRIVER_VER", "SQL_DBMS_VER"):
    v = info(name)
    parts = v.split(".") if isinstance(v, str) else []
    t.check([len(p) for p in parts] == [2, 2, 4] and all(p.isdigit() for p in parts),
            "%s is 'MM.mm.rrrr': %r" % (name, v))
t.check(isinstance(info("SQL_DRIVER_NAME"), str) and info("SQL_DRIVER_NAME"), "DRIVER_NAME is non-empty")
t.equal(info("SQL_DATA_SOURCE_NAME"), DSN, "DATA_SOURCE_NAME is the DSN")
t.equal(info("SQL_DATABASE_NAME"), PROJECT, "DATABASE_NAME is the DSN's project")
server = info("SQL_SERVER_NAME")
t.check(isinstance(server, str) and server, "SERVER_NAME is non-empty: %r" % server)
t.check(isinstance(info("SQL_USER_NAME"), str), "USER_NAME is answered")
quote = info("SQL_IDENTIFIER_QUOTE_CHAR")
t.check(quote in ('"', "`"), "IDENTIFIER_QUOTE_CHAR is a quote SQLite accepts: %r" % quote)
if quote:
    q = attempt("quoted identifiers", lambda: cur.execute(
        "SELECT %sId%s, %sTitle%s FROM %sWorkItems%s WHERE 1 = 0" % ((quote, quote) * 3)))
    t.equal(q and names(q), ["Id", "Title"], "the identifier quote character quotes identifiers")
esc = info("SQL_SEARCH_PATTERN_ESCAPE")
t.check(isinstance(esc, str), "SEARCH_PATTERN_ESCAPE answered: %r" % esc)
maxcol = info("SQL_MAX_COLUMN_NAME_LEN")
maxtab = info("SQL_MAX_TABLE_NAME_LEN")
t.check(isinstance(maxcol, int) and maxcol >= 0 and isinstance(maxtab, int) and maxtab >= 0,
        "MAX_COLUMN_NAME_LEN / MAX_TABLE_NAME_LEN: %r %r" % (maxcol, maxtab))
catalog_name = info("SQL_CATALOG_NAME")  # pyodbc turns "Y"/"N" into a bool
schema_usage = info("SQL_SCHEMA_USAGE")
t.check(isinstance(catalog_name, bool) and isinstance(schema_usage, int), "CATALOG_NAME / SCHEMA_USAGE answered")
txn = info("SQL_TXN_CAPABLE")
t.check(txn in (0, 1, 2, 3, 4), "TXN_CAPABLE is an SQL_TC_* value: %r" % txn)
gd = info("SQL_GETDATA_EXTENSIONS")
# pyodbc reads every column with SQLGetData, in order, without binding: any column must work
t.check(isinstance(gd, int) and gd & 1, "GETDATA_EXTENSIONS has SQL_GD_ANY_COLUMN: %r" % gd)
t.check(info("SQL_DESCRIBE_PARAMETER") in (True, False), "DESCRIBE_PARAMETER answered")
t.check(info("SQL_NEED_LONG_DATA_LEN") in (True, False), "NEED_LONG_DATA_LEN answered")
conv = info("SQL_CONVERT_FUNCTIONS")
t.check(isinstance(conv, int) and conv & 0x2, "CONVERT_FUNCTIONS has SQL_FN_CVT_CAST (Power Query): %r" % conv)
cb = info("SQL_CURSOR_COMMIT_BEHAVIOR")
t.check(cb in (0, 1, 2), "CURSOR_COMMIT_BEHAVIOR is an SQL_CB_* value: %r" % cb)
for name in ("SQL_KEYWORDS", "SQL_TABLE_TERM", "SQL_IDENTIFIER_CASE", "SQL_NULL_COLLATION", "SQL_SQL_CONFORMANCE",
             "SQL_AGGREGATE_FUNCTIONS", "SQL_GROUP_BY", "SQL_OJ_CAPABILITIES", "SQL_MULT_RESULT_SETS",
             "SQL_DATA_SOURCE_READ_ONLY", "SQL_ACCESSIBLE_TABLES", "SQL_PROCEDURES", "SQL_STRING_FUNCTIONS",
             "SQL_NUMERIC_FUNCTIONS", "SQL_TIMEDATE_FUNCTIONS", "SQL_DATETIME_LITERALS", "SQL_LIKE_ESCAPE_CLAUSE"):
    t.check(info(name) is not None, "%s is answered" % name)
# TXN_CAPABLE none or not: pyodbc's commit and rollback must work (it rolls back on close)
t.check(attempt("commit", cn.commit) is None and attempt("rollback", cn.rollback) is None, "commit and rollback")

# ---- SQLTables ----------------------------------------------------------------------------------
TABLES_COLS = ["table_cat", "table_schem", "table_name", "table_type", "remarks"]
all_tables = attempt("tables()", lambda: cur.tables().fetchall()) or []
t.equal(names(cur), TABLES_COLS, "SQLTables: the ODBC 3 result columns")
tnames = [r.table_name for r in all_tables]
t.check("WorkItems" in tnames, "SQLTables lists WorkItems (%s)" % tnames)
t.check(len(set(tnames)) == len(tnames), "SQLTables: no table twice")
if catalog_name is False:
    t.check(all(r.table_cat is None for r in all_tables), "no catalogs: TABLE_CAT is NULL (not '')")
if schema_usage == 0:
    t.check(all(r.table_schem is None for r in all_tables), "no schemas: TABLE_SCHEM is NULL (not '')")
order = [(r.table_type, r.table_name) for r in all_tables]
t.equal(order, sorted(order), "SQLTables is ordered by TABLE_TYPE, then TABLE_NAME")
one = attempt("tables(WorkItems)", lambda: cur.tables(table="WorkItems").fetchall()) or []
t.equal([r.table_name for r in one], ["WorkItems"], "SQLTables(WorkItems): one row")
# TableName is a pattern value: '_' is one character, '%' any; the escape makes them literal
pat = attempt("tables(WorkItem_)", lambda: cur.tables(table="WorkItem_").fetchall()) or []
t.equal(sorted(r.table_name for r in pat), sorted(n for n in tnames if len(n) == 9 and n.startswith("WorkItem")),
        "SQLTables('WorkItem_') matches one character")
pat = attempt("tables(Work%)", lambda: cur.tables(table="Work%").fetchall()) or []
t.equal(sorted(r.table_name for r in pat), sorted(n for n in tnames if n.startswith("Work")),
        "SQLTables('Work%') matches the prefix")
if esc:
    pat = attempt("tables(escaped _)", lambda: cur.tables(table="WorkItem%s_" % esc).fetchall())
    t.equal(pat, [], "SQLTables('WorkItem%s_'): an escaped '_' is literal" % esc)
types = attempt("tables(types)", lambda: cur.tables(catalog="", schema="", table="", tableType="%").fetchall()) or []
enumerated = [r.table_type for r in types]
t.check(len(set(enumerated)) == len(enumerated) and set(r.table_type for r in all_tables) <= set(enumerated),
        "SQLTables enumeration of table types (TableType='%%', the rest ''): each once, every type in use "
        "listed: %s" % enumerated)
t.check(all(r.table_name is None for r in types), "table-type enumeration: TABLE_NAME is NULL")
for ty in set(r.table_type for r in all_tables):
    rows = attempt("tables(type=%s)" % ty, lambda: cur.tables(tableType=ty).fetchall()) or []
    t.equal(sorted(r.table_name for r in rows), sorted(r.table_name for r in all_tables if r.table_type == ty),
            "SQLTables(TableType=%s)" % ty)

# ---- SQLColumns, agreeing with SQLDescribeCol and SQLGetTypeInfo ----------------------------------
COLUMNS_COLS = ["table_cat", "table_schem", "table_name", "column_name", "data_type", "type_name", "column_size",
                "buffer_length", "decimal_digits", "num_prec_radix", "nullable", "remarks", "column_def",
                "sql_data_type", "sql_datetime_sub", "char_octet_length", "ordinal_position", "is_nullable"]
cols = attempt("columns(WorkItems)", lambda: cur.columns(table="WorkItems").fetchall()) or []
t.equal(names(cur), COLUMNS_COLS, "SQLColumns: the 18 ODBC 3 result columns")
t.equal([r.ordinal_position for r in cols], list(range(1, len(cols) + 1)), "SQLColumns: ORDINAL_POSITION 1..n")
t.check(all(r.table_name == "WorkItems" for r in cols), "SQLColumns: every row is of WorkItems")
bycol = {r.column_name: r for r in cols}
for name, want in (("Id", (pyodbc.SQL_INTEGER, pyodbc.SQL_BIGINT)), ("Title", (pyodbc.SQL_WVARCHAR,)),
                   ("Description", (pyodbc.SQL_WLONGVARCHAR,)), ("ChangedDate", (pyodbc.SQL_TYPE_TIMESTAMP,))):
    t.check(name in bycol and bycol[name].data_type in want,
            "docs/tables.md: %s is %s (%s)" % (name, want, bycol.get(name) and bycol[name].data_type))
t.check(all((r.nullable, r.is_nullable) in ((0, "NO"), (1, "YES"), (2, "")) for r in cols),
        "NULLABLE and IS_NULLABLE agree")
if maxcol:
    t.check(all(len(r.column_name) <= maxcol for r in cols), "column names fit MAX_COLUMN_NAME_LEN")
wide = [r for r in cols if r.data_type in (pyodbc.SQL_WCHAR, pyodbc.SQL_WVARCHAR, pyodbc.SQL_WLONGVARCHAR)]
t.check(all(r.char_octet_length and r.char_octet_length >= r.column_size for r in wide),
        "text columns have a CHAR_OCTET_LENGTH of at least COLUMN_SIZE")
assigned = attempt("columns(Assigned%)", lambda: cur.columns(table="WorkItems", column="Assigned%").fetchall()) or []
t.equal([r.column_name for r in assigned], [n for n in bycol if n.startswith("Assigned")],
        "SQLColumns(ColumnName='Assigned%')")
q = attempt("SELECT * WHERE 1=0", lambda: cur.execute("SELECT * FROM WorkItems WHERE 1 = 0"))
desc = q.description if q else []
t.equal([d[0] for d in desc], [r.column_name for r in cols], "SELECT * describes the columns SQLColumns lists")
t.equal([d[3] for d in desc], [r.column_size for r in cols], "SQLDescribeCol sizes agree with SQLColumns")
TYPEINFO_COLS = ["type_name", "data_type", "column_size", "literal_prefix", "literal_suffix", "create_params",
                 "nullable", "case_sensitive", "searchable", "unsigned_attribute", "fixed_prec_scale",
                 "auto_unique_value", "local_type_name", "minimum_scale", "maximum_scale", "sql_data_type",
                 "sql_datetime_sub", "num_prec_radix", "interval_precision"]
ti = attempt("getTypeInfo", lambda: cur.getTypeInfo(0).fetchall()) or []
t.equal(names(cur), TYPEINFO_COLS, "SQLGetTypeInfo: the 19 ODBC 3 result columns")
t.equal([r.data_type for r in ti], sorted(r.data_type for r in ti), "SQLGetTypeInfo is ordered by DATA_TYPE")
tipairs = {(r.data_type, r.type_name) for r in ti}
missing = sorted({(r.data_type, r.type_name) for r in cols} - tipairs)
t.equal(missing, [], "every DATA_TYPE/TYPE_NAME of SQLColumns has a SQLGetTypeInfo row (Power BI joins them)")
for ty in (pyodbc.SQL_WVARCHAR, pyodbc.SQL_WLONGVARCHAR, pyodbc.SQL_TYPE_TIMESTAMP, pyodbc.SQL_INTEGER):
    rows = attempt("getTypeInfo(%d)" % ty, lambda: cur.getTypeInfo(ty).fetchall()) or []
    t.check(rows and all(r.data_type == ty for r in rows), "SQLGetTypeInfo(%d) has rows of that type only" % ty)

# ---- SQLStatistics, SQLPrimaryKeys, SQLForeignKeys, SQLSpecialColumns, SQLProcedures ----------------
STAT_COLS = ["table_cat", "table_schem", "table_name", "non_unique", "index_qualifier", "index_name", "type",
             "ordinal_position", "column_name", "asc_or_desc", "cardinality", "pages", "filter_condition"]
stats = attempt("statistics", lambda: cur.statistics("WorkItems").fetchall())
t.equal(names(cur), STAT_COLS, "SQLStatistics: the 13 ODBC 3 result columns")
t.check(stats is not None and all(r.type == 0 or r.column_name in bycol for r in stats),
        "SQLStatistics: every index row names a WorkItems column")
PK_COLS = ["table_cat", "table_schem", "table_name", "column_name", "key_seq", "pk_name"]
pks = attempt("primaryKeys", lambda: cur.primaryKeys("WorkItems").fetchall())
t.equal(names(cur), PK_COLS, "SQLPrimaryKeys: the 6 ODBC 3 result columns")
t.check(pks is not None and all(r.column_name in bycol and r.table_name == "WorkItems" for r in pks)
        and [r.key_seq for r in pks] == list(range(1, len(pks) + 1)),
        "SQLPrimaryKeys: key columns exist, KEY_SEQ 1..n (%r)" % pks)
FK_COLS = ["pktable_cat", "pktable_schem", "pktable_name", "pkcolumn_name", "fktable_cat", "fktable_schem",
           "fktable_name", "fkcolumn_name", "key_seq", "update_rule", "delete_rule", "fk_name", "pk_name",
           "deferrability"]
for kw in ({"table": "WorkItems"}, {"foreignTable": "WorkItems"}):
    fks = attempt("foreignKeys(%s)" % kw, lambda: cur.foreignKeys(**kw).fetchall())
    t.equal(names(cur), FK_COLS, "SQLForeignKeys(%s): the 14 ODBC 3 result columns" % kw)
    t.check(fks is not None and all(r.pktable_name in tnames and r.fktable_name in tnames for r in fks),
            "SQLForeignKeys(%s): rows name real tables (%r)" % (kw, fks))
special = attempt("rowIdColumns", lambda: cur.rowIdColumns("WorkItems").fetchall())
t.equal(names(cur), ["scope", "column_name", "data_type", "type_name", "column_size", "buffer_length",
                     "decimal_digits", "pseudo_column"], "SQLSpecialColumns: the 8 ODBC 3 result columns")
t.check(special is not None and all(r.column_name in bycol for r in special), "SQLSpecialColumns: real columns")
procs = attempt("procedures", lambda: cur.procedures().fetchall())
t.check(procs is not None and (procs == [] or info("SQL_PROCEDURES")),
        "SQLProcedures: no rows unless SQL_PROCEDURES is 'Y'")

# ---- parameters of every type -------------------------------------------------------------------
cur.execute("CREATE TEMP TABLE zp(i INTEGER, f DOUBLE, s VARCHAR(100), d DATE, ts TIMESTAMP, n NUMERIC(10,3), "
            "b BLOB, x TEXT)")
vals = (42, -2.5, "h\u00e9llo \U0001F600 \u5c71 \u0645", datetime.date(2024, 2, 29),
        datetime.datetime(2024, 2, 29, 13, 14, 15, 123000), decimal.Decimal("12.345"), b"\x00\x01\xfe\xff", None)
cur.execute("INSERT INTO zp VALUES (?, ?, ?, ?, ?, ?, ?, ?)", *vals)
t.equal(cur.rowcount, 1, "INSERT with 8 parameters: rowcount 1")
r = cur.execute("SELECT i, f, s, d, ts, n, b, x FROM zp").fetchone()
t.equal((r.i, r.f, r.s, r.ts, r.x), (vals[0], vals[1], vals[2], vals[4], None), "int, float, str, datetime, None")
t.check(r.d in (vals[3], datetime.datetime(2024, 2, 29)) or r.d == "2024-02-29", "a date round trip: %r" % (r.d,))
t.check(r.n is not None and abs(decimal.Decimal(str(r.n)) - vals[5]) < decimal.Decimal("0.0005"),
        "a Decimal round trip: %r" % (r.n,))
t.equal(bytes(r.b) if r.b is not None else None, vals[6], "bytes round trip (NUL and 0xFF kept)")
t.equal(tuple(cur.execute("SELECT typeof(i), typeof(f), typeof(b), typeof(x) FROM zp").fetchone()),
        ("integer", "real", "blob", "null"), "parameters arrive with their SQL types")
# the same values compared by the SQL engine, i.e. bound as parameters in WHERE
n = cur.execute("SELECT count(*) FROM zp WHERE i = ? AND f = ? AND s = ? AND b = ? AND x IS ?",
                vals[0], vals[1], vals[2], vals[6], None).fetchone()[0]
t.equal(n, 1, "parameters in WHERE match the stored row")
t.equal(tuple(cur.execute("SELECT ? + 1, ? * 2, ? || '!'", 41, 1.25, "\u00e9").fetchone()), (42, 2.5, "\u00e9!"),
        "parameters in expressions")
big = 2 ** 62 + 3
t.equal(cur.execute("SELECT ?", big).fetchone()[0], big, "a 64-bit integer parameter")
# parameters pushed down into WIQL: compared with the emulator's data
since = datetime.datetime(2000, 1, 1)
got = [r.Id for r in cur.execute("SELECT Id FROM WorkItems WHERE Priority = ? AND ChangedDate >= ? AND State <> ? "
                                 "ORDER BY Id", 2, since, "Closed").fetchall()]
want = [i["id"] for i in items if i["fields"].get("Microsoft.VSTS.Common.Priority") == 2
        and i["fields"].get("System.State") != "Closed"]
t.check(len(want) > 3, "the seed has priority-2 items")
t.equal(got, want, "int, datetime and str parameters in a pushed-down WHERE")
t.equal(cur.execute("SELECT count(*) FROM WorkItems WHERE Title = ?", None).fetchone()[0], 0,
        "a NULL parameter compares as NULL")

# ---- fetchmany -----------------------------------------------------------------------------------
cur.execute("SELECT Id, Title FROM WorkItems ORDER BY Id")
chunks = []
while True:
    rows = cur.fetchmany(7)
    if not rows:
        break
    chunks.append(rows)
t.check(all(len(c) == 7 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 7, "fetchmany(7) returns full chunks")
t.equal([(r.Id, r.Title) for c in chunks for r in c], [(i["id"], i["fields"].get("System.Title")) for i in items],
        "fetchmany chunks together are every item, in order")
cur.arraysize = 50
cur.execute("SELECT Id FROM WorkItems ORDER BY Id")
first = cur.fetchone()
rest_rows = cur.fetchmany()
t.equal([first.Id] + [r.Id for r in rest_rows], [i["id"] for i in items[:51]], "fetchone, then fetchmany(arraysize)")
cur.execute("SELECT Id FROM WorkItems ORDER BY Id")
t.equal(len(cur.fetchmany(10 ** 6)), len(items), "fetchmany larger than the result")
t.equal(cur.fetchmany(5), [], "fetchmany at the end is empty")

# ---- fast_executemany into a local TEMP table -------------------------------------------------------
# (whole Decimals: pyodbc refuses fractional ones for a DOUBLE-described column, docs/writing.md)
cur.execute("CREATE TEMP TABLE zfast(id INTEGER NOT NULL, title VARCHAR(200), pts DOUBLE, due TIMESTAMP, "
            "amount NUMERIC(12,2), raw VARBINARY(16), note TEXT)")
rows = [(k, "t%d \U0001F680 \u5c71 \u0645\u0631" % k if k % 5 else None, k / 4, datetime.datetime(2025, 3, 1, 8, 0, 0)
         + datetime.timedelta(hours=k), decimal.Decimal(k * 3), bytes([k % 256, 0, 255]),
         ("n\u00f6te %d " % k) * (k % 4)) for k in range(1, 301)]
cur.fast_executemany = True
attempt("executemany", lambda: cur.executemany("INSERT INTO zfast VALUES (?, ?, ?, ?, ?, ?, ?)", rows))
cur.fast_executemany = False
back = cur.execute("SELECT id, title, pts, due, amount, raw, note FROM zfast ORDER BY id").fetchall()
t.equal(len(back), len(rows), "fast_executemany inserted every row")


def same_number(got, want):
    try:
        return got is not None and abs(decimal.Decimal(str(got)) - want) <= decimal.Decimal("0.005")
    except decimal.InvalidOperation:
        return False


bad = [(r[0], tuple(b)) for r, b in zip(rows, back)
       if (b.id, b.title, b.pts, b.due, b.note) != (r[0], r[1], r[2], r[3], r[6])
       or b.raw is None or bytes(b.raw) != r[5]]
t.equal(bad[:3], [], "fast_executemany: every value arrives (text, NULL, float, timestamp, bytes)")
# Decimals go as SQL_C_NUMERIC with the precision and scale SQLDescribeParam gave for the
# column, set in the APD; a value that cannot be bound must fail, never arrive as NULL
bad = [(r[0], r[4], b.amount) for r, b in zip(rows, back) if not same_number(b.amount, r[4])]
t.equal(bad[:3], [], "fast_executemany: Decimals into NUMERIC(12,2) arrive")

# ---- Unicode in SQL text, parameters and results ----------------------------------------------------
U = ["\U0001F600\U0001F680", "\u5c71\u7530\u592a\u90ce \u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
     "Zo\u00eb \u2013 \u20ac", "\U00010348\U0001D11E"]
for s in U:
    t.equal(cur.execute("SELECT '%s'" % s).fetchone()[0], s, "literal in SQL text: %r" % s)
    r = cur.execute("SELECT ?, length(?), unicode(?)", s, s, s).fetchone()
    t.equal(tuple(r), (s, len(s), ord(s[0])), "parameter %r: value, length in characters, first code point" % s)
cur.execute("CREATE TEMP TABLE zu(k INTEGER, v TEXT)")
cur.executemany("INSERT INTO zu VALUES (?, ?)", list(enumerate(U)))
cur.execute("INSERT INTO zu VALUES (99, '%s')" % U[0])
t.equal([r.v for r in cur.execute("SELECT v FROM zu ORDER BY k").fetchall()], U + [U[0]], "local table round trip")
t.equal([r.k for r in cur.execute("SELECT k FROM zu WHERE v = ? ORDER BY k", U[0]).fetchall()], [0, 99],
        "a parameter and a literal emoji compare equal")
t.equal(cur.execute("SELECT k FROM zu WHERE v LIKE '%\u0645\u0631\u062d%'").fetchone()[0], 2, "LIKE with Arabic")
t.equal(cur.execute("SELECT '\U0001F600' AS \"\u540d\u524d\U0001F600\"").description[0][0], "\u540d\u524d\U0001F600",
        "a Unicode column alias")

# WorkItems: a title written with a parameter and with a literal, read back through SQL and REST
title = "Unicode \U0001F600\U0001F680 \u5c71\u7530 \u0645\u0631\u062d\u0628\u0627 \u00e9 \u2013 end"
wcn = pyodbc.connect("DSN=%s;DefaultWorkItemType=Task" % DSN, autocommit=True)
wcur = wcn.cursor()
wcur.execute("INSERT INTO WorkItems (Title) VALUES (?)", title)
new_id = wcur.execute("SELECT last_insert_rowid()").fetchone()[0]
st, wi = rest("GET", "/%s/_apis/wit/workitems/%d?api-version=7.1" % (PROJECT, new_id))
t.equal((st, (wi or {}).get("fields", {}).get("System.Title")), (200, title), "REST sees the title as written")
t.equal(wcur.execute("SELECT Title FROM WorkItems WHERE Id = ?", new_id).fetchone()[0], title, "SQL reads it back")
t.equal(wcur.execute("SELECT Id FROM WorkItems WHERE Title = ?", title).fetchone()[0], new_id,
        "an emoji parameter pushed down into WIQL finds it")
title2 = "\u4e2d\u6587\u6807\u9898 \U0001F389 \u0639\u0631\u0628\u064a"
wcur.execute("UPDATE WorkItems SET Title = '%s' WHERE Id = %d" % (title2, new_id))
st, wi = rest("GET", "/%s/_apis/wit/workitems/%d?api-version=7.1" % (PROJECT, new_id))
t.equal((wi or {}).get("fields", {}).get("System.Title"), title2, "REST sees a title written in SQL text")
t.equal(wcur.execute("SELECT Title FROM WorkItems WHERE Id = %d" % new_id).fetchone()[0], title2,
        "and SQL reads that one back")

# ---- a 10,000-character Description -----------------------------------------------------------------
LONG = long_text(10000)
st, created = rest("POST", "/%s/_apis/wit/workitems/$Task?api-version=7.1" % PROJECT,
                   [{"op": "add", "path": "/fields/System.Title", "value": "long description (REST)"},
                    {"op": "add", "path": "/fields/System.Description", "value": LONG}])
t.equal(st, 200, "REST create with a long Description")
rid = (created or {}).get("id")
got = wcur.execute("SELECT Description, length(Description) FROM WorkItems WHERE Id = ?", rid).fetchone()
t.equal((len(got[0]) if got and got[0] else None, got and got[1]), (10000, 10000), "10,000 characters arrive")
t.check(got is not None and got[0] == LONG, "the REST-written Description arrives whole through pyodbc")
wcur.execute("INSERT INTO WorkItems (Title, Description) VALUES (?, ?)", "long description (SQL)", LONG[::-1])
sid = wcur.execute("SELECT last_insert_rowid()").fetchone()[0]
st, wi = rest("GET", "/%s/_apis/wit/workitems/%d?api-version=7.1" % (PROJECT, sid))
t.check((wi or {}).get("fields", {}).get("System.Description") == LONG[::-1],
        "a 10,000-character parameter reaches Azure DevOps whole")
got = wcur.execute("SELECT Description FROM WorkItems WHERE Id = ?", sid).fetchone()
t.check(got is not None and got[0] == LONG[::-1], "and reads back whole")
wcn.close()
cn.close()
t.done()
