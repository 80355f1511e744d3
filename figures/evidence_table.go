package figures

// OS2's governance model as a table (docs/governance.md describes it):
// every requirement, and for those collected data can speak to, the check.
// The level, category, text and guidelines here are used when a product
// has no self-evaluation of its own; when it has one, its own lines win.
// A requirement without a check (S-, G- and most R- and F-lines) is
// cannot tell: the product's own answer stands alone.

// Verdicts of a check.
const (
	VerdictFound      = "found"
	VerdictNotFound   = "not_found"
	VerdictCannotTell = "cannot_tell"
)

// Verdicts lists the verdicts in the order pages and metrics give them.
var Verdicts = []string{VerdictFound, VerdictNotFound, VerdictCannotTell}

// EvidenceWindowDays is the window of the checks about recent activity:
// commits (F1), merged pull requests (F11), pushes to forks (F12).
const EvidenceWindowDays = 365

// HygieneMaxAgeDays is how old a repository's last file check may be for
// the checks of its files (licence, README, security policy): an older
// check says nothing about the date, so the verdict is cannot tell.
const HygieneMaxAgeDays = 30

// Requirement is one requirement of OS2's governance model.
type Requirement struct {
	ID             string `json:"id"`
	Level          string `json:"level"` // sandbox, 1, 2 or 3
	Category       string `json:"category"`
	Recommendation bool   `json:"recommendation"`
	Text           string `json:"text"` // in Danish, as OS2 writes the requirements
	Guidelines     string `json:"guidelines"`
	// Check says in a line what the data are checked for; "" when no
	// check speaks to the requirement.
	Check string `json:"check,omitempty"`
}

