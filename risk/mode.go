package risk

import "github.com/dossierkit/dossier/validation"

// Mode says how a risk was set, and, for a [History], which kind of risk is
// current.
type Mode string

// The modes.
const (
	// ModeAutomatic is a risk pushed by a scoring system (the API); in
	// automatic mode the latest automatic risk is current.
	ModeAutomatic Mode = "automatic"
	// ModeManual is a risk set by a person; in manual mode the latest manual
	// risk is current and automatic risks pushed meanwhile only go to history.
	ModeManual Mode = "manual"
)

const modeMessage = "mode must be automatic or manual"

// ParseMode returns the mode named s (exact match), or a *validation.Error
// with code [validation.CodeInvalidValue] and an empty path.
func ParseMode(s string) (Mode, error) {
	m := Mode(s)
	if !m.Valid() {
		return "", validation.New("", validation.CodeInvalidValue, modeMessage)
	}
	return m, nil
}

// Valid reports whether m is ModeAutomatic or ModeManual.
func (m Mode) Valid() bool { return m == ModeAutomatic || m == ModeManual }

// String returns the wire name of m.
func (m Mode) String() string { return string(m) }

// MarshalText returns the wire name of m, or a *validation.Error when m is
// not a valid mode.
func (m Mode) MarshalText() ([]byte, error) {
	if !m.Valid() {
		return nil, validation.New("", validation.CodeInvalidValue, modeMessage)
	}
	return []byte(m), nil
}

// UnmarshalText sets m to the mode named text, or returns a
// *validation.Error (and leaves m unchanged).
func (m *Mode) UnmarshalText(text []byte) error {
	v, err := ParseMode(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
