// Package customprop is a placeholder until the customprop package lands.
package customprop
