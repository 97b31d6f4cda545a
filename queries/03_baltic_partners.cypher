// Saved query: NGOs that partner with diaspora groups in a region (the Baltics by default).
//
// Question (EN): Which NGOs partner with Azerbaijani diaspora groups in the Baltics, and
//                with which groups in which countries?
// Sual (AZ):     Hansı qeyri-hökumət təşkilatları Baltikyanı ölkələrdəki Azərbaycan diaspor
//                təşkilatları ilə əməkdaşlıq edir, hansı ölkədə hansı təşkilatla?
//
// The region is matched by its English name. The document never names "the Baltics";
// it names Estonia, Latvia and Lithuania, which the graph places in the region.
// Try `--param region='Europe'`, which adds ATXƏM and the Strasbourg house in France.

:param region 'Baltics'

// 1. The answer: the NGOs.
MATCH (ngo:NGO)-[:PARTNERS_WITH]-(group:DiasporaGroup)-[:LOCATED_IN]->(:Country)-[:PART_OF]->(:Region {name_en: $region})
RETURN DISTINCT ngo.name AS ngo
ORDER BY ngo;

// 2. The detail: which group, in which country.
MATCH (ngo:NGO)-[:PARTNERS_WITH]-(group:DiasporaGroup)-[:LOCATED_IN]->(country:Country)-[:PART_OF]->(:Region {name_en: $region})
RETURN coalesce(ngo.short_name, ngo.name) AS ngo,
       group.name AS diaspora_group,
       coalesce(group.unnamed, false) AS unnamed_group,
       country.name_en AS country
ORDER BY ngo, country, diaspora_group;
