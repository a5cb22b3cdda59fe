"""Process definition and rule errors of the Azure DevOps emulator (no sockets).

The process is the Agile process as Microsoft recorded it in
wit/7.1/httpExamples/workItemTypes/GET__wit_workItemTypes.json: its 15 work
item types with their description, colour, icon, xmlForm, fieldInstances
(incl. `alwaysRequired`) and `transitions` map are served verbatim (URLs
rewritten to the emulator), so what writes enforce is exactly what
GET …/workitemtypes tells a client.  What the recording does not carry is
added here and marked:

  * states (7.1 `states`, and …/workitemtypes/{type}/states): the states are
    the keys of `transitions`; colours and categories come from
    workItemTypeStates/GET__workitem_type_states.json (New, Active, Resolved,
    Closed) plus Removed = ffffff/Removed and, for the non-Agile states of the
    test and review types, the category that matches their meaning
    [unverified].
  * defaults (Agile `DEFAULT` rules): Priority 2 (types that have Priority —
    the create example shows it), Severity "3 - Medium" (Bug;
    workItemTypesField/…_fields_expand.json shows it), State = the initial
    state.
  * allowed values enforced: State (per transitions), Priority 1–4, Severity
    (the four values of the fields_expand example).  Activity, Reason and the
    rest are accepted as given.
  * required (`alwaysRequired` of the recording, minus the computed
    System.AreaId/System.IterationId, minus fields the emulator's catalogue
    does not have — Microsoft.VSTS.Common.ValueArea): Title and State on every
    type, Priority on Epic and Feature.  With the defaults above only an
    explicit empty value can violate Priority/State.
  * reasons: the seed's (store.STATES) for the Agile types, "New" for an
    initial state, "Moved to state X" otherwise [unverified].

Rule-error bodies (status 400, typeKey RuleValidationException, eventId 3200)
carry customProperties.RuleValidationErrors like the [3P] fixture in
docs/azure-devops-api.md §5.3.  fieldStatusCode: the two observed values
(Required|InvalidEmpty = 524289, HasValues|LimitedToValues|InvalidListValue
= 4194316) are reproduced; the other bit values are invented [unverified].
"""

import json
import os
import threading

import store as store_mod

TYPES_EXAMPLE = "wit/7.1/httpExamples/workItemTypes/GET__wit_workItemTypes.json"

STATE_STYLE = {  # name -> (color, category)
    "new": ("b2b2b2", "Proposed"),
    "active": ("007acc", "InProgress"),
    "resolved": ("ff9d00", "Resolved"),
    "closed": ("339933", "Completed"),
    "removed": ("ffffff", "Removed"),
    # non-Agile states of the test/review/feedback types [unverified]
    "requested": ("b2b2b2", "Proposed"),
    "design": ("b2b2b2", "Proposed"),
    "in planning": ("b2b2b2", "Proposed"),
    "accepted": ("007acc", "InProgress"),
    "ready": ("007acc", "InProgress"),
    "in progress": ("007acc", "InProgress"),
    "inactive": ("339933", "Completed"),
    "completed": ("339933", "Completed"),
}
CATEGORY_ORDER = {"Proposed": 0, "InProgress": 1, "Resolved": 2, "Completed": 3, "Removed": 4}

DEFAULTS = {  # field -> default on create, for types whose fieldInstances have it
    "Microsoft.VSTS.Common.Priority": 2,
    "Microsoft.VSTS.Common.Severity": "3 - Medium",
}
ALLOWED = {  # field -> allowed values (compared case-insensitively for strings)
    "Microsoft.VSTS.Common.Priority": [1, 2, 3, 4],
    "Microsoft.VSTS.Common.Severity": ["1 - Critical", "2 - High", "3 - Medium", "4 - Low"],
}
COMPUTED = {"System.AreaId", "System.IterationId"}

# Fields no patch may set, even with bypassRules=true (system-managed).
ALWAYS_READ_ONLY = {
    "System.Id", "System.Rev", "System.Watermark", "System.RevisedDate", "System.AuthorizedDate",
    "System.AreaId", "System.IterationId", "System.NodeName", "System.NodeType", "System.Parent",
    "System.BoardColumn", "System.BoardColumnDone", "System.ExternalLinkCount",
    "System.HyperLinkCount", "System.AttachedFileCount", "System.RelatedLinkCount",
    "System.ProjectId", "System.WorkItemForm", "System.WorkItemFormId", "System.TFServer",
    "System.Links.LinkType", "System.RelatedLinks", "System.AttachedFiles", "System.LinkedFiles",
    "System.BISLinks", "System.InDeletedTreeFlag", "System.InAdminOnlyTreeFlag", "System.PersonId",
} | {"System.AreaLevel%d" % i for i in range(1, 8)} | {"System.IterationLevel%d" % i for i in range(1, 8)}
# Read-only unless bypassRules=true (migration tools set them that way).
BYPASS_WRITABLE = {"System.CreatedDate", "System.CreatedBy", "System.ChangedDate",
                   "System.ChangedBy", "System.AuthorizedAs"}

