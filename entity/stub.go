// Package entity is a placeholder until the entity package lands.
package entity

type Company struct {
	ID string `json:"id"`
}

func (c Company) Clone() Company { return c }

type Individual struct {
	ID string `json:"id"`
}

func (i Individual) Clone() Individual { return i }
