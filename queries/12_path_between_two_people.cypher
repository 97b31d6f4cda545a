// Saved query: how two people are connected in the graph.
//
// Question (EN): How far apart are two people (Rauf Zeyni and İlham İsmayılov by
//                default), and through which organizations, places or topics are they
//                linked?
// Sual (AZ):     İki şəxs (susmaya görə Rauf Zeyni və İlham İsmayılov) bir-birindən nə
//                qədər uzaqdır və hansı təşkilatlar, yerlər və ya mövzular vasitəsilə
//                bağlıdır?
//
// Names are matched exactly (Azerbaijani spelling, as in `korpu find`). Relationships
// are followed in either direction; `link` shows which way each one points.

:param from 'Rauf Zeyni'
:param to 'İlham İsmayılov'

// 1. The distance: length of a shortest path.
MATCH (a:Person {name: $from}), (b:Person {name: $to})
MATCH path = shortestPath((a)-[*..8]-(b))
RETURN a.name AS from, b.name AS to, length(path) AS hops;

// 2. Every shortest route, step by step. Routes are numbered in the order of the names
//    along them, then of the relationship types.
MATCH (a:Person {name: $from}), (b:Person {name: $to})
MATCH path = allShortestPaths((a)-[*..8]-(b))
WITH path, [n IN nodes(path) | coalesce(n.short_name, n.name)] AS names,
     [r IN relationships(path) | type(r)] AS types
ORDER BY names, types
WITH collect({names: names, path: path}) AS routes
UNWIND range(0, size(routes) - 1) AS k
UNWIND range(0, length(routes[k].path) - 1) AS i
WITH k, i, routes[k].names AS names, nodes(routes[k].path)[i] AS here,
     relationships(routes[k].path)[i] AS rel
RETURN k + 1 AS route,
       i + 1 AS step,
       names[i] AS from,
       CASE WHEN startNode(rel) = here THEN '-[' + type(rel) + ']->'
            ELSE '<-[' + type(rel) + ']-' END AS link,
       names[i + 1] AS to
ORDER BY route, step;
