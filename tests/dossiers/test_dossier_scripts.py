"""Every character a parent can type, drawn in the dossier: checked in the compiled PDF with pdffonts and pdftotext.

Welsh, Polish, Czech, Vietnamese, Greek, Russian, Arabic, Urdu, Hebrew, Chinese, Japanese, Korean and emoji in
incident titles, narratives, party names, references and evidence descriptions; a file name disguised with a
right-to-left override. Every font embedded and subset; every letter given back by pdftotext; the override and
an emoji no font has shown as visible placeholders; right-to-left lines in reading order.
"""

import subprocess
import unicodedata

import pytest

from dossiers.models import Dossier
from dossiers.tasks import compile_dossier
from incidents.services import evidence as evidence_services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import log_incident, upload
from vault import store

pytestmark = pytest.mark.django_db

WELSH = "Ŵŵ Ŷŷ ÂâÊêÎîÔôÛû Ẁẁ Ẃẃ Ẅẅ Ỳỳ Mae'r ŵyr yn gŵr ifanc; tŷ ar y bryn"
POLISH = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ Zażółć gęślą jaźń"
CZECH = "ěščřžýáíéůú Příliš žluťoučký kůň úpěl ďábelské ódy"
VIETNAMESE = "Tiếng Việt có dấu: ắằẳẵặ ếềểễệ ốồổỗộ ứừửữự"
GREEK = "Ελληνικά: Ξεσκεπάζω την ψυχοφθόρα βδελυγμία"
RUSSIAN = "Русский: Съешь же ещё этих мягких французских булок"
CHINESE = "中文：他在学校论坛上发了帖子"
JAPANESE = "日本語：ひらがなとカタカナと漢字"
KOREAN = "한국어: 학교 게시판에 글을 올렸습니다"
ARABIC = "كتب أحد الحسابات المجهولة رسالة تهديد على صفحة المدرسة"
URDU = "یہ ایک دھمکی آمیز پیغام ہے۔ ٹرول نے ڈرایا اور بڑا نقصان کیا"
HEBREW_FIRST, HEBREW_LAST = "שלום", "סוף"
HEBREW = f"{HEBREW_FIRST} " + " ".join(["קיבלנו מכתב מהעירייה"] * 25) + f" {HEBREW_LAST}"
# A link's description: a paragraph parsed for its small URL line until it held right-to-left text.
LINK_FIRST, LINK_LAST = "ראשון", "אחרון"
LINK = f"{LINK_FIRST} " + " ".join(["הודעה בפורום על הילד שלנו"] * 12) + f" {LINK_LAST}"
EMOJI = "👶"  # in Symbola
NO_GLYPH_EMOJI = "\U0001fae0"  # melting face: newer than every font installed
DISGUISED = "file\u202egnp.exe"
SCRIPTS = [WELSH, POLISH, CZECH, VIETNAMESE, GREEK, RUSSIAN, CHINESE, JAPANESE, KOREAN]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def multilingual(case, owner, tmp_path):
    case.title = f"Achos {WELSH[:12]} {CHINESE[:4]}"
    case.save(update_fields=["title"])
    suspect = party_services.party_create(
        user=owner, case=case, kind="suspect", name=f"Ŵyn Ŷr / Иван / {ARABIC[:9]} / 王小明 / 김철수", handles="@ŵyn"
    )
    first = log_incident(
        case,
        owner,
        title=f"Welsh {WELSH}",
        narrative="\n".join([POLISH, CZECH, VIETNAMESE, GREEK, RUSSIAN, f"{EMOJI} {NO_GLYPH_EMOJI}"]),
        parties=[suspect],
    )
    second = log_incident(case, owner, title=f"{CHINESE} {JAPANESE}", narrative=f"{KOREAN}\n{ARABIC}\n{URDU}")
    third = log_incident(case, owner, title=ARABIC[:20], narrative=HEBREW)
    reference_services.reference_create(
        user=owner, case=case, kind="police", number=f"ŁÓDŹ/{GREEK[:4]}/1", incidents=[first]
    )
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="other",
        description=f"Attachment named {DISGUISED} {EMOJI} {JAPANESE}",
        uploaded_file=upload("note.txt", f"Notes: {RUSSIAN}\nSaved as {DISGUISED}\n".encode()),
        incidents=[second, third],
    )
    evidence_services.evidence_attach(
        user=owner, case=case, kind="web_page", description=LINK, source_url="https://forum.example/t/1"
    )
    dossier = Dossier.objects.create(
        case=case,
        requested_by=owner,
        options={"audience": "police", "date_from": None, "date_to": None, "photos": "inline", "redact": False},
    )
    assert compile_dossier(dossier.pk) == "done"
    dossier.refresh_from_db()
    path = tmp_path / "multilingual.pdf"
    path.write_bytes(store.read_all(dossier.case, dossier.file_name))
    return path


