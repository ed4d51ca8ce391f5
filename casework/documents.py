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
