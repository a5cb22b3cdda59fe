"""Work item store for the Azure DevOps emulator: field catalogue, identities,
projects and deterministic seed data.

Two kinds of store:
  * generated (default): N work items derived only from (items, seed), so a test
    can rebuild the same data and compare; 200,000 items must build in seconds,
    hence the compact value representation below.
  * examples (--fixture examples): exactly the recorded Microsoft examples
    (3 work items, 121 fields, 3 projects), so the driver can be checked
    against ground-truth JSON.

Value representation inside Item.fields (chosen for build speed and cheap
comparisons; rendered to JSON only when a response needs it):
  str            string / plainText / html / treePath values
  int, float     integer / double (doubles that are whole numbers are stored as
                 int because the service writes 4, not 4.0)
  bool           boolean
  Stamp          dateTime: an int of microseconds since 1970-01-01 UTC
  Identity       identity fields (rendered as an IdentityRef object)
Empty values are simply absent from Item.fields, as in the service's JSON.
"""

import base64
import json
import os
import random
import re
import threading
import time
import uuid

FIELDS_EXAMPLE = "wit/7.1/httpExamples/fields/GET__wit_fields.json"
ITEMS_EXAMPLE = "wit/7.1/httpExamples/workItems/GET__wit_WorkItems_ids-_ids_.json"
PROJECTS_EXAMPLE = "core/7.1/httpExamples/projects/GET__projects.json"

US_PER_S = 1_000_000
US_PER_DAY = 86_400 * US_PER_S


# --------------------------------------------------------------------------
# dates


class Stamp(int):
    """A dateTime value: microseconds since the Unix epoch, UTC.

    A distinct int subclass so rendering can tell it from an integer field
    while comparisons stay plain integer comparisons (fast over 200k items)."""

    __slots__ = ()


def format_stamp(us):
    """ISO 8601 UTC with 'Z' and only as many fractional digits as needed —
    the service writes "…20.77Z", "…21.617Z" and "…56Z"."""
    secs, frac = divmod(int(us), US_PER_S)
    t = time.gmtime(secs)
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % t[:6]
    if frac:
        text += "." + ("%06d" % frac).rstrip("0")
    return text + "Z"


_DATE_RE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_US_DATE_RE = re.compile(
    r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)


def _days_from_civil(y, m, d):
    # Howard Hinnant's algorithm: days since 1970-01-01 without datetime
    # objects (faster, and no range surprises for year 9999).
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_date(text):
    """Parses the date forms WIQL and the REST API accept.

    Returns (Stamp, has_time) or None when the text is not a date.  Accepted:
    'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM[:SS[.fffffff]][Z|±hh:mm]',
    'YYYY-MM-DD HH:MM:SS', and the US locale form 'M/D/YYYY [HH:MM:SS][Z]'.
    A time zone offset is applied; no zone means UTC (the emulator has no
    user time zone)."""
    m = _DATE_RE.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _US_DATE_RE.match(text)
        if not m:
            return None
        mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hh, mm, ss, frac, zone = m.group(4), m.group(5), m.group(6), m.group(7), m.group(8)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    # Reject impossible days (Feb 30) by round-tripping through the day count.
    days = _days_from_civil(y, mo, d)
    if mo == 12:
        next_month = _days_from_civil(y + 1, 1, 1)
    else:
        next_month = _days_from_civil(y, mo + 1, 1)
    if days >= next_month:
        return None
    has_time = hh is not None
    secs = days * 86400
    if has_time:
        h, mi, s = int(hh), int(mm), int(ss or 0)
        if h > 23 or mi > 59 or s > 59:
            return None
        secs += h * 3600 + mi * 60 + s
    us = secs * US_PER_S
    if frac:
        us += int((frac + "000000")[:6])
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60 * US_PER_S
        us -= sign * offset
    return Stamp(us), has_time


def today_stamp(override=None):
    """Midnight UTC of 'today' (or of the override 'YYYY-MM-DD')."""
    if override:
        parsed = parse_date(override)
        if parsed is None:
            raise ValueError("bad --today date: %r" % override)
        return Stamp(parsed[0] - parsed[0] % US_PER_DAY)
    now = int(time.time())
    return Stamp((now - now % 86400) * US_PER_S)


def now_text():
    """Current UTC time in the service's variable-precision format."""
    return format_stamp(int(time.time() * 1000) * 1000)


# --------------------------------------------------------------------------
# identities and projects


