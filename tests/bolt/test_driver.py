"""The official Neo4j Python driver against `korpu serve --bolt`.

Each test runs with the driver the virtual environment holds (CI runs the suite with
neo4j 6.x and with neo4j-driver 5.x). Values go both ways: parameters of every type
Körpü has come back unchanged, and results of every type arrive as the driver's own
Node, Relationship, Path and temporal types.
"""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid

import neo4j
import pytest
import pytz
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    CypherSyntaxError,
    CypherTypeError,
    ForbiddenOnReadOnlyDatabase,
    WriteServiceUnavailable,
)
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

from conftest import address


def single(driver, query, **parameters):
    records, _, _ = driver.execute_query(query, parameters)
    assert len(records) == 1, records
    return records[0]


def test_verify_connectivity_and_server_agent(driver):
    driver.verify_connectivity()
    info = driver.get_server_info()
    assert info.agent.startswith("Neo4j/"), info.agent
    assert "Korpu" in info.agent, info.agent


STOCKHOLM = pytz.timezone("Europe/Stockholm")

PARAMETERS = {
    "null": None,
    "true": True,
    "int": -(2**40),
    "float": 2.5,
    "string": "Bakı ə ş 🙂",
    "list": [1, "two", [3.0, None]],
    "map": {"a": {"b": [1, {"c": "d"}]}, "e": []},
    "date": datetime.date(1918, 5, 28),
    "local_time": datetime.time(12, 30, 15, 250000),
    # The driver asks the zone for the offset of a bare time, which pytz's fixed offsets
    # answer and datetime.timezone refuses.
    "time": datetime.time(12, 30, 15, tzinfo=pytz.FixedOffset(240)),
    "local_datetime": datetime.datetime(2024, 2, 29, 23, 59, 59, 999999),
    "datetime_offset": datetime.datetime(
        2015, 7, 21, 21, 40, 32, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
    ),
    "datetime_zone": STOCKHOLM.localize(datetime.datetime(2017, 3, 26, 3, 30)),
    "duration": Duration(years=1, months=2, days=3, hours=4, minutes=5, seconds=6, nanoseconds=7),
}


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameters_of_every_type_come_back_unchanged(driver, name):
    sent = PARAMETERS[name]
    record = single(driver, "RETURN $value AS value", value=sent)
    back = record["value"]
    if isinstance(sent, datetime.datetime) and sent.tzinfo is not None:
        assert back.to_native() == sent
        assert back.utcoffset() == sent.utcoffset()
        if name == "datetime_zone":
            assert str(back.tzinfo) == "Europe/Stockholm"
    elif isinstance(sent, datetime.time) and sent.tzinfo is not None:
        # Python cannot compare times with a fixed offset; compare their parts.
        assert (back.hour, back.minute, back.second) == (sent.hour, sent.minute, sent.second)
        assert back.utc_offset() == sent.utcoffset()
    elif isinstance(sent, (datetime.date, datetime.time)):
        assert back.to_native() == sent, (back, sent)
    else:
        assert back == sent


def test_parameters_take_part_in_the_query(driver):
    record = single(
        driver,
        "RETURN $date + duration('P1D') AS next, $list[1] AS second, size($map.a.b) AS size",
        date=datetime.date(2020, 2, 28),
        list=[1, 2, 3],
        map={"a": {"b": [1, 2]}},
    )
    assert record["next"] == Date(2020, 2, 29)
    assert record["second"] == 2
    assert record["size"] == 2


def test_temporal_results_arrive_as_driver_types(driver):
    record = single(
        driver,
        """
        RETURN date('2024-02-29') AS date,
               localtime('12:30:15.123456789') AS local_time,
               time('12:30:15+04:00') AS time,
               localdatetime('2024-02-29T23:59:59.5') AS local_datetime,
               datetime('2015-07-21T21:40:32.142+01:00') AS offset,
               datetime('2017-03-26T02:30[Europe/Stockholm]') AS zoned,
               duration('P1Y2M3DT4H5M6.000000007S') AS duration
        """,
    )
    assert record["date"] == Date(2024, 2, 29)
    assert record["local_time"] == Time(12, 30, 15, 123456789)
    assert record["time"].utc_offset() == datetime.timedelta(hours=4)
    assert (record["time"].hour, record["time"].minute) == (12, 30)
    assert record["local_datetime"] == DateTime(2024, 2, 29, 23, 59, 59, 500000000)
    offset = record["offset"]
    assert offset.utcoffset() == datetime.timedelta(hours=1)
    assert (offset.hour, offset.minute, offset.nanosecond) == (21, 40, 142000000)
    zoned = record["zoned"]
    # 02:30 does not exist that night in Stockholm; Körpü, like Neo4j, moves it to 03:30.
    assert (zoned.hour, zoned.minute) == (3, 30)
    assert str(zoned.tzinfo) == "Europe/Stockholm"
    assert zoned.utcoffset() == datetime.timedelta(hours=2)
    assert record["duration"] == Duration(
        months=14, days=3, seconds=4 * 3600 + 5 * 60 + 6, nanoseconds=7
    )


