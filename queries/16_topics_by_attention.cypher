// Saved query: which topics get the most attention across the graph.
//
// Question (EN): Which topics do the most organizations and people focus on, and how many
//                events and publications are about each?
// Sual (AZ):     Hansı mövzulara ən çox təşkilat və şəxs diqqət yetirir, hər mövzuya neçə
//                tədbir və nəşr həsr olunub?
//
// `total` adds the four counts. Topics nothing points at are left out.

MATCH (topic:Topic)
OPTIONAL MATCH (org:Organization)-[:FOCUSES_ON]->(topic)
WITH topic, count(DISTINCT org) AS organizations
OPTIONAL MATCH (person:Person)-[:FOCUSES_ON]->(topic)
WITH topic, organizations, count(DISTINCT person) AS people
OPTIONAL MATCH (event:Event)-[:ABOUT]->(topic)
WITH topic, organizations, people, count(DISTINCT event) AS events
OPTIONAL MATCH (work:Publication)-[:ABOUT]->(topic)
WITH topic, organizations, people, events, count(DISTINCT work) AS publications
WITH topic, organizations, people, events, publications,
     organizations + people + events + publications AS total
WHERE total > 0
RETURN topic.name_en AS topic, organizations, people, events, publications, total
ORDER BY total DESC, topic;
