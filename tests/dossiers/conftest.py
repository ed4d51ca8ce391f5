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
