package locale

// pluralMsgs are the singulars of labels about a number of something,
// used by Nf for exactly 1: "1 række", not "1 rækker". Each is its
// label's key + ".one" and takes the same arguments.
var pluralMsgs = map[string]msg{
	"footer.activity.n.one":             {"%s repositorium", "%s repository"},
	"window.sentence.one":               {"Vinduet er %s dag.", "The window is %s day."},
	"selfeval.versions.one":             {"%s version gemt.", "%s version kept."},
	"report.contributors.caption.one":   {"Aktive bidragydere i den %d dag, der slutter den 31. december", "Active contributors in the %d day ending on 31 December"},
	"admin.preview.hidden.one":          {"og %s række mere", "and %s more row"},
	"admin.preview.summary.one":         {"Indlæses %s, bliver %s række tilføjet, %s ændret og %s afsluttet (de bevares i historikken); %s er uændrede. Intet er gemt endnu.", "Importing %s adds %s row, changes %s and ends %s (they stay in the history); %s are unchanged. Nothing has been stored yet."},
	"key.products.of.one":               {"af %s produkt i porteføljen", "of %s product in the portfolio"},
	"map.summary.one":                   {"Danmarkskort over de 98 kommuner farvet efter antal produkter i drift; %s kommune har mindst ét.", "Map of Denmark's 98 municipalities coloured by the number of products in production; %s municipality runs at least one."},
	"product.map.summary.one":           {"Danmarkskort: %s kommune har %s i drift, %s som pilot og %s planlagt.", "Map of Denmark: %s municipality runs %s in production, %s as a pilot and %s planned."},
	"key.contributors.window.one":       {"personer med bidrag den seneste %s dag", "persons contributing in the last %s day"},
	"product.concentration.of.one":      {"personer står for halvdelen af %s bidrag", "persons make half of the %s contribution"},
	"product.repos.window.one":          {"Aktivitet i den %s dag til og med %s, bots medregnet.", "Activity in the %s day up to and including %s, bots included."},
	"health.concentration.none.one":     {"ingen bidrag den seneste %s dag", "no contributions in the last %s day"},
	"health.releases.never.one":         {"den seneste %s dag; ingen udgivelser endnu", "in the last %s day; no releases yet"},
	"publiccode.problems.one":           {"%s problem", "%s problem"},
	"report.distribution.subject.one":   {"Medlemmer med %s produkt", "Members with %s product"},
	"admin.preview.confirm.one":         {"Ja, afslut %s række", "Yes, end %s row"},
	"admin.census.review.confirmed.one": {"%s registrering er bekræftet uændret.", "%s record is confirmed unchanged."},
	"product.series.summary.one":        {"Kurver: kommuner, medlemmer og alle organisationer med %s i drift fra %s til %s; nu %s kommune.", "Line chart: municipalities, members and all organisations running %s in production from %s to %s; now %s municipality."},
	"publiccode.summary.one":            {"%s repositorium: %s gyldige, %s med problemer, %s mangler, %s ukendte.", "%s repository: %s valid, %s with problems, %s missing, %s unknown."},
	"product.affiliation.sum.one":       {"Søjlediagram: %s aktiv bidragyder, heraf %s fra medlemmer, %s fra leverandører og %s andre eller ukendte.", "Bar chart: %s active contributor, %s from members, %s from suppliers and %s other or unknown."},
	"key.threeplus.of.one":              {"%s af %s medlem", "%s of %s member"},
	"health.backlog.age.one":            {"medianalder %s dag", "median age %s day"},
	"admin.login.wait.one":              {"For mange forkerte forsøg med dette navn herfra. Prøv igen om %d sekund.", "Too many failed attempts with this name from here. Try again in %d second."},
}
