#!/usr/bin/env python3
"""Tests for the Azure DevOps emulator (stdlib unittest only).

Run:  cd tests/emulator && python3 -m unittest      (or)
      python3 tests/emulator/test_emulator.py

Most tests talk HTTP to an in-process server on a free loopback port; a few
start the real CLI as a subprocess (port file, log file, SIGTERM) and one
drives emu_env.sh.  Shapes are checked against Microsoft's recorded examples
in shared/ado-rest-api-7.1 (keys AND value types, recursively).
"""

import base64
import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from urllib.parse import quote, urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import auth  # noqa: E402
import azdo_emulator  # noqa: E402
import store  # noqa: E402
import wiql  # noqa: E402

PAT = "pat-" + secrets.token_hex(16)
ZOE_PAT = "pat-" + secrets.token_hex(16)
PATS = {PAT: "fabrikamfiber4@hotmail.com", ZOE_PAT: "zoe.unal@fabrikam.example"}
TODAY = "2026-07-01"
EXAMPLES = store.default_examples_dir()
WIT = "wit/7.1/httpExamples/"



def iso_time(text):
    """An ISO 8601 UTC time with 0-7 fraction digits, as a datetime."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z", text)
    frac = (m.group(2) or "").ljust(6, "0")[:6]
    return datetime.datetime.fromisoformat(m.group(1)).replace(microsecond=int(frac))

def example(rel):
    return store.load_example_body(EXAMPLES, rel)


def example_doc(rel):
    with open(os.path.join(EXAMPLES, rel), encoding="utf-8-sig") as fh:
        return json.load(fh)


def basic(pat, user=""):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pat)).encode()).decode()


# --------------------------------------------------------------------------
# recursive key/type comparison against the recorded examples


def _kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    return "object"


def shape_errors(expected, actual, path="$", extra_ok=(), loose=()):
    """Differences in keys and value types.  A list's elements are checked
    against the union of the example's elements (keys present in every example
    element are required).  Paths in `loose` (matched by suffix) are dicts with
    per-item keys (work item `fields`): only keys both sides have are compared.
    `extra_ok` names keys our side may add (documented stale differences)."""
    errs = []
    if _kind(expected) != _kind(actual):
        return ["%s: expected %s, got %s (%r)" % (path, _kind(expected), _kind(actual), actual)]
    if isinstance(expected, dict):
        is_loose = any(path.endswith(s) for s in loose)
        for k, ev in expected.items():
            if k in actual:
                errs += shape_errors(ev, actual[k], "%s.%s" % (path, k), extra_ok, loose)
            elif not is_loose:
                errs.append("%s: missing key %r" % (path, k))
        if not is_loose:
            for k in actual:
                if k not in expected and k not in extra_ok:
                    errs.append("%s: unexpected key %r" % (path, k))
    elif isinstance(expected, list) and expected and actual:
        if all(isinstance(e, dict) for e in expected):
            required = set.intersection(*(set(e) for e in expected))
            template = {}
            for e in expected:
                for k, v in e.items():
                    template.setdefault(k, v)
            for i, a in enumerate(actual):
                if a is None:
                    continue
                p = "%s[%d]" % (path, i)
                if not isinstance(a, dict):
                    errs.append("%s: expected object" % p)
                    continue
                is_loose = any(p.rsplit("[", 1)[0].endswith(s) for s in loose)
                for k in required - set(a):
                    if not is_loose:
                        errs.append("%s: missing key %r" % (p, k))
                for k, v in a.items():
                    if k in template:
                        errs += shape_errors(template[k], v, "%s.%s" % (p, k), extra_ok, loose)
                    elif k not in extra_ok and not is_loose:
                        errs.append("%s: unexpected key %r" % (p, k))
        else:
            for i, a in enumerate(actual):
                errs += shape_errors(expected[0], a, "%s[%d]" % (path, i), extra_ok, loose)
    return errs


# --------------------------------------------------------------------------
# harness


class Client:
    def __init__(self, port):
        self.port = port

    def call(self, method, path, body=None, pat=PAT, params=None, api_version="7.1",
             headers=None, raw_query=None):
        q = dict(params or {})
        if api_version is not None:
            q["api-version"] = api_version
        query = raw_query if raw_query is not None else urlencode(q, safe="$,")
        url = path + ("?" + query if query else "")
        h = {"Accept": "application/json"}
        if pat is not None:
            h["Authorization"] = basic(pat)
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, url, body=data, headers=h)
            resp = conn.getresponse()
            raw = resp.read()
            ctype = resp.getheader("Content-Type") or ""
            parsed = json.loads(raw) if "json" in ctype and raw else raw.decode("utf-8", "replace")
            return resp.status, resp, parsed
        finally:
            conn.close()


class EmulatorTestCase(unittest.TestCase):
    config = {"items": 500, "seed": 1, "today": TODAY}
    clients = None         # auth.parse_clients(...) result
    access_tokens = None   # {token: uniqueName}

    @classmethod
    def setUpClass(cls):
        cls.emu = azdo_emulator.Emulator(cls.config, PATS, clients=cls.clients,
                                         access_tokens=cls.access_tokens)
        cls.server, cls.thread = azdo_emulator.start_server(cls.emu, "127.0.0.1", 0)
        cls.port = cls.server.server_address[1]
        cls.client = Client(cls.port)
        cls.org = "/fabrikam"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.emu.reset({})

    # -- helpers --------------------------------------------------------

    def call(self, *a, **kw):
        return self.client.call(*a, **kw)

    def ok(self, method, path, body=None, **kw):
        status, resp, data = self.call(method, path, body, **kw)
        self.assertEqual(status, 200, data)
        return data

    def err(self, status, method, path, body=None, type_key=None, message=None, **kw):
        got, resp, data = self.call(method, path, body, **kw)
        self.assertEqual(got, status, data)
        self.assertEqual(set(data), {"$id", "innerException", "message", "typeName", "typeKey",
                                     "errorCode", "eventId"}, data)
        self.assertEqual(data["$id"], "1")
        self.assertIsNone(data["innerException"])
        self.assertIsInstance(data["errorCode"], int)
        self.assertIn(", ", data["typeName"])
        self.assertTrue(data["typeName"].split(",")[0].endswith("." + data["typeKey"]), data)
        if type_key:
            self.assertEqual(data["typeKey"], type_key, data)
        if message:
            self.assertIn(message, data["message"])
        return data

    def control(self, method, route, body=None):
        status, resp, data = self.call(method, "/_emulator" + route, body, pat=None, api_version=None)
        return status, data

    def dump(self):
        status, data = self.control("GET", "/dump")
        self.assertEqual(status, 200)
        return {it["id"]: it for it in data["items"]}

    def wiql(self, query, project=None, status=200, pat=PAT, **params):
        path = self.org + ("/" + quote(project) if project else "") + "/_apis/wit/wiql"
        got, resp, data = self.call("POST", path, {"query": query}, pat=pat, params=params)
        self.assertEqual(got, status, data)
        return data

    def ids(self, query, **kw):
        return [w["id"] for w in self.wiql(query, **kw)["workItems"]]

    def where_ids(self, where, **kw):
        return self.ids("SELECT [System.Id] FROM WorkItems WHERE " + where, **kw)

    def expect_ids(self, pred):
        return [i for i, it in sorted(self.dump().items()) if pred(it["fields"])]


# --------------------------------------------------------------------------


class ShapeTests(EmulatorTestCase):
    """JSON keys and value types match Microsoft's recorded examples."""

    def test_fields_list_matches_example(self):
        ex = example(WIT + "fields/GET__wit_fields.json")
        data = self.ok("GET", self.org + "/_apis/wit/fields")
        self.assertEqual(shape_errors(ex, data), [])
        self.assertEqual(data["count"], len(data["value"]))
        refs = {f["referenceName"]: f for f in data["value"]}
        for f in ex["value"]:  # all 121 real fields, same keys/types/values
            ours = dict(refs[f["referenceName"]])
            self.assertTrue(ours.pop("url").endswith("/_apis/wit/fields/" + f["referenceName"]))
            theirs = dict(f)
            theirs.pop("url")
            self.assertEqual(ours, theirs)
        self.assertEqual(len(data["value"]), 121 + 8)
        types = {f["type"] for f in data["value"]}
        for t in ("identity", "html", "treePath", "dateTime", "double", "integer", "boolean",
                  "plainText", "string"):
            self.assertIn(t, types)
        self.assertEqual(refs["System.Parent"]["type"], "integer")
        self.assertEqual(refs["System.Parent"]["name"], "Parent")
        self.assertEqual(refs["System.BoardColumn"]["type"], "string")
        self.assertEqual(refs["Custom.CustomerImpact"]["type"], "string")
        self.assertEqual(refs["Custom.Reviewer"]["type"], "identity")
        self.assertTrue(refs["Custom.Reviewer"]["isIdentity"])
        self.assertEqual(refs["System.AssignedTo"]["type"], "string")   # the recorded form
        self.assertTrue(refs["System.AssignedTo"]["isIdentity"])
        self.assertEqual(refs["Custom.RiskScore"]["type"], "double")
        self.assertEqual(refs["Custom.DueDate"]["type"], "dateTime")
        self.assertTrue(any(r.endswith("_Kanban.Column") and r.startswith("WEF_") for r in refs))
        # project-scoped route serves the same catalogue
        self.assertEqual(self.ok("GET", self.org + "/Fabrikam-Fiber-Git/_apis/wit/fields"), data)
        one = self.ok("GET", self.org + "/_apis/wit/fields/Assigned%20To")
        self.assertEqual(one["referenceName"], "System.AssignedTo")
        self.err(404, "GET", self.org + "/_apis/wit/fields/System.Bogus", message="TF51535")

    def test_projects_match_example(self):
        ex = example("core/7.1/httpExamples/projects/GET__projects.json")
        data = self.ok("GET", self.org + "/_apis/projects")
        self.assertEqual(shape_errors(ex, data, extra_ok={"revision", "visibility", "lastUpdateTime"}), [])
        names = [p["name"] for p in data["value"]]
        for n in ("Fabrikam-Fiber-Git", "Fabrikam-Fiber-TFVC", "Contoso Web"):
            self.assertIn(n, names)
        for p in data["value"]:
            self.assertEqual(set(p) - {"description"},
                             {"id", "name", "url", "state", "revision", "visibility", "lastUpdateTime"})

    def test_wiql_matches_example(self):
        doc = example_doc(WIT + "wiql/GET__wit_get_id_workitems.json")
        ex = doc["responses"]["200"]["body"]
        data = self.wiql(doc["parameters"]["body"]["query"].replace("'Task'", "'Task'"))
        self.assertEqual(shape_errors(ex, data, extra_ok={"queryResultType"}), [])
        self.assertEqual(data["queryResultType"], "workItem")
        self.assertEqual(data["queryType"], "flat")
        self.assertRegex(data["asOf"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$")
        self.assertEqual([c["referenceName"] for c in data["columns"]],
                         [c["referenceName"] for c in ex["columns"]])
        self.assertEqual([c["name"] for c in data["columns"]], ["ID", "Title", "State"])
        self.assertEqual([(s["field"]["referenceName"], s["descending"]) for s in data["sortColumns"]],
                         [(s["field"]["referenceName"], s["descending"]) for s in ex["sortColumns"]])
        self.assertTrue(data["workItems"])
        # no ORDER BY -> no sortColumns
        self.assertNotIn("sortColumns", self.wiql("SELECT [System.Id] FROM WorkItems"))

    def test_batch_matches_example(self):
        doc = example_doc(WIT + "workItemsBatch/POST__wit_WorkItemsBatch_ids-_ids__fields-_columns_.json")
        ex = doc["responses"]["200"]["body"]
        body = dict(doc["parameters"]["body"])
        body["ids"] = [1, 2, 3, 4]
        data = self.ok("POST", self.org + "/_apis/wit/workitemsbatch", body)
        self.assertEqual(shape_errors(ex, data, loose={".fields"}), [])
        self.assertEqual([v["id"] for v in data["value"]], [1, 2, 3, 4])
        for v in data["value"]:
            self.assertLessEqual(set(v["fields"]), set(body["fields"]))
            self.assertEqual(v["fields"]["System.Id"], v["id"])

    def test_get_workitems_matches_example(self):
        ex = example(WIT + "workItems/GET__wit_WorkItems_ids-_ids_.json")
        data = self.ok("GET", self.org + "/_apis/wit/workitems", params={"ids": "1,2,3,5,8"})
        self.assertEqual(shape_errors(ex, data, loose={".fields"}), [])
        # identity values are IdentityRef objects exactly like the example
        ident_ex = ex["value"][1]["fields"]["System.AssignedTo"]
        for v in data["value"]:
            for k in ("System.CreatedBy", "System.ChangedBy"):
                self.assertEqual(shape_errors(ident_ex, v["fields"][k]), [])
            for k in ("System.CreatedDate", "System.ChangedDate"):
                self.assertRegex(v["fields"][k], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$")
        single = self.ok("GET", self.org + "/_apis/wit/workitems/2")
        self.assertEqual(shape_errors(ex["value"][0], single, loose={".fields"}), [])
        self.assertEqual(single["id"], 2)

    def test_date_fraction_digits_vary(self):
        digits = set()
        for it in self.dump().values():
            for k in ("System.CreatedDate", "System.ChangedDate"):
                v = it["fields"][k]
                digits.add(len(v.split(".")[1]) - 1 if "." in v else 0)
        self.assertEqual(digits, {0, 1, 2, 3})


class ProjectTests(EmulatorTestCase):
    def test_paging_with_continuation_tokens(self):
        names, token, pages = [], None, 0
        while True:
            params = {"$top": "1"}
            if token:
                params["continuationToken"] = token
            status, resp, data = self.call("GET", self.org + "/_apis/projects", params=params)
            self.assertEqual(status, 200)
            self.assertEqual(data["count"], 1)
            names += [p["name"] for p in data["value"]]
            pages += 1
            token = resp.getheader("x-ms-continuationtoken")
            if not token:
                break
        full = self.ok("GET", self.org + "/_apis/projects")
        self.assertEqual(names, [p["name"] for p in full["value"]])
        self.assertEqual(pages, len(full["value"]))
        self.assertGreaterEqual(pages, 4)
        status, resp, data = self.call("GET", self.org + "/_apis/projects", params={"$top": "2", "$skip": "3"})
        self.assertEqual([p["name"] for p in data["value"]], names[3:5])
        self.assertIsNone(resp.getheader("x-ms-continuationtoken"))
        status, resp, _ = self.call("GET", self.org + "/_apis/projects")
        self.assertIsNone(resp.getheader("x-ms-continuationtoken"))

    def test_project_by_name_id_and_case(self):
        p = self.ok("GET", self.org + "/_apis/projects/Contoso%20Web")
        self.assertEqual(p["name"], "Contoso Web")
        self.assertEqual(self.ok("GET", self.org + "/_apis/projects/" + p["id"].upper())["name"], "Contoso Web")
        self.assertEqual(self.ok("GET", self.org + "/_apis/projects/fabrikam-fiber-git")["name"],
                         "Fabrikam-Fiber-Git")
        d = self.err(404, "GET", self.org + "/_apis/projects/Nope", type_key="ProjectDoesNotExistWithNameException")
        self.assertEqual(d["message"], "TF200016: The following project does not exist: Nope. Verify that "
                         "the name of the project is correct and that the project exists on the "
                         "specified Azure DevOps Server.")
        # a project segment in a wit route is checked too
        self.err(404, "GET", self.org + "/Nope/_apis/wit/fields", type_key="ProjectDoesNotExistWithNameException")

    def test_project_routes_and_server_collection(self):
        pid = self.ok("GET", self.org + "/_apis/projects/Contoso%20Web")["id"]
        by_name = self.ok("GET", self.org + "/Contoso%20Web/_apis/wit/workitems", params={"ids": "1"})
        by_id = self.ok("GET", self.org + "/" + pid + "/_apis/wit/workitems", params={"ids": "1"})
        self.assertEqual(by_name["value"][0]["fields"], by_id["value"][0]["fields"])
        tfs = self.ok("GET", "/tfs/DefaultCollection/_apis/wit/workitems", params={"ids": "1"})
        self.assertIn("/tfs/DefaultCollection/", tfs["value"][0]["url"])
        self.assertEqual(tfs["value"][0]["fields"]["System.Title"], by_name["value"][0]["fields"]["System.Title"])
        self.ok("GET", "/tfs/defaultcollection/_apis/projects")
        # the item url is itself fetchable
        url = by_name["value"][0]["url"]
        path = url.split(str(self.port), 1)[1]
        self.assertEqual(self.ok("GET", path)["id"], 1)


class AuthAndVersionTests(EmulatorTestCase):
    def test_missing_and_bad_pat_401(self):
        for pat, hdr in ((None, None), ("wrong", None), (PAT + "x", None)):
            status, resp, data = self.call("GET", self.org + "/_apis/projects", pat=pat)
            self.assertEqual(status, 401)
            self.assertEqual(data["message"], "TF400813: The user '' is not authorized to access this resource.")
            self.assertEqual(data["typeKey"], "UnauthorizedRequestException")
            self.assertEqual(data["eventId"], 3000)
            auth = resp.headers.get_all("WWW-Authenticate")
            self.assertTrue(any(a.startswith("Basic") for a in auth))
            self.assertIn("Bearer", auth)
        # user name is ignored; Bearer with a PAT is not accepted
        self.assertEqual(self.call("GET", self.org + "/_apis/projects", pat=None,
                                   headers={"Authorization": basic(PAT, "anyone")})[0], 200)
        self.assertEqual(self.call("GET", self.org + "/_apis/projects", pat=None,
                                   headers={"Authorization": "Bearer " + PAT})[0], 401)
        self.assertEqual(self.call("GET", self.org + "/_apis/projects", pat=None,
                                   headers={"Authorization": "Basic !!notbase64"})[0], 401)

    def test_203_sign_in_page(self):
        self.assertEqual(self.control("POST", "/reset", {"auth_failure": "203"})[0], 200)
        status, resp, data = self.call("GET", self.org + "/_apis/projects", pat="wrong")
        self.assertEqual(status, 203)
        self.assertTrue(resp.getheader("Content-Type").startswith("text/html"))
        self.assertIn("Sign in", data)
        self.assertEqual(self.call("GET", self.org + "/_apis/projects")[0], 200)

    def test_unknown_org_404(self):
        d = self.err(404, "GET", "/contoso/_apis/projects")
        self.assertIn("contoso", d["message"])
        self.err(404, "GET", "/tfs/OtherCollection/_apis/projects")
        self.err(404, "GET", self.org + "/_apis/nothing/here")
        self.err(405, "GET", self.org + "/_apis/wit/wiql")

    def test_api_version_rules(self):
        d = self.err(400, "GET", self.org + "/_apis/projects", api_version=None,
                     type_key="VssVersionNotSpecifiedException")
        self.assertEqual(d["message"], 'No api-version was supplied for the "GET" request. The version must '
                         'be supplied either as part of the Accept header (e.g. "application/json; '
                         'api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").')
        for v in ("7.2", "8.0", "7.2-preview.1"):
            d = self.err(400, "GET", self.org + "/_apis/projects", api_version=v)
            self.assertEqual(d["message"], "The requested REST API version of %s is out of range for this "
                             "server. The latest REST API version this server supports is 7.1." % v.split("-")[0])
        for v in ("7.1", "7.0", "6.0", "7.1-preview.3", "5.1-preview"):
            self.assertEqual(self.call("GET", self.org + "/_apis/projects", api_version=v)[0], 200, v)
        self.assertEqual(self.call("GET", self.org + "/_apis/projects", api_version=None,
                                   headers={"Accept": "application/json; api-version=7.1"})[0], 200)
        self.err(400, "GET", self.org + "/_apis/projects", api_version="banana")

    def test_content_type_required_for_posts(self):
        status, _, d = self.call("POST", self.org + "/_apis/wit/wiql", b'{"query":"SELECT [System.Id] FROM WorkItems"}',
                                 headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        self.assertEqual(d["typeKey"], "VssRequestContentTypeNotSupportedException")
        self.err(400, "POST", self.org + "/_apis/wit/wiql", {"nope": 1}, type_key="ArgumentNullException")


class WiqlOperatorTests(EmulatorTestCase):
    def test_equality_is_case_insensitive_and_names_resolve(self):
        exp = self.expect_ids(lambda f: f["System.State"] == "Active")
        self.assertTrue(exp)
        self.assertEqual(self.where_ids("[System.State] = 'ACTIVE'"), exp)
        self.assertEqual(self.where_ids("[state] = 'active'"), exp)
        self.assertEqual(self.where_ids("State = 'Active'"), exp)
        self.assertEqual(self.where_ids("[system.STATE] = \"Active\""), exp)
        self.assertEqual(self.ids("select ID, Title, [Assigned To] from workitems where state = 'Active' "
                                  "order by id"), exp)
        self.assertEqual(self.where_ids("[System.State] != 'Active'"),
                         self.expect_ids(lambda f: f["System.State"] != "Active"))

    def test_numeric_comparisons_and_absent_fields(self):
        P = "Microsoft.VSTS.Common.Priority"
        self.assertTrue(self.expect_ids(lambda f: P not in f))  # some items lack Priority
        cases = {
            "< 3": lambda v: v is not None and v < 3, "> 3": lambda v: v is not None and v > 3,
            "<= 2": lambda v: v is not None and v <= 2, ">= 2": lambda v: v is not None and v >= 2,
            "= 1": lambda v: v == 1, "<> 1": lambda v: v != 1,   # absent counts for <>
        }
        for op, pred in cases.items():
            self.assertEqual(self.where_ids("[Priority] %s" % op),
                             self.expect_ids(lambda f: pred(f.get(P))), op)
        RW = "Microsoft.VSTS.Scheduling.RemainingWork"
        self.assertEqual(self.where_ids("[%s] >= 2.5" % RW),
                         self.expect_ids(lambda f: f.get(RW) is not None and f[RW] >= 2.5))
        self.assertEqual(self.where_ids("[Custom.RiskScore] > -1"),
                         self.expect_ids(lambda f: "Custom.RiskScore" in f))
        self.assertEqual(self.where_ids("[System.Id] < -5"), [])
        self.assertEqual(self.where_ids("[Priority] = '2'"), self.expect_ids(lambda f: f.get(P) == 2))

    def test_in_and_not_in(self):
        self.assertEqual(self.where_ids("[System.WorkItemType] IN ('bug', 'Epic')"),
                         self.expect_ids(lambda f: f["System.WorkItemType"] in ("Bug", "Epic")))
        self.assertEqual(self.where_ids("[System.WorkItemType] NOT IN ('Bug', 'Epic', 'Task')"),
                         self.expect_ids(lambda f: f["System.WorkItemType"] not in ("Bug", "Epic", "Task")))
        P = "Microsoft.VSTS.Common.Priority"
        self.assertEqual(self.where_ids("[Priority] NOT IN (1, 2)"),
                         self.expect_ids(lambda f: f.get(P) not in (1, 2)))

    def test_contains_and_tags(self):
        exp = self.expect_ids(lambda f: "login" in f["System.Title"].lower())
        self.assertTrue(exp)
        self.assertEqual(self.where_ids("[System.Title] CONTAINS 'LOGIN'"), exp)
        self.assertEqual(self.where_ids("[System.Title] NOT CONTAINS 'login'"),
                         self.expect_ids(lambda f: "login" not in f["System.Title"].lower()))

        def tags(f):
            return [t.strip().lower() for t in f.get("System.Tags", "").split(";") if t.strip()]
        exp = self.expect_ids(lambda f: "web" in tags(f))
        self.assertTrue(exp)
        self.assertTrue(self.expect_ids(lambda f: "website" in tags(f) and "web" not in tags(f)))
        self.assertEqual(self.where_ids("[System.Tags] CONTAINS 'WEB'"), exp)  # whole tag only
        self.assertEqual(self.where_ids("[System.Tags] NOT CONTAINS 'web'"),
                         self.expect_ids(lambda f: "web" not in tags(f)))
        self.assertEqual(self.where_ids("[System.Tags] CONTAINS 'Ünïcode'"),
                         self.expect_ids(lambda f: "ünïcode" in tags(f)))
        self.assertEqual(self.where_ids("[System.Description] CONTAINS 'msdn'"),
                         self.expect_ids(lambda f: "msdn" in f.get("System.Description", "").lower()))
        self.assertEqual(self.where_ids("[System.Tags] IS EMPTY"),
                         self.expect_ids(lambda f: "System.Tags" not in f))
        self.assertEqual(self.where_ids("[System.Tags] = ''"), self.expect_ids(lambda f: "System.Tags" not in f))
        self.assertEqual(self.where_ids("[System.Tags] <> ''"), self.expect_ids(lambda f: "System.Tags" in f))
        self.assertEqual(self.where_ids("[System.Description] IS NOT EMPTY"),
                         self.expect_ids(lambda f: "System.Description" in f))

    def test_under_and_not_under(self):
        A = "System.AreaPath"
        root = "Fabrikam-Fiber-Git\\Website"
        exp = self.expect_ids(lambda f: f[A] == root or f[A].startswith(root + "\\"))
        self.assertTrue(exp)
        self.assertTrue(any(self.dump()[i]["fields"][A] != root for i in exp))  # descendants too
        self.assertEqual(self.where_ids("[System.AreaPath] UNDER 'fabrikam-fiber-git\\website'"), exp)
        self.assertEqual(self.where_ids("[Area Path] NOT UNDER 'Fabrikam-Fiber-Git\\Website'"),
                         self.expect_ids(lambda f: not (f[A] == root or f[A].startswith(root + "\\"))))
        self.assertEqual(self.where_ids("[System.IterationPath] UNDER 'Contoso Web'"),
                         self.expect_ids(lambda f: f["System.TeamProject"] == "Contoso Web"))
        self.assertEqual(self.where_ids("[System.AreaPath] = 'Fabrikam-Fiber-Git\\Website'"),
                         self.expect_ids(lambda f: f[A] == root))
        d = self.wiql("SELECT [System.Id] FROM WorkItems WHERE [System.AreaPath] UNDER 'Fabrikam-Fiber-Git\\Nope'",
                      status=400)
        self.assertIn("TF51011", d["message"])

    def test_boolean_logic_and_parentheses(self):
        def st(f):
            return f["System.State"]
        self.assertEqual(
            self.where_ids("NOT ([State] = 'New' OR [State] = 'Active') AND [Work Item Type] = 'Task'"),
            self.expect_ids(lambda f: st(f) not in ("New", "Active") and f["System.WorkItemType"] == "Task"))
        self.assertEqual(
            self.where_ids("[State] = 'New' OR [State] = 'Active' AND [Work Item Type] = 'Task'"),
            self.expect_ids(lambda f: st(f) == "New" or (st(f) == "Active" and f["System.WorkItemType"] == "Task")))
        self.assertEqual(
            self.where_ids("([State] = 'New' OR [State] = 'Active') AND NOT [Work Item Type] = 'Task'"),
            self.expect_ids(lambda f: st(f) in ("New", "Active") and f["System.WorkItemType"] != "Task"))
        self.assertEqual(self.where_ids("NOT NOT [State] = 'New'"), self.expect_ids(lambda f: st(f) == "New"))

    def test_identity_matching_and_me(self):
        AT = "System.AssignedTo"

        def who(f, key="uniqueName"):
            return f[AT][key] if AT in f else None
        jamal = self.expect_ids(lambda f: who(f) == "fabrikamfiber4@hotmail.com")
        self.assertTrue(jamal)
        for lit in ("Jamal Hartnett", "jamal hartnett", "FABRIKAMFIBER4@hotmail.com",
                    "Jamal Hartnett <fabrikamfiber4@hotmail.com>", "Jamal Hartnett<fabrikamfiber4@hotmail.com>"):
            self.assertEqual(self.where_ids("[System.AssignedTo] = '%s'" % lit), jamal, lit)
        self.assertEqual(self.where_ids("[Assigned To] = @Me"), jamal)
        self.assertEqual(self.where_ids("[Assigned To] IN (@me, 'Zoë Ünal')"),
                         self.expect_ids(lambda f: who(f) in ("fabrikamfiber4@hotmail.com", "zoe.unal@fabrikam.example")))
        self.assertEqual(self.where_ids("[Assigned To] = @me", pat=ZOE_PAT),
                         self.expect_ids(lambda f: who(f) == "zoe.unal@fabrikam.example"))
        self.assertEqual(self.where_ids("[System.AssignedTo] = 'Dana O''Brien'"),
                         self.expect_ids(lambda f: who(f, "displayName") == "Dana O'Brien"))
        self.assertEqual(self.where_ids("[System.AssignedTo] CONTAINS 'OBRIEN@'"),
                         self.expect_ids(lambda f: who(f) == "dana.obrien@fabrikam.example"))
        self.assertEqual(self.where_ids("[System.AssignedTo] = '山田 太郎'"),
                         self.expect_ids(lambda f: who(f) == "taro.yamada@fabrikam.example"))
        self.assertEqual(self.where_ids("[System.AssignedTo] = ''"), self.expect_ids(lambda f: AT not in f))
        self.assertEqual(self.where_ids("[System.AssignedTo] <> ''"), self.expect_ids(lambda f: AT in f))
        self.assertEqual(self.where_ids("[Custom.Reviewer] = 'zoë ünal'"),
                         self.expect_ids(lambda f: f.get("Custom.Reviewer", {}).get("displayName") == "Zoë Ünal"))
        self.assertEqual(self.where_ids("[System.AssignedTo] = [System.CreatedBy]"),
                         self.expect_ids(lambda f: who(f) == f["System.CreatedBy"]["uniqueName"]))

    def test_project_macro(self):
        exp = self.expect_ids(lambda f: f["System.TeamProject"] == "Contoso Web")
        self.assertTrue(exp)
        self.assertEqual(self.where_ids("[System.TeamProject] = @project", project="Contoso Web"), exp)
        self.assertEqual(self.where_ids("[System.TeamProject] = @Project", project="contoso web"), exp)
        # a team segment is accepted and ignored
        path = self.org + "/Contoso%20Web/Contoso%20Web%20Team/_apis/wit/wiql"
        status, _, d = self.call("POST", path, {"query": "SELECT [System.Id] FROM WorkItems WHERE "
                                                          "[System.TeamProject] = @project"})
        self.assertEqual([w["id"] for w in d["workItems"]], exp)
        # project route alone does not filter
        self.assertEqual(len(self.ids("SELECT [System.Id] FROM WorkItems", project="Contoso Web")), len(self.dump()))
        # organization level: @project resolves to nothing (observed service behaviour)
        self.assertEqual(self.where_ids("[System.TeamProject] = @project"), [])

    def test_today_macro_and_date_precision(self):
        D = "System.CreatedDate"
        today = store.parse_date(TODAY)[0] // store.US_PER_DAY

        def day(v):
            return store.parse_date(v)[0] // store.US_PER_DAY
        for expr, pred in (("@today - 365", lambda d: d >= today - 365),
                           ("@Today-400", lambda d: d >= today - 400),
                           ("@today + 30", lambda d: d >= today + 30),
                           ("@today", lambda d: d >= today)):
            self.assertEqual(self.where_ids("[System.CreatedDate] >= " + expr),
                             self.expect_ids(lambda f: pred(day(f[D]))), expr)
        # date precision: '=' compares the calendar day
        some = self.dump()[7]["fields"][D]
        self.assertIn(7, self.where_ids("[System.CreatedDate] = '%s'" % some[:10]))
        self.assertEqual(self.where_ids("[System.CreatedDate] = '%s'" % some[:10]),
                         self.expect_ids(lambda f: f[D][:10] == some[:10]))
        # a time part is refused without timePrecision=true (query string)
        lit = "2026-07-27T15:02:58Z"
        d = self.wiql("SELECT [System.Id] FROM WorkItems WHERE [System.CreatedDate] >= '%s'" % lit, status=400)
        self.assertEqual(d["message"], "You cannot supply a time with the date when running a query using "
                         "date precision. The error is caused by «[System.CreatedDate] >= '%s'»." % lit)
        for bad in ("2025-01-01 10:00:00", "2025-01-01T10:00:00.1234567"):
            self.wiql("SELECT [System.Id] FROM WorkItems WHERE [System.CreatedDate] < '%s'" % bad, status=400)
        # a body field does not count
        status, _, _ = self.call("POST", self.org + "/_apis/wit/wiql",
                                 {"query": "SELECT [System.Id] FROM WorkItems WHERE [System.CreatedDate] "
                                           ">= '%s'" % lit, "timePrecision": True})
        self.assertEqual(status, 400)
        # with timePrecision=true: full datetimes
        exact = self.dump()[7]["fields"][D]
        got = self.where_ids("[System.CreatedDate] = '%s'" % exact, timePrecision="true")
        self.assertEqual(got, self.expect_ids(lambda f: f[D] == exact))
        self.assertEqual(self.where_ids("[System.CreatedDate] >= '2025-03-04 12:30:00'", timePrecision="true"),
                         self.expect_ids(lambda f: f[D] >= "2025-03-04T12:30:00"))
        self.assertEqual(self.where_ids("[System.CreatedDate] < '2024-02-03'"),
                         self.expect_ids(lambda f: f[D][:10] < "2024-02-03"))

    def test_quoted_string_escaping(self):
        title = "Fix \"Save\" button on Dana O'Brien's profile page"
        exp = self.expect_ids(lambda f: f["System.Title"] == title)
        self.assertEqual(exp, [2])
        self.assertEqual(self.where_ids("[System.Title] = 'Fix \"Save\" button on Dana O''Brien''s profile page'"), exp)
        self.assertEqual(self.where_ids("[System.Title] = \"Fix \"\"Save\"\" button on Dana O'Brien's profile page\""), exp)
        self.assertEqual(self.where_ids("[System.Title] = 'ログイン画面の改善 (login screen)'"), [4])
        self.assertEqual(self.where_ids("[System.Title] CONTAINS 'back\\slash'"), [6])
        self.assertEqual(self.where_ids("[System.Title] CONTAINS ''''"),
                         self.expect_ids(lambda f: "'" in f["System.Title"]))

    def test_order_by(self):
        P = "Microsoft.VSTS.Common.Priority"
        items = self.dump()
        asc = self.ids("SELECT [System.Id] FROM WorkItems ORDER BY [Priority] ASC, [System.Id] DESC")
        exp = sorted(items, key=lambda i: -i)
        exp = sorted(exp, key=lambda i: (0, 0) if P not in items[i]["fields"] else (1, items[i]["fields"][P]))
        self.assertEqual(asc, exp)
        self.assertNotIn(P, items[asc[0]]["fields"])  # empty first on ascending
        desc = self.ids("SELECT [System.Id] FROM WorkItems ORDER BY [Priority] DESC")
        self.assertIn(P, items[desc[0]]["fields"])
        self.assertEqual(desc[0:1], [i for i in sorted(items) if items[i]["fields"].get(P) == 4][:1])
        by_title = self.ids("SELECT [System.Id] FROM WorkItems WHERE [System.Id] < 60 ORDER BY [System.Title]")
        self.assertEqual(by_title, sorted(by_title, key=lambda i: (items[i]["fields"]["System.Title"].casefold(), i)))
        by_person = self.ids("SELECT [System.Id] FROM WorkItems ORDER BY [System.CreatedBy], [System.Id]")
        self.assertEqual(by_person, sorted(items, key=lambda i: (
            items[i]["fields"]["System.CreatedBy"]["displayName"].casefold(), i)))
        self.assertEqual(self.ids("SELECT [System.Id] FROM WorkItems"), sorted(items))  # default: Id asc
        d = self.wiql("SELECT [System.Id] FROM WorkItems ORDER BY [System.Description]", status=400)
        self.assertEqual(d["typeKey"], "QueryException")

    def test_errors(self):
        d = self.wiql("SELECT [System.Bogus] FROM WorkItems", status=400)
        self.assertEqual(d["message"], "TF51005: The query references a field that does not exist. "
                         "The error is caused by «[System.Bogus]».")
        self.assertEqual(d["typeKey"], "QueryException")
        d = self.wiql("SELECT [System.Id] FROM WorkItems WHERE [No Such Field] = 1", status=400)
        self.assertIn("«[No Such Field]»", d["message"])
        for bad in ("SELECT TOP 5 [System.Id] FROM WorkItems", "SELECT [System.Id] FROM WorkItems WHERE",
                    "SELECT [System.Id] FROM WorkItems WHERE [State] = 'x", "SELECT FROM WorkItems",
                    "SELECT [System.Id] FROM WorkItems WHERE ([State] = 'x'",
                    "SELECT [System.Id] FROM Bananas", "SELECT System.Title FROM WorkItems",
                    "SELECT [System.Id] FROM WorkItems WHERE [State] IN 'a'",
                    "SELECT [System.Id] FROM WorkItems ORDER [System.Id]"):
            d = self.wiql(bad, status=400)
            self.assertEqual(d["typeKey"], "SyntaxException", bad)
        self.assertIn("TF51006", self.wiql("SELECT TOP 5 [System.Id] FROM WorkItems", status=400)["message"])
        for bad in ("SELECT [System.Id] FROM WorkItems WHERE [System.Title] UNDER 'x'",
                    "SELECT [System.Id] FROM WorkItems WHERE [System.Id] CONTAINS '1'",
                    "SELECT [System.Id] FROM WorkItems WHERE [System.Description] = 'x'",
                    "SELECT [System.Id] FROM WorkItems WHERE [Priority] = 'high'",
                    "SELECT [System.Id] FROM WorkItems WHERE [Priority] = 'nan'",
                    "SELECT [System.Id] FROM WorkItems WHERE [Priority] = '-inf'",
                    "SELECT [System.Id] FROM WorkItems WHERE [Priority] = 1.5",
                    "SELECT [System.Id] FROM WorkItems WHERE [System.CreatedDate] > 'yesterday'",
                    "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = @CurrentIteration",
                    "SELECT [System.Id] FROM WorkItemLinks"):
            self.assertEqual(self.wiql(bad, status=400)["typeKey"], "QueryException", bad)
        long_q = "SELECT [System.Id] FROM WorkItems WHERE " + " OR ".join(["[System.Id] = %d" % i for i in range(3000)])
        self.assertGreater(len(long_q), 32000)
        d = self.wiql(long_q, status=400)
        self.assertEqual(d["typeKey"], "WorkItemTrackingQueryMaxWiqlTextLengthLimitExceededException")
        self.assertTrue(self.ids("SELECT [System.Id] FROM WorkItems WHERE " + " OR ".join(
            ["[System.Id] = %d" % i for i in range(1, 1200)])))

    def test_deleted_items_never_match(self):
        live = set(self.dump())
        deleted = [i for i in range(1, 501) if i not in live]
        self.assertTrue(deleted)
        self.assertEqual(set(self.ids("SELECT [System.Id] FROM WorkItems")), live)
        self.assertEqual(self.where_ids("[System.Id] = %d" % deleted[0]), [])


class ResultLimitTests(EmulatorTestCase):
    config = {"items": 20500, "seed": 3, "today": TODAY}

    def test_vs402337_lenient_and_strict(self):
        msg = ("VS402337: The number of work items returned exceeds the size limit of 20000. "
               "Change the query to return fewer items.")
        live = len(self.dump())
        self.assertGreater(live, 20000)
        d = self.wiql("SELECT [System.Id] FROM WorkItems", status=400)
        self.assertEqual(d["message"], msg)
        self.assertEqual(d["typeKey"], "WorkItemTrackingQueryResultSizeLimitExceededException")
        # lenient (default): $top applies first
        self.assertEqual(len(self.ids("SELECT [System.Id] FROM WorkItems", **{"$top": "100"})), 100)
        self.assertEqual(len(self.ids("SELECT [System.Id] FROM WorkItems", **{"$top": "20000"})), 20000)
        self.wiql("SELECT [System.Id] FROM WorkItems", status=400, **{"$top": "20001"})
        # partitioning by id works under the cap
        self.assertEqual(len(self.ids("SELECT [System.Id] FROM WorkItems WHERE [System.Id] <= 10000")),
                         len([i for i in self.dump() if i <= 10000]))
        # strict: checked on the full match count even with $top
        self.control("POST", "/reset", {"top_mode": "strict"})
        self.assertEqual(self.wiql("SELECT [System.Id] FROM WorkItems", status=400, **{"$top": "100"})["message"], msg)
        self.assertEqual(len(self.ids("SELECT [System.Id] FROM WorkItems WHERE [System.Id] < 500",
                                      **{"$top": "10"})), 10)


class WorkItemFetchTests(EmulatorTestCase):
    def test_200_id_cap(self):
        ids = list(range(1, 202))
        d = self.err(400, "POST", self.org + "/_apis/wit/workitemsbatch", {"ids": ids}, message="VS403474")
        self.assertEqual(d["message"], "VS403474: You requested 201 work items which exceeds the limit of 200")
        self.err(400, "GET", self.org + "/_apis/wit/workitems", params={"ids": ",".join(map(str, ids))},
                 message="VS403474: You requested 201")
        live = sorted(self.dump())[:200]
        data = self.ok("POST", self.org + "/_apis/wit/workitemsbatch", {"ids": live, "fields": ["System.Id"]})
        self.assertEqual(data["count"], 200)

    def test_error_policy(self):
        live = set(self.dump())
        deleted = next(i for i in range(1, 501) if i not in live)
        for missing in (999999, deleted):
            d = self.err(404, "POST", self.org + "/_apis/wit/workitemsbatch", {"ids": [1, missing, 2]},
                         type_key="WorkItemUnauthorizedAccessException")
            self.assertEqual(d["message"], "TF401232: Work item %d does not exist, or you do not have "
                             "permissions to read it." % missing)
            self.assertEqual(d["eventId"], 3200)
            self.err(404, "GET", self.org + "/_apis/wit/workitems", params={"ids": "1,%d" % missing},
                     message="TF401232")
            self.err(404, "GET", self.org + "/_apis/wit/workitems/%d" % missing, message="TF401232")
        data = self.ok("POST", self.org + "/_apis/wit/workitemsbatch",
                       {"ids": [3, 999999, deleted, 1], "errorPolicy": "omit"})
        self.assertEqual([v and v["id"] for v in data["value"]], [3, None, None, 1])
        data = self.ok("GET", self.org + "/_apis/wit/workitems", params={"ids": "999999,2", "errorPolicy": "Omit"})
        self.assertEqual([v and v["id"] for v in data["value"]], [None, 2])

    def test_fields_projection_and_absent_fields(self):
        items = self.dump()
        no_assignee = next(i for i in sorted(items) if "System.AssignedTo" not in items[i]["fields"])
        assigned = next(i for i in sorted(items) if "System.AssignedTo" in items[i]["fields"])
        req = ["System.Title", "Assigned To", "custom.riskscore", "Microsoft.VSTS.Common.Priority"]
        data = self.ok("POST", self.org + "/_apis/wit/workitemsbatch", {"ids": [assigned, no_assignee], "fields": req})
        self.assertEqual([v["id"] for v in data["value"]], [assigned, no_assignee])
        allowed = {"System.Title", "System.AssignedTo", "Custom.RiskScore", "Microsoft.VSTS.Common.Priority"}
        for v in data["value"]:
            self.assertLessEqual(set(v["fields"]), allowed)
            self.assertNotIn("System.Id", v["fields"])
            self.assertNotIn("System.Rev", v["fields"])
            full = items[v["id"]]["fields"]
            for k in allowed:
                if k in full:
                    self.assertEqual(v["fields"][k], full[k])
                else:
                    self.assertNotIn(k, v["fields"])  # empty -> absent, never null
        self.assertIn("System.AssignedTo", data["value"][0]["fields"])
        self.assertNotIn("System.AssignedTo", data["value"][1]["fields"])
        with_rev = self.ok("GET", self.org + "/_apis/wit/workitems",
                           params={"ids": "3", "fields": "System.Rev,System.Id"})["value"][0]
        self.assertEqual(with_rev["fields"], {"System.Rev": with_rev["rev"], "System.Id": 3})
        # all fields: System.Id is included, nothing is null
        full = self.ok("GET", self.org + "/_apis/wit/workitems/3")
        self.assertEqual(full["fields"]["System.Id"], 3)
        self.assertNotIn(None, full["fields"].values())
        self.assertEqual(full["fields"], items[3]["fields"])
        # order follows the request, duplicates allowed
        data = self.ok("GET", self.org + "/_apis/wit/workitems", params={"ids": "5,1,5"})
        self.assertEqual([v["id"] for v in data["value"]], [5, 1, 5])

    def test_fields_errors_and_expand(self):
        d = self.err(400, "POST", self.org + "/_apis/wit/workitemsbatch",
                     {"ids": [1], "fields": ["System.Title"], "$expand": "relations"},
                     type_key="ConflictingParametersException")
        self.assertEqual(d["message"], "The expand parameter can not be used with the fields parameter.")
        self.err(400, "GET", self.org + "/_apis/wit/workitems",
                 params={"ids": "1", "fields": "System.Title", "$expand": "all"},
                 type_key="ConflictingParametersException")
        self.ok("POST", self.org + "/_apis/wit/workitemsbatch",
                {"ids": [1], "fields": ["System.Title"], "$expand": "none"})
        d = self.err(400, "POST", self.org + "/_apis/wit/workitemsbatch", {"ids": [1], "fields": ["System.Bogus"]})
        self.assertEqual(d["message"], "TF51535: Cannot find field System.Bogus.")
        self.err(400, "GET", self.org + "/_apis/wit/workitems", params={"ids": "1", "fields": "Nope"},
                 message="TF51535: Cannot find field Nope.")
        items = self.dump()
        child = next(i for i in sorted(items) if "System.Parent" in items[i]["fields"]
                     and items[i]["fields"]["System.Parent"] in items)
        parent = items[child]["fields"]["System.Parent"]
        rel = self.ok("GET", self.org + "/_apis/wit/workitems/%d" % child, params={"$expand": "relations"})
        self.assertIn({"rel": "System.LinkTypes.Hierarchy-Reverse", "url": rel["url"].rsplit("/", 1)[0] + "/%d" % parent,
                       "attributes": {"isLocked": False, "name": "Parent"}},
                      [dict(r, url=r["url"]) for r in rel["relations"]])
        everything = self.ok("GET", self.org + "/_apis/wit/workitems",
                             params={"ids": str(parent), "$expand": "all"})["value"][0]
        self.assertIn("_links", everything)
        self.assertTrue(any(r["rel"] == "System.LinkTypes.Hierarchy-Forward" for r in everything["relations"]))
        ex = example(WIT + "workItems/GET__wit_WorkItems_ids-_ids___expand-all.json")
        links = dict(ex["value"][0]["_links"])
        del links["workItemHistory"]  # stale (api 1.0); current responses have workItemComments
        self.assertEqual(shape_errors(links, everything["_links"], extra_ok={"workItemComments"}), [])

    def test_hierarchy_types(self):
        items = self.dump()
        allowed = {"Task": {"User Story", "Bug"}, "User Story": {"Feature"}, "Bug": {"Feature"},
                   "Feature": {"Epic"}}
        seen = 0
        for i, it in items.items():
            f = it["fields"]
            if "System.Parent" in f:
                seen += 1
                self.assertLess(f["System.Parent"], i)
                parent = items[f["System.Parent"]]["fields"]
                self.assertIn(parent["System.WorkItemType"], allowed[f["System.WorkItemType"]])
                self.assertEqual(parent["System.TeamProject"], f["System.TeamProject"])
        self.assertGreater(seen, 100)
        states = {}
        for it in items.values():
            states.setdefault(it["fields"]["System.WorkItemType"], set()).add(it["fields"]["System.State"])
        self.assertNotIn("Resolved", states["Task"])
        self.assertEqual(set(states), {"Epic", "Feature", "User Story", "Task", "Bug"})


class ControlTests(EmulatorTestCase):
    def test_request_log_and_reset(self):
        self.control("DELETE", "/log")
        self.call("GET", self.org + "/_apis/projects", params={"$top": "1"})
        self.call("GET", self.org + "/_apis/projects", pat="bad")
        self.wiql("SELECT [System.Id] FROM WorkItems")
        self.control("GET", "/health")
        status, log = self.control("GET", "/log")
        self.assertEqual(status, 200)
        self.assertEqual([(e["method"], e["path"], e["status"]) for e in log],
                         [("GET", "/fabrikam/_apis/projects", 200), ("GET", "/fabrikam/_apis/projects", 401),
                          ("POST", "/fabrikam/_apis/wit/wiql", 200)])
        self.assertEqual(log[0]["query"], "$top=1&api-version=7.1")
        for e in log:
            self.assertEqual(set(e), {"method", "path", "query", "status", "bytes", "start", "end"})
            self.assertGreater(e["bytes"], 0)
            self.assertLessEqual(e["start"], e["end"])
        self.assertNotIn(PAT, json.dumps(log))
        self.assertEqual(self.control("DELETE", "/log")[0], 200)
        self.assertEqual(self.control("GET", "/log")[1], [])
        self.call("GET", self.org + "/_apis/projects")
        status, body = self.control("POST", "/reset", {"items": 50, "seed": 9})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.control("GET", "/log")[1], [])
        self.assertEqual(len(self.dump()), 50)  # items = live work items
        self.assertEqual(self.control("POST", "/reset", {"bogus": 1})[0], 400)
        self.assertEqual(self.control("POST", "/reset", {"top_mode": "sloppy"})[0], 400)
        self.assertEqual(self.control("GET", "/nothing")[0], 404)
        status, slim = self.control("GET", "/dump?fields=System.Title,Assigned%20To")
        self.assertEqual(status, 200)
        self.assertTrue(all(set(it["fields"]) <= {"System.Title", "System.AssignedTo"} for it in slim["items"]))
        self.assertEqual([it["id"] for it in slim["items"]], sorted(self.dump()))
        self.assertEqual(self.control("GET", "/dump?fields=Nope")[0], 400)
        self.assertEqual(self.control("GET", "/health"), (200, {"ok": True}))

    def test_latency(self):
        self.control("POST", "/reset", {"latency_ms": 300})
        t = time.monotonic()
        self.call("GET", self.org + "/_apis/projects")
        self.assertGreaterEqual(time.monotonic() - t, 0.29)
        t = time.monotonic()
        self.control("GET", "/health")  # control endpoints are not delayed
        self.assertLess(time.monotonic() - t, 0.25)

    def test_keep_alive_and_transfer_forms(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Authorization": basic(PAT)}
        conn.request("GET", self.org + "/_apis/projects?api-version=7.1", headers=h)
        r = conn.getresponse()
        r.read()
        sock = conn.sock
        self.assertIsNotNone(sock)
        conn.request("GET", self.org + "/_apis/wit/fields?api-version=7.1", headers=h)
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(int(r.getheader("Content-Length")), len(r.read()))
        self.assertIs(conn.sock, sock)  # same connection reused
        body = json.dumps({"query": "SELECT [System.Id] FROM WorkItems WHERE [System.Id] < 5"}).encode()
        conn.request("POST", self.org + "/_apis/wit/wiql?api-version=7.1", body=iter([body[:10], body[10:]]),
                     headers=dict(h, **{"Content-Type": "application/json"}), encode_chunked=True)
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual([w["id"] for w in json.loads(r.read())["workItems"]], [1, 2, 3, 4])
        conn.request("POST", self.org + "/_apis/wit/wiql?api-version=7.1", body=body,
                     headers=dict(h, **{"Content-Type": "application/json", "Expect": "100-continue"}))
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        r.read()
        conn.close()


class BenchSupportTests(EmulatorTestCase):
    """What bench/ needs: request bodies in the log (opt-in) and the resource
    locations Microsoft's client libraries read (locations.py)."""

    def test_log_bodies_opt_in(self):
        query = {"query": "SELECT [System.Id] FROM WorkItems WHERE [System.Id] < 3"}
        self.wiql(query["query"])
        self.assertNotIn("body", self.control("GET", "/log")[1][0])   # off by default
        self.assertEqual(self.control("POST", "/reset", {"log_bodies": "yes"})[0], 400)
        self.assertEqual(self.control("POST", "/reset", {"log_bodies": True})[0], 200)
        self.wiql(query["query"])
        self.call("GET", self.org + "/_apis/projects")
        secret = "s3cret-" + secrets.token_hex(8)
        self.call("POST", "/" + TENANT + "/oauth2/v2.0/token", b"grant_type=client_credentials&client_id=x"
                  b"&client_secret=" + secret.encode(), pat=None, api_version=None,
                  headers={"Content-Type": FORM})
        log = self.control("GET", "/log")[1]
        self.assertEqual(len(log), 3, log)
        self.assertEqual(json.loads(log[0]["body"]), query)
        self.assertNotIn("body", log[1])        # no body, no key
        self.assertNotIn("body", log[2])        # token endpoints: never
        text = json.dumps(log)
        self.assertNotIn(PAT, text)
        self.assertNotIn(basic(PAT).split()[1], text)
        self.assertNotIn(secret, text)
        self.emu.reset({})
        self.wiql(query["query"])
        self.assertNotIn("body", self.control("GET", "/log")[1][0])   # a reset turns it off

    def test_resource_locations(self):
        # OPTIONS needs no api-version; it lists the area's locations.
        data = self.ok("OPTIONS", self.org + "/_apis/wit", api_version=None)
        self.assertEqual(data["count"], len(data["value"]))
        by_id = {loc["id"]: loc for loc in data["value"]}
        wiql_loc = by_id["1a9c53f7-f243-4447-b110-35ef023636e4"]
        self.assertEqual(wiql_loc, {"id": "1a9c53f7-f243-4447-b110-35ef023636e4", "area": "wit",
                                    "resourceName": "wiql",
                                    "routeTemplate": "{project}/{team}/_apis/{area}/{resource}/{id}",
                                    "resourceVersion": 2, "minVersion": "1.0", "maxVersion": "7.1",
                                    "releasedVersion": "7.1"})
        self.assertEqual(by_id["908509b6-4248-4475-a1cd-829139ba419f"]["resourceName"], "workItemsBatch")
        self.assertEqual(by_id["62d3d110-0047-428c-ad3c-4fe872c91c74"]["routeTemplate"],
                         "{project}/_apis/{area}/{resource}/${type}")
        loc = self.ok("OPTIONS", self.org + "/_apis/Location", api_version=None)
        self.assertEqual([(x["resourceName"], x["routeTemplate"], x["releasedVersion"]) for x in loc["value"]],
                         [("ResourceAreas", "_apis/{resource}/{areaId}", "0.0")])
        everything = self.ok("OPTIONS", self.org + "/_apis", api_version=None)
        self.assertEqual(everything["count"], data["count"] + loc["count"])
        self.assertEqual(self.call("OPTIONS", self.org + "/_apis/nosucharea", api_version=None)[0], 404)
        self.assertEqual(self.call("OPTIONS", self.org + "/_apis/wit", pat="bad", api_version=None)[0], 401)

        # A URL built from a route template the way the clients do (empty
        # route values drop their segment) reaches the real endpoint.
        def expand(template, **values):
            values.setdefault("area", "wit")
            parts = [re.sub(r"\{(\w+)\}", lambda m: quote(str(values.get(m.group(1), ""))), seg)
                     for seg in template.split("/")]
            return "/".join(p for p in parts if p)
        url = self.org + "/" + expand(wiql_loc["routeTemplate"], project="Fabrikam-Fiber-Git",
                                      resource="wiql")
        self.assertEqual(url, "/fabrikam/Fabrikam-Fiber-Git/_apis/wit/wiql")
        got = self.ok("POST", url, {"query": "SELECT [System.Id] FROM WorkItems WHERE [System.Id] < 3"},
                      api_version="7.1-preview.2")
        self.assertIn("workItems", got)

        # ResourceAreas: the areas served at this organization's URL.
        areas = self.ok("GET", self.org + "/_apis/ResourceAreas", api_version="7.1-preview.1")
        base = "http://127.0.0.1:%d/fabrikam/" % self.port
        self.assertEqual(areas, {"count": 2, "value": [
            {"id": "79134c72-4a58-4b42-976c-04e7115f32bf", "name": "core", "locationUrl": base},
            {"id": "5264459e-e5e0-4bd8-b118-0985e68a4ec5", "name": "wit", "locationUrl": base}]})
        one = self.ok("GET", self.org + "/_apis/resourceAreas/5264459E-E5E0-4BD8-B118-0985E68A4EC5",
                      api_version="7.1-preview.1")
        self.assertEqual(one["name"], "wit")
        self.err(404, "GET", self.org + "/_apis/ResourceAreas/00000000-0000-0000-0000-000000000000",
                 api_version="7.1-preview.1")
        self.assertEqual(self.call("GET", self.org + "/_apis/ResourceAreas", pat="bad")[0], 401)


# --------------------------------------------------------------------------
# token endpoints, bearer auth, faults

APP_ID = str(__import__("uuid").uuid4())
APP_SECRET = "Ab18Q~" + secrets.token_urlsafe(26)
APP2_ID = "app2-" + secrets.token_hex(6)
APP2_SECRET = "a+b&c=d~e/f%g " + secrets.token_hex(8)   # needs form encoding
REDIRECT = "https://localhost/callback"
READY_TOKEN = "ready-" + secrets.token_hex(24)
CLIENTS_ENV = "%s:%s:fabrikamfiber4@hotmail.com:%s,%s:%s:zoe.unal@fabrikam.example" % (
    APP_ID, APP_SECRET, REDIRECT, APP2_ID, APP2_SECRET)
TENANT = auth.DEFAULT_TENANT
ADO_SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default"
FORM = "application/x-www-form-urlencoded"
ENTRA_ERROR_KEYS = {"error", "error_description", "error_codes", "timestamp", "trace_id",
                    "correlation_id", "error_uri"}


def bearer(token):
    return {"Authorization": "Bearer " + token}


class AuthTestCase(EmulatorTestCase):
    config = {"items": 30, "seed": 1, "today": TODAY}
    clients = auth.parse_clients(CLIENTS_ENV)
    access_tokens = {READY_TOKEN: "zoe.unal@fabrikam.example"}

    def setUp(self):
        super().setUp()
        self.emu.tokens.revoke_all()

    def post_form(self, path, fields, content_type=FORM, method="POST"):
        body = urlencode(fields).encode() if isinstance(fields, dict) else fields
        status, resp, data = self.call(method, path, pat=None, api_version=None,
                                       headers={"Content-Type": content_type}, body=None
                                       ) if body is None else self._raw(method, path, body, content_type)
        return status, resp, data

    def _raw(self, method, path, body, content_type):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": content_type,
                                                           "Accept": "application/json"})
            resp = conn.getresponse()
            raw = resp.read()
            return resp.status, resp, json.loads(raw) if raw else None
        finally:
            conn.close()

    def entra(self, fields, tenant=TENANT, **kw):
        return self.post_form("/%s/oauth2/v2.0/token" % tenant, fields, **kw)

    def entra_err(self, status, error, code, fields, **kw):
        got, resp, data = self.entra(fields, **kw)
        self.assertEqual(got, status, data)
        self.assertEqual(set(data), ENTRA_ERROR_KEYS, data)
        self.assertEqual(data["error"], error, data)
        self.assertEqual(data["error_codes"], [code], data)
        self.assertTrue(data["error_description"].startswith("AADSTS%d: " % code), data)
        self.assertIn("Trace ID: " + data["trace_id"], data["error_description"])
        return data

    def client_credentials(self, client_id=APP_ID, secret=APP_SECRET, scope=ADO_SCOPE):
        status, resp, data = self.entra({"grant_type": "client_credentials", "client_id": client_id,
                                         "client_secret": secret, "scope": scope})
        self.assertEqual(status, 200, data)
        return data

    def mint(self, client_id=APP_ID, **kw):
        status, data = self.control("POST", "/refresh_token", dict(kw, client_id=client_id))
        self.assertEqual(status, 200, data)
        self.assertEqual(set(data), {"refresh_token"})
        return data["refresh_token"]

    def refresh(self, rt, client_id=APP_ID, secret=None, scope=ADO_SCOPE + " offline_access"):
        fields = {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": rt, "scope": scope}
        if secret is not None:
            fields["client_secret"] = secret
        return self.entra(fields)

    def legacy(self, rt, secret=APP_SECRET, redirect=REDIRECT, grant="refresh_token", **kw):
        fields = {"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                  "client_assertion": secret, "grant_type": grant, "assertion": rt,
                  "redirect_uri": redirect}
        fields.update(kw)
        return self.post_form("/oauth2/token", fields)

    def me_ids(self, **call_kw):
        path = self.org + "/_apis/wit/wiql"
        status, resp, data = self.call("POST", path, {"query": "SELECT [System.Id] FROM WorkItems "
                                                      "WHERE [System.AssignedTo] = @Me"}, **call_kw)
        self.assertEqual(status, 200, data)
        return [w["id"] for w in data["workItems"]]

    def projects(self, token=None, **kw):
        headers = bearer(token) if token is not None else None
        return self.call("GET", self.org + "/_apis/projects", pat=None if token is not None else PAT,
                         headers=headers, **kw)

    def assert_tf400813(self, status, resp, data, user=""):
        self.assertEqual(status, 401, data)
        self.assertEqual(data["typeKey"], "UnauthorizedRequestException")
        self.assertEqual(data["message"], "TF400813: The user '%s' is not authorized to access this "
                         "resource." % user)


class TokenEndpointTests(AuthTestCase):
    def test_client_credentials_success_and_bearer_identity(self):
        tok = self.client_credentials()
        self.assertEqual(set(tok), {"token_type", "expires_in", "ext_expires_in", "access_token"})
        self.assertEqual(tok["token_type"], "Bearer")
        self.assertEqual((tok["expires_in"], tok["ext_expires_in"]), (3599, 3599))
        self.assertGreater(len(tok["access_token"]), 1000)  # real tokens are 1-2.5 KB JWTs
        self.assertEqual(self.projects(tok["access_token"])[0], 200)
        # acts as its identity (@Me), like the PAT of the same user
        self.assertEqual(self.me_ids(pat=None, headers=bearer(tok["access_token"])), self.me_ids())
        self.assertEqual(self.me_ids(pat=None, headers=bearer(READY_TOKEN)), self.me_ids(pat=ZOE_PAT))
        # a second app with a secret that needs form encoding; tenant by domain; resource-URI scope
        tok2 = self.entra({"grant_type": "client_credentials", "client_id": APP2_ID.upper(),
                           "client_secret": APP2_SECRET,
                           "scope": "https://app.vssps.visualstudio.com/.default"},
                          tenant="fabrikam.onmicrosoft.com")
        self.assertEqual(tok2[0], 200, tok2[2])
        self.assertEqual(self.me_ids(pat=None, headers=bearer(tok2[2]["access_token"])),
                         self.me_ids(pat=ZOE_PAT))
        self.assertNotEqual(tok2[2]["access_token"], tok["access_token"])
        # the token_lifetime_s reset key
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "token_lifetime_s": 120})
        self.assertEqual(self.client_credentials()["expires_in"], 120)
        counts = self.control("GET", "/tokens")[1]
        self.assertEqual((counts["issued"], counts["client_credentials"]), (1, 1))  # reset zeroes counters

    def test_client_credentials_errors(self):
        good = {"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": APP_SECRET,
                "scope": ADO_SCOPE}
        d = self.entra_err(401, "invalid_client", 7000215, dict(good, client_secret=APP_SECRET + "x"))
        self.assertIn("Invalid client secret provided", d["error_description"])
        self.entra_err(401, "invalid_client", 7000215, dict(good, client_secret=APP2_SECRET))
        self.entra_err(401, "invalid_client", 7000218, {k: v for k, v in good.items() if k != "client_secret"})
        self.entra_err(400, "unauthorized_client", 700016, dict(good, client_id=str(__import__("uuid").uuid4())))
        self.entra_err(400, "invalid_scope", 70011, dict(good, scope="https://graph.microsoft.com/.default"))
        self.entra_err(400, "invalid_scope", 70011, dict(good, scope="vso.work"))
        self.entra_err(400, "invalid_scope", 70011, {k: v for k, v in good.items() if k != "scope"})
        self.entra_err(400, "invalid_scope", 1002012,
                       dict(good, scope="499b84ac-1321-427f-aa17-267ca6975798/user_impersonation"))
        self.entra_err(400, "invalid_request", 90002, good, tenant="0b8d1c4e-1111-4222-8333-944455556666")
        self.entra_err(400, "invalid_request", 900023, good, tenant="not-a-tenant")
        self.entra_err(400, "invalid_request", 900144, json.dumps(good).encode(), content_type="application/json")
        self.entra_err(400, "invalid_request", 900144, {k: v for k, v in good.items() if k != "grant_type"})
        self.entra_err(400, "unsupported_grant_type", 70003, dict(good, grant_type="password"))
        self.entra_err(401, "invalid_client", 700027, dict(good, client_assertion="eyJ.x.y",
                       client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
        self.entra_err(400, "invalid_request", 900561, None, method="GET")
        counts = self.control("GET", "/tokens")[1]
        self.assertEqual(counts["issued"], 0)
        self.assertEqual(counts["token_errors"], 15)

    def test_refresh_rotation(self):
        rt = self.mint()
        status, resp, tok = self.refresh(rt)
        self.assertEqual(status, 200, tok)
        self.assertEqual(set(tok), {"token_type", "scope", "expires_in", "ext_expires_in", "access_token",
                                    "refresh_token"})
        self.assertEqual(tok["token_type"], "Bearer")
        self.assertNotEqual(tok["refresh_token"], rt)
        self.assertEqual(self.projects(tok["access_token"])[0], 200)
        # the old refresh token is dead now
        d = self.entra_err(400, "invalid_grant", 70008, {"grant_type": "refresh_token", "client_id": APP_ID,
                                                         "refresh_token": rt, "scope": ADO_SCOPE})
        self.assertIn("expired due to inactivity", d["error_description"])
        # the new one works, with the client secret too; and rotates again
        status, resp, tok2 = self.refresh(tok["refresh_token"], secret=APP_SECRET)
        self.assertEqual(status, 200, tok2)
        self.assertNotIn(tok2["refresh_token"], (rt, tok["refresh_token"]))
        # failures
        self.entra_err(400, "invalid_grant", 9002313, {"grant_type": "refresh_token", "client_id": APP_ID,
                                                       "refresh_token": "0.Abogus", "scope": ADO_SCOPE})
        self.entra_err(401, "invalid_client", 7000215, {"grant_type": "refresh_token", "client_id": APP_ID,
                                                        "client_secret": "nope", "scope": ADO_SCOPE,
                                                        "refresh_token": tok2["refresh_token"]})
        self.entra_err(400, "invalid_grant", 70000, {"grant_type": "refresh_token", "client_id": APP2_ID,
                                                     "refresh_token": tok2["refresh_token"], "scope": ADO_SCOPE})
        self.entra_err(400, "invalid_scope", 70011, {"grant_type": "refresh_token", "client_id": APP_ID,
                                                     "refresh_token": tok2["refresh_token"], "scope": "openid"})
        self.entra_err(400, "invalid_request", 900144, {"grant_type": "refresh_token", "client_id": APP_ID,
                                                        "scope": ADO_SCOPE})
        # a refresh token minted for another user acts as that user
        status, resp, zt = self.refresh(self.mint(user="zoe.unal@fabrikam.example"))
        self.assertEqual(status, 200, zt)
        self.assertEqual(self.me_ids(pat=None, headers=bearer(zt["access_token"])), self.me_ids(pat=ZOE_PAT))
        counts = self.control("GET", "/tokens")[1]
        self.assertEqual((counts["refresh_tokens_minted"], counts["refreshed"], counts["rotated"],
                          counts["issued"]), (2, 3, 3, 3))
        # rotate_refresh=false: the same refresh token comes back and stays valid
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "rotate_refresh": False})
        rt = self.mint()
        for _ in range(2):
            status, resp, tok = self.refresh(rt)
            self.assertEqual(status, 200, tok)
            self.assertEqual(tok["refresh_token"], rt)
        # minting errors
        self.assertEqual(self.control("POST", "/refresh_token", {"client_id": "nobody"})[0], 400)
        self.assertEqual(self.control("POST", "/refresh_token", {"user": "x"})[0], 400)
        self.assertEqual(self.control("POST", "/refresh_token", {"client_id": APP_ID, "bogus": 1})[0], 400)

    def test_legacy_oauth_refresh(self):
        rt = self.mint()
        status, resp, tok = self.legacy(rt)
        self.assertEqual(status, 200, tok)
        self.assertEqual(set(tok), {"access_token", "token_type", "expires_in", "refresh_token", "scope"})
        self.assertEqual((tok["token_type"], tok["expires_in"], tok["scope"]), ("jwt-bearer", "3599", "vso.work"))
        self.assertNotEqual(tok["refresh_token"], rt)
        self.assertEqual(self.projects(tok["access_token"])[0], 200)
        status, resp, d = self.legacy(rt)                                  # rotated away
        self.assertEqual((status, d["Error"]), (400, "invalid_grant"), d)
        self.assertEqual(set(d), {"Error", "ErrorDescription"})
        new = tok["refresh_token"]
        status, resp, d = self.legacy(new, secret="wrong")
        self.assertEqual((status, d["Error"]), (401, "invalid_client"), d)
        status, resp, d = self.legacy(new, redirect="https://evil.example/cb")
        self.assertEqual((status, d["Error"]), (400, "invalid_request"), d)
        status, resp, d = self.legacy(new, client_assertion_type="urn:nope")
        self.assertEqual((status, d["Error"]), (400, "invalid_request"), d)
        status, resp, d = self.legacy(new, grant="urn:ietf:params:oauth:grant-type:jwt-bearer")
        self.assertEqual((status, d["Error"]), (400, "invalid_grant"), d)   # codes unsupported
        status, resp, d = self.legacy(new, grant="password")
        self.assertEqual((status, d["Error"]), (400, "unsupported_grant_type"), d)
        # wrong Content-Type -> 400 (§1.4: "400 usually = wrong Content-Type")
        body = urlencode({"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                          "client_assertion": APP_SECRET, "grant_type": "refresh_token",
                          "assertion": new, "redirect_uri": REDIRECT}).encode()
        status, resp, d = self.post_form("/oauth2/token", body, content_type="application/json")
        self.assertEqual((status, d["Error"]), (400, "invalid_request"), d)
        status, resp, tok2 = self.post_form("/oauth2/token", body)   # still valid after the failures
        self.assertEqual(status, 200, tok2)
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "token_lifetime_s": 600})
        status, resp, tok3 = self.legacy(self.mint(scope="vso.work_write vso.code"))
        self.assertEqual((status, tok3["expires_in"], tok3["scope"]), (200, "600", "vso.work_write vso.code"))

    def test_token_requests_logged_without_secrets(self):
        self.control("DELETE", "/log")
        rt = self.mint()
        tok = self.client_credentials()
        status, resp, rtok = self.refresh(rt)
        self.entra({"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": "bad",
                    "scope": ADO_SCOPE})
        # a query string on a token URL is not logged either
        self.post_form("/oauth2/token?client_assertion_type=x&secret=" + APP_SECRET, {"assertion": rt})
        self.projects(tok["access_token"])
        status, log = self.control("GET", "/log")
        self.assertEqual([(e["method"], e["path"], e["status"]) for e in log], [
            ("POST", "/%s/oauth2/v2.0/token" % TENANT, 200), ("POST", "/%s/oauth2/v2.0/token" % TENANT, 200),
            ("POST", "/%s/oauth2/v2.0/token" % TENANT, 401), ("POST", "/oauth2/token", 400),
            ("GET", "/fabrikam/_apis/projects", 200)])
        self.assertTrue(all(e["query"] == "" for e in log[:4]))
        text = json.dumps(log) + json.dumps(self.control("GET", "/tokens")[1])
        for secret in (APP_SECRET, rt, tok["access_token"], rtok["access_token"], rtok["refresh_token"],
                       READY_TOKEN, "client_secret", "refresh_token="):
            self.assertNotIn(secret, text)


