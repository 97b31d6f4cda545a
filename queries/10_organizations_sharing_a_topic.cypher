// Saved query: organizations that work on the same topics.
//
// Question (EN): Which organizations share a focus topic, and which pairs of organizations
//                have the most topics in common?
// Sual (AZ):     Hansı təşkilatlar eyni mövzu üzərində işləyir və hansı təşkilat cütlərinin
//                ən çox ortaq mövzusu var?

// 1. Topics with two or more organizations, and those organizations.
MATCH (org:Organization)-[:FOCUSES_ON]->(topic:Topic)
WITH topic, collect(org) AS orgs
WHERE size(orgs) > 1
UNWIND orgs AS org
RETURN topic.name_en AS topic,
       size(orgs) AS organizations,
       coalesce(org.short_name, org.name) AS organization
ORDER BY organizations DESC, topic, organization;

// 2. Pairs of organizations and how many topics they share.
MATCH (a:Organization)-[:FOCUSES_ON]->(topic:Topic)<-[:FOCUSES_ON]-(b:Organization)
WITH coalesce(a.short_name, a.name) AS first, coalesce(b.short_name, b.name) AS second, topic
WHERE first < second
RETURN first, second, count(topic) AS shared_topics
ORDER BY shared_topics DESC, first, second;
