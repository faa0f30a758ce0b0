package cases

type Check struct {
	ID string `json:"id"`
}

func (c Check) Clone() Check { return c }

type Flags uint8
