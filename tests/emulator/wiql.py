"""WIQL (Work Item Query Language) parser and evaluator for the emulator.

Pure: no HTTP, no globals.  parse() turns text into a small AST;
compile_query() resolves fields against a catalogue and builds one Python
predicate per condition; run() filters and sorts items.

Semantics follow docs/azure-devops-api.md §3.1–3.3 (Microsoft's wiql-syntax
page plus observed service behaviour):
  * keywords case-insensitive; fields by reference or friendly name, bracketed
    or (without blanks/periods) bare;
  * string, identity and tree-path comparisons are case-insensitive;
  * an absent field fails every comparison except `<>` / NOT IN / NOT CONTAINS
    against a non-empty literal; `= ''` means "empty or absent";
  * identity values match on display name, unique name or
    "Display Name <unique name>";
  * System.Tags CONTAINS matches a whole tag;
  * without timePrecision=true date literals may not carry a time and
    comparisons use the calendar day; with it, full UTC datetimes;
  * an unknown Area/Iteration path literal is an error (TF51011), not an empty
    result — that is what the service does.

Anything the emulator does not implement (EVER, IN GROUP, ASOF, MODE,
WorkItemLinks, @CurrentIteration, @StartOf…) is rejected with a 400 that says
so, never silently ignored.
"""

import math
import operator
import re

from store import Stamp, Identity, parse_date, US_PER_DAY

MAX_WIQL_LENGTH = 32000
RESULT_LIMIT = 20000


class WiqlError(Exception):
    """A query the service would refuse with HTTP 400."""

    def __init__(self, message, type_key="SyntaxException"):
        super().__init__(message)
        self.message = message
        self.type_key = type_key


def _syntax(message, near=None):
    if near is not None:
        message += " The error is caused by «%s»." % near
    return WiqlError(message, "SyntaxException")


def _query_error(message):
    return WiqlError(message, "QueryException")


# --------------------------------------------------------------------------
# tokenizer

_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_WORD = re.compile(r"[^\W\d][\w.]*", re.UNICODE)
_MACRO = re.compile(r"@[\w]+", re.UNICODE)


class Tok:
    __slots__ = ("kind", "value", "pos", "text")

    def __init__(self, kind, value, pos, text):
        self.kind, self.value, self.pos, self.text = kind, value, pos, text

    def is_kw(self, *words):
        return self.kind == "word" and self.value.casefold() in words

    def __repr__(self):
        return "Tok(%s,%r)" % (self.kind, self.value)


def tokenize(text):
    toks = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c == "[":
            j = text.find("]", i + 1)
            if j < 0:
                raise _syntax("The field name is missing its closing bracket.", text[i:i + 40])
            name = text[i + 1:j]
            if not name.strip():
                raise _syntax("Expecting a field name inside the brackets.", "[]")
            toks.append(Tok("field", name, start, text[i:j + 1]))
            i = j + 1
        elif c in "'\"":
            buf = []
            j = i + 1
            while True:
                if j >= n:
                    raise _syntax("The string literal is not terminated.", text[i:i + 40])
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:  # doubled quote = one quote
                        buf.append(c)
                        j += 2
                        continue
                    break
                buf.append(text[j])
                j += 1
            toks.append(Tok("string", "".join(buf), start, text[i:j + 1]))
            i = j + 1
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            toks.append(Tok("number", m.group(0), start, m.group(0)))
            i = m.end()
        elif c == "@":
            m = _MACRO.match(text, i)
            if not m:
                raise _syntax("Expecting a macro name after '@'.", "@")
            toks.append(Tok("macro", m.group(0)[1:], start, m.group(0)))
            i = m.end()
        elif text.startswith(("<>", "<=", ">=", "!="), i):
            op = text[i:i + 2]
            toks.append(Tok("op", "<>" if op == "!=" else op, start, op))
            i += 2
        elif c in "=<>":
            toks.append(Tok("op", c, start, c))
            i += 1
        elif c in "(),+-":
            toks.append(Tok(c, c, start, c))
            i += 1
        else:
            m = _WORD.match(text, i)
            if not m:
                raise _syntax("Unexpected character '%s'." % c, text[i:i + 20])
            toks.append(Tok("word", m.group(0), start, m.group(0)))
            i = m.end()
    toks.append(Tok("eof", None, n, "<end of query>"))
    return toks


