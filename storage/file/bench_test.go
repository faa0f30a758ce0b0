package file_test

func removeFixture() {}
