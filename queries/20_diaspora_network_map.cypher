// Saved query: a DOT map of the diaspora network. Run it with `--format dot`:
//   korpu run --format dot queries/20_diaspora_network_map.cypher | dot -Tpng -o map.png
//
// Question (EN): How are the organizations, the people and the places of the document
//                connected to one another?
// Sual (AZ):     Sənəddəki təşkilatlar, şəxslər və yerlər bir-biri ilə necə bağlıdır?
//
// Every relationship between two nodes that are each an Organization, a Person, a
// Country, a City or a Region: leadership, membership, partnership, location, activity,
// offices, registration, founding and invitations, plus the geography (PART_OF) that
// places them. Events, publications and topics are left out to keep the map readable.
// Each relationship is returned as a one-step path, which also makes Körpü lay the map
// out left to right. In table format the same script lists the relationships.

MATCH link = (a)-[r]->(b)
WHERE (a:Organization OR a:Person OR a:Country OR a:City OR a:Region)
  AND (b:Organization OR b:Person OR b:Country OR b:City OR b:Region)
RETURN a.name AS from, type(r) AS relationship, b.name AS to, link
ORDER BY from, relationship, to;