# --------------------------------------------------------------------------
# AST


class FieldRef:
    __slots__ = ("name", "text")

    def __init__(self, name, text):
        self.name, self.text = name, text


class Literal:
    """kind: 'string' | 'number' | 'macro' | 'bool'; offset for @today ± N."""

    __slots__ = ("kind", "value", "text", "offset")

    def __init__(self, kind, value, text, offset=0):
        self.kind, self.value, self.text, self.offset = kind, value, text, offset


class Cond:
    __slots__ = ("field", "op", "values", "text")

    def __init__(self, field, op, values, text):
        self.field, self.op, self.values, self.text = field, op, values, text


class Query:
    def __init__(self, select, source, where, order):
        self.select = select    # [FieldRef]
        self.source = source
        self.where = where      # None | ('and'|'or', [terms]) | ('not', a) | Cond
        self.order = order      # [(FieldRef, descending)]


RESERVED = {"select", "from", "where", "order", "by", "asc", "desc", "and", "or", "not",
            "in", "contains", "under", "asof", "mode", "ever", "was", "is", "empty",
            "words", "group"}


class _Parser:
    def __init__(self, text):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    @property
    def tok(self):
        return self.toks[self.i]

    def next(self):
        t = self.toks[self.i]
        if t.kind != "eof":
            self.i += 1
        return t

    def expect_kw(self, word, message):
        if not self.tok.is_kw(word):
            raise _syntax(message, self.tok.text)
        return self.next()

    def parse(self):
        self.expect_kw("select", "Expecting SELECT at the start of the query.")
        select = [self.field_ref()]
        while self.tok.kind == ",":
            self.next()
            select.append(self.field_ref())
        if not self.tok.is_kw("from"):
            # Verbatim service message (e.g. for "SELECT TOP 5 …").
            raise _syntax("TF51006: The query statement is missing a FROM clause.", self.tok.text)
        self.next()
        src = self.next()
        if src.kind != "word" or src.value.casefold() not in ("workitems", "workitemlinks"):
            raise _syntax("Expecting WorkItems or WorkItemLinks after FROM.", src.text)
        if src.value.casefold() == "workitemlinks":
            raise _query_error("The emulator does not implement link queries (FROM WorkItemLinks); "
                               "only flat queries FROM WorkItems.")
        where = None
        if self.tok.is_kw("where"):
            self.next()
            where = self.expr()
        order = []
        if self.tok.is_kw("order"):
            self.next()
            self.expect_kw("by", "Expecting BY after ORDER.")
            while True:
                f = self.field_ref()
                desc = False
                if self.tok.is_kw("asc", "desc"):
                    desc = self.next().value.casefold() == "desc"
                order.append((f, desc))
                if self.tok.kind != ",":
                    break
                self.next()
        if self.tok.is_kw("asof", "mode"):
            raise _query_error("The emulator does not implement %s clauses." % self.tok.value.upper())
        if self.tok.kind != "eof":
            raise _syntax("Expecting end of query.", self.tok.text)
        return Query(select, src.value, where, order)

    def field_ref(self):
        t = self.tok
        if t.kind == "field":
            self.next()
            return FieldRef(t.value.strip(), t.text)
        if t.kind == "word" and t.value.casefold() not in RESERVED:
            if "." in t.value:
                raise _syntax("Field names that contain periods or blanks must be enclosed in "
                              "square brackets.", t.text)
            self.next()
            return FieldRef(t.value, t.text)
        raise _syntax("Expecting a field name.", t.text)

    # expr := and_expr (OR and_expr)*
    # AND/OR chains become one n-ary node, so a long generated chain
    # ("[Id] = 1 OR [Id] = 2 OR …", up to the 32K limit) is not a deep tree.
    def expr(self):
        terms = [self.and_expr()]
        while self.tok.is_kw("or"):
            self.next()
            terms.append(self.and_expr())
        return terms[0] if len(terms) == 1 else ("or", terms)

    def and_expr(self):
        terms = [self.not_expr()]
        while self.tok.is_kw("and"):
            self.next()
            terms.append(self.not_expr())
        return terms[0] if len(terms) == 1 else ("and", terms)

    def not_expr(self):
        if self.tok.is_kw("not"):
            self.next()
            return ("not", self.not_expr())
        if self.tok.kind == "(":
            self.next()
            inner = self.expr()
            if self.tok.kind != ")":
                raise _syntax("Expecting a closing parenthesis.", self.tok.text)
            self.next()
            return inner
        if self.tok.is_kw("ever"):
            raise _query_error("The emulator does not implement EVER (historical) conditions.")
        return self.condition()

    def condition(self):
        start = self.tok.pos
        field = self.field_ref()
        t = self.tok
        negate = False
        if t.kind == "op":
            self.next()
            op = t.value
            if self.tok.kind == "field":
                other = self.field_ref()
                return self._cond(field, op, [other], start)
            return self._cond(field, op, [self.literal()], start)
        if t.is_kw("not"):
            self.next()
            negate = True
            t = self.tok
        if t.is_kw("in"):
            self.next()
            if self.tok.is_kw("group"):
                raise _query_error("The emulator does not implement IN GROUP.")
            if self.tok.kind != "(":
                raise _syntax("Expecting '(' after IN.", self.tok.text)
            self.next()
            values = [self.literal()]
            while self.tok.kind == ",":
                self.next()
                values.append(self.literal())
            if self.tok.kind != ")":
                raise _syntax("Expecting ')' to close the IN list.", self.tok.text)
            self.next()
            return self._cond(field, "not in" if negate else "in", values, start)
        if t.is_kw("contains"):
            self.next()
            op = "contains"
            if self.tok.is_kw("words"):
                self.next()
                op = "contains words"
            return self._cond(field, ("not " if negate else "") + op, [self.literal()], start)
        if t.is_kw("under"):
            self.next()
            return self._cond(field, "not under" if negate else "under", [self.literal()], start)
        if t.is_kw("is") and not negate:
            self.next()
            neg = False
            if self.tok.is_kw("not"):
                self.next()
                neg = True
            self.expect_kw("empty", "Expecting EMPTY after IS.")
            return self._cond(field, "is not empty" if neg else "is empty", [], start)
        if t.is_kw("ever", "was"):
            raise _query_error("The emulator does not implement EVER (historical) conditions.")
        raise _syntax("Expecting a comparison operator.", t.text)

    def _cond(self, field, op, values, start):
        end = self.toks[self.i - 1]
        return Cond(field, op, values, self.text[start:end.pos + len(end.text)])

    def literal(self):
        t = self.tok
        if t.kind == "string":
            self.next()
            return Literal("string", t.value, t.text)
        if t.kind in ("+", "-") and self.toks[self.i + 1].kind == "number":
            self.next()
            num = self.next()
            return Literal("number", t.value + num.value, t.text + num.text)
        if t.kind == "number":
            self.next()
            return Literal("number", t.value, t.text)
        if t.kind == "macro":
            self.next()
            offset = 0
            text = t.text
            if self.tok.kind in ("+", "-") and self.toks[self.i + 1].kind == "number":
                sign = self.next()
                num = self.next()
                try:
                    offset = int(num.value)
                except ValueError:
                    raise _syntax("Expecting a whole number of days after the macro.", num.text)
                if sign.kind == "-":
                    offset = -offset
                text += " %s %s" % (sign.text, num.text)
            return Literal("macro", t.value.casefold(), text, offset)
        if t.is_kw("true", "false"):
            self.next()
            return Literal("bool", t.value.casefold() == "true", t.text)
        raise _syntax("Expecting a value.", t.text)