class Identity:
    """A user.  Rendered as the IdentityRef object the service returns for
    identity fields (displayName, url, _links.avatar, id, uniqueName,
    imageUrl, descriptor).  Identities taken from a recorded example keep
    their JSON verbatim."""

    __slots__ = ("display", "unique", "id", "descriptor", "verbatim",
                 "display_cf", "unique_cf", "combo_cf", "_refs")

    def __init__(self, display, unique, ident=None, descriptor=None, verbatim=None):
        self.display = display
        self.unique = unique
        self.id = ident or str(uuid.uuid5(uuid.NAMESPACE_URL, "azdo-emulator/id/" + unique))
        if descriptor is None:
            seed = str(uuid.uuid5(uuid.NAMESPACE_URL, "azdo-emulator/descriptor/" + unique))
            descriptor = "aad." + base64.b64encode(seed.encode()).decode().rstrip("=")
        self.descriptor = descriptor
        self.verbatim = verbatim
        self.display_cf = display.casefold()
        self.unique_cf = unique.casefold()
        self.combo_cf = self.text.casefold()
        self._refs = {}

    @property
    def text(self):
        """The "Display Name <unique name>" form WIQL and the reporting API use."""
        return "%s <%s>" % (self.display, self.unique)

    def ref(self, base):
        if self.verbatim is not None:
            return self.verbatim
        cached = self._refs.get(base)
        if cached is None:
            cached = {
                "displayName": self.display,
                "url": "%s/_apis/Identities/%s" % (base, self.id),
                "_links": {"avatar": {"href": "%s/_apis/GraphProfile/MemberAvatars/%s" % (base, self.descriptor)}},
                "id": self.id,
                "uniqueName": self.unique,
                "imageUrl": "%s/_api/_common/identityImage?id=%s" % (base, self.id),
                "descriptor": self.descriptor,
            }
            self._refs[base] = cached
        return cached


# Jamal Hartnett is the identity of every recorded example; keep his real ids
# so generated data and fixtures agree.
JAMAL = ("Jamal Hartnett", "fabrikamfiber4@hotmail.com",
         "d291b0c4-a05c-4ea6-8df1-4b41d5f39eff",
         "aad.YTkzODFkODYtNTYxYS03ZDdiLWJjM2QtZDUzMjllMjM5OTAz")

# About a dozen users: non-Latin scripts, diacritics and an apostrophe exercise
# the driver's string handling and WIQL quoting.
SEED_IDENTITIES = [
    JAMAL[:2],
    ("Normal Paulk", "fabrikamfiber16@hotmail.com"),
    ("Chuck Reinhart", "fabrikamfiber3@hotmail.com"),
    ("Christie Church", "fabrikamfiber1@hotmail.com"),
    ("Johnnie McLeod", "fabrikamfiber2@hotmail.com"),
    ("Zoë Ünal", "zoe.unal@fabrikam.example"),
    ("山田 太郎", "taro.yamada@fabrikam.example"),
    ("Dana O'Brien", "dana.obrien@fabrikam.example"),
    ("Ana María Núñez", "ana.nunez@fabrikam.example"),
    ("Sven Ørsted", "sven.orsted@fabrikam.example"),
    ("Priya Raman", "priya.raman@fabrikam.example"),
    ("Олег Петров", "oleg.petrov@fabrikam.example"),
]


class Project:
    """A TeamProjectReference.  Example projects keep their JSON verbatim."""

    __slots__ = ("id", "name", "description", "state", "revision", "visibility",
                 "last_update", "verbatim", "name_cf")

    def __init__(self, ident, name, description=None, revision=1, last_update=None,
                 verbatim=None):
        self.id = ident
        self.name = name
        self.description = description
        self.state = "wellFormed"
        self.revision = revision
        self.visibility = "private"
        self.last_update = last_update
        self.verbatim = verbatim
        self.name_cf = name.casefold()

    def ref(self, base):
        if self.verbatim is not None:
            return self.verbatim
        out = {"id": self.id, "name": self.name}
        if self.description:  # the service omits an empty description
            out["description"] = self.description
        out.update({
            "url": "%s/_apis/projects/%s" % (base, self.id),
            "state": self.state,
            "revision": self.revision,
            "visibility": self.visibility,
            "lastUpdateTime": self.last_update,
        })
        return out


SEED_PROJECTS = [
    # (id, name, description, revision, lastUpdateTime, share of work items)
    ("6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", "Fabrikam-Fiber-Git", "Git projects", 411,
     "2025-11-03T09:12:44.37Z", 0.5),
    ("eb6e4656-77fc-42a1-9181-4c6d8e9da5d1", "Fabrikam-Fiber-TFVC",
     "Team Foundation Version Control projects.", 298, "2024-06-17T16:40:02Z", 0.3),
    ("3f2a9c71-58d4-4e0b-9b6a-c1d2e3f4a5b6", "Contoso Web", "Contoso storefront (name has a space)",
     57, "2026-01-20T08:05:31.9Z", 0.2),
    # A project with no work items: empty result sets must work too.
    ("9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", "Tailspin Toys", None, 12,
     "2023-02-14T12:00:00.123Z", 0.0),
]

AREA_SUFFIXES = ["", "Website", "Website\\Checkout", "Website\\Search", "Mobile",
                 "Mobile\\iOS", "Mobile\\Android", "Backend"]
