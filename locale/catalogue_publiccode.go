package locale

// publicCodeMsgs are the labels of publiccode.yml on the product and
// governance pages and of their API exports, and of the self-evaluation
// states OS2's form added.
var publicCodeMsgs = map[string]msg{
	"selfeval.count.unanswered":    {"%s ikke besvaret", "%s not answered"},
	"selfeval.count.unknown":       {"%s ved ikke", "%s don't know"},
	"selfeval.state.unanswered":    {"Ikke besvaret", "Not answered"},
	"selfeval.state.unknown":       {"Ved ikke", "Don't know"},
	"publiccode.csv":               {"publiccode.yml (CSV)", "publiccode.yml (CSV)"},
	"publiccode.diff.file.missing": {"%s har ingen publiccode.yml.", "%s has no publiccode.yml."},
	"publiccode.diff.file.unknown": {"Det vides endnu ikke, om %s har en publiccode.yml.", "Whether %s has a publiccode.yml is not known yet."},
	"publiccode.diff.heading":      {"Forskelle fra det, os2pulse ved", "Differences from what os2pulse knows"},
	"publiccode.diff.license":      {"Licensen er forskellig: filen siger %q, GitHub oplyser %q.", "The licence differs: the file says %q, GitHub reports %q."},
	"publiccode.diff.problems":     {"%s: filen har %s problemer.", "%s: the file has %s problems."},
	"publiccode.diff.usedby":       {"usedBy nævner %s organisationer; tilslutningsregistret har %s i drift.", "usedBy lists %s organisations; the register has %s in production."},
	"publiccode.diff.version":      {"softwareVersion er %q; den seneste udgivelse er %q.", "softwareVersion is %q; the latest release is %q."},
	"publiccode.heading":           {"publiccode.yml", "publiccode.yml"},
	"publiccode.intro":             {"publiccode.yml er den fil i et repositoriums rod, som katalogerne over offentlig software i Europa læser. Tjekket omfatter de felter, katalogerne bygger på.", "publiccode.yml is the file in a repository's root that catalogues of public software across Europe read. The check covers the fields the catalogues rely on."},
	"publiccode.more":              {"og %s flere", "and %s more"},
	"publiccode.problem.one":       {"1 problem", "1 problem"},
	"publiccode.problems":          {"%s problemer", "%s problems"},
	"publiccode.problems.of":       {"Problemer i %s", "Problems in %s"},
	"publiccode.proposal":          {"Forslag til publiccode.yml ud fra det, os2pulse ved", "A proposed publiccode.yml from what os2pulse knows"},
	"publiccode.state.missing":     {"Mangler", "Missing"},
	"publiccode.state.unknown":     {"Ukendt", "Unknown"},
	"publiccode.state.valid":       {"Gyldig", "Valid"},
	"publiccode.summary":           {"%s repositorier: %s gyldige, %s med problemer, %s mangler, %s ukendte.", "%s repositories: %s valid, %s with problems, %s missing, %s unknown."},
	"publiccode.table":             {"publiccode.yml pr. repositorium pr. %s", "publiccode.yml per repository as of %s"},
	"publiccode.table.heading":     {"publiccode.yml", "publiccode.yml"},
	"publiccode.table.products":    {"Produkternes repositorier efter publiccode.yml pr. %s", "The products' repositories by publiccode.yml as of %s"},
	"th.publiccode.problems":       {"Med problemer", "With problems"},
	"th.publiccode.read":           {"Læst", "Read"},
	"th.publiccode.state":          {"publiccode.yml", "publiccode.yml"},
	"export.publiccode":            {"Produkternes publiccode.yml pr. repository: gyldig, antal problemer med linje, mangler eller ukendt", "The products' publiccode.yml per repository: valid, problems with their lines, missing or unknown"},
	"export.publiccode.proposals":  {"Den publiccode.yml os2pulse foreslår for hvert produkt, som ét array til kataloger", "The publiccode.yml os2pulse proposes for every product, as one array for catalogues"},
}