def parse(text):
    if len(text) > MAX_WIQL_LENGTH:
        raise WiqlError("The WIQL query is %d characters long, which exceeds the maximum length "
                        "of %d characters." % (len(text), MAX_WIQL_LENGTH),
                        "WorkItemTrackingQueryMaxWiqlTextLengthLimitExceededException")
    try:
        return _Parser(text).parse()
    except RecursionError:
        raise _too_complex()


def _too_complex():
    return WiqlError("The query is too complex: parentheses or NOT operators are nested too deeply.",
                     "SyntaxException")


# --------------------------------------------------------------------------
# compilation

# Our operator -> the supportedOperations name in the field catalogue.
OP_CATALOGUE_NAME = {
    "=": "=", "<>": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">=",
    "in": "in", "not in": "in",
    "contains": "contains", "not contains": "does not contain",
    "under": "under", "not under": "not under",
}
FIELD_OP_CATALOGUE_NAME = {"=": "= [field]", "<>": "<> [field]", "<": "< [field]",
                           ">": "> [field]", "<=": "<= [field]", ">=": ">= [field]"}
TEXT_KINDS = ("string", "plainText", "html", "history", "treePath")
LONG_TEXT = ("plainText", "html", "history")
AREA_FIELDS = {"system.areapath": "area", "system.iterationpath": "iteration"}


