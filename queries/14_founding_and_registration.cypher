// Saved query: when and by whom the profiled organizations were founded and registered.
//
// Question (EN): When was each of the six profiled organizations founded, what is its legal
//                form, who founded it, and where and when was it registered?
// Sual (AZ):     Sənəddə təsvir olunan altı təşkilatın hər biri nə vaxt yaradılıb, hüquqi
//                forması nədir, kim tərəfindən təsis edilib, harada və nə vaxt qeydiyyata
//                alınıb?
//
// Dates are EDTF at the document's precision. An organization with no founder or
// registration in the document shows one row with empty fields.

MATCH (org:Organization)
WHERE org.profiled = true
OPTIONAL MATCH (org)-[fact:FOUNDED_BY|REGISTERED_BY|REGISTERED_IN]->(other)
RETURN coalesce(org.short_name, org.name) AS organization,
       org.founded AS founded,
       coalesce(org.legal_form_en, '') AS legal_form,
       CASE type(fact) WHEN 'FOUNDED_BY' THEN 'founded by'
                       WHEN 'REGISTERED_BY' THEN 'registered by'
                       WHEN 'REGISTERED_IN' THEN 'registered in'
                       ELSE '' END AS fact,
       coalesce(other.name_en, '') AS counterpart,
       coalesce(fact.date, '') AS date
ORDER BY founded, organization, fact, counterpart;
