"""The letters a parent sends the agencies: templates read from files, checked, and filled with the case's values.

Pure: no Django, no database. Each letter is one file in casework/letters/templates/<key>.txt, so that a charity can
add its own. A file is a header of `name: value` lines, a line `---`, then the body:

    key: sar_council
    title: Subject access request to children's services
    kind: sar
    nations: england, wales, scotland, northern_ireland
    recipients: social_services
    subject: Subject access request: {{ case_reference }}
    variables:
      case_reference (required): council's case number
      children_text (optional): children the request is also made for
    ---
    The body, paragraphs separated by a blank line, {{ case_reference }} where a value goes.

A placeholder is `{{ name }}`, a simple name and nothing else: no logic, no loops, no filters (a list, such as the
incidents, comes as one pre-formatted value, its lines kept). The names a template may use are those it declares under
`variables:` and the letter's frame (FRAME: sender, recipient, date, salutation), which every letter has. A file that
names a variable it does not declare, declares one it never uses, or has a malformed header is a TemplateProblem.

Filling: each placeholder is replaced in one pass, so a value is inserted as text and never read again (a value
holding "{{ x }}" or "<img>" stays as typed). A paragraph that names an optional value left blank is left out whole,
so a letter never reads "reference number ." In a draft a missing required value is shown as its description in
square brackets ("[recipient's address]") and listed in `missing`; a final letter with any missing raises
LetterIncomplete. The body's paragraphs are numbered by the renderer, not written in the file.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from casework.documents import LetterDoc

DEFAULT_FOLDER = Path(__file__).resolve().parent / "letters" / "templates"

KINDS = ("sar", "rectification", "complaint", "police", "employer", "platform_report")
NATIONS = ("england", "wales", "scotland", "northern_ireland")
# incidents.models.Party.Kind's values (not imported: this module has no Django); a test checks they agree.
RECIPIENT_KINDS = ("social_services", "police", "nspcc", "employer", "school", "gp", "platform", "other")
HEADER_FIELDS = ("key", "title", "kind", "nations", "recipients", "subject", "variables")


@dataclass(frozen=True)
class Variable:
    name: str
    description: str  # a short noun phrase: what a draft shows in brackets, "[recipient's address]"
    required: bool


# The frame every letter has: who writes, to whom, when. A template may name these without declaring them.
FRAME: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable("sender_name", "your full name", True),
        Variable("sender_address", "your address", True),
        Variable("recipient_name", "recipient's name", True),
        Variable("recipient_address", "recipient's address", True),
        Variable("letter_date", "date of the letter", True),
        # "Ms Patel": the letter opens "Dear Ms Patel" and closes "Yours sincerely"; without it "Dear Sir or Madam"
        # and "Yours faithfully", as a careful office writes.
        Variable("recipient_salutation", "name to address the letter to", False),
    )
}

_NAME = r"[a-z][a-z0-9_]*"
PLACEHOLDER = re.compile(r"\{\{\s*(" + _NAME + r")\s*\}\}")
_VARIABLE_LINE = re.compile(r"^\s+(" + _NAME + r")\s+\((required|optional)\):\s*(\S.*)$")
_HEADER_LINE = re.compile(r"^([a-z_]+):\s*(.*)$")


class TemplateProblem(ValueError):
    """A template file that cannot be used: the message names the file and what is wrong."""


class LetterIncomplete(ValueError):
    """A letter asked to be final while values are missing; `missing` holds their names."""

    def __init__(self, missing: tuple[str, ...], descriptions: tuple[str, ...]):
        self.missing = missing
        listed = _join(descriptions)
        super().__init__(f"This letter cannot be made final yet. Still to fill in: {listed}.")


@dataclass(frozen=True)
class LetterTemplate:
    key: str
    title: str  # what the parent sees when choosing a letter
    kind: str  # one of KINDS
    nations: tuple[str, ...]
    recipients: tuple[str, ...]  # the party kinds it is written to
    subject: str  # with placeholders
    variables: dict[str, Variable]  # declared, in the order declared (the frame is not here)
    paragraphs: tuple[str, ...]  # the body's paragraphs with placeholders, unnumbered
    path: Path | None = None

    def names(self) -> set[str]:
        """Every variable the subject and body name."""
        return set(PLACEHOLDER.findall(self.subject)) | {n for p in self.paragraphs for n in PLACEHOLDER.findall(p)}

    def variable(self, name: str) -> Variable:
        return self.variables.get(name) or FRAME[name]


@dataclass(frozen=True)
class FilledLetter:
    subject: str
    body_paragraphs: tuple[str, ...]
    missing: tuple[str, ...]  # names of the required values not given (a draft shows them in brackets)
    salutation: str  # "Dear Sir or Madam" / "Dear Ms Patel"
    sign_off: str  # "Yours faithfully" / "Yours sincerely"
    sender_name: str
    sender_lines: tuple[str, ...]
    recipient_name: str
    recipient_lines: tuple[str, ...]
    date_text: str
    title: str


# Reading ------------------------------------------------------------------------------------------------------


def parse_template(text: str, *, path: Path | None = None) -> LetterTemplate:
    """One template from its file's text; TemplateProblem if anything about it is wrong."""
    where = path.name if path else "template"

    def problem(message: str) -> TemplateProblem:
        return TemplateProblem(f"{where}: {message}")

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    head, separator, body = text.partition("\n---\n")
    if not separator:
        raise problem("no line '---' between the header and the body")
    fields: dict[str, str] = {}
    variables: dict[str, Variable] = {}
    in_variables = False
    for number, line in enumerate(head.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if in_variables and line[:1].isspace():
            match = _VARIABLE_LINE.match(line)
            if not match:
                raise problem(f"line {number}: a variable is written '  name (required): description', not {line!r}")
            name, need, description = match.groups()
            if name in variables or name in FRAME:
                raise problem(f"line {number}: variable {name!r} declared twice (or it is one of the frame's)")
            variables[name] = Variable(name, description.strip(), need == "required")
            continue
        match = _HEADER_LINE.match(line)
        if not match or match.group(1) not in HEADER_FIELDS:
            raise problem(f"line {number}: expected one of {', '.join(HEADER_FIELDS)} as 'name: value', not {line!r}")
        name, value = match.groups()
        if name in fields:
            raise problem(f"line {number}: {name!r} given twice")
        fields[name] = value.strip()
        in_variables = name == "variables"
        if in_variables and value.strip():
            raise problem(f"line {number}: the variables go on the lines under 'variables:', one each")
    absent = [name for name in HEADER_FIELDS if name not in fields or (name != "variables" and not fields[name])]
    if absent:
        raise problem(f"the header has no {', '.join(absent)}")
    key = fields["key"]
    if not re.fullmatch(_NAME, key):
        raise problem(f"the key {key!r} is not lower case letters, digits and underscores")
    if path is not None and path.stem != key:
        raise problem(f"the key {key!r} is not the file's name")
    if fields["kind"] not in KINDS:
        raise problem(f"kind {fields['kind']!r} is not one of {', '.join(KINDS)}")
    nations = _listed(fields["nations"], NATIONS, "nation", problem)
    recipients = _listed(fields["recipients"], RECIPIENT_KINDS, "recipient kind", problem)
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
    if not paragraphs:
        raise problem("the body is empty")
    template = LetterTemplate(
        key=key,
        title=fields["title"],
        kind=fields["kind"],
        nations=nations,
        recipients=recipients,
        subject=fields["subject"],
        variables=variables,
        paragraphs=paragraphs,
        path=path,
    )
    for part in (template.subject, *template.paragraphs):
        leftover = PLACEHOLDER.sub("", part)
        if "{{" in leftover or "}}" in leftover:
            bad = re.search(r"\{\{.*?(\}\}|$)", leftover, re.S)
            raise problem(f"{bad.group(0) if bad else leftover!r} is not a placeholder: only {{{{ name }}}} is")
    used = template.names()
    unknown = sorted(used - set(variables) - set(FRAME))
    if unknown:
        raise problem(f"names {', '.join(unknown)} but does not declare {'it' if len(unknown) == 1 else 'them'}")
    unused = [name for name in variables if name not in used]
    if unused:
        raise problem(f"declares {', '.join(unused)} but never uses {'it' if len(unused) == 1 else 'them'}")
    return template


def _listed(value: str, allowed: tuple[str, ...], what: str, problem) -> tuple[str, ...]:
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    wrong = [item for item in items if item not in allowed]
    if wrong or not items:
        raise problem(f"{what} {', '.join(wrong) or '(none)'} not one of {', '.join(allowed)}")
    return items


def load_templates(folder: Path | str = DEFAULT_FOLDER) -> dict[str, LetterTemplate]:
    """Every <key>.txt in `folder`, by key, in the order of their names."""
    templates = {}
    for path in sorted(Path(folder).glob("*.txt")):
        template = parse_template(path.read_text(encoding="utf-8"), path=path)
        templates[template.key] = template
    return templates


# Filling ------------------------------------------------------------------------------------------------------


def _clean(value) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def fill(template: LetterTemplate, values: dict[str, str], *, final: bool) -> FilledLetter:
    """The letter's words from the template and `values` (name -> text; blank or absent counts as not given).

    Raises LetterIncomplete when `final` and a required value (of the body or the frame) is missing."""
    given = {name: _clean(value) for name, value in values.items()}
    missing: list[str] = []

    def need(name: str) -> None:
        if not given.get(name) and name not in missing:
            missing.append(name)

    for name in FRAME:
        if FRAME[name].required:
            need(name)
    kept_paragraphs = []
    for paragraph in template.paragraphs:
        names = PLACEHOLDER.findall(paragraph)
        if any(not template.variable(n).required and not given.get(n) for n in names):
            continue  # an optional value left blank: the paragraph that says it is left out
        for name in names:
            need(name)
        kept_paragraphs.append(paragraph)
    for name in PLACEHOLDER.findall(template.subject):
        if template.variable(name).required:
            need(name)
    if final and missing:
        raise LetterIncomplete(tuple(missing), tuple(template.variable(n).description for n in missing))

    def value(name: str) -> str:
        return given.get(name) or f"[{template.variable(name).description}]"

    def put(text: str) -> str:
        # One pass: what a value holds is never looked at again.
        return PLACEHOLDER.sub(
            lambda m: given.get(m.group(1)) or f"[{template.variable(m.group(1)).description}]", text
        )

    subject = " ".join(put(template.subject).split())
    salutation_name = given.get("recipient_salutation")
    return FilledLetter(
        subject=subject,
        body_paragraphs=tuple(put(p) for p in kept_paragraphs),
        missing=tuple(missing),
        salutation=f"Dear {salutation_name}" if salutation_name else "Dear Sir or Madam",
        sign_off="Yours sincerely" if salutation_name else "Yours faithfully",
        sender_name=value("sender_name"),
        sender_lines=_lines(value("sender_address")),
        recipient_name=value("recipient_name"),
        recipient_lines=_lines(value("recipient_address")),
        date_text=value("letter_date"),
        title=template.title,
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def letter_doc(filled: FilledLetter, *, enclosures: tuple[str, ...] = (), draft: bool) -> LetterDoc:
    """What the renderers print, from a filled letter. A letter filled as a draft stays a draft."""
    return LetterDoc(
        title=filled.title,
        sender_name=filled.sender_name,
        sender_address=filled.sender_lines,
        recipient_name=filled.recipient_name,
        recipient_address=filled.recipient_lines,
        dated=filled.date_text,
        salutation=filled.salutation,
        subject=filled.subject,
        paragraphs=filled.body_paragraphs,
        sign_off=filled.sign_off,
        signature_name=filled.sender_name,
        enclosures=tuple(enclosures),
        draft=draft or bool(filled.missing),
    )


# Helpers for the values ---------------------------------------------------------------------------------------


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # not strftime's %B, which follows the process's locale


def format_date(d: date) -> str:
    """ "3 December 2026": the day without a leading zero, as a letter writes it."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _join(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def line_list(items) -> str:
    """Lines for a list value (`incident_list`): one item a line, each after a dash."""
    return "\n".join(f"– {' '.join(str(item).split())}" for item in items if str(item).strip())
