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


@pytest.fixture
def idle_cluster(live_cluster):
    """The live cluster with no pending actions: probes of resources other tests created write
    status updates, which move the CIB's version between a test's load and its commit."""
    live_cluster.wait_idle()
    return live_cluster
