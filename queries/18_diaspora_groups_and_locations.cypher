// Saved query: the Azerbaijani diaspora groups and where they are.
//
// Question (EN): Which Azerbaijani diaspora organizations and communities does the
//                document mention, where are they, and which of them does it name?
// Sual (AZ):     Sənəd hansı Azərbaycan diaspor təşkilatlarını və icmalarını xatırladır,
//                onlar harada yerləşir və hansılarının adı çəkilir?
//
// Groups the document only alludes to ("our diaspora organizations in Latvia") are nodes
// with `unnamed: true`. The general "our diaspora organizations abroad" has no place.
// Haqq və Ədalət Uğrunda Hərəkat has no stated base, only the country it registered in.

MATCH (group:DiasporaGroup)
OPTIONAL MATCH (group)-[:LOCATED_IN]->(place)
WITH group, place
ORDER BY place.name_en
WITH group, collect(place.name_en) AS located_in
OPTIONAL MATCH (group)-[:REGISTERED_IN]->(country:Country)
RETURN group.name AS diaspora_group,
       CASE WHEN coalesce(group.unnamed, false) THEN 'no' ELSE 'yes' END AS named_in_document,
       located_in,
       coalesce(country.name_en, '') AS registered_in
ORDER BY named_in_document DESC, diaspora_group, registered_in;
