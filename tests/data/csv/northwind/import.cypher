// A Northwind-style import, as Neo4j's guides write it, run with the import
// directory at tests/data/csv:
//   korpu --empty --import-dir tests/data/csv run tests/data/csv/northwind/import.cypher
// Like Neo4j's, it begins by declaring each key it merges on unique, so every MERGE
// below is an index lookup and a second node for one key is refused.

CREATE CONSTRAINT category_id IF NOT EXISTS FOR (n:Category) REQUIRE n.categoryID IS UNIQUE;
CREATE CONSTRAINT supplier_id IF NOT EXISTS FOR (n:Supplier) REQUIRE n.supplierID IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.customerID IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.productID IS UNIQUE;
CREATE CONSTRAINT order_id IF NOT EXISTS FOR (n:Order) REQUIRE n.orderID IS UNIQUE;

LOAD CSV WITH HEADERS FROM 'file:///northwind/categories.csv' AS row
MERGE (n:Category {categoryID: toInteger(row.categoryID)})
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
