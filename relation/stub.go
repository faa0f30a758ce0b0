// Package relation is a placeholder until the relation package lands.
package relation

type Relation struct {
	ID string `json:"id"`
}

func (r Relation) Clone() Relation { return r }
