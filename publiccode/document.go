package publiccode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Document is a publiccode.yml as os2pulse writes one: the fields it can
// fill from what it knows, under the standard's own names (JSON and the
// YAML of Write alike).
type Document struct {
	PublicCodeYmlVersion string                 `json:"publiccodeYmlVersion"`
	Name                 string                 `json:"name"`
	URL                  string                 `json:"url"`
	LandingURL           string                 `json:"landingURL,omitempty"`
	SoftwareVersion      string                 `json:"softwareVersion,omitempty"`
	ReleaseDate          string                 `json:"releaseDate,omitempty"`
	Platforms            []string               `json:"platforms"`
	DevelopmentStatus    string                 `json:"developmentStatus"`
	SoftwareType         string                 `json:"softwareType"`
	UsedBy               []string               `json:"usedBy,omitempty"`
	Legal                Legal                  `json:"legal"`
	Maintenance          Maintenance            `json:"maintenance"`
	Localisation         Localisation           `json:"localisation"`
	Description          map[string]Description `json:"description"`
}

// Legal is the document's legal section.
type Legal struct {
	License   string `json:"license,omitempty"` // "" when not known: left out
	RepoOwner string `json:"repoOwner,omitempty"`
}

// Maintenance is who maintains the software.
type Maintenance struct {
	Type        string       `json:"type"`
	Contractors []Contractor `json:"contractors,omitempty"`
	Contacts    []Contact    `json:"contacts,omitempty"`
}

// Contractor is an entity contracted for maintenance, until a date.
type Contractor struct {
	Name  string `json:"name"`
	Until string `json:"until"`
}

// Contact is a person maintaining the software.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// Localisation is the languages the software is available in.
type Localisation struct {
	LocalisationReady  bool     `json:"localisationReady"`
	AvailableLanguages []string `json:"availableLanguages"`
}

// Description is the description in one language.
type Description struct {
	ShortDescription string `json:"shortDescription"`
	LongDescription  string `json:"longDescription"`
}

// Version is the version of the standard Write writes.
const Version = "0.4"

// Write writes d as YAML. header lines open the file as comments; notes
// put a comment after a field's line (by its path, such as
// "maintenance.type" or "platforms"), to say which values are guesses;
// placeholders close the file as commented-out lines for fields os2pulse
// cannot know. Every string is written double-quoted (JSON's escapes are
// YAML's), so no value can change the document's structure.
func Write(d Document, header []string, notes map[string]string, placeholders []string) []byte {
	var b bytes.Buffer
	for _, h := range header {
		comment(&b, "", h)
	}
	line := func(indent, key, value, path string) {
		b.WriteString(indent + key + ":")
		if value != "" {
			b.WriteString(" " + value)
		}
		if n := notes[path]; n != "" {
			b.WriteString("  # " + oneLine(n))
		}
		b.WriteByte('\n')
	}
	list := func(indent, key, path string, items []string) {
		line(indent, key, "", path)
		for _, it := range items {
			b.WriteString(indent + "  - " + quote(it) + "\n")
		}
	}
	line("", "publiccodeYmlVersion", quote(d.PublicCodeYmlVersion), "publiccodeYmlVersion")
	line("", "name", quote(d.Name), "name")
	line("", "url", quote(d.URL), "url")
	if d.LandingURL != "" {
		line("", "landingURL", quote(d.LandingURL), "landingURL")
	}
	if d.SoftwareVersion != "" {
		line("", "softwareVersion", quote(d.SoftwareVersion), "softwareVersion")
	}
	if d.ReleaseDate != "" {
		line("", "releaseDate", quote(d.ReleaseDate), "releaseDate")
	}
	list("", "platforms", "platforms", d.Platforms)
	line("", "developmentStatus", quote(d.DevelopmentStatus), "developmentStatus")
	line("", "softwareType", quote(d.SoftwareType), "softwareType")
	if len(d.UsedBy) > 0 {
		list("", "usedBy", "usedBy", d.UsedBy)
	}
	line("", "legal", "", "legal")
	if d.Legal.License != "" {
		line("  ", "license", quote(d.Legal.License), "legal.license")
	} else if n := notes["legal.license"]; n != "" {
		comment(&b, "  ", "license: "+n)
	}
	if d.Legal.RepoOwner != "" {
		line("  ", "repoOwner", quote(d.Legal.RepoOwner), "legal.repoOwner")
	}
	line("", "maintenance", "", "maintenance")
	line("  ", "type", quote(d.Maintenance.Type), "maintenance.type")
	if len(d.Maintenance.Contractors) > 0 {
		line("  ", "contractors", "", "maintenance.contractors")
		for _, c := range d.Maintenance.Contractors {
			b.WriteString("    - name: " + quote(c.Name) + "\n")
			line("      ", "until", quote(c.Until), "maintenance.contractors.until")
		}
	}
	if len(d.Maintenance.Contacts) > 0 {
		line("  ", "contacts", "", "maintenance.contacts")
		for _, c := range d.Maintenance.Contacts {
			b.WriteString("    - name: " + quote(c.Name) + "\n")
			if c.Email != "" {
				b.WriteString("      email: " + quote(c.Email) + "\n")
			}
		}
	}
	line("", "localisation", "", "localisation")
	line("  ", "localisationReady", fmt.Sprint(d.Localisation.LocalisationReady), "localisation.localisationReady")
	list("  ", "availableLanguages", "localisation.availableLanguages", d.Localisation.AvailableLanguages)
	line("", "description", "", "description")
	langs := make([]string, 0, len(d.Description))
	for l := range d.Description {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		desc := d.Description[l]
		line("  ", quote(l), "", "description."+l)
		line("    ", "shortDescription", quote(desc.ShortDescription), "description.shortDescription")
		line("    ", "longDescription", quote(desc.LongDescription), "description.longDescription")
	}
	if len(placeholders) > 0 {
		b.WriteByte('\n')
		for _, p := range placeholders {
			comment(&b, "", p)
		}
	}
	return b.Bytes()
}

// comment writes text as comment lines; a line break in text starts a
// new comment line, so text can never end the comment.
func comment(b *bytes.Buffer, indent, text string) {
	for _, l := range strings.Split(text, "\n") {
		b.WriteString(strings.TrimRight(indent+"# "+strings.ReplaceAll(l, "\r", " "), " ") + "\n")
	}
}

func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// quote writes s as a YAML double-quoted scalar.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
