package locale

// sharedMsgs are the labels of chart and table parts several pages share.
var sharedMsgs = map[string]msg{
	"chart.table":       {"Vis tallene som tabel", "Show the figures as a table"},
	"chart.csv":         {"Hent som CSV", "Download as CSV"},
	"chart.csv.excel":   {"CSV til dansk Excel", "CSV for Danish Excel"},
	"chart.png":         {"Hent som billede (PNG)", "Download image (PNG)"},
	"chart.embed":       {"Indlejr diagrammet", "Embed the chart"},
	"chart.embed.label": {"Kopiér koden ind på en anden hjemmeside for at vise diagrammet dér, altid med de nyeste tal:", "Copy the code into another web page to show the chart there, always with the latest figures:"},
	"chart.nojs":        {"Diagrammet kræver JavaScript; tallene står i tabellen.", "The chart needs JavaScript; the figures are in the table."},
	"chart.more":        {"Se hele overblikket på os2pulse", "See the full overview on os2pulse"},
	"change.lastyear":   {"%s siden %s", "%s since %s"},
}
