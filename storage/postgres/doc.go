// Package postgres is a storage.Store on PostgreSQL (pgx, no ORM): any
// number of processes on any number of machines share one store.
package postgres
