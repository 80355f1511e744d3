package golden

import "testing"

func TestDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"same", "a\nb\n", "a\nb\n", ""},
		{"changed line", "1\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\nX\n5\n6\n7\n",
			"@@ line 2\n  2\n  3\n- 4\n+ X\n  5\n  6\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "X\n2\n3\n4\n5\n6\n7\n8\nY\n",
			"@@ line 1\n- 1\n+ X\n  2\n  3\n@@ line 7\n  7\n  8\n- 9\n+ Y\n  \n"},
		{"added at end", "a\n", "a\nb\n", "@@ line 1\n  a\n+ b\n  \n"},
		{"removed at start", "a\nb\nc", "b\nc", "@@ line 1\n- a\n  b\n  c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diff(tt.a, tt.b); got != tt.want {
				t.Errorf("Diff =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
