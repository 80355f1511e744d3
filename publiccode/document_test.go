package publiccode

import (
	"reflect"
	"strings"
	"testing"
)

// Write's output is read back by the checker with no problem and the same
// values, whatever the strings hold; notes and placeholders stay comments.
func TestWriteReadsBack(t *testing.T) {
	long := strings.Repeat("Kitos: overblik # ikke en kommentar. ", 6)
	d := Document{PublicCodeYmlVersion: Version, Name: "OS2kitos \"beta\"\nname: evil", URL: "https://github.com/os2kitos/kitos",
		SoftwareVersion: "v1: 2", ReleaseDate: "2026-09-15", Platforms: []string{"web", "- linux"}, DevelopmentStatus: "stable",
		SoftwareType: "standalone/web", UsedBy: []string{"Aarhus", "Ærø #1", "'København'"},
		Legal:        Legal{License: "MPL-2.0 OR MIT", RepoOwner: "OS2"},
		Maintenance:  Maintenance{Type: "contract", Contractors: []Contractor{{Name: "Magenta: ApS", Until: "2027-11-23"}}},
		Localisation: Localisation{AvailableLanguages: []string{"da", "en"}},
		Description:  map[string]Description{"da": {ShortDescription: "Overblik\tover it", LongDescription: long}},
	}
	notes := map[string]string{"platforms": "a guess\nname: injected", "legal.license": "x"}
	y := Write(d, []string{"head\nline two"}, notes, []string{"categories: …"})
	f, problems := Read(y, "p.yml")
	if len(problems) != 0 {
		t.Fatalf("problems:\n%s\nin\n%s", strings.Join(problems, "\n"), y)
	}
	want := File{Version: Version, Name: d.Name, URL: d.URL, SoftwareVersion: d.SoftwareVersion, ReleaseDate: d.ReleaseDate,
		License: d.Legal.License, UsedBy: d.UsedBy, MaintenanceType: "contract", Languages: []string{"da", "en"}}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("read back\n%+v\nwant\n%+v\nfrom\n%s", f, want, y)
	}
	for _, line := range strings.Split(string(y), "\n") {
		if strings.HasPrefix(line, "name:") && line != `name: "OS2kitos \"beta\"\nname: evil"` {
			t.Errorf("a value or note became a key: %q", line)
		}
	}
	// Without a licence, the note stands where it would be, as a comment.
	d.Legal.License = ""
	if y := Write(d, nil, map[string]string{"legal.license": "write its SPDX expression"}, nil); !strings.Contains(string(y), "legal:\n  # license: write its SPDX expression\n") {
		t.Errorf("no licence:\n%s", y)
	}
}
