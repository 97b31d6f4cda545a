// Saved query: events grouped by the country they were held in and by year.
//
// Question (EN): How many events were held in each country, and in which years?
// Sual (AZ):     Hər ölkədə neçə tədbir keçirilib və hansı illərdə?
//
// Note: the document dates none of its events, so no Event has a `year` yet and every
// row says "(no year stated)". Events held in a city are counted under the city's
// country; events placed only in a region (Central Asia) are listed under the region;
// events the document gives no place for are listed as "(no place stated)". A series
// held in three countries counts once in each.

// 1. Counts per country and year.
MATCH (event:Event)
OPTIONAL MATCH (event)-[:HELD_IN]->(place)
OPTIONAL MATCH (place:City)-[:PART_OF]->(cityCountry:Country)
WITH event, coalesce(cityCountry.name_en, place.name_en, '(no place stated)') AS country,
     coalesce(toString(event.year), '(no year stated)') AS year
RETURN country, year, count(DISTINCT event) AS events
ORDER BY country, year;

// 2. The events themselves.
MATCH (event:Event)
OPTIONAL MATCH (event)-[:HELD_IN]->(place)
OPTIONAL MATCH (place:City)-[:PART_OF]->(cityCountry:Country)
WITH DISTINCT event, coalesce(cityCountry.name_en, place.name_en, '(no place stated)') AS country,
     coalesce(toString(event.year), '(no year stated)') AS year
RETURN country, year, event.name_en AS event, event.status AS status
ORDER BY country, year, event;
