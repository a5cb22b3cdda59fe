"""Shared helpers for the client tests (Python standard library + pyodbc).

Every test here runs under tests/run-test.sh, which starts an emulator and
exports AZDO_EMU_URL, AZDO_EMU_PORT, AZDO_TEST_PAT and a sandbox ODBCSYSINI
with the DSN AzDOEmu.  The PAT is a random per-run secret; never print it.
"""
import json
import os
import sys
import urllib.request

EMU_URL = os.environ["AZDO_EMU_URL"]
EMU_ROOT = "http://127.0.0.1:%s" % os.environ["AZDO_EMU_PORT"]
PAT = os.environ["AZDO_TEST_PAT"]
DSN = os.environ.get("AZDO_TEST_DSN", "AzDOEmu")
PROJECT = "Fabrikam-Fiber-Git"


def control(path, body=None, method=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(EMU_ROOT + path, data=data, method=method or ("POST" if data else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:
        text = r.read().decode()
    return json.loads(text) if text else None


def reset(**kw):
    control("/_emulator/reset", kw)


def log():
    return control("/_emulator/log")


def clear_log():
    control("/_emulator/log", method="DELETE")


def dump():
    return control("/_emulator/dump")["items"]


def rest(method, path, body=None, content_type="application/json-patch+json"):
    """One call to the emulator's Azure DevOps REST API proper (not a control
    endpoint), authenticated with the run's PAT like any client:
    rest("GET", "/_apis/wit/workitems/7?api-version=7.1").  `path` is below
    the organization URL.  Returns (status, decoded JSON or None)."""
    import base64
    import urllib.error
    data = json.dumps(body).encode() if body is not None else None
    auth = base64.b64encode((":" + PAT).encode()).decode()
    req = urllib.request.Request(EMU_URL + path, data=data, method=method,
                                 headers={"Content-Type": content_type, "Authorization": "Basic " + auth})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, None


def long_text(n=10000):
    """n characters (code points) of text mixing ASCII, Latin-1, CJK, Arabic
    and astral-plane emoji (surrogate pairs in UTF-16), ending in a marker."""
    unit = "Zo\u00eb \u5c71\u7530\u592a\u90ce \u0645\u0631\u062d\u0628\u0627 \U0001F600\U0001F680 \u2013 abc "
    end = "<END>"
    body = (unit * (n // len(unit) + 1))[:n - len(end)]
    return body + end


def identity_text(v):
    """The driver's text form of an identity: 'Display <unique>'."""
    if v is None:
        return None
    if isinstance(v, dict):
        d, u = v.get("displayName"), v.get("uniqueName")
        if d and u:
            return "%s <%s>" % (d, u)
        return d or u
    return v


class Checker:
    """Counts checks; prints a closing line the CI reads ('N passed, N failed')."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s" % what, flush=True)
        return cond

    def equal(self, got, want, what):
        ok = got == want
        if not ok:
            g, w = repr(got), repr(want)
            print("FAIL: %s\n  got:  %s\n  want: %s" % (what, g[:2000], w[:2000]), flush=True)
            self.failed += 1
        else:
            self.passed += 1
        return ok

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed or not self.passed else 0)