class BearerAuthTests(AuthTestCase):
    def test_expiry_via_clock(self):
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "token_lifetime_s": 60})
        tok = self.client_credentials()["access_token"]
        status, clock = self.control("POST", "/clock", {"advance_s": 59})
        self.assertEqual(status, 200, clock)
        self.assertGreaterEqual(clock["offset_s"], 59)
        self.assertAlmostEqual(clock["now"], time.time() + clock["offset_s"], delta=5)
        self.assertEqual(self.projects(tok)[0], 200)
        self.control("POST", "/clock", {"advance_s": 1.5})
        status, resp, data = self.projects(tok)
        self.assert_tf400813(status, resp, data)
        self.assertIn("Bearer", resp.headers.get_all("WWW-Authenticate"))
        self.assertEqual(self.projects(READY_TOKEN)[0], 200)       # configured tokens never expire
        self.assertEqual(self.projects()[0], 200)                  # PATs unaffected
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "auth_failure": "203"})
        status, resp, data = self.projects(tok)
        self.assertEqual(status, 203)                              # expired bearer on GET -> sign-in page
        self.assertTrue(resp.getheader("Content-Type").startswith("text/html"))
        counts = self.control("GET", "/tokens")[1]
        self.assertEqual((counts["bearer_expired"], counts["active_access_tokens"]), (1, 0))
        # the clock only moves forward; GET reads it
        self.assertEqual(self.control("POST", "/clock", {"advance_s": -1})[0], 400)
        self.assertEqual(self.control("POST", "/clock", {"offset_s": 1})[0], 400)
        self.assertEqual(self.control("POST", "/clock", None)[0], 400)
        self.assertGreaterEqual(self.control("GET", "/clock")[1]["offset_s"], 60.5)

    def test_unknown_and_revoked_bearer(self):
        tok = self.client_credentials()["access_token"]
        for bad in (tok + "x", "", PAT, "eyJ0eXAiOiJKV1QifQ.e30.x"):
            status, resp, data = self.call("GET", self.org + "/_apis/projects", pat=None,
                                           headers={"Authorization": "Bearer " + bad})
            self.assertEqual(status, 401, bad)
        self.assertEqual(self.projects(tok)[0], 200)
        status, out = self.control("DELETE", "/tokens")
        self.assertEqual((status, out["revoked"]), (200, 1))
        self.assertEqual(self.projects(tok)[0], 401)
        self.assertEqual(self.projects(READY_TOKEN)[0], 200)

    def test_oauth_blocked(self):
        tok = self.client_credentials()["access_token"]
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "oauth_blocked": True})
        jamal = store.Identity("Jamal Hartnett", "fabrikamfiber4@hotmail.com").id
        for t in (tok, READY_TOKEN):
            status, resp, data = self.projects(t)
            self.assertEqual(status, 401)
            self.assertEqual(data["typeKey"], "UnauthorizedRequestException")
            self.assertRegex(data["message"], r"^TF400813: The user '[0-9a-f-]{36}' is not authorized to "
                                              r"access this resource\.$")
        self.assert_tf400813(*self.projects(tok), user=self.emu.state.store.identity_by_unique(
            "fabrikamfiber4@hotmail.com").id)
        self.assertTrue(jamal)
        self.assertEqual(self.projects()[0], 200)        # PATs still work (doc §1.4)
        self.control("POST", "/reset", {"items": 30, "today": TODAY})
        self.assertEqual(self.projects(tok)[0], 200)     # tokens survive a reset

    def test_unmaterialized(self):
        tok = self.client_credentials()["access_token"]
        zoe_tok = self.client_credentials(APP2_ID, APP2_SECRET)["access_token"]
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "unmaterialized": [APP_ID.upper()]})
        status, resp, data = self.projects(tok)
        self.assertEqual(status, 401, data)
        self.assertEqual(data["typeKey"], "AadUserStateException")
        self.assertEqual(data["typeName"], "Microsoft.TeamFoundation.Framework.Server.AadUserStateException, "
                                           "Microsoft.TeamFoundation.Framework.Server")
        jamal = self.emu.state.store.identity_by_unique("fabrikamfiber4@hotmail.com").id
        self.assertEqual(data["message"], "Identity %s has not been materialized, please use interactive "
                                          "login over the browser first." % jamal)
        self.assertEqual(self.projects(zoe_tok)[0], 200)
        self.assertEqual(self.projects(READY_TOKEN)[0], 200)
        self.assertEqual(self.projects()[0], 200)
        self.control("POST", "/reset", {"items": 30, "today": TODAY,
                                        "unmaterialized": ["zoe.unal@fabrikam.example"]})
        self.assertEqual(self.projects(tok)[0], 200)
        self.assertEqual(self.projects(zoe_tok)[2]["typeKey"], "AadUserStateException")
        self.assertEqual(self.projects(READY_TOKEN)[2]["typeKey"], "AadUserStateException")
        self.assertEqual(self.call("GET", self.org + "/_apis/projects", pat=ZOE_PAT)[0], 200)  # PAT: no AAD

    def test_pat_expired(self):
        self.control("POST", "/reset", {"items": 30, "today": TODAY, "pat_expired": True})
        status, resp, data = self.projects()
        self.assert_tf400813(status, resp, data)
        self.assertEqual(resp.headers.get_all("X-TFS-ServiceError"),
                         ["Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired."])
        status, resp, data = self.call("GET", self.org + "/_apis/projects", pat="not-a-pat")
        self.assertEqual(status, 401)
        self.assertNotIn("expired", resp.getheader("X-TFS-ServiceError"))
        self.assertEqual(self.projects(READY_TOKEN)[0], 200)

    def test_reset_key_validation(self):
        for bad in ({"oauth_blocked": "yes"}, {"rotate_refresh": 1}, {"pat_expired": None},
                    {"unmaterialized": "x"}, {"unmaterialized": [1]}, {"token_lifetime_s": -1},
                    {"token_lifetime_s": 1.5}, {"token_lifetime_s": True}):
            self.assertEqual(self.control("POST", "/reset", bad)[0], 400, bad)
        status, out = self.control("POST", "/reset", {"items": 30, "unmaterialized": None})
        self.assertEqual((status, out["config"]["unmaterialized"]), (200, []))
        self.assertEqual(out["config"]["token_lifetime_s"], 3599)
        self.assertIs(out["config"]["rotate_refresh"], True)


