// Saved query: the areas of activity of each organization.
//
// Question (EN): Which topics does each organization focus on, and since when, where the
//                document says so?
// Sual (AZ):     Hər təşkilat hansı mövzulara diqqət yetirir və sənəd deyirsə, nə vaxtdan?
//
// Only organizations are listed; a person's research fields (Zaur Əliyev's) show up in
// scripts 11 and 16.

// 1. How many topics per organization.
MATCH (org:Organization)-[:FOCUSES_ON]->(topic:Topic)
RETURN coalesce(org.short_name, org.name) AS organization, count(topic) AS topics
ORDER BY topics DESC, organization;

// 2. The topics.
MATCH (org:Organization)-[focus:FOCUSES_ON]->(topic:Topic)
RETURN coalesce(org.short_name, org.name) AS organization,
       topic.name_en AS topic,
       coalesce(focus.since, '') AS since
ORDER BY organization, topic;
