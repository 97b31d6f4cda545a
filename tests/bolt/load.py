"""Load figure for `korpu serve --bolt`: queries per second and latency percentiles for
1, 8 and 50 concurrent Python clients asking the Baltic-partners question (saved query
03) of the bundled graph.

Each client is its own process with its own driver (so Python's global interpreter lock
does not serialise the clients), runs `execute_query` in a loop for the given seconds and
reports every latency. Not a test: figures go in README and issue notes, never in tests.

    target/release/korpu serve --bolt 127.0.0.1:0 &     # prints bolt://127.0.0.1:PORT
    /tmp/korpu-venv-neo4j6/bin/python tests/bolt/load.py bolt://127.0.0.1:PORT
"""

import argparse
import multiprocessing
import statistics
import time

from neo4j import GraphDatabase, RoutingControl

# The bundled graph names regions in English under `name_en`; the benchmark harness's
# generated graphs under `name` (`--region-key name`).
QUESTION = """
MATCH (ngo:NGO)-[:PARTNERS_WITH]-(group:DiasporaGroup)-[:LOCATED_IN]->(country:Country)
      -[:PART_OF]->(:Region {REGION_KEY: $region})
RETURN coalesce(ngo.short_name, ngo.name) AS ngo, group.name AS diaspora_group,
       coalesce(group.unnamed, false) AS unnamed_group, country.name_en AS country
ORDER BY ngo, country, diaspora_group
"""


def client(uri, seconds, start_at, results, question):
    latencies = []
    with GraphDatabase.driver(uri, auth=("neo4j", "unused")) as driver:
        driver.verify_connectivity()
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + seconds
        while time.time() < end:
            began = time.perf_counter()
            records, _, _ = driver.execute_query(
                question, region="Baltics", routing_=RoutingControl.READ
            )
            latencies.append(time.perf_counter() - began)
            if not records:
                raise SystemExit("the Baltic question found no partners")
    results.put(latencies)


def measure(uri, clients, seconds, question):
    results = multiprocessing.Queue()
    start_at = time.time() + 2 + clients * 0.05
    processes = [
        multiprocessing.Process(target=client, args=(uri, seconds, start_at, results, question))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    latencies = []
    for _ in processes:
        latencies.extend(results.get())
    for process in processes:
        process.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / seconds, statistics.median(latencies), p99


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uri")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="1,8,50")
    parser.add_argument("--region-key", default="name_en", choices=["name_en", "name"])
    arguments = parser.parse_args()
    question = QUESTION.replace("REGION_KEY", arguments.region_key)
    print("clients  queries/s  median ms  p99 ms")
    for clients in [int(n) for n in arguments.clients.split(",")]:
        rate, median, p99 = measure(arguments.uri, clients, arguments.seconds, question)
        print(f"{clients:7}  {rate:9.0f}  {median * 1000:9.2f}  {p99 * 1000:6.2f}")


if __name__ == "__main__":
    main()
