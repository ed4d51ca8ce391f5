"""Mutation testing of the modules that guard the families (make mutate; not in CI).

For each module in MODULES: copy the repository to a scratch directory (MUTATE_WORK, /tmp/mutate-work by
default; /work/main itself is never written), write that module's files and tests into the copy's
[tool.mutmut], run mutmut there (one worker: the tests share one PostgreSQL test database, kept between
runs with --reuse-db), then print the module's score and every surviving mutant as file:line and its diff.
A summary is written to var/mutation.json (in the repository) for docs/mutation.md.

    python scripts/mutate.py                 every module, in the order of MODULES
    python scripts/mutate.py access audit    only these
    python scripts/mutate.py --list          the modules, their files and tests
    python scripts/mutate.py --markdown      var/mutation.json as docs/mutation.md's tables

The database is MUTATE_DATABASE_URL (postgres://postgres@127.0.0.1:5432/rt_mutate by default; pytest-django
makes test_<name> beside it) and the broker MUTATE_BROKER_URL, so that a run never meets anyone else's tests.
"""

# ruff: noqa: T201, S603 - a command-line tool that runs mutmut and prints its findings
import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("MUTATE_WORK", "/tmp/mutate-work"))  # noqa: S108 - a scratch copy, replaced each run
VENV_BIN = Path(sys.executable).parent


@dataclass
class Module:
    name: str
    files: list[str]
    tests: list[str]  # the tests that exercise it; paths that do not exist (yet) are skipped
    # Which functions to mutate, as mutmut names them ("dossiers.compile.x_pack_exhibits*"); empty: all of them.
    functions: list[str] = field(default_factory=list)


# The fastest first. The PDF text escaping is last: dossiers/pdf.py is the one most often being edited.
MODULES = [
    Module(
        "access",
        ["incidents/access.py"],
        [
            "tests/security/test_gate_edges.py",
            "tests/security/test_role_table.py",
            "tests/incidents/test_access.py",
            "tests/incidents/test_comments.py",
            "tests/accounts/test_reauth_return.py",
        ],
    ),
    Module(
        "filetypes",
        ["vault/filetypes.py"],
        ["tests/vault/test_filetype_edges.py", "tests/vault/test_filetype_table.py", "tests/vault/test_filetypes.py"],
    ),
    Module(
        "offences",
        ["casework/offences.py"],
        ["tests/casework/test_offences.py"],
    ),
    Module(
        "downloads",
        ["vault/downloads.py"],
        [
            "tests/test_csv_safety.py",
            "tests/vault/test_download_edges.py",
            "tests/dossiers/test_downloads.py",
            "tests/incidents/test_evidence.py",
        ],
    ),
    Module(
        "audit",
        ["audit/models.py", "audit/services.py", "audit/verify.py"],
        ["tests/audit/"],
    ),
    Module(
        "store",
        ["vault/store.py", "ops/management/commands/verify_evidence.py"],
        [
            "tests/vault/test_integrity.py",
            "tests/vault/test_store_edges.py",
            "tests/vault/test_store_key_edges.py",
            "tests/ops/test_verify_evidence_edges.py",
            "tests/incidents/test_evidence.py",
            "tests/ops/test_backup.py",
            "tests/test_keys.py",
        ],
    ),
    Module(
        "exhibits",
        ["incidents/services/evidence.py"],
        ["tests/incidents/test_evidence.py", "tests/incidents/test_exhibit_edges.py"],
        ["incidents.services.evidence.x_evidence_attach__mutmut_*"],
    ),
    Module(
        "dossier",
        ["dossiers/services.py", "dossiers/compile.py"],
        [
            "tests/dossiers/test_dossier_service.py",
            "tests/dossiers/test_dossier_edges.py",
            "tests/vault/test_integrity.py",
        ],
        ["dossiers.services.x_dossier_claim__mutmut_*", "dossiers.compile.x_pack_exhibits__mutmut_*"],
    ),
    Module(
        "pdf_text",
        ["dossiers/pdf.py"],
        ["tests/dossiers/test_dossier_output.py", "tests/dossiers/test_typeset.py", "tests/dossiers/test_pdf_edges.py"],
        ["dossiers.pdf.x_plain__mutmut_*", "dossiers.pdf.x_labelled__mutmut_*", "dossiers.pdf.x__frag__mutmut_*"],
    ),
]

EXCLUDE = [".git", ".venv", "node_modules", "var", "mutants", "__pycache__", ".ruff_cache", ".pytest_cache"]
STATUS = {  # mutmut's exit codes per mutant (mutmut.models.results)
    "killed": "killed",
    "timeout": "killed",  # a mutant that hangs the tests is caught
    "survived": "survived",
    "no tests": "survived",  # no selected test even calls it
    "suspicious": "survived",
    "skipped": "skipped",
    "not checked": "skipped",
    "segfault": "killed",
    "caught by type check": "killed",
}


