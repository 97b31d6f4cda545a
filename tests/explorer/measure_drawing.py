"""Figures for the explorer (not a test; pytest collects only test_*.py): the time from
pressing Run to the drawn graph for about 100 and 1,000 nodes, in Debian's Chromium.

Usage: python tests/explorer/measure_drawing.py KORPU_BINARY
It writes a graph of 1,000 nodes into a temporary folder, serves it with
`korpu --data DIR serve --http 127.0.0.1:0`, runs each query three times in a fresh
page and prints the median of what the page reports (body[data-draw-ms]: from the
click on Run to the layout's end)."""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright


def write_graph(folder):
    nodes = [
        {"id": f"n{i}", "labels": ["Organization", "NGO"] if i % 3 else ["Person"],
         "properties": {"name": f"Təşkilat {i}", "name_en": f"Organization {i}", "rank": i, "source": "general"}}
        for i in range(1000)
    ]
    # A sparse random-looking but fixed graph: each node links to two earlier ones.
    edges = [
        {"from": f"n{i}", "to": f"n{(i * 7 + k * 13) % i}", "type": "PARTNERS_WITH",
         "properties": {"source": "general"}}
        for i in range(1, 1000) for k in range(2)
    ]
    (folder / "graph.json").write_text(json.dumps({"nodes": nodes, "edges": edges}))


def measure(page, url, query, times=3):
    results = []
    for _ in range(times):
        page.goto(url)
        page.wait_for_selector("body[data-ready='true']")
        page.evaluate("query => document.querySelector('.CodeMirror').CodeMirror.setValue(query)", query)
        page.click("#run")
        page.wait_for_selector("body[data-draw-ms]", timeout=120000)
        results.append(int(page.get_attribute("body", "data-draw-ms")))
        nodes = int(page.get_attribute("body", "data-drawn-nodes"))
    return statistics.median(results), nodes


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        write_graph(Path(folder))
        server = subprocess.Popen([binary, "--data", folder, "serve", "--http", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            url = server.stdout.readline().strip()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                for limit in (100, 1000):
                    query = (f"MATCH (n) WHERE n.rank < {limit} OPTIONAL MATCH (n)-[r]->(m) "
                             f"WHERE m.rank < {limit} RETURN n, r")
                    median, nodes = measure(page, url, query)
                    print(f"{nodes} nodes: {median} ms from Run to drawn (median of 3)")
                browser.close()
            status = Path(f"/proc/{server.pid}/status").read_text()
            rss = next(line for line in status.splitlines() if line.startswith("VmHWM"))
            print(f"server peak memory after these runs: {rss.split(':')[1].strip()}")
        finally:
            server.kill()


if __name__ == "__main__":
    main()