class FaultTests(AuthTestCase):
    def faults(self, *rules):
        status, out = self.control("POST", "/faults", {"rules": list(rules)})
        self.assertEqual(status, 200, out)
        self.assertEqual(out["rules"], len(rules))

    def get(self, path="/_apis/projects", **kw):
        return self.call("GET", self.org + path, **kw)

    def raw_exchange(self, path, method="GET", body=b""):
        """Sends one request on a raw socket and reads until EOF/reset:
        -> (bytes received, exception or None)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            head = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: %s\r\n"
                    "Content-Length: %d\r\n") % (
                method, path, basic(PAT), len(body))
            if body:
                head += "Content-Type: application/json\r\n"
            s.sendall(head.encode() + b"\r\n" + body)
            got = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except OSError as exc:
                    return got, exc
                if not chunk:
                    return got, None
                got += chunk
        finally:
            s.close()

    def test_rule_validation_and_control(self):
        for bad in ({"rules": [{"action": "explode"}]}, {"rules": [{"action": "429", "delay_ms": 5}]},
                    {"rules": [{"action": "429", "every": 2, "first": 1}]}, {"rules": [{"action": "429", "nth": 3}]},
                    {"rules": [{"action": "429", "every": 0}]}, {"rules": [{"action": "truncate", "fraction": 1}]},
                    {"rules": [{"action": "reset", "close": "slam"}]}, {"rules": [{"action": "429", "retry_after": -1}]},
                    {"rules": [{"action": "429", "path": 3}]}, {"rules": {"action": "429"}}, {"action": "429"},
                    {"rules": [], "x": 1}, {"rules": ["429"]}):
            self.assertEqual(self.control("POST", "/faults", bad)[0], 400, bad)
        self.faults({"path": "projects", "every": 2, "action": 429, "comment": "int action is fine"})
        self.assertEqual(self.get()[0], 200)
        self.assertEqual(self.get()[0], 429)
        status, out = self.control("GET", "/faults")
        self.assertEqual(out["rules"], [{"path": "projects", "every": 2, "action": "429",
                                         "comment": "int action is fine", "matched": 2, "fired": 1}])
        self.assertEqual(self.control("DELETE", "/faults"), (200, {"ok": True, "cleared": 1}))
        self.assertEqual([self.get()[0] for _ in range(2)], [200, 200])
        self.faults({"action": "503"})
        self.assertEqual(self.get()[0], 503)
        self.control("POST", "/reset", {"items": 30, "today": TODAY})
        self.assertEqual(self.get()[0], 200)
        self.assertEqual(self.control("GET", "/faults")[1], {"rules": []})

    def test_selectors_and_matching(self):
        self.faults({"path": "projects", "every": 3, "action": "503"})
        self.assertEqual([self.get()[0] for _ in range(7)], [200, 200, 503, 200, 200, 503, 200])
        self.faults({"path": "projects", "first": 2, "action": "503"})
        self.assertEqual([self.get()[0] for _ in range(4)], [503, 503, 200, 200])
        self.faults({"path": "/_APIS/Projects", "nth": [1, 4], "action": "503"})   # case-insensitive
        self.assertEqual([self.get()[0] for _ in range(5)], [503, 200, 200, 503, 200])
        # method filter; only matching requests count; first firing rule wins, all count
        self.faults({"path": "wiql", "method": "POST", "nth": [2], "action": "429"},
                    {"path": "", "every": 2, "action": "500"})
        wiql = {"query": "SELECT [System.Id] FROM WorkItems"}
        got = [self.call("POST", self.org + "/_apis/wit/wiql", wiql)[0], self.get()[0],
               self.call("POST", self.org + "/_apis/wit/wiql", wiql)[0], self.get()[0]]
        self.assertEqual(got, [200, 500, 429, 500])
        self.assertEqual([(r["matched"], r["fired"]) for r in self.control("GET", "/faults")[1]["rules"]],
                         [(2, 1), (4, 2)])
        # "" never matches token endpoints; a path that occurs in theirs does
        self.faults({"action": "503"})
        self.assertEqual(self.entra({"grant_type": "client_credentials", "client_id": APP_ID,
                                     "client_secret": APP_SECRET, "scope": ADO_SCOPE})[0], 200)
        self.faults({"path": "oauth2", "first": 1, "action": "503", "retry_after": 7})
        status, resp, data = self.entra({"grant_type": "client_credentials", "client_id": APP_ID,
                                         "client_secret": APP_SECRET, "scope": ADO_SCOPE})
        self.assertEqual((status, resp.getheader("Retry-After")), (503, "7"))
        self.assertEqual(self.get()[0], 200)
        self.assertEqual(self.control("GET", "/health")[0], 200)    # control endpoints never faulted

    def test_429(self):
        self.faults({"path": "projects", "first": 1, "action": "429"},
                    {"path": "fields", "first": 1, "action": "429", "retry_after": None, "resource": "Core"},
                    {"path": "wit/workitems", "first": 1, "action": "429", "retry_after": "Wed, 21 Oct 2026 07:28:00 GMT"})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", self.org + "/_apis/projects?api-version=7.1", headers={"Authorization": basic(PAT)})
        resp = conn.getresponse()
        data = json.loads(resp.read())
        self.assertEqual(resp.status, 429)
        self.assertEqual(resp.getheader("Retry-After"), "1")
        self.assertEqual(resp.getheader("X-RateLimit-Remaining"), "0")
        self.assertEqual(resp.getheader("X-RateLimit-Limit"), "200")
        self.assertRegex(resp.getheader("X-RateLimit-Delay"), r"^\d+\.\d{3}$")
        self.assertTrue(resp.getheader("X-RateLimit-Resource"))
        self.assertAlmostEqual(int(resp.getheader("X-RateLimit-Reset")), time.time() + 300, delta=30)
        self.assertEqual(data["typeKey"], "RequestBlockedException")
        self.assertTrue(data["message"].startswith("TF400733: The request has been canceled: Request was "
                                                   "blocked due to exceeding usage of resource"), data)
        conn.request("GET", self.org + "/_apis/projects?api-version=7.1", headers={"Authorization": basic(PAT)})
        resp = conn.getresponse()        # the connection stays usable after a 429
        resp.read()
        self.assertEqual(resp.status, 200)
        self.assertIsNone(resp.getheader("Retry-After"))
        conn.close()
        d = self.err(429, "GET", self.org + "/_apis/wit/fields", type_key="RequestBlockedException")
        self.assertIn("'Core'", d["message"])
        status, resp, d = self.get("/_apis/wit/fields")
        status, resp, d = self.call("GET", self.org + "/_apis/wit/workitems", params={"ids": "1"})
        self.assertEqual((status, resp.getheader("Retry-After")), (429, "Wed, 21 Oct 2026 07:28:00 GMT"))
        self.faults({"path": "projects", "action": "429", "retry_after": None})
        status, resp, d = self.get()
        self.assertEqual(status, 429)
        self.assertIsNone(resp.getheader("Retry-After"))

    def test_server_errors_and_host_offline(self):
        self.faults({"path": "projects", "nth": [1], "action": "500"},
                    {"path": "projects", "nth": [2], "action": "502"},
                    {"path": "projects", "nth": [3], "action": "503", "retry_after": 5},
                    {"path": "projects", "nth": [4], "action": "504", "body": "json"},
                    {"path": "projects", "nth": [5], "action": "host_offline"})
        status, resp, d = self.get()
        self.assertEqual((status, d["typeKey"]), (500, "VssServiceException"))
        self.assertIsNone(resp.getheader("Retry-After"))
        status, resp, d = self.get()
        self.assertEqual(status, 502)
        self.assertTrue(resp.getheader("Content-Type").startswith("text/html"))
        status, resp, d = self.get()
        self.assertEqual((status, resp.getheader("Retry-After")), (503, "5"))
        self.assertIn("message", d)
        status, resp, d = self.get()
        self.assertEqual((status, d["$id"]), (504, "1"))
        status, resp, d = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(resp.getheader("X-VSS-HostOfflineError"), "1")
        self.assertIn("offline", d["message"])
        self.assertEqual(self.get()[0], 200)

    def test_reset_connection(self):
        self.faults({"path": "projects", "nth": [1], "action": "reset"},
                    {"path": "projects", "nth": [2], "action": "reset", "close": "fin"})
        got, exc = self.raw_exchange(self.org + "/_apis/projects?api-version=7.1")
        self.assertEqual(got, b"")
        self.assertIsInstance(exc, ConnectionResetError)
        got, exc = self.raw_exchange(self.org + "/_apis/projects?api-version=7.1")
        self.assertEqual((got, exc), (b"", None))     # orderly close, nothing sent
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionResetError)):
            self.faults({"action": "reset"})
            self.get()
        self.control("DELETE", "/faults")
        self.assertEqual(self.get()[0], 200)
        log = self.control("GET", "/log")[1]
        self.assertEqual([(e["status"], e.get("fault")) for e in log],
                         [(0, "reset"), (0, "reset"), (0, "reset"), (200, None)])

    def test_truncate(self):
        full = self.raw_exchange(self.org + "/_apis/wit/fields?api-version=7.1")[0]
        full_body = full.split(b"\r\n\r\n", 1)[1]
        self.faults({"path": "fields", "first": 2, "action": "truncate"},
                    {"path": "wiql", "first": 1, "action": "truncate", "fraction": 0.1})
        got, exc = self.raw_exchange(self.org + "/_apis/wit/fields?api-version=7.1")
        self.assertIsNone(exc)
        head, body = got.split(b"\r\n\r\n", 1)
        self.assertTrue(head.startswith(b"HTTP/1.1 200 "), head)
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        self.assertEqual(length, len(full_body))
        self.assertLess(len(body), length)
        self.assertEqual(len(body), length // 2)
        self.assertEqual(body, full_body[:len(body)])
        with self.assertRaises(http.client.IncompleteRead):
            self.get("/_apis/wit/fields")
        wiql = json.dumps({"query": "SELECT [System.Id] FROM WorkItems"}).encode()
        got, exc = self.raw_exchange(self.org + "/_apis/wit/wiql?api-version=7.1", "POST", wiql)
        head, body = got.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
        self.assertEqual(len(body), int(length * 0.1))
        log = self.control("GET", "/log")[1]
        self.assertEqual([(e["status"], e.get("fault")) for e in log[1:]], [(200, "truncate")] * 3)
        self.assertEqual((log[1]["bytes"], log[3]["bytes"]), (len(full_body) // 2, int(length * 0.1)))

    def test_malformed_and_slow(self):
        self.faults({"path": "projects", "first": 1, "action": "malformed"},
                    {"path": "fields", "first": 1, "action": "slow", "delay_ms": 300})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", self.org + "/_apis/projects?api-version=7.1", headers={"Authorization": basic(PAT)})
        resp = conn.getresponse()
        raw = resp.read()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertTrue(resp.getheader("Content-Type").startswith("application/json"))
        self.assertEqual(len(raw), int(resp.getheader("Content-Length")))
        with self.assertRaises(ValueError):
            json.loads(raw)
        t = time.monotonic()
        status, resp, d = self.get("/_apis/wit/fields")
        self.assertGreaterEqual(time.monotonic() - t, 0.29)
        self.assertEqual(status, 200)
        self.assertIn("value", d)
        t = time.monotonic()
        self.assertEqual(self.get("/_apis/wit/fields")[0], 200)
        self.assertLess(time.monotonic() - t, 0.25)

    def test_auth_shaped_faults(self):
        self.faults({"path": "projects", "nth": [1], "action": "html203"},
                    {"path": "projects", "nth": [2], "action": "redirect302"},
                    {"path": "projects", "nth": [3], "action": "expired401"},
                    {"path": "projects", "nth": [4], "action": "aad_unmaterialized"},
                    {"path": "projects", "nth": [5], "action": "forbidden403"},
                    {"path": "projects", "nth": [6], "action": "bad_api_version"},
                    {"path": "projects", "nth": [7], "action": "forbidden403", "message": "TF401289: custom"})
        status, resp, d = self.get()
        self.assertEqual(status, 203)
        self.assertTrue(resp.getheader("Content-Type").startswith("text/html"))
        self.assertIn("Sign in", d)
        status, resp, d = self.get()
        self.assertEqual(status, 302)
        self.assertTrue(resp.getheader("Location").startswith("https://app.vssps.visualstudio.com/_signin"))
        self.assertIn("Bearer", resp.headers.get_all("WWW-Authenticate"))
        status, resp, d = self.get()
        self.assert_tf400813(status, resp, d)
        self.assertEqual(resp.getheader("X-TFS-ServiceError"),
                         "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.")
        jamal = self.emu.state.store.identity_by_unique("fabrikamfiber4@hotmail.com").id
        d = self.err(401, "GET", self.org + "/_apis/projects", type_key="AadUserStateException")
        self.assertEqual(d["message"], "Identity %s has not been materialized, please use interactive login "
                                       "over the browser first." % jamal)
        d = self.err(403, "GET", self.org + "/_apis/projects", type_key="PermissionDeniedException")
        self.assertIn("does not have permissions", d["message"])
        d = self.err(400, "GET", self.org + "/_apis/projects", type_key="VssVersionOutOfRangeException")
        self.assertEqual(d["message"], "The requested REST API version of 7.1 is out of range for this server. "
                                       "The latest REST API version this server supports is 6.0.")
        self.assertEqual(self.err(403, "GET", self.org + "/_apis/projects")["message"], "TF401289: custom")
        self.assertEqual(self.get()[0], 200)

    def test_throttle_hints_on_success(self):
        self.faults({"path": "projects", "first": 1, "action": "retry_after_ok", "retry_after": 3},
                    {"path": "projects", "nth": [2], "action": "ratelimit_low", "remaining": 5},
                    {"path": "projects", "nth": [3], "action": "ratelimit_low"})
        status, resp, d = self.get()
        self.assertEqual((status, resp.getheader("Retry-After")), (200, "3"))
        self.assertIn("value", d)
        status, resp, d = self.get()
        self.assertEqual(status, 200)
        self.assertIn("value", d)
        self.assertEqual((resp.getheader("X-RateLimit-Remaining"), resp.getheader("X-RateLimit-Limit")),
                         ("5", "200"))
        self.assertGreater(int(resp.getheader("X-RateLimit-Reset")), time.time())
        self.assertIsNone(resp.getheader("X-RateLimit-Delay"))
        self.assertIsNone(resp.getheader("Retry-After"))
        status, resp, d = self.get()
        self.assertEqual((status, resp.getheader("X-RateLimit-Remaining")), (200, "0"))
        log = self.control("GET", "/log")[1]
        self.assertEqual([e.get("fault") for e in log], ["retry_after_ok", "ratelimit_low", "ratelimit_low"])


class DeterminismTests(unittest.TestCase):
    def _dump(self, items, seed):
        s = store.build(items, seed)
        return json.dumps([[it.id, it.rev, it.deleted, s.render_fields(it, "http://x/fabrikam")]
                           for it in s.items], sort_keys=True)

    def test_same_seed_same_data(self):
        self.assertEqual(self._dump(300, 5), self._dump(300, 5))
        self.assertNotEqual(self._dump(300, 5), self._dump(300, 6))
        # growing the store keeps the prefix (items are generated in id order)
        a = json.loads(self._dump(100, 5))
        b = json.loads(self._dump(200, 5))[:len(a)]
        self.assertEqual([x[3]["System.Title"] for x in a], [x[3]["System.Title"] for x in b])

    def test_seed_content(self):
        s = store.build(2000, 1)
        names = {i.display for i in s.identities}
        for n in ("Jamal Hartnett", "Zoë Ünal", "山田 太郎", "Dana O'Brien"):
            self.assertIn(n, names)
        self.assertGreaterEqual(len(names), 12)
        titles = [it.fields["System.Title"] for it in s.items]
        self.assertTrue(any("'" in t for t in titles) and any('"' in t for t in titles))
        self.assertTrue(any(len(t) > 200 for t in titles))
        self.assertTrue(any(any(ord(c) > 127 for c in t) for t in titles))
        projects = {it.fields["System.TeamProject"] for it in s.items}
        self.assertEqual(projects, {"Fabrikam-Fiber-Git", "Fabrikam-Fiber-TFVC", "Contoso Web"})
        years = {store.format_stamp(it.fields["System.CreatedDate"])[:4] for it in s.items}
        self.assertEqual(years, {"2023", "2024", "2025", "2026"})
        for ref in ("System.Tags", "System.Description", "Custom.CustomerImpact", "Custom.Reviewer",
                    "Custom.RiskScore", "Custom.DueDate", "System.BoardColumn", "System.Parent",
                    "Microsoft.VSTS.Scheduling.RemainingWork", "Microsoft.VSTS.Scheduling.StoryPoints",
                    "Microsoft.VSTS.Scheduling.Effort", store.KANBAN_STORY):
            have = sum(1 for it in s.items if ref in it.fields)
            self.assertTrue(0 < have < len(s.items), ref)
        rw = [it.fields["Microsoft.VSTS.Scheduling.RemainingWork"] for it in s.items
              if "Microsoft.VSTS.Scheduling.RemainingWork" in it.fields]
        self.assertTrue(any(isinstance(v, float) for v in rw) and any(isinstance(v, int) for v in rw))

    def test_200k_items_build_and_query_time(self):
        t = time.monotonic()
        s = store.build(200000, 1)
        build = time.monotonic() - t
        self.assertEqual(len([i for i in s.items if not i.deleted]), 200000)
        me = s.identity_by_unique("fabrikamfiber4@hotmail.com")
        ctx = wiql.Context(s.catalogue, s.getter, s.area_nodes, s.iteration_nodes, me=me,
                           project="Fabrikam-Fiber-Git", today=store.today_stamp(TODAY))
        t = time.monotonic()
        q = wiql.parse("SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND "
                       "[System.State] <> 'Closed' AND [System.Title] CONTAINS 'login' "
                       "ORDER BY [System.ChangedDate] DESC")
        got = wiql.run(wiql.compile_query(q, ctx), s.items, s.getter, top=200)
        query = time.monotonic() - t
        sys.stderr.write("\n[200k items: build %.2fs, WIQL %.2fs] " % (build, query))
        self.assertEqual(len(got), 200)
        # generous bounds for slow CI machines; typical: ~2.5 s and ~0.3 s
        self.assertLess(build, 30)
        self.assertLess(query, 10)


class ExamplesFixtureTests(EmulatorTestCase):
    config = {"fixture": "examples", "today": TODAY}

    def test_item_299_and_verbatim_fields(self):
        ex = example(WIT + "workItems/GET__wit_WorkItems_ids-_ids_.json")
        data = self.ok("GET", self.org + "/_apis/wit/workitems", params={"ids": "297,299,300"})
        self.assertEqual([v["fields"] for v in data["value"]], [v["fields"] for v in ex["value"]])
        self.assertEqual([(v["id"], v["rev"]) for v in data["value"]], [(v["id"], v["rev"]) for v in ex["value"]])
        f = self.ok("GET", self.org + "/_apis/wit/workitems/299")["fields"]
        self.assertEqual(f["System.Title"], "JavaScript implementation for Microsoft Account")
        self.assertEqual(f["System.AssignedTo"]["displayName"], "Jamal Hartnett")
        self.assertEqual(f["System.AssignedTo"]["uniqueName"], "fabrikamfiber4@hotmail.com")
        self.assertEqual(f["System.AreaPath"], "Fabrikam-Fiber-Git\\Website")
        self.assertEqual(f["Microsoft.VSTS.Scheduling.RemainingWork"], 4)

    def test_verbatim_catalogue_projects_and_batch(self):
        self.assertEqual(self.ok("GET", self.org + "/_apis/wit/fields"),
                         example(WIT + "fields/GET__wit_fields.json"))
        self.assertEqual(self.ok("GET", self.org + "/_apis/projects"),
                         example("core/7.1/httpExamples/projects/GET__projects.json"))
        doc = example_doc(WIT + "workItemsBatch/POST__wit_WorkItemsBatch_ids-_ids__fields-_columns_.json")
        data = self.ok("POST", self.org + "/_apis/wit/workitemsbatch", doc["parameters"]["body"])
        ex = doc["responses"]["200"]["body"]
        self.assertEqual([v["fields"] for v in data["value"]], [v["fields"] for v in ex["value"]])

    def test_wiql_over_fixture(self):
        doc = example_doc(WIT + "wiql/GET__wit_get_id_workitems.json")
        got = self.ids(doc["parameters"]["body"]["query"])
        ex_ids = [w["id"] for w in doc["responses"]["200"]["body"]["workItems"]]
        self.assertEqual(got, [300, 299])
        self.assertEqual(ex_ids[:2], got)  # same order as the recording
        self.assertEqual(self.where_ids("[Assigned To] = @me"), [299])
        self.assertEqual(self.where_ids("[System.Tags] CONTAINS 'tag2'"), [299])
        self.assertEqual(self.where_ids("[System.AreaPath] UNDER 'Fabrikam-Fiber-Git'"), [297, 299, 300])
        self.assertEqual(self.ids("SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project",
                                  project="Fabrikam-Fiber-Git"), [297, 299, 300])
        self.assertEqual(self.wiql("SELECT [System.Parent] FROM WorkItems", status=400)["typeKey"], "QueryException")


class CliTests(unittest.TestCase):
    """The real CLI: port file, stdout line, --log, SIGTERM/SIGINT exit 0."""

    def _start(self, tmp, *args, env_pats=True, extra_env=None):
        env = dict(os.environ)
        for k in ("AZDO_EMULATOR_PATS", "AZDO_EMULATOR_CLIENTS", "AZDO_EMULATOR_ACCESS_TOKENS",
                  "AZDO_EMULATOR_TENANT"):
            env.pop(k, None)
        env.update(extra_env or {})
        if env_pats:
            env["AZDO_EMULATOR_PATS"] = "%s=fabrikamfiber4@hotmail.com" % PAT
        port_file = os.path.join(tmp, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "azdo_emulator.py"), "--port", "0",
                                 "--port-file", port_file, "--items", "50", *args],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self._reap, proc)
        deadline = time.monotonic() + 15
        while not os.path.exists(port_file):
            self.assertIsNone(proc.poll(), proc.stderr.read() if proc.poll() is not None else "")
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        with open(port_file) as fh:
            port = int(fh.read())
        line = proc.stdout.readline().strip()
        self.assertEqual(line, "listening on http://127.0.0.1:%d" % port)
        return proc, port

    @staticmethod
    def _reap(proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for stream in (proc.stdout, proc.stderr):
            if not stream.closed:
                stream.close()

    def test_cli_lifecycle(self):
        tmp = tempfile.mkdtemp()
        try:
            log = os.path.join(tmp, "requests.jsonl")
            proc, port = self._start(tmp, "--log", log, "--seed", "4", "--top-mode", "strict")
            c = Client(port)
            self.assertEqual(c.call("GET", "/fabrikam/_apis/projects")[0], 200)
            self.assertEqual(c.call("GET", "/fabrikam/_apis/projects", pat="nope")[0], 401)
            self.assertEqual(c.call("GET", "/_emulator/health", pat=None, api_version=None)[0], 200)
            with open(log) as fh:
                lines = [json.loads(x) for x in fh]
            self.assertEqual([x["status"] for x in lines], [200, 401])
            with open(log) as fh:
                self.assertNotIn(PAT, fh.read())
            self.assertNotIn(PAT, " ".join(proc.args))
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(10), 0)

            proc, port = self._start(tmp, "--fixture", "examples", "--auth-failure", "203")
            c = Client(port)
            self.assertEqual(c.call("GET", "/fabrikam/_apis/wit/workitems/299")[2]["id"], 299)
            self.assertEqual(c.call("GET", "/fabrikam/_apis/projects", pat="x")[0], 203)
            proc.send_signal(signal.SIGINT)
            self.assertEqual(proc.wait(10), 0)
        finally:
            shutil.rmtree(tmp)

    def test_clients_from_environment(self):
        tmp = tempfile.mkdtemp()
        try:
            proc, port = self._start(tmp, "--token-lifetime-s", "77", extra_env={
                "AZDO_EMULATOR_CLIENTS": "app:sec:ret",  # 'ret' is the uniqueName
                "AZDO_EMULATOR_ACCESS_TOKENS": "tok-%s=zoe.unal@fabrikam.example" % PAT,
                "AZDO_EMULATOR_TENANT": "contoso.example"})
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/contoso.example/oauth2/v2.0/token", body=urlencode({
                "grant_type": "client_credentials", "client_id": "app", "client_secret": "sec",
                "scope": "499b84ac-1321-427f-aa17-267ca6975798/.default"}),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse()
            tok = json.loads(r.read())
            conn.close()
            self.assertEqual((r.status, tok["expires_in"]), (200, 77))
            c = Client(port)
            self.assertEqual(c.call("GET", "/fabrikam/_apis/projects", pat=None,
                                    headers={"Authorization": "Bearer " + tok["access_token"]})[0], 200)
            self.assertEqual(c.call("GET", "/fabrikam/_apis/projects", pat=None,
                                    headers={"Authorization": "Bearer tok-" + PAT})[0], 200)
            proc.terminate()
            self.assertEqual(proc.wait(10), 0)
            env = dict(os.environ, AZDO_EMULATOR_CLIENTS="no-secret-here")
            bad = subprocess.run([sys.executable, os.path.join(HERE, "azdo_emulator.py"), "--port", "0"],
                                 env=env, capture_output=True, text=True, timeout=30)
            self.assertEqual(bad.returncode, 2)
            self.assertIn("AZDO_EMULATOR_CLIENTS", bad.stderr)
        finally:
            shutil.rmtree(tmp)

    def test_no_pats_means_no_access(self):
        tmp = tempfile.mkdtemp()
        try:
            proc, port = self._start(tmp, env_pats=False)
            self.assertEqual(Client(port).call("GET", "/fabrikam/_apis/projects")[0], 401)
            proc.terminate()
            self.assertEqual(proc.wait(10), 0)
            self.assertIn("AZDO_EMULATOR_PATS", proc.stderr.read())
        finally:
            shutil.rmtree(tmp)


@unittest.skipUnless(shutil.which("bash"), "bash not installed")
class HarnessTests(unittest.TestCase):
    def test_emu_env_sh(self):
        script = r"""
