"""debian-packages.txt is the one list of Debian packages the product needs at run time: make system-deps and
the Dockerfile install from it, and every font file dossiers/typeset.py loads, and the chromium the capture
worker drives, come from a package on it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dossiers import typeset

ROOT = Path(__file__).resolve().parent.parent


def listed() -> list[str]:
    lines = (ROOT / "debian-packages.txt").read_text().splitlines()
    return [word for line in lines for word in line.split("#", 1)[0].split()]


def test_the_list_names_libmagic_and_the_font_packages():
    packages = listed()
    assert "libmagic1" in packages
    assert len(packages) == len(set(packages))
    for font in typeset.all_fonts():
        assert font.package in packages, font


# The browser the capture worker drives (capture/browser.py): Debian's, installed with the product, not a download.
CHROMIUM = "/usr/bin/chromium"


def test_the_list_names_the_chromium_the_capture_worker_drives():
    assert "chromium" in listed()
    browser = ROOT / "capture" / "browser.py"
    if browser.exists():  # the worker names this executable, and no other
        assert f'"{CHROMIUM}"' in browser.read_text()


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg: a Debian machine")
def test_the_chromium_executable_belongs_to_a_listed_package():
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: run make runtime-deps"
    result = subprocess.run(["dpkg", "-S", CHROMIUM], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    owners = {name.strip().split(":")[0] for name in result.stdout.split(":", 1)[0].split(",")}
    assert owners & set(listed()), owners
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=True, timeout=60)
    assert version.stdout.startswith("Chromium "), version.stdout


def _rule(makefile: str, target: str) -> str:
    return re.search(rf"^{target}:.*?(?=^\S)", makefile, re.M | re.S).group(0)


def test_make_reads_the_list_for_the_tests_and_for_make_run():
    makefile = (ROOT / "Makefile").read_text()
    recipe = _rule(makefile, "runtime-deps")
    assert "debian-packages.txt" in recipe
    assert "dpkg-query" in recipe and "apt-get install" in recipe
    # make test's system step and make run both install it first.
    assert "runtime-deps" in _rule(makefile, "system-deps").splitlines()[0]
    assert "runtime-deps" in _rule(makefile, "run").splitlines()[0]


def test_the_dockerfile_copies_the_list_and_installs_from_it():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY debian-packages\.txt ", dockerfile, re.M)
    install = next(line for line in dockerfile.split("RUN ") if "apt-get install" in line)
    assert "debian-packages.txt" in install
    assert "libpq-dev" in install and "gcc" in install


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg: a Debian machine")
def test_every_font_file_exists_and_belongs_to_a_listed_package():
    packages = listed()
    for font in typeset.all_fonts():
        assert Path(font.path).is_file(), f"{font.path} is missing: run make system-deps"
        result = subprocess.run(["dpkg", "-S", font.path], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        owners = {name.strip().split(":")[0] for name in result.stdout.split(":", 1)[0].split(",")}
        assert owners & set(packages), (font.path, owners)
        assert font.package in owners, (font.path, owners)
