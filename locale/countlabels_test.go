package locale

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// countWord finds a number put into a label right before a plural noun
// (perhaps after one adjective): "%s kommuner", "%s aktive bidragydere",
// "af %s krav", "%s requirements". Such a label reads wrong for 1 unless
// it has a singular.
var countWord = regexp.MustCompile(`%[sd] (?:\pL+ )?(kommuner|produkter|dage|timer|rækker|medlemmer|organisationer|repositorier|sager|versioner|sekunder|registreringer|problemer|bidragydere|municipalities|products|days|hours|rows|members|organisations|repositories|issues|versions|seconds|records|problems|contributors|requirements|pull requests)\b`)

// TestEveryCountLabelHasASingular: a label that puts a number before a
// plural noun has a singular (its key + ".one") that the count-label
// test reads, so that a new one without cannot slip in.
func TestEveryCountLabelHasASingular(t *testing.T) {
	var missing []string
	for key, m := range catalogue {
		if strings.HasSuffix(key, ".one") {
			continue
		}
		if countWord.MatchString(m.da) || countWord.MatchString(m.en) {
			if _, ok := pluralMsgs[key+".one"]; !ok {
				missing = append(missing, key)
			}
		}
	}
	slices.Sort(missing)
	for _, key := range missing {
		t.Errorf("%s puts a number before a plural noun but has no singular (%s.one in catalogue_plurals.go): %q", key, key, catalogue[key].en)
	}
}
