// Saved query: when the organizations were founded, grouped by decade.
//
// Question (EN): How many of the organizations were founded in each decade, and which?
// Sual (AZ):     Hər onillikdə neçə təşkilat yaradılıb və hansılar?
//
// `founded` is an EDTF date at the document's precision ("199X" means the 1990s,
// "2011-07/2011-12" the second half of 2011); `founded_year` is its year and is missing
// when only the decade is known, so the decade falls back to the first three digits of
// `founded`. Only the six profiled organizations have a founding date.

// 1. Count per decade.
MATCH (org:Organization)
WHERE org.founded IS NOT NULL
WITH org, CASE WHEN org.founded_year IS NOT NULL
               THEN toString(org.founded_year / 10 * 10) + 's'
               ELSE substring(org.founded, 0, 3) + '0s' END AS decade
RETURN decade, count(org) AS organizations
ORDER BY decade;

// 2. The organizations, oldest first.
MATCH (org:Organization)
WHERE org.founded IS NOT NULL
RETURN CASE WHEN org.founded_year IS NOT NULL
            THEN toString(org.founded_year / 10 * 10) + 's'
            ELSE substring(org.founded, 0, 3) + '0s' END AS decade,
       org.founded AS founded,
       coalesce(org.short_name, org.name) AS organization
ORDER BY founded, organization;
