package locale

// evidenceMsgs are the labels of the governance evidence: what the data
// show per requirement beside what the product says.
var evidenceMsgs = map[string]msg{
	"export.evidence": {"Dokumentation pr. krav i governance-modellen: produktets eget svar ved siden af hvad data viser", "Evidence per requirement of the governance model: the product's own answer beside what the data show"},
}
