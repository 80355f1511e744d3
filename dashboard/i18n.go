package dashboard

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Languages of the dashboard. Danish is the default: the audience is the
// Danish public sector; English serves everyone else.
const (
	langDA = "da"
	langEN = "en"
)

// msg is one label in both languages.
type msg struct{ da, en string }

// catalogue holds every label shown on a page, in Danish and English. A
// key missing here is shown as the key itself, so i18n_test.go checks that
// every key the templates and Go code use is present, with both texts.
var catalogue = map[string]msg{
	// Layout
	"site.name":          {"os2pulse", "os2pulse"},
	"site.tagline":       {"Levende tal for OS2-porteføljen", "Live figures on the OS2 portfolio"},
	"skip":               {"Gå til indholdet", "Skip to content"},
	"nav.label":          {"Hovedmenu", "Main menu"},
	"nav.overview":       {"Overblik", "Overview"},
	"nav.data":           {"Data", "Data"},
	"nav.goals":          {"Mål", "Goals"},
	"nav.report":         {"Årsrapport", "Annual report"},
	"lang.switch":        {"English", "Dansk"},
	"lang.switch.label":  {"Read this page in English", "Læs siden på dansk"},
	"date.label":         {"Tal pr. dato", "Figures as of"},
	"date.show":          {"Vis", "Show"},
	"date.today":         {"I dag", "Today"},
	"date.asof":          {"Tallene gælder pr. %s.", "Figures as of %s."},
	"illustrative.title": {"Illustrative data", "Illustrative data"},
	"illustrative.text": {
		"Adoptionsregistret og medlemslisten bag tallene er opdigtede eksempler. Tallene er ikke OS2's rigtige tal.",
		"The adoption register and members list behind these figures are made-up examples. These are not OS2's real figures.",
	},
	"footer.sources":    {"Datakilder", "Data sources"},
	"footer.register":   {"Adoptionsregister og medlemsliste", "Adoption register and members list"},
	"footer.github":     {"Repositorier og bidrag fra GitHub", "Repositories and contributions from GitHub"},
	"footer.activity":   {"Commit-historik importeret fra git-log", "Commit history imported from git log"},
	"footer.activity.n": {"%s repositorier", "%s repositories"},
	"footer.collected":  {"senest indsamlet %s", "last collected %s"},
	"footer.never":      {"endnu ikke indsamlet", "not collected yet"},
	"footer.data":       {"Definitioner, datakvalitet og eksport", "Definitions, data quality and exports"},
	"footer.privacy":    {"Ingen cookies, ingen sporing.", "No cookies, no tracking."},
	"footer.api":        {"Åbent API", "Open API"},

	// Shared chart and table parts
	"chart.table":     {"Vis tallene som tabel", "Show the figures as a table"},
	"chart.csv":       {"Hent som CSV", "Download as CSV"},
	"chart.nojs":      {"Diagrammet kræver JavaScript; tallene står i tabellen.", "The chart needs JavaScript; the figures are in the table."},
	"chart.more":      {"Se hele overblikket på os2pulse", "See the full overview on os2pulse"},
	"change.lastyear": {"%s siden %s", "%s since %s"},
	"unit.pp":         {"procentpoint", "percentage points"},
	"yes":             {"ja", "yes"},
	"no":              {"nej", "no"},
	"none":            {"Ingen", "None"},
	"open":            {"–", "–"},

	// Overview
	"overview.title":           {"Overblik over OS2-porteføljen", "Overview of the OS2 portfolio"},
	"overview.intro":           {"Hvem bruger hvilke OS2-produkter, og hvem bidrager til dem.", "Who runs which OS2 product, and who contributes to them."},
	"key.heading":              {"Nøgletal", "Key figures"},
	"key.members":              {"Medlemmer", "Members"},
	"key.products":             {"Produkter i drift", "Products in production"},
	"key.products.of":          {"af %s produkter i porteføljen", "of %s products in the portfolio"},
	"key.threeplus":            {"Medlemmer med tre eller flere produkter", "Members running three or more products"},
	"key.threeplus.of":         {"%s af %s medlemmer", "%s of %s members"},
	"key.top":                  {"Mest udbredte produkt", "Most adopted product"},
	"key.top.of":               {"%s: %s af 98 kommuner", "%s: %s of the 98 municipalities"},
	"key.contributors":         {"Aktive bidragydere i porteføljen", "Active contributors in the portfolio"},
	"window.sentence":          {"Vinduet er %s dage.", "The window is %s days."},
	"key.contributors.window":  {"personer med bidrag de seneste %s dage", "persons contributing in the last %s days"},
	"adoption.heading":         {"Udbredelse pr. produkt", "Adoption per product"},
	"adoption.summary":         {"Søjlediagram: andel af de 98 kommuner, der har hvert produkt i drift. Højest: %s med %s.", "Bar chart: share of the 98 municipalities running each product in production. Highest: %s with %s."},
	"adoption.summary.empty":   {"Søjlediagram: ingen produkter.", "Bar chart: no products."},
	"distribution.heading":     {"Medlemmer efter antal produkter i drift", "Members by number of products in production"},
	"distribution.summary":     {"Søjlediagram: %s medlemmer fordelt på 0, 1, 2, 3, 4 og 5 eller flere produkter i drift; %s har tre eller flere.", "Bar chart: %s members by 0, 1, 2, 3, 4 and 5 or more products in production; %s run three or more."},
	"distribution.products":    {"Produkter i drift", "Products in production"},
	"threeplus.heading":        {"Andel medlemmer med tre eller flere produkter over tid", "Share of members running three or more products over time"},
	"threeplus.summary":        {"Kurve: andel medlemmer med tre eller flere produkter fra %s til %s, fra %s til %s.", "Line chart: share of members running three or more products from %s to %s, from %s to %s."},
	"contributors.heading":     {"Aktive bidragydere pr. produkt", "Active contributors per product"},
	"contributors.summary":     {"Stablet søjlediagram: aktive bidragydere pr. produkt efter tilknytning. Flest: %s med %s.", "Stacked bar chart: active contributors per product by affiliation. Most: %s with %s."},
	"contributors.series":      {"Aktive bidragydere i porteføljen over tid", "Active contributors in the portfolio over time"},
	"contributors.series.prod": {"Aktive bidragydere over tid", "Active contributors over time"},
	"contributors.series.sum":  {"Kurve: aktive bidragydere fra %s til %s, fra %s til %s.", "Line chart: active contributors from %s to %s, from %s to %s."},
	"series.empty":             {"Kurve: ingen datapunkter.", "Line chart: no data points."},
	"map.heading":              {"Kommuner efter antal OS2-produkter i drift", "Municipalities by number of OS2 products in production"},
	"map.summary":              {"Danmarkskort over de 98 kommuner farvet efter antal produkter i drift; %s kommuner har mindst ét.", "Map of Denmark's 98 municipalities coloured by the number of products in production; %s municipalities run at least one."},
	"map.region":               {"Region", "Region"},

	// Table headings
	"th.product":        {"Produkt", "Product"},
	"th.municipality":   {"Kommune", "Municipality"},
	"th.organization":   {"Organisation", "Organisation"},
	"th.kind":           {"Type", "Kind"},
	"th.member":         {"Medlem", "Member"},
	"th.status":         {"Status", "Status"},
	"th.since":          {"Siden", "Since"},
	"th.until":          {"Til", "Until"},
	"th.date":           {"Dato", "Date"},
	"th.share.munis":    {"Andel af kommuner", "Share of municipalities"},
	"th.share.members":  {"Andel af medlemmer", "Share of members"},
	"th.adopters.munis": {"Kommuner i drift", "Municipalities in production"},
	"th.adopters.mem":   {"Medlemmer i drift", "Members in production"},
	"th.adopters.all":   {"Alle i drift", "All in production"},
	"th.pilots":         {"Pilot", "Pilot"},
	"th.planned":        {"Planlagt", "Planned"},
	"th.members":        {"Medlemmer", "Members"},
	"th.products":       {"Produkter i drift", "Products in production"},
	"th.threeplus":      {"Tre eller flere", "Three or more"},
	"th.threeplus.sh":   {"Andel med tre eller flere", "Share with three or more"},
	"th.active":         {"Aktive bidragydere", "Active contributors"},
	"th.aff.member":     {"Medlemmer", "Members"},
	"th.aff.supplier":   {"Leverandører", "Suppliers"},
	"th.aff.unknown":    {"Andre/ukendte", "Other/unknown"},
	"th.repos":          {"Repositorier", "Repositories"},
	"th.repo":           {"Repositorium", "Repository"},
	"th.description":    {"Beskrivelse", "Description"},
	"th.commits":        {"Commits", "Commits"},
	"th.prs":            {"Pull requests", "Pull requests"},
	"th.issues":         {"Issues", "Issues"},
	"th.reviews":        {"Reviews", "Reviews"},
	"th.contributors":   {"Bidragydere", "Contributors"},
	"th.last":           {"Seneste aktivitet", "Last activity"},
	"th.checked":        {"Kontrolleret", "Checked"},
	"th.stars":          {"Stjerner", "Stars"},
	"th.release":        {"Seneste release", "Latest release"},
	"th.affiliation":    {"Tilknytning", "Affiliation"},
	"th.persons":        {"Personer", "Persons"},
	"th.source":         {"Kilde", "Source"},
	"th.started":        {"Startet", "Started"},
	"th.ended":          {"Afsluttet", "Ended"},
	"th.result":         {"Resultat", "Result"},
	"th.message":        {"Besked", "Message"},
	"th.item":           {"Element", "Item"},
	"th.problem":        {"Problem", "Problem"},
	"th.export":         {"Eksport", "Export"},
	"th.imported":       {"Importeret", "Imported"},
	"th.added":          {"Tilføjet", "Added"},
	"th.changed":        {"Ændret", "Changed"},
	"th.ended.rows":     {"Udgået", "Ended"},

	// Statuses, kinds, affiliations
	"status.production":     {"i drift", "in production"},
	"status.pilot":          {"pilot", "pilot"},
	"status.planned":        {"planlagt", "planned"},
	"status.stopped":        {"ophørt", "stopped"},
	"status.none":           {"ikke i brug", "not in use"},
	"kind.municipality":     {"kommune", "municipality"},
	"kind.region":           {"region", "region"},
	"kind.state":            {"statslig", "state body"},
	"kind.other":            {"anden", "other"},
	"aff.member":            {"Medlemmer", "Members"},
	"aff.supplier":          {"Leverandører", "Suppliers"},
	"aff.unknown":           {"Andre/ukendte", "Other/unknown"},
	"repo.ok":               {"ok", "ok"},
	"repo.empty":            {"tomt", "empty"},
	"repo.not_found":        {"findes ikke", "not found"},
	"repo.unavailable":      {"utilgængeligt", "unavailable"},
	"repo.moved":            {"flyttet", "moved"},
	"repo.error":            {"fejl", "error"},
	"repo.archived":         {"arkiveret", "archived"},
	"run.success":           {"gennemført", "success"},
	"run.partial":           {"delvist", "partial"},
	"run.failure":           {"fejlet", "failure"},
	"run.running":           {"i gang", "running"},
	"governance.sandbox":    {"Sandkasse", "Sandbox"},
	"governance.level":      {"Governance-niveau %s", "Governance level %s"},
	"focus":                 {"Fokusprodukt", "Focus product"},
	"series.municipalities": {"Kommuner", "Municipalities"},
	"series.members":        {"Medlemmer", "Members"},
	"series.all":            {"Alle organisationer", "All organisations"},
	"series.threeplus":      {"Andel med tre eller flere", "Share with three or more"},
	"series.active":         {"Aktive bidragydere", "Active contributors"},
	"series.share":          {"Andel af kommuner", "Share of municipalities"},

	// Product page
	"product.adopters":           {"Organisationer i drift", "Organisations in production"},
	"product.adopters.detail":    {"%s kommuner, %s medlemmer, %s i alt", "%s municipalities, %s members, %s in all"},
	"product.share":              {"Andel af de 98 kommuner", "Share of the 98 municipalities"},
	"product.pilots":             {"Piloter og planlagte", "Pilots and planned"},
	"product.pilots.detail":      {"%s piloter, %s planlagte (tælles ikke med)", "%s pilots, %s planned (not counted)"},
	"product.active":             {"Aktive bidragydere", "Active contributors"},
	"product.concentration":      {"Koncentration", "Concentration"},
	"product.concentration.of":   {"personer står for halvdelen af %s bidrag", "persons make half of the %s contributions"},
	"product.concentration.none": {"ingen bidrag i vinduet", "no contributions in the window"},
	"product.series":             {"Organisationer i drift over tid", "Organisations in production over time"},
	"product.series.summary":     {"Kurver: kommuner, medlemmer og alle organisationer med %s i drift fra %s til %s; nu %s kommuner.", "Line chart: municipalities, members and all organisations running %s in production from %s to %s; now %s municipalities."},
	"product.who":                {"Hvem bruger %s", "Who runs %s"},
	"product.who.production":     {"I drift", "In production"},
	"product.who.pilot":          {"Pilot", "Pilot"},
	"product.who.planned":        {"Planlagt", "Planned"},
	"product.map":                {"Kommuner med %s", "Municipalities with %s"},
	"product.map.summary":        {"Danmarkskort: %s kommuner har %s i drift, %s som pilot og %s planlagt.", "Map of Denmark: %s municipalities run %s in production, %s as a pilot and %s planned."},
	"product.repos":              {"Repositorier og aktivitet", "Repositories and activity"},
	"product.repos.window":       {"Aktivitet i de %s dage til og med %s, bots medregnet.", "Activity in the %s days up to and including %s, bots included."},
	"product.repos.none":         {"Ingen repositorier indsamlet endnu.", "No repositories collected yet."},
	"product.affiliation":        {"Aktive bidragydere efter tilknytning", "Active contributors by affiliation"},
	"product.affiliation.sum":    {"Søjlediagram: %s aktive bidragydere, heraf %s fra medlemmer, %s fra leverandører og %s andre eller ukendte.", "Bar chart: %s active contributors, %s from members, %s from suppliers and %s other or unknown."},
	"product.none":               {"Ingen.", "None."},

	// Organisation page
	"org.kind":          {"Type", "Kind"},
	"org.region":        {"Region", "Region"},
	"org.member":        {"Medlem af OS2 pr. %s", "OS2 member as of %s"},
	"org.notmember":     {"Ikke medlem af OS2 pr. %s", "Not an OS2 member as of %s"},
	"org.memberships":   {"Medlemsperioder", "Membership periods"},
	"org.nomembership":  {"Ingen medlemsperioder registreret.", "No membership periods recorded."},
	"org.products":      {"Produkter", "Products"},
	"org.products.key":  {"Produkter i drift", "Products in production"},
	"org.noproducts":    {"Ingen produkter registreret pr. datoen.", "No products recorded as of the date."},
	"org.stopped":       {"Tidligere brug", "Earlier use"},
	"org.code":          {"Kommunekode", "Municipality code"},
	"org.id":            {"Id", "Id"},
	"org.products.list": {"Produkter i drift, pilot eller planlagt", "Products in production, pilot or planned"},

	// Data page
	"data.title":          {"Data, definitioner og kvalitet", "Data, definitions and quality"},
	"data.intro":          {"Alle tal på siderne beregnes efter definitionerne her, ud fra de indsamlede data. Alle tal kan hentes som CSV og JSON.", "Every figure on these pages is computed by the definitions below from the collected data. Every figure can be downloaded as CSV and JSON."},
	"data.definitions":    {"Definitioner", "Definitions"},
	"data.sources":        {"Datakilder og indsamling", "Data sources and collection"},
	"data.sources.none":   {"Der er ikke indsamlet noget endnu.", "Nothing has been collected yet."},
	"data.imports":        {"Seneste import af registret", "Latest register imports"},
	"data.imports.none":   {"Registret er ikke importeret endnu.", "The register has not been imported yet."},
	"data.exports":        {"Eksport", "Exports"},
	"data.exports.intro":  {"Hvert endpoint svarer med JSON; tilføj .csv for CSV. Links herunder gælder datoen %s.", "Every endpoint answers JSON; append .csv for CSV. The links below are for %s."},
	"data.quality":        {"Datakvalitet", "Data quality"},
	"data.quality.repos":  {"Repositorier med problemer", "Repositories with problems"},
	"data.quality.runs":   {"Fejl i seneste indsamling", "Errors in the latest collection"},
	"data.quality.orphan": {"Registerrækker der ikke peger på noget kendt", "Register rows that reference nothing known"},
	"data.quality.idle":   {"Medlemmer uden produkter i drift", "Members with no products in production"},
	"data.quality.none":   {"Ingen fundet.", "None found."},
	"data.orphan.product": {"produktet %q findes ikke i konfigurationen", "product %q is not in the configuration"},
	"export.adoption":     {"Udbredelse pr. produkt på en dato", "Adoption per product on a date"},
	"export.members":      {"Medlemmer og fordeling på antal produkter", "Members and their distribution by number of products"},
	"export.s.adoption":   {"Et produkts udbredelse over tid", "One product's adoption over time"},
	"export.s.members":    {"Medlemmer og tre-eller-flere over tid", "Members and three-or-more over time"},
	"export.contributors": {"Aktive bidragydere pr. produkt", "Active contributors per product"},
	"export.s.contrib":    {"Aktive bidragydere over tid", "Active contributors over time"},
	"export.collector":    {"Indsamlingskørsler og deres status", "Collection runs and their status"},
	"export.other":        {"Andet endpoint", "Other endpoint"},

	// Goals page
	"goals.title":           {"Bestyrelsens mål", "The board's goals"},
	"goals.intro":           {"Målene som de står den %s: udgangsværdi, værdi, forventet værdi på sporet, målværdi, frist og status.", "The goals as they stand on %s: baseline, value, the on-track value, target, deadline and status."},
	"goals.summary.heading": {"Alle mål", "All goals"},
	"goals.table":           {"Mål og status den %s", "Goals and status on %s"},
	"goals.none":            {"Der er ikke sat mål i konfigurationen.", "No goals are set in the configuration."},
	"goals.of.target":       {"af %s", "of %s"},
	"goals.expected.detail": {"på linjen fra udgangsværdi til mål", "on the line from baseline to target"},
	"goals.series.value":    {"Værdi", "Value"},
	"goals.series.line":     {"På sporet (linje til målet)", "On track (line to the target)"},
	"goals.summary":         {"Værdien er %s mod målet %s inden %s: %s.", "The value is %s against the target %s by %s: %s."},
	"goals.chart":           {"Udvikling mod målet", "Progress towards the target"},
	"goal.status.met":       {"nået", "met"},
	"goal.status.on-track":  {"på sporet", "on track"},
	"goal.status.behind":    {"bagud", "behind"},
	"goal.status.missed":    {"ikke nået", "missed"},
	"goal.status.upcoming":  {"ikke begyndt", "not started"},
	"th.goal":               {"Mål", "Goal"},
	"th.baseline":           {"Udgangsværdi", "Baseline"},
	"th.value":              {"Værdi", "Value"},
	"th.expected":           {"På sporet", "On track"},
	"th.target":             {"Målværdi", "Target"},
	"th.deadline":           {"Frist", "Deadline"},

	// Annual report
	"report.title":                {"%s årsrapport %d", "%s annual report %d"},
	"report.subtitle":             {"Tal pr. %s sammenlignet med %s.", "Figures as of %s compared with %s."},
	"report.preliminary":          {"Foreløbig: året er ikke slut, så tallene kan stadig ændre sig.", "Preliminary: the year has not ended, so the figures can still change."},
	"report.formats":              {"Hent rapporten som", "Download the report as"},
	"report.legend.current":       {"Året", "The year"},
	"report.legend.previous":      {"Året før", "The year before"},
	"report.members":              {"Medlemmer", "Members"},
	"report.joined":               {"Nye medlemmer", "Joined"},
	"report.left":                 {"Udtrådte medlemmer", "Left"},
	"report.governance":           {"Produkter efter governance-niveau", "Products by governance level"},
	"report.governance.note":      {"Niveauerne er dem, konfigurationen angiver nu; de dateres ikke.", "The levels are those the configuration gives now; they are not dated."},
	"report.adoption":             {"Brug af produkterne", "Adoption per product"},
	"report.adoption.summary":     {"Andel af de 98 kommuner, der har hvert produkt i drift, ved udgangen af %s og året før.", "Share of the 98 municipalities running each product at the end of %s and the year before."},
	"report.distribution":         {"Medlemmer efter antal produkter", "Members by number of products"},
	"report.distribution.summary": {"Medlemmer efter antal produkter i drift; %s har tre eller flere (året før %s).", "Members by number of products in production; %s run three or more (the year before %s)."},
	"report.nonmembers":           {"Brugere uden medlemskab", "Non-member adopters"},
	"report.none":                 {"Ingen.", "None."},
	"report.contributors":         {"Aktive bidragydere", "Active contributors"},
	"report.contributors.caption": {"Aktive bidragydere i de %d dage, der slutter den 31. december", "Active contributors in the %d days ending on 31 December"},
	"report.portfolio":            {"Hele porteføljen (hver person én gang)", "The whole portfolio (each person once)"},
	"report.goals":                {"Mål", "Goals"},
	"report.sources":              {"Datakilder", "Data sources"},
	"report.produced":             {"Rapporten er dannet %s.", "The report was produced %s."},
	"report.notes":                {"Noter og rettelser", "Notes and corrections"},
	"report.notes.first":          {"Dette er første gang, rapporten for året dannes.", "This is the first time the year's report is produced."},
	"report.notes.none":           {"Ingen tal er ændret, siden rapporten første gang blev dannet %s.", "No figure has changed since the report was first produced %s."},
	"report.notes.changed":        {"Siden rapporten første gang blev dannet %s, er registret rettet. De ændrede tal og rettelserne står herunder.", "Since the report was first produced %s, the register has been corrected. The changed figures and the corrections are listed below."},
	"report.corrections":          {"Ændrede tal", "Changed figures"},
	"report.registerchanges":      {"Rettelser i registret", "Corrections to the register"},
	"report.change.recorded":      {"tilføjet", "recorded"},
	"report.change.retracted":     {"trukket tilbage", "retracted"},
	"report.definitions":          {"Definitioner", "Definitions"},
	"th.change":                   {"Ændring", "Change"},
	"th.level":                    {"Niveau", "Level"},
	"th.count":                    {"Antal", "Count"},
	"th.products.list":            {"Produkter", "Products"},
	"th.detail":                   {"Detaljer", "Detail"},
	"th.collected":                {"Indsamlet", "Collected"},
	"th.definition":               {"Definition", "Definition"},
	"th.subject":                  {"Emne", "Subject"},
	"th.scope":                    {"Afgrænsning", "Scope"},
	"th.was":                      {"Før", "Was"},
	"th.now":                      {"Nu", "Now"},
	"th.recorded":                 {"Registreret", "Recorded"},
	"th.change.kind":              {"Ændring", "Change"},
	"error.year":                  {"Året %q kan ikke bruges: skriv et år mellem 1990 og 2100.", "The year %q cannot be used: write a year between 1990 and 2100."},
	"error.format":                {"Formatet %q kendes ikke: html, md, csv eller json.", "The format %q is not known: html, md, csv or json."},

	// Errors
	"error.404.title": {"Siden findes ikke", "Page not found"},
	"error.404.text":  {"Vi kan ikke finde det, du leder efter.", "We cannot find what you are looking for."},
	"error.400.title": {"Forkert forespørgsel", "Bad request"},
	"error.400.text":  {"Forespørgslen kunne ikke forstås.", "The request could not be understood."},
	"error.500.title": {"Noget gik galt", "Something went wrong"},
	"error.500.text":  {"Siden kunne ikke vises. Fejlen er logget; prøv igen senere.", "The page could not be shown. The error has been logged; please try again later."},
	"error.back":      {"Gå til overblikket", "Go to the overview"},
	"error.product":   {"Produktet %q findes ikke i porteføljen.", "There is no product %q in the portfolio."},
	"error.org":       {"Organisationen %q er ikke kendt.", "The organisation %q is not known."},
	"error.chart":     {"Diagrammet %q findes ikke. Kendte diagrammer: %s.", "There is no chart %q. Known charts: %s."},
	"error.date":      {"Datoen %q kan ikke bruges: skriv ÅÅÅÅ-MM-DD mellem 1990 og 2100.", "The date %q cannot be used: write YYYY-MM-DD between 1990 and 2100."},
	"error.path":      {"Adressen %s findes ikke.", "The address %s does not exist."},
}

