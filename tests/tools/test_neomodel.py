"""neomodel, the Neo4j OGM, against a writable Körpü: its schema install, saves, queries
and the UniqueProperty it raises on a duplicate (which it finds by Neo4j's wording)."""

import pytest
from neomodel import IntegerProperty, RelationshipTo, StringProperty, StructuredNode, config, db
from neomodel.exceptions import UniqueProperty


class Seher(StructuredNode):
    ad = StringProperty(unique_index=True, required=True)
    ehali = IntegerProperty()


class Teskilat(StructuredNode):
    ad = StringProperty(unique_index=True, required=True)
    yerlesir = RelationshipTo(Seher, "YERLƏŞIR")


def test_neomodel_saves_queries_and_refuses_a_duplicate(address):
    config.DATABASE_URL = f"bolt://neo4j:unused@{address}"
    db.install_labels(Seher)
    db.install_labels(Teskilat)
    baki = Seher(ad="Bakı", ehali=2300000).save()
    forum = Teskilat(ad="Diaspor Forumu").save()
    forum.yerlesir.connect(baki)
    assert Seher.nodes.get(ad="Bakı").ehali == 2300000
    assert [city.ad for city in Teskilat.nodes.get(ad="Diaspor Forumu").yerlesir.all()] == ["Bakı"]
    with pytest.raises(UniqueProperty) as raised:
        Seher(ad="Bakı").save()
    assert "already exists with label" in str(raised.value)
    assert len(Seher.nodes.all()) == 1
