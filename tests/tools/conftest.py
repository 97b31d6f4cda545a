"""Shared fixtures for the tool suites: the Rust test `tests/it/tools.rs` starts a
`korpu serve --bolt 127.0.0.1:0` and passes its address in KORPU_BOLT_ADDRESS."""

import os

import pytest


@pytest.fixture
def address():
    value = os.environ.get("KORPU_BOLT_ADDRESS")
    if not value:
        pytest.fail("KORPU_BOLT_ADDRESS is not set; run this suite through `cargo test tools`")
    return value
