"""Every command the README shows works as written on a fresh clone: its program (the venv's, `make`, `curl`…), each
`manage.py` subcommand with `DEBUG=true` and flags that exist, each make target, and example dates Cost Explorer
still serves on any day (`$(date …)` expressions are evaluated at the test's instant)."""

import re
import subprocess
import time
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import get_commands, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone

from collection.services.windows import earliest_available
from tests.processes import ROOT

README = (ROOT / "README.md").read_text()
FENCED = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
PROGRAMS = {"make", "curl", "docker", "bash", ".venv/bin/python", ".venv/bin/celery", ".venv/bin/gunicorn"}
# An inline `span` is a command to run when it starts with one of these (other spans name things in prose).
RUNNABLE = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:(?:python|celery|gunicorn|make|curl|bash)(?= |$)|\.venv/)")
PLACEHOLDERS = {"YYYY-MM-DD", "YYYY-MM-01", "YYYY-MM"}
MAKE_TARGETS = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))
# Evaluated by bash at the test's instant: `date` without -d reads that instant (a calendar pass travels), with -d
# (an absolute day, once the inner expansion is done) it is left alone.
SHELL_DATE = 'date() {{ case " $* " in *" -d "*) command date "$@" ;; *) command date -d @{epoch} "$@" ;; esac; }}'


def readme_commands() -> list[str]:
    """The command lines of the README's `sh` blocks, and its inline spans that run something."""
    commands = []
    for language, body in FENCED.findall(README):
        if language == "sh":
            commands += [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    prose = FENCED.sub("", README)
    commands += [span for span in re.findall(r"`([^`\n]+)`", prose) if RUNNABLE.match(span)]
    return commands


COMMANDS = readme_commands()


def words(command: str, tmp_path) -> list[str]:
    """`command`'s words as bash splits them, with its `$(date …)` evaluated; `VAR=$(cmd)` is read as `cmd`."""
    command = re.sub(r"^\w+=\$\((.*)\)$", r"\1", command)
    assert all(command.startswith("date ", i + 2) for i in (m.start() for m in re.finditer(r"\$\(", command))), (
        f"only $(date …) is evaluated in README commands: {command}"
    )
    script = f"{SHELL_DATE.format(epoch=int(time.time()))}; printf '%s\\0' {command}"
    # In an empty folder, so that a `[--flag]` is never taken for a file name pattern.
    out = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)  # noqa: S603, S607
    return out.stdout.split("\0")[:-1]


def program(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """(the environment assignments before the program, the program and its arguments)."""
    env = {}
    while argv and re.match(r"^[A-Z_]+=", argv[0]):
        name, _, value = argv.pop(0).partition("=")
        env[name] = value
    return env, argv


def sample(word: str, today: date) -> str:
    """A placeholder (`YYYY-MM-DD`…) as a real value, so that its command's parser reads it."""
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return {"YYYY-MM-DD": str(today), "YYYY-MM-01": str(last_month), "YYYY-MM": f"{last_month:%Y-%m}"}.get(word, word)


def check_in_history(value: str, *, what: str, today: date) -> None:
    day = date.fromisoformat(value + "-01" if len(value) == 7 else value)
    assert earliest_available(today=today) <= day <= today + timedelta(days=1), (
        f"{what} {value} is outside Cost Explorer's history on {today}: make it relative to today, or a placeholder"
    )


def check_manage(env: dict, args: list[str], *, today: date) -> None:
    assert env.get("DEBUG") == "true", f"manage.py on the embedded defaults needs DEBUG=true: {args}"
    name, options = args[0], [word.strip("[]") for word in args[1:]]
    commands = get_commands()
    assert name in commands, f"no manage.py command {name!r}"
    parser = load_command_class(commands[name], name).create_parser("manage.py", name)
    for index, word in enumerate(options):
        if index and options[index - 1] in {"--start", "--end", "--month"} and word not in PLACEHOLDERS:
            check_in_history(word, what=options[index - 1], today=today)
    try:
        parser.parse_args([sample(word, today) for word in options if word != "|"])
    except CommandError as exc:
        pytest.fail(f"manage.py {' '.join(args)}: {exc}")


def check_curl(args: list[str], *, today: date) -> None:
    url = next(word for word in args if word.startswith("http"))
    assert urlparse(url).hostname == "127.0.0.1", f"make run serves 127.0.0.1: {url}"
    query = parse_qs(urlparse(url).query)
    for name in ("start", "end"):
        for value in query.get(name, []):
            check_in_history(value, what=name, today=today)


def test_the_readme_shows_commands():
    assert len(COMMANDS) > 15
    assert "make run" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_a_readme_command_works_as_written(command, tmp_path):
    today = timezone.now().date()
    env, argv = program(words(command, tmp_path))
    assert argv[0] in PROGRAMS, f"{argv[0]!r} is not on a fresh clone's PATH (use the venv's, or a make target)"
    if argv[0] == "make":
        assert set(argv[1:]) <= MAKE_TARGETS, f"no make target {argv[1:]}"
    elif argv[0] == "bash":
        assert (ROOT / argv[1]).is_file()
    elif argv[0] == "curl":
        check_curl(argv, today=today)
    elif argv[0] == ".venv/bin/python" and argv[1] == "manage.py":
        check_manage(env, argv[2:], today=today)
    elif argv[0] == ".venv/bin/python":
        assert argv[1:3] == ["-m", "pytest"] or (ROOT / argv[1]).is_file(), f"no script {argv[1]}"
    elif argv[0] == ".venv/bin/celery":
        assert argv[1:3] == ["-A", "costmonitor"]
        assert argv[3] in {"worker", "beat"}
    elif argv[0] == ".venv/bin/gunicorn":
        assert (ROOT / (argv[1].split(":")[0].replace(".", "/") + ".py")).is_file()


def test_a_date_beyond_the_history_is_caught():
    with pytest.raises(AssertionError, match="outside Cost Explorer's history"):
        check_in_history("2020-06-01", what="--start", today=date(2026, 12, 1))
