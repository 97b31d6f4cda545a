//! The synthetic diaspora/NGO graph the benches run on, made from a seed.
//!
//! One parameter, the number of organizations `n`, sets every count: `2n` people, `n / 2`
//! events, `200 + n / 500` cities, and a fixed set of regions and countries. So `n = 10_000`
//! gives about 35k nodes and 81k relationships, the size the external harness calls `10k`.
//!
//! The shape:
//!
//! ```text
//! (:City)-[:PART_OF]->(:Country)-[:PART_OF]->(:Region)          "Baltics" = Estonia, Latvia, Lithuania
//! (:Organization:NGO|DiasporaGroup|GovernmentBody {name, founded})
//!     -[:LOCATED_IN]->(:Country)   every one;   -[:LOCATED_IN]->(:City)   about half
//!     -[:PARTNERS_WITH]->(:Organization)        preferential attachment: a few hubs, one pair at most once
//!     -[:ORGANIZED]->(:Event {name, year})-[:HELD_IN]->(:Country)
//! (:Person)-[:LEADS|MEMBER_OF]->(:Organization)
//! ```
//!
//! Names are unique per label and many carry Azerbaijani letters (ə ş ç ğ ı ö ü İ), so the
//! string paths that matter for real data are exercised. The same `n` and seed always give
//! the same graph: a tiny SplitMix64 generator stands in for a random-number crate.

use korpu::graph::{Graph, NodeId, Value};

/// Organizations in the benches' standard graph (about 35k nodes).
pub(crate) const STANDARD_ORGANIZATIONS: usize = 10_000;

/// The seed the benches use, so that runs stay comparable.
pub(crate) const STANDARD_SEED: u64 = 20_251_126;

/// The region every Baltic question refers to.
pub(crate) const BALTIC_REGION: &str = "Baltics";

/// The country of the optional-leader question.
pub(crate) const LEADER_COUNTRY: &str = "Estonia";

/// A generated graph and the names its questions refer to.
pub(crate) struct Generated {
    pub graph: Graph,
    pub targets: Targets,
}

/// Organizations picked from the generated graph, the way the external harness picks them.
pub(crate) struct Targets {
    /// The organization in the middle of the list: a point lookup by name.
    pub lookup: String,
    /// The organization with the most outgoing `PARTNERS_WITH` (lowest index on ties).
    pub hub: String,
    /// The first organization from a third of the way on with exactly three outgoing
    /// partnerships: the start of the bounded variable-length walk.
    pub walk_start: String,
    /// The last organization: one end of the shortest-path question.
    pub path_from: String,
    /// The latest-added organization whose undirected `PARTNERS_WITH` distance from
    /// `path_from` is greater than 2 (the farthest one if none is).
    pub path_to: String,
}

/// Builds the graph for `organizations` organizations (at least 10) from `seed`.
pub(crate) fn generate(organizations: usize, seed: u64) -> Generated {
    assert!(organizations >= 10, "the generator needs at least 10 organizations");
    let mut graph = Graph::default();
    let targets = graph.load_in_bulk(|graph| Builder::new(graph, organizations, seed).build());
    Generated { graph, targets }
}

/// SplitMix64: small, fast and good enough to shape test data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mixed ^ (mixed >> 31)
    }

    /// Uniform in `0..bound` (`bound > 0`).
    fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Exponentially distributed with the given mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            items.swap(last, self.below(last + 1));
        }
    }
}

/// Picks an index with probability proportional to its weight.
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|weight| {
                total += weight;
                total
            })
            .collect();
        Weighted { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("at least one weight");
        let point = rng.unit() * total;
        self.cumulative.partition_point(|&bound| bound <= point).min(self.cumulative.len() - 1)
    }
}

const REGIONS: &[(&str, &[&str])] = &[
    (BALTIC_REGION, &["Estonia", "Latvia", "Lithuania"]),
    ("Cənubi Qafqaz", &["Azerbaijan", "Georgia", "Armenia"]),
    (
        "Western Europe",
        &[
            "Germany",
            "France",
            "United Kingdom",
            "Netherlands",
            "Belgium",
            "Austria",
            "Switzerland",
        ],
    ),
    ("Northern Europe", &["Sweden", "Norway", "Finland", "Denmark"]),
    (
        "Central and Eastern Europe",
        &[
            "Poland", "Czechia", "Hungary", "Romania", "Bulgaria", "Ukraine", "Moldova", "Belarus",
            "Russia",
        ],
    ),
    ("Southern Europe", &["Italy", "Spain", "Portugal", "Greece"]),
    (
        "Anadolu və Yaxın Şərq",
        &["Türkiye", "Iran", "Israel", "Iraq", "Jordan", "United Arab Emirates", "Qatar"],
    ),
    ("Orta Asiya", &["Kazakhstan", "Uzbekistan", "Turkmenistan", "Kyrgyzstan", "Tajikistan"]),
    ("Americas", &["United States", "Canada", "Brazil", "Argentina"]),
    ("Asia-Pacific", &["Japan", "South Korea", "Australia", "China"]),
];

