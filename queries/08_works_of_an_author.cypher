// Saved query: everything one person wrote, is writing or plans to write.
//
// Question (EN): What has a given author (Zaur Əliyev by default) written, what is he
//                working on now, and what does he plan?
// Sual (AZ):     Verilmiş müəllif (susmaya görə Zaur Əliyev) nələri yazıb, hazırda nə
//                üzərində işləyir və nəyi planlaşdırır?
//
// fold() is Körpü's own function, not openCypher: it folds case and Azerbaijani letters
// (ə→e, İ/I/ı→i, ...), so `--param author='zaur aliyev'` finds the same person.
// Elsewhere use `WHERE author.name = $author`.

:param author 'Zaur Əliyev'

MATCH (author:Person)-[wrote:AUTHORED]->(work:Publication)
WHERE fold(author.name) = fold($author) OR fold(author.name_en) = fold($author)
RETURN author.name AS author,
       coalesce(wrote.status, work.status) AS status,
       work.publication_type AS type,
       work.name AS title,
       work.name_en AS title_en
ORDER BY author, status, type, title;