class Context:
    """What a query needs from its surroundings.

    catalogue: .resolve(name) -> FieldDef | None
    getter:    ref -> (item -> value | None)
    area_nodes / iteration_nodes: casefolded existing paths
    me: Identity | None (the PAT's user); project: route project name | None
    today: Stamp at midnight UTC; time_precision: the timePrecision flag."""

    def __init__(self, catalogue, getter, area_nodes, iteration_nodes, me=None,
                 project=None, today=None, time_precision=False):
        self.catalogue = catalogue
        self.getter = getter
        self.area_nodes = area_nodes
        self.iteration_nodes = iteration_nodes
        self.me = me
        self.project = project
        self.today = today
        self.time_precision = time_precision


class Compiled:
    def __init__(self, columns, sort, predicate):
        self.columns = columns  # [FieldDef]
        self.sort = sort        # [(FieldDef, descending)]
        self.predicate = predicate


def _resolve(ctx, ref):
    f = ctx.catalogue.resolve(ref.name)
    if f is None:
        raise _query_error("TF51005: The query references a field that does not exist. "
                           "The error is caused by «[%s]»." % ref.name)
    return f


def _is_empty(v):
    return v is None or v == ""


def _ident_keys(v):
    """(display, unique, combo) casefolded, for Identity objects or strings."""
    if isinstance(v, Identity):
        return v.display_cf, v.unique_cf, v.combo_cf
    s = str(v)
    m = re.match(r"^\s*(.*?)\s*<([^<>]*)>\s*$", s)
    if m:
        d, u = m.group(1).casefold(), m.group(2).casefold()
        return d, u, "%s <%s>" % (d, u)
    s = s.strip().casefold()
    return s, s, s


def _norm_identity_literal(s):
    return re.sub(r"\s*<", " <", s.strip()).casefold()


def _tags(v):
    return {t.strip().casefold() for t in v.split(";") if t.strip()}


def compile_query(query, ctx):
    columns = [_resolve(ctx, f) for f in query.select]
    sort = []
    for ref, desc in query.order:
        f = _resolve(ctx, ref)
        if not f.sortable:
            raise _query_error("The field «[%s]» cannot be used in an ORDER BY clause because "
                               "long-text fields are not sortable." % f.ref)
        sort.append((f, desc))
    try:
        predicate = _compile_expr(query.where, ctx) if query.where is not None else None
    except RecursionError:
        raise _too_complex()
    return Compiled(columns, sort, predicate)


def _compile_expr(node, ctx):
    if isinstance(node, Cond):
        return _compile_cond(node, ctx)
    if node[0] == "not":
        inner = _compile_expr(node[1], ctx)
        return lambda it: not inner(it)
    preds = [_compile_expr(n, ctx) for n in node[1]]
    if len(preds) == 2:  # the common case, without generator overhead
        a, b = preds
        if node[0] == "and":
            return lambda it: a(it) and b(it)
        return lambda it: a(it) or b(it)
    if node[0] == "and":
        return lambda it: all(p(it) for p in preds)
    return lambda it: any(p(it) for p in preds)


