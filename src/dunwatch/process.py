"""What every dunwatch process does first: its entry points (the CLI, the import's reader process)
call these; a library caller's process is left alone."""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder


class _NoPandas(MetaPathFinder):
    def find_spec(self, name, path, target=None):  # None (by falling off): not ours, ask the next finder
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("dunwatch does not use pandas", name=name)


def without_pandas() -> None:
    """Keep this process from loading pandas; for process entry points only (the CLI, the import's
    reader process), never for a library caller, who may use pandas.

    Why: pyarrow imports pandas, when it is installed, on its first pa.array() of Python values, to
    ask whether they are a pandas object: 50 MB of memory and half a second in every process, while
    no dunwatch command uses pandas (a test and benchmark dependency only). A finder that refuses
    the import makes pyarrow take it as "no pandas". (A None in sys.modules does not do: pyarrow's
    compiled import takes the None for the module.)"""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())
