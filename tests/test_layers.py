"""The package shows the flow: the import contracts of pyproject.toml hold, and no module is part of an import cycle."""
from __future__ import annotations

from pathlib import Path

import grimp
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_a_stage_imports_only_the_stages_below_it():
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True) == 0


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("pipeline", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.append(" -> ".join((module, *chain)))
    assert cycles == []


def test_the_layering_test_sees_a_cycle(tmp_path, monkeypatch):
    """The cycle test above can fail: a package whose two modules import each other is reported."""
    package = tmp_path / "cyclic_example"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic_example import b\n")
    (package / "b.py").write_text("from cyclic_example import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyclic_example", cache_dir=None)
    assert graph.find_shortest_chain(importer="cyclic_example.b", imported="cyclic_example.a") == ("cyclic_example.b", "cyclic_example.a")
