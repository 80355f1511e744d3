package locale

// organizationMsgs are the labels of the organisation pages.
var organizationMsgs = map[string]msg{
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
}
