import shutil

import pytest

from dossiers.signing import make_self_signed


@pytest.fixture(scope="session")
def _signing_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signing")
    make_self_signed(
        common_name="Test signing", organisation="Tests", key_path=folder / "key.pem", cert_path=folder / "cert.pem"
    )
    return folder


@pytest.fixture(autouse=True)
def signing_key(settings, _signing_pair, tmp_path):
    for name in ("key.pem", "cert.pem"):
        shutil.copy(_signing_pair / name, tmp_path / name)
    settings.SIGNING_KEY_FILE = tmp_path / "key.pem"
    settings.SIGNING_CERT_FILE = tmp_path / "cert.pem"
    return settings.SIGNING_CERT_FILE


@pytest.fixture
def drafted(case, owner):
    """A witness statement drafted from one incident that produces a screenshot (exhibit AJ/1)."""
    from incidents.services import evidence as evidence_services
    from tests.factories import log_incident, png_bytes, upload, witness_draft

    incident = log_incident(case, owner, title="A post", narrative="A post said we hurt our children.")
    evidence_services.evidence_attach(
        user=owner,
        case=case,
        kind="screenshot",
        description="Screenshot of the post",
        uploaded_file=upload("post.png", png_bytes()),
        incidents=[incident],
    )
    return witness_draft(case, owner)
