package locale

import "strings"

// Words for values that figures carry as keys, so that no key reaches a
// page or a report.

// Governance names a governance level: "Sandkasse" / "Sandbox" or
// "Governance-niveau 2" / "Governance level 2".
func (l Lang) Governance(level string) string {
	if level == "sandbox" {
		return l.T("governance.sandbox")
	}
	return l.Tf("governance.level", level)
}

// GoalStatus names a goal status ("met", "on track", "behind", "missed",
// "not started").
func (l Lang) GoalStatus(status string) string {
	return l.T("goal.status." + GoalStatusClass(status))
}

// GoalStatusClass is a goal status as a CSS class and catalogue key:
// met, on-track, behind, missed or upcoming.
func GoalStatusClass(status string) string {
	switch status {
	case "met", "missed", "behind":
		return status
	case "on track":
		return "on-track"
	}
	return "upcoming"
}

// GoalValue writes a goal's value: shares as percentages, counts as whole
// numbers.
func (l Lang) GoalValue(share bool, f float64) string {
	if share {
		return l.Pct(f)
	}
	return l.Dec(f, 0)
}

// OrgLabel names an organisation: "Aarhus (751)", or the id alone when it
// has no other name.
func OrgLabel(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

// List joins names: "a, b, c".
func List(names []string) string { return strings.Join(names, ", ") }
