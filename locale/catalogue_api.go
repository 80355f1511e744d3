package locale

// apiMsgs are the labels of the API page and the OpenAPI document.
var apiMsgs = map[string]msg{
	"api.param.date":          {"Datoen, tallene gælder (ÅÅÅÅ-MM-DD, højst i dag). Uden: i dag (dansk tid).", "The date the figures are for (YYYY-MM-DD, at most today). Default: today (in Denmark)."},
	"api.param.from":          {"Seriens første dato (ÅÅÅÅ-MM-DD, fra 1990, højst to). Uden: fem år før to.", "The series' first date (YYYY-MM-DD, from 1990, not after to). Default: five years before to."},
	"api.param.to":            {"Seriens sidste dato (ÅÅÅÅ-MM-DD, højst i dag). Uden: i dag.", "The series' last date (YYYY-MM-DD, at most today). Default: today."},
	"api.param.step":          {"Afstanden mellem seriens punkter: month, quarter eller year; hvert punkt gælder periodens sidste dag. Uden: month.", "The spacing of the series' points: month, quarter or year; each point is the period's last day. Default: month."},
	"api.param.window_days":   {"Vinduet for aktive bidragydere i dage (1–3650). Uden: konfigurationens.", "The active-contributor window in days (1–3650). Default: the configuration's."},
	"api.param.product":       {"Et produkts id; uden: alle produkter.", "A product's id; without: every product."},
	"api.param.product.need":  {"Produktets id.", "The product's id."},
	"api.param.goal":          {"Et måls id fra konfigurationen.", "A goal's id from the configuration."},
	"api.param.sep":           {"Skilletegn i CSV: comma (,) eller semicolon (;) med decimalkomma til dansk Excel. Uden: comma.", "The CSV separator: comma (,), or semicolon (;) with decimal commas for Danish Excel. Default: comma."},
	"api.param.source":        {"Kilden, der skal indsamles, blandt dem serveren har (github, register, activity, selfeval); all eller uden: alle.", "The source to collect, of those the server has (github, register, activity, selfeval); all or without: every one."},
	"api.csv.columns":         {"CSV med byte-order mark; kolonner: %s.", "CSV with a byte-order mark; columns: %s."},
	"api.openapi":             {"Dette API beskrevet som OpenAPI 3", "This API described as OpenAPI 3"},
	"api.openapi.description": {"Tal om %s-porteføljen: udbredelse, medlemmer, bidragydere og mål, hvert efter sin definition (se /data). Data under %s.", "Figures on the %s portfolio: adoption, members, contributors and goals, each by its definition (see /data). Data under %s."},
	"api.304":                 {"Uændret siden versionen i If-None-Match.", "Unchanged since the version in If-None-Match."},
	"api.400":                 {"En parameter kan ikke bruges; svaret siger hvilken og hvorfor.", "A parameter cannot be used; the answer says which and why."},
	"api.500":                 {"Tallet kunne ikke beregnes; detaljerne står i serverens log.", "The figure could not be computed; the details are in the server's log."},
	"api.503":                 {"Der beregnes for mange tal lige nu; prøv igen om de sekunder, Retry-After siger. Tal alene fra registret (brug, medlemmer, organisationer, kommuner) også før adoptionsregistret er læst første gang.", "Too many figures are being computed; try again after the seconds Retry-After gives. Figures of the register alone (adoption, members, organisations, municipalities) also before the adoption register has first been read."},
	"api.collect":             {"Start en indsamling (kræver administratortoken)", "Start a collection (needs the admin token)"},
	"api.collect.202":         {"Indsamlingen er startet.", "The collection has started."},
	"api.collect.401":         {"Administratortokenet mangler eller er forkert.", "The admin token is missing or wrong."},
	"api.collect.403":         {"Administrative endpoints er slået fra.", "Admin endpoints are off."},
	"api.collect.409":         {"En indsamling af kilden er allerede i gang; svaret har dens id.", "A collection of the source is already running; the answer has its id."},
	"api.collect.503":         {"Denne server indsamler ikke.", "This server does not collect."},
}