ITERATION_SUFFIXES = ["", "Sprint 1", "Sprint 2", "Sprint 3", "Sprint 4", "Sprint 5",
                      "Sprint 6", "Release 2", "Release 2\\Sprint 7", "Release 2\\Sprint 8"]


# --------------------------------------------------------------------------
# field catalogue


class FieldDef:
    """One field of the catalogue (WorkItemField2) plus what WIQL needs."""

    __slots__ = ("ref", "name", "type", "is_identity", "kind", "ops", "sortable", "raw")

    def __init__(self, raw):
        self.raw = raw
        self.ref = raw["referenceName"]
        self.name = raw["name"]
        self.type = raw["type"]
        self.is_identity = bool(raw.get("isIdentity")) or self.type == "identity"
        # The recorded catalogue types identity fields as "string" with
        # isIdentity; newer ones use "identity".  Evaluate both the same way.
        self.kind = "identity" if self.is_identity else self.type
        self.ops = frozenset(op["name"].casefold() for op in raw.get("supportedOperations", []))
        # Long-text fields cannot be sorted by the service.
        self.sortable = self.type not in ("html", "plainText", "history")


class Catalogue:
    def __init__(self, raw_fields, verbatim_body=None):
        self.fields = [FieldDef(f) for f in raw_fields]
        self.verbatim_body = verbatim_body
        self._by_ref = {}
        self._by_name = {}
        for f in self.fields:
            self._by_ref.setdefault(f.ref.casefold(), f)
            self._by_name.setdefault(f.name.casefold(), f)

    def resolve(self, name):
        """Reference name or friendly name, case-insensitively."""
        key = name.strip().casefold()
        return self._by_ref.get(key) or self._by_name.get(key)

    def render(self, base):
        if self.verbatim_body is not None:
            return self.verbatim_body
        out = []
        for f in self.fields:
            d = dict(f.raw)
            d["url"] = "%s/_apis/wit/fields/%s" % (base, f.ref)
            out.append(d)
        return {"count": len(out), "value": out}


def _ops_of(raw_fields, ref):
    for f in raw_fields:
        if f["referenceName"] == ref:
            return [dict(op) for op in f["supportedOperations"]]
    raise KeyError(ref)


EXTRA_FIELD_REFS = ("System.Parent", "System.BoardColumn", "System.BoardColumnDone",
                    "Microsoft.VSTS.Scheduling.StoryPoints", "Custom.CustomerImpact",
                    "Custom.Reviewer", "Custom.RiskScore", "Custom.DueDate")


def _extra_fields(raw_fields):
    """Fields a current Agile organization has that the (old) recorded
    catalogue lacks, plus custom fields of each interesting type.  Operation
    lists are copied from a recorded field of the same type."""
    string_ops = _ops_of(raw_fields, "System.Title")
    ident_ops = _ops_of(raw_fields, "System.AssignedTo")
    int_ops = _ops_of(raw_fields, "Microsoft.VSTS.Common.Priority")
    double_ops = _ops_of(raw_fields, "Microsoft.VSTS.Scheduling.RemainingWork")
    date_ops = _ops_of(raw_fields, "Microsoft.VSTS.Common.ClosedDate")
    bool_ops = _ops_of(raw_fields, "WEF_6CB513B6E70E43499D9FC94E5BBFB784_System.ExtensionMarker")

    def f(name, ref, typ, ops, read_only=False, identity=False):
        d = {"name": name, "referenceName": ref, "type": typ, "readOnly": read_only}
        if identity:
            d["isIdentity"] = True
        d["supportedOperations"] = ops
        d["url"] = ""
        return d

    return [
        f("Parent", "System.Parent", "integer", int_ops),
        f("Board Column", "System.BoardColumn", "string", string_ops, read_only=True),
        f("Board Column Done", "System.BoardColumnDone", "boolean", bool_ops, read_only=True),
        f("Story Points", "Microsoft.VSTS.Scheduling.StoryPoints", "double", double_ops),
        f("Customer Impact", "Custom.CustomerImpact", "string", string_ops),
        # Newer catalogues type identity fields as "identity"; the recorded one
        # as "string" + isIdentity.  Keep both representations in the list.
        f("Reviewer", "Custom.Reviewer", "identity", ident_ops, identity=True),
        f("Risk Score", "Custom.RiskScore", "double", double_ops),
        f("Due Date", "Custom.DueDate", "dateTime", date_ops),
    ]


# --------------------------------------------------------------------------
# work items


class Item:
    """One work item.  `fields` is replaced, never mutated, once the item is
    in a store (writes build a new dict), so readers without the store lock
    always see one consistent revision and revision snapshots can keep the
    old dict.  `links` holds the non-hierarchy relations (see writes.py);
    the hierarchy lives in fields["System.Parent"] plus Store.children."""

    __slots__ = ("id", "rev", "fields", "deleted", "project", "links")

    def __init__(self, ident, rev, fields, project, deleted=False, links=()):
        self.id = ident
        self.rev = rev
        self.fields = fields
        self.project = project
        self.deleted = deleted
        self.links = links


