package figures

import (
	"strings"
	"testing"

	"os2pulse/civil"
)

func TestPoints(t *testing.T) {
	d := civil.MustParse
	tests := []struct {
		name     string
		from, to string
		step     Step
		want     string
		wantErr  string
	}{
		{"months", "2024-01-15", "2024-04-30", Month, "2024-01-31 2024-02-29 2024-03-31 2024-04-30", ""},
		{"months clipped end", "2024-01-01", "2024-03-10", Month, "2024-01-31 2024-02-29 2024-03-10", ""},
		{"quarters", "2023-02-01", "2023-12-31", Quarter, "2023-03-31 2023-06-30 2023-09-30 2023-12-31", ""},
		{"years", "2021-06-01", "2023-06-01", Year, "2021-12-31 2022-12-31 2023-06-01", ""},
		{"single day", "2024-05-05", "2024-05-05", Month, "2024-05-05", ""},
		{"reversed", "2024-05-05", "2024-01-01", Month, "", "is after"},
		{"too many", "1900-01-01", "2024-01-01", Month, "", "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Points(d(tt.from), d(tt.to), tt.step)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			if strings.Join(s, " ") != tt.want {
				t.Fatalf("Points = %s, want %s", strings.Join(s, " "), tt.want)
			}
		})
	}
}