set -e
AZDO_DRIVER_SO=/path/to/libazdoodbc.so
. "$1/emu_env.sh"
emu_start --items 30
echo "SANDBOX=$AZDO_EMU_SANDBOX"
echo "URL=$AZDO_EMU_URL"
echo "SYSINI=$ODBCSYSINI"
echo "ODBCINI=${ODBCINI-unset}"
grep -q '^\[AzureDevOps\]' "$ODBCSYSINI/odbcinst.ini"
grep -q '^Driver=/path/to/libazdoodbc.so$' "$ODBCSYSINI/odbcinst.ini"
grep -q '^Threading=1$' "$ODBCSYSINI/odbcinst.ini"
grep -q '^\[AzDOEmu\]' "$ODBCSYSINI/odbc.ini"
grep -q "^Url=$AZDO_EMU_URL\$" "$ODBCSYSINI/odbc.ini"
grep -q '^Project=Fabrikam-Fiber-Git$' "$ODBCSYSINI/odbc.ini"
grep -q "^PWD=$AZDO_TEST_PAT\$" "$ODBCSYSINI/odbc.ini"
test -z "${AZDO_EMULATOR_PATS:-}"
if tr "\\0" " " < "/proc/$AZDO_EMU_PID/cmdline" | grep -q -- "$AZDO_TEST_PAT"; then echo "PAT on argv"; exit 1; fi
tr "\\0" " " < "/proc/$AZDO_EMU_PID/cmdline" | grep -q azdo_emulator.py
python3 - <<'PY'
import base64, json, os, urllib.request
req = urllib.request.Request(os.environ["AZDO_EMU_URL"] + "/_apis/projects/Fabrikam-Fiber-Git?api-version=7.1",
    headers={"Authorization": "Basic " + base64.b64encode((":" + os.environ["AZDO_TEST_PAT"]).encode()).decode()})
