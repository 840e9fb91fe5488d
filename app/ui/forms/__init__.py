"""The Integration Hub's forms and the registry the Main Menu is built from."""
