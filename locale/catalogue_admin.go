package locale

// adminMsgs are the labels of the admin pages' limits and checks.
var adminMsgs = map[string]msg{
	"admin.upload.busy":         {"Der læses allerede andre filer lige nu. Vent et øjeblik, og prøv igen.", "Other files are being read right now. Wait a moment and try again."},
	"admin.upload.busy.own":     {"Din forrige fil læses stadig. Vent på dens forhåndsvisning.", "Your previous file is still being read. Wait for its preview."},
	"admin.login.wait":          {"For mange forkerte forsøg med dette navn herfra. Prøv igen om %d sekunder.", "Too many failed attempts with this name from here. Try again in %d seconds."},
	"admin.token.toomany":       {"For mange forkerte tokens herfra. Prøv igen om %d sekunder.", "Too many wrong tokens from here. Try again in %d seconds."},
	"admin.kind.municipality":   {"kommune", "municipality"},
	"admin.kind.region":         {"region", "region"},
	"admin.kind.state":          {"statslig", "state"},
	"admin.kind.other":          {"anden", "other"},
	"admin.log.rows":            {"Rækkerne", "The rows"},
	"admin.log.before":          {"før:", "before:"},
	"admin.log.change.added":    {"Tilføjet", "Added"},
	"admin.log.change.changed":  {"Ændret", "Changed"},
	"admin.log.change.ended":    {"Afsluttet", "Ended"},
	"admin.upload.mode":         {"Hvad filen er", "What the file is"},
	"admin.upload.mode.replace": {"Hele registret: rækker, som filen ikke nævner, afsluttes (de bevares i historikken)", "The whole register: rows the file does not name are ended (they stay in the history)"},
	"admin.upload.mode.add":     {"Tilføjelser og rettelser: rækker, som filen ikke nævner, bevares uændret", "Additions and corrections: rows the file does not name stay as they are"},
	"admin.preview.mode.add":    {"Filen tilføjer og retter rækker; ingen række afsluttes, fordi den ikke er med.", "The file adds and corrects rows; no row is ended for not being in it."},
	"admin.preview.endsmany":    {"Advarsel: filen afslutter %s af registrets %s rækker. Er det ikke meningen, så annullér og vælg \"Tilføjelser og rettelser\".", "Warning: the file ends %s of the register's %s rows. If that is not what you mean, cancel and choose \"Additions and corrections\"."},
	"admin.preview.confirm":     {"Ja, afslut %s rækker", "Yes, end %s rows"},
	"admin.import.confirm":      {"Filen afslutter %d rækker, mere end en tiendedel af registret. Bekræft antallet i forhåndsvisningen for at indlæse den.", "The file ends %d rows, more than a tenth of the register. Confirm the number in the preview to import it."},
}
