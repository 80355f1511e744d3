package figures

import "os2pulse/config"

// Definition is how one figure is computed, in words, in Danish and
// English. Pages show Short next to the figure and Full on /data; the
// annual report uses the same texts, so a figure is described in one place.
type Definition struct {
	ID    string
	Title config.Text
	Short config.Text
	Full  config.Text
}

// Definitions of every figure os2pulse publishes, in the order /data lists
// them. Each states what the function computing the figure computes; the
// adoption, membership and contributor texts are the constants next to
// those functions.
var Definitions = []Definition{
	{
		ID:    "adopter",
		Title: config.Text{DA: "Bruger af et produkt", EN: "Adopter of a product"},
		Short: config.Text{
			DA: "En organisation bruger et produkt på en dato, når registret har produktet i drift hos den på datoen. Piloter og planlagte tælles ikke.",
			EN: "An organisation runs a product on a date when the register has it in production there on that date. Pilots and planned uses are not counted.",
		},
		Full: config.Text{DA: AdoptionDefinitionDA, EN: AdoptionDefinitionEN},
	},
	{
		ID:    "adoption_share_municipalities",
		Title: config.Text{DA: "Andel af kommunerne", EN: "Share of municipalities"},
		Short: config.Text{
			DA: "Kommuner, der har produktet i drift, divideret med alle 98 kommuner.",
			EN: "Municipalities running the product in production divided by all 98 municipalities.",
		},
		Full: config.Text{
			DA: "Et produkts andel af kommunerne på dato D er antallet af kommuner, der bruger produktet på D, divideret med 98, antallet af danske kommuner. Nævneren er altid 98, også for kommuner der ikke er medlemmer.",
			EN: "A product's share of municipalities on date D is the number of municipalities that are adopters on D divided by 98, the number of Danish municipalities. The denominator is always 98, members or not.",
		},
	},
	{
		ID:    "adoption_share_members",
		Title: config.Text{DA: "Andel af medlemmerne", EN: "Share of members"},
		Short: config.Text{
			DA: "Medlemmer, der har produktet i drift, divideret med alle medlemmer på datoen.",
			EN: "Members running the product in production divided by all members on the date.",
		},
		Full: config.Text{
			DA: "Et produkts andel af medlemmerne på dato D er antallet af medlemmer på D, der bruger produktet på D, divideret med antallet af medlemmer på D. En organisation er medlem på D, når medlemslisten har en medlemsperiode med start på eller før D og slut, der er tom eller efter D.",
			EN: "A product's share of members on date D is the number of members on D that are adopters on D divided by the number of members on D. An organisation is a member on D when the members list has a membership period starting on or before D and ending empty or after D.",
		},
	},
	{
		ID:    "members",
		Title: config.Text{DA: "Medlemmer", EN: "Members"},
		Short: config.Text{
			DA: "Organisationer med en medlemsperiode, der omfatter datoen.",
			EN: "Organisations with a membership period covering the date.",
		},
		Full: config.Text{DA: MembersDefinitionDA, EN: MembersDefinitionEN},
	},
	{
		ID:    "three_plus",
		Title: config.Text{DA: "Medlemmer med tre eller flere produkter", EN: "Members running three or more products"},
		Short: config.Text{
			DA: "Medlemmer med mindst tre forskellige produkter i drift; andelen er dem divideret med alle medlemmer.",
			EN: "Members with at least three distinct products in production; the share is them divided by all members.",
		},
		Full: config.Text{
			DA: "Medlemmer med tre eller flere produkter på dato D er medlemmer på D, som bruger mindst tre forskellige produkter på D. Andelen er dette antal divideret med antallet af medlemmer på D. Fordelingen 0, 1, 2, 3, 4 og 5+ tæller medlemmerne efter antal produkter i drift på samme måde.",
			EN: "Members running three or more products on date D are members on D that are adopters of at least three distinct products on D. The share is that count divided by the number of members on D. The distribution 0, 1, 2, 3, 4 and 5+ counts members by products in production the same way.",
		},
	},
	{
		ID:    "distribution",
		Title: config.Text{DA: "Medlemmer efter antal produkter", EN: "Members by number of products"},
		Short: config.Text{
			DA: "Medlemmerne på datoen fordelt efter, hvor mange forskellige produkter hver har i drift: 0, 1, 2, 3, 4 eller 5 og flere.",
			EN: "The members on the date by how many distinct products each runs in production: 0, 1, 2, 3, 4, or 5 and more.",
		},
		Full: config.Text{
			DA: "Fordelingen på dato D tæller medlemmerne på D efter antallet af forskellige produkter, de er bruger af på D: 0, 1, 2, 3, 4 og 5 eller flere. Summen er antallet af medlemmer på D; 3, 4 og 5+ tilsammen er medlemmerne med tre eller flere produkter.",
			EN: "The distribution on date D counts the members on D by the number of distinct products they are adopters of on D: 0, 1, 2, 3, 4, and 5 or more. It sums to the members on D; 3, 4 and 5+ together are the members running three or more products.",
		},
	},
	{
		ID:    "non_member_adopters",
		Title: config.Text{DA: "Brugere, der ikke er medlemmer", EN: "Non-member adopters"},
		Short: config.Text{
			DA: "Organisationer, der har et produkt i drift uden at være medlem på datoen.",
			EN: "Organisations running a product in production without being a member on the date.",
		},
		Full: config.Text{
			DA: "Brugere, der ikke er medlemmer, er organisationer, der er bruger af mindst ét produkt på dato D uden at være medlem på D. De tæller med i \"alle i drift\" og i andelen af kommunerne, men ikke i andelen af medlemmerne.",
			EN: "Non-member adopters are organisations that are adopters of at least one product on date D without being members on D. They count in \"all in production\" and in the share of municipalities, not in the share of members.",
		},
	},
	{
		ID:    "product_counts",
		Title: config.Text{DA: "Produkter pr. organisation", EN: "Products per organisation"},
		Short: config.Text{
			DA: "Antal forskellige produkter, organisationen har i drift på datoen.",
			EN: "Number of distinct products the organisation runs in production on the date.",
		},
		Full: config.Text{
			DA: "For hver organisation: antallet af forskellige produkter, organisationen er bruger af på dato D, uanset medlemskab. Kortet og dets tabel viser alle 98 kommuner, også dem med 0.",
			EN: "For each organisation: the number of distinct products it is an adopter of on date D, member or not. The map and its table show all 98 municipalities, including those with 0.",
		},
	},
	{
		ID:    "active_contributors",
		Title: config.Text{DA: "Aktive bidragydere", EN: "Active contributors"},
		Short: config.Text{
			DA: "Forskellige personer (ikke bots) med mindst ét bidrag i vinduet, der slutter på datoen.",
			EN: "Distinct persons (no bots) with at least one contribution in the window ending on the date.",
		},
		Full: config.Text{
			DA: ActiveContributorsDefinitionDA,
			EN: ActiveContributorsDefinitionEN,
		},
	},
	{
		ID:    "concentration",
		Title: config.Text{DA: "Koncentration (bus-faktor)", EN: "Concentration (bus factor)"},
		Short: config.Text{
			DA: "Hvor få personer der står for halvdelen af bidragene i vinduet.",
			EN: "How few persons make half of the contributions in the window.",
		},
		Full: config.Text{
			DA: "Koncentrationen af et produkt på dato D er det mindste antal personer, der tilsammen står for mindst halvdelen af produktets bidrag i vinduet, der slutter på D (personer og bots som for aktive bidragydere). 1 betyder, at én person laver halvdelen af arbejdet; jo lavere tal, jo mere sårbart er produktet, hvis nogen stopper.",
			EN: "The concentration of a product on date D is the smallest number of persons who together make at least half of the product's contributions in the window ending on D (persons and bots as for active contributors). 1 means one person does half the work; the lower the number, the more the product depends on a few people.",
		},
	},
	{
		ID:    "members_change",
		Title: config.Text{DA: "Nye og udtrådte medlemmer", EN: "Members joined and left"},
		Short: config.Text{
			DA: "Organisationer, der er medlem på den ene dato, men ikke på den anden.",
			EN: "Organisations that are members on one date but not on the other.",
		},
		Full: config.Text{
			DA: "Nye medlemmer i et år er de organisationer, der er medlem den 31. december, men ikke var det den 31. december året før; udtrådte medlemmer er det omvendte. Medlemmer ved årets udgang = medlemmer året før + nye − udtrådte.",
			EN: "Members who joined in a year are the organisations that are members on 31 December but were not on 31 December of the year before; members who left are the reverse. Members at the end of the year = members the year before + joined − left.",
		},
	},
	{
		ID:    "pilots_planned",
		Title: config.Text{DA: "Piloter og planlagte", EN: "Pilots and planned"},
		Short: config.Text{
			DA: "Organisationer med en pilot- eller planlagt-registrering af produktet på datoen; tælles ikke som brug.",
			EN: "Organisations with a pilot or planned record for the product on the date; not counted as adoption.",
		},
		Full: config.Text{
			DA: "Piloter (planlagte) af et produkt på dato D er organisationer med en registrering med status pilot (planlagt) for produktet med startdato på eller før D og slutdato tom eller efter D. De vises for sig og tælles aldrig som brug.",
			EN: "Pilots (planned) of a product on date D are organisations with a record of status pilot (planned) for the product with since on or before D and until empty or after D. They are shown separately and never counted as adoption.",
		},
	},
	{
		ID:    "goal",
		Title: config.Text{DA: "Mål og status", EN: "Goals and status"},
		Short: config.Text{
			DA: "Bestyrelsens mål: værdi, målværdi, frist og status (nået, på sporet, i fare, bagud, ikke nået).",
			EN: "The board's goals: value, target, deadline and status (met, on track, at risk, behind, missed).",
		},
		Full: config.Text{
			DA: "Et mål er nået, når dets værdi når målværdien. Før fristen bedømmes et mål, der ikke er nået, på den rette linje fra udgangsværdien på udgangsdatoen til målværdien på fristen og på fremskrivningen sammen: på sporet, når værdien er på eller over linjen, og fremskrivningen når målværdien inden fristen; bagud, når ingen af delene gælder; i fare, når kun den ene gør. Uden fremskrivning (færre end tre måneder) afgør linjen. Efter fristen bedømmes målet på værdien på fristen: nået eller ikke nået. Status er ukendt, når data ikke når den dato, målet bedømmes på. Mål gælder tal, der skal op.",
			EN: "A goal is met when its value reaches the target. Before the deadline an unmet goal is judged by the straight line from the baseline value on the baseline date to the target on the deadline and by its projection together: on track when the value is at or above the line and the projection reaches the target by the deadline; behind when neither holds; at risk when only one does. Without a projection (fewer than three months) the line decides. After the deadline it is judged by its value on the deadline: met, or missed. The status is unknown when the data do not reach the date the goal is judged on. Goals are for figures that should rise.",
		},
	},
	{
		ID:    "projection",
		Title: config.Text{DA: "Fremskrivning af et mål", EN: "Projection of a goal"},
		Short: config.Text{
			DA: "Hvor målet ender i det tempo, det har haft de seneste 12 måneder, og hvad der skal til pr. måned for at nå det.",
			EN: "Where the goal ends up at the pace of its last 12 months, and what it takes per month to reach it.",
		},
		Full: config.Text{DA: ProjectionDefinitionDA, EN: ProjectionDefinitionEN},
	},
	{
		ID:    "near_three_plus",
		Title: config.Text{DA: "Medlemmer med to produkter", EN: "Members running two products"},
		Short: config.Text{
			DA: "Medlemmer med netop to produkter i drift: ét produkt mere, så tæller de med blandt dem med tre eller flere.",
			EN: "Members running exactly two products: one more, and they count among those running three or more.",
		},
		Full: config.Text{
			DA: "Medlemmer med to produkter på dato D er medlemmer på D, som er bruger af netop to forskellige produkter på D. Ved hvert medlem står de to produkter og de fokusprodukter, det ikke har i drift.",
			EN: "Members running two products on date D are members on D that are adopters of exactly two distinct products on D. Each is listed with its two products and the focus products it does not run.",
		},
	},
	{
		ID:    "product_prospects",
		Title: config.Text{DA: "Hvem kan blive de næste brugere", EN: "Who could adopt next"},
		Short: config.Text{
			DA: "Medlemmer med produktet som pilot eller planlagt, derefter medlemskommuner uden nogen registrering af det.",
			EN: "Members piloting or planning the product, then member municipalities with no record of it.",
		},
		Full: config.Text{
			DA: "Mulige næste brugere af et produkt på dato D er først medlemmerne på D med en pilot-registrering af produktet på D, så medlemmerne med en planlagt-registrering, og til sidst de kommuner, der er medlemmer på D uden nogen registrering af produktet på D. Et medlem, der bruger produktet, er ikke med.",
			EN: "Possible next adopters of a product on date D are first the members on D with a pilot record of the product on D, then the members with a planned record, and last the municipalities that are members on D with no record of the product on D. A member that is an adopter of the product is not listed.",
		},
	},
	{
		ID:    "governance_level",
		Title: config.Text{DA: "Governance-niveau", EN: "Governance level"},
		Short: config.Text{
			DA: "Produktets niveau i OS2's governance-model: sandkasse, 1, 2 eller 3.",
			EN: "The product's level in OS2's governance model: sandbox, 1, 2 or 3.",
		},
		Full: config.Text{
			DA: "Governance-niveauet er produktets trin i OS2's governance-model: sandkasse for nye initiativer og 1, 2 og 3 for produkter med stigende krav til styring, drift og fællesskab. Konfigurationen daterer niveauerne: et produkt har et niveau fra den dato, det fik det, til det næste, og hvert tal om en dato bruger niveauet på den dato. Før sit første niveau er et produkt endnu ikke i modellen.",
			EN: "The governance level is the product's step in OS2's governance model: sandbox for new initiatives and 1, 2 and 3 for products with growing requirements on steering, operation and community. The configuration dates the levels: a product holds a level from the date it got it until the next one, and every figure about a date uses the level on that date. Before its first level a product is not yet in the model.",
		},
	},
	{
		ID:    "self_evaluation",
		Title: config.Text{DA: "Selvevaluering", EN: "Self-evaluation"},
		Short: config.Text{
			DA: "Produktets egen vurdering af OS2's krav, niveau for niveau: opfyldt, planlagt eller ikke opfyldt. Anbefalinger tælles ikke som krav.",
			EN: "The product's own assessment of OS2's requirements, level by level: met, planned or not met. Recommendations are not counted as requirements.",
		},
		Full: config.Text{
			DA: "Selvevalueringen på dato D er den nyeste, produktet har udfyldt på eller før D (dens filledDate); hver version gemmes. For hvert niveau (sandkasse, 1, 2, 3) tælles kravene, der gælder fra det niveau: krævet, opfyldt (Ja), planlagt (Planlagt) og ikke opfyldt (Nej). Et punkt, hvis tekst siger \"(anbefaling)\", er en anbefaling og ikke et krav; det tælles for sig. Det opfyldte niveau er det højeste niveau, hvor alle krav på niveauet og alle lavere niveauer er opfyldt. Det vises ved siden af niveauet i konfigurationen. Tallene er produktets egne; os2pulse kontrollerer dem ikke.",
			EN: "The self-evaluation on date D is the newest the product filled on or before D (its filledDate); every version is kept. For each level (sandbox, 1, 2, 3) the requirements that apply from that level are counted: required, met (Ja), planned (Planlagt) and not met (Nej). A line whose text says \"(anbefaling)\" is a recommendation, not a requirement, and is counted apart. The met level is the highest level whose requirements, and those of every lower level, are all met. It is shown beside the level in the configuration. The figures are the product's own; os2pulse does not check them.",
		},
	},
	{
		ID:    "contributor_concentration",
		Title: config.Text{DA: "Bidragskoncentration", EN: "Contributor concentration"},
		Short: config.Text{
			DA: "Det mindste antal personer, der står for halvdelen af bidragene de seneste 12 måneder.",
			EN: "The fewest persons who made half of the contributions in the last 12 months.",
		},
		Full: config.Text{
			DA: "Bidragskoncentrationen af et produkt på dato D er koncentrationen (se den) med et vindue på 365 dage, der slutter på D. Den følger CHAOSS' mål for bidragsfordeling (\"bus factor\").",
			EN: "The contributor concentration of a product on date D is the concentration (see it) with a window of 365 days ending on D. It follows CHAOSS's contributor absence factor (\"bus factor\").",
		},
	},
	{
		ID:    "organizational_diversity",
		Title: config.Text{DA: "Organisatorisk mangfoldighed", EN: "Organisational diversity"},
		Short: config.Text{
			DA: "Antal organisationer (medlemmer og leverandører), der har bidraget de seneste 12 måneder, og den største organisations andel af bidragene.",
			EN: "Organisations (members and suppliers) that contributed in the last 12 months, and the largest one's share of the contributions.",
		},
		Full: config.Text{
			DA: "Den organisatoriske mangfoldighed af et produkt på dato D tæller de organisationer, hvis folk har bidraget til produktets repositorier i de 365 dage, der slutter på D. Et bidrag hører til en organisation eller leverandør efter tilknytningsreglerne, der gælder på bidragets dag: først en regel for login, ellers den længste e-maildomæne, der passer. Bots tælles ikke. Den største organisations andel er dens bidrag divideret med alle bidrag, der kan henføres til en organisation; bidrag uden tilknytning vises for sig. Efter CHAOSS' mål for organisatorisk mangfoldighed.",
			EN: "The organisational diversity of a product on date D counts the organisations whose people contributed to the product's repositories in the 365 days ending on D. A contribution belongs to an organisation or supplier by the affiliation rules valid on its day: a login rule first, else the longest matching e-mail domain. Bots are not counted. The largest organisation's share is its contributions divided by all contributions attributed to an organisation; unattributed contributions are shown apart. After CHAOSS's organizational diversity metric.",
		},
	},
	{
		ID:    "time_to_first_response",
		Title: config.Text{DA: "Tid til første svar", EN: "Time to first response"},
		Short: config.Text{
			DA: "Median og 90. percentil af tiden fra en sag eller et pull request åbnes til første svar fra en anden end forfatteren, over dem, der er åbnet de seneste 90 dage.",
			EN: "Median and 90th percentile of the time from opening an issue or pull request to the first response by someone other than its author, over those opened in the last 90 days.",
		},
		Full: config.Text{
			DA: "Tid til første svar for et produkt på dato D: for hver sag og hvert pull request i produktets repositorier, der er åbnet i de 90 dage, der slutter på D, tiden fra åbning til den første kommentar, kommentar i koden eller review af en anden end forfatteren, senest ved udgangen af D. Bots tælles hverken som forfattere eller som svar. Sager uden svar ved udgangen af D tælles som ventende og indgår ikke i medianen og 90. percentilen (den mindste værdi, som mindst 90 % af tiderne er mindre end eller lig med). Efter CHAOSS' mål for tid til første svar.",
			EN: "Time to first response for a product on date D: for each issue and pull request in the product's repositories opened in the 90 days ending on D, the time from opening to the first comment, review comment or review by someone other than its author, by the end of D. Bots count neither as authors nor as responses. Items without a response by the end of D are counted as waiting and are not in the median and the 90th percentile (the smallest value at least 90% of the times are at or below). After CHAOSS's time to first response metric.",
		},
	},
	{
		ID:    "release_cadence",
		Title: config.Text{DA: "Udgivelsesfrekvens", EN: "Release cadence"},
		Short: config.Text{
			DA: "Udgivelser de seneste 12 måneder og dage siden den seneste.",
			EN: "Releases in the last 12 months and days since the last one.",
		},
		Full: config.Text{
			DA: "Udgivelsesfrekvensen af et produkt på dato D er antallet af udgivelser (GitHub releases, ikke kladder) i produktets repositorier i de 365 dage, der slutter på D, og antallet af dage fra den seneste udgivelse på eller før D til D. Efter CHAOSS' mål for udgivelsesfrekvens.",
			EN: "The release cadence of a product on date D is the number of releases (GitHub releases, not drafts) in the product's repositories in the 365 days ending on D, and the days from the last release on or before D to D. After CHAOSS's release frequency metric.",
		},
	},
	{
		ID:    "backlog",
		Title: config.Text{DA: "Åbne sager", EN: "Backlog"},
		Short: config.Text{
			DA: "Åbne sager og pull requests ved udgangen af datoen, og medianalderen af de åbne i dage.",
			EN: "Open issues and pull requests at the end of the date, and the median age of the open ones in days.",
		},
		Full: config.Text{
			DA: "Produktets åbne sager på dato D er de sager og pull requests i dets repositorier, der er åbnet senest på D og ikke lukket ved udgangen af D, efter den lukkedato, GitHub senest har oplyst (en sag, der er genåbnet, tæller som åben igen fra den næste indsamling). Medianalderen er medianen af dagene fra åbning til D. Efter CHAOSS' mål for sager, der er åbne.",
			EN: "A product's backlog on date D is the issues and pull requests in its repositories opened on or before D and not closed by the end of D, by the close date GitHub last gave (a reopened issue counts as open again from the next collection). The median age is the median of the days from opening to D. After CHAOSS's issues active and change request backlog metrics.",
		},
	},
	{
		ID:    "repository_hygiene",
		Title: config.Text{DA: "Repositoriernes stand", EN: "Repository hygiene"},
		Short: config.Text{
			DA: "Hvor mange af produktets repositorier der har licens, README, CONTRIBUTING, adfærdskodeks, sikkerhedspolitik og publiccode.yml.",
			EN: "How many of the product's repositories have a licence, README, CONTRIBUTING, code of conduct, security policy and publiccode.yml.",
		},
		Full: config.Text{
			DA: "For hvert af produktets repositorier på dato D bruges det seneste tjek på eller før D: licensen (SPDX-id) og filerne README, CONTRIBUTING og adfærdskodeks efter GitHubs fællesskabsprofil, sikkerhedspolitik (SECURITY) og publiccode.yml efter repositoriets rodmappe. Tjekket sker højst én gang om dagen. Tallet er antallet af repositorier med hver fil ud af dem, der er tjekket.",
			EN: "For each of the product's repositories on date D the newest check on or before D is used: the licence (SPDX id) and the README, CONTRIBUTING and code of conduct files by GitHub's community profile, the security policy (SECURITY) and publiccode.yml by the repository's root directory. The check runs at most once a day. The figure is the number of repositories with each file out of those checked.",
		},
	},
	{
		ID:    "coverage",
		Title: config.Text{DA: "Data til og med", EN: "Data up to"},
		Short: config.Text{
			DA: "Hvor langt data om bidrag vides at være fuldstændige; et tal om en senere dato er ikke kendt og vises som –.",
			EN: "How far the contribution data are known to be complete; a figure about a later date is not known and shown as –.",
		},
		Full: config.Text{
			DA: "Et repositoriums historik er fuldstændig til og med datoen (dansk tid), hvor den seneste vellykkede indsamling fra GitHub begyndte, eller til og med den dato, en import af git-log siger, den dækker (ellers dens seneste commit) – den seneste af dem. Et produkts data når til den tidligste dato blandt dets repositorier, porteføljens til den tidligste blandt alle. Et tal om aktive bidragydere på en dato, som data ikke når, er ukendt: det vises som \"–\" (null i API'et, en tom celle i CSV, ingen måling i /metrics) med datoen, data når til, og tallet på den dato ved siden af – aldrig som et rigtigt tal. Et repositorium, hvis indsamling fejler, beholder sin gamle dato. Tal om brug og medlemskab vises \"som registreret\" på datoen for den seneste vellykkede læsning af registret, når de gælder en senere dato.",
			EN: "A repository's history is complete up to the date (in Denmark) on which its last successful collection from GitHub began, or up to the date a git log import says it covers (else its last commit), whichever is later. A product's data reach the earliest of its repositories' dates, the portfolio's the earliest of all. An active-contributor figure about a date the data do not reach is not known: it is shown as \"–\" (null in the API, an empty cell in CSV, no sample in /metrics) with the date the data reach and the figure on that date beside it, never as a real value. A repository whose collection fails keeps its old date. Adoption and membership figures about a later date than the last successful reading of the register are shown \"as registered\" on that date.",
		},
	},
}

// DefinitionOf returns the definition with the given id; it panics on an
// unknown id, a programming error that every page test would catch.
func DefinitionOf(id string) Definition {
	d, ok := LookupDefinition(id)
	if !ok {
		panic("figures: no definition " + id)
	}
	return d
}

// LookupDefinition returns the definition with the given id, if there is
// one: for ids read back from stored data, such as a kept report.
func LookupDefinition(id string) (Definition, bool) {
	for _, d := range Definitions {
		if d.ID == id {
			return d, true
		}
	}
	return Definition{}, false
}
