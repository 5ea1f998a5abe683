"""Every command lists itself with a purpose and has --help with an example."""

import click
import pytest
from conftest import run_cli

from dunwatch.cli import COMMANDS, LazyGroup, cli


def _leaf_commands():
    ctx = click.Context(cli)
    for name in LazyGroup.list_commands(cli, ctx):
        cmd = cli.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            for sub in cmd.list_commands(ctx):
                yield (name, sub)
        else:
            yield (name,)


def test_top_level_help_lists_every_command_with_a_purpose():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for name, (_, _, purpose) in COMMANDS.items():
        assert name in proc.stdout
        assert purpose.split(" / ")[0][:8] in proc.stdout


@pytest.mark.parametrize("path", list(_leaf_commands()), ids=lambda p: " ".join(p))
def test_each_command_has_help_with_an_example(path):
    proc = run_cli(*path, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Example" in proc.stdout and f"dunwatch {' '.join(path)}" in proc.stdout


def test_unknown_command_is_a_clear_error():
    proc = run_cli("frobnicate")
    assert proc.returncode == 2 and "frobnicate" in proc.stderr and "Traceback" not in proc.stderr