REVISED_OPEN = Stamp(parse_date("9999-01-01T00:00:00Z")[0])

# Fields the service computes from others.  They are produced on demand (not
# stored) so 200k items stay cheap; WIQL and `fields=` see them like any other.
# Order = the order they appear in an "all fields" response.
DERIVED_ORDER = ["System.Id", "System.AreaId", "System.NodeName", "System.Rev",
                 "System.AuthorizedDate", "System.RevisedDate", "System.IterationId",
                 "System.AuthorizedAs"]


class Store:
    """Everything one emulator configuration serves (reset swaps a new one in).

    Reads take no lock.  Writes (writes.py) hold `lock` and publish changes
    copy-on-write: a new fields dict per item, a new `items` list when one is
    removed, new children lists — so a WIQL run or a dump that is iterating
    concurrently sees either the old or the new state, never a torn one."""

    def __init__(self, mode, catalogue, projects, identities, items,
                 area_nodes, iteration_nodes, all_fields_include_derived,
                 area_paths=(), iteration_paths=(), examples_dir=None):
        self.mode = mode
        self.catalogue = catalogue
        # Generated projects are listed by name; recorded ones in recorded order.
        self.projects = projects if mode == "examples" else sorted(projects, key=lambda p: p.name_cf)
        self.identities = identities
        self.items = items                       # id order, deleted ones included
        self.by_id = {it.id: it for it in items}
        self.area_nodes = area_nodes             # casefolded path -> node id
        self.iteration_nodes = iteration_nodes
        self.all_fields_include_derived = all_fields_include_derived
        self._ident_by_unique = {i.unique_cf: i for i in identities}
        self.children = {}  # parent id -> child ids, for $expand=relations
        for it in items:
            p = it.fields.get("System.Parent")
            if p is not None:
                self.children.setdefault(p, []).append(it.id)
        self._derived = {
            "system.id": lambda it: it.id,
            "system.rev": lambda it: it.rev,
            "system.nodename": self._node_name,
            "system.areaid": lambda it: self.area_nodes.get(
                it.fields.get("System.AreaPath", "").casefold()),
            "system.iterationid": lambda it: self.iteration_nodes.get(
                it.fields.get("System.IterationPath", "").casefold()),
            "system.authorizeddate": lambda it: it.fields.get("System.ChangedDate"),
            "system.authorizedas": lambda it: it.fields.get("System.ChangedBy"),
            "system.reviseddate": lambda it: REVISED_OPEN,
        }
        # -- write-side state (writes.py; guarded by `lock`) --------------
        self.lock = threading.RLock()
        self.examples_dir = examples_dir
        # casefolded tree path -> the path as the project spells it
        self.area_canon = {p.casefold(): p for p in _with_parents(area_paths)}
        self.iteration_canon = {p.casefold(): p for p in _with_parents(iteration_paths)}
        self.next_id = max((it.id for it in items), default=0) + 1
        self.next_comment_id = 1
        self.comments = {}        # work item id -> [comment dict]
        self.revisions = {}       # work item id -> [(rev, fields, relation entries, deleted)]
        self.recycle = {}         # work item id -> deletion record (writes.py)
        self.known_tags = None    # casefolded -> spelling; built on first write
        self.tag_create = True    # reset key tag_create
        self.extra_identities = {}  # callers that are not seeded identities
        self.process = None       # rules.Process, loaded on first use
        self.hier_comments = {}   # child id -> comment of its parent link

    @staticmethod
    def _node_name(it):
        path = it.fields.get("System.AreaPath")
        return path.rsplit("\\", 1)[-1] if path else None

    # -- lookups --------------------------------------------------------

    def project(self, name_or_id):
        key = name_or_id.casefold()
        for p in self.projects:
            if p.name_cf == key or p.id.casefold() == key:
                return p
        return None

    def identity_by_unique(self, unique):
        return self._ident_by_unique.get(unique.casefold())

    def getter(self, ref):
        """item -> value (None when absent) for a catalogue reference name."""
        derived = self._derived.get(ref.casefold())
        if derived is None:
            return lambda it: it.fields.get(ref)
        # A stored value wins (a fixture may carry a derived field verbatim).
        return lambda it: it.fields[ref] if ref in it.fields else derived(it)

    # -- rendering ------------------------------------------------------

    @staticmethod
    def render_value(v, base):
        if isinstance(v, Stamp):
            return format_stamp(v)
        if isinstance(v, Identity):
            return v.ref(base)
        return v

    def render_fields(self, it, base, fields=None):
        """The work item's `fields` object.  fields=None means all fields;
        otherwise a list of FieldDefs; absent values are left out."""
        rv = self.render_value
        if fields is None:
            out = {}
            if self.all_fields_include_derived:
                for ref in DERIVED_ORDER:
                    v = self.getter(ref)(it)
                    if v is not None and v != "":
                        out[ref] = rv(v, base)
            for k, v in it.fields.items():
                out[k] = rv(v, base)
            return out
        out = {}
        for f in fields:
            v = self.getter(f.ref)(it)
            if v is not None and v != "":
                out[f.ref] = rv(v, base)
        return out

    def item_url(self, it, base):
        # Current responses scope work item URLs by project GUID.
        return "%s/%s/_apis/wit/workItems/%d" % (base, it.project.id, it.id)

    def relation_entries(self, it):
        """The item's relations in the order they are rendered (and indexed
        by `/relations/{i}` patch paths): the parent, the children, then the
        other links in the order they were added.  Each entry is a dict
        {"rel", "id" (target work item) or "url" (external), "attributes"}.
        Links to deleted work items are hidden, as the service hides them."""
        out = []
        parent = it.fields.get("System.Parent")
        p = self.by_id.get(parent) if parent is not None else None
        notes = self.hier_comments
        if p is not None and not p.deleted:
            attrs = {"isLocked": False}
            if it.id in notes:
                attrs["comment"] = notes[it.id]
            attrs["name"] = "Parent"
            out.append({"rel": "System.LinkTypes.Hierarchy-Reverse", "id": p.id, "attributes": attrs})
        for cid in self.children.get(it.id, ()):
            c = self.by_id.get(cid)
            if c is not None and not c.deleted and c.fields.get("System.Parent") == it.id:
                attrs = {"isLocked": False}
                if cid in notes:
                    attrs["comment"] = notes[cid]
                attrs["name"] = "Child"
                out.append({"rel": "System.LinkTypes.Hierarchy-Forward", "id": cid, "attributes": attrs})
        for link in it.links or ():
            tid = link.get("id")
            if tid is not None:
                t = self.by_id.get(tid)
                if t is None or t.deleted:
                    continue
            out.append(link)
        return out

    def render_relation(self, entry, base):
        tid = entry.get("id")
        if tid is not None:
            t = self.by_id.get(tid)
            url = self.item_url(t, base) if t is not None else "%s/_apis/wit/workItems/%d" % (base, tid)
        else:
            url = entry["url"]
        return {"rel": entry["rel"], "url": url, "attributes": dict(entry.get("attributes") or {})}

    def relations(self, it, base):
        """The relations array of `$expand=relations` (hierarchy links derived
        from System.Parent in both directions, plus links added by writes)."""
        return [self.render_relation(e, base) for e in self.relation_entries(it)]



