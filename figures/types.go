package figures

import "os2pulse/civil"

// The result types of the figures. Field names and JSON keys are the API's
// (/api/v1); dates are civil.Dates, written as YYYY-MM-DD.

// AdopterCounts counts a product's adopters on a date by scope.
type AdopterCounts struct {
	Municipalities int `json:"municipalities"`
	Members        int `json:"members"`
	All            int `json:"all"`
}

// ProductAdoption is one product's adoption on a date.
type ProductAdoption struct {
	ID                    string        `json:"id"`
	Name                  string        `json:"name"`
	GovernanceLevel       string        `json:"governance_level"`
	Focus                 bool          `json:"focus"`
	Adopters              AdopterCounts `json:"adopters"`
	ShareOfMunicipalities float64       `json:"share_of_municipalities"`
	ShareOfMembers        float64       `json:"share_of_members"`
	Pilots                int           `json:"pilots"`
	Planned               int           `json:"planned"`
}

// Adoption is every product's adoption on a date. RegisteredOn is set
// when the date is after the register's coverage: the figures are as the
// register stood on that date.
type Adoption struct {
	Date                civil.Date        `json:"date"`
	RegisteredOn        civil.Date        `json:"registered_on,omitzero"`
	MunicipalitiesTotal int               `json:"municipalities_total"`
	MembersTotal        int               `json:"members_total"`
	Products            []ProductAdoption `json:"products"`
}

// Distribution counts members by how many products they run in
// production: keys "0", "1", "2", "3", "4", "5+".
type Distribution map[string]int

// DistributionKeys are the keys of a Distribution in order.
var DistributionKeys = []string{"0", "1", "2", "3", "4", "5+"}

