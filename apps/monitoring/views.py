"""HTML pages of this app (thin: fetch-and-authorize, call a selector or service, render)."""
