package locale

// pluralMsgs are the singulars of labels about a number of something,
// used by Nf for exactly 1: "1 række", not "1 rækker". Each is its
// label's key + ".one" and takes the same arguments.
var pluralMsgs = map[string]msg{
	"footer.activity.n.one":           {"%s repositorium", "%s repository"},
	"window.sentence.one":             {"Vinduet er %s dag.", "The window is %s day."},
	"selfeval.versions.one":           {"%s version gemt.", "%s version kept."},
	"report.contributors.caption.one": {"Aktive bidragydere i den %d dag, der slutter den 31. december", "Active contributors in the %d day ending on 31 December"},
	"admin.preview.hidden.one":        {"og %s række mere", "and %s more row"},
	"admin.preview.summary.one":       {"Indlæses %s, bliver %s række tilføjet, %s ændret og %s afsluttet (de bevares i historikken); %s er uændrede. Intet er gemt endnu.", "Importing %s adds %s row, changes %s and ends %s (they stay in the history); %s are unchanged. Nothing has been stored yet."},
}
