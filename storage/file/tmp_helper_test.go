package file_test

const helperEnv = "DOSSIER_FILE_TEST_HELPER"

func runHelper(string) int { return 2 }
func removeFixture()       {}