// Requirements is OS2's governance model: its 43 requirements in OS2's
// order, with OS2's ids, levels, categories, texts and guidelines as OS2's
// self-evaluation form gives them (Danish), and the check of those the
// data can speak to. A product's own evaluation, where it has one, wins
// for the texts.
var Requirements = []Requirement{
	{ID: "R1", Level: "sandbox", Category: "relevans", Text: "Løsningen skaber lokal værdi",
		Guidelines: "Beskriv den konkrete værdi løsningen skaber i organisationen. F.eks. økonomisk, organisatorisk eller brugerrelateret."},
	{ID: "R2", Level: "2", Category: "relevans", Text: "Løsningen er accepteret af lokal linjeledelse",
		Guidelines: "Beskriv eller henvis til en formel accept fra ledelse hos initiativtagerne til løsningen."},
	{ID: "R3", Level: "2", Category: "relevans", Text: "Løsningen har fælles offentligt potentiale",
		Guidelines: "Redegør for hvordan løsningen kan bruges på tværs af kommuner og/eller offentlige myndigheder.",
		Check:      "at least two organisations run it in production according to the register"},
	{ID: "R4", Level: "3", Category: "relevans", Text: "Ophæng til nationale strategier er til stede",
		Guidelines: "Henvis til relevante strategier og forklar hvordan løsningen understøtter disse."},
	{ID: "F1", Level: "sandbox", Category: "formkrav", Text: "Alt kildekode til projektet udvikles synligt og aktivt i et repositorie og versionskontrolsystem, anvist af OS2",
		Guidelines: "Upload al kildekode i et offentligt OS2 repository med aktiv versionshistorik.",
		Check:      "repositories under an organisation in [governance] organizations, not archived, with commits in the last 12 months"},
	{ID: "F2", Level: "sandbox", Category: "formkrav", Text: "Open Source licenskriterier overholdes",
		Guidelines: "Angiv hvilken OSI-godkendt licens projektet bruger. OS2 standard er MPL 2.0",
		Check:      "every repository has an OSI-approved SPDX licence, as GitHub or GitLab detects it"},
	{ID: "F3", Level: "sandbox", Category: "formkrav", Text: "Udbudsregler og alm. lovformlighed er overholdt",
		Guidelines: "Bekræft at udbudspligt er overholdt eller redegør for undtagelse. Vedlæg evt. beslutningsnotat."},
	{ID: "F4", Level: "sandbox", Category: "formkrav", Text: "Der er tænkt på sikkerheden i løsningen",
		Guidelines: "Beskriv hvordan sikkerhed er indtænkt i design, kode og drift – f.eks. kryptering, adgangsstyring.",
		Check:      "a security policy (SECURITY.md) in a repository that is not archived"},
	{ID: "F5", Level: "sandbox", Category: "formkrav", Text: "Løsningens formål og værdi er beskrevet",
		Guidelines: "Henvis til dokumentation (f.eks. README) hvor formål og målgruppe fremgår.",
		Check:      "a README (and a publiccode.yml) in a repository that is not archived"},
	{ID: "F6", Level: "1", Category: "formkrav", Text: "Kildekoden er overdraget og er placeret under OS2's kontrol",
		Guidelines: "Bekræft og link til det officielle repository i OS2s versionskontrol.",
		Check:      "every repository is owned by an organisation in [governance] organizations"},
	{ID: "F7", Level: "1", Category: "formkrav", Text: "Alt dokumentation til projektet udarbejdes med og overholder OS2s standardskabelon for dokumentation.",
		Guidelines: "Brug OS2’s standard template til dokumentation. http://github.com/OS2offdig/os2-docs-template"},
	{ID: "F10", Level: "1", Category: "formkrav", Text: "OS2's kommunikationskanaler anvendes (OS2.eu)",
		Guidelines: "Bekræft og link til omtale på f.eks. os2.eu, nyhedsbrev eller andet."},
	{ID: "F11", Level: "1", Category: "formkrav", Text: "Der anvendes offentlig issue-tracking anvist af OS2, hvor der tydeligt henvises til specifikke kodeændringer",
		Guidelines: "Henvis til f.eks. Issues, hvor opgaver er koblet til pull-requests/commits.",
		Check:      "the share of merged pull requests of the last 12 months that reference an issue reaches [governance] issue_reference_share"},
	{ID: "F12", Level: "2", Category: "formkrav", Text: "Der er kun en version af core koden",
		Guidelines: "Bekræft at der kun findes én ‘main’ version og at den er aktivt vedligeholdt.",
		Check:      "no fork pushed to in the last 12 months is more than [governance] fork_ahead_max commits ahead of the default branch"},
	{ID: "F13", Level: "2", Category: "formkrav", Text: "Der er udarbejdet præsentationsmateriale af løsningen",
		Guidelines: "Link til f.eks. slides, brochurer eller andet introduktionsmateriale."},
	{ID: "F14", Level: "2", Category: "formkrav", Text: "Der er udarbejdet kommunikationsmateriale til strategisk niveau",
		Guidelines: "F.eks. businesscase, one-pager til direktionsniveau og præsentation til udvalg."},
	{ID: "F15", Level: "2", Category: "formkrav", Text: "Best practice for implementering i organisationen dokumenteres",
		Guidelines: "Angiv implementeringsvejledning, erfaringsopsamling eller cases."},
	{ID: "F16", Level: "2", Category: "formkrav", Text: "Teknisk dokumentation indeholder best practice for kodestandarder i forhold til de anvendte teknologier",
		Guidelines: "Beskriv hvilke kodestandarder projektet følger. Evt. med links til eksterne guides og supplerende retningslinjer."},
	{ID: "F17", Level: "2", Category: "formkrav", Text: "Drifts og vedligeholdelses setup er beskrevet",
		Guidelines: "Redegør for driftspartner(e), ansvar og finansiering. Hvem drifter, hvem vedligeholder og hvem koordinerer."},
	{ID: "F18", Level: "2", Category: "formkrav", Text: "Rammearkitekturen og standarder er fulgt og afvigelser er forklaret",
		Guidelines: "Beskriv om/hvordan løsningen følger fællesoffentlig rammearkitektur – eller forklar hvorfor ikke."},
	{ID: "F19", Level: "2", Category: "formkrav", Recommendation: true, Text: "Løsningen er leveret i et containerformat f.eks. docker (anbefaling)",
		Guidelines: "Angiv om løsningen tilbydes i en containeriseret version som definerer hvordan applikationen bygges og køres.",
		Check:      "a Containerfile, Dockerfile or compose file in the root of a repository that is not archived"},
	{ID: "F20", Level: "2", Category: "formkrav", Recommendation: true, Text: "Uddannelsesmateriale er udarbejdet (anbefaling)",
		Guidelines: "Henvis til manual, brugervejledning eller andet brugerrelateret materiale."},
	{ID: "F21", Level: "3", Category: "formkrav", Text: "Politisk kommunikation er udarbejdet (Lokal + Omverden)",
		Guidelines: "Angiv indhold der kan bruges i politiske fora – f.eks. beslutningsoplæg eller pressemeddelelse."},
	{ID: "F22", Level: "3", Category: "formkrav", Text: "Procesplan + procesansvar for driftsimplementering er udarbejdet",
		Guidelines: "Tilføj en implementeringsplan med ‘hvem gør hvad hvornår’."},
	{ID: "S1", Level: "1", Category: "strategisk", Text: "Produktet har en kobling til OS2's strategi",
		Guidelines: "Beskriv hvordan produktet understøtter tværoffentlige behov, deling og fællesskab."},
	{ID: "S2", Level: "1", Category: "strategisk", Text: "Løsningen understøtter innovation og open source",
		Guidelines: "Angiv hvordan open source-værdier og nyskabelse er tænkt ind."},
	{ID: "S3", Level: "2", Category: "strategisk", Text: "Produktets (forventlige) kobling til OS2's mission, vision og strategi er beskrevet",
		Guidelines: "Angiv hvor produktet matcher med OS2's formål og indsatser."},
	{ID: "S4", Level: "2", Category: "strategisk", Text: "Der er udarbejdet en vision og strategi for produktet",
		Guidelines: "Beskriv produktvision og strategiske mål."},
	{ID: "S5", Level: "3", Category: "strategisk", Text: "Produktets kobling til og overensstemmelse med OS2's vision og strategi er tilstede og beskrevet",
		Guidelines: "Forklar hvordan løsningen passer ind i OS2’s overordnede værdisæt og visioner."},
	{ID: "G1", Level: "1", Category: "governance", Text: "Produktet er oprettet i OS2's porteføljestyring",
		Guidelines: "Produktet er oprettet på OS2s hjemmeside og indgår i årshjul."},
	{ID: "G2", Level: "1", Category: "governance", Text: "Der koordineres løbende med OS2-sekretariatet",
		Guidelines: "Bekræft, evt. med årshjul/datoer/mails for koordinering."},
	{ID: "G3", Level: "1", Category: "governance", Text: "Der er udpeget en projektleder/tovholder",
		Guidelines: "Navngiv og beskriv rolle og opgaver."},
	{ID: "G4", Level: "1", Category: "governance", Text: "Bestyrelsen er orienteret",
		Guidelines: "Vedlæg dokumentation for orientering."},
	{ID: "G5", Level: "2", Category: "governance", Text: "Bestyrelsen har godkendt produktet",
		Guidelines: "Vedlæg dokumentation for godkendelse."},
	{ID: "G6", Level: "2", Category: "governance", Text: "Der er nedsat en styregruppe",
		Guidelines: "Beskrivelse af styregruppen og roller/ansvar/opgaver."},
	{ID: "G7", Level: "2", Category: "governance", Recommendation: true, Text: "Der er nedsat en koordinationsgruppe (anbefaling)",
		Guidelines: "Beskrivelse af koordinationsgruppen og roller/ansvar/opgaver."},
	{ID: "G8", Level: "2", Category: "governance", Recommendation: true, Text: "En projektmodel anvendes og er dokumenteret (anbefaling)",
		Guidelines: "Beskiv den anvendte projektmodel eller metode."},
	{ID: "G9", Level: "2", Category: "governance", Recommendation: true, Text: "Review af kode foretages af tredjepart (anbefaling)",
		Guidelines: "Angiv hvilken ekstern part som udfører eller har udført review."},
	{ID: "G10", Level: "2", Category: "governance", Recommendation: true, Text: "Der er udarbejdet en tilslutningserklæring til sikring af økonomi (anbefaling)",
		Guidelines: "Vedlæg eller henvis til dokument for tilslutning og økonomi."},
	{ID: "G11", Level: "3", Category: "governance", Text: "Bestyrelsen har godkendt styregruppen",
		Guidelines: "Vedlæg dokumentation for beslutning."},
	{ID: "G12", Level: "3", Category: "governance", Text: "Bestyrelsen er repræsenteret i styregruppen",
		Guidelines: "Angiv hvilket medlem som deltager på vegne af bestyrelsen."},
	{ID: "G13", Level: "3", Category: "governance", Text: "Der foreligger en aftale der sikrer økonomi til koordinering og videreudvikling",
		Guidelines: "Vedlæg eller beskriv finansieringsaftalen."},
	{ID: "G14", Level: "3", Category: "governance", Text: "Der er etableret et fagligt fællesskab bag løsningen hvor erfaringer kan udveksles",
		Guidelines: "Henvis til brugerforum og/eller årshjul for aktiviteter."},
}

// requirement returns the table's line for id.
func requirement(id string) (Requirement, bool) {
	for _, r := range Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return Requirement{}, false
}