/// Real cities listed first for some countries; the rest are numbered districts.
const KNOWN_CITIES: &[(&str, &[&str])] = &[
    (
        "Azerbaijan",
        &[
            "Bakı",
            "Gəncə",
            "Sumqayıt",
            "Şəki",
            "Lənkəran",
            "Şuşa",
            "Quba",
            "Naxçıvan",
            "Göygöl",
            "Zaqatala",
        ],
    ),
    ("Estonia", &["Tallinn", "Tartu", "Narva"]),
    ("Latvia", &["Rīga", "Daugavpils"]),
    ("Lithuania", &["Vilnius", "Kaunas"]),
    ("Georgia", &["Tbilisi", "Marneuli", "Batumi"]),
    ("Türkiye", &["İstanbul", "Ankara", "İzmir", "Iğdır", "Erzurum"]),
    ("Germany", &["Berlin", "Köln", "Düsseldorf"]),
    ("Russia", &["Moskva", "Dərbənd", "Sankt-Peterburq"]),
    ("Iran", &["Təbriz", "Ərdəbil", "Urmiya"]),
    ("Kazakhstan", &["Almatı", "Aktau"]),
    ("Sweden", &["Stockholm", "Göteborg"]),
];

/// Where diaspora groups and events cluster; other countries get a small weight.
const DIASPORA_COUNTRIES: &[(&str, f64)] = &[
    ("Russia", 14.0),
    ("Türkiye", 12.0),
    ("Georgia", 9.0),
    ("Germany", 9.0),
    ("United States", 7.0),
    ("Ukraine", 6.0),
    ("Kazakhstan", 5.0),
    ("Iran", 4.0),
    ("United Kingdom", 3.0),
    ("France", 3.0),
    ("Estonia", 2.0),
    ("Latvia", 2.0),
    ("Lithuania", 2.0),
    ("Sweden", 2.0),
    ("Netherlands", 2.0),
    ("Canada", 1.5),
    ("Israel", 1.5),
    ("Uzbekistan", 1.0),
];

const HOME_COUNTRY: &str = "Azerbaijan";

#[derive(Clone, Copy)]
enum Kind {
    Ngo,
    Diaspora,
    Government,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Ngo, Kind::Diaspora, Kind::Government];
    /// Half NGOs, three in ten diaspora groups, one in five government bodies.
    const SHARES: [f64; 3] = [0.5, 0.3, 0.2];

    fn label(self) -> &'static str {
        match self {
            Kind::Ngo => "NGO",
            Kind::Diaspora => "DiasporaGroup",
            Kind::Government => "GovernmentBody",
        }
    }

    /// Two word lists; a name is one of each plus the organization's number.
    fn name_parts(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Kind::Ngo => (
                &[
                    "Gənclik",
                    "Təhsil Körpüsü",
                    "Sağlam Həyat",
                    "Qadın Təşəbbüsü",
                    "Açıq Cəmiyyət",
                    "Yaşıl Gələcək",
                    "Ekoloji Şura",
                    "Uşaq Hüquqları",
                    "Mədəni İrs",
                    "Rəqəmsal Azadlıq",
                    "Könüllü Hərəkat",
                    "Köçkün Dəstəyi",
                    "Clean Water",
                    "Free Press",
                ],
                &[
                    "İctimai Birliyi",
                    "Fondu",
                    "Mərkəzi",
                    "Şəbəkəsi",
                    "Association",
                    "Foundation",
                    "Initiative",
                ],
            ),
            Kind::Diaspora => (
                &[
                    "Azərbaycanlılar",
                    "Azerbaijani Community",
                    "Türkdilli Gənclər",
                    "Qarabağ Könüllüləri",
                    "Azərbaycan Tələbələri",
                    "Şirvanlılar",
                    "Azeri Families",
                    "Gəncəlilər",
                ],
                &["Cəmiyyəti", "Evi", "Dərnəyi", "Society", "Union", "Klubu", "Forum"],
            ),
            Kind::Government => (
                &[
                    "Diaspora Əlaqələri",
                    "Gənclər və İdman",
                    "Xarici Ölkələrlə Dostluq",
                    "Mədəniyyət",
                    "Miqrasiya",
                    "Təhsil",
                    "Culture Abroad",
                    "Humanitarian Aid",
                ],
                &[
                    "Dövlət Komitəsi",
                    "Nazirliyi",
                    "Agentliyi",
                    "State Service",
                    "Council",
                    "Şurası",
                ],
            ),
        }
    }
}

