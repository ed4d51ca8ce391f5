"""The registry of audit actions (audit.actions): every action written anywhere is registered and has
words a person reads; event_record refuses any other."""

import ast
import itertools
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import services as audit
from audit.actions import TEMPLATES, Action, describe, fields
from audit.models import AuditEvent, ChainHead

ROOT = Path(__file__).resolve().parents[2]

# The apps whose code writes events, and any package added beside them (ops/, vault/, ...).
APPS = ("accounts", "audit", "dossiers", "incidents", "referral_tracker")
NOT_APPS = {"tests", "node_modules", "static", "templates", "docs", "var"}

# Every expansion of each f-string action, written out: a new value passed in must be added here
# (and to audit.actions) or the walk below fails.
EXPANSIONS = {
    "evidence.{action}": {"evidence.view", "evidence.preview", "evidence.download", "evidence.download_timestamp"},
    "dossier.download_{what}": {"dossier.download_pdf", "dossier.download_pack"},
}


# Walking the source -------------------------------------------------------------------------------


def _source_roots() -> list[Path]:
    roots = [ROOT / name for name in APPS]
    for path in sorted(ROOT.iterdir()):
        named_like_an_app = path.name not in NOT_APPS and not path.name.startswith((".", "_"))
        if named_like_an_app and (path / "__init__.py").exists() and path not in roots:
            roots.append(path)  # ops/, vault/ and any other package that appears
    return [root for root in roots if root.is_dir()]


class _Module:
    def __init__(self, path: Path):
        self.path = path
        self.name = str(path.relative_to(ROOT))
        self.tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


class _Index(ast.NodeVisitor):
    """Every function (by name) and every call, each with the function it is in."""

    def __init__(self):
        self.functions: dict[str, list[tuple[_Module, ast.FunctionDef, bool]]] = {}
        self.calls: list[tuple[_Module, ast.Call, tuple]] = []
        self._module = None
        self._stack: list = []

    def add(self, module: _Module) -> None:
        self._module, self._stack = module, []
        self.visit(module.tree)

    def visit_ClassDef(self, node):
        self._stack.append(node)
        self.generic_visit(node)
        self._stack.pop()

    def _function(self, node):
        is_method = bool(self._stack) and isinstance(self._stack[-1], ast.ClassDef)
        self.functions.setdefault(node.name, []).append((self._module, node, is_method))
        self._stack.append(node)
        self.generic_visit(node)
        self._stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Call(self, node):
        self.calls.append((self._module, node, tuple(self._stack)))
        self.generic_visit(node)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _params(function) -> list[str]:
    args = function.args
    return [a.arg for a in (*args.posonlyargs, *args.args)]


def _default(function, name: str):
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
        if arg.arg == name:
            return default
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name:
            return default
    return None


