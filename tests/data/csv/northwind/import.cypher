// A Northwind-style import, as Neo4j's guides write it, run with the import
// directory at tests/data/csv:
//   korpu --empty --import-dir tests/data/csv run tests/data/csv/northwind/import.cypher
// Neo4j's scripts begin with `CREATE CONSTRAINT … REQUIRE n.productID IS UNIQUE`;
// Körpü has no constraints yet (being built separately), so those lines are left out.

LOAD CSV WITH HEADERS FROM 'file:///northwind/categories.csv' AS row
MERGE (n:Category {categoryID: row.categoryID})
SET n += row, n.categoryID = toInteger(row.categoryID);

LOAD CSV WITH HEADERS FROM 'file:///northwind/suppliers.csv' AS row
MERGE (n:Supplier {supplierID: toInteger(row.supplierID)})
SET n += row, n.supplierID = toInteger(row.supplierID);

LOAD CSV WITH HEADERS FROM 'file:///northwind/customers.csv' AS row
MERGE (n:Customer {customerID: row.customerID})
SET n += row;

LOAD CSV WITH HEADERS FROM 'file:///northwind/products.csv' AS row
MERGE (n:Product {productID: toInteger(row.productID)})
SET n += row,
    n.productID = toInteger(row.productID),
    n.unitPrice = toFloat(row.unitPrice),
    n.unitsInStock = toInteger(row.unitsInStock),
    n.discontinued = (row.discontinued <> '0');

LOAD CSV WITH HEADERS FROM 'file:///northwind/orders.csv' AS row
MERGE (n:Order {orderID: toInteger(row.orderID)})
SET n += row, n.orderID = toInteger(row.orderID);

LOAD CSV WITH HEADERS FROM 'file:///northwind/products.csv' AS row
MATCH (p:Product {productID: toInteger(row.productID)})
MATCH (c:Category {categoryID: toInteger(row.categoryID)})
MERGE (p)-[:PART_OF]->(c);

LOAD CSV WITH HEADERS FROM 'file:///northwind/products.csv' AS row
MATCH (p:Product {productID: toInteger(row.productID)})
MATCH (s:Supplier {supplierID: toInteger(row.supplierID)})
MERGE (s)-[:SUPPLIES]->(p);

LOAD CSV WITH HEADERS FROM 'file:///northwind/orders.csv' AS row
MATCH (o:Order {orderID: toInteger(row.orderID)})
MATCH (c:Customer {customerID: row.customerID})
MERGE (c)-[:PURCHASED]->(o);

LOAD CSV WITH HEADERS FROM 'file:///northwind/order_details.csv' AS row
MATCH (o:Order {orderID: toInteger(row.orderID)})
MATCH (p:Product {productID: toInteger(row.productID)})
MERGE (o)-[d:ORDERS]->(p)
SET d.unitPrice = toFloat(row.unitPrice),
    d.quantity = toInteger(row.quantity),
    d.discount = coalesce(toFloat(row.discount), 0.0);
