"""The words printed on every witness statement and victim personal statement, whatever it is rendered to.

The PDF (statement_pdf.py) and the DOCX (statement_docx.py) take their furniture from here: the title, the legal
line, the header's labels, the declaration, the signature lines and the contact section's heading. Each is written
once, so that the two formats cannot come to say different things.

The shape is the police form MG11's (checked against its sources in the lead's notes): on the first page the title,
the legal line, the URN, who makes the statement, their age if under 18 ("Over 18" otherwise) and occupation, then
the declaration that makes a written statement admissible under s9 Criminal Justice Act 1967 and Criminal Procedure
Rules r 16.2, with the page count written in; then the numbered paragraphs; on every page a place to sign, a place
for the signature's witness and "Page X of Y". The maker's address and telephone number are on the form's reverse,
not in the statement: here a separate last section, marked not for disclosure, printed only when given.
"""

from datetime import date

from casework.documents import StatementDoc

TITLES = {"witness": "WITNESS STATEMENT", "victim": "VICTIM PERSONAL STATEMENT"}
LEGAL_LINE = "Criminal Procedure Rules, r 16.2; Criminal Justice Act 1967, s. 9; Magistrates' Courts Act 1980, s. 5B"

URN_LABEL = "URN:"
NAME_LABEL = "Statement of:"
AGE_LABEL = "Age if under 18:"
AGE_HINT = "(if over 18 insert 'over 18')"
OCCUPATION_LABEL = "Occupation:"
CONTINUATION_LABEL = "Continuation of statement of:"

# s9(2)(b) CJA 1967 and r 16.2(b): true to the best of the maker's knowledge and belief, made knowing that wilfully
# stating in it anything known to be false or not believed true is an offence. The page count goes between the two
# halves: "3 pages" in the PDF, Word's NUMPAGES field and "page(s)" in the DOCX (whose pages only Word can count).
DECLARATION_BEFORE = "This statement (consisting of "
DECLARATION_AFTER = (
    " each signed by me) is true to the best of my knowledge and belief and I make it knowing that, if it is "
    "tendered in evidence, I shall be liable to prosecution if I have wilfully stated in it anything which I know to "
    "be false, or do not believe to be true."
)

DOTS = "........................"
SIGNATURE = f"Signature {DOTS}"
WITNESSED = f"Signature witnessed by {DOTS}"
DATE_LABEL = "Date"
PAGE = "Page {page} of {pages}"  # the PDF's footer; the DOCX's is the same words around Word's PAGE and NUMPAGES

CONTACT_HEADING = "Witness contact details"
NOT_FOR_DISCLOSURE = "NOT FOR DISCLOSURE"
NOT_PART = "Not part of the statement: for the police only."
CONTACT_NOTE = (
    "How the police can reach the person who made the statement, as on the back of the form MG11. These details are "
    "for the police only: this page is not part of the statement and is not counted in its pages."
)
ADDRESS_LABEL = "Address:"
PHONE_LABEL = "Telephone:"


def title(doc: StatementDoc) -> str:
    """WITNESS STATEMENT or VICTIM PERSONAL STATEMENT (a kind this does not know is a witness statement)."""
    return TITLES.get(doc.kind, TITLES["witness"])


def page_count(pages: int) -> str:
    return "1 page" if pages == 1 else f"{pages} pages"


def declaration(pages: int) -> str:
    return f"{DECLARATION_BEFORE}{page_count(pages)}{DECLARATION_AFTER}"


def urn(doc: StatementDoc) -> str:
    """The police references of the case, for the URN line; dots to write one in when there is none."""
    return "; ".join(ref.strip() for ref in doc.references if ref.strip()) or DOTS


def age(doc: StatementDoc) -> str:
    return doc.maker_age.strip() or "Over 18"


def dated(doc: StatementDoc) -> str:
    """The date beside the signature ("3 December 2026"), or dots to write it by hand."""
    return long_date(doc.dated) if doc.dated else "............"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def header(doc: StatementDoc) -> list[tuple[str, str]]:
    """The first page's lines under the legal line, each (label, the maker's words)."""
    return [
        (NAME_LABEL, doc.maker_name),
        (AGE_LABEL, age(doc)),
        (OCCUPATION_LABEL, doc.maker_occupation),
    ]


def paragraph_text(text: str, marks: tuple[str, ...]) -> str:
    """A paragraph's words as printed: the maker's own, with any exhibit it produces but no longer names (its words
    were edited and the mark went with them) named after them, so that every exhibit produced is seen."""
    missing = [mark for mark in marks if mark and mark not in text]
    if not missing:
        return text
    return f"{text.rstrip()} (Exhibit{'s' if len(missing) > 1 else ''} {', '.join(missing)}.)"


def contact(doc: StatementDoc) -> list[tuple[str, str]]:
    """The contact section's lines, only those given; [] when the maker chose to include none."""
    return [
        (label, value.strip())
        for label, value in ((ADDRESS_LABEL, doc.maker_address), (PHONE_LABEL, doc.maker_phone))
        if value and value.strip()
    ]
