"""Fixtures shared by the live commit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def prop(live_cluster):
    """A cluster property of its own (value "loaded"), removed afterwards."""
    name = live_cluster.unique_id("clush-live-prop")
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-v", "loaded"])
    yield name
    live_cluster.run(["crm_attribute", "-t", "crm_config", "-n", name, "-D"])