def _check_op(f, op, cond):
    if op in ("is empty", "is not empty"):
        ok = f.type in LONG_TEXT
    elif op in ("contains words", "not contains words"):
        ok = "contains" in f.ops or f.type in LONG_TEXT
    else:
        ok = OP_CATALOGUE_NAME[op] in f.ops
    if not ok:
        raise _query_error("The operator '%s' cannot be used with the field «[%s]» of type %s. "
                           "The error is caused by «%s»." % (op.upper(), f.ref, f.type, cond.text))


def _convert(lit, f, ctx, cond):
    """A literal converted for comparison with field f.  Returns the value
    ('' stays '' = the empty test) or raises WiqlError."""
    kind = f.kind
    if lit.kind == "macro":
        name = lit.value
        if name in ("me", "project") and kind not in TEXT_KINDS + ("identity",):
            raise _query_error("The macro @%s cannot be compared with the %s field «[%s]». "
                               "The error is caused by «%s»." % (name.capitalize(), f.type, f.ref,
                                                                 cond.text))
        if name == "me":
            if lit.offset:
                raise _syntax("@Me does not take an offset.", lit.text)
            if kind == "identity" or ctx.me is None:
                return ("@me", ctx.me)
            return ctx.me.text
        if name == "project":
            if ctx.project is None:
                # Observed service behaviour: at the organization-level endpoint
                # @project resolves to nothing and silently matches no item.
                return ("@project", None)
            return ctx.project
        if name == "today":
            if kind != "dateTime":
                raise _query_error("The macro @Today can only be compared with a date field. "
                                   "The error is caused by «%s»." % cond.text)
            return Stamp(ctx.today + lit.offset * US_PER_DAY)
        raise _query_error("The macro '@%s' is not supported by the emulator. "
                           "The error is caused by «%s»." % (name, cond.text))
    if lit.kind == "string" and lit.value == "":
        return ""
    if kind in ("integer", "double"):
        raw = str(lit.value).strip() if lit.kind != "bool" else None
        num = None
        if raw is not None:
            try:
                num = int(raw)  # exact for large integers
            except ValueError:
                try:
                    num = float(raw)
                except ValueError:
                    pass
        if num is None or not math.isfinite(num):
            raise _query_error("The value «%s» is not a valid number for the field «[%s]»." %
                               (lit.text, f.ref))
        if kind == "integer":
            if num != int(num):
                raise _query_error("The value «%s» is not a valid integer for the field «[%s]»." %
                                   (lit.text, f.ref))
            return int(num)
        return num
    if kind == "boolean":
        if lit.kind == "bool":
            return lit.value
        s = str(lit.value).strip().casefold()
        if s in ("true", "1"):
            return True
        if s in ("false", "0"):
            return False
        raise _query_error("The value «%s» is not a valid boolean for the field «[%s]»." %
                           (lit.text, f.ref))
    if kind == "dateTime":
        if lit.kind != "string":
            raise _query_error("The value «%s» is not a valid date for the field «[%s]»." %
                               (lit.text, f.ref))
        parsed = parse_date(lit.value)
        if parsed is None:
            raise _query_error("The value «%s» is not a valid date for the field «[%s]»." %
                               (lit.text, f.ref))
        stamp, has_time = parsed
        if has_time and not ctx.time_precision:
            # Verbatim service message.
            raise _query_error("You cannot supply a time with the date when running a query "
                               "using date precision. The error is caused by «[%s] %s %s»." %
                               (f.ref, _op_text(cond), lit.text))
        return stamp
    # text and identity kinds
    return str(lit.value) if lit.kind != "bool" else ("True" if lit.value else "False")


def _op_text(cond):
    return cond.op if cond.op[0] in "<>=" else cond.op.upper()


def _check_tree_literal(f, value, ctx, lit):
    which = AREA_FIELDS.get(f.ref.casefold())
    if which is None or not isinstance(value, str) or value == "":
        return
    nodes = ctx.area_nodes if which == "area" else ctx.iteration_nodes
    if value.casefold() not in nodes:
        raise WiqlError("TF51011: The specified %s path does not exist. The error is caused by «%s»."
                        % (which, lit.text), "QueryException")


