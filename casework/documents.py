"""What the worker renders a statement from: plain, frozen values, no rows.

casework.queries builds a StatementDoc from a Statement (the gate already passed); the renderers in
dossiers (statement_pdf.py, statement_docx.py) take one and know nothing of the database. Keeping the
document a value means the PDF and the DOCX are laid out from exactly the same words.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ParagraphDoc:
    number: int  # 1, 2, 3 ... as printed, counted after removals (the opening is paragraph 1 when there is one)
    text: str  # the words as the statement says them, the maker's own edits included
    exhibits: tuple[str, ...] = ()  # marks this paragraph produces ("AJ/1", ...), in the order it produces them
    # Why this paragraph needs another look before it is signed ("" when it needs none): shown on the
    # parent's page, never printed in the statement itself.
    flag: str = ""


@dataclass(frozen=True)
class ExhibitDoc:
    mark: str  # "AJ/3"
    description: str


@dataclass(frozen=True)
class StatementDoc:
    kind: str  # "witness" or "victim"
    title: str  # "Witness statement" or "Victim personal statement"
    maker_name: str
    maker_age: str  # "Over 18", or the age in years when under 18 ("16")
    maker_occupation: str
    # Printed only when the maker chose to include them (the contact block); "" otherwise.
    maker_address: str
    maker_phone: str
    paragraphs: tuple[ParagraphDoc, ...]  # the opening, one per incident, the closing: in order, numbered
    exhibits: tuple[ExhibitDoc, ...]  # every exhibit produced, in the order first produced
    references: tuple[str, ...] = ()  # police references of the case ("Crime ref 12/34567/26"), for the URN line
    dated: date | None = None  # the date printed beside the signature; None leaves it to be written by hand
    revision: int = 0


@dataclass(frozen=True)
class LetterDoc:
    """A letter as it is printed (dossiers/letter_pdf.py, letter_docx.py), made by casework.letter_text.letter_doc
    from a filled template: every text already in its words, a draft's missing values already "[in brackets]"."""

    title: str  # the template's title, the file's properties ("Subject access request to children's services")
    sender_name: str
    sender_address: tuple[str, ...]  # the lines under the name, top right: address, email, telephone
    recipient_name: str
    recipient_address: tuple[str, ...]
    dated: str  # as printed: "3 December 2026"
    salutation: str  # "Dear Sir or Madam"
    subject: str  # printed in bold under the salutation, with the reference numbers
    paragraphs: tuple[str, ...]  # numbered 1, 2, 3 ... as printed; a line break inside one is kept
    sign_off: str  # "Yours faithfully" after "Dear Sir or Madam", "Yours sincerely" after a name
    signature_name: str
    enclosures: tuple[str, ...] = ()
    draft: bool = True  # a draft is marked DRAFT on every page; only a final letter is sent
