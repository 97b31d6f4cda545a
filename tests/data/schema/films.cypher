// A small film graph written in the shape of Neo4j's published movie-graph script:
// its four schema lines (in the older ON … ASSERT spelling, double spaces and all),
// then one large CREATE statement. The films and people are Azerbaijani cinema; the
// reviewer and her reviews are invented for the example.
CREATE CONSTRAINT IF NOT EXISTS ON (p:Person) ASSERT p.name IS UNIQUE;
CREATE INDEX IF NOT EXISTS  ON :Person(born);
CREATE CONSTRAINT IF NOT EXISTS  ON (m:Movie) ASSERT m.title IS UNIQUE;
CREATE INDEX IF NOT EXISTS ON :Movie(released);

CREATE (ArshinMalAlan:Movie {title:'Arşın mal alan', released:1945})
CREATE (Rashid:Person {name:'Rəşid Behbudov', born:1915})
CREATE (Leyla:Person {name:'Leyla Cavanşirova'})
CREATE (Rza:Person {name:'Rza Təhmasib', born:1894})
CREATE (Nikolay:Person {name:'Nikolay Leşşenko'})
CREATE
(Rashid)-[:ACTED_IN {roles:['Əsgər']}]->(ArshinMalAlan),
(Leyla)-[:ACTED_IN {roles:['Gülçöhrə']}]->(ArshinMalAlan),
(Rza)-[:DIRECTED]->(ArshinMalAlan),
(Nikolay)-[:DIRECTED]->(ArshinMalAlan)

CREATE (OOlmasin:Movie {title:"O olmasın, bu olsun", released:1956})
CREATE (Aliagha:Person {name:'Əliağa Ağayev', born:1913})
CREATE (Hussein:Person {name:'Hüseyn Seyidzadə', born:1910})
CREATE
(Aliagha)-[:ACTED_IN {roles:['Məşədi İbad']}]->(OOlmasin),
(Hussein)-[:DIRECTED]->(OOlmasin)

CREATE (UzaqSahillerde:Movie {title:'Uzaq sahillərdə', released:1958})
CREATE (Nodar:Person {name:'Nodar Şaşıqoğlu'})
CREATE (Tofiq:Person {name:'Tofiq Tağızadə', born:1919})
CREATE
(Nodar)-[:ACTED_IN {roles:['Mixaylo']}]->(UzaqSahillerde),
(Tofiq)-[:DIRECTED]->(UzaqSahillerde)

CREATE (Nasimi:Movie {title:'Nəsimi', released:1973})
CREATE (Rasim:Person {name:'Rasim Balayev', born:1948})
CREATE (Hasan:Person {name:'Həsən Seyidbəyli', born:1920})
CREATE
(Rasim)-[:ACTED_IN {roles:['Nəsimi']}]->(Nasimi),
(Hasan)-[:DIRECTED]->(Nasimi)

CREATE (Babak:Movie {title:'Babək', released:1979})
CREATE (Eldar:Person {name:'Eldar Quliyev'})
CREATE
(Rasim)-[:ACTED_IN {roles:['Babək']}]->(Babak),
(Eldar)-[:DIRECTED]->(Babak)

CREATE (Critic:Person {name:'Aysel Məmmədova'})
CREATE
(Critic)-[:REVIEWED {summary:'Klassika', rating:95}]->(ArshinMalAlan),
(Critic)-[:REVIEWED {summary:'Gülməli və ağıllı', rating:88}]->(OOlmasin);