def pdf_text(path, *args) -> str:
    result = run("pdftotext", *args, path, "-")
    assert result.returncode == 0, result.stderr
    return unicodedata.normalize("NFC", result.stdout)


def test_every_font_is_embedded_and_subset(multilingual):
    result = run("pdffonts", multilingual)
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()[2:]
    assert len(rows) >= 4, result.stdout  # DejaVu Sans, Bold, Mono, and the fallbacks this text needs
    for row in rows:
        name, *_rest = row.split()
        columns = row[37:].split()  # type, encoding, emb, sub, uni, object ID, generation
        emb, sub = columns[-5], columns[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert "+" in name, row  # a subset's name: AAAAAA+Name
    names = result.stdout
    for family in ("DejaVuSans", "DejaVuSansMono", "Symbola", "WenQuanYiZenHei", "NotoNaskhArabic"):
        assert family in names, names
    for base14 in ("Helvetica", "Courier", "Times"):
        assert base14 not in names, names


def test_every_letter_of_every_script_comes_back(multilingual):
    text = pdf_text(multilingual)
    squashed = "".join(text.split())  # pdftotext breaks lines where the paragraph did
    for sample in SCRIPTS:
        assert "".join(sample.split()) in squashed, sample
    assert EMOJI in text


def test_right_to_left_letters_are_all_drawn(multilingual):
    # Arabic is drawn in its joined forms (presentation forms): NFKC gives back the letters typed.
    text = unicodedata.normalize("NFKC", pdf_text(multilingual))
    for sample in (ARABIC, URDU, HEBREW):
        missing = {ch for ch in unicodedata.normalize("NFKC", sample) if not ch.isspace() and ch not in text}
        assert not missing, (sample, missing)


def test_direction_override_and_unknown_emoji_are_visible(multilingual):
    text = pdf_text(multilingual)
    assert "Attachment named file⟨U+202E⟩gnp.exe" in text  # its description
    assert "Saved as file⟨U+202E⟩gnp.exe" in text  # the note's own text, in the appendix
    assert "\u202e" not in text
    assert "[emoji: melting face]" in text
    assert NO_GLYPH_EMOJI not in text


def _words(path) -> list[tuple[str, float, float, int]]:
    """Every word pdftotext -bbox finds: (text, xMin, yMin, page)."""
    import re

    html = pdf_text(path, "-bbox")
    out = []
    for page, body in enumerate(html.split("<page ")[1:]):
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', body):
            out.append((word, float(x), float(y), page))
    return out


@pytest.mark.parametrize(("first_word", "last_word"), [(HEBREW_FIRST, HEBREW_LAST), (LINK_FIRST, LINK_LAST)])
def test_a_right_to_left_paragraph_reads_from_the_right_line_after_line(multilingual, first_word, last_word):
    words = _words(multilingual)

    def find(word):
        found = [w for w in words if w[0] in (word, word[::-1])]
        assert found, word
        return found[0]

    first, last = find(first_word), find(last_word)
    assert first[3] == last[3] and first[2] < last[2], (first, last)  # the paragraph's lines, top to bottom
    hebrew = [w for w in words if any("\u0590" <= ch <= "\u05ff" for ch in w[0])]  # not a table's other columns
    same_line = [w for w in hebrew if w[3] == first[3] and abs(w[2] - first[2]) < 1]
    assert len(same_line) > 3
    assert first[1] == max(w[1] for w in same_line), same_line  # its first word at the right of the first line