const FIRST_NAMES: &[&str] = &[
    "Aysu",
    "Bəhruz",
    "Cəmilə",
    "Çinarə",
    "Elnur",
    "Fidan",
    "Gülşən",
    "Hikmət",
    "İlkin",
    "Kənan",
    "Lalə",
    "Mələk",
    "Nihad",
    "Ömər",
    "Pərvin",
    "Rüstəm",
    "Sevda",
    "Şahin",
    "Tural",
    "Ülkər",
    "Vəfa",
    "Yusif",
    "Zaur",
    "Kristiina",
    "Andris",
    "Eglė",
    "Hans",
    "Claire",
    "Emily",
    "Levan",
    "Zeynep",
];

const LAST_NAMES: &[&str] = &[
    "Abdullayev",
    "Bayramova",
    "Cəlilov",
    "Əsgərova",
    "Hacıyev",
    "İbrahimova",
    "Kərimov",
    "Mustafayeva",
    "Nağıyev",
    "Orucova",
    "Sadıqov",
    "Şirinova",
    "Vəliyev",
    "Zeynalova",
    "Kask",
    "Ozola",
    "Jankauskas",
    "Weber",
    "Martin",
    "Brown",
    "Gelashvili",
    "Kaya",
    "Çelik",
];

const EVENT_THEMES: &[&str] = &[
    "Novruz Bayramı",
    "Diaspora Konfransı",
    "Gənclər Forumu",
    "Muğam Axşamı",
    "Kitab Sərgisi",
    "Film Günləri",
    "Şahmat Turniri",
    "Xeyriyyə Yarışı",
    "Dil Kursu Açılışı",
    "Policy Roundtable",
    "Heritage Week",
    "Anım Günü",
];

/// Outgoing partnership attempts a new organization makes (mean 3).
const PARTNERSHIP_ATTEMPTS: [usize; 9] = [1, 1, 2, 2, 3, 3, 4, 5, 6];

struct Builder<'g> {
    graph: &'g mut Graph,
    rng: Rng,
    seed: u64,
    organizations: usize,
    countries: Vec<(&'static str, NodeId)>,
    cities_by_country: Vec<Vec<NodeId>>,
    organization_nodes: Vec<NodeId>,
    organization_names: Vec<String>,
}

impl<'g> Builder<'g> {
    fn new(graph: &'g mut Graph, organizations: usize, seed: u64) -> Self {
        Builder {
            graph,
            rng: Rng(seed),
            seed,
            organizations,
            countries: Vec::new(),
            cities_by_country: Vec::new(),
            organization_nodes: Vec::with_capacity(organizations),
            organization_names: Vec::with_capacity(organizations),
        }
    }

    fn build(mut self) -> Targets {
        self.add_places();
        self.add_organizations();
        let partnerships = self.add_partnerships();
        self.add_people();
        self.add_events();
        self.pick_targets(&partnerships)
    }

    fn node(&mut self, id: String, labels: &[&str], properties: Vec<(String, Value)>) -> NodeId {
        self.graph.add_node(Some(&id), labels, properties).expect("generated ids are unique")
    }

    fn edge(&mut self, from: NodeId, to: NodeId, rel_type: &str) {
        self.graph.add_edge(from, to, rel_type, Vec::new()).expect("generated edges are valid");
    }

    fn country_index(&self, name: &str) -> usize {
        self.countries.iter().position(|(country, _)| *country == name).expect("a listed country")
    }

    fn add_places(&mut self) {
        for (region_number, (region, countries)) in REGIONS.iter().enumerate() {
            let region_node =
                self.node(format!("rg{}", region_number + 1), &["Region"], named(region));
            for country in countries.iter() {
                let id = format!("co{}", self.countries.len() + 1);
                let country_node = self.node(id, &["Country"], named(country));
                self.edge(country_node, region_node, "PART_OF");
                self.countries.push((*country, country_node));
            }
        }
        self.cities_by_country = vec![Vec::new(); self.countries.len()];
        let wanted = 200 + self.organizations / 500;
        let mut city_names: Vec<(String, usize)> = Vec::with_capacity(wanted);
        for (country, cities) in KNOWN_CITIES {
            let country_index = self.country_index(country);
            city_names.extend(cities.iter().map(|city| ((*city).to_owned(), country_index)));
        }
        let mut district = 0;
        while city_names.len() < wanted {
            let country_index = district % self.countries.len();
            let round = district / self.countries.len() + 1;
            city_names.push((
                format!("{} Şəhər {round}", self.countries[country_index].0),
                country_index,
            ));
            district += 1;
        }
        city_names.truncate(wanted);
        for (number, (name, country_index)) in city_names.into_iter().enumerate() {
            let city_node = self.node(format!("ci{}", number + 1), &["City"], named(&name));
            self.edge(city_node, self.countries[country_index].1, "PART_OF");
            self.cities_by_country[country_index].push(city_node);
        }
    }

