"""A pytest plugin loaded into toot's own suite (tests/api/test_toot_integration.py): it leaves out
exactly the tests named in CHIRVIR_TOOT_DESELECT, where pytest's --deselect would also drop every
test whose name merely starts with one of them."""

import os


def pytest_collection_modifyitems(config, items):
    listed = set(os.environ.get("CHIRVIR_TOOT_DESELECT", "").split())
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid in listed])
    items[:] = [item for item in items if item.nodeid not in listed]
