// Saved query: what happened in one country, who organized it and what it was about.
//
// Question (EN): Which events took place in a given country (Estonia by default), who
//                organized them, and what were they about?
// Sual (AZ):     Verilmiş ölkədə (susmaya görə Estoniyada) hansı tədbirlər keçirilib,
//                onları kim təşkil edib və hansı mövzuya həsr olunub?
//
// The country may be given in English or Azerbaijani: `--param country='Fransa'`.
// Events held in a city of the country count too.

:param country 'Estonia'

MATCH (country:Country)
WHERE country.name_en = $country OR country.name = $country
MATCH (event:Event)-[:HELD_IN]->(place)-[:PART_OF*0..1]->(country)
WITH DISTINCT event
MATCH (organizer:Organization)-[:ORGANIZED]->(event)
WITH event, organizer
ORDER BY organizer.name
WITH event, collect(coalesce(organizer.short_name, organizer.name)) AS organizers
MATCH (event)-[:ABOUT]->(topic:Topic)
WITH event, organizers, topic
ORDER BY topic.name_en
RETURN event.name_en AS event,
       event.status AS status,
       organizers,
       collect(topic.name_en) AS topics
ORDER BY event;
