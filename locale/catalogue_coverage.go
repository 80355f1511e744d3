package locale

// coverageMsgs are the labels of what the data reach: incomplete figures and an old register.
var coverageMsgs = map[string]msg{
	"coverage.lastcell":           {"%s (pr. %s)", "%s (on %s)"},
	"coverage.lastknown":          {"pr. %s, den seneste dato med komplette data", "on %s, the last date with complete data"},
	"product.affiliation.unknown": {"Søjlediagram: bidragyderne er ikke kendt på datoen.", "Bar chart: the contributors are not known on the date."},
	"coverage.note":               {"Bemærk", "Note"},
	"coverage.mark":               {"Ufuldstændigt", "Incomplete"},
	"coverage.until":              {"data kun til og med %s", "data only up to %s"},
	"coverage.none":               {"ikke alle repositorier er indsamlet endnu", "not every repository has been collected yet"},
	"coverage.lastdate":           {"pr. %s, den seneste dato med fuldstændige data", "on %s, the last date with complete data"},
	"coverage.chart.lastdate":     {"Tallene gælder pr. %s, den seneste dato med fuldstændige data.", "The figures are for %s, the last date with complete data."},
	"coverage.lastvalue":          {"%s pr. %s, den seneste dato med fuldstændige data", "%s on %s, the last date with complete data"},
	"coverage.series":             {"Kurven stopper den %s: data kun til og med %s.", "The line stops at %s: data only up to %s."},
	"coverage.table":              {"Ufuldstændigt: data kun til og med %s. Tal, som data ikke når, vises som –.", "Incomplete: data only up to %s. Figures the data do not reach are shown as –."},
	"coverage.table.none":         {"Ufuldstændigt: ikke alle repositorier er indsamlet endnu. Tal, der ikke er kendt, vises som –.", "Incomplete: not every repository has been collected yet. Figures not known are shown as –."},
	"register.unread":             {"Adoptionsregistret er ikke læst endnu: det vides ikke, hvem der bruger hvilke produkter, eller hvem der er medlem. Tallene vises som –.", "The adoption register has not been read yet: who runs which product, and who is a member, is not known. The figures are shown as –."},
	"register.unread.short":       {"registret er ikke læst endnu", "the register has not been read yet"},
	"register.unread.report":      {"Årsrapporten kan ikke laves endnu: adoptionsregistret er ikke læst, så det vides ikke, hvem der bruger hvilke produkter, eller hvem der er medlem.", "The annual report cannot be made yet: the adoption register has not been read, so who runs which product, and who is a member, is not known."},
	"register.asof":               {"Brug og medlemskab som registreret den %s: registret er ikke læst siden.", "Adoption and membership as registered on %s: the register has not been read since."},
	"unit.pp":                     {"procentpoint", "percentage points"},
	"yes":                         {"ja", "yes"},
	"no":                          {"nej", "no"},
	"none":                        {"Ingen", "None"},
	"open":                        {"–", "–"},
}