def test_nodes_relationships_and_paths(driver):
    record = single(
        driver,
        """
        MATCH p = (ngo:NGO)-[r:PARTNERS_WITH]-(group:DiasporaGroup)
        RETURN ngo, r, group, p, elementId(ngo) AS ngo_id, elementId(r) AS r_id,
               startNode(r) = ngo AS forward, [ngo, {r: r}] AS nested
        ORDER BY ngo_id, r_id LIMIT 1
        """,
    )
    ngo, relationship, group, path = record["ngo"], record["r"], record["group"], record["p"]
    assert isinstance(ngo, Node) and "NGO" in ngo.labels
    assert ngo.element_id == record["ngo_id"]
    assert ngo["name"]
    assert isinstance(relationship, Relationship)
    assert relationship.type == "PARTNERS_WITH"
    assert relationship.element_id == record["r_id"]
    ends = {relationship.start_node.element_id, relationship.end_node.element_id}
    assert ends == {ngo.element_id, group.element_id}
    assert isinstance(path, Path)
    assert [node.element_id for node in path.nodes] == [ngo.element_id, group.element_id]
    assert path.start_node.element_id == ngo.element_id
    assert path.relationships[0].element_id == relationship.element_id
    # The path keeps the relationship's own direction, whichever way it was walked.
    walked_forward = path.relationships[0].start_node.element_id == ngo.element_id
    assert walked_forward == record["forward"]
    nested_node, nested_map = record["nested"]
    assert nested_node.element_id == ngo.element_id
    assert nested_map["r"].type == "PARTNERS_WITH"


def test_a_longer_path_walked_both_ways(driver):
    record = single(
        driver,
        """
        MATCH p = (a)-[:PARTNERS_WITH]->(b)<-[:PARTNERS_WITH]-(c) WHERE a <> c
        RETURN p, [n IN nodes(p) | elementId(n)] AS ids LIMIT 1
        """,
    )
    path = record["p"]
    assert len(path) == 2
    assert [node.element_id for node in path.nodes] == record["ids"]
    first, second = path.relationships
    assert first.start_node.element_id == record["ids"][0]
    assert second.start_node.element_id == record["ids"][2]


def test_result_larger_than_the_fetch_size(bolt_driver):
    with bolt_driver.session(fetch_size=2) as session:
        values = [record["i"] for record in session.run("UNWIND range(1, 25) AS i RETURN i")]
    assert values == list(range(1, 26))


def test_explicit_transaction_holding_two_open_results(driver):
    with driver.session(fetch_size=2) as session:
        with session.begin_transaction() as tx:
            letters = tx.run("UNWIND ['a', 'b', 'c', 'd', 'e'] AS x RETURN x")
            numbers = tx.run("UNWIND range(1, 5) AS x RETURN x")
            pairs = [(next(letters)["x"], next(numbers)["x"]) for _ in range(5)]
            tx.commit()
    assert pairs == [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)]


def count_tagged(driver, tag):
    return single(driver, "MATCH (n:BoltTest {tag: $tag}) RETURN count(n) AS n", tag=tag)["n"]


def test_commit_keeps_and_rollback_leaves_no_trace(driver):
    tag = str(uuid.uuid4())
    with driver.session() as session:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:BoltTest {tag: $tag})", tag=tag).consume()
            tx.run("CREATE (:BoltTest {tag: $tag})", tag=tag).consume()
            inside = tx.run("MATCH (n:BoltTest {tag: $tag}) RETURN count(n) AS n", tag=tag)
            assert inside.single()["n"] == 2
            tx.rollback()
    assert count_tagged(driver, tag) == 0
    with driver.session() as session:
        summary = session.execute_write(
            lambda tx: tx.run("CREATE (:BoltTest {tag: $tag})", tag=tag).consume()
        )
    assert summary.counters.nodes_created == 1
    assert count_tagged(driver, tag) == 1


