"""Shared fixtures for the Bolt driver suite.

The Rust integration test `tests/it/bolt.rs` starts `korpu serve --bolt 127.0.0.1:0`
over the bundled graph and passes its address in KORPU_BOLT_ADDRESS, and the binary in
KORPU_BIN (for tests that need a server of their own, such as authentication).
"""

import os

import pytest
from neo4j import GraphDatabase


def address():
    value = os.environ.get("KORPU_BOLT_ADDRESS")
    if not value:
        pytest.fail("KORPU_BOLT_ADDRESS is not set; run this suite through `cargo test bolt`")
    return value


@pytest.fixture(params=["bolt", "neo4j"])
def driver(request):
    """A driver over each URI scheme: bolt:// (direct) and neo4j:// (routing)."""
    with GraphDatabase.driver(f"{request.param}://{address()}", auth=("neo4j", "unused")) as made:
        yield made


@pytest.fixture
def bolt_driver():
    with GraphDatabase.driver(f"bolt://{address()}", auth=("neo4j", "unused")) as made:
        yield made