    /// Country weights per organization kind: NGOs follow a skewed ranking of all
    /// countries, diaspora groups live abroad, government bodies mostly at home.
    fn country_weights(&self, kind: Kind) -> Weighted {
        let mut ranking: Vec<usize> = (0..self.countries.len()).collect();
        Rng(self.seed ^ 0x5eed_0001).shuffle(&mut ranking);
        let mut rank_of = vec![0; ranking.len()];
        for (rank, &country) in ranking.iter().enumerate() {
            rank_of[country] = rank;
        }
        Weighted::new(self.countries.iter().enumerate().map(|(index, (name, _))| {
            let skewed = 1.0 / (rank_of[index] as f64 + 1.0);
            let at_home = *name == HOME_COUNTRY;
            match kind {
                Kind::Ngo => skewed + if at_home { 2.5 } else { 0.0 },
                Kind::Diaspora if at_home => 0.0,
                Kind::Diaspora => diaspora_weight(name),
                Kind::Government => 0.2 * skewed + if at_home { 60.0 } else { 0.0 },
            }
        }))
    }

    fn add_organizations(&mut self) {
        let kinds = Weighted::new(Kind::SHARES);
        let placement: Vec<Weighted> =
            Kind::ALL.iter().map(|kind| self.country_weights(*kind)).collect();
        for number in 1..=self.organizations {
            let kind_index = kinds.sample(&mut self.rng);
            let kind = Kind::ALL[kind_index];
            let (topics, forms) = kind.name_parts();
            let name = format!("{} {} {number}", self.rng.pick(topics), self.rng.pick(forms));
            let founded = (2024 - self.rng.exponential(15.0) as i64).max(1950);
            let properties = vec![
                ("name".to_owned(), Value::from(name.as_str())),
                ("founded".to_owned(), Value::Int(founded)),
            ];
            let node =
                self.node(format!("org{number}"), &["Organization", kind.label()], properties);
            let country_index = placement[kind_index].sample(&mut self.rng);
            self.edge(node, self.countries[country_index].1, "LOCATED_IN");
            let cities = &self.cities_by_country[country_index];
            if !cities.is_empty() && self.rng.chance(0.5) {
                let city = *self.rng.pick(cities);
                self.edge(node, city, "LOCATED_IN");
            }
            self.organization_nodes.push(node);
            self.organization_names.push(name);
        }
    }

    /// Preferential attachment: each organization after the first links to a few earlier
    /// ones, mostly picked in proportion to the links they already have. Each pair is
    /// linked once, in a random direction. Returns the partnerships as index pairs.
    fn add_partnerships(&mut self) -> Vec<(usize, usize)> {
        let mut link_ends: Vec<usize> = vec![0];
        let mut partnerships = Vec::with_capacity(self.organizations * 3);
        let mut chosen: Vec<usize> = Vec::new();
        for newcomer in 1..self.organizations {
            chosen.clear();
            for _ in 0..*self.rng.pick(&PARTNERSHIP_ATTEMPTS) {
                let partner = if self.rng.chance(0.8) {
                    *self.rng.pick(&link_ends)
                } else {
                    self.rng.below(newcomer)
                };
                chosen.push(partner);
            }
            chosen.sort_unstable();
            chosen.dedup();
            for &partner in &chosen {
                let pair =
                    if self.rng.chance(0.5) { (newcomer, partner) } else { (partner, newcomer) };
                partnerships.push(pair);
                link_ends.push(partner);
                link_ends.push(newcomer);
            }
        }
        for &(from, to) in &partnerships {
            self.edge(self.organization_nodes[from], self.organization_nodes[to], "PARTNERS_WITH");
        }
        partnerships
    }

