// Saved query: the organizations tied to one place, and how.
//
// Question (EN): Which organizations are based in, active in, registered in or have an
//                office in a given place (France by default), counting places inside it?
// Sual (AZ):     Verilmiş yerdə (susmaya görə Fransada) hansı təşkilatlar yerləşir,
//                fəaliyyət göstərir, qeydiyyatdan keçib və ya nümayəndəliyi var (onun
//                daxilindəki yerlər də nəzərə alınmaqla)?
//
// The place is matched by its English or Azerbaijani name: a country, a city or a
// region (`--param place='Europe'`, `--param place='Orta Asiya'`). `via` is the place the
// relationship points at, which may lie inside the one asked about (Strasbourg is in
// France). Some links are general knowledge rather than the document's word (the
// European Court of Human Rights sits in Strasbourg); see graph-data/README.md.

:param place 'France'

MATCH (area)
WHERE area.name_en = $place OR area.name = $place
MATCH (org:Organization)-[link:LOCATED_IN|ACTIVE_IN|REGISTERED_IN|HAS_OFFICE_IN]->(via)-[:PART_OF*0..3]->(area)
RETURN DISTINCT coalesce(org.short_name, org.name) AS organization,
       toLower(replace(type(link), '_', ' ')) AS how,
       via.name_en AS via
ORDER BY organization, how, via;
