package entity

import "github.com/dossierkit/dossier/validation"

// Role is what an individual or a company is to the company it relates to.
type Role string

// The roles of the Dotfile API.
const (
	RoleShareholder         Role = "shareholder"
	RoleLegalRepresentative Role = "legal_representative"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool { return r == RoleShareholder || r == RoleLegalRepresentative }

// ValidateRoles reports a problem at path[i] for every unknown or repeated
// role.
func ValidateRoles(l *validation.List, path string, roles []Role) {
	seen := make(map[Role]bool, len(roles))
	for i, r := range roles {
		p := validation.Index(path, i)
		switch {
		case !r.Valid():
			l.Addf(p, validation.CodeInvalidValue, "%q is not a role; use %q or %q", string(r), RoleShareholder, RoleLegalRepresentative)
		case seen[r]:
			l.Addf(p, validation.CodeDuplicate, "role %q is listed twice", string(r))
		}
		seen[r] = true
	}
}

// CloneRoles returns a copy of roles; nil and empty both give nil.
func CloneRoles(roles []Role) []Role {
	if len(roles) == 0 {
		return nil
	}
	return append([]Role(nil), roles...)
}
