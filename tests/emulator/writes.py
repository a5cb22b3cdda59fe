"""Work item writes of the Azure DevOps emulator (no sockets here).

Routes (wired in api.py; api-version 7.1, comments also 7.1-preview.N):
  POST   /{org}/{project}/_apis/wit/workitems/${type}   JSON Patch  ?validateOnly&bypassRules&suppressNotifications&$expand
  PATCH  /{org}[/{project}]/_apis/wit/workitems/{id}     JSON Patch  (same flags)
  DELETE /{org}[/{project}]/_apis/wit/workitems/{id}     ?destroy=true
  GET    /{org}/{project}/_apis/wit/recyclebin           ?ids=
  GET|PATCH|DELETE /{org}[/{project}]/_apis/wit/recyclebin/{id}   PATCH body {"isDeleted": false} restores
  GET    /{org}/{project}/_apis/wit/workitemtypes[/{type}[/states | /fields[/{field}]]]
  GET    /{org}[/{project}]/_apis/wit/workItems/{id}/comments   ?$top&continuationToken&order&includeDeleted
  POST   /{org}[/{project}]/_apis/wit/workItems/{id}/comments   {"text": "…"}
  GET    /{org}[/{project}]/_apis/wit/workItems/{id}/comments/{commentId}

Semantics (real service behaviour as far as docs/azure-devops-api.md and the
recorded examples show it; guesses are marked [unverified] here and in the
README):
  * A patch is applied to a draft in order; any failure raises before anything
    is stored, so a failed patch changes nothing (also on linked items).  The
    store lock is held from reading the item to committing it, so concurrent
    writes serialize and a `test /rev` is race-free.
  * Each successful create/update is one revision: rev+1, System.ChangedBy =
    the caller, System.ChangedDate = now (strictly increasing).  A patch that
    changes nothing stores nothing and answers the item as it is.  Adding or
    removing a link also gives the item at the other end a revision.
  * System.History (in a patch, or POST …/comments) adds a discussion
    comment; it shows in `fields` of the revision that wrote it only (like
    the recorded PATCH examples).
  * The parent is the Hierarchy-Reverse relation and System.Parent mirrors it
    (System.Parent itself is read-only: TF401326).
  * validateOnly: a create answers the would-be work item with id -1; an
    update answers the work item unchanged (PATCH …_validate_only.json).
    Nothing is stored either way, but every rule is checked.
  * Delete moves to the recycle bin: the item stops matching WIQL and
    batches, its children lose their System.Parent (given back on restore);
    destroy=true (or DELETE …/recyclebin/{id}) removes it and every link to
    it for good.
"""

import base64
import json
import re
import time
from urllib.parse import unquote

import api
import rules
import store as store_mod
from store import Identity, Stamp, format_stamp, parse_date

PATCH_TYPE = "application/json-patch+json"
EVENT_WIT = 3200
MAX_STRING = 255
COMMENTS_PAGE = 200

HIER_REVERSE = "System.LinkTypes.Hierarchy-Reverse"
HIER_FORWARD = "System.LinkTypes.Hierarchy-Forward"
# work item link types: canonical name -> (reverse end, attributes.name)
WI_LINKS = {
    HIER_FORWARD: (HIER_REVERSE, "Child"),
    HIER_REVERSE: (HIER_FORWARD, "Parent"),
    "System.LinkTypes.Related": ("System.LinkTypes.Related", "Related"),
    "System.LinkTypes.Dependency-Forward": ("System.LinkTypes.Dependency-Reverse", "Successor"),
    "System.LinkTypes.Dependency-Reverse": ("System.LinkTypes.Dependency-Forward", "Predecessor"),
    "System.LinkTypes.Duplicate-Forward": ("System.LinkTypes.Duplicate-Reverse", "Duplicate"),
    "System.LinkTypes.Duplicate-Reverse": ("System.LinkTypes.Duplicate-Forward", "Duplicate Of"),
}
EXTERNAL_LINKS = ("Hyperlink", "ArtifactLink", "AttachedFile")
LINK_TYPES = {n.casefold(): n for n in list(WI_LINKS) + list(EXTERNAL_LINKS)}
_WI_URL = re.compile(r"/_apis/wit/workitems/(\d+)/?$", re.IGNORECASE)
_NAME_EMAIL = re.compile(r"^(.*?)\s*<\s*([^<>]*?)\s*>\s*$")

FIELD_ORDER = ["System.AreaPath", "System.TeamProject", "System.IterationPath", "System.WorkItemType",
               "System.State", "System.Reason", "System.AssignedTo", "System.CreatedDate",
               "System.CreatedBy", "System.ChangedDate", "System.ChangedBy", "System.Title"]


# --------------------------------------------------------------------------
# errors


def _rule_exc(errors):
    """400 RuleValidationException with customProperties.RuleValidationErrors
    (docs §5.3); the message is the first error's."""
    if isinstance(errors, dict):
        errors = [errors]
    return api.ApiError(400, errors[0]["errorMessage"], "RuleValidationException", EVENT_WIT,
                        custom={"RuleValidationErrors": errors})


def _not_found(ident):
    return api.ApiError(404, "TF401232: Work item %d does not exist, or you do not have permissions "
                        "to read it." % ident, "WorkItemUnauthorizedAccessException", EVENT_WIT)


def _bad_patch(message=None):
    # [3P] VSS wording for a missing / unparsable patch document
    return api.ApiError(400, message or "You must pass a valid patch document in the body of the request.",
                        "VssPropertyValidationException")


def _patch_failed(message):
    return api.ApiError(400, message, "PatchOperationFailedException")  # [unverified] wording


def _type_not_found(name):
    return api.ApiError(404, "VS402323: Work item type %s does not exist." % name,  # [unverified]
                        "WorkItemTypeNotFoundException", EVENT_WIT)


def _tree_error(ident, ref):
    return api.ApiError(400, "TF401347: Invalid tree name given for work item %d, field '%s'."
                        % (ident, ref), "WorkItemFieldInvalidTreeNameException", EVENT_WIT)


# --------------------------------------------------------------------------
# helpers


def now_stamp():
    """Now, millisecond precision (the service keeps milliseconds)."""
    return Stamp(int(time.time() * 1000) * 1000)