// NonMemberAdopter is an adopter that is not a member on the date.
type NonMemberAdopter struct {
	Organization string   `json:"organization"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Products     []string `json:"products"`
}

// Members is the membership figures on a date; RegisteredOn as for
// Adoption.
type Members struct {
	Date              civil.Date         `json:"date"`
	RegisteredOn      civil.Date         `json:"registered_on,omitzero"`
	Members           int                `json:"members"`
	ThreePlus         int                `json:"three_plus"`
	ThreePlusShare    float64            `json:"three_plus_share"`
	Distribution      Distribution       `json:"distribution"`
	NonMemberAdopters []NonMemberAdopter `json:"non_member_adopters"`
}

// AdoptionPoint is one product's adoption at one point of a series.
type AdoptionPoint struct {
	Date                  civil.Date    `json:"date"`
	Adopters              AdopterCounts `json:"adopters"`
	ShareOfMunicipalities float64       `json:"share_of_municipalities"`
	ShareOfMembers        float64       `json:"share_of_members"`
	Pilots                int           `json:"pilots"`
	Planned               int           `json:"planned"`
}

// AdoptionSeries is one product's adoption over time.
type AdoptionSeries struct {
	Product string          `json:"product"`
	Name    string          `json:"name"`
	Step    Step            `json:"step"`
	Points  []AdoptionPoint `json:"points"`
}

// MembersPoint is the membership figures at one point of a series.
type MembersPoint struct {
	Date           civil.Date   `json:"date"`
	Members        int          `json:"members"`
	ThreePlus      int          `json:"three_plus"`
	ThreePlusShare float64      `json:"three_plus_share"`
	Distribution   Distribution `json:"distribution"`
}

// MembersSeries is the membership figures over time.
type MembersSeries struct {
	Step   Step           `json:"step"`
	Points []MembersPoint `json:"points"`
}

// Adopter is one organisation's record for a product on a date, for the
// product page's list of who runs it.
type Adopter struct {
	Organization string     `json:"organization"`
	Name         string     `json:"name"`
	Kind         string     `json:"kind"`
	Member       bool       `json:"member"`
	Status       string     `json:"status"` // production, pilot or planned
	Since        civil.Date `json:"since"`
	Until        civil.Date `json:"until,omitzero"`
}

// OrganizationProduct is a product an organisation runs, pilots or plans
// on a date.
type OrganizationProduct struct {
	Product string     `json:"product"`
	Name    string     `json:"name"`
	Status  string     `json:"status"`
	Since   civil.Date `json:"since"`
	Until   civil.Date `json:"until,omitzero"`
}

// OrganizationDetail is an organisation's membership and products on a
// date; RegisteredOn as for Adoption.
type OrganizationDetail struct {
	Date         civil.Date            `json:"date"`
	RegisteredOn civil.Date            `json:"registered_on,omitzero"`
	ID           string                `json:"id"`
	Name         string                `json:"name"`
	Kind         string                `json:"kind"`
	Region       string                `json:"region,omitempty"`
	Member       bool                  `json:"member"`
	Memberships  []MembershipPeriod    `json:"memberships"`
	Products     []OrganizationProduct `json:"products"`
	Stopped      []OrganizationProduct `json:"stopped"`       // ended or stopped before the date
	ProductCount int                   `json:"product_count"` // in production on the date
}

// MembershipPeriod is one membership period.
type MembershipPeriod struct {
	Since civil.Date `json:"since"`
	Until civil.Date `json:"until,omitzero"`
}

// Affiliations splits a contributor count by affiliation.
type Affiliations struct {
	Member   int `json:"member"`
	Supplier int `json:"supplier"`
	Unknown  int `json:"unknown"`
}

// knownAffiliations is a when its figure is known, else nil.
func knownAffiliations(a Affiliations, known bool) *Affiliations {
	if !known {
		return nil
	}
	return &a
}

// LastContributors is an active contributor figure on the last date its
// data reach, shown beside the figure of a date they do not reach.
type LastContributors struct {
	Date               civil.Date   `json:"date"`
	ActiveContributors int          `json:"active_contributors"`
	ByAffiliation      Affiliations `json:"by_affiliation"`
}

// ProductContributors is one product's active contributors on a date.
// Complete says whether its coverage (CoveredUntil; zero: not known)
// reaches the date; when it does not, the figures are not known (null)
// and LastKnown is what they were on the last date the data reach (nil:
// none).
type ProductContributors struct {
	ID                 string            `json:"id"`
	Name               string            `json:"name"`
	ActiveContributors Known[int]        `json:"active_contributors"`
	ByAffiliation      *Affiliations     `json:"by_affiliation"`
	Repositories       int               `json:"repositories"`
	Complete           bool              `json:"complete"`
	CoveredUntil       civil.Date        `json:"covered_until,omitzero"`
	LastKnown          *LastContributors `json:"last_known,omitempty"`
}

// Contributors is the active contributor figures on a date, with the
// portfolio's completeness and last known figures as for a product.
type Contributors struct {
	Date                        civil.Date            `json:"date"`
	WindowDays                  int                   `json:"window_days"`
	PortfolioActiveContributors Known[int]            `json:"portfolio_active_contributors"`
	PortfolioByAffiliation      *Affiliations         `json:"portfolio_by_affiliation"`
	PortfolioComplete           bool                  `json:"portfolio_complete"`
	PortfolioCoveredUntil       civil.Date            `json:"portfolio_covered_until,omitzero"`
	PortfolioLastKnown          *LastContributors     `json:"portfolio_last_known,omitempty"`
	Products                    []ProductContributors `json:"products"`
}

// ContributorPoint is active contributors at one point of a series;
// Complete says whether the series' coverage reaches the point, and the
// figures are not known (null) when it does not.
type ContributorPoint struct {
	Date               civil.Date    `json:"date"`
	ActiveContributors Known[int]    `json:"active_contributors"`
	ByAffiliation      *Affiliations `json:"by_affiliation"`
	Complete           bool          `json:"complete"`
}

// ContributorSeries is active contributors over time, for one product or
// (Product "") the portfolio, with its coverage (zero: not known).
type ContributorSeries struct {
	Product      string             `json:"product,omitempty"`
	WindowDays   int                `json:"window_days"`
	Step         Step               `json:"step"`
	CoveredUntil civil.Date         `json:"covered_until,omitzero"`
	Points       []ContributorPoint `json:"points"`
}

// RepositoryActivity is one repository's contributions in the window.
// Commits and contributors are known only when the product's collected
// history reaches the date (as its active contributors are), so a
// repository whose history stops earlier shows "–", not 0.
// Pull requests, issues and reviews come from GitHub only, and stars from
// its daily snapshot: they are not known (null) for a repository GitHub
// was never asked about (one known from a git log import) or without a
// snapshot by the date.
type RepositoryActivity struct {
	Key          string     `json:"key"`
	FullName     string     `json:"full_name"`
	URL          string     `json:"url"`
	Description  string     `json:"description"`
	Status       string     `json:"status"`
	Archived     bool       `json:"archived"`
	Commits      Known[int] `json:"commits"`
	PullRequests Known[int] `json:"pull_requests"`
	Issues       Known[int] `json:"issues"`
	Reviews      Known[int] `json:"reviews"`
	Contributors Known[int] `json:"contributors"`
	LastActivity civil.Date `json:"last_activity,omitzero"`
	Stars        Known[int] `json:"stars"`
	LatestTag    string     `json:"latest_release,omitempty"`
}

// ProductActivity is the contributor detail of one product on a date, with
// its completeness and last known figures as in ProductContributors.
type ProductActivity struct {
	Date               civil.Date        `json:"date"`
	Product            string            `json:"product"`
	WindowDays         int               `json:"window_days"`
	Complete           bool              `json:"complete"`
	CoveredUntil       civil.Date        `json:"covered_until,omitzero"`
	ActiveContributors Known[int]        `json:"active_contributors"`
	ByAffiliation      *Affiliations     `json:"by_affiliation"`
	Contributions      Known[int]        `json:"contributions"`
	LastKnown          *LastContributors `json:"last_known,omitempty"`
	// Concentration is how many persons make half of the contributions in
	// the window (a bus-factor style figure): 1 means one person does half
	// the work. Not known without a contribution in the window.
	Concentration Known[int]           `json:"concentration"`
	Repositories  []RepositoryActivity `json:"repositories"`
}
