// Saved query: the written works in the graph, who wrote them and how far along they are.
//
// Question (EN): Which publications does the document mention, of what kind, by whom,
//                and are they published, in progress, planned or submitted?
// Sual (AZ):     Sənəddə hansı nəşrlər və yazılı işlər xatırlanır, onlar hansı növdəndir,
//                müəllifi kimdir, və çap olunub, üzərində işlənilir, planlaşdırılır, yoxsa
//                göndərilib?
//
// A node may stand for several works (e.g. "more than 60 articles"): then `how_many`
// gives the document's number with its qualifier. "Diaspor və QHT-lər" is the source
// document itself; its author is not named in the text.

// 1. How many works per status.
MATCH (work:Publication)
RETURN work.status AS status, count(work) AS publications
ORDER BY status;

// 2. The works.
MATCH (work:Publication)
OPTIONAL MATCH (author)-[:AUTHORED]->(work)
WITH work, author
ORDER BY author.name
WITH work, collect(author.name) AS authors
RETURN work.status AS status,
       work.publication_type AS type,
       work.name AS title,
       CASE WHEN work.count IS NULL THEN ''
            ELSE work.count_qualifier + ' ' + toString(work.count) END AS how_many,
       authors
ORDER BY status, type, title;
