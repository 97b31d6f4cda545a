// Saved query: look an entity up by a piece of any of its names.
//
// Question (EN): Which people, organizations, places, events, publications or topics have
//                a name, short name, English name or alternative spelling containing the
//                given text (Zeyni by default)?
// Sual (AZ):     Adında, qısa adında, ingiliscə adında və ya başqa yazılışında verilmiş
//                mətn (susmaya görə Zeyni) olan şəxslər, təşkilatlar, yerlər, tədbirlər,
//                nəşrlər və mövzular hansılardır?
//
// fold() is Körpü's own function, not openCypher: it ignores case and Azerbaijani letters
// (İ/I/ı/i all fold to i, ə to e, ş to s, ...), so `--param text='ISMAYILOV'` finds
// İlham İsmayılov. `id` is the node's id in graph-data/.

:param text 'Zeyni'

MATCH (entity)
WHERE fold(entity.name) CONTAINS fold($text)
   OR fold(coalesce(entity.name_en, '')) CONTAINS fold($text)
   OR fold(coalesce(entity.short_name, '')) CONTAINS fold($text)
   OR any(alias IN coalesce(entity.aliases, []) WHERE fold(alias) CONTAINS fold($text))
RETURN elementId(entity) AS id,
       labels(entity) AS labels,
       entity.name AS name,
       entity.name_en AS name_en
ORDER BY id;