# --------------------------------------------------------------------------
# loading the recorded examples


def default_examples_dir():
    """AZDO_REST_SPECS, else ../../../shared/ado-rest-api-7.1 from this file
    (repo at X/main, shared specs at X/shared — true locally and in CI)."""
    env = os.environ.get("AZDO_REST_SPECS")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "ado-rest-api-7.1"))


def load_example_body(examples_dir, rel):
    path = os.path.join(examples_dir, rel)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise RuntimeError("cannot read recorded example %s (set --examples-dir or "
                           "AZDO_REST_SPECS): %s" % (path, exc)) from None
    return doc["responses"]["200"]["body"]


def _with_parents(paths):
    """Every path and its ancestors, original spelling, first spelling wins."""
    out = {}
    for p in paths:
        parts = p.split("\\")
        for i in range(1, len(parts) + 1):
            sub = "\\".join(parts[:i])
            out.setdefault(sub.casefold(), sub)
    return list(out.values())


def _paths_with_parents(paths):
    """Every path and all of its ancestors, casefolded -> sequential node id."""
    nodes = {}
    for p in sorted(paths, key=lambda s: s.casefold()):
        parts = p.split("\\")
        for i in range(1, len(parts) + 1):
            key = "\\".join(parts[:i]).casefold()
            if key not in nodes:
                nodes[key] = len(nodes) + 1
    return nodes


def build_examples(examples_dir):
    """The --fixture examples store: recorded JSON, verbatim."""
    fields_body = load_example_body(examples_dir, FIELDS_EXAMPLE)
    items_body = load_example_body(examples_dir, ITEMS_EXAMPLE)
    projects_body = load_example_body(examples_dir, PROJECTS_EXAMPLE)
    catalogue = Catalogue(fields_body["value"], verbatim_body=fields_body)
    projects = [Project(p["id"], p["name"], p.get("description"), verbatim=p)
                for p in projects_body["value"]]
    by_name = {p.name_cf: p for p in projects}
    identities = {}
    items = []
    areas, iterations = set(p.name for p in projects), set(p.name for p in projects)
    for raw in items_body["value"]:
        fields = {}
        for ref, v in raw["fields"].items():
            fdef = catalogue.resolve(ref)
            if isinstance(v, dict) and "uniqueName" in v:
                key = v["uniqueName"].casefold()
                ident = identities.get(key)
                if ident is None:
                    ident = Identity(v["displayName"], v["uniqueName"], v.get("id"),
                                     v.get("descriptor"), verbatim=v)
                    identities[key] = ident
                v = ident
            elif fdef is not None and fdef.type == "dateTime" and isinstance(v, str):
                parsed = parse_date(v)
                if parsed is not None and format_stamp(parsed[0]) == v:
                    v = parsed[0]  # round-trips exactly, so it stays verbatim
            fields[ref] = v
        areas.add(fields.get("System.AreaPath", ""))
        iterations.add(fields.get("System.IterationPath", ""))
        project = by_name[fields["System.TeamProject"].casefold()]
        items.append(Item(raw["id"], raw["rev"], fields, project))
    items.sort(key=lambda it: it.id)
    areas = [a for a in areas if a]
    iterations = [i for i in iterations if i]
    return Store("examples", catalogue, projects, list(identities.values()), items,
                 _paths_with_parents(areas), _paths_with_parents(iterations),
                 all_fields_include_derived=False, area_paths=areas,
                 iteration_paths=iterations, examples_dir=examples_dir)