def copy_repo(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    args = ["rsync", "-a", "--delete"] + [f"--exclude={x}" for x in EXCLUDE] + [f"{REPO}/", f"{dest}/"]
    subprocess.run(args, check=True)


def write_config(dest: Path, module: Module, tests: list[str]) -> None:
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text()
    selection = "pytest_add_cli_args_test_selection = " + json.dumps(tests)
    text = re.sub(r"^pytest_add_cli_args_test_selection = .*$", lambda _m: selection, text, flags=re.M)
    text = text.replace("[tool.mutmut]\n", "[tool.mutmut]\nonly_mutate = " + json.dumps(module.files) + "\n", 1)
    pyproject.write_text(text)


def environment(dest: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=os.environ.get("MUTATE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rt_mutate"),
        CELERY_BROKER_URL=os.environ.get("MUTATE_BROKER_URL", "redis://127.0.0.1:6379/14"),
        DEBUG="0",
        SECRET_KEY="mutation-only-secret-key-not-for-production",  # noqa: S106
        VAR_DIR=str(dest / "var"),
        STATIC_ROOT=str(WORK / "static"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env["MUTATE_TEST_DATABASE"] = "test_" + env["DATABASE_URL"].rsplit("/", 1)[-1].split("?")[0]
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    return env


def mutmut(dest: Path, env: dict, *args: str, check: bool = True, quiet: bool = False) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "mutmut"), *args], cwd=dest, env=env, text=True, capture_output=quiet, check=False
    )
    if check and result.returncode != 0:
        if quiet:
            print(result.stdout[-4000:], result.stderr[-4000:])
        raise SystemExit(f"mutmut {' '.join(args)} failed ({result.returncode}) in {dest}")
    return result.stdout or ""


