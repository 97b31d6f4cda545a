// Saved query: filings sent to international and state bodies.
//
// Question (EN): What was submitted to international bodies such as the European Court of
//                Human Rights, by whom, on whose behalf, and how many are registered there?
// Sual (AZ):     Avropa İnsan Hüquqları Məhkəməsi kimi beynəlxalq qurumlara nə göndərilib,
//                kim tərəfindən, kimin adından, və oradan neçəsi qeydiyyatdadır?
//
// The applications node stands for hundreds of applications and complaints of
// Azerbaijanis deported from Western Azerbaijan; part of them went to the Court.

MATCH (filing:Publication)-[sent:SUBMITTED_TO]->(body:Organization)
OPTIONAL MATCH (author)-[:AUTHORED]->(filing)
OPTIONAL MATCH (initiator:Organization)-[:SUPPORTS]->(filing)
RETURN filing.name_en AS filing,
       coalesce(filing.scale_en, '') AS scale,
       author.name_en AS on_behalf_of,
       initiator.name_en AS collected_by,
       body.name_en AS sent_to,
       sent.registered_count_qualifier + ' ' + toString(sent.registered_count) AS registered_there
ORDER BY filing, sent_to, on_behalf_of, collected_by;
