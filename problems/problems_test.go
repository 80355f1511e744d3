package problems

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestList(t *testing.T) {
	l := NewList("reg.csv", 2)
	if l.Err() != nil {
		t.Fatal("empty list has an error")
	}
	l.Add(3, "unknown status %q", "drift")
	l.AddAt("adoption!C14", "bad")
	l.Add(9, "left out")
	l.Add(10, "left out too")
	want := []string{`reg.csv:3: unknown status "drift"`, "reg.csv:adoption!C14: bad", "reg.csv: and 2 more problems"}
	if got := l.All(); !reflect.DeepEqual(got, want) {
		t.Fatalf("All() = %q, want %q", got, want)
	}
	if l.Len() != 4 {
		t.Errorf("Len = %d, want 4", l.Len())
	}
	err := fmt.Errorf("importing: %w", l.Err())
	if got := Of(err); !reflect.DeepEqual(got, want) {
		t.Errorf("Of(wrapped) = %q", got)
	}
	if Of(errors.New("other")) != nil {
		t.Error("Of(other error) is not nil")
	}
}