def run_quietly(dest: Path, env: dict, *args: str) -> None:
    """mutmut run, its spinner redrawn many times a second cut down to a progress line a minute."""
    process = subprocess.Popen(
        [str(VENV_BIN / "mutmut"), *args], cwd=dest, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    last, shown, buffer = "", 0.0, b""
    while chunk := process.stdout.read1(4096):
        buffer += chunk
        *parts, buffer = re.split(rb"[\r\n]", buffer)
        for part in (p.decode(errors="replace").strip() for p in parts):
            if re.match(r"^\S* ?\d+/\d+ ", part):
                last = part
                if time.monotonic() - shown > 60:
                    print("   ", last, flush=True)
                    shown = time.monotonic()
            elif part and not part.endswith(
                ("Generating mutants", "Running stats", "Running clean tests", "Running forced fail test")
            ):
                print("   ", part[-300:], flush=True)
    print("   ", last, flush=True)
    if process.wait() != 0:
        raise SystemExit(f"mutmut {' '.join(args)} failed ({process.returncode}) in {dest}")


def results(dest: Path, env: dict) -> dict[str, str]:
    out = mutmut(dest, env, "results", "--all", "true", quiet=True)
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def wanted(name: str, module: Module) -> bool:
    if module.functions:
        return any(re.fullmatch(p.replace(".", r"\.").replace("*", ".*"), name) for p in module.functions)
    return name.split(".x")[0].replace(".", "/") + ".py" in module.files or any(
        name.startswith(f[:-3].replace("/", ".") + ".") for f in module.files
    )


def function_lines(path: Path) -> dict[str, int]:
    """The first line of each top-level function and method, by mutmut's mangled name."""
    lines = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines[f"x_{node.name}"] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines[f"xǁ{node.name}ǁ{item.name}"] = item.lineno
    return lines


def locate(name: str, diff: str, module: Module, dest: Path) -> str:
    """file:line of the first changed line of a mutant."""
    for f in module.files:
        dotted = f[:-3].replace("/", ".")
        if name.startswith(dotted + "."):
            mangled = name[len(dotted) + 1 :].split("__mutmut_")[0]
            start = function_lines(dest / f).get(mangled)
            if start is None:
                return f
            hunk = re.search(r"^@@ -(\d+)", diff, flags=re.M)
            offset = 0
            if hunk:
                body = diff[hunk.end() :].splitlines()[1:]
                offset = int(hunk.group(1)) - 1
                for line in body:
                    if line.startswith("-"):
                        break
                    offset += 1
            return f"{f}:{start + offset}"
    return "?"


def run_module(module: Module) -> dict:
    dest = WORK / module.name
    started = time.monotonic()
    copy_repo(dest)
    tests = [t for t in module.tests if (dest / t).exists()]
    write_config(dest, module, tests)
    env = environment(dest)
    static = WORK / "static"
    if not (static / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=dest, env=env, check=True
        )
    print(f"\n=== {module.name}: {', '.join(module.files)}\n    tests: {' '.join(tests)}", flush=True)
    run_quietly(dest, env, "run", "--max-children", "1", *module.functions)
    return report_module(module, dest, env, started)


def report_module(module: Module, dest: Path, env: dict, started: float) -> dict:
    """The score and the survivors of the run in `dest` (finished, or stopped part way: "not_run" counts
    the mutants it did not reach)."""
    config = (dest / "pyproject.toml").read_text()
    tests = json.loads(re.search(r"^pytest_add_cli_args_test_selection = (.*)$", config, re.M)[1])
    found = {k: v for k, v in results(dest, env).items() if wanted(k, module)}
    counts = {"killed": 0, "survived": 0, "skipped": 0}
    survivors = []
    for name, status in sorted(found.items(), key=lambda kv: (kv[0].split("__mutmut_")[0], int(kv[0].split("_")[-1]))):
        verdict = STATUS.get(status, "survived")
        counts[verdict] += 1
        if verdict == "survived":
            diff = mutmut(dest, env, "show", name, quiet=True).split("\n", 1)[-1].strip()
            survivors.append({"name": name, "status": status, "where": locate(name, diff, module, dest), "diff": diff})
    tried = counts["killed"] + counts["survived"]
    report = {
        "module": module.name,
        "files": module.files,
        "functions": module.functions,
        "tests": tests,
        "mutants": tried,
        "killed": counts["killed"],
        "survived": counts["survived"],
        "not_run": counts["skipped"],
        "score": round(100 * counts["killed"] / tried, 1) if tried else None,
        "seconds": round(time.monotonic() - started),
        "survivors": survivors,
    }
    print(f"\n--- {module.name}: {tried} mutants, {counts['killed']} killed, {counts['survived']} survived", end="")
    print(f", score {report['score']}%, {counts['skipped']} not reached  ({report['seconds']} s)")
    for s in survivors:
        print(f"\nSURVIVED {s['where']}  {s['name']} ({s['status']})\n{s['diff']}")
    return report


def markdown(summary: dict) -> str:
    lines = [
        "| module | files (functions) | mutants tried | killed | survived | score | not reached | time | run |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in MODULES:
        r = summary.get(m.name)
        if r is None:
            lines.append(f"| {m.name} | {', '.join(m.files)} | not run | | | | | | |")
            continue
        where = ", ".join(f"`{f}`" for f in r["files"])
        if r["functions"]:
            where += " (" + ", ".join(f"`{f.split('.x_')[-1].split('__')[0]}`" for f in r["functions"]) + ")"
        lines.append(
            f"| {m.name} | {where} | {r['mutants']} | {r['killed']} | {r['survived']} | {r['score']}% "
            f"| {r['not_run']} | {r['seconds']} s | {r.get('finished', '')}"
            f"{' (stopped part way)' * r.get('partial', 0)} |"
        )
    for m in MODULES:
        r = summary.get(m.name)
        for s in r["survivors"] if r else []:
            lines += ["", f"`{s['where']}` `{s['name']}` ({s['status']})", "", "```diff", s["diff"], "```"]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="module names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    parser.add_argument(
        "--collect",
        action="store_true",
        help="record the results of runs already in MUTATE_WORK (one stopped part way)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the last results as Markdown and exit")
    args = parser.parse_args()
    by_name = {m.name: m for m in MODULES}
    if args.list:
        for m in MODULES:
            print(f"{m.name:10} {' '.join(m.files)}  {' '.join(m.functions)}\n{'':10} tests: {' '.join(m.tests)}")
        return 0
    if args.markdown:
        print(markdown(json.loads((REPO / "var" / "mutation.json").read_text())))
        return 0
    unknown = [n for n in args.modules if n not in by_name]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; known: {list(by_name)}")
    chosen = [by_name[n] for n in args.modules] if args.modules else MODULES
    WORK.mkdir(parents=True, exist_ok=True)
    summary_path = REPO / "var" / "mutation.json"
    reports = []
    for module in chosen:
        if args.collect:
            dest = WORK / module.name
            copied = (dest / "pyproject.toml").stat().st_mtime
            report = report_module(module, dest, environment(dest), time.monotonic())
            last = max(p.stat().st_mtime for p in (dest / "mutants").rglob("*.meta"))
            report["seconds"], report["partial"] = round(last - copied), report["not_run"] > 0
        else:
            report = run_module(module)
        report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
        summary[module.name] = report
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.write_text(json.dumps(summary, indent=2))
        reports.append(report)
    print("\n=== mutation scores")
    print(f"{'module':10} {'mutants':>8} {'killed':>7} {'survived':>9} {'score':>7} {'time':>7}")
    for r in reports:
        score = f"{r['score']}%"
        print(f"{r['module']:10} {r['mutants']:>8} {r['killed']:>7} {r['survived']:>9} {score:>7} {r['seconds']:>6}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