def _compile_cond(cond, ctx):
    f = _resolve(ctx, cond.field)
    op = cond.op
    get = ctx.getter(f.ref)
    kind = f.kind

    # [a] op [b]: field-to-field comparison
    if cond.values and isinstance(cond.values[0], FieldRef):
        g = _resolve(ctx, cond.values[0])
        if FIELD_OP_CATALOGUE_NAME.get(op) not in f.ops:
            raise _query_error("The operator '%s [Field]' cannot be used with the field «[%s]». "
                               "The error is caused by «%s»." % (op, f.ref, cond.text))
        return _field_compare(f, g, op, get, ctx.getter(g.ref), ctx)

    # `= ''` / `<> ''` is an emptiness test; clients use it on every kind of
    # field (e.g. "[System.Tags] = ''" for untagged items), so it is not
    # limited by the catalogue's operator list.
    empty_test = (op in ("=", "<>") and len(cond.values) == 1 and cond.values[0].kind == "string"
                  and cond.values[0].value == "")
    if not empty_test:
        _check_op(f, op, cond)
    if op in ("is empty", "is not empty"):
        want_empty = op == "is empty"
        return lambda it: _is_empty(get(it)) == want_empty

    values = [_convert(lit, f, ctx, cond) for lit in cond.values]
    for lit, v in zip(cond.values, values):
        if kind == "treePath":
            _check_tree_literal(f, v, ctx, lit)

    # @project at the organization level / @me without a known user: no match.
    if any(isinstance(v, tuple) and v[1] is None for v in values):
        negated = op in ("<>", "not in", "not contains", "not under")
        return (lambda it: True) if negated else (lambda it: False)

    if op in ("in", "not in"):
        tests = [_make_test(kind, f, "=", v, ctx) for v in values]
        if op == "in":
            return lambda it: any(t(get(it)) for t in tests)
        return lambda it: not any(t(get(it)) for t in tests)

    value = values[0]
    test = _make_test(kind, f, op, value, ctx)
    return lambda it: test(get(it))


def _make_test(kind, f, op, value, ctx):
    """value -> bool for one operator and one converted literal."""
    if op == "<>" or op.startswith("not "):
        pos = _make_test(kind, f, "=" if op == "<>" else op[4:], value, ctx)
        return lambda v: not pos(v)

    if isinstance(value, str) and value == "":
        if op == "=":
            return _is_empty
        if op in ("<", ">", "<=", ">="):
            raise _query_error("An empty value can only be compared with = or <> "
                               "(field «[%s]»)." % f.ref)

    if kind == "identity":
        return _identity_test(op, value)
    if kind in TEXT_KINDS:
        return _text_test(kind, f, op, value)
    if kind == "dateTime":
        if ctx.time_precision:
            key = lambda v: v  # noqa: E731
            lit = value
        else:
            key = lambda v: v // US_PER_DAY  # noqa: E731
            lit = value // US_PER_DAY
        return _ordered_test(op, lit, key)
    if kind in ("integer", "double"):
        return _ordered_test(op, value, lambda v: v)
    if kind == "boolean":
        if op != "=":
            raise _query_error("Only = and <> can be used with the boolean field «[%s]»." % f.ref)
        return lambda v: v is not None and bool(v) == value
    # guid and anything else: case-insensitive text equality
    return _text_test("string", f, op, value)


def _ordered_test(op, lit, key):
    if op == "=":
        return lambda v: v is not None and v != "" and key(v) == lit
    if op == "<":
        return lambda v: v is not None and v != "" and key(v) < lit
    if op == ">":
        return lambda v: v is not None and v != "" and key(v) > lit
    if op == "<=":
        return lambda v: v is not None and v != "" and key(v) <= lit
    if op == ">=":
        return lambda v: v is not None and v != "" and key(v) >= lit
    raise _query_error("The operator '%s' cannot be used with this field." % op.upper())


