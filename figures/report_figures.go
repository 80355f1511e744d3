package figures

import "os2pulse/civil"

// The annual report as flat rows, one per figure, named by definition
// id: what CSV and JSON carry and what a kept copy compares.

// Figures flattens the report into rows, one per figure, each named by its
// definition id.
func (r Report) Figures() []ReportFigure {
	var out []ReportFigure
	// addK adds a figure with its value and the previous year's, each
	// known or not; it is complete only when both are known.
	addK := func(def, subject, scope string, v, p Known[float64]) {
		out = append(out, ReportFigure{Definition: def, Subject: subject, Scope: scope, Value: v, Previous: p, HasPrevious: true,
			Complete: v.OK() && p.OK(), Unit: UnitCount})
	}
	add := func(def, subject, scope string, v, p float64) { addK(def, subject, scope, Know(v), Know(p)) }
	addNow := func(def, subject, scope string, v float64) {
		out = append(out, ReportFigure{Definition: def, Subject: subject, Scope: scope, Value: Know(v), Complete: true, Unit: UnitCount})
	}
	// unit sets the unit of the row added last; covered its coverage
	// when it is incomplete.
	unit := func(u string) { out[len(out)-1].Unit = u }
	covered := func(d civil.Date) {
		if f := &out[len(out)-1]; !f.Complete {
			f.CoveredUntil = d
		}
	}
	count := func(k Known[int]) Known[float64] {
		n, ok := k.Get()
		return KnownIf(float64(n), ok)
	}
	aff := func(a *Affiliations, pick func(Affiliations) int) Known[float64] {
		if a == nil {
			return Known[float64]{}
		}
		return Know(float64(pick(*a)))
	}
	member := func(a Affiliations) int { return a.Member }
	supplier := func(a Affiliations) int { return a.Supplier }
	other := func(a Affiliations) int { return a.Unknown }
	// signal is a health signal's value, not known when the signal is not.
	signal := func(known bool, v float64) Known[float64] { return KnownIf(v, known) }

	add("members", "portfolio", "", float64(r.Members.Current), float64(r.Members.Previous))
	addNow("members_change", "portfolio", "joined", float64(len(r.Members.Joined)))
	addNow("members_change", "portfolio", "left", float64(len(r.Members.Left)))
	for _, g := range r.Governance {
		add("governance_level", g.Level, "", float64(len(g.Products)), float64(len(g.Previous)))
	}
	for _, a := range r.Adoption {
		id := a.Current.ID
		add("adopter", id, "municipalities", float64(a.Current.Adopters.Municipalities), float64(a.Previous.Adopters.Municipalities))
		add("adopter", id, "members", float64(a.Current.Adopters.Members), float64(a.Previous.Adopters.Members))
		add("adopter", id, "all", float64(a.Current.Adopters.All), float64(a.Previous.Adopters.All))
		add("adoption_share_municipalities", id, "", a.Current.ShareOfMunicipalities, a.Previous.ShareOfMunicipalities)
		unit(UnitShare)
		add("adoption_share_members", id, "", a.Current.ShareOfMembers, a.Previous.ShareOfMembers)
		unit(UnitShare)
		add("pilots_planned", id, "pilot", float64(a.Current.Pilots), float64(a.Previous.Pilots))
		add("pilots_planned", id, "planned", float64(a.Current.Planned), float64(a.Previous.Planned))
	}
	for _, k := range DistributionKeys {
		add("product_counts", k, "", float64(r.Distribution.Current.Distribution[k]), float64(r.Distribution.Previous.Distribution[k]))
	}
	add("three_plus", "portfolio", "count", float64(r.Distribution.Current.ThreePlus), float64(r.Distribution.Previous.ThreePlus))
	add("three_plus", "portfolio", "share", r.Distribution.Current.ThreePlusShare, r.Distribution.Previous.ThreePlusShare)
	unit(UnitShare)
	addNow("non_member_adopters", "portfolio", "", float64(len(r.NonMemberAdopters)))
	for _, n := range r.NonMemberAdopters {
		addNow("non_member_adopters", n.Organization, "products", float64(len(n.Products)))
	}
	// last gives the row added last, when its value is not known, the
	// value on the last date its data reach.
	last := func(l *LastContributors, pick func(Affiliations) int) {
		if f := &out[len(out)-1]; !f.Value.OK() && l != nil {
			v := l.ActiveContributors
			if pick != nil {
				v = pick(l.ByAffiliation)
			}
			f.LastKnown = &LastFigure{Value: float64(v), Date: l.Date}
		}
	}
	for _, ct := range r.Contributors {
		id, cur, prev := ct.Current.ID, ct.Current, ct.Previous
		addK("active_contributors", id, "all", count(cur.ActiveContributors), count(prev.ActiveContributors))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, nil)
		addK("active_contributors", id, "member", aff(cur.ByAffiliation, member), aff(prev.ByAffiliation, member))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, member)
		addK("active_contributors", id, "supplier", aff(cur.ByAffiliation, supplier), aff(prev.ByAffiliation, supplier))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, supplier)
		addK("active_contributors", id, "unknown", aff(cur.ByAffiliation, other), aff(prev.ByAffiliation, other))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, other)
	}
	pc := r.PortfolioContributors
	addK("active_contributors", "portfolio", "all", count(pc.Current), count(pc.Previous))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, nil)
	addK("active_contributors", "portfolio", "member", aff(pc.ByAffiliation, member), aff(pc.PrevAffiliations, member))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, member)
	addK("active_contributors", "portfolio", "supplier", aff(pc.ByAffiliation, supplier), aff(pc.PrevAffiliations, supplier))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, supplier)
	addK("active_contributors", "portfolio", "unknown", aff(pc.ByAffiliation, other), aff(pc.PrevAffiliations, other))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, other)
	for _, h := range r.Health {
		id, cur, prev := h.Current.Product, h.Current, h.Previous
		if h.SelfEvaluation.Evaluation != nil {
			met, req := RequirementsMet(h.SelfEvaluation)
			pmet, preq := RequirementsMet(h.PreviousSelfEvaluation)
			add("self_evaluation", id, "met", float64(met), float64(pmet))
			add("self_evaluation", id, "required", float64(req), float64(preq))
		}
		var cc, pcc Concentration
		if cur.Concentration != nil {
			cc = *cur.Concentration
		}
		if prev.Concentration != nil {
			pcc = *prev.Concentration
		}
		addK("contributor_concentration", id, "", signal(cur.Concentration != nil, float64(cc.Persons)), signal(prev.Concentration != nil, float64(pcc.Persons)))
		covered(cur.CoveredUntil)
		var cd, pd Diversity
		if cur.Diversity != nil {
			cd = *cur.Diversity
		}
		if prev.Diversity != nil {
			pd = *prev.Diversity
		}
		addK("organizational_diversity", id, "organizations", signal(cur.Diversity != nil, float64(cd.Organizations)), signal(prev.Diversity != nil, float64(pd.Organizations)))
		covered(cur.CoveredUntil)
		addK("organizational_diversity", id, "largest_share", signal(cur.Diversity != nil && cd.Organizations > 0, cd.LargestShare),
			signal(prev.Diversity != nil && pd.Organizations > 0, pd.LargestShare))
		unit(UnitShare)
		covered(cur.CoveredUntil)
		if fr := cur.FirstResponse; fr != nil && fr.MedianSeconds != nil {
			f := ReportFigure{Definition: "time_to_first_response", Subject: id, Scope: "median_seconds", Value: Know(*fr.MedianSeconds), Complete: true, Unit: UnitSeconds}
			if pf := prev.FirstResponse; pf != nil && pf.MedianSeconds != nil {
				f.Previous, f.HasPrevious = Know(*pf.MedianSeconds), true
			}
			out = append(out, f)
		}
		var cr, pr ReleaseCadence
		if cur.Releases != nil {
			cr = *cur.Releases
		}
		if prev.Releases != nil {
			pr = *prev.Releases
		}
		addK("release_cadence", id, "releases", signal(cur.Releases != nil, float64(cr.Releases)), signal(prev.Releases != nil, float64(pr.Releases)))
		covered(cur.CoveredUntil)
		var cb, pb Backlog
		if cur.Backlog != nil {
			cb = *cur.Backlog
		}
		if prev.Backlog != nil {
			pb = *prev.Backlog
		}
		addK("backlog", id, "open", signal(cur.Backlog != nil, float64(cb.Open)), signal(prev.Backlog != nil, float64(pb.Open)))
		covered(cur.CoveredUntil)
		var ch, ph Hygiene
		if cur.Hygiene != nil {
			ch = *cur.Hygiene
		}
		if prev.Hygiene != nil {
			ph = *prev.Hygiene
		}
		addK("repository_hygiene", id, "licensed", signal(cur.Hygiene != nil, float64(ch.Licensed)), signal(prev.Hygiene != nil, float64(ph.Licensed)))
	}
	for _, g := range r.Goals {
		gu := UnitCount
		if g.Share {
			gu = UnitShare
		}
		addGoal := func(def, scope string, v Known[float64]) {
			out = append(out, ReportFigure{Definition: def, Subject: g.ID, Scope: scope, Value: v, Complete: v.OK(), Unit: gu})
			covered(g.CoveredUntil)
		}
		out = append(out, ReportFigure{Definition: "goal", Subject: g.ID, Scope: "value", Value: g.Value, Status: g.Status,
			Complete: g.Complete, CoveredUntil: g.CoveredUntil, Unit: gu})
		if g.ValueOnDeadline != nil {
			addGoal("goal", "value_on_deadline", *g.ValueOnDeadline)
		}
		addGoal("goal", "target", Know(g.Target))
		addGoal("goal", "baseline", g.Baseline)
		if p := g.Projection; p != nil {
			addGoal("projection", "at_deadline", Know(p.AtDeadline))
			addGoal("projection", "per_month", Know(p.PerMonth))
			addGoal("projection", "needed_per_month", Know(p.NeededPerMonth))
		}
	}
	return out
}