# fieldStatusFlags: name (as in the message) -> bit.  See the module docstring.
FLAG_BITS = {
    "InvalidEmpty": 0x1, "InvalidNotEmpty": 0x2, "InvalidFormat": 0x3, "InvalidListValue": 0x4,
    "InvalidNotOldValue": 0x5, "InvalidType": 0x6, "InvalidTooLong": 0x7,
    "HasValues": 0x8, "ReadOnly": 0x100000, "AllowsOldValue": 0x200000,
    "Required": 0x80000, "LimitedToValues": 0x400000,
}


class Process:
    """The work item types of one store, keyed by casefolded name."""

    def __init__(self, raw_types):
        self.types = {}
        for raw in raw_types:
            t = WorkItemType(raw)
            self.types[t.name.casefold()] = t
        self.order = [WorkItemType(r).name for r in raw_types]

    def get(self, name):
        return self.types.get((name or "").strip().casefold())


class WorkItemType:
    def __init__(self, raw):
        self.raw = raw
        self.name = raw["name"]
        self.transitions = {k: [t["to"] for t in v] for k, v in (raw.get("transitions") or {}).items()}
        names = [s for s in self.transitions if s]
        for targets in self.transitions.values():
            for s in targets:
                if s not in names:
                    names.append(s)
        styled = []
        for i, n in enumerate(names):
            color, cat = STATE_STYLE.get(n.casefold(), ("b2b2b2", "InProgress"))
            styled.append((CATEGORY_ORDER.get(cat, 1), i, {"name": n, "color": color, "category": cat}))
        self.states = [s for _, _, s in sorted(styled, key=lambda x: (x[0], x[1]))]
        self.state_names = {s["name"].casefold(): s["name"] for s in self.states}
        self.initial = list(self.transitions.get("", []))
        self.instances = raw.get("fieldInstances") or raw.get("fields") or []
        self.field_refs = {f["referenceName"] for f in self.instances}
        self.required = [f["referenceName"] for f in self.instances
                         if f.get("alwaysRequired") and f["referenceName"] not in COMPUTED]

    def canonical_state(self, value):
        return self.state_names.get(str(value).strip().casefold())

    def allowed_from(self, current):
        """States a work item in `current` may move to (current included)."""
        for k, v in self.transitions.items():
            if k.casefold() == (current or "").casefold():
                return v
        return []

    def reason_for(self, state, initial=False):
        for name, _, reason in store_mod.STATES.get(self.name, ()):
            if name == state:
                return reason
        if initial:
            return "New"
        return "Moved to state %s" % state


_CACHE = {}
_CACHE_LOCK = threading.Lock()


def load_process(examples_dir):
    path = os.path.join(examples_dir, TYPES_EXAMPLE)
    with _CACHE_LOCK:
        got = _CACHE.get(path)
        if got is None:
            try:
                with open(path, encoding="utf-8-sig") as fh:
                    body = json.load(fh)["responses"]["200"]["body"]
            except OSError as exc:
                raise RuntimeError("cannot read recorded example %s: %s" % (path, exc)) from None
            got = Process(body["value"])
            _CACHE[path] = got
        return got


def process_of(store):
    if store.process is None:
        store.process = load_process(store.examples_dir or store_mod.default_examples_dir())
    return store.process


# --------------------------------------------------------------------------
# rendering


def _rewrite(url, base):
    """https://dev.azure.com/fabrikam/… -> the emulator's base."""
    prefix = "https://dev.azure.com/fabrikam"
    return base + url[len(prefix):] if url.startswith(prefix) else url