def _text_test(kind, f, op, value):
    lit = value.casefold()
    if op == "under":
        prefix = lit.rstrip("\\") + "\\"
        return lambda v: v is not None and (v.casefold() == lit or v.casefold().startswith(prefix))
    if op == "contains":
        if f.ref == "System.Tags":
            wanted = _tags(value)
            return lambda v: bool(v) and wanted <= _tags(v)
        return lambda v: v is not None and lit in v.casefold()
    if op == "contains words":
        words = re.findall(r"\w+", lit)
        pats = [re.compile(r"(?<!\w)%s(?!\w)" % re.escape(w)) for w in words]
        return lambda v: v is not None and all(p.search(v.casefold()) for p in pats)
    return _ordered_test(op, lit, lambda v: v.casefold())


def _identity_test(op, value):
    if isinstance(value, tuple):  # @me
        me = value[1]
        if op == "=":
            return lambda v: v is not None and v != "" and _ident_keys(v)[1] == me.unique_cf
        if op == "contains":
            return lambda v: v is not None and v != "" and me.combo_cf in _ident_keys(v)[2]
        value = me.display
    lit = _norm_identity_literal(value)
    if op == "=":
        return lambda v: v is not None and v != "" and lit in _ident_keys(v)
    if op == "contains":
        raw = value.casefold()
        return lambda v: v is not None and v != "" and raw in _ident_keys(v)[2]
    if op == "contains words":
        words = re.findall(r"\w+", lit)
        return lambda v: v is not None and v != "" and all(
            re.search(r"(?<!\w)%s(?!\w)" % re.escape(w), _ident_keys(v)[2]) for w in words)
    return _ordered_test(op, lit, lambda v: _ident_keys(v)[0])


def _field_compare(f, g, op, get_a, get_b, ctx):
    def norm(fd, v):
        if _is_empty(v):
            return None
        if fd.kind == "identity":
            return _ident_keys(v)[1]
        if isinstance(v, Stamp):
            return v if ctx.time_precision else v // US_PER_DAY
        if isinstance(v, str):
            return v.casefold()
        return v

    cmp = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt,
           "<=": operator.le, ">=": operator.ge}[op]

    def test(it):
        a, b = norm(f, get_a(it)), norm(g, get_b(it))
        if a is None or b is None:
            return op == "<>" and (a is not None or b is not None)
        try:
            return cmp(a, b)
        except TypeError:
            return False
    return test


# --------------------------------------------------------------------------
# execution


def sort_key(f, get):
    """Ascending sort key: empty values first, then by value (identities by
    display name, strings case-insensitively)."""
    kind = f.kind

    def key(it):
        v = get(it)
        if _is_empty(v):
            return (0, 0)
        if kind == "identity":
            return (1, _ident_keys(v)[0])
        if isinstance(v, str):
            return (1, v.casefold())
        if isinstance(v, bool):
            return (1, int(v))
        return (1, v)
    return key


def run(compiled, items, getter, top=None, top_mode="lenient"):
    """Matching items (id order unless ORDER BY), honouring $top and the
    20,000 result limit.  Raises WiqlError for VS402337."""
    pred = compiled.predicate
    if pred is None:
        matched = [it for it in items if not it.deleted]
    else:
        try:
            matched = [it for it in items if not it.deleted and pred(it)]
        except RecursionError:
            raise _too_complex()
    if top_mode == "strict" and len(matched) > RESULT_LIMIT:
        raise _limit_error()
    if compiled.sort:
        # Stable sorts from the last key to the first give a multi-key sort
        # with per-key direction; ties keep Id order.
        for f, desc in reversed(compiled.sort):
            matched.sort(key=sort_key(f, getter(f.ref)), reverse=desc)
    if top is not None:
        matched = matched[:top]
    if len(matched) > RESULT_LIMIT:
        raise _limit_error()
    return matched


def _limit_error():
    return WiqlError("VS402337: The number of work items returned exceeds the size limit of %d. "
                     "Change the query to return fewer items." % RESULT_LIMIT,
                     "WorkItemTrackingQueryResultSizeLimitExceededException")
