package table

import (
	"bytes"
	"html/template"
	"reflect"
	"strings"
	"testing"

	"os2pulse/locale"
)

func TestMarkdown(t *testing.T) {
	tab := Table{Caption: "Brugere *alle*", Head: []string{"Organisation", "Antal"},
		Rows: [][]Cell{{Text("<img src=x> | a_b"), Int(locale.DA, 1234)}, {Link("Aarhus", "/organizations/751"), Pct(locale.EN, 0.5)}},
		Note: "#1"}
	var b strings.Builder
	Markdown(&b, tab)
	want := "**Brugere \\*alle\\***\n\n| Organisation | Antal |\n| --- | ---: |\n" +
		"| &lt;img src=x&gt; \\| a\\_b | 1.234 |\n| Aarhus | 50.0% |\n\n\\#1\n\n"
	if b.String() != want {
		t.Errorf("Markdown =\n%q\nwant\n%q", b.String(), want)
	}
}

func TestTemplate(t *testing.T) {
	tmpl, err := Templates(template.New(""))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tab := Table{Caption: "c", Head: []string{"a", "b"}, Rows: [][]Cell{{Link("<x>", "/p?a=1&b=2"), Num("3")}}}
	if err := tmpl.ExecuteTemplate(&b, "table", tab); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<th scope="row"><a href="/p?a=1&amp;b=2">&lt;x&gt;</a></th>`, `<td class="num">3</td>`, "<caption>c</caption>"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table HTML lacks %s:\n%s", want, b.String())
		}
	}
}

func TestNeutralizeCSV(t *testing.T) {
	got := NeutralizeCSV([]string{"=1+1", "+45 1234", "-3", "-x", "@SUM(A1)", "\tx", "plain", ""})
	want := []string{"'=1+1", "'+45 1234", "-3", "'-x", "'@SUM(A1)", "'\tx", "plain", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NeutralizeCSV = %q, want %q", got, want)
	}
}

func TestWriteCSV(t *testing.T) {
	rows := [][]string{{"København", "=1+1", "0.5"}, {"a;b", "-3", "v1.2.3"}}
	tests := []struct {
		sep  string
		want string
	}{
		{"", "\uFEFFname,value,share\nKøbenhavn,'=1+1,0.5\na;b,-3,v1.2.3\n"},
		{"comma", "\uFEFFname,value,share\nKøbenhavn,'=1+1,0.5\na;b,-3,v1.2.3\n"},
		// Danish Excel: semicolons and decimal commas, for numbers only.
		{"semicolon", "\uFEFFname;value;share\nKøbenhavn;'=1+1;0,5\n\"a;b\";-3;v1.2.3\n"},
	}
	for _, tt := range tests {
		sep, err := ParseSeparator(tt.sep)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := WriteCSV(&b, sep, []string{"name", "value", "share"}, rows); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("sep %q:\n%q\nwant\n%q", tt.sep, b.String(), tt.want)
		}
	}
	if _, err := ParseSeparator("tab"); err == nil {
		t.Error("tab is accepted as a separator")
	}
}
