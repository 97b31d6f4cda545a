// Saved query: everything in the graph that concerns one topic.
//
// Question (EN): Who works on a given topic (the Karabakh conflict by default): which
//                organizations and people focus on it, and which events and publications
//                are about it?
// Sual (AZ):     Verilmiş mövzu (susmaya görə Qarabağ münaqişəsi) üzərində kim işləyir:
//                hansı təşkilatlar və şəxslər ona diqqət yetirir, hansı tədbirlər və
//                nəşrlər ona həsr olunub?
//
// The topic is found by a piece of its Azerbaijani or English name. fold() is Körpü's
// own function, not openCypher: it ignores case and Azerbaijani letters, so 'qarabag',
// 'Qarabağ' and 'QARABAĞ' all match. Try `--param topic='lobbi'`.

:param topic 'Qarabağ'

MATCH (topic:Topic)
WHERE fold(topic.name) CONTAINS fold($topic) OR fold(topic.name_en) CONTAINS fold($topic)
MATCH (thing)-[link:FOCUSES_ON|ABOUT]->(topic)
RETURN topic.name_en AS topic,
       CASE WHEN type(link) = 'FOCUSES_ON' THEN 'focuses on' ELSE 'is about' END AS link,
       head([label IN labels(thing) WHERE label IN ['Organization', 'Person', 'Event', 'Publication']]) AS kind,
       coalesce(thing.short_name, thing.name) AS name
ORDER BY topic, link, kind, name;