class _Resolver:
    """The strings an expression can be, followed through local assignments, conditionals, f-strings
    and the arguments callers pass. None when that cannot be told from the source."""

    def __init__(self, index: _Index):
        self.index = index

    def values(self, node, module, stack, seen=frozenset()) -> set[str] | None:
        if isinstance(node, ast.Constant):
            return {node.value} if isinstance(node.value, str) else None
        if isinstance(node, ast.Attribute) and _is_action_class(node.value):
            member = Action.__members__.get(node.attr)
            return {member.value if member is not None else f"Action.{node.attr}"}
        if isinstance(node, ast.IfExp):
            return _union(self.values(node.body, module, stack, seen), self.values(node.orelse, module, stack, seen))
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            if (isinstance(node.func, ast.Name) and node.func.id == "str") or _is_action_class(node.func):
                return self.values(node.args[0], module, stack, seen)
            return None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    if part.conversion != -1 or part.format_spec is not None:
                        return None
                    part = part.value
                found = self.values(part, module, stack, seen)
                if found is None:
                    return None
                parts.append(sorted(found))
            return {"".join(combo) for combo in itertools.product(*parts)}
        if isinstance(node, ast.Name):
            return self._name(node.id, module, stack, seen)
        return None

    def _name(self, name, module, stack, seen):
        functions = [f for f in stack if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
        scope = functions[-1] if functions else module.tree
        assigned = [n.value for n in ast.walk(scope) if _assigns(n, name)]
        if assigned:
            return _union(*(self.values(value, module, stack, seen) for value in assigned))
        if functions and name in _params(scope) + [a.arg for a in scope.args.kwonlyargs]:
            return self._argument(module, scope, name, seen)
        return None

    def _argument(self, module, function, name, seen):
        """Every value passed for parameter `name` of `function`, by every caller found."""
        key = (module.name, function.lineno, name)
        if key in seen:
            return None
        seen = seen | {key}
        is_method = any(f is function and m for _, f, m in self.index.functions.get(function.name, []))
        params = _params(function)
        found: list[set[str] | None] = []
        for caller_module, call, caller_stack in self.index.calls:
            if _called_name(call) != function.name:
                continue
            if isinstance(call.func, ast.Name) and caller_module is not module:
                continue  # a bare name calls a function of its own module
            argument = next((k.value for k in call.keywords if k.arg == name), None)
            if argument is None and name in params:
                position = params.index(name) - (1 if is_method and isinstance(call.func, ast.Attribute) else 0)
                if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
                    return None
                if 0 <= position < len(call.args):
                    argument = call.args[position]
            if argument is None:
                if any(k.arg is None for k in call.keywords):
                    return None  # **kwargs: cannot tell
                argument = _default(function, name)
                if argument is None:
                    continue  # not a call of this function after all
            found.append(self.values(argument, caller_module, caller_stack, seen))
        return _union(*found) if found else None


def _assigns(node, name: str) -> bool:
    """`name = ...` or `name: T = ...`."""
    if isinstance(node, ast.Assign):
        return len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name and node.value is not None
    return False


def _is_action_class(node) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Action") or (
        isinstance(node, ast.Attribute) and node.attr == "Action"
    )


def _union(*sets):
    if not sets or any(s is None for s in sets):
        return None
    return set().union(*sets)


