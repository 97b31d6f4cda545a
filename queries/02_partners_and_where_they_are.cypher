// Saved query: every partnership and where each partner is based.
//
// Question (EN): Which organizations work together, and where is each partner located?
// Sual (AZ):     Hansı təşkilatlar birgə əməkdaşlıq edir və hər tərəfdaş harada yerləşir?
//
// PARTNERS_WITH runs from the organization the document profiles to its partner, so the
// arrow here lists each partnership once. A partner with no known location (the
// document's "our diaspora organizations" in general) shows an empty list.

MATCH (org:Organization)-[partnership:PARTNERS_WITH]->(partner:Organization)
OPTIONAL MATCH (partner)-[:LOCATED_IN]->(place)
WITH org, partnership, partner, place
ORDER BY place.name_en
WITH org, partnership, partner, collect(place.name_en) AS partner_located_in
RETURN coalesce(org.short_name, org.name) AS organization,
       partner.name AS partner,
       partner_located_in,
       coalesce(partnership.role, '') AS partner_role
ORDER BY organization, partner;