def field_instance(catalogue, ref, base, inst=None, expand=None, wtype=None):
    f = catalogue.resolve(ref)
    out = {}
    if inst and inst.get("helpText"):
        out["helpText"] = inst["helpText"]
    out["alwaysRequired"] = bool(inst and inst.get("alwaysRequired"))
    if expand is not None:
        default = DEFAULTS.get(ref) if wtype is None or ref in wtype.field_refs else None
        if ref == "System.State" and wtype is not None and wtype.initial:
            default = wtype.initial[0]
        out["defaultValue"] = default
        if expand in ("allowedvalues", "all"):
            if ref == "System.State" and wtype is not None:
                vals = sorted(wtype.state_names.values())
            else:
                vals = [str(v) for v in ALLOWED.get(ref, [])]
            out["allowedValues"] = vals
        if expand in ("dependentfields", "all"):
            out["dependentFields"] = []
    out["referenceName"] = ref
    out["name"] = f.name if f is not None else (inst or {}).get("name", ref)
    out["url"] = "%s/_apis/wit/fields/%s" % (base, ref)
    return out


def type_fields(store, wtype):
    """(ref, recorded instance or None) for every field of the type: the
    recorded fieldInstances that the catalogue has, then the emulator's own
    extra fields (custom fields, Story Points, Parent …), which every type
    accepts."""
    cat = store.catalogue
    out, seen = [], set()
    for inst in wtype.instances:
        ref = inst["referenceName"]
        if cat.resolve(ref) is not None and ref not in seen:
            out.append((ref, inst))
            seen.add(ref)
    for ref in store_mod.EXTRA_FIELD_REFS:
        if ref not in seen and cat.resolve(ref) is not None:
            out.append((ref, None))
            seen.add(ref)
    return out


def render_type(store, wtype, base, project):
    raw = wtype.raw
    fields = [field_instance(store.catalogue, ref, base, inst) for ref, inst in type_fields(store, wtype)]
    icon = dict(raw.get("icon") or {})
    if "url" in icon:
        icon["url"] = _rewrite(icon["url"], base)
    return {
        "name": wtype.name,
        "referenceName": raw.get("referenceName"),
        "description": raw.get("description"),
        "color": raw.get("color"),
        "icon": icon,
        "isDisabled": bool(raw.get("isDisabled")),
        "xmlForm": raw.get("xmlForm"),
        "fields": fields,
        "fieldInstances": [dict(f) for f in fields],
        "transitions": raw.get("transitions"),
        "states": [dict(s) for s in wtype.states],
        "url": "%s/%s/_apis/wit/workItemTypes/%s" % (base, project.id, wtype.name.replace(" ", "%20")),
    }


# --------------------------------------------------------------------------
# rule errors


def flags_text(names):
    """['Required', 'InvalidEmpty'] -> 'required, invalidEmpty' (camelCase)."""
    return ", ".join(n[0].lower() + n[1:] for n in names)


def rule_error(field_ref, field_name, names, message=None):
    """One RuleValidationErrors entry.  `names` are the flags in message order
    (attribute flags first, the invalid status last)."""
    code = 0
    for n in names:
        code |= FLAG_BITS[n]
    if message is None:
        message = "TF401320: Rule Error for field %s. Error code: %s." % (field_name, ", ".join(names))
    return {"fieldReferenceName": field_ref, "fieldStatusFlags": flags_text(names),
            "errorMessage": message, "fieldStatusCode": code, "ruleValidationErrors": None}


def required_empty(f):
    return rule_error(f.ref, f.name, ["Required", "InvalidEmpty"])


def not_in_list(f, value, required=False):
    """[3P, observed live] "The field 'State' contains the value 'X' that is
    not in the list of supported values" (no final period), flags
    "required, hasValues, limitedToValues, invalidListValue"."""
    names = (["Required"] if required else []) + ["HasValues", "LimitedToValues", "InvalidListValue"]
    return rule_error(f.ref, f.name, names,
                      "The field '%s' contains the value '%s' that is not in the list of supported "
                      "values" % (f.name, value))


def invalid_type(f):
    return rule_error(f.ref, f.name, ["InvalidType"])  # [unverified]


def too_long(f):
    return rule_error(f.ref, f.name, ["InvalidTooLong"])  # [unverified]


def read_only(f):
    """[3P, observed live] TF401326: Invalid field status 'ReadOnly' for field
    'System.BoardColumn'.  Sent as a RuleValidationException [unverified]."""
    return rule_error(f.ref, f.name, ["ReadOnly", "InvalidNotOldValue"],
                      "TF401326: Invalid field status 'ReadOnly' for field '%s'." % f.ref)


def unknown_identity(f, value):
    """[MS-obs] azure-devops-cli-extension#272; sent as a RuleValidationException
    with customProperties [unverified]."""
    return rule_error(f.ref, f.name, ["HasValues", "LimitedToValues", "InvalidListValue"],
                      "The identity value '%s' for field '%s' is an unknown identity." % (value, f.name))