def _template(node) -> str | None:
    """An f-string action written with its fields as {name}: "evidence.{action}"."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.JoinedStr):
            return "".join(
                f"{{{ast.unparse(part.value)}}}" if isinstance(part, ast.FormattedValue) else str(part.value)
                for part in inner.values
            )
    return None


def _written_actions() -> tuple[dict[str, set[str]], list[str]]:
    """{action: {where it is written}} for every event_record call, and the problems found."""
    index = _Index()
    for root in _source_roots():
        for path in sorted(root.rglob("*.py")):
            index.add(_Module(path))
    resolver = _Resolver(index)
    written: dict[str, set[str]] = {}
    problems = []
    for module, call, stack in index.calls:
        if _called_name(call) != "event_record":
            continue
        where = f"{module.name}:{call.lineno}"
        node = next((k.value for k in call.keywords if k.arg == "action"), None)
        if node is None:
            problems.append(f"{where}: event_record without action= (cannot check it)")
            continue
        resolved = resolver.values(node, module, stack)
        template = _template(node)
        if template is not None:
            if template not in EXPANSIONS:
                problems.append(f'{where}: f"{template}" is not in EXPANSIONS: write out the actions it makes')
                continue
            if resolved is not None and not resolved <= EXPANSIONS[template]:
                extra = sorted(resolved - EXPANSIONS[template])
                problems.append(f'{where}: f"{template}" is also called to make {extra}: add them to EXPANSIONS')
            resolved = EXPANSIONS[template] | (resolved or set())
        elif resolved is None:
            problems.append(f"{where}: cannot tell which action `{ast.unparse(node)}` is; use an Action member")
            continue
        for action in resolved:
            written.setdefault(action, set()).add(where)
    return written, problems


# (a) Every action written is registered, with a label ----------------------------------------------


def test_every_action_written_anywhere_is_registered_with_a_label():
    written, problems = _written_actions()
    for action, places in sorted(written.items()):
        where = ", ".join(sorted(places))
        if action not in Action.values:
            problems.append(f"{action!r} (written at {where}) is not in audit.actions.Action")
        elif describe(action, {}) in ("", action) or not Action(action).label.strip():
            problems.append(f"{action!r} (written at {where}) has no label")
    assert problems == [], "\n".join(problems)


def test_the_walk_sees_the_known_ways_actions_are_written():
    # If the walk stopped finding call sites (a rename, a move), the test above would pass on nothing.
    written, _ = _written_actions()
    for action in (
        "account.login",  # a string constant (accounts)
        "case.close",  # a local variable set by a conditional
        "case.reopen",
        "view",  # the page view
        "evidence.preview",  # an f-string
        "dossier.download_pack",
        "dossier.request",
    ):
        assert action in written, action
    assert len(written) >= 40


def test_the_f_string_expansions_are_registered():
    for template, actions in EXPANSIONS.items():
        for action in actions:
            assert action in Action.values, (template, action)


def test_every_registered_action_has_a_label_and_a_template_it_can_fill():
    for member in Action:
        assert member.label and member.label != member.value, member
        assert describe(member.value, {}) == member.label, member
    for member, template in TEMPLATES.items():
        names = fields(template)
        assert names and all(name.isidentifier() for name in names), template
        filled = describe(member.value, dict.fromkeys(names, "X"))
        assert "{" not in filled and "X" in filled, (member, filled)


# (b) What a person reads ---------------------------------------------------------------------------

LABELS = [
    # Filled from the details
    ("evidence.view", {"mark": "AJ/3"}, "viewed exhibit AJ/3"),
    ("evidence.preview", {"mark": "AJ/3"}, "previewed exhibit AJ/3"),
    ("evidence.download", {"mark": "AJ/3"}, "downloaded exhibit AJ/3"),
    ("evidence.attach", {"mark": "AJ/1", "sha256": "ab" * 32, "size": 10}, "added exhibit AJ/1"),
    ("evidence.withdraw", {"mark": "AJ/2", "reason": "Wrong file"}, "withdrew exhibit AJ/2"),
    ("invitation.create", {"email": "gran@example.com", "role": "viewer"}, "invited gran@example.com as viewer"),
    ("invitation.cancel", {"email": "gran@example.com"}, "cancelled the invitation to gran@example.com"),
    ("invitation.accept", {"role": "editor", "membership_id": 4}, "accepted an invitation as editor"),
    ("view", {"page": "timeline"}, "looked at the timeline page"),
    ("view", {"page": "activity"}, "looked at the activity page"),
    ("case.two_factor", {"required": True}, "made two-step verification required for the case"),
    ("case.two_factor", {"required": False}, "made two-step verification optional for the case"),
    ("account.login_failed", {"username": "sam@example.com"}, "failed log-in as sam@example.com"),
    ("account.token_create", {"name": "laptop", "scope": "read", "days": 30}, "created API token laptop"),
    # Plain labels
    ("dossier.request", {"options": {"audience": "court"}, "verification_code": "K7Q"}, "made a dossier request"),
    ("dossier.download_pdf", {"verification_code": "K7Q"}, "downloaded dossier PDF"),
    ("dossier.download_pack", {"verification_code": "K7Q"}, "downloaded dossier evidence pack"),
    ("membership.transfer", {"from_user": 1, "to_user": 2}, "handed the case to another member"),
    ("account.login", {"address": "10.0.0.1"}, "logged in"),
    ("account.two_factor_on", {}, "turned on two-step verification"),
    # The activity page's words before the registry, unchanged
    ("case.create", {"title": "Reports"}, "started the case"),
    ("case.update", {"changed": {"title": ["A", "B"]}}, "changed the case settings"),
    ("case.close", {}, "closed the case"),
    ("case.reopen", {}, "reopened the case"),
    ("child.add", {"initials": "MJ"}, "added a child"),
    ("child.remove", {"initials": "MJ"}, "removed a child"),
    ("membership.add", {"role": "editor"}, "added a member"),
    ("membership.revoke", {"role": "editor", "user_id": 3}, "removed a member"),
    ("party.create", {"kind": "organisation"}, "added a person or organisation"),
    ("party.update", {"fields": ["name"]}, "changed a person or organisation"),
    ("reference.create", {}, "added a reference number"),
    ("reference.update", {"fields": ["value"]}, "changed a reference number"),
    ("incident.log", {"kind": "referral"}, "logged an incident"),
    ("incident.edit", {"revision": 2, "changed": ["summary"]}, "changed an incident"),
    ("comment.add", {"incident": None, "length": 5}, "added a comment"),
    ("comment.edit", {"incident": None, "length": 6, "previous_length": 5}, "changed a comment"),
    ("comment.delete", {"incident": None, "length": 6, "by": "author"}, "deleted a comment"),
    # A detail missing or unusable: the label without it, never an error nor the raw code
    ("evidence.view", {}, "viewed an exhibit"),
    ("evidence.view", None, "viewed an exhibit"),
    ("evidence.view", {"mark": ""}, "viewed an exhibit"),
    ("evidence.view", {"mark": ["AJ", "3"]}, "viewed an exhibit"),
    ("evidence.view", {"mark": {"nested": 1}}, "viewed an exhibit"),
    ("evidence.view", ["not", "a", "dict"], "viewed an exhibit"),
    ("invitation.create", {"email": "gran@example.com"}, "invited someone to the case"),
    ("view", {}, "looked at the case page"),
    ("view", {"page": None}, "looked at the case page"),
    ("case.two_factor", {}, "changed whether the case requires two-step verification"),
    ("case.two_factor", {"required": "yes"}, "changed whether the case requires two-step verification"),
    # Details that look like format fields are shown as they are
    ("evidence.view", {"mark": "{page}"}, "viewed exhibit {page}"),
    # Not registered (an event from before the registry, say): general words, never the raw code
    ("no.such.action", {"mark": "AJ/3"}, "did something the activity log has no words for"),
]


@pytest.mark.parametrize(("action", "details", "expected"), LABELS)
def test_describe(action, details, expected):
    assert describe(action, details) == expected


def test_describe_takes_a_member_too():
    assert describe(Action.EVIDENCE_VIEW, {"mark": "AJ/3"}) == "viewed exhibit AJ/3"


def test_the_activity_page_filter_reads_the_registry():
    from types import SimpleNamespace

    from incidents.templatetags.casefile import describe_event

    assert describe_event(SimpleNamespace(action="view", details={"page": "people"})) == "looked at the people page"
    assert describe_event(SimpleNamespace(action="evidence.download", details={"mark": "AJ/3"})) == (
        "downloaded exhibit AJ/3"
    )
    assert describe_event(SimpleNamespace(action="old.thing", details={})) == (
        "did something the activity log has no words for"
    )


# (c) event_record refuses what is not registered ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["no.such.action", "evidence.print", "", "VIEW", "evidence.{action}"])
def test_event_record_refuses_an_unregistered_action_and_writes_nothing(owner, action):
    audit.event_record(actor=owner, case_id=9001, action="case.create")  # the chain exists already
    before = list(AuditEvent.objects.values_list("pk", flat=True)), list(ChainHead.objects.values())
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValueError, match="Unregistered audit action"):
        audit.event_record(actor=owner, case_id=9001, action=action)
    with pytest.raises(ValueError, match=r"'no\.such\.action'"):
        audit.event_record(action="no.such.action")  # the account chain too; the message names it
    assert len(queries) == 0
    assert (list(AuditEvent.objects.values_list("pk", flat=True)), list(ChainHead.objects.values())) == before


@pytest.mark.django_db
def test_event_record_takes_a_member_and_stores_its_value(owner):
    event = audit.event_record(actor=owner, case_id=9002, action=Action.EVIDENCE_VIEW, details={"mark": "AJ/3"})
    assert type(event.action) is str and event.action == "evidence.view"
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "evidence.view" and stored.hash == stored.compute_hash() == event.hash