def test_a_failed_statement_undoes_its_transaction(bolt_driver):
    tag = str(uuid.uuid4())
    with bolt_driver.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:BoltTest {tag: $tag})", tag=tag).consume()
        with pytest.raises(ClientError):
            tx.run("RETURN 1 / 0").consume()
        tx.close()
    assert count_tagged(bolt_driver, tag) == 0


def test_errors_carry_neo4j_codes_and_the_connection_recovers(driver):
    with pytest.raises(CypherSyntaxError) as raised:
        driver.execute_query("MATCH (n RETURN n")
    assert raised.value.code == "Neo.ClientError.Statement.SyntaxError"
    assert "^" in raised.value.message
    assert single(driver, "RETURN 1 AS one")["one"] == 1
    with pytest.raises(ClientError) as raised:
        driver.execute_query("RETURN $absent")
    assert raised.value.code == "Neo.ClientError.Statement.ParameterMissing"
    with pytest.raises(CypherTypeError):
        driver.execute_query("RETURN $text - 1", text="text")
    with pytest.raises(ClientError) as raised:
        driver.execute_query("RETURN 1 / 0")
    assert raised.value.code == "Neo.ClientError.Statement.ArithmeticError"
    with pytest.raises(CypherTypeError):
        driver.execute_query("RETURN $b + 1", b=b"bytes")
    assert single(driver, "RETURN 2 AS two")["two"] == 2


def test_a_session_after_an_error_in_auto_commit(bolt_driver):
    with bolt_driver.session() as session:
        with pytest.raises(CypherSyntaxError):
            session.run("RETRUN 1").consume()
        assert session.run("RETURN 3 AS three").single()["three"] == 3


def test_write_statistics(bolt_driver):
    tag = str(uuid.uuid4())
    _, summary, _ = bolt_driver.execute_query(
        "CREATE (a:BoltTest {tag: $tag})-[:LINKS]->(b:BoltTest {tag: $tag})", tag=tag
    )
    assert summary.counters.nodes_created == 2
    assert summary.counters.relationships_created == 1
    assert summary.counters.properties_set == 2
    assert summary.counters.labels_added == 2


def test_schema_commands_and_a_constraint_refusal(bolt_driver):
    names, _, _ = bolt_driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type WHERE name = 'organization_name' RETURN name, type"
    )
    assert [tuple(record) for record in names] == [("organization_name", "UNIQUENESS")]
    with pytest.raises(neo4j.exceptions.ConstraintError) as raised:
        bolt_driver.execute_query(
            "CREATE (:Organization {name: 'Milli Qeyri Hökumət Təşkilatları Forumu'})"
        )
    assert raised.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    assert "organization_name" in raised.value.message
    name = "bolt_" + uuid.uuid4().hex
    _, summary, _ = bolt_driver.execute_query(f"CREATE INDEX {name} FOR (n:BoltTest) ON (n.tag)")
    assert summary.counters.indexes_added == 1
    shown, _, _ = bolt_driver.execute_query(
        "SHOW INDEXES YIELD name, type, labelsOrTypes WHERE name = $name RETURN type, labelsOrTypes",
        name=name,
    )
    assert [tuple(record) for record in shown] == [("RANGE", ["BoltTest"])]
    _, summary, _ = bolt_driver.execute_query(f"DROP INDEX {name}")
    assert summary.counters.indexes_removed == 1


