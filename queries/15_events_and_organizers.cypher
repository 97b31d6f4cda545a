// Saved query: every event with the organizations behind it.
//
// Question (EN): Who organized or supports each event, is the event held or only planned,
//                and does it recur?
// Sual (AZ):     Hər tədbiri kim təşkil edib və ya dəstəkləyir, tədbir keçirilib, yoxsa
//                yalnız planlaşdırılır, və təkrarlanırmı?
//
// `status` is the event's (held / planned); `recurrence` is empty when the document does
// not say the event repeats. Co-organizers get a row each.

MATCH (org:Organization)-[role:ORGANIZED|SUPPORTS]->(event:Event)
RETURN event.name_en AS event,
       event.status AS status,
       coalesce(event.recurrence, '') AS recurrence,
       toLower(type(role)) AS part,
       coalesce(org.short_name, org.name) AS organization
ORDER BY event, part, organization;
