"""The public verification page in a real browser: the reader chooses their copy of the dossier, the browser
works out its SHA-256 itself (Web Crypto), and the page says whether it is the original. The file is never
sent: no POST, and no request made after the file is chosen (the page watch also fails on other hosts)."""

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from tests.e2e.browser import compile_in_thread, visit
from tests.factories import UserFactory, log_incident, make_case
from vault import store


@pytest.fixture
def dossier(transactional_db, signing_key):
    owner = UserFactory(full_name="Alice Jane Smith", initials="AJ")
    case = make_case(owner)
    log_incident(case, owner)
    made = Dossier.objects.create(case=case, requested_by=owner, options={"audience": "police"})
    compile_in_thread(made)
    return made


def test_the_reader_checks_their_copy_in_the_browser_and_nothing_is_sent(page, dossier, tmp_path):
    original = tmp_path / f"dossier-{dossier.verification_code}.pdf"
    original.write_bytes(b"".join(store.read_chunks(dossier.case, dossier.file_name)))
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(original.read_bytes() + b"\n%")
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.url)))

    visit(page, f"/verify/?code={dossier.verification_code}")
    result = page.get_by_role("region", name=f"Dossier {dossier.verification_code}")
    expect(result).to_contain_text("Signed by")
    expect(result).to_contain_text("Hillside Family Support records, Hillside Family Support, on ")
    expect(result).to_contain_text("sha256sum dossier.pdf")  # the instructions stay, for any other way
    loaded = len(requests)

    copy = page.get_by_label("Your copy of the dossier (PDF)")
    copy.set_input_files(original)
    outcome = page.locator("#verify-outcome")
    expect(outcome).to_have_text(
        f"This file matches. “{original.name}” is exactly the original dossier: nothing in it has been changed."
    )
    copy.set_input_files(changed)
    expect(outcome).to_contain_text("This file does not match. “changed.pdf” is not the original dossier")

    assert requests[loaded:] == []  # nothing at all after the page loaded: the file stayed in the browser
    assert [method for method, _url in requests if method != "GET"] == []
