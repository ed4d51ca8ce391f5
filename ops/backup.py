"""One-archive backups: the database and the (encrypted) evidence store, with a manifest.

The archive holds evidence exactly as stored, still encrypted. The master key is NOT in it
unless asked for (--include-keys): keep the key apart from the backups it protects.
"""

import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.db import connection

from vault import store

FORMAT = "referral-tracker-backup/1"


class BackupError(Exception):
    pass


def _pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = [
        "--host",
        str(db.get("HOST") or "localhost"),
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        str(db.get("USER") or "postgres"),
    ]
    return env, args


def _run(command: list[str], env: dict) -> None:
    """Run pg_dump or pg_restore: a fixed program (the PostgreSQL client on PATH, as an operator would run
    it) with arguments from settings, without a shell."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_database(target: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(db)
        command = ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", db["NAME"]]
        _run(command, env)
        return "postgresql"
    if connection.vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # a consistent copy even while the site is running
        copy.close()
        source.close()
        return "sqlite"
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def backup(destination: Path, *, include_keys: bool = False) -> dict:
    """Write one .tar archive; returns its manifest."""
    evidence_root = store.root()
    with tempfile.TemporaryDirectory(prefix="backup-") as tmp:
        dump = Path(tmp) / "database.dump"
        vendor = _dump_database(dump)
        files = store.stored_files()
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": {
                "vendor": vendor,
                "file": "database.dump",
                "sha256": _sha256(dump),
                "size": dump.stat().st_size,
            },
            "evidence": [
                {"file": f"evidence/{p.relative_to(evidence_root)}", "sha256": _sha256(p), "size": p.stat().st_size}
                for p in files
            ],
            "keys_included": include_keys,
        }
        partial = destination.with_name(destination.name + ".part")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, "database.dump")
            for path, entry in zip(files, manifest["evidence"], strict=True):
                archive.add(path, entry["file"])
            if include_keys and store.key_file().exists():
                archive.add(store.key_file(), "keys/evidence-master.key")
        partial.replace(destination)
    return manifest


def _database_is_empty() -> bool:
    return "audit_auditevent" not in connection.introspection.table_names()


def restore(source: Path, *, force_evidence: bool = False) -> dict:
    """Bring an archive back into an EMPTY database and evidence store. Checks every hash first."""
    evidence_root = store.root()
    if not _database_is_empty():
        raise BackupError("The database is not empty. Restore into a new, empty database.")
    if evidence_root.exists() and any(evidence_root.iterdir()) and not force_evidence:
        raise BackupError(f"{evidence_root} is not empty. Restore into an empty evidence store.")
    with tempfile.TemporaryDirectory(prefix="restore-") as tmp, tarfile.open(source) as archive:
        archive.extractall(tmp, filter="data")
        root = Path(tmp)
        manifest = json.loads((root / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("This is not a Referral Tracker backup.")
        for entry in [manifest["database"], *manifest["evidence"]]:
            if _sha256(root / entry["file"]) != entry["sha256"]:
                raise BackupError(f"{entry['file']} in the archive does not match its manifest.")
        _load_database(root / "database.dump", manifest["database"]["vendor"])
        for entry in manifest["evidence"]:
            target = evidence_root / Path(entry["file"]).relative_to("evidence")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / entry["file"], target)
        if manifest.get("keys_included") and (root / "keys/evidence-master.key").exists():
            key = store.key_file()
            if not key.exists():
                key.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / "keys/evidence-master.key", key)
                key.chmod(0o600)
    return manifest


def _load_database(dump: Path, vendor: str) -> None:
    db = connection.settings_dict
    if vendor != connection.vendor:
        raise BackupError(f"This backup is of a {vendor} database; the site is set up for {connection.vendor}.")
    if vendor == "postgresql":
        connection.close()
        env, args = _pg_env_and_args(db)
        command = [
            "pg_restore",
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={db['NAME']}",
            str(dump),
        ]
        _run(command, env)
    else:
        connection.close()
        shutil.copy2(dump, db["NAME"])
