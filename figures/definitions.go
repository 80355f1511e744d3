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
			DA: "Bestyrelsens mål: værdi, målværdi, frist og status (nået, på sporet, bagud, ikke nået).",
			EN: "The board's goals: value, target, deadline and status (met, on track, behind, missed).",
		},
		Full: config.Text{
			DA: "Et mål er nået, når dets værdi når målværdien. Før fristen er et mål på sporet, når værdien er på eller over den rette linje fra udgangsværdien på udgangsdatoen til målværdien på fristen, ellers bagud. Efter fristen bedømmes det på værdien på fristen: nået eller ikke nået. Mål gælder tal, der skal op.",
			EN: "A goal is met when its value reaches the target. Before the deadline an unmet goal is on track when the value is at or above the straight line from the baseline value on the baseline date to the target on the deadline, else behind. After the deadline it is judged by its value on the deadline: met, or missed. Goals are for figures that should rise.",
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
		ID:    "coverage",
		Title: config.Text{DA: "Data til og med", EN: "Data up to"},
		Short: config.Text{
			DA: "Hvor langt data om bidrag vides at være fuldstændige; et tal om en senere dato er ufuldstændigt og markeres.",
			EN: "How far the contribution data are known to be complete; a figure about a later date is incomplete and marked so.",
		},
		Full: config.Text{
			DA: "Et repositoriums historik er fuldstændig til og med datoen (dansk tid), hvor den seneste vellykkede indsamling fra GitHub begyndte, eller til og med den dato, en import af git-log siger, den dækker (ellers dens seneste commit) – den seneste af dem. Et produkts data når til den tidligste dato blandt dets repositorier, porteføljens til den tidligste blandt alle. Et tal om aktive bidragydere på en dato, som data ikke når, er ufuldstændigt: det tæller kun, hvad der er kendt, og vises med mærket \"ufuldstændigt\" og datoen, data når til, aldrig som et rigtigt tal. Et repositorium, hvis indsamling fejler, beholder sin gamle dato. Tal om brug og medlemskab vises \"som registreret\" på datoen for den seneste vellykkede læsning af registret, når de gælder en senere dato.",
			EN: "A repository's history is complete up to the date (in Denmark) on which its last successful collection from GitHub began, or up to the date a git log import says it covers (else its last commit), whichever is later. A product's data reach the earliest of its repositories' dates, the portfolio's the earliest of all. An active-contributor figure about a date the data do not reach is incomplete: it counts only what is known and is shown with the mark \"incomplete\" and the date the data reach, never as a real value. A repository whose collection fails keeps its old date. Adoption and membership figures about a later date than the last successful reading of the register are shown \"as registered\" on that date.",
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
