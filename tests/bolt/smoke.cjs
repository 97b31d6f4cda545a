// A smoke test of the official JavaScript driver against `korpu serve --bolt`: connect,
// ask with parameters, read nodes, relationships and temporals back, and check that a
// rolled-back transaction leaves no trace. Run as
//   node smoke.cjs bolt://127.0.0.1:PORT /path/to/folder/with/node_modules
// and exits non-zero on the first thing that is not as expected.
const assert = require("node:assert/strict");
const path = require("node:path");

const [address, modules] = process.argv.slice(2);
const neo4j = require(path.join(modules, "node_modules", "neo4j-driver"));

async function main() {
  const driver = neo4j.driver(address);
  try {
    const info = await driver.getServerInfo();
    assert.match(info.agent, /^Neo4j\//);

    const forum = await driver.executeQuery(
      "MATCH (n:NGO {name: $name})-[r:PARTNERS_WITH]-(d:DiasporaGroup) RETURN n, r, d, date('2010-09-15') AS day ORDER BY d.name LIMIT 1",
      { name: "Milli Qeyri Hökumət Təşkilatları Forumu" },
    );
    assert.equal(forum.records.length, 1);
    const record = forum.records[0];
    assert.equal(record.get("n").properties.name, "Milli Qeyri Hökumət Təşkilatları Forumu");
    assert.ok(record.get("n").labels.includes("NGO"));
    assert.equal(record.get("r").type, "PARTNERS_WITH");
    assert.ok(record.get("d").labels.includes("DiasporaGroup"));
    assert.equal(record.get("day").toString(), "2010-09-15");

    const counted = await driver.executeQuery("UNWIND $items AS item RETURN count(*) AS n", {
      items: [1, 2, 3],
    });
    assert.equal(counted.records[0].get("n").toNumber(), 3);

    const session = driver.session();
    const tx = await session.beginTransaction();
    await tx.run("CREATE (:JsSmoke {at: 1})");
    const inside = await tx.run("MATCH (s:JsSmoke) RETURN count(s) AS n");
    assert.equal(inside.records[0].get("n").toNumber(), 1);
    await tx.rollback();
    const after = await session.run("MATCH (s:JsSmoke) RETURN count(s) AS n");
    assert.equal(after.records[0].get("n").toNumber(), 0);
    await session.close();

    await assert.rejects(driver.executeQuery("RETRUN 1"), (error) => {
      assert.equal(error.code, "Neo.ClientError.Statement.SyntaxError");
      return true;
    });
    console.log("the JavaScript driver smoke test passed");
  } finally {
    await driver.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