print("PROJECT=" + json.load(urllib.request.urlopen(req))["name"])
PY
emu_reset '{"items": 10}' | grep -q '"ok":true'
emu_log | grep -q '^\[\]$'
echo "PID=$AZDO_EMU_PID"
echo "ROOT=$AZDO_EMU_ROOT"
echo "TENANT=$AZDO_EMU_TENANT"
echo "REDIRECT=$AZDO_TEST_REDIRECT_URI"
echo "CLIENT_ID=$AZDO_TEST_CLIENT_ID"
test -n "$AZDO_TEST_CLIENT_SECRET" && test -n "$AZDO_TEST_ACCESS_TOKEN"
test -z "${AZDO_EMULATOR_CLIENTS:-}" && test -z "${AZDO_EMULATOR_ACCESS_TOKENS:-}"
for secret in "$AZDO_TEST_CLIENT_SECRET" "$AZDO_TEST_ACCESS_TOKEN"; do
    if tr "\\0" " " < "/proc/$AZDO_EMU_PID/cmdline" | grep -q -- "$secret"; then echo "secret on argv"; exit 1; fi
done
if grep -q -- "$AZDO_TEST_CLIENT_SECRET" "$ODBCSYSINI/odbc.ini"; then echo "secret in odbc.ini"; exit 1; fi
RT=$(emu_refresh_token)
test -n "$RT"
emu_faults '{"rules":[{"path":"projects","first":1,"action":"503"}]}' | grep -q '"rules":1'
RT="$RT" python3 - <<'PY'
import json, os, urllib.request, urllib.error
from urllib.parse import urlencode
root, url = os.environ["AZDO_EMU_ROOT"], os.environ["AZDO_EMU_URL"]
def token(path, fields):
    req = urllib.request.Request(root + path, data=urlencode(fields).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    return json.load(urllib.request.urlopen(req))
def projects(tok):
    req = urllib.request.Request(url + "/_apis/projects?api-version=7.1", headers={"Authorization": "Bearer " + tok})
    try:
        return urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        return e.code
cc = token("/%s/oauth2/v2.0/token" % os.environ["AZDO_EMU_TENANT"], {
    "grant_type": "client_credentials", "client_id": os.environ["AZDO_TEST_CLIENT_ID"],
    "client_secret": os.environ["AZDO_TEST_CLIENT_SECRET"],
    "scope": "499b84ac-1321-427f-aa17-267ca6975798/.default"})
lg = token("/oauth2/token", {"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    "client_assertion": os.environ["AZDO_TEST_CLIENT_SECRET"], "grant_type": "refresh_token",
    "assertion": os.environ["RT"], "redirect_uri": os.environ["AZDO_TEST_REDIRECT_URI"]})
print("STATUSES=%s" % ",".join(str(projects(t)) for t in (cc["access_token"], cc["access_token"],
      lg["access_token"], os.environ["AZDO_TEST_ACCESS_TOKEN"])))
PY
emu_faults | grep -q '"fired":1'
emu_faults clear | grep -q '"cleared":1'
emu_clock 7200 | grep -q '"offset_s":7200'
emu_tokens | grep -q '"issued":2'
"""
        out = subprocess.run(["bash", "-c", script, "bash", HERE], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        vals = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        self.assertEqual(vals["PROJECT"], "Fabrikam-Fiber-Git")
        self.assertEqual(vals["SYSINI"], vals["SANDBOX"])
        self.assertEqual(vals["ODBCINI"], "unset")
        self.assertRegex(vals["URL"], r"^http://127\.0\.0\.1:\d+/fabrikam$")
        self.assertFalse(os.path.exists(vals["SANDBOX"]), "sandbox not removed on EXIT")
        self.assertEqual(vals["ROOT"], vals["URL"][:-len("/fabrikam")])
        self.assertEqual(vals["TENANT"], auth.DEFAULT_TENANT)
        self.assertEqual(vals["REDIRECT"], "https://localhost/callback")
        self.assertRegex(vals["CLIENT_ID"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(vals["STATUSES"], "503,200,200,200")
        pid = int(vals["PID"])
        time.sleep(0.2)
        try:
            os.kill(pid, 0)
            with open("/proc/%d/stat" % pid) as fh:
                self.assertIn(" Z ", fh.read())  # at most a zombie awaiting its reaper
        except (ProcessLookupError, FileNotFoundError):
            pass


# --------------------------------------------------------------------------
# writes: create / update / delete / comments / types (writes.py, rules.py)

PATCH_JSON = "application/json-patch+json"
GIT = "Fabrikam-Fiber-Git"
RULE_KEYS = {"$id", "customProperties", "innerException", "message", "typeName", "typeKey",
             "errorCode", "eventId"}


def _links_of_example(links):
    """The recorded _links carry workItemHistory (api 1.0–4.x); current
    responses have workItemComments instead (see the read tests)."""
    links = dict(links)
    links.pop("workItemHistory", None)
    return links


class WriteTestCase(EmulatorTestCase):
    config = {"items": 300, "seed": 1, "today": TODAY}

    def patch(self, method, path, ops, params=None, pat=PAT, ctype=PATCH_JSON, api_version="7.1",
              headers=None):
        body = ops if isinstance(ops, bytes) else json.dumps(ops).encode()
        h = {"Content-Type": ctype}
        h.update(headers or {})
        return self.call(method, path, body, pat=pat, params=params, headers=h, api_version=api_version)

    def create(self, wtype, fields=None, project=GIT, ops=(), params=None, pat=PAT, status=200):
        body = [{"op": "add", "path": "/fields/" + k, "value": v} for k, v in (fields or {}).items()]
        body += list(ops)
        path = "%s/%s/_apis/wit/workitems/$%s" % (self.org, quote(project), quote(wtype))
        got, resp, data = self.patch("POST", path, body, params=params, pat=pat)
        self.assertEqual(got, status, data)
        return data

    def update(self, ident, ops, params=None, pat=PAT, status=200, project=None):
        path = self.org + ("/" + quote(project) if project else "") + "/_apis/wit/workitems/%d" % ident
        got, resp, data = self.patch("PATCH", path, ops, params=params, pat=pat)
        self.assertEqual(got, status, data)
        return data

    def rule_err(self, data, ref, message, flags=None):
        """A RuleValidationException body with customProperties (§5.3)."""
        self.assertEqual(set(data), RULE_KEYS, data)
        self.assertEqual(data["typeKey"], "RuleValidationException")
        self.assertEqual(data["eventId"], 3200)
        self.assertEqual(data["message"], message)
        errs = data["customProperties"]["RuleValidationErrors"]
        self.assertEqual(set(errs[0]), {"fieldReferenceName", "fieldStatusFlags", "errorMessage",
                                        "fieldStatusCode", "ruleValidationErrors"})
        self.assertEqual(errs[0]["fieldReferenceName"], ref)
        self.assertEqual(errs[0]["errorMessage"], message)
        self.assertIsInstance(errs[0]["fieldStatusCode"], int)
        self.assertIsNone(errs[0]["ruleValidationErrors"])
        if flags is not None:
            self.assertEqual(errs[0]["fieldStatusFlags"], flags)
        return errs

    def vss_err(self, data, type_key, message):
        self.assertEqual(set(data), {"$id", "innerException", "message", "typeName", "typeKey",
                                     "errorCode", "eventId"}, data)
        self.assertEqual(data["typeKey"], type_key, data)
        self.assertTrue(data["typeName"].split(",")[0].endswith("." + type_key), data)
        self.assertEqual(data["message"], message)

    def item(self, ident, status=200):
        got, data = self.control("GET", "/item/%d" % ident)
        self.assertEqual(got, status, data)
        return data

    def revs(self, ident):
        got, data = self.control("GET", "/revisions/%d" % ident)
        self.assertEqual(got, 200, data)
        return data["revisions"]

    def live_count(self):
        return len(self.dump())

    def wi_url(self, ident):
        return "https://dev.azure.com/fabrikam/_apis/wit/workItems/%d" % ident


class CreateTests(WriteTestCase):
    def test_create_minimal_matches_example(self):
        doc = example_doc(WIT + "workItems/POST__wit_workitems_create.json")
        ex = doc["responses"]["200"]["body"]
        before = self.dump()
        data = self.create("Task", ops=doc["parameters"]["body"])
        ex_cmp = dict(ex, _links=_links_of_example(ex["_links"]))
        self.assertEqual(shape_errors(ex_cmp, data, loose={".fields"}, extra_ok={"workItemComments"}), [])
        self.assertEqual(data["id"], max(before) + 1)   # the next id after the highest
        self.assertEqual(data["rev"], 1)
        f = data["fields"]
        for k, v in ex["fields"].items():  # every key of the example, same JSON type
            self.assertIn(k, f)
            self.assertEqual(_kind(f[k]), _kind(v), k)
        self.assertEqual((f["System.State"], f["System.Reason"]), ("New", "New"))
        self.assertEqual(f["System.AreaPath"], GIT)
        self.assertEqual(f["System.IterationPath"], GIT)
        self.assertEqual(f["System.TeamProject"], GIT)
        self.assertEqual(f["System.WorkItemType"], "Task")
        self.assertEqual(f["Microsoft.VSTS.Common.Priority"], 2)
        self.assertEqual(f["System.CreatedBy"]["uniqueName"], "fabrikamfiber4@hotmail.com")
        self.assertEqual(f["System.ChangedBy"], f["System.CreatedBy"])
        self.assertEqual(f["System.CreatedDate"], f["System.ChangedDate"])
        self.assertEqual(f["Microsoft.VSTS.Common.StateChangeDate"], f["System.CreatedDate"])
        self.assertEqual((f["System.Id"], f["System.Rev"]), (data["id"], 1))
        self.assertNotIn("relations", data)
        self.assertTrue(data["url"].endswith("/_apis/wit/workItems/%d" % data["id"]))
        # stored: dump, GET, WIQL, the control view
        self.assertEqual(self.dump()[data["id"]]["fields"], f)
        self.assertEqual(self.ok("GET", self.org + "/_apis/wit/workitems/%d" % data["id"])["fields"], f)
        self.assertIn(data["id"], self.where_ids("[System.Title] = 'Sample task'"))
        view = self.item(data["id"])
        self.assertEqual((view["rev"], view["deleted"], view["revisions"]), (1, False, 1))
        self.assertEqual(self.live_count(), len(before) + 1)
        # ids keep counting up
        self.assertEqual(self.create("Task", {"System.Title": "next"})["id"], data["id"] + 1)

    def test_field_kinds_and_type_checks(self):
        data = self.create("User Story", {
            "System.Title": "All kinds",
            "Description": "<div>html <b>text</b></div>",       # friendly name
            "Microsoft.VSTS.Common.Priority": "3",               # integer from a string
            "Microsoft.VSTS.Scheduling.StoryPoints": 5.5,
            "Custom.RiskScore": "2.0",                           # double, whole -> 2
            "Custom.DueDate": "2026-08-01",
            "Microsoft.VSTS.Common.ActivatedDate": "2026-07-02T10:11:12.5+02:00",
            "Custom.CustomerImpact": 42,                         # string from a number
            store.KANBAN_STORY_MARKER: "true",
            "Custom.Reviewer": "dana.obrien@fabrikam.example",
        })
        f = data["fields"]
        self.assertEqual(f["System.Description"], "<div>html <b>text</b></div>")
        self.assertEqual(f["Microsoft.VSTS.Common.Priority"], 3)
        self.assertEqual(f["Microsoft.VSTS.Scheduling.StoryPoints"], 5.5)
        self.assertIs(type(f["Custom.RiskScore"]), int)
        self.assertEqual(f["Custom.DueDate"], "2026-08-01T00:00:00Z")
        self.assertEqual(f["Microsoft.VSTS.Common.ActivatedDate"], "2026-07-02T08:11:12.5Z")
        self.assertEqual(f["Custom.CustomerImpact"], "42")
        self.assertIs(f[store.KANBAN_STORY_MARKER], True)
        self.assertEqual(f["Custom.Reviewer"]["displayName"], "Dana O'Brien")
        # System.History on a create is the first discussion comment
        data = self.create("Bug", {"System.Title": "with history", "System.History": "<b>first</b> words"})
        self.assertEqual(data["fields"]["System.History"], "<b>first</b> words")
        got = self.ok("GET", self.org + "/%s/_apis/wit/workItems/%d/comments" % (GIT, data["id"]),
                      api_version="7.1-preview.4")
        self.assertEqual([(c["id"], c["text"], c["version"]) for c in got["comments"]],
                         [(data["commentVersionRef"]["commentId"], "<b>first</b> words", 1)])
        self.assertEqual(data["rev"], 1)
        n = self.live_count()
        for ref, bad in (("Microsoft.VSTS.Common.Priority", "high"), ("Microsoft.VSTS.Common.Priority", True),
                         ("Microsoft.VSTS.Scheduling.StoryPoints", "lots"), ("Custom.DueDate", "someday"),
                         ("Custom.DueDate", 20260801), (store.KANBAN_STORY_MARKER, "maybe"),
                         ("System.Title", {"a": 1})):
            d = self.create("User Story", {"System.Title": "x", ref: bad}, status=400)
            name = self.emu.state.store.catalogue.resolve(ref).name
            self.rule_err(d, ref, "TF401320: Rule Error for field %s. Error code: InvalidType." % name,
                          "invalidType")
        d = self.create("User Story", {"System.Title": "x" * 256}, status=400)
        self.rule_err(d, "System.Title", "TF401320: Rule Error for field Title. Error code: InvalidTooLong.")
        self.assertEqual(len(self.create("User Story", {"System.Title": "y" * 255})["fields"]["System.Title"]), 255)
        d = self.create("User Story", {"System.Title": "x", "System.Bogus": 1}, status=400)
        self.vss_err(d, "WorkItemFieldInvalidException", "TF51535: Cannot find field System.Bogus.")
        self.assertEqual(self.live_count(), n + 1)

    def test_identity_forms(self):
        forms = ["Zoë Ünal", "zoe.unal@fabrikam.example", "ZOE.UNAL@FABRIKAM.EXAMPLE", "zoë ünal",
                 "Zoë Ünal <zoe.unal@fabrikam.example>", "Zoë Ünal<zoe.unal@fabrikam.example>",
                 "Someone Else <zoe.unal@fabrikam.example>",
                 {"displayName": "Zoë Ünal", "uniqueName": "zoe.unal@fabrikam.example"},
                 {"id": self.emu.state.store.identity_by_unique("zoe.unal@fabrikam.example").id}]
        ident = None
        for form in forms:
            f = self.create("Bug", {"System.Title": "who", "System.AssignedTo": form})["fields"]
            got = f["System.AssignedTo"]
            ex = example(WIT + "workItems/GET__wit_WorkItems_ids-_ids_.json")["value"][1]["fields"]["System.AssignedTo"]
            self.assertEqual(shape_errors(ex, got), [])
            ident = ident or got
            self.assertEqual(got, ident, form)
        self.assertEqual(ident["uniqueName"], "zoe.unal@fabrikam.example")
        n = self.live_count()
        for bad in ("Nobody Known", "nobody@fabrikam.example", "Zoe Unal", {"displayName": "Ghost"}):
            d = self.create("Bug", {"System.Title": "who", "System.AssignedTo": bad}, status=400)
            text = bad if isinstance(bad, str) else bad["displayName"]
            self.rule_err(d, "System.AssignedTo", "The identity value '%s' for field 'Assigned To' is an "
                          "unknown identity." % text)
        d = self.create("Bug", {"System.Title": "who", "Custom.Reviewer": "ghost@x"}, status=400)
        self.rule_err(d, "Custom.Reviewer", "The identity value 'ghost@x' for field 'Reviewer' is an "
                      "unknown identity.")
        self.assertEqual(self.live_count(), n)
        # the same on update; "" clears (PATCH …_13.json)
        wid = self.create("Bug", {"System.Title": "x", "System.AssignedTo": "Jamal Hartnett"})["id"]
        f = self.update(wid, [{"op": "replace", "path": "/fields/System.AssignedTo",
                               "value": "Jamal Hartnett<fabrikamfiber4@hotmail.com>"}])["fields"]
        self.assertEqual(f["System.AssignedTo"]["displayName"], "Jamal Hartnett")
        d = self.update(wid, [{"op": "add", "path": "/fields/System.AssignedTo", "value": "x y"}], status=400)
        self.rule_err(d, "System.AssignedTo",
                      "The identity value 'x y' for field 'Assigned To' is an unknown identity.")
        data = self.update(wid, [{"op": "add", "path": "/fields/System.AssignedTo", "value": ""}])
        self.assertNotIn("System.AssignedTo", data["fields"])
        self.assertEqual(data["rev"], 2)

    def test_tags_known_new_and_permission(self):
        f = self.create("Task", {"System.Title": "t", "System.Tags": "Backend; zeta-new;  web ;backend"})["fields"]
        self.assertEqual(f["System.Tags"], "backend; web; zeta-new")   # known spelling, sorted, deduped
        # the new tag is known from now on (any spelling)
        self.assertEqual(self.create("Task", {"System.Title": "t", "System.Tags": "ZETA-NEW"})["fields"]["System.Tags"],
                         "zeta-new")
        self.assertEqual(self.control("POST", "/reset", {"items": 300, "tag_create": False})[0], 200)
        n = self.live_count()
        self.assertEqual(self.create("Task", {"System.Title": "t", "System.Tags": "web; Tag1"})["fields"]["System.Tags"],
                         "Tag1; web")
        got, resp, d = self.patch("POST", self.org + "/%s/_apis/wit/workitems/$Task" % GIT,
                                  [{"op": "add", "path": "/fields/System.Title", "value": "t"},
                                   {"op": "add", "path": "/fields/System.Tags", "value": "web; brand-new"}])
        self.assertEqual(got, 403, d)
        self.vss_err(d, "PermissionDeniedException",
                     "TF401289: The current user does not have permissions to create tags.")
        self.assertEqual(self.live_count(), n + 1)
        wid = sorted(self.dump())[0]
        before = self.item(wid)
        d = self.update(wid, [{"op": "replace", "path": "/fields/System.Title", "value": "changed"},
                              {"op": "add", "path": "/fields/System.Tags", "value": "another-new"}], status=403)
        self.assertEqual(self.item(wid), before)   # the whole patch failed
        self.assertEqual(self.control("POST", "/reset", {"tag_create": "no"})[0], 400)

    def test_tree_paths(self):
        f = self.create("Task", {"System.Title": "t", "System.AreaPath": "fabrikam-fiber-git\\website\\CHECKOUT",
                                 "System.IterationPath": GIT + "\\Release 2\\Sprint 7"})["fields"]
        self.assertEqual(f["System.AreaPath"], GIT + "\\Website\\Checkout")
        self.assertEqual(f["System.IterationPath"], GIT + "\\Release 2\\Sprint 7")
        self.assertEqual(f["System.NodeName"], "Checkout")
        n = self.live_count()
        for ref, value in (("System.AreaPath", GIT + "\\Nowhere"), ("System.AreaPath", "Contoso Web\\Website"),
                           ("System.AreaPath", GIT + "/Website"), ("System.IterationPath", GIT + "\\Sprint 99")):
            d = self.create("Task", {"System.Title": "t", ref: value}, status=400)
            self.vss_err(d, "WorkItemFieldInvalidTreeNameException",
                         "TF401347: Invalid tree name given for work item -1, field '%s'." % ref)
        self.assertEqual(self.live_count(), n)
        wid = sorted(self.dump())[3]
        d = self.update(wid, [{"op": "add", "path": "/fields/System.AreaPath", "value": "Nope"}], status=400)
        self.assertEqual(d["message"], "TF401347: Invalid tree name given for work item %d, field "
                         "'System.AreaPath'." % wid)
        # moving to another project needs paths of that project (PATCH …__bug1Id_.json)
        moved = self.update(wid, [{"op": "add", "path": "/fields/System.TeamProject", "value": "Contoso Web"},
                                  {"op": "add", "path": "/fields/System.AreaPath", "value": "Contoso Web\\Mobile"},
                                  {"op": "add", "path": "/fields/System.IterationPath", "value": "Contoso Web"}])
        self.assertEqual((moved["fields"]["System.TeamProject"], moved["fields"]["System.AreaPath"]),
                         ("Contoso Web", "Contoso Web\\Mobile"))
        self.assertIn(wid, self.where_ids("[System.TeamProject] = 'Contoso Web'"))

    def test_required_fields_states_and_allowed_values(self):
        n = self.live_count()
        d = self.create("Task", {"System.Description": "no title"}, status=400)
        errs = self.rule_err(d, "System.Title", "TF401320: Rule Error for field Title. Error code: Required, "
                             "InvalidEmpty.", "required, invalidEmpty")
        self.assertEqual(errs[0]["fieldStatusCode"], 524289)   # the recorded value (§5.3)
        d = self.create("Task", {"System.Title": "   "}, status=400)
        self.rule_err(d, "System.Title", "TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.")
        # a new work item starts in the type's initial state (transitions[""])
        for wtype, state in (("User Story", "Active"), ("Bug", "Closed"), ("Task", "Bogus"), ("Bug", "Removed")):
            d = self.create(wtype, {"System.Title": "s", "System.State": state}, status=400)
            self.rule_err(d, "System.State", "The field 'State' contains the value '%s' that is not in the list "
                          "of supported values" % state, "required, hasValues, limitedToValues, invalidListValue")
        self.assertEqual(self.create("Task", {"System.Title": "s", "System.State": "new"})["fields"]["System.State"],
                         "New")
        # Epic and Feature require Priority (default 2); Bug: Severity default, allowed values
        self.assertEqual(self.create("Epic", {"System.Title": "e"})["fields"]["Microsoft.VSTS.Common.Priority"], 2)
        d = self.create("Feature", {"System.Title": "e", "Microsoft.VSTS.Common.Priority": ""}, status=400)
        self.rule_err(d, "Microsoft.VSTS.Common.Priority",
                      "TF401320: Rule Error for field Priority. Error code: Required, InvalidEmpty.")
        bug = self.create("Bug", {"System.Title": "b", "Microsoft.VSTS.Common.Severity": "2 - high"})["fields"]
        self.assertEqual(bug["Microsoft.VSTS.Common.Severity"], "2 - High")
        self.assertEqual(self.create("Bug", {"System.Title": "b"})["fields"]["Microsoft.VSTS.Common.Severity"],
                         "3 - Medium")
        d = self.create("Bug", {"System.Title": "b", "Microsoft.VSTS.Common.Priority": 9}, status=400)
        errs = self.rule_err(d, "Microsoft.VSTS.Common.Priority", "The field 'Priority' contains the value '9' "
                             "that is not in the list of supported values", "hasValues, limitedToValues, "
                             "invalidListValue")
        self.assertEqual(errs[0]["fieldStatusCode"], 4194316)   # as observed [3P]
        # several rule errors at once: all listed, the first is the message
        d = self.create("Epic", {"System.Title": "", "Microsoft.VSTS.Common.Priority": 7}, status=400)
        refs = [e["fieldReferenceName"] for e in d["customProperties"]["RuleValidationErrors"]]
        self.assertEqual(refs, ["System.Title", "Microsoft.VSTS.Common.Priority"])
        self.assertEqual(self.live_count(), n + 4)

    def test_unknown_type_content_type_and_bad_documents(self):
        n = self.live_count()
        d = self.create("Story", {"System.Title": "x"}, status=404)
        self.vss_err(d, "WorkItemTypeNotFoundException", "VS402323: Work item type Story does not exist.")
        self.assertEqual(self.create("user story", {"System.Title": "x"})["fields"]["System.WorkItemType"],
                         "User Story")
        path = self.org + "/%s/_apis/wit/workitems/$Task" % GIT
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "x"}]
        got, resp, d = self.patch("POST", path, ops, ctype="application/json")
        self.assertEqual(got, 415, d)
        self.vss_err(d, "VssRequestContentTypeNotSupportedException",
                     'The request indicated a Content-Type of "application/json" for method type "POST" which is '
                     'not supported. Valid content types for this method are: application/json-patch+json.')
        for body in (b"", b"{}", b"[]", b"not json", b'[{"path": "/fields/System.Title"}]', b'{"op": "add"}'):
            got, resp, d = self.patch("POST", path, body)
            self.assertEqual(got, 400, (body, d))
            self.vss_err(d, "VssPropertyValidationException",
                         "You must pass a valid patch document in the body of the request.")
        got, resp, d = self.patch("POST", self.org + "/_apis/wit/workitems/$Task", ops)   # no project
        self.assertEqual(got, 404, d)
        got, resp, d = self.patch("POST", path, ops, api_version=None)
        self.assertEqual(got, 400, d)
        self.assertEqual(d["typeKey"], "VssVersionNotSpecifiedException")
        for op in ({"op": "move", "from": "/fields/System.Title", "path": "/fields/System.Description"},
                   {"op": "add", "path": "/nonsense", "value": 1}):
            got, resp, d = self.patch("POST", path, ops + [op])
            self.assertEqual(got, 400, d)
        self.assertEqual(self.live_count(), n + 1)

    def test_read_only_fields_and_bypass_rules(self):
        n = self.live_count()
        for ref, value in (("System.Id", 5), ("System.Rev", 3), ("System.CreatedDate", "2020-01-01T00:00:00Z"),
                           ("System.ChangedBy", "Jamal Hartnett"), ("System.Parent", 1), ("Parent", 1),
                           ("System.BoardColumn", "Active"), ("System.Watermark", 1), ("System.AuthorizedAs", "x")):
            d = self.create("Task", {"System.Title": "ro", ref: value}, status=400)
            real = self.emu.state.store.catalogue.resolve(ref).ref
            self.rule_err(d, real, "TF401326: Invalid field status 'ReadOnly' for field '%s'." % real)
        self.assertEqual(self.live_count(), n)
        # bypassRules: migration fields, any identity text, any state, no required check
        data = self.create("Task", {"System.CreatedDate": "2020-01-02T03:04:05Z",
                                    "System.CreatedBy": "Normal Paulk", "System.AssignedTo": "Invalid Value",
                                    "System.State": "Closed"}, params={"bypassRules": "true"})
        f = data["fields"]
        self.assertEqual(f["System.CreatedDate"], "2020-01-02T03:04:05Z")
        self.assertEqual(f["System.CreatedBy"]["displayName"], "Normal Paulk")
        self.assertEqual(f["System.AssignedTo"], "Invalid Value")   # like PATCH …__bypassRules-true.json
        self.assertEqual(f["System.State"], "Closed")
        self.assertNotIn("System.Title", f)
        self.assertEqual(f["System.ChangedBy"]["uniqueName"], "fabrikamfiber4@hotmail.com")
        # still refused with bypassRules: system-managed fields, bad tree paths
        d = self.create("Task", {"System.Title": "x", "System.Parent": 1}, params={"bypassRules": "true"}, status=400)
        self.assertIn("TF401326", d["message"])
        self.create("Task", {"System.Title": "x", "System.AreaPath": "Nope"}, params={"bypassRules": "true"},
                    status=400)
        d = self.create("Task", {"System.Title": "x"}, params={"bypassRules": "maybe"}, status=400)
        self.assertEqual(self.live_count(), n + 1)

    def test_validate_only(self):
        top = max(self.dump())
        data = self.create("Bug", {"System.Title": "dry run", "System.AssignedTo": "Priya Raman"},
                           params={"validateOnly": "true"})
        self.assertEqual(data["id"], -1)
        self.assertEqual(data["rev"], 1)
        self.assertEqual(data["fields"]["System.AssignedTo"]["uniqueName"], "priya.raman@fabrikam.example")
        self.assertEqual(max(self.dump()), top)
        d = self.create("Bug", {"System.Title": ""}, params={"validateOnly": "true"}, status=400)
        self.assertIn("TF401320", d["message"])
        self.assertEqual(self.create("Bug", {"System.Title": "real"})["id"], top + 1)   # no id was used up
        before = self.item(top + 1)
        # update: answers the work item unchanged (PATCH …_validate_only.json)
        got = self.update(top + 1, [{"op": "test", "path": "/rev", "value": 1},
                                    {"op": "add", "path": "/fields/System.Title", "value": "won't stick"}],
                          params={"validateOnly": "true"})
        self.assertEqual((got["rev"], got["fields"]["System.Title"]), (1, "real"))
        self.assertEqual(self.item(top + 1), before)
        self.update(top + 1, [{"op": "add", "path": "/fields/System.AreaPath", "value": "x"}],
                    params={"validateOnly": "true"}, status=400)

    def test_concurrent_creates_get_distinct_ids(self):
        import threading
        n = self.live_count()
        results, errors = [], []

        def worker(k):
            try:
                st, resp, d = self.patch("POST", self.org + "/%s/_apis/wit/workitems/$Task" % GIT,
                                         [{"op": "add", "path": "/fields/System.Title", "value": "par-%d" % k}])
                (results if st == 200 else errors).append((k, d["id"] if st == 200 else d))
            except Exception as exc:  # pragma: no cover
                errors.append((k, exc))
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        ids = [i for _, i in results]
        self.assertEqual(len(set(ids)), 40)
        items = self.dump()
        self.assertEqual(len(items), n + 40)
        titles = sorted(items[i]["fields"]["System.Title"] for i in ids)
        self.assertEqual(titles, sorted("par-%d" % k for k in range(40)))
        self.assertEqual(sorted(self.where_ids("[System.Title] CONTAINS 'par-'")), sorted(ids))


class UpdateTests(WriteTestCase):
    def test_replace_remove_history_and_revisions(self):
        wid = self.create("User Story", {"System.Title": "first", "System.Description": "<p>d</p>"})["id"]
        t0 = self.item(wid)["fields"]["System.ChangedDate"]
        data = self.update(wid, [{"op": "test", "path": "/rev", "value": 1},
                                 {"op": "replace", "path": "/fields/System.Title", "value": "second"},
                                 {"op": "remove", "path": "/fields/System.Description"},
                                 {"op": "add", "path": "/fields/System.History", "value": "Moving on"}],
                           pat=ZOE_PAT)
        ex = example(WIT + "workItems/PATCH__wit_workitems__taskId_.json")
        ex_cmp = dict(ex, _links=_links_of_example(ex["_links"]))
        ex_cmp.pop("relations")
        self.assertEqual(shape_errors(ex_cmp, data, loose={".fields"},
                                      extra_ok={"workItemComments", "commentVersionRef"}), [])
        f = data["fields"]
        self.assertEqual((data["rev"], f["System.Rev"], f["System.Title"]), (2, 2, "second"))
        self.assertNotIn("System.Description", f)
        self.assertEqual(f["System.History"], "Moving on")
        self.assertEqual(f["System.ChangedBy"]["uniqueName"], "zoe.unal@fabrikam.example")
        self.assertEqual(f["System.CreatedBy"]["uniqueName"], "fabrikamfiber4@hotmail.com")
        # as times: the service writes a variable number of fraction digits
        # (".19Z", ".192Z"), so the strings do not sort as the times do
        self.assertGreater(iso_time(f["System.ChangedDate"]), iso_time(t0))
        ref = data["commentVersionRef"]
        self.assertEqual(set(ref), {"commentId", "version", "url"})
        comments = self.ok("GET", self.org + "/%s/_apis/wit/workItems/%d/comments" % (GIT, wid),
                           api_version="7.1-preview.4")
        self.assertEqual([(c["id"], c["text"], c["createdBy"]["uniqueName"]) for c in comments["comments"]],
                         [(ref["commentId"], "Moving on", "zoe.unal@fabrikam.example")])
        # History lives in the revision that wrote it only
        data = self.update(wid, [{"op": "add", "path": "/fields/Microsoft.VSTS.Common.Priority", "value": 1}])
        self.assertNotIn("System.History", data["fields"])
        self.assertNotIn("commentVersionRef", data)
        revs = self.revs(wid)
        self.assertEqual([r["rev"] for r in revs], [1, 2, 3])
        self.assertEqual([r["fields"]["System.Title"] for r in revs], ["first", "second", "second"])
        self.assertEqual(revs[1]["fields"]["System.History"], "Moving on")
        # a patch that changes nothing stores nothing
        same = self.update(wid, [{"op": "replace", "path": "/fields/System.Title", "value": "second"}])
        self.assertEqual(same["rev"], 3)
        self.assertEqual(len(self.revs(wid)), 3)
        # a seeded item: its seed state is revision one of the history
        seed = sorted(self.dump())[5]
        rev0 = self.dump()[seed]["rev"]
        self.update(seed, [{"op": "add", "path": "/fields/System.Title", "value": "renamed"}], project=GIT)
        self.assertEqual([r["rev"] for r in self.revs(seed)], [rev0, rev0 + 1])
        self.assertEqual(self.dump()[seed]["fields"]["System.Title"], "renamed")
        self.assertIn(seed, self.where_ids("[System.Title] = 'renamed'"))

    def test_test_rev_match_mismatch_and_atomicity(self):
        wid = self.create("Task", {"System.Title": "guarded"})["id"]
        self.update(wid, [{"op": "test", "path": "/rev", "value": 1},
                          {"op": "add", "path": "/fields/System.Title", "value": "v2"}])
        before = self.item(wid)
        got, resp, d = self.patch("PATCH", self.org + "/_apis/wit/workitems/%d" % wid,
                                  [{"op": "test", "path": "/rev", "value": 1},
                                   {"op": "add", "path": "/fields/System.State", "value": "Closed"}])
        self.assertEqual(got, 412, d)
        self.vss_err(d, "TestPatchOperationFailedException",
                     "VS403351: Test Operation for path /rev failed, value 2 was not equal to test value 1.")
        self.assertEqual(self.item(wid), before)
        self.assertEqual(len(self.revs(wid)), 2)
        # string revs work as numbers
        self.update(wid, [{"op": "test", "path": "/rev", "value": "2"},
                          {"op": "add", "path": "/fields/System.State", "value": "Active"}])
        # any failure anywhere in the patch: nothing changes
        before = self.item(wid)
        for bad in ({"op": "add", "path": "/fields/System.AreaPath", "value": "Nowhere"},
                    {"op": "add", "path": "/fields/System.AssignedTo", "value": "Nobody"},
                    {"op": "add", "path": "/fields/Nope", "value": 1},
                    {"op": "test", "path": "/fields/System.Title", "value": "not the title"},
                    {"op": "add", "path": "/relations/-", "value": {"rel": "System.LinkTypes.Hierarchy-Reverse",
                                                                    "url": self.wi_url(999999)}}):
            got, resp, d = self.patch("PATCH", self.org + "/_apis/wit/workitems/%d" % wid,
                                      [{"op": "replace", "path": "/fields/System.Title", "value": "changed"},
                                       {"op": "add", "path": "/fields/System.History", "value": "c"}, bad])
            self.assertIn(got, (400, 404, 412), d)
            self.assertEqual(self.item(wid), before, bad)
        self.assertEqual(self.item(wid)["comments"], 0)
        d = self.update(999999, [{"op": "add", "path": "/fields/System.Title", "value": "x"}], status=404)
        self.assertEqual(d["message"], "TF401232: Work item 999999 does not exist, or you do not have "
                         "permissions to read it.")

    def test_state_transitions(self):
        wid = self.create("User Story", {"System.Title": "flow"})["id"]
        f = self.update(wid, [{"op": "add", "path": "/fields/System.State", "value": "active"}])["fields"]
        self.assertEqual((f["System.State"], f["System.Reason"]), ("Active", "Implementation started"))
        self.assertEqual(f["Microsoft.VSTS.Common.ActivatedBy"]["uniqueName"], "fabrikamfiber4@hotmail.com")
        self.assertEqual(f["Microsoft.VSTS.Common.StateChangeDate"], f["System.ChangedDate"])
        f = self.update(wid, [{"op": "add", "path": "/fields/System.State", "value": "Closed"},
                              {"op": "add", "path": "/fields/System.Reason", "value": "Acceptance tests pass"}])["fields"]
        self.assertEqual(f["Microsoft.VSTS.Common.ClosedDate"], f["System.ChangedDate"])
        self.assertIn(wid, self.where_ids("[System.State] = 'Closed' AND [System.Id] = %d" % wid))
        f = self.update(wid, [{"op": "add", "path": "/fields/System.State", "value": "New"}])["fields"]
        self.assertNotIn("Microsoft.VSTS.Common.ClosedDate", f)
        self.assertNotIn("Microsoft.VSTS.Common.ActivatedBy", f)
        # a state the type does not have
        task = self.create("Task", {"System.Title": "t"})["id"]
        d = self.update(task, [{"op": "add", "path": "/fields/System.State", "value": "Resolved"}], status=400)
        self.rule_err(d, "System.State", "The field 'State' contains the value 'Resolved' that is not in the "
                      "list of supported values")
        # a state of the type that the transitions map does not allow from here
        epic = self.create("Epic", {"System.Title": "e"})["id"]
        self.update(epic, [{"op": "add", "path": "/fields/System.State", "value": "Removed"}])
        before = self.item(epic)
        d = self.update(epic, [{"op": "add", "path": "/fields/System.State", "value": "Active"}], status=400)
        self.rule_err(d, "System.State", "TF401320: Rule Error for field State. Error code: Required, HasValues, "
                      "LimitedToValues, AllowsOldValue, InvalidListValue.")
        self.assertEqual(self.item(epic), before)
        self.assertEqual(self.update(epic, [{"op": "add", "path": "/fields/System.State", "value": "New"}])
                         ["fields"]["System.State"], "New")
        # changing the type keeps the state when the new type has it (PATCH …__bug1Id_2.json)
        f = self.update(task, [{"op": "add", "path": "/fields/System.WorkItemType", "value": "Bug"}])["fields"]
        self.assertEqual((f["System.WorkItemType"], f["System.State"]), ("Bug", "New"))
        # bypassRules skips the transition rules
        self.assertEqual(self.update(epic, [{"op": "add", "path": "/fields/System.State", "value": "Closed"}],
                                     params={"bypassRules": "true"})["fields"]["System.State"], "Closed")

    def test_parent_link_add_replace_remove(self):
        epic = self.create("Epic", {"System.Title": "epic"})["id"]
        feat = self.create("Feature", {"System.Title": "feature"})["id"]
        other = self.create("Feature", {"System.Title": "other feature"})["id"]
        feat_rev = self.item(feat)["rev"]
        rel = {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": self.wi_url(feat),
               "attributes": {"comment": "decomposition of work"}}
        data = self.create("User Story", {"System.Title": "child"},
                           ops=[{"op": "add", "path": "/relations/-", "value": rel}])
        child = data["id"]
        self.assertEqual(data["fields"]["System.Parent"], feat)
        ex = example(WIT + "workItems/PATCH__wit_workitems__taskId_3.json")
        self.assertEqual(shape_errors(ex["relations"], data["relations"], extra_ok={"name"}), [])
        self.assertEqual(data["relations"], [{"rel": "System.LinkTypes.Hierarchy-Reverse",
                                              "url": data["url"].rsplit("/", 1)[0] + "/%d" % feat,
                                              "attributes": {"isLocked": False, "comment": "decomposition of work",
                                                             "name": "Parent"}}])
        # the parent got the child link, and a revision for it
        pv = self.item(feat)
        self.assertEqual(pv["rev"], feat_rev + 1)
        self.assertEqual([(r["rel"], r["url"].rsplit("/", 1)[-1]) for r in pv["relations"]],
                         [("System.LinkTypes.Hierarchy-Forward", str(child))])
        got = self.ok("GET", self.org + "/_apis/wit/workitems/%d" % feat, params={"$expand": "relations"})
        self.assertEqual(got["relations"][0]["attributes"]["comment"], "decomposition of work")
        self.assertEqual(self.where_ids("[System.Parent] = %d" % feat), [child])
        # a second parent is refused, in one patch or later
        d = self.update(child, [{"op": "add", "path": "/relations/-",
                                 "value": {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": self.wi_url(other)}}],
                        status=400)
        self.vss_err(d, "WorkItemLinkAddExtraParentException",
                     "TF201036: You cannot add a Parent link between work items %d and %d because a work item "
                     "can have only one Parent link." % (child, other))
        d = self.create("Task", {"System.Title": "two parents"}, status=400, ops=[
            {"op": "add", "path": "/relations/-", "value": {"rel": "System.LinkTypes.Hierarchy-Reverse",
                                                            "url": self.wi_url(feat)}},
            {"op": "add", "path": "/relations/-", "value": {"rel": "System.LinkTypes.Hierarchy-Reverse",
                                                            "url": self.wi_url(other)}}])
        self.assertEqual(d["typeKey"], "WorkItemLinkAddExtraParentException")
        # replace the parent: remove /relations/0 then add
        data = self.update(child, [{"op": "test", "path": "/rev", "value": 1},
                                   {"op": "remove", "path": "/relations/0"},
                                   {"op": "add", "path": "/relations/-",
                                    "value": {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": self.wi_url(other)}}])
        self.assertEqual((data["rev"], data["fields"]["System.Parent"]), (2, other))
        self.assertEqual(self.item(feat)["relations"], [])
        self.assertEqual(self.where_ids("[System.Parent] = %d" % other), [child])
        # System.Parent itself is read-only
        d = self.update(child, [{"op": "add", "path": "/fields/System.Parent", "value": feat}], status=400)
        self.assertEqual(d["message"], "TF401326: Invalid field status 'ReadOnly' for field 'System.Parent'.")
        # a child link from the parent's side; cycles are refused
        data = self.update(epic, [{"op": "add", "path": "/relations/-",
                                   "value": {"rel": "System.LinkTypes.Hierarchy-Forward", "url": self.wi_url(other)}}])
        self.assertEqual(self.item(other)["fields"]["System.Parent"], epic)
        d = self.update(epic, [{"op": "add", "path": "/relations/-",
                                "value": {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": self.wi_url(child)}}],
                        status=400)
        self.assertIn("TF201035", d["message"])
        d = self.update(feat, [{"op": "add", "path": "/relations/-",
                                "value": {"rel": "System.LinkTypes.Hierarchy-Forward", "url": self.wi_url(child)}}],
                        status=400)
        self.assertIn("TF201036: You cannot add a Child link", d["message"])
        d = self.update(child, [{"op": "add", "path": "/relations/-",
                                 "value": {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": self.wi_url(999999)}}],
                        status=404)
        self.assertEqual(d["typeKey"], "WorkItemLinkEndUnauthorizedAccessException")
        # removing the only relation clears System.Parent
        data = self.update(child, [{"op": "remove", "path": "/relations/0"}])
        self.assertNotIn("System.Parent", data["fields"])
        self.assertNotIn("relations", data)
        self.update(child, [{"op": "remove", "path": "/relations/0"}], status=400)

    def test_other_links_are_symmetric(self):
        a = self.create("Task", {"System.Title": "a"})["id"]
        b = self.create("Task", {"System.Title": "b"})["id"]
        data = self.update(a, [{"op": "add", "path": "/relations/-", "value": {
            "rel": "System.LinkTypes.Dependency-forward", "url": self.wi_url(b),
            "attributes": {"comment": "Making a new link for the dependency"}}},
            {"op": "add", "path": "/relations/-", "value": {"rel": "Hyperlink", "url": "http://example.com/x"}}])
        self.assertEqual([r["rel"] for r in data["relations"]], ["System.LinkTypes.Dependency-Forward", "Hyperlink"])
        bv = self.item(b)
        self.assertEqual((bv["rev"], bv["relations"][0]["rel"], bv["relations"][0]["attributes"]["comment"]),
                         (2, "System.LinkTypes.Dependency-Reverse", "Making a new link for the dependency"))
        # edit the comment (PATCH …_4.json), then remove (…_5.json)
        self.update(a, [{"op": "replace", "path": "/relations/0/attributes/comment", "value": "traceability"}])
        self.assertEqual(self.item(b)["relations"][0]["attributes"]["comment"], "traceability")
        data = self.update(a, [{"op": "remove", "path": "/relations/0"}])
        self.assertEqual([r["rel"] for r in data["relations"]], ["Hyperlink"])
        self.assertEqual(self.item(b)["relations"], [])

    def test_method_override_and_project_scope(self):
        wid = self.create("Task", {"System.Title": "o"})["id"]
        got, resp, d = self.patch("POST", self.org + "/_apis/wit/workitems/%d" % wid,
                                  [{"op": "add", "path": "/fields/System.Title", "value": "overridden"}],
                                  headers={"X-HTTP-Method-Override": "PATCH"})
        self.assertEqual((got, d["fields"]["System.Title"]), (200, "overridden"))
        self.update(wid, [{"op": "add", "path": "/fields/System.Title", "value": "scoped"}], project=GIT)
        got, resp, d = self.patch("PATCH", self.org + "/_apis/wit/workitems/%d" % wid,
                                  [{"op": "add", "path": "/fields/System.Title", "value": "x"}],
                                  ctype="application/json")
        self.assertEqual(got, 415, d)
        self.assertIn('for method type "PATCH"', d["message"])


class DeleteTests(WriteTestCase):
    def test_recycle_bin_restore_and_destroy(self):
        parent = self.create("Feature", {"System.Title": "to delete"})["id"]
        kid = self.create("User Story", {"System.Title": "kid"}, ops=[{"op": "add", "path": "/relations/-", "value": {
            "rel": "System.LinkTypes.Hierarchy-Reverse", "url": self.wi_url(parent)}}])["id"]
        n = self.live_count()
        got, resp, d = self.call("DELETE", self.org + "/%s/_apis/wit/workitems/%d" % (GIT, parent))
        self.assertEqual(got, 200, d)
        ex = example(WIT + "recycleBin/PATCH__wit_recyclebin_restore.json")
        # the recorded resource has api-1.0 identity strings; 7.1 sends IdentityRef objects
        ex_fields = {k: v for k, v in ex["resource"]["fields"].items() if not k.endswith("By")}
        ex_cmp = dict(ex, resource=dict(ex["resource"], fields=ex_fields,
                                        _links=_links_of_example(ex["resource"]["_links"])))
        self.assertEqual(shape_errors(ex_cmp, d, loose={".fields"}, extra_ok={"workItemComments"}), [])
        self.assertEqual((d["id"], d["code"], d["type"], d["name"], d["project"]),
                         (parent, 200, "Feature", "to delete", GIT))
        self.assertEqual(d["deletedBy"], "Jamal Hartnett <fabrikamfiber4@hotmail.com>")
        self.assertRegex(d["deletedDate"], r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d [AP]M$")
        # gone from WIQL, batches and GET; the child lost its parent
        self.assertEqual(self.live_count(), n - 1)
        self.assertEqual(self.where_ids("[System.Id] = %d" % parent), [])
        self.err(404, "POST", self.org + "/_apis/wit/workitemsbatch", {"ids": [kid, parent]}, message="TF401232")
        data = self.ok("POST", self.org + "/_apis/wit/workitemsbatch", {"ids": [kid, parent], "errorPolicy": "omit"})
        self.assertEqual([v and v["id"] for v in data["value"]], [kid, None])
        self.err(404, "GET", self.org + "/_apis/wit/workitems/%d" % parent, message="TF401232")
        self.assertNotIn("System.Parent", self.item(kid)["fields"])
        self.assertTrue(self.item(parent)["deleted"])
        got, resp, d = self.call("DELETE", self.org + "/_apis/wit/workitems/%d" % parent)
        self.assertEqual(got, 404, d)
        self.update(parent, [{"op": "add", "path": "/fields/System.Title", "value": "x"}], status=404)
        # the recycle bin
        rb = self.ok("GET", self.org + "/%s/_apis/wit/recyclebin" % GIT)
        ids = [v["id"] for v in rb["value"]]
        self.assertIn(parent, ids)
        self.assertEqual(rb["count"], len(ids))
        live = self.dump()
        seeded_deleted = [i for i in range(1, max(live)) if i not in live and i != parent]
        self.assertTrue(seeded_deleted)
        self.assertTrue(all(self.item(i)["deleted"] for i in seeded_deleted))
        in_git = {i for i in seeded_deleted if self.item(i)["project"] == GIT}
        self.assertEqual(set(ids), in_git | {parent})   # the seed's deleted items are in the bin too
        ex_list = example(WIT + "recycleBin/GET__wit_recyclebin.json")
        self.assertEqual(set(rb["value"][0]), set(ex_list[0]))
        one = self.ok("GET", self.org + "/_apis/wit/recyclebin/%d" % parent)
        self.assertEqual(one["id"], parent)
        refs = self.ok("GET", self.org + "/%s/_apis/wit/recyclebin" % GIT, params={"ids": "%d,%d" % (parent, kid)})
        self.assertEqual([(v["id"], v["code"]) for v in refs["value"]], [(parent, 200), (kid, 404)])
        self.assertEqual(shape_errors(example(WIT + "recycleBin/GET__wit_recyclebin__ids_.json")[0],
                                      refs["value"][0], extra_ok=()), ["$.id: expected string, got number (%d)" % parent])
        # restore: back in queries, the child gets its parent back
        got, resp, d = self.call("PATCH", self.org + "/_apis/wit/recyclebin/%d" % parent, {"isDeleted": False})
        self.assertEqual(got, 200, d)
        self.assertEqual(d["url"].rsplit("/", 2)[-2:], ["workItems", str(parent)])
        self.assertEqual(self.where_ids("[System.Id] = %d" % parent), [parent])
        self.assertEqual(self.item(kid)["fields"]["System.Parent"], parent)
        self.assertEqual(self.live_count(), n)
        got, resp, d = self.call("PATCH", self.org + "/_apis/wit/recyclebin/%d" % parent, {"isDeleted": False})
        self.assertEqual(got, 404, d)
        # destroy: gone for good, links to it too
        got, resp, d = self.call("DELETE", self.org + "/_apis/wit/workitems/%d" % parent, params={"destroy": "true"})
        self.assertEqual(got, 200, d)
        self.item(parent, status=404)
        self.assertNotIn("System.Parent", self.item(kid)["fields"])
        self.assertEqual(self.item(kid)["relations"], [])
        self.assertEqual(self.live_count(), n - 1)
        # a recycled item destroyed from the bin
        got, resp, d = self.call("DELETE", self.org + "/_apis/wit/workitems/%d" % kid)
        self.assertEqual(got, 200)
        got, resp, d = self.call("DELETE", self.org + "/%s/_apis/wit/recyclebin/%d" % (GIT, kid))
        self.assertEqual((got, d), (204, ""))
        self.item(kid, status=404)
        self.assertNotIn(kid, [v["id"] for v in self.ok("GET", self.org + "/%s/_apis/wit/recyclebin" % GIT)["value"]])
        # a new id is never reused
        self.assertGreater(self.create("Task", {"System.Title": "after"})["id"], kid)


class CommentTests(WriteTestCase):
    def test_post_and_page_comments(self):
        wid = self.create("Task", {"System.Title": "talk"})["id"]
        path = self.org + "/%s/_apis/wit/workItems/%d/comments" % (GIT, wid)
        posted = []
        for k in range(5):
            got, resp, c = self.call("POST", path, {"text": "comment %d" % k}, api_version="7.1-preview.4",
                                     pat=ZOE_PAT if k == 4 else PAT)
            self.assertEqual(got, 200, c)
            posted.append(c)
        ex = example(WIT + "comments/POST__wit_workitems__taskId__comments_create.json")
        ex = dict(ex, id=ex.pop("commentId"))   # 7.1 renamed commentId to id (docs, caveat)
        self.assertEqual(shape_errors(ex, posted[0]), [])
        self.assertEqual(posted[4]["createdBy"]["uniqueName"], "zoe.unal@fabrikam.example")
        self.assertEqual(self.item(wid)["rev"], 6)   # each comment is a revision with System.History
        self.assertEqual(self.dump()[wid]["fields"]["System.History"], "comment 4")
        # newest first, $top=2, continuation tokens until the end
        page = self.ok("GET", path, params={"$top": "2"}, api_version="7.1-preview.4")
        ex1 = example(WIT + "comments/GET__wit_workitems__issueId__comments_1.json")
        ex1 = dict(ex1, comments=[dict(c, id=c.pop("commentId")) for c in [dict(x) for x in ex1["comments"]]])
        self.assertEqual(shape_errors(ex1, page), [])
        self.assertEqual(list(page), list(ex1))   # same key order too
        seen, pages = [c["text"] for c in page["comments"]], 1
        self.assertEqual((page["totalCount"], page["count"]), (5, 2))
        while "continuationToken" in page:
            self.assertIn("continuationToken=" + page["continuationToken"], page["nextPage"])
            page = self.ok("GET", path, params={"continuationToken": page["continuationToken"]},
                           api_version="7.1-preview.4")
            seen += [c["text"] for c in page["comments"]]
            pages += 1
        ex2 = example(WIT + "comments/GET__wit_workitems__issueId__comments_2.json")
        self.assertEqual(set(page), set(ex2))   # the last page has no token
        self.assertEqual(seen, ["comment %d" % k for k in (4, 3, 2, 1, 0)])
        self.assertEqual(pages, 3)
        asc = self.ok("GET", path, params={"order": "asc", "$top": "3"}, api_version="7.1")
        self.assertEqual([c["text"] for c in asc["comments"]], ["comment 0", "comment 1", "comment 2"])
        by_ids = self.ok("GET", path, params={"ids": "%d,%d" % (posted[1]["id"], posted[3]["id"])},
                         api_version="7.1-preview.4")
        self.assertEqual([c["text"] for c in by_ids["comments"]], ["comment 1", "comment 3"])
        one = self.ok("GET", path + "/%d" % posted[2]["id"], api_version="7.1-preview.4")
        self.assertEqual(one, dict(posted[2]))
        self.err(400, "GET", path, params={"continuationToken": "garbage"}, api_version="7.1-preview.4")
        self.err(404, "GET", self.org + "/_apis/wit/workItems/999999/comments", message="TF401232",
                 api_version="7.1-preview.4")
        self.err(400, "POST", path, {"text": ""}, api_version="7.1-preview.4")
        self.err(415, "POST", path, b'{"text": "x"}', headers={"Content-Type": "text/plain"},
                 api_version="7.1-preview.4")
        # a comment added during paging does not shift the pages
        first = self.ok("GET", path, params={"$top": "2"}, api_version="7.1-preview.4")
        self.call("POST", path, {"text": "late"}, api_version="7.1-preview.4")
        nxt = self.ok("GET", path, params={"continuationToken": first["continuationToken"]},
                      api_version="7.1-preview.4")
        self.assertEqual([c["text"] for c in nxt["comments"]], ["comment 2", "comment 1"])
        self.assertEqual(nxt["totalCount"], 6)


class WorkItemTypeTests(WriteTestCase):
    def test_types_states_and_fields_match_examples(self):
        ex = example(WIT + "workItemTypes/GET__wit_workItemTypes.json")
        data = self.ok("GET", self.org + "/%s/_apis/wit/workitemtypes" % GIT)

        def no_transitions(body):   # their `actions` are null or a list: compared as values below
            return dict(body, value=[{k: v for k, v in t.items() if k != "transitions"} for t in body["value"]])
        self.assertEqual(shape_errors(no_transitions(ex), no_transitions(data), extra_ok={"states"}), [])
        self.assertEqual([t["name"] for t in data["value"]], [t["name"] for t in ex["value"]])
        for ours, theirs in zip(data["value"], ex["value"]):
            self.assertEqual(ours["transitions"], theirs["transitions"])
            self.assertEqual(ours["xmlForm"], theirs["xmlForm"])
        bug = self.ok("GET", self.org + "/%s/_apis/wit/workitemtypes/bug" % GIT)
        ex_bug = example(WIT + "workItemTypes/GET__wit_workItemTypes_Bug.json")
        self.assertEqual(shape_errors(dict(ex_bug, transitions={}), dict(bug, transitions={}),
                                      extra_ok={"states"}), [])
        self.assertEqual(bug["transitions"], ex_bug["transitions"])
        self.assertEqual([s["name"] for s in bug["states"]], ["New", "Active", "Resolved", "Closed"])
        req = [f["referenceName"] for f in bug["fieldInstances"] if f["alwaysRequired"]]
        self.assertIn("System.Title", req)
        story = self.ok("GET", self.org + "/%s/_apis/wit/workitemtypes/User%%20Story/states" % GIT)
        self.assertEqual(shape_errors(example(WIT + "workItemTypeStates/GET__workitem_type_states.json"), story), [])
        self.assertEqual([(s["name"], s["category"]) for s in story["value"]],
                         [("New", "Proposed"), ("Active", "InProgress"), ("Resolved", "Resolved"),
                          ("Closed", "Completed"), ("Removed", "Removed")])
        def no_defaults(body):   # defaultValue is null, a string or a number: checked as values below
            return dict(body, value=[dict(f, defaultValue=None) for f in body["value"]])
        fields = self.ok("GET", self.org + "/%s/_apis/wit/workitemtypes/Bug/fields" % GIT)
        self.assertEqual(shape_errors(no_defaults(example(WIT + "workItemTypesField/GET__workItemType_fields.json")),
                                      no_defaults(fields)), [])
        expanded = self.ok("GET", self.org + "/%s/_apis/wit/workitemtypes/Bug/fields" % GIT, params={"$expand": "All"})
        self.assertEqual(shape_errors(no_defaults(example(WIT + "workItemTypesField/GET__workItemType_fields_expand.json")),
                                      no_defaults(expanded)), [])
        state = next(f for f in fields["value"] if f["referenceName"] == "System.State")
        self.assertEqual((state["defaultValue"], state["alwaysRequired"]), ("New", True))
        sev = next(f for f in expanded["value"] if f["referenceName"] == "Microsoft.VSTS.Common.Severity")
        self.assertEqual((sev["defaultValue"], len(sev["allowedValues"])), ("3 - Medium", 4))
        one = self.ok("GET", self.org + "/%s/_apis/wit/workitemtypes/Bug/fields/System.IterationPath" % GIT)
        self.assertEqual(shape_errors(example(WIT + "workItemTypesField/GET__workItemType_field.json"), one), [])
        d = self.err(404, "GET", self.org + "/%s/_apis/wit/workitemtypes/Story" % GIT,
                     type_key="WorkItemTypeNotFoundException")
        self.assertEqual(d["message"], "VS402323: Work item type Story does not exist.")
        self.err(404, "GET", self.org + "/_apis/wit/workitemtypes")


class WriteControlAndFaultTests(WriteTestCase):
    def test_control_views(self):
        seed = sorted(self.dump())[0]
        view = self.item(seed)
        self.assertEqual(set(view), {"id", "rev", "deleted", "project", "fields", "relations", "links_hidden",
                                     "comments", "revisions"})
        self.assertEqual(view["fields"], self.dump()[seed]["fields"])
        revs = self.revs(seed)
        self.assertEqual([r["rev"] for r in revs], [view["rev"]])
        self.assertEqual(self.control("GET", "/item/99999999")[0], 404)
        self.assertEqual(self.control("GET", "/item/abc")[0], 400)
        self.assertEqual(self.control("GET", "/revisions/99999999")[0], 404)

    def test_faults_apply_to_writes_and_process_first(self):
        path = self.org + "/%s/_apis/wit/workitems/$Task" % GIT
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "exactly once"}]
        n = self.live_count()
        self.control("POST", "/faults", {"rules": [{"path": "/_apis/wit/workitems/$", "method": "POST",
                                                    "first": 1, "action": "503"}]})
        got, resp, d = self.patch("POST", path, ops)
        self.assertEqual(got, 503)
        self.assertEqual(self.live_count(), n)     # failed before the work: nothing stored
        got, resp, d = self.patch("POST", path, ops)
        self.assertEqual(got, 200)
        self.assertEqual(self.live_count(), n + 1)
        # the outcome-unknown case: stored, then the connection drops
        for rule in ({"action": "reset", "process": True}, {"action": "504", "process": True},
                     {"action": "truncate"}):
            rule = dict(rule, path="/_apis/wit/workitems/$", method="POST", first=1)
            self.assertEqual(self.control("POST", "/faults", {"rules": [rule]})[0], 200)
            try:
                got, resp, d = self.patch("POST", path, ops)
                self.assertNotEqual(got, 200, rule)
            except (OSError, http.client.HTTPException, ValueError):
                pass
        self.assertEqual(len(self.where_ids("[System.Title] = 'exactly once'")), 4)
        self.assertEqual(self.control("POST", "/faults", {"rules": [{"action": "reset", "process": 1}]})[0], 400)
        log = self.control("GET", "/log")[1]
        self.assertIn("reset", [e.get("fault") for e in log])


if __name__ == "__main__":
    unittest.main(verbosity=2)