// translate returns the label key in lang, or the key itself when unknown.
func translate(lang, key string) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	if lang == langEN {
		return m.en
	}
	return m.da
}

// chooseLang picks the page language: ?lang=da|en first, then the
// Accept-Language header, else Danish. explicit says it came from ?lang=,
// so that links carry it on.
func chooseLang(r *http.Request) (lang string, explicit bool) {
	switch q := r.URL.Query().Get("lang"); q {
	case langDA, langEN:
		return q, true
	}
	return acceptLanguage(r.Header.Get("Accept-Language")), false
}

// acceptLanguage returns the preferred of da and en in an Accept-Language
// header (RFC 9110 §12.5.4), Danish when neither is acceptable.
func acceptLanguage(header string) string {
	best, bestQ := langDA, 0.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		primary, _, _ := strings.Cut(tag, "-")
		if primary != langDA && primary != langEN {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(k) == "q" {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		// The first of equal preferences wins: that is the order the user
		// listed them in.
		if q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// Number and date formats per language: Danish writes 1.234,5 and 72,4 %;
// English 1,234.5 and 72.4%.
func separators(lang string) (thousands, decimal string) {
	if lang == langEN {
		return ",", "."
	}
	return ".", ","
}

// formatInt writes n with thousands separators.
func formatInt(lang string, n int) string {
	return formatFloat(lang, float64(n), 0)
}

// formatFloat writes f rounded to decimals places with the language's
// separators. A value that rounds to zero is written without a minus sign.
func formatFloat(lang string, f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	th, dec := separators(lang)
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// formatPercent writes a ratio (0.724) as a percentage with one decimal:
// "72,4 %" in Danish (Retskrivningsordbogen puts a space before %),
// "72.4%" in English.
func formatPercent(lang string, ratio float64) string {
	s := formatFloat(lang, ratio*100, 1)
	if lang == langEN {
		return s + "%"
	}
	return s + " %"
}

// formatSigned writes a change with an explicit sign: "+3", "−2", "±0".
// The minus is U+2212, which screen readers read as "minus".
func formatSigned(s string, negative, zero bool) string {
	switch {
	case zero:
		return "±" + s
	case negative:
		return "−" + strings.TrimPrefix(s, "-")
	}
	return "+" + s
}

// formatChangeInt writes the change of a count.
func formatChangeInt(lang string, d int) string {
	return formatSigned(formatInt(lang, d), d < 0, d == 0)
}

// formatChangePoints writes the change of a ratio in percentage points
// with one decimal: "+2,1 procentpoint" / "+2.1 percentage points".
func formatChangePoints(lang string, d float64) string {
	s := formatFloat(lang, math.Abs(d)*100, 1)
	zero := strings.Trim(s, "0.,") == ""
	return formatSigned(s, d < 0, zero) + " " + translate(lang, "unit.pp")
}

var monthsDA = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

// formatDate writes a date: "23. november 2026" / "23 November 2026".
func formatDate(lang string, t time.Time) string {
	if lang == langEN {
		return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
	}
	return fmt.Sprintf("%d. %s %d", t.Day(), monthsDA[t.Month()-1], t.Year())
}

// formatDay formats a stored YYYY-MM-DD (or RFC 3339 timestamp) date; ""
// stays "" and anything unparsable is shown as it is.
func formatDay(lang, s string) string {
	if s == "" {
		return ""
	}
	day := s
	if len(day) > 10 {
		day = day[:10]
	}
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return s
	}
	return formatDate(lang, t)
}

// formatStamp writes an RFC 3339 timestamp as date and UTC time of day.
func formatStamp(lang, s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return formatDay(lang, s)
	}
	return formatTime(lang, t)
}

// formatTime writes a point in time as its UTC date and hour:minute.
func formatTime(lang string, t time.Time) string {
	t = t.UTC()
	if lang == langEN {
		return formatDate(lang, t) + ", " + t.Format("15:04") + " UTC"
	}
	return formatDate(lang, t) + " kl. " + t.Format("15.04") + " UTC"
}