def us_date(us):
    """'1/11/2017 11:18:16 PM' — the WorkItemDelete.deletedDate form of the
    recorded recycle-bin examples."""
    t = time.gmtime(int(us) // 1_000_000)
    h = t.tm_hour % 12 or 12
    return "%d/%d/%d %d:%02d:%02d %s" % (t.tm_mon, t.tm_mday, t.tm_year, h, t.tm_min, t.tm_sec,
                                        "AM" if t.tm_hour < 12 else "PM")


def caller(store, unique):
    ident = store.identity_by_unique(unique) if unique else None
    if ident is None:
        key = (unique or "unknown").casefold()
        ident = store.extra_identities.get(key)
        if ident is None:
            ident = Identity(unique or "unknown", unique or "unknown")
            store.extra_identities[key] = ident
    return ident


def _flags(ctx):
    def flag(name):
        raw = ctx.req.param(name)
        if raw is None or raw.strip() == "":
            return False
        v = raw.strip().casefold()
        if v not in ("true", "false"):
            raise api.ApiError(400, "Invalid value '%s' for parameter '%s'." % (raw, name), "ArgumentException")
        return v == "true"
    return flag("validateOnly"), flag("bypassRules"), flag("suppressNotifications")


def _expand(ctx):
    raw = (ctx.req.param("$expand") or "none").strip().casefold()
    if raw not in api.EXPANDS:
        raise api.ApiError(400, "The value '%s' is not valid for parameter $expand. Valid values are "
                           "None, Relations, Fields, Links, All." % raw, "ArgumentException")
    return raw


def patch_body(ctx):
    ctype = (ctx.req.headers.get("Content-Type") or "").split(";")[0].strip().casefold()
    if ctype != PATCH_TYPE:
        raise api.ApiError(415, 'The request indicated a Content-Type of "%s" for method type "%s" which '
                           "is not supported. Valid content types for this method are: "
                           "application/json-patch+json." % (ctype or "(none)", ctx.req.method),
                           "VssRequestContentTypeNotSupportedException")
    try:
        ops = json.loads(ctx.req.body.decode("utf-8-sig")) if ctx.req.body.strip() else None
    except (ValueError, UnicodeDecodeError):
        ops = None
    if not isinstance(ops, list) or not ops or not all(
            isinstance(o, dict) and isinstance(o.get("op"), str) and isinstance(o.get("path"), str)
            for o in ops):
        raise _bad_patch()
    return ops


def _identity_maps(store):
    maps = getattr(store, "_ident_maps", None)
    if maps is None:
        by_unique, by_display, by_id = {}, {}, {}
        for i in store.identities:
            by_unique[i.unique_cf] = i
            by_display.setdefault(i.display_cf, []).append(i)
            by_id[i.id.casefold()] = i
        maps = store._ident_maps = (by_unique, by_display, by_id)
    return maps


def resolve_identity(store, text):
    """An identity for 'Display Name', 'unique@name', 'Display <unique>' or
    'Display<unique>' (case-insensitive), or None."""
    by_unique, by_display, by_id = _identity_maps(store)
    text = text.strip()
    m = _NAME_EMAIL.match(text)
    if m and m.group(2):
        got = by_unique.get(m.group(2).casefold())
        if got is not None:
            return got
        text = m.group(1)
    key = text.casefold()
    if key in by_unique:
        return by_unique[key]
    found = by_display.get(key)
    if found and len(found) == 1:
        return found[0]
    return by_id.get(key)


def _known_tags(store):
    if store.known_tags is None:
        known = {}
        for t in store_mod.TAGS:
            known.setdefault(t.casefold(), t)
        for it in store.items:
            tags = it.fields.get("System.Tags")
            if tags:
                for t in tags.split(";"):
                    t = t.strip()
                    if t:
                        known.setdefault(t.casefold(), t)
        store.known_tags = known
    return store.known_tags


def split_tags(text):
    out, seen = [], set()
    for t in str(text).split(";"):
        t = t.strip()
        if t and t.casefold() not in seen:
            seen.add(t.casefold())
            out.append(t)
    return out


# --------------------------------------------------------------------------
# the draft a patch is applied to


class Draft:
    def __init__(self, store, wtype, project, item=None, bypass=False):
        self.store = store
        self.item = item
        self.new = item is None
        self.id = item.id if item else -1
        self.wtype = wtype
        self.project = project
        self.bypass = bypass
        self.fields = dict(item.fields) if item else {}
        self.fields.pop("System.History", None)
        self.rels = [dict(e) for e in store.relation_entries(item)] if item else []
        self.set_refs = set()
        self.history = None

    # -- ops -------------------------------------------------------------

    def apply(self, op):
        name = op["op"].strip().casefold()
        path = op["path"].strip()
        low = path.casefold()
        value = op.get("value")
        if low in ("/rev", "/id"):
            if name != "test":
                raise _rule_exc(rules.read_only(self.store.catalogue.resolve("System." + path[1:].title())))
            current = self.item.rev if (low == "/rev" and self.item) else (self.id if low == "/id" else 0)
            if not _equal_scalar(current, value):
                raise _test_failed(path, current, value)
            return
        if low.startswith("/fields/"):
            fname = unquote(path[len("/fields/"):])
            f = self.store.catalogue.resolve(fname)
            if f is None:
                raise api.ApiError(400, "TF51535: Cannot find field %s." % fname,
                                   "WorkItemFieldInvalidException", EVENT_WIT)
            if name in ("add", "replace"):
                self.set_field(f, value)
            elif name == "remove":
                self.set_field(f, None)
            elif name == "test":
                current = self.fields.get(f.ref)
                rendered = self.store.render_value(current, "") if current is not None else None
                if isinstance(rendered, dict):
                    rendered = rendered.get("uniqueName")
                if not _equal_scalar(rendered, value):
                    raise _test_failed(path, rendered, value)
            else:
                raise _patch_failed("The patch operation '%s' is not supported for path '%s'." % (op["op"], path))
            return
        if low == "/relations" or low.startswith("/relations/"):
            self.apply_relation(name, path, low, value)
            return
        if low.startswith("/multilinefieldsformat/"):
            return  # accepted (html/markdown choice of a long-text field), not modelled
        raise api.ApiError(400, "The path '%s' is not valid for a work item patch." % path,  # [unverified]
                           "InvalidPatchFieldNameException")

    def set_field(self, f, value):
        ref = f.ref
        if ref in rules.ALWAYS_READ_ONLY or (ref in rules.BYPASS_WRITABLE and not self.bypass):
            raise _rule_exc(rules.read_only(f))
        empty = value is None or (isinstance(value, str) and value.strip() == "")
        if ref == "System.History":
            self.history = None if empty else _text(f, value)
            return
        self.set_refs.add(ref)
        if empty:
            self.fields.pop(ref, None)
            return
        if ref == "System.WorkItemType":
            t = rules.process_of(self.store).get(str(value))
            if t is None:
                raise _rule_exc(rules.not_in_list(f, value))
            self.wtype = t
            self.fields[ref] = t.name
            return
        if ref == "System.TeamProject":
            p = self.store.project(str(value).strip())
            if p is None:
                raise _rule_exc(rules.not_in_list(f, value))
            self.project = p
            self.fields[ref] = p.name
            return
        if ref == "System.Tags":
            self.fields[ref] = value if isinstance(value, str) else _text(f, value)
            return
        self.fields[ref] = self.convert(f, value)

    def convert(self, f, value):
        if f.is_identity:
            if isinstance(value, Identity):
                return value
            if isinstance(value, dict):
                text = None
                for k in ("id", "uniqueName", "displayName"):
                    if isinstance(value.get(k), str) and value[k].strip():
                        got = resolve_identity(self.store, value[k])
                        if got is not None:
                            return got
                        text = text or value[k]
                text = text or json.dumps(value)
            elif isinstance(value, str):
                got = resolve_identity(self.store, value)
                if got is not None:
                    return got
                text = value
            else:
                raise _rule_exc(rules.invalid_type(f))
            if self.bypass:
                return text  # stored verbatim, like PATCH …__bypassRules-true.json
            raise _rule_exc(rules.unknown_identity(f, text))
        t = f.type
        if t == "integer":
            if isinstance(value, bool):
                raise _rule_exc(rules.invalid_type(f))
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
                return int(value)
            raise _rule_exc(rules.invalid_type(f))
        if t == "double":
            if isinstance(value, bool):
                raise _rule_exc(rules.invalid_type(f))
            num = None
            if isinstance(value, (int, float)):
                num = value
            elif isinstance(value, str):
                try:
                    num = float(value)
                except ValueError:
                    num = None
            if num is None or num != num or num in (float("inf"), float("-inf")):
                raise _rule_exc(rules.invalid_type(f))
            return int(num) if float(num).is_integer() else float(num)
        if t == "dateTime":
            parsed = parse_date(value) if isinstance(value, str) else None
            if parsed is None:
                raise _rule_exc(rules.invalid_type(f))
            return parsed[0]
        if t == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().casefold() in ("true", "false"):
                return value.strip().casefold() == "true"
            raise _rule_exc(rules.invalid_type(f))
        text = _text(f, value)
        if t == "string" and len(text) > MAX_STRING:
            raise _rule_exc(rules.too_long(f))
        return text

    def apply_relation(self, name, path, low, value):
        if low == "/relations/-" or (low == "/relations" and name == "add"):
            if name != "add":
                raise _patch_failed("The patch operation '%s' is not supported for path '%s'." % (name, path))
            self.add_relation(value)
            return
        m = re.fullmatch(r"/relations/(\d+)(/attributes/([^/]+))?", low)
        if not m:
            raise api.ApiError(400, "The path '%s' is not valid for a work item patch." % path,
                               "InvalidPatchFieldNameException")
        index = int(m.group(1))
        if index >= len(self.rels):
            raise _patch_failed("The relation at index %d does not exist." % index)  # [unverified]
        if m.group(2):
            attr = path.rsplit("/", 1)[-1]
            entry = dict(self.rels[index])
            attrs = dict(entry.get("attributes") or {})
            if attr.casefold() in ("islocked", "name"):
                raise _patch_failed("The attribute '%s' of a relation is read-only." % attr)
            if name in ("add", "replace"):
                attrs[attr] = value
            elif name == "remove":
                attrs.pop(attr, None)
            else:
                raise _patch_failed("The patch operation '%s' is not supported for path '%s'." % (name, path))
            entry["attributes"] = attrs
            self.rels[index] = entry
            return
        if name == "remove":
            del self.rels[index]
        elif name == "replace":
            del self.rels[index]
            self.add_relation(value)
        else:
            raise _patch_failed("The patch operation '%s' is not supported for path '%s'." % (name, path))

    def add_relation(self, value):
        store = self.store
        if not isinstance(value, dict) or not isinstance(value.get("rel"), str) \
                or not isinstance(value.get("url"), str) or not value["url"].strip():
            raise _bad_patch("The relation value must be an object with rel and url.")  # [unverified]
        rel = LINK_TYPES.get(value["rel"].strip().casefold())
        if rel is None:
            raise api.ApiError(400, "The link type '%s' is not recognized." % value["rel"],  # [unverified]
                               "ArgumentException")
        given = value.get("attributes") if isinstance(value.get("attributes"), dict) else {}
        if rel in EXTERNAL_LINKS:
            attrs = {k: v for k, v in given.items() if k.casefold() not in ("islocked", "name")}
            self.rels.append({"rel": rel, "url": value["url"].strip(), "attributes": attrs})
            return
        m = _WI_URL.search(value["url"].strip())
        if not m:
            raise api.ApiError(400, "The url '%s' is not a work item url." % value["url"],  # [unverified]
                               "ArgumentException")
        tid = int(m.group(1))
        target = store.by_id.get(tid)
        if target is None or target.deleted:
            raise api.ApiError(404, "TF401232: Work item %d does not exist, or you do not have permissions "
                               "to read it." % tid, "WorkItemLinkEndUnauthorizedAccessException", EVENT_WIT)
        if tid == self.id:
            raise _circular(rel, self.id, tid)
        for e in self.rels:
            if e["rel"] == rel and e.get("id") == tid:
                raise api.ApiError(400, "TF201036: You cannot add a %s link between work items %d and %d "
                                   "because the link already exists." % (WI_LINKS[rel][1], self.id, tid),
                                   "WorkItemLinkAlreadyExistsException", EVENT_WIT)  # [unverified]
        if rel == HIER_REVERSE:
            if any(e["rel"] == HIER_REVERSE for e in self.rels):
                raise api.ApiError(400, "TF201036: You cannot add a Parent link between work items %d and %d "
                                   "because a work item can have only one Parent link." % (self.id, tid),
                                   "WorkItemLinkAddExtraParentException", EVENT_WIT)
            if not self.new and self._is_descendant(tid):
                raise _circular(rel, self.id, tid)
        elif rel == HIER_FORWARD:
            parent = target.fields.get("System.Parent")
            p = store.by_id.get(parent) if parent is not None else None
            if p is not None and not p.deleted and parent != self.id:
                raise api.ApiError(400, "TF201036: You cannot add a Child link between work items %d and %d "
                                   "because a work item can have only one Parent link." % (self.id, tid),
                                   "WorkItemLinkAddExtraParentException", EVENT_WIT)
            if self._is_ancestor(tid):
                raise _circular(rel, self.id, tid)
        attrs = {"isLocked": False}
        attrs.update({k: v for k, v in given.items() if k.casefold() not in ("islocked", "name")})
        attrs["name"] = WI_LINKS[rel][1]
        self.rels.append({"rel": rel, "id": tid, "attributes": attrs})

    def _is_descendant(self, tid):
        """Is work item tid below this one (following System.Parent up)?"""
        seen = set()
        cur = self.store.by_id.get(tid)
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            p = cur.fields.get("System.Parent")
            if p == self.id:
                return True
            cur = self.store.by_id.get(p) if p is not None else None
        return False

    def _is_ancestor(self, tid):
        seen = set()
        p = next((e["id"] for e in self.rels if e["rel"] == HIER_REVERSE), None)
        while p is not None and p not in seen:
            if p == tid:
                return True
            seen.add(p)
            cur = self.store.by_id.get(p)
            p = cur.fields.get("System.Parent") if cur is not None else None
        return False


def _text(f, value):
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return str(value)
    raise _rule_exc(rules.invalid_type(f))


def _equal_scalar(current, value):
    if current is None or value is None:
        return current == value
    if isinstance(current, int) and not isinstance(value, bool):
        try:
            return int(str(value).strip()) == current
        except ValueError:
            return False
    return str(current).casefold() == str(value).casefold()


def _test_failed(path, current, value):
    """412 TestPatchOperationFailedException; wording [3P] as seen in public
    client tests ("VS403351: Test Operation for path /rev failed, value 5 was
    not equal to test value 4.")."""
    return api.ApiError(412, "VS403351: Test Operation for path %s failed, value %s was not equal to test "
                        "value %s." % (path, _plain(current), _plain(value)), "TestPatchOperationFailedException")


def _plain(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    return str(v)


def _circular(rel, a, b):
    return api.ApiError(400, "TF201035: You cannot add a %s link between work items %d and %d because it "
                        "would create a circular relationship." % (WI_LINKS.get(rel, ("", rel))[1], a, b),
                        "WorkItemLinkCircularException", EVENT_WIT)  # [unverified]


# --------------------------------------------------------------------------
# validation and commit


def finish(draft, me, now):
    """System fields, defaults, rules.  Raises before anything is stored."""
    store, f = draft.store, draft.fields
    cat = store.catalogue
    wtype = draft.wtype
    old = draft.item.fields if draft.item else {}
    errors = []

    # -- type, project, tree paths ------------------------------------------
    f["System.WorkItemType"] = wtype.name
    f["System.TeamProject"] = draft.project.name
    project_changed = draft.item is not None and draft.item.project is not draft.project
    for ref, canon in (("System.AreaPath", store.area_canon), ("System.IterationPath", store.iteration_canon)):
        value = f.get(ref)
        if value is None:
            if draft.new or project_changed or ref in draft.set_refs:
                f[ref] = draft.project.name  # cleared or not given: the project's root node
            continue
        if ref not in draft.set_refs and not project_changed:
            continue
        path = canon.get(str(value).casefold())
        if path is None or path.split("\\")[0].casefold() != draft.project.name_cf:
            raise _tree_error(draft.id, ref)
        f[ref] = path

    # -- state and reason ---------------------------------------------------
    state_f = cat.resolve("System.State")
    old_state = old.get("System.State")
    type_changed = draft.item is not None and old.get("System.WorkItemType") != wtype.name
    state = f.get("System.State")
    explicit = "System.State" in draft.set_refs
    if state is None:
        if explicit and not draft.bypass:
            errors.append(rules.required_empty(state_f))
        elif draft.new and wtype.initial:
            state = f["System.State"] = wtype.initial[0]
    elif not draft.bypass:
        canon = wtype.canonical_state(state)
        if draft.new:
            if canon is None or canon not in wtype.initial:
                errors.append(rules.not_in_list(state_f, state, required=True))
        elif canon is None:
            if explicit or type_changed:
                errors.append(rules.not_in_list(state_f, state, required=True))
        elif explicit and not type_changed and canon.casefold() != (old_state or "").casefold() \
                and canon not in wtype.allowed_from(old_state):
            errors.append(rules.rule_error(
                state_f.ref, state_f.name,
                ["Required", "HasValues", "LimitedToValues", "AllowsOldValue", "InvalidListValue"]))
        if canon is not None:
            state = f["System.State"] = canon
    state_changed = state is not None and (draft.new or (state or "").casefold() != (old_state or "").casefold())
    if state_changed and "System.Reason" not in draft.set_refs:
        f["System.Reason"] = wtype.reason_for(state, initial=state in wtype.initial)

    # -- required fields and allowed values ---------------------------------
    if not draft.bypass:
        if draft.new:
            for ref, default in rules.DEFAULTS.items():
                if ref in wtype.field_refs and ref not in draft.set_refs and cat.resolve(ref) is not None:
                    f[ref] = default
        for ref in wtype.required:
            if ref == "System.State":
                continue
            fd = cat.resolve(ref)
            if fd is None or (not draft.new and ref not in draft.set_refs):
                continue
            v = f.get(ref)
            if v is None or (isinstance(v, str) and not v.strip()):
                errors.append(rules.required_empty(fd))
        for ref, allowed in rules.ALLOWED.items():
            if ref not in draft.set_refs or f.get(ref) is None:
                continue
            v = f[ref]
            match = next((a for a in allowed if (a == v if isinstance(a, int)
                                                 else str(a).casefold() == str(v).casefold())), None)
            if match is None:
                errors.append(rules.not_in_list(cat.resolve(ref), v, required=ref in wtype.required))
            else:
                f[ref] = match
    elif draft.new:
        for ref, default in rules.DEFAULTS.items():
            if ref in wtype.field_refs and ref not in draft.set_refs and cat.resolve(ref) is not None:
                f[ref] = default
    if errors:
        raise _rule_exc(errors)

    # -- tags ----------------------------------------------------------------
    new_tags = []
    if "System.Tags" in draft.set_refs and f.get("System.Tags") is not None:
        known = _known_tags(store)
        tags = []
        for t in split_tags(f["System.Tags"]):
            spelled = known.get(t.casefold())
            if spelled is None:
                new_tags.append(t)
                spelled = t
            tags.append(spelled)
        if new_tags and not store.tag_create:
            raise api.ApiError(403, "TF401289: The current user does not have permissions to create tags.",
                               "PermissionDeniedException")
        tags.sort(key=lambda s: s.casefold())
        if tags:
            f["System.Tags"] = "; ".join(tags)
        else:
            f.pop("System.Tags", None)

    # -- who and when --------------------------------------------------------
    if draft.new:
        if "System.CreatedBy" not in draft.set_refs:
            f["System.CreatedBy"] = me
        if "System.CreatedDate" not in draft.set_refs:
            f["System.CreatedDate"] = now
    if "System.ChangedBy" not in draft.set_refs:
        f["System.ChangedBy"] = me
    if "System.ChangedDate" not in draft.set_refs:
        changed = now
        prev = old.get("System.ChangedDate")
        if isinstance(prev, int) and changed <= prev:
            changed = Stamp(prev + 1000)
        if draft.new and isinstance(f.get("System.CreatedDate"), int):
            changed = Stamp(max(changed, f["System.CreatedDate"]))
        f["System.ChangedDate"] = changed
    if state_changed:
        _state_side_effects(draft, state, me, f["System.ChangedDate"])
    # System.Parent mirrors the Hierarchy-Reverse relation (touched only when
    # that relation changed, so a value the relation does not show — a parent
    # missing from a fixture — survives unrelated patches)
    parent = next((e["id"] for e in draft.rels if e["rel"] == HIER_REVERSE), None)
    was = next((e["id"] for e in store.relation_entries(draft.item) if e["rel"] == HIER_REVERSE),
               None) if draft.item else None
    if parent != was:
        if parent is None:
            f.pop("System.Parent", None)
        else:
            f["System.Parent"] = parent
    if draft.history:
        f["System.History"] = draft.history
    draft.new_tags = new_tags


def _state_side_effects(draft, state, me, when):
    cat = draft.store.catalogue
    f = draft.fields
    _, category = rules.STATE_STYLE.get(state.casefold(), ("", "InProgress"))

    def put(ref, v):
        if ref not in draft.set_refs and cat.resolve(ref) is not None:
            if v is None:
                f.pop(ref, None)
            else:
                f[ref] = v
    put("Microsoft.VSTS.Common.StateChangeDate", when)
    if category == "Proposed":
        for ref in ("Microsoft.VSTS.Common.ActivatedDate", "Microsoft.VSTS.Common.ActivatedBy",
                    "Microsoft.VSTS.Common.ClosedDate", "Microsoft.VSTS.Common.ClosedBy"):
            put(ref, None)
    elif category == "InProgress":
        put("Microsoft.VSTS.Common.ActivatedDate", when)
        put("Microsoft.VSTS.Common.ActivatedBy", me)
        put("Microsoft.VSTS.Common.ClosedDate", None)
        put("Microsoft.VSTS.Common.ClosedBy", None)
    elif category == "Completed":
        put("Microsoft.VSTS.Common.ClosedDate", when)
        put("Microsoft.VSTS.Common.ClosedBy", me)


def _ordered(fields):
    out = {k: fields[k] for k in FIELD_ORDER if k in fields}
    for k, v in fields.items():
        if k not in out:
            out[k] = v
    return out


def _snapshot(store, it):
    return (it.rev, it.fields, [dict(e) for e in store.relation_entries(it)], it.deleted)


def _remember_base(store, it):
    if it.id not in store.revisions:
        store.revisions[it.id] = [_snapshot(store, it)]


def _record(store, it):
    store.revisions.setdefault(it.id, []).append(_snapshot(store, it))


def _touch(store, other, me, now, change):
    """A revision on the other end of a link: change(fields dict) applied to a
    copy, ChangedBy/ChangedDate/rev moved on."""
    _remember_base(store, other)
    f = dict(other.fields)
    f.pop("System.History", None)
    change(f)
    f["System.ChangedBy"] = me
    prev = f.get("System.ChangedDate")
    f["System.ChangedDate"] = Stamp(max(now, prev + 1000)) if isinstance(prev, int) and now <= prev else now
    other.fields = f
    other.rev += 1
    _record(store, other)


def _set_children(store, parent_id, fn):
    kids = list(store.children.get(parent_id, ()))
    kids = fn(kids)
    if kids:
        store.children[parent_id] = kids
    else:
        store.children.pop(parent_id, None)


def commit(draft, me, now):
    """Stores the draft (store lock held; nothing here can fail).  Returns
    the stored Item and the comment the patch added (or None)."""
    store = draft.store
    f = _ordered(draft.fields)
    old_entries = [dict(e) for e in store.relation_entries(draft.item)] if draft.item else []
    hier_new = [e for e in draft.rels if e["rel"] in (HIER_REVERSE, HIER_FORWARD)]
    links = tuple(e for e in draft.rels if e["rel"] not in (HIER_REVERSE, HIER_FORWARD))

    # -- the item itself ------------------------------------------------------
    if draft.new:
        ident = store.next_id
        store.next_id += 1
        it = store_mod.Item(ident, 1, f, draft.project, links=())
        draft.id = ident
        if "System.Parent" in f:
            pass  # the parent link was validated against id -1; nothing refers to it
    else:
        it = draft.item
        _remember_base(store, it)
        it.fields = f
        it.rev += 1
        it.project = draft.project
    sid = it.id
    # keep links to deleted items (hidden while those are in the recycle bin)
    hidden = tuple(e for e in (it.links or ()) if e.get("id") is not None
                   and (store.by_id.get(e["id"]) is None or store.by_id[e["id"]].deleted))
    it.links = tuple(links) + hidden
    if draft.new:
        store.by_id[sid] = it

    # -- hierarchy (System.Parent mirrors the Hierarchy-Reverse link) --------
    old_parent = next((e["id"] for e in old_entries if e["rel"] == HIER_REVERSE), None)
    new_parent = next((e["id"] for e in hier_new if e["rel"] == HIER_REVERSE), None)
    old_kids = [e["id"] for e in old_entries if e["rel"] == HIER_FORWARD]
    new_kids = [e["id"] for e in hier_new if e["rel"] == HIER_FORWARD]
    notes = store.hier_comments
    parent_entry = next((e for e in hier_new if e["rel"] == HIER_REVERSE), None)
    if parent_entry is not None and "comment" in (parent_entry.get("attributes") or {}):
        notes[sid] = parent_entry["attributes"]["comment"]
    else:
        notes.pop(sid, None)
    touched = []  # (item, change) for the other ends, applied below
    if new_parent != old_parent:
        if old_parent is not None:
            _set_children(store, old_parent, lambda k: [c for c in k if c != sid])
            op = store.by_id.get(old_parent)
            if op is not None and not op.deleted:
                touched.append((op, None))
        if new_parent is not None:
            _set_children(store, new_parent, lambda k: k if sid in k else k + [sid])
            touched.append((store.by_id[new_parent], None))
    for cid in old_kids:
        if cid not in new_kids:
            _set_children(store, sid, lambda k, c=cid: [x for x in k if x != c])
            notes.pop(cid, None)
            child = store.by_id.get(cid)
            if child is not None:
                touched.append((child, lambda x: x.pop("System.Parent", None)))
    for e in hier_new:
        if e["rel"] != HIER_FORWARD:
            continue
        cid = e["id"]
        if "comment" in (e.get("attributes") or {}):
            notes[cid] = e["attributes"]["comment"]
        else:
            notes.pop(cid, None)
        if cid in old_kids:
            continue
        child = store.by_id[cid]
        prev_parent = child.fields.get("System.Parent")
        if prev_parent is not None and prev_parent != sid:  # a deleted parent's stale entry
            _set_children(store, prev_parent, lambda k, c=cid: [x for x in k if x != c])
        _set_children(store, sid, lambda k, c=cid: k if c in k else k + [c])
        touched.append((child, lambda x, s=sid: x.__setitem__("System.Parent", s)))
    for other, change in touched:
        _touch(store, other, me, now, change or (lambda x: None))

    # -- other work item links (both ends) -----------------------------------
    def key(e):
        return (e["rel"], e.get("id"), e.get("url"))
    old_links = {key(e): e for e in old_entries if e["rel"] not in (HIER_REVERSE, HIER_FORWARD)}
    new_links = {key(e): e for e in links}
    for k, e in old_links.items():
        if e.get("id") is not None and (k not in new_links or new_links[k].get("attributes") != e.get("attributes")):
            _mirror(store, e, sid, me, now, remove=k not in new_links,
                    attrs=(new_links.get(k) or {}).get("attributes"))
    for k, e in new_links.items():
        if e.get("id") is not None and k not in old_links:
            _mirror(store, e, sid, me, now, remove=False, attrs=e.get("attributes"))

    comment = None
    if draft.history:
        comment = add_comment(store, sid, draft.history, me, f["System.ChangedDate"])
    for t in getattr(draft, "new_tags", ()):
        _known_tags(store).setdefault(t.casefold(), t)
    if draft.new:
        store.items.append(it)  # last: a concurrent WIQL sees it complete or not at all
    _record(store, it)
    return it, comment


def _mirror(store, entry, sid, me, now, remove, attrs=None):
    """Adds / removes / updates the reverse end of a work item link."""
    target = store.by_id.get(entry["id"])
    if target is None:
        return
    reverse, name = WI_LINKS[entry["rel"]]
    rev_attrs = dict(attrs or {})
    rev_attrs["name"] = WI_LINKS[reverse][1]
    rev_attrs.setdefault("isLocked", False)

    def change(_f):
        kept = [e for e in (target.links or ()) if not (e["rel"] == reverse and e.get("id") == sid)]
        if not remove:
            ordered = {"isLocked": rev_attrs.pop("isLocked")}
            ordered.update(rev_attrs)
            kept.append({"rel": reverse, "id": sid, "attributes": ordered})
        target.links = tuple(kept)
    if target.deleted:
        change(None)
        return
    _touch(store, target, me, now, change)


# --------------------------------------------------------------------------
# comments


def add_comment(store, wid, text, me, when):
    cid = store.next_comment_id
    store.next_comment_id += 1
    c = {"id": cid, "workItemId": wid, "version": 1, "text": text, "createdBy": me, "createdDate": when,
         "modifiedBy": me, "modifiedDate": when, "isDeleted": False}
    store.comments[wid] = store.comments.get(wid, []) + [c]
    return c


def render_comment(store, c, base):
    it = store.by_id.get(c["workItemId"])
    scope = "%s/%s" % (base, it.project.id) if it is not None else base
    return {
        "workItemId": c["workItemId"],
        "id": c["id"],
        "version": c["version"],
        "text": c["text"],
        "createdBy": store.render_value(c["createdBy"], base),
        "createdDate": format_stamp(c["createdDate"]),
        "modifiedBy": store.render_value(c["modifiedBy"], base),
        "modifiedDate": format_stamp(c["modifiedDate"]),
        "isDeleted": c["isDeleted"],
        "url": "%s/_apis/wit/workItems/%d/comments/%d" % (scope, c["workItemId"], c["id"]),
    }


def _comment_ref(store, c, base):
    full = render_comment(store, c, base)
    return {"commentId": c["id"], "version": c["version"], "url": full["url"]}


# --------------------------------------------------------------------------
# rendering


def render_item(ctx, it, expand="none", comment=None):
    """A WorkItem as create/update answer it: fields, relations (when there
    are any — the recorded PATCH examples have them without $expand),
    _links, url (+ commentVersionRef when the patch added a comment)."""
    store = ctx.store
    out = {"id": it.id, "rev": it.rev, "fields": store.render_fields(it, ctx.base)}
    rels = store.relations(it, ctx.base)
    if rels:
        out["relations"] = rels
    url = store.item_url(it, ctx.base)
    out["_links"] = {
        "self": {"href": url},
        "workItemUpdates": {"href": url + "/updates"},
        "workItemRevisions": {"href": url + "/revisions"},
        "workItemComments": {"href": url + "/comments"},
        "html": {"href": "%s/web/wi.aspx?pcguid=%s&id=%d" % (ctx.base, api.COLLECTION_ID, it.id)},
        "workItemType": {"href": "%s/%s/_apis/wit/workItemTypes/%s" % (
            ctx.base, it.project.id, (it.fields.get("System.WorkItemType") or "").replace(" ", "%20"))},
        "fields": {"href": "%s/%s/_apis/wit/fields" % (ctx.base, it.project.id)},
    }
    out["url"] = url
    if comment is not None:
        out["commentVersionRef"] = _comment_ref(store, comment, ctx.base)
    return out


def _ident_text(v):
    if isinstance(v, Identity):
        return v.text
    return str(v) if v is not None else ""


# --------------------------------------------------------------------------
# handlers: create / update


def _type_from_path(ctx):
    raw = ctx.segs[-1]
    name = raw[1:] if raw.startswith("$") else raw
    return name


def post_workitem(ctx):
    if ctx.project is None:
        raise api.ApiError(404, "The controller for path '%s' was not found or does not implement "
                           "IController." % ctx.req.path, "HttpException")
    name = _type_from_path(ctx)
    wtype = rules.process_of(ctx.store).get(name)
    if wtype is None:
        raise _type_not_found(name)
    validate_only, bypass, _ = _flags(ctx)
    expand = _expand(ctx)
    ops = patch_body(ctx)
    store = ctx.store
    with store.lock:
        me = caller(store, ctx.unique)
        draft = Draft(store, wtype, ctx.project, bypass=bypass)
        for op in ops:
            draft.apply(op)
        now = now_stamp()
        finish(draft, me, now)
        if validate_only:
            temp = store_mod.Item(-1, 1, _ordered(draft.fields), draft.project,
                                  links=tuple(e for e in draft.rels
                                              if e["rel"] not in (HIER_REVERSE, HIER_FORWARD)))
            return api.json_response(render_item(ctx, temp, expand))
        it, comment = commit(draft, me, now)
        return api.json_response(render_item(ctx, it, expand, comment))


def _type_of(store, it):
    """The item's type; one the process lacks (a fixture's) gets an empty
    definition: no states to move to, no required fields."""
    name = it.fields.get("System.WorkItemType") or ""
    return rules.process_of(store).get(name) or rules.WorkItemType({"name": name, "transitions": {}})


def _item_id(ctx, raw):
    try:
        return int(raw)
    except ValueError:
        raise api.ApiError(400, "The work item id '%s' is not valid." % raw, "ArgumentException")


def patch_workitem(ctx):
    ident = _item_id(ctx, ctx.segs[2])
    validate_only, bypass, _ = _flags(ctx)
    expand = _expand(ctx)
    ops = patch_body(ctx)
    store = ctx.store
    with store.lock:
        it = store.by_id.get(ident)
        if it is None or it.deleted:
            raise _not_found(ident)
        wtype = _type_of(store, it)
        me = caller(store, ctx.unique)
        draft = Draft(store, wtype, it.project, item=it, bypass=bypass)
        for op in ops:
            draft.apply(op)
        now = now_stamp()
        finish(draft, me, now)
        if validate_only:
            return api.json_response(render_item(ctx, it, expand))
        if _no_change(store, draft, it):
            return api.json_response(render_item(ctx, it, expand))
        it, comment = commit(draft, me, now)
        return api.json_response(render_item(ctx, it, expand, comment))


_VOLATILE = {"System.ChangedDate", "System.ChangedBy", "System.History", "System.Reason",
             "Microsoft.VSTS.Common.StateChangeDate"}


def _no_change(store, draft, it):
    if draft.history:
        return False
    a = {k: v for k, v in draft.fields.items() if k not in _VOLATILE}
    b = {k: v for k, v in it.fields.items() if k not in _VOLATILE}
    if a != b or draft.project is not it.project:
        return False
    if draft.fields.get("System.Reason") != it.fields.get("System.Reason") and \
            "System.Reason" in draft.set_refs:
        return False
    old = [(e["rel"], e.get("id"), e.get("url"), e.get("attributes")) for e in store.relation_entries(it)]
    new = [(e["rel"], e.get("id"), e.get("url"), e.get("attributes")) for e in draft.rels]
    return old == new


# --------------------------------------------------------------------------
# delete, recycle bin, restore, destroy


def _recycle_record(store, it):
    rec = store.recycle.get(it.id)
    if rec is None:  # deleted in the seed data
        f = it.fields
        changed = f.get("System.ChangedDate") or 0
        rec = {"by": f.get("System.ChangedBy"), "date": Stamp(changed + 86_400 * 1_000_000), "detached": []}
        store.recycle[it.id] = rec
    return rec


def render_delete(ctx, it, rec, url_kind="recycleBin", resource=True):
    store = ctx.store
    f = it.fields
    out = {"id": it.id, "code": 200, "type": f.get("System.WorkItemType"), "name": f.get("System.Title"),
           "project": it.project.name, "deletedDate": us_date(rec["date"]),
           "deletedBy": _ident_text(rec["by"])}
    if url_kind == "recycleBin":
        out["url"] = "%s/_apis/wit/recycleBin/%d" % (ctx.base, it.id)
    else:
        out["url"] = "%s/_apis/wit/workItems/%d" % (ctx.base, it.id)
    if resource:
        out["resource"] = render_item(ctx, it)
    return out


def delete_workitem(ctx):
    ident = _item_id(ctx, ctx.segs[2])
    destroy = ctx.req.param("destroy")
    destroy = destroy is not None and destroy.strip().casefold() == "true"
    store = ctx.store
    with store.lock:
        it = store.by_id.get(ident)
        if it is None or (it.deleted and not destroy):
            raise _not_found(ident)
        me = caller(store, ctx.unique)
        now = now_stamp()
        if destroy:
            rec = {"by": me, "date": now, "detached": []}
            body = render_delete(ctx, it, rec)
            _destroy(store, it)
            return api.json_response(body)
        _soft_delete(store, it, me, now)
        return api.json_response(render_delete(ctx, it, store.recycle[it.id]))


def _soft_delete(store, it, me, now):
    detached = []
    for cid in list(store.children.get(it.id, ())):
        c = store.by_id.get(cid)
        if c is not None and c.fields.get("System.Parent") == it.id:
            f = dict(c.fields)
            f.pop("System.Parent", None)
            c.fields = f
            detached.append(cid)
    store.recycle[it.id] = {"by": me, "date": now, "detached": detached}
    it.deleted = True


def _restore(store, it):
    rec = _recycle_record(store, it)
    it.deleted = False
    for cid in rec.get("detached", ()):
        c = store.by_id.get(cid)
        if c is not None and c.fields.get("System.Parent") is None:
            f = dict(c.fields)
            f["System.Parent"] = it.id
            c.fields = f
            _set_children(store, it.id, lambda k, x=cid: k if x in k else k + [x])
    store.recycle.pop(it.id, None)


def _destroy(store, it):
    sid = it.id
    store.items = [x for x in store.items if x.id != sid]
    store.by_id.pop(sid, None)
    parent = it.fields.get("System.Parent")
    if parent is not None:
        _set_children(store, parent, lambda k: [c for c in k if c != sid])
    for cid in store.children.pop(sid, []):
        c = store.by_id.get(cid)
        if c is not None and c.fields.get("System.Parent") == sid:
            f = dict(c.fields)
            f.pop("System.Parent", None)
            c.fields = f
    for e in it.links or ():
        other = store.by_id.get(e.get("id")) if e.get("id") is not None else None
        if other is not None:
            other.links = tuple(x for x in other.links or () if x.get("id") != sid)
    store.comments.pop(sid, None)
    store.revisions.pop(sid, None)
    store.recycle.pop(sid, None)
    store.hier_comments.pop(sid, None)


def get_recyclebin(ctx):
    store = ctx.store
    raw_ids = ctx.req.param("ids")
    if raw_ids is not None:
        ids = api._parse_ids(raw_ids)
        value = []
        for i in ids:
            it = store.by_id.get(i)
            if it is None or not it.deleted:
                value.append({"id": i, "code": 404, "message": "TF401232: Work item %d does not exist, or you "
                              "do not have permissions to read it." % i})
                continue
            value.append(render_delete(ctx, it, _recycle_record(store, it), resource=False))
        return api.json_response({"count": len(value), "value": value})
    if ctx.project is None:
        raise api.ApiError(404, "The controller for path '%s' was not found or does not implement "
                           "IController." % ctx.req.path, "HttpException")
    value = [{"id": it.id, "url": "%s/_apis/wit/recycleBin/%d" % (ctx.base, it.id)}
             for it in store.items if it.deleted and it.project is ctx.project]
    return api.json_response({"count": len(value), "value": value})


def recyclebin_item(ctx):
    ident = _item_id(ctx, ctx.segs[2])
    store = ctx.store
    method = ctx.req.method
    if method == "PATCH":
        body = api._json_body(ctx, "payload")
        if body.get("isDeleted") is not False:
            raise api.ApiError(400, "The restore request is not valid: set isDeleted to false to restore a "
                               "work item.", "WorkItemInvalidRestoreRequestException", EVENT_WIT)  # [unverified]
    with store.lock:
        it = store.by_id.get(ident)
        if it is None or not it.deleted:
            raise _not_found(ident)
        rec = _recycle_record(store, it)
        if method == "GET":
            return api.json_response(render_delete(ctx, it, rec))
        if method == "DELETE":
            _destroy(store, it)
            return api.Response(204, b"", None)
        _restore(store, it)
        return api.json_response(render_delete(ctx, it, rec, url_kind="workItems"))


# --------------------------------------------------------------------------
# work item types


def _wtype_or_404(ctx):
    name = ctx.segs[2]
    t = rules.process_of(ctx.store).get(name)
    if t is None:
        raise _type_not_found(name)
    return t


def _need_project(ctx):
    if ctx.project is None:
        raise api.ApiError(404, "The controller for path '%s' was not found or does not implement "
                           "IController." % ctx.req.path, "HttpException")


def get_workitemtypes(ctx):
    _need_project(ctx)
    proc = rules.process_of(ctx.store)
    value = [rules.render_type(ctx.store, proc.get(n), ctx.base, ctx.project) for n in proc.order]
    return api.json_response({"count": len(value), "value": value})


def get_workitemtype(ctx):
    _need_project(ctx)
    out = rules.render_type(ctx.store, _wtype_or_404(ctx), ctx.base, ctx.project)
    url = out.pop("url")
    out["_links"] = {"self": {"href": url}}   # the single-type example has it, the list does not
    out["url"] = url
    return api.json_response(out)


def get_workitemtype_states(ctx):
    _need_project(ctx)
    t = _wtype_or_404(ctx)
    value = [dict(s) for s in t.states]
    return api.json_response({"count": len(value), "value": value})


def get_workitemtype_fields(ctx):
    _need_project(ctx)
    t = _wtype_or_404(ctx)
    expand = (ctx.req.param("$expand") or "none").strip().casefold()
    if expand not in ("none", "allowedvalues", "dependentfields", "all"):
        raise api.ApiError(400, "The value '%s' is not valid for parameter $expand. Valid values are "
                           "None, AllowedValues, DependentFields, All." % expand, "ArgumentException")
    pairs = rules.type_fields(ctx.store, t)
    if len(ctx.segs) == 5:
        want = ctx.store.catalogue.resolve(ctx.segs[4])
        pair = next((p for p in pairs if want is not None and p[0] == want.ref), None)
        if pair is None:
            raise api.ApiError(404, "TF51535: Cannot find field %s." % ctx.segs[4],
                               "WorkItemFieldInvalidException", EVENT_WIT)
        return api.json_response(rules.field_instance(ctx.store.catalogue, pair[0], ctx.base, pair[1],
                                                      expand, t))
    value = [rules.field_instance(ctx.store.catalogue, ref, ctx.base, inst, expand, t) for ref, inst in pairs]
    return api.json_response({"count": len(value), "value": value})


# --------------------------------------------------------------------------
# comments


def _token(wid, last_id, top, order):
    raw = ("%d:%d:%d:%s" % (wid, last_id, top, order)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _untoken(tok, wid):
    try:
        raw = base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)).decode()
        w, last, top, order = raw.split(":")
        if int(w) != wid or order not in ("asc", "desc"):
            raise ValueError
        return int(last), int(top), order
    except (ValueError, UnicodeDecodeError):
        raise api.ApiError(400, "The continuation token '%s' is not valid." % tok, "ArgumentException")


def comments(ctx):
    wid = _item_id(ctx, ctx.segs[2])
    store = ctx.store
    if ctx.req.method == "POST":
        body = api._json_body(ctx, "request")
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise api.ApiError(400, "Value cannot be null.\r\nParameter name: request.Text",
                               "ArgumentNullException")
        with store.lock:
            it = store.by_id.get(wid)
            if it is None or it.deleted:
                raise _not_found(wid)
            wtype = _type_of(store, it)
            me = caller(store, ctx.unique)
            draft = Draft(store, wtype, it.project, item=it, bypass=True)
            draft.history = text
            now = now_stamp()
            finish(draft, me, now)
            _, comment = commit(draft, me, now)
            return api.json_response(render_comment(store, comment, ctx.base))
    it = store.by_id.get(wid)
    if it is None or it.deleted:
        raise _not_found(wid)
    include_deleted = (ctx.req.param("includeDeleted") or "").strip().casefold() == "true"
    every = [c for c in store.comments.get(wid, ()) if include_deleted or not c["isDeleted"]]
    if len(ctx.segs) == 5:
        cid = _item_id(ctx, ctx.segs[4])
        c = next((c for c in every if c["id"] == cid), None)
        if c is None:
            raise api.ApiError(404, "Comment %d does not exist on work item %d." % (cid, wid),  # [unverified]
                               "WorkItemCommentNotFoundException", EVENT_WIT)
        return api.json_response(render_comment(store, c, ctx.base))
    ids = ctx.req.param("ids")
    if ids is not None:
        wanted = api._parse_ids(ids)
        chosen = [c for c in every if c["id"] in wanted]
        value = [render_comment(store, c, ctx.base) for c in chosen]
        return api.json_response({"totalCount": len(value), "count": len(value), "comments": value})
    tok = ctx.req.param("continuationToken")
    if tok:
        last, top, order = _untoken(tok, wid)
    else:
        top = api._int_param(ctx, "$top", 1) or COMMENTS_PAGE
        top = min(top, COMMENTS_PAGE)
        order = (ctx.req.param("order") or "desc").strip().casefold()
        if order not in ("asc", "desc"):
            raise api.ApiError(400, "The value '%s' is not valid for parameter order. Valid values are "
                               "asc, desc." % ctx.req.param("order"), "ArgumentException")
        last = None
    ordered = sorted(every, key=lambda c: c["id"], reverse=(order == "desc"))
    if last is not None:
        ordered = [c for c in ordered if (c["id"] < last if order == "desc" else c["id"] > last)]
    page = ordered[:top]
    out = {"totalCount": len(every), "count": len(page),
           "comments": [render_comment(store, c, ctx.base) for c in page]}
    if len(ordered) > top:
        nxt = _token(wid, page[-1]["id"], top, order)
        out["nextPage"] = "%s/%s/_apis/wit/workItems/%d/comments?continuationToken=%s&api-version=7.1-preview.4" % (
            ctx.base, it.project.id, wid, nxt)
        out["continuationToken"] = nxt
    return api.json_response(out)


# --------------------------------------------------------------------------
# control-endpoint views (azdo_emulator.py)


def item_state(store, ident, base):
    """GET /_emulator/item/{id}: the current state, deleted ones included."""
    it = store.by_id.get(ident)
    if it is None:
        return None
    return {"id": it.id, "rev": it.rev, "deleted": it.deleted, "project": it.project.name,
            "fields": store.render_fields(it, base),
            "relations": [store.render_relation(e, base) for e in store.relation_entries(it)],
            "links_hidden": len([e for e in it.links or () if e.get("id") is not None
                                 and (store.by_id.get(e["id"]) is None or store.by_id[e["id"]].deleted)]),
            "comments": len(store.comments.get(it.id, ())),
            "revisions": len(store.revisions.get(it.id, ())) or 1}


def revisions(store, ident, base):
    """GET /_emulator/revisions/{id}: every revision the emulator knows (the
    seed state of a generated item counts as one)."""
    it = store.by_id.get(ident)
    if it is None:
        return None
    snaps = store.revisions.get(ident) or [_snapshot(store, it)]
    out = []
    for rev, fields, rels, deleted in snaps:
        tmp = store_mod.Item(ident, rev, fields, it.project)
        out.append({"rev": rev, "fields": store.render_fields(tmp, base),
                    "relations": [store.render_relation(e, base) for e in rels]})
    return {"id": ident, "count": len(out), "revisions": out}