# --------------------------------------------------------------------------
# generated seed data

TYPES = [  # (type, cumulative weight)
    ("Epic", 0.03), ("Feature", 0.13), ("User Story", 0.45), ("Bug", 0.60), ("Task", 1.0)]

# Agile process states and the reason a work item enters each.
STATES = {
    "Epic": [("New", .25, "New"), ("Active", .55, "Implementation started"),
             ("Resolved", .70, "Stories complete"), ("Closed", .95, "Acceptance tests pass"),
             ("Removed", 1.0, "Removed from the backlog")],
    "Feature": [("New", .25, "New"), ("Active", .55, "Implementation started"),
                ("Resolved", .70, "Stories complete"), ("Closed", .95, "Acceptance tests pass"),
                ("Removed", 1.0, "Removed from the backlog")],
    "User Story": [("New", .30, "New"), ("Active", .60, "Implementation started"),
                   ("Resolved", .72, "Code complete and unit tests pass"),
                   ("Closed", .95, "Acceptance tests pass"),
                   ("Removed", 1.0, "Removed from the backlog")],
    "Task": [("New", .30, "New"), ("Active", .60, "Work started"),
             ("Closed", .96, "Work finished"), ("Removed", 1.0, "Removed from the backlog")],
    "Bug": [("New", .30, "New"), ("Active", .55, "Approved"), ("Resolved", .75, "Fixed"),
            ("Closed", 1.0, "Verified")],
}
BOARD_COLUMN = {"New": "New", "Active": "Active", "Resolved": "Resolved", "Closed": "Closed"}
KANBAN_STORY = "WEF_6CB513B6E70E43499D9FC94E5BBFB784_Kanban.Column"
KANBAN_STORY_MARKER = "WEF_6CB513B6E70E43499D9FC94E5BBFB784_System.ExtensionMarker"
KANBAN_FEATURE = "WEF_4E8EFA1942384BC3856B5E64506F5934_Kanban.Column"
KANBAN_FEATURE_MARKER = "WEF_4E8EFA1942384BC3856B5E64506F5934_System.ExtensionMarker"

VERBS = ["Add", "Fix", "Refactor", "Investigate", "Improve", "Document", "Remove",
         "Update", "Migrate", "Optimize", "Validate", "Localize"]
OBJECTS = ["login page", "checkout flow", "search results", "payment gateway",
           "user profile", "REST client", "build pipeline", "cache layer",
           "email notifications", "mobile menu", "order history", "CSV export",
           "dark mode", "password reset", "API rate limiting", "shopping cart"]
SUFFIXES = ["", "", "", " for iOS", " on Android", " in Safari", " (follow-up)",
            " – phase 2", " for Zoë's team"]

SPECIAL_TITLES = {
    1: "Customer can sign in using their Microsoft Account",
    2: "Fix \"Save\" button on Dana O'Brien's profile page",
    3: "Prise en charge de l'écran de connexion – ünïcödé",
    4: "ログイン画面の改善 (login screen)",
    5: ("Long title: " + "the quick brown fox jumps over the lazy dog and " * 6).strip()[:255],
    6: "Quotes 'single' and \"double\"; semicolons; back\\slash and 100% done",
    7: "Emoji in titles 🚀 must round-trip",
    8: "Ελληνικά και Кириллица в заголовке",
}
TAGS = ["Tag1", "Tag2", "backend", "frontend", "customer", "security", "tech-debt",
        "web", "website", "needs review", "Ünïcode", "P0"]
IMPACT = ["High", "Medium", "Low", "None - internal"]
SEVERITY = ["1 - Critical", "2 - High", "3 - Medium", "4 - Low"]
DESCRIPTIONS = [
    "<div>Follow the code samples from MSDN</div>",
    "<div><b>Steps</b>: open the page &amp; click <i>Save</i>.</div><ul><li>one</li><li>two</li></ul>",
    "<p>Le client a signalé un problème — voir le ticket n° 42.</p>",
    "<div>Customer's \"quoted\" feedback: it's <span style=\"color:red\">broken</span></div>",
]

