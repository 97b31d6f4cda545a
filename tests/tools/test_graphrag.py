"""neo4j-graphrag's checks of the server it talks to: the version it reads from
dbms.components() must be one it supports (5.18.1 or later)."""

import neo4j
from neo4j_graphrag.utils.version_utils import (
    get_version,
    has_metadata_filtering_support,
    has_vector_index_support,
)


def test_graphrag_accepts_the_server_version(address):
    with neo4j.GraphDatabase.driver(f"bolt://{address}", auth=("neo4j", "unused")) as driver:
        version, aura, enterprise = get_version(driver)
        assert version >= (5, 18, 1), version
        assert not aura and not enterprise
        assert has_vector_index_support(version)
        assert has_metadata_filtering_support(version, aura)
