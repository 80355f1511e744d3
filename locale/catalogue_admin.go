package locale

// adminMsgs are the labels of the admin pages' limits and checks.
var adminMsgs = map[string]msg{
	"admin.upload.busy":        {"Der læses allerede andre filer lige nu. Vent et øjeblik, og prøv igen.", "Other files are being read right now. Wait a moment and try again."},
	"admin.upload.busy.own":    {"Din forrige fil læses stadig. Vent på dens forhåndsvisning.", "Your previous file is still being read. Wait for its preview."},
	"admin.login.wait":         {"For mange forkerte forsøg med dette navn herfra. Prøv igen om %d sekunder.", "Too many failed attempts with this name from here. Try again in %d seconds."},
	"admin.token.toomany":      {"For mange forkerte tokens herfra. Prøv igen om %d sekunder.", "Too many wrong tokens from here. Try again in %d seconds."},
	"admin.kind.municipality":  {"kommune", "municipality"},
	"admin.kind.region":        {"region", "region"},
	"admin.kind.state":         {"statslig", "state"},
	"admin.kind.other":         {"anden", "other"},
	"admin.log.rows":           {"Rækkerne", "The rows"},
	"admin.log.before":         {"før:", "before:"},
	"admin.log.change.added":   {"Tilføjet", "Added"},
	"admin.log.change.changed": {"Ændret", "Changed"},
	"admin.log.change.ended":   {"Afsluttet", "Ended"},
}