START_2023 = _days_from_civil(2023, 1, 1) * US_PER_DAY
SPAN_US = (_days_from_civil(2026, 6, 30) - _days_from_civil(2023, 1, 1)) * US_PER_DAY


def _ms_stamp(base_us, r):
    """A timestamp with 0–3 fractional digits: real data mixes '…56Z',
    '…20.77Z' and '…21.617Z'."""
    us = base_us - base_us % US_PER_S
    pick = r % 4
    if pick == 1:
        us += (r // 4 % 10) * 100_000
    elif pick == 2:
        us += (r // 4 % 100) * 10_000
    elif pick == 3:
        us += (r // 4 % 1000) * 1000
    return Stamp(us)


def build_generated(n_items, seed, examples_dir):
    """Deterministic store of n_items live work items (plus the ~1% deleted
    ones among their ids).  Only (n_items, seed) and the recorded field
    catalogue decide the content."""
    fields_body = load_example_body(examples_dir, FIELDS_EXAMPLE)
    raw_fields = [dict(f) for f in fields_body["value"]] + _extra_fields(fields_body["value"])
    catalogue = Catalogue(raw_fields)

    identities = [Identity(*JAMAL)] + [Identity(d, u) for d, u in SEED_IDENTITIES[1:]]
    projects = [Project(pid, name, desc, rev, upd) for pid, name, desc, rev, upd, _ in SEED_PROJECTS]
    shares = []
    acc = 0.0
    for p, spec in zip(projects, SEED_PROJECTS):
        acc += spec[5]
        shares.append((acc, p))

    areas = {p.name: [p.name + ("\\" + s if s else "") for s in AREA_SUFFIXES] for p in projects}
    iters = {p.name: [p.name + ("\\" + s if s else "") for s in ITERATION_SUFFIXES] for p in projects}
    area_nodes = _paths_with_parents(a for lst in areas.values() for a in lst)
    iteration_nodes = _paths_with_parents(i for lst in iters.values() for i in lst)

    rng = random.Random("azdo-emulator:%s" % seed)
    rnd = rng.random
    bits = rng.getrandbits
    n_ident = len(identities)
    parents = {p.name: {"Epic": [], "Feature": [], "User Story": [], "Bug": []} for p in projects}
    items = []
    # ids run past n_items so that n_items remain once ~1% are deleted
    n_ids = n_items + n_items // 96 + 2
    for ident in range(1, n_ids + 1):
        x = rnd()
        project = shares[-1][1]
        for limit, p in shares:
            if x < limit and limit > 0:
                project = p
                break
        pname = project.name
        x = rnd()
        wtype = next(t for t, w in TYPES if x < w)
        x = rnd()
        state, reason = next((s, r) for s, w, r in STATES[wtype] if x < w)
        b = bits(64)  # one draw, sliced, for the many small choices below
        b2 = bits(64)
        created = _ms_stamp(START_2023 + int(rnd() * SPAN_US), b & 0xFFFF)
        rev = 1 + (b >> 16) % 12
        changed = created if rev == 1 else _ms_stamp(
            created + int(rnd() * 120 * US_PER_DAY) + US_PER_S, (b >> 20) & 0xFFFF)
        creator = identities[(b >> 36) % n_ident]
        changer = identities[(b >> 40) % n_ident]
        title = SPECIAL_TITLES.get(ident) or "%s %s%s" % (
            VERBS[(b >> 44) % len(VERBS)], OBJECTS[(b >> 48) % len(OBJECTS)],
            SUFFIXES[(b >> 52) % len(SUFFIXES)])
        alist = areas[pname]
        ilist = iters[pname]
        f = {
            "System.AreaPath": alist[b2 % len(alist)],
            "System.TeamProject": pname,
            "System.IterationPath": ilist[(b2 >> 4) % len(ilist)],
            "System.WorkItemType": wtype,
            "System.State": state,
            "System.Reason": reason,
        }
        if (b2 >> 8) % 5:  # AssignedTo absent on ~20%
            f["System.AssignedTo"] = identities[(b2 >> 12) % n_ident]
        f["System.CreatedDate"] = created
        f["System.CreatedBy"] = creator
        f["System.ChangedDate"] = changed
        f["System.ChangedBy"] = changer
        f["System.Title"] = title
        if state != "New":
            f["Microsoft.VSTS.Common.StateChangeDate"] = changed
            f["Microsoft.VSTS.Common.ActivatedDate"] = changed if state == "Active" else created
            f["Microsoft.VSTS.Common.ActivatedBy"] = changer
        if state == "Closed":
            f["Microsoft.VSTS.Common.ClosedDate"] = changed
            f["Microsoft.VSTS.Common.ClosedBy"] = changer
        if (b2 >> 16) % 10:  # Priority absent on ~10%
            f["Microsoft.VSTS.Common.Priority"] = 1 + (b2 >> 20) % 4
        if wtype == "Task":
            if state != "Closed" and (b2 >> 24) % 6:
                rw = ((b2 >> 28) % 33) / 2  # 0, 0.5, … 16
                f["Microsoft.VSTS.Scheduling.RemainingWork"] = int(rw) if rw == int(rw) else rw
        elif wtype == "User Story":
            if (b2 >> 24) % 4:
                f["Microsoft.VSTS.Scheduling.StoryPoints"] = [1, 2, 3, 5, 8, 13][(b2 >> 28) % 6]
        elif wtype in ("Feature", "Epic"):
            if (b2 >> 24) % 3:
                f["Microsoft.VSTS.Scheduling.Effort"] = [5, 8, 13, 20, 40, 2.5][(b2 >> 28) % 6]
        elif wtype == "Bug":
            f["Microsoft.VSTS.Common.Severity"] = SEVERITY[(b2 >> 24) % 4]
            if (b2 >> 28) % 2:
                f["Microsoft.VSTS.TCM.ReproSteps"] = "<div>1. Open the page<br>2. Click &quot;Save&quot;</div>"
        # Board / Kanban extension fields on backlog items and features.
        if state in BOARD_COLUMN and wtype != "Task" and (b2 >> 32) % 3:
            col = BOARD_COLUMN[state]
            if wtype in ("User Story", "Bug"):
                f[KANBAN_STORY] = col
                f[KANBAN_STORY_MARKER] = True
            else:
                f[KANBAN_FEATURE] = col
                f[KANBAN_FEATURE_MARKER] = True
            f["System.BoardColumn"] = col
            f["System.BoardColumnDone"] = bool((b2 >> 34) % 2)
        # Hierarchy: Task under Story/Bug, Story/Bug under Feature, Feature under Epic.
        pool = parents[pname]
        candidates = {"Task": pool["User Story"] or pool["Bug"], "User Story": pool["Feature"],
                      "Bug": pool["Feature"], "Feature": pool["Epic"]}.get(wtype)
        if candidates and (b2 >> 36) % 10 < 8:
            recent = candidates[-25:]
            f["System.Parent"] = recent[(b2 >> 40) % len(recent)]
        if wtype in pool:
            pool[wtype].append(ident)
        if (b2 >> 44) % 5 < 2:  # tags on ~40%
            first = (b2 >> 48) % len(TAGS)
            count = 1 + (b2 >> 52) % 3
            chosen = []
            for k in range(count):
                t = TAGS[(first + k * 5) % len(TAGS)]
                if t not in chosen:
                    chosen.append(t)
            f["System.Tags"] = "; ".join(chosen)
        if (b2 >> 55) % 10 < 3:
            f["System.Description"] = DESCRIPTIONS[(b2 >> 58) % len(DESCRIPTIONS)]
        if (b >> 56) % 4 == 0:  # custom fields on ~25%
            f["Custom.CustomerImpact"] = IMPACT[(b >> 58) % len(IMPACT)]
            f["Custom.Reviewer"] = identities[(b >> 60) % n_ident]
            rs = ((b >> 30) % 40) / 4 + 0.25  # 0.25 … 10, with fractions
            f["Custom.RiskScore"] = int(rs) if rs == int(rs) else rs
            f["Custom.DueDate"] = Stamp((created // US_PER_DAY + 14 + (b >> 24) % 90) * US_PER_DAY)
        if (b >> 62) == 3 and ident % 7 == 0:
            f["Microsoft.VSTS.Common.BacklogPriority"] = round(rnd() * 1_000_000, 3)
        items.append(Item(ident, rev, f, project))

    # About 1% deleted (in the recycle bin): they must never match a query and
    # must fail a fetch.  Only items nobody points to, so hierarchies stay whole.
    referenced = {it.fields.get("System.Parent") for it in items}
    for it in items:
        if it.id % 97 == 41 and it.id not in referenced:
            it.deleted = True
    # keep exactly n_items live items (parents precede their children, so the
    # dropped tail holds no parent of a kept item)
    live = 0
    for k, it in enumerate(items):
        live += not it.deleted
        if live == n_items:
            del items[k + 1:]
            break

    return Store("generated", catalogue, projects, identities, items,
                 area_nodes, iteration_nodes, all_fields_include_derived=True,
                 area_paths=[a for lst in areas.values() for a in lst],
                 iteration_paths=[i for lst in iters.values() for i in lst],
                 examples_dir=examples_dir)


def build(items=500, seed=1, fixture=None, examples_dir=None):
    examples_dir = examples_dir or default_examples_dir()
    if fixture == "examples":
        return build_examples(examples_dir)
    if fixture not in (None, "", "none"):
        raise ValueError("unknown fixture %r (expected null or \"examples\")" % fixture)
    return build_generated(int(items), seed, examples_dir)