    /// Two people per organization. 85% of organizations get a leader; each person is a
    /// member of zero to four organizations, half of them drawn from a popularity-skewed
    /// order so that some organizations have many members.
    fn add_people(&mut self) {
        let count = 2 * self.organizations;
        let mut people = Vec::with_capacity(count);
        for number in 1..=count {
            let name =
                format!("{} {} {number}", self.rng.pick(FIRST_NAMES), self.rng.pick(LAST_NAMES));
            people.push(self.node(format!("per{number}"), &["Person"], named(&name)));
        }
        for organization in 0..self.organizations {
            if self.rng.chance(0.85) {
                let leader = *self.rng.pick(&people);
                self.edge(leader, self.organization_nodes[organization], "LEADS");
            }
        }
        let mut popularity: Vec<usize> = (0..self.organizations).collect();
        Rng(self.seed ^ 0x5eed_0002).shuffle(&mut popularity);
        let mut memberships: Vec<usize> = Vec::new();
        for &person in &people {
            memberships.clear();
            let wanted = (self.rng.exponential(1.3) as usize).min(4);
            for _ in 0..wanted {
                let organization = if self.rng.chance(0.5) {
                    let skewed = self.rng.unit().powi(3) * self.organizations as f64;
                    popularity[(skewed as usize).min(self.organizations - 1)]
                } else {
                    self.rng.below(self.organizations)
                };
                memberships.push(organization);
            }
            memberships.sort_unstable();
            memberships.dedup();
            for &organization in &memberships {
                self.edge(person, self.organization_nodes[organization], "MEMBER_OF");
            }
        }
    }

    /// Half as many events as organizations, from 1995 to 2024, each organized by one
    /// organization (one in five by two) and held where diaspora activity is.
    fn add_events(&mut self) {
        let venues = Weighted::new(
            self.countries
                .iter()
                .map(|(name, _)| if *name == HOME_COUNTRY { 8.0 } else { diaspora_weight(name) }),
        );
        for number in 1..=self.organizations / 2 {
            let name = format!("{} {number}", self.rng.pick(EVENT_THEMES));
            let year = 1995 + self.rng.below(30) as i64;
            let properties = vec![
                ("name".to_owned(), Value::from(name.as_str())),
                ("year".to_owned(), Value::Int(year)),
            ];
            let event = self.node(format!("ev{number}"), &["Event"], properties);
            let mut organizers = vec![self.rng.below(self.organizations)];
            if self.rng.chance(0.2) {
                organizers.push(self.rng.below(self.organizations));
            }
            organizers.sort_unstable();
            organizers.dedup();
            for organizer in organizers {
                self.edge(self.organization_nodes[organizer], event, "ORGANIZED");
            }
            let venue = self.countries[venues.sample(&mut self.rng)].1;
            self.edge(event, venue, "HELD_IN");
        }
    }

    fn pick_targets(&self, partnerships: &[(usize, usize)]) -> Targets {
        let count = self.organizations;
        let mut out_degree = vec![0usize; count];
        let mut neighbours = vec![Vec::new(); count];
        for &(from, to) in partnerships {
            out_degree[from] += 1;
            neighbours[from].push(to);
            neighbours[to].push(from);
        }
        let hub = (0..count)
            .max_by_key(|&index| (out_degree[index], std::cmp::Reverse(index)))
            .expect("organizations");
        let walk_start = (count / 3..count)
            .find(|&index| out_degree[index] == 3)
            .or_else(|| (0..count).find(|&index| out_degree[index] > 0))
            .unwrap_or(0);
        let path_from = count - 1;
        let distance = distances_from(path_from, &neighbours);
        let path_to = (0..path_from)
            .rev()
            .find(|&index| distance[index].is_some_and(|hops| hops > 2))
            .or_else(|| (0..path_from).rev().max_by_key(|&index| distance[index]))
            .expect("more than one organization");
        let name = |index: usize| self.organization_names[index].clone();
        Targets {
            lookup: name(count / 2),
            hub: name(hub),
            walk_start: name(walk_start),
            path_from: name(path_from),
            path_to: name(path_to),
        }
    }
}

fn named(name: &str) -> Vec<(String, Value)> {
    vec![("name".to_owned(), Value::from(name))]
}

fn diaspora_weight(country: &str) -> f64 {
    DIASPORA_COUNTRIES.iter().find(|(name, _)| *name == country).map_or(0.4, |(_, weight)| *weight)
}

/// Breadth-first hop counts over undirected partnerships (`None`: not reachable).
fn distances_from(start: usize, neighbours: &[Vec<usize>]) -> Vec<Option<usize>> {
    let mut distance = vec![None; neighbours.len()];
    distance[start] = Some(0);
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(current) = queue.pop_front() {
        let next = distance[current].map(|hops| hops + 1);
        for &neighbour in &neighbours[current] {
            if distance[neighbour].is_none() {
                distance[neighbour] = next;
                queue.push_back(neighbour);
            }
        }
    }
    distance
}
