package locale

// msg is one label in both languages.
type msg struct{ da, en string }

// catalogue holds every label shown on a page, in Danish and English, kept
// in one file per page or topic (catalogue_*.go). A key missing here is shown
// as the key itself, so locale_test.go checks that every key the templates
// and Go code use is present, with both texts, and that no key is defined in
// two files.
var catalogue = merge(
	layoutMsgs,
	sharedMsgs,
	coverageMsgs,
	overviewMsgs,
	headingsMsgs,
	statusesMsgs,
	productMsgs,
	publicCodeMsgs,
	organizationMsgs,
	dataMsgs,
	apiMsgs,
	goalsMsgs,
	reportMsgs,
	errorsMsgs,
	evidenceMsgs,
	pluralMsgs,
	adminMsgs,
	censusMsgs,
)

// merge joins the topic maps into one catalogue. A key in two maps would
// silently win by order, so it panics: the package's tests catch it at once.
func merge(parts ...map[string]msg) map[string]msg {
	all := make(map[string]msg)
	for _, p := range parts {
		for k, m := range p {
			if _, dup := all[k]; dup {
				panic("locale: catalogue key " + k + " defined twice")
			}
			all[k] = m
		}
	}
	return all
}
