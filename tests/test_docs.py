"""README's promises: two set-up commands, one of which CI runs; every CLI option documented."""

from __future__ import annotations

import re

from reportgen.cli import build_parser
from tests.conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```\n(.*?)```", setup, flags=re.DOTALL)]


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    install_and_run, install_and_test = commands
    assert "reportgen audit samples/" in install_and_run and "-o report.pdf" in install_and_run
    assert "pytest" in install_and_test
    assert install_and_test.index(".ci/check") < install_and_test.index("pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert install_and_test in ci


def test_readme_sample_paths_exist() -> None:
    install_and_run = readme_commands()[0]
    for path in re.findall(r"samples/\S+", install_and_run):
        assert (ROOT / path).exists(), path


def test_every_audit_option_is_in_the_readme() -> None:
    text = (ROOT / "README.md").read_text()
    audit = build_parser()._subparsers._group_actions[0].choices["audit"]  # type: ignore[union-attr]
    for action in audit._actions:
        if not action.option_strings or set(action.option_strings) & {"--help", "--debug"}:
            continue
        assert any(option in text for option in action.option_strings), action.option_strings
