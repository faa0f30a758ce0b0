package postgres_test

const envChild = "DOSSIER_PG_TEST_CHILD"

func childMain(string) int { return 0 }
