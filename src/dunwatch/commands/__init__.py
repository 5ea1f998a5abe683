"""CLI commands, one small module each (registered in dunwatch.cli.COMMANDS)."""
