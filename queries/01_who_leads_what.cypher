// Saved query: who leads which organization, and on which other bodies people sit.
//
// Question (EN): Who heads each organization the document mentions, in what role, and
//                which people are members of, or represented in, other bodies?
// Sual (AZ):     Sənəddə adı keçən təşkilatlara kim rəhbərlik edir, hansı vəzifədə, və
//                kimlər başqa qurumların üzvüdür və ya orada təmsil olunur?
//
// `role` is the English role word, `role_az` the document's own word. Groups the
// document does not name (e.g. "diaspora leaders abroad") are included and marked.

// 1. Leaders.
MATCH (person:Person)-[lead:LEADS]->(org:Organization)
RETURN person.name AS leader,
       coalesce(person.unnamed, false) AS unnamed_group,
       lead.role AS role,
       lead.role_az AS role_az,
       coalesce(org.short_name, org.name) AS organization
ORDER BY organization, leader;

// 2. Memberships and representation in other bodies.
MATCH (person:Person)-[member:MEMBER_OF]->(org:Organization)
RETURN person.name AS person,
       coalesce(person.unnamed, false) AS unnamed_group,
       member.role AS role,
       coalesce(org.short_name, org.name) AS body
ORDER BY body, person;