def test_a_client_killed_mid_stream_harms_nothing(bolt_driver):
    tag = str(uuid.uuid4())
    # The child opens a transaction, writes, starts reading a large result and is killed
    # with SIGKILL while it holds the transaction and the result.
    script = textwrap.dedent(
        f"""
        import os, sys
        from neo4j import GraphDatabase
        driver = GraphDatabase.driver("bolt://{address()}", auth=("neo4j", "unused"))
        session = driver.session(fetch_size=10)
        tx = session.begin_transaction()
        tx.run("CREATE (:BoltTest {{tag: '{tag}'}})").consume()
        result = tx.run("UNWIND range(1, 100000) AS i RETURN i")
        next(iter(result))
        print("streaming", flush=True)
        sys.stdin.read()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "streaming"
    child.send_signal(signal.SIGKILL)
    child.wait()
    # The server rolled the transaction back and serves everyone else as before.
    assert count_tagged(bolt_driver, tag) == 0
    assert single(bolt_driver, "RETURN 4 AS four")["four"] == 4


def test_fifty_concurrent_sessions_lose_nothing_and_see_no_half_transaction(driver):
    run = str(uuid.uuid4())
    writers, readers, rounds = 10, 40, 5
    problems = []

    def write(number):
        try:
            for round_number in range(rounds):
                pair = f"{number}-{round_number}"

                def create(tx):
                    tx.run("CREATE (:BoltPair {run: $run, pair: $pair})", run=run, pair=pair).consume()
                    tx.run("CREATE (:BoltPair {run: $run, pair: $pair})", run=run, pair=pair).consume()

                with driver.session() as session:
                    session.execute_write(create)
        except Exception as error:  # noqa: BLE001 - reported below
            problems.append(f"writer {number}: {error!r}")

    def read(number):
        try:
            for _ in range(rounds * 2):
                records, _, _ = driver.execute_query(
                    "MATCH (n:BoltPair {run: $run}) RETURN n.pair AS pair, count(*) AS n",
                    run=run,
                    routing_=neo4j.RoutingControl.READ,
                )
                halves = [record["pair"] for record in records if record["n"] != 2]
                if halves:
                    problems.append(f"reader {number} saw half of {halves}")
                baltic = driver.execute_query(
                    "MATCH (ngo:NGO)-[:PARTNERS_WITH]-(:DiasporaGroup)-[:LOCATED_IN]->(:Country)"
                    "-[:PART_OF]->(:Region {name_en: 'Baltics'}) RETURN DISTINCT ngo.name AS ngo"
                )
                if not baltic.records:
                    problems.append(f"reader {number} found no Baltic partners")
        except Exception as error:  # noqa: BLE001 - reported below
            problems.append(f"reader {number}: {error!r}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    total = single(driver, "MATCH (n:BoltPair {run: $run}) RETURN count(n) AS n", run=run)["n"]
    assert total == writers * rounds * 2


@contextlib.contextmanager
def own_server(*arguments):
    """A server of the test's own (`korpu ARGUMENTS serve --bolt 127.0.0.1:0`); yields its URI."""
    binary = os.environ.get("KORPU_BIN")
    if not binary:
        pytest.fail("KORPU_BIN is not set; run this suite through `cargo test bolt`")
    server = subprocess.Popen(
        [binary, *arguments[:-1], "serve", "--bolt", "127.0.0.1:0", *arguments[-1]],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        uri = server.stdout.readline().strip()
        assert uri.startswith("bolt://127.0.0.1:"), uri
        yield uri
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test_basic_authentication_from_a_file(tmp_path):
    users = tmp_path / "users"
    users.write_text("# who may connect\nanna:s3cret\n")
    with own_server("--empty", ["--auth-file", str(users)]) as uri:
        with GraphDatabase.driver(uri, auth=("anna", "s3cret")) as good:
            assert single(good, "RETURN 5 AS five")["five"] == 5
        with GraphDatabase.driver(uri, auth=("anna", "wrong")) as bad:
            with pytest.raises(AuthError):
                bad.verify_connectivity()


def test_the_statement_timeout_applies():
    with own_server("--empty", "--timeout", "0.3", []) as uri:
        with GraphDatabase.driver(uri, auth=("neo4j", "unused")) as timed:
            with pytest.raises(ClientError) as raised:
                timed.execute_query(
                    "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*)"
                )
            assert raised.value.code == "Neo.ClientError.Transaction.TransactionTimedOut"
            assert single(timed, "RETURN 6 AS six")["six"] == 6


def forbidden(run):
    """The ForbiddenOnReadOnlyDatabase error `run` raised. A direct (bolt://) driver
    answers it by raising WriteServiceUnavailable, with the server's error as context."""
    with pytest.raises((ForbiddenOnReadOnlyDatabase, WriteServiceUnavailable)) as raised:
        run()
    error = raised.value
    while error is not None and not isinstance(error, ForbiddenOnReadOnlyDatabase):
        error = error.__context__
    assert error is not None, repr(raised.value)
    return error


def test_a_server_without_allow_writes_refuses_every_change():
    with own_server("--empty", []) as uri:
        # A refusal tells the driver the server takes no writes, so each statement gets
        # a driver of its own.
        for statement in [
            "CREATE (:Şəhər {ad: 'Gəncə'})",
            "MERGE (n:Şəhər {ad: 'Bakı'})",
            "CREATE INDEX FOR (n:Şəhər) ON (n.ad)",
        ]:
            with GraphDatabase.driver(uri, auth=("neo4j", "unused")) as writer:
                with writer.session() as session:
                    error = forbidden(lambda: session.run(statement).consume())
            assert error.code == "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"
            assert "read-only" in error.message
        with GraphDatabase.driver(uri, auth=("neo4j", "unused")) as writer:
            with writer.session() as session:
                tx = session.begin_transaction()
                forbidden(lambda: tx.run("CREATE (:Şəhər {ad: 'Şuşa'})").consume())
        # Nothing was kept; reading, and explaining a write, are allowed.
        with GraphDatabase.driver(uri, auth=("neo4j", "unused")) as reader:
            assert single(reader, "MATCH (n) RETURN count(n) AS n")["n"] == 0
            assert single(reader, "RETURN 1 AS one")["one"] == 1
            with reader.session() as session:
                summary = session.run("EXPLAIN CREATE (:Şəhər)").consume()
            assert summary.query_type == "w"


def test_summaries_carry_the_plan_the_profile_the_kind_and_notifications(bolt_driver):
    with bolt_driver.session() as session:
        explained = session.run("EXPLAIN MATCH (o:Organization)-[:LOCATED_IN]->(c) RETURN o.name AS name")
        assert list(explained) == []
        summary = explained.consume()
        assert summary.query_type == "r"
        plan = summary.plan
        assert plan["operatorType"] == "ProduceResults"
        assert plan["identifiers"] == ["name"]

        def operators(node):
            yield node["operatorType"]
            for child in node["children"]:
                yield from operators(child)

        assert any("Expand" in name for name in operators(plan)), plan
        profiled = session.run("PROFILE MATCH (o:Organization) RETURN count(o) AS n")
        assert profiled.single()["n"] > 0
        profile = profiled.consume().profile
        assert profile["operatorType"] == "ProduceResults"
        assert profile["children"][0]["rows"] >= 1
        # Each kind, as Neo4j reports it.
        assert session.run("EXPLAIN CREATE (:Şəhər)").consume().query_type == "w"
        assert session.run("EXPLAIN MATCH (n) SET n.x = 1").consume().query_type == "rw"
        assert session.run("EXPLAIN CREATE INDEX FOR (n:Şəhər) ON (n.ad)").consume().query_type == "s"
        # A label the graph lacks is a notification, with its position.
        summary = session.run("MATCH (n:Organisation) RETURN n").consume()
        notes = summary.notifications
        assert notes and notes[0]["code"] == "Neo.ClientNotification.Statement.UnknownLabelWarning", notes
        assert "Organization" in notes[0]["description"]
        assert notes[0]["position"]["line"] == 1


def test_hashed_passwords_written_by_korpu_passwd(tmp_path):
    users = tmp_path / "users"
    users.write_text("# who may connect\n")
    for user, password in [("rəşad", "gizli söz"), ("anna", "first")]:
        subprocess.run(
            [os.environ["KORPU_BIN"], "passwd", user, "--auth-file", str(users)],
            input=password + "\n", text=True, check=True, capture_output=True,
        )
    subprocess.run(
        [os.environ["KORPU_BIN"], "passwd", "anna", "--auth-file", str(users)],
        input="second\n", text=True, check=True, capture_output=True,
    )
    text = users.read_text()
    assert "gizli" not in text and "second" not in text, text
    assert text.count("anna:$argon2id$") == 1 and "rəşad:$argon2id$" in text, text
    with own_server("--empty", ["--auth-file", str(users)]) as uri:
        with GraphDatabase.driver(uri, auth=("rəşad", "gizli söz")) as good:
            assert single(good, "RETURN 7 AS seven")["seven"] == 7
        with GraphDatabase.driver(uri, auth=("anna", "second")) as good:
            good.verify_connectivity()
        for user, password in [("anna", "first"), ("rəşad", "gizli soz")]:
            with GraphDatabase.driver(uri, auth=(user, password)) as bad:
                with pytest.raises(AuthError):
                    bad.verify_connectivity()


def test_byte_arrays_round_trip_as_parameters_and_properties(bolt_driver):
    data = bytes([0, 1, 127, 128, 255]) + "Körpü".encode()
    with bolt_driver.session() as session:
        assert session.run("RETURN $b AS b", b=bytearray(data)).single()["b"] == data
        record = session.run(
            "CREATE (n:BoltBlob {data: $b}) RETURN n.data AS data, n.data = $b AS same", b=data
        ).single()
        assert record["data"] == data and record["same"] is True
        node = session.run("MATCH (n:BoltBlob) RETURN n").single()["n"]
        assert node["data"] == data
        session.run("MATCH (n:BoltBlob) DELETE n").consume()
